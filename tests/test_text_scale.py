"""Text at scale: the Dask route with its shared Parquet cache, recovery from a killed worker,
and the GPU route's selection and feeding (checked on the CPU).

A tiny stand-in model keeps these fast and independent of ``make setup``: a 2-layer BERT with
random weights and a word-level tokenizer, saved with ``save_pretrained`` to a temporary
folder and loaded by the real code path (``AutoModel.from_pretrained(path)``), plus a random
``head.npz``. The reference for every result is :func:`score_sentiment` in this process.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest

from cxm_lab.errors import ModelError, ParameterError
from cxm_lab.text import cluster, sentiment

WORDS = (
    "support billing invoice late slow fast great awful price product onboarding team helpful "
    "rude never always again wrong right call email answer issue fixed broken easy hard "
    "manager renewal contract outage reliable crash report dashboard training"
).split()


def _texts(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct texts of 3 to 20 words (so batches need padding)."""
    rng = np.random.default_rng(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        k = int(rng.integers(3, 21))
        out[" ".join(rng.choice(WORDS, size=k))] = None
    return list(out)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A small real ``transformers`` model directory + head, random weights, seeded."""
    torch = pytest.importorskip("torch")
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    path = tmp_path_factory.mktemp("tiny-model")
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    vocab = {w: i for i, w in enumerate([*specials, "query:", *WORDS])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
    ).save_pretrained(path)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=48,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=96,
        max_position_embeddings=300,
        pad_token_id=1,
    )
    BertModel(config, add_pooling_layer=False).save_pretrained(path)
    rng = np.random.default_rng(0)
    np.savez(path / "head.npz", coef=rng.normal(0, 20, (3, 48)), intercept=rng.normal(0, 1, 3))
    return path


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Caches under tmp_path, one model thread, no scheduler from the environment."""
    monkeypatch.setenv("CXM_LAB_CACHE_DIR", str(tmp_path / "sqlite"))
    monkeypatch.setenv("CXM_LAB_THREADS", "1")
    monkeypatch.delenv("CXM_LAB_DASK_SCHEDULER", raising=False)
    return tmp_path


def _reference(texts, tiny) -> pd.DataFrame:
    model = sentiment.SentimentModel(sentiment.Encoder(tiny, disk_cache=False, threads=1))
    return sentiment.score_sentiment(texts, model=model, cache=False, progress=False)


def _same_scores(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert got.index.equals(expected.index)
    pd.testing.assert_series_equal(got["label"], expected["label"])
    pd.testing.assert_series_equal(got["reason"], expected["reason"])
    for col in ("score", "p_negative", "p_neutral", "p_positive"):
        np.testing.assert_allclose(got[col], expected[col], rtol=0, atol=1e-6, equal_nan=True)


def _cache_keys(root) -> list[str]:
    files = glob.glob(str(root / "**" / "part-*.parquet"), recursive=True)
    return [k for f in files for k in pd.read_parquet(f)["key"]]


@pytest.fixture(scope="module")
def threads_cluster():
    """An in-process cluster (fast to start) for the functional tests."""
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
    ) as c:
        yield c


# --------------------------------------------------------------------------- the cache


def test_text_key_is_sha1_of_version_and_text():
    expected = hashlib.sha1(b"m v2\x00Billing wrong").hexdigest()
    assert cluster.text_key("Billing wrong", version="m v2") == expected


def test_parquet_cache_writes_atomically_and_skips_unreadable_files(tmp_path):
    store = cluster.ParquetCache(tmp_path / "c")
    assert store.read(["a"]).empty  # no folder yet
    frame = pd.DataFrame({"key": ["a", "b"], "p_positive": [0.25, 0.5]})
    name = cluster.ParquetCache.file_name(["a", "b"])
    store.write(frame, name=name)
    store.write(frame, name=name)  # a re-run task writes the same file again
    assert [os.path.basename(f) for f in store.files()] == [name]
    assert not [f for f in os.listdir(tmp_path / "c") if f.startswith(".tmp")]
    (tmp_path / "c" / "part-broken.parquet").write_bytes(b"not parquet")
    with pytest.warns(sentiment.CacheWarning, match="cannot be read"):
        got = store.read(["b", "x"])
    assert got.to_dict("records") == [{"key": "b", "p_positive": 0.5}]


# --------------------------------------------------------------------------- the Dask route


def test_score_comments_equals_one_process_and_scores_only_new_texts(tiny, env, threads_cluster):
    from dask.distributed import Client

    base = _texts(120, seed=1)
    texts = pd.Series([*base, base[0], None, "  \u200b ", base[5]], index=range(100, 224))
    with Client(threads_cluster) as client:
        first = cluster.score_comments(
            texts, client=client, cache=env / "cache", model_path=tiny, partition_size=32
        )
        assert (first.n_texts, first.n_unique, first.n_scored, first.n_cached) == (124, 120, 120, 0)
        assert first.n_partitions == 4 and first.route == "cpu fp32 (torch)"
        _same_scores(first.table, _reference(texts, tiny))
        assert first.table.loc[[221, 222], "reason"].tolist() == ["empty", "empty"]

        more = pd.Series([*base[:60], *_texts(30, seed=2)])
        second = cluster.score_comments(
            more, client=client, cache=env / "cache", model_path=tiny, partition_size=32
        )
    assert (second.n_cached, second.n_scored) == (60 + len(set(more[60:]) & set(base)), 30)
    _same_scores(second.table, _reference(more, tiny))
    # The results are in this machine's SQLite cache too: score_sentiment runs no model.
    model = sentiment.SentimentModel(sentiment.Encoder(tiny, disk_cache=False, threads=1))
    again = sentiment.score_sentiment(more, model=model, progress=False)
    assert model.encoder.calls == 0
    _same_scores(again, second.table)
    keys = _cache_keys(env / "cache")
    assert len(keys) == len(set(keys)) == len(set(base) | set(more))


def test_scheduler_address_from_the_environment(tiny, env, threads_cluster, monkeypatch):
    monkeypatch.setenv("CXM_LAB_DASK_SCHEDULER", threads_cluster.scheduler_address)
    texts = _texts(40, seed=3)
    got = cluster.score_comments(
        texts, cache=env / "cache", model_path=tiny, partition_size=16, batch_size=8
    )
    assert got.n_scored == 40 and got.n_partitions == 3
    _same_scores(got.table, _reference(texts, tiny))


def test_categories_are_matched_on_the_cluster_and_cached(tiny, env, threads_cluster, monkeypatch):
    from dask.distributed import Client

    from cxm_lab.text.topics import match_categories

    monkeypatch.setenv("CXM_LAB_MODEL_DIR", str(tiny))  # the similarity encoder: the tiny one
    cats = {"billing": ["invoice wrong", "billing price"], "support": ["support call answer"]}
    texts = pd.Series([*_texts(50, seed=4), ""])
    with Client(threads_cluster) as client:
        got = cluster.score_comments(
            texts, client=client, cache=env / "cache", model_path=tiny, categories=cats
        )
        again = cluster.score_comments(
            texts, client=client, cache=env / "cache", model_path=tiny, categories=cats
        )
    expected = match_categories(
        texts, categories=cats, encoder=sentiment.Encoder(tiny, disk_cache=False, threads=1)
    )
    pd.testing.assert_series_equal(got.table["category"], expected["category"])
    pd.testing.assert_series_equal(got.table["runner_up"], expected["runner_up"])
    np.testing.assert_allclose(got.table["similarity"], expected["similarity"], atol=1e-6)
    assert got.n_partitions == 2 and again.n_partitions == 0  # one task per kind, then cached
    pd.testing.assert_frame_equal(again.table, got.table)


def test_score_sentiment_dask_goes_through_the_shared_cache(tiny, env, threads_cluster):
    from dask.distributed import Client

    texts = pd.Series(_texts(50, seed=5) * 2)
    with Client(threads_cluster):
        got = sentiment.score_sentiment_dask(
            texts, model_path=tiny, threads_per_worker=1, cache=env / "cache"
        ).compute()
    _same_scores(got.sort_index(), _reference(texts, tiny))
    assert sorted(_cache_keys(env / "cache")) == sorted(
        set(
            cluster.text_key(t, version=f"{got['model'][0]}\x00{got['model_version'][0]}")
            for t in texts
        )
    )


def _clausy(n: int, seed: int) -> list[str]:
    """Comments of two or three clauses ("support great, billing wrong. invoice late")."""
    parts = _texts(3 * n, seed=seed)
    return [
        f"{parts[3 * i]}, {parts[3 * i + 1]}" + (f". {parts[3 * i + 2]}" * (i % 2))
        for i in range(n)
    ]


def _locally_embedded(enc: sentiment.Encoder, monkeypatch) -> list[str]:
    """The texts ``enc`` runs its model on from now on (its forward passes' inputs)."""
    seen: list[str] = []
    real = enc._encode

    def spy(texts, progress):  # noqa: ANN001, ANN202
        seen.extend(texts)
        return real(texts, progress)

    monkeypatch.setattr(enc, "_encode", spy)
    return seen


def test_warm_caches_leaves_no_model_work_for_the_report(tiny, env, threads_cluster, monkeypatch):
    """After warm_caches on the cluster, this machine scores and embeds the comments and
    their clauses from its caches: theme_mentions and score_sentiment run no model on them,
    and the cached embeddings equal a local encoder's."""
    from dask.distributed import Client

    from cxm_lab.text.aspects import split_clauses, theme_mentions

    monkeypatch.setenv("CXM_LAB_MODEL_DIR", str(tiny))
    comments = _clausy(40, seed=8)
    texts = pd.Series([*comments, comments[0], None, "   "])
    clauses = [c for t in comments for c in split_clauses(t)]
    assert len(clauses) > len(comments)  # the texts do have several clauses
    with Client(threads_cluster) as client:
        first = cluster.warm_caches(
            texts, client=client, cache=env / "cache", model_path=tiny, encoder_path=tiny,
            partition_size=32,
        )  # fmt: skip
        again = cluster.warm_caches(
            texts, client=client, cache=env / "cache", model_path=tiny, encoder_path=tiny
        )
    distinct = set(comments) | set(clauses)
    assert (first.n_comments, first.n_clauses) == (
        41,
        len(clauses) + len(split_clauses(comments[0])),
    )
    assert first.n_texts == first.n_scored == first.n_embedded == len(distinct)
    assert first.n_partitions == 2 * -(-len(distinct) // 32)  # sentiment, embeddings
    assert (again.n_scored, again.n_embedded, again.n_partitions) == (0, 0, 0)

    model = sentiment.SentimentModel(sentiment.Encoder(tiny, disk_cache=False, threads=1))
    enc = sentiment.Encoder(tiny, threads=1)  # reads this machine's embedding cache
    embedded = _locally_embedded(enc, monkeypatch)
    cats = {"billing": ["invoice wrong", "billing price"], "support": ["support call answer"]}
    mentions = theme_mentions(texts, categories=cats, encoder=enc, model=model)
    assert model.encoder.calls == 0  # every clause's sentiment came from the cache
    assert not set(embedded) & {"query: " + t for t in distinct}  # only seed phrases embedded
    assert len(mentions) > 0
    _same_scores(
        sentiment.score_sentiment(texts, model=model, progress=False), _reference(texts, tiny)
    )
    assert model.encoder.calls == 0
    fresh = sentiment.Encoder(tiny, disk_cache=False, threads=1)
    some = sorted(distinct)[:30]
    np.testing.assert_allclose(enc.encode(some), fresh.encode(some), atol=1e-5)


def test_a_run_with_a_cluster_key_scores_the_comments_there_first(
    tiny, env, threads_cluster, monkeypatch
):
    """params ``cluster:`` → the run's step 1b scores the comments as the notebooks will read
    them (PII masked) on the cluster; an unreachable scheduler is one clear RunError."""
    from dataclasses import replace

    import dask

    from cxm_lab.errors import RunError
    from cxm_lab.params import load_params
    from cxm_lab.pipeline import prepare_inputs, warm_text_caches

    monkeypatch.setenv("CXM_LAB_MODEL_DIR", str(tiny))
    monkeypatch.setenv("CXM_LAB_SENTIMENT_DIR", str(tiny))
    comments = _clausy(30, seed=9)
    comments[3] += ", mail me at jo.smith@example.com"
    rows = pd.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(30)],
            "response_date": pd.date_range("2026-07-01", periods=30, freq="D").strftime("%Y-%m-%d"),
            "ltr": np.arange(30) % 11,
            "comment": comments,
        }
    )
    rows.to_csv(env / "responses.csv", index=False)
    address = threads_cluster.scheduler_address
    params_file = env / "run.yaml"
    params_file.write_text(
        f"name: x\ndata_dir: responses.csv\ncluster: {{scheduler: '{address}', cache: cache}}\n"
    )
    params = load_params(params_file)
    stage = env / "stage"
    stage.mkdir()
    inputs = prepare_inputs(params, params_file, stage, log=lambda _: None)
    lines: list[str] = []
    seconds = warm_text_caches(inputs, log=lines.append)
    assert seconds is not None and len(lines) == 1
    assert f"on the Dask cluster at {address}: 30 comments" in lines[0]
    assert _cache_keys(env / "cache")  # "cache: cache" is read from the params file's folder

    from cxm_lab.io import load_dataset

    read = load_dataset(inputs.prepared, mask_pii=True).responses["comment"]
    assert "jo.smith@example.com" not in " ".join(read)  # the notebooks' view is masked
    model = sentiment.SentimentModel(sentiment.Encoder(tiny, disk_cache=False, threads=1))
    sentiment.score_sentiment(read, model=model, progress=False)
    assert model.encoder.calls == 0

    no_cluster = params.model_copy(update={"cluster": None})
    assert warm_text_caches(replace(inputs, params=no_cluster), log=lines.append) is None
    dead = params.model_copy(
        update={"cluster": params.cluster.model_copy(update={"scheduler": "tcp://127.0.0.1:9"})}
    )
    with (
        dask.config.set({"distributed.comm.timeouts.connect": "1s"}),
        pytest.raises(RunError, match=r"cannot score the comments on the Dask cluster at "
                                      r"tcp://127\.0\.0\.1:9 \(from params cluster\.scheduler\)"),
    ):  # fmt: skip
        warm_text_caches(replace(inputs, params=dead))


