"""Run parameters: clear errors for unknown, missing and invalid keys."""

from __future__ import annotations

import pytest

from cxm_lab.errors import ParameterError
from cxm_lab.params import RunParams, load_params


def write(tmp_path, text):
    p = tmp_path / "run.yaml"
    p.write_text(text)
    return p


def test_demo_params_load(repo_root):
    p = load_params(repo_root / "params" / "demo.yaml")
    assert p.report_quarter == "2026Q3" and p.data_dir is None and p.formats == ["html", "pdf"]
    assert [n.path for n in p.notebooks][0] == "00_summary.ipynb"


def test_unknown_key_names_file_and_suggests(tmp_path):
    f = write(
        tmp_path, "name: x\nreport_quarter: 2026Q3\nnotebooks: [a.ipynb]\nreport_quater: 2026Q2\n"
    )
    with pytest.raises(ParameterError) as err:
        load_params(f)
    assert "run.yaml" in str(err.value) and "unknown key 'report_quater'" in str(err.value)
    assert "Did you mean 'report_quarter'" in str(err.value)


def test_missing_and_invalid_keys(tmp_path):
    with pytest.raises(ParameterError, match="missing required key 'name'"):
        load_params(write(tmp_path, "data_dir: x.csv\n"))
    with pytest.raises(ParameterError, match="at least one notebook"):
        load_params(write(tmp_path, "name: x\nnotebooks: []\n"))
    with pytest.raises(ParameterError, match="must look like 2026Q3"):
        load_params(write(tmp_path, "name: x\nreport_quarter: Q3-2026\nnotebooks: [a.ipynb]\n"))
    with pytest.raises(ParameterError, match="formats"):
        load_params(
            write(
                tmp_path, "name: x\nreport_quarter: 2026Q3\nnotebooks: [a.ipynb]\nformats: [docx]\n"
            )
        )
    with pytest.raises(ParameterError, match="notebooks.0.params"):
        load_params(
            write(
                tmp_path,
                "name: x\nreport_quarter: 2026Q3\nnotebooks: [{path: a.ipynb, params: {}}]\n",
            )
        )


def test_not_yaml_and_missing_file(tmp_path):
    with pytest.raises(ParameterError, match="not valid YAML"):
        load_params(write(tmp_path, "name: [x\n"))
    with pytest.raises(ParameterError, match="not found"):
        load_params(tmp_path / "none.yaml")


def test_minimal_export_params_and_defaults(tmp_path):
    p = load_params(write(tmp_path, "name: x\ndata_dir: export.csv\n"))
    assert p.report_quarter is None and p.notebooks is None and p.source == "auto"
    assert p.rename == {} and p.driver_labels == {} and p.dimensions is None


def test_export_keys_are_checked(tmp_path):
    p = load_params(
        write(
            tmp_path,
            "name: x\ndata_dir: 'exports/*.csv'\nrename: {Q1: ltr, Date: response_date}\n"
            "drivers: {Q2_1: Speed, Q2_2: Price}\ndimensions: [Region]\ncurrency: EUR\n"
            "timezone: Asia/Tehran\nna_values: [NA, '-']\ndayfirst: true\n",
        )
    )
    assert p.driver_labels == {"Q2_1": "Speed", "Q2_2": "Price"} and p.timezone == "Asia/Tehran"
    bad = {
        "rename: {Q1: ltr, Q2: ltr}\n": "both renamed to 'ltr'",
        "timezone: Mars/Olympus\n": "unknown time zone",
        "currency: euro\n": "three-letter ISO 4217",
        "renme: {Q1: ltr}\n": "Did you mean 'rename'",
    }
    for text, message in bad.items():
        with pytest.raises(ParameterError, match=message):
            load_params(write(tmp_path, "name: x\n" + text))


def test_journey_and_pool_survey_types_load_and_reach_the_config(tmp_path):
    from cxm_lab.ingest import prepare_dataset

    p = load_params(
        write(
            tmp_path,
            "name: x\npool_survey_types: true\njourney:\n"
            "  - {stage: Onboard, touchpoints: [onboarding]}\n"
            "  - {stage: Use, touchpoints: [product, support]}\n",
        )
    )
    assert p.pool_survey_types is True
    assert [(s.stage, s.touchpoints) for s in p.journey] == [
        ("Onboard", ["onboarding"]),
        ("Use", ["product", "support"]),
    ]
    ds = prepare_dataset(p)
    assert ds.config["pool_survey_types"] is True
    assert ds.config["journey"] == [
        {"stage": "Onboard", "touchpoints": ["onboarding"]},
        {"stage": "Use", "touchpoints": ["product", "support"]},
    ]
    plain = prepare_dataset(load_params(write(tmp_path, "name: x\n")))
    assert plain.config["pool_survey_types"] is False and plain.config["journey"] is None


