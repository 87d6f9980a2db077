"""The executive brief: tiles equal the metric tables, the ranking checked by hand, every
sentence follows its table (change the table and the sentence changes), hostile names escaped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxm_lab import brief, report, summary
from cxm_lab.demo import load_demo

QUARTER = "2026Q3"


@pytest.fixture(scope="module")
def demo():
    return load_demo()


@pytest.fixture(scope="module")
def demo_brief(demo):
    return brief.build_brief(
        demo.responses,
        quarter=QUARTER,
        targets=demo.targets,
        employees=demo.employees,
        accounts=demo.accounts,
        revenue=demo.revenue,
        owners=demo.touchpoint_owners,
        closures=demo.case_closures,
        drivers={c: c.capitalize() for c in ("ease", "speed", "support", "price", "product")},
        dims=["segment", "region"],
        currency="USD",
        n_boot=100,
    )


def _tiles(**over) -> pd.DataFrame:
    row = {
        "metric": "NPS",
        "survey_type": "relationship",
        "value": 34.2,
        "ci_low": 25.8,
        "ci_high": 42.6,
        "n": 357,
        "previous": 39.2,
        "change": -5.0,
        "p_value": 0.39,
        "significant": False,
        "target": 40.0,
    }
    row.update(over)
    return brief.kpi_tiles(pd.DataFrame([row]))


# --------------------------------------------------------------------------- tiles


def test_tiles_equal_the_headline_table_and_a_hand_count(demo):
    head = summary.headline(
        demo.responses, quarter=QUARTER, targets=demo.targets, employees=demo.employees
    )
    tiles = brief.kpi_tiles(head)
    first = head[~head["metric"].duplicated()].reset_index(drop=True)
    assert tiles["metric"].tolist() == first["metric"].tolist()
    for col in ("value", "ci_low", "ci_high", "n", "change", "p_value", "target"):
        np.testing.assert_allclose(tiles[col].astype(float), first[col].astype(float))
    # the NPS tile by hand: relationship responses of the quarter, % 9–10 minus % 0–6
    r = demo.responses
    ltr = r.loc[(r["quarter"] == QUARTER) & (r["survey_type"] == "relationship"), "ltr"].dropna()
    by_hand = 100 * ((ltr >= 9).mean() - (ltr <= 6).mean())
    nps = tiles.iloc[0]
    assert nps["survey_type"] == "relationship"
    assert nps["value"] == pytest.approx(by_hand)
    target = demo.targets.query("metric == 'nps' and quarter == @QUARTER")["target"].iloc[0]
    assert nps["gap"] == pytest.approx(by_hand - target)
    word = "below" if by_hand < target else "above"
    assert nps["status_text"] == f"{word} target {target:g} by {abs(by_hand - target):.1f} points"
    assert nps["tone"] == ("bad" if by_hand < target else "good")


def test_tile_status_by_word_and_tone_follow_value_and_target():
    below, above = _tiles(value=34.2, target=40.0), _tiles(value=41.0, target=40.0)
    assert below.loc[0, "status_text"] == "below target 40 by 5.8 points"
    assert (below.loc[0, "status"], below.loc[0, "tone"]) == ("below", "bad")
    assert above.loc[0, "status_text"] == "above target 40 by 1.0 points"
    assert (above.loc[0, "status"], above.loc[0, "tone"]) == ("met", "good")
    none = _tiles(target=np.nan)
    assert (none.loc[0, "status"], none.loc[0, "tone"]) == ("no target", "neutral")
    assert _tiles(change=2.0).loc[0, "direction"] == "up"
    assert _tiles(change=0.04).loc[0, "direction"] == "no change"
    assert _tiles(change=np.nan).loc[0, "direction"] == ""
    csat = _tiles(metric="CSAT (top-2 %)", value=81.9, target=80.0)
    assert csat.loc[0, "status_text"] == "above target 80 by 1.9 points"


def test_tile_cards_carry_status_words_and_tone():
    card = brief.tile_cards(_tiles(), previous="2026Q2")[0]
    assert card["label"] == "Relationship NPS" and card["value"] == "34.2"
    assert card["detail"].startswith("Below target 40 by 5.8 points")
    assert "↓ 5.0 vs 2026Q2 (not significant)" in card["detail"]
    assert card["detail"].endswith("95% CI 25.8–42.6")
    assert card["tone"] == "bad"
    up = brief.tile_cards(_tiles(change=3.0, significant=True), previous="2026Q2")[0]
    assert "↑ 3.0 vs 2026Q2 (significant)" in up["detail"]


def test_status_sentence_changes_with_its_table():
    base = brief.status_sentence(_tiles(), quarter=QUARTER, previous="2026Q2")
    assert "Relationship NPS is 34.2 in 2026Q3" in base
    assert "down 5.0 points on 2026Q2" in base and "below target 40 by 5.8 points" in base
    for over, expected in (
        ({"value": 44.0}, "above target 40 by 4.0 points"),
        ({"change": 5.0}, "up 5.0 points"),
        ({"target": 30.0}, "above target 30 by 4.2 points"),
        ({"significant": True}, "a statistically significant change"),
    ):
        text = brief.status_sentence(_tiles(**over), quarter=QUARTER, previous="2026Q2")
        assert text != base and expected in text, (over, text)


# --------------------------------------------------------------------------- ranking


def test_rank_priorities_by_hand():
    """Each kind scaled to its largest; score = (driver + points) × (1 + revenue):
    driver price:   (10/20 + 0)   × (1 + 300/300) = 1.0
    driver support: (20/20 + 0)   × (1 + 0)       = 1.0   (tie with price: less money)
    theme billing:  (0 + 3/3)     × (1 + 150/300) = 1.5
    segment SMB:    (0 + 1.5/3)   × (1 + 0)       = 0.5
    theme staff:    no evidence of a problem (revenue 0 alone would not count): dropped."""
    c = pd.DataFrame(
        {
            "kind": ["driver", "driver", "theme", "segment", "theme"],
            "key": ["price", "support", "billing", "SMB", "staff"],
            "name": ["Price", "Support", "billing", "segment SMB", "staff"],
            "importance": [10.0, 40.0, np.nan, np.nan, np.nan],
            "performance": [6.0, 6.5, np.nan, np.nan, np.nan],
            "average": [7.0, 7.0, np.nan, 30.0, np.nan],
            "driver_evidence": [10.0, 20.0, np.nan, np.nan, np.nan],
            "nps_with": [np.nan, np.nan, -10.0, 12.0, 50.0],
            "nps_points": [np.nan, np.nan, 3.0, 1.5, -1.0],
            "revenue_at_stake": [300.0, np.nan, 150.0, np.nan, 0.0],
        }
    )
    r = brief.rank_priorities(c, max_rows=None)
    assert r["key"].tolist() == ["billing", "price", "support", "SMB"]
    np.testing.assert_allclose(r["score"], [1.5, 1.0, 1.0, 0.5])
    assert r["rank"].tolist() == [1, 2, 3, 4]
    assert r["fix"].tolist() == [
        "Theme: billing",
        "Driver: Price",
        "Driver: Support",
        "Segment: SMB",
    ]
    assert brief.rank_priorities(c, max_rows=2)["key"].tolist() == ["billing", "price"]
    # revenue at stake on SMB (600, the new largest): SMB (0.5)(1 + 1) = 1.0 ties support (1.0)
    # and wins on money; billing (1)(1 + 0.25) = 1.25; price (0.5)(1 + 0.5) = 0.75
    c2 = c.assign(revenue_at_stake=[300.0, np.nan, 150.0, 600.0, 0.0])
    r2 = brief.rank_priorities(c2, max_rows=None)
    assert r2["key"].tolist() == ["billing", "SMB", "support", "price"]
    np.testing.assert_allclose(r2["score"], [1.25, 1.0, 1.0, 0.75])
    # revenue alone is no evidence of a problem: a candidate with only money is not listed
    only_money = pd.DataFrame(
        {"kind": ["segment"], "key": ["X"], "name": ["segment X"], "revenue_at_stake": [1e9]}
    )
    both = brief.rank_priorities(pd.concat([c, only_money]), max_rows=None)
    assert "X" not in both["key"].tolist() and len(both) == 4


def test_evidence_and_uncertainty_texts_follow_the_row():
    c = pd.DataFrame(
        {
            "kind": ["theme"],
            "key": ["price"],
            "name": ["price"],
            "nps_points": [3.0],
            "points_low": [1.0],
            "points_high": [5.0],
            "revenue_at_stake": [1.5e6],
        }
    )
    r = brief.rank_priorities(c, currency="EUR").iloc[0]
    assert r["evidence"] == "costs 3.0 NPS points; EUR 1.5M at stake"
    assert r["uncertainty"] == "95% CI 1.0 to 5.0 points"
    r2 = brief.rank_priorities(c.assign(nps_points=4.5, points_low=-0.5)).iloc[0]
    assert r2["evidence"].startswith("costs 4.5 NPS points")
    assert r2["uncertainty"] == "95% CI \u22120.5 to 5.0 points (may be noise)"


def test_driver_candidates_and_sentence_follow_the_gap():
    ip = pd.DataFrame(
        {
            "driver": ["support", "price", "ease"],
            "weight": [50.0, 30.0, 20.0],
            "ci_low": [40.0, 20.0, 10.0],
            "ci_high": [60.0, 40.0, 30.0],
            "performance": [8.0, 6.0, 7.0],
            "quadrant": ["maintain strength", "monitor", "lower priority"],
        }
    )
    c = brief.driver_candidates(ip)
    # average 7.0: only price is below it, gap 1.0, evidence 30 × 1.0
    assert c[["key", "gap", "driver_evidence"]].values.tolist() == [["price", 1.0, 30.0]]
    text = brief.driver_sentence(ip)
    assert "most important is support (50%" in text and "price (6.00) is rated below" in text
    two = brief.driver_sentence(ip.assign(performance=[8.0, 6.0, 6.5]))  # two below 6.83
    assert "; price (6.00) and ease (6.50) are rated below the 6.83 average." in two
    # flip the gap: support now rated lowest and above-average important -> fix first
    flipped = ip.assign(
        performance=[5.5, 7.5, 7.0], quadrant=["fix first", "lower priority", "lower priority"]
    )
    c2 = brief.driver_candidates(flipped)
    assert c2["key"].tolist() == ["support"]
    assert c2["driver_evidence"].iloc[0] == pytest.approx(50.0 * (20.0 / 3 - 5.5))
    text2 = brief.driver_sentence(flipped)
    assert text2 != text and text2.startswith("Fix first (above-average importance")
    assert "support (50% of explained variance, rated 5.50 vs 6.67 average)" in text2


def test_a_driver_that_cannot_be_told_from_no_importance_is_not_a_candidate():
    """Relative weights are never negative, so "within noise" is an interval that reaches
    down to 0%: such a driver (the R community survey's "0% of explained variance; rated 3.37
    vs 4.57") is no priority however low it is rated; without an interval its value decides."""
    ip = pd.DataFrame(
        {
            "driver": ["python", "topics", "docs", "r"],
            "weight": [0.3, 4.0, 6.0, 89.7],
            "ci_low": [0.0, 0.2, 1.5, 80.0],
            "ci_high": [20.0, 23.0, 12.0, 95.0],
            "performance": [3.37, 2.92, 3.0, 4.65],
        }
    )
    assert brief.driver_candidates(ip)["key"].tolist() == ["docs"]
    no_ci = ip.drop(columns=["ci_low", "ci_high"])
    assert brief.driver_candidates(no_ci)["key"].tolist() == ["topics", "docs"]
    assert brief.MIN_IMPORTANCE == 0.5


def test_theme_sentence_changes_with_shares_and_impact():
    themes = pd.DataFrame(
        {
            "nps_category": ["detractor"] * 3,
            "theme": ["reliability", "price", "staff"],
            "comments": [30, 20, 10],
            "share": [50.0, 33.3, 16.7],
            "pct_negative": [97.0, 90.0, 80.0],
        }
    )
    impact = pd.DataFrame(
        {
            "theme": ["price", "reliability"],
            "mentions": [40, 50],
            "nps_with": [-20.0, 0.0],
            "impact": [-3.1, -1.0],
            "ci_low": [-5.0, -2.5],
            "ci_high": [-1.2, 0.4],
        }
    )
    base = brief.theme_sentence(themes, impact)
    # 30 comments are 50% of the detractors' 30 / 0.5 = 60
    assert base.startswith("Detractors talk most about reliability (30 of their 60 comments, 50%")
    assert "costs the most NPS is price: \u22123.1 points" in base
    swapped = brief.theme_sentence(themes.assign(share=[20.0, 60.0, 20.0]), impact)
    assert swapped.startswith("Detractors talk most about price (20 of their")
    worse = brief.theme_sentence(themes, impact.assign(impact=[-3.1, -4.2]))
    assert "costs the most NPS is reliability: \u22124.2 points" in worse
    assert "within noise" in worse  # its interval (−2.5 to 0.4) includes zero
    # candidates: only the drag beyond noise (price), points = −impact
    cand = brief.theme_candidates(impact, themes=themes)
    assert cand[["key", "nps_points", "points_low", "points_high"]].values.tolist() == [
        ["price", 3.1, 1.2, 5.0]
    ]
    assert cand["note"].iloc[0] == "33% of detractor comments, 90% negative"


def test_point_value_recommendation_and_worth_sentence_follow_the_tables():
    values = pd.DataFrame(
        {
            "method": ["category", "logit", "OLS of revenue_change on account_nps"],
            "value_per_point": [390_000.0, 41_000.0, 121_000.0],
            "ci_low": [146_000.0, 13_000.0, 67_000.0],
            "ci_high": [612_000.0, 70_000.0, 175_000.0],
        }
    )
    rec = brief.recommend_point_value(values)
    # relative widths by hand: 466/390 = 1.19, 57/41 = 1.39, 108/121 = 0.89
    np.testing.assert_allclose(
        rec.set_index("method")["relative_width"].loc[["category", "logit"]],
        [466 / 390, 57 / 41],
    )
    assert rec.loc[rec["recommended"], "method"].tolist() == [
        "OLS of revenue_change on account_nps"
    ]
    risk = pd.DataFrame(
        {
            "group_type": ["NPS category", "NPS category"],
            "group": ["detractor", "promoter"],
            "accounts": [80, 160],
            "revenue": [7.29e6, 2.0e7],
            "churn_rate": [17.5, 5.6],
            "expected_loss": [1.276e6, 1.1e6],
            "loss_low": [7.8e5, 6e5],
            "loss_high": [1.99e6, 2e6],
        }
    )
    base = brief.worth_sentence(risk, rec, currency="USD")
    assert "The 80 detractor accounts hold USD 7.29 million" in base
    assert "USD 1.28 million of it is at risk" in base
    assert "about USD 121,000 a year (OLS of revenue change on account NPS" in base
    more = brief.worth_sentence(risk.assign(expected_loss=[2.5e6, 1.1e6]), rec, currency="USD")
    assert more != base and "USD 2.5 million of it is at risk" in more
    # a tighter category interval makes it the recommended one, and the sentence follows
    tight = brief.recommend_point_value(values.assign(ci_low=[380_000.0, 13e3, 67e3]))
    tight = brief.recommend_point_value(tight.assign(ci_high=[400_000.0, 70e3, 175e3]))
    assert tight.loc[tight["recommended"], "method"].tolist() == ["category"]
    assert "about USD 390,000 a year (category" in brief.worth_sentence(risk, tight, currency="USD")


def test_no_point_value_recommended_when_none_is_positive():
    values = pd.DataFrame(
        {"method": ["a"], "value_per_point": [-5.0], "ci_low": [-9.0], "ci_high": [-1.0]}
    )
    rec = brief.recommend_point_value(values)
    assert not rec["recommended"].any()
    assert "No estimate" in brief.worth_sentence(None, rec)


# --------------------------------------------------------------------------- the whole brief


def test_demo_brief_tiles_findings_and_priorities(demo, demo_brief):
    b = demo_brief
    head = summary.headline(
        demo.responses, quarter=QUARTER, targets=demo.targets, employees=demo.employees
    )
    pd.testing.assert_frame_equal(b.tiles, brief.kpi_tiles(head))
    topics = [f.topic for f in b.findings]
    assert 3 <= len(topics) <= 5
    assert topics[0] == "How we are doing" and "What it is worth" in topics
    assert b.findings[0].text == brief.status_sentence(b.tiles, quarter=QUARTER, previous="2026Q2")
    table = brief.findings_table(b.findings)
    assert table["topic"].tolist() == topics and table["text"].tolist()[0] == b.findings[0].text
    p = b.priorities
    assert list(p.columns[: len(brief.PRIORITY_COLUMNS)]) == brief.PRIORITY_COLUMNS
    assert 1 <= len(p) <= 5 and p["score"].is_monotonic_decreasing
    assert p["owner"].str.len().gt(0).all() and p["loop_status"].str.len().gt(0).all()
    assert b.point_values["recommended"].sum() == 1 and len(b.point_values) == 3


def test_demo_revenue_at_stake_by_hand(demo, demo_brief):
    """Price: ARR of the accounts with a detractor relationship response in the quarter that
    rated price below the drivers' average, × the detractor churn rate of revenue_at_risk."""
    c = demo_brief.candidates
    row = c[(c["kind"] == "driver") & (c["key"] == "price") & c["group"].isna()].iloc[0]
    r = demo.responses
    cur = r[(r["quarter"] == QUARTER) & (r["survey_type"] == "relationship")]
    names = ["ease", "speed", "support", "price", "product"]
    average = cur[names].mean().mean()
    hit = cur[(cur["ltr"] <= 6) & (cur["price"] < average)]
    arr = demo.accounts.set_index("account_id").loc[hit["account_id"].unique(), "arr"].sum()
    ratio = row["revenue_at_stake"] / arr
    assert 0 < ratio < 1  # a churn rate
    assert row["average"] == pytest.approx(average)
    # the same rate for every candidate: money / ARR is one number
    assert row["money_low"] <= row["revenue_at_stake"] <= row["money_high"]


def test_small_brief_owners_and_loop_status_by_hand():
    """Owners from the explicit map, then the touchpoint table by name or word, then the team
    holding the cases; loop status counted by hand."""
    rng = np.random.default_rng(1)
    n = 240
    seg = np.where(np.arange(n) % 2 == 0, "Alpha", "Beta")
    ltr = np.where(seg == "Alpha", rng.integers(0, 7, n), rng.integers(7, 11, n))
    responses = pd.DataFrame(
        {
            "response_id": [f"R{i}" for i in range(n)],
            "quarter": QUARTER,
            "response_date": pd.Timestamp("2026-07-01"),
            "touchpoint": "support",
            "segment": seg,
            "ltr": ltr,
            "support": np.clip(ltr + rng.normal(0, 1, n), 0, 10),
            "price": np.clip(ltr + rng.normal(0, 2, n), 0, 10) - 1,
        }
    )
    owners = pd.DataFrame({"touchpoint": ["support"], "owner_team": ["Support desk"]})
    closures = pd.DataFrame({"response_id": ["R0", "R2"], "closed_date": ["2026-07-05"] * 2})
    b = brief.build_brief(
        responses,
        quarter=QUARTER,
        owners=owners,
        closures=closures,
        drivers={"support": "Support", "price": "Price"},
        dims=["segment"],
        owner_map={"Alpha": "Alpha lead"},
        n_boot=50,
    )
    p = b.priorities.set_index("fix")
    assert p.loc["Segment: Alpha", "owner"] == "Alpha lead"
    detractors = int((ltr[seg == "Alpha"] <= 6).sum())
    assert p.loc["Segment: Alpha", "loop_status"] == (
        f"{detractors} cases (with Support desk): {detractors - 2} open, "
        f"{detractors - 2} overdue, {100 * 2 / detractors:.0f}% on time"
    )
    drivers = [f for f in p.index if f.startswith("Driver: ")]
    for f in drivers:
        # the support driver, overall or within a group, is the support touchpoint's
        expected = (
            "Support desk" if f.startswith("Driver: Support") else "Support desk (case owner)"
        )
        assert p.loc[f, "owner"] == expected
    assert "money: no accounts and revenue tables, or no dated quarter" in b.notes
    # without owners table nothing is routed: owners say "unassigned" plainly
    b2 = brief.build_brief(responses, quarter=QUARTER, dims=["segment"], n_boot=50)
    assert set(b2.priorities["owner"]) == {"unassigned"}
    assert set(b2.priorities["loop_status"]) == {"–"}


def test_theme_sentence_gives_counts_and_names_no_theme_on_too_few_comments():
    """gforms_r2019 p.1: "Detractors talk most about ease of use (29% of their comments, 100%
    complaints)" rested on 2 of 7 comments (2020Q1: 7 detractors, 7 comments), against
    min_n = 30. Now each share has its count, and below min_n no theme is named."""
    few = pd.DataFrame(
        {
            "nps_category": ["detractor", "detractor", "promoter"],
            "theme": ["ease of use", "docs", "packages"],
            "comments": [2, 1, 40],
            "share": [100 * 2 / 7, 100 / 7, 100.0],  # 2 and 1 of the detractors' 7 comments
            "pct_complaint": [100.0, 100.0, 5.0],
        }
    )
    text = brief.theme_sentence(few, None)
    assert text == (
        "The detractors' 7 comments are too few (fewer than 30) to tell which theme they raise "
        "most."
    )
    assert "ease of use" not in text and "29%" not in text
    # the same shares on 35 comments (10 and 5 of them) name the theme, with its count
    enough = few.assign(comments=[10, 5, 40])
    assert brief.theme_sentence(enough, None) == (
        "Detractors talk most about ease of use (10 of their 35 comments, 29%, 100% complaints)"
        " and docs (5 comments, 14%, 100% complaints)."
    )
    # the run's min_n decides: 7 comments are enough with min_n = 5
    assert brief.theme_sentence(few, None, min_n=5).startswith(
        "Detractors talk most about ease of use (2 of their 7 comments, 29%"
    )
    # without nps_category the shares are of all comments; one comment reads in the singular
    one = pd.DataFrame({"theme": ["price"], "comments": [1], "share": [100.0]})
    assert brief.theme_sentence(one, None) == (
        "The 1 comment is too few (fewer than 30) to tell which theme they raise most."
    )


def test_build_brief_passes_min_n_to_the_comment_finding():
    """The brief's "Why (comments)" follows the run's min_n (gforms_r2019: 7 comments)."""
    rng = np.random.default_rng(0)
    n = 60
    d = pd.DataFrame({"quarter": QUARTER, "ltr": rng.integers(0, 11, n).astype(float)})
    comments = d.assign(category=np.where(np.arange(n) % 2, "price", "support"))
    comments["label"] = "negative"
    det = int((d["ltr"] <= 6).sum())  # detractors' comments, every response has one
    for min_n, named in ((det + 1, False), (det, True)):
        out = brief.build_brief(d, quarter=QUARTER, comments=comments, n_boot=0, min_n=min_n)
        why = next(f.text for f in out.findings if f.topic == "Why (comments)")
        assert ("talk most about" in why) is named, (min_n, why)
        assert (f"{det} comments are too few" in why) is not named


# --------------------------------------------------------------------------- hostile strings


HOSTILE = ["<script>alert(1)</script>", "*bold*", "$x$", "#set"]


def test_hostile_names_come_out_escaped():
    themes = pd.DataFrame(
        {"theme": HOSTILE, "comments": [4, 3, 2, 1], "share": [40.0, 30.0, 20.0, 10.0]}
    )
    impact = pd.DataFrame(
        {
            "theme": HOSTILE,
            "mentions": [4, 3, 2, 1],
            "nps_with": [-50.0, -40.0, -30.0, -20.0],
            "impact": [-4.0, -3.0, -2.0, -1.0],
            "ci_low": [-6.0, -5.0, -4.0, -3.0],
            "ci_high": [-1.0, -0.5, -0.2, -0.1],
        }
    )
    sentence = brief.theme_sentence(themes, impact, min_n=1)  # 10 comments: name the themes
    assert "<script>alert(1)</script>" in sentence  # plain text: the display escapes it
    shown = report.callout("**{topic}.** {text}", topic="Why", text=sentence)
    html, markdown = shown._repr_html_(), shown._repr_markdown_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "\\<script\\>" in markdown and "\\*bold\\*" in markdown
    ranked = brief.rank_priorities(brief.theme_candidates(impact, themes=themes), max_rows=None)
    table = report.show_table(ranked, columns={"fix": "Fix", "evidence": "Evidence"})
    md_table = table._repr_markdown_()
    assert "<script>" not in table._repr_html_()
    for raw, escaped in (("*bold*", "\\*bold\\*"), ("$x$", "\\$x\\$"), ("#set", "\\#set")):
        assert escaped in md_table, raw
    cards = brief.tile_cards(_tiles(survey_type="<script>alert(1)</script>"))
    assert "<script>" not in report.kpi_cards(cards)._repr_html_()


def test_hostile_segment_and_driver_label_in_a_built_brief():
    n = 200
    rng = np.random.default_rng(3)
    seg = np.where(np.arange(n) % 2 == 0, "<script>alert(1)</script>", "*bold*")
    ltr = np.where(np.arange(n) % 2 == 0, rng.integers(0, 7, n), rng.integers(8, 11, n))
    responses = pd.DataFrame(
        {
            "quarter": QUARTER,
            "segment": seg,
            "ltr": ltr,
            "a": np.clip(ltr + rng.normal(0, 1, n), 0, 10),
            "b": np.clip(ltr + rng.normal(0, 3, n), 0, 10) - 2,
        }
    )
    b = brief.build_brief(
        responses, quarter=QUARTER, drivers={"a": "$x$", "b": "#set"}, dims=["segment"], n_boot=50
    )
    fixes = b.priorities["fix"].tolist()
    assert "Segment: <script>alert(1)</script>" in fixes
    md_table = report.show_table(b.priorities, columns={"fix": "Fix"})._repr_markdown_()
    assert "Segment\\: \\<script\\>alert\\(1\\)\\<\\/script\\>" in md_table
    for f in b.findings:
        html = report.callout("{text}", text=f.text)._repr_html_()
        assert "<script>" not in html


def test_themes_praise_and_complaint_apart_follow_their_tables():
    """With a praise/complaint table (theme_sentiment, theme_tone_impact) the brief quotes the
    complaint side, so it cannot contradict a theme praised by promoters."""
    tone = pd.DataFrame(
        {
            "nps_category": ["detractor", "detractor"],
            "theme": ["support", "price"],
            "comments": [30, 20],
            "share": [60.0, 40.0],
            "pct_praise": [10.0, 0.0],
            "pct_complaint": [85.0, 95.0],
        }
    )
    impact = pd.DataFrame(
        {
            "theme": ["support", "price"],
            "mentions": [90, 40],
            "nps_complaint": [-60.0, -40.0],
            "impact_complaint": [-4.0, -2.0],
            "complaint_ci_low": [-6.0, -3.5],
            "complaint_ci_high": [-2.0, -0.5],
            "nps_praise": [80.0, np.nan],
            "impact_praise": [3.0, np.nan],
            "praise_ci_low": [1.0, np.nan],
            "praise_ci_high": [5.0, np.nan],
        }
    )
    base = brief.theme_sentence(tone, impact)
    assert "support (30 of their 50 comments, 60%, 85% complaints)" in base
    assert "Complaints about support cost the most NPS: \u22124.0 points" in base
    changed = brief.theme_sentence(tone, impact.assign(impact_complaint=[-1.0, -2.0]))
    assert "Complaints about price cost the most NPS: \u22122.0 points" in changed
    cand = brief.theme_candidates(impact, themes=tone)
    assert cand[["key", "nps_points", "points_low", "points_high"]].values.tolist() == [
        ["support", 4.0, 2.0, 6.0],
        ["price", 2.0, 0.5, 3.5],
    ]
    assert cand["note"].tolist() == [
        "60% of detractor comments, 85% complaints",
        "40% of detractor comments, 95% complaints",
    ]


def test_build_brief_reads_complaints_from_mentions():
    """Complainers about a theme are its responses: loop status counts their cases by hand."""
    n = 200
    ltr = np.where(np.arange(n) < 60, 2, 9)
    responses = pd.DataFrame(
        {
            "response_id": [f"R{i}" for i in range(n)],
            "quarter": QUARTER,
            "response_date": pd.Timestamp("2026-07-01"),
            "touchpoint": "billing",
            "ltr": ltr,
        }
    )
    # the first 40 detractors complain about billing, 100 promoters praise it
    mentions = pd.DataFrame(
        {
            "response_id": [f"R{i}" for i in range(40)] + [f"R{i}" for i in range(100, 200)],
            "theme": "billing",
            "label": ["negative"] * 40 + ["positive"] * 100,
        }
    )
    owners = pd.DataFrame({"touchpoint": ["billing"], "owner_team": ["Finance Ops"]})
    b = brief.build_brief(responses, quarter=QUARTER, mentions=mentions, owners=owners, n_boot=100)
    row = b.priorities.set_index("fix").loc["Theme: billing"]
    assert row["owner"] == "Finance Ops"  # the theme's name is a touchpoint
    assert row["loop_status"] == "40 cases: 40 open, 40 overdue, 0% on time"
    # complaint impact by hand: NPS(all) = (140 − 60)/200 = 40; without the 40 complainers
    # (140 − 20)/160 = 75; points at stake 35
    assert row["nps_points"] == pytest.approx(35.0)
    why = next(f.text for f in b.findings if f.topic == "Why (comments)")
    assert "Complaints about billing cost the most NPS: \u221235.0 points" in why


def test_a_badly_fitting_default_theme_list_names_no_theme_and_ranks_none():
    """The same complaints as above, but the default list fits the survey's comments badly:
    no theme is a priority and "Why (comments)" gives the measured share instead."""
    from cxm_lab.text.topics import theme_fit

    n = 200
    responses = pd.DataFrame(
        {
            "response_id": [f"R{i}" for i in range(n)],
            "quarter": QUARTER,
            "response_date": pd.Timestamp("2026-07-01"),
            "ltr": np.where(np.arange(n) < 60, 2, 9),
        }
    )
    mentions = pd.DataFrame(
        {"response_id": [f"R{i}" for i in range(40)], "theme": "billing", "label": "negative"}
    )
    # 7 of 20 comments (35 %) have a clause at 0.85 or more: below the 85 % a fit needs
    poor = theme_fit([0.9] * 7 + [0.6] * 13)
    assert (poor.n_matched, poor.fits) == (7, False)
    b = brief.build_brief(responses, quarter=QUARTER, mentions=mentions, theme_fit=poor, n_boot=0)
    assert not (b.candidates["kind"] == "theme").any()
    why = next(f.text for f in b.findings if f.topic == "Why (comments)")
    assert why.startswith("Only 35% of 20 comments match one of the default themes well")
    assert "billing" not in why
    # a list that fits (19 of 20 = 95 %) keeps the theme finding and the candidate
    good = brief.build_brief(
        responses, quarter=QUARTER, mentions=mentions, theme_fit=theme_fit([0.9] * 19 + [0.6])
    )
    assert (good.candidates["kind"] == "theme").any()
    assert "billing" in next(f.text for f in good.findings if f.topic == "Why (comments)")


def test_brief_without_dates_has_no_quarter_and_no_change():
    d = pd.DataFrame({"ltr": [10, 9, 9, 3, 7, 8, 0, 10] * 5})
    b = brief.build_brief(d, quarter=None, n_boot=0, min_n=1)
    tile = b.tiles.iloc[0]
    x = d["ltr"].to_numpy()
    assert tile["value"] == pytest.approx(100 * ((x >= 9).mean() - (x <= 6).mean()))
    assert pd.isna(tile["change"])


def test_worth_uses_the_headline_survey_as_the_revenue_section_does(demo, demo_brief):
    from cxm_lab import revenue as rv
    from cxm_lab.accounts import account_panel

    rel = demo.responses[demo.responses["survey_type"] == "relationship"]
    as_of = pd.Timestamp("2026-10-01") - pd.DateOffset(months=12)
    panel = account_panel(rel, demo.accounts, demo.revenue, as_of=as_of, weight=None).table
    values = rv.nps_point_value(panel, n_boot=100, seed=0)
    got = demo_brief.point_values.set_index("method")["value_per_point"]
    assert got.to_numpy() == pytest.approx(
        values.set_index("method").loc[got.index, "value_per_point"].to_numpy()
    )
    det = panel[panel["category"] == "detractor"]
    worth = next(f.text for f in demo_brief.findings if f.topic == "What it is worth")
    assert f"The {len(det)} detractor accounts" in worth


# --------------------------------------------------------------------------- review findings


def _segment_data(n: int = 180) -> pd.DataFrame:
    """Thirds: "Alpha" detractors (LTR 2), "Beta" promoters (10), and blank answers (<NA> in a
    pandas ``string`` column, as an export's empty cells read) that are detractors too."""
    i = np.arange(n)
    seg = pd.Series(np.where(i % 3 == 0, "Alpha", "Beta"), dtype="string")
    seg[i % 3 == 2] = pd.NA
    ltr = np.where(i % 3 == 1, 10, 2)
    rng = np.random.default_rng(5)
    return pd.DataFrame(
        {
            "response_id": [f"R{k}" for k in i],
            "quarter": QUARTER,
            "response_date": pd.Timestamp("2026-07-01"),
            "touchpoint": "support",
            "segment": seg,
            "ltr": ltr,
            "a": np.clip(ltr + rng.integers(-1, 2, n), 0, 10),
            "b": np.clip(ltr + rng.integers(-3, 4, n), 0, 10),
        }
    )


def test_blank_answers_in_a_nullable_dimension_are_in_no_group():
    """The Spanish R survey crashed here: ``cur[dim] == group`` is <NA> on blank answers, which
    cannot select rows. A blank answer now matches no group: Alpha's cases are its own 60
    detractors, not the 60 blank-answer detractors besides.
    NPS by hand: all (60 − 120)/180 = −33.3; without Alpha (60 − 60)/120 = 0; Alpha costs 33.3."""
    d = _segment_data()
    assert d["segment"].isna().sum() == 60
    owners = pd.DataFrame({"touchpoint": ["support"], "owner_team": ["Support desk"]})
    mentions = pd.DataFrame(
        {
            "response_id": ["R0", "R3", "R6", "R2", "R5"],
            "theme": pd.Series(["billing", "billing", pd.NA, "billing", pd.NA], dtype="string"),
            "label": pd.Series(["negative"] * 3 + ["positive"] * 2, dtype="string"),
        }
    )
    b = brief.build_brief(
        d,
        quarter=QUARTER,
        owners=owners,
        mentions=mentions,
        drivers={"a": "A", "b": "B"},
        dims=["segment"],
        n_boot=50,
    )
    p = b.priorities.set_index("fix")
    assert p.loc["Segment: Alpha", "nps_points"] == pytest.approx(100 / 3)
    assert p.loc["Segment: Alpha", "loop_status"] == "60 cases: 60 open, 60 overdue, 0% on time"
    assert "Segment: <NA>" not in p.index and "Segment: nan" not in p.index


def test_ratings_on_different_scales_are_compared_as_percent_of_their_range():
    """Two 1–5 questions and a 0–10 one (the R survey's "4.57 average" mixed them).
    Means by construction: a 4.0 and b 3.0 on 1–5, c 8.0 on 0–10. Raw average (4 + 3 + 8)/3 =
    5.0 would put a (4.0) below average; on percent of range a = 75, b = 50, c = 80, average
    205/3 = 68.3: only b is below, gap 68.3 − 50 = 18.3 points of the range."""
    n = 250
    i = np.arange(n)
    a = np.array([1, 4, 5, 5, 5])[i % 5]
    b = np.array([1, 2, 3, 4, 5])[(i // 5) % 5]
    c = np.array([0, 10, 10, 10, 10])[(i // 25) % 5]
    d = pd.DataFrame({"quarter": QUARTER, "a": a, "b": b, "c": c})
    d["ltr"] = np.clip(a + b + c // 2 - 4 + (i // 125), 0, 10)
    out = brief.build_brief(
        d, quarter=QUARTER, drivers={"a": "Ease", "b": "Speed", "c": "Value"}, n_boot=40
    )
    why = next(f.text for f in out.findings if f.topic == "Why (ratings)")
    assert "Speed (3.00 on 1–5, 50% of the range) is rated below the drivers' average (68%" in why
    assert brief.rating_scales(d, ["a", "b", "c"]) == {
        "a": (1.0, 5.0),
        "b": (1.0, 5.0),
        "c": (0.0, 10.0),
    }
    cand = out.candidates[out.candidates["kind"] == "driver"]
    overall = cand[cand["group"].isna()].set_index("key")
    assert overall.index.tolist() == ["b"]
    assert overall.loc["b", "performance"] == pytest.approx(50.0)
    assert overall.loc["b", "rating"] == pytest.approx(3.0)
    assert overall.loc["b", "scale"] == "1–5"
    assert overall.loc["b", "average"] == pytest.approx(205 / 3)
    assert overall.loc["b", "gap"] == pytest.approx(205 / 3 - 50)
    assert "Ease (" not in why.split("most important")[-1].split(";")[1]
    assert "different scales (0–10 and 1–5)" in why
    ev = out.priorities.set_index("key").loc["b", "evidence"]
    assert ev.endswith("rated 3.00 on 1–5 (50% of the range) vs 68% average")
    # one scale: raw means as before (no percentages in the words)
    same = brief.build_brief(d, quarter=QUARTER, drivers={"a": "Ease", "b": "Speed"}, n_boot=40)
    why1 = next(f.text for f in same.findings if f.topic == "Why (ratings)")
    assert "% of the range" not in why1 and "different scales" not in why1


def test_a_group_below_min_n_is_not_a_priority():
    """Methods: a group under min_n is "not tested". Small (20 responses, all detractors) drags
    NPS (all (80 − 120)/200 = −20, without it (80 − 100)/180 = −11.1) but is no priority; Big
    (100 detractors) is."""
    n = 200
    i = np.arange(n)
    seg = np.where(i < 100, "Big", np.where(i < 120, "Small", "Rest"))
    d = pd.DataFrame({"quarter": QUARTER, "segment": seg, "ltr": np.where(i < 120, 3, 10)})
    b = brief.build_brief(d, quarter=QUARTER, dims=["segment"], n_boot=100, min_n=30)
    fixes = b.priorities["fix"].tolist()
    assert "Segment: Big" in fixes and "Segment: Small" not in fixes
    assert any("segment Small (20)" in note for note in b.notes)
    # with min_n 20 it is tested, and it is a priority
    b20 = brief.build_brief(d, quarter=QUARTER, dims=["segment"], n_boot=100, min_n=20)
    assert "Segment: Small" in b20.priorities["fix"].tolist()
    imp = pd.DataFrame(
        {
            "theme": ["x", "y"],
            "mentions": [40, 40],
            "n": [29, 30],
            "nps_with": [0.0, 0.0],
            "impact": [-2.0, -2.0],
            "ci_low": [-3.0, -3.0],
            "ci_high": [-1.0, -1.0],
        }
    )
    assert brief.group_candidates({"g": imp}, min_n=30)["key"].tolist() == ["y"]
    assert brief.group_candidates({"g": imp})["key"].tolist() == ["x", "y"]


def test_one_period_brief_claims_no_comparison():
    """All responses in one quarter: no change, no what moved, ``previous`` None (for the
    caption), and the first finding says there is only one period."""
    d = _segment_data()
    b = brief.build_brief(d, quarter=QUARTER, dims=["segment"], n_boot=0)
    assert b.previous is None
    assert [f.topic for f in b.findings][:1] == ["How we are doing"]
    assert "What moved" not in [f.topic for f in b.findings]
    first = b.findings[0].text
    assert first.endswith(
        "All responses are in 2026Q3: there is only one period, so no change is shown."
    )
    assert " on 2026Q2" not in first and "vs" not in first
    assert summary.period_phrase(QUARTER, previous=b.previous) == ", 2026Q3"
    # a previous quarter with responses: compared as before
    both = pd.concat([d.assign(quarter="2026Q2"), d])
    b2 = brief.build_brief(both, quarter=QUARTER, dims=["segment"], n_boot=0)
    assert b2.previous == "2026Q2" and "no change is shown" not in b2.findings[0].text
    assert "unchanged on 2026Q2" in b2.findings[0].text  # the same answers both quarters
    # an earlier quarter but not the one before
    gap = pd.concat([d.assign(quarter="2026Q1"), d])
    b3 = brief.build_brief(gap, quarter=QUARTER, dims=["segment"], n_boot=0)
    assert b3.previous is None
    assert b3.findings[0].text.endswith(
        "The data has no responses in 2026Q2, the period before, so no change is shown."
    )


def test_an_empty_priority_list_says_what_was_looked_for():
    d = pd.DataFrame({"quarter": QUARTER, "segment": ["A", "B"] * 50, "ltr": [9, 9, 3, 3] * 25})
    b = brief.build_brief(d, quarter=QUARTER, dims=["segment"], n_boot=100)
    assert not len(b.priorities)
    last = b.findings[-1]
    assert last.topic == "What to fix first"
    assert last.text == (
        "No priority stands out: no group of 30 or more responses lowers the NPS beyond "
        "sampling noise."
    )


def test_driver_sentence_within_groups_reads_true():
    ip = pd.DataFrame(
        {
            "driver": ["support", "price"],
            "weight": [70.0, 30.0],
            "performance": [6.0, 8.0],
            "quadrant": ["fix first", "lower priority"],
        }
    )
    none_fix = pd.DataFrame(
        {
            "segment": ["A", "A", "B", "B"],
            "driver": ["support", "price"] * 2,
            "weight": [70.0, 30.0, np.nan, np.nan],
            "performance": [8.0, 6.0, 5.0, 5.0],
            "quadrant": ["maintain strength", "monitor", "n<30: 12 complete responses", "n<30"],
        }
    )
    text = brief.driver_sentence(ip, by_group=none_fix, by="segment")
    # fix first overall, so no "either"; B (no weights) was too small to analyse
    assert text.endswith(
        "Split by segment, no driver falls in the “fix first” quadrant in the one group with "
        "enough responses to analyse."
    )
    small = none_fix.assign(weight=np.nan)
    assert brief.driver_sentence(ip, by_group=small, by="segment").endswith(
        "No group of segment has enough complete responses for a driver analysis."
    )
    overall_none = ip.assign(quadrant=["maintain strength", "monitor"], performance=[8.0, 6.0])
    assert brief.driver_sentence(overall_none, by_group=none_fix, by="segment").endswith(
        "analyse either."
    )


# --------------------------------------------------------------------------- real exports


def test_a_declared_scale_wins_and_otherwise_every_period_is_read():
    """LimeSurvey: 4 of 19 items of one 1–9 grid read "0–10" because the report re-fitted each
    column on the period's answers (1–8 or 2–9). ``known`` (the params file's ``scales:``)
    wins; without it the scale is read from every response, not one quarter's."""
    d = pd.DataFrame({"worry": [2, 8, 5], "ease": [2, 4, 3]})
    assert brief.rating_scales(d, ["worry", "ease"]) == {"worry": (0.0, 10.0), "ease": (1.0, 4.0)}
    assert brief.rating_scales(d, ["worry", "ease"], known={"worry": [1, 9]}) == {
        "worry": (1.0, 9.0),
        "ease": (1.0, 4.0),
    }
    # comparable_ratings takes the scales as given: worry 5 on 1–9 is (5 − 1)/8 = 50%,
    # ease 3 on 1–5 is (3 − 1)/4 = 50%
    rated, scales = brief.comparable_ratings(
        d, ["worry", "ease"], scales={"worry": (1, 9), "ease": (1, 5)}
    )
    assert scales == {"worry": (1.0, 9.0), "ease": (1.0, 5.0)}
    assert rated["worry"].tolist() == [12.5, 87.5, 50.0] and rated["ease"].tolist() == [
        25.0,
        75.0,
        50.0,
    ]


def test_build_brief_reads_scales_from_every_quarter_or_the_declared_ones():
    """A 1–5 question ``a`` and a 0–10 one ``c``; in 2026Q3 nobody answered ``a`` 1 or 5 (its
    answers 2–4 read as a 1–4 scale there), in 2026Q2 they did. Mean of ``a`` in 2026Q3 is 3.0:
    on 1–5 that is (3 − 1)/4 = 50% of the range, on 1–4 it would be (3 − 1)/3 = 67%."""
    n = 120
    cur = pd.DataFrame({"quarter": QUARTER, "a": [2, 3, 4] * (n // 3)})
    prev = pd.DataFrame({"quarter": "2026Q2", "a": [1, 5] * (n // 2)})
    d = pd.concat([prev, cur], ignore_index=True)
    row = np.arange(len(d))
    d["b"] = row % 5 + 1  # 1–5 in both quarters
    d["c"] = row % 11  # 0–10
    # the score follows a (the most important driver, so the sentence names it)
    d["ltr"] = np.clip(2 * d["a"] - 1 + row % 2, 0, 10).astype(float)
    drivers = {"a": "Ease", "b": "Speed", "c": "Value"}
    out = brief.build_brief(d, quarter=QUARTER, drivers=drivers, n_boot=0)
    why = next(f.text for f in out.findings if f.topic == "Why (ratings)")
    assert "3.00 on 1–5, 50% of the range" in why and "on 1–4" not in why
    # a declared scale wins over the answers: a and b declared 1–7, (3 − 1)/6 = 33%
    declared = brief.build_brief(
        d, quarter=QUARTER, drivers=drivers, scales={"a": [1, 7], "b": [1, 7]}, n_boot=0
    )
    why = next(f.text for f in declared.findings if f.topic == "Why (ratings)")
    assert "3.00 on 1–7, 33% of the range" in why


def _real_brief(shared_data, tmp_path, rel: str, **kw) -> tuple[brief.Brief, object]:
    """The brief of a real export as a run makes it: init's params, the prepared dataset saved
    and loaded again as the notebooks load it (answers as pandas ``string`` columns)."""
    from cxm_lab.cli import main
    from cxm_lab.ingest import prepare_dataset
    from cxm_lab.io import load_dataset
    from cxm_lab.params import load_params

    path = shared_data / "exports" / rel
    out = tmp_path / "p.yaml"
    assert main(["init", str(path), "-o", str(out), "--name", "x"]) == 0
    saved = prepare_dataset(load_params(out), base=out.parent).save(tmp_path / "prepared")
    ds = load_dataset(saved, mask_pii=True)
    b = brief.build_brief(
        ds["responses"],
        quarter=ds.report_quarter,
        drivers=ds.drivers,
        dims=ds.dimensions,
        **kw,
    )
    return b, ds


@pytest.mark.shared_data
def test_spanish_r_survey_brief_is_built(shared_data, tmp_path):
    """Learning R (Spanish) .tsv: blank answers in its dimensions used to crash the brief; all
    295 responses are in 2018Q4, so there is nothing to compare with."""
    b, ds = _real_brief(
        shared_data,
        tmp_path,
        "google_forms/Learning R Internet Survey (Spanish Version) - Form Responses 1.tsv",
        n_boot=100,
    )
    r = ds["responses"]
    assert sum(r[d].isna().sum() for d in ds.dimensions) > 0  # the blank answers are there
    assert set(r["quarter"]) == {"2018Q4"} and len(r) == 295
    assert b.previous is None
    assert "All responses are in 2018Q4: there is only one period" in b.findings[0].text
    assert "What moved" not in [f.topic for f in b.findings]
    groups = b.candidates[~b.candidates["kind"].isin(["driver", "theme"])]
    assert len(groups) and groups["key"].notna().all()
    # "Ya no uso R" (13 scored responses) drags NPS but is below min_n 30: not a priority
    assert not any(str(f).endswith(": Ya no uso R") for f in b.priorities["fix"])


@pytest.mark.shared_data
def test_english_r_survey_ratings_and_small_groups(shared_data, tmp_path):
    """2019 R survey, 2020Q1: three 1–5 questions and "To recommend Python" (0–10) were
    averaged raw ("below the 4.57 average"); Beginner (23 scored responses, min_n 30) was
    priority #1. The 1–5 means by hand: "how difficult" 2.92 is reverse-scored (``cxm-lab init``
    proposes it: 5 = most difficult) → 6 − 2.92 = 3.08 → (3.08 − 1)/4 = 52%, 4.65 → 91%,
    3.37 → 59%; the average adds the recommend question on the scale read from its answers."""
    b, ds = _real_brief(
        shared_data,
        tmp_path,
        "google_forms/2019 English R Community Survey Responses.csv",
        n_boot=100,
    )
    why = next(f.text for f in b.findings if f.topic == "Why (ratings)")
    assert "4.57" not in why and "different scales" in why
    assert "(3.08 on 1–5, 52% of the range)" in why and "(3.37 on 1–5, 59% of the range)" in why
    cur = ds["responses"].query("quarter == '2020Q1'")
    scales = brief.rating_scales(ds["responses"], list(ds.drivers), known=ds.scales)
    # the recommend question's answers run 1–10: the usual 0–10 scale on which nobody chose 0
    assert set(scales.values()) == {(1.0, 5.0), (0.0, 10.0)}
    pct = [100 * (cur[c].mean() - lo) / (hi - lo) for c, (lo, hi) in scales.items()]
    assert f"rated below the drivers' average ({np.mean(pct):.0f}% of the range)" in why
    assert not any("Beginner" in str(f) for f in b.priorities["fix"])
    assert any("Level of experience using R Beginner (23)" in note for note in b.notes)


def test_no_driver_is_named_from_fewer_than_min_n_complete_responses():
    """Five responses of a quarter named a "fix first" driver (interval 0.8–97.6 % of the
    explained variance); a group needed min_n, the whole quarter did not. Now the whole
    needs it too: 29 complete responses name none, 30 do."""
    rng = np.random.default_rng(11)
    n = 40
    d = pd.DataFrame({"quarter": QUARTER, "a": rng.integers(1, 6, n), "b": rng.integers(1, 6, n)})
    d["ltr"] = np.clip(2 * d["a"] + rng.integers(-1, 2, n), 0, 10)
    d.loc[29:, "b"] = np.nan  # 29 complete responses (rows 0..28)
    labels = {"a": "Ease", "b": "Speed"}
    few = brief.build_brief(d, quarter=QUARTER, drivers=labels, n_boot=20)
    assert "Why (ratings)" not in [f.topic for f in few.findings]
    assert (
        "drivers: needs at least 30 responses that answer ltr and every driver (2026Q3 has 29)"
        in few.notes
    )
    d.loc[29, "b"] = 3  # the 30th
    enough = brief.build_brief(d, quarter=QUARTER, drivers=labels, n_boot=20)
    assert "Why (ratings)" in [f.topic for f in enough.findings]
    assert not [x for x in enough.notes if x.startswith("drivers:")]
