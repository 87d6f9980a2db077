"""`cxm-lab init` on grid, ranking, quiz and embedded-data columns: labels that keep their meaning,
the tightest scale, nothing left out without a reason in the params file (review findings 4, 5,
7 and 15)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from cxm_lab.guess import (
    MAX_KEY_DRIVERS,
    ColumnProfile,
    grid_item,
    guess_mapping,
    params_text,
    short_label,
)
from cxm_lab.importers import read_export
from cxm_lab.params import load_params
from cxm_lab.text.clean import stop_words

LIME = "limesurvey/results-survey945827-202004302207.csv"
LIME_CODES = "limesurvey/results-survey945827-202004302207-codes.csv"
R_SURVEY = "google_forms/2019 English R Community Survey Responses.csv"
STARWARS = "surveymonkey/StarWars.csv"
TYPEFORM = "typeform/res_YvBfAdHB.csv"
CHKKK = "qualtrics/CHKKK Housing developments W1 (Prolific - June 2021)_June 15, 2023_11.20.csv"


def profile(lo: float, hi: float, labels: dict[int, str] | None = None) -> ColumnProfile:
    return ColumnProfile(
        "q", "q", 100, 1.0, True, lo, hi, int(hi - lo + 1), 1.0, 0.0, labels=labels or {}
    )


def write_params(tmp_path: Path, export) -> tuple[str, Path]:  # noqa: ANN001
    text = params_text(
        export, guess_mapping(export), name="t", data_dir=str(export.file), title="T"
    )
    out = tmp_path / "p.yaml"
    out.write_text(text, encoding="utf-8")
    return text, out


# ------------------------------------------------------------------ scales


def test_scale_is_the_tightest_known_one_that_holds_the_answers():
    # Answers 1..9: 1–9 (width 8) holds them; 0–10 and 1–10 do too but are wider. The old
    # order tried 0–10 first and called LimeSurvey's 1–9 agreement scale "a 0–10 scale".
    assert profile(1, 9).scale == (1, 9)
    assert profile(0, 10).scale == (0, 10)
    # 1–9 and 1–10 need evidence (a 1–9 span, or a label): answers 2..10 and 1..10 are the
    # usual 0–10 "how likely" question on which nobody chose 0
    assert profile(2, 10).scale == (0, 10)
    assert profile(1, 10).scale == (0, 10)
    assert profile(2, 5).scale == (1, 5)  # 1–5 (width 4) before 0–5 (width 5)
    assert profile(0, 4).scale == (0, 5)
    assert profile(1, 4).scale == (1, 4)
    assert profile(18, 80).scale is None


def test_scale_agrees_with_the_choice_labels():
    # "9. Completely agree" on the highest answer fixes the top at 9, even when nobody chose 1.
    assert profile(2, 9, {9: "Completely agree"}).scale == (1, 9)
    # Answers 1..4 with "3 - Neutral": the middle is 3, so the scale is 1–5 (1+5 = 2·3), not 1–4.
    assert profile(1, 4, {3: "Neutral"}).scale == (1, 5)
    # Answers 1..8 with "8 - Extremely likely" on top: 1–8 is no known scale, so the label is
    # ignored; 1–9 is not spanned, so the scale holding 1..8 is 0–10.
    assert profile(1, 8, {8: "Extremely likely"}).scale == (0, 10)
    # Both ends labelled on answers 1..10: a 1–10 scale.
    assert profile(1, 10, {1: "Not at all likely", 10: "Extremely likely"}).scale == (1, 10)


@pytest.mark.shared_data
def test_limesurvey_profile_reads_the_value_labels_and_the_1_to_9_scale(shared_data):
    from cxm_lab.guess import _profile

    exp = read_export(shared_data / "exports" / LIME)
    p = {q.column: q for q in _profile(exp.data, exp.questions, exp.decimal)}["LikertTypePage1[1]"]
    assert p.labels[9] == "Completely agree" and p.labels[1] == "Completely disagree"
    assert p.scale == (1, 9)


# ------------------------------------------------------------------ labels


def test_grid_items_are_labelled_by_their_item():
    lime = (
        "Instructions: Think about your experience in MATH 2209. For each of the following "
        "statements, please select the one response. [This class is emotionally draining.]"
    )
    assert short_label(lime, max_chars=40) == "This class is emotionally draining"
    assert grid_item(lime)[1] == "This class is emotionally draining."
    # Google Forms grid: "question [row]"
    assert short_label("How satisfied are you with our service? [Delivery speed and tracking]") == (
        "Delivery speed and tracking"
    )
    # A short item keeps the question's label in front: "Yoda" alone says nothing. Where the
    # question names its items ("the following characters"), the item takes their place.
    assert short_label("How much do you like each character? | Yoda").endswith("| Yoda")
    assert short_label("Please state whether you view the following characters. | Yoda") == (
        "View Yoda"
    )
    # LimeSurvey dual-scale arrays: "[row][column]" are both items, after the question.
    assert grid_item("1. This class is too stressful. [Slightly disagree][Greatly agree]") == (
        "1. This class is too stressful.",
        "Slightly disagree | Greatly agree",
    )


@pytest.mark.parametrize(
    ("question", "max_chars", "expected"),
    [
        # Each was cut before the word that carries its meaning (review finding 15).
        ("Travaillez-vous dans le secteur public ?", 32, "Travaillez-vous dans le secteur public"),
        (
            "¿Cómo calificarías tu nivel de experiencia usando R?",
            32,
            "Nivel de experiencia usando R",
        ),
        (
            "Compared with other technical topics you've learned in school and on the job, on a "
            "scale of 1 to 5, how difficult has it been for you to learn R?",
            40,
            "How difficult has it been for you to learn R",
        ),
        (
            "Comparado con otros temas técnicos que aprendiste en clase o en el trabajo, en una "
            "escala del 1 al 5, ¿cuán difícil fue aprender R?",
            40,
            "Cuán difícil fue aprender R",
        ),
        (
            "Por favor calificá cuánto disfrutas usando R en una escala del 1 al 5, donde 1 es que "
            "no lo disfrutas para nada y 5 es que lo disfrutas mucho.",
            40,
            "Cuánto disfrutas usando R",
        ),
        (
            "Piensa en el mes pasado: ¿con qué frecuencia usaste R, ya sea para proyectos "
            "profesionales o personales?",
            32,
            "Con qué frecuencia usaste R",
        ),
        (
            "Si vous deviez noter votre aisance personnelle avec l'informatique, combien vous "
            "donneriez vous ?",
            40,
            "Aisance personnelle avec l'informatique",
        ),
        (
            "If I had to take another course, I would choose a statistics course.",
            40,
            "I would choose a statistics course",
        ),
        # review 3: a yes/no question about a quality kept its start and lost the quality
        # ("Were the examples for the grid"); the phrase between subject and quality goes
        (
            "Were the examples for the grid response items helpful?",
            32,
            "Were the examples helpful",
        ),
        # a grid whose question says "the following characters": the item goes in their place
        # (it was "Please state | Lando Calrissian": the lead-in, not the question)
        (
            "Please state whether you view the following characters favorably, unfavorably, or "
            "are unfamiliar with him/her. | Lando Calrissian",
            32,
            "View Lando Calrissian favorably",
        ),
        # "which of the following" asks to choose among the items: the item stays alone
        (
            "Which of the following Star Wars films have you seen? Please select all that apply. "
            "| Star Wars: Episode I  The Phantom Menace",
            40,
            "Star Wars: Episode I The Phantom Menace",
        ),
        # a yes/no question whose last word is no quality is cut as before
        ("Are you currently enrolled in a statistics course?", 32, "Are you currently enrolled"),
    ],
)
def test_short_labels_keep_the_meaning(question, max_chars, expected):
    assert short_label(question, max_chars=max_chars) == expected


@pytest.mark.parametrize(
    ("question", "language", "must_keep"),
    [
        (
            "Avez-vous l'impression de maîtriser les informations qui vous concernent sur Internet ?",
            "fr",
            "informations",
        ),
        (
            "Les sujets de transformation de la société par le numérique vous intéressent-ils ?",
            "fr",
            "transformation",
        ),
        (
            "¿Aproximadamente cuánto te tomó conseguir tu nivel de competencia con R?",
            "es",
            "cuánto",
        ),
        (
            "Wie zufrieden sind Sie mit der Geschwindigkeit der Lieferung an Ihre Adresse?",
            "de",
            "Geschwindigkeit",
        ),
    ],
)
def test_a_cut_label_never_ends_on_a_stop_word_of_its_language(question, language, must_keep):
    # The old labels ended on "les", "de", "la": words stopwords-iso lists for the language.
    for n in range(30, 45):
        label = short_label(question, max_chars=n)
        last = re.split(r"['’]", label.split()[-1].lower())[-1]
        assert len(label) <= n + max(4, n // 4), (n, label)
        assert last not in stop_words(language), (n, label)
        assert must_keep.lower() in label.lower(), (n, label)


# ------------------------------------------------------------------ rankings, quizzes, limits


def test_rankings_and_two_answer_questions_are_not_drivers_and_are_listed(tmp_path):
    rng = np.random.default_rng(0)
    n = 60
    header = [
        "Id",
        "Please rank the films | Episode I",
        "Please rank the films | Episode II",
        "Please rank the films | Episode III",
        # the same shape without the word "rank": each respondent uses 1..4 once
        "Order these | Apples",
        "Order these | Pears",
        "Order these | Plums",
        "Order these | Figs",
        "Quiz: what is 0101 in decimal?",
        "Speed of service",
        "Friendliness of staff",
    ]
    rows = []
    for i in range(n):
        films = rng.permutation(3) + 1
        fruit = rng.permutation(4) + 1
        rows.append(
            [f"R{i}", *films, *fruit, rng.choice([5, 10]), rng.integers(1, 6), rng.integers(1, 6)]
        )
    path = tmp_path / "export.csv"
    path.write_text(
        "\n".join(",".join(map(str, r)) for r in [header, *rows]) + "\n", encoding="utf-8"
    )
    exp = read_export(path)
    g = guess_mapping(exp)
    assert set(g.drivers) == {"Speed of service", "Friendliness of staff"}
    assert g.scales == {"Speed of service": (1, 5), "Friendliness of staff": (1, 5)}
    left = {x.column: x.reason for x in g.left_out if x.role == "drivers"}
    assert left["Please rank the films | Episode I"].startswith("a ranking of 3 items")
    assert "each number from 1 to 4 at most once" in left["Order these | Figs"]
    assert left["Quiz: what is 0101 in decimal?"].startswith(
        "only two different answers (5 and 10)"
    )
    text, out = write_params(tmp_path, exp)
    for col in left:
        assert f'  # "{col}": ' in text
    assert load_params(out).driver_labels == g.drivers  # the comments leave the YAML valid


def test_the_comment_reason_counts_its_answers_in_agreement(tmp_path):
    """Review 2 #19: init wrote "open text, 1 answers"."""
    path = tmp_path / "export.csv"
    path.write_text(
        "Id,Why did you give this score?\nR1,Because the staff were kind to me\n",
        encoding="utf-8",
    )
    g = guess_mapping(read_export(path))
    assert g.reasons["comment"].startswith("open text, 1 answer: ")
    path.write_text(path.read_text() + "R2,Too slow for me\n", encoding="utf-8")
    assert guess_mapping(read_export(path)).reasons["comment"].startswith("open text, 2 answers: ")


