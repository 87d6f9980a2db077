"""Driver analysis against independent computations."""

from __future__ import annotations

import warnings
from itertools import combinations
from math import factorial

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from cxm_lab import drivers
from cxm_lab.errors import ParameterError


@pytest.fixture(autouse=True)
def _close_figures():
    """Each chart test closes what it drew (pyplot keeps figures open until closed)."""
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    n = 600
    z = rng.normal(size=n)
    x = pd.DataFrame({f"x{i}": 0.6 * z + rng.normal(size=n) for i in range(4)})
    x["y"] = 1.0 * x["x0"] + 0.5 * x["x1"] + 0.2 * x["x2"] + rng.normal(size=n)
    return x


def ols_r2(df, cols):
    if not cols:
        return 0.0
    return sm.OLS(df["y"], sm.add_constant(df[list(cols)])).fit().rsquared


def test_shapley_equals_brute_force_lmg_with_statsmodels(data):
    cols = ["x0", "x1", "x2", "x3"]
    p = len(cols)
    expected = {}
    for j in cols:
        others = [c for c in cols if c != j]
        v = 0.0
        for k in range(p):
            for s in combinations(others, k):
                v += (
                    factorial(k)
                    * factorial(p - k - 1)
                    / factorial(p)
                    * (ols_r2(data, [*s, j]) - ols_r2(data, s))
                )
        expected[j] = v
    got = drivers.shapley_r2(data, outcome="y", drivers=cols, n_boot=0).set_index("driver")
    for j in cols:
        assert got.loc[j, "raw_weight"] == pytest.approx(expected[j], abs=1e-10)
    assert got["raw_weight"].sum() == pytest.approx(ols_r2(data, cols))
    assert got["weight"].sum() == pytest.approx(100.0)  # shares of R² in %


def test_relative_weights_equal_johnson_svd_route(data):
    """Johnson (2000) from the data: Z = U Vᵀ of the standardized drivers, Λ from X on Z,
    β from y on Z; ε_j = Σ_k Λ_jk² β_k²."""
    cols = ["x0", "x1", "x2", "x3"]
    x = stats.zscore(data[cols].to_numpy())
    y = stats.zscore(data["y"].to_numpy())
    u, _, vt = np.linalg.svd(x, full_matrices=False)
    zmat = np.sqrt(len(x)) * (u @ vt)  # orthogonal and standardized like X
    lam = np.linalg.lstsq(zmat, x, rcond=None)[0]  # columns: X_j on Z
    beta = np.linalg.lstsq(zmat, y, rcond=None)[0]
    eps = (lam.T**2) @ (beta**2)
    got = (
        drivers.relative_weights(data, outcome="y", drivers=cols, n_boot=0)
        .set_index("driver")
        .loc[cols]
    )
    np.testing.assert_allclose(got["raw_weight"].to_numpy(), eps, atol=1e-10)
    assert got["raw_weight"].sum() == pytest.approx(ols_r2(data, cols))


def test_orthogonal_drivers_get_squared_correlations():
    rng = np.random.default_rng(1)
    raw = rng.normal(size=(200, 3))
    q, _ = np.linalg.qr(raw - raw.mean(axis=0))  # centred, exactly uncorrelated columns
    d = pd.DataFrame(q, columns=["a", "b", "c"])
    d["y"] = 3 * d["a"] + 1 * d["b"] + rng.normal(scale=0.05, size=200)
    r2 = d[["a", "b", "c"]].corrwith(d["y"]) ** 2
    for fn in (drivers.shapley_r2, drivers.relative_weights):
        got = fn(d, outcome="y", drivers=["a", "b", "c"], n_boot=0).set_index("driver")[
            "raw_weight"
        ]
        np.testing.assert_allclose(got[["a", "b", "c"]], r2[["a", "b", "c"]], atol=1e-10)


def test_bootstrap_interval_contains_estimate_and_missing_rows_are_counted(data):
    d = data.copy()
    d.loc[:9, "x1"] = np.nan
    res = drivers.shapley_r2(d, outcome="y", drivers=["x0", "x1", "x2", "x3"], n_boot=300, seed=3)
    assert (res["ci_low"] <= res["weight"]).all() and (res["weight"] <= res["ci_high"]).all()
    assert (res["n_used"] == len(d) - 10).all() and (res["n_dropped"] == 10).all()
    assert res.loc[0, "driver"] == "x0"


def test_correlations_match_scipy(data):
    res = drivers.driver_correlations(data, outcome="y", drivers=["x0", "x1"]).set_index("driver")
    r, p = stats.pearsonr(data["x0"], data["y"])
    assert res.loc["x0", "r"] == pytest.approx(r) and res.loc["x0", "p_value"] == pytest.approx(
        p, rel=1e-6
    )
    assert res.loc["x0", "ci_low"] < r < res.loc["x0", "ci_high"]


