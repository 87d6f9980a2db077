"""The measurement pyramid and the shift-share split, against scipy, hand calculations and the
demo's planted truths (:mod:`cxm_lab.demo_ops`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sp

from cxm_lab import demo, metrics, pyramid
from cxm_lab.errors import ColumnError, DataError, ParameterError


@pytest.fixture(scope="module")
def d() -> demo.DemoData:
    return demo.load_demo()


@pytest.fixture(scope="module")
def pyr(d) -> pyramid.Pyramid:
    return pyramid.build_pyramid(d.responses, d.operations, owners=d.touchpoint_owners)


def _link(p: pyramid.Pyramid, kpi: str) -> pd.Series:
    return p.links.loc[p.links["kpi"] == kpi].iloc[0]


def _tnps(responses: pd.DataFrame, touchpoint: str) -> pd.Series:
    """Transactional NPS of a touchpoint per quarter, by hand."""
    t = responses[
        (responses["survey_type"] != "relationship") & (responses["touchpoint"] == touchpoint)
    ]
    return t.groupby("quarter")["ltr"].apply(lambda s: 100 * ((s >= 9).mean() - (s <= 6).mean()))


def test_demo_strong_link_recovered_and_decoy_not(pyr):
    wait = _link(pyr, "wait time (minutes)")
    assert wait["n"] == 11 and wait["r"] < -0.9
    assert wait["ci_high"] < 0 and not wait["includes_zero"] and wait["as_expected"]
    decoy = _link(pyr, "days sales outstanding")
    assert decoy["ci_low"] < 0 < decoy["ci_high"] and decoy["includes_zero"]
    assert abs(decoy["r"]) < 0.05 and pd.isna(decoy["as_expected"])  # planted: r = 0
    for kpi in ("first-contact resolution %", "invoice error rate %", "days to go-live"):
        assert not _link(pyr, kpi)["includes_zero"], kpi
    assert wait["owner"] == "Head of Support" and wait["unit"] == "Support"
    assert decoy["owner"] == "Credit controller"


def test_link_matches_scipy_on_the_paired_series(d, pyr):
    ops = d.operations[d.operations["kpi"] == "invoice error rate %"].set_index("period")["value"]
    tnps = _tnps(d.responses, "billing").reindex(ops.index)
    ref = sp.pearsonr(ops.to_numpy(float), tnps.to_numpy(float))
    ref_ci = ref.confidence_interval(0.95)
    link = _link(pyr, "invoice error rate %")
    assert link["r"] == pytest.approx(ref.statistic)
    assert (link["ci_low"], link["ci_high"]) == pytest.approx((ref_ci.low, ref_ci.high))
    assert link["p_value"] == pytest.approx(ref.pvalue)
    top = d.responses[d.responses["survey_type"] == "relationship"]
    index = top.groupby("quarter")["ltr"].apply(lambda s: 100 * ((s >= 9).mean() - (s <= 6).mean()))
    sup = _tnps(d.responses, "support").reindex(index.index)
    tp_link = pyr.links.set_index("source").loc["tp:support"]
    assert tp_link["r"] == pytest.approx(sp.pearsonr(sup, index).statistic)
    assert tp_link["owner"] == "Support" and tp_link["target"] == "index"


def test_levels_and_nodes(d, pyr):
    assert pyr.top == "relationship surveys" and pyr.current == "2026Q3"
    assert set(pyr.touchpoints["touchpoint"]) == {
        "billing", "onboarding", "product", "renewal", "support",
    }  # fmt: skip
    assert list(pyr.links.columns) == pyramid.LINK_COLUMNS
    assert (pyr.nodes["level"].value_counts().sort_index() == [1, 5, 6]).all()
    cur = d.responses[(d.responses["quarter"] == "2026Q3")]
    top = metrics.nps(cur[cur["survey_type"] == "relationship"])["nps"].iloc[0]
    assert pyr.nodes.set_index("node").loc["index", "value"] == pytest.approx(top)
    onb = pyr.links.set_index("source").loc["tp:onboarding"]
    assert onb["small_n"]  # onboarding quarters with fewer than 30 responses


def test_unit_pairs_and_owned_touchpoints():
    """``by``: KPIs per region pair with that region's touchpoint NPS, quarter by quarter; a
    KPI without a touchpoint belongs to the touchpoints its unit owns."""
    rng = np.random.default_rng(0)
    rows = []
    for region in ("East", "West"):
        for q in range(6):
            quarter = f"2025Q{q % 4 + 1}" if q < 4 else f"2026Q{q - 3}"
            for tp in ("qbr", "support"):
                for ltr in rng.integers(0, 11, 40):
                    rows.append((region, quarter, tp, int(ltr)))
    r = pd.DataFrame(rows, columns=["region", "quarter", "touchpoint", "ltr"])
    r["survey_type"] = np.where(r["touchpoint"] == "qbr", "relationship", "transactional")
    tp = metrics.nps(r[r["touchpoint"] == "support"], by=["region", "quarter"])
    ops = tp.rename(columns={"region": "unit", "quarter": "period"})[["unit", "period"]].assign(
        kpi="wait", value=-0.1 * tp["nps"] + rng.normal(0, 0.5, len(tp)), touchpoint="support"
    )
    owners = pd.DataFrame({"touchpoint": ["support"], "owner_team": ["Support"]})
    p = pyramid.build_pyramid(r, ops, by="region", owners=owners, min_n=1)
    link = p.links.query("level == 'kpi'").iloc[0]
    assert link["n"] == 12 and link["touchpoint"] == "support"  # 2 regions x 6 quarters
    assert link["r"] == pytest.approx(sp.pearsonr(ops["value"], tp["nps"]).statistic)
    # No touchpoint column: "Support" owns "support".
    mine = ops.drop(columns="touchpoint").assign(unit="Support").drop_duplicates("period")
    p2 = pyramid.build_pyramid(r, mine, owners=owners, min_n=1)
    assert p2.links.query("level == 'kpi'")[["touchpoint", "n"]].values.tolist() == [["support", 6]]
    assert p2.kpis["touchpoint"].eq("support").all()


def test_without_operations_or_survey_type(d):
    r = d.responses.drop(columns="survey_type")
    p = pyramid.build_pyramid(r, min_n=1)
    assert p.top == "all responses" and set(p.links["level"]) == {"touchpoint"}
    assert p.kpis.empty and (p.nodes["level"] < 2).all()
    csat = pyramid.build_pyramid(d.responses, d.operations, metric="csat")
    assert csat.touchpoints["value"].between(0, 100).all()


def test_bad_input_raises(d):
    ops = d.operations
    with pytest.raises(DataError, match="one row per unit, period and KPI"):
        pyramid.build_pyramid(d.responses, pd.concat([ops, ops.head(1)]))
    with pytest.raises(ColumnError, match="value"):
        pyramid.build_pyramid(d.responses, ops.drop(columns="value"))
    with pytest.raises(ParameterError, match="metric"):
        pyramid.build_pyramid(d.responses, metric="ltr")
    with pytest.raises(ColumnError, match="touchpoint"):
        pyramid.build_pyramid(d.responses, touchpoint="stage")


# --------------------------------------------------------------------------- shift-share


def test_shift_share_two_segment_worked_example():
    """Hand calculation. Period a: X 6 responses (4 promoters, 2 passives: NPS 66.67), Y 4
    (1 promoter, 3 detractors: NPS -50); NPS_a = 0.6 * 66.67 + 0.4 * -50 = 20.
    Period b: X 2 (NPS 100), Y 8 (4 promoters, 4 detractors: NPS 0); NPS_b = 20.
    X: mix = (0.2 - 0.6) * 66.67 = -26.67, performance = 0.6 * 33.33 = 20,
    interaction = -0.4 * 33.33 = -13.33. Y: mix = 0.4 * -50 = -20, performance = 0.4 * 50
    = 20, interaction = 0.4 * 50 = 20."""
    a = [("X", 10)] * 4 + [("X", 8)] * 2 + [("Y", 9)] + [("Y", 2)] * 3
    b = [("X", 10)] * 2 + [("Y", 9)] * 4 + [("Y", 0)] * 4
    df = pd.DataFrame(
        [("a", s, v) for s, v in a] + [("b", s, v) for s, v in b],
        columns=["quarter", "segment", "ltr"],
    )
    s = pyramid.shift_share(df, a="a", b="b")
    t = s.table.set_index("segment")
    assert (s.nps_a, s.nps_b, s.change) == pytest.approx((20, 20, 0), abs=1e-9)
    assert t.loc["X", ["share_a", "share_b"]].tolist() == pytest.approx([60, 20])
    assert t.loc["X", ["mix", "performance", "interaction"]].tolist() == pytest.approx(
        [-80 / 3, 20, -40 / 3]
    )
    assert t.loc["Y", ["mix", "performance", "interaction"]].tolist() == pytest.approx(
        [-20, 20, 20]
    )
    assert s.mix == pytest.approx(-80 / 3 - 20) and s.performance == pytest.approx(40)
    assert s.main == "mix"


@pytest.mark.parametrize("weight", [None, "weight"])
def test_shift_share_sums_exactly_to_the_nps_change(d, weight):
    r = d.responses[d.responses["survey_type"] == "relationship"]
    s = pyramid.shift_share(r, a="2026Q2", b="2026Q3", by="segment", weight=weight)
    nps = metrics.nps(r, by="quarter", weight=weight).set_index("quarter")["nps"]
    assert s.nps_a == pytest.approx(nps["2026Q2"]) and s.nps_b == pytest.approx(nps["2026Q3"])
    assert s.mix + s.performance + s.interaction == pytest.approx(s.change, abs=1e-9)
    assert s.table["total"].sum() == pytest.approx(s.change, abs=1e-9)
    assert s.table["share_a"].sum() == pytest.approx(100) and s.table[
        "share_b"
    ].sum() == pytest.approx(100)


def test_shift_share_segment_in_one_period_only_is_all_mix():
    df = pd.DataFrame(
        {
            "quarter": ["a"] * 4 + ["b"] * 4,
            "segment": list("XXXX") + list("XXZZ"),
            "ltr": [10, 10, 0, 0, 10, 10, 10, 0],
        }  # fmt: skip
    )
    s = pyramid.shift_share(df, a="a", b="b")
    z = s.table.set_index("segment").loc["Z"]
    assert z["n_a"] == 0 and z["performance"] == 0 and z["interaction"] == 0
    assert z["mix"] == pytest.approx(0.5 * 0.0)  # NPS of Z in b: (1 - 1) / 2 = 0
    assert s.change == pytest.approx(50 - 0) and s.table["total"].sum() == pytest.approx(50)
    with pytest.raises(DataError, match="no answered"):
        pyramid.shift_share(df, a="a", b="c")


def _johnson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson's (2000) relative weights by hand: ε_j = Σ_k Λ*_jk² β_k², Σ ε = R²."""
    r = np.corrcoef(np.column_stack([x, y]), rowvar=False)
    rxx, rxy = r[:-1, :-1], r[:-1, -1]
    vals, vecs = np.linalg.eigh(rxx)
    lam = vecs @ np.diag(np.sqrt(vals)) @ vecs.T
    beta = np.linalg.solve(lam, rxy)
    return (lam**2) @ (beta**2)


