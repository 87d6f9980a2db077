"""Display helpers are safe with untrusted text (PII masking itself: test_privacy.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pypandoc
import pytest
from html_fragments import parse_html

from cxm_lab import report, safe
from cxm_lab.errors import ParameterError
from cxm_lab.report import (
    MONEY_FORMATS,
    callout,
    escape_markdown,
    kpi_cards,
    quote_comments,
    show_table,
)

TEMPLATES = Path(__file__).resolve().parents[1] / "cxm_lab" / "templates"
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "`#sys.exit()`{=typst}",
    "#set page(fill: red)",
    "$x$",
    "R&D <EMEA> *core*",
    "[x](javascript:alert(1))",
    "{=html}",
    "abc\u202eevil\u202c",
]

EVIL = '<script>alert("x")</script> [link](http://evil) **bold**'


def test_quotes_escape_html_and_markdown():
    d = pd.DataFrame({"comment": [EVIL], "language": ["en"]})
    q = quote_comments(d)
    assert "<script>" not in q._repr_html_() and "&lt;script&gt;" in q._repr_html_()
    md = q._repr_markdown_()
    assert "<script>" not in md and "\\<script\\>" in md and "\\[link\\]" in md


def test_rtl_quotes_carry_direction_and_language():
    d = pd.DataFrame(
        {"comment": ["پشتیبانی ضعیف است", "الدعم سيء", "Медленно"], "language": ["fa", "ar", "ru"]}
    )
    q = quote_comments(d)
    assert q._repr_html_().count('dir="rtl"') == 2 and 'lang="ru" dir="ltr"' in q._repr_html_()
    assert (
        '{lang="fa" dir="rtl"}' in q._repr_markdown_()
        and '{lang="ar" dir="rtl"}' in q._repr_markdown_()
    )


def test_quote_direction_follows_the_text_not_the_language_column():
    """N4: an English comment from a respondent listed as Persian was set right to left, and
    bidi-reordered ("too expensive (case 6)" became "(case 6) too expensive")."""
    d = pd.DataFrame(
        {
            "comment": [
                "too expensive (case 6) [click](javascript:x)",  # English, column says fa
                "خیلی گران است",  # Persian, column says en
                "«پشتیبانی» OK (case 7)",  # mixed: first strong character is Arabic script
                "OK «پشتیبانی»",  # mixed: first strong character is Latin
                "123 !!!",  # no strong character: the column decides
                "456 ???",  # neither: the browser decides
            ],
            "language": ["fa", "en", "ar", "ar", "he", None],
        }
    )
    q = quote_comments(d, max_rows=10)
    p = parse_html(q._repr_html_())
    quotes = [a for a in p.attrs if a[0] in ("lang", "dir")]
    assert quotes == [
        ("dir", "ltr"),  # lang fa dropped: it is not the language of this text
        ("dir", "rtl"),  # lang en dropped
        ("lang", "ar"),
        ("dir", "rtl"),
        ("dir", "ltr"),
        ("lang", "he"),
        ("dir", "rtl"),
        ("dir", "auto"),
    ]
    md = q._repr_markdown_()
    first, persian, mixed_rtl, mixed_ltr, digits, bare = md.split("\n\n")
    assert first.startswith("> too expensive") and "{" not in first  # no RTL span, no lang
    assert persian.startswith('::: {dir="rtl"}') and '[خیلی گران است]{dir="rtl"}' in persian
    assert mixed_rtl.startswith('::: {lang="ar" dir="rtl"}')
    assert mixed_ltr.startswith("> OK") and "{" not in mixed_ltr
    assert digits.startswith('::: {lang="he" dir="rtl"}')
    assert bare.startswith("> 456")


def test_quotes_mask_pii_by_default_and_skip_empty():
    d = pd.DataFrame(
        {
            "comment": ["call +1 (415) 555-0199 or a.b@example.com", None, "  "],
            "language": ["en", "en", "en"],
        }
    )
    html = quote_comments(d)._repr_html_()
    assert (
        "555-0199" not in html
        and "example.com" not in html
        and "[phone]" in html
        and "[email]" in html
    )
    assert html.count("<blockquote") == 1
    assert "555-0199" in quote_comments(d, mask_pii=False)._repr_html_()


def test_show_table_flags_small_groups_and_escapes_cells():
    d = pd.DataFrame(
        {
            "segment": ["<b>SMB</b>", "Enterprise"],
            "n": [1200, 12],
            "nps": [12.345, -3.0],
            "small_n": [False, True],
        }
    )
    t = show_table(d, caption="NPS", number_formats={"nps": "+.1f"})
    html, md = t._repr_html_(), t._repr_markdown_()
    assert "<b>SMB</b>" not in html and "&lt;b&gt;SMB&lt;/b&gt;" in html
    # negative numbers carry a real minus sign (U+2212), never an ASCII hyphen
    assert "1,200" in html and "+12.3" in html and "\u22123.0" in html and "-3.0" not in html
    assert html.count('class="cxm-flag"') == 1 and "⚠ small n" in md
    assert "small_n" not in md


def test_show_table_says_how_many_rows_are_left_out():
    t = show_table(pd.DataFrame({"x": range(60)}), max_rows=50)
    assert "10 more rows not shown" in t._repr_html_()


def test_escape_markdown_round_trip_with_pandoc():
    import pypandoc

    html = pypandoc.convert_text(escape_markdown(EVIL), "html", format="markdown")
    assert "<script>" not in html and "<strong>" not in html and "<a " not in html


def test_callout_and_kpis():
    assert "<strong>up</strong>" in callout("NPS is **up**")._repr_html_()
    k = kpi_cards([{"label": "NPS", "value": "14.9", "detail": "<i>x</i>"}])
    assert "&lt;i&gt;" in k._repr_html_() and "**14\\.9**" in k._repr_markdown_()


def test_show_table_headers_wrap_and_size_columns_by_content():
    d = pd.DataFrame({"change_low": [1.5], "label": ["a much longer cell text"]})
    md = show_table(d)._repr_markdown_().splitlines()
    assert md[0] == "| Change 95\\% CI low | Label |"  # human labels (column_label)
    # dash line: numeric right-aligned, width = 2 (cell padding) + longest header word (6)
    # vs cell "1.5" (3)
    assert md[1] == "|--------:|:" + "-" * (2 + len("a much longer cell text")) + "|"
    # an explicit display name is kept as given (markdown-escaped)
    renamed = show_table(d, columns={"change_low": "Low_95"})._repr_markdown_()
    assert renamed.splitlines()[0] == "| Low\\_95 |"


def _visible(md: str) -> str:
    p = parse_html(pypandoc.convert_text(md, "html", format="markdown"))
    return re.sub(r"\s+", " ", "".join(p.text)).strip()


def test_escape_markdown_is_the_safe_escaper():
    assert escape_markdown is safe.markdown_text


# --------------------------------------------------------------------------- quotes


def test_quote_languages_are_normalised_and_invalid_ones_dropped():
    d = pd.DataFrame(
        {
            "comment": ["Olá", "你好", "سلام", "Hello", "简体", "evil", "Service ok", "שלום"],
            "language": [
                "pt-BR",
                "zh-CN",
                "fa-IR",
                "English",
                "ZH-S",
                'fa" onerror="x',
                None,
                "iw",
            ],
        }
    )
    q = quote_comments(d, max_rows=10)
    html, md = q._repr_html_(), q._repr_markdown_()
    p = parse_html(html)
    langs = [v for k, v in p.attrs if k == "lang"]
    assert langs == ["pt-BR", "zh-CN", "fa-IR", "en", "zh-Hans", "he"]
    assert all(not k.startswith("on") for k, _ in p.attrs)
    assert [v for k, v in p.attrs if k == "dir"].count("rtl") == 2  # fa-IR, he
    # invalid and missing languages give no lang; the Latin text itself says left to right
    assert [v for k, v in p.attrs if k == "dir"].count("ltr") == 6
    # Markdown spans carry the primary subtag only: the form Typst's text(lang:) accepts
    spans = re.findall(r"\]\{([^}]*)\}", md)
    assert spans == [
        'lang="pt"',
        'lang="zh"',
        'lang="fa" dir="rtl"',
        'lang="en"',
        'lang="zh"',
        'lang="he" dir="rtl"',
    ]
    assert "onerror" not in md and "onerror" not in html


def test_quote_context_columns_take_display_labels_and_are_masked():
    d = pd.DataFrame(
        {
            "comment": ["Slow *again*"],
            "language": ["en"],
            "account_name": ["R&D <EMEA> *core*"],
            "contact": ["jane@example.com"],
            "ltr": [-1],
        }
    )
    q = quote_comments(d, columns={"account_name": "Account", "contact": "Contact", "ltr": "Score"})
    md, html = q._repr_markdown_(), q._repr_html_()
    assert "account_name" not in md and "account_name" not in html
    credit = md.splitlines()[1]
    assert credit.startswith("> — *Account\\: R\\&D \\<EMEA\\> \\*core\\*")
    assert "\\[email\\]" in md and "example.com" not in md and "example.com" not in html
    assert (
        _visible(md) == "Slow *again* — Account: R&D <EMEA> *core* · Contact: [email] · Score: −1"
    )
    seq = quote_comments(d, columns=["account_name"])._repr_markdown_()
    assert "Account\\:" in seq and "account" not in seq  # a sequence gets human labels


def test_quote_missing_column_is_a_parameter_error():
    d = pd.DataFrame({"comment": ["x"], "language": ["en"]})
    with pytest.raises(ParameterError, match=r"quote_comments: columns \['segment'\]"):
        quote_comments(d, columns=["segment"])
    with pytest.raises(ParameterError, match="'text'"):
        quote_comments(d, text="text")
    # no language column: quotes are shown without a language, in their text's direction
    q = quote_comments(d.drop(columns="language"))
    assert "lang=" not in q._repr_html_() and "lang=" not in q._repr_markdown_()
    assert '<blockquote dir="ltr">' in q._repr_html_()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_quote_payloads_stay_text(payload):
    d = pd.DataFrame({"comment": [payload], "language": ["en"], "segment": [payload]})
    q = quote_comments(d, columns=["segment"])
    p = parse_html(q._repr_html_())
    assert set(p.tags) <= {"div", "blockquote", "p", "footer"}
    out = pypandoc.convert_text(q._repr_markdown_(), "html", format="markdown")
    h = parse_html(out)
    assert set(h.tags) <= {"blockquote", "p", "span", "br", "em"}
    assert {k for k, _ in h.attrs} <= {"lang", "dir"}
    clean = safe.clean_text(payload)
    assert clean in "".join(h.text)


# --------------------------------------------------------------------------- callout


def test_callout_template_escapes_values():
    c = callout(
        "Fix first: **{names}** ({change:+.1f} points).",
        kind="warning",
        names="<img src=x onerror=alert(1)>, `#sys.exit()`{=typst}",
        change=-2.25,
    )
    md = c._repr_markdown_()
    assert md.startswith("::: {.callout-warning}\n") and md.endswith("\n:::\n")
    body = md.splitlines()[1]
    html = pypandoc.convert_text(body, "html", format="markdown")
    p = parse_html(html)
    assert p.tags == ["p", "strong"] and p.attrs == []
    assert re.sub(r"\s+", " ", "".join(p.text)).strip() == (
        "Fix first: <img src=x onerror=alert(1)>, `#sys.exit()`{=typst} (−2.2 points)."
    )
    notebook_html = parse_html(c._repr_html_())
    assert "img" not in notebook_html.tags and "strong" in notebook_html.tags
    assert 'class="cxm-callout cxm-warning"' in c._repr_html_()


def test_callout_kind_and_template_errors():
    with pytest.raises(ParameterError, match="kind must be one of note, warning, important, tip"):
        callout("x", kind="danger")
    with pytest.raises(ParameterError, match=r"\{segment\}"):
        callout("NPS of {segment}")
    with pytest.raises(ParameterError, match="not used"):
        callout("Plain text", segment="SMB")
    for kind in ("note", "warning", "important", "tip"):
        assert f".callout-{kind}" in callout("ok", kind=kind)._repr_markdown_()
        assert f".callout-{kind}" in callout("{x}", kind=kind, x=1)._repr_markdown_()


def test_callout_without_values_keeps_trusted_markdown():
    md = callout("**Observational, not causal.** Literal {{braces}}.")._repr_markdown_()
    assert "**Observational, not causal.** Literal {braces}." in md


# --------------------------------------------------------------------------- tables


def test_show_table_cells_starting_with_minus_are_not_lists():
    d = pd.DataFrame(
        {"segment": ["-2+3", "- item", "1. x", "+ y"], "change": [-3.0, 1.0, -0.04, 2.0]}
    )
    md = show_table(d, number_formats={"change": "+.1f"})._repr_markdown_()
    html = pypandoc.convert_text(md, "html", format="markdown")
    p = parse_html(html)
    assert "ul" not in p.tags and "ol" not in p.tags and "table" in p.tags
    cells = [t for t in (x.strip() for x in p.text) if t]
    assert cells == [
        "Segment", "Change", "-2+3", "−3.0", "- item", "+1.0", "1. x", "+0.0", "+ y", "+2.0",
    ]  # fmt: skip
    assert re.search(r'<td style="text-align: right;">−3\.0</td>', html)  # still right-aligned


def test_show_table_column_labels_and_caption_are_escaped():
    d = pd.DataFrame({"a": [1], "b": ["x"]})
    t = show_table(d, caption="<b>R&D</b> *core*", columns={"a": "<i>NPS</i>", "b": "$x$"})
    html, md = t._repr_html_(), t._repr_markdown_()
    assert "<i>" not in html and "&lt;i&gt;NPS&lt;/i&gt;" in html and "&lt;b&gt;R&amp;D" in html
    assert _visible(md).startswith("<b>R&D</b> *core* <i>NPS</i> $x$")
    with pytest.raises(ParameterError, match=r"show_table: columns \['c'\]"):
        show_table(d, columns=["c"])


# --------------------------------------------------------------------------- rendering


def test_render_payloads_to_html_and_typst_pdf(tmp_path):
    """Every helper's Markdown with every payload, through Pandoc (with the report's Lua filter)
    to HTML and to Typst, and the Typst compiled: it compiles, and no live tag survives."""
    typst = pytest.importorskip("typst")
    n = len(PAYLOADS)
    langs = ["pt-BR", "zh-CN", "fa-IR", "English", "ZH-S", 'fa" onerror="x', "EN-GB", "ar", "xx"]
    frame = pd.DataFrame(
        {
            "segment": PAYLOADS,
            "nps": [(-1) ** i * 10.5 for i in range(n)],
            "comment": PAYLOADS,
            "language": langs[:n],
        }
    )
    parts = [
        "## Render check",
        show_table(frame[["segment", "nps"]], caption=PAYLOADS[0])._repr_markdown_(),
        quote_comments(frame, columns={"segment": "Segment"}, max_rows=n)._repr_markdown_(),
        *(callout("Segment **{s}** moved {v:+.1f}.", kind="important", s=p, v=-1.5)._repr_markdown_()
          for p in PAYLOADS),
        kpi_cards([{"label": p, "value": p, "detail": p} for p in PAYLOADS[:3]])._repr_markdown_(),
    ]  # fmt: skip
    src = tmp_path / "doc.md"
    src.write_text("\n\n".join(parts), encoding="utf-8")
    lua = str(TEMPLATES / "rtl.lua")
    html = pypandoc.convert_file(
        str(src), "html", format="markdown", extra_args=["--lua-filter", lua]
    )
    p = parse_html(html)
    assert not {"script", "img", "iframe", "object", "style"} & set(p.tags), set(p.tags)
    # the only links are the headings' own anchors (rtl.lua), never one from the data
    assert [v for k, v in p.attrs if k == "href"] == ["#render-check"]
    assert all(not k.startswith("on") for k, _ in p.attrs)
    assert all("javascript:" not in (v or "") for _, v in p.attrs)
    text = "".join(p.text)
    for payload in PAYLOADS:
        assert safe.clean_text(payload) in text, payload
    typ = pypandoc.convert_file(
        str(src),
        "typst",
        format="markdown",
        extra_args=[
            "--standalone",
            "--lua-filter",
            lua,
            "--include-in-header",
            str(TEMPLATES / "typst-header.typ"),
        ],
    )
    assert "#sys.exit" not in typ.replace("\\#sys.exit", "")
    out = tmp_path / "doc.typ"
    out.write_text(typ, encoding="utf-8")
    typst.compile(str(out), output=str(tmp_path / "doc.pdf"), font_paths=["/usr/share/fonts"])
    from pypdf import PdfReader

    reader = PdfReader(tmp_path / "doc.pdf")
    pdf_text = re.sub(r"\s+", "", "".join(pg.extract_text() or "" for pg in reader.pages))
    for payload in ("#set page(fill: red)", "`#sys.exit()`{=typst}", "R&D <EMEA> *core*", "$x$"):
        assert re.sub(r"\s+", "", payload) in pdf_text, payload


def test_show_table_template_formats_keep_percent_points_and_true_minus():
    """A 0–100 share shown with its % sign (no second ×100), text around the number, a real
    minus sign, and text cells untouched by a numeric template."""
    d = pd.DataFrame({"group": ["a", "b"], "churn_rate": [12.345, 0.04], "change": [-3.25, 2.0]})
    html = show_table(
        d, number_formats={"churn_rate": "{:.1f}%", "change": "{:+.1f} pts", "group": "{:.1f}%"}
    )._repr_html_()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert cells == ["a", "12.3%", "−3.2 pts", "b", "0.0%", "+2.0 pts"]


def test_p_values_read_as_less_than_one_in_a_thousand():
    d = pd.DataFrame({"p_value": [6.5e-206, 0.0004, 0.0005, 0.04213, float("nan")]})
    cells = re.findall(
        r"<td[^>]*>(.*?)</td>", show_table(d, number_formats={"p_value": "p"})._repr_html_()
    )
    assert cells == ["&lt; 0.001", "&lt; 0.001", "0.001", "0.042", "–"]


def test_money_formats_cover_the_revenue_columns():
    assert MONEY_FORMATS["revenue"] == ",.0f" and MONEY_FORMATS["expected_loss"] == ",.0f"
    assert set(MONEY_FORMATS.values()) == {",.0f"}


def test_show_table_shows_survey_type_codes_as_words_and_still_escapes_them():
    frame = pd.DataFrame(
        {"survey_type": ["in_the_moment", "relationship", "<b>x_y</b>"], "nps": [1.0, 2.0, 3.0]}
    )
    table = show_table(frame)
    md, html = table._repr_markdown_(), table._repr_html_()
    assert "in\\-the\\-moment" in md and "in\\_the\\_moment" not in md  # Markdown-escaped
    assert "in-the-moment" in html and "in_the_moment" not in html
    assert "<b>" not in html and "&lt;b&gt;x-y&lt;/b&gt;" in html
    # a format the caller gives wins; other columns keep their underscores
    kept = show_table(frame.assign(note="a_b"), number_formats={"survey_type": "s"})
    assert "in\\_the\\_moment" in kept._repr_markdown_() and "a\\_b" in kept._repr_markdown_()


def test_long_tables_show_the_rows_of_a_code_column_in_words():
    """A respondent profile lists survey_type among its dimensions: those rows read
    "survey type" / "in-the-moment"; other dimensions and their values stay as they are, and
    every cell is still escaped."""
    from cxm_lab import summary

    df = pd.DataFrame(
        {
            "survey_type": ["in_the_moment", "relationship", "in_the_moment", "<i>a_b</i>"],
            "segment": ["Mid_Market", "SMB", "SMB", "SMB"],
        }
    )
    prof = summary.respondent_profile(df, dims=["survey_type", "segment"])
    table = show_table(prof, flag_col=None)
    md, html = table._repr_markdown_(), table._repr_html_()
    assert "in-the-moment" in html and "in_the_moment" not in html
    assert "survey type" in html and "survey_type" not in html
    assert "Mid_Market" in html and "segment" in html  # not a code column: unchanged
    assert "<i>" not in html and "&lt;i&gt;a-b&lt;/i&gt;" in html
    assert "in\\-the\\-moment" in md and "Mid\\_Market" in md
    # the same frame without a code dimension comes back unchanged
    plain = prof[prof["dimension"] == "segment"]
    assert "Mid\\_Market" in show_table(plain, flag_col=None)._repr_markdown_()


def test_a_wide_table_gives_each_column_at_least_its_longest_word():
    """Pandoc shares a wide table's width by the dashes of its separator line: the short
    one-word column of a priorities table ("unassigned") keeps room for that word (PDF tables
    never hyphenate); a very long word cannot take the table."""
    frame = pd.DataFrame(
        {
            "fix": ["Driver: compared with other technical topics and tools"] * 2,
            "owner": ["unassigned", "unassigned"],
            "evidence": ["4% of explained variance; rated 2.92 vs 4.57 average, costs 3.7"] * 2,
            "uncertainty": ["importance 95% CI 0.1 to 23% of the explained variance"] * 2,
            "link": ["https://example.com/" + "x" * 120, "y"],
        }
    )
    md = show_table(frame, flag_col=None)._repr_markdown_()
    sep = next(line for line in md.splitlines() if line.startswith("|:"))
    dashes = [cell.count("-") for cell in sep.strip("|").split("|")]
    share = [d / sum(dashes) for d in dashes]
    assert share[1] >= (len("unassigned") + 2) / report.TABLE_LINE_CHARS  # owner
    assert share[4] <= 40 / report.TABLE_LINE_CHARS + 0.01  # the URL column is capped
    assert 100 <= sum(dashes) <= 130
    # a narrow table keeps its natural widths (Pandoc sizes it itself)
    small = show_table(pd.DataFrame({"a": ["x"], "b": ["y"]}), flag_col=None)._repr_markdown_()
    assert "|:---|:---|" in small.replace(" ", "")


def test_a_table_too_wide_for_its_words_keeps_every_column_and_breaks_long_words():
    """Hostile review, gforms Table 2: with long unbroken words in the group values, the
    columns' longest words needed more than the line, the first columns took it all and every
    other column got 3 dashes: "Dimension" and "Group" printed on top of each other. Now each
    column keeps at least its header's longest word, and a word longer than its column gets
    zero-width break opportunities instead of overprinting the next one."""
    url = "https://example.com/" + "y" * 60
    frame = pd.DataFrame(
        {
            "Dimension": ["primary_reason_why_you_learned_R_question_text", "Shiny"],
            "Group": [url, "It was required for my work"],
            "n previous": [472, 219],
            "n": [52, 30],
            "NPS previous": [67.8, 71.7],
            "NPS": [76.9, 80.0],
            "Change": [9.1, 8.3],
            "Change 95% CI low": [-5.4, -10.0],
            "Change 95% CI high": [23.7, 26.7],
            "p-value": [0.219, 0.375],
            "Adjusted p": [1.0, 1.0],
            "Significant": ["no", "no"],
            "Flag": ["", ""],
        }
    )
    md = show_table(frame, flag_col=None, columns={c: c for c in frame.columns})._repr_markdown_()
    lines = md.splitlines()
    sep = next(line for line in lines if line.startswith("|:"))
    dashes = [cell.count("-") for cell in sep.strip("|").split("|")]
    line = report.table_line_chars(len(frame.columns))  # 13 columns: 6.7 pt type
    chars = [d * line / sum(dashes) for d in dashes]  # per column
    for j, name in enumerate(frame.columns):
        # every column holds its values' words up to UNBROKEN characters and cell padding
        # (2); the header words of these 13 columns alone (108 characters) cannot all fit
        # beside them in the 110-character line, so headers may break, values never
        value = max(len(w) for v in frame[name].astype(str) for w in [*v.split(), ""])
        assert chars[j] >= min(value, report.UNBROKEN) + 2 - 0.5, (name, dashes)
    assert dashes[1] >= dashes[3]  # the long-worded Group column is not squeezed below "n"
    # Every piece of a word (split at spaces and the zero-width breaks) fits its column.
    for row in lines[lines.index(sep) + 1 :]:
        cells = [c.strip().replace("\\", "") for c in row.strip("|").split(" | ")]
        for j, cell in enumerate(cells):
            for piece in re.split(r"[\s\u200b]+", cell):
                assert len(piece) <= chars[j] - 2 + 0.5, (frame.columns[j], piece)
    # The reader still sees the whole text: the breaks are invisible.
    shown = _visible(md).replace("\u200b", "")
    assert url in shown and "primary_reason_why_you_learned_R_question_text" in shown
    assert "It was required for my work" in shown


def test_a_wide_table_of_numbers_breaks_header_words_and_never_a_value():
    """Hostile re-review, demo Table 3 (headline metrics, 15 columns): with breaks sized by the
    headers, values printed as "25./8" and "relati/onship"; before any breaks, "NPS" and
    "relationship" overprinted. The values' words (96 characters with padding) fit the
    110-character line, so no value gets a break; the long header words take what is left."""
    frame = pd.DataFrame(
        {
            "Metric": ["NPS", "CSAT (top-2 %)", "CES (mean 1–7)"],
            "Survey type": ["relationship", "transactional", "in-the-moment"],
            "Value": [34.2, 77.8, 5.2],
            "95% CI low": [25.8, -16.7, 5.1],
            "95% CI high": [42.6, 81.2, 5.4],
            "SE": [4.3, 1.8, 0.1],
            "n": [357, 514, 215],
            "Previous": [39.2, 77.1, 5.3],
            "Change": [-5.0, -0.4, 0.1],
            "SE change": [5.8, 2.6, 0.1],
            "p-value": [0.390, 0.776, 0.347],
            "Small n": ["no", "no", "no"],
            "Significant": ["no", "no", "no"],
            "Target": [40.0, 80.0, 5.0],
            "Attained": ["no", "yes", "–"],
        }
    )
    md = show_table(frame, flag_col=None, columns={c: c for c in frame.columns})._repr_markdown_()
    lines = md.splitlines()
    sep = next(line for line in lines if line.startswith("|:"))
    dashes = [cell.count("-") for cell in sep.strip("|").split("|")]
    chars = [d * report.table_line_chars(len(frame.columns)) / sum(dashes) for d in dashes]
    body = lines[lines.index(sep) + 1 :]
    assert "\u200b" not in "\n".join(body)  # no value is broken
    for row in body:
        cells = [c.strip().replace("\\", "") for c in row.strip("|").split(" | ")]
        for j, cell in enumerate(cells):
            for word in cell.split():  # each word fits its column with the padding
                assert len(word) + 2 <= chars[j] + 0.5, (frame.columns[j], word, dashes)
    # set in the wide tables' 6.2 pt type, its header words fit whole too ("Significant")
    assert "\u200b" not in md
    head = lines[lines.index(sep) - 1]
    for j, cell in enumerate(c.strip() for c in head.strip("|").split(" | ")):
        for word in cell.replace("\\", "").split():
            assert len(word) + 2 <= chars[j] + 0.5, (frame.columns[j], word, dashes)


def test_table_line_follows_the_wide_table_type_of_the_typst_template():
    """show_table sizes columns for the type the PDF sets a table in: the template's sizes by
    column count and report.WIDE_TABLE_TYPE must agree."""
    from cxm_lab.config import ROOT

    typ = (ROOT / "cxm_lab" / "templates" / "typst-header.typ").read_text(encoding="utf-8")
    rule = re.search(
        r"if n > (\d+) \{ ([\d.]+)pt \} else if n > (\d+) \{ ([\d.]+)pt \} else \{ ([\d.]+)pt", typ
    )
    assert rule, "the wide-table rule of typst-header.typ changed: update report.WIDE_TABLE_TYPE"
    wide, wide_pt, mid, mid_pt, normal_pt = rule.groups()
    assert report.WIDE_TABLE_TYPE == ((int(wide), float(wide_pt)), (int(mid), float(mid_pt)))
    assert report.TABLE_TYPE_PT == float(normal_pt)
    # 110 characters at 7.5 pt: 110 × 7.5 / 6.2 = 133.06 at 14+ columns, × 7.5 / 6.7 = 123.1
    assert [report.table_line_chars(n) for n in (10, 11, 13, 14)] == [110, 123, 123, 133]


# --------------------------------------------------------------------------- review findings


def test_plural_makes_the_noun_agree_with_its_count():
    """ "1,038 rows read from 1 files", "370 comments in 1 languages": one helper for every
    count and noun of the report's sentences."""
    assert report.plural(1, "file") == "1 file"
    assert report.plural(0, "file") == "0 files"
    assert report.plural(2, "language") == "2 languages"
    assert report.plural(1038, "row") == "1,038 rows"
    assert report.plural(1, "driver rating") == "1 driver rating"
    assert report.plural(2, "analysis", many="analyses") == "2 analyses"


