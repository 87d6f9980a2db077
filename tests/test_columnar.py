"""The file route of the metrics (Parquet files, datasets, DuckDB relations) against the
in-memory route and against pandas / scipy computations on small data."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from scipy import stats as sps

from cxm_lab import columnar, metrics
from cxm_lab.errors import ColumnError, ParameterError, SchemaError

HOSTILE = 'seg "x"; DROP TABLE t; --'  # a column name that breaks naive SQL
VALUES = ["Robert'); DROP TABLE students;--", 'a"b', "", "日本 ✓", "x\ny"]


def responses(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Answers with missing values, weights, text / number groups and hostile names."""
    rng = np.random.default_rng(seed)
    ltr = rng.integers(0, 11, n).astype(float)
    ltr[rng.random(n) < 0.08] = np.nan
    csat = rng.integers(1, 6, n).astype(float)
    csat[rng.random(n) < 0.15] = np.nan
    seg = rng.choice(np.array(VALUES, dtype=object), n)
    seg[rng.random(n) < 0.05] = None
    w = rng.uniform(0.2, 3.0, n)
    w[np.isnan(ltr) & np.isnan(csat)] = np.nan  # unanswered rows may lack a weight
    return pd.DataFrame(
        {
            "ltr": ltr,
            "ltr_int": rng.integers(0, 11, n),
            "csat": csat,
            "ces": rng.integers(1, 8, n).astype(np.int8),
            "region": rng.choice(["north", "south", "east"], n),
            HOSTILE: seg,
            "tier": rng.choice([1.0, 2.0, np.nan], n),
            "w": w,
            "w_all": rng.uniform(0.5, 2.0, n),
        }
    )


@pytest.fixture(scope="module")
def frame_and_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("columnar") / "responses.parquet"
    responses().to_parquet(path, row_group_size=700)  # several row groups
    return pd.read_parquet(path), path


CASES = [
    ("nps", {"score": "ltr"}),
    ("nps", {"score": "ltr_int", "method": "adjusted_wald"}),
    ("enps", {"score": "ltr_int"}),
    ("csat", {}),
    ("ces", {}),
    ("ces", {"scale": (1, 7), "top_box": 6}),
]
BYS = [None, "region", HOSTILE, [HOSTILE, "region"], ["tier", "region", HOSTILE]]


@pytest.mark.parametrize(("func", "kwargs"), CASES)
@pytest.mark.parametrize("by", BYS)
@pytest.mark.parametrize("weight", [None, "w"])
def test_file_route_equals_in_memory_route(frame_and_file, func, kwargs, by, weight):
    df, path = frame_and_file
    if weight and kwargs.get("score") in ("ltr_int", None) and func != "csat":
        weight = "w_all"  # every row answered: every row needs a weight
    fn = getattr(metrics, func)
    mem = fn(df, by=by, weight=weight, **kwargs)
    on_file = fn(path, by=by, weight=weight, **kwargs)
    # Unweighted tables are counts and sums of whole numbers in the same order: identical.
    # Weighted sums may add in another order (DuckDB's threads): equal to 1e-12.
    assert_frame_equal(on_file, mem, check_exact=weight is None, rtol=1e-12, atol=1e-12)
    assert len(mem) > (1 if by else 0)


def test_str_path_glob_list_and_relation_give_the_same_table(frame_and_file, tmp_path):
    df, path = frame_and_file
    mem = metrics.nps(df, by="region", weight="w")
    half = len(df) // 2
    df.iloc[:half].to_parquet(tmp_path / "part-0.parquet")
    df.iloc[half:].to_parquet(tmp_path / "part-1.parquet")
    routes = [
        str(path),
        [tmp_path / "part-0.parquet", tmp_path / "part-1.parquet"],
        str(tmp_path / "part-*.parquet"),
        tmp_path,  # a dataset folder
        duckdb.sql(f"SELECT * FROM read_parquet('{path}')"),
    ]
    for route in routes:
        got = metrics.nps(route, by="region", weight="w")
        assert_frame_equal(got, mem, check_exact=False, rtol=1e-12, atol=1e-12)


