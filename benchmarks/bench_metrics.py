"""Benchmark: grouped NPS / CSAT / CES with intervals, in memory and on Parquet, against
DuckDB and Polars measured in the same run.

Prints:

1. the time and peak resident memory of a fresh process that computes weighted NPS, weighted
   CSAT and CES by 3 columns from a 30M-row Parquet file (written once to the temporary folder,
   never into the repo, and kept there for the next run): ``ru_maxrss`` and ``VmHWM``;
2. for 10M synthetic responses grouped by 3 columns (144 groups), seconds per route for each
   metric: ``cxm_lab`` in memory (a DataFrame with categorical groups), ``cxm_lab`` on the
   Parquet file (the file route, :mod:`cxm_lab.columnar`), DuckDB SQL over the same pandas
   frame, DuckDB SQL over the Parquet file, Polars over the same data (converted once, not
   timed), and the ratios DuckDB / cxm_lab (above 1: cxm_lab is faster). The peers compute the
   same table (n, the share or net score, its standard error and a normal interval); every
   route's n and estimate are checked against cxm_lab's, and the file route's whole table
   against the in-memory one;
3. the same for NPS with plain text group columns (as read from a CSV): pandas factorises them;
4. the bootstrap interval (1,000 resamples) for 100k responses.

Timings are the best of a few repeats. Nothing is asserted about speed: the figures are for
``docs/SCALING.md``.

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_metrics.py`` (about 2–3 minutes on 2 cores).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from cxm_lab import columnar, metrics

BY = ["quarter", "segment", "touchpoint"]
N = 10_000_000
N_BIG = 30_000_000


def synthetic(n: int, seed: int = 0) -> pd.DataFrame:
    """Responses: ``ltr`` 0–10, ``csat`` 1–5 (10% missing), ``ces`` 1–7, a weight, 3 groups."""
    rng = np.random.default_rng(seed)
    csat = rng.integers(1, 6, n).astype(float)
    csat[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame(
        {
            "ltr": rng.integers(0, 11, n, dtype=np.int8),
            "csat": csat,
            "ces": rng.integers(1, 8, n, dtype=np.int8),
            "weight": rng.uniform(0.5, 2.0, n),
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


def sql(metric: str, table: str) -> str:
    """The peer query: the grouped table with SE and a normal 95% interval, in SQL."""
    keys = ", ".join(BY)
    if metric == "nps":
        return textwrap.dedent(f"""
            WITH c AS (SELECT {keys}, count(ltr) AS n,
                              count_if(ltr >= 9) / count(ltr) AS p,
                              count_if(ltr <= 6) / count(ltr) AS d
                       FROM {table} GROUP BY ALL)
            SELECT *, 100 * (p - d) AS est,
                   100 * sqrt((p + d - (p - d) ^ 2) / n) AS se,
                   est - 1.96 * se AS ci_low, est + 1.96 * se AS ci_high
            FROM c""")
    col, top = ("csat", 4) if metric == "csat" else ("ces", 5)
    return textwrap.dedent(f"""
        WITH c AS (SELECT {keys}, count({col}) AS n,
                          count_if({col} >= {top}) / count({col}) AS p,
                          avg({col}) AS mean, stddev_samp({col}) AS sd
                   FROM {table} GROUP BY ALL)
        SELECT *, 100 * p AS est, 100 * sqrt(p * (1 - p) / n) AS se,
               est - 1.96 * se AS ci_low, est + 1.96 * se AS ci_high,
               mean - 1.96 * sd / sqrt(n) AS mean_low, mean + 1.96 * sd / sqrt(n) AS mean_high
        FROM c""")


def polars_table(frame: pl.DataFrame, metric: str) -> pl.DataFrame:
    """The same table in Polars."""
    if metric == "nps":
        x = pl.col("ltr")
        out = frame.group_by(BY).agg(
            n=x.count(), p=(x >= 9).sum() / x.count(), d=(x <= 6).sum() / x.count()
        )
        est = 100 * (pl.col("p") - pl.col("d"))
        se = (
            100
            * ((pl.col("p") + pl.col("d") - (pl.col("p") - pl.col("d")) ** 2) / pl.col("n")).sqrt()
        )
        return out.with_columns(est=est, se=se).with_columns(
            ci_low=pl.col("est") - 1.96 * pl.col("se"), ci_high=pl.col("est") + 1.96 * pl.col("se")
        )
    col, top = ("csat", 4) if metric == "csat" else ("ces", 5)
    x = pl.col(col)
    out = frame.group_by(BY).agg(
        n=x.count(), p=(x >= top).sum() / x.count(), mean=x.mean(), sd=x.std()
    )
    se = 100 * (pl.col("p") * (1 - pl.col("p")) / pl.col("n")).sqrt()
    half = 1.96 * pl.col("sd") / pl.col("n").sqrt()
    return out.with_columns(est=100 * pl.col("p"), se=se).with_columns(
        ci_low=pl.col("est") - 1.96 * pl.col("se"),
        ci_high=pl.col("est") + 1.96 * pl.col("se"),
        mean_low=pl.col("mean") - half,
        mean_high=pl.col("mean") + half,
    )


CXM = {
    "nps": lambda src: metrics.nps(src, by=BY),
    "csat": lambda src: metrics.csat(src, by=BY),
    "ces": lambda src: metrics.ces(src, by=BY),
}
ESTIMATE = {"nps": "nps", "csat": "csat", "ces": "ces_top"}


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def ordered(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with text keys, sorted by them."""
    return table.astype({c: str for c in BY}).sort_values(BY).reset_index(drop=True)


