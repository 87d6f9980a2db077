"""The report run end to end: execution, rendering in every script, manifest, failure
handling, atomic publish, reproducibility (CLI details: test_cli.py)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from cxm_lab.cli import main
from cxm_lab.errors import NotebookError, RenderError
from cxm_lab.pipeline import run_report
from cxm_lab.render import choose_renderer

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = {
    "fa": "پشتیبانی خیلی ضعیف است",
    "ar": "الدعم الفني سيء",
    "ru": "Поддержка отвечает",
    "zh": "客服回复太慢",
    "en": "Support tickets wait days",
}


def params_file(tmp_path: Path, name: str, notebooks: list[Path], **extra) -> Path:
    lines = [f"name: {name}", "report_quarter: 2026Q3", "notebooks:"]
    lines += [f"  - {nb}" for nb in notebooks]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    p = tmp_path / f"{name}.yaml"
    p.write_text("\n".join(lines) + "\n")
    return p


def pdf_text(path: Path) -> str:
    text = "".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return unicodedata.normalize("NFKC", text)  # Arabic presentation forms -> letters


def letters(s: str) -> set[str]:
    return {c for c in s if c.isalpha()}


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("run")
    p = params_file(
        tmp, "fixture", [FIXTURES / "report_fixture.ipynb"], output_dir=str(tmp / "reports")
    )
    return run_report(p, log=lambda s: None)


def test_outputs_and_manifest(fixture_run):
    res = fixture_run
    assert res.outputs["html"].is_file() and res.outputs["pdf"].is_file()
    m = json.loads((res.directory / "manifest.json").read_text())
    assert m == res.manifest
    for row in m["rows"]:
        assert row["read"] == row["used"] + row["rejected"]
    data = res.directory / "data" / "responses.csv"
    assert (
        m["data_files"]["responses.csv"]["sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
    )
    assert m["renderer"]["route"] in {"quarto", "pandoc-typst"} and m["renderer"]["reason"]
    assert m["versions"]["pandas"] and m["versions"]["papermill"]
    assert {"inputs", "notebook:report_fixture.ipynb", "render:html", "render:pdf", "total"} <= set(
        m["timings_s"]
    )
    assert (
        m["outputs"]["pdf"]["sha256"] == hashlib.sha256(res.outputs["pdf"].read_bytes()).hexdigest()
    )


def test_html_escapes_comments_and_marks_direction(fixture_run):
    html = fixture_run.outputs["html"].read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "jane.doe@example.com" not in html and "[email]" in html
    assert re.search(r'<span[^>]*lang="fa"[^>]*dir="rtl"', html) or re.search(
        r'<span[^>]*dir="rtl"[^>]*lang="fa"', html
    )
    for sample in SAMPLES.values():
        assert sample in html


def test_pdf_has_text_in_every_script(fixture_run):
    text = pdf_text(fixture_run.outputs["pdf"])
    for lang in ("ru", "zh", "en"):
        assert SAMPLES[lang] in text, lang
    for lang in ("fa", "ar"):  # RTL text may be extracted in visual order: compare letters
        assert letters(SAMPLES[lang]) <= letters(text), lang
    assert "<script>" in text  # shown as text, not swallowed


def test_failing_notebook_stops_and_keeps_last_good_report(fixture_run, tmp_path, capsys):
    root = fixture_run.directory.parent
    before = hashlib.sha256(fixture_run.outputs["html"].read_bytes()).hexdigest()
    bad = params_file(tmp_path, "fixture", [FIXTURES / "failing.ipynb"], output_dir=str(root))
    with pytest.raises(NotebookError) as err:
        run_report(bad, log=lambda s: None)
    assert "deliberate failure" in str(err.value) and 'raise ValueError("deliberate failure' in str(
        err.value
    )
    assert err.value.notebook.endswith("failing.ipynb")
    assert hashlib.sha256(fixture_run.outputs["html"].read_bytes()).hexdigest() == before
    assert main(["run", str(bad)]) == 1
    line = capsys.readouterr().err.strip()
    assert len(line.splitlines()) == 1
    assert line.startswith("cxm-lab: error: notebook failing.ipynb failed in cell 4: ValueError:")
    assert "deliberate failure" in line and "executed notebook kept at" in line


def test_notebook_error_keeps_every_field(fixture_run, tmp_path):
    """NotebookError carries what papermill's error carries, plus the notebook and the kept
    copy, and keeps papermill's error as its cause."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    root = fixture_run.directory.parent
    bad = params_file(tmp_path, "fields", [FIXTURES / "failing.ipynb"], output_dir=str(root))
    with pytest.raises(NotebookError) as err:
        run_report(bad, log=lambda s: None)
    e = err.value
    assert isinstance(e.__cause__, PapermillExecutionError)
    assert e.notebook == str(FIXTURES / "failing.ipynb")
    # markdown 0, parameters 1, papermill's injected parameters 2, "x = 1" 3, the raise 4
    assert e.cell_index == 4 == e.__cause__.cell_index
    assert e.source == e.cell == 'raise ValueError("deliberate failure for the test")'
    assert (e.ename, e.evalue) == ("ValueError", "deliberate failure for the test")
    assert isinstance(e.traceback, list) and e.traceback == e.__cause__.traceback
    assert any("deliberate failure for the test" in line for line in e.traceback)
    kept = Path(e.staging_path)
    assert kept == root / ".failed" / "fields" / "failing.ipynb" and kept.is_file()
    # the kept notebook also holds papermill's red error banners, which the index does not count
    cells = [
        c
        for c in nbformat.read(kept, as_version=4).cells
        if "papermill-error-cell-tag" not in c.metadata.get("tags", [])
    ]
    assert cells[e.cell_index].source == e.source
    assert cells[e.cell_index].outputs[0]["ename"] == "ValueError"


