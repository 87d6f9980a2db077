"""Churn over time and its reasons: logo churn per calendar month (optionally by NPS category)
with Wilson intervals, and who left, why and how much revenue went with them.

Rates in result tables are percentages (0–100); intervals come from :mod:`cxm_lab.stats`.
Links between churn and a score are observational (:data:`cxm_lab.revenue.NOTE`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxm_lab import stats
from cxm_lab.docstrings import fill
from cxm_lab.errors import ParameterError, check_dates, check_level, check_money, need

__all__ = ["churn_reasons", "monthly_churn"]


@fill
def monthly_churn(
    accounts: pd.DataFrame,
    *,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp,
    by: str | None = None,
    account: str = "account_id",
    contract_start: str = "contract_start",
    churn_date: str = "churn_date",
    revenue: str | None = "arr",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Logo churn per calendar month in [start, end), optionally by a group (e.g. NPS category).

    For month m: ``active`` = accounts with contract start before the end of m and no churn
    before the start of m; ``churned`` = churn date within m; ``churn_rate`` = 100 × churned /
    active (%) with a Wilson interval; ``lost_revenue`` = Σ ``revenue`` (e.g. ARR) of the
    churned.

    Parameters
    ----------
    accounts : DataFrame
        One row per account with contract start and churn date (empty when active).
    start, end : str or Timestamp
        Months reported (start inclusive, end exclusive).
    by : str or None
        Account column to split by; missing values become ``"(none)"``.
    account, contract_start, churn_date : str
        Account key, contract start and churn date columns.
    revenue : str or None
        Money column summed over the churned accounts (None: ``lost_revenue`` is 0).
    {{ci}}

    Returns
    -------
    DataFrame
        ``month`` (first day), [``by``], ``active``, ``churned``, ``churn_rate``, ``ci_low``,
        ``ci_high`` (%, 0–100), ``lost_revenue``.

    Raises
    ------
    ColumnError
        When a named column is missing.
    DataError
        For an unparseable date or an invalid amount (row named).

    Examples
    --------
    >>> a = pd.DataFrame({"account_id": ["A", "B"], "contract_start": ["2025-01-01"] * 2,
    ...                   "churn_date": ["2025-02-10", None], "arr": [10.0, 20.0]})
    >>> m = monthly_churn(a, start="2025-01-01", end="2025-04-01")
    >>> m["churned"].tolist(), m["churn_rate"].tolist()  # February: 1 of 2 active
    ([0, 1, 0], [0.0, 50.0, 0.0])
    """
    ci = check_level(ci, "monthly_churn")
    need(accounts, [account, contract_start, churn_date, by, revenue], "accounts")
    cs = check_dates(accounts, contract_start, file="accounts").to_numpy()
    cd = check_dates(accounts, churn_date, file="accounts").to_numpy()
    rev = (
        check_money(accounts, revenue, file="accounts").fillna(0.0).to_numpy()
        if revenue is not None
        else np.zeros(len(accounts))
    )
    group = (
        accounts[by].astype("string").fillna("(none)").to_numpy()
        if by is not None
        else np.full(len(accounts), "")
    )
    months = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="MS", inclusive="left")
    rows = []
    for m in months:
        m0, m1 = m.to_datetime64(), (m + pd.DateOffset(months=1)).to_datetime64()
        act = (cs < m1) & (pd.isna(cd) | (cd >= m0))
        chn = act & ~pd.isna(cd) & (cd < m1)
        for gname in np.unique(group):
            sel = group == gname
            rows.append(
                {
                    "month": m,
                    "group": gname,
                    "active": int((act & sel).sum()),
                    "churned": int((chn & sel).sum()),
                    "lost_revenue": float(rev[chn & sel].sum()),
                }
            )
    out = pd.DataFrame(rows, columns=["month", "group", "active", "churned", "lost_revenue"])
    k, n = out["churned"].to_numpy(float), out["active"].to_numpy(float)
    out["churn_rate"] = 100 * k / np.where(n > 0, n, np.nan)
    lo, hi = stats.wilson(k, n, ci=ci)
    out["ci_low"], out["ci_high"] = 100 * lo, 100 * hi
    out = out[
        ["month", "group", "active", "churned", "churn_rate", "ci_low", "ci_high", "lost_revenue"]
    ]
    return out.rename(columns={"group": by}) if by is not None else out.drop(columns="group")


