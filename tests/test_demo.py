"""The demo company behaves like real data and keeps its documented shape."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from cxm_lab import demo
from cxm_lab.metrics import nps_category

CONTRACT = {
    "accounts": [
        "account_id",
        "account_name",
        "segment",
        "region",
        "industry",
        "csm_owner",
        "contract_start",
        "arr",
        "churn_date",
        "churn_reason",
        "referred_by",
    ],
    "contacts": ["contact_id", "account_id", "name", "role", "language", "email", "phone"],
    "responses": [
        "response_id",
        "survey_type",
        "touchpoint",
        "channel",
        "account_id",
        "contact_id",
        "role",
        "segment",
        "region",
        "language",
        "response_date",
        "quarter",
        "ltr",
        "csat",
        "ces",
        "ease",
        "speed",
        "support",
        "price",
        "reliability",
        "product",
        "comment",
        "weight",
    ],
    "invitations": ["quarter", "channel", "touchpoint", "survey_type", "invited"],
    "revenue": ["account_id", "month", "revenue"],
    "referrals": [
        "referral_id",
        "referrer_account_id",
        "referred_account_id",
        "referral_date",
        "first_year_revenue",
    ],
    "employees": ["response_id", "employee_id", "department", "quarter", "enps"],
    "touchpoint_owners": ["touchpoint", "owner_team", "owner_email"],
    "targets": ["metric", "quarter", "target"],
    "case_closures": ["response_id", "closed_date"],
}


@pytest.fixture(scope="module")
def d():
    return demo.load_demo()


def test_deterministic_for_a_seed(d):
    again = demo.load_demo()
    for name, frame in d.tables().items():
        pd.testing.assert_frame_equal(frame, again.tables()[name])
    assert not demo.load_demo(seed=1).responses["ltr"].equals(d.responses["ltr"])


def test_columns_follow_the_contract(d):
    for name, cols in CONTRACT.items():
        assert list(d.tables()[name].columns) == cols, name


def test_ranges_and_quarters(d):
    r = d.responses
    assert r["ltr"].between(0, 10).all()
    assert r["csat"].dropna().between(1, 5).all() and r["ces"].dropna().between(1, 7).all()
    assert sorted(r["quarter"].unique()) == demo.QUARTERS and len(demo.QUARTERS) >= 8
    assert r["response_id"].is_unique and (r["weight"] > 0).all()


def test_invitations_cover_responses(d):
    keys = ["quarter", "channel", "touchpoint", "survey_type"]
    got = d.responses.groupby(keys).size().rename("responses")
    merged = d.invitations.set_index(keys).join(got, how="outer").fillna(0)
    assert (merged["invited"] >= merged["responses"]).all()


def test_detractor_accounts_churn_more(d):
    first = d.responses.sort_values("response_date").groupby("account_id")["ltr"].mean()
    cat = nps_category(first.round())
    churned = d.accounts.set_index("account_id")["churn_date"].notna()
    rate = churned.reindex(cat.index).groupby(cat.to_numpy(), observed=True).mean()
    assert rate["detractor"] > 2 * rate["promoter"]


def test_true_driver_order_recovered_by_ols(d):
    cols = demo.DRIVERS
    r = d.responses.dropna(subset=cols)
    x = r[cols].astype(float)
    std = (x - x.mean()) / x.std()
    fit = sm.OLS(r["ltr"].astype(float).to_numpy(), sm.add_constant(std)).fit()
    order = fit.params.drop("const").sort_values(ascending=False).index.tolist()
    assert order[:2] == ["reliability", "support"]
    assert order[-1] == "price"


def test_no_revenue_or_surveys_after_churn(d):
    churn = d.accounts.set_index("account_id")["churn_date"]
    rev = d.revenue.assign(churn=d.revenue["account_id"].map(churn))
    assert not (
        rev["churn"].notna() & (rev["month"] >= rev["churn"].dt.to_period("M").dt.start_time)
    ).any()
    resp = d.responses.assign(churn=d.responses["account_id"].map(churn))
    assert not (resp["churn"].notna() & (resp["response_date"] >= resp["churn"])).any()


@pytest.mark.parametrize(
    ("lang", "pattern"),
    [
        ("fa", r"[\u06cc\u06a9\u067e\u0686\u06af]"),
        ("ar", r"[\u0621-\u064a]"),
        ("ru", r"[\u0400-\u04ff]"),
        ("zh", r"[\u4e00-\u9fff]"),
        ("en", r"[A-Za-z]"),
    ],
)
def test_comments_in_each_language_use_its_script(d, lang, pattern):
    c = d.responses.loc[d.responses["language"] == lang, "comment"].dropna()
    assert len(c) >= 100
    assert c.str.contains(pattern).mean() > 0.95


def test_referrals_come_mostly_from_healthy_accounts(d):
    referred = d.accounts.dropna(subset=["referred_by"])
    assert set(referred["account_id"]) == set(d.referrals["referred_account_id"])
    assert len(d.referrals) > 10


def test_write_demo_files_and_injected_errors(tmp_path):
    paths = demo.write_demo(tmp_path)
    assert set(paths) == set(CONTRACT)
    raw = pd.read_csv(paths["responses"], dtype=str)
    assert len(raw) == len(demo.load_demo().responses) + demo.N_INJECTED_ERRORS
    clean = demo.write_demo(tmp_path / "clean", inject_errors=False)
    assert len(pd.read_csv(clean["responses"])) == len(demo.load_demo().responses)
    assert np.isfinite(pd.read_csv(paths["revenue"])["revenue"]).all()
