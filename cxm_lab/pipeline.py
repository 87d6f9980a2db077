"""The report run: parameters → inputs → executed notebooks → HTML + PDF → manifest → publish.

:func:`run_report` runs named steps in order, the way papermill's ``execute_notebook`` does
(parameterize → execute → raise for errors), each a function with one input and one output:

1. :func:`prepare_inputs`: read the data once, choose the notebooks, check their parameters
   (→ :class:`RunInputs`);
2. :func:`execute_notebooks`: run each notebook with papermill (→ :class:`ExecutedNotebooks`);
   a failure raises :class:`~cxm_lab.errors.NotebookError` with the failing cell;
3. :func:`render_report`: combine and render HTML + PDF (→ :class:`~cxm_lab.render.RenderResult`);
4. :func:`build_manifest`: what the report was built from, hashed (→ ``manifest.json``);
5. :func:`publish`: swap the staging folder into place.

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
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cxm_lab.config import NOTEBOOK_DIR, ROOT
from cxm_lab.errors import NotebookError, ParameterError, RunError
from cxm_lab.params import RunParams, load_params

if TYPE_CHECKING:
    from cxm_lab.io import Dataset
    from cxm_lab.render import RenderResult

__all__ = [
    "DEFAULT_NOTEBOOKS",
    "PACKAGES",
    "RUN_PARAMETERS",
    "ExecutedNotebooks",
    "PlannedNotebook",
    "RunInputs",
    "RunResult",
    "build_manifest",
    "execute_notebook",
    "execute_notebooks",
    "notebook_meta",
    "notebook_parameters",
    "prepare_inputs",
    "publish",
    "render_report",
    "run_parameters",
    "run_report",
    "section_records",
    "sha256",
    "warm_text_caches",
]

#: Packages whose versions the manifest records.
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
    """The SHA-256 of a file's bytes, as hex, read in 1 MiB chunks.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "x.txt"
    ...     _ = p.write_bytes(b"abc")
    ...     sha256(p)[:16]
    'ba7816bf8f01cfea'
    """
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
    "07_journey.ipynb",
    "08_pyramid.ipynb",
    "02_text.ipynb",
    "03_drivers.ipynb",
    "04_revenue.ipynb",
    "05_close_the_loop.ipynb",
)
#: Parameters every report notebook receives from the run (and declares in its cell tagged
#: ``parameters``; ``tests/test_notebooks.py`` checks it).
RUN_PARAMETERS = ("data_dir", "report_quarter", "min_n", "mask_pii")


def _resolve_notebook(path: str) -> Path:
    p = Path(path)
    candidates = [p] if p.is_absolute() else [NOTEBOOK_DIR / p, ROOT / p, Path.cwd() / p]
    for c in candidates:
        if c.is_file():
            return c.resolve()
    raise ParameterError(f"notebook '{path}' not found (looked in {[str(c) for c in candidates]})")


def notebook_meta(path: Path) -> dict:
    """The ``cxm`` metadata of a notebook: its ``title`` and what it ``needs``.

    Parameters
    ----------
    path : Path
        A notebook file.

    Returns
    -------
    dict
        ``{"title": ..., "needs": {...}}``; empty when the notebook has no ``cxm`` metadata.

    Examples
    --------
    >>> notebook_meta(NOTEBOOK_DIR / "00_summary.ipynb")["title"]
    'Executive summary'
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return dict(nb.metadata.get("cxm", {}))


@functools.lru_cache(maxsize=64)
def _declared(path: Path, mtime_ns: int) -> frozenset[str]:
    import papermill as pm

    return frozenset(pm.inspect_notebook(str(path)))


def notebook_parameters(path: Path) -> set[str]:
    """Names of the parameters a notebook declares (its cell tagged ``parameters``).

    Read once per notebook version (cached on the file's modification time).

    Parameters
    ----------
    path : Path
        A notebook file.

    Returns
    -------
    set of str

    Examples
    --------
    >>> set(RUN_PARAMETERS) <= notebook_parameters(NOTEBOOK_DIR / "00_summary.ipynb")
    True
    """
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


