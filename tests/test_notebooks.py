"""Notebooks stay thin and safe: the notebook contract (parameters cell with the run's standard
parameters, title and section headings, no definitions, no hand-drawn charts), lint-clean, no
Markdown built from data, every display inside a block shown explicitly, sections declared
(their execution: nbval and test_pipeline.py)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from html_fragments import parse_html

from cxm_lab.config import NOTEBOOK_DIR
from cxm_lab.pipeline import RUN_PARAMETERS
from cxm_lab.sections import Needs

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
HELPERS = {"show_table", "callout", "kpi_cards", "quote_comments"}

#: The standard parameters every notebook declares: those the run gives each one.
STANDARD_PARAMETERS = RUN_PARAMETERS
#: Names a parameter must not have, with the house name to use instead (docs/ARCHITECTURE.md).
NOT_HOUSE_NAMES = {
    "bootstrap": "n_boot",
    "n_bootstrap": "n_boot",
    "alpha": "ci",
    "confidence": "ci",
    "level": "ci",
    "min_count": "min_n",
    "quarter": "report_quarter",
}
#: Where a notebook's charts come from: a function of these modules (``plots.plot_*``,
#: ``plots.panels``, ``drivers.plot_*``); ``plt.show()`` displays the figure. Nothing else
#: draws: no seaborn, no pandas ``.plot``, no method of an Axes or Figure.
CHART_MODULES = {"plots", "drivers"}
PYPLOT_ALLOWED = {"show"}
FIGURE_NAMES = {"ax", "axes", "fig", "figure", "g", "grid"}
DRAWING_MODULES = {"sns", "seaborn", "mpl", "matplotlib"}


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def code_cells(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in cells(path) if c["cell_type"] == "code"]


def parameters_cell(path: Path) -> str:
    tagged = [c for c in cells(path) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    assert tagged[0]["cell_type"] == "code"
    return "".join(tagged[0]["source"])


def _root(node: ast.AST) -> ast.AST:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def hand_drawing(src: str) -> list[str]:
    """What in a code cell draws a chart by hand (empty: nothing), one line per finding."""
    found = []
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in {"seaborn", "matplotlib"} and not (
                    alias.name == "matplotlib.pyplot" and alias.asname == "plt"
                ):
                    found.append(f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in {"seaborn", "matplotlib"}:
                found.append(f"from {node.module} import ...")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            func = node.func
            root = _root(func)
            name = root.id if isinstance(root, ast.Name) else None
            text = ast.unparse(node)[:70]
            if name == "plt" and not (
                isinstance(func.value, ast.Name) and func.attr in PYPLOT_ALLOWED
            ):
                found.append(text)
            elif name in DRAWING_MODULES or name in FIGURE_NAMES:
                found.append(text)
            elif name not in CHART_MODULES and (
                func.attr == "plot"
                or (isinstance(func.value, ast.Attribute) and func.value.attr == "plot")
            ):
                found.append(text)  # pandas' DataFrame.plot / .plot.barh
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_callout_templates_are_literals(path):
    """callout's first argument is a template written in the notebook, never text built from
    data (an f-string or a concatenation would let a segment name become Markdown)."""
    for src in code_cells(path):
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "callout":
                first = node.args[0]
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                    f"{path.name}: callout() needs a literal template, got {ast.unparse(first)}"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_inside_blocks_are_displayed(path):
    """Jupyter shows only a cell's last top-level expression: a helper called inside an ``if``
    or ``for`` must be wrapped in display(), or its output silently disappears."""
    for src in code_cells(path):
        tree = ast.parse(src)
        top = set(map(id, tree.body))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Expr)
                and id(node) not in top
                and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", None) in HELPERS
            ):
                raise AssertionError(f"{path.name}: wrap in display(): {ast.unparse(node)[:80]}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_declares_title_and_needs(path):
    meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    if path.name.startswith("06_"):
        pytest.skip("case-study notebook with its own data, run by params/telco.yaml")
    assert meta["cxm"]["title"]
    Needs.from_mapping(meta["cxm"].get("needs", {}))  # valid keys only


def test_notebooks_are_ruff_clean(repo_root):
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff not installed")
    proc = subprocess.run(
        [str(ruff), "check", "--no-cache", "notebooks"],
        cwd=repo_root,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------- the contract


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_holds_the_standard_parameters(path):
    """One cell tagged ``parameters``, plain assignments of literals (papermill reads them),
    with every standard parameter and only house names."""
    tree = ast.parse(parameters_cell(path))
    names = []
    for node in tree.body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, (
            f"{path.name}: the parameters cell holds only 'name = value' lines, "
            f"got {ast.unparse(node)[:60]}"
        )
        assert isinstance(node.targets[0], ast.Name)
        ast.literal_eval(node.value)  # a literal, so papermill can override it
        names.append(node.targets[0].id)
    missing = [p for p in STANDARD_PARAMETERS if p not in names]
    assert not missing, f"{path.name}: the parameters cell lacks {missing}"
    assert names[: len(STANDARD_PARAMETERS)] == list(STANDARD_PARAMETERS), (
        f"{path.name}: start the parameters cell with {list(STANDARD_PARAMETERS)} in that order"
    )
    for name in names:
        assert name not in NOT_HOUSE_NAMES, (
            f"{path.name}: parameter '{name}' should be called '{NOT_HOUSE_NAMES[name]}'"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_title_and_section_headings(path):
    """The first cell is the notebook's title as a level-2 heading (the report's title is
    level 1); later Markdown cells divide it into level-3 sections."""
    cs = cells(path)
    first = "".join(cs[0]["source"])
    assert cs[0]["cell_type"] == "markdown" and first.startswith("## "), (
        f"{path.name}: the first cell must be the title, '## Title'"
    )
    headings = [
        line
        for c in cs[1:]
        if c["cell_type"] == "markdown"
        for line in "".join(c["source"]).splitlines()
        if line.startswith("### ")
    ]
    assert headings, f"{path.name}: divide the notebook into sections with '### ' headings"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_definitions_in_code_cells(path):
    """Logic lives in the package: no def, lambda or class in a notebook."""
    for i, src in enumerate(code_cells(path)):
        for node in ast.walk(ast.parse(src)):
            kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
            assert not isinstance(node, kinds), (
                f"{path.name}, code cell {i}: move `{ast.unparse(node)[:60]}` into cxm_lab "
                "(notebooks call the package; they define nothing)"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_hand_drawn_charts(path):
    """Charts come from ``cxm_lab.plots`` (or ``drivers.plot_*``): a code cell may call those
    and ``plt.show()``, nothing else that draws (seaborn, pandas ``.plot``, ``plt.*``, or a
    method of an Axes or Figure)."""
    for i, src in enumerate(code_cells(path)):
        found = hand_drawing(src)
        assert not found, (
            f"{path.name}, code cell {i} draws by hand: {found}; move the chart into a "
            "documented function in cxm_lab/plots.py and call that"
        )


def test_hand_drawing_rule_catches_each_way_of_drawing():
    allowed = (
        "import matplotlib.pyplot as plt\n"
        "axes = plots.panels(2)\n"
        "plots.plot_nps_mix(t, ax=axes[1])\n"
        "drivers.plot_importance_performance(ip)\n"
        "plt.show()"
    )
    assert hand_drawing(allowed) == []
    for src in (
        "import seaborn as sns",
        "from matplotlib import pyplot",
        "fig, ax = plt.subplots()",
        "plt.tight_layout()",
        "sns.barplot(data=t, x='a', y='b')",
        "ax.set_title('x')",
        "axes[0].set_axis_off()",
        "fig.savefig('x.png')",
        "(100 * pivot).plot.barh()",
        "t.plot(x='a')",
    ):
        assert hand_drawing(src), src


# --------------------------------------------------------------------------- review findings


def _calls(path: Path, name: str) -> list[ast.Call]:
    """Every call of a function or method called ``name`` in the notebook's code cells."""
    found = []
    for src in code_cells(path):
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    found.append(node)
    return found


