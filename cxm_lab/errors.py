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
    "check_counts",
    "check_dates",
    "check_frame",
    "check_int",
    "check_level",
    "check_money",
    "check_numeric",
    "check_score",
    "check_weights",
    "fail",
    "is_real",
    "row_label",
    "value_text",
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
    lines, and the staging path of the executed notebook (kept for inspection). ``cell``
    (the older name, also accepted as the third argument) is the same text as ``source``.
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
        self.cell_index = cell_index
        self.source = source if source is not None else cell
        self.ename = ename
        self.evalue = evalue
        self.traceback = list(traceback)
        self.staging_path = staging_path

    @property
    def cell(self) -> str | None:
        """The failing cell's source (the same as :attr:`source`)."""
        return self.source


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
    func: str, subject: str, problem: str, fix: str, *, error: type[CxmError] | None = None
) -> NoReturn:
    """Raise the one message style, ``"<function>: <subject> <problem>; <fix>."``.

    Parameters
    ----------
    func : str
        The public function (or file) the problem was found in.
    subject : str
        The argument, column or row concerned (``"ci"``, ``"score column 'ltr'"``).
    problem : str
        What is wrong, with the offending value.
    fix : str
        How to fix it (a trailing full stop is added).
    error : type of CxmError, optional
        The class of the problem (default :class:`ParameterError`).

    Raises
    ------
    CxmError
        Always: ``error`` with the message.

    Examples
    --------
    >>> fail("nps", "ci", "must be between 0 and 1, got 2", "pass e.g. 0.95")
    Traceback (most recent call last):
    ...
    cxm_lab.errors.ParameterError: nps: ci must be between 0 and 1, got 2; pass e.g. 0.95.
    """
    raise (error or ParameterError)(f"{func}: {subject} {problem}; {fix.rstrip('.')}.")


def row_label(label: object) -> str:
    """A row label as the user wrote it (``5``, ``'R0001'``), without numpy's type wrappers.

    Parameters
    ----------
    label : object
        An index label.

    Returns
    -------
    str
        Text for a message.

    Examples
    --------
    >>> row_label(np.int64(5)), row_label("R0001")
    ('5', "'R0001'")
    """
    if isinstance(label, np.generic):
        label = label.item()
    return repr(label) if isinstance(label, str) else str(label)


def value_text(v: object) -> str:
    """A value for a message: ``missing`` for NaN, ``inf``, or its ``repr``.

    Parameters
    ----------
    v : object
        A cell value.

    Returns
    -------
    str
        Text for a message.

    Examples
    --------
    >>> value_text(float("nan")), value_text(np.float64(2.5)), value_text("x")
    ('missing', '2.5', "'x'")
    """
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return "missing" if np.isnan(v) else f"{v:g}" if np.isinf(v) else str(v)
    return repr(v)


def _first_distinct(values: np.ndarray, k: int) -> list[object]:
    """Up to ``k`` distinct values in order of appearance (unhashable values allowed)."""
    seen: dict[str, object] = {}
    for v in values:
        seen.setdefault(repr(v), v)
        if len(seen) == k:
            break
    return list(seen.values())


def is_real(v: object) -> bool:
    """Whether ``v`` is a real number (Python or numpy) and not a boolean.

    Parameters
    ----------
    v : object
        A value.

    Returns
    -------
    bool
        True for ``3``, ``2.5``, ``np.int64(1)``; False for ``True``, ``"3"``.

    Examples
    --------
    >>> is_real(2.5), is_real(True), is_real("3")
    (True, False, False)
    """
    return isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_)


