"""Executive summary figures: headline metrics for a quarter versus the previous quarter and
versus target, what moved (changes by segment, touchpoint, ... with multiple-comparison
guardrails) and the sentence the report prints about it, and customer quotes.

Statistical guardrails
----------------------
- Every change is a two-sample z-test (:func:`cxm_lab.stats.diff_test`) with the metric's own
  standard error, the ``se`` column of its metric table: NPS/eNPS the multinomial SE of
  :func:`cxm_lab.metrics.nps`, CSAT the binomial SE of the top-box share √(p(1 − p)/n) of
  :func:`cxm_lab.metrics.csat`, CES the SE of the mean s/√n (``mean_se`` of
  :func:`cxm_lab.metrics.ces`). SE of a change = √(SE₁² + SE₂²), p = 2 (1 − Φ(|change| / SE)).
- :func:`what_moved` tests many groups at once, so its p-values are adjusted for the number of
  comparisons in the table (Holm by default) and a group below ``min_n`` responses in either
  period is never marked significant (its raw p-value is still shown). :func:`what_moved_note`
  gives the sentence that says so; :func:`moved_sentence` the summary sentence, written from
  the same table so the text and the table cannot disagree.
- Data with a single period (no period column, or ``quarter=None``) gives overall figures and no
  change rather than an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cxm_lab import metrics, stats
from cxm_lab.docstrings import fill
from cxm_lab.errors import ParameterError, check_level

__all__ = [
    "ADJUST_METHODS",
    "DEFAULT_DIMS",
    "MOVED_COLUMNS",
    "headline",
    "headline_cards",
    "headline_sentence",
    "in_period",
    "moved_sentence",
    "period_phrase",
    "previous_quarter",
    "rating_means",
    "respondent_profile",
    "select_quotes",
    "what_moved",
    "what_moved_note",
]

#: Dimensions :func:`what_moved` uses when none are given (absent columns are skipped).
DEFAULT_DIMS: tuple[str, ...] = ("segment", "touchpoint", "region", "channel", "role")

#: Columns of the :func:`what_moved` table, in order.
MOVED_COLUMNS: list[str] = [
    "dimension",
    "group",
    "n_previous",
    "n",
    "nps_previous",
    "nps",
    "change",
    "change_low",
    "change_high",
    "p_value",
    "p_adjusted",
    "significant",
    "small_n",
]

#: Multiple-comparison corrections accepted by :func:`what_moved` (statsmodels method names).
ADJUST_METHODS: dict[str, str] = {
    "holm": "Holm's method",
    "fdr_bh": "the Benjamini–Hochberg false-discovery-rate method",
    "none": "",
}

#: Headline metric name -> (kind, responses column or None for the ``score`` argument,
#: target key in the targets table).
_HEADLINE = {
    "NPS": ("nps", None, "nps"),
    "CSAT (top-2 %)": ("csat", "csat", "csat"),
    "CES (mean 1–7)": ("ces", "ces", "ces"),
    "eNPS": ("nps", "enps", "enps"),
}

_QUARTER = re.compile(r"^\d{4}Q[1-4]$")


def previous_quarter(quarter: str) -> str:
    """The quarter before ``quarter`` ("2026Q3" → "2026Q2").

    Parameters
    ----------
    quarter : str
        A quarter label such as ``"2026Q3"``.

    Returns
    -------
    str
        The previous quarter's label.

    Raises
    ------
    ParameterError
        ``quarter`` does not look like a quarter.

    Examples
    --------
    >>> previous_quarter("2026Q1")
    '2025Q4'
    """
    try:
        return str(pd.Period(quarter, freq="Q") - 1)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"report_quarter must look like 2026Q3, got {quarter!r}") from exc


def _previous_period(current: object, present: Sequence[object]) -> object | None:
    """The period before ``current``: the previous calendar quarter for labels like "2026Q3",
    otherwise the largest period present that sorts before ``current`` (None when none)."""
    if isinstance(current, str) and _QUARTER.match(current):
        return previous_quarter(current)
    earlier = [p for p in present if pd.notna(p) and p < current]
    return max(earlier) if earlier else None


def _check_quarter(df: pd.DataFrame, period: str, quarter: object, what: str) -> None:
    present = df[period].dropna().unique().tolist()
    if quarter not in present:
        raise ParameterError(
            f"no {what} for {period} {quarter!r}; {period}s present: {sorted(map(str, present))}"
        )


# --------------------------------------------------------------------------- headline


def _standard_errors(kind: str, df: pd.DataFrame, column: str, by: list[str]) -> pd.DataFrame:
    """Value and standard error per group for a headline metric, from the metric's own table.

    - ``nps``: :func:`cxm_lab.metrics.nps` (value ``nps``, its multinomial ``se``).
    - ``csat``: :func:`cxm_lab.metrics.csat` top-2 share (%), its binomial ``se``
      100 √(p(1 − p)/n), the variance the Wilson interval of the metric is built on.
    - ``ces``: :func:`cxm_lab.metrics.ces` mean, its ``mean_se`` s/√n and t interval.

    Returns the metric table with ``value`` and ``se`` (and ``ci_low``/``ci_high`` of the
    value).
    """
    if kind == "nps":
        t = metrics.nps(df, score=column, by=by or None)
        return t.assign(value=t["nps"])
    if kind == "csat":
        t = metrics.csat(df, score=column, by=by or None)
        return t.assign(value=t["csat"])
    t = metrics.ces(df, score=column, by=by or None)
    return t.assign(
        value=t["ces_mean"], se=t["mean_se"], ci_low=t["mean_ci_low"], ci_high=t["mean_ci_high"]
    )


@fill
def headline(
    responses: pd.DataFrame,
    *,
    quarter: str | None = None,
    targets: pd.DataFrame | None = None,
    employees: pd.DataFrame | None = None,
    period: str = "quarter",
    score: str = "ltr",
    ci: float = 0.95,
    min_n: int = 30,
) -> pd.DataFrame:
    """NPS, CSAT (top-2 %), CES (mean) and eNPS for ``quarter`` with their intervals, the change
    versus the previous quarter with its p-value, and the target.

    Parameters
    ----------
    responses : DataFrame
        One row per response. NPS needs ``score``; CSAT the column ``csat`` (1–5); CES ``ces``
        (1–7). A metric whose column is absent, or has no answer in ``quarter``, gets no row.
    quarter : str, optional
        The report period (a value of ``period``). None, or no ``period`` column: one period,
        overall figures and no change.
    targets : DataFrame, optional
        ``metric`` (nps / csat / ces / enps), ``quarter``, ``target``.
    employees : DataFrame, optional
        Employee pulse with ``enps`` (0–10) and ``period``; its eNPS row is left out when it has
        no answer for ``quarter``.
    {{period}}
    {{score}}
        Here: the NPS question (0–10 likelihood to recommend).
    {{ci}}
        Also the level of ``significant`` (p < 1 − ci).
    {{min_n}}
        A change with fewer responses than this in either period is never ``significant``.

    Returns
    -------
    DataFrame
        One row per metric present: ``metric``, ``value``, ``ci_low``, ``ci_high`` (the
        metric's own interval: Wald for NPS, Wilson for CSAT, t for CES), ``se``, ``n``,
        ``previous`` (value of the previous period), ``change``, ``se_change``, ``p_value``
        (NaN without a previous period), ``small_n``, ``significant`` (p < 1 − ci and not
        small), and with ``targets`` ``target`` and ``attained``.

    Raises
    ------
    ParameterError
        ``quarter`` is not a period of the responses (the message lists those present), or
        ``ci`` is not in (0, 1).

    Notes
    -----
    change = value − previous, SE = √(SE₁² + SE₂²), p = 2 (1 − Φ(|change| / SE)) with the SEs of
    :func:`_standard_errors` (two independent samples, :func:`cxm_lab.stats.diff_test`).

    Examples
    --------
    >>> d = pd.DataFrame({"quarter": ["2026Q2"] * 4 + ["2026Q3"] * 4,
    ...                   "ltr": [10, 0, 8, 8, 10, 10, 9, 0]})
    >>> row = headline(d, quarter="2026Q3").iloc[0]
    >>> row["metric"], float(row["value"]), float(row["previous"]), float(row["change"])
    ('NPS', 50.0, 0.0, 50.0)
    """
    check_level(ci, "headline")
    single = quarter is None or period not in responses
    if not single:
        _check_quarter(responses, period, quarter, "responses")
    sources = [
        (name, responses, col or score) for name, (_, col, _) in _HEADLINE.items() if name != "eNPS"
    ]
    if employees is not None and len(employees):
        sources.append(("eNPS", employees, "enps"))
    rows = []
    for name, df, col in sources:
        if col not in df or not pd.to_numeric(df[col], errors="coerce").notna().any():
            continue
        kind = _HEADLINE[name][0]
        one = single or period not in df
        if one:
            table = _standard_errors(kind, df, col, [])
            cur, old = table.iloc[0], None
        else:
            present = df[period].dropna().unique().tolist()
            if quarter not in present:
                continue
            prev = _previous_period(quarter, present)
            sub = df[df[period].isin([quarter, prev])]
            table = _standard_errors(kind, sub, col, [period]).set_index(period)
            cur = table.loc[quarter]
            old = table.loc[prev] if prev in table.index else None
        if not cur["n"] > 0:
            continue
        row = {
            "metric": name,
            "value": float(cur["value"]),
            "ci_low": float(cur["ci_low"]),
            "ci_high": float(cur["ci_high"]),
            "se": float(cur["se"]),
            "n": int(cur["n"]),
            "previous": np.nan,
            "change": np.nan,
            "se_change": np.nan,
            "p_value": np.nan,
            "small_n": bool(cur["n"] < min_n),
        }
        if old is not None and old["n"] > 0:
            t = stats.diff_test(cur["value"], cur["se"], old["value"], old["se"], ci=ci)
            row.update(
                previous=float(old["value"]),
                change=float(t.change),
                se_change=float(t.se),
                p_value=float(t.p_value),
                small_n=bool(min(cur["n"], old["n"]) < min_n),
            )
        rows.append(row)
    columns = [
        "metric",
        "value",
        "ci_low",
        "ci_high",
        "se",
        "n",
        "previous",
        "change",
        "se_change",
        "p_value",
        "small_n",
    ]
    out = pd.DataFrame(rows, columns=columns)
    out["significant"] = (out["p_value"] < (1 - ci)) & ~out["small_n"].astype(bool)
    if targets is not None and len(targets):
        key = {name: spec[2] for name, spec in _HEADLINE.items()}
        if quarter is None or "quarter" not in targets:
            t = pd.Series(dtype=float)
        else:
            t = targets[targets["quarter"] == quarter].set_index("metric")["target"]
        out["target"] = out["metric"].map(key).map(t)
        out["attained"] = (out["value"] >= out["target"]).where(out["target"].notna())
    return out


# --------------------------------------------------------------------------- what moved


def _empty_moved() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype=float) for c in MOVED_COLUMNS})
    out = out.astype(
        {
            "dimension": object,
            "group": object,
            "n_previous": np.int64,
            "n": np.int64,
            "significant": bool,
            "small_n": bool,
        }
    )
    return out


@fill
def what_moved(
    responses: pd.DataFrame,
    *,
    quarter: str | None,
    dims: Sequence[str] | str | None = None,
    period: str = "quarter",
    score: str = "ltr",
    min_n: int = 30,
    ci: float = 0.95,
    adjust: str = "holm",
) -> pd.DataFrame:
    """NPS change versus the previous period for each value of each dimension, with
    p-values adjusted for the number of comparisons and small groups never significant.

    Parameters
    ----------
    responses : DataFrame
        One row per response.
    quarter : str or None
        The report period (a value of ``period``); None (one period): an empty table.
    dims : str or sequence of str, optional
        Grouping columns, any columns of ``responses``. Default :data:`DEFAULT_DIMS`, skipping
        those absent (none present: an empty table). Columns named explicitly must exist.
    {{period}}
        Without it there is nothing to compare: an empty table.
    {{score}}
        Here: the NPS question (absent: an empty table).
    {{min_n}}
        A group with fewer responses than this in either period is ``small_n``: its raw
        ``p_value`` is shown, it is left out of the adjustment and never ``significant``.
    {{ci}}
        Also the level of ``significant``: ``p_adjusted < 1 − ci``.
    adjust : {"holm", "fdr_bh", "none"}
        Correction for testing many groups at once (:func:`cxm_lab.stats.adjust_p`), over the
        groups of all dimensions in the table that are not small (and have a p-value).

    Returns
    -------
    DataFrame
        :data:`MOVED_COLUMNS`: ``dimension``, ``group``, ``n_previous``, ``n``,
        ``nps_previous``, ``nps``, ``change``, ``change_low``, ``change_high`` (unadjusted
        interval), ``p_value`` (two-sample z-test of :func:`cxm_lab.metrics.nps_change`),
        ``p_adjusted`` (NaN for small groups), ``significant``, ``small_n``. Sorted:
        significant groups first, then the other tested groups, then small groups, each by
        absolute change, largest first. Only groups with responses in both periods appear.

    Raises
    ------
    ParameterError
        Unknown ``adjust``, ``ci`` outside (0, 1), an explicitly named dimension that is not a
        column, or a ``quarter`` that is not a period of the responses.

    See Also
    --------
    what_moved_note : the sentence about the correction.
    moved_sentence : the summary sentence written from this table.

    Examples
    --------
    >>> d = pd.DataFrame({"quarter": ["2026Q2"] * 4 + ["2026Q3"] * 4, "segment": "SMB",
    ...                   "ltr": [10, 0, 8, 8, 10, 10, 9, 0]})
    >>> m = what_moved(d, quarter="2026Q3", dims="segment")
    >>> m[["group", "nps_previous", "nps", "change", "small_n"]].values.tolist()
    [['SMB', 0.0, 50.0, 50.0, True]]
    """
    if adjust not in ADJUST_METHODS:
        raise ParameterError(f"adjust must be one of {list(ADJUST_METHODS)}, got {adjust!r}")
    check_level(ci, "what_moved")
    if dims is None:
        dims = [d for d in DEFAULT_DIMS if d in responses]
    else:
        dims = [dims] if isinstance(dims, str) else list(dims)
        missing = [d for d in dims if d not in responses]
        if missing:
            raise ParameterError(
                f"what_moved: dimension(s) {missing} not in the responses; columns are "
                f"{list(responses.columns)}"
            )
    if quarter is None or period not in responses or score not in responses or not dims:
        return _empty_moved()
    _check_quarter(responses, period, quarter, "responses")
    prev = _previous_period(quarter, responses[period].dropna().unique().tolist())
    sub = responses[responses[period].isin([quarter, prev])]
    frames = []
    for dim in dims:
        ch = metrics.nps_change(sub, period=period, by=dim, score=score, ci=ci, min_n=min_n)
        ch = ch[ch[period] == quarter].rename(columns={dim: "group"})
        ch.insert(0, "dimension", dim)
        frames.append(ch)
    frames = [f for f in frames if len(f)]
    if not frames:
        return _empty_moved()
    out = pd.concat(frames, ignore_index=True)
    out["group"] = out["group"].astype(object)
    out["p_adjusted"] = np.nan
    tested = (~out["small_n"] & out["p_value"].notna()).to_numpy()
    if tested.any():
        p = out.loc[tested, "p_value"].to_numpy(float)
        out.loc[tested, "p_adjusted"] = stats.adjust_p(p, method=adjust)
    out["significant"] = (out["p_adjusted"] < (1 - ci)) & ~out["small_n"]
    rank = np.where(out["significant"], 0, np.where(out["small_n"], 2, 1))
    out = out.assign(_rank=rank, _abs=out["change"].abs())
    out = out.sort_values(["_rank", "_abs"], ascending=[True, False], kind="stable")
    return out[MOVED_COLUMNS].reset_index(drop=True)


def _count_word(n: int) -> str:
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words[n] if 0 <= n < len(words) else f"{n:,}"


@fill
def what_moved_note(moved: pd.DataFrame, *, ci: float = 0.95, adjust: str = "holm") -> str:
    """The sentence the report prints under the "What moved" table about the correction for
    multiple comparisons and the small groups.

    Parameters
    ----------
    moved : DataFrame
        Output of :func:`what_moved`.
    {{ci}}
        The value :func:`what_moved` was called with.
    adjust : {"holm", "fdr_bh", "none"}
        The correction :func:`what_moved` was called with.

    Returns
    -------
    str
        Plain text, e.g. "p-values adjusted for 14 comparisons with Holm's method; significant
        means adjusted p < 0.05. 3 groups with too few responses in one of the quarters are
        shown but not tested."

    Raises
    ------
    ParameterError
        Unknown ``adjust``.

    Examples
    --------
    >>> m = pd.DataFrame({"p_value": [0.01, 0.2, 0.001], "small_n": [False, False, True]})
    >>> what_moved_note(m)
    "p-values adjusted for 2 comparisons with Holm's method; significant means adjusted p < 0.05. 1 group with too few responses in one of the quarters is shown but not tested."
    """
    if adjust not in ADJUST_METHODS:
        raise ParameterError(f"adjust must be one of {list(ADJUST_METHODS)}, got {adjust!r}")
    alpha = f"{1 - ci:.2g}"
    small = moved["small_n"].astype(bool).to_numpy() if len(moved) else np.zeros(0, bool)
    m = int((~small & moved["p_value"].notna().to_numpy()).sum()) if len(moved) else 0
    plural = "comparison" if m == 1 else "comparisons"
    if m == 0:
        text = "No group had enough responses in both quarters to be tested."
    elif adjust == "none":
        text = (
            f"p-values not adjusted for the {m} {plural}: at p < {alpha} about "
            f"{1 - ci:.0%} of unchanged groups show as significant by chance."
        )
    else:
        text = (
            f"p-values adjusted for {m} {plural} with {ADJUST_METHODS[adjust]}; "
            f"significant means adjusted p < {alpha}."
        )
    k = int(small.sum())
    if k:
        text += (
            f" {k} group{'s' if k != 1 else ''} with too few responses in one of the quarters "
            f"{'are' if k != 1 else 'is'} shown but not tested."
        )
    return text


def _signed(x: float) -> str:
    """+4.2 / −8.1 (typographic minus) / 0.0."""
    s = f"{x:+.1f}"
    return "0.0" if s in ("+0.0", "-0.0") else s.replace("-", "\u2212")


def _num(x: float) -> str:
    """45.2 / −3.0 (typographic minus)."""
    return f"{x:.1f}".replace("-", "\u2212")


def _group_name(row: pd.Series) -> str:
    group = row["group"]
    return f"{row['dimension']} {'(missing)' if pd.isna(group) else group}"


def moved_sentence(
    moved: pd.DataFrame, *, quarter: str, previous: str | None, max_groups: int = 5
) -> str:
    """The summary sentence about what moved, written from the :func:`what_moved` table.

    It names exactly the groups the table marks ``significant`` (and not ``small_n``), largest
    absolute change first, up to ``max_groups`` (then "and N more"); with none it says so and
    quotes the largest change among the tested groups as within noise.

    Parameters
    ----------
    moved : DataFrame
        Output of :func:`what_moved` (needs ``dimension``, ``group``, ``change``,
        ``significant``, ``small_n``; ``nps_previous`` and ``nps`` are quoted when present).
    quarter, previous : str
        The two periods compared, as they should read in the text.
    max_groups : int
        Most groups named.

    Returns
    -------
    str
        Plain text, no markup: group names are inserted as they are, so the caller escapes it
        for HTML/Markdown (e.g. through :func:`cxm_lab.report.callout`).

    Examples
    --------
    >>> m = pd.DataFrame({"dimension": ["segment", "touchpoint"], "group": ["SMB", "billing"],
    ...                   "nps_previous": [30.0, 20.0], "nps": [21.9, 24.2],
    ...                   "change": [-8.1, 4.2], "significant": [True, False],
    ...                   "small_n": [False, False]})
    >>> moved_sentence(m, quarter="2026Q3", previous="2026Q2")
    'One group moved significantly between 2026Q2 and 2026Q3: segment SMB −8.1 points (30.0 → 21.9).'
    """
    between = f"between {previous} and {quarter}" if previous is not None else f"in {quarter}"
    if len(moved) == 0:
        return f"No group has responses {between} to compare, so no change can be tested."
    small = moved["small_n"].astype(bool)
    sig = moved[moved["significant"].astype(bool) & ~small]
    sig = sig.reindex(sig["change"].abs().sort_values(ascending=False, kind="stable").index)

    def describe(row: pd.Series) -> str:
        text = f"{_group_name(row)} {_signed(row['change'])} points"
        if "nps_previous" in row and "nps" in row:
            text += f" ({_num(row['nps_previous'])} → {_num(row['nps'])})"
        return text

    if len(sig):
        named = [describe(r) for _, r in sig.head(max_groups).iterrows()]
        more = len(sig) - len(named)
        if more:
            named.append(f"and {more} more (see the table)")
        lead = _count_word(len(sig)).capitalize()
        verb = "group moved" if len(sig) == 1 else "groups moved"
        return f"{lead} {verb} significantly {between}: {'; '.join(named)}."
    tested = moved[~small & moved["change"].notna()]
    if len(tested) == 0:
        return (
            f"No group moved significantly {between}: every group had too few responses in "
            "one of the quarters to be tested."
        )
    top = tested.loc[tested["change"].abs().idxmax()]
    return (
        f"No group moved significantly {between}; the largest change, "
        f"{_group_name(top)} {_signed(top['change'])} points, is within noise."
    )


# --------------------------------------------------------------------------- quotes


@fill
def select_quotes(
    responses: pd.DataFrame,
    *,
    quarter: str | None = None,
    by: str | None = "language",
    per_group: int = 2,
    text: str = "comment",
    score: str = "ltr",
    period: str = "quarter",
    detractors_first: bool = True,
) -> pd.DataFrame:
    """Pick up to ``per_group`` non-empty comments per ``by`` value (e.g. one language each),
    lowest scores first when ``detractors_first``, for quoting in a report.

    Without a ``period`` column, or with ``quarter=None``, all responses are used; without the
    ``by`` column (or ``by=None``) the ``per_group`` comments are picked from all responses;
    without the ``score`` column they keep their order. Without the ``text`` column the result
    is empty. Comments of three characters or fewer are not quoted.

    Parameters
    ----------
    responses : DataFrame
        One row per response.
    quarter : str, optional
        The period quoted (a value of ``period``); None: all responses.
    by : str or None
        One column whose values each get ``per_group`` quotes.
    per_group : int
        Most quotes per group.
    text : str
        Column of comments.
    {{score}}
        Here: the order of the quotes (lowest first when ``detractors_first``).
    {{period}}
    detractors_first : bool
        Lowest scores first (otherwise highest first).

    Returns
    -------
    DataFrame
        The selected rows of ``responses`` (sorted by ``by``), index reset.

    Examples
    --------
    >>> d = pd.DataFrame({"ltr": [9, 2, 5], "comment": ["great service", "too slow", "ok..."],
    ...                   "language": ["en", "en", "fr"]})
    >>> select_quotes(d, per_group=1)["comment"].tolist()
    ['too slow', 'ok...']
    """
    sub = responses
    if text not in sub:
        return sub.iloc[:0].reset_index(drop=True)
    if quarter is not None and period in sub:
        sub = sub[sub[period] == quarter]
    sub = sub[sub[text].notna() & (sub[text].astype(str).str.strip().str.len() > 3)]
    group = by is not None and by in sub
    keys = ([by] if group else []) + ([score] if score in sub else [])
    if keys:
        ascending = [True] * group + [detractors_first] * (score in sub)
        sub = sub.sort_values(keys, ascending=ascending, kind="stable")
    if group:
        return sub.groupby(by, sort=True).head(per_group).reset_index(drop=True)
    return sub.head(per_group).reset_index(drop=True)


@fill
def in_period(df: pd.DataFrame, *, quarter: str | None, period: str = "quarter") -> pd.DataFrame:
    """The rows of ``quarter`` (all rows when ``quarter`` is None or there is no period column).

    Parameters
    ----------
    {{df}}
    quarter : str or None
        The period kept (a value of ``period``); None: every row.
    {{period}}

    Returns
    -------
    DataFrame
        The rows of that period (``df`` itself when nothing is filtered).

    Examples
    --------
    >>> d = pd.DataFrame({"quarter": ["2026Q2", "2026Q3"], "ltr": [9, 3]})
    >>> in_period(d, quarter="2026Q3")["ltr"].tolist(), len(in_period(d, quarter=None))
    ([3], 2)
    """
    if quarter is None or period not in df:
        return df
    return df[df[period] == quarter]


def period_phrase(quarter: str | None, *, previous: str | None = None) -> str:
    """ ", 2026Q3" / ", 2026Q3 vs 2026Q2" for captions; "" when the data has no periods.

    Parameters
    ----------
    quarter : str or None
        The report period.
    previous : str, optional
        The period it is compared with.

    Returns
    -------
    str
        The phrase, starting with a comma (empty without a ``quarter``).

    Examples
    --------
    >>> period_phrase("2026Q3", previous="2026Q2"), period_phrase(None)
    (', 2026Q3 vs 2026Q2', '')
    """
    if quarter is None:
        return ""
    return f", {quarter}" + (f" vs {previous}" if previous else "")


def headline_cards(head: pd.DataFrame, *, quarter: str | None, previous: str | None) -> list[dict]:
    """KPI cards (``label``, ``value``, ``detail``) from :func:`headline`'s table.

    Each card holds the value, its interval, the change versus the previous period with its
    p-value when there is one, and the target when set. Plain text: the display helper
    escapes it.

    Parameters
    ----------
    head : DataFrame
        Output of :func:`headline`.
    quarter, previous : str or None
        The report period and the one it is compared with, as they should read.

    Returns
    -------
    list of dict
        One card per row of ``head``.

    Examples
    --------
    >>> h = pd.DataFrame({"metric": ["NPS"], "value": [32.04], "ci_low": [25.0],
    ...                   "ci_high": [39.1], "n": [1200], "change": [float("nan")]})
    >>> headline_cards(h, quarter="2026Q3", previous=None)[0]["value"]
    '32.0'
    """
    cards = []
    for r in head.to_dict("records"):
        detail = f"95% CI {r['ci_low']:.1f} to {r['ci_high']:.1f}; n = {int(r['n']):,}"
        if pd.notna(r.get("change")):
            sig = "significant" if r.get("significant") else "not significant"
            detail += f"; {r['change']:+.1f} vs {previous} ({sig}, p = {r['p_value']:.2f})"
        if pd.notna(r.get("target")):
            detail += f"; target {r['target']:g} {'met' if r.get('attained') else 'missed'}"
        label = f"{r['metric']} {quarter}" if quarter else str(r["metric"])
        cards.append({"label": label, "value": f"{r['value']:.1f}", "detail": detail})
    return cards


@fill
def headline_sentence(
    head: pd.DataFrame, *, quarter: str | None, previous: str | None, ci: float = 0.95
) -> str:
    """One plain-text sentence about the first headline metric (NPS when present).

    Parameters
    ----------
    head : DataFrame
        Output of :func:`headline`.
    quarter, previous : str or None
        The report period and the one it is compared with, as they should read.
    {{ci}}
        The value :func:`headline` was called with (quoted in the text).

    Returns
    -------
    str
        Plain text: the value with its interval and n, the change and its verdict, the target.

    Examples
    --------
    >>> h = pd.DataFrame({"metric": ["NPS"], "value": [32.0], "ci_low": [25.0],
    ...                   "ci_high": [39.0], "n": [1200], "change": [float("nan")]})
    >>> headline_sentence(h, quarter=None, previous=None)
    'NPS: +32.0 (95% CI +25.0 to +39.0, n = 1,200); the data has no dates, so there is no change to report.'
    """
    r = head.iloc[0]
    when = f" in {quarter}" if quarter else ""
    text = (
        f"{r['metric']}{when}: {r['value']:+.1f} ({ci:.0%} CI {r['ci_low']:+.1f} to "
        f"{r['ci_high']:+.1f}, n = {int(r['n']):,})"
    )
    if pd.notna(r.get("change")):
        verdict = (
            "a statistically significant change"
            if r.get("significant")
            else "within sampling noise (not significant)"
        )
        text += f"; {r['change']:+.1f} points vs {previous}: {verdict}"
    elif quarter is None:
        text += "; the data has no dates, so there is no change to report"
    else:
        text += f"; no data for the previous quarter ({previous}) to compare with"
    if pd.notna(r.get("target")):
        text += f". Target {r['target']:+.0f}: {'met' if r.get('attained') else 'not met'}"
    return text + "."


@fill
def rating_means(
    df: pd.DataFrame, *, drivers: Mapping[str, str], ci: float = 0.95, min_n: int = 30
) -> pd.DataFrame:
    """Mean of each rating column with its t interval.

    Computed by :func:`cxm_lab.metrics.ces` on each column's own observed scale, so the mean
    and its interval are written once (:func:`cxm_lab.stats.t_interval`). Columns without any
    answer are left out.

    Parameters
    ----------
    {{df}}
    drivers : mapping
        Rating column -> label shown in ``attribute``.
    {{ci}}
    {{min_n}}

    Returns
    -------
    DataFrame
        ``attribute``, ``n``, ``mean``, ``ci_low``, ``ci_high``, ``small_n``.

    Examples
    --------
    >>> d = pd.DataFrame({"speed": [4, 5, 3, 4], "price": [2, None, 4, 3]})
    >>> t = rating_means(d, drivers={"speed": "Speed", "price": "Price"})
    >>> t[["attribute", "n", "mean"]].values.tolist()
    [['Speed', 4, 4.0], ['Price', 3, 3.0]]
    """
    rows = []
    for col, label in drivers.items():
        x = pd.to_numeric(df[col], errors="coerce").astype(float)
        if x.notna().sum() == 0:
            continue
        scale = (int(np.floor(x.min())), int(np.ceil(x.max())))
        m = metrics.ces(
            df.assign(**{col: x}), score=col, scale=scale, top_box=scale[1], ci=ci, min_n=min_n
        )
        r = m.iloc[0]
        rows.append(
            {
                "attribute": label,
                "n": int(r["n"]),
                "mean": float(r["ces_mean"]),
                "ci_low": float(r["mean_ci_low"]),
                "ci_high": float(r["mean_ci_high"]),
                "small_n": bool(r["small_n"]),
            }
        )
    return pd.DataFrame(rows, columns=["attribute", "n", "mean", "ci_low", "ci_high", "small_n"])


@fill
def respondent_profile(
    df: pd.DataFrame, *, dims: Sequence[str], max_groups: int = 12
) -> pd.DataFrame:
    """Who answered: responses per value of each dimension, with their share (%).

    At most ``max_groups`` largest values per dimension are listed, the rest summed as
    "(other)"; missing values are left out of the counts and of the share.

    Parameters
    ----------
    {{df}}
    dims : sequence of str
        Dimension columns.
    max_groups : int
        Most values listed per dimension.

    Returns
    -------
    DataFrame
        ``dimension``, ``group``, ``n``, ``share`` (% of the responses with a value in that
        dimension, 0–100).

    Examples
    --------
    >>> d = pd.DataFrame({"region": ["N", "N", "S", "S", "S", None]})
    >>> respondent_profile(d, dims=["region"])[["group", "n", "share"]].values.tolist()
    [['S', 3, 60.0], ['N', 2, 40.0]]
    """
    frames = []
    for dim in dims:
        counts = df[dim].dropna().astype(str).value_counts()
        if len(counts) > max_groups:
            counts = pd.concat(
                [counts.head(max_groups), pd.Series({"(other)": counts.iloc[max_groups:].sum()})]
            )
        frames.append(
            pd.DataFrame(
                {
                    "dimension": dim,
                    "group": counts.index.astype(str),
                    "n": counts.to_numpy(),
                    "share": 100 * counts.to_numpy() / counts.sum(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["dimension", "group", "n", "share"])
    return pd.concat(frames, ignore_index=True)
