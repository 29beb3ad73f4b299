"""Economics: revenue and costs of the week.

Rules (Heskett et al. 1994, the service-profit chain's economics):
- Revenue = encounters served x ``revenue_per_occasion`` (the gross margin of a purchase or
  service occasion) x the serving unit's local price factor (mean 1, log-sd
  ``local_price_sd``: prices, product mix and rents differ by location, which is much of why
  unit profit varies for reasons morale does not explain; Harter et al. 2002); customers who got
  no service pay nothing.
- Cost = salaries of filled seats + replacement cost of this week's hires + the running cost of
  the levers in force per filled seat (which scales with each lever's dose).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.org import Organization
from sim.params import Params
from sim.phases.conditions import Conditions
from sim.phases.encounters import EncounterOutcome
from sim.phases.workforce import WorkforceOutcome
from sim.state import State


@dataclass(frozen=True)
class Ledger:
    """The week's money (currency/week).

    Attributes:
        revenue: Gross margin from the encounters served.
        salaries: Salaries of filled seats.
        hire_cost: Replacement cost of this week's hires.
        lever_cost: Running cost of the levers in force.
    """

    revenue: float
    salaries: float
    hire_cost: float
    lever_cost: float

    @property
    def cost(self) -> float:
        """All costs of the week."""
        return self.salaries + self.hire_cost + self.lever_cost

    @property
    def profit(self) -> float:
        """Revenue minus cost."""
        return self.revenue - self.cost


def seat_revenue(state: State, params: Params, served: np.ndarray) -> np.ndarray:
    """Each seat's revenue this week (currency): encounters served x its unit's price level x
    ``revenue_per_occasion``."""
    return served * state.local_price * params.economics.revenue_per_occasion


def keep_books(
    state: State,
    org: Organization,
    params: Params,
    conditions: Conditions,
    encounters: EncounterOutcome,
    workforce: WorkforceOutcome,
) -> Ledger:
    """The economics phase: this week's revenue and costs."""
    headcount = int(state.filled.sum())
    return Ledger(
        revenue=float(seat_revenue(state, params, encounters.served).sum()),
        salaries=float(org.salary_week[state.filled].sum()),
        hire_cost=workforce.hire_cost,
        lever_cost=conditions.levers.cost_per_employee_week * headcount,
    )
