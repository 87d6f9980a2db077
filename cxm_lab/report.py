"""Display helpers for report notebooks, safe with untrusted customer text.

Each helper returns an object that shows as escaped HTML in JupyterLab (``_repr_html_``) and
carries escaped Markdown (``_repr_markdown_``) for the rendered report. Customer text never
reaches the output as markup: a comment containing ``<script>`` shows as text. Quotes keep their
own script and direction: Persian, Arabic, Hebrew and Urdu are marked ``dir="rtl"`` with their
``lang`` (Pandoc/Quarto span attributes in Markdown, attributes in HTML).

Examples
--------
>>> md = callout("NPS rose *4 points*.")._repr_markdown_()
>>> "NPS rose" in md
True
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cxm_lab.privacy import mask_pii

_RIGHT = ' style="text-align:right"'
RTL_LANGUAGES = frozenset({"fa", "ar", "he", "ur", "ps", "ckb", "yi"})
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~^$@:\"'&])")


def escape_markdown(text: str) -> str:
    """Backslash-escape every Markdown/Pandoc special character so text stays literal text.

    Newlines become spaces (a quote or a table cell is one line).
    """
    return _MD_SPECIAL.sub(r"\\\1", str(text).replace("\r", " ").replace("\n", " "))


def _fmt_cell(value: object, fmt: str | None) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if fmt is not None:
        try:
            return format(value, fmt)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{value:,.1f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


class _Display:
    def __init__(self, html_text: str, markdown_text: str):
        self._html = html_text
        self._markdown = markdown_text

    def _repr_html_(self) -> str:
        return self._html

    def _repr_markdown_(self) -> str:
        return self._markdown

    def __repr__(self) -> str:
        return self._markdown


def show_table(
    df: pd.DataFrame,
    caption: str | None = None,
    *,
    number_formats: Mapping[str, str] | None = None,
    flag_col: str | None = "small_n",
    columns: Mapping[str, str] | Sequence[str] | None = None,
    max_rows: int = 50,
) -> _Display:
    """A formatted, escaped table for a report.

    Parameters
    ----------
    df : DataFrame
        The table; the index is ignored (reset it first to show it).
    caption : str, optional
        Title shown above the table.
    number_formats : mapping, optional
        Column to format spec, e.g. ``{"nps": "+.1f", "revenue": ",.0f"}``. Defaults: integers
        with thousands separators, floats with one decimal.
    flag_col : str, optional
        Boolean column marking rows to flag (small groups): flagged rows get "⚠ small n" and
        the column itself is not shown.
    columns : mapping or list, optional
        Columns to show (a mapping also renames them for display). Without a mapping,
        underscores in column names are shown as spaces (``nps_change`` → "nps change") so
        that headers can wrap in narrow PDF columns.
    max_rows : int
        Show at most this many rows and say how many were left out.
    """
    number_formats = dict(number_formats or {})
    frame = df.reset_index(drop=True)
    flags = None
    if flag_col and flag_col in frame.columns:
        flags = frame[flag_col].fillna(False).astype(bool).to_numpy()
        frame = frame.drop(columns=[flag_col])
    if columns is not None:
        names = (
            dict(columns)
            if isinstance(columns, Mapping)
            else {c: str(c).replace("_", " ") for c in columns}
        )
        frame = frame[list(names)]
    else:  # snake_case names are shown with spaces so that narrow columns can wrap
        names = {c: str(c).replace("_", " ") for c in frame.columns}
    cells = [
        [_fmt_cell(v, number_formats.get(c)) for c, v in row.items()]
        for _, row in frame.head(max_rows).iterrows()
    ]
    headers = [names[c] for c in frame.columns]
    if flags is not None:
        headers.append("flag")
        for i, row in enumerate(cells):
            row.append("⚠ small n" if flags[i] else "")
    numeric = [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]
    if flags is not None:
        numeric.append(False)
    more = len(frame) - len(cells)
    note = f"{more:,} more rows not shown." if more > 0 else ""

    h = ['<table class="cxm-table">']
    if caption:
        h.append(f"<caption>{html.escape(caption)}</caption>")
    h.append(
        "<thead><tr>"
        + "".join(f"<th>{html.escape(x)}</th>" for x in headers)
        + "</tr></thead><tbody>"
    )
    for i, row in enumerate(cells):
        cls = ' class="cxm-flag"' if flags is not None and flags[i] else ""
        tds = "".join(
            f"<td{_RIGHT if numeric[j] else ''}>{html.escape(v)}</td>" for j, v in enumerate(row)
        )
        h.append(f"<tr{cls}>{tds}</tr>")
    h.append("</tbody></table>")
    if note:
        h.append(f"<p><em>{html.escape(note)}</em></p>")

    md = []
    if caption:
        md.append(f"**{escape_markdown(caption)}**\n")
    md.append("| " + " | ".join(escape_markdown(x) for x in headers) + " |")
    # Pandoc sizes wrapped columns by the dashes of this line: make them follow the content.
    # A header wraps between words, so only its longest word sets a minimum.
    widths = [
        max([max(map(len, headers[j].split() or [""])), *(len(r[j]) for r in cells)])
        for j in range(len(headers))
    ]
    md.append(
        "|"
        + "|".join(
            ("-" * max(3, min(w, 40))) + ":" if n else ":" + "-" * max(3, min(w, 40))
            for n, w in zip(numeric, widths, strict=True)
        )
        + "|"
    )
    for row in cells:
        md.append("| " + " | ".join(escape_markdown(v) for v in row) + " |")
    if note:
        md.append(f"\n*{escape_markdown(note)}*")
    return _Display("\n".join(h), "\n".join(md) + "\n")


def quote_comments(
    df: pd.DataFrame,
    text: str = "comment",
    language: str | None = "language",
    columns: Sequence[str] = (),
    max_rows: int = 8,
    mask_pii: bool = True,
) -> _Display:
    """Customer quotes, each in its own script and direction, escaped and optionally PII-masked.

    Parameters
    ----------
    df : DataFrame
        Rows to quote (already selected and ordered); empty comments are skipped.
    text, language : str
        Columns with the comment and its ISO language code (``fa``, ``ar`` → right-to-left).
    columns : sequence of str
        Context columns shown after each quote (e.g. ``["ltr", "segment"]``).
    max_rows : int
        Number of quotes shown.
    mask_pii : bool
        Replace e-mail addresses and phone numbers before anything is shown.
    """
    rows = df[df[text].notna() & (df[text].astype(str).str.strip() != "")].head(max_rows)
    h, md = ['<div class="cxm-quotes">'], []
    for _, r in rows.iterrows():
        body = str(r[text])
        if mask_pii:
            body = _mask(body)
        lang = str(r[language]) if language and pd.notna(r.get(language)) else ""
        rtl = lang in RTL_LANGUAGES
        meta = " · ".join(f"{c}: {_fmt_cell(r[c], None)}" for c in columns)
        attrs = (f' lang="{html.escape(lang)}"' if lang else "") + (
            ' dir="rtl"' if rtl else ' dir="ltr"'
        )
        h.append(
            f"<blockquote{attrs}><p>{html.escape(body)}</p>"
            + (f'<footer dir="ltr">{html.escape(meta)}</footer>' if meta else "")
            + "</blockquote>"
        )
        span_attrs = " ".join(
            x for x in (f'lang="{lang}"' if lang else "", 'dir="rtl"' if rtl else "") if x
        )
        quoted = (
            f"[{escape_markdown(body)}]{{{span_attrs}}}" if span_attrs else escape_markdown(body)
        )
        md.append(f"> {quoted}" + (f"  \n> — *{escape_markdown(meta)}*" if meta else "") + "\n")
    h.append("</div>")
    if rows.empty:
        return _Display("<p><em>No comments.</em></p>", "*No comments.*\n")
    return _Display("".join(h), "\n".join(md))


def _mask(text: str) -> str:
    return str(mask_pii(text))


def callout(markdown: str, kind: str = "note") -> _Display:
    """A short paragraph of analyst prose (trusted Markdown written by the notebook, not
    customer text). ``kind`` is "note", "warning" or "important"."""
    import markdown_it

    body = markdown_it.MarkdownIt("commonmark", {"html": False}).render(markdown)
    return _Display(
        f'<div class="cxm-callout cxm-{html.escape(kind)}">{body}</div>',
        f"::: {{.callout-{kind}}}\n{markdown}\n:::\n",
    )


def kpi_cards(items: Sequence[Mapping[str, str]]) -> _Display:
    """Headline figures: each item has ``label``, ``value`` and optional ``detail``."""
    h = ['<div class="cxm-kpis">']
    md = [
        "| " + " | ".join(escape_markdown(i["label"]) for i in items) + " |",
        "|" + "|".join(":-:" for _ in items) + "|",
    ]
    md.append("| " + " | ".join(f"**{escape_markdown(i['value'])}**" for i in items) + " |")
    md.append("| " + " | ".join(escape_markdown(i.get("detail", "")) for i in items) + " |")
    for i in items:
        h.append(
            f'<div class="cxm-kpi"><div class="cxm-kpi-label">{html.escape(i["label"])}</div>'
            f'<div class="cxm-kpi-value">{html.escape(i["value"])}</div>'
            f'<div class="cxm-kpi-detail">{html.escape(i.get("detail", ""))}</div></div>'
        )
    h.append("</div>")
    return _Display("".join(h), "\n".join(md) + "\n")
