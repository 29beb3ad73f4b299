"""Customers update: churn, word of mouth, acquisition and complaints.

Rules (Heskett et al. 1994, loyalty, referrals and lifetime value):
- Churn hazard per week = ``churn_base_weekly`` x exp(``churn_sensitivity`` x
  (``satisfaction_reference`` - satisfaction)), capped at 1: dissatisfied customers leave for
  competitors (not-customers).
- Referrals: each active customer above ``referral_threshold`` refers Poisson(``referral_rate`` x
  how far above it they are, scaled to 0-1) prospects; half of the referred convert.
- Warnings: each active customer below ``warning_threshold`` warns Poisson(``warning_rate`` x how
  far below, scaled to 0-1) x ``social_amplification`` people (social media amplifies
  complaints); each warning deters one would-be acquisition with probability one half.
- Acquisition: prospects (the market not yet won) have purchase occasions like a neutral
  customer (``occasion_rate`` x the demand multiplier) and each prospect is won with probability
  ``acquisition_rate`` x the chance of an occasion this week; plus converted referrals, minus
  deterred ones. No demand, no acquisition: a competitor who takes demand takes prospects too.
  New customers start at ``initial_satisfaction`` with a frontline employee drawn at random
  among those in post, smaller customer books more likely (see :func:`routing`): the
  organization routes new customers to the people with room for them.
- Caseload balancing (Gans, Koole & Mandelbaum 2003: service operations route work to balance
  load across servers; branch and account managers' books are rebalanced when they outgrow a
  person's time): a book more than ``book_slack`` above the frontline's average loses, each
  week, a share ``rebalance_rate`` of that excess to colleagues whose books are below it (in
  proportion to their room), each moved customer keeping their satisfaction. Without it, a
  unit that serves well keeps its customers, its books grow without bound and the pressure of
  its own success drags its morale down: the units' morale would correlate negatively with
  their customers' satisfaction, against every field study.
- Complaints reach the frontline: each frontline seat remembers (exponential memory,
  ``behaviour.received_memory``) the unhappy share of its customers, each customer counting how
  far below ``satisfaction_reference`` they are (scaled to 0-1); the employees update turns
  it into morale.

Drawn per cohort: churn is binomial per (seat, band), new customers are spread over seats by
one multinomial draw, and balanced customers leave their seat binomially per (seat, band) and
are spread by one multinomial draw per band, exactly as if each customer were drawn alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.kernels.cohorts import churn, multinomial
from sim.org import Organization
from sim.params import Params
from sim.phases.conditions import Conditions
from sim.phases.encounters import EncounterOutcome
from sim.state import BAND_VALUES, State, band_of


@dataclass(frozen=True)
class CustomerOutcome:
    """This week's changes in the customer base.

    Attributes:
        lost: Customers who churned (those who left after getting no service included).
        acquired: New customers (marketing and referrals, less those warned off).
        referrals: Referrals made by satisfied customers.
        warnings: Warnings (amplified) made by dissatisfied customers.
    """

    lost: int
    acquired: int
    referrals: int
    warnings: int


def churn_hazard(satisfaction: np.ndarray, params: Params) -> np.ndarray:
    """Weekly probability that a customer with this satisfaction leaves."""
    c = params.customers
    return np.minimum(
        c.churn_base_weekly
        * np.exp(c.churn_sensitivity * (c.satisfaction_reference - satisfaction)),
        1.0,
    )


def referral_intensity(satisfaction: np.ndarray, params: Params) -> np.ndarray:
    """Expected referrals per week of customers with this satisfaction."""
    c = params.customers
    above = np.clip(
        (satisfaction - c.referral_threshold) / max(1.0 - c.referral_threshold, 1e-9), 0, 1
    )
    return c.referral_rate * above


def warning_intensity(satisfaction: np.ndarray, params: Params) -> np.ndarray:
    """Expected (amplified) warnings per week of customers with this satisfaction."""
    c = params.customers
    below = np.clip((c.warning_threshold - satisfaction) / max(c.warning_threshold, 1e-9), 0, 1)
    return c.warning_rate * below * c.social_amplification


def unhappiness(satisfaction: np.ndarray, params: Params) -> np.ndarray:
    """How far below what they expect customers are, scaled to 0-1 (0 = content)."""
    ref = params.customers.satisfaction_reference
    return np.clip((ref - satisfaction) / max(ref, 1e-9), 0.0, 1.0)


def routing(counts: np.ndarray, filled: np.ndarray) -> np.ndarray:
    """Where new customers go: each filled frontline seat with probability proportional to how
    far its customer book is below twice the average (at least a tenth of the average), so books
    stay balanced and a seat that kept its customers is not buried in new ones. Vacant seats get
    none (all seats alike when every one is vacant)."""
    books = counts.sum(axis=1).astype(float)
    average = max(books.mean(), 1.0)
    weight = np.maximum(2.0 * average - books, 0.1 * average) * filled
    if weight.sum() <= 0.0:
        weight = np.ones(books.size)
    return weight / weight.sum()


def rebalance_books(counts: np.ndarray, filled: np.ndarray, params: Params, rng) -> int:
    """Move customers from books above ``(1 + book_slack)`` x the average of the seats in post to
    seats below it, in place (see the module docstring); returns how many moved.

    Args:
        counts: Customers per (frontline seat, satisfaction band), changed in place.
        filled: Whether each frontline seat is in post (vacant seats neither give nor take: a
            vacant seat's customers are covered by colleagues in the encounters phase).
        params: The parameters (``customers.rebalance_rate``, ``customers.book_slack``).
        rng: The model's generator.
    """
    c = params.customers
    if c.rebalance_rate <= 0.0 or not filled.any():
        return 0
    books = counts.sum(axis=1)
    ceiling = (1.0 + c.book_slack) * books[filled].mean()
    excess = np.where(filled, np.maximum(books - ceiling, 0.0), 0.0)
    room = np.where(filled, np.maximum(ceiling - books, 0.0), 0.0)
    if not excess.any() or room.sum() <= 0.0:
        return 0
    share = c.rebalance_rate * excess / np.maximum(books, 1)
    moved = rng.binomial(counts, share[:, None])
    counts -= moved
    to = room / room.sum()
    for band in np.flatnonzero(moved.sum(axis=0)):  # ten bands at most: not a loop over people
        counts[:, band] += multinomial(int(moved[:, band].sum()), to, rng)
    return int(moved.sum())


def acquisition_probability(params: Params, multiplier: float) -> float:
    """Weekly probability that marketing wins one prospect (needs demand: no occasion, no win)."""
    c = params.customers
    return c.acquisition_rate * (1.0 - np.exp(-c.occasion_rate * multiplier))


def update_customers(
    state: State,
    org: Organization,
    params: Params,
    conditions: Conditions,
    encounters: EncounterOutcome,
    rng,
) -> CustomerOutcome:
    """The customers phase: churn, word of mouth, acquisition, complaints.

    Also keeps the smoothed weekly churn rate that customer lifetime value is estimated from.
    """
    c = params.customers
    front = np.flatnonzero(org.frontline)
    pace = conditions.pace  # > 1 only while the warm-up fast-forwards the customer base
    hazard = np.minimum(churn_hazard(BAND_VALUES, params) * pace, 1.0)
    # Compiled: lost = rng.binomial(customers, hazard) per cohort, removed in place.
    n_churned, per_band = churn(state.customers, front, hazard, rng)
    n_before = int(per_band.sum()) + encounters.lost_unserved
    referrals = int(rng.poisson(pace * (per_band * referral_intensity(BAND_VALUES, params)).sum()))
    warnings = int(rng.poisson(pace * (per_band * warning_intensity(BAND_VALUES, params)).sum()))
    counts = state.customers[front]

    prospects = state.market - int(counts.sum())
    won = (
        rng.binomial(
            prospects,
            min(acquisition_probability(params, conditions.demand_multiplier) * pace, 1.0),
        )
        + rng.binomial(referrals, 0.5)
        - rng.binomial(warnings, 0.5)
    )
    won = int(min(max(won, 0), prospects))
    if won:
        to = routing(counts, state.filled[front])
        counts[:, band_of(c.initial_satisfaction)] += multinomial(won, to, rng)
    moved = rebalance_books(counts, state.filled[front], params, rng)
    if won or moved:  # counts is a copy of the front rows: write it back once
        state.customers[front] = counts

    n = counts.sum(axis=1)
    unhappy = np.where(
        n > 0, (counts * unhappiness(BAND_VALUES, params)).sum(axis=1) / np.maximum(n, 1), 0.0
    )
    seats = front[state.filled[front]]
    memory = params.behaviour.received_memory
    state.complaints[seats] += memory * (unhappy[state.filled[front]] - state.complaints[seats])

    n_lost = int(n_churned) + encounters.lost_unserved
    if n_before:
        state.churn_rate_memory += 0.1 * (n_lost / n_before - state.churn_rate_memory)
    return CustomerOutcome(lost=n_lost, acquired=won, referrals=referrals, warnings=warnings)
