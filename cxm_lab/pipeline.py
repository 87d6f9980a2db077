"""The report run: parameters → inputs → executed notebooks → HTML + PDF → manifest → publish.

Everything is built in a staging directory beside the target (``reports/.staging-<name>-<ts>``)
and published by renaming it into place, so a reader never sees half a report and a failing run
never replaces the last good one. The staging directory is removed on every exit path, and
stale ones are swept at the start; a failed notebook is kept in ``reports/.failed/<name>/`` for
inspection. A lock (``reports/.lock-<name>``) lets only one run of a report publish at a time.

Examples
--------
>>> from cxm_lab.pipeline import run_report            # doctest: +SKIP
>>> result = run_report("params/demo.yaml")            # doctest: +SKIP
>>> result.outputs["html"]                              # doctest: +SKIP
PosixPath('reports/demo/report.html')
"""

from __future__ import annotations

import difflib
import errno
import functools
import hashlib
import importlib.metadata as md
import json
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cxm_lab.errors import NotebookError, ParameterError, RunError
from cxm_lab.params import RunParams, load_params

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
PACKAGES = (
    "cxm-lab",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "pingouin",
    "seaborn",
    "matplotlib",
    "transformers",
    "torch",
    "papermill",
    "pypandoc-binary",
    "typst",
    "nbformat",
)


@dataclass
class RunResult:
    """A published run: its directory, outputs, manifest and timings."""

    directory: Path
    outputs: dict[str, Path]
    manifest: dict
    timings: dict[str, float] = field(default_factory=dict)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for p in PACKAGES:
        try:
            out[p] = md.version(p)
        except md.PackageNotFoundError:
            out[p] = None
    try:
        import pypandoc

        out["pandoc"] = pypandoc.get_pandoc_version()
    except (ImportError, OSError):
        out["pandoc"] = None
    quarto = shutil.which("quarto")
    if quarto:
        import subprocess

        out["quarto"] = subprocess.run(
            [quarto, "--version"], capture_output=True, text=True
        ).stdout.strip()
    return out


#: The notebooks of a report when the params name none, in order; each declares what it
#: needs in its metadata and is skipped (with the reason) when the data cannot support it.
DEFAULT_NOTEBOOKS = (
    "00_summary.ipynb",
    "01_metrics.ipynb",
    "02_text.ipynb",
    "03_drivers.ipynb",
    "04_revenue.ipynb",
    "05_close_the_loop.ipynb",
)
#: Parameters every report notebook receives from the run.
RUN_PARAMETERS = ("data_dir", "report_quarter", "mask_pii", "min_n")


def _resolve_notebook(path: str) -> Path:
    p = Path(path)
    candidates = [p] if p.is_absolute() else [NOTEBOOK_DIR / p, ROOT / p, Path.cwd() / p]
    for c in candidates:
        if c.is_file():
            return c.resolve()
    raise ParameterError(f"notebook '{path}' not found (looked in {[str(c) for c in candidates]})")


def _failing_cell(nb_path: Path) -> tuple[str, str]:
    """Source and error text of the first failed cell of an executed notebook."""
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return cell.source, f"{out.get('ename')}: {out.get('evalue')}"
    return "", ""


def notebook_meta(path: Path) -> dict:
    """The ``cxm`` metadata of a notebook: its ``title`` and what it ``needs``."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return dict(nb.metadata.get("cxm", {}))


@functools.lru_cache(maxsize=64)
def _declared(path: Path, mtime_ns: int) -> frozenset[str]:
    import papermill as pm

    return frozenset(pm.inspect_notebook(str(path)))


def notebook_parameters(path: Path) -> set[str]:
    """Names of the parameters a notebook declares (its cell tagged ``parameters``); read once
    per notebook version."""
    return set(_declared(path, path.stat().st_mtime_ns))


def _check_parameters(specs: list[tuple[Path, dict]], global_params: dict) -> None:
    """Every parameter the params file sets must be declared by a notebook that gets it."""
    declared_by_all: set[str] = set()
    for src, own in specs:
        names = notebook_parameters(src)
        declared_by_all |= names
        for key in own:
            if key not in names:
                close = difflib.get_close_matches(key, sorted(names), n=1)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                raise ParameterError(
                    f"notebook {src.name} has no parameter '{key}'.{hint} "
                    f"Its parameters: {sorted(names - set(RUN_PARAMETERS))}."
                )
    for key in global_params:
        if key not in declared_by_all:
            close = difflib.get_close_matches(key, sorted(declared_by_all), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ParameterError(
                f"parameters: no notebook of this run has a parameter '{key}'.{hint}"
            )


def _kernel_manager_class() -> type:
    """A kernel manager on local IPC sockets instead of TCP: nothing listens on the network,
    and the kernel does not log its "running over TCP without encryption" warning into every
    scheduled run's log."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            super().__init__(**kwargs)

    return IPCKernelManager


