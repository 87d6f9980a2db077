"""The measurement pyramid: one top index, the touchpoint metrics under it, operational KPIs at
the base, and the *measured* link between each level and the one above.

Levels
------
1. **Index** (top): relationship NPS per period (responses whose ``survey_type`` is
   ``"relationship"`` when that column exists, else every response), per ``by`` unit when given.
2. **Touchpoints**: the transactional metric (NPS, CSAT or CES, through :mod:`cxm_lab.metrics`)
   per touchpoint and period, from the other surveys (all responses when there is no
   ``survey_type``); each touchpoint's owner comes from the ``touchpoint_owners`` table.
3. **KPIs** (base): the optional ``operations`` table (see :data:`cxm_lab.schema.OPERATIONS`):
   ``unit``, ``period``, ``kpi``, ``value``, optional ``owner``, ``touchpoint``, ``direction``.
   A KPI without a ``touchpoint`` belongs to the touchpoints its ``unit`` owns.

Links
-----
Each KPI is paired with its touchpoint's metric, and each touchpoint metric with the index, on
the period (and on the unit, when ``by`` names the response column that the KPIs' ``unit``
holds); the link is Pearson's r of those pairs with a Fisher-z interval
(:func:`cxm_lab.stats.correlation`), its n, and a plain ``includes_zero`` flag when the interval
does not exclude 0 (the link is not distinguishable from none). These are correlations across a
few periods: they show which numbers move together, not what causes what.

Where several sources point to one target (the touchpoints under the index, the KPIs of one
touchpoint), each link also carries a **driver weight**: the source's share of the variance of
the target explained by all its sources together (Johnson's relative weights,
:func:`cxm_lab.drivers.relative_weights`, on the periods (and units) where all are present),
with a percentile bootstrap interval over those periods. A correlation says how closely one
number follows another; the weight says how the explained part divides among sources that move
together. With a dozen periods both are rough, and the intervals say so.

Shift-share
-----------
:func:`shift_share` splits the change of NPS between two periods into the change of the mix of
respondents across segments and the change of each segment's NPS.

Examples
--------
>>> from cxm_lab.demo import load_demo
>>> d = load_demo()
>>> p = build_pyramid(d.responses, d.operations, owners=d.touchpoint_owners)
>>> wait = p.links.query("kpi == 'wait time (minutes)'").iloc[0]
>>> bool(wait["r"] < -0.9), bool(wait["includes_zero"]), wait["owner"]
(True, False, 'Head of Support')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxm_lab import drivers, metrics, stats
from cxm_lab.docstrings import fill
from cxm_lab.errors import (
    DataError,
    ParameterError,
    check_by,
    check_choice,
    check_columns,
    check_frame,
    check_int,
    check_level,
    fail,
    need,
)

__all__ = [
    "LINK_COLUMNS",
    "Pyramid",
    "ShiftShare",
    "build_pyramid",
    "index_responses",
    "shift_share",
    "weights_phrase",
]

#: Columns of :attr:`Pyramid.links`, in order.
LINK_COLUMNS = [
    "level",
    "source",
    "target",
    "kpi",
    "touchpoint",
    "unit",
    "owner",
    "direction",
    "n",
    "r",
    "ci_low",
    "ci_high",
    "p_value",
    "includes_zero",
    "as_expected",
    "small_n",
    "weight",
    "weight_ci_low",
    "weight_ci_high",
    "weight_r2",
]
#: The value column and interval columns of each touchpoint metric's table.
#: Touchpoint metric -> (function of cxm_lab.metrics, value column, its interval's columns).
_METRIC = {
    "nps": (metrics.nps, "nps", "ci_low", "ci_high"),
    "csat": (metrics.csat, "csat", "ci_low", "ci_high"),
    "ces": (metrics.ces, "ces_mean", "mean_ci_low", "mean_ci_high"),
}
INDEX_NODE = "index"


@dataclass(frozen=True)
class Pyramid:
    """The three levels of the measurement pyramid and the measured links between them.

    Attributes
    ----------
    index : DataFrame
        The top index per period (and ``by``): ``period`` column, ``n``, ``nps``, ``ci_low``,
        ``ci_high``, ``small_n``.
    touchpoints : DataFrame
        The touchpoint metric per touchpoint and period (and ``by``): the touchpoint and period
        columns, ``n``, ``value``, ``ci_low``, ``ci_high``, ``small_n``, ``owner``.
    kpis : DataFrame
        The operations rows used: ``unit``, ``period``, ``kpi``, ``value``, ``owner``,
        ``touchpoint``, ``direction``.
    links : DataFrame
        One row per link (:data:`LINK_COLUMNS`): ``level`` ("kpi" for KPI → touchpoint,
        "touchpoint" for touchpoint → index), ``source``/``target`` node ids, the KPI,
        touchpoint, unit, owner, ``direction``, ``n`` pairs, ``r``, ``ci_low``, ``ci_high``,
        ``p_value``, ``includes_zero`` (the interval does not exclude 0, or there is no
        interval), ``as_expected`` (a link distinguishable from 0 whose r has the sign
        ``direction`` implies; missing without a direction or when ``includes_zero``),
        ``small_n`` (a paired metric rests on fewer than ``min_n`` responses), and the driver
        weight: ``weight`` (% of the target's explained variance), ``weight_ci_low``,
        ``weight_ci_high`` and ``weight_r2`` (R² of the target on all its sources), missing
        where a target has a single source or too few complete periods.
    nodes : DataFrame
        One row per box of the pyramid: ``node`` id, ``level`` (0 index, 1 touchpoint, 2 KPI),
        ``label``, ``owner``, ``value`` in ``current`` (pooled over units), ``direction``.
    metric : str
        The touchpoint metric ("nps", "csat" or "ces").
    current : str or None
        The period whose values the nodes show.
    top : str
        What the index rests on: "relationship surveys" or "all responses".
    """

    index: pd.DataFrame
    touchpoints: pd.DataFrame
    kpis: pd.DataFrame
    links: pd.DataFrame
    nodes: pd.DataFrame
    metric: str
    current: str | None
    top: str


@dataclass(frozen=True)
class ShiftShare:
    """NPS change between two periods, split into mix, performance and interaction effects.

    Attributes
    ----------
    table : DataFrame
        One row per segment: the ``by`` column, ``n_a``, ``n_b``, ``share_a``, ``share_b`` (% of
        respondents, weighted when a weight is given), ``nps_a``, ``nps_b``, ``mix``,
        ``performance``, ``interaction`` and ``total`` (NPS points; ``total`` is their sum).
    a, b : str
        The two periods (change is b minus a).
    nps_a, nps_b, change : float
        Overall NPS in each period and ``nps_b - nps_a``.
    mix, performance, interaction : float
        The effects summed over segments; ``mix + performance + interaction == change``.
    main : str
        The larger of "mix" and "performance" in absolute value.
    intervals : DataFrame
        One row per overall figure (``effect``: change, mix, performance, interaction) with
        ``value``, ``ci_low`` and ``ci_high`` (NPS points; percentile bootstrap resampling the
        responses within each period; missing when ``n_boot`` is 0).
    n_boot : int
        Bootstrap resamples behind ``intervals``.
    """

    table: pd.DataFrame
    a: str
    b: str
    nps_a: float
    nps_b: float
    change: float
    mix: float
    performance: float
    interaction: float
    main: str
    intervals: pd.DataFrame
    n_boot: int


def _link(
    x: pd.Series, y: pd.Series, n_x: pd.Series, n_y: pd.Series | None, ci: float, min_n: int
) -> dict[str, object]:
    c = stats.correlation(x.to_numpy(dtype=float), y.to_numpy(dtype=float), ci=ci)
    small = bool((n_x < min_n).any() or (n_y is not None and (n_y < min_n).any()))
    return {
        "n": c.n,
        "r": c.r,
        "ci_low": c.low,
        "ci_high": c.high,
        "p_value": c.p_value,
        "includes_zero": bool(not (c.low > 0 or c.high < 0)),
        "small_n": small,
    }


def _driver_weights(
    wide: pd.DataFrame, outcome: str, sources: list[str], n_boot: int, ci: float, seed: int
) -> pd.DataFrame:
    """Relative weights of ``sources`` for ``outcome`` (rows: periods/units), indexed by source.

    Empty when there are fewer than two sources or the decomposition cannot be computed (too
    few complete rows, a constant series).
    """
    cols = ["weight", "weight_ci_low", "weight_ci_high", "weight_r2"]
    if len(sources) < 2:
        return pd.DataFrame(columns=cols)
    names = [f"x{i}" for i in range(len(sources))]
    frame = wide[[*sources, outcome]].set_axis([*names, "y"], axis=1).dropna()
    if len(frame) < len(sources) + 2:
        return pd.DataFrame(columns=cols)
    try:
        rw = drivers.relative_weights(
            frame, outcome="y", drivers=names, n_boot=n_boot, ci=ci, seed=seed
        )
    except (ParameterError, DataError, np.linalg.LinAlgError):
        return pd.DataFrame(columns=cols)
    rw["driver"] = rw["driver"].map(dict(zip(names, sources, strict=True)))
    if "ci_low" not in rw:
        rw["ci_low"] = rw["ci_high"] = np.nan
    return rw.set_index("driver").rename(
        columns={"ci_low": "weight_ci_low", "ci_high": "weight_ci_high", "r2": "weight_r2"}
    )[cols]


def weights_phrase(links: pd.DataFrame, *, ci: float = 0.95) -> str:
    """How a caption names the driver weights of ``links`` (rows of one target, e.g. the
    touchpoints of the index): with their R², or why there are none.

    Parameters
    ----------
    links : DataFrame
        Rows of :attr:`Pyramid.links` with ``weight`` and ``weight_r2``.
    ci : float
        Confidence level of the weights' bootstrap intervals.

    Returns
    -------
    str
        The phrase, to follow "and" in a caption.

    Examples
    --------
    >>> weights_phrase(pd.DataFrame({"weight": [60.0, 40.0], "weight_r2": [0.42, 0.42]}))
    "each touchpoint's driver weight (% of the explained variance, R² = 0.42) with its 95% bootstrap CI"
    >>> weights_phrase(pd.DataFrame({"weight": [np.nan], "weight_r2": [np.nan]}))
    'no driver weights: they need two or more touchpoints answered in more quarters than touchpoints + 1'
    """
    r2 = pd.to_numeric(links["weight_r2"], errors="coerce").dropna()
    if r2.empty:
        return (
            "no driver weights: they need two or more touchpoints answered in more quarters "
            "than touchpoints + 1"
        )
    return (
        f"each touchpoint's driver weight (% of the explained variance, R² = {r2.max():.2f}) "
        f"with its {ci:.0%} bootstrap CI"
    )


def _as_expected(r: float, direction: object, includes_zero: bool) -> object:
    if direction not in ("higher", "lower") or np.isnan(r) or includes_zero:
        return pd.NA
    return bool(r > 0) if direction == "higher" else bool(r < 0)


def _kpi_table(
    operations: pd.DataFrame, owners: pd.DataFrame | None, team: str, func: str
) -> pd.DataFrame:
    """The operations rows with a touchpoint (given or owned by the unit), owner and direction."""
    check_frame(operations, func, name="operations")
    need(operations, ["unit", "period", "kpi", "value"], f"{func}: operations")
    ops = operations.copy()
    for col in ("owner", "touchpoint", "direction"):
        if col not in ops.columns:
            ops[col] = pd.NA
    ops["value"] = pd.to_numeric(ops["value"], errors="coerce")
    dup = ops.duplicated(["unit", "period", "kpi"], keep=False)
    if dup.any():
        row = ops.loc[dup].iloc[0]
        fail(
            func,
            "operations",
            f"has {int(dup.sum())} rows sharing a unit, period and KPI (e.g. "
            f"{row['unit']!r}, {row['period']!r}, {row['kpi']!r})",
            "keep one row per unit, period and KPI",
            error=DataError,
        )
    ops["owner"] = ops["owner"].astype("object").where(ops["owner"].notna(), ops["unit"])
    given = ops[ops["touchpoint"].notna()]
    rest = ops[ops["touchpoint"].isna()].drop(columns="touchpoint")
    if owners is not None and len(rest):
        need(owners, ["touchpoint", team], f"{func}: owners")
        owned = owners[["touchpoint", team]].rename(columns={team: "unit"})
        rest = rest.merge(owned, on="unit", how="inner")
    else:
        rest = rest.iloc[0:0].assign(touchpoint=pd.Series(dtype=object))
    out = pd.concat([given, rest], ignore_index=True)
    cols = ["unit", "period", "kpi", "value", "owner", "touchpoint", "direction"]
    return out[cols].astype({"unit": object, "period": object, "kpi": object, "touchpoint": object})


@fill
def build_pyramid(
    responses: pd.DataFrame,
    operations: pd.DataFrame | None = None,
    /,
    *,
    owners: pd.DataFrame | None = None,
    period: str = "quarter",
    by: str | None = None,
    score: str = "ltr",
    metric: str = "nps",
    metric_score: str | None = None,
    touchpoint: str = "touchpoint",
    survey_type: str = "survey_type",
    top: str = "relationship",
    team: str = "owner_team",
    current: str | None = None,
    weight: str | None = None,
    n_boot: int = 500,
    ci: float = 0.95,
    seed: int = 0,
    min_n: int = 30,
) -> Pyramid:
    """The measurement pyramid: index, touchpoint metrics, KPIs and the links between them.

    Parameters
    ----------
    responses : DataFrame
        One row per response, with ``score``, ``period`` and ``touchpoint`` columns.
    operations : DataFrame, optional
        Operational KPIs (:data:`cxm_lab.schema.OPERATIONS`: ``unit``, ``period``, ``kpi``,
        ``value``, optional ``owner``, ``touchpoint``, ``direction``); None: no KPI level.
    owners : DataFrame, optional
        The ``touchpoint_owners`` table (``touchpoint`` and ``team``): names each touchpoint's
        owner and gives a KPI without a ``touchpoint`` the touchpoints its ``unit`` owns.
    {{period}}
        The KPIs' ``period`` values must be the same kind (quarters such as ``"2026Q3"``).
    by : str, optional
        Response column holding the KPIs' units (e.g. ``"region"`` when each region's team
        reports its KPIs): the index and touchpoint metrics are then computed per unit and
        period, and links pair unit-periods. None: KPIs of each unit are paired with the
        metrics of all responses, period by period.
    {{score}}
        The index is the NPS of this column; so is the touchpoint metric when ``metric="nps"``.
    metric : {"nps", "csat", "ces"}
        The touchpoint metric: NPS (points), CSAT (top-2-box %) or CES (mean 1–7).
    metric_score : str, optional
        Column of the touchpoint metric's answers; default ``score`` for NPS, ``"csat"`` or
        ``"ces"`` otherwise.
    touchpoint, survey_type : str
        Columns of the touchpoint and of the survey type.
    top : str
        The ``survey_type`` value of the surveys behind the index; the other surveys feed the
        touchpoint metrics.
    team : str
        Column of ``owners`` naming the team that owns each touchpoint.
    current : str, optional
        The period the pyramid's boxes show; default the latest period of the index.
    {{weight}}
    {{n_boot}}
        For the driver weights' intervals (resampling periods, or unit-periods); 0: none.
    {{ci}}
    {{seed}}
    {{min_n}}

    Returns
    -------
    Pyramid
        The levels' tables, the links with r, interval, n and flags, and the nodes to draw
        (:func:`cxm_lab.plots.plot_pyramid`).

    Raises
    ------
    ColumnError
        A named column is missing from ``responses``, ``operations`` or ``owners``.
    ParameterError
        An unknown ``metric``, ``ci`` outside (0, 1), or a score outside its scale.
    DataError
        Two ``operations`` rows for one unit, period and KPI.

    Examples
    --------
    Two quarters in which a KPI moves exactly against the touchpoint NPS have r = −1 but no
    interval (fewer than 4 periods), so the link is not distinguishable from none:

    >>> r = pd.DataFrame({"quarter": ["2026Q1"] * 4 + ["2026Q2"] * 4,
    ...                   "survey_type": ["relationship", "relationship", "t", "t"] * 2,
    ...                   "touchpoint": ["qbr", "qbr", "support", "support"] * 2,
    ...                   "ltr": [10, 9, 10, 3, 10, 3, 3, 3]})
    >>> ops = pd.DataFrame({"unit": ["Support"] * 2, "period": ["2026Q1", "2026Q2"],
    ...                     "kpi": ["wait"] * 2, "value": [4.0, 9.0], "touchpoint": "support"})
    >>> p = build_pyramid(r, ops, min_n=1)
    >>> p.index["nps"].tolist(), p.touchpoints["value"].tolist()   # (2 - 0) / 2, (1 - 1) / 2...
    ([100.0, 0.0], [0.0, -100.0])
    >>> p.links[["level", "source", "target", "n", "includes_zero"]].values.tolist()
    [['touchpoint', 'tp:support', 'index', 2, True], ['kpi', 'kpi:Support:wait:support', 'tp:support', 2, True]]
    """
    func = "build_pyramid"
    check_frame(responses, func, name="responses")
    check_choice(metric, "metric", tuple(_METRIC), func)
    check_level(ci, func)
    by_cols = check_by(responses, by, func)
    check_columns(responses, [period, touchpoint, score], func, "column")
    m_score = metric_score or (score if metric == "nps" else metric)
    check_columns(responses, [m_score], func, "metric_score column")

    responses = responses.reset_index(drop=True)  # unique labels, so the two parts split cleanly
    top_rows = index_responses(responses, survey_type=survey_type, top=top)
    if len(top_rows) < len(responses):
        tp_rows = responses.drop(index=top_rows.index)
        top_what = f"{top} surveys"
    else:
        tp_rows, top_what = responses, "all responses"
    keys = [period, *by_cols]
    index = metrics.nps(top_rows, score=score, by=keys, weight=weight, ci=ci, min_n=min_n)
    index = index[[*keys, "n", "nps", "ci_low", "ci_high", "small_n"]].dropna(subset=[period])

    compute, value, lo, hi = _METRIC[metric]
    tp = compute(tp_rows, score=m_score, by=[touchpoint, *keys], weight=weight, ci=ci, min_n=min_n)
    tp = tp[[touchpoint, *keys, "n", value, lo, hi, "small_n"]].rename(
        columns={value: "value", lo: "ci_low", hi: "ci_high"}
    )
    tp = tp[tp["n"] > 0].dropna(subset=[touchpoint, period]).reset_index(drop=True)
    owner_of: dict[object, object] = {}
    if owners is not None:
        need(owners, ["touchpoint", team], f"{func}: owners")
        owner_of = dict(zip(owners["touchpoint"], owners[team], strict=False))
    tp["owner"] = tp[touchpoint].map(owner_of)

    kpis = (
        _kpi_table(operations, owners, team, func)
        if operations is not None
        else pd.DataFrame(columns=["unit", "period", "kpi", "value", "owner", "touchpoint"]).assign(
            direction=pd.Series(dtype=object)
        )
    )
    rows: list[dict[str, object]] = []
    # Touchpoint -> index.
    for name, part in tp.groupby(touchpoint, sort=True):
        pair = part.merge(index, on=keys, suffixes=("", "_index"))
        rows.append(
            {
                "level": "touchpoint",
                "source": f"tp:{name}",
                "target": INDEX_NODE,
                "kpi": pd.NA,
                "touchpoint": name,
                "unit": pd.NA,
                "owner": owner_of.get(name, pd.NA),
                "direction": "higher",
                **_link(pair["value"], pair["nps"], pair["n"], pair["n_index"], ci, min_n),
            }
        )
    # KPI -> touchpoint.
    node_keys = ["kpi", "touchpoint"] if by_cols else ["unit", "kpi", "touchpoint"]
    left_on = ["period", "unit"] if by_cols else ["period"]
    for key, part in kpis.groupby(node_keys, sort=True):
        k = dict(zip(node_keys, key, strict=True))
        metric_rows = tp[tp[touchpoint] == k["touchpoint"]]
        pair = part.merge(
            metric_rows, left_on=left_on, right_on=keys, suffixes=("", "_tp"), how="inner"
        )
        direction = part["direction"].dropna()
        direction = direction.iloc[0] if len(direction) else pd.NA
        link = _link(pair["value"], pair["value_tp"], pair["n"], None, ci, min_n)
        unit = k.get("unit", pd.NA)
        rows.append(
            {
                "level": "kpi",
                "source": "kpi:" + ":".join(str(v) for v in key),
                "target": f"tp:{k['touchpoint']}",
                "kpi": k["kpi"],
                "touchpoint": k["touchpoint"],
                "unit": unit,
                "owner": ", ".join(sorted({str(o) for o in part["owner"].dropna()})) or unit,
                "direction": direction,
                **link,
            }
        )
    links = pd.DataFrame(rows, columns=[c for c in LINK_COLUMNS if c != "as_expected"])
    links.insert(
        LINK_COLUMNS.index("as_expected"),
        "as_expected",
        [
            _as_expected(r, d, z)
            for r, d, z in zip(links["r"], links["direction"], links["includes_zero"], strict=True)
        ],
    )
    links["n"] = links["n"].astype(int)
    links = _with_weights(links, index, tp, kpis, keys, touchpoint, by_cols, n_boot, ci, seed)

    periods = sorted(index[period].astype(str).unique())
    current = current if current is not None else (periods[-1] if periods else None)
    nodes = _nodes(
        top_rows,
        tp_rows,
        tp,
        kpis,
        links,
        owner_of=owner_of,
        current=current,
        metric=metric,
        top_what=top_what,
        columns=(period, touchpoint, score, m_score),
        weight=weight,
        ci=ci,
        min_n=min_n,
    )
    return Pyramid(
        index=index.reset_index(drop=True),
        touchpoints=tp,
        kpis=kpis.reset_index(drop=True),
        links=links,
        nodes=nodes,
        metric=metric,
        current=current,
        top=top_what,
    )


def _with_weights(
    links: pd.DataFrame, index: pd.DataFrame, tp: pd.DataFrame, kpis: pd.DataFrame,
    keys: list[str], touchpoint: str, by_cols: list[str], n_boot: int, ci: float, seed: int,
) -> pd.DataFrame:  # fmt: skip
    """The links with their driver weights among the sources of the same target."""
    out = links.copy()
    for c in ("weight", "weight_ci_low", "weight_ci_high", "weight_r2"):
        out[c] = np.nan
    # Touchpoints -> index: one row per period (and unit), a column per touchpoint.
    wide = tp.pivot_table(index=keys, columns=touchpoint, values="value", aggfunc="first")
    wide.columns = [f"tp:{c}" for c in wide.columns]
    wide = wide.join(index.set_index(keys)["nps"].rename("index"), how="inner")
    sources = [c for c in wide.columns if c != "index"]
    parts = [_driver_weights(wide, "index", sources, n_boot, ci, seed)]
    # KPIs -> each touchpoint: a column per KPI node.
    node_keys = ["kpi"] if by_cols else ["unit", "kpi"]
    left_on = ["period", "unit"] if by_cols else ["period"]
    for name, part in kpis.groupby("touchpoint", sort=True):
        k = part.assign(
            node=[
                "kpi:" + ":".join(str(v) for v in r)
                for r in part[[*node_keys]].itertuples(index=False)
            ]
        )
        k["node"] = k["node"] + f":{name}"
        w = k.pivot_table(index=left_on, columns="node", values="value", aggfunc="first")
        target = tp[tp[touchpoint] == name].set_index(keys)["value"].rename("target")
        target.index = target.index.set_names(left_on)
        w = w.join(target, how="inner")
        parts.append(
            _driver_weights(w, "target", [c for c in w.columns if c != "target"], n_boot, ci, seed)
        )
    weights = pd.concat([p for p in parts if len(p)]) if any(len(p) for p in parts) else None
    if weights is not None:
        for c in weights.columns:
            out[c] = out["source"].map(weights[c]).astype(float)
    return out


def index_responses(
    responses: pd.DataFrame, *, survey_type: str = "survey_type", top: str = "relationship"
) -> pd.DataFrame:
    """The responses behind the top index: those of the ``top`` survey when there are any.

    Parameters
    ----------
    responses : DataFrame
        One row per response.
    survey_type : str
        Column of the survey type; when it is absent, or no row is a ``top`` survey, every
        response counts.
    top : str
        The survey type of the index (the relationship survey).

    Returns
    -------
    DataFrame
        The rows of ``responses`` that make up the index (index labels kept).

    Examples
    --------
    >>> r = pd.DataFrame({"survey_type": ["relationship", "transactional"], "ltr": [9, 3]})
    >>> index_responses(r)["ltr"].tolist(), len(index_responses(r.drop(columns="survey_type")))
    ([9], 2)
    """
    check_frame(responses, "index_responses", name="responses")
    if survey_type in responses.columns:
        is_top = (responses[survey_type] == top).fillna(False).to_numpy(dtype=bool)
        if is_top.any():
            return responses[is_top]
    return responses


def _nodes(
    top_rows: pd.DataFrame,
    tp_rows: pd.DataFrame,
    tp: pd.DataFrame,
    kpis: pd.DataFrame,
    links: pd.DataFrame,
    *,
    owner_of: dict[object, object],
    current: str | None,
    metric: str,
    top_what: str,
    columns: tuple[str, str, str, str],
    weight: str | None,
    ci: float,
    min_n: int,
) -> pd.DataFrame:
    """The boxes of the pyramid, with each level's value in ``current`` pooled over units."""
    period, touchpoint, score, m_score = columns
    now_top = top_rows[top_rows[period] == current]
    top_value = (
        float(metrics.nps(now_top, score=score, weight=weight, ci=ci, min_n=min_n)["nps"].iloc[0])
        if len(now_top)
        else np.nan
    )
    rows = [
        {
            "node": INDEX_NODE,
            "level": 0,
            "label": f"NPS ({top_what})",
            "owner": pd.NA,
            "value": top_value,
            "direction": "higher",
        }
    ]
    now_tp = tp_rows[tp_rows[period] == current]
    compute, value_col = _METRIC[metric][:2]
    pooled = (
        compute(now_tp, score=m_score, by=touchpoint, weight=weight, ci=ci, min_n=min_n)
        .set_index(touchpoint)[value_col]
        .to_dict()
        if len(now_tp)
        else {}
    )
    for name in sorted(tp[touchpoint].unique(), key=str):
        rows.append(
            {
                "node": f"tp:{name}",
                "level": 1,
                "label": str(name),
                "owner": owner_of.get(name, pd.NA),
                "value": pooled.get(name, np.nan),
                "direction": "higher",
            }
        )
    for link in links[links["level"] == "kpi"].itertuples(index=False):
        now = kpis[
            (kpis["kpi"] == link.kpi)
            & (kpis["touchpoint"] == link.touchpoint)
            & (kpis["period"] == current)
        ]
        if pd.notna(link.unit):
            now = now[now["unit"] == link.unit]
        rows.append(
            {
                "node": link.source,
                "level": 2,
                "label": str(link.kpi),
                "owner": link.owner,
                "value": float(now["value"].mean()) if len(now) else np.nan,
                "direction": link.direction,
            }
        )
    return pd.DataFrame(rows)