def test_with_an_nps_question_the_drivers_beyond_the_key_driver_limit_are_listed(tmp_path):
    rng = np.random.default_rng(1)
    k = MAX_KEY_DRIVERS + 2
    header = ["How likely are you to recommend us?"] + [f"Rating of aspect {j}" for j in range(k)]
    rows = [[rng.integers(0, 11)] + list(rng.integers(1, 6, size=k)) for _ in range(50)]
    body = "\n".join(",".join(map(str, r)) for r in [header, *rows]) + "\n"
    (tmp_path / "nps.csv").write_text(body, encoding="utf-8")
    (tmp_path / "no_nps.csv").write_text(body.replace("recommend us", "describe us"))
    g = guess_mapping(read_export(tmp_path / "nps.csv"))
    assert len(g.drivers) == MAX_KEY_DRIVERS
    left = [x for x in g.left_out if x.role == "drivers"]
    assert [x.column for x in left] == [f"Rating of aspect {j}" for j in range(MAX_KEY_DRIVERS, k)]
    assert all("at most 12 drivers" in x.reason for x in left)
    # Without an NPS question there is no key-driver analysis: every rating is a driver (the
    # 0–10 question that does not ask about recommending too).
    assert len(guess_mapping(read_export(tmp_path / "no_nps.csv")).drivers) == k + 1


