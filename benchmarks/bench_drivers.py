"""Benchmark: LMG/Shapley and relative weights with 8 drivers, 100k responses, 1,000 bootstrap
resamples; prints time and peak memory.

Run: ``.venv/bin/python benchmarks/bench_drivers.py``.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pandas as pd

from cxm_lab import drivers


def main() -> None:
    rng = np.random.default_rng(0)
    n, p = 100_000, 8
    latent = rng.normal(size=n)
    x = pd.DataFrame(
        {
            f"d{i}": np.clip(np.rint(6.5 + 1.5 * latent + rng.normal(0, 1.3, n)), 0, 10)
            for i in range(p)
        }
    )
    x["ltr"] = np.clip(np.rint(x @ np.linspace(0.3, 0.02, p) + rng.normal(0, 1, n) - 3), 0, 10)
    cols = [f"d{i}" for i in range(p)]
    for name, fn in (
        ("shapley_r2 (LMG, 2^8 subsets)", drivers.shapley_r2),
        ("relative_weights", drivers.relative_weights),
    ):
        tracemalloc.start()
        t0 = time.perf_counter()
        res = fn(x, "ltr", cols, n_boot=1000, seed=1)
        secs = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{name:32s} 100,000 responses x 8 drivers, 1,000 resamples: {secs:6.2f} s, peak {peak / 2**20:6.0f} MiB;"
            f" top driver {res.loc[0, 'driver']} {res.loc[0, 'weight']:.3f} [{res.loc[0, 'ci_low']:.3f}, {res.loc[0, 'ci_high']:.3f}]"
        )


if __name__ == "__main__":
    main()
