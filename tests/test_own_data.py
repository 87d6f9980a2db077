"""Your export, first time: real survey exports and hand-written ones go through init, validate
and run with only a params file; every row read is used or rejected with a reason; a report is
produced from whatever the data holds (score only, score + comments, one period)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from cxm_lab.cli import main
from cxm_lab.errors import ParameterError
from cxm_lab.guess import guess_mapping, short_label
from cxm_lab.importers import read_export
from cxm_lab.ingest import prepare_dataset
from cxm_lab.params import load_params
from cxm_lab.pipeline import run_report

ROOT = Path(__file__).resolve().parents[1]


def params(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def reconcile(ds) -> pd.DataFrame:
    s = ds.summary()
    assert (s["read"] == s["used"] + s["rejected"]).all(), s
    rej = ds.rejects()
    per_file = rej.groupby(rej["file"].map(lambda f: Path(f).name))["row"].nunique()
    for r in s.itertuples():
        assert per_file.get(r.file, 0) == r.rejected, (r.file, per_file.get(r.file, 0))
    assert rej["reason"].notna().all() and (rej["reason"].astype(str).str.len() > 0).all()
    return s


# ------------------------------------------------------------------ real exports


REAL = [
    "google_forms/2019 English R Community Survey Responses.csv",
    "google_forms/Learning R Internet Survey (Spanish Version) - Form Responses 1.tsv",
    "qualtrics/qualtRics_sample.csv",
    "qualtrics/qualtRics_sample_legacy.csv",
    "qualtrics/CHKKK Housing developments W1 (Prolific - June 2021)_June 15, 2023_11.20.csv",
    "surveymonkey/StarWars.csv",
    "typeform/res_YvBfAdHB.csv",
    "limesurvey/results-survey945827-202004302207.csv",
    "limesurvey/results-survey945827-202004302207-codes.csv",
]


@pytest.mark.shared_data
@pytest.mark.parametrize("rel", REAL, ids=lambda r: Path(r).stem[:30])
def test_every_real_export_maps_and_reconciles(shared_data, tmp_path, rel):
    """init's guess, read as run reads it: counts reconcile and every reject has a reason."""
    path = shared_data / "exports" / rel
    out = tmp_path / "x.yaml"
    assert main(["init", str(path), "-o", str(out), "--name", "x"]) == 0
    p = load_params(out)
    ds = prepare_dataset(p, base=out.parent)
    s = reconcile(ds)
    assert s["read"].sum() == read_export(path).n_read
    r = ds["responses"]
    assert r["response_id"].is_unique
    assert set(p.rename.values()) <= set(r.columns)


@pytest.mark.shared_data
def test_google_forms_nps_mapping_is_the_recommend_question(shared_data):
    exp = read_export(
        shared_data / "exports/google_forms/2019 English R Community Survey Responses.csv"
    )
    g = guess_mapping(exp)
    target = {v: k for k, v in g.rename.items()}
    assert target["ltr"].startswith("How likely are you to recommend R")
    assert target["response_date"] == "Timestamp"
    assert target["comment"] == "What do you like least about using R?"
    spanish = guess_mapping(
        read_export(
            shared_data / "exports/google_forms/"
            "Learning R Internet Survey (Spanish Version) - Form Responses 1.tsv"
        )
    )
    assert {v: k for k, v in spanish.rename.items()}["ltr"].startswith(
        "¿Qué tan probable es que recomiendes R"
    )


@pytest.mark.shared_data
def test_a_zero_to_ten_question_that_is_not_about_recommending_is_not_nps(shared_data):
    g = guess_mapping(read_export(shared_data / "exports/typeform/res_YvBfAdHB.csv"))
    assert "ltr" not in g.rename.values()
    assert any("no 0–10 question asks about recommending" in m for m in g.missing)
    assert g.rename.get("Pourquoi ?") == "comment"


