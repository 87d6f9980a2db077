"""Alchemer (formerly SurveyGizmo) CSV/Excel response exports.

One header row: the standard response fields, then one column per question titled with the
question text. The standard fields are those of Alchemer's SurveyResponse object (API help
"SurveyResponse Returned Fields") as the CSV export names them: ``Response ID``,
``Time Started``, ``Date Submitted``, ``Status`` (Complete, Partial, Disqualified),
``Contact ID``, ``Legacy Comments``, ``Comments``, ``Language``, ``Referer``,
``Extended Referer``, ``SessionID``, ``User Agent``, ``Tags``, ``IP Address``, ``Longitude``,
``Latitude``, ``Country``, ``City``, ``State/Region``, ``Postal``. Dates are written
``YYYY-MM-DD HH:MM:SS`` in US Eastern time ("EST/EDT or GMT -5/GMT -4").

A response whose ``Status`` is ``Partial`` (the respondent left before the end) or
``Disqualified`` (screened out by disqualify logic) was not completed: it is rejected with the
reason ``incomplete response (Alchemer Status = Partial)`` unless
``read_export(..., keep_incomplete=True)`` (:meth:`AlchemerImporter.finish`).
"""

from __future__ import annotations

import re

from cxm_lab.importers.base import (
    Export,
    Header,
    Importer,
    RawTable,
    count_present,
    find_columns,
    norm,
)

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
#: ``Status`` values of responses that were not completed (``Complete`` is the other one).
NOT_COMPLETED = ("Partial", "Disqualified")
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

    def finish(self, export: Export, *, keep_incomplete: bool = False) -> Export:
        """Reject the responses whose ``Status`` is ``Partial`` or ``Disqualified``.

        Parameters
        ----------
        export : Export
            The rows as read.
        keep_incomplete : bool
            Keep the responses that were not completed instead of rejecting them.

        Returns
        -------
        Export
            Completed responses (all with ``keep_incomplete``), with a note saying how many were
            rejected or kept. Exports without a ``Status`` column are unchanged.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from cxm_lab.importers import read_export
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "alchemer.csv"
        >>> _ = p.write_text("Response ID,Time Started,Date Submitted,Status,Q1\\n"
        ...                  "1,2024-01-02 10:00:00,2024-01-02 10:05:00,Complete,9\\n"
        ...                  "2,2024-01-02 11:00:00,,Partial,\\n")
        >>> ex = read_export(p)
        >>> ex.data["Response ID"].tolist(), ex.rejects["reason"].tolist()
        (['1'], ['incomplete response (Alchemer Status = Partial)'])
        """
        status = export.roles.get("status")
        if status not in export.data.columns:
            return export
        values = export.data[status].astype("string")
        wanted = {norm(v) for v in NOT_COMPLETED}
        incomplete = (
            values.map(lambda v: norm(v) in wanted, na_action="ignore")
            .astype("boolean")
            .to_numpy(dtype=bool, na_value=False)
        )
        reasons = ("incomplete response (Alchemer " + status + " = " + values + ")").to_numpy(
            dtype=object
        )
        return export.reject_incomplete(
            incomplete,
            status,
            reasons,
            keep=keep_incomplete,
            why=f"{status} Partial or Disqualified: not completed",
        )
