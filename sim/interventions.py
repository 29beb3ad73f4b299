"""Interventions: levers -> the mechanism values they act on, with diminishing returns.

Each lever the sources name (service standards, employee training, performance management, job
swap, process improvement teams; set clear expectations, keep people informed / close the loop,
make co-workers feel valued) changes one named mechanism of the model, never an outcome KPI
directly. Every lever has one dial, ``interventions.<lever>.intensity``: 0 is off, 1 the
documented default dose.

Rule (Hogreve et al. 2017, meta-analysis of the service-profit chain: returns to service
investments diminish): a lever's effect at dose I is its effect at dose 1 times

    dose(I) = (1 - exp(-s I)) / (1 - exp(-s)),     s = interventions.saturation,

which is 0 at I = 0, 1 at I = 1 and saturates at 1 / (1 - exp(-s)) (about 2 with the default s).
Costs do not saturate: money (``cost_per_employee_week``) and hours scale with I. So every lever
has a best dose once its cost counts, and doubling a dose never doubles its effect.
docs/MODEL.md lists each lever, its mechanism and its direction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.params import InterventionParams


@dataclass(frozen=True)
class LeverEffects:
    """Mechanism values for one week. Neutral values when every lever is off.

    Attributes:
        avoidable_rate: Multiplier on avoidable requests (clear expectations).
        request_hours: Multiplier on every request's hours (process improvement).
        lateral_hours: Extra multiplier on lateral request hours (job swap).
        age_priority: Priority weight of deadline urgency (service standards).
        standard_support: Multiplier on the recovery speed of quality standards (service
            standards).
        learning: Multiplier on the skill learning rate (training).
        mindset_push: Weekly push of mindset toward 1 (training).
        recognition: Treatment gain for excellent internal service given (recognition).
        lateral_care: Extra care for requests from other departments (job swap).
        informed_credit: Service credit of a request that waited or lapsed but was explained
            (close the loop).
        effort_floor_lift: Lift of the minimum discretionary effort (performance management).
        extra_pressure: Felt pressure added to everyone (performance management).
        hours_off: Hours per week each employee spends in lever activities (training, job swap,
            improvement teams), taken from internal-service capacity.
        cost_per_employee_week: Running cost of all levers in force per filled seat per week.
    """

    avoidable_rate: float = 1.0
    request_hours: float = 1.0
    lateral_hours: float = 1.0
    age_priority: float = 0.0
    standard_support: float = 1.0
    learning: float = 1.0
    mindset_push: float = 0.0
    recognition: float = 0.0
    lateral_care: float = 0.0
    informed_credit: float = 0.0
    effort_floor_lift: float = 0.0
    extra_pressure: float = 0.0
    hours_off: float = 0.0
    cost_per_employee_week: float = 0.0


def dose_response(intensity: float, saturation: float) -> float:
    """The saturating dose curve: 0 at 0, 1 at 1, at most ``1 / (1 - exp(-saturation))``."""
    if intensity <= 0.0:
        return 0.0
    return (1.0 - math.exp(-saturation * intensity)) / (1.0 - math.exp(-saturation))


def lever_effects(levers: InterventionParams, week: int) -> LeverEffects:
    """Mechanism values of the levers in force in ``week`` (1-based week of the run).

    Process improvement ramps in: the cut in request hours reaches half its size after
    ``ramp_weeks`` (a learning curve, ``cut x t / (t + ramp)``). Shares that cannot exceed 1
    (cuts, credits) are capped below 1 whatever the dose.
    """
    s = levers.saturation
    cost = 0.0
    hours_off = 0.0
    kw: dict[str, float] = {}

    def dose(intensity: float) -> float:
        return dose_response(intensity, s)

    st = levers.service_standards
    if st.intensity > 0:
        kw["age_priority"] = st.age_priority * dose(st.intensity)
        kw["standard_support"] = 1.0 + st.standard_support * dose(st.intensity)
        cost += st.cost_per_employee_week * st.intensity
    t = levers.training
    if t.intensity > 0:
        kw["learning"] = 1.0 + t.learning_boost * dose(t.intensity)
        kw["mindset_push"] = t.mindset_boost * dose(t.intensity)
        hours_off += t.hours * t.intensity
        cost += t.cost_per_employee_week * t.intensity
    r = levers.recognition
    if r.intensity > 0:
        kw["recognition"] = r.strength * dose(r.intensity)
        cost += r.cost_per_employee_week * r.intensity
    j = levers.job_swap
    if j.intensity > 0:
        kw["lateral_care"] = j.lateral_care * dose(j.intensity)
        kw["lateral_hours"] = 1.0 - min(j.lateral_size_cut * dose(j.intensity), 0.95)
        hours_off += j.hours * j.intensity
        cost += j.cost_per_employee_week * j.intensity
    p = levers.process_improvement
    if p.intensity > 0:
        cut = min(p.size_cut * dose(p.intensity), 0.95)
        kw["request_hours"] = 1.0 - cut * week / (week + p.ramp_weeks)
        hours_off += p.hours * p.intensity
        cost += p.cost_per_employee_week * p.intensity
    c = levers.close_the_loop
    if c.intensity > 0:
        kw["informed_credit"] = min(c.informed_credit * dose(c.intensity), 0.95)
        cost += c.cost_per_employee_week * c.intensity
    e = levers.clear_expectations
    if e.intensity > 0:
        kw["avoidable_rate"] = 1.0 - min(e.avoidable_cut * dose(e.intensity), 0.95)
        cost += e.cost_per_employee_week * e.intensity
    m = levers.performance_management
    if m.intensity > 0:
        kw["effort_floor_lift"] = m.effort_floor_lift * dose(m.intensity)
        kw["extra_pressure"] = m.pressure * m.intensity
        cost += m.cost_per_employee_week * m.intensity
    return LeverEffects(hours_off=hours_off, cost_per_employee_week=cost, **kw)
