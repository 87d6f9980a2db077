"""The one escaping layer for strings that came from data.

Every string that came from a data file (a comment, a segment or account name, a column name,
a language code) is *data*: it is shown as the text it is, never interpreted as markup, code or
a formula. Report helpers (:mod:`cxm_lab.report`), charts (:mod:`cxm_lab.plots`) and exports
(:mod:`cxm_lab.loop`) call these functions instead of escaping on their own:

========================  =================================================================
target                    function
========================  =================================================================
HTML text                 :func:`html_text`
HTML / Pandoc attribute   :func:`attribute_value` (and :func:`lang_tag` for ``lang``)
Pandoc Markdown text      :func:`markdown_text`; :func:`md` fills a trusted template
Typst markup              :func:`typst_text`
matplotlib labels         :func:`mathtext_text`
CSV / XLSX cells          :func:`spreadsheet_frame`, :func:`write_csv`, :func:`write_xlsx`
YAML (``cxm-lab init``)   :func:`yaml_scalar` (quoted keys and values), :func:`yaml_comment`
terminal (``cxm-lab``)    :func:`terminal_text` (controls shown as ``\\x1b`` escapes)
========================  =================================================================

All text escapers first remove characters that could hide or reorder text: C0/C1 control
characters and the bidirectional embedding, override and isolate controls (U+202A–U+202E,
U+2066–U+2069). Ordinary right-to-left text (Persian, Arabic, Hebrew) and the marks that it
uses legitimately (U+200E/U+200F, U+061C, ZWNJ U+200C, ZWJ U+200D) are kept. Where the
exact value matters or the reader must see it (a column name in a params file, a file name on
a terminal), :func:`yaml_scalar` and :func:`terminal_text` write those characters as visible
escapes (``\\x1b``, ``\\u202e``) instead of removing them.

Examples
--------
>>> markdown_text("R&D <EMEA> *core*")
'R\\\\&D \\\\<EMEA\\\\> \\\\*core\\\\*'
>>> md("NPS of **{segment}** moved {change:+.1f} points.", segment="*SMB*", change=-3.04)
'NPS of **\\\\*SMB\\\\*** moved −3\\\\.0 points.'
>>> lang_tag("EN-GB"), lang_tag("English"), lang_tag('fa" onerror="x')
('en-GB', 'en', None)
>>> is_rtl("fa-IR"), is_rtl("ru")
(True, False)
"""

from __future__ import annotations

import html
import math
import numbers
import re
import string
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxm_lab.errors import ParameterError

__all__ = [
    "RTL_LANGUAGES",
    "RTL_SCRIPTS",
    "attribute_value",
    "clean_text",
    "format_number",
    "html_text",
    "is_rtl",
    "lang_tag",
    "markdown_text",
    "mathtext_text",
    "md",
    "spreadsheet_cell",
    "spreadsheet_frame",
    "terminal_text",
    "typst_text",
    "write_csv",
    "write_xlsx",
    "yaml_comment",
    "yaml_scalar",
]

# --------------------------------------------------------------------------- plain-text cleaning

# C0 controls except tab/LF/CR, DEL, C1 controls, bidi embeddings/overrides/isolates, the
# interlinear annotation controls. Tab/LF/CR are handled per target (kept in HTML, spaces in
# Markdown/Typst).
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_WHITESPACE_RUN = re.compile("[ \t\r\n\f\v\u2028\u2029\x85]+")
# Every ASCII punctuation character: Pandoc Markdown lets each be backslash-escaped, and a
# backslash-escaped character is always literal text (all_symbols_escapable).
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
# Typst markup: every ASCII punctuation character may be escaped with a backslash too; this
# covers # $ * _ ` < > @ [ ] \ ~ / = - + ' " . : and the rest.
_TYPST_SPECIAL = _MD_SPECIAL