def test_bad_partition_size_is_a_parameter_error(tiny, env):
    with pytest.raises(ParameterError, match="score_comments: partition_size"):
        cluster.score_comments(["a"], model_path=tiny, partition_size=0)
    with pytest.raises(ParameterError, match="score_comments: texts must be"):
        cluster.score_comments("one text", model_path=tiny)


def test_a_killed_worker_loses_and_duplicates_nothing(tiny, env):
    """Two worker processes; one is killed (SIGKILL) once the first partitions are written.
    Dask re-runs its partitions elsewhere (the nanny restarts it); every input row comes back
    exactly once with the scores of a single-process run, and the cache holds each text once."""
    from dask.distributed import Client, LocalCluster

    base = _texts(480, seed=6)
    texts = pd.Series([*base, *base[:40]], index=[f"r{i}" for i in range(520)])
    n_parts = 480 // 8
    out: dict[str, object] = {}
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as lc,
        Client(lc) as client,
    ):
        job = threading.Thread(
            target=lambda: out.update(
                result=cluster.score_comments(
                    texts,
                    client=client,
                    cache=env / "cache",
                    model_path=tiny,
                    partition_size=8,
                    batch_size=8,
                    threads=1,
                    progress=False,
                )
            )
        )
        job.start()
        deadline = time.monotonic() + 120
        while len(_cache_keys(env / "cache")) < 16 and time.monotonic() < deadline:
            time.sleep(0.005)
        pids = client.run(os.getpid)
        victim = sorted(pids.values())[0]
        done_at_kill = len(glob.glob(str(env / "cache" / "**" / "part-*.parquet"), recursive=True))
        os.kill(victim, signal.SIGKILL)
        job.join(timeout=120)
        assert not job.is_alive(), "the job did not finish after a worker was killed"
        assert victim not in client.run(os.getpid).values()
    assert 0 < done_at_kill < n_parts, "the worker was not killed mid-job"
    result = out["result"]
    assert result.n_scored == 480 and result.n_partitions == n_parts
    table = result.table
    assert list(table.index) == list(texts.index)  # each input row exactly once, in order
    _same_scores(table, _reference(texts, tiny))
    keys = _cache_keys(env / "cache")
    assert len(keys) == len(set(keys)) == 480


