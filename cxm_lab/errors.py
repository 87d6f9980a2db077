"""Error classes, one per kind of problem, and the input checks that raise them.

Every message has one shape, ``"<function or file>: <argument, column or row> <problem>; <how
to fix>."``, and names the file, row and column where it can. Each public function of the
package checks its inputs with these helpers before computing anything.

=====================  ==============================================================
Class                  Kind of problem
=====================  ==============================================================
``ParameterError``     a function argument or a params-file key is unknown or invalid
``ColumnError``        a named column is not in the table (also a ``ParameterError``
                       and a ``SchemaError``: the name may be wrong, or the file)
``SchemaError``        a file or table does not have the expected shape
``DataError``          the data are readable but their values cannot be used
``ModelError``         a text model cannot be found or loaded
``NotebookError``      a report notebook failed while executing
``RenderError``        rendering a report to HTML or PDF failed
``RunError``           a report run cannot go on (output unwritable, lock held)
=====================  ==============================================================
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import NoReturn

import numpy as np
import pandas as pd

__all__ = [
    "ColumnError",
    "CxmError",
    "DataError",
    "ModelError",
    "NotebookError",
    "ParameterError",
    "RenderError",
    "RunError",
    "SchemaError",
    "as_list",
    "check_by",
    "check_choice",
    "check_columns",
    "check_dates",
    "check_frame",
    "check_int",
    "check_level",
    "check_money",
    "check_numeric",
    "check_score",
    "check_weights",
    "fail",
    "first_bad",
    "need",
]


class CxmError(Exception):
    """Base class of all CXM Lab errors."""


class SchemaError(CxmError, ValueError):
    """A file or table does not have the expected shape (unreadable file, missing table...)."""


class DataError(CxmError, ValueError):
    """Input data is readable but its values cannot be used (currency, dates, joins...)."""


class ParameterError(CxmError, ValueError):
    """A run parameter (YAML file or function argument) is unknown, missing or invalid."""


class ColumnError(SchemaError, ParameterError):
    """A column named by an argument or a params key is not in the table (or is there twice).

    It is both a :class:`ParameterError` (the name passed may be wrong) and a
    :class:`SchemaError` (the file may lack the column), so either ``except`` catches it.
    """


class ModelError(CxmError, RuntimeError):
    """A text model cannot be found or loaded."""


class NotebookError(CxmError, RuntimeError):
    """A report notebook failed while executing.

    Carries what papermill's ``PapermillExecutionError`` carries, so that a caller can show
    or log the failing cell without the staging folder: the notebook, the cell index
    (0-based, as in the ``.ipynb``), its source, the error name and value, the traceback
    lines, and the staging path of the executed notebook (kept for inspection).
    """

    def __init__(
        self,
        message: str,
        notebook: str | None = None,
        cell: str | None = None,
        *,
        cell_index: int | None = None,
        source: str | None = None,
        ename: str | None = None,
        evalue: str | None = None,
        traceback: Sequence[str] = (),
        staging_path: str | None = None,
    ):
        super().__init__(message)
        self.notebook = notebook
        self.cell = cell
        self.cell_index = cell_index
        self.source = source
        self.ename = ename
        self.evalue = evalue
        self.traceback = list(traceback)
        self.staging_path = staging_path


class RenderError(CxmError, RuntimeError):
    """Rendering a report to HTML or PDF failed."""


class RunError(CxmError, RuntimeError):
    """A report run cannot go on: its output cannot be written (disk full, read-only folder),
    another run of the same report holds the lock, or the data supports none of its notebooks."""


# --------------------------------------------------------------------------- function inputs
#
# Missing answers (NaN / NA / None) are "not answered": they are excluded and not counted in
# ``n``.

READ_FIX = (
    "convert it with pd.to_numeric(df[{col!r}], errors='coerce') (anything that is not a number "
    "becomes missing), or read the file through cxm_lab.io.read_table, which reports the bad "
    "rows with their reason"
)


def fail(
    func: str, subject: str, problem: str, fix: str, error: type[CxmError] | None = None
) -> NoReturn:
    """Raise the one message style, ``"<function>: <subject> <problem>; <fix>."``.

    ``error`` is the class of the problem (default :class:`ParameterError`).

    >>> fail("nps", "ci", "must be between 0 and 1, got 2", "pass e.g. 0.95")
    Traceback (most recent call last):
    ...
    cxm_lab.errors.ParameterError: nps: ci must be between 0 and 1, got 2; pass e.g. 0.95.
    """
    raise (error or ParameterError)(f"{func}: {subject} {problem}; {fix.rstrip('.')}.")


def row_label(label: object) -> str:
    """A row label as the user wrote it (``5``, ``'R0001'``), without numpy's type wrappers."""
    if isinstance(label, np.generic):
        label = label.item()
    return repr(label) if isinstance(label, str) else str(label)


