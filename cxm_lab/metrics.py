"""CX metrics with honest uncertainty: NPS, eNPS, CSAT and CES.

All functions take a tidy DataFrame of responses, column names as arguments, optional grouping
columns ``by`` and optional survey weights, and return one tidy row per group with ``n``, the
estimate and its confidence interval. Grouping is vectorised: the answers are tallied per
(group, answer) pair with one ``np.bincount`` per block of rows (O(n), no sort), and every
figure is computed from that small tally, so millions of responses take well under a second.

:func:`nps`, :func:`enps`, :func:`csat` and :func:`ces` also take a Parquet file, a folder of
Parquet files or a DuckDB relation in place of the DataFrame: DuckDB makes the same tally
(:mod:`cxm_lab.columnar`) without loading the rows, and the same code finishes it, so the two
routes give the same table (equal to the last bit without weights; weighted sums may add in
another order). See ``docs/SCALING.md``.

Formulas (see ``../shared/docs/DOMAIN.md``)
-------------------------------------------
NPS = 100 (P − D) / n with P promoters (9–10) and D detractors (0–6). With p_P = P/n and
p_D = D/n, Var(NPS/100) = [p_P + p_D − (p_P − p_D)²] / n (multinomial), CI = NPS ± z·100·SE.
Adjusted Wald (Rocks 2016): n' = n + 3, P' = (P + 3/4)/n', D' = (D + 3/4)/n', interval centred
on P' − D'. Weighted: weighted proportions and Kish's effective n = (Σw)² / Σw².

Every formula (net score, Wilson, t, bootstrap, two-sample z-test) is computed by
:mod:`cxm_lab.stats`; this module groups the responses, calls it and scales shares to
percentages (0–100) for its result tables.

Input checks
------------
Every public function checks its inputs before computing, with the check helpers of
:mod:`cxm_lab.errors`, and raises :class:`~cxm_lab.errors.ParameterError` (or its subclass
:class:`~cxm_lab.errors.ColumnError` for a column not in the table) with one message style,
``"<function>: <argument or column> <problem>; <how to fix>."``:

- score columns hold numbers (numpy or nullable ``Int64``/``Float64``, or an object column of
  Python numbers); text is rejected with a count and examples (convert with ``pd.to_numeric``
  or read the file through :mod:`cxm_lab.io`, which reports bad rows), yes/no (boolean)
  columns are rejected, answers must lie on the scale (NPS/eNPS 0–10 whole numbers; CSAT and
  CES within ``scale``); the first offending row label and value are named;
- missing answers (NaN / NA / None) are "not answered": excluded, not counted in ``n``;
- weights are finite and >= 0 on every answered row (a missing weight there is an error);
- ``ci`` lies strictly between 0 and 1, ``n_boot`` is a whole number >= 0, ``min_n`` a
  whole number >= 1, and named columns (``by``, ``period``, ``date``...) exist.

References
----------
Rocks, B. (2016). Interval estimation for the "net promoter score". The American
Statistician 70(4), 365–372.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxm_lab import columnar, stats
from cxm_lab.docstrings import fill
from cxm_lab.errors import (
    as_list,
    check_by,
    check_choice,
    check_columns,
    check_counts,
    check_frame,
    check_int,
    check_level,
    check_numeric,
    check_score,
    check_weights,
    fail,
    is_real,
    row_label,
)

__all__ = [
    "NPS_CATEGORIES",
    "attainment",
    "ces",
    "compare_nps",
    "csat",
    "enps",
    "nps",
    "nps_category",
    "nps_change",
    "response_rates",
    "rolling_nps",
]

#: The NPS categories in order (codes −1, 0, +1 of :func:`cxm_lab.stats.nps_codes`).
NPS_CATEGORIES: tuple[str, str, str] = ("detractor", "passive", "promoter")


def nps_category(score: pd.Series) -> pd.Series:
    """Classify 0–10 likelihood-to-recommend scores as detractor (0–6), passive (7–8) or
    promoter (9–10).

    The rule is :func:`cxm_lab.stats.nps_codes` (the one place it is written). Missing scores
    stay missing.

    Parameters
    ----------
    score : Series
        0–10 answers (numbers; missing allowed).

    Returns
    -------
    Series
        Ordered categorical (:data:`NPS_CATEGORIES`) aligned with ``score``, named
        ``nps_category``.

    Examples
    --------
    >>> nps_category(pd.Series([0, 6, 7, 8, 9, 10])).tolist()
    ['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']
    """
    values = (
        pd.to_numeric(score, errors="raise")
        .astype("Float64")
        .to_numpy(dtype=float, na_value=np.nan)
    )
    codes = stats.nps_codes(np.where(values >= 0, values, np.nan))  # below 0: no category
    # Codes -1/0/+1 -> category positions 0/1/2; missing -> -1 (pandas' missing code).
    cat = np.where(np.isnan(codes), -1, codes + 1).astype(np.int8)
    return pd.Series(
        pd.Categorical.from_codes(cat, categories=list(NPS_CATEGORIES), ordered=True),
        index=score.index,
        name="nps_category",
    )


def _check_common(
    df: pd.DataFrame,
    func: str,
    by: str | Sequence[str] | None,
    ci: float,
    min_n: int,
    *,
    files: bool = False,
) -> tuple[list[str], float, int]:
    """The checks every grouped metric shares: the table, ``by``, ``ci`` and ``min_n``.

    A file or DuckDB relation (:func:`cxm_lab.columnar.is_source`) is checked by
    :mod:`cxm_lab.columnar` when it is read (its columns are not known before).
    """
    source = files and columnar.is_source(df)
    if not source:
        check_frame(df, func)
    z = stats.z_value(check_level(ci, func))
    min_n = check_int(
        min_n, "min_n", func, 1, "pass the smallest group size reported without a flag, e.g. 30"
    )
    return (as_list(by) if source else check_by(df, by, func)), z, min_n


# --------------------------------------------------------------------------- grouping helpers


def _column_codes(df: pd.DataFrame, by: list[str]) -> tuple[list[np.ndarray], list[pd.Index]]:
    """Per group column: an integer code per row and the sorted values (NaN kept, last)."""
    codes_list, uniques_list = [], []
    for col in by:
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            codes = s.array.codes  # int8/int16, no copy
            uniques = pd.Index(s.cat.categories)
            if len(codes) and codes.min() < 0:  # missing values form their own group
                codes = np.where(codes < 0, len(uniques), codes.astype(np.int64))
                uniques = uniques.append(pd.Index([pd.NA]))
        else:
            codes, uniques = pd.factorize(s, sort=True, use_na_sentinel=False)
        codes_list.append(codes)
        uniques_list.append(uniques)
    return codes_list, uniques_list


def _key_frame(
    uniques_list: list[pd.Index], by: list[str], present: np.ndarray, shape: tuple[int, ...]
) -> pd.DataFrame:
    """The group keys of the flat (C-order) positions ``present`` of a key space ``shape``."""
    keys = np.unravel_index(present, shape)
    return pd.DataFrame({col: uniques_list[i][keys[i]] for i, col in enumerate(by)})


def _dense(shape: tuple[int, ...], n: int, bins: int = 1) -> bool:
    """Whether counting every possible key (times ``bins``) is cheap next to ``n`` rows."""
    return int(np.prod(shape, dtype=float)) * bins <= 4 * n + 1_000_000


def _group_codes(df: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer group code per row and the table of group keys (sorted, NaN groups kept)."""
    if not by:
        return np.zeros(len(df), dtype=np.int64), pd.DataFrame(index=[0])
    codes_list, uniques_list = _column_codes(df, by)
    shape = tuple(len(u) for u in uniques_list)
    if _dense(shape, len(df)):
        # Dense path (no sort): count every possible key, keep those present, map to 0..g-1.
        flat = _flat_keys(codes_list, shape, 0, len(df))
        total = int(np.prod(shape))
        present = np.flatnonzero(np.bincount(flat, minlength=total))
        lookup = np.empty(total, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        inverse = lookup[flat]
    else:
        flat = np.ravel_multi_index(codes_list, shape) if len(by) > 1 else codes_list[0]
        present, inverse = np.unique(flat, return_inverse=True)
    return inverse.astype(np.int64, copy=False), _key_frame(uniques_list, by, present, shape)


def _flat_keys(codes_list: list[np.ndarray], shape: tuple[int, ...], a: int, b: int) -> np.ndarray:
    """Rows ``a:b``' position in the key space ``shape`` (C order), as ``intp``."""
    if not codes_list:
        return np.zeros(b - a, dtype=np.intp)
    key = codes_list[0][a:b].astype(np.intp)
    for codes, size in zip(codes_list[1:], shape[1:], strict=True):
        key *= size
        key += codes[a:b]
    return key


# Rows per block of the histogram: a block's keys stay in the CPU cache (measured fastest
# on 10M rows among 16k, 64k and 256k).
_BLOCK = 1 << 16


@dataclass(frozen=True)
class _Cells:
    """Answers tallied per (group, answer value): what every metric table is computed from.

    ``keys`` has one row per group (sorted, NaN groups kept); ``group`` gives each cell's
    row in ``keys``; ``value`` its answer; ``n`` its rows; ``sw``/``sww`` its Σw and Σw²
    (``None`` without weights). Cells of unanswered rows are left out.
    """

    keys: pd.DataFrame
    group: np.ndarray
    value: np.ndarray
    n: np.ndarray
    sw: np.ndarray | None
    sww: np.ndarray | None


def _frame_cells(
    df: pd.DataFrame,
    score: str,
    by: list[str],
    weight: str | None,
    lo: float,
    hi: float,
    whole: bool,
    func: str,
) -> _Cells:
    """The cells of a DataFrame, checked as the house checks scores and weights.

    Whole-number answers (the usual case) are tallied with one ``np.bincount`` of
    (group key, answer) per block of rows: O(n), no sort, no float copy of an integer column.
    Other answers (averaged items...) are tallied by sorting the distinct (group, answer)
    pairs.
    """
    check_columns(df, [score], func, "score column")
    x = _on_scale(df[score], lo, hi)
    if x is None:  # off the scale, not numbers...: the house check says what is wrong
        x = check_score(df, score, func, lo, hi, whole=whole)
    raw = x if x.dtype.kind in "iu" else None  # integers: no float copy, nothing missing
    valid = None if raw is not None else ~np.isnan(x)
    w = None if weight is None else check_weights(df, weight, _all(valid, len(df)), func)
    base = float(np.floor(lo))
    bins = int(np.floor(hi) - base) + 2  # answers lo..hi, and a last bin for "no answer"
    codes_list, uniques_list = _column_codes(df, by)
    shape = tuple(len(u) for u in uniques_list)
    keys = None
    if not _dense(shape, len(df), bins):
        inverse, keys = _group_codes(df, by)
        codes_list, shape = [inverse], (len(keys),)
    tally = _tally(codes_list, shape, x, raw is not None, base, bins, w) if bins <= 1_000 else None
    if tally is None:
        if whole:  # an answer that is not a whole number: the house check names it
            check_score(df, score, func, lo, hi, whole=whole)
        return _sorted_cells(df, by, x, _all(valid, len(df)), w)
    counts, sw, sww = tally
    counts = counts.reshape(-1, bins)
    if keys is not None:
        present = np.arange(len(keys))  # every group of _group_codes is present
    elif by:
        present = np.flatnonzero(counts.sum(axis=1))
        keys = _key_frame(uniques_list, by, present, shape)
    else:
        present, keys = np.zeros(1, dtype=np.int64), pd.DataFrame(index=[0])
    answered = counts[present, : bins - 1]
    group, pos = np.nonzero(answered)
    flat = present[group] * bins + pos
    return _Cells(
        keys,
        group.astype(np.int64),
        base + pos.astype(float),
        answered[group, pos],
        None if sw is None else sw[flat],
        None if sww is None else sww[flat],
    )


def _on_scale(s: pd.Series, lo: float, hi: float) -> np.ndarray | None:
    """The answers of a plain numpy number column when all lie within ``lo``..``hi`` (NaN
    allowed: not answered), found with one min and one max; ``None`` otherwise."""
    if not (isinstance(s.dtype, np.dtype) and s.dtype.kind in "iuf" and len(s)):
        return None
    x = s.to_numpy()
    if x.dtype.kind == "f":
        low, high = np.fmin.reduce(x), np.fmax.reduce(x)  # NaN left aside
        return x if np.isnan(low) or (lo <= low and high <= hi) else None
    return x if lo <= x.min() and x.max() <= hi else None


def _tally(
    codes_list: list[np.ndarray],
    shape: tuple[int, ...],
    x: np.ndarray,
    integer: bool,
    base: float,
    bins: int,
    w: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None] | None:
    """Rows (and Σw, Σw²) of every (group key, answer − base) pair, block by block; the last
    bin holds the unanswered rows. ``None`` when a float answer is not a whole number."""
    total = int(np.prod(shape)) * bins
    counts = np.zeros(total, dtype=np.int64)
    sw = None if w is None else np.zeros(total)
    sww = None if w is None else np.zeros(total)
    step = max(_BLOCK, total)
    for a in range(0, len(x), step):
        b = min(len(x), a + step)
        key = _flat_keys(codes_list, shape, a, b)
        key *= bins
        if integer:
            key += x[a:b]
        else:
            xb = np.where(np.isnan(x[a:b]), bins - 1 + base, x[a:b])
            xi = xb.astype(np.intp)
            if not np.array_equal(xi, xb):
                return None
            key += xi
        if base:
            key -= int(base)
        counts += np.bincount(key, minlength=total)
        if w is not None:
            wb = w[a:b]
            sw += np.bincount(key, weights=wb, minlength=total)  # type: ignore[operator]
            sww += np.bincount(key, weights=wb * wb, minlength=total)  # type: ignore[operator]
    return counts, sw, sww


def _sorted_cells(
    df: pd.DataFrame, by: list[str], x: np.ndarray, v: np.ndarray, w: np.ndarray | None
) -> _Cells:
    """Cells of the distinct (group, answer) pairs of the answered rows ``v``, by sorting."""
    codes, keys = _group_codes(df, by)
    vals, vcodes = np.unique(x[v], return_inverse=True)
    k = max(len(vals), 1)
    pairs, inverse = np.unique(codes[v] * k + vcodes, return_inverse=True)
    sums = None if w is None else [np.bincount(inverse, weights=u) for u in (w[v], w[v] ** 2)]
    return _Cells(
        keys,
        pairs // k,
        vals[pairs % k].astype(float),
        np.bincount(inverse, minlength=len(pairs)),
        None if sums is None else sums[0],
        None if sums is None else sums[1],
    )


def _all(valid: np.ndarray | None, n: int) -> np.ndarray:
    """``valid``, or all True when every row is answered."""
    return np.ones(n, dtype=bool) if valid is None else valid


def _source_cells(
    source: object,
    score: str,
    by: list[str],
    weight: str | None,
    lo: float,
    hi: float,
    whole: bool,
    func: str,
) -> _Cells:
    """The cells of a Parquet file, dataset or DuckDB relation (tallied by DuckDB)."""
    h = columnar.score_histogram(
        source, score=score, by=by, weight=weight, scale=(lo, hi), whole=whole, func=func
    )
    codes, keys = _group_codes(h.keys, by)
    if not by and not len(h.n):
        codes = np.zeros(0, dtype=np.int64)
    v = np.flatnonzero(~np.isnan(h.value))
    # Cells in the in-memory route's order (group, then answer): the same sums in the same
    # order give the same floats.
    v = v[np.lexsort((h.value[v], codes[v]))]
    return _Cells(
        keys,
        codes[v],
        h.value[v],
        h.n[v],
        None if h.sw is None else h.sw[v],
        None if h.sww is None else h.sww[v],
    )


def _cells(
    df: object,
    score: str,
    by: list[str],
    weight: str | None,
    lo: float,
    hi: float,
    whole: bool,
    func: str,
) -> _Cells:
    """Cells of a DataFrame (in memory) or of a file / relation (:mod:`cxm_lab.columnar`)."""
    if columnar.is_source(df):
        return _source_cells(df, score, by, weight, lo, hi, whole, func)
    return _frame_cells(df, score, by, weight, lo, hi, whole, func)  # type: ignore[arg-type]


def _sums(cells: _Cells, values: np.ndarray | None = None, *, weighted: bool) -> np.ndarray:
    """Per group: Σ over its cells of (rows, or Σw when ``weighted``) × ``values``."""
    base = cells.sw if weighted else cells.n.astype(float)
    return np.bincount(
        cells.group, weights=base if values is None else base * values, minlength=len(cells.keys)
    )


def _kish(cells: _Cells) -> np.ndarray:
    """Kish's effective n per group from the cells' sums of w and w²."""
    return stats.kish_n_from_sums(
        _sums(cells, weighted=True),
        np.bincount(cells.group, weights=cells.sww, minlength=len(cells.keys)),
    )


# --------------------------------------------------------------------------- NPS


@fill
def nps(
    df: pd.DataFrame | columnar.Source,
    *,
    score: str = "ltr",
    by: str | Sequence[str] | None = None,
    weight: str | None = None,
    ci: float = 0.95,
    method: str = "wald",
    n_boot: int = 0,
    min_n: int = 30,
    seed: int = 0,
) -> pd.DataFrame:
    """Net Promoter Score per group with confidence intervals.

    Parameters
    ----------
    df : DataFrame, path, list of paths or duckdb.DuckDBPyRelation
        Tidy table, one row per response. Or, for tables larger than memory, a Parquet file
        (``str`` or ``Path``), a folder of Parquet files (a dataset, hive ``key=value/``
        folders included), a glob, a list of those, or a DuckDB relation: DuckDB reads only
        the named columns and tallies (group, answer) pairs, so the rows never come into
        pandas (:mod:`cxm_lab.columnar`); the table is the one the DataFrame route gives.
    {{score}}
    {{by}}
    {{weight}}
    {{ci}}
    method : {"wald", "adjusted_wald"}
        Analytic interval: multinomial Wald, or Rocks' (2016) adjusted Wald (better for small n).
    {{n_boot}}
        Here: resamples of a percentile interval (``boot_low``, ``boot_high``). Resampling n
        responses with replacement is drawing category counts from a multinomial with the
        observed shares, which is what is done (exact and vectorised,
        :func:`cxm_lab.stats.bootstrap_net_score`).
    {{min_n}}
    {{seed}}

    Returns
    -------
    DataFrame
        Group columns, ``n``, ``promoters``, ``passives``, ``detractors``, ``pct_promoters``,
        ``pct_passives``, ``pct_detractors``, ``nps``, ``se``, ``ci_low``, ``ci_high`` (NPS
        points, −100..100), ``n_eff`` (when weighted), ``boot_low``/``boot_high`` (when
        ``n_boot`` > 0), ``small_n``.

    Raises
    ------
    ParameterError
        A score column that is not numbers (text, yes/no), a score outside 0–10 or not a whole
        number, a missing, negative or infinite weight on an answered row, ``ci`` outside
        (0, 1), ``n_boot`` < 0, ``min_n`` < 1, an unknown ``method`` or a missing column
        (see "Input checks" in the module docstring).

    Notes
    -----
    NPS = 100 (p_P − p_D); SE = 100 √[(p_P + p_D − (p_P − p_D)²) / n] (multinomial; n_eff when
    weighted); Wald CI = NPS ± z SE, clipped to [−100, 100]. Adjusted Wald: add 3/4 promoter
    and 3/4 detractor (and 3/2 passive) to the counts, n' = n + 3, and centre the interval on
    the adjusted difference; the reported ``nps`` stays the plain estimate. All computed by
    :func:`cxm_lab.stats.net_score`.

    References
    ----------
    Reichheld, F. (2003). The one number you need to grow. Harvard Business Review 81(12).
    Rocks, B. (2016). Interval estimation for the "net promoter score". The American
    Statistician 70(4), 365–372.
    Kish, L. (1965). Survey Sampling. Wiley (effective sample size).

    Examples
    --------
    >>> d = pd.DataFrame({"ltr": [10, 9, 8, 7, 6, 0]})
    >>> round(float(nps(d)["nps"].iloc[0]), 2)   # (2 - 2) / 6
    0.0
    >>> row = nps(pd.DataFrame({"ltr": [10] * 5 + [8] * 3 + [2] * 2})).iloc[0]
    >>> float(row["nps"]), round(float(row["se"]), 2)   # 100 √[(0.5 + 0.2 − 0.09) / 10]
    (30.0, 24.7)

    The same from a Parquet file (or a folder of them, or a DuckDB relation):

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "responses.parquet"
    >>> pd.DataFrame({"ltr": [10] * 5 + [8] * 3 + [2] * 2}).to_parquet(path)
    >>> float(nps(path)["nps"].iloc[0])
    30.0
    """
    return _nps_table(df, score, by, weight, ci, method, n_boot, min_n, seed, "nps")


def _nps_table(
    df: pd.DataFrame | columnar.Source,
    score: str,
    by: str | Sequence[str] | None,
    weight: str | None,
    ci: float,
    method: str,
    n_boot: int,
    min_n: int,
    seed: int,
    func: str,
) -> pd.DataFrame:
    """:func:`nps` with every input checked first; ``func`` names the public caller in errors."""
    by, _, min_n = _check_common(df, func, by, ci, min_n, files=True)
    check_choice(method, "method", ("wald", "adjusted_wald"), func)
    n_boot = check_int(
        n_boot,
        "n_boot",
        func,
        0,
        "pass 0 to skip the bootstrap interval, or a number of resamples such as 1000",
    )
    cells = _cells(df, score, by, weight, 0, 10, True, func)
    # The NPS rule (stats.nps_codes) applied to the cells' answers: -1, 0, +1 per cell.
    code = stats.nps_codes(cells.value)
    counts = [_sums(cells, code == c, weighted=False) for c in (1, -1)]
    n_p, n_d = (c.astype(np.int64) for c in counts)
    n = _sums(cells, weighted=False).astype(np.int64)
    if weight is None:
        n_eff = n.astype(float)
        r = stats.net_score(n_p, n_d, n_eff, ci=ci, method=method)
    else:
        sw = _sums(cells, weighted=True)
        n_eff = _kish(cells)
        wp, wd = (_sums(cells, code == c, weighted=True) for c in (1, -1))
        r = stats.net_score(wp, wd, sw, n_eff=n_eff, ci=ci, method=method)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_p, p_d = (n_p / n, n_d / n) if weight is None else (wp / sw, wd / sw)
    keys = cells.keys
    out = keys.copy()
    out["n"] = n
    out["promoters"] = n_p
    out["passives"] = n - n_p - n_d
    out["detractors"] = n_d
    out["pct_promoters"] = 100 * p_p
    out["pct_passives"] = 100 * (1 - p_p - p_d)
    out["pct_detractors"] = 100 * p_d
    out["nps"] = 100 * r.estimate
    out["se"] = 100 * r.se
    out["ci_low"] = 100 * r.low
    out["ci_high"] = 100 * r.high
    if weight is not None:
        out["n_eff"] = n_eff
    if n_boot:
        blo, bhi = stats.bootstrap_net_score(p_p, p_d, n_eff, n_boot=n_boot, ci=ci, seed=seed)
        out["boot_low"], out["boot_high"] = 100 * blo, 100 * bhi
    out["small_n"] = n < min_n
    return out


@fill
def enps(
    df: pd.DataFrame | columnar.Source,
    *,
    score: str = "enps",
    by: str | Sequence[str] | None = None,
    weight: str | None = None,
    ci: float = 0.95,
    method: str = "wald",
    n_boot: int = 0,
    min_n: int = 30,
    seed: int = 0,
) -> pd.DataFrame:
    """Employee NPS: :func:`nps` on employees' 0–10 answers to "How likely are you to recommend
    this company as a place to work?" (same arguments, same checks, same output columns).

    eNPS = 100 (P − D) / n with promoters 9–10 and detractors 0–6, multinomial Wald interval
    as in :func:`nps` (Reichheld 2003 scoring applied to employees).

    Parameters
    ----------
    df : DataFrame, path, list of paths or duckdb.DuckDBPyRelation
        Tidy table, one row per response. Or, for tables larger than memory, a Parquet file
        (``str`` or ``Path``), a folder of Parquet files (a dataset, hive ``key=value/``
        folders included), a glob, a list of those, or a DuckDB relation: DuckDB reads only
        the named columns and tallies (group, answer) pairs, so the rows never come into
        pandas (:mod:`cxm_lab.columnar`); the table is the one the DataFrame route gives.
    {{score}}
    {{by}}
    {{weight}}
    {{ci}}
    method : {"wald", "adjusted_wald"}
        Analytic interval, as in :func:`nps`.
    {{n_boot}}
    {{min_n}}
    {{seed}}

    Returns
    -------
    DataFrame
        The columns of :func:`nps` (the score column is still called ``nps``).

    Raises
    ------
    ParameterError
        As :func:`nps`.

    Examples
    --------
    >>> e = pd.DataFrame({"enps": [10, 9, 0, 7], "quarter": ["2026Q3"] * 4})
    >>> float(enps(e, by="quarter")["nps"].iloc[0])   # (2 - 1) / 4
    25.0
    """
    return _nps_table(df, score, by, weight, ci, method, n_boot, min_n, seed, "enps")


# --------------------------------------------------------------------------- CSAT / CES


def _check_scale(scale: tuple[int, int], top_box: float, func: str) -> tuple[float, float]:
    """``scale`` is (lowest, highest) possible answer and ``top_box`` lies within it."""
    ok = (
        isinstance(scale, Sequence)
        and not isinstance(scale, str)
        and len(scale) == 2
        and all(is_real(v) and np.isfinite(float(v)) for v in scale)
        and float(scale[0]) < float(scale[1])
    )
    if not ok:
        fail(
            func,
            "scale",
            f"must be (lowest, highest) possible answer with lowest < highest, got {scale!r}",
            "pass e.g. scale=(1, 5)",
        )
    lo, hi = float(scale[0]), float(scale[1])
    if not (is_real(top_box) and lo <= float(top_box) <= hi):
        fail(
            func,
            "top_box",
            f"must be an answer within the scale {lo:g}..{hi:g}, got {top_box!r}",
            "pass the smallest answer that counts as the top box, e.g. top_box=4 on 1–5",
        )
    return lo, hi


def _share_and_mean(
    df: pd.DataFrame | columnar.Source,
    score: str,
    scale: tuple[int, int],
    threshold: float,
    by: str | Sequence[str] | None,
    weight: str | None,
    ci: float,
    min_n: int,
    share_name: str,
    mean_name: str,
    func: str,
) -> pd.DataFrame:
    by, _, min_n = _check_common(df, func, by, ci, min_n, files=True)
    lo, hi = _check_scale(scale, threshold, func)
    cells = _cells(df, score, by, weight, lo, hi, False, func)
    keys = cells.keys
    weighted = weight is not None
    n = _sums(cells, weighted=False).astype(np.int64)
    sw = _sums(cells, weighted=weighted)
    n_eff = _kish(cells) if weighted else n.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = _sums(cells, cells.value >= threshold, weighted=weighted) / sw
        mean = _sums(cells, cells.value, weighted=weighted) / sw
        var = _sums(cells, (cells.value - mean[cells.group]) ** 2, weighted=weighted) / sw
        var = var * n_eff / (n_eff - 1)  # unbiased
    # Wilson interval of the share and t interval of the mean, with Kish's n when weighted.
    share = stats.share_interval(p * n_eff, n_eff, ci=ci)
    avg = stats.t_interval(mean, np.sqrt(var), n_eff, ci=ci)
    out = keys.copy()
    out["n"] = n
    out[share_name] = 100 * p
    out["se"] = 100 * share.se
    out["ci_low"] = 100 * share.low
    out["ci_high"] = 100 * share.high
    out[mean_name] = mean
    out["mean_se"] = avg.se
    out["mean_ci_low"] = avg.low
    out["mean_ci_high"] = avg.high
    if weight is not None:
        out["n_eff"] = n_eff
    out["small_n"] = n < min_n
    return out


@fill
def csat(
    df: pd.DataFrame | columnar.Source,
    *,
    score: str = "csat",
    by: str | Sequence[str] | None = None,
    weight: str | None = None,
    ci: float = 0.95,
    scale: tuple[int, int] = (1, 5),
    top_box: int = 4,
    min_n: int = 30,
) -> pd.DataFrame:
    """Customer satisfaction: top-box share (``csat``, %) with a Wilson interval, and the mean
    (``csat_mean``) with a t interval, each with its standard error.

    Share p = Σ w·[x ≥ top_box] / Σ w (the top-2 box on 1–5 counts 4 and 5), SE √(p(1−p)/n'),
    Wilson interval with n' (n, or Kish's n_eff = (Σw)²/Σw² when weighted):
    (p + z²/2n' ± z √(p(1−p)/n' + z²/4n'²)) / (1 + z²/n') (:func:`cxm_lab.stats.share_interval`).
    Mean m = Σ w x / Σ w, s² = Σ w (x − m)² / Σ w · n'/(n' − 1), SE s/√n', interval
    m ± t_{n'−1} SE (:func:`cxm_lab.stats.t_interval`; for unit weights the textbook t
    interval, otherwise ``DescrStatsW`` with weights scaled to sum to n_eff). Missing answers
    are not counted.

    Parameters
    ----------
    df : DataFrame, path, list of paths or duckdb.DuckDBPyRelation
        Tidy table, one row per response. Or, for tables larger than memory, a Parquet file
        (``str`` or ``Path``), a folder of Parquet files (a dataset, hive ``key=value/``
        folders included), a glob, a list of those, or a DuckDB relation: DuckDB reads only
        the named columns and tallies (group, answer) pairs, so the rows never come into
        pandas (:mod:`cxm_lab.columnar`); the table is the one the DataFrame route gives.
    {{score}}
    {{by}}
    {{weight}}
    {{ci}}
    scale : (int, int)
        Smallest and largest possible answer; values outside raise :class:`ParameterError`.
        Answers need not be whole numbers (e.g. averaged items).
    top_box : int
        Smallest answer counted as satisfied; must lie within ``scale``.
    {{min_n}}

    Returns
    -------
    DataFrame
        Group columns, ``n``, ``csat`` (%), ``se``, ``ci_low``, ``ci_high`` (of the share, in
        percentage points), ``csat_mean``, ``mean_se``, ``mean_ci_low``, ``mean_ci_high`` (on
        the answer scale), ``n_eff`` (when weighted), ``small_n``.

    Raises
    ------
    ParameterError
        As :func:`nps` (text or yes/no scores, answers outside ``scale``, bad weights, ``ci``,
        ``min_n``, missing columns), and a ``scale`` that is not (lowest, highest) or a
        ``top_box`` outside it.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22(158), 209–212.

    Examples
    --------
    >>> d = pd.DataFrame({"csat": [5, 4, 3, 2]})
    >>> row = csat(d).iloc[0]
    >>> float(row["csat"]), float(row["se"])   # 2 of 4; 100 √(0.5 · 0.5 / 4)
    (50.0, 25.0)
    >>> float(row["csat_mean"]), round(float(row["mean_se"]), 4)   # sd √(5/3) / √4
    (3.5, 0.6455)
    """
    return _share_and_mean(
        df, score, scale, top_box, by, weight, ci, min_n, "csat", "csat_mean", "csat"
    )


@fill
def ces(
    df: pd.DataFrame | columnar.Source,
    *,
    score: str = "ces",
    by: str | Sequence[str] | None = None,
    weight: str | None = None,
    ci: float = 0.95,
    scale: tuple[int, int] = (1, 7),
    top_box: int = 5,
    min_n: int = 30,
) -> pd.DataFrame:
    """Customer effort score (agreement that "the company made it easy to handle my issue", 1–7):
    the mean (``ces_mean``, t interval) and the share agreeing 5–7 (``ces_top``, %, Wilson
    interval), each with its standard error.

    Same formulas and arguments as :func:`csat` (CES 2.0 scale of Dixon, Freeman & Toman 2010,
    "Stop trying to delight your customers", HBR); ``top_box=5`` counts "somewhat agree" and
    above.

    Parameters
    ----------
    df : DataFrame, path, list of paths or duckdb.DuckDBPyRelation
        Tidy table, one row per response. Or, for tables larger than memory, a Parquet file
        (``str`` or ``Path``), a folder of Parquet files (a dataset, hive ``key=value/``
        folders included), a glob, a list of those, or a DuckDB relation: DuckDB reads only
        the named columns and tallies (group, answer) pairs, so the rows never come into
        pandas (:mod:`cxm_lab.columnar`); the table is the one the DataFrame route gives.
    {{score}}
    {{by}}
    {{weight}}
    {{ci}}
    scale : (int, int)
        Smallest and largest possible answer.
    top_box : int
        Smallest answer counted as agreeing; must lie within ``scale``.
    {{min_n}}

    Returns
    -------
    DataFrame
        Group columns, ``n``, ``ces_top`` (%), ``se``, ``ci_low``, ``ci_high`` (of the share),
        ``ces_mean``, ``mean_se``, ``mean_ci_low``, ``mean_ci_high``, ``n_eff`` (weighted),
        ``small_n``.

    Raises
    ------
    ParameterError
        As :func:`csat`.

    Examples
    --------
    >>> d = pd.DataFrame({"ces": [7, 6, 5, 3]})
    >>> row = ces(d).iloc[0]
    >>> float(row["ces_top"]), float(row["ces_mean"])   # 3 of 4 agree; (7+6+5+3)/4
    (75.0, 5.25)
    """
    return _share_and_mean(
        df, score, scale, top_box, by, weight, ci, min_n, "ces_top", "ces_mean", "ces"
    )


# --------------------------------------------------------------------------- changes and trends


def _diff_table(a: pd.DataFrame, b: pd.DataFrame, value: str, ci: float) -> pd.DataFrame:
    """Two-sample z-test of ``value`` between the rows of ``a`` and ``b`` (with their ``se``)."""
    t = stats.diff_test(a[value], a["se"], b[value], b["se"], ci=ci)
    return pd.DataFrame(
        {
            "change": t.change,
            "se_change": t.se,
            "change_low": t.low,
            "change_high": t.high,
            "z": t.z,
            "p_value": t.p_value,
            "significant": t.p_value < (1 - ci),
        }
    )


@fill
def nps_change(
    df: pd.DataFrame,
    *,
    period: str = "quarter",
    by: str | Sequence[str] | None = None,
    score: str = "ltr",
    weight: str | None = None,
    ci: float = 0.95,
    min_n: int = 30,
) -> pd.DataFrame:
    """Period-over-period NPS change per group with its significance.

    Each period is compared with the previous period present for the same group, as two
    independent samples: change = NPS₂ − NPS₁, SE = √(SE₁² + SE₂²) with the multinomial SEs
    of :func:`nps`, z = change / SE, p = 2 (1 − Φ(|z|)), significant when p < 1 − ci; the
    interval of the change is change ± z_{ci} SE (:func:`cxm_lab.stats.diff_test`).

    Parameters
    ----------
    {{df}}
    {{period}}
    by : str, list of str or None
        Groups compared within themselves (e.g. "segment"); ``None``: the whole table.
    {{score}}
    {{weight}}
    {{ci}}
    {{min_n}}

    Returns
    -------
    DataFrame
        Group columns, ``period`` column, ``previous``, ``n``, ``nps``, ``n_previous``,
        ``nps_previous``, ``change``, ``se_change``, ``change_low``, ``change_high``, ``z``,
        ``p_value``, ``significant``, ``small_n`` (either period below ``min_n``). The first
        period of each group has no comparison and is omitted.

    Raises
    ------
    ParameterError
        As :func:`nps`, and a missing ``period`` column or a ``period`` that is also in ``by``.

    Examples
    --------
    >>> d = pd.DataFrame({"ltr": [10, 3, 10, 10], "quarter": ["Q1", "Q1", "Q2", "Q2"]})
    >>> float(nps_change(d)["change"].iloc[0])   # 100 - 0
    100.0
    """
    by, _, min_n = _check_common(df, "nps_change", by, ci, min_n)
    check_columns(df, [period], "nps_change", "period column")
    if period in by:
        fail(
            "nps_change",
            f"period column {period!r}",
            f"is also in by={by}",
            "leave the period out of by: each group is compared across periods",
        )
    table = _nps_table(df, score, [*by, period], weight, ci, "wald", 0, min_n, 0, "nps_change")
    table = table.sort_values([*by, period], kind="stable").reset_index(drop=True)
    prev = table.groupby(by, sort=False, dropna=False).shift(1) if by else table.shift(1)
    has_prev = prev["nps"].notna().to_numpy()
    cur = table.loc[has_prev].reset_index(drop=True)
    old = prev.loc[has_prev].reset_index(drop=True)
    out = cur[[*by, period, "n", "nps"]].copy()
    out.insert(len(by) + 1, "previous", old[period].to_numpy())
    out["n_previous"] = old["n"].to_numpy().astype(np.int64)
    out["nps_previous"] = old["nps"].to_numpy()
    out = pd.concat([out, _diff_table(cur, old, "nps", ci)], axis=1)
    out["small_n"] = (out["n"] < min_n) | (out["n_previous"] < min_n)
    return out


@fill
def compare_nps(
    df: pd.DataFrame,
    *,
    group_col: str,
    a: object,
    b: object,
    score: str = "ltr",
    weight: str | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Compare the NPS of two groups (``a`` minus ``b``) with a two-sample z-test.

    change = NPS_a − NPS_b, SE = √(SE_a² + SE_b²), z = change / SE, p = 2 (1 − Φ(|z|)), as in
    :func:`nps_change`.

    Parameters
    ----------
    {{df}}
    group_col : str
        Column holding the two groups.
    a, b : object
        Values of ``group_col`` to compare.
    {{score}}
    {{weight}}
    {{ci}}

    Returns
    -------
    DataFrame
        One row: ``a``, ``b``, ``n_a``, ``n_b``, ``nps_a``, ``nps_b``, ``change``, ``se_change``,
        ``change_low``, ``change_high``, ``z``, ``p_value``, ``significant``.

    Raises
    ------
    ParameterError
        When ``a`` or ``b`` has no row or no scored response, ``a`` equals ``b``, or any input
        fails the checks of :func:`nps`.

    Examples
    --------
    >>> d = pd.DataFrame({"ltr": [10, 9, 2, 8], "seg": ["x", "x", "y", "y"]})
    >>> float(compare_nps(d, group_col="seg", a="x", b="y")["change"].iloc[0])   # 100 - (-50)
    150.0
    """
    func = "compare_nps"
    check_frame(df, func)
    check_level(ci, func)
    check_columns(df, [group_col], func, "group_col column")
    try:
        same = bool(a == b)
    except (TypeError, ValueError):
        same = False
    if same:
        fail(func, f"group b={b!r}", "is the same as group a", "pass two different groups")
    tables = []
    for name, v in (("a", a), ("b", b)):
        rows = (df[group_col] == v).to_numpy(dtype=bool, na_value=False)
        if not rows.any():
            present = sorted(map(str, df[group_col].dropna().unique()))
            fail(
                func,
                f"group {name}={v!r}",
                f"matches nothing (no rows with {group_col} == {v!r})",
                f"pass one of the values present: {present[:20]}",
            )
        t = _nps_table(df[rows], score, None, weight, ci, "wald", 0, 1, 0, func)
        if t["n"].iloc[0] == 0:
            fail(
                func,
                f"group {name}={v!r}",
                f"has no answered {score!r} score among its {int(rows.sum())} row(s)",
                "compare groups that have scored responses",
            )
        tables.append(t)
    ta, tb = tables
    head = pd.DataFrame(
        {"a": [a], "b": [b], "n_a": ta["n"], "n_b": tb["n"], "nps_a": ta["nps"], "nps_b": tb["nps"]}
    )
    return pd.concat([head, _diff_table(ta, tb, "nps", ci)], axis=1)


def _check_timedelta(
    value: object, name: str, func: str, minimum_days: float, strict: bool = False
) -> pd.Timedelta:
    """A duration argument ("90D") as a Timedelta, at least (or, when ``strict``, above) the
    minimum."""
    try:
        # A bare number would be read as nanoseconds: not what anyone means by a window.
        delta = pd.NaT if isinstance(value, numbers.Number) else pd.Timedelta(value)
    except (TypeError, ValueError):
        delta = pd.NaT
    low = pd.Timedelta(days=minimum_days)
    if delta is pd.NaT or (delta <= low if strict else delta < low):
        fail(
            func,
            name,
            f"must be a {'positive' if strict else 'non-negative'} duration, got {value!r}",
            "pass a pandas Timedelta string such as '90D' or '7D'",
        )
    return delta


def _check_dates(df: pd.DataFrame, date: str, answered: np.ndarray, func: str) -> pd.Series:
    """Column ``date`` as datetimes; every answered row needs a readable date."""
    check_columns(df, [date], func, "date column")
    s = df[date]
    fix = "pass dates (datetime64 or ISO text such as '2026-07-01'); cxm_lab.io.read_table parses them"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        d = s
    elif pd.api.types.is_numeric_dtype(s.dtype):
        fail(func, f"date column {date!r}", f"holds numbers (dtype {s.dtype}), not dates", fix)
    else:
        try:
            d = pd.to_datetime(s, errors="coerce")
        except (TypeError, ValueError) as err:
            fail(func, f"date column {date!r}", f"cannot be read as dates ({err})", fix)
    unread = s.notna().to_numpy() & d.isna().to_numpy()
    if unread.any():
        i = int(np.flatnonzero(unread)[0])
        fail(
            func,
            f"date column {date!r}",
            f"has {int(unread.sum())} value(s) that are not dates, first at row label "
            f"{row_label(df.index[i])} (value {s.iloc[i]!r})",
            fix,
        )
    undated = answered & d.isna().to_numpy()
    if undated.any():
        i = int(np.flatnonzero(undated)[0])
        fail(
            func,
            f"date column {date!r}",
            f"is missing on {int(undated.sum())} answered row(s), first at row label "
            f"{row_label(df.index[i])}",
            "fill those dates or drop the rows: an undated answer belongs to no window",
        )
    return d


@fill
def rolling_nps(
    df: pd.DataFrame,
    *,
    date: str = "response_date",
    window: str = "90D",
    freq: str = "MS",
    by: str | Sequence[str] | None = None,
    score: str = "ltr",
    ci: float = 0.95,
    min_n: int = 30,
    end_tolerance: str = "7D",
) -> pd.DataFrame:
    """NPS over a trailing time window, evaluated at regular points.

    At each point t of ``pd.date_range(first, last, freq=freq)`` the NPS of the responses with
    date in [t − window, t) — the ``window`` before t, so the point 2026-10-01 with "90D"
    covers 2026-07-03 to 2026-09-30 — is reported with its Wald interval (e.g. ``window="7D"`` for the
    last week, ``"365D"`` for the last year). Points whose window starts before the first
    response date, or ends more than ``end_tolerance`` after the last one (an export ending a few
    days before a month start still fills that month's point), are flagged ``partial_window``. Computed with
    cumulative counts and binary search per group (O(n log n)), so daily points over years of
    data are cheap. Points whose window holds no response are left out.

    Parameters
    ----------
    {{df}}
    {{date}}
        ISO text dates are read too.
    window : str
        Trailing window length as a pandas Timedelta string ("90D").
    freq : str
        Frequency of the evaluation points (pandas offset alias: "MS" month starts, "W", "D").
    {{by}}
        Here: one rolling series per group.
    {{score}}
    {{ci}}
    {{min_n}}
    end_tolerance : str
        Days a window may reach past the last response date and still count as complete.

    Returns
    -------
    DataFrame
        Group columns, ``date``, ``n``, ``nps``, ``ci_low``, ``ci_high``,
        ``partial_window``, ``small_n``; no rows when no score is answered.

    Raises
    ------
    ParameterError
        As :func:`nps`, and a ``date`` value that is not a date or is missing on an answered
        row, a ``window`` that is not a positive duration (a bare number is rejected: pandas
        would read it as nanoseconds), a negative ``end_tolerance`` or an unknown ``freq``.

    Examples
    --------
    >>> d = pd.DataFrame({"ltr": [10, 0, 9],
    ...                   "response_date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-10"])})
    >>> r = rolling_nps(d, window="30D")   # Jan 1 has an empty window and is left out
    >>> r["date"].dt.strftime("%b %d").tolist(), r["n"].tolist(), r["nps"].tolist()
    (['Feb 01', 'Mar 01'], [2, 1], [0.0, 100.0])

    Feb 1 covers Jan 2 – Jan 31 (scores 10 and 0), Mar 1 covers Jan 30 – Feb 28 (score 9).
    """
    func = "rolling_nps"
    by, _, min_n = _check_common(df, func, by, ci, min_n)
    delta = _check_timedelta(window, "window", func, minimum_days=0, strict=True)
    tolerance = _check_timedelta(end_tolerance, "end_tolerance", func, minimum_days=0)
    try:
        pd.tseries.frequencies.to_offset(freq)
    except (TypeError, ValueError):
        fail(
            func,
            "freq",
            f"is not a pandas frequency, got {freq!r}",
            "pass an offset alias such as 'MS' (month starts), 'W' (weeks) or 'D' (days)",
        )
    x = check_score(df, score, func, 0, 10, whole=True)
    d = _check_dates(df, date, ~np.isnan(x), func)
    if np.isnan(x).all():
        columns = [*by, "date", "n", "nps", "ci_low", "ci_high", "partial_window", "small_n"]
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    y = stats.nps_codes(x)
    frame = pd.DataFrame(
        {
            "_d": d,
            "_p": (y == 1).astype(float),
            "_x": (y == -1).astype(float),
            "_n": (~np.isnan(x)).astype(float),
        }
    )
    for col in by:
        frame[col] = df[col].to_numpy()
    frame = frame[frame["_n"] > 0]
    points = pd.date_range(
        frame["_d"].min().normalize(),
        frame["_d"].max().normalize() + pd.offsets.MonthBegin(1),
        freq=freq,
    )
    # A window reaching before the first or after the last response date only sees part of
    # its period: flagged, so charts can leave such points out.
    first_day, last_day = frame["_d"].min().normalize(), frame["_d"].max().normalize()
    partial = (points - delta < first_day) | (points > last_day + pd.Timedelta("1D") + tolerance)
    groups = frame.groupby(by, sort=True, dropna=False) if by else [((), frame)]
    rows = []
    for key, part in groups:
        part = part.sort_values("_d")
        t = part["_d"].to_numpy()
        cp, cd, cn = (
            np.concatenate([[0.0], np.cumsum(part[c].to_numpy())]) for c in ("_p", "_x", "_n")
        )
        # Responses dated in [point - window, point): the window before the point.
        hi = np.searchsorted(t, points.to_numpy(), side="left")
        lo = np.searchsorted(t, (points - delta).to_numpy(), side="left")
        n = cn[hi] - cn[lo]
        r = stats.net_score(cp[hi] - cp[lo], cd[hi] - cd[lo], n, ci=ci)
        key = key if isinstance(key, tuple) else (key,)
        part_out = pd.DataFrame(
            {
                "date": points,
                "n": n.astype(np.int64),
                "nps": 100 * r.estimate,
                "ci_low": 100 * r.low,
                "ci_high": 100 * r.high,
                "partial_window": partial,
            }
        )
        for col, val in zip(by, key, strict=True):
            part_out.insert(by.index(col), col, val)
        rows.append(part_out[part_out["n"] > 0])
    out = pd.concat(rows, ignore_index=True)
    out["small_n"] = out["n"] < min_n
    return out


def attainment(
    metric_table: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    metric: str = "nps",
    value: str | None = None,
    on: str | Sequence[str] = "quarter",
    metric_col: str = "metric",
    target_col: str = "target",
) -> pd.DataFrame:
    """Compare metric values with their targets.

    Parameters
    ----------
    metric_table : DataFrame
        Output of :func:`nps`/:func:`csat`/... with the ``on`` columns.
    targets : DataFrame
        Columns ``metric_col`` (e.g. "nps"), the ``on`` columns and ``target_col``.
    metric : str
        The metric whose targets are used (a value of ``metric_col``, e.g. ``"nps"``).
    value : str, optional
        Column of ``metric_table`` to compare (default: ``metric``).
    on : str or list of str
        Columns matching metric rows to target rows (e.g. ``"quarter"``).
    metric_col, target_col : str
        Columns of ``targets`` naming the metric and holding the target value.

    Returns
    -------
    DataFrame
        ``metric_table`` with ``target``, ``gap`` (value − target), ``attained`` (value ≥ target;
        missing where there is no target) and, for NPS tables with ``ci_low``,
        ``attained_confidently`` (lower CI bound ≥ target: the target is met beyond sampling
        noise).

    Raises
    ------
    ParameterError
        Missing columns, a value or target column that is not numbers, or two targets for the
        same metric and ``on`` key.

    Examples
    --------
    >>> t = pd.DataFrame({"quarter": ["2026Q3"], "nps": [32.0], "ci_low": [25.0]})
    >>> goals = pd.DataFrame({"metric": ["nps"], "quarter": ["2026Q3"], "target": [30.0]})
    >>> attainment(t, goals)[["gap", "attained", "attained_confidently"]].values.tolist()
    [[2.0, True, False]]
    """
    func = "attainment"
    check_frame(metric_table, func, name="metric_table")
    check_frame(targets, func, name="targets")
    on = as_list(on)
    if not on:
        fail(func, "on", "names no column", "pass the column(s) matching metrics to targets")
    value = value or metric
    check_columns(metric_table, on, func, "metric_table on column")
    check_columns(targets, [*on, metric_col], func, "targets column")
    fix = "pass the column of numbers to compare"
    tfix = "convert it with pd.to_numeric(df[{col!r}], errors='coerce')"
    check_numeric(
        metric_table, value, func, "metric_table value column", "metric values", fix, text_fix=tfix
    )
    check_numeric(targets, target_col, func, "targets column", "target values", fix, text_fix=tfix)
    t = targets.loc[targets[metric_col] == metric, [*on, target_col]]
    dup = t.duplicated(on, keep=False)
    if dup.any():
        fail(
            func,
            "targets",
            f"has more than one {metric!r} target for the same {on}: "
            f"{t.loc[dup, on].drop_duplicates().head(3).to_dict('records')}",
            "keep one target per metric and key",
        )
    out = metric_table.merge(t.rename(columns={target_col: "target"}), on=on, how="left")
    out["gap"] = out[value] - out["target"]
    out["attained"] = (out[value] >= out["target"]).where(out["target"].notna())
    if value == "nps" and "ci_low" in out:
        out["attained_confidently"] = (out["ci_low"] >= out["target"]).where(out["target"].notna())
    return out


@fill
def response_rates(
    responses: pd.DataFrame,
    invitations: pd.DataFrame,
    *,
    by: str | Sequence[str] = "channel",
    invited: str = "invited",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Response rate = responses / invitations per group, with a Wilson interval.

    rate = 100 k / N with k responses (rows of ``responses``) and N invitations (sum of
    ``invited``) per group; Wilson score interval of k out of N (:func:`cxm_lab.stats.wilson`,
    the statsmodels Wilson interval). Groups with invitations but
    no response get rate 0; groups with no invitation and no response get a missing rate.

    Parameters
    ----------
    responses : DataFrame
        One row per response, with the ``by`` columns.
    invitations : DataFrame
        Invitation counts with the ``by`` columns and ``invited``.
    by : str or list of str
        Grouping columns present in both tables.
    invited : str
        Column of invitation counts.
    {{ci}}

    Returns
    -------
    DataFrame
        ``by`` columns, ``invited``, ``responses``, ``response_rate`` (%), ``ci_low``,
        ``ci_high``.

    Raises
    ------
    ParameterError
        A group has more responses than invitations (wrong join or missing invitation rows),
        ``invited`` is not a whole number >= 0 on every row, ``by`` names no column or a
        missing one, or ``ci`` is outside (0, 1).

    Examples
    --------
    >>> r = pd.DataFrame({"channel": ["email", "email", "sms"]})
    >>> inv = pd.DataFrame({"channel": ["email", "sms"], "invited": [10, 4]})
    >>> response_rates(r, inv)["response_rate"].tolist()
    [20.0, 25.0]
    """
    func = "response_rates"
    check_frame(responses, func, name="responses")
    check_frame(invitations, func, name="invitations")
    check_level(ci, func)
    by = as_list(by)
    if not by:
        fail(func, "by", "names no column", "pass the grouping column(s), e.g. by='channel'")
    check_columns(responses, by, func, "responses by column")
    check_columns(invitations, by, func, "invitations by column")
    counts = check_counts(invitations, invited, func, "invited column", "invitation counts")
    got = responses.groupby(by, dropna=False).size().rename("responses")
    inv = (
        invitations[by]
        .assign(_invited=counts)
        .groupby(by, dropna=False)["_invited"]
        .sum()
        .rename("invited")
    )
    out = pd.concat([inv, got], axis=1).fillna(0).astype(np.int64).reset_index()
    over = out["responses"] > out["invited"]
    if over.any():
        fail(
            func,
            "invitations",
            f"has more responses than invitations for {out.loc[over, by].to_dict('records')}",
            "check that the invitations table covers every response's "
            f"{', '.join(map(str, by))} (and the same period)",
        )
    has = out["invited"].to_numpy() > 0
    k = out["responses"].to_numpy()
    nobs = out["invited"].to_numpy()
    rate = np.full(len(out), np.nan)
    lo = np.full(len(out), np.nan)
    hi = np.full(len(out), np.nan)
    rate[has] = 100 * k[has] / nobs[has]
    if has.any():
        lo_, hi_ = stats.wilson(k[has], nobs[has], ci=ci)
        lo[has], hi[has] = 100 * lo_, 100 * hi_
    out["response_rate"], out["ci_low"], out["ci_high"] = rate, lo, hi
    return out
