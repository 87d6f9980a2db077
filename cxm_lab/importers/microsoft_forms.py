"""Microsoft Forms responses ("Open results in Excel" / "Download a copy": .xlsx).

One sheet (``Form1`` / ``Sheet1``) with one header row: ``ID``, ``Start time``,
``Completion time``, ``Email``, ``Name`` (``anonymous`` for anonymous forms), in newer
workbooks ``Last modified time`` (and ``Language`` for multilingual forms), then one column per
question headed with its text. Quizzes add ``Total points``, ``Quiz feedback`` and
``Points - <question>`` / ``Feedback - <question>`` columns. Multiple-answer choices are joined
with ``;`` (with a trailing ``;``). Times are Excel date cells (read as ISO text); when the
workbook is saved as CSV they are written in the user's locale.
"""

from __future__ import annotations

import re

from cxm_lab.importers.base import Header, Importer, RawTable, count_present, find_columns, norm

__all__ = ["MicrosoftFormsImporter"]

_META = ("ID", "Start time", "Completion time", "Email", "Name", "Last modified time", "Language")
_ROLES = {
    "response_id": ("ID", "Id"),
    "response_date": ("Completion time",),
    "start_date": ("Start time",),
    "email": ("Email",),
    "language": ("Language",),
}


class MicrosoftFormsImporter(Importer):
    """Microsoft Forms: ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``."""

    name = "microsoft_forms"
    title = "Microsoft Forms"
    file_hint = re.compile(r"\(\d+-\d+\)\.xlsx$|microsoft forms|msforms", re.IGNORECASE)

    def detect(self, raw: RawTable) -> float:
        start = raw.first_row()
        if start is None:
            return 0.0
        top = raw.row(start)
        if (
            top
            and norm(top[0]) == "id"
            and count_present(top, ("Start time", "Completion time")) == 2
        ):
            return 0.95
        return 0.4 if count_present(top, _META) >= 4 else 0.0

    def header(self, raw: RawTable) -> Header:
        start = raw.first_row()
        top = raw.row(start)
        if start is None or count_present(top, ("Start time", "Completion time")) < 2:
            raise self.not_mine(raw, "no 'Start time' / 'Completion time' columns")
        header = Header(start, 1, top, roles=find_columns(top, _ROLES))
        if raw.encoding == "spreadsheet":
            header.date_format = "%Y-%m-%d %H:%M:%S"
        return header
