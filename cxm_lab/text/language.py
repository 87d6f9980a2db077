"""Language and script of each comment, with lingua (a maintained, offline detector).

Examples
--------
>>> detect_language(["Support was slow", "پشتیبانی کند بود", ""])["language"].tolist()
['en', 'fa', <NA>]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import pandas as pd

__all__ = [
    "DEFAULT_LANGUAGES",
    "PRIOR_MIN_TEXTS",
    "PRIOR_SMOOTHING",
    "RELIABLE_CONFIDENCE",
    "RELIABLE_WORDS",
    "SCRIPTS",
    "detect_language",
    "script_of",
]

#: The languages the detector chooses from unless told otherwise (ISO 639-1).
DEFAULT_LANGUAGES = (
    "en",
    "fa",
    "ar",
    "ru",
    "zh",
    "fr",
    "de",
    "es",
    "pt",
    "it",
    "tr",
    "ja",
    "ko",
    "hi",
)
_CJK_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
#: Unicode character-name prefix → script name.
SCRIPTS = {
    "ARABIC": "Arabic",
    "CYRILLIC": "Cyrillic",
    "CJK": "Han",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "HANGUL": "Hangul",
    "LATIN": "Latin",
    "DEVANAGARI": "Devanagari",
    "HEBREW": "Hebrew",
    "GREEK": "Greek",
}


@lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]):
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c.upper()) for c in languages]
    return (
        LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        .with_preloaded_language_models()
        .build()
    )


def script_of(text: str) -> str:
    """Dominant script of the letters in ``text``.

    Parameters
    ----------
    text : str
        One comment.

    Returns
    -------
    str
        "Latin", "Arabic", "Cyrillic", "Han", ... (:data:`SCRIPTS`; "Other" for the rest);
        "Mixed" when no script has 80% of the letters, "None" without letters (emoji, digits).

    Examples
    --------
    >>> script_of("پشتیبانی کند بود"), script_of("CRM خوب است ولی the API is slow"), script_of("42 👍")
    ('Arabic', 'Mixed', 'None')
    """
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            script = next((v for k, v in SCRIPTS.items() if name.startswith(k)), "Other")
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "None"
    top, n = max(counts.items(), key=lambda kv: kv[1])
    return top if n >= 0.8 * sum(counts.values()) else "Mixed"


#: A comment the detector is sure of (confidence at least this, and at least
#: :data:`RELIABLE_WORDS` words or 12 CJK characters) counts towards the survey's language mix.
RELIABLE_CONFIDENCE = 0.8
#: Words a comment needs to count towards the survey's language mix.
RELIABLE_WORDS = 5
#: Fewest sure comments for the survey's language mix to be used as a prior.
PRIOR_MIN_TEXTS = 20
#: Added to each language's share of the sure comments, so a language that none of them is
#: written in can still win where the detector is sure of it.
PRIOR_SMOOTHING = 0.01


def detect_language(
    texts: Sequence[str] | pd.Series,
    *,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    survey_prior: bool = True,
) -> pd.DataFrame:
    """ISO 639-1 language, detector confidence and dominant script of each text.

    Texts without letters (empty, emoji-only, numbers) get language NA and confidence 0 rather
    than a guess.

    Short answers are often ambiguous to a detector: in an English survey "Error messages"
    reads as French (0.43 against 0.35), "none" as Italian and "Idk" as German. With
    ``survey_prior`` (default), the language mix of the comments the detector is sure of
    (confidence ≥ :data:`RELIABLE_CONFIDENCE` and ≥ :data:`RELIABLE_WORDS` words, or 12 CJK
    characters; at least :data:`PRIOR_MIN_TEXTS` of them) is the prior of every comment:
    each language's confidence is multiplied by its share of those comments plus
    :data:`PRIOR_SMOOTHING` and normalised again. A long comment in another language keeps
    its language (the detector's near-certainty outweighs the prior); a two-word answer takes
    the survey's language unless the detector strongly prefers another.

    Parameters
    ----------
    texts : list or Series of str
        Comments; an item that is not a string counts as empty.
    languages : sequence of str
        ISO 639-1 codes the detector chooses from (default :data:`DEFAULT_LANGUAGES`).
    survey_prior : bool
        Weigh each comment's detection by the language mix of the comments the detector is
        sure of (see above); False: each comment on its own.

    Returns
    -------
    DataFrame
        ``language`` (string, NA without letters), ``confidence`` (0–1; with the prior, the
        normalised posterior) and ``script`` (:func:`script_of`); aligned with the input (same
        index for a Series).

    Examples
    --------
    >>> detect_language(["Support was slow", "پشتیبانی کند بود", ""])["language"].tolist()
    ['en', 'fa', <NA>]
    """
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    det = _detector(tuple(languages))
    scripts: list[str] = []
    values: list[dict[str, float]] = []
    reliable: list[str] = []
    for v in series:
        text = v if isinstance(v, str) else ""
        script = script_of(text)
        scripts.append(script)
        if script == "None":
            values.append({})
            continue
        conf = {
            c.language.iso_code_639_1.name.lower(): float(c.value)
            for c in det.compute_language_confidence_values(text)
        }
        values.append(conf)
        if conf:
            best = max(conf, key=conf.__getitem__)
            long_enough = len(text.split()) >= RELIABLE_WORDS or len(_CJK_CHARS.findall(text)) >= 12
            if conf[best] >= RELIABLE_CONFIDENCE and long_enough:
                reliable.append(best)
    prior = None
    if survey_prior and len(reliable) >= PRIOR_MIN_TEXTS:
        shares = pd.Series(reliable).value_counts(normalize=True)
        prior = {lang: float(shares.get(lang, 0.0)) + PRIOR_SMOOTHING for lang in languages}
    langs: list[object] = []
    confs: list[float] = []
    for conf in values:
        if prior is not None and conf:
            conf = {lang: c * prior.get(lang, PRIOR_SMOOTHING) for lang, c in conf.items()}
            total = sum(conf.values())
            conf = {lang: c / total for lang, c in conf.items()} if total > 0 else {}
        if not conf:
            langs.append(pd.NA)
            confs.append(0.0)
            continue
        best = max(conf, key=conf.__getitem__)
        langs.append(best)
        confs.append(conf[best])
    return pd.DataFrame(
        {"language": pd.array(langs, dtype="string"), "confidence": confs, "script": scripts},
        index=series.index,
    )