@fill
def shift_share(
    df: pd.DataFrame,
    *,
    period: str = "quarter",
    a: str,
    b: str,
    by: str = "segment",
    score: str = "ltr",
    weight: str | None = None,
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
) -> ShiftShare:
    """Split the change of NPS between periods ``a`` and ``b`` into mix and performance effects.

    Overall NPS is the share-weighted mean of the segments' NPS, NPS_t = Σ_s w_{s,t} NPS_{s,t},
    with w the segment's share of the answered responses (weighted shares when ``weight``). With
    Δw_s = w_{s,b} − w_{s,a} and ΔNPS_s = NPS_{s,b} − NPS_{s,a}, each segment contributes

    - **mix** = Δw_s · NPS_{s,a}: more or fewer respondents from the segment, at its old NPS;
    - **performance** = w_{s,a} · ΔNPS_s: the segment's own change, at its old share;
    - **interaction** = Δw_s · ΔNPS_s: the part due to both moving at once;

    and mix + performance + interaction = w_{s,b} NPS_{s,b} − w_{s,a} NPS_{s,a}, whose sum over
    segments is exactly NPS_b − NPS_a. A segment present in one period only has no change of its
    own: its NPS in the other period is taken as equal, so all of it is mix. Responses with a
    missing segment form their own segment. The overall figures get percentile bootstrap
    intervals from resampling the answered responses within each period (segment shares and
    segment NPS both vary), so a "mix" story can be told apart from sampling noise.

    Parameters
    ----------
    {{df}}
    {{period}}
    a, b : str
        The base period and the period compared with it (change = b − a).
    by : str
        Column of the segments.
    {{score}}
    {{weight}}
    {{n_boot}}
    {{ci}}
    {{seed}}

    Returns
    -------
    ShiftShare
        The per-segment table and the overall figures with their intervals (NPS points; shares
        in %).

    Raises
    ------
    ColumnError
        A named column is missing.
    DataError
        No answered response in ``a`` or in ``b``.
    ParameterError
        A score outside 0–10, or a bad weight.

    Examples
    --------
    Period a: segment X (4 responses, NPS 50) and Y (4, NPS 0): NPS 25. Period b: X (2, NPS
    100) and Y (6, NPS 0): NPS 25. X's share falls 25 points (mix −0.25 · 50 = −12.5), its NPS
    rises 50 (performance 0.5 · 50 = 25), interaction −0.25 · 50 = −12.5; the total is 0.

    >>> d = pd.DataFrame({"quarter": ["a"] * 8 + ["b"] * 8,
    ...                   "segment": list("XXXXYYYY") + list("XXYYYYYY"),
    ...                   "ltr": [10, 10, 8, 8] + [8] * 4 + [10, 10] + [8] * 6})
    >>> s = shift_share(d, a="a", b="b", n_boot=0)
    >>> s.table[["segment", "mix", "performance", "interaction", "total"]].values.tolist()
    [['X', -12.5, 25.0, -12.5, 0.0], ['Y', 0.0, 0.0, 0.0, 0.0]]
    >>> s.nps_a, s.nps_b, s.change, s.main
    (25.0, 25.0, 0.0, 'performance')
    """
    func = "shift_share"
    check_frame(df, func)
    check_level(ci, func)
    n_boot = check_int(n_boot, "n_boot", func, 0, "pass 0 to skip the intervals, or e.g. 1000")
    check_columns(df, [period, by, score], func, "column")
    parts = []
    for name, when in (("a", a), ("b", b)):
        rows = df[df[period] == when]
        t = metrics.nps(rows, score=score, by=by, weight=weight, min_n=1)
        t = t[t["n"] > 0]
        if t.empty:
            fail(
                func,
                name,
                f"period {when!r} has no answered {score!r} in column {period!r}",
                f"pass periods present in the data, e.g. {sorted(df[period].dropna().unique())[-2:]}",
                error=DataError,
            )
        answered = rows[pd.to_numeric(rows[score], errors="coerce").notna()]
        if weight is None:
            size = t.set_index(by)["n"].astype(float)
        else:
            size = answered.groupby(by, dropna=False)[weight].sum()
            size = size.reindex(t[by]).set_axis(t[by])
        share = size / size.sum()
        parts.append(
            pd.DataFrame(
                {
                    by: t[by].to_numpy(),
                    f"n_{name}": t["n"].to_numpy(),
                    f"w_{name}": share.to_numpy(),
                    f"nps_{name}": t["nps"].to_numpy(),
                }
            )
        )
    tab = parts[0].merge(parts[1], on=by, how="outer").sort_values(by, na_position="last")
    for name in ("a", "b"):
        tab[f"n_{name}"] = tab[f"n_{name}"].fillna(0).astype(int)
        tab[f"w_{name}"] = tab[f"w_{name}"].fillna(0.0)
    tab["nps_a"] = tab["nps_a"].fillna(tab["nps_b"])
    tab["nps_b"] = tab["nps_b"].fillna(tab["nps_a"])
    dw = tab["w_b"] - tab["w_a"]
    dn = tab["nps_b"] - tab["nps_a"]
    tab["mix"] = dw * tab["nps_a"]
    tab["performance"] = tab["w_a"] * dn
    tab["interaction"] = dw * dn
    tab["total"] = tab["mix"] + tab["performance"] + tab["interaction"]
    nps_a = float((tab["w_a"] * tab["nps_a"]).sum())
    nps_b = float((tab["w_b"] * tab["nps_b"]).sum())
    tab["share_a"] = 100 * tab["w_a"]
    tab["share_b"] = 100 * tab["w_b"]
    cols = [by, "n_a", "n_b", "share_a", "share_b", "nps_a", "nps_b"]
    effects = ["mix", "performance", "interaction", "total"]
    tab = tab[cols + effects].reset_index(drop=True)
    mix, perf, inter = (float(tab[c].sum()) for c in ("mix", "performance", "interaction"))
    values = np.array([nps_b - nps_a, mix, perf, inter])
    lo = hi = np.full(4, np.nan)
    if n_boot:
        boot = _shift_share_boot(df, period, a, b, by, score, weight, n_boot, seed)
        lo, hi = stats.percentile_interval(boot, ci=ci, axis=0)
    intervals = pd.DataFrame(
        {
            "effect": ["change", "mix", "performance", "interaction"],
            "value": values,
            "ci_low": lo,
            "ci_high": hi,
        }
    )
    return ShiftShare(
        table=tab,
        a=a,
        b=b,
        nps_a=nps_a,
        nps_b=nps_b,
        change=nps_b - nps_a,
        mix=mix,
        performance=perf,
        interaction=inter,
        main="mix" if abs(mix) > abs(perf) else "performance",
        intervals=intervals,
        n_boot=n_boot,
    )


