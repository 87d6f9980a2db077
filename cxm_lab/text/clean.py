"""Text cleaning before embedding, and stop words for every supported language.

Theme discovery groups what texts *say*; without cleaning it groups what they *look like*:
tweets by the @-mentioned company, e-mails by their signature, exports by a templated footer.
:func:`clean_text` removes those parts; :func:`dedupe_key` gives near-duplicates (the same text
up to case, punctuation, digits and spacing: retweets, copy-pasted comments) one key so a
cluster is not built from one comment pasted fifty times; :func:`stop_words` gives the function
words of a language from ``stopwordsiso`` (the stopwords-iso lists, 57 languages) so theme
labels are made of content words.

Examples
--------
>>> clean_text(["@AcmeAir your app crashes https://t.co/x1 #fail"]).tolist()
['your app crashes fail']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import pandas as pd

__all__ = ["SIGNATURE_MARKERS", "clean_text", "dedupe_key", "stop_words"]

_MENTION = re.compile(r"(?<![\w@])@\w[\w.]*:?")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_HASH = re.compile(r"(?<!\w)#(\w)")
_RT = re.compile(r"^\s*RT\b[:\s]*", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_LEAD = re.compile(r"^[\s:;,.\-–—|]+")
_SENTENCE = re.compile(r"(?<=[.!?。！？؟\n])\s*")

#: Lines that open an e-mail signature or a device footer; the line and everything after it
#: are cut (matched at the start of a line, case-insensitive).
SIGNATURE_MARKERS: tuple[str, ...] = (
    "-- ", "--\n", "__", "sent from my", "get outlook for", "best regards", "kind regards",
    "regards,", "cheers,", "thanks,", "thank you,", "sincerely", "mit freundlichen grüßen",
    "viele grüße", "cordialement", "bien à vous", "saludos", "atentamente", "с уважением",
    "отправлено с", "با تشکر", "با احترام", "مع تحياتي", "مع خالص التحيات", "此致", "发自我的",
)  # fmt: skip
_SIGNATURE = re.compile(
    r"(?im)^[ \t]*(?:" + "|".join(re.escape(m.strip("\n")) for m in SIGNATURE_MARKERS) + r").*\Z",
    re.DOTALL,
)


def _strip(text: str) -> str:
    text = _SIGNATURE.sub("", text)
    text = _RT.sub("", text)
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _HASH.sub(r"\1", text)
    return text


def clean_text(
    texts: Sequence[str] | pd.Series,
    *,
    boilerplate: bool = True,
    min_share: float = 0.05,
    min_docs: int = 5,
) -> pd.Series:
    """Texts without @-mentions, URLs, e-mail addresses, signatures and templated boilerplate.

    Per text: a signature (a line starting with one of :data:`SIGNATURE_MARKERS`, and all that
    follows), a leading "RT", URLs, e-mail addresses and @-mentions are removed and "#" is
    dropped from hashtags (the word stays). With ``boilerplate``, a sentence that occurs in at
    least ``min_docs`` texts and at least ``min_share`` of them (a survey tool's footer, a
    templated greeting) is removed from every text; a text made only of such sentences keeps
    them (it says nothing else). Spaces are collapsed. Missing values stay missing.

    Parameters
    ----------
    texts : sequence of str or Series
        Comments in any language.
    boilerplate : bool
        Remove sentences repeated across many texts.
    min_share : float
        Fraction (0–1) of the texts a sentence must occur in to be boilerplate.
    min_docs : int
        Texts a sentence must occur in to be boilerplate.

    Returns
    -------
    Series of str
        Same index as a Series input (RangeIndex for a list).

    Examples
    --------
    >>> t = ["Great support!\\n\\nSent from my iPhone", "RT @bank: card blocked again www.x.com"]
    >>> clean_text(t).tolist()
    ['Great support!', 'card blocked again']
    >>> foot = "Powered by SurveyTool."
    >>> clean_text([f"Too slow. {foot}", f"Price ok. {foot}", foot], min_docs=2).tolist()
    ['Too slow.', 'Price ok.', 'Powered by SurveyTool.']
    """
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    present = s.map(lambda v: isinstance(v, str))
    out = s.astype(object).copy()
    stripped = {i: _strip(v) for i, v in s[present].items()}
    if boilerplate and stripped:
        parts = {
            i: [p.strip() for p in _SENTENCE.split(t) if p.strip()] for i, t in stripped.items()
        }
        counts = Counter(p for ps in parts.values() for p in set(ps))
        need = max(min_docs, min_share * len(parts))
        common = {p for p, c in counts.items() if c >= need}
        if common:
            for i, ps in parts.items():
                kept = [p for p in ps if p not in common]
                if kept:
                    stripped[i] = " ".join(kept)
    for i, t in stripped.items():
        out.loc[i] = _LEAD.sub("", _SPACE.sub(" ", t)).strip()
    return out


_KEY = re.compile(r"[\W\d_]+")


def dedupe_key(texts: Iterable[str]) -> list[str]:
    """A key per text that near-duplicates share: lower case, digits, punctuation, symbols and
    spacing removed (so "Card blocked AGAIN!!" and "card blocked again" get one key).

    Parameters
    ----------
    texts : iterable of str
        Cleaned texts (:func:`clean_text`).

    Returns
    -------
    list of str

    Examples
    --------
    >>> dedupe_key(["Card blocked AGAIN!!", "card blocked again", "card ok"])
    ['cardblockedagain', 'cardblockedagain', 'cardok']
    """
    return [_KEY.sub("", str(t).casefold()) for t in texts]


@lru_cache(maxsize=64)
def stop_words(language: str | None = None) -> frozenset[str]:
    """Stop words of one language (or of every language stopwordsiso lists, for None or an
    unknown code), lower case.

    The lists are the stopwords-iso collection (package ``stopwordsiso``: 57 languages, among
    them en, fa, ar, ru, zh, fr, es, de, ja, hi, ur). Chinese entries are words, so they are
    matched against words and character n-grams alike.

    Parameters
    ----------
    language : str, optional
        ISO 639-1 code ("fr", "fa", ...); a BCP-47 tag ("fr-CA") is cut to its language.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> {"de", "les", "pas"} <= stop_words("fr"), "support" in stop_words("en")
    (True, False)
    """
    import stopwordsiso

    langs = sorted(stopwordsiso.langs())
    code = (language or "").split("-")[0].split("_")[0].lower()
    chosen = [code] if code in langs else langs
    words: set[str] = set()
    for lang in chosen:
        words |= {w.lower() for w in stopwordsiso.stopwords(lang)}
    return frozenset(words)