def test_journey_errors(tmp_path):
    from cxm_lab.ingest import prepare_dataset

    with pytest.raises(ParameterError, match="'onboarding' is in two stages"):
        load_params(
            write(
                tmp_path,
                "name: x\njourney:\n  - {stage: A, touchpoints: [onboarding]}\n"
                "  - {stage: B, touchpoints: [onboarding]}\n",
            )
        )
    with pytest.raises(ParameterError, match="journey.0.touchpoints"):
        load_params(write(tmp_path, "name: x\njourney:\n  - {stage: A, touchpoints: []}\n"))
    with pytest.raises(ParameterError, match="unknown key 'journey.0.steps'"):
        load_params(write(tmp_path, "name: x\njourney:\n  - {stage: A, steps: [billing]}\n"))
    with pytest.raises(ParameterError, match="pool_survey_types"):
        load_params(write(tmp_path, "name: x\npool_survey_types: maybe\n"))
    p = load_params(
        write(tmp_path, "name: x\njourney:\n  - {stage: Pay, touchpoints: [invoice]}\n")
    )
    with pytest.raises(ParameterError, match=r"\['invoice'\] not in the data.*'billing'"):
        prepare_dataset(p)


def test_owners_load_and_reach_the_config(tmp_path):
    from cxm_lab.ingest import prepare_dataset

    p = load_params(write(tmp_path, "name: x\nowners: {Price: Head of Pricing, SMB: Jo}\n"))
    assert p.owners == {"Price": "Head of Pricing", "SMB": "Jo"}
    ds = prepare_dataset(p)
    assert ds.config["owners"] == {"Price": "Head of Pricing", "SMB": "Jo"}
    assert prepare_dataset(load_params(write(tmp_path, "name: x\n"))).config["owners"] == {}
    with pytest.raises(ParameterError, match="owners"):
        load_params(write(tmp_path, "name: x\nowners: [Price]\n"))


def test_cluster_key_is_checked_and_suggests_its_own_keys(tmp_path):
    p = load_params(
        write(tmp_path, "name: x\ncluster: {scheduler: 'tcp://10.0.0.5:8786', workers: 4}\n")
    )
    assert (p.cluster.scheduler, p.cluster.workers, p.cluster.cache) == (
        "tcp://10.0.0.5:8786",
        4,
        None,
    )
    assert load_params(write(tmp_path, "name: x\ncluster: {}\n")).cluster.scheduler is None
    with pytest.raises(
        ParameterError, match=r"unknown key 'cluster.schedular'. Did you mean 'scheduler'"
    ):
        load_params(write(tmp_path, "name: x\ncluster: {schedular: 'tcp://h:1'}\n"))
    with pytest.raises(
        ParameterError, match=r"'cluster.scheduler': a Dask scheduler address looks like"
    ):
        load_params(write(tmp_path, "name: x\ncluster: {scheduler: '10.0.0.5:8786'}\n"))
    with pytest.raises(
        ParameterError, match=r"unknown key 'journey.0.stages'. Did you mean 'stage'"
    ):
        load_params(write(tmp_path, "name: x\njourney:\n  - {stages: A, touchpoints: [x]}\n"))


def test_scales_load_reach_the_config_and_survive_save_and_load(tmp_path):
    """LimeSurvey: init found each grid item's 1–9 scale, but the report re-read it from the
    period's answers (1–8 or 2–9 among 25 completes: "0–10"). The declared scale now travels
    params → Dataset.config → prepared dataset → notebooks."""
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.io import load_dataset

    csv = tmp_path / "export.csv"
    csv.write_text("id,q1,q2\n1,2,3\n2,8,5\n3,5,4\n", encoding="utf-8")
    p = load_params(
        write(
            tmp_path,
            f"name: x\ndata_dir: {csv}\nrename: {{id: response_id}}\n"
            "drivers: {q1: Worry, q2: Ease}\nscales: {q1: [1, 9]}\n",
        )
    )
    assert p.scales == {"q1": [1.0, 9.0]}
    ds = prepare_dataset(p)
    assert ds.scales == {"q1": (1.0, 9.0)}
    again = load_dataset(ds.save(tmp_path / "prepared"))
    assert again.scales == {"q1": (1.0, 9.0)}  # JSON lists back as (lowest, highest)
    # without the key: no declared scale (older params files, the demo)
    plain = prepare_dataset(load_params(write(tmp_path, "name: x\n")))
    assert plain.scales == {} and plain.config["scales"] == {}


