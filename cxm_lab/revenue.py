"""Linking CX to revenue: CRM join, account roll-up, revenue and churn by NPS category, revenue
at risk, the value of one NPS point, monthly churn, referrals, earned growth and growth segments.

Everything here is **observational**. Detractor accounts churning more does not show that
turning them into promoters would keep them: the same product, price or service problems can
drive both the score and the churn, and large accounts differ from small ones in more than their
NPS. Figures are associations under stated assumptions, not causal effects; every returned
table carries that caveat in ``DataFrame.attrs["note"]``.

The intended design is prospective (:func:`account_panel`): the score is measured in a baseline
window before ``as_of`` and churn / revenue are observed in the window after it, so the score is
never read after the outcome it is linked to.

Money columns are checked by :func:`check_money` (numeric, not negative, one currency) and date
columns by :func:`check_dates`; both raise :class:`~cxm_lab.errors.DataError` naming the file,
column and row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint

from cxm_lab.errors import (
    DataError,
    ParameterError,
    SchemaError,
    check_dates,
    check_money,
    first_bad,
    need,
)
from cxm_lab.metrics import NPS_CATEGORIES, nps_category

NOTE = (
    "Observational association, not a causal effect: accounts with different scores also differ "
    "in size, product, price and service, any of which can drive both the score and the outcome."
)
DEFAULT_ROLE_WEIGHTS: dict[str, float] = {"executive": 3.0, "technical": 1.5, "user": 1.0}
#: SurveyMonkey-style fixed multipliers of ARPU per category (DOMAIN.md "vendor shortcut").
SHORTCUT_MULTIPLIERS: dict[str, float] = {"detractor": -0.5, "passive": -0.3, "promoter": 0.3}
SEGMENTS: tuple[str, str, str] = ("at risk", "grey zone", "safe")


def _noted(df: pd.DataFrame, note: str = NOTE, **attrs: object) -> pd.DataFrame:
    df.attrs["note"] = note
    df.attrs.update(attrs)
    return df


# --------------------------------------------------------------------------- linking


@dataclass(frozen=True)
class LinkResult:
    """Responses joined to CRM records.

    Attributes
    ----------
    matched : DataFrame
        Responses with their CRM columns (one row per matched response).
    unmatched : DataFrame
        Responses with no CRM record, with a ``reason`` column ("missing key" or
        "key not in CRM"): reported, never dropped.
    n_read : int
        Responses in; ``n_read == len(matched) + len(unmatched)`` always.
    note : str
        The observational caveat.
    """

    matched: pd.DataFrame
    unmatched: pd.DataFrame
    n_read: int
    note: str = field(default=NOTE)

    def summary(self) -> pd.DataFrame:
        """One-row table: read, matched, unmatched, match rate."""
        return pd.DataFrame(
            {
                "read": [self.n_read],
                "matched": [len(self.matched)],
                "unmatched": [len(self.unmatched)],
                "match_rate": [len(self.matched) / self.n_read if self.n_read else np.nan],
            }
        )


def link_responses(
    responses: pd.DataFrame,
    crm: pd.DataFrame,
    on: str = "account_id",
    suffixes: tuple[str, str] = ("", "_crm"),
) -> LinkResult:
    """Join survey responses to a CRM table holding one row per ``on`` key (left join).

    Parameters
    ----------
    responses : DataFrame
        Survey responses with the key column.
    crm : DataFrame
        CRM records (accounts or customers), one row per key.
    on : str
        Key column in both tables.
    suffixes : tuple of str
        Suffixes for clashing column names (responses keep theirs by default).

    Returns
    -------
    LinkResult
        ``matched`` + ``unmatched`` (with ``reason``); counts reconcile with ``n_read``.

    Raises
    ------
    DataError
        When the CRM table repeats a key (the join would multiply responses).

    Examples
    --------
    >>> r = pd.DataFrame({"account_id": ["A1", "A2", None], "ltr": [9, 3, 7]})
    >>> crm = pd.DataFrame({"account_id": ["A1"], "arr": [100.0]})
    >>> res = link_responses(r, crm)
    >>> len(res.matched), res.unmatched["reason"].tolist()
    (1, ['key not in CRM', 'missing key'])
    """
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


def account_nps(
    responses: pd.DataFrame,
    account: str = "account_id",
    score: str = "ltr",
    weight_by: str | None = None,
    role_weights: Mapping[str, float] | None = None,
    role: str = "role",
) -> pd.DataFrame:
    """Roll many contacts' answers up to one NPS per account (B2B).

    Formula: with weights w_i over an account's responses,
    account NPS = 100 × (Σ w_i·[promoter_i] − Σ w_i·[detractor_i]) / Σ w_i and
    mean_ltr = Σ w_i x_i / Σ w_i. The account's ``category`` is
    :func:`~cxm_lab.metrics.nps_category` of its weighted mean score (≥ 9 promoter, ≥ 7 passive).

    Parameters
    ----------
    responses : DataFrame
        One row per response.
    account, score : str
        Account key and 0–10 score columns.
    weight_by : None, "role" or a column name
        None: every response counts once; ``"role"``: weights from ``role_weights`` (default
        executive 3, technical 1.5, user 1, a common B2B convention giving decision makers more
        say); any other column: its values are the weights (e.g. revenue or survey weight).
    role_weights : mapping, optional
        Weight per role when ``weight_by="role"``.
    role : str
        Role column.

    Returns
    -------
    DataFrame
        ``account``, ``responses``, ``promoters``, ``detractors``, ``account_nps``,
        ``mean_ltr``, ``category``. ``attrs["n_missing_score"]`` counts responses without a
        score (not used, reported).

    Raises
    ------
    DataError
        When a role has no weight or a weight is missing or negative (row named).

    Examples
    --------
    >>> r = pd.DataFrame({"account_id": ["A", "A", "B"], "ltr": [10, 3, 8],
    ...                   "role": ["executive", "user", "user"]})
    >>> account_nps(r, weight_by="role")["account_nps"].tolist()
    [50.0, 0.0]
    """
    need(responses, [account, score], "account_nps")
    has = responses[score].notna()
    r = responses.loc[has]
    cat = nps_category(r[score]).astype(str).to_numpy()
    if weight_by is None:
        w = np.ones(len(r))
    elif weight_by == "role":
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
        need(r, [weight_by], "account_nps")
        w = pd.to_numeric(r[weight_by], errors="coerce").to_numpy(float)
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            i = first_bad(bad)
            raise DataError(
                f"account_nps: column '{weight_by}' row {i + 1}: weight {r[weight_by].iloc[i]!r} "
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
            "account_nps": 100 * (s["wp"] - s["wd"]) / s["w"],
            "mean_ltr": s["wx"] / s["w"],
        }
    )
    out["category"] = nps_category(out["mean_ltr"]).to_numpy()
    return _noted(out.reset_index(), n_missing_score=int((~has).sum()))


# --------------------------------------------------------------------------- account panel


def _months_between(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def account_panel(
    responses: pd.DataFrame,
    accounts: pd.DataFrame,
    revenue: pd.DataFrame,
    as_of: str | pd.Timestamp,
    baseline_months: int = 12,
    horizon_months: int = 12,
    account: str = "account_id",
    score: str = "ltr",
    date: str = "response_date",
    churn_date: str = "churn_date",
    month: str = "month",
    amount: str = "revenue",
    weight_by: str | None = None,
    keep: Sequence[str] = (
        "segment",
        "region",
        "arr",
        "contract_start",
        "churn_date",
        "churn_reason",
    ),
) -> pd.DataFrame:
    """One row per account active at ``as_of``: baseline NPS before, outcomes after.

    Baseline window B = [as_of − ``baseline_months``, as_of): account NPS (:func:`account_nps`),
    ``nps_change`` = account NPS in the second half of B − in the first half (NaN when a half
    has no response), ``revenue_before`` = revenue in B annualised to 12 months,
    ``revenue_trend`` = revenue in the second half of B / first half − 1. Outcome window
    O = [as_of, as_of + ``horizon_months``): ``churned`` (churn date in O), ``revenue_after``
    (revenue in O annualised), ``revenue_change`` = after − before, ``nrr`` = after / before.
    Accounts churned before ``as_of`` are excluded (counted in ``attrs["n_churned_before"]``);
    accounts without a baseline response keep NaN scores (``attrs["n_no_response"]``).

    Parameters
    ----------
    responses, accounts, revenue : DataFrame
        Demo-contract tables (see docs/ARCHITECTURE.md).
    as_of : date
        Boundary between baseline and outcome windows.
    baseline_months, horizon_months : int
        Window lengths in months.
    keep : sequence of str
        Account columns carried into the panel when present.

    Returns
    -------
    DataFrame
        Tidy account panel; ``attrs["outcome_observed_months"]`` says how much of O the revenue
        data covers (outcomes are incomplete when it is below ``horizon_months``).

    Examples
    --------
    >>> from cxm_lab.demo import load_demo
    >>> d = load_demo()
    >>> p = account_panel(d.responses, d.accounts, d.revenue, "2025-10-01")
    >>> {"account_nps", "churned", "revenue_before", "nps_change"} <= set(p.columns)
    True
    """
    as_of = pd.Timestamp(as_of)
    b0 = as_of - pd.DateOffset(months=baseline_months)
    mid = as_of - pd.DateOffset(months=baseline_months // 2)
    o1 = as_of + pd.DateOffset(months=horizon_months)
    need(responses, [account, score, date], "responses")
    need(accounts, [account, churn_date], "accounts")
    need(revenue, [account, month, amount], "revenue")
    cd = check_dates(accounts, churn_date, "accounts")
    rdate = check_dates(responses, date, "responses")
    months = check_dates(revenue, month, "revenue")
    amt = check_money(revenue, amount, file="revenue")

    active = accounts.loc[(cd.isna() | (cd >= as_of)).to_numpy()]
    panel = active[[account, *[c for c in keep if c in accounts.columns]]].reset_index(drop=True)
    cd_active = cd.loc[active.index].to_numpy()
    panel["churned"] = ~pd.isna(cd_active) & (cd_active < o1.to_datetime64())

    base = responses.loc[((rdate >= b0) & (rdate < as_of)).to_numpy()]
    nps_all = account_nps(base, account, score, weight_by=weight_by)
    first = account_nps(base.loc[rdate.loc[base.index] < mid], account, score, weight_by=weight_by)
    second = account_nps(
        base.loc[rdate.loc[base.index] >= mid], account, score, weight_by=weight_by
    )
    panel = panel.merge(nps_all, on=account, how="left")
    change = second.set_index(account)["account_nps"] - first.set_index(account)["account_nps"]
    panel["nps_change"] = panel[account].map(change)

    rev = pd.DataFrame({account: revenue[account].to_numpy(), "m": months, "amt": amt})

    def window_sum(lo: pd.Timestamp, hi: pd.Timestamp) -> pd.Series:
        sel = rev[(rev["m"] >= lo) & (rev["m"] < hi)]
        return panel[account].map(sel.groupby(account)["amt"].sum()).fillna(0.0)

    observed = max(0, min(horizon_months, _months_between(as_of, rev["m"].max()) + 1))
    panel["revenue_before"] = window_sum(b0, as_of) * 12 / baseline_months
    h1, h2 = window_sum(b0, mid), window_sum(mid, as_of)
    panel["revenue_trend"] = np.where(h1 > 0, h2 / h1.where(h1 > 0) - 1, np.nan)
    after = window_sum(as_of, o1)
    panel["revenue_after"] = after * 12 / observed if observed else np.nan
    panel["revenue_change"] = panel["revenue_after"] - panel["revenue_before"]
    panel["nrr"] = panel["revenue_after"] / panel["revenue_before"].where(
        panel["revenue_before"] > 0
    )
    return _noted(
        panel,
        as_of=str(as_of.date()),
        n_churned_before=int(len(accounts) - len(active)),
        n_no_response=int(panel["account_nps"].isna().sum()),
        outcome_observed_months=int(observed),
    )


# --------------------------------------------------------------------------- economics


def _wilson(k: pd.Series, n: pd.Series, ci: float) -> tuple[np.ndarray, np.ndarray]:
    kk, nn = k.to_numpy(float), n.to_numpy(float)
    lo, hi = proportion_confint(kk, np.maximum(nn, 1), alpha=1 - ci, method="wilson")
    p = kk / np.maximum(nn, 1)
    # clip floating-point noise so that lo <= p <= hi exactly (0 of n gives lo = 0)
    lo, hi = np.minimum(np.asarray(lo, float), p), np.maximum(np.asarray(hi, float), p)
    lo[nn == 0] = np.nan
    hi[nn == 0] = np.nan
    return lo, hi


def category_economics(
    table: pd.DataFrame,
    category: str = "category",
    revenue: str = "revenue_before",
    churned: str = "churned",
    revenue_after: str | None = "revenue_after",
    ci: float = 0.95,
    levels: Sequence[str] = NPS_CATEGORIES,
) -> pd.DataFrame:
    """Accounts, revenue, churn and retention per NPS category (or other group).

    ``churn_rate`` = churned / accounts with a Wilson score interval; ``retention_rate`` =
    1 − churn rate (interval mirrored); ``avg_revenue`` = revenue / accounts;
    ``revenue_share`` = category revenue / total; ``nrr`` = Σ revenue_after / Σ revenue
    (net revenue retention) when ``revenue_after`` is given. Rows without a category are
    reported as their own ``"(no score)"`` row, not dropped.

    Parameters
    ----------
    table : DataFrame
        One row per account (e.g. :func:`account_panel`).
    category, revenue, churned, revenue_after : str
        Column names; ``revenue_after`` may be None.
    ci : float
        Confidence level.
    levels : sequence of str
        Groups always shown (in this order) even when empty; others follow sorted.

    Returns
    -------
    DataFrame
        One row per category: ``category``, ``accounts``, ``revenue``, ``avg_revenue``,
        ``revenue_share``, ``churned``, ``churn_rate``, ``churn_ci_low``, ``churn_ci_high``,
        ``retention_rate``, ``retention_ci_low``, ``retention_ci_high`` (, ``nrr``).

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["promoter", "detractor", "detractor"],
    ...                   "revenue_before": [100.0, 50.0, 30.0], "churned": [False, True, False]})
    >>> category_economics(t, revenue_after=None).set_index("category")["churn_rate"].tolist()
    [0.5, nan, 0.0]
    """
    need(table, [category, revenue, churned, revenue_after], "category_economics")
    money = check_money(table, revenue, currency=None, file="category_economics")
    cat = table[category].astype("string").fillna("(no score)")
    levels = [*levels, *sorted(set(cat) - set(levels))]
    frame = pd.DataFrame(
        {
            "category": pd.Categorical(cat, categories=levels, ordered=True),
            "rev": money.fillna(0.0).to_numpy(),
            "ch": table[churned].astype(bool).to_numpy(),
        }
    )
    if revenue_after is not None:
        frame["after"] = check_money(table, revenue_after, None, "category_economics").to_numpy()
    g = frame.groupby("category", observed=False)
    out = pd.DataFrame(
        {"accounts": g.size(), "revenue": g["rev"].sum(), "churned": g["ch"].sum().astype(int)}
    )
    out = out[(out["accounts"] > 0) | out.index.isin(list(levels))]
    out["avg_revenue"] = out["revenue"] / out["accounts"].where(out["accounts"] > 0)
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    out["churn_rate"] = out["churned"] / out["accounts"].where(out["accounts"] > 0)
    out["churn_ci_low"], out["churn_ci_high"] = _wilson(out["churned"], out["accounts"], ci)
    out["retention_rate"] = 1 - out["churn_rate"]
    out["retention_ci_low"] = 1 - out["churn_ci_high"]
    out["retention_ci_high"] = 1 - out["churn_ci_low"]
    if revenue_after is not None:
        after = g["after"].sum().reindex(out.index)
        out["nrr"] = after / out["revenue"].where(out["revenue"] > 0)
    out = out.reset_index()
    out["category"] = out["category"].astype(str)
    return _noted(out)


def revenue_at_risk(
    table: pd.DataFrame,
    category: str = "category",
    segment: str | None = "segment_growth",
    revenue: str = "revenue_before",
    churned: str = "churned",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Revenue at risk by NPS category (and by growth segment), firm's rates beside the shortcut.

    For each group g: ``expected_loss`` = revenue_g × churn rate_g, with the Wilson interval of
    the churn rate carried through (``loss_low``, ``loss_high``). The vendor shortcut
    (DOMAIN.md) is shown beside it: ``shortcut_impact`` = accounts_g × multiplier × ARPU with
    ARPU = total revenue / accounts and fixed multipliers detractor −0.5 (short-term revenue in
    danger), passive −0.3 (long-term), promoter +0.3 (growth potential). The firm's own rates
    replace those fixed multipliers.

    Parameters
    ----------
    table : DataFrame
        One row per account with category, revenue and churn flag (:func:`account_panel`,
        optionally :func:`growth_segments`).
    segment : str or None
        Growth-segment column; adds rows with ``group_type = "growth segment"`` when present.

    Returns
    -------
    DataFrame
        ``group_type``, ``group``, ``accounts``, ``revenue``, ``churn_rate``,
        ``expected_loss``, ``loss_low``, ``loss_high``, ``shortcut_impact``.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["detractor", "detractor", "promoter", "promoter"],
    ...                   "revenue_before": [100.0, 100.0, 100.0, 100.0],
    ...                   "churned": [True, False, False, False]})
    >>> r = revenue_at_risk(t, segment=None).set_index("group")
    >>> float(r.loc["detractor", "expected_loss"]), float(r.loc["detractor", "shortcut_impact"])
    (100.0, -100.0)
    """
    econ = category_economics(table, category, revenue, churned, revenue_after=None, ci=ci)
    arpu = econ["revenue"].sum() / econ["accounts"].sum()
    parts = [econ.assign(group_type="NPS category", group=econ["category"])]
    if segment is not None and segment in table.columns:
        seg = category_economics(
            table, segment, revenue, churned, revenue_after=None, ci=ci, levels=SEGMENTS
        )
        parts.append(seg.assign(group_type="growth segment", group=seg["category"]))
    e = pd.concat(parts, ignore_index=True)
    out = e[["group_type", "group", "accounts", "revenue", "churn_rate"]].copy()
    out["expected_loss"] = e["revenue"] * e["churn_rate"]
    out["loss_low"] = e["revenue"] * e["churn_ci_low"]
    out["loss_high"] = e["revenue"] * e["churn_ci_high"]
    mult = e["group"].map(SHORTCUT_MULTIPLIERS).where(e["group_type"] == "NPS category")
    out["shortcut_impact"] = e["accounts"] * mult * arpu
    return _noted(out, arpu=float(arpu))


