"""Executive summary: headline changes, what moved with multiple-comparison guardrails, and the
summary sentence, checked by hand and against statsmodels / scipy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats import proportion
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from cxm_lab import metrics, summary
from cxm_lab.errors import ParameterError


def _rows(quarter: str, counts: dict[str, tuple[int, int, int]], **extra) -> list[dict]:
    """Responses from (promoters, passives, detractors) counts per segment (scores 10, 8, 0)."""
    out = []
    for seg, (p, pa, d) in counts.items():
        for score, k in ((10, p), (8, pa), (0, d)):
            out += [{"quarter": quarter, "segment": seg, "ltr": score, **extra}] * k
    return out


def _holm_by_hand(p: list[float]) -> list[float]:
    """Holm's step-down: sort ascending, multiply the i-th smallest (0-based) by m - i, take
    the running maximum, cap at 1, return in the original order."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adj, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj


@pytest.fixture()
def three_segments() -> pd.DataFrame:
    rows = _rows("2026Q2", {"A": (20, 10, 10), "B": (30, 20, 30), "C": (40, 30, 30)})
    rows += _rows("2026Q3", {"A": (15, 15, 20), "B": (45, 20, 15), "C": (45, 30, 25)})
    # A tiny group with a huge change: 2 detractors -> 2 promoters (SE 0, raw p = 0).
    rows += _rows("2026Q2", {"tiny": (0, 0, 2)}) + _rows("2026Q3", {"tiny": (2, 0, 0)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- what_moved


def test_nps_change_and_p_value_by_hand_and_scipy(three_segments):
    moved = summary.what_moved(three_segments, quarter="2026Q3", dims=["segment"], adjust="none")
    a = moved.set_index("group").loc["A"]
    # 2026Q2: 20 P, 10 passives, 10 D of 40 -> NPS 25; 2026Q3: 15 P, 20 D of 50 -> NPS -10.
    assert a["nps_previous"] == pytest.approx(25.0) and a["nps"] == pytest.approx(-10.0)
    assert a["change"] == pytest.approx(-35.0)
    var1 = (0.5 + 0.25 - 0.25**2) / 40  # [p_P + p_D - (p_P - p_D)^2] / n
    var2 = (0.3 + 0.4 - 0.1**2) / 50
    z = -35.0 / (100 * np.sqrt(var1 + var2))
    assert z == pytest.approx(-1.98826, abs=1e-4)
    assert a["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-9)
    # Independently: NPS/100 is the mean of +1/0/-1 codes; multinomial variance = population
    # variance of the codes (statsmodels DescrStatsW, ddof=0), p from scipy's normal.
    d = three_segments[three_segments["segment"] == "A"]
    y = np.sign(d["ltr"].to_numpy() - 7.5) * (d["ltr"].to_numpy() != 8)
    s1 = DescrStatsW(y[(d["quarter"] == "2026Q2").to_numpy()])
    s2 = DescrStatsW(y[(d["quarter"] == "2026Q3").to_numpy()])
    se = np.sqrt(s1.var / s1.nobs + s2.var / s2.nobs)
    assert 100 * (s2.mean - s1.mean) == pytest.approx(a["change"])
    assert a["p_value"] == pytest.approx(2 * stats.norm.sf(abs(s2.mean - s1.mean) / se))


def test_holm_matches_statsmodels_and_hand(three_segments):
    assert _holm_by_hand([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    moved = summary.what_moved(three_segments, quarter="2026Q3", dims="segment", adjust="holm")
    tested = moved[~moved["small_n"]].set_index("group")
    assert sorted(tested.index) == ["A", "B", "C"]
    p = tested["p_value"].tolist()
    assert tested["p_adjusted"].tolist() == pytest.approx(multipletests(p, method="holm")[1])
    assert tested["p_adjusted"].tolist() == pytest.approx(_holm_by_hand(p))
    # The correction matters here: A is below 0.05 unadjusted but not after Holm.
    assert tested.loc["A", "p_value"] < 0.05 < tested.loc["A", "p_adjusted"]
    assert tested["significant"].tolist() == (tested["p_adjusted"] < 0.05).tolist()
    bh = summary.what_moved(three_segments, quarter="2026Q3", dims="segment", adjust="fdr_bh")
    bh = bh[~bh["small_n"]]
    assert bh["p_adjusted"].tolist() == pytest.approx(
        multipletests(bh["p_value"].tolist(), method="fdr_bh")[1]
    )
    none = summary.what_moved(three_segments, quarter="2026Q3", dims="segment", adjust="none")
    assert (none["p_adjusted"].dropna() == none["p_value"][~none["small_n"]]).all()


def test_adjustment_counts_comparisons_across_dimensions(three_segments):
    d = three_segments.assign(channel=np.where(np.arange(len(three_segments)) % 2, "web", "email"))
    moved = summary.what_moved(d, quarter="2026Q3", dims=["segment", "channel"])
    tested = moved[~moved["small_n"]]
    assert len(tested) == 5  # 3 segments + 2 channels; "tiny" is left out
    assert tested["p_adjusted"].tolist() == pytest.approx(
        multipletests(tested["p_value"].tolist(), method="holm")[1]
    )
    note = summary.what_moved_note(moved, ci=0.95, adjust="holm")
    assert "adjusted for 5 comparisons with Holm's method" in note
    assert "1 group with too few responses" in note
    assert "not adjusted for the 5 comparisons" in summary.what_moved_note(moved, adjust="none")


def test_small_groups_are_never_significant(three_segments):
    moved = summary.what_moved(three_segments, quarter="2026Q3", dims=["segment"], min_n=30)
    tiny = moved.set_index("group").loc["tiny"]
    assert tiny["change"] == pytest.approx(200.0) and tiny["p_value"] == 0.0  # shown
    assert tiny["small_n"] and not tiny["significant"] and pd.isna(tiny["p_adjusted"])
    assert moved["group"].iloc[-1] == "tiny"  # small groups last
    # Order: significant first, then other tested groups, each by |change|.
    rank = np.where(moved["significant"], 0, np.where(moved["small_n"], 2, 1))
    assert (np.diff(rank) >= 0).all()
    for r in (0, 1):
        ch = moved["change"].abs()[rank == r].to_numpy()
        assert (np.diff(ch) <= 0).all()
    # Even unadjusted and with a loose level, a small group stays not significant.
    loose = summary.what_moved(
        three_segments, quarter="2026Q3", dims="segment", adjust="none", ci=0.5
    )
    assert not loose.set_index("group").loc["tiny", "significant"]


def test_what_moved_edge_cases(three_segments):
    cols = summary.MOVED_COLUMNS
    # Default dims: absent ones skipped; none present -> empty table with the right columns.
    out = summary.what_moved(three_segments[["quarter", "ltr"]], quarter="2026Q3")
    assert out.empty and list(out.columns) == cols
    assert set(summary.what_moved(three_segments, quarter="2026Q3")["dimension"]) == {"segment"}
    # Single period (no period column): nothing to compare.
    assert summary.what_moved(three_segments.drop(columns="quarter"), quarter="2026Q3").empty
    assert summary.what_moved(three_segments, quarter=None).empty
    assert summary.what_moved(three_segments.drop(columns="ltr"), quarter="2026Q3").empty
    # No previous period in the data.
    only = three_segments[three_segments["quarter"] == "2026Q3"]
    assert list(summary.what_moved(only, quarter="2026Q3").columns) == cols
    assert summary.what_moved(only, quarter="2026Q3").empty
    with pytest.raises(ParameterError, match="not in the responses"):
        summary.what_moved(three_segments, quarter="2026Q3", dims=["segment", "nope"])
    with pytest.raises(ParameterError, match="adjust must be one of"):
        summary.what_moved(three_segments, quarter="2026Q3", adjust="bonferroni-ish")
    with pytest.raises(ParameterError, match=r"2026Q2.*2026Q3"):
        summary.what_moved(three_segments, quarter="2027Q1")


def test_what_moved_any_period_column():
    """A monthly period column: the previous period is the previous month present."""
    rows = _rows("2026-08", {"A": (10, 10, 20)}) + _rows("2026-09", {"A": (30, 5, 5)})
    d = pd.DataFrame(rows).rename(columns={"quarter": "month"})
    out = summary.what_moved(d, quarter="2026-09", dims=["segment"], period="month")
    assert out["change"].iloc[0] == pytest.approx(100 * (25 / 40 - (-10 / 40)))
    assert bool(out["significant"].iloc[0])


# --------------------------------------------------------------------------- moved_sentence


def _table(rows: list[tuple[str, str, float, bool, bool]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["dimension", "group", "change", "significant", "small_n"]
    ).assign(nps_previous=30.0, nps=lambda t: 30.0 + t["change"])


@pytest.mark.parametrize(
    "rows",
    [
        [
            ("segment", "Enterprise", -8.1, True, False),
            ("touchpoint", "billing", 4.2, False, False),
        ],
        [
            ("segment", "Enterprise", -8.1, True, False),
            ("region", "Middle East", 12.0, True, False),
            ("channel", "sms", 30.0, False, True),
            ("role", "user", 1.0, False, False),
        ],
        [("segment", "SMB", -3.0, False, False), ("touchpoint", "qbr", 6.5, False, False)],
        [("segment", "<b>Acme & Co</b>", 9.0, True, False), ("role", "user", 0.5, False, False)],
        [("channel", "in_app", 50.0, True, True), ("role", "executive", -2.0, False, False)],
    ],
)
def test_sentence_names_exactly_the_significant_groups(rows):
    table = _table(rows)
    text = summary.moved_sentence(table, quarter="2026Q3", previous="2026Q2")
    named = {g for _, g, _, sig, small in rows if sig and not small}
    for _, group, change, _sig, _small in rows:
        in_text = f": \u201c{group}\u201d {summary._signed(change)} points" in text
        if group in named:
            assert in_text, text
        elif named:
            assert group not in text, text
    if named:
        word = summary._count_word(len(named)).capitalize()
        assert (
            text.startswith(f"{word} group") and "significantly between 2026Q2 and 2026Q3" in text
        )
    else:
        assert text.startswith("No group moved significantly between 2026Q2 and 2026Q3")
        tested = [r for r in rows if not r[4]]
        top = max(tested, key=lambda r: abs(r[2]))
        assert (
            f"the largest change, {top[0]}: \u201c{top[1]}\u201d {summary._signed(top[2])} points"
            in text
        )
        assert "within noise" in text
    assert "<b>Acme & Co</b>" in text or "Acme" not in str(rows)  # inserted as-is, unescaped
    assert "**" not in text  # no Markdown built here


def test_sentence_orders_limits_and_edge_cases(three_segments):
    rows = [("segment", f"S{i}", float(i), True, False) for i in range(1, 8)]
    text = summary.moved_sentence(_table(rows), quarter="2026Q3", previous="2026Q2", max_groups=3)
    assert text.startswith("Seven groups moved significantly")
    assert text.index("S7") < text.index("S6") < text.index("S5") and "S4" not in text
    assert "and 4 more" in text
    assert "−8.1 points (30.0 → 21.9)" in summary.moved_sentence(
        _table([("segment", "E", -8.1, True, False)]), quarter="Q3", previous="Q2"
    )
    empty = summary.what_moved(three_segments.drop(columns="quarter"), quarter="2026Q3")
    assert "no change can be tested" in summary.moved_sentence(
        empty, quarter="2026Q3", previous="2026Q2"
    )
    small = _table([("segment", "tiny", 200.0, False, True)])
    assert "too few responses" in summary.moved_sentence(small, quarter="2026Q3", previous="2026Q2")
    # The sentence from a real table agrees with it.
    moved = summary.what_moved(three_segments, quarter="2026Q3", dims="segment")
    text = summary.moved_sentence(moved, quarter="2026Q3", previous="2026Q2")
    for row in moved.itertuples():
        assert (f"segment: \u201c{row.group}\u201d " in text) == bool(row.significant), text


def test_sentence_sets_answers_apart_from_the_sentence():
    """gforms_r2019: "…, Shiny Never -- I don't use Shiny. +9.1 points, …": an answer written
    as a phrase ran into the sentence. Each group reads ``dimension: “answer”``; the change
    by hand: 61.1 − 52.0 = +9.1."""
    rows = [
        ("Shiny", " Never -- I don't use Shiny. ", 9.1, True, False),
        ("segment", "SMB", -3.0, True, False),
    ]
    table = _table(rows).assign(nps_previous=[52.0, 30.0], nps=[61.1, 27.0])
    text = summary.moved_sentence(table, quarter="2020Q1", previous="2019Q4")
    assert text == (
        "Two groups moved significantly between 2019Q4 and 2020Q1: "
        "Shiny: \u201cNever -- I don't use Shiny.\u201d +9.1 points (52.0 → 61.1); "
        "segment: \u201cSMB\u201d \u22123.0 points (30.0 → 27.0)."
    )
    missing = _table([("segment", None, 6.5, False, False)])
    assert "the largest change, segment: (missing) +6.5 points" in summary.moved_sentence(
        missing, quarter="2020Q1", previous="2019Q4"
    )


# --------------------------------------------------------------------------- headline


@pytest.fixture()
def survey() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n2, n3 = 300, 320
    return pd.DataFrame(
        {
            "quarter": ["2026Q2"] * n2 + ["2026Q3"] * n3,
            "ltr": np.r_[rng.integers(0, 11, n2), rng.integers(3, 11, n3)],
            "csat": np.r_[rng.integers(1, 6, n2), rng.integers(2, 6, n3)].astype(float),
            "ces": np.r_[rng.integers(1, 8, n2), rng.integers(2, 8, n3)].astype(float),
        }
    ).assign(csat=lambda d: d["csat"].where(np.arange(len(d)) % 7 != 0))  # some missing


def test_headline_changes_match_statsmodels(survey):
    h = summary.headline(survey, quarter="2026Q3").set_index("metric")
    assert list(h.index) == ["NPS", "CSAT (top-2 %)", "CES (mean 1–7)"]
    q2, q3 = (survey[survey["quarter"] == q] for q in ("2026Q2", "2026Q3"))
    # CSAT top-2 share: unpooled two-proportion Wald test.
    c2, c3 = q2["csat"].dropna(), q3["csat"].dropna()
    res = proportion.test_proportions_2indep(
        (c3 >= 4).sum(), len(c3), (c2 >= 4).sum(), len(c2), method="wald"
    )
    row = h.loc["CSAT (top-2 %)"]
    assert row["change"] == pytest.approx(100 * ((c3 >= 4).mean() - (c2 >= 4).mean()))
    assert row["p_value"] == pytest.approx(res.pvalue, rel=1e-9)
    assert row["n"] == len(c3)
    # CES mean: two-sample z-test with separate variances.
    z, p = CompareMeans(DescrStatsW(q3["ces"]), DescrStatsW(q2["ces"])).ztest_ind(usevar="unequal")
    row = h.loc["CES (mean 1–7)"]
    assert row["change"] == pytest.approx(q3["ces"].mean() - q2["ces"].mean())
    assert row["p_value"] == pytest.approx(p, rel=1e-9)
    assert row["se"] == pytest.approx(q3["ces"].std(ddof=1) / np.sqrt(len(q3)))
    # NPS: the multinomial SEs of metrics.nps.
    y2, y3 = (np.sign(q["ltr"] - 6.5) * ((q["ltr"] <= 6) | (q["ltr"] >= 9)) for q in (q2, q3))
    se = np.sqrt(y2.var(ddof=0) / len(y2) + y3.var(ddof=0) / len(y3))
    row = h.loc["NPS"]
    assert row["change"] == pytest.approx(100 * (y3.mean() - y2.mean()))
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(y3.mean() - y2.mean()) / se))
    assert bool(row["significant"]) == (row["p_value"] < 0.05)


def test_headline_single_period(survey):
    for data, quarter in ((survey.drop(columns="quarter"), "2026Q3"), (survey, None)):
        h = summary.headline(data, quarter=quarter)
        assert list(h["metric"]) == ["NPS", "CSAT (top-2 %)", "CES (mean 1–7)"]
        assert h[["previous", "change", "p_value"]].isna().all().all()
        assert not h["significant"].any()
        assert h.loc[0, "n"] == len(survey)
        for r in h.itertuples():  # the notebook reads these attributes
            assert r.change != r.change and r.ci_low <= r.value <= r.ci_high


def test_headline_without_score_and_with_employees(survey):
    h = summary.headline(survey.drop(columns="ltr"), quarter="2026Q3")
    assert list(h["metric"]) == ["CSAT (top-2 %)", "CES (mean 1–7)"]
    only_nps = summary.headline(survey[["quarter", "ltr"]], quarter="2026Q3")
    assert list(only_nps["metric"]) == ["NPS"]
    emp = pd.DataFrame({"quarter": ["2026Q2"] * 40 + ["2026Q3"] * 40, "enps": [10, 0] * 40})
    h = summary.headline(survey, quarter="2026Q3", employees=emp).set_index("metric")
    assert h.loc["eNPS", "value"] == 0 and h.loc["eNPS", "change"] == 0
    # Employee pulse without this quarter: no eNPS row rather than an error.
    h = summary.headline(survey, quarter="2026Q3", employees=emp[emp["quarter"] == "2026Q2"])
    assert "eNPS" not in set(h["metric"])
    # Small samples are never significant.
    tiny = pd.DataFrame({"quarter": ["2026Q2"] * 2 + ["2026Q3"] * 2, "ltr": [0, 0, 10, 10]})
    row = summary.headline(tiny, quarter="2026Q3").iloc[0]
    assert row["change"] == 200 and row["p_value"] == 0 and row["small_n"]
    assert not row["significant"]


def test_headline_targets_and_errors(survey):
    targets = pd.DataFrame(
        {"metric": ["nps", "csat"], "quarter": ["2026Q3", "2026Q3"], "target": [-100.0, 100.0]}
    )
    h = summary.headline(survey, quarter="2026Q3", targets=targets).set_index("metric")
    assert h.loc["NPS", "attained"] and not h.loc["CSAT (top-2 %)", "attained"]
    assert pd.isna(h.loc["CES (mean 1–7)", "target"])
    with pytest.raises(ParameterError, match=r"quarters present: \['2026Q2', '2026Q3'\]"):
        summary.headline(survey, quarter="2027Q1")
    with pytest.raises(ParameterError, match="ci must be"):
        summary.headline(survey, quarter="2026Q3", ci=95)


# --------------------------------------------------------------------------- quotes


def test_select_quotes_without_period_or_group():
    d = pd.DataFrame(
        {
            "quarter": ["2026Q3", "2026Q3", "2026Q2", "2026Q3"],
            "language": ["en", "fa", "en", "en"],
            "ltr": [9, 2, 0, 5],
            "comment": ["great service", "خیلی بد بود", "awful, never again", "slow delivery"],
        }
    )
    got = summary.select_quotes(d, quarter="2026Q3", per_group=1)
    assert got["comment"].tolist() == ["slow delivery", "خیلی بد بود"]
    nop = summary.select_quotes(d.drop(columns="quarter"), quarter="2026Q3", per_group=1)
    assert nop["comment"].tolist() == ["awful, never again", "خیلی بد بود"]
    assert (
        summary.select_quotes(d, quarter=None, per_group=1)["comment"].iloc[0]
        == "awful, never again"
    )
    flat = summary.select_quotes(d.drop(columns="language"), quarter="2026Q3", per_group=2)
    assert flat["comment"].tolist() == ["خیلی بد بود", "slow delivery"]
    assert summary.previous_quarter("2026Q1") == "2025Q4"


def test_respondent_profile_and_rating_means_in_percent_and_t():
    d = pd.DataFrame({"region": ["N", "N", "S", "S", "S", None], "speed": [4, 5, 3, 4, 2, None]})
    prof = summary.respondent_profile(d, dims=["region"])
    assert prof["share"].tolist() == pytest.approx([60.0, 40.0])  # % of those who answered
    assert prof["share"].sum() == pytest.approx(100.0)
    r = summary.rating_means(d, drivers={"speed": "Speed"}).iloc[0]
    x = np.array([4, 5, 3, 4, 2.0])
    lo, hi = stats.t.interval(0.95, 4, loc=x.mean(), scale=stats.sem(x))
    assert (r["mean"], r["ci_low"], r["ci_high"]) == pytest.approx((x.mean(), lo, hi))


def test_rating_means_name_each_scale():
    """typeform Table 4: 7.21 (a 0-10 question) beside 4.13 (a 1-5 one) with no scale
    column. The scales are those the answers fit (1-5 and 0-10, as ``cxm-lab init`` reads
    them); the means are unchanged: (4 + 5 + 3 + 4) / 4 = 4.0 and (2 + 9 + 7) / 3 = 6.0."""
    from cxm_lab import brief

    d = pd.DataFrame({"speed": [4, 5, 3, 4], "price": [2, None, 9, 7]})
    labels = {"speed": "Speed", "price": "Price"}
    t = summary.rating_means(d, drivers=labels, scales=brief.rating_scales(d, list(labels)))
    assert t[["attribute", "scale", "mean"]].values.tolist() == [
        ["Speed", "1–5", 4.0],
        ["Price", "0–10", 6.0],
    ]
    plain = summary.rating_means(d, drivers=labels)
    assert "scale" not in plain
    pd.testing.assert_frame_equal(t.drop(columns="scale"), plain)
    assert summary.rating_means(d, drivers=labels, scales={})["scale"].tolist() == ["", ""]


# --------------------------------------------------------------------------- survey types


def _typed(quarter: str, survey_type: str, p: int, pa: int, d: int, **extra) -> list[dict]:
    """Responses of one survey type from (promoters, passives, detractors) counts."""
    return _rows(quarter, {"SMB": (p, pa, d)}, survey_type=survey_type, **extra)


@pytest.fixture()
def typed() -> pd.DataFrame:
    """Relationship: 2026Q2 20/10/10 (NPS 25), 2026Q3 30/10/10 (NPS 40).
    Transactional: 2026Q2 10/10/20 (−25), 2026Q3 10/10/30 (−40).
    Pooled 2026Q3: (40 − 40) / 100 = 0; pooled 2026Q2: (30 − 30) / 80 = 0."""
    rows = _typed("2026Q2", "relationship", 20, 10, 10) + _typed(
        "2026Q3", "relationship", 30, 10, 10
    )
    rows += _typed("2026Q2", "transactional", 10, 10, 20)
    rows += _typed("2026Q3", "transactional", 10, 10, 30)
    return pd.DataFrame(rows)


def test_survey_types_order_and_notes():
    d = pd.DataFrame({"survey_type": ["pulse", "in_the_moment", None, "relationship"]})
    t = summary.survey_types(d)
    assert t.types == ("relationship", "in_the_moment", "pulse")  # report order, others last
    assert (t.by, t.headline, t.untyped, t.pooled) == ("survey_type", "relationship", 1, False)
    assert summary.types_note(t) == (
        "Survey types kept apart: relationship (the headline figures), in-the-moment and "
        "pulse results are shown separately and never combined into one number. 1 response "
        "without a survey type is left out of the per-type figures."
    )
    pooled = summary.survey_types(d, pool=True)
    assert (pooled.by, pooled.headline, pooled.pooled) == (None, None, True)
    assert summary.type_phrase(pooled) == (
        " (survey types pooled: relationship, in-the-moment, pulse)"
    )
    assert summary.types_note(pooled).startswith("Survey types pooled as the run asks")
    none = summary.survey_types(pd.DataFrame({"ltr": [1]}))
    assert none == summary.SurveyTypes(None, (), False, None, None, 0)
    assert summary.type_phrase(none) == "" and "One survey type" in summary.types_note(none)
    # A column with no value is no survey-type column; one type is kept as is (no split).
    empty = summary.survey_types(pd.DataFrame({"survey_type": [None, None]}))
    assert empty.column is None
    one = summary.survey_types(pd.DataFrame({"survey_type": ["transactional", None]}))
    assert (one.by, one.headline, summary.type_phrase(one)) == (
        None,
        "transactional",
        " (transactional survey)",
    )
    assert len(summary.type_rows(pd.DataFrame({"survey_type": ["transactional", None]}), one)) == 2


def test_headline_is_the_relationship_nps_by_hand(typed):
    h = summary.headline(typed, quarter="2026Q3")
    assert list(h["survey_type"]) == ["relationship", "transactional"]
    rel, tra = h.iloc[0], h.iloc[1]
    # Relationship 2026Q3: (30 − 10) / 50 = 40; 2026Q2: (20 − 10) / 40 = 25.
    assert (rel["value"], rel["previous"], rel["change"], rel["n"]) == (40.0, 25.0, 15.0, 50)
    # SE by hand: 100 √[(p_P + p_D − (p_P − p_D)²) / n] = 100 √[(0.8 − 0.16) / 50].
    assert rel["se"] == pytest.approx(100 * np.sqrt((0.8 - 0.16) / 50))
    assert (tra["value"], tra["previous"], tra["n"]) == (-40.0, -25.0, 50)
    assert summary.headline_sentence(h, quarter="2026Q3", previous="2026Q2").startswith(
        "NPS (relationship survey) in 2026Q3: +40.0"
    )
    cards = summary.headline_cards(h, quarter="2026Q3", previous="2026Q2", first_per_metric=True)
    assert [c["label"] for c in cards] == ["NPS 2026Q3 · relationship"]
    assert len(summary.headline_cards(h, quarter="2026Q3", previous="2026Q2")) == 2


def test_pool_flag_pools_and_single_type_is_unchanged(typed):
    pooled = summary.headline(typed, quarter="2026Q3", pool=True)
    # Pooled 2026Q3: (40 − 40) / 100 = 0, n 100; no survey_type column: one row per metric.
    assert list(pooled.columns) == list(
        summary.headline(typed.drop(columns="survey_type"), quarter="2026Q3").columns
    )
    assert (pooled.loc[0, "value"], pooled.loc[0, "n"], pooled.loc[0, "previous"]) == (0, 100, 0)
    plain = typed.drop(columns="survey_type")
    pd.testing.assert_frame_equal(pooled, summary.headline(plain, quarter="2026Q3"))
    # A single-type frame gives the figures of the same frame without the column.
    one = typed[typed["survey_type"] == "transactional"]
    pd.testing.assert_frame_equal(
        summary.headline(one, quarter="2026Q3"),
        summary.headline(one.drop(columns="survey_type"), quarter="2026Q3"),
    )
    pd.testing.assert_frame_equal(
        summary.what_moved(one, quarter="2026Q3", dims="segment"),
        summary.what_moved(one.drop(columns="survey_type"), quarter="2026Q3", dims="segment"),
    )
    pd.testing.assert_frame_equal(
        summary.what_moved(typed, quarter="2026Q3", dims="segment", pool=True),
        summary.what_moved(plain, quarter="2026Q3", dims="segment"),
    )


def test_what_moved_within_each_type(typed):
    m = summary.what_moved(typed, quarter="2026Q3", dims=["segment", "survey_type"])
    assert list(m.columns) == ["survey_type", *summary.MOVED_COLUMNS]
    got = m.set_index("survey_type")[["nps_previous", "nps", "change"]]
    assert got.loc["relationship"].tolist() == [25.0, 40.0, 15.0]
    assert got.loc["transactional"].tolist() == [-25.0, -40.0, -15.0]
    # Two comparisons (the type column itself is not a dimension within a type): Holm × 2.
    assert m["p_adjusted"].tolist() == pytest.approx(_holm_by_hand(m["p_value"].tolist()))
    text = summary.moved_sentence(
        m.assign(significant=[True, False]), quarter="2026Q3", previous="2026Q2"
    )
    assert text == (
        "One group moved significantly between 2026Q2 and 2026Q3: segment: \u201cSMB\u201d "
        "(relationship survey) +15.0 points (25.0 → 40.0)."
    )


def test_targets_are_for_the_headline_type(typed):
    t = typed.assign(ces=np.where(typed["survey_type"] == "transactional", 5.0, np.nan))
    goals = pd.DataFrame(
        {"metric": ["nps", "ces"], "quarter": ["2026Q3"] * 2, "target": [35.0, 4.0]}
    )
    h = summary.headline(t, quarter="2026Q3", targets=goals)
    assert h[["metric", "survey_type"]].values.tolist() == [
        ["NPS", "relationship"],
        ["NPS", "transactional"],
        ["CES (mean 1–7)", "transactional"],  # CES only asked in the transactional survey
    ]
    assert h["target"].tolist()[0] == 35.0 and pd.isna(h["target"].iloc[1])
    assert h["target"].iloc[2] == 4.0 and h["attained"].iloc[2]
    # A survey_type column in the targets is matched per type.
    per_type = pd.DataFrame(
        {
            "metric": ["nps", "nps"],
            "quarter": ["2026Q3"] * 2,
            "survey_type": ["relationship", "transactional"],
            "target": [45.0, -50.0],
        }
    )
    h = summary.headline(t, quarter="2026Q3", targets=per_type)
    assert h["target"].tolist()[:2] == [45.0, -50.0]
    assert h["attained"].tolist()[:2] == [False, True]
    # The same rule on a per-quarter table.
    types = summary.survey_types(typed)
    table = pd.DataFrame(
        {
            "survey_type": ["relationship", "transactional"],
            "quarter": "2026Q3",
            "n": [50, 50],
            "nps": [40.0, -40.0],
        }
    )
    out = summary.type_attainment(table, goals, types=types)
    assert out["target"].tolist()[0] == 35.0 and pd.isna(out["target"].iloc[1])
    out = summary.type_attainment(table, per_type, types=types)
    assert out["attained"].tolist() == [False, True]


def test_type_by_rows_and_counts(typed):
    types = summary.survey_types(typed)
    assert summary.type_by(types, by=["quarter", "survey_type"]) == ["survey_type", "quarter"]
    assert summary.type_by(types) == ["survey_type"]
    assert set(summary.type_rows(typed, types, survey_type="transactional")["survey_type"]) == {
        "transactional"
    }
    counts = summary.type_counts(typed, types)
    assert counts.values.tolist() == [["2026Q2", 40, 40, 80], ["2026Q3", 50, 50, 100]]
    plain = summary.type_counts(
        typed.drop(columns=["survey_type", "quarter"]),
        summary.survey_types(typed.drop(columns="survey_type")),
    )
    assert plain.values.tolist() == [["all", 180]]


def test_weighted_comparison_by_hand():
    d = pd.DataFrame({"quarter": ["Q1"] * 4 + ["Q2"] * 2, "ltr": [10, 10, 0, 7, 9, 3]})
    w = pd.Series([1.0, 1.0, 3.0, 1.0, 2.0, 2.0], index=d.index)
    t = summary.weighted_comparison(d, w, by="quarter", min_n=2).set_index("quarter")
    # Q1 unweighted (2 − 1) / 4 = 25; weighted (2 − 3) / 6 = −16.7; Kish n_eff 36 / 12 = 3.
    assert t.loc["Q1", "nps"] == 25.0
    assert t.loc["Q1", "nps_weighted"] == pytest.approx(-100 / 6)
    assert t.loc["Q1", "n_eff"] == pytest.approx(3.0)
    assert t.loc["Q1", "difference"] == pytest.approx(-100 / 6 - 25)
    # Equal weights change nothing: Q2 is 0 both ways, n_eff = n.
    assert (t.loc["Q2", "nps"], t.loc["Q2", "nps_weighted"], t.loc["Q2", "n_eff"]) == (0, 0, 2)
    se = 100 * np.sqrt((5 / 6 - (1 / 6) ** 2) / 3)  # weighted p_P + p_D = 5/6, n_eff = 3
    assert t.loc["Q1", "weighted_ci_high"] == pytest.approx(-100 / 6 + stats.norm.ppf(0.975) * se)
    text = summary.weighted_note(t.reset_index())
    assert text.startswith("Weighting moves the NPS by −41.7 to 0.0 points per quarter")
    assert text.endswith("within the unweighted confidence interval.")
    far = t.reset_index().assign(nps_weighted=[-100.0, 0.0])  # Q1 CI: 25 ± 1.96 × 41.5
    assert summary.weighted_note(far).endswith("outside the unweighted confidence interval in Q1.")
    with pytest.raises(ParameterError):
        summary.weighted_comparison(d, w.iloc[:3], by="quarter")  # weights not aligned


def test_demo_headline_is_the_relationship_survey():
    from cxm_lab.demo import load_demo

    demo = load_demo()
    r = demo.responses
    h = summary.headline(r, quarter="2026Q3", targets=demo.targets)
    nps = h[h["metric"] == "NPS"]
    assert list(nps["survey_type"]) == ["relationship", "transactional", "in_the_moment"]
    for row in nps.itertuples():
        x = r.loc[(r["quarter"] == "2026Q3") & (r["survey_type"] == row.survey_type), "ltr"]
        x = x.dropna().to_numpy(float)
        assert row.n == len(x)
        assert row.value == pytest.approx(100 * ((x >= 9).mean() - (x <= 6).mean()))
    # The NPS target (40 in 2026Q3) is for the relationship NPS only.
    assert nps["target"].notna().tolist() == [True, False, False]
    # CES is not asked in the relationship survey: its rows are the other two types.
    assert list(h.loc[h["metric"] == "CES (mean 1–7)", "survey_type"]) == [
        "transactional",
        "in_the_moment",
    ]


# --------------------------------------------------------------------------- review findings


def _moved(n_sig: int, n_tested: int, n_small: int) -> pd.DataFrame:
    """A what_moved-shaped table in its order: significant, other tested, then small groups."""
    k = n_sig + n_tested + n_small
    return pd.DataFrame(
        {
            "dimension": ["d"] * k,
            "group": [f"g{i}" for i in range(k)],
            "change": np.linspace(20, 1, k),
            "p_value": [0.001] * n_sig + [0.5] * n_tested + [0.01] * n_small,
            "significant": [True] * n_sig + [False] * (n_tested + n_small),
            "small_n": [False] * (n_sig + n_tested) + [True] * n_small,
        }
    )


def test_what_moved_note_says_how_many_rows_the_table_leaves_out():
    """gforms_r2019: "adjusted for 15 comparisons … 13 groups … are shown but not tested" over
    a table of its first 12 rows (12 tested; 3 tested and all 13 small groups missing)."""
    moved = _moved(0, 15, 13)
    full = summary.what_moved_note(moved)
    assert "adjusted for 15 comparisons" in full and "13 groups" in full
    assert "shown but not tested" in full and "The table lists" not in full
    note = summary.what_moved_note(moved, shown=12, rest_at="the table under X")
    # 28 rows; the first 12 are tested ones, the other 16: 15 − 12 = 3 tested, 13 small
    assert "13 groups with too few responses in one of the quarters are not tested." in note
    assert "shown but not tested" not in note
    assert (
        "The table lists the first 12 of the 28 groups (significant changes first, then the "
        "largest tested changes, then the untested groups); the other 16 (3 tested, 13 not "
        "tested) are in the table under X." in note
    )
    # some small groups inside the shown rows: 10 tested + 2 of 5 small in the first 12
    part = summary.what_moved_note(_moved(2, 8, 5), shown=12)
    assert (
        "5 groups with too few responses in one of the quarters are not tested (2 of them shown)"
        in part
    )
    assert "the other 3 (0 tested, 3 not tested)" in part
    # the table shows everything: the note is the one without a cut
    assert summary.what_moved_note(moved, shown=28) == full
    with pytest.raises(ParameterError, match="shown"):
        summary.what_moved_note(moved, shown=-1)
    one = summary.what_moved_note(_moved(0, 1, 1))
    assert "adjusted for 1 comparison with" in one and "1 group with" in one and " is shown" in one


def test_quotes_without_a_score_are_ranked_by_sentiment_and_say_so():
    """qualtrics_chkkk and typeform have no score: the quotes kept file order ("None. Thank
    you.", the praise "Incontournable") under the words "Lowest-scoring comments"."""
    d = pd.DataFrame(
        {
            "quarter": ["2026Q3"] * 4,
            "comment": [
                "None. Thank you.",
                "Incontournable",
                "Awful support, never again",
                "meh, slow",
            ],
            "p_negative": [0.10, 0.02, 0.97, 0.60],
        }
    )
    got = summary.select_quotes(d, quarter="2026Q3", by=None, per_group=2)
    assert got["comment"].tolist() == ["Awful support, never again", "meh, slow"]  # by p_negative
    lead = summary.quotes_lead(d, quarter="2026Q3", by=None, per_group=2)
    assert lead.startswith("The most negative comments of the period by the sentiment model")
    assert "lowest-scoring" not in lead.casefold()
    # neither score nor sentiment: file order, said to be a sample
    plain = d.drop(columns="p_negative")
    # ("None. Thank you." is a non-answer, no comment: text.analysis.has_text)
    assert summary.select_quotes(plain, by=None)["comment"].tolist() == d["comment"][1:3].tolist()
    assert summary.quotes_lead(plain, by=None).startswith("A sample of the comments")
    # a score column without any value counts as no score
    empty = d.assign(ltr=pd.array([pd.NA] * 4, dtype="Int64"))
    assert summary.quotes_lead(empty, by=None).startswith("The most negative")
    # with a score: lowest first, the most negative first among equal scores
    scored = d.assign(ltr=[5, 2, 5, 5], language="en")
    assert summary.select_quotes(scored, per_group=2)["comment"].tolist() == [
        "Incontournable",
        "Awful support, never again",
    ]
    assert summary.quotes_lead(scored, quarter="2026Q3") == (
        "The lowest-scoring comments of the period (likelihood to recommend, lowest first), "
        "up to two per language"
    )


def test_trend_table_refuses_fewer_than_two_periods():
    """typeform: "Negative comments by … over time (groups of 30+)" drawn with no point left;
    qualtrics_chkkk: the same chart with a single quarter."""
    t = pd.DataFrame(
        {
            "quarter": ["2021Q2", "2021Q2", "2021Q3", "2021Q3"],
            "segment": ["A", "B", "A", "B"],
            "n": [120, 45, 12, 3],
            "pct": [10.0, 20.0, 30.0, 40.0],
        }
    )
    one = summary.trend_table(t, min_n=30, what="Negative comments by segment over time")
    assert one.table["n"].tolist() == [120, 45]
    assert one.reason == (
        "Negative comments by segment over time is not drawn: only 2021Q2 has a group with 30 "
        "or more comments, and a trend needs two periods or more."
    )
    none = summary.trend_table(t, min_n=200)
    assert none.table.empty and "no group has 200 or more comments in any period" in none.reason
    both = summary.trend_table(t, min_n=10)
    assert both.reason is None and len(both.table) == 3
    with pytest.raises(ParameterError, match="trend_table"):
        summary.trend_table(t.drop(columns="n"))


def _real(shared_data, tmp_path, rel: str):
    from cxm_lab.cli import main
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.params import load_params

    out = tmp_path / "p.yaml"
    assert main(["init", str(shared_data / "exports" / rel), "-o", str(out), "--name", "x"]) == 0
    return prepare_dataset(load_params(out), base=out.parent)


QUALTRICS = "qualtrics/CHKKK Housing developments W1 (Prolific - June 2021)_June 15, 2023_11.20.csv"
TYPEFORM = "typeform/res_YvBfAdHB.csv"


@pytest.mark.shared_data
@pytest.mark.parametrize("rel", [QUALTRICS, TYPEFORM], ids=["qualtrics", "typeform"])
def test_real_exports_without_score_do_not_claim_lowest_scoring(shared_data, tmp_path, rel):
    from cxm_lab.text.analysis import has_text

    ds = _real(shared_data, tmp_path, rel)
    r = ds["responses"]
    assert "ltr" not in r or r.loc[has_text(r["comment"]), "ltr"].isna().all()
    lead = summary.quotes_lead(r, quarter=ds.report_quarter)
    assert lead.startswith("A sample of the comments")  # no sentiment column given
    scored = r.assign(p_negative=np.linspace(0, 1, len(r)))
    assert summary.quotes_lead(scored, quarter=ds.report_quarter).startswith(
        "The most negative comments"
    )
    quotes = summary.select_quotes(scored, quarter=ds.report_quarter, by=None, per_group=3)
    assert quotes["p_negative"].is_monotonic_decreasing and len(quotes) == 3


@pytest.mark.shared_data
@pytest.mark.parametrize("rel", [QUALTRICS, TYPEFORM], ids=["qualtrics", "typeform"])
def test_real_exports_comment_trend_has_under_two_quarters(shared_data, tmp_path, rel):
    """02_text's "Sentiment over time" on the first dimension: the counts per quarter and group
    (what share_by counts), by pandas; at most one quarter has a group of 30+ comments."""
    from cxm_lab.text.analysis import has_text

    ds = _real(shared_data, tmp_path, rel)
    r = ds["responses"]
    assert ds.dimensions and r["quarter"].nunique() >= 2
    dim = ds.dimensions[0]
    c = r[has_text(r["comment"])]
    counts = c.groupby(["quarter", dim], observed=True).size().rename("n").reset_index()
    kept = counts[counts["n"] >= 30]
    trend = summary.trend_table(counts, min_n=30)
    assert len(trend.table) == len(kept) and kept["quarter"].nunique() < 2
    assert trend.reason is not None and "not drawn" in trend.reason


@pytest.mark.shared_data
def test_real_export_what_moved_note_matches_a_cut_table(shared_data, tmp_path):
    """gforms_r2019: the summary's table shows 12 rows; the note counts the rest by pandas."""
    ds = _real(shared_data, tmp_path, "google_forms/2019 English R Community Survey Responses.csv")
    moved = summary.what_moved(
        ds["responses"], quarter=ds.report_quarter, dims=ds.dimensions, min_n=30
    )
    assert len(moved) > 12
    rest = moved.iloc[12:]
    rest_tested = int((~rest["small_n"] & rest["p_value"].notna()).sum())
    note = summary.what_moved_note(moved, shown=12)
    assert (
        f"the other {len(rest)} ({rest_tested} tested, {len(rest) - rest_tested} not tested)"
        in note
    )
    assert f"first 12 of the {len(moved)} groups" in note


def test_what_moved_leaves_out_unnamed_and_empty_groups():
    """gforms_r2019 listed "Python | –" (no answer, n 1→1) and a group with n 1→0 and counted
    them among the "28 groups / 13 not tested". By hand: A has 2 responses in each quarter;
    the unanswered (None) rows are not a group; B's only 2026Q3 response has no score (n 0)."""
    d = pd.DataFrame(
        {
            "quarter": ["2026Q2"] * 5 + ["2026Q3"] * 5,
            "segment": ["A", "A", None, "B", "B", "A", "A", None, None, "B"],
            "ltr": [10, 0, 9, 10, 8, 10, 10, 3, 9, np.nan],
        }
    )
    change = metrics.nps_change(d, by="segment", min_n=1)  # the metric keeps every row
    assert change["segment"].isna().any() and (change["n"] == 0).any()
    moved = summary.what_moved(d, quarter="2026Q3", dims="segment", min_n=1)
    assert moved[["group", "n_previous", "n", "nps_previous", "nps"]].values.tolist() == [
        ["A", 2, 2, 0.0, 100.0]  # (1 − 1)/2 → (2 − 0)/2
    ]
    assert "1 comparison" in summary.what_moved_note(moved)
    kept, without = summary.answered_groups(change, "segment", n=["n", "n_previous"])
    assert kept["segment"].tolist() == ["A"] and without == 2  # the two unanswered in 2026Q3


@pytest.mark.shared_data
def test_real_export_what_moved_has_only_named_groups_with_responses(shared_data, tmp_path):
    """gforms_r2019: every group of the What-moved table has a name and responses in both
    quarters; the number of groups is counted by pandas from the responses."""
    ds = _real(shared_data, tmp_path, "google_forms/2019 English R Community Survey Responses.csv")
    r = ds["responses"]
    moved = summary.what_moved(r, quarter=ds.report_quarter, dims=ds.dimensions, min_n=30)
    assert moved["group"].notna().all() and (moved[["n", "n_previous"]] > 0).all().all()
    quarters = sorted(r["quarter"].dropna().unique())
    prev = quarters[quarters.index(ds.report_quarter) - 1]
    scored = r[r["ltr"].notna()]
    expected = 0
    for dim in ds.dimensions:
        groups = [
            set(scored.loc[scored["quarter"] == q, dim].dropna()) for q in (prev, ds.report_quarter)
        ]
        expected += len(groups[0] & groups[1])
    assert len(moved) == expected


def test_quotes_never_pick_a_non_answer():
    # ranked by score, the two lowest scores answered "None" and "nothing at all": neither is
    # a comment (text.analysis.has_text), so the quote is the lowest real comment
    r = pd.DataFrame(
        {
            "quarter": ["2026Q3"] * 4,
            "ltr": [0, 1, 4, 9],
            "comment": ["None", "nothing at all", "Support never called back", "Great"],
        }
    )
    q = summary.select_quotes(r, quarter="2026Q3", by=None, per_group=1)
    assert q["comment"].tolist() == ["Support never called back"]
    from cxm_lab.report import quote_comments

    shown = quote_comments(r, max_rows=10)._repr_markdown_()
    assert "Support never called back" in shown and "None" not in shown


def test_theme_fit_sentence_states_the_measured_share_and_the_fix():
    from cxm_lab.summary import theme_fit_sentence

    # 225 of 1,250 comments: 225 / 1250 = 0.18 -> "18%"; 1 of 3 = 33.3 % -> "33%"
    s = theme_fit_sentence(1250, 225, min_similarity=0.85)
    assert s.startswith("Only 18% of 1,250 comments match one of the default themes well")
    assert (
        "similarity 0.85" in s
        and "set themes: in the params file" in s
        and "`" not in s
        and "discovered themes" in s
    )
    assert theme_fit_sentence(3, 1, min_similarity=0.88).startswith("Only 33% of 3 comments")
    assert theme_fit_sentence(0, 0, min_similarity=0.85) == ""
