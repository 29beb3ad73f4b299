"""``servicechain plan``: the best portfolio of levers under a budget (see :mod:`sim.studies.plan`).

Every input is checked before anything is simulated (budget, objectives, levers, scenario, where
the files go); then the search runs with a progress bar, the Pareto front is re-run on fresh
seeds, and the table, the chart's data and the HTML report are written. The study is kept in
SQLite (default: in the output folder), so an interrupted plan resumes where it stopped.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sim.cli.common import check_writable
from sim.kpis import KPI_BY_NAME


def run_plan_cli(
    scenario: str,
    budget: float,
    trials: int,
    reps: int,
    weeks: int | None,
    objectives: Sequence[str],
    structure: bool,
    levers: Sequence[str],
    max_dose: float,
    seed: int,
    workers: int | None,
    out: Path | None,
    storage: Path | None,
    overrides: dict,
    console: Console,
    err_console: Console,
) -> int:
    """Run a plan from the command line; returns the exit code."""
    import os

    from sim.studies.plan import plan_spec, points_frame, run_plan, storage_url, write_outputs
    from sim.studies.progress import Progress

    spec = plan_spec(scenario, budget, objectives=objectives, weeks=weeks, levers=levers or None,
                     max_dose=max_dose, structure=structure, reps=reps, seed=seed,
                     overrides=overrides)  # fmt: skip
    folder = out if out is not None else Path(f"plan-{Path(scenario).stem.split('@')[0]}")
    check_writable(folder, folder=True)
    study = storage if storage is not None else folder / "plan.study.db"
    check_writable(study)
    n_workers = workers or os.cpu_count() or 1
    words = ["servicechain", "plan", scenario, "--budget", f"{budget:g}", "--trials", str(trials),
             "--reps", str(reps), "--seed", str(seed)]  # fmt: skip
    if weeks is not None:
        words += ["--weeks", str(weeks)]
    if list(objectives) != ["profit", "turnover_annualized", "customer_satisfaction"]:
        words += ["--objectives", ",".join(objectives)]
    if structure:
        words.append("--structure")
    command = " ".join(shlex.quote(w) for w in words)
    console.print(
        f"[bold]planning {scenario}[/bold] ({spec.seats:,} seats): budget {budget:,.0f} per "
        f"year over {', '.join(spec.levers)}" + (", delayer and spans" if structure else ""),
        highlight=False,
    )
    console.print(
        f"  {trials} trials x {reps} replications of {spec.weeks} weeks, then the front on "
        f"{reps} fresh seeds; {n_workers} processes; study kept in {study}",
        highlight=False,
    )
    total = trials * reps
    with Progress("plan", total=total, unit="runs", console=err_console) as bar:

        def on_run(status: str) -> None:
            if bar.done >= bar.total:
                bar.total += reps  # the re-evaluation of the front, point by point
                if bar._bar is not None:
                    bar._bar.update(bar._task, total=bar.total)
            bar.advance(status=status)

        result = run_plan(spec, trials, n_workers, storage_url(study), on_run)
    table = points_frame(result)
    shown = Table(title=f"Pareto front: {len(table)} points ({result.elapsed:.0f} s)")
    shown.add_column("#", justify="right")
    shown.add_column("levers (dose) and moves; cost per year", ratio=2)
    for o in spec.objectives:
        shown.add_column(f"{KPI_BY_NAME[o.name].label}: level; against no lever", ratio=1)
    shown.add_column("ok")
    for _, r in table.iterrows():
        shown.add_row(
            str(r["point"]), r["short"],
            *[f"{r[f'{o.name} ci']};\n{r[f'{o.name} effect']}" for o in spec.objectives],
            "yes" if r["confirmed"] else "[bold red]no[/bold red]",
        )  # fmt: skip
    console.print(shown)
    console.print(
        f"means [95% CI] over the search's {reps} seeds and {reps} fresh ones; against no lever: "
        "paired on the same seeds; ok: the effects on the search's and the fresh seeds both "
        "inside its CI (the two sets of seeds agree)",
        style="dim",
        highlight=False,
    )
    files = write_outputs(result, folder, command)
    console.print(
        f"wrote {files['pareto']} (one row per point), {files['front']}, {files['trials']} and "
        f"the report {files['report']}",
        highlight=False,
    )
    return 0
