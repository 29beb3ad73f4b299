"""The simulations behind the patterns' figures: one task per kind of run, grouped in experiments.

Each task is a module-level function of plain arguments returning a plain dict (one row of its
experiment's frame), so that it runs in worker processes; every run goes through the one
windowed runner of :mod:`sim.studies.measures`. An experiment is a named list of tasks
(:func:`plan_tasks`); ``validate`` runs them all, ``fit-defaults`` the ones its targets need
(with its candidate's overrides), and :mod:`sim.studies.verdicts` turns the frames into
figures. Replication r uses the same seed in every arm (common random numbers), so
differences between arms are paired; the seeds derive from the root seed as in compare and
sweeps (:func:`sim.studies.seeds.replication_seeds`).

The experiments:
- ``cultures``: each culture preset over the analysis window, with its business units (a team
  under one manager): unit morale surveyed at the start of the final year against that year's
  outcomes, and each outcome's annual test-retest reliability (Harter, Schmidt & Hayes 2002).
- ``links``: organizations drawn by Latin hypercube (:data:`LINK_SWEEP_BOUNDS`), the chain's
  KPIs over the final year of a three-year run.
- ``leavers``: a frontline employee leaves and the seat stays vacant.
- ``surge``: the pyramid with and without a temporary demand surge (:data:`SURGE`), weekly.
- ``levers``: each lever alone at each dose of :data:`DOSES` on the pyramid.
- ``reverse``: customers reach back (Schneider et al. 2003, 2005): a competitor, more
  demanding customers, vacant seats left uncovered (:data:`REVERSE_WINDOW`).
- ``stationary``: every preset left alone for ten years.
- ``weakest``: one failing internal supplier against the same loss spread out.
- ``departments``: half of one department's internal hours, over the analysis window.
- ``layoffs``: a tenth of the pyramid laid off, against none: the survivors' year after.
- ``interventions``: organizations given a culture and lever doses by Latin hypercube: how
  customer satisfaction and revenue move with morale across them.
- ``pool``: the hiring pool a little less service-minded from week 1: the culture five years on.
- ``explain``: two-way against the pyramid decomposed into the culture's channels
  (:mod:`sim.studies.explain`).
- ``bounds``: every parameter over its range and the extremes (:mod:`sim.studies.bounds`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from sim.scenario import CULTURE_PRESETS
from sim.state import BAND_VALUES
from sim.studies.measures import (
    RUN_WEEKS,
    WINDOW,
    Window,
    run_window,
    simulate,
    unit_correlations,
    window_figures,
)
from sim.studies.seeds import replication_seeds, sampler_seed
from sim.studies.stats import latin_hypercube
from sim.studies.workers import process_pool


class Task(NamedTuple):
    """One simulation: a module-level function and its keyword arguments."""

    fn: Callable[..., dict[str, Any]]
    kwargs: dict[str, Any]


# ----------------------------------------------------------------------------- culture runs
UNIT_WINDOW = 52  # a business unit's outcomes are measured over one year


class UnitYears:
    """Observer of a culture run: business units' outcomes in the two years before ``last``.

    A business unit is a team: a manager's direct reports, indexed by the manager's seat. Over
    each of the two final years it measures, per unit, the customer satisfaction of the unit's
    customers, turnover (quits per seat), productivity (mean effective output of the members at
    the start of the year) and profit (the margin of the encounters the unit served less its
    salaries, per seat and week); between them it surveys unit morale (the members' mean).
    """

    def __init__(self, last: int) -> None:
        if last <= 2 * UNIT_WINDOW:
            raise ValueError(f"business units need a run of more than two years, got {last}")
        self.last = last
        self.years: list[dict[str, np.ndarray]] = []
        self.morale_survey: np.ndarray | None = None

    def __call__(self, model: Any, week: int) -> None:
        opens = self.last - 2 * UNIT_WINDOW
        if week == opens:
            self._open(model)
        elif opens < week <= self.last:
            self._add_week(model)
            if week == self.last - UNIT_WINDOW:
                self.years.append(self._close(model))
                s, o = model.state, model.org
                members = o.has_manager & s.filled
                team = o.manager_safe
                survey = np.bincount(team[members], weights=s.morale[members], minlength=o.n_seats)
                survey /= np.maximum(np.bincount(team[members], minlength=o.n_seats), 1)
                self.morale_survey = survey
                self._open(model)
            elif week == self.last:
                self.years.append(self._close(model))

    def _open(self, model: Any) -> None:
        s, o = model.state, model.org
        n = o.n_seats
        self._members = o.has_manager & s.filled
        self._size = np.bincount(o.manager_safe[o.has_manager], minlength=n).astype(float)
        self._quits0 = s.seat_quits.copy()
        self._sat_sum = np.zeros(n)
        self._sat_cnt = np.zeros(n)
        self._prod_sum = np.zeros(n)
        self._margin = np.zeros(n)

    def _add_week(self, model: Any) -> None:
        from sim.phases.economics import seat_revenue
        from sim.phases.weekly_kpis import seat_productivity

        s, o = model.state, model.org
        n, team, has, members = o.n_seats, o.manager_safe, o.has_manager, self._members
        wk = model.last_week
        counts = s.customers.sum(axis=1)
        self._sat_sum += np.bincount(
            team, weights=(s.customers * BAND_VALUES).sum(axis=1) * has, minlength=n
        )
        self._sat_cnt += np.bincount(team, weights=counts * has, minlength=n)
        prod = seat_productivity(s, model.params, wk.conditions)
        self._prod_sum += np.bincount(
            team[members], weights=prod[members], minlength=n
        ) / np.maximum(np.bincount(team[members], minlength=n), 1)
        revenue = seat_revenue(s, model.params, wk.encounters.served)
        earned = revenue - np.where(s.filled, o.salary_week, 0.0)
        self._margin += np.bincount(team[has], weights=earned[has], minlength=n)

    def _close(self, model: Any) -> dict[str, np.ndarray]:
        s, o = model.state, model.org
        team, has = o.manager_safe, o.has_manager
        quits = np.bincount(
            team[has], weights=(s.seat_quits - self._quits0)[has], minlength=o.n_seats
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            return {
                "satisfaction": self._sat_sum / self._sat_cnt,
                "turnover": quits / self._size,
                "productivity": self._prod_sum / UNIT_WINDOW,
                "profit": self._margin / self._size / UNIT_WINDOW,
            }


UNIT_OUTCOMES = ("satisfaction", "turnover", "productivity", "profit")
# The weeks whose service levels show who waits (the second half of the first two years: a new
# culture's queues settle within weeks, its people and customers over years).
SERVICE_WINDOW = Window(27, 104)


class TimeUse:
    """Observer of a culture run: where the hours go, over a window.

    - ``manager_people_time``: the hours managers spend serving their own reports' requests (at
      the pace the week allowed) as a share of managers' contracted hours in post.
    - ``frontline_occupancy``: the hours the frontline spends serving customers (at the pace the
      week allowed) as a share of the own-work hours it has (what contact centres call
      occupancy).
    """

    def __init__(self, window: Window) -> None:
        self.window = window
        self.people = self.manager_hours = self.serving = self.own = 0.0

    def __call__(self, model: Any, week: int) -> None:
        if not self.window.first <= week <= self.window.last:
            return
        s, o, wk = model.state, model.org, model.last_week
        out = wk.service
        reqs = out.requests
        pace = np.minimum(s.standard, out.reach)
        own_reports = out.served & (o.manager[reqs.requester] == out.provider)
        self.people += float((reqs.hours[own_reports] * pace[out.provider[own_reports]]).sum())
        managers = o.is_manager & s.filled
        self.manager_hours += model.params.workforce.weekly_hours * float(managers.sum())
        front = o.frontline & s.filled
        encounter = model.params.customers.encounter_hours
        served = wk.encounters.served[front] * encounter * wk.encounters.reach[front]
        self.serving += float(served.sum())
        self.own += float(wk.capacity.own_hours[front].sum())

    def figures(self) -> dict[str, float]:
        return {
            "manager_people_time": self.people / self.manager_hours
            if self.manager_hours
            else np.nan,
            "frontline_occupancy": self.serving / self.own if self.own else np.nan,
        }


class PromotedMindsets:
    """Observer of a run: the service mindset of everyone promoted from within, at promotion."""

    def __init__(self) -> None:
        self.total = 0.0
        self.count = 0

    def __call__(self, model: Any, week: int) -> None:
        promoted = model.last_week.workforce.promotions.mindset
        self.total += float(promoted.sum())
        self.count += int(promoted.size)

    def mean(self) -> float:
        return self.total / self.count if self.count else np.nan


def culture_run(scenario: str, seed: int, overrides: dict | None = None) -> dict[str, Any]:
    """One culture replication: the analysis window's figures and business-unit correlations.

    Unit morale is surveyed at the start of the final year and correlated over units with that
    year's outcomes (:class:`UnitYears`; ``r_morale_*``). As in Harter, Schmidt & Hayes (2002),
    each outcome's annual test-retest reliability is measured too: the correlation over units of
    the outcome in the year before the survey with the final year's (``rel_*``), which
    :func:`sim.studies.measures.corrected_correlation` uses to correct the pooled correlations
    for the outcome's measurement error. Satisfaction and profit are correlated over the
    frontline units (those with customers), turnover and productivity over all.
    """
    units_watch = UnitYears(RUN_WEEKS)
    time_use = TimeUse(WINDOW)
    careers = PromotedMindsets()
    model = simulate(scenario, seed, overrides, RUN_WEEKS, [units_watch, time_use, careers])
    before, outcomes = units_watch.years
    units = np.flatnonzero(model.org.is_manager)
    front_units = units[np.isfinite(outcomes["satisfaction"][units])]
    unit_sets = {"satisfaction": front_units, "turnover": units, "productivity": units,
                 "profit": front_units}  # fmt: skip
    assert units_watch.morale_survey is not None
    r = unit_correlations(units_watch.morale_survey, outcomes, unit_sets)
    rel = {
        name: unit_correlations(before[name], {name: outcomes[name]}, {name: u})[name]
        for name, u in unit_sets.items()
    }
    kpis = model.kpis()
    early = SERVICE_WINDOW.rows(kpis)
    return {
        "scenario": scenario,
        "seed": seed,
        **window_figures(kpis, WINDOW),
        **{f"service_{d}": float(early[f"service_level_{d}"].mean()) for d in ("up", "down")},
        **time_use.figures(),
        "promoted_mindset": careers.mean(),
        "promotions": careers.count,
        **{f"r_morale_{name}": r[name] for name in UNIT_OUTCOMES},
        **{f"rel_{name}": rel[name] for name in UNIT_OUTCOMES},
        "units_frontline": int(front_units.size),
        "units": int(units.size),
    }


def culture_tasks(
    seeds: Sequence[int], overrides: dict | None = None, cultures: Sequence[str] = CULTURE_PRESETS
) -> list[Task]:
    """Each culture on each seed (culture by culture)."""
    over = dict(overrides) if overrides else None
    return [
        Task(culture_run, {"scenario": c, "seed": s, "overrides": over})
        for c in cultures
        for s in seeds
    ]


# ----------------------------------------------------------------------------- the link sweep
# Organizations of the link sweep: each parameter drawn by Latin hypercube over these bounds
# (around the defaults, within the schema's ranges).
LINK_SWEEP_BOUNDS: dict[str, tuple[float, float]] = {
    "culture.service_direction": (-1.0, 1.0),
    "culture.care_gap": (0.0, 0.3),
    "behaviour.service_weight": (0.3, 1.5),
    "requests.to_manager_rate": (0.6, 1.8),
    "workforce.internal_share_manager": (0.25, 0.5),
    "customers.local_conditions_sd": (0.1, 0.5),
}
LINK_YEARS = 3  # each organization runs three years and is measured over the last
LINK_WINDOW = Window((LINK_YEARS - 1) * UNIT_WINDOW + 1, LINK_YEARS * UNIT_WINDOW)


def link_run(overrides: dict[str, float], seed: int) -> dict[str, Any]:
    """One organization of the link sweep: the chain's KPIs over :data:`LINK_WINDOW`."""
    model = simulate("pyramid", seed, overrides, LINK_WINDOW.last)
    w = window_figures(model.kpis(), LINK_WINDOW)
    return {
        "seed": seed,
        **overrides,
        "internal_quality": w["internal_quality"],
        "morale": w["morale"],
        # One year of quits: the window's annual turnover is that year's share that left.
        "retention": 1.0 - w["turnover"],
        "customer_satisfaction": w["customer_satisfaction"],
        "revenue_per_seat": w["revenue"] / model.org.n_seats,
    }


