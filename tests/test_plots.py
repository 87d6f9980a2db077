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
    assert ax.get_xlabel() == "Quarter" and ax.get_ylabel() == "NPS (higher is better)"


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
    # legend in the order of the stack, top first, in the report's category colours
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Promoters",
        "Passives",
        "Detractors",
    ]
    assert ax.get_legend().get_title().get_text() == "NPS group"
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


# --------------------------------------------------------------------------- notebook charts
# The charts the notebooks used to draw by hand: what each draws (labels, bars, lines, legend).


def test_panels_hide_the_cells_left_over():
    axes = plots.panels(3, ncols=2, size=(6.5, 3.7))
    fig = axes[0].figure
    assert len(axes) == 3 and len(fig.axes) == 4
    assert [ax.get_visible() for ax in fig.axes] == [True, True, True, False]
    assert fig.get_size_inches().tolist() == [13.0, 7.4]
    assert len(plots.panels(1)) == 1 and plots.panels(1)[0].figure.get_size_inches()[0] == 6.0
    with pytest.raises(ValueError, match="at least 1"):
        plots.panels(0)


def test_share_bars_one_bar_per_row_with_palette():
    mix = pd.DataFrame(
        {
            "language": ["en", "en", "en", "fa", "fa"],
            "nps_category": ["detractor", "passive", "promoter", "detractor", "promoter"],
            "pct": [60.0, 30.0, 10.0, 55.0, 5.0],
        }
    )
    ax = plots.plot_share_bars(
        mix, x="language", hue="nps_category", palette=plots.PALETTE, ylabel="% negative"
    )
    bars = [p for p in ax.patches if p.get_height() > 0]
    assert sorted(p.get_height() for p in bars) == sorted(mix["pct"])
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["detractor", "passive", "promoter"]
    assert legend.get_title().get_text() == "NPS group"
    colors = {matplotlib.colors.to_hex(p.get_facecolor()) for p in bars}
    # the palette's own colours (no seaborn desaturation): one colour per category everywhere
    assert colors == set(plots.PALETTE.values())
    assert ax.get_xlabel() == "Language" and ax.get_ylabel() == "% negative"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["en", "fa"]