# --------------------------------------------------------------------------- the GPU route


@pytest.mark.parametrize(
    ("status", "route", "batch"),
    [
        ((True, True), "cuda bf16 (torch)", 4096),
        ((True, False), "cuda fp16 (torch)", 4096),
        ((False, False), "cpu fp32 (torch)", 32),
    ],
)
def test_device_auto_picks_the_gpu_when_torch_sees_one(tiny, monkeypatch, status, route, batch):
    monkeypatch.setattr(sentiment, "_cuda_status", lambda: status)
    enc = sentiment.Encoder(tiny, device="auto", disk_cache=False)
    assert (enc.route, enc.batch_size) == (route, batch)
    cpu = sentiment.Encoder(tiny, disk_cache=False)
    assert cpu.route == "cpu fp32 (torch)"  # the default never looks for a GPU
    assert (enc.version == cpu.version) == (not status[0])  # GPU results are cached apart


def test_device_errors(tiny, monkeypatch):
    monkeypatch.setattr(sentiment, "_cuda_status", lambda: (False, False))
    with pytest.raises(ModelError, match="device='cuda' but torch sees no CUDA GPU"):
        sentiment.Encoder(tiny, device="cuda")
    with pytest.raises(ModelError, match="device='gpu' is not known"):
        sentiment.Encoder(tiny, device="gpu")
    with pytest.raises(ModelError, match="with backend='onnx' is not a route"):
        sentiment.Encoder(tiny, device="cuda", backend="onnx")


