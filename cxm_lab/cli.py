"""The ``cxm-lab`` command line.

Everything it prints that came from data or a file name (column names, cell values, reject
reasons, paths, error messages, a run's progress lines) goes through
:func:`cxm_lab.safe.terminal_text`: a control character (``ESC``, C1 ``CSI``, ``BEL``) or a
bidi override in a header or a file name is shown as ``\\x1b`` / ``\\u202e``, never acted
on by the terminal.

``cxm-lab init EXPORT``           inspect a survey export and write a commented params file
``cxm-lab run PARAMS``            run a report (notebooks → HTML + PDF), publish it atomically
``cxm-lab validate FILE``         read an export as a run would; reject counts per reason, rows
``cxm-lab validate --params P``   validate exactly what ``run P`` will read
``cxm-lab demo-data DIR``          write the synthetic demo company as CSV files
``cxm-lab build-model``            build the offline sentiment model (when the text module exists)
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cxm_lab.errors import CxmError, NotebookError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["error_line", "main"]


def _say(line: object, *, file: TextIO | None = None) -> None:
    """Print one line that may carry data (a header, a value, a file name), inert on a
    terminal (:func:`cxm_lab.safe.terminal_text`)."""
    from cxm_lab.safe import terminal_text

    print(terminal_text(line), file=file)


def _inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text cells and column names made inert for ``to_string`` (a value
    with a line feed stays in its cell, an escape sequence is shown, not run)."""
    from cxm_lab.safe import terminal_text

    out = frame.map(lambda v: terminal_text(v) if isinstance(v, str) else v)
    out.columns = [terminal_text(c) for c in frame.columns]
    return out


def _run(args: argparse.Namespace) -> int:
    from cxm_lab.pipeline import run_report

    result = run_report(args.params, renderer=args.renderer, output_root=args.output, log=_say)
    for fmt, path in result.outputs.items():
        _say(f"{fmt}: {path}")
    _say(f"manifest: {result.directory / 'manifest.json'}")
    return 0


def _parse_rename(items: list[str] | None) -> dict[str, str]:
    rename = {}
    for item in items or []:
        old, sep, new = item.partition("=")
        if not sep or not old or not new:
            raise ParameterError(
                f"--rename {item!r}: write it as OLD=NEW, e.g. --rename Q1_NPS=ltr"
            )
        rename[old] = new
    return rename


