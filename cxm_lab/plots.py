"""Seaborn charts for metric tables: ``data=`` plus column names, an optional ``ax``, return the
Axes; they never read files or print. Uncertainty is always drawn (CI bands or whiskers) and
small groups are greyed and labelled."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

PALETTE = {"detractor": "#d1495b", "passive": "#edae49", "promoter": "#00798c"}


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
    ax: Axes | None = None,
) -> Axes:
    """A metric over periods with its confidence band; ``target`` is a column or a constant."""
    ax = _ax(ax)
    groups = [(None, data)] if hue is None else list(data.groupby(hue, sort=True))
    colors = sns.color_palette("deep", len(groups))
    for color, (name, part) in zip(colors, groups, strict=True):
        part = part.sort_values(x)
        xs = part[x].astype(str).to_numpy()
        ax.plot(xs, part[y], marker="o", color=color, label=name if hue else y.upper())
        ax.fill_between(xs, part[low], part[high], color=color, alpha=0.2, linewidth=0)
    if target is not None:
        if isinstance(target, str):
            t = data.drop_duplicates(x).sort_values(x)
            ax.plot(t[x].astype(str), t[target], ls="--", color="grey", label="target")
        else:
            ax.axhline(target, ls="--", color="grey", label="target")
    n_ticks = data[x].nunique()
    if n_ticks > 16:  # keep labels readable: every k-th period
        step = int(np.ceil(n_ticks / 12))
        ticks = sorted(data[x].astype(str).unique())
        ax.set_xticks(range(0, n_ticks, step), ticks[::step])
    ax.set_title(title or f"{y.upper()} by {x} (shaded: 95% CI)")
    ax.set_xlabel(x.replace("_", " ").capitalize())
    ax.set_ylabel(ylabel or y.upper())
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
    title: str | None = None,
    xlabel: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal points with CI whiskers per group, sorted by value; groups flagged ``flag``
    are grey and labelled "n=.. (small)"."""
    d = data.sort_values(y).reset_index(drop=True)
    ax = _ax(ax, (8, 0.45 * len(d) + 1.2))
    small = d[flag].to_numpy(dtype=bool) if flag in d else np.zeros(len(d), dtype=bool)
    colors = np.where(small, "#9e9e9e", "#00798c")
    pos = np.arange(len(d))
    ax.hlines(pos, d[low], d[high], color=colors, lw=2)
    ax.scatter(d[y], pos, color=colors, zorder=3, s=40)
    labels = [
        f"{g}  (n={k:,}{', small' if s else ''})"
        for g, k, s in zip(d[group], d[n], small, strict=True)
    ]
    ax.set_yticks(pos, labels)
    ax.axvline(0, color="black", lw=0.6) if y in ("nps", "change") else None
    ax.set_title(title or f"{y.upper()} by {group} with 95% CI")
    ax.set_xlabel(xlabel or y.upper())
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_nps_mix(
    data: pd.DataFrame,
    x: str = "quarter",
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Stacked shares of detractors, passives and promoters per ``x`` (from :func:`metrics.nps`)."""
    ax = _ax(ax)
    d = data.sort_values(x)
    xs = d[x].astype(str).to_numpy()
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
    ax.set_xlabel(x.replace("_", " ").capitalize())
    ax.set_title(title or f"Promoter / passive / detractor mix by {x}")
    ax.tick_params(axis="x", rotation=45)
    ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1, 1))
    return ax
