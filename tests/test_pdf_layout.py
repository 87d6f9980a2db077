"""The PDF as a reader pages through it (text per page from pdfplumber): every table caption
is on the page of its table's first rows (captions, header and body cells are read from the
tagged PDF's structure, not from fonts), headers are never hyphenated, no page is left more
than half blank except before a new section, and page 1 of the demo holds the headline metric
and the priorities."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from cxm_lab.render import build_source, render
from cxm_lab.report import show_table

pdfplumber = pytest.importorskip("pdfplumber")

CAPTION = re.compile(r"^Table (\d+):")
#: The text block of the report's A4 pages (typst-header.typ: 2 cm top and bottom margins),
#: in PDF points from the top; the running header and the page number lie outside it.
BODY_TOP, BODY_BOTTOM = 57.0, 785.0
N_TABLES = 60


def _lines(page) -> list[dict]:
    """The page's text lines inside the text block, top to bottom."""
    words = page.extract_words(keep_blank_chars=False)
    lines: list[dict] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if not BODY_TOP - 2 <= w["top"] <= BODY_BOTTOM:
            continue
        if lines and abs(lines[-1]["top"] - w["top"]) < 2:
            lines[-1]["words"].append(w)
            continue
        lines.append({"top": w["top"], "words": [w]})
    for line in lines:
        line["text"] = " ".join(w["text"] for w in line["words"])
    return lines


def page_tables(page) -> list[dict]:
    """The tables with text on the page, from the tagged PDF's structure tree (Typst tags a
    table's caption, header cells and body cells as Caption, TH and TD), not from how the text
    looks: per table, its caption's text ("" where the caption is not on the page) and top,
    and whether header cells and body cells have text on the page."""
    every = page.extract_words(extra_attrs=["mcid"], keep_blank_chars=False)
    text: dict[int, list[dict]] = {}
    for w in every:
        if w.get("mcid") is not None:
            text.setdefault(w["mcid"], []).append(w)

    def own(node: dict) -> list[dict]:  # the node's words, less those of tables inside it
        out = [w for m in node.get("mcids") or [] for w in text.get(m, [])]
        kids = [c for c in node.get("children", []) if c.get("type") != "Table"]
        return out + [w for child in kids for w in own(child)]

    def has_table(node: dict) -> bool:
        return any(c.get("type") == "Table" or has_table(c) for c in node.get("children", []))

    # A table's caption is tagged inside its Table, or beside it (Div: Caption, Div: Table);
    # a table may sit inside the one before it: each Table is a table of its own.
    tables: list[dict[str, list[dict]]] = []

    def walk(node: dict, table: dict | None, role: str | None) -> None:
        kind, kids = node.get("type"), node.get("children", [])
        if kind == "Table":
            table, role = {"Caption": [], "TH": [], "TD": []}, None
            tables.append(table)
        elif kind in ("Caption", "TH", "TD"):
            role = kind
        if table is not None and role is not None:
            table[role] += [w for m in node.get("mcids") or [] for w in text.get(m, [])]
        caps = [c for c in kids if c.get("type") == "Caption"]
        rest = [c for c in kids if c.get("type") != "Caption"]
        if kind != "Table" and caps and any(c.get("type") == "Table" or has_table(c) for c in rest):
            before = len(tables)
            for child in rest:
                walk(child, table, role)
            owner = tables[before] if len(tables) > before else table
            for cap in caps:
                if owner is not None:
                    owner["Caption"] += own(cap)
            return
        for child in kids:
            walk(child, table, role)

    for node in page.structure_tree:
        walk(node, None, None)
    found = []
    for parts in tables:
        # the caption's first line: its tagged words, and the words beside them (pdfplumber
        # leaves the number and text of a caption untagged in some fonts)
        top = min((w["top"] for w in parts["Caption"]), default=None)
        line = [w for w in every if top is not None and abs(w["top"] - top) < 2]
        found.append(
            {
                "caption": " ".join(w["text"] for w in sorted(line, key=lambda w: w["x0"])),
                "top": top,
                "header": bool(parts["TH"]),
                "rows": bool(parts["TD"]),
            }
        )
    return found


