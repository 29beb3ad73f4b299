"""Fitting a scenario to a client's observed figures (``servicechain calibrate``).

A fit takes a base scenario (a preset, or a client's scenario with its org chart), the client's
figures (:mod:`sim.studies.targets`) and the free parameters to move: by default those the
target kinds name, or any numeric parameters given with bounds. It runs in three steps:

1. **What the model can reach.** Each free parameter alone at the low and the high end of its
   bounds (the others at the scenario's values), then for each target the two corners that push
   it furthest up and down. A figure beyond that range by more than its tolerance stops the fit
   before the budget is spent, with the range the model reaches and what else would move it.
   The ranges are kept with the study, so a resumed fit does not measure them again.
2. **The fit.** The calibration engine (:mod:`sim.studies.fit_engine`: optuna's TPE sampler,
   seeded, the scenario's own values as the first trial) minimizes the sum over targets of
   ``((model - observed) / tolerance)^2``. Each trial runs ``reps`` replications with the same
   seeds for every trial (common random numbers: two candidates differ by their parameters, not
   their luck). The study lives in optuna's SQLite storage and the sampler is reseeded per
   trial, so an interrupted fit resumes and ends exactly as an uninterrupted one.
3. **Uncertainty.** A bootstrap: 200 times, the replications are drawn with replacement and
   each observed figure moves by a normal error of half its tolerance (the tolerance read as
   the figure's 95% margin); every trial's loss is recomputed and the best trial's parameters
   recorded. The 5th-95th percentile of those is the parameter's 90% interval: the values
   consistent with the figures, their precision and the simulation's own noise. A parameter
   the targets do not determine (more free parameters than targets) shows a wide interval.
   The interval is only as good as the trials near the best: when the bootstrap's best moves
   among fewer than :data:`MIN_INTERVAL_TRIALS` different trials, or stays on one trial in more
   than 90% of the draws, the trials do not cover the best's neighbourhood, and a "90%
   interval" would merely span the few trials there are (often the base scenario's values and
   the fit) or shrink to a point; then no interval is given, and the fit says that its budget
   was too small and how many trials would do.

The result is a scenario file that ``extends`` the base (so the client's chart, survey and
settings stay where they are) with the fitted values, and a header saying how it was made.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.params import FIELDS, ParameterError, Params, field_spec
from sim.studies.fit_engine import FitResult, FreeParameter, Target, run_fit, total_losses
from sim.studies.targets import (
    REVENUE_SCALE,
    ObservedFigure,
    SearchRange,
    measure_run,
)

DEFAULT_TRIALS = 100
DEFAULT_REPS = 4
BOOTSTRAP_DRAWS = 200
BOOTSTRAP_STREAM = 2  # the bootstrap's random stream under the fit's seed (0, 1: replications)
CHECK_REPS = 2  # replications per point of the reach check
# For a 90% interval the bootstrap's best must move among this many different trials, and no
# trial may be the best in more than 90% of the draws (module docstring).
MIN_INTERVAL_TRIALS = 3
TRIALS_PER_PARAMETER = 20  # the budget suggested when that is not met: per free parameter
# Paths a fit never moves: the organization is the client's (the chart) or the preset's, and
# the horizon and warm-up are how the model is run, not what it is.
NOT_FITTED = ("org.", "weeks", "warmup_weeks")
SIGNIFICANT = 4  # digits of a fitted value in the written scenario


class UnreachableTarget(ParameterError):
    """A figure lies beyond what the model reaches with the free parameters in their bounds."""


# ----------------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class FitPlan:
    """Everything that defines a fit (and names its stored study).

    Attributes:
        scenario: The base scenario as given (preset name, path, or either with ``@culture``).
        base_file: The base scenario's file.
        culture: The culture of ``NAME@culture``, or None.
        params: The base scenario's resolved parameters (with the culture).
        figures: The observed figures.
        free: The searched parameters.
        window: First and last week of the measurement (inclusive).
        reps: Replications per trial.
        seed: Root seed of the sampler, the replications and the bootstrap.
    """

    scenario: str
    base_file: Path
    culture: str | None
    params: Params
    figures: tuple[ObservedFigure, ...]
    free: tuple[FreeParameter, ...]
    window: tuple[int, int]
    reps: int
    seed: int

    @property
    def solves_revenue(self) -> bool:
        """True when revenue per employee is a target (its scale is solved, not searched)."""
        return any(f.name == "revenue_per_employee" for f in self.figures)

    @property
    def targets(self) -> list[Target]:
        """The figures as the engine's targets: the value, and its tolerance as the band."""
        return [
            Target(f.name, f.value, f.value - f.tolerance, f.value + f.tolerance, 1.0, f.source)
            for f in self.figures
        ]

    @property
    def seeds(self) -> list[int]:
        """The replications' model seeds (the same in every trial)."""
        from sim.studies.seeds import replication_seeds

        return replication_seeds(self.seed, self.reps)

    def study_name(self) -> str:
        """A name that changes with anything that changes the fit's trials.

        The base's resolved parameters and the contents of its data files (chart, survey) are
        part of it, so a changed scenario starts a new study instead of resuming an old one.
        The number of trials is not: rerunning with more trials continues the study.
        """
        files = {}
        for key in ("chart", "survey", "survey_weights"):
            path = getattr(self.params.org, key)
            if path is not None and Path(path).is_file():
                files[key] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        definition = {
            "version": 1,
            "params": self.params.model_dump(mode="json"),
            "files": files,
            "figures": [(f.name, f.value, f.tolerance) for f in self.figures],
            "free": [(p.path, p.low, p.high, p.start, p.log) for p in self.free],
            "window": list(self.window),
            "reps": self.reps,
            "seed": self.seed,
        }
        digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
        return f"calibrate-{digest[:16]}"


