"""Text cleaning before embedding, and stop words for every supported language.

Theme discovery groups what texts *say*; without cleaning it groups what they *look like*:
tweets by the @-mentioned company, e-mails by their signature, exports by a templated footer.
:func:`clean_text` removes those parts; :func:`dedupe_key` gives near-duplicates (the same text
up to case, punctuation, digits and spacing: retweets, copy-pasted comments) one key so a
cluster is not built from one comment pasted fifty times; :func:`stop_words` gives the function
words of a language from ``stopwordsiso`` (the stopwords-iso lists, 57 languages) so theme
labels are made of content words; :func:`non_answer` tells an answer that says nothing ("none",
"no comment", "n/a", :data:`NON_ANSWERS`) from a comment.

Examples
--------
>>> clean_text(["@AcmeAir your app crashes https://t.co/x1 #fail"]).tolist()
['your app crashes fail']
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import pandas as pd

__all__ = [
    "COURTESIES",
    "NON_ANSWERS",
    "SIGNATURE_MARKERS",
    "clean_text",
    "dedupe_key",
    "non_answer",
    "stop_words",
]

_MENTION = re.compile(r"(?<![\w@])@\w[\w.]*:?")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Every pattern here runs on every comment, so none may backtrack more than linearly on a long
# run of letters: the e-mail local part starts only where a run of its characters starts (the
# lookbehind). Without it the engine retried the run from every position, each scan running to
# the run's end looking for "@": one 100,000-letter word took a minute. The matches are the same
# (a leftmost match always starts at a run start).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+")
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
#: Whole answers that say nothing, in the supported languages (en, fa, ar, ru, zh, fr, es, de):
#: "none", "no comment", "n/a", "nothing to add", "idk"... An open question that is optional in
#: practice ("Any other comments?") collects them by the dozen; counted as comments they would
#: inflate the count, enter the sentiment and form a theme of their own. :func:`non_answer`
#: compares the *whole* answer with them, case, punctuation, accents' combining marks,
#: invisible characters and spacing aside ("  No comments. " matches, "no support at all" does
#: not). An answer made only of punctuation ("-", "...", "?"; not a face such as ":)") says
#: nothing either.
NON_ANSWERS: tuple[str, ...] = (
    # en
    "none", "no", "nope", "nothing", "nothing at all", "nothing else", "nothing more", "nothing further",
    "nothing to add", "nothing to say", "nothing to report", "nothing comes to mind",
    "nothing really", "none really", "none at all", "none at this time", "nothing at this time",
    "no comment", "no comments", "no further comment", "no further comments",
    "no additional comments", "no other comments", "no comments to offer", "no comments at all",
    "i have no comments", "i have no further comments", "i have no comment",
    "i don't have any comments", "i don't have any other comments", "i do not have any comments",
    "i have nothing to add", "i have nothing to say", "i do not", "i don't", "no answer",
    "no comments at this time",
    "n/a", "na", "nil", "null", "not applicable", "not really", "no idea", "no opinion",
    "idk", "i don't know", "i dont know", "don't know", "dont know", "dunno", "not sure",
    # fr
    "rien", "rien à dire", "rien à ajouter", "rien de plus", "rien de particulier", "aucun",
    "aucune", "non", "néant", "pas de commentaire", "pas de commentaires", "sans commentaire",
    "aucun commentaire", "je ne sais pas", "ne sais pas", "nsp", "sans avis", "pas d'avis",
    # es
    "nada", "ninguno", "ninguna", "nada más", "nada que agregar", "nada que añadir",
    "nada que decir", "sin comentarios", "sin comentario", "ningún comentario",
    "no tengo comentarios", "no sé", "no se", "ns/nc",
    # de
    "nichts", "keine", "kein", "nein", "nichts weiter", "nichts hinzuzufügen",
    "kein kommentar", "keine kommentare", "keine anmerkungen", "keine ahnung", "weiß nicht",
    "weiss nicht", "k.a.", "keine angabe",
    # ru
    "нет", "ничего", "не знаю", "без комментариев", "нет комментариев", "нечего добавить",
    "нечего сказать",
    # fa
    "هیچ", "هیچی", "ندارم", "نه", "خیر", "نظری ندارم", "هیچ نظری ندارم", "بدون نظر",
    "نمی\u200cدانم", "نمیدونم",
    # ar
    "لا", "لا شيء", "لاشيء", "لا شئ", "لا يوجد", "لا توجد", "لا تعليق", "بدون تعليق",
    "لا أعرف", "لا اعرف",
    # zh
    "无", "没有", "没", "没有了", "没什么", "没意见", "无意见", "暂无", "不知道", "无可奉告",
    "没有建议", "无建议",
)  # fmt: skip

#: Thank-yous that may follow a non-answer and leave it a non-answer ("None, thank you.",
#: "No comments. Thanks!"); on their own they stay comments.
COURTESIES: tuple[str, ...] = (
    "thank you", "thanks", "thx", "but thank you", "but thanks", "thank you very much",
    "merci", "gracias", "danke", "спасибо", "ممنون", "مرسی", "شكرا", "谢谢",
)  # fmt: skip


def _answer_key(text: str) -> str:
    """The form :func:`non_answer` compares: NFKC, case folded, without invisible characters
    and combining marks, punctuation as spaces, Arabic yeh and kaf written the Persian way,
    spaces collapsed."""
    out = []
    for ch in unicodedata.normalize("NFKC", text).casefold():
        cat = unicodedata.category(ch)
        if cat in ("Cf", "Mn"):
            continue
        out.append(" " if cat.startswith("P") else ch)
    key = "".join(out).replace("\u064a", "\u06cc").replace("\u0643", "\u06a9")
    return _SPACE.sub(" ", key).strip()


_NON_ANSWER_KEYS: frozenset[str] = frozenset(
    {_answer_key(p) for p in NON_ANSWERS}
    | {f"{_answer_key(p)} {_answer_key(c)}" for p in NON_ANSWERS for c in COURTESIES}
)


def non_answer(texts: Sequence[str] | pd.Series) -> pd.Series:
    """True where an answer is only a non-answer (:data:`NON_ANSWERS`, optionally followed by
    a thank-you of :data:`COURTESIES`) or only punctuation (not a face such as ":)").

    The whole answer is compared, case, punctuation, invisible characters and spacing aside,
    so "No comments.", " NONE " and "None, thank you!" are non-answers while "no support at
    all" and "Thank you" are comments. Missing and blank values are False (they are no answer
    at all, not a non-answer).

    Parameters
    ----------
    texts : sequence of str or Series
        Answers in any language.

    Returns
    -------
    Series of bool
        Same index as a Series input (RangeIndex for a list).

    Examples
    --------
    >>> non_answer(["No comments.", " NONE ", "-", "no support at all", "Thank you", None]).tolist()
    [True, True, True, False, False, False]
    """
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)

    def one(v: object) -> bool:
        if not isinstance(v, str):
            return False
        key = _answer_key(v)
        if key:
            return key in _NON_ANSWER_KEYS
        # only punctuation ("-", "...") says nothing, unless it draws a face (":)", "(:");
        # only spaces or invisible characters is no answer at all
        cats = {unicodedata.category(ch) for ch in v}
        return any(c.startswith("P") for c in cats) and not cats & {"Ps", "Pe"}

    return pd.Series([one(v) for v in s], index=s.index, dtype=bool)


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