def test_share_trend_one_line_per_group():
    trend = pd.DataFrame(
        {
            "quarter": ["2026Q2", "2026Q1", "2026Q1", "2026Q2"],
            "segment": ["SMB", "SMB", "Enterprise", "Enterprise"],
            "pct": [20.0, 10.0, 30.0, 25.0],
        }
    )
    ax = plots.plot_share_trend(trend, hue="segment", ylabel="% negative", title="Negative")
    lines = [line for line in ax.get_lines() if len(line.get_xdata())]
    assert len(lines) == 2
    assert sorted(line.get_ydata().tolist() for line in lines) == [[10.0, 20.0], [30.0, 25.0]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Enterprise", "SMB"]
    assert ax.get_legend().get_title().get_text() == "Segment"
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == (
        "Quarter",
        "% negative",
        "Negative",
    )


def test_theme_shares_bars_per_category_sorted_by_the_first():
    themes = pd.DataFrame(
        {
            "theme": ["price", "support", "billing", "price", "support"],
            "nps_category": ["detractor", "detractor", "detractor", "promoter", "promoter"],
            "share": [0.2, 0.5, 0.3, 0.6, 0.4],
        }
    )
    ax = plots.plot_theme_shares(themes, scale=100)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["support", "billing", "price"]
    widths = [float(p.get_width()) for p in ax.patches]
    assert widths == [50.0, 30.0, 20.0, 40.0, 0.0, 60.0]  # billing: never named by promoters
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["detractor", "promoter"]
    colors = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert colors[0] == plots.PALETTE["detractor"] and colors[-1] == plots.PALETTE["promoter"]
    assert ax.get_xlabel() == "% of the group's comments" and ax.get_ylabel() == "Theme"
    with pytest.raises(ValueError, match="more than 100"):
        plots.plot_theme_shares(themes.assign(share=themes["share"] * 100), scale=100)


def test_rate_bars_vertical_with_whiskers():
    econ = pd.DataFrame(
        {
            "category": ["detractor", "passive", "promoter"],
            "churn_rate": [0.30, 0.15, 0.05],
            "churn_ci_low": [0.20, 0.10, 0.02],
            "churn_ci_high": [0.40, 0.22, 0.09],
        }
    )
    ax = plots.plot_rate_bars(
        econ,
        x="category",
        rate="churn_rate",
        low="churn_ci_low",
        high="churn_ci_high",
        scale=100,
        xlabel="Account NPS category at baseline",
        ylabel="Churned within 12 months (%)",
        title="Churn",
    )
    assert np.allclose([p.get_height() for p in ax.patches], [30, 15, 5])
    whiskers = next(c for c in ax.collections if isinstance(c, LineCollection))
    assert np.allclose([s[0][1] for s in whiskers.get_segments()], [20, 10, 2])
    assert np.allclose([s[1][1] for s in whiskers.get_segments()], [40, 22, 9])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["detractor", "passive", "promoter"]
    assert ax.get_ylabel() == "Churned within 12 months (%) (lower is better)"
    assert ax.get_title() == "Churn"
    assert ax.get_legend() is None


def test_rate_bars_horizontal_sorted_with_goal():
    status = pd.DataFrame(
        {
            "owner_team": ["Support", "Billing", "Sales"],
            "sla_attainment": [95.0, 70.0, 85.0],
            "sla_ci_low": [90.0, 60.0, 75.0],
            "sla_ci_high": [98.0, 80.0, 92.0],
        }
    )
    ax = plots.plot_rate_bars(
        status,
        x="owner_team",
        rate="sla_attainment",
        low="sla_ci_low",
        high="sla_ci_high",
        horizontal=True,
        goal=90,
    )
    assert [float(p.get_width()) for p in ax.patches] == [70.0, 85.0, 95.0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Billing", "Sales", "Support"]
    assert ax.get_xlim() == (0, 100)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["90% goal"]
    assert ax.get_xlabel() == "SLA attainment (%) (higher is better)"
    assert ax.get_ylabel() == "Owner team"
    with pytest.raises(ValueError, match="'sla_attainment' reaches 9500"):
        plots.plot_rate_bars(
            status, x="owner_team", rate="sla_attainment", low="sla_ci_low",
            high="sla_ci_high", scale=100,
        )  # fmt: skip


def test_rate_trend_lines_and_bands_per_level():
    months = pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"])
    monthly = pd.DataFrame(
        {
            "month": list(months) * 3,
            "category": ["detractor"] * 3 + ["promoter"] * 3 + ["(no score)"] * 3,
            "churn_rate": [0.03, 0.04, 0.05, 0.01, 0.01, 0.02, 0.5, 0.5, 0.5],
            "ci_low": [0.02, 0.03, 0.04, 0.0, 0.0, 0.01, 0.4, 0.4, 0.4],
            "ci_high": [0.04, 0.05, 0.06, 0.02, 0.02, 0.03, 0.6, 0.6, 0.6],
        }
    )
    ax = plots.plot_rate_trend(
        monthly, levels=["detractor", "promoter"], scale=100, legend_title="Baseline category"
    )
    lines = ax.get_lines()
    assert len(lines) == 2
    assert np.allclose(lines[0].get_ydata(), [3, 4, 5]) and np.allclose(
        lines[1].get_ydata(), [1, 1, 2]
    )
    assert [matplotlib.colors.to_hex(line.get_color()) for line in lines] == [
        plots.PALETTE["detractor"],
        plots.PALETTE["promoter"],
    ]
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 2
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["detractor", "promoter"]
    assert legend.get_title().get_text() == "Baseline category"
    assert ax.get_xlabel() == "Month" and ax.get_ylabel() == "Churn rate (%) (lower is better)"


def test_public_names_are_listed():
    public = {
        n
        for n, v in vars(plots).items()
        if not n.startswith("_") and getattr(v, "__module__", None) == plots.__name__
    }
    assert public <= set(plots.__all__)


def test_plot_pyramid_draws_levels_links_intervals_and_owners():
    """What the pyramid figure draws: a box per node (label, value, owner), one line per link
    (solid and coloured by sign when the interval excludes 0, dashed grey otherwise), each
    labelled with r and its interval; KPIs sit under their touchpoint."""
    from matplotlib.patches import Polygon

    from cxm_lab import demo, pyramid

    d = demo.load_demo()
    p = pyramid.build_pyramid(d.responses, d.operations, owners=d.touchpoint_owners)
    ax = plots.plot_pyramid(p.nodes, p.links, title="Pyramid $x$")
    texts = [t.get_text() for t in ax.texts]
    boxes = [t for t in texts if not t.startswith("r ")]
    labels = [t for t in texts if t.startswith("r ")]
    assert len(boxes) == len(p.nodes) == 12 and len(labels) == len(p.links) == 11
    assert "NPS (relationship surveys)\n34.2" in boxes
    assert "support\nNPS 10.3\nowner: Support" in boxes
    assert "wait time (minutes)\n6.1\nowner: Head of Support" in boxes
    wait = p.links.set_index("kpi").loc["wait time (minutes)"]
    assert f"r {wait['r']:+.2f}\n[{wait['ci_low']:+.2f}, {wait['ci_high']:+.2f}]" in labels
    lines = ax.get_lines()
    assert len(lines) == len(p.links)
    styles = [line.get_linestyle() for line in lines]
    assert styles == ["--" if z else "-" for z in p.links["includes_zero"]]
    colors = [matplotlib.colors.to_hex(line.get_color()) for line in lines]
    wait_line = lines[list(p.links["kpi"]).index("wait time (minutes)")]
    assert matplotlib.colors.to_hex(wait_line.get_color()) == plots.PALETTE["detractor"]
    assert all(c == "#808080" for c, z in zip(colors, p.links["includes_zero"], strict=True) if z)
    # Levels from top to bottom; KPIs under their touchpoint.
    y = {t.get_text().split("\n")[0]: t.get_position() for t in ax.texts if t.get_text() in boxes}
    assert y["NPS (relationship surveys)"][1] > y["support"][1] > y["wait time (minutes)"][1]
    xs = sorted((pos[0], name) for name, pos in y.items() if pos[1] == 0.0)
    # (a name wraps to the room between two boxes)
    assert [n for _, n in xs][-2:] == ["first-contact resolution", "wait time (minutes)"]
    assert any(isinstance(patch, Polygon) for patch in ax.patches)
    assert ax.get_title() == plots._label("Pyramid $x$")  # drawn literally, not as mathtext
    plt.close(ax.figure)


def test_plot_journey_draws_stages_in_order_with_colours_and_key_moments():
    t = pd.DataFrame(
        {
            "stage": ["Onboard", "Use", "Pay"],
            "n": [20, 300, 100],
            "nps": [50.0, 30.0, 0.0],
            "ci_low": [20.0, 25.0, -10.0],
            "ci_high": [80.0, 35.0, 10.0],
            "csat": [90.0, 80.0, 60.0],
            "ces_mean": [5.5, 5.2, 4.0],
            "small_n": [True, False, False],
        }
    )
    ax = plots.plot_journey(t, key_moments=["Pay"], targets={"ces_mean": 5.0})
    assert [x.get_text() for x in ax.get_xticklabels()] == [
        "Onboard\nn=20, n<30",
        "Use\nn=300",
        "Pay\nn=100",
    ]
    # NPS reference: the n-weighted mean (20·50 + 300·30 + 100·0) / 420.
    ref = (20 * 50 + 300 * 30) / 420
    assert [float(v) for v in ax.get_lines()[0].get_ydata()] == pytest.approx([ref, ref])
    whiskers = next(c for c in ax.collections if isinstance(c, LineCollection))
    assert [seg[:, 1].tolist() for seg in whiskers.get_segments()] == [
        [20.0, 80.0],
        [25.0, 35.0],
        [-10.0, 10.0],
    ]
    grey, good, bad = (matplotlib.colors.to_rgba(c) for c in ("#9e9e9e", "#00798c", "#d1495b"))
    colours = [tuple(c) for c in whiskers.get_colors()]
    assert colours == [grey, good, bad]  # small n grey; 30 above the reference; 0 below
    csat = [x for x in ax.texts if x.get_gid() == "csat"]
    ces = [x for x in ax.texts if x.get_gid() == "ces"]
    assert [x.get_text() for x in csat] == ["CSAT 90%", "CSAT 80%", "CSAT 60%"]
    assert [x.get_text() for x in ces] == ["CES 5.5", "CES 5.2", "CES 4.0"]
    # CSAT against its weighted mean (76.2): 80 above, 60 below; CES against the target 5.0.
    faces = [matplotlib.colors.to_rgba(x.get_bbox_patch().get_facecolor()) for x in csat]
    assert faces[1:] == [good, bad]
    faces = [matplotlib.colors.to_rgba(x.get_bbox_patch().get_facecolor()) for x in ces]
    assert faces[1:] == [good, bad]
    ring = [c for c in ax.collections if c.get_gid() == "key_moment"]
    assert len(ring) == 1 and ring[0].get_offsets().tolist() == [[2.0, 0.0]]
    assert [x.get_text() for x in ax.texts if x.get_text() == "Key moment"] == ["Key moment"]


def test_plot_journey_without_csat_ces_and_hostile_labels():
    from cxm_lab.errors import ColumnError

    t = pd.DataFrame(
        {"stage": ["$x$ <b>", "B"], "n": [40, 40], "nps": [1.0, 2.0], "ci_low": [0.0, 1.0],
         "ci_high": [2.0, 3.0]}
    )  # fmt: skip
    with matplotlib.rc_context({"text.parse_math": True}):
        ax = plots.plot_journey(t)
        assert ax.get_xticklabels()[0].get_text().startswith(r"\$x\$ <b>")
    assert not [x for x in ax.texts if x.get_gid() in ("csat", "ces")]
    assert not [c for c in ax.collections if c.get_gid() == "key_moment"]
    with pytest.raises(ColumnError):
        plots.plot_journey(t.drop(columns="n"))


# --------------------------------------------------------------------------- report layout


def _quarters(n: int) -> list[str]:
    return [f"{2015 + i // 4}Q{i % 4 + 1}" for i in range(n)]


def _visible_xticks(ax: Axes) -> list[str]:
    """Tick labels a reader sees: drawn, inside the axis, not empty."""
    ax.figure.canvas.draw()
    lo, hi = sorted(ax.get_xlim())
    return [
        t.get_text()
        for t, pos in zip(ax.get_xticklabels(), ax.get_xticks(), strict=True)
        if t.get_text() and lo <= pos <= hi
    ]


def _outside(ax: Axes) -> bool:
    """The legend's box does not overlap the data area."""
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    area = ax.get_window_extent(renderer)
    return (
        legend.x0 >= area.x1 or legend.x1 <= area.x0 or legend.y0 >= area.y1 or legend.y1 <= area.y0
    )


def test_time_axes_show_at_most_twelve_labels():
    qs = _quarters(45)
    rng = np.random.default_rng(3)
    trend = pd.DataFrame({"quarter": qs, "nps": rng.normal(20, 5, 45)})
    trend = trend.assign(ci_low=trend["nps"] - 8, ci_high=trend["nps"] + 8)
    ax = plots.plot_metric_trend(trend)
    shown = _visible_xticks(ax)
    assert 2 <= len(shown) <= plots.MAX_TICKS and set(shown) <= set(qs)
    assert shown[0] == qs[0]  # thinned from the first period on, in order
    assert shown == sorted(shown)
    share = pd.DataFrame(
        {"quarter": qs * 2, "segment": ["A"] * 45 + ["B"] * 45, "pct": rng.uniform(0, 50, 90)}
    )
    assert len(_visible_xticks(plots.plot_share_trend(share, hue="segment"))) <= plots.MAX_TICKS
    mix = pd.DataFrame(
        {"quarter": qs, "pct_detractors": 20.0, "pct_passives": 30.0, "pct_promoters": 50.0}
    )
    assert len(_visible_xticks(plots.plot_nps_mix(mix))) <= plots.MAX_TICKS
    months = pd.date_range("2023-01-01", periods=45, freq="MS")
    rates = pd.DataFrame(
        {"month": months, "category": "detractor", "churn_rate": 3.0, "ci_low": 2.0, "ci_high": 4.0}
    )
    assert len(_visible_xticks(plots.plot_rate_trend(rates))) <= plots.MAX_TICKS


def test_legends_sit_outside_the_data_area(responses):
    by_q = metrics.nps(responses, by=["quarter", "segment"])
    axes = [
        plots.plot_metric_trend(by_q, hue="segment", target=10.0),
        plots.plot_nps_mix(metrics.nps(responses, by="quarter")),
        plots.plot_share_trend(by_q.rename(columns={"pct_promoters": "pct"}), hue="segment"),
        plots.plot_share_bars(
            pd.DataFrame(
                {"language": ["en", "en", "fa"], "nps_category": ["detractor", "promoter"] * 1 + ["passive"], "pct": [90.0, 95.0, 99.0]}
            ),
            x="language",
            hue="nps_category",
        ),
        plots.plot_theme_shares(
            pd.DataFrame(
                {"theme": ["a", "b"] * 2, "nps_category": ["detractor"] * 2 + ["promoter"] * 2, "share": [80.0, 90.0, 95.0, 70.0]}
            )
        ),
    ]  # fmt: skip
    for ax in axes:
        assert ax.get_legend() is not None and _outside(ax), ax.get_title()


def test_compared_panels_share_one_scale(responses):
    axes = plots.panels(2)
    for ax, dim in zip(axes, ["segment", "quarter"], strict=True):
        plots.plot_metric_by_group(metrics.nps(responses, by=dim), group=dim, ax=ax)
    before = [ax.get_xlim() for ax in axes]
    assert before[0] != before[1]  # drawn alone, each panel picks its own range
    plots.share_axes(axes)
    after = [ax.get_xlim() for ax in axes]
    assert after[0] == after[1]
    assert after[0][0] == min(b[0] for b in before) and after[0][1] == max(b[1] for b in before)


def test_good_direction_and_a_meaningful_range_on_bounded_scales():
    ces = pd.DataFrame(
        {"quarter": ["2026Q1", "2026Q2"], "ces_mean": [5.30, 5.20], "mean_ci_low": [5.25, 5.12],
         "mean_ci_high": [5.35, 5.28]}
    )  # fmt: skip
    ax = plots.plot_metric_trend(ces, y="ces_mean", low="mean_ci_low", high="mean_ci_high")
    assert ax.get_ylabel() == "CES mean (higher is better)"  # 1-7 "made it easy" (DOMAIN.md)
    lo, hi = ax.get_ylim()
    assert hi - lo >= 3.0 and lo >= 1.0 and hi <= 7.0  # 0.1 of a 1-7 scale is not a cliff
    assert lo <= 5.12 and hi >= 5.35
    ax = plots.plot_metric_trend(ces, y="ces_mean", low="mean_ci_low", high="mean_ci_high",
                                 ylabel="CES", better="none")  # fmt: skip
    assert ax.get_ylabel() == "CES"
    churn = pd.DataFrame({"g": ["a"], "churn_rate": [5.0], "ci_low": [4.0], "ci_high": [6.0],
                          "n": [100]})  # fmt: skip
    ax = plots.plot_metric_by_group(churn, group="g", y="churn_rate")
    assert ax.get_xlabel() == "Churn rate (lower is better)"


def test_enps_legend_says_enps():
    en = pd.DataFrame({"quarter": ["2026Q1", "2026Q2"], "nps": [10.0, 12.0], "ci_low": [0.0, 2.0],
                       "ci_high": [20.0, 22.0]})  # fmt: skip
    ax = plots.plot_metric_trend(en, ylabel="eNPS")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["eNPS"]
    assert ax.get_ylabel() == "eNPS (higher is better)"


def test_nps_categories_have_one_colour_in_every_chart():
    hexes = {k: matplotlib.colors.to_hex(v) for k, v in plots.PALETTE.items()}
    cats = ["detractor", "passive", "promoter"]
    bars = plots.plot_rate_bars(
        pd.DataFrame({"category": cats, "r": [30.0, 20.0, 10.0], "lo": [25.0, 15.0, 5.0],
                      "hi": [35.0, 25.0, 15.0]}),
        x="category", rate="r", low="lo", high="hi",
    )  # fmt: skip
    assert [matplotlib.colors.to_hex(p.get_facecolor()) for p in bars.patches] == [
        hexes[c] for c in cats
    ]
    shares = plots.plot_share_bars(
        pd.DataFrame({"x": ["a"] * 3, "nps_category": cats, "pct": [10.0, 20.0, 30.0]}),
        x="x", hue="nps_category",
    )  # fmt: skip
    legend = {t.get_text(): matplotlib.colors.to_hex(h.get_facecolor())
              for t, h in zip(shares.get_legend().get_texts(), shares.get_legend().legend_handles, strict=True)}  # fmt: skip
    assert legend == hexes
    months = pd.date_range("2026-01-01", periods=2, freq="MS")
    trend = plots.plot_rate_trend(
        pd.DataFrame({"month": list(months) * 2, "category": ["Detractors"] * 2 + ["Promoters"] * 2,
                      "churn_rate": [3.0, 4.0, 1.0, 1.0], "ci_low": 0.5, "ci_high": 5.0})
    )  # fmt: skip
    assert [matplotlib.colors.to_hex(line.get_color()) for line in trend.get_lines()] == [
        hexes["detractor"],
        hexes["promoter"],
    ]
    mix = plots.plot_nps_mix(
        pd.DataFrame({"quarter": ["q"], "pct_detractors": [20.0], "pct_passives": [30.0],
                      "pct_promoters": [50.0]})
    )  # fmt: skip
    assert [matplotlib.colors.to_hex(p.get_facecolor()) for p in mix.patches] == [
        hexes[c] for c in cats
    ]


def test_survey_type_codes_read_as_words_in_legends():
    """The legend of a chart split by survey type shows "in-the-moment", as the tables do;
    a hue column that is not a code column keeps its values."""
    t = pd.DataFrame(
        {
            "quarter": ["2026Q1", "2026Q2"] * 2,
            "survey_type": ["in_the_moment"] * 2 + ["relationship"] * 2,
            "nps": [10.0, 12.0, 30.0, 32.0],
            "ci_low": [5.0, 7.0, 25.0, 27.0],
            "ci_high": [15.0, 17.0, 35.0, 37.0],
        }
    )
    ax = plots.plot_metric_trend(t, hue="survey_type")
    assert [x.get_text() for x in ax.get_legend().get_texts()][:2] == [
        "in-the-moment",
        "relationship",
    ]
    other = plots.plot_metric_trend(t.rename(columns={"survey_type": "plan"}), hue="plan")
    assert "in_the_moment" in [x.get_text() for x in other.get_legend().get_texts()]
    plt.close("all")


# --------------------------------------------------------------------------- groups by name

#: Answers of the 2019 R survey's Shiny question (gforms_r2019): labels of 30–75 characters.
LONG_GROUPS = [
    "Frequently -- I frequently use or build Shiny applications.",
    "Sometimes -- I use or build Shiny applications occasionally.",
    "Never -- I don't use Shiny.",
    "Rarely -- I know how to use Shiny, but it's not part of my regular work.",
    "I don't know what Shiny is.",
]


def _group_table(names, n) -> pd.DataFrame:
    k = len(names)
    return pd.DataFrame(
        {
            "g": pd.array(names, dtype="string"),
            "nps": np.linspace(20.0, 80.0, k),
            "ci_low": np.linspace(0.0, 60.0, k),
            "ci_high": np.linspace(40.0, 100.0, k),
            "n": n,
            "small_n": [x < 30 for x in n],
        }
    )


def _data_share(ax: Axes, ncols: int) -> float:
    """Width of the data area over the width of the panel's grid cell, once laid out."""
    fig = ax.figure
    cell = fig.get_size_inches()[0] * fig.dpi / ncols
    return ax.get_window_extent().width / cell


def _overlap(texts) -> bool:
    boxes = sorted((t.get_window_extent() for t in texts if t.get_text()), key=lambda b: b.x0)
    return any(a.x1 > b.x0 for a, b in zip(boxes, boxes[1:], strict=False))


def _overlap_y(texts) -> bool:
    """Whether two of the (stacked) texts overlap in height, once drawn."""
    boxes = sorted((t.get_window_extent() for t in texts if t.get_text()), key=lambda b: b.y0)
    return any(a.y1 > b.y0 + 0.5 for a, b in zip(boxes, boxes[1:], strict=False))


def _name_part(label: str) -> str:
    """The group name of a tick label "name  (n=12)", its lines joined."""
    return " ".join(label.rsplit("  (n=", 1)[0].split())


def _squash(text: str) -> str:
    return "".join(text.split())


def _is_part_of(shown: str, name: str) -> bool:
    """A label reads as its group's name: the pieces between "…" are, in order, pieces of the
    name (spaces aside, as wrapping moves them), the first one its start."""
    pieces = [_squash(p) for p in shown.split("…")]
    full, at = _squash(" ".join(name.split())), 0
    for k, piece in enumerate(pieces):
        found = full.find(piece, at)
        if found < 0 or (k == 0 and found != 0):
            return False
        at = found + len(piece)
    return pieces[-1] == "" or at == len(full)  # no "…" at the end: the name's end is shown


def test_by_group_leaves_out_empty_and_unnamed_groups():
    """gforms_r2019 drew "<NA> (n=1)" and "None (n=0)": a group with no response has nothing
    to draw, and responses without an answer are counted under the value axis."""
    t = _group_table(["Expert", "None", None, "Beginner"], [53, 0, 3, 23])
    ax = plots.plot_metric_by_group(t, group="g")
    labels = [x.get_text() for x in ax.get_yticklabels()]
    assert labels == ["Expert  (n=53)", "Beginner  (n=23, n<30)"]
    assert ax.get_xlabel() == "NPS (higher is better)\nnot drawn: 3 responses without an answer"
    whiskers = next(c for c in ax.collections if isinstance(c, LineCollection))
    assert len(whiskers.get_segments()) == 2
    one = plots.plot_metric_by_group(_group_table(["A", None], [40, 1]), group="g")
    assert one.get_xlabel().endswith("not drawn: 1 response without an answer")
    with pytest.raises(Exception, match="plot_metric_by_group"):
        plots.plot_metric_by_group(t.drop(columns="n"), group="g")


def test_by_group_long_names_keep_the_panels_readable():
    """Long answers squeezed each panel of the NPS-by-group chart to a sliver, and the value
    ticks "0" and "100" ran together as "0100" (gforms_r2019 p.5): names are wrapped and cut,
    the data area keeps a readable width and no two value ticks overlap."""
    names = LONG_GROUPS + [
        "One or more members of the R community encouraged me to learn it, at a meetup or in an "
        "online forum, and I followed their advice"  # 115 characters: cut even on 3 lines
    ]
    axes = plots.panels(2, size=(6.5, 3.7))
    for ax in axes:
        plots.plot_metric_by_group(_group_table(names, [20, 43, 52, 51, 9, 8]), group="g", ax=ax)
    plots.share_axes(axes)
    fig = axes[0].figure
    fig.canvas.draw()
    # the widest line: LABEL_WIDTH characters of the first label size, in the smallest one
    widest = plots.LABEL_WIDTH * plots._points(plots.LABEL_SIZES[0])
    widest /= min(plots._points(size) for size in plots.LABEL_SIZES)
    for ax in axes:
        assert _data_share(ax, 2) > 0.4
        assert not _overlap(ax.get_xticklabels())
        assert not _overlap_y(ax.get_yticklabels())
        labels = [x.get_text() for x in ax.get_yticklabels()]
        for label in labels:
            lines = label.split("\n")
            assert len(lines) <= plots.LABEL_LINES
            assert all(len(line) <= widest + len("  (n=20, n<30)") for line in lines)
        assert "Never -- I don't use Shiny.  (n=52)" in labels  # a short name stays whole
        # a name cut to fit ends in "…" and starts as the answer does
        cut = [lab.replace("\n", " ").split(" …")[0] for lab in labels if "…" in lab]
        assert cut and all(any(name.startswith(c) for name in names) for c in cut)


#: Answers that begin alike for longer than a label's line: cut at the end, each pair read the
#: same ("Customer support via phone and chat, weekdays …" twice). Latin, right-to-left and
#: CJK, where words are not split by spaces.
LOOK_ALIKE = {
    "latin": [
        "Customer support via phone and chat, weekdays, from the main office during business hours",
        "Customer support via phone and chat, weekdays, from the main office outside business hours",
        "Customer support via phone and chat, weekdays, from the main office",
        "Customer support via phone and chat, weekdays, from the main office, and on Sundays too",
    ],
    "rtl": [
        "پشتیبانی خیلی ضعیف است و پاسخ\u200cها دیر می\u200cرسند و کسی جواب نمی\u200cدهد از طریق تلفن",
        "پشتیبانی خیلی ضعیف است و پاسخ\u200cها دیر می\u200cرسند و کسی جواب نمی\u200cدهد از طریق ایمیل",
        "الدعم الفني لا يرد على الهاتف ولا على البريد الإلكتروني في الوقت المناسب أبدا",
        "الدعم الفني لا يرد على الهاتف ولا على البريد الإلكتروني في الوقت المناسب غالبا",
    ],
    "cjk": [
        "客服回复太慢了而且问题一直没有解决我们已经等了三个星期还是没有任何消息也没有人来说明情况"
        "我们只好自己想办法打电话",
        "客服回复太慢了而且问题一直没有解决我们已经等了三个星期还是没有任何消息也没有人来说明情况"
        "我们只好自己想办法发邮件",
        "客服回复太慢了而且问题一直没有解决我们已经等了三个星期还是没有任何消息也没有人来说明情况",
    ],
}


@pytest.mark.filterwarnings("ignore:Glyph:UserWarning")  # DejaVu Sans has no CJK glyphs
@pytest.mark.parametrize("height", [2.4, 3.7])  # one line a label, two
@pytest.mark.parametrize("script", sorted(LOOK_ALIKE))
def test_by_group_look_alike_names_keep_the_part_that_differs(script, height):
    """Names that begin alike were cut to the same text ("Customer support via phone and …"
    twice): in a crowded panel every label is still a different text, and each reads as its own
    name (its start, "…", and the part where it differs from the others)."""
    names = LOOK_ALIKE[script] + [f"G{k}" for k in range(10 - len(LOOK_ALIKE[script]))]
    (ax,) = plots.panels(1, size=(6.5, height))
    plots.plot_metric_by_group(_group_table(names, [40] * len(names)), group="g", ax=ax)
    ax.figure.canvas.draw()
    labels = [x.get_text() for x in ax.get_yticklabels()]
    shown = [_name_part(lab) for lab in labels]
    assert len(set(shown)) == len(shown), shown
    order = _group_table(names, [40] * len(names)).sort_values("nps")["g"]  # the drawn order
    for text, name in zip(shown, order, strict=True):
        assert _is_part_of(text, name), (text, name)
    assert any("…" in text for text in shown)  # the panel is crowded: some names are cut
    assert not _overlap_y(ax.get_yticklabels())
    assert _data_share(ax, 1) > 0.4  # wide (CJK) characters count double: no wider labels


@pytest.mark.parametrize(("style", "groups"), [(True, 8), (False, 10)])
def test_by_group_wraps_in_a_smaller_font_before_cutting(style, groups):
    """A crowded 3.7-inch panel had room for one line of each label in the "small" font (it
    cut "Algunos cursos …" and "Uno o más cursos de …", gforms_es_tsv), or drew two lines that
    ran into each other (without the notebooks' style, ten groups). In a smaller font the names
    fit whole, on two lines, and no two labels touch; with and without the notebooks' style
    (:func:`plots.use_style`, larger fonts)."""
    names = [
        "Algunos cursos universitarios de grado, sin título",  # 50 characters
        "Uno o más cursos de postgrado, sin título de postgrado",  # 54
    ] + [f"Group {k}" for k in range(groups - 2)]
    with matplotlib.rc_context():
        if style:
            plots.use_style()
        (ax,) = plots.panels(1, size=(6.5, 3.7))
        plots.plot_metric_by_group(_group_table(names, [40] * groups), group="g", ax=ax)
        ax.figure.canvas.draw()
        shown = [_name_part(x.get_text()) for x in ax.get_yticklabels()]
        assert names[0] in shown and names[1] in shown, shown
        assert not _overlap_y(ax.get_yticklabels())


def test_by_group_labels_still_escape_dollars():
    """The shortened labels go through chart_label: "$" is escaped when mathtext is on."""
    names = [
        "Customer support via phone and chat, weekdays, from the main office, for the $5 plan",
        "Customer support via phone and chat, weekdays, from the main office, for the $9 plan",
    ] + [f"G{k}" for k in range(8)]
    with matplotlib.rc_context({"text.parse_math": True}):
        (ax,) = plots.panels(1, size=(6.5, 2.4))
        plots.plot_metric_by_group(_group_table(names, [40] * 10), group="g", ax=ax)
        labels = [x.get_text() for x in ax.get_yticklabels()]
    dollars = [lab for lab in labels if "$" in lab]
    assert len(dollars) == 2, labels
    assert {"\\$5", "\\$9"} == {lab.split(" plan")[0][-3:] for lab in dollars}, dollars


@pytest.mark.shared_data
def test_real_export_nps_by_group_chart_is_readable(shared_data, tmp_path):
    """gforms_r2019, every dimension of its params file, as 01_metrics draws them."""
    from cxm_lab import summary
    from cxm_lab.cli import main
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.params import load_params

    out = tmp_path / "p.yaml"
    export = shared_data / "exports/google_forms/2019 English R Community Survey Responses.csv"
    assert main(["init", str(export), "-o", str(out), "--name", "x"]) == 0
    ds = prepare_dataset(load_params(out), base=out.parent)
    cur = summary.in_period(ds["responses"], quarter=ds.report_quarter)
    dims = ds.dimensions[:6]
    assert len(dims) >= 2
    axes = plots.panels(len(dims), size=(6.5, 3.7))
    for ax, dim in zip(axes, dims, strict=True):
        table = metrics.nps(cur, by=dim, min_n=30, method="adjusted_wald")
        plots.plot_metric_by_group(table, group=dim, ax=ax)
        labels = [x.get_text() for x in ax.get_yticklabels()]
        # every group with responses and a name is drawn, and only those
        assert len(labels) == int((table["n"].gt(0) & table[dim].notna()).sum())
        assert not any(lab.startswith(("<NA>", "None  (n=0")) for lab in labels)
    plots.share_axes(axes)
    axes[0].figure.canvas.draw()
    for ax in axes:
        assert _data_share(ax, 2) > 0.35, ax.get_title()
        assert not _overlap(ax.get_xticklabels()), ax.get_title()


SPANISH = "exports/google_forms/Learning R Internet Survey (Spanish Version) - Form Responses 1.tsv"


@pytest.mark.shared_data
def test_real_export_spanish_group_names_can_be_told_apart(shared_data, tmp_path):
    """gforms_es_tsv: the education panel cut "Algunos cursos universitarios de grado, sin
    título" and "Uno o más cursos de postgrado, sin título de postgrado" to "Algunos cursos …"
    and "Uno o más cursos de …". Every panel, as 01_metrics draws it: the labels are different
    texts, each reads as one of the column's answers (read from the TSV here), and the two
    answers show the words that tell them apart."""
    from cxm_lab import summary
    from cxm_lab.cli import main
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.params import load_params

    export = shared_data / SPANISH
    raw = pd.read_csv(export, sep="\t", dtype=str)
    out = tmp_path / "p.yaml"
    assert main(["init", str(export), "-o", str(out), "--name", "x"]) == 0
    ds = prepare_dataset(load_params(out), base=out.parent)
    cur = summary.in_period(ds["responses"], quarter=ds.report_quarter)
    dims = ds.dimensions[:6]
    with matplotlib.rc_context():
        plots.use_style()  # as the notebook draws it
        axes = plots.panels(len(dims), size=(6.5, 3.7))
        for ax, dim in zip(axes, dims, strict=True):
            table = metrics.nps(cur, by=dim, min_n=30, method="adjusted_wald")
            title = f"NPS by {dim}, 2018Q4 (adjusted-Wald 95% CI)"  # as long as the notebook's
            plots.plot_metric_by_group(table, group=dim, ax=ax, title=title)
        plots.share_axes(axes)
        axes[0].figure.canvas.draw()
    answers = {str(v) for c in raw.columns for v in raw[c].dropna().unique()}
    shown_all = []
    for ax in axes:
        shown = [_name_part(x.get_text()) for x in ax.get_yticklabels()]
        assert len(set(shown)) == len(shown), (ax.get_title(), shown)
        for text in shown:
            assert any(_is_part_of(text, a) for a in answers), (ax.get_title(), text)
        assert not _overlap_y(ax.get_yticklabels()), ax.get_title()
        shown_all += shown
    education = [a for a in answers if a.startswith(("Algunos cursos", "Uno o más cursos"))]
    assert len(education) == 2, education
    # hand-checked: the two answers differ in the words after "cursos"
    told = {"Algunos cursos": "universitarios", "Uno o más cursos": "postgrado"}
    for start, word in told.items():
        label = next(t for t in shown_all if t.startswith(start))
        assert word in label, label


def _apart(boxes: list) -> bool:
    """No two of the window extents ``boxes`` overlap."""
    return not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


LONG_STAGES = [
    "Onboard $s$ <img src=x onerror=alert('stg')>",
    "#rect(fill: red)[S2] [x](javascript:alert('stg'))",
    '=HYPERLINK("http://x","stg")',
    "Renewal and expansion conversations with the account team and procurement",
]


def test_plot_journey_wraps_long_stage_names_apart():
    """N3: long stage names (written in params or taken from touchpoints) ran into each other
    under the axis; each is now wrapped to the room between two ticks and cut with "…"."""
    t = pd.DataFrame(
        {"stage": LONG_STAGES, "n": [114, 2200, 440, 454], "nps": [48.0, 19.0, 16.0, 36.0],
         "ci_low": [35.0, 16.0, 8.0, 29.0], "ci_high": [62.0, 22.0, 23.0, 43.0]}
    )  # fmt: skip
    with matplotlib.rc_context():
        plots.use_style()
        matplotlib.rcParams["text.parse_math"] = True  # so that chart_label escapes "$"
        ax = plots.plot_journey(t)
        fig = ax.figure
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ticks = ax.get_xticklabels()
        boxes = [x.get_window_extent(renderer) for x in ticks]
    assert _apart(boxes), [x.get_text() for x in ticks]
    assert all(fig.bbox.x0 <= b.x0 and b.x1 <= fig.bbox.x1 for b in boxes)
    texts = [x.get_text() for x in ticks]
    assert texts[0].startswith(r"Onboard \$s\$")  # still through chart_label
    assert texts[3].endswith("…\nn=454") and texts[3].count("\n") == plots.LABEL_LINES
    assert texts[2].splitlines()[-1] == "n=440"


def test_plot_pyramid_wraps_long_names_and_owners_inside_their_boxes():
    """N3: a long owner ran out of its box and over the next one; names and owners now wrap
    to the room between two boxes, at most two lines each."""
    owner = '=HYPERLINK("http://evil.example","team") <img src=x onerror=alert(\'team\')> $o$'
    tps = ["bill<img src=x onerror=alert('tp')>$x$", "onboarding", "product", "support"]
    kpis = [f"{k} of the quarter, measured by the operations team" for k in "abcdef"]
    nodes = pd.DataFrame(
        {
            "node": ["index", *[f"tp:{x}" for x in tps], *kpis],
            "level": [0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2],
            "label": ["NPS (relationship surveys)", *tps, *kpis],
            "owner": [None, "Finance Ops", owner, "Product", owner, *[owner] * 6],
            "value": [34.2, 26.8, 47.4, 21.0, 10.3, 38.7, 1.03, 29.1, 3.0, 70.3, 6.1],
        }
    )
    links = pd.DataFrame(
        {
            "source": [*[f"tp:{x}" for x in tps], *kpis],
            "target": ["index"] * 4 + [f"tp:{tps[i // 2]}" for i in range(6)],
            "r": [0.5] * 10, "ci_low": [0.1] * 10, "ci_high": [0.8] * 10,
            "includes_zero": [False] * 10,
        }
    )  # fmt: skip
    with matplotlib.rc_context():
        plots.use_style()
        matplotlib.rcParams["text.parse_math"] = True  # so that chart_label escapes "$"
        ax = plots.plot_pyramid(nodes, links)
        fig = ax.figure
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        node_texts = [t for t in ax.texts if not t.get_text().startswith("r ")]
        boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in node_texts]
    assert len(node_texts) == len(nodes)
    assert _apart(boxes), [t.get_text() for t in node_texts]
    assert all(fig.bbox.x0 <= b.x0 and b.x1 <= fig.bbox.x1 for b in boxes)
    support = next(t.get_text() for t in node_texts if t.get_text().startswith("support"))
    assert support.count("\n") <= 4 and support.endswith("…")  # name, value, owner on two lines
    assert "$" not in support.replace(r"\$", "")  # still through chart_label