def link_tasks(reps: int, seed: int) -> list[Task]:
    """``max(2 reps, 12)`` organizations by Latin hypercube, each with its own seed."""
    names = list(LINK_SWEEP_BOUNDS)
    sample = latin_hypercube(
        list(LINK_SWEEP_BOUNDS.values()), max(2 * reps, 12), sampler_seed(seed)
    )
    orgs = [dict(zip(names, map(float, row), strict=True)) for row in sample]
    org_seeds = replication_seeds(seed, len(orgs))
    return [
        Task(link_run, {"overrides": o, "seed": s}) for o, s in zip(orgs, org_seeds, strict=True)
    ]


# ----------------------------------------------------------------------------- a leaver
LEAVER_WEEKS = (104, 8)  # weeks before the departure, weeks after


def leaver_run(seed: int) -> dict[str, Any]:
    """A frontline employee leaves (the seat stays vacant): their customers, before and after.

    The employee with the most customers leaves after :data:`LEAVER_WEEKS`'s first figure;
    their customers' satisfaction and every other frontline seat's customers' are compared
    :data:`LEAVER_WEEKS`'s second figure later.
    """
    from sim.vacancies import vacate

    weeks_before, weeks_after = LEAVER_WEEKS
    model = simulate("pyramid", seed, None, weeks_before)
    s, o = model.state, model.org
    books = s.customers_per_seat
    seat = int(np.argmax(np.where(o.frontline & s.filled, books, -1)))
    others = np.flatnonzero(o.frontline & (np.arange(o.n_seats) != seat))

    def satisfaction(seats: np.ndarray) -> float:
        counts = s.customers[seats].sum(axis=0)
        return float((counts * BAND_VALUES).sum() / counts.sum()) if counts.sum() else 0.0

    before, before_others = satisfaction(np.array([seat])), satisfaction(others)
    vacate(s, np.array([seat]), mean_wait=10_000.0, rng=model.rng)
    model.run(weeks_after)
    return {
        "seed": seed,
        "before": before,
        "after": satisfaction(np.array([seat])),
        "others_before": before_others,
        "others_after": satisfaction(others),
    }


