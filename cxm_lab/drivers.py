"""Key-driver analysis: which rated attributes move the likelihood-to-recommend score.

Three views of importance, each with bootstrap intervals:

- :func:`driver_correlations`: Pearson (or Spearman) correlation of each driver with the outcome.
- :func:`relative_weights`: Johnson's (2000) relative weights. With R the drivers' correlation
  matrix, R = V Λ Vᵀ and Λ* = V Λ^{1/2} Vᵀ (correlations of the drivers with their closest
  orthogonal counterparts Z), β = Λ*⁻¹ r_xy (the outcome regressed on Z), the raw weight of
  driver j is ε_j = Σ_k (Λ*_jk)² β_k², and Σ_j ε_j = R² of the full regression.
- :func:`shapley_r2`: the Shapley value / LMG decomposition of R² (Lindeman, Merenda & Gold
  1980; Grömping 2006): the average gain in R² from adding driver j over all orderings,
  computed exactly over all 2^p subsets, with R²(S) = r_Sᵀ R_SS⁻¹ r_S from the correlation
  matrix (so a bootstrap resample costs one weighted moment computation, not 2^p regressions).

Both decompositions return ``weight`` = share of R² in percent (summing to 100) and
``raw_weight`` (summing to R², a fraction like R² itself). Bootstrap intervals are percentile
intervals (:func:`cxm_lab.stats.percentile_interval`) of resamples drawn by
:func:`cxm_lab.stats.bootstrap_indices`. Rows with a missing outcome or driver are left out
(listwise) and counted in ``n_used`` / ``n_dropped``, never silently.

References
----------
Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
variables in multiple regression. Multivariate Behavioral Research 35(1), 1–19.
Grömping, U. (2006). Relative importance for linear regression in R: the package relaimpo.
Journal of Statistical Software 17(1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from cxm_lab import stats
from cxm_lab.docstrings import fill
from cxm_lab.errors import ParameterError, check_choice, check_frame, check_int, check_level
from cxm_lab.scales import scale_text

__all__ = [
    "QUADRANTS",
    "driver_correlations",
    "importance_performance",
    "performance_label",
    "plot_importance_performance",
    "relative_weights",
    "scale_note",
    "shapley_r2",
    "unmet",
]

#: (above-average importance, above-average performance) -> quadrant name.
QUADRANTS = {
    (True, False): "fix first",
    (True, True): "maintain strength",
    (False, False): "monitor",
    (False, True): "lower priority",
}


def _complete(df: pd.DataFrame, outcome: str, drivers: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The complete rows of outcome and drivers (listwise) and the mask that picked them."""
    data = df[[*drivers, outcome]].apply(pd.to_numeric, errors="coerce").astype(float)
    keep = data.notna().all(axis=1).to_numpy()
    return data.to_numpy()[keep], keep


def _shortfall(x: np.ndarray, outcome: str, drivers: list[str]) -> tuple[str, str, str] | None:
    """What the complete rows ``x`` lack for a driver analysis, or None: more rows than
    drivers + 1, and no constant column. Returned as (the need, what the data has, the error
    message of the analysis)."""
    if len(x) <= len(drivers) + 1:
        return (
            f"more than {len(drivers) + 1} responses that answer {outcome} and every driver",
            f"{len(x)}",
            f"driver analysis: only {len(x)} complete rows for {len(drivers)} drivers",
        )
    const = np.flatnonzero(x.std(axis=0) == 0)
    if len(const):
        names = [[*drivers, outcome][i] for i in const]
        return (
            "answers that vary in every driver and in the outcome",
            f"the same answer throughout in {', '.join(names)}",
            f"driver analysis: column(s) {names} are constant in the complete rows",
        )
    return None


def _prepare(df: pd.DataFrame, outcome: str, drivers: Sequence[str]) -> tuple[np.ndarray, int, int]:
    drivers = list(drivers)
    missing = [c for c in [outcome, *drivers] if c not in df.columns]
    if missing:
        raise ParameterError(
            f"driver analysis: column(s) {missing} not in the data; columns are {list(df.columns)}"
        )
    if len(drivers) < 2:
        raise ParameterError("driver analysis needs at least two drivers")
    x, keep = _complete(df, outcome, drivers)
    short = _shortfall(x, outcome, drivers)
    if short is not None:
        raise ParameterError(short[2])
    return x, int(keep.sum()), int((~keep).sum())


