"""Reading and validation: every row read is used or rejected with file, row, column, reason."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxm_lab import demo
from cxm_lab.errors import SchemaError
from cxm_lab.io import load_dataset, read_table

CSV = """response_id,response_date,ltr,csat,segment
R1,2026-07-01,9,5,SMB
R2,2026-07-02,11,4,SMB
R3,2026-07-03,ten,4,SMB
R4,31/02/2026,7,3,SMB
R1,2026-07-05,8,2,SMB
R6,2026-07-06,,2,SMB
R7,2026-07-07,5,9,SMB
R8,2026-07-08,6.5,,Enterprise
R9,2026-07-09,10,,Enterprise
"""


@pytest.fixture()
def export(tmp_path):
    p = tmp_path / "export.csv"
    p.write_text(CSV, encoding="utf-8")
    return p


def test_rejects_name_file_row_column_reason(export):
    res = read_table(export, "responses")
    assert (res.n_read, res.n_used, res.n_rejected) == (9, 3, 6)
    # An unanswered score is missing, not an error (a partial response still counts for its
    # other answers); a date that is no date is an error.
    assert res.data["response_id"].tolist() == ["R1", "R6", "R9"]
    assert pd.isna(res.data.loc[1, "ltr"])
    got = {(r.row, r.column): r.reason for r in res.rejects.itertuples()}
    assert got[(2, "ltr")] == "ltr must be between 0 and 10"
    assert got[(3, "ltr")] == "ltr is not a number"
    assert got[(4, "response_date")] == "response_date: not a valid date"
    assert got[(5, "response_id")] == "duplicate response_id (first seen in row 1)"
    assert (6, "ltr") not in got
    assert got[(7, "csat")] == "csat must be between 1 and 5"
    assert got[(8, "ltr")] == "ltr must be a whole number"
    assert set(res.rejects["file"]) == {str(export)}
    assert res.data["ltr"].dtype == "Int64"


@pytest.mark.parametrize("suffix", [".parquet", ".xlsx"])
def test_parquet_and_excel_read_like_csv(export, tmp_path, suffix):
    raw = pd.read_csv(export, dtype=str)
    path = tmp_path / f"export{suffix}"
    raw.to_parquet(path) if suffix == ".parquet" else raw.to_excel(path, index=False)
    res = read_table(path, "responses")
    base = read_table(export, "responses")
    assert (res.n_read, res.n_used, res.n_rejected) == (base.n_read, base.n_used, base.n_rejected)
    assert res.rejects[["row", "column", "reason"]].equals(
        base.rejects[["row", "column", "reason"]]
    )


def test_missing_required_column_names_file_and_columns(tmp_path):
    p = tmp_path / "qualtrics.csv"
    p.write_text("ResponseId,RecordedDate,Q1_NPS\nR1,2026-07-01,9\n")
    with pytest.raises(SchemaError) as err:
        read_table(p, "responses")
    msg = str(err.value)
    assert "qualtrics.csv" in msg and "'response_id'" in msg and "Q1_NPS" in msg
    res = read_table(
        p,
        "responses",
        rename={"ResponseId": "response_id", "RecordedDate": "response_date", "Q1_NPS": "ltr"},
    )
    assert res.n_used == 1 and res.data.loc[0, "ltr"] == 9


def test_unknown_type_and_missing_file(tmp_path):
    with pytest.raises(SchemaError, match="unknown file type"):
        read_table(tmp_path / "x.json", "responses")
    with pytest.raises(SchemaError, match="file not found"):
        read_table(tmp_path / "x.csv", "responses")
    with pytest.raises(SchemaError, match="unknown table"):
        read_table(tmp_path / "x.csv", "nope")


def test_load_dataset_demo_reconciles():
    ds = load_dataset()
    s = ds.summary()
    assert (s["read"] == s["used"] + s["rejected"]).all()
    resp = s.set_index("table").loc["responses"]
    assert resp["rejected"] == demo.N_INJECTED_ERRORS
    assert len(ds.rejects()) == demo.N_INJECTED_ERRORS
    assert set(ds.tables) == set(demo.load_demo().tables())


def test_load_dataset_errors(tmp_path):
    with pytest.raises(SchemaError, match="not found"):
        load_dataset(tmp_path / "missing")
    with pytest.raises(SchemaError, match="no responses file"):
        load_dataset(tmp_path)


def test_other_tables_ranges_and_allowed_values(tmp_path):
    emp = tmp_path / "employees.csv"
    emp.write_text("response_id,quarter,enps,department\nE1,2026Q3,10,IT\nE2,2026Q3,-1,HR\n")
    res = read_table(emp, "employees")
    assert (res.n_used, res.n_rejected) == (1, 1)
    assert res.rejects.loc[0, ["row", "column", "value"]].tolist() == [2, "enps", "-1"]
    tgt = tmp_path / "targets.csv"
    tgt.write_text("metric,quarter,target\nnps,2026Q3,30\nNPS+,2026Q3,31\n")
    rej = read_table(tgt, "targets").rejects
    assert rej.loc[0, "row"] == 2 and rej.loc[0, "reason"].startswith("metric must be one of")


def test_row_with_several_problems_is_rejected_once_but_every_problem_listed(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("response_id,response_date,ltr,ces\nR1,not a date,12,9\nR2,2026-07-01,5,3\n")
    res = read_table(p, "responses")
    assert (res.n_read, res.n_used, res.n_rejected) == (2, 1, 1)
    assert sorted(res.rejects["column"]) == ["ces", "ltr", "response_date"]
    assert set(res.rejects["row"]) == {1}


def test_load_dataset_reads_parquet_and_applies_per_table_renames(tmp_path):
    pd.DataFrame(
        {"Id": ["R1", "R2"], "response_date": ["2026-07-01", "2026-07-02"], "Q1": [9, 3]}
    ).to_parquet(tmp_path / "responses.parquet")
    (tmp_path / "notes.txt").write_text("not a table")
    ds = load_dataset(tmp_path, rename={"responses": {"Id": "response_id", "Q1": "ltr"}})
    assert ds.summary()[["table", "file", "read", "used", "rejected"]].values.tolist() == [
        ["responses", "responses.parquet", 2, 2, 0]
    ]
    assert ds["responses"]["ltr"].tolist() == [9, 3]
    with pytest.raises(KeyError, match="'accounts' was not found"):
        ds["accounts"]
    with pytest.raises(SchemaError, match="unknown table"):
        load_dataset(tmp_path, rename={"respones": {"Id": "response_id"}})


good_rows = st.tuples(st.integers(0, 10).map(str), st.sampled_from(["", "1", "5"]))
bad_rows = st.sampled_from(
    [("11", ""), ("-1", ""), ("x", ""), ("7", "6"), ("4.5", ""), ("inf", "")]
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), good_rows, bad_rows), min_size=1, max_size=40))
def test_read_equals_used_plus_rejected_and_bad_rows_are_exactly_rejected(tmp_path_factory, rows):
    lines = ["response_id,response_date,ltr,csat"]
    expected_bad = set()
    for i, (is_bad, good, bad) in enumerate(rows, start=1):
        ltr, csat = bad if is_bad else good
        lines.append(f"R{i},2026-07-01,{ltr},{csat}")
        if is_bad:
            expected_bad.add(i)
    p = tmp_path_factory.mktemp("prop") / "r.csv"
    p.write_text("\n".join(lines) + "\n")
    res = read_table(p, "responses")
    assert res.n_read == len(rows) == res.n_used + res.n_rejected
    assert set(res.rejects["row"]) == expected_bad
    assert res.data["response_id"].tolist() == [
        f"R{i}" for i in range(1, len(rows) + 1) if i not in expected_bad
    ]


def test_quarter_labels_must_look_like_2026Q3(tmp_path):
    p = tmp_path / "invitations.csv"
    p.write_text("quarter,channel,invited\n2026Q3,email,100\nQ3 2026,sms,50\n2026Q5,web,10\n")
    res = read_table(p, "invitations")
    assert res.n_used == 1
    assert res.rejects["row"].tolist() == [2, 3]
    assert res.rejects.loc[0, "reason"] == r"quarter must match \d{4}Q[1-4] (e.g. 2026Q3)"


header_names = st.lists(
    st.sampled_from(
        ["response_id", "response_date", "ltr", "csat", "comment", "segment", "", "ltr", "Q1"]
    ),
    min_size=1,
    max_size=6,
)
cells = st.one_of(
    st.sampled_from(["9", "10", "0", "11", "NA", "", "x", "2026-07-01", "7,5", "۹", '"q"', "-"]),
    st.text(max_size=12),
)


@settings(max_examples=60, deadline=None)
@given(
    header=header_names,
    rows=st.lists(st.lists(cells, min_size=0, max_size=7), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "cp1256", "latin-1"]),
    junk=st.binary(max_size=40),
)
def test_read_table_reconciles_or_says_one_clear_thing(
    tmp_path_factory, header, rows, delimiter, encoding, junk
):
    """Random headers, cells, delimiters, encodings and trailing bytes: the only outcomes are a
    result whose counts reconcile or a SchemaError (one line naming the file), never a
    traceback from a library."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(header)
    w.writerows(rows)
    try:
        data = buf.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buf.getvalue().encode("utf-8")
    p = tmp_path_factory.mktemp("fuzz") / "r.csv"
    p.write_bytes(data + junk)
    try:
        res = read_table(p, "responses")
    except SchemaError as exc:
        msg = str(exc)
        assert "r.csv" in msg and "\n" not in msg.strip() and "Traceback" not in msg
        return
    assert res.n_read == res.n_used + res.n_rejected
    assert res.n_rejected == res.rejects["row"].nunique()