def execute_notebook(src: Path, dst: Path, parameters: dict, cwd: Path, timeout: int) -> None:
    """Execute one notebook with papermill; raise :class:`NotebookError` with the failing cell.

    The error keeps papermill's exception as its cause (cell number, source, traceback).
    """
    import papermill as pm

    try:
        pm.execute_notebook(
            str(src),
            str(dst),
            parameters=parameters,
            kernel_name="python3",
            cwd=str(cwd),
            progress_bar=False,
            execution_timeout=timeout,
            log_output=False,
            kernel_manager_class=_kernel_manager_class(),
        )
    except pm.PapermillExecutionError as exc:
        source, error = _failing_cell(dst) if dst.exists() else ("", "")
        raise NotebookError(
            f"notebook {src.name} failed in cell {exc.exec_count}:\n--- cell source ---\n{source or exc.source}\n"
            f"--- error ---\n{error or exc.ename + ': ' + exc.evalue}",
            notebook=str(src),
            cell=source or exc.source,
        ) from exc


def section_records(nb_path: Path) -> list[dict]:
    """The section decisions (:mod:`cxm_lab.sections`) written into an executed notebook."""
    import nbformat

    from cxm_lab.sections import SECTION_MIME

    nb = nbformat.read(nb_path, as_version=4)
    return [
        dict(out["data"][SECTION_MIME])
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") in ("display_data", "execute_result")
        and SECTION_MIME in out.get("data", {})
    ]


@contextmanager
def _run_lock(out_root: Path, name: str, wait_s: float, log: Callable[[str], None]):
    """One run of a report at a time: a second run of the same report waits for the first
    (up to ``wait_s`` seconds), then says so and stops."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(out_root / f".lock-{name}"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log(f"[cxm-lab] another run of '{name}' is in progress; waiting up to {wait_s:.0f} s ...")
        try:
            lock.acquire(timeout=wait_s)
        except Timeout:
            raise RunError(
                f"another run of report '{name}' is still in progress (lock {lock.lock_file}); "
                "try again when it has finished."
            ) from None
    try:
        yield
    finally:
        lock.release()


def _sweep(out_root: Path, name: str) -> list[Path]:
    """Remove what earlier runs of ``name`` left behind (staging and moved-aside folders).
    Safe because the caller holds the report's lock."""
    gone = []
    for pattern in (f".staging-{name}-*", f".old-{name}-*"):
        for p in out_root.glob(pattern):
            shutil.rmtree(p, ignore_errors=True)
            gone.append(p)
    return gone


def _os_error(exc: OSError, where: Path) -> RunError:
    reason = exc.strerror or str(exc)
    hint = {
        errno.ENOSPC: "free some space or set output_dir to another disk",
        errno.EDQUOT: "free some space or set output_dir to another disk",
        errno.EROFS: "the file system is read-only; set output_dir to a writable folder",
        errno.EACCES: "no permission to write there; set output_dir to a writable folder",
        errno.EPERM: "no permission to write there; set output_dir to a writable folder",
    }.get(exc.errno or 0, "check the folder and try again")
    target = exc.filename or where
    return RunError(
        f"cannot write the report under {target}: {reason}; {hint}. "
        "The last published report is untouched."
    )


