"""Money by NPS category: revenue, churn and retention per category, revenue at risk beside the
vendor shortcut, and the revenue value of one NPS point.

Everything here is **observational** (:data:`NOTE`). Detractor accounts churning more does not
show that turning them into promoters would keep them: the same product, price or service
problems can drive both the score and the churn, and large accounts differ from small ones in
more than their NPS. Figures are associations under stated assumptions, not causal effects;
reports show :data:`NOTE` beside them.

The input is one row per account, typically the prospective panel of
:func:`cxm_lab.accounts.account_panel`. Rates in result tables are percentages (0–100) with
their intervals on the same scale; intervals come from :mod:`cxm_lab.stats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxm_lab import stats
from cxm_lab.docstrings import fill
from cxm_lab.errors import (
    DataError,
    ParameterError,
    check_int,
    check_level,
    check_money,
    need,
)
from cxm_lab.growth import SEGMENTS
from cxm_lab.metrics import NPS_CATEGORIES

__all__ = [
    "NOTE",
    "SHORTCUT_MULTIPLIERS",
    "RevenueAtRisk",
    "category_economics",
    "nps_point_value",
    "revenue_at_risk",
]

#: The caveat every revenue-linkage figure carries (shown in the reports).
NOTE = (
    "Observational association, not a causal effect: accounts with different scores also differ "
    "in size, product, price and service, any of which can drive both the score and the outcome."
)
#: SurveyMonkey-style fixed multipliers of ARPU per category (DOMAIN.md "vendor shortcut").
SHORTCUT_MULTIPLIERS: dict[str, float] = {"detractor": -0.5, "passive": -0.3, "promoter": 0.3}


# --------------------------------------------------------------------------- economics


@fill
def category_economics(
    df: pd.DataFrame,
    *,
    category: str = "category",
    revenue: str = "revenue_before",
    churned: str = "churned",
    revenue_after: str | None = "revenue_after",
    ci: float = 0.95,
    levels: Sequence[str] = NPS_CATEGORIES,
) -> pd.DataFrame:
    """Accounts, revenue, churn and retention per NPS category (or other group).

    ``churn_rate`` = 100 × churned / accounts (%) with a Wilson score interval
    (:func:`cxm_lab.stats.wilson`); ``retention_rate`` = 100 − churn rate (interval mirrored);
    ``avg_revenue`` = revenue / accounts; ``revenue_share`` = 100 × category revenue / total
    (%); ``nrr`` = 100 × Σ revenue_after / Σ revenue (net revenue retention, %) when
    ``revenue_after`` is given. Rows without a category are reported as their own
    ``"(no score)"`` row, not dropped.

    Parameters
    ----------
    df : DataFrame
        One row per account (e.g. ``account_panel(...).table``).
    category : str
        Group column (NPS category, growth segment...).
    revenue, churned : str
        Revenue (money) and churn flag columns.
    revenue_after : str or None
        Revenue in the outcome window (None: no ``nrr`` column).
    {{ci}}
    levels : sequence of str
        Groups always shown (in this order) even when empty; others follow sorted.

    Returns
    -------
    DataFrame
        One row per category: ``category``, ``accounts``, ``revenue``, ``churned``,
        ``avg_revenue``, ``revenue_share``, ``churn_rate``, ``churn_ci_low``,
        ``churn_ci_high``, ``retention_rate``, ``retention_ci_low``, ``retention_ci_high``
        (, ``nrr``); rates and shares in % (0–100).

    Raises
    ------
    ColumnError
        When a named column is missing.
    DataError
        For an invalid money amount (row named).

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["promoter", "detractor", "detractor"],
    ...                   "revenue_before": [100.0, 50.0, 30.0], "churned": [False, True, False]})
    >>> category_economics(t, revenue_after=None).set_index("category")["churn_rate"].tolist()
    [50.0, nan, 0.0]
    """
    ci = check_level(ci, "category_economics")
    need(df, [category, revenue, churned, revenue_after], "category_economics")
    money = check_money(df, revenue, currency=None, file="category_economics")
    cat = df[category].astype("string").fillna("(no score)")
    levels = [*levels, *sorted(set(cat) - set(levels))]
    frame = pd.DataFrame(
        {
            "category": pd.Categorical(cat, categories=levels, ordered=True),
            "rev": money.fillna(0.0).to_numpy(),
            "ch": df[churned].astype(bool).to_numpy(),
        }
    )
    if revenue_after is not None:
        frame["after"] = check_money(
            df, revenue_after, currency=None, file="category_economics"
        ).to_numpy()
    g = frame.groupby("category", observed=False)
    out = pd.DataFrame(
        {"accounts": g.size(), "revenue": g["rev"].sum(), "churned": g["ch"].sum().astype(int)}
    )
    out = out[(out["accounts"] > 0) | out.index.isin(list(levels))]
    k, n = out["churned"].to_numpy(float), out["accounts"].to_numpy(float)
    n_or_nan = np.where(n > 0, n, np.nan)
    out["avg_revenue"] = out["revenue"] / n_or_nan
    out["revenue_share"] = 100 * out["revenue"] / out["revenue"].sum()
    out["churn_rate"] = 100 * k / n_or_nan
    lo, hi = stats.wilson(k, n, ci=ci)
    out["churn_ci_low"], out["churn_ci_high"] = 100 * lo, 100 * hi
    out["retention_rate"] = 100 - out["churn_rate"]
    out["retention_ci_low"] = 100 - out["churn_ci_high"]
    out["retention_ci_high"] = 100 - out["churn_ci_low"]
    if revenue_after is not None:
        after = g["after"].sum().reindex(out.index)
        out["nrr"] = 100 * after / out["revenue"].where(out["revenue"] > 0)
    out = out.reset_index()
    out["category"] = out["category"].astype(str)
    return out


@dataclass(frozen=True)
class RevenueAtRisk:
    """Revenue at risk per group (:func:`revenue_at_risk`).

    Attributes
    ----------
    table : DataFrame
        ``group_type``, ``group``, ``accounts``, ``revenue``, ``churn_rate`` (%),
        ``expected_loss``, ``loss_low``, ``loss_high``, ``shortcut_impact``.
    arpu : float
        Average revenue per account (total revenue / accounts) used by the shortcut.
    """

    table: pd.DataFrame
    arpu: float


@fill
def revenue_at_risk(
    df: pd.DataFrame,
    *,
    category: str = "category",
    segment: str | None = "segment_growth",
    revenue: str = "revenue_before",
    churned: str = "churned",
    ci: float = 0.95,
) -> RevenueAtRisk:
    """Revenue at risk by NPS category (and by growth segment), firm's rates beside the shortcut.

    For each group g: ``expected_loss`` = revenue_g × churn rate_g / 100, with the Wilson
    interval of the churn rate carried through (``loss_low``, ``loss_high``). The vendor
    shortcut (DOMAIN.md) is shown beside it: ``shortcut_impact`` = accounts_g × multiplier ×
    ARPU with ARPU = total revenue / accounts and fixed multipliers
    (:data:`SHORTCUT_MULTIPLIERS`) detractor −0.5 (short-term revenue in danger), passive −0.3
    (long-term), promoter +0.3 (growth potential). The firm's own rates replace those fixed
    multipliers.

    Parameters
    ----------
    df : DataFrame
        One row per account with category, revenue and churn flag
        (``account_panel(...).table``, optionally through
        :func:`~cxm_lab.growth.growth_segments`).
    category : str
        NPS category column.
    segment : str or None
        Growth-segment column; adds rows with ``group_type = "growth segment"`` when present.
    revenue, churned : str
        Revenue (money) and churn flag columns.
    {{ci}}

    Returns
    -------
    RevenueAtRisk
        The ``table`` per group and the ``arpu`` of the shortcut.

    Raises
    ------
    ColumnError
        When a named column is missing.
    DataError
        For an invalid money amount (row named).

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["detractor", "detractor", "promoter", "promoter"],
    ...                   "revenue_before": [100.0, 100.0, 100.0, 100.0],
    ...                   "churned": [True, False, False, False]})
    >>> r = revenue_at_risk(t, segment=None).table.set_index("group")
    >>> float(r.loc["detractor", "expected_loss"]), float(r.loc["detractor", "shortcut_impact"])
    (100.0, -100.0)
    """
    cols = {"category": category, "revenue": revenue, "churned": churned, "revenue_after": None}
    econ = category_economics(df, **cols, ci=ci)
    arpu = econ["revenue"].sum() / econ["accounts"].sum()
    parts = [econ.assign(group_type="NPS category", group=econ["category"])]
    if segment is not None and segment in df.columns:
        seg = category_economics(df, **{**cols, "category": segment}, ci=ci, levels=SEGMENTS)
        parts.append(seg.assign(group_type="growth segment", group=seg["category"]))
    e = pd.concat(parts, ignore_index=True)
    out = e[["group_type", "group", "accounts", "revenue", "churn_rate"]].copy()
    # the rates are percentages: money × rate / 100
    out["expected_loss"] = e["revenue"] * e["churn_rate"] / 100
    out["loss_low"] = e["revenue"] * e["churn_ci_low"] / 100
    out["loss_high"] = e["revenue"] * e["churn_ci_high"] / 100
    mult = e["group"].map(SHORTCUT_MULTIPLIERS).where(e["group_type"] == "NPS category")
    out["shortcut_impact"] = e["accounts"] * mult * arpu
    return RevenueAtRisk(table=out, arpu=float(arpu))


# --------------------------------------------------------------------------- one NPS point


def _logit_fit(y: np.ndarray, x: np.ndarray):
    import statsmodels.api as sm

    if not len(y):
        raise DataError(
            "nps_point_value: no account has a score, revenue and a churn outcome; a churn "
            "regression needs them"
        )
    if y.min() == y.max():
        raise DataError(
            "nps_point_value: every account has the same churn outcome; a churn regression "
            "needs both churned and retained accounts"
        )
    import warnings

    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    try:
        with warnings.catch_warnings():
            # separation and non-convergence only warn; their coefficients mean nothing
            warnings.simplefilter("error", PerfectSeparationWarning)
            warnings.simplefilter("error", ConvergenceWarning)
            return sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    except Exception as exc:  # statsmodels raises several types on separation / singularity
        raise DataError(
            f"nps_point_value: the churn logit could not be fitted ({exc}); the score may "
            "separate churners perfectly (leakage, or very few accounts) — use the category "
            "method"
        ) from exc


@fill
def nps_point_value(
    df: pd.DataFrame,
    *,
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

    Rows with a missing value in the columns a method uses are left out of that method; the
    counts are in ``n_used``. A method the data cannot support (no passive or no detractor
    account; every account with the same churn outcome, or a score that separates churners
    perfectly; fewer than three accounts with a revenue change) keeps its row, without
    values, and its ``assumption`` says "not computed: " and why, so the other methods still
    stand. All are associations (:data:`NOTE`), not causal effects.

    Parameters
    ----------
    df : DataFrame
        One row per account (e.g. ``account_panel(...).table``).
    category, revenue, churned : str
        NPS category, revenue (money) and churn flag columns.
    score : str
        Account score column of the regressions (e.g. account NPS, −100 to 100).
    revenue_change : str or None
        Revenue change column of the OLS method (None: OLS skipped).
    {{n_boot}}
    {{ci}}
    {{seed}}
    methods : sequence of str
        Any of ``"category"``, ``"logit"`` and ``"ols"``.

    Returns
    -------
    DataFrame
        ``method``, ``value_per_point``, ``ci_low``, ``ci_high``, ``n_used``, ``coef``,
        ``coef_ci_low``, ``coef_ci_high``, ``assumption``.

    Raises
    ------
    ColumnError
        When a named column is missing.
    ParameterError
        For an unknown method, a bad ``ci`` or ``n_boot``.

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

    ci = check_level(ci, "nps_point_value")
    n_boot = check_int(n_boot, "n_boot", "nps_point_value", 0, "pass e.g. 1000")
    need(df, [category, revenue, churned, score], "nps_point_value")
    unknown = set(methods) - {"category", "logit", "ols"}
    if unknown:
        raise ParameterError(
            f"nps_point_value: unknown method(s) {sorted(unknown)}; use category, logit, ols"
        )
    z = stats.z_value(ci)
    rows = []

    t = df.dropna(subset=[category, revenue, churned])
    cat = t[category].astype(str).to_numpy()
    rev = check_money(t, revenue, currency=None, file="nps_point_value").to_numpy()
    kept = rev * (1 - t[churned].astype(float).to_numpy())
    n = len(t)

    def value(idx: np.ndarray) -> float:
        c, k = cat[idx], kept[idx]
        p, d = c == "passive", c == "detractor"
        if not (p.any() and d.any()):
            return np.nan
        return 0.01 * len(idx) * (k[p].mean() - k[d].mean())

    def not_computed(method: str, n_used: int, why: str) -> dict:
        """The row of a method the data cannot support: no value, and why."""
        return {"method": method, "value_per_point": np.nan, "ci_low": np.nan,
                "ci_high": np.nan, "n_used": n_used, "coef": np.nan, "coef_ci_low": np.nan,
                "coef_ci_high": np.nan, "assumption": f"not computed: {why}"}  # fmt: skip

    if "category" in methods and not ((cat == "passive").any() and (cat == "detractor").any()):
        rows.append(
            not_computed(
                "category values (1% detractor → passive)",
                n,
                f"needs passive and detractor accounts (this data has {(cat == 'passive').sum():,} "
                f"passive, {(cat == 'detractor').sum():,} detractor)",
            )
        )
    elif "category" in methods:
        est = value(np.arange(n))
        rng = np.random.default_rng(seed)
        draws = np.array([value(idx) for idx in stats.bootstrap_indices(n, n_boot, rng=rng)])
        lo1, hi1 = stats.percentile_interval(draws, ci=ci) if n_boot else (np.nan, np.nan)
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

    fit = None
    if "logit" in methods:
        t2 = df.dropna(subset=[churned, score, revenue])
        y = t2[churned].astype(float).to_numpy()
        x = pd.to_numeric(t2[score]).to_numpy(float)
        try:
            fit = _logit_fit(y, x)
        except DataError as exc:
            rows.append(
                not_computed(
                    f"logistic regression of churn on {score}",
                    len(t2),
                    str(exc).removeprefix("nps_point_value: "),
                )
            )
    if fit is not None:
        me = fit.get_margeff(at="overall")
        dydx, se = float(me.margeff[0]), float(me.margeff_se[0])
        total = float(check_money(t2, revenue, currency=None, file="nps_point_value").sum())
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

    ols_method = f"OLS of {revenue_change} on {score}"
    use_ols = "ols" in methods and revenue_change is not None and revenue_change in df.columns
    if use_ols:
        t3 = df.dropna(subset=[revenue_change, score])
        if len(t3) < 3 or pd.to_numeric(t3[score]).nunique() < 2:
            rows.append(
                not_computed(
                    ols_method,
                    len(t3),
                    f"a slope needs 3 or more accounts with a revenue change whose {score} "
                    f"differs (this data has {len(t3):,} with a revenue change)",
                )
            )
            use_ols = False
    if use_ols:
        ols = sm.OLS(
            pd.to_numeric(t3[revenue_change]).to_numpy(float),
            sm.add_constant(pd.to_numeric(t3[score]).to_numpy(float)),
        ).fit()
        b = float(ols.params[1])
        lo, hi = np.asarray(ols.conf_int(alpha=1 - ci))[1]
        rows.append(
            {
                "method": ols_method,
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
    return pd.DataFrame(rows)
