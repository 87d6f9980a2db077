"""Responses to accounts: the CRM join, the account roll-up of many contacts' scores and the
prospective account panel that the money modules work on.

The panel (:func:`account_panel`) is the intended design: the score is measured in a baseline
window before ``as_of`` and churn / revenue are observed in the window after it, so the score is
never read after the outcome it is linked to. Every link it supports is observational
(:data:`cxm_lab.revenue.NOTE`).

Money columns are checked by :func:`~cxm_lab.errors.check_money` (numeric, not negative, one
currency) and date columns by :func:`~cxm_lab.errors.check_dates`; both raise
:class:`~cxm_lab.errors.DataError` naming the file, column and row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxm_lab import stats
from cxm_lab.docstrings import fill
from cxm_lab.errors import DataError, check_dates, check_int, check_money, first_bad, need
from cxm_lab.metrics import nps_category

__all__ = [
    "DEFAULT_ROLE_WEIGHTS",
    "AccountPanel",
    "AccountScores",
    "LinkResult",
    "account_nps",
    "account_panel",
    "link_responses",
]

#: Weight per contact role when ``weight="role"`` (a common B2B convention: decision makers count more).
DEFAULT_ROLE_WEIGHTS: dict[str, float] = {"executive": 3.0, "technical": 1.5, "user": 1.0}
PANEL_KEEP: tuple[str, ...] = (
    "segment",
    "region",
    "arr",
    "contract_start",
    "churn_date",
    "churn_reason",
)


# --------------------------------------------------------------------------- linking


@dataclass(frozen=True)
class LinkResult:
    """Responses joined to CRM records (:func:`link_responses`).

    Attributes
    ----------
    matched : DataFrame
        Responses with their CRM columns (one row per matched response).
    unmatched : DataFrame
        Responses with no CRM record, with a ``reason`` column ("missing key" or
        "key not in CRM"): reported, never dropped.
    n_read : int
        Responses in; ``n_read == len(matched) + len(unmatched)`` always.
    """

    matched: pd.DataFrame
    unmatched: pd.DataFrame
    n_read: int

    def summary(self) -> pd.DataFrame:
        """One-row table: read, matched, unmatched, ``match_rate`` (% of read, 0–100)."""
        return pd.DataFrame(
            {
                "read": [self.n_read],
                "matched": [len(self.matched)],
                "unmatched": [len(self.unmatched)],
                "match_rate": [100 * len(self.matched) / self.n_read if self.n_read else np.nan],
            }
        )


def link_responses(
    responses: pd.DataFrame,
    crm: pd.DataFrame,
    *,
    account: str = "account_id",
    suffixes: tuple[str, str] = ("", "_crm"),
) -> LinkResult:
    """Join survey responses to a CRM table holding one row per ``account`` key (left join).

    Parameters
    ----------
    responses : DataFrame
        Survey responses with the key column.
    crm : DataFrame
        CRM records (accounts or customers), one row per key.
    account : str
        Key column in both tables (account or customer id).
    suffixes : tuple of str
        Suffixes for clashing column names (responses keep theirs by default).

    Returns
    -------
    LinkResult
        ``matched`` + ``unmatched`` (with ``reason``); counts reconcile with ``n_read``.

    Raises
    ------
    ColumnError
        When the key column is missing from either table.
    DataError
        When the CRM table repeats a key (the join would multiply responses).

    Examples
    --------
    >>> r = pd.DataFrame({"account_id": ["A1", "A2", None], "ltr": [9, 3, 7]})
    >>> crm = pd.DataFrame({"account_id": ["A1"], "arr": [100.0]})
    >>> res = link_responses(r, crm)
    >>> len(res.matched), res.unmatched["reason"].tolist()
    (1, ['key not in CRM', 'missing key'])
    >>> round(float(res.summary().loc[0, "match_rate"]), 1)  # 1 of 3
    33.3
    """
    on = account
    need(responses, [on], "responses")
    need(crm, [on], "crm")
    dup = crm[on].duplicated(keep=False) & crm[on].notna()
    if dup.any():
        i = first_bad(dup)
        raise DataError(
            f"crm: column '{on}' row {i + 1}: key {crm[on].iloc[i]!r} appears "
            f"{int((crm[on] == crm[on].iloc[i]).sum())} times ({int(dup.sum())} rows share duplicate "
            "keys); keep one CRM row per key"
        )
    merged = responses.merge(
        crm.dropna(subset=[on]), on=on, how="left", suffixes=suffixes, indicator=True
    )
    hit = (merged.pop("_merge") == "both").to_numpy()
    unmatched = responses.loc[~hit].copy()
    unmatched["reason"] = np.where(unmatched[on].isna().to_numpy(), "missing key", "key not in CRM")
    return LinkResult(
        matched=merged.loc[hit].reset_index(drop=True),
        unmatched=unmatched.reset_index(drop=True),
        n_read=len(responses),
    )


# --------------------------------------------------------------------------- account roll-up


@dataclass(frozen=True)
class AccountScores:
    """One NPS per account (:func:`account_nps`).

    Attributes
    ----------
    table : DataFrame
        ``account``, ``responses``, ``promoters``, ``detractors``, ``account_nps`` (points,
        −100 to 100), ``mean_ltr``, ``category``.
    n_missing_score : int
        Responses without a score: not used, reported.
    """

    table: pd.DataFrame
    n_missing_score: int


@fill
def account_nps(
    responses: pd.DataFrame,
    *,
    account: str = "account_id",
    score: str = "ltr",
    weight: str | None = None,
    role_weights: Mapping[str, float] | None = None,
    role: str = "role",
) -> AccountScores:
    """Roll many contacts' answers up to one NPS per account (B2B).

    Formula: with weights w_i over an account's responses,
    account NPS = 100 × (Σ w_i·[promoter_i] − Σ w_i·[detractor_i]) / Σ w_i and
    mean_ltr = Σ w_i x_i / Σ w_i. The account's ``category`` is
    :func:`~cxm_lab.metrics.nps_category` of its weighted mean score.

    Parameters
    ----------
    responses : DataFrame
        One row per response.
    account : str
        Account key column.
    {{score}}
    weight : None, "role" or a column name
        None: every response counts once; ``"role"``: weights from ``role_weights`` (default
        :data:`DEFAULT_ROLE_WEIGHTS`: executive 3, technical 1.5, user 1); any other column:
        its values are the weights (e.g. revenue or survey weight).
    role_weights : mapping, optional
        Weight per role when ``weight="role"``.
    role : str
        Role column.

    Returns
    -------
    AccountScores
        ``table`` with one row per account and ``n_missing_score``.

    Raises
    ------
    ColumnError
        When a named column is missing.
    DataError
        When a role has no weight or a weight is missing or negative (row named).

    Examples
    --------
    >>> r = pd.DataFrame({"account_id": ["A", "A", "B"], "ltr": [10, 3, 8],
    ...                   "role": ["executive", "user", "user"]})
    >>> account_nps(r, weight="role").table["account_nps"].tolist()  # A: 100 (3 - 1) / 4
    [50.0, 0.0]
    """
    need(responses, [account, score], "account_nps")
    has = responses[score].notna()
    r = responses.loc[has]
    cat = nps_category(r[score]).astype(str).to_numpy()
    if weight is None:
        w = np.ones(len(r))
    elif weight == "role":
        need(r, [role], "account_nps")
        weights = dict(role_weights or DEFAULT_ROLE_WEIGHTS)
        mapped = r[role].map(weights)
        if mapped.isna().any():
            i = first_bad(mapped.isna())
            raise DataError(
                f"account_nps: column '{role}' row {i + 1}: no weight for role {r[role].iloc[i]!r}; "
                f"pass role_weights with a weight for each of {sorted(r[role].dropna().unique())}"
            )
        w = mapped.to_numpy(float)
    else:
        need(r, [weight], "account_nps")
        w = pd.to_numeric(r[weight], errors="coerce").to_numpy(float)
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            i = first_bad(bad)
            raise DataError(
                f"account_nps: column '{weight}' row {i + 1}: weight {r[weight].iloc[i]!r} "
                "is missing, non-numeric or negative"
            )
    x = pd.to_numeric(r[score]).to_numpy(float)
    frame = pd.DataFrame(
        {
            account: r[account].to_numpy(),
            "n": 1,
            "w": w,
            "wx": w * x,
            "wp": w * (cat == "promoter"),
            "wd": w * (cat == "detractor"),
            "p": (cat == "promoter").astype(int),
            "d": (cat == "detractor").astype(int),
        }
    )
    s = frame.groupby(account, sort=True).sum()
    out = pd.DataFrame(
        {
            "responses": s["n"],
            "promoters": s["p"],
            "detractors": s["d"],
            "account_nps": 100 * stats.net_score(s["wp"], s["wd"], s["w"]).estimate,
            "mean_ltr": s["wx"] / s["w"],
        }
    )
    out["category"] = nps_category(out["mean_ltr"]).to_numpy()
    return AccountScores(table=out.reset_index(), n_missing_score=int((~has).sum()))


# --------------------------------------------------------------------------- account panel


@dataclass(frozen=True)
class AccountPanel:
    """One row per account active at ``as_of`` (:func:`account_panel`).

    Attributes
    ----------
    table : DataFrame
        The panel (columns in :func:`account_panel`).
    as_of : Timestamp
        Boundary between the baseline and outcome windows.
    n_churned_before : int
        Accounts churned before ``as_of``: left out of the panel.
    n_no_response : int
        Panel accounts without a baseline response (their scores are NaN).
    outcome_observed_months : int
        Months of the outcome window the revenue data covers (outcomes are incomplete when it
        is below ``horizon_months``).
    """

    table: pd.DataFrame
    as_of: pd.Timestamp
    n_churned_before: int
    n_no_response: int
    outcome_observed_months: int


def _months_between(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@fill
def account_panel(
    responses: pd.DataFrame,
    accounts: pd.DataFrame,
    revenue: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp,
    baseline_months: int = 12,
    horizon_months: int = 12,
    account: str = "account_id",
    score: str = "ltr",
    date: str = "response_date",
    churn_date: str = "churn_date",
    month: str = "month",
    amount: str = "revenue",
    weight: str | None = None,
    keep: Sequence[str] = PANEL_KEEP,
) -> AccountPanel:
    """One row per account active at ``as_of``: baseline NPS before, outcomes after.

    Baseline window B = [as_of − ``baseline_months``, as_of): account NPS (:func:`account_nps`),
    ``nps_change`` = account NPS in the second half of B − in the first half (points; NaN when a
    half has no response), ``revenue_before`` = revenue in B annualised to 12 months,
    ``revenue_trend`` = 100 × (revenue in the second half of B / first half − 1) (%). Outcome
    window O = [as_of, as_of + ``horizon_months``): ``churned`` (churn date in O),
    ``revenue_after`` (revenue in O annualised), ``revenue_change`` = after − before,
    ``nrr`` = 100 × after / before (net revenue retention, %). Accounts churned before
    ``as_of`` are left out (counted in ``n_churned_before``); accounts without a baseline
    response keep NaN scores (``n_no_response``).

    Parameters
    ----------
    responses, accounts, revenue : DataFrame
        Demo-contract tables (see docs/ARCHITECTURE.md): responses, one row per account
        (with ``churn_date``), monthly revenue per account.
    as_of : str or Timestamp
        Boundary between the baseline and outcome windows.
    baseline_months, horizon_months : int
        Window lengths in months (at least 1).
    account : str
        Account key column in all three tables.
    {{score}}
    {{date}}
    churn_date : str
        Churn date column of ``accounts`` (empty while active).
    month, amount : str
        Month (first day) and amount columns of ``revenue``.
    weight : None, "role" or a column name
        Contact weights of the roll-up (:func:`account_nps`).
    keep : sequence of str
        Account columns carried into the panel when present.

    Returns
    -------
    AccountPanel
        The panel ``table`` and the counts of accounts left out or without a score.

    Raises
    ------
    ColumnError
        When a named column is missing.
    DataError
        For an unparseable date or an invalid money amount (file, column and row named).
    ParameterError
        When a window length is not a positive whole number.

    Examples
    --------
    >>> from cxm_lab.demo import load_demo
    >>> d = load_demo()
    >>> p = account_panel(d.responses, d.accounts, d.revenue, as_of="2025-10-01")
    >>> len(p.table) + p.n_churned_before == len(d.accounts)
    True
    """
    check_int(baseline_months, "baseline_months", "account_panel", 1, "pass e.g. 12")
    check_int(horizon_months, "horizon_months", "account_panel", 1, "pass e.g. 12")
    as_of = pd.Timestamp(as_of)
    b0 = as_of - pd.DateOffset(months=baseline_months)
    mid = as_of - pd.DateOffset(months=baseline_months // 2)
    o1 = as_of + pd.DateOffset(months=horizon_months)
    need(responses, [account, score, date], "responses")
    need(accounts, [account, churn_date], "accounts")
    need(revenue, [account, month, amount], "revenue")
    cd = check_dates(accounts, churn_date, file="accounts")
    rdate = check_dates(responses, date, file="responses")
    months = check_dates(revenue, month, file="revenue")
    amt = check_money(revenue, amount, file="revenue")

    active = accounts.loc[(cd.isna() | (cd >= as_of)).to_numpy()]
    panel = active[[account, *[c for c in keep if c in accounts.columns]]].reset_index(drop=True)
    cd_active = cd.loc[active.index].to_numpy()
    panel["churned"] = ~pd.isna(cd_active) & (cd_active < o1.to_datetime64())

    def scores(rows: pd.DataFrame) -> pd.DataFrame:
        return account_nps(rows, account=account, score=score, weight=weight).table

    base = responses.loc[((rdate >= b0) & (rdate < as_of)).to_numpy()]
    first = scores(base.loc[rdate.loc[base.index] < mid]).set_index(account)["account_nps"]
    second = scores(base.loc[rdate.loc[base.index] >= mid]).set_index(account)["account_nps"]
    panel = panel.merge(scores(base), on=account, how="left")
    panel["nps_change"] = panel[account].map(second - first)

    rev = pd.DataFrame({account: revenue[account].to_numpy(), "m": months, "amt": amt})

    def window_sum(lo: pd.Timestamp, hi: pd.Timestamp) -> pd.Series:
        sel = rev[(rev["m"] >= lo) & (rev["m"] < hi)]
        return panel[account].map(sel.groupby(account)["amt"].sum()).fillna(0.0)

    observed = max(0, min(horizon_months, _months_between(as_of, rev["m"].max()) + 1))
    panel["revenue_before"] = window_sum(b0, as_of) * 12 / baseline_months
    h1, h2 = window_sum(b0, mid), window_sum(mid, as_of)
    panel["revenue_trend"] = np.where(h1 > 0, 100 * (h2 / h1.where(h1 > 0) - 1), np.nan)
    after = window_sum(as_of, o1)
    panel["revenue_after"] = after * 12 / observed if observed else np.nan
    panel["revenue_change"] = panel["revenue_after"] - panel["revenue_before"]
    panel["nrr"] = (
        100 * panel["revenue_after"] / panel["revenue_before"].where(panel["revenue_before"] > 0)
    )
    return AccountPanel(
        table=panel,
        as_of=as_of,
        n_churned_before=int(len(accounts) - len(active)),
        n_no_response=int(panel["account_nps"].isna().sum()),
        outcome_observed_months=int(observed),
    )