def captions(pages: list[list[dict]]) -> list[dict]:
    """The numbered captions in reading order: per caption (a table's caption "Table N: …",
    from :func:`page_tables` of each page), its number, page and whether header cells and body
    cells of its table are on that page."""
    out = []
    for number, tables in enumerate(pages, 1):
        for table in sorted(tables, key=lambda t: t.get("top") or 0.0):  # top to bottom
            m = CAPTION.match(table["caption"])
            if m:
                out.append({"number": int(m.group(1)), "page": number} | table)
    return out


def caption_problems(found: list[dict], count: int | None = None) -> list[str]:
    """What is wrong with the captions: numbers not 1, 2, 3 … in reading order (``count`` of
    them, when given), and captions without their table's header and first rows on their
    page."""
    problems = []
    numbers = [f["number"] for f in found]
    expected = list(range(1, (len(found) if count is None else count) + 1))
    if numbers != expected:
        problems.append(f"captions numbered {numbers}, expected {expected}")
    alone = [(f["number"], f["page"]) for f in found if not (f["header"] and f["rows"])]
    if alone:
        problems.append(f"captions (table, page) without their table on the page: {alone}")
    return problems


def caption_pages(pdf_path: Path) -> list[dict]:
    """:func:`captions` of the PDF; a PDF without tags fails (there is nothing to check)."""
    with pdfplumber.open(pdf_path) as pdf:
        pages = [page_tables(page) for page in pdf.pages]
        assert any(page.structure_tree for page in pdf.pages), f"{pdf_path}: no tagged PDF"
    return captions(pages)


def page_fill(pdf_path: Path) -> list[tuple[float, str]]:
    """Per page: the share of the text block used (lowest text or image), and its first line."""
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            lines = _lines(page)
            bottoms = [max(w["bottom"] for w in x["words"]) for x in lines]
            bottoms += [im["bottom"] for im in page.images if im["top"] < BODY_BOTTOM]
            low = max(bottoms, default=BODY_TOP)
            share = (min(low, BODY_BOTTOM) - BODY_TOP) / (BODY_BOTTOM - BODY_TOP)
            out.append((share, lines[0]["text"] if lines else ""))
    return out


# --------------------------------------------------------------------------- a small report


@pytest.fixture(scope="module")
def many_tables(tmp_path_factory) -> Path:
    """Sixty captioned tables after paragraphs of varied length (steps of half a line), so that
    without the layout rules some captions would fall at the foot of a page; long tables that
    must break; header words that a narrow column would hyphenate."""
    tmp = tmp_path_factory.mktemp("layout")
    parts = ["## Layout check"]
    # a table without a caption first (like the headline cards): it takes no number
    parts.append(show_table(pd.DataFrame({"kpi": ["NPS"], "value": [12.5]}))._repr_markdown_())
    for k in range(N_TABLES):
        parts.append(" ".join(["It is a line of text to fill up the page."] * (1 + 5 * k % 23)))
        n = 3 if k % 11 else 70  # every eleventh table runs over a page
        frame = pd.DataFrame(
            {
                "dimension": [f"row-{k}-{i}" for i in range(n)],
                "segment": ["Mid-Market"] * n,
                "significant": ["no"] * n,
                "nps": [-3.25 + i for i in range(n)],
                "p_value": [1e-9] * n,
                "ci_low": [-12345.6] * n,
            }
        )
        parts.append(show_table(frame, caption=f"Check table {k}", flag_col=None)._repr_markdown_())
    src = build_source(["\n\n".join(parts)], tmp, title="Layout test")
    return render(src, formats=["pdf"], renderer="pandoc-typst").outputs["pdf"]


def test_every_caption_is_on_the_page_of_its_first_rows(many_tables):
    found = caption_pages(many_tables)
    assert caption_problems(found, N_TABLES) == []
    with pdfplumber.open(many_tables) as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
    for f in found:  # the first data row is on the caption's page
        assert f"row-{f['number'] - 1}-0" in pages[f["page"] - 1], f


