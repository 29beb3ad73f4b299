"""Validation against published findings (``servicechain validate``): every pattern at once.

Pattern-oriented modelling: the shipped defaults must reproduce, together, the patterns of
:mod:`sim.studies.patterns`: the fit targets, the held-out patterns the fit never reads, and the
model checks. This module runs the experiments (:mod:`sim.studies.runs`), judges every pattern
on its figure (:mod:`sim.studies.verdicts`) and hands the result to the report
(:mod:`sim.studies.validation_report`): one table per role on the console, and
``docs/VALIDATION.md`` with charts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.studies.patterns import PATTERNS, Role
from sim.studies.runs import EXPERIMENTS, plan_tasks, run_experiments
from sim.studies.validation_report import print_report, verdict_table, write_markdown
from sim.studies.verdicts import Verdict, judge_frames


@dataclass
class ValidationReport:
    """Every verdict, with the experiments' frames behind them (one row per run)."""

    verdicts: list[Verdict]
    frames: dict[str, pd.DataFrame]
    reps: int
    seed: int = 0

    @property
    def passed(self) -> bool:
        """True when every pattern judged passes."""
        return all(v.passed for v in self.verdicts)

    def frame(self, experiment: str) -> pd.DataFrame:
        """One experiment's runs (empty when it did not run)."""
        return self.frames.get(experiment, pd.DataFrame())

    @property
    def cultures(self) -> pd.DataFrame:
        """The culture runs: one row per culture and replication."""
        return self.frame("cultures")

    def group(self, role: Role) -> list[Verdict]:
        """The verdicts on the patterns of one role, in table order."""
        return [v for v in self.verdicts if v.pattern.role == role]

    def verdict(self, name: str) -> Verdict:
        """The verdict on the pattern called ``name``."""
        return next(v for v in self.verdicts if v.pattern.name == name)

    def table(self, role: Role | None = None) -> pd.DataFrame:
        """The verdicts (of one role, or all) as a table, one row each."""
        return verdict_table(self.group(role) if role else self.verdicts)


def run_validation(
    reps: int = 20,
    workers: int = 1,
    seed: int = 0,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    experiments: Sequence[str] = EXPERIMENTS,
) -> ValidationReport:
    """Run the experiments on the shipped defaults and judge every pattern they measure.

    Args:
        reps: Replications per culture and per experiment (20 for the published table; the
            side experiments use at most :data:`sim.studies.runs.SIDE_REPS` of them).
        workers: Worker processes (1 = in-process).
        seed: Root seed; replication r uses ``replication_seeds(seed, reps)[r]`` in every
            scenario (the derivation of compare and sweeps), and organization i of the link
            sweep ``replication_seeds(seed, n)[i]``.
        executor: An existing executor to use instead of a new process pool.
        progress: Called with 1 after each finished run (for a progress bar).
        experiments: Which experiments to run (default all,
            :data:`sim.studies.runs.EXPERIMENTS`); patterns whose figures need the others are
            left out.
    """
    if reps < 2:
        raise ValueError(f"reps must be at least 2 for confidence intervals, got {reps}")
    plan = plan_tasks(reps, seed, tuple(experiments))
    frames = run_experiments(plan, workers, executor, progress)
    return ValidationReport(judge_frames(frames, PATTERNS), frames, reps, seed)


def run_cli(reps: int, workers: int | None, out: Path | None, console) -> int:
    """``servicechain validate``: run the suite with a progress bar, print and write the report.

    Returns:
        0 if every pattern passes, 1 otherwise (the process exit code).
    """
    import os

    from sim.studies.progress import Progress

    n_workers = workers or os.cpu_count() or 1
    n_runs = sum(len(tasks) for tasks in plan_tasks(reps, 0).values())
    with Progress(f"validating ({n_workers} workers)", n_runs, "runs") as bar:
        report = run_validation(reps=reps, workers=n_workers, progress=bar.advance)
    print_report(report, console)
    if out is not None:
        files = write_markdown(report, out)
        console.print(f"wrote {', '.join(str(f) for f in files)}")
    passed = sum(v.passed for v in report.verdicts)
    console.print(f"{passed}/{len(report.verdicts)} patterns pass")
    return 0 if report.passed else 1


__all__ = ["ValidationReport", "run_cli", "run_validation"]