def unmet(
    df: pd.DataFrame,
    *,
    outcome: str,
    drivers: Sequence[str],
    label: str = "this data",
    min_n: int = 0,
) -> list[str]:
    """What ``df`` lacks for a driver analysis, phrased for a skipped section; empty when the
    analysis can run (the rule :func:`shapley_r2` and :func:`relative_weights` apply) on at
    least ``min_n`` complete responses (the rule :func:`importance_performance` applies to
    each group: a "fix first" from five responses is noise).

    Pass it as ``unmet=`` to a notebook's ``section(...)`` for the rows the analysis uses: a
    report quarter that has just begun may hold a single response.

    Parameters
    ----------
    df : DataFrame
        The responses the analysis would use.
    outcome : str
        The outcome column (e.g. ``ltr``).
    drivers : sequence of str
        The driver columns (at least two).
    label : str
        What ``df`` is, in the phrase ("2026Q4 has 1").
    min_n : int
        Complete responses (outcome and every driver answered) the analysis needs.

    Returns
    -------
    list of str
        One phrase per unmet need.

    Examples
    --------
    >>> d = pd.DataFrame({"ltr": [9, 3], "speed": [5, 1], "price": [4, 2]})
    >>> unmet(d, outcome="ltr", drivers=["speed", "price"], label="2026Q4")
    ['more than 3 responses that answer ltr and every driver (2026Q4 has 2)']
    >>> unmet(pd.concat([d] * 3), outcome="ltr", drivers=["speed", "price"])
    []
    >>> unmet(pd.concat([d] * 3), outcome="ltr", drivers=["speed", "price"], min_n=30)
    ['at least 30 responses that answer ltr and every driver (this data has 6)']
    """
    drivers = [d for d in drivers if d in df.columns]
    if outcome not in df.columns or len(drivers) < 2:
        return [f"an outcome and at least two driver ratings ({label} has {len(drivers)})"]
    x = _complete(df, outcome, drivers)[0]
    if len(x) < min_n:
        return [
            f"at least {min_n} responses that answer {outcome} and every driver ({label} has {len(x)})"
        ]
    short = _shortfall(x, outcome, drivers)
    return [] if short is None else [f"{short[0]} ({label} has {short[1]})"]


def _corr_from_moments(
    s1: np.ndarray, s2: np.ndarray, w: np.ndarray, floor: np.ndarray | None = None
) -> np.ndarray:
    """Correlation matrices from weighted sums: s1 (B, q), s2 (B, q, q), total weights w (B,).
    A matrix in which some column's variance is at most ``floor`` (q,) (a resample that drew
    one value only) has no correlation: it is all NaN."""
    mean = s1 / w[:, None]
    cov = s2 / w[:, None, None] - mean[:, :, None] * mean[:, None, :]
    var = np.einsum("bii->bi", cov)
    sd = np.sqrt(np.clip(var, 1e-300, None))
    out = cov / sd[:, :, None] / sd[:, None, :]
    if floor is not None:
        out[(var <= floor).any(axis=1)] = np.nan
    return out


def _bootstrap_corrs(x: np.ndarray, n_boot: int, seed: int, chunk: int = 100) -> np.ndarray:
    """Correlation matrices of ``n_boot`` bootstrap resamples of the rows of ``x`` (B, q, q).

    A resample is a vector of multinomial counts; its moments are matrix products with the
    precomputed column products, so no resampled copy of the data is ever built. A resample
    in which a column takes one value only (likely with a few dozen rows) has no correlation
    matrix: it is all NaN, and :func:`_decompose` leaves it out.
    """
    rng = np.random.default_rng(seed)
    n, q = x.shape
    xc = x - x.mean(axis=0)  # centring keeps the moment formula numerically stable
    iu = np.triu_indices(q)
    prods = xc[:, iu[0]] * xc[:, iu[1]]
    floor = 1e-9 * xc.var(axis=0)  # a variance this small is rounding error: one value drawn
    out = np.empty((n_boot, q, q))
    for start in range(0, n_boot, chunk):
        b = min(chunk, n_boot - start)
        draws = stats.bootstrap_indices(n, b, rng=rng)
        counts = np.stack([np.bincount(row, minlength=n) for row in draws]).astype(float)
        s1 = counts @ xc
        upper = counts @ prods
        s2 = np.empty((b, q, q))
        s2[:, iu[0], iu[1]] = upper
        s2[:, iu[1], iu[0]] = upper
        out[start : start + b] = _corr_from_moments(s1, s2, np.full(b, float(n)), floor)
    return out


