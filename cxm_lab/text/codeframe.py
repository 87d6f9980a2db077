"""The company's own codeframe: its categories, seed phrases and (optionally) example comments.

Without examples, a text's themes come from its nearest seed phrases
(:func:`cxm_lab.text.topics.match_categories`, zero-shot). With a few labelled example comments
per category (params ``themes: {category: {seeds: [...], examples: [...]}}``), a small trained
head replaces nearest-seed matching: one logistic regression per category (one-vs-rest, so a
text can carry several categories) on the standardised e5 embeddings of the examples and seeds,
with topic-free phrases (:data:`cxm_lab.text.topics.DEFAULT_GENERIC`) as negatives of every
category so that "Thanks!" gets none. See ``docs/TEXT_MODEL.md`` ("Themes") for zero-shot and
few-shot accuracy.

Examples
--------
>>> cats = {"price": {"seeds": ["too expensive"], "examples": ["costs a fortune"]},
...         "staff": ["rude staff"]}
>>> has_examples(cats), has_examples({"price": ["too expensive"]})
(True, False)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cxm_lab.errors import ParameterError

__all__ = ["CodeframeHead", "assign_themes", "fit_codeframe", "has_examples"]


def has_examples(categories: Mapping | None) -> bool:
    """Whether a :func:`cxm_lab.text.topics.load_categories` result carries example comments.

    Parameters
    ----------
    categories : mapping or None
        Category -> seeds, or -> ``{"seeds": [...], "examples": [...]}``.

    Returns
    -------
    bool

    Examples
    --------
    >>> has_examples({"a": {"seeds": ["x"], "examples": ["y"]}}), has_examples(None)
    (True, False)
    """
    return bool(categories) and any(
        isinstance(v, Mapping) and v.get("examples") for v in categories.values()
    )


@dataclass(frozen=True)
class CodeframeHead:
    """A trained multi-label head over e5 embeddings: one logistic regression per category.

    Attributes
    ----------
    categories : tuple of str
        Category names, in column order.
    mean, scale : ndarray
        Standardisation of the embeddings (fitted on the training texts).
    coef : ndarray
        (categories, dimensions) weights.
    intercept : ndarray
        One per category.
    n_examples : dict
        Training texts per category (examples + seeds).
    """

    categories: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    n_examples: dict

    def predict_proba(self, emb: np.ndarray) -> np.ndarray:
        """Probability (0–1) of each category for each embedding row (rows need not sum to 1).

        Parameters
        ----------
        emb : ndarray
            (texts, dimensions) embeddings from the encoder the head was trained with.

        Returns
        -------
        ndarray
            (texts, categories).
        """
        z = (emb - self.mean) / self.scale @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


_HEADS: dict[str, CodeframeHead] = {}


def fit_codeframe(
    categories: Mapping | str | Path,
    *,
    encoder=None,
    C: float = 0.5,
    generic: Sequence[str] | None = None,
) -> CodeframeHead:
    """Train the codeframe head from the example comments (and the seed phrases).

    Training texts of a category: its examples and its seeds; negatives: every other text (a
    text listed under two categories is a positive of both) and the ``generic`` topic-free
    phrases. Each category gets a class-balanced logistic
    regression (scikit-learn, L2, ``C``) on the standardised embeddings. The head is kept in
    memory per (encoder version, codeframe), so a run trains it once.

    Parameters
    ----------
    categories : mapping or path
        The codeframe (:func:`cxm_lab.text.topics.load_categories`), with ``examples``.
    encoder : Encoder, optional
        Default :func:`cxm_lab.text.sentiment.default_encoder`.
    C : float
        Inverse regularisation strength.
    generic : sequence of str, optional
        Topic-free phrases used as negatives; default
        :data:`cxm_lab.text.topics.DEFAULT_GENERIC`.

    Returns
    -------
    CodeframeHead

    Raises
    ------
    ParameterError
        Fewer than two categories.

    Examples
    --------
    >>> class Words:
    ...     vocab = ["late", "parcel", "rude", "staff", "ok"]
    ...     version = "toy"
    ...     def encode(self, texts):
    ...         v = np.array([[w in t.split() for w in self.vocab] for t in texts], float)
    ...         return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1)
    >>> cats = {"delivery": {"seeds": ["late parcel"], "examples": ["parcel late", "late"]},
    ...         "staff": {"seeds": ["rude staff"], "examples": ["staff rude", "rude"]}}
    >>> head = fit_codeframe(cats, encoder=Words(), generic=["ok"])
    >>> p = head.predict_proba(Words().encode(["late parcel", "ok"]))
    >>> bool(p[0, 0] > 0.5 > p[0, 1]), bool(p[1].max() < 0.5)   # delivery; "ok": no category
    (True, True)
    """
    from sklearn.linear_model import LogisticRegression

    from cxm_lab.text.topics import DEFAULT_GENERIC, _encoder, load_categories

    cats = load_categories(categories)
    if len(cats) < 2:
        raise ParameterError(
            f"fit_codeframe: the codeframe has {len(cats)} category; a trained head needs at "
            "least two (or leave out the examples to match seed phrases)"
        )
    enc = _encoder(encoder)
    generic = list(DEFAULT_GENERIC if generic is None else generic)
    key = hashlib.sha256(
        json.dumps([str(getattr(enc, "version", id(enc))), cats, generic, C]).encode()
    ).hexdigest()
    if key in _HEADS:
        return _HEADS[key]
    names = tuple(cats)
    members: dict[str, set[int]] = {}  # text -> its categories (a text may carry several)
    for j, v in enumerate(cats.values()):
        own = list(v["seeds"]) + list(v.get("examples", [])) if isinstance(v, Mapping) else list(v)
        for t in own:
            members.setdefault(t, set()).add(j)
    for t in generic:
        members.setdefault(t, set())
    texts = list(members)
    y_all = np.array([[j in members[t] for j in range(len(names))] for t in texts], dtype=int)
    emb = np.asarray(enc.encode(texts), dtype=float)
    mean = emb.mean(axis=0)
    scale = emb.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    x = (emb - mean) / scale
    coef = np.zeros((len(names), x.shape[1]))
    intercept = np.zeros(len(names))
    for j in range(len(names)):
        y = y_all[:, j]
        lr = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
        lr.fit(x, y)
        coef[j] = lr.coef_[0]
        intercept[j] = lr.intercept_[0]
    head = CodeframeHead(
        categories=names,
        mean=mean,
        scale=scale,
        coef=coef,
        intercept=intercept,
        n_examples={n: int(y_all[:, j].sum()) for j, n in enumerate(names)},
    )
    _HEADS[key] = head
    return head


def assign_themes(
    texts: Sequence[str] | pd.Series,
    *,
    categories: Mapping | str | Path | None = None,
    encoder=None,
    threshold: float = 0.80,
    min_probability: float = 0.5,
    method: str = "auto",
    generic: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The themes of each text: nearest seed phrases, or the trained codeframe head.

    ``method="auto"`` trains the head (:func:`fit_codeframe`) when the codeframe carries example
    comments and matches seed phrases (:func:`cxm_lab.text.topics.match_categories`, one theme
    per text, none for "other") when it does not. The head gives every category whose
    probability is at least ``min_probability`` (several per text are possible).

    Parameters
    ----------
    texts : sequence of str or Series
        Comments or clauses in any language.
    categories : mapping or path, optional
        The codeframe; default :data:`cxm_lab.text.topics.DEFAULT_CATEGORIES`.
    encoder : Encoder, optional
        Default :func:`cxm_lab.text.sentiment.default_encoder`.
    threshold : float
        Seed matching: lowest similarity of a theme.
    min_probability : float
        Trained head: lowest probability (0–1) of a theme.
    method : {"auto", "seeds", "trained"}
        Force one route ("trained" needs examples).
    generic : sequence of str, optional
        Topic-free phrases: seed matching calls a text closer to them "other", the head
        trains on them as negatives; default :data:`cxm_lab.text.topics.DEFAULT_GENERIC`,
        ``[]`` for none (every text gets its best category).

    Returns
    -------
    DataFrame
        Aligned with the input: ``theme`` (the best theme; "other" when none, NA for empty
        texts), ``themes`` (list of every theme given), ``scores`` (their similarity or
        probability) and ``method`` ("seeds" or "trained").

    Raises
    ------
    ParameterError
        Unknown ``method``, or "trained" without examples.

    Examples
    --------
    >>> class Words:
    ...     vocab = ["late", "parcel", "rude", "staff"]
    ...     def encode(self, texts):
    ...         v = np.array([[w in t.split() for w in self.vocab] for t in texts], float)
    ...         return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1)
    >>> cats = {"delivery": ["late parcel"], "staff": ["rude staff"]}
    >>> assign_themes(["parcel late"], categories=cats, encoder=Words(), threshold=0.5
    ...               )[["theme", "themes", "method"]].values.tolist()
    [['delivery', ['delivery'], 'seeds']]
    """
    from cxm_lab.text.topics import _encoder, _texts, load_categories, match_categories

    if method not in ("auto", "seeds", "trained"):
        raise ParameterError(
            f"assign_themes: method={method!r} is not one of 'auto', 'seeds', 'trained'"
        )
    cats = None if categories is None else load_categories(categories)
    trained = method == "trained" or (method == "auto" and has_examples(cats))
    if trained and not has_examples(cats):
        raise ParameterError(
            "assign_themes: method='trained' needs example comments in the codeframe "
            "(themes: {category: {seeds: [...], examples: [...]}})"
        )
    s, usable = _texts(texts)
    n = len(s)
    if not trained:
        m = match_categories(
            s,
            categories=cats,
            threshold=threshold,
            encoder=encoder,
            **({} if generic is None else {"generic": list(generic)}),
        )
        themes = [
            [c] if isinstance(c, str) and c != "other" else [] for c in m["category"].tolist()
        ]
        scores = [
            [float(v)] if t else [] for t, v in zip(themes, m["similarity"].tolist(), strict=True)
        ]
        return pd.DataFrame(
            {"theme": m["category"], "themes": themes, "scores": scores, "method": "seeds"},
            index=s.index,
        )
    enc = _encoder(encoder)
    head = fit_codeframe(cats, encoder=enc, generic=generic)
    theme = pd.array([pd.NA] * n, dtype="string")
    themes: list[list[str]] = [[] for _ in range(n)]
    scores: list[list[float]] = [[] for _ in range(n)]
    if usable.any():
        p = head.predict_proba(np.asarray(enc.encode([str(v) for v in s[usable]]), dtype=float))
        names = np.array(head.categories, dtype=object)
        for row, i in enumerate(np.flatnonzero(usable)):
            order = np.argsort(-p[row])
            keep = [j for j in order if p[row, j] >= min_probability]
            themes[i] = [str(names[j]) for j in keep]
            scores[i] = [float(p[row, j]) for j in keep]
            theme[i] = str(names[keep[0]]) if keep else "other"
    return pd.DataFrame(
        {"theme": theme, "themes": themes, "scores": scores, "method": "trained"}, index=s.index
    )
