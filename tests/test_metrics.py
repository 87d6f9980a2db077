"""Metric values against hand calculations and independent libraries (scipy, statsmodels)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from cxm_lab import metrics
from cxm_lab.errors import ParameterError

Z95 = 1.959963984540054


def test_nps_hand_calculation():
    # 5 promoters, 3 passives, 2 detractors of n = 10.
    d = pd.DataFrame({"ltr": [10, 10, 9, 9, 9, 8, 7, 7, 2, 6]})
    row = metrics.nps(d).iloc[0]
    assert (row.n, row.promoters, row.passives, row.detractors) == (10, 5, 3, 2)
    assert row.nps == pytest.approx(30.0)
    # Var = (pP + pD - (pP - pD)^2) / n = (0.5 + 0.2 - 0.09) / 10 = 0.061
    se = math.sqrt(0.061)
    assert row.se == pytest.approx(100 * se)
    assert row.ci_low == pytest.approx(30 - Z95 * 100 * se)
    assert row.ci_high == pytest.approx(30 + Z95 * 100 * se)
    assert bool(row.small_n)


def test_nps_se_equals_sem_of_plus_minus_coding():
    """NPS is the mean of +1/0/-1 codes; its multinomial SE is scipy's SEM with ddof=0."""
    rng = np.random.default_rng(1)
    x = rng.integers(0, 11, 500)
    y = np.where(x >= 9, 1, np.where(x <= 6, -1, 0))
    row = metrics.nps(pd.DataFrame({"ltr": x})).iloc[0]
    assert row.nps == pytest.approx(100 * y.mean())
    assert row.se == pytest.approx(100 * stats.sem(y, ddof=0))


def test_adjusted_wald_matches_rocks_formula():
    d = pd.DataFrame({"ltr": [10, 10, 9, 9, 9, 8, 7, 7, 2, 6]})
    row = metrics.nps(d, method="adjusted_wald").iloc[0]
    n2 = 13
    p2, d2 = 5.75 / n2, 2.75 / n2
    half = Z95 * math.sqrt((p2 + d2 - (p2 - d2) ** 2) / n2)
    assert row.ci_low == pytest.approx(100 * (p2 - d2 - half))
    assert row.ci_high == pytest.approx(100 * (p2 - d2 + half))
    assert row.nps == pytest.approx(30.0)  # the point estimate stays the plain NPS


def test_weighted_nps_and_kish_n():
    d = pd.DataFrame({"ltr": [10, 9, 7, 3, 0], "w": [2.0, 1.0, 1.0, 0.5, 0.5]})
    row = metrics.nps(d, weight="w").iloc[0]
    pp, pdx = 3.0 / 5.0, 1.0 / 5.0  # weights of promoters 2+1, detractors 0.5+0.5, total 5
    n_eff = 5.0**2 / (4 + 1 + 1 + 0.25 + 0.25)
    assert row.nps == pytest.approx(100 * (pp - pdx))
    assert row.n_eff == pytest.approx(n_eff)
    assert row.se == pytest.approx(100 * math.sqrt((pp + pdx - (pp - pdx) ** 2) / n_eff))
    assert row.n == 5


def test_grouped_nps_matches_per_group_calls():
    rng = np.random.default_rng(2)
    d = pd.DataFrame(
        {
            "ltr": rng.integers(0, 11, 400),
            "g": rng.choice(["a", "b", "c"], 400),
            "h": rng.choice(["x", "y"], 400),
        }
    )
    table = metrics.nps(d, by=["g", "h"])
    for r in table.itertuples():
        sub = d[(d.g == r.g) & (d.h == r.h)]
        assert r.n == len(sub)
        assert r.nps == pytest.approx(100 * ((sub.ltr >= 9).mean() - (sub.ltr <= 6).mean()))


def test_missing_scores_not_counted_and_groups_with_missing_key_kept():
    d = pd.DataFrame({"ltr": [10, None, 0, 9], "g": ["a", "a", None, "b"]})
    t = metrics.nps(d, by="g")
    assert t["n"].sum() == 3
    assert t["g"].isna().sum() == 1  # the missing group is reported, not dropped


