"""Rendering without a kernel: executed notebooks (built here with nbformat, outputs from the real
display helpers) → one Quarto-native source → self-contained HTML and a Typst PDF."""

from __future__ import annotations

import base64
import io
import re
import shutil
import unicodedata

import matplotlib
import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader

from cxm_lab.errors import ParameterError, RenderError
from cxm_lab.render import _compile_typst, _pandoc, build_source, choose_renderer, render
from cxm_lab.report import quote_comments, show_table

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

QUOTES = pd.DataFrame(
    {
        "comment": [
            "پشتیبانی خیلی ضعیف است",
            "الدعم الفني سيء",
            "Поддержка отвечает медленно",
            "客服回复太慢",
            'Export broke: <script>alert("x")</script>',
        ],
        "language": ["fa", "ar", "ru", "zh", "en"],
    }
)


def png_bytes() -> bytes:
    fig, ax = plt.subplots(figsize=(3, 2), dpi=50)
    ax.bar(["a", "b"], [1, 2])
    ax.set_title("Tiny chart")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def output(obj) -> nbformat.NotebookNode:
    """A display_data output as Jupyter stores it for one of the cxm_lab display objects."""
    return new_output(
        "display_data",
        data={
            "text/html": obj._repr_html_(),
            "text/markdown": obj._repr_markdown_(),
            "text/plain": repr(obj),
        },
    )


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nb")
    png = png_bytes()
    table = show_table(
        pd.DataFrame({"segment": ["SMB", "Enterprise"], "n": [1200, 12], "small_n": [False, True]}),
        caption="Responses by segment",
    )
    nb = new_notebook(
        cells=[
            new_markdown_cell("## Rendered section\n\nSome *prose*."),
            new_code_cell(
                "data_dir = None",
                metadata={"tags": ["parameters"]},
                outputs=[new_output("execute_result", data={"text/markdown": "PARAMS-OUT"})],
            ),
            new_code_cell("secret_code_line = 1\nshow_table(...)", outputs=[output(table)]),
            new_code_cell("quote_comments(quotes)", outputs=[output(quote_comments(QUOTES))]),
            new_code_cell(
                "plt.show()",
                outputs=[
                    new_output("stream", name="stdout", text="STREAM-TEXT"),
                    new_output(
                        "display_data",
                        data={"image/png": base64.b64encode(png).decode(), "text/plain": "<Fig>"},
                    ),
                ],
            ),
        ]
    )
    path = tmp / "10_section.ipynb"
    nbformat.write(nb, path)
    return path, png


@pytest.fixture(scope="module")
def rendered(executed, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    src = build_source([executed[0]], out, title="Render test", subtitle="Q3", date="2026-10-05")
    return src, render(src, formats=["html", "pdf"], renderer="pandoc-typst")


def test_source_hides_code_and_keeps_outputs(rendered, executed):
    src, _ = rendered
    text = src.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Render test\n") and "format:" in text
    assert "## Rendered section" in text and "Responses by segment" in text
    assert "secret_code_line" not in text and "PARAMS-OUT" not in text  # code, parameters hidden
    assert "STREAM-TEXT" not in text  # stdout is not report content
    figs = re.findall(r"!\[\]\((assets/[^)]+\.png)\)", text)
    assert figs == ["assets/10_section-fig01.png"]
    assert (src.parent / figs[0]).read_bytes() == executed[1]


def test_html_is_self_contained_escaped_and_directional(rendered, executed):
    _, res = rendered
    html = res.outputs["html"].read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert 'src="assets/' not in html and "data:image/png;base64," in html
    assert base64.b64encode(executed[1]).decode()[:200] in html.replace("\n", "")
    for lang in ("fa", "ar"):
        span = re.search(rf'<span[^>]*lang="{lang}"[^>]*>', html)
        assert span and 'dir="rtl"' in span.group()
    assert re.search(r'<span[^>]*lang="ru"[^>]*>', html)
    assert res.route == "pandoc-typst" and res.reason == "requested"


def test_typst_source_and_pdf(rendered):
    src, res = rendered
    typ = (src.parent / "report.typ").read_text(encoding="utf-8")
    assert '#text(dir: rtl, lang: "fa")[' in typ and '#text(dir: rtl, lang: "ar")[' in typ
    reader = PdfReader(res.outputs["pdf"])
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() or "" for p in reader.pages))
    for s in ("Поддержка отвечает медленно", "客服回复太慢", "<script>", "Responses by segment"):
        assert s in text, s
    for s in ("پشتیبانی خیلی ضعیف است", "الدعم الفني سيء"):  # may be in visual order
        assert {c for c in s if c.isalpha()} <= set(text), s
    assert sum(len(p.images) for p in reader.pages) == 1  # the chart
    fonts = {
        str(f["/BaseFont"])
        for p in reader.pages
        for f in (p["/Resources"].get("/Font") or {}).values()
        if "/BaseFont" in f.get_object()
    }
    assert any("NotoSansArabic" in f or "NotoNaskhArabic" in f for f in fonts), fonts
    assert any("CJK" in f for f in fonts), fonts