def test_demo_dataset_knows_its_quarters_so_time_sections_show():
    """load_dataset() (the demo, as a notebook opened in JupyterLab reads it) records its
    quarters: sections that need two periods are shown, not skipped for "no response dates"."""
    from cxm_lab.sections import Needs, missing

    ds = load_dataset()
    assert ds.config["quarters"] == sorted(ds["responses"]["quarter"].astype(str).unique())
    assert len(ds.config["quarters"]) == 11
    assert missing(ds, Needs(periods=2)) == []


def test_rejects_name_the_export_column_that_was_renamed(tmp_path):
    """Hostile review (gforms): rows rejected after `rename:` named the project column
    ("response_date"), which the user cannot find in the export ("Timestamp")."""
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.params import RunParams

    p = tmp_path / "survey.csv"
    p.write_text(
        "Id,Timestamp,Score,ces\n"
        "R1,2026-07-01,9,3\n"
        "R2,not a date,7,3\n"
        "R3,2026-07-03,12,9\n"
        "R4,2026-07-04,3,2\n"
    )
    rename = {"Id": "response_id", "Timestamp": "response_date", "Score": "ltr"}
    res = read_table(p, "responses", rename=rename)
    # R2: bad date; R3: ltr 12 out of 0-10 and ces 9 out of 1-7 (ces is not renamed).
    assert res.rejects[["row", "column", "reason"]].values.tolist() == [
        [2, "response_date (export column 'Timestamp')",
         "response_date (export column 'Timestamp'): not a date"],
        [3, "ces", "ces must be between 1 and 7"],
        [3, "ltr (export column 'Score')", "ltr (export column 'Score') must be between 0 and 10"],
    ]  # fmt: skip
    # The same through a run's params (ingest renames before validating).
    params = RunParams(name="x", data_dir=str(p), rename=rename)
    ds = prepare_dataset(params, base=tmp_path)
    rej = ds.rejects()
    assert sorted(rej["column"]) == [
        "ces",
        "ltr (export column 'Score')",
        "response_date (export column 'Timestamp')",
    ]
    assert "response_date (export column 'Timestamp'): not a date" in set(
        ds.reject_reasons()["reason"]
    )
