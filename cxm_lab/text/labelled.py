"""Real labelled comments in ``../shared/data`` (never copied into the project) with a fixed,
documented train/evaluation split, for training the sentiment head and measuring accuracy.

Split rule: where the upstream data set has its own validation file it is the evaluation set
(multilingual_sentiments ``*_valid.csv``); otherwise a row is in the evaluation set when
``sha1(text) mod 10 < 2`` (20%), so the split never changes and never depends on row order.
Labels are mapped to negative / neutral / positive; rows with other labels (SentiRuEval's
"ambiguous" and "mixed") are counted in ``attrs["excluded"]``, not silently dropped.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from cxm_lab.errors import DataError

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
LANGUAGES = ("en", "fa", "ar", "ru", "zh")


def _split(text: pd.Series) -> pd.Series:
    return text.map(
        lambda t: (
            "eval" if int(hashlib.sha1(t.encode("utf-8")).hexdigest(), 16) % 10 < 2 else "train"
        )
    )


def _frame(
    text: pd.Series, label: pd.Series, lang: str, source: str, split: pd.Series | str | None = None
) -> pd.DataFrame:
    df = pd.DataFrame(
        {"text": text.astype(str).str.strip(), "label": label, "language": lang, "source": source}
    )
    df["split"] = _split(df["text"]) if split is None else split
    return df


def load_labelled(root: str | Path | None = None) -> pd.DataFrame:
    """All labelled comments: ``text``, ``label``, ``language``, ``source``, ``split``.

    Raises
    ------
    DataError
        When ``root`` (default ``../shared/data``) does not exist.
    """
    root = Path(root or SHARED)
    if not root.is_dir():
        raise DataError(
            f"{root}: labelled data folder not found (expected ../shared/data beside the project)"
        )
    ms = root / "multilingual_sentiments"
    parts = []
    for lang, name in (("en", "english"), ("ar", "arabic")):
        for split in ("train", "valid"):
            d = pd.read_csv(ms / f"{name}_{split}.csv")
            parts.append(
                _frame(
                    d["text"],
                    d["label"],
                    lang,
                    f"multilingual_sentiments/{name}",
                    "eval" if split == "valid" else "train",
                )
            )
    d = pd.read_csv(ms / "chinese_valid.csv")
    parts.append(_frame(d["text"], d["label"], "zh", "multilingual_sentiments/chinese"))
    d = pd.read_csv(root / "zh_waimai_10k" / "waimai_10k.csv")
    parts.append(
        _frame(d["review"], d["label"].map({1: "positive", 0: "negative"}), "zh", "zh_waimai_10k")
    )
    d = pd.read_csv(root / "fa_sentipers" / "original.csv", header=None, names=["text", "label"])
    parts.append(
        _frame(
            d["text"],
            pd.cut(
                d["label"], [-3, -0.5, 0.5, 3], labels=["negative", "neutral", "positive"]
            ).astype(str),
            "fa",
            "fa_sentipers",
        )
    )
    for f in ("banks_train.csv", "telecoms_train.csv"):
        d = pd.read_csv(root / "ru_sentirueval_2015_banks_telecom" / f)
        parts.append(_frame(d["text"], d["label"], "ru", f"ru_sentirueval_2015/{f}"))
    for f in ("RES1.csv", "RES2.csv", "ATT.csv"):
        d = pd.read_csv(root / "ar_elsahar_multidomain" / f)
        parts.append(
            _frame(
                d["text"],
                d["polarity"].map({-1: "negative", 0: "neutral", 1: "positive"}),
                "ar",
                f"ar_elsahar/{f}",
            )
        )
    out = pd.concat(parts, ignore_index=True)
    ok = out["label"].isin(["negative", "neutral", "positive"]) & (out["text"].str.len() > 0)
    excluded = out.loc[~ok].groupby(["source", "label"], dropna=False).size()
    out = out[ok].drop_duplicates(["text", "language"]).reset_index(drop=True)
    out.attrs["excluded"] = {f"{s}:{lab}": int(n) for (s, lab), n in excluded.items()}
    return out


def sample(df: pd.DataFrame, split: str, per_source: int, seed: int = 0) -> pd.DataFrame:
    """A fixed sample of up to ``per_source`` rows per source from one split."""
    sub = df[df["split"] == split]
    parts = [
        g.sample(min(len(g), per_source), random_state=seed)
        for _, g in sub.groupby("source", sort=True)
    ]
    return pd.concat(parts, ignore_index=True)
