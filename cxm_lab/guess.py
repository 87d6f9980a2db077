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
- ``drivers``: other rating questions (whole numbers on a short scale);
- ``dimensions``: columns with 2–12 distinct answers that most respondents gave.

Every choice is written with the reason for it, so the analyst checks the file before running.

Examples
--------
>>> import pandas as pd
>>> bool(RECOMMEND.search("How likely are you to recommend us to a friend?"))
True
>>> bool(RECOMMEND.search("Rate your experience with the app"))
False
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["ColumnProfile", "Guess", "guess_mapping", "params_text", "short_label"]

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
    r"what (is|was) your |in which |choose |select |rate )",
    re.IGNORECASE,
)


#: The scale described after a rating question ("... on a scale of 1 to 5, where 1 is ...").
SCALE_TAIL = re.compile(
    r"\s*(,\s*)?(\bon a (\d+[- ]point )?scale\b|\bon a \d+[-–]\d+\b|\bfrom \d+ (to|-) \d+\b|"
    r"\(\d+\s*[-–=]|\bwhere \d+ (is|=|means)\b).*$",
    re.IGNORECASE,
)
#: Words a cut label must not end with ("How much you enjoy using Python on a").
_DANGLING = frozenset(
    "a an the on of to in at for with and or by from as is are be your you that which "
    "how what who when where than".split()
)


def short_label(question: str, *, max_chars: int = 32) -> str:
    """A short label for a long question: its first sentence without the usual lead-in
    ("How would you rate your ...") and without the scale it describes ("on a scale of 1 to
    5, where ..."), cut at a word boundary and never ending on a word such as "a", "of" or
    "the".

    Parameters
    ----------
    question : str
        The question text.
    max_chars : int
        Longest label returned.

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
    """
    text = " ".join(str(question).split())
    if " | " in text:  # "question | option" (SurveyMonkey): keep the option, it is the point
        q, option = text.rsplit(" | ", 1)
        return f"{short_label(q, max_chars=max(12, max_chars - len(option) - 3))} | {option}"
    first = re.split(r"(?<=[?.!:])\s", text, maxsplit=1)[0].rstrip("?.!: ")
    core = LEAD_INS.sub("", first).strip() or first
    core = SCALE_TAIL.sub("", core).strip() or core
    core = core[:1].upper() + core[1:]
    if len(core) <= max_chars:
        return core
    words = core[: max_chars + 1].split(" ")[:-1]  # whole words within max_chars
    while len(words) > 1 and words[-1].lower().strip(",;:-(") in _DANGLING:
        words.pop()
    cut = " ".join(words).rstrip(",;:-(")
    return cut or core[:max_chars]


@dataclass
class ColumnProfile:
    """What one export column looks like."""

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

    @property
    def scale(self) -> tuple[int, int] | None:
        """The rating scale the values fit (0–10, 1–10, 1–7, 1–5 ...), or None."""
        if self.numeric_share < 0.95 or not self.integer or self.lo is None or self.hi is None:
            return None
        for lo, hi in ((1, 5), (1, 7), (0, 5), (0, 10), (1, 10), (1, 9), (0, 6), (1, 4)):
            if lo <= self.lo and self.hi <= hi and self.hi - self.lo >= min(2, hi - lo):
                return (lo, hi)
        return None


@dataclass
class Guess:
    """A proposed mapping of an export onto a report, with the reason for each choice."""

    rename: dict[str, str] = field(default_factory=dict)
    drivers: dict[str, str] = field(default_factory=dict)
    dimensions: list[str] = field(default_factory=list)
    other_texts: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def _recommend_question(text: str) -> bool:
    """True when a question asks how likely the respondent is to recommend."""
    return bool(RECOMMEND.search(str(text)))


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
            )
        )
    return out


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


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
    g = Guess()
    n_rows = max(len(export.data), 1)
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
        ("ltr", RECOMMEND, {(0, 10)}, "a 0–10 question that asks about recommending"),
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
        zero_ten = [
            p.column for p in profiles if p.column not in taken and p.scale in {(0, 10), (1, 10)}
        ]
        g.missing.append(
            "ltr: no 0–10 question asks about recommending, so there is no NPS"
            + (
                f" ({', '.join(zero_ten[:3])} use a 0–10 scale but ask something else)"
                if zero_ten
                else ""
            )
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
            f"open text, {texts[0].answered:,} answers: “{_short(texts[0].question)}”",
        )
        g.other_texts = [p.column for p in texts[1:]]
        taken.update(g.other_texts)

    # Other rating questions are drivers.
    ratings = [
        p
        for p in profiles
        if p.column not in taken
        and p.scale is not None
        and p.answered >= 0.3 * n_rows
        and p.distinct >= 2
    ]
    for p in ratings[:15]:
        g.drivers[p.column] = short_label(p.question, max_chars=40)
        taken.add(p.column)

    # Dimensions: few distinct answers that most respondents gave.
    dims = [
        p
        for p in profiles
        if p.column not in taken
        and 2 <= p.distinct <= 12
        and p.answered >= 0.5 * n_rows
        and p.mean_length < 60
        and p.date_share < 0.5
    ]
    dims.sort(key=lambda p: (not DIMENSION_WORDS.search(text_of(p)), -p.answered))
    used_names = set(g.rename.values()) | {str(c) for c in export.data.columns}
    for p in dims[:5]:
        name = str(p.column)
        if len(name) > 32:  # a whole question as a column name: give it a short one
            short = short_label(p.question)
            while short in used_names:
                short += "'"
            g.rename[p.column] = short
            g.reasons[short] = f"short name for “{_short(p.question, 70)}”"
            used_names.add(short)
            name = short
        g.dimensions.append(name)
    return g


def _q(value: object) -> str:
    """A YAML scalar (JSON strings are valid YAML and quote everything that needs it)."""
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(str(text).split())


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
        lines.append(f"#   read: {_comment(note)}")
    if export.timezone:
        lines.append(
            f"# The export's dates are in {export.timezone}; set `timezone:` to report them in another zone."
        )
    lines.append("")
    lines.append("rename:   # export column -> project column")
    if not guess.rename:
        lines.append("  {}")
    for col, target in guess.rename.items():
        lines.append(f"  {_q(col)}: {_q(target)}   # {_comment(guess.reasons.get(target, ''))}")
    for miss in guess.missing:
        lines.append(f"  # {_comment(miss)}")
    if guess.other_texts:
        lines.append("  # other open-text questions (rename one of them to comment instead):")
        for col in guess.other_texts[:10]:
            lines.append(f"  #   {_q(col)}: comment")
    lines.append("")
    if guess.drivers:
        lines.append("drivers:   # rating questions: column -> label shown in the report")
        for col, label in guess.drivers.items():
            lines.append(f"  {_q(col)}: {_q(label)}")
    else:
        lines.append("drivers: {}   # no other rating questions found")
    lines.append("")
    if guess.dimensions:
        lines.append("dimensions:   # break results down by these columns")
        for col in guess.dimensions:
            lines.append(f"  - {_q(col)}   # {_comment(_short(export.questions.get(col, col)))}")
    else:
        lines.append("dimensions: []   # no column with a few distinct answers found")
    lines += [
        "",
        "# themes: themes.yaml   # your own categories with seed phrases (default: common CX themes)",
        "# report_quarter: 2026Q3   # default: the latest quarter in the data",
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
