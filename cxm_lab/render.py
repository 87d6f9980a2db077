"""Render executed report notebooks to one self-contained HTML file and one PDF.

The executed notebooks are combined into a single Quarto-native source, ``report.qmd``
(Quarto YAML front matter + Markdown, figures as PNG files beside it; code cells hidden,
outputs kept: Markdown from :mod:`cxm_lab.report` helpers and figures). Two routes render it:

``quarto``
    ``quarto render report.qmd --to html`` and ``--to typst`` (Quarto's Typst PDF), used
    whenever ``quarto`` is on PATH.
``pandoc-typst``
    The engines Quarto itself drives, from registry wheels: Pandoc (``pypandoc-binary``) writes
    the HTML (``--embed-resources``) and a Typst source; the ``typst`` wheel compiles the PDF with
    the Noto fonts. No TeX, no network.

Both routes read the same source with the same Lua filter (right-to-left spans to Typst).

Examples
--------
>>> choose_renderer("auto") in {"quarto", "pandoc-typst"}
True
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from cxm_lab.config import ROOT
from cxm_lab.errors import RenderError

__all__ = [
    "RENDERERS",
    "RenderResult",
    "build_source",
    "choose_renderer",
    "notebook_markdown",
    "render",
]

#: Lua filter, CSS and Typst header copied beside every report source.
TEMPLATES = ROOT / "cxm_lab" / "templates"
FONT_DIRS = ["/usr/share/fonts", "/usr/local/share/fonts"]
#: The renderer choices of a params file (``renderer:``).
RENDERERS = ("auto", "quarto", "pandoc-typst")


@dataclass
class RenderResult:
    """What a render produced: the route, why it was chosen, output paths and timings (s)."""

    route: str
    reason: str
    outputs: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def choose_renderer(renderer: str) -> str:
    """The route a render takes.

    Parameters
    ----------
    renderer : str
        One of :data:`RENDERERS`. ``"auto"``: Quarto when ``quarto`` is on PATH, else Pandoc +
        Typst.

    Returns
    -------
    str
        ``"quarto"`` or ``"pandoc-typst"``.

    Raises
    ------
    RenderError
        An unknown renderer, or ``"quarto"`` requested when it is not on PATH.

    Examples
    --------
    >>> choose_renderer("pandoc-typst")
    'pandoc-typst'
    """
    if renderer not in RENDERERS:
        raise RenderError(f"unknown renderer {renderer!r}; use one of {RENDERERS}")
    if renderer == "auto":
        return "quarto" if shutil.which("quarto") else "pandoc-typst"
    if renderer == "quarto" and not shutil.which("quarto"):
        raise RenderError(
            "renderer 'quarto' requested but quarto is not on PATH. Install Quarto (conda-forge "
            "'quarto', or 'pip install cxm-lab[quarto]' with internet) or use renderer: auto."
        )
    return renderer


def notebook_markdown(nb_path: Path, *, assets: Path, prefix: str) -> str:
    """Markdown of one executed notebook.

    Markdown cells as written, code hidden (the parameters cells too), outputs kept:
    ``text/markdown`` preferred, PNG figures saved under ``assets`` as
    ``<prefix>-figNN.png`` and linked as ``assets/<name>``.

    Parameters
    ----------
    nb_path : Path
        An executed notebook.
    assets : Path
        Folder for its figures (exists).
    prefix : str
        Start of the figure file names (the notebook's stem), so that notebooks do not clash.

    Returns
    -------
    str
        Markdown, ending with a newline.

    Raises
    ------
    RenderError
        The notebook holds a cell error (the pipeline stops before rendering one).

    Examples
    --------
    >>> from cxm_lab.config import NOTEBOOK_DIR
    >>> notebook_markdown(NOTEBOOK_DIR / "00_summary.ipynb", assets=Path("."),
    ...                   prefix="00").splitlines()[0]
    '## Executive summary'
    """
    nb = nbformat.read(nb_path, as_version=4)
    parts: list[str] = []
    k = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
            continue
        if (
            cell.cell_type != "code"
            or "parameters" in cell.metadata.get("tags", [])
            or "injected-parameters" in cell.metadata.get("tags", [])
        ):
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                raise RenderError(
                    f"{nb_path}: cell failed ({out.ename}: {out.evalue}); not rendering a broken report"
                )
            if out.output_type not in ("display_data", "execute_result"):
                continue
            data = out.get("data", {})
            if "image/png" in data:
                k += 1
                name = f"{prefix}-fig{k:02d}.png"
                (assets / name).write_bytes(base64.b64decode(data["image/png"]))
                parts.append(f"![](assets/{name}){{width=100%}}")
            elif "text/markdown" in data:
                parts.append(data["text/markdown"])
    return "\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"


def build_source(
    notebooks: Sequence[Path | str],
    out_dir: Path,
    *,
    title: str,
    subtitle: str = "",
    date: str = "",
) -> Path:
    """Combine executed notebooks into ``out_dir/report.qmd`` (+ ``assets/``), Quarto-native.

    Parameters
    ----------
    notebooks : sequence of Path or str
        In report order. A ``str`` is Markdown written by the run itself (the one line that
        stands in for a notebook the data cannot support), included as it is.
    out_dir : Path
        Folder of the source, its figures and the templates (created if needed).
    title, subtitle, date : str
        The report's front matter (empty ones are left out).

    Returns
    -------
    Path
        ``out_dir/report.qmd``.

    Raises
    ------
    RenderError
        An executed notebook holds a cell error.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     src = build_source(["## Skipped"], Path(d), title="CX report")
    ...     print(src.read_text(encoding="utf-8").split("---")[1].splitlines()[1])
    title: CX report
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    assets = out_dir / "assets"
    assets.mkdir(exist_ok=True)
    for name in ("rtl.lua", "report.css", "typst-header.typ"):
        shutil.copy(TEMPLATES / name, out_dir / name)
    front = {
        "title": title,
        "subtitle": subtitle or None,
        "date": date or None,
        "lang": "en",
        "toc": True,
        "toc-depth": 2,
        "papersize": "a4",
        "filters": ["rtl.lua"],
        "format": {
            "html": {"embed-resources": True, "css": "report.css", "toc": True},
            "typst": {"toc": True, "include-in-header": "typst-header.typ", "papersize": "a4"},
        },
    }
    front = {k: v for k, v in front.items() if v is not None}
    body = [
        nb
        if isinstance(nb, str)
        else notebook_markdown(Path(nb), assets=assets, prefix=Path(nb).stem)
        for nb in notebooks
    ]
    src = out_dir / "report.qmd"
    src.write_text(
        "---\n"
        + yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
        + "---\n\n"
        + "\n\n".join(body),
        encoding="utf-8",
    )
    return src


def _pandoc(args: list[str], cwd: Path) -> None:
    import pypandoc

    exe = pypandoc.get_pandoc_path()
    proc = subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RenderError(
            f"pandoc {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
        )


def render(
    source: Path, *, formats: Sequence[str], renderer: str = "auto", basename: str = "report"
) -> RenderResult:
    """Render ``source`` (from :func:`build_source`) to ``basename.html`` / ``basename.pdf``.

    Parameters
    ----------
    source : Path
        The combined ``report.qmd``; outputs are written beside it.
    formats : sequence of str
        ``"html"`` and/or ``"pdf"``.
    renderer : str
        One of :data:`RENDERERS` (see :func:`choose_renderer`).
    basename : str
        Output file name without suffix.

    Returns
    -------
    RenderResult
        The route, why it was chosen, the output paths and seconds per format.

    Raises
    ------
    RenderError
        An unknown format or renderer, or a failing engine (with its stderr).

    Examples
    --------
    >>> result = render(source, formats=["html"], renderer="pandoc-typst")  # doctest: +SKIP
    >>> result.outputs["html"].name                                        # doctest: +SKIP
    'report.html'
    """
    route = choose_renderer(renderer)
    reason = (
        "quarto found on PATH"
        if route == "quarto" and renderer == "auto"
        else "requested"
        if renderer != "auto"
        else "quarto not on PATH: Pandoc (pypandoc-binary) + Typst (typst wheel), the engines Quarto drives"
    )
    result = RenderResult(route=route, reason=reason)
    cwd = source.parent
    for fmt in formats:
        t0 = time.perf_counter()
        if fmt == "html":
            out = cwd / f"{basename}.html"
            if route == "quarto":
                _run_quarto(source, "html", out)
            else:
                _pandoc(
                    [
                        source.name,
                        "-f",
                        "markdown",
                        "-t",
                        "html5",
                        "--standalone",
                        "--embed-resources",
                        "--toc",
                        "--toc-depth=2",
                        "--css",
                        "report.css",
                        "--lua-filter",
                        "rtl.lua",
                        "--metadata",
                        "pagetitle=" + basename,
                        "-o",
                        out.name,
                    ],
                    cwd,
                )
        elif fmt == "pdf":
            out = cwd / f"{basename}.pdf"
            if route == "quarto":
                _run_quarto(source, "typst", out)
            else:
                typ = cwd / f"{basename}.typ"
                _pandoc(
                    [
                        source.name,
                        "-f",
                        "markdown",
                        "-t",
                        "typst",
                        "--standalone",
                        "--toc",
                        "--lua-filter",
                        "rtl.lua",
                        "--include-in-header",
                        "typst-header.typ",
                        "-o",
                        typ.name,
                    ],
                    cwd,
                )
                _compile_typst(typ, out)
        else:
            raise RenderError(f"unknown format {fmt!r}; use html and/or pdf")
        result.outputs[fmt] = out
        result.timings[fmt] = round(time.perf_counter() - t0, 3)
    return result


def _compile_typst(typ: Path, out: Path) -> None:
    import typst

    fonts = [d for d in FONT_DIRS if Path(d).is_dir()]
    try:
        typst.compile(str(typ), output=str(out), root=str(typ.parent), font_paths=fonts)
    except Exception as exc:  # the typst binding raises its own error types
        raise RenderError(f"typst could not compile {typ}: {exc}") from exc


def _run_quarto(source: Path, to: str, out: Path) -> None:
    proc = subprocess.run(
        ["quarto", "render", source.name, "--to", to, "--output", out.name],
        cwd=source.parent,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RenderError(
            f"quarto render --to {to} failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
        )
    if to == "typst" and not out.exists():
        # Quarto's typst format writes <stem>.pdf; move it to the requested name.
        produced = source.with_suffix(".pdf")
        if produced.exists():
            produced.replace(out)