def as_list(by: str | Sequence[str] | None) -> list[str]:
    """A ``by`` argument as a list of column names.

    Parameters
    ----------
    by : str, list of str or None
        One column, several, or none.

    Returns
    -------
    list of str
        ``[]`` for ``None``, ``[by]`` for one name, else the names in order.

    Examples
    --------
    >>> as_list(None), as_list("segment"), as_list(("quarter", "segment"))
    ([], ['segment'], ['quarter', 'segment'])
    """
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def check_frame(df: object, func: str, *, name: str = "df") -> None:
    """Check that ``df`` is a pandas DataFrame.

    Parameters
    ----------
    df : object
        What the caller passed.
    func : str
        The public function, for the message.
    name : str
        The argument's name, for the message.

    Raises
    ------
    ParameterError
        When ``df`` is not a DataFrame.

    Examples
    --------
    >>> check_frame([1, 2], "nps")
    Traceback (most recent call last):
    ...
    cxm_lab.errors.ParameterError: nps: df must be a pandas DataFrame, got list; pass a table with one row per response, e.g. load_dataset(...)['responses'].
    """
    if not isinstance(df, pd.DataFrame):
        fail(
            func,
            name,
            f"must be a pandas DataFrame, got {type(df).__name__}",
            "pass a table with one row per response, e.g. load_dataset(...)['responses']",
        )


