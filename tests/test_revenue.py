"""Revenue linkage against hand calculations and statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.proportion import proportion_confint

from cxm_lab import revenue as rv
from cxm_lab.demo import load_demo
from cxm_lab.errors import DataError, ParameterError


def test_account_nps_roll_up_by_role_by_hand():
    r = pd.DataFrame(
        {
            "account_id": ["A", "A", "A", "B"],
            "ltr": [10, 6, 8, 3],
            "role": ["executive", "user", "technical", "user"],
        }
    )
    plain = rv.account_nps(r).set_index("account_id")
    assert plain.loc["A", "account_nps"] == pytest.approx(100 * (1 - 1) / 3)
    assert (
        plain.loc["A", "mean_ltr"] == pytest.approx(8.0) and plain.loc["A", "category"] == "passive"
    )
    w = rv.account_nps(r, weight_by="role").set_index("account_id")
    # weights 3 (exec, 10), 1 (user, 6), 1.5 (technical, 8): NPS = (3 - 1) / 5.5
    assert w.loc["A", "account_nps"] == pytest.approx(100 * 2 / 5.5)
    assert w.loc["A", "mean_ltr"] == pytest.approx((30 + 6 + 12) / 5.5)
    assert w.loc["B", "category"] == "detractor"
    with pytest.raises(ParameterError, match="no weight for role"):
        rv.account_nps(r.assign(role="intern"), weight_by="role")


def test_link_reports_unmatched_and_rejects_duplicate_keys():
    r = pd.DataFrame({"account_id": ["A", "B", "Z"], "ltr": [9, 5, 7]})
    crm = pd.DataFrame({"account_id": ["A", "B"], "arr": [100.0, 50.0]})
    res = rv.link_responses(r, crm)
    assert len(res.matched) + len(res.unmatched) == res.n_read == 3
    assert res.unmatched["account_id"].tolist() == ["Z"]
    with pytest.raises(DataError, match="duplicate 'account_id'"):
        rv.link_responses(r, pd.concat([crm, crm]))


def test_money_and_date_errors_name_column_and_row():
    with pytest.raises(DataError, match=r"column 'revenue' row 2: '12k' is not a number"):
        rv.check_money(pd.DataFrame({"revenue": ["10", "12k"]}), "revenue", file="crm.csv")
    with pytest.raises(DataError, match="negative amount"):
        rv.check_money(pd.DataFrame({"revenue": [10.0, -1.0]}), "revenue")
    with pytest.raises(DataError, match="mixes currencies"):
        rv.check_money(pd.DataFrame({"revenue": [1.0, 2.0], "currency": ["USD", "EUR"]}), "revenue")
    with pytest.raises(DataError, match=r"row 2: '31/02/2026' is not a date"):
        rv.check_dates(pd.DataFrame({"d": ["2026-01-01", "31/02/2026"]}), "d")


def test_category_economics_and_revenue_at_risk_by_hand():
    t = pd.DataFrame(
        {
            "category": pd.Categorical(
                ["detractor"] * 4 + ["passive"] * 2 + ["promoter"] * 2,
                ["detractor", "passive", "promoter"],
            ),
            "revenue_before": [100.0, 100, 200, 0, 50, 50, 300, 100],
            "churned": [True, True, False, False, False, True, False, False],
        }
    )
    e = rv.category_economics(t).set_index("category")
    assert (
        e.loc["detractor", "churn_rate"] == pytest.approx(0.5)
        and e.loc["detractor", "revenue"] == 400
    )
    lo, hi = proportion_confint(2, 4, method="wilson")
    assert e.loc["detractor", "churn_ci_low"] == pytest.approx(lo) and e.loc[
        "detractor", "churn_ci_high"
    ] == pytest.approx(hi)
    assert e["revenue_share"].sum() == pytest.approx(1.0)
    risk = rv.revenue_at_risk(e.reset_index()).set_index("category")
    assert risk.loc["detractor", "expected_loss"] == pytest.approx(200.0)
    arpu = 900 / 8
    assert risk.loc["detractor", "shortcut_loss"] == pytest.approx(4 * 0.5 * arpu)
    assert "not a causal" in risk.attrs["note"]


def test_nps_point_value_regression_matches_statsmodels():
    rng = np.random.default_rng(0)
    n = 800
    score = rng.uniform(-100, 100, n)
    churn = rng.random(n) < 1 / (1 + np.exp(-(-1.5 - 0.015 * score)))
    mean = np.where(score >= 30, 9.5, np.where(score >= 0, 8, 5))
    t = pd.DataFrame(
        {
            "account_nps": score,
            "churned": churn,
            "revenue_before": rng.uniform(10, 100, n),
            "category": np.select([mean >= 9, mean >= 7], ["promoter", "passive"], "detractor"),
        }
    )
    res = rv.nps_point_value(t, n_boot=200).set_index("method")
    fit = sm.Logit(churn.astype(float), sm.add_constant(score)).fit(disp=0)
    me = fit.get_margeff(at="overall").margeff[0]
    reg = res.loc["logistic regression of churn on account NPS"]
    assert reg["value_per_point"] == pytest.approx(-me * t["revenue_before"].sum())
    assert reg["ci_low"] < reg["value_per_point"] < reg["ci_high"]
    cat = res.loc["category values (detractor → passive)"]
    kept = t["revenue_before"] * (1 - t["churned"])
    by_hand = (
        0.01 * n * (kept[t.category == "passive"].mean() - kept[t.category == "detractor"].mean())
    )
    assert cat["value_per_point"] == pytest.approx(by_hand)


def test_earned_growth_rate_and_segments():
    assert rv.earned_growth_rate(1.05, 20.0, 1000.0) == pytest.approx(7.0)  # 105% + 2% - 100%
    t = pd.DataFrame(
        {
            "account_nps": [-50, 10, 80, 60],
            "nps_change": [0, 0, 0, -30],
            "revenue_before": [1, 2, 3, 4],
        }
    )
    seg = rv.growth_segments(t).set_index("revenue_before")["segment_growth"].astype(str)
    assert seg.to_dict() == {1: "at risk", 2: "grey zone", 3: "safe", 4: "at risk"}


def test_demo_linkage_detractors_churn_more():
    d = load_demo()
    base = d.responses[d.responses["quarter"].isin(["2024Q4", "2025Q1", "2025Q2", "2025Q3"])]
    t = rv.account_nps(base).merge(
        rv.account_outcomes(d.accounts, d.revenue, "2025-10-01", "2026-10-01"), on="account_id"
    )
    e = rv.category_economics(t).set_index("category")
    assert e.loc["detractor", "churn_rate"] > e.loc["promoter", "churn_rate"]
    m = rv.monthly_churn(d.accounts, d.revenue)
    assert m["churned"].sum() == d.accounts["churn_date"].notna().sum()
    refs = rv.referral_summary(t, d.referrals)
    assert refs["referrals"].sum() + refs.attrs["unattributed_referrals"] == len(d.referrals)


def test_real_telco_churn(shared_data):
    """IBM telco: satisfaction 1-5 as the score; churn by score (the score leaks the outcome)."""
    folder = shared_data / "en_ibm_telco_churn_v11"
    status = pd.read_excel(folder / "Telco_customer_churn_status.xlsx")
    services = pd.read_excel(folder / "Telco_customer_churn_services.xlsx")
    t = status.merge(services[["Customer ID", "Total Revenue"]], on="Customer ID", how="left")
    assert len(t) == 7043
    t = t.assign(
        category=pd.Categorical(
            np.select(
                [t["Satisfaction Score"] >= 4, t["Satisfaction Score"] == 3],
                ["promoter", "passive"],
                "detractor",
            ),
            ["detractor", "passive", "promoter"],
        ),
        churned=t["Churn Label"].eq("Yes"),
        revenue_before=rv.check_money(t, "Total Revenue", file="services"),
    )
    e = rv.category_economics(t).set_index("category")
    assert e["accounts"].sum() == 7043
    assert e.loc["detractor", "churn_rate"] > 0.9 and e.loc["promoter", "churn_rate"] < 0.05
