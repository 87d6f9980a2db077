"""Declared schemas of the input tables and row-level validation.

A :class:`TableSchema` lists the columns a table has, which of them must be present, their
type and allowed values. :meth:`TableSchema.validate` splits a raw table into the rows that are
used (typed) and a reject table naming the file, row, column, value and reason of each problem.
Nothing is dropped silently: ``len(raw) == len(used) + number of rejected rows``.

Examples
--------
>>> import pandas as pd
>>> raw = pd.DataFrame({"response_id": ["R1", "R2"], "response_date": ["2026-07-01", "2026-07-02"],
...                     "ltr": ["9", "11"]})
>>> used, rejects = RESPONSES.validate(raw, file="export.csv")
>>> len(used), rejects.loc[0, "reason"]
(1, 'ltr must be between 0 and 10')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from cxm_lab.errors import SchemaError
from cxm_lab.importers.base import REJECT_COLUMNS
from cxm_lab.importers.values import ParseOptions

__all__ = [
    "ACCOUNTS",
    "CASE_CLOSURES",
    "CONTACTS",
    "DERIVED",
    "EMPLOYEES",
    "INVITATIONS",
    "OPERATIONS",
    "PATTERN_EXAMPLES",
    "QUARTER",
    "REFERRALS",
    "REJECT_COLUMNS",
    "RESPONSES",
    "REVENUE",
    "SCHEMAS",
    "TARGETS",
    "TOUCHPOINT_OWNERS",
    "Column",
    "Kind",
    "ParseOptions",
    "TableSchema",
    "column_label",
    "empty_rejects",
]

#: The types a declared column converts to.
Kind = Literal["str", "int", "float", "date"]


@dataclass(frozen=True)
class Column:
    """One declared column.

    Parameters
    ----------
    name : str
        Column name in the canonical (renamed) table.
    kind : {"str", "int", "float", "date"}
        Type the values are converted to; a value that does not convert is rejected.
    required : bool
        The column must be present in the file (a missing column is a file-level error).
    nullable : bool
        Empty cells are allowed; otherwise an empty cell rejects the row.
    min, max : float, optional
        Inclusive range for numbers.
    allowed : tuple of str, optional
        Allowed values for text columns.
    unique : bool
        Values must be unique; later duplicates are rejected and name the first row.
    pattern : str, optional
        Regular expression a text value must match in full (e.g. quarters ``\\d{4}Q[1-4]``).
    past : bool
        A date may not lie after the day the data are read (a response dated 2099 is a
        typing error, and would make itself the report's latest quarter); a day of slack
        covers the time zones.
    """

    name: str
    kind: Kind = "str"
    required: bool = False
    nullable: bool = True
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] | None = None
    unique: bool = False
    pattern: str | None = None
    past: bool = False


@dataclass(frozen=True)
class TableSchema:
    """A declared table: its name and columns. Columns not declared are kept as they are."""

    name: str
    columns: tuple[Column, ...]
    rename: Mapping[str, str] = field(default_factory=dict)

    def with_rename(self, rename: Mapping[str, str] | None) -> TableSchema:
        """A copy that renames a user's columns (``{"Q1_NPS": "ltr"}``) before validation."""
        return replace(self, rename=dict(rename or {}))

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def check_columns(self, frame: pd.DataFrame, file: str) -> None:
        """Raise :class:`SchemaError` when a required column is missing."""
        missing = [c for c in self.required if c not in frame.columns]
        if missing:
            hint = ", ".join(f"'{k}'->'{v}'" for k, v in self.rename.items()) or "none"
            raise SchemaError(
                f"{file}: missing required column(s) {missing} for table '{self.name}'. "
                f"Columns found: {list(frame.columns)}. Renames applied: {hint}. "
                f"Rename your export's columns, e.g. rename={{'Your column': '{missing[0]}'}}."
            )

    def with_columns(self, extra: tuple[Column, ...]) -> TableSchema:
        """A copy with more declared columns (e.g. a run's driver ratings); a column of the
        same name replaces the declared one."""
        names = {c.name for c in extra}
        return replace(self, columns=(*(c for c in self.columns if c.name not in names), *extra))

    def validate(
        self,
        raw: pd.DataFrame,
        *,
        file: str = "<frame>",
        options: ParseOptions | None = None,
        rows: np.ndarray | None = None,
        origin: Mapping[str, str] | None = None,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Split ``raw`` into typed used rows and a reject table.

        Parameters
        ----------
        raw : DataFrame
            The table as read (any dtypes, usually strings); its row order defines row numbers.
        file : str
            File name used in messages and in the reject table.
        options : ParseOptions, optional
            Decimal mark, date format, day-first and time zones of this file.
        rows : array of int, optional
            The row number of each row of ``raw`` as the user sees it in the file (1-based data
            row, header excluded); default ``1..len(raw)``.
        origin : mapping, optional
            The export's name of each renamed column (``{"response_date": "Timestamp"}``),
            for a ``raw`` that was renamed before; default: the schema's own ``rename``
            reversed. A problem in a renamed column names both, "response_date (export column
            'Timestamp')", in ``column`` and ``reason``, so that the user finds it in the file.

        Returns
        -------
        used : DataFrame
            Rows without any problem, with converted dtypes and a fresh RangeIndex.
        rejects : DataFrame
            One row per problem: ``file``, ``row`` (1-based data row, header excluded),
            ``column``, ``value``, ``reason``. A row with several problems appears several times.

        Examples
        --------
        >>> raw = pd.DataFrame({"Id": ["R1"], "Timestamp": ["soon"]})
        >>> _, rej = RESPONSES.with_rename({"Id": "response_id", "Timestamp": "response_date"}
        ...                                ).validate(raw)
        >>> rej.loc[0, "column"]
        "response_date (export column 'Timestamp')"
        """
        if origin is None:
            origin = {new: old for old, new in self.rename.items()}
        frame = raw.rename(columns=dict(self.rename))
        self.check_columns(frame, file)
        frame = frame.reset_index(drop=True)
        options = options or ParseOptions()
        row_no = np.arange(1, len(frame) + 1) if rows is None else np.asarray(rows, dtype=int)
        if len(row_no) != len(frame):
            raise ValueError("rows must have one number per row of raw")
        out = frame.copy()
        problems: list[pd.DataFrame] = []
        for col in self.columns:
            if col.name not in frame.columns:
                continue
            label = column_label(col.name, origin)
            values, bad = _convert(frame[col.name], col, options, row_no, label=label)
            out[col.name] = values
            for mask, reason in bad:
                if mask.any():
                    idx = np.flatnonzero(mask)
                    problems.append(
                        pd.DataFrame(
                            {
                                "file": file,
                                "pos": idx,
                                "row": row_no[idx],
                                "column": label,
                                "value": frame[col.name].iloc[idx].astype("string").to_numpy(),
                                "reason": reason if isinstance(reason, str) else reason[idx],
                            }
                        )
                    )
        rejected_rows = np.zeros(len(frame), dtype=bool)
        if problems:
            rejects = pd.concat(problems, ignore_index=True).sort_values(
                ["pos", "column"], kind="stable"
            )
            rejected_rows[rejects["pos"].to_numpy(dtype=int)] = True
            rejects = rejects.drop(columns="pos").reset_index(drop=True)
        else:
            rejects = empty_rejects()
        used = out.loc[~rejected_rows].reset_index(drop=True)
        return used, rejects


def column_label(name: str, origin: Mapping[str, str] | None) -> str:
    """How a reject names a column: the project's name, and the export's when it was renamed.

    Parameters
    ----------
    name : str
        The column's name in the project (after ``rename``).
    origin : mapping, optional
        The export's name of each renamed column.

    Returns
    -------
    str
        ``name``, or ``"name (export column 'Old')"``.

    Examples
    --------
    >>> column_label("response_date", {"response_date": "Timestamp"}), column_label("ltr", {})
    ("response_date (export column 'Timestamp')", 'ltr')
    """
    old = (origin or {}).get(name)
    return name if old is None or str(old) == name else f"{name} (export column '{old}')"


def empty_rejects() -> pd.DataFrame:
    """A reject table with no rows.

    Returns
    -------
    DataFrame
        The columns :data:`REJECT_COLUMNS` (``file``, ``row``, ``column``, ``value``,
        ``reason``), no rows.

    Examples
    --------
    >>> empty_rejects().columns.tolist(), len(empty_rejects())
    (['file', 'row', 'column', 'value', 'reason'], 0)
    """
    return pd.DataFrame({c: pd.Series(dtype="object") for c in REJECT_COLUMNS})


def _is_empty(s: pd.Series) -> np.ndarray:
    text = s.astype("string")
    return (s.isna() | (text.str.strip() == "")).to_numpy(dtype=bool, na_value=True)


def _convert(
    s: pd.Series, col: Column, options: ParseOptions, row_no: np.ndarray, *, label: str = ""
) -> tuple[pd.Series, list[tuple[np.ndarray, object]]]:
    """Convert one column; return values and (mask, reason) pairs of problems (the reasons
    name the column as ``label``, default its name)."""
    from cxm_lab.importers.values import parse_dates, parse_numbers

    name = label or col.name

    empty = _is_empty(s)
    bad: list[tuple[np.ndarray, object]] = []
    if col.kind in ("int", "float"):
        if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            num = s.astype("Float64")  # typed input (Parquet, Excel): nothing to parse
            non_numeric = np.zeros(len(s), dtype=bool)
        else:
            num, non_numeric = parse_numbers(s.astype("string"), decimal=options.decimal)
        # A choice label that means "no answer" ("Unfamiliar (N/A)") reads as empty.
        empty = empty | (num.isna().to_numpy() & ~np.asarray(non_numeric, dtype=bool))
        non_numeric = np.asarray(non_numeric, dtype=bool) & ~empty
        if not col.nullable:
            bad.append((empty, f"{name} is required but empty"))
        bad.append((non_numeric, f"{name} is not a number"))
        values = pd.Series(num, index=s.index).astype("Float64").where(~non_numeric)
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        infinite = np.isinf(arr)
        bad.append((infinite, f"{name} is not a finite number"))
        arr = np.where(infinite, np.nan, arr)
        if col.kind == "int":
            frac = ~np.isnan(arr) & (np.floor(arr) != arr)
            bad.append((frac, f"{name} must be a whole number"))
        if col.min is not None or col.max is not None:
            lo = -np.inf if col.min is None else col.min
            hi = np.inf if col.max is None else col.max
            out_of_range = ~np.isnan(arr) & ((arr < lo) | (arr > hi))
            bad.append((out_of_range, f"{name} must be between {_fmt(lo)} and {_fmt(hi)}"))
        if col.kind == "int":
            ok = ~np.isnan(arr) & (np.floor(arr) == arr)
            values = pd.array(np.where(ok, arr, np.nan), dtype="Float64").astype("Int64")
            values = pd.Series(values, index=s.index)
    elif col.kind == "date":
        if not col.nullable:
            bad.append((empty, f"{name} is required but empty"))
        if pd.api.types.is_datetime64_any_dtype(s.dtype):  # typed input (Parquet, Excel)
            if getattr(s.dt, "tz", None) is not None:
                s = s.dt.tz_convert(options.timezone or "UTC").dt.tz_localize(None)
            values = s.astype("datetime64[ns]")
        else:
            text = s.astype("string").str.strip().where(~empty)
            parsed, reasons = parse_dates(
                text,
                date_format=options.date_format,
                dayfirst=options.dayfirst,
                timezone=options.timezone,
                source_timezone=options.source_timezone,
                calendar=options.calendar,
            )
            reasons = np.asarray(reasons, dtype=object)
            failed = ~empty & np.array([r is not None for r in reasons], dtype=bool)
            messages = np.array([f"{name}: {r}" if r else "" for r in reasons], dtype=object)
            bad.append((failed, messages))
            values = pd.Series(parsed, index=s.index).where(~failed)
        if col.past:
            today = pd.Timestamp.now(tz=options.timezone or "UTC").tz_localize(None).normalize()
            future = (values >= today + pd.Timedelta(days=2)).to_numpy(dtype=bool, na_value=False)
            bad.append((future, f"{name} lies after today ({today:%Y-%m-%d})"))
    else:
        if not col.nullable:
            bad.append((empty, f"{name} is required but empty"))
        values = s.astype("string").str.strip().where(~empty, pd.NA).astype("string")
        if col.allowed is not None:
            not_allowed = ~empty & ~values.isin(col.allowed).to_numpy(dtype=bool, na_value=False)
            bad.append((not_allowed, f"{name} must be one of {list(col.allowed)}"))
        if col.pattern is not None:
            ok = values.str.fullmatch(col.pattern).to_numpy(dtype=bool, na_value=False)
            example = (
                f" (e.g. {PATTERN_EXAMPLES[col.pattern]})"
                if col.pattern in PATTERN_EXAMPLES
                else ""
            )
            bad.append((~empty & ~ok, f"{name} must match {col.pattern}{example}"))
    if col.unique:
        key = s.astype("string").str.strip()
        dup = key.duplicated(keep="first").to_numpy(dtype=bool) & ~empty
        if dup.any():
            # First occurrence of each key, vectorised (no per-group Python): np.unique gives
            # the position of the first row of every code.
            codes, _ = pd.factorize(key, use_na_sentinel=False)
            _, first_pos = np.unique(codes, return_index=True)
            first_row = row_no[first_pos[codes]]
            reasons = np.full(len(key), "", dtype=object)
            reasons[dup] = [f"duplicate {name} (first seen in row {r})" for r in first_row[dup]]
            bad.append((dup, reasons))
    return values, bad


def _fmt(x: float) -> str:
    return str(int(x)) if np.isfinite(x) and float(x).is_integer() else str(x)


#: What a quarter value looks like (``2026Q3``), and an example for messages.
QUARTER = r"\d{4}Q[1-4]"
PATTERN_EXAMPLES = {QUARTER: "2026Q3"}


def _quarter(required: bool = False) -> Column:
    return Column("quarter", required=required, nullable=not required, pattern=QUARTER)


def _rating(name: str, lo: int = 0, hi: int = 10) -> Column:
    return Column(name, "int", min=lo, max=hi)


#: Columns of the responses table the report makes itself; an export may not bring its own.
DERIVED = ("nps_category", "source_file", "source_row")

RESPONSES = TableSchema(
    "responses",
    (
        Column("response_id", "str", required=True, nullable=False, unique=True),
        Column("response_date", "date", nullable=False, past=True),
        Column("ltr", "int", min=0, max=10),
        Column("csat", "int", min=1, max=5),
        Column("ces", "int", min=1, max=7),
        *(_rating(d) for d in ("ease", "speed", "support", "price", "reliability", "product")),
        Column("weight", "float", min=0),
        Column("account_id"),
        Column("contact_id"),
        Column("survey_type"),
        Column("touchpoint"),
        Column("channel"),
        Column("role"),
        Column("segment"),
        Column("region"),
        Column("language"),
        _quarter(),
        Column("comment"),
    ),
)
ACCOUNTS = TableSchema(
    "accounts",
    (
        Column("account_id", required=True, nullable=False, unique=True),
        Column("account_name"),
        Column("segment"),
        Column("region"),
        Column("industry"),
        Column("csm_owner"),
        Column("arr", "float", min=0),
        Column("contract_start", "date"),
        Column("churn_date", "date"),
        Column("churn_reason"),
        Column("referred_by"),
    ),
)
CONTACTS = TableSchema(
    "contacts",
    (
        Column("contact_id", required=True, nullable=False, unique=True),
        Column("account_id", required=True, nullable=False),
        Column("name"),
        Column("role"),
        Column("language"),
        Column("email"),
        Column("phone"),
    ),
)
INVITATIONS = TableSchema(
    "invitations",
    (
        _quarter(required=True),
        Column("channel", required=True, nullable=False),
        Column("touchpoint"),
        Column("survey_type"),
        Column("invited", "int", required=True, nullable=False, min=0),
    ),
)
REVENUE = TableSchema(
    "revenue",
    (
        Column("account_id", required=True, nullable=False),
        Column("month", "date", required=True, nullable=False),
        Column("revenue", "float", required=True, nullable=False, min=0),
    ),
)
REFERRALS = TableSchema(
    "referrals",
    (
        Column("referral_id", required=True, nullable=False, unique=True),
        Column("referrer_account_id", required=True, nullable=False),
        Column("referred_account_id", required=True, nullable=False),
        Column("referral_date", "date"),
        Column("first_year_revenue", "float", min=0),
    ),
)
EMPLOYEES = TableSchema(
    "employees",
    (
        Column("response_id", required=True, nullable=False, unique=True),
        Column("employee_id"),
        _quarter(required=True),
        Column("enps", "int", required=True, nullable=False, min=0, max=10),
        Column("department"),
    ),
)
TOUCHPOINT_OWNERS = TableSchema(
    "touchpoint_owners",
    (
        Column("touchpoint", required=True, nullable=False, unique=True),
        Column("owner_team", required=True, nullable=False),
        Column("owner_email"),
    ),
)
TARGETS = TableSchema(
    "targets",
    (
        Column("metric", required=True, nullable=False, allowed=("nps", "csat", "ces", "enps")),
        _quarter(required=True),
        Column("target", "float", required=True, nullable=False),
    ),
)

CASE_CLOSURES = TableSchema(
    "case_closures",
    (
        Column("response_id", required=True, nullable=False, unique=True),
        Column("closed_date", "date", required=True, nullable=False),
    ),
)
#: Operational KPIs per unit (the team that owns them) and period, for the measurement pyramid
#: (:func:`cxm_lab.pyramid.build_pyramid`): ``unit``, ``period`` (a quarter), ``kpi`` (its name),
#: ``value``; optional ``owner`` (who answers for it), ``touchpoint`` (the touchpoint it serves;
#: else the ``touchpoint_owners`` team of ``unit``) and ``direction`` (``higher`` or ``lower``
#: is better). One row per unit, period and KPI.
OPERATIONS = TableSchema(
    "operations",
    (
        Column("unit", required=True, nullable=False),
        Column("period", required=True, nullable=False, pattern=QUARTER),
        Column("kpi", required=True, nullable=False),
        Column("value", "float", required=True, nullable=False),
        Column("owner"),
        Column("touchpoint"),
        Column("direction", allowed=("higher", "lower")),
    ),
)

SCHEMAS: dict[str, TableSchema] = {
    s.name: s
    for s in (
        RESPONSES,
        ACCOUNTS,
        CONTACTS,
        INVITATIONS,
        REVENUE,
        REFERRALS,
        EMPLOYEES,
        TOUCHPOINT_OWNERS,
        TARGETS,
        CASE_CLOSURES,
        OPERATIONS,
    )
}
