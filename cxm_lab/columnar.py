"""Metrics on files larger than memory: Parquet files, datasets and DuckDB relations.

:func:`cxm_lab.metrics.nps`, :func:`~cxm_lab.metrics.enps`, :func:`~cxm_lab.metrics.csat`
and :func:`~cxm_lab.metrics.ces` accept, in place of a DataFrame, a path to a Parquet file
(``str`` or :class:`pathlib.Path`), a folder of Parquet files (a dataset, hive partitions
``key=value/`` included), a glob (``"responses/*.parquet"``), a list of those, or a
:class:`duckdb.DuckDBPyRelation`. This module turns such a source into a small histogram:
one row per (group, answer) pair with its count, Σw and Σw², computed by DuckDB, which reads
only the columns named (projection pushdown), streams the rows and spills to disk past its
memory limit. The metric functions finish that histogram with the same code as the in-memory
route (:mod:`cxm_lab.stats` for every interval), so the two give the same table.

The checks of the in-memory route are made in the same scan: a score column that is not
numbers, answers off the scale or not whole, missing / infinite / negative weights on answered
rows. A second query, run only when something is wrong, finds the first offending row, and the
message names the file and the row (1-based, header excluded, as :mod:`cxm_lab.io` counts).
NaN is a missing value, as in pandas.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import duckdb
import numpy as np
import pandas as pd

from cxm_lab.errors import ColumnError, SchemaError, fail

__all__ = [
    "MEMORY_LIMIT",
    "ScoreHistogram",
    "Source",
    "is_source",
    "open_source",
    "score_histogram",
]

#: What the metric functions read in place of a DataFrame.
Source = str | os.PathLike | Sequence[str | os.PathLike] | duckdb.DuckDBPyRelation

#: DuckDB's memory limit for the files this module opens (it spills past it); a relation
#: passed in keeps its own connection's settings.
MEMORY_LIMIT = "1GB"

_INTEGER = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}
_FLOAT = {"FLOAT", "DOUBLE", "REAL"}


@dataclass(frozen=True)
class ScoreHistogram:
    """Rows per (group, answer) pair of a source, with their weight sums.

    Attributes
    ----------
    keys : DataFrame
        The group columns, one row per pair (as DuckDB returns them; not sorted).
    value : ndarray
        The answer of the pair (float; NaN for the rows without an answer).
    n : ndarray
        Rows in the pair.
    sw, sww : ndarray or None
        Σw and Σw² of the pair (``None`` without a weight column).
    """

    keys: pd.DataFrame
    value: np.ndarray
    n: np.ndarray
    sw: np.ndarray | None
    sww: np.ndarray | None


def is_source(obj: object) -> bool:
    """Whether ``obj`` is something this module reads (a path, glob, list of paths or a DuckDB
    relation) rather than a DataFrame.

    Parameters
    ----------
    obj : object
        What a metric function was given as its table.

    Returns
    -------
    bool
        True for ``str``, :class:`os.PathLike`, a non-empty list/tuple of them, or a
        :class:`duckdb.DuckDBPyRelation`.

    Examples
    --------
    >>> is_source("responses.parquet"), is_source(Path("data")), is_source(pd.DataFrame())
    (True, True, False)
    """
    if isinstance(obj, str | os.PathLike | duckdb.DuckDBPyRelation):
        return True
    return (
        isinstance(obj, list | tuple)
        and len(obj) > 0
        and all(isinstance(p, str | os.PathLike) for p in obj)
    )


def _connect() -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB connection with ``MEMORY_LIMIT`` and no progress bar."""
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT})
    con.execute("SET enable_progress_bar = false")
    return con


def _quote(name: str) -> str:
    """A column name as a SQL identifier (any text, quotes included)."""
    return '"' + str(name).replace('"', '""') + '"'


def _patterns(source: object, func: str) -> tuple[list[str], str]:
    """The Parquet files or globs a path source names, and a label for messages."""
    items = [source] if isinstance(source, str | os.PathLike) else list(source)  # type: ignore[call-overload]
    out = []
    for item in items:
        p = Path(item)
        text = os.fspath(item)
        if p.is_dir():
            files = sorted(str(f) for f in p.rglob("*.parquet"))
            if not files:
                fail(
                    func,
                    f"folder {text!r}",
                    "holds no .parquet file",
                    "pass a Parquet file, a folder of Parquet files or a DataFrame",
                    error=SchemaError,
                )
            out.append(str(p / "**" / "*.parquet"))
        elif p.is_file():
            out.append(text)
        elif glob.has_magic(text) and glob.glob(text, recursive=True):
            out.append(text)
        else:
            fail(
                func,
                f"file {text!r}",
                "does not exist (or the glob matches nothing)",
                "pass the path of a Parquet file, a folder of them or a glob such as "
                "'responses/*.parquet'",
                error=SchemaError,
            )
    label = repr(os.fspath(items[0])) if len(items) == 1 else f"{len(items)} paths"
    return out, label


