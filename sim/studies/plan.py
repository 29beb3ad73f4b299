"""Planning: the best portfolio of levers (and, optionally, structural moves) under a budget.

``servicechain plan SCENARIO --budget B`` and :func:`plan` search the levers' doses (and with
``structure``, a delayer and a target span) for the portfolios that trade the objectives off
best (by default profit, annual turnover and customer satisfaction) within a yearly budget:

- **The search.** Optuna's multi-objective TPE sampler, seeded and reseeded per trial from the
  root seed and the number of trials done (:func:`sim.studies.fit_engine.trial_seed`), so a
  study kept in SQLite resumes where it stopped and ends as an uninterrupted one would. The
  first trial is the scenario as it is (no lever), the baseline every portfolio is read against.
- **The budget.** A portfolio's cost is each lever's running cost (``cost_per_employee_week`` x
  dose) per seat and year; a portfolio above the budget has every dose scaled down until it fits
  (so every trial is affordable). Structural moves cost nothing up front: what they save or
  cost (salaries, layoffs, vacancies) shows in the profit they produce.
- **Measuring.** Each trial runs ``reps`` replications on the same seeds (common random numbers:
  two portfolios differ by their levers, not their luck), each seed's warm-up run once and
  forked (levers and events act from week 1, so every portfolio shares it; :mod:`sim.forks`).
  Each objective is a KPI measured over the window of weeks: turnover as quits per mean
  headcount per year, money KPIs per year, others as their mean.
- **The front.** The trials no other trial beats on every objective (optuna's ``best_trials``)
  and the baseline are **re-evaluated on fresh seeds** (replications the search never saw).
  Each point reports its levers, doses, cost, and for each objective its level and its effect
  against the baseline without levers, each with a 95% CI over all its replications (the
  search's and the fresh ones). Common random numbers make the effects precise (paired
  replications) but not the levels: every trial shares the search's seeds, and with them their
  luck. A point is *confirmed* when the effect the search saw and the effect on the fresh seeds
  both lie inside the effect's CI (about a two-sample t-test at 5%): a point that only looked
  good by the luck of the search's seeds is not.

Output: a table, a Pareto chart and an offline HTML report a consultant can hand to a client;
from Python, :func:`plan` returns the front as a tidy frame.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.kpis import KPI_BY_NAME, KPI_NAMES, format_kpi
from sim.params import LEVERS, ParameterError, Params
from sim.studies.seeds import replication_seeds
from sim.studies.stats import mean_ci

DEFAULT_OBJECTIVES = ("profit", "turnover_annualized", "customer_satisfaction")
DEFAULT_TRIALS = 60
DEFAULT_REPS = 4
MAX_DOSE = 3.0
SPANS = (0, 5, 6, 8, 10, 12, 15)  # 0: no respan
STRUCTURE_WEEK = 1
PER_YEAR_UNITS = ("currency/week",)


# ----------------------------------------------------------------------------- objectives
@dataclass(frozen=True)
class Objective:
    """A KPI the plan optimizes.

    Attributes:
        name: The KPI's name (a column of ``model.kpis()``).
        maximize: True when higher is better (the KPI catalogue's direction).
    """

    name: str
    maximize: bool

    @property
    def label(self) -> str:
        kpi = KPI_BY_NAME[self.name]
        return f"{kpi.label} (per year)" if kpi.unit in PER_YEAR_UNITS else kpi.label

    def format(self, value: float) -> str:
        """The value as the KPI formatter shows it."""
        return format_kpi(value, self.name)


def objectives_from(names: Sequence[str]) -> tuple[Objective, ...]:
    """Objectives from KPI names, each with the direction the KPI catalogue gives.

    Raises:
        ParameterError: a name that is not a KPI, a KPI with no better direction (e.g.
            ``hires``), a repeated name, or none at all.
    """
    import difflib

    names = [n.strip() for n in names if n.strip()]
    if not names:
        raise ParameterError("objectives: give at least one KPI, e.g. profit")
    out = []
    for name in names:
        kpi = KPI_BY_NAME.get(name)
        if kpi is None:
            close = difflib.get_close_matches(name, KPI_NAMES, n=1, cutoff=0.6)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ParameterError(
                f"objective '{name}' is not a KPI.{hint} KPIs with a better direction: "
                f"{', '.join(k for k in KPI_NAMES if KPI_BY_NAME[k].higher_is_better is not None)}"
            )
        if kpi.higher_is_better is None:
            raise ParameterError(
                f"objective '{name}': the KPI has no better direction (more is neither better "
                "nor worse), so it cannot be optimized"
            )
        out.append(Objective(name, bool(kpi.higher_is_better)))
    if len({o.name for o in out}) != len(out):
        raise ParameterError(f"objectives: {', '.join(names)}: each KPI once")
    return tuple(out)


def measure_objectives(
    df: pd.DataFrame, objectives: Sequence[Objective], window: tuple[int, int]
) -> dict[str, float]:
    """Each objective over weeks ``window`` (inclusive) of one run's KPI frame."""
    w = df[(df["week"] >= window[0]) & (df["week"] <= window[1])]
    out = {}
    for o in objectives:
        if o.name == "turnover_annualized":
            headcount = float(w["headcount"].mean())
            value = float(w["quits"].sum()) / headcount / (len(w) / 52.0) if headcount else math.nan
        elif KPI_BY_NAME[o.name].unit in PER_YEAR_UNITS:
            value = float(w[o.name].mean()) * 52.0
        else:
            value = float(w[o.name].mean())
        out[o.name] = value
    return out


# ----------------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class PlanSpec:
    """Everything that defines a plan (and names its stored study).

    Attributes:
        scenario: The scenario as given.
        params: Its resolved parameters (the base every portfolio changes).
        seats: Seats of its organization (what lever costs are counted on).
        budget: Money per year the levers may cost (currency/year, >= 0).
        weeks: Weeks per run.
        window: First and last week measured (inclusive).
        objectives: The KPIs traded off.
        levers: The levers searched.
        max_dose: Highest dose tried.
        structure: Also search structural moves (a delayer, a target span) at
            :data:`STRUCTURE_WEEK`.
        reps: Replications per trial (and per re-evaluation).
        seed: Root seed of the sampler and the replications.
    """

    scenario: str
    params: Params
    seats: int
    budget: float
    weeks: int
    window: tuple[int, int]
    objectives: tuple[Objective, ...]
    levers: tuple[str, ...]
    max_dose: float
    structure: bool
    reps: int
    seed: int
    can_delayer: bool = True

    @property
    def seeds(self) -> list[int]:
        """The search's replication seeds (the same in every trial)."""
        return replication_seeds(self.seed, self.reps)

    @property
    def fresh_seeds(self) -> list[int]:
        """Seeds the search never used, for re-evaluating the front."""
        return replication_seeds(self.seed, 2 * self.reps)[self.reps :]

    def unit_costs(self) -> dict[str, float]:
        """Each lever's cost per year at dose 1 (currency/year): per seat and week x 52 x seats."""
        lv = self.params.interventions
        return {
            name: getattr(lv, name).cost_per_employee_week * 52.0 * self.seats
            for name in self.levers
        }

    def portfolio(self, doses: Mapping[str, float]) -> tuple[dict[str, float], float]:
        """The doses that fit the budget (all scaled down alike if needed) and their cost."""
        unit = self.unit_costs()
        cost = sum(unit[k] * doses.get(k, 0.0) for k in self.levers)
        scale = 1.0 if cost <= self.budget or cost == 0 else self.budget / cost
        fitted = {k: float(doses.get(k, 0.0)) * scale for k in self.levers}
        return fitted, sum(unit[k] * fitted[k] for k in self.levers)

    def overrides(self, doses: Mapping[str, float], delayer: bool, span: int) -> dict[str, Any]:
        """What a portfolio changes: lever intensities and structural events."""
        over: dict[str, Any] = {
            f"interventions.{k}.intensity": float(doses.get(k, 0.0)) for k in self.levers
        }
        events = [e.model_dump() for e in self.params.events]
        if delayer:
            events.append({"type": "delayer", "week": STRUCTURE_WEEK})
        if span:
            events.append({"type": "respan", "week": STRUCTURE_WEEK, "span": float(span)})
        if delayer or span:
            over["events"] = events
        return over

    def study_name(self) -> str:
        """A name that changes with anything that changes the trials (not their number)."""
        definition = {
            "version": 1,
            "params": self.params.model_dump(mode="json"),
            "budget": self.budget,
            "weeks": self.weeks,
            "window": list(self.window),
            "objectives": [o.name for o in self.objectives],
            "levers": list(self.levers),
            "max_dose": self.max_dose,
            "structure": self.structure,
            "reps": self.reps,
            "seed": self.seed,
        }
        digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
        return f"plan-{digest[:16]}"


def plan_spec(
    scenario: str | Path | Params = "pyramid",
    budget: float = 0.0,
    *,
    objectives: Sequence[str] = DEFAULT_OBJECTIVES,
    weeks: int | None = None,
    window: tuple[int, int] | None = None,
    levers: Sequence[str] | None = None,
    max_dose: float = MAX_DOSE,
    structure: bool = False,
    reps: int = DEFAULT_REPS,
    seed: int = 0,
    overrides: Mapping[str, Any] | None = None,
) -> PlanSpec:
    """Check a plan's inputs and resolve them (nothing is simulated).

    Raises:
        ParameterError: a negative or non-finite budget, an objective that is not a KPI, an
            unknown lever, a window outside the run, fewer than 2 replications, a bad scenario.
    """
    from sim.org import build_organization
    from sim.overrides import apply_overrides
    from sim.scenario import load_scenario

    if not (isinstance(budget, int | float) and math.isfinite(budget)) or budget < 0:
        raise ParameterError(
            f"budget = {budget}: must be a number of 0 or more (currency per year the levers "
            "may cost)"
        )
    from sim.arguments import check_overrides, check_reps, check_seed, check_weeks

    # Replications: at least 2 (a CI needs two).
    reps = check_reps(reps, "plan: reps", low=2)
    seed = check_seed(seed, "plan: seed")
    overrides = check_overrides(overrides, "plan: overrides")
    if weeks is not None:
        weeks = check_weeks(weeks, "plan: weeks", low=1)
    if not 0 < max_dose <= 8:
        raise ParameterError(f"max_dose = {max_dose}: must be above 0 and at most 8")
    objs = objectives_from(objectives)
    chosen = tuple(levers) if levers else LEVERS
    unknown = [k for k in chosen if k not in LEVERS]
    if unknown:
        raise ParameterError(f"levers: unknown {', '.join(unknown)}; levers: {', '.join(LEVERS)}")
    base = scenario if isinstance(scenario, Params) else load_scenario(scenario)
    params = apply_overrides(base, overrides, where=f"{scenario}: --set")
    n_weeks = int(weeks if weeks is not None else params.weeks)
    if n_weeks < 1:
        raise ParameterError(f"weeks = {n_weeks}: at least 1")
    first, last = window if window is not None else (1, n_weeks)
    if not 1 <= first <= last <= n_weeks:
        raise ParameterError(f"window = {first}-{last}: weeks measured must lie within 1-{n_weeks}")
    org = build_organization(
        params.org, params.economics.salary_base, params.economics.salary_level_ratio
    )
    return PlanSpec(
        scenario=str(scenario if not isinstance(scenario, Params) else "custom"),
        params=params,
        seats=org.n_seats,
        budget=float(budget),
        weeks=n_weeks,
        window=(int(first), int(last)),
        objectives=objs,
        levers=chosen,
        max_dose=float(max_dose),
        structure=bool(structure),
        reps=int(reps),
        seed=int(seed),
        can_delayer=org.n_levels >= 3,
    )


# ----------------------------------------------------------------------------- running
# Week-0 models of this process: every portfolio shares its seed's warm-up (levers and events act
# from week 1 only), so each is warmed up once and forked (sim.forks).
_WARM: Any = None


def run_portfolio(
    params: Params,
    overrides: Mapping[str, Any],
    seed: int,
    weeks: int,
    window: tuple[int, int],
    objectives: tuple[Objective, ...],
) -> dict[str, float]:
    """One replication of a portfolio: its objectives over the window."""
    global _WARM
    from sim.forks import WarmStarts
    from sim.overrides import apply_overrides

    if _WARM is None:
        _WARM = WarmStarts()
    chosen = apply_overrides(params, overrides, where="portfolio")
    model = _WARM.model(chosen, seed)
    return measure_objectives(model.run(weeks), objectives, window)


class PlanRunner:
    """Runs portfolios' replications, on a process pool when ``workers`` > 1 (use as a context
    manager; the workers exit with this process, :mod:`sim.studies.workers`)."""

    def __init__(self, spec: PlanSpec, workers: int = 1) -> None:
        self.spec = spec
        self.workers = max(1, int(workers))
        self._pool: Any = None

    def __enter__(self) -> PlanRunner:
        if self.workers > 1:
            from sim.studies.workers import process_pool

            self._pool = process_pool(self.workers)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=exc[0] is None, cancel_futures=True)
            self._pool = None

    def measure(
        self,
        overrides: Mapping[str, Any],
        seeds: Sequence[int],
        done: Callable[[], None] | None = None,
    ) -> list[dict[str, float]]:
        """Each replication's objectives for one portfolio."""
        s = self.spec
        args = (s.params, dict(overrides))
        tail = (s.weeks, s.window, s.objectives)
        if self._pool is None:
            out = []
            for seed in seeds:
                out.append(run_portfolio(*args, seed, *tail))
                if done is not None:
                    done()
            return out
        futures = [self._pool.submit(run_portfolio, *args, seed, *tail) for seed in seeds]
        out = []
        for f in futures:
            out.append(f.result())
            if done is not None:
                done()
        return out


