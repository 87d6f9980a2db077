"""The importer contract, the registry, and what every format shares: bytes -> text -> cells.

A survey export is read in three steps:

1. :func:`_load_raw` turns the file into a :class:`RawTable`, a list of records of cell text.
   Text files are decoded (byte-order marks, UTF-16 without a mark, strict UTF-8, then
   charset-normalizer restricted to the single-byte code pages survey exports come in) and split
   with Python's ``csv`` module on a sniffed delimiter; spreadsheets are read with
   python-calamine and Parquet with pandas, every cell turned into text.
2. An :class:`Importer` (one per survey tool, in its own module) recognises its tool from the
   header rows (:meth:`Importer.detect`) and says what they mean (:meth:`Importer.header`):
   how many header rows, the column names and question texts, the tool's meta columns, the
   time zone and date format it declares.
3. :func:`_build_export` applies that header to the data rows the same way for every tool:
   ragged rows, NA tokens, whitespace, duplicate and blank headers, row numbers.

New tools plug in with :func:`register` (the papermill I/O-handler pattern).
"""

from __future__ import annotations

import codecs
import csv
import glob
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from cxm_lab.errors import ParameterError, SchemaError
from cxm_lab.importers.values import DEFAULT_NA_VALUES, ParseOptions

__all__ = [
    "DELIMITERS",
    "FALLBACK_ENCODINGS",
    "IMPORTERS",
    "PARQUET_SUFFIXES",
    "REJECT_COLUMNS",
    "SPREADSHEET_SUFFIXES",
    "SUFFIXES",
    "TEXT_SUFFIXES",
    "Export",
    "Header",
    "Importer",
    "RawTable",
    "count_present",
    "expand_paths",
    "find_columns",
    "forward_fill_question",
    "norm",
    "register",
]

#: The columns of every reject table (file, data row, column, value, reason).
REJECT_COLUMNS = ["file", "row", "column", "value", "reason"]
TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".txt")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
PARQUET_SUFFIXES = (".parquet", ".pq")
SUFFIXES = TEXT_SUFFIXES + SPREADSHEET_SUFFIXES + PARQUET_SUFFIXES
DELIMITERS = (",", ";", "\t", "|")
#: Single-byte code pages tried (in this order of preference) when a file is not UTF-8/16.
FALLBACK_ENCODINGS = ("cp1252", "cp1256", "cp1251", "latin_1", "mac_roman")
_SAMPLE_CHARS = 262_144
_SAMPLE_RECORDS = 200
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_CODEC_NAMES = {"latin_1": "latin-1", "mac_roman": "mac-roman"}
# Bytes that occur in text; the other control bytes (NUL, 0x01-0x08, 0x0E-0x1F) mark binary data.
_TEXT_BYTES = bytes({7, 8, 9, 10, 11, 12, 13, 27} | set(range(0x20, 0x100)))


