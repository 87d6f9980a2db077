"""The executive brief: page 1 of the report, computed from the tables it summarises.

A brief answers five questions: how are we doing (KPI tiles: value, interval, change with its
direction, target status by word and by tone), why (themes customers raise, with their
sentiment and NPS impact; drivers by importance and performance), what is it worth (revenue
at stake and one recommended value of an NPS point), what do we do first (a ranked
**Priorities** table) and who owns it (each priority's owner and close-the-loop status).

Every sentence is generated from a table value by a function of this module that takes the
table (:func:`status_sentence`, :func:`theme_sentence`, :func:`driver_sentence`,
:func:`worth_sentence`; what moved is :func:`cxm_lab.summary.moved_sentence`): change the table
and the sentence changes with it. The sentences and the tables are plain text with the data's
own strings inside; a report shows them only through :mod:`cxm_lab.report` helpers
(``callout``, ``show_table``, ``kpi_cards``), which escape them with :mod:`cxm_lab.safe`.

Scope: the brief follows the headline survey (:func:`cxm_lab.summary.survey_types`: the
relationship survey when the data has survey types). Its drivers, themes and groups are those
of the headline survey's responses in the report quarter, so they explain the headline NPS.

Ranking (:func:`rank_priorities`)
---------------------------------
Each candidate fix (a driver, a driver within a group, a theme, or a group such as a segment)
carries up to three kinds of evidence:

- ``driver_evidence`` = importance (% of explained variance) × performance gap (the drivers'
  average rating − this driver's rating, when below average), drivers only. Ratings are
  compared within one scale: when the drivers use different scales (a 1–5 and a 0–10
  question, :func:`rating_scales`), every rating is read as a percentage of its scale's range
  (:func:`percent_of_scale`) before averaging, and the words say so;
- ``nps_points`` = NPS points at stake: NPS(all) − NPS(all without the theme or group), sign
  flipped so that a drag is positive (:func:`cxm_lab.text.topics.theme_impact`), themes and
  groups only (a group with fewer than ``min_n`` scored responses is not tested, so it is no
  candidate);
- ``revenue_at_stake`` = annual revenue (``arr``) of the accounts with a detractor response in
  the candidate × the detractor churn rate (%/100) of :func:`cxm_lab.revenue.revenue_at_risk`.

Each kind is scaled by its largest value among the candidates (e' = e / max e; a missing or
non-positive value counts 0), and

    score = (e'_driver + e'_points) × (1 + e'_revenue)

The first factor is the evidence that something is wrong (a below-average rating that matters,
or a measured drag on NPS); the second scales it by the money it touches, up to double. Revenue
alone never puts a candidate on the list: a large segment holds much revenue whether or not it
has a problem. Candidates with score 0 (nothing below par) are not listed, nor themes and
groups whose drag is within sampling noise (their interval includes zero), nor drivers whose
importance interval reaches down to none (below :data:`MIN_IMPORTANCE`, 0.5 % of explained
variance: it reads "0%"). Ties: more revenue
at stake, then more NPS points, then the name. When nothing is left, a "What to fix first"
finding says what was looked for and not found.

Periods: the brief compares the report quarter with the one before only when that one has
responses; otherwise (e.g. all responses in one quarter) it says so and ``Brief.previous`` is
None, so that no caption claims a comparison.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cxm_lab import summary
from cxm_lab.docstrings import fill
from cxm_lab.errors import DataError, ParameterError, as_list, check_int, check_level, need
from cxm_lab.report import format_p, plural
from cxm_lab.scales import fit_scale, scale_text

if TYPE_CHECKING:
    from cxm_lab.text.topics import ThemeFit

__all__ = [
    "CANDIDATE_COLUMNS",
    "EVIDENCE",
    "MIN_IMPORTANCE",
    "PRIORITY_COLUMNS",
    "TILE_COLUMNS",
    "Brief",
    "Finding",
    "build_brief",
    "comparable_ratings",
    "driver_candidates",
    "driver_sentence",
    "findings_table",
    "group_candidates",
    "kpi_tiles",
    "percent_of_scale",
    "rank_priorities",
    "rating_scales",
    "recommend_point_value",
    "status_sentence",
    "theme_candidates",
    "theme_fit_finding",
    "theme_sentence",
    "tile_cards",
    "worth_sentence",
]

#: Columns of the :func:`kpi_tiles` table.
TILE_COLUMNS: list[str] = [
    "metric",
    "survey_type",
    "value",
    "ci_low",
    "ci_high",
    "n",
    "previous",
    "change",
    "p_value",
    "significant",
    "direction",
    "target",
    "gap",
    "status",
    "status_text",
    "tone",
]

#: Least importance (% of explained variance) of a driver candidate, at the low end of its
#: interval where it has one: below it (it reads "0%") the driver cannot be told from none.
MIN_IMPORTANCE = 0.5

#: Columns of a candidate table (:func:`driver_candidates`, :func:`theme_candidates`,
#: :func:`group_candidates`), the input of :func:`rank_priorities`.
CANDIDATE_COLUMNS: list[str] = [
    "kind",
    "key",
    "name",
    "group",
    "importance",
    "importance_low",
    "importance_high",
    "performance",
    "rating",
    "scale",
    "average",
    "gap",
    "driver_evidence",
    "nps_with",
    "nps_points",
    "points_low",
    "points_high",
    "revenue_at_stake",
    "money_low",
    "money_high",
    "note",
]

#: The candidate columns that hold text (the others hold numbers).
_TEXT_COLUMNS = ("kind", "key", "name", "group", "scale", "note")

#: The evidence columns :func:`rank_priorities` combines, in tie-break order after the score.
EVIDENCE: tuple[str, ...] = ("driver_evidence", "nps_points", "revenue_at_stake")

#: Columns of the priorities table of :func:`build_brief` (owner and loop status added to
#: :func:`rank_priorities`' ranking).
PRIORITY_COLUMNS: list[str] = [
    "rank",
    "fix",
    "owner",
    "evidence",
    "uncertainty",
    "loop_status",
    "score",
]

#: Unit of a change / gap per headline metric (start of its name), for the words.
_UNITS = {"NPS": "points", "eNPS": "points", "CSAT": "points", "CES": ""}

UNASSIGNED = "unassigned"


# --------------------------------------------------------------------------- formatting


def _signed(x: float, spec: str = ".1f") -> str:
    s = format(float(x), "+" + spec)
    return s.replace("-", "\u2212") if float(s) != 0 else format(0.0, spec)


def _num(x: float, spec: str = ".1f") -> str:
    return format(float(x), spec).replace("-", "\u2212")


def _money(x: float, currency: str | None = None, *, short: bool = False) -> str:
    """USD 1.28 million / USD 121,000 (three significant figures); short: USD 1.28M / USD 121k."""
    if x is None or not np.isfinite(x):
        return "–"
    a = abs(float(x))
    if a >= 1e6:
        text = f"{a / 1e6:.3g}" + ("M" if short else " million")
    elif short and a >= 1e3:
        text = f"{a / 1e3:.3g}k"
    elif a >= 1:
        digits = int(math.floor(math.log10(a)))
        text = f"{round(a, 2 - digits):,.0f}"
    else:
        text = f"{a:.2f}"
    text = ("\u2212" if x < 0 else "") + text
    return f"{currency} {text}" if currency else text


def _unit(metric: str) -> str:
    return next((u for k, u in _UNITS.items() if str(metric).startswith(k)), "points")


def _metric_name(row: Mapping) -> str:
    name = str(row["metric"])
    st = row.get("survey_type")
    if st is not None and not (isinstance(st, float) and np.isnan(st)) and pd.notna(st):
        return f"{summary.type_label(st).capitalize()} {name}"
    return name


# --------------------------------------------------------------------------- tiles


def kpi_tiles(head: pd.DataFrame) -> pd.DataFrame:
    """The KPI tiles: one row per headline metric with its change and target status.

    Parameters
    ----------
    head : DataFrame
        Output of :func:`cxm_lab.summary.headline`. The first row of each metric is its tile
        (the headline survey type: the relationship survey for NPS when present).

    Returns
    -------
    DataFrame
        :data:`TILE_COLUMNS`: the metric's ``value``, ``ci_low``, ``ci_high``, ``n``,
        ``previous``, ``change``, ``p_value`` and ``significant`` as ``head`` has them;
        ``direction`` ("up", "down", "no change" at one decimal, "" without a previous period);
        ``target`` and ``gap`` = value − target; ``status`` ("met", "below", "no target"; every
        headline metric is better higher, CES being the ease score); ``status_text`` the status
        in words ("below target 40 by 5.8 points"); ``tone`` ("good", "bad", "neutral") for the
        tile's colour.

    Examples
    --------
    >>> h = pd.DataFrame({"metric": ["NPS", "NPS"], "survey_type": ["relationship", "transactional"],
    ...                   "value": [34.2, 27.1], "ci_low": [25.8, 20.6], "ci_high": [42.6, 33.7],
    ...                   "n": [357, 564], "previous": [39.2, 27.6], "change": [-5.0, -0.4],
    ...                   "p_value": [0.39, 0.93], "significant": [False, False],
    ...                   "target": [40.0, None]})
    >>> t = kpi_tiles(h)
    >>> t[["metric", "direction", "status", "status_text", "tone"]].values.tolist()
    [['NPS', 'down', 'below', 'below target 40 by 5.8 points', 'bad']]
    """
    need(head, ["metric", "value", "ci_low", "ci_high", "n"], "kpi_tiles: head")
    first = head[~head["metric"].duplicated()].reset_index(drop=True)
    out = pd.DataFrame({c: first[c] if c in first else np.nan for c in TILE_COLUMNS[:10]})
    out["survey_type"] = out["survey_type"].astype(object)
    change = pd.to_numeric(out["change"], errors="coerce").astype(float)
    out["direction"] = np.where(
        change.isna(),
        "",
        np.where(change.round(1) > 0, "up", np.where(change.round(1) < 0, "down", "no change")),
    )
    target = (
        pd.to_numeric(first["target"], errors="coerce")
        if "target" in first
        else pd.Series(np.nan, index=first.index)
    )
    out["target"] = target.astype(float)
    out["gap"] = out["value"].astype(float) - out["target"]
    status, words, tone = [], [], []
    for metric, tgt, gap in zip(out["metric"], out["target"], out["gap"], strict=True):
        if not np.isfinite(tgt):
            status.append("no target")
            words.append("no target set")
            tone.append("neutral")
            continue
        met = gap >= 0
        status.append("met" if met else "below")
        tone.append("good" if met else "bad")
        where = "above" if round(gap, 1) > 0 else ("below" if not met else "on")
        size = f" by {_num(abs(gap))} {_unit(metric)}".rstrip() if where != "on" else ""
        words.append(f"{where} target {tgt:g}{size}")
    out["status"], out["status_text"], out["tone"] = status, words, tone
    return out[TILE_COLUMNS]


def tile_cards(tiles: pd.DataFrame, *, previous: str | None = None, ci: float = 0.95) -> list[dict]:
    """Cards for :func:`cxm_lab.report.kpi_cards` from :func:`kpi_tiles`' table.

    Each card: ``label`` (metric and survey), ``value``, ``detail`` (target status in words
    first, then the change with its direction and verdict, then the interval),
    ``status`` (the status in words alone) and ``tone`` ("good", "bad", "neutral": the colour
    a display may give the card). Plain text; the display helper escapes it.

    Parameters
    ----------
    tiles : DataFrame
        Output of :func:`kpi_tiles`.
    previous : str, optional
        The period the change is against, as it should read.
    {{ci}}
        The level of the intervals (quoted).

    Returns
    -------
    list of dict
        One card per tile.

    Examples
    --------
    >>> t = pd.DataFrame({"metric": ["NPS"], "survey_type": ["relationship"], "value": [34.17],
    ...                   "ci_low": [25.8], "ci_high": [42.6], "n": [357], "change": [-5.0],
    ...                   "p_value": [0.39], "significant": [False], "direction": ["down"],
    ...                   "status_text": ["below target 40 by 5.8 points"], "tone": ["bad"]})
    >>> c = tile_cards(t, previous="2026Q2")[0]
    >>> c["label"], c["value"], c["tone"]
    ('Relationship NPS', '34.2', 'bad')
    >>> c["detail"]
    'Below target 40 by 5.8 points · ↓ 5.0 vs 2026Q2 (not significant) · 95% CI 25.8–42.6'

    One response has no interval (it read "95% CI nan–nan"):

    >>> one = t.assign(ci_low=np.nan, ci_high=np.nan, n=1, direction=None)
    >>> tile_cards(one, previous=None)[0]["detail"]
    'Below target 40 by 5.8 points · no 95% CI from 1 response'
    """
    cards = []
    for r in tiles.to_dict("records"):
        parts = [str(r["status_text"])[:1].upper() + str(r["status_text"])[1:]]
        if r.get("direction"):
            arrow = {"up": "↑", "down": "↓"}.get(r["direction"], "→")
            verdict = "significant" if r.get("significant") else "not significant"
            when = f" vs {previous}" if previous else ""
            parts.append(f"{arrow} {_num(abs(r['change']))}{when} ({verdict})")
        if np.isfinite([r["ci_low"], r["ci_high"]]).all():
            parts.append(f"{ci:.0%} CI {_num(r['ci_low'])}–{_num(r['ci_high'])}")
        elif r.get("n") is not None and np.isfinite(r["n"]):  # one answer has no spread
            parts.append(f"no {ci:.0%} CI from {plural(int(r['n']), 'response')}")
        cards.append(
            {
                "label": _metric_name(r),
                "value": _num(r["value"]),
                "detail": " · ".join(parts),
                "status": str(r["status_text"]),
                "tone": str(r["tone"]),
            }
        )
    return cards


@fill
def status_sentence(
    tiles: pd.DataFrame, *, quarter: str | None, previous: str | None, ci: float = 0.95
) -> str:
    """How we are doing: the first tile (the headline metric), its change and its target.

    Parameters
    ----------
    tiles : DataFrame
        Output of :func:`kpi_tiles`.
    quarter, previous : str or None
        The report period and the one it is compared with, as they should read.
    {{ci}}
        The level of the intervals (quoted).

    Returns
    -------
    str
        Plain text.

    Examples
    --------
    >>> t = pd.DataFrame({"metric": ["NPS", "CSAT (top-2 %)"],
    ...                   "survey_type": ["relationship", "relationship"],
    ...                   "value": [34.2, 81.9], "ci_low": [25.8, 77.4], "ci_high": [42.6, 85.6],
    ...                   "n": [357, 331], "change": [-5.0, -0.6], "p_value": [0.39, 0.85],
    ...                   "significant": [False, False], "direction": ["down", "down"],
    ...                   "target": [40.0, 80.0], "status": ["below", "met"],
    ...                   "status_text": ["below target 40 by 5.8 points", "x"]})
    >>> status_sentence(t, quarter="2026Q3", previous="2026Q2")
    'Relationship NPS is 34.2 in 2026Q3 (95% CI 25.8 to 42.6, n = 357), down 5.0 points on 2026Q2, within sampling noise (p = 0.390), and below target 40 by 5.8 points.'
    """
    if not len(tiles):
        return "No headline metric could be computed from the data."
    r = tiles.iloc[0].to_dict()
    when = f" in {quarter}" if quarter else ""
    text = (
        f"{_metric_name(r)} is {_num(r['value'])}{when} ({ci:.0%} CI {_num(r['ci_low'])} to "
        f"{_num(r['ci_high'])}, n = {int(r['n']):,})"
    )
    unit = _unit(r["metric"])
    if r.get("direction") in ("up", "down"):
        verdict = (
            "a statistically significant change"
            if r.get("significant")
            else f"within sampling noise (p = {format_p(r.get('p_value'))})"
        )
        text += f", {r['direction']} {_num(abs(r['change']))} {unit} on {previous}, {verdict}"
    elif r.get("direction") == "no change":
        text += f", unchanged on {previous}"
    if r.get("status") in ("met", "below"):
        text += f", and {r['status_text']}"
    return text + "."


# --------------------------------------------------------------------------- rating scales


def rating_scales(
    df: pd.DataFrame,
    columns: Sequence[str],
    *,
    known: Mapping[str, Sequence[float]] | None = None,
) -> dict[str, tuple[float, float]]:
    """The scale each rating column was answered on: its lowest and highest possible answer.

    A scale in ``known`` (the params file's ``scales:``, which ``cxm-lab init`` writes from the
    answers and choice labels of the whole export, :attr:`cxm_lab.io.Dataset.scales`) wins.
    Any other column's scale is read from its answers in ``df`` by the rule ``cxm-lab init``
    uses (:func:`cxm_lab.scales.fit_scale`: a scale the whole-number answers span end to end,
    else the narrowest common one, 1–5, 1–7, 0–10, that holds them). A column that fits none
    (decimals, a wider range) gets its observed range, rounded outwards. Pass every response,
    not one period's: a question's scale does not change from quarter to quarter, and a
    period in which nobody chose an end would otherwise read as another scale.

    Parameters
    ----------
    df : DataFrame
        One row per response (all periods).
    columns : sequence of str
        The rating columns.
    known : mapping, optional
        Column → (lowest, highest) possible answer, taken as it is.

    Returns
    -------
    dict
        Column → (lowest, highest); a column without a known scale is left out when it has no
        numeric answer or only one value (everyone answered 4: the scale cannot be told).

    Examples
    --------
    >>> d = pd.DataFrame({"ease": [1, 3, 5, 4], "ltr": [0, 10, 7, 9], "index": [0.4, 2.5, 3.1, 1]})
    >>> rating_scales(d, ["ease", "ltr", "index"])
    {'ease': (1.0, 5.0), 'ltr': (0.0, 10.0), 'index': (0.0, 4.0)}

    Answers 2–8 read as 0–10 unless the scale is known:

    >>> rating_scales(pd.DataFrame({"worry": [2, 8]}), ["worry"], known={"worry": [1, 9]})
    {'worry': (1.0, 9.0)}
    """
    known = dict(known or {})
    out: dict[str, tuple[float, float]] = {}
    for c in columns:
        if c in known:
            out[c] = (float(known[c][0]), float(known[c][1]))
            continue
        v = pd.to_numeric(df[c], errors="coerce").astype(float).dropna().to_numpy()
        if not len(v):
            continue
        whole = bool(np.all(np.floor(v) == v))
        fitted = fit_scale(float(v.min()), float(v.max())) if whole else None
        lo, hi = fitted or (math.floor(v.min()), math.ceil(v.max()))
        if lo < hi:  # one answer given by everyone says nothing of the scale: left out
            out[c] = (float(lo), float(hi))
    return out


def percent_of_scale(values: pd.Series, scale: tuple[float, float]) -> pd.Series:
    """Ratings as a percentage of their scale's range: 0 = the lowest answer, 100 = the highest.

    100 × (rating − lowest) / (highest − lowest): the one basis on which ratings given on
    different scales (a 1–5 and a 0–10 question) can be compared or averaged. It is linear, so
    a mean of percentages is the percentage of the mean rating, and an importance measured by
    explained variance does not change.

    Parameters
    ----------
    values : Series
        Ratings (missing stays missing).
    scale : tuple of float
        (lowest, highest) possible answer, as :func:`rating_scales` gives it.

    Returns
    -------
    Series
        The percentages (missing where the scale has no range).

    Examples
    --------
    >>> percent_of_scale(pd.Series([1, 2.92, 5, None]), (1, 5)).round(1).tolist()
    [0.0, 48.0, 100.0, nan]
    """
    lo, hi = float(scale[0]), float(scale[1])
    x = pd.to_numeric(values, errors="coerce").astype(float)
    return 100 * (x - lo) / (hi - lo) if hi > lo else x * np.nan


def comparable_ratings(
    df: pd.DataFrame,
    columns: Sequence[str],
    *,
    scales: Mapping[str, Sequence[float]] | None = None,
) -> tuple[pd.DataFrame, dict[str, tuple[float, float]] | None]:
    """Rating columns put on one basis, so that their means can be averaged and compared.

    When every column has the same scale (``scales``, else :func:`rating_scales` of ``df``)
    the ratings stay as they are;
    otherwise each is replaced by its :func:`percent_of_scale`. An importance–performance
    analysis (:func:`cxm_lab.drivers.importance_performance`) of the result splits its
    quadrants at an average that means something, and its importance is unchanged (a linear
    change of a rating does not change the variance it explains).

    Parameters
    ----------
    df : DataFrame
        One row per response.
    columns : sequence of str
        The rating columns.
    scales : mapping, optional
        Column → (lowest, highest) possible answer, from :func:`rating_scales` of every
        response (``known=`` the declared scales); a column not in it is read from ``df``.

    Returns
    -------
    DataFrame
        ``df`` itself (one scale), or a copy with the rating columns in percent of their range.
    dict or None
        Column → (lowest, highest) answer when the scales differ (the ratings were converted),
        else None.

    Examples
    --------
    >>> d = pd.DataFrame({"ease": [1, 3, 5], "ltr": [0, 10, 8]})
    >>> rated, scales = comparable_ratings(d, ["ease", "ltr"])
    >>> rated["ease"].tolist(), rated["ltr"].tolist(), scales
    ([0.0, 50.0, 100.0], [0.0, 100.0, 80.0], {'ease': (1.0, 5.0), 'ltr': (0.0, 10.0)})
    >>> comparable_ratings(d, ["ease"])[1] is None
    True
    >>> comparable_ratings(d, ["ease", "ltr"], scales={"ease": (0, 10)})[1] is None
    True
    """
    found = rating_scales(df, columns, known=scales)
    if len(set(found.values())) <= 1:
        return df, None
    rated = df.copy()
    for c, s in found.items():
        rated[c] = percent_of_scale(df[c], s)
    return rated, found


def _rating_at(percent: float, scale: tuple[float, float]) -> float:
    """The rating at ``percent`` of its scale's range (the inverse of :func:`percent_of_scale`)."""
    return scale[0] + float(percent) / 100 * (scale[1] - scale[0])


