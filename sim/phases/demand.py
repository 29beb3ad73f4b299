"""Phase 1, demand: active customers make purchase or service occasions.

Rule: each active customer makes Poisson(``occasion_rate`` x demand multiplier x purchase
propensity) occasions a week, where the propensity rises linearly with satisfaction
(``1 + satisfaction_purchase_effect x (satisfaction - 0.5)``, floored at 0.1): satisfied customers
repeat (Heskett et al. 1994, the service-profit chain's loyalty link). Each occasion is an
encounter with the customer's usual frontline employee (their assigned seat).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.org import Organization
from sim.params import Params
from sim.phases.conditions import Conditions
from sim.state import State


@dataclass(frozen=True)
class Demand:
    """This week's customer occasions.

    Attributes:
        occasions: Occasions per customer (all customers; 0 for inactive ones).
        encounters: Customer encounters per seat (frontline seats; 0 elsewhere).
    """

    occasions: np.ndarray
    encounters: np.ndarray


def purchase_propensity(satisfaction: np.ndarray, effect: float) -> np.ndarray:
    """Relative purchase frequency of a customer with the given satisfaction (>= 0.1)."""
    return np.maximum(0.1, 1.0 + effect * (satisfaction - 0.5))


def draw_demand(
    state: State, org: Organization, params: Params, conditions: Conditions, rng
) -> Demand:
    """The demand phase: this week's occasions per customer and encounters per seat."""
    c = params.customers
    active = np.flatnonzero(state.c_active)
    lam = (
        c.occasion_rate
        * conditions.demand_multiplier
        * purchase_propensity(state.c_satisfaction[active], c.satisfaction_purchase_effect)
    )
    occ = np.zeros(state.c_active.size, dtype=np.int32)
    occ_active = rng.poisson(lam)
    occ[active] = occ_active
    encounters = np.bincount(state.c_employee[active], weights=occ_active, minlength=org.n_seats)
    return Demand(occasions=occ, encounters=encounters)
