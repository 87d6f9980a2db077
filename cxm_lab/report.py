"""Display helpers for report notebooks, safe with untrusted customer text.

Each helper returns an object that shows as escaped HTML in JupyterLab (``_repr_html_``) and
carries escaped Markdown (``_repr_markdown_``) for the rendered report. Every string that came
from data (cells, captions, column labels, comments, language codes, callout values) goes
through :mod:`cxm_lab.safe`, the one escaping layer: a comment containing ``<script>`` or
`` `#x`{=typst} `` shows as that text in the HTML and in the PDF. Quotes keep their own script
and direction: a quote written in Persian, Arabic, Hebrew or Urdu script is marked
``dir="rtl"``, with its ``lang`` (Pandoc/Quarto span attributes in Markdown, attributes in
HTML); the direction follows the text itself, and a language value that is not a valid BCP 47
tag, or that names a language of the other direction than the text, is dropped, never written.

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
import unicodedata
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cxm_lab import safe
from cxm_lab.errors import ParameterError
from cxm_lab.privacy import mask_pii as _mask_pii

__all__ = [
    "CALLOUT_KINDS",
    "CODE_COLUMNS",
    "COLUMN_LABELS",
    "MONEY_FORMATS",
    "code_label",
    "callout",
    "column_label",
    "column_labels",
    "format_p",
    "kpi_cards",
    "plural",
    "quote_comments",
    "show_table",
    "table_line_chars",
    "TONES",
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
        "revenue_at_stake",
        "revenue_after",
        "first_year_revenue",
        "arr",
        "ci_low",
        "ci_high",
    )
}

_RIGHT = ' style="text-align:right"'
#: The kinds of :func:`callout` box (Quarto callout names).
CALLOUT_KINDS = ("note", "warning", "important", "tip")

#: Backward-compatible alias of :func:`cxm_lab.safe.markdown_text` (use that).
escape_markdown = safe.markdown_text


#: How the project's own column names read in a report (exact names; the rest are built from
#: their words by :func:`column_label`).
COLUMN_LABELS = {
    "ltr": "Likelihood to recommend",
    "nps": "NPS",
    "nps_category": "NPS group",
    "category": "Theme",
    "csat": "CSAT",
    "ces": "CES",
    "enps": "eNPS",
    "account_name": "Account",
    "account_id": "Account id",
    "response_id": "Response id",
    "language": "Language",
    "n": "n",
    "n_eff": "Effective n",
    "n_used": "n used",
    "se": "SE",
    "p": "p",
    "p_value": "p\u2011value",  # a non-breaking hyphen: the header never splits at it
    "p_adjusted": "Adjusted p",
    "p_adj": "Adjusted p",
    "small_n": "Small n",
    "value_per_point": "Value per NPS point",
}

#: Words written in capitals (or their own way) when a column name becomes a label.
_WORDS = {
    "nps": "NPS",
    "enps": "eNPS",
    "csat": "CSAT",
    "ces": "CES",
    "sla": "SLA",
    "arr": "ARR",
    "nrr": "NRR",
    "ltr": "LTR",
    "se": "SE",
    "kpi": "KPI",
    "id": "id",
    "pct": "%",
    "n": "n",
    "arpu": "ARPU",
    "qbr": "QBR",
}
#: Interval-bound words: ``ci_low`` → "95% CI low", ``change_low`` → "Change 95% CI low".
_BOUNDS = {"low": "low", "high": "high", "lo": "low", "hi": "high"}


def column_label(name: str, *, ci: float = 0.95) -> str:
    """A reader's label for a column.

    The project's own names read as words (``ltr`` → "Likelihood to recommend",
    ``p_value`` → "p-value"); other names are built from their words: acronyms in capitals
    (``ces_mean`` → "CES mean"), ``pct`` as "%", an interval bound with its level
    (``ci_low`` → "95% CI low", ``change_high`` → "Change 95% CI high"), the first letter in
    capitals and the rest as written (``used R`` stays "Used R").

    Parameters
    ----------
    name : str
        A column name.
    ci : float
        Confidence level of the interval-bound columns (``*_low``, ``*_high``).

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> column_label("nps_category"), column_label("how often do you use R?")
    ('NPS group', 'How often do you use R?')
    >>> column_label("ces_mean"), column_label("ci_low"), column_label("mean_ci_high", ci=0.9)
    ('CES mean', '95% CI low', 'Mean 90% CI high')
    >>> column_label("pct_promoters"), column_label("p_adjusted")
    ('% promoters', 'Adjusted p')
    """
    name = str(name)
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    words = name.replace("_", " ").split()
    if not words:
        return name.strip()
    if len(words) > 1 and words[-1].lower() in _BOUNDS and " " not in name.strip():
        head = [w for w in words[:-1] if w.lower() != "ci"]
        if head and head[-1].lower() == "boot":
            head[-1] = "bootstrap"
        level = f"{ci * 100:.0f}% CI {_BOUNDS[words[-1].lower()]}"
        text = " ".join([column_label("_".join(head), ci=ci), level] if head else [level])
        return text[:1].upper() + text[1:]
    if "_" in name:  # a snake_case name: its words, acronyms in capitals
        words = [_WORDS.get(w.lower(), w) for w in words]
    text = " ".join(words)
    return text if words[0] in ("%", "eNPS", "n", "p") else text[:1].upper() + text[1:]


def column_labels(names: Sequence[str], *, ci: float = 0.95) -> dict[str, str]:
    """:func:`column_label` of each name (for ``quote_comments(columns=...)``).

    Parameters
    ----------
    names : sequence of str
        Column names.
    ci : float
        Confidence level of interval-bound columns.

    Returns
    -------
    dict of str to str
        Name → label, in the order given.

    Examples
    --------
    >>> column_labels(["ltr", "segment"])
    {'ltr': 'Likelihood to recommend', 'segment': 'Segment'}
    """
    return {n: column_label(n, ci=ci) for n in names}


def plural(n: int, noun: str, *, many: str | None = None) -> str:
    """A count with its noun in agreement: "1 file", "2 files", "1,038 rows".

    The one place the report's sentences make a noun agree with its count (0 and 2 or more
    take the plural, 1 the singular); the count has thousands separators.

    Parameters
    ----------
    n : int
        The count.
    noun : str
        The singular, e.g. ``"file"`` or ``"driver rating"``.
    many : str, optional
        The plural when it is not ``noun`` + "s" (``"people"``, ``"analyses"``).

    Returns
    -------
    str
        ``"{n:,} {noun}"`` with the noun in agreement.

    Examples
    --------
    >>> plural(1, "file"), plural(2, "file"), plural(0, "quarter"), plural(1038, "row")
    ('1 file', '2 files', '0 quarters', '1,038 rows')
    >>> plural(1, "analysis", many="analyses"), plural(3, "analysis", many="analyses")
    ('1 analysis', '3 analyses')
    """
    word = noun if n == 1 else (many or f"{noun}s")
    return f"{int(n):,} {word}"


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
#: A format spec split around its grouping option (``"+.1f"`` → ``"+"``, ``""``, ``".1f"``).
_SPEC = re.compile(r"((?:.?[<>=^])?[+\- ]?z?#?0?\d*)([,_]?)((?:\.\d+)?[dfF%]?)")
#: Column names that hold p-values, shown as :func:`format_p` does whatever their format.
_P_COLUMNS = frozenset({"p", "p_value", "pvalue", "p_adjusted", "p_adj", "p_holm", "p_bh"})
#: Project columns whose values are codes (``schema`` normalises them), shown as words.
CODE_COLUMNS = frozenset({"survey_type"})


def code_label(code: object) -> str:
    """A project code as it reads in the report: underscores become hyphens.

    Parameters
    ----------
    code : object
        A code such as a survey type.

    Returns
    -------
    str
        Plain text (escaping is the caller's: every table and sentence escapes its cells).

    Examples
    --------
    >>> code_label("in_the_moment")
    'in-the-moment'
    """
    return str(code).replace("_", "-")


def _long_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """A long table (a ``dimension`` column naming the column that each row's ``group`` or
    ``value`` comes from) with the rows of a code column (:data:`CODE_COLUMNS`) in words: the
    dimension "survey type", the value "in-the-moment"."""
    if "dimension" not in frame.columns:
        return frame
    coded = frame["dimension"].astype(str).isin(CODE_COLUMNS).to_numpy()
    if not coded.any():
        return frame
    frame = frame.copy()
    for c in ("group", "value"):
        if c in frame.columns:
            words = [code_label(v) if isinstance(v, str) else v for v in frame[c]]
            frame[c] = np.where(coded, np.array(words, dtype=object), frame[c].to_numpy(object))
    names = [str(d).replace("_", " ") for d in frame["dimension"]]
    frame["dimension"] = np.where(
        coded, np.array(names, dtype=object), frame["dimension"].to_numpy(object)
    )
    return frame


def _grouped(spec: str) -> str:
    """``spec`` with thousands separators: ``"+.1f"`` → ``"+,.1f"`` (specs without a fixed-point
    or integer type, such as ``".4g"``, are kept)."""
    m = _SPEC.fullmatch(spec)
    if m is None or m.group(2) or not spec:
        return spec
    return m.group(1) + "," + m.group(3)


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
    if fmt == "code" and isinstance(value, str):
        return code_label(value)
    if fmt == "p" and _is_number(value):
        return format_p(float(value))  # type: ignore[arg-type]
    if fmt is not None:
        template = _TEMPLATE.fullmatch(fmt)
        if template and _is_number(value):  # "{:.1f}%": the number formatted, then the text
            head, spec, tail = template.groups()
            return head + safe.format_number(value, _grouped(spec)) + tail
        try:
            text = format(value, fmt)
        except (TypeError, ValueError):
            return str(value)
        return safe.format_number(value, _grouped(fmt)) if _is_number(value) else text
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
    ci: float = 0.95,
    currency: str | None = None,
    empty: str | None = None,
) -> _Display:
    """A formatted, escaped table for a report.

    Caption, column labels and cells are data: each is escaped for HTML and Markdown
    (:mod:`cxm_lab.safe`), so a cell like ``-2+3`` or ``*core*`` shows as written. Numeric
    columns are right-aligned and carry thousands separators; negative numbers are shown with a
    real minus sign (U+2212, e.g. "−3.0"), which lines up with "+" and cannot be read as a list
    marker. P-value columns (``p_value``, ``p_adjusted``...) read as :func:`format_p` writes
    them (``< 0.001``) whatever their format. The caption is the table's own (a Pandoc table
    caption): the PDF keeps it on the page of the table's first rows.

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
        Columns to show (a mapping also renames them for display). Without a mapping, each
        column is labelled by :func:`column_label` (``ces_mean`` → "CES mean", ``ci_low`` →
        "95% CI low").
    max_rows : int
        Show at most this many rows and say how many were left out.
    ci : float
        Confidence level named in the labels of interval bounds.
    currency : str, optional
        Currency of the money columns (those formatted with :data:`MONEY_FORMATS`), added to
        their labels: "Revenue (USD)".
    empty : str, optional
        The sentence shown instead of the table when ``df`` has no rows ("No row was
        rejected."), escaped as data; None: the table is shown with its header only.

    Returns
    -------
    object
        Shows as an HTML table in Jupyter (``_repr_html_``) and as a captioned pipe table in
        the rendered report (``_repr_markdown_``); an empty ``df`` with ``empty`` shows as
        that sentence.

    Raises
    ------
    ParameterError
        A column in ``columns`` that is not in ``df``.

    Examples
    --------
    >>> t = show_table(pd.DataFrame({"segment": ["SMB"], "nps": [-3.04], "small_n": [True]}),
    ...                number_formats={"nps": "+.1f"})
    >>> print(t._repr_markdown_())
    | Segment | NPS | Flag |
    |:---------|------:|:-----------|
    | SMB | −3\\.0 | ⚠ small n |
    <BLANKLINE>
    >>> t = show_table(pd.DataFrame({"revenue": [-12345.0], "p_value": [1e-9]}),
    ...                number_formats=MONEY_FORMATS, currency="USD", caption="Money")
    >>> print(t._repr_markdown_().splitlines()[0])
    Table: Money
    >>> print(t._repr_markdown_().splitlines()[2])
    | Revenue \\(USD\\) | p‑value |
    >>> print(t._repr_markdown_().splitlines()[4])
    | −12\\,345 | \\< 0\\.001 |
    >>> print(show_table(pd.DataFrame({"row": []}), empty="No row was rejected.")._repr_markdown_())
    No row was rejected\\.
    <BLANKLINE>
    """
    if empty is not None and len(df) == 0:
        return _Display(f"<p>{safe.html_text(empty)}</p>", safe.markdown_text(empty) + "\n")
    number_formats = dict(number_formats or {})
    frame = df.reset_index(drop=True)
    flags = None
    if flag_col and flag_col in frame.columns:
        flags = frame[flag_col].fillna(False).astype(bool).to_numpy()
        frame = frame.drop(columns=[flag_col])
    if columns is not None:
        names = (
            {c: str(v) for c, v in columns.items()}
            if isinstance(columns, Mapping)
            else {c: column_label(c, ci=ci) for c in columns}
        )
        missing = [c for c in names if c not in frame.columns]
        if missing:
            raise ParameterError(
                f"show_table: columns {missing} are not in the table; choose from "
                f"{[str(c) for c in frame.columns]}"
            )
        frame = frame[list(names)]
    else:
        names = {c: column_label(c, ci=ci) for c in frame.columns}
    frame = _long_codes(frame)
    for c in frame.columns:
        if str(c) in _P_COLUMNS:
            number_formats[c] = "p"
        elif str(c) in CODE_COLUMNS:
            number_formats.setdefault(c, "code")
    if currency:
        names = {
            c: f"{label} ({currency})"
            if c in MONEY_FORMATS and number_formats.get(c) == MONEY_FORMATS[c]
            else label
            for c, label in names.items()
        }
    cells = [
        [_fmt_cell(v, number_formats.get(c)) for c, v in zip(frame.columns, row, strict=True)]
        for row in frame.head(max_rows).itertuples(index=False, name=None)
    ]
    headers = [safe.clean_text(names[c]) for c in frame.columns]
    if flags is not None:
        headers.append("Flag")
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
        + "".join(
            f"<th{_RIGHT if numeric[j] else ''}>{safe.html_text(x)}</th>"
            for j, x in enumerate(headers)
        )
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
    if caption:  # a Pandoc table caption: <caption> in HTML, the table's figure in Typst
        md.append(f"Table: {safe.markdown_text(caption)}\n")
    # Pandoc sizes wrapped columns by the dashes of this line: make them follow the content.
    # A header wraps between words, so only its longest word sets a minimum; every column
    # also pays for its cell padding (2), so that short numbers never run into each other.
    widths = [
        2 + max([max(map(len, headers[j].split() or [""])), *(len(r[j]) for r in cells)])
        for j in range(len(headers))
    ]
    # Tables do not hyphenate: a column is at least its longest word, up to the 40 characters
    # any column may ask for; a longer word, or one in a column that the line could not give
    # its longest word (_dash_widths), gets break opportunities below.
    longest = [
        2
        + min(
            38,
            max(
                len(w) for text in [headers[j], *(r[j] for r in cells)] for w in [*text.split(), ""]
            ),
        )
        for j in range(len(headers))
    ]
    sized = [max(3, min(w, 40)) for w in widths]
    # When not every column can have its longest word, the values keep theirs (a number or a
    # category is never broken, up to UNBROKEN characters) and the headers' long words
    # ("Significant") break first; only a longer value (a URL, an id) breaks.
    data = [
        2
        + min(UNBROKEN, max(len(w) for v in ["", *(r[j] for r in cells)] for w in [*v.split(), ""]))
        for j in range(len(headers))
    ]
    line = table_line_chars(len(headers))
    dashes = _dash_widths(sized, longest, line, floors=data)
    if sum(sized) + len(sized) > PANDOC_COLUMNS:
        # The table fills the line and its cells wrap: a word longer than its column (a URL,
        # an id, a word that the shares could not make room for) would overprint the next
        # column, so it gets break opportunities at its column's width.
        room = [max(3, round(d * line / sum(dashes)) - 2) for d in dashes]
        headers = [_break_words(x, room[j]) for j, x in enumerate(headers)]
        cells = [[_break_words(v, room[j]) for j, v in enumerate(row)] for row in cells]
    md.append("| " + " | ".join(safe.markdown_text(x) for x in headers) + " |")
    md.append(
        "|"
        + "|".join(
            ("-" * d) + ":" if n else ":" + "-" * d for n, d in zip(numeric, dashes, strict=True)
        )
        + "|"
    )
    for row in cells:
        md.append("| " + " | ".join(safe.markdown_text(v) for v in row) + " |")
    if note:
        md.append(f"\n*{safe.markdown_text(note)}*")
    return _Display("\n".join(h), "\n".join(md) + "\n")


#: Characters of a table line in the PDF (A4, 1.8 cm margins, 7.5 pt type, cell insets), a
#: little under the measured ~120 so that a column sized for a word holds it.
TABLE_LINE_CHARS = 110
#: The PDF's smaller type for wide tables, as ``templates/typst-header.typ`` sets it: (more
#: than this many columns, type size in pt), widest first; other tables are set at
#: :data:`TABLE_TYPE_PT`. A test reads the template to keep the two in step.
WIDE_TABLE_TYPE: tuple[tuple[int, float], ...] = ((13, 6.2), (10, 6.7))
#: The PDF's table type size (pt) that :data:`TABLE_LINE_CHARS` is measured at.
TABLE_TYPE_PT = 7.5


def table_line_chars(n_columns: int) -> int:
    """Characters of a PDF table line for a table of ``n_columns``: wide tables are set in
    smaller type (:data:`WIDE_TABLE_TYPE`), so more characters fit their line.

    Parameters
    ----------
    n_columns : int
        The table's columns.

    Returns
    -------
    int
        :data:`TABLE_LINE_CHARS` scaled by the type size.

    Examples
    --------
    >>> table_line_chars(5), table_line_chars(12), table_line_chars(15)
    (110, 123, 133)
    """
    size = next((pt for more, pt in WIDE_TABLE_TYPE if n_columns > more), TABLE_TYPE_PT)
    return int(TABLE_LINE_CHARS * TABLE_TYPE_PT / size)


#: The longest word of a table value that is never broken for want of room (numbers,
#: categories such as "in-the-moment"); a longer one (a URL, an id) may be.
UNBROKEN = 15
#: Pandoc's ``--columns``: a pipe table with a line longer than this fills the text width and
#: wraps its cells, each column taking the share of its dashes.
PANDOC_COLUMNS = 72


def _dash_widths(
    widths: list[int],
    needs: list[int],
    line: int = TABLE_LINE_CHARS,
    *,
    floors: list[int] | None = None,
) -> list[int]:
    """Dash counts for a pipe table's separator line: Pandoc gives a table wider than a line
    the full text width, each column the share of its dashes. Shares follow ``widths`` (the
    content), except that no column gets less than ``needs`` (its longest word, in
    characters of a ``line``-character line); narrower tables keep ``widths``.

    When the needs together are wider than the line, not every column can hold its longest
    word: the needs are capped at the level where they just fill the line, so a column that
    needs less keeps its need and the widest ones share the rest equally; no column is capped
    below its ``floors`` entry (the longest word of its cells, so that values are never broken
    and only header words are) while the floors fit the line. Every
    column thus keeps its floor or an equal share of what is left, and the words longer than
    their column are broken by :func:`show_table` (:func:`_break_words`).

    Examples
    --------
    >>> _dash_widths([40, 40, 10, 10], [40, 40, 10, 10], line=60)  # 100 needed, 60 there
    [20, 20, 10, 10]
    >>> _dash_widths([40, 40, 10, 10], [40, 40, 10, 10], line=60, floors=[30, 3, 3, 3])
    [30, 10, 10, 10]
    >>> _dash_widths([40, 20, 20, 20], [10, 10, 10, 10], line=110)  # needs fit: by content
    [44, 22, 22, 22]
    """
    if sum(widths) + len(widths) <= PANDOC_COLUMNS:  # the table keeps natural widths
        return widths
    needs = [max(3, n) for n in needs]
    if sum(needs) >= line:
        floors = [min(max(3, f), n) for f, n in zip(floors or needs, needs, strict=True)]
        if sum(floors) > line:  # not even the headers fit: share the line out by them
            floors, needs = [3] * len(needs), floors
        return _fill(needs, floors, line)
    fixed: dict[int, int] = {}
    while True:
        free = [j for j in range(len(widths)) if j not in fixed]
        if not free:
            return [fixed[j] for j in range(len(widths))]
        # The fixed columns take less than the line (their needs sum to less than it).
        room = line - sum(fixed.values())
        total = sum(widths[j] for j in free)
        share = {j: widths[j] * room / total for j in free}
        short = [j for j in free if share[j] < needs[j]]
        if not short:
            return [fixed[j] if j in fixed else max(3, round(share[j])) for j in range(len(widths))]
        for j in short:
            fixed[j] = needs[j]


def _fill(needs: list[int], floors: list[int], line: int) -> list[int]:
    """Each column's ``max(floor, min(need, level))`` for the highest whole ``level`` whose
    columns fit ``line`` (the floors are at most the needs; the lowest level is 3)."""
    low, high = 3, max(needs)
    while low < high:  # the highest level that fits, by bisection
        mid = (low + high + 1) // 2
        if sum(max(f, min(n, mid)) for n, f in zip(needs, floors, strict=True)) <= line:
            low = mid
        else:
            high = mid - 1
    return [max(f, min(n, low)) for n, f in zip(needs, floors, strict=True)]


#: Break opportunity put into a word too long for its table column (shown as nothing; lets
#: Typst and the browser wrap the word there).
_BREAK = "\u200b"


def _break_words(text: str, limit: int) -> str:
    """``text`` with a zero-width space after every ``limit`` characters of a longer word,
    never before a combining mark or joiner (a letter and its accents stay together).

    Examples
    --------
    >>> _break_words("id 0123456789abc ok", 5).split()[1].split("\u200b")
    ['01234', '56789', 'abc']
    >>> _break_words("short words stay", 5)
    'short words stay'
    """
    limit = max(1, limit)

    def split(match: re.Match[str]) -> str:
        word, out, run = match.group(), [], 0
        for ch in word:
            joins = unicodedata.category(ch).startswith("M") or ch in "\u200c\u200d\ufe0f"
            if run >= limit and not joins:
                out.append(_BREAK)
                run = 0
            out.append(ch)
            run += 0 if joins else 1
        return "".join(out)

    return re.sub(rf"\S{{{limit + 1},}}", split, text)


def _span_lang(tag: str) -> str:
    """The ``lang`` written into a Pandoc span: the primary language subtag only.

    The report's Lua filter (``templates/rtl.lua``) passes a span's ``lang`` to Typst's
    ``text(lang: ...)``, which accepts only an ISO 639 code: ``pt-BR`` or ``zh-Hans`` would
    stop the PDF. The full tag is kept in the notebook HTML.
    """
    return tag.split("-", 1)[0]


def _text_direction(text: str) -> str | None:
    """``"rtl"`` or ``"ltr"`` from the first strong directional character of ``text``.

    The Unicode bidirectional class decides (``L`` is left to right, ``R`` and ``AL`` right to
    left), as the Unicode bidi algorithm's first-strong rule does; None when ``text`` has no
    strong character (digits, punctuation, emoji only).

    Examples
    --------
    >>> [_text_direction(t) for t in ["(6) too slow", "«خیلی» slow", "123 !", "שלום abc"]]
    ['ltr', 'rtl', None, 'rtl']
    """
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    if text[len(cut)] != " " and space > limit // 2:  # never end inside a word
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def _normalised(text: str) -> str:
    """Letters and digits only, case-folded: what two copies of one comment share."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _shingles(text: str, k: int = 3) -> frozenset[str]:
    return frozenset(text[i : i + k] for i in range(max(len(text) - k + 1, 1)))


def _distinct(texts: pd.Series, *, similar: float, limit: int) -> list:
    """Index labels of the first ``limit`` texts that repeat no earlier kept one (same
    normalised text, or 3-gram Jaccard similarity ≥ ``similar``)."""
    kept: list = []
    seen: list[frozenset[str]] = []
    exact: set[str] = set()
    for label, value in texts.items():
        if len(kept) >= limit:
            break
        norm = _normalised(value)
        if norm in exact:
            continue
        grams = _shingles(norm)
        if any(len(grams & g) / max(len(grams | g), 1) >= similar for g in seen):
            continue
        kept.append(label)
        seen.append(grams)
        exact.add(norm)
    return kept


def quote_comments(
    df: pd.DataFrame,
    *,
    text: str = "comment",
    language: str | None = "language",
    columns: Mapping[str, str] | Sequence[str] = (),
    max_rows: int = 8,
    mask_pii: bool = True,
    max_chars: int = 300,
    similar: float = 0.8,
) -> _Display:
    """Customer quotes, each in its own script and direction, escaped and optionally PII-masked.

    Long comments are cut at a word boundary with an ellipsis ("…"); a quote that repeats one
    already shown (the same text after case, spacing and punctuation are set aside, or
    character 3-gram Jaccard similarity of at least ``similar``) is left out, so the
    ``max_rows`` quotes shown are distinct.

    A quote's direction follows its own text: the first strong directional character
    (:func:`unicodedata.bidirectional` ``L`` against ``R``/``AL``) makes it left to right or
    right to left (``dir="rtl"``), whatever the respondent's language column says; only a
    quote without a strong character (digits, punctuation) takes its direction from the
    language, and one with neither is HTML ``dir="auto"``. The language value goes through
    :func:`cxm_lab.safe.lang_tag`: a valid tag gives the quote its ``lang`` unless
    :func:`cxm_lab.safe.is_rtl` says its direction is not the text's (an English comment from
    a respondent listed as ``fa`` is not marked Persian); an invalid, missing or contradicted
    one gives no ``lang`` at all. In the Markdown span only the primary language subtag is
    written (``pt-BR`` → ``pt``), the form Typst accepts.

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
        each a display label (``{"account_name": "Account", "ltr": "Score"}``); a sequence is
        labelled by :func:`column_label` (``account_name`` → "Account"), so raw column names
        never reach the reader.
    max_rows : int
        Number of quotes shown.
    mask_pii : bool
        Replace personal data (:func:`cxm_lab.privacy.mask_pii`) in the quote and in the text
        context values before anything is shown.
    max_chars : int
        Longest quote shown, in characters; longer ones are cut with "…".
    similar : float
        Character 3-gram Jaccard similarity from which a quote counts as a repeat (1 keeps
        all but exact repeats).

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
    >>> print(quote_comments(d, columns={"ltr": "Score"})._repr_markdown_())  # doctest: +NORMALIZE_WHITESPACE
    ::: {lang="fa" dir="rtl"}
    > [خیلی \\*کند\\* است]{lang="fa" dir="rtl"}
    >
    > [— *Score\\: 3*]{dir="ltr"}
    :::
    <BLANKLINE>
    >>> d = pd.DataFrame({"comment": ["Great support!", "great  support", "Slow " * 30]})
    >>> print(quote_comments(d, language=None, max_chars=20)._repr_markdown_())
    > Great support\\!
    <BLANKLINE>
    > Slow Slow Slow Slow…
    <BLANKLINE>
    """
    labels = (
        {c: str(v) for c, v in columns.items()}
        if isinstance(columns, Mapping)
        else column_labels(list(columns))
    )
    wanted = [text, *labels]
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise ParameterError(
            f"quote_comments: columns {missing} are not in the table; choose from "
            f"{[str(c) for c in df.columns]}"
        )
    from cxm_lab.text.analysis import has_text  # the one rule of what is a comment

    rows = df[has_text(df[text]).to_numpy(dtype=bool)]
    rows = rows.loc[_distinct(rows[text].astype(str), similar=similar, limit=max_rows)]
    if rows.empty:
        return _Display("<p><em>No comments.</em></p>", "*No comments.*\n")
    h, md = ['<div class="cxm-quotes">'], []
    for _, r in rows.iterrows():
        body = str(r[text])
        if mask_pii:
            body = str(_mask_pii(body))
        body = _shorten(body, max_chars)
        tag = safe.lang_tag(r[language]) if language and language in df.columns else None
        direction = _text_direction(body)
        if direction is not None and tag is not None and safe.is_rtl(tag) != (direction == "rtl"):
            tag = None  # the column names another script's language than the text is written in
        rtl = direction == "rtl" if direction is not None else tag is not None and safe.is_rtl(tag)
        meta = []
        for c, label in labels.items():
            value = _fmt_cell(r[c], None)
            if mask_pii and isinstance(r[c], str):
                value = str(_mask_pii(value))
            meta.append((label, value))
        attrs = (f' lang="{safe.attribute_value(tag)}"' if tag else "") + (
            ' dir="rtl"' if rtl else ' dir="ltr"' if tag or direction else ' dir="auto"'
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
        if rtl:  # the whole block right to left (HTML dir on the block, not only the words);
            # the credit is its own left-to-right paragraph, so its dash stays in front
            credit = f'>\n> [— *{meta_md}*]{{dir="ltr"}}\n' if meta else ""
            block = f"::: {{{span_attrs}}}\n> {quoted}\n{credit}:::\n"
        else:
            block = f"> {quoted}" + (f"  \n> — *{meta_md}*" if meta else "") + "\n"
        md.append(block)
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


#: Card tones: the colour a headline figure's status is shown in (also said in words).
TONES = {"good": "#1b7f5b", "bad": "#b42318", "neutral": None}


def kpi_cards(items: Sequence[Mapping[str, str]]) -> _Display:
    """Headline figures in a row of cards, each value coloured by its status.

    Parameters
    ----------
    items : sequence of mapping
        One card each: ``label``, ``value``, optional ``detail`` (all text, escaped) and
        optional ``tone``: ``"good"`` (green), ``"bad"`` (red) or ``"neutral"`` (default) —
        the colour of the value, e.g. on target or not. Colour is never the only signal: say
        the status in ``detail`` too.

    Returns
    -------
    object
        Shows as cards in Jupyter (``_repr_html_``) and as a centred table inside a
        ``cxm-kpis`` block in the rendered report (``_repr_markdown_``); a coloured value is a
        span of class ``cxm-tone-good`` / ``cxm-tone-bad`` (CSS in HTML, a Typst fill in PDF).

    Raises
    ------
    ParameterError
        An unknown ``tone``.

    Examples
    --------
    >>> print(kpi_cards([{"label": "NPS", "value": "+12.0", "detail": "n=1,204"}])._repr_markdown_())
    ::: {.cxm-kpis}
    | NPS |
    |:-:|
    | **\\+12\\.0** |
    | n\\=1\\,204 |
    :::
    <BLANKLINE>
    >>> kpi_cards([{"label": "NPS", "value": "34", "tone": "bad"}])._repr_markdown_().splitlines()[3]
    '| [**34**]{.cxm-tone-bad} |'
    """
    for i in items:
        tone = i.get("tone") or "neutral"
        if tone not in TONES:
            raise ParameterError(
                f"kpi_cards: tone {tone!r} of card {i.get('label')!r} is not one of "
                f"{sorted(TONES)}; pass good, bad or neutral."
            )

    def value_md(i: Mapping[str, str]) -> str:
        text = f"**{safe.markdown_text(i['value'])}**"
        tone = i.get("tone") or "neutral"
        return text if TONES[tone] is None else f"[{text}]{{.cxm-tone-{tone}}}"

    h = ['<div class="cxm-kpis">']
    md = [
        "::: {.cxm-kpis}",
        "| " + " | ".join(safe.markdown_text(i["label"]) for i in items) + " |",
        "|" + "|".join(":-:" for _ in items) + "|",
    ]
    md.append("| " + " | ".join(value_md(i) for i in items) + " |")
    md.append("| " + " | ".join(safe.markdown_text(i.get("detail", "")) for i in items) + " |")
    md.append(":::")
    for i in items:
        tone = i.get("tone") or "neutral"
        colour = TONES[tone]
        style = f' style="color:{colour}"' if colour else ""
        h.append(
            f'<div class="cxm-kpi cxm-tone-{tone}"><div class="cxm-kpi-label">'
            f"{safe.html_text(i['label'])}</div>"
            f'<div class="cxm-kpi-value"{style}>{safe.html_text(i["value"])}</div>'
            f'<div class="cxm-kpi-detail">{safe.html_text(i.get("detail", ""))}</div></div>'
        )
    h.append("</div>")
    return _Display("".join(h), "\n".join(md) + "\n")
