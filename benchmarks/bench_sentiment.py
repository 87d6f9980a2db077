"""Benchmark: sentiment accuracy per language and per source on held-out real comments, speed.

Scores a fixed sample of evaluation rows per source (never used for training or calibration;
see ``cxm_lab/text/labelled.py``) through one or more routes of the shipped model, each in its
own process so that its peak memory is its own:

- ``onnx`` (the default): ``Encoder(backend="onnx")``: ONNX Runtime, int8 weights,
  length-sorted batches of 32, with the shipped per-language calibration;
- ``torch``: cxm_lab's ``Encoder(backend="torch")``: fp32, length-sorted batches of 32;
- ``pipeline``: a plain ``transformers.pipeline("feature-extraction")`` call on the model
  directory (torch fp32, texts in input order), then the same pooling and head: the baseline
  for the speed-up.

For each route it prints comments/s (the timed call includes the calibration's script-based
language guess), peak RSS, and per language and per source: binary macro-F1 (rows labelled
positive or negative; prediction = the larger of p_positive and p_negative) and three-class
macro-F1 (sources with a neutral label), uncalibrated (``raw``), with the calibration as
shipped (``cal``: offsets by script; Latin script gets the English ones) and with the true
language given (``cal_lang``).

``--loso BUNDLE OUTPUTS`` instead prints the leave-one-source-out table from a training run on
a bundle (``python -m cxm_lab.text.finetune --write-bundle`` / ``--run-bundle``): for each
``fold*`` variant, the corpora it never saw (their evaluation and calibration rows), with the
neutral calibration fitted on the calibration rows of the corpora it did see. A second table
tries unsupervised prior adaptation on each unseen corpus (:func:`prior_em`, Saerens et al.
2002: the corpus's class shares re-estimated by EM from its own unlabelled predictions).

Run: ``.venv/bin/python benchmarks/bench_sentiment.py [--per-source 300] [--threads 2]
[--routes onnx torch pipeline]``. Needs ``../shared/data`` and the built model (``make setup``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

from cxm_lab.config import sentiment_dir
from cxm_lab.text.labelled import LANGUAGES, load_labelled, sample
from cxm_lab.text.sentiment import LABELS, Encoder, SentimentModel

ROUTES = ("onnx", "torch", "pipeline")


def eval_sample(per_source: int) -> pd.DataFrame:
    """A fixed sample of up to ``per_source`` evaluation rows per source."""
    return sample(load_labelled().comments, split="eval", per_source=per_source, seed=1)


def _scores(y: np.ndarray, probs: np.ndarray) -> dict:
    b = y != "neutral"
    pred2 = np.where(probs[:, 2] >= probs[:, 0], "positive", "negative")
    pred3 = np.array(LABELS)[probs.argmax(axis=1)]
    return {
        "F1_bin": f1_score(y[b], pred2[b], average="macro") if b.any() else np.nan,
        "F1_3": f1_score(y, pred3, average="macro") if (y == "neutral").any() else np.nan,
    }


def metrics_table(df: pd.DataFrame, probs: dict[str, np.ndarray], by: list[str]) -> pd.DataFrame:
    """Binary and three-class macro-F1 per group, for each set of probabilities."""
    rows = []
    for key, g in df.groupby(by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        row = dict(zip(by, key, strict=True))
        y = g["label"].to_numpy()
        row |= {"n": len(g), "n_bin": int((y != "neutral").sum())}
        for name, p in probs.items():
            s = _scores(y, p[g.index.to_numpy()])
            row |= {f"{k}_{name}": v for k, v in s.items()}
        rows.append(row)
    out = pd.DataFrame(rows)
    order = {lang: i for i, lang in enumerate(LANGUAGES)}
    return out.sort_values(by, key=lambda s: s.map(order) if s.name == "language" else s)


def prior_em(p: np.ndarray, prior: np.ndarray, iters: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Adjust class probabilities ``p`` (rows sum to 1) to the class shares of the rows
    themselves, estimated by EM without labels (Saerens, Latinne & Decaestecker 2002,
    *Neural Computation* 14(1)): ``prior`` is the class distribution the model was fitted
    under. Returns the adjusted probabilities and the estimated shares."""
    shares = prior.copy()
    q = p
    for _ in range(iters):
        q = p * (shares / prior)
        q /= q.sum(axis=1, keepdims=True)
        new = q.mean(axis=0)
        if np.abs(new - shares).max() < 1e-6:
            break
        shares = new
    return q, shares


