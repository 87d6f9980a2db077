"""The escaping layer: every escaper against attack payloads, read back through the real
engines (Pandoc, Typst, matplotlib's rule, csv, openpyxl); language tags; Markdown templates."""

from __future__ import annotations

import csv
import re
import unicodedata

import pandas as pd
import pypandoc
import pytest
from html_fragments import parse_html

from cxm_lab import safe
from cxm_lab.errors import ParameterError

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "`#sys.exit()`{=typst}",
    "#set page(fill: red)",
    "$x$",
    "R&D <EMEA> *core*",
    "[x](javascript:alert(1))",
    "{=html}",
    "`<b>x</b>`{=html}",
    "1. not a list",
    "- not a list either",
    "# not a heading",
    "> not a quote",
    "a -- b --- c ... \"quoted\" 'single'",
    "@citation [^note] ~sub~ ^sup^",
    "\\begin{document} \\textbf{x}",
    "| a | b |",
    "<!-- comment -->",
    "&amp; &#60; &lt;",
    "http://example.com <http://example.com>",
    "x_y_z __init__ **bold**",
    "/* typst comment */ // line",
    "= typst heading",
    "+ enum",
    "a\\",
    "پشتیبانی خیلی ضعیف است",
    "Поддержка *медленно*",
    "客服回复太慢 [链接](http://x)",
]


def squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


# --------------------------------------------------------------------------- HTML


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_text_reads_back_as_text(payload):
    p = parse_html(f"<p>{safe.html_text(payload)}</p>")
    assert p.tags == ["p"] and p.comments == []
    assert "".join(p.text) == payload


def test_html_text_escapes_quotes_and_removes_bidi_overrides():
    assert safe.html_text("\"a\" 'b'") == "&quot;a&quot; &#x27;b&#x27;"
    assert safe.html_text("abc\u202etxt.exe") == "abctxt.exe"
    assert safe.html_text(None) == ""


@pytest.mark.parametrize(
    "value", ['fa" onerror="alert(1)', "x' onload='y", "a\\", "a}b{c", "x\ny", "<b>"]
)
def test_attribute_value_cannot_leave_its_quotes(value):
    esc = safe.attribute_value(value)
    assert '"' not in esc and "'" not in esc and "\\" not in esc and "\n" not in esc
    p = parse_html(f'<span title="{esc}">t</span>')
    assert p.attrs == [("title", value.replace("\n", " "))]
    # Pandoc attribute syntax: the value reads back exactly, no extra attribute appears
    out = pypandoc.convert_text(f'[t]{{title="{esc}"}}', "html", format="markdown")
    q = parse_html(out)
    assert q.attrs == [("title", value.replace("\n", " "))]


# --------------------------------------------------------------------------- Markdown


def test_markdown_text_round_trips_through_pandoc_html():
    md = "\n\n".join(safe.markdown_text(p) for p in PAYLOADS)
    out = pypandoc.convert_text(md, "html", format="markdown")
    p = parse_html(out)
    assert set(p.tags) == {"p"}, p.tags  # no <script>, <img>, <a>, <em>, <code>, <ol>, <h1> ...
    assert p.attrs == [] and p.comments == []
    paragraphs = re.findall(r"<p>(.*?)</p>", out, flags=re.S)
    assert len(paragraphs) == len(PAYLOADS)
    for payload, para in zip(PAYLOADS, paragraphs, strict=True):
        assert squash("".join(parse_html(para).text)) == squash(payload)