def test_columns_without_question_text_are_not_dimensions(tmp_path):
    """A Qualtrics export: K-1-1 is embedded data (its text row holds only its code)."""
    rng = np.random.default_rng(2)
    lines = [
        "ResponseId,Q1,Q2,K-1-1",
        "Response ID,Which region do you live in?,How satisfied are you overall?,K-1-1",
        '"{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2""}",'
        '"{""ImportId"":""K-1-1""}"',
    ]
    for i in range(40):
        lines.append(
            f"R_{i:04d},{rng.choice(['North', 'South'])},{rng.integers(1, 6)},"
            f"{rng.choice(['How far is it?', 'How many units?', 'Who owns it?'])}"
        )
    path = tmp_path / "qualtrics.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    exp = read_export(path)
    assert exp.source == "qualtrics"
    g = guess_mapping(exp)
    # Q1 is a code with a question text: the report shows a short name for it, not "Q1".
    assert g.dimensions == ["Which region do you live in"]
    assert g.rename["Q1"] == "Which region do you live in"
    assert [(x.role, x.column) for x in g.left_out] == [("dimensions", "K-1-1")]
    text, _ = write_params(tmp_path, exp)
    assert "# left out (1): no question text, only the column's code" in text
    assert '"K-1-1"' in text.split("dimensions:", 1)[1]


