"""Demand: active customers come for a purchase or a service occasion.

Rule (Heskett et al. 1994, the service-profit chain's loyalty link: satisfied customers repeat):
each active customer comes this week with probability ``1 - exp(-occasion_rate x demand
multiplier x propensity)`` (at most one occasion a week), where the propensity rises linearly
with satisfaction, ``1 + satisfaction_purchase_effect x (satisfaction - 0.5)``, floored at 0.1.
A customer comes to their usual frontline employee (their seat). The demand multiplier is above 1
in a surge and below 1 when a competitor takes demand.

Drawn per cohort: the customers of one seat in one satisfaction band come independently with the
same probability, so the number who come is binomial, exactly as if each were drawn alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.kernels.cohorts import binomial_by_band
from sim.org import Organization
from sim.params import Params
from sim.phases.conditions import Conditions
from sim.state import BAND_VALUES, State


@dataclass(frozen=True)
class Demand:
    """This week's customer occasions.

    Attributes:
        buyers: (seats x bands) customers who came, by their seat and satisfaction band.
        encounters: Customers who came, per seat.
    """

    buyers: np.ndarray
    encounters: np.ndarray


def purchase_propensity(satisfaction: np.ndarray, effect: float) -> np.ndarray:
    """Relative purchase frequency of a customer with the given satisfaction (>= 0.1)."""
    return np.maximum(0.1, 1.0 + effect * (satisfaction - 0.5))


def occasion_probability(params: Params, multiplier: float) -> np.ndarray:
    """Per satisfaction band, the probability that a customer comes this week."""
    c = params.customers
    rate = c.occasion_rate * multiplier
    return 1.0 - np.exp(-rate * purchase_propensity(BAND_VALUES, c.satisfaction_purchase_effect))


def draw_demand(
    state: State, org: Organization, params: Params, conditions: Conditions, rng
) -> Demand:
    """The demand phase: who comes this week, per seat and satisfaction band."""
    p = occasion_probability(params, conditions.demand_multiplier)
    buyers = binomial_by_band(state.customers, p, rng)  # compiled rng.binomial(customers, p)
    return Demand(buyers=buyers, encounters=buyers.sum(axis=1))