def _keywords(call: ast.Call) -> dict[str, str]:
    return {k.arg: ast.unparse(k.value) for k in call.keywords if k.arg}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_merge_suffixes_reach_a_table(path):
    """gforms_r2019 Table 17: merge suffixes gave headers "Weight shapley", "Ci low
    shapley"; name each method's columns (a prefix such as ``shapley_ci_low`` reads "Shapley
    95% CI low") instead."""
    for call in _calls(path, "merge") + _calls(path, "join"):
        assert "suffixes" not in _keywords(call), f"{path.name}: {ast.unparse(call)[:80]}"


def test_rejected_rows_table_says_when_there_are_none():
    """Data quality showed a header-only table when no row was rejected."""
    calls = [
        c
        for c in _calls(NOTEBOOK_DIR / "01_metrics.ipynb", "show_table")
        if "rejects" in ast.unparse(c.args[0])
    ]
    assert len(calls) == 1
    assert _keywords(calls[0]).get("empty") == "'No row was rejected.'"


def test_what_moved_note_knows_how_many_rows_the_summary_shows():
    """00_summary showed ``moved.head(12)`` under a note about every row of ``moved``."""
    path = NOTEBOOK_DIR / "00_summary.ipynb"
    notes = _calls(path, "what_moved_note")
    assert len(notes) == 1 and "shown" in _keywords(notes[0])
    tables = [c for c in _calls(path, "show_table") if ast.unparse(c.args[0]) == "shown"]
    assert len(tables) == 1  # the table shows the rows the note counts
    # and every row is in the table the note points to
    assert "### NPS change by group" in "".join(
        "".join(c["source"]) for c in cells(NOTEBOOK_DIR / "01_metrics.ipynb")
    )