def _check_fittable(path: str) -> None:
    spec = field_spec(path)  # unknown path: "did you mean"
    if path.startswith(NOT_FITTED) or path in NOT_FITTED:
        raise ParameterError(
            f"--fit {path}: the organization, the horizon and the warm-up are given, not fitted "
            "(the chart or the preset is the organization); choose a behavioural, workforce, "
            "customer or economics parameter"
        )
    if spec.kind not in ("float", "int"):
        raise ParameterError(f"--fit {path}: only numbers can be fitted; {path} is {spec.kind}")


def _search_range(text: str) -> SearchRange:
    """One ``--fit`` item: ``path`` (bounds from the defaults or the schema) or
    ``path=low:high``."""
    from sim.studies.targets import KINDS

    path, sep, bounds = text.partition("=")
    path = path.strip()
    _check_fittable(path)
    spec = FIELDS[path]
    known = {r.path: r for k in KINDS for r in k.free}
    if sep:
        low_text, colon, high_text = bounds.partition(":")
        try:
            low, high = float(low_text), float(high_text)
        except ValueError:
            low = high = math.nan
        if not colon or not (math.isfinite(low) and math.isfinite(high)):
            raise ParameterError(
                f"--fit {text!r}: expected path=LOW:HIGH with two numbers, e.g. "
                f"{path}={spec.low if spec.low is not None else 0:g}:"
                f"{spec.high if spec.high is not None else 1:g}"
            )
        log = known[path].log if path in known else False
        return _within_schema(SearchRange(path, low, high, log and low > 0), text)
    if path in known:
        return known[path]
    if spec.low is None or spec.high is None:
        raise ParameterError(
            f"--fit {path}: the schema gives no {'lower' if spec.low is None else 'upper'} "
            f"bound; give the range to search as {path}=LOW:HIGH"
        )
    return SearchRange(path, float(spec.low), float(spec.high))


def _within_schema(r: SearchRange, text: str) -> SearchRange:
    spec = FIELDS[r.path]
    lo = spec.low if spec.low is not None else -math.inf
    hi = spec.high if spec.high is not None else math.inf
    if not (lo <= r.low < r.high <= hi):
        from sim.params import describe_range

        raise ParameterError(
            f"--fit {text!r}: bounds must satisfy low < high within what {r.path} allows "
            f"({describe_range(spec)})"
        )
    return r