@dataclass
class Export:
    """One survey export, read as its tool wrote it.

    Attributes
    ----------
    data : DataFrame
        Data rows only, RangeIndex. Columns are the export's own names (vendor ids such as
        ``"Q1"`` or ``"ResponseId"`` where the tool has them; SurveyMonkey:
        ``"question | option"``), unique and non-empty. Every cell is a ``str`` with surrounding
        whitespace stripped, or ``pd.NA`` (empty cells, always, and NA tokens); dtype object.
    rows : ndarray of int
        1-based data-row number of each row of ``data`` as the user sees it in the file (header
        rows excluded; a cell with line breaks is one row; skipped blank rows keep their number).
    rejects : DataFrame
        Rows that could not be split into the header's columns: ``file``, ``row``, ``column``,
        ``value``, ``reason`` (the layout of :data:`REJECT_COLUMNS`).
    n_read : int
        Data rows read: ``len(data)`` + distinct rejected rows. Blank rows are not counted.
    file, source : str
        The path read and the importer that read it (``"qualtrics"``, ..., ``"generic"``).
    questions : dict
        Column -> full question text (the column name where the export has no separate text).
    roles : dict
        The tool's meta columns: role (``response_id``, ``response_date``, ``start_date``,
        ``language``, ``email``, ``ip_address``, ``status``, ``duration``) -> column.
    timezone : str or None
        Time zone the tool declares for its date columns (Qualtrics ``timeZone``, Typeform
        ``(UTC)``, Medallia's UTC timestamps, QuestionPro's and Alchemer's server zones).
    date_format : str or None
        ``strftime`` format of the tool's date columns when known.
    dayfirst : bool or None
        Day before month in the tool's numeric dates, when known.
    calendar : str
        ``"gregorian"`` or ``"jalali"`` (Porsline and other Iranian tools).
    decimal : str
        ``"."`` or ``","``, detected from the numbers in the data.
    encoding : str
        Codec used to decode a text file (``"utf-8-sig"``, ``"utf-16"``, ``"cp1252"``, ...);
        ``"spreadsheet"`` or ``"parquet"`` for binary formats.
    delimiter : str or None
        Field delimiter of a text file; None for spreadsheets and Parquet.
    header_rows : int
        Rows the header took (preamble lines before it not counted).
    notes : list of str
        One short line per thing detected or handled.
    """

    data: pd.DataFrame
    rows: np.ndarray
    rejects: pd.DataFrame
    n_read: int
    file: str
    source: str
    questions: dict[str, str]
    roles: dict[str, str]
    timezone: str | None
    date_format: str | None
    dayfirst: bool | None
    calendar: str
    decimal: str
    encoding: str
    delimiter: str | None
    header_rows: int
    notes: list[str]

    def parse_options(self, *, timezone: str | None = None) -> ParseOptions:
        """The :class:`cxm_lab.schema.ParseOptions` this export's dates and numbers need.

        Parameters
        ----------
        timezone : str, optional
            Zone to express dates in (the run's ``timezone:``). Default: the zone the export
            declares (:attr:`timezone`), so a Qualtrics export declared in America/New_York is
            reported in New York time; UTC for values with an offset when nothing is declared.
            The export's declared zone is always the zone of dates written without an offset.

        Returns
        -------
        ParseOptions
            Decimal mark, date format, day-first, calendar and the source and target zones.

        Examples
        --------
        >>> import pandas as pd
        >>> ex = Export(pd.DataFrame(), np.array([], dtype=int), pd.DataFrame(), 0, "x.csv",
        ...             "qualtrics", {}, {}, "America/New_York", None, None, "gregorian", ".",
        ...             "utf-8", ",", 3, [])
        >>> o = ex.parse_options()
        >>> o.source_timezone, o.timezone
        ('America/New_York', 'America/New_York')
        >>> ex.parse_options(timezone="UTC").timezone
        'UTC'
        """
        return ParseOptions(
            decimal=self.decimal,
            date_format=self.date_format,
            dayfirst=self.dayfirst,
            timezone=timezone if timezone is not None else self.timezone,
            source_timezone=self.timezone,
            calendar=self.calendar,
        )

    def reject_rows(self, mask: np.ndarray, column: str, reasons: str | np.ndarray) -> Export:
        """A copy with the rows of ``mask`` moved from :attr:`data` to :attr:`rejects`.

        For what a tool's own columns say about a whole response (LimeSurvey's empty
        ``submitdate``: the response was not completed). :attr:`n_read` is unchanged, so
        ``n_read == len(data) + rejects["row"].nunique()`` still holds.

        Parameters
        ----------
        mask : ndarray of bool
            One value per row of :attr:`data`; True rows are rejected.
        column : str
            The column the reason is about (shown with its value in the reject table).
        reasons : str or ndarray of str
            One reason for all rows, or one per row of :attr:`data`.

        Returns
        -------
        Export
            The same export with fewer data rows and more rejects.
        """
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return self
        idx = np.flatnonzero(mask)
        why = np.asarray(reasons, dtype=object)
        values = self.data[column].iloc[idx].astype(object)
        added = pd.DataFrame(
            {
                "file": self.file,
                "row": self.rows[idx],
                "column": column,
                "value": [None if v is pd.NA else str(v)[:200] for v in values],
                "reason": why if why.ndim == 0 else why[idx],
            },
            columns=REJECT_COLUMNS,
        )
        rejects = (
            pd.concat([self.rejects, added], ignore_index=True) if len(self.rejects) else added
        )
        rejects = rejects.astype(
            {"file": object, "column": object, "value": object, "reason": object}
        )
        return replace(
            self,
            data=self.data.loc[~mask].reset_index(drop=True),
            rows=self.rows[~mask],
            rejects=rejects.sort_values("row", kind="stable").reset_index(drop=True),
        )

    def reject_incomplete(
        self,
        mask: np.ndarray,
        column: str,
        reasons: str | np.ndarray,
        *,
        keep: bool,
        why: str,
    ) -> Export:
        """Reject (or keep, with a note) the responses the tool marks as not completed.

        One rule for every tool whose export says which responses were completed (LimeSurvey's
        ``submitdate``, Qualtrics' ``Finished``, Alchemer's ``Status``): by default the rows of
        ``mask`` go to :attr:`rejects` with ``reasons``; with ``keep`` they stay. Either way a
        note says how many and why.

        Parameters
        ----------
        mask : ndarray of bool
            One value per row of :attr:`data`; True rows are incomplete responses.
        column : str
            The tool's completion column (shown with its value in the reject table).
        reasons : str or ndarray of str
            The reject reason, one for all rows or one per row of :attr:`data`.
        keep : bool
            Keep the incomplete responses (``read_export(..., keep_incomplete=True)``).
        why : str
            What marks them, for the note: ``"Finished = False: not completed"``.

        Returns
        -------
        Export
            The export without the incomplete rows (unchanged with ``keep``), with a note.

        Examples
        --------
        >>> import pandas as pd
        >>> ex = Export(pd.DataFrame({"done": ["1", "0"]}), np.array([1, 2]),
        ...             pd.DataFrame(columns=REJECT_COLUMNS), 2, "x.csv", "x", {}, {}, None,
        ...             None, None, "gregorian", ".", "utf-8", ",", 1, [])
        >>> out = ex.reject_incomplete(np.array([False, True]), "done", "incomplete response",
        ...                            keep=False, why="done = 0")
        >>> out.rows.tolist(), out.rejects["row"].tolist(), out.notes
        ([1], [2], ['1 incomplete response rejected (done = 0)'])
        """
        mask = np.asarray(mask, dtype=bool)
        n = int(mask.sum())
        if not n:
            return self
        noun = f"{n} incomplete response{'s' if n != 1 else ''}"
        if keep:
            self.notes.append(f"{noun} kept ({why})")
            return self
        out = self.reject_rows(mask, column, reasons)
        out.notes.append(f"{noun} rejected ({why})")
        return out