def leaver_tasks(seeds: Sequence[int]) -> list[Task]:
    """One leaver per seed."""
    return [Task(leaver_run, {"seed": s}) for s in seeds]


# ----------------------------------------------------------------------------- a surge
SURGE = {"type": "demand_surge", "week": 104, "weeks": 12, "size": 0.8}
SURGE_FOLLOW_UP = 104  # weeks simulated after the surge begins


def surge_run(seed: int, surge: bool) -> dict[str, Any]:
    """The pyramid with or without :data:`SURGE`: the weekly quality standard and quality."""
    over = {"events": [SURGE]} if surge else {}
    df = simulate("pyramid", seed, over, SURGE["week"] + SURGE_FOLLOW_UP).kpis()
    return {
        "seed": seed,
        "surge": surge,
        "quality_standard": df["quality_standard"].to_list(),
        "encounter_quality": df["encounter_quality"].to_list(),
    }


def surge_tasks(seeds: Sequence[int]) -> list[Task]:
    """Per seed, the pyramid without and with the surge."""
    return [Task(surge_run, {"seed": s, "surge": f}) for s in seeds for f in (False, True)]


# ----------------------------------------------------------------------------- levers
DOSES = (0.5, 1.0, 2.0, 4.0, 8.0)


def lever_run(lever: str, dose: float, seed: int) -> dict[str, Any]:
    """The pyramid with one lever at ``dose`` (none for ``""``): mean weekly profit over the
    analysis window."""
    over = {f"interventions.{lever}.intensity": dose} if lever else {}
    out = run_window("pyramid", seed, over, WINDOW)
    return {"lever": lever, "dose": dose, "seed": seed, "profit": out["profit"]}


