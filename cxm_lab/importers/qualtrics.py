"""Qualtrics response exports (CSV/TSV, "Data Table" and legacy layouts).

Modern exports have three header rows: column ids (``StartDate``, ``ResponseId``, ``Q1``,
``Q2_1``), the question texts in the survey's language, and an ``ImportId`` JSON row
(``{"ImportId":"QID1"}``; date columns carry ``"timeZone":"America/New_York"``). Some
downloads leave out the third row. Legacy exports have a ``V1``, ``V2``, ... row, then a row
with the meta names (``ResponseID``, ``ResponseSet``, ``EndDate``) and question texts; they
often end every line with a comma. The TSV download is UTF-16 (read in :mod:`.base`).

Column names are the ids of the first row; for legacy ``V1``.. columns the name of the second
row (``ResponseID``). Dates are written ``2017-07-18 08:28:09`` in the declared zone.
"""

from __future__ import annotations

import json
import re

from cxm_lab.importers.base import Header, Importer, RawTable, count_present, find_columns

__all__ = ["QualtricsImporter"]

_META = (
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientEmail",
    "DistributionChannel",
    "UserLanguage",
)
_LEGACY_META = ("ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress",
                "IPAddress", "Status", "StartDate", "EndDate", "Finished")  # fmt: skip
_ROLES = {
    "response_id": ("ResponseId", "ResponseID", "_recordId"),
    "response_date": ("RecordedDate", "EndDate"),
    "start_date": ("StartDate",),
    "language": ("UserLanguage", "Q_Language"),
    "email": ("RecipientEmail", "EmailAddress"),
    "ip_address": ("IPAddress",),
    "status": ("Status",),
    "duration": ("Duration (in seconds)",),
}
_V = re.compile(r"^V\d+$")
_RESPONSE_ID = re.compile(r"^R_\w+$")


def _is_import_id_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and sum(c.startswith('{"ImportId"') for c in filled) >= 0.5 * len(filled)


def _time_zone(cells: list[str]) -> str | None:
    for cell in cells:
        if "timeZone" in cell:
            try:
                zone = json.loads(cell).get("timeZone")
            except (ValueError, AttributeError):
                continue
            if zone:
                return str(zone)
    return None


class QualtricsImporter(Importer):
    """Qualtrics: ids / question texts / ImportId rows, or the legacy ``V1``.. layout."""

    name = "qualtrics"
    title = "Qualtrics"
    file_hint = re.compile(r"qualtrics", re.IGNORECASE)

    def detect(self, raw: RawTable) -> float:
        start = raw.first_row()
        if start is None:
            return 0.0
        top, second, third = raw.row(start), raw.row(start + 1), raw.row(start + 2)
        if _is_import_id_row(third):
            return 1.0
        if len(top) >= 2 and _V.match(top[0]) and count_present(second, _LEGACY_META) >= 2:
            return 0.95
        hits = count_present(top, _META)
        if "ResponseId" in top and hits >= 3:
            return 0.85
        if count_present(top, _LEGACY_META) >= 4 and "ResponseID" in top:
            return 0.8
        return 0.1 * min(hits, 4)

    def header(self, raw: RawTable) -> Header:
        start = raw.first_row()
        if start is None:
            raise self.not_mine(raw, "no header row")
        top, second, third = raw.row(start), raw.row(start + 1), raw.row(start + 2)
        notes: list[str] = []
        if len(top) >= 2 and _V.match(top[0]) and count_present(second, _LEGACY_META) >= 2:
            names = [
                (second[j] if j < len(second) and second[j] and _V.match(t) else t)
                for j, t in enumerate(top)
            ]
            notes.append("Qualtrics legacy export: V1.. row, then names and question texts")
            header = Header(start, 2, names, questions=second, notes=notes)
        else:
            if "ResponseId" not in top and "ResponseID" not in top:
                raise self.not_mine(raw, "no ResponseId column in the first row")
            zone = None
            if _is_import_id_row(third):
                rows = 3
                zone = _time_zone(third)
                notes.append(
                    "3 header rows (ids, question texts, ImportId)"
                    + (f"; dates declared in {zone}" if zone else "")
                )
            elif self._label_row(top, second):
                rows = 2
                notes.append("2 header rows (ids, question texts)")
            else:
                rows = 1
            header = Header(
                start, rows, top, questions=second if rows > 1 else None, timezone=zone, notes=notes
            )
        header.roles = find_columns(header.names, _ROLES)
        header.date_format = "%Y-%m-%d %H:%M:%S"
        return header

    @staticmethod
    def _label_row(top: list[str], second: list[str]) -> bool:
        """The second row holds texts (``Response ID``), not a response (``R_2YPO...``)."""
        key = "ResponseId" if "ResponseId" in top else "ResponseID"
        j = top.index(key)
        value = second[j] if j < len(second) else ""
        return bool(value) and not _RESPONSE_ID.match(value)