def value_text(v: object) -> str:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return "missing" if np.isnan(v) else f"{v:g}" if np.isinf(v) else str(v)
    return repr(v)


def first_distinct(values: np.ndarray, k: int) -> list[object]:
    """Up to ``k`` distinct values in order of appearance (unhashable values allowed)."""
    seen: dict[str, object] = {}
    for v in values:
        seen.setdefault(repr(v), v)
        if len(seen) == k:
            break
    return list(seen.values())


def is_real(v: object) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_)


def as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def check_frame(df: object, func: str, name: str = "df") -> None:
    if not isinstance(df, pd.DataFrame):
        fail(
            func,
            name,
            f"must be a pandas DataFrame, got {type(df).__name__}",
            "pass a table with one row per response, e.g. load_dataset(...)['responses']",
        )


def check_columns(df: pd.DataFrame, columns: Sequence[str], func: str, what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        cols = list(df.columns)
        shown = f"{cols[:30]}{' ...' if len(cols) > 30 else ''}"
        fail(
            func,
            f"{what}s {missing}" if len(missing) > 1 else f"{what} {missing[0]!r}",
            "not in the data",
            f"use one of its columns {shown}",
            ColumnError,
        )
    dup = [c for c in columns if isinstance(df[c], pd.DataFrame)]
    if dup:
        fail(
            func,
            f"{what} {dup[0]!r}",
            "appears more than once in the data",
            "rename the duplicate columns",
            ColumnError,
        )


def check_by(df: pd.DataFrame, by: str | Sequence[str] | None, func: str) -> list[str]:
    cols = as_list(by)
    check_columns(df, cols, func, "by column")
    return cols


def check_choice(value: object, name: str, choices: Sequence[str], func: str) -> None:
    if not isinstance(value, str) or value not in choices:
        options = " or ".join(repr(c) for c in choices)
        fail(func, name, f"must be {options}, got {value!r}", f"pass one of {list(choices)}")


def check_int(value: object, name: str, func: str, minimum: int, fix: str) -> int:
    """A whole-number argument (``bootstrap``, ``min_n``) at least ``minimum``, as ``int``."""
    ok = is_real(value) and np.isfinite(float(value)) and float(value).is_integer()
    if not ok or int(value) < minimum:
        fail(func, name, f"must be a whole number >= {minimum}, got {value!r}", fix)
    return int(value)


def check_numeric(
    df: pd.DataFrame,
    col: str,
    func: str,
    what: str,
    expect: str,
    fix: str,
    text_fix: str = READ_FIX,
) -> np.ndarray:
    """Column ``col`` as float64 with NaN for missing values; text and yes/no are errors.

    Accepted: numpy integer/float columns, nullable ``Int64``/``Float64``, and object columns
    whose non-missing values are all real numbers (Python or numpy ints/floats). Booleans
    (``bool``/``boolean`` dtype or True/False values) and anything else (strings, categories,
    dates) raise :class:`ParameterError` naming the column, counting the offending values and
    showing up to three of them. ``fix`` ends the message about booleans, ``text_fix`` (with
    ``{col}`` filled in) the one about text.
    """
    check_columns(df, [col], func, what)
    s = df[col]
    dtype = s.dtype
    subject = f"{what} {col!r}"
    looks_bool = f"looks like yes/no (boolean values), not {expect}"
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf":
        return s.to_numpy(dtype=float)  # plain numpy column: no nullable round trip
    if pd.api.types.is_bool_dtype(dtype):
        fail(func, subject, looks_bool, fix)
    if (
        pd.api.types.is_numeric_dtype(dtype)
        and not pd.api.types.is_complex_dtype(dtype)
        and not isinstance(dtype, pd.CategoricalDtype)
    ):
        return s.to_numpy(dtype=float, na_value=np.nan)  # Int64 / Float64 / UInt8 ...
    values = s.to_numpy(dtype=object)
    present = ~np.asarray(pd.isna(values), dtype=bool)
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        kinds = np.array(
            [2 if isinstance(v, bool | np.bool_) else 1 if is_real(v) else 0 for v in values],
            dtype=np.int8,
        )
        if (present & (kinds == 2)).any():
            i = int(np.flatnonzero(present & (kinds == 2))[0])
            fail(
                func,
                subject,
                f"{looks_bool} (first at row label {row_label(df.index[i])}: {values[i]!r})",
                fix,
            )
        if (~present | (kinds == 1)).all():
            out = np.full(len(values), np.nan)
            out[present] = values[present].astype(float)
            return out
        bad = present & (kinds == 0)
    else:  # string, categorical, datetime ...: every answered value is not a number
        bad = present
    examples = first_distinct(values[bad], 3)
    parsed = pd.to_numeric(pd.Series(values[bad], dtype=object), errors="coerce")
    unreadable = pd.Series(values[bad], dtype=object)[parsed.isna().to_numpy()]
    kind = "text" if isinstance(examples[0], str) else type(examples[0]).__name__
    problem = (
        f"must hold numbers, but {int(bad.sum())} of {int(present.sum())} non-missing value(s) "
        f"are {kind} (dtype {dtype}), e.g. {', '.join(map(repr, examples))}"
    )
    if len(unreadable):
        shown = ", ".join(map(repr, first_distinct(unreadable.to_numpy(dtype=object), 3)))
        problem += f" ({len(unreadable)} not readable as a number at all: {shown})"
    fail(func, subject, problem, text_fix.format(col=col))


def check_score(
    df: pd.DataFrame,
    score: str,
    func: str,
    lo: float,
    hi: float,
    whole: bool = False,
    what: str = "score column",
) -> np.ndarray:
    """The answers in ``score`` as float64 (NaN = not answered), checked: numbers, within
    ``lo``..``hi`` and, when ``whole``, whole numbers."""
    scale = f"{lo:g}–{hi:g}"
    x = check_numeric(
        df,
        score,
        func,
        what,
        f"a {scale} score",
        f"pass the column of {scale} answers (check that {score!r} is the right column)",
    )
    answered = ~np.isnan(x)
    bad = answered & ((x < lo) | (x > hi))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        fail(
            func,
            f"{what} {score!r}",
            f"has {int(bad.sum())} value(s) outside {lo:g}..{hi:g}, first at row label "
            f"{row_label(df.index[i])} (value {x[i]:g})",
            "read the file with cxm_lab.io.read_table, which rejects such rows with their reason",
        )
    if whole and not (isinstance(df[score].dtype, np.dtype) and df[score].dtype.kind in "iu"):
        frac = answered & (np.floor(x) != x)
        if frac.any():
            i = int(np.flatnonzero(frac)[0])
            fail(
                func,
                f"{what} {score!r}",
                f"has {int(frac.sum())} value(s) that are not whole numbers, first at row label "
                f"{row_label(df.index[i])} (value {x[i]:g})",
                f"answers on the {scale} scale are whole numbers: fix or round the column, or "
                "read the file with cxm_lab.io.read_table, which rejects such rows",
            )
    return x


def check_weights(df: pd.DataFrame, weight: str | None, valid: np.ndarray, func: str) -> np.ndarray:
    """Survey weights of the answered rows (0 elsewhere): finite and >= 0 wherever a score is
    answered. A missing weight on an answered row is an error, not a silent exclusion."""
    if weight is None:
        return valid.astype(float)
    fix = "fix or fill the weights (a missing weight is not read as 0), or pass weight=None"
    w = check_numeric(df, weight, func, "weight column", "survey weights", fix)
    bad = valid & ~(np.isfinite(w) & (w >= 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        kinds = {
            "missing": int((valid & np.isnan(w)).sum()),
            "infinite": int((valid & np.isinf(w)).sum()),
            "negative": int((valid & np.isfinite(w) & (w < 0)).sum()),
        }
        detail = ", ".join(f"{k} {name}" for name, k in kinds.items() if k)
        fail(
            func,
            f"weight column {weight!r}",
            f"must be a finite number >= 0 on every answered row: {int(bad.sum())} bad value(s) "
            f"({detail}), first at row label {row_label(df.index[i])} "
            f"(value {value_text(float(w[i]))})",
            fix,
        )
    return np.where(valid, w, 0.0)


def check_level(ci: object, func: str) -> float:
    """A confidence level strictly between 0 and 1, as ``float``.

    >>> check_level(0.9, "nps")
    0.9
    """
    if not is_real(ci) or not 0 < float(ci) < 1:  # type: ignore[arg-type]
        fail(
            func,
            "ci",
            f"must be between 0 and 1 (exclusive), got {ci!r}",
            "pass a confidence level such as 0.95",
        )
    return float(ci)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- tables from files
#
# Checks of tables read from files (CRM, billing, owners): the subject is the file, the row is
# the 1-based data row, and the error is a DataError (the values) or a ColumnError (the column).


def need(df: pd.DataFrame, cols: Sequence[str | None], what: str) -> None:
    """Check that ``df`` has every column in ``cols`` (``None`` entries are skipped).

    ``what`` names the file, table or function in the message.

    >>> need(pd.DataFrame({"a": [1]}), ["b"], "crm.csv")
    Traceback (most recent call last):
    ...
    cxm_lab.errors.ColumnError: crm.csv: column(s) ['b'] not found; columns are ['a']. Pass the right column name as an argument.
    """
    missing = [c for c in cols if c is not None and c not in df.columns]
    if missing:
        raise ColumnError(
            f"{what}: column(s) {missing} not found; columns are {list(df.columns)}. "
            "Pass the right column name as an argument."
        )


def first_bad(mask: pd.Series | np.ndarray) -> int:
    """Position (0-based) of the first true value of ``mask``."""
    return int(np.flatnonzero(np.asarray(mask))[0])


def check_money(
    df: pd.DataFrame,
    column: str,
    currency: str | None = "currency",
    file: str = "<frame>",
) -> pd.Series:
    """Validate and return a money column as float.

    Parameters
    ----------
    df : DataFrame
        The table holding the amounts.
    column : str
        Amount column; missing values are allowed and stay NaN.
    currency : str or None
        Currency column; when present it must hold a single value.
    file : str
        Name used in error messages (file or table name).

    Returns
    -------
    Series
        The amounts as float, aligned with ``df``.

    Raises
    ------
    DataError
        Naming the file, column and first bad row (1-based data row) for a non-numeric amount
        (e.g. ``"12k"``), a negative amount or several currencies in ``currency``.

    Examples
    --------
    >>> check_money(pd.DataFrame({"arr": [10, 20.5]}), "arr").tolist()
    [10.0, 20.5]
    """
    need(df, [column], file)
    raw = df[column]
    num = pd.to_numeric(raw, errors="coerce").astype(float)
    bad = num.isna() & raw.notna()
    if bad.any():
        i = first_bad(bad)
        raise DataError(
            f"{file}: column '{column}' row {i + 1}: {raw.iloc[i]!r} is not a number; "
            "write amounts as plain numbers such as 1234.56 (no currency signs or 'k')"
        )
    neg = num < 0
    if neg.any():
        i = first_bad(neg)
        raise DataError(
            f"{file}: column '{column}' row {i + 1}: negative amount {num.iloc[i]}; "
            "record refunds and credits in a separate column"
        )
    if currency is not None and currency in df.columns:
        values = pd.unique(df[currency].dropna().astype(str).str.strip().str.upper())
        if len(values) > 1:
            i = first_bad(df[currency].astype(str).str.strip().str.upper() != values[0])
            raise DataError(
                f"{file}: column '{currency}' mixes currencies {sorted(values)} "
                f"(row {i + 1} is {df[currency].iloc[i]!r}); convert all amounts to one currency first"
            )
    return num


def check_dates(df: pd.DataFrame, column: str, file: str = "<frame>") -> pd.Series:
    """Parse a date column (ISO 8601); empty values stay ``NaT``.

    Parameters
    ----------
    df : DataFrame
        The table holding the dates.
    column : str
        Date column (text or datetime).
    file : str
        Name used in error messages (file or table name).

    Returns
    -------
    Series
        ``datetime64`` values aligned with ``df``.

    Raises
    ------
    DataError
        Naming the file, column and first unparseable row (1-based data row).

    Examples
    --------
    >>> check_dates(pd.DataFrame({"d": ["2026-07-01", None]}), "d").dt.day.tolist()
    [1.0, nan]
    """
    need(df, [column], file)
    raw = df[column]
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw
    parsed = pd.to_datetime(raw, errors="coerce", format="ISO8601")
    text = raw.astype("string").str.strip()
    bad = parsed.isna() & raw.notna() & (text != "").fillna(False)
    if bad.any():
        i = first_bad(bad)
        raise DataError(
            f"{file}: column '{column}' row {i + 1}: {raw.iloc[i]!r} is not a date; "
            "write dates as YYYY-MM-DD"
        )
    return parsed
