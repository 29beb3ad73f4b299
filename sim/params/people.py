"""How people work and serve: the culture, internal requests, the workforce and behaviour."""

from __future__ import annotations

from pydantic import model_validator

from sim.params.base import _f, _Section, fitted


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
