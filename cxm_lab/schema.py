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

Kind = Literal["str", "int", "float", "date"]
REJECT_COLUMNS = ["file", "row", "column", "value", "reason"]


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

    def validate(
        self, raw: pd.DataFrame, file: str = "<frame>"
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Split ``raw`` into typed used rows and a reject table.

        Parameters
        ----------
        raw : DataFrame
            The table as read (any dtypes, usually strings); its row order defines row numbers.
        file : str
            File name used in messages and in the reject table.

        Returns
        -------
        used : DataFrame
            Rows without any problem, with converted dtypes and a fresh RangeIndex.
        rejects : DataFrame
            One row per problem: ``file``, ``row`` (1-based data row, header excluded),
            ``column``, ``value``, ``reason``. A row with several problems appears several times.
        """
        frame = raw.rename(columns=dict(self.rename))
        self.check_columns(frame, file)
        frame = frame.reset_index(drop=True)
        out = frame.copy()
        problems: list[pd.DataFrame] = []
        for col in self.columns:
            if col.name not in frame.columns:
                continue
            values, bad = _convert(frame[col.name], col)
            out[col.name] = values
            for mask, reason in bad:
                if mask.any():
                    idx = np.flatnonzero(mask)
                    problems.append(
                        pd.DataFrame(
                            {
                                "file": file,
                                "row": idx + 1,
                                "column": col.name,
                                "value": frame[col.name].iloc[idx].astype("string").to_numpy(),
                                "reason": reason if isinstance(reason, str) else reason[idx],
                            }
                        )
                    )
        rejects = (
            pd.concat(problems, ignore_index=True).sort_values(["row", "column"], kind="stable")
            if problems
            else pd.DataFrame({c: pd.Series(dtype="object") for c in REJECT_COLUMNS})
        )
        rejects = rejects.reset_index(drop=True)
        rejected_rows = np.zeros(len(frame), dtype=bool)
        if len(rejects):
            rejected_rows[rejects["row"].to_numpy(dtype=int) - 1] = True
        used = out.loc[~rejected_rows].reset_index(drop=True)
        return used, rejects


def _is_empty(s: pd.Series) -> np.ndarray:
    text = s.astype("string")
    return (s.isna() | (text.str.strip() == "")).to_numpy(dtype=bool, na_value=True)


def _convert(s: pd.Series, col: Column) -> tuple[pd.Series, list[tuple[np.ndarray, object]]]:
    """Convert one column; return values and (mask, reason) pairs of problems."""
    empty = _is_empty(s)
    bad: list[tuple[np.ndarray, object]] = []
    if not col.nullable:
        bad.append((empty, f"{col.name} is required but empty"))
    if col.kind in ("int", "float"):
        num = pd.to_numeric(s.where(~empty), errors="coerce")
        non_numeric = ~empty & num.isna().to_numpy()
        bad.append((non_numeric, f"{col.name} is not a number"))
        values = num.astype("Float64")
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        if col.kind == "int":
            frac = ~np.isnan(arr) & (np.floor(arr) != arr)
            bad.append((frac, f"{col.name} must be a whole number"))
        if col.min is not None or col.max is not None:
            lo = -np.inf if col.min is None else col.min
            hi = np.inf if col.max is None else col.max
            out_of_range = ~np.isnan(arr) & ((arr < lo) | (arr > hi))
            bad.append((out_of_range, f"{col.name} must be between {_fmt(lo)} and {_fmt(hi)}"))
        if col.kind == "int":
            ok = ~np.isnan(arr) & (np.floor(arr) == arr)
            values = pd.array(np.where(ok, arr, np.nan), dtype="Float64").astype("Int64")
            values = pd.Series(values, index=s.index)
    elif col.kind == "date":
        text = s.astype("string").str.strip()
        parsed = pd.to_datetime(text.where(~empty), errors="coerce", format="ISO8601")
        bad.append(
            (
                ~empty & parsed.isna().to_numpy(),
                f"{col.name} is not a date in ISO format YYYY-MM-DD",
            )
        )
        values = parsed
    else:
        values = s.astype("string").str.strip().where(~empty, pd.NA).astype("string")
        if col.allowed is not None:
            not_allowed = ~empty & ~values.isin(col.allowed).to_numpy(dtype=bool, na_value=False)
            bad.append((not_allowed, f"{col.name} must be one of {list(col.allowed)}"))
        if col.pattern is not None:
            ok = values.str.fullmatch(col.pattern).to_numpy(dtype=bool, na_value=False)
            example = (
                f" (e.g. {PATTERN_EXAMPLES[col.pattern]})"
                if col.pattern in PATTERN_EXAMPLES
                else ""
            )
            bad.append((~empty & ~ok, f"{col.name} must match {col.pattern}{example}"))
    if col.unique:
        key = s.astype("string").str.strip()
        dup = key.duplicated(keep="first").to_numpy(dtype=bool) & ~empty
        if dup.any():
            # First occurrence of each key, vectorised (no per-group Python): np.unique gives
            # the position of the first row of every code.
            codes, _ = pd.factorize(key, use_na_sentinel=False)
            _, first_pos = np.unique(codes, return_index=True)
            first_row = first_pos[codes] + 1
            reasons = np.full(len(key), "", dtype=object)
            reasons[dup] = [f"duplicate {col.name} (first seen in row {r})" for r in first_row[dup]]
            bad.append((dup, reasons))
    return values, bad


def _fmt(x: float) -> str:
    return str(int(x)) if np.isfinite(x) and float(x).is_integer() else str(x)


QUARTER = r"\d{4}Q[1-4]"
PATTERN_EXAMPLES = {QUARTER: "2026Q3"}


def _quarter(required: bool = False) -> Column:
    return Column("quarter", required=required, nullable=not required, pattern=QUARTER)


def _rating(name: str, lo: int = 0, hi: int = 10) -> Column:
    return Column(name, "int", min=lo, max=hi)


RESPONSES = TableSchema(
    "responses",
    (
        Column("response_id", "str", required=True, nullable=False, unique=True),
        Column("response_date", "date", required=True, nullable=False),
        Column("ltr", "int", required=True, nullable=False, min=0, max=10),
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
    )
}
