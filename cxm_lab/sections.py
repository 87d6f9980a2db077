"""What each part of a report needs, and one short line in its place when the data lacks it.

A report runs on whatever an export holds: a file with only a score still gives a report, a
file with a score and comments gives the text analysis too, one period gives a report without
the change sections. Each notebook section states what it needs; :class:`Sections` checks it
against the dataset and either lets the section run or shows one line saying what would enable
it. Every decision is also written into the notebook as a machine-readable output
(:data:`SECTION_MIME`) that the run collects into ``manifest.json``.

Notebooks declare their own needs in their metadata (``{"cxm": {"title": ..., "needs": {...}}}``)
so that the run can skip a whole notebook the data cannot support.

Examples
--------
>>> import pandas as pd
>>> from cxm_lab.io import Dataset
>>> ds = Dataset(tables={"responses": pd.DataFrame({"ltr": [9, 10, 3]})}, reads=[],
...              data_dir=".", config={"quarters": []})
>>> missing(ds, Needs(columns=("ltr",)))
[]
>>> missing(ds, Needs(columns=("comment",), periods=2))[0]
'open-text answers (rename the question to `comment` in the params file)'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from cxm_lab.errors import ParameterError
from cxm_lab.report import plural

__all__ = [
    "COLUMN_HINTS",
    "SECTION_MIME",
    "Needs",
    "Sections",
    "missing",
    "reason_text",
    "record",
    "skipped_markdown",
]

#: MIME type of the section decisions written into executed notebooks.
SECTION_MIME = "application/vnd.cxm-lab.section+json"

#: How to enable a section that needs a response column, per column.
COLUMN_HINTS = {
    "ltr": "a 0–10 likelihood-to-recommend score (rename the question to `ltr` in the params file)",
    "response_date": "response dates (rename the date column to `response_date`)",
    "quarter": "response dates (rename the date column to `response_date`)",
    "comment": "open-text answers (rename the question to `comment` in the params file)",
    "csat": "a 1–5 satisfaction score (rename it to `csat`)",
    "ces": "a 1–7 customer-effort score (rename it to `ces`)",
    "weight": "survey weights (rename the weight column to `weight`)",
    "account_id": "account ids linking responses to the CRM (rename it to `account_id`)",
    "contact_id": "contact ids (rename it to `contact_id`)",
}


def _table_hint(name: str) -> str:
    return (
        f"the {name} table (`{name}.csv` beside the export, or `tables: {{{name}: FILE}}` in "
        "the params file)"
    )


@dataclass(frozen=True)
class Needs:
    """What a section needs from the dataset.

    Attributes
    ----------
    columns : tuple of str
        Response columns that must be present with at least one value.
    any_of : tuple of str
        At least one of these response columns.
    tables : tuple of str
        Other tables that must be present and not empty.
    periods : int
        Distinct quarters the responses must span (2 for any change over time).
    drivers : int
        Driver ratings the run must name (``drivers:``) that are present.
    dimensions : int
        Columns to break results down by (``dimensions:``) that are present.
    min_comments : int
        Different comments with visible text the responses must hold (clustering needs a few
        dozen).
    """

    columns: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    periods: int = 0
    drivers: int = 0
    dimensions: int = 0
    min_comments: int = 0

    @classmethod
    def from_mapping(cls, spec: Mapping[str, Any]) -> Needs:
        """Needs from a mapping (notebook metadata or ``section(...)`` keywords).

        Parameters
        ----------
        spec : mapping
            Keys are the fields of :class:`Needs`; lists become tuples.

        Returns
        -------
        Needs

        Raises
        ------
        ParameterError
            An unknown key.

        Examples
        --------
        >>> Needs.from_mapping({"columns": ["ltr"], "periods": 2})
        Needs(columns=('ltr',), any_of=(), tables=(), periods=2, drivers=0, dimensions=0, min_comments=0)
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(spec) - known)
        if unknown:
            raise ParameterError(f"needs: unknown key(s) {unknown}; known: {sorted(known)}")
        return cls(
            **{
                k: tuple(v) if isinstance(v, list | tuple) else v
                for k, v in spec.items()
                if k in known
            }
        )