def free_parameters(
    fit: Sequence[str] | None, figures: Sequence[ObservedFigure], base: Params
) -> tuple[FreeParameter, ...]:
    """The searched parameters: those named with ``--fit`` (items may be comma-separated), or
    the target kinds' defaults. Each starts at the base scenario's value (within its bounds).

    Raises:
        ParameterError: an unknown or unfittable path (with a "did you mean"), bad bounds, or
            the revenue scale while revenue per employee is a target (it is solved exactly).
    """
    from sim.overrides import get_path

    if fit:
        items = [i.strip() for text in fit for i in text.split(",") if i.strip()]
        if not items:
            raise ParameterError("--fit: give one or more parameter paths, e.g. --fit "
                                 "workforce.quit_base_weekly")  # fmt: skip
        ranges = [_search_range(i) for i in items]
    else:
        ranges = [r for f in figures for r in f.kind.free]
    solves = any(f.name == "revenue_per_employee" for f in figures)
    seen: dict[str, SearchRange] = {}
    for r in ranges:
        if r.path == REVENUE_SCALE and solves:
            raise ParameterError(
                f"--fit {REVENUE_SCALE}: with a revenue_per_employee target it is solved exactly "
                "(revenue scales with it and nothing else reads it), not searched; leave it out"
            )
        if r.path in seen and seen[r.path] != r:
            raise ParameterError(f"--fit {r.path}: given twice with different bounds")
        seen[r.path] = r
    free = []
    for r in seen.values():
        current = float(get_path(base, r.path))
        start = min(max(current, r.low), r.high)
        if FIELDS[r.path].kind == "int":
            start = round(start)
        free.append(FreeParameter(r.path, r.low, r.high, start, r.log))
    return tuple(free)


def plan_fit(
    scenario: str,
    figures: Sequence[ObservedFigure],
    fit: Sequence[str] | None = None,
    window: tuple[int, int] | None = None,
    reps: int = DEFAULT_REPS,
    seed: int = 0,
) -> FitPlan:
    """Check everything about a fit before anything is simulated.

    Raises:
        ParameterError: an unknown or invalid scenario (ScenarioError), invalid free parameters.
    """
    from sim.scenario import load_scenario, resolve_path, split_spec
    from sim.studies.targets import DEFAULT_WINDOW

    params = load_scenario(scenario)
    name, culture = split_spec(scenario)
    if reps < 2:
        raise ParameterError(f"--reps {reps}: a fit needs 2 or more replications per trial")
    return FitPlan(
        scenario=scenario,
        base_file=resolve_path(name).resolve(),
        culture=culture,
        params=params,
        figures=tuple(figures),
        free=free_parameters(fit, figures, params),
        window=window or DEFAULT_WINDOW,
        reps=int(reps),
        seed=int(seed),
    )


# ----------------------------------------------------------------------------- measuring
class Simulator:
    """Runs candidates' replications, on a process pool when ``workers`` > 1.

    Use as a context manager; the pool's workers exit with this process (see
    :mod:`sim.studies.workers`).
    """

    def __init__(self, plan: FitPlan, workers: int = 1) -> None:
        self.plan = plan
        self.workers = max(1, int(workers))
        self._pool: Any = None

    def __enter__(self) -> Simulator:
        if self.workers > 1:
            from sim.studies.workers import process_pool

            self._pool = process_pool(self.workers)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            # After Ctrl-C nobody waits for the runs still queued.
            self._pool.shutdown(wait=exc[0] is None, cancel_futures=True)
            self._pool = None

    def candidate(self, values: dict[str, float]) -> Params | None:
        """The base parameters with ``values`` (and a revenue scale of 1 when it is solved);
        None when the combination breaks a rule of the schema (e.g. effort_min > effort_max)."""
        from sim.overrides import apply_overrides

        over = dict(values)
        if self.plan.solves_revenue:
            over[REVENUE_SCALE] = 1.0
        try:
            return apply_overrides(self.plan.params, over, where="candidate")
        except ParameterError:
            return None

    def measure(
        self,
        candidates: Sequence[dict[str, float]],
        reps: int | None = None,
        done: Callable[[], None] | None = None,
    ) -> list[dict[str, float]]:
        """Each candidate's figures (:func:`figures`), its replications run in parallel."""
        seeds = self.plan.seeds[: reps or self.plan.reps]
        params = [self.candidate(v) for v in candidates]
        window = self.plan.window
        if self._pool is None:
            futures = None
        else:
            futures = [
                [self._pool.submit(measure_run, p, s, window) for s in seeds] if p else []
                for p in params
            ]
        out = []
        for i, p in enumerate(params):
            if p is None:
                runs: list[dict[str, float]] = []
            elif futures is None:
                runs = [measure_run(p, s, window) for s in seeds]
            else:
                runs = [f.result() for f in futures[i]]
            out.append(figures(self.plan, runs))
            if done is not None:
                done()
        return out


