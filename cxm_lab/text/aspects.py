"""Themes per comment with their own sentiment (aspect-based sentiment).

A comment often praises one thing and complains about another ("Support was great, but the
price went up again"). One category and one sentiment per comment hides both. Here a comment is
split into clauses (:func:`split_clauses`: sentence ends and clause commas of many scripts, and
contrast words such as *but*, *aber*, *mais*, *pero*, *но*, *اما*, *لكن*, *但是*); each clause
gets its themes (:func:`cxm_lab.text.codeframe.assign_themes`: nearest seed phrases, or the
company's trained codeframe head) and its sentiment (:func:`cxm_lab.text.sentiment.score_sentiment`);
a theme's sentiment in a comment is the mean of its clauses' probabilities.
:func:`theme_mentions` returns one row per (comment, theme); :func:`theme_sentiment` counts
praise and complaint per theme; :func:`cxm_lab.text.topics.theme_tone_impact` gives the NPS
impact of each separately.

Examples
--------
>>> split_clauses("Support was great, but the price went up again.")
['Support was great', 'the price went up again']
>>> split_clauses("پشتیبانی عالی بود، اما قیمت خیلی بالاست")
['پشتیبانی عالی بود', 'قیمت خیلی بالاست']
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cxm_lab.errors import check_by, check_columns, check_frame

__all__ = ["CONTRAST_WORDS", "split_clauses", "theme_mentions", "theme_sentiment"]

#: Contrast words that start a new clause, per language (matched as whole words, except in
#: Chinese and Japanese, which have no spaces).
CONTRAST_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("but", "however", "although", "though", "whereas", "except that"),
    "de": ("aber", "jedoch", "allerdings", "obwohl", "trotzdem"),
    "fr": ("mais", "cependant", "pourtant", "par contre", "bien que"),
    "es": ("pero", "sin embargo", "aunque", "en cambio"),
    "pt": ("porém", "contudo", "entretanto"),
    "it": ("però", "tuttavia"),
    "ru": ("но", "однако", "зато", "хотя"),
    "fa": ("اما", "ولی", "ولیکن", "با این حال", "در عوض"),
    "ar": ("لكن", "ولكن", "لكنّ", "بينما", "إلا أن", "غير أن"),
    "ur": ("لیکن", "مگر"),
    "hi": ("लेकिन", "परंतु", "मगर"),
    "zh": ("但是", "可是", "不过", "然而", "但", "却"),
    "ja": ("しかし", "でも", "けれど", "けど"),
}

_CJK_LANGS = ("zh", "ja")
_WORDS = sorted(
    {w for lang, ws in CONTRAST_WORDS.items() if lang not in _CJK_LANGS for w in ws},
    key=len,
    reverse=True,
)
_CONTRAST = re.compile(
    r"\s*[,،]?\s*(?<!\w)(?:" + "|".join(re.escape(w) for w in _WORDS) + r")(?!\w)\s*[,،]?\s*",
    re.IGNORECASE,
)
_CONTRAST_CJK = re.compile(
    "(?:"
    + "|".join(
        re.escape(w)
        for w in sorted({w for lang in _CJK_LANGS for w in CONTRAST_WORDS[lang]}, key=len)[::-1]
    )
    + ")"
)
#: Clause ends: sentence punctuation of Latin, Arabic-script, Devanagari and CJK texts, the
#: Arabic comma and semicolon, the CJK comma and semicolon, line breaks. A full stop between
#: digits (3.5) is not an end.
_END = re.compile(r"(?<!\d)\.(?!\d)|[!?;…\n\r。！？；，、،؛؟۔।]+|\.(?=\s|$)")
_LETTER = re.compile(r"[^\W\d_]")


def split_clauses(text: str, *, min_chars: int = 2) -> list[str]:
    """Split a comment into clauses that can each carry one opinion.

    Boundaries: sentence ends (``. ! ? ; …`` and ``。！？；``, Persian/Arabic ``، ؛ ؟``, Urdu ``۔``,
    Hindi ``।``), the Chinese/Japanese commas ``，、``, line breaks, and a contrast word of
    :data:`CONTRAST_WORDS` (the word itself is dropped). A Latin comma alone is not a boundary
    ("fast, cheap and friendly" stays one clause). Clauses without a letter or shorter than
    ``min_chars`` characters are left out.

    Parameters
    ----------
    text : str
        One comment.
    min_chars : int
        Shortest clause kept.

    Returns
    -------
    list of str
        The clauses in order (empty for an empty or missing text).

    Examples
    --------
    >>> split_clauses("Der Support ist super, aber viel zu teuer!")
    ['Der Support ist super', 'viel zu teuer']
    >>> split_clauses("客服很好，但是价格太贵了。")
    ['客服很好', '价格太贵了']
    >>> split_clauses("Version 2.5 is fast; the app crashes")
    ['Version 2.5 is fast', 'the app crashes']
    """
    if not isinstance(text, str):
        return []
    parts = []
    for piece in _END.split(text):
        for sub in _CONTRAST.split(piece):
            parts.extend(_CONTRAST_CJK.split(sub))
    out = []
    for p in parts:
        p = p.strip(" \t\"'«»“”()[]-–—:,")
        if len(p) >= min_chars and _LETTER.search(p):
            out.append(p)
    return out


def theme_mentions(
    texts: Sequence[str] | pd.Series,
    *,
    ids: Sequence | pd.Series | None = None,
    categories: Mapping | str | Path | None = None,
    encoder=None,
    model=None,
    threshold: float = 0.80,
    min_probability: float = 0.5,
) -> pd.DataFrame:
    """Every theme each comment mentions, with the sentiment toward it.

    Each comment is split by :func:`split_clauses`; each clause gets its themes from
    :func:`cxm_lab.text.codeframe.assign_themes` (zero-shot nearest seed phrases, or the
    codeframe's trained head when ``categories`` carries example comments) and its sentiment
    from :func:`cxm_lab.text.sentiment.score_sentiment`. Clauses with no theme ("other": "Thanks!",
    "Overall OK") are left out. When several clauses of a comment share a theme, the theme's
    probabilities are the mean of theirs, and its label the most probable class. A comment whose
    clauses carry no theme has no row.

    Parameters
    ----------
    texts : sequence of str or Series
        Comments in any language.
    ids : sequence or Series, optional
        One id per comment (e.g. the ``response_id`` column); default: the Series' index labels
        (positions for a list).
    categories : mapping or path, optional
        The codeframe (:func:`cxm_lab.text.topics.load_categories`: seeds, optionally
        ``examples``); default :data:`cxm_lab.text.topics.DEFAULT_CATEGORIES`.
    encoder : Encoder, optional
        Similarity encoder (default :func:`cxm_lab.text.sentiment.default_encoder`).
    model : SentimentModel, path or id, optional
        Sentiment model (default: the offline model).
    threshold : float
        Zero-shot: lowest similarity of a theme (:func:`cxm_lab.text.topics.match_categories`).
    min_probability : float
        Trained head: lowest probability (0–1) of a theme.

    Returns
    -------
    DataFrame
        One row per (comment, theme): ``response_id``, ``theme``, ``label`` (negative /
        neutral / positive), ``p_negative``, ``p_neutral``, ``p_positive``, ``similarity``
        (the best clause's theme score), ``n_clauses`` and ``clause`` (the clauses, joined by
        " | "), in input order.

    Raises
    ------
    ValueError
        ``ids`` is not the same length as ``texts``.

    Examples
    --------
    >>> t = ["Support was great, but the price went up again."]
    >>> m = theme_mentions(t)  # doctest: +SKIP
    >>> m[["theme", "label"]].values.tolist()  # doctest: +SKIP
    [['problem resolution', 'positive'], ['price', 'negative']]
    """
    from cxm_lab.text.codeframe import assign_themes
    from cxm_lab.text.sentiment import score_sentiment

    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    if ids is None:
        id_values = list(s.index)
    else:
        id_values = list(ids)
        if len(id_values) != len(s):
            raise ValueError(
                f"theme_mentions: ids has {len(id_values)} values for {len(s)} texts; pass one "
                "id per text"
            )
    rows = [
        (rid, i, clause)
        for rid, text in zip(id_values, s, strict=True)
        for i, clause in enumerate(split_clauses(text))
    ]
    columns = [
        "response_id",
        "theme",
        "label",
        "p_negative",
        "p_neutral",
        "p_positive",
        "similarity",
        "n_clauses",
        "clause",
    ]
    if not rows:
        return pd.DataFrame(columns=columns)
    cl = pd.DataFrame(rows, columns=["response_id", "clause_no", "clause"])
    themes = assign_themes(
        cl["clause"],
        categories=categories,
        encoder=encoder,
        threshold=threshold,
        min_probability=min_probability,
    )
    cl = cl.join(themes[["themes", "scores"]])
    cl = cl[cl["themes"].map(len) > 0]
    if cl.empty:
        return pd.DataFrame(columns=columns)
    senti = score_sentiment(cl["clause"].tolist(), model=model)
    for c in ("p_negative", "p_neutral", "p_positive"):
        cl[c] = senti[c].to_numpy(dtype=float)
    long = cl.explode(["themes", "scores"]).rename(columns={"themes": "theme", "scores": "sim"})
    long["sim"] = long["sim"].astype(float)
    order = {rid: i for i, rid in enumerate(dict.fromkeys(id_values))}
    long["_order"] = long["response_id"].map(order)
    g = long.groupby(["_order", "theme"], sort=False)
    out = g.agg(
        response_id=("response_id", "first"),
        p_negative=("p_negative", "mean"),
        p_neutral=("p_neutral", "mean"),
        p_positive=("p_positive", "mean"),
        similarity=("sim", "max"),
        n_clauses=("clause", "size"),
        clause=("clause", " | ".join),
        first=("clause_no", "min"),
    ).reset_index()
    probs = out[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    out["label"] = np.array(["negative", "neutral", "positive"])[probs.argmax(axis=1)]
    out = out.sort_values(["_order", "first"], kind="stable")
    return out[columns].reset_index(drop=True)


def theme_sentiment(
    mentions: pd.DataFrame,
    comments: pd.DataFrame | None,
    *,
    by: str | Sequence[str] | None = None,
    id_col: str = "response_id",
) -> pd.DataFrame:
    """Praise and complaint per theme: how many comments mention it, and in which tone.

    Parameters
    ----------
    mentions : DataFrame
        :func:`theme_mentions`' table (``response_id``, ``theme``, ``label``).
    comments : DataFrame or None
        The comments the mentions come from (the share's denominator, and the ``by`` columns),
        with the id in ``id_col`` (or as index labels when it is not a column). None: the
        commenting responses are those in ``mentions`` (the share is then of comments with a
        theme).
    by : str or list of str, optional
        Group columns of ``comments`` (e.g. ``"nps_category"``, ``"survey_type"``); rows with a
        missing key are left out.
    id_col : str
        The id column of ``comments``.

    Returns
    -------
    DataFrame
        ``by`` columns, ``theme``, ``comments`` (comments mentioning it), ``share`` (% of the
        group's comments, 0–100), ``n_praise``, ``n_complaint``, ``n_neutral`` (comments whose
        sentiment toward the theme is positive, negative, neutral), ``pct_praise``,
        ``pct_complaint`` (% of the theme's mentions, 0–100) and ``net`` (pct_praise −
        pct_complaint), most mentioned first.

    Raises
    ------
    ColumnError
        A needed column is missing.

    Examples
    --------
    >>> m = pd.DataFrame({"response_id": [1, 1, 2, 3], "theme": ["support", "price", "support",
    ...                   "support"], "label": ["positive", "negative", "negative", "positive"]})
    >>> theme_sentiment(m, None)[["theme", "comments", "share", "n_praise", "n_complaint", "net"]
    ...                    ].round(1).values.tolist()
    [['support', 3, 100.0, 2, 1, 33.3], ['price', 1, 33.3, 0, 1, -100.0]]
    """
    func = "theme_sentiment"
    check_frame(mentions, func, name="mentions")
    check_columns(mentions, ["response_id", "theme", "label"], func, "mentions")
    m = mentions[["response_id", "theme", "label"]].copy()
    keys: list[str] = []
    if comments is not None:
        check_frame(comments, func, name="comments")
        keys = check_by(comments, by, func) if by is not None else []
        ids = comments[id_col] if id_col in comments else pd.Series(comments.index, comments.index)
        base = pd.DataFrame({"response_id": ids.to_numpy()})
        for k in keys:
            base[k] = comments[k].to_numpy()
        base = base.dropna(subset=keys).drop_duplicates("response_id")
        m = m.merge(base, on="response_id", how="inner")
    else:
        if by is not None:
            keys = check_by(mentions, by, func)
            m = mentions[["response_id", "theme", "label", *keys]].dropna(subset=keys)
        base = m.drop_duplicates("response_id")
    # a mention without a label (blank in a saved table) counts as none of the three
    for col, tone in (("_pos", "positive"), ("_neg", "negative"), ("_neu", "neutral")):
        m[col] = m["label"].eq(tone).fillna(False).to_numpy(dtype=int)
    g = m.groupby([*keys, "theme"], observed=True, sort=False)
    out = pd.DataFrame(
        {
            "comments": g["response_id"].nunique(),
            "n_praise": g["_pos"].sum(),
            "n_complaint": g["_neg"].sum(),
            "n_neutral": g["_neu"].sum(),
            "_n": g.size(),
        }
    ).reset_index()
    if keys:
        total = base.groupby(keys, observed=True).size().rename("_total").reset_index()
        out = out.merge(total, on=keys, how="left")
    else:
        out["_total"] = base["response_id"].nunique()
    out["share"] = 100 * out["comments"] / out["_total"]
    out["pct_praise"] = 100 * out["n_praise"] / out["_n"]
    out["pct_complaint"] = 100 * out["n_complaint"] / out["_n"]
    out["net"] = out["pct_praise"] - out["pct_complaint"]
    cols = [*keys, "theme", "comments", "share", "n_praise", "n_complaint", "n_neutral"]
    out = out[[*cols, "pct_praise", "pct_complaint", "net"]]
    sort = [*keys, "comments", "theme"]
    return out.sort_values(
        sort, ascending=[True] * len(keys) + [False, True], kind="stable"
    ).reset_index(drop=True)
