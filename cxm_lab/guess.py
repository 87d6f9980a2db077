"""Guess how a survey export maps onto a report, and write it as a commented params file.

``cxm-lab init EXPORT`` reads the export with its importer, looks at every column (question
text, how many cells are numbers, their range, how many distinct values, how long the texts
are) and proposes:

- ``ltr``: a 0–10 question whose text asks about recommending (in any of the languages the
  project meets: "recommend", "recommander", "recomendar", "empfehlen", "توصیه", "ترشيح",
  "рекомендовать", "推荐" ...); a 0–10 question that does not ask that is *not* taken as NPS;
- ``csat`` (1–5 satisfaction) and ``ces`` (1–7 ease/effort) by the same rule;
- ``response_date``, ``response_id`` and ``language``: the columns the tool defines, else a
  column of dates / unique ids;
- ``comment``: the open-text question with the most answers, preferring ones that ask why or
  what to improve; the others are listed in the file;
- ``drivers``: other rating questions (whole numbers on the tightest known scale that holds them
  and agrees with their choice labels, :attr:`ColumnProfile.scale`), labelled by
  :func:`short_label` (a grid's item text, "This class is emotionally draining"); rankings
  ("Please rank ...", or answers that use each number once per respondent) and questions with
  only two different answers (yes/no, a quiz) are not ratings; with an NPS question at most
  :data:`MAX_KEY_DRIVERS`;
- ``scales``: each driver's scale, so that the report reads every period's answers on the
  scale the whole export and its choice labels show (:func:`cxm_lab.brief.rating_scales`);
- ``dimensions``: columns with 2–12 distinct answers that most respondents gave, to a question
  (not embedded data or a design field whose only text is its code, such as Qualtrics' K-1-1).

Every choice is written with the reason for it, and every column left out of ``drivers`` or
``dimensions`` is listed in the file with the reason, so the analyst checks the file before
running.

Examples
--------
>>> import pandas as pd
>>> bool(RECOMMEND.search("How likely are you to recommend us to a friend?"))
True
>>> bool(RECOMMEND.search("Rate your experience with the app"))
False
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cxm_lab.report import plural
from cxm_lab.safe import yaml_comment, yaml_scalar
from cxm_lab.scales import fit_scale
from cxm_lab.schema import DERIVED, RESPONSES, Column, TableSchema

__all__ = [
    "MAX_KEY_DRIVERS",
    "ColumnProfile",
    "Guess",
    "LeftOut",
    "grid_item",
    "guess_mapping",
    "params_text",
    "short_label",
]

RECOMMEND = re.compile(
    r"recommend|recomend|recomiend|recommand|raccomand|empfehl|weiterempf|aanbevel|polec|"
    r"توصیه|معرفی|ترشيح|توصي|تنصح|рекоменд|посовет|推荐|推薦|おすすめ|勧め|추천|"
    r"\bnps\b|\bltr\b|likelihood to recommend",
    re.IGNORECASE,
)
SATISFACTION = re.compile(
    r"satisf|zufrieden|tevreden|soddisf|رضایت|راضی|رضا|удовлетвор|满意|滿意|満足|\bcsat\b",
    re.IGNORECASE,
)
EFFORT = re.compile(
    r"\beasy\b|\bease\b|effort|facile|fácil|einfach|آسان|سهل|легко|容易|\bces\b", re.IGNORECASE
)
#: Negative wording: a rating on which a high answer is bad (difficulty, effort, frustration,
#: problems, worry, stress, "too ..."), in English, Spanish, French and German.
NEGATIVE = re.compile(
    r"\bdifficult(y|ies)?\b|\bhard\b|\beffort(ful)?\b|frustrat|\bproblems?\b|\bworr(y|ied|ies)\b|"
    r"\bstress|\banxi|exhaust|\bdraining\b|\btoo\b|\bannoy|\bconfus|\bburden|\bstruggl|\bavoid|"
    r"dif[ií]cil|dificultad|esfuerzo|frustra|\bproblemas?\b|preocup|estr[eé]s|agotador|"
    r"\bdemasiad[oa]s?\b|ansiedad|difficile|difficult[ée]s?|\bprobl[èe]mes?\b|inqui[eè]t|"
    r"\btrop\b|[ée]puis|schwierig|\bschwer\b|\baufwand|\bmühe|anstrengend|\bprobleme?\b|"
    r"\bsorgen?\b|stressig|\bzu (viel|sehr|schwer|lang|teuer|kompliziert|stressig)\b|\bangst\b",
    re.IGNORECASE,
)
#: Wording that makes a negative word positive ("worth the effort", "no problems", "easy").
NOT_NEGATIVE = re.compile(
    r"\bworth\b|\bno problems?\b|\bwithout\b|\beas(y|e|ier|ily)\b|vale la pena|\bsin\b|"
    r"f[aá]cil|vaut la peine|en vaut|\bsans\b|lohnt|\bwert\b|\bkein|\bohne\b|einfach",
    re.IGNORECASE,
)
WHY = re.compile(
    r"why|reason|improv|suggest|comment|feedback|pourquoi|raison|amélior|por ?qu[eé]|"
    r"mejor|warum|grund|verbesser|چرا|دلیل|پیشنهاد|لماذا|سبب|почему|причин|улучш|为什么|原因|建议",
    re.IGNORECASE,
)
LIKE_LEAST = re.compile(r"least|dislike|worst|moins|menos|problem|obstacle", re.IGNORECASE)
DIMENSION_WORDS = re.compile(
    r"region|country|pays|país|land|segment|plan|tier|channel|canal|store|shop|branch|"
    r"department|team|product|cabin|class|type|category|categor|industr|role|language|"
    r"استان|منطقه|кана|регион|地区|渠道",
    re.IGNORECASE,
)
DATE_WORDS = re.compile(
    r"date|time|timestamp|submitted|fecha|datum|temps|تاریخ|زمان|تاريخ|дата|日期|时间",
    re.IGNORECASE,
)
META_ROLES = ("email", "ip_address", "status", "duration", "start_date")
#: Columns survey tools add about the response rather than the respondent's answers.
META_COLUMNS = re.compile(
    r"^(status|progress|finished|duration.*|distributionchannel|userlanguage|"
    r"externalreference|externaldatareference|location(latitude|longitude|accuracy)|"
    r"recipient(lastname|firstname|email)|ipaddress|ip address|responseset|emailaddress|"
    r"startdate|enddate|recordeddate|start date.*|submit date.*|stage date.*|end date.*|"
    r"network id|response type|lastpage|seed|startlanguage|submitdate|datestamp|refurl|ipaddr|"
    r"token|interviewtime|#|v\d+|collectorid|respondentid|prolific_pid|session_id|study_id|"
    r"q_recaptchascore|q_relevantid.*|q_ballotboxstuffing|q_totalduration|user agent|referer|"
    r"sessionid|tags|longitude|latitude)$",
    re.IGNORECASE,
)
LEAD_INS = re.compile(
    r"^(please\s+)?(how\s+(would|do|often|likely|satisfied|much)\s+(you|do you|are you)\s+"
    r"(currently\s+)?(rate\s+(your|the)\s+|use\s+|describe\s+)?|"
    r"do you (currently )?(use |consider yourself to be )?|which statement most closely reflects |"
    r"what (is|was) your |in which |choose |select |rate |"
    # Spanish, French, German: the same lead-ins ("¿Cómo calificarías tu ...", "Si vous deviez
    # noter votre ...", "Wie bewerten Sie ...")
    r"(please\s+)?(state|indicate|tell us|say)\s+(whether|if|how)\s+(you\s+)?|"
    r"(por favor,?\s+)?(califica|calificá|califique|evalúa|evaluá|valora)\s+|"
    r"qu[eé] opci[oó]n (refleja|describe) mejor\s+|cu[aá]l es (tu|su|el|la)\s+|"
    r"quel(le)? (est|fut) (votre|vos)\s+|was ist ihre?\s+|"
    r"c[oó]mo\s+(calificar[ií]as?|evaluar[ií]as?|valorar[ií]as?)\s+((tu|su|el|la|los|las)\s+)?|"
    r"qu[eé] tan satisfech[oa]s? (est[aá]s|est[aá]) con\s+((el|la|los|las|tu|su)\s+)?|"
    r"avez-vous l'impression de\s+|pensez-vous qu(e\s+|')|croyez-vous qu(e\s+|')|"
    r"si vous deviez (noter|évaluer)\s+((votre|vos|la|le|les)\s+)?|"
    r"comment (évaluez|notez|jugez|qualifiez)-vous\s+((votre|vos|la|le|les)\s+)?|"
    r"(veuillez|merci de) (noter|évaluer)\s+((votre|vos|la|le|les)\s+)?|"
    r"wie (zufrieden sind sie mit|bewerten sie|beurteilen sie)\s+"
    r"((ihre[nmrs]?|die|den|das|der|dem)\s+)?|"
    r"bitte bewerten sie\s+((ihre[nmrs]?|die|den|das|der|dem)\s+)?)",
    re.IGNORECASE,
)
#: A first clause that only sets the context of the question that follows it ("Compared with
#: other topics ..., how difficult ...?"): the label comes from the question.
CONTEXT_CLAUSE = re.compile(
    r"^(compared (with|to)|in comparison (with|to)|relative to|comparad[oa] con|"
    r"en comparaci[oó]n con|compar[ée]e? (à|au|aux|avec)|par rapport (à|au|aux)|im vergleich|"
    r"verglichen mit|based on|thinking (about|of)|considering|piensa en|pensando en|"
    r"en pensant (à|au|aux)|in general|overall|en general|en g[ée]n[ée]ral|insgesamt)\b",
    re.IGNORECASE,
)
#: A leading condition ("If I had to take another course, I would choose ..."): when a label
#: must be cut, the statement after it says more than the condition.
CONDITION = re.compile(
    r"^(if|when|whenever|si|cuando|quand|lorsque|wenn|falls|se)\b", re.IGNORECASE
)
#: The start of a question ("how ...", "¿cuán ...", "combien ...", "wie ...").
QUESTION_START = re.compile(
    r"^(¿|how\b|what\b|which\b|who\b|when\b|where\b|why\b|to what extent\b|comment\b|combien\b|"
    r"quel(le)?s?\b|pourquoi\b|est-ce\b|dans quelle mesure\b|c[oó]mo\b|cu[aá]n|qu[eé]\b|cu[aá]l|"
    r"d[oó]nde\b|por qu[eé]\b|wie\b|was\b|welche[rsmn]?\b|warum\b|inwiefern\b)",
    re.IGNORECASE,
)
#: Question wording of a ranking ("Please rank ...", "in order of preference", "classez",
#: "ordena", "Reihenfolge").
RANKING = re.compile(
    r"\brank(s|ed|ing)?\b|\border of (preference|importance)\b|\bclass(ez|er)\b|"
    r"\bpar ordre\b|\bordre de pr[ée]f[ée]rence\b|\bordena\b|\bordene\b|\borden de\b|"
    r"\breihenfolge\b|\brangfolge\b|\bordina\b|\bclassifica\b|ранжир|排序|排名",
    re.IGNORECASE,
)
#: The scale described after a rating question ("... on a scale of 1 to 5, where 1 is ...").
SCALE_TAIL = re.compile(
    r"\s*(,\s*)?(\bon a (\d+[- ]point )?scale\b|\bon a \d+[-–]\d+\b|\bfrom \d+ (to|-) \d+\b|"
    r"\(\d+\s*[-–=]|\bwhere \d+ (is|=|means)\b|\ben una escala\b|\bdel \d+ al \d+\b|"
    r"\bdonde \d+ (es|=|significa)\b|\bsur une [ée]chelle\b|\bde \d+ [àa] \d+\b|"
    r"\bo[uù] \d+ (est|=|signifie)\b|\bauf einer skala\b|\bvon \d+ bis \d+\b|\bwobei \d+\b).*$",
    re.IGNORECASE,
)
#: Words a cut label must not end with ("How much you enjoy using Python on a"), on top of the
#: stop words of the question's language (:func:`cxm_lab.text.clean.stop_words`).
_DANGLING = frozenset(
    "a an the on of to in at for with and or by from as is are be your you that which "
    "how what who when where than do does did have has had been will would can could should "
    "may might must not no more most very it its i we they my our their this these those "
    "there if but so then into onto over under about between during without within per via "
    "up out off also".split()
)
#: Languages whose stop words :func:`short_label` tells apart to find a question's language.
_LABEL_LANGUAGES = ("en", "fr", "es", "de", "it", "pt", "nl")
#: "question [item]" (LimeSurvey, Google Forms grids), "question [row][column]" (LimeSurvey
#: dual-scale arrays): the items in the trailing brackets.
_BRACKET_ITEM = re.compile(r"^(?P<stem>.*?\S)\s*(?P<items>(?:\[[^\[\]]*\S[^\[\]]*\]\s*)+)$", re.S)
#: "question - item" (Qualtrics matrix rows); an item only when several columns share the stem.
_DASH_ITEM = re.compile(r"^(?P<stem>.*\S)\s+[-–]\s+(?P<item>\S.*)$", re.S)
#: Piped text a survey tool fills in per respondent, left in the exported question text:
#: Qualtrics' "[Field-K-1-1]" (embedded data) and "[QID12-ChoiceGroup-SelectedChoices]",
#: "${e://Field/name}" and "${q://QID12/ChoiceGroup/SelectedChoices}"; LimeSurvey's
#: "{TOKEN:FIRSTNAME}" and "{INSERTANS:123X4X5}". Neither a grid item nor words of a label.
_PIPED = re.compile(
    r"\[(?:Field|QID\d+)-[^\[\]]*\]|\$\{[a-z]+://[^{}]*\}|\{(?:TOKEN|INSERTANS):[^{}]*\}",
    re.IGNORECASE,
)


def _words_language(words: list[str]) -> str:
    """The language (of :data:`_LABEL_LANGUAGES`) whose stop words cover most of ``words``."""
    from cxm_lab.text.clean import stop_words

    lower = [_bare(w) for w in words]
    hits = {lang: sum(w in stop_words(lang) for w in lower) for lang in _LABEL_LANGUAGES}
    return max(_LABEL_LANGUAGES, key=lambda lang: (hits[lang], lang == "en"))


def _bare(word: str) -> str:
    return word.strip(",;:-–()[]¿?¡!.\"'“”«»").lower()


def _cut(core: str, max_chars: int) -> str:
    """``core`` cut at a word boundary to at most ``max_chars`` characters, ending on a word
    that carries meaning: not a stop word of the text's language, nor one of
    :data:`_DANGLING`; a name written with a capital (``R``, ``GPA``) always may end it.

    The longest such cut is taken; one that ends a clause (before a comma) is preferred when
    it keeps at least 60% of that length. When no cut of at least half of ``max_chars`` ends
    on such a word (the stop-word lists also hold common verbs and nouns: "long", "take",
    "interested"), the longest cut that ends on none of :data:`_DANGLING` nor a stop word of
    three letters or less is taken; failing that, the longest cut at a word boundary.
    """
    from cxm_lab.text.clean import stop_words

    words = core.split(" ")
    stops = stop_words(_words_language(words))

    def is_name(i: int) -> bool:
        w = words[i].strip(",;:-–()[]¿?¡!.\"'“”«»")
        return i > 0 and any(c.isupper() for c in w)

    def ends_ok(i: int, *, strict: bool) -> bool:
        w = _bare(words[i])
        tail = re.split(r"['’]", w)[-1]
        w = tail if len(tail) >= 2 else w  # "qu'on" ends on "on", "l'informatique" does not
        if not w or words[i].endswith(("(", "-", "–")) or words[i].count("(") > words[i].count(")"):
            return False
        if w in _DANGLING:
            return False
        if is_name(i):
            return True
        return w not in stops if strict else not (w in stops and len(w) <= 3)

    def best(strict: bool) -> str | None:
        fits = [
            i
            for i in range(len(words))
            if len(" ".join(words[: i + 1]).rstrip(",;:-–")) <= max_chars
            and ends_ok(i, strict=strict)
            and " ".join(words[: i + 1]).count("(") <= " ".join(words[: i + 1]).count(")")
        ]
        if not fits:
            return None
        longest = fits[-1]
        label = " ".join(words[: longest + 1])
        clauses = [i for i in fits if words[i].endswith((",", ";"))]
        if clauses and len(" ".join(words[: clauses[-1] + 1])) >= 0.6 * len(label):
            label = " ".join(words[: clauses[-1] + 1])
        return label.rstrip(",;:-–")

    strict = best(True)
    if strict is not None and len(strict) >= 0.5 * max_chars:
        return strict
    loose = best(False) or strict
    if loose:
        return loose
    fits = [i for i in range(len(words)) if len(" ".join(words[: i + 1])) <= max_chars]
    return " ".join(words[: fits[-1] + 1]).rstrip(",;:-–") if fits else core[:max_chars].rstrip()


#: A yes/no question about a quality ("Were the examples ... helpful?", "¿Fue ... útil?").
_BE_QUESTION = re.compile(
    r"^(were|was|is|are|est-ce que|es|fue|fueron|est|ist|sind|war|waren)\b", re.IGNORECASE
)
#: Endings of an adjective or participle: the quality such a question asks about.
_ADJECTIVE_END = re.compile(
    r"(ful|ive|ous|able|ible|ant|ent|ary|ic|al|less|ing|ed|il|ile|eux|euse|oso|osa|ig|lich|bar)$",
    re.IGNORECASE,
)
#: Words that start a phrase a label may drop between its subject and its quality.
_PREPOSITIONS = frozenset(
    "for of in on about with from at during by par pour de du des dans sur con en para por "
    "für von mit bei über".split()
)


def _head_tail(core: str, max_chars: int) -> str | None:
    """A yes/no question about a quality that must be cut keeps the quality, its last word:
    "Were the examples for the grid response items helpful" → "Were the examples helpful"
    (the phrase dropped starts with a preposition) or "Were the examples … helpful"; None
    for any other question."""
    words = core.split(" ")
    last = _bare(words[-1])
    if (
        len(words) < 4
        or not _BE_QUESTION.match(core)
        or not _ADJECTIVE_END.search(last)
        or last in _DANGLING
    ):
        return None
    budget = max_chars - len(words[-1]) - 3
    if budget < 8:
        return None
    head = _cut(" ".join(words[:-1]), budget)
    n = len(head.split(" "))
    joiner = " " if n < len(words) - 1 and _bare(words[n]) in _PREPOSITIONS else " … "
    return head + joiner + words[-1]


def _capital(text: str) -> str:
    """``text`` without a leading ``¿``/``¡`` and with a capital first letter."""
    text = text.lstrip("¿¡ ")
    return text[:1].upper() + text[1:]


def _fit(core: str, max_chars: int) -> str:
    """``core`` whole when it is at most a quarter longer than ``max_chars`` (a slightly longer
    label rather than one cut before the word that makes its point), else without its
    parenthesised asides, else the statement after a leading condition, else cut by
    :func:`_cut`."""
    slack = max_chars + max(4, max_chars // 4)
    if len(core) <= slack:
        return core
    plain = " ".join(re.sub(r"\s*\([^()]*\)", "", core).split()).strip(" ,;")
    if plain and len(plain) <= slack:
        return plain
    plain = plain or core
    head, _, main = plain.partition(", ")
    if main and CONDITION.match(head) and not QUESTION_START.match(main) and len(main) <= slack:
        return _capital(main)  # "If I had to take another course, I would choose statistics"
    return _head_tail(plain, max_chars) or _cut(plain, max_chars)


def _question_core(text: str) -> str:
    """The question of ``text`` (its first sentence, or the first one that asks something when
    the first does not) without number, heading, context clause, lead-in and scale."""
    text = re.sub(r"^\d+[.)]\s+", "", text)  # "1. This class is too stressful."
    sentences = re.split(r"(?<=[?.!])\s", text)
    # "Think about your last visit. How satisfied were you?": the question, not the preamble
    asked = [x for x in sentences if x.rstrip().endswith("?")]
    first = sentences[0] if sentences[0].rstrip().endswith("?") or not asked else asked[0]
    if ": " in first:  # "Heading: question?" -> the question; "Instructions: Think ..." -> heading
        head, tail = first.split(": ", 1)
        first = tail if QUESTION_START.match(tail) else head
    first = first.rstrip("?.!: ")
    clauses = re.split(r"(?<=,)\s+", first)
    if len(clauses) > 1 and CONTEXT_CLAUSE.match(clauses[0].lstrip("¿¡")):
        for i in range(1, len(clauses)):
            if QUESTION_START.match(clauses[i]):
                first = " ".join(clauses[i:])
                break
    first = first.lstrip("¿¡ ")
    core = LEAD_INS.sub("", first).strip() or first
    core = SCALE_TAIL.sub("", core).strip(" ,") or core
    return _capital(core)


def _item_label(stem: str, item: str, max_chars: int) -> str:
    """The label of one item of a grid question: the item itself when it is a statement of
    four words or more ("This class is emotionally draining"), else the question's short
    label and the item ("Please state | Yoda", "Watch political news on TV | Every day")."""
    item = " ".join(item.split()).rstrip(" .")
    if len(item.split()) >= 4 and " | " not in item:
        return _fit(_capital(item), max_chars)
    # "Please state whether you view the following characters favorably, ... | Lando
    # Calrissian" -> "View Lando Calrissian favorably": the item in the question's place
    if " | " not in item:
        placed = _FOLLOWING.sub(lambda m: m.group("lead") + item, stem, count=1)
        if placed != stem:
            label = _fit(_question_core(" ".join(placed.split())), max_chars)
            if item in label:
                return label
    return f"{short_label(stem, max_chars=max(12, max_chars - len(item) - 3))} | {item}"


#: "the following characters" in a grid's question, where its items go; not "which of the
#: following", which asks to choose among them.
_FOLLOWING = re.compile(
    r"(?P<lead>(?<!\bof )(?<!\bde ))\b(the|each of the) following \w+", re.IGNORECASE
)


def grid_item(question: str) -> tuple[str, str] | None:
    """The question and the item of one column of a grid (matrix) question, when its text
    names the item: ``"question | item"`` (SurveyMonkey) or ``"question [item]"``
    (LimeSurvey, Google Forms). Qualtrics' ``"question - item"`` is ambiguous on its own;
    :func:`guess_mapping` reads it as an item only when several columns share the question.

    Parameters
    ----------
    question : str
        The column's question text.

    Returns
    -------
    tuple of str or None
        ``(question, item)``, or None when the text names no item.

    Examples
    --------
    >>> grid_item("Instructions: Think about the class. [This class is too much work.]")
    ('Instructions: Think about the class.', 'This class is too much work.')
    >>> grid_item("Please state your view | Yoda")
    ('Please state your view', 'Yoda')
    >>> grid_item("How likely are you to recommend us?") is None, grid_item("Q1[SQ001]") is None
    (True, True)
    >>> grid_item("Which of these would you prefer? [Field-K-1-1] [Field-K-1-2]") is None
    True
    """
    text = " ".join(_PIPED.sub(" ", str(question)).split())
    if " | " in text:
        stem, item = text.rsplit(" | ", 1)
        return stem, item
    m = _BRACKET_ITEM.match(text)
    if m is None or " " not in m.group("stem"):  # a code such as "Q1[SQ001]" is no question
        return None
    parts = [p.strip() for p in re.findall(r"\[([^\[\]]+)\]", m.group("items"))]
    return m.group("stem"), " | ".join(parts)


def short_label(question: str, *, max_chars: int = 32) -> str:
    """A short label for a long question that keeps its meaning.

    - a grid item (``"question | item"``, ``"question [item]"``) is labelled by its item: the
      item alone when it is a statement ("This class is emotionally draining"), else the
      question's short label and the item ("Please state | Yoda");
    - otherwise the first sentence, its question rather than a heading before ":" or a context
      clause before it ("Compared with other topics ..., how difficult ...?"), without the
      usual lead-in ("How would you rate your ...", "¿Cómo calificarías tu ...", "Avez-vous
      l'impression de ...") and the scale it describes ("on a scale of 1 to 5, where ...",
      "en una escala del 1 al 5");
    - kept whole when it is at most a quarter longer than ``max_chars``: a slightly longer
      label rather than one that loses its point;
    - otherwise cut at a word boundary to ``max_chars``, never ending on a stop word of its
      language (``cxm_lab.text.clean.stop_words``: "of", "de", "les", "dans" ...).

    Parameters
    ----------
    question : str
        The question text.
    max_chars : int
        Longest label wanted; a label that is not cut may be up to a quarter longer.

    Returns
    -------
    str
        The label, with a capital first letter.

    Examples
    --------
    >>> short_label("How would you rate your level of experience using R?")
    'Level of experience using R'
    >>> short_label("Do you currently use R Markdown? Choose the statement that matches.")
    'R Markdown'
    >>> short_label("Please rate how much you enjoy using Python on a scale of 1 to 5, where 1 "
    ...             "is you don't enjoy it at all", max_chars=40)
    'How much you enjoy using Python'
    >>> short_label("Travaillez-vous dans le secteur public ?")
    'Travaillez-vous dans le secteur public'
    >>> short_label("Instructions: Think about MATH 2209. [This class is emotionally draining.]")
    'This class is emotionally draining'
    >>> short_label("Compared with other technical topics you've learned in school and on the "
    ...             "job, on a scale of 1 to 5, how difficult has it been for you to learn R?",
    ...             max_chars=40)
    'How difficult has it been for you to learn R'
    >>> short_label("Which of these buildings would you prefer to see built in your town? "
    ...             "Building A Building B [Field-K-1-1] [Field-K-1-2-1]", max_chars=40)
    'Which of these buildings'
    """
    text = " ".join(_PIPED.sub(" ", str(question)).split())
    grid = grid_item(text)
    if grid is not None:
        return _item_label(*grid, max_chars)
    return _fit(_question_core(text), max_chars)


#: A number followed by its choice label ("9. Completely agree", "10 - Extremely likely").
_VALUE_LABEL = re.compile(r"^\s*(?P<num>[+-]?\d+)\s*(?:[-–—:=.)(]\s*|\s+)(?P<label>[^\W\d_].*)$")


@dataclass
class ColumnProfile:
    """What one export column looks like.

    ``labels`` maps a whole number to the choice label written with it in the export
    (``9: "Completely agree"`` from cells ``"9. Completely agree"``).
    """

    column: str
    question: str
    answered: int
    numeric_share: float
    integer: bool
    lo: float | None
    hi: float | None
    distinct: int
    mean_length: float
    date_share: float
    mean_words: float = 0.0
    labels: dict[int, str] = field(default_factory=dict)

    @property
    def scale(self) -> tuple[int, int] | None:
        """The rating scale the answers were given on (:func:`cxm_lab.scales.fit_scale`: the
        choice labels fix an end or the middle; answers 1–9 are a 1–9 scale, not a 0–10 one;
        answers 1–4 with "3 - Neutral" a 1–5 scale), or None for a column that is not whole
        numbers or fits no known scale.
        """
        if self.numeric_share < 0.95 or not self.integer or self.lo is None or self.hi is None:
            return None
        return fit_scale(self.lo, self.hi, labels=self.labels)


@dataclass
class LeftOut:
    """A column ``cxm-lab init`` could have used for ``role`` but did not, and why."""

    role: str
    column: str
    label: str
    reason: str


@dataclass
class Guess:
    """A proposed mapping of an export onto a report, with the reason for each choice.

    ``scales`` gives the rating scale of each driver; ``left_out`` the columns that looked like
    drivers or dimensions and were not used, each with its reason (written in the params file);
    ``reverse_scored`` the drivers worded negatively (a high answer is bad) → the words that
    say so; ``notes`` what the analyst must know about the whole export (a codes-only export).
    """

    rename: dict[str, str] = field(default_factory=dict)
    drivers: dict[str, str] = field(default_factory=dict)
    dimensions: list[str] = field(default_factory=list)
    other_texts: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    scales: dict[str, tuple[int, int]] = field(default_factory=dict)
    left_out: list[LeftOut] = field(default_factory=list)
    reverse_scored: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _negative_words(text: str) -> str | None:
    """The words that make a rating question negatively worded (:data:`NEGATIVE`: a high
    answer is bad), or None; "worth the effort", "no problems", "easy" are not
    (:data:`NOT_NEGATIVE`)."""
    text = " ".join(str(text).split())
    if NOT_NEGATIVE.search(text):
        return None
    found = list(
        dict.fromkeys(
            re.search(r"[\w'-]*$", text[: m.start()]).group(0)  # type: ignore[union-attr]
            + re.match(r"[\w-]*", text[m.start() :]).group(0).lower()  # type: ignore[union-attr]
            for m in NEGATIVE.finditer(text)
        )
    )
    return ", ".join(f"“{w}”" for w in found) if found else None


def _recommend_question(text: str) -> bool:
    """True when a question asks how likely the respondent is to recommend."""
    return bool(RECOMMEND.search(str(text)))


def _value_labels(cells: pd.Series) -> dict[int, str]:
    """Whole number -> its choice label, from cells such as ``"9. Completely agree"``."""
    out: dict[int, str] = {}
    for text in pd.unique(cells.to_numpy()):
        m = _VALUE_LABEL.match(str(text))
        if m:
            out.setdefault(int(m.group("num")), m.group("label").strip())
    return out


def _profile(
    data: pd.DataFrame, questions: dict[str, str], decimal: str = "."
) -> list[ColumnProfile]:
    """A :class:`ColumnProfile` of every column of an export's data."""
    from cxm_lab.importers import parse_dates, parse_numbers

    out = []
    for col in data.columns:
        s = data[col]
        filled = s.dropna().astype(str)
        filled = filled[filled.str.strip() != ""]
        n = len(filled)
        if n == 0:
            out.append(
                ColumnProfile(col, questions.get(col, col), 0, 0.0, False, None, None, 0, 0.0, 0.0)
            )
            continue
        sample = filled if n <= 5000 else filled.sample(5000, random_state=0)
        num, bad = parse_numbers(sample.astype("string"), decimal=decimal)
        values = num.dropna().to_numpy(dtype=float)
        numeric_share = len(values) / max(
            len(sample) - int((num.isna() & ~np.asarray(bad)).sum()), 1
        )
        integer = bool(len(values)) and bool(np.all(np.floor(values) == values))
        date_share = 0.0
        if numeric_share < 0.5:
            _, reasons = parse_dates(sample.head(200).astype("string"))
            date_share = float(np.mean([r is None for r in reasons]))
        out.append(
            ColumnProfile(
                column=col,
                question=questions.get(col, col),
                answered=n,
                numeric_share=float(numeric_share) if len(values) else 0.0,
                integer=integer,
                lo=float(values.min()) if len(values) else None,
                hi=float(values.max()) if len(values) else None,
                distinct=int(filled.nunique()),
                mean_length=float(sample.str.len().mean()),
                date_share=date_share,
                mean_words=float(sample.str.split().str.len().mean()),
                labels=_value_labels(sample) if integer and numeric_share >= 0.95 else {},
            )
        )
    return out


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


