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
        0.1,
        0.0,
        0.3,
        "mindset",
        "Care a top-down culture withholds from requests from below (served last, with less "
        "care): a second channel of the culture, beside the order of the queue.",
    )
    queue_direction: float | None = _f(
        None,
        -1.0,
        1.0,
        "index",
        "The culture the queues serve by, when it differs from the culture in force (unset = "
        "the culture in force): espoused and enacted culture apart, or one channel of the "
        "culture switched off (servicechain explain).",
    )
    promotion_direction: float | None = _f(
        None,
        -1.0,
        1.0,
        "index",
        "The culture whose criteria decide who is promoted, when it differs from the culture in "
        "force (unset = the culture in force).",
    )
    care_direction: float | None = _f(
        None,
        -1.0,
        1.0,
        "index",
        "The culture that sets how carefully requests from below are served, when it differs "
        "from the culture in force (unset = the culture in force).",
    )


class RequestParams(_Section):
    """Internal request generation, what requests are for, and the service standard."""

    to_manager_rate: float = _f(
        1.2, 0.0, 20.0, "requests/week", "Requests each employee sends to their manager per week."
    )
    to_subordinate_rate: float = _f(
        1.0,
        0.0,
        20.0,
        "requests/week",
        "Requests a manager sends to each direct report who is not a manager, per week.",
    )
    reporting_rate: float = _f(
        3.0,
        0.0,
        20.0,
        "requests/week",
        "Requests a manager sends to each direct report who is a manager, per week: reports, "
        "plans, reviews and figures asked from above (managers' administrative load).",
    )
    lateral_scale: float = _f(
        1.3, 0.0, 10.0, "multiplier", "Multiplier on the department dependency matrix."
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
    age_weight: float = _f(
        0.1,
        0.0,
        1.0,
        "priority",
        "Priority an older request gains in every culture (first come, first served within the "
        "culture's order).",
    )
    wait_felt: bool = _f(
        True,
        None,
        None,
        "",
        "Waiting is felt: every week a request waits past the service standard, its requester "
        "notes a week without it in the service they remember (and, for inputs their work or a "
        "customer needs, in what their work got).",
    )
    rework_rate: float = _f(
        0.5,
        0.0,
        5.0,
        "1/rush",
        "Rework rushing causes: a request served at a share s of its standard time comes back "
        "as an avoidable request with probability rework_rate x (1 - s).",
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
        0.35,
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
        0.15,
        0.0,
        1.0,
        "fraction",
        "Extra hours people put in when work piles up, as a share of their hours for it.",
    )
    rush_min: float = _f(
        0.85,
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
    job_finding_rate: float = _f(
        0.025,
        0.001,
        0.025,
        "1/week",
        "Weekly chance that someone who wants to leave lands an outside job: the quit hazard "
        "saturates at it (employed job seekers find one within a month about a tenth of the "
        "time; the range ends where at most about 135% a year could leave, so that a year's "
        "chance stays below 150%).",
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
    local_process_sd: float = _f(
        fitted("workforce.local_process_sd"),
        0.0,
        1.0,
        "log-multiplier",
        "Spread between business units of their tools and processes (log sd of a unit factor of "
        "mean 1 on the quality of everyone's work there: units differ for reasons morale does not "
        "explain).",
    )
    quit_propensity_sd: float = _f(
        fitted("workforce.quit_propensity_sd"),
        0.0,
        2.0,
        "log-multiplier",
        "Spread between people of a personal factor in the quit hazard (log sd; mean factor 1).",
    )
    misfit_sensitivity: float = _f(
        2.0,
        0.0,
        20.0,
        "1/mindset",
        "How steeply the quit hazard rises with the distance between one's service mindset and "
        "one's team's (attrition by fit).",
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
    internal_fill: float = _f(
        0.6,
        0.0,
        1.0,
        "fraction",
        "Chance that a vacant manager's seat is filled by promoting someone from the level "
        "below (else from outside).",
    )
    promotion_min_weeks: int = _f(
        26, 0, 520, "weeks", "Weeks in one's role before one can be promoted."
    )
    promotion_learning_weeks: int = _f(
        8,
        0,
        52,
        "weeks",
        "Weeks a newly promoted manager learns the role (half capacity, like onboarding).",
    )
    promotion_noise: float = _f(
        0.05,
        0.0,
        1.0,
        "score",
        "Spread of promotion decisions beyond the culture's criteria (sd of the score).",
    )
    selection: float = _f(
        0.0,
        0.0,
        8.0,
        "candidates",
        "Extra candidates screened per hire for service mindset (0 = take the first applicant).",
        extra={"slider": True},
    )
    selection_cost_share: float = _f(
        0.02,
        0.0,
        1.0,
        "fraction",
        "Cost of screening one extra candidate, as a share of the seat's annual salary.",
    )
    selection_validity: float = _f(
        0.6,
        0.0,
        1.0,
        "correlation",
        "How well screening reads a candidate's service mindset (correlation of the reading "
        "with the truth).",
    )
    attraction_weight: float = _f(
        0.3,
        0.0,
        2.0,
        "mindset/quality",
        "How far the hiring pool's mean mindset follows the organization's reputation as an "
        "internal-service employer, per unit of remembered service above the norm.",
    )
    attraction_rate: float = _f(
        0.01,
        0.0,
        1.0,
        "1/week",
        "Speed at which the hiring pool follows the organization's reputation.",
    )
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
    manager_service_weight: float = _f(
        fitted("behaviour.manager_service_weight"),
        0.0,
        20.0,
        "weight",
        "Weight of the service one asks of one's own manager in the service one remembers, "
        "against 1 for a colleague's (managers are the main source of people's experience of "
        "work: Gallup finds they account for 70% of the variance in team engagement).",
    )
    report_service_weight: float = _f(
        0.3,
        0.0,
        20.0,
        "weight",
        "Weight of the service a manager asks of their own reports in the service they "
        "remember, against 1 for a colleague's.",
    )
    example_is_service: bool = _f(
        False,
        None,
        None,
        "",
        "The manager's example is the service they give, as those they serve feel it (on time, "
        "late or never), rather than their mindset.",
    )
    voice_floor: float = _f(
        0.85,
        0.0,
        1.0,
        "fraction",
        "Least share of their needs people still take to a manager who does not answer in time "
        "(1 = everyone always asks; below 1, unanswered reports fall silent).",
    )
    received_memory: float = _f(
        0.25, 0.01, 1.0, "1/week", "Weight of this week in the remembered service received."
    )
