"""Fitting the shipped defaults to published patterns (``servicechain fit-defaults``).

One default parameterization must reproduce every fit target at once: the patterns of
:mod:`sim.studies.patterns` whose role is ``fit`` (:data:`TARGETS`: the culture contrast of
two-way against the pyramid at the size the evidence allows, business-unit correlations near
Harter, Schmidt & Hayes 2002, the inverted pyramid also beating the pyramid, customers who reach
back to employees, a plausible sensitivity to internal hours). The loss reads those patterns
and nothing else: held-out patterns and model checks are for ``validate`` alone. This module
declares the free parameters (:data:`FREE`), measures a candidate with the runs and figure
functions ``validate`` uses (:mod:`sim.studies.runs`, :mod:`sim.studies.verdicts`), and runs
the calibration engine (:mod:`sim.studies.fit_engine`). The result is written to
``sim/fitted.toml``, which the schema reads its fitted defaults from: rerunning the fit with the
same seed and number of trials reproduces the shipped defaults.

How the fit's measurement differs from ``validate``'s (the figures and their formulas do not):
- fewer replications: ``reps`` per culture for the pyramid and two-way, half as many (at least
  2, the first of the same seeds) for the inverted pyramid and the side experiments
  (:data:`FIT_PLANS`); the best trials are measured again on three times as many;
- a fixed revenue per occasion: every run is simulated at :data:`MEASURED_AT` and its revenue
  (and so profit) is rescaled to the revenue per occasion that gives the pyramid a
  :data:`MARGIN_PYRAMID` operating margin (revenue scales linearly with it, costs not at all,
  and nothing else in the model reads it in absolute terms); the fitted default is that value;
- only the experiments, and the arms, its targets' figures read.
"""

from __future__ import annotations

import math
import os
import time
import tomllib
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import pandas as pd

from sim.studies.fit_engine import FitResult, FreeParameter, run_fit, total_loss
from sim.studies.patterns import UNITS, Pattern, fit_targets
from sim.studies.runs import (
    Task,
    culture_tasks,
    department_tasks,
    parameter_value,
    reverse_tasks,
    run_experiments,
)
from sim.studies.verdicts import experiments_for, measure_figures
from sim.studies.workers import process_pool

FITTED_FILE = Path(__file__).resolve().parents[1] / "fitted.toml"

# Bounds are the plausible range of each parameter; starts are the first trial (a previous fit's
# result, rounded): fixed, so that rerunning the fit repeats its trials exactly.
FREE: tuple[FreeParameter, ...] = (
    FreeParameter("behaviour.morale_base", 0.5, 0.9, 0.76),
    FreeParameter("behaviour.service_weight", 0.2, 1.5, 0.3618),
    FreeParameter("behaviour.pressure_weight", 0.05, 0.8, 0.2444),
    FreeParameter("behaviour.feedback_weight", 0.02, 0.6, 0.03),
    FreeParameter("behaviour.complaint_weight", 0.1, 1.5, 0.3),
    # How much more the service one asks of one's own manager counts (Gallup: managers account
    # for about 70% of the variance in their teams' engagement; the size is not published).
    FreeParameter("behaviour.manager_service_weight", 1.0, 5.0, 3.0),
    FreeParameter("workforce.quit_base_weekly", 0.003, 0.08, 0.035, log=True),
    # Harter et al.'s unit correlation of engagement with turnover (-0.36) needs morale to
    # matter for quitting; below about 3.5 a team's morale hardly moves its quits.
    FreeParameter("workforce.quit_morale_sensitivity", 3.5, 15.0, 10.0),
    FreeParameter("workforce.quit_propensity_sd", 0.3, 2.0, 0.6864),
    # Units' lasting differences that morale does not explain: their labour market (quits),
    # their margin per occasion (profit), their customers and location (satisfaction) and their
    # tools and processes (productivity); the unit correlations pin them down.
    FreeParameter("workforce.local_labour_market_sd", 0.05, 1.5, 1.3),
    FreeParameter("economics.local_price_sd", 0.05, 1.0, 1.0),
    FreeParameter("customers.local_conditions_sd", 0.01, 0.5, 0.1),
    FreeParameter("workforce.local_process_sd", 0.02, 0.5, 0.35),
    FreeParameter("customers.churn_sensitivity", 2.0, 12.0, 8.794),
    FreeParameter("customers.acquisition_rate", 0.01, 0.15, 0.1399, log=True),
    FreeParameter("customers.satisfaction_purchase_effect", 0.1, 1.5, 0.7675),
    FreeParameter("customers.weight_morale", 0.05, 0.8, 0.13),
    FreeParameter("customers.input_weight", 0.02, 0.6, 0.05),
    FreeParameter("behaviour.diligence_weight", 0.1, 0.6, 0.126),
)
# The revenue per occasion only sets the scale of revenue against costs (nothing in the model's
# dynamics reads it in absolute terms), so the fit does not search it: each candidate gets the
# value that puts the pyramid's operating margin at MARGIN_PYRAMID.
MARGIN_PYRAMID = 0.15
REVENUE_SCALE = "economics.revenue_per_occasion"
# The revenue per occasion every run of the fit is simulated at, before the rescaling: fixed, not
# the shipped default, so that a rerun does not depend on the file the last fit wrote (unit profit
# correlations read it a little). 75.1 is the default the shipped fit ran with.
MEASURED_AT = 75.1
# The fit's targets: the same objects validate judges (the pattern table's role "fit").
TARGETS: tuple[Pattern, ...] = fit_targets()
# The experiments whose money figures are rescaled to the solved revenue per occasion.
RESCALED = ("cultures", "departments")