def test_markdown_text_round_trips_through_pandoc_typst_and_pdf(tmp_path):
    typst = pytest.importorskip("typst")
    from pypdf import PdfReader

    md = "\n\n".join(safe.markdown_text(p) for p in PAYLOADS)
    typ = pypandoc.convert_text(md, "typst", format="markdown")
    assert "#set page" not in typ.replace("\\#set page", "")
    src = tmp_path / "p.typ"
    src.write_text(
        '#set text(font: ("Noto Sans", "Noto Sans Arabic", "Noto Sans CJK SC"))\n' + typ,
        encoding="utf-8",
    )
    typst.compile(str(src), output=str(tmp_path / "p.pdf"), font_paths=["/usr/share/fonts"])
    reader = PdfReader(tmp_path / "p.pdf")
    assert len(reader.pages) == 1  # no page settings were injected
    text = unicodedata.normalize("NFKC", "".join(pg.extract_text() or "" for pg in reader.pages))
    flat = re.sub(r"\s+", "", text)
    for payload in PAYLOADS:
        if any("\u0600" <= c <= "\u06ff" for c in payload):  # RTL may come out in visual order
            assert {c for c in payload if c.isalpha()} <= set(text)
        else:
            assert re.sub(r"\s+", "", payload) in flat, payload


def test_markdown_text_neutralises_controls_and_keeps_rtl():
    assert safe.markdown_text("abc\u202egnp.exe") == "abcgnp\\.exe"
    assert safe.markdown_text("x\u2066y\u2069z\u202a") == "xyz"
    assert safe.markdown_text("a\x00b\x1bc\x85d") == "abcd"  # C0/C1 controls removed
    assert safe.markdown_text("line one\nline two\r\n\tthree") == "line one line two three"
    rtl = "پشتیبانی\u200cها \u200fعالی"  # ZWNJ and RLM are part of ordinary Persian text
    assert safe.markdown_text(rtl) == rtl
    assert safe.markdown_text("    code") == " code"  # cannot start an indented code block
    assert safe.markdown_text(None) == "" and safe.markdown_text(12.5) == "12\\.5"


def test_markdown_text_every_ascii_punctuation_is_escaped():
    import string

    out = safe.markdown_text(string.punctuation)
    assert out == "".join("\\" + c for c in string.punctuation)


# --------------------------------------------------------------------------- Typst


def test_typst_text_compiles_to_the_same_text(tmp_path):
    typst = pytest.importorskip("typst")
    from pypdf import PdfReader

    lines = [
        "`#sys.exit()`",
        "#set page(fill: red)",
        "$x^2$ and #let x = 1",
        "R&D <EMEA> *core* _em_",
        "@ref <label> [content] \\ ~",
        "// comment /* block */",
        "= Heading",
        "- list",
        "+ enum",
        "/ Term: description",
        "\"smart\" 'quotes' -- --- ...",
        "\\u{41}",
    ]
    body = "\n\n".join(safe.typst_text(s) for s in lines)
    src = tmp_path / "t.typ"
    src.write_text(body, encoding="utf-8")
    typst.compile(str(src), output=str(tmp_path / "t.pdf"), font_paths=["/usr/share/fonts"])
    reader = PdfReader(tmp_path / "t.pdf")
    assert len(reader.pages) == 1
    flat = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))
    for s in lines:
        assert re.sub(r"\s+", "", s) in flat, s


def test_typst_text_escapes_markup_characters():
    for ch in "#$*_`<>@[]\\~/=-+'\"":
        assert safe.typst_text(ch) == "\\" + ch
    assert safe.typst_text("a\nb") == "a b"


# --------------------------------------------------------------------------- mathtext


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CIS $5% promo$", "CIS \\$5% promo\\$"),
        ("$\\frac{1}{0}$", "\\$\\frac{1}{0}\\$"),
        ("no dollars", "no dollars"),
        ("a\\$b$", "a\\\\$b\\$"),
    ],
)
def test_mathtext_text(value, expected):
    from matplotlib import cbook

    out = safe.mathtext_text(value)
    assert out == expected
    # matplotlib's own rule: not mathtext, and the drawn text is the input
    assert not cbook.is_math_text(out)
    assert out.replace("\\$", "$") == value


