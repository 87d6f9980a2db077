"""From a run's parameters to the :class:`~cxm_lab.io.Dataset` its notebooks analyse.

``data_dir`` in the parameters is a folder, one file or a glob. A folder that holds
``responses.csv`` (or ``.parquet``/``.xlsx``) is in the project's own layout (the demo's: one
file per table, see ``docs/ARCHITECTURE.md``). Anything else is one or more **survey-tool
exports** of one kind (the quarterly routine drops one new export beside the earlier ones):
each file is read by its importer (:mod:`cxm_lab.importers`), renamed with ``rename:``,
validated against the responses schema plus the run's drivers, and the files are concatenated.
Files beside the exports named like a table (``targets.csv``, ``accounts.xlsx``, ...) and those
listed under ``tables:`` are read as those tables.

Derived fields (:func:`cxm_lab.io.derive_fields`):

- ``response_id`` when the export has none: ``"h"`` + the first 12 hex digits of the SHA-1 of the
  row's cells (column names and values, in column order), with ``-2``, ``-3``, ... for repeats of
  an identical row in the same file. The same answers in a later export of the same survey get the
  same id, so a response exported twice is reported as a duplicate, never counted twice.
- ``quarter`` (``2026Q3``) from ``response_date`` (an export's own ``quarter`` column is kept and
  must look like ``2026Q3``); ``nps_category`` from ``ltr``;
- ``language`` normalised to a BCP-47 tag (``EN`` → ``en``, ``ZH-S`` → ``zh-Hans``; a value that is
  no language becomes missing). Without a language column the text analysis detects it from
  each comment (:func:`cxm_lab.text.analysis.analyse_comments`).

Ratings listed under ``reverse_scored:`` (negatively worded drivers: "How difficult ...?",
"This class is too stressful") are reverse-coded here and nowhere else: answer → lowest +
highest − answer on the declared scale, or on the scale the whole export's answers fit
(:func:`cxm_lab.scales.reverse_code`, :func:`cxm_lab.scales.fit_scale`); the driver's label
says so and ``config["reverse_scored"]`` keeps column → scale. Every table, chart, driver
analysis and the brief downstream read higher = better.

Every row read is used or rejected with a reason; ``read == used + rejected`` per file, and a
response id seen in an earlier file is rejected as a duplicate that names the earlier file.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from cxm_lab.errors import ParameterError, SchemaError
from cxm_lab.io import (
    DEFAULT_DIMENSIONS,
    SUFFIXES,
    Dataset,
    ReadResult,
    default_config,
    default_quarter,
    derive_fields,
    load_dataset,
    read_table,
)
from cxm_lab.scales import fit_scale, reverse_code, reversed_label, scale_text
from cxm_lab.schema import DERIVED, RESPONSES, SCHEMAS, Column, column_label

__all__ = ["ROLE_DEFAULTS", "prepare_dataset"]

#: Vendor meta columns taken as the project's own when the params do not map them.
ROLE_DEFAULTS = ("response_id", "response_date", "language")


def _row_ids(frame: pd.DataFrame) -> pd.Series:
    """Stable ids from row content (see the module docstring)."""
    cols = [str(c) for c in frame.columns]
    text = frame.astype("string").fillna("\x00")
    joined = pd.Series([""] * len(frame), index=frame.index, dtype=object)
    for c, name in zip(frame.columns, cols, strict=True):
        joined = joined + name + "\x1f" + text[c].astype(object) + "\x1e"
    digests = joined.map(lambda s: "h" + hashlib.sha1(s.encode("utf-8")).hexdigest()[:12])
    occurrence = digests.groupby(digests).cumcount()
    return digests.where(occurrence == 0, digests + "-" + (occurrence + 1).astype(str))


def _resolve(spec: str, base: Path) -> str:
    p = Path(spec).expanduser()
    if p.is_absolute():
        return str(p)
    return str(base / p) if (base / p).exists() or any(ch in spec for ch in "*?[") else str(p)


def _table_of(path: Path) -> str | None:
    stem = path.stem.lower()
    return stem if stem in SCHEMAS and stem != "responses" else None


def _suggest(name: str, columns: Sequence[str]) -> str:
    match = difflib.get_close_matches(name, [str(c) for c in columns], n=1, cutoff=0.6)
    return f" Did you mean '{match[0]}'?" if match else ""


def _check_named(
    what: str, names: Sequence[str], columns: Sequence[str], file: Path | None = None
) -> None:
    for name in names:
        if name not in columns:
            shown = ", ".join(f"'{c}'" for c in list(columns)[:30])
            more = f" and {len(columns) - 30} more" if len(columns) > 30 else ""
            raise ParameterError(
                f"{_where(file)}{what}: column '{name}' is not in the data."
                f"{_suggest(name, columns)} "
                f"Columns after renaming: {shown}{more}."
            )


def _where(file: Path | None) -> str:
    """``"params.yaml: "`` for a message about a key of the params file, when it is known."""
    return f"{file}: " if file is not None else ""


def prepare_dataset(params: Any, *, base: str | Path = ".") -> Dataset:
    """Read the data a run's parameters describe, derive fields and resolve the config.

    Parameters
    ----------
    params : RunParams
        Validated run parameters (:func:`cxm_lab.params.load_params`).
    base : str or Path
        Folder relative paths in the parameters are taken from (the params file's folder; the
        current directory is tried too).

    Returns
    -------
    Dataset
        With ``config`` holding drivers, dimensions, themes, currency and the report quarter.

    Raises
    ------
    SchemaError
        A file cannot be read, or no responses were found.
    ParameterError
        A column named in ``rename``, ``drivers``, ``dimensions`` or ``reverse_scored`` is not
        in the data, a ``reverse_scored`` column is no driver or has no known scale, or the
        report quarter is not among the data's quarters.

    Examples
    --------
    >>> from cxm_lab.params import RunParams
    >>> ds = prepare_dataset(RunParams(name="demo"))  # data_dir None: the embedded demo
    >>> ds.report_quarter, "responses" in ds.tables
    ('2026Q3', True)
    """
    base = Path(base)
    if params.data_dir is None:
        ds = load_dataset(None, seed=params.seed, mask_pii=params.mask_pii)
        return _finish(ds, params, base, layout=True)
    spec = _resolve(params.data_dir, base)
    folder = Path(spec)
    if folder.is_dir() and any(
        (folder / f"responses{s}").is_file() for s in (".csv", ".parquet", ".xlsx")
    ):
        ds = load_dataset(
            folder,
            rename={"responses": params.rename} if params.rename else None,
            mask_pii=params.mask_pii,
            drivers=list(params.driver_labels),
        )
        for name, path in params.tables.items():
            _add_table(ds, name, Path(_resolve(path, base)), params)
        return _finish(ds, params, base, layout=True)
    return _finish(_read_exports(spec, params, base), params, base, layout=False)


def _add_table(ds: Dataset, name: str, path: Path, params: Any) -> None:
    if name not in SCHEMAS or name == "responses":
        known = sorted(n for n in SCHEMAS if n != "responses")
        raise ParameterError(f"tables: unknown table '{name}'; known tables: {known}.")
    res = read_table(path, name, encoding=params.encoding, na_values=params.na_values)
    ds.reads = [r for r in ds.reads if r.table != name] + [res]
    ds.tables[name] = res.data


def _check_dates_mapped(path: Path, exp: Any, rename: dict[str, str]) -> None:
    """Stop with one line when ``rename`` maps a column that holds no value in any row to
    ``response_date`` (e.g. LimeSurvey's ``submitdate`` of an anonymised survey, whose
    1980-01-01 placeholder the importer reads as no date): otherwise every row would be
    rejected as "response_date is required but empty"."""
    for old, new in rename.items():
        if new != "response_date" or not len(exp.data) or exp.data[old].notna().any():
            continue
        why = [n for n in exp.notes if n.startswith(f"{old}:") or n.startswith(f"{old} ")]
        raise ParameterError(
            f"{path}: rename maps '{old}' to 'response_date', but '{old}' holds no date in any "
            f"of the {len(exp.data):,} rows"
            + (f" ({'; '.join(why)})" if why else "")
            + f"; remove '{old}' from rename (the report then runs without quarters) or map "
            "another date column."
        )


def _read_exports(spec: str, params: Any, base: Path) -> Dataset:
    from cxm_lab.importers import expand_paths, read_export

    paths = expand_paths(spec)  # spec is already resolved against the params folder
    tables = {p: _table_of(p) for p in paths}
    exports = [p for p, t in tables.items() if t is None and p.suffix.lower() in SUFFIXES]
    if not exports:
        raise SchemaError(
            f"data_dir {spec!r}: no survey export found (files: {[p.name for p in paths]}). "
            "Point data_dir at a CSV, TSV or spreadsheet export, a folder of them, or a glob."
        )
    extra = tuple(Column(d, "float") for d in params.driver_labels)
    schema = RESPONSES.with_columns(extra)
    frames, reads = [], []
    seen_columns: set[str] = set()
    first_seen: dict[str, tuple[str, int]] = {}
    for path in exports:
        exp = read_export(
            path,
            source=params.source,
            encoding=params.encoding,
            na_values=params.na_values,
            sheet=params.sheet,
            keep_incomplete=params.keep_incomplete,
        )
        frame = exp.data.copy()
        seen_columns.update(map(str, frame.columns))
        rename = {k: v for k, v in params.rename.items() if k in frame.columns}
        for role in ROLE_DEFAULTS:
            col = exp.roles.get(role)
            if (
                col in frame.columns
                and role not in params.rename.values()
                and role not in frame.columns
                and col not in rename
            ):
                rename[col] = role
        for old, new in rename.items():
            if new in frame.columns and new not in rename:
                raise ParameterError(
                    f"{path}: rename maps '{old}' to '{new}', but the export already has a "
                    f"column '{new}'; rename that one too (e.g. rename: {{{new}: {new}_export}})."
                )
        _check_dates_mapped(path, exp, rename)
        frame = frame.rename(columns=rename)
        for col in DERIVED:
            if col in frame.columns:
                raise ParameterError(
                    f"{path}: column '{col}' is derived by the report; rename the export's "
                    f"column (rename: {{{col}: {col}_export}})."
                )
        if "response_id" not in frame.columns:
            frame.insert(0, "response_id", _row_ids(exp.data).to_numpy())
        frame["source_file"] = path.name
        frame["source_row"] = exp.rows
        options = replace(
            exp.parse_options(timezone=params.timezone),
            date_format=params.date_format or exp.date_format,
            dayfirst=params.dayfirst if params.dayfirst is not None else exp.dayfirst,
        )
        # A reject names the export's column too where rename: (or a vendor role) renamed it.
        origin = {new: old for old, new in rename.items()}
        id_label = column_label("response_id", origin)
        used, rejects = schema.validate(
            frame, file=str(path), options=options, rows=exp.rows, origin=origin
        )
        # A response id seen in an earlier file: reported, never counted twice.
        if frames and len(used):
            ids = used["response_id"].astype(str)
            dup = ids.map(lambda i: i in first_seen).to_numpy(dtype=bool)
            if dup.any():
                rows = used.loc[dup, "source_row"].to_numpy()
                rejects = pd.concat(
                    [
                        rejects,
                        pd.DataFrame(
                            {
                                "file": str(path),
                                "row": rows,
                                "column": id_label,
                                "value": ids[dup].to_numpy(),
                                "reason": [
                                    f"duplicate {id_label} (first seen in "
                                    f"{first_seen[i][0]} row {first_seen[i][1]})"
                                    for i in ids[dup]
                                ],
                            }
                        ),
                    ],
                    ignore_index=True,
                )
                used = used.loc[~dup].reset_index(drop=True)
        for i, row in zip(used["response_id"].astype(str), used["source_row"], strict=True):
            first_seen.setdefault(i, (path.name, int(row)))
        if len(exp.rejects):
            rejects = pd.concat([exp.rejects, rejects], ignore_index=True)
        reads.append(
            ReadResult(
                data=used,
                rejects=rejects,
                n_read=exp.n_read,
                file=str(path),
                table="responses",
                source=exp.source,
                notes=tuple(exp.notes),
            )
        )
        frames.append(used)
    unknown = [k for k in params.rename if k not in seen_columns]
    if unknown:
        raise ParameterError(
            f"rename: column '{unknown[0]}' is not in any export.{_suggest(unknown[0], sorted(seen_columns))}"
            f" Files read: {[p.name for p in exports]}."
        )
    responses = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    responses = derive_fields(responses, mask_pii=params.mask_pii)
    ds = Dataset(
        tables={"responses": responses},
        reads=reads,
        data_dir=Path(spec),
        config={},
    )
    for p, table in tables.items():
        if table is not None and table not in params.tables:
            _add_table(ds, table, p, params)
    for name, path in params.tables.items():
        _add_table(ds, name, Path(_resolve(path, base)), params)
    ds.config["source"] = ", ".join(sorted({r.source for r in reads}))
    ds.config["notes"] = {Path(r.file).name: list(r.notes) for r in reads}
    ds.config["questions"] = {}
    return ds


def _finish(ds: Dataset, params: Any, base: Path, layout: bool) -> Dataset:
    """Resolve drivers, dimensions, themes, currency and the report quarter into ``config``."""
    r = ds.tables["responses"]
    config = default_config(ds.tables) if layout else {}
    config.update({k: v for k, v in ds.config.items() if k not in config or v})
    columns = list(r.columns)
    file = getattr(params, "file", None)
    if params.drivers:
        _check_named("drivers", list(params.driver_labels), columns, file)
        config["drivers"] = params.driver_labels
    elif not layout:
        config["drivers"] = {}
    if params.dimensions is not None:
        _check_named("dimensions", params.dimensions, columns, file)
        config["dimensions"] = list(params.dimensions)
    elif not layout:
        config["dimensions"] = [d for d in DEFAULT_DIMENSIONS if d in r]
    config["scales"] = _scales(params.scales, r)
    if params.reverse_scored:
        r = _reverse_scored(params.reverse_scored, config, r, file)
        ds.tables["responses"] = r
    config["themes"] = _themes(params.themes, base) if params.themes is not None else None
    config["currency"] = params.currency
    config["journey"] = _journey(params.journey, r)
    config["pool_survey_types"] = bool(params.pool_survey_types)
    config["owners"] = {str(k): str(v) for k, v in params.owners.items()}
    quarters = sorted(r["quarter"].dropna().astype(str).unique()) if "quarter" in r else []
    if params.report_quarter is not None:
        if params.report_quarter not in quarters:
            raise ParameterError(
                f"report_quarter {params.report_quarter} is not in the data; quarters present: "
                f"{quarters or 'none (the responses have no dates)'}. Leave report_quarter out "
                "to use the latest."
            )
        config["report_quarter"] = params.report_quarter
    else:
        config["report_quarter"], config["report_quarter_note"] = default_quarter(
            r, quarters, min_n=params.min_n
        )
    config["quarters"] = quarters
    config.setdefault("source", "cxm-lab tables")
    config.setdefault("notes", {})
    ds.config = config
    return ds


def _scales(scales: Mapping[str, Sequence[float]], r: pd.DataFrame) -> dict[str, list[float]]:
    """The declared rating scales (``scales:``), each checked against its column's answers."""
    _check_named("scales", list(scales), list(r.columns))
    out: dict[str, list[float]] = {}
    for col, (lo, hi) in scales.items():
        v = pd.to_numeric(r[col], errors="coerce")
        outside = v[(v < lo) | (v > hi)]
        if len(outside):
            first = outside.index[0]
            where = (
                f"{r.at[first, 'source_file']} row {r.at[first, 'source_row']}: "
                if {"source_file", "source_row"} <= set(r.columns)
                else ""
            )
            raise ParameterError(
                f"{where}column '{col}' holds {outside.iloc[0]:g}, but scales: declares it "
                f"{scale_text((lo, hi))} ({len(outside):,} answer(s) outside it, from "
                f"{v.min():g} to {v.max():g}); correct the scale, or leave the column out of "
                "scales: to read it from the answers."
            )
        out[str(col)] = [float(lo), float(hi)]
    return out