# ----------------------------------------------------------------------------- measurement
# How the fit runs each experiment its targets read, for a candidate's overrides, the seeds of
# the two main cultures and the side seeds: only the arms its figures read. A new fit target
# whose figure reads another experiment needs a plan here.
FitPlan = Callable[[dict[str, Any], Sequence[int], Sequence[int]], list[Task]]
FIT_PLANS: dict[str, FitPlan] = {
    "cultures": lambda over, seeds, side: (
        culture_tasks(seeds, over, ("pyramid", "two_way"))
        + culture_tasks(side, over, ("inverted",))
    ),
    "reverse": lambda over, _seeds, side: reverse_tasks(side, over, ("base", "demanding")),
    "departments": lambda over, _seeds, side: department_tasks(side, over),
}


def measured_figures() -> tuple[str, ...]:
    """The figures the fit measures: its targets' (never a held-out pattern's or a check's)."""
    return tuple(dict.fromkeys(t.measure for t in TARGETS))


def fit_plan(
    values: dict[str, float], seeds: Sequence[int], side_seeds: Sequence[int]
) -> dict[str, list[Task]]:
    """The simulations of one candidate: each experiment its targets' figures read."""
    over = {REVENUE_SCALE: MEASURED_AT, **values}
    needed = experiments_for(measured_figures())
    missing = [name for name in needed if name not in FIT_PLANS]
    if missing:
        raise ValueError(f"fit-defaults has no plan for the experiments {missing} (FIT_PLANS)")
    return {name: FIT_PLANS[name](over, seeds, side_seeds) for name in needed}


def rescale_revenue(frames: dict[str, pd.DataFrame], scale: float) -> dict[str, pd.DataFrame]:
    """The frames with revenue multiplied by ``scale`` and profit recomputed (revenue - cost)
    in the experiments of :data:`RESCALED`."""
    out = dict(frames)
    for name in RESCALED:
        if name in out:
            frame = out[name].copy()
            frame["revenue"] = frame["revenue"] * scale
            frame["profit"] = frame["revenue"] - frame["cost"]
            out[name] = frame
    return out


