"""Revenue linkage (accounts, revenue, churn, growth, datasets): hand-calculated values on small
frames, regressions against statsmodels called directly, reconciled counts, money/date validation
and the IBM telco data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from cxm_lab import churn, growth
from cxm_lab import revenue as rv
from cxm_lab.accounts import account_nps, account_panel, link_responses
from cxm_lab.datasets import TELCO_NOTE, load_ibm_telco
from cxm_lab.demo import load_demo
from cxm_lab.errors import DataError, ParameterError, SchemaError, check_dates, check_money


@pytest.fixture(scope="module")
def demo():
    return load_demo()


# --------------------------------------------------------------------------- validation


def test_non_numeric_revenue_names_file_column_and_row():
    df = pd.DataFrame({"revenue": [10.0, "12k", 3.0]})
    with pytest.raises(DataError, match=r"revenue.csv: column 'revenue' row 2: '12k'"):
        check_money(df, "revenue", file="revenue.csv")


def test_negative_revenue_is_rejected():
    df = pd.DataFrame({"arr": [10.0, 5.0, -1.0]})
    with pytest.raises(DataError, match=r"column 'arr' row 3: negative"):
        check_money(df, "arr", file="accounts.csv")


def test_mixed_currencies_are_rejected():
    df = pd.DataFrame({"arr": [1.0, 2.0, 3.0], "currency": ["USD", "usd", "EUR"]})
    with pytest.raises(DataError, match=r"'currency' mixes currencies \['EUR', 'USD'\].*row 3"):
        check_money(df, "arr", file="accounts.csv")
    # one currency (case and spaces aside) is fine
    ok = pd.DataFrame({"arr": [1.0, 2.0], "currency": ["USD", " usd"]})
    assert check_money(ok, "arr").tolist() == [1.0, 2.0]


def test_unparseable_date_names_row():
    df = pd.DataFrame({"month": ["2025-01-01", "", "31/02/2025"]})
    with pytest.raises(DataError, match=r"revenue.csv: column 'month' row 3: '31/02/2025'"):
        check_dates(df, "month", file="revenue.csv")


def test_money_validation_reaches_public_functions(demo):
    bad = demo.revenue.copy()
    bad["revenue"] = bad["revenue"].astype(object)
    bad.loc[5, "revenue"] = "n/a"
    with pytest.raises(DataError, match="row 6"):
        account_panel(demo.responses, demo.accounts, bad, as_of="2025-07-01")
    with pytest.raises(DataError, match="row 6"):
        growth.earned_growth(demo.accounts, bad, start="2025-07-01")


# --------------------------------------------------------------------------- linking


def test_link_reports_unmatched_and_counts_reconcile():
    responses = pd.DataFrame(
        {"response_id": ["R1", "R2", "R3", "R4"], "account_id": ["A1", "A9", None, "A2"]}
    )
    crm = pd.DataFrame({"account_id": ["A1", "A2", "A3"], "arr": [1.0, 2.0, 3.0]})
    res = link_responses(responses, crm)
    assert res.n_read == 4 == len(res.matched) + len(res.unmatched)
    assert res.matched["response_id"].tolist() == ["R1", "R4"]
    assert res.matched["arr"].tolist() == [1.0, 2.0]
    assert dict(zip(res.unmatched["response_id"], res.unmatched["reason"], strict=True)) == {
        "R2": "key not in CRM",
        "R3": "missing key",
    }
    assert res.summary().loc[0, "match_rate"] == 50.0


def test_link_rejects_duplicate_crm_keys():
    crm = pd.DataFrame({"account_id": ["A1", "A2", "A1"]})
    with pytest.raises(DataError, match=r"row 1: key 'A1' appears 2 times"):
        link_responses(pd.DataFrame({"account_id": ["A1"]}), crm)


def test_link_demo_every_response_matches(demo):
    res = link_responses(demo.responses, demo.accounts[["account_id", "arr"]])
    assert len(res.matched) == len(demo.responses) and res.unmatched.empty


# --------------------------------------------------------------------------- account roll-up


def test_account_nps_unweighted_role_and_revenue_weights():
    r = pd.DataFrame(
        {
            "account_id": ["A", "A", "A", "B", "B"],
            "ltr": [10, 6, 8, 9, np.nan],
            "role": ["executive", "user", "technical", "user", "user"],
            "w": [1.0, 3.0, 0.0, 2.0, 1.0],
        }
    )
    scores = account_nps(r)
    plain = scores.table.set_index("account_id")
    # A: 1 promoter, 1 detractor, 1 passive of 3 -> 0; mean 8 -> passive
    assert plain.loc["A", "account_nps"] == pytest.approx(0.0)
    assert plain.loc["A", "mean_ltr"] == pytest.approx(8.0)
    assert plain.loc["A", "category"] == "passive"
    assert plain.loc["B", "responses"] == 1 and scores.n_missing_score == 1
    role = account_nps(r, weight="role").table.set_index("account_id")
    # A: weights 3 (exec, promoter), 1 (user, detractor), 1.5 (technical, passive) of 5.5
    assert role.loc["A", "account_nps"] == pytest.approx(100 * (3 - 1) / 5.5)
    assert role.loc["A", "mean_ltr"] == pytest.approx((30 + 6 + 12) / 5.5)
    col = account_nps(r, weight="w").table.set_index("account_id")
    assert col.loc["A", "account_nps"] == pytest.approx(100 * (1 - 3) / 4)
    assert col.loc["A", "mean_ltr"] == pytest.approx((10 + 18 + 0) / 4)
    assert col.loc["A", "category"] == "passive"  # weighted mean 7.0


def test_account_nps_unknown_role_is_an_error():
    r = pd.DataFrame({"account_id": ["A"], "ltr": [9], "role": ["intern"]})
    with pytest.raises(DataError, match="no weight for role 'intern'"):
        account_nps(r, weight="role")


# --------------------------------------------------------------------------- panel and economics


def _tiny_world():
    accounts = pd.DataFrame(
        {
            "account_id": ["A", "B", "C", "D"],
            "contract_start": ["2023-01-01"] * 4,
            "churn_date": [None, "2025-03-15", None, "2024-06-01"],
            "arr": [120.0, 240.0, 60.0, 10.0],
        }
    )
    responses = pd.DataFrame(
        {
            "account_id": ["A", "A", "B", "B", "C"],
            "response_date": ["2024-03-01", "2024-10-01", "2024-02-01", "2024-11-01", "2024-05-01"],
            "ltr": [9, 10, 8, 2, 10],
        }
    )
    months = pd.date_range("2024-01-01", "2025-12-01", freq="MS")
    rev = []
    for m in months:
        rev.append(("A", m, 10.0 if m.year == 2024 else 12.0))
        if m < pd.Timestamp("2025-03-01"):
            rev.append(("B", m, 20.0))
        rev.append(("C", m, 5.0 if m < pd.Timestamp("2024-07-01") else 4.0))
    revenue = pd.DataFrame(rev, columns=["account_id", "month", "revenue"])
    revenue["month"] = revenue["month"].dt.strftime("%Y-%m-%d")
    return responses, accounts, revenue


def test_account_panel_by_hand():
    responses, accounts, revenue = _tiny_world()
    panel = account_panel(responses, accounts, revenue, as_of="2025-01-01")
    p = panel.table.set_index("account_id")
    assert list(p.index) == ["A", "B", "C"]  # D churned before as_of
    assert panel.n_churned_before == 1 and panel.n_no_response == 0
    assert p.loc["A", "account_nps"] == 100 and p.loc["B", "account_nps"] == -50
    # B: first half 8 (passive, 0), second half 2 (detractor, -100)
    assert p.loc["B", "nps_change"] == -100
    assert np.isnan(p.loc["C", "nps_change"])  # no second-half response
    assert p.loc["A", "revenue_before"] == 120 and p.loc["A", "revenue_after"] == 144
    assert p.loc["A", "nrr"] == pytest.approx(120.0)  # percent
    assert p.loc["B", "churned"] and not p.loc["A", "churned"]
    assert p.loc["B", "revenue_after"] == 40  # Jan + Feb 2025
    # C: 6 x 5 then 6 x 4 -> trend 100 (24 / 30 - 1) = -20 %
    assert p.loc["C", "revenue_trend"] == pytest.approx(-20.0)


def test_category_economics_by_hand():
    t = pd.DataFrame(
        {
            "category": ["promoter"] * 3 + ["detractor"] * 4 + [None],
            "revenue_before": [100.0, 100.0, 200.0, 50.0, 50.0, 100.0, 200.0, 5.0],
            "revenue_after": [110.0, 100.0, 200.0, 0.0, 50.0, 90.0, 0.0, 5.0],
            "churned": [False, False, False, True, False, False, True, False],
        }
    )
    e = rv.category_economics(t).set_index("category")
    assert e.loc["detractor", "accounts"] == 4 and e.loc["detractor", "churned"] == 2
    assert e.loc["detractor", "churn_rate"] == 50.0
    assert e.loc["detractor", "avg_revenue"] == 100.0
    assert e.loc["detractor", "revenue_share"] == pytest.approx(100 * 400 / 805)
    assert e.loc["promoter", "nrr"] == pytest.approx(100 * 410 / 400)
    assert e.loc["(no score)", "accounts"] == 1  # reported, not dropped
    assert e["accounts"].sum() == len(t)
    assert e.loc["passive", "accounts"] == 0
    # Wilson interval for 2 of 4 written out
    z, n, ph = 1.959963984540054, 4, 0.5
    centre = (ph + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(ph * (1 - ph) / n + z**2 / (4 * n**2))
    assert e.loc["detractor", "churn_ci_low"] == pytest.approx(100 * (centre - half))
    assert e.loc["detractor", "retention_ci_high"] == pytest.approx(100 * (1 - (centre - half)))
    assert "not a causal effect" in rv.NOTE


def test_revenue_at_risk_and_vendor_shortcut_by_hand():
    t = pd.DataFrame(
        {
            "category": ["detractor", "detractor", "passive", "promoter"],
            "revenue_before": [100.0, 300.0, 200.0, 400.0],
            "churned": [True, False, False, False],
            "segment_growth": ["at risk", "at risk", "grey zone", "safe"],
        }
    )
    risk = rv.revenue_at_risk(t)
    r = risk.table.set_index(["group_type", "group"])
    arpu = 1000 / 4
    assert risk.arpu == arpu
    assert r.loc[("NPS category", "detractor"), "churn_rate"] == 50.0  # percent
    assert r.loc[("NPS category", "detractor"), "expected_loss"] == pytest.approx(400 * 0.5)
    assert r.loc[("NPS category", "detractor"), "shortcut_impact"] == pytest.approx(-2 * 0.5 * arpu)
    assert r.loc[("NPS category", "passive"), "shortcut_impact"] == pytest.approx(-0.3 * arpu)
    assert r.loc[("NPS category", "promoter"), "shortcut_impact"] == pytest.approx(0.3 * arpu)
    assert r.loc[("growth segment", "at risk"), "revenue"] == 400
    lo = r.loc[("NPS category", "detractor"), "loss_low"]
    hi = r.loc[("NPS category", "detractor"), "loss_high"]
    assert lo < 200 < hi


# --------------------------------------------------------------------------- one NPS point


@pytest.fixture(scope="module")
def accounts_table():
    rng = np.random.default_rng(3)
    n = 400
    nps_ = rng.uniform(-100, 100, n)
    cat = np.select([nps_ > 40, nps_ > -20], ["promoter", "passive"], "detractor")
    churn = rng.random(n) < 1 / (1 + np.exp(1.5 + 0.015 * nps_))
    rev = rng.gamma(2.0, 5000.0, n)
    return pd.DataFrame(
        {
            "category": cat,
            "account_nps": nps_,
            "churned": churn,
            "revenue_before": rev,
            "revenue_change": 30 * nps_ + rng.normal(0, 2000, n),
        }
    )


def test_point_value_category_method_by_hand():
    t = pd.DataFrame(
        {
            "category": ["passive"] * 4 + ["detractor"] * 4 + ["promoter"] * 2,
            "revenue_before": [100.0, 200.0, 100.0, 100.0, 100.0, 100.0, 300.0, 100.0, 50, 50],
            "churned": [False, False, True, False, True, True, False, False, False, False],
            "account_nps": [0.0] * 4 + [-100.0] * 4 + [100.0] * 2,
        }
    )
    v = rv.nps_point_value(t, revenue_change=None, n_boot=200)
    # retained per passive (100+200+0+100)/4 = 100; per detractor (0+0+300+100)/4 = 100 -> 0
    # change one detractor's kept revenue: use the numbers as they stand
    expected = 0.01 * 10 * (400 / 4 - 400 / 4)
    assert v.loc[0, "value_per_point"] == pytest.approx(expected)
    t.loc[6, "churned"] = True  # detractor keeps only 100 of 400 -> 25 per account
    v = rv.nps_point_value(t, revenue_change=None, n_boot=200)
    assert v.loc[0, "value_per_point"] == pytest.approx(0.01 * 10 * (100 - 25))
    assert v.loc[0, "ci_low"] <= v.loc[0, "value_per_point"] <= v.loc[0, "ci_high"]


def test_point_value_regressions_match_statsmodels(accounts_table):
    t = accounts_table
    v = rv.nps_point_value(t, n_boot=100).set_index("method")
    x = sm.add_constant(t["account_nps"].to_numpy())
    logit = sm.Logit(t["churned"].astype(float).to_numpy(), x).fit(disp=0)
    p = logit.predict(x)
    ame = np.mean(logit.params[1] * p * (1 - p))  # average marginal effect by hand
    row = v.loc["logistic regression of churn on account_nps"]
    assert row["coef"] == pytest.approx(logit.params[1])
    assert row["coef_ci_low"] == pytest.approx(logit.conf_int()[1, 0])
    assert row["value_per_point"] == pytest.approx(-ame * t["revenue_before"].sum())
    ols = sm.OLS(t["revenue_change"].to_numpy(), x).fit()
    row = v.loc["OLS of revenue_change on account_nps"]
    assert row["coef"] == pytest.approx(ols.params[1])
    assert row["value_per_point"] == pytest.approx(ols.params[1] * len(t))
    assert row["ci_high"] == pytest.approx(ols.conf_int()[1, 1] * len(t))
    assert v["assumption"].str.len().min() > 40


def test_point_value_one_outcome_leaves_the_logit_out_with_its_reason(accounts_table):
    """No account churned: the churn logit cannot be fitted, and used to stop the whole table
    (the brief and the revenue notebook with it); the other two methods still hold."""
    t = accounts_table.assign(churned=False)
    out = rv.nps_point_value(t, n_boot=10).set_index("method")
    logit = out.loc["logistic regression of churn on account_nps"]
    assert np.isnan(logit["value_per_point"]) and np.isnan(logit["ci_low"])
    assert logit["assumption"] == (
        "not computed: every account has the same churn outcome; a churn regression needs "
        "both churned and retained accounts"
    )
    # category values by hand: nobody churned, so retained revenue is revenue
    mean = t.groupby("category")["revenue_before"].mean()
    cat = out.loc["category values (1% detractor → passive)", "value_per_point"]
    assert cat == pytest.approx(0.01 * len(t) * (mean["passive"] - mean["detractor"]))
    assert np.isfinite(out.loc["OLS of revenue_change on account_nps", "value_per_point"])


def test_point_value_of_no_account_and_of_two_says_why_per_method():
    """An export's thin quarter: no account with a score (the brief stopped on a numpy
    "zero-size array" error), and two accounts (no slope)."""
    cols = ["category", "account_nps", "churned", "revenue_before", "revenue_change"]
    empty = rv.nps_point_value(pd.DataFrame(columns=cols), n_boot=10).set_index("method")
    assert empty["value_per_point"].isna().all() and empty["n_used"].tolist() == [0, 0, 0]
    assert empty["assumption"].iloc[0] == (
        "not computed: needs passive and detractor accounts (this data has 0 passive, 0 detractor)"
    )
    assert empty["assumption"].iloc[1] == (
        "not computed: no account has a score, revenue and a churn outcome; a churn "
        "regression needs them"
    )
    two = pd.DataFrame({"category": ["passive", "detractor"], "account_nps": [0.0, -50.0],
                        "churned": [False, True], "revenue_before": [10.0, 30.0],
                        "revenue_change": [1.0, -3.0]})  # fmt: skip
    out = rv.nps_point_value(two, n_boot=10).set_index("method")
    assert out.loc["category values (1% detractor → passive)", "value_per_point"] == (
        pytest.approx(0.01 * 2 * (10.0 - 0.0))  # passive keeps 10, the detractor churned
    )
    assert out.loc["OLS of revenue_change on account_nps", "assumption"].startswith(
        "not computed: a slope needs 3 or more accounts"
    )
    # two accounts: the score separates the churner perfectly; statsmodels only warns
    assert out.loc["logistic regression of churn on account_nps", "assumption"].startswith(
        "not computed: the churn logit could not be fitted"
    )


# --------------------------------------------------------------------------- churn


def test_monthly_churn_by_hand():
    _, accounts, _ = _tiny_world()
    accounts = accounts.assign(category=["promoter", "detractor", "promoter", "detractor"])
    m = churn.monthly_churn(accounts, start="2024-05-01", end="2024-07-01")
    # May: 4 active, none churned; June: 4 active (D churns 1 June), 1 churned, lost ARR 10
    assert m["active"].tolist() == [4, 4] and m["churned"].tolist() == [0, 1]
    assert m.loc[1, "churn_rate"] == 25.0 and m.loc[1, "lost_revenue"] == 10
    m = churn.monthly_churn(accounts, start="2025-03-01", end="2025-04-01", by="category")
    assert m.set_index("category")["active"].to_dict() == {"detractor": 1, "promoter": 2}
    assert m.set_index("category")["churned"].to_dict() == {"detractor": 1, "promoter": 0}


def test_monthly_churn_demo_counts_reconcile(demo):
    a = demo.accounts
    m = churn.monthly_churn(a, start="2024-01-01", end="2026-10-01")
    in_range = a["churn_date"].between("2024-01-01", "2026-09-30").sum()
    assert m["churned"].sum() == in_range
    r = churn.churn_reasons(a, start="2024-01-01", end="2026-10-01")
    assert r["accounts"].sum() == in_range and r["share"].sum() == pytest.approx(100.0)


# --------------------------------------------------------------------------- referrals


def test_referral_summary_and_earned_growth_by_hand():
    t = pd.DataFrame(
        {"account_id": ["A", "B", "C"], "category": ["promoter", "passive", "promoter"]}
    )
    f = pd.DataFrame(
        {"referrer_account_id": ["A", "A", "B", "Z"], "first_year_revenue": [5.0, 7.0, 3.0, 1.0]}
    )
    refs = growth.referral_summary(t, f)
    s = refs.table.set_index("category")
    assert s.loc["promoter", "referring_accounts"] == 1 and s.loc["promoter", "referrals"] == 2
    assert s.loc["promoter", "share_referring"] == 50.0
    assert s.loc["promoter", "referral_revenue"] == 12.0
    assert refs.unattributed == 1  # referrer Z is not in the table
    acc = pd.DataFrame({"account_id": ["A", "B", "C", "D"], "referred_by": [None, None, "A", None]})
    rev = pd.DataFrame(
        {
            "account_id": ["A", "B", "A", "C", "D"],
            "month": ["2024-06-01", "2024-06-01", "2025-06-01", "2025-06-01", "2025-07-01"],
            "revenue": [100.0, 100.0, 150.0, 30.0, 50.0],
        }
    )
    g = growth.earned_growth(acc, rev, start="2025-01-01").iloc[0]
    # NRR = 150 / 200 = 75%; referred new = 30 / 200 = 15%; EGR = 75 + 15 - 100 = -10
    assert g["nrr_pct"] == 75 and g["referred_share_pct"] == 15
    assert g["earned_growth_rate_pct"] == pytest.approx(-10)
    assert g["other_new_revenue"] == 50


# --------------------------------------------------------------------------- growth segments


def test_growth_segments_rules_and_call_order():
    t = pd.DataFrame(
        {
            "account_id": list("ABCDEF"),
            "account_nps": [-10.0, 50.0, 50.0, 10.0, np.nan, 40.0],
            "nps_change": [0.0, -25.0, 0.0, 0.0, np.nan, 0.0],
            "revenue_trend": [0.0, 0.0, 0.0, 0.0, 0.0, -15.0],  # percent
            "revenue_before": [10.0, 50.0, 30.0, 20.0, 5.0, 40.0],
        }
    )
    g = growth.growth_segments(t)
    seg = dict(zip(g["account_id"], g["segment_growth"].astype(str), strict=True))
    assert seg == {
        "A": "at risk",
        "B": "at risk",
        "C": "safe",
        "D": "grey zone",
        "E": "grey zone",
        "F": "at risk",
    }
    assert g["account_id"].tolist()[:3] == ["B", "F", "A"]  # at risk, most revenue first
    assert g["call_priority"].tolist()[:4] == [1, 2, 3, 0]
    assert g.set_index("account_id").loc["E", "reason"] == "no score"
    assert len(g) == len(t)


# --------------------------------------------------------------------------- real data


@pytest.mark.slow
def test_ibm_telco_real_data(shared_data):
    t = load_ibm_telco(shared_data / "en_ibm_telco_churn_v11")
    # counts published in the data set's SOURCE.md
    assert len(t) == 7043 and t["churned"].sum() == 1869
    assert t["satisfaction"].value_counts().sort_index().tolist() == [922, 518, 2665, 1789, 1149]
    e = rv.category_economics(t, revenue="arr", revenue_after=None).set_index("category")
    assert e["accounts"].sum() == 7043
    # detractors (1-3): all 922 + 518 churn, plus 429 of the 3s
    assert e.loc["detractor", "churned"] == 922 + 518 + 429
    assert e.loc["promoter", "churn_rate"] == 0 and e.loc["passive", "churn_rate"] == 0
    assert "leaks churn" in TELCO_NOTE
    # mean monthly charge by satisfaction, as published: 75.8 for 1, 53.0 for 5
    means = t.groupby("satisfaction")["monthly_charge"].mean()
    assert means[1] == pytest.approx(75.8, abs=0.05) and means[5] == pytest.approx(53.0, abs=0.05)


def test_ibm_telco_missing_dir_is_clear(tmp_path):
    with pytest.raises(SchemaError, match="IBM telco data not found"):
        load_ibm_telco(tmp_path / "nope")


def test_point_value_method_selection_and_unknown_method(accounts_table):
    v = rv.nps_point_value(accounts_table, n_boot=20, methods=("ols",))
    assert v["method"].tolist() == ["OLS of revenue_change on account_nps"]
    with pytest.raises(ParameterError, match="unknown method"):
        rv.nps_point_value(accounts_table, methods=("probit",))


def test_churn_reasons_from_a_churn_flag():
    t = pd.DataFrame(
        {
            "churned": [True, True, False, True],
            "churn_reason": ["price", "price", None, None],
            "arr": [10.0, 20.0, 99.0, 5.0],
        }
    )
    r = churn.churn_reasons(t, churn_date=None, churned="churned").set_index("reason")
    assert r.loc["price", "accounts"] == 2 and r.loc["price", "lost_revenue"] == 30.0
    assert r.loc["(not recorded)", "accounts"] == 1
    assert r.loc["price", "share"] == pytest.approx(100 * 2 / 3)


def test_wilson_bounds_bracket_the_rate_at_zero_and_one():
    t = pd.DataFrame(
        {
            "category": ["promoter"] * 5 + ["detractor"] * 5,
            "revenue_before": [1.0] * 10,
            "churned": [False] * 5 + [True] * 5,
        }
    )
    e = rv.category_economics(t, revenue_after=None).set_index("category")
    assert e.loc["promoter", "churn_ci_low"] == 0.0 and e.loc["detractor", "churn_ci_high"] == 100.0
    # Wilson upper bound for 0 of 5 written out: z² / (n + z²)
    z = 1.959963984540054
    assert e.loc["promoter", "churn_ci_high"] == pytest.approx(100 * z**2 / (5 + z**2))


def test_demo_panel_detractors_churn_more_and_counts_reconcile(demo):
    panel = account_panel(demo.responses, demo.accounts, demo.revenue, as_of="2025-10-01")
    p = panel.table
    assert len(p) + panel.n_churned_before == len(demo.accounts)
    e = rv.category_economics(p).set_index("category")
    assert e["accounts"].sum() == len(p)
    assert e.loc["detractor", "churn_ci_low"] > e.loc["promoter", "churn_rate"]
    refs = growth.referral_summary(p, demo.referrals)
    assert refs.table["referrals"].sum() + refs.unattributed == len(demo.referrals)
    g = growth.growth_segments(p)
    assert len(g) == len(p) and g["segment_growth"].notna().all()


def test_churn_reasons_with_dates_needs_the_period():
    # before: start=end=None with a churn date compared every date with NaT and silently
    # returned an empty table
    a = pd.DataFrame({"churn_date": ["2025-02-10"], "churn_reason": ["price"], "arr": [10.0]})
    with pytest.raises(ParameterError, match="start and end are required"):
        churn.churn_reasons(a)


def test_panel_window_lengths_are_checked(demo):
    # before: baseline_months=0 divided by zero and gave infinite revenue_before
    with pytest.raises(ParameterError, match="baseline_months must be a whole number >= 1"):
        account_panel(
            demo.responses, demo.accounts, demo.revenue, as_of="2025-10-01", baseline_months=0
        )


def test_rates_are_percent_and_money_uses_the_fraction():
    t = pd.DataFrame(
        {
            "category": ["detractor"] * 4,
            "revenue_before": [100.0] * 4,
            "churned": [True, False, False, False],
        }
    )
    e = rv.category_economics(t, revenue_after=None).set_index("category")
    assert e.loc["detractor", "churn_rate"] == 25.0
    assert e.loc["detractor", "retention_rate"] == 75.0
    assert e.loc["detractor", "revenue_share"] == 100.0
    r = rv.revenue_at_risk(t, segment=None).table.set_index("group")
    assert r.loc["detractor", "expected_loss"] == pytest.approx(400 * 0.25)
    assert r.loc["detractor", "loss_high"] == pytest.approx(4 * e.loc["detractor", "churn_ci_high"])
