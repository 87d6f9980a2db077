"""The text analysis of a report in one call, and the tables built on it.

:func:`analyse_comments` takes the responses, keeps those with a comment, and adds the detected
language, the sentiment and the matched theme of each, so that a notebook only shows results.

Examples
--------
>>> import pandas as pd
>>> c = pd.DataFrame({"language": ["en", "en", "fa"], "label": ["negative", "positive", "negative"]})
>>> share_by(c, ["language"], "label", "negative")["pct"].tolist()
[50.0, 100.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

#: Characters that carry no text: a comment made only of them is empty.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def has_text(s: pd.Series) -> pd.Series:
    """True where a comment holds visible text (not empty, blank or zero-width only)."""
    t = s.astype("string")
    for ch in _INVISIBLE:
        t = t.str.replace(ch, "", regex=False)
    return (t.str.strip().str.len() > 0).fillna(False).astype(bool)


def analyse_comments(
    responses: pd.DataFrame,
    *,
    text: str = "comment",
    categories: Mapping[str, Sequence[str]] | None = None,
    encoder=None,
) -> pd.DataFrame:
    """Responses with a comment, each with its detected language, sentiment and theme.

    Parameters
    ----------
    responses : DataFrame
        The responses (``text`` column; ``language`` when the survey recorded it).
    text : str
        The comment column.
    categories : mapping, optional
        Theme → seed phrases (:func:`cxm_lab.text.topics.load_categories`); default: the neutral
        default list :data:`cxm_lab.text.topics.DEFAULT_CATEGORIES`.
    encoder : Encoder, optional
        Similarity encoder for the themes (default: the built multilingual encoder).

    Returns
    -------
    DataFrame
        The rows of ``responses`` with visible text, same index, plus ``detected_language``,
        ``detected_confidence``, ``detected_script``, ``label``, ``score``, ``p_negative``,
        ``p_positive``, ``category``, ``similarity`` and ``runner_up``; ``language`` is filled
        from the detector where the survey did not record it.
    """
    from cxm_lab.text import language, sentiment, topics

    comments = responses[has_text(responses[text])].copy()
    detected = language.detect_language(comments[text])
    scored = sentiment.score_sentiment(comments[text])
    cats = topics.match_categories(comments[text], categories=categories, encoder=encoder)
    comments = (
        comments.join(detected.add_prefix("detected_"))
        .join(scored[["label", "score", "p_negative", "p_positive"]])
        .join(cats)
    )
    comments.attrs["language_recorded"] = "language" in comments
    if "language" not in comments:
        comments["language"] = comments["detected_language"]
    else:
        comments["language"] = comments["language"].fillna(comments["detected_language"])
    comments.attrs["model"] = str(scored["model"].iloc[0]) if len(scored) else ""
    comments.attrs["model_version"] = str(scored["model_version"].iloc[0]) if len(scored) else ""
    return comments


def share_by(df: pd.DataFrame, by: Sequence[str], column: str, value: str) -> pd.DataFrame:
    """Percentage of rows per group where ``column == value`` (``by`` columns, ``n``, ``pct``)."""
    hit = (df[column] == value).astype(float)
    g = hit.groupby([df[b] for b in by], observed=True, dropna=True)
    out = pd.DataFrame({"n": g.size(), "pct": 100 * g.mean()}).reset_index()
    return out


def language_table(comments: pd.DataFrame) -> pd.DataFrame:
    """Comments per language: count, share where the detector agrees with the survey's
    language, and the sentiment mix (``language``, ``comments``, ``detected_same``,
    ``pct_negative``, ``pct_positive``). Without a language recorded by the survey
    (``attrs["language_recorded"]`` False) there is nothing to agree with and
    ``detected_same`` is left out."""
    c = comments
    same = (c["detected_language"].astype("string") == c["language"].astype("string")).fillna(False)
    g = pd.DataFrame(
        {
            "language": c["language"],
            "same": same.astype(float),
            "neg": (c["label"] == "negative").astype(float),
            "pos": (c["label"] == "positive").astype(float),
        }
    ).groupby("language", observed=True)
    out = pd.DataFrame(
        {
            "comments": g.size(),
            "detected_same": g["same"].mean(),
            "pct_negative": 100 * g["neg"].mean(),
            "pct_positive": 100 * g["pos"].mean(),
        }
    )
    if not comments.attrs.get("language_recorded", True):
        out = out.drop(columns="detected_same")
    return out.reset_index().sort_values("comments", ascending=False, kind="stable")
