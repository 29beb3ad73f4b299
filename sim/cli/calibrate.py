"""``servicechain calibrate``: fit a scenario to a client's figures and write the result.

Everything the command is given is checked before anything is simulated (targets, window,
scenario, free parameters, where the result and the study go); then it checks what the model
can reach, fits with a progress bar, prints each figure against the model and each parameter
with its interval, and writes the calibrated scenario. See :mod:`sim.studies.scenario_fit`.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sim.cli.common import UsageError, check_writable
from sim.studies.scenario_fit import FitPlan, Reach, ScenarioFit
from sim.studies.targets import REVENUE_SCALE, ObservedFigure

INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C


def default_storage(out: Path) -> Path:
    """Where the study is kept unless ``--storage`` says otherwise: beside ``out``."""
    return out.with_name(f"{out.stem}.study.db")


def canonical_command(
    scenario: str,
    out: Path,
    target: Sequence[str],
    targets: Path | None,
    fit: Sequence[str],
    trials: int,
    reps: int,
    seed: int,
    window: tuple[int, int],
) -> str:
    """The command line that repeats this fit (written into the calibrated scenario)."""
    words = ["servicechain", "calibrate", scenario]
    if targets is not None:
        words += ["--targets", str(targets)]
    for t in target:
        words += ["--target", t]
    for f in fit:
        words += ["--fit", f]
    words += ["--trials", str(trials), "--reps", str(reps), "--seed", str(seed)]
    words += ["--window", f"{window[0]}-{window[1]}", "--out", str(out)]
    return " ".join(shlex.quote(w) for w in words)


def prepare(
    scenario: str,
    out: Path,
    target: Sequence[str],
    targets: Path | None,
    fit: Sequence[str],
    reps: int,
    seed: int,
    window: str | None,
    storage: Path | None,
) -> tuple[FitPlan, Path]:
    """Check every input and return the plan and the study's file (nothing is simulated).

    Raises:
        UsageError, ParameterError: what is wrong and what is allowed.
    """
    from sim.params import field_spec
    from sim.studies.scenario_fit import extends_reference, plan_fit
    from sim.studies.targets import merge_targets, parse_target, parse_window, read_targets_file

    if out.suffix.lower() != ".toml":
        raise UsageError(f"--out {out}: the calibrated scenario is a .toml file; e.g. --out "
                         f"{out.with_suffix('.toml').name}")  # fmt: skip
    from_file = read_targets_file(targets) if targets is not None else []
    figures = merge_targets(from_file, [parse_target(t) for t in target])
    weeks = parse_window(window, int(field_spec("weeks").high or 5200))
    plan = plan_fit(scenario, figures, fit, weeks, reps, seed)
    extends_reference(plan.base_file, out)
    check_writable(out)
    study = storage if storage is not None else default_storage(out)
    if study.resolve() == out.resolve():
        raise UsageError(f"--storage {study}: is the --out file; give the study its own file")
    check_writable(study)
    return plan, study


def print_plan(plan: FitPlan, trials: int, workers: int, study: Path, done: int, console) -> None:
    """What is about to happen: the figures, the searched parameters, the budget, the study."""
    from sim.org import build_organization

    p = plan.params
    seats = build_organization(p.org, p.economics.salary_base, p.economics.salary_level_ratio)
    console.print(
        f"[bold]calibrating {plan.scenario}[/bold] ({seats.n_seats:,} seats) to "
        + "; ".join(f.describe() for f in plan.figures),
        highlight=False,
    )
    for f in plan.free:
        scale = ", log scale" if f.log else ""
        console.print(
            f"  searching {f.path} from {f.low:g} to {f.high:g}{scale} (starts at {f.start:g})",
            highlight=False,
        )
    if plan.solves_revenue:
        console.print(
            "  solving economics.revenue_per_occasion for the revenue per employee", highlight=False
        )
    budget = trials if plan.free else 1
    resumed = f"; resuming: {done} of {budget} trials done" if done else ""
    console.print(
        f"  budget: {budget} trials x {plan.reps} replications, weeks {plan.window[0]}-"
        f"{plan.window[1]} measured, seed {plan.seed}, {workers} processes; study kept in "
        f"{study}{resumed}",
        highlight=False,
    )


def reach_text(figure: ObservedFigure, reach: Reach) -> str:
    """What the model reaches for one figure, as text."""
    if figure.name == "revenue_per_employee":
        return "any value (solved exactly)"
    k = figure.kind
    return f"{k.format(reach.low[figure.name])} to {k.format(reach.high[figure.name])}"


def fit_tables(fit: ScenarioFit) -> tuple[Table, Table]:
    """The figures against the model, and the fitted parameters with their intervals."""
    plan = fit.plan
    figures = Table(title=f"Fit: loss {fit.result.loss:.4g} after {len(fit.result.trials)} trials")
    figures.add_column("target", no_wrap=True, min_width=max(len(f.name) for f in plan.figures))
    for col in ("observed", "model", "reachable", "verdict"):
        figures.add_column(col, justify="left" if col == "verdict" else "right")
    for f in plan.figures:
        k, m = f.kind, fit.measured[f.name]
        ok = abs(m - f.value) <= f.tolerance
        figures.add_row(
            f.name,
            f"{k.format(f.value)} ± {k.format_tolerance(f.tolerance)}",
            k.format(m),
            reach_text(f, fit.reach),
            "reproduced" if ok else "[bold red]NOT reproduced[/bold red]",
        )
    params = Table(title="Fitted parameters (90% interval: bootstrap over replications and "
                         "the figures' tolerance)")  # fmt: skip
    params.add_column("parameter", no_wrap=True, min_width=max(len(p) for p in fit.values))
    for col in ("base", "fitted", "90% interval", "searched"):
        params.add_column(col, justify="right")
    from sim.overrides import get_path

    searched = {f.path: f for f in plan.free}
    for path, value in fit.values.items():
        base = float(get_path(plan.params, path))
        lo_hi = fit.intervals.get(path)
        interval = f"{lo_hi[0]:.4g} to {lo_hi[1]:.4g}" if lo_hi else "-"
        if path in searched:
            r = searched[path]
            where = f"{r.low:g} to {r.high:g}"
        elif path == REVENUE_SCALE:
            where = "solved"
        else:
            where = f"the culture of {plan.scenario}"
        params.add_row(path, f"{base:.4g}", f"{value:.4g}", interval, where)
    return figures, params


def run_calibrate(
    scenario: str,
    out: Path,
    target: Sequence[str],
    targets: Path | None,
    fit: Sequence[str],
    trials: int,
    reps: int,
    seed: int,
    window: str | None,
    workers: int | None,
    storage: Path | None,
    console: Console,
    err_console: Console,
) -> int:
    """The whole command. Returns 0 when every figure is reproduced, 1 when one is not (the
    scenario is written anyway, with the misses in its header), 130 when interrupted."""
    from sim.studies.progress import Progress
    from sim.studies.scenario_fit import (
        reach_budget,
        run_scenario_fit,
        stored_trials,
        write_calibrated,
    )

    plan, study = prepare(scenario, out, target, targets, fit, reps, seed, window, storage)
    n = workers or os.cpu_count() or 1
    url = f"sqlite:///{study.resolve()}"
    done_before = stored_trials(url, plan.study_name()) if study.exists() else 0
    print_plan(plan, trials, n, study, done_before, console)
    budget = trials if plan.free else 1
    # Two bars one after the other: the reach check's, then the trials' (opened once the check
    # has printed what the model reaches). ``bars`` holds the one open.
    bars: list[Progress] = []

    def open_bar(bar: Progress) -> Progress:
        close_bar()
        bars.append(bar.__enter__())
        return bar

    def close_bar(exc: type[BaseException] | None = None) -> None:
        while bars:
            bars.pop().__exit__(exc, None, None)

    done = done_before

    def reached(reach: Reach) -> None:
        close_bar()
        console.print(
            f"  what the model reaches with the searched parameters within their bounds "
            f"({reach.points} points):",
            highlight=False,
        )
        for f in plan.figures:
            console.print(f"    {f.name}: {reach_text(f, reach)}", highlight=False)
        if not reach.misses(plan):
            open_bar(Progress("calibrating", budget, "trials", console=err_console))

    def advance(finished: int, best: float) -> None:
        nonlocal done
        if bars:
            bars[0].advance(finished - bars[0].done, status=f"best loss {best:.3g}")
        done = finished

    checking = open_bar(
        Progress("what the model reaches", reach_budget(plan), "points", console=err_console)
    )
    try:
        result = run_scenario_fit(
            plan, trials, n, url, on_check=checking.advance, on_reach=reached, on_trial=advance
        )
    except (KeyboardInterrupt, SystemError) as exc:
        # Ctrl-C inside compiled code (numba loading a cached kernel) arrives as a SystemError
        # caused by the KeyboardInterrupt: the same interruption.
        if not _caused_by_interrupt(exc):
            raise
        close_bar(KeyboardInterrupt)
        err_console.print(
            f"interrupted after {done} of {budget} trials; the study is kept in {study}: run the "
            "same command again to resume it",
            highlight=False,
        )
        return INTERRUPTED
    finally:
        close_bar()
    figures_table, params_table = fit_tables(result)
    console.print(figures_table)
    console.print(params_table)
    if result.interval_note:
        console.print(f"[yellow]{result.interval_note}[/yellow]", highlight=False)
    command = canonical_command(
        scenario, out, target, targets, fit, trials, reps, seed, plan.window
    )
    write_calibrated(result, out, command, str(study))
    console.print(
        f"wrote {out} (extends {plan.scenario}; this run took {result.seconds:.0f} s); compare "
        "the cultures "
        f"on it: servicechain compare {out} {out}@two_way",
        highlight=False,
    )
    if result.missed:
        err_console.print(
            "[bold red]not reproduced:[/bold red] "
            + "; ".join(result.missed)
            + ". The targets may pull against each other, or need more trials (--trials) or "
            "other free parameters (--fit)",
            highlight=False,
        )
        return 1
    return 0


def _caused_by_interrupt(exc: BaseException | None) -> bool:
    """True when ``exc`` is a KeyboardInterrupt or was raised because of one."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, KeyboardInterrupt):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


__all__ = ["canonical_command", "default_storage", "prepare", "run_calibrate"]
