"""The journey map: stage order, stage metrics against independent calculations, stage weights
against a direct Shapley decomposition, and the demo's planted truths (billing and support score
lower than QBRs; they are the key moments)."""

from __future__ import annotations

from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from cxm_lab import journey
from cxm_lab.demo import load_demo
from cxm_lab.errors import ColumnError, DataError, ParameterError


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return load_demo().responses


@pytest.fixture(scope="module")
def moments(demo):
    return journey.key_moments(demo, n_boot=200, seed=1)


def hand_nps(x: pd.Series) -> float:
    x = x.dropna().to_numpy()
    return 100 * (np.mean(x >= 9) - np.mean(x <= 6))


# --------------------------------------------------------------------------- stages


def test_default_stages_follow_the_lifecycle_and_leave_out_the_outcome(demo):
    assert journey.journey_stages(demo) == {
        "Onboarding": ["onboarding"],
        "Product": ["product"],
        "Support": ["support"],
        "Billing": ["billing"],
        "Renewal": ["renewal"],
    }
    # The relationship survey is the qbr touchpoint: a stage only when every response counts.
    assert list(journey.journey_stages(demo, survey_type=None)) == [
        "Onboarding", "Product", "Support", "Billing", "QBR", "Renewal",
    ]  # fmt: skip


def test_unknown_touchpoints_go_last_alphabetically():
    d = pd.DataFrame({"touchpoint": ["webinar", "renewal", "audit", "onboarding"]})
    assert list(journey.journey_stages(d)) == ["Onboarding", "Renewal", "audit", "webinar"]


def test_declared_journey_is_validated(demo):
    spec = [
        {"stage": "Start", "touchpoints": ["onboarding"]},
        {"stage": "Use", "touchpoints": ["product", "support"]},
    ]
    assert journey.journey_stages(demo, stages=spec) == {
        "Start": ["onboarding"],
        "Use": ["product", "support"],
    }
    with pytest.raises(ParameterError, match=r"'invoice'.*touchpoints present: \['billing'"):
        journey.journey_stages(demo, stages={"Pay": ["invoice"]})
    with pytest.raises(ParameterError, match="in two stages"):
        journey.journey_stages(demo, stages={"A": ["billing"], "B": ["support", "billing"]})
    with pytest.raises(ParameterError, match="declared twice"):
        journey.journey_stages(
            demo,
            stages=[
                {"stage": "A", "touchpoints": ["billing"]},
                {"stage": "A", "touchpoints": ["support"]},
            ],
        )
    with pytest.raises(ParameterError, match="no touchpoints"):
        journey.journey_stages(demo, stages={"A": []})
    with pytest.raises(ColumnError):
        journey.journey_stages(demo.drop(columns="touchpoint"))


# --------------------------------------------------------------------------- the map


def test_stage_metrics_match_an_independent_calculation(demo):
    m = journey.journey_map(demo).set_index("stage")
    stage_rows = demo[demo["survey_type"] != "relationship"]
    for stage, tp in [("Billing", "billing"), ("Support", "support"), ("Product", "product")]:
        rows = stage_rows[stage_rows["touchpoint"] == tp]
        assert m.loc[stage, "n"] == rows["ltr"].notna().sum()
        assert m.loc[stage, "nps"] == pytest.approx(hand_nps(rows["ltr"]), abs=1e-9)
        c = rows["csat"].dropna().astype(float)
        assert m.loc[stage, "csat"] == pytest.approx(100 * np.mean(c >= 4), abs=1e-9)
        assert m.loc[stage, "ces_mean"] == pytest.approx(rows["ces"].dropna().mean(), abs=1e-9)
        assert m.loc[stage, "ci_low"] < m.loc[stage, "nps"] < m.loc[stage, "ci_high"]
    # Support pools its transactional and in-the-moment responses.
    support = stage_rows[stage_rows["touchpoint"] == "support"]
    assert set(support["survey_type"]) == {"transactional", "in_the_moment"}
    assert m.loc["Support", "n"] == len(support)


def test_planted_order_billing_and_support_below_qbr(demo):
    m = journey.journey_map(demo).set_index("stage")["nps"]
    assert set(m.nsmallest(2).index) == {"Billing", "Support"}
    everything = journey.journey_map(demo, survey_type=None).set_index("stage")["nps"]
    assert everything.idxmax() == "QBR"
    assert everything["Billing"] < everything["QBR"] and everything["Support"] < everything["QBR"]