def test_cell_error_is_not_rendered(tmp_path):
    nb = new_notebook(
        cells=[
            new_code_cell(
                "1/0",
                outputs=[
                    new_output(
                        "error", ename="ZeroDivisionError", evalue="division by zero", traceback=[]
                    )
                ],
            )
        ]
    )
    nbformat.write(nb, tmp_path / "bad.ipynb")
    with pytest.raises(RenderError, match=r"bad\.ipynb.*ZeroDivisionError: division by zero"):
        build_source([tmp_path / "bad.ipynb"], tmp_path / "out", title="x")


def test_engine_failures_raise_render_error_with_stderr(tmp_path):
    with pytest.raises(RenderError, match="pandoc .* failed") as err:
        _pandoc(["missing-input.md", "-o", "x.html"], tmp_path)
    assert "missing-input.md" in str(err.value)
    bad = tmp_path / "bad.typ"
    bad.write_text("#let x = (\n", encoding="utf-8")
    with pytest.raises(RenderError, match="typst could not compile"):
        _compile_typst(bad, tmp_path / "bad.pdf")


def test_route_selection_and_bad_arguments(rendered):
    with pytest.raises(RenderError, match="unknown renderer 'latex'"):
        choose_renderer("latex")
    assert choose_renderer("pandoc-typst") == "pandoc-typst"
    expected = "quarto" if shutil.which("quarto") else "pandoc-typst"
    assert choose_renderer("auto") == expected
    with pytest.raises(RenderError, match="unknown format 'docx'"):
        render(rendered[0], formats=["docx"], renderer="pandoc-typst")


def test_kpi_card_tone_colours_the_value_in_typst_and_html(tmp_path):
    import pypandoc

    from cxm_lab.render import TEMPLATES
    from cxm_lab.report import kpi_cards

    md = kpi_cards(
        [
            {"label": "NPS", "value": "34.2", "detail": "Below target 40", "tone": "bad"},
            {"label": "CSAT", "value": "81%", "detail": "On target", "tone": "good"},
            {"label": "CES", "value": "5.3", "detail": "No target"},
        ]
    )._repr_markdown_()
    lua = str(TEMPLATES / "rtl.lua")
    typ = pypandoc.convert_text(md, "typst", format="markdown", extra_args=["--lua-filter", lua])
    assert '#text(fill: rgb("#b42318"))[#strong[34.2]]' in typ
    assert '#text(fill: rgb("#1b7f5b"))[#strong[81%]]' in typ
    assert "#text(fill" not in typ.split("5.3")[0].split("81%]]")[-1]  # neutral: no colour
    html = pypandoc.convert_text(md, "html", format="markdown", extra_args=["--lua-filter", lua])
    assert '<span class="cxm-tone-bad"><strong>34.2</strong></span>' in " ".join(html.split())
    assert '<div class="cxm-kpis">' in html
    with pytest.raises(ParameterError, match="tone 'red'"):
        kpi_cards([{"label": "NPS", "value": "1", "tone": "red"}])


def test_appendix_counts_agree_with_their_nouns():
    """Every real export's appendix read "1,038 rows read from 1 files"."""
    from cxm_lab.render import appendix_markdown

    one = appendix_markdown(rows=[{"file": "a.csv", "read": 1038, "used": 1038, "rejected": 0}])
    assert "1\\,038 rows read from 1 file: 1\\,038 used" in one
    two = appendix_markdown(
        rows=[
            {"file": "a.csv", "read": 1, "used": 1, "rejected": 0},
            {"file": "b.csv", "read": 1, "used": 0, "rejected": 1},
        ]
    )
    assert "2 rows read from 2 files" in two
    single = appendix_markdown(rows=[{"file": "a.csv", "read": 1, "used": 1, "rejected": 0}])
    assert "1 row read from 1 file" in single