@dataclass
class RawTable:
    """A file's cells before any header is interpreted.

    Attributes
    ----------
    file : str
        The path.
    records : list of list of str
        Every record of the file in order (blank lines are empty lists), cells unstripped.
    encoding : str
        Codec used (or ``"spreadsheet"`` / ``"parquet"``).
    delimiter : str or None
        Field delimiter of a text file.
    notes : list of str
        What reading the file involved (byte-order mark, encoding, delimiter, sheet).
    """

    file: str
    records: list[list[str]]
    encoding: str
    delimiter: str | None
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The file name without folders."""
        return Path(self.file).name

    def first_row(self) -> int | None:
        """Index of the first record with a non-blank cell, or None."""
        for i, rec in enumerate(self.records):
            if any(c.strip() for c in rec):
                return i
        return None

    def row(self, i: int | None) -> list[str]:
        """Record ``i`` with stripped cells (empty list when out of range)."""
        if i is None or not 0 <= i < len(self.records):
            return []
        return [c.strip() for c in self.records[i]]


@dataclass
class Header:
    """What an importer found in the header rows.

    Attributes
    ----------
    start : int
        Index (in :attr:`RawTable.records`) of the first header row; earlier rows are preamble.
    rows : int
        Number of header rows; data starts at ``start + rows``.
    names : list of str
        Column name per position (``""`` where blank: named ``"column N"`` later).
    questions : list of str, optional
        Question text per position.
    roles : dict
        Role -> column name (as in ``names``).
    """

    start: int
    rows: int
    names: list[str]
    questions: list[str] | None = None
    roles: dict[str, str] = field(default_factory=dict)
    timezone: str | None = None
    date_format: str | None = None
    dayfirst: bool | None = None
    calendar: str = "gregorian"
    notes: list[str] = field(default_factory=list)


class Importer:
    """One survey tool's export format. Subclasses set :attr:`name` and implement
    :meth:`detect` and :meth:`header`.

    Attributes
    ----------
    name : str
        Registry key and :attr:`Export.source` (``"qualtrics"``).
    title : str
        Human name (``"Qualtrics"``).
    file_hint : re.Pattern, optional
        File-name pattern the tool's exports typically have; only breaks ties in detection.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    file_hint: ClassVar[re.Pattern | None] = None

    def detect(self, raw: RawTable) -> float:
        """Confidence 0..1 that ``raw`` is this tool's export, from its header rows."""
        raise NotImplementedError

    def header(self, raw: RawTable) -> Header:
        """Interpret the header rows; raise :class:`SchemaError` when they are not this tool's."""
        raise NotImplementedError

    def finish(self, export: Export, *, keep_incomplete: bool = False) -> Export:
        """Apply what the tool's own columns say about the rows (after the header is applied).

        The default changes nothing. Tools override it for conventions of their data:
        LimeSurvey's anonymised date placeholder and incomplete responses, Typeform's ``1``/``0``
        yes/no answers.

        Parameters
        ----------
        export : Export
            The rows as :func:`_build_export` read them.
        keep_incomplete : bool
            Keep responses the tool marks as not completed (default: reject them, with a reason
            that says so).

        Returns
        -------
        Export
            The export to use; every row read is still in ``data`` or ``rejects``.
        """
        return export

    def hinted(self, path: str) -> bool:
        """Whether the file name looks like this tool's exports."""
        return bool(self.file_hint is not None and self.file_hint.search(Path(path).name))

    def not_mine(self, raw: RawTable, expected: str) -> SchemaError:
        """The error for ``source=<this tool>`` on a file that is not its export."""
        return SchemaError(
            f"{raw.file}: does not look like a {self.title} export ({expected}). "
            "Use source='auto' to detect the tool, or source='generic' for one header row."
        )


#: The registry: importer name -> importer. Add tools with :func:`register`.
IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer | type[Importer]) -> Importer:
    """Add a survey tool to :data:`IMPORTERS` (a class is instantiated) and return it.

    Parameters
    ----------
    importer : Importer or Importer subclass
        The importer; its ``name`` keys the registry (an existing one is replaced).

    Returns
    -------
    Importer
        The registered instance.

    Raises
    ------
    ParameterError
        Not an :class:`Importer`, or one without a name.

    Examples
    --------
    >>> class Mine(Importer):
    ...     name, title = "mine", "My tool"
    ...     def detect(self, raw): return 0.0
    ...     def header(self, raw): return Header(start=raw.first_row() or 0, rows=1,
    ...                                          names=raw.row(raw.first_row()))
    >>> register(Mine).name
    'mine'
    >>> _ = IMPORTERS.pop("mine")
    """
    if isinstance(importer, type):
        importer = importer()
    if not isinstance(importer, Importer) or not importer.name:
        raise ParameterError("register() needs an Importer with a non-empty name.")
    IMPORTERS[importer.name] = importer
    return importer


# --------------------------------------------------------------------------------------------
# Bytes -> text