def test_publish_replaces_whole_directory(tmp_path):
    p = params_file(
        tmp_path,
        "twice",
        [FIXTURES / "report_fixture.ipynb"],
        output_dir=str(tmp_path / "out"),
        formats="[html]",
    )
    first = run_report(p, log=lambda s: None)
    first_source = re.sub(
        r"(?m)^date: .*$", "", (first.directory / "report.qmd").read_text(encoding="utf-8")
    )
    (first.directory / "stale.txt").write_text("from the first run")
    second = run_report(p, log=lambda s: None)
    assert not (second.directory / "stale.txt").exists()
    # no staging or old dirs left (the report's lock file stays, empty)
    assert sorted(x.name for x in (tmp_path / "out").iterdir()) == [".lock-twice", "twice"]

    # Same inputs, same numbers: the combined report sources agree except for the date line.
    def source(directory: Path) -> str:
        return re.sub(r"(?m)^date: .*$", "", (directory / "report.qmd").read_text(encoding="utf-8"))

    assert "NPS by segment" in source(second.directory)
    assert source(second.directory) == first_source
    assert first.manifest["data_files"] == second.manifest["data_files"]


def test_quarto_route_when_available(tmp_path):
    if shutil.which("quarto") is None:
        with pytest.raises(RenderError, match="quarto is not on PATH"):
            choose_renderer("quarto")
        pytest.skip(
            "quarto is not on PATH here (pip install quarto-cli cannot work offline); "
            "the offline Pandoc + Typst route is tested above"
        )
    p = params_file(
        tmp_path,
        "q",
        [FIXTURES / "report_fixture.ipynb"],
        output_dir=str(tmp_path / "out"),
        renderer="quarto",
    )
    res = run_report(p, log=lambda s: None)
    assert res.manifest["renderer"]["route"] == "quarto"
    assert SAMPLES["zh"] in pdf_text(res.outputs["pdf"])


@pytest.mark.slow
def test_demo_report_end_to_end(repo_root, tmp_path):
    """The README's demo run: every section present, quotes in all five scripts in the PDF."""
    res = run_report(repo_root / "params" / "demo.yaml", output_root=tmp_path, log=lambda s: None)
    html = res.outputs["html"].read_text(encoding="utf-8")
    for heading in (
        "Executive summary",
        "Customer metrics",
        "Voice of the customer",
        "Rejected rows and why",
    ):
        assert heading in html
    assert html.count("<img") >= 5  # charts embedded in the self-contained file
    text = pdf_text(res.outputs["pdf"])
    assert "Executive summary" in text and "NPS" in text
    assert re.search(r"[\u0400-\u04ff]{4,}", text) and re.search(r"[\u4e00-\u9fff]{4,}", text)
    assert {"پ", "ی", "ک"} <= letters(text)  # Persian-only letters
    assert {"ة", "ى"} & letters(text) or {"ع", "ل", "ا"} <= letters(text)
    rows = {r["table"]: r for r in res.manifest["rows"]}
    assert rows["responses"]["rejected"] == 5


