"""An unlucky operator's day: every fault is one clear line with exit 1, the last good report
stays published, and nothing piles up (staging folders, concurrent runs)."""

from __future__ import annotations

import errno
import hashlib
from pathlib import Path

import pytest
from filelock import FileLock

from cxm_lab import pipeline
from cxm_lab.cli import main
from cxm_lab.errors import NotebookError, ParameterError, RunError
from cxm_lab.pipeline import run_report

FIXTURES = Path(__file__).parent / "fixtures"


def write_params(
    tmp_path: Path, name: str = "f", notebook: str = "report_fixture.ipynb", file: str = "", **extra
):
    # A key in ``extra`` replaces the default (a params file may not give a key twice).
    keys = {
        "name": name,
        "report_quarter": "2026Q3",
        "output_dir": str(tmp_path / "out"),
        "formats": "[html]",
        "notebooks": f"\n  - {FIXTURES / notebook}",
        **extra,
    }
    lines = [f"{k}: {v}" for k, v in keys.items()]
    p = tmp_path / f"{file or name}.yaml"
    p.write_text("\n".join(lines) + "\n")
    return p


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    p = write_params(tmp)
    res = run_report(p, log=lambda s: None)
    return tmp, p, res


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_empty_notebook_list_is_an_error(tmp_path, capsys):
    p = tmp_path / "e.yaml"
    p.write_text("name: e\nnotebooks: []\n")
    assert main(["run", str(p)]) == 1
    err = capsys.readouterr().err
    assert (
        "notebooks" in err and "at least one notebook" in err and len(err.strip().splitlines()) == 1
    )


def test_unknown_notebook_parameter_is_an_error_with_suggestion(tmp_path):
    p = tmp_path / "u.yaml"
    p.write_text(
        f"name: u\noutput_dir: {tmp_path / 'out'}\nnotebooks:\n"
        f"  - path: {FIXTURES / 'report_fixture.ipynb'}\n    parameters: {{min_m: 5}}\n"
    )
    with pytest.raises(ParameterError, match=r"has no parameter 'min_m'.*Did you mean 'min_n'"):
        run_report(p, log=lambda s: None)
    p.write_text(
        f"name: u\noutput_dir: {tmp_path / 'out'}\nparameters: {{bootstrp: 5}}\n"
        f"notebooks: [{FIXTURES / 'report_fixture.ipynb'}]\n"
    )
    with pytest.raises(ParameterError, match="no notebook of this run has a parameter 'bootstrp'"):
        run_report(p, log=lambda s: None)


def test_failed_run_leaves_no_staging_and_keeps_the_failed_notebook(published):
    tmp, _, res = published
    before = digest(res.outputs["html"])
    bad = write_params(tmp, notebook="failing.ipynb", file="f-failing")
    with pytest.raises(NotebookError) as err:
        run_report(bad, log=lambda s: None)
    out = tmp / "out"
    assert not list(out.glob(".staging-*")) and not list(out.glob(".old-*"))
    kept = out / ".failed" / "f" / "failing.ipynb"
    assert kept.is_file() and str(kept) in str(err.value)
    assert isinstance(err.value.__cause__, Exception)  # papermill's error, with the traceback
    assert digest(res.outputs["html"]) == before


def test_stale_staging_from_a_killed_run_is_swept(published):
    tmp, p, _ = published
    stale = tmp / "out" / ".staging-f-20260101T000000"
    (stale / "notebooks").mkdir(parents=True)
    other = tmp / "out" / ".staging-otherreport-20260101T000000"
    other.mkdir()
    run_report(p, log=lambda s: None)
    assert not stale.exists()
    assert other.exists()  # another report's staging is not ours to remove


@pytest.mark.parametrize(
    "code, words",
    [(errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system")],
)
def test_full_or_read_only_disk_is_one_line_and_keeps_the_report(
    published, monkeypatch, capsys, code, words
):
    tmp, p, res = published
    before = digest(res.outputs["html"])

    def fail(stage, final):
        raise OSError(code, words, str(final))

    monkeypatch.setattr(pipeline, "publish", fail)
    with pytest.raises(RunError, match=words):
        run_report(p, log=lambda s: None)
    assert main(["run", str(p)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "last published report is untouched" in err
    assert digest(res.outputs["html"]) == before
    assert not list((tmp / "out").glob(".staging-f-*"))


def test_output_folder_that_cannot_be_created(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    p = write_params(tmp_path, output_dir=str(blocker / "reports"))
    assert main(["run", str(p)]) == 1
    err = capsys.readouterr().err
    assert "cannot write the report under" in err and len(err.strip().splitlines()) == 1


def test_second_run_of_the_same_report_waits_then_says_so(published):
    tmp, p, _ = published
    with FileLock(str(tmp / "out" / ".lock-f")):
        with pytest.raises(RunError, match="another run of report 'f' is still in progress"):
            run_report(p, log=lambda s: None, lock_wait_s=0.2)


def test_publish_moves_aside_under_unique_names(tmp_path):
    final = tmp_path / "r"
    for i in range(3):
        stage = tmp_path / f"s{i}"
        stage.mkdir()
        (stage / "x.txt").write_text(str(i))
        pipeline.publish(stage, final)
    assert (final / "x.txt").read_text() == "2"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["r"]