@pytest.mark.parametrize(
    ("scales", "message"),
    [
        ("{q1: [9, 1]}", r"'scales': 'q1': a scale is \[lowest, highest\] possible answer"),
        ("{q1: [1]}", r"'scales': 'q1': a scale is two numbers"),
        ("{q1: [1, .nan]}", r"'scales': 'q1': a scale is two numbers"),
        ("{q1: [a, 9]}", r"scales.q1.0"),
    ],
)
def test_bad_scales_are_named(tmp_path, scales, message):
    with pytest.raises(ParameterError, match=message):
        load_params(write(tmp_path, f"name: x\nscales: {scales}\n"))


def test_a_declared_scale_must_be_a_column_and_hold_its_answers(tmp_path):
    from cxm_lab.ingest import prepare_dataset

    csv = tmp_path / "export.csv"
    csv.write_text("id,q1\n1,0\n2,8\n3,10\n", encoding="utf-8")
    head = f"name: x\ndata_dir: {csv}\nrename: {{id: response_id}}\ndrivers: [q1]\n"
    with pytest.raises(ParameterError, match=r"scales: column 'qq' is not in the data"):
        prepare_dataset(load_params(write(tmp_path, head + "scales: {qq: [1, 9]}\n")))
    # answers 0 (data row 1) and 10 (row 3) lie outside 1–9: two answers, from 0 to 10; the
    # message names the file, the first row and the column
    with pytest.raises(
        ParameterError,
        match=r"export\.csv row 1: column 'q1' holds 0, but scales: declares it 1–9 "
        r"\(2 answer\(s\) outside it, from 0 to 10\)",
    ):
        prepare_dataset(load_params(write(tmp_path, head + "scales: {q1: [1, 9]}\n")))


def test_reverse_scored_key_is_validated_and_the_file_remembered(tmp_path):
    """reverse_scored: (review 3 #1) lists drivers; an error names the params file and the key
    in one line, and the loaded parameters remember their file for the run's later checks."""
    p = write(tmp_path, "name: x\ndrivers: {q1: Ease}\nreverse_scored: [q2]\n")
    with pytest.raises(ParameterError) as err:
        load_params(p)
    assert str(err.value).startswith(f"{p}: reverse_scored: 'q2' is not one of the drivers")
    assert "\n" not in str(err.value)
    ok = load_params(write(tmp_path, "name: x\ndrivers: {q1: Ease}\nreverse_scored: [q1]\n"))
    assert ok.reverse_scored == ["q1"] and ok.file == p
    assert RunParams(name="x").file is None


@pytest.mark.parametrize(
    ("text", "where", "key"),
    [
        # the review's dupkeys.yaml: PyYAML alone keeps the last value, min_n 1
        ("name: a\ndata_dir: x.csv\nmin_n: 30\nmin_n: 1\n", "line 4, column 1", "'min_n'"),
        ("name: a\nrename:\n  Q1: ltr\n  Q2: csat\n  Q1: ces\n", "line 5, column 3", "'Q1'"),
        ("name: a\ncluster: {workers: 2, workers: 4}\n", "line 2, column 23", "'workers'"),
        ("name: a\njourney:\n  - {stage: A, stage: B, touchpoints: [x]}\n", "line 3", "'stage'"),
    ],
)
def test_a_key_given_twice_is_an_error_naming_file_line_and_key(tmp_path, text, where, key):
    with pytest.raises(ParameterError) as err:
        load_params(write(tmp_path, text))
    msg = str(err.value)
    assert (
        msg.startswith(f"{tmp_path / 'run.yaml'}: {where}") and f"key {key} is given twice" in msg
    )
    assert "\n" not in msg


def test_yaml_errors_name_the_line_and_column_not_a_character_position(tmp_path):
    # The review's ctl.yaml: an ESC in a quoted column name on line 3 (column 8: after "  \"why?").
    with pytest.raises(ParameterError) as err:
        load_params(write(tmp_path, 'name: a\nrename:\n  "why?\x1b[2J": comment\n'))
    msg = str(err.value)
    assert "line 3, column 8" in msg and "U+001B" in msg and "position" not in msg
    with pytest.raises(ParameterError, match=r"line 2, column 1: not valid YAML: .*found"):
        load_params(write(tmp_path, "name: a\n: b\n"))
    # A U+2028 inside a line: editors and this message count lines at line feeds only.
    # YAML ends the comment at U+2028, so "comment" is content and "name:" on the next line
    # fails; PyYAML's own mark says line 3.
    with pytest.raises(ParameterError, match="line 2, column 5: not valid YAML: mapping"):
        load_params(write(tmp_path, "# a\u2028comment\nname: a\n: b\n"))
