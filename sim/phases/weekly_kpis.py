"""KPIs: every KPI of the week, a pure function of the state and the week's products.

Rules:
- Productivity = mean over employees of effort x (0.5 + 0.5 x skill) x work quality (the
  inputs one's work got) x (0.5 + 0.5 x diligence).
- Annual turnover = quits over the trailing 52 weeks per mean headcount, per year.
- Customer lifetime value = margin per active customer / smoothed weekly churn rate (capped at
  ten years).

:func:`compute_kpis` writes nothing, so the KPIs of a week can be recomputed at any time. The
KPI names, units and descriptions are the catalogue in :mod:`sim.kpis`.
"""

from __future__ import annotations

import numpy as np

from sim.org import Organization
from sim.params import Params
from sim.phases.capacity import discretionary_effort, work_quality
from sim.phases.conditions import Conditions
from sim.phases.customers import CustomerOutcome, unhappiness
from sim.phases.economics import Ledger
from sim.phases.encounters import EncounterOutcome
from sim.phases.service import ServiceOutcome
from sim.phases.workforce import WorkforceOutcome
from sim.state import BAND_VALUES, State


def seat_productivity(state: State, params: Params, conditions: Conditions) -> np.ndarray:
    """Effective output of each seat's occupant (see the module docstring; vacant seats too)."""
    effort = discretionary_effort(state.morale, params, conditions.levers)
    return (
        effort
        * (0.5 + 0.5 * state.skill)
        * work_quality(state, params)
        * (0.5 + 0.5 * state.diligence)
    )


def compute_kpis(
    state: State,
    org: Organization,
    params: Params,
    week: int,
    conditions: Conditions,
    service: ServiceOutcome | None = None,
    encounters: EncounterOutcome | None = None,
    workforce: WorkforceOutcome | None = None,
    customers: CustomerOutcome | None = None,
    ledger: Ledger | None = None,
) -> dict[str, float]:
    """All KPIs of the week just finished (products are None for a state no week has run on)."""
    levers = conditions.levers
    filled = state.filled
    headcount = int(filled.sum())

    def fmean(x: np.ndarray) -> float:
        return float(x[filled].mean()) if headcount else 0.0

    window = state.quit_history[-52:]
    mean_hc = max(float(np.mean(state.headcount_history[-52:])), 1.0)
    turnover = sum(window) / mean_hc * 52.0 / len(window) if len(window) > 1 else 0.0

    productivity = fmean(seat_productivity(state, params, conditions))

    n_active = state.active_customers
    if ledger is None:
        salaries = float(org.salary_week[filled].sum())
        ledger = Ledger(0.0, salaries, 0.0, levers.cost_per_employee_week * headcount)
    margin_per_customer = ledger.revenue / n_active if n_active else 0.0
    clv = margin_per_customer * min(1.0 / max(state.churn_rate_memory, 1e-9), 520.0)
    per_band = state.customers.sum(axis=0)
    unhappy = (
        float((per_band * unhappiness(BAND_VALUES, params)).sum() / n_active) if n_active else 0.0
    )

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
    else:  # nothing asked yet: service as remembered
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
    layoffs = conditions.laid_off + (workforce.laid_off if workforce is not None else 0)
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
        "layoffs": float(layoffs),
        "turnover_annualized": float(turnover),
        "quality_standard": fmean(state.standard),
        "job_insecurity": float(state.insecurity),
        **internal,
        "productivity": productivity,
        "customers_active": float(n_active),
        "customer_satisfaction": state.mean_satisfaction,
        "encounter_quality": encounters.mean_quality if encounters is not None else 0.0,
        "customers_acquired": float(customers.acquired if customers is not None else 0),
        "customers_lost": float(customers.lost if customers is not None else 0),
        "customers_unserved": float(encounters.unserved.sum() if encounters is not None else 0),
        "unhappy_customers": unhappy,
        "referrals": float(customers.referrals if customers is not None else 0),
        "revenue": ledger.revenue,
        "cost": ledger.cost,
        "profit": ledger.profit,
        "customer_lifetime_value": clv,
    }
