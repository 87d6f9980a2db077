"""Hostile data: the whole report run on a data folder full of payloads. Nothing from a customer
runs: the HTML holds no live markup, the PDF shows Typst code as text, spreadsheets hold no
formulas, personal data is masked, odd language tags and time zones do not break the run."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cxm_lab import demo
from cxm_lab.cli import main
from cxm_lab.pipeline import run_report

#: Names that replace the demo's group names, table by table, consistently.
GROUPS = {
    "segment": {
        "Enterprise": '<script>alert("seg")</script>',
        "Mid-Market": "R&D <EMEA> *core*",
        "SMB": "#set page(fill: red) `#sys.exit()`{=typst}",
    },
    "touchpoint": {
        "billing": '<img src=x onerror="alert(1)">',
        "support": '=HYPERLINK("http://evil.example","click")',
        "onboarding": "CIS $5% promo$",
    },
    "region": {
        "Europe": "[link](javascript:alert(1))",
        "CIS": "{=html}<b>x</b>",
        "Middle East": "-2+3",
        "Asia Pacific": "\u202eevil\u202c",
    },
    "channel": {"email": "@SUM(A1:A9)", "sms": "+1+1"},
}
LANGUAGES = {"en": "English", "fa": 'fa" onerror="alert(2)', "zh": "zh-CN", "ru": "RU"}
PII = [
    "write to jane＠example.com now",
    "jane @ example.com is me",
    "phone:+14155550199ext123",
    "IBAN DE89 3704 0044 0532 0130 00 please refund",
    "mail j\u200ba\u200bn\u200be@example.com",
]
LEAKS = ["jane", "4155550199", "DE89", "example.com"]


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "object", "embed", "form", "link", "meta", "base"}:
            if not (
                tag == "meta"
                and ("charset", "utf-8") in attrs
                or tag == "meta"
                and any(n == "name" for n, _ in attrs)
            ):
                self.bad.append(tag)
        if tag == "a" and not dict(attrs).get("href", "").startswith("#"):
            self.bad.append(f"a {attrs}")  # only the table of contents links, inside the page
        for name, value in attrs:
            if name.startswith("on") or "javascript:" in str(value).lower():
                self.bad.append(f"{tag} {name}={value}")
            if tag == "img" and name == "src" and not str(value).startswith("data:image/png"):
                self.bad.append(f"img src={value}")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    data = tmp / "data"
    demo.write_demo(data, inject_errors=False)
    for path in data.glob("*.csv"):
        t = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col, mapping in GROUPS.items():
            if col in t:
                t[col] = t[col].replace(mapping)
        if path.stem == "responses":
            t["language"] = t["language"].replace(LANGUAGES)
            last = t.index[t["response_date"] >= "2026-07-01"]
            for i, text in zip(last[:: max(len(last) // len(PII), 1)], PII, strict=False):
                t.loc[i, "comment"] = text
            t.loc[last[-1], "response_date"] = "2026-09-01T10:00:00+03:30"
            t.loc[last[-2], "response_date"] = "2026-09-02T10:00:00Z"
        if path.stem == "accounts":
            t.loc[0, "account_name"] = '=HYPERLINK("http://evil.example","Acme")'
        if path.stem == "touchpoint_owners":
            t.loc[0, "owner_team"] = "<b>Ops</b> #strong[x]"
        t.to_csv(path, index=False)
    exports = tmp / "exports"
    p = tmp / "hostile.yaml"
    p.write_text(
        f"name: hostile\ndata_dir: {data}\noutput_dir: {tmp / 'reports'}\nreport_quarter: 2026Q3\n"
        f"parameters: {{export_dir: {json.dumps(str(exports))}}}\n"
        "themes:\n"
        "  'CIS $5% promo$': [too expensive, price increase]\n"
        "  '<script>x</script>': [support never answers]\n"
        "  '#set text(red)': [the app crashes]\n",
        encoding="utf-8",
    )
    res = run_report(p, log=lambda s: None)
    return tmp, res, exports


@pytest.mark.slow
def test_html_holds_no_live_markup_and_shows_names_as_text(hostile_run):
    _, res, _ = hostile_run
    html = res.outputs["html"].read_text(encoding="utf-8")
    parser = Tags()
    parser.feed(html)
    assert parser.bad == []
    text = " ".join(html.split())
    assert "&lt;script&gt;alert(&quot;seg&quot;)&lt;/script&gt;" in text or (
        '&lt;script&gt;alert("seg")&lt;/script&gt;' in text
    )
    assert "R&amp;D &lt;EMEA&gt; *core*" in text
    assert "\u202e" not in html


@pytest.mark.slow
def test_pdf_shows_typst_code_as_text(hostile_run):
    _, res, _ = hostile_run
    reader = PdfReader(res.outputs["pdf"])
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert "#set page(fill: red)" in text
    assert "R&D <EMEA> *core*" in text


@pytest.mark.slow
def test_personal_data_is_masked_everywhere(hostile_run):
    _, res, _ = hostile_run
    # Embedded images are base64 bytes, where a short IBAN prefix such as "DE89" can occur by
    # chance. Charts draw data that was masked as it was read, like every table.
    html = re.sub(
        r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", "", res.outputs["html"].read_text("utf-8")
    )
    qmd = (res.directory / "report.qmd").read_text(encoding="utf-8")
    for leak in LEAKS:
        assert leak not in html and leak not in qmd, leak


@pytest.mark.slow
def test_exports_hold_no_formulas(hostile_run, tmp_path):
    _, _, exports = hostile_run
    files = list(exports.glob("*.xlsx"))
    assert files
    for f in files:
        for row in load_workbook(f).active.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (f.name, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.lstrip().startswith(("=", "+", "@")), cell.value


@pytest.mark.slow
def test_manifest_reconciles_and_lists_sections(hostile_run):
    _, res, _ = hostile_run
    m = res.manifest
    assert all(r["read"] == r["used"] + r["rejected"] for r in m["rows"])
    assert {n["status"] for n in m["notebooks"]} == {"shown"}
    assert m["sections"] and all(s["status"] in {"shown", "skipped"} for s in m["sections"])


def test_validate_rejects_file_has_no_formulas(tmp_path, capsys):
    export = tmp_path / "e.csv"
    export.write_text(
        'Id,Recommend\nA,"=HYPERLINK(""http://x"",""y"")"\nB,@SUM(A1)\nC,+1+1\nD,-1-1\n'
    )
    rejects = tmp_path / "rej.csv"
    main(
        [
            "validate",
            str(export),
            "--rename",
            "Id=response_id",
            "Recommend=ltr",
            "--rejects",
            str(rejects),
        ]
    )
    capsys.readouterr()
    import csv

    with open(rejects, encoding="utf-8-sig", newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert len(cells) == 5 * 5 and not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert '\'=HYPERLINK("http://x","y")' in cells


@pytest.mark.parametrize("tz_value", ["2026-07-01T10:00:00+03:30", "2026-07-01T10:00:00Z"])
def test_time_zone_dates_are_normalised_not_a_traceback(tmp_path, capsys, tz_value):
    export = tmp_path / "d.csv"
    export.write_text(f"Id,Date,Recommend\nA,2026-07-01,9\nB,{tz_value},3\nC,2026-02-30,5\n")
    code = main(
        [
            "validate",
            str(export),
            "--rename",
            "Id=response_id",
            "Date=response_date",
            "Recommend=ltr",
        ]
    )
    out = capsys.readouterr()
    assert code == 0 and "Traceback" not in out.err
    assert "read 3, used 2, rejected 1" in out.out and "not a valid date" in out.out


# ------------------------------------------------------------------ init on hostile headers

R_SURVEY = "google_forms/2019 English R Community Survey Responses.csv"
TYPEFORM = "typeform/res_YvBfAdHB.csv"


def _with_headers(src, out, replace: dict[str, str]):
    """A copy of the export ``src`` under ``out`` with some headers replaced (in tmp_path:
    the real export itself is never copied into the project)."""
    import csv

    with open(src, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[0] = [replace.get(h, h) for h in rows[0]]
    with open(out, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return out


@pytest.mark.shared_data
def test_init_on_the_r_survey_with_injecting_headers_writes_what_run_reads(
    shared_data, tmp_path, capsys
):
    """Hostile review 1-2 (yamlinj, ctl): a header carrying U+2028 + ``title: ...`` +
    ``data_dir: ...`` set the params' title and data_dir; one carrying ESC made the file
    unreadable by run; both were printed raw."""
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.params import load_params

    inject = "Looking ahead?\u2028title: INJECTED\u2028data_dir: /tmp/other.csv\u2028#"
    ctl = "What do you like least about using R?\x1b[2J\x1b]0;pwned\x07"
    path = _with_headers(
        shared_data / "exports" / R_SURVEY,
        tmp_path / "survey.csv",
        {
            "Looking ahead, how do you expect your use of R to change in 2020?": inject,
            "What do you like best about using R?": "Best?\u2029formats: [html]\x85min_n: 1",
            "What do you like least about using R?": ctl,
        },
    )
    out = tmp_path / "p.yaml"
    assert main(["init", str(path), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "\x1b" not in said and "\\x1b[2J\\x1b]0;pwned\\x07" in said
    run = load_params(out)
    assert (run.title, run.data_dir, run.formats, run.min_n) == (
        "Customer experience: survey", "survey.csv", ["html", "pdf"], 30
    )  # fmt: skip
    assert run.rename[ctl] == "comment"  # the exact header, ESC included
    text = out.read_text(encoding="utf-8")
    assert "\u2028" not in text and "\x85" not in text and "\x1b" not in text
    ds = prepare_dataset(run, base=tmp_path)
    assert ds.tables["responses"]["comment"].notna().sum() > 1000


@pytest.mark.shared_data
def test_init_on_the_typeform_export_with_a_column_named_comment_runs(shared_data, tmp_path):
    """Hostile review 4 (typeform_hostile): the export has its own column ``comment`` (a 1/0
    question); init renamed "Pourquoi ?" onto it and run refused the params file."""
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.params import load_params

    path = _with_headers(
        shared_data / "exports" / TYPEFORM,
        tmp_path / "typeform.csv",
        {"Travaillez-vous dans le secteur public ?": "comment"},
    )
    out = tmp_path / "p.yaml"
    assert main(["init", str(path), "-o", str(out)]) == 0
    run = load_params(out)
    assert run.rename["Pourquoi ?"] == "comment"
    assert run.rename["comment"] == "comment (export column)"
    responses = prepare_dataset(run, base=tmp_path).tables["responses"]
    original = pd.read_csv(shared_data / "exports" / TYPEFORM, dtype=str)
    # the open answers are the comments; the yes/no column keeps its answers under its new name
    assert responses["comment"].dropna().isin(original["Pourquoi ?"].dropna()).all()
    assert responses["comment (export column)"].notna().sum() > 0