def test_driver_weights_of_touchpoints_and_kpis(d, pyr):
    # Touchpoints -> index: each touchpoint's share of the index's explained variance, by hand.
    top = d.responses[d.responses["survey_type"] == "relationship"]
    index = top.groupby("quarter")["ltr"].apply(lambda s: 100 * ((s >= 9).mean() - (s <= 6).mean()))
    names = sorted(
        d.responses.loc[d.responses["survey_type"] != "relationship", "touchpoint"].unique()
    )
    x = np.column_stack([_tnps(d.responses, t).reindex(index.index) for t in names])
    y = index.to_numpy(float)
    raw = _johnson(x, y)
    design = np.column_stack([np.ones(len(y)), x])
    fit = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    r2 = 1 - ((y - fit) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert raw.sum() == pytest.approx(r2)
    links = pyr.links[pyr.links["level"] == "touchpoint"].set_index("touchpoint")
    assert links.loc[names, "weight"].to_numpy() == pytest.approx(100 * raw / raw.sum())
    assert links["weight_r2"].to_numpy() == pytest.approx(r2)
    assert (links["weight_ci_low"] <= links["weight_ci_high"]).all()
    # KPIs -> billing: the planted invoice errors carry the weight, the decoy almost none.
    err, decoy = _link(pyr, "invoice error rate %"), _link(pyr, "days sales outstanding")
    assert err["weight"] > 95 and decoy["weight"] < 5
    assert err["weight"] + decoy["weight"] == pytest.approx(100)
    # A touchpoint with a single KPI has no weight to share.
    assert np.isnan(_link(pyr, "days to go-live")["weight"])
    none = pyramid.build_pyramid(d.responses, d.operations, owners=d.touchpoint_owners, n_boot=0)
    assert none.links["weight_ci_low"].isna().all()
    assert none.links["weight"].to_numpy() == pytest.approx(
        pyr.links["weight"].to_numpy(), nan_ok=True
    )


def test_shift_share_intervals_match_the_normal_interval_of_the_change(d):
    r = d.responses[d.responses["survey_type"] == "relationship"]
    s = pyramid.shift_share(r, a="2026Q2", b="2026Q3", by="segment", n_boot=2000, seed=3)
    iv = s.intervals.set_index("effect")
    assert iv.loc["change", "value"] == pytest.approx(s.change)
    assert iv.loc[["mix", "performance", "interaction"], "value"].sum() == pytest.approx(s.change)
    # The change of NPS between two independent samples, by hand: var = (p+ + p- - nps²) / n.
    half = 0.0
    for q in ("2026Q2", "2026Q3"):
        x = r.loc[r["quarter"] == q, "ltr"].dropna().to_numpy(float)
        pp, pm = (x >= 9).mean(), (x <= 6).mean()
        half += (pp + pm - (pp - pm) ** 2) / len(x)
    half = 1.959964 * 100 * np.sqrt(half)
    width = iv.loc["change", "ci_high"] - iv.loc["change", "ci_low"]
    assert width / 2 == pytest.approx(half, rel=0.08)
    assert (iv["ci_low"] <= iv["value"]).all() and (iv["value"] <= iv["ci_high"]).all()
    off = pyramid.shift_share(r, a="2026Q2", b="2026Q3", by="segment", n_boot=0)
    assert off.intervals["ci_low"].isna().all() and off.n_boot == 0
    with pytest.raises(ParameterError, match="n_boot"):
        pyramid.shift_share(r, a="2026Q2", b="2026Q3", by="segment", n_boot=-1)