def test_quotes_say_how_they_were_chosen():
    """00_summary said "Lowest-scoring comments" above quotes of a survey without a score."""
    path = NOTEBOOK_DIR / "00_summary.ipynb"
    text = "".join("".join(c["source"]) for c in cells(path) if c["cell_type"] == "markdown")
    assert "Lowest-scoring" not in text
    assert len(_calls(path, "quotes_lead")) == 1 and len(_calls(path, "select_quotes")) == 1
    lead, select = _calls(path, "quotes_lead")[0], _calls(path, "select_quotes")[0]
    assert ast.unparse(lead.args[0]) == ast.unparse(select.args[0])
    assert _keywords(lead) == _keywords(select)  # the text describes the same choice


def test_language_caption_names_the_agreement_column_only_when_it_is_there():
    """gforms_r2019 Table 12, typeform Table 5: "detector agreement with the survey language"
    captioned a table without that column (the export records no language)."""
    calls = [
        c
        for c in _calls(NOTEBOOK_DIR / "02_text.ipynb", "show_table")
        if "language_table" in ast.unparse(c.args[0])
    ]
    assert len(calls) == 1
    caption = next(k.value for k in calls[0].keywords if k.arg == "caption")
    assert isinstance(caption, ast.IfExp) and "language_recorded" in ast.unparse(caption.test)
    assert "detector agreement" in ast.unparse(caption.body)
    assert "detector agreement" not in ast.unparse(caption.orelse)


def test_trend_chart_is_drawn_only_with_two_periods():
    """02_text drew "Negative comments by … over time" with no point, or one quarter, left."""
    path = NOTEBOOK_DIR / "02_text.ipynb"
    src = next(s for s in code_cells(path) if "plot_share_trend" in s)
    assert "trend_table" in src and "trend.reason" in src


# --------------------------------------------------------------------------- executed on small data


def _prepared(tmp_path: Path, responses, **config) -> Path:
    """A run's prepared dataset (as :meth:`cxm_lab.io.Dataset.save` writes it) holding
    ``responses``, with ``config`` over the defaults the layout gives."""
    from cxm_lab.io import Dataset, default_config, derive_fields

    r = derive_fields(responses)
    cfg = {**default_config({"responses": r}), **config}
    return Dataset(tables={"responses": r}, reads=[], data_dir=tmp_path, config=cfg).save(
        tmp_path / "prepared"
    )


def _execute(name: str, data_dir: Path, tmp_path: Path, **parameters) -> list:
    """Run one notebook with papermill on ``data_dir``; every output it shows, as a reader
    sees it (:func:`html_fragments.parse_html` of its HTML; its Markdown when it has none,
    e.g. a skipped section's line)."""
    import nbformat

    from cxm_lab.io import load_dataset
    from cxm_lab.pipeline import execute_notebook

    dst = tmp_path / f"{name}.out.ipynb"
    params = {
        "data_dir": str(data_dir),
        "report_quarter": load_dataset(data_dir).report_quarter,
        "min_n": 30,
        "mask_pii": True,
        **parameters,
    }
    src = NOTEBOOK_DIR / f"{name}.ipynb"
    execute_notebook(src, dst, parameters=params, cwd=tmp_path, timeout=300)
    shown = []
    for cell in nbformat.read(dst, as_version=4).cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            shown.append(parse_html(data.get("text/html") or data.get("text/markdown") or ""))
    return shown


def _visible(shown: list) -> str:
    """The visible text of every output, one output a line."""
    return "\n".join("".join(f.text) for f in shown)