def figures(plan: FitPlan, runs: Sequence[dict[str, float]]) -> dict[str, float]:
    """The fit's figures from one candidate's replications.

    Each target's mean (key: its name) and every replication's value (``name#r``); with a
    revenue target, the revenue per occasion that reproduces it (key: the parameter's path;
    the replications hold revenue per employee at a revenue per occasion of 1). No runs (an
    impossible candidate) gives no figures, which the engine scores as far off.
    """
    out: dict[str, float] = {}
    if not runs:
        return out
    for f in plan.figures:
        values = np.array([r[f.name] for r in runs], dtype=float)
        out.update({f"{f.name}#{i}": float(v) for i, v in enumerate(values)})
        out[f.name] = float(values.mean())
    if plan.solves_revenue:
        target = next(f.value for f in plan.figures if f.name == "revenue_per_employee")
        scale, reached = solve_revenue(target, out["revenue_per_employee"])
        out[REVENUE_SCALE] = scale
        out["revenue_per_employee"] = reached
    return out


def solve_revenue(target: float, per_unit: float | np.ndarray) -> tuple[Any, Any]:
    """The revenue per occasion that gives ``target`` revenue per employee, when one occasion
    earns ``per_unit``; within the schema's range (so what it reaches may fall short)."""
    high = FIELDS[REVENUE_SCALE].high or math.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(np.asarray(per_unit) > 0, target / np.asarray(per_unit), np.nan)
    scale = np.minimum(scale, high)
    reached = scale * np.asarray(per_unit)
    if np.ndim(scale) == 0:
        return float(scale), float(reached)
    return scale, reached


# ----------------------------------------------------------------------------- reach
@dataclass
class Reach:
    """What the model reaches with the free parameters in their bounds.

    Attributes:
        low: Per target, the lowest figure of the points tried.
        high: Per target, the highest.
        points: Number of parameter combinations tried.
    """

    low: dict[str, float]
    high: dict[str, float]
    points: int

    def misses(self, plan: FitPlan) -> list[str]:
        """A sentence for each figure beyond the range by more than its tolerance."""
        lines = []
        for f in plan.figures:
            lo, hi = self.low.get(f.name, math.nan), self.high.get(f.name, math.nan)
            if not (math.isfinite(lo) and math.isfinite(hi)):
                lines.append(f"{f.name}: the model could not measure it on this scenario")
                continue
            if lo - f.tolerance <= f.value <= hi + f.tolerance:
                continue
            k = f.kind
            moved = [p.path for p in plan.free]
            if moved:
                bounds = "its bounds" if len(moved) == 1 else "their bounds"
                how = f"with {', '.join(moved)} within {bounds} the model gives"
            else:
                how = "the model gives"
            others = [a for a in k.also if a not in moved]
            more = (
                f"Parameters that also move it: {', '.join(others)} (add them with --fit, as "
                "path or path=low:high); or check the figure and how it was measured"
                if others
                else "Check the figure and how it was measured"
            )
            lines.append(
                f"{f.name} = {k.format(f.value)} is out of reach: {how} {k.format(lo)} to "
                f"{k.format(hi)} on this scenario. {more}"
            )
        return lines


def reach_points(plan: FitPlan) -> list[dict[str, float]]:
    """The one-at-a-time points: the start, then each free parameter at its low and high end."""
    start = {p.path: p.start for p in plan.free}
    points = [start]
    for p in plan.free:
        points += [{**start, p.path: p.low}, {**start, p.path: p.high}]
    return points


def corner_points(plan: FitPlan, measured: Sequence[dict[str, float]]) -> list[dict[str, float]]:
    """For each target, the corners pushing it furthest up and down (each free parameter at
    the end that moved it that way alone), leaving out points already tried."""
    tried = [tuple(sorted(p.items())) for p in reach_points(plan)]
    corners: list[dict[str, float]] = []
    for f in plan.figures:
        up: dict[str, float] = {}
        down: dict[str, float] = {}
        for i, p in enumerate(plan.free):
            low, high = measured[1 + 2 * i], measured[2 + 2 * i]
            rises = high.get(f.name, math.nan) >= low.get(f.name, math.nan)
            up[p.path], down[p.path] = (p.high, p.low) if rises else (p.low, p.high)
        for c in (up, down):
            key = tuple(sorted(c.items()))
            if key not in tried:
                tried.append(key)
                corners.append(c)
    return corners


def reach_budget(plan: FitPlan) -> int:
    """The most points :func:`check_reach` measures (corners already tried are skipped)."""
    corners = 2 * len(plan.figures) if len(plan.free) > 1 else 0
    return len(reach_points(plan)) + corners


