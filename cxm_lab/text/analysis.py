"""The text analysis of a report in one call, and the tables built on it.

:func:`analyse_comments` takes the responses, keeps those with a comment, and adds the detected
language, the sentiment and the matched theme of each, so that a notebook only shows results.
Shares in the result tables are percentages (0–100).

Examples
--------
>>> import pandas as pd
>>> c = pd.DataFrame({"language": ["en", "en", "fa"], "label": ["negative", "positive", "negative"]})
>>> share_by(c, by="language", column="label", value="negative")["pct"].tolist()
[50.0, 100.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from cxm_lab.docstrings import fill
from cxm_lab.errors import check_by, check_columns, check_frame

if TYPE_CHECKING:
    from cxm_lab.text.sentiment import Encoder
    from cxm_lab.text.topics import ThemeFit

__all__ = [
    "NO_LANGUAGE",
    "CommentAnalysis",
    "analyse_comments",
    "has_text",
    "language_table",
    "share_by",
]

#: Characters that carry no text: a comment made only of them is empty.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"

#: The ``language`` row of :func:`language_table` for comments in no detectable language
#: (no letters: digits, emoji) that the survey did not record one for either.
NO_LANGUAGE = "none detected"


@dataclass(frozen=True)
class CommentAnalysis:
    """The comments of a report with their language, sentiment and theme.

    Attributes
    ----------
    comments : DataFrame
        The responses with visible text (same index), plus ``detected_language``,
        ``detected_confidence``, ``detected_script``, ``label``, ``score``, ``p_negative``,
        ``p_positive``, ``category``, ``similarity`` and ``runner_up``; ``language`` is filled
        from the detector where the survey did not record it.
    language_recorded : bool
        Whether the survey recorded a ``language`` column (else every language is detected,
        and there is nothing for the detector to agree with).
    model, model_version : str
        Name and version of the sentiment model ("" when there were no comments).
    mentions : DataFrame
        Every theme each comment mentions with the sentiment toward it, one row per (comment,
        theme) (:func:`cxm_lab.text.aspects.theme_mentions`; ``response_id`` is the comment's
        ``response_id`` value, or its index label when there is no such column).
    non_answers : int
        Answers set aside because they say nothing ("none", "no comment", "-":
        :func:`cxm_lab.text.clean.non_answer`); they are not in ``comments``.
    theme_fit : ThemeFit or None
        With the default theme list only (no codeframe of the run's own): how many comments
        match a default theme well (:func:`cxm_lab.text.topics.theme_fit`); None otherwise.
    """

    comments: pd.DataFrame
    language_recorded: bool
    model: str
    model_version: str
    mentions: pd.DataFrame = field(default_factory=pd.DataFrame)
    non_answers: int = 0
    theme_fit: ThemeFit | None = None


def has_text(s: pd.Series) -> pd.Series:
    """True where a response has a comment: visible text (not empty, blank or zero-width
    only) that is not a non-answer ("none", "no comments.", "n/a", "-": the whole answer is one
    of :data:`cxm_lab.text.clean.NON_ANSWERS`, :func:`cxm_lab.text.clean.non_answer`).

    This is the one rule of what counts as a comment: the text analysis, the sections' checks
    and the notebooks all use it, so a non-answer is counted, scored, clustered and quoted
    nowhere.

    Parameters
    ----------
    s : Series
        Comments (any dtype; missing values are "no text").

    Returns
    -------
    Series of bool
        Same index as ``s``.

    Examples
    --------
    >>> has_text(pd.Series(["ok", " ", "\\u200b", None, "No comments.", "no support at all"])).tolist()
    [True, False, False, False, False, True]
    """
    from cxm_lab.text.clean import non_answer

    t = s.astype("string")
    for ch in _INVISIBLE:
        t = t.str.replace(ch, "", regex=False)
    visible = (t.str.strip().str.len() > 0).fillna(False).astype(bool)
    return visible & ~non_answer(s)


def analyse_comments(
    responses: pd.DataFrame,
    *,
    text: str = "comment",
    categories: Mapping[str, Sequence[str]] | None = None,
    encoder: Encoder | None = None,
) -> CommentAnalysis:
    """Responses with a comment, each with its detected language, sentiment and theme.

    Parameters
    ----------
    responses : DataFrame
        The responses (``text`` column; ``language`` when the survey recorded it).
    text : str
        The comment column.
    categories : mapping, optional
        Theme → seed phrases, optionally with example comments
        (:func:`cxm_lab.text.topics.load_categories`; with examples a trained head assigns the
        themes, :func:`cxm_lab.text.codeframe.assign_themes`); default: the neutral default
        list :data:`cxm_lab.text.topics.DEFAULT_CATEGORIES`.
    encoder : Encoder, optional
        Similarity encoder for the themes (default: the built multilingual encoder).

    Returns
    -------
    CommentAnalysis
        ``comments`` (the rows of ``responses`` with a comment, :func:`has_text`, with their
        language, sentiment and theme columns; ``category`` is the comment's best theme as a
        whole), whether the survey recorded the language, the sentiment model's name and
        version, ``mentions``: every theme of each comment with its own sentiment (clause by
        clause, :func:`cxm_lab.text.aspects.theme_mentions`), and ``non_answers``: how many
        answers were set aside as saying nothing.

        With the default list (``categories`` None) a comment keeps a theme only where it, or
        one of its clauses, matches that theme well (similarity at least
        :data:`cxm_lab.text.topics.FIT_SIMILARITY`, or
        :data:`cxm_lab.text.topics.STRONG_SIMILARITY` when the list fits the survey badly,
        :func:`cxm_lab.text.topics.theme_fit`); otherwise its ``category`` is "other" and its
        weaker mentions are dropped. ``theme_fit`` says how many comments match well.

    Raises
    ------
    ColumnError
        ``text`` is not a column of ``responses``.
    ModelError
        The text models have not been built (``make setup``).

    Examples
    --------
    >>> r = pd.DataFrame({"comment": ["Support never called back.", ""], "ltr": [2, 9]})
    >>> result = analyse_comments(r)  # doctest: +SKIP
    >>> len(result.comments), result.language_recorded  # doctest: +SKIP
    (1, False)
    """
    from cxm_lab.text import aspects, codeframe, language, sentiment, topics
    from cxm_lab.text.clean import non_answer

    check_frame(responses, "analyse_comments", name="responses")
    check_columns(responses, [text], "analyse_comments", "text")
    kept = has_text(responses[text])
    non_answers = int(non_answer(responses[text]).sum())
    comments = responses[kept].copy()
    detected = language.detect_language(comments[text])
    scored = sentiment.score_sentiment(comments[text])
    if codeframe.has_examples(categories):
        got = codeframe.assign_themes(comments[text], categories=categories, encoder=encoder)
        cats = pd.DataFrame(
            {
                "category": got["theme"],
                "similarity": [v[0] if v else float("nan") for v in got["scores"]],
                "runner_up": pd.array(
                    [v[1] if len(v) > 1 else pd.NA for v in got["themes"]], dtype="string"
                ),
            },
            index=comments.index,
        )
    else:
        cats = topics.match_categories(comments[text], categories=categories, encoder=encoder)
    ids = comments["response_id"] if "response_id" in comments else None
    mentions = aspects.theme_mentions(
        comments[text], ids=ids, categories=categories, encoder=encoder
    )
    fit = None
    if categories is None:  # the default list: keep only the matches that are good enough
        mentions, cats, fit = _good_matches(comments, mentions, cats, ids)
    comments = (
        comments.join(detected.add_prefix("detected_"))
        .join(scored[["label", "score", "p_negative", "p_positive"]])
        .join(cats)
    )
    recorded = "language" in comments
    if not recorded:
        comments["language"] = comments["detected_language"]
    else:
        comments["language"] = comments["language"].fillna(comments["detected_language"])
    return CommentAnalysis(
        comments=comments,
        language_recorded=recorded,
        model=str(scored["model"].iloc[0]) if len(scored) else "",
        model_version=str(scored["model_version"].iloc[0]) if len(scored) else "",
        mentions=mentions,
        non_answers=non_answers,
        theme_fit=fit,
    )


def _good_matches(
    comments: pd.DataFrame, mentions: pd.DataFrame, cats: pd.DataFrame, ids: pd.Series | None
) -> tuple[pd.DataFrame, pd.DataFrame, ThemeFit]:
    """The mentions and comment themes of the default list that match well, and the fit.

    A comment's best clause similarity decides whether it matches a default theme well
    (:func:`cxm_lab.text.topics.theme_fit`); the bar is
    :data:`cxm_lab.text.topics.FIT_SIMILARITY`, raised to
    :data:`cxm_lab.text.topics.STRONG_SIMILARITY` when the list fits the survey badly. A
    mention below the bar is dropped, and a comment whose ``category`` scores below the bar both
    as a whole and in its mentions gets "other" (its ``similarity`` and ``runner_up`` are kept, so the weak match is visible).
    """
    from cxm_lab.text.topics import FIT_SIMILARITY, STRONG_SIMILARITY, theme_fit

    key = ids.to_numpy() if ids is not None else comments.index.to_numpy()
    if len(mentions):
        best = mentions.groupby("response_id", sort=False)["similarity"].max()
        per_comment = pd.Series(key).map(best).to_numpy(dtype=float)
    else:
        per_comment = [float("nan")] * len(comments)
    fit = theme_fit(per_comment)
    bar = FIT_SIMILARITY if fit.fits else STRONG_SIMILARITY
    if len(mentions):
        mentions = mentions[mentions["similarity"].astype(float) >= bar].reset_index(drop=True)
    good = (
        set(zip(mentions["response_id"], mentions["theme"], strict=True))
        if len(mentions)
        else set()
    )
    cats = cats.copy()
    keep = [
        not isinstance(c, str) or c == "other" or sim >= bar or (k, c) in good
        for k, c, sim in zip(key, cats["category"].tolist(), cats["similarity"], strict=True)
    ]
    cats.loc[~pd.Series(keep, index=cats.index), "category"] = "other"
    return mentions, cats, fit


@fill
def share_by(
    df: pd.DataFrame, *, by: str | Sequence[str], column: str, value: object
) -> pd.DataFrame:
    """Percentage of rows per group where ``column == value``.

    Parameters
    ----------
    {{df}}
    by : str or list of str
        Group columns; rows with a missing key are left out.
    column : str
        The column compared with ``value`` (e.g. ``"label"``).
    value : object
        The value counted (e.g. ``"negative"``).

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, ``n`` (rows) and ``pct`` (0–100).

    Raises
    ------
    ColumnError
        A ``by`` column or ``column`` that is not in ``df``.

    Examples
    --------
    >>> c = pd.DataFrame({"language": ["en", "en", "fa"], "label": ["negative", "positive", "negative"]})
    >>> share_by(c, by=["language"], column="label", value="negative")
      language  n    pct
    0       en  2   50.0
    1       fa  1  100.0
    """
    check_frame(df, "share_by")
    keys = check_by(df, by, "share_by")
    check_columns(df, [column], "share_by", "column")
    hit = (df[column] == value).astype(float)
    g = hit.groupby([df[b] for b in keys], observed=True, dropna=True)
    return pd.DataFrame({"n": g.size(), "pct": 100 * g.mean()}).reset_index()


def language_table(
    comments: CommentAnalysis | pd.DataFrame, *, language_recorded: bool = True
) -> pd.DataFrame:
    """Comments per language: count, agreement of the detector with the survey's language,
    and the sentiment mix.

    Parameters
    ----------
    comments : CommentAnalysis or DataFrame
        The result of :func:`analyse_comments` (or its ``comments`` table: ``language``,
        ``detected_language`` and ``label`` columns).
    language_recorded : bool
        For a table only: whether the survey recorded the language (taken from a
        :class:`CommentAnalysis`).

    Returns
    -------
    DataFrame
        ``language``, ``comments``, ``detected_same`` (% of comments where the detector gives
        the survey's language; left out when the survey recorded none), ``pct_negative`` and
        ``pct_positive`` (0–100), most comments first. Comments with no language (none recorded,
        none detected: no letters) are the last row, :data:`NO_LANGUAGE`, so the rows add up to
        all the comments.

    Examples
    --------
    >>> c = pd.DataFrame({"language": ["en", "en", "fa", "en"],
    ...                   "detected_language": ["en", "de", "fa", "en"],
    ...                   "label": ["negative", "positive", "negative", "neutral"]})
    >>> language_table(c).round(1).to_dict("records")[0]
    {'language': 'en', 'comments': 3, 'detected_same': 66.7, 'pct_negative': 33.3, 'pct_positive': 33.3}
    """
    if isinstance(comments, CommentAnalysis):
        c, recorded = comments.comments, comments.language_recorded
    else:
        c, recorded = comments, language_recorded
    check_frame(c, "language_table", name="comments")
    check_columns(c, ["language", "detected_language", "label"], "language_table", "comments")
    same = (c["detected_language"].astype("string") == c["language"].astype("string")).fillna(False)
    g = pd.DataFrame(
        {
            "language": c["language"].astype("string").fillna(NO_LANGUAGE),
            "same": same.astype(float),
            "neg": (c["label"] == "negative").astype(float),
            "pos": (c["label"] == "positive").astype(float),
        }
    ).groupby("language", observed=True)
    out = pd.DataFrame(
        {
            "comments": g.size(),
            "detected_same": 100 * g["same"].mean(),
            "pct_negative": 100 * g["neg"].mean(),
            "pct_positive": 100 * g["pos"].mean(),
        }
    )
    if not recorded:
        out = out.drop(columns="detected_same")
    out = out.reset_index().sort_values("comments", ascending=False, kind="stable")
    return pd.concat([out[out["language"] != NO_LANGUAGE], out[out["language"] == NO_LANGUAGE]])
