"""The statistics core: every interval, test and net score of the package is computed here.

Other modules (metrics, summary, revenue, loop, topics, drivers) call these functions and do
not write a formula of their own. Inputs are numbers or numpy arrays (vectorised over groups);
shares are fractions 0–1 here, and the calling module scales them for its result tables.

========================  ==============================================================
Function                  What it gives
========================  ==============================================================
:func:`z_value`           two-sided normal quantile of a confidence level
:func:`kish_n`            Kish's effective sample size of weights
:func:`nps_codes`         the NPS rule: 0–6 → −1, 7–8 → 0, 9–10 → +1 (missing stays NaN)
:func:`net_score`         NPS/eNPS from counts: estimate, SE, Wald or adjusted-Wald interval
:func:`wilson`            Wilson score interval of a share
:func:`share_interval`    a share with its binomial SE and Wilson interval
:func:`z_interval`        estimate ± z·SE (optionally clipped)
:func:`t_interval`        a mean with SE = sd/√n and interval mean ± t·SE
:func:`percentile_interval`  percentile interval of bootstrap draws
:func:`bootstrap_indices` resampled row indices (the one place rows are drawn)
:func:`bootstrap_net_score`  percentile bootstrap of a net score from its shares
:func:`diff_test`         difference of two independent estimates: z-test and interval
========================  ==============================================================

Every interval function returns an :class:`Interval` (``estimate``, ``se``, ``low``,
``high``, arrays of the shape of the inputs); :func:`diff_test` a :class:`DiffTest`.

References
----------
Rocks, B. (2016). Interval estimation for the "net promoter score". The American
Statistician 70(4), 365–372.
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
inference. JASA 22(158), 209–212.
Kish, L. (1965). Survey Sampling. Wiley.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats as _sp

__all__ = [
    "Correlation",
    "DiffTest",
    "Interval",
    "adjust_p",
    "bootstrap_indices",
    "bootstrap_net_score",
    "correlation",
    "diff_test",
    "group_kish_n",
    "kish_n",
    "kish_n_from_sums",
    "net_score",
    "nps_codes",
    "percentile_interval",
    "share_interval",
    "t_interval",
    "wilson",
    "z_interval",
    "z_value",
]


@dataclass(frozen=True)
class Interval:
    """An estimate with its standard error and confidence interval (arrays or floats).

    Attributes
    ----------
    estimate, se, low, high : ndarray
        The estimate, its standard error and the interval bounds, on the estimate's scale
        (fractions for shares and net scores).
    """

    estimate: np.ndarray
    se: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True)
class DiffTest:
    """Difference of two independent estimates (first minus second) and its z-test.

    Attributes
    ----------
    change, se : ndarray
        The difference and its standard error √(SE₁² + SE₂²).
    low, high : ndarray
        change ∓ z_{ci}·se.
    z, p_value : ndarray
        z = change / se and the two-sided p-value 2 (1 − Φ(|z|)).
    """

    change: np.ndarray
    se: np.ndarray
    low: np.ndarray
    high: np.ndarray
    z: np.ndarray
    p_value: np.ndarray


def z_value(ci: float) -> float:
    """Two-sided standard-normal quantile of the confidence level ``ci``: Φ⁻¹(0.5 + ci/2).

    Parameters
    ----------
    ci : float
        Confidence level, strictly between 0 and 1 (not checked here).

    Returns
    -------
    float
        z such that a standard normal lies within ±z with probability ``ci``.

    Examples
    --------
    >>> round(z_value(0.95), 4)
    1.96
    """
    return float(_sp.norm.ppf(0.5 + ci / 2))


def kish_n(w: np.ndarray) -> float:
    """Kish's effective sample size (Σw)² / Σw² of weights ``w`` (0 when all weights are 0).

    Parameters
    ----------
    w : array-like
        Survey weights (>= 0).

    Returns
    -------
    float
        The effective sample size, at most the number of non-zero weights.

    Examples
    --------
    >>> kish_n(np.array([1.0, 1.0, 2.0]))   # 4² / 6
    2.6666666666666665
    """
    w = np.asarray(w, dtype=float)
    n = group_kish_n(w, np.zeros(len(w), dtype=np.int64), 1)[0]
    return float(n) if np.isfinite(n) else 0.0


def group_kish_n(w: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Kish's effective sample size (Σw)² / Σw² within each group (vectorised).

    Parameters
    ----------
    w : ndarray
        Survey weights (>= 0), one per row (0 on rows that do not count).
    codes : ndarray of int
        Group code of each row, 0 .. ``n_groups`` − 1.
    n_groups : int
        Number of groups.

    Returns
    -------
    ndarray
        One effective n per group; NaN for a group whose weights are all 0.

    Examples
    --------
    >>> group_kish_n(np.array([1.0, 1.0, 2.0, 0.0]), np.array([0, 0, 0, 1]), 2)   # 4² / 6
    array([2.66666667,        nan])
    """
    w = np.asarray(w, dtype=float)
    sw = np.bincount(codes, weights=w, minlength=n_groups)
    return kish_n_from_sums(sw, np.bincount(codes, weights=w * w, minlength=n_groups))