def open_source(
    source: Source,
    *,
    func: str = "open_source",
    connection: duckdb.DuckDBPyConnection | None = None,
) -> tuple[duckdb.DuckDBPyRelation, str]:
    """A DuckDB relation over a source, and how messages name it.

    Parameters
    ----------
    source : str, Path, list of paths or DuckDBPyRelation
        A Parquet file, a folder of Parquet files (searched recursively), a glob, a list of
        those, or a relation (returned as it is).
    func : str
        The public function, for messages.
    connection : DuckDBPyConnection, optional
        Where to open the files (default: a new in-memory connection with ``MEMORY_LIMIT``).

    Returns
    -------
    (DuckDBPyRelation, str)
        The relation (nothing is read yet) and a label such as ``"'responses.parquet'"``.

    Raises
    ------
    SchemaError
        A path that does not exist, a folder without Parquet files, or a file DuckDB cannot
        read as Parquet.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "r.parquet"
    >>> pd.DataFrame({"ltr": [9, 3]}).to_parquet(path)
    >>> rel, label = open_source(path)
    >>> rel.columns, label.endswith("r.parquet'")
    (['ltr'], True)
    """
    if isinstance(source, duckdb.DuckDBPyRelation):
        return source, "the DuckDB relation"
    patterns, label = _patterns(source, func)
    con = connection or _connect()
    # A folder with key=value/ subfolders is a hive-partitioned dataset: the keys are columns.
    hive = any(
        "=" in part.name
        for item in patterns
        if Path(item.split("**")[0]).is_dir()
        for part in Path(item.split("**")[0]).iterdir()
    )
    try:
        return con.read_parquet(patterns, hive_partitioning=hive), label
    except duckdb.Error as err:
        fail(
            func,
            f"file {label}",
            f"cannot be read as Parquet ({str(err).splitlines()[0]})",
            "pass Parquet files (write them with DataFrame.to_parquet), or read the file with "
            "cxm_lab.io.read_table and pass the DataFrame",
            error=SchemaError,
        )


def _check_column(rel: duckdb.DuckDBPyRelation, col: str, what: str, label: str, func: str) -> str:
    """The DuckDB type of column ``col`` (a :class:`ColumnError` naming the source if absent)."""
    types = dict(zip(rel.columns, (str(t) for t in rel.types), strict=True))
    if col not in types:
        cols = list(rel.columns)
        shown = f"{cols[:30]}{' ...' if len(cols) > 30 else ''}"
        fail(
            func,
            f"{what} {col!r}",
            f"not in {label}",
            f"use one of its columns {shown}",
            error=ColumnError,
        )
    return types[col]


def _number(
    rel: duckdb.DuckDBPyRelation, col: str, what: str, expect: str, label: str, func: str
) -> str:
    """SQL for column ``col`` as DOUBLE with NaN read as missing; text and yes/no are errors."""
    kind = _check_column(rel, col, what, label, func)
    q = _quote(col)
    if kind in _INTEGER or kind.startswith("DECIMAL"):
        return f"CAST({q} AS DOUBLE)"
    if kind in _FLOAT:
        return f"(CASE WHEN isnan({q}) THEN NULL ELSE CAST({q} AS DOUBLE) END)"
    example = rel.query("src", f"SELECT {q} FROM src WHERE {q} IS NOT NULL LIMIT 1").fetchall()
    shown = f", e.g. {example[0][0]!r}" if example else ""
    if kind == "BOOLEAN":
        fail(
            func,
            f"{what} {col!r} of {label}",
            f"looks like yes/no (type BOOLEAN), not {expect}{shown}",
            f"pass the column of {expect}s (check that {col!r} is the right column)",
        )
    fail(
        func,
        f"{what} {col!r} of {label}",
        f"must hold numbers, but its type is {kind}{shown}",
        "write the column as numbers (pd.to_numeric before to_parquet), or read the file "
        "with cxm_lab.io.read_table, which reports the bad rows with their reason",
    )


