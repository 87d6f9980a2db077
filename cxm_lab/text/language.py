"""Language and script of each comment, with lingua (a maintained, offline detector).

Examples
--------
>>> detect_language(["Support was slow", "پشتیبانی کند بود", ""])["language"].tolist()
['en', 'fa', <NA>]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import pandas as pd

__all__ = ["DEFAULT_LANGUAGES", "SCRIPTS", "detect_language", "script_of"]

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


def detect_language(
    texts: Sequence[str] | pd.Series, *, languages: Sequence[str] = DEFAULT_LANGUAGES
) -> pd.DataFrame:
    """ISO 639-1 language, detector confidence and dominant script of each text.

    Texts without letters (empty, emoji-only, numbers) get language NA and confidence 0 rather
    than a guess.

    Parameters
    ----------
    texts : list or Series of str
        Comments; an item that is not a string counts as empty.
    languages : sequence of str
        ISO 639-1 codes the detector chooses from (default :data:`DEFAULT_LANGUAGES`).

    Returns
    -------
    DataFrame
        ``language`` (string, NA without letters), ``confidence`` (0–1) and ``script``
        (:func:`script_of`); aligned with the input (same index for a Series).

    Examples
    --------
    >>> detect_language(["Support was slow", "پشتیبانی کند بود", ""])["language"].tolist()
    ['en', 'fa', <NA>]
    """
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    det = _detector(tuple(languages))
    langs, confs, scripts = [], [], []
    for v in series:
        text = v if isinstance(v, str) else ""
        script = script_of(text)
        scripts.append(script)
        if script == "None":
            langs.append(pd.NA)
            confs.append(0.0)
            continue
        values = det.compute_language_confidence_values(text)
        best = values[0] if values else None
        langs.append(best.language.iso_code_639_1.name.lower() if best else pd.NA)
        confs.append(float(best.value) if best else 0.0)
    return pd.DataFrame(
        {"language": pd.array(langs, dtype="string"), "confidence": confs, "script": scripts},
        index=series.index,
    )