@pytest.mark.shared_data
@pytest.mark.slow
def test_readme_own_data_section_verbatim(shared_data, tmp_path):
    """The README's own-data commands, copied from the README and run as written, in a
    project folder beside ../shared."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Your own data", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    commands = [c for c in block.splitlines() if c.strip() and not c.startswith("#")]
    assert [c.split()[1] for c in commands] == ["init", "validate", "run"]
    project = tmp_path / "project"
    project.mkdir()
    (project / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "shared").symlink_to(shared_data.parent)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    outputs = []
    for command in commands:
        proc = subprocess.run(
            ["bash", "-c", command], cwd=project, capture_output=True, text=True, env=env
        )
        assert proc.returncode == 0, f"{command}\n{proc.stdout}\n{proc.stderr}"
        outputs.append(proc.stdout)
    assert "read 1838, used 1838, rejected 0" in outputs[1]
    report = project / "reports" / "r_survey"
    assert (report / "report.html").is_file() and (report / "report.pdf").is_file()
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["source"] == "google_forms"
    assert manifest["rows"][0]["read"] == 1838
    shown = {s["section"] for s in manifest["sections"] if s["status"] == "shown"}
    assert {"Headline metrics", "What moved", "Voice of the customer"} <= shown
    skipped = {n["notebook"] for n in manifest["notebooks"] if n["status"] == "skipped"}
    # No accounts or revenue, no touchpoints: money, close-the-loop, journey and pyramid skip.
    assert skipped == {
        "04_revenue.ipynb",
        "05_close_the_loop.ipynb",
        "07_journey.ipynb",
        "08_pyramid.ipynb",
    }


# ------------------------------------------------------------------ exports written here


def test_folder_of_quarterly_exports_is_one_survey_and_duplicates_are_reported(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "q1.csv").write_text(
        "Id;Date;Recommend;Speed\nA;2026-02-01;9;4,5\nB;2026-02-02;NA;3\nC;2026-02-03;3;-\n",
        encoding="cp1252",
    )
    (folder / "q2.csv").write_text(
        "Id;Date;Recommend;Speed\nC;2026-02-03;3;-\nD;2026-05-01;10;4\nE;2026-05-02;12;1\n",
        encoding="cp1252",
    )
    (folder / "targets.csv").write_text("metric,quarter,target\nnps,2026Q2,40\n")
    p = params(
        tmp_path,
        "name: t\ndata_dir: exports\n"
        "rename: {Id: response_id, Date: response_date, Recommend: ltr}\n"
        "drivers: {Speed: Speed of service}\n",
    )
    ds = prepare_dataset(load_params(p), base=tmp_path)
    s = reconcile(ds).set_index("file")
    assert s.loc["q1.csv", ["read", "used", "rejected"]].tolist() == [3, 3, 0]
    assert s.loc["q2.csv", ["read", "used", "rejected"]].tolist() == [3, 1, 2]
    reasons = ds.rejects().set_index("value")["reason"]
    # the reason names the export's column too, so the user finds it in their file
    assert reasons["C"] == "duplicate response_id (export column 'Id') (first seen in q1.csv row 3)"
    assert reasons["12"] == "ltr (export column 'Recommend') must be between 0 and 10"
    r = ds["responses"].set_index("response_id")
    assert (
        r.loc["A", "Speed"] == 4.5 and pd.isna(r.loc["B", "ltr"]) and pd.isna(r.loc["C", "Speed"])
    )
    assert r["quarter"].tolist() == ["2026Q1", "2026Q1", "2026Q1", "2026Q2"]
    assert ds.report_quarter == "2026Q2" and "targets" in ds.tables
    assert ds.drivers == {"Speed": "Speed of service"}


def test_export_without_ids_gets_stable_content_ids(tmp_path):
    text = "Score,Comment\n9,Great\n9,Great\n3,Slow\n"
    (tmp_path / "a.csv").write_text(text)
    (tmp_path / "b.csv").write_text(text.replace("3,Slow", "3,Slow\n7,Fine"))
    p = params(tmp_path, "name: t\ndata_dir: '*.csv'\nrename: {Score: ltr, Comment: comment}\n")
    ds = prepare_dataset(load_params(p), base=tmp_path)
    r = ds["responses"]
    ids = r["response_id"].tolist()
    assert len(ids) == 4 and ids[1] == ids[0] + "-2" and re.fullmatch(r"h[0-9a-f]{12}", ids[0])
    # b.csv repeats a.csv's three responses: reported as duplicates, counted once.
    s = reconcile(ds).set_index("file")
    assert s.loc["b.csv", ["read", "used", "rejected"]].tolist() == [4, 1, 3]
    assert ds.report_quarter is None and "quarter" not in r


def test_params_errors_name_the_column_and_suggest(tmp_path):
    (tmp_path / "e.csv").write_text("Recommend,Region\n9,North\n")
    cases = {
        "rename: {Recomend: ltr}\n": "rename: column 'Recomend' is not in any export. Did you mean 'Recommend'",
        "rename: {Recommend: ltr}\ndimensions: [Regoin]\n": "dimensions: column 'Regoin' is not in the data. Did you mean 'Region'",
        "rename: {Recommend: ltr}\nreport_quarter: 2026Q1\n": "the responses have no dates",
        "rename: {Region: nps_category}\n": "derived by the report",
    }
    for extra, message in cases.items():
        p = params(tmp_path, "name: t\ndata_dir: e.csv\n" + extra)
        with pytest.raises(ParameterError, match=re.escape(message)):
            prepare_dataset(load_params(p), base=tmp_path)


def test_validate_counts_per_reason_first_and_writes_rejects_before_printing(tmp_path, capsys):
    lines = ["Id,Recommend"] + [
        f"R{i},{11 if i % 3 == 0 else 'x' if i % 5 == 0 else 8}" for i in range(1, 31)
    ]
    export = tmp_path / "v.csv"
    export.write_text("\n".join(lines) + "\n")
    rejects = tmp_path / "rej.csv"
    code = main(
        [
            "validate",
            str(export),
            "--rename",
            "Id=response_id",
            "Recommend=ltr",
            "--rejects",
            str(rejects),
            "--max-rows",
            "3",
        ]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 0 and out[0].endswith("read 30, used 16, rejected 14")  # 10 × 11, 4 × "x"
    assert out[1] == "rejected rows per reason:"
    col = ["ltr", "(export", "column", "'Recommend')"]
    assert out[2].split() == ["10", *col, "must", "be", "between", "0", "and", "10"]
    assert out[3].split() == ["4", *col, "is", "not", "a", "number"]
    assert "... 11 more" in out[-1]
    assert len(pd.read_csv(rejects)) == 14


def test_validate_survives_a_closed_pipe(tmp_path):
    export = tmp_path / "v.csv"
    export.write_text("Id,Recommend\n" + "".join(f"R{i},11\n" for i in range(5000)))
    rejects = tmp_path / "rej.csv"
    cli = ROOT / ".venv" / "bin" / "cxm-lab"
    proc = subprocess.run(
        f"'{cli}' validate '{export}' --rename Id=response_id Recommend=ltr "
        f"--rejects '{rejects}' --max-rows 5000 | head -2",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert (
        proc.returncode == 0 and "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    )
    assert len(proc.stdout.splitlines()) == 2
    assert len(pd.read_csv(rejects)) == 5000


def test_short_labels():
    # the grid's item takes the place of "the following characters" (review 3: the label was
    # "Please state | Yoda", the lead-in without the question)
    assert (
        short_label("Please state whether you view the following characters favorably. | Yoda")
        == "View Yoda favorably"
    )
    assert short_label("Region") == "Region"
    # the Google Forms R survey: the scale is not part of the name, and no cut ends on "on a"
    enjoy = (
        "Please rate how much you enjoy using Python on a scale of 1 to 5, where 1 is you "
        "don't enjoy it at all, and 5 is that you enjoy it a great deal."
    )
    assert short_label(enjoy, max_chars=40) == "How much you enjoy using Python"
    assert short_label("Rate the support team (1 = poor, 5 = great)") == "The support team"
    long = "Overall satisfaction with the speed of the delivery of the parcel to your home"
    for n in range(12, 60):
        cut = short_label(long, max_chars=n)
        assert len(cut) <= n and cut.split()[-1].lower() not in {"of", "the", "to", "with"}


@pytest.mark.slow
def test_score_only_score_comment_and_single_period_reports(tmp_path):
    """A file with only a score gives a report; with comments it gets the text analysis; with
    one period there are no change sections; the manifest says what was skipped and why."""
    rows = [
        (i % 11, "Support was slow and unhelpful" if i % 4 == 0 else "Great value, fast delivery")
        for i in range(80)
    ]
    only = tmp_path / "only.csv"
    only.write_text("Recommend\n" + "".join(f"{s}\n" for s, _ in rows))
    both = tmp_path / "both.csv"
    both.write_text("Recommend,Why\n" + "".join(f'{s},"{c}"\n' for s, c in rows))
    for name, data, extra in (
        ("only", only, ""),
        ("both", both, "  Why: comment\n"),
    ):
        p = params(
            tmp_path,
            f"name: {name}\ndata_dir: {data.name}\noutput_dir: {tmp_path / 'out'}\nformats: [html]\n"
            f"rename:\n  Recommend: ltr\n{extra}",
            f"{name}.yaml",
        )
        res = run_report(p, log=lambda s: None)
        m = res.manifest
        status = {n["notebook"]: n["status"] for n in m["notebooks"]}
        assert status["00_summary.ipynb"] == "shown" and status["01_metrics.ipynb"] == "shown"
        assert status["02_text.ipynb"] == ("shown" if name == "both" else "skipped")
        sections = {s["section"]: s for s in m["sections"]}
        assert sections["NPS over time"]["status"] == "skipped"
        assert "at least 2 quarters" in sections["NPS over time"]["reason"]
        html = " ".join(res.outputs["html"].read_text(encoding="utf-8").split())
        assert "NPS over time: not shown; needs responses from at least 2 quarters" in html
        assert m["report_quarter"] is None


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.parametrize(
    "rel",
    [
        "surveymonkey/StarWars.csv",  # no score, no text, no dates: who answered, ratings
        "qualtrics/qualtRics_sample.csv",  # one response
        "typeform/res_YvBfAdHB.csv",  # French open text, 0–10 questions that are not NPS
        "limesurvey/results-survey945827-202004302207.csv",  # unsubmitted responses rejected
    ],
    ids=lambda r: Path(r).stem[:20],
)
def test_real_exports_run_to_a_published_report(shared_data, tmp_path, rel):
    out = tmp_path / "x.yaml"
    assert main(["init", str(shared_data / "exports" / rel), "-o", str(out), "--name", "x"]) == 0
    res = run_report(out, output_root=tmp_path / "reports", log=lambda s: None)
    assert (
        res.outputs["html"].stat().st_size > 10_000 and res.outputs["pdf"].stat().st_size > 10_000
    )
    m = res.manifest
    assert all(r["read"] == r["used"] + r["rejected"] for r in m["rows"])
    assert sum(r["rows"] for r in m["reject_reasons"]) >= sum(r["rejected"] for r in m["rows"])
    for s in m["sections"] + m["notebooks"]:
        assert s["status"] == "shown" or s["reason"].startswith("needs ")
