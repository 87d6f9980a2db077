"""Any other table: one header row (the first non-blank row), no vendor meta columns.

This is what a CSV from a CRM, a hand-made spreadsheet or an unknown survey tool is read as.
Its detection confidence is a floor, so a vendor importer wins whenever it recognises a file.
"""

from __future__ import annotations

from cxm_lab.errors import SchemaError
from cxm_lab.importers.base import Header, Importer, RawTable

__all__ = ["GenericImporter"]


class GenericImporter(Importer):
    """One header row with the column names; everything below is data."""

    name = "generic"
    title = "generic"

    def detect(self, raw: RawTable) -> float:
        return 0.05 if raw.first_row() is not None else 0.0

    def header(self, raw: RawTable) -> Header:
        start = raw.first_row()
        if start is None:
            raise SchemaError(f"{raw.file}: no header row found: every row is blank.")
        return Header(start, 1, raw.row(start))