def _has(frame: Any, col: str) -> bool:
    return col in frame.columns and bool(frame[col].notna().any())


def missing(ds: Any, needs: Needs, *, rows: Any = None, rows_label: str = "this data") -> list[str]:
    """What the dataset lacks for ``needs``, each as a phrase that says how to enable it.

    Parameters
    ----------
    ds : Dataset
        The run's dataset (:class:`cxm_lab.io.Dataset`).
    needs : Needs
        What the section needs.
    rows : DataFrame, optional
        The responses the section computes on, when not all of them (the report quarter's):
        columns, drivers, dimensions and comments are counted in these.
    rows_label : str
        What ``rows`` are, in the phrase "(2026Q4 has 0)"; default "this data".

    Returns
    -------
    list of str
        One phrase per missing thing; empty when the section can run.

    Examples
    --------
    See the module docstring: a dataset with only ``ltr`` lacks comments and periods.

    >>> import pandas as pd
    >>> from cxm_lab.io import Dataset
    >>> ds = Dataset(tables={"responses": pd.DataFrame({"ltr": [9]})}, reads=[], data_dir=".",
    ...              config={"quarters": ["2026Q3"]})
    >>> missing(ds, Needs(periods=2))
    ['responses from at least 2 quarters (this data has 1)']
    >>> missing(ds, Needs(drivers=1))  # one driver: the noun agrees with its count
    ['at least 1 driver rating (`drivers:` in the params file; this data has 0)']
    """
    r = ds.tables.get("responses") if rows is None else rows
    out: list[str] = []
    for col in needs.columns:
        if r is None or not _has(r, col):
            hint = COLUMN_HINTS.get(col, f"a `{col}` column")
            if hint not in out:
                out.append(hint)
    if needs.any_of and (r is None or not any(_has(r, c) for c in needs.any_of)):
        out.append("one of " + ", ".join(f"`{c}`" for c in needs.any_of))
    for name in needs.tables:
        t = ds.tables.get(name)
        if t is None or len(t) == 0:
            out.append(_table_hint(name))
    if needs.periods:
        n = len(ds.config.get("quarters") or [])
        if n < needs.periods:
            have = "none: no response dates" if n == 0 else str(n)
            out.append(
                f"responses from at least {plural(needs.periods, 'quarter')} (this data has {have})"
            )
    if needs.drivers:
        present = [d for d in (ds.config.get("drivers") or {}) if r is not None and _has(r, d)]
        if len(present) < needs.drivers:
            out.append(
                f"at least {plural(needs.drivers, 'driver rating')} (`drivers:` in the params file; "
                f"{rows_label} has {len(present)})"
            )
    if needs.dimensions:
        present = [d for d in (ds.config.get("dimensions") or []) if r is not None and _has(r, d)]
        if len(present) < needs.dimensions:
            out.append("a column to break results down by (`dimensions:` in the params file)")
    if needs.min_comments:
        from cxm_lab.text.analysis import has_text

        n = 0
        if r is not None and "comment" in r:
            texts = r.loc[has_text(r["comment"]), "comment"].astype(str).str.strip()
            n = int(texts.nunique())
        if n < needs.min_comments:
            out.append(
                f"at least {plural(needs.min_comments, 'different comment')} ({rows_label} has {n})"
            )
    return out


def record(notebook: str, title: str, *, reasons: Sequence[str]) -> dict[str, Any]:
    """The manifest record of one section (or of a whole notebook).

    Parameters
    ----------
    notebook : str
        Notebook name.
    title : str
        Section title.
    reasons : sequence of str
        What the data lacks (from :func:`missing`); empty when the section is shown.

    Returns
    -------
    dict
        ``notebook``, ``section``, ``status`` (``"shown"`` or ``"skipped"``) and ``reason``.

    Examples
    --------
    >>> record("01_metrics", "NPS over time", reasons=["two quarters"])["reason"]
    'needs two quarters'
    >>> record("01_metrics", "Headline", reasons=[])["status"]
    'shown'
    """
    return {
        "notebook": notebook,
        "section": title,
        "status": "skipped" if reasons else "shown",
        "reason": "needs " + "; ".join(reasons) if reasons else None,
    }