def _rated(performance: float, driver: object, scales: Mapping | None) -> str:
    """A driver's rating as it reads: "2.92", or on mixed scales (``performance`` in percent of
    the scale) "2.92 on 1–5, 48% of the range"."""
    if scales is None or driver not in scales:
        return _num(performance, ".2f")
    rating = _rating_at(performance, scales[driver])
    return (
        f"{_num(rating, '.2f')} on {scale_text(scales[driver])}, "
        f"{_num(performance, '.0f')}% of the range"
    )


def _average_text(average: float, scales: Mapping | None) -> str:
    """The drivers' average as it reads: "7.00", or on mixed scales "64%"."""
    return _num(average, ".2f") if scales is None else f"{_num(average, '.0f')}%"


def _mixed_note(scales: Mapping) -> str:
    """The sentence that says how ratings on different scales were compared."""
    used = sorted(set(scales.values()))
    return (
        f"The drivers use different scales ({summary._and([scale_text(s) for s in used])}), "
        "so each mean rating is compared as a percentage of its scale's range (0% = the "
        "lowest possible answer, 100% = the highest)."
    )


# --------------------------------------------------------------------------- candidates


def _empty_candidates() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype=float) for c in CANDIDATE_COLUMNS})
    for c in _TEXT_COLUMNS:
        out[c] = out[c].astype(object)
    return out


