"""Phase 4, customer encounters: the frontline serves external customers.

Rules (Heskett et al. 1994, the service-profit chain; the weakest link of a chain):
- Seat quality = the weighted mean of the frontline employee's skill, morale and mindset, times
  ``1 - input_weight x (1 - weakest input)``, where the weakest input is the lowest remembered
  on-time share among the departments (and the manager) this employee's encounters depend on:
  a chain is only as strong as its weakest link.
- Overload: encounter hours beyond the employee's own-work hours (contracted hours not reserved
  for internal work, times effort) cost ``overload_penalty`` quality per unit of overload.
- Local conditions: each business unit's static effect (``state.local_quality``) is added.
- A vacant seat's customers are covered by strangers at ``vacancy_quality``.
- Each customer's encounters this week have quality seat quality + noise (sd ``quality_noise``,
  averaged over the customer's occasions); satisfaction moves toward it by ``satisfaction_rate``
  per encounter.
- Customer feedback (the encounter quality the employee saw) is remembered per frontline seat and
  feeds morale in phase 5: happy and angry customers both reach the frontline (emotional
  contagion).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.org import Organization
from sim.params import Params
from sim.phases.capacity import Capacity, own_work_hours
from sim.phases.demand import Demand
from sim.state import State


@dataclass(frozen=True)
class EncounterOutcome:
    """This week's customer encounters.

    Attributes:
        seat_quality: Expected encounter quality per seat (0-1).
        overload: Encounter overload per seat: encounter hours beyond own-work hours, as a share
            (frontline; 0 elsewhere).
        quality_sum: Sum of the quality of every encounter served.
        count: Number of encounters served.
    """

    seat_quality: np.ndarray
    overload: np.ndarray
    quality_sum: float
    count: float

    @property
    def mean_quality(self) -> float:
        """Mean quality of this week's encounters (0 when there were none)."""
        return self.quality_sum / self.count if self.count else 0.0


def needed_inputs(org: Organization, params: Params) -> np.ndarray:
    """Boolean (departments x departments+1): which suppliers each department's encounters need."""
    need = np.zeros((org.n_depts, org.n_depts + 1), dtype=bool)
    need[:, : org.n_depts] = org.dependency > 0
    need[:, org.n_depts] = params.requests.manager_input_share > 0
    if params.requests.encounter_input_share <= 0:
        need[:] = False
    return need


def weakest_input(state: State, org: Organization, params: Params) -> np.ndarray:
    """Per seat, the lowest remembered on-time share among the inputs its encounters need."""
    # Column by column (departments + manager) rather than a row-wise min over a seats x columns
    # temporary: same minimum, a fraction of the time.
    need = needed_inputs(org, params).T
    supply = state.input_supply
    weakest = np.where(need[0][org.dept], supply[:, 0], 1.0)
    for j in range(1, need.shape[0]):
        np.minimum(weakest, np.where(need[j][org.dept], supply[:, j], 1.0), out=weakest)
    return weakest


def encounter_overload(
    org: Organization, params: Params, capacity: Capacity, demand: Demand
) -> np.ndarray:
    """Per frontline seat, encounter hours beyond own-work hours as a share (0 elsewhere)."""
    own_hours = own_work_hours(org, params, capacity.effort)
    return np.where(
        org.frontline,
        np.maximum(
            0.0,
            demand.encounters * params.customers.encounter_hours / np.maximum(own_hours, 1e-9)
            - 1.0,
        ),
        0.0,
    )


def seat_quality(
    state: State, org: Organization, params: Params, overload: np.ndarray
) -> np.ndarray:
    """Expected encounter quality at each seat this week (0-1)."""
    c = params.customers
    wsum = max(c.weight_skill + c.weight_morale + c.weight_mindset, 1e-9)
    base = (
        c.weight_skill * state.skill
        + c.weight_morale * state.morale
        + c.weight_mindset * state.mindset
    ) / wsum
    quality = base * (1.0 - c.input_weight * (1.0 - weakest_input(state, org, params)))
    quality = quality - c.overload_penalty * overload + state.local_quality
    return np.clip(np.where(state.filled, quality, c.vacancy_quality), 0.0, 1.0)


def serve_customers(
    state: State, org: Organization, params: Params, capacity: Capacity, demand: Demand, rng
) -> EncounterOutcome:
    """The encounters phase: serve this week's occasions, move satisfaction, feed back."""
    c = params.customers
    overload = encounter_overload(org, params, capacity, demand)
    q_seat = seat_quality(state, org, params, overload)
    who = np.flatnonzero(demand.occasions > 0)  # a boolean scan is much faster than an int one
    k = demand.occasions[who].astype(float)
    seat = state.c_employee[who]
    q = np.clip(q_seat[seat] + rng.normal(0.0, c.quality_noise, who.size) / np.sqrt(k), 0.0, 1.0)
    pull = 1.0 - (1.0 - c.satisfaction_rate) ** k
    sat = state.c_satisfaction
    sat[who] += pull * (q - sat[who])
    n = org.n_seats
    cnt = np.bincount(seat, weights=k, minlength=n)
    qsum = np.bincount(seat, weights=k * q, minlength=n)
    hit = state.filled & (cnt > 0)
    state.feedback[hit] += params.behaviour.received_memory * (
        qsum[hit] / cnt[hit] - state.feedback[hit]
    )
    return EncounterOutcome(
        seat_quality=q_seat,
        overload=overload,
        quality_sum=float(qsum.sum()),
        count=float(cnt.sum()),
    )
