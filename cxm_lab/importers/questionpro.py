"""QuestionPro raw data exports (Analytics > Raw Data, CSV or Excel).

QuestionPro's help page "System Variables Explained" documents the first columns of every raw
data download: ``Response ID``, ``IP Address``, ``Timestamp`` (server time, "United States
(West Coast) PST Timezone"; headed ``Timestamp (mm/dd/yyyy)``), ``Duplicate``,
``Time Taken to Complete (Seconds)``, ``Response Status``, ``Seq. Number``,
``External Reference``, ``Custom Variable 1`` .. ``5``, ``Respondent Email``, and with the
analysis option the geo codes (``Country Code``, ``Region``, ...). The questions follow.

Report lines (survey name, export date) may come before the header, and the row just above the
system-variable row may hold question texts spanning their option columns; both are handled:
the header is the first row (within the first 20) that names ``Response ID`` and at least two
other system variables.
"""

from __future__ import annotations

import re

from cxm_lab.importers.base import (
    Header,
    Importer,
    RawTable,
    count_present,
    find_columns,
    forward_fill_question,
)

__all__ = ["QuestionProImporter"]

SYSTEM = (
    "Response ID",
    "IP Address",
    "Timestamp (mm/dd/yyyy)",
    "Timestamp (dd/mm/yyyy)",
    "Timestamp",
    "Duplicate",
    "Time Taken to Complete (Seconds)",
    "Response Status",
    "Seq. Number",
    "Sequence Number",
    "External Reference",
    "Custom Variable 1",
    "Custom Variable 2",
    "Respondent Email",
    "Email List",
    "Country Code",
    "Region",
)
_ROLES = {
    "response_id": ("Response ID",),
    "response_date": ("Timestamp (mm/dd/yyyy)", "Timestamp (dd/mm/yyyy)", "Timestamp"),
    "ip_address": ("IP Address",),
    "status": ("Response Status",),
    "duration": ("Time Taken to Complete (Seconds)",),
    "email": ("Respondent Email",),
}
_STRONG = (
    "Time Taken to Complete (Seconds)",
    "Seq. Number",
    "Timestamp (mm/dd/yyyy)",
    "Timestamp (dd/mm/yyyy)",
)
_SCAN = 20


def _is_header(cells: list[str]) -> bool:
    return "Response ID" in cells and count_present(cells, SYSTEM) >= 3


class QuestionProImporter(Importer):
    """QuestionPro: the system-variable row (``Response ID``, ``Timestamp (mm/dd/yyyy)`` ...)."""

    name = "questionpro"
    title = "QuestionPro"
    file_hint = re.compile(r"questionpro", re.IGNORECASE)

    def _find(self, raw: RawTable) -> int | None:
        for i in range(min(_SCAN, len(raw.records))):
            if _is_header(raw.row(i)):
                return i
        return None

    def detect(self, raw: RawTable) -> float:
        i = self._find(raw)
        if i is None:
            return 0.0
        top = raw.row(i)
        strong = count_present(top, _STRONG)
        return 0.95 if strong else 0.6

    def header(self, raw: RawTable) -> Header:
        i = self._find(raw)
        if i is None:
            raise self.not_mine(raw, "no 'Response ID' / 'Timestamp' / 'Response Status' row")
        top = raw.row(i)
        notes: list[str] = []
        above = raw.row(i - 1) if i > 0 else []
        system = {j for j, c in enumerate(top) if count_present([c], SYSTEM)}
        question_row = (
            bool(above)
            and any(c for c in above)
            and not any(above[j] for j in system if j < len(above))
            and any(c for j, c in enumerate(above) if j not in system)
        )
        if question_row:
            questions = forward_fill_question(above, top)
            names = []
            for j, option in enumerate(top):
                q = questions[j] if j < len(questions) else ""
                names.append(f"{q} | {option}" if q and option and q != option else (q or option))
            start, rows = i - 1, 2
            notes.append("2 header rows (question text + system variables / options)")
        else:
            names, questions, start, rows = top, None, i, 1
        preamble = sum(1 for k in range(start) if any(c.strip() for c in raw.records[k]))
        if preamble:
            notes.append(
                f"{preamble} report line{'s' if preamble > 1 else ''} before the header skipped"
            )
        header = Header(
            start, rows, names, questions=names if question_row else questions, notes=notes
        )
        header.roles = find_columns(names, _ROLES)
        header.timezone = "America/Los_Angeles"
        header.notes.append("Timestamp is QuestionPro server time (documented as US Pacific)")
        if "Timestamp (dd/mm/yyyy)" in names:
            header.dayfirst = True
        elif "Timestamp (mm/dd/yyyy)" in names:
            header.dayfirst = False
        return header