def check_columns(df: pd.DataFrame, columns: Sequence[str], func: str, what: str) -> None:
    """Check that every name in ``columns`` is a column of ``df``, and only once.

    Parameters
    ----------
    df : DataFrame
        The table.
    columns : list of str
        The names an argument gave.
    func : str
        The public function, for the message.
    what : str
        What the names are (``"score column"``, ``"by column"``), for the message.

    Raises
    ------
    ColumnError
        Naming the missing (or repeated) column and listing the table's columns.

    Examples
    --------
    >>> check_columns(pd.DataFrame({"ltr": [9]}), ["nps"], "nps", "score column")
    Traceback (most recent call last):
    ...
    cxm_lab.errors.ColumnError: nps: score column 'nps' not in the data; use one of its columns ['ltr'].
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        cols = list(df.columns)
        shown = f"{cols[:30]}{' ...' if len(cols) > 30 else ''}"
        fail(
            func,
            f"{what}s {missing}" if len(missing) > 1 else f"{what} {missing[0]!r}",
            "not in the data",
            f"use one of its columns {shown}",
            error=ColumnError,
        )
    dup = [c for c in columns if isinstance(df[c], pd.DataFrame)]
    if dup:
        fail(
            func,
            f"{what} {dup[0]!r}",
            "appears more than once in the data",
            "rename the duplicate columns",
            error=ColumnError,
        )


def check_by(df: pd.DataFrame, by: str | Sequence[str] | None, func: str) -> list[str]:
    """Check a ``by`` argument and return it as a list of column names.

    Parameters
    ----------
    df : DataFrame
        The table.
    by : str, list of str or None
        Group columns.
    func : str
        The public function, for the message.

    Returns
    -------
    list of str
        The group columns (``[]`` for ``None``).

    Raises
    ------
    ColumnError
        When a group column is not in the table.

    Examples
    --------
    >>> check_by(pd.DataFrame({"segment": ["SMB"]}), "segment", "nps")
    ['segment']
    """
    cols = as_list(by)
    check_columns(df, cols, func, "by column")
    return cols


def check_choice(value: object, name: str, choices: Sequence[str], func: str) -> None:
    """Check that an argument is one of a few named choices.

    Parameters
    ----------
    value : object
        What the caller passed.
    name : str
        The argument's name.
    choices : list of str
        The allowed values.
    func : str
        The public function, for the message.

    Raises
    ------
    ParameterError
        Listing the choices.

    Examples
    --------
    >>> check_choice("wilson", "method", ["wald", "adjusted_wald"], "nps")
    Traceback (most recent call last):
    ...
    cxm_lab.errors.ParameterError: nps: method must be 'wald' or 'adjusted_wald', got 'wilson'; pass one of ['wald', 'adjusted_wald'].
    """
    if not isinstance(value, str) or value not in choices:
        options = " or ".join(repr(c) for c in choices)
        fail(func, name, f"must be {options}, got {value!r}", f"pass one of {list(choices)}")


def check_int(value: object, name: str, func: str, minimum: int, fix: str) -> int:
    """A whole-number argument (``n_boot``, ``min_n``) at least ``minimum``, as ``int``.

    Parameters
    ----------
    value : object
        What the caller passed (``30``, ``30.0`` and ``np.int64(30)`` are accepted).
    name : str
        The argument's name.
    func : str
        The public function, for the message.
    minimum : int
        The smallest allowed value.
    fix : str
        How to fix a bad value.

    Returns
    -------
    int
        The value.

    Raises
    ------
    ParameterError
        When the value is not a whole number at least ``minimum``.

    Examples
    --------
    >>> check_int(30.0, "min_n", "nps", 1, "pass e.g. 30")
    30
    """
    ok = is_real(value) and np.isfinite(float(value)) and float(value).is_integer()  # type: ignore[arg-type]
    if not ok or int(value) < minimum:  # type: ignore[call-overload]
        fail(func, name, f"must be a whole number >= {minimum}, got {value!r}", fix)
    return int(value)  # type: ignore[call-overload]


def check_numeric(
    df: pd.DataFrame,
    col: str,
    func: str,
    what: str,
    expect: str,
    fix: str,
    *,
    text_fix: str = READ_FIX,
) -> np.ndarray:
    """Column ``col`` as float64 with NaN for missing values; text and yes/no are errors.

    Accepted: numpy integer/float columns, nullable ``Int64``/``Float64``, and object columns
    whose non-missing values are all real numbers (Python or numpy ints/floats). Booleans
    (``bool``/``boolean`` dtype or True/False values) and anything else (strings, categories,
    dates) are errors naming the column, counting the offending values and showing up to three.

    Parameters
    ----------
    df : DataFrame
        The table.
    col : str
        The column.
    func : str
        The public function, for the message.
    what : str
        What the column is (``"score column"``, ``"weight column"``).
    expect : str
        What it should hold (``"a 0–10 score"``), for the message about yes/no values.
    fix : str
        How to fix yes/no values.
    text_fix : str
        How to fix text (``{col}`` is filled in).

    Returns
    -------
    ndarray
        float64 values, NaN where missing.

    Raises
    ------
    ColumnError
        When the column is missing.
    ParameterError
        When it holds text, yes/no values or other non-numbers.

    Examples
    --------
    >>> check_numeric(pd.DataFrame({"w": [1, None]}), "w", "nps", "weight column", "weights", "")
    array([ 1., nan])
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
    examples = _first_distinct(values[bad], 3)
    parsed = pd.to_numeric(pd.Series(values[bad], dtype=object), errors="coerce")
    unreadable = pd.Series(values[bad], dtype=object)[parsed.isna().to_numpy()]
    kind = "text" if isinstance(examples[0], str) else type(examples[0]).__name__
    problem = (
        f"must hold numbers, but {int(bad.sum())} of {int(present.sum())} non-missing value(s) "
        f"are {kind} (dtype {dtype}), e.g. {', '.join(map(repr, examples))}"
    )
    if len(unreadable):
        shown = ", ".join(map(repr, _first_distinct(unreadable.to_numpy(dtype=object), 3)))
        problem += f" ({len(unreadable)} not readable as a number at all: {shown})"
    fail(func, subject, problem, text_fix.format(col=col))


