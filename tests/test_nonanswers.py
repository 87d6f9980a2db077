"""Non-answers ("none", "no comments.", "n/a", "-") are no comment: the rule
(:func:`cxm_lab.text.clean.non_answer`, used by :func:`cxm_lab.text.analysis.has_text`), the
language table that adds up, and the counts on a real Qualtrics export."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cxm_lab import config
from cxm_lab.text.analysis import NO_LANGUAGE, has_text, language_table
from cxm_lab.text.clean import NON_ANSWERS, non_answer

CHKKK = "qualtrics/CHKKK Housing developments W1 (Prolific - June 2021)_June 15, 2023_11.20.csv"

needs_model = pytest.mark.skipif(
    not (config.model_dir() / "config.json").is_file()
    or not (config.sentiment_dir() / "config.json").is_file(),
    reason="models not built: run `make setup`",
)

#: Whole answers that say nothing, as respondents write them (case, punctuation, spacing).
SAY_NOTHING = [
    "none", "None.", "  NONE ", "No comments.", "no comment", "NO COMMENTS", "No", "nothing",
    "Nothing to add.", "n/a", "N/A", "NA", "Not really", "idk", "-", "...", "?", "nada",
    "Ninguno", "Nada.", "rien", "Aucun", "Rien à ajouter", "nichts", "Keine", "Kein Kommentar",
    "нет", "Ничего", "هیچ", "ندارم", "نظري ندارم", "لا شيء", "لا تعليق", "无", "没有", "无。",
    "None, thank you!", "No comments. Thanks!", "No, thank you.", "\u200bnone\u200b",
]  # fmt: skip

#: Comments that start like a non-answer, or are as short, and still say something.
SAY_SOMETHING = [
    "no support at all", "No comments on the price, but delivery was late", "nothing works",
    "None of the staff helped", "Thank you", "thanks", "All good", "ok", "slow", ":)", "👍",
    "10", "nada funciona", "rien ne marche", "нет связи", "没有人回复", "Keine Antwort erhalten",
]  # fmt: skip


def test_non_answers_are_whole_answers_only():
    assert non_answer(SAY_NOTHING).all(), [t for t in SAY_NOTHING if not non_answer([t]).iloc[0]]
    assert not non_answer(SAY_SOMETHING).any(), [
        t for t in SAY_SOMETHING if non_answer([t]).iloc[0]
    ]
    # every phrase of the documented list is a non-answer as written, upper case and with a dot
    assert non_answer(list(NON_ANSWERS)).all()
    assert non_answer([f" {p.upper()}. " for p in NON_ANSWERS]).all()


def test_has_text_is_the_one_rule():
    s = pd.Series([*SAY_NOTHING, *SAY_SOMETHING, None, "", "   ", "\u200b"])
    got = has_text(s)
    # hand count: the 40 non-answers and the 4 empty values have no comment, the 17 comments do
    assert len(SAY_NOTHING) == 40 and len(SAY_SOMETHING) == 17
    assert got.tolist() == [False] * 40 + [True] * 17 + [False] * 4
    assert got.index.equals(s.index)


def test_language_table_adds_up_with_comments_in_no_language():
    # 3 English, 1 Spanish and 2 with no letters (no language recorded or detected)
    c = pd.DataFrame(
        {
            "language": ["en", "en", "en", "es", None, None],
            "detected_language": ["en", "en", "en", "es", pd.NA, pd.NA],
            "label": ["negative", "positive", "neutral", "negative", "neutral", "positive"],
        }
    )
    t = language_table(c, language_recorded=False)
    assert t["comments"].sum() == len(c)
    assert t.set_index("language")["comments"].to_dict() == {"en": 3, "es": 1, NO_LANGUAGE: 2}
    assert t["language"].tolist() == ["en", "es", NO_LANGUAGE]  # most comments first, none last
    # the no-language row: 1 of 2 positive = 50 %
    assert t.set_index("language").loc[NO_LANGUAGE, "pct_positive"] == pytest.approx(50.0)


@needs_model
def test_analyse_comments_sets_non_answers_aside():
    from cxm_lab.text.analysis import analyse_comments

    r = pd.DataFrame(
        {"comment": ["none", "No comments.", "Support never called back.", "", "-"], "ltr": 5}
    )
    got = analyse_comments(r)
    assert got.comments.index.tolist() == [2]
    assert got.non_answers == 3  # "none", "No comments.", "-"


@pytest.mark.shared_data
def test_chkkk_non_answers_are_no_comments(shared_data):
    # 1,038 rows; Q36.3 "Please tell us if you have any comments about this survey.": counted with pandas
    # on the raw export (every cell as written), normalised by hand (lower case, punctuation
    # as spaces), against the non-answers read in the export by eye.
    raw = pd.read_csv(
        shared_data / "exports" / CHKKK,
        skiprows=[1, 2],
        usecols=["Q36.3"],
        dtype=str,
        keep_default_na=False,
    )["Q36.3"]
    answered = raw.str.strip() != ""
    norm = raw.str.lower().str.replace(r"[^\w\s']", " ", regex=True).str.split().str.join(" ")
    seen = {
        "none", "n a", "na", "no", "no comments", "no comment", "nothing", "nothing to add",
        "no additional comments", "no comments to offer", "i have no comments",
        "i don't have any other comments", "nothing comes to mind", "none thank you",
        "none thanks", "none but thank you", "no thank you", "no comments thank you",
        "no comments thanks", "nothing to add thanks", "nothing to say but thank you",
        "i have no further comments thank you", "i do not thanks",
        "i do not have any comments thanks",
    }  # fmt: skip
    by_hand = answered & norm.isin(seen)
    assert int(by_hand.sum()) == 132 and int((norm == "none").sum()) == 58
    assert int(answered.sum()) == 389
    got = non_answer(raw)
    assert got[by_hand].all()
    # beyond the phrases: nothing else is set aside ("Thank you", "All good", ":)" stay)
    assert got[~by_hand].sum() == 0, raw[got & ~by_hand].tolist()
    assert int(has_text(raw).sum()) == 389 - 132
    kept = raw[has_text(raw)].str.strip().str.lower()
    assert {"thank you", "all good", ":)"} <= set(kept)
    assert not re.search(r"^(none|no comments?)\W*$", "\n".join(kept), flags=re.M)
