"""Masking personal data in customer comments before anything leaves a run.

:func:`mask_pii` replaces, in this order:

- e-mail addresses with ``[email]``: ``local@domain.tld`` in any script
  (``пользователь@пример.рф``), with spaces around the ``@`` (``jane @ example.com``), with
  the ``@`` or dots obfuscated as ``[at]``/``(at)``/``{at}``/``<at>`` and ``[dot]``/``(dot)``,
  or spelled out when *both* words are there and the address ends in a top-level domain
  (``jane at example dot com``; a lone "at" in prose, "meet at 10 dot 30" or "I was at home
  dot com" are left alone);
- IBANs with ``[iban]``: a country code, two check digits and the account part, with or
  without spaces, only when the length fits the country and the ISO 13616 mod-97 check
  passes (a random word such as ``DE12 ABCD`` is not masked);
- national identity numbers with ``[id]``: Chinese resident ID (18 characters, last may be
  ``X``, ISO 7064 check), Russian SNILS (``123-456-789 01`` or 11 digits, with its checksum)
  and personal INN (12 digits, both check digits), US SSN (``AAA-GG-SSSS`` with valid ranges),
  Iranian national code (10 digits with its check digit, also ``ddd-dddddd-d``), Saudi
  national ID / Iqama (10 digits starting 1 or 2, Luhn check);
- payment card numbers with ``[card]``: 13–19 digits, optionally in groups separated by spaces
  or dashes, starting 2–6 and passing the Luhn check;
- phone numbers with ``[phone]``: 7–15 digits, optionally starting with ``+`` and separated
  by spaces, dots, dashes or parentheses, with an extension (``ext123``, ``x123``, ``#123``,
  ``доб. 12``) and also when glued to words (``phone:+14155550199ext123``,
  ``tel+98 912 123 4567``);
- any other run of 16 or more digits (an account or reference number) with ``[number]``.

Matching is done on a normalised view of the text: NFKC (full-width ``＠`` and ``０９１２`` become
``@`` and ``0912``) with zero-width and invisible characters ignored (U+200B–U+200D, U+2060–
U+2064, U+FEFF, soft hyphen U+00AD, U+180E, LRM/RLM/ALM and bidi controls), so
``ja\\u200bne@example.com`` is found. The output is the *original* text with the found spans
replaced: outside them, nothing is normalised (Persian ZWNJ, emoji ZWJ sequences and RTL marks
are kept), except that the purely invisible characters (zero-width space, word joiner, BOM,
soft hyphen, bidi embedding/override/isolate controls) are removed everywhere.

Digits in any script count (Persian ۰۹۱۲…, Arabic-Indic ٠٥٠…). Left alone: dates (2026-11-24,
24.11.2026, 24/11/2026, 2026/11/24, with a time), amounts with a currency sign or code
(€1.200.000, 1 200 000 руб), and short numbers (scores, years, "10/10", amounts like €1,200).
A 10- or 12-digit number that passes an identity check is labelled ``[id]`` even when it is a
phone number, unless a phone word (tel, phone, call, тел, تلفن, هاتف, 电话...) comes just
before it; either way it is masked.

Limits: person names, postal addresses, account numbers written as words, passport numbers,
dates of birth and national numbers of countries other than those above are not detected;
numbers of 7–15 digits that are not phones (an order id) are masked as ``[phone]`` and longer
ones as ``[number]``, which errs on the safe side. Decimal numbers with 7 or more digits
(3.1415926) are masked too.

Examples
--------
>>> mask_pii("Mail jane.doe@example.com or call +1 (415) 555-0199, score 9/10 in 2025")
'Mail [email] or call [phone], score 9/10 in 2025'
>>> mask_pii("jane＠example.com, phone:+14155550199ext123, IBAN DE89 3704 0044 0532 0130 00")
'[email], phone:[phone], IBAN [iban]'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pandas as pd

__all__ = ["iban_valid", "luhn_valid", "mask_pii"]

# --------------------------------------------------------------------------- normalisation

# Ignored while matching and removed from the output everywhere (they carry no text).
_DROP = frozenset(
    "\u00ad\u180e\u200b\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Ignored while matching, kept in the output outside masked spans (Persian ZWNJ, emoji ZWJ,
# directional marks used by right-to-left text).
_IGNORE = frozenset("\u200c\u200d\u200e\u200f\u061c")


_INVISIBLE = re.compile("[" + "".join(sorted(_DROP | _IGNORE)) + "]")


def _normalise(text: str) -> tuple[str, list[int] | None]:
    """NFKC per character without invisible characters, and the original index of each
    (None when the text is already normalised: the index is the identity)."""
    if not _INVISIBLE.search(text) and unicodedata.is_normalized("NFKC", text):
        return text, None
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROP or ch in _IGNORE:
            continue
        norm = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7F else ch
        for c in norm:
            out.append(c)
            index.append(i)
    return "".join(out), index


def _digits(s: str) -> list[int]:
    return [unicodedata.decimal(c) for c in s if c.isdecimal()]


# --------------------------------------------------------------------------- check digits


def luhn_valid(digits: list[int]) -> bool:
    """Luhn (mod 10) check, used by payment cards and Saudi national IDs.

    Parameters
    ----------
    digits : list of int
        The digits, check digit last.

    Returns
    -------
    bool
        True when the check passes.

    Examples
    --------
    >>> luhn_valid([4] + [1] * 15), luhn_valid([4] + [1] * 14 + [2])
    (True, False)
    """
    total = 0
    for k, d in enumerate(reversed(digits)):
        if k % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check of an IBAN (spaces ignored, any case).

    Parameters
    ----------
    iban : str
        The IBAN as written.

    Returns
    -------
    bool
        True for a well-formed IBAN whose check digits are right.

    Examples
    --------
    >>> iban_valid("DE89 3704 0044 0532 0130 00"), iban_valid("DE88 3704 0044 0532 0130 00")
    (True, False)
    """
    s = re.sub(r"\s", "", iban).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", s):
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _iran_valid(d: list[int]) -> bool:
    if len(d) != 10 or len(set(d)) == 1:
        return False
    r = sum(d[i] * (10 - i) for i in range(9)) % 11
    return d[9] == (r if r < 2 else 11 - r)