# ----------------------------------------------------------------------------- the study
@dataclass
class PlanResult:
    """A plan's outcome.

    Attributes:
        spec: The plan.
        trials: One row per finished trial: ``trial``, ``cost``, ``dose:<lever>`` for each
            lever, ``delayer``, ``span``, each objective's mean (by name) and ``pareto``.
        front: Tidy frame, one row per (Pareto point, objective): ``point``, ``trial``,
            ``cost``, the doses, ``delayer``, ``span``, ``objective``, ``maximize``, the outcome
            ``mean`` with its 95% CI ``low``, ``high`` and its effect against the baseline
            without levers ``effect``, ``effect_low``, ``effect_high`` (over all the point's
            replications, the search's and the fresh ones; the effect from paired
            replications), the search's and the fresh seeds' own means and effects
            (``search_mean``, ``fresh_mean``, ``search_effect``, ``fresh_effect``) and
            ``inside``: both effects lie inside the effect's CI (:func:`outcome_columns`).
        baseline: Each objective's mean with no lever (the first trial).
        elapsed: Seconds the search and the re-evaluation took.
    """

    spec: PlanSpec
    trials: pd.DataFrame
    front: pd.DataFrame
    baseline: dict[str, float] = field(default_factory=dict)
    elapsed: float = 0.0

    def pareto_table(self) -> pd.DataFrame:
        """The front as one row per point: cost, doses, structure, and per objective its level
        and effect against the baseline with their CIs (columns ``<objective>``, ``_low``,
        ``_high``, ``_effect``, ``_effect_low``, ``_effect_high``) and ``_confirmed``."""
        return pareto_table(self.front)

    def figure(self):
        """The Pareto chart (a Plotly figure)."""
        from sim.studies.figures import pareto_figure

        return pareto_figure(self)