def check_score(
    df: pd.DataFrame,
    score: str,
    func: str,
    lo: float,
    hi: float,
    *,
    whole: bool = False,
    what: str = "score column",
) -> np.ndarray:
    """The answers in ``score`` as float64 (NaN = not answered), checked: numbers, within
    ``lo``..``hi`` and, when ``whole``, whole numbers.

    Parameters
    ----------
    df : DataFrame
        The table.
    score : str
        The column of answers.
    func : str
        The public function, for the message.
    lo, hi : float
        The ends of the scale.
    whole : bool
        Whether answers must be whole numbers (0–10 scales).
    what : str
        What the column is, for the message.

    Returns
    -------
    ndarray
        float64 answers, NaN where not answered.

    Raises
    ------
    ColumnError
        When the column is missing.
    ParameterError
        Naming the first row label off the scale or not whole, with the count.

    Examples
    --------
    >>> check_score(pd.DataFrame({"ltr": [11]}), "ltr", "nps", 0, 10)
    Traceback (most recent call last):
    ...
    cxm_lab.errors.ParameterError: nps: score column 'ltr' has 1 value(s) outside 0..10, first at row label 0 (value 11); read the file with cxm_lab.io.read_table, which rejects such rows with their reason.
    """
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
    answered. A missing weight on an answered row is an error, not a silent exclusion.

    Parameters
    ----------
    df : DataFrame
        The table.
    weight : str or None
        The weight column; ``None`` gives weight 1 on every answered row.
    valid : ndarray of bool
        Which rows are answered.
    func : str
        The public function, for the message.

    Returns
    -------
    ndarray
        float64 weights, 0 on rows not answered.

    Raises
    ------
    ParameterError
        Counting missing, infinite and negative weights on answered rows.

    Examples
    --------
    >>> check_weights(pd.DataFrame({"w": [2.0, None]}), "w", np.array([True, False]), "nps")
    array([2., 0.])
    """
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


def check_counts(df: pd.DataFrame, col: str, func: str, what: str, expect: str) -> np.ndarray:
    """A column of counts (invitations, contacts...): whole numbers >= 0 on every row.

    Parameters
    ----------
    df : DataFrame
        The table.
    col : str
        The column of counts.
    func : str
        The public function, for the message.
    what : str
        What the column is (``"invited column"``), for the message.
    expect : str
        What it should hold (``"invitation counts"``).

    Returns
    -------
    ndarray
        float64 counts.

    Raises
    ------
    ColumnError
        When the column is missing.
    ParameterError
        Counting the bad values (missing, negative, fractional, text) and naming the first.

    Examples
    --------
    >>> check_counts(pd.DataFrame({"invited": [10, 2.5]}), "invited", "f", "invited column", "counts")
    Traceback (most recent call last):
    ...
    cxm_lab.errors.ParameterError: f: invited column 'invited' must be a whole number >= 0 on every row: 1 bad value(s), first at row label 1 (value 2.5); pass whole counts >= 0 on every row of the table.
    """
    fix = f"pass whole {expect} >= 0 on every row of the table"
    counts = check_numeric(df, col, func, what, expect, fix)
    bad = ~np.isfinite(counts) | (counts < 0) | (np.floor(counts) != counts)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        fail(
            func,
            f"{what} {col!r}",
            f"must be a whole number >= 0 on every row: {int(bad.sum())} bad value(s), first at "
            f"row label {row_label(df.index[i])} (value {value_text(float(counts[i]))})",
            fix,
        )
    return counts


def check_level(ci: object, func: str) -> float:
    """A confidence level strictly between 0 and 1, as ``float``.

    Parameters
    ----------
    ci : object
        What the caller passed.
    func : str
        The public function, for the message.

    Returns
    -------
    float
        The level.

    Raises
    ------
    ParameterError
        When ``ci`` is not a number strictly between 0 and 1.

    Examples
    --------

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

    Parameters
    ----------
    df : DataFrame
        A table read from a file (CRM, billing, owners).
    cols : list of str or None
        The columns it must have.
    what : str
        The file, table or function, for the message.

    Raises
    ------
    ColumnError
        Listing the missing columns and the table's columns.

    Examples
    --------

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
    """Position (0-based) of the first true value of ``mask`` (a message adds 1 for the row).

    Parameters
    ----------
    mask : Series or ndarray of bool
        Which rows are bad; at least one is.

    Returns
    -------
    int
        The position.

    Examples
    --------
    >>> first_bad(np.array([False, True, True]))
    1
    """
    return int(np.flatnonzero(np.asarray(mask))[0])


def check_money(
    df: pd.DataFrame,
    column: str,
    *,
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


def check_dates(df: pd.DataFrame, column: str, *, file: str = "<frame>") -> pd.Series:
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
