"""Comments at scale: sentiment (and known categories) on a Dask distributed cluster, with a
result cache every worker shares.

:func:`score_comments` takes the comments of a whole data set (millions are fine: only the
distinct texts travel), looks every distinct text up in a :class:`ParquetCache` (a folder of
Parquet files on storage every worker reaches: a shared path or an fsspec URL such as
``s3://bucket/cxm-cache``), and sends only texts never scored before to the workers, in
partitions. Each worker process loads the model once, scores a partition and writes it to the
cache as one Parquet file, atomically (a temporary name, then a rename), named by the hash of
the partition's keys. So:

- a worker that dies mid-job loses nothing: Dask re-runs its partitions on the other workers,
  and a partition whose file was already written is read back instead of scored again;
- the output is built from the input rows, one row each, in input order, so no comment is lost
  or duplicated whatever the cluster did;
- a re-run, on the same or another machine, scores only comments that are new.

The cluster: ``client=`` (a ``dask.distributed.Client``), else ``scheduler=`` (an address), else
the client already active in the session, else ``$CXM_LAB_DASK_SCHEDULER``
(:func:`cxm_lab.config.dask_scheduler`), else a ``LocalCluster`` of one single-threaded worker
process per core, started and closed by the call. ``docs/SCALING.md`` has the measured
throughput and the limits.

Examples
--------
The cache key of a comment under a model version, as every worker computes it:

>>> import hashlib
>>> text_key("Support never called back.", version="v1") == hashlib.sha1(
...     b"v1\\x00Support never called back.").hexdigest()
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from cxm_lab.config import cache_dir, dask_scheduler, model_dir, sentiment_dir
from cxm_lab.config import threads as default_threads
from cxm_lab.errors import ModelError, ParameterError
from cxm_lab.text.sentiment import (
    QUERY_PREFIX,
    CacheWarning,
    Encoder,
    SentimentModel,
    _check_texts,
    _result_frame,
    _usable_texts,
)

__all__ = [
    "ClusterScores",
    "ParquetCache",
    "WarmedCaches",
    "score_comments",
    "store_url",
    "text_key",
    "warm_caches",
]

PROB_COLUMNS = ("p_negative", "p_neutral", "p_positive")


def text_key(text: str, *, version: str) -> str:
    """The cache key of one text under one model version: SHA-1 of ``version``, NUL, ``text``.

    Parameters
    ----------
    text : str
        The text as the model sees it (stripped).
    version : str
        The model's name and version (a new model or route never meets old results).

    Returns
    -------
    str
        40 hexadecimal digits.

    Examples
    --------
    >>> len(text_key("great", version="m1")), text_key("great", version="m1") == text_key(
    ...     "great", version="m2")
    (40, False)
    """
    return hashlib.sha1(f"{version}\x00{text}".encode()).hexdigest()


class ParquetCache:
    """Results keyed by :func:`text_key`, as Parquet files in one folder or fsspec URL.

    Every file holds a ``key`` column and the result columns of one finished partition. Files
    are written to a temporary name in the same folder and renamed, so a reader sees a whole
    file or none; a file that cannot be read is skipped with a :class:`CacheWarning` (its texts
    are scored again). The same partition always gets the same file name, so writing it twice
    (a task re-run after a worker died) leaves one file.

    Parameters
    ----------
    url : str or path
        A folder, or an fsspec URL (``s3://...``, ``gcs://...``, ``file://...``) that every
        worker can read and write.

    Examples
    --------
    >>> import tempfile
    >>> store = ParquetCache(tempfile.mkdtemp())
    >>> frame = pd.DataFrame({"key": ["a", "b"], "p_positive": [0.9, 0.2]})
    >>> _ = store.write(frame, name=ParquetCache.file_name(["a", "b"]))
    >>> store.read(["b", "zz"]).to_dict("records")
    [{'key': 'b', 'p_positive': 0.2}]
    """

    def __init__(self, url: str | Path):
        import fsspec

        self.url = str(url)
        self.fs, self.root = fsspec.core.url_to_fs(self.url)
        self.local = "file" in np.atleast_1d(self.fs.protocol)

    @staticmethod
    def file_name(keys: Sequence[str]) -> str:
        """The file of the partition holding ``keys`` (in order)."""
        return "part-" + hashlib.sha1("\n".join(keys).encode()).hexdigest()[:24] + ".parquet"

    def _path(self, name: str) -> str:
        return self.root.rstrip("/") + "/" + name

    def files(self) -> list[str]:
        """The finished files, sorted."""
        try:
            return sorted(self.fs.glob(self._path("part-*.parquet")))
        except FileNotFoundError:
            return []

    def _read(self, path: str):  # noqa: ANN202 - a pyarrow.Table or None
        import pyarrow.parquet as pq

        try:
            with self.fs.open(path, "rb") as fh:
                return pq.read_table(fh)
        except FileNotFoundError:
            return None
        except Exception as err:  # noqa: BLE001 - any unreadable file: score its texts again
            warnings.warn(
                f"result cache file {path} cannot be read ({err}); its texts are scored again. "
                "Delete the file to stop this warning",
                CacheWarning,
                stacklevel=3,
            )
            return None

    def read_file(self, name: str) -> pd.DataFrame | None:
        """The rows of one file, or None when it is not there (or unreadable)."""
        table = self._read(self._path(name))
        return None if table is None else table.to_pandas()

    def read(self, keys: Iterable[str] | None = None) -> pd.DataFrame:
        """Cached rows whose key is in ``keys`` (every row when None), one row per key.

        The keys are matched in Arrow (one hash set for all files), so a lookup costs about
        the same per file whatever the number of keys."""
        import pyarrow as pa
        import pyarrow.compute as pc

        want = None if keys is None else pa.array(list(keys), type=pa.string())
        parts = []
        for path in self.files():
            table = self._read(path)
            if table is not None:
                if want is not None:
                    table = table.filter(pc.is_in(table["key"], value_set=want))
                parts.append(table)
        if not parts:
            return pd.DataFrame({"key": pd.Series(dtype=object)})
        frame = pa.concat_tables(parts, promote_options="default").to_pandas()
        return frame.drop_duplicates("key", ignore_index=True)

    def write(self, frame: pd.DataFrame, *, name: str) -> str:
        """Write ``frame`` (with a ``key`` column) as file ``name``, atomically; returns its path."""
        self.fs.makedirs(self.root, exist_ok=True)
        final = self._path(name)
        tmp = self._path(f".tmp-{uuid.uuid4().hex}-{name}")
        with self.fs.open(tmp, "wb") as fh:
            frame.to_parquet(fh, index=False)
        if self.local:
            os.replace(tmp, final)
        else:  # object stores publish an object whole; the move is a copy + delete
            self.fs.mv(tmp, final)
        return final


@dataclass(frozen=True)
class ClusterScores:
    """What :func:`score_comments` returns.

    Attributes
    ----------
    table : DataFrame
        One row per input comment, same index: the columns of
        :func:`~cxm_lab.text.sentiment.score_sentiment`, and ``category``, ``similarity``,
        ``runner_up`` when categories were matched.
    n_texts : int
        Input rows.
    n_unique : int
        Distinct non-empty texts.
    n_cached : int
        Distinct texts found in the cache (sentiment).
    n_scored : int
        Distinct texts sent to the model (sentiment).
    n_partitions : int
        Tasks sent to the cluster (sentiment and categories together).
    route : str
        The model route, e.g. ``"cpu int8 (onnx)"``.
    """

    table: pd.DataFrame
    n_texts: int
    n_unique: int
    n_cached: int
    n_scored: int
    n_partitions: int
    route: str


@dataclass(frozen=True)
class _Job:
    """What every task needs, small enough to send with each partition."""

    kind: str  # "sentiment", "categories" or "embeddings"
    store: str  # the ParquetCache URL of this kind and version
    version: str
    model_path: str
    batch_size: int | None
    threads: int | None
    device: str
    hosts: tuple[tuple[str, int], ...]  # (host, worker processes on it)
    categories: str | None  # JSON of the category mapping, or a path


_MODELS: dict[tuple, object] = {}  # per worker process: models loaded once


def _host(address: str) -> str:
    return address.split("://")[-1].rsplit(":", 1)[0]


def _worker_threads(job: _Job) -> int:
    if job.threads:
        return job.threads
    if not job.hosts:  # score_sentiment_dask: as a single process would
        return default_threads()
    try:
        from dask.distributed import get_worker

        share = dict(job.hosts).get(_host(get_worker().address), 1)
    except ValueError:  # not on a worker
        share = 1
    return max(1, (os.cpu_count() or 1) // share)


def _worker_model(job: _Job) -> object:
    key = (job.kind, job.model_path, job.batch_size, job.threads, job.device)
    if key not in _MODELS:
        enc = Encoder(
            job.model_path,
            batch_size=job.batch_size,
            disk_cache=False,
            threads=_worker_threads(job),
            device=job.device,
        )
        _MODELS[key] = SentimentModel(enc) if job.kind == "sentiment" else enc
    return _MODELS[key]


def _run_part(texts: list[str], keys: list[str], job: _Job) -> pd.DataFrame:
    """One task: the partition's results, read back when a previous try wrote them, else
    computed and written (atomically) to the shared cache."""
    store = ParquetCache(job.store)
    name = ParquetCache.file_name(keys)
    done = store.read_file(name)
    if done is not None and len(done) == len(keys):
        return done
    model = _worker_model(job)
    expected = job.version.split("\x00")[-1]  # the model version the client resolved
    if job.kind in ("sentiment", "embeddings") and model.version != expected:
        raise ModelError(
            f"score_comments: a worker runs model version {model.version}, the client "
            f"expected {expected}; give every machine the same model and pass device='cpu' "
            "or device='cuda' rather than 'auto' on mixed clusters."
        )
    if job.kind == "sentiment":
        p = model.predict_proba(texts)
        frame = pd.DataFrame({"key": keys, **{c: p[:, i] for i, c in enumerate(PROB_COLUMNS)}})
    elif job.kind == "embeddings":
        emb = np.asarray(model.encode(texts), dtype=np.float32)
        frame = pd.DataFrame({"key": keys, "embedding": [row.tobytes() for row in emb]})
    else:
        from cxm_lab.text.topics import match_categories

        spec = job.categories
        cats = json.loads(spec) if spec and spec.startswith("{") else spec
        frame = match_categories(texts, categories=cats, encoder=model).reset_index(drop=True)
        frame.insert(0, "key", keys)
    store.write(frame, name=name)
    return frame


@contextlib.contextmanager
def _connect(client, scheduler: str | None, n_workers: int | None):  # noqa: ANN001
    """The client to use (see the module docstring); a cluster it starts is closed after."""
    from dask.distributed import Client, LocalCluster, default_client

    if client is not None:
        yield client
        return
    if scheduler is None:
        try:
            active = default_client()
        except ValueError:
            active = None
        if active is not None:
            yield active
            return
    address = scheduler or dask_scheduler()
    if address:
        with Client(address) as c:
            yield c
        return
    with (
        LocalCluster(
            n_workers=n_workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def _hosts(client) -> tuple[tuple[str, int], ...]:  # noqa: ANN001
    counts: dict[str, int] = {}
    for addr in client.scheduler_info(n_workers=-1)["workers"]:
        counts[_host(addr)] = counts.get(_host(addr), 0) + 1
    return tuple(sorted(counts.items()))


def _category_spec(categories: Mapping | str | Path | None) -> tuple[str | None, str]:
    """(what the workers get, its hash for the cache version)."""
    from cxm_lab.text.topics import load_categories

    if categories is None:
        from cxm_lab.text.topics import DEFAULT_CATEGORIES

        checked: object = DEFAULT_CATEGORIES
        spec = None
    else:
        checked = load_categories(categories)
        spec = (
            json.dumps(checked, ensure_ascii=False, sort_keys=True)
            if isinstance(categories, Mapping)
            else str(categories)
        )
    digest = hashlib.sha1(
        json.dumps(checked, ensure_ascii=False, sort_keys=True, default=str).encode()
    ).hexdigest()[:12]
    return spec, digest


def _gather(client, parts: list, retries: int):  # noqa: ANN001, ANN202
    """Submit every partition and yield ``(kind, frame)`` as each finishes. A partition whose
    result was lost with a worker (cancelled future, ``KilledWorker``) is submitted again
    under a new key, up to ``retries + 3`` times: its file, when written, is read back."""
    from concurrent.futures import CancelledError

    from dask.distributed import KilledWorker, as_completed

    lost_errors = (CancelledError, KilledWorker)

    def submit(i: int, attempt: int):  # noqa: ANN202
        kind, chunk, keys, job = parts[i]
        name = ParquetCache.file_name(keys)
        key = f"cxm-{kind}-{name}" + (f"-try{attempt}" if attempt else "")
        return client.submit(_run_part, chunk, keys, job, key=key, retries=retries)

    where = {}
    for i in range(len(parts)):
        where[submit(i, 0)] = (i, 0)
    pending = as_completed(list(where))
    for fut in pending:
        i, attempt = where.pop(fut)
        try:
            frame = fut.result()
        except lost_errors:
            if attempt >= retries + 3:
                raise
            again = submit(i, attempt + 1)
            where[again] = (i, attempt + 1)
            pending.add(again)
            continue
        finally:
            fut.release()
        yield parts[i][0], frame


def _chunks(texts: list[str], size: int) -> list[list[str]]:
    return [texts[i : i + size] for i in range(0, len(texts), size)]


def _whole_batches(partition_size: int, batch_size: int) -> int:
    """Texts per task: ``partition_size`` rounded up to a whole number of batches."""
    return -(-partition_size // batch_size) * batch_size


def store_url(cache: str | Path | None, kind: str, version: str) -> str:
    """The shared cache folder of one kind of result under one model version:
    ``<cache>/<kind>-<first 12 hex digits of SHA-1(version)>`` (``cache`` default
    ``<cache_dir>/shared``).

    Parameters
    ----------
    cache : str or path, optional
        The shared cache's folder or fsspec URL.
    kind : str
        ``"sentiment"``, ``"categories"`` or ``"embeddings"``.
    version : str
        The model name and version the results belong to.

    Returns
    -------
    str
        The folder or URL of that kind's Parquet files.

    Examples
    --------
    >>> store_url("/mnt/c/", "sentiment", "model v1").startswith("/mnt/c/sentiment-")
    True
    """
    root = str(cache or cache_dir() / "shared").rstrip("/")
    return f"{root}/{kind}-{hashlib.sha1(version.encode()).hexdigest()[:12]}"


def score_comments(
    texts: Sequence[str] | pd.Series,
    *,
    client=None,  # noqa: ANN001 - a dask.distributed.Client
    scheduler: str | None = None,
    cache: str | Path | None = None,
    model_path: str | Path | None = None,
    categories: bool | Mapping | str | Path = False,
    partition_size: int = 2048,
    batch_size: int | None = None,
    threads: int | None = None,
    device: str = "cpu",
    n_workers: int | None = None,
    progress: bool | None = None,
    retries: int = 2,
    local_cache: bool = True,
) -> ClusterScores:
    """Sentiment (and optionally known categories) of many comments on a Dask cluster.

    Distinct non-empty texts are looked up in the shared cache first; only those never scored
    are sent to the workers, in partitions of ``partition_size`` ordered by length (so each
    worker's batches pad little). Every finished partition is written to the cache as one
    Parquet file before its result returns, so a job that is stopped, or loses a worker,
    resumes where it was. Results equal :func:`~cxm_lab.text.sentiment.score_sentiment`'s on
    one machine.

    Parameters
    ----------
    texts : list or Series of str
        The comments (a Dask Series is computed first: only distinct texts travel onwards).
        Missing and blank texts get label NA and reason "empty", as in ``score_sentiment``.
    client : dask.distributed.Client, optional
        The cluster to use; see the module docstring for the order of the other choices.
    scheduler : str, optional
        A scheduler address, e.g. ``"tcp://10.0.0.5:8786"`` (default
        ``$CXM_LAB_DASK_SCHEDULER``; unset: a local cluster).
    cache : str or path, optional
        Folder or fsspec URL of the shared result cache, reachable from every worker
        (default ``<cache_dir>/shared``, right for a local cluster; on a real cluster pass
        shared storage). Each model version gets its own sub-folder.
    model_path : path, optional
        The sentiment model directory as the workers see it (default
        :func:`cxm_lab.config.sentiment_dir`).
    categories : bool, mapping or path
        False: sentiment only. True: also match the default categories
        (:func:`cxm_lab.text.topics.match_categories` with the multilingual encoder at
        :func:`cxm_lab.config.model_dir`); a mapping or YAML path: those categories.
    partition_size : int
        Texts per task (rounded up to a whole number of batches).
    batch_size : int, optional
        Texts per forward pass (default 32 on the CPU, 1024 on a GPU).
    threads : int, optional
        Intra-op threads of each worker's model (default: the host's cores divided by the
        worker processes on that host).
    device : {"cpu", "auto", "cuda"}
        Where each worker runs the model (see :class:`~cxm_lab.text.sentiment.Encoder`).
    n_workers : int, optional
        Worker processes of the local cluster this call starts (default one per core).
    progress : bool, optional
        Show a progress bar of scored texts (default: when more than 500 need scoring).
    retries : int
        Extra tries of a partition whose task raised (a lost worker is handled by Dask
        itself and does not count).
    local_cache : bool
        Also store the sentiment results in this machine's SQLite cache
        (:func:`cxm_lab.config.cache_dir`), so that a report run here afterwards
        (``score_sentiment``, ``analyse_comments``) finds every comment already scored.

    Returns
    -------
    ClusterScores
        ``table`` aligned with the input, and the counts of texts cached and scored.

    Raises
    ------
    ParameterError
        ``texts`` is one str, a DataFrame or not iterable, or holds an item that is neither
        text nor missing; ``partition_size`` is below 1.
    ModelError
        The model is not built, or a worker resolves another model version than the client.

    Examples
    --------
    >>> out = score_comments(["Great support", "Billing wrong again", None])  # doctest: +SKIP
    >>> out.table["label"].tolist(), out.n_scored  # doctest: +SKIP
    (['positive', 'negative', <NA>], 2)
    """
    func = "score_comments"
    if type(texts).__module__.startswith("dask") and hasattr(texts, "compute"):
        texts = texts.compute()
    _check_texts(texts, func, "score_comments([text])")
    if not isinstance(partition_size, int | np.integer) or partition_size < 1:
        raise ParameterError(
            f"{func}: partition_size must be a whole number >= 1, got {partition_size!r}; "
            "use e.g. 2048."
        )
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    values = _usable_texts(series, func)
    path = str(model_path or sentiment_dir())
    model = SentimentModel(Encoder(path, batch_size=batch_size, disk_cache=False, device=device))
    enc = model.encoder
    size = _whole_batches(partition_size, enc.batch_size)
    # The order score_sentiment's encoder uses (length, then text): the same batches.
    uniq = sorted({v for v in values if v}, key=lambda t: (len(t), t))

    kinds = ["sentiment"] + (["categories"] if categories is not False else [])
    jobs: dict[str, _Job] = {}
    found: dict[str, pd.DataFrame] = {}
    todo: dict[str, list[str]] = {}
    keys_of: dict[str, dict[str, str]] = {}
    for kind in kinds:
        spec = None
        if kind == "sentiment":
            version = f"{model.name}\x00{model.version}"
            kpath = path
        else:
            spec, digest = _category_spec(None if categories is True else categories)
            kpath = str(model_dir())
            sim = Encoder(kpath, disk_cache=False, device=device)
            version = f"match_categories {digest}\x00{sim.version}"
        keys_of[kind] = {t: text_key(t, version=version) for t in uniq}
        url = store_url(cache, kind, version)
        jobs[kind] = _Job(kind, url, version, kpath, batch_size, threads, device, (), spec)
        found[kind] = ParquetCache(jobs[kind].store).read(keys_of[kind].values())
        have = set(found[kind]["key"])
        todo[kind] = [t for t in uniq if keys_of[kind][t] not in have]

    n_parts = 0
    if any(todo.values()):
        from tqdm import tqdm

        n_todo = sum(len(v) for v in todo.values())
        show = progress if progress is not None else n_todo > 500
        with _connect(client, scheduler, n_workers) as c:
            hosts = _hosts(c)
            parts = [
                (kind, chunk, [keys_of[kind][t] for t in chunk], replace(jobs[kind], hosts=hosts))
                for kind in kinds
                for chunk in _chunks(todo[kind], size)
            ]
            n_parts = len(parts)
            new: dict[str, list[pd.DataFrame]] = {k: [] for k in kinds}
            with tqdm(total=n_todo, desc="comments", unit="text", disable=not show) as bar:
                for kind, frame in _gather(c, parts, retries):
                    new[kind].append(frame)
                    bar.update(len(frame))
        for kind in kinds:
            found[kind] = pd.concat([found[kind], *new[kind]], ignore_index=True)

    table = _table(series.index, values, keys_of["sentiment"], found["sentiment"], model)
    if local_cache and uniq:
        from cxm_lab.text.sentiment import _Cache

        by_key = found["sentiment"].drop_duplicates("key").set_index("key")
        p = by_key.reindex([keys_of["sentiment"][t] for t in uniq])[list(PROB_COLUMNS)]
        store = _Cache(cache_dir() / "sentiment.sqlite")
        try:
            store.put(
                (_Cache.key(t, model.name, model.version), *map(float, row))
                for t, row in zip(uniq, p.to_numpy(), strict=True)
            )
        finally:
            store.close()
    if "categories" in kinds:
        cats = found["categories"].drop_duplicates("key").set_index("key")
        row_keys = [keys_of["categories"][v] if v else None for v in values]
        got = cats.reindex(row_keys)
        for col in got.columns:
            table[col] = got[col].to_numpy()
        for col in ("category", "runner_up"):
            if col in table:
                table[col] = table[col].astype("string")
    return ClusterScores(
        table=table,
        n_texts=len(series),
        n_unique=len(uniq),
        n_cached=len(uniq) - len(todo["sentiment"]),
        n_scored=len(todo["sentiment"]),
        n_partitions=n_parts,
        route=enc.route,
    )


@dataclass(frozen=True)
class WarmedCaches:
    """What :func:`warm_caches` did.

    Attributes
    ----------
    n_comments : int
        Comments with visible text.
    n_clauses : int
        Their clauses (:func:`cxm_lab.text.aspects.split_clauses`), repeats included.
    n_texts : int
        Distinct texts (comments and clauses together).
    n_scored : int
        Distinct texts sent to the sentiment model (the rest were in the shared cache).
    n_embedded : int
        Distinct texts sent to the similarity encoder (the rest were in this machine's or the
        shared cache).
    n_partitions : int
        Tasks sent to the cluster.
    route : str
        The sentiment model's route, e.g. ``"cpu int8 (onnx)"``.
    """

    n_comments: int
    n_clauses: int
    n_texts: int
    n_scored: int
    n_embedded: int
    n_partitions: int
    route: str


def warm_caches(
    texts: Sequence[str] | pd.Series,
    *,
    client=None,  # noqa: ANN001 - a dask.distributed.Client
    scheduler: str | None = None,
    cache: str | Path | None = None,
    model_path: str | Path | None = None,
    encoder_path: str | Path | None = None,
    partition_size: int = 2048,
    n_workers: int | None = None,
    progress: bool | None = None,
    retries: int = 2,
) -> WarmedCaches:
    """Do the model work of :func:`cxm_lab.text.analysis.analyse_comments` on a Dask cluster,
    so that a report run on this machine afterwards finds every comment already scored.

    The comments and each of their clauses (what ``theme_mentions`` scores) get their
    sentiment (:func:`score_comments`, copied into this machine's SQLite sentiment cache) and
    their embedding from the similarity encoder (copied into this machine's embedding cache,
    which ``match_categories``, ``assign_themes`` and ``theme_mentions`` read). Both go
    through the shared Parquet cache, so a re-run sends only new texts to the cluster. The
    notebooks then run the same code as without a cluster; only the model calls are gone.

    Parameters
    ----------
    texts : list or Series of str
        The comments (missing and blank ones are skipped).
    client, scheduler, cache, partition_size, n_workers, progress, retries
        As in :func:`score_comments` (one cluster is used for both passes).
    model_path : path, optional
        The sentiment model as the workers see it (default
        :func:`cxm_lab.config.sentiment_dir`).
    encoder_path : path, optional
        The similarity encoder as the workers see it (default
        :func:`cxm_lab.config.model_dir`).

    Returns
    -------
    WarmedCaches
        The counts of texts, of those scored and embedded, and of tasks.

    Raises
    ------
    ParameterError
        ``texts`` is one str, a DataFrame or not iterable, or holds an item that is neither
        text nor missing.
    ModelError
        A model is not built, or a worker resolves another model version than the client.

    Examples
    --------
    >>> done = warm_caches(["Support was great, but the price went up."])  # doctest: +SKIP
    >>> done.n_comments, done.n_clauses, done.n_texts  # doctest: +SKIP
    (1, 2, 3)
    """
    from cxm_lab.text.aspects import split_clauses

    func = "warm_caches"
    _check_texts(texts, func, "warm_caches([text])")
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    _usable_texts(series, func)  # the same check as score_sentiment: an item must be text
    comments = [v for v in series if isinstance(v, str) and v.strip()]
    clauses = [c for t in comments for c in split_clauses(t)]
    distinct = list(dict.fromkeys([*comments, *clauses]))
    with _connect(client, scheduler, n_workers) as c:
        scores = score_comments(
            pd.Series(distinct, dtype=object),
            client=c,
            cache=cache,
            model_path=model_path,
            partition_size=partition_size,
            progress=progress,
            retries=retries,
            local_cache=True,
        )
        n_embedded, n_parts = _embed(
            distinct,
            client=c,
            cache=cache,
            encoder_path=encoder_path,
            partition_size=partition_size,
            progress=progress,
            retries=retries,
        )
    return WarmedCaches(
        n_comments=len(comments),
        n_clauses=len(clauses),
        n_texts=len(distinct),
        n_scored=scores.n_scored,
        n_embedded=n_embedded,
        n_partitions=scores.n_partitions + n_parts,
        route=scores.route,
    )


def _embed(
    texts: list[str],
    *,
    client,  # noqa: ANN001
    cache: str | Path | None,
    encoder_path: str | Path | None,
    partition_size: int,
    progress: bool | None,
    retries: int,
) -> tuple[int, int]:
    """Embeddings of ``texts`` (as ``Encoder.encode`` keys them: the query prefix + text) into this
    machine's embedding cache: looked up there, then in the shared cache, the rest computed
    on the cluster. Returns (texts computed, tasks)."""
    from tqdm import tqdm

    path = str(encoder_path or model_dir())
    enc = Encoder(path, disk_cache=True)
    prefix = QUERY_PREFIX
    local = enc._disk_get([prefix + t for t in texts])
    want = [t for t in texts if prefix + t not in local]
    if not want:
        return 0, 0
    want.sort(key=lambda t: (len(t), t))
    version = f"embeddings\x00{enc.version}"
    url = store_url(cache, "embeddings", version)
    job = _Job("embeddings", url, version, path, None, None, "cpu", (), None)
    keys = {t: text_key(t, version=version) for t in want}
    text_of = {k: t for t, k in keys.items()}

    def keep(frame: pd.DataFrame) -> None:
        """Copy finished rows into this machine's embedding cache."""
        if len(frame):
            vectors = np.stack([np.frombuffer(v, dtype=np.float32) for v in frame["embedding"]])
            enc._disk_put([prefix + text_of[k] for k in frame["key"]], vectors)

    shared = ParquetCache(job.store).read(keys.values())
    keep(shared)
    have = set(shared["key"])
    todo = [t for t in want if keys[t] not in have]
    if not todo:
        return 0, 0
    size = _whole_batches(partition_size, enc.batch_size)
    job = replace(job, hosts=_hosts(client))
    parts = [("embeddings", ch, [keys[t] for t in ch], job) for ch in _chunks(todo, size)]
    show = progress if progress is not None else len(todo) > 500
    with tqdm(total=len(todo), desc="embeddings", unit="text", disable=not show) as bar:
        for _, frame in _gather(client, parts, retries):
            keep(frame)
            bar.update(len(frame))
    return len(todo), len(parts)


def _table(
    index: pd.Index,
    values: list[str],
    keys: Mapping[str, str],
    scores: pd.DataFrame,
    model: SentimentModel,
) -> pd.DataFrame:
    """The :func:`~cxm_lab.text.sentiment.score_sentiment` table of ``values`` from cached
    probabilities (``scores``: key + p columns), one row per value, on ``index``."""
    usable = np.array([bool(v) for v in values], dtype=bool)
    by_key = scores.drop_duplicates("key").set_index("key")
    probs = np.full((len(values), 3), np.nan)
    if usable.any():
        rows = by_key.reindex([keys[v] for v in values if v])
        probs[usable] = rows[list(PROB_COLUMNS)].to_numpy(dtype=float)
    out = _result_frame(probs, usable, index)
    out["model"] = model.name
    out["model_version"] = model.version
    return out


def _score_series(
    part: pd.Series,
    *,
    model_path: str,
    batch_size: int | None,
    threads: int | None,
    cache: str,
) -> pd.DataFrame:
    """One partition of :func:`~cxm_lab.text.sentiment.score_sentiment_dask`: cache lookup,
    the misses scored and written as one file, the table built from the input rows."""
    values = _usable_texts(part, "score_sentiment_dask")
    job = _Job("sentiment", "", "", model_path, batch_size, threads, "cpu", (), None)
    model = _worker_model(job)
    version = f"{model.name}\x00{model.version}"
    store = ParquetCache(store_url(cache, "sentiment", version))
    uniq = sorted({v for v in values if v}, key=lambda t: (len(t), t))
    keys = {t: text_key(t, version=version) for t in uniq}
    found = store.read(keys.values()) if uniq else pd.DataFrame({"key": []})
    have = set(found["key"])
    miss = [t for t in uniq if keys[t] not in have]
    if miss:
        p = model.predict_proba(miss)
        frame = pd.DataFrame(
            {"key": [keys[t] for t in miss], **{c: p[:, i] for i, c in enumerate(PROB_COLUMNS)}}
        )
        store.write(frame, name=ParquetCache.file_name(list(frame["key"])))
        found = pd.concat([found, frame], ignore_index=True)
    return _table(part.index, values, keys, found, model)
