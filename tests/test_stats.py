"""The statistics core against independent sources: statsmodels, scipy and hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sp
from statsmodels.stats import proportion
from statsmodels.stats.weightstats import DescrStatsW

from cxm_lab import stats

Z95 = 1.959963984540054


# --------------------------------------------------------------------------- basics


def test_z_value_and_kish_n():
    assert stats.z_value(0.95) == pytest.approx(Z95)
    assert stats.z_value(0.9) == pytest.approx(sp.norm.ppf(0.95))
    w = np.array([2.0, 1.0, 1.0, 0.5, 0.5])
    assert stats.kish_n(w) == pytest.approx(25 / 6.5)  # (Σw)² / Σw² by hand
    assert stats.kish_n(np.ones(7)) == pytest.approx(7)
    assert stats.kish_n(np.zeros(3)) == 0.0


def test_nps_codes_rule_and_missing():
    x = np.array([0, 1, 6, 7, 8, 9, 10, np.nan])
    assert stats.nps_codes(x)[:7].tolist() == [-1, -1, -1, 0, 0, 1, 1]
    assert np.isnan(stats.nps_codes(x)[7])  # missing is not a passive


# --------------------------------------------------------------------------- net score


def test_net_score_wald_by_hand():
    # 5 promoters, 3 passives, 2 detractors of 10.
    r = stats.net_score(5, 2, 10)
    se = math.sqrt((0.5 + 0.2 - 0.3**2) / 10)
    assert float(r.estimate) == pytest.approx(0.3)
    assert float(r.se) == pytest.approx(se)
    assert (float(r.low), float(r.high)) == pytest.approx((0.3 - Z95 * se, 0.3 + Z95 * se))


def test_net_score_se_is_sem_of_codes():
    """NPS is the mean of +1/0/−1 codes; its multinomial SE is scipy's SEM with ddof=0."""
    rng = np.random.default_rng(0)
    y = stats.nps_codes(rng.integers(0, 11, 700).astype(float))
    r = stats.net_score((y == 1).sum(), (y == -1).sum(), len(y))
    assert float(r.estimate) == pytest.approx(y.mean())
    assert float(r.se) == pytest.approx(sp.sem(y, ddof=0))


def test_net_score_adjusted_wald_rocks_formula():
    """Rocks (2016): add 3/4 promoter and 3/4 detractor (3/2 passive), n' = n + 3, Wald
    interval of the adjusted shares centred on their difference."""
    r = stats.net_score(5, 2, 10, method="adjusted_wald", ci=0.9)
    z = sp.norm.ppf(0.95)
    p2, d2 = 5.75 / 13, 2.75 / 13
    half = z * math.sqrt((p2 + d2 - (p2 - d2) ** 2) / 13)
    assert (float(r.low), float(r.high)) == pytest.approx((p2 - d2 - half, p2 - d2 + half))
    assert float(r.estimate) == pytest.approx(0.3)  # the estimate stays the plain NPS


def test_net_score_vectorised_weighted_zero_n_and_clipping():
    # Weighted totals with Kish's n: shares from the weights, SE from n_eff.
    w_p, w_d, w_all, n_eff = 3.0, 1.0, 5.0, 25 / 6.5
    r = stats.net_score(
        np.array([w_p, 0.0, 4.0]),
        np.array([w_d, 0.0, 0.0]),
        np.array([w_all, 0.0, 4.0]),
        n_eff=np.array([n_eff, 0.0, 4.0]),
    )
    pp, pdx = 0.6, 0.2
    assert r.estimate[0] == pytest.approx(0.4)
    assert r.se[0] == pytest.approx(math.sqrt((pp + pdx - 0.16) / n_eff))
    # A group without responses: everything missing, no warning.
    assert np.isnan([r.estimate[1], r.se[1], r.low[1], r.high[1]]).all()
    # All promoters: SE 0, interval [1, 1]; the adjusted-Wald bound is clipped at 1.
    assert (r.low[2], r.high[2]) == (1.0, 1.0)
    adj = stats.net_score(2, 0, 2, method="adjusted_wald")
    assert -1 <= float(adj.low) < float(adj.high) <= 1
    with pytest.raises(ValueError, match="method"):
        stats.net_score(1, 0, 2, method="exact")


# --------------------------------------------------------------------------- intervals