def _decode_bytes(data: bytes, encoding: str | None, file: str) -> tuple[str, str, list[str]]:
    """Decode a text export; return ``(text, encoding used, notes)``.

    Order: ``encoding`` when given; a byte-order mark (UTF-32, UTF-8, UTF-16 LE/BE); UTF-16
    without a mark (many NUL bytes at odd or even positions, as in Qualtrics' TSV); strict
    UTF-8; UTF-8 with a few bad bytes replaced by U+FFFD (:func:`_utf8_with_bad_bytes`: the
    file's multi-byte UTF-8 sequences outnumber its bad bytes; the note says where they are);
    charset-normalizer restricted to :data:`FALLBACK_ENCODINGS`; cp1252 with replacement
    characters as the last resort.

    Raises
    ------
    SchemaError
        The bytes are not text (a binary file), or do not decode as the given ``encoding``.
    ParameterError
        ``encoding`` is not a codec name Python knows.
    """
    notes: list[str] = []
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except (LookupError, TypeError) as exc:
            raise ParameterError(
                f"encoding={encoding!r} is not a known codec; use e.g. 'utf-8', 'cp1252', "
                "'utf-16' or None to detect."
            ) from exc
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise SchemaError(
                f"{file}: cannot be decoded as {encoding} (byte {exc.start}: {exc.reason}); "
                "pass encoding=None to detect the encoding, or the export's real encoding."
            ) from exc
        if text.startswith("\ufeff"):
            text = text[1:]
            notes.append("byte-order mark removed")
        notes.append(f"decoded as {codec} (given)")
        return text, codec, notes
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 LE byte-order mark"),
        (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 BE byte-order mark"),
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 byte-order mark"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 LE byte-order mark"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 BE byte-order mark"),
    )
    for bom, codec, note in boms:
        if data.startswith(bom):
            try:
                return _strip_bom(data.decode(codec)), codec, [note]
            except UnicodeDecodeError:
                break  # a mark followed by something else: keep detecting
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            text = data.decode(utf16)
            return (
                text,
                utf16,
                [f"{'UTF-16 LE' if utf16.endswith('le') else 'UTF-16 BE'} without byte-order mark"],
            )
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8", notes
    except UnicodeDecodeError:
        pass
    head = data[:65536]
    control = len(head.translate(None, _TEXT_BYTES))
    if control > max(1, len(head) // 50):
        raise SchemaError(
            f"{file}: is not a text export (binary content). If it is a spreadsheet, give it "
            "its real suffix (.xlsx, .xls, .ods); otherwise export CSV from the survey tool."
        )
    mostly_utf8 = _utf8_with_bad_bytes(data, file)
    if mostly_utf8 is not None:
        return mostly_utf8[0], "utf-8", [mostly_utf8[1]]
    codec = _detect_single_byte(data)
    if codec is not None:
        return data.decode(codec), codec, [f"not UTF-8: decoded as {codec} (detected)"]
    return (
        data.decode("cp1252", errors="replace"),
        "cp1252",
        ["not UTF-8 and no code page fits: decoded as cp1252, undecodable bytes shown as U+FFFD"],
    )


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
#: Bad bytes whose place a note names (the rest are counted).
_BAD_BYTES_NAMED = 5


def _utf8_with_bad_bytes(data: bytes, file: str) -> tuple[str, str] | None:
    """The text of a UTF-8 file that holds a few invalid bytes, and a note saying where.

    A file is read this way when it has at least one valid multi-byte UTF-8 sequence and no
    more invalid bytes than valid multi-byte sequences: one stray byte in a French or Persian
    export must not make the whole file cp1252 ("école" read as "Ã©cole"). A file in a
    single-byte code page has (almost) no valid multi-byte sequences, as its accented letters
    are single high bytes, so it goes on to code-page detection. Each invalid byte becomes
    U+FFFD; the note names the file and the line and column (1-based, in characters) of the
    first :data:`_BAD_BYTES_NAMED`.

    Parameters
    ----------
    data : bytes
        The file's bytes (not strict UTF-8).
    file : str
        The file, for the note.

    Returns
    -------
    tuple of (str, str) or None
        ``(text, note)``, or None when the bytes do not look like UTF-8.

    Examples
    --------
    >>> data = "id,note|1,école|2,café|".replace("|", "\\n").encode()
    >>> text, note = _utf8_with_bad_bytes(data[:-3] + b"\\xff\\n", "x.csv")
    >>> text.splitlines()[2], note
    ('2,caf\ufffd', 'x.csv: UTF-8 with 1 invalid byte, shown as U+FFFD: 0xff at line 3, column 6')
    >>> _utf8_with_bad_bytes("Café crème".encode("cp1252"), "y.csv") is None
    True
    """
    escaped = data.decode("utf-8", errors="surrogateescape")
    bad = [m.start() for m in _ESCAPED_BYTE.finditer(escaped)]
    # Characters above ASCII that are not escaped bytes: the valid multi-byte sequences.
    multibyte = len(escaped) - len(escaped.encode("ascii", errors="ignore")) - len(bad)
    if not bad or multibyte < len(bad):
        return None
    places = []
    for pos in bad[:_BAD_BYTES_NAMED]:
        line_start = escaped.rfind("\n", 0, pos) + 1
        line = escaped.count("\n", 0, line_start) + 1
        places.append(
            f"0x{ord(escaped[pos]) - 0xDC00:02x} at line {line}, column {pos - line_start + 1}"
        )
    more = f" and {len(bad) - _BAD_BYTES_NAMED} more" if len(bad) > _BAD_BYTES_NAMED else ""
    note = (
        f"{file}: UTF-8 with {len(bad)} invalid byte{'s' if len(bad) != 1 else ''}, shown as "
        f"U+FFFD: {'; '.join(places)}{more}"
    )
    return _strip_bom(_ESCAPED_BYTE.sub("\ufffd", escaped)), note


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when the bytes look like UTF-16 text without a mark.

    Needs NUL bytes (at least 5 % of the start: the high bytes of ASCII digits, commas and line
    ends). Both byte orders decode the start; the one whose characters are plausible text wins
    when at least 80 % are. Read in the wrong order, ASCII becomes U+XX00 characters and digits,
    commas and line ends give it away even in Persian or Russian text.
    """
    head = data[:8192]
    if len(head) < 4 or head.count(0) < 0.05 * len(head):
        return None
    head = head[: len(head) - len(head) % 2]
    best: tuple[float, str] | None = None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = head.decode(codec)
        except UnicodeDecodeError:
            try:
                text = head[:-2].decode(codec)  # a surrogate pair cut at the end
            except UnicodeDecodeError:
                continue
        if not text:
            continue
        share = sum(_plausible(ch) for ch in text) / len(text)
        if share >= 0.8 and (best is None or share > best[0]):
            best = (share, codec)
    return None if best is None else best[1]


def _plausible(ch: str) -> bool:
    o = ord(ch)
    if o < 0x20:
        return ch in "\t\r\n"
    if o < 0x0800:
        return True
    return (o & 0xFF) != 0 and not 0xD800 <= o < 0xF900


def _detect_single_byte(data: bytes) -> str | None:
    """The most plausible of :data:`FALLBACK_ENCODINGS` (charset-normalizer), or None."""
    from charset_normalizer import from_bytes

    try:
        matches = from_bytes(data, cp_isolation=list(FALLBACK_ENCODINGS))
    except Exception:  # noqa: BLE001 - the detector is best effort; cp1252 fallback follows
        return None
    best = matches.best()
    if best is None:
        return None
    # Ties (same chaos and coherence) go to the first of FALLBACK_ENCODINGS.
    ranked = sorted(
        matches,
        key=lambda m: (
            round(m.chaos, 3),
            -round(m.coherence, 3),
            FALLBACK_ENCODINGS.index(m.encoding) if m.encoding in FALLBACK_ENCODINGS else 99,
        ),
    )
    name = ranked[0].encoding
    return _CODEC_NAMES.get(name, name)


# --------------------------------------------------------------------------------------------
# Text -> records


def _ensure_field_limit() -> None:
    limit = min(sys.maxsize, 2**31 - 1)
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)


def _split_records(text: str, delimiter: str, file: str) -> list[list[str]]:
    """Split text into records with Python's ``csv`` module (quotes ``"``, any line ending)."""
    _ensure_field_limit()
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
    except csv.Error as exc:
        raise SchemaError(
            f"{file}: cannot be split into fields ({exc}); check the delimiter or pass "
            "delimiter=',' / ';' / '\\t' / '|'."
        ) from exc


def _sniff_delimiter(text: str, suffix: str = "") -> tuple[str, str]:
    """Choose the field delimiter among ``, ; tab |``; return ``(delimiter, note)``.

    ``.tsv``/``.tab`` files are tab-separated. Otherwise each candidate splits a sample (the
    first 256 KiB, at most 200 records, quotes respected) and the one that gives the most
    records with the same number of fields (more than one) wins - clevercsv's pattern score
    restricted to four delimiters. Where no candidate splits consistently, clevercsv's full
    detector decides. (clevercsv alone picks a tab for the Qualtrics export with multi-line
    question texts in its header, hence the consistency check first.)
    """
    if suffix in (".tsv", ".tab"):
        return "\t", f"tab-delimited ({suffix} file)"
    sample = text[:_SAMPLE_CHARS]
    truncated = len(text) > len(sample)
    best: tuple[float, int, int] | None = None
    choice = ","
    _ensure_field_limit()
    for priority, delim in enumerate(DELIMITERS):
        try:
            recs = []
            for rec in csv.reader(io.StringIO(sample, newline=""), delimiter=delim, strict=False):
                recs.append(rec)
                if len(recs) > _SAMPLE_RECORDS:
                    break
        except csv.Error:
            continue
        if truncated and len(recs) > 1:
            recs = recs[:-1]
        counts = [len(r) for r in recs if any(c.strip() for c in r)]
        if not counts:
            continue
        width, freq = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        key = (round(freq / len(counts), 3), width, -priority)
        if best is None or key > best:
            best, choice = key, delim
    if best is not None and best[0] >= 0.5:
        return choice, f"{_DELIMITER_NAMES[choice]}-delimited (sniffed)"
    try:
        from clevercsv.detect import Detector

        dialect = Detector().detect(sample[:65536], delimiters=list(DELIMITERS))
    except Exception:  # noqa: BLE001 - detection is best effort
        dialect = None
    if dialect is not None and dialect.delimiter in DELIMITERS:
        return dialect.delimiter, f"{_DELIMITER_NAMES[dialect.delimiter]}-delimited (clevercsv)"
    if best is not None:
        return choice, f"{_DELIMITER_NAMES[choice]}-delimited (sniffed, inconsistent rows)"
    return ",", "comma-delimited (assumed: one column)"


# --------------------------------------------------------------------------------------------
# Files -> RawTable


def _load_raw(
    path: str | Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
) -> RawTable:
    """Read a file's cells: text (.csv .tsv .tab .txt), spreadsheet (.xlsx .xlsm .xlsb .xls
    .ods, python-calamine) or Parquet; every cell becomes text.

    Raises
    ------
    SchemaError
        Missing, empty, unreadable or undecodable file; unknown suffix.
    ParameterError
        Bad ``delimiter``/``encoding``/``sheet`` argument.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise ParameterError(
            f"delimiter must be one character such as ',', ';', '\\t' or '|', got {delimiter!r}."
        )
    if suffix not in SUFFIXES:
        raise SchemaError(
            f"{path}: unknown file type '{path.suffix}'. Export CSV, TSV, Excel (.xlsx/.xls), "
            f"OpenDocument (.ods) or Parquet; known suffixes: {', '.join(SUFFIXES)}."
        )
    if not path.is_file():
        raise SchemaError(f"{path}: file not found; check the path (relative to {Path.cwd()}).")
    if suffix in SPREADSHEET_SUFFIXES:
        if encoding is not None or delimiter is not None:
            raise ParameterError(f"{path}: encoding= and delimiter= apply to text files only.")
        return _load_spreadsheet(path, sheet)
    if sheet is not None:
        raise ParameterError(f"{path}: sheet= applies to spreadsheets only (.xlsx, .xls, .ods).")
    if suffix in PARQUET_SUFFIXES:
        return _load_parquet(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SchemaError(f"{path}: cannot be read ({exc.strerror}); check permissions.") from exc
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise SchemaError(f"{path}: the file is empty; export the survey responses again.")
    text, codec, notes = _decode_bytes(data, encoding, str(path))
    if delimiter is None:
        delimiter, note = _sniff_delimiter(text, suffix)
    else:
        note = f"{_DELIMITER_NAMES.get(delimiter, repr(delimiter))}-delimited (given)"
    notes.append(note)
    records = _split_records(text, delimiter, str(path))
    return RawTable(str(path), records, codec, delimiter, notes)


def _cell_text(value: object) -> str:
    """A spreadsheet or Parquet cell as the text a CSV export would hold.

    Whole floats lose their ``.0`` (``9.0`` -> ``"9"``), dates and times become ISO text
    (``"2026-07-01 10:00:00"``), booleans ``"TRUE"``/``"FALSE"``, empty cells ``""``.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return ""
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, datetime):
        if pd.isna(value):
            return ""
        spec = "seconds" if value.microsecond == 0 else "microseconds"
        return value.isoformat(sep=" ", timespec=spec)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _load_spreadsheet(path: Path, sheet: str | int | None) -> RawTable:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        raise SchemaError(
            f"{path}: cannot be read as a spreadsheet ({exc}); check that it is a real "
            f"{path.suffix} file, or export CSV from the survey tool."
        ) from exc
    if not names:
        raise SchemaError(f"{path}: the workbook has no sheets.")
    notes: list[str] = []
    try:
        if sheet is None:
            chosen, index = names[0], 0
            rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
            for i, name in enumerate(names):
                rows = book.get_sheet_by_index(i).to_python(skip_empty_area=False)
                if any(cell not in ("", None) for row in rows for cell in row):
                    chosen, index = name, i
                    break
            if len(names) > 1:
                notes.append(f"sheet '{chosen}' read (of {len(names)}: {', '.join(names)})")
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            if not -len(names) <= sheet < len(names):
                raise ParameterError(
                    f"{path}: sheet={sheet} is out of range; the workbook has sheets {names}."
                )
            chosen, index = names[sheet], sheet % len(names)
            rows = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
            notes.append(f"sheet '{chosen}' read")
        elif isinstance(sheet, str):
            if sheet not in names:
                raise ParameterError(
                    f"{path}: no sheet named {sheet!r}; the workbook has sheets {names}."
                )
            chosen, index = sheet, names.index(sheet)
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            notes.append(f"sheet '{chosen}' read")
        else:
            raise ParameterError(f"sheet must be a sheet name or a 0-based index, got {sheet!r}.")
    except (ParameterError, SchemaError):
        raise
    except Exception as exc:  # noqa: BLE001
        raise SchemaError(f"{path}: the sheet cannot be read ({exc}).") from exc
    records = [[_cell_text(v) for v in row] for row in rows]
    try:
        merged = list(book.get_sheet_by_index(index).merged_cell_ranges or [])
    except Exception:  # noqa: BLE001 - calamine keeps merges for some formats only
        merged = []
    notes += _merged_notes(merged, chosen, records)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        notes += _formula_notes(path, chosen, records)
    return RawTable(str(path), records, "spreadsheet", None, notes)