# ------------------------------------------------------------------ the real exports


@pytest.mark.shared_data
def test_limesurvey_drivers_are_the_19_statements_on_a_1_to_9_scale(shared_data, tmp_path):
    exp = read_export(shared_data / "exports" / LIME)
    g = guess_mapping(exp)
    likert = [c for c in exp.data.columns if re.fullmatch(r"LikertTypePage\d\[\d+\]", c)]
    assert len(likert) == 19
    assert list(g.drivers) == likert  # all 19 (the old guess kept 15 and dropped 4 silently)
    for col, label in g.drivers.items():
        item = grid_item(exp.questions[col])[1].rstrip(" .")
        assert label != "Instructions" and label.split()[0] in item
        assert g.scales[col] == (1, 9)
    assert g.drivers["LikertTypePage1[1]"] == "This class is emotionally draining"
    assert len(set(g.drivers.values())) == 19
    text, path = write_params(tmp_path, exp)
    assert "use a 0–10 scale" not in text  # the old note called the 1–9 items "a 0–10 scale"
    assert '"LikertTypePage3[10]": "This class makes me feel too anxious"' in text
    # the scale is a key the run reads (it was a comment only): every driver's, 1–9
    assert load_params(path).scales == {col: [1.0, 9.0] for col in likert}


@pytest.mark.shared_data
def test_limesurvey_report_reads_every_item_on_the_1_to_9_scale_init_found(shared_data, tmp_path):
    """Review 2 #1: Rated attributes showed 4 of the 19 items of the 1–9 grid as 0–10: the
    report re-read each scale from the 25 completes' answers (1–8 or 2–9 on those items), not
    from what init found with the choice labels. Now init writes ``scales:``, the run carries
    it in the prepared dataset, and the notebooks' rating table takes it."""
    from cxm_lab import brief, summary
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.io import load_dataset

    exp = read_export(shared_data / "exports" / LIME)
    _, path = write_params(tmp_path, exp)
    ds = load_dataset(prepare_dataset(load_params(path)).save(tmp_path / "prepared"))
    r = ds["responses"]
    cols = list(ds.drivers)
    assert len(cols) == 19 and ds.scales == {c: (1.0, 9.0) for c in cols}
    # the defect: read from the answers alone, items whose answers miss an end read 0–10
    fitted = brief.rating_scales(r, cols)
    short = [c for c in cols if {1, 9} - set(r[c].astype(float))]
    assert short and {fitted[c] for c in short} == {(0.0, 10.0)}
    # as the 01_metrics notebook builds the table: every item 1–9
    scales = brief.rating_scales(r, cols, known=ds.scales)
    table = summary.rating_means(r, drivers=ds.drivers, scales=scales)
    assert len(table) == 19 and set(table["scale"]) == {"1–9"}