def test_score_sentiment_says_which_route_ran(tiny, env, caplog, monkeypatch):
    monkeypatch.setattr(sentiment, "_cuda_status", lambda: (False, False))
    with caplog.at_level(logging.INFO, logger="cxm_lab.text.sentiment"):
        out = sentiment.score_sentiment(["great support"], model=tiny, device="auto")
    assert "sentiment: cpu fp32 (torch)" in caplog.text
    assert out["label"].notna().all()


def test_the_gpu_feeding_path_gives_the_cpu_route_results(tiny):
    """The GPU route's background tokenisation and length buckets, run on the CPU."""
    texts = ["query: " + t for t in _texts(150, seed=7)]
    enc = sentiment.Encoder(tiny, disk_cache=False, threads=1, batch_size=16)
    np.testing.assert_allclose(enc._encode_fed(texts, False), enc._encode(texts, False), atol=1e-5)

    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tiny / "tokenizer.json"))
    seen = []
    for idx, ids, mask in sentiment._token_batches(
        texts, tok, batch_size=16, max_tokens=12, pad_id=1
    ):
        assert ids.shape[1] % 8 == 0 and ids.shape == mask.shape and len(idx) <= 16
        hf = enc.tokenizer([texts[i] for i in idx], truncation=True, max_length=12)["input_ids"]
        for row, ref in enumerate(hf):
            assert ids[row, : len(ref)].tolist() == ref and mask[row].sum() == len(ref)
            assert (ids[row, len(ref) :] == 1).all() and mask[row, len(ref) :].sum() == 0
        seen.extend(idx)
    assert sorted(seen) == list(range(len(texts)))  # every text in exactly one batch