def kish_n_from_sums(sw: np.ndarray, sww: np.ndarray) -> np.ndarray:
    """Kish's effective sample size (Σw)² / Σw² from the sums of weights and of squared weights.

    For callers that already hold per-group sums (e.g. counted in a database).

    Parameters
    ----------
    sw, sww : ndarray
        Σw and Σw² per group.

    Returns
    -------
    ndarray
        One effective n per group; NaN where Σw² is 0.

    Examples
    --------
    >>> kish_n_from_sums(np.array([4.0, 0.0]), np.array([6.0, 0.0]))   # 4² / 6
    array([2.66666667,        nan])
    """
    sw, sww = np.asarray(sw, dtype=float), np.asarray(sww, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sw**2 / sww


# --------------------------------------------------------------------------- net scores


def nps_codes(x: np.ndarray) -> np.ndarray:
    """The NPS rule, written once: 0–6 detractor (−1), 7–8 passive (0), 9–10 promoter (+1).

    Missing values (NaN) stay NaN: a missing answer is not a passive. The NPS of a group is
    100 × the mean of its codes. Values are not checked here (callers check the 0–10 scale).

    Parameters
    ----------
    x : array-like of float
        0–10 answers.

    Returns
    -------
    ndarray of float
        −1.0, 0.0, +1.0 or NaN per answer.

    Examples
    --------
    >>> nps_codes(np.array([0, 6, 7, 8, 9, 10, np.nan])).tolist()
    [-1.0, -1.0, 0.0, 0.0, 1.0, 1.0, nan]
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore"):
        out = (x >= 9).astype(float) - (x <= 6)
    out[np.isnan(x)] = np.nan
    return out


def net_score(
    promoters: np.ndarray | float,
    detractors: np.ndarray | float,
    n: np.ndarray | float,
    *,
    n_eff: np.ndarray | float | None = None,
    ci: float = 0.95,
    method: str = "wald",
) -> Interval:
    """Net score (NPS, eNPS) from promoter and detractor counts, with its interval (fractions).

    p_P = promoters / n, p_D = detractors / n, estimate = p_P − p_D,
    SE = √[(p_P + p_D − (p_P − p_D)²) / n'] (multinomial) with n' = ``n_eff`` (default ``n``).
    ``"wald"``: estimate ± z·SE. ``"adjusted_wald"`` (Rocks 2016): add 3/4 promoter and 3/4
    detractor to n' responses, n'' = n' + 3, and centre the Wald interval of the adjusted
    shares on their difference (the reported estimate stays p_P − p_D). Bounds are clipped to
    [−1, 1]; groups with n = 0 get NaN. Weighted: pass the weighted totals (Σw of promoters,
    detractors, all) and Kish's ``n_eff``.

    Parameters
    ----------
    promoters, detractors, n : array-like
        Counts (or weighted totals) per group.
    n_eff : array-like, optional
        Effective sample size per group (Kish's n for weighted data); default ``n``.
    ci : float
        Confidence level.
    method : {"wald", "adjusted_wald"}
        Interval method.

    Returns
    -------
    Interval
        ``estimate``, ``se``, ``low``, ``high`` (fractions −1..1).

    Examples
    --------
    5 promoters, 3 passives and 2 detractors of 10: NPS 0.3, SE √[(0.5 + 0.2 − 0.09) / 10]
    = √0.061, Wald low 0.3 − 1.96 × 0.247:

    >>> r = net_score(5, 2, 10)
    >>> round(float(r.estimate), 4), round(float(r.se), 4), round(float(r.low), 4)
    (0.3, 0.247, -0.1841)

    Adjusted Wald: P' = 5.75/13, D' = 2.75/13, centre 3/13 ± 1.96 √[(P' + D' − (3/13)²) / 13]:

    >>> r = net_score(5, 2, 10, method="adjusted_wald")
    >>> round(float(r.low), 4), round(float(r.high), 4)
    (-0.1905, 0.652)
    """
    if method not in ("wald", "adjusted_wald"):
        raise ValueError(f"net_score: method must be 'wald' or 'adjusted_wald', got {method!r}")
    z = z_value(ci)
    p = np.asarray(promoters, dtype=float)
    d = np.asarray(detractors, dtype=float)
    n = np.asarray(n, dtype=float)
    m = n if n_eff is None else np.asarray(n_eff, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_p, p_d = p / n, d / n
        est = p_p - p_d
        se = np.sqrt((p_p + p_d - est**2) / m)
        if method == "wald":
            lo, hi = est - z * se, est + z * se
        else:
            m2 = m + 3
            pp2 = (p_p * m + 0.75) / m2
            pd2 = (p_d * m + 0.75) / m2
            c2 = pp2 - pd2
            half = z * np.sqrt((pp2 + pd2 - c2**2) / m2)
            lo, hi = c2 - half, c2 + half
    return Interval(est, se, np.clip(lo, -1, 1), np.clip(hi, -1, 1))


# --------------------------------------------------------------------------- intervals


def wilson(k: np.ndarray | float, n: np.ndarray | float, *, ci: float = 0.95):
    """Wilson score interval of ``k`` successes out of ``n`` (fractions 0–1, vectorised).

    Equal to ``statsmodels.stats.proportion.proportion_confint(k, n, method="wilson")``;
    ``n`` may be fractional (Kish's effective n). The bounds are clipped so that
    low <= k/n <= high exactly; where ``n`` is 0 both bounds are NaN.

    Parameters
    ----------
    k, n : array-like
        Successes and trials per group (``n`` may be fractional).
    ci : float
        Confidence level.

    Returns
    -------
    tuple of ndarray
        ``(low, high)``.

    Examples
    --------
    >>> lo, hi = wilson(np.array([0, 5]), np.array([10, 10]))
    >>> np.round(lo, 4).tolist(), np.round(hi, 4).tolist()
    ([0.0, 0.2366], [0.2775, 0.7634])
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = z_value(ci)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        lo = np.minimum(centre - half, p)
        hi = np.maximum(centre + half, p)
    empty = ~(n > 0)
    lo = np.where(empty, np.nan, np.clip(lo, 0, 1))
    hi = np.where(empty, np.nan, np.clip(hi, 0, 1))
    return lo, hi


def share_interval(k: np.ndarray | float, n: np.ndarray | float, *, ci: float = 0.95) -> Interval:
    """A share k/n with its binomial SE √(p(1 − p)/n) and its Wilson interval (fractions).

    ``k`` and ``n`` may be weighted: pass p·n_eff and n_eff (Kish). Where ``n`` is 0 every
    field is NaN.

    Parameters
    ----------
    k, n : array-like
        Successes and trials per group.
    ci : float
        Confidence level.

    Returns
    -------
    Interval
        ``estimate`` = k/n, ``se``, ``low``, ``high`` (:func:`wilson`).

    Examples
    --------
    >>> r = share_interval(5, 10)
    >>> float(r.estimate), round(float(r.se), 4), round(float(r.low), 4)
    (0.5, 0.1581, 0.2366)
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        se = np.sqrt(p * (1 - p) / n)
    lo, hi = wilson(k, n, ci=ci)
    return Interval(p, se, lo, hi)


def z_interval(
    estimate: np.ndarray | float,
    se: np.ndarray | float,
    *,
    ci: float = 0.95,
    clip: tuple[float, float] | None = None,
) -> Interval:
    """Normal (Wald) interval estimate ± z·SE, optionally clipped to ``clip`` = (lowest, highest).

    Parameters
    ----------
    estimate, se : array-like
        Estimates and their standard errors.
    ci : float
        Confidence level.
    clip : (float, float), optional
        Lowest and highest possible value (e.g. (−1, 1) for a net score).

    Returns
    -------
    Interval
        ``estimate``, ``se``, ``low``, ``high``.

    Examples
    --------
    >>> r = z_interval(0.3, 0.1, clip=(-1, 1))
    >>> round(float(r.low), 4), round(float(r.high), 4)
    (0.104, 0.496)
    """
    est = np.asarray(estimate, dtype=float)
    se = np.asarray(se, dtype=float)
    z = z_value(ci)
    lo, hi = est - z * se, est + z * se
    if clip is not None:
        lo, hi = np.clip(lo, *clip), np.clip(hi, *clip)
    return Interval(est, se, lo, hi)


def t_interval(
    mean: np.ndarray | float,
    sd: np.ndarray | float,
    n: np.ndarray | float,
    *,
    ci: float = 0.95,
) -> Interval:
    """Student t interval of a mean: SE = sd/√n, mean ± t_{n−1}·SE (df at least 1).

    ``sd`` is the unbiased (n − 1) standard deviation; ``n`` may be Kish's effective n for
    weighted means (then equal to statsmodels' ``DescrStatsW.tconfint_mean`` with weights
    rescaled to sum to n_eff).

    Parameters
    ----------
    mean, sd, n : array-like
        Mean, standard deviation and sample size per group.
    ci : float
        Confidence level.

    Returns
    -------
    Interval
        ``estimate`` = mean, ``se``, ``low``, ``high``.

    Examples
    --------
    >>> r = t_interval(3.0, 1.0, 4)   # t(0.975, 3) = 3.1824
    >>> round(float(r.se), 2), round(float(r.low), 4), round(float(r.high), 4)
    (0.5, 1.4088, 4.5912)
    """
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = _sp.t.ppf(0.5 + ci / 2, np.maximum(n - 1, 1))
        se = sd / np.sqrt(n)
    return Interval(mean, se, mean - t * se, mean + t * se)


# --------------------------------------------------------------------------- bootstrap


def percentile_interval(
    draws: np.ndarray, *, ci: float = 0.95, axis: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval: the (1 − ci)/2 and (1 + ci)/2 quantiles of ``draws``.

    Non-finite draws (a resample where the statistic is undefined) are left out; where none
    is left the bounds are NaN.

    Parameters
    ----------
    draws : ndarray
        Bootstrap replicates of the statistic along ``axis``.
    ci : float
        Confidence level.
    axis : int
        Axis of the replicates.

    Returns
    -------
    tuple of ndarray
        ``(low, high)``.

    Examples
    --------
    >>> lo, hi = percentile_interval(np.arange(101.0), ci=0.9)
    >>> round(float(lo), 6), round(float(hi), 6)
    (5.0, 95.0)
    """
    draws = np.asarray(draws, dtype=float)
    a = (1 - ci) / 2
    if draws.shape[axis] == 0:  # no resample (n_boot = 0)
        empty = np.full(np.delete(draws.shape, axis), np.nan)
        return (empty, empty.copy()) if empty.ndim else (np.float64(np.nan),) * 2
    if np.isfinite(draws).all():
        lo, hi = np.quantile(draws, [a, 1 - a], axis=axis)
    else:
        clean = np.where(np.isfinite(draws), draws, np.nan)
        if clean.ndim == 1 and np.isnan(clean).all():
            return np.float64(np.nan), np.float64(np.nan)
        with warnings.catch_warnings():  # all-NaN slices give NaN bounds, quietly
            warnings.simplefilter("ignore", RuntimeWarning)
            lo, hi = np.nanquantile(clean, [a, 1 - a], axis=axis)
    return lo, hi


def bootstrap_indices(n: int, n_boot: int, *, rng: np.random.Generator) -> np.ndarray:
    """Row indices of ``n_boot`` resamples of ``n`` rows with replacement, shape (n_boot, n).

    The one place rows are drawn (``rng.integers(0, n)``), so that every bootstrap of the
    package resamples the same way and a seed gives the same resamples.

    Parameters
    ----------
    n : int
        Number of rows.
    n_boot : int
        Number of resamples.
    rng : numpy Generator
        The random generator (callers drawing in chunks pass the same one each time).

    Returns
    -------
    ndarray of int
        Shape (n_boot, n); (n_boot, 0) when ``n`` is 0.

    Examples
    --------
    >>> bootstrap_indices(3, 2, rng=np.random.default_rng(0)).shape
    (2, 3)
    """
    if n == 0:
        return np.zeros((n_boot, 0), dtype=np.int64)
    return rng.integers(0, n, size=(n_boot, n))


def bootstrap_net_score(
    p_promoters: np.ndarray,
    p_detractors: np.ndarray,
    n: np.ndarray,
    *,
    n_boot: int,
    ci: float = 0.95,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of a net score per group (fractions −1..1).

    Drawing n responses with replacement from a group and counting promoters, detractors and
    passives is exactly a Multinomial(n, (p_P, p_D, p_0)) draw, so ``n_boot`` resamples of all
    groups are one ``rng.multinomial`` call of shape (n_boot, groups, 3). With weights, pass
    the weighted shares and Kish's effective n (rounded to a whole number). Groups with n < 1
    get NaN.

    Parameters
    ----------
    p_promoters, p_detractors, n : ndarray
        Shares of promoters and detractors and the number of responses per group.
    n_boot : int
        Number of resamples.
    ci : float
        Confidence level.
    seed : int
        Seed of the random generator.

    Returns
    -------
    tuple of ndarray
        ``(low, high)`` per group.

    Examples
    --------
    >>> lo, hi = bootstrap_net_score(np.array([0.5]), np.array([0.2]), np.array([10_000]),
    ...                              n_boot=500)
    >>> bool(lo[0] < 0.3 < hi[0]), bool(hi[0] - lo[0] < 0.05)
    (True, True)
    """
    p_p = np.asarray(p_promoters, dtype=float)
    p_d = np.asarray(p_detractors, dtype=float)
    n = np.asarray(n, dtype=float)
    rng = np.random.default_rng(seed)
    ok = np.isfinite(p_p) & (n >= 1)
    lo = np.full(len(n), np.nan)
    hi = np.full(len(n), np.nan)
    if not ok.any():
        return lo, hi
    idx = np.flatnonzero(ok)
    nn = np.maximum(np.rint(n[ok]).astype(np.int64), 1)
    pv = np.column_stack([p_p[ok], p_d[ok], np.clip(1 - p_p[ok] - p_d[ok], 0, 1)])
    pv = pv / pv.sum(axis=1, keepdims=True)
    # Groups in chunks so the (n_boot, groups, 3) count array stays below ~50 MB.
    step = max(1, 2_000_000 // n_boot)
    for s in range(0, len(nn), step):
        sl = slice(s, s + step)
        draws = rng.multinomial(nn[sl], pv[sl], size=(n_boot, len(nn[sl])))
        boot = (draws[..., 0] - draws[..., 1]) / nn[sl]
        lo[idx[sl]], hi[idx[sl]] = percentile_interval(boot, ci=ci, axis=0)
    return lo, hi


# --------------------------------------------------------------------------- two samples


def diff_test(
    estimate_1: np.ndarray | float,
    se_1: np.ndarray | float,
    estimate_2: np.ndarray | float,
    se_2: np.ndarray | float,
    *,
    ci: float = 0.95,
) -> DiffTest:
    """Two-sample z-test of the difference of two independent estimates (first − second).

    change = e₁ − e₂, SE = √(SE₁² + SE₂²), z = change / SE, p = 2 (1 − Φ(|z|)), interval
    change ± z_{ci}·SE. With SE = 0 and a change, z is infinite and p = 0; with no change
    either, z and p are NaN. Any scale works (fractions or points), as long as both estimates
    and SEs share it.

    Parameters
    ----------
    estimate_1, se_1, estimate_2, se_2 : array-like
        The two estimates and their standard errors.
    ci : float
        Confidence level of the interval.

    Returns
    -------
    DiffTest
        ``change``, ``se``, ``low``, ``high``, ``z``, ``p_value``.

    Examples
    --------
    >>> r = diff_test(30.0, 3.0, 26.0, 4.0)   # SE 5, z 0.8
    >>> float(r.se), float(r.z), round(float(r.p_value), 4)
    (5.0, 0.8, 0.4237)
    """
    e1 = np.asarray(estimate_1, dtype=float)
    e2 = np.asarray(estimate_2, dtype=float)
    diff = e1 - e2
    se = np.sqrt(np.asarray(se_1, dtype=float) ** 2 + np.asarray(se_2, dtype=float) ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = diff / se
    p = 2 * _sp.norm.sf(np.abs(z))
    zc = z_value(ci)
    return DiffTest(diff, se, diff - zc * se, diff + zc * se, z, p)


def adjust_p(p: np.ndarray, *, method: str = "holm") -> np.ndarray:
    """p-values adjusted for testing many groups at once.

    Holm's step-down method controls the family-wise error rate; Benjamini–Hochberg
    (``"fdr_bh"``) the false-discovery rate; ``"none"`` returns ``p`` unchanged. Computed by
    ``statsmodels.stats.multitest.multipletests``.

    Parameters
    ----------
    p : ndarray
        Unadjusted p-values (no missing values).
    method : str
        ``"holm"``, ``"fdr_bh"`` or ``"none"``.

    Returns
    -------
    ndarray
        Adjusted p-values, each at least its unadjusted value and at most 1.

    Examples
    --------
    >>> adjust_p(np.array([0.01, 0.04, 0.03]), method="holm").round(2).tolist()   # 3p, 2p, 2p
    [0.03, 0.06, 0.06]
    >>> adjust_p(np.array([0.01, 0.04, 0.03]), method="fdr_bh").round(2).tolist()  # p·3/rank
    [0.03, 0.04, 0.04]
    """
    p = np.asarray(p, dtype=float)
    if method == "none" or p.size == 0:
        return p.copy()
    from statsmodels.stats.multitest import multipletests

    return np.asarray(multipletests(p, method=method)[1], dtype=float)


@dataclass(frozen=True)
class Correlation:
    """Pearson's correlation of two variables with its Fisher-z interval and t-test.

    Attributes
    ----------
    r : float
        The correlation (NaN with fewer than 3 complete pairs or a constant variable).
    n : int
        Complete pairs used.
    low, high : float
        tanh(atanh(r) ∓ z_{ci} / √(n − 3)); NaN with fewer than 4 pairs.
    p_value : float
        Two-sided p-value of t = r √[(n − 2) / (1 − r²)] on n − 2 degrees of freedom.
    """

    r: float
    n: int
    low: float
    high: float
    p_value: float


def correlation(x: np.ndarray, y: np.ndarray, *, ci: float = 0.95) -> Correlation:
    """Pearson's r of the complete pairs of ``x`` and ``y``, with Fisher's z interval.

    z = atanh(r) is close to normal with SE 1 / √(n − 3), so the interval is
    tanh(z ∓ z_{ci} / √(n − 3)) (Fisher 1921); the p-value is that of t = r √[(n − 2) / (1 − r²)]
    on n − 2 degrees of freedom. The same as ``scipy.stats.pearsonr(x, y)`` and its
    ``confidence_interval(ci)``. Pairs with a missing value on either side are left out.

    Parameters
    ----------
    x, y : array-like of float
        Paired values, same length.
    ci : float
        Confidence level of the interval.

    Returns
    -------
    Correlation
        ``r``, ``n``, ``low``, ``high``, ``p_value``.

    Raises
    ------
    ValueError
        ``x`` and ``y`` differ in length.

    References
    ----------
    Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation deduced from
    a small sample. Metron 1, 3–32.

    Examples
    --------
    Six pairs, Σdxdy = 14.5 and Σdx² = Σdy² = 17.5, so r = 14.5/17.5 = 0.8286; atanh(r) = 1.1836,
    SE = 1/√3, low = tanh(1.1836 − 1.96/√3) = tanh(0.0520):

    >>> c = correlation(np.array([1, 2, 3, 4, 5, 6.0]), np.array([2, 1, 4, 3, 6, 5.0]))
    >>> round(c.r, 4), c.n, round(c.low, 4), round(c.high, 4)
    (0.8286, 6, 0.0519, 0.9807)
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"correlation: x and y differ in length ({x.size} and {y.size}).")
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = int(x.size)
    nan = float("nan")
    if n < 3:
        return Correlation(nan, n, nan, nan, nan)
    dx, dy = x - x.mean(), y - y.mean()
    denom = np.sqrt((dx * dx).sum() * (dy * dy).sum())
    if denom == 0:
        return Correlation(nan, n, nan, nan, nan)
    r = float(np.clip((dx * dy).sum() / denom, -1.0, 1.0))
    with np.errstate(divide="ignore"):
        t = r * np.sqrt((n - 2) / (1 - r * r)) if abs(r) < 1 else np.copysign(np.inf, r)
    p = float(2 * _sp.t.sf(abs(t), n - 2))
    if n < 4:
        return Correlation(r, n, nan, nan, p)
    half = z_value(ci) / np.sqrt(n - 3)
    z = np.arctanh(r) if abs(r) < 1 else np.copysign(np.inf, r)
    return Correlation(r, n, float(np.tanh(z - half)), float(np.tanh(z + half)), p)