@pytest.mark.parametrize("ci", [0.8, 0.95, 0.99])
def test_wilson_and_share_interval_vs_statsmodels(ci):
    k = np.array([0, 1, 7, 12, 20])
    n = np.array([10, 10, 25, 12, 40])
    lo, hi = proportion.proportion_confint(k, n, alpha=1 - ci, method="wilson")
    r = stats.share_interval(k, n, ci=ci)
    np.testing.assert_allclose(r.low, lo, atol=1e-12)
    np.testing.assert_allclose(r.high, hi, atol=1e-12)
    p = k / n
    np.testing.assert_allclose(r.se, np.sqrt(p * (1 - p) / n))
    assert (r.low <= p).all() and (p <= r.high).all()
    assert r.low[0] == 0.0 and r.high[3] == 1.0  # clipped at the ends


def test_wilson_fractional_n_and_zero_n():
    # Weighted: p·n_eff successes of n_eff trials (statsmodels accepts fractional counts).
    lo, hi = proportion.proportion_confint(0.6 * 3.85, 3.85, method="wilson")
    r = stats.share_interval(0.6 * 3.85, 3.85)
    assert (float(r.low), float(r.high)) == pytest.approx((lo, hi))
    z = stats.share_interval(np.array([0, 3]), np.array([0, 6]))
    assert np.isnan([z.estimate[0], z.se[0], z.low[0], z.high[0]]).all()
    assert z.estimate[1] == 0.5


def test_t_interval_vs_scipy_and_descrstatsw():
    x = np.array([5, 4, 4, 3, 2, 5, 1, 4, 5, 3, 4, 2], dtype=float)
    r = stats.t_interval(x.mean(), x.std(ddof=1), len(x), ci=0.9)
    lo, hi = sp.t.interval(0.9, len(x) - 1, loc=x.mean(), scale=sp.sem(x))
    assert float(r.se) == pytest.approx(sp.sem(x))
    assert (float(r.low), float(r.high)) == pytest.approx((lo, hi))
    # Weighted mean with Kish's n: DescrStatsW with weights rescaled to sum to n_eff.
    w = np.array([1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 0.5, 1.0, 2.0, 1.0, 0.5, 1.0])
    n_eff = stats.kish_n(w)
    ds = DescrStatsW(x, weights=w * n_eff / w.sum())
    sd = math.sqrt(ds.var * n_eff / (n_eff - 1))
    r = stats.t_interval(ds.mean, sd, n_eff)
    assert (float(r.low), float(r.high)) == pytest.approx(ds.tconfint_mean(alpha=0.05))
    assert float(r.se) == pytest.approx(ds.std_mean)


def test_z_interval_clipping():
    r = stats.z_interval(np.array([0.9, 0.0]), np.array([0.1, 0.1]), clip=(-1, 1))
    assert r.high[0] == 1.0 and r.low[1] == pytest.approx(-Z95 * 0.1)


# --------------------------------------------------------------------------- bootstrap


def test_percentile_interval_vs_numpy_and_non_finite():
    rng = np.random.default_rng(1)
    draws = rng.normal(size=(999, 3))
    lo, hi = stats.percentile_interval(draws, ci=0.9)
    np.testing.assert_allclose(lo, np.percentile(draws, 5, axis=0))
    np.testing.assert_allclose(hi, np.percentile(draws, 95, axis=0))
    d = np.r_[np.arange(101.0), np.nan, np.inf]  # undefined resamples are left out
    assert stats.percentile_interval(d, ci=0.9) == pytest.approx((5.0, 95.0))
    assert np.isnan(stats.percentile_interval(np.full(5, np.nan))).all()
    assert np.isnan(stats.percentile_interval(np.zeros(0))).all()  # no resample


def test_bootstrap_indices_are_the_generator_draws():
    a = stats.bootstrap_indices(7, 4, rng=np.random.default_rng(3))
    b = np.random.default_rng(3).integers(0, 7, size=(4, 7))
    assert np.array_equal(a, b)
    assert stats.bootstrap_indices(0, 4, rng=np.random.default_rng(3)).shape == (4, 0)


def test_bootstrap_net_score_matches_index_resampling_and_wald():
    """The multinomial shortcut equals resampling rows: compare the two bootstrap
    distributions' quantiles (different draws, same law) and the Wald interval."""
    y = np.repeat([1.0, 0.0, -1.0], [400, 350, 250])
    lo, hi = stats.bootstrap_net_score(
        np.array([0.4]), np.array([0.25]), np.array([1000]), n_boot=4000, seed=5
    )
    idx = stats.bootstrap_indices(len(y), 4000, rng=np.random.default_rng(9))
    slo, shi = stats.percentile_interval(y[idx].mean(axis=1))
    assert lo[0] == pytest.approx(slo, abs=0.006) and hi[0] == pytest.approx(shi, abs=0.006)
    w = stats.net_score(400, 250, 1000)
    assert lo[0] == pytest.approx(float(w.low), abs=0.006)
    # Groups without responses get NaN; same seed, same answer.
    lo2, _ = stats.bootstrap_net_score(
        np.array([0.4, np.nan]), np.array([0.25, np.nan]), np.array([1000, 0]), n_boot=4000, seed=5
    )
    assert lo2[0] == lo[0] and np.isnan(lo2[1])


