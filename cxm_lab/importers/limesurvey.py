"""LimeSurvey response exports (Responses > Export > CSV).

One header row in one of three heading styles: question codes (``id``, ``submitdate``,
``lastpage``, ``startlanguage``, ``seed``, ``LikertTypePage1[1]``), "question code & question
text" (``id. Response ID``, ``submitdate. Date submitted``,
``Page2Grid1[Y1_X1]. 1. This class is too stressful. [..][..]``) or full question text only
(``Response ID``, ``Date submitted``). Answers are codes (``A1``) or full texts
(``9. Completely agree``). UTF-8 with a byte-order mark; dates ``2020-04-30 22:07:00``
(anonymised surveys write ``1980-01-01 00:00:00``). Question timings add ``...Time`` columns and
``interviewtime``.

Column names are the codes; the question texts go to :attr:`Export.questions`.
"""

from __future__ import annotations

import re

from cxm_lab.importers.base import Header, Importer, RawTable, count_present, find_columns, norm

__all__ = ["LimeSurveyImporter"]

_CODES = ("submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "ipaddr",
          "refurl", "token", "interviewtime")  # fmt: skip
_TEXTS = ("Response ID", "Date submitted", "Last page", "Start language", "Seed",
          "Date started", "Date last action", "IP address", "Referrer URL")  # fmt: skip
_CODE_TEXT = re.compile(r"^(?P<code>[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]\s]*\])*)\. (?P<text>.*)$", re.S)
_ROLES = {
    "response_id": ("id", "Response ID"),
    "response_date": ("submitdate", "Date submitted"),
    "start_date": ("startdate", "Date started"),
    "language": ("startlanguage", "Start language"),
    "ip_address": ("ipaddr", "IP address"),
    "email": ("email", "Email address"),
    "duration": ("interviewtime", "Total time"),
}


def _split(cell: str) -> tuple[str, str]:
    m = _CODE_TEXT.match(cell)
    return (m.group("code"), m.group("text").strip()) if m else (cell, cell)


class LimeSurveyImporter(Importer):
    """LimeSurvey: ``id``, ``submitdate``, ``lastpage``, ``startlanguage`` ..., any heading."""

    name = "limesurvey"
    title = "LimeSurvey"
    file_hint = re.compile(r"^results-survey\d+|limesurvey", re.IGNORECASE)

    def detect(self, raw: RawTable) -> float:
        start = raw.first_row()
        if start is None:
            return 0.0
        top = raw.row(start)
        codes = [_split(c)[0] for c in top]
        if codes and norm(codes[0]) == "id" and count_present(codes, _CODES) >= 2:
            return 0.95
        if count_present(top, _TEXTS) >= 3 and norm(top[0]) == "response id":
            return 0.9
        return 0.0

    def header(self, raw: RawTable) -> Header:
        start = raw.first_row()
        top = raw.row(start)
        if start is None or not top:
            raise self.not_mine(raw, "no header row")
        pairs = [_split(c) for c in top]
        codes = [p[0] for p in pairs]
        if norm(codes[0]) == "id" and count_present(codes, _CODES) >= 2:
            with_text = any(p[0] != p[1] for p in pairs)
            style = "question code & text" if with_text else "question codes"
            header = Header(
                start, 1, codes, questions=[p[1] for p in pairs], notes=[f"headings: {style}"]
            )
        elif count_present(top, _TEXTS) >= 3:
            header = Header(start, 1, top, notes=["headings: full question text"])
        else:
            raise self.not_mine(raw, "no id / submitdate / startlanguage columns")
        header.roles = find_columns(header.names, _ROLES)
        header.date_format = "%Y-%m-%d %H:%M:%S"
        return header
