"""Reading and validation: every row read is used or rejected with file, row, column, reason."""

from __future__ import annotations

import pandas as pd
import pytest

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
    assert (res.n_read, res.n_used, res.n_rejected) == (9, 2, 7)
    assert res.data["response_id"].tolist() == ["R1", "R9"]
    got = {(r.row, r.column): r.reason for r in res.rejects.itertuples()}
    assert got[(2, "ltr")] == "ltr must be between 0 and 10"
    assert got[(3, "ltr")] == "ltr is not a number"
    assert got[(4, "response_date")].startswith("response_date is not a date")
    assert got[(5, "response_id")] == "duplicate response_id (first seen in row 1)"
    assert got[(6, "ltr")] == "ltr is required but empty"
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