def _saudi_valid(d: list[int]) -> bool:
    return len(d) == 10 and d[0] in (1, 2) and luhn_valid(d)


def _snils_valid(d: list[int]) -> bool:
    if len(d) != 11 or len(set(d[:9])) == 1:
        return False
    s = sum(d[i] * (9 - i) for i in range(9))
    check = s if s < 100 else 0 if s in (100, 101) else s % 101 % 100
    return check == d[9] * 10 + d[10]


def _inn12_valid(d: list[int]) -> bool:
    if len(d) != 12:
        return False
    w1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    w2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    c1 = sum(a * b for a, b in zip(w1, d[:10], strict=True)) % 11 % 10
    c2 = sum(a * b for a, b in zip(w2, d[:11], strict=True)) % 11 % 10
    return d[10] == c1 and d[11] == c2


def _china_id_valid(s: str) -> bool:
    d = _digits(s[:17])
    if len(d) != 17:
        return False
    w = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(a * b for a, b in zip(w, d, strict=True)) % 11]
    month, day = d[10] * 10 + d[11], d[12] * 10 + d[13]
    return s[17].upper() == check and 1 <= month <= 12 and 1 <= day <= 31


def _ssn_valid(s: str) -> bool:
    area, group, serial = s[:3], s[4:6], s[7:]
    return (
        area not in ("000", "666")
        and not area.startswith("9")
        and group != "00"
        and serial != "0000"
    )


# --------------------------------------------------------------------------- patterns

_AT_WORD = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*)"
_DOT_WORD = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*)"
EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:[ \t]{0,3}@[ \t]{0,3}|" + _AT_WORD + r")[\w-]+"
    r"(?:(?:\.|" + _DOT_WORD + r")[\w-]+)+",
    re.UNICODE | re.IGNORECASE,
)
# Spelled out: "jane at example dot com". Both words must be there, the address must end in
# a top-level domain of letters, and the local part must not be an ordinary word ("I was at
# home dot com" is prose).
EMAIL_SPELLED = re.compile(
    r"(?<![\w.+-])(?P<local>[\w.+-]{2,})\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)*\s+dot\s+"
    r"[^\W\d_]{2,6}(?![\w-])",
    re.IGNORECASE,
)
_NOT_LOCAL = frozenset(
    "am are arrived be been being came come is it looked looking me meet meeting met not "
    "stay stayed staying stopped them there this us was we were you".split()
)

# IBAN lengths by country (SWIFT IBAN registry; IR as used by Iranian banks).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IR": 26, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15,
    "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
    "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})(\d{2})(?=[ ]?[A-Za-z0-9])")

# Chinese resident ID: 17 digits + check digit or X (optionally 6 8 4 with spaces).
CHINA_ID = re.compile(r"(?<![\w])\d{6}[ ]?\d{8}[ ]?\d{3}[\dXx](?![\w])")
SSN = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")
SNILS = re.compile(r"(?<![\w-])\d{3}-\d{3}-\d{3}[ -]\d{2}(?![\w-])")
IRAN_ID = re.compile(r"(?<![\w-])\d{3}-\d{6}-\d(?![\w-])")