def _kernel_manager_class(socket_dir: Path) -> type:
    """A kernel manager on local IPC sockets instead of TCP: nothing listens on the network,
    and the kernel does not log its "running over TCP without encryption" warning into every
    scheduled run's log. The socket files go to ``socket_dir`` (a short temporary folder: a
    socket path may not exceed 107 bytes), never into the notebooks' folder, where a kernel
    that was killed would leave them.

    Shutting down does not interrupt the kernel. jupyter_client's ``shutdown_kernel`` sends
    SIGINT before its shutdown request; when the signal lands while ipykernel is handling a
    message, ipykernel logs ``[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.`` on the
    terminal of a run that succeeded (a race: some runs, not others). The notebook has finished
    by then, so there is nothing to interrupt; the shutdown request on the control channel stops
    the kernel, and jupyter_client still kills one that does not stop in time. Interrupts at
    other times (nbclient's on a cell timeout) are sent as before."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(socket_dir / "kernel"))
            super().__init__(**kwargs)

        async def _async_interrupt_kernel(self) -> None:
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

        interrupt_kernel = _async_interrupt_kernel

    return IPCKernelManager


def execute_notebook(
    src: Path, dst: Path, *, parameters: dict, cwd: Path, timeout: int | None
) -> None:
    """Execute one notebook with papermill, writing the executed copy to ``dst``.

    Parameters
    ----------
    src : Path
        The notebook to run.
    dst : Path
        Where the executed notebook (with outputs, and the error output on failure) goes.
    parameters : dict
        Injected after the cell tagged ``parameters``.
    cwd : Path
        Working directory of the kernel.
    timeout : int or None
        Seconds a cell may run; None: no limit.

    Returns
    -------
    None
        The executed notebook is at ``dst``.

    Raises
    ------
    NotebookError
        A cell raised. The error carries everything papermill's ``PapermillExecutionError``
        does (``cell_index``: 0-based, in the executed notebook, where papermill's
        injected-parameters cell counts and its red error banners do not; ``source``,
        ``ename``, ``evalue``, ``traceback``), the ``notebook`` run and ``staging_path``
        (``dst``); papermill's error is its ``__cause__``.

    Examples
    --------
    >>> execute_notebook(src, dst, parameters={"min_n": 5}, cwd=src.parent,
    ...                  timeout=600)                                  # doctest: +SKIP
    """
    import papermill as pm

    sockets = Path(tempfile.mkdtemp(prefix="cxm-kernel-"))
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
            kernel_manager_class=_kernel_manager_class(sockets),
        )
    except pm.PapermillExecutionError as exc:
        error = f"{exc.ename}: {exc.evalue}"
        raise NotebookError(
            f"notebook {src.name} failed in cell {exc.exec_count}:\n--- cell source ---\n"
            f"{exc.source}\n--- error ---\n{error}",
            notebook=str(src),
            cell_index=exc.cell_index,
            source=exc.source,
            ename=exc.ename,
            evalue=exc.evalue,
            traceback=exc.traceback,
            staging_path=str(dst),
        ) from exc
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


def section_records(nb_path: Path) -> list[dict]:
    """The section decisions (:mod:`cxm_lab.sections`) written into an executed notebook.

    Parameters
    ----------
    nb_path : Path
        An executed notebook.

    Returns
    -------
    list of dict
        One record per ``section(...)`` call, in order (title, status, reasons).

    Examples
    --------
    >>> section_records(NOTEBOOK_DIR / "00_summary.ipynb")   # stored without outputs
    []
    """
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


@dataclass(frozen=True)
class PlannedNotebook:
    """One notebook of a run, as :func:`prepare_inputs` planned it.

    Attributes
    ----------
    source : Path
        The notebook file.
    parameters : dict
        Its own parameters from the params file (``notebooks: [{path, parameters}]``).
    title : str
        Its section title (``cxm.title`` metadata, else the file name).
    skip_reasons : list of str
        What the data lacks for it; empty when it runs.
    """

    source: Path
    parameters: dict
    title: str
    skip_reasons: list[str]


@dataclass(frozen=True)
class RunInputs:
    """What :func:`prepare_inputs` hands to the later steps of a run.

    Attributes
    ----------
    params : RunParams
        The validated run parameters.
    params_path : Path
        The parameter file (relative data paths are read from its folder).
    stage : Path
        The staging folder the run is built in.
    data_note : str
        Where the data came from (the params' ``data_dir`` or the embedded demo).
    dataset : Dataset
        The data, read and validated once.
    prepared : Path
        The folder the dataset was saved to; every notebook gets it as ``data_dir``.
    counts : list of dict
        Rows read, used and rejected per table.
    notebooks : tuple of PlannedNotebook
        The notebooks of the run in order, those the data cannot support marked skipped.
    seconds : float
        Time spent reading the inputs.
    """

    params: RunParams
    params_path: Path
    stage: Path
    data_note: str
    dataset: Dataset
    prepared: Path
    counts: list[dict]
    notebooks: tuple[PlannedNotebook, ...]
    seconds: float


@dataclass(frozen=True)
class ExecutedNotebooks:
    """What :func:`execute_notebooks` produced.

    Attributes
    ----------
    parts : list of Path or str
        In report order: an executed notebook, or the Markdown that replaces a skipped one.
    records : list of dict
        One manifest record per notebook, run or skipped (:func:`cxm_lab.sections.record`).
    sections : list of dict
        The section decisions written into the executed notebooks.
    seconds : dict
        Execution time per notebook, keyed ``"notebook:<file name>"``.
    """

    parts: list[Path | str]
    records: list[dict]
    sections: list[dict]
    seconds: dict[str, float]


def run_report(
    params_path: str | Path,
    *,
    renderer: str | None = None,
    output_root: str | Path | None = None,
    log: Callable[[str], None] = print,
    lock_wait_s: float = 600.0,
) -> RunResult:
    """Run a whole report from a parameter file and publish it atomically.

    The steps, in order: :func:`prepare_inputs` (data read once, notebooks chosen, parameters
    checked), :func:`execute_notebooks`, :func:`render_report` (HTML + PDF),
    :func:`build_manifest` and :func:`publish`. All of them work in a staging folder beside
    the target, which is removed on every exit path; a second run of the same report waits
    for the first.

    Parameters
    ----------
    params_path : str or Path
        YAML run parameters (see :mod:`cxm_lab.params`).
    renderer : str, optional
        Override the file's renderer (auto, quarto, pandoc-typst).
    output_root : str or Path, optional
        Override the file's ``output_dir``.
    log : callable
        Receives one progress line per stage.
    lock_wait_s : float
        How long a second run of the same report waits for the first, in seconds.

    Returns
    -------
    RunResult
        The published folder, its outputs, manifest and timings.

    Raises
    ------
    ParameterError
        Invalid parameters (unknown notebook parameter, missing notebook, ...).
    SchemaError
        The data cannot be read.
    NotebookError
        A notebook failed; the published report is left untouched.
    RunError
        The output cannot be written (disk full, read-only), another run holds the lock, or
        the data supports none of the notebooks.

    Examples
    --------
    >>> result = run_report("params/demo.yaml")         # doctest: +SKIP
    >>> result.outputs["html"]                           # doctest: +SKIP
    PosixPath('reports/demo/report.html')
    """
    params_path = Path(params_path)
    params: RunParams = load_params(params_path, renderer=renderer)
    out_root = _output_root(output_root or params.output_dir)
    with (
        _run_lock(out_root, params.name, lock_wait_s, log),
        _staging(out_root, params.name) as stage,
    ):
        t_start = time.perf_counter()
        inputs = prepare_inputs(params, params_path, stage, log=log)
        warm_s = warm_text_caches(inputs, log=log)
        executed = execute_notebooks(inputs, failed_root=out_root, log=log)
        rendered, render_s = render_report(inputs, executed, log=log)
        final = out_root / params.name
        timings = {
            "inputs": inputs.seconds,
            **({"text_cluster": warm_s} if warm_s is not None else {}),
            **executed.seconds,
            **render_s,
            "total": round(time.perf_counter() - t_start, 3),
        }
        manifest = build_manifest(inputs, executed, rendered, timings=timings)
        (stage / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
        )
        publish(stage, final)
    log(f"[cxm-lab] published {final} in {timings['total']:.1f} s")
    outputs = {fmt: final / p.name for fmt, p in rendered.outputs.items()}
    return RunResult(directory=final, outputs=outputs, manifest=manifest, timings=timings)


def _output_root(path: str | Path) -> Path:
    """The output root as an absolute path, created if needed."""
    out_root = Path(path)
    if not out_root.is_absolute():
        out_root = (Path.cwd() / out_root).resolve()
    try:
        out_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(exc, out_root) from None
    return out_root


@contextmanager
def _staging(out_root: Path, name: str) -> Iterator[Path]:
    """A fresh staging folder for one run of ``name``, removed on every exit path; a write
    error inside becomes a one-line :class:`RunError`. Callers hold the report's lock, after
    sweeping what earlier runs left behind."""
    _sweep(out_root, name)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    stage = out_root / f".staging-{name}-{stamp}"
    try:
        stage.mkdir()
        yield stage
    except OSError as exc:
        raise _os_error(exc, out_root) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def prepare_inputs(
    params: RunParams, params_path: Path, stage: Path, *, log: Callable[[str], None] = print
) -> RunInputs:
    """Step 1 of a run: read the data once, choose the notebooks, check their parameters.

    The data is read (:func:`cxm_lab.ingest.prepare_dataset`) and saved into
    ``stage/prepared``; the embedded demo is first written as files into ``stage/data``, so
    user data and demo take the same path. The notebooks are the params' list, or
    :data:`DEFAULT_NOTEBOOKS`; each one the data cannot support is marked skipped with the
    reason (its ``cxm.needs`` metadata, :mod:`cxm_lab.sections`).

    Parameters
    ----------
    params : RunParams
        The validated run parameters (:func:`cxm_lab.params.load_params`).
    params_path : Path
        The parameter file; relative data paths are read from its folder.
    stage : Path
        The run's staging folder (it exists).
    log : callable
        Receives one progress line.

    Returns
    -------
    RunInputs

    Raises
    ------
    ParameterError
        A notebook is not found, or a parameter is declared by no notebook that gets it.
    SchemaError
        The data cannot be read.
    RunError
        The data supports none of the notebooks.

    Examples
    --------
    >>> inputs = prepare_inputs(load_params(Path("params/demo.yaml")), Path("params/demo.yaml"),
    ...                         stage)                          # doctest: +SKIP
    >>> [nb.source.name for nb in inputs.notebooks][:2]         # doctest: +SKIP
    ['00_summary.ipynb', '01_metrics.ipynb']
    """
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.sections import Needs, missing

    t0 = time.perf_counter()
    if params.data_dir is None:
        from cxm_lab.demo import write_demo

        data_dir = stage / "data"
        write_demo(data_dir, seed=params.seed, inject_errors=True)
        data_note = "embedded synthetic demo (cxm_lab.demo)"
        read_params = params.model_copy(update={"data_dir": str(data_dir)})
    else:
        data_note = params.data_dir
        read_params = params
    dataset = prepare_dataset(read_params, base=params_path.parent)
    prepared = dataset.save(stage / "prepared")
    counts = dataset.summary().to_dict("records")
    seconds = round(time.perf_counter() - t0, 3)
    log(
        f"[cxm-lab] inputs read from {data_note}: "
        + ", ".join(f"{c['table']} {c['used']}/{c['read']}" for c in counts)
    )
    if dataset.config.get("report_quarter_note"):
        log(f"[cxm-lab] {dataset.config['report_quarter_note']}")

    names = [spec.path for spec in params.notebooks] if params.notebooks else DEFAULT_NOTEBOOKS
    own = {spec.path: spec.parameters for spec in params.notebooks or []}
    plan = []
    for name in names:
        src = _resolve_notebook(name)
        meta = notebook_meta(src)
        reasons = missing(dataset, Needs.from_mapping(meta.get("needs", {})))
        plan.append(PlannedNotebook(src, own.get(name, {}), meta.get("title", src.stem), reasons))
    _check_parameters([(nb.source, nb.parameters) for nb in plan], params.parameters)
    if all(nb.skip_reasons for nb in plan):
        raise RunError(
            "the data supports none of the report's notebooks: "
            + "; ".join(f"{nb.title} needs {'; '.join(nb.skip_reasons)}" for nb in plan)
        )
    return RunInputs(
        params=params,
        params_path=params_path,
        stage=stage,
        data_note=data_note,
        dataset=dataset,
        prepared=prepared,
        counts=counts,
        notebooks=tuple(plan),
        seconds=seconds,
    )


def warm_text_caches(inputs: RunInputs, *, log: Callable[[str], None] = print) -> float | None:
    """Step 1b of a run: the comments' model work on a Dask cluster, when one is asked for.

    Runs when the params have a ``cluster:`` key or ``$CXM_LAB_DASK_SCHEDULER`` is set, and
    the responses have comments. The comments are read as the notebooks read them (from the
    prepared data, masked when ``mask_pii`` is on), and
    :func:`cxm_lab.text.cluster.warm_caches` scores them and their clauses and embeds them on
    the cluster into this machine's caches; the notebooks then find every comment done.

    Parameters
    ----------
    inputs : RunInputs
        From :func:`prepare_inputs`.
    log : callable
        Receives one progress line.

    Returns
    -------
    float or None
        Seconds spent, or None when no cluster was asked for (or there are no comments).

    Raises
    ------
    RunError
        The scheduler cannot be reached.

    Examples
    --------
    >>> warm_text_caches(inputs)  # doctest: +SKIP
    [cxm-lab] comments on the Dask cluster at tcp://10.0.0.5:8786: 5,280 comments, ...
    41.2
    """
    from cxm_lab.config import dask_scheduler

    spec = inputs.params.cluster
    env_address = dask_scheduler()
    if spec is None and not env_address:
        return None
    from cxm_lab.io import load_dataset

    t0 = time.perf_counter()
    ds = load_dataset(inputs.prepared, mask_pii=inputs.params.mask_pii)
    comments = ds.tables.get("responses", None)
    if comments is None or "comment" not in comments.columns:
        log("[cxm-lab] cluster: the responses have no comment column; nothing to score")
        return None
    from cxm_lab.params import ClusterSpec
    from cxm_lab.text.cluster import warm_caches

    spec = spec or ClusterSpec()
    base = inputs.params_path.parent

    def local(path: str | None) -> str | None:
        """A relative folder is read from the params file's folder, as ``data_dir`` is."""
        if path is None or "://" in path or Path(path).is_absolute():
            return path
        return str((base / path).resolve())

    address = spec.scheduler or env_address
    if address:
        where = f"the Dask cluster at {address}"
        source = "params cluster.scheduler" if spec.scheduler else "$CXM_LAB_DASK_SCHEDULER"
    else:
        where, source = "a local Dask cluster", ""
    try:
        done = warm_caches(
            comments["comment"],
            scheduler=address,
            cache=local(spec.cache),
            model_path=local(spec.model_path),
            encoder_path=local(spec.encoder_path),
            partition_size=spec.partition_size,
            n_workers=spec.workers,
            progress=None if sys.stderr.isatty() else False,  # no bars in a cron log
        )
    except (OSError, TimeoutError) as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise RunError(
            f"cannot score the comments on {where} (from {source or 'params cluster'}): "
            f"{detail}. Start the scheduler and workers, correct the address, or remove the "
            "cluster setting to score on this machine."
        ) from None
    seconds = round(time.perf_counter() - t0, 3)
    log(
        f"[cxm-lab] comments on {where}: {done.n_comments:,} comments, {done.n_texts:,} "
        f"distinct texts with their clauses; {done.n_scored:,} scored and {done.n_embedded:,} "
        f"embedded there ({done.route}), the rest cached; {seconds:.1f} s"
    )
    return seconds


def run_parameters(inputs: RunInputs, notebook: PlannedNotebook) -> dict:
    """The parameters one notebook is executed with.

    The params file's global ``parameters`` that the notebook declares, then its own
    parameters, then the :data:`RUN_PARAMETERS` every report notebook gets from the run
    (``data_dir`` is the prepared data of the stage, ``report_quarter`` the dataset's).

    Parameters
    ----------
    inputs : RunInputs
        The run's inputs (:func:`prepare_inputs`).
    notebook : PlannedNotebook
        One of ``inputs.notebooks``.

    Returns
    -------
    dict
        Parameter name to value, as papermill injects them.

    Examples
    --------
    >>> sorted(run_parameters(inputs, inputs.notebooks[0]))   # doctest: +SKIP
    ['data_dir', 'mask_pii', 'min_n', 'report_quarter']
    """
    params = inputs.params
    declared = notebook_parameters(notebook.source)
    return {
        **{k: v for k, v in params.parameters.items() if k in declared},
        **notebook.parameters,
        "data_dir": str(inputs.prepared),
        "report_quarter": inputs.dataset.report_quarter,
        "mask_pii": params.mask_pii,
        "min_n": params.min_n,
    }


def execute_notebooks(
    inputs: RunInputs, *, failed_root: Path, log: Callable[[str], None] = print
) -> ExecutedNotebooks:
    """Step 2 of a run: execute each planned notebook into ``stage/notebooks``.

    A skipped notebook is replaced by one Markdown line saying what it needs. On the first
    failure the executed notebook is copied to ``failed_root/.failed/<name>/`` (one per
    report, replaced by the next failure) and the :class:`NotebookError` is raised with that
    path in its message and ``staging_path``.

    Parameters
    ----------
    inputs : RunInputs
        From :func:`prepare_inputs`.
    failed_root : Path
        The output root; a failed notebook is kept under its ``.failed`` folder.
    log : callable
        Receives one progress line per notebook.

    Returns
    -------
    ExecutedNotebooks

    Raises
    ------
    NotebookError
        A notebook failed; it carries the failing cell (see :func:`execute_notebook`).

    Examples
    --------
    >>> executed = execute_notebooks(inputs, failed_root=Path("reports"))   # doctest: +SKIP
    >>> executed.records[0]["status"]                                       # doctest: +SKIP
    'shown'
    """
    from cxm_lab.sections import record, skipped_markdown

    params = inputs.params
    nb_dir = inputs.stage / "notebooks"
    nb_dir.mkdir()
    parts: list[Path | str] = []
    records: list[dict] = []
    sections: list[dict] = []
    seconds: dict[str, float] = {}
    total = len(inputs.notebooks)
    for i, nb in enumerate(inputs.notebooks, 1):
        name = nb.source.name
        if nb.skip_reasons:
            log(f"[cxm-lab] ({i}/{total}) {name} skipped: needs {'; '.join(nb.skip_reasons)}")
            parts.append(
                f"## {nb.title}\n\n{skipped_markdown('This section', reasons=nb.skip_reasons)}"
            )
            records.append({"notebook": name, **record(name, nb.title, reasons=nb.skip_reasons)})
            continue
        dst = nb_dir / name
        t0 = time.perf_counter()
        log(f"[cxm-lab] ({i}/{total}) executing {name} ...")
        try:
            execute_notebook(
                nb.source,
                dst,
                parameters=run_parameters(inputs, nb),
                cwd=nb.source.parent,
                timeout=params.timeout_per_cell,
            )
        except NotebookError as exc:
            kept = _keep_failed(dst, failed_root, params.name)
            if kept is not None:
                exc.args = (f"{exc.args[0]}\n(executed notebook kept at {kept})",)
                exc.staging_path = str(kept)
            raise
        seconds[f"notebook:{name}"] = round(time.perf_counter() - t0, 3)
        log(f"[cxm-lab] ({i}/{total}) {name} done in {seconds[f'notebook:{name}']:.1f} s")
        parts.append(dst)
        records.append({"notebook": name, **record(name, nb.title, reasons=[])})
        sections.extend(section_records(dst))
    return ExecutedNotebooks(parts=parts, records=records, sections=sections, seconds=seconds)


def render_report(
    inputs: RunInputs, executed: ExecutedNotebooks, *, log: Callable[[str], None] = print
) -> tuple[RenderResult, dict[str, float]]:
    """Step 3 of a run: combine the executed notebooks into one source and render it.

    The report ends with an appendix generated from the run's records
    (:func:`cxm_lab.render.appendix_markdown`): data quality, methods and formulas,
    definitions, and the sections shown or skipped with the reason.

    Parameters
    ----------
    inputs : RunInputs
        From :func:`prepare_inputs` (title, quarter, formats and renderer).
    executed : ExecutedNotebooks
        From :func:`execute_notebooks`.
    log : callable
        Receives one line per rendered format.

    Returns
    -------
    RenderResult
        The rendered files in the stage, the route taken and why.
    dict
        Seconds spent: ``"combine"`` and ``"render:<format>"``.

    Raises
    ------
    RenderError
        Rendering failed.

    Examples
    --------
    >>> rendered, seconds = render_report(inputs, executed)   # doctest: +SKIP
    >>> sorted(rendered.outputs)                              # doctest: +SKIP
    ['html', 'pdf']
    """
    from cxm_lab.render import appendix_markdown, build_source, render

    params = inputs.params
    t0 = time.perf_counter()
    quarter = inputs.dataset.report_quarter
    appendix = appendix_markdown(
        rows=inputs.counts,
        reject_reasons=inputs.dataset.reject_reasons().to_dict("records"),
        notebooks=executed.records,
        sections=executed.sections,
        source=inputs.data_note,
    )
    source = build_source(
        [*executed.parts, appendix],
        inputs.stage,
        title=params.title,
        subtitle=f"Quarter {quarter}" if quarter else "",
        date=datetime.now(UTC).strftime("%Y-%m-%d"),
    )
    seconds = {"combine": round(time.perf_counter() - t0, 3)}
    result = render(
        source, formats=list(params.formats), renderer=params.renderer, basename="report"
    )
    for fmt, secs in result.timings.items():
        seconds[f"render:{fmt}"] = secs
        log(f"[cxm-lab] rendered {fmt} with {result.route} in {secs:.1f} s")
    return result, seconds


def build_manifest(
    inputs: RunInputs,
    executed: ExecutedNotebooks,
    rendered: RenderResult,
    *,
    timings: dict[str, float],
) -> dict:
    """Step 4 of a run: the manifest that says what the report was built from and how.

    Parameters
    ----------
    inputs : RunInputs
        From :func:`prepare_inputs`: parameters, data files (hashed), rows and rejects.
    executed : ExecutedNotebooks
        From :func:`execute_notebooks`: notebooks and sections, shown or skipped.
    rendered : RenderResult
        From :func:`render_report`: output files (hashed) and the renderer's route.
    timings : dict
        Seconds per step, ending with ``"total"``.

    Returns
    -------
    dict
        JSON-ready; :func:`run_report` writes it as ``manifest.json``.

    Examples
    --------
    >>> manifest = build_manifest(inputs, executed, rendered, timings={"total": 1.0})  # doctest: +SKIP
    >>> manifest["outputs"]["html"]["file"]                                           # doctest: +SKIP
    'report.html'
    """
    params, dataset = inputs.params, inputs.dataset
    files = [Path(r.file) for r in dataset.reads] if dataset.reads else []
    return {
        "run": params.name,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "params_file": str(inputs.params_path),
        "params": params.model_dump(mode="json"),
        "data_dir": inputs.data_note,
        "data_files": {
            p.name: {"sha256": sha256(p), "bytes": p.stat().st_size}
            for p in sorted(set(files), key=lambda p: p.name)
            if p.is_file()
        },
        "source": dataset.config.get("source"),
        "read_notes": dataset.config.get("notes", {}),
        "rows": inputs.counts,
        "reject_reasons": dataset.reject_reasons().to_dict("records"),
        "report_quarter": dataset.report_quarter,
        "notebooks": executed.records,
        "sections": executed.sections,
        "renderer": {"route": rendered.route, "reason": rendered.reason},
        "versions": _versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "timings_s": timings,
        "outputs": {
            fmt: {"file": p.name, "bytes": p.stat().st_size, "sha256": sha256(p)}
            for fmt, p in rendered.outputs.items()
        },
    }


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
    """Step 5 of a run: swap ``stage`` into ``final`` with renames.

    The old report is moved aside, the new one renamed in, then the old one deleted. Each
    rename is atomic on one file system; if the second fails the old report is moved back.
    Callers hold the report's lock (:func:`run_report`).

    Parameters
    ----------
    stage : Path
        The finished staging folder.
    final : Path
        The published folder (replaced whole when it exists).

    Returns
    -------
    None

    Raises
    ------
    OSError
        A rename failed (the previous report is back in place).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     stage, final = Path(d) / "stage", Path(d) / "report"
    ...     stage.mkdir(); final.mkdir(); _ = (stage / "new.txt").write_text("new")
    ...     publish(stage, final)
    ...     sorted(p.name for p in Path(d).iterdir()), sorted(p.name for p in final.iterdir())
    (['report'], ['new.txt'])
    """
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
