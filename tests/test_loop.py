"""Close-the-loop cases with hand counts."""

from __future__ import annotations

import pandas as pd
import pytest

from cxm_lab import loop
from cxm_lab.errors import ParameterError


@pytest.fixture()
def cases():
    r = pd.DataFrame(
        {
            "response_id": ["R1", "R2", "R3", "R4", "R5"],
            "account_id": ["A", "B", "A", "C", "D"],
            "ltr": [2, 6, 9, 0, 5],
            "touchpoint": ["billing", "support", "billing", "support", "website"],
            "response_date": pd.to_datetime(
                ["2026-07-01", "2026-07-10", "2026-07-11", "2026-09-25", "2026-08-01"]
            ),
        }
    )
    owners = pd.DataFrame(
        {"touchpoint": ["billing", "support"], "owner_team": ["Finance", "Support"]}
    )
    c = loop.make_cases(r, owners)
    c["closed_date"] = pd.to_datetime(
        ["2026-07-10", "2026-07-30", None, None]
    )  # R1 on time, R2 late
    return c


def test_cases_for_detractors_routed_and_due_in_14_days(cases):
    assert cases["response_id"].tolist() == ["R1", "R2", "R4", "R5"]  # the promoter R3 gets no case
    assert (cases["due_date"] - cases["opened"]).dt.days.eq(14).all()
    unrouted = cases[~cases["routed"]]
    assert (
        unrouted["response_id"].tolist() == ["R5"]
        and unrouted["owner_team"].iloc[0] == loop.UNROUTED
    )


def test_status_and_sla_by_hand(cases):
    s = loop.case_status(cases, "2026-09-30").set_index("owner_team")
    assert s.loc["Finance"].to_dict() == {
        "cases": 1,
        "open": 0,
        "overdue": 0,
        "closed": 1,
        "closed_on_time": 1,
        "due": 1,
        "sla_attainment": 1.0,
    }
    sup = s.loc["Support"]
    assert (
        sup["cases"],
        sup["open"],
        sup["overdue"],
        sup["closed"],
        sup["closed_on_time"],
        sup["due"],
    ) == (2, 1, 0, 1, 0, 1)
    assert sup["sla_attainment"] == 0.0
    assert s.loc[loop.UNROUTED, "overdue"] == 1  # R5 due 2026-08-15, still open


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_call_list_export_round_trip(cases, tmp_path, suffix):
    accounts = pd.DataFrame({"account_id": ["A", "B", "C", "D"], "arr": [10.0, 500.0, 50.0, 5.0]})
    calls = loop.call_list(cases, accounts)
    assert calls["account_id"].tolist() == ["C", "D"]  # open cases only, most revenue first
    path = loop.export_call_list(calls, tmp_path / f"calls{suffix}")
    back = pd.read_csv(path) if suffix == ".csv" else pd.read_excel(path)
    assert (
        back["account_id"].tolist() == ["C", "D"]
        and back["due_date"].astype(str).tolist()[0] == "2026-10-09"
    )
    with pytest.raises(ParameterError, match=".csv or .xlsx"):
        loop.export_call_list(calls, tmp_path / "calls.json")
