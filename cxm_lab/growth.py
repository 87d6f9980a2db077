"""Growth from customers: referrals by NPS category, Bain's earned growth rate and the
at risk / grey zone / safe segmentation of accounts with a call order.

All are observational (:data:`cxm_lab.revenue.NOTE`). Shares in result tables are percentages
(0–100); intervals come from :mod:`cxm_lab.stats`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxm_lab import stats
from cxm_lab.docstrings import fill
from cxm_lab.errors import DataError, check_dates, check_int, check_level, check_money, need
from cxm_lab.metrics import NPS_CATEGORIES

__all__ = ["SEGMENTS", "Referrals", "earned_growth", "growth_segments", "referral_summary"]

#: Growth segments, in call order (:func:`growth_segments`).
SEGMENTS: tuple[str, str, str] = ("at risk", "grey zone", "safe")


# --------------------------------------------------------------------------- referrals


@dataclass(frozen=True)
class Referrals:
    """Referrals by the referring account's NPS category (:func:`referral_summary`).

    Attributes
    ----------
    table : DataFrame
        ``category``, ``accounts``, ``referring_accounts``, ``share_referring`` (%, 0–100),
        ``ci_low``, ``ci_high``, ``referrals``, ``referral_revenue``.
    unattributed : int
        Referrals whose referrer is not in the account table.
    """

    table: pd.DataFrame
    unattributed: int


@fill
def referral_summary(
    df: pd.DataFrame,
    referrals: pd.DataFrame,
    *,
    category: str = "category",
    account: str = "account_id",
    referrer: str = "referrer_account_id",
    referral_revenue: str = "first_year_revenue",
    ci: float = 0.95,
) -> Referrals:
    """Referrals by the referring account's NPS category.

    ``share_referring`` = 100 × accounts that referred at least once / accounts (%), with a
    Wilson interval (:func:`cxm_lab.stats.wilson`); ``referral_revenue`` = Σ first-year revenue
    of the referred customers. Accounts without a category form a ``"(no score)"`` row.

    Parameters
    ----------
    df : DataFrame
        One row per account with its NPS ``category`` (e.g. ``account_panel(...).table``).
    referrals : DataFrame
        One row per referred customer, with the referrer's account and first-year revenue.
    category, account : str
        Category and account key columns of ``df``.
    referrer, referral_revenue : str
        Referrer account and first-year revenue columns of ``referrals``.
    {{ci}}

    Returns
    -------
    Referrals
        The ``table`` per category and the count of ``unattributed`` referrals.

    Raises
    ------
    ColumnError
        When a named column is missing.
    DataError
        For an invalid revenue amount (row named).

    Examples
    --------
    >>> t = pd.DataFrame({"account_id": ["A", "B"], "category": ["promoter", "detractor"]})
    >>> f = pd.DataFrame({"referrer_account_id": ["A", "A"], "first_year_revenue": [5.0, 7.0]})
    >>> r = referral_summary(t, f).table.set_index("category")
    >>> float(r.loc["promoter", "referral_revenue"]), float(r.loc["promoter", "share_referring"])
    (12.0, 100.0)
    """
    ci = check_level(ci, "referral_summary")
    need(df, [account, category], "referral_summary")
    need(referrals, [referrer, referral_revenue], "referrals")
    amt = check_money(referrals, referral_revenue, file="referrals")
    ref = pd.DataFrame({account: referrals[referrer].to_numpy(), "amt": amt.fillna(0.0).to_numpy()})
    per = ref.groupby(account).agg(referrals=("amt", "size"), referral_revenue=("amt", "sum"))
    t = df[[account, category]].merge(per, left_on=account, right_index=True, how="left")
    t = t.fillna({"referrals": 0, "referral_revenue": 0.0})
    t["referred"] = t["referrals"] > 0
    t["cat"] = pd.Categorical(
        t[category].astype("string").fillna("(no score)"),
        categories=[*NPS_CATEGORIES, "(no score)"],
    )
    g = t.groupby("cat", observed=False)
    out = pd.DataFrame(
        {
            "accounts": g.size(),
            "referring_accounts": g["referred"].sum().astype(int),
            "referrals": g["referrals"].sum().astype(int),
            "referral_revenue": g["referral_revenue"].sum(),
        }
    )
    out = out[(out["accounts"] > 0) | out.index.isin(NPS_CATEGORIES)]
    k, n = out["referring_accounts"].to_numpy(float), out["accounts"].to_numpy(float)
    out["share_referring"] = 100 * k / np.where(n > 0, n, np.nan)
    lo, hi = stats.wilson(k, n, ci=ci)
    out["ci_low"], out["ci_high"] = 100 * lo, 100 * hi
    out = out.rename_axis("category").reset_index()
    out["category"] = out["category"].astype(str)
    cols = ["category", "accounts", "referring_accounts", "share_referring", "ci_low", "ci_high"]
    out = out[[*cols, "referrals", "referral_revenue"]]
    return Referrals(table=out, unattributed=int(len(ref) - out["referrals"].sum()))


# --------------------------------------------------------------------------- earned growth


def earned_growth(
    accounts: pd.DataFrame,
    revenue: pd.DataFrame,
    *,
    start: str | pd.Timestamp,
    months: int = 12,
    account: str = "account_id",
    referred_by: str = "referred_by",
    month: str = "month",
    amount: str = "revenue",
) -> pd.DataFrame:
    """Bain's earned growth rate for the period P = [start, start + months).

    With prior period P0 = the ``months`` before ``start``:
    NRR = revenue in P from accounts that had revenue in P0 / their revenue in P0;
    referred share = revenue in P from new accounts (no revenue in P0) that were referred
    (``referred_by`` not empty) / revenue in P0;
    earned growth rate = 100 × NRR + 100 × referred share − 100 (%).
    Reference: Reichheld, Darnell & Burns (2021), *Winning on Purpose*, Bain & Company.

    Parameters
    ----------
    accounts : DataFrame
        One row per account with ``referred_by`` (the referring account, empty if none).
    revenue : DataFrame
        Monthly revenue per account.
    start : str or Timestamp
        First day of the period P.
    months : int
        Length of P and of the prior period P0 (at least 1).
    account, referred_by : str
        Account key and referrer columns of ``accounts``.
    month, amount : str
        Month (first day) and amount columns of ``revenue``.

    Returns
    -------
    DataFrame
        One row: ``period_start``, ``period_end``, ``revenue_prior``, ``revenue_retained``,
        ``nrr_pct``, ``referred_new_revenue``, ``referred_share_pct``,
        ``other_new_revenue``, ``earned_growth_rate_pct`` (percentages 0–100 and beyond).

    Raises
    ------
    ColumnError
        When a named column is missing.
    DataError
        For an invalid date or amount, or when the prior period has no revenue.

    Examples
    --------
    >>> acc = pd.DataFrame({"account_id": ["A", "B"], "referred_by": [None, "A"]})
    >>> rev = pd.DataFrame({"account_id": ["A", "A", "B"], "revenue": [100.0, 90.0, 20.0],
    ...                     "month": ["2025-01-01", "2026-01-01", "2026-01-01"]})
    >>> float(earned_growth(acc, rev, start="2026-01-01")["earned_growth_rate_pct"].iloc[0])
    10.0
    """
    months = check_int(months, "months", "earned_growth", 1, "pass e.g. 12")
    need(accounts, [account, referred_by], "accounts")
    need(revenue, [account, month, amount], "revenue")
    start = pd.Timestamp(start)
    p0, p1 = start - pd.DateOffset(months=months), start + pd.DateOffset(months=months)
    m = check_dates(revenue, month, file="revenue")
    amt = check_money(revenue, amount, file="revenue").fillna(0.0)
    prior = amt[(m >= p0) & (m < start)].groupby(revenue[account]).sum()
    now = amt[(m >= start) & (m < p1)].groupby(revenue[account]).sum()
    base = float(prior.sum())
    if base <= 0:
        raise DataError(
            f"revenue: no revenue between {p0.date()} and {start.date()}; earned growth needs a "
            "prior period with revenue (move start later)"
        )
    existing = now.index.isin(prior.index[prior > 0])
    referred = set(accounts.loc[accounts[referred_by].notna(), account])
    new_ref = ~existing & now.index.isin(list(referred))
    retained = float(now[existing].sum())
    ref_rev = float(now[new_ref].sum())
    out = pd.DataFrame(
        {
            "period_start": [start],
            "period_end": [p1],
            "revenue_prior": [base],
            "revenue_retained": [retained],
            "nrr_pct": [100 * retained / base],
            "referred_new_revenue": [ref_rev],
            "referred_share_pct": [100 * ref_rev / base],
            "other_new_revenue": [float(now[~existing & ~new_ref].sum())],
        }
    )
    out["earned_growth_rate_pct"] = out["nrr_pct"] + out["referred_share_pct"] - 100
    return out


# --------------------------------------------------------------------------- growth segments


@fill
def growth_segments(
    df: pd.DataFrame,
    *,
    score: str = "account_nps",
    change: str | None = "nps_change",
    trend: str | None = "revenue_trend",
    revenue: str = "revenue_before",
    at_risk_below: float = 0.0,
    safe_from: float = 30.0,
    falling: float = -20.0,
    shrinking: float = -10.0,
) -> pd.DataFrame:
    """At risk / grey zone / safe segmentation of accounts; call the largest at-risk ones first.

    Rules, applied in order:

    - **at risk** when account NPS < ``at_risk_below`` (detractors outweigh promoters), or its
      NPS fell by at least ``-falling`` points (``change`` ≤ ``falling``), or its revenue
      shrank by at least ``-shrinking`` percent (``trend`` ≤ ``shrinking``, a churn signal);
    - **safe** when account NPS ≥ ``safe_from`` and none of the above;
    - **grey zone** otherwise, including accounts with no score (``reason`` says so).

    Parameters
    ----------
    df : DataFrame
        One row per account (e.g. ``account_panel(...).table``).
    score : str
        Account NPS column (points, −100 to 100).
    change : str or None
        Column of the account's NPS change in points (None: not used).
    trend : str or None
        Column of the account's revenue change in percent (None: not used).
    revenue : str
        Revenue column ranking the accounts to call.
    at_risk_below, safe_from : float
        NPS thresholds (points).
    falling : float
        NPS change (points) at or below which an account is at risk.
    shrinking : float
        Revenue trend (percent, e.g. −10 for a 10% fall) at or below which an account is at
        risk.

    Returns
    -------
    DataFrame
        ``df`` plus ``segment_growth`` (ordered: at risk, grey zone, safe), ``reason`` and
        ``call_priority`` (1 = call first; at-risk accounts ranked by revenue at stake, others
        0), sorted by segment then revenue, largest first.

    Raises
    ------
    ColumnError
        When a named column is missing.

    Examples
    --------
    >>> t = pd.DataFrame({"account_nps": [-50.0, 10.0, 80.0, 80.0], "nps_change": [0, 0, 0, -40],
    ...                   "revenue_trend": [0.0] * 4, "revenue_before": [1.0, 2.0, 3.0, 4.0]})
    >>> growth_segments(t)["segment_growth"].astype(str).tolist()
    ['at risk', 'at risk', 'grey zone', 'safe']
    """
    need(df, [score, revenue, change, trend], "growth_segments")
    s = pd.to_numeric(df[score]).to_numpy(float)
    low = s < at_risk_below
    drop = (
        pd.to_numeric(df[change]).to_numpy(float) <= falling if change else np.zeros(len(df), bool)
    )
    shrink = (
        pd.to_numeric(df[trend]).to_numpy(float) <= shrinking if trend else np.zeros(len(df), bool)
    )
    risk = low | drop | shrink
    seg = np.where(risk, "at risk", np.where(s >= safe_from, "safe", "grey zone"))
    reason = np.select(
        [low, drop, shrink, np.isnan(s), s >= safe_from],
        [
            f"NPS below {at_risk_below:g}",
            f"NPS fell {-falling:g}+ points",
            f"revenue down {-shrinking:g}%+",
            "no score",
            f"NPS {safe_from:g}+",
        ],
        default=f"NPS {at_risk_below:g} to {safe_from:g}",
    )
    out = df.assign(segment_growth=pd.Categorical(seg, list(SEGMENTS), ordered=True), reason=reason)
    out = out.sort_values(["segment_growth", revenue], ascending=[True, False], kind="stable")
    out = out.reset_index(drop=True)
    out["call_priority"] = np.where(
        out["segment_growth"] == "at risk", np.arange(1, len(out) + 1), 0
    )
    return out
