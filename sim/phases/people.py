"""Employees update: morale, expectations, quality standards, mindset and skill.

Rules (Heskett et al. 1994, internal service quality -> employee satisfaction; the sources'
reciprocity and emotional contagion; Oliva & Sterman 2001, eroding standards; Schneider et al.
2003, performance feeding back on attitudes):
- Treatment = internal service received + recognition (recognition of good service given makes
  co-workers feel valued). Expectations adapt: each person's expectation moves at
  ``expectation_adaptation`` toward a mix of the treatment they get (share ``1 -
  expectation_anchor``) and the norm ``service_expectation`` (share ``expectation_anchor``), so
  a lasting improvement lifts morale at first and keeps lifting it by the anchored share only
  (hedonic adaptation; a lever's morale effect partly fades).
- Morale moves at ``morale_adjust_rate`` toward a target
  ``morale_base + service_weight x (treatment - expectation) - pressure_weight x pressure
  - insecurity_weight x insecurity``, plus for the frontline
  ``feedback_weight x (feedback - service_expectation) - complaint_weight x complaints``:
  superior internal service raises morale; workload pressure lowers it; customers reach the
  frontline both ways (emotional contagion, complaints); job insecurity from revenue below plan
  lowers everyone's morale. Morale is also pulled toward the team's mean (manager, co-reports
  and own reports) at ``contagion_rate`` (emotional contagion).
- Pressure = the felt excess of hours asked over the hours available, for internal requests and
  for customer encounters (an excess share x felt as x / (1 + x)), plus the felt pressure of
  performance management, capped at 3.
- Quality standard (Oliva & Sterman 2001): when sustained pressure on one's main work
  (encounters for the frontline, internal requests for everyone else; remembered with
  ``received_memory``) allows less than the standard time per task, the standard people hold
  drifts down to what they could give at ``standard_erosion_rate``; without pressure it recovers
  toward full at the slow ``standard_recovery_rate`` (faster with published service standards).
  A temporary surge so leaves lasting damage.
- Mindset moves toward the quality of service one receives at ``reciprocity_rate`` (pay it
  forward: people treated as customers treat others as customers; Baker & Bulkley 2014), toward
  the manager's mindset at ``manager_example_rate`` (the manager's example; cultural
  transmission, Harrison & Carroll 1991), and toward 1 under training. The service direction
  each person practises travels by the same two rates where parts of the organization
  practise different ones (after a merger; :mod:`sim.culture`).
- Skill follows a learning curve toward 1 at ``learning_rate`` (times the training boost).
Small normal shocks (sd ``noise``) keep individuals distinct.
"""

from __future__ import annotations

import numpy as np

from sim.culture import spread_direction
from sim.org import Organization
from sim.params import Params
from sim.phases.conditions import Conditions
from sim.phases.encounters import EncounterOutcome
from sim.phases.service import ServiceOutcome
from sim.state import State


def treatment(state: State, params: Params, recognition: float) -> np.ndarray:
    """How well each person is treated: service received plus recognition of service given."""
    recognized = recognition * np.clip((state.given - 0.4) / 0.4, 0.0, 1.0)
    return state.received + recognized


def morale_target(
    state: State, org: Organization, params: Params, treated: np.ndarray
) -> np.ndarray:
    """The morale each person is drawn toward this week (0-1)."""
    b = params.behaviour
    customers_say = np.where(
        org.frontline,
        b.feedback_weight * (state.feedback - b.service_expectation)
        - b.complaint_weight * state.complaints,
        0.0,
    )
    target = (
        b.morale_base
        + b.service_weight * (treated - state.expectation)
        + customers_say
        - b.pressure_weight * state.pressure
        - b.insecurity_weight * state.insecurity
    )
    return np.clip(target, 0.0, 1.0)


def update_standards(
    state: State, params: Params, reach: np.ndarray, support: float, pace: float = 1.0
) -> np.ndarray:
    """The quality standard people hold when sustained pressure allows ``reach``."""
    b = params.behaviour
    erosion = min(b.standard_erosion_rate * pace, 1.0) * np.minimum(reach - state.standard, 0.0)
    recovery = min(b.standard_recovery_rate * support * pace, 1.0) * (1.0 - state.standard)
    return np.clip(state.standard + erosion + recovery, 0.0, 1.0)


def update_people(
    state: State,
    org: Organization,
    params: Params,
    conditions: Conditions,
    service: ServiceOutcome,
    encounters: EncounterOutcome,
    rng,
) -> None:
    """The employees phase: morale, expectations, standards, mindset, skill, pressure, tenure."""
    levers = conditions.levers
    b = params.behaviour
    n = org.n_seats
    filled = state.filled
    state.pressure = np.minimum(service.overload + encounters.overload + levers.extra_pressure, 3.0)
    state.diligence = np.minimum(state.standard, np.minimum(service.reach, encounters.reach))
    main_reach = np.where(org.frontline, encounters.reach, service.reach)
    state.felt_reach += b.received_memory * (main_reach - state.felt_reach)
    pace = conditions.pace
    standard = update_standards(state, params, state.felt_reach, levers.standard_support, pace)

    treated = treatment(state, params, levers.recognition)
    target = morale_target(state, org, params, treated)
    anchored = b.expectation_anchor * b.service_expectation + (1.0 - b.expectation_anchor) * treated
    adapt = min(b.expectation_adaptation * pace, 1.0)
    expectation = state.expectation + adapt * (anchored - state.expectation)
    team = org.team_mean(state.morale, filled)
    morale = (
        state.morale
        + b.morale_adjust_rate * (target - state.morale)
        + b.contagion_rate * (team - state.morale)
        + b.noise * rng.normal(0.0, 1.0, n)
    )
    # The manager's example, where there is a manager in post; otherwise one's own mindset.
    boss = org.manager_safe
    shown = state.given if b.example_is_service else state.mindset
    boss_mindset = np.where(org.has_manager & filled[boss], shown[boss], state.mindset)
    mindset = (
        state.mindset
        + min(b.reciprocity_rate * pace, 0.5) * (state.received - state.mindset)
        + min(b.manager_example_rate * pace, 0.5) * (boss_mindset - state.mindset)
        + levers.mindset_push * (1.0 - state.mindset)
        + b.noise * rng.normal(0.0, 1.0, n)
    )
    skill = state.skill + b.learning_rate * levers.learning * (1.0 - state.skill)
    state.morale = np.where(filled, np.clip(morale, 0.0, 1.0), state.morale)
    state.mindset = np.where(filled, np.clip(mindset, 0.0, 1.0), state.mindset)
    state.skill = np.where(filled, np.clip(skill, 0.0, 1.0), state.skill)
    state.expectation = np.where(filled, expectation, state.expectation)
    state.standard = np.where(filled, standard, state.standard)
    state.tenure = np.where(filled, state.tenure + 1, state.tenure)
    state.role_tenure = np.where(filled, state.role_tenure + 1, state.role_tenure)
    state.onboarding_left = np.where(
        filled & (state.onboarding_left > 0), state.onboarding_left - 1, state.onboarding_left
    ).astype(np.int16)
    # The direction each person practises travels like mindset (a no-op in one culture).
    resolved = service.resolved
    spread_direction(
        state, org, params, service.requests.requester[resolved], service.provider[resolved], pace
    )
