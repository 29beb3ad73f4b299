"""Columnar state: one NumPy row per seat, per customer and per waiting request.

The model's whole mutable state lives here as a struct of arrays. Phases read and write these
arrays in place and return what else they produce; agents are thin views over seat rows. Vacant
seats keep their last values in the arrays but are masked out by ``filled`` everywhere they would
count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.org import Organization
from sim.params import Params
from sim.survey import rating_quality

# Direction codes of a request, named by the way the *service* flows (provider -> requester):
# UP: a lower-level provider serves a higher-level requester (a manager's request to a report);
# DOWN: a higher-level provider serves a lower-level requester (a report's request to a manager);
# LATERAL: provider and requester on the same level.
UP, DOWN, LATERAL = 0, 1, 2
DIRECTION_NAMES = ("up", "down", "lateral")


@dataclass
class Requests:
    """A batch of internal requests (columnar). Empty batches have zero-length arrays.

    Attributes:
        requester: Seat index of the internal customer.
        provider: Seat index asked to serve.
        direction: UP, DOWN or LATERAL (see module docstring).
        hours: Size in hours.
        age: Weeks waited so far (0 = made this week).
        customer: True when the request is an input a customer encounter needs.
        column: For customer inputs, the department supplying it (D = the manager); else -1.
    """

    requester: np.ndarray
    provider: np.ndarray
    direction: np.ndarray
    hours: np.ndarray
    age: np.ndarray
    customer: np.ndarray
    column: np.ndarray

    @classmethod
    def empty(cls) -> Requests:
        i = np.empty(0, dtype=np.int64)
        return cls(
            requester=i,
            provider=i.copy(),
            direction=np.empty(0, dtype=np.int8),
            hours=np.empty(0, dtype=float),
            age=np.empty(0, dtype=np.int16),
            customer=np.empty(0, dtype=bool),
            column=np.empty(0, dtype=np.int16),
        )

    def __len__(self) -> int:
        return int(self.requester.size)

    def take(self, mask_or_index: np.ndarray) -> Requests:
        # A boolean mask is turned into indices once: seven integer gathers are several times
        # cheaper than seven boolean selections, each of which rescans the mask.
        idx = np.asarray(mask_or_index)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        return Requests(
            requester=self.requester.take(idx),
            provider=self.provider.take(idx),
            direction=self.direction.take(idx),
            hours=self.hours.take(idx),
            age=self.age.take(idx),
            customer=self.customer.take(idx),
            column=self.column.take(idx),
        )

    @staticmethod
    def concat(parts: list[Requests]) -> Requests:
        parts = [p for p in parts if len(p)]
        if not parts:
            return Requests.empty()
        if len(parts) == 1:
            return parts[0]
        return Requests(
            requester=np.concatenate([p.requester for p in parts]),
            provider=np.concatenate([p.provider for p in parts]),
            direction=np.concatenate([p.direction for p in parts]),
            hours=np.concatenate([p.hours for p in parts]),
            age=np.concatenate([p.age for p in parts]),
            customer=np.concatenate([p.customer for p in parts]),
            column=np.concatenate([p.column for p in parts]),
        )


@dataclass
class State:
    """All mutable arrays of the model.

    Seat arrays (length ``n_seats``): ``filled``, ``morale``, ``mindset``, ``skill`` (all in
    [0, 1]), ``tenure`` (weeks), ``person_id``, ``vacancy_wait`` (weeks until a vacant seat is
    filled), ``onboarding_left`` (weeks), ``received`` (remembered quality of internal service
    received, 0-1), ``given`` (remembered quality of internal service given, 0-1), ``supplied``
    (remembered on-time share of one's own requests), ``feedback`` (remembered customer encounter
    quality, frontline), ``pressure`` (overload share, >= 0), ``workload`` (demand / capacity),
    ``backlog_hours``, ``input_supply`` (seats x departments+1: remembered on-time share of the
    encounter inputs each department and the manager delivered).

    ``seat_quits`` counts the quits from each seat since the start (for unit-level turnover);
    ``local_quality`` is the static effect of the seat's business unit's local conditions on
    encounter quality and ``quit_propensity`` the occupant's personal log-multiplier of the quit
    hazard (see :func:`initial_state`).

    Customer arrays (length ``n_customers``, the addressable market): ``c_active``,
    ``c_satisfaction`` (0-1), ``c_tenure`` (weeks), ``c_employee`` (usual frontline seat).
    """

    filled: np.ndarray
    morale: np.ndarray
    mindset: np.ndarray
    skill: np.ndarray
    tenure: np.ndarray
    person_id: np.ndarray
    vacancy_wait: np.ndarray
    onboarding_left: np.ndarray
    received: np.ndarray
    given: np.ndarray
    supplied: np.ndarray
    feedback: np.ndarray
    pressure: np.ndarray
    workload: np.ndarray
    backlog_hours: np.ndarray
    input_supply: np.ndarray
    c_active: np.ndarray
    c_satisfaction: np.ndarray
    c_tenure: np.ndarray
    c_employee: np.ndarray
    seat_quits: np.ndarray
    local_quality: np.ndarray
    quit_propensity: np.ndarray
    pending: Requests
    service_direction: float
    next_person_id: int
    quit_history: list[int]
    headcount_history: list[int]
    churn_rate_memory: float


def draw_quit_propensity(params: Params, n: int, rng: np.random.Generator) -> np.ndarray:
    """Personal log-multipliers of the quit hazard, centred so that exp() has mean 1."""
    sd = params.workforce.quit_propensity_sd
    return rng.normal(-0.5 * sd**2, sd, n)


def survivor_quit_propensity(
    params: Params, tenure: np.ndarray, rng: np.random.Generator, candidates: int = 16
) -> np.ndarray:
    """Quit propensities of people who have already stayed ``tenure`` weeks.

    Those still in their seats after years are, by selection, the stayers: each person's
    propensity is drawn from the hiring pool's distribution weighted by the probability of
    surviving their tenure at the starting morale (importance resampling over ``candidates``
    draws per person). Without this the starting workforce would quit like new hires.
    """
    wf = params.workforce
    n = tenure.size
    pool = draw_quit_propensity(params, n * candidates, rng).reshape(n, candidates)
    weekly = wf.quit_base_weekly * np.exp(
        wf.quit_morale_sensitivity * (wf.morale_reference - wf.initial_morale)
    )
    log_w = -weekly * np.exp(pool) * tenure[:, None]
    w = np.exp(log_w - log_w.max(axis=1, keepdims=True))
    cum = np.cumsum(w, axis=1)
    u = rng.random(n) * cum[:, -1]
    pick = np.minimum((u[:, None] > cum).sum(axis=1), candidates - 1)
    return pool[np.arange(n), pick]


def initial_state(org: Organization, params: Params, rng: np.random.Generator) -> State:
    """Initialization (ODD §5): every seat filled, traits drawn around the configured means.

    Morale and mindset start from clipped normal draws around ``workforce.initial_morale`` and
    ``initial_mindset`` (set near the reference organization's steady state); tenure is
    exponential with mean ``workforce.initial_tenure_weeks``, and skill is where the learning
    curve has brought a hire of ``hire_skill`` in that tenure, plus a little noise. The customer
    market has ``customers.market_multiple`` times the starting base; the starting base
    (``customers.per_frontline`` per frontline seat) is active and assigned evenly to frontline
    seats.

    Local conditions: every business unit (a manager's team) gets a static effect on encounter
    quality drawn once, normal with sd ``customers.local_conditions_sd``: location, customer mix
    and product differ between units, so customer satisfaction varies between units for reasons
    morale does not explain (which is why Harter et al. 2002 find unit-level correlations of about
    0.3, not 1). Likewise people differ in their readiness to leave for reasons morale does not
    capture (life events, outside offers): each person's quit hazard carries a personal lognormal
    factor of mean 1 and log-sd ``workforce.quit_propensity_sd``, drawn again for every hire; the
    starting workforce carries the propensities of people who stayed that long
    (:func:`survivor_quit_propensity`).

    An organization read from a chart brings its people's tenure where known
    (``org.start_tenure``); a survey brings the service each department remembers
    (``org.received_rating``, ``org.given_rating``). Otherwise remembered service starts at
    ``behaviour.service_expectation``.
    """
    n = org.n_seats
    wf = params.workforce

    def draw(mean: float) -> np.ndarray:
        return np.clip(rng.normal(mean, wf.initial_sd, n), 0.0, 1.0)

    # Tenure as in a workforce with a constant quit hazard (exponential), and skill where the
    # learning curve (phase 5) has taken each person from the hire skill in that tenure: the
    # organization starts near its own steady state instead of drifting for years.
    tenure = np.minimum(rng.exponential(wf.initial_tenure_weeks, n), 2080).astype(np.int32)
    if org.start_tenure is not None:
        # An imported chart's tenure where known. The draw above is made for every seat anyway,
        # so the random numbers that follow do not depend on which tenures the chart gives.
        tenure = np.where(org.start_tenure >= 0, org.start_tenure, tenure).astype(np.int32)
    learned = 1.0 - (1.0 - wf.hire_skill) * np.exp(-params.behaviour.learning_rate * tenure)
    skill = np.clip(learned + rng.normal(0.0, wf.initial_sd / 2, n), 0.0, 1.0)
    frontline_seats = np.flatnonzero(org.frontline)
    n_active = max(1, round(params.customers.per_frontline * frontline_seats.size))
    n_market = max(n_active + 1, round(n_active * params.customers.market_multiple))
    c_employee = np.empty(n_market, dtype=np.int64)
    c_employee[:n_active] = frontline_seats[np.arange(n_active) % frontline_seats.size]
    c_employee[n_active:] = frontline_seats[
        rng.integers(0, frontline_seats.size, n_market - n_active)
    ]
    unit_effect = rng.normal(0.0, params.customers.local_conditions_sd, n)
    local_quality = np.where(org.has_manager, unit_effect[org.manager_safe], 0.0)
    c_active = np.zeros(n_market, dtype=bool)
    c_active[:n_active] = True
    expectation = params.behaviour.service_expectation
    received = np.full(n, expectation)
    given = np.full(n, expectation)
    if org.received_rating is not None:
        # A survey's ratings: what each department remembers of the service it received and
        # gave before the run (sim.survey; rating 3 = as expected = the default start).
        received = rating_quality(org.received_rating, expectation)[org.dept]
        given = rating_quality(org.given_rating, expectation)[org.dept]
    return State(
        filled=np.ones(n, dtype=bool),
        morale=draw(wf.initial_morale),
        mindset=draw(wf.initial_mindset),
        skill=skill,
        tenure=tenure,
        person_id=np.arange(n, dtype=np.int64),
        vacancy_wait=np.zeros(n),
        onboarding_left=np.zeros(n, dtype=np.int16),
        received=received,
        given=given,
        supplied=np.full(n, 0.9),
        feedback=np.full(n, params.behaviour.service_expectation),
        pressure=np.zeros(n),
        workload=np.zeros(n),
        backlog_hours=np.zeros(n),
        input_supply=np.ones((n, org.n_depts + 1)),
        c_active=c_active,
        c_satisfaction=np.full(n_market, params.customers.initial_satisfaction),
        c_tenure=np.where(c_active, rng.integers(0, 260, n_market), 0).astype(np.int32),
        c_employee=c_employee,
        seat_quits=np.zeros(n, dtype=np.int32),
        local_quality=local_quality,
        quit_propensity=survivor_quit_propensity(params, tenure, rng),
        pending=Requests.empty(),
        service_direction=params.culture.service_direction,
        next_person_id=n,
        # Turnover is measured over a trailing year that starts with the initial state.
        quit_history=[0],
        headcount_history=[n],
        churn_rate_memory=params.customers.churn_base_weekly,
    )