# --------------------------------------------------------------------------- language tags


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("pt-BR", "pt-BR"),
        ("zh-CN", "zh-CN"),  # kept as given, not expanded to zh-Hans-CN
        ("zh-Hans-CN", "zh-Hans-CN"),
        ("fa-IR", "fa-IR"),
        ("English", "en"),
        ("FA", "fa"),
        ("ZH-S", "zh-Hans"),  # Qualtrics Simplified Chinese
        ("ZH-T", "zh-Hant"),
        ("EN-GB", "en-GB"),
        ("en_us", "en-US"),
        ("  ar ", "ar"),
        ("fas", "fa"),
        ("iw", "he"),
        ("Persian", "fa"),
        ("en-US-u-ca-gregory", "en-US"),
        ('fa" onerror="x', None),
        ("xx-??", None),
        ("xx", None),
        ("", None),
        (None, None),
        (12, None),
        (3.5, None),
        (float("nan"), None),
        ("nan", None),
        ("und", None),
        ("qaa", None),
        ("x-private", None),
        ("<script>", None),
        ("e", None),
    ],
)
def test_lang_tag(value, expected):
    assert safe.lang_tag(value) == expected


@pytest.mark.parametrize(
    ("tag", "rtl"),
    [
        ("fa", True),
        ("fa-IR", True),
        ("ar", True),
        ("he", True),
        ("ur", True),
        ("ps", True),
        ("ckb", True),
        ("yi", True),
        ("sd", True),
        ("ug", True),
        ("dv", True),
        ("pa-Arab", True),
        ("az-Latn", False),
        ("en", False),
        ("ru", False),
        ("zh-CN", False),
        ("pt-BR", False),
        (None, False),
        ('fa" x', False),
    ],
)
def test_is_rtl(tag, rtl):
    assert safe.is_rtl(tag) is rtl


# --------------------------------------------------------------------------- md templates


def test_md_escapes_values_and_keeps_the_template():
    out = safe.md(
        "**{segment}** moved {change:+.1f} points ({share:.0%}, n={n:,}).",
        segment="R&D <EMEA> *core*",
        change=-3.04,
        share=0.25,
        n=1234,
    )
    assert out == "**R\\&D \\<EMEA\\> \\*core\\*** moved −3\\.0 points (25\\%, n=1\\,234)."
    html = pypandoc.convert_text(out, "html", format="markdown")
    p = parse_html(html)
    assert p.tags == ["p", "strong"]
    assert squash("".join(p.text)) == "R&D <EMEA> *core* moved −3.0 points (25%, n=1,234)."


def test_md_payload_values_stay_text():
    for payload in PAYLOADS:
        html = pypandoc.convert_text(safe.md("Name: {v}", v=payload), "html", format="markdown")
        p = parse_html(html)
        assert p.tags == ["p"] and p.attrs == []
        assert squash("".join(p.text)) == squash("Name: " + payload)


def test_md_errors_name_the_problem():
    with pytest.raises(ParameterError, match=r"uses \{name\} but no value name="):
        safe.md("Hello {name}")
    with pytest.raises(ParameterError, match="not used by the template"):
        safe.md("Hello", name="x")
    with pytest.raises(ParameterError, match="named fields"):
        safe.md("Hello {}")
    with pytest.raises(ParameterError, match="attribute or item"):
        safe.md("{x.__class__}", x=1)
    with pytest.raises(ParameterError, match="literal braces"):
        safe.md("{x:%%%}", x=1)
    with pytest.raises(ParameterError, match="str literal"):
        safe.md(None)  # type: ignore[arg-type]
    assert safe.md("literal {{braces}} and **bold**") == "literal {braces} and **bold**"
    assert safe.md("{x!r}", x="a") == "\\'a\\'"


def test_format_number_uses_a_real_minus():
    assert safe.format_number(-3.04, "+.1f") == "\u22123.0"
    assert safe.format_number(3.04, "+.1f") == "+3.0"
    assert safe.format_number(-0.01, ".1f") == "0.0"


