"""One organization size in a fresh process: construction time, run time and peak memory.

Run as ``python -m benchmarks.size_run HEADCOUNT WEEKS SEED``; prints one JSON object. A fresh
process per size makes ``ru_maxrss`` (the process's peak resident set) belong to that size alone.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def measure(headcount: int, weeks: int, seed: int = 1, scenario: str = "pyramid") -> dict:
    """Build and run one model; return timings (s), throughput and this process's peak RSS (MB).

    Args:
        headcount: ``org.headcount`` (seats).
        weeks: Weeks to simulate.
        seed: Model seed.
        scenario: Preset name.
    """
    import sim

    t0 = time.perf_counter()
    model = sim.ServiceCultureModel(scenario, overrides={"org.headcount": headcount}, seed=seed)
    t1 = time.perf_counter()
    c1 = time.process_time()
    for _ in range(weeks):
        model.step()
    t2 = time.perf_counter()
    # CPU seconds of this process: robust to other work on a shared machine (NumPy runs these
    # kernels on one thread, so CPU time is the one-core time).
    cpu_s = time.process_time() - c1
    frame = model.kpis()
    run_s = t2 - t1
    return {
        "headcount": headcount,
        "weeks": weeks,
        "seed": seed,
        "scenario": scenario,
        "build_s": t1 - t0,
        "run_s": run_s,
        "employee_weeks_per_s": headcount * weeks / run_s if run_s > 0 else float("inf"),
        "cpu_s": cpu_s,
        "employee_weeks_per_cpu_s": headcount * weeks / cpu_s if cpu_s > 0 else float("inf"),
        "ms_per_week": 1000.0 * run_s / max(weeks, 1),
        "customer_rows": int(model.state.c_active.size),
        "customers_active_end": int(model.state.c_active.sum()),
        "agents_created": model._employees is not None,
        "morale_mean_end": float(frame["morale_mean"].iloc[-1]),
        # Linux reports ru_maxrss in KiB.
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }


if __name__ == "__main__":
    n, w, s = (int(a) for a in sys.argv[1:4])
    print(json.dumps(measure(n, w, s)))