def _relative_weights_from_corr(c: np.ndarray) -> np.ndarray:
    """Raw relative weights (B, p) from correlation matrices (B, p+1, p+1), outcome last."""
    rxx, rxy = c[:, :-1, :-1], c[:, :-1, -1]
    evals, evecs = np.linalg.eigh(rxx)
    evals = np.clip(evals, 1e-12, None)
    lam = evecs @ (np.sqrt(evals)[:, :, None] * np.swapaxes(evecs, 1, 2))
    try:
        beta = np.linalg.solve(lam, rxy[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:  # collinear drivers in a resample: the least-squares answer
        beta = (np.linalg.pinv(lam) @ rxy[:, :, None])[:, :, 0]
    return np.einsum("bjk,bk->bj", lam**2, beta**2)


def _subset_r2(c: np.ndarray) -> dict[tuple[int, ...], np.ndarray]:
    """R² of the outcome on every subset of drivers, for each correlation matrix (B,)."""
    p = c.shape[1] - 1
    r2: dict[tuple[int, ...], np.ndarray] = {(): np.zeros(c.shape[0])}
    for k in range(1, p + 1):
        for s in combinations(range(p), k):
            idx = np.array(s)
            rss = c[:, idx[:, None], idx[None, :]]
            rs = c[:, idx, -1]
            try:
                coef = np.linalg.solve(rss, rs[:, :, None])
            except np.linalg.LinAlgError:
                # Perfectly collinear drivers (in the data or in a bootstrap resample): the
                # least-squares fit is still defined; the pseudo-inverse gives its R².
                coef = np.linalg.pinv(rss) @ rs[:, :, None]
            r2[s] = np.einsum("bi,bi->b", rs, coef[:, :, 0])
    return r2


def _shapley_from_corr(c: np.ndarray) -> np.ndarray:
    p = c.shape[1] - 1
    r2 = _subset_r2(c)
    out = np.zeros((c.shape[0], p))
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for k in range(p):
            w = factorial(k) * factorial(p - k - 1) / factorial(p)
            for s in combinations(others, k):
                out[:, j] += w * (r2[tuple(sorted((*s, j)))] - r2[s])
    return out


def _decompose(
    df: pd.DataFrame,
    outcome: str,
    drivers: Sequence[str],
    n_boot: int,
    ci: float,
    seed: int,
    fn,
    func: str,
) -> pd.DataFrame:
    check_frame(df, func)
    check_level(ci, func)
    n_boot = check_int(
        n_boot, "n_boot", func, 0, "pass 0 to skip the bootstrap, or e.g. 1000 resamples"
    )
    drivers = [drivers] if isinstance(drivers, str) else list(drivers)
    x, n_used, n_dropped = _prepare(df, outcome, drivers)
    c = np.corrcoef(x, rowvar=False)[None]
    raw = fn(c)[0]
    r2 = raw.sum()
    out = pd.DataFrame({"driver": drivers, "raw_weight": raw, "weight": 100 * raw / r2})
    if n_boot:
        # resamples that drew one value of some column have no correlation: left out, so the
        # interval is over the resamples in which every column varies (none: no interval)
        corrs = _bootstrap_corrs(x, n_boot, seed)
        corrs = corrs[np.isfinite(corrs).all(axis=(1, 2))]
        boot = fn(corrs) if len(corrs) else np.empty((0, len(drivers)))
        total = boot.sum(axis=1)
        boot, total = boot[total > 0], total[total > 0]  # R² = 0 explains nothing to share
        if len(boot):
            share = 100 * boot / total[:, None]
            out["ci_low"], out["ci_high"] = stats.percentile_interval(share, ci=ci, axis=0)
        else:
            out["ci_low"] = out["ci_high"] = np.nan
    out["rank"] = out["weight"].rank(ascending=False, method="min").astype(int)
    out["r2"] = r2
    out["n_used"] = n_used
    out["n_dropped"] = n_dropped
    return out.sort_values("weight", ascending=False).reset_index(drop=True)


@fill
def relative_weights(
    df: pd.DataFrame,
    *,
    outcome: str,
    drivers: Sequence[str],
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Johnson's relative weights of ``drivers`` for ``outcome``, with bootstrap intervals.

    With R the drivers' correlation matrix, R = V Λ Vᵀ and Λ* = V Λ^{1/2} Vᵀ, β = Λ*⁻¹ r_xy,
    the raw weight of driver j is ε_j = Σ_k (Λ*_jk)² β_k² and Σ_j ε_j = R² (Johnson 2000).
    Rows with a missing outcome or driver are left out (listwise) and counted.

    Parameters
    ----------
    {{df}}
    outcome : str
        Column of the outcome (e.g. the 0–10 likelihood to recommend).
    drivers : sequence of str
        Columns of the rated attributes (at least two).
    {{n_boot}}
    {{ci}}
    {{seed}}

    Returns
    -------
    DataFrame
        One row per driver (largest first): ``driver``, ``raw_weight`` (sums to R²), ``weight``
        (share of R² in %, sums to 100), ``ci_low``/``ci_high`` (percentile bootstrap of the
        share, %; when ``n_boot`` > 0), ``rank``, ``r2``, ``n_used``, ``n_dropped``.

    Raises
    ------
    ParameterError
        A missing column, fewer than two drivers, too few complete rows, a constant column,
        ``ci`` outside (0, 1) or ``n_boot`` < 0.

    Examples
    --------
    Uncorrelated drivers: each raw weight is the squared correlation with the outcome.

    >>> d = pd.DataFrame({"a": [1.0, -1, 1, -1], "b": [1.0, 1, -1, -1]})
    >>> d["y"] = 2 * d["a"] + d["b"]
    >>> r = relative_weights(d, outcome="y", drivers=["a", "b"], n_boot=0)
    >>> r[["driver", "raw_weight", "weight"]].round(6).values.tolist()
    [['a', 0.8, 80.0], ['b', 0.2, 20.0]]
    """
    return _decompose(
        df, outcome, drivers, n_boot, ci, seed, _relative_weights_from_corr, "relative_weights"
    )


@fill
def shapley_r2(
    df: pd.DataFrame,
    *,
    outcome: str,
    drivers: Sequence[str],
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Shapley value (LMG) decomposition of R², exact over all subsets, with bootstrap intervals.

    The raw weight of driver j is the average gain in R² from adding j over all orderings of
    the drivers (Lindeman, Merenda & Gold 1980; Grömping 2006), computed from the correlation
    matrix over all 2^p subsets. Cost grows as 2^p: up to 12 drivers.

    Parameters
    ----------
    {{df}}
    outcome : str
        Column of the outcome.
    drivers : sequence of str
        Columns of the rated attributes (2 to 12).
    {{n_boot}}
    {{ci}}
    {{seed}}

    Returns
    -------
    DataFrame
        The columns of :func:`relative_weights` (``weight`` and its interval in %).

    Raises
    ------
    ParameterError
        As :func:`relative_weights`, and more than 12 drivers.

    Examples
    --------
    >>> d = pd.DataFrame({"a": [1.0, -1, 1, -1], "b": [1.0, 1, -1, -1]})
    >>> d["y"] = 2 * d["a"] + d["b"]
    >>> shapley_r2(d, outcome="y", drivers=["a", "b"], n_boot=0)["weight"].round(6).tolist()
    [80.0, 20.0]
    """
    if len(drivers) > 12:
        raise ParameterError(
            f"shapley_r2: {len(drivers)} drivers need 2^{len(drivers)} regressions; use relative_weights"
        )
    return _decompose(df, outcome, drivers, n_boot, ci, seed, _shapley_from_corr, "shapley_r2")


@fill
def driver_correlations(
    df: pd.DataFrame,
    *,
    outcome: str,
    drivers: Sequence[str],
    method: str = "pearson",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Correlation of each driver with the outcome (pairwise complete rows) with its CI and
    p-value, computed by :func:`pingouin.corr`.

    Parameters
    ----------
    {{df}}
    outcome : str
        Column of the outcome.
    drivers : sequence of str
        Columns of the rated attributes.
    method : {"pearson", "spearman"}
        Correlation coefficient.
    {{ci}}

    Returns
    -------
    DataFrame
        One row per driver, largest ``r`` first: ``driver``, ``n``, ``r``, ``ci_low``,
        ``ci_high``, ``p_value``.

    Raises
    ------
    ParameterError
        ``method`` is not "pearson" or "spearman", or ``ci`` is outside (0, 1).

    Examples
    --------
    >>> d = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 1, 4, 3, 5], "y": [1, 2, 3, 4, 5]})
    >>> driver_correlations(d, outcome="y", drivers=["a", "b"])[["driver", "r"]].values.tolist()
    [['a', 1.0], ['b', 0.8]]
    """
    import pingouin as pg

    func = "driver_correlations"
    check_frame(df, func)
    check_choice(method, "method", ("pearson", "spearman"), func)
    check_level(ci, func)

    rows = []
    for d in drivers:
        pair = df[[d, outcome]].apply(pd.to_numeric, errors="coerce").dropna()
        res = pg.corr(pair[d], pair[outcome], method=method, alternative="two-sided", confidence=ci)
        ci_col = next(
            c for c in res.columns if str(c).startswith("CI")
        )  # "CI95" (or "CI95%" in older pingouin)
        lo, hi = res[ci_col].iloc[0]
        p_col = "p_val" if "p_val" in res else "p-val"
        rows.append(
            {
                "driver": d,
                "n": int(res["n"].iloc[0]),
                "r": float(res["r"].iloc[0]),
                "ci_low": float(lo),
                "ci_high": float(hi),
                "p_value": float(res[p_col].iloc[0]),
            }
        )
    return pd.DataFrame(rows).sort_values("r", ascending=False).reset_index(drop=True)


@fill
def importance_performance(
    df: pd.DataFrame,
    *,
    outcome: str,
    drivers: Sequence[str],
    method: str = "shapley",
    by: str | None = None,
    n_boot: int = 200,
    seed: int = 0,
    min_n: int = 30,
) -> pd.DataFrame:
    """Importance (share of R², %) against performance (mean rating) per driver, with a quadrant.

    Quadrants split at the average importance (100/p %) and the average performance of the
    drivers:
    high importance and low performance is "fix first"; high/high "maintain strength";
    low/low "monitor"; low importance, high performance "lower priority". With ``by`` the
    analysis runs per group (e.g. segment); a group with fewer than ``min_n`` complete
    responses, or whose ratings do not vary, is listed with its reason in ``quadrant`` and no
    weights rather than a noisy or undefined decomposition.

    Parameters
    ----------
    {{df}}
    outcome : str
        Column of the outcome.
    drivers : sequence of str
        Columns of the rated attributes.
    method : {"shapley", "relative_weights"}
        Importance measure: :func:`shapley_r2` or :func:`relative_weights`.
    by : str or None
        One analysis per value of this column; ``None``: one for the whole table.
    {{n_boot}}
    {{seed}}
    {{min_n}}
        Here: complete responses a group needs to be analysed.

    Returns
    -------
    DataFrame
        The columns of the importance table (``weight`` in %), ``performance`` and
        ``quadrant``; with ``by``, the group column first.

    Raises
    ------
    ParameterError
        Unknown ``method``, or (without ``by``) any error of the importance function.

    Examples
    --------
    >>> d = pd.DataFrame({"a": [1.0, -1, 1, -1], "b": [1.0, 1, -1, -1]})
    >>> d["y"] = 2 * d["a"] + d["b"]
    >>> r = importance_performance(d, outcome="y", drivers=["a", "b"], n_boot=0)
    >>> r[["driver", "quadrant"]].values.tolist()   # a: 80 % >= 50 %, mean 0 >= mean 0
    [['a', 'maintain strength'], ['b', 'lower priority']]
    """
    fn = {"shapley": shapley_r2, "relative_weights": relative_weights}.get(method)
    if fn is None:
        raise ParameterError(f"method must be 'shapley' or 'relative_weights', got {method!r}")
    groups = [(None, df)] if by is None else list(df.groupby(by, sort=True))
    frames = []
    for key, part in groups:
        perf = part[list(drivers)].apply(pd.to_numeric, errors="coerce").mean()
        complete = int(
            part[[*drivers, outcome]]
            .apply(pd.to_numeric, errors="coerce")
            .notna()
            .all(axis=1)
            .sum()
        )
        try:
            if by is not None and complete < min_n:
                raise ParameterError(f"n<{min_n}: {complete} complete responses")
            imp = fn(part, outcome=outcome, drivers=drivers, n_boot=n_boot, seed=seed)
        except ParameterError as exc:
            if by is None:
                raise
            # the columns of an analysed group, empty, so that a table of groups that are all
            # too small has them too
            bounds = ["ci_low", "ci_high"] if n_boot else []
            imp = pd.DataFrame(
                {"driver": list(drivers)}
                | dict.fromkeys(["raw_weight", "weight", *bounds, "rank", "r2"], np.nan)
                | {"n_used": complete, "n_dropped": np.nan}
            )
            imp["performance"] = imp["driver"].map(perf)
            imp["quadrant"] = str(exc).removeprefix("driver analysis: ")
            imp.insert(0, by, key)
            frames.append(imp)
            continue
        imp["performance"] = imp["driver"].map(perf)
        hi_imp = imp["weight"] >= 100 / len(drivers)
        hi_perf = imp["performance"] >= imp["performance"].mean()
        imp["quadrant"] = [QUADRANTS[(a, b)] for a, b in zip(hi_imp, hi_perf, strict=True)]
        if by is not None:
            imp.insert(0, by, key)
        frames.append(imp)
    return pd.concat(frames, ignore_index=True)


def performance_label(scales: Mapping[str, tuple[float, float]] | None) -> str:
    """What the ``performance`` of :func:`importance_performance` measures, for an axis label
    or a caption.

    Parameters
    ----------
    scales : mapping or None
        The second value :func:`cxm_lab.brief.comparable_ratings` returns: column →
        (lowest, highest) answer when the drivers use different scales and their ratings were
        converted to a percentage of each scale's range; None when they share one scale.

    Returns
    -------
    str
        "mean rating", or "mean rating, % of its scale's range" (``scales`` given), lower
        case to go inside a sentence or parentheses.

    Examples
    --------
    >>> performance_label(None)
    'mean rating'
    >>> performance_label({"ease": (1.0, 5.0), "recommend": (0.0, 10.0)})
    "mean rating, % of its scale's range"
    """
    return "mean rating, % of its scale's range" if scales else "mean rating"


def scale_note(
    scales: Mapping[str, tuple[float, float]] | None, *, labels: Mapping[str, str] | None = None
) -> str:
    """The sentence that says which scale each driver uses and how they were compared; "" when
    they share one scale.

    Parameters
    ----------
    scales : mapping or None
        As :func:`performance_label`.
    labels : mapping, optional
        Column → display label of the drivers (default: the column names).

    Returns
    -------
    str
        Plain text (driver labels inserted as they are: the caller escapes it, e.g. through
        :func:`cxm_lab.report.callout`).

    Examples
    --------
    >>> scale_note({"ease": (1.0, 5.0), "rec": (0.0, 10.0)}, labels={"ease": "Ease", "rec": "Recommend"})
    "The drivers use different scales (Ease 1–5, Recommend 0–10), so performance is each mean rating as a percentage of its scale's range (0% = the lowest possible answer, 100% = the highest)."
    >>> scale_note(None)
    ''
    """
    if not scales:
        return ""
    named = ", ".join(f"{(labels or {}).get(c, c)} {scale_text(s)}" for c, s in scales.items())
    return (
        f"The drivers use different scales ({named}), so performance is each mean rating as a "
        "percentage of its scale's range (0% = the lowest possible answer, 100% = the highest)."
    )


def _separate_labels(ax: Axes, labels: list, *, fixed: Sequence = (), tries: int = 12) -> None:
    """Move point labels (annotations in offset points) down, one line at a time, until none
    overlaps a label placed before it or a ``fixed`` text (the quadrant names): two drivers
    with close ratings and importance would otherwise print over each other."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    placed = [t.get_window_extent(renderer) for t in fixed]
    order = sorted(labels, key=lambda a: -a.xy[1])  # the most important first
    for ann in order:
        box = ann.get_window_extent(renderer)
        line = box.height * 72 / fig.dpi + 1  # one text line, in points
        dx, dy = ann.xyann
        for k in range(1, tries + 1):
            if not any(box.overlaps(b) for b in placed):
                break
            ann.xyann = (dx, dy - k * line)
            box = ann.get_window_extent(renderer)
        placed.append(box)


def plot_importance_performance(
    data: pd.DataFrame,
    *,
    importance: str = "weight",
    performance: str = "performance",
    label: str = "driver",
    title: str | None = None,
    xlabel: str = "Performance (mean rating)",
    ax: Axes | None = None,
) -> Axes:
    """Quadrant chart of importance (share of R², %, with CI whiskers when present) against
    performance (mean rating).

    The dashed lines are the average importance (100/p %) and the drivers' average
    performance, where :func:`importance_performance` splits its quadrants; when the ratings
    were put on one basis first (:func:`cxm_lab.brief.comparable_ratings`), say so in
    ``xlabel`` (:func:`performance_label`).

    Parameters
    ----------
    data : DataFrame
        Output of :func:`importance_performance` (one group).
    importance, performance, label : str
        Columns of the importance (%), the performance and the point labels.
    title : str, optional
        Chart title.
    xlabel : str
        Label of the performance axis (notebook text, e.g.
        ``f"Performance ({performance_label(scales)})"``).
    ax : Axes, optional
        Axes to draw on (default: a new figure).

    Returns
    -------
    Axes
        The chart.

    Examples
    --------
    >>> t = pd.DataFrame({"driver": ["a", "b"], "weight": [80.0, 20.0],
    ...                   "performance": [3.0, 4.0]})
    >>> plot_importance_performance(t).get_ylabel()
    'Importance (% of explained variance)'
    >>> plot_importance_performance(t, xlabel="Performance (mean rating, % of its scale's range)").get_xlabel()
    "Performance (mean rating, % of its scale's range)"
    """
    import matplotlib.pyplot as plt

    from cxm_lab.plots import chart_label

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    x = data[performance].to_numpy()
    y = data[importance].to_numpy()
    if {"ci_low", "ci_high"} <= set(data.columns):
        ax.errorbar(
            x,
            y,
            yerr=[y - data["ci_low"], data["ci_high"] - y],
            fmt="none",
            ecolor="#9e9e9e",
            lw=1,
        )
    fix = (
        (data.get("quadrant") == "fix first").to_numpy()
        if "quadrant" in data
        else np.zeros(len(data), bool)
    )
    ax.scatter(x, y, s=60, color=np.where(fix, "#d1495b", "#00798c"), zorder=3)
    names = [
        ax.annotate(
            chart_label(name), (xi, yi), textcoords="offset points", xytext=(6, 4), fontsize=9
        )
        for xi, yi, name in zip(x, y, data[label], strict=True)
    ]
    ax.axhline(100 / len(data), color="grey", ls="--", lw=0.8)
    ax.axvline(x.mean(), color="grey", ls="--", lw=0.8)
    corners = [
        ax.text(
            0.01, 0.98, "fix first", transform=ax.transAxes, va="top", color="#d1495b", fontsize=9
        ),
        ax.text(
            0.99,
            0.98,
            "maintain strength",
            transform=ax.transAxes,
            va="top",
            ha="right",
            color="#00798c",
            fontsize=9,
        ),
    ]
    _separate_labels(ax, names, fixed=corners)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Importance (% of explained variance)")
    ax.set_title(title or "Importance vs performance of NPS drivers (95% bootstrap CI)")
    return ax