def test_importance_performance_quadrants(data):
    d = data.assign(seg=np.where(np.arange(len(data)) % 2, "A", "B"))
    res = drivers.importance_performance(
        d, outcome="y", drivers=["x0", "x1", "x2", "x3"], by="seg", n_boot=50
    )
    assert set(res["seg"]) == {"A", "B"} and set(res["quadrant"]) <= set(drivers.QUADRANTS.values())
    top = res[res["seg"] == "A"].iloc[0]
    assert top["driver"] == "x0" and top["quadrant"] in {"fix first", "maintain strength"}
    ax = drivers.plot_importance_performance(res[res["seg"] == "A"])
    assert ax.get_xlabel().startswith("Performance")


def test_bad_input():
    d = pd.DataFrame({"y": [1.0, 2, 3, 4, 5], "a": [1.0, 1, 1, 1, 1], "b": [2.0, 1, 4, 3, 5]})
    with pytest.raises(ParameterError, match="constant"):
        drivers.shapley_r2(d, outcome="y", drivers=["a", "b"], n_boot=0)
    with pytest.raises(ParameterError, match="not in the data"):
        drivers.relative_weights(d, outcome="y", drivers=["a", "zz"], n_boot=0)


def test_real_airline_seat_reviews(shared_data):
    """Skytrax seat reviews: overall rating (1-10) against the seat sub-ratings."""
    seat = pd.read_csv(shared_data / "en_skytrax_lounge_seat_reviews" / "seat.csv")
    cols = ["seat_legroom_rating", "seat_recline_rating", "seat_width_rating", "aisle_space_rating"]
    res = drivers.shapley_r2(seat, outcome="overall_rating", drivers=cols, n_boot=200)
    rw = drivers.relative_weights(seat, outcome="overall_rating", drivers=cols, n_boot=0)
    assert res["n_used"].iloc[0] + res["n_dropped"].iloc[0] == len(seat)
    assert res["raw_weight"].sum() == pytest.approx(
        ols_r2(
            seat[[*cols, "overall_rating"]].dropna().rename(columns={"overall_rating": "y"}), cols
        )
    )
    assert 0.3 < res["r2"].iloc[0] < 0.95
    assert (
        res.set_index("driver")["weight"]
        .rank()
        .equals(rw.set_index("driver")["weight"].rank().loc[res["driver"]])
    )


def test_mixed_scales_split_at_the_honest_average():
    """gforms_r2019: three 1-5 ratings and one 0-10 were averaged raw, so the dashed line and
    the quadrants sat at a mean of means on no scale (4.57). On ratings put on one basis
    (``brief.comparable_ratings``: 100 × (rating − lowest) / (highest − lowest)) the split is
    the average percentage, computed here by hand from the column means; importance does not
    change (a linear change of a rating explains the same variance)."""
    from cxm_lab import brief

    rng = np.random.default_rng(11)
    n = 400
    base = rng.normal(size=n)
    d = pd.DataFrame(
        {f"q{i}": np.clip(np.round(4 + 0.5 * base + rng.normal(0, 0.6, n)), 1, 5) for i in range(3)}
    )
    d["rec"] = np.clip(np.round(6 + 1.5 * base + rng.normal(0, 1.5, n)), 0, 10)
    d["ltr"] = np.clip(np.round(7 + 2 * base + rng.normal(0, 1, n)), 0, 10)
    cols = ["q0", "q1", "q2", "rec"]
    rated, scales = brief.comparable_ratings(d, cols)
    assert scales == {"q0": (1.0, 5.0), "q1": (1.0, 5.0), "q2": (1.0, 5.0), "rec": (0.0, 10.0)}
    by_hand = {c: 100 * (d[c].mean() - lo) / (hi - lo) for c, (lo, hi) in scales.items()}
    honest = np.mean(list(by_hand.values()))
    ip = drivers.importance_performance(rated, outcome="ltr", drivers=cols, n_boot=0)
    got = ip.set_index("driver")
    assert got["performance"].to_dict() == pytest.approx(by_hand)
    raw = drivers.importance_performance(d, outcome="ltr", drivers=cols, n_boot=0)
    np.testing.assert_allclose(got["weight"], raw.set_index("driver").loc[got.index, "weight"])
    # raw, the 0-10 mean (about 6) sits above the mean of means (about 4.5); as a share of its
    # range (about 60%) it is below the 1-5 ratings' (about 75%)
    assert raw.set_index("driver").loc["rec", "performance"] > raw["performance"].mean()
    assert by_hand["rec"] < honest
    for c in cols:
        high = got.loc[c, "weight"] >= 100 / len(cols)
        assert got.loc[c, "quadrant"] == drivers.QUADRANTS[(high, by_hand[c] >= honest)]
    label = f"Performance ({drivers.performance_label(scales)})"
    ax = drivers.plot_importance_performance(ip, xlabel=label)
    assert ax.get_xlabel() == "Performance (mean rating, % of its scale's range)"
    vertical = [ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert honest in [pytest.approx(x) for x in vertical]  # the dashed average line
    one = drivers.plot_importance_performance(
        raw, xlabel=f"Performance ({drivers.performance_label(None)})"
    )
    assert one.get_xlabel() == "Performance (mean rating)"


def test_scale_note_names_each_driver_scale():
    assert drivers.scale_note(None) == "" and drivers.scale_note({}) == ""
    note = drivers.scale_note({"a": (1.0, 5.0), "b": (0.0, 10.0)}, labels={"a": "Ease"})
    assert note.startswith("The drivers use different scales (Ease 1–5, b 0–10), so ")


def test_quadrant_chart_draws_driver_names_literally():
    import matplotlib

    # a driver named like mathtext and with a right-to-left override, from a hostile export
    t = pd.DataFrame(
        {
            "driver": ["$\\alpha$ speed\u202e", "price"],
            "weight": [60.0, 40.0],
            "performance": [3.0, 4.0],
        }  # fmt: skip
    )
    with matplotlib.rc_context({"text.parse_math": True}):
        ax = drivers.plot_importance_performance(t)
    names = [
        a.get_text() for a in ax.texts if a.get_text() not in {"fix first", "maintain strength"}
    ]
    assert names == ["\\$\\alpha\\$ speed", "price"]


def test_quadrant_chart_labels_of_close_drivers_do_not_overlap():
    # gforms R survey: "How much you enjoy using Python" and "To recommend Python to a
    # colleague" sat at nearly the same point and printed over each other
    t = pd.DataFrame(
        {
            "driver": [
                "How much you enjoy using Python",
                "To recommend Python to a colleague",
                "How much you enjoy using R",
            ],
            "weight": [20.0, 20.4, 59.6],
            "performance": [68.0, 68.3, 91.0],
        }
    )
    ax = drivers.plot_importance_performance(t)
    renderer = ax.figure.canvas.get_renderer()
    boxes = [a.get_window_extent(renderer) for a in ax.texts]  # names and quadrant names
    pairs = [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))]
    assert not [(i, j) for i, j in pairs if boxes[i].overlaps(boxes[j])]