def run_route(route: str, per_source: int, threads: int) -> dict:
    """Score the sample through one route in this process; probabilities and timings."""
    ev = eval_sample(per_source)
    texts = ev["text"].tolist()
    t_load = time.perf_counter()
    if route == "pipeline":
        import torch
        from transformers import pipeline

        torch.set_num_threads(threads)
        head = np.load(sentiment_dir() / "head.npz")
        pipe = pipeline("feature-extraction", model=str(sentiment_dir()), framework="pt", device=-1)
        load = time.perf_counter() - t_load
        pipe(["query: warm-up"])
        t0 = time.perf_counter()
        feats = pipe(["query: " + t for t in texts], truncation=True, max_length=256)
        secs = time.perf_counter() - t0
        emb = np.stack([np.asarray(f[0]).mean(axis=0) for f in feats])
        emb /= np.linalg.norm(emb, axis=1, keepdims=True)
        logits = emb @ head["coef"].T + head["intercept"]
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs = {"raw": p / p.sum(axis=1, keepdims=True)}
    else:
        enc = Encoder(sentiment_dir(), backend=route, disk_cache=False, threads=threads)
        model = SentimentModel(enc)
        load = time.perf_counter() - t_load
        model.predict_proba(texts[:8])  # warm-up
        enc._memo.clear()
        t0 = time.perf_counter()
        cal = model.predict_proba(texts)
        secs = time.perf_counter() - t0
        # the same embeddings (memoised), other offsets
        probs = {
            "raw": model.predict_proba(texts, languages=[None] * len(texts)),
            "cal": cal,
            "cal_lang": model.predict_proba(texts, languages=ev["language"].tolist()),
        }
    return {
        "route": route,
        "probs": {k: np.asarray(v).tolist() for k, v in probs.items()},
        "seconds": secs,
        "load_seconds": load,
        "per_second": len(texts) / secs,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def loso(bundle: Path, outputs: Path) -> None:
    """Print the leave-one-source-out table of a bundle training run."""
    from cxm_lab.text.finetune import fit_calibration

    plan = json.loads((bundle / "plan.json").read_text())
    cat = plan["categories"]
    z = dict(np.load(bundle / "data.npz"))
    df = pd.DataFrame({c: np.array(cat[c])[z[c]] for c in cat})
    df["label"] = np.array(LABELS)[z["label"]]
    y = z["label"].astype(int)

    def probs(x: np.ndarray) -> np.ndarray:
        p = np.exp(x - x.max(axis=1, keepdims=True))
        return p / p.sum(axis=1, keepdims=True)

    def calibrated(lg: np.ndarray, seen: np.ndarray) -> np.ndarray:
        """Logits + the neutral offsets fitted on the calibration rows of ``seen`` corpora."""
        cm = (df["split"] == "calib").to_numpy() & seen
        cal = fit_calibration(lg[cm], y[cm], df["language"].to_numpy()[cm], polar=False)
        return lg + np.array([cal.get(g, [0.0, 0.0, 0.0]) for g in df["language"]])

    # the model trained on every corpus (the shipped recipe), for the same rows
    ref_file = outputs / "final.npz"
    ref = np.load(ref_file)["logits"] if ref_file.is_file() else None
    tables = []
    for v in plan["variants"]:
        f = outputs / f"{v['name']}.npz"
        if not v.get("exclude") or not f.is_file():
            continue
        lg = np.load(f)["logits"]
        held = df["corpus"].isin(v["exclude"]).to_numpy()
        rows = held & df["split"].isin(["eval", "calib"]).to_numpy()
        sub = df[rows].reset_index(drop=True)
        sets = {"raw": probs(lg[rows]), "cal": probs(calibrated(lg, ~held)[rows])}
        if ref is not None:
            sets["final"] = probs(ref[rows])
        t = metrics_table(sub, sets, ["language", "corpus"])
        t = t.drop(columns=[c for c in ("F1_bin_cal", "F1_3_final") if c in t])
        t.insert(0, "fold", v["name"])
        tables.append(t)
    pd.set_option("display.width", 200)
    print("Leave-one-source-out: corpora the fold's model never saw (fp32 logits of the run;")
    print("binary F1 does not depend on the neutral calibration; F1_bin_final: the model that")
    print("trained on every corpus, on the same rows)")
    print(pd.concat(tables).round(3).to_string(index=False))

    # Unsupervised prior adaptation on each unseen corpus: the model's mean prediction on the
    # seen corpora's calibration rows is the prior it was fitted under.
    adapt = []
    for v in plan["variants"]:
        f = outputs / f"{v['name']}.npz"
        if "fold" not in v["name"] or not v.get("exclude") or not f.is_file():
            continue
        p_all = probs(np.load(f)["logits"])
        held = df["corpus"].isin(v["exclude"]).to_numpy()
        prior = p_all[~held & (df["split"] == "calib").to_numpy()].mean(axis=0)
        for corpus in v["exclude"]:
            scored = df["split"].isin(["eval", "calib"]).to_numpy()
            rows = (df["corpus"] == corpus).to_numpy() & scored
            sub = df[rows].reset_index(drop=True)
            q, shares = prior_em(p_all[rows], prior)
            t = metrics_table(sub, {"raw": p_all[rows], "em": q}, ["corpus"])
            t.insert(0, "fold", v["name"])
            true = sub["label"].value_counts(normalize=True)
            t["shares_true"] = "/".join(f"{true.get(c, 0.0):.2f}" for c in LABELS)
            t["shares_em"] = "/".join(f"{x:.2f}" for x in shares)
            adapt.append(t)
    if adapt:
        print()
        print("Unsupervised prior adaptation (EM) on each unseen corpus, against the raw model")
        print(f"(class shares in the order {'/'.join(LABELS)}):")
        print(pd.concat(adapt).round(3).to_string(index=False))

    # Variants that leave corpora out for their licence (no "fold" in the name): what they lose
    # on the evaluation rows of the corpora they did train on, against the full model.
    for v in plan["variants"]:
        f = outputs / f"{v['name']}.npz"
        if ref is None or "fold" in v["name"] or not v.get("exclude") or not f.is_file():
            continue
        lg = np.load(f)["logits"]
        kept = ~df["corpus"].isin(v["exclude"]).to_numpy()
        rows = kept & (df["split"] == "eval").to_numpy()
        sub = df[rows].reset_index(drop=True)
        every = np.ones(len(df), dtype=bool)
        t = metrics_table(
            sub,
            {
                v["name"]: probs(calibrated(lg, kept)[rows]),
                "final": probs(calibrated(ref, every)[rows]),
            },
            ["language"],
        )
        print()
        print(
            f"{v['name']} (trained without {', '.join(v['exclude'])}) against the full model, "
            "evaluation rows of the corpora both trained on (three-class calibrated):"
        )
        print(t.round(3).to_string(index=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-source", type=int, default=300)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--routes", nargs="+", default=["onnx"], choices=ROUTES)
    parser.add_argument("--one-route", choices=ROUTES, help=argparse.SUPPRESS)
    parser.add_argument("--loso", nargs=2, type=Path, metavar=("BUNDLE", "OUTPUTS"))
    args = parser.parse_args()
    if args.loso:
        loso(*args.loso)
        return
    if args.one_route:
        print(json.dumps(run_route(args.one_route, args.per_source, args.threads)))
        return
    ev = eval_sample(args.per_source)
    results = {}
    for route in args.routes:
        cmd = [sys.executable, __file__, "--one-route", route]
        cmd += ["--per-source", str(args.per_source), "--threads", str(args.threads)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        results[route] = json.loads(out.strip().splitlines()[-1])
    pd.set_option("display.width", 220)
    pd.set_option("display.max_rows", 200)
    print(
        f"Held-out real comments: {len(ev):,} texts ({args.per_source} per source at most, "
        f"{ev['source'].nunique()} sources, {ev['language'].nunique()} languages), "
        f"{args.threads} threads"
    )
    for route, r in results.items():
        probs = {k: np.asarray(v) for k, v in r["probs"].items()}
        print(
            f"\n[{route}] {r['per_second']:,.1f} comments/s; peak RSS {r['peak_rss_mib']:,.0f} MiB"
        )
        print("\nper language")
        print(metrics_table(ev, probs, ["language"]).round(3).to_string(index=False))
        print("\nper source")
        print(metrics_table(ev, probs, ["language", "source"]).round(3).to_string(index=False))
    if len(results) > 1:
        base = results.get("pipeline") or next(iter(results.values()))
        print("\nroute      comments/s  speed-up")
        for route, r in results.items():
            print(
                f"{route:10s} {r['per_second']:10.1f}  {r['per_second'] / base['per_second']:.1f}x"
            )


if __name__ == "__main__":
    main()
