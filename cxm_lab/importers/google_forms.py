"""Google Forms responses, downloaded from Forms ("Download responses (.csv)") or from the
linked Google Sheet (CSV, TSV, XLSX).

One header row: ``Timestamp`` (localised by the spreadsheet's language: ``Marca temporal``,
``Horodateur``, ``Zeitstempel``, ...), the question texts as written in the form, and
``Email Address`` / ``Score`` when the form collects e-mails or is a quiz. Checkbox answers are
joined with ``", "`` in one cell. The timestamp follows the spreadsheet's locale, without a
zone: ``12/13/2019 9:50:30`` in the US locale (month first, hours not padded).
"""

from __future__ import annotations

import re

from cxm_lab.importers.base import Header, Importer, RawTable, find_columns, norm

__all__ = ["GoogleFormsImporter"]

TIMESTAMP_NAMES = (
    "Timestamp",
    "Marca temporal",
    "Horodateur",
    "Zeitstempel",
    "Carimbo de data/hora",
    "Informazioni cronologiche",
    "Tijdstempel",
    "Sygnatura czasowa",
    "Zaman damgası",
    "Отметка времени",
    "Позначка часу",
    "طابع زمني",
    "مهر زمانی",
    "タイムスタンプ",
    "时间戳记",
    "時間戳記",
    "타임스탬프",
    "Dấu thời gian",
    "Stempel waktu",
)
_ROLES = {
    "response_date": TIMESTAMP_NAMES,
    "email": (
        "Email Address",
        "Email address",
        "Dirección de correo electrónico",
        "Adresse e-mail",
        "E-Mail-Adresse",
        "Endereço de e-mail",
        "Indirizzo email",
    ),
}
_STAMP = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}) \d{1,2}:\d{2}:\d{2}$")
_STAMP_YMD = re.compile(r"^\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}:\d{2}$")
_STAMP_DOTS = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}:\d{2}$")


class GoogleFormsImporter(Importer):
    """Google Forms: first column ``Timestamp`` (or its translation), then the questions."""

    name = "google_forms"
    title = "Google Forms"
    file_hint = re.compile(r"form responses|\(responses\)|respuestas de formulario", re.I)

    def detect(self, raw: RawTable) -> float:
        start = raw.first_row()
        if start is None:
            return 0.0
        top = raw.row(start)
        if not top or norm(top[0]) not in {norm(n) for n in TIMESTAMP_NAMES}:
            return 0.0
        values = [r[0] for r in self._sample(raw, start)]
        if values and all(
            _STAMP.match(v) or _STAMP_YMD.match(v) or _STAMP_DOTS.match(v) for v in values
        ):
            return 0.9
        return 0.6

    def header(self, raw: RawTable) -> Header:
        start = raw.first_row()
        top = raw.row(start)
        if start is None or not top or norm(top[0]) not in {norm(n) for n in TIMESTAMP_NAMES}:
            raise self.not_mine(raw, "the first column is not 'Timestamp'")
        header = Header(start, 1, top, roles=find_columns(top, _ROLES))
        stamps = [r[0] for r in self._sample(raw, start, limit=5000)]
        header.date_format, header.dayfirst, note = _timestamp_format(stamps)
        if note:
            header.notes.append(note)
        return header

    @staticmethod
    def _sample(raw: RawTable, start: int, limit: int = 20) -> list[list[str]]:
        out = []
        for rec in raw.records[start + 1 :]:
            if rec and rec[0].strip():
                out.append([rec[0].strip()])
                if len(out) >= limit:
                    break
        return out


def _timestamp_format(stamps: list[str]) -> tuple[str | None, bool | None, str | None]:
    """The locale's timestamp format, judged from the values (US month-first unless a first
    number above 12 shows day-first)."""
    if not stamps:
        return None, None, None
    if all(_STAMP_YMD.match(s) for s in stamps):
        return "%Y/%m/%d %H:%M:%S", None, None
    if all(_STAMP_DOTS.match(s) for s in stamps):
        return "%d.%m.%Y %H:%M:%S", True, "Timestamp day-first (dotted)"
    parts = [_STAMP.match(s) for s in stamps]
    if not all(parts):
        return None, None, None
    first = [int(m.group(1)) for m in parts if m]
    second = [int(m.group(2)) for m in parts if m]
    if any(a > 12 for a in first) and not any(b > 12 for b in second):
        return "%d/%m/%Y %H:%M:%S", True, "Timestamp day-first (a first number above 12)"
    if any(b > 12 for b in second):
        return "%m/%d/%Y %H:%M:%S", False, None
    return "%m/%d/%Y %H:%M:%S", False, "Timestamp month-first assumed (every value reads both ways)"