def _shift_share_boot(
    df: pd.DataFrame, period: str, a: str, b: str, by: str, score: str, weight: str | None,
    n_boot: int, seed: int,
) -> np.ndarray:  # fmt: skip
    """(n_boot, 4) resampled change, mix, performance and interaction (responses resampled
    within each period; a segment missing from a resample of one period is all mix, as above)."""
    seg_all = df[by].astype("string").fillna("\x00missing")
    codes, _ = pd.factorize(seg_all)
    k = int(codes.max()) + 1 if len(codes) else 0
    rng = np.random.default_rng(seed)
    per: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for when in (a, b):
        rows = (df[period] == when).to_numpy()
        y = pd.to_numeric(df[score], errors="coerce").to_numpy(dtype=float)
        use = rows & np.isfinite(y)
        w = np.ones(int(use.sum())) if weight is None else df[weight].to_numpy(dtype=float)[use]
        per.append((codes[use], stats.nps_codes(y[use]).astype(float), w))
    out = np.empty((n_boot, 4))
    for i in range(n_boot):
        shares, scores = [], []
        for c, cat, w in per:
            m = w * np.bincount(stats.bootstrap_indices(len(c), 1, rng=rng)[0], minlength=len(c))
            tot = np.bincount(c, weights=m, minlength=k)
            pro = np.bincount(c, weights=m * (cat == 1), minlength=k)
            det = np.bincount(c, weights=m * (cat == -1), minlength=k)
            scores.append(100 * np.asarray(stats.net_score(pro, det, tot).estimate, dtype=float))
            shares.append(tot / tot.sum())
        (wa, wb), (na, nb) = shares, scores
        na, nb = np.where(np.isnan(na), nb, na), np.where(np.isnan(nb), na, nb)
        na, nb = np.nan_to_num(na), np.nan_to_num(nb)
        dw, dn = wb - wa, nb - na
        out[i] = [
            (wb * nb).sum() - (wa * na).sum(),
            (dw * na).sum(),
            (wa * dn).sum(),
            (dw * dn).sum(),
        ]
    return out