#: The most drivers the key-driver analysis takes (``drivers.shapley_r2`` is exact over all
#: 2^p subsets and refuses more than 12).
MAX_KEY_DRIVERS = 12
#: A question that describes a rating scale ("on a scale of 1 to 10"): "rank" there means "rate".
_SCALE_WORDS = re.compile(
    r"\bscale\b|\bescala\b|\b[ée]chelle\b|\bskala\b|\bfrom \d+ (to|-) \d+\b|\bde \d+ [àa] \d+\b|"
    r"\bdel \d+ al \d+\b|\bvon \d+ bis \d+\b",
    re.IGNORECASE,
)


def _norm(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def _grid_items(questions: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Column -> (question, item) for the columns of grid questions: ``"question | item"`` and
    ``"question [item]"`` always, ``"question - item"`` when two columns or more share the
    question (a Qualtrics matrix)."""
    items: dict[str, tuple[str, str]] = {}
    dashed: dict[str, tuple[str, str]] = {}
    for col, q in questions.items():
        found = grid_item(q)
        if found is not None:
            items[col] = found
            continue
        m = _DASH_ITEM.match(" ".join(str(q).split()))
        if m:
            dashed[col] = (m.group("stem"), m.group("item"))
    shared = Counter(stem for stem, _ in dashed.values())
    items.update({c: v for c, v in dashed.items() if shared[v[0]] >= 2})
    return items


def _rankings(
    data: pd.DataFrame,
    profiles: list[ColumnProfile],
    items: dict[str, tuple[str, str]],
    decimal: str,
) -> dict[str, str]:
    """Column -> why it is a ranking, not a rating.

    A ranking is a numeric question whose text asks to rank (:data:`RANKING`, unless it
    describes a rating scale), or a grid whose respondents give each number from 1 to n (the
    number of items) at most once: 95% of those who answered two items or more, at least 5.
    """
    from cxm_lab.importers import parse_numbers

    numeric = {p.column for p in profiles if p.numeric_share >= 0.95 and p.integer}
    out: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for col, (stem, _) in items.items():
        if col in numeric:
            groups.setdefault(stem, []).append(col)
    for stem, cols in groups.items():
        n = len(cols)
        if n < 2:
            continue
        if RANKING.search(stem) and not _SCALE_WORDS.search(stem):
            out.update(dict.fromkeys(cols, f"a ranking of {n} items (the question asks to rank)"))
            continue
        values = np.column_stack(
            [
                parse_numbers(data[c].astype("string"), decimal=decimal)[0].to_numpy(
                    dtype=float, na_value=np.nan
                )
                for c in cols
            ]
        )
        answered = (~np.isnan(values)).sum(axis=1)
        rows = values[answered >= 2]
        if len(rows) < 5:
            continue
        in_range = np.all(np.isnan(rows) | ((rows >= 1) & (rows <= n)), axis=1)
        once = np.array([len(set(r[~np.isnan(r)])) == np.sum(~np.isnan(r)) for r in rows])
        if np.mean(in_range & once) >= 0.95:
            out.update(
                dict.fromkeys(
                    cols,
                    f"a ranking of {n} items (each respondent gave each number from 1 to {n} "
                    "at most once)",
                )
            )
    for p in profiles:
        if (
            p.column in numeric
            and p.column not in out
            and RANKING.search(p.question)
            and not _SCALE_WORDS.search(p.question)
        ):
            out[p.column] = "a ranking (the question asks to rank)"
    return out


def guess_mapping(export) -> Guess:  # noqa: ANN001 - an importers.Export
    """Propose ``rename``, ``drivers`` and ``dimensions`` for an export (see the module).

    Parameters
    ----------
    export : Export
        An export read by :func:`cxm_lab.importers.read_export`.

    Returns
    -------
    Guess
        The proposed mapping, the reason for each choice and the roles not found.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cxm_lab.importers import read_export
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "responses.csv"
    >>> _ = p.write_text("Timestamp,How likely are you to recommend us?\\n"
    ...                  "12/13/2019 9:50:30,10\\n12/14/2019 10:00:00,6\\n")
    >>> export = read_export(p)
    >>> guess_mapping(export).rename
    {'Timestamp': 'response_date', 'How likely are you to recommend us?': 'ltr'}
    """
    from cxm_lab.importers.limesurvey import CODES_ONLY, coded_columns

    g = Guess()
    n_rows = max(len(export.data), 1)
    coded = set(coded_columns(export))
    if coded:
        g.notes.append(CODES_ONLY)
    profiles = _profile(export.data, export.questions, export.decimal)
    by_col = {p.column: p for p in profiles}
    taken: set[str] = set()
    roles = dict(export.roles)

    def take(col: str, target: str, why: str) -> None:
        g.rename[col] = target
        g.reasons[target] = why
        taken.add(col)

    for role in ("response_id", "response_date", "language"):
        col = roles.get(role)
        if col in by_col and by_col[col].answered:
            take(col, role, f"the column {export.source} exports for the {role.replace('_', ' ')}")
    taken.update(c for r, c in roles.items() if r in META_ROLES)
    taken.update(p.column for p in profiles if META_COLUMNS.match(str(p.column).strip()))

    def text_of(p: ColumnProfile) -> str:
        return f"{p.column} {p.question}"

    # Scores: by scale and wording, never by position.
    for target, pattern, scales, label in (
        ("ltr", RECOMMEND, {(0, 10), (1, 10)}, "a 0–10 question that asks about recommending"),
        ("csat", SATISFACTION, {(1, 5), (0, 5)}, "a 1–5 question about satisfaction"),
        ("ces", EFFORT, {(1, 7)}, "a 1–7 question about ease or effort"),
    ):
        cands = [
            p
            for p in profiles
            if p.column not in taken
            and p.scale in scales
            and pattern.search(text_of(p))
            and (target != "ltr" or (p.hi or 0) >= 6)
        ]
        if cands:
            best = max(cands, key=lambda p: p.answered)
            take(best.column, target, f"{label}: “{_short(best.question)}”")
    if "ltr" not in g.rename.values():
        zero_ten = [p for p in profiles if p.column not in taken and p.scale in {(0, 10), (1, 10)}]
        names = ", ".join(str(p.column) for p in zero_ten[:3]) + (
            f" and {len(zero_ten) - 3} more" if len(zero_ten) > 3 else ""
        )
        kinds = " or ".join(sorted({f"{p.scale[0]}–{p.scale[1]}" for p in zero_ten if p.scale}))
        g.missing.append(
            "ltr: no 0–10 question asks about recommending, so there is no NPS"
            + (f" ({names} use a {kinds} scale but ask something else)" if zero_ten else "")
        )

    if "response_date" not in g.rename.values():
        dates = [
            p
            for p in profiles
            if p.column not in taken and p.date_share >= 0.9 and p.answered >= 0.5 * n_rows
        ]
        dates.sort(key=lambda p: (not DATE_WORDS.search(text_of(p)), -p.answered))
        if dates:
            take(dates[0].column, "response_date", "values read as dates")
    if "response_id" not in g.rename.values():
        ids = [
            p
            for p in profiles
            if p.column not in taken
            and p.distinct == p.answered == n_rows
            and re.search(r"\bid\b|_id\b|^id|identif|#", p.column, re.IGNORECASE)
        ]
        if ids:
            take(ids[0].column, "response_id", "a column with a unique value in every row")

    # Open text: long, mostly distinct answers.
    texts = [
        p
        for p in profiles
        if p.column not in taken
        and p.numeric_share < 0.5
        and p.date_share < 0.5
        and p.mean_length >= 10
        and p.mean_words >= 2
        and p.distinct >= 0.6 * p.answered
        and p.answered >= min(5, n_rows)
    ]
    if texts:
        # Among the open questions with at least half as many answers as the most answered one:
        # one that asks why or what to improve, then the one answered in the most words.
        most = max(p.answered for p in texts)
        texts.sort(
            key=lambda p: (
                p.answered < 0.5 * most,
                not (WHY.search(text_of(p)) or LIKE_LEAST.search(text_of(p))),
                -p.mean_words,  # answers in sentences, not names or titles
            )
        )
        take(
            texts[0].column,
            "comment",
            f"open text, {plural(texts[0].answered, 'answer')}: “{_short(texts[0].question)}”",
        )
        g.other_texts = [p.column for p in texts[1:]]
        taken.update(g.other_texts)

    # Other rating questions are drivers; rankings and two-answer questions are not.
    items = _grid_items({p.column: p.question for p in profiles})
    ranked = _rankings(export.data, profiles, items, export.decimal)

    def label_of(p: ColumnProfile, max_chars: int) -> str:
        if p.column in items:
            return _item_label(*items[p.column], max_chars)
        return short_label(p.question, max_chars=max_chars)

    def leave_out(role: str, p: ColumnProfile, label: str, reason: str) -> None:
        g.left_out.append(LeftOut(role, str(p.column), label, reason))

    ratings = []
    for p in profiles:
        if p.column in taken or p.scale is None or p.answered < 0.3 * n_rows or p.distinct < 2:
            continue
        if p.column in ranked:
            leave_out("drivers", p, label_of(p, 40), f"{ranked[p.column]}, not a rating")
            taken.add(p.column)
        elif p.distinct == 2:
            leave_out(
                "drivers",
                p,
                label_of(p, 40),
                f"only two different answers ({p.lo:g} and {p.hi:g}): a yes/no or quiz "
                "question, not a rating",
            )
        else:
            ratings.append(p)
    labels = [label_of(p, 40) for p in ratings]
    repeated = {lab for lab, k in Counter(labels).items() if k > 1}
    labels = [
        f"{lab} ({p.column})" if lab in repeated else lab
        for lab, p in zip(labels, ratings, strict=True)
    ]
    # The key-driver analysis (with an NPS question) takes at most MAX_KEY_DRIVERS drivers;
    # without one, every rating is shown.
    limit = MAX_KEY_DRIVERS if "ltr" in g.rename.values() else len(ratings)
    for i, (p, label) in enumerate(zip(ratings, labels, strict=True)):
        taken.add(p.column)
        if i < limit:
            g.drivers[p.column] = label
            g.scales[p.column] = p.scale
            # A grid item is read by its own text (the grid's instructions are shared).
            stem, item = items.get(p.column, ("", p.question))
            words = _negative_words(item) or (stem and _negative_words(_question_core(stem)))
            if words:
                g.reverse_scored[p.column] = words
        else:
            leave_out(
                "drivers",
                p,
                label,
                f"the key-driver analysis takes at most {limit} drivers; swap it for one above "
                "to use it",
            )

    # Dimensions: few distinct answers that most respondents gave, to a question the
    # respondents were asked: where the export has question texts, a column whose text is
    # empty or only its own code is embedded data or a design field (Qualtrics K-1-1 ...).
    has_texts = any(
        _norm(p.question) not in ("", _norm(p.column))
        for p in profiles
        if not META_COLUMNS.match(str(p.column).strip())
    )
    dims = [
        p
        for p in profiles
        if p.column not in taken
        and 2 <= p.distinct <= 12
        and p.answered >= 0.5 * n_rows
        and p.date_share < 0.5
    ]
    # Long answers to a question with few different answers: a choice with long options, or
    # open text in a small sample. Not proposed, but listed, so nothing is dropped unsaid.
    for p in [p for p in dims if p.mean_length >= 60]:
        leave_out(
            "dimensions",
            p,
            "",
            f"long answers: {p.mean_length:.0f} characters on average, {p.distinct} different; "
            "open text, or a choice with long options (add it to dimensions: if it is a choice)",
        )
    dims = [p for p in dims if p.mean_length < 60]
    for p in [p for p in dims if p.column in coded]:
        leave_out(
            "dimensions",
            p,
            "",
            "answer codes only (A1, D4 ...): no labels and no scale order in a codes-only "
            'export; export "Full answers" with "Question code & question text" headings',
        )
    dims = [p for p in dims if p.column not in coded]
    for p in dims:
        if has_texts and _norm(p.question) in ("", _norm(p.column)):
            leave_out(
                "dimensions",
                p,
                "",
                "no question text, only the column's code: embedded data or a design field, "
                "not a question the respondents answered",
            )
    dims = [p for p in dims if not (has_texts and _norm(p.question) in ("", _norm(p.column)))]
    dims.sort(key=lambda p: (not DIMENSION_WORDS.search(text_of(p)), -p.answered))
    used_names = set(g.rename.values()) | {str(c) for c in export.data.columns}
    for p in dims[5:]:
        leave_out("dimensions", p, "", "a candidate beyond the first five proposed")
    for p in dims[:5]:
        name = str(p.column)
        # A whole question as a column name, or a code ("Q2.2") with a question text: give it a
        # short name the report can show.
        short = label_of(p, 32)
        if short != name and (
            len(name) > 32 or (has_texts and _norm(p.question) != _norm(p.column))
        ):
            if short in used_names and has_texts and len(name) <= 12:
                # the same question asked twice (Q5.1, Q6.1): its code tells them apart
                short = f"{short} ({name})"
            short = _distinct(short, used_names)
            g.rename[p.column] = short
            g.reasons[short] = f"short name for “{_short(p.question, 70)}”"
            used_names.add(short)
            name = short
        g.dimensions.append(name)
    _move_clashes(g, export)
    return g


def _distinct(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)`` ... : the first that is not in ``taken``."""
    out, k = name, 2
    while out in taken:
        out, k = f"{name} ({k})", k + 1
    return out


def _move_clashes(g: Guess, export) -> None:  # noqa: ANN001 - an importers.Export
    """Rename out of the way each export column whose name the report already uses for
    something else, so that the run takes the export as it is:

    - the name another column is renamed to (a column literally called ``comment`` beside
      the open question renamed to ``comment``): a run refuses a rename onto an existing
      column;
    - a column the report derives itself (``nps_category``, ``source_file``, ``source_row``);
    - a project column's name on answers that are not that column's (a ``quarter`` column of
      "Spring", an ``ltr`` column of city names): the run would reject every such row.

    The column becomes ``quarter (export column)``, and every role that named it (a driver, a
    dimension, its scale, a left-out listing) follows it."""
    columns = [str(c) for c in export.data.columns]
    targets = {new for old, new in g.rename.items() if new != old}
    names = set(columns) | set(g.rename.values())
    moved: dict[str, str] = {}
    probe = RESPONSES.with_columns(tuple(Column(d, "float") for d in g.drivers))
    declared = {c.name: c for c in probe.columns}
    for pos, col in enumerate(columns):
        if col in g.rename:
            continue
        if col in targets:
            source = next(old for old, t in g.rename.items() if t == col)
            why = f"“{_short(source, 40)}” is renamed to {col}"
        elif col in DERIVED:
            why = f"the report makes its own {col}"
        elif col in declared:
            frame = export.data.iloc[:, [pos]].set_axis([col], axis=1)
            _, rejects = TableSchema("probe", (declared[col],)).validate(
                frame, options=export.parse_options()
            )
            if rejects.empty:
                continue
            first = rejects.iloc[0]
            why = (
                f"its answers are not the report's {col} "
                f"(“{_short(first['value'], 20)}”: {_short(first['reason'], 60)})"
            )
        else:
            continue
        new = _distinct(f"{col} (export column)", names)
        names.add(new)
        moved[col] = new
        g.rename[col] = new
        g.reasons[new] = (
            f"the export's own column “{_short(col, 40)}” keeps its answers under this name: {why}"
        )
    if not moved:
        return
    g.drivers = {moved.get(c, c): label for c, label in g.drivers.items()}
    g.scales = {moved.get(c, c): v for c, v in g.scales.items()}
    g.reverse_scored = {moved.get(c, c): v for c, v in g.reverse_scored.items()}
    g.dimensions = [moved.get(c, c) for c in g.dimensions]
    for x in g.left_out:
        x.column = moved.get(x.column, x.column)


def _q(value: object) -> str:
    """A YAML double-quoted scalar that reads back as exactly ``value``
    (:func:`cxm_lab.safe.yaml_scalar`: line breaks and controls escaped)."""
    return yaml_scalar(value)


def _comment(text: str) -> str:
    """``text`` as one line of a YAML comment (:func:`cxm_lab.safe.yaml_comment`)."""
    return yaml_comment(text)


#: PyYAML reads a key written on its line (``"key": value``) up to 1024 characters long; a
#: longer one (a question pasted whole as a column name) is written as an explicit key.
_MAX_SIMPLE_KEY = 1000


def _entry(key: object, value: str, comment: str = "") -> list[str]:
    """The line(s) of one ``key: value`` entry of a block mapping indented by two spaces,
    ``value`` already YAML; the key is quoted, and written as an explicit ``? key`` when it
    is too long for PyYAML's one-line key."""
    tail = f"   # {_comment(comment)}" if _comment(comment) else ""
    quoted = _q(key)
    if len(quoted) <= _MAX_SIMPLE_KEY:
        return [f"  {quoted}: {value}{tail}"]
    return [f"  ? {quoted}", f"  : {value}{tail}"]


def params_text(export, guess: Guess, *, name: str, data_dir: str, title: str) -> str:  # noqa: ANN001
    """A commented params file for ``export`` with ``guess`` filled in (``cxm-lab init``).

    Parameters
    ----------
    export : Export
        An export read by :func:`cxm_lab.importers.read_export`.
    guess : Guess
        The mapping proposed by :func:`guess_mapping`.
    name, title : str
        The run's ``name`` and report ``title``.
    data_dir : str
        Where the run reads its exports (a folder, one file or a glob).

    Returns
    -------
    str
        YAML text that :func:`cxm_lab.params.load_params` reads, each choice explained in a
        comment.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cxm_lab.importers import read_export
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "responses.csv"
    >>> _ = p.write_text("Timestamp,How likely are you to recommend us?\\n"
    ...                  "12/13/2019 9:50:30,10\\n12/14/2019 10:00:00,6\\n")
    >>> export = read_export(p)
    >>> text = params_text(export, guess_mapping(export), name="q3", data_dir="exports/",
    ...                    title="Q3")
    >>> [line for line in text.splitlines() if line.startswith(("name:", "source:"))]
    ['name: "q3"', 'source: "google_forms"']
    """
    lines = [
        f"# Written by `cxm-lab init` from {_comment(Path(export.file).name)} ({export.source} export).",
        "# Check every mapping below, then run:  cxm-lab run <this file>",
        '# Keys: see README.md, section "Your own data". Lines starting with # are comments.',
        f"name: {_q(name)}",
        f"title: {_q(title)}",
        f"data_dir: {_q(data_dir)}   # a folder, one file, or a glob such as exports/*.csv",
        f"source: {_q(export.source)}",
    ]
    for note in export.notes:
        if note not in guess.notes:  # those are said below, as a NOTE
            lines.append(f"#   read: {_comment(note)}")
    for note in guess.notes:
        lines.append(f"# NOTE: {_comment(note)}.")
    if export.timezone:
        lines.append(
            f"# The export's dates are in {export.timezone}; set `timezone:` to report them in another zone."
        )
    lines.append("")
    lines.append("rename:   # export column -> project column")
    if not guess.rename:
        lines.append("  {}")
    for col, target in guess.rename.items():
        lines += _entry(col, _q(target), guess.reasons.get(target, ""))
    for miss in guess.missing:
        lines.append(f"  # {_comment(miss)}")
    if guess.other_texts:
        lines.append("  # other open-text questions (rename one of them to comment instead):")
        for col in guess.other_texts[:10]:
            lines.append(f"  #   {_q(col)}: comment")
    lines.append("")
    left_drivers = [x for x in guess.left_out if x.role == "drivers"]
    if guess.drivers:
        lines.append("drivers:   # rating questions: column -> label shown in the report")
        for col, label in guess.drivers.items():
            lines += _entry(col, _q(label))
    else:
        lines.append("drivers: {}   # no other rating questions found")
    if left_drivers:
        lines.append(
            "  # left out, with the reason (to use one anyway, list it under drivers: as above):"
        )
        for x in left_drivers:
            lines.append(f"  # {_q(x.column)}: {_q(x.label)}   # {_comment(x.reason)}")
    lines.append("")
    known = {col: guess.scales[col] for col in guess.drivers if guess.scales.get(col)}
    if known:
        lines.append(
            "scales:   # each rating's lowest and highest possible answer, as the report reads it"
        )
        for col, (lo, hi) in known.items():
            lines += _entry(col, f"[{lo}, {hi}]")
        lines.append("")
    if guess.reverse_scored:
        lines.append(
            "reverse_scored:   # ratings whose LOWEST answer is the best, proposed from their "
            "wording: each is read reversed (lowest + highest − answer), so higher = better "
            "in the report; remove any that is not"
        )
        for col, words in guess.reverse_scored.items():
            lines.append(
                f"  - {_q(col)}   # “{_comment(guess.drivers.get(col, col))}”: worded "
                f"negatively ({_comment(words)}), a high answer is bad"
            )
        lines.append("")
    elif guess.drivers:
        lines.append(
            "# reverse_scored: []   # ratings whose lowest answer is the best (“How difficult "
            "...?”): none found in the wording"
        )
        lines.append("")
    if guess.dimensions:
        lines.append("dimensions:   # break results down by these columns")
        column_of = {target: col for col, target in guess.rename.items()}
        for col in guess.dimensions:
            question = export.questions.get(column_of.get(col, col), col)
            lines.append(f"  - {_q(col)}   # {_comment(_short(question))}")
    else:
        lines.append(
            "dimensions: []   # "
            + (
                "none proposed; the candidates left out are listed with the reason"
                if any(x.role == "dimensions" for x in guess.left_out)
                else "no column with a few distinct answers found"
            )
        )
    by_reason: dict[str, list[str]] = {}
    for x in guess.left_out:
        if x.role == "dimensions":
            by_reason.setdefault(x.reason, []).append(x.column)
    for reason, cols in by_reason.items():
        lines.append(f"  # left out ({len(cols)}): {_comment(reason)}:")
        row = "  #  "
        for col in cols:
            name = f" {_q(col)},"
            if len(row) + len(name) > 100 and row.strip() != "#":
                lines.append(row.rstrip())
                row = "  #  "
            row += name
        lines.append(row.rstrip().rstrip(","))
    lines += [
        "",
        "# themes: themes.yaml   # your own categories with seed phrases (default: common CX themes)",
        "# report_quarter: 2026Q3   # default: the latest quarter with min_n responses",
        "# currency: EUR",
        '# na_values: ["", NA, N/A, "-"]   # cells read as missing (default: a common list)',
        "# dayfirst: true   # dates written 31/12/2026",
        "# encoding: cp1252   # default: detected",
        "mask_pii: true",
        "min_n: 30",
        "formats: [html, pdf]",
        "",
    ]
    return "\n".join(lines)