def _dated(quarter_days: list[str], n: int, seed: int = 0):
    """``n`` responses per date (one date per quarter): ``ltr`` 0-10, ``segment`` A/B and
    ``survey_type`` relationship/transactional with the same answers in each segment (no
    group differs), ``ease`` 1-5 and ``value`` 0-10 ratings that follow ``ltr``."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    frames = []
    for day in quarter_days:
        ltr = rng.integers(0, 11, n // 2)
        ease = np.clip(np.round(1 + ltr * 0.4 + rng.normal(0, 0.8, n // 2)), 1, 5)
        value = np.clip(np.round(ltr * 0.6 + rng.normal(0, 2, n // 2)), 0, 10)
        kind = np.where(np.arange(n // 2) % 4 == 0, "transactional", "relationship")
        for seg in ("A", "B"):  # the same answers in both groups
            frames.append(
                pd.DataFrame(
                    {
                        "response_date": pd.Timestamp(day),
                        "ltr": ltr.astype(float),
                        "segment": seg,
                        "survey_type": kind,
                        "ease": ease,
                        "value": value,
                    }
                )
            )
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "response_id", [f"R{i}" for i in range(len(out))])
    return out


@pytest.fixture(scope="module")
def one_period_summary(tmp_path_factory) -> str:
    """00_summary run on responses that are all in 2026Q3 (the Spanish R survey's case: all
    295 responses in 2018Q4), in two groups with identical answers (no priority)."""
    tmp = tmp_path_factory.mktemp("one_period")
    data = _prepared(tmp, _dated(["2026-08-01"], 240), dimensions=["segment"], drivers={})
    return _visible(_execute("00_summary", data, tmp, n_boot=50))


def test_one_period_claims_no_comparison(one_period_summary):
    """gforms_es_tsv: "The quarter in brief, 2018Q4 vs 2018Q3" though the data has no 2018Q3:
    the captions and tiles use the brief's period (None: nothing to compare with)."""
    text = one_period_summary
    assert "The quarter in brief, 2026Q3" in text and "Headline metrics, 2026Q3" in text
    assert "2026Q2" not in text
    assert "All responses are in 2026Q3" in text  # the brief says why nothing is compared
    path = NOTEBOOK_DIR / "00_summary.ipynb"
    (tiles,) = _calls(path, "tile_cards")
    assert _keywords(tiles)["previous"] == "the_brief.previous"
    # every caption that could claim a comparison
    phrases = [c for c in _calls(path, "period_phrase") if "previous" in _keywords(c)]
    assert len(phrases) == 2
    assert {_keywords(c)["previous"] for c in phrases} == {"the_brief.previous"}


def test_no_header_only_priorities_table(one_period_summary):
    """With no priority the brief's finding says what was looked for; no empty table under it."""
    assert "No priority stands out" in one_period_summary
    assert "evidence of a problem" not in one_period_summary  # the priorities caption


def test_drivers_on_different_scales_are_compared_as_percent_of_range(tmp_path):
    """gforms_r2019: three 1-5 questions and one 0-10 were averaged raw (the dashed line and
    "fix first" at 4.57). The notebook converts them (brief.comparable_ratings) and says so in
    the chart's axis and in the captions."""
    path = NOTEBOOK_DIR / "03_drivers.ipynb"
    converted = {ast.unparse(c.args[0]) for c in _calls(path, "comparable_ratings")}
    assert converted == {"top_cur", "cur"}
    # each on the scale declared (params scales:) or read from every response, not the period's
    for call in _calls(path, "comparable_ratings"):
        assert _keywords(call).get("scales") == "driver_scales", ast.unparse(call)
    (fit,) = _calls(path, "rating_scales")
    assert ast.unparse(fit.args[0]) == "responses" and _keywords(fit)["known"] == "ds.scales"
    for call in _calls(path, "importance_performance"):
        assert ast.unparse(call.args[0]) in {"rated", "rated_all"}, ast.unparse(call)
    (plot,) = _calls(path, "plot_importance_performance")
    assert _keywords(plot)["xlabel"] == "f'Performance ({drivers.performance_label(scales)})'"
    data = _prepared(
        tmp_path,
        _dated(["2026-05-01", "2026-08-01"], 240, seed=3),
        dimensions=["segment"],
        drivers={"ease": "Ease", "value": "Value <b>for</b> money"},
    )
    shown = _execute("03_drivers", data, tmp_path, n_boot=100)
    text = _visible(shown)
    assert "Drivers by segment" in text
    assert text.count("performance: mean rating, % of its scale's range") == 2  # group, type
    assert "The drivers use different scales (Ease 1–5, Value <b>for</b> money 0–10)" in text
    assert "b" not in [t for f in shown for t in f.tags]  # the label is escaped like any data


def test_one_scale_keeps_the_drivers_text(tmp_path):
    """All drivers on 1-5 (the demo's case): nothing converted, the captions as before."""
    r = _dated(["2026-08-01"], 240, seed=4)
    r["value"] = r["ease"].iloc[::-1].to_numpy()  # also 1-5
    data = _prepared(
        tmp_path, r, dimensions=["segment"], drivers={"ease": "Ease", "value": "Value"}
    )
    text = _visible(_execute("03_drivers", data, tmp_path, n_boot=100))
    assert "Drivers by segment" in text and "scale" not in text


