"""Metric charts: they return Axes, draw one mark per row with its interval, and flag small groups."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection

from cxm_lab import metrics, plots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture()
def responses() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 600
    return pd.DataFrame(
        {
            "ltr": rng.integers(0, 11, n),
            "quarter": rng.choice(["2026Q1", "2026Q2", "2026Q3"], n),
            "segment": rng.choice(["Enterprise", "Mid-Market", "SMB"], n, p=[0.03, 0.47, 0.5]),
        }
    )


def test_trend_draws_line_band_and_target(responses):
    table = metrics.nps(responses, by="quarter").assign(target=[5.0, 10.0, 15.0])
    ax = plots.plot_metric_trend(table, target="target")
    assert isinstance(ax, Axes)
    metric_line, target_line = ax.get_lines()
    assert list(metric_line.get_xdata()) == ["2026Q1", "2026Q2", "2026Q3"]
    assert np.allclose(metric_line.get_ydata(), table.sort_values("quarter")["nps"])
    assert list(target_line.get_ydata()) == [5.0, 10.0, 15.0]
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 1  # the CI band
    assert ax.get_title() == "NPS by quarter (shaded: 95% CI)"
    assert ax.get_xlabel() == "Quarter" and ax.get_ylabel() == "NPS"


def test_trend_with_hue_has_one_line_and_band_per_group(responses):
    table = metrics.nps(responses, by=["quarter", "segment"])
    ax = plots.plot_metric_trend(table, hue="segment", target=20.0, ci=0.9)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["Enterprise", "Mid-Market", "SMB", "target"]
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 3
    assert "90% CI" in ax.get_title()


def test_by_group_whiskers_and_small_n_labels(responses):
    table = metrics.nps(responses, by="segment", min_n=30)
    small = table.set_index("segment")["small_n"]
    assert small["Enterprise"] and not small["SMB"]  # the fixture makes Enterprise rare
    fig, ax = plt.subplots()
    out = plots.plot_metric_by_group(table, group="segment", ax=ax)
    assert out is ax
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 3
    n_ent = int(table.set_index("segment").loc["Enterprise", "n"])
    assert f"Enterprise  (n={n_ent}, n<30)" in labels
    assert sum("n<30" in lab for lab in labels) == int(table["small_n"].sum())
    whiskers = next(c for c in ax.collections if isinstance(c, LineCollection))
    segs = whiskers.get_segments()
    ordered = table.sort_values("nps")
    assert np.allclose([s[0][0] for s in segs], ordered["ci_low"])
    assert np.allclose([s[1][0] for s in segs], ordered["ci_high"])
    hatched = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_hatch()]
    assert len(hatched) == int(table["small_n"].sum())


def test_nps_mix_bars_stack_to_100(responses):
    table = metrics.nps(responses, by="quarter")
    ax = plots.plot_nps_mix(table)
    assert len(ax.patches) == 3 * len(table)
    heights = np.array([p.get_height() for p in ax.patches]).reshape(3, len(table))
    assert np.allclose(heights.sum(axis=0), 100)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "detractors",
        "passives",
        "promoters",
    ]
    assert ax.get_ylabel() == "Share of respondents (%)" and ax.get_title()


def test_docstring_example_runs():
    import doctest

    result = doctest.testmod(plots)
    assert result.attempted > 0 and result.failed == 0


# --------------------------------------------------------------------------- data as labels

TRICKY = ["CIS $5% promo$", "$\\frac{1}{0}$", "_hidden", "R&D <EMEA>"]


def _shown(text) -> str:
    """The string matplotlib draws for a Text (after its own mathtext/escape handling)."""
    s, ismath = text._preprocess_math(text.get_text())
    assert ismath is False, text.get_text()
    return s


@pytest.mark.parametrize("parse_math", [True, False])
def test_dollar_labels_draw_literally(parse_math, tmp_path):
    with matplotlib.rc_context({"text.parse_math": parse_math}):
        table = pd.DataFrame(
            {
                "segment": TRICKY,
                "quarter": TRICKY,
                "nps": [10.0, -5.0, 3.0, 0.0],
                "ci_low": [0.0, -15.0, -7.0, -10.0],
                "ci_high": [20.0, 5.0, 13.0, 10.0],
                "n": [100, 12, 50, 40],
                "small_n": [False, True, False, False],
                "pct_promoters": [50.0] * 4,
                "pct_passives": [30.0] * 4,
                "pct_detractors": [20.0] * 4,
            }
        )
        ax = plots.plot_metric_by_group(table, group="segment", title="Segment $x$ view")
        shown = [_shown(t) for t in ax.get_yticklabels()]
        order = table.sort_values("nps")["segment"].tolist()
        assert shown[0].startswith(order[0] + "  (n=12, n<30)")
        assert {s.split("  (n=")[0] for s in shown} == set(TRICKY)
        assert _shown(ax.title) == "Segment $x$ view"
        ax.figure.savefig(tmp_path / "group.png")

        ax2 = plots.plot_metric_trend(table, x="quarter", hue="segment", target=5.0)
        ax2.figure.canvas.draw()
        assert {_shown(t) for t in ax2.get_xticklabels()} == set(TRICKY)
        legend = [_shown(t) for t in ax2.get_legend().get_texts()]
        # matplotlib hides legend entries starting with "_": such a name gets a zero-width space
        assert legend == [("\u200b" + s if s.startswith("_") else s) for s in sorted(TRICKY)] + [
            "target"
        ]
        ax2.figure.savefig(tmp_path / "trend.png")

        ax3 = plots.plot_nps_mix(table, x="segment", title="Mix of $segments$")
        ax3.figure.canvas.draw()
        assert {_shown(t) for t in ax3.get_xticklabels()} == set(TRICKY)
        ax3.figure.savefig(tmp_path / "mix.png")
    for name in ("group", "trend", "mix"):
        assert (tmp_path / f"{name}.png").stat().st_size > 1000


def test_use_style_turns_mathtext_off():
    with matplotlib.rc_context():
        plots.use_style()
        assert matplotlib.rcParams["text.parse_math"] is False
        assert matplotlib.rcParams["figure.dpi"] == 110
        assert matplotlib.rcParams["axes.grid"]  # seaborn whitegrid
        assert plots._label("CIS $5%$") == "CIS $5%$"  # nothing to escape when parsing is off
    assert plots._label("CIS $5%$") == "CIS \\$5%\\$"


def test_underscore_names_stay_in_the_legend():
    table = pd.DataFrame(
        {
            "quarter": ["2026Q1", "2026Q1"],
            "segment": ["_internal", "SMB"],
            "nps": [1.0, 2.0],
            "ci_low": [0.0, 1.0],
            "ci_high": [2.0, 3.0],
        }
    )
    ax = plots.plot_metric_trend(table, hue="segment")
    assert len(ax.get_legend().get_texts()) == 2