@pytest.mark.shared_data
def test_starwars_rankings_are_not_ratings(shared_data, tmp_path):
    exp = read_export(shared_data / "exports" / STARWARS)
    g = guess_mapping(exp)
    ranks = [c for c in exp.data.columns if c.startswith("Please rank")]
    assert len(ranks) == 6 and not set(ranks) & set(g.drivers)
    left = {x.column: x.reason for x in g.left_out if x.role == "drivers"}
    assert all(left[c].startswith("a ranking of 6 items") for c in ranks)
    # each respondent's answers are a permutation of 1..6 too (the data agrees with the wording)
    vals = exp.data[ranks].dropna().astype(int)
    assert (np.sort(vals.to_numpy(), axis=1) == np.arange(1, 7)).all(axis=1).mean() > 0.95
    text, _ = write_params(tmp_path, exp)
    assert text.count("a ranking of 6 items") == 6


@pytest.mark.shared_data
def test_typeform_quiz_with_two_answers_is_not_a_rating(shared_data):
    g = guess_mapping(read_export(shared_data / "exports" / TYPEFORM))
    quiz = "Et bien prouvez le ! Que vaut 0101 ?"
    assert quiz not in g.drivers
    assert any(x.column == quiz and "only two different answers" in x.reason for x in g.left_out)
    assert g.rename["Travaillez-vous dans le secteur public ?"].endswith("public")


@pytest.mark.shared_data
def test_qualtrics_design_fields_are_not_dimensions(shared_data, tmp_path):
    exp = read_export(shared_data / "exports" / CHKKK)
    g = guess_mapping(exp)
    assert not [d for d in g.dimensions if d.startswith("K-")]
    assert g.rename["Q2.2"] == "Gender identity" and "Gender identity" in g.dimensions
    # "We sometimes find people don't ... How often do you provide humorous or insincere
    # responses to survey questions?": the label comes from the sentence that asks.
    assert g.rename["Q36.2"] == "Provide humorous or insincere"
    # Q5.1 and Q6.1 ask the same question with piped embedded data ("[Field-K-1-1]") in its
    # text; they were read as grid items: "Which of | Field-K-1-1 | Field-K-1-2-1 | ...".
    assert exp.questions["Q5.1"].count("[Field-K-1-") == 12
    assert g.rename["Q5.1"] == "Which of these buildings"
    assert g.rename["Q6.1"] == "Which of these buildings (Q6.1)"
    assert not [d for d in g.dimensions if "Field" in d or "|" in d]
    left = [
        x.column for x in g.left_out if x.role == "dimensions" and "no question text" in x.reason
    ]
    assert {"K-1-1", "K-1-1-1", "K-1-2"} <= set(left)
    text, _ = write_params(tmp_path, exp)
    assert f"# left out ({len(left)}): no question text" in text
    assert '  - "Gender identity"   # What is your gender identity?' in text


