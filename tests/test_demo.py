"""The demo company behaves like real data and keeps its documented shape.

Every planted property (docs in :mod:`cxm_lab.demo`) is re-derived here from the tables
themselves, with pandas / statsmodels, never from the generator's internals.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from cxm_lab import demo
from cxm_lab.demo_text import (
    CLOSERS,
    EDGE_CASE_COMMENTS,
    OPENERS,
    THEME_SENTENCES,
    compose_comment,
)
from cxm_lab.errors import ParameterError
from cxm_lab.io import load_dataset, read_table

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
    "operations": ["unit", "period", "kpi", "value", "owner", "touchpoint", "direction"],
}
SCRIPTS = {
    "fa": r"[\u06cc\u06a9\u067e\u0686\u06af]",  # Persian ی ک پ چ گ
    "ar": r"[\u0621-\u064a]",
    "ru": r"[\u0400-\u04ff]",
    "zh": r"[\u4e00-\u9fff]",
    "en": r"[A-Za-z]",
}
EDGE_TEXTS = {text for _, _, text in EDGE_CASE_COMMENTS}


def nps(scores: pd.Series) -> float:
    """NPS by hand: 100 * (share 9-10 - share 0-6)."""
    return 100.0 * ((scores >= 9).mean() - (scores <= 6).mean())


def category(ltr: pd.Series) -> pd.Series:
    return pd.Series(
        np.where(ltr >= 9, "promoter", np.where(ltr >= 7, "passive", "detractor")), index=ltr.index
    )


@pytest.fixture(scope="module")
def d() -> demo.DemoData:
    return demo.load_demo()


def test_deterministic_for_a_seed(d):
    again = demo.load_demo()
    for name, frame in d.tables().items():
        pd.testing.assert_frame_equal(frame, again.tables()[name])
    other = demo.load_demo(seed=1)
    assert len(other.responses) != len(d.responses) or not other.responses["ltr"].equals(
        d.responses["ltr"]
    )
    assert not other.accounts["arr"].equals(d.accounts["arr"])


def test_columns_follow_the_contract(d):
    assert list(d.tables()) == list(CONTRACT)
    for name, cols in CONTRACT.items():
        assert list(d.tables()[name].columns) == cols, name


def test_sizes_ids_and_categories(d):
    a, c, r = d.accounts, d.contacts, d.responses
    assert 600 <= len(a) <= 720 and 2_000 <= len(c) <= 3_000 and 12_000 <= len(r) <= 15_000
    assert a["account_id"].str.fullmatch(r"A\d{4}").all() and a["account_id"].is_unique
    assert c["contact_id"].str.fullmatch(r"C\d{5}").all() and c["contact_id"].is_unique
    assert r["response_id"].str.fullmatch(r"R\d{6}").all() and r["response_id"].is_unique
    assert set(c["account_id"]) <= set(a["account_id"])
    assert set(a["segment"]) == {"Enterprise", "Mid-Market", "SMB"}
    assert set(a["region"]) == set(demo.REGIONS)
    assert set(c["role"]) == {"executive", "technical", "user"}
    assert set(r["survey_type"]) == {"relationship", "transactional", "in_the_moment"}
    assert set(r["touchpoint"]) == set(demo.TOUCHPOINTS)
    assert set(r["channel"]) == {"email", "sms", "phone", "web", "in_app"}
    # A response repeats its contact's account, role and language and its account's segment.
    merged = r.merge(c, on="contact_id", suffixes=("", "_c")).merge(
        a[["account_id", "segment", "region"]], on="account_id", suffixes=("", "_a")
    )
    assert len(merged) == len(r)
    for col, other in [
        ("account_id", "account_id_c"),
        ("role", "role_c"),
        ("language", "language_c"),
    ]:
        assert (merged[col] == merged[other]).all(), col
    assert (merged["segment"] == merged["segment_a"]).all()
    assert (merged["region"] == merged["region_a"]).all()


def test_ranges_and_quarters(d):
    r = d.responses
    assert demo.QUARTERS[0] == "2024Q1" and demo.QUARTERS[-1] == demo.REPORT_QUARTER == "2026Q3"
    assert len(demo.QUARTERS) == 11 and sorted(r["quarter"].unique()) == demo.QUARTERS
    assert (r["response_date"].dt.to_period("Q").astype(str) == r["quarter"]).all()
    assert r["ltr"].between(0, 10).all()
    assert r["csat"].dropna().between(1, 5).all() and r["ces"].dropna().between(1, 7).all()
    for col in demo.DRIVERS:
        assert r[col].dropna().between(0, 10).all(), col
        assert 0.01 < r[col].isna().mean() < 0.15, col  # some missing, most present
    assert (r["weight"] > 0).all()
    assert d.employees["enps"].between(0, 10).all()
    assert set(d.employees["quarter"]) == set(demo.QUARTERS)
    assert 250 <= d.employees["employee_id"].nunique() <= 300


def test_arr_by_segment_is_lognormal_and_ordered(d):
    med = d.accounts.groupby("segment")["arr"].median()
    assert 200_000 <= med["Enterprise"] <= 2_000_000
    assert 30_000 <= med["Mid-Market"] <= 200_000
    assert 3_000 <= med["SMB"] <= 30_000
    # Lognormal: log ARR is roughly symmetric within a segment (|skew| small), ARR itself is not.
    for _, g in d.accounts.groupby("segment"):
        assert abs(np.log(g["arr"]).skew()) < 0.6 < g["arr"].skew()


def test_language_mix_follows_the_brief(d):
    share = d.contacts["language"].value_counts(normalize=True)
    expected = {"en": 0.45, "ru": 0.15, "fa": 0.15, "ar": 0.15, "zh": 0.10}
    for lang, p in expected.items():
        assert abs(share[lang] - p) < 0.04, (lang, share[lang])
    by_region = pd.crosstab(d.contacts.merge(d.accounts, on="account_id")["region"],
                            d.contacts.merge(d.accounts, on="account_id")["language"],
                            normalize="index")  # fmt: skip
    assert by_region.loc["Middle East", ["ar", "fa"]].sum() > 0.85
    assert by_region.loc["CIS", "ru"] > 0.8 and by_region.loc["Asia Pacific", "zh"] > 0.75


def test_invitations_cover_responses(d):
    keys = ["quarter", "channel", "touchpoint", "survey_type"]
    got = d.responses.groupby(keys).size().rename("responses")
    merged = d.invitations.set_index(keys).join(got, how="outer").fillna(0)
    assert (merged["invited"] >= merged["responses"]).all()
    assert d.invitations.set_index(keys).index.is_unique


def test_channels_have_different_response_rates_and_small_groups_exist(d):
    rate = d.responses.groupby("channel").size() / d.invitations.groupby("channel")["invited"].sum()
    assert rate["phone"] > rate["email"] > rate["sms"] and rate["in_app"] < 0.12
    cur = d.responses[d.responses["quarter"] == demo.REPORT_QUARTER]
    assert (cur["channel"] == "in_app").sum() < 30
    me_ent = (cur["region"] == "Middle East") & (cur["segment"] == "Enterprise")
    assert 0 < me_ent.sum() < 30


def test_nps_differs_by_touchpoint_and_shows_the_outage(d):
    r = d.responses
    by_tp = r.groupby("touchpoint")["ltr"].apply(nps)
    assert by_tp["billing"] < by_tp["qbr"] - 15 and by_tp["support"] < by_tp["qbr"] - 15
    by_q = r.groupby("quarter")["ltr"].apply(nps)
    assert by_q["2025Q2"] < min(by_q["2025Q1"], by_q["2025Q3"]) - 10
    rel = r.groupby("quarter")["reliability"].mean()
    assert rel["2025Q2"] < min(rel["2025Q1"], rel["2025Q3"]) - 0.7
    assert abs(by_q["2026Q3"] - by_q["2026Q2"]) < 8  # a modest change
    seg = r.groupby("segment")["ltr"].apply(nps)
    assert seg["SMB"] < seg["Enterprise"] - 5


def test_csat_and_ces_follow_ltr_and_ease(d):
    r = d.responses
    assert r[["ltr", "csat"]].astype(float).corr().iloc[0, 1] > 0.5
    assert r[["ease", "ces"]].astype(float).corr().iloc[0, 1] > 0.3
    # CES is not asked in relationship surveys.
    assert r.loc[r["survey_type"] == "relationship", "ces"].isna().all()


def test_true_driver_order_recovered_by_ols(d):
    cols = demo.DRIVERS
    r = d.responses.dropna(subset=cols)
    x = r[cols].astype(float)
    std = (x - x.mean()) / x.std()
    fit = sm.OLS(r["ltr"].astype(float).to_numpy(), sm.add_constant(std)).fit()
    order = fit.params.drop("const").sort_values(ascending=False).index.tolist()
    truth = sorted(demo.TRUE_DRIVER_WEIGHTS, key=demo.TRUE_DRIVER_WEIGHTS.get, reverse=True)
    assert order == truth
    # Drivers move together (a common latent) but are not copies of each other.
    corr = x.corr().to_numpy()[np.triu_indices(len(cols), 1)]
    assert 0.3 < corr.min() and corr.max() < 0.8


def test_driver_order_holds_for_another_seed():
    r = demo.load_demo(seed=11).responses.dropna(subset=demo.DRIVERS)
    x = r[demo.DRIVERS].astype(float)
    fit = sm.OLS(r["ltr"].astype(float).to_numpy(), sm.add_constant((x - x.mean()) / x.std())).fit()
    order = fit.params.drop("const").sort_values(ascending=False).index.tolist()
    assert order[:2] == ["reliability", "support"] and order[-1] == "price"


def test_detractor_accounts_churn_about_three_times_more(d):
    account_ltr = d.responses.groupby("account_id")["ltr"].mean().round()
    cat = category(account_ltr)
    churned = d.accounts.set_index("account_id")["churn_date"].notna().reindex(cat.index)
    rate = churned.groupby(cat).mean()
    assert rate["detractor"] > 2.5 * rate["promoter"]
    assert rate["detractor"] > rate["passive"] > rate["promoter"]


def test_churn_fields_and_nothing_after_churn(d):
    a = d.accounts
    assert (a["churn_date"].notna() == a["churn_reason"].notna()).all()
    assert set(a["churn_reason"].dropna()) <= set(demo.CHURN_REASONS)
    assert (a["churn_date"].dropna() > a.loc[a["churn_date"].notna(), "contract_start"]).all()
    churn = a.set_index("account_id")["churn_date"]
    rev = d.revenue.assign(churn=d.revenue["account_id"].map(churn))
    assert not (
        rev["churn"].notna() & (rev["month"] >= rev["churn"].dt.to_period("M").dt.start_time)
    ).any()
    resp = d.responses.assign(churn=d.responses["account_id"].map(churn))
    assert not (resp["churn"].notna() & (resp["response_date"] >= resp["churn"])).any()
    start = a.set_index("account_id")["contract_start"]
    assert (d.responses["response_date"] >= d.responses["account_id"].map(start)).all()


def test_revenue_is_monthly_arr_with_growth_for_promoters(d):
    rev = d.revenue.merge(d.accounts[["account_id", "arr"]], on="account_id")
    assert (rev["month"].dt.day == 1).all() and (rev["revenue"] > 0).all()
    first = rev.sort_values("month").groupby("account_id").first()
    assert ((first["revenue"] / (first["arr"] / 12)).between(0.9, 1.1)).all()
    last = rev.sort_values("month").groupby("account_id").last()
    months = (last["month"].dt.year - first["month"].dt.year) * 12 + (
        last["month"].dt.month - first["month"].dt.month
    )
    growth = ((last["revenue"] / first["revenue"]) ** (1 / months)).where(months >= 12) - 1
    cat = category(d.responses.groupby("account_id")["ltr"].mean().round())
    g = growth.dropna().groupby(cat).median()
    assert g["promoter"] > 0 > g["detractor"]


def test_referrals_are_consistent_and_come_from_promoters(d):
    a = d.accounts.set_index("account_id")
    f = d.referrals
    assert f["referral_id"].is_unique and len(f) > 20
    assert set(f["referred_account_id"]) == set(a.index[a["referred_by"].notna()])
    assert (
        a.loc[f["referred_account_id"], "referred_by"].to_numpy() == f["referrer_account_id"]
    ).all()
    assert (
        a.loc[f["referred_account_id"], "contract_start"].to_numpy() == f["referral_date"]
    ).all()
    # first_year_revenue = the referred account's revenue over its first 12 months (recomputed).
    rev = d.revenue.sort_values("month")
    fyr = rev.groupby("account_id").head(12).groupby("account_id")["revenue"].sum()
    np.testing.assert_allclose(
        f["first_year_revenue"], f["referred_account_id"].map(fyr).to_numpy(), atol=0.02
    )
    cat = category(d.responses.groupby("account_id")["ltr"].mean().round())
    referrer_cat = cat.reindex(f["referrer_account_id"]).value_counts(normalize=True)
    assert referrer_cat["promoter"] > 0.6 and referrer_cat.get("detractor", 0.0) < 0.1


def test_weights_rake_to_the_live_contact_base(d):
    r, c, a = d.responses, d.contacts, d.accounts
    assert abs(r["weight"].mean() - 1) < 1e-3 and r["weight"].std() > 0.05
    base = c.merge(a[["account_id", "segment", "contract_start", "churn_date"]], on="account_id")
    for q in ("2024Q1", "2025Q2", demo.REPORT_QUARTER):
        start, end = pd.Period(q, "Q").start_time, pd.Period(q, "Q").end_time
        live = base[
            (base["contract_start"] <= end)
            & (base["churn_date"].isna() | (base["churn_date"] >= start))
        ]
        cur = r[r["quarter"] == q]
        for col in ("role", "segment"):
            target = live[col].value_counts(normalize=True)
            got = cur.groupby(col)["weight"].sum() / cur["weight"].sum()
            raw = cur[col].value_counts(normalize=True)
            np.testing.assert_allclose(got[target.index], target, atol=2e-3)
            if col == "role":  # executives answer less often, so raking is not a no-op
                assert raw["executive"] < target["executive"] - 0.02


@pytest.mark.parametrize(("lang", "pattern"), SCRIPTS.items())
def test_comments_in_each_language_use_its_script(d, lang, pattern):
    c = d.responses.loc[d.responses["language"] == lang, "comment"].dropna()
    c = c[~c.isin(EDGE_TEXTS)]
    assert len(c) >= 300 and c.nunique() > 150  # varied, not one template
    assert c.str.contains(pattern).all()
    if lang == "fa":  # Persian ی/ک, never Arabic ي/ك
        assert not c.str.contains("[\u064a\u0643]").any()
    if lang == "ar":
        assert not c.str.contains("[\u06cc\u06a9\u067e\u0686\u06af]").any()


def test_about_forty_percent_have_comments(d):
    assert 0.35 < d.responses["comment"].notna().mean() < 0.45


@pytest.mark.parametrize("lang", ["en", "ru", "zh"])
def test_comment_tone_matches_the_score(d, lang):
    r = d.responses[(d.responses["language"] == lang) & d.responses["comment"].notna()]
    r = r[~r["comment"].isin(EDGE_TEXTS)]
    neg = [s for t in THEME_SENTENCES[lang].values() for s in t["neg"]]
    pos = [s for t in THEME_SENTENCES[lang].values() for s in t["pos"]]

    def has(texts: list[str], comment: str) -> bool:
        body = comment.lower()
        return any(s.rstrip(".!。").lower()[1:] in body for s in texts)

    cat = category(r["ltr"])
    for comment in r.loc[cat == "detractor", "comment"]:
        assert has(neg, comment) and not has(pos, comment), comment
    for comment in r.loc[cat == "promoter", "comment"]:
        assert has(pos, comment) and not has(neg, comment), comment
    passive = r.loc[cat == "passive", "comment"]
    n_neg = sum(has(neg, x) for x in passive)
    n_pos = sum(has(pos, x) for x in passive)
    assert 0.3 * len(passive) < n_neg and 0.3 * len(passive) < n_pos  # mixed


def test_comments_name_the_weakest_driver_for_detractors(d):
    r = d.responses[(d.responses["language"] == "en") & (d.responses["ltr"] <= 6)]
    r = r.dropna(subset=["comment", *demo.DRIVERS])
    r = r[~r["comment"].isin(EDGE_TEXTS) & ~r["touchpoint"].isin(["billing", "onboarding"])]
    hits = 0
    for row in r.itertuples():
        lowest = min(getattr(row, x) for x in demo.DRIVERS)
        themes = [x for x in demo.DRIVERS if getattr(row, x) == lowest]
        hits += any(
            s.lower()[1:-1] in row.comment.lower()
            for t in themes
            for s in THEME_SENTENCES["en"][t]["neg"]
        )
    assert hits / len(r) > 0.75  # the rest talk about the account manager at QBR/renewal


def test_edge_case_comments_are_present_on_matching_responses(d):
    r = d.responses
    cat = category(r["ltr"])
    for lang, kind, text in EDGE_CASE_COMMENTS:
        hit = r[r["comment"] == text]
        assert len(hit) == 1, text
        assert hit["language"].iloc[0] == lang and cat[hit.index[0]] == kind
    assert (r["comment"] == "👍").any() and (r["comment"] == "ok").any()
    assert r["comment"].str.contains("<script>alert(1)</script>", regex=False).sum() == 1
    assert r["comment"].str.contains("@example").sum() >= 2
    assert r["comment"].str.len().max() > 500


def test_compose_comment_mixed_passive_joins_two_themes():
    rng = np.random.default_rng(0)
    texts = [compose_comment(rng, "en", "price", "support", "passive") for _ in range(400)]
    good = [s.rstrip(".!") for s in THEME_SENTENCES["en"]["support"]["pos"]]
    bad = [s[:1].lower() + s[1:] for s in THEME_SENTENCES["en"]["price"]["neg"]]
    mixed = [t for t in texts if any(f"{g}, but {b}" in t for g in good for b in bad)]
    assert 0.2 < len(mixed) / len(texts) < 0.4  # 30 % expected
    assert all(not any(cl in t for cl in CLOSERS["en"]["pos"]) for t in mixed)
    # One theme only: never "X is good, but X is bad".
    same = [compose_comment(rng, "en", "billing", "billing", "passive") for _ in range(200)]
    openers = [o for o in OPENERS["en"]["passive"] if o]
    bodies = [next((t[len(o) :] for o in openers if t.startswith(o)), t) for t in same]
    assert not any(", but " in b for b in bodies)


def test_targets_owners_closures(d):
    t = d.targets
    assert set(t["metric"]) == {"nps", "csat", "ces", "enps"}
    assert len(t) == 4 * len(demo.QUARTERS)
    nps_t = t[t["metric"] == "nps"].set_index("quarter")["target"]
    assert nps_t.iloc[0] == 35 and nps_t.iloc[-1] == 40 and nps_t.is_monotonic_increasing
    o = d.touchpoint_owners
    assert set(o["touchpoint"]) == set(demo.TOUCHPOINTS)
    assert o["owner_email"].str.fullmatch(r"[\w.-]+@[\w.-]+\.example").all()
    cc = d.case_closures.merge(d.responses, on="response_id")
    assert len(cc) == len(d.case_closures) and (cc["ltr"] <= 6).all()
    assert (cc["closed_date"] >= cc["response_date"]).all()


def test_employees_enps_lowest_in_support(d):
    e = d.employees
    assert e["response_id"].is_unique
    by = e.groupby("department")["enps"].apply(nps)
    assert by.idxmin() == "Support"


def test_write_demo_files_and_injected_errors(tmp_path):
    paths = demo.write_demo(tmp_path)
    assert set(paths) == set(CONTRACT) and all(p.suffix == ".csv" for p in paths.values())
    n_good = len(demo.load_demo().responses)
    raw = pd.read_csv(paths["responses"], dtype=str, keep_default_na=False)
    assert len(raw) == n_good + demo.N_INJECTED_ERRORS == n_good + len(demo.INJECTED_ERRORS)
    tail = raw.tail(demo.N_INJECTED_ERRORS)
    assert tail["ltr"].tolist()[:2] == ["11", "ten"] and tail["csat"].iloc[4] == "9"
    assert tail["response_date"].iloc[2] == "31/02/2026"
    assert tail["response_id"].iloc[3] == raw["response_id"].iloc[10]
    # ISO dates and empty cells for missing values.
    assert raw["response_date"].head(n_good).str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert (raw["csat"] == "").any() and not raw["csat"].str.contains("nan|NA").any()
    acc = pd.read_csv(paths["accounts"], dtype=str, keep_default_na=False)
    assert acc["churn_date"].str.fullmatch(r"(\d{4}-\d{2}-\d{2})?").all()
    # A reader reconciles read = used + rejected, with exactly the documented rejects.
    res = read_table(paths["responses"], "responses")
    assert res.n_read == res.n_used + res.n_rejected == n_good + demo.N_INJECTED_ERRORS
    assert res.n_rejected == demo.N_INJECTED_ERRORS and res.n_used == n_good
    clean = demo.write_demo(tmp_path / "clean", inject_errors=False)
    assert len(pd.read_csv(clean["responses"])) == n_good


def test_written_files_read_back_without_rejects_when_clean(tmp_path):
    demo.write_demo(tmp_path, inject_errors=False)
    summary = load_dataset(tmp_path).summary()
    assert (summary["rejected"] == 0).all() and (summary["read"] == summary["used"]).all()
    assert set(summary["table"]) == set(CONTRACT)


def test_text_is_utf8_with_persian_zwnj(tmp_path):
    path = demo.write_demo(tmp_path, inject_errors=False)["responses"]
    text = path.read_bytes().decode("utf-8")
    assert "\u200c" in text and re.search(SCRIPTS["zh"], text)


def test_bad_arguments_raise_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match="seed"):
        demo.load_demo(seed=-1)
    with pytest.raises(ParameterError, match="seed"):
        demo.load_demo(seed="2026")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="n_accounts=10"):
        demo.load_demo(n_accounts=10)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ParameterError, match="is a file"):
        demo.write_demo(tmp_path / "afile")


def test_small_company_still_has_every_edge_case():
    small = demo.load_demo(seed=3, n_accounts=50)
    assert set(text for _, _, text in EDGE_CASE_COMMENTS) <= set(
        small.responses["comment"].dropna()
    )


def test_operations_planted_links_and_outage(d):
    """demo_ops: KPIs linked to their touchpoint's quarterly NPS (recomputed here by hand), the
    decoy unrelated, the outage quarter has the most incidents, the owners are the touchpoint
    teams, and the other tables are those of the seed (operations has its own generator)."""
    from scipy import stats as sp

    ops = d.operations
    assert ops.groupby(["unit", "kpi"]).size().eq(len(demo.QUARTERS)).all()
    teams = d.touchpoint_owners.set_index("touchpoint")["owner_team"]
    assert (ops["unit"] == ops["touchpoint"].map(teams)).all()
    assert set(ops["direction"]) == {"higher", "lower"}
    r = d.responses[d.responses["survey_type"] != "relationship"]

    def link(kpi):
        rows = ops[ops["kpi"] == kpi].set_index("period")
        t = r[r["touchpoint"] == rows["touchpoint"].iloc[0]]
        tnps = t.groupby("quarter")["ltr"].apply(nps).reindex(rows.index)
        return sp.pearsonr(rows["value"].astype(float), tnps)

    strong = link("wait time (minutes)")
    assert strong.statistic < -0.9 and strong.confidence_interval().high < 0
    decoy = link("days sales outstanding").confidence_interval()
    assert decoy.low < 0 < decoy.high
    incidents = ops[ops["kpi"] == "incidents"].set_index("period")["value"]
    assert incidents.idxmax() == demo.OUTAGE[0]
