"""Close the loop: a follow-up case for every detractor response, routed to the owner of its
touchpoint and due 14 days after the response; open / overdue / closed counts, SLA attainment
and an exportable call list.

Responses whose touchpoint has no owner still get a case, marked ``routed = False`` and owned
by ``"(no owner)"``; :func:`unrouted` lists them so that someone is named. Nothing is dropped.
SLA shares in result tables are percentages (0–100); intervals come from :mod:`cxm_lab.stats`.

Examples
--------
>>> r = pd.DataFrame({"response_id": ["R1", "R2"], "ltr": [3, 10],
...                   "touchpoint": ["billing", "qbr"],
...                   "response_date": ["2026-07-01", "2026-07-02"]})
>>> owners = pd.DataFrame({"touchpoint": ["billing"], "owner_team": ["Finance Ops"]})
>>> make_cases(r, owners).loc[0, ["response_id", "owner_team", "due_date"]].tolist()
['R1', 'Finance Ops', Timestamp('2026-07-15 00:00:00')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cxm_lab import stats
from cxm_lab.docstrings import fill
from cxm_lab.errors import (
    DataError,
    ParameterError,
    as_list,
    check_dates,
    check_int,
    check_level,
    check_money,
    need,
)
from cxm_lab.metrics import nps_category

__all__ = [
    "CALL_LIST_COLUMNS",
    "UNROUTED",
    "CaseStatus",
    "call_list",
    "case_status",
    "export_call_list",
    "make_cases",
    "unrouted",
]

#: Owner shown on a case whose touchpoint has no owner.
UNROUTED = "(no owner)"
#: Columns of an exported call list, in order (those present are written).
CALL_LIST_COLUMNS: tuple[str, ...] = (
    "priority",
    "case_id",
    "account_id",
    "account_name",
    "contact_id",
    "name",
    "role",
    "touchpoint",
    "owner_team",
    "ltr",
    "revenue_at_stake",
    "opened",
    "due_date",
    "overdue",
    "comment",
)


@fill
def make_cases(
    responses: pd.DataFrame,
    owners: pd.DataFrame,
    *,
    score: str = "ltr",
    category: str | None = None,
    touchpoint: str = "touchpoint",
    date: str = "response_date",
    owner: str = "owner_team",
    due_days: int = 14,
    keep: Sequence[str] = (
        "response_id",
        "account_id",
        "contact_id",
        "role",
        "segment",
        "survey_type",
        "quarter",
        "comment",
    ),
) -> pd.DataFrame:
    """One case per detractor response, routed to its touchpoint's owner.

    A response is a detractor when ``category`` (if given) equals ``"detractor"``, otherwise
    when :func:`~cxm_lab.metrics.nps_category` of ``score`` is detractor (0–6). Due date =
    response date + ``due_days`` days (DOMAIN.md: within 14 days).

    Parameters
    ----------
    responses : DataFrame
        Survey responses.
    owners : DataFrame
        One row per touchpoint with its ``owner`` (and e.g. ``owner_email``).
    {{score}}
    category : str or None
        A precomputed category column (takes precedence over ``score``).
    touchpoint : str
        Touchpoint column, in both tables.
    {{date}}
    owner : str
        Owner column of ``owners``.
    due_days : int
        Days allowed to close a case (at least 0).
    keep : sequence of str
        Response columns carried onto the case when present.

    Returns
    -------
    DataFrame
        ``case_id``, kept columns, ``score``, ``touchpoint``, owner columns, ``routed``,
        ``opened``, ``due_date``; :func:`unrouted` counts the cases with no owner.

    Raises
    ------
    ColumnError
        When a named column is missing.
    DataError
        Duplicate touchpoints in ``owners`` (ambiguous routing) or an unparseable date.
    ParameterError
        When ``due_days`` is negative.

    Examples
    --------
    >>> r = pd.DataFrame({"response_id": ["R1", "R2"], "ltr": [3, 10],
    ...                   "touchpoint": ["web", "qbr"],
    ...                   "response_date": ["2026-07-01", "2026-07-02"]})
    >>> make_cases(r, pd.DataFrame({"touchpoint": ["qbr"], "owner_team": ["Sales"]}))[
    ...     ["response_id", "owner_team", "routed"]].values.tolist()
    [['R1', '(no owner)', False]]
    """
    due_days = check_int(due_days, "due_days", "make_cases", 0, "pass e.g. 14")
    need(responses, [score if category is None else category, touchpoint, date], "responses")
    need(owners, [touchpoint, owner], "touchpoint owners")
    dup = owners[touchpoint].duplicated(keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError(
            f"touchpoint owners: column '{touchpoint}' row {i + 1}: touchpoint "
            f"{owners[touchpoint].iloc[i]!r} has more than one owner; keep one row per touchpoint"
        )
    opened = check_dates(responses, date, file="responses")
    if category is not None:
        is_det = (responses[category].astype("string") == "detractor").fillna(False)
    else:
        is_det = (nps_category(responses[score]).astype("string") == "detractor").fillna(False)
    det = responses.loc[is_det.to_numpy()]
    cols = [c for c in keep if c in det.columns and c not in (score, touchpoint, date)]
    base = det[[*cols, *[c for c in (score, category) if c is not None], touchpoint]].copy()
    base["opened"] = opened.loc[det.index].to_numpy()
    cases = base.merge(owners, on=touchpoint, how="left", validate="many_to_one")
    cases["routed"] = cases[owner].notna()
    cases[owner] = cases[owner].astype("string").fillna(UNROUTED)
    cases["due_date"] = cases["opened"] + pd.Timedelta(days=due_days)
    cases.insert(0, "case_id", [f"CASE-{i:06d}" for i in range(1, len(cases) + 1)])
    return cases.reset_index(drop=True)


def unrouted(cases: pd.DataFrame, *, touchpoint: str = "touchpoint") -> pd.DataFrame:
    """Cases whose touchpoint has no owner, counted per touchpoint (missing touchpoint shown
    as ``"(missing)"``), so that an owner can be assigned.

    Parameters
    ----------
    cases : DataFrame
        From :func:`make_cases` (with its ``routed`` column).
    touchpoint : str
        Touchpoint column.

    Returns
    -------
    DataFrame
        ``touchpoint``, ``cases``; most cases first (empty when every case was routed).

    Raises
    ------
    ColumnError
        When ``touchpoint`` or ``routed`` is missing.

    Examples
    --------
    >>> c = pd.DataFrame({"touchpoint": ["web", "web", "qbr"], "routed": [False, False, True]})
    >>> unrouted(c).to_dict("records")
    [{'touchpoint': 'web', 'cases': 2}]
    """
    need(cases, [touchpoint, "routed"], "cases")
    u = cases.loc[~cases["routed"].astype(bool), touchpoint].astype("string").fillna("(missing)")
    return u.value_counts().rename_axis(touchpoint).rename("cases").reset_index()


def _closure_dates(
    cases: pd.DataFrame, closed: pd.DataFrame | pd.Series | None, key: str
) -> pd.Series:
    if closed is None:
        if "closed_date" in cases.columns:
            return check_dates(cases, "closed_date", file="cases")
        return pd.Series(pd.NaT, index=cases.index, dtype="datetime64[us]")
    if isinstance(closed, pd.Series):
        if not closed.index.equals(cases.index):
            raise ParameterError(
                "case_status: 'closed' Series must be aligned with the cases index"
            )
        return check_dates(closed.to_frame("closed_date"), "closed_date", file="closures")
    need(closed, [key, "closed_date"], "case closures")
    dup = closed[key].duplicated(keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError(
            f"case closures: column '{key}' row {i + 1}: {closed[key].iloc[i]!r} is closed more "
            "than once; keep the first closure only"
        )
    dates = check_dates(closed, "closed_date", file="case closures")
    lookup = pd.Series(dates.to_numpy(), index=closed[key].to_numpy())
    return cases[key].map(lookup)


@dataclass(frozen=True)
class CaseStatus:
    """Case status per group on a day (:func:`case_status`).

    Attributes
    ----------
    table : DataFrame
        ``by``, ``cases``, ``open``, ``overdue``, ``closed``, ``closed_on_time``, ``judged``,
        ``sla_attainment``, ``sla_ci_low``, ``sla_ci_high`` (%, 0–100).
    not_yet_opened : int
        Cases opened after ``as_of``: left out.
    """

    table: pd.DataFrame
    not_yet_opened: int


@fill
def case_status(
    cases: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp,
    closed: pd.DataFrame | pd.Series | None = None,
    by: str | Sequence[str] | None = "owner_team",
    key: str = "response_id",
    ci: float = 0.95,
) -> CaseStatus:
    """Open, overdue and closed cases and SLA attainment per owner (or touchpoint).

    A case opened on or before ``as_of`` is *closed* when its closure date is on or before
    ``as_of``, *overdue* when still open after its due date, *on time* when closed on or before
    its due date. SLA attainment = 100 × closed on time / cases whose due date has passed or
    that are closed (%; cases still inside their window and open are not yet judged), with a
    Wilson interval (:func:`cxm_lab.stats.wilson`).

    Parameters
    ----------
    cases : DataFrame
        From :func:`make_cases`.
    {{as_of}}
    closed : DataFrame, Series or None
        Closures: a table with ``key`` and ``closed_date`` (e.g. the demo ``case_closures``),
        a Series of closure dates aligned with ``cases``, or None to use a ``closed_date``
        column of ``cases`` (all open when absent).
    {{by}}
    key : str
        Case column matching the closures' ``key`` column.
    {{ci}}

    Returns
    -------
    CaseStatus
        The status ``table`` per group and the count of cases ``not_yet_opened``.

    Raises
    ------
    ColumnError
        When a named column is missing.
    DataError
        For an unparseable date or a case closed more than once.
    ParameterError
        When a closure Series is not aligned with ``cases`` or ``ci`` is not a level.

    Examples
    --------
    >>> c = pd.DataFrame({"owner_team": ["X", "X", "X"], "response_id": ["a", "b", "c"],
    ...                   "opened": pd.to_datetime(["2026-01-01"] * 3),
    ...                   "due_date": pd.to_datetime(["2026-01-15"] * 3),
    ...                   "closed_date": ["2026-01-10", "2026-01-20", None]})
    >>> s = case_status(c, as_of="2026-02-01").table  # 1 of 3 due cases closed on time
    >>> s[["open", "overdue", "closed"]].values.tolist(), round(float(s["sla_attainment"][0]), 2)
    ([[1, 1, 2]], 33.33)
    """
    ci = check_level(ci, "case_status")
    keys = as_list(by)
    need(cases, [*keys, "opened", "due_date"], "cases")
    as_of = pd.Timestamp(as_of)
    cd = _closure_dates(cases, closed, key)
    within = (cases["opened"] <= as_of).to_numpy()
    c = cases.loc[within, keys].copy()
    cdw = cd.loc[within]
    due = cases.loc[within, "due_date"]
    is_closed = (cdw.notna() & (cdw <= as_of)).to_numpy()
    c["_open"] = ~is_closed
    c["_overdue"] = ~is_closed & (due < as_of).to_numpy()
    c["_closed"] = is_closed
    c["_on_time"] = is_closed & (cdw <= due).to_numpy()
    c["_judged"] = is_closed | (due < as_of).to_numpy()
    g = c.groupby(keys if keys else np.zeros(len(c), int), dropna=False, sort=True)
    out = pd.DataFrame(
        {
            "cases": g.size(),
            "open": g["_open"].sum(),
            "overdue": g["_overdue"].sum(),
            "closed": g["_closed"].sum(),
            "closed_on_time": g["_on_time"].sum(),
            "judged": g["_judged"].sum(),
        }
    ).astype(int)
    judged = out["judged"].to_numpy(float)
    ok = out["closed_on_time"].to_numpy(float)
    out["sla_attainment"] = 100 * ok / np.where(judged > 0, judged, np.nan)
    lo, hi = stats.wilson(ok, judged, ci=ci)
    out["sla_ci_low"], out["sla_ci_high"] = 100 * lo, 100 * hi
    out = out.reset_index(drop=not keys)
    return CaseStatus(table=out, not_yet_opened=int((~within).sum()))


@fill
def call_list(
    cases: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp,
    closed: pd.DataFrame | pd.Series | None = None,
    accounts: pd.DataFrame | None = None,
    contacts: pd.DataFrame | None = None,
    account: str = "account_id",
    contact: str = "contact_id",
    revenue: str = "arr",
    score: str = "ltr",
    key: str = "response_id",
) -> pd.DataFrame:
    """Open cases as a prioritised call list.

    Priority order: overdue first, then most revenue at stake (the account's ``revenue``,
    e.g. ARR), then the lowest score, then the earliest due date; ``priority`` numbers the rows
    1..n. Accounts without a revenue figure sort last within their group (kept, not dropped).

    Parameters
    ----------
    cases : DataFrame
        From :func:`make_cases`.
    {{as_of}}
    closed : DataFrame, Series or None
        Closures, as in :func:`case_status`.
    accounts : DataFrame or None
        One row per account with ``revenue`` (and e.g. ``account_name``, ``segment``).
    contacts : DataFrame or None
        One row per contact (``name``, ``email``, ``phone``, ``role`` are carried over).
    account, contact : str
        Account and contact key columns.
    revenue : str
        Money column of ``accounts`` ranking the calls.
    {{score}}
    key : str
        Case column matching the closures' ``key`` column.

    Returns
    -------
    DataFrame
        The open cases with ``revenue_at_stake``, account and contact details when given,
        ``overdue`` and ``priority``.

    Raises
    ------
    ColumnError
        When a named column is missing.
    DataError
        For duplicate account keys, an invalid amount or an unparseable date.

    Examples
    --------
    >>> c = pd.DataFrame({"response_id": ["a", "b"], "account_id": ["A", "B"], "ltr": [5, 2],
    ...                   "opened": pd.to_datetime(["2026-01-01"] * 2),
    ...                   "due_date": pd.to_datetime(["2026-01-15"] * 2)})
    >>> acc = pd.DataFrame({"account_id": ["A", "B"], "arr": [500.0, 100.0]})
    >>> call_list(c, as_of="2026-01-05", accounts=acc)["account_id"].tolist()
    ['A', 'B']
    """
    need(cases, ["opened", "due_date"], "cases")
    as_of = pd.Timestamp(as_of)
    cd = _closure_dates(cases, closed, key)
    open_ = (cases["opened"] <= as_of) & ~(cd.notna() & (cd <= as_of))
    c = cases.loc[open_.to_numpy()].copy()
    if accounts is not None:
        need(accounts, [account, revenue], "accounts")
        if accounts[account].duplicated().any():
            raise DataError(f"accounts: column '{account}' has duplicate keys")
        money = check_money(accounts, revenue, file="accounts")
        extra = [x for x in ("account_name", "segment") if x in accounts and x not in c]
        acc = accounts[[account, *extra]].assign(revenue_at_stake=money.to_numpy())
        c = c.merge(acc, on=account, how="left")
    else:
        c["revenue_at_stake"] = np.nan
    if contacts is not None:
        need(contacts, [contact], "contacts")
        extra = [x for x in ("name", "email", "phone", "role") if x in contacts and x not in c]
        c = c.merge(contacts[[contact, *extra]], on=contact, how="left", validate="many_to_one")
    c["overdue"] = (c["due_date"] < as_of).to_numpy()
    sort_cols = ["overdue", "revenue_at_stake", *([score] if score in c else []), "due_date"]
    ascending = [False, False, *([True] if score in c else []), True]
    c = c.sort_values(sort_cols, ascending=ascending, na_position="last", kind="stable")
    c = c.reset_index(drop=True)
    c.insert(0, "priority", np.arange(1, len(c) + 1))
    return c


def export_call_list(
    calls: pd.DataFrame,
    path: str | Path,
    *,
    columns: Sequence[str] = CALL_LIST_COLUMNS,
) -> Path:
    """Write a call list (from :func:`call_list`) to ``.csv`` or ``.xlsx`` by suffix.

    Keeps ``columns`` that are present, in that order, sorted by ``priority``; dates are
    written as YYYY-MM-DD. CSV is UTF-8 with a byte-order mark so that Excel shows non-Latin
    comments correctly. Comments and names are data: a text cell that a spreadsheet would run
    as a formula (``=HYPERLINK(...)``, ``+...``, ``-...``, ``@...``) is written with a leading
    ``'`` and XLSX text cells are always strings (:func:`cxm_lab.safe.write_csv`,
    :func:`cxm_lab.safe.write_xlsx`); numbers stay numbers.

    Parameters
    ----------
    calls : DataFrame
        From :func:`call_list`.
    path : str or Path
        File to write (``.csv`` or ``.xlsx``); missing folders are created.
    columns : sequence of str
        Columns written, in this order, when present.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ParameterError
        For any other suffix, or when the table has none of ``columns``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "calls.csv"
    >>> export_call_list(pd.DataFrame({"priority": [1], "case_id": ["CASE-1"]}), p).name
    'calls.csv'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ParameterError(f"export_call_list: use a .csv or .xlsx path, got {path.name!r}")
    cols = [c for c in columns if c in calls.columns]
    if not cols:
        raise ParameterError(
            f"export_call_list: none of the call-list columns {list(columns)} are in the table"
        )
    out = calls[cols].copy()
    if "priority" in out:
        out = out.sort_values("priority", kind="stable")
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    path.parent.mkdir(parents=True, exist_ok=True)
    from cxm_lab import safe  # the one escaping layer: no cell is ever a live formula

    if suffix == ".csv":
        safe.write_csv(out, path)
    else:
        safe.write_xlsx(out, path, sheet_name="call list")
    return path
