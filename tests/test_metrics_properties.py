"""Property tests: invariants that must hold for any data."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cxm_lab import metrics

scores = st.lists(st.integers(0, 10), min_size=1, max_size=300)
groups = st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=300)


@settings(max_examples=150, deadline=None)
@given(scores, st.integers(0, 10_000))
def test_nps_in_range_and_counts_reconcile(xs, seed):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame({"ltr": xs, "g": rng.choice(["a", "b", "c"], len(xs))})
    t = metrics.nps(d, by="g")
    assert ((t["nps"] >= -100) & (t["nps"] <= 100)).all()
    assert (t["promoters"] + t["passives"] + t["detractors"] == t["n"]).all()
    assert t["n"].sum() == len(xs)
    assert np.allclose(t["pct_promoters"] + t["pct_passives"] + t["pct_detractors"], 100)
    assert (t["ci_low"] <= t["nps"] + 1e-9).all() and (t["nps"] <= t["ci_high"] + 1e-9).all()
    assert (t["ci_low"] >= -100).all() and (t["ci_high"] <= 100).all()


@settings(max_examples=100, deadline=None)
@given(scores, st.lists(st.floats(0.1, 10), min_size=300, max_size=300))
def test_weighted_nps_in_range_and_kish_n_at_most_n(xs, ws):
    d = pd.DataFrame({"ltr": xs, "w": ws[: len(xs)]})
    row = metrics.nps(d, weight="w", method="adjusted_wald").iloc[0]
    assert -100 <= row.nps <= 100
    assert 1 - 1e-9 <= row.n_eff <= row.n + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=200))
def test_csat_share_within_its_interval(xs):
    row = metrics.csat(pd.DataFrame({"csat": xs})).iloc[0]
    assert 0 <= row.ci_low <= row.csat <= row.ci_high <= 100
    assert 1 <= row.csat_mean <= 5
