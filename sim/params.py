"""One parameter schema: validation, scenario files, CLI ``--set``, dashboard sliders, sweep bounds.

Every tunable number of the model lives here, once, with its default, its allowed range, its unit
and a one-line description. Scenario files, the CLI, the dashboard and the sweep engine all read
this schema; nothing else declares a parameter.

Parameters are nested in sections (``org``, ``culture``, ``requests``, ``workforce``,
``behaviour``, ``customers``, ``economics``, ``interventions``, ``events``). A field is addressed
by its dotted path, e.g. ``culture.service_direction`` or ``interventions.training.intensity``.

Example:
    >>> from sim.params import Params
    >>> Params().culture.service_direction
    -1.0

Parsing ``--set`` values, applying dotted-path overrides and formatting validation errors live in
:mod:`sim.overrides`.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ParameterError(ValueError):
    """A parameter value or key is invalid. The message says which, why and what is allowed."""


FITTED_FILE = Path(__file__).with_name("fitted.toml")


def _read_fitted() -> dict[str, float]:
    with FITTED_FILE.open("rb") as fh:
        return dict(tomllib.load(fh)["defaults"])


# Defaults fitted to published patterns by `servicechain fit-defaults` (sim/fitted.toml).
FITTED: dict[str, float] = _read_fitted()


def fitted(path: str) -> float:
    """The fitted default of a parameter (see ``sim/fitted.toml`` and docs/MODEL.md)."""
    return FITTED[path]


def _f(default: Any, lo: float | None, hi: float | None, unit: str, description: str, **kw: Any):
    """Declare a field with range, unit and description (the schema's one idiom)."""
    extra = {"unit": unit}
    extra.update(kw.pop("extra", {}))
    return Field(default, ge=lo, le=hi, description=description, json_schema_extra=extra, **kw)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


# --------------------------------------------------------------------------------------------
# Organization
# --------------------------------------------------------------------------------------------


class Department(_Section):
    """A department: a name, its share of headcount and whether it faces external customers."""

    name: str = Field(description="Department name (unique).", min_length=1)
    share: float = _f(0.25, 0.0, 1.0, "fraction", "Share of headcount in this department.")
    customer_facing: bool = Field(
        False, description="Its bottom-level employees serve external customers (frontline)."
    )
    internal_hours: float = _f(
        1.0,
        0.0,
        2.0,
        "multiplier",
        "Multiplier on its people's hours for internal requests (0.5: half that time goes "
        "elsewhere, e.g. to a project).",
    )


DEFAULT_DEPARTMENTS = [
    Department(name="frontline", share=0.50, customer_facing=True),
    Department(name="sales", share=0.15, customer_facing=True),
    Department(name="operations", share=0.20, customer_facing=False),
    Department(name="support_functions", share=0.15, customer_facing=False),
]

# Expected weekly requests from one member of department i (row) to department j (column).
# Frontline and sales lean on operations and support functions; support leans on nobody much.
DEFAULT_DEPENDENCY = [
    [0.6, 0.3, 1.0, 0.6],
    [0.4, 0.4, 0.8, 0.6],
    [0.5, 0.2, 0.6, 0.5],
    [0.3, 0.2, 0.4, 0.4],
]


class OrgParams(_Section):
    """Hierarchy, departments and their internal dependencies."""

    headcount: int = _f(300, 20, 100_000, "seats", "Number of seats (filled or vacant).")
    levels: int | None = _f(
        None, 2, 12, "levels", "Hierarchy levels including the top; derived from span if unset."
    )
    span: float | None = _f(
        None, 2, 50, "reports", "Span of control (direct reports per manager); default 7."
    )
    departments: list[Department] = Field(
        default_factory=lambda: [d.model_copy() for d in DEFAULT_DEPARTMENTS],
        description="Departments with headcount shares (summing to 1) and customer-facing flags.",
    )
    dependency: list[list[float]] | None = Field(
        default=None,
        description=(
            "Expected weekly requests from a member of department i (row) to department j "
            "(column); square, one row per department. Default: a built-in matrix for the "
            "default departments, else 0.5 everywhere."
        ),
    )
    salary_by_level: list[float] | None = Field(
        default=None,
        description=(
            "Annual salary per level, top first (currency/year). Default: economics.salary_base "
            "at the bottom, times economics.salary_level_ratio per level up."
        ),
    )
    # Imported data (sim.orgchart, sim.survey). Relative paths in a scenario file are relative to
    # that file's folder (sim.scenario anchors them); with --set, to the working directory.
    chart: str | None = Field(
        None,
        min_length=1,
        description=(
            "Org-chart CSV, one row per person (docs/OWN_ORGANIZATION.md). The chart is the "
            "organization: it replaces headcount, levels, span, departments and dependency."
        ),
        json_schema_extra={"unit": "file"},
    )
    survey: str | None = Field(
        None,
        min_length=1,
        description=(
            "Internal-service survey CSV: department x department ratings (1-5) of how well the "
            "column department serves the row department; sets the service remembered at start."
        ),
        json_schema_extra={"unit": "file"},
    )
    survey_weights: str | None = Field(
        None,
        min_length=1,
        description=(
            "Department x department CSV of how much the row department depends on the column "
            "department (relative weights >= 0); becomes the dependency matrix."
        ),
        json_schema_extra={"unit": "file"},
    )
    hash_ids: bool = Field(
        False,
        description="Replace the chart's employee ids by pseudonyms when it is read (privacy).",
    )

    @model_validator(mode="after")
    def _check_departments(self) -> OrgParams:
        names = [d.name for d in self.departments]
        if not names:
            raise ValueError("org.departments: at least one department is required")
        if len(set(names)) != len(names):
            raise ValueError(f"org.departments: department names must be unique, got {names}")
        total = sum(d.share for d in self.departments)
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise ValueError(
                f"org.departments: shares must sum to 1, got {total:.4g} "
                f"({', '.join(f'{d.name}={d.share:g}' for d in self.departments)})"
            )
        if not any(d.customer_facing for d in self.departments):
            raise ValueError("org.departments: at least one department must be customer_facing")
        n = len(self.departments)
        if self.dependency is not None:
            rows = self.dependency
            if len(rows) != n or any(len(r) != n for r in rows):
                shape = f"{len(rows)}x{'/'.join(str(len(r)) for r in rows) or 0}"
                raise ValueError(
                    f"org.dependency: must be a {n}x{n} matrix (one row and column per "
                    f"department: {', '.join(names)}), got {shape}"
                )
            for i, r in enumerate(rows):
                for j, v in enumerate(r):
                    if not (0.0 <= v <= 50.0) or not math.isfinite(v):
                        raise ValueError(
                            f"org.dependency[{i}][{j}] = {v}: must be between 0 and 50 "
                            "requests per week"
                        )
        if self.salary_by_level is not None:
            if any((not math.isfinite(s)) or s < 0 for s in self.salary_by_level):
                raise ValueError("org.salary_by_level: salaries must be non-negative numbers")
        return self

    def dependency_matrix(self) -> list[list[float]]:
        """The dependency matrix in force (the given one or the default for these departments)."""
        if self.dependency is not None:
            return self.dependency
        default_names = [d.name for d in DEFAULT_DEPARTMENTS]
        if [d.name for d in self.departments] == default_names:
            return DEFAULT_DEPENDENCY
        n = len(self.departments)
        return [[0.5] * n for _ in range(n)]


# --------------------------------------------------------------------------------------------
# Culture, requests, workforce, behaviour
# --------------------------------------------------------------------------------------------


class CultureParams(_Section):
    """The service culture: who serves whom first."""

    service_direction: float = _f(
        -1.0,
        -1.0,
        1.0,
        "index",
        "Who is served first: -1 top-down pyramid, 0 two-way street, +1 inverted pyramid.",
        extra={"slider": True},
    )
    care_gap: float = _f(
        fitted("culture.care_gap"),
        0.0,
        0.5,
        "mindset",
        "Care a top-down culture withholds from requests from below (served last, with less care).",
    )


class RequestParams(_Section):
    """Internal request generation, what requests are for, and the service standard."""

    to_manager_rate: float = _f(
        0.8, 0.0, 20.0, "requests/week", "Requests each employee sends to their manager per week."
    )
    to_subordinate_rate: float = _f(
        0.5,
        0.0,
        20.0,
        "requests/week",
        "Requests a manager sends to each direct report per week.",
    )
    lateral_scale: float = _f(
        1.0, 0.0, 10.0, "multiplier", "Multiplier on the department dependency matrix."
    )
    mean_hours: float = _f(1.5, 0.1, 20.0, "hours", "Mean size of one internal request.")
    avoidable_share: float = _f(
        0.3,
        0.0,
        0.9,
        "fraction",
        "Share of colleague-to-colleague requests that are avoidable (unclear asks, rework); the "
        "rest are inputs the requester's own work needs.",
    )
    encounter_input_share: float = _f(
        0.12,
        0.0,
        1.0,
        "fraction",
        "Share of customer encounters that need an internal input (information, approval).",
    )
    manager_input_share: float = _f(
        0.25,
        0.0,
        1.0,
        "fraction",
        "Share of those encounter inputs that must come from the frontline employee's manager.",
    )
    service_standard_weeks: int = _f(
        2, 1, 12, "weeks", "A request served within this many weeks counts as on time."
    )
    expiry_weeks: int = _f(
        4, 1, 26, "weeks", "Unserved requests are abandoned after this many weeks."
    )


class WorkforceParams(_Section):
    """Hours, effort, overtime, quits, hiring and onboarding."""

    weekly_hours: float = _f(40.0, 10.0, 80.0, "hours/week", "Contracted hours per employee.")
    internal_share_frontline: float = _f(
        0.18,
        0.0,
        1.0,
        "fraction",
        "Share of a frontline (bottom-level) employee's hours available for internal requests.",
    )
    internal_share_support: float = _f(
        0.4,
        0.0,
        1.0,
        "fraction",
        "Share of a support employee's hours (bottom level, not customer-facing) for requests.",
    )
    internal_share_manager: float = _f(
        0.52,
        0.0,
        1.0,
        "fraction",
        "Share of a manager's hours available for internal requests.",
    )
    effort_min: float = _f(
        0.8, 0.0, 2.0, "multiplier", "Discretionary effort at morale 0 ('as well as necessary')."
    )
    effort_max: float = _f(
        1.15, 0.0, 2.0, "multiplier", "Discretionary effort at morale 1 (the extra mile)."
    )
    overtime_max: float = _f(
        0.2,
        0.0,
        1.0,
        "fraction",
        "Extra hours people put in when work piles up, as a share of their hours for it.",
    )
    rush_min: float = _f(
        0.6,
        0.1,
        1.0,
        "fraction",
        "Least share of the standard time per task people give when rushing under pressure.",
    )
    quit_base_weekly: float = _f(
        fitted("workforce.quit_base_weekly"),
        0.0,
        0.2,
        "1/week",
        "Weekly quit hazard at reference morale and no pressure.",
    )
    quit_morale_sensitivity: float = _f(
        fitted("workforce.quit_morale_sensitivity"),
        0.0,
        30.0,
        "1/morale",
        "How steeply the quit hazard rises as morale falls.",
    )
    quit_pressure_sensitivity: float = _f(
        0.3, 0.0, 10.0, "1/pressure", "How steeply the quit hazard rises with workload pressure."
    )
    quit_insecurity_sensitivity: float = _f(
        0.7,
        0.0,
        10.0,
        "1/insecurity",
        "How steeply the quit hazard rises with job insecurity (people leave a sinking ship).",
    )
    local_labour_market_sd: float = _f(
        fitted("workforce.local_labour_market_sd"),
        0.0,
        2.0,
        "log-multiplier",
        "Spread between business units of the local labour market's pull in the quit hazard "
        "(log sd of a unit factor of mean 1: outside offers differ by location).",
    )
    quit_propensity_sd: float = _f(
        fitted("workforce.quit_propensity_sd"),
        0.0,
        2.0,
        "log-multiplier",
        "Spread between people of a personal factor in the quit hazard (log sd; mean factor 1).",
    )
    morale_reference: float = _f(
        0.55, 0.0, 1.0, "morale", "Morale at which the quit hazard equals its base."
    )
    time_to_fill_weeks: float = _f(
        6.0, 0.0, 52.0, "weeks", "Mean weeks to fill a vacancy at average employer reputation."
    )
    reputation_effect: float = _f(
        1.0, 0.0, 5.0, "multiplier", "How much poor morale (reputation) lengthens time-to-fill."
    )
    hire_morale: float = _f(0.72, 0.0, 1.0, "morale", "Morale of a new hire.")
    hire_skill: float = _f(0.35, 0.0, 1.0, "skill", "Skill of a new hire.")
    pool_mindset_mean: float = _f(0.55, 0.0, 1.0, "mindset", "Mean mindset of the hiring pool.")
    pool_mindset_sd: float = _f(0.12, 0.0, 0.5, "mindset", "Spread of the hiring pool's mindset.")
    onboarding_weeks: int = _f(8, 0, 52, "weeks", "Weeks a new hire needs onboarding.")
    onboarding_hours: float = _f(
        3.0, 0.0, 40.0, "hours/week", "Manager hours per week each onboarding hire takes."
    )
    initial_morale: float = _f(
        0.56, 0.0, 1.0, "morale", "Mean morale when the organization is built (before warm-up)."
    )
    initial_mindset: float = _f(
        0.58, 0.0, 1.0, "mindset", "Mean service mindset when built (before warm-up)."
    )
    initial_tenure_weeks: float = _f(
        300.0,
        1.0,
        1040.0,
        "weeks",
        "Mean tenure when built; the warm-up then settles the tenure mix (skill follows the "
        "learning curve).",
    )
    initial_sd: float = _f(0.1, 0.0, 0.5, "fraction", "Spread of initial morale and mindset.")

    @model_validator(mode="after")
    def _check_effort(self) -> WorkforceParams:
        if self.effort_max < self.effort_min:
            raise ValueError(
                f"workforce.effort_max ({self.effort_max}) must be >= workforce.effort_min "
                f"({self.effort_min})"
            )
        return self


class BehaviourParams(_Section):
    """Morale, expectations, standards, mindset and skill dynamics."""

    morale_adjust_rate: float = _f(
        0.08, 0.0, 1.0, "1/week", "Speed at which morale moves toward its target."
    )
    morale_base: float = _f(
        fitted("behaviour.morale_base"),
        0.0,
        1.0,
        "morale",
        "Morale target with average conditions.",
    )
    service_expectation: float = _f(
        0.6,
        0.0,
        1.0,
        "quality",
        "The norm people judge internal service against before experience moves it.",
    )
    expectation_adaptation: float = _f(
        0.02,
        0.0,
        1.0,
        "1/week",
        "Speed at which expectations move toward the treatment people get (hedonic adaptation).",
    )
    expectation_anchor: float = _f(
        0.5,
        0.0,
        1.0,
        "fraction",
        "Share of expectations that stays anchored on the norm: the share of a lasting "
        "improvement that keeps lifting morale.",
    )
    service_weight: float = _f(
        fitted("behaviour.service_weight"),
        0.0,
        3.0,
        "morale",
        "Morale gained per unit of treatment (service received, recognition) above expectation.",
    )
    pressure_weight: float = _f(
        fitted("behaviour.pressure_weight"),
        0.0,
        3.0,
        "morale",
        "Morale lost per unit of workload pressure.",
    )
    feedback_weight: float = _f(
        fitted("behaviour.feedback_weight"),
        0.0,
        3.0,
        "morale",
        "Frontline morale gained (lost) per unit of encounter quality above (below) expectation.",
    )
    complaint_weight: float = _f(
        fitted("behaviour.complaint_weight"),
        0.0,
        3.0,
        "morale",
        "Frontline morale lost per unit of unhappy-customer share among one's customers.",
    )
    insecurity_weight: float = _f(
        0.08, 0.0, 2.0, "morale", "Morale lost at full job insecurity (revenue far below plan)."
    )
    contagion_rate: float = _f(
        0.06, 0.0, 1.0, "1/week", "Pull of morale toward the team's (manager and peers) mean."
    )
    reciprocity_rate: float = _f(
        0.05, 0.0, 1.0, "1/week", "Pull of mindset toward the service one receives (pay forward)."
    )
    manager_example_rate: float = _f(
        0.02, 0.0, 1.0, "1/week", "Pull of mindset toward one's manager's mindset."
    )
    internal_weight_skill: float = _f(
        0.35, 0.0, 1.0, "weight", "Weight of the provider's skill in internal service quality."
    )
    internal_weight_morale: float = _f(
        0.25, 0.0, 1.0, "weight", "Weight of the provider's morale in internal service quality."
    )
    internal_weight_care: float = _f(
        0.4, 0.0, 1.0, "weight", "Weight of the provider's care (mindset) in service quality."
    )
    supply_weight: float = _f(
        0.3,
        0.0,
        1.0,
        "quality/score",
        "Relative quality a person's work gains (loses) per unit of the inputs it needs from "
        "colleagues scoring above (below) the norm.",
    )
    late_credit: float = _f(
        0.5, 0.0, 1.0, "fraction", "Share of a request's quality still felt when it is late."
    )
    diligence_weight: float = _f(
        fitted("behaviour.diligence_weight"),
        0.0,
        1.0,
        "fraction",
        "Quality lost per unit of standard time skipped when work is rushed.",
    )
    standard_erosion_rate: float = _f(
        0.15,
        0.0,
        1.0,
        "1/week",
        "Speed at which the quality standard people hold drifts down to what pressure allows.",
    )
    standard_recovery_rate: float = _f(
        0.01,
        0.0,
        1.0,
        "1/week",
        "Speed at which an eroded standard recovers once pressure is gone (slow).",
    )
    learning_rate: float = _f(
        0.012, 0.0, 1.0, "1/week", "Skill learning-curve rate toward 1 (on-the-job learning)."
    )
    noise: float = _f(0.015, 0.0, 0.2, "fraction", "Weekly random shock to morale and mindset.")
    received_memory: float = _f(
        0.25, 0.01, 1.0, "1/week", "Weight of this week in the remembered service received."
    )


# --------------------------------------------------------------------------------------------
# Customers and economics
# --------------------------------------------------------------------------------------------


class CustomerParams(_Section):
    """External customers: occasions, encounter quality, satisfaction, churn, word of mouth."""

    per_frontline: float = _f(
        30.0, 1.0, 5000.0, "customers", "Active customers per frontline employee when built."
    )
    market_multiple: float = _f(
        2.0, 1.0, 20.0, "multiplier", "Addressable market as a multiple of the base when built."
    )
    occasion_rate: float = _f(
        0.5, 0.0, 10.0, "occasions/week", "Purchase or service occasions per customer per week."
    )
    satisfaction_purchase_effect: float = _f(
        fitted("customers.satisfaction_purchase_effect"),
        0.0,
        3.0,
        "multiplier",
        "How much more often satisfied customers buy.",
    )
    encounter_hours: float = _f(1.2, 0.05, 10.0, "hours", "Frontline hours per encounter.")
    weight_skill: float = _f(0.4, 0.0, 1.0, "weight", "Weight of skill in encounter quality.")
    weight_morale: float = _f(
        fitted("customers.weight_morale"),
        0.0,
        1.0,
        "weight",
        "Weight of morale in encounter quality.",
    )
    weight_mindset: float = _f(0.25, 0.0, 1.0, "weight", "Weight of mindset in encounter quality.")
    input_weight: float = _f(
        fitted("customers.input_weight"),
        0.0,
        1.0,
        "fraction",
        "Quality lost when the weakest internal input fails fully.",
    )
    local_conditions_sd: float = _f(
        fitted("customers.local_conditions_sd"),
        0.0,
        0.5,
        "quality",
        "Spread of business units' local conditions (location, customer mix) in encounter quality.",
    )
    vacancy_quality: float = _f(
        0.3, 0.0, 1.0, "quality", "Encounter quality at a vacant seat (covered by strangers)."
    )
    vacancy_cover: float = _f(
        0.9,
        0.0,
        1.0,
        "fraction",
        "Share of a vacant frontline seat's usual encounters that colleagues can cover.",
    )
    week_noise: float = _f(
        0.05, 0.0, 0.5, "quality", "Spread of a seat's encounter quality from week to week."
    )
    satisfaction_rate: float = _f(
        0.25, 0.0, 1.0, "fraction", "Pull of satisfaction toward an encounter's quality."
    )
    initial_satisfaction: float = _f(
        0.7, 0.0, 1.0, "satisfaction", "Satisfaction of customers when built and of new customers."
    )
    churn_base_weekly: float = _f(
        0.004, 0.0, 0.5, "1/week", "Weekly churn hazard at reference satisfaction."
    )
    churn_sensitivity: float = _f(
        fitted("customers.churn_sensitivity"),
        0.0,
        40.0,
        "1/satisfaction",
        "How steeply churn rises as satisfaction falls.",
    )
    unserved_churn: float = _f(
        0.2,
        0.0,
        1.0,
        "probability",
        "Probability that a customer who came and got no service leaves at once.",
    )
    satisfaction_reference: float = _f(
        0.62,
        0.0,
        1.0,
        "satisfaction",
        "What customers expect: below it they churn faster and complain to the frontline.",
    )
    referral_threshold: float = _f(
        0.75, 0.0, 1.0, "satisfaction", "Customers above this satisfaction recommend you."
    )
    referral_rate: float = _f(
        0.01, 0.0, 1.0, "1/week", "Referrals per fully delighted customer per week."
    )
    warning_threshold: float = _f(
        0.45, 0.0, 1.0, "satisfaction", "Customers below this satisfaction warn others off."
    )
    warning_rate: float = _f(
        0.01, 0.0, 1.0, "1/week", "Warnings per fully dissatisfied customer per week."
    )
    social_amplification: float = _f(
        2.0, 0.0, 20.0, "multiplier", "Reach of a warning relative to a referral (social media)."
    )
    acquisition_rate: float = _f(
        fitted("customers.acquisition_rate"),
        0.0,
        1.0,
        "fraction",
        "Share of a prospect's purchase occasions that marketing wins for you.",
    )


class EconomicsParams(_Section):
    """Revenue, salaries, turnover costs and the budget."""

    revenue_per_occasion: float = _f(
        fitted("economics.revenue_per_occasion"),
        0.0,
        1e6,
        "currency",
        "Gross margin per purchase or service occasion.",
    )
    local_price_sd: float = _f(
        fitted("economics.local_price_sd"),
        0.0,
        1.0,
        "log-multiplier",
        "Spread between business units of the margin per occasion (log sd of a unit factor of "
        "mean 1: local prices, product mix and rents differ by location).",
    )
    salary_base: float = _f(
        42_000.0, 0.0, 1e7, "currency/year", "Annual salary at the bottom level."
    )
    salary_level_ratio: float = _f(
        1.35, 1.0, 5.0, "multiplier", "Salary multiplier per level up the hierarchy."
    )
    replacement_cost_share: float = _f(
        0.2, 0.0, 3.0, "fraction", "Cost of replacing an employee as a share of annual salary."
    )
    revenue_smoothing_weeks: float = _f(
        13.0, 1.0, 104.0, "weeks", "Weeks over which management reads the revenue trend."
    )
    plan_adaptation_weeks: float = _f(
        104.0, 1.0, 1040.0, "weeks", "Weeks over which the revenue plan adapts to the trend."
    )
    shortfall_scale: float = _f(
        0.25,
        0.01,
        1.0,
        "fraction",
        "Revenue shortfall beyond the hiring-freeze threshold at which job insecurity is complete.",
    )
    freeze_shortfall: float = _f(
        0.08,
        0.0,
        1.0,
        "fraction",
        "Revenue shortfall against plan from which the budget cuts the payroll (by the "
        "shortfall beyond this) and job insecurity starts.",
    )
    layoff_shortfall: float = _f(
        0.15,
        0.0,
        1.0,
        "fraction",
        "Revenue shortfall against plan from which people are laid off.",
    )
    layoff_rate: float = _f(
        0.5,
        0.0,
        1.0,
        "1/week",
        "Weekly layoff probability of staff off the frontline per unit of payroll excess over "
        "the budget, past the layoff threshold.",
    )


# --------------------------------------------------------------------------------------------
# Interventions: levers with a cost, each off by default, each with one dose dial
# --------------------------------------------------------------------------------------------


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
    age_priority: float = _f(
        0.5, 0.0, 1.0, "priority", "Priority a request gains as its response deadline nears."
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


# --------------------------------------------------------------------------------------------
# Timeline events
# --------------------------------------------------------------------------------------------


class _Event(_Section):
    week: int = _f(1, 1, 10_000, "week", "Week the event starts.")


class _LastingEvent(_Event):
    """An event that lasts ``weeks`` weeks from ``week`` (each subclass declares ``weeks`` with
    its own default and help text, which is why the base declares no field)."""

    def active(self, week: int) -> bool:
        """True in the weeks the event is on (``week`` 1-based; <= 0 is the warm-up)."""
        return self.week <= week < self.week + self.weeks

    def spans(self, horizon: int) -> list[tuple[int, int]]:
        """The (first, last) weeks the event is on within weeks 1-``horizon``."""
        return [(self.week, self.week + self.weeks - 1)]


class DemandSurge(_LastingEvent):
    """Customer occasions change by ``size`` (fraction) for ``weeks`` weeks; a negative size is a
    competitor taking demand. With ``every`` > 0 the surge is seasonal: it comes back every
    ``every`` weeks, before ``week`` too (the season was always there, so the warm-up has it and
    a run starts at the organization's seasonal steady state)."""

    type: Literal["demand_surge"] = "demand_surge"
    size: float = _f(0.3, -1.0, 5.0, "fraction", "Change in customer occasions (0.3 = +30%).")
    weeks: int = _f(8, 1, 520, "weeks", "Duration.")
    every: int = _f(
        0,
        0,
        520,
        "weeks",
        "Repeat period of a seasonal surge (52 = every year); 0 = once.",
    )

    @model_validator(mode="after")
    def _check_period(self) -> DemandSurge:
        if self.every and self.every <= self.weeks:
            raise ValueError(
                f"'every' ({self.every}) must be longer than 'weeks' ({self.weeks}) for a "
                "seasonal surge, or 0 for a one-off one"
            )
        return self

    def active(self, week: int) -> bool:
        """True in the weeks the surge is on (``week`` 1-based; <= 0 is the warm-up)."""
        if self.every:
            return (week - self.week) % self.every < self.weeks
        return super().active(week)

    def spans(self, horizon: int) -> list[tuple[int, int]]:
        """The (first, last) weeks the surge is on within weeks 1-``horizon``."""
        if not self.every:
            return super().spans(horizon)
        # The earliest season still on in week 1 starts at or after week 2 - weeks.
        first = self.week - ((self.week - (2 - self.weeks)) // self.every) * self.every
        return [
            (max(start, 1), start + self.weeks - 1)
            for start in range(first, horizon + 1, self.every)
        ]


class HiringFreeze(_LastingEvent):
    """No vacancy is filled for ``weeks`` weeks."""

    type: Literal["hiring_freeze"] = "hiring_freeze"
    weeks: int = _f(12, 1, 520, "weeks", "Duration.")


class BudgetCut(_LastingEvent):
    """Management cuts the budget by ``share`` for ``weeks`` weeks: read as a revenue shortfall
    against plan (insecurity, slower hiring, layoffs past the threshold)."""

    type: Literal["budget_cut"] = "budget_cut"
    share: float = _f(0.1, 0.0, 0.9, "fraction", "Cut as a share of the revenue plan.")
    weeks: int = _f(26, 1, 520, "weeks", "Duration.")


class LeadershipChange(_Event):
    """A new leadership sets a new culture from ``week`` on."""

    type: Literal["leadership_change"] = "leadership_change"
    service_direction: float = _f(0.0, -1.0, 1.0, "index", "The new culture's direction.")


class KeyPersonLeaves(_Event):
    """The longest-serving employee(s) at a level leave."""

    type: Literal["key_person_leaves"] = "key_person_leaves"
    level: int = _f(1, 0, 11, "level", "Level of the person who leaves (0 = top).")
    count: int = _f(1, 1, 10_000, "people", "How many people at that level leave.")


class Layoffs(_Event):
    """A share of filled seats is cut (the seats stay vacant until hiring refills them)."""

    type: Literal["layoffs"] = "layoffs"
    share: float = _f(0.1, 0.0, 0.9, "fraction", "Share of employees laid off.")


Event = Annotated[
    Union[  # noqa: UP007
        DemandSurge, HiringFreeze, BudgetCut, LeadershipChange, KeyPersonLeaves, Layoffs
    ],
    Field(discriminator="type"),
]
EVENT_TYPES = (
    "demand_surge",
    "hiring_freeze",
    "budget_cut",
    "leadership_change",
    "key_person_leaves",
    "layoffs",
)


# --------------------------------------------------------------------------------------------
# The whole parameter set
# --------------------------------------------------------------------------------------------


class Params(_Section):
    """All parameters of a scenario. Defaults give the top-down pyramid reference organization."""

    weeks: int = _f(260, 1, 5200, "weeks", "Default horizon of a run (5 years).")
    warmup_weeks: int = _f(
        156,
        0,
        1040,
        "weeks",
        "Weeks simulated before week 0, unreported, so that a run starts at its organization's "
        "steady state (levers and events start at week 1).",
    )
    org: OrgParams = Field(default_factory=OrgParams)
    culture: CultureParams = Field(default_factory=CultureParams)
    requests: RequestParams = Field(default_factory=RequestParams)
    workforce: WorkforceParams = Field(default_factory=WorkforceParams)
    behaviour: BehaviourParams = Field(default_factory=BehaviourParams)
    customers: CustomerParams = Field(default_factory=CustomerParams)
    economics: EconomicsParams = Field(default_factory=EconomicsParams)
    interventions: InterventionParams = Field(default_factory=InterventionParams)
    events: list[Event] = Field(default_factory=list, description="Timeline events by week.")

    @model_validator(mode="after")
    def _check_events(self) -> Params:
        for i, ev in enumerate(self.events):
            if ev.week > self.weeks:
                raise ValueError(
                    f"events[{i}] ({ev.type}) starts in week {ev.week}, after the horizon of "
                    f"{self.weeks} weeks; move it to week 1-{self.weeks} or raise 'weeks'"
                )
        return self


SECTIONS = tuple(f for f in Params.model_fields if f not in ("weeks", "warmup_weeks", "events"))

# Fields that shape the organization or the starting state: they are read once, when a model is
# built, so changing one means a new run from week 0. Every other field is read by the phases
# each week and may change mid-run (``ServiceCultureModel.set_params``).
STRUCTURAL_PREFIXES: tuple[str, ...] = (
    "warmup_weeks",
    "org.",
    "customers.per_frontline",
    "customers.market_multiple",
    "customers.initial_satisfaction",
    "customers.local_conditions_sd",
    "economics.local_price_sd",
    "workforce.local_labour_market_sd",
    "workforce.initial_",
)


def is_structural(path: str) -> bool:
    """True when ``path`` shapes the organization or the starting state (see above)."""
    return any(path == p or path.startswith(p) for p in STRUCTURAL_PREFIXES)


# --------------------------------------------------------------------------------------------
# Introspection: the flat list of scalar fields (CLI --set, sliders, sweep bounds)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One scalar parameter: dotted path, type, default, bounds, unit and description."""

    path: str
    kind: str  # "float" | "int" | "bool" | "optional_int" | "optional_float" | "optional_str"
    default: Any
    low: float | None
    high: float | None
    unit: str
    description: str


def _bounds(info) -> tuple[float | None, float | None]:
    lo = hi = None
    for m in info.metadata:
        lo = getattr(m, "ge", lo) if getattr(m, "ge", None) is not None else lo
        hi = getattr(m, "le", hi) if getattr(m, "le", None) is not None else hi
    return lo, hi


def _kind(annotation: Any) -> str | None:
    text = str(annotation)
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    if text in ("int | None", "typing.Optional[int]"):
        return "optional_int"
    if text in ("float | None", "typing.Optional[float]"):
        return "optional_float"
    if text in ("str | None", "typing.Optional[str]"):
        return "optional_str"
    return None


def iter_fields(model: type[BaseModel] = Params, prefix: str = "") -> Iterator[FieldSpec]:
    """Yield every scalar parameter of the schema as a :class:`FieldSpec`, in schema order."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from iter_fields(ann, path + ".")
            continue
        kind = _kind(ann)
        if kind is None:
            continue
        lo, hi = _bounds(info)
        extra = info.json_schema_extra or {}
        default = info.default if info.default_factory is None else info.default_factory()
        yield FieldSpec(
            path=path,
            kind=kind,
            default=default,
            low=lo,
            high=hi,
            unit=str(extra.get("unit", "")) if isinstance(extra, dict) else "",
            description=info.description or "",
        )


FIELDS: dict[str, FieldSpec] = {f.path: f for f in iter_fields()}


def field_spec(path: str) -> FieldSpec:
    """The :class:`FieldSpec` for a dotted path, or a :class:`ParameterError` with suggestions."""
    if path in FIELDS:
        return FIELDS[path]
    close = difflib.get_close_matches(path, FIELDS, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    section = path.split(".")[0]
    if not close and section in SECTIONS:
        options = [p for p in FIELDS if p.startswith(section + ".")]
        hint = f" Fields of '{section}': {', '.join(options[:12])}" + (
            ", ..." if len(options) > 12 else ""
        )
    elif not close:
        hint = f" Sections are: {', '.join(SECTIONS)}."
    raise ParameterError(f"unknown parameter '{path}'.{hint}")


def describe_range(spec: FieldSpec) -> str:
    """Human text for what a field allows, e.g. 'a number from -1 to 1'."""
    if spec.kind == "bool":
        return "true or false"
    if spec.kind == "optional_str":
        return "a file path (or unset)"
    what = "a whole number" if "int" in spec.kind else "a number"
    if spec.low is not None and spec.high is not None:
        rng = f"{what} from {spec.low:g} to {spec.high:g}"
    elif spec.low is not None:
        rng = f"{what} >= {spec.low:g}"
    elif spec.high is not None:
        rng = f"{what} <= {spec.high:g}"
    else:
        rng = what
    if spec.kind.startswith("optional"):
        rng += " (or unset)"
    return rng


PARAMS_START = "<!-- params-table:start -->"
PARAMS_END = "<!-- params-table:end -->"


def parameter_table_markdown() -> str:
    """Every scalar parameter as a Markdown table (path, default, allowed, unit, meaning).

    docs/MODEL.md embeds this table between ``PARAMS_START`` / ``PARAMS_END`` markers;
    ``servicechain params --markdown --write docs/MODEL.md`` regenerates it and a test checks
    that the document matches the schema.
    """
    rows = [
        "| parameter | default | allowed | unit | meaning |",
        "|---|---|---|---|---|",
    ]
    for spec in FIELDS.values():
        default = "unset" if spec.default is None else str(spec.default).lower()
        rows.append(
            f"| `{spec.path}` | {default} | {describe_range(spec)} | {spec.unit} | "
            f"{spec.description.replace('|', '/')} |"
        )
    return "\n".join(rows)
