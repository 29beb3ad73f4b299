"""KPIs: names, units, descriptions, and their computation for one step (phase 8).

The KPI names are an API: the dashboard, ``compare``, sweeps and validation read these columns of
``model.kpis()``. Add new KPIs; never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions import LeverEffects
from sim.org import Organization
from sim.params import Params
from sim.phases.service import discretionary_effort
from sim.state import State, Week


@dataclass(frozen=True)
class KPI:
    """One key performance indicator: column name, unit, description and chain link."""

    name: str
    unit: str
    description: str
    higher_is_better: bool | None = True
    link: str = ""


KPIS: tuple[KPI, ...] = (
    KPI("week", "week", "Simulation week (0 = initial state).", None),
    KPI(
        "service_direction", "index", "Culture in force: -1 pyramid, 0 two-way, +1 inverted.", None
    ),
    KPI("morale_mean", "0-1", "Mean morale of employees.", True, "morale"),
    KPI("mindset_mean", "0-1", "Mean service mindset of employees.", True, "internal service"),
    KPI("skill_mean", "0-1", "Mean skill of employees.", True, "productivity"),
    KPI("pressure_mean", "share", "Mean workload pressure (overload share).", False),
    KPI("headcount", "people", "Filled seats.", True, "retention"),
    KPI("vacancies", "seats", "Vacant seats.", False, "retention"),
    KPI("quits", "people/week", "Voluntary quits this week (incl. key people leaving).", False),
    KPI("hires", "people/week", "Vacancies filled this week.", None),
    KPI(
        "turnover_annualized",
        "1/year",
        "Quits over the trailing 52 weeks (or since start) per mean headcount, per year.",
        False,
        "retention",
    ),
    KPI("internal_requests", "requests/week", "New internal requests this week.", None),
    KPI(
        "internal_on_time",
        "share",
        "Share of requests resolved this week that were served within the service standard.",
        True,
        "internal service",
    ),
    KPI(
        "service_level_up",
        "share",
        "On-time share of requests whose service flows up (a report serving a higher level).",
        None,
    ),
    KPI(
        "service_level_down",
        "share",
        "On-time share of requests whose service flows down (a manager serving a report).",
        None,
    ),
    KPI(
        "service_level_lateral",
        "share",
        "On-time share of requests between colleagues on the same level.",
        None,
    ),
    KPI(
        "internal_quality",
        "0-1",
        "Mean quality of internal requests served.",
        True,
        "internal service",
    ),
    KPI("backlog_hours", "hours", "Hours of internal requests still waiting.", False),
    KPI(
        "productivity",
        "index",
        "Mean effective output per employee: effort x skill factor x on-time supply factor.",
        True,
        "productivity",
    ),
    KPI("customers_active", "customers", "Active customers.", True, "loyalty"),
    KPI(
        "customer_satisfaction",
        "0-1",
        "Mean satisfaction of active customers.",
        True,
        "customer satisfaction",
    ),
    KPI("encounter_quality", "0-1", "Mean quality of this week's customer encounters.", True),
    KPI("customers_acquired", "customers/week", "New customers this week.", True),
    KPI("customers_lost", "customers/week", "Customers who churned this week.", False, "loyalty"),
    KPI("referrals", "referrals/week", "Referrals made by satisfied customers this week.", True),
    KPI(
        "revenue",
        "currency/week",
        "Gross margin from customer occasions this week.",
        True,
        "revenue",
    ),
    KPI(
        "cost",
        "currency/week",
        "Salaries + replacement cost of hires + intervention running costs this week.",
        False,
    ),
    KPI("profit", "currency/week", "Revenue minus cost this week.", True, "profit"),
    KPI(
        "customer_lifetime_value",
        "currency",
        "Estimated margin per customer over their expected remaining life (margin / churn rate).",
        True,
        "loyalty",
    ),
)
KPI_NAMES: tuple[str, ...] = tuple(k.name for k in KPIS)
KPI_BY_NAME = {k.name: k for k in KPIS}

# The service-profit chain in order (Heskett et al. 1994), as KPI columns.
CHAIN: tuple[tuple[str, str], ...] = (
    ("Internal service", "internal_quality"),
    ("Morale", "morale_mean"),
    ("Retention", "turnover_annualized"),
    ("Productivity", "productivity"),
    ("Customer satisfaction", "customer_satisfaction"),
    ("Loyalty", "customers_active"),
    ("Revenue", "revenue"),
    ("Profit", "profit"),
)


def compute_kpis(
    state: State, org: Organization, params: Params, levers: LeverEffects, wk: Week, week: int
) -> dict[str, float]:
    """All KPIs for the step just finished (phase 8: economics and KPIs)."""
    filled = state.filled
    headcount = int(filled.sum())

    def fmean(x: np.ndarray) -> float:
        return float(x[filled].mean()) if headcount else 0.0

    state.quit_history.append(wk.quits)
    state.headcount_history.append(headcount)
    window = state.quit_history[-52:]
    mean_hc = max(float(np.mean(state.headcount_history[-52:])), 1.0)
    turnover = sum(window) / mean_hc * 52.0 / len(window) if week > 0 else 0.0

    effort = discretionary_effort(state.morale, params, levers)
    productivity = fmean(effort * (0.5 + 0.5 * state.skill) * (0.5 + 0.5 * state.supplied))

    n_active = int(state.c_active.sum())
    occasions = float(wk.occasions.sum()) if wk.occasions is not None else 0.0
    revenue = occasions * params.economics.revenue_per_occasion
    salaries = float(org.salary_week[filled].sum())
    cost = salaries + wk.hire_cost + levers.cost_per_employee_week * headcount
    if week > 0 and n_active:
        churn_now = wk.customers_lost / max(n_active + wk.customers_lost, 1)
        state.churn_rate_memory += 0.1 * (churn_now - state.churn_rate_memory)
    margin_per_customer = revenue / n_active if n_active else 0.0
    clv = margin_per_customer * min(1.0 / max(state.churn_rate_memory, 1e-9), 520.0)

    s = wk.stats
    return {
        "week": float(week),
        "service_direction": float(state.service_direction),
        "morale_mean": fmean(state.morale),
        "mindset_mean": fmean(state.mindset),
        "skill_mean": fmean(state.skill),
        "pressure_mean": fmean(state.pressure),
        "headcount": float(headcount),
        "vacancies": float(org.n_seats - headcount),
        "quits": float(wk.quits),
        "hires": float(wk.hires),
        "turnover_annualized": float(turnover),
        "internal_requests": s.get("internal_requests", 0.0),
        "internal_on_time": s.get("internal_on_time", 1.0),
        "service_level_up": s.get("service_level_up", 1.0),
        "service_level_down": s.get("service_level_down", 1.0),
        "service_level_lateral": s.get("service_level_lateral", 1.0),
        "internal_quality": s.get("internal_quality", fmean(state.received)),
        "backlog_hours": s.get("backlog_hours", 0.0),
        "productivity": productivity,
        "customers_active": float(n_active),
        "customer_satisfaction": float(state.c_satisfaction[state.c_active].mean())
        if n_active
        else 0.0,
        "encounter_quality": wk.encounter_quality_sum / wk.encounter_count
        if wk.encounter_count
        else 0.0,
        "customers_acquired": float(wk.customers_acquired),
        "customers_lost": float(wk.customers_lost),
        "referrals": float(wk.referrals),
        "revenue": revenue,
        "cost": cost,
        "profit": revenue - cost,
        "customer_lifetime_value": clv,
    }
