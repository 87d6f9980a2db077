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
'NPS (higher is better)'
"""

from __future__ import annotations

import os
import textwrap
import unicodedata

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from cxm_lab.errors import DataError, check_columns, fail
from cxm_lab.report import CODE_COLUMNS, code_label, column_label, plural
from cxm_lab.safe import clean_text, mathtext_text

__all__ = [
    "PALETTE",
    "chart_label",
    "panels",
    "plot_journey",
    "plot_metric_by_group",
    "plot_metric_trend",
    "plot_nps_mix",
    "plot_pyramid",
    "plot_rate_bars",
    "plot_rate_trend",
    "plot_share_bars",
    "plot_share_trend",
    "plot_theme_shares",
    "share_axes",
    "use_style",
]

#: Colours of the NPS categories, in every chart that shows them (also under their plural and
#: capitalised names: "Detractors" is drawn in the detractor colour).
PALETTE = {"detractor": "#d1495b", "passive": "#edae49", "promoter": "#00798c"}
#: Most tick labels on a time or category axis; more are thinned to every k-th.
MAX_TICKS = 12
#: Which way is good, per metric column: stated in the value axis label.
BETTER = {
    "nps": "higher",
    "enps": "higher",
    "csat": "higher",
    "ces": "higher",  # 1-7 agreement that the company made it easy (docs/DOMAIN.md)
    "ces_mean": "higher",
    "ces_top": "higher",
    "sla_attainment": "higher",
    "response_rate": "higher",
    "churn_rate": "lower",
    "pct_negative": "lower",
    "pct_detractors": "lower",
    "pct_promoters": "higher",
}
#: The scale of bounded metrics and the least span their value axis shows (so that a 0.1-point
#: move of a 1-7 mean does not fill the chart): column -> (lowest, highest, least span).
SCALES = {
    "nps": (-100.0, 100.0, 40.0),
    "enps": (-100.0, 100.0, 40.0),
    "csat": (0.0, 100.0, 30.0),
    "ces_top": (0.0, 100.0, 30.0),
    "ces": (1.0, 7.0, 3.0),
    "ces_mean": (1.0, 7.0, 3.0),
}
#: Colour of single-series bars (churn, SLA attainment).
BAR_COLOR = "#7a9cc6"
#: Group labels of :func:`plot_metric_by_group`: characters per line (in the first of
#: :data:`LABEL_SIZES`) and most lines (a longer name is cut with "…", keeping the part that
#: tells it from the panel's other names; the full names are in the tables, e.g. the
#: respondent profile).
LABEL_WIDTH = 30
LABEL_LINES = 3
#: Font sizes of those labels, largest first: a smaller one is taken where it lets fewer names
#: be cut (more characters fit the same width, more lines the panel's height).
LABEL_SIZES = ("small", "x-small")

#: Words written in capitals when a column name becomes an axis or legend title.
_ACRONYMS = {"nps", "enps", "csat", "ces", "sla", "arr", "nrr", "ci", "ltr"}


def use_style(*, dpi: int = 110) -> None:
    """The report look: seaborn ``whitegrid`` theme, ``dpi`` and no mathtext parsing.

    Sets ``matplotlib.rcParams["text.parse_math"] = False`` so that no data string (a segment,
    touchpoint or category name) is ever parsed as mathtext. Call it once, after imports, in
    every notebook (instead of ``sns.set_theme(...)`` and ``plt.rcParams["figure.dpi"] = ...``).

    Parameters
    ----------
    dpi : int
        Figure resolution (110 in the notebooks).

    Returns
    -------
    None

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


def chart_label(value: object) -> str:
    """A data-derived label that matplotlib draws literally: the one rule for every chart,
    including those drawn outside this module (:func:`cxm_lab.drivers.plot_importance_performance`).

    With ``text.parse_math`` on (matplotlib's default), ``$`` is escaped
    (:func:`cxm_lab.safe.mathtext_text`); with it off (:func:`use_style`), the text is drawn
    as given. Control and bidi-override characters are removed either way.

    Parameters
    ----------
    value : object
        A name, code or answer from the data.

    Returns
    -------
    str
        The text to hand to matplotlib.

    Examples
    --------
    >>> import matplotlib
    >>> with matplotlib.rc_context({"text.parse_math": True}):
    ...     print(chart_label("$5 plan\u202e"))
    \\$5 plan
    """
    if matplotlib.rcParams["text.parse_math"]:
        return mathtext_text(value)
    return clean_text(value)


_label = chart_label


def _legend_label(value: object, column: str | None = None) -> str:
    """:func:`_label` for a legend entry; matplotlib hides entries starting with "_", so such
    a name gets a leading zero-width space and stays in the legend. A code of a project
    column (``survey_type``) reads as words, as in the tables (:func:`report.code_label`)."""
    if column in CODE_COLUMNS and isinstance(value, str):
        value = code_label(value)
    text = _label(value)
    return "\u200b" + text if text.startswith("_") else text


