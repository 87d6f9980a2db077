"""Alchemer (formerly SurveyGizmo) CSV/Excel response exports.

One header row: the standard response fields, then one column per question titled with the
question text. The standard fields are those of Alchemer's SurveyResponse object (API help
"SurveyResponse Returned Fields") as the CSV export names them: ``Response ID``,
``Time Started``, ``Date Submitted``, ``Status`` (Complete, Partial, Disqualified),
``Contact ID``, ``Legacy Comments``, ``Comments``, ``Language``, ``Referer``,
``Extended Referer``, ``SessionID``, ``User Agent``, ``Tags``, ``IP Address``, ``Longitude``,
``Latitude``, ``Country``, ``City``, ``State/Region``, ``Postal``. Dates are written
``YYYY-MM-DD HH:MM:SS`` in US Eastern time ("EST/EDT or GMT -5/GMT -4").
"""

from __future__ import annotations

import re

from cxm_lab.importers.base import Header, Importer, RawTable, count_present, find_columns

__all__ = ["AlchemerImporter"]

STANDARD = (
    "Response ID",
    "Time Started",
    "Date Submitted",
    "Status",
    "Contact ID",
    "Legacy Comments",
    "Comments",
    "Language",
    "Referer",
    "Extended Referer",
    "SessionID",
    "User Agent",
    "Tags",
    "IP Address",
    "Longitude",
    "Latitude",
    "Country",
    "City",
    "State/Region",
    "Postal",
)
_DISTINCT = ("Time Started", "Date Submitted", "SessionID", "Legacy Comments", "Extended Referer")
_ROLES = {
    "response_id": ("Response ID",),
    "response_date": ("Date Submitted",),
    "start_date": ("Time Started",),
    "status": ("Status",),
    "language": ("Language",),
    "ip_address": ("IP Address",),
}


class AlchemerImporter(Importer):
    """Alchemer / SurveyGizmo: ``Response ID``, ``Time Started``, ``Date Submitted`` ..."""

    name = "alchemer"
    title = "Alchemer"
    file_hint = re.compile(r"alchemer|surveygizmo", re.IGNORECASE)

    def detect(self, raw: RawTable) -> float:
        start = raw.first_row()
        if start is None:
            return 0.0
        top = raw.row(start)
        if "Response ID" not in top:
            return 0.0
        distinct = count_present(top, _DISTINCT)
        if distinct >= 2:
            return 0.95
        return 0.5 if distinct and count_present(top, STANDARD) >= 5 else 0.0

    def header(self, raw: RawTable) -> Header:
        start = raw.first_row()
        top = raw.row(start)
        if start is None or "Response ID" not in top or not count_present(top, _DISTINCT):
            raise self.not_mine(raw, "no 'Response ID' / 'Date Submitted' / 'Time Started' columns")
        return Header(
            start,
            1,
            top,
            roles=find_columns(top, _ROLES),
            timezone="America/New_York",
            notes=["Alchemer dates are US Eastern time (documented as EST/EDT)"],
        )
