"""The ``cxm-lab`` command line: run, validate, demo-data, build-model; exit codes and messages."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from cxm_lab.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def test_run_prints_published_paths(tmp_path, capsys):
    p = tmp_path / "cli.yaml"
    p.write_text(
        "name: cli\nreport_quarter: 2026Q3\nformats: [html]\n"
        f"notebooks: ['{FIXTURES / 'report_fixture.ipynb'}']\n"
    )
    assert main(["run", str(p), "--output", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    html = tmp_path / "out" / "cli" / "report.html"
    assert f"html: {html}" in out and f"manifest: {html.parent / 'manifest.json'}" in out
    assert html.is_file() and "pdf:" not in out


def test_validate_demo_data_counts_and_rejects(tmp_path, capsys):
    assert main(["demo-data", str(tmp_path / "d")]) == 0
    rej = tmp_path / "rej.csv"
    assert main(["validate", str(tmp_path / "d" / "responses.csv"), "--rejects", str(rej)]) == 0
    out = capsys.readouterr().out
    # The demo injects exactly five bad response rows (cxm_lab.demo); read = used + rejected.
    n_lines = sum(1 for _ in open(tmp_path / "d" / "responses.csv", encoding="utf-8")) - 1
    assert f"read {n_lines}, used {n_lines - 5}, rejected 5" in out
    assert "ltr must be between 0 and 10" in out and len(pd.read_csv(rej)) == 5
    assert main(["validate", str(tmp_path / "d" / "responses.csv"), "--strict"]) == 1


def test_validate_renames_export_columns(tmp_path, capsys):
    main(["demo-data", str(tmp_path / "d"), "--clean"])
    src = pd.read_csv(tmp_path / "d" / "responses.csv")
    export = tmp_path / "export.csv"
    src.rename(columns={"ltr": "Q1_NPS"}).to_csv(export, index=False)
    capsys.readouterr()
    # Without the rename the file still reads (a survey may have no NPS question), and the
    # output says what is missing.
    assert main(["validate", str(export)]) == 0
    assert "no 'ltr' column" in capsys.readouterr().out
    assert main(["validate", str(export), "--rename", "Q1_NPS=ltr"]) == 0
    assert f"read {len(src)}, used {len(src)}, rejected 0" in capsys.readouterr().out
    assert main(["validate", str(export), "--rename", "Q1_NPS"]) == 1
    assert "write it as OLD=NEW" in capsys.readouterr().err


def test_validate_missing_file_names_it(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "missing.csv")]) == 1
    err = capsys.readouterr().err
    assert "missing.csv" in err and "no such file" in err and len(err.strip().splitlines()) == 1


def test_build_model_forwards_options(monkeypatch):
    import cxm_lab.text.build_model as bm

    seen: list[list[str]] = []
    monkeypatch.setattr(bm, "main", lambda argv: seen.append(argv) or 0)
    assert main(["build-model"]) == 0
    assert main(["build-model", "--force", "--out", "/tmp/m"]) == 0
    assert seen == [[], ["--force", "--out", "/tmp/m"]]


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as err:
        main(["run"])
    assert err.value.code == 2 and "params" in capsys.readouterr().err


def test_console_script_is_installed(repo_root, tmp_path):
    exe = shutil.which("cxm-lab") or str(repo_root / ".venv" / "bin" / "cxm-lab")
    proc = subprocess.run([exe, "run", str(tmp_path / "nope.yaml")], capture_output=True, text=True)
    assert proc.returncode == 1 and "parameter file not found" in proc.stderr
    assert "nope.yaml" in proc.stderr


def test_notebook_error_is_one_line_with_the_cell_and_kept_copy():
    from cxm_lab.cli import error_line
    from cxm_lab.errors import NotebookError, RunError

    exc = NotebookError(
        "notebook 01.ipynb failed in cell 7:\n--- cell source ---\nx = d['ltr']\n--- error ---\n...",
        notebook="/p/notebooks/01_metrics.ipynb",
        cell="x = d['ltr']",
        cell_index=5,
        source="x = d['ltr']",
        ename="KeyError",
        evalue="'ltr'\n(more)",
        traceback=["Traceback ...", "KeyError: 'ltr'"],
        staging_path="/p/reports/.failed/demo/01_metrics.ipynb",
    )
    assert error_line(exc) == (
        "notebook 01_metrics.ipynb failed in cell 5: KeyError: 'ltr' (more) "
        "(executed notebook kept at /p/reports/.failed/demo/01_metrics.ipynb)"
    )
    assert error_line(RunError("disk full; free some space.")) == "disk full; free some space."


def test_init_counts_agree_with_their_nouns_and_name_rejects(tmp_path, capsys):
    """init printed "qualtrics export, 1 rows". A Qualtrics export of 2 responses, one not
    finished (Finished False): 2 rows read, 1 rejected, 5 columns."""
    export = tmp_path / "one.csv"
    export.write_text(
        "StartDate,RecordedDate,Finished,ResponseId,Q1\n"
        "Start Date,Recorded Date,Finished,Response ID,How likely are you to recommend us?\n"
        "2021-06-30 13:57:56,2021-06-30 14:00:28,True,R_a,9\n",
        encoding="utf-8",
    )
    assert main(["init", str(export), "-o", str(tmp_path / "p.yaml"), "--name", "x"]) == 0
    said = capsys.readouterr().out
    assert f"{export}: qualtrics export, 1 row, 5 columns" in said
    with export.open("a", encoding="utf-8") as f:
        f.write("2021-06-30 13:58:56,2021-06-30 14:01:28,False,R_b,3\n")
    assert main(["init", str(export), "-o", str(tmp_path / "q.yaml"), "--name", "x"]) == 0
    said = capsys.readouterr().out
    assert f"{export}: qualtrics export, 2 rows (1 rejected: incomplete response), 5 columns" in (
        said
    )


#: What a terminal acts on: C0 controls but line feed, DEL, C1 controls, bidi overrides and
#: isolates, line/paragraph separators.
ACTIVE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: The review's ctl export: clear screen, cursor home, colour, window title, bell; a C1 CSI.
CLEAR = "\x1b[2J\x1b[1;1H\x1b[32mALL GOOD\x1b]0;pwned\x07"


def test_init_prints_headers_and_file_names_inert(tmp_path, capsys):
    """Hostile review 3: init printed header names and a U+202E file name raw."""
    export = tmp_path / "survey\u202efdp.csv"
    rows = ["How likely are you to recommend us?,Why did you give this score" + CLEAR]
    rows += [f"{i % 11},because of reason number {i} and more" for i in range(20)]
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "p.yaml"
    assert main(["init", str(export), "-o", str(out), "--name", "x"]) == 0
    said = capsys.readouterr().out
    assert not ACTIVE.search(said)
    assert "comment        <- Why did you give this score\\x1b[2J\\x1b[1;1H" in said
    assert said.startswith(f"{tmp_path}/survey\\u202efdp.csv: ")
    assert f"wrote {out}; check it" in said


def test_validate_prints_rejected_values_inert(tmp_path, capsys):
    """Hostile review 3: validate printed a rejected cell ``\\x1b[31m12/13/2019\\x1b[0m`` raw;
    a value with a line feed stays in its row of the table."""
    export = tmp_path / "export.csv"
    export.write_text(
        'response_date,ltr\n2019-12-13,9\n\x1b[31m12/13/2019\x1b[0m,7\n"13/13\n\u202e2019",5\n',
        encoding="utf-8",
    )
    assert main(["validate", str(export)]) == 0
    said = capsys.readouterr().out
    assert not ACTIVE.search(said)
    assert "\\x1b[31m12/13/2019\\x1b[0m" in said
    assert any("13/13\\n\\u202e2019" in line for line in said.splitlines())


def test_error_lines_print_file_names_inert(tmp_path, capsys):
    """Hostile review 3: the ``cxm-lab: error:`` line quoted a file name raw."""
    assert main(["run", str(tmp_path / f"p\u202e{CLEAR}.yaml")]) == 1
    err = capsys.readouterr().err
    assert not ACTIVE.search(err) and len(err.strip().splitlines()) == 1
    assert "p\\u202e\\x1b[2J" in err and "parameter file not found" in err


def test_run_prints_progress_and_paths_inert(tmp_path, capsys):
    """The run's progress lines and published paths go through the same escaping."""
    p = tmp_path / "cli.yaml"
    p.write_text(
        "name: cli\nreport_quarter: 2026Q3\nformats: [html]\n"
        f"notebooks: ['{FIXTURES / 'report_fixture.ipynb'}']\n"
    )
    root = tmp_path / "out\u202e\x1b[2J"
    assert main(["run", str(p), "--output", str(root)]) == 0
    said = capsys.readouterr().out
    assert not ACTIVE.search(said)
    assert f"html: {tmp_path}/out\\u202e\\x1b[2J/cli/report.html" in said
    assert "[cxm-lab] published" in said and "out\\u202e\\x1b[2J" in said.split("published")[1]


def _bad_scores(tmp_path: Path) -> Path:
    export = tmp_path / "e.csv"
    export.write_text(
        'Id,Recommend\nA,9\nB,"=HYPERLINK(""http://x"",""y"")"\nC,\x1b[31m11\x1b[0m\n',
        encoding="utf-8",
    )
    return export


def test_validate_rejects_xlsx_is_a_workbook_and_csv_keeps_values_as_read(tmp_path, capsys):
    """Hostile review N5: ``--rejects x.xlsx`` wrote CSV text under an .xlsx name."""
    from openpyxl import load_workbook

    export = _bad_scores(tmp_path)
    args = ["validate", str(export), "--rename", "Id=response_id", "Recommend=ltr", "--rejects"]
    assert main([*args, str(tmp_path / "rej.xlsx")]) == 0
    sheet = load_workbook(tmp_path / "rej.xlsx")["Rejects"]  # a real workbook
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["file", "row", "column", "value", "reason"]
    values = {r[1]: r[3] for r in rows[1:]}  # data rows 2 and 3 (B, C) are rejected
    assert sorted(r[1] for r in rows[1:]) == [2, 3]  # numbers stay numbers
    assert values[2] == '\'=HYPERLINK("http://x","y")'  # text, never a formula
    assert values[3] == "[31m11[0m"  # ESC cannot be stored in a workbook: dropped
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    # The CSV keeps the value as read (ESC included): the file is data, not terminal output.
    assert main([*args, str(tmp_path / "rej.csv")]) == 0
    frame = pd.read_csv(tmp_path / "rej.csv", encoding="utf-8-sig")
    assert frame["value"].tolist() == ['\'=HYPERLINK("http://x","y")', "\x1b[31m11\x1b[0m"]
    capsys.readouterr()
    # Any other name is refused in one line before the export is read; nothing is written.
    assert main([*args, str(tmp_path / "rej.txt")]) == 1
    err = capsys.readouterr().err
    assert "--rejects" in err and "must end in .csv or .xlsx" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "rej.txt").exists()


def test_validate_prints_how_each_file_was_read(tmp_path, capsys):
    """Hostile review N2: formula cells without a saved result read as empty and validate
    said nothing; now every read note is printed with the file name."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Answers"
    for row in [["Id", "Recommend"], ["A", "=5+5"], ["B", 7]]:
        book.active.append(row)
    book.save(tmp_path / "scores.xlsx")
    args = ["validate", str(tmp_path / "scores.xlsx"), "--rename", "Recommend=ltr"]
    assert main(args) == 0
    said = capsys.readouterr().out
    assert "read 2, used 2, rejected 0" in said
    line = next(x for x in said.splitlines() if "formula" in x)
    assert line.startswith("note: scores.xlsx: sheet 'Answers': 1 formula cell without a saved")
    assert "B2 ('Recommend')" in line and "open the file in Excel and save it" in line
