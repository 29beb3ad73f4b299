"""Phase 7, customers update: churn, word of mouth and acquisition.

Rules (Heskett et al. 1994, loyalty, referrals and lifetime value):
- Churn hazard per week = ``churn_base_weekly`` x exp(``churn_sensitivity`` x
  (``satisfaction_reference`` - satisfaction)), capped at 1: dissatisfied customers leave for
  competitors (not-customers).
- Referrals: each active customer above ``referral_threshold`` refers Poisson(``referral_rate`` x
  how far above it they are, scaled to 0-1) prospects; half of the referred convert.
- Warnings: each active customer below ``warning_threshold`` warns Poisson(``warning_rate`` x how
  far below, scaled to 0-1) x ``social_amplification`` people (social media amplifies complaints);
  each warning deters one would-be acquisition with probability one half.
- Acquisition: a share ``acquisition_rate`` of prospects (inactive market) is won by marketing,
  plus converted referrals, minus deterred ones; new customers start at
  ``initial_satisfaction`` with a random frontline employee.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.org import Organization
from sim.params import Params
from sim.state import State


@dataclass(frozen=True)
class CustomerOutcome:
    """This week's changes in the customer base.

    Attributes:
        lost: Customers who churned.
        acquired: New customers (marketing and referrals, less those warned off).
        referrals: Referrals made by satisfied customers.
    """

    lost: int
    acquired: int
    referrals: int


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


def update_customers(state: State, org: Organization, params: Params, rng) -> CustomerOutcome:
    """The customers phase: churn, word of mouth and acquisition for this week.

    Also keeps the smoothed weekly churn rate that customer lifetime value is estimated from.
    """
    c = params.customers
    active = np.flatnonzero(state.c_active)
    sat = state.c_satisfaction[active]
    lost = active[rng.random(active.size) < churn_hazard(sat, params)]
    referrals = int(rng.poisson(referral_intensity(sat, params).sum()))
    warnings = int(rng.poisson(warning_intensity(sat, params).sum()))
    was_active = state.c_active.copy()
    state.c_active[lost] = False
    state.c_tenure += was_active  # + 1 week for everyone active at the start of the week

    prospects = np.flatnonzero(~state.c_active)
    won = (
        rng.binomial(prospects.size, c.acquisition_rate)
        + rng.binomial(referrals, 0.5)
        - rng.binomial(warnings, 0.5)
    )
    won = int(min(max(won, 0), prospects.size))
    if won:
        new = rng.choice(prospects, size=won, replace=False)
        front = np.flatnonzero(org.frontline)
        state.c_active[new] = True
        state.c_satisfaction[new] = c.initial_satisfaction
        state.c_tenure[new] = 0
        state.c_employee[new] = front[rng.integers(0, front.size, won)]
    n_active = int(state.c_active.sum())
    if n_active:
        churn_now = lost.size / max(n_active + lost.size, 1)
        state.churn_rate_memory += 0.1 * (churn_now - state.churn_rate_memory)
    return CustomerOutcome(lost=int(lost.size), acquired=won, referrals=referrals)
