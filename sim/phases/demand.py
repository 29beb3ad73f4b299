"""Phase 1, demand: active customers make purchase or service occasions.

Rule: each active customer makes Poisson(``occasion_rate`` x demand multiplier x purchase
propensity) occasions a week, where the propensity rises linearly with satisfaction
(``1 + satisfaction_purchase_effect x (satisfaction - 0.5)``, floored at 0.1): satisfied customers
repeat (Heskett et al. 1994, the service-profit chain's loyalty link). Each occasion is an
encounter with the customer's usual frontline employee (their assigned seat).
"""

from __future__ import annotations

import numpy as np

from sim.org import Organization
from sim.params import Params
from sim.state import State, Week


def purchase_propensity(satisfaction: np.ndarray, effect: float) -> np.ndarray:
    """Relative purchase frequency of a customer with the given satisfaction (>= 0.1)."""
    return np.maximum(0.1, 1.0 + effect * (satisfaction - 0.5))


def demand(state: State, org: Organization, params: Params, wk: Week, rng) -> None:
    """Draw this week's occasions per customer and encounters per seat into ``wk``."""
    c = params.customers
    active = np.flatnonzero(state.c_active)
    lam = (
        c.occasion_rate
        * wk.demand_multiplier
        * purchase_propensity(state.c_satisfaction[active], c.satisfaction_purchase_effect)
    )
    occ = np.zeros(state.c_active.size, dtype=np.int32)
    occ_active = rng.poisson(lam)
    occ[active] = occ_active
    wk.occasions = occ
    wk.encounters = np.bincount(state.c_employee[active], weights=occ_active, minlength=org.n_seats)
