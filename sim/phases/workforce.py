"""Phase 6, workforce: quits, vacancies, time-to-fill, hiring and onboarding.

Rules (Harter, Schmidt & Hayes 2002; the sources' "companies with outstanding internal service
attract and keep good people"):
- Quit hazard per week = ``quit_base_weekly`` x exp(``quit_morale_sensitivity`` x
  (``morale_reference`` - morale) + ``quit_pressure_sensitivity`` x pressure + the person's
  propensity), capped at 1: low
  morale and overload drive voluntary turnover (Harter et al. 2002: engagement and turnover
  correlate at about -0.36; companies with outstanding internal service keep good people).
- A quit leaves a vacancy. Its time-to-fill is exponential with mean ``time_to_fill_weeks`` x
  exp(``reputation_effect`` x (0.6 - mean morale)): an employer with unhappy staff is slower to
  hire (outstanding internal service attracts good people).
- People differ in readiness to leave: a personal lognormal factor (mean 1, log-sd
  ``quit_propensity_sd``) multiplies each person's hazard; this is what keeps unit-level morale
  and turnover correlated at about -0.36 rather than -1 (Harter et al. 2002).
- A hire starts with ``hire_morale``, ``hire_skill``, a mindset drawn from the hiring pool
  (normal, ``pool_mindset_mean`` +- ``pool_mindset_sd``), and ``onboarding_weeks`` of onboarding
  that halve their own capacity and take ``onboarding_hours`` a week of their manager's time.
- Each hire costs ``replacement_cost_share`` of the seat's annual salary (economics, phase 8).
No vacancy fills during a hiring freeze.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.org import Organization
from sim.params import Params
from sim.state import State, draw_quit_propensity

if TYPE_CHECKING:  # the conditions phase calls vacate(); only the type is needed here
    from sim.phases.conditions import Conditions


@dataclass(frozen=True)
class WorkforceOutcome:
    """This week's turnover.

    Attributes:
        quits: Voluntary quits drawn this week (key people leaving through events not included).
        hires: Vacancies filled this week.
        hire_cost: Replacement cost of this week's hires (currency).
    """

    quits: int
    hires: int
    hire_cost: float


def vacate(state: State, seats: np.ndarray, mean_wait: float, rng: np.random.Generator) -> None:
    """Turn filled ``seats`` into vacancies with an exponential time-to-fill of ``mean_wait``."""
    if seats.size == 0:
        return
    state.filled[seats] = False
    state.vacancy_wait[seats] = rng.exponential(max(mean_wait, 1e-9), seats.size)
    state.onboarding_left[seats] = 0


def quit_hazard(
    morale: np.ndarray, pressure: np.ndarray, params: Params, local: np.ndarray | float = 0.0
) -> np.ndarray:
    """Weekly probability of quitting for the given morale, pressure and personal propensity."""
    wf = params.workforce
    return np.minimum(
        wf.quit_base_weekly
        * np.exp(
            wf.quit_morale_sensitivity * (wf.morale_reference - morale)
            + wf.quit_pressure_sensitivity * pressure
            + local
        ),
        1.0,
    )


def mean_time_to_fill(state: State, params: Params) -> float:
    """Mean weeks to fill a vacancy, lengthened by a poor reputation (low mean morale)."""
    wf = params.workforce
    morale = float(state.morale[state.filled].mean()) if state.filled.any() else 0.0
    return wf.time_to_fill_weeks * math.exp(wf.reputation_effect * (0.6 - morale))


def turn_over(
    state: State, org: Organization, params: Params, conditions: Conditions, rng
) -> WorkforceOutcome:
    """The workforce phase: fill vacancies whose wait is over, then draw this week's quits.

    Also keeps the trailing history of quits (events' departures included) and headcount that
    annual turnover is computed from.
    """
    wf = params.workforce
    hires, hire_cost = 0, 0.0
    vacant = ~state.filled
    state.vacancy_wait[vacant] -= 1.0
    if not conditions.hiring_frozen:
        hire = np.flatnonzero(vacant & (state.vacancy_wait <= 0.0))
        if hire.size:
            state.filled[hire] = True
            state.morale[hire] = wf.hire_morale
            state.skill[hire] = wf.hire_skill
            state.mindset[hire] = np.clip(
                rng.normal(wf.pool_mindset_mean, wf.pool_mindset_sd, hire.size), 0.0, 1.0
            )
            state.tenure[hire] = 0
            state.quit_propensity[hire] = draw_quit_propensity(params, hire.size, rng)
            state.onboarding_left[hire] = wf.onboarding_weeks
            # A newcomer has no experience yet: they remember service "as expected".
            expected = params.behaviour.service_expectation
            state.received[hire] = expected
            state.given[hire] = expected
            state.supplied[hire] = 0.9
            state.feedback[hire] = expected
            state.input_supply[hire] = 1.0
            state.person_id[hire] = state.next_person_id + np.arange(hire.size)
            state.next_person_id += int(hire.size)
            hires = int(hire.size)
            hire_cost = float(
                params.economics.replacement_cost_share * 52.0 * org.salary_week[hire].sum()
            )
    hazard = quit_hazard(state.morale, state.pressure, params, state.quit_propensity)
    quits = np.flatnonzero(state.filled & (rng.random(org.n_seats) < hazard))
    vacate(state, quits, mean_time_to_fill(state, params), rng)
    state.seat_quits[quits] += 1
    state.quit_history.append(conditions.departures + int(quits.size))
    state.headcount_history.append(int(state.filled.sum()))
    return WorkforceOutcome(quits=int(quits.size), hires=hires, hire_cost=hire_cost)
