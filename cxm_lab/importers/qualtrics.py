"""Qualtrics response exports (CSV/TSV, "Data Table" and legacy layouts).

Modern exports have three header rows: column ids (``StartDate``, ``ResponseId``, ``Q1``,
``Q2_1``), the question texts in the survey's language, and an ``ImportId`` JSON row
(``{"ImportId":"QID1"}``; date columns carry ``"timeZone":"America/New_York"``). Some
downloads leave out the third row. Legacy exports have a ``V1``, ``V2``, ... row, then a row
with the meta names (``ResponseID``, ``ResponseSet``, ``EndDate``) and question texts; they
often end every line with a comma. The TSV download is UTF-16 (read in :mod:`.base`).

Column names are the ids of the first row; for legacy ``V1``.. columns the name of the second
row (``ResponseID``). Dates are written ``2017-07-18 08:28:09`` in the declared zone.

``Finished`` says whether the respondent reached the end of the survey (``True``/``False``;
``1``/``0`` in legacy and numeric-value exports) and ``Progress`` how far they got, in percent.
A response with ``Finished`` False is rejected with the reason
``incomplete response (Qualtrics Finished = False; Progress 43%)`` unless
``read_export(..., keep_incomplete=True)`` (:meth:`QualtricsImporter.finish`), as LimeSurvey's
incomplete responses are.
"""

from __future__ import annotations

import json
import re

import numpy as np

from cxm_lab.importers.base import (
    Export,
    Header,
    Importer,
    RawTable,
    count_present,
    find_columns,
)

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
#: The completion flag and how far the respondent got (percent of the survey).
_FINISHED = {"finished": ("Finished",), "progress": ("Progress",)}
#: The values of ``Finished`` that mean "not completed" (labels, or the numeric recode).
_NOT_FINISHED = {"false", "0"}
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

    def finish(self, export: Export, *, keep_incomplete: bool = False) -> Export:
        """Reject the responses Qualtrics marks as not finished (``Finished`` False or 0).

        Parameters
        ----------
        export : Export
            The rows as read.
        keep_incomplete : bool
            Keep responses with ``Finished`` False (the respondent left before the end)
            instead of rejecting them.

        Returns
        -------
        Export
            Finished responses (all with ``keep_incomplete``), with a note saying how many
            were rejected or kept. Exports without a ``Finished`` column are unchanged.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from cxm_lab.importers import read_export
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "q.csv"
        >>> _ = p.write_text("StartDate,Progress,Finished,ResponseId,Q1\\n"
        ...                  "Start Date,Progress,Finished,Response ID,Q one\\n"
        ...                  "2021-06-30 13:57:56,100,True,R_a,5\\n"
        ...                  "2021-06-30 13:58:56,43,False,R_b,3\\n")
        >>> ex = read_export(p)
        >>> ex.data["ResponseId"].tolist(), ex.rejects["reason"].tolist()
        (['R_a'], ['incomplete response (Qualtrics Finished = False; Progress 43%)'])
        >>> read_export(p, keep_incomplete=True).n_read, ex.n_read
        (2, 2)
        """
        found = find_columns([str(c) for c in export.data.columns], _FINISHED)
        finished = found.get("finished")
        if finished is None:
            return export
        flags = export.data[finished].astype("string")
        incomplete = (
            flags.str.strip().str.lower().isin(_NOT_FINISHED).to_numpy(dtype=bool, na_value=False)
        )
        reasons = "incomplete response (Qualtrics " + finished + " = " + flags
        progress = found.get("progress")
        if progress is not None:
            reasons = (reasons + "; " + progress + " " + export.data[progress].astype("string")
                       + "%").fillna(reasons)  # fmt: skip
        why: np.ndarray = (reasons + ")").to_numpy(dtype=object)
        return export.reject_incomplete(
            incomplete,
            finished,
            why,
            keep=keep_incomplete,
            why=f"{finished} = False: the respondent left before the end",
        )

    @staticmethod
    def _label_row(top: list[str], second: list[str]) -> bool:
        """The second row holds texts (``Response ID``), not a response (``R_2YPO...``)."""
        key = "ResponseId" if "ResponseId" in top else "ResponseID"
        j = top.index(key)
        value = second[j] if j < len(second) else ""
        return bool(value) and not _RESPONSE_ID.match(value)
