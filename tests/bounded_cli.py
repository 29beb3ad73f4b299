"""Run ``servicechain`` commands in one process and report how each ended and what it cost.

``python -m tests.bounded_cli REPORT.json ARGS... [--- ARGS...]`` runs each argument list with
:func:`sim.cli.main` in turn, capturing its output, and writes one record per command to
REPORT.json: the arguments, the exit code, stdout, stderr, the CPU seconds it took and the
process's peak resident memory so far (MB). The hostile-input tests run it in a child process
with a wall-clock timeout, so a command that would hang or fill memory fails the test instead
of the test run.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import sys
import time


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_all(commands: list[list[str]]) -> list[dict]:
    from sim.cli import main

    records = []
    for args in commands:
        out, err = io.StringIO(), io.StringIO()
        started, wall = cpu_seconds(), time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
        records.append(
            {
                "args": args,
                "code": code,
                "stdout": out.getvalue(),
                "stderr": err.getvalue(),
                "cpu": cpu_seconds() - started,
                "wall": time.perf_counter() - wall,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    return records


def main(argv: list[str]) -> int:
    report, *rest = argv
    commands: list[list[str]] = [[]]
    for arg in rest:
        if arg == "---":
            commands.append([])
        else:
            commands[-1].append(arg)
    with open(report, "w") as fh:
        json.dump(run_all([c for c in commands if c]), fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
