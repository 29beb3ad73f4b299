"""Phase 5, employees update: morale, service mindset and skill.

Rules (Heskett et al. 1994, internal service quality -> employee satisfaction; the sources'
reciprocity and emotional contagion):
- Morale moves at ``morale_adjust_rate`` toward a target
  ``morale_base + service_weight x (received - E) + feedback_weight x (feedback - E)
  - pressure_weight x pressure + recognition`` with E = ``service_expectation``: superior
  internal service raises morale (Heskett
  et al. 1994, internal service quality -> employee satisfaction); workload pressure lowers it
  (Oliva & Sterman 2001); customer feedback reaches the frontline both ways (emotional
  contagion); recognition makes co-workers feel valued. Morale is also pulled toward the team's
  mean (manager, co-reports and own reports) at ``contagion_rate`` (emotional contagion).
- Mindset moves toward the quality of service one receives at ``reciprocity_rate`` (pay it
  forward: people treated as customers treat others as customers; Baker & Bulkley 2014), toward the
  manager's mindset at ``manager_example_rate`` (the manager's example; cultural transmission,
  Harrison & Carroll 1991), and toward 1 under training.
- Skill follows a learning curve toward 1 at ``learning_rate`` (times the training boost).
- Pressure = internal overload (hours asked beyond capacity, as a share) + encounter overload +
  felt pressure from performance management, capped at 3.
Small normal shocks (sd ``noise``) keep individuals distinct.
"""

from __future__ import annotations

import numpy as np

from sim.org import Organization
from sim.params import Params
from sim.phases.conditions import Conditions
from sim.phases.encounters import EncounterOutcome
from sim.state import State


def team_mean(values: np.ndarray, state: State, org: Organization) -> np.ndarray:
    """Per seat: the mean over its team of filled seats, itself excluded.

    A seat's team is its manager, its co-reports and its own direct reports: mood spreads both
    down and up a reporting line. Seats with no filled team member keep their own value.
    """
    n = org.n_seats
    has_mgr = org.has_manager
    mgr = org.manager_safe
    f = state.filled.astype(float)
    vf = values * f
    # Sums over direct reports, per manager seat.
    rep_sum = np.bincount(mgr[has_mgr], weights=vf[has_mgr], minlength=n)
    rep_cnt = np.bincount(mgr[has_mgr], weights=f[has_mgr], minlength=n)
    # Co-reports = the manager's reports minus oneself; plus the manager; plus own reports.
    total = rep_sum.copy()
    count = rep_cnt.copy()
    total += np.where(has_mgr, rep_sum[mgr] - vf + vf[mgr], 0.0)
    count += np.where(has_mgr, rep_cnt[mgr] - f + f[mgr], 0.0)
    return np.where(count > 0, total / np.maximum(count, 1e-9), values)


def update_people(
    state: State,
    org: Organization,
    params: Params,
    conditions: Conditions,
    encounters: EncounterOutcome,
    rng,
) -> None:
    """The employees phase: morale, mindset, skill, pressure and tenure of filled seats."""
    levers = conditions.levers
    b = params.behaviour
    n = org.n_seats
    filled = state.filled
    internal_overload = np.maximum(0.0, state.workload - 1.0)
    state.pressure = np.minimum(
        internal_overload + encounters.overload + levers.extra_pressure, 3.0
    )

    recognition = levers.recognition * np.clip((state.given - 0.4) / 0.4, 0.0, 1.0)
    target = (
        b.morale_base
        + b.service_weight * (state.received - b.service_expectation)
        + b.feedback_weight * np.where(org.frontline, state.feedback - b.service_expectation, 0.0)
        - b.pressure_weight * state.pressure
        + recognition
    )
    target = np.clip(target, 0.0, 1.0)
    team = team_mean(state.morale, state, org)
    morale = (
        state.morale
        + b.morale_adjust_rate * (target - state.morale)
        + b.contagion_rate * (team - state.morale)
        + b.noise * rng.normal(0.0, 1.0, n)
    )
    # The manager's example, where there is a manager in post; otherwise one's own mindset.
    boss = org.manager_safe
    boss_mindset = np.where(org.has_manager & filled[boss], state.mindset[boss], state.mindset)
    mindset = (
        state.mindset
        + b.reciprocity_rate * (state.received - state.mindset)
        + b.manager_example_rate * (boss_mindset - state.mindset)
        + levers.mindset_push * (1.0 - state.mindset)
        + b.noise * rng.normal(0.0, 1.0, n)
    )
    skill = state.skill + b.learning_rate * levers.learning * (1.0 - state.skill)
    state.morale = np.where(filled, np.clip(morale, 0.0, 1.0), state.morale)
    state.mindset = np.where(filled, np.clip(mindset, 0.0, 1.0), state.mindset)
    state.skill = np.where(filled, np.clip(skill, 0.0, 1.0), state.skill)
    state.tenure = np.where(filled, state.tenure + 1, state.tenure)
    state.onboarding_left = np.where(
        filled & (state.onboarding_left > 0), state.onboarding_left - 1, state.onboarding_left
    ).astype(np.int16)