def check_reach(plan: FitPlan, sim: Simulator, on_point: Callable[[], None] | None = None) -> Reach:
    """Measure the one-at-a-time points and the corners (:data:`CHECK_REPS` replications each)
    and return the range each figure spans.

    Args:
        plan: The fit.
        sim: The simulator.
        on_point: Called after each point is measured.
    """
    reps = min(CHECK_REPS, plan.reps)
    points = reach_points(plan)
    measured = sim.measure(points, reps=reps, done=on_point)
    if len(plan.free) > 1:
        corners = corner_points(plan, measured)
        measured += sim.measure(corners, reps=reps, done=on_point)
        points += corners
    low, high = {}, {}
    for f in plan.figures:
        values = np.array([m.get(f.name, math.nan) for m in measured], dtype=float)
        if f.name == "revenue_per_employee":
            # The scale reaches any revenue per employee from 0 up to its own bound.
            per_unit = np.array(
                [np.mean([m.get(f"{f.name}#{i}", math.nan) for i in range(reps)])
                 for m in measured]
            )  # fmt: skip
            values = np.concatenate([[0.0], per_unit * (FIELDS[REVENUE_SCALE].high or math.inf)])
        finite = values[np.isfinite(values)]
        low[f.name] = float(finite.min()) if finite.size else math.nan
        high[f.name] = float(finite.max()) if finite.size else math.nan
    return Reach(low, high, len(points))


# ----------------------------------------------------------------------------- the fit
@dataclass
class ScenarioFit:
    """The outcome of a fit.

    Attributes:
        plan: What was fitted.
        result: The engine's result (every trial, the best, its figures).
        values: The fitted values to write, by path (rounded; the revenue scale when solved).
        intervals: Per fitted path, the 90% bootstrap interval over the replications; empty
            when the budget was too small for one (then ``interval_note`` says so).
        interval_note: Why there is no interval (the budget), or None.
        measured: The best trial's figures, by target name.
        reach: What the model reaches (the check before the fit).
        trials: The budget the fit ran with.
        seconds: Wall time of this run of the command (a resumed fit counts its own part).
    """

    plan: FitPlan
    result: FitResult
    values: dict[str, float]
    intervals: dict[str, tuple[float, float]]
    measured: dict[str, float]
    reach: Reach
    trials: int
    seconds: float = 0.0
    missed: list[str] = field(default_factory=list)
    interval_note: str | None = None

    @property
    def reached(self) -> bool:
        """True when every figure is reproduced within its tolerance."""
        return not self.missed


def run_scenario_fit(
    plan: FitPlan,
    trials: int = DEFAULT_TRIALS,
    workers: int = 1,
    storage: str | None = None,
    on_check: Callable[[], None] | None = None,
    on_reach: Callable[[Reach], None] | None = None,
    on_trial: Callable[[int, float], None] | None = None,
) -> ScenarioFit:
    """Check what the model reaches, fit, and bootstrap the fitted values' intervals.

    Args:
        plan: The fit (:func:`plan_fit`).
        trials: Trials of the sampler (one when nothing is searched: only the revenue scale).
        workers: Processes for the simulations.
        storage: Optuna storage URL (``sqlite:///path``) keeping the study, so a rerun resumes.
        on_check: Called after each point of the reach check (at most
            :func:`reach_budget` points).
        on_reach: Called with the reach check's result before the fit starts.
        on_trial: Called as ``on_trial(trials done, best loss)`` after each trial.

    Raises:
        UnreachableTarget: a figure is beyond what the model reaches (nothing is fitted).
    """
    started = time.perf_counter()
    trials = trials if plan.free else 1
    with Simulator(plan, workers) as sim:
        reach = stored_reach(storage, plan.study_name())
        if reach is None:
            reach = check_reach(plan, sim, on_check)
            if storage is not None and not reach.misses(plan):
                store_reach(storage, plan.study_name(), reach)
        if on_reach is not None:
            on_reach(reach)
        misses = reach.misses(plan)
        if misses:
            raise UnreachableTarget("\n".join(misses))
        result = run_fit(
            lambda values: sim.measure([values])[0],
            plan.free,
            plan.targets,
            trials=trials,
            seed=plan.seed,
            storage=storage,
            study_name=plan.study_name(),
            progress=on_trial,
            reseed_each_trial=True,
        )
    values = {p.path: _round(result.best[p.path]) for p in plan.free}
    if plan.solves_revenue:
        values[REVENUE_SCALE] = _round(result.measured[REVENUE_SCALE])
    if plan.culture is not None:
        values["culture.service_direction"] = plan.params.culture.service_direction
    measured = {f.name: result.measured.get(f.name, math.nan) for f in plan.figures}
    missed = [
        f"{f.name}: the best fit gives {f.kind.format(measured[f.name])}, not "
        f"{f.kind.format(f.value)} ± {f.kind.format_tolerance(f.tolerance)}"
        for f in plan.figures
        if not abs(measured[f.name] - f.value) <= f.tolerance
    ]
    chosen, scales = bootstrap_choices(plan, result)
    note = interval_shortfall(plan, chosen, len(result.trials))
    return ScenarioFit(
        plan=plan,
        result=result,
        values=values,
        intervals={} if note else intervals_of(plan, result, chosen, scales),
        measured=measured,
        reach=reach,
        trials=trials,
        seconds=time.perf_counter() - started,
        missed=missed,
        interval_note=note,
    )