def run_report(
    params_path: str | Path,
    *,
    renderer: str | None = None,
    output_root: str | Path | None = None,
    log: Callable[[str], None] = print,
    lock_wait_s: float = 600.0,
) -> RunResult:
    """Run a whole report from a parameter file and publish it atomically.

    The data is read once (:func:`cxm_lab.ingest.prepare_dataset`) into the staging folder;
    each notebook gets that folder as ``data_dir``. Notebooks the data cannot support are
    skipped with the reason, and the manifest lists every notebook and section run or skipped.

    Parameters
    ----------
    params_path : path
        YAML run parameters (see :mod:`cxm_lab.params`).
    renderer : str, optional
        Override the file's renderer (auto, quarto, pandoc-typst).
    output_root : path, optional
        Override the file's ``output_dir``.
    log : callable
        Receives one progress line per stage.
    lock_wait_s : float
        How long a second run of the same report waits for the first.

    Raises
    ------
    ParameterError
        Invalid parameters (unknown notebook parameter, missing notebook, ...).
    SchemaError
        The data cannot be read.
    NotebookError
        A notebook failed; the published report is left untouched.
    RunError
        The output cannot be written (disk full, read-only), or another run holds the lock.
    """
    params_path = Path(params_path)
    params: RunParams = load_params(params_path, renderer=renderer)
    out_root = Path(output_root or params.output_dir)
    if not out_root.is_absolute():
        out_root = (Path.cwd() / out_root).resolve()
    try:
        out_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(exc, out_root) from None
    with _run_lock(out_root, params.name, lock_wait_s, log):
        _sweep(out_root, params.name)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        stage = out_root / f".staging-{params.name}-{stamp}"
        try:
            stage.mkdir()
            return _run_in_stage(params, params_path, stage, out_root, log)
        except OSError as exc:
            raise _os_error(exc, out_root) from None
        finally:
            shutil.rmtree(stage, ignore_errors=True)