# --------------------------------------------------------------------------- one NPS point


def _logit_fit(y: np.ndarray, x: np.ndarray):
    import statsmodels.api as sm

    if y.min() == y.max():
        raise DataError(
            "nps_point_value: every account has the same churn outcome; a churn regression "
            "needs both churned and retained accounts"
        )
    try:
        return sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    except Exception as exc:  # statsmodels raises several types on separation / singularity
        raise DataError(
            f"nps_point_value: the churn logit could not be fitted ({exc}); the score may "
            "separate churners perfectly (leakage) — use the category method"
        ) from exc


def nps_point_value(
    table: pd.DataFrame,
    category: str = "category",
    revenue: str = "revenue_before",
    churned: str = "churned",
    score: str = "account_nps",
    revenue_change: str | None = "revenue_change",
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int = 0,
    methods: Sequence[str] = ("category", "logit", "ols"),
) -> pd.DataFrame:
    """The revenue value of one NPS point, three ways, each with an interval and its assumptions.

    1. **Category values** (DOMAIN.md): moving 1% of accounts from detractor to passive raises
       NPS by one point. Value = 0.01 × N × (v_passive − v_detractor), with
       v_c = mean over category c of revenue × (1 − churned) (retained revenue per account).
       Percentile bootstrap over accounts (``n_boot`` resamples).
    2. **Logit of churn on ``score``** (statsmodels ``Logit``): the average marginal effect
       AME = mean_i β p_i (1 − p_i) of one score point on churn probability; value = −AME ×
       total revenue, delta-method interval of the AME.
    3. **OLS of ``revenue_change`` on ``score``** (when that column exists): slope b (money per
       account per point) × N accounts, interval from the slope's t interval.

    ``methods`` picks among ``"category"``, ``"logit"`` and ``"ols"``. Rows with a missing
    value in the columns a method uses are left out of that method; the counts are in
    ``n_used``. All are associations (see the module note), not causal effects.

    Returns
    -------
    DataFrame
        ``method``, ``value_per_point``, ``ci_low``, ``ci_high``, ``n_used``, ``coef``,
        ``coef_ci_low``, ``coef_ci_high``, ``assumption``.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["passive", "detractor"] * 20,
    ...                   "revenue_before": [100.0] * 40, "account_nps": [0.0, -100.0] * 20,
    ...                   "churned": [False, True] * 19 + [True, False]})
    >>> v = nps_point_value(t, revenue_change=None, n_boot=50)
    >>> round(float(v.loc[0, "value_per_point"]), 2)  # 0.01 * 40 * (95 - 5)
    36.0
    """
    import statsmodels.api as sm

    need(table, [category, revenue, churned, score], "nps_point_value")
    unknown = set(methods) - {"category", "logit", "ols"}
    if unknown:
        raise ParameterError(
            f"nps_point_value: unknown method(s) {sorted(unknown)}; use category, logit, ols"
        )
    a = (1 - ci) / 2
    z = float(norm.ppf(1 - a))
    rows = []

    t = table.dropna(subset=[category, revenue, churned])
    cat = t[category].astype(str).to_numpy()
    rev = check_money(t, revenue, None, "nps_point_value").to_numpy()
    kept = rev * (1 - t[churned].astype(float).to_numpy())
    n = len(t)

    def value(idx: np.ndarray) -> float:
        c, k = cat[idx], kept[idx]
        p, d = c == "passive", c == "detractor"
        if not (p.any() and d.any()):
            return np.nan
        return 0.01 * len(idx) * (k[p].mean() - k[d].mean())

    if "category" in methods:
        est = value(np.arange(n))
        rng = np.random.default_rng(seed)
        boots = [value(rng.integers(0, n, n)) for _ in range(n_boot)]
        lo1, hi1 = np.nanquantile(boots, [a, 1 - a]) if len(boots) else (np.nan, np.nan)
        rows.append(
            {
                "method": "category values (1% detractor → passive)",
                "value_per_point": est,
                "ci_low": lo1,
                "ci_high": hi1,
                "n_used": n,
                "coef": np.nan,
                "coef_ci_low": np.nan,
                "coef_ci_high": np.nan,
                "assumption": "a converted detractor keeps revenue like an average passive "
                "(retention × revenue); percentile bootstrap over accounts",
            }
        )

    if "logit" in methods:
        t2 = table.dropna(subset=[churned, score, revenue])
        y = t2[churned].astype(float).to_numpy()
        x = pd.to_numeric(t2[score]).to_numpy(float)
        fit = _logit_fit(y, x)
        me = fit.get_margeff(at="overall")
        dydx, se = float(me.margeff[0]), float(me.margeff_se[0])
        total = float(check_money(t2, revenue, None, "nps_point_value").sum())
        b_lo, b_hi = np.asarray(fit.conf_int(alpha=1 - ci))[1]
        rows.append(
            {
                "method": f"logistic regression of churn on {score}",
                "value_per_point": -dydx * total,
                "ci_low": -(dydx + z * se) * total,
                "ci_high": -(dydx - z * se) * total,
                "n_used": len(t2),
                "coef": float(fit.params[1]),
                "coef_ci_low": float(b_lo),
                "coef_ci_high": float(b_hi),
                "assumption": f"one more point of {score} lowers churn probability by the average "
                f"marginal effect ({-dydx:.3%}) for every account; revenue kept = that × total "
                "revenue; linear in the logit",
            }
        )

    if "ols" in methods and revenue_change is not None and revenue_change in table.columns:
        t3 = table.dropna(subset=[revenue_change, score])
        ols = sm.OLS(
            pd.to_numeric(t3[revenue_change]).to_numpy(float),
            sm.add_constant(pd.to_numeric(t3[score]).to_numpy(float)),
        ).fit()
        b = float(ols.params[1])
        lo, hi = np.asarray(ols.conf_int(alpha=1 - ci))[1]
        rows.append(
            {
                "method": f"OLS of {revenue_change} on {score}",
                "value_per_point": b * len(t3),
                "ci_low": lo * len(t3),
                "ci_high": hi * len(t3),
                "n_used": len(t3),
                "coef": b,
                "coef_ci_low": float(lo),
                "coef_ci_high": float(hi),
                "assumption": f"each account's revenue change rises by the slope per point of "
                f"{score}, summed over accounts; linear, homoscedastic t interval",
            }
        )
    return _noted(pd.DataFrame(rows))