def test_bootstrap_close_to_analytic_for_large_n():
    rng = np.random.default_rng(3)
    d = pd.DataFrame({"ltr": rng.integers(0, 11, 20_000)})
    row = metrics.nps(d, n_boot=2000, seed=1).iloc[0]
    assert row.boot_low == pytest.approx(row.ci_low, abs=0.5)
    assert row.boot_high == pytest.approx(row.ci_high, abs=0.5)


def test_csat_share_and_mean_vs_statsmodels_and_scipy():
    x = np.array([5, 4, 4, 3, 2, 5, 1, 4, 5, 3, 4, 2])
    row = metrics.csat(pd.DataFrame({"csat": x})).iloc[0]
    k = int((x >= 4).sum())
    lo, hi = proportion_confint(k, len(x), alpha=0.05, method="wilson")
    assert row.csat == pytest.approx(100 * k / len(x))
    assert row.ci_low == pytest.approx(100 * lo)
    assert row.ci_high == pytest.approx(100 * hi)
    mlo, mhi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert row.csat_mean == pytest.approx(x.mean())
    assert row.mean_ci_low == pytest.approx(mlo)
    assert row.mean_ci_high == pytest.approx(mhi)
    # Standard errors: binomial SE of the share (points), SEM of the mean (scipy, ddof=1).
    p = k / len(x)
    assert row.se == pytest.approx(100 * math.sqrt(p * (1 - p) / len(x)))
    assert row.mean_se == pytest.approx(stats.sem(x))


def test_csat_and_ces_se_by_group_and_weighted():
    d = pd.DataFrame({"ces": [7, 6, 5, 3, 2, 7, 1], "g": list("aaaabbb")})
    t = metrics.ces(d, by="g").set_index("g")
    a = np.array([7, 6, 5, 3.0])
    assert t.loc["a", "se"] == pytest.approx(100 * math.sqrt(0.75 * 0.25 / 4))
    assert t.loc["a", "mean_se"] == pytest.approx(a.std(ddof=1) / 2)
    b = np.array([2, 7, 1.0])
    assert t.loc["b", "mean_se"] == pytest.approx(stats.sem(b))
    # Weighted: SE on Kish's n_eff, as DescrStatsW with weights rescaled to sum to n_eff.
    x = np.array([5, 4, 4, 3, 2, 5, 1, 4.0])
    w = np.array([1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 0.5, 1.0])
    row = metrics.csat(pd.DataFrame({"csat": x, "w": w}), weight="w").iloc[0]
    n_eff = w.sum() ** 2 / (w**2).sum()
    p = w[x >= 4].sum() / w.sum()
    assert row.se == pytest.approx(100 * math.sqrt(p * (1 - p) / n_eff))
    assert row.mean_se == pytest.approx(DescrStatsW(x, weights=w * n_eff / w.sum()).std_mean)


def test_weighted_ces_mean_vs_descrstatsw():
    x = np.array([7, 6, 5, 5, 3, 2, 6, 7, 4, 1], dtype=float)
    w = np.ones_like(x)
    row = metrics.ces(pd.DataFrame({"ces": x, "w": w}), weight="w").iloc[0]
    ds = DescrStatsW(x, weights=w)
    lo, hi = ds.tconfint_mean(alpha=0.05)
    assert row.ces_mean == pytest.approx(ds.mean)
    assert row.mean_ci_low == pytest.approx(lo)
    assert row.mean_ci_high == pytest.approx(hi)
    assert row.ces_top == pytest.approx(100 * 6 / 10)  # 7, 6, 5, 5, 6, 7 agree (5-7)


