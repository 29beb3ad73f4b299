"""One organization size in a fresh process: build time, run time and peak memory.

Run as ``python -m benchmarks.size_run HEADCOUNT WEEKS SEED [CUSTOMER_MULTIPLE [WORK_MULTIPLE]]``;
prints one JSON object. A fresh process per size makes ``ru_maxrss`` (the process's peak resident
set) belong to that size alone.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time


def measure(
    headcount: int,
    weeks: int,
    seed: int = 1,
    scenario: str = "pyramid",
    customer_multiple: float = 1.0,
    work_multiple: float = 1.0,
) -> dict:
    """Build and run one model; return timings (s), throughput and this process's peak RSS (MB).

    The compiled kernels are loaded first (a tiny model), so that their one-off load or compile
    time is reported on its own and not in the build. The build is timed twice: without the
    warm-up (``warmup_weeks = 0``: the organization and its state) and as every run builds, warm-up
    included.

    Args:
        headcount: ``org.headcount`` (seats).
        weeks: Weeks to simulate.
        seed: Model seed.
        scenario: Preset name.
        customer_multiple: Multiplier on the preset's ``customers.per_frontline``.
        work_multiple: Multiplier on the encounters each frontline seat is asked for: the
            occasion rate is scaled by ``work_multiple / customer_multiple``. At 1 (the
            default) ten times the customers come ten times less often, so the cost measured is
            that of the customers themselves; at ``customer_multiple`` they come as often as
            before and the frontline has ten times the work (a different, overloaded
            organization, whose longer queues cost time of their own).
    """
    import sim

    t0 = time.perf_counter()
    sim.ServiceCultureModel(scenario, overrides={"org.headcount": 30, "warmup_weeks": 1}, seed=0)
    kernels_s = time.perf_counter() - t0

    base = sim.ServiceCultureModel(scenario, overrides={"org.headcount": 30, "warmup_weeks": 0})
    per_frontline = base.params.customers.per_frontline * customer_multiple
    occasion_rate = base.params.customers.occasion_rate * work_multiple / customer_multiple
    overrides = {
        "org.headcount": headcount,
        "customers.per_frontline": per_frontline,
        "customers.occasion_rate": occasion_rate,
    }

    t0 = time.perf_counter()
    bare = sim.ServiceCultureModel(scenario, overrides={**overrides, "warmup_weeks": 0}, seed=seed)
    build_bare_s = time.perf_counter() - t0
    del bare
    gc.collect()

    t0, c0 = time.perf_counter(), time.process_time()
    model = sim.ServiceCultureModel(scenario, overrides=overrides, seed=seed)
    t1, c1 = time.perf_counter(), time.process_time()
    for _ in range(weeks):
        model.step()
    t2 = time.perf_counter()
    # CPU seconds of this process: robust to other work on a shared machine (the kernels and
    # NumPy run on one thread, so CPU time is the one-core time).
    cpu_s = time.process_time() - c1
    frame = model.kpis()
    run_s = t2 - t1
    return {
        "headcount": headcount,
        "weeks": weeks,
        "seed": seed,
        "scenario": scenario,
        "customer_multiple": customer_multiple,
        "work_multiple": work_multiple,
        "per_frontline": per_frontline,
        "occasion_rate": occasion_rate,
        "warmup_weeks": model.params.warmup_weeks,
        "kernels_load_s": kernels_s,
        "build_without_warmup_s": build_bare_s,
        "build_s": t1 - t0,
        "build_cpu_s": c1 - c0,
        "run_s": run_s,
        "employee_weeks_per_s": headcount * weeks / run_s if run_s > 0 else float("inf"),
        "cpu_s": cpu_s,
        "employee_weeks_per_cpu_s": headcount * weeks / cpu_s if cpu_s > 0 else float("inf"),
        "ms_per_week": 1000.0 * run_s / max(weeks, 1),
        "customers_active_end": int(model.state.active_customers),
        "customers_per_employee": model.state.active_customers / headcount,
        "agents_created": model._employees is not None,
        "morale_mean_end": float(frame["morale_mean"].iloc[-1]),
        # Linux reports ru_maxrss in KiB.
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }


if __name__ == "__main__":
    n, w, s = (int(a) for a in sys.argv[1:4])
    multiple = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    work = float(sys.argv[5]) if len(sys.argv) > 5 else 1.0
    print(json.dumps(measure(n, w, s, customer_multiple=multiple, work_multiple=work)))