def test_sections_needs_agree_with_their_counts():
    """starwars: "responses from at least 1 quarters"; qualtrics: "needs at least 1 driver
    ratings" (cxm_lab.sections.missing, whose phrases use report.plural)."""
    from cxm_lab.io import Dataset
    from cxm_lab.sections import Needs, missing

    ds = Dataset(
        tables={"responses": pd.DataFrame({"ltr": [9]})}, reads=[], data_dir=".", config={}
    )
    assert missing(ds, Needs(periods=1)) == [
        "responses from at least 1 quarter (this data has none: no response dates)"
    ]
    assert missing(ds, Needs(drivers=1)) == [
        "at least 1 driver rating (`drivers:` in the params file; this data has 0)"
    ]
    assert missing(ds, Needs(periods=2))[0].startswith("responses from at least 2 quarters")


def test_show_table_says_so_instead_of_an_empty_table():
    """Data quality: 0 rejects gave a header-only table under "here is every rejected row"."""
    empty = pd.DataFrame({"file": [], "row": [], "reason": []})
    t = show_table(empty, caption="Rejected rows and why", empty="No row was rejected.")
    assert t._repr_markdown_() == "No row was rejected\\.\n"
    assert t._repr_html_() == "<p>No row was rejected.</p>"
    # the sentence is data, escaped like any cell
    evil = show_table(empty, empty="<b>none</b> *x*")
    assert "<b>" not in evil._repr_html_() and "\\*x\\*" in evil._repr_markdown_()
    # rows, or no sentence given: the table as before
    assert "| File |" in show_table(empty)._repr_markdown_()
    one = pd.DataFrame({"file": ["a.csv"], "row": [3], "reason": ["ltr is not a number"]})
    assert "ltr is not a number" in show_table(one, empty="No row was rejected.")._repr_markdown_()


def test_driver_table_columns_read_as_words():
    """gforms_r2019 Table 17 showed "Weight shapley", "Ci low shapley" (merge suffixes): the
    drivers notebook names each method's columns with a prefix, which read as words."""
    labels = report.column_labels(
        ["shapley_share", "shapley_ci_low", "shapley_ci_high", "relative_weight",
         "relative_ci_low", "relative_ci_high"]
    )  # fmt: skip
    assert list(labels.values()) == [
        "Shapley share",
        "Shapley 95% CI low",
        "Shapley 95% CI high",
        "Relative weight",
        "Relative 95% CI low",
        "Relative 95% CI high",
    ]