def pareto_table(front: pd.DataFrame) -> pd.DataFrame:
    """A tidy front (:attr:`PlanResult.front`) as one row per point."""
    if front.empty:
        return pd.DataFrame()
    keys = ["point", "trial", "cost", *[c for c in front if c.startswith("dose:")], "delayer",
            "span"]  # fmt: skip
    stats = {"mean": "", "low": "_low", "high": "_high", "effect": "_effect",
             "effect_low": "_effect_low", "effect_high": "_effect_high"}  # fmt: skip
    present = [c for c in stats if c in front.columns]
    wide = front.pivot_table(
        index=keys, columns="objective", values=[*present, "inside"], aggfunc="first"
    )
    out = front[keys].drop_duplicates().set_index(keys)
    for name in front["objective"].unique():
        for stat in present:
            out[f"{name}{stats[stat]}"] = wide[(stat, name)]
        out[f"{name}_confirmed"] = wide[("inside", name)].astype(bool)
    return out.reset_index().sort_values("point", ignore_index=True)


def _study(spec: PlanSpec, storage: str | None) -> Any:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    return optuna.create_study(
        study_name=spec.study_name(),
        storage=storage,
        directions=["maximize" if o.maximize else "minimize" for o in spec.objectives],
        load_if_exists=storage is not None,
    )


