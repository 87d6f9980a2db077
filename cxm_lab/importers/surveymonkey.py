"""SurveyMonkey "All responses data" exports (CSV/XLSX, expanded layout).

Two header rows: the question texts, written once over the columns of a question (the other
cells of the merged range are blank), and a sub-header with ``Response`` /
``Open-Ended Response`` for one-column questions and the option or row label for
multi-column ones (multiple choice, matrix, ranking). Meta columns come first: ``RespondentID``
and ``CollectorID`` in older exports, ``Respondent ID``, ``Collector ID``, ``Start Date``,
``End Date``, ``IP Address``, ``Email Address``, ``First Name``, ``Last Name``,
``Custom Data 1`` in newer ones, with a blank sub-header. Older exports are not UTF-8
(Windows or Mac code pages: decoded in :mod:`.base`).

Column names: the question, or ``"question | option"`` under an option; ``Response`` alone
gives just the question.
"""

from __future__ import annotations

import re

from cxm_lab.importers.base import (
    Header,
    Importer,
    RawTable,
    find_columns,
    forward_fill_question,
    norm,
)

__all__ = ["SurveyMonkeyImporter"]

_ID_NAMES = ("RespondentID", "Respondent ID")
_META = ("CollectorID", "Collector ID", "StartDate", "Start Date", "EndDate", "End Date",
         "IP Address", "Email Address", "First Name", "FirstName", "Last Name", "LastName",
         "Custom Data", "Custom Data 1")  # fmt: skip
_PLAIN_SUB = {"response", "open-ended response", "open ended response"}
_ROLES = {
    "response_id": _ID_NAMES,
    "response_date": ("EndDate", "End Date"),
    "start_date": ("StartDate", "Start Date"),
    "email": ("Email Address", "EmailAddress"),
    "ip_address": ("IP Address", "IPAddress"),
}


def _has_id(cells: list[str]) -> bool:
    return any(norm(c) in ("respondentid", "respondent id") for c in cells)


class SurveyMonkeyImporter(Importer):
    """SurveyMonkey: question row with merged (blank) cells over a ``Response``/option row."""

    name = "surveymonkey"
    title = "SurveyMonkey"
    file_hint = re.compile(r"surveymonkey|^sheet_\d+", re.IGNORECASE)

    def detect(self, raw: RawTable) -> float:
        start = raw.first_row()
        if start is None:
            return 0.0
        top, sub = raw.row(start), raw.row(start + 1)
        if not _has_id(top):
            return 0.0
        if any(norm(c) in _PLAIN_SUB for c in sub):
            return 0.95
        return 0.7

    def header(self, raw: RawTable) -> Header:
        start = raw.first_row()
        top = raw.row(start)
        if start is None or not _has_id(top):
            raise self.not_mine(raw, "no RespondentID column in the first row")
        sub = raw.row(start + 1)
        id_col = next(j for j, c in enumerate(top) if norm(c) in ("respondentid", "respondent id"))
        two_rows = any(norm(c) in _PLAIN_SUB for c in sub) or (
            bool(sub) and id_col < len(sub) and not sub[id_col]
        )
        if not two_rows:
            return Header(start, 1, top, roles=find_columns(top, _ROLES))
        questions = forward_fill_question(top, sub)
        names = []
        for j, q in enumerate(questions):
            option = sub[j] if j < len(sub) else ""
            if not q:
                names.append(option)
            elif not option or norm(option) in _PLAIN_SUB:
                names.append(q)
            else:
                names.append(f"{q} | {option}")
        header = Header(
            start,
            2,
            names,
            questions=names,
            notes=["2 header rows (question text + option)"],
        )
        header.roles = find_columns(names, _ROLES)
        return header