def bootstrap_intervals(
    plan: FitPlan, result: FitResult, draws: int = BOOTSTRAP_DRAWS
) -> dict[str, tuple[float, float]]:
    """Per fitted path, the 5th-95th percentile of the best trial's value over bootstrap draws
    (see the module docstring), whatever the budget (:func:`interval_shortfall` judges it)."""
    chosen, scales = bootstrap_choices(plan, result, draws)
    return intervals_of(plan, result, chosen, scales)


def bootstrap_choices(
    plan: FitPlan, result: FitResult, draws: int = BOOTSTRAP_DRAWS
) -> tuple[np.ndarray, np.ndarray | None]:
    """The trial each bootstrap draw picks as best (row of ``result.trials``), and with a
    solved revenue the scale it solves to: each draw resamples the replications with
    replacement and moves each observed figure by a normal error of half its tolerance (the
    tolerance read as the figure's 95% margin), then picks the trial with the least loss."""
    table = result.trials
    rng = np.random.default_rng([plan.seed, BOOTSTRAP_STREAM])
    raw = {}
    for f in plan.figures:
        columns = [f"{f.name}#{i}" for i in range(plan.reps)]
        raw[f.name] = (
            table[columns].to_numpy(dtype=float)
            if all(c in table for c in columns)
            else np.full((len(table), plan.reps), np.nan)
        )
    chosen = np.empty(draws, dtype=np.int64)
    scales = np.empty(draws) if plan.solves_revenue else None
    for d in range(draws):
        idx = rng.integers(0, plan.reps, plan.reps)
        means = {name: values[:, idx].mean(axis=1) for name, values in raw.items()}
        targets = []
        for f in plan.figures:
            value = f.value + rng.normal(0.0, f.tolerance / 2.0)
            targets.append(Target(f.name, value, value - f.tolerance, value + f.tolerance))
        scale = None
        if plan.solves_revenue:
            target = next(t.value for t in targets if t.name == "revenue_per_employee")
            scale, means["revenue_per_employee"] = solve_revenue(
                target, means["revenue_per_employee"]
            )
        losses = total_losses(targets, means)
        chosen[d] = int(np.argmin(np.where(np.isfinite(losses), losses, np.inf)))
        if scales is not None and scale is not None:
            scales[d] = float(scale[chosen[d]])
    return chosen, scales


def intervals_of(
    plan: FitPlan, result: FitResult, chosen: np.ndarray, scales: np.ndarray | None
) -> dict[str, tuple[float, float]]:
    """The 5th-95th percentile of each fitted value over the bootstrap's choices."""
    values = {p.path: result.trials[p.path].to_numpy(dtype=float)[chosen] for p in plan.free}
    if scales is not None:
        values[REVENUE_SCALE] = scales
    return {
        p: (float(np.nanpercentile(v, 5)), float(np.nanpercentile(v, 95)))
        for p, v in values.items()
    }


def interval_shortfall(plan: FitPlan, chosen: np.ndarray, trials: int) -> str | None:
    """Why the budget is too small for a 90% interval, or None when it is not.

    The bootstrap's best must move among at least :data:`MIN_INTERVAL_TRIALS` different trials,
    none of them the best in more than 90% of the draws (else its 5th-95th percentile is one
    trial's value): otherwise the trials do not cover the neighbourhood of the best.
    """
    if not plan.free:
        return None
    _, counts = np.unique(chosen, return_counts=True)
    top_share = counts.max() / chosen.size
    if counts.size >= MIN_INTERVAL_TRIALS and top_share <= 0.9:
        return None
    suggested = max(2 * trials, TRIALS_PER_PARAMETER * len(plan.free))
    if counts.size < MIN_INTERVAL_TRIALS:
        among = "one trial" if counts.size == 1 else f"{counts.size} trials"
        why = f"the bootstrap's best moved among {among} only"
    else:
        why = f"one trial was the bootstrap's best in {top_share:.0%} of the draws"
    return (
        f"no 90% interval: the budget of {trials} trials is too small for one ({why}, so an "
        f"interval would just span the trials there are); rerun with --trials {suggested} or "
        "more (the study resumes)"
    )