def test_nps_change_z_test_by_hand():
    q1 = [10] * 30 + [8] * 40 + [3] * 30  # NPS 0
    q2 = [10] * 50 + [8] * 30 + [3] * 20  # NPS 30
    d = pd.DataFrame({"ltr": q1 + q2, "quarter": ["2026Q1"] * 100 + ["2026Q2"] * 100})
    row = metrics.nps_change(d).iloc[0]
    se1 = math.sqrt((0.3 + 0.3 - 0.0) / 100)
    se2 = math.sqrt((0.5 + 0.2 - 0.09) / 100)
    se = 100 * math.hypot(se1, se2)
    assert row.change == pytest.approx(30.0)
    assert row.se_change == pytest.approx(se)
    assert row.p_value == pytest.approx(2 * stats.norm.sf(30 / se))
    assert bool(row.significant)
    comp = metrics.compare_nps(d, group_col="quarter", a="2026Q2", b="2026Q1").iloc[0]
    assert comp.change == pytest.approx(30.0) and comp.p_value == pytest.approx(row.p_value)


def test_rolling_nps_matches_brute_force():
    rng = np.random.default_rng(4)
    dates = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 200, 800), unit="D")
    d = pd.DataFrame({"ltr": rng.integers(0, 11, 800), "response_date": dates})
    roll = metrics.rolling_nps(d, window="30D", freq="MS")
    for r in roll.itertuples():
        sub = d[(d.response_date >= r.date - pd.Timedelta("30D")) & (d.response_date < r.date)]
        assert r.n == len(sub)
        assert r.nps == pytest.approx(100 * ((sub.ltr >= 9).mean() - (sub.ltr <= 6).mean()))


def test_attainment_and_response_rates():
    d = pd.DataFrame(
        {"ltr": [10, 10, 0, 8], "quarter": ["Q"] * 4, "channel": ["email", "email", "sms", "sms"]}
    )
    t = metrics.attainment(
        metrics.nps(d, by="quarter"),
        pd.DataFrame({"metric": ["nps"], "quarter": ["Q"], "target": [20.0]}),
    )
    assert t.loc[0, "gap"] == pytest.approx(
        25.0 - 20.0
    )  # NPS (2 - 1) / 4 = 25 and bool(t.loc[0, "attained"])
    inv = pd.DataFrame({"channel": ["email", "sms"], "invited": [10, 4]})
    rr = metrics.response_rates(d, inv).set_index("channel")
    assert rr.loc["email", "response_rate"] == pytest.approx(20.0)
    lo, hi = proportion_confint(2, 4, method="wilson")
    assert rr.loc["sms", "ci_low"] == pytest.approx(100 * lo) and rr.loc[
        "sms", "ci_high"
    ] == pytest.approx(100 * hi)
    with pytest.raises(ParameterError, match="more responses than invitations"):
        metrics.response_rates(d, inv.assign(invited=[1, 1]))


