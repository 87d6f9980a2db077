"""Multilingual sentiment of customer comments, offline, with ``transformers`` on the CPU.

The default model is multilingual-e5-small fine-tuned for sentiment: its first layers with LoRA
adapters merged in and a linear head (:mod:`cxm_lab.text.finetune` trains them on real
labelled comments; :func:`cxm_lab.text.build_model.build_sentiment` rebuilds the model from
the base weights and the shipped adapters). It is a standard ``transformers`` directory
(``AutoModel.from_pretrained(path, local_files_only=True)``) with an int8 ONNX export beside
it; the ONNX Runtime route is the default because it is the one that reaches 100 comments/s on
2 cores (``docs/TEXT_MODEL.md`` has the speed and the F1 it costs). Comments are embedded
("query: " prefix, mean pooling, L2 normalisation) in batches sorted by length, then the head
gives negative / neutral / positive probabilities.

Online users can plug in any Hugging Face text-classification model instead, e.g.
``score_sentiment(texts, model="cardiffnlp/twitter-xlm-roberta-base-sentiment")`` or
``"tabularisai/multilingual-sentiment-analysis"``; its labels are mapped to
negative / neutral / positive.

Results are cached by (text, model, version) in SQLite (``$CXM_LAB_CACHE_DIR`` or
``.cache/cxm_lab``), so re-scoring an unchanged data set costs almost nothing. A cache never
breaks a run: a corrupt cache file (not a database, malformed, truncated) is moved aside to
``<name>.corrupt-<UTC time>`` with a :class:`CacheWarning` and rebuilt, and a cache directory
that cannot be written is skipped with one :class:`CacheWarning`.

Inputs are checked at the boundary: one ``str`` where a list of texts is expected, or an item
that is neither text nor missing, raises :class:`~cxm_lab.errors.ParameterError`.

Examples
--------
>>> score_sentiment(["Support never called back.", "پشتیبانی عالی بود"])[["label"]]  # doctest: +SKIP
      label
0  negative
1  positive
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import logging
import os
import sqlite3
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from cxm_lab.config import cache_dir, model_dir, sentiment_dir
from cxm_lab.config import threads as default_threads
from cxm_lab.errors import ModelError, ParameterError
from cxm_lab.text.build_model import EXPORT_RECIPE, ONNX_FILE, pooled_embedding

__all__ = [
    "LABELS",
    "MAX_TOKENS",
    "QUERY_PREFIX",
    "CacheWarning",
    "Encoder",
    "SentimentModel",
    "default_encoder",
    "default_model",
    "score_sentiment",
    "score_sentiment_dask",
]

#: The sentiment classes, in the order of the probability columns.
LABELS = ("negative", "neutral", "positive")
#: Longer texts are truncated to their first ``MAX_TOKENS`` tokens.
MAX_TOKENS = 256

T = TypeVar("T")

_LOG = logging.getLogger(__name__)
#: Texts per forward pass on a GPU (``batch_size=None``); on the CPU the default is 32. On an
#: H200, end to end, 4,096 ran at 41,000 comments/s against 29,000 at 1,024: each batch costs
#: the host about 13 ms of Python whatever its size (docs/SCALING.md).
GPU_BATCH = 4096


class CacheWarning(UserWarning):
    """A disk cache could not be used as it was: a corrupt cache file was moved aside and is
    being rebuilt, or the cache directory cannot be written and the run goes on without a disk
    cache. Results are the same either way; only the time a re-run saves is lost."""


# --------------------------------------------------------------------------- input checks

# Characters that show nothing on their own, besides whitespace, control (Cc) and format (Cf)
# characters: combining grapheme joiner, Hangul fillers, Braille blank, variation selectors.
_BLANK_EXTRA = frozenset(
    "\u034f\u115f\u1160\u2800\u3164\uffa0" + "".join(map(chr, range(0xFE00, 0xFE10)))
)


def _is_blank(text: str) -> bool:
    """True when ``text`` shows nothing: only whitespace, control characters (Cc), format
    characters (Cf: zero-width space and joiners U+200B–U+200D, word joiner U+2060, BOM
    U+FEFF, direction marks, soft hyphen) and blank fillers. Stops at the first visible
    character, so ordinary texts cost one look."""
    first = text[:1]
    if first.isalnum() and first not in _BLANK_EXTRA:  # the usual comment: visible at once
        return False  # (Hangul fillers are letters that show nothing: they go the long way)
    return all(
        c.isspace() or c in _BLANK_EXTRA or unicodedata.category(c) in ("Cc", "Cf") for c in text
    )


def _is_missing(value: object) -> bool:
    """None, NaN, pd.NA or NaT: an unanswered comment."""
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def _check_texts(texts: object, func: str, wrap: str) -> None:
    """``texts`` must be a sequence of texts: one str or bytes, a DataFrame or a non-iterable
    raise :class:`ParameterError`; ``wrap`` shows the call with one text wrapped."""
    if isinstance(texts, str | bytes | bytearray):
        if not isinstance(texts, str):
            wrap = wrap.replace("[text]", "[text.decode('utf-8')]")
        raise ParameterError(
            f"{func}: texts must be a list or Series of strings, got one "
            f"{type(texts).__name__}; wrap it: {wrap}."
        )
    if isinstance(texts, pd.DataFrame) or type(texts).__name__ == "DataFrame":
        raise ParameterError(
            f"{func}: texts must be a list or Series of strings, got a DataFrame; pass its text "
            "column, e.g. df['comment']."
        )
    if not isinstance(texts, Iterable):
        raise ParameterError(
            f"{func}: texts must be a list or Series of strings, got {type(texts).__name__}; "
            "pass e.g. ['first comment', 'second comment']."
        )


def _not_a_text(func: str, texts: Sequence[object], pos: int, fix: str) -> ParameterError:
    value = texts[pos] if not isinstance(texts, pd.Series) else texts.iloc[pos]
    label = ""
    if isinstance(texts, pd.Series) and not isinstance(texts.index, pd.RangeIndex):
        key = texts.index[pos]
        label = f" (index label {key.item() if isinstance(key, np.generic) else key!r})"
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return ParameterError(
        f"{func}: texts item at position {pos}{label} is {type(value).__name__} {shown}, "
        f"not a string; {fix}."
    )


def _as_text_list(texts: Sequence[str], func: str, wrap: str) -> list[str]:
    """``texts`` as a list of str for the model-level APIs (:meth:`Encoder.encode`,
    :meth:`SentimentModel.predict_proba`): every item must be a string."""
    _check_texts(texts, func, wrap)
    items = list(texts)
    for pos, v in enumerate(items):
        if not isinstance(v, str):
            raise _not_a_text(
                func,
                texts if isinstance(texts, pd.Series) else items,
                pos,
                "pass strings only (score_sentiment handles missing comments)",
            )
    return items


# --------------------------------------------------------------------------- disk caches

_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26
_WARNED: set[str] = set()  # caches already reported unusable in this process


def _is_corrupt(err: sqlite3.DatabaseError) -> bool:
    """True for "file is not a database" and "database disk image is malformed" (a truncated
    or overwritten file); False for locked, read-only or unopenable databases."""
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(err).lower()
    return "not a database" in text or "malformed" in text


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


class _DiskCache:
    """One SQLite table under :func:`cxm_lab.config.cache_dir` that never breaks a run.

    Every operation runs through :meth:`run`. A ``sqlite3.DatabaseError`` saying the file is
    corrupt (not a database, malformed, truncated) moves the file and its ``-wal``/``-shm``/
    ``-journal`` side files aside to ``<name>.corrupt-<UTC time>``, warns with a
    :class:`CacheWarning` naming both, and retries once on a fresh file. Any other failure
    (directory not writable, database read-only or locked) warns once per file and process and
    the cache is skipped: lookups find nothing and results are not stored.
    """

    def __init__(self, path: Path, create: str, what: str):
        self.path = path
        self.create = create
        self.what = what
        self.usable = True
        self._db: sqlite3.Connection | None = None

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Kept open even when the first statement fails: a corrupt file is moved aside
            # before the connection closes, because closing deletes a -wal file beside it.
            self._db = _connect(self.path)
            self._db.execute(self.create)
        return self._db

    def close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()

    def run(self, op: Callable[[sqlite3.Connection], T], default: T) -> T:
        """``op(connection)``, or ``default`` when the cache cannot be used."""
        for attempt in range(2):
            if not self.usable:
                return default
            try:
                return op(self._open())
            except sqlite3.DatabaseError as err:
                moved = attempt == 0 and _is_corrupt(err) and self._move_aside(err)
                self.close()
                if moved:
                    continue
                self._give_up(err)
            except OSError as err:
                self.close()
                self._give_up(err)
        return default

    def _move_aside(self, err: Exception) -> bool:
        """Rename the corrupt file (and side files) out of the way; True when a fresh cache can
        be created in its place."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
            n += 1
        try:
            os.replace(self.path, target)
        except FileNotFoundError:
            return True  # another process moved it aside first
        except OSError as move_err:
            self._give_up(
                err, f"; it could not be moved aside ({move_err}): delete {self.path} by hand"
            )
            return False
        for suffix in ("-wal", "-shm", "-journal"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                try:
                    os.replace(side, target.with_name(target.name + suffix))
                except OSError:  # a stale journal must not be replayed into the fresh file
                    with contextlib.suppress(OSError):
                        side.unlink()
        warnings.warn(
            f"{self.what} {self.path} is corrupt ({err}); moved it aside to {target} and a "
            "fresh cache will be rebuilt (results are recomputed once)",
            CacheWarning,
            stacklevel=4,
        )
        return True

    def _give_up(self, err: Exception, extra: str = "") -> None:
        self.usable = False
        key = str(self.path)
        if key not in _WARNED:
            _WARNED.add(key)
            warnings.warn(
                f"{self.what} {self.path} cannot be used ({err}){extra}; running without a disk "
                "cache (results are not kept for the next run). Set CXM_LAB_CACHE_DIR to a "
                "writable directory to keep them",
                CacheWarning,
                stacklevel=4,
            )


# --------------------------------------------------------------------------- devices


def _cuda_status() -> tuple[bool, bool]:
    """(torch sees a CUDA GPU, that GPU computes in bf16); (False, False) without torch."""
    try:
        import torch
    except ImportError:
        return False, False
    if not torch.cuda.is_available():
        return False, False
    return True, bool(torch.cuda.is_bf16_supported())


def _pick_device(device: str, backend: str) -> tuple[str, str]:
    """(device, torch precision) for ``Encoder(device=..., backend=...)``: the CPU unless
    ``device`` asks for a GPU and torch sees one."""
    if device not in ("cpu", "auto", "cuda"):
        raise ModelError(f"Encoder: device={device!r} is not known; use 'cpu', 'auto' or 'cuda'.")
    if device == "cpu" or (device == "auto" and backend == "onnx"):
        return "cpu", "fp32"
    if backend == "onnx":
        raise ModelError(
            "Encoder: device='cuda' with backend='onnx' is not a route (the GPU runs the "
            "transformers model); use backend='auto' or 'torch'."
        )
    has_gpu, bf16 = _cuda_status()
    if not has_gpu:
        if device == "cuda":
            raise ModelError(
                "Encoder: device='cuda' but torch sees no CUDA GPU (torch.cuda.is_available() "
                "is False); use device='auto' to fall back to the CPU."
            )
        return "cpu", "fp32"
    return "cuda", "bf16" if bf16 else "fp16"


#: What the e5 encoders expect before a text; :meth:`Encoder.encode` keys its caches with it.
QUERY_PREFIX = "query: "

_POOL_TOKENIZER = None  # in a tokenising worker process: its single-threaded tokenizer


def _pool_init(spec: str, max_tokens: int) -> None:
    """Initialiser of a tokenising worker process: one thread, the Encoder's tokenizer."""
    global _POOL_TOKENIZER
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    from tokenizers import Tokenizer

    _POOL_TOKENIZER = Tokenizer.from_str(spec)
    _POOL_TOKENIZER.no_padding()
    _POOL_TOKENIZER.enable_truncation(max_tokens)


def _pool_encode(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """One chunk in a worker process: (token count per text, all ids concatenated), int32."""
    return _ids_arrays(_POOL_TOKENIZER.encode_batch(texts))


def _ids_arrays(encs: list) -> tuple[np.ndarray, np.ndarray]:
    ids = [e.ids for e in encs]
    lengths = np.fromiter(map(len, ids), dtype=np.int32, count=len(ids))
    flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int32, count=int(lengths.sum()))
    return lengths, flat


def _attention_mask_4d(model, mask):  # noqa: ANN001, ANN201 - torch module and tensors
    """The padding mask as the ``(batch, 1, length, length)`` boolean view that ``transformers``
    5 builds for SDPA attention itself, or ``mask`` unchanged for other attention code or
    ``transformers`` 4 (which takes only 2D masks).

    Given the 2D mask, ``transformers`` 5 first asks whether any token is padding
    (``mask.all()`` in Python), which on a GPU waits for the device to finish all queued work:
    once per batch, 13-17 ms on an H200 at 8,192 texts, with the device idle until the host
    has queued the next batch. A 4D mask is used as given. Same values, same attention.
    """
    config = getattr(model, "config", None)
    if (
        mask.ndim != 2
        or getattr(config, "_attn_implementation", None) != "sdpa"
        or not _transformers_5()
    ):
        return mask
    n, width = mask.shape
    return mask.bool()[:, None, None, :].expand(n, 1, width, width)


@functools.cache
def _transformers_5() -> bool:
    """Whether the ``transformers`` that runs the model is version 5 or later (asked only when
    a torch model runs, which has imported it; not at import, where the lookup cost 50 ms)."""
    import transformers

    try:
        return int(str(transformers.__version__).split(".")[0]) >= 5
    except ValueError:  # an odd version string: the 2D mask, as transformers 4 takes
        return False


#: Texts per task of the GPU route's tokenising processes (see :func:`_token_batches`).
TOKENIZE_PIECE = 256
#: Fewer texts than this are not worth sending to those processes (:meth:`Encoder.map_async`).
POOL_MIN_TEXTS = 4096


def _join_pieces(pieces: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate the ``(lengths, flat ids)`` of consecutive tokenised pieces."""
    if len(pieces) == 1:
        return pieces[0]
    return np.concatenate([a for a, _ in pieces]), np.concatenate([b for _, b in pieces])


def _token_batches(
    texts: Sequence[str],
    tokenizer,
    *,
    batch_size: int,
    max_tokens: int,
    pad_id: int,
    pool=None,  # noqa: ANN001 - a multiprocessing pool set up by _pool_init
):
    """Padded ``(positions, input_ids, attention_mask)`` batches of ``texts`` for the GPU route.

    Texts are ordered by UTF-8 length and tokenised a few batches at a time: by ``tokenizer``
    (a ``tokenizers.Tokenizer`` this function may reconfigure: its Rust ``encode_batch`` runs
    on its own threads), or, with ``pool``, by single-threaded worker processes, which scale
    with the cores where the tokenizer's threads do not. Each chunk is re-ordered by token
    length (UTF-8 length is only a proxy across scripts) and padded to the longest text of
    each batch, rounded up to a multiple of 8. Every position appears in exactly one batch.
    A pool truncates at the ``max_tokens`` it was started with (:func:`_pool_init`).
    """
    order = np.argsort([len(t.encode("utf-8")) for t in texts], kind="stable")
    step = batch_size * 4
    parts = [order[start : start + step] for start in range(0, len(order), step)]
    if pool is not None:
        # Each part goes to the workers in pieces of at most TOKENIZE_PIECE texts, so every
        # worker is busy from the start and the first batch is ready after one piece per
        # worker rather than after one whole part in one worker.
        pieces = pool.imap(
            _pool_encode,
            (
                [texts[i] for i in part[start : start + TOKENIZE_PIECE]]
                for part in parts
                for start in range(0, len(part), TOKENIZE_PIECE)
            ),
        )
        chunks = (
            _join_pieces([next(pieces) for _ in range(-(-len(part) // TOKENIZE_PIECE))])
            for part in parts
        )
    else:
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_tokens)
        chunks = (_ids_arrays(tokenizer.encode_batch([texts[i] for i in part])) for part in parts)
    for part, (lengths, flat) in zip(parts, chunks, strict=True):
        offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
        sub = np.argsort(lengths, kind="stable")
        for b in range(0, len(sub), batch_size):
            sel = sub[b : b + batch_size]
            lens = lengths[sel].astype(np.int64)
            width = -(-int(lens.max()) // 8) * 8
            mask = (np.arange(width) < lens[:, None]).astype(np.int64)
            ids = np.full((len(sel), width), pad_id, dtype=np.int64)
            within = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
            rows = np.repeat(np.arange(len(sel)), lens)
            ids[rows, within] = flat[np.repeat(offsets[sel], lens) + within]
            yield part[sel], ids, mask


class Encoder:
    """A BERT-style encoder: texts → L2-normalised mean-pooled embeddings, batched and cached.

    Parameters
    ----------
    path : path, optional
        A local ``transformers`` model directory (default: the multilingual-e5-small encoder,
        :func:`cxm_lab.config.model_dir`).
    batch_size : int, optional
        Texts per forward pass; texts are sorted by length so a batch pads little. Default 32
        on the CPU, :data:`GPU_BATCH` (4096) on a GPU.
    max_tokens : int
        Longer texts are truncated to their first ``max_tokens`` tokens.
    disk_cache : bool
        Keep embeddings in ``embeddings.sqlite`` under :func:`cxm_lab.config.cache_dir` so a re-run costs a lookup.
    backend : {"auto", "torch", "onnx"}
        ``"torch"`` runs the ``transformers`` model (``AutoModel.from_pretrained(path,
        local_files_only=True)``) in fp32; ``"onnx"`` runs ``model_int8.onnx`` from the same
        directory with ONNX Runtime (int8 weights: faster, see ``docs/TEXT_MODEL.md`` for what it
        costs in F1); ``"auto"`` takes ``"onnx"`` when that file exists.
    threads : int, optional
        Intra-op threads (default :func:`cxm_lab.config.threads`: ``$CXM_LAB_THREADS`` or all
        cores; on the 2-core machines two
        threads measured 1.8x the speed of one).
    device : {"cpu", "auto", "cuda"}
        ``"cpu"`` (default) runs as ``backend`` says. ``"auto"`` runs the ``transformers``
        model on a CUDA GPU when ``torch.cuda.is_available()`` (bf16 where the GPU supports it,
        else fp16; tokenised in a background thread with the fast tokenizer's batch encoder,
        batched by token length, so the GPU stays fed), and on the CPU otherwise; an explicit
        ``backend="onnx"`` stays on the CPU. ``"cuda"`` insists on the GPU. :attr:`route` says
        which route runs, e.g. ``"cuda bf16 (torch)"`` or ``"cpu int8 (onnx)"``, and is logged
        (logger ``cxm_lab.text.sentiment``) when the weights load.
    tokenize_processes : int, optional
        The GPU route's tokenising worker processes (default: all cores but one on a machine
        with 4 or more cores, else none: the tokenizer's own threads). One single-threaded
        process per core scales with the cores where the tokenizer's threads do not
        (``benchmarks/bench_gpu.py`` prints both). They are spawned, so a script that runs
        the GPU route needs the usual ``if __name__ == "__main__":`` guard.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        batch_size: int | None = None,
        max_tokens: int = MAX_TOKENS,
        disk_cache: bool = True,
        backend: str = "auto",
        threads: int | None = None,
        device: str = "cpu",
        tokenize_processes: int | None = None,
    ):
        self.path = Path(path or model_dir())
        if not (self.path / "config.json").is_file():
            raise ModelError(
                f"no model at {self.path}. Build it with `make setup` or `python -m cxm_lab.text.build_model`, "
                "or set CXM_LAB_MODEL_DIR to a model directory."
            )
        if backend not in ("auto", "torch", "onnx"):
            raise ModelError(f"backend={backend!r}: use 'auto', 'torch' or 'onnx'")
        onnx_file = self.path / ONNX_FILE
        self.device, self.dtype = _pick_device(device, backend)
        if backend == "onnx" and not onnx_file.is_file():
            raise ModelError(
                f"no {ONNX_FILE} in {self.path}; `make setup` exports it for the sentiment model, "
                "or use backend='torch'"
            )
        self.backend = (
            "onnx"
            if self.device == "cpu"
            and (backend == "onnx" or (backend == "auto" and onnx_file.is_file()))
            else "torch"
        )
        precision = "int8" if self.backend == "onnx" else self.dtype
        self.route = f"{self.device} {precision} ({self.backend})"
        self.threads = int(threads or default_threads())
        self._tokenizer = None
        self._batch_tokenizer = None  # the GPU route's copy of the fast tokenizer
        cores = os.cpu_count() or 1
        if tokenize_processes is None:  # the GPU route: all cores but the one feeding the GPU
            tokenize_processes = cores - 1 if self.device != "cpu" and cores >= 4 else 0
        self.tokenize_processes = int(tokenize_processes)
        self._pool = None  # the GPU route's tokenising processes, started when first needed
        config = json.loads((self.path / "config.json").read_text())
        # Read from config.json rather than AutoConfig: a fully cached re-run never imports
        # transformers (hidden_size for BERT-like models, dim / d_model for others).
        self.dim = int(config.get("hidden_size") or config.get("dim") or config.get("d_model") or 0)
        self._runner = None  # the ONNX session or torch model, loaded on the first forward pass
        self.batch_size = int(batch_size or (GPU_BATCH if self.device == "cuda" else 32))
        self.max_tokens = max_tokens
        stamp = self.path / "cxm_build.json"
        built = (
            json.loads(stamp.read_text())["source_sha256"][:12]
            if stamp.is_file()
            else "unversioned"
        )
        recipe = hashlib.sha256(EXPORT_RECIPE.encode()).hexdigest()[:8]
        self.version = built + (f"-onnx-int8-{recipe}" if self.backend == "onnx" else "")
        if self.device != "cpu":  # GPU results differ in the last digits: never mixed in caches
            self.version += f"-{self.device}-{self.dtype}"
        self.calls = 0  # forward passes run (tests use it to check the cache)
        self.memo_size = 200_000
        self.disk_cache = (
            disk_cache  # embeddings persisted under cache_dir(), keyed by (version, text)
        )
        self._memo: dict[str, np.ndarray] = {}

    def encode(
        self, texts: Sequence[str], *, prefix: str = QUERY_PREFIX, progress: bool = False
    ) -> np.ndarray:
        """Embed texts; returns (n, 384) float32, rows in input order.

        Duplicates are embedded once, and embeddings are remembered for the life of the
        encoder (up to ``memo_size`` texts), so sentiment, category matching and theme discovery
        on the same comments pay for one pass.

        Raises
        ------
        ParameterError
            ``texts`` is one str (wrap it in a list) or holds an item that is not a string.
        """
        texts = _as_text_list(texts, "Encoder.encode", "encoder.encode([text])")
        keys = [prefix + t for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._memo))
        if missing and self.disk_cache:
            self._memo.update(self._disk_get(missing))
            missing = [k for k in missing if k not in self._memo]
        if missing:
            emb = self._encode(missing, progress)
            if self.disk_cache:
                self._disk_put(missing, emb)
            if len(self._memo) + len(missing) > self.memo_size:
                self._memo.clear()
            self._memo.update(zip(missing, emb, strict=True))
            if len(missing) == len(keys):  # all new and distinct (a first pass): rows as they are
                return np.asarray(emb, dtype=np.float32)
        return (
            np.stack([self._memo[k] for k in keys])
            if keys
            else np.zeros((0, self.dim), dtype=np.float32)
        )

    def _store(self) -> _DiskCache:
        return _DiskCache(
            cache_dir() / "embeddings.sqlite",
            "CREATE TABLE IF NOT EXISTS e (k TEXT PRIMARY KEY, v BLOB)",
            "embedding cache",
        )

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.version}\x00{text}".encode()).hexdigest()

    def _disk_get(self, texts: list[str]) -> dict[str, np.ndarray]:
        keyed = {self._key(t): t for t in texts}
        size = 4 * self.dim  # float32 bytes of one embedding; other blobs are not ours

        def lookup(db: sqlite3.Connection) -> dict[str, np.ndarray]:
            found: dict[str, np.ndarray] = {}
            ks = list(keyed)
            for i in range(0, len(ks), 500):
                chunk = ks[i : i + 500]
                for k, v in db.execute(
                    f"SELECT k, v FROM e WHERE k IN ({','.join('?' * len(chunk))})", chunk
                ):
                    if isinstance(v, bytes) and len(v) == size:
                        found[keyed[k]] = np.frombuffer(v, dtype=np.float32)
            return found

        store = self._store()
        try:
            return store.run(lookup, {})
        finally:
            store.close()

    def _disk_put(self, texts: list[str], emb: np.ndarray) -> None:
        rows = [
            (self._key(t), e.astype(np.float32).tobytes()) for t, e in zip(texts, emb, strict=True)
        ]

        def write(db: sqlite3.Connection) -> None:
            with db:  # one transaction: committed, or rolled back on error
                db.executemany("INSERT OR REPLACE INTO e VALUES (?, ?)", rows)

        store = self._store()
        try:
            store.run(write, None)
        finally:
            store.close()

    def _encode(self, texts: list[str], progress: bool) -> np.ndarray:
        if self.device != "cpu":
            return self._encode_fed(texts, progress)
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        batches = range(0, len(texts), self.batch_size)
        if progress:
            from tqdm import tqdm

            batches = tqdm(batches, desc="embedding", unit="batch")
        for start in batches:
            idx = order[start : start + self.batch_size]
            enc = self.tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=self.max_tokens,
                return_tensors="np",
            )
            out[idx] = self._forward(enc["input_ids"], enc["attention_mask"])
            self.calls += 1
        return out

    @property
    def tokenizer(self):
        """The fast tokenizer of the model directory, loaded when first needed."""
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
        return self._tokenizer

    @property
    def runner(self):
        """The ONNX Runtime session or the ``transformers`` model, loaded when first needed, so
        a re-run whose texts are all cached never loads the weights."""
        if self._runner is None:
            if self.backend == "onnx":
                import onnxruntime as ort

                opts = ort.SessionOptions()
                opts.intra_op_num_threads = self.threads
                opts.inter_op_num_threads = 1
                self._runner = ort.InferenceSession(
                    str(self.path / ONNX_FILE), opts, providers=["CPUExecutionProvider"]
                )
            else:
                import torch
                from transformers import AutoModel

                torch.set_num_threads(self.threads)
                dtype = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
                self._runner = (
                    AutoModel.from_pretrained(
                        self.path,
                        local_files_only=True,
                        add_pooling_layer=False,
                        dtype=dtype[self.dtype],
                    )
                    .to(self.device)
                    .eval()
                )
            _LOG.info("encoder %s: %s", self.path.name, self.route)
        return self._runner

    def _tokenize_pool(self):  # noqa: ANN202 - a multiprocessing pool or None
        """The GPU route's tokenising worker processes (``tokenize_processes`` > 1), started
        once per encoder (spawned: safe beside CUDA) and stopped with it."""
        import multiprocessing as mp

        # A daemonic process (a Dask worker under its nanny) may not start children: there the
        # tokenizer's own threads do the work.
        if self.tokenize_processes < 2 or mp.current_process().daemon:
            return None
        if self._pool is None:
            import weakref

            spec = self._fast_tokenizer().to_str()
            pool = mp.get_context("spawn").Pool(
                self.tokenize_processes, initializer=_pool_init, initargs=(spec, self.max_tokens)
            )
            weakref.finalize(self, pool.terminate)
            self._pool = pool
        return self._pool

    def _fast_tokenizer(self):  # noqa: ANN202 - a tokenizers.Tokenizer
        """The GPU route's private copy of the fast tokenizer (the route sets its options)."""
        if self._batch_tokenizer is None:
            from tokenizers import Tokenizer

            self._batch_tokenizer = Tokenizer.from_str(self.tokenizer.backend_tokenizer.to_str())
        return self._batch_tokenizer

    def map_async(self, func, texts: Sequence[str], *args):  # noqa: ANN001, ANN201
        """Start ``func(piece, *args)`` on the GPU route's tokenising processes for pieces of
        ``texts`` (:data:`TOKENIZE_PIECE` each); returns a callable that waits and gives the
        pieces' lists joined in order, or None where this encoder has no such processes
        (``tokenize_processes`` below 2, as on the CPU route by default; a daemonic process)
        or the texts are too few to be worth the trip (fewer than :data:`POOL_MIN_TEXTS`).
        ``func`` must be a module-level function.

        Per-text Python work beside the embeddings (the sentiment calibration's script
        detection) then runs on all cores while the device works, instead of after it on one.
        """
        if len(texts) < POOL_MIN_TEXTS:
            return None
        pool = self._tokenize_pool()
        if pool is None:
            return None
        pieces = [
            (list(texts[i : i + TOKENIZE_PIECE]), *args)
            for i in range(0, len(texts), TOKENIZE_PIECE)
        ]
        pending = pool.starmap_async(func, pieces)
        return lambda: [x for piece in pending.get() for x in piece]

    def _encode_fed(self, texts: list[str], progress: bool) -> np.ndarray:
        """The GPU route: a background thread has chunks tokenised (by ``tokenize_processes``
        single-threaded worker processes, or by the fast tokenizer's own threads) and cuts
        them into batches of similar token length while the device runs the previous batch;
        copies to and from the device are asynchronous (pinned memory) and the host waits
        once, at the end. Works on any torch device."""
        from concurrent.futures import ThreadPoolExecutor

        import torch

        model, tok = self.runner, self.tokenizer
        self._fast_tokenizer()
        dev = torch.device(self.device)
        n = len(texts)
        pinned = dev.type == "cuda"
        done = torch.empty((n, self.dim), dtype=torch.float32, pin_memory=pinned)
        where = np.empty(n, dtype=np.int64)  # row of ``done`` -> position in ``texts``
        batches = _token_batches(
            texts,
            self._batch_tokenizer,
            batch_size=self.batch_size,
            max_tokens=self.max_tokens,
            pad_id=int(tok.pad_token_id if tok.pad_token_id is not None else 0),
            pool=self._tokenize_pool(),
        )

        def produce():
            for idx, ids, mask in batches:
                a, b = torch.from_numpy(ids), torch.from_numpy(mask)
                yield idx, (a.pin_memory(), b.pin_memory()) if pinned else (a, b)

        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=n, desc="embedding", unit="text")
        row = 0
        with ThreadPoolExecutor(1) as pool, torch.inference_mode():
            source = produce()
            ahead = [pool.submit(next, source, None) for _ in range(3)]
            while True:
                item = ahead.pop(0).result()
                if item is None:
                    break
                ahead.append(pool.submit(next, source, None))
                idx, (ids, mask) = item
                ids = ids.to(dev, non_blocking=True)
                mask = mask.to(dev, non_blocking=True)
                hidden = model(
                    input_ids=ids, attention_mask=_attention_mask_4d(model, mask)
                ).last_hidden_state
                emb = pooled_embedding(hidden.float(), mask)
                done[row : row + len(idx)].copy_(emb, non_blocking=True)
                where[row : row + len(idx)] = idx
                row += len(idx)
                self.calls += 1
                if bar is not None:
                    bar.update(len(idx))
            for f in ahead:
                f.result()
        if pinned:
            torch.cuda.synchronize(dev)
        if bar is not None:
            bar.close()
        out = np.empty((n, self.dim), dtype=np.float32)
        out[where] = done.numpy()
        return out

    def _forward(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """One padded batch → (batch, dim) L2-normalised mean-pooled embeddings."""
        if self.backend == "onnx":
            feed = {"input_ids": input_ids, "attention_mask": attention_mask}
            return self.runner.run(None, feed)[0]
        import torch

        ids, am = torch.from_numpy(input_ids), torch.from_numpy(attention_mask)
        with torch.inference_mode():
            hidden = self.runner(input_ids=ids, attention_mask=am).last_hidden_state
            return pooled_embedding(hidden, am).numpy()


class SentimentModel:
    """Encoder + linear head (the offline default), or a Hugging Face classifier by id.

    Use :meth:`from_path` for a local model directory built by
    :func:`cxm_lab.text.build_model.build_sentiment` (encoder + ``head.npz``).

    Parameters
    ----------
    encoder : Encoder
        Gives L2-normalised embeddings.
    head : path, optional
        ``.npz`` with ``coef`` (3, dim) and ``intercept`` (3,) (default ``head.npz`` in the
        encoder's directory) and optionally a ``.json`` beside it naming the label order and,
        under ``calibration``, per-language offsets ``[negative, neutral, positive]`` added to
        the logits of comments in that language (fitted by
        :func:`cxm_lab.text.finetune.fit_calibration` on calibration rows; see
        ``docs/TEXT_MODEL.md``).
    """

    def __init__(
        self,
        encoder: Encoder | None = None,
        *,
        head: str | Path | None = None,
        pipeline=None,
        name: str | None = None,
    ):
        self.encoder = encoder
        self.pipeline = pipeline
        if pipeline is None:
            head = Path(head) if head is not None else encoder.path / "head.npz"
            if not head.is_file():
                raise ModelError(
                    f"sentiment head {head} not found; build the model with `make setup` "
                    "(python -m cxm_lab.text.build_model)"
                )
            h = np.load(head)
            self.coef, self.intercept = h["coef"], h["intercept"]
            meta = (
                json.loads(head.with_suffix(".json").read_text())
                if head.with_suffix(".json").is_file()
                else {}
            )
            self.labels = tuple(meta.get("labels", LABELS))
            order = [self.labels.index(lab) for lab in LABELS]
            # per-language logit offsets, in this head's label order
            self.calibration = {
                str(lang): np.asarray(off, dtype=float)[np.argsort(order)]
                for lang, off in (meta.get("calibration") or {}).items()
            }
            head_hash = hashlib.sha256(
                head.read_bytes() + json.dumps(meta.get("calibration"), sort_keys=True).encode()
            ).hexdigest()[:12]
            self.name = name or "multilingual-e5-small LoRA sentiment (cxm)"
            self.version = f"enc-{encoder.version}+head-{head_hash}"
        else:
            self.calibration = {}
            self.name = name or str(pipeline.model.name_or_path)
            self.version = getattr(pipeline.model.config, "_commit_hash", None) or "hub"

    @classmethod
    def from_path(
        cls,
        path: str | Path | None = None,
        *,
        batch_size: int = 32,
        backend: str = "auto",
        threads: int | None = None,
    ) -> SentimentModel:
        """The offline model at ``path`` (default :func:`~cxm_lab.config.sentiment_dir`);
        ``backend`` and ``threads`` as in :class:`Encoder`."""
        encoder = Encoder(
            path or sentiment_dir(), batch_size=batch_size, backend=backend, threads=threads
        )
        return cls(encoder)

    @classmethod
    def from_hub(cls, model_id: str) -> SentimentModel:
        """A Hugging Face text-classification model (needs internet the first time)."""
        from transformers import pipeline

        return cls(
            pipeline=pipeline("text-classification", model=model_id, top_k=None), name=model_id
        )

    def predict_proba(
        self,
        texts: Sequence[str],
        *,
        progress: bool = False,
        languages: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        """Probabilities (n, 3) in the order negative, neutral, positive.

        When the head carries a per-language calibration, each comment's logits get its
        language's offsets; ``languages`` (ISO 639-1 per text, None for unknown) skips the
        detection (:func:`_calibration_languages`).

        Raises
        ------
        ParameterError
            ``texts`` is one str (wrap it in a list) or holds an item that is not a string.
        """
        texts = _as_text_list(texts, "SentimentModel.predict_proba", "model.predict_proba([text])")
        if self.pipeline is not None:
            rows = self.pipeline(list(texts), truncation=True)
            out = np.zeros((len(texts), 3))
            for i, scores in enumerate(rows):
                for s in scores:
                    out[i, _map_label(s["label"])] += s["score"]
            return out / out.sum(axis=1, keepdims=True)
        known = tuple(self.calibration)
        spread = getattr(self.encoder, "map_async", None)  # any object with encode() will do
        pending = (
            spread(_pool_languages, texts, known)
            if spread is not None and self.calibration and languages is None
            else None
        )
        emb = self.encoder.encode(texts, progress=progress)
        logits = emb @ self.coef.T + self.intercept
        if self.calibration and len(texts):
            langs = (
                list(languages)
                if languages is not None
                else pending()
                if pending is not None
                else _calibration_languages(texts, known=known)
            )
            zero = np.zeros(logits.shape[1])
            logits = logits + np.stack([self.calibration.get(str(g), zero) for g in langs])
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        return p[:, [self.labels.index(lab) for lab in LABELS]]


#: Letters that only Urdu (first) or Persian (second) writes among Arabic-script languages.
_URDU_LETTERS = "ٹڈڑںےۓھ"
_PERSIAN_LETTERS = "پچژگکی"
#: First match wins: (script pattern, language or a rule).
_SCRIPT_RULES = (
    ("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]", "arabic-script"),
    ("[\u3040-\u30ff]", "ja"),
    ("[\u4e00-\u9fff\u3400-\u4dbf]", "zh"),
    ("[\u0400-\u04ff]", "ru"),
    ("[\u0900-\u097f]", "hi"),
    ("[A-Za-z\u00c0-\u024f]", "latin"),
)


def _calibration_languages(texts: Sequence[str], *, known: Sequence[str]) -> list[str | None]:
    """The language of each text for the sentiment calibration, from the first script found
    (Arabic script: Urdu if it has Urdu-only letters, Persian if Persian-only letters, else
    Arabic; kana: Japanese; Han: Chinese; Cyrillic: Russian; Devanagari: Hindi); Latin script
    gets ``"en"`` when known (telling Latin-script languages apart needs lingua, which costs
    more time than the encoder at 150 comments/s; pass ``languages=`` to
    :meth:`SentimentModel.predict_proba` to use their own offsets). None where no known
    language fits.

    Examples
    --------
    >>> _calibration_languages(["خیلی خوب بود", "ممتاز جدا", "很好", "Очень http://x", "42"],
    ...                        known=("fa", "ar", "zh", "ru"))
    ['fa', 'ar', 'zh', 'ru', None]
    """
    import re

    rules = [(re.compile(pat), lang) for pat, lang in _SCRIPT_RULES]
    urdu, persian = re.compile(f"[{_URDU_LETTERS}]"), re.compile(f"[{_PERSIAN_LETTERS}]")
    out: list[str | None] = []
    for t in texts:
        lang = next((lang for pat, lang in rules if pat.search(t)), None)
        if lang == "arabic-script":
            lang = "ur" if urdu.search(t) else "fa" if persian.search(t) else "ar"
        elif lang == "latin":
            lang = "en"
        out.append(lang if lang in known else None)
    return out


def _pool_languages(texts: list[str], known: Sequence[str]) -> list[str | None]:
    """:func:`_calibration_languages` for one piece, in a tokenising process."""
    return _calibration_languages(texts, known=known)


def _map_label(label: str) -> int:
    lab = label.lower()
    if "neg" in lab or lab in {"label_0", "1 star", "2 stars", "very negative"}:
        return 0
    if "pos" in lab or lab in {"label_2", "4 stars", "5 stars", "very positive"}:
        return 2
    return 1


class _Cache:
    """The sentiment results cache: probabilities keyed by (text, model, version)."""

    def __init__(self, path: Path):
        self.store = _DiskCache(
            path,
            "CREATE TABLE IF NOT EXISTS s (k TEXT PRIMARY KEY, neg REAL, neu REAL, pos REAL)",
            "sentiment cache",
        )

    @staticmethod
    def key(text: str, model: str, version: str) -> str:
        return hashlib.sha256(f"{model}\x00{version}\x00{text}".encode()).hexdigest()

    def get(self, keys: list[str]) -> dict[str, tuple[float, float, float]]:
        def lookup(db: sqlite3.Connection) -> dict[str, tuple[float, float, float]]:
            found: dict[str, tuple[float, float, float]] = {}
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                q = f"SELECT k, neg, neu, pos FROM s WHERE k IN ({','.join('?' * len(chunk))})"
                found.update({k: (a, b, c) for k, a, b, c in db.execute(q, chunk)})
            return found

        return self.store.run(lookup, {})

    def put(self, rows: Iterable[tuple[str, float, float, float]]) -> None:
        rows = list(rows)

        def write(db: sqlite3.Connection) -> None:
            with db:  # one transaction: committed, or rolled back on error
                db.executemany("INSERT OR REPLACE INTO s VALUES (?, ?, ?, ?)", rows)

        self.store.run(write, None)

    def close(self) -> None:
        self.store.close()


_DEFAULT: SentimentModel | None = None
_DEFAULT_ENCODER: Encoder | None = None


def default_model() -> SentimentModel:
    """The process-wide offline sentiment model, loaded once.

    Returns
    -------
    SentimentModel
        The model at :func:`cxm_lab.config.sentiment_dir`, the same object on every call.

    Raises
    ------
    ModelError
        When the model has not been built (``make setup``).

    Examples
    --------
    >>> default_model() is default_model()  # doctest: +SKIP
    True
    """
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = SentimentModel.from_path()
    return _DEFAULT


def default_encoder() -> Encoder:
    """The process-wide multilingual-e5-small encoder (all 12 layers, as published) used for
    semantic similarity: category matching and theme discovery. Loaded once; its int8 ONNX
    export when built (``backend="auto"``; cosine >= 0.98 to the fp32 model, tested).

    Returns
    -------
    Encoder
        The encoder at :func:`cxm_lab.config.model_dir`, the same object on every call.

    Raises
    ------
    ModelError
        When the encoder has not been built (``make setup``).

    Examples
    --------
    >>> default_encoder().encode(["hello", "سلام"]).shape  # doctest: +SKIP
    (2, 384)
    """
    global _DEFAULT_ENCODER
    if _DEFAULT_ENCODER is None:
        _DEFAULT_ENCODER = Encoder(model_dir())
    return _DEFAULT_ENCODER


_DEVICE_MODELS: dict[tuple[str, str, int | None], SentimentModel] = {}


def _device_model(
    path: str | Path | None, *, device: str, batch_size: int | None
) -> SentimentModel:
    """The offline model at ``path`` (default :func:`~cxm_lab.config.sentiment_dir`) on
    ``device``; the default model is loaded once per device and batch size."""
    folder = Path(path) if path is not None else sentiment_dir()
    if path is not None:
        return SentimentModel(Encoder(folder, batch_size=batch_size, device=device))
    key = (str(folder), device, batch_size)
    if key not in _DEVICE_MODELS:
        _DEVICE_MODELS[key] = SentimentModel(Encoder(folder, batch_size=batch_size, device=device))
    return _DEVICE_MODELS[key]


def _usable_texts(series: pd.Series, func: str) -> list[str]:
    """Each item stripped, or "" when it is missing or shows nothing (:func:`_is_blank`);
    an item that is neither text nor missing raises :class:`ParameterError`."""
    values: list[str] = []
    for pos, v in enumerate(series.tolist()):  # tolist: twice as fast as iterating Arrow
        if isinstance(v, str):
            v = v.strip()
            values.append("" if _is_blank(v) else v)
        elif _is_missing(v):
            values.append("")
        else:
            raise _not_a_text(
                func,
                series,
                pos,
                "pass the comment column; if numbers are meant as comments, convert it with "
                ".astype('string') (missing values stay missing)",
            )
    return values


def _result_frame(probs: np.ndarray, usable: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """The columns of :func:`score_sentiment` from class probabilities (n, 3; NaN rows where a
    text is empty): ``label``, ``score``, ``p_*`` and ``reason``."""
    best = np.where(usable, np.nanargmax(np.where(np.isnan(probs), -1, probs), axis=1), -1)
    return pd.DataFrame(
        {
            "label": pd.array([LABELS[b] if b >= 0 else pd.NA for b in best], dtype="string"),
            "score": np.where(
                usable, probs.max(axis=1, initial=-1, where=~np.isnan(probs)), np.nan
            ),
            "p_negative": probs[:, 0],
            "p_neutral": probs[:, 1],
            "p_positive": probs[:, 2],
            "reason": pd.array([pd.NA if u else "empty" for u in usable], dtype="string"),
        },
        index=index,
    )


def score_sentiment(
    texts: Sequence[str] | pd.Series,
    *,
    model: SentimentModel | str | Path | None = None,
    batch_size: int | None = None,
    cache: bool = True,
    progress: bool | None = None,
    device: str = "cpu",
) -> pd.DataFrame:
    """Sentiment of each text, aligned with the input.

    Parameters
    ----------
    texts : list or Series of str
        Comments in any language. Missing values (None, NaN, NA) and texts that show nothing
        (empty, or only whitespace, control characters and zero-width / format characters such
        as U+200B–U+200D, U+2060, U+FEFF) get ``label`` NA, probabilities NA and ``reason``
        "empty" (they are kept, not dropped); very long texts are truncated to the model's
        first 256 tokens.
    model : SentimentModel, local path or Hugging Face id, optional
        Default: the offline multilingual model.
    batch_size : int, optional
        Texts per forward pass when ``model`` is a path or None (default 32 on the CPU, 4096
        on a GPU).
    cache : bool
        Look up and store results in the SQLite cache keyed by (text, model, version).
    progress : bool, optional
        Show a progress bar (default: when more than 500 texts need scoring).
    device : {"cpu", "auto", "cuda"}
        Where a model given by path (or the default model) runs; ``"auto"`` takes a CUDA GPU
        when torch sees one (see :class:`Encoder`). The route that ran is logged, e.g.
        "sentiment: cuda bf16 (torch)" or "sentiment: cpu int8 (onnx)".

    Returns
    -------
    DataFrame
        Same index as a Series input (RangeIndex for a list): ``label``, ``score`` (probability
        of the label), ``p_negative``, ``p_neutral``, ``p_positive``, ``reason``, ``model``,
        ``model_version``.

    Raises
    ------
    ParameterError
        ``texts`` is one str or bytes (wrap it: ``score_sentiment([text])``), a DataFrame or
        not iterable, or an item is neither a string nor missing (e.g. a number; the message
        names its position).

    Warns
    -----
    CacheWarning
        The cache file was corrupt and has been moved aside and rebuilt, or the cache
        directory cannot be written (the call then runs without the disk cache).

    Examples
    --------
    >>> out = score_sentiment(["Support never called back.", "", None])  # doctest: +SKIP
    >>> out["label"].tolist(), out["reason"].tolist()  # doctest: +SKIP
    (['negative', <NA>, <NA>], [<NA>, 'empty', 'empty'])
    """
    _check_texts(texts, "score_sentiment", "score_sentiment([text])")
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    values = _usable_texts(series, "score_sentiment")
    if isinstance(model, SentimentModel):
        m = model
    elif model is None and device == "cpu" and batch_size is None:
        m = default_model()
    elif model is None or Path(str(model)).is_dir():
        m = _device_model(model, device=device, batch_size=batch_size)
    else:
        m = SentimentModel.from_hub(str(model))
    usable = np.array([len(v) > 0 for v in values], dtype=bool)
    probs = np.full((len(values), 3), np.nan)
    todo = np.flatnonzero(usable)
    store = _Cache(cache_dir() / "sentiment.sqlite") if cache and len(todo) else None
    try:
        if store is not None:
            keys = [_Cache.key(values[i], m.name, m.version) for i in todo]
            hit = store.get(list(set(keys)))
            for i, k in zip(todo, keys, strict=True):
                if k in hit:
                    probs[i] = hit[k]
            todo = np.array([i for i in todo if np.isnan(probs[i]).any()], dtype=int)
        if len(todo):
            if m.encoder is not None:
                _LOG.info("sentiment: %s", m.encoder.route)
            # distinct texts in first-seen order, and each row's position among them (a dict
            # does it in half the time of pd.factorize on 100,000 strings)
            first: dict[str, int] = {}
            codes = np.fromiter(
                (first.setdefault(values[i], len(first)) for i in todo),
                dtype=np.intp,
                count=len(todo),
            )
            uniq = list(first)
            show = progress if progress is not None else len(uniq) > 500
            p = m.predict_proba(uniq, progress=show)
            probs[todo] = p[codes]
            if store is not None:
                store.put(
                    (_Cache.key(t, m.name, m.version), *map(float, q))
                    for t, q in zip(uniq, p, strict=True)
                )
    finally:
        if store is not None:
            store.close()
    out = _result_frame(probs, usable, series.index)
    out["model"] = m.name
    out["model_version"] = m.version
    return out


def score_sentiment_dask(
    texts,  # noqa: ANN001 - a Dask or pandas Series, or a list
    *,
    model_path: str | Path | None = None,
    batch_size: int = 32,
    threads_per_worker: int | None = None,
    cache: str | Path | None = None,
):
    """Score a Dask Series (or a pandas Series, split into partitions) on a Dask cluster.

    Each worker process loads the model once (with ``threads_per_worker`` intra-op threads;
    default all cores, so give it the cluster's ``threads_per_worker`` when several workers share
    a machine) and scores its partitions through the shared Parquet result cache of
    :func:`cxm_lab.text.cluster.score_comments` (each partition looks its texts up, scores the
    misses and writes them as one file), so millions of comments scale with the number of
    workers and a re-run scores only new texts. For a whole job with a progress bar, one cache
    lookup and resumption after a lost worker, prefer :func:`cxm_lab.text.cluster.score_comments`::

        from dask.distributed import Client
        client = Client("scheduler:8786")          # or LocalCluster()
        comments = dd.read_parquet("s3://.../responses/")["comment"]
        scored = score_sentiment_dask(comments, model_path="/models/multilingual-e5-small")
        scored.to_parquet("s3://.../sentiment/")

    Parameters
    ----------
    texts : dask Series, Series or list of str
        The comments; a pandas Series or a list is split into partitions of about 2,000.
    model_path : path, optional
        The sentiment model directory each worker loads (default
        :func:`cxm_lab.config.sentiment_dir`).
    batch_size : int
        Texts per forward pass.
    threads_per_worker : int, optional
        Intra-op threads of each worker's model (default :func:`cxm_lab.config.threads`).
    cache : str or path, optional
        Folder or fsspec URL of the shared result cache every worker can reach (default
        ``<cache_dir>/shared``).

    Returns
    -------
    dask DataFrame
        The columns of :func:`score_sentiment` (call ``.compute()``).

    Raises
    ------
    ParameterError
        ``texts`` is one str or a (Dask) DataFrame; an item that is neither text nor missing
        raises when its partition is scored.

    Examples
    --------
    >>> scored = score_sentiment_dask(pd.Series(["great", "awful"]))  # doctest: +SKIP
    >>> scored.compute()["label"].tolist()  # doctest: +SKIP
    ['positive', 'negative']
    """
    import dask.dataframe as dd

    func = "score_sentiment_dask"
    _check_texts(texts, func, "score_sentiment_dask(pd.Series([text]))")
    if isinstance(texts, dd.DataFrame):
        raise ParameterError(
            f"{func}: texts must be a Dask or pandas Series of strings, got a Dask DataFrame; "
            "pass its text column, e.g. ddf['comment']."
        )
    if not isinstance(texts, pd.Series | dd.Series):
        texts = pd.Series(list(texts), dtype=object)
    if isinstance(texts, pd.Series):
        texts = dd.from_pandas(texts, npartitions=max(1, min(16, len(texts) // 2000 + 1)))
    meta = pd.DataFrame(
        {
            "label": pd.Series(dtype="string"),
            "score": pd.Series(dtype=float),
            "p_negative": pd.Series(dtype=float),
            "p_neutral": pd.Series(dtype=float),
            "p_positive": pd.Series(dtype=float),
            "reason": pd.Series(dtype="string"),
            "model": pd.Series(dtype=object),
            "model_version": pd.Series(dtype=object),
        }
    )
    path = str(model_path or sentiment_dir())
    store = str(cache or cache_dir() / "shared")
    return texts.map_partitions(
        _score_partition,
        path,
        batch_size,
        threads_per_worker,
        store,
        meta=meta,
    )


def _score_partition(
    part: pd.Series, path: str, batch_size: int, threads: int | None, cache: str
) -> pd.DataFrame:
    from cxm_lab.text.cluster import _score_series

    return _score_series(part, model_path=path, batch_size=batch_size, threads=threads, cache=cache)
