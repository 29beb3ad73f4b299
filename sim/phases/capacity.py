"""Capacity and effort: the hours each person has for internal service this week.

Rules:
- Discretionary effort rises linearly with morale from ``workforce.effort_min`` (morale 0) to
  ``workforce.effort_max`` (morale 1): low-morale employees "perform as well as necessary to keep
  their jobs" and skip the extra mile (Harter, Schmidt & Hayes 2002, engagement and productivity).
  Performance management lifts the floor.
- Each role keeps a share of its contracted ``weekly_hours`` for internal requests (frontline,
  support, manager: ``internal_share_*``); the rest is own work (customer encounters for the
  frontline). Capacity = weekly hours x role share x effort, minus hours spent in lever
  activities (training, job swap, improvement teams).
- Onboarding: a new hire works at half capacity while onboarding, and each onboarding report takes
  ``onboarding_hours`` a week of their manager's internal hours (replacing someone pulls
  colleagues' hours into onboarding).
- Vacant seats have no capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions import LeverEffects
from sim.org import Organization
from sim.params import Params
from sim.phases.conditions import Conditions
from sim.state import State


@dataclass(frozen=True)
class Capacity:
    """This week's effort and hours per seat.

    Attributes:
        effort: Discretionary effort multiplier per seat (``effort_min``..``effort_max``).
        hours: Hours per seat for internal service (0 for vacant seats).
    """

    effort: np.ndarray
    hours: np.ndarray


def role_internal_share(org: Organization, params: Params) -> np.ndarray:
    """Share of contracted hours each seat has for internal requests, by role."""
    wf = params.workforce
    return np.where(
        org.is_manager,
        wf.internal_share_manager,
        np.where(org.frontline, wf.internal_share_frontline, wf.internal_share_support),
    )


def discretionary_effort(morale: np.ndarray, params: Params, levers: LeverEffects) -> np.ndarray:
    """Effort multiplier: linear in morale from effort_min (lifted by performance management)."""
    wf = params.workforce
    low = min(wf.effort_min + levers.effort_floor_lift, wf.effort_max)
    return low + (wf.effort_max - low) * morale


def own_work_hours(org: Organization, params: Params, effort: np.ndarray) -> np.ndarray:
    """Hours per seat for own work (the frontline's customer encounters): the non-internal share."""
    return params.workforce.weekly_hours * (1.0 - role_internal_share(org, params)) * effort


def capacity_hours(
    state: State, org: Organization, params: Params, levers: LeverEffects, effort: np.ndarray
) -> np.ndarray:
    """Hours each filled seat has for internal service this week (0 for vacant seats)."""
    wf = params.workforce
    cap = wf.weekly_hours * role_internal_share(org, params) * effort - levers.hours_off
    onboarding = state.filled & (state.onboarding_left > 0)
    cap = np.where(onboarding, 0.5 * cap, cap)
    n_onboarding = np.bincount(org.manager[org.has_manager & onboarding], minlength=org.n_seats)
    cap = cap - wf.onboarding_hours * n_onboarding
    return np.where(state.filled, np.maximum(cap, 0.0), 0.0)


def plan_capacity(
    state: State, org: Organization, params: Params, conditions: Conditions
) -> Capacity:
    """The capacity phase: effort from morale, then internal-service hours per seat."""
    effort = discretionary_effort(state.morale, params, conditions.levers)
    return Capacity(
        effort=effort, hours=capacity_hours(state, org, params, conditions.levers, effort)
    )