@pytest.mark.shared_data
def test_init_says_how_many_columns_were_left_out(shared_data, tmp_path, capsys):
    from cxm_lab.cli import main

    path = shared_data / "exports" / "surveymonkey" / "StarWars.csv"
    out = tmp_path / "p.yaml"
    assert main(["init", str(path), "-o", str(out), "--name", "x"]) == 0
    said = capsys.readouterr().out
    left = guess_mapping(read_export(path)).left_out
    rankings = sum("ranking" in lo.reason for lo in left)
    # the six "rank the films" questions among them, said on the terminal, not only in the file
    assert rankings == 6
    line = next(s for s in said.splitlines() if s.strip().startswith("left out:"))
    assert (
        f"left out: {len(left)} columns" in line
        and "a ranking of 6 items (the question asks to rank), not a rating: 6" in line
    )
    assert "reasons in the params file" in line


@pytest.mark.shared_data
def test_init_labels_on_the_real_exports_keep_the_subject(shared_data):
    """Review 3 #2: labels that dropped the meaning, on the exports they came from."""
    r = guess_mapping(read_export(shared_data / "exports" / R_SURVEY))
    assert "How difficult has it been for you to learn R" in r.drivers.values()
    assert "Compared with other technical topics" not in r.drivers.values()
    lime = guess_mapping(read_export(shared_data / "exports" / LIME))
    assert lime.rename["Page6MC2"] == "Were the examples helpful"
    stars = guess_mapping(read_export(shared_data / "exports" / STARWARS))
    lando = next(c for c in stars.rename if c.endswith("| Lando Calrissian"))
    assert stars.rename[lando] == "View Lando Calrissian favorably"


@pytest.mark.shared_data
def test_limesurvey_codes_only_export_is_recognised(shared_data, tmp_path, capsys):
    """Review 3 #3: the codes-only export (answers A1, D4 ... N0 under question codes) made
    the coded Likert items dimensions with raw codes as groups. Now init says in one line what
    to export instead and lists the coded columns as left out with that reason."""
    from cxm_lab.cli import main
    from cxm_lab.importers.limesurvey import CODES_ONLY

    path = shared_data / "exports" / LIME_CODES
    exp = read_export(path)
    assert CODES_ONLY in exp.notes  # the importer's note
    g = guess_mapping(exp)
    assert g.notes == [CODES_ONLY]
    likert = [c for c in exp.data.columns if re.fullmatch(r"LikertTypePage\d\[\d+\]", c)]
    assert len(likert) == 19
    assert not [d for d in g.dimensions if d in exp.data.columns and d in likert]
    left = {x.column: x.reason for x in g.left_out if x.role == "dimensions"}
    for col in likert:
        assert left[col].startswith("answer codes only (A1, D4 ...)"), col
        assert '"Full answers"' in left[col]
    out = tmp_path / "codes.yaml"
    assert main(["init", str(path), "-o", str(out), "--name", "c"]) == 0
    said = capsys.readouterr().out
    note = [s for s in said.splitlines() if "codes-only export" in s]
    assert len(note) == 1 and '"Full answers"' in note[0]
    assert "Question code & question text" in note[0]
    text = out.read_text(encoding="utf-8")
    assert text.count("# NOTE: codes-only export") == 1 and "#   read: codes-only" not in text
    assert "# left out (22): answer codes only" in text
    assert load_params(out).dimensions == []
    # the full-text export of the same survey is not a codes-only one
    full = read_export(shared_data / "exports" / LIME)
    assert CODES_ONLY not in full.notes and not guess_mapping(full).notes