# --------------------------------------------------------------------------- two samples


def test_diff_test_vs_statsmodels_two_proportions():
    k1, n1, k2, n2 = 60, 120, 45, 130
    p1, p2 = k1 / n1, k2 / n2
    se1, se2 = math.sqrt(p1 * (1 - p1) / n1), math.sqrt(p2 * (1 - p2) / n2)
    t = stats.diff_test(p1, se1, p2, se2, ci=0.9)
    res = proportion.test_proportions_2indep(k1, n1, k2, n2, method="wald")
    assert float(t.p_value) == pytest.approx(res.pvalue, rel=1e-9)
    assert float(t.z) == pytest.approx(res.statistic, rel=1e-9)
    lo, hi = proportion.confint_proportions_2indep(k1, n1, k2, n2, method="wald", alpha=0.1)
    assert (float(t.low), float(t.high)) == pytest.approx((lo, hi))


def test_diff_test_by_hand_vectorised_and_degenerate():
    t = stats.diff_test(np.array([30.0, 5.0, 2.0]), np.array([3.0, 0.0, 0.0]),
                        np.array([26.0, 0.0, 2.0]), np.array([4.0, 0.0, 0.0]))  # fmt: skip
    assert t.se[0] == 5.0 and t.z[0] == pytest.approx(0.8)
    assert t.p_value[0] == pytest.approx(2 * sp.norm.sf(0.8))
    assert (t.low[0], t.high[0]) == pytest.approx((4 - Z95 * 5, 4 + Z95 * 5))
    assert np.isinf(t.z[1]) and t.p_value[1] == 0.0  # a change with no noise
    assert np.isnan(t.z[2]) and np.isnan(t.p_value[2])  # no change, no noise


def test_adjust_p_matches_hand_holm_and_bh() -> None:
    """Holm and Benjamini–Hochberg written out by hand, on random p-values."""
    rng = np.random.default_rng(3)
    p = rng.uniform(0, 0.2, size=12)
    m = len(p)
    order = np.argsort(p)
    holm = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        holm[i] = running
    bh = np.empty(m)
    running = 1.0
    for rank in range(m - 1, -1, -1):
        i = order[rank]
        running = min(running, p[i] * m / (rank + 1))
        bh[i] = running
    np.testing.assert_allclose(stats.adjust_p(p, method="holm"), holm, rtol=1e-12)
    np.testing.assert_allclose(stats.adjust_p(p, method="fdr_bh"), bh, rtol=1e-12)
    np.testing.assert_array_equal(stats.adjust_p(p, method="none"), p)


# --------------------------------------------------------------------------- correlation


@pytest.mark.parametrize("ci", [0.95, 0.9])
def test_correlation_matches_scipy_pearsonr(ci) -> None:
    """r, p-value and the Fisher-z interval against scipy's pearsonr and confidence_interval."""
    rng = np.random.default_rng(11)
    for n, rho in [(11, -0.8), (30, 0.2), (200, 0.5)]:
        x = rng.normal(size=n)
        y = rho * x + np.sqrt(1 - rho**2) * rng.normal(size=n)
        ref = sp.pearsonr(x, y)
        ref_ci = ref.confidence_interval(confidence_level=ci)
        c = stats.correlation(x, y, ci=ci)
        assert c.n == n
        assert c.r == pytest.approx(ref.statistic, rel=1e-12)
        assert c.p_value == pytest.approx(ref.pvalue, rel=1e-9)
        assert (c.low, c.high) == pytest.approx((ref_ci.low, ref_ci.high), rel=1e-9)


def test_correlation_drops_missing_pairs_and_degenerate_cases() -> None:
    x = np.array([1.0, 2.0, np.nan, 4.0, 5.0, 6.0])
    y = np.array([2.0, 1.0, 3.0, np.nan, 6.0, 5.0])
    c = stats.correlation(x, y)
    ref = sp.pearsonr([1.0, 2.0, 5.0, 6.0], [2.0, 1.0, 6.0, 5.0])
    assert c.n == 4 and c.r == pytest.approx(ref.statistic)
    three = stats.correlation(np.array([1.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0]))
    assert three.r == pytest.approx(0.5) and math.isnan(three.low)  # no interval under 4 pairs
    assert math.isnan(stats.correlation(np.ones(5), np.arange(5.0)).r)  # constant variable
    with pytest.raises(ValueError, match="differ in length"):
        stats.correlation(np.ones(3), np.ones(4))
