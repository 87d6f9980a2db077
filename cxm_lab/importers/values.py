"""Turning export text into numbers and dates: NA tokens, choice labels, calendars, time zones.

Survey tools write numbers and dates as text in many shapes: ``"9"``, ``"10 - Extremely likely"``,
``"۹"`` (Persian digits), ``"7,5"`` (decimal comma), ``"12/13/2018 11:06:09"``,
``"2026-07-01T10:00:00+03:30"``, ``"۱۴۰۳/۰۵/۱۲ ۱۰:۳۰"`` (Jalali calendar). The two functions here
read whole columns at once and never raise on a bad value: they return what they could read and
say which cells could not be read and why.

Both work on the distinct values of a column (``pandas.factorize``), so a column of a million
cells with a few thousand distinct answers costs a few thousand parses; plain numbers and ISO
dates go through pandas' vectorised parsers.

Examples
--------
>>> import pandas as pd
>>> num, bad = parse_numbers(pd.Series(["9", "10 - Extremely likely", "Unfamiliar (N/A)", "Yes"]))
>>> num.tolist(), bad.tolist()
([9.0, 10.0, <NA>, <NA>], [False, False, False, True])
>>> dates, reasons = parse_dates(pd.Series(["2026-07-01 10:00:00", "2026-02-30", "2026-07"]))
>>> reasons.tolist()
[None, 'not a valid date', 'partial date, need year, month and day']
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cxm_lab.errors import ParameterError

__all__ = [
    "DEFAULT_NA_VALUES",
    "ParseOptions",
    "parse_numbers",
    "parse_dates",
    "jalali_to_gregorian",
    "to_ascii_digits",
]


@dataclass(frozen=True)
class ParseOptions:
    """How the text of one file is turned into numbers and dates.

    Parameters
    ----------
    decimal : {".", ","}
        Decimal mark of numbers (survey tools in many locales write ``7,5``).
    date_format : str, optional
        ``strftime`` format all dates follow (strict); default: recognised per value.
    dayfirst : bool, optional
        Read ``03/04/2026`` as 3 April (True) or 4 March (False, the default).
    timezone : str, optional
        IANA zone that dates are expressed in after reading; values with an offset or ``Z``
        are converted to it (default: UTC for those values) and then stored without a zone.
    source_timezone : str, optional
        Zone of dates written without an offset (a survey tool's declared zone).
    calendar : {"gregorian", "jalali"}
        Calendar of the dates (Porsline and other Iranian tools write Jalali dates).
    """

    decimal: str = "."
    date_format: str | None = None
    dayfirst: bool | None = None
    timezone: str | None = None
    source_timezone: str | None = None
    calendar: str = "gregorian"


#: Whole-cell tokens read as "no value" (after stripping surrounding whitespace; case-sensitive).
#: Deliberately absent: ``"None"`` and ``"0"`` (real answers: "None of the above", a score of 0),
#: ``"-99"`` (Qualtrics' "seen but unanswered" code is data the analyst may want to see).
DEFAULT_NA_VALUES: tuple[str, ...] = (
    "",
    "NA",
    "N/A",
    "n/a",
    "#N/A",
    "#NULL!",
    "NIL",
    "nil",
    "-",
    "--",
    "null",
    "NULL",
    "NaN",
    "nan",
)

# Persian (U+06F0..) and Arabic-Indic (U+0660..) digits, Arabic separators, minus signs.
_DIGITS = {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")})
_DIGITS[0x2212] = "-"  # minus sign
_DIGITS[0x066C] = ""  # Arabic thousands separator
_THIN_SPACES = "\u00a0\u202f\u2009"

_NON_ANSWER = re.compile(
    r"(?:^|[\s(\[])n/?a(?:$|[\s)\].])|not\s+applicable|don['’]?t\s+know|do\s+not\s+know|"
    r"prefer\s+not\s+to|no\s+answer|no\s+opinion|not\s+sure|can['’]?t\s+say|"
    r"ne\s+sais\s+pas|no\s+s[eé]|no\s+aplica|wei[ßs]\s+nicht|keine\s+angabe|"
    r"نمی[\u200c ]?دانم|لا\s+أعرف|не\s+знаю",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^(?:\s*[-–—:=.)]\s*|\s*\(\s*|\s+)(?P<label>.+)$", re.DOTALL)
_NUMBER = {
    ".": re.compile(
        r"^(?P<sign>[+-])?(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
        r"(?P<exp>[eE][+-]?\d+)?(?P<pct>\s*%)?(?P<rest>.*)$",
        re.DOTALL,
    ),
    ",": re.compile(
        r"^(?P<sign>[+-])?(?P<num>(?:\d{1,3}(?:[.\u00a0\u202f\u2009 ]\d{3})+|\d+)(?:,\d+)?|,\d+)"
        r"(?P<exp>[eE][+-]?\d+)?(?P<pct>\s*%)?(?P<rest>.*)$",
        re.DOTALL,
    ),
}


def to_ascii_digits(text: str) -> str:
    """Replace Persian and Arabic-Indic digits by ASCII digits (``"۱۴۰۳"`` -> ``"1403"``).

    The Arabic decimal separator ``٫`` (U+066B) is left for the caller; the Arabic thousands
    separator ``٬`` (U+066C) is removed and the minus sign U+2212 becomes ``-``.

    Parameters
    ----------
    text : str
        A cell.

    Returns
    -------
    str
        The text with ASCII digits.

    Examples
    --------
    >>> to_ascii_digits("۱۴۰۳/۰۷/۰۱"), to_ascii_digits("٣٫٥")
    ('1403/07/01', '3٫5')
    """
    return text.translate(_DIGITS)


def _check_decimal(decimal: str) -> None:
    if decimal not in (".", ","):
        raise ParameterError(f"decimal must be '.' or ',', got {decimal!r}.")


def _number_from_text(text: str, decimal: str) -> tuple[float, int]:
    """One distinct cell -> (value, status) with status 0 = number, 1 = non-answer, 2 = bad."""
    t = to_ascii_digits(text).replace("\u066b", decimal).strip()
    m = _NUMBER[decimal].match(t)
    if m is not None:
        rest = m.group("rest")
        if rest:
            lab = _LABEL.match(rest)
            if lab is None or not lab.group("label")[:1].isalpha():
                return np.nan, 2
            if _NON_ANSWER.search(lab.group("label")):
                return np.nan, 1
        num = m.group("num")
        if decimal == ".":
            num = num.replace(",", "")
        else:
            for sep in "." + _THIN_SPACES + " ":
                num = num.replace(sep, "")
            num = num.replace(",", ".")
        value = float(num + (m.group("exp") or ""))
        if not np.isfinite(value):
            return np.nan, 2
        return (-value if m.group("sign") == "-" else value), 0
    if _NON_ANSWER.search(t):
        return np.nan, 1
    return np.nan, 2


def parse_numbers(s: pd.Series, *, decimal: str = ".") -> tuple[pd.Series, np.ndarray]:
    """Read a column of export text as numbers.

    Parameters
    ----------
    s : Series
        Cells as text (``str`` / ``pd.NA``); numeric series are returned as they are.
    decimal : {".", ","}
        Decimal mark. With ``"."`` a comma is a thousands separator (``"1,234.5"``); with
        ``","`` a dot, a space or a no-break space is (``"1.234,5"``, ``"1 234,5"``).

    Returns
    -------
    values : Series of Float64
        The number of each cell; ``<NA>`` for empty cells, NA tokens, non-answers and bad cells.
    bad : ndarray of bool
        True for non-empty cells that are not numbers.

    Notes
    -----
    Read as numbers: ``"9"``, ``" 9 "``, ``"9.0"``, ``"+3"``, ``"-2"``, ``"1e3"``, ``"50%"``
    (50), Persian/Arabic-Indic digits with their separators ``٫`` (decimal) and ``٬``
    (thousands), and choice labels that start with a number followed by a separator and a
    word: ``"10 - Extremely likely"``, ``"9. Completely agree"``, ``"0 = Not at all likely"``,
    ``"10 (Extremely likely)"``. Read as NA (not bad): empty cells, :data:`DEFAULT_NA_VALUES`,
    and non-answers such as ``"Unfamiliar (N/A)"``, ``"Don't know"``, ``"Prefer not to say"``,
    also after a number (``"99 - Don't know"``: a code, not a score). Bad: words without a
    leading number (``"Yes"``, ``"Extremely likely"``), dates (``"2019-12-13"``), ``"inf"``.

    Examples
    --------
    >>> v, bad = parse_numbers(pd.Series(["۱۲٫۵", "7,5", "1.234,5"]), decimal=",")
    >>> v.tolist(), bad.tolist()
    ([12.5, 7.5, 1234.5], [False, False, False])
    """
    _check_decimal(decimal)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("Float64"), np.zeros(len(s), dtype=bool)
    text = s.astype("string").str.strip()
    empty = (text.isna() | text.isin(DEFAULT_NA_VALUES)).to_numpy(dtype=bool, na_value=True)
    values = np.full(len(s), np.nan)
    bad = np.zeros(len(s), dtype=bool)
    present = np.flatnonzero(~empty)
    if len(present):
        codes, uniques = pd.factorize(text.iloc[present].to_numpy(dtype=object))
        u_val = np.full(len(uniques), np.nan)
        u_status = np.full(len(uniques), 2, dtype=np.int8)
        todo = np.arange(len(uniques))
        if decimal == ".":
            fast = pd.to_numeric(pd.Series(uniques, dtype="string"), errors="coerce")
            fast = fast.to_numpy(dtype=float, na_value=np.nan)
            ok = np.isfinite(fast)
            u_val[ok] = fast[ok]
            u_status[ok] = 0
            todo = np.flatnonzero(~ok)
        for i in todo:
            u_val[i], u_status[i] = _number_from_text(uniques[i], decimal)
        values[present] = u_val[codes]
        bad[present] = u_status[codes] == 2
    out = pd.Series(pd.array(values, dtype="Float64"), index=s.index, name=s.name)
    return out, bad


# --------------------------------------------------------------------------------------------
# Dates

PARTIAL = "partial date, need year, month and day"
INVALID = "not a valid date"
NOT_A_DATE = "not a date"
A_NUMBER = "a number, not a date (Excel serial day numbers are not read from text)"
OUT_OF_RANGE = "not a valid date (year outside 1678-2261)"

_TIME_FIRST = re.compile(r"^(?P<t>\d{1,2}:\d{2}(?::\d{2})?)\s+(?P<rest>\S.*)$")
_PARTIALS = (
    re.compile(r"^\d{4}$"),
    re.compile(r"^\d{4}[-/.]\d{1,2}$"),
    re.compile(r"^\d{1,2}[-/.]\d{4}$"),
    re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?$"),
)
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_MONTH_WORD = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?:\b|$)", re.IGNORECASE
)


def _zone(name: str | None, what: str) -> ZoneInfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ParameterError(
            f"{what}={name!r} is not a known IANA time zone; use a name such as 'UTC', "
            "'Europe/Berlin' or 'Asia/Tehran'."
        ) from exc


def _offset_minutes(tz: str | None) -> float:
    """``"+03:30"`` -> 210.0; ``"Z"`` -> 0.0; None -> NaN (naive)."""
    if not tz:
        return np.nan
    if tz in ("Z", "UTC", "GMT"):
        return 0.0
    sign = -1.0 if tz[0] == "-" else 1.0
    digits = tz[1:].replace(":", "")
    hours = int(digits[:2])
    minutes = int(digits[2:4]) if len(digits) > 2 else 0
    return sign * (hours * 60 + minutes)


# Jalali (Solar Hijri) calendar: the arithmetic of jalaali-js (Borkowski's 33-year breaks).
_BREAKS = (-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262,
           2324, 2394, 2456, 3178)  # fmt: skip


def _tdiv(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _tmod(a: int, b: int) -> int:
    return a - _tdiv(a, b) * b


def _jal_cal(jy: int) -> tuple[int, int, int]:
    """(leap, gregorian year, March day of Farvardin 1) for Jalali year ``jy``."""
    if not _BREAKS[0] <= jy < _BREAKS[-1]:
        raise ValueError(f"Jalali year {jy} out of range")
    gy = jy + 621
    leap_j = -14
    jp = _BREAKS[0]
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += _tdiv(jump, 33) * 8 + _tdiv(_tmod(jump, 33), 4)
        jp = jm
    n = jy - jp
    leap_j += _tdiv(n, 33) * 8 + _tdiv(_tmod(n, 33) + 3, 4)
    if _tmod(jump, 33) == 4 and jump - n == 4:
        leap_j += 1
    leap_g = _tdiv(gy, 4) - _tdiv((_tdiv(gy, 100) + 1) * 3, 4) - 150
    march = 20 + leap_j - leap_g
    if jump - n < 6:
        n = n - jump + _tdiv(jump + 4, 33) * 33
    leap = _tmod(_tmod(n + 1, 33) - 1, 4)
    if leap == -1:
        leap = 4
    return leap, gy, march


def jalali_to_gregorian(jy: int, jm: int, jd: int) -> date:
    """Convert a Jalali (Solar Hijri) date to the Gregorian calendar.

    Uses the arithmetic of Borkowski's 33-year break table (as in jalaali-js), valid for Jalali
    years -61 to 3177. Months 1-6 have 31 days, 7-11 have 30, Esfand (12) has 30 in leap years
    and 29 otherwise.

    Parameters
    ----------
    jy, jm, jd : int
        Jalali year, month (1-12) and day.

    Returns
    -------
    datetime.date
        The same day in the Gregorian calendar.

    Raises
    ------
    ValueError
        For an impossible date (``1402/12/30``: 1402 is not a leap year).

    Examples
    --------
    >>> jalali_to_gregorian(1403, 1, 1), jalali_to_gregorian(1399, 12, 30)
    (datetime.date(2024, 3, 20), datetime.date(2021, 3, 20))
    """
    leap, gy, march = _jal_cal(jy)
    if not 1 <= jm <= 12:
        raise ValueError(f"month {jm} out of range")
    length = 31 if jm <= 6 else 30 if jm <= 11 else (30 if leap == 0 else 29)
    if not 1 <= jd <= length:
        raise ValueError(f"day {jd} out of range for month {jm} of {jy}")
    before = (jm - 1) * 31 if jm <= 7 else 6 * 31 + (jm - 7) * 30
    return date(gy, 3, march) + timedelta(days=before + jd - 1)


def _parse_month_words(t: str, dayfirst: bool) -> tuple[datetime | None, float, str | None]:
    """Dates with month names ("Dec 13, 2019 9:50 AM") through dateutil."""
    from dateutil import parser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            one = parser.parse(t, default=datetime(2001, 1, 1), dayfirst=bool(dayfirst))
            two = parser.parse(t, default=datetime(2002, 2, 2), dayfirst=bool(dayfirst))
    except (ValueError, OverflowError) as exc:
        return None, np.nan, INVALID if "out of range" in str(exc) else NOT_A_DATE
    if one.date() != two.date():
        return None, np.nan, PARTIAL
    offset = np.nan
    if one.tzinfo is not None:
        delta = one.utcoffset()
        offset = 0.0 if delta is None else delta.total_seconds() / 60
        one = one.replace(tzinfo=None)
    if not 1678 <= one.year <= 2261:
        return None, np.nan, OUT_OF_RANGE
    return one, offset, None


def _format_regex(fmt: str) -> re.Pattern:
    """A loose regex of a strftime format's shape (digits where numbers go)."""
    parts = {
        "Y": r"\d{4}",
        "y": r"\d{2}",
        "m": r"\d{1,2}",
        "d": r"\d{1,2}",
        "H": r"\d{1,2}",
        "I": r"\d{1,2}",
        "M": r"\d{1,2}",
        "S": r"\d{1,2}",
        "f": r"\d{1,6}",
        "p": r"[AaPp][Mm]",
        "z": r"(?:Z|[+-]\d{2}:?\d{2})",
        "b": r"[^\W\d]+\.?",
        "B": r"[^\W\d]+",
        "a": r"[^\W\d]+\.?",
        "A": r"[^\W\d]+",
        "%": "%",
    }
    out, i = [], 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            out.append(parts.get(fmt[i + 1], r".+?"))
            i += 2
        else:
            out.append(re.escape(fmt[i]))
            i += 1
    return re.compile("^" + "".join(out) + "$")


def _to_naive(
    values: np.ndarray, offsets: np.ndarray, source: ZoneInfo | None, target: ZoneInfo | None
) -> np.ndarray:
    """Apply offsets and zones: aware -> UTC -> target; naive -> source -> target."""
    out = values.copy()
    aware = ~np.isnan(offsets)
    target_name = target.key if target is not None else "UTC"
    if aware.any():
        utc = values[aware] - (offsets[aware] * 60).astype("timedelta64[s]")
        idx = pd.DatetimeIndex(utc).tz_localize("UTC")
        out[aware] = idx.tz_convert(target_name).tz_localize(None).to_numpy()
    naive = ~aware & ~np.isnat(values)
    if source is not None and naive.any():
        idx = pd.DatetimeIndex(values[naive]).tz_localize(
            source.key,
            ambiguous=np.zeros(int(naive.sum()), dtype=bool),
            nonexistent="shift_forward",
        )
        out[naive] = idx.tz_convert(target_name).tz_localize(None).to_numpy()
    return out


def parse_dates(
    s: pd.Series,
    *,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    timezone: str | None = None,
    source_timezone: str | None = None,
    calendar: str = "gregorian",
) -> tuple[pd.Series, np.ndarray]:
    """Read a column of export text as dates and times.

    Parameters
    ----------
    s : Series
        Cells as text (``str`` / ``pd.NA``); a datetime series is only converted between zones.
    date_format : str, optional
        ``strftime`` format every value must follow (strict), e.g. ``"%m/%d/%Y %H:%M:%S"``.
        Default: each value is recognised (rules below).
    dayfirst : bool, optional
        ``03/04/2026`` is 3 April (True) or 4 March (False). None: decided per column.
    timezone : str, optional
        IANA zone of the result. Values with an offset or ``Z`` are converted to it (to UTC when
        None); the result is always naive (no zone attached).
    source_timezone : str, optional
        IANA zone of values written without an offset (the zone a survey tool declares, e.g.
        Qualtrics' ``timeZone``). None: such values are left as they are.
    calendar : {"gregorian", "jalali"}
        ``"jalali"`` reads Solar Hijri dates (``"1403/05/12"``, ``"۱۴۰۳/۰۵/۱۲ ۱۰:۳۰"``) and
        converts them to the Gregorian calendar; ``date_format`` is then not used.

    Returns
    -------
    dates : Series of datetime64[ns]
        NaT where a cell is empty or could not be read.
    reasons : ndarray of object
        None where the cell is fine or empty, else a short reason: ``"not a valid date"``
        (2026-02-30, 13/45/2026), ``"partial date, need year, month and day"`` (2026-07,
        2026), ``"a number, not a date ..."`` (Excel serial numbers are not read from text),
        ``"not a date"``, ``"does not match the date format ..."``.

    Raises
    ------
    ParameterError
        Unknown time zone name or calendar.

    Notes
    -----
    Recognised without a format: ISO 8601 and vendor variants (``2017-07-18 08:28:09``,
    ``2026-07-01T10:00:00+03:30``, ``…Z``, ``2026/07/01``), numeric day/month/year with ``/``,
    ``-`` or ``.`` and an optional time with seconds, fractions and AM/PM
    (``11/24/2026 10:43:12 AM``), two-digit years (00-68 -> 2000s), and dates with English month
    names (``Dec 13, 2019``). Dotted dates (``24.11.2026``) are day-first unless
    ``dayfirst=False``. For ``/`` and ``-`` dates with ``dayfirst=None`` the whole column
    decides: day-first when some value has a first number above 12 and none has a second number
    above 12; month-first otherwise - also when every value reads both ways (the US order that
    Google Forms, SurveyMonkey and QuestionPro write), so one column never mixes the two
    readings.

    Examples
    --------
    >>> d, r = parse_dates(pd.Series(["2026-07-01T10:00:00+03:30", "2026-07-01 10:00"]),
    ...                    timezone="Asia/Tehran", source_timezone="UTC")
    >>> d.dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2026-07-01 10:00', '2026-07-01 13:30']
    """
    source = _zone(source_timezone, "source_timezone")
    target = _zone(timezone, "timezone")
    if calendar not in ("gregorian", "jalali"):
        raise ParameterError(f"calendar must be 'gregorian' or 'jalali', got {calendar!r}.")
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return _convert_datetimes(s, source, target), np.full(len(s), None, dtype=object)

    text = s.astype("string").str.strip()
    empty = (text.isna() | (text == "")).to_numpy(dtype=bool, na_value=True)
    values = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[ns]")
    offsets = np.full(len(s), np.nan)
    reasons = np.full(len(s), None, dtype=object)
    present = np.flatnonzero(~empty)
    if len(present):
        raw = text.iloc[present].to_numpy(dtype=object)
        codes, uniques = pd.factorize(raw)
        u_val, u_off, u_why = _parse_uniques(list(uniques), date_format, dayfirst, calendar)
        values[present] = u_val[codes]
        offsets[present] = u_off[codes]
        reasons[present] = u_why[codes]
    values = _to_naive(values, offsets, source, target)
    return pd.Series(values, index=s.index, name=s.name, dtype="datetime64[ns]"), reasons


def _parse_uniques(
    uniques: list[str], date_format: str | None, dayfirst: bool | None, calendar: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse distinct cells -> (datetime64[ns] values, offset minutes or NaN, reasons)."""
    n = len(uniques)
    u_val = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    u_off = np.full(n, np.nan)
    u_why = np.full(n, None, dtype=object)
    texts = pa.array(uniques, type=pa.string())
    ascii_ = pc.string_is_ascii(texts).to_numpy(zero_copy_only=False)
    if not ascii_.all():
        fixed = [u if ok else to_ascii_digits(u) for u, ok in zip(uniques, ascii_, strict=True)]
        texts = pa.array(fixed, type=pa.string())
    if calendar == "jalali":
        starts_with_time = pc.match_substring_regex(texts, r"^\d{1,2}:\d{2}").to_numpy(
            zero_copy_only=False
        )
        if starts_with_time.any():
            py = texts.to_pylist()
            for i in np.flatnonzero(starts_with_time):
                m = _TIME_FIRST.match(py[i])
                if m is not None:
                    py[i] = f"{m.group('rest')} {m.group('t')}"
            texts = pa.array(py, type=pa.string())
        done = _vector_ymd(texts, u_val, u_off, u_why, jalali=True)
    elif date_format is not None:
        done = _with_format(texts, date_format, u_val, u_off, u_why)
    else:
        done = _vector_ymd(texts, u_val, u_off, u_why, jalali=False)
        done |= _vector_aby(texts, ~done, dayfirst, u_val, u_off, u_why)
    if not done.all():
        py = texts.to_pylist()
        for i in np.flatnonzero(~done):
            _store(i, _parse_rest(py[i], dayfirst), u_val, u_off, u_why)
    return u_val, u_off, u_why


_RE2_TIME = (
    r"(?:(?:T|\s+|,\s*)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s*(?:(?P<ampm>[AaPp])\.?[Mm]\.?)?)?\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$"
)
_RE2_YMD = r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})" + _RE2_TIME
_RE2_ABY = r"^(?P<a>\d{1,2})(?P<s1>[/.-])(?P<b>\d{1,2})(?P<s2>[/.-])(?P<y>\d{4}|\d{2})" + _RE2_TIME


def _field(struct: pa.StructArray, name: str) -> np.ndarray:
    """An extracted group as float (NaN where the group did not take part)."""
    f = struct.field(name)
    f = pc.if_else(pc.equal(f, ""), pa.scalar(None, pa.string()), f)
    return pc.cast(f, pa.float64()).to_numpy(zero_copy_only=False)


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (Hinnant's algorithm), vectorised."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _month_length(y: np.ndarray, m: np.ndarray) -> np.ndarray:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    table = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    return table[np.clip(m, 0, 12)] + ((m == 2) & leap)


def _assemble(
    rows: np.ndarray,
    struct: pa.StructArray,
    y: np.ndarray,
    mo: np.ndarray,
    d: np.ndarray,
    u_val: np.ndarray,
    u_off: np.ndarray,
    u_why: np.ndarray,
) -> None:
    """Write the dates of matched ``rows`` (components as float arrays over those rows)."""
    hour = np.nan_to_num(_field(struct, "H")[rows])
    minute = np.nan_to_num(_field(struct, "M")[rows])
    second = np.nan_to_num(_field(struct, "S")[rows])
    frac = struct.field("f").to_numpy(zero_copy_only=False)[rows]
    ampm = struct.field("ampm").to_numpy(zero_copy_only=False)[rows]
    tz = struct.field("tz").to_numpy(zero_copy_only=False)[rows]
    has_ampm = ampm != ""
    bad = has_ampm & ((hour < 1) | (hour > 12))
    hour = np.where(has_ampm, hour % 12 + 12 * np.isin(ampm, ["P", "p"]), hour)
    bad |= (hour > 23) | (minute > 59) | (second > 59)
    bad |= (mo < 1) | (mo > 12) | (d < 1)
    yi, mi, di = y.astype(np.int64), mo.astype(np.int64), d.astype(np.int64)
    bad |= d > _month_length(yi, mi)
    out_of_range = ~bad & ((y < 1678) | (y > 2261))
    ok = ~bad & ~out_of_range
    micro = np.zeros(len(rows), dtype=np.int64)
    has_frac = frac != ""
    if has_frac.any():
        micro[has_frac] = [int(x[:6].ljust(6, "0")) for x in frac[has_frac]]
    days = _days_from_civil(np.where(ok, yi, 1970), np.where(ok, mi, 1), np.where(ok, di, 1))
    seconds = days * 86400 + (hour * 3600 + minute * 60 + second).astype(np.int64)
    ns = seconds * 1_000_000_000 + micro * 1000
    u_val[rows[ok]] = ns[ok].astype("datetime64[ns]")
    offsets = {z: _offset_minutes(z) for z in set(tz[ok].tolist())}
    u_off[rows[ok]] = [offsets[z] for z in tz[ok]]
    u_why[rows[bad]] = INVALID
    u_why[rows[out_of_range]] = OUT_OF_RANGE


def _vector_ymd(
    texts: pa.Array, u_val: np.ndarray, u_off: np.ndarray, u_why: np.ndarray, *, jalali: bool
) -> np.ndarray:
    """Year-month-day values (ISO and vendor variants; Jalali when ``jalali``)."""
    struct = pc.extract_regex(texts, _RE2_YMD)
    matched = struct.is_valid().to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(matched)
    if len(rows) == 0:
        return matched
    y = _field(struct, "y")[rows]
    mo = _field(struct, "m")[rows]
    d = _field(struct, "d")[rows]
    if jalali:
        cache: dict[tuple[float, float, float], tuple[float, float, float]] = {}
        g = np.empty((len(rows), 3))
        for k, key in enumerate(zip(y, mo, d, strict=True)):
            if key not in cache:
                try:
                    gd = jalali_to_gregorian(int(key[0]), int(key[1]), int(key[2]))
                    cache[key] = (gd.year, gd.month, gd.day)
                except ValueError:
                    cache[key] = (1970.0, 13.0, 1.0)  # month 13: reported as not a valid date
            g[k] = cache[key]
        y, mo, d = g[:, 0], g[:, 1], g[:, 2]
    _assemble(rows, struct, y, mo, d, u_val, u_off, u_why)
    return matched


def _vector_aby(
    texts: pa.Array,
    todo: np.ndarray,
    dayfirst: bool | None,
    u_val: np.ndarray,
    u_off: np.ndarray,
    u_why: np.ndarray,
) -> np.ndarray:
    """Numeric day/month/year or month/day/year values; the column decides the order."""
    struct = pc.extract_regex(texts, _RE2_ABY)
    seps1 = struct.field("s1").to_numpy(zero_copy_only=False)
    seps2 = struct.field("s2").to_numpy(zero_copy_only=False)
    matched = struct.is_valid().to_numpy(zero_copy_only=False) & todo & (seps1 == seps2)
    rows = np.flatnonzero(matched)
    if len(rows) == 0:
        return matched
    a = _field(struct, "a")[rows]
    b = _field(struct, "b")[rows]
    y = _field(struct, "y")[rows]
    short = np.char.str_len(struct.field("y").to_numpy(zero_copy_only=False)[rows].astype(str)) == 2
    y = np.where(short, np.where(y < 69, 2000 + y, 1900 + y), y)
    dots = seps1[rows] == "."
    if dayfirst is None:
        slash = ~dots
        day_evidence = bool(np.any(slash & (a > 12) & (b <= 12)))
        month_evidence = bool(np.any(slash & (b > 12) & (a <= 12)))
        first = day_evidence and not month_evidence
        day_first = np.where(dots, True, first)
    else:
        day_first = np.full(len(rows), dayfirst)
    d = np.where(day_first, a, b)
    mo = np.where(day_first, b, a)
    _assemble(rows, struct, y, mo, d, u_val, u_off, u_why)
    return matched


def _with_format(
    texts: pa.Array, date_format: str, u_val: np.ndarray, u_off: np.ndarray, u_why: np.ndarray
) -> np.ndarray:
    """Strict ``date_format`` (vectorised by pandas); failures get a reason."""
    series = pd.Series(texts.to_pylist(), dtype=object)
    has_z = "%z" in date_format
    try:
        parsed = pd.to_datetime(series, format=date_format, errors="coerce", utc=has_z)
    except ValueError as exc:
        raise ParameterError(f"date_format={date_format!r} is not usable: {exc}") from exc
    if has_z:
        parsed = parsed.dt.tz_localize(None)  # UTC wall time: the offsets are applied
    ok = parsed.notna().to_numpy()
    u_val[ok] = parsed[ok].to_numpy(dtype="datetime64[ns]")
    u_off[ok] = 0.0 if has_z else np.nan
    shape = _format_regex(date_format)
    for i in np.flatnonzero(~ok):
        t = series.iloc[i]
        if any(p.match(t) for p in _PARTIALS):
            u_why[i] = PARTIAL
        elif shape.match(t):
            u_why[i] = INVALID
        else:
            u_why[i] = f"does not match the date format {date_format}"
    return np.ones(len(series), dtype=bool)


def _parse_rest(t: str, dayfirst: bool | None) -> tuple[datetime | None, float, str | None]:
    """Cells that are not numeric dates: partial dates, numbers, month names, other text."""
    if any(p.match(t) for p in _PARTIALS):
        return None, np.nan, PARTIAL
    if _PLAIN_NUMBER.match(t):
        return None, np.nan, A_NUMBER
    if _MONTH_WORD.search(t):
        return _parse_month_words(t, bool(dayfirst))
    return None, np.nan, NOT_A_DATE


def _store(
    i: int,
    result: tuple[datetime | None, float, str | None],
    u_val: np.ndarray,
    u_off: np.ndarray,
    u_why: np.ndarray,
) -> None:
    value, offset, why = result
    if value is None:
        u_why[i] = why
    else:
        u_val[i] = np.datetime64(value, "ns")
        u_off[i] = offset


def _convert_datetimes(s: pd.Series, source: ZoneInfo | None, target: ZoneInfo | None) -> pd.Series:
    """Zone handling for a column that is already datetime64 (spreadsheets, Parquet)."""
    if getattr(s.dt, "tz", None) is not None:
        out = s.dt.tz_convert(target.key if target is not None else "UTC").dt.tz_localize(None)
    elif source is not None:
        out = (
            s.dt.tz_localize(source.key, ambiguous="NaT", nonexistent="shift_forward")
            .dt.tz_convert(target.key if target is not None else "UTC")
            .dt.tz_localize(None)
        )
    else:
        out = s
    return out.astype("datetime64[ns]")
