"""Porsline (پرس‌لاین, Iran) response exports, and Persian-language exports in general.

Porsline's export format is not publicly documented (no help page or sample file could be
found). What is known: the panel and the Excel download are in Persian; the API's results table
(``/api/v2/surveys/{id}/responses/results-table/``) gives each response as a row whose first
fields are meta fields before the answers; dates are in the Solar Hijri (Jalali) calendar
(``۱۴۰۳/۰۵/۱۲ ۱۰:۳۰``), often with Persian digits. This importer therefore recognises a
Persian header row whose date columns hold Jalali dates, and finds the meta columns by their
Persian words: شناسه (id), تاریخ (date) with شروع (start) or ثبت/پایان/پاسخ (submitted),
مدت (duration), آی‌پی / IP. Arabic letter forms (ي ك) are treated as Persian (ی ک).
"""

from __future__ import annotations

import re

from cxm_lab.importers.base import Header, Importer, RawTable, norm
from cxm_lab.importers.values import to_ascii_digits

__all__ = ["PorslineImporter"]

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
_JALALI = re.compile(
    r"^1[34]\d\d[/-]\d{1,2}[/-]\d{1,2}(?:\s|$)|^\d{1,2}:\d{2}(?::\d{2})?\s+1[34]\d\d[/-]"
)
_LETTERS = str.maketrans({"ي": "ی", "ك": "ک", "\u200c": " "})


def _fold(text: str) -> str:
    return norm(text.translate(_LETTERS))


def _persian_share(cells: list[str]) -> float:
    filled = [c for c in cells if c]
    if not filled:
        return 0.0
    return sum(bool(_ARABIC_SCRIPT.search(c)) for c in filled) / len(filled)


def _jalali_columns(raw: RawTable, start: int, width: int, limit: int = 20) -> set[int]:
    """Positions whose first non-empty values look like Jalali dates (years 13xx/14xx)."""
    found: set[int] = set()
    seen = 0
    for rec in raw.records[start + 1 :]:
        if not any(c.strip() for c in rec):
            continue
        for j, cell in enumerate(rec[:width]):
            if _JALALI.match(to_ascii_digits(cell.strip())):
                found.add(j)
        seen += 1
        if seen >= limit:
            break
    return found


def _roles(names: list[str]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for name in names:
        f = _fold(name)
        if "شناسه" in f or f in ("کد پاسخ", "id", "response id"):
            roles.setdefault("response_id", name)
        elif "تاریخ" in f or "زمان" in f:
            if "شروع" in f:
                roles.setdefault("start_date", name)
            elif "مدت" in f:
                roles.setdefault("duration", name)
            elif any(w in f for w in ("ثبت", "پایان", "پاسخ", "ارسال")) or f == "تاریخ":
                roles.setdefault("response_date", name)
        elif "مدت" in f:
            roles.setdefault("duration", name)
        elif f in ("ip", "آی پی", "آدرس ip", "آی‌پی"):
            roles.setdefault("ip_address", name)
        elif "ایمیل" in f or "پست الکترونیک" in f:
            roles.setdefault("email", name)
        elif f in ("وضعیت", "وضعیت پاسخ"):
            roles.setdefault("status", name)
    return roles


class PorslineImporter(Importer):
    """Porsline: Persian headers, Jalali dates (often in Persian digits)."""

    name = "porsline"
    title = "Porsline"
    file_hint = re.compile(r"porsline|پرس ?لاین", re.IGNORECASE)

    def detect(self, raw: RawTable) -> float:
        start = raw.first_row()
        if start is None:
            return 0.0
        top = raw.row(start)
        share = _persian_share(top)
        if share < 0.5:
            return 0.0
        jalali = _jalali_columns(raw, start, len(top))
        if not jalali:
            return 0.3
        dated = any(
            "تاریخ" in _fold(top[j]) or "زمان" in _fold(top[j]) for j in jalali if j < len(top)
        )
        return 0.9 if dated else 0.8

    def header(self, raw: RawTable) -> Header:
        start = raw.first_row()
        top = raw.row(start)
        if start is None or _persian_share(top) < 0.5:
            raise self.not_mine(raw, "the header is not in Persian")
        header = Header(start, 1, top, roles=_roles(top))
        if _jalali_columns(raw, start, len(top)):
            header.calendar = "jalali"
            header.notes.append("Jalali (Solar Hijri) dates")
        return header
