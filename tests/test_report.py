"""Display helpers are safe with untrusted text (PII masking itself: test_privacy.py)."""

from __future__ import annotations

import pandas as pd

from cxm_lab.report import callout, escape_markdown, kpi_cards, quote_comments, show_table

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
    assert "1,200" in html and "+12.3" in html and "−3.0" not in html and "-3.0" in html
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
    assert md[0] == "| change low | label |"
    # dash line: numeric right-aligned, width = longest header word (6) vs cell "1.5" (3)
    assert md[1] == "|------:|:" + "-" * len("a much longer cell text") + "|"
    # an explicit display name is kept as given (markdown-escaped)
    renamed = show_table(d, columns={"change_low": "Low_95"})._repr_markdown_()
    assert renamed.splitlines()[0] == "| Low\\_95 |"
