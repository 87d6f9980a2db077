"""Benchmark: sentiment of many unique comments on a Dask distributed cluster.

Scores ``--n`` unique synthetic comments (default 10,000; ``--n 100000`` for the full run)
with :func:`cxm_lab.text.cluster.score_comments` on a ``LocalCluster`` of 1, 2, ... ``--workers``
worker processes (one Dask thread each; the model of each worker gets ``cores // workers``
intra-op threads), every run with an empty shared Parquet cache, and prints comments/s, the
speed-up over one worker and the scaling efficiency (speed-up / workers). As peers in the same
run it times :func:`cxm_lab.text.sentiment.score_sentiment` in this process (no Dask, all
cores; ``--peer-n`` texts drawn at random) and a second cluster run over the now-warm cache (every
comment a cache hit).

The texts are unique on purpose: the cluster route scores each distinct text once and the
cache answers repeats, so duplicated texts would measure the cache, not the model. They are
the demo's comment templates (:func:`cxm_lab.demo_text.compose_comment`, five languages); once
the ~21,000 distinct single comments are used up, further texts join two or three comments of
one language, so larger ``--n`` means slightly longer texts (the mean token count is printed).

``--cache-only`` times only the lookup path: a call whose every text is already in the shared
cache (filled with made-up probabilities under the model's version), which scores nothing and
starts no cluster.

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_dask.py [--n 10000] [--workers 2]
[--cache-only]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time

import numpy as np
import pandas as pd

from cxm_lab.demo_text import THEMES, compose_comment

LANGUAGES = ("en", "fa", "ar", "ru", "zh")
CATEGORIES = ("detractor", "passive", "promoter")


def unique_comments(n: int, *, seed: int = 0) -> list[str]:
    """``n`` distinct synthetic comments in five languages, the same for the same seed."""
    rng = np.random.default_rng(seed)
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        lang = LANGUAGES[int(rng.integers(len(LANGUAGES)))]

        def one(lang: str = lang) -> str:
            weak, strong = THEMES[int(rng.integers(9))], THEMES[int(rng.integers(9))]
            return compose_comment(rng, lang, weak, strong, CATEGORIES[int(rng.integers(3))])

        text = one()
        while text in seen:
            text += ("" if lang == "zh" else " ") + one()
        seen.add(text)
        out.append(text)
    return out


def run_cluster(
    texts: pd.Series, workers: int, cache: str, cores: int, partition: int
) -> tuple[float, object]:
    """Seconds for one cluster run (cluster start-up excluded) and its result."""
    from dask.distributed import Client, LocalCluster

    from cxm_lab.text.cluster import score_comments

    threads = max(1, cores // workers)
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        # Load the model on every worker first: start-up is not throughput.
        warm = pd.Series([f"warm-up {i}" for i in range(workers * 4)])
        score_comments(warm, client=client, cache=cache + "-warm", threads=threads, progress=False)
        start = time.perf_counter()
        result = score_comments(
            texts,
            client=client,
            cache=cache,
            threads=threads,
            partition_size=partition,
            progress=False,
        )
        return time.perf_counter() - start, result


def cache_only(texts: pd.Series, tmp: str, partition: int) -> None:
    """Time a call whose every text is already in the shared cache (no model, no cluster
    started): the cache is filled with made-up probabilities under the model's version,
    in partitions as the workers write them."""
    from cxm_lab.text.cluster import ParquetCache, score_comments, store_url, text_key
    from cxm_lab.text.sentiment import SentimentModel

    model = SentimentModel.from_path()
    version = f"{model.name}\x00{model.version}"
    root = os.path.join(tmp, "parquet-cache-only")
    store = ParquetCache(store_url(root, "sentiment", version))
    uniq = sorted({t.strip() for t in texts}, key=lambda t: (len(t), t))
    rng = np.random.default_rng(0)
    for i in range(0, len(uniq), partition):
        keys = [text_key(t, version=version) for t in uniq[i : i + partition]]
        p = rng.dirichlet([1, 1, 1], len(keys))
        frame = pd.DataFrame(
            {"key": keys, "p_negative": p[:, 0], "p_neutral": p[:, 1], "p_positive": p[:, 2]}
        )
        store.write(frame, name=ParquetCache.file_name(keys))
    for attempt in (1, 2):
        start = time.perf_counter()
        result = score_comments(texts, cache=root, progress=False)
        seconds = time.perf_counter() - start
        print(
            f"cache every text already scored, try {attempt}: {len(texts) / seconds:,.0f} "
            f"comments/s ({seconds:.1f} s; scored {result.n_scored:,}, cached "
            f"{result.n_cached:,}, {len(store.files())} cache files)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="unique comments (default 10000)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="most workers")
    parser.add_argument("--partition", type=int, default=2048, help="texts per task (2048)")
    parser.add_argument(
        "--peer-n",
        type=int,
        default=10_000,
        help="texts the single-process peer scores (default 10000; at most --n)",
    )
    parser.add_argument(
        "--cache-only",
        action="store_true",
        help="only time a call whose every text is already cached (no model runs)",
    )
    args = parser.parse_args()

    from cxm_lab.text.sentiment import SentimentModel, score_sentiment

    cores = os.cpu_count() or 1
    texts = pd.Series(unique_comments(args.n))
    model = SentimentModel.from_path()
    tokens = [len(x) for x in model.encoder.tokenizer(["query: " + t for t in texts])["input_ids"]]
    print(f"texts: {len(texts):,} unique, mean {np.mean(tokens):.1f} tokens")
    print(f"machine: {cores} cores; route: {model.encoder.route}")

    tmp = tempfile.mkdtemp(prefix="cxm-bench-dask-")
    if args.cache_only:
        os.environ["CXM_LAB_CACHE_DIR"] = os.path.join(tmp, "sqlite")
        try:
            cache_only(texts, tmp, args.partition)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
    try:
        os.environ["CXM_LAB_CACHE_DIR"] = os.path.join(tmp, "sqlite")
        peer = texts.sample(min(args.peer_n, len(texts)), random_state=0)  # all lengths
        start = time.perf_counter()
        score_sentiment(peer, model=model, cache=False, progress=False)
        single = len(peer) / (time.perf_counter() - start)
        print(
            f"peer  score_sentiment, one process, {cores} threads, {len(peer):,} texts drawn at "
            "random: "
            f"{single:,.1f} comments/s"
        )

        rates: dict[int, float] = {}
        for k in sorted({1, *range(2, args.workers + 1)}):
            cache = os.path.join(tmp, f"parquet-{k}")
            seconds, result = run_cluster(texts, k, cache, cores, args.partition)
            rates[k] = len(texts) / seconds
            eff = rates[k] / rates[1] / k
            print(
                f"dask  {k} worker(s) x {max(1, cores // k)} model threads: "
                f"{rates[k]:,.1f} comments/s, speed-up {rates[k] / rates[1]:.2f}x, "
                f"efficiency {eff:.0%}, vs one process {rates[k] / single:.2f}x "
                f"(scored {result.n_scored:,}, cached {result.n_cached:,})"
            )
        k = max(rates)
        seconds, result = run_cluster(
            texts, k, os.path.join(tmp, f"parquet-{k}"), cores, args.partition
        )
        print(
            f"cache {k} worker(s), every text already scored: {len(texts) / seconds:,.0f} "
            f"comments/s (scored {result.n_scored:,}, cached {result.n_cached:,})"
        )
        hours = 1_000_000 / rates[k] / 3600
        print(f"one million new comments at {rates[k]:,.1f}/s: {hours:.1f} h on this machine")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
