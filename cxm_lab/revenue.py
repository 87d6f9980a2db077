"""Linking CX to revenue: account roll-up, revenue and churn by NPS category, revenue at risk,
the value of one NPS point, monthly churn, referrals and growth segments.

Everything here is **observational**: detractor accounts churning more does not show that
turning them into promoters would keep them (the same underlying problems can drive both).
Figures are associations with stated assumptions, not causal effects; every result carries that
note in ``DataFrame.attrs["note"]``.

The intended design is prospective: measure NPS in a baseline window, then observe churn and
revenue in the following window (:func:`account_outcomes`), so the score is not read after the
outcome it is linked to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from cxm_lab.errors import DataError, ParameterError
from cxm_lab.metrics import NPS_CATEGORIES

NOTE = "Observational association, not a causal effect: accounts differ in more than their NPS."
DEFAULT_ROLE_WEIGHTS = {"executive": 3.0, "technical": 1.5, "user": 1.0}


def _noted(df: pd.DataFrame, note: str = NOTE) -> pd.DataFrame:
    df.attrs["note"] = note
    return df


def _need(df: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ParameterError(
            f"{what}: column(s) {missing} not found; columns are {list(df.columns)}"
        )


def check_money(
    df: pd.DataFrame, column: str, currency: str | None = "currency", file: str = "<frame>"
) -> pd.Series:
    """Validate a money column: numeric, not negative, one currency.

    Raises
    ------
    DataError
        Naming the file, column and first bad row (1-based), e.g. a value "12k", a negative
        amount, or several currencies in ``currency``.
    """
    _need(df, [column], file)
    raw = df[column]
    num = pd.to_numeric(raw, errors="coerce")
    bad = num.isna() & raw.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"{file}: column '{column}' row {i + 1}: {raw.iloc[i]!r} is not a number (write amounts as 1234.56)"
        )
    neg = num < 0
    if neg.any():
        i = int(np.flatnonzero(neg.to_numpy())[0])
        raise DataError(f"{file}: column '{column}' row {i + 1}: negative amount {num.iloc[i]}")
    if currency and currency in df.columns:
        values = df[currency].dropna().unique()
        if len(values) > 1:
            raise DataError(
                f"{file}: column '{currency}' mixes currencies {sorted(map(str, values))}; convert to one currency first"
            )
    return num.astype(float)


def check_dates(df: pd.DataFrame, column: str, file: str = "<frame>") -> pd.Series:
    """Parse an ISO date column; raise :class:`DataError` naming the first unparseable row."""
    _need(df, [column], file)
    raw = df[column]
    parsed = (
        pd.to_datetime(raw, errors="coerce", format="ISO8601")
        if raw.dtype == object or pd.api.types.is_string_dtype(raw)
        else pd.to_datetime(raw)
    )
    bad = parsed.isna() & raw.notna() & (raw.astype("string").str.strip() != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"{file}: column '{column}' row {i + 1}: {raw.iloc[i]!r} is not a date (use YYYY-MM-DD)"
        )
    return parsed


@dataclass(frozen=True)
class LinkResult:
    """Responses joined to CRM records. ``unmatched`` holds the responses with no CRM record
    (reported, never dropped): ``len(matched) + len(unmatched) == n_read``."""

    matched: pd.DataFrame
    unmatched: pd.DataFrame
    n_read: int


def link_responses(
    responses: pd.DataFrame, crm: pd.DataFrame, on: str = "account_id", suffixes=("", "_crm")
) -> LinkResult:
    """Join responses to a CRM table (one row per ``on`` key).

    Raises
    ------
    DataError
        When the CRM table has duplicate keys (the join would multiply responses).
    """
    _need(responses, [on], "responses")
    _need(crm, [on], "crm")
    dup = crm[on].duplicated(keep=False)
    if dup.any():
        raise DataError(
            f"crm: {int(dup.sum())} rows share a duplicate '{on}' (e.g. {crm.loc[dup, on].iloc[0]!r})"
        )
    merged = responses.merge(crm, on=on, how="left", suffixes=suffixes, indicator=True)
    hit = (merged.pop("_merge") == "both").to_numpy()
    return LinkResult(
        matched=merged[hit].reset_index(drop=True),
        unmatched=responses[~hit].reset_index(drop=True),
        n_read=len(responses),
    )


def account_nps(
    responses: pd.DataFrame,
    account: str = "account_id",
    score: str = "ltr",
    weight_by: str | None = None,
    role_weights: Mapping[str, float] | None = None,
    role: str = "role",
) -> pd.DataFrame:
    """Roll many contacts' answers up to one figure per account (B2B).

    Parameters
    ----------
    weight_by : None, "role" or a column name
        None: every response counts the same; "role": weights from ``role_weights`` (default
        executive 3, technical 1.5, user 1); any other column: its values are the weights
        (e.g. a revenue column).

    Returns
    -------
    DataFrame
        ``account``, ``responses``, ``account_nps`` (weighted (P − D)/n × 100), ``mean_ltr``
        (weighted), ``category``: the account's NPS category from its weighted mean score
        (≥ 9 promoter, ≥ 7 passive, else detractor).
    """
    _need(responses, [account, score], "account_nps")
    r = responses.dropna(subset=[score])
    x = pd.to_numeric(r[score]).astype(float)
    if weight_by is None:
        w = pd.Series(1.0, index=r.index)
    elif weight_by == "role":
        _need(r, [role], "account_nps")
        weights = dict(role_weights or DEFAULT_ROLE_WEIGHTS)
        unknown = set(r[role].dropna()) - set(weights)
        if unknown:
            raise ParameterError(
                f"account_nps: no weight for role(s) {sorted(unknown)}; pass role_weights"
            )
        w = r[role].map(weights).astype(float)
    else:
        _need(r, [weight_by], "account_nps")
        w = pd.to_numeric(r[weight_by]).astype(float)
    frame = pd.DataFrame(
        {account: r[account], "w": w, "wx": w * x, "wp": w * (x >= 9), "wd": w * (x <= 6)}
    )
    g = frame.groupby(account, sort=True)
    out = g[["w", "wx", "wp", "wd"]].sum()
    res = pd.DataFrame(
        {
            "responses": g.size(),
            "account_nps": 100 * (out["wp"] - out["wd"]) / out["w"],
            "mean_ltr": out["wx"] / out["w"],
        }
    )
    m = res["mean_ltr"].to_numpy()
    res["category"] = pd.Categorical(
        np.select([m >= 9, m >= 7], ["promoter", "passive"], "detractor"),
        categories=list(NPS_CATEGORIES),
        ordered=True,
    )
    return res.reset_index()


def account_outcomes(
    accounts: pd.DataFrame,
    revenue: pd.DataFrame,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp,
    account: str = "account_id",
    churn_date: str = "churn_date",
    month: str = "month",
    amount: str = "revenue",
) -> pd.DataFrame:
    """What happened to each account active at ``start`` during [start, end).

    Returns ``account``, ``churned`` (churn date in the window), ``revenue_before`` (revenue of
    the 12 months before ``start``), ``revenue_after`` (revenue in the window, annualised to 12
    months) and ``nrr`` (revenue_after / revenue_before).
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    cd = check_dates(accounts, churn_date, "accounts")
    active = accounts[cd.isna() | (cd >= start)].copy()
    active["_cd"] = cd[active.index]
    amt = check_money(revenue, amount, file="revenue")
    months = check_dates(revenue, month, "revenue")
    rev = pd.DataFrame({account: revenue[account], "m": months, "amt": amt})
    before = (
        rev[(rev["m"] >= start - pd.DateOffset(months=12)) & (rev["m"] < start)]
        .groupby(account)["amt"]
        .sum()
    )
    window_months = (end.year - start.year) * 12 + end.month - start.month
    after = (
        rev[(rev["m"] >= start) & (rev["m"] < end)].groupby(account)["amt"].sum()
        * 12
        / window_months
    )
    out = pd.DataFrame({account: active[account].to_numpy()})
    out["churned"] = (active["_cd"].notna() & (active["_cd"] < end)).to_numpy()
    out["revenue_before"] = out[account].map(before).fillna(0.0).to_numpy()
    out["revenue_after"] = out[account].map(after).fillna(0.0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["nrr"] = np.where(
            out["revenue_before"] > 0, out["revenue_after"] / out["revenue_before"], np.nan
        )
    return out


def category_economics(
    table: pd.DataFrame,
    category: str = "category",
    revenue: str = "revenue_before",
    churned: str = "churned",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Accounts, revenue, churn and retention per NPS category (Wilson CI for the churn rate).

    ``table`` has one row per account with its category, revenue and churn flag (e.g.
    :func:`account_nps` merged with :func:`account_outcomes`).
    """
    _need(table, [category, revenue, churned], "category_economics")
    g = table.groupby(category, observed=False)
    out = pd.DataFrame(
        {
            "accounts": g.size(),
            "revenue": g[revenue].sum(),
            "avg_revenue": g[revenue].mean(),
            "churned": g[churned].sum().astype(int),
        }
    )
    out["churn_rate"] = out["churned"] / out["accounts"]
    lo, hi = proportion_confint(
        out["churned"], out["accounts"].clip(lower=1), alpha=1 - ci, method="wilson"
    )
    out["churn_ci_low"], out["churn_ci_high"] = np.asarray(lo), np.asarray(hi)
    out["retention_rate"] = 1 - out["churn_rate"]
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    return _noted(out.reset_index())


def revenue_at_risk(economics: pd.DataFrame, arpu: float | None = None) -> pd.DataFrame:
    """Revenue at risk per category: held revenue × the category's own churn rate (with its CI),
    beside the fixed-multiplier vendor shortcut (detractors × 0.5 × ARPU short term, passives ×
    0.3 × ARPU long term) that it replaces."""
    e = economics.set_index("category")
    arpu = float(e["revenue"].sum() / e["accounts"].sum()) if arpu is None else arpu
    out = pd.DataFrame(
        {
            "revenue": e["revenue"],
            "expected_loss": e["revenue"] * e["churn_rate"],
            "loss_low": e["revenue"] * e["churn_ci_low"],
            "loss_high": e["revenue"] * e["churn_ci_high"],
            "shortcut_loss": e["accounts"]
            * arpu
            * pd.Series({"detractor": 0.5, "passive": 0.3, "promoter": 0.0}),
        }
    )
    return _noted(out.reset_index())


def nps_point_value(
    table: pd.DataFrame,
    category: str = "category",
    revenue: str = "revenue_before",
    churned: str = "churned",
    score: str = "account_nps",
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """The revenue value of one NPS point, two ways, each with an interval and its assumptions.

    1. Category values: one NPS point = moving 1% of accounts from detractor to passive; value
       = 0.01 × accounts × (retained revenue per passive − retained revenue per detractor),
       retained revenue = average revenue × (1 − churn rate); percentile bootstrap over accounts.
    2. Regression: logistic regression of churn on account NPS (statsmodels); the average
       marginal effect of +1 point on churn probability × total revenue = revenue kept per point,
       with a delta-method CI on the marginal effect.
    """
    import statsmodels.api as sm

    _need(table, [category, revenue, churned, score], "nps_point_value")
    t = table.dropna(subset=[category, revenue, churned, score])
    rng = np.random.default_rng(seed)
    n = len(t)
    cat = t[category].astype(str).to_numpy()
    rev = t[revenue].to_numpy(float)
    kept = rev * (1 - t[churned].to_numpy(float))

    def value(idx: np.ndarray) -> float:
        c, k = cat[idx], kept[idx]
        if not ((c == "passive").any() and (c == "detractor").any()):
            return np.nan
        return 0.01 * len(idx) * (k[c == "passive"].mean() - k[c == "detractor"].mean())

    est = value(np.arange(n))
    boots = np.array([value(rng.integers(0, n, n)) for _ in range(n_boot)])
    a = (1 - ci) / 2
    lo1, hi1 = np.nanquantile(boots, [a, 1 - a])
    x = sm.add_constant(t[score].to_numpy(float))
    fit = sm.Logit(t[churned].to_numpy(float), x).fit(disp=0)
    me = fit.get_margeff(at="overall")
    dydx, se = float(me.margeff[0]), float(me.margeff_se[0])
    from scipy.stats import norm

    z = norm.ppf(1 - a)
    total = rev.sum()
    out = pd.DataFrame(
        [
            {
                "method": "category values (detractor → passive)",
                "value_per_point": est,
                "ci_low": lo1,
                "ci_high": hi1,
                "assumption": "a converted detractor keeps the average retained revenue of a passive",
            },
            {
                "method": "logistic regression of churn on account NPS",
                "value_per_point": -dydx * total,
                "ci_low": -(dydx + z * se) * total,
                "ci_high": -(dydx - z * se) * total,
                "assumption": f"churn falls by the average marginal effect {-dydx:.4%} per point, applied to all revenue",
            },
        ]
    )
    out.attrs["logit"] = {
        "coef": float(fit.params[1]),
        "se": float(fit.bse[1]),
        "p_value": float(fit.pvalues[1]),
    }
    return _noted(out)


def monthly_churn(
    accounts: pd.DataFrame,
    revenue: pd.DataFrame,
    account: str = "account_id",
    churn_date: str = "churn_date",
    reason: str = "churn_reason",
    month: str = "month",
) -> pd.DataFrame:
    """Churn per calendar month: accounts active at the month start (with revenue that month
    or churning in it), churned, churn rate, lost monthly revenue and the reasons."""
    cd = check_dates(accounts, churn_date, "accounts")
    months = check_dates(revenue, month, "revenue").dt.to_period("M")
    rev = revenue.assign(_m=months)
    active = rev.groupby("_m")[account].nunique()
    last_rev = rev.sort_values("_m").groupby(account)["revenue"].last()
    ch = accounts.assign(_m=cd.dt.to_period("M"))[cd.notna()]
    ch = ch.assign(_lost=ch[account].map(last_rev).fillna(0.0))
    g = ch.groupby("_m")
    out = pd.DataFrame({"active": active})
    out["churned"] = g.size().reindex(out.index).fillna(0).astype(int)
    out["active"] = out["active"] + out["churned"]  # churners have no revenue in their churn month
    out["churn_rate"] = out["churned"] / out["active"]
    out["lost_mrr"] = g["_lost"].sum().reindex(out.index).fillna(0.0)
    out["reasons"] = (
        g[reason]
        .agg(lambda s: ", ".join(f"{k} ({v})" for k, v in s.value_counts().items()))
        .reindex(out.index)
        .fillna("")
    )
    out.index = out.index.to_timestamp()
    return out.rename_axis("month").reset_index()


def referral_summary(
    table: pd.DataFrame,
    referrals: pd.DataFrame,
    category: str = "category",
    account: str = "account_id",
    referrer: str = "referrer_account_id",
    referral_revenue: str = "first_year_revenue",
) -> pd.DataFrame:
    """Referrals by the referring account's NPS category: accounts, referring accounts, share
    that referred, referrals and referral revenue."""
    amt = check_money(referrals, referral_revenue, file="referrals")
    ref = pd.DataFrame({account: referrals[referrer], "amt": amt})
    per = ref.groupby(account).agg(referrals=("amt", "size"), referral_revenue=("amt", "sum"))
    t = (
        table[[account, category]]
        .merge(per, left_on=account, right_index=True, how="left")
        .fillna({"referrals": 0, "referral_revenue": 0.0})
    )
    g = t.groupby(category, observed=False)
    out = pd.DataFrame(
        {
            "accounts": g.size(),
            "referring_accounts": g["referrals"].apply(lambda s: int((s > 0).sum())),
            "referrals": g["referrals"].sum().astype(int),
            "referral_revenue": g["referral_revenue"].sum(),
        }
    )
    out["share_referring"] = out["referring_accounts"] / out["accounts"]
    out.attrs["unattributed_referrals"] = int(len(ref) - out["referrals"].sum())
    return _noted(out.reset_index())


def earned_growth_rate(nrr: float, referred_new_revenue: float, revenue_base: float) -> float:
    """Bain's earned growth rate = net revenue retention (%) + share of revenue from referred new
    customers (%) − 100%. Inputs: NRR as a ratio, referred new revenue and the revenue base of
    the same period."""
    if revenue_base <= 0:
        raise DataError("earned_growth_rate: revenue base must be positive")
    return 100 * nrr + 100 * referred_new_revenue / revenue_base - 100


def growth_segments(
    table: pd.DataFrame,
    score: str = "account_nps",
    change: str | None = "nps_change",
    revenue: str = "revenue_before",
    at_risk_below: float = 0.0,
    safe_from: float = 30.0,
    falling: float = -20.0,
) -> pd.DataFrame:
    """At risk / grey zone / safe segmentation of accounts, most revenue at stake first.

    Rules: **at risk** when account NPS < ``at_risk_below`` (detractors outweigh promoters) or it
    fell by more than ``-falling`` points; **safe** when account NPS ≥ ``safe_from`` and not
    falling; **grey zone** otherwise. Within a segment accounts are sorted by revenue (call the
    largest first).
    """
    _need(table, [score, revenue], "growth_segments")
    s = table[score].to_numpy(float)
    drop = (
        table[change].to_numpy(float) <= falling
        if change and change in table
        else np.zeros(len(table), bool)
    )
    seg = np.where(
        (s < at_risk_below) | drop, "at risk", np.where(s >= safe_from, "safe", "grey zone")
    )
    out = table.assign(
        segment_growth=pd.Categorical(seg, ["at risk", "grey zone", "safe"], ordered=True)
    )
    out = out.sort_values(["segment_growth", revenue], ascending=[True, False]).reset_index(
        drop=True
    )
    out["call_priority"] = np.where(
        out["segment_growth"] == "at risk", np.arange(1, len(out) + 1), 0
    )
    return _noted(out)