def test_weighted_stage_nps_and_small_n_and_empty_stage(demo):
    m = journey.journey_map(demo, weight="weight").set_index("stage")
    rows = demo[(demo["survey_type"] != "relationship") & (demo["touchpoint"] == "billing")]
    w, x = rows["weight"].to_numpy(), rows["ltr"].to_numpy()
    expected = 100 * (w[x >= 9].sum() - w[x <= 6].sum()) / w.sum()
    assert m.loc["Billing", "nps"] == pytest.approx(expected, abs=1e-9)
    # A declared stage whose touchpoint has only relationship responses: n = 0, flagged.
    spec = {"Review": ["qbr"], "Pay": ["billing"]}
    e = journey.journey_map(demo, stages=spec, min_n=1300).set_index("stage")
    assert e.loc["Review", "n"] == 0 and np.isnan(e.loc["Review", "nps"])
    assert e.loc["Review", "small_n"] and e.loc["Pay", "small_n"]


def test_comment_columns_negative_share_and_themes():
    r = pd.DataFrame({"touchpoint": ["billing"] * 6 + ["support"] * 2, "ltr": [0] * 8})
    c = pd.DataFrame(
        {
            "touchpoint": ["billing"] * 5 + ["support"] * 2,
            "label": ["negative", "negative", "positive", "neutral", None, "negative", "neutral"],
            "category": ["price", "price", "invoice", "price", "invoice", None, "speed"],
        }
    )
    m = journey.journey_map(r, comments=c, min_n=1).set_index("stage")
    assert m.loc["Billing", "n_comments"] == 4  # the unlabelled comment is not counted
    assert m.loc["Billing", "pct_negative"] == pytest.approx(50.0)
    lo, hi = proportion_confint(2, 4, method="wilson")
    assert m.loc["Billing", "pct_negative_ci_low"] == pytest.approx(100 * lo)
    assert m.loc["Billing", "pct_negative_ci_high"] == pytest.approx(100 * hi)
    assert m.loc["Billing", ["theme_1", "theme_2"]].tolist() == ["price", "invoice"]
    assert m.loc["Billing", ["theme_1_pct", "theme_2_pct"]].tolist() == pytest.approx([60, 40])
    assert pd.isna(m.loc["Billing", "theme_3"])
    assert m.loc["Support", "theme_1"] == "speed" and m.loc["Support", "theme_1_pct"] == 100


# --------------------------------------------------------------------------- stage weights


def direct_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Per account: mean LTR per touchpoint (transactional and in-the-moment) and the mean
    relationship LTR, written with plain groupby."""
    t = df[df["survey_type"] != "relationship"]
    means = t.groupby(["account_id", "touchpoint"])["ltr"].mean().unstack()
    rel = df[df["survey_type"] == "relationship"].groupby("account_id")["ltr"].mean()
    return means.join(rel.rename("outcome"), how="inner")


def direct_shapley(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Shapley shares of R² (%), by least squares over every subset (independent of drivers)."""
    p = x.shape[1]

    def r2(cols):
        if not cols:
            return 0.0
        a = np.column_stack([np.ones(len(y)), x[:, list(cols)]])
        resid = y - a @ np.linalg.lstsq(a, y, rcond=None)[0]
        return 1 - resid.var() / y.var()

    out = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for k in range(p):
            for s in combinations(others, k):
                wgt = factorial(k) * factorial(p - k - 1) / factorial(p)
                out[j] += wgt * (r2(sorted((*s, j))) - r2(s))
    return 100 * out / out.sum()


def test_stage_weights_match_a_direct_calculation(demo):
    w = journey.stage_weights(demo, n_boot=200)
    f = direct_frame(demo)
    tps = ["onboarding", "product", "support", "billing", "renewal"]
    complete = f.dropna(subset=tps)
    assert w.n_used == len(complete) and w.n_units == len(f)
    expected = direct_shapley(complete[tps].to_numpy(), complete["outcome"].to_numpy())
    assert w.table["weight"].to_numpy() == pytest.approx(expected, abs=1e-6)
    assert w.table["weight"].sum() == pytest.approx(100)
    assert (w.table["ci_low"] <= w.table["weight"]).all()
    assert (w.table["weight"] <= w.table["ci_high"]).all()
    assert w.table["n_units"].tolist() == [int(f[t].notna().sum()) for t in tps]
    # The frame itself is the direct frame.
    frame = w.frame.set_index("account")[
        ["Onboarding", "Product", "Support", "Billing", "Renewal", "outcome"]
    ]
    assert frame.to_numpy() == pytest.approx(f[[*tps, "outcome"]].to_numpy(), nan_ok=True)


