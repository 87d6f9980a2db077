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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxm_lab import metrics, stats
from cxm_lab.docstrings import fill
from cxm_lab.errors import ParameterError, as_list, check_columns, check_level
from cxm_lab.report import code_label, column_label, plural
from cxm_lab.scales import scale_text

__all__ = [
    "ADJUST_METHODS",
    "answered_groups",
    "DEFAULT_DIMS",
    "MOVED_COLUMNS",
    "SURVEY_TYPE_ORDER",
    "SurveyTypes",
    "TrendTable",
    "headline",
    "headline_cards",
    "headline_sentence",
    "in_period",
    "moved_sentence",
    "period_phrase",
    "previous_quarter",
    "comparison_unmet",
    "quotes_lead",
    "rating_means",
    "read_notes",
    "respondent_profile",
    "select_quotes",
    "survey_types",
    "theme_fit_lead",
    "theme_fit_sentence",
    "trend_table",
    "type_attainment",
    "type_counts",
    "type_by",
    "type_label",
    "type_phrase",
    "type_rows",
    "types_note",
    "weighted_comparison",
    "weighted_note",
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


def comparison_unmet(quarters: Sequence[str], quarter: str | None) -> list[str]:
    """What a section that compares ``quarter`` with the quarter before still lacks, phrased
    for :class:`cxm_lab.sections.Sections` (``unmet=``): nothing when that quarter has
    responses, or when the data has fewer than two quarters (``periods=2`` says that one).

    With a gap in the data (2025Q4 and 2026Q2, no 2026Q1), or a report quarter that is the
    first one, a change "2026Q1 → 2026Q2" would compare with nothing, so the section is not
    shown and its line says why.

    Parameters
    ----------
    quarters : sequence of str
        The quarters the data has responses in (``ds.config["quarters"]``).
    quarter : str or None
        The report quarter.

    Returns
    -------
    list of str
        Empty, or one phrase such as "responses in 2026Q1, the quarter before 2026Q2 (this
        data has 2025Q4, 2026Q2)".

    Examples
    --------
    >>> comparison_unmet(["2025Q4", "2026Q2"], "2026Q2")
    ['responses in 2026Q1, the quarter before 2026Q2 (this data has 2025Q4, 2026Q2)']
    >>> comparison_unmet(["2026Q1", "2026Q2"], "2026Q2"), comparison_unmet(["2026Q2"], "2026Q2")
    ([], [])
    """
    present = [str(q) for q in quarters]
    if quarter is None or len(present) < 2:
        return []
    before = previous_quarter(quarter)
    if before in present:
        return []
    return [
        f"responses in {before}, the quarter before {quarter} (this data has "
        f"{', '.join(sorted(present))})"
    ]


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


# --------------------------------------------------------------------------- survey types

#: Survey types in report order. The first one present is the headline survey type: the
#: relationship survey, the company's top-level index, when the data has one.
SURVEY_TYPE_ORDER: tuple[str, ...] = ("relationship", "transactional", "in_the_moment")


@dataclass(frozen=True)
class SurveyTypes:
    """The survey types of a responses table and how the report keeps them apart.

    The rule: results of different survey types (relationship, transactional, in-the-moment)
    are never pooled into one number unless the run asks for it (``pool_survey_types: true``
    in the params file). With two or more types every metric is computed per type (group by
    ``by``), and the headline figures are those of ``headline``. Data without a survey-type
    column is one survey and nothing changes.

    Attributes
    ----------
    column : str or None
        The survey-type column, when the responses have it with at least one value.
    types : tuple of str
        The types present, in report order (:data:`SURVEY_TYPE_ORDER`, then others sorted).
    pooled : bool
        Two or more types are present and pooled on request.
    by : str or None
        The column to group by to keep the types apart: ``column`` when two or more types
        are present and not pooled; None when there is nothing to keep apart.
    headline : str or None
        The type of the headline figures: the first of ``types`` when they are kept apart
        (the relationship survey when present), the only type when there is one; None when
        the types are pooled or there is no survey-type column.
    untyped : int
        Responses with no type while others have one: left out of the per-type figures.
    """

    column: str | None
    types: tuple[str, ...]
    pooled: bool
    by: str | None
    headline: str | None
    untyped: int


def survey_types(
    responses: pd.DataFrame, *, column: str = "survey_type", pool: bool = False
) -> SurveyTypes:
    """The survey types present in ``responses`` and whether the report keeps them apart.

    Parameters
    ----------
    responses : DataFrame
        One row per response.
    column : str
        The survey-type column (absent or empty: one survey).
    pool : bool
        Pool the types into one set of figures (the run's ``pool_survey_types``).

    Returns
    -------
    SurveyTypes
        The types in report order, the column to group by (``by``) and the headline type.

    Examples
    --------
    >>> d = pd.DataFrame({"survey_type": ["transactional", "relationship", "transactional"]})
    >>> t = survey_types(d)
    >>> t.types, t.by, t.headline
    (('relationship', 'transactional'), 'survey_type', 'relationship')
    >>> survey_types(d, pool=True).by, survey_types(d.iloc[:0]).column
    (None, None)
    """
    if column not in responses or not responses[column].notna().any():
        return SurveyTypes(None, (), False, None, None, 0)
    values = responses[column]
    present = {str(v) for v in values.dropna().unique()}
    order = [t for t in SURVEY_TYPE_ORDER if t in present]
    order += sorted(present - set(SURVEY_TYPE_ORDER))
    several = len(order) > 1
    return SurveyTypes(
        column=column,
        types=tuple(order),
        pooled=several and pool,
        by=column if several and not pool else None,
        headline=order[0] if not (several and pool) else None,
        untyped=int(values.isna().sum()),
    )


def type_label(survey_type: object) -> str:
    """A survey type as it reads in the report ("in_the_moment" → "in-the-moment").

    Parameters
    ----------
    survey_type : object
        A survey-type value (None or missing: all responses).

    Returns
    -------
    str
        Plain text.

    Examples
    --------
    >>> type_label("in_the_moment"), type_label(None)
    ('in-the-moment', 'all responses')
    """
    if survey_type is None or (not isinstance(survey_type, str) and pd.isna(survey_type)):
        return "all responses"
    return code_label(survey_type)


def _and(words: Sequence[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def type_phrase(types: SurveyTypes, *, survey_type: str | None = None, short: bool = False) -> str:
    """The words a caption adds to say which survey type(s) a table or chart covers.

    Parameters
    ----------
    types : SurveyTypes
        Output of :func:`survey_types`.
    survey_type : str, optional
        The one type the table or chart covers; None: whatever ``types`` says (each type
        apart, pooled, or the only one).
    short : bool
        The short form for chart titles (a chart's legend names the types): ", relationship
        survey", ", per survey type", ", survey types pooled".

    Returns
    -------
    str
        " (relationship survey)", " (per survey type: relationship, transactional)",
        " (survey types pooled: ...)", or "" without a survey-type column (one survey).

    Examples
    --------
    >>> t = survey_types(pd.DataFrame({"survey_type": ["relationship", "in_the_moment"]}))
    >>> type_phrase(t), type_phrase(t, survey_type="relationship")
    (' (per survey type: relationship, in-the-moment)', ' (relationship survey)')
    >>> type_phrase(t, short=True)
    ', per survey type'
    """
    if types.column is None:
        return ""
    if short:
        if types.pooled:
            return ", survey types pooled"
        one = survey_type if survey_type is not None else types.headline
        return (
            f", {type_label(one)} survey"
            if types.by is None or survey_type
            else (", per survey type")
        )
    labels = ", ".join(type_label(t) for t in types.types)
    if types.pooled:
        return f" (survey types pooled: {labels})"
    if survey_type is not None:
        return f" ({type_label(survey_type)} survey)"
    if types.by is None:
        return f" ({type_label(types.headline)} survey)"
    return f" (per survey type: {labels})"


def types_note(types: SurveyTypes) -> str:
    """The sentence the report prints about the survey types and how they are treated.

    Parameters
    ----------
    types : SurveyTypes
        Output of :func:`survey_types`.

    Returns
    -------
    str
        Plain text.

    Examples
    --------
    >>> types_note(survey_types(pd.DataFrame({"ltr": [9]})))
    'One survey type: the data has no survey-type column, so all responses are read as one survey.'
    >>> types_note(survey_types(pd.DataFrame({"survey_type": ["transactional"]})))
    'One survey type: transactional.'
    """
    if types.column is None:
        return (
            "One survey type: the data has no survey-type column, so all responses are read "
            "as one survey."
        )
    labels = [type_label(t) for t in types.types]
    if len(labels) == 1:
        return f"One survey type: {labels[0]}."
    if types.pooled:
        text = (
            f"Survey types pooled as the run asks (pool_survey_types): {_and(labels)} "
            "responses are combined in every figure."
        )
    else:
        text = (
            f"Survey types kept apart: {labels[0]} (the headline figures), "
            f"{_and(labels[1:])} results are shown separately and never combined into one "
            "number."
        )
    if types.untyped and types.by is not None:
        k = types.untyped
        text += (
            f" {plural(k, 'response')} without a survey type "
            f"{'are' if k != 1 else 'is'} left out of the per-type figures."
        )
    return text


def type_rows(
    df: pd.DataFrame, types: SurveyTypes, *, survey_type: str | None = None
) -> pd.DataFrame:
    """The rows of one survey type (the headline type by default).

    When the types are not kept apart (one type, pooled, or no survey-type column), or ``df``
    has no survey-type column (e.g. invitations without one), ``df`` itself.

    Parameters
    ----------
    df : DataFrame
        Responses (or invitations) with the survey-type column.
    types : SurveyTypes
        Output of :func:`survey_types` on the responses.
    survey_type : str, optional
        The type kept; None: ``types.headline``.

    Returns
    -------
    DataFrame
        The rows of that type.

    Examples
    --------
    >>> d = pd.DataFrame({"survey_type": ["transactional", "relationship"], "ltr": [3, 9]})
    >>> type_rows(d, survey_types(d))["ltr"].tolist()
    [9]
    >>> len(type_rows(d, survey_types(d, pool=True)))
    2
    """
    if types.by is None or types.by not in df:
        return df
    keep = types.headline if survey_type is None else survey_type
    return df[df[types.by] == keep]


@fill
def type_by(types: SurveyTypes, *, by: str | Sequence[str] | None = None) -> str | list[str] | None:
    """``by`` with the survey-type column in front when the types are kept apart.

    Parameters
    ----------
    types : SurveyTypes
        Output of :func:`survey_types`.
    {{by}}

    Returns
    -------
    str, list of str or None
        ``[types.by, *by]`` when the types are kept apart, ``by`` unchanged otherwise.

    Examples
    --------
    >>> d = pd.DataFrame({"survey_type": ["transactional", "relationship"]})
    >>> type_by(survey_types(d), by="quarter"), type_by(survey_types(d, pool=True), by="quarter")
    (['survey_type', 'quarter'], 'quarter')
    """
    if types.by is None:
        return by
    rest = as_list(by)
    return [types.by, *[c for c in rest if c != types.by]]


def type_attainment(
    table: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    types: SurveyTypes,
    metric: str = "nps",
    on: str | Sequence[str] = "quarter",
) -> pd.DataFrame:
    """Targets on a metric table computed per survey type (:func:`cxm_lab.metrics.attainment`).

    A targets table with a survey-type column is matched per type. Without one, a target is
    for one number, the headline: it is compared with the rows of the first type in report
    order that has answers in ``table`` (the relationship NPS; for CES, asked only after
    interactions, the transactional survey); the rows of the other types get no target.

    Parameters
    ----------
    table : DataFrame
        A metric table (e.g. :func:`cxm_lab.metrics.nps` by ``type_by(types, by="quarter")``).
    targets : DataFrame
        ``metric``, the ``on`` columns, ``target`` (and optionally the survey-type column).
    types : SurveyTypes
        Output of :func:`survey_types`.
    metric : str
        The metric whose targets are used (``"nps"``, ``"csat"``, ``"ces"``...).
    on : str or list of str
        Columns matching metric rows to target rows.

    Returns
    -------
    DataFrame
        ``table`` with ``target``, ``gap``, ``attained`` (and ``attained_confidently``) as
        :func:`cxm_lab.metrics.attainment` gives them.

    Raises
    ------
    ParameterError
        As :func:`cxm_lab.metrics.attainment`.

    Examples
    --------
    >>> d = pd.DataFrame({"survey_type": ["relationship", "transactional"],
    ...                   "quarter": "2026Q3", "nps": [36.0, 20.0]})
    >>> goals = pd.DataFrame({"metric": ["nps"], "quarter": ["2026Q3"], "target": [35.0]})
    >>> type_attainment(d, goals, types=survey_types(d))["attained"].tolist()
    [True, nan]
    """
    on = [on] if isinstance(on, str) else list(on)
    col = types.by
    if col is None or col not in table:
        return metrics.attainment(table, targets, metric=metric, on=on)
    if col in targets:
        return metrics.attainment(table, targets, metric=metric, on=[col, *on])
    answered = table[table["n"] > 0] if "n" in table else table
    present = set(answered[col].astype(str))
    first = next((t for t in types.types if t in present), types.headline)
    return metrics.attainment(table, targets.assign(**{col: first}), metric=metric, on=[col, *on])


@fill
def type_counts(
    responses: pd.DataFrame, types: SurveyTypes, *, period: str = "quarter"
) -> pd.DataFrame:
    """Responses per period and survey type.

    Parameters
    ----------
    responses : DataFrame
        One row per response.
    types : SurveyTypes
        Output of :func:`survey_types` on ``responses``.
    {{period}}
        Absent: one row for all responses.

    Returns
    -------
    DataFrame
        ``period``, one column of counts per survey type (report order; none without a
        survey-type column) and ``total`` (every response, typed or not).

    Examples
    --------
    >>> d = pd.DataFrame({"quarter": ["2026Q2", "2026Q3", "2026Q3"],
    ...                   "survey_type": ["transactional", "relationship", "transactional"]})
    >>> type_counts(d, survey_types(d)).values.tolist()
    [['2026Q2', 0, 1, 1], ['2026Q3', 1, 1, 2]]
    """
    keys = responses[period] if period in responses else pd.Series("all", index=responses.index)
    keys = keys.rename(period)
    out = pd.DataFrame(index=pd.Index(sorted(keys.dropna().unique()), name=period))
    if types.column is not None:
        col = responses[types.column].astype(object)
        for t in types.types:
            out[t] = keys[col == t].value_counts().reindex(out.index, fill_value=0)
    out["total"] = keys.value_counts().reindex(out.index, fill_value=0)
    return out.astype(np.int64).reset_index()


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
    survey_type: str = "survey_type",
    pool: bool = False,
) -> pd.DataFrame:
    """NPS, CSAT (top-2 %), CES (mean) and eNPS for ``quarter`` with their intervals, the change
    versus the previous quarter with its p-value, and the target.

    With two or more survey types (:func:`survey_types`) each metric gets one row per type,
    in report order (the relationship survey first), and never a row that pools them unless
    ``pool``.

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
    survey_type : str
        The survey-type column of ``responses`` (absent: one survey).
    pool : bool
        Pool the survey types into one row per metric.

    Returns
    -------
    DataFrame
        One row per metric present (per metric and survey type when the types are kept
        apart, with ``survey_type`` after ``metric``; eNPS has none): ``metric``, ``value``, ``ci_low``, ``ci_high`` (the
        metric's own interval: Wald for NPS, Wilson for CSAT, t for CES), ``se``, ``n``,
        ``previous`` (value of the previous period), ``change``, ``se_change``, ``p_value``
        (NaN without a previous period), ``small_n``, ``significant`` (p < 1 − ci and not
        small), and with ``targets`` ``target`` and ``attained``. A target is for the
        metric's first row (its first survey type in report order) unless ``targets`` has a
        ``survey_type`` column, then it is matched per type (see :func:`type_attainment`).

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
    >>> d["survey_type"] = ["relationship", "transactional"] * 4
    >>> h = headline(d, quarter="2026Q3")   # relationship 10, 9 (was 10, 8); transactional 10, 0
    >>> h[["survey_type", "value", "previous"]].values.tolist()
    [['relationship', 100.0, 50.0], ['transactional', 0.0, -50.0]]
    """
    check_level(ci, "headline")
    single = quarter is None or period not in responses
    if not single:
        _check_quarter(responses, period, quarter, "responses")
    types = survey_types(responses, column=survey_type, pool=pool)
    parts = [(t, type_rows(responses, types, survey_type=t)) for t in types.types]
    if types.by is None:
        parts = [(None, responses)]
    sources = [
        (name, df, col or score, t)
        for name, (_, col, _) in _HEADLINE.items()
        if name != "eNPS"
        for t, df in parts
    ]
    if employees is not None and len(employees):
        sources.append(("eNPS", employees, "enps", None))
    rows = []
    for name, df, col, stype in sources:
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
            "survey_type": stype,
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
        *(["survey_type"] if types.by is not None else []),
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
            out["target"] = np.nan
        elif types.by is not None and survey_type in targets:
            t = targets[targets["quarter"] == quarter].set_index(["metric", survey_type])
            pairs = zip(out["metric"].map(key), out["survey_type"], strict=True)
            out["target"] = [t["target"].get(p, np.nan) for p in pairs]
        else:
            t = targets[targets["quarter"] == quarter].set_index("metric")["target"]
            out["target"] = out["metric"].map(key).map(t).where(~out["metric"].duplicated())
        out["attained"] = (out["value"] >= out["target"]).where(out["target"].notna())
    return out


# --------------------------------------------------------------------------- what moved


def answered_groups(
    table: pd.DataFrame, by: Sequence[str] | str, *, n: Sequence[str] | str = "n"
) -> tuple[pd.DataFrame, int]:
    """The rows of a by-group table that are groups to report, and the responses left out.

    A row whose group has no name (the respondents left the question unanswered: NA in a
    ``by`` column) is not a group, and a row with no response (``n`` 0) has nothing to show.
    The metric functions keep both (:func:`cxm_lab.metrics.nps` groups with ``dropna=False``,
    so nothing is dropped silently); a report table leaves them out and says how many responses
    had no answer, as the NPS-by-group chart does (:func:`cxm_lab.plots.plot_metric_by_group`).

    Parameters
    ----------
    table : DataFrame
        One row per group, e.g. from :func:`cxm_lab.metrics.nps` with ``by``.
    by : str or sequence of str
        The group columns.
    n : str or sequence of str
        Count column(s); a row is kept only when every one is above 0 (``["n",
        "n_previous"]`` for a change between two periods).

    Returns
    -------
    tuple of (DataFrame, int)
        The rows kept (index reset), and the responses in the rows without a group name
        (the first ``n`` column's sum over them).

    Examples
    --------
    >>> t = pd.DataFrame({"seg": ["SMB", None, "Ent", "Mid"], "n": [40, 3, 0, 5]})
    >>> kept, without = answered_groups(t, "seg")
    >>> kept["seg"].tolist(), without
    (['SMB', 'Mid'], 3)
    """
    by, counts = as_list(by), as_list(n)
    check_columns(table, [*by, *counts], "answered_groups", "column")
    unnamed = table[by].isna().any(axis=1).to_numpy()
    filled = [pd.to_numeric(table[c], errors="coerce").fillna(0).to_numpy() for c in counts]
    responded = np.logical_and.reduce([f > 0 for f in filled])
    without = int(filled[0][unnamed].sum())
    return table.loc[~unnamed & responded].reset_index(drop=True), without


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
    survey_type: str = "survey_type",
    pool: bool = False,
) -> pd.DataFrame:
    """NPS change versus the previous period for each value of each dimension, with
    p-values adjusted for the number of comparisons and small groups never significant.

    With two or more survey types (:func:`survey_types`) the changes are computed within each
    type (a leading ``survey_type`` column), never across types unless ``pool``; the
    adjustment counts the comparisons of all types.

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
    survey_type : str
        The survey-type column of ``responses`` (absent: one survey).
    pool : bool
        Pool the survey types.

    Returns
    -------
    DataFrame
        ``survey_type`` when the types are kept apart, then :data:`MOVED_COLUMNS`:
        ``dimension``, ``group``, ``n_previous``, ``n``,
        ``nps_previous``, ``nps``, ``change``, ``change_low``, ``change_high`` (unadjusted
        interval), ``p_value`` (two-sample z-test of :func:`cxm_lab.metrics.nps_change`),
        ``p_adjusted`` (NaN for small groups), ``significant``, ``small_n``. Sorted:
        significant groups first, then the other tested groups, then small groups, each by
        absolute change, largest first. Only groups with responses in both periods appear, and
        only groups with a name: the respondents who left a dimension's question unanswered
        (NA) are not a group (:func:`answered_groups`), so they are neither listed nor counted
        among the comparisons.

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
    >>> d["survey_type"] = ["relationship", "transactional"] * 4
    >>> what_moved(d, quarter="2026Q3", dims="segment")[["survey_type", "change"]].values.tolist()
    [['relationship', 50.0], ['transactional', 50.0]]
    """
    if adjust not in ADJUST_METHODS:
        raise ParameterError(f"adjust must be one of {list(ADJUST_METHODS)}, got {adjust!r}")
    check_level(ci, "what_moved")
    if dims is None:
        dims = [d for d in DEFAULT_DIMS if d in responses]
    else:
        dims = as_list(dims)
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
    types = survey_types(responses, column=survey_type, pool=pool)
    parts = [(t, type_rows(sub, types, survey_type=t)) for t in types.types]
    if types.by is None:
        parts = [(None, sub)]
    frames = []
    for stype, part in parts:
        for dim in dims:
            if dim == types.by or not len(part):
                continue
            ch = metrics.nps_change(part, period=period, by=dim, score=score, ci=ci, min_n=min_n)
            ch = ch[ch[period] == quarter].rename(columns={dim: "group"})
            ch, _ = answered_groups(ch, "group", n=["n", "n_previous"])
            ch.insert(0, "dimension", dim)
            if types.by is not None:
                ch.insert(0, "survey_type", stype)
            frames.append(ch)
    frames = [f for f in frames if len(f)]
    columns = (["survey_type"] if types.by is not None else []) + MOVED_COLUMNS
    if not frames:
        empty = _empty_moved()
        if types.by is not None:
            empty.insert(0, "survey_type", pd.Series(dtype=object))
        return empty
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
    return out[columns].reset_index(drop=True)


def _count_word(n: int) -> str:
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words[n] if 0 <= n < len(words) else f"{n:,}"


@fill
def what_moved_note(
    moved: pd.DataFrame,
    *,
    ci: float = 0.95,
    adjust: str = "holm",
    shown: int | None = None,
    rest_at: str = "the table under NPS change by group",
) -> str:
    """The sentence the report prints under the "What moved" table about the correction for
    multiple comparisons, the small groups and, when the table shows only its first rows,
    how many rows are left out and where they are.

    Parameters
    ----------
    moved : DataFrame
        Output of :func:`what_moved`.
    {{ci}}
        The value :func:`what_moved` was called with.
    adjust : {"holm", "fdr_bh", "none"}
        The correction :func:`what_moved` was called with.
    shown : int, optional
        How many of the first rows of ``moved`` the table shows (``moved.head(shown)``);
        None: all of them.
    rest_at : str
        Where the report lists every row, quoted when rows are left out.

    Returns
    -------
    str
        Plain text, e.g. "p-values adjusted for 14 comparisons with Holm's method; significant
        means adjusted p < 0.05. 3 groups with too few responses in one of the quarters are
        shown but not tested."

    Raises
    ------
    ParameterError
        Unknown ``adjust``, or a negative ``shown``.

    Examples
    --------
    >>> m = pd.DataFrame({"p_value": [0.01, 0.2, 0.001], "small_n": [False, False, True]})
    >>> what_moved_note(m)
    "p-values adjusted for 2 comparisons with Holm's method; significant means adjusted p < 0.05. 1 group with too few responses in one of the quarters is shown but not tested."
    >>> what_moved_note(m, shown=1, rest_at="the appendix").split(". ", 2)[2]
    'The table lists the first 1 of the 3 groups (significant changes first, then the largest tested changes, then the untested groups); the other 2 (1 tested, 1 not tested) are in the appendix.'
    """
    if adjust not in ADJUST_METHODS:
        raise ParameterError(f"adjust must be one of {list(ADJUST_METHODS)}, got {adjust!r}")
    if shown is not None and shown < 0:
        raise ParameterError(f"what_moved_note: shown must be 0 or more, got {shown}")
    alpha = f"{1 - ci:.2g}"
    small = moved["small_n"].astype(bool).to_numpy() if len(moved) else np.zeros(0, bool)
    tested = ~small & moved["p_value"].notna().to_numpy() if len(moved) else np.zeros(0, bool)
    m = int(tested.sum())
    comparisons = plural(m, "comparison")
    if m == 0:
        text = "No group had enough responses in both quarters to be tested."
    elif adjust == "none":
        text = (
            f"p-values not adjusted for the {comparisons}: at p < {alpha} about "
            f"{1 - ci:.0%} of unchanged groups show as significant by chance."
        )
    else:
        text = (
            f"p-values adjusted for {comparisons} with {ADJUST_METHODS[adjust]}; "
            f"significant means adjusted p < {alpha}."
        )
    cut = shown is not None and shown < len(moved)
    k = int(small.sum())
    if k:
        k_shown = k if not cut else int(small[:shown].sum())
        where = (
            "shown but not tested"
            if k_shown == k
            else "not tested"
            if k_shown == 0
            else f"not tested ({k_shown} of them shown)"
        )
        text += (
            f" {plural(k, 'group')} with too few responses in one of the quarters "
            f"{'is' if k == 1 else 'are'} {where}."
        )
    if cut:
        rest = len(moved) - shown
        rest_tested = int(tested[shown:].sum())
        text += (
            f" The table lists the first {shown:,} of the {plural(len(moved), 'group')} "
            "(significant changes first, then the largest tested changes, then the untested "
            f"groups); the other {rest:,} ({rest_tested:,} tested, {rest - rest_tested:,} not "
            f"tested) are in {rest_at}."
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
    """A group as a sentence names it: its dimension, a colon and the answer in quotes, so an
    answer that is a phrase of its own ("Never -- I don't use Shiny.") does not run into the
    sentence: ``Shiny: “Never -- I don't use Shiny.”``, ``segment: “SMB”``."""
    group = row["group"]
    answer = "(missing)" if pd.isna(group) else f"\u201c{str(group).strip()}\u201d"
    name = f"{row['dimension']}: {answer}"
    if "survey_type" in row and pd.notna(row["survey_type"]):
        name += f" ({type_label(row['survey_type'])} survey)"
    return name


def moved_sentence(
    moved: pd.DataFrame, *, quarter: str, previous: str | None, max_groups: int = 5
) -> str:
    """The summary sentence about what moved, written from the :func:`what_moved` table.

    It names exactly the groups the table marks ``significant`` (and not ``small_n``), largest
    absolute change first, up to ``max_groups`` (then "and N more"); with none it says so and
    quotes the largest change among the tested groups as within noise. A group reads as its
    dimension, a colon and the answer in quotes (``Shiny: “Never -- I don't use Shiny.” +9.1
    points``), so that an answer written as a phrase does not run into the sentence.

    Parameters
    ----------
    moved : DataFrame
        Output of :func:`what_moved` (needs ``dimension``, ``group``, ``change``,
        ``significant``, ``small_n``; ``nps_previous`` and ``nps`` are quoted when present,
        and ``survey_type`` names the survey after the group when present).
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
    'One group moved significantly between 2026Q2 and 2026Q3: segment: “SMB” −8.1 points (30.0 → 21.9).'
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


def _quotable(
    responses: pd.DataFrame, *, quarter: str | None, text: str, period: str
) -> pd.DataFrame:
    """The rows :func:`select_quotes` chooses from: the period's comments
    (:func:`cxm_lab.text.analysis.has_text`: no blanks, no non-answers such as "None") of more
    than three characters."""
    from cxm_lab.text.analysis import has_text

    sub = responses
    if quarter is not None and period in sub:
        sub = sub[sub[period] == quarter]
    long_enough = sub[text].astype("string").str.strip().str.len().gt(3).fillna(False)
    return sub[has_text(sub[text]).to_numpy(dtype=bool) & long_enough.to_numpy(dtype=bool)]


def _quote_basis(sub: pd.DataFrame, *, score: str, negative: str | None) -> str:
    """How quotes are ranked: "score" (some comment has a score), "sentiment" (no score, but
    the sentiment model's probability of negative), or "sample" (neither: file order)."""
    if score in sub and sub[score].notna().any():
        return "score"
    if negative is not None and negative in sub and sub[negative].notna().any():
        return "sentiment"
    return "sample"


@fill
def select_quotes(
    responses: pd.DataFrame,
    *,
    quarter: str | None = None,
    by: str | None = "language",
    per_group: int = 2,
    text: str = "comment",
    score: str = "ltr",
    negative: str | None = "p_negative",
    period: str = "quarter",
    detractors_first: bool = True,
) -> pd.DataFrame:
    """Pick up to ``per_group`` non-empty comments per ``by`` value (e.g. one language each),
    lowest scores first when ``detractors_first``, for quoting in a report.

    Without a ``period`` column, or with ``quarter=None``, all responses are used; without the
    ``by`` column (or ``by=None``) the ``per_group`` comments are picked from all responses.
    The ranking: by ``score`` (ties: most negative first, when the ``negative`` column is
    there); without any score, by the sentiment model's probability of negative (``negative``,
    most negative first when ``detractors_first``); without either, the comments keep their
    order (a sample, not a ranking: :func:`quotes_lead` says which). Without the ``text``
    column the result is empty. Comments of three characters or fewer are not quoted.

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
    negative : str or None
        Column of the probability that a comment is negative (``p_negative`` of
        :func:`cxm_lab.text.analysis.analyse_comments`): the order without a score, and the
        tie-break within a score; None or absent: not used.
    {{period}}
    detractors_first : bool
        Lowest scores (most negative comments) first; otherwise highest (most positive) first.

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

    Without a score, the most negative comments by the sentiment model come first:

    >>> d = pd.DataFrame({"comment": ["great service", "too slow", "fine I guess"],
    ...                   "p_negative": [0.02, 0.95, 0.40]})
    >>> select_quotes(d, by=None, per_group=2)["comment"].tolist()
    ['too slow', 'fine I guess']
    """
    if text not in responses:
        return responses.iloc[:0].reset_index(drop=True)
    sub = _quotable(responses, quarter=quarter, text=text, period=period)
    group = by is not None and by in sub
    basis = _quote_basis(sub, score=score, negative=negative)
    keys: list[str] = [by] if group else []
    ascending = [True] * group
    if basis == "score":
        keys.append(score)
        ascending.append(detractors_first)
    if basis != "sample" and negative is not None and negative in sub:
        keys.append(negative)
        ascending.append(not detractors_first)
    if keys:
        sub = sub.sort_values(keys, ascending=ascending, kind="stable")
    if group:
        return sub.groupby(by, sort=True).head(per_group).reset_index(drop=True)
    return sub.head(per_group).reset_index(drop=True)


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "Likelihood to recommend" → "likelihood to recommend"; an
    acronym or a name written in capitals ("CSAT", "R Markdown") stays as it is."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def quotes_lead(
    responses: pd.DataFrame,
    *,
    quarter: str | None = None,
    by: str | None = "language",
    per_group: int = 2,
    text: str = "comment",
    score: str = "ltr",
    negative: str | None = "p_negative",
    period: str = "quarter",
    detractors_first: bool = True,
) -> str:
    """What the quotes of :func:`select_quotes` are, called with the same arguments: the
    lowest-scoring comments, the most negative ones by the sentiment model when the survey has
    no score, or a sample in file order when there is neither.

    Parameters
    ----------
    responses : DataFrame
        As given to :func:`select_quotes`.
    quarter, by, per_group, text, score, negative, period, detractors_first
        As given to :func:`select_quotes`.

    Returns
    -------
    str
        Plain text without a final full stop, e.g. "The lowest-scoring comments of the period
        (likelihood to recommend, lowest first), up to two per language"; group and column
        names are inserted as they are, so the caller escapes it (:func:`cxm_lab.report.callout`).

    Examples
    --------
    >>> d = pd.DataFrame({"comment": ["great service", "too slow"], "p_negative": [0.02, 0.95]})
    >>> quotes_lead(d)
    'The most negative comments by the sentiment model (the survey has no score to rank them by), up to two in all'
    >>> quotes_lead(d.drop(columns="p_negative"), per_group=1)
    'A sample of the comments in the order of the file, not a ranking (the survey has no score and no sentiment was scored), up to one in all'
    >>> quotes_lead(d.assign(ltr=[9, 2], language="en", quarter="2026Q3"), quarter="2026Q3")
    'The lowest-scoring comments of the period (likelihood to recommend, lowest first), up to two per language'
    """
    period_words = "of the period" if quarter is not None and period in responses else ""
    sub = (
        _quotable(responses, quarter=quarter, text=text, period=period)
        if text in responses
        else responses.iloc[:0]
    )
    basis = _quote_basis(sub, score=score, negative=negative)
    which = "lowest" if detractors_first else "highest"
    if basis == "score":
        lead = (
            f"The {which}-scoring comments {period_words} "
            f"({_in_sentence(column_label(score))}, {which} first)"
        )
    elif basis == "sentiment":
        tone = "negative" if detractors_first else "positive"
        lead = (
            f"The most {tone} comments {period_words} by the sentiment model "
            "(the survey has no score to rank them by)"
        )
    else:
        lead = (
            f"A sample of the comments {period_words} in the order of the file, not a ranking "
            "(the survey has no score and no sentiment was scored)"
        )
    lead = " ".join(lead.split())
    count = _count_word(per_group)
    group = by is not None and by in sub
    return f"{lead}, up to {count} " + (
        f"per {_in_sentence(column_label(by))}" if group else "in all"
    )


@dataclass(frozen=True)
class TrendTable:
    """The rows of a trend chart and, when they cannot make a trend, why not.

    Attributes
    ----------
    table : DataFrame
        The rows with at least ``min_n`` observations (the points the chart may draw).
    reason : str or None
        One sentence saying why no chart is drawn (fewer than two periods left, or no group
        left); None when the chart can be drawn.
    """

    table: pd.DataFrame
    reason: str | None


@fill
def trend_table(
    table: pd.DataFrame,
    *,
    period: str = "quarter",
    n: str = "n",
    min_n: int = 30,
    noun: str = "comment",
    what: str = "The trend chart",
) -> TrendTable:
    """Keep the points of a trend chart that rest on ``min_n`` or more observations, and say
    why no chart is drawn when fewer than two periods are left.

    A "trend" of one period, or of none, is an empty or degenerate chart: the report says why
    in one sentence instead.

    Parameters
    ----------
    table : DataFrame
        One row per period (and group), with the number of observations in ``n``, e.g.
        :func:`cxm_lab.text.analysis.share_by` by quarter and segment.
    {{period}}
    n : str
        Column of the number of observations behind each point.
    {{min_n}}
        Here: the fewest observations a point may rest on.
    noun : str
        What ``n`` counts, in the singular ("comment", "response").
    what : str
        The chart's name, the subject of the reason ("Negative comments by segment over
        time"); data in it (a column name) is inserted as it is, so the caller escapes the
        reason (:func:`cxm_lab.report.callout`).

    Returns
    -------
    TrendTable
        ``table`` (the kept rows) and ``reason`` (None when at least two periods are left).

    Raises
    ------
    ColumnError
        ``period`` or ``n`` is not a column of ``table``.

    Examples
    --------
    >>> t = pd.DataFrame({"quarter": ["2026Q2", "2026Q3", "2026Q3"], "segment": ["A", "A", "B"],
    ...                   "n": [12, 40, 35], "pct": [10.0, 20.0, 30.0]})
    >>> got = trend_table(t, min_n=30)
    >>> len(got.table), got.reason
    (2, 'The trend chart is not drawn: only 2026Q3 has a group with 30 or more comments, and a trend needs two periods or more.')
    >>> trend_table(t, min_n=10).reason is None
    True
    >>> trend_table(t, min_n=50, what="Negative comments by segment over time").reason
    'Negative comments by segment over time is not drawn: no group has 50 or more comments in any period.'
    """
    check_columns(table, [period, n], "trend_table", "table")
    kept = table[pd.to_numeric(table[n], errors="coerce").fillna(0) >= min_n]
    periods = sorted(kept[period].dropna().astype(str).unique())
    many = f"{min_n:,} or more {noun}s"
    if not periods:
        reason = f"{what} is not drawn: no group has {many} in any period."
    elif len(periods) == 1:
        reason = (
            f"{what} is not drawn: only {periods[0]} has a group with {many}, and a trend "
            "needs two periods or more."
        )
    else:
        reason = None
    return TrendTable(kept, reason)


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


def headline_cards(
    head: pd.DataFrame, *, quarter: str | None, previous: str | None, first_per_metric: bool = False
) -> list[dict]:
    """KPI cards (``label``, ``value``, ``detail``) from :func:`headline`'s table.

    Each card holds the value, its interval, the change versus the previous period with its
    p-value when there is one, and the target when set; with a ``survey_type`` column its
    label names the survey. Plain text: the display helper escapes it.

    Parameters
    ----------
    head : DataFrame
        Output of :func:`headline`.
    quarter, previous : str or None
        The report period and the one it is compared with, as they should read.
    first_per_metric : bool
        One card per metric: its first row, the headline survey type (the relationship
        survey for NPS when present).

    Returns
    -------
    list of dict
        One card per row of ``head`` (per metric with ``first_per_metric``).

    Examples
    --------
    >>> h = pd.DataFrame({"metric": ["NPS"], "value": [32.04], "ci_low": [25.0],
    ...                   "ci_high": [39.1], "n": [1200], "change": [float("nan")]})
    >>> headline_cards(h, quarter="2026Q3", previous=None)[0]["value"]
    '32.0'
    """
    if first_per_metric:
        head = head[~head["metric"].duplicated()]
    cards = []
    for r in head.to_dict("records"):
        detail = f"95% CI {r['ci_low']:.1f} to {r['ci_high']:.1f}; n = {int(r['n']):,}"
        if pd.notna(r.get("change")):
            sig = "significant" if r.get("significant") else "not significant"
            detail += f"; {r['change']:+.1f} vs {previous} ({sig}, p = {r['p_value']:.2f})"
        if pd.notna(r.get("target")):
            detail += f"; target {r['target']:g} {'met' if r.get('attained') else 'missed'}"
        label = f"{r['metric']} {quarter}" if quarter else str(r["metric"])
        if pd.notna(r.get("survey_type")):
            label += f" · {type_label(r['survey_type'])}"
        cards.append({"label": label, "value": f"{r['value']:.1f}", "detail": detail})
    return cards


@fill
def headline_sentence(
    head: pd.DataFrame, *, quarter: str | None, previous: str | None, ci: float = 0.95
) -> str:
    """One plain-text sentence about the first headline metric (NPS when present; the
    relationship NPS when the survey types are kept apart, and the sentence says which).

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
    if pd.notna(r.get("survey_type")):
        when = f" ({type_label(r['survey_type'])} survey){when}"
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
    df: pd.DataFrame,
    *,
    drivers: Mapping[str, str],
    ci: float = 0.95,
    min_n: int = 30,
    scales: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Mean of each rating column with its t interval.

    Computed by :func:`cxm_lab.metrics.ces` on each column's own observed scale, so the mean
    and its interval are written once (:func:`cxm_lab.stats.t_interval`). Columns without any
    answer are left out. Means of questions asked on different scales (a 1–5 and a 0–10
    question) cannot be read side by side without their scales: pass ``scales`` to list each
    one's.

    Parameters
    ----------
    {{df}}
    drivers : mapping
        Rating column -> label shown in ``attribute``.
    {{ci}}
    {{min_n}}
    scales : mapping, optional
        Rating column -> (lowest, highest) possible answer, e.g.
        :func:`cxm_lab.brief.rating_scales`; adds a ``scale`` column ("1–5"; "" for a column
        it lacks).

    Returns
    -------
    DataFrame
        ``attribute``, (``scale``,) ``n``, ``mean``, ``ci_low``, ``ci_high``, ``small_n``.

    Examples
    --------
    >>> d = pd.DataFrame({"speed": [4, 5, 3, 4], "price": [2, None, 4, 3]})
    >>> t = rating_means(d, drivers={"speed": "Speed", "price": "Price"})
    >>> t[["attribute", "n", "mean"]].values.tolist()
    [['Speed', 4, 4.0], ['Price', 3, 3.0]]
    >>> rating_means(d, drivers={"speed": "Speed", "price": "Price"},
    ...              scales={"speed": (1.0, 5.0), "price": (0.0, 10.0)})["scale"].tolist()
    ['1–5', '0–10']
    """
    rows = []
    for col, label in drivers.items():
        x = pd.to_numeric(df[col], errors="coerce").astype(float)
        if x.notna().sum() == 0:
            continue
        # The scale only bounds the answers here (the mean and its interval do not depend
        # on it): the known one widened to every answer, and never a single point (one
        # answer given by everyone: ces needs lowest < highest)
        lo, hi = (scales or {}).get(col, (np.inf, -np.inf))
        lo, hi = min(float(lo), np.floor(x.min())), max(float(hi), np.ceil(x.max()))
        scale = (float(lo), float(max(hi, lo + 1)))
        m = metrics.ces(
            df.assign(**{col: x}), score=col, scale=scale, top_box=scale[1], ci=ci, min_n=min_n
        )
        r = m.iloc[0]
        row = {"attribute": label}
        if scales is not None:
            lo_hi = scales.get(col)
            row["scale"] = scale_text(lo_hi) if lo_hi is not None else ""
        row.update(
            {
                "n": int(r["n"]),
                "mean": float(r["ces_mean"]),
                "ci_low": float(r["mean_ci_low"]),
                "ci_high": float(r["mean_ci_high"]),
                "small_n": bool(r["small_n"]),
            }
        )
        rows.append(row)
    columns = ["attribute", *(["scale"] if scales is not None else [])]
    return pd.DataFrame(rows, columns=[*columns, "n", "mean", "ci_low", "ci_high", "small_n"])


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


# --------------------------------------------------------------------------- weighting

#: Columns of the :func:`weighted_comparison` table after the ``by`` columns.
_WEIGHTED_COLUMNS = [
    "n",
    "nps",
    "ci_low",
    "ci_high",
    "n_eff",
    "nps_weighted",
    "weighted_ci_low",
    "weighted_ci_high",
    "difference",
    "small_n",
]


@fill
def weighted_comparison(
    responses: pd.DataFrame,
    weights: pd.Series,
    *,
    by: str | Sequence[str] | None = "quarter",
    score: str = "ltr",
    ci: float = 0.95,
    min_n: int = 30,
) -> pd.DataFrame:
    """The unweighted NPS next to the NPS weighted by ``weights`` (e.g. non-response weights),
    per group, each with its interval.

    Parameters
    ----------
    responses : DataFrame
        One row per response.
    weights : Series
        One weight per response, with the index of ``responses`` (e.g.
        :func:`cxm_lab.weighting.nonresponse_weights`).
    {{by}}
    {{score}}
        Here: the NPS question.
    {{ci}}
    {{min_n}}
        Compared with the unweighted n.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``n``, ``nps``, ``ci_low``, ``ci_high`` (unweighted, Wald),
        ``n_eff`` (Kish effective n of the weights), ``nps_weighted``, ``weighted_ci_low``,
        ``weighted_ci_high`` (Wald on ``n_eff``), ``difference`` (weighted − unweighted,
        points), ``small_n``.

    Raises
    ------
    ParameterError
        A weight missing, negative or infinite on an answered row (e.g. ``weights`` not
        aligned with ``responses``), or the checks of :func:`cxm_lab.metrics.nps`.

    Examples
    --------
    >>> d = pd.DataFrame({"ltr": [10, 0, 0]})
    >>> w = pd.Series([2.0, 0.5, 0.5])   # weighted: (2 − 1) / 3 = 1/3
    >>> t = weighted_comparison(d, w, by=None)
    >>> round(float(t["nps"].iloc[0]), 1), round(float(t["nps_weighted"].iloc[0]), 1)
    (-33.3, 33.3)
    """
    weight = "nonresponse_weight"
    w = pd.Series(weights).reindex(responses.index)
    d = responses.assign(**{weight: w.to_numpy(dtype=float)})
    plain = metrics.nps(d, score=score, by=by, ci=ci, min_n=min_n)
    weighted = metrics.nps(d, score=score, by=by, weight=weight, ci=ci, min_n=min_n)
    keys = as_list(by)
    out = plain[[*keys, "n", "nps", "ci_low", "ci_high", "small_n"]].copy()
    out["n_eff"] = weighted["n_eff"].to_numpy()
    out["nps_weighted"] = weighted["nps"].to_numpy()
    out["weighted_ci_low"] = weighted["ci_low"].to_numpy()
    out["weighted_ci_high"] = weighted["ci_high"].to_numpy()
    out["difference"] = out["nps_weighted"] - out["nps"]
    return out[[*keys, *_WEIGHTED_COLUMNS]].reset_index(drop=True)


def weighted_note(
    table: pd.DataFrame, *, by: str = "quarter", what: str = "the NPS", how: str = "weighting"
) -> str:
    """One sentence about how far weighting moves the figures of :func:`weighted_comparison`.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`weighted_comparison`.
    by : str
        Its group column (the last row is quoted: the latest period).
    what : str
        The figure, as it should read (e.g. "the relationship NPS").
    how : str
        The weighting, as it should read (e.g. "weighting by channel response rates").

    Returns
    -------
    str
        Plain text: the range of the differences, the last group's figures and whether every
        weighted figure lies within the unweighted interval.

    Examples
    --------
    >>> t = pd.DataFrame({"quarter": ["2026Q2", "2026Q3"], "nps": [30.0, 32.0],
    ...                   "ci_low": [25.0, 27.0], "ci_high": [35.0, 37.0],
    ...                   "nps_weighted": [31.0, 31.5], "difference": [1.0, -0.5]})
    >>> weighted_note(t)
    'Weighting moves the NPS by −0.5 to +1.0 points per quarter (2026Q3: 32.0 unweighted, 31.5 weighted); every weighted figure lies within the unweighted confidence interval.'
    """
    t = table[table["difference"].notna()]
    if not len(t):
        return f"{how.capitalize()} leaves no figure to compare."
    lo, hi = float(t["difference"].min()), float(t["difference"].max())
    span = (
        f"{_signed(lo)} points" if np.isclose(lo, hi) else f"{_signed(lo)} to {_signed(hi)} points"
    )
    last = t.iloc[-1]
    per = f" per {by}" if by in t and len(t) > 1 else ""
    where = f"{last[by]}: " if by in t else ""
    text = (
        f"{how.capitalize()} moves {what} by {span}{per} ({where}{_num(last['nps'])} "
        f"unweighted, {_num(last['nps_weighted'])} weighted)"
    )
    outside = t[(t["nps_weighted"] < t["ci_low"]) | (t["nps_weighted"] > t["ci_high"])]
    if len(outside) == 0:
        return text + "; every weighted figure lies within the unweighted confidence interval."
    names = ", ".join(str(v) for v in outside[by]) if by in outside else "the figure"
    return text + f"; outside the unweighted confidence interval in {names}."


# --------------------------------------------------------------------------- data quality


def read_notes(notes: Mapping[str, Sequence[str]] | None) -> pd.DataFrame:
    """What the importer noted about each file it read, one row per note, for the report.

    The notes say how a file was read and what it held that the report cannot use as it is:
    a placeholder date read as no date (so the report has no quarters), incomplete responses
    rejected, 1/0 answers read as Yes/No, renamed headers. A run keeps them in the dataset's
    ``config["notes"]`` (:func:`cxm_lab.ingest.prepare_dataset`; also ``read_notes`` in
    ``manifest.json``).

    Parameters
    ----------
    notes : mapping or None
        File name → its notes in the order the importer wrote them (``ds.config["notes"]``);
        None or empty for tables in the project's own layout, which have none.

    Returns
    -------
    DataFrame
        ``file`` and ``note`` as plain text (a table helper such as
        :func:`cxm_lab.report.show_table` escapes them); no rows without notes.

    Examples
    --------
    >>> read_notes({"export.csv": ["40 incomplete responses rejected", "headings: codes"],
    ...             "other.csv": []}).values.tolist()
    [['export.csv', '40 incomplete responses rejected'], ['export.csv', 'headings: codes']]
    >>> len(read_notes(None))
    0
    """
    rows = [
        (str(file), str(note))
        for file, file_notes in (notes or {}).items()
        for note in file_notes or ()
        if str(note).strip()
    ]
    return pd.DataFrame(rows, columns=["file", "note"], dtype=object)


def theme_fit_lead(n_comments: int, n_matched: int) -> str:
    """The clause that gives the measured fit of the default theme list, the one wording the
    text section (:func:`theme_fit_sentence`) and the brief
    (:func:`cxm_lab.brief.theme_fit_finding`) open with.

    Parameters
    ----------
    n_comments : int
        Comments considered (at least 1).
    n_matched : int
        Those that match a default theme well.

    Returns
    -------
    str
        "Only 18% of 1,250 comments match one of the default themes well" (the share rounded
        to a whole percent).

    Examples
    --------
    >>> theme_fit_lead(1250, 225)   # 225 / 1250 = 18 %
    'Only 18% of 1,250 comments match one of the default themes well'
    """
    share = 100 * n_matched / n_comments
    return (
        f"Only {share:.0f}% of {plural(n_comments, 'comment')} match one of the default themes well"
    )


def theme_fit_sentence(n_comments: int, n_matched: int, *, min_similarity: float) -> str:
    """The sentence that says how well the default theme list fits a survey's comments.

    Parameters
    ----------
    n_comments : int
        Comments considered (:attr:`cxm_lab.text.topics.ThemeFit.n_comments`).
    n_matched : int
        Those that match a default theme well (:attr:`cxm_lab.text.topics.ThemeFit.n_matched`).
    min_similarity : float
        The similarity that counts as a good match.

    Returns
    -------
    str
        "Only 18% of 1,250 comments match one of the default themes well ..." (the share rounded
        to a whole percent); "" without comments.

    Examples
    --------
    >>> theme_fit_sentence(1250, 225, min_similarity=0.85)[:61]   # 225 / 1250 = 18 %
    'Only 18% of 1,250 comments match one of the default themes we'
    """
    if n_comments <= 0:
        return ""
    return (
        f"{theme_fit_lead(n_comments, n_matched)} (a clause at similarity "
        f"{min_similarity:.2f} or more), so the default list of "
        "customer-experience themes does not describe this survey; a comment keeps a default "
        "theme here only when the match is very close. The themes found in the comments "
        "themselves (discovered themes, below) describe them better: set themes: in the "
        "params file to your own codeframe (README, 'Your own data')."
    )