def _round(value: float) -> float:
    """A fitted value as the scenario file shows it (:data:`SIGNIFICANT` digits)."""
    return float(f"{value:.{SIGNIFICANT}g}")


def _study(storage: str, study_name: str, create: bool = False) -> Any:
    """The stored study (created when ``create``), or None when there is none."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    sqlite = storage.removeprefix("sqlite:///") if storage.startswith("sqlite:///") else None
    if not create and sqlite is not None and not Path(sqlite).exists():
        return None  # loading would create an empty database file
    if create:
        return optuna.create_study(
            study_name=study_name, storage=storage, direction="minimize", load_if_exists=True
        )
    try:
        return optuna.load_study(study_name=study_name, storage=storage)
    except KeyError:
        return None


def stored_reach(storage: str | None, study_name: str) -> Reach | None:
    """The reach check a stored study was started with (a resumed fit does not repeat it)."""
    study = _study(storage, study_name) if storage is not None else None
    if study is None or "reach" not in study.user_attrs:
        return None
    saved = study.user_attrs["reach"]
    return Reach(dict(saved["low"]), dict(saved["high"]), int(saved["points"]))


def store_reach(storage: str, study_name: str, reach: Reach) -> None:
    """Keep the reach check with the study, before its first trial."""
    study = _study(storage, study_name, create=True)
    study.set_user_attr("reach", {"low": reach.low, "high": reach.high, "points": reach.points})


def stored_trials(storage: str, study_name: str) -> int:
    """Finished trials of a stored study (0 when there is none yet)."""
    study = _study(storage, study_name)
    return 0 if study is None else sum(1 for t in study.trials if t.value is not None)


# ----------------------------------------------------------------------------- the scenario
def extends_reference(base_file: Path, out: Path) -> str:
    """What the written scenario's ``extends`` says to load ``base_file`` from ``out``'s folder.

    A preset by name; else the base's path relative to ``out``'s folder, which must hold it
    (directly or below): scenario files may extend only presets and files beside them.

    Raises:
        ParameterError: ``out`` is the base itself, or its folder does not hold the base.
    """
    from sim.scenario import SCENARIO_DIR

    base = base_file.resolve()
    if base.parent == SCENARIO_DIR.resolve():
        return base.stem
    folder = out.resolve().parent
    if out.resolve() == base:
        raise ParameterError(
            f"--out {out}: is the base scenario itself; write the calibrated scenario to a new "
            "file beside it"
        )
    try:
        return base.relative_to(folder).as_posix()
    except ValueError:
        raise ParameterError(
            f"--out {out}: the calibrated scenario extends {base_file}, and a scenario may "
            f"extend only presets and files in its own folder ({folder}) or below it; write "
            f"it beside the base scenario, e.g. --out {base.parent / (base.stem + '_fitted.toml')}"
        ) from None


def _nest(values: dict[str, float]) -> dict[str, Any]:
    from sim.overrides import set_path

    doc: dict[str, Any] = {}
    for path, value in values.items():
        spec = FIELDS[path]
        set_path(doc, path, round(value) if spec.kind == "int" else value)
    return doc


def header_lines(fit: ScenarioFit, command: str, study: str | None) -> list[str]:
    """The comment block heading a calibrated scenario: how it was made and how well it fits."""
    from sim.version import __version__

    plan = fit.plan
    r = fit.result
    lines = [
        f"Calibrated scenario, written by `servicechain calibrate` on "
        f"{time.strftime('%Y-%m-%d')} (servicechain {__version__}):",
        *_command_lines(command),
        "It extends the base scenario: everything not set below comes from there.",
        f"Fit: {fit.trials} trials of optuna's TPE sampler (seed {plan.seed}), "
        f"{plan.reps} replications per trial with common random numbers; figures measured "
        f"over weeks {plan.window[0]}-{plan.window[1]}; loss {r.loss:.4g} "
        "(sum of ((model - observed) / tolerance)^2).",
    ]
    if study:
        lines.append(f"Study: {study} (rerunning the command resumes or repeats it).")
    lines.append("Figure                          observed                  model")
    for f in plan.figures:
        m = fit.measured[f.name]
        verdict = "reproduced" if abs(m - f.value) <= f.tolerance else "NOT REPRODUCED"
        lines.append(
            f"  {f.name:28s}  {f.kind.format(f.value):>10s} ± "
            f"{f.kind.format_tolerance(f.tolerance):12s}  {f.kind.format(m):>10s}  {verdict}"
        )
        if f.source:
            lines.append(f"      source: {f.source}")
    lines.append("Parameter                              fitted   90% interval (bootstrap)")
    searched = {p.path for p in plan.free} | ({REVENUE_SCALE} if plan.solves_revenue else set())
    for path, value in fit.values.items():
        lo_hi = fit.intervals.get(path)
        if lo_hi is not None:
            shown = f"{lo_hi[0]:.4g} to {lo_hi[1]:.4g}"
        else:
            shown = "none (see below)" if path in searched else "the culture of the base"
        lines.append(f"  {path:36s} {value:>8.4g}   {shown}")
    if fit.interval_note:
        lines.append(fit.interval_note[0].upper() + fit.interval_note[1:] + ".")
    return lines


def write_calibrated(fit: ScenarioFit, out: Path, command: str, study: str | None) -> Path:
    """Write the calibrated scenario: the header, texts, ``extends`` and the fitted values.

    The file is checked by loading it back (from where it is written).
    """
    import tomli_w

    from sim.scenario import scenario_info

    plan = fit.plan
    info = scenario_info(plan.base_file)
    figures_text = ", ".join(f"{f.kind.label} {f.kind.format(f.value)}" for f in plan.figures)
    base_name = plan.scenario
    calibrated = (
        f"Calibrated with `servicechain calibrate` to {figures_text} (measured over weeks "
        f"{plan.window[0]}-{plan.window[1]}): "
        + ", ".join(f"{path} = {value:g}" for path, value in fit.values.items())
        + ". The file's header says how well each figure is reproduced."
    )
    doc: dict[str, Any] = {
        "description": f"{base_name} calibrated to {figures_text}. {info['description']}".strip(),
        "narrative": (info["narrative"] + "\n\n" if info["narrative"] else "")
        + "\n".join(_wrap([calibrated], 96)).replace("\n  ", "\n")
        + "\n",
    }
    for key in ("notice", "try"):
        if info[key]:
            doc[key] = info[key]
    doc["extends"] = extends_reference(plan.base_file, out)
    doc.update(_nest(fit.values))
    header = "".join(f"# {line}\n" for line in _wrap(header_lines(fit, command, study)))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + "\n" + tomli_w.dumps(doc, multiline_strings=True))
    check_written(out, fit.values)
    return out


def _command_lines(command: str, width: int = 94) -> list[str]:
    """A command line folded at its arguments with shell continuations (copy-pastable)."""
    import shlex

    words = shlex.split(command)
    pieces: list[str] = []
    for w in words:  # an option and its value stay together
        if (
            pieces
            and pieces[-1].startswith("--")
            and " " not in pieces[-1]
            and not w.startswith("-")
        ):
            pieces[-1] += " " + shlex.quote(w)
        else:
            pieces.append(shlex.quote(w))
    lines, line = [], "  "
    for piece in pieces:
        if len(line) + len(piece) + 3 > width and line.strip():
            lines.append(line + " \\")
            line = "    "
        line += ("" if line.endswith(" ") else " ") + piece
    return [*lines, line]


def _wrap(lines: Sequence[str], width: int = 96) -> list[str]:
    """Long header lines folded to ``width``, continuation lines indented (tables stay)."""
    import textwrap

    out: list[str] = []
    for line in lines:
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        out += textwrap.wrap(
            line,
            width,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return out


def check_written(out: Path, values: dict[str, float]) -> None:
    """Load the written scenario back and check it carries the fitted values."""
    from sim.overrides import get_path
    from sim.scenario import load_scenario

    params = load_scenario(out)
    for path, value in values.items():
        got = float(get_path(params, path))
        if not math.isclose(got, value, rel_tol=1e-9, abs_tol=1e-12):
            raise ParameterError(f"{out}: {path} loads as {got}, not the fitted {value}")


__all__ = [
    "DEFAULT_REPS",
    "DEFAULT_TRIALS",
    "FitPlan",
    "Reach",
    "ScenarioFit",
    "Simulator",
    "UnreachableTarget",
    "bootstrap_choices",
    "bootstrap_intervals",
    "check_reach",
    "extends_reference",
    "free_parameters",
    "interval_shortfall",
    "plan_fit",
    "reach_budget",
    "run_scenario_fit",
    "stored_trials",
    "write_calibrated",
]
