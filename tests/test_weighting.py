"""Tests of ``cxm_lab.weighting``: raking against an independent iterative proportional fitting
over a contingency table and a 2×2 solved by hand, the design effect by hand, non-response
weights by hand, every error message, and the demo's planted weights."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cxm_lab import demo, metrics, stats
from cxm_lab.errors import ColumnError, DataError, ParameterError
from cxm_lab.weighting import design_effect, nonresponse_weights, rake


@pytest.fixture(scope="module")
def d() -> demo.DemoData:
    return demo.load_demo()


def _ipf_table(counts: np.ndarray, targets: list[np.ndarray], passes: int = 2000) -> np.ndarray:
    """Textbook IPF on a contingency table: scale the table along each axis in turn so that its
    marginal totals match ``targets`` (shares), a fixed number of times."""
    m = counts.astype(float).copy()
    for _ in range(passes):
        for axis, t in enumerate(targets):
            for k in range(m.shape[axis]):
                idx = [slice(None)] * m.ndim
                idx[axis] = k
                m[tuple(idx)] *= t[k] * m.sum() / m[tuple(idx)].sum()
    return m


def _cells(n_per_cell: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = [key for key, n in n_per_cell.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["role", "segment"])


# --------------------------------------------------------------------------- rake: known values


def test_rake_2x2_by_hand() -> None:
    # 40 (a,x), 10 (a,y), 20 (b,x), 30 (b,y); population 50/50 on both. Raking keeps the
    # odds ratio 40·30 / (10·20) = 6, so the fitted table is [[t, 50 − t], [50 − t, t]] with
    # t / (50 − t) = √6: t = 50√6 / (1 + √6) = 35.5051...; weight = fitted / observed count.
    df = _cells({("a", "x"): 40, ("a", "y"): 10, ("b", "x"): 20, ("b", "y"): 30})
    w = rake(df, margins={"role": {"a": 0.5, "b": 0.5}, "segment": {"x": 0.5, "y": 0.5}}, tol=1e-12)
    t = 50 * np.sqrt(6) / (1 + np.sqrt(6))
    want = {("a", "x"): t / 40, ("a", "y"): (50 - t) / 10, ("b", "x"): (50 - t) / 20}
    want[("b", "y")] = t / 30
    got = w.groupby([df["role"], df["segment"]]).first()
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=1e-9)
    assert got[("a", "x")] == pytest.approx(0.887627, abs=1e-6)  # 35.5051 / 40
    assert w.mean() == pytest.approx(1.0) and w.name == "weight"
    assert w.index.equals(df.index)


def test_rake_matches_an_independent_ipf_on_three_margins() -> None:
    rng = np.random.default_rng(7)
    n = 3000
    df = pd.DataFrame(
        {
            "role": rng.choice(["exec", "tech", "user"], n, p=[0.1, 0.3, 0.6]),
            "segment": rng.choice(["ent", "mm", "smb"], n, p=[0.2, 0.3, 0.5]),
            "region": rng.choice(["eu", "us", "apac", "me"], n, p=[0.4, 0.3, 0.2, 0.1]),
        }
    )
    targets = {
        "role": {"exec": 0.2, "tech": 0.35, "user": 0.45},
        "segment": {"ent": 0.3, "mm": 0.3, "smb": 0.4},
        "region": {"eu": 0.3, "us": 0.3, "apac": 0.25, "me": 0.15},
    }
    w = rake(df, margins=targets, tol=1e-12, max_iter=500)
    cats = [list(targets[c]) for c in targets]
    counts = (
        df.groupby(list(targets)).size().reindex(pd.MultiIndex.from_product(cats), fill_value=0)
    )
    table = counts.to_numpy().reshape([len(c) for c in cats])
    fitted = _ipf_table(table, [np.array(list(targets[c].values())) for c in targets])
    fitted = fitted / fitted.sum() * n  # weights of mean 1 sum to n
    per_cell = pd.Series((fitted / np.where(table > 0, table, 1)).ravel(), index=counts.index)
    want = per_cell.reindex(pd.MultiIndex.from_frame(df[list(targets)])).to_numpy()
    np.testing.assert_allclose(w.to_numpy(), want, rtol=1e-8)
    for col, t in targets.items():  # and the margins are met
        got = w.groupby(df[col]).sum() / w.sum()
        np.testing.assert_allclose(got[list(t)], list(t.values()), atol=1e-10)


def test_one_margin_with_base_weights_is_post_stratification() -> None:
    # w_i = b_i · t_c / (B_c / B): base weights 1, 1, 2 (a) and 4 (b), B = 8, target 50/50:
    # a rows × 0.5 / (4/8) = × 1, b row × 0.5 / (4/8) = × 1; with target 75/25: a × 1.5, b × 0.5.
    df = pd.DataFrame({"role": ["a", "a", "a", "b"], "base": [1.0, 1.0, 2.0, 4.0]})
    w = rake(df, margins={"role": {"a": 0.75, "b": 0.25}}, weight="base")
    raw = np.array([1.5, 1.5, 3.0, 2.0])
    np.testing.assert_allclose(w, raw / raw.mean())


def test_margins_as_series_counts_or_percentages_give_the_same_weights() -> None:
    df = _cells({("a", "x"): 5, ("a", "y"): 3, ("b", "x"): 2, ("b", "y"): 6})
    shares = {"role": {"a": 0.4, "b": 0.6}, "segment": {"x": 0.7, "y": 0.3}}
    w = rake(df, margins=shares)
    counts = {"role": {"a": 400, "b": 600}, "segment": pd.Series({"x": 7, "y": 3})}
    pct = {"role": pd.Series([40.0, 60.0], index=["a", "b"]), "segment": {"y": 30, "x": 70}}
    np.testing.assert_allclose(rake(df, margins=counts), w, atol=1e-9)
    np.testing.assert_allclose(rake(df, margins=pct), w, atol=1e-9)


def test_a_listed_value_with_share_0_and_no_respondents_is_allowed() -> None:
    df = pd.DataFrame({"role": ["a", "a", "b"]})
    w = rake(df, margins={"role": {"a": 0.5, "b": 0.5, "c": 0.0}})
    np.testing.assert_allclose(w, [0.75, 0.75, 1.5])


def test_rows_of_base_weight_0_keep_weight_0() -> None:
    df = pd.DataFrame({"role": ["a", "a", "b", "b"], "base": [1.0, 0.0, 1.0, 1.0]})
    w = rake(df, margins={"role": {"a": 0.5, "b": 0.5}}, weight="base")
    assert w.iloc[1] == 0
    assert w[df["role"] == "a"].sum() == pytest.approx(w[df["role"] == "b"].sum())


def test_cap_trims_and_reakes_until_both_hold() -> None:
    rng = np.random.default_rng(3)
    n = 2000
    df = pd.DataFrame(
        {
            "role": rng.choice(["exec", "other"], n, p=[0.05, 0.95]),
            "segment": rng.choice(["ent", "smb"], n, p=[0.2, 0.8]),
        }
    )
    # Mean weights must be ~ 2 on execs (0.1 / 0.05) and ~ 2.5 on ent (0.5 / 0.2), so exec-ent
    # rows get the most (~ 4.2); a cap of 3.5 can hold (each category's mean stays below it).
    margins = {"role": {"exec": 0.1, "other": 0.9}, "segment": {"ent": 0.5, "smb": 0.5}}
    free = rake(df, margins=margins)
    assert free.max() > 4
    w = rake(df, margins=margins, cap=3.5)
    assert w.max() <= 3.5 * w.mean() * (1 + 1e-9)
    assert w.mean() == pytest.approx(1.0)
    for col, t in margins.items():
        got = w.groupby(df[col]).sum() / w.sum()
        np.testing.assert_allclose(got[list(t)], list(t.values()), atol=1e-6)
    assert design_effect(w) < design_effect(free)
    # A cap that is already met changes nothing.
    np.testing.assert_allclose(rake(df, margins=margins, cap=100), free)


def test_cap_that_cannot_hold_with_the_margins_fails_to_converge() -> None:
    # exec rows are 5 % but must carry 20 %: their weight is at least ~4x the mean.
    df = pd.DataFrame({"role": ["exec"] * 5 + ["other"] * 95})
    with pytest.raises(DataError, match=r"rake: margin 'role' value .* or a larger cap\."):
        rake(df, margins={"role": {"exec": 0.2, "other": 0.8}}, cap=2)


def test_cap_fails_when_too_few_rows_carry_weight() -> None:
    # One row of base weight 1 among four: its weight is 4 times the mean whatever the raking.
    df = pd.DataFrame({"role": ["a"] * 4, "base": [1.0, 0.0, 0.0, 0.0]})
    msg = (
        "rake: cap = 2 cannot hold: too few rows carry weight for no weight to exceed 2 times "
        "the mean; pass a larger cap, or cap=None."
    )
    with pytest.raises(DataError, match=re.escape(msg)):
        rake(df, margins={"role": {"a": 1.0}}, weight="base", cap=2)
    assert rake(df, margins={"role": {"a": 1.0}}, weight="base", cap=5).tolist() == [4, 0, 0, 0]


# --------------------------------------------------------------------------- rake: errors


def test_rake_does_not_converge_when_margins_contradict_the_data() -> None:
    # a only occurs with x and b only with y, so share(a) = share(x) whatever the weights:
    # targets 50 % and 70 % cannot both hold, and IPF oscillates.
    df = _cells({("a", "x"): 10, ("b", "y"): 10})
    msg = (
        r"rake: margin 'segment' value '[xy]' is still 50\.000000 % against a target of "
        r"[37]0\.000000 % after 100 passes \(gap 0\.2 > tol 1e-06\); check that the margins "
        r"can hold together"
    )
    with pytest.raises(DataError, match=msg):
        rake(df, margins={"segment": {"x": 0.7, "y": 0.3}, "role": {"a": 0.5, "b": 0.5}})


def test_rake_stops_at_max_iter() -> None:
    df = _cells({("a", "x"): 40, ("a", "y"): 10, ("b", "x"): 20, ("b", "y"): 30})
    margins = {"role": {"a": 0.5, "b": 0.5}, "segment": {"x": 0.5, "y": 0.5}}
    with pytest.raises(DataError, match=r"after 1 passes .* pass a larger max_iter or tol\.$"):
        rake(df, margins=margins, max_iter=1)
    rake(df, margins=margins, max_iter=100)


@pytest.mark.parametrize(
    ("margins", "kwargs", "error", "message"),
    [
        (
            {"seg": {"x": 1.0}},
            {},
            ColumnError,
            "rake: margin column 'seg' not in the data; use one of its columns",
        ),
        (
            {"role": {"a": 1.0}},
            {},
            DataError,
            "rake: margin column 'role' has value(s) ['b'] in 2 row(s) that margins['role'] "
            "does not list (it lists ['a']); add their population share to the margins, merge "
            "them into a listed category, or drop those rows.",
        ),
        (
            {"role": {"a": 0.4, "b": 0.4, "c": 0.2}},
            {},
            DataError,
            "rake: margins['role'] value 'c' has a population share of 20 % but no respondents, "
            "so it cannot be met; merge it with a neighbouring category (in the data and the "
            "margin) or drop it from the margin (the other shares are renormalised).",
        ),
        (
            {"role": {"a": 1.0, "b": 0.0}},
            {},
            DataError,
            "rake: margins['role'] value 'b' has a population share of 0 but 2 respondent(s); "
            "give it its population share, or drop those rows before raking.",
        ),
        (
            {"role": {"a": 0.5, "b": 0.3}},
            {},
            ParameterError,
            "rake: margins['role'] shares sum to 0.8, not to 1 (nor to 100, and they are not "
            "whole counts); pass margins['role'] as {value: share} with shares summing to 1",
        ),
        (
            {"role": {"a": 1.2, "b": -0.2}},
            {},
            ParameterError,
            "rake: margins['role'] must hold finite shares >= 0, got -0.2 for 'b'",
        ),
        (
            {"role": {"a": "half", "b": 0.5}},
            {},
            ParameterError,
            "rake: margins['role'] must hold numbers, got 'half'",
        ),
        ({"role": {}}, {}, ParameterError, "rake: margins['role'] is empty"),
        ({"role": [0.5, 0.5]}, {}, ParameterError, "must be a dict or Series, got list"),
        ({}, {}, ParameterError, "rake: margins must be a non-empty dict"),
        (
            {"role": {"a": 0.5, "b": 0.5}},
            {"max_iter": 0},
            ParameterError,
            "rake: max_iter must be a whole number >= 1, got 0",
        ),
        (
            {"role": {"a": 0.5, "b": 0.5}},
            {"tol": 0},
            ParameterError,
            "rake: tol must be a number between 0 and 1, got 0",
        ),
        (
            {"role": {"a": 0.5, "b": 0.5}},
            {"cap": 1},
            ParameterError,
            "rake: cap must be a number > 1 (a multiple of the mean weight), got 1",
        ),
        (
            {"role": {"a": 0.5, "b": 0.5}},
            {"weight": "nope"},
            ColumnError,
            "rake: weight column 'nope' not in the data",
        ),
        (
            {"role": {"a": 0.5, "b": 0.5}},
            {"weight": "bad"},
            ParameterError,
            "rake: weight column 'bad' must be a finite number >= 0 on every answered row: 2 bad "
            "value(s) (1 missing, 1 negative), first at row label 1 (value missing)",
        ),
        (
            {"role": {"a": 0.5, "b": 0.5}},
            {"weight": "zero"},
            ParameterError,
            "rake: weight column 'zero' is 0 on every row; pass base weights with at least one > 0",
        ),
    ],
)
def test_rake_errors(margins, kwargs, error, message) -> None:
    df = pd.DataFrame(
        {
            "role": ["a", "a", "b", "b"],
            "bad": [1.0, np.nan, -1.0, 1.0],
            "zero": [0.0, 0.0, 0.0, 0.0],
        }
    )
    with pytest.raises(error, match=re.escape(message)):
        rake(df, margins=margins, **kwargs)


def test_rake_error_for_missing_values_in_a_margin_column() -> None:
    df = pd.DataFrame({"role": ["a", None, "b", None]}, index=[10, 11, 12, 13])
    msg = (
        "rake: margin column 'role' has 2 missing value(s), first at row label 11; fill them "
        "with a category that has a population share (e.g. 'unknown'), or drop those rows"
    )
    with pytest.raises(DataError, match=re.escape(msg)):
        rake(df, margins={"role": {"a": 0.5, "b": 0.5}})


def test_rake_error_for_a_category_whose_respondents_all_have_base_weight_0() -> None:
    df = pd.DataFrame({"role": ["a", "b"], "base": [1.0, 0.0]})
    with pytest.raises(DataError, match="only respondents of base weight 0, so it cannot be met"):
        rake(df, margins={"role": {"a": 0.5, "b": 0.5}}, weight="base")


def test_rake_rejects_a_non_frame_and_an_empty_frame() -> None:
    with pytest.raises(ParameterError, match="rake: df must be a pandas DataFrame"):
        rake([1, 2], margins={"role": {"a": 1.0}})  # type: ignore[arg-type]
    with pytest.raises(DataError, match="rake: df has no rows"):
        rake(pd.DataFrame({"role": []}), margins={"role": {"a": 1.0}})


# --------------------------------------------------------------------------- design effect


def test_design_effect_by_hand() -> None:
    # n Σw² / (Σw)²: [1, 1, 2] -> 3·6/16; [1, 3] -> 2·10/16; zeros count in n: [0, 2] -> 2·4/4.
    assert design_effect([1.0, 1.0, 2.0]) == pytest.approx(1.125)
    assert design_effect(np.array([1.0, 3.0])) == pytest.approx(1.25)
    assert design_effect(pd.Series([0.0, 2.0])) == pytest.approx(2.0)
    assert design_effect([5.0] * 7) == pytest.approx(1.0)
    w = np.random.default_rng(1).gamma(2.0, size=500)
    assert design_effect(w) == pytest.approx(len(w) / stats.kish_n(w))
    assert design_effect(w) == pytest.approx(len(w) * (w**2).sum() / w.sum() ** 2)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([], "design_effect: weights is empty"),
        ([1.0, np.nan], "design_effect: weight column 'weights' must be a finite number >= 0"),
        ([1.0, -1.0], "(1 negative)"),
        ([1.0, np.inf], "(1 infinite)"),
        ([0.0, 0.0], "design_effect: weights are all 0"),
        (["a", 1.0], "must hold numbers"),
    ],
)
def test_design_effect_errors(weights, message) -> None:
    with pytest.raises(ParameterError, match=re.escape(message)):
        design_effect(weights)


# --------------------------------------------------------------------------- non-response


def test_nonresponse_weights_by_hand() -> None:
    # email: 3 of 30 invitations (rate 10 %), phone 2 of 4 (50 %), sms 1 of 6 (1/6): raw
    # weights 10, 2, 6; mean over the 6 responses (30 + 4 + 6) / 6 = 40/6.
    r = pd.DataFrame({"channel": ["email", "phone", "email", "sms", "phone", "email"]})
    inv = pd.DataFrame(
        {"channel": ["email", "phone", "sms", "email"], "invited": [20, 4, 6, 10]}  # email 30
    )
    w = nonresponse_weights(r, inv)
    raw = np.array([10, 2, 10, 6, 2, 10]) / (40 / 6)
    np.testing.assert_allclose(w, raw)
    assert w.index.equals(r.index) and w.name == "weight"
    # The weighted channel mix is the invited mix 30 : 4 : 6.
    mix = w.groupby(r["channel"]).sum() / w.sum()
    np.testing.assert_allclose(mix[["email", "phone", "sms"]], np.array([30, 4, 6]) / 40)
    # ... and 1 / the response rate of metrics.response_rates, up to the normalisation.
    rates = metrics.response_rates(r, inv).set_index("channel")["response_rate"]
    ratio = w / (100 / r["channel"].map(rates))
    np.testing.assert_allclose(ratio, ratio.iloc[0])


def test_nonresponse_weights_reproduce_the_invited_mix_of_the_demo(d) -> None:
    r, inv = d.responses, d.invitations
    w = nonresponse_weights(r, inv, by=["quarter", "channel"])
    assert w.mean() == pytest.approx(1.0)
    q = r["quarter"] == demo.REPORT_QUARTER
    got = w[q].groupby(r.loc[q, "channel"]).sum() / w[q].sum()
    cur = inv[inv["quarter"] == demo.REPORT_QUARTER]
    want = cur.groupby("channel")["invited"].sum() / cur["invited"].sum()
    np.testing.assert_allclose(got[want.index], want, atol=1e-12)
    raw = r.loc[q, "channel"].value_counts(normalize=True)
    assert abs(raw["phone"] - want["phone"]) > 0.01  # phone answers more: not a no-op
    assert got["phone"] < raw["phone"]


@pytest.mark.parametrize(
    ("responses", "invitations", "kwargs", "error", "message"),
    [
        (
            {"channel": ["email", "fax"]},
            {"channel": ["email"], "invited": [5]},
            {},
            DataError,
            "nonresponse_weights: cell(s) [{'channel': 'fax'}] have responses but no "
            "invitations; add their invitation counts to the invitations table",
        ),
        (
            {"channel": ["email", "fax"]},
            {"channel": ["email", "fax"], "invited": [5, 0]},
            {},
            DataError,
            "nonresponse_weights: cell(s) [{'channel': 'fax'}] have responses but no invitations",
        ),
        (
            {"channel": ["email", "email"]},
            {"channel": ["email"], "invited": [1]},
            {},
            DataError,
            "nonresponse_weights: cell(s) [{'channel': 'email'}] have more responses than "
            "invitations; check that the invitations table covers every response's cell",
        ),
        (
            {"channel": ["email", None]},
            {"channel": ["email"], "invited": [5]},
            {},
            DataError,
            "nonresponse_weights: responses by column(s) ['channel'] have missing values in 1 "
            "row(s), first at row label 1; fill the cell",
        ),
        (
            {"channel": ["email"]},
            {"channel": ["email"], "invited": [2.5]},
            {},
            ParameterError,
            "nonresponse_weights: invited column 'invited' must be a whole number >= 0 on every "
            "row: 1 bad value(s), first at row label 0 (value 2.5)",
        ),
        (
            {"channel": ["email"]},
            {"channel": ["email"], "n": [2]},
            {},
            ColumnError,
            "nonresponse_weights: invited column 'invited' not in the data",
        ),
        (
            {"channel": ["email"]},
            {"channel": ["email"], "invited": [2]},
            {"by": "quarter"},
            ColumnError,
            "nonresponse_weights: responses by column 'quarter' not in the data",
        ),
        (
            {"channel": ["email"]},
            {"channel": ["email"], "invited": [2]},
            {"by": []},
            ParameterError,
            "nonresponse_weights: by names no column",
        ),
        (
            {"channel": []},
            {"channel": ["email"], "invited": [2]},
            {},
            DataError,
            "nonresponse_weights: responses has no rows",
        ),
    ],
)
def test_nonresponse_weights_errors(responses, invitations, kwargs, error, message) -> None:
    with pytest.raises(error, match=re.escape(message)):
        nonresponse_weights(pd.DataFrame(responses), pd.DataFrame(invitations), **kwargs)


# --------------------------------------------------------------------------- demo and metrics


def test_demo_weights_recover_the_live_contact_base(d) -> None:
    # The planted truth: each quarter's respondents are raked to the live contact base on role
    # and segment. Raking the report quarter again from the base reproduces the demo's column.
    r, c, a = d.responses, d.contacts, d.accounts
    base = c.merge(a[["account_id", "segment", "contract_start", "churn_date"]], on="account_id")
    q = demo.REPORT_QUARTER
    start, end = pd.Period(q, "Q").start_time, pd.Period(q, "Q").end_time
    live = base[
        (base["contract_start"] <= end)
        & (base["churn_date"].isna() | (base["churn_date"] >= start))
    ]
    margins = {col: live[col].value_counts(normalize=True) for col in ("role", "segment")}
    cur = r[r["quarter"] == q]
    w = rake(cur, margins=margins)
    np.testing.assert_allclose(w, cur["weight"], atol=5e-5 + 1e-5)  # demo rounds to 4 places
    for col, t in margins.items():
        got = cur.groupby(col)["weight"].sum() / cur["weight"].sum()
        np.testing.assert_allclose(got[t.index], t, atol=2e-4)
    assert 1.05 < design_effect(cur["weight"]) < 2  # unequal, but not wildly so


@pytest.mark.parametrize("func", [metrics.csat, metrics.ces])
def test_weighted_csat_and_ces_report_kish_n_eff(d, func) -> None:
    r = d.responses[d.responses["quarter"] == demo.REPORT_QUARTER]
    score = "csat" if func is metrics.csat else "ces"
    out = func(r, weight="weight")
    answered = r[score].notna()
    assert out["n_eff"].iloc[0] == pytest.approx(stats.kish_n(r.loc[answered, "weight"]))
    assert "n_eff" not in func(r).columns