def _sampler(seed: int, startup: int) -> Any:
    import warnings

    import optuna

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.samplers.TPESampler(seed=seed, multivariate=True, n_startup_trials=startup)


def _suggest(spec: PlanSpec, trial: Any) -> tuple[dict[str, float], bool, int]:
    doses = {k: trial.suggest_float(f"dose:{k}", 0.0, spec.max_dose) for k in spec.levers}
    delayer = bool(trial.suggest_categorical("delayer", [False, True])) if (
        spec.structure and spec.can_delayer) else False  # fmt: skip
    span = int(trial.suggest_categorical("span", list(SPANS))) if spec.structure else 0
    return doses, delayer, span


def run_plan(
    spec: PlanSpec,
    trials: int = DEFAULT_TRIALS,
    workers: int = 1,
    storage: str | None = None,
    on_run: Callable[[str], None] | None = None,
) -> PlanResult:
    """Search, find the Pareto front and re-evaluate it on fresh seeds.

    Args:
        spec: The plan (:func:`plan_spec`).
        trials: Total trials (a resumed study runs only the missing ones).
        workers: Processes for the replications.
        storage: An optuna storage URL (``sqlite:///plan.db``) to keep and resume the study.
        on_run: Called with a status text after every replication run (for a progress bar).
    """
    from sim.studies.fit_engine import trial_seed

    started = time.perf_counter()
    study = _study(spec, storage)
    states = __import__("optuna").trial.TrialState
    done = sum(1 for t in study.trials if t.state == states.COMPLETE)
    if not study.trials:  # the baseline first: the scenario as it is
        study.enqueue_trial(
            {f"dose:{k}": 0.0 for k in spec.levers}
            | ({"delayer": False} if spec.structure and spec.can_delayer else {})
            | ({"span": 0} if spec.structure else {})
        )
    startup = min(20, max(trials // 4, 5))

    def status(text: str) -> Callable[[], None]:
        return (lambda: on_run(text)) if on_run is not None else (lambda: None)

    with PlanRunner(spec, workers) as runner:
        for finished in range(done, trials):
            study.sampler = _sampler(trial_seed(spec.seed, finished), startup)
            trial = study.ask()
            doses, delayer, span = _suggest(spec, trial)
            fitted, cost = spec.portfolio(doses)
            runs = runner.measure(
                spec.overrides(fitted, delayer, span), spec.seeds, status(f"trial {finished + 1}")
            )
            for name, value in fitted.items():
                trial.set_user_attr(f"dose:{name}", value)
            trial.set_user_attr("cost", cost)
            trial.set_user_attr("runs", runs)
            values = [float(np.mean([r[o.name] for r in runs])) for o in spec.objectives]
            study.tell(trial, values)
        complete = [t for t in study.trials if t.state == states.COMPLETE]
        best = sorted(study.best_trials, key=lambda t: t.number)
        base = complete[0]  # the scenario without levers (enqueued first)

        def fresh_runs(t: Any, label: str) -> list[dict[str, float]]:
            """A trial's replications on the fresh seeds; kept with the study, so a rerun does
            not measure them again."""
            runs = study.user_attrs.get(f"fresh:{t.number}")
            if runs is None:
                doses = {k: float(t.user_attrs[f"dose:{k}"]) for k in spec.levers}
                delayer, span = bool(t.params.get("delayer", False)), int(t.params.get("span", 0))
                runs = runner.measure(
                    spec.overrides(doses, delayer, span), spec.fresh_seeds, status(label)
                )
                study.set_user_attr(f"fresh:{t.number}", runs)
            return runs

        base_fresh = fresh_runs(base, "re-evaluating the baseline")
        rows = []
        for point, t in enumerate(best, start=1):
            fresh = fresh_runs(t, f"re-evaluating point {point} of {len(best)}")
            doses = {k: float(t.user_attrs[f"dose:{k}"]) for k in spec.levers}
            for o in spec.objectives:
                rows.append({
                    "point": point, "trial": t.number, "cost": float(t.user_attrs["cost"]),
                    **{f"dose:{k}": v for k, v in doses.items()},
                    "delayer": bool(t.params.get("delayer", False)),
                    "span": int(t.params.get("span", 0)), "objective": o.name,
                    "maximize": o.maximize,
                    **outcome_columns(o.name, t.user_attrs["runs"], fresh,
                                      base.user_attrs["runs"], base_fresh),
                })  # fmt: skip
    front_numbers = {t.number for t in best}
    table = pd.DataFrame([
        {"trial": t.number, "cost": float(t.user_attrs["cost"]),
         **{f"dose:{k}": float(t.user_attrs[f"dose:{k}"]) for k in spec.levers},
         "delayer": bool(t.params.get("delayer", False)), "span": int(t.params.get("span", 0)),
         **{o.name: float(v) for o, v in zip(spec.objectives, t.values, strict=True)},
         "pareto": t.number in front_numbers}
        for t in complete
    ]).sort_values("trial", ignore_index=True)  # fmt: skip
    first = table.iloc[0]
    return PlanResult(
        spec=spec,
        trials=table,
        front=pd.DataFrame(rows),
        baseline={o.name: float(first[o.name]) for o in spec.objectives},
        elapsed=time.perf_counter() - started,
    )


def outcome_columns(
    name: str,
    searched: Sequence[Mapping[str, float]],
    fresh: Sequence[Mapping[str, float]],
    base_searched: Sequence[Mapping[str, float]],
    base_fresh: Sequence[Mapping[str, float]],
) -> dict[str, float | bool]:
    """One point's outcome on one objective: its level and its effect against the baseline.

    Replication ``i`` of the point and of the baseline share a seed (common random numbers), so
    the effect is estimated from paired differences, which CRN makes precise; the level is not
    (every trial shares the search's seeds and their luck). Both are over all the point's
    replications, the search's and the fresh ones; the point is confirmed (``inside``) when the
    search's and the fresh seeds' effects both lie inside the effect's 95% CI (the two sets of
    seeds agree: about a two-sample t-test at 5%).
    """
    s = np.array([r[name] for r in searched])
    f = np.array([r[name] for r in fresh])
    ds = s - np.array([r[name] for r in base_searched])
    df = f - np.array([r[name] for r in base_fresh])
    mean, low, high = mean_ci(np.concatenate([s, f]))
    effect, e_low, e_high = mean_ci(np.concatenate([ds, df]))
    s_effect, f_effect = float(ds.mean()), float(df.mean())
    return {
        "mean": mean, "low": low, "high": high,
        "effect": effect, "effect_low": e_low, "effect_high": e_high,
        "search_mean": float(s.mean()), "fresh_mean": float(f.mean()),
        "search_effect": s_effect, "fresh_effect": f_effect,
        "inside": bool(e_low <= s_effect <= e_high and e_low <= f_effect <= e_high),
    }  # fmt: skip


def plan(
    scenario: str | Path | Params = "pyramid",
    budget: float = 0.0,
    *,
    trials: int = DEFAULT_TRIALS,
    reps: int = DEFAULT_REPS,
    weeks: int | None = None,
    objectives: Sequence[str] = DEFAULT_OBJECTIVES,
    structure: bool = False,
    levers: Sequence[str] | None = None,
    max_dose: float = MAX_DOSE,
    seed: int = 0,
    workers: int = 1,
    storage: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    window: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The best portfolios of levers under a yearly budget: the Pareto front, re-evaluated.

    Args:
        scenario: Preset name, scenario file, ``NAME@culture`` or Params.
        budget: Money per year the levers may cost (currency/year, >= 0).
        trials: Trials of the search (the first is the scenario without levers).
        reps: Replications per trial and per re-evaluation (common random numbers).
        weeks: Weeks per run (default the scenario's).
        objectives: KPIs to trade off (directions from the KPI catalogue).
        structure: Also search a delayer and a target span at week 1.
        levers: The levers to search (default all).
        max_dose: Highest dose tried per lever.
        seed: Root seed (sampler and replications).
        workers: Processes for the replications.
        storage: A SQLite file (or optuna URL) keeping the study; a rerun resumes it.
        overrides: Dotted-path overrides of the scenario.
        window: First and last week measured (default the whole run).

    Returns:
        The front as a tidy frame, one row per (point, objective) (see
        :attr:`PlanResult.front`); ``frame.attrs["result"]`` is the whole
        :class:`PlanResult` (trials, baseline, chart).

    Example (a small budget of trials; a real plan wants 60 or more)::

        import sim
        front = sim.plan("pyramid", budget=400_000, trials=8, reps=2, weeks=26)
        front.query("objective == 'profit'")[["point", "cost", "mean", "low", "high"]]
    """
    spec = plan_spec(scenario, budget, objectives=objectives, weeks=weeks, window=window,
                     levers=levers, max_dose=max_dose, structure=structure, reps=reps, seed=seed,
                     overrides=overrides)  # fmt: skip
    result = run_plan(spec, trials, workers, storage_url(storage))
    front = result.front.copy()
    front.attrs["result"] = result
    return front


def storage_url(storage: str | Path | None) -> str | None:
    """An optuna storage URL for a SQLite file (or a URL as given)."""
    if storage is None:
        return None
    text = str(storage)
    return text if "://" in text else f"sqlite:///{Path(text).resolve()}"


# ----------------------------------------------------------------------------- the report
def points_frame(result: PlanResult) -> pd.DataFrame:
    """One row per Pareto point for the table and the report: ``point``, ``portfolio`` (the
    levers in words), ``cost`` and per objective ``<name>`` (fresh mean), ``<name> CI``
    ``<name> effect`` (against the baseline, with its CI), ``<name> seeds`` (the search's and the
    fresh seeds' effects), as text, and ``confirmed`` (every objective's ``inside``)."""
    from sim.studies.figures import fmt_ci, portfolio_text

    wide = result.pareto_table()
    rows = []
    for _, r in wide.iterrows():
        row: dict[str, Any] = {
            "point": int(r["point"]),
            "trial": int(r["trial"]),
            "portfolio": portfolio_text(r),
            "short": portfolio_text(r, short=True),
            "cost": float(r["cost"]),
        }
        ok = True
        for o in result.spec.objectives:
            sub = result.front[(result.front["point"] == r["point"])
                               & (result.front["objective"] == o.name)].iloc[0]  # fmt: skip
            row[o.name] = float(sub["mean"])
            row[f"{o.name} ci"] = fmt_ci(sub["mean"], sub["low"], sub["high"], o.name)
            row[f"{o.name} effect"] = fmt_ci(
                sub["effect"], sub["effect_low"], sub["effect_high"], o.name, signed=True
            )
            signed = {"kpi": o.name, "signed": True}
            row[f"{o.name} seeds"] = (
                f"search {fmt_ci(sub['search_effect'], math.nan, math.nan, **signed)}, "
                f"fresh {fmt_ci(sub['fresh_effect'], math.nan, math.nan, **signed)}"
            )
            ok = ok and bool(sub["inside"])
        row["confirmed"] = ok
        rows.append(row)
    return pd.DataFrame(rows)


def report_html(result: PlanResult, command: str = "") -> str:
    """The plan as one self-contained HTML page (plotly.js inline): the chart, the points with
    their levers, cost and outcomes (search and fresh CIs), the baseline and the method."""
    import html as h

    from sim.studies.html import figure_div, page

    spec = result.spec
    table = points_frame(result)
    names = [o.name for o in spec.objectives]
    head = "".join(
        f"<th>{h.escape(KPI_BY_NAME[n].label)}<br><small>level [95% CI]</small></th>"
        f"<th><small>against no lever [95% CI]; search and fresh seeds</small></th>"
        for n in names
    )
    body_rows = []
    for _, r in table.iterrows():
        cells = "".join(f"<td>{h.escape(r[f'{n} ci'])}</td><td>{h.escape(r[f'{n} effect'])}"
                        f"<br><span class='dim'>{h.escape(r[f'{n} seeds'])}</span></td>"
                        for n in names)  # fmt: skip
        mark = "yes" if r["confirmed"] else "<b>no</b>"
        body_rows.append(
            f"<tr><td>{r['point']}</td><td class='txt'>{h.escape(r['portfolio'])}</td>"
            f"<td>{format_kpi(r['cost'])}</td>{cells}<td>{mark}</td></tr>"
        )
    base = ", ".join(
        f"{KPI_BY_NAME[n].label.lower()} {Objective(n, True).format(v)}"
        for n, v in result.baseline.items()
    )
    directions = ", ".join(
        f"{KPI_BY_NAME[o.name].label.lower()} ({'higher' if o.maximize else 'lower'} is better)"
        for o in spec.objectives
    )
    struct = (
        "Structural moves searched too: a delayer and a target span of control (5-15), at week "
        f"{STRUCTURE_WEEK}. "
        if spec.structure
        else ""
    )
    text = f"""<h1>servicechain plan: {h.escape(spec.scenario)}, budget {format_kpi(spec.budget)}
per year</h1>
<p>The best portfolios of levers the budget buys for <b>{h.escape(spec.scenario)}</b>
({spec.seats:,} seats), trading off {h.escape(directions)}, each measured over weeks
{spec.window[0]}-{spec.window[1]} of {spec.weeks}-week runs (money per year). {struct}
{len(result.trials)} trials of optuna's multi-objective TPE sampler (seed {spec.seed}), each with
{spec.reps} replications on the same seeds (common random numbers); the {len(table)} points no
other trial beats on every objective (the Pareto front) were then re-run on {spec.reps} fresh
seeds. Without levers (the first trial): {h.escape(base)}.</p>
{figure_div("fig-pareto")}
<h2>The Pareto front</h2>
<table><thead><tr><th>point</th><th>levers (dose) and moves</th><th>cost per year</th>{head}
<th>confirmed</th></tr></thead><tbody>{"".join(body_rows)}</tbody></table>
<p class="dim">Doses: 1 is a lever's documented default dose; effects saturate with the dose while
costs grow with it. A portfolio above the budget had all its doses scaled down to fit.
Levels and effects are means over all {2 * spec.reps} replications of a point (the search's
{spec.reps} seeds and {spec.reps} fresh ones) with Student-t 95% intervals; an effect is the
difference to the scenario without levers on the same seed (common random numbers make effects
precise, not levels). <i>Confirmed</i>: the effect on the search's seeds and on the fresh ones
both lie inside the effect's interval, so the two sets of seeds agree; a point that looked good
only by the luck of the search's seeds would not.</p>
{f"<p>Reproduce: <code>{h.escape(command)}</code></p>" if command else ""}"""
    style = ".txt { text-align: left; max-width: 420px; } .dim { color: #607d8b; }"
    return page(f"servicechain plan: {spec.scenario}", text, {"fig-pareto": result.figure()}, style)


def write_outputs(result: PlanResult, folder: Path, command: str = "") -> dict[str, Path]:
    """Write the plan's files into ``folder``: ``pareto.csv`` (one row per point),
    ``front.csv`` (tidy), ``trials.csv`` and ``plan.html``. Returns them by name."""
    from sim.studies.html import write_page

    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "pareto": folder / "pareto.csv",
        "front": folder / "front.csv",
        "trials": folder / "trials.csv",
        "report": folder / "plan.html",
    }
    result.pareto_table().to_csv(files["pareto"], index=False)
    result.front.to_csv(files["front"], index=False)
    result.trials.to_csv(files["trials"], index=False)
    write_page(files["report"], report_html(result, command))
    return files


FRONT_COLUMNS = ("point", "cost", "objective", "mean", "low", "high")


def check_front(front: pd.DataFrame, name: str) -> pd.DataFrame:
    """``front`` if it is a plan's tidy front (:attr:`PlanResult.front`), else a ParameterError
    naming what it lacks."""
    missing = [c for c in FRONT_COLUMNS if c not in front.columns]
    if missing or not any(c.startswith("dose:") for c in front.columns):
        lacks = ", ".join(missing) if missing else "dose:<lever> columns"
        raise ParameterError(
            f"{name}: not a plan's front (servicechain plan's front.csv); it lacks {lacks}"
        )
    if front.empty:
        raise ParameterError(f"{name}: the front has no point")
    return front


def read_front(folder_or_file: str | Path) -> pd.DataFrame:
    """A plan's tidy front read back from its folder or its ``front.csv`` (for the dashboard).

    Raises:
        ParameterError: the file is missing or is not a plan's front.
    """
    path = Path(folder_or_file)
    if path.is_dir():
        path = path / "front.csv"
    if not path.is_file():
        raise ParameterError(f"{path}: no plan front here (servicechain plan writes front.csv)")
    try:
        front = pd.read_csv(path)
    except (ValueError, OSError) as err:
        raise ParameterError(f"{path}: not a readable CSV file ({err})") from None
    return check_front(front, str(path))
