"""Real labelled comments in ``../shared/data`` (never copied into the project) with a fixed,
documented train/evaluation split, for training the sentiment head and measuring accuracy.

Split rule: where the upstream data set has its own validation file it is the evaluation set
(multilingual_sentiments ``*_valid.csv``); otherwise a row is in the evaluation set when
``sha1(text) mod 10 < 2`` (20%), so the split never changes and never depends on row order.
Labels are mapped to negative / neutral / positive; rows with other labels (SentiRuEval's
"ambiguous" and "mixed") are counted in :attr:`Labelled.excluded`, not silently dropped.

Examples
--------
>>> d = pd.DataFrame({"text": list("abcdef"), "source": list("xxxxyy"), "split": "train"})
>>> sample(d, split="train", per_source=3)["source"].value_counts().sort_index().tolist()
[3, 2]
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cxm_lab.config import shared_data
from cxm_lab.errors import DataError

__all__ = ["LANGUAGES", "Labelled", "load_labelled", "sample"]

#: The languages of the labelled data.
LANGUAGES = ("en", "fa", "ar", "ru", "zh")


@dataclass(frozen=True)
class Labelled:
    """The labelled comments and what was left out.

    Attributes
    ----------
    comments : DataFrame
        ``text``, ``label`` (negative / neutral / positive), ``language``, ``source``, ``split``
        (``train`` or ``eval``); one row per distinct (text, language).
    excluded : dict of str to int
        ``"source:label"`` → rows left out because their label is none of the three.
    """

    comments: pd.DataFrame
    excluded: dict[str, int] = field(default_factory=dict)


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


def load_labelled(*, root: str | Path | None = None) -> Labelled:
    """All labelled comments with their fixed split, and the rows left out.

    Parameters
    ----------
    root : path, optional
        The folder holding the data sets (default ``../shared/data``,
        :func:`cxm_lab.config.shared_data`).

    Returns
    -------
    Labelled
        ``comments`` (``text``, ``label``, ``language``, ``source``, ``split``) and
        ``excluded`` (rows per ``"source:label"`` whose label is not negative, neutral or
        positive).

    Raises
    ------
    DataError
        When ``root`` does not exist.

    Examples
    --------
    >>> data = load_labelled()  # doctest: +SKIP
    >>> sorted(data.comments["split"].unique())  # doctest: +SKIP
    ['eval', 'train']
    """
    root = Path(root or shared_data())
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
    return Labelled(out, {f"{s}:{lab}": int(n) for (s, lab), n in excluded.items()})


def sample(df: pd.DataFrame, *, split: str, per_source: int, seed: int = 0) -> pd.DataFrame:
    """A fixed sample of up to ``per_source`` rows per source from one split.

    Parameters
    ----------
    df : DataFrame
        Labelled comments (:attr:`Labelled.comments`): ``source`` and ``split`` columns.
    split : str
        ``"train"`` or ``"eval"``.
    per_source : int
        Largest number of rows drawn from each source (a smaller source gives all its rows).
    seed : int
        Seed of the draw, so that the sample is the same every time.

    Returns
    -------
    DataFrame
        The sampled rows, sources in sorted order, with a fresh index.

    Examples
    --------
    >>> d = pd.DataFrame({"text": list("abc"), "source": ["x", "x", "y"], "split": "eval"})
    >>> len(sample(d, split="eval", per_source=1))
    2
    """
    sub = df[df["split"] == split]
    parts = [
        g.sample(min(len(g), per_source), random_state=seed)
        for _, g in sub.groupby("source", sort=True)
    ]
    return pd.concat(parts, ignore_index=True)