def _as_text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def clean_text(value: object) -> str:
    """``value`` as a string without characters that could hide or reorder text.

    Removes C0/C1 control characters (tab, line feed and carriage return are kept), the
    bidirectional embedding/override/isolate controls U+202A–U+202E and U+2066–U+2069 (an
    unterminated RIGHT-TO-LEFT OVERRIDE would reverse everything after it), and replaces lone
    surrogates with U+FFFD. ``None`` becomes ``""``.

    Parameters
    ----------
    value : object
        The data (``None`` is ""; anything else is shown as ``str(value)``).

    Returns
    -------
    str
        The text without hiding or reordering characters.

    Examples
    --------
    >>> clean_text("abc\\u202egnp.exe")
    'abcgnp.exe'
    >>> clean_text("پشتیبانی\\u200cها")  # ZWNJ in Persian is kept
    'پشتیبانی\\u200cها'
    """
    return _SURROGATE.sub("\ufffd", _HIDDEN.sub("", _as_text(value)))


def _one_line(value: object) -> str:
    return _WHITESPACE_RUN.sub(" ", clean_text(value))


# --------------------------------------------------------------------------- text escapers


def html_text(value: object) -> str:
    """Escape ``value`` for HTML element content (``&``, ``<``, ``>``, ``"``, ``'``).

    Parameters
    ----------
    value : object
        The data (``None`` is ""; anything else is shown as ``str(value)``).

    Returns
    -------
    str
        Safe inside an HTML element.

    Examples
    --------
    >>> html_text('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(clean_text(value), quote=True)


def attribute_value(value: object) -> str:
    """Escape ``value`` for a double-quoted HTML attribute or Pandoc ``{key="value"}`` attribute.

    Newlines become spaces; ``& < > " '`` are HTML character references and the backslash is
    ``&#92;`` (Pandoc decodes references in attribute values, so the value reads back exactly
    and can neither close the quotes nor escape the closing quote).

    Parameters
    ----------
    value : object
        The data (``None`` is ""; anything else is shown as ``str(value)``).

    Returns
    -------
    str
        Safe between the double quotes of an attribute (one line).

    Examples
    --------
    >>> attribute_value('fa" onerror="x')
    'fa&quot; onerror=&quot;x'
    """
    return html.escape(_one_line(value), quote=True).replace("\\", "&#92;")


def markdown_text(value: object) -> str:
    """Escape ``value`` so that Pandoc Markdown shows it as exactly this text.

    Every ASCII punctuation character is backslash-escaped (no emphasis, links, raw HTML, raw
    ``{=typst}`` blocks, maths, citations, footnotes, list markers, smart quotes or dashes can
    start), runs of whitespace including newlines become one space (a quote or a table cell is
    one line, and no line can start an indented code block), and hidden/reordering controls
    are removed (:func:`clean_text`).

    Parameters
    ----------
    value : object
        The data (``None`` is ""; anything else is shown as ``str(value)``).

    Returns
    -------
    str
        Pandoc Markdown that shows as ``value`` (one line).

    Examples
    --------
    >>> markdown_text("[x](javascript:alert(1))")
    '\\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
    """
    return _MD_SPECIAL.sub(r"\\\1", _one_line(value))


def typst_text(value: object) -> str:
    """Escape ``value`` for Typst markup (for any place that writes Typst source directly).

    Every ASCII punctuation character is backslash-escaped, which covers the markup
    characters ``# $ * _ ` < > @ [ ] \\ ~ / = - + ' "`` (code, maths, emphasis, labels,
    references, comments, headings, lists, smart quotes); whitespace runs become one space.

    Parameters
    ----------
    value : object
        The data (``None`` is ""; anything else is shown as ``str(value)``).

    Returns
    -------
    str
        Typst markup that shows as ``value`` (one line).

    Examples
    --------
    >>> typst_text("#set page(fill: red)")
    '\\\\#set page\\\\(fill\\\\: red\\\\)'
    """
    return _TYPST_SPECIAL.sub(r"\\\1", _one_line(value))


def mathtext_text(value: object) -> str:
    """Escape ``value`` so that matplotlib draws it literally even with mathtext on.

    matplotlib parses a label with an even number of unescaped ``$`` as mathtext; ``\\$`` is
    a literal dollar sign, and a label without unescaped ``$`` is drawn with every ``\\$``
    turned back into ``$`` (so the drawn text is exactly ``value``). Use this where ``rcParams["text.parse_math"]`` may be True
    (the matplotlib default); with parse_math off, labels are drawn as given and need no
    escaping (:func:`cxm_lab.plots.use_style` turns it off).

    Parameters
    ----------
    value : object
        The data (``None`` is ""; anything else is shown as ``str(value)``).

    Returns
    -------
    str
        A matplotlib label drawn as ``value``.

    Examples
    --------
    >>> mathtext_text("CIS $5% promo$")
    'CIS \\\\$5% promo\\\\$'
    """
    return clean_text(value).replace("$", "\\$")


# --------------------------------------------------------------------------- terminal and YAML

# What a terminal or a YAML reader could act on rather than show: C0 controls (tab, line feed
# and carriage return included), DEL, C1 controls, the line and paragraph separators, the bidi
# embedding/override/isolate controls, the BOM, the interlinear annotation controls, lone
# surrogates and the non-characters U+FFFE/U+FFFF (which PyYAML refuses).
_INERT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb"
    "\ud800-\udfff\ufffe\uffff]"
)
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _visible(ch: str) -> str:
    """``ch`` as a Python-style escape: ``\\t``, ``\\x1b``, ``\\u202e``."""
    code = ord(ch)
    return _NAMED_ESCAPES.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def terminal_text(value: object) -> str:
    """``value`` made inert on a terminal: every character a terminal could act on is shown as
    a visible Python-style escape instead.

    Escaped: C0 controls (``ESC``, ``BEL``, ``NUL``, and tab, line feed and carriage return
    too, so a value stays on its line), DEL and C1 controls (``\\x9b`` is a one-byte CSI), the
    line/paragraph separators U+2028/U+2029, the bidirectional embedding, override and isolate
    controls U+202A–U+202E and U+2066–U+2069, the BOM, lone surrogates (they cannot even be
    encoded for the terminal) and U+FFFE/U+FFFF. They are written as ``\\t``, ``\\n``,
    ``\\r``, ``\\xNN`` (below U+0100) or ``\\uNNNN``, so a file name or header that carries one
    is seen for what it is. Ordinary text, right-to-left scripts and their marks (U+200E,
    U+200F, ZWNJ) and backslashes are printed as they are. Used for every data-derived string
    the command line prints (:mod:`cxm_lab.cli`).

    Parameters
    ----------
    value : object
        The data (``None`` is ""; anything else is shown as ``str(value)``).

    Returns
    -------
    str
        Text that a terminal prints and does not interpret.

    Examples
    --------
    >>> terminal_text("why?\\x1b[2J\\x1b]0;pwned\\x07")
    'why?\\\\x1b[2J\\\\x1b]0;pwned\\\\x07'
    >>> terminal_text("report\\u202efdp.exe"), terminal_text("a\\nb")
    ('report\\\\u202efdp.exe', 'a\\\\nb')
    >>> terminal_text("پشتیبانی\\u200cها") == "پشتیبانی\\u200cها"
    True
    """
    return _INERT.sub(lambda m: _visible(m.group(0)), _as_text(value))


def yaml_scalar(value: object) -> str:
    """``value`` as a YAML double-quoted scalar that reads back as exactly ``value``.

    ``"`` and ``\\`` are backslash-escaped, and every character of :func:`terminal_text`'s
    list — the YAML line breaks U+0085, U+2028 and U+2029 and the controls that PyYAML refuses
    or that would end a line, a comment or the scalar — is written as a YAML escape (``\\t``,
    ``\\n``, ``\\x1b``, ``\\u2028``), so a column name can neither add keys to a params file
    nor make it unreadable, and ``yaml.safe_load`` returns the exact name (``rename:`` still
    matches the column). The result is one line of printable characters, safe inside a
    comment too. Numbers and booleans are written as their JSON literal.

    Parameters
    ----------
    value : object
        A string (``None`` is ``null``; bool, int and finite float are their literal; anything
        else is quoted as ``str(value)``).

    Returns
    -------
    str
        The YAML scalar, one line.

    Examples
    --------
    >>> yaml_scalar('Why?\\u2028title: INJECTED\\x85#')
    '"Why?\\\\u2028title: INJECTED\\\\x85#"'
    >>> import yaml
    >>> name = 'say "hi"\\\\ \\x1b[31m\\u2029'
    >>> yaml.safe_load(f"{yaml_scalar(name)}: 1") == {name: 1}
    True
    >>> yaml_scalar(7), yaml_scalar(None)
    ('7', 'null')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and math.isfinite(value):
        return repr(value)
    text = _as_text(value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _INERT.sub(lambda m: _visible(m.group(0)), text) + '"'


def yaml_comment(value: object) -> str:
    """``value`` as the text of a YAML comment: one line, nothing that ends it early.

    Whitespace runs, line breaks included (``\\n``, ``\\r``, U+0085, U+2028, U+2029), become
    one space; the characters :func:`clean_text` removes (controls, bidi overrides) are
    removed; lone surrogates become U+FFFD and U+FFFE/U+FFFF are dropped (PyYAML refuses
    them anywhere in a file). The text after ``#`` is then a comment to its end.

    Parameters
    ----------
    value : object
        The data (``None`` is ""; anything else is shown as ``str(value)``).

    Returns
    -------
    str
        One line of text that YAML reads as part of the comment.

    Examples
    --------
    >>> yaml_comment("short name for “Why?\\u2028title: INJECTED\\u2028#”")
    'short name for “Why? title: INJECTED #”'
    >>> yaml_comment("a\\x1b[31m  b\\n c")
    'a[31m b c'
    """
    # line breaks first: U+0085 is also a C1 control, which clean_text would remove unspaced
    text = _WHITESPACE_RUN.sub(" ", _as_text(value))
    return _one_line(text).replace("\ufffe", "").replace("\uffff", "").strip()


# --------------------------------------------------------------------------- Markdown templates


def format_number(value: numbers.Number, spec: str = "", /) -> str:
    """``format(value, spec)`` with a real minus sign (U+2212) and no minus on a rounded zero.

    The typographic minus has the width of a plus and a digit, so signed figures line up, and
    it cannot be read as a Markdown list marker or a spreadsheet formula.

    Parameters
    ----------
    value : number
        The number.
    spec : str
        A :func:`format` spec (``"+.1f"``, ``","``...; positional, like :func:`format`'s).

    Returns
    -------
    str
        The formatted number with U+2212 for a minus.

    Examples
    --------
    >>> format_number(-3.04, "+.1f"), format_number(-0.04, "+.1f"), format_number(-1234, ",")
    ('−3.0', '+0.0', '−1,234')
    """
    return _format_number(format(value, spec), spec)


def _format_number(text: str, spec: str = "") -> str:
    if text.startswith("-"):
        if not re.search(r"[1-9]", text):  # -0.04 shown as 0.0: no sign on a zero
            return ("+" if "+" in spec else "") + text[1:]
        return "\u2212" + text[1:]
    return text


class _MarkdownFormatter(string.Formatter):
    """str.format semantics; every formatted value is escaped with :func:`markdown_text`."""

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, int) or key == "":
            raise ParameterError(
                "md: use named fields like {segment} in the template and pass them as keywords"
            )
        if key not in kwargs:
            raise ParameterError(
                f"md: the template uses {{{key}}} but no value {key}= was passed; pass it as a "
                "keyword, or write {{ and }} for literal braces"
            )
        return kwargs[key]

    def get_field(self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if "." in field_name or "[" in field_name:
            raise ParameterError(
                f"md: field {{{field_name}}} looks up an attribute or item; compute the value "
                "first and pass it as its own keyword"
            )
        return super().get_field(field_name, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        if isinstance(value, numbers.Number) and not isinstance(value, bool):
            text = _format_number(text, format_spec)
        return markdown_text(text)

    def check_unused_args(
        self, used_args: set[int | str], args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> None:
        unused = sorted(set(kwargs) - {k for k in used_args if isinstance(k, str)})
        if unused:
            raise ParameterError(
                f"md: value(s) {', '.join(unused)} are not used by the template; add "
                f"{{{unused[0]}}} to it or drop the argument"
            )


_FORMATTER = _MarkdownFormatter()


def md(template: str, /, **values: object) -> str:
    """Fill a trusted Markdown ``template`` with data ``values``, each escaped.

    Templates are code, values are data: ``template`` is a literal written by the notebook
    author and may use Markdown (``**bold**``, ``*italic*``, lists); ``values`` come from data
    and are shown as text. Fields follow :meth:`str.format` (``{name}``, ``{name:+.1f}``,
    ``{name:,}``, ``{name!r}``); the formatted value is then escaped with
    :func:`markdown_text`, and a negative number gets a real minus sign (U+2212). Write
    ``{{`` and ``}}`` for literal braces. Never build a template from data (no f-strings with
    data inside): that would make the data markup again.

    Parameters
    ----------
    template : str
        Trusted Markdown with named ``{fields}``.
    **values
        The data, one keyword per field; every keyword must be used.

    Returns
    -------
    str
        Markdown.

    Raises
    ------
    ParameterError
        A field without a value, a positional ``{}``/``{0}`` field, an attribute or item
        lookup (``{a.b}``, ``{a[0]}``), an unused value or a malformed template.

    Examples
    --------
    >>> md("**Fix first:** {names}.", names="Billing <b>, `#x`")
    '**Fix first:** Billing \\\\<b\\\\>\\\\, \\\\`\\\\#x\\\\`.'
    >>> md("{n:,} cases, {share:.0%} on time", n=1234, share=0.5)
    '1\\\\,234 cases, 50\\\\% on time'
    """
    if not isinstance(template, str):
        raise ParameterError(
            f"md: template must be a str literal written in the notebook, got "
            f"{type(template).__name__}"
        )
    try:
        return _FORMATTER.vformat(template, (), values)
    except ParameterError:
        raise
    except (ValueError, IndexError, KeyError) as exc:
        raise ParameterError(
            f"md: cannot use the template ({exc}); check its {{fields}} and format specs, "
            "and write {{ and }} for literal braces"
        ) from exc


# --------------------------------------------------------------------------- language tags

RTL_LANGUAGES: frozenset[str] = frozenset(
    {
        "ar", "arc", "azb", "bal", "bqi", "ckb", "dv", "fa", "glk", "he", "ks", "lrc", "mzn",
        "nqo", "pnb", "prs", "ps", "sd", "skr", "syr", "ug", "ur", "yi",
    }
)  # fmt: skip
"""Primary language subtags written right-to-left by default."""

RTL_SCRIPTS: frozenset[str] = frozenset(
    {
        "Adlm", "Arab", "Aran", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc",
        "Syre", "Syrj", "Syrn", "Thaa", "Yezi",
    }
)  # fmt: skip
"""ISO 15924 script subtags written right-to-left."""

# Vendor codes that are not BCP 47 (Qualtrics): ZH-S / ZH-T are Simplified / Traditional.
_ALIASES = {"zh-s": "zh-Hans", "zh-t": "zh-Hant"}
_TAG_SHAPE = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*")
_NAME_SHAPE = re.compile(r"[^\W\d_]{2,}(?: [^\W\d_]+){0,3}")
# Spellings of a missing value that would otherwise be read as language codes ("nan" is Min Nan).
_MISSING = frozenset({"nan", "none", "null", "n/a", "<na>", "nat"})


def _language(value: str) -> Any:
    import langcodes

    try:
        return langcodes.Language.get(langcodes.standardize_tag(value.replace("_", "-")))
    except (langcodes.LanguageTagError, ValueError):
        return None


def lang_tag(value: object) -> str | None:
    """Normalise a language value to a valid BCP 47 tag, or None when it is unusable.

    Accepts tags in any case and with ``_`` (``FA``, ``EN-GB``, ``en_US``), ISO 639-2/3 codes
    (``fas`` → ``fa``), deprecated codes (``iw`` → ``he``), language names in English or in
    the language itself (``English`` → ``en``, ``Deutsch`` → ``de``) and the Qualtrics
    codes ``ZH-S`` / ``ZH-T`` (→ ``zh-Hans`` / ``zh-Hant``). The result keeps language,
    script and region only (extensions and variants are dropped) and is exactly as specific
    as the input: ``zh-CN`` stays ``zh-CN`` (it is not expanded to ``zh-Hans-CN``), ``pt-BR``
    stays ``pt-BR``.

    Returns None, so that nothing is passed to a renderer, for anything else: non-strings
    (numbers, None, NaN), empty or malformed values (``fa" onerror="x``, ``xx-??``),
    unregistered subtags (``xx``), ``und``, private-use codes (``qaa``–``qtz``, ``x-…``) and
    spellings of a missing value (``nan``, ``None``, ``null``, ``n/a``).

    Parameters
    ----------
    value : object
        A language tag, code or name, from data.

    Returns
    -------
    str or None
        A valid BCP 47 tag (language, script, region), or None.

    Examples
    --------
    >>> [lang_tag(v) for v in ["pt-BR", "zh-CN", "fa-IR", "FA", "ZH-S", "en_US", "iw"]]
    ['pt-BR', 'zh-CN', 'fa-IR', 'fa', 'zh-Hans', 'en-US', 'he']
    >>> [lang_tag(v) for v in ["xx-??", "", None, 12, "und", "x-klingon"]]
    [None, None, None, None, None, None]
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 64 or text.lower() in _MISSING:
        return None
    alias = _ALIASES.get(text.replace("_", "-").lower())
    if alias is not None:
        return alias
    lang = _language(text) if _TAG_SHAPE.fullmatch(text) else None
    if (lang is None or not lang.is_valid()) and _NAME_SHAPE.fullmatch(text):
        import langcodes

        try:
            lang = langcodes.find(text)
        except LookupError:
            lang = None
    if lang is None or not lang.is_valid() or not lang.language:
        return None
    primary = lang.language
    if not re.fullmatch(r"[a-z]{2,3}", primary) or primary == "und" or "qaa" <= primary <= "qtz":
        return None
    parts = [primary]
    if lang.script:
        parts.append(lang.script)
    if lang.territory:
        parts.append(lang.territory)
    return "-".join(parts)


def is_rtl(tag: object) -> bool:
    """Whether text in language ``tag`` is written right-to-left.

    True for an explicit right-to-left script subtag (``Arab``, ``Hebr``, ``Thaa``, ``Syrc``,
    ``Nkoo``, ...), false for an explicit left-to-right one (``az-Latn``); otherwise by the
    primary language (fa, ar, he, ur, ps, ckb, yi, sd, ug, dv, ...; :data:`RTL_LANGUAGES`) or
    its likely script. ``tag`` goes through :func:`lang_tag` first; unusable values are False.

    Parameters
    ----------
    tag : object
        A language value (:func:`lang_tag` normalises it).

    Returns
    -------
    bool
        True for a right-to-left language or script.

    Examples
    --------
    >>> [is_rtl(t) for t in ["fa", "ar-SA", "he", "ur", "ckb", "uz-Arab", "en", "zh-Hans", None]]
    [True, True, True, True, True, True, False, False, False]
    """
    norm = lang_tag(tag)
    if norm is None:
        return False
    lang = _language(norm)
    if lang is None:
        return False
    if lang.script:
        return lang.script in RTL_SCRIPTS
    if lang.language in RTL_LANGUAGES:
        return True
    try:
        return lang.maximize().script in RTL_SCRIPTS
    except Exception:  # noqa: BLE001 - likely-subtag data missing: fall back to the table
        return False


# --------------------------------------------------------------------------- spreadsheets

# OWASP "CSV injection": a cell starting with one of these is a formula (or DDE) in Excel,
# LibreOffice and Google Sheets. Full-width and small-form variants (＝＋－＠, ﹦﹢﹣﹫) are
# folded by NFKC before the check.
_FORMULA_LEAD = frozenset("=+-@")
_CONTROL_LEAD = frozenset("\t\r\n")
_EXCEL_MAX_CELL = 32_767


def spreadsheet_cell(value: object) -> object:
    """Neutralise one cell: text that a spreadsheet would run as a formula gets a leading ``'``.

    Text whose first character is ``=``, ``+``, ``-``, ``@``, tab, carriage return or line
    feed, also after leading whitespace and in full-width/small forms (``＝1``), is prefixed
    with a single quote; other values (numbers, booleans, dates, missing values) are returned
    unchanged.

    Parameters
    ----------
    value : object
        One cell.

    Returns
    -------
    object
        ``value``, or the text with a leading ``'`` when it would run as a formula.

    Examples
    --------
    >>> [spreadsheet_cell(v) for v in ["=1+1", " @SUM(A1)", "＝1", "ok", -5]]
    ["'=1+1", "' @SUM(A1)", "'＝1", 'ok', -5]
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in _CONTROL_LEAD:
        return "'" + value
    stripped = value.lstrip()
    if stripped and unicodedata.normalize("NFKC", stripped[0])[:1] in _FORMULA_LEAD:
        return "'" + value
    return value


def _is_text_column(col: pd.Series) -> bool:
    dtype = col.dtype
    return (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def spreadsheet_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` that is safe to open in a spreadsheet (OWASP CSV injection).

    Text cells and column names that a spreadsheet would run as a formula are prefixed with
    a single quote (:func:`spreadsheet_cell`). Numeric, boolean and date columns are left as
    they are, so numbers stay numbers (a ``-5`` in a numeric column is not touched; the text
    ``"-5"`` is). Categorical columns come back as object columns.

    Parameters
    ----------
    df : DataFrame
        The table to export.

    Returns
    -------
    DataFrame
        A neutralised copy (``df`` is not changed).

    Examples
    --------
    >>> f = spreadsheet_frame(pd.DataFrame({"=x": ['=HYPERLINK("http://x","y")'], "n": [-5]}))
    >>> f.columns.tolist(), f.loc[0, "'=x"], f["n"].dtype.kind
    (["'=x", 'n'], '\\'=HYPERLINK("http://x","y")', 'i')
    """
    out = df.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if _is_text_column(col):
            out.isetitem(i, col.astype(object).map(spreadsheet_cell))
    out.columns = [spreadsheet_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(df: pd.DataFrame, path: str | Path, **kwargs: Any) -> Path:
    """Write ``df`` as a spreadsheet-safe CSV: UTF-8 with a byte-order mark, no formulas.

    The frame goes through :func:`spreadsheet_frame` first. The BOM makes Excel read the
    file as UTF-8 (Persian, Arabic, Russian and Chinese text show correctly); lines end with
    CRLF (RFC 4180). ``kwargs`` go to :meth:`pandas.DataFrame.to_csv`; ``index`` defaults to
    False.

    Parameters
    ----------
    df : DataFrame
        The table.
    path : str or Path
        Output ``.csv`` file.
    **kwargs
        Passed to :meth:`pandas.DataFrame.to_csv` (``index`` defaults to False).

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_csv(pd.DataFrame({"note": ["=1+1"]}), pathlib.Path(tempfile.mkdtemp()) / "x.csv")
    >>> p.read_bytes()
    b"\\xef\\xbb\\xbfnote\\r\\n'=1+1\\r\\n"
    """
    path = Path(path)
    kwargs.setdefault("index", False)
    kwargs.setdefault("encoding", "utf-8-sig")
    # RFC 4180 line ends: a cell holding a lone carriage return is then quoted too (with "\n"
    # as terminator, pandas would leave "\r" unquoted and split the row).
    kwargs.setdefault("lineterminator", "\r\n")
    spreadsheet_frame(df).to_csv(path, **kwargs)
    return path


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _xlsx_value(value: object) -> object:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        v = float(value)
        return None if math.isnan(v) else v if math.isfinite(v) else str(v)
    if isinstance(value, pd.Timestamp):
        ts = value.tz_localize(None) if value.tzinfo is not None else value
        return ts.to_pydatetime()
    import datetime as _dt

    if isinstance(value, (_dt.date, _dt.time)):
        if isinstance(value, _dt.datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)
        return value
    if not isinstance(value, str):
        value = str(value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")  # XML keeps LF only
    value = ILLEGAL_CHARACTERS_RE.sub("", value)[:_EXCEL_MAX_CELL]
    return spreadsheet_cell(value)


def write_xlsx(df: pd.DataFrame, path: str | Path, *, sheet_name: str = "Sheet1") -> Path:
    """Write ``df`` as an XLSX workbook whose text cells are strings, never formulas.

    Text is neutralised as for CSV (:func:`spreadsheet_frame`) *and* every text cell is
    stored with data type ``"s"`` (openpyxl would otherwise store a text starting with ``=``
    as a formula). Line breaks in text are stored as LF. Numbers stay numeric cells, dates are date cells (``yyyy-mm-dd``),
    missing values are empty cells. Characters that XML cannot carry are removed and text is
    cut at Excel's 32,767-character cell limit. The header row is bold and frozen.

    Parameters
    ----------
    df : DataFrame
        The table (its index is not written).
    path : str or Path
        Output ``.xlsx`` file.
    sheet_name : str
        Worksheet title: 1–31 characters, none of ``[ ] : * ? / \\``.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ParameterError
        An invalid ``sheet_name``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from openpyxl import load_workbook
    >>> p = write_xlsx(pd.DataFrame({"note": ["=1+1"], "n": [-5]}),
    ...                pathlib.Path(tempfile.mkdtemp()) / "x.xlsx", sheet_name="Cases")
    >>> [c.value for c in load_workbook(p)["Cases"][2]]
    ["'=1+1", -5]
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if not isinstance(sheet_name, str) or not 1 <= len(sheet_name) <= 31:
        raise ParameterError(
            f"write_xlsx: sheet_name must be 1-31 characters, got {sheet_name!r}; shorten it"
        )
    if _SHEET_BAD.search(sheet_name):
        raise ParameterError(
            f"write_xlsx: sheet_name {sheet_name!r} contains one of [ ] : * ? / \\; remove it"
        )
    path = Path(path)
    frame = spreadsheet_frame(df)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name
    bold = Font(bold=True)
    for j, name in enumerate(frame.columns, start=1):
        cell = ws.cell(row=1, column=j)
        cell.value = _xlsx_value(name if isinstance(name, str) else str(name))
        cell.data_type = "s"
        cell.font = bold
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for j, raw in enumerate(row, start=1):
            value = _xlsx_value(raw)
            if value is None:
                continue
            cell = ws.cell(row=i, column=j)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
            elif hasattr(value, "year") and not isinstance(value, str):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    wb.save(path)
    return path
