"""A sweep driver killed with SIGKILL leaves no worker running (workers watch their parent)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")

DRIVER = """
import sys
import sim
from sim.studies.experiment import experiment_from_dict

if __name__ == "__main__":
    exp = experiment_from_dict(
        {"scenario": "pyramid", "weeks": 260, "replications": 400, "seed": 1}, name="kill"
    )
    sim.sweep(exp, workers=2, out=sys.argv[1], progress=False, batch_size=1)
"""


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (a dead, unreaped orphan)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.integration
def test_no_worker_left_15_s_after_the_driver_is_killed(tmp_path: Path):
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    driver = subprocess.Popen([sys.executable, str(script), str(tmp_path / "out")])
    try:
        workers: list[int] = []
        deadline = time.monotonic() + 60
        # Wait until both workers have finished a run (they are computing, not starting up).
        while time.monotonic() < deadline:
            workers = [p for p in children(driver.pid) if running(p)]
            parts = list((tmp_path / "out" / "runs").glob("part-*.parquet"))
            if len(workers) >= 2 and len(parts) >= 2:
                break
            time.sleep(0.2)
        assert len(workers) >= 2, "the pool never started"
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(running(p) for p in workers):
            time.sleep(0.2)
        left = [p for p in workers if running(p)]
        assert not left, f"workers still running 15 s after SIGKILL: {left}"
    finally:
        if driver.poll() is None:
            driver.kill()