#: How many columns, and cells per column, a spreadsheet note names before "and N more".
_NAMED_CELLS = 3


def _header_of(records: list[list[str]], col: int, row: int) -> str:
    """`` ('How likely …')``: column ``col``'s header (its cell in the first non-blank
    record), or ``""`` when there is none or ``row`` is that record itself."""
    top = next((i for i, rec in enumerate(records) if any(c.strip() for c in rec)), None)
    if top is None or top >= row or col >= len(records[top]) or not records[top][col].strip():
        return ""
    header = " ".join(records[top][col].split())
    return f" ('{header[:40]}{'…' if len(header) > 40 else ''}')"


def _some_cells(cells: list[tuple[int, int, str]], records: list[list[str]]) -> str:
    """``"X2, X3, X4 and 1 more ('What …'); G8 ('How likely …')"``: cells (0-based row,
    column, name as Excel shows it) grouped by column with the column's header, the first
    few of each, then how many more.

    Examples
    --------
    >>> _some_cells([(1, 0, "A2"), (2, 0, "A3"), (4, 1, "B5")], [["Id", "Score"]])
    "A2, A3 ('Id'); B5 ('Score')"
    """
    by_col: dict[int, list[tuple[int, int, str]]] = {}
    for cell in sorted(cells, key=lambda t: (t[1], t[0])):
        by_col.setdefault(cell[1], []).append(cell)
    parts = []
    for col, group in list(by_col.items())[:_NAMED_CELLS]:
        names = ", ".join(name for _, _, name in group[:_NAMED_CELLS])
        more = len(group) - _NAMED_CELLS
        names += f" and {more} more" if more > 0 else ""
        parts.append(names + _header_of(records, col, group[0][0]))
    more = len(by_col) - _NAMED_CELLS
    return "; ".join(parts) + (
        f"; and {more} more column{'s' if more > 1 else ''}" if more > 0 else ""
    )