def _table(caption: str = "", header: bool = True, rows: bool = True) -> dict:
    return {"caption": caption, "header": header, "rows": rows}


def test_caption_check_finds_wrong_numbers_and_captions_alone():
    """The check itself, on crafted page layouts (what :func:`page_tables` reads from a PDF):
    it passes a good layout and names each fault of a bad one."""
    good = [
        [_table(), _table("Table 1: Who answered")],  # a caption-less table takes no number
        [_table("Table 2: NPS by segment"), _table(rows=False)],  # a table's rest, next page
        [_table("Table 3: Themes")],
    ]
    assert caption_problems(captions(good), 3) == []
    skipped = [[_table("Table 1: a")], [_table("Table 3: b")]]
    assert caption_problems(captions(skipped)) == ["captions numbered [1, 3], expected [1, 2]"]
    twice = [[_table("Table 1: a"), _table("Table 1: b")], [_table("Table 2: c")]]
    assert "captions numbered [1, 1, 2]" in caption_problems(captions(twice))[0]
    assert caption_problems(captions(good), 4)  # a table's caption missing
    alone = [[_table("Table 1: a"), _table("Table 2: b", header=False, rows=False)]]
    assert caption_problems(captions(alone)) == [
        "captions (table, page) without their table on the page: [(2, 1)]"
    ]
    header_only = [[_table("Table 1: a", rows=False)], [_table(header=False)]]
    assert caption_problems(captions(header_only))
    body_text = [[_table("Check Table 1: a")]]  # not a caption's "Table N:" start
    assert captions(body_text) == []


def test_captions_are_read_from_the_pdf_structure_not_the_font(tmp_path):
    """The captions come from the tagged PDF (Caption, TH and TD in the structure tree): a
    body paragraph that begins "Table 2:" is not one, and a caption is found whatever font
    the report uses (the same document in another family and weight)."""
    frame = pd.DataFrame({"dimension": ["a", "b"], "nps": [1.0, 2.0]})
    md = "\n\n".join(
        [
            "## Part",
            "Table 2: a sentence of the body that looks like a caption.",
            show_table(frame, caption="First")._repr_markdown_(),
            show_table(frame, caption="Second")._repr_markdown_(),
        ]
    )
    src = build_source([md], tmp_path, title="Captions")
    pdf = render(src, formats=["pdf"], renderer="pandoc-typst").outputs["pdf"]
    found = caption_pages(pdf)
    assert [(f["number"], f["caption"]) for f in found] == [
        (1, "Table 1: First"),
        (2, "Table 2: Second"),
    ]
    assert caption_problems(found, 2) == []
    # the same source in a serif family, caption and header not bold: the same captions
    typ = next(tmp_path.rglob("typst-header.typ"))
    header = typ.read_text(encoding="utf-8").replace('weight: "bold"', 'weight: "regular"')
    header = header.replace('font: ("Noto Sans",', 'font: ("Liberation Serif",')
    typ.write_text(header, encoding="utf-8")
    other = render(src, formats=["pdf"], renderer="pandoc-typst").outputs["pdf"]
    with pdfplumber.open(other) as doc:
        words = doc.pages[0].extract_words(extra_attrs=["fontname"])
    fonts = {w["fontname"] for w in words if w["text"] in ("Table", "First", "Dimension")}
    assert all("Serif" in f and "Bold" not in f for f in fonts), fonts
    assert [(f["number"], f["page"]) for f in caption_pages(other)] == [(1, 1), (2, 1)]


def test_long_tables_break_with_their_header_repeated(many_tables):
    with pdfplumber.open(many_tables) as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
    spread = [i for i, t in enumerate(pages) if "row-0-" in t]
    assert len(spread) >= 2  # 70 rows do not fit one page
    for i in spread:
        assert "Dimension" in pages[i] and "95% CI low" in pages[i]


def test_headers_and_cells_are_not_hyphenated_and_numbers_typeset(many_tables):
    with pdfplumber.open(many_tables) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert re.search(r"\w-\n", text) is None, re.findall(r"\S*\w-\n\S*", text)[:5]
    for word in ("Dimension", "Significant", "Mid-Market", "p\u2011value", "NPS"):
        assert word in text, word
    assert "−12,345.6" in text and "< 0.001" in text and "−3.2" in text


