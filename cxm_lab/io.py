"""Reading survey exports and CRM tables (CSV, Parquet, Excel) through their declared schema.

Every read reconciles: ``n_read == n_used + n_rejected``; rejected rows are reported with
file, row, column, value and reason, never dropped silently.

Examples
--------
>>> from cxm_lab.io import load_dataset
>>> ds = load_dataset()            # the embedded demo, written to a temporary dir and read back
>>> ds.summary().columns.tolist()
['table', 'file', 'read', 'used', 'rejected']
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxm_lab.errors import SchemaError
from cxm_lab.schema import (
    REJECT_COLUMNS,
    SCHEMAS,
    Column,
    ParseOptions,
    TableSchema,
    empty_rejects,
)

__all__ = [
    "DEFAULT_DIMENSIONS",
    "DEFAULT_DRIVERS",
    "PREPARED",
    "SUFFIXES",
    "Dataset",
    "ReadResult",
    "default_config",
    "default_quarter",
    "derive_fields",
    "load_dataset",
    "read_table",
    "reject_reasons",
]

#: File suffix → reader.
SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".ods": "excel",
}


@dataclass(frozen=True)
class ReadResult:
    """Outcome of reading one file.

    Attributes
    ----------
    data : DataFrame
        Valid rows with typed columns.
    rejects : DataFrame
        One row per problem (file, row, column, value, reason).
    n_read : int
        Data rows read from the file; ``n_read == n_used + n_rejected``.
    file : str
        The path read.
    table : str
        The table the file was read as (``responses``, ``accounts``, ...).
    source : str
        The survey tool that wrote the file (``qualtrics``, ..., ``generic``).
    notes : tuple of str
        What was detected and handled while reading (encoding, header rows, ...).
    """

    data: pd.DataFrame
    rejects: pd.DataFrame
    n_read: int
    file: str
    table: str = "responses"
    source: str = "generic"
    notes: tuple[str, ...] = ()

    @property
    def n_used(self) -> int:
        """Rows kept (no problem in any column)."""
        return len(self.data)

    @property
    def n_rejected(self) -> int:
        """Rows rejected (at least one problem; listed in ``rejects``)."""
        return self.n_read - self.n_used


def read_table(
    path: str | Path,
    schema: TableSchema | str,
    *,
    rename: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
    na_values: Sequence[str] | None = None,
    options: ParseOptions | None = None,
) -> ReadResult:
    """Read a CSV, TSV, Parquet or spreadsheet file and validate it against ``schema``.

    Text files are decoded and split by :func:`cxm_lab.importers.read_export` (encoding and
    delimiter detected, ``NA``-style tokens read as missing, rows that do not fit the header
    rejected); Parquet is read with its own types.

    Parameters
    ----------
    path : str or Path
        The file; its suffix selects the reader (.csv/.tsv/.txt, .parquet, .xlsx/.xls/.ods).
    schema : TableSchema or str
        A schema from :mod:`cxm_lab.schema` or its table name (``"responses"``).
    rename : mapping, optional
        Rename the export's columns to the schema's names, e.g. ``{"Q1_NPS": "ltr"}``.
    sheet : str or int, optional
        Spreadsheet sheet (default: the first).
    encoding : str, optional
        Text encoding (default: detected).
    na_values : sequence of str, optional
        Whole-cell tokens read as missing (default:
        :data:`cxm_lab.importers.DEFAULT_NA_VALUES`).
    options : ParseOptions, optional
        Decimal mark, date format and time zones (default: the file's detected decimal mark).

    Returns
    -------
    ReadResult
        The valid rows, the rejects and the counts (``n_read == n_used + n_rejected``).

    Raises
    ------
    SchemaError
        Unknown file type, missing file, unreadable file or missing required column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = p.write_text("Id,Date,Q1_NPS\\nR1,2026-07-01,9\\nR2,2026-07-02,11\\n")
    >>> res = read_table(p, "responses",
    ...                  rename={"Id": "response_id", "Date": "response_date", "Q1_NPS": "ltr"})
    >>> res.n_read, res.n_used, res.n_rejected
    (2, 1, 1)
    >>> res.rejects[["row", "column", "reason"]].values.tolist()
    [[2, "ltr (export column 'Q1_NPS')", "ltr (export column 'Q1_NPS') must be between 0 and 10"]]
    """
    path = Path(path)
    if isinstance(schema, str):
        if schema not in SCHEMAS:
            raise SchemaError(f"unknown table '{schema}'; known tables: {sorted(SCHEMAS)}")
        schema = SCHEMAS[schema]
    if rename:
        schema = schema.with_rename(rename)
    raw, rows, import_rejects, n_read, decimal, source, notes = _read_raw(
        path, sheet, encoding, na_values
    )
    if options is None:
        options = ParseOptions(decimal=decimal)
    used, rejects = schema.validate(raw, file=str(path), options=options, rows=rows)
    if len(import_rejects):
        rejects = pd.concat([import_rejects, rejects], ignore_index=True)
    return ReadResult(
        data=used,
        rejects=rejects,
        n_read=n_read,
        file=str(path),
        table=schema.name,
        source=source,
        notes=tuple(notes),
    )


def _read_raw(
    path: Path,
    sheet: str | int | None,
    encoding: str | None,
    na_values: Sequence[str] | None,
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame, int, str, str, list[str]]:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise SchemaError(
            f"{path}: unknown file type '{path.suffix}'. Use one of {sorted(SUFFIXES)}."
        )
    if not path.is_file():
        raise SchemaError(f"{path}: file not found.")
    if kind == "parquet":
        try:
            raw = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises many types for a damaged file
            raise SchemaError(f"{path}: cannot be read as Parquet: {exc}") from None
        raw = raw.reset_index(drop=True)
        return raw, np.arange(1, len(raw) + 1), empty_rejects(), len(raw), ".", "parquet", []
    from cxm_lab.importers import read_export

    exp = read_export(path, source="generic", encoding=encoding, na_values=na_values, sheet=sheet)
    return exp.data, exp.rows, exp.rejects, exp.n_read, exp.decimal, exp.source, list(exp.notes)


#: Standard columns a report breaks results down by, when the run names no ``dimensions``.
DEFAULT_DIMENSIONS = ("segment", "touchpoint", "region", "channel", "role")
#: Standard driver ratings, used when the run names no ``drivers``.
DEFAULT_DRIVERS = ("ease", "speed", "support", "price", "reliability", "product")
#: The file that marks a folder written by :meth:`Dataset.save`.
PREPARED = "dataset.json"


@dataclass
class Dataset:
    """The tables of one run, read through their schemas, and what the data describes.

    Attributes
    ----------
    tables : dict of DataFrame
        Used rows per table name (``responses``, ``accounts``, ...).
    reads : list of ReadResult
        The read outcome of every file (several files may make up one table).
    data_dir : Path
        Where the files were read from.
    config : dict
        What the notebooks need to know about the data: ``drivers`` (column → label),
        ``dimensions`` (columns to break results down by), ``scales`` (rating column →
        [lowest, highest] possible answer, as the params file declares it), ``reverse_scored``
        (column → scale of each driver reverse-coded when read, ``reverse_scored:``), ``themes`` (category → seed phrases,
        or None for the default list), ``currency``, ``report_quarter`` (None without dates;
        :func:`default_quarter`), ``report_quarter_note`` (why a later quarter was passed
        over, or None), ``journey`` (the declared stages, ``[{"stage": ..., "touchpoints": [...]}]``, or None
        for the default journey), ``pool_survey_types`` (bool), ``owners`` (driver, theme or
        group name → the person or team who owns it, for the brief's priorities), ``source`` and ``notes`` (what
        was detected per file).
    """

    tables: dict[str, pd.DataFrame]
    reads: list[ReadResult]
    data_dir: Path
    config: dict[str, Any] = field(default_factory=dict)
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)
    _summary: pd.DataFrame | None = field(default=None, repr=False)
    _rejects: pd.DataFrame | None = field(default=None, repr=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.tables:
            raise KeyError(
                f"table '{name}' was not found in {self.data_dir}; present: {sorted(self.tables)}"
            )
        return self.tables[name]

    @property
    def responses(self) -> pd.DataFrame:
        """The responses table."""
        return self["responses"]

    @property
    def drivers(self) -> dict[str, str]:
        """Driver rating columns present in the responses → display label."""
        return dict(self.config.get("drivers") or {})

    @property
    def dimensions(self) -> list[str]:
        """Columns of the responses to break results down by."""
        return list(self.config.get("dimensions") or [])

    @property
    def scales(self) -> dict[str, tuple[float, float]]:
        """Rating column → (lowest, highest) possible answer, as the params file declares it
        (``scales:``, written by ``cxm-lab init``); empty when none is declared (the scale is
        then read from the answers, :func:`cxm_lab.brief.rating_scales`)."""
        return {
            str(c): (float(s[0]), float(s[1])) for c, s in (self.config.get("scales") or {}).items()
        }

    @property
    def report_quarter(self) -> str | None:
        """The quarter the report is about (None when the responses have no dates)."""
        return self.config.get("report_quarter")

    def summary(self) -> pd.DataFrame:
        """Rows read, used and rejected per file (``read == used + rejected``)."""
        if self._summary is not None:
            return self._summary.copy()
        return pd.DataFrame(
            [(r.table, Path(r.file).name, r.n_read, r.n_used, r.n_rejected) for r in self.reads],
            columns=["table", "file", "read", "used", "rejected"],
        )

    def rejects(self) -> pd.DataFrame:
        """All reject rows of all files (``file``, ``row``, ``column``, ``value``, ``reason``)."""
        if self._rejects is not None:
            return self._rejects.copy()
        frames = [r.rejects for r in self.reads if len(r.rejects)]
        if not frames:
            return pd.DataFrame(columns=REJECT_COLUMNS)
        return pd.concat(frames, ignore_index=True)

    def reject_reasons(self) -> pd.DataFrame:
        """Rejected rows per reason, most frequent first (``reason``, ``rows``)."""
        rej = self.rejects()
        if rej.empty:
            return pd.DataFrame({"reason": pd.Series(dtype=str), "rows": pd.Series(dtype=int)})
        return reject_reasons(rej)

    def save(self, directory: str | Path) -> Path:
        """Write the dataset to ``directory`` (Parquet tables + ``dataset.json``) so that each
        notebook of a run reads exactly what the run prepared, without reading the exports
        again. :func:`load_dataset` reads it back."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        for name, frame in self.tables.items():
            _to_parquet(frame, directory / f"{name}.parquet")
        _to_parquet(self.rejects().astype({"row": "Int64"}), directory / "_rejects.parquet")
        meta = {
            "format": "cxm-lab prepared dataset 1",
            "data_dir": str(self.data_dir),
            "tables": sorted(self.tables),
            "summary": self.summary().to_dict("records"),
            "config": self.config,
        }
        (directory / PREPARED).write_text(
            json.dumps(meta, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
        )
        return directory


def reject_reasons(rejects: pd.DataFrame) -> pd.DataFrame:
    """Count rejected rows per reason (a row with two problems counts under both).

    Reasons that name a row of their own (``duplicate response_id (first seen in row 3)``)
    are grouped without that detail.

    Parameters
    ----------
    rejects : DataFrame
        Reject rows (``file``, ``row``, ``reason``), e.g. :meth:`Dataset.rejects`.

    Returns
    -------
    DataFrame
        ``reason`` and ``rows`` (distinct rejected rows), most frequent first.

    Examples
    --------
    >>> rej = pd.DataFrame({"file": ["a.csv"] * 3, "row": [2, 2, 5],
    ...                     "reason": ["ltr must be between 0 and 10", "bad date",
    ...                                "duplicate response_id (first seen in row 3)"]})
    >>> reject_reasons(rej).values.tolist()
    [['bad date', 1], ['duplicate response_id', 1], ['ltr must be between 0 and 10', 1]]
    """
    reason = rejects["reason"].astype(str).str.replace(r" \(first seen in [^)]*\)", "", regex=True)
    out = (
        pd.DataFrame(
            {
                "reason": reason,
                "key": rejects["file"].astype(str) + "#" + rejects["row"].astype(str),
            }
        )
        .drop_duplicates()
        .groupby("reason", sort=False)
        .size()
        .rename("rows")
        .reset_index()
        .sort_values(["rows", "reason"], ascending=[False, True], kind="stable")
    )
    return out.reset_index(drop=True)


def _to_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].astype("string")
    frame.columns = [str(c) for c in frame.columns]
    frame.to_parquet(path, index=False)


def _load_prepared(directory: Path) -> Dataset:
    meta = json.loads((directory / PREPARED).read_text(encoding="utf-8"))
    tables = {name: pd.read_parquet(directory / f"{name}.parquet") for name in meta["tables"]}
    rejects = pd.read_parquet(directory / "_rejects.parquet")
    return Dataset(
        tables=tables,
        reads=[],
        data_dir=Path(meta["data_dir"]),
        config=meta.get("config", {}),
        _summary=pd.DataFrame(
            meta["summary"], columns=["table", "file", "read", "used", "rejected"]
        ),
        _rejects=rejects,
    )


def default_quarter(
    responses: pd.DataFrame, quarters: Sequence[str], *, min_n: int = 30
) -> tuple[str | None, str | None]:
    """The quarter a report is on when no ``report_quarter`` is given, and a note when it is
    not the latest one.

    The latest quarter with ``min_n`` responses or more, so that an export taken days into a
    quarter (one response in 2026Q4) reports the quarter before rather than one response; the
    latest quarter when none has ``min_n``.

    Parameters
    ----------
    responses : DataFrame
        The responses, with their ``quarter``.
    quarters : sequence of str
        The quarters present, sorted.
    min_n : int
        Responses a quarter needs (the run's ``min_n``).

    Returns
    -------
    quarter : str or None
        The report quarter; None without quarters.
    note : str or None
        When a later quarter was passed over: which, and how to report on it.

    Examples
    --------
    >>> r = pd.DataFrame({"quarter": ["2026Q3"] * 30 + ["2026Q4"]})
    >>> default_quarter(r, ["2026Q3", "2026Q4"])[0]
    '2026Q3'
    >>> default_quarter(r, ["2026Q3", "2026Q4"], min_n=1)
    ('2026Q4', None)
    """
    from cxm_lab.report import plural

    if not len(quarters):
        return None, None
    counts = responses["quarter"].astype(str).value_counts()
    full = [q for q in quarters if counts.get(q, 0) >= min_n]
    if not full or full[-1] == quarters[-1]:
        return str(quarters[-1]), None
    chosen = full[-1]
    later = [q for q in quarters if q > chosen]
    said = ", ".join(f"{q} has {plural(int(counts.get(q, 0)), 'response')}" for q in later)
    return str(chosen), (
        f"The report is on {chosen}, the latest quarter with at least {min_n} responses "
        f"(min_n): {said}. To report on {later[-1]}, set report_quarter: {later[-1]} in the "
        "params file."
    )


def default_config(tables: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """Drivers and dimensions of a dataset in the project's own layout: the standard columns
    that are present; the report quarter by :func:`default_quarter`.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The tables by name; ``responses`` is required.

    Returns
    -------
    dict
        ``drivers`` (column → label, from :data:`DEFAULT_DRIVERS`), ``dimensions`` (from
        :data:`DEFAULT_DIMENSIONS`), ``themes``, ``currency``, ``journey`` (None),
        ``pool_survey_types`` (False), ``owners`` ({}), ``report_quarter``, ``quarters`` (all, sorted),
        ``source`` and ``notes`` (see :class:`Dataset`).

    Examples
    --------
    >>> r = pd.DataFrame({"ltr": [9], "segment": ["SMB"], "price": [4], "quarter": ["2026Q3"]})
    >>> c = default_config({"responses": r})
    >>> c["drivers"], c["dimensions"], c["report_quarter"], c["quarters"]
    ({'price': 'Price'}, ['segment'], '2026Q3', ['2026Q3'])
    """
    r = tables["responses"]
    quarters = [str(q) for q in sorted(r["quarter"].dropna().unique())] if "quarter" in r else []
    quarter, note = default_quarter(r, quarters)
    return {
        "drivers": {d: d.replace("_", " ").capitalize() for d in DEFAULT_DRIVERS if d in r},
        "dimensions": [d for d in DEFAULT_DIMENSIONS if d in r],
        "themes": None,
        "currency": None,
        "journey": None,
        "pool_survey_types": False,
        "owners": {},
        "report_quarter": quarter,
        "report_quarter_note": note,
        "quarters": quarters,
        "source": "cxm-lab tables",
        "notes": {},
    }


def derive_fields(
    responses: pd.DataFrame,
    *,
    mask_pii: bool = False,
) -> pd.DataFrame:
    """Add the fields a report derives from the responses (:mod:`cxm_lab.ingest` describes them).

    Parameters
    ----------
    responses : DataFrame
        Validated responses (typed ``response_date`` and ``ltr`` when present).
    mask_pii : bool
        Mask personal data in ``comment`` (:func:`cxm_lab.privacy.mask_pii`).

    Returns
    -------
    DataFrame
        A copy with ``quarter``, ``nps_category`` and a normalised ``language`` where the inputs
        allow.

    Examples
    --------
    >>> r = pd.DataFrame({"response_date": pd.to_datetime(["2026-08-01"]), "ltr": [6],
    ...                   "language": ["EN"], "comment": ["mail me at a@b.com"]})
    >>> d = derive_fields(r, mask_pii=True)
    >>> d[["language", "comment", "quarter", "nps_category"]].iloc[0].tolist()
    ['en', 'mail me at [email]', '2026Q3', 'detractor']
    """
    from cxm_lab.metrics import nps_category

    r = responses.copy()
    if "response_date" in r and "quarter" not in r:
        q = r["response_date"].dt.to_period("Q").astype("string")
        r["quarter"] = q.where(r["response_date"].notna(), pd.NA)
    if "ltr" in r and "nps_category" not in r:
        r["nps_category"] = nps_category(r["ltr"])
    if "comment" in r and mask_pii:
        from cxm_lab.privacy import mask_pii

        r["comment"] = mask_pii(r["comment"].astype("string").astype(object)).astype("string")
    if "language" in r:
        from cxm_lab.safe import lang_tag

        codes = r["language"].astype("string")
        uniq = {v: lang_tag(v) for v in codes.dropna().unique()}
        r["language"] = codes.map(uniq).astype("string")
    return r


def load_dataset(
    data_dir: str | Path | None = None,
    /,
    *,
    seed: int = 2026,
    rename: Mapping[str, Mapping[str, str]] | None = None,
    mask_pii: bool = False,
    drivers: Sequence[str] = (),
) -> Dataset:
    """Read every known table (``<name>.csv``/``.parquet``/``.xlsx``) present in ``data_dir``.

    Known tables are those of :data:`cxm_lab.schema.SCHEMAS` (responses, accounts, contacts,
    invitations, revenue, referrals, employees, touchpoint_owners, targets, case_closures);
    only ``responses`` is mandatory. Other files in the directory are ignored. A directory
    written by :meth:`Dataset.save` (a run's prepared data) is read back as it was saved.
    Survey-tool exports are read with :func:`cxm_lab.ingest.prepare_dataset` instead.

    Parameters
    ----------
    data_dir : str or Path, optional
        Directory with the files (positional only). ``None`` writes the embedded demo (with its deliberately bad
        rows) to a temporary directory and reads it back through the same path as user data.
    seed : int
        Demo seed, used only when ``data_dir`` is None.
    rename : mapping of table name to mapping, optional
        Column renames per table, e.g. ``{"responses": {"Q1_NPS": "ltr"}}``.
    mask_pii : bool
        Mask e-mail addresses, phone numbers and identity numbers in the comments as they are
        read (:func:`cxm_lab.privacy.mask_pii`), so no later step sees them.
    drivers : sequence of str
        Driver rating columns of the responses beyond the standard ones, read as numbers.

    Returns
    -------
    Dataset
        The used rows per table, every file's read outcome and the data's config.

    Raises
    ------
    SchemaError
        When ``data_dir`` does not exist, holds no responses file, or a file fails its schema.

    Examples
    --------
    >>> ds = load_dataset()
    >>> s = ds.summary()
    >>> bool((s["read"] == s["used"] + s["rejected"]).all())
    True
    """
    rename = dict(rename or {})
    unknown = sorted(set(rename) - set(SCHEMAS))
    if unknown:
        raise SchemaError(f"rename: unknown table(s) {unknown}; known tables: {sorted(SCHEMAS)}")
    tmp = None
    if data_dir is None:
        from cxm_lab.demo import write_demo

        tmp = tempfile.TemporaryDirectory(prefix="cxm-demo-")
        write_demo(tmp.name, seed=seed, inject_errors=True)
        data_dir = tmp.name
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise SchemaError(f"{data_dir}: data directory not found.")
    if (data_dir / PREPARED).is_file():
        return _load_prepared(data_dir)
    reads: list[ReadResult] = []
    for name, schema in SCHEMAS.items():
        if name == "responses" and drivers:
            schema = schema.with_columns(tuple(Column(d, "float") for d in drivers))
        for suffix in (".csv", ".parquet", ".xlsx"):
            path = data_dir / f"{name}{suffix}"
            if path.is_file():
                reads.append(read_table(path, schema, rename=rename.get(name)))
                break
    if not any(r.table == "responses" for r in reads):
        raise SchemaError(
            f"{data_dir}: no responses file (responses.csv, .parquet or .xlsx). Files present: "
            f"{sorted(p.name for p in data_dir.iterdir())}"
        )
    tables = {r.table: r.data for r in reads}
    tables["responses"] = derive_fields(tables["responses"], mask_pii=mask_pii)
    return Dataset(
        tables=tables, reads=reads, data_dir=data_dir, config=default_config(tables), _tmp=tmp
    )
