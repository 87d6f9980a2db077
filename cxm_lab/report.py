"""Display helpers for report notebooks, safe with untrusted customer text.

Each helper returns an object that shows as escaped HTML in JupyterLab (``_repr_html_``) and
carries escaped Markdown (``_repr_markdown_``) for the rendered report. Every string that came
from data (cells, captions, column labels, comments, language codes, callout values) goes
through :mod:`cxm_lab.safe`, the one escaping layer: a comment containing ``<script>`` or
`` `#x`{=typst} `` shows as that text in the HTML and in the PDF. Quotes keep their own script
and direction: Persian, Arabic, Hebrew and Urdu are marked ``dir="rtl"`` with their ``lang``
(Pandoc/Quarto span attributes in Markdown, attributes in HTML); a language value that is not
a valid BCP 47 tag is dropped, never written.

Templates are code, values are data: :func:`callout` takes trusted Markdown written by the
notebook author with ``{fields}`` filled from escaped values (:func:`cxm_lab.safe.md`).

Examples
--------
>>> md = callout("NPS of **{segment}** rose {change:+.1f} points.", segment="<b>SMB</b>",
...              change=4.04)._repr_markdown_()
>>> print(md)
::: {.callout-note}
NPS of **\\<b\\>SMB\\<\\/b\\>** rose \\+4\\.0 points.
:::
<BLANKLINE>
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cxm_lab import safe
from cxm_lab.errors import ParameterError
from cxm_lab.privacy import mask_pii as _mask_pii

__all__ = [
    "CALLOUT_KINDS",
    "COLUMN_LABELS",
    "MONEY_FORMATS",
    "callout",
    "column_label",
    "column_labels",
    "format_p",
    "kpi_cards",
    "quote_comments",
    "show_table",
]

#: ``show_table`` number formats of the money columns of the revenue tables (whole currency
#: units with thousands separators); notebooks spread it into their ``number_formats``.
MONEY_FORMATS: dict[str, str] = {
    c: ",.0f"
    for c in (
        "revenue",
        "avg_revenue",
        "expected_loss",
        "loss_low",
        "loss_high",
        "shortcut_impact",
        "lost_revenue",
        "referral_revenue",
        "revenue_before",
        "value_per_point",
        "ci_low",
        "ci_high",
    )
}

_RIGHT = ' style="text-align:right"'
#: The kinds of :func:`callout` box (Quarto callout names).
CALLOUT_KINDS = ("note", "warning", "important", "tip")

#: Backward-compatible alias of :func:`cxm_lab.safe.markdown_text` (use that).
escape_markdown = safe.markdown_text


#: How the project's own column names read in a report.
COLUMN_LABELS = {
    "ltr": "Likelihood to recommend",
    "nps": "NPS",
    "nps_category": "NPS category",
    "csat": "CSAT",
    "ces": "CES",
    "account_name": "Account",
    "account_id": "Account id",
    "response_id": "Response id",
    "language": "Language",
    "category": "Theme",
}


def column_label(name: str) -> str:
    """A reader's label for a column: the project's own names in words (``ltr`` →
    "Likelihood to recommend"), others with underscores as spaces and the first letter in
    capitals, the rest as written (``used R`` stays "Used R").

    Parameters
    ----------
    name : str
        A column name.

    Returns
    -------
    str
        The label (:data:`COLUMN_LABELS` for the project's own names).

    Examples
    --------
    >>> column_label("nps_category"), column_label("how often do you use R?")
    ('NPS category', 'How often do you use R?')
    """
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def column_labels(names: Sequence[str]) -> dict[str, str]:
    """:func:`column_label` of each name (for ``quote_comments(columns=...)``).

    Parameters
    ----------
    names : sequence of str
        Column names.

    Returns
    -------
    dict of str to str
        Name → label, in the order given.

    Examples
    --------
    >>> column_labels(["ltr", "segment"])
    {'ltr': 'Likelihood to recommend', 'segment': 'Segment'}
    """
    return {n: column_label(n) for n in names}


def format_p(p: float) -> str:
    """A p-value as a reader reads it: three decimals, and ``< 0.001`` below that.

    Scientific notation (``6.5e-206``) says nothing a decision needs; below 0.001 every
    p-value means the same thing.

    Parameters
    ----------
    p : float
        The p-value (missing gives ``–``).

    Returns
    -------
    str
        ``"0.042"``, ``"< 0.001"`` or ``"–"``.

    Examples
    --------
    >>> format_p(0.04213), format_p(6.5e-206), format_p(float("nan"))
    ('0.042', '< 0.001', '–')
    """
    if p is None or pd.isna(p):
        return "–"
    return "< 0.001" if p < 0.0005 else f"{p:.3f}"


#: A number format with text around it, such as ``"{:.1f}%"`` or ``"$ {:,.0f}"``.
_TEMPLATE = re.compile(r"([^{}]*)\{:([^{}]*)\}([^{}]*)")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _fmt_cell(value: object, fmt: str | None) -> str:
    """A cell as display text; negative numbers get a real minus sign (U+2212)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if fmt == "p" and _is_number(value):
        return format_p(float(value))  # type: ignore[arg-type]
    if fmt is not None:
        template = _TEMPLATE.fullmatch(fmt)
        if template and _is_number(value):  # "{:.1f}%": the number formatted, then the text
            head, spec, tail = template.groups()
            return head + safe.format_number(value, spec) + tail
        try:
            text = format(value, fmt)
        except (TypeError, ValueError):
            return str(value)
        return safe.format_number(value, fmt) if _is_number(value) else text
    if isinstance(value, (int, np.integer)):
        return safe.format_number(int(value), ",")
    if isinstance(value, (float, np.floating)):
        return safe.format_number(float(value), ",.1f")
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
    *,
    caption: str | None = None,
    number_formats: Mapping[str, str] | None = None,
    flag_col: str | None = "small_n",
    columns: Mapping[str, str] | Sequence[str] | None = None,
    max_rows: int = 50,
) -> _Display:
    """A formatted, escaped table for a report.

    Caption, column labels and cells are data: each is escaped for HTML and Markdown
    (:mod:`cxm_lab.safe`), so a cell like ``-2+3`` or ``*core*`` shows as written. Numeric
    columns are right-aligned; negative numbers are shown with a real minus sign (U+2212,
    e.g. "−3.0"), which lines up with "+" and cannot be read as a list marker.

    Parameters
    ----------
    df : DataFrame
        The table; the index is ignored (reset it first to show it).
    caption : str, optional
        Title shown above the table.
    number_formats : mapping, optional
        Column to format spec, e.g. ``{"nps": "+.1f", "revenue": ",.0f"}``, or a template with
        text around one ``{:spec}`` field, e.g. ``{"churn_rate": "{:.1f}%"}`` for a percentage
        already on 0–100 (a ``%`` *spec* would multiply by 100 again). Defaults: integers with
        thousands separators, floats with one decimal. ``"p"`` shows p-values as
        :func:`format_p` does (``< 0.001``).
    flag_col : str, optional
        Boolean column marking rows to flag (small groups): flagged rows get "⚠ small n" and
        the column itself is not shown.
    columns : mapping or list, optional
        Columns to show (a mapping also renames them for display). Without a mapping,
        underscores in column names are shown as spaces (``nps_change`` → "nps change") so
        that headers can wrap in narrow PDF columns.
    max_rows : int
        Show at most this many rows and say how many were left out.

    Returns
    -------
    object
        Shows as an HTML table in Jupyter (``_repr_html_``) and as a pipe table in the rendered
        report (``_repr_markdown_``).

    Raises
    ------
    ParameterError
        A column in ``columns`` that is not in ``df``.

    Examples
    --------
    >>> t = show_table(pd.DataFrame({"segment": ["SMB"], "nps": [-3.04], "small_n": [True]}),
    ...                number_formats={"nps": "+.1f"})
    >>> print(t._repr_markdown_())
    | segment | nps | flag |
    |:-------|----:|:---------|
    | SMB | −3\\.0 | ⚠ small n |
    <BLANKLINE>
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
        missing = [c for c in names if c not in frame.columns]
        if missing:
            raise ParameterError(
                f"show_table: columns {missing} are not in the table; choose from "
                f"{[str(c) for c in frame.columns]}"
            )
        frame = frame[list(names)]
    else:  # snake_case names are shown with spaces so that narrow columns can wrap
        names = {c: str(c).replace("_", " ") for c in frame.columns}
    cells = [
        [_fmt_cell(v, number_formats.get(c)) for c, v in zip(frame.columns, row, strict=True)]
        for row in frame.head(max_rows).itertuples(index=False, name=None)
    ]
    headers = [safe.clean_text(names[c]) for c in frame.columns]
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
        h.append(f"<caption>{safe.html_text(caption)}</caption>")
    h.append(
        "<thead><tr>"
        + "".join(f"<th>{safe.html_text(x)}</th>" for x in headers)
        + "</tr></thead><tbody>"
    )
    for i, row in enumerate(cells):
        cls = ' class="cxm-flag"' if flags is not None and flags[i] else ""
        tds = "".join(
            f"<td{_RIGHT if numeric[j] else ''}>{safe.html_text(v)}</td>" for j, v in enumerate(row)
        )
        h.append(f"<tr{cls}>{tds}</tr>")
    h.append("</tbody></table>")
    if note:
        h.append(f"<p><em>{safe.html_text(note)}</em></p>")

    md = []
    if caption:
        md.append(f"**{safe.markdown_text(caption)}**\n")
    md.append("| " + " | ".join(safe.markdown_text(x) for x in headers) + " |")
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
        md.append("| " + " | ".join(safe.markdown_text(v) for v in row) + " |")
    if note:
        md.append(f"\n*{safe.markdown_text(note)}*")
    return _Display("\n".join(h), "\n".join(md) + "\n")


def _span_lang(tag: str) -> str:
    """The ``lang`` written into a Pandoc span: the primary language subtag only.

    The report's Lua filter (``templates/rtl.lua``) passes a span's ``lang`` to Typst's
    ``text(lang: ...)``, which accepts only an ISO 639 code: ``pt-BR`` or ``zh-Hans`` would
    stop the PDF. The full tag is kept in the notebook HTML.
    """
    return tag.split("-", 1)[0]


def quote_comments(
    df: pd.DataFrame,
    *,
    text: str = "comment",
    language: str | None = "language",
    columns: Mapping[str, str] | Sequence[str] = (),
    max_rows: int = 8,
    mask_pii: bool = True,
) -> _Display:
    """Customer quotes, each in its own script and direction, escaped and optionally PII-masked.

    The language value goes through :func:`cxm_lab.safe.lang_tag`: a valid tag gives the
    quote its ``lang`` (and ``dir="rtl"`` when :func:`cxm_lab.safe.is_rtl`); an invalid or
    missing one gives no ``lang`` at all (HTML ``dir="auto"``). In the Markdown span only the
    primary language subtag is written (``pt-BR`` → ``pt``), the form Typst accepts.

    Parameters
    ----------
    df : DataFrame
        Rows to quote (already selected and ordered); empty comments are skipped.
    text, language : str
        Columns with the comment and its language (a BCP 47 tag such as ``fa``, ``pt-BR``,
        ``zh-Hans``, or a name such as ``English``). A missing ``language`` column (or None)
        means no language is marked.
    columns : mapping or sequence of str
        Context columns shown after each quote (e.g. ``["ltr", "segment"]``). A mapping gives
        each a display label (``{"account_name": "Account", "ltr": "Score"}``) so raw column
        names need not reach the reader; a sequence shows names with underscores as spaces.
    max_rows : int
        Number of quotes shown.
    mask_pii : bool
        Replace personal data (:func:`cxm_lab.privacy.mask_pii`) in the quote and in the text
        context values before anything is shown.

    Returns
    -------
    object
        Shows as block quotes in Jupyter (``_repr_html_``) and in the rendered report
        (``_repr_markdown_``); "No comments." when none is left.

    Raises
    ------
    ParameterError
        ``text`` or a context column that is not in ``df``.

    Examples
    --------
    >>> d = pd.DataFrame({"comment": ["خیلی *کند* است"], "language": ["fa-IR"], "ltr": [3]})
    >>> quote_comments(d, columns={"ltr": "Score"})._repr_markdown_()
    '> [خیلی \\\\*کند\\\\* است]{lang="fa" dir="rtl"}  \\n> — *Score\\\\: 3*\\n'
    """
    labels = (
        {c: str(v) for c, v in columns.items()}
        if isinstance(columns, Mapping)
        else {c: str(c).replace("_", " ") for c in columns}
    )
    wanted = [text, *labels]
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise ParameterError(
            f"quote_comments: columns {missing} are not in the table; choose from "
            f"{[str(c) for c in df.columns]}"
        )
    rows = df[df[text].notna() & (df[text].astype(str).str.strip() != "")].head(max_rows)
    if rows.empty:
        return _Display("<p><em>No comments.</em></p>", "*No comments.*\n")
    h, md = ['<div class="cxm-quotes">'], []
    for _, r in rows.iterrows():
        body = str(r[text])
        if mask_pii:
            body = str(_mask_pii(body))
        tag = safe.lang_tag(r[language]) if language and language in df.columns else None
        rtl = tag is not None and safe.is_rtl(tag)
        meta = []
        for c, label in labels.items():
            value = _fmt_cell(r[c], None)
            if mask_pii and isinstance(r[c], str):
                value = str(_mask_pii(value))
            meta.append((label, value))
        attrs = (f' lang="{safe.attribute_value(tag)}"' if tag else "") + (
            ' dir="rtl"' if rtl else ' dir="ltr"' if tag else ' dir="auto"'
        )
        meta_html = " · ".join(f"{safe.html_text(k)}: {safe.html_text(v)}" for k, v in meta)
        h.append(
            f"<blockquote{attrs}><p>{safe.html_text(body)}</p>"
            + (f'<footer dir="ltr">{meta_html}</footer>' if meta else "")
            + "</blockquote>"
        )
        span_attrs = " ".join(
            x
            for x in (
                f'lang="{safe.attribute_value(_span_lang(tag))}"' if tag else "",
                'dir="rtl"' if rtl else "",
            )
            if x
        )
        quoted = safe.markdown_text(body)
        if span_attrs:
            quoted = f"[{quoted}]{{{span_attrs}}}"
        meta_md = " · ".join(f"{safe.markdown_text(k)}\\: {safe.markdown_text(v)}" for k, v in meta)
        md.append(f"> {quoted}" + (f"  \n> — *{meta_md}*" if meta else "") + "\n")
    h.append("</div>")
    return _Display("".join(h), "\n".join(md))


def callout(template: str, /, *, kind: str = "note", **values: object) -> _Display:
    """A short paragraph of analyst prose, as a Quarto callout box.

    Templates are code, values are data. ``template`` is trusted Markdown written in the
    notebook (``**bold**``, ``*italic*``); every ``{field}`` in it is filled from ``values``,
    escaped (:func:`cxm_lab.safe.md`, with :meth:`str.format` specs such as
    ``{change:+.1f}``). Never build the template from data (an f-string with a segment or
    touchpoint name inside): pass the data as a value instead. A single already-built string
    without fields keeps working only when it contains no data; write ``{{`` / ``}}`` for
    literal braces.

    Parameters
    ----------
    template : str
        Trusted Markdown with named ``{fields}``.
    kind : str
        "note", "warning", "important" or "tip" (so no field may be named ``kind``).
    **values
        Data for the fields, each shown as text.

    Returns
    -------
    object
        Shows as a box in Jupyter (``_repr_html_``) and as a Quarto callout block in the
        rendered report (``_repr_markdown_``).

    Raises
    ------
    ParameterError
        An unknown ``kind``, a field without a value, or a value the template does not use.

    Examples
    --------
    >>> c = callout("Fix first: **{names}**.", kind="warning", names="billing, *support*")
    >>> print(c._repr_markdown_().splitlines()[1])
    Fix first: **billing\\, \\*support\\***.
    >>> "<strong>billing, *support*</strong>" in c._repr_html_()
    True
    """
    import markdown_it

    if kind not in CALLOUT_KINDS:
        raise ParameterError(
            f"callout: kind must be one of {', '.join(CALLOUT_KINDS)}; got {kind!r}"
        )
    markdown = safe.md(template, **values)
    body = markdown_it.MarkdownIt("commonmark", {"html": False}).render(markdown)
    return _Display(
        f'<div class="cxm-callout cxm-{kind}">{body}</div>',
        f"::: {{.callout-{kind}}}\n{markdown}\n:::\n",
    )


def kpi_cards(items: Sequence[Mapping[str, str]]) -> _Display:
    """Headline figures in a row of cards.

    Parameters
    ----------
    items : sequence of mapping
        One card each: ``label``, ``value`` and optional ``detail`` (all text, escaped).

    Returns
    -------
    object
        Shows as cards in Jupyter (``_repr_html_``) and as a centred table in the rendered
        report (``_repr_markdown_``).

    Examples
    --------
    >>> print(kpi_cards([{"label": "NPS", "value": "+12.0", "detail": "n=1,204"}])._repr_markdown_())
    | NPS |
    |:-:|
    | **\\+12\\.0** |
    | n\\=1\\,204 |
    <BLANKLINE>
    """
    h = ['<div class="cxm-kpis">']
    md = [
        "| " + " | ".join(safe.markdown_text(i["label"]) for i in items) + " |",
        "|" + "|".join(":-:" for _ in items) + "|",
    ]
    md.append("| " + " | ".join(f"**{safe.markdown_text(i['value'])}**" for i in items) + " |")
    md.append("| " + " | ".join(safe.markdown_text(i.get("detail", "")) for i in items) + " |")
    for i in items:
        h.append(
            f'<div class="cxm-kpi"><div class="cxm-kpi-label">{safe.html_text(i["label"])}</div>'
            f'<div class="cxm-kpi-value">{safe.html_text(i["value"])}</div>'
            f'<div class="cxm-kpi-detail">{safe.html_text(i.get("detail", ""))}</div></div>'
        )
    h.append("</div>")
    return _Display("".join(h), "\n".join(md) + "\n")