def _ax(ax: Axes | None, size: tuple[float, float] = (8, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _human(column: str) -> str:
    """A column name as an axis or legend title (:func:`cxm_lab.report.column_label`):
    ``nps_category`` → "NPS group", ``ces_mean`` → "CES mean"."""
    return column_label(column)


def _category_color(value: object) -> str | None:
    """The :data:`PALETTE` colour of an NPS category name ("detractors", "Promoter"...)."""
    key = str(value).strip().casefold().removesuffix("s")
    return PALETTE.get(key)


def _better(label: str, column: str, better: str | None) -> str:
    """``label`` with the good direction: "CES mean (higher is better)".

    ``better`` is "higher", "lower", "none" (say nothing) or None (from :data:`BETTER`).
    """
    way = BETTER.get(column.casefold()) if better is None else better
    if way not in ("higher", "lower") or "better" in label.casefold():
        return label
    return f"{label} ({way} is better)"


def _meaningful_ylim(ax: Axes, column: str) -> None:
    """Widen the value axis of a bounded metric to at least its least span (:data:`SCALES`),
    centred on the data and kept inside the scale."""
    scale = SCALES.get(column.casefold())
    if scale is None:
        return
    lowest, highest, span = scale
    lo, hi = ax.get_ylim()
    if hi - lo >= span:
        return
    mid = (lo + hi) / 2
    lo, hi = mid - span / 2, mid + span / 2
    if lo < lowest:
        lo, hi = lowest, lowest + span
    if hi > highest:
        lo, hi = highest - span, highest
    ax.set_ylim(lo, hi)


def _thin_ticks(ax: Axes, *, max_ticks: int = MAX_TICKS) -> None:
    """At most ``max_ticks`` labels on the x axis: every k-th category, or a date locator
    that picks at most that many dates (the formatter, categorical or date, is kept)."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import MaxNLocator

    formatter = ax.xaxis.get_major_formatter()
    if isinstance(formatter, mdates.ConciseDateFormatter | mdates.AutoDateFormatter):
        locator = mdates.AutoDateLocator(minticks=3, maxticks=max_ticks)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        return
    mapping = getattr(ax.xaxis.get_units(), "_mapping", None)  # a categorical axis
    if mapping:
        positions = sorted(mapping.values())
        step = -(-len(positions) // max_ticks)
        ax.set_xticks(positions[::step])  # the category formatter names them
        return
    ax.xaxis.set_major_locator(MaxNLocator(nbins=max_ticks, min_n_ticks=1))


def _legend_outside(ax: Axes, *, title: str | None = None) -> None:
    """The legend to the right of the data area, so it never covers a line or a bar."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    ax.legend(
        handles,
        labels,
        title=_label(title) if title else None,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        frameon=False,
        fontsize="small",
        title_fontsize="small",
    )


def share_axes(axes: list[Axes], *, x: bool = True, y: bool = False) -> list[Axes]:
    """One scale for panels that are compared: every panel gets the union of their limits.

    Parameters
    ----------
    axes : list of Axes
        Panels already drawn (e.g. :func:`panels` filled by :func:`plot_metric_by_group`).
    x, y : bool
        Share the x axis, the y axis.

    Returns
    -------
    list of Axes
        The same panels.

    Examples
    --------
    >>> a, b = panels(2)
    >>> _ = a.plot([0, 10], [0, 1]); _ = b.plot([-5, 3], [0, 1])
    >>> [tuple(round(v) for v in ax.get_xlim()) for ax in share_axes([a, b])]
    [(-5, 10), (-5, 10)]
    """
    for flag, get, put in ((x, "get_xlim", "set_xlim"), (y, "get_ylim", "set_ylim")):
        if not flag or not axes:
            continue
        limits = [getattr(ax, get)() for ax in axes]
        lo, hi = min(v[0] for v in limits), max(v[1] for v in limits)
        for ax in axes:
            getattr(ax, put)(lo, hi)
    return axes


def _percent(data: pd.DataFrame, columns: list[str], scale: float, func: str) -> pd.DataFrame:
    """``columns`` multiplied by ``scale``, checked to be percentages (0–100) afterwards."""
    check_columns(data, columns, func, "column")
    out = data.copy()
    for c in columns:
        out[c] = pd.to_numeric(out[c], errors="coerce") * scale
        high = out[c].max()
        if pd.notna(high) and high > 100 + 1e-9:
            fail(
                func,
                f"column {c!r}",
                f"reaches {high:g} after scale={scale:g}, more than 100 %",
                "pass scale=100 only for shares stored as fractions 0-1, scale=1 for percentages",
                error=DataError,
            )
    return out


def panels(n: int, *, ncols: int = 2, size: tuple[float, float] = (6.0, 4.0)) -> list[Axes]:
    """A figure of ``n`` chart panels in a grid, for charts drawn side by side.

    Panels fill the grid row by row; the cells left over in the last row are hidden. The
    figure lays itself out (``layout="tight"``) when it is drawn.

    Parameters
    ----------
    n : int
        Number of panels (at least 1).
    ncols : int
        Panels per row; fewer when ``n`` is smaller.
    size : tuple of float
        Width and height of one panel, in inches.

    Returns
    -------
    list of Axes
        ``n`` Axes in reading order; pass each to a plotting function's ``ax``.

    Raises
    ------
    ParameterError
        ``n`` or ``ncols`` is below 1.

    Examples
    --------
    >>> axes = panels(3, size=(6.5, 3.7))
    >>> len(axes), axes[0].figure.get_size_inches().tolist()
    (3, [13.0, 7.4])
    >>> sum(ax.get_visible() for ax in axes[0].figure.axes)
    3
    """
    if n < 1 or ncols < 1:
        fail(
            "panels",
            "n and ncols",
            f"must be at least 1, got n={n}, ncols={ncols}",
            "pass 1 or more",
        )
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, grid = plt.subplots(
        nrows,
        ncols,
        figsize=(size[0] * ncols, size[1] * nrows),
        squeeze=False,
        layout="tight",
    )
    flat = list(grid.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return flat[:n]


def plot_metric_trend(
    data: pd.DataFrame,
    *,
    x: str = "quarter",
    y: str = "nps",
    low: str = "ci_low",
    high: str = "ci_high",
    hue: str | None = None,
    target: str | float | None = None,
    title: str | None = None,
    ylabel: str | None = None,
    ci: float = 0.95,
    better: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A metric over periods (line + markers) with its confidence band and optional target.

    The value axis says which way is good ("CES mean (higher is better)", from
    :data:`BETTER`) and spans at least a meaningful part of a bounded scale (:data:`SCALES`:
    3 points of CES's 1–7, 40 of NPS's −100..100), so a small move is not drawn as a cliff.
    At most :data:`MAX_TICKS` periods are labelled; the legend sits outside the data area.

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
    better : str, optional
        "higher" or "lower" (is better), "none" to say nothing; default from :data:`BETTER`.
    ax : Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> t = pd.DataFrame({"quarter": ["2026Q2", "2026Q1"], "nps": [20.0, 10.0],
    ...                   "ci_low": [12.0, 2.0], "ci_high": [28.0, 18.0]})
    >>> ax = plot_metric_trend(t, target=15.0)
    >>> ax.get_lines()[0].get_ydata().tolist(), ax.get_title()
    ([10.0, 20.0], 'NPS by quarter (shaded: 95% CI)')
    """
    ax = _ax(ax)
    groups = [(None, data)] if hue is None else list(data.groupby(hue, sort=True))
    colors = sns.color_palette("deep", len(groups))
    name_of_y = ylabel or _human(y)
    for color, (name, part) in zip(colors, groups, strict=True):
        part = part.sort_values(x)
        xs = [_label(v) for v in part[x].astype(str)]
        ax.plot(
            xs,
            part[y],
            marker="o",
            color=color,
            label=_legend_label(name, hue) if hue else _legend_label(name_of_y),
        )
        ax.fill_between(xs, part[low], part[high], color=color, alpha=0.2, linewidth=0)
    if target is not None:
        if isinstance(target, str):
            t = data.dropna(subset=[target]).drop_duplicates(x).sort_values(x)
            xs = [_label(v) for v in t[x].astype(str)]
            ax.plot(xs, t[target], ls="--", color="grey", label="target")
        else:
            ax.axhline(target, ls="--", color="grey", label="target")
    _thin_ticks(ax)
    ax.set_title(_label(title or f"{_human(y)} by {x} (shaded: {ci:.0%} CI)"))
    ax.set_xlabel(_label(_human(x)))
    ax.set_ylabel(_label(_better(name_of_y, y, better)))
    _meaningful_ylim(ax, y)
    ax.tick_params(axis="x", rotation=45)
    _legend_outside(ax, title=_human(hue) if hue else None)
    ax.grid(axis="y", alpha=0.3)
    return ax


def _wrap(text: str, width: int, lines: int | None = None) -> list[str]:
    """``text`` wrapped to ``width`` characters a line (a wide character, as in Chinese or
    Japanese, counts two: the line takes the same room); with ``lines``, cut to that many
    lines, the last ending in "…".

    >>> _wrap("客服回复太慢了，问题一直没有解决", 10)
    ['客服回复太', '慢了，问题', '一直没有解', '决']
    """
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in text)
    wrapper = textwrap.TextWrapper(
        width=max(1, width * len(text) // (len(text) + wide or 1)),
        max_lines=None if lines is None else max(1, lines),
        placeholder=" …",
        break_on_hyphens=False,
    )
    return wrapper.wrap(text) or [""]


def _squash(text: str) -> str:
    """``text`` without whitespace: how two labels compare, whether wrapped or not."""
    return "".join(text.split())


def _telling_cut(name: str, others: list[str], width: int, lines: int) -> list[str]:
    """``name`` cut to ``lines`` lines of ``width`` characters so that it keeps the part that
    tells it from ``others`` (names that its plain cut is the start of): its first words, "…",
    then the text from the word where it starts to differ (from the character, in a script
    without spaces).

    >>> _telling_cut("Support by phone in business hours", ["Support by phone at night"], 30, 1)
    ['Support by … in business hours']
    """
    differ = max(len(os.path.commonprefix([name, other])) for other in others)
    if name[differ : differ + 1] == " ":  # "abc def" after "abcx": the next word tells them apart
        differ += 1
    space = name.rfind(" ", 0, differ)
    start = space + 1 if space >= 0 and differ - space <= width // 2 else differ
    start = min(start, max(len(name) - 1, 0))
    tail = name[start:].strip()
    head = name[:start]
    if " " in head:  # whole words of the head, longest first
        cuts = [k for k in range(len(head) - 1, 0, -1) if head[k] == " " and head[k - 1] != " "]
    else:  # a script without spaces (or one long word): any character
        cuts = list(range(len(head) - 1, 0, -1))
    for k in cuts:
        wrapped = _wrap(f"{head[:k].strip()} … {tail}", width)
        if len(wrapped) <= lines:
            return wrapped
    text = f"{head[: cuts[-1]] if cuts else head} … {tail}".strip()
    wrapped = _wrap(text, width, lines)
    if _squash(tail)[:5] not in _squash(" ".join(wrapped)):  # a long word lost: cut inside it
        wrapped = _wrap(text, width)[: max(1, lines)]
        wrapped[-1] = wrapped[-1][: width - 2].rstrip() + " …"
    return wrapped


def _group_names(values: list[object], width: int, lines: int) -> tuple[list[str], int]:
    """The name part of each group's tick label, and how many names had to be cut.

    Each name is wrapped to ``width`` characters a line, at most ``lines`` lines; a longer one
    is cut with "…". Where a cut name would read as the start of another group's name (two
    answers that begin alike), the cut keeps the part that differs (:func:`_telling_cut`), so
    that no two labels of a panel read the same.
    """
    names = [" ".join(clean_text(v).split()) for v in values]
    out, cut = [], 0
    for i, name in enumerate(names):
        shown = _wrap(name, width, lines)
        if len(_wrap(name, width)) > lines:
            cut += 1
            start = _squash(" ".join(shown).removesuffix("…"))
            others = [o for j, o in enumerate(names) if j != i and _squash(o).startswith(start)]
            if others:
                shown = _telling_cut(name, others, width, lines)
        out.append("\n".join(shown))
    return out, cut


def _points(size: str) -> float:
    """A font size ("small") in points."""
    return matplotlib.font_manager.FontProperties(size=size).get_size_in_points()


#: Width of an average character, in font sizes (DejaVu Sans: most lower-case letters are
#: 0.5–0.65 em): how many characters of a label fit a given width.
CHAR_EM = 0.55


def _chars_fit(points: float, size: float | str) -> int:
    """Characters of font ``size`` (points or a name such as "small") in ``points`` of width."""
    em = size if isinstance(size, float | int) else _points(size)
    return max(4, int(points / (CHAR_EM * em)))


def _axes_points(ax: Axes) -> float:
    """Width of ``ax`` in points, as placed in its figure."""
    return ax.get_position().width * ax.figure.get_size_inches()[0] * 72


def _label_fit(ax: Axes, groups: int, size: str, *, extra: int = 0) -> tuple[int, int]:
    """Characters a line and lines a group label of font ``size`` may take: the width of
    :data:`LABEL_WIDTH` characters of the first of :data:`LABEL_SIZES` (more characters in a
    smaller font), and as many lines as fit between two ticks, at most :data:`LABEL_LINES`.

    The panel's grid cell loses about 6.8 font sizes to the title and the value axis once laid
    out, 1.2 more for each of their ``extra`` lines; the ticks are spread over the rest with a
    5 % margin at each end; a line takes 1.3 font sizes (as drawn, with its leading)."""
    fig_h = ax.figure.get_size_inches()[1] * 72
    spec = ax.get_subplotspec()
    rows = spec.get_gridspec().nrows if spec is not None else 1
    room = fig_h / rows - _points("medium") * (6.8 + 1.2 * extra)
    between = room / max((groups - 1) * 1.1, 1.0)
    points = _points(size)
    lines = int(max(1, min(LABEL_LINES, between / (1.3 * points))))
    return int(LABEL_WIDTH * _points(LABEL_SIZES[0]) / points), lines


def plot_metric_by_group(
    data: pd.DataFrame,
    *,
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
    better: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal points with CI whiskers per group, sorted by value.

    The value axis says which way is good (:data:`BETTER`). Panels compared side by side
    should share one scale: pass them to :func:`share_axes` once drawn.

    Groups where ``flag`` is true (``small_n`` from :func:`metrics.nps`) are drawn grey with a
    hatched band over their interval and labelled "n=12, n<30", so a reader does not take their
    estimate at face value.

    Groups with no responses (``n`` is 0) have nothing to draw and are left out; so are the
    responses without a group (a missing ``group`` value), which the value axis counts ("not
    drawn: 3 responses without an answer"). Long group names are wrapped
    (:data:`LABEL_WIDTH` characters a line, at most :data:`LABEL_LINES` lines as the panel's
    height allows, in a smaller font where that cuts fewer names, then "…"), so that the names
    never squeeze the data area; where two names begin alike, a cut keeps the part that differs
    ("Customer support … outside business hours"), so no two labels read the same.

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
    better : str, optional
        "higher" or "lower" (is better), "none" to say nothing; default from :data:`BETTER`.
    ax : Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    Axes
        The Axes drawn on.

    Raises
    ------
    ColumnError
        A named column (other than ``flag``) is not in ``data``.

    Examples
    --------
    >>> t = pd.DataFrame({"segment": ["SMB", "Enterprise", None], "nps": [5.0, 30.0, 50.0],
    ...                   "ci_low": [0.0, 10.0, 0.0], "ci_high": [10.0, 50.0, 90.0],
    ...                   "n": [400, 12, 2], "small_n": [False, True, True]})
    >>> ax = plot_metric_by_group(t, group="segment")
    >>> [tick.get_text() for tick in ax.get_yticklabels()]
    ['SMB  (n=400)', 'Enterprise  (n=12, n<30)']
    >>> ax.get_xlabel()
    'NPS (higher is better)\\nnot drawn: 2 responses without an answer'
    """
    check_columns(data, [group, y, low, high, n], "plot_metric_by_group", "column")
    counts = pd.to_numeric(data[n], errors="coerce").fillna(0)
    unnamed = data[group].isna().to_numpy()
    without = int(counts[unnamed].sum())
    d = data[~unnamed & (counts > 0).to_numpy()].sort_values(y).reset_index(drop=True)
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
    heading = textwrap.fill(title or f"{_human(y)} by {group} with {ci:.0%} CI", 60)
    label = _better(xlabel or _human(y), y, better)
    if without:
        label += f"\nnot drawn: {plural(without, 'response')} without an answer"
    extra = heading.count("\n") + label.count("\n")
    fits = []  # per font size: names cut, lines a label (more first), the order, the names
    for k, size in enumerate(LABEL_SIZES):
        width, lines = _label_fit(ax, len(d), size, extra=extra)
        names, cut = _group_names(list(d[group]), width, lines)
        fits.append((cut, -lines, k, size, names))
        if not cut:
            break
    # the fewest names cut; then the most lines (more of each name); then the largest font
    *_, size, names = min(fits)
    labels = [
        _label(f"{name}  (n={int(k):,}{f', n<{min_n}' if s else ''})")
        for name, k, s in zip(names, d[n], small, strict=True)
    ]
    ax.set_yticks(pos, labels)
    if any("\n" in lab or "…" in lab for lab in labels):
        ax.tick_params(axis="y", labelsize=size)
    if not len(d):
        ax.text(0.5, 0.5, "No group has responses", ha="center", transform=ax.transAxes)
    if y in ("nps", "change"):
        ax.axvline(0, color="black", lw=0.6)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))  # few value ticks: they never run together
    ax.set_title(_label(heading))
    ax.set_xlabel(_label(label))
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_nps_mix(
    data: pd.DataFrame,
    *,
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
        The Axes drawn on.

    Examples
    --------
    >>> t = pd.DataFrame({"quarter": ["2026Q1", "2026Q2"], "pct_detractors": [20.0, 10.0],
    ...                   "pct_passives": [30.0, 30.0], "pct_promoters": [50.0, 60.0]})
    >>> ax = plot_nps_mix(t)
    >>> [round(bar.get_y() + bar.get_height()) for bar in ax.patches][-2:]  # promoters on top
    [100, 100]
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
        ax.bar(xs, d[col], bottom=bottom, color=PALETTE[cat], label=cat.capitalize() + "s")
        bottom += d[col].to_numpy()
    ax.set_ylim(0, 100)
    ax.set_ylabel("Share of respondents (%)")
    ax.set_xlabel(_label(_human(x)))
    ax.set_title(_label(title or f"Promoter / passive / detractor mix by {x}"))
    _thin_ticks(ax)
    ax.tick_params(axis="x", rotation=45)
    handles, labels = ax.get_legend_handles_labels()  # promoters on top, as in the bars
    ax.legend(
        handles[::-1],
        labels[::-1],
        title=_human("nps_category"),
        frameon=False,
        fontsize="small",
        title_fontsize="small",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
    )
    return ax


def plot_share_bars(
    data: pd.DataFrame,
    *,
    x: str,
    y: str = "pct",
    hue: str | None = None,
    palette: dict[str, str] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    better: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Bars of a percentage per ``x``, side by side per ``hue`` (e.g. % negative comments).

    ``hue`` values are in ``palette`` order, then sorted; bars use the palette's colours as
    they are (no desaturation), so a category has one colour across the report.

    One bar per row of ``data`` (no aggregation, so no error bars): pass a table that already
    has one row per ``x`` and ``hue``, such as :func:`cxm_lab.text.analysis.share_by`'s.

    Parameters
    ----------
    data : DataFrame
        One row per bar.
    x : str
        Column of the bar groups along the x axis.
    y : str
        Column of the percentage (0–100).
    hue : str, optional
        Column splitting each group into coloured bars, with a legend.
    palette : dict, optional
        Colour per ``hue`` value; when None, NPS categories get their :data:`PALETTE` colours
        and other values seaborn's default colours.
    title, xlabel, ylabel : str, optional
        Defaults: none, and the column names in words.
    better : str, optional
        "higher" or "lower" (is better), stated in the value axis label; default from
        :data:`BETTER` by the value column's name, "none" to say nothing.
    ax : Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    Axes
        The Axes drawn on.

    Raises
    ------
    ColumnError
        A named column is not in ``data``.

    Examples
    --------
    >>> t = pd.DataFrame({"language": ["en", "en", "fr"], "nps_category": ["detractor",
    ...                   "promoter", "detractor"], "pct": [60.0, 10.0, 55.0]})
    >>> ax = plot_share_bars(t, x="language", hue="nps_category", palette=PALETTE)
    >>> len(ax.patches) >= 3, ax.get_legend().get_title().get_text()
    (True, 'NPS group')
    """
    check_columns(data, [x, y] + ([hue] if hue else []), "plot_share_bars", "column")
    ax = _ax(ax)
    d = data.assign(**{x: data[x].map(_label)})
    colors, order = None, None
    if hue:
        d[hue] = data[hue].map(lambda v: _legend_label(v, hue))
        present = set(d[hue].dropna())
        order = sorted(present)
        if palette is None and present and all(_category_color(v) for v in present):
            palette = {v: _category_color(v) for v in present}
        if palette is not None:
            colors = {_legend_label(k, hue): v for k, v in palette.items()}
            order = [k for k in colors if k in present] + [k for k in order if k not in colors]
    sns.barplot(
        data=d,
        x=x,
        y=y,
        hue=hue,
        hue_order=order,
        palette=colors,
        errorbar=None,
        saturation=1,  # the palette's own colours, as in every other chart
        ax=ax,
    )
    ax.set(
        title=_label(title or ""),
        xlabel=_label(xlabel or _human(x)),
        ylabel=_label(_better(ylabel or _human(y), y, better)),
    )
    if hue and ax.get_legend() is not None:
        _legend_outside(ax, title=_human(hue))
    return ax


def plot_share_trend(
    data: pd.DataFrame,
    *,
    x: str = "quarter",
    y: str = "pct",
    hue: str | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    better: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A percentage over periods, one line with markers per ``hue`` value.

    Parameters
    ----------
    data : DataFrame
        One row per period (and ``hue``), e.g. :func:`cxm_lab.text.analysis.share_by` by
        quarter and segment.
    x : str
        Column of the periods (drawn in sorted order).
    y : str
        Column of the percentage (0–100).
    hue : str, optional
        Column splitting the data into lines, with a legend (sorted).
    title, xlabel, ylabel : str, optional
        Defaults: none, and the column names in words.
    better : str, optional
        "higher" or "lower" (is better), stated in the value axis label; default from
        :data:`BETTER` by the value column's name, "none" to say nothing.
    ax : Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    Axes
        The Axes drawn on.

    Raises
    ------
    ColumnError
        A named column is not in ``data``.

    Examples
    --------
    >>> t = pd.DataFrame({"quarter": ["2026Q1", "2026Q2"] * 2, "segment": ["A", "A", "B", "B"],
    ...                   "pct": [10.0, 20.0, 30.0, 25.0]})
    >>> ax = plot_share_trend(t, hue="segment")
    >>> len(ax.get_lines()) >= 2, [t.get_text() for t in ax.get_legend().get_texts()]
    (True, ['A', 'B'])
    """
    check_columns(data, [x, y] + ([hue] if hue else []), "plot_share_trend", "column")
    ax = _ax(ax)
    d = data.sort_values(x)
    d = d.assign(**{x: d[x].astype(str).map(_label)})
    order, colors = None, None
    if hue:
        d[hue] = d[hue].map(lambda v: _legend_label(v, hue))
        order = sorted(d[hue].dropna().unique())
        if order and all(_category_color(v) for v in order):
            colors = {v: _category_color(v) for v in order}
    sns.lineplot(
        data=d, x=x, y=y, hue=hue, hue_order=order, palette=colors, marker="o", errorbar=None, ax=ax
    )
    ax.set(
        title=_label(title or ""),
        xlabel=_label(xlabel or _human(x)),
        ylabel=_label(_better(ylabel or _human(y), y, better)),
    )
    if hue and ax.get_legend() is not None:
        _legend_outside(ax, title=_human(hue))
    _thin_ticks(ax)
    ax.tick_params(axis="x", rotation=45)
    return ax


def plot_theme_shares(
    data: pd.DataFrame,
    *,
    theme: str = "theme",
    by: str = "nps_category",
    share: str = "share",
    scale: float = 1.0,
    title: str | None = None,
    xlabel: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars: how often each theme comes up, per group (e.g. NPS category).

    Themes are sorted by their share in the first group (detractors first when ``by`` is
    the NPS category), largest at the bottom; a theme a group never mentions counts 0.

    Parameters
    ----------
    data : DataFrame
        Long table with one row per theme and group, e.g.
        :func:`cxm_lab.text.topics.theme_summary` with ``by="nps_category"``.
    theme, by, share : str
        Columns of the theme, the group and the share of the group's comments.
    scale : float
        Multiplies ``share`` before drawing: 100 when it is a fraction 0–1, 1 when it is a
        percentage already.
    title, xlabel : str, optional
        Defaults name what is drawn.
    ax : Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    Axes
        The Axes drawn on.

    Raises
    ------
    ColumnError
        A named column is not in ``data``.
    DataError
        ``share`` exceeds 100 after ``scale`` (a percentage passed with ``scale=100``).

    Examples
    --------
    >>> t = pd.DataFrame({"theme": ["price", "support", "price", "support"],
    ...                   "nps_category": ["detractor", "detractor", "promoter", "promoter"],
    ...                   "share": [0.4, 0.6, 0.7, 0.3]})
    >>> ax = plot_theme_shares(t, scale=100)
    >>> [float(p.get_width()) for p in ax.patches]  # detractors (support, price), promoters
    [60.0, 40.0, 30.0, 70.0]
    >>> plot_theme_shares(t.iloc[:0], scale=100).texts[0].get_text()  # a period without one
    'No comment mentions a theme'
    """
    check_columns(data, [theme, by], "plot_theme_shares", "column")
    d = _percent(data, [share], scale, "plot_theme_shares")
    pivot = d.pivot(index=theme, columns=by, values=share).fillna(0)
    ax = _ax(ax, (8, 4.5))
    ax.set_title(_label(title or f"Themes by {_human(by)}"))
    if pivot.empty:  # no comment of the period mentions a theme
        ax.text(0.5, 0.5, "No comment mentions a theme", ha="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    pivot = pivot.sort_values(pivot.columns[0], ascending=False)
    n_groups = len(pivot.columns)
    height = 0.5 / n_groups
    pos = np.arange(len(pivot))
    colors = sns.color_palette("deep", n_groups)
    for i, (group, color) in enumerate(zip(pivot.columns, colors, strict=True)):
        ax.barh(
            pos + (i - (n_groups - 1) / 2) * height,
            pivot[group],
            height=height,
            color=_category_color(group) or color,
            label=_legend_label(group),
        )
    ax.set_yticks(pos, [_label(t) for t in pivot.index])
    ax.set_xlabel(
        _label(xlabel or f"% of the {_human(by).lower().removeprefix('nps ')}'s comments")
    )
    ax.set_ylabel(_label(_human(theme)))
    _legend_outside(ax, title=_human(by))
    return ax


def plot_rate_bars(
    data: pd.DataFrame,
    *,
    x: str,
    rate: str,
    low: str,
    high: str,
    scale: float = 1.0,
    horizontal: bool = False,
    goal: float | None = None,
    goal_label: str | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    color: str = BAR_COLOR,
    better: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Bars of a rate (%) per group with its confidence interval as whiskers.

    For churn by NPS category, SLA attainment by owner and the like: one bar per row, in the
    table's order (vertical) or ascending from the bottom (horizontal); rows without a rate
    (nothing to judge yet) are left out.

    Parameters
    ----------
    data : DataFrame
        One row per bar.
    x : str
        Column of the bar labels (the groups).
    rate, low, high : str
        Columns of the rate and its interval bounds.
    scale : float
        Multiplies ``rate``, ``low`` and ``high`` before drawing: 100 when they are fractions
        0–1, 1 when they are percentages already.
    horizontal : bool
        Horizontal bars (long group names), value axis fixed to 0–100.
    goal : float, optional
        A goal on the percentage scale, drawn as a dashed red line with a legend entry.
    goal_label : str, optional
        Its legend entry (default ``"<goal>% goal"``).
    title, xlabel, ylabel : str, optional
        Axis titles; the defaults name the columns in words.
    color : str
        Bar colour; bars of NPS categories (``x`` values such as "detractor") take their
        :data:`PALETTE` colour instead.
    better : str, optional
        "higher" or "lower" (is better), stated in the value axis label; default from
        :data:`BETTER` by the value column's name, "none" to say nothing.
    ax : Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    Axes
        The Axes drawn on.

    Raises
    ------
    ColumnError
        A named column is not in ``data``.
    DataError
        A value exceeds 100 after ``scale`` (percentages passed with ``scale=100``).

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["detractor", "promoter"], "churn_rate": [0.3, 0.1],
    ...                   "churn_ci_low": [0.2, 0.05], "churn_ci_high": [0.4, 0.15]})
    >>> ax = plot_rate_bars(t, x="category", rate="churn_rate", low="churn_ci_low",
    ...                     high="churn_ci_high", scale=100)
    >>> [round(p.get_height()) for p in ax.patches], ax.get_ylabel()
    ([30, 10], 'Churn rate (%) (lower is better)')
    """
    check_columns(data, [x], "plot_rate_bars", "column")
    d = _percent(data, [rate, low, high], scale, "plot_rate_bars").dropna(subset=[rate])
    if horizontal:
        d = d.sort_values(rate)
    ax = _ax(ax, (8, 3.8) if horizontal else (7, 3.8))
    labels = [_label(v) for v in d[x].astype(str)]
    err = [(d[rate] - d[low]).to_numpy(), (d[high] - d[rate]).to_numpy()]
    value_title = _label(_better(f"{_human(rate)} (%)", rate, better))
    colors = [_category_color(v) or color for v in d[x].astype(str)]
    if horizontal:
        ax.barh(labels, d[rate], color=colors)
        ax.errorbar(d[rate], labels, xerr=err, fmt="none", ecolor="black", capsize=4)
        ax.set_xlim(0, 100)
        ax.set_xlabel(_label(_better(xlabel, rate, better)) if xlabel else value_title)
        ax.set_ylabel(_label(ylabel or _human(x)))
    else:
        ax.bar(labels, d[rate], color=colors)
        ax.errorbar(labels, d[rate], yerr=err, fmt="none", ecolor="black", capsize=4)
        ax.set_xlabel(_label(xlabel or _human(x)))
        ax.set_ylabel(_label(_better(ylabel, rate, better)) if ylabel else value_title)
    if goal is not None:
        line = ax.axvline if horizontal else ax.axhline
        line(goal, color="#c0392b", ls="--", label=_label(goal_label or f"{goal:g}% goal"))
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(_label(title))
    return ax


def plot_rate_trend(
    data: pd.DataFrame,
    *,
    x: str = "month",
    rate: str = "churn_rate",
    low: str = "ci_low",
    high: str = "ci_high",
    hue: str = "category",
    levels: list[str] | None = None,
    palette: dict[str, str] | None = None,
    scale: float = 1.0,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    legend_title: str | None = None,
    better: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A rate (%) over time, one line with markers and a shaded interval per group.

    For monthly churn by NPS category (:func:`cxm_lab.revenue.monthly_churn`) and the like.

    Parameters
    ----------
    data : DataFrame
        One row per ``x`` and ``hue`` value.
    x : str
        Column of the time axis (dates or periods).
    rate, low, high : str
        Columns of the rate and its interval bounds.
    hue : str
        Column of the groups, one line each.
    levels : list of str, optional
        The groups to draw, in legend order; default every group, sorted.
    palette : dict, optional
        Colour per group; default :data:`PALETTE` where it names the group, seaborn's
        ``deep`` colours otherwise.
    scale : float
        Multiplies ``rate``, ``low`` and ``high``: 100 for fractions 0–1, 1 for percentages.
    title, xlabel, ylabel, legend_title : str, optional
        Defaults name the columns in words.
    better : str, optional
        "higher" or "lower" (is better), stated in the value axis label; default from
        :data:`BETTER` by the value column's name, "none" to say nothing.
    ax : Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    Axes
        The Axes drawn on.

    Raises
    ------
    ColumnError
        A named column is not in ``data``.
    DataError
        A value exceeds 100 after ``scale``.

    Examples
    --------
    >>> t = pd.DataFrame({"month": pd.to_datetime(["2026-01-01", "2026-02-01"] * 2),
    ...                   "category": ["detractor"] * 2 + ["promoter"] * 2,
    ...                   "churn_rate": [3.0, 4.0, 1.0, 0.5], "ci_low": [2.0, 3.0, 0.5, 0.1],
    ...                   "ci_high": [4.0, 5.0, 1.5, 0.9]})
    >>> ax = plot_rate_trend(t)
    >>> [line.get_ydata().tolist() for line in ax.get_lines()]
    [[3.0, 4.0], [1.0, 0.5]]
    """
    check_columns(data, [x, hue], "plot_rate_trend", "column")
    d = _percent(data, [rate, low, high], scale, "plot_rate_trend")
    groups = list(levels) if levels is not None else sorted(d[hue].dropna().unique(), key=str)
    fallback = sns.color_palette("deep", max(len(groups), 1))
    colors = palette or PALETTE
    ax = _ax(ax, (10, 4))
    for group, default in zip(groups, fallback, strict=False):
        g = d[d[hue] == group].sort_values(x)
        color = colors.get(str(group)) or _category_color(group) or default
        ax.plot(g[x], g[rate], marker="o", color=color, label=_legend_label(group, hue))
        ax.fill_between(g[x], g[low], g[high], color=color, alpha=0.12)
    _legend_outside(ax, title=legend_title or _human(hue))
    if pd.api.types.is_datetime64_any_dtype(d[x]):  # short date labels that do not overlap
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator(minticks=3, maxticks=MAX_TICKS)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    else:
        _thin_ticks(ax)
    ax.set_xlabel(_label(xlabel or _human(x)))
    ax.set_ylabel(_label(_better(ylabel or f"{_human(rate)} (%)", rate, better)))
    if title:
        ax.set_title(_label(title))
    return ax


def _reference(d: pd.DataFrame, column: str, weights: np.ndarray, targets: dict) -> float:
    """``targets[column]``, else the n-weighted mean of the column over the stages."""
    if column in targets:
        return float(targets[column])
    v = pd.to_numeric(d[column], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(v) & (weights > 0)
    return float(np.average(v[ok], weights=weights[ok])) if ok.any() else float("nan")


def plot_journey(
    data: pd.DataFrame,
    *,
    stage: str = "stage",
    nps: str = "nps",
    low: str = "ci_low",
    high: str = "ci_high",
    n: str = "n",
    csat: str | None = "csat",
    ces: str | None = "ces_mean",
    flag: str = "small_n",
    key_moments: list[str] | None = None,
    targets: dict[str, float] | None = None,
    min_n: int = 30,
    ci: float = 0.95,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The customer journey: stages left to right, each stage's NPS with its interval, its CSAT
    and CES colour-coded, and the key moments marked.

    Each value is coloured by performance against a reference: ``targets[column]`` when given
    (e.g. ``{"nps": 40, "csat": 80, "ces_mean": 5}``), otherwise the stages' n-weighted mean
    (for NPS without weights, the NPS of all stage responses pooled): teal at or above, red
    below; the NPS reference is drawn as a dashed line. Stages flagged ``small_n`` are drawn
    grey and labelled "n<min_n". Key moments get a ring and the words "Key moment". CSAT and
    CES sit in two rows of boxes above the plot (``gid`` ``"csat"`` / ``"ces"``), the rings
    have ``gid`` ``"key_moment"``.

    Parameters
    ----------
    data : DataFrame
        One row per stage in journey order (:func:`cxm_lab.journey.journey_map`).
    stage, nps, low, high, n, flag : str
        Columns of the stage name, NPS, its interval bounds, the responses and the small-n flag
        (a missing ``flag`` column flags nothing).
    csat, ces : str or None
        Columns of CSAT (%) and mean CES; None or a missing column leaves the row out.
    key_moments : list of str, optional
        Stage names to mark as key moments.
    targets : dict, optional
        Reference per column name; columns not named use the n-weighted mean.
    min_n : int
        The threshold behind ``flag``; shown in the labels.
    ci : float
        Confidence level of ``low``/``high``, used in the default title only.
    title : str, optional
        Default names the chart and the CI level.
    ax : Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    Axes
        The Axes drawn on.

    Raises
    ------
    ColumnError
        A named column is not in ``data``.

    Examples
    --------
    >>> t = pd.DataFrame({"stage": ["Onboard", "Pay"], "n": [100, 300], "nps": [40.0, 0.0],
    ...                   "ci_low": [30.0, -5.0], "ci_high": [50.0, 5.0],
    ...                   "csat": [85.0, 70.0], "ces_mean": [5.5, 5.0]})
    >>> ax = plot_journey(t, key_moments=["Pay"], targets={"csat": 80})
    >>> [tick.get_text() for tick in ax.get_xticklabels()]
    ['Onboard\\nn=100', 'Pay\\nn=300']
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "csat"]
    ['CSAT 85%', 'CSAT 70%']
    >>> [float(v) for v in ax.get_lines()[0].get_ydata()]  # reference: (100·40 + 300·0) / 400
    [10.0, 10.0]
    """
    func = "plot_journey"
    cols = [stage, nps, low, high, n]
    check_columns(data, cols, func, "column")
    d = data.reset_index(drop=True)
    x = np.arange(len(d))
    weights = pd.to_numeric(d[n], errors="coerce").fillna(0).to_numpy(dtype=float)
    targets = dict(targets or {})

    good, bad, grey = "#00798c", "#d1495b", "#9e9e9e"
    small = d[flag].to_numpy(dtype=bool) if flag in d else np.zeros(len(d), dtype=bool)
    values = pd.to_numeric(d[nps], errors="coerce").to_numpy(dtype=float)
    ref = _reference(d, nps, weights, targets)
    colors = np.where(small, grey, np.where(values >= ref, good, bad))
    ax = _ax(ax, (max(7.0, 1.6 * len(d) + 2), 4.6))
    ax.axhline(ref, color="#555555", lw=0.8, ls="--")
    ax.plot(x, values, color="#bdbdbd", lw=1, zorder=1)
    ax.vlines(x, d[low], d[high], colors=colors, lw=2.5, zorder=2)
    ax.scatter(x, values, color=colors, s=60, zorder=3)
    keys = set(key_moments or [])
    mark = np.array([str(s) in keys for s in d[stage]], dtype=bool)
    if mark.any():
        ax.scatter(
            x[mark], values[mark], s=420, facecolors="none", edgecolors="black", lw=1.5,
            zorder=4, gid="key_moment",
        )  # fmt: skip
        for i in np.flatnonzero(mark):
            ax.annotate(
                "Key moment", (x[i], d.loc[i, high]), xytext=(0, 6), textcoords="offset points",
                ha="center", va="bottom", fontsize=9, fontweight="bold",
            )  # fmt: skip
    trans = ax.get_xaxis_transform()
    rows = [(c, g) for c, g in ((csat, "csat"), (ces, "ces")) if c and c in d]
    for r, (column, gid) in enumerate(rows):
        v = pd.to_numeric(d[column], errors="coerce").to_numpy(dtype=float)
        rv = _reference(d, column, weights, targets)
        for i in range(len(d)):
            if not np.isfinite(v[i]):
                continue
            text = f"CSAT {v[i]:.0f}%" if gid == "csat" else f"CES {v[i]:.1f}"
            face = grey if small[i] else (good if v[i] >= rv else bad)
            ax.text(
                x[i], 1.03 + 0.09 * (len(rows) - 1 - r), text, transform=trans, ha="center",
                va="bottom", fontsize=9, color="white", gid=gid,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": face, "edgecolor": "none"},
            )  # fmt: skip
    # each stage name wrapped to the room between two ticks, cut with "…" past LABEL_LINES lines
    room = 0.95 * _axes_points(ax) / max(len(d), 1)
    tick_size = _points(matplotlib.rcParams["xtick.labelsize"])
    names, _ = _group_names(list(d[stage]), _chars_fit(room, tick_size), LABEL_LINES)
    labels = [
        _label(f"{s}\nn={int(k):,}{f', n<{min_n}' if f else ''}")
        for s, k, f in zip(names, weights, small, strict=True)
    ]
    ax.set_xticks(x, labels)
    ax.set_xlim(-0.6, len(d) - 0.4)
    ax.set_ylabel("NPS")
    ax.set_title(
        _label(title or f"NPS along the journey with {ci:.0%} CI"), pad=12 + 22 * len(rows)
    )
    ax.grid(axis="x", alpha=0)
    return ax


def _short_number(value: float) -> str:
    if pd.isna(value):
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def plot_pyramid(
    nodes: pd.DataFrame,
    links: pd.DataFrame,
    *,
    metric: str = "NPS",
    title: str | None = None,
    ci: float = 0.95,
    ax: Axes | None = None,
) -> Axes:
    """The measurement pyramid: the index at the top, touchpoint metrics, KPIs at the base.

    Each box names the node, its current value and its owner; each link is a line labelled
    "r +0.93 [+0.75, +0.98]" on two lines (Pearson's r and its interval): red when negative, teal when
    positive, thicker the stronger, and dashed grey when the interval includes 0. KPIs sit
    under the touchpoint they are linked to.

    Parameters
    ----------
    nodes : DataFrame
        :attr:`cxm_lab.pyramid.Pyramid.nodes`: ``node``, ``level`` (0 top, 1, 2 base),
        ``label``, ``owner``, ``value``.
    links : DataFrame
        :attr:`cxm_lab.pyramid.Pyramid.links`: ``source``, ``target``, ``r``, ``ci_low``,
        ``ci_high``, ``includes_zero``.
    metric : str
        Name of the touchpoint metric, written before the touchpoints' values.
    title : str, optional
        Default names the interval level.
    ci : float
        Confidence level of the intervals, for the default title.
    ax : Axes, optional
        Axes to draw on; a new 13 × 7 inch figure when None.

    Returns
    -------
    Axes
        The Axes drawn on: one line per link, one text box per node, one label per link.

    Raises
    ------
    ColumnError
        A named column is missing.

    Examples
    --------
    >>> n = pd.DataFrame({"node": ["index", "tp:a", "k1"], "level": [0, 1, 2],
    ...                   "label": ["NPS", "a", "wait"], "owner": [None, "Team A", "Lead"],
    ...                   "value": [30.0, 12.5, 6.0]})
    >>> li = pd.DataFrame({"source": ["tp:a", "k1"], "target": ["index", "tp:a"],
    ...                    "r": [0.4, -0.9], "ci_low": [-0.3, -0.97], "ci_high": [0.8, -0.7],
    ...                    "includes_zero": [True, False]})
    >>> ax = plot_pyramid(n, li)
    >>> [line.get_linestyle() for line in ax.get_lines()]
    ['--', '-']
    >>> [t.get_text().splitlines() for t in ax.texts][:2]
    [['NPS', '30'], ['a', 'NPS 12.5', 'owner: Team A']]
    """
    func = "plot_pyramid"
    check_columns(nodes, ["node", "level", "label", "owner", "value"], func, "nodes column")
    check_columns(
        links, ["source", "target", "r", "ci_low", "ci_high", "includes_zero"], func, "links column"
    )
    ax = _ax(ax, (13, 7))
    y_of = {0: 2.0, 1: 1.0, 2: 0.0}
    half_width = {0: 0.12, 1: 0.32, 2: 0.48}
    ax.add_patch(
        matplotlib.patches.Polygon(
            [(0.5, 2.55), (-0.02, -0.45), (1.02, -0.45)],
            closed=True,
            facecolor="#eef2f7",
            edgecolor="none",
            zorder=0,
        )
    )
    above = dict(zip(links["source"], links["target"], strict=False))
    pos: dict[object, tuple[float, float]] = {}
    for level in (0, 1, 2):
        part = nodes[nodes["level"] == level]
        if level == 2:  # under the touchpoint each KPI is linked to
            order = part.assign(
                _x=[pos.get(above.get(k), (0.5, 0))[0] for k in part["node"]]
            ).sort_values(["_x", "label"], kind="stable")
        else:
            order = part
        m = len(order)
        xs = (
            [0.5]
            if m == 1
            else list(np.linspace(0.5 - half_width[level], 0.5 + half_width[level], m))
        )
        # a box's text wraps to the room between two boxes of its level (x runs over 1.1
        # axes units), less the box's padding; names and owners take at most two lines each
        size = 9 if level < 2 else 8
        step = 2 * half_width[level] / (m - 1) if m > 1 else max(2 * half_width[level], 0.3)
        room = 0.95 * step / 1.1 * _axes_points(ax) - 2 * 0.4 * size
        width = _chars_fit(room, float(size))
        names, _ = _group_names(list(order["label"]), width, 2)
        for x, row, name in zip(xs, order.itertuples(index=False), names, strict=True):
            pos[row.node] = (x, y_of[level])
            value = _short_number(row.value)
            head = f"{metric} {value}" if level == 1 else value
            lines = [_label(name), head]
            if pd.notna(row.owner):
                owner = " ".join(clean_text(f"owner: {row.owner}").split())
                lines.append(_label("\n".join(_wrap(owner, width, 2))))
            ax.text(
                x,
                y_of[level],
                "\n".join(lines),
                ha="center",
                va="center",
                fontsize=size,
                fontweight="bold" if level == 0 else "normal",
                bbox={"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": "#7a9cc6"},
                zorder=3,
            )
    for link in links.itertuples(index=False):
        if link.source not in pos or link.target not in pos:
            continue
        (x0, y0), (x1, y1) = pos[link.source], pos[link.target]
        y0, y1 = y0 + 0.2, y1 - 0.2
        unclear = bool(link.includes_zero) or pd.isna(link.r)
        color = "grey" if unclear else (PALETTE["detractor"] if link.r < 0 else PALETTE["promoter"])
        width = 1.0 + (0.0 if pd.isna(link.r) else 2.5 * abs(float(link.r)))
        ax.plot([x0, x1], [y0, y1], color=color, lw=width, ls="--" if unclear else "-", zorder=1)
        t = 0.2 if y1 > y_of[1] + 0.5 else 0.5  # to the top: near the touchpoint, lines apart
        if pd.isna(link.r):
            text = "r n/a"
        elif pd.isna(link.ci_low):
            text = f"r {link.r:+.2f}"
        else:
            text = f"r {link.r:+.2f}\n[{link.ci_low:+.2f}, {link.ci_high:+.2f}]"
        ax.text(
            x0 + t * (x1 - x0),
            y0 + t * (y1 - y0),
            text,
            ha="center",
            va="center",
            fontsize=7,
            color="dimgrey" if unclear else color,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            zorder=2,
        )
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.5, 2.6)
    ax.axis("off")
    ax.set_title(
        _label(
            title
            or f"Measurement pyramid: links are Pearson r with {ci:.0%} CI "
            "(dashed grey: not distinguishable from 0)"
        )
    )
    return ax