def _validate(args: argparse.Namespace) -> int:
    """Read a file (or what a params file describes) exactly as ``run`` would; print counts
    per reject reason first, then what reading each file involved (formula cells, merged
    cells, encoding, ...), then the rejected rows. The reject table is written before
    anything is printed, so a closed pipe (``| head``) cannot lose it: ``--rejects`` ending
    in ``.xlsx`` writes a workbook, ``.csv`` a CSV (both formula-safe, :mod:`cxm_lab.safe`);
    other names are refused before anything is read. A CSV keeps every value as read,
    control characters such as ESC included (the file is data, not terminal output); a
    workbook cannot hold them and drops them (:func:`cxm_lab.safe.write_xlsx`)."""
    import pandas as pd

    from cxm_lab.io import reject_reasons

    if args.rejects is not None and args.rejects.suffix.lower() not in (".csv", ".xlsx"):
        raise ParameterError(
            f"validate: --rejects {args.rejects} must end in .csv or .xlsx (the file type written)"
        )
    if args.params is not None:
        from cxm_lab.ingest import prepare_dataset
        from cxm_lab.params import load_params

        params = load_params(args.params)
        ds = prepare_dataset(params, base=args.params.parent)
        summary, rejects = ds.summary(), ds.rejects()
        label, reads = str(args.params), ds.reads
    elif args.file is None:
        raise ParameterError("validate: give an export FILE or --params PARAMS_FILE")
    elif args.table != "responses":
        from cxm_lab.io import read_table

        res = read_table(args.file, args.table, rename=_parse_rename(args.rename), sheet=args.sheet)
        summary = pd.DataFrame(
            [(res.table, args.file.name, res.n_read, res.n_used, res.n_rejected)],
            columns=["table", "file", "read", "used", "rejected"],
        )
        rejects, label, reads = res.rejects, str(args.file), [res]
    else:
        from cxm_lab.ingest import prepare_dataset
        from cxm_lab.params import RunParams

        params = RunParams(
            name="validate",
            data_dir=str(args.file.resolve()),
            rename=_parse_rename(args.rename),
            sheet=args.sheet,
            encoding=args.encoding,
            mask_pii=False,
        )
        ds = prepare_dataset(params)
        summary, rejects, label = ds.summary(), ds.rejects(), str(args.file)
        reads = ds.reads
    if args.rejects is not None and len(rejects):
        from cxm_lab.safe import write_csv, write_xlsx

        if args.rejects.suffix.lower() == ".xlsx":
            write_xlsx(rejects, args.rejects, sheet_name="Rejects")
        else:
            write_csv(rejects, args.rejects)
    n_read, n_used, n_rej = (int(summary[c].sum()) for c in ("read", "used", "rejected"))
    out = [f"{label}: read {n_read}, used {n_used}, rejected {n_rej}"]
    notes = [f"note: {Path(r.file).name}: {note}" for r in reads for note in r.notes]
    if args.table == "responses" or args.params is not None:
        columns = set(ds.tables["responses"].columns)
        for col, what in (
            ("ltr", "no NPS (rename the 0–10 recommend question to ltr)"),
            ("response_date", "no periods (rename the date column to response_date)"),
            ("comment", "no text analysis (rename the open question to comment)"),
        ):
            if col not in columns:
                notes.append(f"note: no '{col}' column: {what}")
    if len(summary) > 1:
        out.append(_inert_frame(summary).to_string(index=False))
    if len(rejects):
        out.append("rejected rows per reason:")
        out += [f"  {r.rows:>7,}  {r.reason}" for r in reject_reasons(rejects).itertuples()]
    out += notes
    if len(rejects):
        if args.rejects is not None:
            out.append(f"reject table written to {args.rejects}")
        shown = rejects.drop(columns="file") if rejects["file"].nunique() == 1 else rejects
        limit = args.max_rows
        with pd.option_context("display.width", 160, "display.max_colwidth", 60):
            out.append(_inert_frame(shown.head(limit)).to_string(index=False))
        if len(rejects) > limit:
            out.append(f"... {len(rejects) - limit:,} more (use --rejects FILE for all of them)")
    for block in out:  # the tables' cells are inert already; their rows stay rows
        for line in block.split("\n"):
            _say(line)
    return 1 if n_rej and args.strict else 0