def churn_reasons(
    accounts: pd.DataFrame,
    *,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    by: str | None = None,
    churn_date: str | None = "churn_date",
    reason: str = "churn_reason",
    revenue: str | None = "arr",
    churned: str | None = None,
) -> pd.DataFrame:
    """Who churned in [start, end) and why: accounts and revenue per reason (and group).

    Churned accounts without a recorded reason are counted under ``"(not recorded)"``. When
    the data has no churn dates (e.g. a snapshot), pass ``churn_date=None`` and a boolean
    ``churned`` column instead of ``start`` and ``end``.

    Parameters
    ----------
    accounts : DataFrame
        One row per account.
    start, end : str, Timestamp or None
        The period (start inclusive, end exclusive); both required with ``churn_date``.
    by : str or None
        Account column to split by (e.g. NPS category); missing values become ``"(none)"``.
    churn_date : str or None
        Churn date column; None to use ``churned``.
    reason : str
        Churn reason column.
    revenue : str or None
        Money column summed over the churned accounts (None: ``lost_revenue`` is 0).
    churned : str or None
        Boolean churn column, used when ``churn_date`` is None.

    Returns
    -------
    DataFrame
        [``by``], ``reason``, ``accounts``, ``share`` (% of the group's churned accounts,
        0–100), ``lost_revenue``; sorted by accounts, most first.

    Raises
    ------
    ColumnError
        When a named column is missing.
    ParameterError
        When neither a churn date with ``start`` and ``end`` nor a ``churned`` column is given.
    DataError
        For an unparseable date or an invalid amount (row named).

    Examples
    --------
    >>> a = pd.DataFrame({"churn_date": ["2025-02-10", "2025-03-01", None],
    ...                   "churn_reason": ["price", None, None], "arr": [10.0, 5.0, 1.0]})
    >>> r = churn_reasons(a, start="2025-01-01", end="2026-01-01")
    >>> r["reason"].tolist(), r["share"].tolist()
    (['(not recorded)', 'price'], [50.0, 50.0])
    """
    need(accounts, [churn_date, reason, by, revenue, churned], "accounts")
    if churn_date is not None:
        if start is None or end is None:
            raise ParameterError(
                "churn_reasons: start and end are required with churn_date; pass the period, "
                "or churn_date=None with a boolean churned column"
            )
        cd = check_dates(accounts, churn_date, file="accounts")
        sel = ((cd >= pd.Timestamp(start)) & (cd < pd.Timestamp(end))).to_numpy()
    elif churned is not None:
        sel = accounts[churned].astype(bool).to_numpy()
    else:
        raise ParameterError("churn_reasons: give churn_date (with start, end) or churned")
    ch = accounts.loc[sel]
    frame = pd.DataFrame(
        {
            "reason": ch[reason].astype("string").fillna("(not recorded)").to_numpy(),
            "rev": check_money(ch, revenue, file="accounts").fillna(0.0).to_numpy()
            if revenue is not None
            else 0.0,
        }
    )
    keys = ["reason"]
    if by is not None:
        frame[by] = ch[by].astype("string").fillna("(none)").to_numpy()
        keys = [by, "reason"]
    g = frame.groupby(keys, sort=True)
    out = pd.DataFrame({"accounts": g.size(), "lost_revenue": g["rev"].sum()}).reset_index()
    totals = out.groupby(by)["accounts"].transform("sum") if by else out["accounts"].sum()
    out["share"] = 100 * out["accounts"] / totals
    out = out.sort_values(
        [*keys[:-1], "accounts", "reason"], ascending=[*[True] * (len(keys) - 1), False, True]
    )
    return out[[*keys, "accounts", "share", "lost_revenue"]].reset_index(drop=True)
