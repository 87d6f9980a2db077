"""Reverse-scored ratings (``reverse_scored:``): a driver whose lowest answer is the best ("How
difficult has it been for you to learn R?", 5 = most difficult; "This class is too stressful")
is reverse-coded once when the data is read, so every table, chart, driver analysis and the
brief read higher = better. Before, the R survey's brief called the difficulty item "rated below
average" and the importance-vs-performance chart read a hard-to-learn R as a good rating."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxm_lab.errors import ParameterError
from cxm_lab.guess import guess_mapping, params_text
from cxm_lab.importers import read_export
from cxm_lab.ingest import prepare_dataset
from cxm_lab.params import load_params
from cxm_lab.scales import reverse_code, reversed_label

R_SURVEY = "google_forms/2019 English R Community Survey Responses.csv"
LIME = "limesurvey/results-survey945827-202004302207.csv"
DIFFICULT = (
    "Compared with other technical topics you've learned in school and on the job, on a scale "
    "of 1 to 5, how difficult has it been for you to learn R?"
)


def write(tmp_path: Path, text: str, name: str = "run.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------ the arithmetic


def test_reverse_code_by_hand():
    # 1–5: lowest + highest = 6, so 1 -> 5, 2 -> 4, 3 -> 3, 4 -> 2, 5 -> 1
    s = pd.Series([1, 2, 3, 4, 5, None], name="q")
    out = reverse_code(s, (1, 5))
    assert out.tolist()[:5] == [5.0, 4.0, 3.0, 2.0, 1.0] and np.isnan(out.iloc[5])
    assert out.name == "q"
    # 1–9: 1 + 9 = 10, so 2 -> 8 and 7 -> 3; 0–10: 3 -> 7
    assert reverse_code(pd.Series([2, 7]), (1, 9)).tolist() == [8.0, 3.0]
    assert reverse_code(pd.Series([3, 0, 10]), (0, 10)).tolist() == [7.0, 10.0, 0.0]
    # mean of the reversed answers = lowest + highest - mean: (1+2+2+5)/4 = 2.5 -> 6 - 2.5 = 3.5
    assert reverse_code(pd.Series([1, 2, 2, 5]), (1, 5)).mean() == 3.5


def test_reversed_label_says_what_the_highest_value_means():
    assert reversed_label("How difficult it is", (1, 5)) == (
        "How difficult it is (reversed: 5 = least difficult)"
    )
    assert reversed_label("I worry about this class", (1, 9)) == (
        "I worry about this class (reversed: 9 = answered 1)"
    )


# ------------------------------------------------------------------ params validation


def test_reverse_scored_must_name_drivers_in_the_params_file(tmp_path):
    p = write(tmp_path, "name: x\ndrivers: {q1: Ease, q2: Worry}\nreverse_scored: [q3]\n")
    with pytest.raises(ParameterError) as err:
        load_params(p)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(str(p))
    assert "reverse_scored: 'q3' is not one of the drivers" in msg
    p = write(tmp_path, "name: x\ndrivers: {q1: Ease}\nreverse_scored: [q1, q1]\n")
    with pytest.raises(ParameterError, match=r"'reverse_scored': 'q1' is listed twice"):
        load_params(p)
    p = write(tmp_path, "name: x\ndrivers: {q1: Ease}\nreverse_scored: q1\n")
    with pytest.raises(ParameterError, match=r"'reverse_scored': Input should be a valid list"):
        load_params(p)
    assert load_params(write(tmp_path, "name: x\n")).reverse_scored == []


def test_reverse_scored_column_is_checked_against_the_data(tmp_path):
    csv = tmp_path / "export.csv"
    csv.write_text("id,q1,q2\n1,1,2\n2,5,4\n3,3,3\n", encoding="utf-8")
    head = f"name: x\ndata_dir: {csv}\nrename: {{id: response_id}}\n"
    # no drivers declared: a column in the data that is not a driver
    p = write(tmp_path, head + "reverse_scored: [q1]\n")
    with pytest.raises(ParameterError) as err:
        prepare_dataset(load_params(p))
    msg = str(err.value)
    assert msg.startswith(f"{p}: reverse_scored: column 'q1' is not one of the drivers")
    assert "\n" not in msg
    # a column that is not in the data at all
    p = write(tmp_path, head + "reverse_scored: [qq]\n")
    with pytest.raises(
        ParameterError, match=re.escape(f"{p}: reverse_scored: column 'qq' is not in the data")
    ):
        prepare_dataset(load_params(p))


def test_a_reverse_scored_column_needs_a_known_scale(tmp_path):
    csv = tmp_path / "export.csv"
    # answers 0 .. 12: no common rating scale holds them (0–10 is the widest)
    csv.write_text("id,q1,q2\n1,0,2\n2,12,4\n3,6,3\n", encoding="utf-8")
    head = f"name: x\ndata_dir: {csv}\nrename: {{id: response_id}}\ndrivers: [q1, q2]\n"
    p = write(tmp_path, head + "reverse_scored: [q1]\n")
    with pytest.raises(ParameterError) as err:
        prepare_dataset(load_params(p))
    msg = str(err.value)
    assert msg.startswith(f"{p}: reverse_scored: column 'q1' has no known scale")
    assert "answers from 0 to 12" in msg and "declare it under scales:" in msg
    # declared, it is used: 0 -> 12, 12 -> 0, 6 -> 6 on 0–12
    ds = prepare_dataset(
        load_params(write(tmp_path, head + "scales: {q1: [0, 12]}\nreverse_scored: [q1]\n"))
    )
    assert ds.responses["q1"].tolist() == [12.0, 0.0, 6.0]


def test_reverse_coded_once_when_read_and_labelled(tmp_path):
    from cxm_lab.io import load_dataset

    csv = tmp_path / "export.csv"
    # q1 answers 1, 5, 2, 4 span 1–5 end to end: the fitted scale is 1–5 (fit_scale)
    csv.write_text("id,q1,q2\n1,1,2\n2,5,4\n3,2,3\n4,4,5\n", encoding="utf-8")
    p = write(
        tmp_path,
        f"name: x\ndata_dir: {csv}\nrename: {{id: response_id}}\n"
        "drivers: {q1: How difficult it was, q2: Enjoyment}\nreverse_scored: [q1]\n",
    )
    ds = prepare_dataset(load_params(p))
    # by hand: 6 - (1, 5, 2, 4) = (5, 1, 4, 2); q2 untouched
    assert ds.responses["q1"].tolist() == [5.0, 1.0, 4.0, 2.0]
    assert ds.responses["q2"].tolist() == [2.0, 4.0, 3.0, 5.0]
    assert ds.drivers == {
        "q1": "How difficult it was (reversed: 5 = least difficult)",
        "q2": "Enjoyment",
    }
    assert ds.scales == {"q1": (1.0, 5.0)}  # the fitted scale is carried to the notebooks
    assert ds.config["reverse_scored"] == {"q1": [1.0, 5.0]}
    # the prepared dataset the notebooks read is not reversed a second time
    again = load_dataset(ds.save(tmp_path / "prepared"))
    assert again["responses"]["q1"].tolist() == [5.0, 1.0, 4.0, 2.0]
    assert again.drivers["q1"].endswith("(reversed: 5 = least difficult)")


def test_methods_note_explains_reverse_scoring():
    from cxm_lab.render import appendix_markdown

    md = appendix_markdown(rows=[{"file": "r.csv", "read": 1, "used": 1, "rejected": 0}])
    assert "Reverse-scored ratings" in md and "lowest + highest − answer" in md


# ------------------------------------------------------------------ init proposes the key


def test_init_proposes_negatively_worded_drivers_only(tmp_path):
    rows = [
        "Timestamp,How likely are you to recommend us?,How satisfied are you with us?,"
        "The company made it easy to handle my issue.,How difficult was the setup?,"
        "Acquiring the skills is worth the effort.,How fast was the delivery?"
    ]
    rng = np.random.default_rng(0)
    for i in range(40):
        rows.append(
            f"12/{1 + i % 28}/2019 10:00:00,{i % 11},{1 + i % 5},{1 + i % 7},"
            f"{1 + (i * 3) % 5},{1 + (i * 2) % 5},{1 + int(rng.integers(0, 5))}"
        )
    csv = tmp_path / "responses.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    exp = read_export(csv)
    g = guess_mapping(exp)
    # NPS, CSAT and CES (agreement that the company made it easy: higher = better) are scores,
    # never reverse-scored; "worth the effort" is positive; "how difficult" is negative
    assert {"ltr", "csat", "ces"} <= set(g.rename.values())
    assert list(g.reverse_scored) == ["How difficult was the setup?"]
    text = params_text(exp, g, name="t", data_dir=str(csv), title="T")
    out = write(tmp_path, text, "p.yaml")
    assert load_params(out).reverse_scored == ["How difficult was the setup?"]
    line = next(s for s in text.splitlines() if s.startswith('  - "How difficult was the setup?"'))
    assert "worded negatively (“difficult”)" in line


@pytest.mark.shared_data
def test_init_on_the_r_survey_proposes_exactly_the_difficulty_item(shared_data, tmp_path, capsys):
    from cxm_lab.cli import main

    path = shared_data / "exports" / R_SURVEY
    out = tmp_path / "r.yaml"
    assert main(["init", str(path), "-o", str(out), "--name", "r"]) == 0
    said = capsys.readouterr().out
    params = load_params(out)
    assert params.reverse_scored == [DIFFICULT]
    assert params.driver_labels[DIFFICULT] == "How difficult has it been for you to learn R"
    assert "ltr" in params.rename.values()
    # said on the terminal, so the user checks it
    assert "reverse_scored: How difficult has it been for you to learn R" in said


@pytest.mark.shared_data
def test_limesurvey_attitude_items_where_agreement_is_bad(shared_data):
    g = guess_mapping(read_export(shared_data / "exports" / LIME))
    labels = {g.drivers[c] for c in g.reverse_scored}
    assert {
        "This class is too stressful",
        "I worry too much about this class",
        "This class is emotionally draining",
        "This class requires too much effort",
    } <= labels
    # agreement is good: not reversed ("worth the effort" names effort but is positive)
    assert (
        not {
            "Acquiring statistical skills is worth the effort",
            "Learning statistics is worth spending money on",
            "Learning statistics is a good use of my time",
        }
        & labels
    )


@pytest.mark.shared_data
def test_r_survey_driver_table_reads_difficulty_the_right_way_up(shared_data, tmp_path):
    """End to end, init's params -> the run's data -> the rating table and the
    importance-performance table the brief and the drivers chapter use."""
    from cxm_lab import brief, drivers, summary

    path = shared_data / "exports" / R_SURVEY
    exp = read_export(path)
    out = write(
        tmp_path,
        params_text(exp, guess_mapping(exp), name="r", data_dir=str(path), title="R"),
        "r.yaml",
    )
    ds = prepare_dataset(load_params(out))
    assert int(ds.summary()["rejected"].sum()) == 0
    r = ds.responses
    # independent: pandas on the CSV, 1–5 scale, reversed mean = 1 + 5 - raw mean
    raw = pd.read_csv(path)[DIFFICULT]
    assert raw.min() == 1 and raw.max() == 5
    expected = 6 - raw.mean()
    cols = list(ds.drivers)
    scales = brief.rating_scales(r, cols, known=ds.scales)
    table = summary.rating_means(r, drivers=ds.drivers, scales=scales).set_index("attribute")
    label = ds.drivers[DIFFICULT]
    assert label == "How difficult has it been for you to learn R (reversed: 5 = least difficult)"
    assert table.loc[label, "mean"] == pytest.approx(expected)
    assert table.loc[label, "scale"] == "1–5"
    # the driver analysis behind the brief and the importance-vs-performance chart: the
    # drivers mix 1–5 and 0–10, so performance is the mean as % of the scale's range:
    # 100 * (reversed mean - 1) / (5 - 1), reversed mean = 6 - raw mean over every answer
    rated, mixed = brief.comparable_ratings(r, cols, scales=scales)
    assert mixed
    ip = drivers.importance_performance(rated, outcome="ltr", drivers=cols, n_boot=20, seed=0)
    perf = ip.set_index("driver").loc[DIFFICULT, "performance"]
    assert perf == pytest.approx(100 * (expected - 1) / 4)
    # read the old way (higher = more difficult) it would have been 100 * (raw mean - 1) / 4
    assert perf != pytest.approx(100 * (raw.mean() - 1) / 4)