# Dates and amounts are protected before numbers are looked at.
# A date that continues a number on its left ("+49 30 12-11-2026") is not protected.
DATE = re.compile(
    r"(?<![\d+])(?<!\d[\s().-])(?<!\d[\s().-]{2})"
    r"(?:(?P<y1>\d{4})([-./])(?P<m1>\d{1,2})\2(?P<d1>\d{1,2})"
    r"|(?P<d2>\d{1,2})([-./])(?P<m2>\d{1,2})\6(?P<y2>\d{4}))"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?(?!\d)"
)


def _is_date(m: re.Match[str]) -> bool:
    y, mo, d = (m["y1"], m["m1"], m["d1"]) if m["y1"] is not None else (m["y2"], m["m2"], m["d2"])
    y, mo, d = (int("".join(map(str, _digits(v)))) for v in (y, mo, d))
    # month and day may be swapped (11/24/2026 in the US)
    return 1900 <= y <= 2100 and 1 <= min(mo, d) <= 12 and 1 <= max(mo, d) <= 31


_CURRENCY = r"(?:[€$£¥₽₹﷼]|USD|EUR|GBP|RUB|SAR|AED|IRR|CNY|руб\.?|рублей|ريال|ریال|تومان|元)"
# (An amount starts where its number starts: no retry inside a long run of digit groups.)
AMOUNT = re.compile(
    r"(?<!\d)(?<!\d[.,  ])(?:" + _CURRENCY + r"\s?\d{1,3}(?:[.,  ]\d{3})+(?:[.,]\d{1,2})?"
    r"|\d{1,3}(?:[.,  ]\d{3})+(?:[.,]\d{1,2})?\s?" + _CURRENCY + r")",
    re.IGNORECASE,
)

# A run of digits: optional +, digits with up to two separators (space . - ( )) between them,
# then an optional extension. It may touch letters (tel+98..., 0199ext12) but not digits.
NUMBER = re.compile(
    r"(?<![\d_])(?:\+\s?)?\(?\d(?:[\s().\-]{0,2}\d)*"
    r"(?:\s{0,2}(?:ext\.?|x|#|доб\.?|вн\.?)\s{0,2}\d{1,6})?(?!\d)",
    re.IGNORECASE,
)
_EXTENSION = re.compile(r"(?:ext\.?|x|#|доб\.?|вн\.?)\s{0,2}\d{1,6}$", re.IGNORECASE)
_PHONE_WORD = re.compile(
    r"(?:tel|phone|call|mobile|mob|cell|fax|whats\s?app|viber|sms|тел|звон|моб|"
    r"تلفن|موبایل|همراه|هاتف|جوال|اتصل|电话|電話|手机|手機|致电)[^\d\n]{0,12}$",
    re.IGNORECASE,
)

_SENTINEL = "\x00"


class _Masker:
    """Finds spans on the normalised text; each found span is blanked out so that later
    detectors do not see it again."""

    def __init__(self, text: str):
        self.original = text
        self.work, self.index = _normalise(text)
        self.spans: list[tuple[int, int, str]] = []

    def take(self, start: int, end: int, label: str | None) -> None:
        if label is not None:
            self.spans.append((start, end, label))
        self.work = self.work[:start] + _SENTINEL * (end - start) + self.work[end:]

    def run(self, pattern: re.Pattern[str], label: Callable[[re.Match[str]], str | None]) -> None:
        for m in list(pattern.finditer(self.work)):
            if _SENTINEL in m.group():
                continue
            result = label(m)
            if result is not None:
                self.take(m.start(), m.end(), None if result == "" else result)

    def output(self) -> str:
        pieces, last = [], 0
        for start, end, label in sorted(self.spans):
            if self.index is None:
                o_start, o_end = start, end
            else:
                o_start, o_end = self.index[start], self.index[end - 1] + 1
            pieces.append(_strip_drop(self.original[last:o_start]))
            pieces.append(f"[{label}]")
            last = o_end
        pieces.append(_strip_drop(self.original[last:]))
        return "".join(pieces)


def _strip_drop(s: str) -> str:
    return "".join(c for c in s if c not in _DROP)


def _iban(m: _Masker) -> None:
    for start_match in list(_IBAN_START.finditer(m.work)):
        start = start_match.start()
        if _SENTINEL in m.work[start : start_match.end()]:
            continue
        country = start_match.group(1).upper()
        ends = _alnum_ends(m.work, start)
        lengths = [IBAN_LENGTHS[country]] if country in IBAN_LENGTHS else range(34, 14, -1)
        for length in lengths:
            end = ends.get(length)
            if end is not None and iban_valid(m.work[start:end]):
                m.take(start, end, "iban")
                break