def _init(args: argparse.Namespace) -> int:
    """Inspect an export and write a commented params file for it."""
    import os
    import re

    from cxm_lab.guess import guess_mapping, params_text
    from cxm_lab.importers import expand_paths, read_export
    from cxm_lab.io import SUFFIXES

    exports = [p for p in expand_paths(str(args.export)) if p.suffix.lower() in SUFFIXES]
    if not exports:
        raise ParameterError(f"init: no export file found at {args.export}")
    first = max(exports, key=lambda p: p.stat().st_size)  # the largest file shows the most answers
    exp = read_export(first, source=args.source, encoding=args.encoding)
    guess = guess_mapping(exp)
    stem = args.export.stem if args.export.is_file() else args.export.name
    name = args.name or re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_.-").lower()[:60] or "survey"
    if not re.match(r"^[A-Za-z0-9]", name):
        name = "survey_" + name
    out = args.output or Path("params") / f"{name}.yaml"
    if out.exists() and not args.force:
        raise ParameterError(
            f"init: {out} exists; use --force to overwrite it or -o to choose another file"
        )
    target = args.export if args.export.is_dir() or len(exports) > 1 else first
    data_dir = os.path.relpath(os.path.abspath(target), os.path.abspath(out.parent))
    text = params_text(
        exp, guess, name=name, data_dir=data_dir, title=f"Customer experience: {stem}"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    from cxm_lab.report import plural

    n_rejected = int(exp.rejects["row"].nunique())
    rejected = ""
    if n_rejected:
        why = Counter(str(r).split(" (")[0] for r in exp.rejects["reason"]).most_common(2)
        rejected = f" ({n_rejected:,} rejected: {'; '.join(w for w, _ in why)})"
    _say(
        f"{first}: {exp.source} export, {plural(exp.n_read, 'row')}{rejected}, "
        f"{plural(len(exp.data.columns), 'column')}"
    )
    for target_col in ("ltr", "response_date", "comment", "csat", "ces", "response_id", "language"):
        col = next((c for c, t in guess.rename.items() if t == target_col), None)
        if col is not None:
            _say(f"  {target_col:<14} <- {col}")
    for note in guess.notes:
        _say(f"  NOTE: {note}")
    for note in exp.notes:  # how the file was read (formula and merged cells, encoding, ...)
        if note not in guess.notes:
            _say(f"  read: {note}")
    for miss in guess.missing:
        _say(f"  note: {miss}")
    _say(f"  drivers: {len(guess.drivers)}, dimensions: {', '.join(guess.dimensions) or 'none'}")
    for col, words in guess.reverse_scored.items():
        _say(
            f"  reverse_scored: {guess.drivers.get(col, col)} (worded negatively: {words}; "
            "check it: a high answer must be bad)"
        )
    if guess.left_out:
        reasons = Counter(lo.reason.split(":")[0] for lo in guess.left_out)
        top = "; ".join(f"{why}: {n}" for why, n in reasons.most_common(3))
        _say(f"  left out: {len(guess.left_out)} columns ({top}; reasons in the params file)")
    _say(f"wrote {out}; check it, then run: cxm-lab run {out}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from cxm_lab.demo import write_demo

    for name, path in write_demo(
        args.directory, seed=args.seed, inject_errors=not args.clean
    ).items():
        _say(f"{name}: {path}")
    return 0


def _build_model(args: argparse.Namespace) -> int:
    try:
        from cxm_lab.text.build_model import main as build
    except ImportError:
        print("cxm-lab: this installation has no text module (cxm_lab.text)", file=sys.stderr)
        return 2
    argv = ["--force"] if args.force else []
    if args.out is not None:
        argv += ["--out", str(args.out)]
    return int(build(argv) or 0)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``cxm-lab`` command.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name; None reads ``sys.argv``.

    Returns
    -------
    int
        The exit status: 0 ok, 1 failed run or strict rejects (one line on stderr, see
        :func:`error_line`), 130 interrupted. A usage error exits 2 through argparse.

    Examples
    --------
    >>> main(["run", "missing.yaml"])        # doctest: +SKIP
    cxm-lab: error: parameter file not found: missing.yaml ...
    1
    """
    parser = argparse.ArgumentParser(
        prog="cxm-lab", description="CXM Lab: customer-experience reports"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="run a report from a YAML parameter file")
    p.add_argument("params", type=Path)
    p.add_argument("--renderer", choices=["auto", "quarto", "pandoc-typst"], default=None)
    p.add_argument(
        "--output", type=Path, default=None, help="output root (default: the file's output_dir)"
    )
    p.set_defaults(func=_run)
    p = sub.add_parser("init", help="inspect a survey export and write a params file for it")
    p.add_argument("export", type=Path, help="an export file, or a folder of exports of one kind")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="params file to write (default: params/NAME.yaml)",
    )
    p.add_argument("--name", default=None, help="report name (default: from the file name)")
    p.add_argument("--source", default="auto", help="survey tool (default: detected)")
    p.add_argument("--encoding", default=None, help="text encoding (default: detected)")
    p.add_argument("--force", action="store_true", help="overwrite an existing params file")
    p.set_defaults(func=_init)
    p = sub.add_parser("validate", help="check a data file against its schema")
    p.add_argument("file", type=Path, nargs="?", default=None)
    p.add_argument(
        "--params", type=Path, default=None, help="validate what this params file's run would read"
    )
    p.add_argument("--encoding", default=None, help="text encoding (default: detected)")
    p.add_argument("--max-rows", type=int, default=50, help="rejected rows to print (default 50)")
    p.add_argument(
        "--table", default="responses", help="schema name (responses, accounts, revenue, ...)"
    )
    p.add_argument(
        "--rename", nargs="*", metavar="OLD=NEW", help="rename export columns, e.g. Q1_NPS=ltr"
    )
    p.add_argument("--sheet", default=None, help="Excel sheet name")
    p.add_argument(
        "--rejects",
        type=Path,
        default=None,
        help="write the reject table to this .csv or .xlsx file",
    )
    p.add_argument("--strict", action="store_true", help="exit 1 when any row is rejected")
    p.set_defaults(func=_validate)
    p = sub.add_parser("demo-data", help="write the synthetic demo data as CSV files")
    p.add_argument("directory", type=Path)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--clean", action="store_true", help="without the deliberately bad rows")
    p.set_defaults(func=_demo)
    p = sub.add_parser("build-model", help="build the offline sentiment model into models/")
    p.add_argument("--out", type=Path, default=None, help="model directory (default: models/)")
    p.add_argument("--force", action="store_true", help="rebuild even when the model exists")
    p.set_defaults(func=_build_model)
    args = parser.parse_args(argv)
    _quiet()
    try:
        return args.func(args)
    except CxmError as exc:
        _say(f"cxm-lab: error: {error_line(exc)}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (``| head``): everything that had to be written was written.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("cxm-lab: interrupted", file=sys.stderr)
        return 130


def error_line(exc: CxmError) -> str:
    """The one line the command prints for an error.

    Messages are one line already (printed as they are), except a :class:`NotebookError`'s, which carries the failing
    cell's source: for it the line names the notebook, the cell (0-based index in the executed
    notebook), the error and where the executed notebook was kept; the cell source and
    traceback stay in that notebook and on the exception.

    Parameters
    ----------
    exc : CxmError
        The error a command raised.

    Returns
    -------
    str
        One line, without the ``cxm-lab: error:`` prefix.

    Examples
    --------
    >>> error_line(ParameterError("params.yaml: name is missing; add name: demo."))
    'params.yaml: name is missing; add name: demo.'
    >>> error_line(NotebookError("...", notebook="nb/01.ipynb", cell_index=4, ename="KeyError",
    ...                          evalue="'ltr'", staging_path="reports/.failed/demo/01.ipynb"))
    "notebook 01.ipynb failed in cell 4: KeyError: 'ltr' (executed notebook kept at reports/.failed/demo/01.ipynb)"
    """
    if isinstance(exc, NotebookError) and exc.ename:
        name = Path(exc.notebook).name if exc.notebook else "a notebook"
        where = f" (executed notebook kept at {exc.staging_path})" if exc.staging_path else ""
        evalue = " ".join((exc.evalue or "").split())
        return f"notebook {name} failed in cell {exc.cell_index}: {exc.ename}: {evalue}{where}"
    return str(exc)


def _quiet() -> None:
    """Keep scheduled runs' logs to what needs attention: library chatter (Jupyter's
    deprecation and platform notices) is silenced; our own errors are not."""
    import logging
    import warnings

    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    logging.getLogger("papermill").setLevel(logging.WARNING)
    logging.getLogger("traitlets").setLevel(logging.ERROR)


if __name__ == "__main__":
    sys.exit(main())