@pytest.mark.shared_data
def test_long_choice_questions_are_listed_not_dropped(shared_data):
    # LimeSurvey Page6MC1 and Page6MC3: 3 different answers of 60+ characters each, answered by
    # every complete response; not proposed as dimensions (open text looks the same in a small
    # sample), but listed with the reason instead of vanishing
    ex = read_export(shared_data / "exports" / LIME)
    lengths = {c: ex.data[c].dropna().str.len().mean() for c in ("Page6MC1", "Page6MC3")}
    assert all(v >= 60 for v in lengths.values())
    left = {lo.column: lo.reason for lo in guess_mapping(ex).left_out}
    for col, mean in lengths.items():
        assert left[col].startswith(f"long answers: {mean:.0f} characters on average, 3 different")


# ------------------------------------------------------------------ hostile headers (review)

#: Characters that end a YAML line or comment (NEL, LS, PS, CR, LF), that PyYAML refuses
#: (ESC, NUL, C1 CSI, DEL) or that reorder text (bidi override, isolate): each in a header.
YAML_HOSTILE = ["\x85", "\u2028", "\u2029", "\r", "\n", "\x1b", "\x00", "\x9b", "\x7f",
                "\u202e", "\u2066", "\ufeff", "\t"]  # fmt: skip
#: Keys ``init`` writes for the test export below: anything else was injected.
INIT_KEYS = {"name", "title", "data_dir", "source", "rename", "drivers", "scales",
             "dimensions", "mask_pii", "min_n", "formats"}  # fmt: skip


