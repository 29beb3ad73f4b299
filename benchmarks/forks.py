"""Shared warm-ups and snapshots: what they save and what they cost.

:func:`compare_sharing` times ``sim.compare`` of the pyramid under four doses of one lever (4
scenarios x ``reps`` replications), warming up every run and sharing one warm-up per
replication (:mod:`sim.forks`), and checks that both give the same frames. :func:`snapshot_costs`
times a model's in-memory snapshot, its restore, the bytes of a file and reading it back.
Times are CPU seconds of this process (robust to other work on a shared machine) beside wall
seconds.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd

from sim.model import ServiceCultureModel
from sim.scenario import load_scenario
from sim.studies.compare import compare

# The pyramid under four training doses: scenarios that differ only in a lever.
LEVER = "training"
DOSES = (0.0, 0.5, 1.0, 2.0)


def _lever_scenarios(folder: Path) -> list[str]:
    """Scenario files: the pyramid with each training dose."""
    specs = []
    for dose in DOSES:
        path = folder / f"pyramid_{LEVER}_{dose:g}.toml"
        path.write_text(f'extends = "pyramid"\n\n[interventions.{LEVER}]\nintensity = {dose}\n')
        specs.append(str(path))
    return specs


def _timed_compare(specs: list[str], reps: int, weeks: int, seed: int, shared: bool):
    wall, cpu = time.perf_counter(), time.process_time()
    result = compare(specs, reps=reps, weeks=weeks, seed=seed, shared_warmups=shared)
    return result, time.process_time() - cpu, time.perf_counter() - wall


def compare_sharing(
    reps: int = 10, weeks: int = 260, seed: int = 1, rounds: int = 2
) -> dict[str, object]:
    """``compare`` of 4 lever doses x ``reps`` replications, with and without shared warm-ups.

    The two are timed alternately ``rounds`` times and the fastest of each counts, so a change
    of load on a shared machine does not favour one.

    Returns:
        CPU and wall seconds of each, ``speedup`` (CPU without / with), ``weeks_ratio`` (the
        simulated weeks without / with sharing: 4 x (warm-up + weeks) / (warm-up + 4 x
        weeks), what the speed-up comes to when a warm-up week costs what a run's week does)
        and ``identical`` (the two timeseries frames are equal).
    """
    with tempfile.TemporaryDirectory(prefix="servicechain-bench-") as tmp:
        specs = _lever_scenarios(Path(tmp))
        ServiceCultureModel(specs[0], seed=seed, warmup_weeks=1).run(1)  # imports, kernels
        best: dict[bool, tuple[float, float]] = {}
        frames = {}
        for _ in range(rounds):
            for shared in (False, True):
                result, cpu, wall = _timed_compare(specs, reps, weeks, seed, shared)
                frames[shared] = result.timeseries
                old = best.get(shared, (float("inf"), float("inf")))
                best[shared] = (min(old[0], cpu), min(old[1], wall))
        warmup = load_scenario(specs[0]).warmup_weeks
    try:
        pd.testing.assert_frame_equal(frames[False], frames[True], check_exact=True)
        identical = True
    except AssertionError:
        identical = False
    n = len(DOSES)
    (cpu_alone, wall_alone), (cpu_shared, wall_shared) = best[False], best[True]
    return {
        "scenarios": n,
        "reps": reps,
        "weeks": weeks,
        "warmup_weeks": warmup,
        "rounds": rounds,
        "alone_cpu_s": cpu_alone,
        "alone_wall_s": wall_alone,
        "shared_cpu_s": cpu_shared,
        "shared_wall_s": wall_shared,
        "speedup": cpu_alone / cpu_shared,
        "wall_speedup": wall_alone / wall_shared,
        "weeks_ratio": n * (warmup + weeks) / (warmup + n * weeks),
        "identical": identical,
    }


def snapshot_costs(headcount: int, weeks: int = 104, seed: int = 1) -> dict[str, float | int]:
    """What a snapshot of a model at week ``weeks`` costs (pyramid at ``headcount``).

    Returns:
        ``capture_ms`` (in memory), ``restore_ms`` (from memory), ``memory_mb`` (its arrays),
        ``encode_ms`` (to bytes), ``file_mb`` (the bytes), ``read_restore_ms`` (bytes back to a
        model), each the median of 5.
    """
    model = ServiceCultureModel("pyramid", overrides={"org.headcount": headcount}, seed=seed)
    model.run(weeks)

    def median_ms(fn) -> float:
        times = []
        for _ in range(5):
            t = time.perf_counter()
            fn()
            times.append(1000.0 * (time.perf_counter() - t))
        return sorted(times)[2]

    snap = model.checkpoint()
    data = snap.to_bytes()
    return {
        "headcount": model.org.n_seats,
        "week": weeks,
        "capture_ms": median_ms(model.checkpoint),
        "restore_ms": median_ms(lambda: ServiceCultureModel.from_snapshot(snap)),
        "memory_mb": snap.nbytes / 1e6,
        "encode_ms": median_ms(snap.to_bytes),
        "file_mb": len(data) / 1e6,
        "read_restore_ms": median_ms(lambda: ServiceCultureModel.from_snapshot(data)),
    }
