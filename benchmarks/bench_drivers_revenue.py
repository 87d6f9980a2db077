"""Benchmark: key drivers and revenue linkage at scale; prints time and peak memory.

- LMG/Shapley R² and Johnson relative weights: 8 drivers, 100,000 responses, 1,000 bootstrap
  resamples (synthetic, seeded);
- the same on the real Skytrax seat reviews (../shared/data, when present);
- revenue join: 1,000,000 responses × 100,000 accounts (:func:`cxm_lab.accounts.link_responses`)
  and the account roll-up (:func:`cxm_lab.accounts.account_nps`) of those responses.

Run: ``.venv/bin/python benchmarks/bench_drivers_revenue.py``. Peak memory is Python-heap peak
from ``tracemalloc`` (NumPy and pandas buffers included), measured in a second, untimed call.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from cxm_lab import accounts, drivers

SEAT = Path(__file__).resolve().parents[2] / "shared/data/en_skytrax_lounge_seat_reviews/seat.csv"


def measure(label: str, fn: Callable[[], object]) -> object:
    """Time one call, then repeat it under tracemalloc for the peak (tracemalloc slows
    allocation-heavy pandas code several-fold, so it is kept out of the timing)."""
    t0 = time.perf_counter()
    out = fn()
    secs = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:62s} {secs:7.2f} s   peak {peak / 2**20:7.0f} MiB")
    return out


def driver_data(n: int = 100_000, p: int = 8, seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    cols = [f"d{i}" for i in range(p)]
    x = pd.DataFrame(
        {c: np.clip(np.rint(6.5 + 1.5 * latent + rng.normal(0, 1.3, n)), 0, 10) for c in cols}
    )
    x["ltr"] = np.clip(
        np.rint(x[cols] @ np.linspace(0.3, 0.02, p) + rng.normal(0, 1, n) - 3), 0, 10
    )
    return x, cols


def revenue_data(
    n_resp: int = 1_000_000, n_acc: int = 100_000, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = np.array([f"A{i:06d}" for i in range(n_acc)])
    crm = pd.DataFrame({"account_id": ids, "arr": rng.gamma(2.0, 20_000.0, n_acc)})
    # 0.5% of responses carry an account id missing from the CRM
    acc = ids[rng.integers(0, n_acc, n_resp)].astype(object)
    acc[rng.random(n_resp) < 0.005] = "UNKNOWN"
    responses = pd.DataFrame(
        {
            "response_id": np.arange(n_resp),
            "account_id": acc,
            "ltr": rng.integers(0, 11, n_resp),
            "role": rng.choice(["executive", "technical", "user"], n_resp),
        }
    )
    return responses, crm


def main() -> None:
    x, cols = driver_data()
    for name, fn in (
        ("shapley_r2 (LMG, 2^8 subsets)", drivers.shapley_r2),
        ("relative_weights", drivers.relative_weights),
    ):
        res = measure(
            f"{name}: 100k x 8, 1,000 resamples",
            lambda fn=fn: fn(x, outcome="ltr", drivers=cols, n_boot=1000, seed=1),
        )
        top = res.iloc[0]
        print(
            f"    top driver {top['driver']} {top['weight']:.1f}% "
            f"[{top['ci_low']:.1f}, {top['ci_high']:.1f}]"
        )

    if SEAT.is_file():
        seat = pd.read_csv(SEAT)
        scols = [
            "seat_legroom_rating",
            "seat_recline_rating",
            "seat_width_rating",
            "aisle_space_rating",
        ]
        res = measure(
            f"shapley_r2 Skytrax seat.csv ({len(seat):,} rows), 1,000 resamples",
            lambda: drivers.shapley_r2(seat, outcome="overall_rating", drivers=scols, n_boot=1000),
        )
        print(
            f"    used {int(res['n_used'].iloc[0]):,}, dropped {int(res['n_dropped'].iloc[0]):,}; "
            + ", ".join(f"{d} {w:.0f}%" for d, w in zip(res["driver"], res["weight"], strict=True))
        )
    else:
        print(f"(real Skytrax data not found at {SEAT}; skipped)")

    responses, crm = revenue_data()
    link = measure(
        "link_responses: 1,000,000 responses x 100,000 accounts",
        lambda: accounts.link_responses(responses, crm),
    )
    print(
        f"    matched {len(link.matched):,} + unmatched {len(link.unmatched):,} = {link.n_read:,}"
    )
    measure(
        "account_nps weight='role': 1,000,000 responses",
        lambda: accounts.account_nps(link.matched, weight="role"),
    )


if __name__ == "__main__":
    main()
