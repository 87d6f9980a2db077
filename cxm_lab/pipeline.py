"""The report run: parameters → inputs → executed notebooks → HTML + PDF → manifest → publish.

Everything is built in a staging directory beside the target (``reports/.staging-<name>-<ts>``)
and published by renaming it into place, so a reader never sees half a report and a failing run
never replaces the last good one (the failed staging directory is kept for inspection).

Examples
--------
>>> from cxm_lab.pipeline import run_report            # doctest: +SKIP
>>> result = run_report("params/demo.yaml")            # doctest: +SKIP
>>> result.outputs["html"]                              # doctest: +SKIP
PosixPath('reports/demo/report.html')
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import json
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cxm_lab.errors import NotebookError, ParameterError
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


def execute_notebook(src: Path, dst: Path, parameters: dict, cwd: Path, timeout: int) -> None:
    """Execute one notebook with papermill; raise :class:`NotebookError` with the failing cell."""
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
        )
    except pm.PapermillExecutionError as exc:
        source, error = _failing_cell(dst) if dst.exists() else ("", "")
        raise NotebookError(
            f"notebook {src.name} failed in cell {exc.exec_count}:\n--- cell source ---\n{source or exc.source}\n"
            f"--- error ---\n{error or exc.ename + ': ' + exc.evalue}",
            notebook=str(src),
            cell=source or exc.source,
        ) from None


def run_report(
    params_path: str | Path,
    *,
    renderer: str | None = None,
    output_root: str | Path | None = None,
    log: Callable[[str], None] = print,
) -> RunResult:
    """Run a whole report from a parameter file and publish it atomically.

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

    Raises
    ------
    ParameterError
        Invalid parameters.
    NotebookError
        A notebook failed; the published report is left untouched.
    """
    from cxm_lab.io import load_dataset
    from cxm_lab.render import build_source, render

    t_start = time.perf_counter()
    params_path = Path(params_path)
    params: RunParams = load_params(params_path, renderer=renderer)
    out_root = Path(output_root or params.output_dir)
    if not out_root.is_absolute():
        out_root = (Path.cwd() / out_root).resolve()
    out_root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    stage = out_root / f".staging-{params.name}-{stamp}"
    stage.mkdir()
    timings: dict[str, float] = {}

    # Inputs: the demo is written as files, so user data and demo take the same path.
    t0 = time.perf_counter()
    if params.data_dir is None:
        from cxm_lab.demo import write_demo

        data_dir = stage / "data"
        write_demo(data_dir, seed=params.seed, inject_errors=True)
        data_note = "embedded synthetic demo (cxm_lab.demo)"
    else:
        data_dir = Path(params.data_dir)
        if not data_dir.is_absolute():
            data_dir = (
                (params_path.parent / data_dir).resolve()
                if (params_path.parent / data_dir).exists()
                else data_dir.resolve()
            )
        data_note = str(data_dir)
    dataset = load_dataset(data_dir)
    counts = dataset.summary().to_dict("records")
    timings["inputs"] = round(time.perf_counter() - t0, 3)
    log(
        f"[cxm-lab] inputs read from {data_note}: "
        + ", ".join(f"{c['table']} {c['used']}/{c['read']}" for c in counts)
    )

    executed: list[Path] = []
    nb_dir = stage / "notebooks"
    nb_dir.mkdir()
    for i, spec in enumerate(params.notebooks, 1):
        src = _resolve_notebook(spec.path)
        dst = nb_dir / src.name
        parameters = {
            **params.parameters,
            **spec.parameters,
            "data_dir": str(data_dir),
            "report_quarter": params.report_quarter,
            "mask_pii": params.mask_pii,
            "min_n": params.min_n,
        }
        t0 = time.perf_counter()
        log(f"[cxm-lab] ({i}/{len(params.notebooks)}) executing {src.name} ...")
        execute_notebook(src, dst, parameters, cwd=src.parent, timeout=params.timeout_per_cell)
        timings[f"notebook:{src.name}"] = round(time.perf_counter() - t0, 3)
        log(
            f"[cxm-lab] ({i}/{len(params.notebooks)}) {src.name} done in {timings[f'notebook:{src.name}']:.1f} s"
        )
        executed.append(dst)

    t0 = time.perf_counter()
    source = build_source(
        executed,
        stage,
        title=params.title,
        subtitle=f"Quarter {params.report_quarter}",
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
    manifest = {
        "run": params.name,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "params_file": str(params_path),
        "params": params.model_dump(mode="json"),
        "data_dir": data_note,
        "data_files": {
            p.name: {"sha256": sha256(p), "bytes": p.stat().st_size}
            for p in sorted(data_dir.glob("*"))
            if p.is_file()
        },
        "rows": counts,
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
        json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    publish(stage, final)
    log(f"[cxm-lab] published {final} in {timings['total']:.1f} s")
    return RunResult(directory=final, outputs=outputs, manifest=manifest, timings=timings)


def publish(stage: Path, final: Path) -> None:
    """Swap ``stage`` into ``final`` with renames: the old report is moved aside, the new one
    renamed in, then the old one deleted. Each rename is atomic on one file system; if the second
    fails the old report is moved back."""
    old = final.with_name(f".old-{final.name}-{os.getpid()}")
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
