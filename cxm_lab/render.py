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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from cxm_lab.config import ROOT
from cxm_lab.errors import RenderError

__all__ = [
    "RENDERERS",
    "RenderResult",
    "appendix_markdown",
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
                png = base64.b64decode(data["image/png"])
                (assets / name).write_bytes(png)
                parts.append(f"![](assets/{name}){{width={_image_width(png)}%}}")
            elif "text/markdown" in data:
                parts.append(data["text/markdown"])
    return "\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"


#: Width of the PDF's text block and the tallest a chart may be drawn, in cm: a taller chart is
#: narrowed so that it never leaves more than half a page blank when it moves to the next one.
TEXT_WIDTH_CM = 17.4
MAX_FIGURE_HEIGHT_CM = 12.5


def _image_width(png: bytes) -> int:
    """Width (% of the text block) at which a PNG is no taller than
    :data:`MAX_FIGURE_HEIGHT_CM` (100 for a wide chart)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        return 100
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    if width <= 0 or height <= 0:
        return 100
    full_height = TEXT_WIDTH_CM * height / width
    return max(40, min(100, int(100 * MAX_FIGURE_HEIGHT_CM / full_height)))


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
        The report's front matter (empty ones are left out). They are plain text, never
        markup: a title comes from the params file, which ``cxm-lab init`` fills from the
        export's file name, so each is escaped with :func:`cxm_lab.safe.markdown_text`
        (Pandoc and Quarto read front-matter strings as Markdown). The same text is the HTML
        ``<title>`` and the PDF's document title.

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
    ...     src = build_source(["## Skipped"], Path(d), title="Q3 <b>`#x`{=typst}")
    ...     print(src.read_text(encoding="utf-8").split("---")[1].splitlines()[1])
    title: CX report
    title: Q3 \\<b\\>\\`\\#x\\`\\{\\=typst\\}
    """
    from cxm_lab.safe import markdown_text

    out_dir.mkdir(parents=True, exist_ok=True)
    assets = out_dir / "assets"
    assets.mkdir(exist_ok=True)
    for name in ("rtl.lua", "report.css", "typst-header.typ"):
        shutil.copy(TEMPLATES / name, out_dir / name)
    # Front-matter strings are Markdown to Pandoc and Quarto: escaped, they are shown as the
    # text they are (no raw HTML/Typst, maths, links, or bidi controls); the HTML <title> and
    # the PDF's document title are derived from the same escaped text.
    front = {
        "title": markdown_text(title),
        "subtitle": markdown_text(subtitle) or None,
        "date": markdown_text(date) or None,
        "lang": "en",
        "papersize": "a4",
        "filters": ["rtl.lua"],
        "format": {
            "html": {"embed-resources": True, "css": "report.css", "toc": True, "toc-depth": 3},
            # The PDF opens with the executive brief, not a table of contents: the PDF's
            # bookmarks (from the headings) are its contents.
            "typst": {"toc": False, "include-in-header": "typst-header.typ", "papersize": "a4"},
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


def appendix_markdown(
    *,
    rows: Sequence[Mapping],
    reject_reasons: Sequence[Mapping] = (),
    notebooks: Sequence[Mapping] = (),
    sections: Sequence[Mapping] = (),
    source: str = "",
) -> str:
    """The report's last section: data quality, methods and formulas, definitions, and what
    the run showed or skipped (the manifest in words).

    Generated from the run's own records (the manifest's ``rows``, ``reject_reasons``,
    ``notebooks`` and ``sections``) and the static method text ``templates/methods.md``; every
    value from the data goes through :mod:`cxm_lab.report` / :mod:`cxm_lab.safe`.

    Parameters
    ----------
    rows : sequence of mapping
        Per file: ``file``, ``read``, ``used``, ``rejected``.
    reject_reasons : sequence of mapping
        Per reason: ``reason``, ``rows``.
    notebooks : sequence of mapping
        Per notebook: ``section`` (its title), ``status`` (shown / skipped), ``reason``.
    sections : sequence of mapping
        Per section: ``notebook``, ``section``, ``status``, ``reason``.
    source : str
        Where the data came from (the params' ``data_dir`` or the embedded demo).

    Returns
    -------
    str
        Markdown starting with ``## Appendix``.

    Examples
    --------
    >>> md = appendix_markdown(rows=[{"file": "r.csv", "read": 10, "used": 9, "rejected": 1}],
    ...                        reject_reasons=[{"reason": "ltr is not a number", "rows": 1}])
    >>> md.splitlines()[0], "10 rows read" in md, "NPS = % promoters" in md
    ('## Appendix', True, True)
    """
    import pandas as pd

    from cxm_lab import safe
    from cxm_lab.report import plural, show_table
    from cxm_lab.sections import reason_text

    parts = ["## Appendix", "### Data quality"]
    counts = pd.DataFrame(list(rows), columns=["file", "read", "used", "rejected"])
    read, used, rejected = (int(counts[c].sum()) for c in ("read", "used", "rejected"))
    parts.append(
        safe.md(
            "{read} read from {files}: {used:,} used and {rejected:,} rejected "
            "(read = used + rejected for every file){source}.",
            read=plural(read, "row"),
            files=plural(len(counts), "file"),
            used=used,
            rejected=rejected,
            source=f"; data: {source}" if source else "",
        )
    )
    if len(counts):
        parts.append(
            show_table(
                counts, caption="Rows read, used and rejected per file", flag_col=None
            )._repr_markdown_()
        )
    reasons = pd.DataFrame(list(reject_reasons), columns=["reason", "rows"])
    if len(reasons):
        parts.append(
            show_table(
                reasons,
                caption="Rejected rows per reason (a row with two problems counts under both)",
                flag_col=None,
            )._repr_markdown_()
        )
    parts.append((TEMPLATES / "methods.md").read_text(encoding="utf-8").strip())
    parts.append("### What this report shows")
    shown = [n for n in notebooks if n.get("status") == "shown"]
    skipped = [s for s in sections if s.get("status") != "shown"]
    parts.append(
        safe.md(
            "{shown:,} of {total:,} parts shown; {sections:,} sections shown and {skipped:,} "
            "skipped because the data cannot support them (the reason is given for each).",
            shown=len(shown),
            total=len(notebooks),
            sections=sum(s.get("status") == "shown" for s in sections),
            skipped=len(skipped),
        )
    )
    if notebooks:
        parts.append(
            show_table(
                pd.DataFrame(
                    [
                        (
                            n.get("section") or n.get("notebook"),
                            n.get("status"),
                            reason_text(n.get("reason")),
                        )
                        for n in notebooks
                    ],
                    columns=["part", "status", "reason"],
                ),
                caption="Parts of the report, shown or skipped",
                flag_col=None,
            )._repr_markdown_()
        )
    if skipped:
        parts.append(
            show_table(
                pd.DataFrame(
                    [
                        (s.get("notebook"), s.get("section"), reason_text(s.get("reason")))
                        for s in skipped
                    ],
                    columns=["part", "section", "reason"],
                ),
                caption="Sections skipped and why",
                flag_col=None,
            )._repr_markdown_()
        )
    return "\n\n".join(p.strip("\n") for p in parts) + "\n"


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
                        "--toc-depth=3",
                        "--section-divs",
                        "--css",
                        "report.css",
                        "--lua-filter",
                        "rtl.lua",
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
                        "--metadata=toc:false",
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
