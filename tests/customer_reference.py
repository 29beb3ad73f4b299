"""The customer rules drawn customer by customer: the reference the cohort phases must match.

The model keeps customers as cohorts (seats x satisfaction bands) and draws each rule per cohort
with binomial, hypergeometric and multinomial counts, which is exact in distribution. This module
states the same rules per customer, as the phase docstrings word them, and draws them one
customer at a time (vectorized over customers, but one Bernoulli, uniform or Poisson draw per
customer and rule):

- demand (sim.phases.demand): each customer comes with the probability of their band;
- encounters (sim.phases.encounters): of the customers who came to a seat, a uniformly random
  subset as large as the seat's capacity is served (each comer gets a random key; the lowest
  keys are served); each customer who got no service leaves with probability
  ``unserved_churn``; each customer who came moves toward the encounter's quality (0 for no
  service) and rounds up a band with probability equal to how near the upper band is;
- customers (sim.phases.customers): each customer churns with the hazard of their band; each
  refers Poisson(referral intensity) prospects and warns Poisson(warning intensity) people;
  each prospect is won with the acquisition probability, each referral converts with
  probability one half and each warning deters one win with probability one half; each new
  customer goes to a seat drawn by the routing weights; complaints are each seat's mean
  unhappiness.

Everything else in those phases (seat quality, noise, capacity, feedback, churn memory) is the
phase's own code. :func:`per_customer_phases` swaps these functions into the week's schedule, so
a model built inside it runs the per-customer rules from its warm-up on; the cohort matrix
``state.customers`` is kept as the count of the individual customers, so every other phase and
the KPIs read it as usual. Not shipped: tests only (tests/test_cohort_equivalence.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

import sim.phases as phases_module
from sim.phases.capacity import achievable_diligence, overload
from sim.phases.customers import (
    CustomerOutcome,
    acquisition_probability,
    churn_hazard,
    referral_intensity,
    routing,
    unhappiness,
    warning_intensity,
)
from sim.phases.demand import Demand, occasion_probability
from sim.phases.encounters import EncounterOutcome, _served_capacity, seat_quality
from sim.state import BAND_VALUES, N_BANDS, State, band_of


@dataclasses.dataclass
class Individuals:
    """Every active customer: their frontline seat and satisfaction band."""

    seat: np.ndarray
    band: np.ndarray
    came: np.ndarray  # came this week (set by the demand phase)

    @classmethod
    def from_cohorts(cls, customers: np.ndarray) -> Individuals:
        cells = np.repeat(np.arange(customers.size), customers.ravel())
        seat, band = np.divmod(cells, N_BANDS)
        return cls(seat=seat, band=band, came=np.zeros(seat.size, dtype=bool))

    def keep(self, mask: np.ndarray) -> None:
        self.seat, self.band, self.came = self.seat[mask], self.band[mask], self.came[mask]

    def cohorts(self, n_seats: int) -> np.ndarray:
        flat = np.bincount(self.seat * N_BANDS + self.band, minlength=n_seats * N_BANDS)
        return flat.reshape(n_seats, N_BANDS).astype(np.int64)


def individuals(state: State) -> Individuals:
    """The state's individual customers (expanded from the cohorts the first time)."""
    ind = getattr(state, "individuals", None)
    if ind is None:
        ind = Individuals.from_cohorts(state.customers)
        state.individuals = ind  # type: ignore[attr-defined]
    return ind


def draw_demand(state, org, params, conditions, rng) -> Demand:
    """Demand, customer by customer: each comes with their band's probability."""
    ind = individuals(state)
    p = occasion_probability(params, conditions.demand_multiplier)
    ind.came = rng.random(ind.seat.size) < p[ind.band]
    buyers = Individuals(ind.seat[ind.came], ind.band[ind.came], ind.came).cohorts(org.n_seats)
    return Demand(buyers=buyers, encounters=buyers.sum(axis=1))


def _move(band: np.ndarray, quality: np.ndarray, rate: float, rng) -> np.ndarray:
    """Each customer's new band: toward ``quality`` by ``rate``, rounded up a band with
    probability equal to how near the upper band is."""
    top = N_BANDS - 1
    target = (1.0 - rate) * BAND_VALUES[band] + rate * quality
    pos = np.clip(target * top, 0.0, top)
    low = np.minimum(np.floor(pos).astype(np.int64), top - 1)
    return low + (rng.random(band.size) < pos - low)