def lever_tasks(seeds: Sequence[int]) -> list[Task]:
    """The pyramid without levers, then each lever at each of :data:`DOSES`, on each seed."""
    from sim.params import LEVERS

    tasks = [Task(lever_run, {"lever": "", "dose": 0.0, "seed": s}) for s in seeds]
    tasks += [
        Task(lever_run, {"lever": lever, "dose": d, "seed": s})
        for lever in LEVERS
        for d in DOSES
        for s in seeds
    ]
    return tasks


# ----------------------------------------------------------------------------- reverse causation
COMPETITOR = {"type": "demand_surge", "week": 27, "weeks": 52, "size": -0.4}
REVERSE_WINDOW = Window(COMPETITOR["week"], COMPETITOR["week"] + COMPETITOR["weeks"] - 1)
DEMANDING_STEP = 0.1  # how much more satisfaction demanding customers expect
REVERSE_ARMS = ("base", "competitor", "demanding", "no_cover")


def parameter_value(overrides: dict[str, Any], path: str) -> float:
    """A parameter's value under ``overrides`` (the pyramid preset's when not overridden)."""
    from sim.overrides import get_path
    from sim.scenario import load_scenario

    if path in overrides:
        return float(overrides[path])
    return float(get_path(load_scenario("pyramid"), path))