def same(cxm: pd.DataFrame, peer: pd.DataFrame, metric: str) -> None:
    """The peer's n and estimate equal cxm_lab's for every group."""
    peer = peer.astype({c: str for c in BY})
    cxm = cxm.astype({c: str for c in BY})
    m = cxm.merge(peer, on=BY, suffixes=("", "_peer"))
    assert len(m) == len(cxm) == len(peer), (metric, len(m), len(cxm), len(peer))
    assert (m["n"] == m["n_peer"]).all(), metric
    assert np.allclose(m[ESTIMATE[metric]], m["est"], rtol=1e-9), metric


def write_parquet(path: Path, n: int, *, chunk: int = 2_000_000) -> None:
    """``synthetic`` rows written in row groups, so that the writer never holds them all."""
    writer = None
    for i, start in enumerate(range(0, n, chunk)):
        table = pa.Table.from_pandas(synthetic(min(chunk, n - start), seed=i), preserve_index=False)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()  # type: ignore[union-attr]


PEAK = """
import resource, sys, time
from cxm_lab import metrics
by = ["quarter", "segment", "touchpoint"]
t0 = time.perf_counter()
a = metrics.nps(sys.argv[1], by=by, weight="weight")
b = metrics.csat(sys.argv[1], by=by, weight="weight")
c = metrics.ces(sys.argv[1], by=by)
hwm = [l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")]
print(f"{time.perf_counter() - t0:.2f} {int(a['n'].sum())} {len(a)} "
      f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} "
      f"{int(hwm[0]) / 2**10 if hwm else float('nan'):.0f}")
"""


def peak_memory() -> None:
    """The file route on a 30M-row Parquet file, in a fresh process: seconds and peak RSS.

    Run before this process holds the 10M-row frame: Linux keeps a process's high-water
    mark across ``exec``, so a child forked from a large parent would report the parent's.
    """
    # The file is kept in the temporary folder between runs (it takes a while to write).
    big = Path(tempfile.gettempdir()) / "cxm_bench_responses_30m.parquet"
    t0 = time.perf_counter()
    if not (big.exists() and pq.ParquetFile(big).metadata.num_rows == N_BIG):
        write_parquet(big, N_BIG)
    print(
        f"\nFile route on {N_BIG:,} rows ({big.stat().st_size / 2**20:.0f} MiB Parquet {big}, "
        f"ready in {time.perf_counter() - t0:.0f} s): weighted NPS + weighted CSAT + CES "
        "by 3 columns in a fresh process"
    )
    run = subprocess.run(
        [sys.executable, "-c", PEAK, str(big)], capture_output=True, text=True, check=True
    )
    secs, n, groups, rss, hwm = run.stdout.splitlines()[-1].split()
    print(
        f"  {float(secs):.2f} s for the three tables, n = {int(n):,} in {groups} groups; "
        f"peak RSS {int(rss):,} MiB (ru_maxrss), {hwm} MiB (VmHWM); DuckDB memory_limit "
        f"{columnar.MEMORY_LIMIT}"
    )