def hostile_export(path: Path, header: str) -> Path:
    """An export where ``header`` names a dimension, a rating and an open question."""
    import csv

    rows = [["Timestamp", "How likely are you to recommend us?", header,
             f"{header} rate 1 to 5", f"Why? {header}"]]  # fmt: skip
    for k in range(60):
        rows.append([f"12/{1 + k % 28}/2019 9:50:30", k % 11, "ABC"[k % 3], 1 + k % 5,
                     f"free text answer number {k} " + "x" * (k % 7)])  # fmt: skip
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.mark.parametrize("ch", YAML_HOSTILE, ids=[f"U+{ord(c):04X}" for c in YAML_HOSTILE])
def test_init_writes_hostile_headers_that_read_back_exactly_and_inject_nothing(
    tmp_path, capsys, ch
):
    """Hostile review 1-3: a header with U+2028 ... added keys to the params file (title,
    data_dir); one with ESC made it unreadable; both reached the terminal raw."""
    from cxm_lab.cli import main

    header = f"Region{ch}title: INJECTED{ch}data_dir: /tmp/other.csv{ch}min_n: 1{ch}#"
    path = hostile_export(tmp_path / "survey.csv", header)
    exp = read_export(path)
    [col] = [c for c in exp.data.columns if c.startswith("Region") and c.endswith("#")]
    out = tmp_path / "p.yaml"
    assert main(["init", str(path), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    run = load_params(out)
    assert run.title == "Customer experience: survey" and run.min_n == 30
    assert run.data_dir == "survey.csv"
    import yaml

    assert set(yaml.safe_load(out.read_text(encoding="utf-8"))) <= INIT_KEYS
    # Every column the file names is an export column, exactly (rename: still matches it).
    columns = set(exp.data.columns)
    assert set(run.rename) <= columns and set(run.driver_labels) <= columns
    assert set(run.dimensions or []) <= columns | set(run.rename.values())
    assert f"{col} rate 1 to 5" in run.driver_labels  # the rating named by its exact header
    assert col in run.dimensions or col in run.rename
    # Nothing the terminal acts on was printed.
    assert not re.search(
        "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", said
    )


def test_init_never_renames_onto_a_column_the_export_has(tmp_path):
    """Hostile review 4: a column literally named ``comment`` beside the open question; init
    renamed "Pourquoi ?" to comment and the run refused it."""
    from cxm_lab.ingest import prepare_dataset

    rng = np.random.default_rng(3)
    header = ["How likely are you to recommend us?", "Pourquoi ?", "comment", "ltr (old)"]
    rows = [[rng.integers(0, 11), f"parce que la réponse numéro {i} est longue", "AB"[i % 2], 1]
            for i in range(40)]  # fmt: skip
    path = tmp_path / "export.csv"
    path.write_text("\n".join(",".join(map(str, r)) for r in [header, *rows]) + "\n")
    exp = read_export(path)
    g = guess_mapping(exp)
    assert g.rename["Pourquoi ?"] == "comment"
    assert g.rename["comment"] == "comment (export column)"
    assert "comment" not in g.dimensions and "comment (export column)" in g.dimensions
    targets = [t for c, t in g.rename.items() if t != c]
    assert not set(targets) & (set(exp.data.columns) - set(g.rename))  # no clash left
    _, out = write_params(tmp_path, exp)
    ds = prepare_dataset(load_params(out), base=tmp_path)
    responses = ds.tables["responses"]
    assert responses["comment"].str.startswith("parce que").all()
    assert sorted(responses["comment (export column)"].unique()) == ["A", "B"]


def test_init_moves_columns_the_report_uses_for_something_else(tmp_path):
    """An export column named like a project column but holding other answers (``quarter``
    of seasons: the run rejected all 40 rows), and columns the report derives itself
    (``nps_category``, ``source_file``, ``source_row``: the run stopped). init renames them
    out of the way with the reason; a project-named column whose answers fit stays."""
    from cxm_lab.ingest import prepare_dataset

    header = ["How likely are you to recommend us?", "quarter", "nps_category", "source_file",
              "source_row", "region"]  # fmt: skip
    seasons = ["Spring", "Summer"]
    rows = [[i % 11, seasons[i % 2], "promoter", "old.xlsx", i + 7, "EU"] for i in range(40)]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(",".join(map(str, r)) for r in [header, *rows]) + "\n")
    exp = read_export(path)
    g = guess_mapping(exp)
    for col in ("quarter", "nps_category", "source_file", "source_row"):
        assert g.rename[col] == f"{col} (export column)"
    assert "Spring" in g.reasons["quarter (export column)"]
    assert "makes its own nps_category" in g.reasons["nps_category (export column)"]
    assert "region" not in g.rename  # "EU" is a region: it stays the report's region
    _, out = write_params(tmp_path, exp)
    ds = prepare_dataset(load_params(out), base=tmp_path)
    responses = ds.tables["responses"]
    assert len(responses) == 40 and ds.rejects().empty  # read 40 = used 40 + rejected 0
    assert sorted(responses["quarter (export column)"].unique()) == seasons
    assert responses["source_row (export column)"].astype(int).tolist() == list(range(7, 47))
    assert responses["source_row"].tolist() == list(range(1, 41))  # the report's own
    assert (responses["source_file"] == "export.csv").all()
    assert (responses["region"] == "EU").all()


def test_a_dimension_short_name_never_ends_in_a_prime(tmp_path):
    """Hostile review 5: a 36-character dimension column whose label is itself was renamed
    to itself with a ``'`` appended; a label that clashes with another column is numbered."""
    import csv

    name = 'Gender <b>identity</b> `#eval("1")`'  # 36 characters, its own label
    question = "What is your region? Choose the one that matches best today."  # label "Region"
    header = [name, question, "Region"]
    rows = [["FM"[i % 2], "NSEW"[i % 4], "XYZ"[i % 3]] for i in range(40)]
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    g = guess_mapping(read_export(path))
    assert name in g.dimensions and name not in g.rename
    assert g.rename == {question: "Region (2)"}
    assert set(g.dimensions) == {name, "Region (2)", "Region"}
