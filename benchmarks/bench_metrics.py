"""Benchmark: grouped NPS with analytic CI, and bootstrap CI, against plain pandas.

Prints, for 1M and 10M synthetic responses, the throughput (responses/s) and peak memory (tracemalloc) of
``cxm_lab.metrics.nps`` grouped by 3 columns (categorical columns; and text columns at 1M), next to a straightforward pandas
``groupby().apply()`` implementation on the same data (and the ratio); then the bootstrap CI
time for 100k responses with 1,000 resamples against a resampling loop in pandas.

Run: ``.venv/bin/python benchmarks/bench_metrics.py`` (about a minute on 2 cores).
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pandas as pd

from cxm_lab import metrics


def synthetic(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "ltr": rng.integers(0, 11, n, dtype=np.int8),
            "quarter": pd.Categorical.from_codes(
                rng.integers(0, 8, n), [f"2025Q{i}" for i in range(1, 9)]
            ),
            "segment": pd.Categorical.from_codes(
                rng.integers(0, 3, n), ["Enterprise", "Mid-Market", "SMB"]
            ),
            "touchpoint": pd.Categorical.from_codes(
                rng.integers(0, 6, n), ["onb", "bill", "sup", "qbr", "ren", "prod"]
            ),
        }
    )


def naive_nps(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    def one(g: pd.DataFrame) -> pd.Series:
        n = len(g)
        p = (g["ltr"] >= 9).mean()
        d = (g["ltr"] <= 6).mean()
        se = np.sqrt((p + d - (p - d) ** 2) / n)
        return pd.Series(
            {
                "n": n,
                "nps": 100 * (p - d),
                "ci_low": 100 * (p - d - 1.96 * se),
                "ci_high": 100 * (p - d + 1.96 * se),
            }
        )

    return df.groupby(by, observed=True)[["ltr"]].apply(one).reset_index()


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_mib(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    by = ["quarter", "segment", "touchpoint"]
    print("Grouped NPS with analytic 95% CI, 3 grouping columns (144 groups)")
    print(
        f"{'responses':>11} {'group dtype':>9} {'cxm_lab s':>10} {'resp/s':>12} {'peak MiB':>9} {'pandas apply s':>15} {'resp/s':>12} {'speed-up':>9}"
    )
    cases = [(1_000_000, "category"), (10_000_000, "category"), (1_000_000, "str")]
    for n, dtype in cases:
        df = synthetic(n)
        if dtype == "str":  # plain text columns, as read from a CSV: factorising costs more
            df[by] = df[by].astype(str)
        t_fast, fast = timed(lambda df=df: metrics.nps(df, by=by))
        mem = peak_mib(lambda df=df: metrics.nps(df, by=by))
        t_slow, slow = timed(lambda df=df: naive_nps(df, by), repeat=1)
        merged = fast.merge(slow, on=by, suffixes=("", "_naive"))
        assert (
            len(merged) == len(fast) == len(slow)
            and np.allclose(merged["nps"], merged["nps_naive"])
            and np.allclose(merged["ci_low"], merged["ci_low_naive"], atol=0.01)
            and (merged["n"] == merged["n_naive"]).all()
        )
        print(
            f"{n:>11,} {dtype:>9} {t_fast:>10.3f} {n / t_fast:>12,.0f} {mem:>9.0f} "
            f"{t_slow:>15.3f} {n / t_slow:>12,.0f} {t_slow / t_fast:>8.1f}x"
        )
        del df

    print("\nBootstrap 95% CI, 100,000 responses, 1,000 resamples (one group)")
    df = synthetic(100_000)
    t_fast, fast = timed(lambda: metrics.nps(df, n_boot=1000, seed=1))
    ltr = df["ltr"]

    def naive_boot() -> tuple[float, float]:
        vals = []
        for b in range(1000):
            s = ltr.sample(frac=1.0, replace=True, random_state=b)
            vals.append(100 * ((s >= 9).mean() - (s <= 6).mean()))
        return tuple(np.quantile(vals, [0.025, 0.975]))

    t_slow, (lo, hi) = timed(naive_boot, repeat=1)
    row = fast.iloc[0]
    print(
        f"cxm_lab (multinomial resampling): {t_fast:.3f} s  CI [{row.boot_low:.2f}, {row.boot_high:.2f}]"
    )
    print(f"pandas resampling loop:          {t_slow:.3f} s  CI [{lo:.2f}, {hi:.2f}]")
    print(
        f"speed-up: {t_slow / t_fast:.0f}x   (analytic CI for reference [{row.ci_low:.2f}, {row.ci_high:.2f}])"
    )
    t_grp, grp = timed(lambda: metrics.nps(df, by=by, n_boot=1000, seed=1))
    print(f"cxm_lab, same data grouped by 3 columns ({len(grp)} groups): {t_grp:.3f} s")


if __name__ == "__main__":
    main()