def main() -> None:
    con = duckdb.connect()
    print(
        f"duckdb {duckdb.__version__}, polars {pl.__version__}, pandas {pd.__version__}, "
        f"{os.cpu_count()} CPU cores"
    )
    peak_memory()
    with tempfile.TemporaryDirectory(prefix="cxm_bench_") as tmp:
        df = synthetic(N)
        path = Path(tmp) / "responses.parquet"
        df.to_parquet(path, row_group_size=1_000_000)
        frame = pl.from_pandas(df)
        con.register("responses", df)  # a view over the pandas frame (DuckDB scans it in place)
        print(
            f"\nGrouped metric with 95% intervals, {N:,} responses, by {BY} (144 groups); seconds"
        )
        head = (
            "metric",
            "cxm mem",
            "cxm file",
            "duckdb mem",
            "duckdb file",
            "polars",
            "duck/cxm mem",
            "duck/cxm file",
        )
        print(f"{head[0]:<7}" + "".join(f"{h:>14}" for h in head[1:]))
        for metric in ("nps", "csat", "ces"):
            t_mem, mem = timed(lambda m=metric: CXM[m](df))
            t_file, on_file = timed(lambda m=metric: CXM[m](path), repeat=2)
            # Same table (the file lists the category keys in text order, the frame in the
            # categories' order).
            pd.testing.assert_frame_equal(ordered(on_file), ordered(mem))
            t_duck, duck = timed(lambda m=metric: con.sql(sql(m, "responses")).df())
            t_dfile, dfile = timed(
                lambda m=metric: con.sql(sql(m, f"read_parquet('{path}')")).df(), repeat=2
            )
            t_pl, polar = timed(lambda m=metric: polars_table(frame, m))
            for peer in (duck, dfile, polar.to_pandas()):
                same(mem, peer, metric)
            print(
                f"{metric:<7}{t_mem:>14.3f}{t_file:>14.3f}{t_duck:>14.3f}{t_dfile:>14.3f}"
                f"{t_pl:>14.3f}{t_duck / t_mem:>13.2f}x{t_dfile / t_file:>13.2f}x"
            )
        frame = None  # free it (polars holds a copy)

        text = df[["ltr", *BY]].astype({c: str for c in BY})
        t_mem, mem = timed(lambda: metrics.nps(text, by=BY))
        con.register("text_responses", text)
        t_duck, duck = timed(lambda: con.sql(sql("nps", "text_responses")).df())
        same(mem, duck, "nps")
        print(
            f"\nNPS with text group columns (pandas str), {N:,} responses: cxm_lab {t_mem:.3f} s, "
            f"DuckDB {t_duck:.3f} s, DuckDB / cxm_lab {t_duck / t_mem:.2f}x"
        )
        con.unregister("responses")
        con.unregister("text_responses")
        df = text = None  # free them before the 30M-row file

    print("\nBootstrap 95% CI, 100,000 responses, 1,000 resamples")
    small = synthetic(100_000)
    t_one, one = timed(lambda: metrics.nps(small, n_boot=1000, seed=1))
    t_grp, grp = timed(lambda: metrics.nps(small, by=BY, n_boot=1000, seed=1))
    row = one.iloc[0]
    print(
        f"one group: {t_one:.3f} s, CI [{row.boot_low:.2f}, {row.boot_high:.2f}] (analytic "
        f"[{row.ci_low:.2f}, {row.ci_high:.2f}]); by 3 columns ({len(grp)} groups): {t_grp:.3f} s"
    )


if __name__ == "__main__":
    main()