def test_tokenising_processes_give_the_same_batches_and_results(tiny):
    """The GPU route fed by single-threaded tokenising worker processes (run on the CPU):
    the same batches as the tokenizer's own threads, the same embeddings as the CPU route."""
    from tokenizers import Tokenizer

    texts = ["query: " + t for t in _texts(300, seed=8)]
    enc = sentiment.Encoder(tiny, disk_cache=False, threads=1, batch_size=16, tokenize_processes=2)
    assert sentiment.Encoder(tiny, disk_cache=False).tokenize_processes == 0  # CPU route: none
    np.testing.assert_allclose(enc._encode_fed(texts, False), enc._encode(texts, False), atol=1e-5)
    pool = enc._tokenize_pool()
    assert pool is not None and pool is enc._tokenize_pool()  # started once
    import multiprocessing as mp

    with pytest.MonkeyPatch.context() as mpatch:  # as in a Dask worker under its nanny
        mpatch.setattr(mp.current_process(), "daemon", True, raising=False)
        assert sentiment.Encoder(tiny, tokenize_processes=4)._tokenize_pool() is None
    tok = Tokenizer.from_file(str(tiny / "tokenizer.json"))
    kw = {"batch_size": 16, "max_tokens": enc.max_tokens, "pad_id": 1}  # the pool's truncation
    threaded = list(sentiment._token_batches(texts, tok, **kw))
    pooled = list(sentiment._token_batches(texts, enc._batch_tokenizer, **kw, pool=pool))
    with pytest.MonkeyPatch.context() as mpatch:  # parts of 64 texts sent in pieces of 5
        mpatch.setattr(sentiment, "TOKENIZE_PIECE", 5)
        pieces = list(sentiment._token_batches(texts, enc._batch_tokenizer, **kw, pool=pool))
    assert len(threaded) == len(pooled) == len(pieces)
    for (i1, ids1, m1), (i2, ids2, m2), (i3, ids3, m3) in zip(
        threaded, pooled, pieces, strict=True
    ):
        assert i1.tolist() == i2.tolist() == i3.tolist()
        np.testing.assert_array_equal(ids1, ids2)
        np.testing.assert_array_equal(m1, m2)
        np.testing.assert_array_equal(ids1, ids3)
        np.testing.assert_array_equal(m1, m3)


