"""The levers the sources name: each with a cost, one dose dial, and off by default."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from sim.params.base import _f, _Section


class _Lever(_Section):
    intensity: float = _f(
        0.0,
        0.0,
        8.0,
        "dose",
        "The lever's dial: 0 = off, 1 = the documented default dose; effects saturate with the "
        "dose, costs and hours scale with it.",
        extra={"slider": True},
    )
    cost_per_employee_week: float = _f(
        0.0, 0.0, 1e5, "currency/employee/week", "Running cost per filled seat per week at dose 1."
    )

    @model_validator(mode="before")
    @classmethod
    def _no_enabled(cls, data: Any) -> Any:
        # The on/off switch of earlier versions became the dose dial: say so instead of a bare
        # "unknown key".
        if isinstance(data, dict) and "enabled" in data:
            raise ValueError(
                "'enabled' was replaced by 'intensity' (0 = off, 1 = the default dose, up to 8)"
            )
        return data


class ServiceStandards(_Lever):
    """Published internal response targets: requests near their deadline are served first, and
    the published standard holds people's quality standard up."""

    cost_per_employee_week: float = _f(2.0, 0.0, 1e5, "currency/employee/week", "Running cost.")
    # 1: a request at its deadline outranks a fresh one from one level higher (levels are
    # 1 / (levels - 1) apart in rank), which is what a published response target asks for.
    age_priority: float = _f(
        1.0, 0.0, 1.0, "priority", "Priority a request gains as its response deadline nears."
    )
    standard_support: float = _f(
        1.0,
        0.0,
        10.0,
        "multiplier",
        "Extra speed at which eroded quality standards recover (multiple of the base rate).",
    )


class Training(_Lever):
    """Skill and service training: faster learning, fewer errors and a mindset boost."""

    cost_per_employee_week: float = _f(8.0, 0.0, 1e5, "currency/employee/week", "Running cost.")
    learning_boost: float = _f(
        0.5, 0.0, 10.0, "multiplier", "Extra learning rate, as a multiple of the base rate."
    )
    mindset_boost: float = _f(
        0.002, 0.0, 0.1, "mindset/week", "Weekly push of service mindset toward 1."
    )
    hours: float = _f(0.5, 0.0, 20.0, "hours/week", "Hours per week spent in training.")


class Recognition(_Lever):
    """Recognition of good internal service: people who serve colleagues well feel valued."""

    cost_per_employee_week: float = _f(5.0, 0.0, 1e5, "currency/employee/week", "Running cost.")
    strength: float = _f(
        0.06, 0.0, 1.0, "treatment", "Treatment gain for an employee whose service is excellent."
    )


class JobSwap(_Lever):
    """Job swap across departments: more care for other departments, smaller lateral requests."""

    cost_per_employee_week: float = _f(3.0, 0.0, 1e5, "currency/employee/week", "Running cost.")
    lateral_care: float = _f(0.1, 0.0, 0.5, "mindset", "Extra care for lateral requests.")
    lateral_size_cut: float = _f(
        0.15, 0.0, 0.9, "fraction", "Cut in lateral request hours (people know what to ask)."
    )
    hours: float = _f(0.5, 0.0, 20.0, "hours/week", "Hours per week spent in another job.")


class ProcessImprovement(_Lever):
    """Process improvement teams: request hours shrink over time."""

    cost_per_employee_week: float = _f(4.0, 0.0, 1e5, "currency/employee/week", "Running cost.")
    size_cut: float = _f(
        0.2, 0.0, 0.9, "fraction", "Eventual cut in the hours an internal request takes."
    )
    ramp_weeks: float = _f(26.0, 1.0, 520.0, "weeks", "Weeks until half the cut is reached.")
    hours: float = _f(0.5, 0.0, 20.0, "hours/week", "Hours per week spent in improvement teams.")


class CloseTheLoop(_Lever):
    """Keep requesters informed: a waiting request still counts partly as service received."""

    cost_per_employee_week: float = _f(1.0, 0.0, 1e5, "currency/employee/week", "Running cost.")
    informed_credit: float = _f(
        0.35, 0.0, 1.0, "quality", "Service credit for a request that waits but is explained."
    )


class ClearExpectations(_Lever):
    """Set clear expectations: fewer avoidable requests (unclear asks, rework)."""

    cost_per_employee_week: float = _f(1.0, 0.0, 1e5, "currency/employee/week", "Running cost.")
    avoidable_cut: float = _f(0.5, 0.0, 1.0, "fraction", "Cut in the number of avoidable requests.")


class PerformanceManagement(_Lever):
    """Performance management: low-morale effort is held closer to standard, at some pressure."""

    cost_per_employee_week: float = _f(3.0, 0.0, 1e5, "currency/employee/week", "Running cost.")
    effort_floor_lift: float = _f(
        0.1, 0.0, 1.0, "multiplier", "Lift of the minimum discretionary effort."
    )
    pressure: float = _f(0.05, 0.0, 1.0, "pressure", "Extra felt pressure from being managed.")


class InterventionParams(_Section):
    """The levers the sources name, each with a cost, a dose dial and off by default."""

    saturation: float = _f(
        0.7,
        0.05,
        5.0,
        "1/dose",
        "How quickly every lever's effect saturates with its dose (effect at dose I is "
        "(1 - exp(-s I)) / (1 - exp(-s)) times the effect at dose 1).",
    )
    service_standards: ServiceStandards = Field(default_factory=ServiceStandards)
    training: Training = Field(default_factory=Training)
    recognition: Recognition = Field(default_factory=Recognition)
    job_swap: JobSwap = Field(default_factory=JobSwap)
    process_improvement: ProcessImprovement = Field(default_factory=ProcessImprovement)
    close_the_loop: CloseTheLoop = Field(default_factory=CloseTheLoop)
    clear_expectations: ClearExpectations = Field(default_factory=ClearExpectations)
    performance_management: PerformanceManagement = Field(default_factory=PerformanceManagement)


LEVERS = tuple(k for k in InterventionParams.model_fields if k != "saturation")