def test_relation_from_a_connection_and_filtered(frame_and_file):
    df, _ = frame_and_file
    con = duckdb.connect()
    con.register("responses", df)
    rel = con.sql("SELECT * FROM responses WHERE region <> 'east'")
    mem = metrics.csat(df[df["region"] != "east"], by=HOSTILE, weight="w")
    got = metrics.csat(rel, by=HOSTILE, weight="w")
    assert_frame_equal(got, mem.reset_index(drop=True), check_exact=False, rtol=1e-12)


def test_hive_partitioned_dataset_matches_in_memory(tmp_path):
    df = responses(1500, seed=3)[["ltr_int", "region", "csat"]]
    df.to_parquet(tmp_path / "ds", partition_cols=["region"])
    got = metrics.nps(tmp_path / "ds", score="ltr_int", by="region")
    mem = metrics.nps(df, score="ltr_int", by="region")
    assert_frame_equal(got, mem)
    got = metrics.csat(tmp_path / "ds")
    assert_frame_equal(got, metrics.csat(df))


def test_nps_of_a_file_by_hand_with_pandas(tmp_path):
    """Counts from pandas, the Wald interval written out (not via cxm_lab.stats)."""
    df = responses(800, seed=5)
    path = tmp_path / "r.parquet"
    df.to_parquet(path)
    got = metrics.nps(path, by="region").set_index("region")
    z = sps.norm.ppf(0.975)
    for region, part in df.dropna(subset=["ltr"]).groupby("region"):
        n = len(part)
        p = (part["ltr"] >= 9).sum() / n
        d = (part["ltr"] <= 6).sum() / n
        se = math.sqrt((p + d - (p - d) ** 2) / n)
        row = got.loc[region]
        assert row["n"] == n
        assert row["nps"] == pytest.approx(100 * (p - d), abs=1e-10)
        assert row["ci_low"] == pytest.approx(100 * (p - d - z * se), abs=1e-10)
        assert row["ci_high"] == pytest.approx(100 * (p - d + z * se), abs=1e-10)


def test_weighted_csat_of_a_file_by_hand(tmp_path):
    """Weighted share, weighted mean, Kish n and t interval written out with numpy / scipy."""
    df = responses(600, seed=7)
    path = tmp_path / "r.parquet"
    df.to_parquet(path)
    got = metrics.csat(path, weight="w").iloc[0]
    a = df.dropna(subset=["csat"])
    x, w = a["csat"].to_numpy(), a["w"].to_numpy()
    mean = np.sum(w * x) / np.sum(w)
    n_eff = w.sum() ** 2 / np.sum(w**2)
    sd = math.sqrt(np.sum(w * (x - mean) ** 2) / w.sum() * n_eff / (n_eff - 1))
    half = sps.t.ppf(0.975, n_eff - 1) * sd / math.sqrt(n_eff)
    assert got["n"] == len(a)
    assert got["csat"] == pytest.approx(100 * np.sum(w * (x >= 4)) / w.sum(), rel=1e-12)
    assert got["n_eff"] == pytest.approx(n_eff, rel=1e-12)
    assert got["csat_mean"] == pytest.approx(mean, rel=1e-12)
    assert got["mean_ci_low"] == pytest.approx(mean - half, rel=1e-10)
    assert got["mean_ci_high"] == pytest.approx(mean + half, rel=1e-10)


def test_answers_that_are_not_whole_numbers(tmp_path):
    """Averaged items (halves) on 1–5: the same on file and in memory, and as pandas says."""
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"csat": rng.integers(2, 11, 500) / 2, "g": rng.choice(["a", "b"], 500)})
    df.loc[::17, "csat"] = np.nan
    path = tmp_path / "r.parquet"
    df.to_parquet(path)
    mem = metrics.csat(df, by="g")
    assert_frame_equal(metrics.csat(path, by="g"), mem)
    want = df.groupby("g")["csat"].agg(["count", "mean", "sem"])
    assert mem["n"].tolist() == want["count"].tolist()
    assert np.allclose(mem["csat_mean"], want["mean"], rtol=1e-12)
    assert np.allclose(mem["mean_se"], want["sem"], rtol=1e-12)