def measure(
    values: dict[str, float],
    seeds: Sequence[int],
    side_seeds: Sequence[int],
    pool: Executor | None = None,
) -> dict[str, float]:
    """Every target's figure for one candidate (values override the presets), by target name,
    plus the revenue per occasion that puts the pyramid's margin at :data:`MARGIN_PYRAMID`."""
    frames = run_experiments(fit_plan(values, seeds, side_seeds), executor=pool)
    cultures = frames["cultures"]
    pyramid = cultures[cultures["scenario"] == "pyramid"]
    p_rev, p_cost = float(pyramid["revenue"].mean()), float(pyramid["cost"].mean())
    # Rescale revenue (and so profit) to the revenue per occasion that gives the pyramid its
    # margin: revenue scales linearly with it, costs not at all.
    scale = p_cost / (p_rev * (1.0 - MARGIN_PYRAMID)) if p_rev > 0 else math.nan
    figures = measure_figures(rescale_revenue(frames, scale), measured_figures())
    over = {REVENUE_SCALE: MEASURED_AT, **values}
    return {
        REVENUE_SCALE: scale * parameter_value(over, REVENUE_SCALE),
        **{t.name: figures[t.measure].value for t in TARGETS},
    }


# ----------------------------------------------------------------------------- the fit
def fit_defaults(
    trials: int = 40,
    reps: int = 6,
    seed: int = 0,
    workers: int | None = None,
    storage: str | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> FitResult:
    """Fit :data:`FREE` to :data:`TARGETS` (see the module docstring).

    Args:
        trials: Trials of the TPE sampler.
        reps: Replications per culture per trial (side experiments use half as many).
        seed: Seed of the sampler; replication seeds derive from it too.
        workers: Processes for the simulations (default: all cores).
        storage: Optuna storage URL to keep and resume the study.
        progress: Called after each trial with (trials done, best loss).
    """
    from sim.studies.seeds import replication_seeds

    seeds = replication_seeds(seed, reps)
    side = seeds[: max(2, reps // 2)]
    # The best trials are measured again on three times the replications (new seeds included),
    # so that the shipped defaults are not the luckiest draw of a noisy loss.
    more = replication_seeds(seed, 3 * reps)
    more_side = more[: max(2, 3 * reps // 2)]
    n = workers or os.cpu_count() or 1
    pool = process_pool(n) if n > 1 else None
    try:
        return run_fit(
            lambda values: measure(values, seeds, side, pool),
            FREE,
            TARGETS,
            trials=trials,
            seed=seed,
            storage=storage,
            study_name=f"defaults-seed{seed}-reps{reps}",
            progress=progress,
            confirm=lambda values: measure(values, more, more_side, pool),
            # An interrupted fit resumes exactly where it stopped: same trials, same result.
            reseed_each_trial=True,
        )
    finally:
        if pool is not None:
            pool.shutdown()


# ----------------------------------------------------------------------------- the file
def _round(value: float) -> float:
    """Four significant digits: what the schema ships."""
    return float(f"{value:.4g}")


def write_fitted(result: FitResult, trials: int, reps: int, seed: int, path: Path) -> Path:
    """Write the fitted defaults (with the fit's provenance and figures) as TOML."""
    import tomli_w

    doc = {
        "fit": {
            "command": (
                f"servicechain fit-defaults --trials {trials} --reps {reps} --seed {seed} --write"
            ),
            "trials": trials,
            "reps": reps,
            "seed": seed,
            "loss": round(result.loss, 4),
            "created": time.strftime("%Y-%m-%d"),
        },
        "defaults": {
            **{p.path: _round(result.best[p.path]) for p in FREE},
            REVENUE_SCALE: _round(result.measured[REVENUE_SCALE]),
        },
        "spread": {p.path: [_round(v) for v in result.spread[p.path]] for p in FREE},
        "measured": {t.name: round(result.measured.get(t.name, math.nan), 4) for t in TARGETS},
    }
    path.write_text(
        "# Written by `servicechain fit-defaults`; the schema reads [defaults] from here.\n"
        "# Rerun the command in [fit] to reproduce it. Do not edit by hand.\n\n"
        + tomli_w.dumps(doc)
    )
    return path


def read_fitted(path: Path = FITTED_FILE) -> dict[str, Any]:
    """The fitted-defaults file as a dict (empty sections when absent)."""
    if not path.is_file():
        return {"fit": {}, "defaults": {}, "spread": {}, "measured": {}}
    with path.open("rb") as fh:
        return tomllib.load(fh)


FIT_START = "<!-- fit-table:start -->"
FIT_END = "<!-- fit-table:end -->"


def fit_table_markdown(path: Path = FITTED_FILE) -> str:
    """The shipped fit as Markdown: how it was run, each target with its source, band and the
    fitted model's figure, and each fitted parameter with its spread over the best trials.

    docs/MODEL.md embeds it between ``FIT_START`` / ``FIT_END``;
    ``servicechain params --markdown --write docs/MODEL.md`` regenerates it with the parameter
    table, and a test checks that the document matches ``sim/fitted.toml``.
    """
    doc = read_fitted(path)
    fit = doc.get("fit", {})
    lines = [
        f"Fit: `{fit.get('command', 'not fitted')}`, loss {fit.get('loss', 'n/a')} "
        f"({fit.get('created', '')}).",
        "",
        "| target | source | band | aim | fitted model |",
        "|---|---|---|---|---|",
    ]
    measured = doc.get("measured", {})
    for t in TARGETS:
        m = measured.get(t.name)
        shown = "n/a" if m is None else t.show(m)
        aim = "-" if t.aim is None else UNITS[t.unit].show_bound(t.aim)
        lines.append(f"| `{t.name}` | {t.source} | {t.band_text()} | {aim} | {shown} |")
    lines += [
        "",
        "| fitted parameter | value | spread over the best trials (10th-90th percentile) |",
        "|---|---|---|",
    ]
    spread = doc.get("spread", {})
    for path_, value in doc.get("defaults", {}).items():
        lo_hi = spread.get(path_)
        text = f"{lo_hi[0]:g} to {lo_hi[1]:g}" if lo_hi else "solved for the pyramid's margin"
        lines.append(f"| `{path_}` | {value:g} | {text} |")
    return "\n".join(lines)


def report_lines(result: FitResult) -> list[tuple[str, str, str, str, str]]:
    """(target, source, band, aim, measured) rows for printing."""
    rows = []
    for t in TARGETS:
        m = result.measured.get(t.name, math.nan)
        mark = "ok" if t.band.contains(m) else "OUTSIDE"
        aim = "-" if t.aim is None else UNITS[t.unit].show_bound(t.aim)
        rows.append((t.name, t.source, t.band_text(), aim, f"{t.show(m)} {mark}"))
    return rows


def run_cli(
    trials: int,
    reps: int,
    seed: int,
    workers: int | None,
    storage: Path | None,
    out: Path | None,
    console: Any,
) -> int:
    """``servicechain fit-defaults``: fit with a progress bar, print the result, maybe write it.

    Returns:
        0 when every target lies in its band, 1 otherwise.
    """
    from rich.table import Table

    from sim.studies.progress import Progress

    url = f"sqlite:///{storage}" if storage is not None else None
    with Progress(f"fitting ({workers or os.cpu_count()} workers)", trials, "trials") as bar:
        done = 0

        def advance(n: int, _best: float) -> None:
            nonlocal done
            bar.advance(n - done)
            done = n

        result = fit_defaults(trials, reps, seed, workers, url, progress=advance)
    table = Table(title=f"Fit: loss {result.loss:.3f} after {trials} trials", show_lines=False)
    for col in ("target", "source", "band", "aim", "measured"):
        table.add_column(col, overflow="fold")
    for row in report_lines(result):
        table.add_row(*row)
    console.print(table)
    params = Table(title="Fitted parameters (10th-90th percentile over the best trials)")
    for col in ("parameter", "value", "spread"):
        params.add_column(col)
    for p in FREE:
        lo, hi = result.spread[p.path]
        params.add_row(p.path, f"{result.best[p.path]:.4g}", f"{lo:.4g} to {hi:.4g}")
    params.add_row(REVENUE_SCALE, f"{result.measured[REVENUE_SCALE]:.4g}", "solved for the margin")
    console.print(params)
    if out is not None:
        write_fitted(result, trials, reps, seed, out)
        console.print(f"wrote {out}")
    inside = all(t.band.contains(result.measured.get(t.name, math.nan)) for t in TARGETS)
    return 0 if inside else 1


__all__ = [
    "FITTED_FILE",
    "FIT_END",
    "FIT_START",
    "FREE",
    "TARGETS",
    "fit_defaults",
    "fit_plan",
    "fit_table_markdown",
    "measure",
    "measured_figures",
    "read_fitted",
    "report_lines",
    "run_cli",
    "total_loss",
    "write_fitted",
]