def test_appendix_reason_tables_show_no_literal_backticks():
    """Every real export's "Parts of the report" and "Sections skipped and why" tables showed
    "needs a `touchpoint` column" with the backticks: the reasons are Markdown code spans, but
    a table cell is escaped as data. Rendered with pandoc, the cells hold quoted names."""
    import pypandoc

    from cxm_lab.render import appendix_markdown
    from cxm_lab.sections import COLUMN_HINTS, _table_hint, record

    reasons = [COLUMN_HINTS["ltr"], "a `touchpoint` column", _table_hint("accounts")]
    rec = record("04_revenue", "Revenue at risk", reasons=reasons)
    md = appendix_markdown(
        rows=[{"file": "a.csv", "read": 1, "used": 1, "rejected": 0}],
        notebooks=[rec],
        sections=[rec],
    )
    html = pypandoc.convert_text(md, "html", format="markdown")
    # The tables only: the static methods text may show a params key as code (`reverse_scored:`).
    text = " ".join(" ".join(re.findall(r"<table.*?</table>", html, re.S)).split())
    assert "`" not in text and "<code>" not in text
    assert (
        text.count("needs a 0–10 likelihood-to-recommend score (rename the question to “ltr”") == 2
    )
    assert text.count("a “touchpoint” column; the accounts table (“accounts.csv” beside the export, "
                      "or “tables: {accounts: FILE}” in the params file)") == 2  # fmt: skip


HOSTILE_TITLES = {
    # `cxm-lab init` writes "Customer experience: <export file stem>" as the title.
    "typst": "Q3 `#rect(width: 100%, height: 20cm, fill: red)[PWNED]`{=typst}",
    "html": '`<img src=x onerror="document.title=1337">`{=html}',
    "raw tag": "<img src=x onerror=alert(1)> <script>alert(2)</script>",
    "maths": "$x^2$ and $$y$$",
    "link": "[click](javascript:alert(1))",
    "bidi": "report \u202eevil",
}


def _live_markup(html: str) -> list[str]:
    """Elements and attributes in ``html`` that would run or hide something: img/script/iframe
    elements, on* handlers, javascript: URLs, maths spans."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Scan(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in ("img", "script", "iframe", "object", "embed", "svg"):
                found.append(tag)
            for name, value in attrs:
                if name.startswith("on") or "javascript:" in (value or "").lower():
                    found.append(f"{tag} {name}={value}")
                if name == "class" and "math" in (value or ""):
                    found.append(f"{tag} maths")

    Scan().feed(html)
    return found


@pytest.mark.parametrize("kind", sorted(HOSTILE_TITLES))
def test_data_derived_title_renders_as_literal_text(kind, tmp_path):
    """The title (from the export's file name) was written unescaped into the YAML header,
    which Pandoc reads as Markdown: a live <img onerror> in the HTML <h1>, a red page from
    `...`{=typst} in the PDF, $x$ as maths, U+202E reversing the text. Now it is plain text in
    the <h1>, the HTML <title>, the Typst title block and the PDF's document title."""
    from html import unescape

    title = "Customer experience: " + HOSTILE_TITLES[kind]
    src = build_source(
        ["## Body\n\nText."], tmp_path, title=title, subtitle="Quarter <b>2026Q3</b>"
    )
    res = render(src, formats=["html", "pdf"], renderer="pandoc-typst")
    html = res.outputs["html"].read_text(encoding="utf-8")
    # What a reader sees: the title with only the hidden bidi control removed.
    shown = title.replace("\u202e", "")
    h1 = re.search(r'<h1 class="title">(.*?)</h1>', html, re.S).group(1)
    assert "<" not in h1 and unescape(" ".join(h1.split())) == shown
    page_title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert unescape(" ".join(page_title.split())) == shown
    assert '<p class="subtitle">Quarter &lt;b&gt;2026Q3&lt;/b&gt;</p>' in html
    assert _live_markup(html) == [] and "\u202e" not in html
    typ = (tmp_path / "report.typ").read_text(encoding="utf-8")
    head = typ.split("title: [", 1)[1].split("],\n", 1)[0]
    assert "\u202e" not in head and "#rect" not in head.replace("\\#rect", "")
    assert "$" not in head.replace("\\$", "")
    reader = PdfReader(res.outputs["pdf"])
    assert reader.metadata.title == shown
    assert "PWNED" not in kind or "[PWNED]" in reader.pages[0].extract_text().replace("\n", " ")