def test_mean_imputation_keeps_every_account_and_counts_the_fills(demo):
    w = journey.stage_weights(demo, missing="mean", n_boot=0)
    f = direct_frame(demo)
    assert w.n_used == len(f)
    assert w.table.set_index("stage")["n_imputed"]["Onboarding"] == f["onboarding"].isna().sum()
    filled = f.fillna(f.mean())
    tps = ["onboarding", "product", "support", "billing", "renewal"]
    expected = direct_shapley(filled[tps].to_numpy(), filled["outcome"].to_numpy())
    assert w.table["weight"].to_numpy() == pytest.approx(expected, abs=1e-6)


def test_stage_frame_with_periods_and_lag():
    d = pd.DataFrame(
        {
            "account_id": ["A"] * 5,
            "quarter": ["2026Q1", "2026Q1", "2026Q2", "2026Q2", "2026Q3"],
            "survey_type": [
                "transactional",
                "relationship",
                "transactional",
                "relationship",
                "relationship",
            ],  # fmt: skip
            "touchpoint": ["billing", "qbr", "billing", "qbr", "qbr"],
            "ltr": [2, 5, 4, 7, 9],
        }
    )
    same = journey.stage_frame(d, period="quarter")
    assert same[["period", "Billing", "outcome"]].values.tolist() == [
        ["2026Q1", 2.0, 5.0],
        ["2026Q2", 4.0, 7.0],
    ]
    nxt = journey.stage_frame(d, period="quarter", lag=1)
    assert nxt[["period", "Billing", "outcome"]].values.tolist() == [
        ["2026Q1", 2.0, 7.0],
        ["2026Q2", 4.0, 9.0],
    ]
    with pytest.raises(ParameterError, match="lag"):
        journey.stage_frame(d, lag=1)


def test_stage_weights_errors(demo):
    with pytest.raises(ParameterError, match="survey_type"):
        journey.stage_weights(demo, survey_type=None)
    with pytest.raises(ParameterError, match="missing"):
        journey.stage_weights(demo, missing="drop")
    with pytest.raises(ColumnError):
        journey.stage_weights(demo.drop(columns="account_id"))
    with pytest.raises(DataError, match="at least two stages"):
        journey.stage_weights(demo, stages={"Pay": ["billing"]}, n_boot=0)
    # Per account and quarter, few accounts meet every stage: the message says what to do.
    with pytest.raises(DataError, match="missing='mean'"):
        journey.stage_weights(demo[demo["quarter"] == "2026Q3"], period="quarter", n_boot=0)


# --------------------------------------------------------------------------- key moments


def test_key_moments_put_billing_and_support_first(moments):
    t = moments.table
    assert set(t["stage"].head(2)) == {"Billing", "Support"}
    assert t["key_moment"].tolist() == [True, True, False, False, False]
    assert (t.loc[t["key_moment"], "p_top"] >= 90).all()
    assert (t["priority_ci_low"] <= t["priority"] + 1e-9).all()
    assert (t["priority"] <= t["priority_ci_high"] + 1e-9).all()
    assert moments.reference.startswith("best stage")


def test_priority_is_weight_times_gap(demo, moments):
    t = moments.table.set_index("stage")
    nps = journey.journey_map(demo).set_index("stage")["nps"]
    weights = moments.weights.table.set_index("stage")["weight"]
    gap = (nps.max() - nps).clip(lower=0)
    assert t["gap"].to_numpy() == pytest.approx(gap[t.index].to_numpy())
    assert t["priority"].to_numpy() == pytest.approx((weights * gap / 100)[t.index].to_numpy())
    k = journey.key_moments(demo, target=40, n_boot=0, top=3)
    assert k.reference == "target 40"
    assert k.table.set_index("stage")["gap"].to_numpy() == pytest.approx(
        (40 - nps[k.table["stage"]]).clip(lower=0).to_numpy()
    )
    assert k.table["key_moment"].sum() == 3 and np.isnan(k.table["p_top"]).all()


def test_key_moments_checks_top(demo):
    with pytest.raises(ParameterError, match="top"):
        journey.key_moments(demo, top=0, n_boot=0)


def test_key_moments_with_weights_from_a_longer_history(demo):
    history = journey.stage_weights(demo, n_boot=0)
    recent = demo[demo["quarter"].isin(["2025Q4", "2026Q1", "2026Q2", "2026Q3"])]
    k = journey.key_moments(recent, importance=history, n_boot=100)
    assert k.weights is history
    t = k.table.set_index("stage")
    nps = journey.journey_map(recent).set_index("stage")["nps"]
    expected = history.table.set_index("stage")["weight"] * (nps.max() - nps) / 100
    assert t["priority"].to_numpy() == pytest.approx(expected[t.index].to_numpy())
    assert set(k.table["stage"].head(2)) == {"Billing", "Support"}
    other = journey.stage_weights(demo, stages={"A": ["billing"], "B": ["support"]}, n_boot=0)
    with pytest.raises(ParameterError, match="importance"):
        journey.key_moments(recent, importance=other, n_boot=0)