def test_calibration_languages_found_by_the_tokenising_processes(tiny, monkeypatch):
    """With tokenising processes, the calibration's script detection runs there (in pieces,
    while the encoder works) and gives what the one-process detection gives, in order; the
    calibrated probabilities are the same."""
    texts = [
        f"{w} {i}"
        for i in range(700)
        for w in ("خیلی خوب بود", "ممتاز جدا", "很好", "Очень плохо", "great", "42", "ٹھیک ہے")
    ]
    known = ("ar", "fa", "ur", "zh", "ru", "en")
    enc = sentiment.Encoder(tiny, disk_cache=False, threads=1, tokenize_processes=2)
    monkeypatch.setattr(sentiment, "POOL_MIN_TEXTS", 100)
    got = enc.map_async(sentiment._pool_languages, texts, known)
    assert got is not None
    want = sentiment._calibration_languages(texts, known=known)
    assert got() == want
    assert {"ar", "fa", "ur", "zh", "ru", "en", None} == set(want)
    assert enc.map_async(sentiment._pool_languages, texts[:99], known) is None  # too few
    plain = sentiment.Encoder(tiny, disk_cache=False, threads=1)  # CPU route: no processes
    assert plain.map_async(sentiment._pool_languages, texts, known) is None

    offsets = {lang: [0.0, 1.5 - k, 0.0] for k, lang in enumerate(known)}
    pooled, serial = sentiment.SentimentModel(enc), sentiment.SentimentModel(plain)
    for m in (pooled, serial):
        m.calibration = {lang: np.asarray(o) for lang, o in offsets.items()}
    calls = []
    real = sentiment._calibration_languages
    monkeypatch.setattr(
        sentiment,
        "_calibration_languages",
        lambda t, known: calls.append(len(t)) or real(t, known=known),
    )
    np.testing.assert_allclose(pooled.predict_proba(texts), serial.predict_proba(texts), atol=1e-6)
    assert calls == [len(texts)]  # only the serial model detected in this process


def test_the_gpu_route_passes_a_4d_mask_and_never_asks_whether_there_is_padding(tiny, monkeypatch):
    """transformers 5 asks ``mask.all()`` of a 2D mask (a device sync per batch on a GPU);
    the route passes the 4D boolean mask transformers would build, with the same result."""
    torch = pytest.importorskip("torch")
    masking = pytest.importorskip("transformers.masking_utils")
    enc = sentiment.Encoder(tiny, disk_cache=False, threads=1, batch_size=16)
    texts = ["query: " + t for t in _texts(60, seed=11)]
    ref = enc._encode(texts, False)

    def no_sync(*args, **kwargs):
        raise AssertionError("the padding check ran")

    monkeypatch.setattr(masking, "_ignore_bidirectional_mask_sdpa", no_sync)
    if sentiment._transformers_5() and enc.runner.config._attn_implementation == "sdpa":
        np.testing.assert_allclose(enc._encode_fed(texts, False), ref, atol=1e-5)
        mask = torch.tensor([[1, 1, 1, 0], [1, 1, 1, 1]])
        four = sentiment._attention_mask_4d(enc.runner, mask)
        assert four.shape == (2, 1, 4, 4) and four.dtype == torch.bool
        assert four[0, 0, :, 3].sum() == 0 and bool(four[1].all())
        with torch.inference_mode(), pytest.raises(AssertionError, match="padding check"):
            enc.runner(input_ids=torch.ones(2, 4, dtype=torch.long), attention_mask=mask)
    else:  # transformers 4, or eager attention: the 2D mask goes through unchanged
        mask = torch.ones(2, 4, dtype=torch.long)
        assert sentiment._attention_mask_4d(enc.runner, mask) is mask
