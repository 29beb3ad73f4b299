"""Customer encounters: the frontline serves the customers who came.

Rules (Heskett et al. 1994, the service-profit chain; the weakest link of a chain; Oliva &
Sterman 2001, quality erosion under pressure):
- Time: each encounter takes ``encounter_hours`` at the standard pace. The employee's own-work
  hours this week include the internal hours their colleagues' requests left free. When the
  customers who came need more than those hours, they put in overtime (up to
  ``overtime_max``), then rush (down to ``rush_min`` of the standard time); they never give more
  than the quality standard they hold. Customers beyond what even rushed overtime can serve get
  no service this week: a random subset of those who came, the same for every customer.
- Seat quality = the weighted mean of the frontline employee's skill, morale and mindset, times
  their work quality (the task inputs their own work got), times ``1 - diligence_weight x (1 -
  diligence)`` (rushed encounters are worse), times ``1 - input_weight x (1 - weakest input)``,
  where the weakest input is the lowest remembered on-time share among the departments (and the
  manager) this employee's encounters depend on: a chain is only as strong as its weakest link.
  Plus the business unit's local conditions, plus a weekly seat-level noise (``week_noise``).
- A vacant seat's customers are covered by colleagues at ``vacancy_quality``, for a share
  ``vacancy_cover`` of those who come; the rest get no service.
- Satisfaction: a served customer's satisfaction moves toward the encounter's quality by
  ``satisfaction_rate``; one who got no service moves toward 0, and leaves at once with
  probability ``unserved_churn`` (customers who get no service leave). Satisfaction lives in
  bands of 0.1: the new satisfaction is rounded to one of the two nearest bands at random, in
  proportion to how near it is (so the expected satisfaction moves exactly as stated).
- Customer feedback (the quality the employee's customers got, no service counting 0) is
  remembered per frontline seat and feeds morale in the employees update: happy and angry
  customers both reach the frontline (emotional contagion).

Drawn per cohort: which of a seat's customers are served is a multivariate hypergeometric draw
over satisfaction bands, and the band moves are binomial, exactly as if each customer were drawn
alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.kernels.cohorts import move_bands, settle_encounters
from sim.org import Organization
from sim.params import Params
from sim.phases.capacity import Capacity, achievable_diligence, overload
from sim.phases.conditions import Conditions
from sim.phases.demand import Demand
from sim.phases.service import ServiceOutcome
from sim.state import N_BANDS, State


@dataclass(frozen=True)
class EncounterOutcome:
    """This week's customer encounters.

    Attributes:
        seat_quality: Quality of each seat's encounters this week (0-1).
        overload: Per seat, the felt pressure of the encounter hours asked (capacity.overload).
        reach: Per seat, the share of the standard time per encounter the hours allowed.
        served: Encounters served per seat.
        unserved: Customers who came but got no service, per seat.
        lost_unserved: Customers who left at once after getting no service.
        quality_sum: Sum of the quality of every encounter served.
        count: Number of encounters served.
    """

    seat_quality: np.ndarray
    overload: np.ndarray
    reach: np.ndarray
    served: np.ndarray
    unserved: np.ndarray
    lost_unserved: int
    quality_sum: float
    count: float

    @property
    def mean_quality(self) -> float:
        """Mean quality of this week's encounters served (0 when there were none)."""
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


def seat_quality(
    state: State, org: Organization, params: Params, work_quality: np.ndarray, diligence
) -> np.ndarray:
    """Expected encounter quality at each seat this week (0-1), before the weekly noise."""
    c = params.customers
    wsum = max(c.weight_skill + c.weight_morale + c.weight_mindset, 1e-9)
    base = (
        c.weight_skill * state.skill
        + c.weight_morale * state.morale
        + c.weight_mindset * state.mindset
    ) / wsum
    quality = base * work_quality * (1.0 - params.behaviour.diligence_weight * (1.0 - diligence))
    quality = quality * (1.0 - c.input_weight * (1.0 - weakest_input(state, org, params)))
    quality = quality + state.local_quality
    return np.clip(np.where(state.filled, quality, c.vacancy_quality), 0.0, 1.0)


def _served_capacity(
    state: State, params: Params, own_hours: np.ndarray, demand: Demand, diligence: np.ndarray
) -> np.ndarray:
    """Encounters each seat can serve this week (filled: rushed overtime; vacant: the cover)."""
    c = params.customers
    room = own_hours * (1.0 + params.workforce.overtime_max)
    per_encounter = c.encounter_hours * np.maximum(diligence, 1e-9)
    filled_cap = np.floor(room / per_encounter + 1e-9).astype(np.int64)
    cover = np.floor(c.vacancy_cover * demand.encounters + 1e-9).astype(np.int64)
    return np.where(state.filled, filled_cap, cover)


