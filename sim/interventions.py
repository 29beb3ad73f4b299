"""Interventions: levers -> the mechanism parameters they act on.

Each lever the sources name (DESIGN.md §2: service standards, employee training, performance
management, job swap, process improvement teams; set clear expectations, keep people informed /
close the loop, make co-workers feel valued) changes one named mechanism of the model, never an
outcome KPI directly. This module turns the lever settings into those mechanism values for one
week; the phases read them. docs/MODEL.md §7 lists each lever, its mechanism and its direction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import InterventionParams


@dataclass(frozen=True)
class LeverEffects:
    """Mechanism values for one week. Neutral values when every lever is off.

    Attributes:
        request_rate: Multiplier on internal request counts (clear expectations: less rework).
        request_hours: Multiplier on every request's hours (process improvement).
        lateral_hours: Extra multiplier on lateral request hours (job swap).
        age_priority: Priority weight of deadline urgency (service standards).
        learning: Multiplier on the skill learning rate (training).
        mindset_push: Weekly push of mindset toward 1 (training).
        recognition: Morale-target gain for excellent internal service given (recognition).
        lateral_care: Extra care for requests from other departments (job swap).
        informed_credit: Service credit of a request that waited or lapsed but was explained
            (close the loop).
        effort_floor_lift: Lift of the minimum discretionary effort (performance management).
        extra_pressure: Felt pressure added to everyone (performance management).
        hours_off: Hours per week each employee spends in lever activities (training, job swap,
            improvement teams), taken from internal-service capacity.
        cost_per_employee_week: Running cost of all enabled levers per filled seat per week.
    """

    request_rate: float = 1.0
    request_hours: float = 1.0
    lateral_hours: float = 1.0
    age_priority: float = 0.0
    learning: float = 1.0
    mindset_push: float = 0.0
    recognition: float = 0.0
    lateral_care: float = 0.0
    informed_credit: float = 0.0
    effort_floor_lift: float = 0.0
    extra_pressure: float = 0.0
    hours_off: float = 0.0
    cost_per_employee_week: float = 0.0


def lever_effects(levers: InterventionParams, week: int) -> LeverEffects:
    """Mechanism values of the enabled levers in ``week`` (1-based week of the run).

    Process improvement ramps in: the cut in request hours reaches half its size after
    ``ramp_weeks`` (a saturating learning curve, ``cut * t / (t + ramp)``).
    """
    cost = 0.0
    kw: dict[str, float] = {}
    hours_off = 0.0
    s = levers.service_standards
    if s.enabled:
        kw["age_priority"] = s.age_priority
        cost += s.cost_per_employee_week
    t = levers.training
    if t.enabled:
        kw["learning"] = 1.0 + t.learning_boost
        kw["mindset_push"] = t.mindset_boost
        hours_off += t.hours
        cost += t.cost_per_employee_week
    r = levers.recognition
    if r.enabled:
        kw["recognition"] = r.strength
        cost += r.cost_per_employee_week
    j = levers.job_swap
    if j.enabled:
        kw["lateral_care"] = j.lateral_care
        kw["lateral_hours"] = 1.0 - j.lateral_size_cut
        hours_off += j.hours
        cost += j.cost_per_employee_week
    p = levers.process_improvement
    if p.enabled:
        kw["request_hours"] = 1.0 - p.size_cut * week / (week + p.ramp_weeks)
        hours_off += p.hours
        cost += p.cost_per_employee_week
    c = levers.close_the_loop
    if c.enabled:
        kw["informed_credit"] = c.informed_credit
        cost += c.cost_per_employee_week
    e = levers.clear_expectations
    if e.enabled:
        kw["request_rate"] = 1.0 - e.request_cut
        cost += e.cost_per_employee_week
    m = levers.performance_management
    if m.enabled:
        kw["effort_floor_lift"] = m.effort_floor_lift
        kw["extra_pressure"] = m.pressure
        cost += m.cost_per_employee_week
    return LeverEffects(hours_off=hours_off, cost_per_employee_week=cost, **kw)
