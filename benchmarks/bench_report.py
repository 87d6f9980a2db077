"""Benchmark: the demo report end to end, per stage (kernel start, each notebook, HTML, PDF).

Runs ``params/demo.yaml`` twice into a temporary directory: first with an empty model cache
(every comment embedded), then again with the cache warm (the quarterly re-run case).
Run: ``.venv/bin/python benchmarks/bench_report.py``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from cxm_lab.pipeline import run_report

ROOT = Path(__file__).resolve().parents[1]


def kernel_start() -> float:
    t0 = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3")
    secs = time.perf_counter() - t0
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return secs


def main() -> None:
    print(f"kernel start: {kernel_start():.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CXM_LAB_CACHE_DIR"] = str(Path(tmp) / "cache")  # cold model cache
        for label in ("cold cache", "warm cache"):
            res = run_report(
                ROOT / "params" / "demo.yaml", output_root=Path(tmp) / "reports", log=lambda s: None
            )
            t = res.timings
            print(f"\n{label}: total {t['total']:.1f} s")
            for stage, secs in t.items():
                if stage != "total":
                    print(f"  {stage:32s} {secs:7.2f} s")


if __name__ == "__main__":
    main()
