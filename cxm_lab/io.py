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

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cxm_lab.errors import SchemaError
from cxm_lab.schema import REJECT_COLUMNS, SCHEMAS, TableSchema

SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xls": "excel",
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
    n_read, n_used, n_rejected : int
        Rows read, used and rejected; ``n_read == n_used + n_rejected``.
    file : str
        The path read.
    """

    data: pd.DataFrame
    rejects: pd.DataFrame
    n_read: int
    file: str

    @property
    def n_used(self) -> int:
        """Rows kept (no problem in any column)."""
        return len(self.data)

    @property
    def n_rejected(self) -> int:
        """Rows rejected (at least one problem; listed in ``rejects``)."""
        return self.n_read - self.n_used


def _read_raw(path: Path, sheet: str | int | None) -> pd.DataFrame:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise SchemaError(
            f"{path}: unknown file type '{path.suffix}'. Use one of {sorted(SUFFIXES)}."
        )
    if not path.is_file():
        raise SchemaError(f"{path}: file not found.")
    try:
        if kind == "csv":
            # Everything as text: the schema converts and reports what does not convert.
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
            )
        if kind == "parquet":
            return pd.read_parquet(path)
        return pd.read_excel(path, sheet_name=0 if sheet is None else sheet, dtype=object)
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError, OSError) as exc:
        raise SchemaError(f"{path}: cannot be read as {kind}: {exc}") from exc


def read_table(
    path: str | Path,
    schema: TableSchema | str,
    *,
    rename: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
) -> ReadResult:
    """Read a CSV, Parquet or Excel file and validate it against ``schema``.

    Parameters
    ----------
    path : str or Path
        The file; its suffix selects the reader (.csv, .parquet, .xlsx).
    schema : TableSchema or str
        A schema from :mod:`cxm_lab.schema` or its table name (``"responses"``).
    rename : mapping, optional
        Rename the export's columns to the schema's names, e.g. ``{"Q1_NPS": "ltr"}``.
    sheet : str or int, optional
        Excel sheet (default: the first).

    Returns
    -------
    ReadResult

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
    [[2, 'ltr', 'ltr must be between 0 and 10']]
    """
    path = Path(path)
    if isinstance(schema, str):
        if schema not in SCHEMAS:
            raise SchemaError(f"unknown table '{schema}'; known tables: {sorted(SCHEMAS)}")
        schema = SCHEMAS[schema]
    if rename:
        schema = schema.with_rename(rename)
    raw = _read_raw(path, sheet)
    used, rejects = schema.validate(raw, file=str(path))
    return ReadResult(data=used, rejects=rejects, n_read=len(raw), file=str(path))


@dataclass
class Dataset:
    """The tables of one run, read through their schemas.

    Attributes
    ----------
    tables : dict of DataFrame
        Used rows per table name (``responses``, ``accounts``, ...).
    reads : dict of ReadResult
        The read outcome per table name.
    data_dir : Path
        Where the files were read from.
    """

    tables: dict[str, pd.DataFrame]
    reads: dict[str, ReadResult]
    data_dir: Path
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.tables:
            raise KeyError(
                f"table '{name}' was not found in {self.data_dir}; present: {sorted(self.tables)}"
            )
        return self.tables[name]

    def summary(self) -> pd.DataFrame:
        """Rows read, used and rejected per file (``read == used + rejected``)."""
        return pd.DataFrame(
            [
                (name, Path(r.file).name, r.n_read, r.n_used, r.n_rejected)
                for name, r in self.reads.items()
            ],
            columns=["table", "file", "read", "used", "rejected"],
        )

    def rejects(self) -> pd.DataFrame:
        """All reject rows of all files (``file``, ``row``, ``column``, ``value``, ``reason``)."""
        frames = [r.rejects for r in self.reads.values() if len(r.rejects)]
        if not frames:
            return pd.DataFrame(columns=REJECT_COLUMNS)
        return pd.concat(frames, ignore_index=True)


def load_dataset(
    data_dir: str | Path | None = None,
    *,
    seed: int = 2026,
    rename: Mapping[str, Mapping[str, str]] | None = None,
) -> Dataset:
    """Read every known table (``<name>.csv``/``.parquet``/``.xlsx``) present in ``data_dir``.

    Known tables are those of :data:`cxm_lab.schema.SCHEMAS` (responses, accounts, contacts,
    invitations, revenue, referrals, employees, touchpoint_owners, targets, case_closures);
    only ``responses`` is mandatory. Other files in the directory are ignored.

    Parameters
    ----------
    data_dir : str or Path, optional
        Directory with the files. ``None`` writes the embedded demo (with its deliberately bad
        rows) to a temporary directory and reads it back through the same path as user data.
    seed : int
        Demo seed, used only when ``data_dir`` is None.
    rename : mapping of table name to mapping, optional
        Column renames per table, e.g. ``{"responses": {"Q1_NPS": "ltr"}}``.

    Returns
    -------
    Dataset

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
    reads: dict[str, ReadResult] = {}
    for name, schema in SCHEMAS.items():
        for suffix in (".csv", ".parquet", ".xlsx"):
            path = data_dir / f"{name}{suffix}"
            if path.is_file():
                reads[name] = read_table(path, schema, rename=rename.get(name))
                break
    if "responses" not in reads:
        raise SchemaError(
            f"{data_dir}: no responses file (responses.csv, .parquet or .xlsx). Files present: "
            f"{sorted(p.name for p in data_dir.iterdir())}"
        )
    return Dataset(
        tables={k: r.data for k, r in reads.items()}, reads=reads, data_dir=data_dir, _tmp=tmp
    )
