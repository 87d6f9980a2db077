"""Typeform response downloads (CSV/XLSX from Results > Responses > Download).

One header row: ``#`` (the response token), the question titles in the form's language, one
column per option of multiple-selection questions (headed by the option; the free-text option
is headed ``Other``, so ``Other`` repeats), then ``Start Date (UTC)``, ``Submit Date (UTC)``,
``Network ID`` (and in newer downloads ``Response Type``, ``Stage Date (UTC)``, ``Tags``,
``Ending``). Dates are UTC as the header says: ``2021-04-14 09:31:14``. Yes/no (and legal)
answers are ``1``/``0``: :meth:`TypeformImporter.finish` reads a column whose answers are
exactly ``1`` and ``0`` (both present, nothing else) as ``Yes``/``No``, so a breakdown by it
reads "Yes"/"No". Numbers stay numbers: an opinion scale, rating or number question has other
values (a rating starts at 1, so it never has a ``0``). The export does not say the question
type, so a number question answered only with 0 and 1 would be read as yes/no too (said in the
notes).
"""

from __future__ import annotations

import re

import pandas as pd

from cxm_lab.importers.base import Export, Header, Importer, RawTable, count_present, find_columns

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
#: Typeform's codes for yes/no and legal answers -> the labels a report shows.
YES_NO = {"1": "Yes", "0": "No"}


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

    def finish(self, export: Export, *, keep_incomplete: bool = False) -> Export:
        """Read yes/no answers (``1``/``0``) as ``Yes``/``No``.

        Parameters
        ----------
        export : Export
            The rows as read.
        keep_incomplete : bool
            Not used: the export does not document which ``Response Type`` values mark a partial
            response, so every row is kept.

        Returns
        -------
        Export
            The same rows; columns whose answers are exactly ``1`` and ``0`` hold ``Yes`` and
            ``No`` (empty cells stay empty), with a note naming them.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from cxm_lab.importers import read_export
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "res_x.csv"
        >>> _ = p.write_text("#,Do you live in France?,Score 0-10,Submit Date (UTC)\\n"
        ...                  "a,1,1,2021-04-14 09:40:03\\nb,0,10,2021-04-14 09:41:03\\n"
        ...                  "c,,0,2021-04-14 09:42:03\\n")
        >>> ex = read_export(p)
        >>> ex.data["Do you live in France?"].tolist(), ex.data["Score 0-10"].tolist()
        (['Yes', 'No', <NA>], ['1', '10', '0'])
        """
        meta = {str(c) for c in export.roles.values()}
        converted = []
        for col in export.data.columns:
            if col in meta or count_present([str(col)], _META):
                continue
            values = export.data[col]
            answered = set(values.dropna().unique())
            if answered != set(YES_NO):
                continue
            export.data[col] = values.map(YES_NO, na_action="ignore").astype(object)
            export.data.loc[values.isna(), col] = pd.NA
            converted.append(str(col))
        if converted:
            shown = ", ".join(converted[:5]) + (", ..." if len(converted) > 5 else "")
            plural = "s" if len(converted) != 1 else ""
            export.notes.append(
                f"{len(converted)} yes/no question{plural} answered 1/0 read as Yes/No: {shown}"
            )
        return export
