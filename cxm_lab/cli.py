"""The ``cxm-lab`` command line.

``cxm-lab run PARAMS``            run a report (notebooks → HTML + PDF), publish it atomically
``cxm-lab validate FILE --table T`` read a user's export through its schema; print the rejects
``cxm-lab demo-data DIR``          write the synthetic demo company as CSV files
``cxm-lab build-model``            build the offline sentiment model (when the text module exists)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cxm_lab.errors import CxmError, ParameterError


def _run(args: argparse.Namespace) -> int:
    from cxm_lab.pipeline import run_report

    result = run_report(args.params, renderer=args.renderer, output_root=args.output)
    for fmt, path in result.outputs.items():
        print(f"{fmt}: {path}")
    print(f"manifest: {result.directory / 'manifest.json'}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    import pandas as pd

    from cxm_lab.io import read_table

    rename = {}
    for item in args.rename or []:
        old, sep, new = item.partition("=")
        if not sep or not old or not new:
            raise ParameterError(
                f"--rename {item!r}: write it as OLD=NEW, e.g. --rename Q1_NPS=ltr"
            )
        rename[old] = new
    res = read_table(args.file, args.table, rename=rename, sheet=args.sheet)
    print(f"{args.file}: read {res.n_read}, used {res.n_used}, rejected {res.n_rejected}")
    if res.n_rejected:
        with pd.option_context(
            "display.max_rows", 200, "display.width", 160, "display.max_colwidth", 60
        ):
            print(res.rejects.drop(columns="file").to_string(index=False))
        if args.rejects:
            res.rejects.to_csv(args.rejects, index=False)
            print(f"reject table written to {args.rejects}")
    return 1 if res.n_rejected and args.strict else 0


def _demo(args: argparse.Namespace) -> int:
    from cxm_lab.demo import write_demo

    for name, path in write_demo(
        args.directory, seed=args.seed, inject_errors=not args.clean
    ).items():
        print(f"{name}: {path}")
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
    """Entry point; returns the exit status (0 ok, 1 failed run or strict rejects, 2 usage)."""
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
    p = sub.add_parser("validate", help="check a data file against its schema")
    p.add_argument("file", type=Path)
    p.add_argument(
        "--table", default="responses", help="schema name (responses, accounts, revenue, ...)"
    )
    p.add_argument(
        "--rename", nargs="*", metavar="OLD=NEW", help="rename export columns, e.g. Q1_NPS=ltr"
    )
    p.add_argument("--sheet", default=None, help="Excel sheet name")
    p.add_argument("--rejects", type=Path, default=None, help="write the reject table to this CSV")
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
    try:
        return args.func(args)
    except CxmError as exc:
        print(f"cxm-lab: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
