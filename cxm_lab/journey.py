"""The customer journey: stages in order, each stage's scores, and the key moments.

A *stage* is a named group of touchpoints (``Onboard: [onboarding]``), declared in order by the
run's ``journey:`` key or derived from the data (:func:`journey_stages`). Three views:

- :func:`journey_map`: one row per stage with its volume, NPS, CSAT and CES with intervals
  (through :mod:`cxm_lab.metrics`), the share of negative comments and the top themes.
- :func:`stage_weights`: how strongly each stage's transactional scores go with the account's
  relationship NPS. Per account (or account and period) the mean transactional LTR of each stage
  is a predictor of the mean relationship LTR of the account's contacts; the importance of a
  stage is its Shapley (LMG) share of R² (:func:`cxm_lab.drivers.shapley_r2`) or its relative
  weight (:func:`cxm_lab.drivers.relative_weights`), with bootstrap intervals over accounts.
- :func:`key_moments`: stages ranked by priority = importance × gap, where the gap is how far
  the stage's NPS lies below a target (or, without one, below the best stage), with a cluster
  bootstrap over accounts for the interval of the priority and the rank stability.

Which responses
---------------
Stage metrics use the responses whose ``survey_type`` is not the outcome type (by default
everything but ``relationship``: transactional and in-the-moment surveys), because a
relationship survey asks about the whole relationship, not about a stage. The relationship
responses are the *outcome* of :func:`stage_weights`. Without a ``survey_type`` column (or with
``survey_type=None``) every response counts towards its stage and no stage weights can be
estimated.

Missing stage scores
--------------------
Few accounts meet every stage in a quarter. :func:`stage_weights` therefore pools, by default,
all rows given per account (``period=None``). ``missing="complete"`` (default) uses only the
accounts with a score in every stage (``n_used`` says how many); ``missing="mean"`` fills a
missing stage mean with the mean of that stage over the accounts (``n_imputed`` per stage says
how often): it keeps every account but pulls the imputed stage's weight towards zero.

Observational: stages whose scores move together share credit, and a weight is not a causal
effect.

Examples
--------
>>> from cxm_lab.demo import load_demo
>>> r = load_demo().responses
>>> m = journey_map(r)
>>> m["stage"].tolist()
['Onboarding', 'Product', 'Support', 'Billing', 'Renewal']
>>> m.set_index("stage")["nps"].idxmin()
'Billing'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxm_lab import drivers, metrics, stats
from cxm_lab.docstrings import fill
from cxm_lab.errors import (
    DataError,
    ParameterError,
    check_choice,
    check_columns,
    check_frame,
    check_int,
    check_level,
    fail,
)

__all__ = [
    "LIFECYCLE",
    "KeyMoments",
    "StageWeights",
    "journey_map",
    "journey_stages",
    "key_moments",
    "stage_frame",
    "stage_weights",
    "stages_unmet",
    "weights_unmet",
]

#: Touchpoint names of a B2B lifecycle, in order, with their stage labels. Default stages
#: follow this order for the touchpoints it names; other touchpoints follow, alphabetically.
LIFECYCLE: dict[str, str] = {
    "onboarding": "Onboarding",
    "product": "Product",
    "support": "Support",
    "billing": "Billing",
    "qbr": "QBR",
    "renewal": "Renewal",
}


@dataclass(frozen=True)
class StageWeights:
    """How strongly each stage's scores go with the relationship NPS (:func:`stage_weights`).

    Attributes
    ----------
    table : DataFrame
        One row per stage in journey order: ``stage``, ``weight`` (share of R² in %, sums to
        100 over the stages with data), ``ci_low``, ``ci_high`` (bootstrap, %), ``rank``,
        ``n_units`` (units with a score in the stage), ``n_imputed`` (units whose missing stage
        score was filled, ``missing="mean"``).
    frame : DataFrame
        The unit-level frame the weights come from: ``account`` (and ``period``) columns, one
        column of mean LTR per stage, ``outcome`` (mean relationship LTR).
    r2 : float
        R² of the outcome on all stage means.
    n_units : int
        Units (accounts, or account-periods) with an outcome and at least one stage score.
    n_used : int
        Units the weights were estimated on.
    missing : str
        How missing stage scores were handled (``"complete"`` or ``"mean"``).
    method : str
        ``"shapley"`` or ``"relative"``.
    """

    table: pd.DataFrame
    frame: pd.DataFrame
    r2: float
    n_units: int
    n_used: int
    missing: str
    method: str


@dataclass(frozen=True)
class KeyMoments:
    """Stages ranked by importance × gap (:func:`key_moments`).

    Attributes
    ----------
    table : DataFrame
        One row per stage, highest priority first: ``stage``, ``n``, ``nps``, ``gap`` (NPS
        points below the reference, 0 at or above it), ``weight`` (importance, % of R²),
        ``priority`` (= weight / 100 × gap, NPS points), ``priority_ci_low``,
        ``priority_ci_high`` (cluster bootstrap over accounts), ``p_top`` (% of resamples in
        which the stage ranks among the top ``top``), ``rank``, ``key_moment`` (bool).
    weights : StageWeights
        The stage weights behind ``weight``.
    reference : str
        What the gap is measured against (``"target 40"`` or ``"best stage (Product)"``).
    top : int
        How many stages are flagged as key moments at most.
    n_boot : int
        Bootstrap resamples of accounts.
    """

    table: pd.DataFrame
    weights: StageWeights
    reference: str
    top: int
    n_boot: int


# --------------------------------------------------------------------------- stages


def _stage_spec(stages: Any, func: str) -> dict[str, list[str]]:
    """Stage name -> touchpoints, from a list of ``{stage, touchpoints}`` or a mapping."""
    if isinstance(stages, Mapping):
        items = [(k, v) for k, v in stages.items()]
    elif isinstance(stages, Sequence) and not isinstance(stages, str):
        items = []
        for i, s in enumerate(stages):
            if isinstance(s, Mapping) and "stage" in s and "touchpoints" in s:
                items.append((s["stage"], s["touchpoints"]))
            elif hasattr(s, "stage") and hasattr(s, "touchpoints"):
                items.append((s.stage, s.touchpoints))
            else:
                fail(
                    func,
                    f"stages item {i}",
                    f"is {s!r}",
                    "give each stage as {stage: NAME, touchpoints: [TOUCHPOINT, ...]}",
                )
    else:
        fail(
            func,
            "stages",
            f"is {type(stages).__name__}",
            "pass a list of {stage: NAME, touchpoints: [...]} or None for the default journey",
        )
    out: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for name, tps in items:
        name = str(name)
        if name in out:
            fail(func, f"stage {name!r}", "is declared twice", "give each stage once")
        tps = [tps] if isinstance(tps, str) else list(tps)
        if not tps:
            fail(func, f"stage {name!r}", "has no touchpoints", "list at least one touchpoint")
        for t in tps:
            if str(t) in seen:
                fail(
                    func,
                    f"touchpoint {str(t)!r}",
                    f"is in two stages ({seen[str(t)]!r} and {name!r})",
                    "put each touchpoint in one stage only",
                )
            seen[str(t)] = name
        out[name] = [str(t) for t in tps]
    if not out:
        fail(func, "stages", "is empty", "declare at least one stage, or pass None")
    return out


def journey_stages(
    df: pd.DataFrame,
    *,
    stages: Any = None,
    touchpoint: str = "touchpoint",
    survey_type: str | None = "survey_type",
    outcome_type: str = "relationship",
    absent: str = "error",
) -> dict[str, list[str]]:
    """The journey's stages in order, each with its touchpoints, checked against the data.

    Declared stages (the run's ``journey:`` key) are checked: every touchpoint must occur in
    ``df`` (unless ``absent="keep"``) and none may sit in two stages. Without a declaration, each touchpoint of the stage
    responses (those whose ``survey_type`` is not ``outcome_type``) is a stage of its own: the
    names of :data:`LIFECYCLE` first, in its order (onboarding, product, support, billing, qbr,
    renewal) and labelled there (``qbr`` -> ``QBR``), then any other touchpoint in alphabetical
    order, named as in the data.

    Parameters
    ----------
    {{df}}
    stages : list of mapping, mapping or None
        ``[{"stage": "Onboard", "touchpoints": ["onboarding"]}, ...]`` (the params form) or
        ``{"Onboard": ["onboarding"], ...}``; None derives the stages from the data.
    touchpoint : str
        Column of the touchpoint of each response.
    survey_type : str or None
        Column of the survey type; None (or a missing column) uses every response.
    outcome_type : str
        The survey type left out of the stages (the relationship survey).
    absent : {"error", "keep"}
        What a declared touchpoint that does not occur in ``df`` does: ``"error"`` (catches a
        misspelt touchpoint) or ``"keep"`` (the stage stays, with no responses: for a window of
        recent quarters, after the journey was checked against the whole history).

    Returns
    -------
    dict of str to list of str
        Stage name -> touchpoints, in journey order.

    Raises
    ------
    ColumnError
        ``touchpoint`` is not a column of ``df``.
    ParameterError
        A declared touchpoint is not in the data (the message lists those present), a
        touchpoint in two stages, a stage declared twice or without touchpoints.

    Examples
    --------
    >>> d = pd.DataFrame({"touchpoint": ["billing", "onboarding", "events", "support"]})
    >>> journey_stages(d)
    {'Onboarding': ['onboarding'], 'Support': ['support'], 'Billing': ['billing'], 'events': ['events']}
    >>> journey_stages(d, stages=[{"stage": "Start", "touchpoints": ["onboarding", "events"]}])
    {'Start': ['onboarding', 'events']}
    >>> journey_stages(d, stages={"Pay": ["invoice"]})
    Traceback (most recent call last):
    ...
    cxm_lab.errors.ParameterError: journey_stages: touchpoint 'invoice' of stage 'Pay' is not in the data; touchpoints present: ['billing', 'events', 'onboarding', 'support'].
    >>> journey_stages(d, stages={"Pay": ["invoice"]}, absent="keep")
    {'Pay': ['invoice']}
    """
    func = "journey_stages"
    check_frame(df, func)
    check_choice(absent, "absent", ("error", "keep"), func)
    check_columns(df, [touchpoint], func, "touchpoint column")
    present = sorted(df[touchpoint].dropna().astype(str).unique())
    if stages is not None:
        spec = _stage_spec(stages, func)
        for name, tps in spec.items() if absent == "error" else ():
            for t in tps:
                if t not in present:
                    fail(
                        func,
                        f"touchpoint {t!r} of stage {name!r}",
                        "is not in the data",
                        f"touchpoints present: {present}",
                    )
        return spec
    rows = _stage_rows(df, survey_type, outcome_type)
    used = set(df.loc[rows, touchpoint].dropna().astype(str))
    known = [t for t in LIFECYCLE if t in used]
    others = sorted(used - set(known))
    return {**{LIFECYCLE[t]: [t] for t in known}, **{t: [t] for t in others}}


def _stage_rows(df: pd.DataFrame, survey_type: str | None, outcome_type: str) -> np.ndarray:
    """True for the responses that count towards a stage (not the outcome survey)."""
    if survey_type is None or survey_type not in df:
        return np.ones(len(df), dtype=bool)
    return (df[survey_type].astype("string") != outcome_type).fillna(True).to_numpy(dtype=bool)


def _stage_column(df: pd.DataFrame, spec: dict[str, list[str]], touchpoint: str) -> pd.Series:
    lookup = {t: s for s, tps in spec.items() for t in tps}
    return df[touchpoint].astype("string").map(lookup)


# --------------------------------------------------------------------------- the map


@fill
def journey_map(
    df: pd.DataFrame,
    *,
    comments: pd.DataFrame | None = None,
    stages: Any = None,
    touchpoint: str = "touchpoint",
    score: str = "ltr",
    csat: str | None = "csat",
    ces: str | None = "ces",
    label: str = "label",
    negative: str = "negative",
    theme_col: str | None = "category",
    weight: str | None = None,
    survey_type: str | None = "survey_type",
    outcome_type: str = "relationship",
    top_themes: int = 3,
    absent: str = "error",
    ci: float = 0.95,
    min_n: int = 30,
) -> pd.DataFrame:
    """One row per journey stage: volume, NPS, CSAT, CES, negative comments and top themes.

    NPS (with its Wald interval) comes from :func:`cxm_lab.metrics.nps`, CSAT (top-2 box %,
    Wilson interval) from :func:`cxm_lab.metrics.csat` and CES (mean on 1–7, t interval) from
    :func:`cxm_lab.metrics.ces`, each on the stage's responses; the share of negative comments
    is k/n of the stage's comments with a sentiment label, with a Wilson interval
    (:func:`cxm_lab.stats.share_interval`, unweighted). Stage responses exclude the outcome
    survey type (see the module docstring).

    Parameters
    ----------
    {{df}}
    comments : DataFrame, optional
        Analysed comments with the ``touchpoint``, ``label`` and ``theme_col`` columns, e.g.
        ``cxm_lab.text.analysis.analyse_comments(responses).comments``; None leaves the
        comment columns out.
    stages : list of mapping, mapping or None
        The journey (see :func:`journey_stages`); None derives it from the data.
    touchpoint : str
        Column of the touchpoint of each response.
    {{score}}
    csat, ces : str or None
        Columns of the 1–5 satisfaction and 1–7 effort answers; left out when None or absent.
    label : str
        Sentiment label column of ``comments``.
    negative : str
        The label counted as negative.
    {{theme_col}}
    {{weight}}
    survey_type : str or None
        Column of the survey type; None uses every response.
    outcome_type : str
        The survey type left out of the stage metrics (the relationship survey).
    top_themes : int
        How many themes to name per stage.
    absent : {"error", "keep"}
        A declared touchpoint missing from ``df``: an error, or a stage with n = 0 (see
        :func:`journey_stages`).
    {{ci}}
    {{min_n}}

    Returns
    -------
    DataFrame
        One row per stage in journey order: ``stage``, ``touchpoints`` (comma-separated),
        ``n``, ``nps``, ``ci_low``, ``ci_high``; ``csat``, ``csat_ci_low``, ``csat_ci_high``
        (%) when the CSAT column exists; ``ces_mean``, ``ces_ci_low``, ``ces_ci_high`` when
        the CES column exists; with ``comments``: ``n_comments``, ``pct_negative``,
        ``pct_negative_ci_low``, ``pct_negative_ci_high`` and ``theme_1``, ``theme_1_pct``, ...
        (% of the stage's comments with a theme); ``small_n`` (n < ``min_n``). A stage without
        responses has n = 0 and missing values.

    Raises
    ------
    ColumnError
        A named column is not in ``df`` (or ``comments``).
    ParameterError
        A bad journey (see :func:`journey_stages`), ``ci`` or ``min_n``.

    Examples
    --------
    Three promoters and one detractor in onboarding, one promoter and one detractor in billing:

    >>> d = pd.DataFrame({"touchpoint": ["onboarding"] * 4 + ["billing"] * 2,
    ...                   "ltr": [10, 9, 9, 3, 9, 0]})
    >>> m = journey_map(d, min_n=2)
    >>> m[["stage", "n", "nps"]].values.tolist()
    [['Onboarding', 4, 50.0], ['Billing', 2, 0.0]]
    """
    func = "journey_map"
    check_frame(df, func)
    check_level(ci, func)
    top_themes = check_int(top_themes, "top_themes", func, 0, "pass e.g. 3")
    check_columns(df, [touchpoint, score] + ([weight] if weight else []), func, "column")
    spec = journey_stages(
        df, stages=stages, touchpoint=touchpoint, survey_type=survey_type,
        outcome_type=outcome_type, absent=absent,
    )  # fmt: skip
    names = list(spec)
    rows = _stage_rows(df, survey_type, outcome_type)
    cols = [score] + [c for c in (csat, ces, weight) if c and c in df]
    d = df.loc[rows, cols].copy()
    d["stage"] = _stage_column(df.loc[rows], spec, touchpoint)
    d = d[d["stage"].notna()]
    d["stage"] = d["stage"].astype(str)
    out = pd.DataFrame({"stage": names, "touchpoints": [", ".join(spec[s]) for s in names]})
    n = metrics.nps(d, score=score, by="stage", weight=weight, ci=ci, min_n=min_n)
    n = n.set_index("stage").reindex(names)
    out["n"] = n["n"].fillna(0).astype(int).to_numpy()
    for c in ("nps", "ci_low", "ci_high"):
        out[c] = n[c].to_numpy(dtype=float)
    if csat and csat in d and d[csat].notna().any():
        c = metrics.csat(d, score=csat, by="stage", weight=weight, ci=ci, min_n=min_n)
        c = c.set_index("stage").reindex(names)
        out["csat"] = c["csat"].to_numpy(dtype=float)
        out["csat_ci_low"] = c["ci_low"].to_numpy(dtype=float)
        out["csat_ci_high"] = c["ci_high"].to_numpy(dtype=float)
    if ces and ces in d and d[ces].notna().any():
        e = metrics.ces(d, score=ces, by="stage", weight=weight, ci=ci, min_n=min_n)
        e = e.set_index("stage").reindex(names)
        out["ces_mean"] = e["ces_mean"].to_numpy(dtype=float)
        out["ces_ci_low"] = e["mean_ci_low"].to_numpy(dtype=float)
        out["ces_ci_high"] = e["mean_ci_high"].to_numpy(dtype=float)
    if comments is not None:
        out = _comment_columns(
            out, comments, spec, touchpoint, label, negative, theme_col, survey_type,
            outcome_type, top_themes, ci, func,
        )  # fmt: skip
    out["small_n"] = out["n"] < min_n
    return out


def _comment_columns(
    out: pd.DataFrame,
    comments: pd.DataFrame,
    spec: dict[str, list[str]],
    touchpoint: str,
    label: str,
    negative: str,
    theme_col: str | None,
    survey_type: str | None,
    outcome_type: str,
    top_themes: int,
    ci: float,
    func: str,
) -> pd.DataFrame:
    check_frame(comments, func, name="comments")
    check_columns(comments, [touchpoint, label], func, "comments column")
    c = comments.loc[_stage_rows(comments, survey_type, outcome_type)].copy()
    c["_stage"] = _stage_column(c, spec, touchpoint)
    c = c[c["_stage"].notna()]
    labelled = c[c[label].notna()]
    k = (labelled[label] == negative).groupby(labelled["_stage"]).sum()
    m = labelled.groupby("_stage").size()
    k = k.reindex(out["stage"]).fillna(0).to_numpy(dtype=float)
    m = m.reindex(out["stage"]).fillna(0).to_numpy(dtype=float)
    share = stats.share_interval(k, m, ci=ci)
    out["n_comments"] = m.astype(int)
    out["pct_negative"] = 100 * np.asarray(share.estimate, dtype=float)
    out["pct_negative_ci_low"] = 100 * np.asarray(share.low, dtype=float)
    out["pct_negative_ci_high"] = 100 * np.asarray(share.high, dtype=float)
    if theme_col and top_themes:
        check_columns(comments, [theme_col], func, "comments theme column")
        themed = c[c[theme_col].notna()]
        for i in range(1, top_themes + 1):
            out[f"theme_{i}"] = pd.Series([None] * len(out), dtype="object")
            out[f"theme_{i}_pct"] = np.nan
        for j, s in enumerate(out["stage"]):
            counts = themed.loc[themed["_stage"] == s, theme_col].astype(str).value_counts()
            counts = counts.sort_index().sort_values(ascending=False, kind="stable")
            total = counts.sum()
            for i, (theme, cnt) in enumerate(counts.head(top_themes).items(), 1):
                out.loc[j, f"theme_{i}"] = theme
                out.loc[j, f"theme_{i}_pct"] = 100 * cnt / total
    return out


# --------------------------------------------------------------------------- stage weights


def _check_weights_args(
    df: pd.DataFrame,
    account: str,
    score: str,
    touchpoint: str,
    period: str | None,
    lag: int,
    survey_type: str | None,
    missing: str,
    method: str,
    func: str,
) -> int:
    check_frame(df, func)
    if survey_type is None:
        fail(
            func,
            "survey_type",
            "is None",
            "name the survey-type column: relationship responses are the outcome",
        )
    cols = [account, score, touchpoint, survey_type] + ([period] if period else [])
    check_columns(df, cols, func, "column")
    check_choice(missing, "missing", ("complete", "mean"), func)
    check_choice(method, "method", ("shapley", "relative"), func)
    lag = check_int(lag, "lag", func, 0, "pass 0 (same period) or 1 (next period)")
    if lag and not period:
        fail(func, "lag", f"is {lag} without a period", "pass period='quarter' with lag > 0")
    return lag


@fill
def stage_frame(
    df: pd.DataFrame,
    *,
    stages: Any = None,
    touchpoint: str = "touchpoint",
    score: str = "ltr",
    account: str = "account_id",
    period: str | None = None,
    lag: int = 0,
    survey_type: str = "survey_type",
    outcome_type: str = "relationship",
) -> pd.DataFrame:
    """Per account (and period): the mean stage LTR of its contacts and its relationship LTR.

    A unit is an account (``period=None``: all rows given, pooled) or an account in a period.
    Each stage column is the unweighted mean ``score`` of the unit's stage responses (survey
    type other than ``outcome_type``); ``outcome`` is the mean ``score`` of its
    ``outcome_type`` responses in the same period (``lag=0``) or ``lag`` periods later (the
    periods present, sorted). Units without an outcome or without any stage score are left out.

    Parameters
    ----------
    {{df}}
    stages : list of mapping, mapping or None
        The journey (see :func:`journey_stages`).
    touchpoint : str
        Column of the touchpoint.
    {{score}}
    account : str
        Column of the account id.
    {{period}}
        None pools all rows per account.
    lag : int
        Periods between the stage scores and the outcome (0 or more; needs ``period``).
    survey_type : str
        Column of the survey type.
    outcome_type : str
        The survey type of the outcome (the relationship survey).

    Returns
    -------
    DataFrame
        ``account`` (and ``period``: the period of the stage scores), one column per stage
        (mean LTR, NaN where the unit has none), ``outcome``.

    Raises
    ------
    ColumnError
        A named column is not in ``df``.
    ParameterError
        A bad journey, ``lag`` < 0 or ``lag`` without ``period``.

    Examples
    --------
    >>> d = pd.DataFrame({"account_id": ["A", "A", "A", "B", "B"],
    ...                   "survey_type": ["transactional", "transactional", "relationship",
    ...                                   "transactional", "relationship"],
    ...                   "touchpoint": ["billing", "billing", "qbr", "support", "qbr"],
    ...                   "ltr": [4, 6, 8, 9, 10]})
    >>> stage_frame(d).values.tolist()
    [['A', nan, 5.0, 8.0], ['B', 9.0, nan, 10.0]]
    """
    func = "stage_frame"
    lag = _check_weights_args(
        df, account, score, touchpoint, period, lag, survey_type, "complete", "shapley", func
    )
    spec = journey_stages(
        df, stages=stages, touchpoint=touchpoint, survey_type=survey_type, outcome_type=outcome_type
    )
    names = list(spec)
    y = pd.to_numeric(df[score], errors="coerce")
    keys = [account] + ([period] if period else [])
    is_stage = _stage_rows(df, survey_type, outcome_type)
    d = df.loc[is_stage & y.notna().to_numpy(), keys].copy()
    d["_stage"] = _stage_column(df.loc[d.index], spec, touchpoint)
    d["_y"] = y[d.index]
    d = d[d["_stage"].notna() & d[account].notna()]
    wide = d.pivot_table(index=keys, columns="_stage", values="_y", aggfunc="mean")
    wide = wide.reindex(columns=names)
    o = df.loc[~is_stage & y.notna().to_numpy() & df[account].notna().to_numpy(), keys].copy()
    o["_y"] = y[o.index]
    if period and lag:
        order = sorted(df[period].dropna().astype(str).unique())
        pos = {p: i for i, p in enumerate(order)}
        # outcome period -> the period of the stage scores it follows
        back = {p: order[i - lag] for p, i in pos.items() if i >= lag}
        o[period] = o[period].astype(str).map(back)
        o = o[o[period].notna()]
    outcome = o.groupby(keys)["_y"].mean().rename("outcome")
    if period:
        wide.index = wide.index.set_levels(wide.index.levels[1].astype(str), level=1)
        if len(outcome):
            outcome.index = outcome.index.set_levels(outcome.index.levels[1].astype(str), level=1)
    frame = wide.join(outcome, how="inner")
    frame = frame[frame[names].notna().any(axis=1)]
    frame = frame.reset_index()
    frame.columns.name = None
    return frame.rename(columns={account: "account", **({period: "period"} if period else {})})


def _frame_problem(n_stages: int, n_units: int) -> tuple[str, str, str] | None:
    """Why a unit frame cannot give stage weights (subject, problem, fix), or None."""
    if n_stages < 2:
        return (
            "stages",
            f"with transactional scores and a relationship outcome number {n_stages}",
            "stage weights need at least two stages with transactional scores of accounts "
            "that also answered the relationship survey",
        )
    if n_units <= n_stages + 1:
        return (
            "accounts",
            f"with a score in every stage number {n_units} for {n_stages} stages",
            "pass missing='mean', pool more periods (period=None) or declare fewer stages",
        )
    return None


def _design(
    frame: pd.DataFrame, names: list[str], missing: str
) -> tuple[pd.DataFrame, list[str], np.ndarray]:
    """The regression frame of the stage weights: the stages with any score (``usable``), the
    units kept (every stage scored, or all with gaps filled by the stage mean) with their
    ``outcome``, and the number of scores imputed per usable stage."""
    usable = [s for s in names if frame[s].notna().any()]
    x = frame[usable].copy()
    if missing == "mean":
        imputed = x.isna().sum().to_numpy()
        x = x.fillna(x.mean())
        keep = np.ones(len(x), dtype=bool)
    else:
        imputed = np.zeros(len(usable), dtype=int)
        keep = x.notna().all(axis=1).to_numpy()
    x = x[keep].assign(outcome=frame.loc[keep, "outcome"].to_numpy())
    return x, usable, imputed


def _weights_from_frame(
    frame: pd.DataFrame, names: list[str], missing: str, method: str, n_boot: int, ci: float,
    seed: int, func: str,
) -> tuple[pd.DataFrame, float, int, list[str], np.ndarray]:  # fmt: skip
    """Stage weights from a unit frame; returns the table, R², n used, stages used, imputed."""
    x, usable, imputed_out = _design(frame, names, missing)
    problem = _frame_problem(len(usable), len(x))
    if problem:
        subject, what, fix = problem
        fail(func, subject, what, fix, error=DataError)
    decompose = drivers.shapley_r2 if method == "shapley" else drivers.relative_weights
    res = decompose(x, outcome="outcome", drivers=usable, n_boot=n_boot, ci=ci, seed=seed)
    return res, float(res["r2"].iloc[0]), int(len(x)), usable, imputed_out


@fill
def stage_weights(
    df: pd.DataFrame,
    *,
    stages: Any = None,
    touchpoint: str = "touchpoint",
    score: str = "ltr",
    account: str = "account_id",
    period: str | None = None,
    lag: int = 0,
    survey_type: str = "survey_type",
    outcome_type: str = "relationship",
    missing: str = "complete",
    method: str = "shapley",
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
) -> StageWeights:
    """Importance of each journey stage for the account's relationship NPS.

    On the unit frame of :func:`stage_frame` (mean stage LTR per account, outcome = mean
    relationship LTR of the account's contacts), the weight of a stage is its Shapley (LMG)
    share of R² (:func:`cxm_lab.drivers.shapley_r2`, ``method="shapley"``) or its Johnson
    relative weight (:func:`cxm_lab.drivers.relative_weights`), in % summing to 100, with
    percentile bootstrap intervals over units. Missing stage scores: see the module docstring.

    Parameters
    ----------
    {{df}}
    stages : list of mapping, mapping or None
        The journey (see :func:`journey_stages`).
    touchpoint : str
        Column of the touchpoint.
    {{score}}
    account : str
        Column of the account id.
    {{period}}
        None (default) pools all rows per account.
    lag : int
        Periods between stage scores and the outcome (needs ``period``).
    survey_type : str
        Column of the survey type.
    outcome_type : str
        The survey type of the outcome.
    missing : {"complete", "mean"}
        Units with every stage scored only, or missing stage means filled with the stage mean.
    method : {"shapley", "relative"}
        The decomposition of R².
    {{n_boot}}
    {{ci}}
    {{seed}}

    Returns
    -------
    StageWeights
        The weights per stage (journey order), the unit frame, R², the units available and
        used, and the rules applied.

    Raises
    ------
    ColumnError
        A named column is not in ``df``.
    ParameterError
        A bad journey, ``missing``, ``method``, ``lag``, ``ci`` or ``n_boot``.
    DataError
        Fewer than two stages with scores, or too few units to estimate the weights.

    Examples
    --------
    Billing means 10, 0, 10, 0 and support means 10, 10, 8, 8 are uncorrelated, and the outcome
    9, 5, 7, 3 is 6 + 2 z_billing + z_support: the weights are the squared correlations
    (0.8 and 0.2 of R² = 1), 80 % and 20 %.

    >>> d = pd.DataFrame({
    ...     "account_id": [a for a in "ABCD" for _ in range(3)],
    ...     "survey_type": ["transactional", "transactional", "relationship"] * 4,
    ...     "touchpoint": ["billing", "support", "qbr"] * 4,
    ...     "ltr": [10, 10, 9,  0, 10, 5,  10, 8, 7,  0, 8, 3]})
    >>> w = stage_weights(d, n_boot=0)
    >>> w.table[["stage", "weight"]].round(6).values.tolist(), w.n_used
    ([['Support', 20.0], ['Billing', 80.0]], 4)
    """
    func = "stage_weights"
    check_level(ci, func)
    n_boot = check_int(n_boot, "n_boot", func, 0, "pass 0 to skip the bootstrap, or e.g. 1000")
    _check_weights_args(
        df, account, score, touchpoint, period, lag, survey_type, missing, method, func
    )
    spec = journey_stages(
        df, stages=stages, touchpoint=touchpoint, survey_type=survey_type, outcome_type=outcome_type
    )
    names = list(spec)
    frame = stage_frame(
        df, stages=spec, touchpoint=touchpoint, score=score, account=account, period=period,
        lag=lag, survey_type=survey_type, outcome_type=outcome_type,
    )  # fmt: skip
    res, r2, n_used, usable, imputed = _weights_from_frame(
        frame, names, missing, method, n_boot, ci, seed, func
    )
    res = res.set_index("driver").reindex(names)
    table = pd.DataFrame({"stage": names})
    table["weight"] = res["weight"].to_numpy(dtype=float)
    for c in ("ci_low", "ci_high"):
        table[c] = res[c].to_numpy(dtype=float) if c in res else np.nan
    table["rank"] = res["rank"].astype("Int64").to_numpy()
    table["n_units"] = [int(frame[s].notna().sum()) for s in names]
    imp = dict(zip(usable, imputed, strict=True))
    table["n_imputed"] = [int(imp.get(s, 0)) for s in names]
    return StageWeights(
        table=table,
        frame=frame,
        r2=r2,
        n_units=int(len(frame)),
        n_used=n_used,
        missing=missing,
        method=method,
    )


def stages_unmet(
    df: pd.DataFrame,
    *,
    stages: Mapping[str, Sequence[str]] | Sequence[Mapping[str, Any]] | None = None,
    touchpoint: str = "touchpoint",
    survey_type: str = "survey_type",
    outcome_type: str = "relationship",
) -> list[str]:
    """What the data lacks for a journey of stages (:func:`journey_stages`), as phrases for a
    report section's "not shown; needs ..." line; empty when there is a stage.

    Declared stages always make one; the default journey needs responses at a touchpoint
    other than the relationship survey's (a report quarter of relationship responses only
    has none).

    Parameters
    ----------
    df : DataFrame
        The responses.
    stages, touchpoint, survey_type, outcome_type
        As in :func:`journey_stages`.

    Returns
    -------
    list of str
        The unmet need (none, or one phrase).

    Examples
    --------
    >>> d = pd.DataFrame({"touchpoint": ["qbr"], "survey_type": ["relationship"]})
    >>> stages_unmet(d)
    ['transactional or in-the-moment responses at a touchpoint (this data has none)']
    >>> stages_unmet(d.assign(survey_type="transactional"))
    []
    """
    if stages or touchpoint not in df:
        return []  # declared stages, or the section's column check names the column
    spec = journey_stages(
        df, touchpoint=touchpoint, survey_type=survey_type, outcome_type=outcome_type
    )
    if spec:
        return []
    return ["transactional or in-the-moment responses at a touchpoint (this data has none)"]


@fill
def weights_unmet(
    df: pd.DataFrame,
    *,
    stages: Any = None,
    touchpoint: str = "touchpoint",
    score: str = "ltr",
    account: str = "account_id",
    survey_type: str = "survey_type",
    outcome_type: str = "relationship",
    missing: str = "complete",
) -> list[str]:
    """What the data lacks for :func:`stage_weights` (pooled over periods), as phrases for a
    report section's "not shown; needs ..." line; empty when the weights can be computed.

    Cheap (no bootstrap): a notebook passes the result to its section gate
    (``section("Key moments", unmet=journey.weights_unmet(df))``) so that data without a
    relationship survey, or with too few accounts scored in every stage, skips the section
    with the reason instead of stopping the report.

    Parameters
    ----------
    {{df}}
    stages, touchpoint, score, account, survey_type, outcome_type, missing
        As in :func:`stage_weights`.

    Returns
    -------
    list of str
        The unmet needs (none, or one phrase).

    Examples
    --------
    >>> d = pd.DataFrame({"account_id": ["a", "a"], "touchpoint": ["support", "billing"],
    ...                   "survey_type": ["transactional"] * 2, "ltr": [9, 3]})
    >>> weights_unmet(d)
    ['relationship-survey responses (survey_type "relationship") from accounts that also rated journey stages']
    """
    if any(c not in df for c in (touchpoint, score, account)):
        return []  # the section's own column check names the missing columns
    if survey_type in df and not (df[survey_type] == outcome_type).any():
        return [
            f'relationship-survey responses ({survey_type} "{outcome_type}") from accounts '
            "that also rated journey stages"
        ]
    spec = journey_stages(
        df, stages=stages, touchpoint=touchpoint, survey_type=survey_type, outcome_type=outcome_type
    )
    if not spec:  # no transactional response: no stage to weigh
        return ["transactional scores in at least two journey stages from accounts that also "
                "answered the relationship survey"]  # fmt: skip
    frame = stage_frame(
        df, stages=spec, touchpoint=touchpoint, score=score, account=account,
        survey_type=survey_type, outcome_type=outcome_type,
    )  # fmt: skip
    x, usable, _ = _design(frame, list(spec), missing)
    n_units = len(x)
    problem = _frame_problem(len(usable), n_units)
    if problem is None:
        return []
    if problem[0] == "stages":
        return ["transactional scores in at least two journey stages from accounts that also "
                "answered the relationship survey"]  # fmt: skip
    return [f"more than {len(usable) + 1} accounts with a score in every journey stage "
            f"(this data has {n_units})"]  # fmt: skip


# --------------------------------------------------------------------------- key moments


def _gap(nps: np.ndarray, target: float | None) -> np.ndarray:
    """NPS points below the reference (``target``, else the best stage), 0 at or above it."""
    if target is None and not np.isfinite(nps).any():
        return np.full(len(nps), np.nan)
    ref = target if target is not None else np.nanmax(nps)
    return np.clip(ref - nps, 0, None)


@fill
def key_moments(
    df: pd.DataFrame,
    *,
    stages: Any = None,
    touchpoint: str = "touchpoint",
    score: str = "ltr",
    account: str = "account_id",
    period: str | None = None,
    lag: int = 0,
    survey_type: str = "survey_type",
    outcome_type: str = "relationship",
    weight: str | None = None,
    target: float | None = None,
    importance: StageWeights | None = None,
    top: int = 2,
    missing: str = "complete",
    method: str = "shapley",
    absent: str = "error",
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
    min_n: int = 30,
) -> KeyMoments:
    """Stages ranked by importance × gap: where improving the journey lifts relationship NPS most.

    priority = weight / 100 × gap, in NPS points: ``weight`` is the stage's importance for the
    account's relationship NPS (:func:`stage_weights`, % of R²) and ``gap`` = max(reference −
    stage NPS, 0), the reference being ``target`` (NPS points) or, without one, the best
    stage's NPS. The uncertainty comes from a cluster bootstrap over accounts: each resample
    draws accounts with replacement and recomputes the stage NPS (from the drawn accounts'
    stage responses, responses without an account each being a cluster of their own), the
    stage weights and the reference; ``priority_ci_*`` are percentile intervals and ``p_top``
    the share of resamples in which the stage ranks among the ``top`` highest priorities. The
    top ``top`` stages with a positive priority are flagged ``key_moment``.

    Parameters
    ----------
    {{df}}
    stages : list of mapping, mapping or None
        The journey (see :func:`journey_stages`).
    touchpoint : str
        Column of the touchpoint.
    {{score}}
    account : str
        Column of the account id.
    {{period}}
        None (default) pools all rows per account for the weights.
    lag : int
        Periods between stage scores and the outcome (needs ``period``).
    survey_type : str
        Column of the survey type.
    outcome_type : str
        The survey type of the outcome.
    {{weight}}
        Used for the stage NPS only.
    target : float, optional
        NPS the gap is measured against; None: the best stage's NPS.
    importance : StageWeights, optional
        Stage weights computed beforehand (e.g. on a longer history than ``df``, since few
        accounts meet every stage in a short window); None computes them from ``df``. Its
        stages must be those of the journey. The bootstrap resamples the accounts of its frame
        together with those of ``df``.
    top : int
        How many stages to flag as key moments at most.
    missing : {"complete", "mean"}
        See :func:`stage_weights`.
    method : {"shapley", "relative"}
        See :func:`stage_weights`.
    absent : {"error", "keep"}
        A declared touchpoint missing from ``df`` (e.g. not surveyed in the quarters shown): an
        error, or a stage with n = 0 whose NPS, gap and priority are missing and which is never
        a key moment (give ``importance`` from a history that has it).
    {{n_boot}}
    {{ci}}
    {{seed}}
    {{min_n}}

    Returns
    -------
    KeyMoments
        The ranked table, the stage weights, the reference, ``top`` and ``n_boot``.

    Raises
    ------
    ColumnError, ParameterError, DataError
        As :func:`stage_weights`, ``top`` < 1, and ``importance`` with other stages.

    Examples
    --------
    The data of :func:`stage_weights`'s example (billing 80 %, support 20 %): billing NPS 0 (two
    promoters, two detractors), support NPS 50 (two promoters, two passives). Support is the
    best stage, so billing's gap is 50 points and its priority 0.8 × 50 = 40.

    >>> d = pd.DataFrame({
    ...     "account_id": [a for a in "ABCD" for _ in range(3)],
    ...     "survey_type": ["transactional", "transactional", "relationship"] * 4,
    ...     "touchpoint": ["billing", "support", "qbr"] * 4,
    ...     "ltr": [10, 10, 9,  0, 10, 5,  10, 8, 7,  0, 8, 3]})
    >>> k = key_moments(d, n_boot=0, top=1, min_n=1)
    >>> k.table[["stage", "nps", "gap", "priority", "key_moment"]].round(6).values.tolist()
    [['Billing', 0.0, 50.0, 40.0, True], ['Support', 50.0, 0.0, 0.0, False]]
    """
    func = "key_moments"
    top = check_int(top, "top", func, 1, "pass e.g. 2")
    check_level(ci, func)
    n_boot = check_int(n_boot, "n_boot", func, 0, "pass 0 to skip the bootstrap, or e.g. 1000")
    sw = importance or stage_weights(
        df, stages=stages, touchpoint=touchpoint, score=score, account=account, period=period,
        lag=lag, survey_type=survey_type, outcome_type=outcome_type, missing=missing,
        method=method, n_boot=0, ci=ci, seed=seed,
    )  # fmt: skip
    spec = journey_stages(
        df, stages=stages, touchpoint=touchpoint, survey_type=survey_type,
        outcome_type=outcome_type, absent=absent,
    )  # fmt: skip
    names = list(spec)
    if sw.table["stage"].tolist() != names:
        fail(
            func,
            "importance",
            f"has the stages {sw.table['stage'].tolist()}, the journey {names}",
            "compute the stage weights with the same stages",
        )
    jm = journey_map(
        df, stages=spec, touchpoint=touchpoint, score=score, csat=None, ces=None, weight=weight,
        survey_type=survey_type, outcome_type=outcome_type, absent=absent, ci=ci, min_n=min_n,
    )  # fmt: skip
    nps = jm["nps"].to_numpy(dtype=float)
    w = np.nan_to_num(sw.table["weight"].to_numpy(dtype=float), nan=0.0)
    gap = _gap(nps, target)
    prio = w / 100 * gap
    table = pd.DataFrame(
        {"stage": names, "n": jm["n"].to_numpy(), "nps": nps, "gap": gap, "weight": w}
    )
    table["priority"] = prio
    table["priority_ci_low"] = np.nan
    table["priority_ci_high"] = np.nan
    table["p_top"] = np.nan
    if n_boot:
        boot = _bootstrap_priority(
            df, spec, sw, touchpoint, score, account, survey_type, outcome_type, weight,
            target, missing, method, n_boot, seed,
        )  # fmt: skip
        # A stage without responses in df has no priority in any resample: leave it out.
        seen = np.isfinite(prio)
        boot = boot[np.isfinite(boot[:, seen]).all(axis=1)]
        lo, hi = np.full(len(names), np.nan), np.full(len(names), np.nan)
        lo[seen], hi[seen] = stats.percentile_interval(boot[:, seen], ci=ci, axis=0)
        table["priority_ci_low"], table["priority_ci_high"] = lo, hi
        ranks = (-np.where(seen, boot, -np.inf)).argsort(axis=1).argsort(axis=1)  # 0 = highest
        table["p_top"] = np.where(seen, 100 * (ranks < top).mean(axis=0), np.nan)
    order = np.lexsort((np.arange(len(names)), -np.nan_to_num(prio, nan=-np.inf)))
    table = table.iloc[order].reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    table["key_moment"] = (table["rank"] <= top) & (table["priority"] > 0)
    best = names[int(np.nanargmax(nps))] if np.isfinite(nps).any() else "none"
    reference = f"target {target:g}" if target is not None else f"best stage ({best})"
    return KeyMoments(table=table, weights=sw, reference=reference, top=top, n_boot=n_boot)


def _bootstrap_priority(
    df: pd.DataFrame, spec: dict[str, list[str]], sw: StageWeights, touchpoint: str, score: str,
    account: str, survey_type: str, outcome_type: str, weight: str | None,
    target: float | None, missing: str, method: str, n_boot: int, seed: int,
) -> np.ndarray:  # fmt: skip
    """Priorities (n_boot, stages) from resamples of accounts (clusters)."""
    names = list(spec)
    rows = _stage_rows(df, survey_type, outcome_type)
    stage = _stage_column(df, spec, touchpoint).to_numpy()
    y = pd.to_numeric(df[score], errors="coerce").to_numpy(dtype=float)
    use = rows & pd.notna(stage) & np.isfinite(y)
    code_of = {s: i for i, s in enumerate(names)}
    s_code = np.array([code_of[s] for s in stage[use]], dtype=np.int64)
    cat = stats.nps_codes(y[use])
    w = (
        np.ones(int(use.sum()))
        if weight is None
        else pd.to_numeric(df[weight], errors="coerce").to_numpy(dtype=float)[use]
    )
    # Clusters: accounts; a response without an account is a cluster of its own.
    acc = df[account].astype("string").to_numpy(dtype=object)
    frame_acc = sw.frame["account"].astype(str).to_numpy()
    labels = np.where(pd.isna(acc), None, acc)
    known = pd.unique(np.concatenate([labels[use][pd.notna(labels[use])], frame_acc]))
    acc_code = {a: i for i, a in enumerate(known)}
    resp_cluster = np.empty(int(use.sum()), dtype=np.int64)
    next_id = len(known)
    for i, a in enumerate(labels[use]):
        if a is None:
            resp_cluster[i] = next_id
            next_id += 1
        else:
            resp_cluster[i] = acc_code[a]
    frame_cluster = np.array([acc_code[a] for a in frame_acc], dtype=np.int64)
    n_clusters = next_id
    rng = np.random.default_rng(seed)
    k = len(names)
    out = np.full((n_boot, k), np.nan)
    for b in range(n_boot):
        counts = np.bincount(
            stats.bootstrap_indices(n_clusters, 1, rng=rng)[0], minlength=n_clusters
        ).astype(float)
        m = w * counts[resp_cluster]
        tot = np.bincount(s_code, weights=m, minlength=k)
        pro = np.bincount(s_code, weights=m * (cat == 1), minlength=k)
        det = np.bincount(s_code, weights=m * (cat == -1), minlength=k)
        nps = 100 * np.asarray(stats.net_score(pro, det, tot).estimate, dtype=float)
        reps = counts[frame_cluster].astype(int)
        frame = sw.frame.loc[np.repeat(np.arange(len(sw.frame)), reps)]
        try:
            res, _, _, usable, _ = _weights_from_frame(
                frame.reset_index(drop=True), names, missing, method, 0, 0.95, 0, "key_moments"
            )
        except (DataError, ParameterError):
            continue
        wt = res.set_index("driver")["weight"].reindex(names).fillna(0).to_numpy(dtype=float)
        out[b] = wt / 100 * _gap(nps, target)
    return out
