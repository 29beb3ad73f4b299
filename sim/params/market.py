"""Customers and economics: the external side of the service-profit chain."""

from __future__ import annotations

from sim.params.base import ParameterError, _f, _Section, fitted

# The most customers one model may ever hold (its market: the active base at the start times
# customers.market_multiple). A week's work and memory grow with the customers who come, and a
# market can fill within weeks, so this bounds a run's cost: at 20 million a week takes about
# 0.3 s and 0.7 GB (5,000 employees, 2 cores), the 156-week warm-up about a minute.
MAX_MARKET = 20_000_000


def check_market(market: int, frontline_seats: int, params: object) -> None:
    """Refuse a market beyond :data:`MAX_MARKET` (the message names both factors and the cap).

    Args:
        market: Potential customers (the starting base times ``customers.market_multiple``).
        frontline_seats: Frontline seats the base is spread over.
        params: The parameters (``customers.per_frontline``, ``customers.market_multiple``).
    """
    if market <= MAX_MARKET:
        return
    c = params.customers  # type: ignore[attr-defined]
    raise ParameterError(
        f"customers.per_frontline = {c.per_frontline:g} x {frontline_seats:,} frontline seats x "
        f"customers.market_multiple = {c.market_multiple:g} gives a market of {market:,} "
        f"customers; a model holds at most {MAX_MARKET:,} (its weekly cost grows with them): "
        "lower customers.per_frontline, customers.market_multiple or the headcount"
    )


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
    rebalance_rate: float = _f(
        0.5,
        0.0,
        1.0,
        "fraction/week",
        "Share of a customer book's excess over the frontline's average (beyond book_slack) "
        "moved each week to colleagues with room.",
    )
    book_slack: float = _f(
        0.1,
        0.0,
        5.0,
        "fraction",
        "How far above the frontline's average a customer book may grow before it is balanced.",
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
    layoff_insecurity: float = _f(
        3.0,
        0.0,
        20.0,
        "insecurity/share",
        "Job insecurity a layoff leaves in the survivors, per share of the workforce laid off "
        "(capped at 1); it fades over layoff_memory_weeks.",
    )
    layoff_memory_weeks: float = _f(
        26.0,
        1.0,
        520.0,
        "weeks",
        "Weeks over which the insecurity a layoff left fades (exponential memory).",
    )
