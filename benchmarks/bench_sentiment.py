"""Benchmark: sentiment accuracy on held-out real comments, throughput, memory, speed-ups.

Scores a fixed sample of evaluation rows per language (never used for training; see
``cxm_lab/text/labelled.py``) through three routes of the same fine-tuned model, each in its own
process so that its peak memory is its own:

- ``pipeline``: a plain ``transformers.pipeline("feature-extraction")`` call on the model
  directory (torch fp32, texts in input order, the pipeline's defaults), then the same pooling
  and head: the baseline for the speed-up;
- ``torch``: cxm_lab's ``Encoder(backend="torch")``: fp32, length-sorted batches of 32;
- ``onnx`` (the default): ``Encoder(backend="onnx")``: ONNX Runtime, int8 weights, length-sorted
  batches of 32.

It prints accuracy and macro-F1 per language (3-class where the data has a neutral label, and
binary positive vs negative), comments/s, peak RSS, the speed-up over the plain pipeline and
the F1 each speed-up costs. Needs ``../shared/data`` and the built model (``make setup``).

Run: ``.venv/bin/python benchmarks/bench_sentiment.py [--per-language 1000] [--threads 2]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from cxm_lab.config import sentiment_dir
from cxm_lab.text.labelled import LANGUAGES, load_labelled
from cxm_lab.text.sentiment import LABELS, Encoder, SentimentModel

ROUTES = ("pipeline", "torch", "onnx")


def eval_sample(per_language: int) -> pd.DataFrame:
    """A fixed sample of up to ``per_language`` evaluation rows per language."""
    ev = load_labelled().comments.query("split == 'eval'")
    parts = [
        g.sample(min(len(g), per_language), random_state=1)
        for _, g in ev.groupby("language", sort=True)
    ]
    return pd.concat(parts, ignore_index=True)


def metrics_table(df: pd.DataFrame, probs: np.ndarray) -> pd.DataFrame:
    """Accuracy and macro-F1 per language, 3-class and binary (rows labelled pos/neg only)."""
    rows = []
    pred3 = np.array(LABELS)[probs.argmax(axis=1)]
    pred2 = np.where(probs[:, 2] >= probs[:, 0], "positive", "negative")
    for lang in LANGUAGES:
        m = (df["language"] == lang).to_numpy()
        y = df["label"].to_numpy()[m]
        b = m & df["label"].isin(["negative", "positive"]).to_numpy()
        row = {"language": lang, "n": int(m.sum()), "n_binary": int(b.sum())}
        has_neutral = (y == "neutral").any()
        row["acc_3class"] = accuracy_score(y, pred3[m]) if has_neutral else np.nan
        row["macroF1_3class"] = f1_score(y, pred3[m], average="macro") if has_neutral else np.nan
        yb = df["label"].to_numpy()[b]
        row["acc_binary"] = accuracy_score(yb, pred2[b])
        row["macroF1_binary"] = f1_score(yb, pred2[b], average="macro")
        rows.append(row)
    return pd.DataFrame(rows)


def run_route(route: str, per_language: int, threads: int) -> dict:
    """Score the sample through one route in this process; probabilities and timings."""
    texts = eval_sample(per_language)["text"].tolist()
    t_load = time.perf_counter()
    if route == "pipeline":
        import torch
        from transformers import pipeline

        torch.set_num_threads(threads)
        head = np.load(sentiment_dir() / "head.npz")
        pipe = pipeline("feature-extraction", model=str(sentiment_dir()), framework="pt", device=-1)
        tokenizer = pipe.tokenizer
        load = time.perf_counter() - t_load
        pipe(["query: warm-up"])
        t0 = time.perf_counter()
        feats = pipe(["query: " + t for t in texts], truncation=True, max_length=256)
        secs = time.perf_counter() - t0
        emb = np.stack([np.asarray(f[0]).mean(axis=0) for f in feats])
        emb /= np.linalg.norm(emb, axis=1, keepdims=True)
        logits = emb @ head["coef"].T + head["intercept"]
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs = p / p.sum(axis=1, keepdims=True)
    else:
        enc = Encoder(sentiment_dir(), backend=route, disk_cache=False, threads=threads)
        model = SentimentModel(enc)
        load = time.perf_counter() - t_load
        model.predict_proba(texts[:8])  # warm-up
        enc._memo.clear()
        t0 = time.perf_counter()
        probs = model.predict_proba(texts)
        secs = time.perf_counter() - t0
        tokenizer = enc.tokenizer
    tokens = tokenizer(["query: " + t for t in texts], truncation=True, max_length=256)
    return {
        "route": route,
        "probs": np.asarray(probs).tolist(),
        "seconds": secs,
        "load_seconds": load,
        "per_second": len(texts) / secs,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "mean_tokens": float(np.mean([len(t) for t in tokens["input_ids"]])),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-language", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--routes", nargs="+", default=list(ROUTES), choices=ROUTES)
    parser.add_argument("--one-route", choices=ROUTES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_route:
        print(json.dumps(run_route(args.one_route, args.per_language, args.threads)))
        return
    ev = eval_sample(args.per_language)
    results = {}
    for route in args.routes:
        cmd = [sys.executable, __file__, "--one-route", route]
        cmd += ["--per-language", str(args.per_language), "--threads", str(args.threads)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        results[route] = json.loads(out.strip().splitlines()[-1])
    pd.set_option("display.width", 160)
    print(
        f"Held-out real comments: {len(ev):,} texts ({args.per_language} per language at most), "
        f"{args.threads} threads, mean {results[args.routes[0]]['mean_tokens']:.1f} tokens"
    )
    tables = {}
    for route, r in results.items():
        tables[route] = metrics_table(ev, np.asarray(r["probs"]))
        print(
            f"\n[{route}] {r['per_second']:,.1f} comments/s; peak RSS {r['peak_rss_mib']:,.0f} MiB"
        )
        print(tables[route].round(3).to_string(index=False))
    print("\nroute      comments/s  speed-up vs pipeline  binary macro-F1 change vs torch fp32")
    base = results.get("pipeline")
    for route, r in results.items():
        speed = f"{r['per_second'] / base['per_second']:.1f}x" if base else "-"
        delta = (
            ", ".join(
                f"{lang}: {a - b:+.3f}"
                for lang, a, b in zip(
                    LANGUAGES,
                    tables[route]["macroF1_binary"],
                    tables["torch"]["macroF1_binary"],
                    strict=True,
                )
            )
            if "torch" in tables
            else "-"
        )
        print(f"{route:10s} {r['per_second']:10.1f}  {speed:>20s}  {delta}")


if __name__ == "__main__":
    main()
