"""Conditions: the levers in force and the timeline events of this week.

Levers (``sim.interventions``) turn into the mechanism values the later phases read; events
(``sim.events``) change the culture in force (a leadership change), name people who leave (key
people, layoffs: their seats become vacancies here) or set this week's context (a demand surge or
a competitor, a hiring freeze, a budget cut). Neither touches an outcome directly: every effect
runs through the phases that follow.

Weeks up to 0 are the warm-up (see ``ServiceCultureModel``): no lever and no event acts in them,
except seasonal demand (a surge with ``every`` > 0, part of the organization's normal year), so a
run starts from its organization's own steady state and the scenario's levers and events act
from week 1. The first two thirds of the warm-up fast-forward the slow adaptive processes
(expectations, quality standards, mindset, customer churn and acquisition run at three times
their rates), and with them turnover's renewal of those attitudes (people are renewed in place
at twice their quit hazard on top of the real quits: ``sim.phases.workforce.renew_in_place``).
An equilibrium does not depend on the rates only when every process that competes for a
quantity speeds up alike, so the last third, at the normal pace, starts close to the steady
state and settles it. Turnover's other slow process, the mix of stayers and leavers, cannot be
sped up this way: where the fast-forward ends, the model gives the workforce its stationary
tenure mix instead (``sim.phases.workforce.settle_tenure``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.events import apply_events, seasonal_demand
from sim.interventions import LeverEffects, lever_effects
from sim.org import Organization
from sim.params import Params
from sim.restructure import Restructuring
from sim.state import State
from sim.vacancies import depart, lay_off


@dataclass(frozen=True)
class Conditions:
    """What holds this week before anyone acts.

    Attributes:
        levers: Mechanism values of the levers in force.
        demand_multiplier: Multiplier on customer occasions (surges above 1, competitors below).
        hiring_frozen: True while a hiring freeze lasts.
        budget_cut: Share of the revenue plan cut by management this week (0 = none).
        departures: People who left this week through events (key people); counted as quits.
        laid_off: People laid off this week through events.
        warmup: True in the unreported warm-up weeks (week <= 0).
        pace: Multiplier on the slow adaptive rates (expectations, standards, mindset, customer
            flows): above 1 only in the fast-forward part of the warm-up.
    """

    levers: LeverEffects
    demand_multiplier: float = 1.0
    hiring_frozen: bool = False
    budget_cut: float = 0.0
    departures: int = 0
    laid_off: int = 0
    warmup: bool = False
    pace: float = 1.0


# The warm-up's first part fast-forwards the slow adaptive processes and turnover's renewal of
# them (each rate times this factor, so their equilibria stay where they are at the normal pace),
# its last part runs at the normal pace.
WARMUP_PACE = 3.0
WARMUP_FAST_SHARE = 2.0 / 3.0


def _fast_forward_end(warmup_weeks: int) -> int:
    """The last week of the warm-up's fast-forward."""
    return round(-warmup_weeks * (1.0 - WARMUP_FAST_SHARE))


def warmup_pace(week: int, warmup_weeks: int) -> float:
    """The pace of warm-up ``week`` (<= 0): fast-forward first, then the normal pace."""
    return WARMUP_PACE if week <= _fast_forward_end(warmup_weeks) else 1.0


def warmup_settle_week(warmup_weeks: int) -> int | None:
    """The warm-up week that starts at the normal pace, after a fast-forward (None if none)."""
    settle = _fast_forward_end(warmup_weeks) + 1
    return settle if 1 - warmup_weeks < settle <= 0 else None


def set_conditions(
    state: State,
    org: Organization,
    params: Params,
    week: int,
    rng: np.random.Generator,
    restructuring: Restructuring | None = None,
) -> Conditions:
    """The conditions phase: levers of ``week`` (1-based; <= 0 is the warm-up) and events.

    A restructuring happens just before the week (:mod:`sim.restructure`); the people it laid off
    count with this week's layoffs."""
    if week <= 0:
        return Conditions(
            levers=LeverEffects(),
            demand_multiplier=seasonal_demand(params, week),
            warmup=True,
            pace=warmup_pace(week, params.warmup_weeks),
        )
    levers = lever_effects(params.interventions, week)
    shock = apply_events(state, org, params, week, rng)
    # The usual time-to-fill, as for quits and budget layoffs; layoffs also reach the survivors
    # and cut the payroll budget (sim.vacancies).
    depart(state, params, shock.key_people, rng)
    lay_off(state, params, shock.laid_off, rng, org.salary_week)
    return Conditions(
        levers=levers,
        demand_multiplier=shock.demand_multiplier,
        hiring_frozen=shock.hiring_frozen,
        budget_cut=shock.budget_cut,
        departures=int(shock.key_people.size),
        laid_off=int(shock.laid_off.size) + (restructuring.laid_off if restructuring else 0),
    )
