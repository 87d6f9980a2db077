"""Notebooks stay thin and safe: lint-clean, no Markdown built from data, every display inside
a block shown explicitly, sections declared (their execution: nbval and test_pipeline.py)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cxm_lab.sections import Needs

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
HELPERS = {"show_table", "callout", "kpi_cards", "quote_comments"}


def code_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


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
