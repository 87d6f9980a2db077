"""Rating scales: which scale a question was answered on.

Neither a survey export nor a params file states a rating question's scale, so it is read from
the answers (and, where the export writes them, the choice labels): ``cxm-lab init`` says it in
the params file (:attr:`cxm_lab.guess.ColumnProfile.scale`) and the brief compares ratings given
on different scales as a percentage of each one's range (:func:`cxm_lab.brief.rating_scales`).
Both call :func:`fit_scale`, the one rule.

A rating whose lowest answer is the best ("How difficult has it been to learn R?", "This class
is too stressful") is listed under ``reverse_scored:`` in the params file; the run reverse-codes
it once, when the data is read (:func:`cxm_lab.ingest.prepare_dataset` calls
:func:`reverse_code`), and labels it with :func:`reversed_label`, so every table, chart, driver
analysis and the brief read higher = better.

Examples
--------
>>> fit_scale(1, 9, labels={9: "Completely agree"}), fit_scale(1, 10), fit_scale(2, 5)
((1, 9), (0, 10), (1, 5))
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

__all__ = [
    "RARE_SCALES",
    "SCALES",
    "SCALE_END",
    "SCALE_MIDDLE",
    "fit_scale",
    "reverse_code",
    "reversed_label",
    "scale_text",
]

#: The rating scales :func:`fit_scale` knows, as (lowest, highest) answer.
SCALES: tuple[tuple[int, int], ...] = (
    (1, 5),
    (1, 7),
    (0, 5),
    (0, 10),
    (1, 10),
    (1, 9),
    (0, 6),
    (1, 6),
    (1, 4),
)
#: Scales that need evidence: the answers span 1–9 end to end, or a choice label fixes an end
#: (1–10 always needs a label). Without it, answers 2–9 or 1–10 are the usual 0–10 "how likely"
#: question on which nobody chose the ends.
RARE_SCALES: tuple[tuple[int, int], ...] = ((1, 9), (1, 10))
#: A choice label that names an end of its scale ("9. Completely agree", "0 - Not at all likely").
SCALE_END = re.compile(
    r"\b(complete(ly)?|extreme(ly)?|strongly|totally|fully|absolutely|not at all|"
    r"tout à fait|pas du tout|totalement|complètement|extrêmement|totalmente|completamente|"
    r"en absoluto|extremadamente|nada|überhaupt nicht|gar nicht|voll und ganz|völlig|äußerst)\b",
    re.IGNORECASE,
)
#: A choice label that names the middle of its scale ("5. Neither agree nor disagree").
SCALE_MIDDLE = re.compile(r"\b(neither|neutral|neutre|ni .+ ni|weder|né .+ né)\b", re.IGNORECASE)


def fit_scale(
    lo: float, hi: float, *, labels: Mapping[int, str] | None = None
) -> tuple[int, int] | None:
    """The rating scale of :data:`SCALES` that whole-number answers from ``lo`` to ``hi`` were
    given on, or None when no known scale holds them.

    Among the scales that hold every answer and agree with the choice labels:

    - a label that names an end of the scale ("Completely agree", "Not at all likely") on the
      lowest or highest answer fixes that end; one that names its middle ("Neither agree nor
      disagree") fixes the middle (answers 1–4 with "3 - Neutral" are a 1–5 scale); labels
      that no known scale agrees with are ignored;
    - 1–9 and 1–10 (:data:`RARE_SCALES`) only with evidence: answers that span 1–9 end to end,
      or a label that rules the wider scales out; so answers 2–9 or 1–10 read as 0–10, the
      usual "how likely" scale on which nobody chose the ends;
    - then the narrowest (answers 2–5: 1–5; answers 1–4: 1–4).

    Parameters
    ----------
    lo, hi : float
        The lowest and highest answer given (whole numbers).
    labels : mapping of int to str, optional
        The choice label written with a number in the export (``9: "Completely agree"``).

    Returns
    -------
    tuple of int or None
        (lowest, highest) possible answer.

    Examples
    --------
    >>> fit_scale(1, 4, labels={3: "Neutral"}), fit_scale(1, 4), fit_scale(2, 9), fit_scale(0, 12)
    ((1, 5), (1, 4), (0, 10), None)
    >>> fit_scale(0, 4), fit_scale(1, 9), fit_scale(2, 9, labels={9: "Completely agree"})
    ((0, 5), (1, 9), (1, 9))
    """
    labels = dict(labels or {})
    fits = [(a, b) for a, b in SCALES if a <= lo and hi <= b and hi - lo >= min(2, b - a)]

    def agrees(a: int, b: int) -> bool:
        for value, label in labels.items():
            if SCALE_END.search(label) and (
                (value == lo and value != a) or (value == hi and value != b)
            ):
                return False
            if SCALE_MIDDLE.search(label) and a + b != 2 * value:
                return False
        return True

    agreed = [s for s in fits if agrees(*s)]
    confirmed = bool(agreed) and len(agreed) < len(fits)  # the labels ruled a scale out
    fits = agreed or fits

    def allowed(s: tuple[int, int]) -> bool:
        if s not in RARE_SCALES or confirmed:
            return True
        return s == (lo, hi) and s != (1, 10)

    fits = [s for s in fits if allowed(s)] or fits
    return min(fits, key=lambda s: s[1] - s[0]) if fits else None


def scale_text(scale: tuple[float, float]) -> str:
    """A scale as a reader writes it: (1.0, 5.0) → "1–5" (en dash), the one form every table,
    caption and sentence uses.

    Parameters
    ----------
    scale : tuple of float
        (lowest, highest) possible answer.

    Returns
    -------
    str
        "lowest–highest" without trailing zeros.

    Examples
    --------
    >>> scale_text((1.0, 5.0)), scale_text((0, 10)), scale_text((0.5, 4.5))
    ('1–5', '0–10', '0.5–4.5')
    """
    return f"{scale[0]:g}\u2013{scale[1]:g}"


def reverse_code(values: pd.Series, scale: tuple[float, float]) -> pd.Series:
    """Reverse-code the answers to a rating whose lowest answer is the best: answer →
    lowest + highest − answer, so that higher is better (on 1–5: 1 ↔ 5, 2 ↔ 4, 3 stays 3).

    Missing answers stay missing; the scale is unchanged, so the reversed answers lie on it
    exactly when the answers do.

    Parameters
    ----------
    values : Series
        The answers (numbers or missing).
    scale : tuple of float
        (lowest, highest) possible answer.

    Returns
    -------
    Series
        The reversed answers, float, same index and name.

    Examples
    --------
    >>> import pandas as pd
    >>> reverse_code(pd.Series([1, 2, 5, None]), (1, 5)).tolist()
    [5.0, 4.0, 1.0, nan]
    >>> reverse_code(pd.Series([0, 3, 10]), (0, 10)).tolist()
    [10.0, 7.0, 0.0]
    """
    lo, hi = float(scale[0]), float(scale[1])
    return lo + hi - pd.to_numeric(values, errors="coerce").astype(float)


#: Adjectives of a negatively worded rating that :func:`reversed_label` turns into "least ...".
_NEGATIVE_ADJECTIVE = re.compile(
    r"\b(difficult|hard|stressful|frustrating|exhausting|draining|tiring|demanding|confusing|"
    r"complicated|annoying|anxious|worried|painful|slow|expensive|costly)\b",
    re.IGNORECASE,
)


def reversed_label(label: str, scale: tuple[float, float]) -> str:
    """The display label of a reverse-scored rating: the label and what its highest value now
    means, "(reversed: 5 = least difficult)" when the label names the quality, else
    "(reversed: 5 = answered 1)".

    Parameters
    ----------
    label : str
        The rating's label.
    scale : tuple of float
        (lowest, highest) possible answer.

    Returns
    -------
    str
        The label with the reversal said in brackets.

    Examples
    --------
    >>> reversed_label("How difficult has it been for you to learn R", (1, 5))
    'How difficult has it been for you to learn R (reversed: 5 = least difficult)'
    >>> reversed_label("I worry too much about this class", (1, 9))
    'I worry too much about this class (reversed: 9 = answered 1)'
    """
    lo, hi = scale
    m = _NEGATIVE_ADJECTIVE.search(label)
    meaning = f"least {m.group(1).lower()}" if m else f"answered {lo:g}"
    return f"{label} (reversed: {hi:g} = {meaning})"
