"""Close the loop: a follow-up case for every detractor, routed to the owner of the touchpoint,
due 14 days after the response; status, SLA attainment and an exportable call list.

Examples
--------
>>> r = pd.DataFrame({"response_id": ["R1", "R2"], "ltr": [3, 10], "touchpoint": ["billing", "qbr"],
...                   "response_date": pd.to_datetime(["2026-07-01", "2026-07-02"])})
>>> owners = pd.DataFrame({"touchpoint": ["billing"], "owner_team": ["Finance Ops"]})
>>> make_cases(r, owners).loc[0, ["response_id", "owner_team", "due_date"]].tolist()
['R1', 'Finance Ops', Timestamp('2026-07-15 00:00:00')]
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cxm_lab.errors import ParameterError

UNROUTED = "(no owner)"


def make_cases(
    responses: pd.DataFrame,
    owners: pd.DataFrame,
    *,
    score: str = "ltr",
    touchpoint: str = "touchpoint",
    date: str = "response_date",
    due_days: int = 14,
    threshold: int = 6,
    keep: Sequence[str] = ("response_id", "account_id", "contact_id", "segment", "comment"),
) -> pd.DataFrame:
    """One case per detractor response (score ≤ ``threshold``), routed to its touchpoint's owner.

    Responses whose touchpoint has no owner get ``owner_team = "(no owner)"`` and
    ``routed = False``: they are reported, not dropped.
    """
    missing = [c for c in (score, touchpoint, date) if c not in responses.columns]
    if missing:
        raise ParameterError(f"make_cases: responses lack column(s) {missing}")
    if owners[touchpoint].duplicated().any():
        raise ParameterError(
            f"make_cases: touchpoint owners table has duplicate '{touchpoint}' rows"
        )
    det = responses[pd.to_numeric(responses[score]) <= threshold]
    cols = [c for c in keep if c in det.columns]
    cases = det[[*cols, score, touchpoint, date]].merge(owners, on=touchpoint, how="left")
    cases["routed"] = cases["owner_team"].notna()
    cases["owner_team"] = cases["owner_team"].fillna(UNROUTED)
    cases["opened"] = pd.to_datetime(cases[date])
    cases["due_date"] = cases["opened"] + pd.Timedelta(days=due_days)
    cases.insert(0, "case_id", [f"CASE-{i:06d}" for i in range(1, len(cases) + 1)])
    return cases.reset_index(drop=True)


def case_status(
    cases: pd.DataFrame,
    as_of: str | pd.Timestamp,
    closed: pd.Series | None = None,
    by: str | Sequence[str] = "owner_team",
) -> pd.DataFrame:
    """Open, overdue and closed cases and SLA attainment per owner.

    Parameters
    ----------
    cases : DataFrame
        From :func:`make_cases`; a ``closed_date`` column (or ``closed``, aligned) gives closure.
    as_of : date
        The day the status is taken. A case is *overdue* when open after its due date.
    closed : Series, optional
        Closure dates aligned with ``cases``.

    Returns
    -------
    DataFrame
        ``by``, ``cases``, ``open``, ``overdue``, ``closed``, ``closed_on_time``,
        ``sla_attainment`` = closed on time / cases due by ``as_of`` (NaN when none are due).
    """
    as_of = pd.Timestamp(as_of)
    by = [by] if isinstance(by, str) else list(by)
    c = cases[cases["opened"] <= as_of].copy()
    cd = pd.to_datetime(
        closed if closed is not None else c.get("closed_date", pd.Series(pd.NaT, index=c.index))
    )
    cd = cd.reindex(c.index)
    is_closed = cd.notna() & (cd <= as_of)
    c["_open"] = ~is_closed
    c["_overdue"] = ~is_closed & (c["due_date"] < as_of)
    c["_closed"] = is_closed
    c["_on_time"] = is_closed & (cd <= c["due_date"])
    c["_due"] = c["due_date"] < as_of
    g = c.groupby(by, dropna=False)
    out = pd.DataFrame(
        {
            "cases": g.size(),
            "open": g["_open"].sum(),
            "overdue": g["_overdue"].sum(),
            "closed": g["_closed"].sum(),
            "closed_on_time": g["_on_time"].sum(),
            "due": g["_due"].sum(),
        }
    ).astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["sla_attainment"] = np.where(out["due"] > 0, out["closed_on_time"] / out["due"], np.nan)
    return out.reset_index()


def call_list(
    cases: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    account: str = "account_id",
    revenue: str = "arr",
    as_of: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Open cases as a call list, most revenue at stake first, then the lowest score, then the
    earliest due date. Adds ``revenue_at_stake`` from ``accounts`` when given."""
    c = cases.copy()
    if "closed_date" in c:
        c = c[c["closed_date"].isna()]
    if as_of is not None:
        c = c[c["opened"] <= pd.Timestamp(as_of)]
    if accounts is not None:
        c = c.merge(
            accounts[[account, revenue]].rename(columns={revenue: "revenue_at_stake"}),
            on=account,
            how="left",
        )
    else:
        c["revenue_at_stake"] = np.nan
    score = "ltr" if "ltr" in c else c.columns[0]
    return c.sort_values(
        ["revenue_at_stake", score, "due_date"], ascending=[False, True, True], na_position="last"
    ).reset_index(drop=True)


def export_call_list(calls: pd.DataFrame, path: str | Path) -> Path:
    """Write a call list to ``.csv`` (UTF-8 with BOM, opens cleanly in Excel) or ``.xlsx``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = calls.copy()
    for col in out.select_dtypes(include=["datetime64[ns]", "datetime64[us]"]).columns:
        out[col] = out[col].dt.strftime("%Y-%m-%d")
    if path.suffix.lower() == ".csv":
        out.to_csv(path, index=False, encoding="utf-8-sig")
    elif path.suffix.lower() == ".xlsx":
        out.to_excel(path, index=False, sheet_name="call list")
    else:
        raise ParameterError(f"export_call_list: use a .csv or .xlsx path, got {path.name}")
    return path