def test_weights_unmet_says_why_key_moments_cannot_be_computed(demo):
    """The section gate's reasons agree with what stage_weights itself accepts or refuses."""
    assert journey.weights_unmet(demo) == []
    no_rel = demo[demo["survey_type"] != "relationship"]
    (reason,) = journey.weights_unmet(no_rel)
    assert "relationship-survey responses" in reason
    with pytest.raises(DataError):
        journey.stage_weights(no_rel, n_boot=0)
    one_stage = demo[demo["touchpoint"].isin(["support", "qbr"])]
    (reason,) = journey.weights_unmet(one_stage)
    assert "at least two journey stages" in reason
    with pytest.raises(DataError):
        journey.stage_weights(one_stage, n_boot=0)
    assert journey.weights_unmet(demo.drop(columns=["account_id"])) == []  # columns gate


def test_section_gate_shows_unmet_needs_as_one_line():
    from cxm_lab.io import load_dataset
    from cxm_lab.sections import Sections

    section = Sections(load_dataset(), "07_journey")
    assert not section("Key moments", columns=["ltr"], unmet=["relationship-survey responses"])
    assert section.records[-1]["reason"] == "needs relationship-survey responses"
    assert section("Journey map", columns=["ltr"], unmet=[])


def test_a_touchpoint_not_surveyed_in_the_window_keeps_its_stage_empty(demo):
    # Billing was not surveyed in the last four quarters: the declared journey is checked against
    # the whole history; the window's map keeps the stage with n = 0 instead of stopping.
    spec = [
        {"stage": "Start", "touchpoints": ["onboarding"]},
        {"stage": "Use", "touchpoints": ["product", "support"]},
        {"stage": "Pay", "touchpoints": ["billing"]},
    ]
    quarters = sorted(demo["quarter"].unique())[-4:]
    recent = demo[demo["quarter"].isin(quarters) & (demo["touchpoint"] != "billing")]
    with pytest.raises(ParameterError, match="touchpoint 'billing' of stage 'Pay' is not in"):
        journey.journey_map(recent, stages=spec)
    m = journey.journey_map(recent, stages=spec, absent="keep", min_n=1).set_index("stage")
    assert m.loc["Pay", "n"] == 0 and np.isnan(m.loc["Pay", "nps"])
    use = recent[(recent["survey_type"] != "relationship") & (recent["touchpoint"] == "onboarding")]
    x = use["ltr"].dropna().to_numpy()
    assert m.loc["Start", "nps"] == pytest.approx(100 * ((x >= 9).mean() - (x <= 6).mean()))
    importance = journey.stage_weights(demo, stages=spec, n_boot=0)
    k = journey.key_moments(
        recent, stages=spec, importance=importance, absent="keep", top=1, n_boot=50, min_n=1
    ).table.set_index("stage")
    assert np.isnan(k.loc["Pay", "priority"]) and not k.loc["Pay", "key_moment"]
    assert np.isnan(k.loc["Pay", "p_top"]) and np.isnan(k.loc["Pay", "priority_ci_low"])
    # The stages with data keep their intervals, and one of them is always the top stage.
    assert k.loc[["Start", "Use"], "priority_ci_low"].notna().all()
    assert k.loc[["Start", "Use"], "p_top"].sum() == pytest.approx(100)
    with pytest.raises(ParameterError, match="absent"):
        journey.journey_stages(recent, stages=spec, absent="drop")


def test_relationship_responses_only_have_no_stage_and_say_so():
    """A report quarter of relationship responses only (one response of the demo): the
    default journey has no stage, and the section gates raised "stages is empty"."""
    d = pd.DataFrame({"account_id": ["a", "b"], "touchpoint": ["qbr", "qbr"],
                      "survey_type": ["relationship"] * 2, "ltr": [9, 3]})  # fmt: skip
    assert journey.journey_stages(d) == {}
    assert journey.stages_unmet(d) == [
        "transactional or in-the-moment responses at a touchpoint (this data has none)"
    ]
    assert journey.weights_unmet(d) == [
        "transactional scores in at least two journey stages from accounts that also "
        "answered the relationship survey"
    ]
    declared = [{"stage": "Review", "touchpoints": ["qbr"]}]
    assert journey.stages_unmet(d, stages=declared) == []  # a declared stage always stands