def _alnum_ends(work: str, start: int, most: int = 34) -> dict[int, int]:
    """For each count k of ASCII letters/digits read from ``start`` (single spaces allowed
    between them after the first four), the end index after the k-th one, when the code
    could stop there (no letter or digit follows directly)."""
    ends: dict[int, int] = {}
    count, i, n = 0, start, len(work)
    while i < n and count < most:
        c = work[i]
        if c.isascii() and c.isalnum():
            count += 1
            i += 1
            if not (i < n and work[i].isascii() and work[i].isalnum()):
                ends[count] = i
        elif c == " " and count >= 4 and i + 1 < n and work[i + 1] != " ":
            i += 1
        else:
            break
    return ends


def _number_label(m: _Masker, match: re.Match[str]) -> str | None:
    s = match.group()
    ext = _EXTENSION.search(s)
    core = s[: ext.start()].rstrip() if ext else s
    d = _digits(core)
    n = len(d)
    if n < 7:
        return None
    plus = core.lstrip("(").startswith("+")
    contiguous = core.isdecimal()
    phone_word = bool(_PHONE_WORD.search(m.work[max(0, match.start() - 24) : match.start()]))
    if not plus and not ext:
        if 13 <= n <= 19 and d[0] in (2, 3, 4, 5, 6) and luhn_valid(d):
            if re.fullmatch(r"\d+(?:[ -]\d+)*", core) and not phone_word:
                return "card"
        if contiguous and not phone_word:
            if n == 10 and (_iran_valid(d) or _saudi_valid(d)):
                return "id"
            if n == 11 and _snils_valid(d):
                return "id"
            if n == 12 and _inn12_valid(d):
                return "id"
    if n <= 15:
        return "phone"
    return "number"


# Text without any digit, @ or "at" holds nothing to mask (most comments): skip the detectors.
_CANDIDATE = re.compile(r"[\d@＠﹫]|\bat\b", re.IGNORECASE)


def _mask_one(text: str, emails: bool, phones: bool) -> str:
    if not _CANDIDATE.search(text):
        return _strip_drop(text) if _INVISIBLE.search(text) else text
    m = _Masker(text)
    if emails:
        m.run(EMAIL, lambda _: "email")
        m.run(
            EMAIL_SPELLED,
            lambda x: None if x["local"].lower() in _NOT_LOCAL else "email",
        )
    if phones:
        m.run(DATE, lambda x: "" if _is_date(x) else None)  # protected, not masked
        _iban(m)
        m.run(CHINA_ID, lambda x: "id" if _china_id_valid(x.group().replace(" ", "")) else None)
        m.run(SNILS, lambda x: "id" if _snils_valid(_digits(x.group())) else None)
        m.run(SSN, lambda x: "id" if _ssn_valid(x.group()) else None)
        m.run(IRAN_ID, lambda x: "id" if _iran_valid(_digits(x.group())) else None)
        m.run(AMOUNT, lambda _: "")
        m.run(NUMBER, lambda x: _number_label(m, x))
    return m.output()


def mask_pii(text: str | pd.Series, *, emails: bool = True, phones: bool = True) -> str | pd.Series:
    """Replace personal data in a string or a Series of strings.

    Parameters
    ----------
    text : str or pandas.Series
        One comment or a column of comments. Missing values stay missing; a Series keeps its
        index; non-string values are returned unchanged.
    emails : bool, default True
        Replace e-mail addresses (also with spaces or ``[at]`` around the ``@``) with
        ``[email]``.
    phones : bool, default True
        Replace numbers: phone numbers (7-15 digits, optional ``+``, extension) with
        ``[phone]``, IBANs with ``[iban]``, card numbers with ``[card]``, national identity
        numbers with ``[id]`` and other runs of 16+ digits with ``[number]``; dates and
        amounts with a currency stay. See the module docstring for the rules and limits.

    Returns
    -------
    str or pandas.Series
        The masked text, same type and index as the input.

    Examples
    --------
    >>> mask_pii("رقمي 0501234567 شكرا")
    'رقمي [phone] شكرا'
    >>> mask_pii("order on 2026-11-24, 5 stars", phones=True)
    'order on 2026-11-24, 5 stars'
    >>> mask_pii("card 4111 1111 1111 1111, SSN 123-45-6789, jane [at] example [dot] com")
    'card [card], SSN [id], [email]'
    """
    if isinstance(text, pd.Series):
        return text.map(
            lambda t: mask_pii(t, emails=emails, phones=phones) if isinstance(t, str) else t
        )
    if not isinstance(text, str):
        return text
    if not (emails or phones):
        return text
    return _mask_one(text, emails, phones)