def test_groups_without_answers_and_empty_files(tmp_path):
    df = pd.DataFrame({"ltr": [9.0, np.nan, np.nan], "g": ["a", "b", "b"]})
    df.to_parquet(tmp_path / "r.parquet")
    got = metrics.nps(tmp_path / "r.parquet", by="g")
    assert got["n"].tolist() == [1, 0]  # group b is listed with n = 0, as in memory
    assert_frame_equal(got, metrics.nps(df, by="g"))
    empty = df.iloc[:0]
    empty.to_parquet(tmp_path / "empty.parquet")
    for by in (None, "g"):
        assert_frame_equal(
            metrics.nps(tmp_path / "empty.parquet", by=by), metrics.nps(empty, by=by)
        )


def test_histogram_has_one_row_per_group_and_answer(frame_and_file):
    """The file route brings (groups x answers) rows into pandas, not the responses."""
    df, path = frame_and_file
    h = columnar.score_histogram(path, score="ltr", by=["region"], whole=True)
    assert len(h.n) <= 3 * 12 < len(df)
    assert h.n.sum() == len(df)
    counts = df.groupby(["region", "ltr"], dropna=False).size()
    got = pd.Series(h.n, index=pd.MultiIndex.from_arrays([h.keys["region"], h.value]))
    assert got.sort_index().tolist() == counts.sort_index().tolist()


@pytest.mark.parametrize(
    ("frame", "func", "kwargs", "message"),
    [
        (
            pd.DataFrame({"ltr": [9, 10, 11, 3, 12]}),
            "nps",
            {},
            r"nps: score column 'ltr' of '.*r\.parquet' has 2 value\(s\) outside 0\.\.10, "
            r"first at row 3 of '.*r\.parquet' \(value 11\)",
        ),
        (
            pd.DataFrame({"ltr": [9.0, 8.5, np.nan, 7.25]}),
            "nps",
            {},
            r"has 2 value\(s\) that are not whole numbers, first at row 2 of .* \(value 8\.5\)",
        ),
        (
            pd.DataFrame({"csat": [5.0, 0.0]}),
            "csat",
            {},
            r"csat: score column 'csat' .* outside 1\.\.5, first at row 2 .* \(value 0\)",
        ),
        (
            pd.DataFrame({"ltr": ["9", "ten"]}),
            "nps",
            {},
            r"score column 'ltr' of .* must hold numbers, but its type is VARCHAR, e\.g\. '9'",
        ),
        (
            pd.DataFrame({"ltr": [True, False]}),
            "nps",
            {},
            r"looks like yes/no \(type BOOLEAN\)",
        ),
        (
            pd.DataFrame({"ltr": [9, 3, 5, np.nan], "w": [1.0, -2.0, np.nan, np.nan]}),
            "nps",
            {"weight": "w"},
            r"weight column 'w' of .* 2 bad value\(s\) \(1 missing, 1 negative\), "
            r"first at row 2 of .* \(value -2\)",
        ),
    ],
)
def test_bad_values_name_the_file_and_the_row(tmp_path, frame, func, kwargs, message):
    path = tmp_path / "r.parquet"
    frame.to_parquet(path)
    with pytest.raises(ParameterError, match=message):
        getattr(metrics, func)(path, **kwargs)


def test_bad_row_in_a_dataset_names_its_file(tmp_path):
    pd.DataFrame({"ltr": [9, 8]}).to_parquet(tmp_path / "a.parquet")
    pd.DataFrame({"ltr": [9, 8, 7, -1]}).to_parquet(tmp_path / "b.parquet")
    with pytest.raises(ParameterError, match=r"first at row 4 of '.*b\.parquet' \(value -1\)"):
        metrics.nps(tmp_path)


def test_bad_value_in_a_relation_is_shown(frame_and_file):
    rel = duckdb.sql("SELECT 11 AS ltr UNION ALL SELECT 3")
    with pytest.raises(ParameterError, match=r"of the DuckDB relation .* e\.g\. value 11"):
        metrics.nps(rel)


