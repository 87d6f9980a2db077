"""Real labelled comments in ``../shared/data`` (never copied into the project) with a fixed,
documented train/calibration/evaluation split, for training the sentiment model, calibrating
its neutral threshold per language and measuring accuracy by language and by source.

Split rule: where the upstream data set has its own validation or test partition it is the
evaluation set (multilingual_sentiments ``*_valid.csv``; ASTD tweets outside the upstream train
index); otherwise a row is in the evaluation set when ``sha1(text) mod 10 < 2`` (20%). Of the
remaining rows, ``sha1(text) mod 10 == 2`` is the calibration set (used to fit the per-language
class offsets, never to train), the rest is training. The split never changes and never depends
on row order. Labels are mapped to negative / neutral / positive; rows with other labels
(SentiRuEval's "ambiguous" and "mixed", ParsiNLU's "mixed", ASTD's "NEUTRAL" which means mixed,
Skytrax reviews whose recommendation and rating disagree) are counted in
:attr:`Labelled.excluded`, not silently dropped.

Each row also names its ``corpus``: the unit that leave-one-source-out evaluation holds out
(one collection of comments from one place; e.g. the three ElSahar review files are one corpus,
while SentiRuEval's banks and telecom tweets are two).

Examples
--------
>>> d = pd.DataFrame({"text": list("abcdef"), "source": list("xxxxyy"), "split": "train"})
>>> sample(d, split="train", per_source=3)["source"].value_counts().sort_index().tolist()
[3, 2]
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cxm_lab.config import shared_data
from cxm_lab.errors import DataError

__all__ = ["LANGUAGES", "Labelled", "load_labelled", "sample"]

#: The languages of the labelled data (ISO 639-1).
LANGUAGES = (
    "en",
    "fa",
    "ar",
    "ru",
    "zh",
    "hi",
    "ur",
    "fr",
    "de",
    "es",
    "it",
    "pt",
    "ja",
    "id",
    "ms",
)

#: multilingual_sentiments file stem -> language.
_MS = {
    "english": "en",
    "arabic": "ar",
    "french": "fr",
    "german": "de",
    "hindi": "hi",
    "indonesian": "id",
    "italian": "it",
    "malay": "ms",
    "portuguese": "pt",
    "spanish": "es",
}


@dataclass(frozen=True)
class Labelled:
    """The labelled comments and what was left out.

    Attributes
    ----------
    comments : DataFrame
        ``text``, ``label`` (negative / neutral / positive), ``language``, ``source`` (file),
        ``corpus`` (the unit held out in leave-one-source-out evaluation), ``split``
        (``train``, ``calib`` or ``eval``); one row per distinct (text, language).
    excluded : dict of str to int
        ``"source:label"`` → rows left out because their label is none of the three.
    """

    comments: pd.DataFrame
    excluded: dict[str, int] = field(default_factory=dict)


def _bucket(text: pd.Series) -> pd.Series:
    return text.map(lambda t: int(hashlib.sha1(t.encode("utf-8")).hexdigest(), 16) % 10)


def _frame(
    text: pd.Series,
    label: pd.Series,
    lang: str,
    source: str,
    split: pd.Series | str | None = None,
    *,
    corpus: str | None = None,
) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "text": text.fillna("").astype(str).str.strip(),
            "label": pd.Series(label).astype(object).to_numpy(),
            "language": lang,
            "source": source,
            "corpus": corpus or source.split("/")[0],
        }
    )
    b = _bucket(df["text"])
    up = pd.Series(split, index=df.index) if split is not None else None
    hashed = np.where(b < 2, "eval", np.where(b == 2, "calib", "train"))
    if up is None:
        df["split"] = hashed
    else:  # upstream evaluation rows stay evaluation; upstream train rows give calib by hash
        df["split"] = np.where(up == "eval", "eval", np.where(b == 2, "calib", "train"))
    return df


def _polarity(values: pd.Series) -> pd.Series:
    """-2..2 scores → labels; other values (ParsiNLU's 3 = mixed) stay as "mixed"."""
    v = pd.to_numeric(values, errors="coerce")
    out = np.select([v < 0, v == 0, v > 0], ["negative", "neutral", "positive"], "other")
    return pd.Series(np.where(v.abs() > 2, "mixed", out), index=values.index)


def _movie_reviews(path: Path) -> pd.DataFrame:
    """ParsiNLU movie aspect pairs → one label per review: all rated aspects on one side."""
    rows = pd.DataFrame([json.loads(line) for line in path.read_text("utf-8").splitlines()])
    rows["v"] = rows["label"].astype(int)
    rated = rows[rows["v"] != -3]

    def one(v: pd.Series) -> str:
        s = set(v)
        if 3 in s or (any(x < 0 for x in s) and any(x > 0 for x in s)):
            return "mixed"
        if all(x == 0 for x in s):
            return "neutral"
        return "positive" if max(s) > 0 else "negative"

    lab = rated.groupby("review_id")["v"].agg(one)
    text = rows.drop_duplicates("review_id").set_index("review_id")["review"]
    return pd.DataFrame({"text": text.loc[lab.index].to_numpy(), "label": lab.to_numpy()})


def _skytrax(path: Path, scale_max: int) -> pd.DataFrame:
    """Skytrax reviews: positive when recommended and rated in the top 40% of the scale,
    negative when not recommended and rated in the bottom 40%, "mixed" otherwise."""
    d = pd.read_csv(path)
    r = pd.to_numeric(d["overall_rating"], errors="coerce")
    scale = np.where(r > 5, 10, scale_max)
    share = r / scale
    rec = d["recommended"]
    lab = np.select(
        [(rec == 1) & (share >= 0.6), (rec == 0) & (share <= 0.4)],
        ["positive", "negative"],
        "mixed",
    )
    return pd.DataFrame({"text": d["content"], "label": lab})


def load_labelled(*, root: str | Path | None = None) -> Labelled:
    """All labelled comments with their fixed split, and the rows left out.

    Sources (language: corpus): en: multilingual_sentiments (SemEval-2017 tweets), Skytrax
    lounge and seat reviews; fa: SentiPers, ParsiNLU Digikala food reviews, ParsiNLU movie
    reviews (review level); ar: multilingual_sentiments (SemEval-2017), ElSahar restaurant and
    attraction reviews, ASTD tweets; ru: SentiRuEval-2015 banks, telecoms; zh:
    multilingual_sentiments (Amazon reviews), waimai_10k, online_shopping_10_cats; hi:
    multilingual_sentiments (SAIL-2015), HSAC Amazon reviews; ur: Urdu Sentiment Corpus; fr, de,
    es, it, pt, ja, id, ms: multilingual_sentiments.

    Parameters
    ----------
    root : path, optional
        The folder holding the data sets (default ``../shared/data``,
        :func:`cxm_lab.config.shared_data`).

    Returns
    -------
    Labelled
        ``comments`` (``text``, ``label``, ``language``, ``source``, ``corpus``, ``split``) and
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
    ['calib', 'eval', 'train']
    """
    root = Path(root or shared_data())
    if not root.is_dir():
        raise DataError(
            f"{root}: labelled data folder not found (expected ../shared/data beside the project)"
        )
    ms = root / "multilingual_sentiments"
    parts = []
    for name, lang in _MS.items():
        for split in ("train", "valid"):
            d = pd.read_csv(ms / f"{name}_{split}.csv")
            parts.append(
                _frame(
                    d["text"],
                    d["label"],
                    lang,
                    f"multilingual_sentiments/{name}",
                    "eval" if split == "valid" else "train",
                    corpus=f"multilingual_sentiments/{name}",
                )
            )
    for name, lang in (("chinese", "zh"), ("japanese", "ja")):
        d = pd.read_csv(ms / f"{name}_valid.csv")
        src = f"multilingual_sentiments/{name}"
        parts.append(_frame(d["text"], d["label"], lang, src, corpus=src))
    sky = root / "en_skytrax_lounge_seat_reviews"
    for f, top in (("lounge.csv", 5), ("seat.csv", 10)):
        d = _skytrax(sky / f, top)
        parts.append(_frame(d["text"], d["label"], "en", f"en_skytrax/{f}"))
    d = pd.read_csv(root / "zh_waimai_10k" / "waimai_10k.csv")
    parts.append(
        _frame(d["review"], d["label"].map({1: "positive", 0: "negative"}), "zh", "zh_waimai_10k")
    )
    d = pd.read_csv(
        root / "zh_online_shopping_10_cats" / "online_shopping_10_cats.no_hotel.dedup.csv"
    )
    parts.append(
        _frame(
            d["review"].str.lstrip("\ufeff"),
            d["label"].map({1: "positive", 0: "negative"}),
            "zh",
            "zh_online_shopping_10_cats",
        )
    )
    d = pd.read_csv(root / "fa_sentipers" / "original.csv", header=None, names=["text", "label"])
    parts.append(_frame(d["text"], _polarity(d["label"]), "fa", "fa_sentipers"))
    d = pd.read_json(root / "fa_parsinlu_digikala_food" / "food.jsonl", lines=True)
    parts.append(_frame(d["review"], _polarity(d["sentiment"]), "fa", "fa_parsinlu_digikala_food"))
    d = _movie_reviews(root / "fa_parsinlu_movie" / "movie_train.jsonl")
    parts.append(_frame(d["text"], d["label"], "fa", "fa_parsinlu_movie"))
    for f in ("banks_train.csv", "telecoms_train.csv"):
        d = pd.read_csv(root / "ru_sentirueval_2015_banks_telecom" / f)
        src = f"ru_sentirueval_2015/{f}"
        parts.append(_frame(d["text"], d["label"], "ru", src, corpus=src))
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
    astd = root / "ar_astd_tweets"
    d = pd.read_csv(
        astd / "Tweets.txt", sep="\t", header=None, names=["text", "label"], quoting=csv.QUOTE_NONE
    )
    train_idx = {int(x) for x in (astd / "4class-unbalanced-train.txt").read_text().split()}
    parts.append(
        _frame(
            d["text"],
            d["label"]
            .map({"POS": "positive", "NEG": "negative", "OBJ": "neutral"})
            .fillna(d["label"].replace({"NEUTRAL": "mixed"})),
            "ar",
            "ar_astd_tweets",
            pd.Series(np.where(d.index.isin(train_idx), "train", "eval")),
        )
    )
    d = pd.read_csv(
        root / "ur_urdu_sentiment_corpus" / "urdu-sentiment-corpus-v1.tsv",
        sep="\t",
        quoting=csv.QUOTE_NONE,
    )
    parts.append(
        _frame(
            d["Tweet"],
            d["Class"]
            .astype(str)
            .str.strip()
            .map({"P": "positive", "N": "negative", "O": "neutral"}),
            "ur",
            "ur_urdu_sentiment_corpus",
        )
    )
    d = pd.read_excel(root / "hi_hsac_amazon" / "train.xlsx", engine="openpyxl")
    parts.append(
        _frame(
            d["content_hindi"],
            d["labels"].str.strip().str.lower(),
            "hi",
            "hi_hsac_amazon",
        )
    )
    out = pd.concat(parts, ignore_index=True)
    out["label"] = out["label"].fillna("missing").astype(str)
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
        ``"train"``, ``"calib"`` or ``"eval"``.
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
