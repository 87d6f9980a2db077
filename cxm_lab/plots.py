"""Seaborn-style charts for metric tables: ``data=`` plus column names, an optional ``ax``, and
the Axes returned; they never read files or print. Uncertainty is always drawn (CI bands or
whiskers) and small groups are greyed, hatched and labelled "n<min_n".

Labels are data: a segment named ``CIS $5% promo$`` must be drawn as that text, not parsed as
mathtext. :func:`use_style` (call it once at the top of a notebook) turns mathtext parsing off
for every text; each function here also passes its titles, axis labels, tick labels and legend
entries through :func:`_label`, which escapes ``$`` whenever parsing is on.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from cxm_lab import metrics
>>> d = pd.DataFrame({"ltr": [10, 9, 6, 8] * 10, "quarter": ["2026Q2", "2026Q3"] * 20})
>>> ax = plot_metric_trend(metrics.nps(d, by="quarter"))
>>> ax.get_ylabel()
'NPS'
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from cxm_lab.safe import clean_text, mathtext_text

PALETTE = {"detractor": "#d1495b", "passive": "#edae49", "promoter": "#00798c"}


def use_style(dpi: int = 110) -> None:
    """The report look: seaborn ``whitegrid`` theme, ``dpi`` and no mathtext parsing.

    Sets ``matplotlib.rcParams["text.parse_math"] = False`` so that no data string (a segment,
    touchpoint or category name) is ever parsed as mathtext. Call it once, after imports, in
    every notebook (instead of ``sns.set_theme(...)`` and ``plt.rcParams["figure.dpi"] = ...``).

    Parameters
    ----------
    dpi : int
        Figure resolution (110 in the notebooks).

    Examples
    --------
    >>> with matplotlib.rc_context():
    ...     use_style()
    ...     print(matplotlib.rcParams["text.parse_math"], matplotlib.rcParams["figure.dpi"])
    False 110.0
    """
    sns.set_theme(style="whitegrid", context="notebook")
    matplotlib.rcParams["figure.dpi"] = dpi
    matplotlib.rcParams["text.parse_math"] = False


def _label(value: object) -> str:
    """A data-derived label that matplotlib draws literally.

    With ``text.parse_math`` on (matplotlib's default), ``$`` is escaped
    (:func:`cxm_lab.safe.mathtext_text`); with it off (:func:`use_style`), the text is drawn
    as given. Control and bidi-override characters are removed either way.
    """
    if matplotlib.rcParams["text.parse_math"]:
        return mathtext_text(value)
    return clean_text(value)


def _legend_label(value: object) -> str:
    """:func:`_label` for a legend entry; matplotlib hides entries starting with "_", so such
    a name gets a leading zero-width space and stays in the legend."""
    text = _label(value)
    return "\u200b" + text if text.startswith("_") else text


def _ax(ax: Axes | None, size: tuple[float, float] = (8, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_metric_trend(
    data: pd.DataFrame,
    x: str = "quarter",
    y: str = "nps",
    low: str = "ci_low",
    high: str = "ci_high",
    hue: str | None = None,
    target: str | float | None = None,
    title: str | None = None,
    ylabel: str | None = None,
    ci: float = 0.95,
    ax: Axes | None = None,
) -> Axes:
    """A metric over periods (line + markers) with its confidence band and optional target.

    Parameters
    ----------
    data : DataFrame
        A metric table, e.g. ``metrics.nps(df, by="quarter")``: one row per ``x`` (and ``hue``).
    x, y, low, high : str
        Columns of the period, the value and the interval bounds.
    hue : str, optional
        Column splitting the data into one line and band per value.
    target : str or float, optional
        Column with a target per period (e.g. from :func:`metrics.attainment`) or a constant;
        drawn as a dashed grey line.
    title, ylabel : str, optional
        Defaults name the metric and the CI level.
    ci : float
        Confidence level of ``low``/``high``, used in the default title only.
    ax : Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    Axes
    """
    ax = _ax(ax)
    groups = [(None, data)] if hue is None else list(data.groupby(hue, sort=True))
    colors = sns.color_palette("deep", len(groups))
    for color, (name, part) in zip(colors, groups, strict=True):
        part = part.sort_values(x)
        xs = [_label(v) for v in part[x].astype(str)]
        ax.plot(
            xs, part[y], marker="o", color=color, label=_legend_label(name if hue else y.upper())
        )
        ax.fill_between(xs, part[low], part[high], color=color, alpha=0.2, linewidth=0)
    if target is not None:
        if isinstance(target, str):
            t = data.drop_duplicates(x).sort_values(x)
            xs = [_label(v) for v in t[x].astype(str)]
            ax.plot(xs, t[target], ls="--", color="grey", label="target")
        else:
            ax.axhline(target, ls="--", color="grey", label="target")
    n_ticks = data[x].nunique()
    if n_ticks > 16:  # keep labels readable: every k-th period
        step = int(np.ceil(n_ticks / 12))
        ticks = sorted(data[x].astype(str).unique())
        ax.set_xticks(range(0, n_ticks, step), [_label(t) for t in ticks[::step]])
    ax.set_title(_label(title or f"{y.upper()} by {x} (shaded: {ci:.0%} CI)"))
    ax.set_xlabel(_label(x.replace("_", " ").capitalize()))
    ax.set_ylabel(_label(ylabel or y.upper()))
    ax.tick_params(axis="x", rotation=45)
    ax.legend(frameon=False, fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    return ax


def plot_metric_by_group(
    data: pd.DataFrame,
    group: str,
    y: str = "nps",
    low: str = "ci_low",
    high: str = "ci_high",
    n: str = "n",
    flag: str = "small_n",
    min_n: int = 30,
    title: str | None = None,
    xlabel: str | None = None,
    ci: float = 0.95,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal points with CI whiskers per group, sorted by value.

    Groups where ``flag`` is true (``small_n`` from :func:`metrics.nps`) are drawn grey with a
    hatched band over their interval and labelled "n=12, n<30", so a reader does not take their
    estimate at face value.

    Parameters
    ----------
    data : DataFrame
        Metric table with one row per ``group`` value.
    group, y, low, high, n, flag : str
        Columns of the group label, value, interval bounds, sample size and small-n flag
        (a missing ``flag`` column means no group is flagged).
    min_n : int
        The threshold used for ``flag``; shown in the labels.
    title, xlabel : str, optional
        Defaults name the metric and the CI level.
    ci : float
        Confidence level of ``low``/``high``, used in the default title only.
    ax : Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    Axes
    """
    d = data.sort_values(y).reset_index(drop=True)
    ax = _ax(ax, (8, 0.45 * len(d) + 1.2))
    small = d[flag].to_numpy(dtype=bool) if flag in d else np.zeros(len(d), dtype=bool)
    colors = np.where(small, "#9e9e9e", "#00798c")
    pos = np.arange(len(d))
    ax.hlines(pos, d[low], d[high], color=colors, lw=2)
    for i in np.flatnonzero(small):
        ax.fill_betweenx(
            [pos[i] - 0.3, pos[i] + 0.3],
            d.loc[i, low],
            d.loc[i, high],
            facecolor="none",
            edgecolor="#9e9e9e",
            hatch="///",
            linewidth=0,
        )
    ax.scatter(d[y], pos, color=colors, zorder=3, s=40)
    labels = [
        _label(f"{g}  (n={k:,}{f', n<{min_n}' if s else ''})")
        for g, k, s in zip(d[group], d[n], small, strict=True)
    ]
    ax.set_yticks(pos, labels)
    if y in ("nps", "change"):
        ax.axvline(0, color="black", lw=0.6)
    ax.set_title(_label(title or f"{y.upper()} by {group} with {ci:.0%} CI"))
    ax.set_xlabel(_label(xlabel or y.upper()))
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_nps_mix(
    data: pd.DataFrame,
    x: str = "quarter",
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Stacked bars of the detractor, passive and promoter shares (%) per ``x``.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`metrics.nps` grouped by ``x`` (columns ``pct_detractors``,
        ``pct_passives``, ``pct_promoters``); each bar sums to 100.
    x : str
        Column of the bars (e.g. ``"quarter"`` or ``"segment"``).
    title : str, optional
    ax : Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    Axes
    """
    ax = _ax(ax)
    d = data.sort_values(x)
    xs = [_label(v) for v in d[x].astype(str)]
    bottom = np.zeros(len(d))
    for cat, col in (
        ("detractor", "pct_detractors"),
        ("passive", "pct_passives"),
        ("promoter", "pct_promoters"),
    ):
        ax.bar(xs, d[col], bottom=bottom, color=PALETTE[cat], label=cat + "s")
        bottom += d[col].to_numpy()
    ax.set_ylim(0, 100)
    ax.set_ylabel("Share of respondents (%)")
    ax.set_xlabel(_label(x.replace("_", " ").capitalize()))
    ax.set_title(_label(title or f"Promoter / passive / detractor mix by {x}"))
    ax.tick_params(axis="x", rotation=45)
    ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1, 1))
    return ax