def _first_row(
    rel: duckdb.DuckDBPyRelation,
    source: object,
    cond: str,
    shown: str,
    func: str,
) -> str:
    """Where the first row matching ``cond`` is: ``"row 7 of 'f.parquet' (value 11)"``."""
    if isinstance(source, duckdb.DuckDBPyRelation):
        row = rel.query("src", f"SELECT {shown} FROM src WHERE {cond} LIMIT 1").fetchall()[0]
        return f"e.g. value {_text(row[0])}"
    patterns, _ = _patterns(source, func)
    with _connect() as con:
        located = con.read_parquet(patterns, filename=True, file_row_number=True)
        row = located.query(
            "src",
            f"SELECT filename, file_row_number, {shown} FROM src WHERE {cond} "
            "ORDER BY filename, file_row_number LIMIT 1",
        ).fetchall()[0]
    return f"first at row {int(row[1]) + 1} of {row[0]!r} (value {_text(row[2])})"


def _bad_weights(
    rel: duckdb.DuckDBPyRelation, source: object, x: str, weight: str, label: str, func: str
) -> NoReturn:
    """Raise the message about missing, infinite or negative weights on answered rows."""
    wr = f"CAST({_quote(weight)} AS DOUBLE)"
    conds = {
        "missing": f"({wr} IS NULL OR isnan({wr}))",
        "infinite": f"isinf({wr})",
        "negative": f"{wr} < 0",
    }
    counts = ", ".join(f"count_if({x} IS NOT NULL AND {c})" for c in conds.values())
    kinds = dict(
        zip(conds, rel.query("src", f"SELECT {counts} FROM src").fetchall()[0], strict=True)
    )
    where = _first_row(
        rel, source, f"{x} IS NOT NULL AND ({' OR '.join(conds.values())})", wr, func
    )
    detail = ", ".join(f"{k} {name}" for name, k in kinds.items() if k)
    fail(
        func,
        f"weight column {weight!r} of {label}",
        f"must be a finite number >= 0 on every answered row: {sum(kinds.values())} bad "
        f"value(s) ({detail}), {where}",
        "fix or fill the weights (a missing weight is not read as 0), or pass weight=None",
    )


def _text(v: object) -> str:
    """A value for a message: ``missing``, ``inf``, ``11``, ``2.5``."""
    if v is None:
        return "missing"
    if isinstance(v, float):
        return "missing" if np.isnan(v) else f"{v:g}"
    return str(v)


def score_histogram(
    source: Source,
    *,
    score: str,
    by: Sequence[str] = (),
    weight: str | None = None,
    scale: tuple[float, float] = (0, 10),
    whole: bool = False,
    func: str = "score_histogram",
) -> ScoreHistogram:
    """Count the rows of every (group, answer) pair of a source in DuckDB, with the checks of
    the in-memory route.

    One scan reads the ``by``, ``score`` and ``weight`` columns only and returns a table whose
    size is (groups × distinct answers), whatever the number of rows. Rows without an answer
    (NULL or NaN) form a pair with a missing value, so a group whose answers are all missing
    is still listed.

    Parameters
    ----------
    source : str, Path, list of paths or DuckDBPyRelation
        As :func:`open_source`.
    score : str
        Column of answers.
    by : list of str
        Group columns (NULL and NaN keys form their own group).
    weight : str, optional
        Column of survey weights: Σw and Σw² per pair.
    scale : (float, float)
        Lowest and highest possible answer.
    whole : bool
        Whether answers must be whole numbers (0–10 scales).
    func : str
        The public function, for messages.

    Returns
    -------
    ScoreHistogram
        ``keys`` (group columns named as ``by``), ``value``, ``n``, ``sw``, ``sww``.

    Raises
    ------
    ColumnError
        A named column is not in the source (the message names the source).
    ParameterError
        A score or weight column that is not numbers (text, yes/no), an answer outside
        ``scale`` or not whole, a missing, infinite or negative weight on an answered row: the
        count, and the first such row with its file (1-based data row) and value.
    SchemaError
        As :func:`open_source`.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "r.parquet"
    >>> pd.DataFrame({"ltr": [9, 9, 3, None], "seg": ["a", "a", "b", "b"]}).to_parquet(path)
    >>> h = score_histogram(path, score="ltr", by=["seg"], whole=True)
    >>> sorted(zip(h.keys["seg"], h.value.tolist(), h.n.tolist()))
    [('a', 9.0, 2), ('b', 3.0, 1), ('b', nan, 1)]
    """
    by = list(by)
    lo, hi = float(scale[0]), float(scale[1])
    if isinstance(source, duckdb.DuckDBPyRelation):
        return _histogram(source, source, score, by, weight, lo, hi, whole, func)
    with _connect() as con:
        rel, _ = open_source(source, func=func, connection=con)
        return _histogram(rel, source, score, by, weight, lo, hi, whole, func)