def test_a_few_rows_give_an_interval_over_the_resamples_in_which_every_column_varies():
    """Five answers of the Spanish R survey's (its first rows): a resample that draws one
    value of a column has no correlation; relative_weights stopped on "Singular matrix" and
    shapley_r2 counted those resamples as correlations of 0. The interval is now over the
    resamples in which every column varies, checked against a bootstrap of ordinary least
    squares fits (statsmodels) on the same draws."""
    from cxm_lab.stats import bootstrap_indices

    d = pd.DataFrame({"ltr": [10, 10, 9, 10, 8], "a": [5, 4, 5, 5, 3], "b": [2, 4, 3, 2, 2]})
    x = d[["a", "b", "ltr"]].to_numpy(dtype=float)

    def r2(rows: np.ndarray, cols: list[int]) -> float:
        with warnings.catch_warnings():  # a and b collinear in a resample: R² still defined
            warnings.simplefilter("ignore", sm.tools.sm_exceptions.SingularMatrixWarning)
            return float(sm.OLS(rows[:, 2], sm.add_constant(rows[:, cols])).fit().rsquared)

    shares = []
    for idx in bootstrap_indices(len(x), 1000, rng=np.random.default_rng(0)):
        rows = x[idx]
        if (rows.std(axis=0) == 0).any():
            continue  # one value drawn: no correlation
        full = r2(rows, [0, 1])
        if full > 0:
            shares.append(100 * (r2(rows, [0]) + full - r2(rows, [1])) / 2 / full)
    assert 0 < len(shares) < 1000  # some resamples were left out, most kept
    want = np.quantile(shares, [0.025, 0.975])
    for fn in (drivers.shapley_r2, drivers.relative_weights):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no 0/0 on the way
            got = fn(d, outcome="ltr", drivers=["a", "b"], n_boot=1000, seed=0)
        a = got.set_index("driver").loc["a"]
        assert (a["ci_low"], a["ci_high"]) == pytest.approx(tuple(want), abs=1e-6), fn.__name__


def test_groups_all_too_small_still_give_the_columns_of_an_analysed_group():
    """Five responses split by a dimension: every group had fewer than min_n, and the table
    lacked ci_low and ci_high, so the report stopped (KeyError) showing it."""
    rng = np.random.default_rng(2)
    d = pd.DataFrame({"ltr": rng.integers(0, 11, 60), "a": rng.integers(1, 6, 60),
                      "b": rng.integers(1, 6, 60), "g": ["x", "y"] * 30})  # fmt: skip
    analysed = drivers.importance_performance(d, outcome="ltr", drivers=["a", "b"], by="g",
                                              n_boot=50, min_n=20)  # fmt: skip
    small = drivers.importance_performance(d.head(5), outcome="ltr", drivers=["a", "b"], by="g",
                                           n_boot=50, min_n=20)  # fmt: skip
    assert list(small.columns) == list(analysed.columns)
    assert small["weight"].isna().all() and small[["ci_low", "ci_high"]].isna().all().all()
    assert (
        small["quadrant"].tolist()
        == ["n<20: 3 complete responses"] * 2 + ["n<20: 2 complete responses"] * 2
    )
    assert small.groupby("g")["n_used"].first().to_dict() == {"x": 3, "y": 2}