def _reverse_scored(
    columns: Sequence[str], config: dict[str, Any], r: pd.DataFrame, file: Path | None
) -> pd.DataFrame:
    """The responses with each ``reverse_scored:`` driver reverse-coded on its scale (the one
    place that does it, :func:`cxm_lab.scales.reverse_code`); ``config`` gets each reversed
    column's scale under ``scales`` and ``reverse_scored``, and its driver label says it is
    reversed (:func:`cxm_lab.scales.reversed_label`)."""
    drivers = dict(config.get("drivers") or {})
    _check_named("reverse_scored", list(columns), list(r.columns), file)
    r = r.copy()
    done: dict[str, list[float]] = {}
    for col in columns:
        if col not in drivers:
            raise ParameterError(
                f"{_where(file)}reverse_scored: column '{col}' is not one of the drivers "
                f"({', '.join(repr(d) for d in list(drivers)[:10]) or 'none'}); list it under "
                "drivers: too, or remove it from reverse_scored."
            )
        scale = config["scales"].get(col)
        if scale is None:
            v = pd.to_numeric(r[col], errors="coerce").dropna()
            whole = bool(len(v)) and bool((v == v.round()).all())
            fitted = fit_scale(float(v.min()), float(v.max())) if whole else None
            if fitted is None:
                seen = f"answers from {v.min():g} to {v.max():g}" if len(v) else "no answers"
                raise ParameterError(
                    f"{_where(file)}reverse_scored: column '{col}' has no known scale "
                    f"({seen}, no common rating scale holds them); declare it under scales: "
                    f"as [lowest, highest] possible answer, e.g. {col!r}: [1, 5]."
                )
            scale = [float(fitted[0]), float(fitted[1])]
            config["scales"][str(col)] = scale
        r[col] = reverse_code(r[col], (scale[0], scale[1]))
        drivers[col] = reversed_label(drivers[col], (scale[0], scale[1]))
        done[str(col)] = list(scale)
    config["drivers"] = drivers
    config["reverse_scored"] = done
    return r


def _journey(stages: Any, r: pd.DataFrame) -> list[dict[str, Any]] | None:
    """The declared journey as plain data, its touchpoints checked against the responses."""
    if not stages:
        return None
    if "touchpoint" not in r:
        raise ParameterError(
            "journey: the responses have no `touchpoint` column; rename the touchpoint column "
            "to `touchpoint` in the params file, or leave `journey:` out."
        )
    present = sorted(r["touchpoint"].dropna().astype(str).unique())
    unknown = [t for s in stages for t in s.touchpoints if t not in present]
    if unknown:
        raise ParameterError(
            f"journey: touchpoint(s) {unknown} not in the data; touchpoints present: {present}."
        )
    return [{"stage": s.stage, "touchpoints": list(s.touchpoints)} for s in stages]


def _themes(spec: str | Mapping[str, Any], base: Path) -> dict[str, list[str]]:
    from cxm_lab.text.topics import load_categories

    return load_categories(_resolve(spec, base) if isinstance(spec, str) else spec)