def test_enps_on_employee_column():
    d = pd.DataFrame({"enps": [10, 9, 0, 7]})
    assert metrics.enps(d).loc[0, "nps"] == pytest.approx(25.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"score": "nope"}, "not in the data"),
        ({"ci": 1.5}, "ci must be between"),
        ({"method": "exact"}, "method must be"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        metrics.nps(pd.DataFrame({"ltr": [1, 2]}), **kwargs)


def test_out_of_range_score_is_an_error_not_silently_counted():
    with pytest.raises(ParameterError, match="outside 0..10"):
        metrics.nps(pd.DataFrame({"ltr": [1, 11]}))


def test_nps_category():
    s = pd.Series([0, 6, 7, 8, 9, 10, None])
    assert metrics.nps_category(s).tolist()[:6] == [
        "detractor",
        "detractor",
        "passive",
        "passive",
        "promoter",
        "promoter",
    ]
    assert pd.isna(metrics.nps_category(s).iloc[6])


def test_weighted_mean_and_share_vs_statsmodels_with_kish_n():
    """With survey weights the CI uses Kish's n_eff: statsmodels' DescrStatsW with the weights
    rescaled to sum to n_eff, and a Wilson interval on n_eff trials, give the same numbers."""
    x = np.array([5, 4, 4, 3, 2, 5, 1, 4, 5, 3, 4, 2], dtype=float)
    w = np.array([1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 0.5, 1.0, 2.0, 1.0, 0.5, 1.0])
    row = metrics.csat(pd.DataFrame({"csat": x, "w": w}), weight="w").iloc[0]
    n_eff = w.sum() ** 2 / (w**2).sum()
    assert row.n_eff == pytest.approx(n_eff)
    ds = DescrStatsW(x, weights=w * n_eff / w.sum())
    lo, hi = ds.tconfint_mean(alpha=0.05)
    assert row.csat_mean == pytest.approx(np.average(x, weights=w))
    assert (row.mean_ci_low, row.mean_ci_high) == pytest.approx((lo, hi))
    p = w[x >= 4].sum() / w.sum()
    slo, shi = proportion_confint(p * n_eff, n_eff, alpha=0.05, method="wilson")
    assert row.csat == pytest.approx(100 * p)
    assert (row.ci_low, row.ci_high) == pytest.approx((100 * slo, 100 * shi))


def test_grouped_bootstrap_close_to_analytic_per_group():
    rng = np.random.default_rng(5)
    d = pd.DataFrame({"ltr": rng.integers(0, 11, 30_000), "g": rng.choice(["a", "b", "c"], 30_000)})
    t = metrics.nps(d, by="g", n_boot=1500, seed=2)
    # Each group has ~10,000 responses: SE about 0.8 points, so the percentile and Wald
    # bounds agree to well under one point.
    assert np.allclose(t["boot_low"], t["ci_low"], atol=0.6)
    assert np.allclose(t["boot_high"], t["ci_high"], atol=0.6)
    # Same seed, same answer.
    again = metrics.nps(d, by="g", n_boot=1500, seed=2)
    assert np.array_equal(t["boot_low"], again["boot_low"])


def test_response_rates_zero_invitations_and_unknown_group():
    d = pd.DataFrame({"channel": ["email"]})
    inv = pd.DataFrame({"channel": ["email", "sms"], "invited": [4, 0]})
    rr = metrics.response_rates(d, inv).set_index("channel")
    assert rr.loc["email", "response_rate"] == pytest.approx(25.0)
    assert np.isnan(rr.loc["sms", "response_rate"]) and np.isnan(rr.loc["sms", "ci_low"])
    with pytest.raises(ParameterError, match="no rows with seg == 'z'"):
        metrics.compare_nps(pd.DataFrame({"ltr": [9], "seg": ["x"]}), group_col="seg", a="x", b="z")


def test_bad_weight_names_row_and_value():
    d = pd.DataFrame({"ltr": [9, 8, 7], "w": [1.0, -2.0, 1.0]}, index=[10, 11, 12])
    with pytest.raises(ParameterError, match=r"row label 11 \(value -2.0\)"):
        metrics.nps(d, weight="w")


@pytest.mark.parametrize("module", ["cxm_lab.schema", "cxm_lab.io", "cxm_lab.metrics"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_rolling_nps_flags_windows_reaching_outside_the_data():
    dates = pd.date_range("2026-01-01", "2026-06-30", freq="D")
    d = pd.DataFrame({"ltr": np.resize([10, 8, 3], len(dates)), "response_date": dates})
    roll = metrics.rolling_nps(d, window="59D", freq="MS").set_index("date")
    # Points Feb 1 .. Jul 1 (Jan 1 has no earlier response). 59 days before Mar 1 start on
    # Jan 1 (31 + 28 days), the first data day: Feb 1 is the only partial window. Jul 1 covers
    # May 3 .. Jun 30, the last data day, so it is complete.
    assert roll.index.strftime("%m-%d").tolist() == [
        "02-01",
        "03-01",
        "04-01",
        "05-01",
        "06-01",
        "07-01",
    ]
    assert roll["partial_window"].tolist() == [True, False, False, False, False, False]
    assert roll.loc["2026-03-01", "n"] == 59 and roll.loc["2026-02-01", "n"] == 31
    assert ((roll["ci_low"] >= -100) & (roll["ci_high"] <= 100)).all()
    # Data ending mid-June: the Jul 1 window runs past the last response day.
    cut = d[d.response_date <= "2026-06-15"]
    flags = metrics.rolling_nps(cut, window="59D")["partial_window"].tolist()
    assert flags[-2:] == [False, True]  # 15 days missing > 7-day tolerance
    flags = metrics.rolling_nps(cut, window="59D", end_tolerance="15D")["partial_window"]
    assert not flags.iloc[-1]