# --------------------------------------------------------------------------- spreadsheets

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\n=1",
    "  =1+1",
    "＝1",
    "＋1",
    "－1",
    "＠SUM(A1)",
]


def test_spreadsheet_frame_neutralises_text_and_keeps_numbers():
    df = pd.DataFrame(
        {
            "text": [*FORMULAS, "plain", None],
            "n": [-5] * 12 + [1, 2],
            "x": [-1.5] * 14,
            "when": pd.to_datetime(["2026-01-02"] * 14),
            "=bad header": ["ok"] * 14,
        }
    )
    out = safe.spreadsheet_frame(df)
    assert out["text"].tolist()[:12] == ["'" + f for f in FORMULAS]
    assert out["text"].iloc[12] == "plain" and pd.isna(out["text"].iloc[13])
    assert out["n"].dtype == df["n"].dtype and out["n"].iloc[0] == -5
    assert out["x"].dtype == df["x"].dtype and out["when"].dtype == df["when"].dtype
    assert "'=bad header" in out.columns
    assert df["text"].iloc[0] == FORMULAS[0]  # the input is not changed


def test_spreadsheet_frame_string_and_category_columns():
    df = pd.DataFrame(
        {
            "s": pd.array(["=1", "a", None], dtype="string"),
            "c": pd.Categorical(["@x", "b", "@x"]),
            "mixed": ["-3", -3, True],
        }
    )
    out = safe.spreadsheet_frame(df)
    assert out["s"].tolist()[:2] == ["'=1", "a"] and pd.isna(out["s"].iloc[2])
    assert out["c"].tolist() == ["'@x", "b", "'@x"]
    assert out["mixed"].tolist() == ["'-3", -3, True]  # text "-3" neutralised, number kept


def test_write_csv_reads_back_neutralised_with_bom(tmp_path):
    df = pd.DataFrame({"comment": FORMULAS, "n": range(-6, 6), "-name": ["پشتیبانی"] * 12})
    path = safe.write_csv(df, tmp_path / "x.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["comment", "n", "'-name"]
    assert [r[0] for r in rows[1:]] == ["'" + f for f in FORMULAS]
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(-6, 6)]  # bare numbers
    assert rows[1][2] == "پشتیبانی"
    for r in rows[1:]:
        assert not re.match(r"\s*[=+\-@＝＋－＠]", r[0])


def test_write_xlsx_has_no_formulas_and_numbers_stay_numbers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    df = pd.DataFrame(
        {
            "comment": [*FORMULAS, "ok\x01"],
            "n": [-5] * 13,
            "x": [1.5] * 12 + [float("nan")],
            "when": pd.to_datetime(["2026-01-02"] * 13),
            "=header": ["a"] * 13,
        }
    )
    path = safe.write_xlsx(df, tmp_path / "x.xlsx", sheet_name="calls")
    wb = openpyxl.load_workbook(path)
    ws = wb["calls"]
    header = [c.value for c in ws[1]]
    assert header == ["comment", "n", "x", "when", "'=header"]
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert cell.data_type == "s"
                assert not re.match(r"\s*[=+\-@＝＋－＠]", cell.value)
    comments = [ws.cell(row=i, column=1).value for i in range(2, 15)]
    # control character dropped; XML stores CR as LF
    assert comments == ["'" + f.replace("\r", "\n") for f in FORMULAS] + ["ok"]
    assert ws.cell(row=2, column=2).value == -5 and ws.cell(row=2, column=2).data_type == "n"
    assert ws.cell(row=14, column=3).value is None
    assert ws.cell(row=2, column=4).value.year == 2026
    back = pd.read_excel(path, engine="openpyxl")
    assert pd.api.types.is_integer_dtype(back["n"]) and back["n"].eq(-5).all()


