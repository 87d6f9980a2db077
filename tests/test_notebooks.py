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