def _merged_notes(
    merged: list[tuple[tuple[int, int], tuple[int, int]]], sheet: str, records: list[list[str]]
) -> list[str]:
    """A note naming a sheet's merged ranges (0-based ``((row, col), (last row, last col))``
    as python-calamine gives them): only the top-left cell of each holds the value, the
    others are read as empty.

    Examples
    --------
    >>> _merged_notes([((19, 4), (22, 4))], "S", [["", "", "", "", "Experience"]])
    ["sheet 'S': 1 merged cell range: only its top-left cell holds the value, the other cells \
are read as empty: E20:E23 ('Experience'); unmerge the cells and fill them in, or export CSV"]
    >>> _merged_notes([], "S", [])
    []
    """
    from openpyxl.utils import get_column_letter as letter

    if not merged:
        return []
    cells = [
        (r0, c0, f"{letter(c0 + 1)}{r0 + 1}:{letter(c1 + 1)}{r1 + 1}")
        for (r0, c0), (r1, c1) in merged
    ]
    n = len(merged)
    what = "its top-left cell holds" if n == 1 else "the top-left cell of each holds"
    return [
        f"sheet '{sheet}': {n} merged cell range{'s' if n != 1 else ''}: only {what} the value, "
        f"the other cells are read as empty: {_some_cells(cells, records)}; unmerge the cells "
        "and fill them in, or export CSV"
    ]


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of an .xlsx/.xlsm file holds a formula (a ``<f>`` element),
    scanning the zip's XML without building a workbook."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                if not member.startswith("xl/worksheets/") or not member.endswith(".xml"):
                    continue
                with zf.open(member) as f:
                    tail = b""
                    while chunk := f.read(1 << 20):
                        if _FORMULA_TAG.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    except (OSError, zipfile.BadZipFile):
        return False
    return False


def _formula_notes(path: Path, sheet: str, records: list[list[str]]) -> list[str]:
    """Notes on a sheet's formula cells. A formula is never calculated: a cell is read as the
    result the file saved with it (what Excel shows), and a formula saved without a result
    (a file written by openpyxl or pandas, never opened and saved in Excel) is read as empty.
    ``records`` are the sheet's cells from A1 as read (cached results)."""
    if not _has_formulas(path):
        return []
    from openpyxl import load_workbook

    empty: list[tuple[int, int, str]] = []
    cached: list[tuple[int, int, str]] = []
    try:
        book = load_workbook(path, read_only=True, data_only=False)
        try:
            for row in book[sheet].iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) != "f":
                        continue
                    r, c = cell.row - 1, cell.column - 1
                    value = records[r][c] if r < len(records) and c < len(records[r]) else ""
                    (cached if value.strip() else empty).append((r, c, cell.coordinate))
        finally:
            book.close()
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many error types
        return [f"sheet '{sheet}': formula cells could not be checked ({exc})"]
    notes = []
    if empty:
        n = len(empty)
        notes.append(
            f"sheet '{sheet}': {n} formula cell{'s' if n != 1 else ''} without a saved result "
            f"read as empty: {_some_cells(empty, records)}; open the file in Excel and save it (so the "
            "results are stored), or export CSV; formulas are never calculated here"
        )
    if cached:
        n = len(cached)
        notes.append(
            f"sheet '{sheet}': {n} formula cell{'s' if n != 1 else ''} read as the result "
            f"saved in the file (what Excel shows): {_some_cells(cached, records)}; formulas are never "
            "calculated here"
        )
    return notes


def _load_parquet(path: Path) -> RawTable:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many error types
        raise SchemaError(f"{path}: cannot be read as Parquet ({exc}).") from exc
    header = [str(c) for c in frame.columns]
    values = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
    records = [header] + [[_cell_text(v) for v in row] for row in values]
    return RawTable(str(path), records, "parquet", None, ["Parquet: cells turned into text"])


