"""Typeform response downloads (CSV/XLSX from Results > Responses > Download).

One header row: ``#`` (the response token), the question titles in the form's language, one
column per option of multiple-selection questions (headed by the option; the free-text option
is headed ``Other``, so ``Other`` repeats), then ``Start Date (UTC)``, ``Submit Date (UTC)``,
``Network ID`` (and in newer downloads ``Response Type``, ``Stage Date (UTC)``, ``Tags``,
``Ending``). Dates are UTC as the header says: ``2021-04-14 09:31:14``. Yes/no answers are
``1``/``0``.
"""

from __future__ import annotations

import re

from cxm_lab.importers.base import Header, Importer, RawTable, count_present, find_columns

__all__ = ["TypeformImporter"]

_META = ("Start Date (UTC)", "Submit Date (UTC)", "Network ID", "Stage Date (UTC)",
         "Response Type", "Tags", "Ending")  # fmt: skip
_ROLES = {
    "response_id": ("#", "Token", "Response ID"),
    "response_date": ("Submit Date (UTC)", "Submitted At"),
    "start_date": ("Start Date (UTC)",),
    "status": ("Response Type",),
}
_ZONE = re.compile(r"\((UTC|GMT)\)$")


class TypeformImporter(Importer):
    """Typeform: ``#`` first, ``Start Date (UTC)`` / ``Submit Date (UTC)`` / ``Network ID`` last."""

    name = "typeform"
    title = "Typeform"
    file_hint = re.compile(r"^res_\w+|typeform|^responses-\w+-", re.IGNORECASE)

    def detect(self, raw: RawTable) -> float:
        start = raw.first_row()
        if start is None:
            return 0.0
        top = raw.row(start)
        meta = count_present(top, _META)
        if top and top[0] == "#":
            return 0.95 if meta >= 1 else 0.4
        return 0.3 if meta >= 3 else 0.0

    def header(self, raw: RawTable) -> Header:
        start = raw.first_row()
        top = raw.row(start)
        if start is None or not top or (top[0] != "#" and count_present(top, _META) < 2):
            raise self.not_mine(raw, "no '#' or 'Submit Date (UTC)' column")
        header = Header(start, 1, top, roles=find_columns(top, _ROLES))
        zones = {m.group(1) for name in top if (m := _ZONE.search(name))}
        if zones:
            header.timezone = "UTC"
            header.notes.append("dates declared in UTC by the column names")
        header.date_format = "%Y-%m-%d %H:%M:%S"
        return header