def test_missing_columns_files_and_unreadable_files(frame_and_file, tmp_path):
    _, path = frame_and_file
    with pytest.raises(ColumnError, match=r"nps: by column 'segment' not in '.*responses"):
        metrics.nps(path, by="segment")
    with pytest.raises(ColumnError, match=r"csat: score column 'sat' not in"):
        metrics.csat(path, score="sat")
    with pytest.raises(ColumnError, match=r"weight column 'weight' not in"):
        metrics.nps(path, weight="weight")
    with pytest.raises(SchemaError, match=r"nps: file '.*nope\.parquet' does not exist"):
        metrics.nps(tmp_path / "nope.parquet")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SchemaError, match=r"holds no \.parquet file"):
        metrics.nps(tmp_path / "empty")
    (tmp_path / "bad.parquet").write_text("ltr\n9\n")
    with pytest.raises(SchemaError, match=r"cannot be read as Parquet"):
        metrics.nps(tmp_path / "bad.parquet")
    with pytest.raises(ParameterError, match=r"ci must be"):
        metrics.nps(path, ci=1.5)


def test_functions_without_a_file_route_still_ask_for_a_frame(frame_and_file):
    _, path = frame_and_file
    with pytest.raises(ParameterError, match=r"nps_change: df must be a pandas DataFrame"):
        metrics.nps_change(path)


def test_is_source():
    assert columnar.is_source(duckdb.sql("SELECT 1 AS x"))
    assert columnar.is_source(["a.parquet", "b.parquet"])
    assert not columnar.is_source([])
    assert not columnar.is_source(pd.DataFrame({"ltr": [9]}))


def _pandas_nps(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Counts and NPS per group with pandas groupby (an independent tally)."""
    a = df.dropna(subset=["ltr"])
    g = a.groupby(by, dropna=False)["ltr"]
    out = pd.DataFrame(
        {
            "n": g.size(),
            "p": g.apply(lambda s: (s >= 9).sum()),
            "d": g.apply(lambda s: (s <= 6).sum()),
        }
    )
    out["nps"] = 100 * (out["p"] - out["d"]) / out["n"]
    return out.reset_index()


@pytest.mark.parametrize("dtype", ["int16", "float32", "Int64", "float64"])
def test_in_memory_tally_many_groups_and_score_dtypes(dtype):
    """Many sparse groups (the sorted path) and every score dtype against pandas groupby."""
    rng = np.random.default_rng(11)
    n = 4000
    df = pd.DataFrame(
        {
            "ltr": rng.integers(0, 11, n),
            "a": rng.integers(0, 1500, n),  # 1500 × 1500 possible keys: more than 4n + 1M
            "b": rng.choice([f"k{i}" for i in range(1500)], n),
        }
    )
    if dtype in ("float32", "float64", "Int64"):
        df["ltr"] = df["ltr"].astype(dtype)
        df.loc[::13, "ltr"] = pd.NA if dtype == "Int64" else np.nan
    else:
        df["ltr"] = df["ltr"].astype(dtype)
    got = metrics.nps(df, by=["a", "b"])
    assert len(got) == len(df[["a", "b"]].drop_duplicates())  # groups without answers: n = 0
    got = got[got["n"] > 0].reset_index(drop=True)
    want = _pandas_nps(df.astype({"ltr": float}), ["a", "b"])
    assert got["a"].tolist() == want["a"].tolist() and got["b"].tolist() == want["b"].tolist()
    assert got["n"].tolist() == want["n"].tolist()
    assert np.allclose(got["nps"], want["nps"], rtol=1e-12)


def test_in_memory_errors_unchanged_by_the_fast_paths():
    """Float answers that are on the scale but not whole, and +inf, still get the house error."""
    with pytest.raises(
        ParameterError, match=r"not whole numbers, first at row label 1 \(value 8\.5\)"
    ):
        metrics.nps(pd.DataFrame({"ltr": [9.0, 8.5, np.nan]}))
    with pytest.raises(
        ParameterError, match=r"outside 0\.\.10, first at row label 2 \(value inf\)"
    ):
        metrics.nps(pd.DataFrame({"ltr": [9.0, np.nan, np.inf]}))
    with pytest.raises(ParameterError, match=r"outside 1\.\.5, first at row label 0 \(value 0\)"):
        metrics.csat(pd.DataFrame({"csat": np.array([0, 5], dtype=np.int8)}))