def serve_customers(state, org, params, conditions, capacity, demand, service, rng):
    """Encounters, customer by customer (the seat side is the phase's own code)."""
    c = params.customers
    ind = individuals(state)
    front = np.flatnonzero(org.frontline)
    asked = demand.encounters * c.encounter_hours
    own_hours = capacity.own_hours + service.spare_hours
    reach = np.where(state.filled, achievable_diligence(asked, own_hours, params), 1.0)
    diligence = np.minimum(state.standard, reach)
    expected = seat_quality(state, org, params, capacity.work_quality, diligence)
    noise = np.zeros(org.n_seats)
    noise[front] = rng.normal(0.0, c.week_noise, front.size)
    quality = np.clip(expected + noise, 0.0, 1.0)
    cap = _served_capacity(state, params, own_hours, demand, diligence)

    # Who is served: a uniformly random subset of each seat's comers, as many as it can serve.
    comers = np.flatnonzero(ind.came)
    seat = ind.seat[comers]
    order = np.lexsort((rng.random(comers.size), seat))
    ranked = seat[order]
    first = np.searchsorted(ranked, ranked, side="left")
    rank = np.empty(comers.size, dtype=np.int64)
    rank[order] = np.arange(comers.size) - first
    served = rank < cap[seat]
    leaves = ~served & (rng.random(comers.size) < min(c.unserved_churn * conditions.pace, 1.0))
    rate = min(c.satisfaction_rate * conditions.pace, 1.0)
    moved = np.where(served, quality[seat], 0.0)
    ind.band[comers] = _move(ind.band[comers], moved, rate, rng)
    gone = np.zeros(ind.seat.size, dtype=bool)
    gone[comers[leaves]] = True
    ind.keep(~gone)
    state.customers[:] = ind.cohorts(org.n_seats)

    n_served = np.bincount(seat[served], minlength=org.n_seats)[front]
    n_came = np.bincount(seat, minlength=org.n_seats)[front]
    hit = state.filled[front] & (n_came > 0)
    seats = front[hit]
    heard = n_served[hit] * quality[seats] / n_came[hit]
    state.feedback[seats] += params.behaviour.received_memory * (heard - state.feedback[seats])
    served_per_seat = np.zeros(org.n_seats, dtype=np.int64)
    served_per_seat[front] = n_served
    unserved_per_seat = np.zeros(org.n_seats, dtype=np.int64)
    unserved_per_seat[front] = n_came - n_served
    return EncounterOutcome(
        seat_quality=quality,
        overload=np.where(org.frontline, overload(asked, own_hours), 0.0),
        reach=reach,
        served=served_per_seat,
        unserved=unserved_per_seat,
        lost_unserved=int(leaves.sum()),
        quality_sum=float((served_per_seat * quality).sum()),
        count=float(served_per_seat.sum()),
    )


def rebalance_individuals(ind, org, params, filled, front, rng) -> None:
    """Caseload balancing customer by customer: each customer of a book above the ceiling moves
    with the seat's share; each mover picks a seat with room in proportion to its room."""
    c = params.customers
    if c.rebalance_rate <= 0.0 or not filled.any():
        return
    books = np.bincount(ind.seat, minlength=org.n_seats)[front].astype(float)
    ceiling = (1.0 + c.book_slack) * books[filled].mean()
    excess = np.where(filled, np.maximum(books - ceiling, 0.0), 0.0)
    room = np.where(filled, np.maximum(ceiling - books, 0.0), 0.0)
    if not excess.any() or room.sum() <= 0.0:
        return
    share = np.zeros(org.n_seats)
    share[front] = c.rebalance_rate * excess / np.maximum(books, 1)
    moves = rng.random(ind.seat.size) < share[ind.seat]
    ind.seat = ind.seat.copy()
    ind.seat[moves] = front[rng.choice(front.size, size=int(moves.sum()), p=room / room.sum())]


def update_customers(state, org, params, conditions, encounters, rng) -> CustomerOutcome:
    """Churn, word of mouth, acquisition and complaints, customer by customer."""
    c = params.customers
    ind = individuals(state)
    front = np.flatnonzero(org.frontline)
    n_before = ind.seat.size + encounters.lost_unserved
    pace = conditions.pace
    hazard = np.minimum(churn_hazard(BAND_VALUES, params) * pace, 1.0)
    lost = rng.random(ind.seat.size) < hazard[ind.band]
    referrals = int(rng.poisson(pace * referral_intensity(BAND_VALUES, params)[ind.band]).sum())
    warnings = int(rng.poisson(pace * warning_intensity(BAND_VALUES, params)[ind.band]).sum())
    ind.keep(~lost)

    prospects = state.market - ind.seat.size
    p_win = min(acquisition_probability(params, conditions.demand_multiplier) * pace, 1.0)
    won = (
        int((rng.random(prospects) < p_win).sum())
        + int((rng.random(referrals) < 0.5).sum())
        - int((rng.random(warnings) < 0.5).sum())
    )
    won = min(max(won, 0), prospects)
    if won:
        books = np.bincount(ind.seat, minlength=org.n_seats)[front]
        to = routing(books[:, None], state.filled[front])
        seats = front[rng.choice(front.size, size=won, p=to)]
        ind.seat = np.concatenate([ind.seat, seats])
        ind.band = np.concatenate([ind.band, np.full(won, band_of(c.initial_satisfaction))])
        ind.came = np.concatenate([ind.came, np.zeros(won, dtype=bool)])
    rebalance_individuals(ind, org, params, state.filled[front], front, rng)
    state.customers[:] = ind.cohorts(org.n_seats)

    n = np.bincount(ind.seat, minlength=org.n_seats)[front]
    total = np.bincount(
        ind.seat, weights=unhappiness(BAND_VALUES, params)[ind.band], minlength=org.n_seats
    )[front]
    unhappy = np.where(n > 0, total / np.maximum(n, 1), 0.0)
    filled = state.filled[front]
    seats = front[filled]
    memory = params.behaviour.received_memory
    state.complaints[seats] += memory * (unhappy[filled] - state.complaints[seats])

    n_lost = int(lost.sum()) + encounters.lost_unserved
    if n_before:
        state.churn_rate_memory += 0.1 * (n_lost / n_before - state.churn_rate_memory)
    return CustomerOutcome(lost=n_lost, acquired=won, referrals=referrals, warnings=warnings)


PER_CUSTOMER = {
    "demand": draw_demand,
    "encounters": serve_customers,
    "customers": update_customers,
}


@contextmanager
def per_customer_phases() -> Iterator[None]:
    """Run the week with the per-customer demand, encounter and customer phases."""
    saved = phases_module.PHASES
    phases_module.PHASES = tuple(
        dataclasses.replace(p, function=PER_CUSTOMER[p.name]) if p.name in PER_CUSTOMER else p
        for p in saved
    )
    try:
        yield
    finally:
        phases_module.PHASES = saved
