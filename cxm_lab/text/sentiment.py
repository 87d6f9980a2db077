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
``.cache/cxm_lab``), so re-scoring an unchanged data set costs almost nothing.

Examples
--------
>>> score_sentiment(["Support never called back.", "پشتیبانی عالی بود"])[["label"]]  # doctest: +SKIP
      label
0  negative
1  positive
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cxm_lab.errors import ModelError
from cxm_lab.text.build_model import (
    EXPORT_RECIPE,
    ONNX_FILE,
    model_dir,
    pooled_embedding,
    sentiment_dir,
)

LABELS = ("negative", "neutral", "positive")
ROOT = Path(__file__).resolve().parents[2]
MAX_TOKENS = 256


def cache_dir() -> Path:
    return Path(os.environ.get("CXM_LAB_CACHE_DIR", ROOT / ".cache" / "cxm_lab"))


class Encoder:
    """A BERT-style encoder: texts → L2-normalised mean-pooled embeddings, batched and cached.

    Parameters
    ----------
    path : path, optional
        A local ``transformers`` model directory (default: the multilingual-e5-small encoder,
        :func:`cxm_lab.text.build_model.model_dir`).
    batch_size : int
        Texts per forward pass; texts are sorted by length so a batch pads little.
    max_tokens : int
        Longer texts are truncated to their first ``max_tokens`` tokens.
    disk_cache : bool
        Keep embeddings in ``cache_dir()/embeddings.sqlite`` so a re-run costs a lookup.
    backend : {"auto", "torch", "onnx"}
        ``"torch"`` runs the ``transformers`` model (``AutoModel.from_pretrained(path,
        local_files_only=True)``) in fp32; ``"onnx"`` runs ``model_int8.onnx`` from the same
        directory with ONNX Runtime (int8 weights: faster, see ``docs/TEXT_MODEL.md`` for what it
        costs in F1); ``"auto"`` takes ``"onnx"`` when that file exists.
    threads : int, optional
        Intra-op threads (default ``$CXM_LAB_THREADS`` or all cores; on the 2-core machines two
        threads measured 1.8x the speed of one).
    """

    def __init__(
        self,
        path: str | Path | None = None,
        batch_size: int = 32,
        max_tokens: int = MAX_TOKENS,
        disk_cache: bool = True,
        backend: str = "auto",
        threads: int | None = None,
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
        if backend == "onnx" and not onnx_file.is_file():
            raise ModelError(
                f"no {ONNX_FILE} in {self.path}; `make setup` exports it for the sentiment model, "
                "or use backend='torch'"
            )
        self.backend = (
            "onnx" if backend == "onnx" or (backend == "auto" and onnx_file.is_file()) else "torch"
        )
        self.threads = int(threads or os.environ.get("CXM_LAB_THREADS", 0) or os.cpu_count() or 1)
        self._tokenizer = None
        config = json.loads((self.path / "config.json").read_text())
        # Read from config.json rather than AutoConfig: a fully cached re-run never imports
        # transformers (hidden_size for BERT-like models, dim / d_model for others).
        self.dim = int(config.get("hidden_size") or config.get("dim") or config.get("d_model") or 0)
        self._runner = None  # the ONNX session or torch model, loaded on the first forward pass
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        stamp = self.path / "cxm_build.json"
        built = (
            json.loads(stamp.read_text())["source_sha256"][:12]
            if stamp.is_file()
            else "unversioned"
        )
        recipe = hashlib.sha256(EXPORT_RECIPE.encode()).hexdigest()[:8]
        self.version = built + (f"-onnx-int8-{recipe}" if self.backend == "onnx" else "")
        self.calls = 0  # forward passes run (tests use it to check the cache)
        self.memo_size = 200_000
        self.disk_cache = (
            disk_cache  # embeddings persisted under cache_dir(), keyed by (version, text)
        )
        self._memo: dict[str, np.ndarray] = {}

    def encode(
        self, texts: Sequence[str], prefix: str = "query: ", progress: bool = False
    ) -> np.ndarray:
        """Embed texts; returns (n, 384) float32, rows in input order.

        Duplicates are embedded once, and embeddings are remembered for the life of the
        encoder (up to ``memo_size`` texts), so sentiment, category matching and theme discovery
        on the same comments pay for one pass.
        """
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
        return (
            np.stack([self._memo[k] for k in keys])
            if keys
            else np.zeros((0, self.dim), dtype=np.float32)
        )

    def _db(self) -> sqlite3.Connection:
        path = cache_dir() / "embeddings.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE IF NOT EXISTS e (k TEXT PRIMARY KEY, v BLOB)")
        return db

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.version}\x00{text}".encode()).hexdigest()

    def _disk_get(self, texts: list[str]) -> dict[str, np.ndarray]:
        db = self._db()
        keyed = {self._key(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        ks = list(keyed)
        for i in range(0, len(ks), 500):
            chunk = ks[i : i + 500]
            for k, v in db.execute(
                f"SELECT k, v FROM e WHERE k IN ({','.join('?' * len(chunk))})", chunk
            ):
                found[keyed[k]] = np.frombuffer(v, dtype=np.float32)
        db.close()
        return found

    def _disk_put(self, texts: list[str], emb: np.ndarray) -> None:
        db = self._db()
        db.executemany(
            "INSERT OR REPLACE INTO e VALUES (?, ?)",
            [
                (self._key(t), e.astype(np.float32).tobytes())
                for t, e in zip(texts, emb, strict=True)
            ],
        )
        db.commit()
        db.close()

    def _encode(self, texts: list[str], progress: bool) -> np.ndarray:
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
                self._runner = AutoModel.from_pretrained(
                    self.path, local_files_only=True, add_pooling_layer=False
                ).eval()
        return self._runner

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
        encoder's directory) and optionally a ``.json`` beside it naming the label order.
    """

    def __init__(
        self,
        encoder: Encoder | None = None,
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
            head_hash = hashlib.sha256(head.read_bytes()).hexdigest()[:12]
            self.name = name or "multilingual-e5-small LoRA sentiment (cxm)"
            self.version = f"enc-{encoder.version}+head-{head_hash}"
        else:
            self.name = name or str(pipeline.model.name_or_path)
            self.version = getattr(pipeline.model.config, "_commit_hash", None) or "hub"

    @classmethod
    def from_path(
        cls,
        path: str | Path | None = None,
        batch_size: int = 32,
        backend: str = "auto",
        threads: int | None = None,
    ) -> SentimentModel:
        """The offline model at ``path`` (default :func:`~cxm_lab.text.build_model.sentiment_dir`);
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

    def predict_proba(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Probabilities (n, 3) in the order negative, neutral, positive."""
        if self.pipeline is not None:
            rows = self.pipeline(list(texts), truncation=True)
            out = np.zeros((len(texts), 3))
            for i, scores in enumerate(rows):
                for s in scores:
                    out[i, _map_label(s["label"])] += s["score"]
            return out / out.sum(axis=1, keepdims=True)
        emb = self.encoder.encode(texts, progress=progress)
        logits = emb @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        return p[:, [self.labels.index(lab) for lab in LABELS]]


def _map_label(label: str) -> int:
    lab = label.lower()
    if "neg" in lab or lab in {"label_0", "1 star", "2 stars", "very negative"}:
        return 0
    if "pos" in lab or lab in {"label_2", "4 stars", "5 stars", "very positive"}:
        return 2
    return 1


class _Cache:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS s (k TEXT PRIMARY KEY, neg REAL, neu REAL, pos REAL)"
        )

    @staticmethod
    def key(text: str, model: str, version: str) -> str:
        return hashlib.sha256(f"{model}\x00{version}\x00{text}".encode()).hexdigest()

    def get(self, keys: list[str]) -> dict[str, tuple[float, float, float]]:
        found: dict[str, tuple[float, float, float]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            q = f"SELECT k, neg, neu, pos FROM s WHERE k IN ({','.join('?' * len(chunk))})"
            found.update({k: (a, b, c) for k, a, b, c in self.db.execute(q, chunk)})
        return found

    def put(self, rows: Iterable[tuple[str, float, float, float]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO s VALUES (?, ?, ?, ?)", list(rows))
        self.db.commit()


_DEFAULT: SentimentModel | None = None
_DEFAULT_ENCODER: Encoder | None = None


def default_model() -> SentimentModel:
    """The process-wide offline sentiment model, loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = SentimentModel.from_path()
    return _DEFAULT


def default_encoder() -> Encoder:
    """The process-wide multilingual-e5-small encoder (all 12 layers, as published) used for
    semantic similarity: category matching and theme discovery. Loaded once; its int8 ONNX
    export when built (``backend="auto"``; cosine >= 0.98 to the fp32 model, tested)."""
    global _DEFAULT_ENCODER
    if _DEFAULT_ENCODER is None:
        _DEFAULT_ENCODER = Encoder(model_dir())
    return _DEFAULT_ENCODER


def score_sentiment(
    texts: Sequence[str] | pd.Series,
    model: SentimentModel | str | Path | None = None,
    *,
    batch_size: int = 32,
    cache: bool = True,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Sentiment of each text, aligned with the input.

    Parameters
    ----------
    texts : list or Series of str
        Comments in any language. Missing, empty, whitespace-only and non-string values get
        ``label`` NA and ``reason`` "empty" (they are kept, not dropped); very long texts are
        truncated to the model's first 256 tokens.
    model : SentimentModel, local path or Hugging Face id, optional
        Default: the offline multilingual model.
    cache : bool
        Look up and store results in the SQLite cache keyed by (text, model, version).
    progress : bool, optional
        Show a progress bar (default: when more than 500 texts need scoring).

    Returns
    -------
    DataFrame
        Same index as a Series input (RangeIndex for a list): ``label``, ``score`` (probability
        of the label), ``p_negative``, ``p_neutral``, ``p_positive``, ``reason``, ``model``,
        ``model_version``.
    """
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    if isinstance(model, SentimentModel):
        m = model
    elif model is None:
        m = default_model()
    elif Path(str(model)).is_dir():
        m = SentimentModel.from_path(model, batch_size=batch_size)
    else:
        m = SentimentModel.from_hub(str(model))
    values = [v.strip() if isinstance(v, str) else "" for v in series]
    usable = np.array([len(v) > 0 for v in values])
    probs = np.full((len(values), 3), np.nan)
    todo = np.flatnonzero(usable)
    store = _Cache(cache_dir() / "sentiment.sqlite") if cache else None
    if store is not None and len(todo):
        keys = [_Cache.key(values[i], m.name, m.version) for i in todo]
        hit = store.get(list(set(keys)))
        for i, k in zip(todo, keys, strict=True):
            if k in hit:
                probs[i] = hit[k]
        todo = np.array([i for i in todo if np.isnan(probs[i, 0])], dtype=int)
    if len(todo):
        uniq = sorted({values[i] for i in todo})
        show = progress if progress is not None else len(uniq) > 500
        p = m.predict_proba(uniq, progress=show)
        lookup = dict(zip(uniq, p, strict=True))
        for i in todo:
            probs[i] = lookup[values[i]]
        if store is not None:
            store.put((_Cache.key(t, m.name, m.version), *map(float, lookup[t])) for t in uniq)
    best = np.where(usable, np.nanargmax(np.where(np.isnan(probs), -1, probs), axis=1), -1)
    out = pd.DataFrame(
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
        index=series.index,
    )
    out["model"] = m.name
    out["model_version"] = m.version
    return out


def score_sentiment_dask(
    texts,
    model_path: str | Path | None = None,
    batch_size: int = 32,
    threads_per_worker: int | None = None,
):
    """Score a Dask Series (or a pandas Series, split into partitions) on a Dask cluster.

    Each worker process loads the model once (with ``threads_per_worker`` intra-op threads;
    default all cores, so give it the cluster's ``threads_per_worker`` when several workers share
    a machine) and scores its partitions with :func:`score_sentiment`, so millions of comments
    scale with the number of workers::

        from dask.distributed import Client
        client = Client("scheduler:8786")          # or LocalCluster()
        comments = dd.read_parquet("s3://.../responses/")["comment"]
        scored = score_sentiment_dask(comments, model_path="/models/multilingual-e5-small")
        scored.to_parquet("s3://.../sentiment/")

    Returns a Dask DataFrame with the columns of :func:`score_sentiment` (call ``.compute()``).
    """
    import dask.dataframe as dd

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
    return texts.map_partitions(_score_partition, path, batch_size, threads_per_worker, meta=meta)


_WORKER_MODELS: dict[str, SentimentModel] = {}


def _score_partition(
    part: pd.Series, path: str, batch_size: int, threads: int | None
) -> pd.DataFrame:
    if path not in _WORKER_MODELS:
        _WORKER_MODELS[path] = SentimentModel.from_path(
            path, batch_size=batch_size, threads=threads
        )
    return score_sentiment(part, _WORKER_MODELS[path], progress=False)
