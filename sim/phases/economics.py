"""Phase 8, economics and KPIs: revenue, costs, profit and every KPI of the week.

Rules (Heskett et al. 1994, the service-profit chain's economics):
- Revenue = occasions x ``revenue_per_occasion`` (gross margin per purchase or service occasion).
- Cost = salaries of filled seats + replacement cost of this week's hires + the running cost of
  the levers in force per filled seat.
- Customer lifetime value = margin per active customer / smoothed weekly churn rate (capped at
  ten years).
- Productivity = mean over employees of effort x skill factor x on-time supply factor.
- Annual turnover = quits over the trailing 52 weeks per mean headcount, per year.

:func:`compute_kpis` is a pure function: it reads the state and this week's products and writes
nothing, so the KPIs of a week can be recomputed at any time.
"""

from __future__ import annotations

import numpy as np

from sim.org import Organization
from sim.params import Params
from sim.phases.capacity import discretionary_effort
from sim.phases.conditions import Conditions
from sim.phases.customers import CustomerOutcome
from sim.phases.demand import Demand
from sim.phases.encounters import EncounterOutcome
from sim.phases.service import ServiceOutcome
from sim.phases.workforce import WorkforceOutcome
from sim.state import State


def compute_kpis(
    state: State,
    org: Organization,
    params: Params,
    week: int,
    conditions: Conditions,
    demand: Demand | None = None,
    service: ServiceOutcome | None = None,
    encounters: EncounterOutcome | None = None,
    workforce: WorkforceOutcome | None = None,
    customers: CustomerOutcome | None = None,
) -> dict[str, float]:
    """All KPIs of the week just finished; week 0 (the initial state) has no products."""
    levers = conditions.levers
    filled = state.filled
    headcount = int(filled.sum())

    def fmean(x: np.ndarray) -> float:
        return float(x[filled].mean()) if headcount else 0.0

    window = state.quit_history[-52:]
    mean_hc = max(float(np.mean(state.headcount_history[-52:])), 1.0)
    turnover = sum(window) / mean_hc * 52.0 / len(window) if week > 0 else 0.0

    effort = discretionary_effort(state.morale, params, levers)
    productivity = fmean(effort * (0.5 + 0.5 * state.skill) * (0.5 + 0.5 * state.supplied))

    n_active = int(state.c_active.sum())
    occasions = float(demand.occasions.sum()) if demand is not None else 0.0
    revenue = occasions * params.economics.revenue_per_occasion
    salaries = float(org.salary_week[filled].sum())
    hire_cost = workforce.hire_cost if workforce is not None else 0.0
    cost = salaries + hire_cost + levers.cost_per_employee_week * headcount
    margin_per_customer = revenue / n_active if n_active else 0.0
    clv = margin_per_customer * min(1.0 / max(state.churn_rate_memory, 1e-9), 520.0)

    if service is not None:
        internal = {
            "internal_requests": float(service.new_requests),
            "internal_on_time": service.on_time_share,
            "service_level_up": service.service_level_up,
            "service_level_down": service.service_level_down,
            "service_level_lateral": service.service_level_lateral,
            "internal_quality": service.mean_quality,
            "backlog_hours": service.backlog_hours,
        }
    else:  # the initial state: nothing asked yet, service as remembered
        internal = {
            "internal_requests": 0.0,
            "internal_on_time": 1.0,
            "service_level_up": 1.0,
            "service_level_down": 1.0,
            "service_level_lateral": 1.0,
            "internal_quality": fmean(state.received),
            "backlog_hours": 0.0,
        }
    quits = conditions.departures + (workforce.quits if workforce is not None else 0)
    return {
        "week": float(week),
        "service_direction": float(state.service_direction),
        "morale_mean": fmean(state.morale),
        "mindset_mean": fmean(state.mindset),
        "skill_mean": fmean(state.skill),
        "pressure_mean": fmean(state.pressure),
        "headcount": float(headcount),
        "vacancies": float(org.n_seats - headcount),
        "quits": float(quits),
        "hires": float(workforce.hires if workforce is not None else 0),
        "turnover_annualized": float(turnover),
        **internal,
        "productivity": productivity,
        "customers_active": float(n_active),
        "customer_satisfaction": float(state.c_satisfaction[state.c_active].mean())
        if n_active
        else 0.0,
        "encounter_quality": encounters.mean_quality if encounters is not None else 0.0,
        "customers_acquired": float(customers.acquired if customers is not None else 0),
        "customers_lost": float(customers.lost if customers is not None else 0),
        "referrals": float(customers.referrals if customers is not None else 0),
        "revenue": revenue,
        "cost": cost,
        "profit": revenue - cost,
        "customer_lifetime_value": clv,
    }
