"""Read survey-tool exports as their tools wrote them.

:func:`read_export` takes a Qualtrics, SurveyMonkey, Google Forms, Typeform, LimeSurvey,
Medallia, QuestionPro, Alchemer, Microsoft Forms or Porsline export - or any other table - and
returns an :class:`Export`: the data rows as text with the export's own column names, the
question texts, the tool's meta columns (response id, dates, language ...), what it declares
about time zones and date formats, and the rows that could not be split. Each tool has its own
module; :func:`register` adds more. ``docs/IMPORTERS.md`` describes every format.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "responses.csv"
>>> _ = p.write_text("Timestamp,How likely are you to recommend us?\\n"
...                  "12/13/2019 9:50:30,10 - Extremely likely\\n", encoding="utf-8")
>>> ex = read_export(p)
>>> ex.source, ex.n_read, ex.roles, ex.date_format
('google_forms', 1, {'response_date': 'Timestamp'}, '%m/%d/%Y %H:%M:%S')
>>> parse_numbers(ex.data["How likely are you to recommend us?"])[0].tolist()
[10.0]
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cxm_lab.errors import ParameterError, SchemaError
from cxm_lab.importers.alchemer import AlchemerImporter
from cxm_lab.importers.base import (
    IMPORTERS,
    Export,
    Header,
    Importer,
    RawTable,
    _build_export,
    _load_raw,
    expand_paths,
    register,
)
from cxm_lab.importers.generic import GenericImporter
from cxm_lab.importers.google_forms import GoogleFormsImporter
from cxm_lab.importers.limesurvey import LimeSurveyImporter
from cxm_lab.importers.medallia import MedalliaImporter
from cxm_lab.importers.microsoft_forms import MicrosoftFormsImporter
from cxm_lab.importers.porsline import PorslineImporter
from cxm_lab.importers.qualtrics import QualtricsImporter
from cxm_lab.importers.questionpro import QuestionProImporter
from cxm_lab.importers.surveymonkey import SurveyMonkeyImporter
from cxm_lab.importers.typeform import TypeformImporter
from cxm_lab.importers.values import (
    DEFAULT_NA_VALUES,
    jalali_to_gregorian,
    parse_dates,
    parse_numbers,
)

__all__ = [
    "DEFAULT_NA_VALUES",
    "IMPORTERS",
    "MIN_CONFIDENCE",
    "Export",
    "Header",
    "Importer",
    "RawTable",
    "detect_source",
    "expand_paths",
    "jalali_to_gregorian",
    "parse_dates",
    "parse_numbers",
    "read_export",
    "register",
]

for _importer in (
    QualtricsImporter,
    SurveyMonkeyImporter,
    GoogleFormsImporter,
    TypeformImporter,
    LimeSurveyImporter,
    MedalliaImporter,
    QuestionProImporter,
    AlchemerImporter,
    MicrosoftFormsImporter,
    PorslineImporter,
    GenericImporter,
):
    register(_importer)

#: A vendor importer must be at least this confident to be chosen over ``generic``.
MIN_CONFIDENCE = 0.5


def _choose(raw: RawTable) -> tuple[Importer, float]:
    """The most confident importer; file-name hints only break ties."""
    scores: dict[str, float] = {}
    for importer in IMPORTERS.values():
        if importer.name == "generic":
            continue
        try:
            scores[importer.name] = float(importer.detect(raw))
        except Exception:  # noqa: BLE001 - a detector that trips over odd input just abstains
            scores[importer.name] = 0.0
    ranked = sorted(
        (n for n, score in scores.items() if score >= MIN_CONFIDENCE),
        key=lambda n: (round(scores[n], 2), IMPORTERS[n].hinted(raw.file)),
        reverse=True,
    )
    if not ranked:
        return IMPORTERS["generic"], round(1.0 - max(scores.values(), default=0.0), 2)
    return IMPORTERS[ranked[0]], round(scores[ranked[0]], 2)


def _na_tuple(na_values: Iterable[str] | None) -> tuple[str, ...]:
    if na_values is None:
        return DEFAULT_NA_VALUES
    if isinstance(na_values, str):
        na_values = [na_values]
    try:
        values = tuple(na_values)
    except TypeError as exc:
        raise ParameterError(f"na_values must be a list of strings, got {na_values!r}.") from exc
    if not all(isinstance(v, str) for v in values):
        raise ParameterError(f"na_values must be a list of strings, got {list(values)!r}.")
    return tuple(v.strip() for v in values)


def read_export(
    path: str | Path,
    *,
    source: str = "auto",
    encoding: str | None = None,
    delimiter: str | None = None,
    na_values: Iterable[str] | None = None,
    sheet: str | int | None = None,
    keep_incomplete: bool = False,
) -> Export:
    """Read a survey-tool export.

    Parameters
    ----------
    path : str or Path
        A .csv, .tsv, .tab, .txt, .xlsx, .xlsm, .xlsb, .xls, .ods, .parquet or .pq file.
    source : str
        ``"auto"`` (detect from the header rows; the file name only breaks ties) or an importer
        name from :data:`IMPORTERS`: ``"qualtrics"``, ``"surveymonkey"``, ``"google_forms"``,
        ``"typeform"``, ``"limesurvey"``, ``"medallia"``, ``"questionpro"``, ``"alchemer"``,
        ``"microsoft_forms"``, ``"porsline"``, ``"generic"`` (one header row).
    encoding : str, optional
        Codec of a text file; default: detected (see :func:`cxm_lab.importers.base._decode_bytes`).
    delimiter : str, optional
        Field delimiter of a text file; default: sniffed among ``, ; tab |``.
    na_values : list of str, optional
        Whole-cell tokens read as NA (after stripping); replaces :data:`DEFAULT_NA_VALUES`.
        Empty cells are NA whatever the list.
    sheet : str or int, optional
        Spreadsheet sheet name or 0-based index; default: the first sheet with data.
    keep_incomplete : bool
        Keep the responses the tool marks as not completed (LimeSurvey: ``submitdate`` empty;
        Qualtrics: ``Finished`` False or 0; Alchemer: ``Status`` Partial or Disqualified).
        Default: they are rejected with the reason ``"incomplete response (LimeSurvey
        submitdate empty ...)"`` (``"incomplete response (Qualtrics Finished = False; Progress
        43%)"``, ...), so a report counts completed responses only and says how many were left
        out.

    Returns
    -------
    Export
        ``n_read == len(export.data) + export.rejects["row"].nunique()``. Vendor conventions
        are applied (:meth:`Importer.finish`): LimeSurvey's anonymised date
        ``1980-01-01 00:00:00`` is read as no date, Typeform's yes/no answers ``1``/``0`` as
        ``Yes``/``No``; each one is said in :attr:`Export.notes`.

    Raises
    ------
    SchemaError
        Missing, empty, unreadable or undecodable file, unknown suffix, no header row, unknown
        ``source``, or a file that is not the named ``source``'s export.
    ParameterError
        Bad ``encoding``, ``delimiter``, ``na_values`` or ``sheet``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = p.write_text("id;score\\n1;9\\n2;n/a\\n", encoding="utf-8")
    >>> ex = read_export(p)
    >>> ex.source, ex.n_read, ex.data["score"].tolist()
    ('generic', 2, ['9', <NA>])
    """
    if source != "auto" and source not in IMPORTERS:
        raise SchemaError(
            f"{path}: unknown source {source!r}; use 'auto' or one of {sorted(IMPORTERS)}."
        )
    na = _na_tuple(na_values)
    raw = _load_raw(path, encoding=encoding, delimiter=delimiter, sheet=sheet)
    if raw.first_row() is None:
        raise SchemaError(f"{raw.file}: no header row found: every row is blank.")
    if source == "auto":
        importer, confidence = _choose(raw)
        note = f"detected {importer.title} export (confidence {confidence:.2f})"
        if importer.name == "generic":
            note = "no survey tool recognised: read with one header row"
    else:
        importer = IMPORTERS[source]
        note = f"read as {importer.title} export (given)"
    header = importer.header(raw)
    header.notes.insert(0, note)
    return importer.finish(
        _build_export(raw, header, importer.name, na), keep_incomplete=keep_incomplete
    )


def detect_source(path: str | Path, *, encoding: str | None = None) -> tuple[str, float]:
    """Which survey tool wrote ``path``: ``(importer name, confidence 0..1)``.

    The confidence is the importer's own (from the header rows); for ``"generic"`` it is one
    minus the best vendor's, i.e. how sure it is that no known tool wrote the file.

    Parameters
    ----------
    path : str or Path
        The export.
    encoding : str, optional
        Codec of a text file; default: detected.

    Returns
    -------
    tuple of (str, float)
        The importer name (:data:`IMPORTERS`) and its confidence.

    Raises
    ------
    SchemaError
        Missing, empty or unreadable file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "crm.csv"
    >>> _ = p.write_text("account_id,arr\\nA1,1000\\n")
    >>> detect_source(p)
    ('generic', 1.0)
    """
    raw = _load_raw(path, encoding=encoding)
    if raw.first_row() is None:
        raise SchemaError(f"{raw.file}: no header row found: every row is blank.")
    importer, confidence = _choose(raw)
    return importer.name, confidence