def reverse_arms(overrides: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """The pyramid's arms of the reverse experiment, on top of ``overrides``: the base; a
    competitor taking 40% of demand for a year (:data:`COMPETITOR`); customers expecting
    :data:`DEMANDING_STEP` more satisfaction; vacant frontline seats not covered."""
    base = dict(overrides or {})
    reference = "customers.satisfaction_reference"
    demanding = min(parameter_value(base, reference) + DEMANDING_STEP, 1.0)
    return {
        "base": base,
        "competitor": {**base, "events": [COMPETITOR]},
        "demanding": {**base, reference: demanding},
        "no_cover": {**base, "customers.vacancy_cover": 0.0},
    }


def reverse_run(arm: str, overrides: dict[str, Any], seed: int) -> dict[str, Any]:
    """One arm of the reverse experiment over :data:`REVERSE_WINDOW`, frontline morale too."""
    return {
        "arm": arm,
        "seed": seed,
        **run_window("pyramid", seed, overrides, REVERSE_WINDOW, frontline=True),
    }


def reverse_tasks(
    seeds: Sequence[int], overrides: dict | None = None, arms: Sequence[str] = REVERSE_ARMS
) -> list[Task]:
    """The chosen arms (arm by arm) on each seed."""
    arm_overrides = reverse_arms(overrides)
    return [
        Task(reverse_run, {"arm": arm, "overrides": arm_overrides[arm], "seed": s})
        for arm in arms
        for s in seeds
    ]


# ----------------------------------------------------------------------------- stationarity
STATIONARY_WEEKS = 520
STATIONARY_YEARS = {"y1": Window(1, 52), "y9": Window(417, 468)}
STATIONARY_FIGURES = ("customers", "revenue", "morale", "turnover", "profit")


def stationary_presets() -> list[str]:
    """Every shipped preset with no lever in force, as shipped: a preset left alone must hold
    its level (seasonal events are part of its normal year; a preset that switches levers on,
    such as ``two_way_program``, is an intervention and builds up by design)."""
    from sim.params import LEVERS
    from sim.scenario import load_scenario, preset_names

    def levers_off(name: str) -> bool:
        levers = load_scenario(name).interventions
        return all(getattr(levers, lever).intensity <= 0 for lever in LEVERS)

    return [name for name in preset_names() if levers_off(name)]


def stationary_run(scenario: str, seed: int) -> dict[str, Any]:
    """A preset left alone for ten years: its year 1 and year 9 figures."""
    df = simulate(scenario, seed, None, STATIONARY_WEEKS).kpis()
    out: dict[str, Any] = {"scenario": scenario, "seed": seed}
    for label, window in STATIONARY_YEARS.items():
        figures = window_figures(df, window)
        for name in STATIONARY_FIGURES:
            out[f"{label}_{name}"] = figures[name]
    return out


def stationary_tasks(seeds: Sequence[int]) -> list[Task]:
    """Every preset of :func:`stationary_presets` on each seed."""
    return [
        Task(stationary_run, {"scenario": p, "seed": s})
        for p in stationary_presets()
        for s in seeds
    ]


# ----------------------------------------------------------------------------- weakest link
FAILING_DEPARTMENT = "operations"
FAILING_HOURS = 0.2  # the failing department keeps a fifth of its internal hours
WEAKEST_WINDOW = Window(27, 104)
WEAKEST_VARIANTS = ("base", "one", "spread")


def failing_departments(variant: str) -> list[dict[str, Any]] | None:
    """The default departments with internal hours lost by one (``"one"``) or all alike
    (``"spread"``, the same total hours); None for the base."""
    from sim.params import DEFAULT_DEPARTMENTS

    if variant == "base":
        return None
    depts = [d.model_dump() for d in DEFAULT_DEPARTMENTS]
    failing = next(d for d in depts if d["name"] == FAILING_DEPARTMENT)
    lost = (1.0 - FAILING_HOURS) * failing["share"]  # share of all internal hours, by headcount
    for d in depts:
        if variant == "one":
            d["internal_hours"] = FAILING_HOURS if d is failing else 1.0
        else:
            d["internal_hours"] = 1.0 - lost
    return depts


def weakest_link_run(variant: str, seed: int) -> dict[str, Any]:
    """The pyramid with one failing internal supplier, the same loss spread out, or neither,
    over :data:`WEAKEST_WINDOW`."""
    depts = failing_departments(variant)
    over = {"org.departments": depts} if depts is not None else {}
    return {"variant": variant, "seed": seed, **run_window("pyramid", seed, over, WEAKEST_WINDOW)}


def weakest_tasks(seeds: Sequence[int]) -> list[Task]:
    """Each variant (variant by variant) on each seed."""
    return [
        Task(weakest_link_run, {"variant": v, "seed": s}) for v in WEAKEST_VARIANTS for s in seeds
    ]


# ----------------------------------------------------------------------------- department hours
HALVED_DEPARTMENT = "operations"


def halved_departments() -> list[dict[str, Any]]:
    """The default departments with :data:`HALVED_DEPARTMENT`'s internal hours halved."""
    from sim.params import DEFAULT_DEPARTMENTS

    return [
        {**d.model_dump(), "internal_hours": 0.5 if d.name == HALVED_DEPARTMENT else 1.0}
        for d in DEFAULT_DEPARTMENTS
    ]


def department_run(arm: str, overrides: dict[str, Any], seed: int) -> dict[str, Any]:
    """The pyramid (``"base"``) or it with :func:`halved_departments` (``"halved"``) over the
    analysis window."""
    over = {**overrides, "org.departments": halved_departments()} if arm == "halved" else overrides
    return {"arm": arm, "seed": seed, **run_window("pyramid", seed, over, WINDOW)}


def department_tasks(seeds: Sequence[int], overrides: dict | None = None) -> list[Task]:
    """The base and the halved department (arm by arm) on each seed."""
    over = dict(overrides or {})
    return [
        Task(department_run, {"arm": arm, "overrides": over, "seed": s})
        for arm in ("base", "halved")
        for s in seeds
    ]


# ----------------------------------------------------------------------------- layoffs
LAYOFF = {"type": "layoffs", "week": 27, "share": 0.1}
LAYOFF_YEAR = Window(LAYOFF["week"] + 1, LAYOFF["week"] + 52)  # the survivors' year after
LAYOFF_MORALE = Window(LAYOFF["week"] + 1, LAYOFF["week"] + 26)


def layoff_run(arm: str, seed: int) -> dict[str, Any]:
    """The pyramid with (``"layoff"``) or without (``"base"``) a layoff of a tenth of its people
    (:data:`LAYOFF`): the survivors' voluntary turnover over the year after (quits per mean
    headcount), their morale over the half year after, and job insecurity."""
    over = {"events": [LAYOFF]} if arm == "layoff" else {}
    df = simulate("pyramid", seed, over, LAYOFF_YEAR.last).kpis()
    year, half = LAYOFF_YEAR.rows(df), LAYOFF_MORALE.rows(df)
    return {
        "arm": arm,
        "seed": seed,
        "turnover": window_figures(df, LAYOFF_YEAR)["turnover"],
        "morale": float(half["morale_mean"].mean()),
        "insecurity": float(half["job_insecurity"].mean()),
        "headcount": float(year["headcount"].mean()),
    }


def layoff_tasks(seeds: Sequence[int]) -> list[Task]:
    """Per arm, each seed."""
    return [Task(layoff_run, {"arm": a, "seed": s}) for a in ("base", "layoff") for s in seeds]


# ----------------------------------------------------------------------------- interventions
# Organizations given a new culture or levers: the culture and every lever's dose by Latin
# hypercube, measured over the final year of three (the links' window).
INTERVENTION_DOSE = (0.0, 2.0)


def intervention_bounds() -> dict[str, tuple[float, float]]:
    """The culture in [-1, 1] and each lever's dose in :data:`INTERVENTION_DOSE`."""
    from sim.params import LEVERS

    return {
        "culture.service_direction": (-1.0, 1.0),
        **{f"interventions.{lever}.intensity": INTERVENTION_DOSE for lever in LEVERS},
    }


def intervention_run(overrides: dict[str, float], seed: int) -> dict[str, Any]:
    """One organization given a culture and lever doses: morale, customer satisfaction and
    revenue over :data:`LINK_WINDOW`."""
    model = simulate("pyramid", seed, overrides, LINK_WINDOW.last)
    w = window_figures(model.kpis(), LINK_WINDOW)
    return {
        "seed": seed,
        **overrides,
        "morale": w["morale"],
        "customer_satisfaction": w["customer_satisfaction"],
        "revenue": w["revenue"],
    }


def intervention_tasks(reps: int, seed: int) -> list[Task]:
    """``max(2 reps, 16)`` organizations by Latin hypercube, each with its own seed."""
    bounds = intervention_bounds()
    names = list(bounds)
    sample = latin_hypercube(list(bounds.values()), max(2 * reps, 16), sampler_seed(seed + 1))
    orgs = [dict(zip(names, map(float, row), strict=True)) for row in sample]
    org_seeds = replication_seeds(seed + 1, len(orgs))
    return [
        Task(intervention_run, {"overrides": o, "seed": s})
        for o, s in zip(orgs, org_seeds, strict=True)
    ]


# ----------------------------------------------------------------------------- the hiring pool
POOL_DROP = 0.1  # how much less service-minded the hiring pool becomes from week 1
POOL_YEAR = Window(RUN_WEEKS - 51, RUN_WEEKS)  # the culture five years on


def pool_run(arm: str, seed: int) -> dict[str, Any]:
    """The pyramid whose hiring pool becomes :data:`POOL_DROP` less service-minded from week 1
    (``"drop"``), or stays (``"base"``): mean service mindset in the fifth year."""
    from sim.model import ServiceCultureModel

    model = ServiceCultureModel("pyramid", seed=seed)
    if arm == "drop":
        pool = model.params.workforce.pool_mindset_mean
        model.set_params({"workforce.pool_mindset_mean": max(pool - POOL_DROP, 0.0)})
    df = model.run(POOL_YEAR.last)
    return {"arm": arm, "seed": seed, "mindset": float(POOL_YEAR.rows(df)["mindset_mean"].mean())}


def pool_tasks(seeds: Sequence[int]) -> list[Task]:
    """Per arm, each seed."""
    return [Task(pool_run, {"arm": a, "seed": s}) for a in ("base", "drop") for s in seeds]


# ----------------------------------------------------------------------------- why two-way wins
EXPLAIN_CHANNELS = ("queue", "care", "careers", "mindset", "retention", "customers")


def explain_tasks(reps: int, seed: int) -> list[Task]:
    """The runs of :func:`sim.studies.explain.explain` of two-way against the pyramid."""
    from sim.studies.explain import explain_run, plan_explain

    plan = plan_explain("pyramid", "two_way", reps, RUN_WEEKS, seed, EXPLAIN_CHANNELS)
    keys = ("arm", "coalition", "rep", "seed", "params", "weeks", "first")
    return [Task(explain_run, dict(zip(keys, args, strict=True))) for args in plan.tasks]


# ----------------------------------------------------------------------------- bounds
BOUNDS_SETTINGS = 200


def bounds_tasks_of(seed: int) -> list[Task]:
    """The hypercube of every parameter and the extremes (:mod:`sim.studies.bounds`)."""
    from sim.studies.bounds import bounds_tasks

    return [Task(fn, kw) for fn, kw in bounds_tasks(BOUNDS_SETTINGS, seed)]


# ----------------------------------------------------------------------------- the plan
EXPERIMENTS = (
    "cultures",
    "links",
    "leavers",
    "surge",
    "levers",
    "reverse",
    "stationary",
    "weakest",
    "departments",
    "layoffs",
    "interventions",
    "pool",
    "explain",
    "bounds",
)
# How many of the replications each side experiment uses (the culture runs, the leaver and the
# surge use them all): the lever curves are 41 runs per seed, stationarity is ten-year runs,
# the decomposition 72 runs per replication.
SIDE_REPS = {
    "levers": 6,
    "reverse": 10,
    "stationary": 4,
    "weakest": 10,
    "departments": 10,
    "layoffs": 10,
    "pool": 8,
    "explain": 6,
}


def plan_tasks(
    reps: int, seed: int, experiments: Sequence[str] = EXPERIMENTS
) -> dict[str, list[Task]]:
    """The tasks of each experiment on the shipped defaults, in order.

    Replication r of every experiment uses ``replication_seeds(seed, reps)[r]``; the side
    experiments use the first :data:`SIDE_REPS` of them.
    """
    unknown = set(experiments) - set(EXPERIMENTS)
    if unknown:
        raise ValueError(f"unknown experiments {sorted(unknown)}; known: {EXPERIMENTS}")
    seeds = replication_seeds(seed, reps)

    def side(name: str) -> list[int]:
        return seeds[: min(reps, SIDE_REPS[name])]

    builders: dict[str, Callable[[], list[Task]]] = {
        "cultures": lambda: culture_tasks(seeds),
        "links": lambda: link_tasks(reps, seed),
        "leavers": lambda: leaver_tasks(seeds),
        "surge": lambda: surge_tasks(seeds),
        "levers": lambda: lever_tasks(side("levers")),
        "reverse": lambda: reverse_tasks(side("reverse")),
        "stationary": lambda: stationary_tasks(side("stationary")),
        "weakest": lambda: weakest_tasks(side("weakest")),
        "departments": lambda: department_tasks(side("departments")),
        "layoffs": lambda: layoff_tasks(side("layoffs")),
        "interventions": lambda: intervention_tasks(reps, seed),
        "pool": lambda: pool_tasks(side("pool")),
        "explain": lambda: explain_tasks(min(reps, SIDE_REPS["explain"]), seed),
        "bounds": lambda: bounds_tasks_of(seed),
    }
    return {name: builders[name]() for name in experiments}


def execute(
    tasks: Sequence[Task],
    workers: int = 1,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """Run tasks, in this process (``workers`` 1 and no executor) or on a process pool that
    dies with this process (:func:`sim.studies.workers.process_pool`); results come back in task
    order.

    Args:
        tasks: The simulations.
        workers: Processes of the pool made when no executor is given.
        executor: An existing pool to use (left running).
        progress: Called with 1 after each finished run.
    """
    results: list[dict[str, Any] | None] = [None] * len(tasks)
    if executor is None and workers <= 1:
        for i, (fn, kw) in enumerate(tasks):
            results[i] = fn(**kw)
            if progress:
                progress(1)
        return results  # type: ignore[return-value]
    own = executor is None
    pool = executor or process_pool(workers)
    try:
        futures = {pool.submit(fn, **kw): i for i, (fn, kw) in enumerate(tasks)}
        for fut in as_completed(futures):
            results[futures[fut]] = fut.result()
            if progress:
                progress(1)
    finally:
        if own:
            pool.shutdown()
    return results  # type: ignore[return-value]


def run_experiments(
    plan: dict[str, list[Task]],
    workers: int = 1,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, pd.DataFrame]:
    """Every experiment of ``plan`` run (:func:`execute`, all tasks in one pool): one frame
    each, one row per task, in task order."""
    tasks = [task for name in plan for task in plan[name]]
    results = execute(tasks, workers, executor, progress)
    frames: dict[str, pd.DataFrame] = {}
    at = 0
    for name, group in plan.items():
        frames[name] = pd.DataFrame(results[at : at + len(group)])
        at += len(group)
    return frames


__all__ = [
    "DOSES",
    "EXPERIMENTS",
    "LINK_SWEEP_BOUNDS",
    "REVERSE_WINDOW",
    "SIDE_REPS",
    "SURGE",
    "Task",
    "UnitYears",
    "culture_run",
    "culture_tasks",
    "department_tasks",
    "execute",
    "plan_tasks",
    "reverse_tasks",
    "run_experiments",
    "stationary_presets",
]
