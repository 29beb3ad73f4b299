"""Compile once (issue 31, item 4): `python -m sim.precompile` (run by `make install`) compiles
every kernel for this interpreter into numba's cache, and every later process, worker processes
included, only loads them.

The slow test starts from an empty cache (its own NUMBA_CACHE_DIR), so it measures what a fresh
environment does, whatever this machine's cache already holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.precompile import kernel_dispatchers, precompile

REPO = Path(__file__).resolve().parents[1]

# After precompiling: runs that reach every phase in other ways (levers and events, a chart with
# a survey, panel data), then a worker process of a sweep's pool, each reporting what it
# compiled (cache misses) and loaded.
LATER_RUNS = """
import json
import sim
from sim.precompile import cache_counts
from sim.studies.workers import process_pool

def worker_counts():
    sim.run("two_way", weeks=3, seed=2, overrides={"org.headcount": 50, "warmup_weeks": 3})
    return cache_counts()

if __name__ == "__main__":
    levers = {f"interventions.{k}.intensity": 1.0 for k in ("training", "recognition",
              "job_swap", "service_standards", "close_the_loop", "clear_expectations",
              "performance_management", "process_improvement")}
    sim.run("airline@two_way", weeks=4, seed=1, overrides={**levers, "warmup_weeks": 3,
            "org.headcount": 80})
    sim.run("examples/client/client.toml", weeks=2, seed=1, overrides={"warmup_weeks": 2},
            panel="employee")
    sim.run("pyramid", weeks=30, seed=3, overrides={"org.headcount": 60, "warmup_weeks": 2,
            "events": [{"type": "demand_surge", "week": 2, "weeks": 5, "size": 0.5},
                       {"type": "layoffs", "week": 10, "share": 0.1}]})
    with process_pool(1) as pool:
        worker = pool.submit(worker_counts).result()
    print(json.dumps({"parent": cache_counts(), "worker": worker}))
"""


def test_precompile_reports_every_kernel():
    result = precompile()
    assert result.kernels == len(kernel_dispatchers()) >= 20
    # The kernels the phases call are compiled or loaded (a kernel loaded whole from the cache
    # brings the helpers it calls with it).
    assert result.signatures >= 9 and result.cache
    assert "kernels" in result.cache or "numba" in result.cache


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_kernels_compile_once_and_later_processes_and_workers_only_load(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")}

    def python(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True,
            timeout=1500,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    first = python("-m", "sim.precompile")
    assert ", 0 loaded from the cache" in first and str(tmp_path) in first
    fresh = python(
        "-c",
        "import json; from sim.precompile import precompile, kernel_dispatchers; "
        "r = precompile(); print(json.dumps([r.compiled, r.loaded]))",
    )
    assert json.loads(fresh)[0] == 0  # a new process loads everything it needs
    script = tmp_path / "later.py"
    script.write_text(LATER_RUNS)
    counts = json.loads(python(str(script)).strip().splitlines()[-1])
    assert counts["parent"][0] == 0, counts  # nothing compiled again, whatever the scenario
    assert counts["worker"][0] == 0 and counts["worker"][1] > 0, counts
