"""The PDF as a reader pages through it (text per page from pdfplumber): every table caption
is on the page of its table's first rows, headers are never hyphenated, no page is left more
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
    """The page's text lines inside the text block, top to bottom, with size and boldness."""
    words = page.extract_words(extra_attrs=["size", "fontname"], keep_blank_chars=False)
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
        line["size"] = max(w["size"] for w in line["words"])
        # symbols (→, −) come from fallback fonts without a bold face: words with letters or
        # digits decide, where the line has any
        worded = [w for w in line["words"] if any(ch.isalnum() for ch in w["text"])]
        line["bold"] = all("Bold" in w["fontname"] for w in worded or line["words"])
    return lines


def caption_pages(pdf_path: Path) -> dict[int, dict]:
    """Per table number: the page of its caption and whether rows of the table follow the
    caption on that page (a line of table text, smaller than the caption, below it)."""
    found: dict[int, dict] = {}
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            lines = _lines(page)
            for i, line in enumerate(lines):
                m = CAPTION.match(line["text"])
                if not m or not line["bold"]:
                    continue
                size = line["size"]
                rest = [x for x in lines[i + 1 :] if x["size"] < size - 0.5]
                found[int(m.group(1))] = {
                    "page": number,
                    "header": any(x["bold"] for x in rest),
                    "rows": any(not x["bold"] for x in rest),
                }
    return found


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
    assert sorted(found) == list(range(1, N_TABLES + 1))
    alone = [k for k, f in found.items() if not (f["header"] and f["rows"])]
    assert alone == [], f"captions without their table on the same page: {alone}"
    with pdfplumber.open(many_tables) as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
    for k, f in found.items():  # the first data row is on the caption's page
        assert f"row-{k - 1}-0" in pages[f["page"] - 1], k


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
    res = run_report(ROOT / "params" / "demo.yaml", output_root=out, log=lambda s: None)
    return res.outputs["pdf"], res.directory


@pytest.mark.slow
def test_demo_captions_stay_with_their_tables(demo_pdf):
    found = caption_pages(demo_pdf[0])
    assert len(found) >= 20
    assert sorted(found) == list(range(1, len(found) + 1))  # numbered from 1, no gaps
    alone = {k: f["page"] for k, f in found.items() if not (f["header"] and f["rows"])}
    assert alone == {}, f"caption (table: page) without its table on the page: {alone}"


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
