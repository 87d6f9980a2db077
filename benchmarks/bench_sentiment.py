"""Benchmark: sentiment accuracy on held-out real comments, throughput, memory, speed-ups.

Scores a fixed sample of evaluation rows per language (never used for training; see
``cxm_lab/text/labelled.py``) and prints accuracy and macro-F1 (3-class where the data has a
neutral label, and binary positive-vs-negative), throughput and peak memory; then compares the
length-sorted batching with a plain ``transformers.pipeline("feature-extraction")`` call on the
same texts, and dynamic int8 quantisation (torch) with its F1 cost.

Needs ``../shared/data`` and the built model (``make setup``).
Run: ``.venv/bin/python benchmarks/bench_sentiment.py [--per-language 400]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from cxm_lab.text.labelled import LANGUAGES, load_labelled
from cxm_lab.text.sentiment import LABELS, Encoder, SentimentModel


def metrics_table(df: pd.DataFrame, probs: np.ndarray) -> pd.DataFrame:
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-language", type=int, default=400)
    args = parser.parse_args()
    data = load_labelled()
    ev = data[data["split"] == "eval"]
    ev = pd.concat(
        [
            g.sample(min(len(g), args.per_language), random_state=1)
            for _, g in ev.groupby("language", sort=True)
        ],
        ignore_index=True,
    )
    texts = ev["text"].tolist()
    model = SentimentModel(Encoder(batch_size=32, disk_cache=False))
    model.predict_proba(texts[:8])  # warm-up
    t0 = time.perf_counter()
    probs = model.predict_proba(texts)
    secs = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = metrics_table(ev, probs)
    pd.set_option("display.width", 140)
    print(
        f"Held-out real comments, {len(texts):,} texts ({args.per_language} per language max), threads={os.cpu_count()}"
    )
    print(table.round(3).to_string(index=False))
    print(
        f"\nthroughput (sorted batches of 32, fp32): {len(texts) / secs:,.0f} comments/s; peak RSS {peak:,.0f} MiB"
    )
    tokens = model.encoder.tokenizer(texts, truncation=True, max_length=256)["input_ids"]
    print(f"mean tokens per comment: {np.mean([len(t) for t in tokens]):.1f}")

    # A plain transformers pipeline on the same texts (unsorted, default batch), same head.
    import torch
    from transformers import pipeline

    sub = texts[:300]
    torch.set_num_threads(2)  # a plain pipeline runs with torch's default threads
    pipe = pipeline(
        "feature-extraction",
        model=str(model.encoder.path),
        tokenizer=str(model.encoder.path),
        framework="pt",
        device=-1,
    )
    t0 = time.perf_counter()
    feats = pipe(["query: " + t for t in sub], truncation=True, max_length=256)
    plain = time.perf_counter() - t0
    emb = np.stack([np.asarray(f[0]).mean(axis=0) for f in feats])
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    torch.set_num_threads(1)
    model.encoder._memo.clear()
    t0 = time.perf_counter()
    ours = model.encoder.encode(sub)
    fast = time.perf_counter() - t0
    print(
        f"plain transformers.pipeline on {len(sub)} texts: {len(sub) / plain:,.0f}/s; cxm_lab batching: "
        f"{len(sub) / fast:,.0f}/s; speed-up {plain / fast:.1f}x; embedding agreement (cosine) "
        f"{np.mean(np.sum(emb * ours, axis=1)):.5f}"
    )

    # Dynamic int8 quantisation of the linear layers: speed and F1 cost.
    q = torch.ao.quantization.quantize_dynamic(
        model.encoder.model, {torch.nn.Linear}, dtype=torch.qint8
    )
    fp32 = model.encoder.model
    model.encoder.model = q
    model.encoder._memo.clear()
    t0 = time.perf_counter()
    probs_q = model.predict_proba(texts)
    secs_q = time.perf_counter() - t0
    model.encoder.model = fp32
    tq = metrics_table(ev, probs_q)
    print(
        f"\nint8 dynamic quantisation: {len(texts) / secs_q:,.0f} comments/s ({secs / secs_q:.2f}x); "
        "binary macro-F1 change per language: "
        + ", ".join(
            f"{a}: {b - c:+.3f}"
            for a, b, c in zip(
                tq["language"], tq["macroF1_binary"], table["macroF1_binary"], strict=True
            )
        )
    )


if __name__ == "__main__":
    main()
