"""Capacity and effort: the hours each person has this week, and how well they can work.

Rules:
- Discretionary effort rises linearly with morale from ``workforce.effort_min`` (morale 0) to
  ``workforce.effort_max`` (morale 1): low-morale employees "perform as well as necessary to keep
  their jobs" and skip the extra mile (Harter, Schmidt & Hayes 2002, engagement and
  productivity). Performance management lifts the floor.
- Each role keeps a share of its working hours for internal requests (frontline, support,
  manager: ``internal_share_*``, times the department's ``internal_hours``); the rest is own
  work (customer encounters for the frontline). Working hours are the contracted
  ``weekly_hours`` minus the hours spent in lever activities (training, job swap, improvement
  teams): time in a course or a project team comes out of the whole working week, own work and
  colleagues' requests alike, not out of the hours kept for colleagues alone. Internal hours =
  working hours x that share x effort. When work piles up people add up to
  ``overtime_max`` of those hours and then rush (see the service and encounter phases), so a
  lost hour costs some slack and pressure before it costs service.
- Onboarding: a new hire works at half capacity while onboarding, and each onboarding report
  takes ``onboarding_hours`` a week of their manager's internal hours.
- Work quality: a person's work loses quality when the inputs it needs from colleagues come late,
  poor or never: quality multiplier ``1 + supply_weight x (task supply - service_expectation)``,
  where task supply is the remembered score of one's task requests (requests have value: the
  internal customer's own work depends on them; inputs as good as the norm leave it as it is),
  times the business unit's tools and processes (a static unit factor of mean 1, log-sd
  ``local_process_sd``: units differ in productivity for reasons morale does not explain, which
  is part of why Harter et al. 2002 find unit engagement correlating only about +0.2 with it).
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
    """This week's effort, hours and work quality per seat.

    Attributes:
        effort: Discretionary effort multiplier (``effort_min``..``effort_max``).
        hours: Hours for internal service before overtime (0 for vacant seats).
        own_hours: Hours for own work (customer encounters for the frontline) before overtime.
        work_quality: Quality multiplier from the inputs one's work needs (0-1).
    """

    effort: np.ndarray
    hours: np.ndarray
    own_hours: np.ndarray
    work_quality: np.ndarray


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


def working_hours(params: Params, levers: LeverEffects) -> float:
    """Hours of a working week left after lever activities (contracted hours minus hours off)."""
    return max(params.workforce.weekly_hours - levers.hours_off, 0.0)


def own_work_hours(
    org: Organization, params: Params, effort: np.ndarray, levers: LeverEffects
) -> np.ndarray:
    """Hours per seat for own work (the frontline's customer encounters): the non-internal share
    of the working hours."""
    return working_hours(params, levers) * (1.0 - role_internal_share(org, params)) * effort


def capacity_hours(
    state: State, org: Organization, params: Params, levers: LeverEffects, effort: np.ndarray
) -> np.ndarray:
    """Hours each filled seat has for internal service this week (0 for vacant seats)."""
    wf = params.workforce
    share = role_internal_share(org, params)
    if org.internal_hours is not None:
        share = share * org.internal_hours[org.dept]
    cap = working_hours(params, levers) * share * effort
    onboarding = state.filled & (state.onboarding_left > 0)
    cap = np.where(onboarding, 0.5 * cap, cap)
    n_onboarding = np.bincount(org.manager[org.has_manager & onboarding], minlength=org.n_seats)
    cap = cap - wf.onboarding_hours * n_onboarding
    return np.where(state.filled, np.maximum(cap, 0.0), 0.0)


def work_quality(state: State, params: Params) -> np.ndarray:
    """Quality multiplier of each person's work from the task inputs they received, times their
    unit's tools and processes (``state.local_process``, mean 1).

    1 when the inputs are as good as the norm (``service_expectation``), ``1 - supply_weight x
    norm`` when they fail fully, and at most ``1 + supply_weight x (1 - norm)`` when perfect.
    """
    b = params.behaviour
    return (
        1.0 + b.supply_weight * (state.task_supply - b.service_expectation)
    ) * state.local_process


def plan_capacity(
    state: State, org: Organization, params: Params, conditions: Conditions
) -> Capacity:
    """The capacity phase: effort from morale, hours per seat, work quality from inputs."""
    effort = discretionary_effort(state.morale, params, conditions.levers)
    own = np.where(state.filled, own_work_hours(org, params, effort, conditions.levers), 0.0)
    return Capacity(
        effort=effort,
        hours=capacity_hours(state, org, params, conditions.levers, effort),
        own_hours=own,
        work_quality=work_quality(state, params),
    )


def achievable_diligence(asked: np.ndarray, hours: np.ndarray, params: Params) -> np.ndarray:
    """Share of the standard time per task people can give when ``asked`` hours meet ``hours``.

    First overtime (up to ``overtime_max`` of the hours), then rushing down to ``rush_min``;
    1 when the work fits. Seats with no hours and work asked get ``rush_min``.
    """
    wf = params.workforce
    room = hours * (1.0 + wf.overtime_max)
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = np.where(asked > 0, room / asked, 1.0)
    return np.clip(fit, wf.rush_min, 1.0)


def overload(asked: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Felt pressure of ``asked`` hours against ``hours``: the excess share x, felt as
    ``x / (1 + x)`` (0 when the work fits, 0.5 at twice the hours, below 1 however much):
    pressure is felt, and the feeling saturates."""
    excess = np.maximum(asked - hours, 0.0)
    # x / (1 + x) with x = excess / hours is excess / (hours + excess): 1 when there are no hours.
    return np.divide(excess, hours + excess, out=np.zeros_like(excess), where=excess > 0)