def _split_short(
    buyers: np.ndarray, seats: np.ndarray, came: np.ndarray, capacity: np.ndarray, rng
) -> tuple[np.ndarray, np.ndarray]:
    """The seats that cannot serve all who came, and who is served there: a uniformly random
    subset of ``capacity`` customers per seat (a multivariate hypergeometric draw over bands).

    Args:
        buyers: (seats x bands) customers who came.
        seats: The seats to split (the frontline).
        came: Customers who came, per seat of ``seats``.
        capacity: Encounters each seat of ``seats`` can serve.
        rng: The model's generator.

    Returns:
        (short, served): positions in ``seats`` of the short seats, and per short seat and band
        the number served.
    """
    short = np.flatnonzero(came > capacity)
    rows = buyers[seats[short]]
    if short.size == 0:
        return short, rows
    left_sample = capacity[short].copy()
    left_total = came[short].copy()
    part = np.zeros_like(rows)
    for band in range(N_BANDS):
        good = rows[:, band]
        left_total -= good
        # A draw of nobody, or of a band nobody is in (a sample below NumPy's ratio-of-uniforms
        # threshold of 10), is 0 and takes no random number: skip the call (NumPy's checks of
        # its arguments cost more than the draws themselves).
        if not ((left_sample > 0) & ((good > 0) | (left_sample >= 10))).any():
            continue
        take = rng.hypergeometric(good, left_total, left_sample)
        part[:, band] = take
        left_sample -= take
    return short, part


def move_satisfaction(
    counts: np.ndarray, quality: np.ndarray, rate: float, rng
) -> tuple[np.ndarray, np.ndarray]:
    """Move cohorts toward ``quality`` (per row) by ``rate``, rounding to bands at random.

    Args:
        counts: (rows x bands) customers who had an encounter.
        quality: Quality each row's customers experienced (0-1).
        rate: Pull of satisfaction toward the quality.

    Returns:
        (rows x bands) the same customers in their new bands, and the number of band steps up
        minus down (for tests and diagnostics).
    """
    moved = move_bands(counts, quality, rate, rng)  # compiled: the rule above, cell by cell
    shift = (moved * np.arange(N_BANDS)).sum(axis=-1) - (counts * np.arange(N_BANDS)).sum(axis=-1)
    return moved, shift


def serve_customers(
    state: State,
    org: Organization,
    params: Params,
    conditions: Conditions,
    capacity: Capacity,
    demand: Demand,
    service: ServiceOutcome,
    rng,
) -> EncounterOutcome:
    """The encounters phase: serve who came, move satisfaction, record frontline feedback."""
    c = params.customers
    front = np.flatnonzero(org.frontline)
    asked = demand.encounters * c.encounter_hours
    own_hours = capacity.own_hours + service.spare_hours  # internal time left free this week
    reach = np.where(state.filled, achievable_diligence(asked, own_hours, params), 1.0)
    diligence = np.minimum(state.standard, reach)
    expected = seat_quality(state, org, params, capacity.work_quality, diligence)
    noise = np.zeros(org.n_seats)
    noise[front] = rng.normal(0.0, c.week_noise, front.size)
    quality = np.clip(expected + noise, 0.0, 1.0)

    cap = _served_capacity(state, params, own_hours, demand, diligence)
    short, short_served = _split_short(
        demand.buyers, front, demand.encounters[front], cap[front], rng
    )
    # Compiled: who leaves unserved, then the band moves of the served and of those who stay
    # unserved; customers who came leave their band and re-enter it where they moved.
    # The pace is above 1 only while the warm-up fast-forwards the customer base (all its
    # rates together, so that it settles where it would at the normal pace).
    lost_unserved, n_served, n_came = settle_encounters(
        state.customers,
        demand.buyers,
        front,
        short,
        short_served,
        quality,
        min(c.unserved_churn * conditions.pace, 1.0),
        min(c.satisfaction_rate * conditions.pace, 1.0),
        rng,
    )

    hit = state.filled[front] & (n_came > 0)
    seats = front[hit]
    heard = n_served[hit] * quality[seats] / n_came[hit]  # no service counts 0
    state.feedback[seats] += params.behaviour.received_memory * (heard - state.feedback[seats])

    served_per_seat = np.zeros(org.n_seats, dtype=np.int64)
    served_per_seat[front] = n_served
    unserved_per_seat = np.zeros(org.n_seats, dtype=np.int64)
    unserved_per_seat[front] = n_came - n_served
    own_overload = np.where(org.frontline, overload(asked, own_hours), 0.0)
    return EncounterOutcome(
        seat_quality=quality,
        overload=own_overload,
        reach=reach,
        served=served_per_seat,
        unserved=unserved_per_seat,
        lost_unserved=int(lost_unserved),
        # Elementwise then summed, not a BLAS dot product, whose summation order (and so the
        # last bits) differs between CPUs: same seed, same numbers on every machine.
        quality_sum=float((served_per_seat * quality).sum()),
        count=float(served_per_seat.sum()),
    )