def _frame(rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return _empty_candidates()
    out = pd.DataFrame(rows)
    for c in CANDIDATE_COLUMNS:
        if c not in out:
            out[c] = np.nan if c not in _TEXT_COLUMNS else None
    return out[CANDIDATE_COLUMNS]


def driver_candidates(
    ip: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    by: str | None = None,
    fix_first_only: bool = False,
    scales: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Candidate fixes from an importance–performance table: drivers rated below average.

    Parameters
    ----------
    ip : DataFrame
        Output of :func:`cxm_lab.drivers.importance_performance` (``driver``, ``weight``,
        ``ci_low``, ``ci_high``, ``performance``, ``quadrant``; with ``by``, its group column).
    labels : mapping, optional
        Driver column → label as it should read.
    by : str, optional
        The group column of ``ip`` (one analysis per group); each group's average is its own.
    fix_first_only : bool
        Keep only the drivers in the "fix first" quadrant (above-average importance,
        below-average rating).
    scales : mapping, optional
        Driver → (lowest, highest) answer of its scale, given when the drivers use different
        scales and ``ip`` was computed on :func:`percent_of_scale` ratings (its
        ``performance`` in percent of each scale's range). None: one scale, ``performance``
        is the mean rating.

    Returns
    -------
    DataFrame
        :data:`CANDIDATE_COLUMNS` with ``kind`` "driver", ``key`` the driver column, ``group``
        (``"<by> <value>"`` or None), ``importance`` (%) and its interval, ``performance``
        (as in ``ip``), ``rating`` (the mean rating on its own scale) and ``scale`` ("1–5",
        with ``scales`` only), ``average`` (mean ``performance`` of the drivers in the same
        analysis), ``gap`` = average − performance and ``driver_evidence`` = importance × gap;
        only drivers with gap > 0 and an importance whose interval stays above
        :data:`MIN_IMPORTANCE` (its value, without an interval).

    Examples
    --------
    >>> ip = pd.DataFrame({"driver": ["price", "support"], "weight": [40.0, 60.0],
    ...                    "ci_low": [30.0, 50.0], "ci_high": [50.0, 70.0],
    ...                    "performance": [6.0, 8.0], "quadrant": ["monitor", "maintain strength"]})
    >>> c = driver_candidates(ip, labels={"price": "Price"})
    >>> c[["name", "average", "gap", "driver_evidence"]].values.tolist()
    [['Price', 7.0, 1.0, 40.0]]
    """
    need(ip, ["driver", "weight", "performance"], "driver_candidates: ip")
    labels = dict(labels or {})
    groups = [(None, ip)] if by is None else list(ip.groupby(by, sort=True))
    rows = []
    for key, part in groups:
        part = part[pd.to_numeric(part["weight"], errors="coerce").notna()]
        if not len(part):
            continue
        perf = pd.to_numeric(part["performance"], errors="coerce").astype(float)
        avg = float(perf.mean())
        for r, p in zip(part.to_dict("records"), perf, strict=True):
            gap = avg - p
            if not gap > 0 or (fix_first_only and r.get("quadrant") != "fix first"):
                continue
            low = pd.to_numeric(r.get("ci_low", np.nan), errors="coerce")
            if (low if pd.notna(low) else float(r["weight"])) < MIN_IMPORTANCE:
                continue  # cannot be told from no importance at all
            scale = (scales or {}).get(r["driver"])
            rows.append(
                {
                    "kind": "driver",
                    "key": r["driver"],
                    "name": labels.get(r["driver"], str(r["driver"])),
                    "group": None if by is None else f"{by} {key}",
                    "importance": float(r["weight"]),
                    "importance_low": float(r.get("ci_low", np.nan)),
                    "importance_high": float(r.get("ci_high", np.nan)),
                    "performance": p,
                    "rating": p if scale is None else _rating_at(p, scale),
                    "scale": None if scale is None else scale_text(scale),
                    "average": avg,
                    "gap": gap,
                    "driver_evidence": float(r["weight"]) * gap,
                }
            )
    return _frame(rows)


#: Columns of a praise/complaint impact table (:func:`cxm_lab.text.topics.theme_tone_impact`)
#: read as a plain theme-impact table: the complaint side is what drags NPS down.
_COMPLAINT = {
    "impact_complaint": "impact",
    "complaint_ci_low": "ci_low",
    "complaint_ci_high": "ci_high",
    "nps_complaint": "nps_with",
}


def _as_impact(impact: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """A theme-impact table, and whether it is the complaint side of a tone table."""
    if "impact_complaint" in impact:
        drop = [c for c in _COMPLAINT.values() if c in impact]
        return impact.drop(columns=drop).rename(columns=_COMPLAINT), True
    return impact, False


def _impact_rows(impact: pd.DataFrame, kind: str, prefix: str, nps_all: float | None) -> list:
    rows = []
    for r in impact.to_dict("records"):
        if not np.isfinite(r["impact"]) or r["impact"] >= 0:
            continue
        if np.isfinite(r["ci_high"]) and r["ci_high"] >= 0:
            continue  # the drag is within sampling noise
        rows.append(
            {
                "kind": kind,
                "key": r["theme"],
                "name": f"{prefix}{r['theme']}",
                "group": None,
                "nps_with": float(r["nps_with"]),
                "average": np.nan if nps_all is None else float(nps_all),
                "nps_points": -float(r["impact"]),
                "points_low": -float(r["ci_high"]),
                "points_high": -float(r["ci_low"]),
            }
        )
    return rows


def theme_candidates(impact: pd.DataFrame, *, themes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Candidate fixes from a theme-impact table: themes that drag NPS down.

    Parameters
    ----------
    impact : DataFrame
        Output of :func:`cxm_lab.text.topics.theme_impact` (``theme``, ``nps_with``,
        ``impact``, ``ci_low``, ``ci_high``), or of
        :func:`cxm_lab.text.topics.theme_tone_impact` (praise and complaint apart: the
        complaint columns are read, the responses that complain about the theme).
    themes : DataFrame, optional
        Output of :func:`cxm_lab.text.topics.theme_summary` (``pct_negative``) or
        :func:`cxm_lab.text.aspects.theme_sentiment` (``pct_complaint``) by ``nps_category``:
        the detractors' rows give each theme's ``note`` (share of detractor comments and how
        many are negative / complain).

    Returns
    -------
    DataFrame
        :data:`CANDIDATE_COLUMNS` with ``kind`` "theme", ``nps_points`` = −impact (points the
        theme costs) and its interval; only themes with a negative impact whose interval
        excludes zero (or that have no interval, ``n_boot=0``).

    Examples
    --------
    >>> imp = pd.DataFrame({"theme": ["price", "staff"], "mentions": [40, 30],
    ...                     "nps_with": [-20.0, 60.0], "impact": [-3.0, 1.0],
    ...                     "ci_low": [-5.0, -1.0], "ci_high": [-1.0, 3.0]})
    >>> theme_candidates(imp)[["name", "nps_points", "points_low", "points_high"]].values.tolist()
    [['price', 3.0, 1.0, 5.0]]
    """
    impact, _ = _as_impact(impact)
    need(impact, ["theme", "nps_with", "impact", "ci_low", "ci_high"], "theme_candidates")
    out = _frame(_impact_rows(impact, "theme", "", None))
    if themes is not None and len(out):
        notes = _theme_notes(themes)
        out["note"] = out["key"].map(notes).astype(object)
        out["note"] = out["note"].where(out["note"].notna(), None)
    return out


def _detractor_rows(themes: pd.DataFrame) -> pd.DataFrame:
    if "nps_category" in themes:
        return themes[_matches(themes["nps_category"].astype("string"), "detractor")]
    return themes


def _group_comments(themes: pd.DataFrame) -> int | None:
    """The comments of the group a theme table's shares are of: ``comments`` / ``share`` × 100
    (the same for every row of one group); None when no row has a share."""
    c = pd.to_numeric(themes["comments"], errors="coerce").astype(float)
    share = pd.to_numeric(themes["share"], errors="coerce").astype(float)
    total = (100 * c / share)[(share > 0) & c.notna()]
    return int(round(float(total.median()))) if len(total) else None


def _tone(r: Mapping) -> str:
    """ "82% complaints" (a tone table) / "82% negative" (one sentiment per comment) / ""."""
    if pd.notna(r.get("pct_complaint", np.nan)):
        return f"{_num(r['pct_complaint'], '.0f')}% complaints"
    if pd.notna(r.get("pct_negative", np.nan)):
        return f"{_num(r['pct_negative'], '.0f')}% negative"
    return ""


def _theme_notes(themes: pd.DataFrame) -> dict:
    det = _detractor_rows(themes)
    who = "detractor comments" if "nps_category" in themes else "comments"
    notes = {}
    for r in det.to_dict("records"):
        text = f"{_num(r['share'], '.0f')}% of {who}"
        tone = _tone(r)
        if tone:
            text += f", {tone}"
        notes[r["theme"]] = text
    return notes


def group_candidates(
    impacts: Mapping[str, pd.DataFrame],
    *,
    nps_all: float | None = None,
    min_n: int | None = None,
) -> pd.DataFrame:
    """Candidate fixes from group impacts: groups (segments, regions...) that drag NPS down.

    A group's impact is computed like a theme's (:func:`cxm_lab.text.topics.theme_impact` with
    the group column as ``theme_col``): NPS(all) − NPS(all without the group), i.e. how much the
    overall NPS would rise if the group scored like everyone else. A group with fewer than
    ``min_n`` responses is not tested (the report's rule for small groups), so it is no
    candidate.

    Parameters
    ----------
    impacts : mapping
        Dimension → its impact table (``theme`` holds the group; its size is ``n`` when the
        table has that column, e.g. the scored responses, else ``mentions``).
    nps_all : float, optional
        The overall NPS, quoted next to the group's (``average``).
    min_n : int, optional
        Fewest responses a group needs to be a candidate (None: no minimum).

    Returns
    -------
    DataFrame
        :data:`CANDIDATE_COLUMNS` with ``kind`` the dimension, ``name`` "<dimension> <group>",
        ``nps_with`` (the group's NPS), ``nps_points`` = −impact and its interval; only groups
        of at least ``min_n`` responses with a negative impact whose interval excludes zero
        (or that have no interval).

    Examples
    --------
    >>> imp = pd.DataFrame({"theme": ["SMB", "Enterprise", "Startup"], "mentions": [80, 100, 12],
    ...                     "nps_with": [18.0, 44.0, -10.0], "impact": [-4.5, 4.0, -2.6],
    ...                     "ci_low": [-8.8, -1.8, -5.0], "ci_high": [-0.2, 9.9, -0.3]})
    >>> g = group_candidates({"segment": imp}, nps_all=34.2, min_n=30)
    >>> g[["name", "nps_points"]].values.tolist()   # Startup: 12 responses, not tested
    [['segment SMB', 4.5]]
    """
    rows = []
    for dim, impact in impacts.items():
        if min_n is not None and len(impact):
            size = impact["n"] if "n" in impact else impact["mentions"]
            impact = impact[pd.to_numeric(size, errors="coerce").fillna(0).to_numpy() >= min_n]
        rows += _impact_rows(impact, str(dim), f"{dim} ", nps_all)
    return _frame(rows)


# --------------------------------------------------------------------------- ranking


def _evidence_text(r: Mapping, currency: str | None) -> str:
    parts = []
    if r["kind"] == "driver":
        scale = r.get("scale")
        if isinstance(scale, str):  # drivers on different scales: percent of each one's range
            rated = (
                f"{_num(r['rating'], '.2f')} on {scale} ({_num(r['performance'], '.0f')}% of "
                f"the range) vs {_num(r['average'], '.0f')}% average"
            )
        else:
            rated = f"{_num(r['performance'], '.2f')} vs {_num(r['average'], '.2f')}"
        parts.append(f"{_num(r['importance'], '.0f')}% of explained variance; rated {rated}")
    elif np.isfinite(r.get("nps_points", np.nan)):
        if r["kind"] != "theme" and np.isfinite(r.get("average", np.nan)):
            parts.append(f"NPS {_num(r['nps_with'])} vs {_num(r['average'])}")
        parts.append(f"costs {_num(r['nps_points'])} NPS points")
    if np.isfinite(r.get("revenue_at_stake", np.nan)) and r["revenue_at_stake"] > 0:
        parts.append(f"{_money(r['revenue_at_stake'], currency, short=True)} at stake")
    return "; ".join(parts)


def _uncertainty_text(r: Mapping, ci: float) -> str:
    if r["kind"] == "driver":
        lo, hi = r.get("importance_low", np.nan), r.get("importance_high", np.nan)
        if np.isfinite(lo) and np.isfinite(hi):
            return f"importance {ci:.0%} CI {_num(lo, '.0f')} to {_num(hi, '.0f')}%"
        return "importance without interval"
    lo, hi = r.get("points_low", np.nan), r.get("points_high", np.nan)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "no interval"
    text = f"{ci:.0%} CI {_num(lo)} to {_num(hi)} points"
    return text + (" (may be noise)" if lo <= 0 else "")


def _fix_name(r: Mapping) -> str:
    label = {"driver": "Driver", "theme": "Theme"}.get(r["kind"])
    if label is None:  # a group of a dimension: "Segment: SMB"
        dim = str(r["kind"]).replace("_", " ")
        return f"{dim[:1].upper()}{dim[1:]}: {r['key']}"
    text = f"{label}: {r['name']}"
    group = r.get("group")
    if group is not None and not (isinstance(group, float) and np.isnan(group)):
        text += f" ({group})"
    return text


@fill
def rank_priorities(
    candidates: pd.DataFrame,
    *,
    max_rows: int | None = 5,
    currency: str | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Rank candidate fixes by their combined evidence (formula in the module docstring).

    score = (e'_driver + e'_points) × (1 + e'_revenue), where e' is each kind of evidence of
    :data:`EVIDENCE` (driver importance × gap, NPS points at stake, revenue at stake) divided by
    its largest value among the candidates, a missing or non-positive value counting 0. Rows
    with score 0 are dropped; ties go to more revenue at stake, then more NPS points, then the
    name.

    Parameters
    ----------
    candidates : DataFrame
        Candidate rows (:data:`CANDIDATE_COLUMNS`; those absent count as missing).
    max_rows : int or None
        Most rows returned (None: all).
    currency : str, optional
        Currency code for the money in ``evidence``.
    {{ci}}
        The level of the intervals quoted in ``uncertainty``.

    Returns
    -------
    DataFrame
        The candidate columns plus ``score``, ``rank`` (1 = first), ``fix`` (what to fix, as it
        reads), ``evidence`` (the values the rank rests on, in words) and ``uncertainty`` (their
        interval), best first; a theme's ``note`` (its share of detractor comments and tone)
        stays in its own column.

    Examples
    --------
    >>> c = pd.DataFrame({"kind": ["driver", "theme", "segment"],
    ...                   "key": ["price", "billing", "SMB"],
    ...                   "name": ["Price", "billing", "segment SMB"],
    ...                   "importance": [10.0, None, None], "performance": [6.0, None, None],
    ...                   "average": [7.0, None, 30.0], "driver_evidence": [10.0, None, None],
    ...                   "nps_with": [None, 5.0, 18.0], "nps_points": [None, 2.0, 4.0],
    ...                   "revenue_at_stake": [100.0, 50.0, None]})
    >>> r = rank_priorities(c)   # price (1 + 0)(1 + 1); billing (0 + .5)(1 + .5); SMB (0 + 1)(1 + 0)
    >>> r[["fix", "score"]].values.tolist()
    [['Driver: Price', 2.0], ['Segment: SMB', 1.0], ['Theme: billing', 0.75]]
    """
    ci = check_level(ci, "rank_priorities")
    if max_rows is not None:
        max_rows = check_int(max_rows, "max_rows", "rank_priorities", 1, "pass e.g. 5")
    c = candidates.reset_index(drop=True).copy()
    for col in CANDIDATE_COLUMNS:
        if col not in c:
            c[col] = None if col in _TEXT_COLUMNS else np.nan
    scaled = {}
    for k in EVIDENCE:
        e = pd.to_numeric(c[k], errors="coerce").to_numpy(float)
        e = np.where(np.isfinite(e) & (e > 0), e, 0.0)
        top = e.max() if len(e) else 0.0
        scaled[k] = e / top if top > 0 else e
    problem = scaled["driver_evidence"] + scaled["nps_points"]
    c["score"] = problem * (1 + scaled["revenue_at_stake"])
    c = c[c["score"] > 0]
    tie = {k: pd.to_numeric(c[k], errors="coerce").fillna(0.0) for k in EVIDENCE[1:][::-1]}
    c = (
        c.assign(_money=tie["revenue_at_stake"], _points=tie["nps_points"])
        .sort_values(
            ["score", "_money", "_points", "name"],
            ascending=[False, False, False, True],
            kind="stable",
        )
        .drop(columns=["_money", "_points"])
        .reset_index(drop=True)
    )
    if max_rows is not None:
        c = c.head(max_rows)
    c.insert(0, "rank", np.arange(1, len(c) + 1))
    records = c.to_dict("records")
    c["fix"] = [_fix_name(r) for r in records]
    c["evidence"] = [_evidence_text(r, currency) for r in records]
    c["uncertainty"] = [_uncertainty_text(r, ci) for r in records]
    return c


# --------------------------------------------------------------------------- sentences


@fill
def theme_fit_finding(fit: ThemeFit) -> str:
    """The "Why (comments)" finding when the default theme list fits the comments badly.

    Comments filed under customer-experience themes that do not describe the survey (an R
    users' survey's "So many packages" under *delivery*) would rank a fix nobody needs, so the
    brief names no theme and says why, with the measured share.

    Parameters
    ----------
    fit : ThemeFit
        :func:`cxm_lab.text.topics.theme_fit` of the comments.

    Returns
    -------
    str
        Plain text with the share of comments that match a default theme well.

    Examples
    --------
    >>> from cxm_lab.text.topics import theme_fit
    >>> print(theme_fit_finding(theme_fit([0.9, 0.7, 0.8, 0.86])))  # 2 of 4 at 0.85 or more
    Only 50% of 4 comments match one of the default themes well, so no theme is named here or ranked as a priority; the text section shows the themes found in the comments themselves (set themes: in the params file to your own codeframe).
    """
    return (
        f"{summary.theme_fit_lead(fit.n_comments, fit.n_matched)}, so no theme is named here "
        "or ranked as a priority; the text "
        "section shows the themes found in the comments themselves (set themes: in the params "
        "file to your own codeframe)."
    )


def theme_sentence(
    themes: pd.DataFrame | None, impact: pd.DataFrame | None, *, min_n: int = 30
) -> str:
    """Why, in customers' words: the themes detractors raise most and the costliest theme.

    Each share is given with its count ("30 of their 60 comments"); when the detractors (or,
    without ``nps_category``, all customers) wrote fewer than ``min_n`` comments, no theme is
    named as the one they raise most: the sentence says there are too few comments to tell.

    Parameters
    ----------
    themes : DataFrame or None
        :func:`cxm_lab.text.topics.theme_summary` (``pct_negative``) or
        :func:`cxm_lab.text.aspects.theme_sentiment` (``pct_complaint``), by ``nps_category``
        (the detractors' rows are read; otherwise all rows): ``theme``, ``comments``,
        ``share`` (the group's comments are ``comments`` / ``share`` × 100).
    impact : DataFrame or None
        :func:`cxm_lab.text.topics.theme_impact` (``theme``, ``impact``, ``ci_low``,
        ``ci_high``, NPS points) or :func:`cxm_lab.text.topics.theme_tone_impact` (its
        complaint side is quoted: "Complaints about price cost the most NPS").
    min_n : int
        The fewest comments of the group (the detractors) on which a theme is named as the one
        they raise most (default 30, the run's ``min_n``).

    Returns
    -------
    str
        Plain text (empty when both tables are missing or empty).

    Examples
    --------
    >>> s = pd.DataFrame({"nps_category": ["detractor", "detractor", "promoter"],
    ...                   "theme": ["reliability", "price", "staff"], "comments": [30, 20, 50],
    ...                   "share": [60.0, 40.0, 100.0], "pct_negative": [97.0, 90.0, 2.0]})
    >>> i = pd.DataFrame({"theme": ["price", "reliability"], "impact": [-3.1, -1.0],
    ...                   "ci_low": [-5.0, -2.5], "ci_high": [-1.2, 0.4]})
    >>> theme_sentence(s, i)
    'Detractors talk most about reliability (30 of their 50 comments, 60%, 97% negative) and price (20 comments, 40%, 90% negative). The theme that costs the most NPS is price: −3.1 points (95% CI −5.0 to −1.2).'

    Two of seven detractors' comments (29%) are too few to call a theme the one they raise most:

    >>> few = s.assign(comments=[2, 1, 50], share=[100 * 2 / 7, 100 / 7, 100.0])
    >>> theme_sentence(few, None)
    "The detractors' 7 comments are too few (fewer than 30) to tell which theme they raise most."
    """
    parts = []
    if themes is not None and len(themes):
        det = _detractor_rows(themes)
        detractors = "nps_category" in themes
        who = "Detractors" if detractors else "Customers"
        top = det.sort_values(["share", "theme"], ascending=[False, True]).head(2)
        total = _group_comments(det)
        named = []
        for i, r in enumerate(top.to_dict("records")):
            tone = _tone(r)
            count = (
                f"{_num(r['comments'], ',.0f')} of their {plural(total, 'comment')}"
                if i == 0 and total is not None
                else plural(int(r["comments"]), "comment")
            )
            share = f"{count}, {_num(r['share'], '.0f')}%"
            named.append(f"{r['theme']} ({share}{', ' + tone if tone else ''})")
        if named and total is not None and total < min_n:
            whose = "The detractors' " if detractors else "The "
            verb = "is" if total == 1 else "are"
            parts.append(
                f"{whose}{plural(total, 'comment')} {verb} too few (fewer than {min_n}) to tell "
                "which theme they raise most."
            )
        elif named:
            parts.append(f"{who} talk most about {' and '.join(named)}.")
    if impact is not None and len(impact):
        impact, complaint = _as_impact(impact)
        worst = impact[np.isfinite(impact["impact"].astype(float))]
        worst = worst.sort_values(["impact", "theme"]).head(1)
        if len(worst) and float(worst["impact"].iloc[0]) < 0:
            r = worst.iloc[0]
            what = (
                f"Complaints about {r['theme']} cost the most NPS"
                if complaint
                else f"The theme that costs the most NPS is {r['theme']}"
            )
            text = (
                f"{what}: {_signed(r['impact'])} points "
                f"(95% CI {_signed(r['ci_low'])} to {_signed(r['ci_high'])})"
            )
            if float(r["ci_high"]) >= 0:
                text += ", within noise"
            parts.append(text + ".")
        elif len(worst):
            parts.append("No theme lowers the NPS: every theme's impact is zero or positive.")
    return " ".join(parts)


def driver_sentence(
    ip: pd.DataFrame | None,
    *,
    labels: Mapping[str, str] | None = None,
    by_group: pd.DataFrame | None = None,
    by: str | None = None,
    scales: Mapping[str, tuple[float, float]] | None = None,
) -> str:
    """Why, in the ratings: the fix-first drivers overall (or the most important driver and the
    drivers rated below average), and the fix-first drivers within groups.

    Parameters
    ----------
    ip : DataFrame or None
        :func:`cxm_lab.drivers.importance_performance` for the whole table.
    labels : mapping, optional
        Driver column → label.
    by_group : DataFrame, optional
        The same with ``by`` (one analysis per group; a group too small to analyse has no
        ``weight``).
    by : str, optional
        The group column of ``by_group``.
    scales : mapping, optional
        As :func:`driver_candidates`: given when the drivers use different scales and the
        tables' ``performance`` is in percent of each scale's range; the sentence then quotes
        each rating on its own scale with its percentage, and says how they were compared.

    Returns
    -------
    str
        Plain text (empty without ``ip``).

    Examples
    --------
    >>> ip = pd.DataFrame({"driver": ["support", "price"], "weight": [60.0, 40.0],
    ...                    "performance": [8.0, 6.0],
    ...                    "quadrant": ["maintain strength", "monitor"]})
    >>> g = pd.DataFrame({"segment": ["SMB", "SMB"], "driver": ["support", "price"],
    ...                   "weight": [70.0, 30.0], "performance": [6.5, 7.0],
    ...                   "quadrant": ["fix first", "lower priority"]})
    >>> driver_sentence(ip, by_group=g, by="segment")
    'No driver falls in the “fix first” quadrant overall; the most important is support (60% of the explained variance, rated 8.00); price (6.00) is rated below the 7.00 average. Fix first within segment: support in SMB (70%, rated 6.50 vs 6.75).'

    On a 1–5 and a 0–10 question, ``performance`` in percent of each scale's range (support
    4.36 on 1–5 is 84%, price 6.00 on 0–10 is 60%, their average 72%):

    >>> mixed = ip.assign(performance=[84.0, 60.0])
    >>> print(driver_sentence(mixed, scales={"support": (1, 5), "price": (0, 10)}))
    No driver falls in the “fix first” quadrant overall; the most important is support (60% of the explained variance, rated 4.36 on 1–5, 84% of the range); price (6.00 on 0–10, 60% of the range) is rated below the drivers' average (72% of the range). The drivers use different scales (0–10 and 1–5), so each mean rating is compared as a percentage of its scale's range (0% = the lowest possible answer, 100% = the highest).
    """
    if ip is None or not len(ip):
        return ""
    labels = dict(labels or {})

    def name(d: object) -> str:
        return labels.get(d, str(d))

    t = ip[pd.to_numeric(ip["weight"], errors="coerce").notna()]
    t = t.assign(performance=pd.to_numeric(t["performance"], errors="coerce").astype(float))
    if not len(t):
        return ""
    avg = float(t["performance"].mean())
    average = _average_text(avg, scales)
    fix = t[_matches(t["quadrant"], "fix first")].sort_values("weight", ascending=False)
    if len(fix):
        named = [
            f"{name(r['driver'])} ({_num(r['weight'], '.0f')}% of explained variance, rated "
            f"{_rated(r['performance'], r['driver'], scales)}"
            f"{',' if scales else ''} vs {average} average)"
            for r in fix.to_dict("records")
        ]
        text = f"Fix first (above-average importance, below-average rating): {'; '.join(named)}."
    else:
        top = t.sort_values("weight", ascending=False).iloc[0]
        below = t[_below(t["performance"], avg)].sort_values("performance")
        text = (
            "No driver falls in the “fix first” quadrant overall; "
            f"the most important is {name(top['driver'])} ({_num(top['weight'], '.0f')}% of "
            f"the explained variance, rated {_rated(top['performance'], top['driver'], scales)})"
        )
        if len(below):
            listed = summary._and(
                [
                    f"{name(r['driver'])} ({_rated(r['performance'], r['driver'], scales)})"
                    for r in below.head(2).to_dict("records")
                ]
            )
            verb = "is" if len(below.head(2)) == 1 else "are"
            line = (
                f"the {average} average"
                if scales is None
                else f"the drivers' average ({average} of the range)"
            )
            text += f"; {listed} {verb} rated below {line}"
        text += "."
    if by_group is not None and by is not None and len(by_group):
        cells, analysed = [], 0
        for key, part in by_group.groupby(by, sort=True):
            part = part[pd.to_numeric(part["weight"], errors="coerce").notna()]
            if not len(part):
                continue  # too few responses to analyse the group
            analysed += 1
            g_avg = _average_text(float(part["performance"].astype(float).mean()), scales)
            for r in part[_matches(part["quadrant"], "fix first")].to_dict("records"):
                cells.append(
                    (
                        -float(r["weight"]),
                        f"{name(r['driver'])} in {key} ({_num(r['weight'], '.0f')}%, rated "
                        f"{_rated(r['performance'], r['driver'], scales)}"
                        f"{',' if scales else ''} vs {g_avg})",
                    )
                )
        if cells:
            cells.sort()
            text += f" Fix first within {by}: {'; '.join(c for _, c in cells[:3])}."
        elif analysed:
            groups = "the one group" if analysed == 1 else f"any of the {analysed} groups"
            either = "" if len(fix) else " either"
            text += (
                f" Split by {by}, no driver falls in the “fix first” quadrant in {groups} with "
                f"enough responses to analyse{either}."
            )
        else:
            text += f" No group of {by} has enough complete responses for a driver analysis."
    if scales:
        text += " " + _mixed_note(scales)
    return text


def recommend_point_value(values: pd.DataFrame) -> pd.DataFrame:
    """Mark one recommended value of an NPS point among the estimates.

    Rule: the estimate the data pins down best, i.e. the smallest relative interval width
    (ci_high − ci_low) / |value|, among the positive estimates whose interval excludes zero
    (when none excludes zero: among all positive estimates with an interval). The three methods
    of :func:`cxm_lab.revenue.nps_point_value` are all observational associations resting on
    different assumptions, none more causal than another, so the choice is made on precision
    rather than on the method's name; the relative width makes estimates of different size
    comparable. The others stay in the table (the appendix).

    Parameters
    ----------
    values : DataFrame
        Output of :func:`cxm_lab.revenue.nps_point_value` (``method``, ``value_per_point``,
        ``ci_low``, ``ci_high``).

    Returns
    -------
    DataFrame
        ``values`` with ``relative_width`` and ``recommended`` (True on one row at most),
        recommended row first.

    Examples
    --------
    >>> v = pd.DataFrame({"method": ["category", "logit", "ols"],
    ...                   "value_per_point": [390.0, 41.0, 121.0],
    ...                   "ci_low": [146.0, 13.0, 67.0], "ci_high": [612.0, 70.0, 175.0]})
    >>> recommend_point_value(v)[["method", "recommended"]].values.tolist()
    [['ols', True], ['category', False], ['logit', False]]
    """
    need(values, ["method", "value_per_point", "ci_low", "ci_high"], "recommend_point_value")
    v = values.reset_index(drop=True).copy()
    est = pd.to_numeric(v["value_per_point"], errors="coerce").to_numpy(float)
    lo = pd.to_numeric(v["ci_low"], errors="coerce").to_numpy(float)
    hi = pd.to_numeric(v["ci_high"], errors="coerce").to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = (hi - lo) / np.abs(est)
    v["relative_width"] = rel
    usable = np.isfinite(rel) & (est > 0)
    clear = usable & (lo > 0)
    pool = clear if clear.any() else usable
    v["recommended"] = False
    if pool.any():
        best = int(np.flatnonzero(pool)[np.argmin(rel[pool])])
        v.loc[best, "recommended"] = True
    order = np.argsort(~v["recommended"].to_numpy(), kind="stable")
    return v.iloc[order].reset_index(drop=True)


def _method_words(method: object) -> str:
    """A method's name as it reads: column names in words ("account_nps" → "account NPS")."""
    words = []
    for w in str(method).split(" "):
        if "_" in w:
            w = " ".join("NPS" if p.casefold() == "nps" else p for p in w.split("_"))
        words.append(w)
    return " ".join(words)


def worth_sentence(
    risk: pd.DataFrame | None,
    values: pd.DataFrame | None,
    *,
    currency: str | None = None,
    where: str = "the appendix",
) -> str:
    """What it is worth: the detractors' revenue at risk and the recommended NPS-point value.

    Parameters
    ----------
    risk : DataFrame or None
        ``RevenueAtRisk.table`` of :func:`cxm_lab.revenue.revenue_at_risk` (its "NPS category"
        detractor row is quoted).
    values : DataFrame or None
        Output of :func:`recommend_point_value`.
    currency : str, optional
        Currency code put before the amounts.
    where : str
        Where the report lists every estimate ("the appendix").

    Returns
    -------
    str
        Plain text (empty when both are missing).

    Examples
    --------
    >>> r = pd.DataFrame({"group_type": ["NPS category"], "group": ["detractor"], "accounts": [80],
    ...                   "revenue": [7.29e6], "churn_rate": [17.5], "expected_loss": [1.276e6],
    ...                   "loss_low": [7.8e5], "loss_high": [1.99e6]})
    >>> v = pd.DataFrame({"method": ["OLS of revenue_change on account_nps", "logit"],
    ...                   "value_per_point": [121057.6, 41244.7], "ci_low": [67301.8, 12955.0],
    ...                   "ci_high": [174813.5, 69534.3], "recommended": [True, False]})
    >>> worth_sentence(r, v, currency="USD")
    'The 80 detractor accounts hold USD 7.29 million a year; at their 17.5% churn rate, USD 1.28 million of it is at risk (95% CI 780,000 to 1.99 million). One NPS point is worth about USD 121,000 a year (OLS of revenue change on account NPS, 95% CI 67,300 to 175,000), the most precise of 2 estimates (all in the appendix).'
    """
    parts = []
    if risk is not None and len(risk):
        det = risk[
            _matches(risk["group_type"], "NPS category") & _matches(risk["group"], "detractor")
        ]
        if len(det) and det["accounts"].iloc[0] > 0:
            r = det.iloc[0]
            parts.append(
                f"The {int(r['accounts']):,} detractor accounts hold "
                f"{_money(r['revenue'], currency)} a year; at their {_num(r['churn_rate'])}% "
                f"churn rate, {_money(r['expected_loss'], currency)} of it is at risk "
                f"(95% CI {_money(r['loss_low'])} to {_money(r['loss_high'])})."
            )
    if values is not None and len(values) and "recommended" in values:
        rec = values[_matches(values["recommended"], True)]
        if len(rec):
            r = rec.iloc[0]
            k = len(values)
            text = (
                f"One NPS point is worth about {_money(r['value_per_point'], currency)} a year "
                f"({_method_words(r['method'])}, 95% CI {_money(r['ci_low'])} to "
                f"{_money(r['ci_high'])})"
            )
            if k > 1:
                text += f", the most precise of {k} estimates (all in {where})"
            parts.append(text + ".")
        else:
            parts.append(
                f"No estimate of an NPS point's value is precise enough to recommend (see {where})."
            )
    return " ".join(parts)


# --------------------------------------------------------------------------- the brief


@dataclass(frozen=True)
class Finding:
    """One finding of the brief.

    Attributes
    ----------
    topic : str
        The question it answers ("How we are doing", "What moved", "Why (comments)",
        "Why (ratings)", "What it is worth", and "What to fix first" when no priority stands
        out).
    text : str
        The sentence(s), plain text generated from the tables.
    """

    topic: str
    text: str


def findings_table(findings: Sequence[Finding]) -> pd.DataFrame:
    """The findings as a two-column table (question, answer): compact on a printed page.

    Parameters
    ----------
    findings : sequence of Finding
        ``Brief.findings``.

    Returns
    -------
    DataFrame
        ``topic``, ``text``, one row per finding in reading order (show it with
        :func:`cxm_lab.report.show_table`, which escapes the data's strings).

    Examples
    --------
    >>> findings_table([Finding("How we are doing", "NPS is 34.2.")]).values.tolist()
    [['How we are doing', 'NPS is 34.2.']]
    """
    return pd.DataFrame(
        {"topic": [f.topic for f in findings], "text": [f.text for f in findings]},
        columns=["topic", "text"],
    )


@dataclass(frozen=True)
class Brief:
    """The executive brief (:func:`build_brief`).

    Attributes
    ----------
    tiles : DataFrame
        :func:`kpi_tiles` (show with ``kpi_cards(tile_cards(tiles))``).
    findings : tuple of Finding
        One to six findings, in reading order ("How we are doing" first).
    priorities : DataFrame
        :data:`PRIORITY_COLUMNS` first, then the evidence columns of :func:`rank_priorities`.
    point_values : DataFrame
        :func:`recommend_point_value` (all estimates; the recommended one first); empty
        without revenue data.
    candidates : DataFrame
        Every candidate fix before ranking (:data:`CANDIDATE_COLUMNS`).
    notes : tuple of str
        Parts left out and why (e.g. no revenue table).
    previous : str or None
        The period the brief compares with (its changes and what moved); None when there is
        none: no periods, or no responses in the period before the report's (then a caption
        must not claim a comparison: ``summary.period_phrase(quarter, previous=previous)``).
    """

    tiles: pd.DataFrame
    findings: tuple[Finding, ...]
    priorities: pd.DataFrame
    point_values: pd.DataFrame
    candidates: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: tuple[str, ...] = ()
    previous: str | None = None


def _owner_lookup(owners: pd.DataFrame | None, owner_map: Mapping[str, str] | None, team: str):
    """key or label → owner: the explicit map first, then the owners table by touchpoint name,
    then by any word of the key or label that is a touchpoint name."""
    table: dict[str, str] = {}
    if owners is not None and len(owners) and "touchpoint" in owners and team in owners:
        for tp, who in zip(owners["touchpoint"], owners[team], strict=True):
            if pd.notna(tp) and pd.notna(who):
                table[str(tp).casefold()] = str(who)
    explicit = {str(k).casefold(): str(v) for k, v in (owner_map or {}).items()}

    def lookup(*names: object) -> str:
        words = [str(n).casefold() for n in names if n is not None and pd.notna(n)]
        for w in words:
            if w in explicit:
                return explicit[w]
        for w in words:
            if w in table:
                return table[w]
        for w in words:
            for token in w.replace("-", " ").replace("_", " ").split():
                if token in table:
                    return table[token]
        return UNASSIGNED

    return lookup


def _loop_status(
    cases: pd.DataFrame, ids: set, *, as_of: pd.Timestamp, closed, team: str, owner: str
) -> tuple[str, str | None]:
    """The close-the-loop status of a candidate's cases in words, and the team holding most
    of them (None without cases)."""
    from cxm_lab import loop

    sub = cases[cases["response_id"].isin(ids)]
    if not len(sub):
        return "no detractor cases", None
    t = loop.case_status(sub, as_of=as_of, closed=closed, by=None).table.iloc[0]
    counts = sub[team].astype(str).value_counts()
    holder = str(counts.index[0])
    text = f"{int(t['cases']):,} cases"
    if owner not in (holder, f"{holder} (case owner)") or len(counts) > 1:
        share = "" if len(counts) == 1 else f"{_num(100 * counts.iloc[0] / len(sub), '.0f')}% "
        text += f" ({share}with {holder})"
    text += f": {int(t['open']):,} open, {int(t['overdue']):,} overdue"
    if t["judged"] > 0:
        text += f", {_num(t['sla_attainment'], '.0f')}% on time"
    return text, (holder if holder != loop.UNROUTED else None)


def _matches(values: pd.Series, value: object) -> np.ndarray:
    """True where ``values`` equals ``value``, as a plain boolean array to select rows with.

    A missing answer never matches (False): nullable columns (pandas ``string``, ``boolean``,
    ``Int64``...) compare to ``<NA>`` there, which cannot select rows.
    """
    return (values == value).fillna(False).to_numpy(dtype=bool)


def _below(values: pd.Series, line: float) -> np.ndarray:
    """True where a rating is below ``line`` (missing ratings: False)."""
    x = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(x, nan=np.inf) < line


def _no_priority_sentence(searched: Sequence[str], min_n: int) -> str:
    """Why the priorities table is empty, in words: what was looked for and not found."""
    found = {
        "themes": "no theme of the comments lowers the NPS beyond sampling noise",
        "drivers": "no driver rated below average has an importance that can be told from none",
        "groups": f"no group of {min_n} or more responses lowers the NPS beyond sampling noise",
    }
    parts = [found[k] for k in searched if k in found]
    if not parts:
        return (
            "No priority can be ranked: the data has no driver ratings, analysed comments or "
            "groups to look for a problem in."
        )
    return f"No priority stands out: {summary._and(parts)}."


def _single_period(
    responses: pd.DataFrame, quarter: str | None, previous: str | None, period: str = "quarter"
) -> str:
    """Why there is no change to report when ``previous`` has no responses, in words; "" when
    it has some (or there are no periods at all)."""
    if previous is None or period not in responses:
        return ""
    periods = responses[period].dropna().astype(str)
    if (periods == previous).any():
        return ""
    if (periods < str(quarter)).any():
        return f"The data has no responses in {previous}, the period before, so no change is shown."
    if (periods == str(quarter)).all():
        return f"All responses are in {quarter}: there is only one period, so no change is shown."
    return f"{quarter} is the first period with responses, so no change is shown."


def _quarter_end(quarter: str | None) -> pd.Timestamp | None:
    """The last day of a quarter; None without one (data without dates) or for a bad value."""
    if quarter is None or (not isinstance(quarter, str) and pd.isna(quarter)):
        return None
    try:
        period = pd.Period(quarter, freq="Q")
    except (ValueError, TypeError):
        return None
    return None if pd.isna(period) else period.end_time.normalize()


@fill
def build_brief(
    responses: pd.DataFrame,
    *,
    quarter: str | None,
    targets: pd.DataFrame | None = None,
    employees: pd.DataFrame | None = None,
    comments: pd.DataFrame | None = None,
    mentions: pd.DataFrame | None = None,
    accounts: pd.DataFrame | None = None,
    revenue: pd.DataFrame | None = None,
    owners: pd.DataFrame | None = None,
    closures: pd.DataFrame | None = None,
    theme_fit: ThemeFit | None = None,
    drivers: Mapping[str, str] | None = None,
    scales: Mapping[str, Sequence[float]] | None = None,
    dims: Sequence[str] | None = None,
    owner_map: Mapping[str, str] | None = None,
    currency: str | None = None,
    weight: str | None = None,
    score: str = "ltr",
    theme_col: str = "category",
    sentiment_col: str = "label",
    survey_type: str = "survey_type",
    pool: bool = False,
    team: str = "owner_team",
    arr: str = "arr",
    n_boot: int = 1000,
    ci: float = 0.95,
    min_n: int = 30,
    seed: int = 0,
    max_priorities: int = 5,
    due_days: int = 14,
    values_at: str = "the appendix",
) -> Brief:
    """The executive brief of a report quarter: tiles, findings, priorities, NPS-point values.

    Each part is built when the data holds what it needs and left out otherwise (with a line
    in ``notes``): tiles need the score; drivers two or more rating columns; themes
    ``comments``; groups ``dims``; money ``accounts`` and ``revenue`` (and a dated quarter);
    owners and close-the-loop status ``owners`` (touchpoint → ``team``).

    How each piece is computed (the same functions as the report's own sections):
    headline figures :func:`cxm_lab.summary.headline`; what moved
    :func:`cxm_lab.summary.what_moved`; drivers
    :func:`cxm_lab.drivers.importance_performance` on the headline survey's responses of the
    quarter (``n_boot // 2`` resamples), and by the first dimension (``n_boot // 5``), as the
    drivers section does; themes :func:`cxm_lab.text.topics.theme_summary` and
    :func:`~cxm_lab.text.topics.theme_impact`; group impacts ``theme_impact`` with each
    dimension as the theme; the account panel (:func:`cxm_lab.accounts.account_panel` on the
    headline survey's responses, baseline year ending twelve months before the quarter's end,
    as the revenue section does),
    :func:`cxm_lab.revenue.revenue_at_risk` and :func:`~cxm_lab.revenue.nps_point_value`
    (:func:`recommend_point_value` picks one); cases :func:`cxm_lab.loop.make_cases` and
    :func:`~cxm_lab.loop.case_status` on the quarter's responses. A candidate's revenue at
    stake is the ``arr`` of the accounts with a detractor response in it × the detractor churn
    rate; its close-the-loop status counts the cases of its own detractor responses.

    Owners: ``owner_map`` (driver, theme or group → owner) first, then the owners table
    matched by touchpoint name (the candidate's key, label, or any word of them: the driver
    "support" → the support touchpoint's owner, the theme "product quality" → the product
    touchpoint's owner); otherwise the team that holds most of the candidate's detractor cases
    (the close-the-loop routing), marked "(case owner)"; otherwise "unassigned".

    Parameters
    ----------
    responses : DataFrame
        One row per response (the run's responses table).
    quarter : str or None
        The report period; None: the data has no periods (no change, no money).
    targets, employees : DataFrame, optional
        As :func:`cxm_lab.summary.headline`.
    comments : DataFrame, optional
        The analysed comments (``CommentAnalysis.comments``: the responses' index, with
        ``theme_col`` and ``sentiment_col``).
    mentions : DataFrame, optional
        Every theme of each comment with the sentiment toward it
        (``CommentAnalysis.mentions``: ``response_id``, ``theme``, ``label``). When given,
        themes are read praise and complaint apart, as the text section shows them
        (:func:`cxm_lab.text.aspects.theme_sentiment`,
        :func:`cxm_lab.text.topics.theme_tone_impact`): a theme's NPS points at stake are its
        complaints' impact and its responses those that complain about it. Otherwise one theme
        per comment (``comments[theme_col]``, :func:`~cxm_lab.text.topics.theme_impact`).
    accounts, revenue : DataFrame, optional
        The CRM accounts (with ``account_id``, ``arr``...) and monthly revenue tables.
    owners : DataFrame, optional
        ``touchpoint`` → ``team`` (the ``touchpoint_owners`` table).
    closures : DataFrame, optional
        Closed cases (``response_id``, ``closed_date``).
    theme_fit : ThemeFit, optional
        How well the default theme list fits the comments
        (``CommentAnalysis.theme_fit``, :func:`cxm_lab.text.topics.theme_fit`). When it fits
        badly, no theme is a candidate fix and "Why (comments)" says so with its figures
        (:func:`theme_fit_finding`) instead of naming default themes.
    drivers : mapping, optional
        Rating column → label (the dataset's ``drivers``).
    scales : mapping, optional
        Rating column → (lowest, highest) possible answer (the dataset's ``scales``); a driver
        without one has its scale read from all its answers (:func:`rating_scales`).
    dims : sequence of str, optional
        Dimensions for what moved and for the group candidates (the first one also splits the
        driver analysis).
    owner_map : mapping, optional
        Explicit owners: driver column, theme or group value → owner.
    currency : str, optional
        Currency code of the money.
    weight : str, optional
        Contacts' weight in the account roll-up (as the revenue notebook's ``weight_by``).
    {{score}}
        Here: the NPS question.
    {{theme_col}}
    sentiment_col : str
        Sentiment label column of ``comments``.
    survey_type : str
        The survey-type column of ``responses``.
    pool : bool
        Pool the survey types (the run's ``pool_survey_types``).
    team : str
        Owner column of ``owners``.
    arr : str
        Annual revenue column of ``accounts``.
    {{n_boot}}
    {{ci}}
    {{min_n}}
    {{seed}}
    max_priorities : int
        Rows of the priorities table.
    due_days : int
        Days allowed to close a case.
    values_at : str
        Where the report lists every NPS-point estimate (quoted by :func:`worth_sentence`).

    Returns
    -------
    Brief
        Tiles, findings, priorities, NPS-point values, all candidates and notes.

    Raises
    ------
    ParameterError
        A ``quarter`` that is not a period of the responses, a bad ``ci``, ``n_boot`` or
        ``max_priorities``.

    Examples
    --------
    >>> from cxm_lab.demo import load_demo
    >>> d = load_demo()
    >>> b = build_brief(d.responses, quarter="2026Q3", targets=d.targets, drivers={"price": "Price",
    ...     "support": "Support", "ease": "Ease"}, dims=["segment"], n_boot=0)
    >>> b.tiles.loc[0, ["metric", "survey_type", "status"]].tolist()
    ['NPS', 'relationship', 'below']
    >>> [f.topic for f in b.findings]
    ['How we are doing', 'What moved', 'Why (ratings)']
    """
    from cxm_lab import drivers as drv
    from cxm_lab import loop
    from cxm_lab.text import topics

    ci = check_level(ci, "build_brief")
    n_boot = check_int(n_boot, "n_boot", "build_brief", 0, "pass e.g. 1000")
    max_priorities = check_int(max_priorities, "max_priorities", "build_brief", 1, "pass e.g. 5")
    notes: list[str] = []
    dims = [d for d in as_list(dims) if d in responses and d != survey_type]
    previous = summary.previous_quarter(quarter) if _quarter_end(quarter) is not None else None

    head = summary.headline(
        responses,
        quarter=quarter,
        targets=targets,
        employees=employees,
        score=score,
        ci=ci,
        min_n=min_n,
        survey_type=survey_type,
        pool=pool,
    )
    tiles = kpi_tiles(head)
    types = summary.survey_types(responses, column=survey_type, pool=pool)
    alone = _single_period(summary.type_rows(responses, types), quarter, previous)
    if alone:  # no responses in the previous period: the brief compares with nothing
        previous = None
        notes.append(f"change: {alone}")
    status = status_sentence(tiles, quarter=quarter, previous=previous, ci=ci)
    findings = [Finding("How we are doing", f"{status} {alone}".strip())]
    if previous is not None and dims and score in responses:
        moved = summary.what_moved(
            responses, quarter=quarter, dims=dims, score=score, min_n=min_n, ci=ci, pool=pool
        )
        if len(moved):
            findings.append(
                Finding(
                    "What moved",
                    summary.moved_sentence(moved, quarter=quarter, previous=previous),
                )
            )

    cur = summary.type_rows(summary.in_period(responses, quarter=quarter), types)
    nps_all = (
        float(tiles.loc[_matches(tiles["metric"], "NPS"), "value"].iloc[0])
        if _matches(tiles["metric"], "NPS").any()
        else None
    )
    frames = []
    searched: list[str] = []  # the kinds of candidate looked for, for the words without any
    members: dict[tuple, pd.Index] = {}  # (kind, key, group) -> responses of the candidate
    detractor = pd.Series(False, index=cur.index)
    if score in cur:
        from cxm_lab.metrics import nps_category

        detractor = pd.Series(
            _matches(nps_category(cur[score]).astype("string"), "detractor"), index=cur.index
        )

    # --- why: themes
    themes_t = impact_t = None
    if theme_fit is not None and not theme_fit.fits:
        findings.append(Finding("Why (comments)", theme_fit_finding(theme_fit)))
        notes.append(f"themes: the default theme list fits badly ({theme_fit.share:.0f}%)")
    elif mentions is not None and len(mentions) and score in cur and len(cur):
        from cxm_lab.metrics import nps_category as _category
        from cxm_lab.text import aspects

        ids = cur["response_id"] if "response_id" in cur else pd.Series(cur.index, cur.index)
        mine = mentions[mentions["response_id"].isin(set(ids))]
        base = (
            comments.loc[comments.index.intersection(cur.index)]
            if comments is not None
            else (cur[ids.isin(set(mine["response_id"])).to_numpy()])
        )
        base = base.assign(
            nps_category=_category(cur.loc[base.index, score]),
            response_id=ids.loc[base.index].to_numpy(),
        )
        impact_t = topics.theme_tone_impact(cur, mine, score=score, n_boot=n_boot, ci=ci, seed=seed)
        themes_t = aspects.theme_sentiment(mine, base, by="nps_category")
        tc = theme_candidates(impact_t, themes=themes_t)
        frames.append(tc)
        complain = mine[_matches(mine["label"], "negative")]
        for k in tc["key"]:
            who = set(complain.loc[_matches(complain["theme"], k), "response_id"])
            members[("theme", k, None)] = cur.index[ids.isin(who).to_numpy()]
        findings.append(Finding("Why (comments)", theme_sentence(themes_t, impact_t, min_n=min_n)))
    elif comments is not None and theme_col in comments and score in cur:
        com = comments.loc[comments.index.intersection(cur.index)]
        if len(com):
            with_theme = cur.assign(**{theme_col: com[theme_col].reindex(cur.index)})
            impact_t = topics.theme_impact(
                with_theme, theme_col=theme_col, score=score, n_boot=n_boot, ci=ci, seed=seed
            )
            sent = sentiment_col if sentiment_col in com else None
            themes_t = topics.theme_summary(
                com.assign(**{score: cur.loc[com.index, score]}),
                theme_col=theme_col,
                by="nps_category",
                sentiment_col=sent,
                score=score,
            )
            tc = theme_candidates(impact_t, themes=themes_t)
            frames.append(tc)
            for k in tc["key"]:
                members[("theme", k, None)] = with_theme.index[_matches(with_theme[theme_col], k)]
            findings.append(
                Finding("Why (comments)", theme_sentence(themes_t, impact_t, min_n=min_n))
            )
    else:
        notes.append("themes: no analysed comments")

    # --- why: drivers
    cols = [c for c in (drivers or {}) if c in cur]
    if len(cols) >= 2 and score in cur and len(cur):
        labels = dict(drivers or {})
        # Ratings on different scales are compared as percent of each scale's range; a scale
        # is declared or read from every response, never from one quarter's.
        rated, mixed = comparable_ratings(
            cur, cols, scales=rating_scales(responses, cols, known=scales)
        )
        # too few complete responses: no driver is named (the rule of a group, for the whole)
        short = drv.unmet(
            cur, outcome=score, drivers=cols, label=quarter or "this data", min_n=min_n
        )
        ip = None
        if short:
            notes.append(f"drivers: needs {short[0]}")
        else:
            try:
                ip = drv.importance_performance(
                    rated, outcome=score, drivers=cols, n_boot=n_boot // 2, seed=seed
                )
            except (ParameterError, DataError) as exc:
                notes.append(f"drivers: {exc}")
        by = dims[0] if dims else None
        ip_by = None
        if ip is not None and by is not None:
            ip_by = drv.importance_performance(
                rated,
                outcome=score,
                drivers=cols,
                by=by,
                n_boot=n_boot // 5,
                seed=seed,
                min_n=min_n,
            )
        if ip is not None:
            searched.append("drivers")
            dc = driver_candidates(ip, labels=labels, scales=mixed)
            frames.append(dc)
            if ip_by is not None:
                frames.append(
                    driver_candidates(
                        ip_by, labels=labels, by=by, fix_first_only=True, scales=mixed
                    )
                )
            avg = float(ip["performance"].mean())
            for k in cols:
                members[("driver", k, None)] = cur.index[_below(rated[k], avg)]
                if ip_by is not None:
                    for g, part in ip_by.groupby(by, sort=True):
                        g_avg = float(part["performance"].mean())
                        inside = _matches(cur[by], g)
                        low_g = _below(rated[k], g_avg)
                        members[("driver", k, f"{by} {g}")] = cur.index[inside & low_g]
            findings.append(
                Finding(
                    "Why (ratings)",
                    driver_sentence(ip, labels=labels, by_group=ip_by, by=by, scales=mixed),
                )
            )
    else:
        notes.append("drivers: fewer than two rating columns")

    # --- groups
    if score in cur and dims:
        impacts = {}
        scored = pd.to_numeric(cur[score], errors="coerce").notna().to_numpy()
        small = []
        for d in dims:
            if cur[d].nunique(dropna=True) < 2:
                continue
            impact = topics.theme_impact(
                cur, theme_col=d, score=score, n_boot=n_boot, ci=ci, seed=seed
            )
            counts = cur.loc[scored, d].value_counts()
            impact["n"] = [int(counts.get(g, 0)) for g in impact["theme"]]
            small += [
                f"{d} {g} ({n})"
                for g, n in zip(impact["theme"], impact["n"], strict=True)
                if n < min_n
            ]
            impacts[d] = impact
        gc = group_candidates(impacts, nps_all=nps_all, min_n=min_n)
        if impacts:
            searched.append("groups")
        if small:
            notes.append(
                f"groups: not tested, fewer than {min_n} scored responses: {', '.join(small)}"
            )
        frames.append(gc)
        for kind, k in zip(gc["kind"], gc["key"], strict=True):
            members[(kind, k, None)] = cur.index[_matches(cur[kind], k)]

    # --- what it is worth
    risk_t = None
    point_values = pd.DataFrame()
    end = _quarter_end(quarter)
    det_rate = None
    if accounts is not None and revenue is not None and end is not None and score in responses:
        from cxm_lab import growth
        from cxm_lab import revenue as rv
        from cxm_lab.accounts import account_panel

        as_of = end + pd.Timedelta(days=1) - pd.DateOffset(months=12)
        if weight is not None and weight not in responses:
            notes.append(f"revenue: no {weight!r} column to weight contacts by; unweighted")
            weight = None
        try:
            panel = account_panel(
                summary.type_rows(responses, types),  # the headline survey, as 04 does
                accounts,
                revenue,
                as_of=as_of,
                score=score,
                weight=weight,
            ).table
            risk_t = rv.revenue_at_risk(growth.growth_segments(panel), ci=ci).table
            point_values = recommend_point_value(
                rv.nps_point_value(panel, n_boot=n_boot, ci=ci, seed=seed)
            )
        except (ParameterError, DataError) as exc:
            notes.append(f"revenue: {exc}")
        if risk_t is not None:
            det = risk_t[
                _matches(risk_t["group_type"], "NPS category")
                & _matches(risk_t["group"], "detractor")
            ]
            if len(det) and det["revenue"].iloc[0] > 0:
                r = det.iloc[0]
                det_rate = (
                    r["churn_rate"] / 100,
                    r["loss_low"] / r["revenue"],
                    r["loss_high"] / r["revenue"],
                )
        worth = worth_sentence(
            risk_t, point_values if len(point_values) else None, currency=currency, where=values_at
        )
        if worth:
            findings.append(Finding("What it is worth", worth))
    else:
        notes.append("money: no accounts and revenue tables, or no dated quarter")

    candidates = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else _empty_candidates()
    )
    ids = {k: v for k, v in members.items()}
    if det_rate is not None and arr in accounts and "account_id" in cur and len(candidates):
        arr_of = accounts.drop_duplicates("account_id").set_index("account_id")[arr]
        money = []
        for r in candidates.to_dict("records"):
            idx = ids.get((r["kind"], r["key"], r["group"]), pd.Index([]))
            acc = cur.loc[idx][detractor.loc[idx].to_numpy(dtype=bool)]["account_id"]
            acc = acc.dropna().unique()
            money.append(float(pd.to_numeric(arr_of.reindex(acc), errors="coerce").sum()))
        money = np.asarray(money)
        candidates["revenue_at_stake"] = money * det_rate[0]
        candidates["money_low"] = money * det_rate[1]
        candidates["money_high"] = money * det_rate[2]

    if impact_t is not None:
        searched.insert(0, "themes")
    ranked = rank_priorities(candidates, max_rows=max_priorities, currency=currency, ci=ci)
    if not len(ranked):
        findings.append(Finding("What to fix first", _no_priority_sentence(searched, min_n)))
    lookup = _owner_lookup(owners, owner_map, team)
    ranked["owner"] = [lookup(r["key"], r["name"]) for r in ranked.to_dict("records")]
    can_loop = (
        owners is not None
        and quarter is not None
        and {"touchpoint", "response_date", "response_id"} <= set(responses.columns)
        and score in responses
    )
    if can_loop and len(ranked):
        quarter_rows = summary.in_period(responses, quarter=quarter)
        cases = loop.make_cases(quarter_rows, owners, score=score, owner=team, due_days=due_days)
        status, owner_col = [], []
        for r in ranked.to_dict("records"):
            idx = ids.get((r["kind"], r["key"], r["group"]), pd.Index([]))
            response_ids = set(cur.loc[idx, "response_id"])
            _, holder = _loop_status(
                cases, response_ids, as_of=end, closed=closures, team=team, owner=""
            )
            owner = r["owner"]
            if owner == UNASSIGNED and holder is not None:
                owner = f"{holder} (case owner)"
            text, _ = _loop_status(
                cases, response_ids, as_of=end, closed=closures, team=team, owner=owner
            )
            status.append(text)
            owner_col.append(owner)
        ranked["loop_status"] = status
        ranked["owner"] = owner_col
    else:
        ranked["loop_status"] = "–"
        if not can_loop:
            notes.append("close the loop: no owners table or no dated quarter")
    rest = [c for c in ranked.columns if c not in PRIORITY_COLUMNS]
    priorities = (
        ranked[[*PRIORITY_COLUMNS, *rest]]
        if len(ranked)
        else ranked.reindex(columns=[*PRIORITY_COLUMNS, *rest])
    )
    return Brief(
        tiles=tiles,
        findings=tuple(f for f in findings if f.text),
        priorities=priorities.reset_index(drop=True),
        point_values=point_values,
        candidates=candidates,
        notes=tuple(notes),
        previous=previous,
    )
