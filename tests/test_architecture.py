"""The house rules of ``docs/ARCHITECTURE.md``, checked on the code itself.

- the module dependency picture in the architecture doc is the one the imports draw, and it
  has no cycle;
- every module lists its public names in ``__all__``;
- every public function takes its options keyword-only (an argument with a default comes after
  ``*``) and has a numpydoc docstring with Parameters (when it has any), Returns (when it
  returns something) and Examples;
- paths and ``CXM_LAB_*`` variables are read in ``cxm_lab.config`` only, and intervals and the
  NPS categorisation are computed in ``cxm_lab.stats`` only.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import cxm_lab

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "cxm_lab"
DOC = ROOT / "docs" / "ARCHITECTURE.md"

MODULES = sorted(m.name for m in pkgutil.walk_packages(cxm_lab.__path__, "cxm_lab."))
# Command-line programs and build scripts: their public face is ``main``/argparse, not an API.
SCRIPTS = {"cxm_lab.text.build_model", "cxm_lab.text.finetune", "cxm_lab.cli"}


def _unit(module: str) -> str:
    """The unit of the dependency picture: a top-level module, or a subpackage as a whole."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _imports() -> dict[str, set[str]]:
    """Unit -> units it imports (any import of the package, at module level or inside a
    function: a lazy import is still a dependency)."""
    edges: dict[str, set[str]] = {}
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        mod = ".".join(rel.parts).removesuffix(".__init__")
        src = _unit(mod)
        edges.setdefault(src, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative import inside a subpackage
                    base = mod.split(".")[
                        : len(mod.split(".")) - node.level + (path.stem == "__init__")
                    ]
                    names = [".".join([*base, node.module or ""]).rstrip(".")]
                else:
                    names = [node.module or ""]
                    if node.module == "cxm_lab":
                        names = [f"cxm_lab.{a.name}" for a in node.names]
            for name in names:
                if name.startswith("cxm_lab.") and _unit(name) != src:
                    edges[src].add(_unit(name))
    return edges


def _ground() -> set[str]:
    """The ground-floor modules any module may import, left out of the picture: the doc names
    them in a ``<!-- ground: a b c -->`` comment."""
    m = re.search(r"<!-- ground: ([\w ]+) -->", DOC.read_text(encoding="utf-8"))
    assert m, "docs/ARCHITECTURE.md has no <!-- ground: ... --> line"
    return set(m.group(1).split())


def _documented() -> dict[str, set[str]]:
    """The edges of the mermaid picture in the architecture doc (``a --> b`` lines)."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert block, "docs/ARCHITECTURE.md has no ```mermaid block with the module picture"
    edges: dict[str, set[str]] = {}
    for a, b in re.findall(r"^\s*(\w+)\s*-->\s*(\w+)\s*$", block.group(1), re.M):
        edges.setdefault(a, set()).add(b)
    return edges


def test_dependency_picture_matches_the_imports() -> None:
    ground = _ground()
    code = {a: bs - ground for a, bs in _imports().items()}
    doc = _documented()
    assert not any(bs & ground for bs in doc.values()), "ground-floor modules are not drawn"
    missing = sorted(f"{a} --> {b}" for a, bs in code.items() for b in bs - doc.get(a, set()))
    extra = sorted(f"{a} --> {b}" for a, bs in doc.items() for b in bs - code.get(a, set()))
    assert not missing and not extra, (
        f"update the mermaid picture in docs/ARCHITECTURE.md: add {missing}, remove {extra}"
    )


def test_no_import_cycle() -> None:
    edges = _imports()
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                pytest.fail(f"import cycle: {' -> '.join([*path, node, nxt])}")
            if not state.get(nxt):
                visit(nxt, [*path, node])
        state[node] = 2

    for n in sorted(edges):
        if not state.get(n):
            visit(n, [])


def _public_functions():
    for name in MODULES:
        if name in SCRIPTS:
            continue
        mod = importlib.import_module(name)
        for fname in getattr(mod, "__all__", ()):
            obj = getattr(mod, fname)
            if inspect.isfunction(obj) and obj.__module__ == name:
                yield name, fname, obj


@pytest.mark.parametrize("name", MODULES)
def test_module_lists_its_public_names(name: str) -> None:
    mod = importlib.import_module(name)
    assert hasattr(mod, "__all__"), f"{name} has no __all__"
    missing = [n for n in mod.__all__ if not hasattr(mod, n)]
    assert not missing, f"{name}.__all__ names what the module does not define: {missing}"
    defined = [
        n
        for n, v in vars(mod).items()
        if not n.startswith("_")
        and (inspect.isfunction(v) or inspect.isclass(v))
        and getattr(v, "__module__", None) == name
    ]
    unlisted = sorted(set(defined) - set(mod.__all__))
    assert not unlisted, (
        f"{name} defines public {unlisted} outside __all__: list them, or make them private"
    )


def test_options_are_keyword_only() -> None:
    bad = []
    for mod, fname, f in _public_functions():
        for p in inspect.signature(f).parameters.values():
            if p.default is not p.empty and p.kind is p.POSITIONAL_OR_KEYWORD:
                bad.append(f"{mod}.{fname}({p.name}=...)")
    assert not bad, f"options must be keyword-only (put them after *): {bad}"


def test_public_functions_have_numpydoc() -> None:
    bad = []
    for mod, fname, f in _public_functions():
        doc = inspect.getdoc(f) or ""
        sig = inspect.signature(f)
        params = [p for p in sig.parameters if p not in ("self", "cls")]
        returns = sig.return_annotation not in ("None", "NoReturn", None, sig.empty)
        need = ["Examples"] + (["Parameters"] if params else []) + (["Returns"] if returns else [])
        lacking = [s for s in need if not re.search(rf"^{s}\n-+$", doc, re.M)]
        if lacking:
            bad.append(f"{mod}.{fname} lacks {', '.join(lacking)}")
    assert not bad, "public functions need numpydoc sections:\n" + "\n".join(bad)


@pytest.mark.parametrize(
    ("pattern", "home", "what"),
    [
        (r"Path\(__file__\)", {"config.py"}, "the project's folders come from cxm_lab.config"),
        (r"os\.environ[^\n]*CXM_LAB_", {"config.py"}, "CXM_LAB_* variables are read in config"),
        (
            r"proportion_confint|norm\.ppf|multipletests",
            {"stats.py"},
            "intervals and tests come from cxm_lab.stats",
        ),
        (r">= 9\b", {"stats.py"}, "the NPS categorisation is written once, in cxm_lab.stats"),
        (r"\.attrs\[", set(), "multi-part results are dataclasses, not DataFrame.attrs"),
    ],
)
def test_written_once(pattern: str, home: set[str], what: str) -> None:
    hits = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in sorted(PKG.rglob("*.py"))
        if p.name not in home
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(pattern, line) and not line.lstrip().startswith(("#", ">>>"))
    ]
    assert not hits, f"{what}; found at {hits}"
