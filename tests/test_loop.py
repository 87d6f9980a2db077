"""Close the loop: hand counts of cases, status and SLA; unrouted touchpoints; export round
trips."""

from __future__ import annotations

import pandas as pd
import pytest

from cxm_lab import loop
from cxm_lab.demo import load_demo
from cxm_lab.errors import DataError, ParameterError


@pytest.fixture()
def responses():
    return pd.DataFrame(
        {
            "response_id": ["R1", "R2", "R3", "R4", "R5", "R6"],
            "account_id": ["A", "A", "B", "C", "C", "B"],
            "contact_id": ["C1", "C2", "C3", "C4", "C5", "C3"],
            "ltr": [3, 10, 6, 0, 7, None],
            "touchpoint": ["billing", "billing", "support", "web", "support", "support"],
            "response_date": [
                "2026-07-01",
                "2026-07-02",
                "2026-07-10",
                "2026-08-01",
                "2026-08-02",
                "2026-08-03",
            ],
            "comment": ["Invoice wrong", "", "Slow, ask Ana at ana@example.com", "", "", ""],
        }
    )


@pytest.fixture()
def owners():
    return pd.DataFrame(
        {
            "touchpoint": ["billing", "support"],
            "owner_team": ["Finance Ops", "Support"],
            "owner_email": ["fin@example.com", "sup@example.com"],
        }
    )


def test_one_case_per_detractor_due_in_14_days(responses, owners):
    cases = loop.make_cases(responses, owners)
    # detractors: R1 (3), R3 (6), R4 (0); R5 is passive, R2 promoter, R6 has no score
    assert cases["response_id"].tolist() == ["R1", "R3", "R4"]
    assert cases["owner_team"].tolist() == ["Finance Ops", "Support", "(no owner)"]
    assert cases["routed"].tolist() == [True, True, False]
    assert cases["due_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-07-15",
        "2026-07-24",
        "2026-08-15",
    ]
    assert cases["case_id"].is_unique


def test_touchpoint_without_owner_is_reported(responses, owners):
    cases = loop.make_cases(responses, owners)
    assert loop.unrouted(cases).to_dict("records") == [{"touchpoint": "web", "cases": 1}]


def test_category_column_and_due_days(responses, owners):
    r = responses.assign(cat=["detractor", "promoter", "passive", "passive", None, "detractor"])
    cases = loop.make_cases(r, owners, category="cat", due_days=7)
    assert cases["response_id"].tolist() == ["R1", "R6"]
    assert cases.loc[1, "due_date"] == pd.Timestamp("2026-08-10")


def test_duplicate_owner_and_bad_date_are_errors(responses, owners):
    dup = pd.concat([owners, owners.iloc[[0]]], ignore_index=True)
    with pytest.raises(DataError, match=r"row 1: touchpoint 'billing' has more than one owner"):
        loop.make_cases(responses, dup)
    bad = responses.assign(response_date=["2026-07-01", "x", "2026-07-10", "", "", ""])
    with pytest.raises(DataError, match=r"responses: column 'response_date' row 2"):
        loop.make_cases(bad, owners)


def test_status_and_sla_by_hand(responses, owners):
    cases = loop.make_cases(responses, owners)
    closures = pd.DataFrame(
        {"response_id": ["R1", "R3"], "closed_date": ["2026-07-10", "2026-08-01"]}
    )
    s = loop.case_status(cases, as_of="2026-08-05", closed=closures).table.set_index("owner_team")
    # R1 closed on time; R3 closed late (due 07-24); R4 open, due 08-15, not yet overdue
    assert s.loc["Finance Ops", ["cases", "closed", "closed_on_time", "open"]].tolist() == [
        1,
        1,
        1,
        0,
    ]
    assert s.loc["Support", ["closed", "closed_on_time", "overdue"]].tolist() == [1, 0, 0]
    assert s.loc["Support", "sla_attainment"] == 0
    assert s.loc["(no owner)", ["open", "overdue", "judged"]].tolist() == [1, 0, 0]
    # Finance Ops: 1 of 1 judged on time -> 100 %; Wilson bounds in percent too
    assert s.loc["Finance Ops", "sla_attainment"] == 100.0
    assert (
        s.loc["Finance Ops", "sla_ci_high"] == 100.0
        and 0 < s.loc["Finance Ops", "sla_ci_low"] < 100
    )
    assert pd.isna(s.loc["(no owner)", "sla_attainment"])
    later = loop.case_status(cases, as_of="2026-08-20", closed=closures).table.set_index(
        "owner_team"
    )
    assert later.loc["(no owner)", "overdue"] == 1 and later.loc["(no owner)", "judged"] == 1
    assert later["cases"].sum() == len(cases)
    early = loop.case_status(cases, as_of="2026-07-05", closed=closures)
    assert early.table["cases"].sum() == 1 and early.not_yet_opened == 2
    by_tp = loop.case_status(cases, as_of="2026-08-20", closed=closures, by="touchpoint").table
    assert set(by_tp["touchpoint"]) == {"billing", "support", "web"}