def _histogram(
    rel: duckdb.DuckDBPyRelation,
    source: object,
    score: str,
    by: list[str],
    weight: str | None,
    lo: float,
    hi: float,
    whole: bool,
    func: str,
) -> ScoreHistogram:
    label = "the DuckDB relation" if source is rel else _patterns(source, func)[1]
    groups, kinds = [], []
    for i, col in enumerate(by):
        kind = _check_column(rel, col, "by column", label, func)
        kinds.append(kind)
        q = _quote(col)
        expr = f"(CASE WHEN isnan({q}) THEN NULL ELSE {q} END)" if kind in _FLOAT else q
        groups.append(f"{expr} AS g{i}")
    scale = f"{lo:g}–{hi:g}"
    x = _number(rel, score, "score column", f"a {scale} score", label, func)
    aggs = ["count(*) AS n"]
    if weight is not None:
        _number(rel, weight, "weight column", "survey weight", label, func)  # numbers?
        wr = f"CAST({_quote(weight)} AS DOUBLE)"  # NaN kept: it is a bad weight, not a missing one
        # DuckDB orders NaN above every number: NaN >= 0 holds and NaN < inf does not.
        good = f"coalesce({wr} >= 0 AND {wr} < 'inf'::DOUBLE, false)"
        aggs += [
            f"sum({wr}) AS sw",
            f"sum({wr} * {wr}) AS sww",
            f"count_if({x} IS NOT NULL AND NOT {good}) AS w_bad",
        ]
    # Grouped by the column as stored (faster than by an expression): NULL and NaN both come
    # back as NaN, "no answer".
    kind = _check_column(rel, score, "score column", label, func)
    v = x if kind.startswith("DECIMAL") else _quote(score)
    sql = f"SELECT {', '.join([*groups, f'{v} AS v', *aggs])} FROM src GROUP BY ALL"
    table = rel.query("src", sql).df()
    value = table["v"].to_numpy(dtype=float, na_value=np.nan)
    n = table["n"].to_numpy(dtype=np.int64)
    answered_cells = ~np.isnan(value)
    subject = f"score column {score!r} of {label}"
    bad = answered_cells & ((value < lo) | (value > hi))
    if bad.any():
        where = _first_row(rel, source, f"{x} < {lo!r} OR {x} > {hi!r}", x, func)
        fail(
            func,
            subject,
            f"has {int(n[bad].sum())} value(s) outside {lo:g}..{hi:g}, {where}",
            "fix those rows in the file, or read it with cxm_lab.io.read_table, which rejects "
            "such rows with their reason",
        )
    frac = answered_cells & (np.floor(value) != value)
    if whole and frac.any():
        where = _first_row(rel, source, f"floor({x}) <> {x}", x, func)
        fail(
            func,
            subject,
            f"has {int(n[frac].sum())} value(s) that are not whole numbers, {where}",
            f"answers on the {scale} scale are whole numbers: fix or round the column, or "
            "read the file with cxm_lab.io.read_table, which rejects such rows",
        )
    sw = sww = None
    if weight is not None:
        if table["w_bad"].sum():
            _bad_weights(rel, source, x, weight, label, func)
        sw = np.where(answered_cells, table["sw"].to_numpy(dtype=float, na_value=0.0), 0.0)
        sww = np.where(answered_cells, table["sww"].to_numpy(dtype=float, na_value=0.0), 0.0)
    keys = table[[f"g{i}" for i in range(len(by))]].copy()
    for i, kind in enumerate(kinds):
        if kind == "VARCHAR" and not len(keys):
            keys[f"g{i}"] = keys[f"g{i}"].astype("str")  # as pandas reads an empty text column
    keys.columns = pd.Index(by, dtype=object)
    return ScoreHistogram(keys.reset_index(drop=True), value, n, sw, sww)