def skipped_markdown(title: str, *, reasons: Sequence[str]) -> str:
    """The one line shown in place of a section (``title`` is notebook code, not data).

    Parameters
    ----------
    title : str
        Section title, written in the notebook.
    reasons : sequence of str
        What the data lacks (from :func:`missing`).

    Returns
    -------
    str
        One italic Markdown line.

    Examples
    --------
    >>> skipped_markdown("NPS over time", reasons=["two quarters"])
    '*NPS over time: not shown; needs two quarters.*\\n'
    """
    return f"*{title}: not shown; needs {'; '.join(reasons)}.*\n"


#: A Markdown code span of the reasons (:data:`COLUMN_HINTS`, table hints): `ltr`.
_CODE_SPAN = re.compile(r"`([^`]*)`")


def reason_text(reason: str | None) -> str | None:
    """A reason as plain text, for a table cell that shows its text as written.

    The reasons of :func:`missing` are Markdown written in this module: names the user types
    are code spans (``rename the question to `ltr` ``), which :func:`skipped_markdown` shows as
    code. A table cell is escaped as data, where the backticks would show literally; there the
    code spans become quoted names.

    Parameters
    ----------
    reason : str or None
        A reason from :func:`record` (``"needs ..."``), or None for a shown section.

    Returns
    -------
    str or None
        The reason with each code span written in quotation marks; None stays None.

    Examples
    --------
    >>> reason_text("needs a `touchpoint` column; `tables: {accounts: FILE}`")
    'needs a “touchpoint” column; “tables: {accounts: FILE}”'
    >>> reason_text(None) is None
    True
    """
    if reason is None:
        return None
    return _CODE_SPAN.sub(r"“\1”", reason)


class _SectionOutput:
    def __init__(self, rec: dict[str, Any], markdown: str):
        self.rec = rec
        self.markdown = markdown

    def _repr_mimebundle_(self, include=None, exclude=None):  # noqa: ANN001 - IPython protocol
        data = {SECTION_MIME: self.rec, "text/plain": self.markdown.strip()}
        if self.markdown:
            data["text/markdown"] = self.markdown
        return data


class Sections:
    """Gate the sections of one notebook on what the data holds.

    Parameters
    ----------
    ds : Dataset
        The run's dataset.
    notebook : str
        Notebook name, for the manifest.

    Examples
    --------
    In a notebook cell::

        section = Sections(ds, "01_metrics")
        if section("NPS over time", columns=["ltr"], periods=2):
            ...
    """

    def __init__(self, ds: Any, notebook: str):
        self.ds = ds
        self.notebook = notebook
        self.records: list[dict[str, Any]] = []

    def __call__(
        self,
        title: str,
        *,
        unmet: Sequence[str] = (),
        rows: Any = None,
        rows_label: str = "this data",
        **needs: Any,
    ) -> bool:
        """True when the section can run; otherwise shows one line saying what it needs.

        Keyword arguments are those of :class:`Needs`; ``unmet`` adds needs that only an
        analysis module can judge (e.g. :func:`cxm_lab.journey.weights_unmet`), phrased the
        same way ("relationship-survey responses ..."). ``rows`` are the responses the section
        computes on when not all of them (the report quarter's: a quarter that has just begun
        may hold no comment), named ``rows_label`` in the line (:func:`missing`).
        """
        reasons = missing(self.ds, Needs.from_mapping(needs), rows=rows, rows_label=rows_label) + [
            str(u) for u in unmet
        ]
        rec = record(self.notebook, title, reasons=reasons)
        self.records.append(rec)
        try:
            from IPython.display import display
        except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
            return not reasons
        display(_SectionOutput(rec, skipped_markdown(title, reasons=reasons) if reasons else ""))
        return not reasons