# --------------------------------------------------------------------------------------------
# Header helpers for importers


def norm(text: str) -> str:
    """Lower case, inner whitespace collapsed, ZWNJ removed: for comparing header names.

    Parameters
    ----------
    text : str
        A column name.

    Returns
    -------
    str
        The name in its comparable form.

    Examples
    --------
    >>> norm("  Submit   Date (UTC) ")
    'submit date (utc)'
    """
    return " ".join(text.replace("\u200c", " ").split()).casefold()


def find_columns(names: list[str], wanted: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Role -> the first column whose name equals (:func:`norm`) one of the role's names.

    Parameters
    ----------
    names : list of str
        The export's column names.
    wanted : dict of str to tuple of str
        Role (``response_id``, ``response_date``...) → the names the tool gives that column,
        most likely first.

    Returns
    -------
    dict of str to str
        Role → the column found (roles without a match are left out).

    Examples
    --------
    >>> find_columns(["#", "Q1", "submit date (UTC)"],
    ...              {"response_id": ("#",), "response_date": ("Submit Date (UTC)",),
    ...               "language": ("Language",)})
    {'response_id': '#', 'response_date': 'submit date (UTC)'}
    """
    index: dict[str, str] = {}
    for name in names:
        index.setdefault(norm(name), name)
    roles: dict[str, str] = {}
    for role, options in wanted.items():
        for option in options:
            if norm(option) in index:
                roles[role] = index[norm(option)]
                break
    return roles


def count_present(names: list[str], options: tuple[str, ...] | set[str]) -> int:
    """How many of ``options`` appear among ``names`` (compared with :func:`norm`).

    Parameters
    ----------
    names : list of str
        The export's column names.
    options : tuple or set of str
        Names a tool is known to write.

    Returns
    -------
    int
        The number of ``options`` present.

    Examples
    --------
    >>> count_present(["#", "Network ID", "Tags"], ("Network ID", "tags", "Ending"))
    2
    """
    have = {norm(n) for n in names if n}
    return sum(1 for o in options if norm(o) in have)


def forward_fill_question(top: list[str], sub: list[str]) -> list[str]:
    """Question text per position when a question spans several columns (merged cells):
    a blank top cell under which the sub-header has an option takes the last question.

    Parameters
    ----------
    top : list of str
        The first header row (questions; blank where a merged cell continues).
    sub : list of str
        The second header row (options or sub-questions).

    Returns
    -------
    list of str
        The question of each column ("" where there is none).

    Examples
    --------
    >>> forward_fill_question(["id", "Which?", "", "Age"], ["", "Red", "Blue", ""])
    ['id', 'Which?', 'Which?', 'Age']
    """
    out, last = [], ""
    for j in range(max(len(top), len(sub))):
        t = top[j] if j < len(top) else ""
        s = sub[j] if j < len(sub) else ""
        if t:
            last = t
            out.append(t)
        elif s and last:
            out.append(last)
        else:
            out.append("")
            last = "" if not s else last
    return out


# --------------------------------------------------------------------------------------------
# RawTable + Header -> Export


def _build_export(
    raw: RawTable,
    header: Header,
    source: str,
    na_values: tuple[str, ...] = DEFAULT_NA_VALUES,
) -> Export:
    """Apply an importer's :class:`Header` to the data rows of ``raw``.

    Rows with more fields than the header whose extra cells are not empty are rejected
    (``"row has 23 fields, header has 20"``); shorter rows are padded with NA; blank rows are
    skipped; trailing unnamed columns with no value are dropped; blank names become
    ``"column N"`` (1-based position) and repeated names ``"Other (2)"``, ``"Other (3)"``.
    """
    file = raw.file
    notes = list(raw.notes) + list(header.notes)
    names = [n.strip() for n in header.names]
    width = len(names)
    if width == 0 or not any(names):
        raise SchemaError(f"{file}: no header row found; the first row must name the columns.")
    na = frozenset(na_values) | {""}  # an empty cell is always NA
    body = raw.records[header.start + header.rows :]
    data_rows: list[list[object]] = []
    row_no: list[int] = []
    rejects: list[tuple[str, int, str, str, str]] = []
    blank = 0
    missing = pd.NA
    for k, rec in enumerate(body, start=1):
        if not any(c.strip() for c in rec):
            blank += 1
            continue
        n = len(rec)
        if n > width:
            extra = rec[width:]
            filled = [j for j, c in enumerate(extra) if c.strip()]
            if filled:
                j = filled[0]
                rejects.append(
                    (
                        file,
                        k,
                        f"column {width + j + 1}",
                        extra[j].strip()[:200],
                        f"row has {n} fields, header has {width}",
                    )
                )
                continue
            rec = rec[:width]
        elif n < width:
            rec = rec + [""] * (width - n)
        data_rows.append([missing if (c := x.strip()) in na else c for x in rec])
        row_no.append(k)
    if blank:
        notes.append(f"{blank} blank row{'s' if blank != 1 else ''} skipped")
    # Trailing unnamed columns without any value (a delimiter at the end of every line).
    questions = list(header.questions or [])
    keep = width
    while keep > 1 and not names[keep - 1] and not _at(questions, keep - 1):
        if any(row[keep - 1] is not missing for row in data_rows):
            break
        keep -= 1
    if keep < width:
        dropped = width - keep
        notes.append(
            f"{dropped} empty unnamed trailing column{'s' if dropped > 1 else ''} dropped "
            "(delimiter at the end of every line)"
        )
        names = names[:keep]
        data_rows = [row[:keep] for row in data_rows]
    final, naming_notes = _unique_names(names)
    notes.extend(naming_notes)
    data = pd.DataFrame(data_rows, columns=pd.Index(final, dtype=object), dtype=object)
    if not data_rows:
        data = pd.DataFrame({c: pd.Series(dtype=object) for c in final})
    question_map = {}
    for j, name in enumerate(final):
        q = _at(questions, j).strip()
        question_map[name] = q or name
    first_final: dict[str, str] = {}
    for raw_name, name in zip(names, final, strict=True):
        first_final.setdefault(raw_name, name)
    roles = {r: first_final[c.strip()] for r, c in header.roles.items() if c.strip() in first_final}
    reject_frame = pd.DataFrame(rejects, columns=REJECT_COLUMNS)
    if rejects:
        plural = "s" if len(rejects) != 1 else ""
        notes.append(f"{len(rejects)} row{plural} rejected: more fields than the header")
    reject_frame = reject_frame.astype(
        {"file": object, "column": object, "value": object, "reason": object}
    )
    zone = header.timezone
    if zone is not None and not _known_zone(zone):
        notes.append(f"declared time zone {zone!r} is not a known IANA zone: ignored")
        zone = None
    decimal, decimal_note = _detect_decimal(data_rows)
    if decimal_note:
        notes.append(decimal_note)
    return Export(
        data=data,
        rows=np.asarray(row_no, dtype=int),
        rejects=reject_frame,
        n_read=len(data) + reject_frame["row"].nunique(),
        file=file,
        source=source,
        questions=question_map,
        roles=roles,
        timezone=zone,
        date_format=header.date_format,
        dayfirst=header.dayfirst,
        calendar=header.calendar,
        decimal=decimal,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        header_rows=header.rows,
        notes=notes,
    )


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


def _at(items: list[str], j: int) -> str:
    return items[j] if j < len(items) and items[j] else ""


def _unique_names(names: list[str]) -> tuple[list[str], list[str]]:
    """Blank names -> ``"column N"``; repeats -> ``"name (2)"``, ``"name (3)"``; with notes."""
    positional = [name or f"column {j + 1}" for j, name in enumerate(names)]
    blanks = [p for name, p in zip(names, positional, strict=True) if not name]
    taken = set(positional)
    used: set[str] = set()
    final, renamed = [], []
    for name in positional:
        if name not in used:
            used.add(name)
            final.append(name)
            continue
        k = 2
        while f"{name} ({k})" in used or f"{name} ({k})" in taken:
            k += 1
        new = f"{name} ({k})"
        used.add(new)
        final.append(new)
        renamed.append(new)
    notes = []
    if blanks:
        shown = ", ".join(blanks[:5]) + (", ..." if len(blanks) > 5 else "")
        notes.append(
            f"{len(blanks)} blank header{'s' if len(blanks) > 1 else ''} named by position: {shown}"
        )
    if renamed:
        shown = ", ".join(renamed[:5]) + (", ..." if len(renamed) > 5 else "")
        notes.append(
            f"{len(renamed)} duplicate header{'s' if len(renamed) > 1 else ''} renamed: {shown}"
        )
    return final, notes


_COMMA_DECIMAL = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),(?:\d{1,2}|\d{4,})$")
_DOT_DECIMAL = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)\.(?:\d{1,2}|\d{4,})$")


def _detect_decimal(rows: list[list[object]], limit: int = 20000) -> tuple[str, str | None]:
    """``","`` when unambiguous decimal-comma numbers (``7,5``, ``1.234,56``) outnumber
    decimal-dot ones in the first ``limit`` non-empty cells; ``"."`` otherwise. Three digits
    after the mark (``1,234``) are ambiguous and not counted."""
    comma = dot = seen = 0
    for row in rows:
        for cell in row:
            if cell is pd.NA or not cell or not cell[0].isdigit() and cell[0] not in "+-":
                continue
            seen += 1
            if _COMMA_DECIMAL.match(cell):
                comma += 1
            elif _DOT_DECIMAL.match(cell):
                dot += 1
        if seen >= limit:
            break
    if comma > dot:
        return ",", f"decimal comma ({comma} numbers such as 7,5)"
    return ".", None


# --------------------------------------------------------------------------------------------
# Folders and globs


def expand_paths(spec: str | Path, *, base: Path | None = None) -> list[Path]:
    """The export files a user means by ``spec``: a folder, a file, or a glob.

    Parameters
    ----------
    spec : str or Path
        A folder (every readable export in it - known suffixes, sorted by name, hidden files,
        Office lock files ``~$*`` and reject tables ``*rejects*.csv`` written by CXM Lab
        skipped), a single file, or a glob such as ``"exports/*.csv"`` or ``"**/*.xlsx"``. A
        file or folder that exists is used as named, even if its name holds ``*``, ``?`` or
        ``[``; only a path that does not exist is matched as a glob.
    base : Path, optional
        Folder relative paths start from (default: the working directory).

    Returns
    -------
    list of Path
        The files, sorted.

    Raises
    ------
    SchemaError
        Nothing matches.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for n in ("b.csv", "a.xlsx", ".hidden.csv", "notes.md"):
    ...     _ = (d / n).write_text("x")
    >>> [p.name for p in expand_paths(d)]
    ['a.xlsx', 'b.csv']
    """
    base = Path.cwd() if base is None else Path(base)
    raw = str(spec)
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = base / path
    # An existing file or folder is taken literally, even when its name holds a glob character
    # ("survey[1].csv" is that file, not "survey1.csv"); only a path that does not exist is a
    # glob, matched below ``base`` (whose own name may hold "[" too).
    if path.is_dir():
        found = sorted(
            (p for p in path.iterdir() if p.is_file() and _is_export(p)), key=lambda p: p.name
        )
    elif path.is_file():
        found = [path]
    elif any(ch in raw for ch in "*?["):
        pattern = Path(raw).expanduser()
        if pattern.is_absolute():
            matches = [Path(p) for p in glob.glob(str(pattern), recursive=True)]
        else:
            matches = [base / p for p in glob.glob(str(pattern), root_dir=base, recursive=True)]
        found = sorted(p for p in matches if p.is_file() and _is_export(p))
    else:
        raise SchemaError(f"{raw}: no such file or folder (looked in {base}); check the path.")
    if not found:
        raise SchemaError(
            f"{raw}: no export files matched (looked in {base}); known suffixes: "
            f"{', '.join(SUFFIXES)}."
        )
    return found


def _is_export(path: Path) -> bool:
    name = path.name
    if name.startswith((".", "~$")) or path.suffix.lower() not in SUFFIXES:
        return False
    return "rejects" not in name.lower()