# --------------------------------------------------------------------------- churn


def monthly_churn(
    accounts: pd.DataFrame,
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
    before the start of m; ``churned`` = churn date within m; ``churn_rate`` = churned /
    active with a Wilson interval; ``lost_revenue`` = Σ ``revenue`` (e.g. ARR) of the churned.

    Parameters
    ----------
    accounts : DataFrame
        One row per account with contract start and churn date (empty when active).
    start, end : date
        Months reported (start inclusive, end exclusive).
    by : str, optional
        Account column to split by; missing values become ``"(none)"``.

    Returns
    -------
    DataFrame
        ``month`` (first day), [``by``], ``active``, ``churned``, ``churn_rate``, ``ci_low``,
        ``ci_high``, ``lost_revenue``.

    Examples
    --------
    >>> a = pd.DataFrame({"account_id": ["A", "B"], "contract_start": ["2025-01-01"] * 2,
    ...                   "churn_date": ["2025-02-10", None], "arr": [10.0, 20.0]})
    >>> monthly_churn(a, "2025-01-01", "2025-04-01")["churned"].tolist()
    [0, 1, 0]
    """
    need(accounts, [account, contract_start, churn_date, by, revenue], "accounts")
    cs = check_dates(accounts, contract_start, "accounts").to_numpy()
    cd = check_dates(accounts, churn_date, "accounts").to_numpy()
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
    out["churn_rate"] = out["churned"] / out["active"].where(out["active"] > 0)
    out["ci_low"], out["ci_high"] = _wilson(out["churned"], out["active"], ci)
    out = out[
        ["month", "group", "active", "churned", "churn_rate", "ci_low", "ci_high", "lost_revenue"]
    ]
    out = out.rename(columns={"group": by}) if by is not None else out.drop(columns="group")
    return _noted(out)


def churn_reasons(
    accounts: pd.DataFrame,
    start: str | pd.Timestamp | None,
    end: str | pd.Timestamp | None,
    by: str | None = None,
    churn_date: str | None = "churn_date",
    reason: str = "churn_reason",
    revenue: str | None = "arr",
    churned: str | None = None,
) -> pd.DataFrame:
    """Who churned in [start, end) and why: accounts and revenue per reason (and group).

    Churned accounts without a recorded reason are counted under ``"(not recorded)"``. When
    the data has no churn dates (e.g. a snapshot), pass ``churn_date=None``, ``start=end=None``
    and a boolean ``churned`` column instead.

    Returns
    -------
    DataFrame
        [``by``], ``reason``, ``accounts``, ``share`` (of the group's churned accounts),
        ``lost_revenue``; sorted by accounts, most first.

    Examples
    --------
    >>> a = pd.DataFrame({"churn_date": ["2025-02-10", "2025-03-01", None],
    ...                   "churn_reason": ["price", None, None], "arr": [10.0, 5.0, 1.0]})
    >>> churn_reasons(a, "2025-01-01", "2026-01-01")["reason"].tolist()
    ['(not recorded)', 'price']
    """
    need(accounts, [churn_date, reason, by, revenue, churned], "accounts")
    if churn_date is not None:
        cd = check_dates(accounts, churn_date, "accounts")
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
    out["share"] = out["accounts"] / totals
    out = out.sort_values(
        [*keys[:-1], "accounts", "reason"], ascending=[*[True] * (len(keys) - 1), False, True]
    )
    return _noted(out[[*keys, "accounts", "share", "lost_revenue"]].reset_index(drop=True))


# --------------------------------------------------------------------------- referrals


def referral_summary(
    table: pd.DataFrame,
    referrals: pd.DataFrame,
    category: str = "category",
    account: str = "account_id",
    referrer: str = "referrer_account_id",
    referral_revenue: str = "first_year_revenue",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Referrals by the referring account's NPS category.

    ``share_referring`` = accounts that referred at least once / accounts, with a Wilson
    interval; ``referral_revenue`` = Σ first-year revenue of the referred customers.
    Referrals whose referrer is not in ``table`` are counted in ``attrs["unattributed"]``.

    Returns
    -------
    DataFrame
        ``category``, ``accounts``, ``referring_accounts``, ``share_referring``, ``ci_low``,
        ``ci_high``, ``referrals``, ``referral_revenue``.

    Examples
    --------
    >>> t = pd.DataFrame({"account_id": ["A", "B"], "category": ["promoter", "detractor"]})
    >>> f = pd.DataFrame({"referrer_account_id": ["A", "A"], "first_year_revenue": [5.0, 7.0]})
    >>> referral_summary(t, f).set_index("category").loc["promoter", "referral_revenue"]
    np.float64(12.0)
    """
    need(table, [account, category], "referral_summary")
    need(referrals, [referrer, referral_revenue], "referrals")
    amt = check_money(referrals, referral_revenue, file="referrals")
    ref = pd.DataFrame({account: referrals[referrer].to_numpy(), "amt": amt.fillna(0.0).to_numpy()})
    per = ref.groupby(account).agg(referrals=("amt", "size"), referral_revenue=("amt", "sum"))
    t = table[[account, category]].merge(per, left_on=account, right_index=True, how="left")
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
    out["share_referring"] = out["referring_accounts"] / out["accounts"].where(out["accounts"] > 0)
    out["ci_low"], out["ci_high"] = _wilson(out["referring_accounts"], out["accounts"], ci)
    out = out.rename_axis("category").reset_index()
    out["category"] = out["category"].astype(str)
    cols = ["category", "accounts", "referring_accounts", "share_referring", "ci_low", "ci_high"]
    out = out[[*cols, "referrals", "referral_revenue"]]
    return _noted(out, unattributed=int(len(ref) - out["referrals"].sum()))


def earned_growth(
    accounts: pd.DataFrame,
    revenue: pd.DataFrame,
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

    Returns
    -------
    DataFrame
        One row: ``period_start``, ``period_end``, ``revenue_prior``, ``revenue_retained``,
        ``nrr_pct``, ``referred_new_revenue``, ``referred_share_pct``,
        ``other_new_revenue``, ``earned_growth_rate_pct``.

    Examples
    --------
    >>> acc = pd.DataFrame({"account_id": ["A", "B"], "referred_by": [None, "A"]})
    >>> rev = pd.DataFrame({"account_id": ["A", "A", "B"], "revenue": [100.0, 90.0, 20.0],
    ...                     "month": ["2025-01-01", "2026-01-01", "2026-01-01"]})
    >>> float(earned_growth(acc, rev, "2026-01-01")["earned_growth_rate_pct"].iloc[0])
    10.0
    """
    need(accounts, [account, referred_by], "accounts")
    need(revenue, [account, month, amount], "revenue")
    start = pd.Timestamp(start)
    p0, p1 = start - pd.DateOffset(months=months), start + pd.DateOffset(months=months)
    m = check_dates(revenue, month, "revenue")
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
    return _noted(out)


# --------------------------------------------------------------------------- growth segments


def growth_segments(
    table: pd.DataFrame,
    score: str = "account_nps",
    change: str | None = "nps_change",
    trend: str | None = "revenue_trend",
    revenue: str = "revenue_before",
    at_risk_below: float = 0.0,
    safe_from: float = 30.0,
    falling: float = -20.0,
    shrinking: float = -0.10,
) -> pd.DataFrame:
    """At risk / grey zone / safe segmentation of accounts; call the largest at-risk ones first.

    Rules, applied in order:

    - **at risk** when account NPS < ``at_risk_below`` (detractors outweigh promoters), or its
      NPS fell by at least ``-falling`` points (``change`` ≤ ``falling``), or its revenue
      shrank by at least ``-shrinking`` (``trend`` ≤ ``shrinking``, a churn signal);
    - **safe** when account NPS ≥ ``safe_from`` and none of the above;
    - **grey zone** otherwise, including accounts with no score (``reason`` says so).

    Returns
    -------
    DataFrame
        ``table`` plus ``segment_growth`` (ordered: at risk, grey zone, safe), ``reason`` and
        ``call_priority`` (1 = call first; at-risk accounts ranked by revenue at stake, others
        0), sorted by segment then revenue, largest first.

    Examples
    --------
    >>> t = pd.DataFrame({"account_nps": [-50.0, 10.0, 80.0, 80.0], "nps_change": [0, 0, 0, -40],
    ...                   "revenue_trend": [0.0] * 4, "revenue_before": [1.0, 2.0, 3.0, 4.0]})
    >>> growth_segments(t)["segment_growth"].astype(str).tolist()
    ['at risk', 'at risk', 'grey zone', 'safe']
    """
    need(table, [score, revenue, change, trend], "growth_segments")
    s = pd.to_numeric(table[score]).to_numpy(float)
    low = s < at_risk_below
    drop = (
        pd.to_numeric(table[change]).to_numpy(float) <= falling
        if change
        else np.zeros(len(table), bool)
    )
    shrink = (
        pd.to_numeric(table[trend]).to_numpy(float) <= shrinking
        if trend
        else np.zeros(len(table), bool)
    )
    risk = low | drop | shrink
    seg = np.where(risk, "at risk", np.where(s >= safe_from, "safe", "grey zone"))
    reason = np.select(
        [low, drop, shrink, np.isnan(s), s >= safe_from],
        [
            f"NPS below {at_risk_below:g}",
            f"NPS fell {-falling:g}+ points",
            f"revenue down {-shrinking:.0%}+",
            "no score",
            f"NPS {safe_from:g}+",
        ],
        default=f"NPS {at_risk_below:g} to {safe_from:g}",
    )
    out = table.assign(
        segment_growth=pd.Categorical(seg, list(SEGMENTS), ordered=True), reason=reason
    )
    out = out.sort_values(["segment_growth", revenue], ascending=[True, False], kind="stable")
    out = out.reset_index(drop=True)
    out["call_priority"] = np.where(
        out["segment_growth"] == "at risk", np.arange(1, len(out) + 1), 0
    )
    return _noted(out)


# --------------------------------------------------------------------------- real data


def load_ibm_telco(directory: str | Path) -> pd.DataFrame:
    """Join the five IBM Telco churn tables (v11) into one row per customer.

    Reads ``Telco_customer_churn_{demographics,location,services,status}.xlsx`` joined on
    ``Customer ID`` (population, keyed by zip code, is not needed here). Columns returned:
    ``account_id``, ``satisfaction`` (1–5), ``category`` (5 promoter, 4 passive, 1–3
    detractor: the top-box analogue of 9–10 / 7–8 / 0–6), ``churned``, ``customer_status``,
    ``churn_category``, ``churn_reason``, ``tenure_months``, ``contract``, ``monthly_charge``,
    ``arr`` (monthly charge × 12), ``total_revenue``, ``cltv``, ``referred_a_friend``,
    ``number_of_referrals``, ``age``, ``state``, ``city``, ``internet_type``, ``offer``.
    A relative ``directory`` is tried from the working directory, then from the project root
    and from ``notebooks/`` (so the notebook default ``../../shared/...`` works in both).

    The satisfaction score leaks churn: scores 1–2 all churned and 4–5 never did, so it was
    evidently recorded with knowledge of the outcome. Any link between it and churn is
    near-deterministic and says nothing about prediction.

    Raises
    ------
    SchemaError
        When the directory or a table is missing, or the tables do not hold the same customers.
    """
    given = Path(directory)
    root = Path(__file__).resolve().parents[1]
    tried = [given] if given.is_absolute() else [given, root / given, root / "notebooks" / given]
    found = [p for p in tried if p.is_dir()]
    if not found:
        raise SchemaError(
            f"IBM telco data not found at {given} (tried {[str(p.resolve()) for p in tried]}); "
            "set telco_dir to the folder holding Telco_customer_churn_*.xlsx, e.g. "
            "../shared/data/en_ibm_telco_churn_v11 from the project root"
        )
    directory = found[0]
    tables = {}
    for name in ("demographics", "location", "services", "status"):
        path = directory / f"Telco_customer_churn_{name}.xlsx"
        if not path.is_file():
            raise SchemaError(f"{path}: file missing from the IBM telco folder")
        t = pd.read_excel(path)
        if t["Customer ID"].duplicated().any():
            raise SchemaError(f"{path.name}: column 'Customer ID' has duplicate customers")
        tables[name] = t.set_index("Customer ID")
    ids = tables["status"].index
    for name, t in tables.items():
        if len(t) != len(ids) or not t.index.isin(ids).all():
            raise SchemaError(
                f"Telco_customer_churn_{name}.xlsx: customers differ from the status table "
                f"({len(t)} vs {len(ids)} rows); the five tables must describe the same customers"
            )
    st, sv, dm, lc = (
        tables[k].loc[ids] for k in ("status", "services", "demographics", "location")
    )
    monthly = check_money(sv.reset_index(), "Monthly Charge", None, "services").to_numpy()
    out = pd.DataFrame(
        {
            "account_id": ids.to_numpy(),
            "satisfaction": st["Satisfaction Score"].to_numpy(int),
            "churned": st["Churn Value"].to_numpy(int) == 1,
            "customer_status": st["Customer Status"].to_numpy(),
            "churn_category": st["Churn Category"].to_numpy(),
            "churn_reason": st["Churn Reason"].to_numpy(),
            "tenure_months": sv["Tenure in Months"].to_numpy(int),
            "contract": sv["Contract"].to_numpy(),
            "monthly_charge": monthly,
            "arr": monthly * 12,
            "total_revenue": sv["Total Revenue"].to_numpy(float),
            "cltv": st["CLTV"].to_numpy(float),
            "referred_a_friend": sv["Referred a Friend"].to_numpy() == "Yes",
            "number_of_referrals": sv["Number of Referrals"].to_numpy(int),
            "age": dm["Age"].to_numpy(int),
            "state": lc["State"].to_numpy(),
            "city": lc["City"].to_numpy(),
            "internet_type": sv["Internet Type"].fillna("None").to_numpy(),
            "offer": sv["Offer"].fillna("None").to_numpy(),
        }
    )
    sat = out["satisfaction"].to_numpy()
    out["category"] = pd.Categorical(
        np.select([sat >= 5, sat == 4], ["promoter", "passive"], "detractor"),
        categories=list(NPS_CATEGORIES),
        ordered=True,
    )
    return _noted(
        out,
        note=NOTE + " The satisfaction score leaks churn (1–2 always churned, 4–5 never): "
        "treat score–churn links here as descriptive only.",
    )