#: What a LimeSurvey export's importer notes (among others), and a note that is markup.
LIMESURVEY_NOTES = [
    "40 incomplete responses rejected (submitdate empty: not completed)",
    "submitdate: 25 cells hold 1980-01-01 00:00:00 … read as no date",
    "<b>bold</b> *note*",
]


@pytest.fixture(scope="module")
def one_period_metrics(tmp_path_factory) -> list:
    """01_metrics run on one period's responses read from an export with importer notes."""
    tmp = tmp_path_factory.mktemp("metrics")
    r = _dated(["2026-08-01"], 60).drop(columns=["ease", "value"])
    data = _prepared(tmp, r, dimensions=[], drivers={}, notes={"results.csv": LIMESURVEY_NOTES})
    return _execute("01_metrics", data, tmp, n_boot=0)


def test_importer_notes_are_in_data_quality(one_period_metrics, tmp_path):
    """LimeSurvey: the 1980-01-01 placeholder read as no date and the 40 incomplete responses
    rejected were in manifest.json only; Data quality lists every note, escaped."""
    shown = one_period_metrics
    (table,) = [f for f in shown if "What the importer noted about each file" in "".join(f.text)]
    cells = [t.strip() for t in table.text if t.strip()]
    assert [c for c in cells if c != "results.csv"][-3:] == LIMESURVEY_NOTES
    assert cells.count("results.csv") == 3
    assert "b" not in table.tags  # shown as written, not as markup
    assert "No row was rejected." in _visible(shown)
    # the project's own tables have no notes: no such table
    r = _dated(["2026-08-01"], 60).drop(columns=["ease", "value"])
    plain = _prepared(tmp_path, r, dimensions=[], drivers={})
    assert "What the importer noted" not in _visible(_execute("01_metrics", plain, tmp_path))


def test_metrics_headline_claims_no_comparison_with_one_period(one_period_metrics):
    """gforms_es_tsv, Customer metrics: "Headline metrics, 2018Q4 vs 2018Q3" with no 2018Q3."""
    text = _visible(one_period_metrics)
    assert "Headline metrics, 2026Q3 (" in text and "vs 2026Q2" not in text
    assert "no data for the previous quarter (2026Q2) to compare with" in text


def test_rated_attributes_name_each_scale():
    """typeform Table 4 put a 0-10 mean beside 1-5 means with no scale: the table says each
    question's scale (summary.rating_means with brief.rating_scales, unit-tested there)."""
    (call,) = _calls(NOTEBOOK_DIR / "01_metrics.ipynb", "rating_means")
    assert _keywords(call).get("scales") == "scales"
    src = next(s for s in code_cells(NOTEBOOK_DIR / "01_metrics.ipynb") if "rating_means" in s)
    assert "scales = brief.rating_scales(responses, list(ds.drivers), known=ds.scales)" in src
    # the brief reads the same declared scales
    (call,) = _calls(NOTEBOOK_DIR / "00_summary.ipynb", "build_brief")
    assert _keywords(call).get("scales") == "ds.scales"


def test_rated_attributes_take_the_declared_scale(tmp_path):
    """LimeSurvey Rated attributes: items of a 1–9 grid whose answers in the report's rows ran
    1–8 or 2–9 were shown as 0–10, although init found 1–9 (review 2 #1). ``ease`` answered 2–4
    in both quarters is declared 1–7; ``value`` is answered 1–4 in 2026Q3 but 1–5 in 2026Q2, so
    read from every response it is 1–5 (from the period alone it would read 1–4)."""
    import numpy as np

    r = _dated(["2026-05-01", "2026-08-01"], 120, seed=5)
    q3 = r["response_date"] >= "2026-07-01"
    r["ease"] = np.clip(r["ease"], 2, 4)
    r["value"] = np.where(q3, np.clip(r["value"], 1, 4), np.clip(r["value"], 1, 5))
    data = _prepared(
        tmp_path, r, drivers={"ease": "Ease", "value": "Value"}, scales={"ease": [1, 7]}
    )
    shown = _execute("01_metrics", data, tmp_path, n_boot=0)
    (table,) = [f for f in shown if "Mean rating per attribute" in "".join(f.text)]
    cells = [t.strip() for t in table.text if t.strip()]
    # each attribute's cell is followed by its scale's
    assert cells[cells.index("Ease") + 1] == "1–7" and cells[cells.index("Value") + 1] == "1–5"