def test_duplicate_closures_are_errors(responses, owners):
    cases = loop.make_cases(responses, owners)
    closures = pd.DataFrame({"response_id": ["R1", "R1"], "closed_date": ["2026-07-10"] * 2})
    with pytest.raises(DataError, match="closed more than once"):
        loop.case_status(cases, as_of="2026-08-05", closed=closures)


def test_call_list_order_and_export_round_trip(responses, owners, tmp_path):
    cases = loop.make_cases(responses, owners)
    accounts = pd.DataFrame(
        {
            "account_id": ["A", "B", "C"],
            "account_name": ["Aco", "Bco", "Cco"],
            "arr": [50.0, 900.0, 10.0],
        }
    )
    contacts = pd.DataFrame({"contact_id": ["C1", "C3", "C4"], "name": ["Ann", "Bob", "Cy"]})
    calls = loop.call_list(cases, as_of="2026-08-20", accounts=accounts, contacts=contacts)
    # all open; overdue first (R1 due 07-15 -> A 50, R3 due 07-24 -> B 900), by revenue; then C
    assert calls["response_id"].tolist() == ["R3", "R1", "R4"]
    assert calls["priority"].tolist() == [1, 2, 3]
    assert calls["revenue_at_stake"].tolist() == [900.0, 50.0, 10.0]
    for suffix in (".csv", ".xlsx"):
        path = loop.export_call_list(calls, tmp_path / f"out/calls{suffix}")
        back = pd.read_csv(path) if suffix == ".csv" else pd.read_excel(path, engine="openpyxl")
        assert back["case_id"].tolist() == calls["case_id"].tolist()
        assert back["due_date"].astype(str).tolist() == ["2026-07-24", "2026-07-15", "2026-08-15"]
        assert back["name"].tolist() == ["Bob", "Ann", "Cy"]
        assert back.loc[0, "comment"] == "Slow, ask Ana at ana@example.com"
        assert {"account_id", "revenue_at_stake", "comment", "due_date"} <= set(back.columns)
    with pytest.raises(ParameterError, match="use a .csv or .xlsx path"):
        loop.export_call_list(calls, tmp_path / "calls.json")


def test_demo_quarter_reconciles():
    d = load_demo()
    r = d.responses[d.responses["quarter"] == "2026Q3"]
    cases = loop.make_cases(r, d.touchpoint_owners)
    assert len(cases) == int((pd.to_numeric(r["ltr"]) <= 6).sum())
    s = loop.case_status(cases, as_of="2026-09-30", closed=d.case_closures).table
    assert s["cases"].sum() == len(cases)
    assert (s["open"] + s["closed"]).sum() == len(cases)
    calls = loop.call_list(cases, as_of="2026-09-30", closed=d.case_closures, accounts=d.accounts)
    assert len(calls) == s["open"].sum()


def test_export_neutralises_formulas_and_keeps_numbers(tmp_path):
    import csv

    import openpyxl

    evil = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "＝1"]
    calls = pd.DataFrame(
        {
            "priority": range(1, 7),
            "case_id": [f"CASE-{i}" for i in range(1, 7)],
            "account_name": evil,
            "ltr": [0, 1, 2, 3, 4, 5],
            "revenue_at_stake": [-5.0, 10.0, 0.0, 1.5, 2.5, 3.5],
            "due_date": pd.to_datetime(["2026-07-15"] * 6),
            "comment": list(reversed(evil)),
        }
    )
    csv_path = loop.export_call_list(calls, tmp_path / "calls.csv")
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["account_name"] for r in rows] == ["'" + e for e in evil]
    assert [r["comment"] for r in rows] == ["'" + e for e in reversed(evil)]
    assert rows[0]["revenue_at_stake"] == "-5.0" and rows[0]["ltr"] == "0"  # numbers as numbers
    assert rows[0]["due_date"] == "2026-07-15"

    xlsx_path = loop.export_call_list(calls, tmp_path / "calls.xlsx")
    ws = openpyxl.load_workbook(xlsx_path)["call list"]
    header = [c.value for c in ws[1]]
    col = {name: i + 1 for i, name in enumerate(header)}
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert cell.data_type == "s"
    assert [ws.cell(row=i, column=col["account_name"]).value for i in range(2, 8)] == [
        "'" + e for e in evil
    ]
    money = ws.cell(row=2, column=col["revenue_at_stake"])
    assert money.value == -5.0 and money.data_type == "n"


def test_status_of_all_cases_together(responses, owners):
    cases = loop.make_cases(responses, owners)
    closures = pd.DataFrame({"response_id": ["R1"], "closed_date": ["2026-07-10"]})
    s = loop.case_status(cases, as_of="2026-08-20", closed=closures, by=None).table
    # R1 on time; R3 (due 07-24) and R4 (due 08-15) overdue: 1 of 3 judged
    assert len(s) == 1 and s.loc[0, "cases"] == 3
    assert s.loc[0, "sla_attainment"] == pytest.approx(100 / 3)