def test_report_ends_with_an_appendix_from_the_manifest(fixture_run):
    """Data quality (rows read/used/rejected from the manifest), methods, definitions and the
    parts shown or skipped: the last section of the report, in both formats."""
    m = fixture_run.manifest
    source = (fixture_run.directory / "report.qmd").read_text(encoding="utf-8")
    headings = re.findall(r"^(##+) (.+)$", source, flags=re.M)
    tail = [h for _, h in headings[headings.index(("##", "Appendix")) :]]
    assert tail[:5] == [
        "Appendix",
        "Data quality",
        "Methods and formulas",
        "Definitions",
        "What this report shows",
    ]
    read = sum(r["read"] for r in m["rows"])
    rejected = sum(r["rejected"] for r in m["rows"])
    html = fixture_run.outputs["html"].read_text(encoding="utf-8")
    assert f"{read:,} rows read from {len(m['rows'])} files" in html
    assert f"{rejected:,} rejected" in html
    text = " ".join(pdf_text(fixture_run.outputs["pdf"]).split())
    assert "NPS = % promoters − % detractors" in text and "Holm" in text
    for record in m["notebooks"]:
        assert record["section"] in text


def test_kernel_sockets_live_in_a_temporary_folder_never_beside_the_notebook(tmp_path):
    """The kernel's IPC socket files are made in a short temporary folder that is removed
    after the notebook, whatever the kernel's working directory (a killed kernel used to
    leave ``kernel-ipc-*`` files in the notebooks' folder)."""
    import nbformat

    from cxm_lab.pipeline import execute_notebook

    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        }
    )
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "from ipykernel.connect import get_connection_info\n"
            "info = get_connection_info(unpack=True)\n"
            "print(info['transport'], info['ip'])"
        ),
    ]
    src, dst = tmp_path / "probe.ipynb", tmp_path / "out" / "probe.ipynb"
    dst.parent.mkdir()
    nbformat.write(nb, src)
    execute_notebook(src, dst, parameters={"x": 2}, cwd=tmp_path, timeout=60)
    printed = nbformat.read(dst, as_version=4).cells[-1].outputs[0]["text"].split()
    transport, ip = printed[0], Path(printed[1])
    assert transport == "ipc"
    assert ip.is_absolute() and ip.parent.name.startswith("cxm-kernel-")
    assert len(str(ip)) + 8 < 107  # room for "-<port>" within a socket path's limit
    assert not ip.parent.exists()  # removed after the notebook
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "probe.ipynb"]


def test_kernel_shutdown_sends_no_interrupt(tmp_path):
    """jupyter_client's shutdown_kernel sends SIGINT before the shutdown request; a signal that
    lands while ipykernel handles a message logs "[IPKernelApp] ERROR | KeyboardInterrupt caught
    in kernel." on a successful run's terminal. The run's kernel manager stops the kernel
    without that signal; an interrupt outside shutdown (a cell timeout) still sends it."""
    import asyncio
    import signal

    from cxm_lab.pipeline import _kernel_manager_class

    sent: list[int] = []

    async def scenario() -> None:
        km = _kernel_manager_class(tmp_path)(kernel_name="python3")
        signal_kernel = km._async_signal_kernel

        async def spy(signum: int) -> None:
            sent.append(signum)
            await signal_kernel(signum)

        km._async_signal_kernel = spy
        await km.start_kernel()
        try:
            kc = km.client()
            kc.start_channels()
            await kc.wait_for_ready(timeout=60)
            await km.interrupt_kernel()  # as nbclient does on a cell timeout
            assert sent == [signal.SIGINT]
            kc.stop_channels()
        finally:
            await km.shutdown_kernel()
        assert not await km.is_alive()

    asyncio.run(scenario())
    assert sent == [signal.SIGINT]  # the shutdown sent none
