"""Columnar state: one NumPy row per seat, per customer cohort and per waiting request.

The model's whole mutable state lives here as a struct of arrays. Phases read and write these
arrays in place and return what else they produce; agents are thin views over seat rows. Vacant
seats keep their last values in the arrays but are masked out by ``filled`` everywhere they would
count.

Customers are cohorts: for each frontline seat, the number of its customers in each satisfaction
band (``N_BANDS`` bands from 0 to 1). The customer rules are stated per customer and drawn per
cohort with binomial counts, which is exact in distribution, so the cost of a week does not grow
with the number of customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.org import Organization
from sim.params import Params, check_market

# Direction codes of a request, named by the way the *service* flows (provider -> requester):
# UP: a lower-level provider serves a higher-level requester (a manager's request to a report);
# DOWN: a higher-level provider serves a lower-level requester (a report's request to a manager);
# LATERAL: provider and requester on the same level.
UP, DOWN, LATERAL = 0, 1, 2
DIRECTION_NAMES = ("up", "down", "lateral")

# What a request is for. TASK: an input the requester's own work needs; AVOIDABLE: an unclear ask
# or rework that adds nothing; CUSTOMER: an input a customer encounter needs.
TASK, AVOIDABLE, CUSTOMER = 0, 1, 2
KIND_NAMES = ("task input", "avoidable", "customer input")

# What belongs to the person in a seat, not to the seat: a promotion moves these with them (the
# seat keeps its customers, its unit's local conditions and its memory of its suppliers).
PERSON_FIELDS = (
    "morale", "mindset", "skill", "tenure", "person_id", "received", "given", "given_up",
    "given_front", "task_supply", "expectation", "standard", "diligence", "felt_reach",
    "feedback", "complaints", "quit_propensity", "voice", "promotions", "hire_level",
    "seat_direction",
)  # fmt: skip

# Customer satisfaction bands: 0.0, 0.1, ..., 1.0.
N_BANDS = 11
BAND_VALUES = np.linspace(0.0, 1.0, N_BANDS)


def band_of(satisfaction: float) -> int:
    """The band nearest to a satisfaction level (0-1)."""
    return round(min(max(satisfaction, 0.0), 1.0) * (N_BANDS - 1))


@dataclass
class Requests:
    """A batch of internal requests (columnar). Empty batches have zero-length arrays.

    Attributes:
        requester: Seat index of the internal customer.
        provider: Seat index asked to serve.
        direction: UP, DOWN or LATERAL (see module docstring).
        hours: Size in hours.
        age: Weeks waited so far (0 = made this week).
        kind: TASK, AVOIDABLE or CUSTOMER (what the request is for).
        column: For customer inputs, the department supplying it (D = the manager); else -1.
    """

    requester: np.ndarray
    provider: np.ndarray
    direction: np.ndarray
    hours: np.ndarray
    age: np.ndarray
    kind: np.ndarray
    column: np.ndarray

    @property
    def customer(self) -> np.ndarray:
        """True where the request is an input a customer encounter needs."""
        return self.kind == CUSTOMER

    @classmethod
    def empty(cls) -> Requests:
        i = np.empty(0, dtype=np.int64)
        return cls(
            requester=i,
            provider=i.copy(),
            direction=np.empty(0, dtype=np.int8),
            hours=np.empty(0, dtype=float),
            age=np.empty(0, dtype=np.int16),
            kind=np.empty(0, dtype=np.int8),
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
            kind=self.kind.take(idx),
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
            kind=np.concatenate([p.kind for p in parts]),
            column=np.concatenate([p.column for p in parts]),
        )


@dataclass
class State:
    """All mutable arrays of the model.

    Seat arrays (length ``n_seats``):
        filled: The seat has an occupant.
        morale, mindset, skill: Traits of the occupant, 0-1.
        tenure: Weeks the occupant has worked here (in any seat).
        role_tenure: Weeks the occupant has held this seat.
        promotions: Times the occupant has been promoted here.
        hire_level: The level the occupant was hired at (the levels held run from it up to the
            seat's).
        person_id: Id of the occupant (a new hire gets a new id).
        vacancy_wait: Weeks until a vacant seat is filled.
        onboarding_left: Weeks of onboarding left.
        received: Remembered quality of internal service received (0-1).
        given: Remembered service given, as those served felt it (0-1).
        given_up: The same, of the service given to higher levels (0-1).
        given_front: The same, of the service given toward the customer: to the frontline, and
            the inputs customer encounters need (0-1).
        task_supply: Remembered score of the inputs one's own work needed from colleagues (0-1).
        expectation: The treatment the person expects (0-1); adapts to what they get.
        standard: The quality standard the person holds: the share of the standard time per
            task they give when not rushed (0-1; Oliva & Sterman's eroding standard).
        diligence: Share of the standard time per task actually given last week (0-1).
        felt_reach: Remembered share of the standard time per task that the pressure of one's
            main work (encounters for the frontline, internal requests for everyone else)
            allowed: sustained pressure, not one busy week, erodes standards.
        feedback: Remembered quality of one's customer encounters (frontline).
        complaints: Remembered share of one's customers who are unhappy (frontline).
        pressure: Workload pressure (overtime and rushing, plus felt pressure), >= 0.
        workload: Hours asked for internal service / hours available, last week.
        backlog_hours: Hours of internal requests waiting on the seat.
        input_supply: (seats x departments+1) remembered on-time share of the encounter inputs
            each department (and the manager, last column) delivered.
        seat_quits: Quits from the seat since week 0 (for unit-level turnover).
        local_quality: Static effect of the seat's business unit's local conditions.
        local_price: Static factor (mean 1) of the seat's business unit's margin per occasion.
        local_quit: Static log-multiplier of the quit hazard from the seat's business unit's
            local labour market.
        local_process: Static factor (mean 1) on the quality of work in the seat's business unit
            (its tools and processes).
        quit_propensity: The occupant's personal log-multiplier of the quit hazard.
        voice: Share of their needs for their manager's help the occupant still asks for, 0-1
            (falls when the manager leaves their requests waiting: organizational silence).
        seat_direction: The service direction the occupant practises (-1 pyramid .. +1
            inverted): the culture in force (``service_direction``) everywhere, unless parts of
            the organization came with cultures of their own (a merger, :mod:`sim.culture`).

    Customer cohorts:
        customers: (seats x N_BANDS) number of each seat's customers per satisfaction band
            (rows of non-frontline seats stay 0).
        market: Size of the addressable market (active customers + prospects).

    Organization-level memory:
        service_direction: The culture in force: the one leadership declares (a leadership
            change sets it, and every seat's ``seat_direction`` with it).
        revenue_trend: Revenue smoothed over ``economics.revenue_smoothing_weeks``.
        revenue_plan: The revenue the budget is planned on; adapts to the trend slowly.
        shortfall: Revenue shortfall against plan (share of plan, budget cuts included), >= 0.
        insecurity: Job insecurity, 0-1, from the shortfall and recent layoffs.
        layoff_insecurity: The part of job insecurity recent layoffs left (fades).
        payroll_cut: Share of the payroll a restructuring (layoffs) cut from the budget; the
            budget grows back as the revenue plan adapts.
        quit_history, headcount_history: Quits and headcount per week (turnover is measured
            over a trailing year).
        churn_rate_memory: Smoothed weekly customer churn rate (for lifetime value).
        next_person_id: Id of the next hire.
        pool_shift: How far the hiring pool's mean mindset has moved with the employer's
            reputation (attraction).
        fill_history: Per week, (manager seats filled from within, manager seats filled).
    """

    filled: np.ndarray
    morale: np.ndarray
    mindset: np.ndarray
    skill: np.ndarray
    tenure: np.ndarray
    role_tenure: np.ndarray
    promotions: np.ndarray
    hire_level: np.ndarray
    person_id: np.ndarray
    vacancy_wait: np.ndarray
    onboarding_left: np.ndarray
    received: np.ndarray
    given: np.ndarray
    given_up: np.ndarray
    given_front: np.ndarray
    task_supply: np.ndarray
    expectation: np.ndarray
    standard: np.ndarray
    diligence: np.ndarray
    felt_reach: np.ndarray
    feedback: np.ndarray
    complaints: np.ndarray
    pressure: np.ndarray
    workload: np.ndarray
    backlog_hours: np.ndarray
    input_supply: np.ndarray
    seat_quits: np.ndarray
    local_quality: np.ndarray
    local_price: np.ndarray
    local_quit: np.ndarray
    local_process: np.ndarray
    quit_propensity: np.ndarray
    voice: np.ndarray
    seat_direction: np.ndarray
    customers: np.ndarray
    market: int
    pending: Requests
    service_direction: float
    revenue_trend: float
    revenue_plan: float
    shortfall: float
    insecurity: float
    layoff_insecurity: float
    payroll_cut: float
    next_person_id: int
    quit_history: list[int]
    headcount_history: list[int]
    churn_rate_memory: float
    pool_shift: float
    fill_history: list[tuple[int, int]]

    @property
    def customers_per_seat(self) -> np.ndarray:
        """Active customers of each seat."""
        return self.customers.sum(axis=1)

    @property
    def active_customers(self) -> int:
        """Number of active customers."""
        return int(self.customers.sum())

    def satisfaction_of(self, seats: np.ndarray | None = None) -> np.ndarray:
        """Mean satisfaction of each seat's customers (NaN for a seat without customers)."""
        counts = self.customers if seats is None else self.customers[seats]
        n = counts.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (counts * BAND_VALUES).sum(axis=1) / n

    @property
    def mean_satisfaction(self) -> float:
        """Mean satisfaction of all active customers (0 when there are none)."""
        n = self.customers.sum()
        return float((self.customers.sum(axis=0) * BAND_VALUES).sum() / n) if n else 0.0


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
    weekly = wf.quit_base_weekly * np.exp(
        wf.quit_morale_sensitivity * (wf.morale_reference - wf.initial_morale)
    )
    pool = draw_quit_propensity(params, tenure.size * candidates, rng).reshape(-1, candidates)
    return _resample(pool, -weekly * np.exp(pool) * tenure[:, None], rng)


def stationary_tenure(
    hazard: np.ndarray, params: Params, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Quit propensities and tenures (weeks) of a workforce in its steady state.

    Rule (renewal theory; the stayers' selection behind Harter et al.'s turnover data): in a seat
    whose occupant quits with weekly probability ``hazard`` x exp(propensity), and who is
    replaced by a hire with a propensity from the hiring pool, N(-sd^2/2, sd) with sd
    ``workforce.quit_propensity_sd``, the occupant met at a random week is drawn from the pool
    weighted by their expected stay, exp(-propensity) / ``hazard``: that tilts the normal to
    N(-3 sd^2/2, sd), exactly while the weekly probability stays below 1. They have been in
    post a geometric number of weeks at their weekly probability. People who rarely leave are
    over-represented among incumbents and have long tenures: a workforce built any other way
    relaxes to this one only as fast as its most loyal people leave, which takes a decade.

    Args:
        hazard: Each seat's weekly quit probability without the personal factor, 0-1.
        params: Scenario parameters (``workforce.quit_propensity_sd``).
        rng: The model's generator.

    Returns:
        ``(propensity, tenure)``: log-multipliers of the quit hazard and completed weeks in post.
    """
    sd = params.workforce.quit_propensity_sd
    propensity = rng.normal(-1.5 * sd**2, sd, hazard.size)
    weekly = np.clip(hazard * np.exp(propensity), 1e-6, 1.0)
    tenure = np.minimum(rng.geometric(weekly) - 1, MAX_TENURE_WEEKS).astype(np.int32)
    return propensity, tenure


def learned_skill(tenure: np.ndarray, params: Params, rng: np.random.Generator) -> np.ndarray:
    """Skill where the learning curve (employees phase) has taken a hire in ``tenure`` weeks.

    From the hire skill, skill closes ``behaviour.learning_rate`` of the gap to 1 each week; a
    little noise (sd ``workforce.initial_sd`` / 2) stands for how differently people learn.
    """
    wf = params.workforce
    learned = 1.0 - (1.0 - wf.hire_skill) * np.exp(-params.behaviour.learning_rate * tenure)
    return np.clip(learned + rng.normal(0.0, wf.initial_sd / 2, tenure.size), 0.0, 1.0)


# Tenures are capped at 40 years.
MAX_TENURE_WEEKS = 2080


def _resample(pool: np.ndarray, log_w: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One candidate per row of ``pool``, drawn with weights ``exp(log_w)`` (row-wise)."""
    n, candidates = pool.shape
    w = np.exp(log_w - log_w.max(axis=1, keepdims=True))
    cum = np.cumsum(w, axis=1)
    u = rng.random(n) * cum[:, -1]
    pick = np.minimum((u[:, None] > cum).sum(axis=1), candidates - 1)
    return pool[np.arange(n), pick]


def _unit_factor(org: Organization, log_sd: float, rng: np.random.Generator) -> np.ndarray:
    """Per seat, a static lognormal factor of mean 1 (log-sd ``log_sd``) shared by the seat's
    business unit (its manager's team); 1 for seats with no manager."""
    unit = np.exp(rng.normal(-0.5 * log_sd**2, log_sd, org.n_seats))
    return np.where(org.has_manager, unit[org.manager_safe], 1.0)


def initial_state(org: Organization, params: Params, rng: np.random.Generator) -> State:
    """The organization as built, before the warm-up (see ``ServiceCultureModel``).

    Every seat is filled. Morale and mindset start from clipped normal draws around
    ``workforce.initial_morale`` and ``initial_mindset``; tenure is exponential with mean
    ``workforce.initial_tenure_weeks``, and skill is where the learning curve has brought a hire
    of ``hire_skill`` in that tenure, plus a little noise. Expectations start at the norm
    (``behaviour.service_expectation``) and quality standards at 1. The customer base
    (``customers.per_frontline`` per frontline seat, at ``initial_satisfaction``) is spread
    evenly over the frontline; the market is ``customers.market_multiple`` times that base.
    The warm-up then takes all of this to the organization's own steady state.

    Local conditions: every business unit (a manager's team) gets a static effect on encounter
    quality drawn once, normal with sd ``customers.local_conditions_sd``: location, customer mix
    and product differ between units, so customer satisfaction varies between units for reasons
    morale does not explain (which is why Harter et al. 2002 find unit-level correlations of about
    0.3, not 1). Units also differ in their margin per occasion, a lognormal factor of mean 1
    and log-sd ``economics.local_price_sd`` (local prices, product mix and rents), and in their
    local labour market, a lognormal factor of mean 1 and log-sd
    ``workforce.local_labour_market_sd`` on the quit hazard (outside offers and commutes differ
    by location): unit profit and unit turnover vary for reasons morale does not explain, which
    is why Harter et al. find unit morale correlating only about +0.15 with profit. Likewise
    people differ in their readiness to leave for reasons morale does not capture (life events,
    outside offers): each person's quit hazard carries a personal lognormal
    factor of mean 1 and log-sd ``workforce.quit_propensity_sd``, drawn again for every hire; the
    starting workforce carries the propensities of people who stayed that long
    (:func:`survivor_quit_propensity`).

    An organization read from a chart brings its people's tenure where known
    (``org.start_tenure``). A survey's ratings act through the departments' service conditions
    (:attr:`~sim.org.Organization.service_offset`), which the warm-up carries into week 0.
    """
    n = org.n_seats
    wf = params.workforce
    expected = params.behaviour.service_expectation

    def draw(mean: float) -> np.ndarray:
        return np.clip(rng.normal(mean, wf.initial_sd, n), 0.0, 1.0)

    # Tenure as in a workforce with a constant quit hazard (exponential), and skill where the
    # learning curve (phase 5) has taken each person from the hire skill in that tenure.
    tenure = np.minimum(rng.exponential(wf.initial_tenure_weeks, n), MAX_TENURE_WEEKS).astype(
        np.int32
    )
    if org.start_tenure is not None:
        # An imported chart's tenure where known. The draw above is made for every seat anyway,
        # so the random numbers that follow do not depend on which tenures the chart gives.
        tenure = np.where(org.start_tenure >= 0, org.start_tenure, tenure).astype(np.int32)
    skill = learned_skill(tenure, params, rng)
    frontline_seats = np.flatnonzero(org.frontline)
    n_active = max(1, round(params.customers.per_frontline * frontline_seats.size))
    market = max(n_active + 1, round(n_active * params.customers.market_multiple))
    check_market(market, frontline_seats.size, params)
    unit_effect = rng.normal(0.0, params.customers.local_conditions_sd, n)
    local_quality = np.where(org.has_manager, unit_effect[org.manager_safe], 0.0)
    local_price = _unit_factor(org, params.economics.local_price_sd, rng)
    local_quit = np.log(_unit_factor(org, params.workforce.local_labour_market_sd, rng))
    local_process = _unit_factor(org, params.workforce.local_process_sd, rng)
    customers = np.zeros((n, N_BANDS), dtype=np.int64)
    per_seat = np.bincount(
        np.arange(n_active) % frontline_seats.size, minlength=frontline_seats.size
    )
    customers[frontline_seats, band_of(params.customers.initial_satisfaction)] = per_seat
    return State(
        filled=np.ones(n, dtype=bool),
        morale=draw(wf.initial_morale),
        mindset=draw(wf.initial_mindset),
        skill=skill,
        tenure=tenure,
        role_tenure=tenure.copy(),
        promotions=np.zeros(n, dtype=np.int16),
        hire_level=org.level.astype(np.int16),
        person_id=np.arange(n, dtype=np.int64),
        vacancy_wait=np.zeros(n),
        onboarding_left=np.zeros(n, dtype=np.int16),
        received=np.full(n, expected),
        given=np.full(n, expected),
        given_up=np.full(n, expected),
        given_front=np.full(n, expected),
        task_supply=np.full(n, expected),
        expectation=np.full(n, expected),
        standard=np.ones(n),
        diligence=np.ones(n),
        felt_reach=np.ones(n),
        feedback=np.full(n, expected),
        complaints=np.zeros(n),
        pressure=np.zeros(n),
        workload=np.zeros(n),
        backlog_hours=np.zeros(n),
        input_supply=np.ones((n, org.n_depts + 1)),
        seat_quits=np.zeros(n, dtype=np.int32),
        local_quality=local_quality,
        local_price=local_price,
        local_quit=local_quit,
        local_process=local_process,
        quit_propensity=survivor_quit_propensity(params, tenure, rng),
        voice=np.ones(n),
        seat_direction=np.full(n, params.culture.service_direction),
        customers=customers,
        market=int(market),
        pending=Requests.empty(),
        service_direction=params.culture.service_direction,
        revenue_trend=0.0,
        revenue_plan=0.0,
        shortfall=0.0,
        insecurity=0.0,
        layoff_insecurity=0.0,
        payroll_cut=0.0,
        next_person_id=n,
        # Turnover is measured over a trailing year that starts with the initial state.
        quit_history=[0],
        headcount_history=[n],
        churn_rate_memory=params.customers.churn_base_weekly,
        pool_shift=0.0,
        fill_history=[],
    )