def test_no_page_is_left_half_blank(many_tables):
    fill = page_fill(many_tables)
    low = [i + 1 for i, (share, _) in enumerate(fill[:-1]) if share < 0.5]
    assert low == [], [(p, round(fill[p - 1][0], 2)) for p in low]


# --------------------------------------------------------------------------- the demo report


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory) -> tuple[Path, Path]:
    from cxm_lab.config import ROOT
    from cxm_lab.pipeline import run_report

    out = tmp_path_factory.mktemp("demo-layout")
    # the checks read the PDF's structure tree, which the Typst wheel writes (tagged PDF);
    # Quarto, where it is on PATH, brings its own Typst, which may write none
    res = run_report(
        ROOT / "params" / "demo.yaml", renderer="pandoc-typst", output_root=out, log=lambda s: None
    )
    return res.outputs["pdf"], res.directory


@pytest.mark.slow
def test_demo_captions_stay_with_their_tables(demo_pdf):
    found = caption_pages(demo_pdf[0])
    assert len(found) >= 20
    assert caption_problems(found) == []  # numbered from 1 in order, no gaps, none alone


@pytest.mark.slow
def test_demo_pages_are_not_half_blank_except_before_a_section(demo_pdf):
    pdf, folder = demo_pdf
    source = (folder / "report.qmd").read_text(encoding="utf-8")
    sections = {" ".join(h.split()) for h in re.findall(r"^## (.+)$", source, flags=re.M)}
    fill = page_fill(pdf)
    low = [
        (i + 1, round(share, 2))
        for i, (share, _) in enumerate(fill[:-1])
        if share < 0.5 and fill[i + 1][1].rstrip(" #") not in sections
    ]
    assert low == [], f"pages more than half blank (page, share used): {low}"


@pytest.mark.slow
def test_demo_page_one_holds_the_headline_and_the_priorities(demo_pdf):
    from cxm_lab import metrics
    from cxm_lab.io import load_dataset

    pdf, folder = demo_pdf
    with pdfplumber.open(pdf) as doc:
        first = doc.pages[0].extract_text() or ""
    # the headline: the relationship survey's NPS in the report quarter, computed here
    ds = load_dataset(folder / "prepared")
    r = ds["responses"]
    cur = r[(r["quarter"] == ds.report_quarter) & (r["survey_type"] == "relationship")]
    headline = float(metrics.nps(cur)["nps"].iloc[0])
    assert "NPS" in first and f"{abs(headline):.1f}" in first, first[:400]
    assert "Priorities" in first, first[:800]


# --------------------------------------------------------------------------- the title block


@pytest.mark.parametrize(
    "title",
    [
        "Customer experience: results-survey945827-202004302207",  # limesurvey
        "Customer experience: CHKKK Housing developments W1 (Prolific - June 2021)_June 15, "
        "2023_11.20",  # qualtrics_chkkk
    ],
)
def test_title_block_is_not_justified(tmp_path, title):
    """Page 1 of the qualtrics and limesurvey reports spread "Customer        experience:"
    over a justified line before a long file name: every space of the title is one space."""
    src = build_source(["## Part\n\nSome text."], tmp_path, title=title, subtitle="Quarter 2021Q3")
    pdf = render(src, formats=["pdf"], renderer="pandoc-typst").outputs["pdf"]
    with pdfplumber.open(pdf) as doc:
        words = doc.pages[0].extract_words(extra_attrs=["size"])
    size = max(w["size"] for w in words)
    lines: dict[int, list[dict]] = {}
    for w in words:
        if w["size"] == size:  # the title's words
            lines.setdefault(round(w["top"]), []).append(w)
    assert len(lines) >= 2  # the title wraps, so a justified line would show
    gaps = [
        b["x0"] - a["x1"] for line in lines.values() for a, b in zip(line, line[1:], strict=False)
    ]
    assert gaps and max(gaps) < 0.5 * size, gaps
