"""LimeSurvey response exports (Responses > Export > CSV).

One header row in one of three heading styles: question codes (``id``, ``submitdate``,
``lastpage``, ``startlanguage``, ``seed``, ``LikertTypePage1[1]``), "question code & question
text" (``id. Response ID``, ``submitdate. Date submitted``,
``Page2Grid1[Y1_X1]. 1. This class is too stressful. [..][..]``) or full question text only
(``Response ID``, ``Date submitted``). Answers are codes (``A1``) or full texts
(``9. Completely agree``). UTF-8 with a byte-order mark; dates ``2020-04-30 22:07:00``
(anonymised surveys write ``1980-01-01 00:00:00``). Question timings add ``...Time`` columns and
``interviewtime``.

Column names are the codes; the question texts go to :attr:`Export.questions`.

Two conventions of LimeSurvey's data are applied (:meth:`LimeSurveyImporter.finish`):

- An empty ``submitdate`` means the response was not completed (the respondent left before the
  last page; ``lastpage`` says how far they got). Such rows are rejected with the reason
  ``incomplete response (LimeSurvey submitdate empty; lastpage 3)`` unless
  ``read_export(..., keep_incomplete=True)``.
- ``1980-01-01 00:00:00`` in the date columns (``submitdate``, ``startdate``, ``datestamp``) is
  the placeholder LimeSurvey writes when a survey is anonymised with date stamps off: it is read
  as no date, with a note. When no real date is left in ``submitdate`` the ``response_date``
  role is dropped, so the report runs without quarters instead of reporting "1980Q1".

A **codes-only export** (Headings: "Question code", Responses: "Answer codes": ``A1``, ``D4``,
``N0`` ... under ``LikertTypePage1[1]``) holds neither the answer labels nor the order of a
rating scale (a 9-point agree grid is coded D4 … D1, N0, A1 … A4). The importer says so in one
note (:data:`CODES_ONLY`: export "Full answers" with "Question code & question text"
headings), and :func:`coded_columns` names the coded columns, which ``cxm-lab init`` leaves out
of the dimensions with that reason.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cxm_lab.importers.base import (
    Export,
    Header,
    Importer,
    RawTable,
    count_present,
    find_columns,
    norm,
)

__all__ = ["ANSWER_CODE", "CODES_ONLY", "LimeSurveyImporter", "coded_columns"]

_CODES = ("submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "ipaddr",
          "refurl", "token", "interviewtime")  # fmt: skip
_TEXTS = ("Response ID", "Date submitted", "Last page", "Start language", "Seed",
          "Date started", "Date last action", "IP address", "Referrer URL")  # fmt: skip
_CODE_TEXT = re.compile(r"^(?P<code>[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]\s]*\])*)\. (?P<text>.*)$", re.S)
_ROLES = {
    "response_id": ("id", "Response ID"),
    "response_date": ("submitdate", "Date submitted"),
    "start_date": ("startdate", "Date started"),
    "language": ("startlanguage", "Start language"),
    "ip_address": ("ipaddr", "IP address"),
    "email": ("email", "Email address"),
    "duration": ("interviewtime", "Total time"),
}

#: The date columns (code and full-text heading) that may hold the anonymised placeholder.
_DATES = {
    "submitted": ("submitdate", "Date submitted"),
    "started": ("startdate", "Date started"),
    "last action": ("datestamp", "Date last action"),
}
_LAST_PAGE = {"last page": ("lastpage", "Last page")}
#: What LimeSurvey writes in the date columns of a survey anonymised with date stamps off.
ANONYMISED_DATE = re.compile(r"^1980-01-01(?:[ T]00:00(?::00)?)?$")


#: A LimeSurvey answer code as the codes-only export writes it ("A1", "D4", "N0", "SQ001", "A").
ANSWER_CODE = re.compile(r"^(?:[A-Z]{1,5}[0-9]{1,4}|[A-Z])$")
#: What to do about a codes-only export, said once by the importer and by ``cxm-lab init``.
CODES_ONLY = (
    "codes-only export: the answers are LimeSurvey answer codes (A1, D4, N0 ...) under question "
    "codes, so answer labels and the order of rating scales are not in this file; in "
    'LimeSurvey export the responses again with Responses: "Full answers" and Headings: '
    '"Question code & question text"'
)


def coded_columns(export: Export) -> list[str]:
    """The columns of a LimeSurvey codes-only export (every heading a question code, no
    question text) whose every answer is an answer code (``A1``, ``D4``, ``N0``, ``A``): choice
    and Likert-grid questions whose labels and scale order the file does not hold.

    Parameters
    ----------
    export : Export
        An export read by :func:`cxm_lab.importers.read_export`.

    Returns
    -------
    list of str
        The coded columns; empty for any other export (one with question texts or full
        answers, or from another tool).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from cxm_lab.importers import read_export
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "results-survey1.csv"
    >>> _ = p.write_text("id,submitdate,lastpage,startlanguage,Grid[1],Age,Q2\\n"
    ...                  "1,2020-04-30 22:07:00,2,en,A1,A2,fine\\n"
    ...                  "2,2020-04-30 22:08:00,2,en,D4,A1,good\\n")
    >>> coded_columns(read_export(p))
    ['Grid[1]', 'Age']
    """
    if export.source != "limesurvey":
        return []
    names = [str(c) for c in export.data.columns]
    if any(" ".join(str(export.questions.get(c, c)).split()) != c for c in names):
        return []  # headings with question text: a full export
    out = []
    for col in names:
        cells = export.data[col].dropna().astype(str)
        if len(cells) and cells.str.fullmatch(ANSWER_CODE.pattern).all() and col not in _CODES:
            out.append(col)
    return out


def _split(cell: str) -> tuple[str, str]:
    m = _CODE_TEXT.match(cell)
    return (m.group("code"), m.group("text").strip()) if m else (cell, cell)


class LimeSurveyImporter(Importer):
    """LimeSurvey: ``id``, ``submitdate``, ``lastpage``, ``startlanguage`` ..., any heading."""

    name = "limesurvey"
    title = "LimeSurvey"
    file_hint = re.compile(r"^results-survey\d+|limesurvey", re.IGNORECASE)

    def detect(self, raw: RawTable) -> float:
        start = raw.first_row()
        if start is None:
            return 0.0
        top = raw.row(start)
        codes = [_split(c)[0] for c in top]
        if codes and norm(codes[0]) == "id" and count_present(codes, _CODES) >= 2:
            return 0.95
        if count_present(top, _TEXTS) >= 3 and norm(top[0]) == "response id":
            return 0.9
        return 0.0

    def header(self, raw: RawTable) -> Header:
        start = raw.first_row()
        top = raw.row(start)
        if start is None or not top:
            raise self.not_mine(raw, "no header row")
        pairs = [_split(c) for c in top]
        codes = [p[0] for p in pairs]
        if norm(codes[0]) == "id" and count_present(codes, _CODES) >= 2:
            with_text = any(p[0] != p[1] for p in pairs)
            style = "question code & text" if with_text else "question codes"
            header = Header(
                start, 1, codes, questions=[p[1] for p in pairs], notes=[f"headings: {style}"]
            )
        elif count_present(top, _TEXTS) >= 3:
            header = Header(start, 1, top, notes=["headings: full question text"])
        else:
            raise self.not_mine(raw, "no id / submitdate / startlanguage columns")
        header.roles = find_columns(header.names, _ROLES)
        header.date_format = "%Y-%m-%d %H:%M:%S"
        return header

    def finish(self, export: Export, *, keep_incomplete: bool = False) -> Export:
        """Reject incomplete responses and read the anonymised date 1980-01-01 as no date.

        Parameters
        ----------
        export : Export
            The rows as read.
        keep_incomplete : bool
            Keep responses with an empty ``submitdate`` (not completed) instead of rejecting
            them.

        Returns
        -------
        Export
            Completed responses (all with ``keep_incomplete``), placeholder dates as NA, and a
            note for each change.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from cxm_lab.importers import read_export
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "results-survey1.csv"
        >>> _ = p.write_text("id,submitdate,lastpage,startlanguage,Q1\\n"
        ...                  "1,1980-01-01 00:00:00,2,en,5\\n2,,1,en,3\\n")
        >>> ex = read_export(p)
        >>> ex.data["submitdate"].tolist(), ex.rejects["reason"].tolist()
        ([<NA>], ['incomplete response (LimeSurvey submitdate empty; lastpage 1)'])
        >>> "response_date" in ex.roles, ex.n_read
        (False, 2)
        """
        columns = [str(c) for c in export.data.columns]
        found = find_columns(columns, _DATES)
        submitted = found.get("submitted")
        if submitted is not None:
            incomplete = export.data[submitted].isna().to_numpy(dtype=bool)
            reason = f"incomplete response (LimeSurvey {submitted} empty"
            reasons: str | np.ndarray = reason + ")"
            last = find_columns(columns, _LAST_PAGE).get("last page")
            if last is not None:
                pages = export.data[last].astype("string")
                with_page = (reason + "; " + last + " " + pages + ")").fillna(reason + ")")
                reasons = with_page.to_numpy(dtype=object)
            export = export.reject_incomplete(
                incomplete,
                submitted,
                reasons,
                keep=keep_incomplete,
                why=f"{submitted} empty: not completed",
            )
        data = export.data
        for col in found.values():
            text = data[col].astype("string")
            placeholder = text.str.fullmatch(ANONYMISED_DATE.pattern).to_numpy(
                dtype=bool, na_value=False
            )
            if not placeholder.any():
                continue
            data[col] = data[col].where(~placeholder, pd.NA)
            n = int(placeholder.sum())
            export.notes.append(
                f"{col}: {n} {'cells hold' if n != 1 else 'cell holds'} 1980-01-01 00:00:00, the date "
                "LimeSurvey writes when a survey is anonymised with date stamps off: read as no date"
            )
        if coded_columns(export):
            export.notes.append(CODES_ONLY)
        role_col = export.roles.get("response_date")
        if role_col in data.columns and len(data) and data[role_col].isna().all():
            del export.roles["response_date"]
            export.notes.append(
                f"{role_col} holds no date: the responses have no dates, so the report has no "
                "quarters"
            )
        return export