def _run_in_stage(
    params: RunParams, params_path: Path, stage: Path, out_root: Path, log: Callable[[str], None]
) -> RunResult:
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.render import build_source, render
    from cxm_lab.sections import Needs, missing, record, skipped_markdown

    t_start = time.perf_counter()
    timings: dict[str, float] = {}

    # Inputs: read once, saved into the stage; the demo is written as files first, so user
    # data and demo take the same path.
    t0 = time.perf_counter()
    if params.data_dir is None:
        from cxm_lab.demo import write_demo

        data_dir = stage / "data"
        write_demo(data_dir, seed=params.seed, inject_errors=True)
        data_note = "embedded synthetic demo (cxm_lab.demo)"
        run_params = params.model_copy(update={"data_dir": str(data_dir)})
    else:
        data_note = params.data_dir
        run_params = params
    dataset = prepare_dataset(run_params, base=params_path.parent)
    prepared = dataset.save(stage / "prepared")
    counts = dataset.summary().to_dict("records")
    timings["inputs"] = round(time.perf_counter() - t0, 3)
    log(
        f"[cxm-lab] inputs read from {data_note}: "
        + ", ".join(f"{c['table']} {c['used']}/{c['read']}" for c in counts)
    )

    # Which notebooks run: the params' list, or every default one the data supports.
    names = [spec.path for spec in params.notebooks] if params.notebooks else DEFAULT_NOTEBOOKS
    own = {spec.path: spec.parameters for spec in params.notebooks or []}
    plan: list[tuple[Path, dict, list[str], str]] = []
    for name in names:
        src = _resolve_notebook(name)
        meta = notebook_meta(src)
        reasons = missing(dataset, Needs.from_mapping(meta.get("needs", {})))
        plan.append((src, own.get(name, {}), reasons, meta.get("title", src.stem)))
    _check_parameters([(src, o) for src, o, _, _ in plan], params.parameters)
    runnable = [p for p in plan if not p[2]]
    if not runnable:
        raise RunError(
            "the data supports none of the report's notebooks: "
            + "; ".join(f"{title} needs {'; '.join(r)}" for _, _, r, title in plan)
        )

    nb_dir = stage / "notebooks"
    nb_dir.mkdir()
    parts: list[Path | str] = []
    notebooks_run: list[dict] = []
    sections: list[dict] = []
    for i, (src, own_params, reasons, title) in enumerate(plan, 1):
        if reasons:
            log(f"[cxm-lab] ({i}/{len(plan)}) {src.name} skipped: needs {'; '.join(reasons)}")
            parts.append(f"## {title}\n\n{skipped_markdown('This section', reasons)}")
            notebooks_run.append({"notebook": src.name, **record(src.name, title, reasons)})
            continue
        dst = nb_dir / src.name
        declared = notebook_parameters(src)
        parameters = {
            **{k: v for k, v in params.parameters.items() if k in declared},
            **own_params,
            "data_dir": str(prepared),
            "report_quarter": dataset.report_quarter,
            "mask_pii": params.mask_pii,
            "min_n": params.min_n,
        }
        t0 = time.perf_counter()
        log(f"[cxm-lab] ({i}/{len(plan)}) executing {src.name} ...")
        try:
            execute_notebook(src, dst, parameters, cwd=src.parent, timeout=params.timeout_per_cell)
        except NotebookError as exc:
            kept = _keep_failed(dst, out_root, params.name)
            if kept is not None:
                exc.args = (f"{exc.args[0]}\n(executed notebook kept at {kept})",)
            raise
        timings[f"notebook:{src.name}"] = round(time.perf_counter() - t0, 3)
        log(
            f"[cxm-lab] ({i}/{len(plan)}) {src.name} done in {timings[f'notebook:{src.name}']:.1f} s"
        )
        parts.append(dst)
        notebooks_run.append({"notebook": src.name, **record(src.name, title, [])})
        sections.extend(section_records(dst))

    t0 = time.perf_counter()
    quarter = dataset.report_quarter
    source = build_source(
        parts,
        stage,
        title=params.title,
        subtitle=f"Quarter {quarter}" if quarter else "",
        date=datetime.now(UTC).strftime("%Y-%m-%d"),
    )
    timings["combine"] = round(time.perf_counter() - t0, 3)
    result = render(source, list(params.formats), renderer=params.renderer, basename="report")
    for fmt, secs in result.timings.items():
        timings[f"render:{fmt}"] = secs
        log(f"[cxm-lab] rendered {fmt} with {result.route} in {secs:.1f} s")

    final = out_root / params.name
    outputs = {fmt: final / p.name for fmt, p in result.outputs.items()}
    timings["total"] = round(time.perf_counter() - t_start, 3)
    files = [Path(r.file) for r in dataset.reads] if dataset.reads else []
    manifest = {
        "run": params.name,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "params_file": str(params_path),
        "params": params.model_dump(mode="json"),
        "data_dir": data_note,
        "data_files": {
            p.name: {"sha256": sha256(p), "bytes": p.stat().st_size}
            for p in sorted(set(files), key=lambda p: p.name)
            if p.is_file()
        },
        "source": dataset.config.get("source"),
        "read_notes": dataset.config.get("notes", {}),
        "rows": counts,
        "reject_reasons": dataset.reject_reasons().to_dict("records"),
        "report_quarter": quarter,
        "notebooks": notebooks_run,
        "sections": sections,
        "renderer": {"route": result.route, "reason": result.reason},
        "versions": _versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "timings_s": timings,
        "outputs": {
            fmt: {"file": p.name, "bytes": p.stat().st_size, "sha256": sha256(p)}
            for fmt, p in result.outputs.items()
        },
    }
    (stage / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    publish(stage, final)
    log(f"[cxm-lab] published {final} in {timings['total']:.1f} s")
    return RunResult(directory=final, outputs=outputs, manifest=manifest, timings=timings)


def _keep_failed(executed: Path, out_root: Path, name: str) -> Path | None:
    """Keep the failed notebook (with its error output) for inspection: one per report,
    replaced by the next failure, outside the published folder."""
    if not executed.exists():
        return None
    keep = out_root / ".failed" / name
    try:
        shutil.rmtree(keep, ignore_errors=True)
        keep.mkdir(parents=True)
        return Path(shutil.copy2(executed, keep / executed.name))
    except OSError:
        return None


def publish(stage: Path, final: Path) -> None:
    """Swap ``stage`` into ``final`` with renames: the old report is moved aside, the new one
    renamed in, then the old one deleted. Each rename is atomic on one file system; if the second
    fails the old report is moved back. Callers hold the report's lock (:func:`run_report`)."""
    old = final.with_name(f".old-{final.name}-{os.getpid()}-{time.time_ns()}")
    had_old = final.exists()
    if had_old:
        os.replace(final, old)
    try:
        os.replace(stage, final)
    except OSError:
        if had_old:
            os.replace(old, final)
        raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True)