def test_write_xlsx_rejects_a_bad_sheet_name(tmp_path):
    with pytest.raises(ParameterError, match="sheet_name"):
        safe.write_xlsx(pd.DataFrame({"a": [1]}), tmp_path / "x.xlsx", sheet_name="a/b")
    with pytest.raises(ParameterError, match="1-31 characters"):
        safe.write_xlsx(pd.DataFrame({"a": [1]}), tmp_path / "x.xlsx", sheet_name="x" * 32)


def test_doctests():
    import doctest

    result = doctest.testmod(safe)
    assert result.attempted > 10 and result.failed == 0


# --------------------------------------------------------------------------- terminal and YAML

#: Characters a terminal or a YAML reader acts on (hostile review: C0 ESC/BEL/NUL, DEL, C1 CSI
#: and NEL, the YAML line breaks U+2028/U+2029, bidi overrides and isolates, BOM, a lone
#: surrogate, the non-characters PyYAML refuses).
ACTIVE = [
    "\x1b", "\x07", "\x00", "\t", "\n", "\r", "\x7f", "\x9b", "\x85", "\x80",
    "\u2028", "\u2029", "\u202a", "\u202e", "\u2066", "\u2069", "\ufeff", "\udcff",
    "\ufffe", "\uffff",
]  # fmt: skip


def test_terminal_text_shows_every_active_character_as_an_escape():
    for ch in ACTIVE:
        out = safe.terminal_text(f"a{ch}b")
        # the escape is Python's own spelling of the character (repr without the quotes)
        assert out == "a" + repr(ch)[1:-1] + "b" or out == f"a\\u{ord(ch):04x}b", (ch, out)
        assert out.isprintable() and out.isascii()
    # The window-title / clear-screen sequence of the review's ctl export, shown, not run.
    assert safe.terminal_text("why?\x1b[2J\x1b]0;pwned\x07") == "why?\\x1b[2J\\x1b]0;pwned\\x07"
    # Ordinary text, RTL text with its ZWNJ and marks, backslashes: printed as they are.
    for text in ["پشتیبانی\u200cها \u200fok", "Größe – “quoted” 客服", "C:\\data\\x.csv", 7]:
        assert safe.terminal_text(text) == str(text)


@pytest.mark.parametrize(
    "name",
    [
        *(f"x{ch}y" for ch in ACTIVE),
        "Looking ahead?\u2028title: INJECTED\u2028data_dir: /tmp/other.csv\u2028#",
        'say "hi" \\ back',
        "a: b # c",
        "- item",
        "&anchor *alias !!python/object:os.system %YAML",
        "null",
        "yes",
        "1e3",
        "",
        "x" * 2000,
    ],
)
def test_yaml_scalar_reads_back_as_exactly_the_value(name):
    import yaml

    quoted = safe.yaml_scalar(name)
    assert quoted.isprintable() and "\n" not in quoted
    # as a list item, as a value, as a key beside another key, and inside a comment
    assert yaml.safe_load(f"- {quoted}\n") == [name]
    assert yaml.safe_load(f"k: {quoted}\nz: 1\n") == {"k": name, "z": 1}
    if len(quoted) < 1000:  # PyYAML's one-line key limit (guess writes longer ones as ? key)
        assert yaml.safe_load(f"{quoted}: 1\nz: 2\n") == {name: 1, "z": 2}
    assert yaml.safe_load(f"k: 1   # {quoted}: comment\nz: 2\n") == {"k": 1, "z": 2}


def test_yaml_comment_is_one_line_that_ends_nothing():
    import yaml

    text = "why?\u2028title: X\u2029formats: [html]\x85min_n: 1\nmask_pii: false\r#\x1b[31m\ufffe"
    comment = safe.yaml_comment(text)
    assert comment == "why? title: X formats: [html] min_n: 1 mask_pii: false #[31m"
    assert yaml.safe_load(f"k: 1   # {comment}\n") == {"k": 1}
