"""Workforce: quits, layoffs, vacancies, time-to-fill, hiring and onboarding.

Rules (Harter, Schmidt & Hayes 2002; the sources' "companies with outstanding internal service
attract and keep good people"; Schneider et al. 2003, 2005: financial performance feeds back on
employees):
- Quit hazard per week = ``quit_base_weekly`` x exp(``quit_morale_sensitivity`` x
  (``morale_reference`` - morale) + ``quit_pressure_sensitivity`` x pressure +
  ``quit_insecurity_sensitivity`` x job insecurity + the person's propensity + the unit's
  labour market), capped at 1: low
  morale and overload drive voluntary turnover (Harter et al. 2002: engagement and turnover
  correlate at about -0.36), and people leave an employer whose revenue is falling.
- People differ in readiness to leave: a personal lognormal factor (mean 1, log-sd
  ``quit_propensity_sd``) multiplies each person's hazard, and so does their business unit's
  local labour market (a unit factor of mean 1, log-sd ``local_labour_market_sd``: outside
  offers and commutes differ by location; Trevor 2001, local unemployment moderates quitting);
  these are what keep unit-level morale and turnover correlated at about -0.36 rather than -1
  (Harter et al. 2002).
- The budget: the payroll it allows is every seat's salary less the revenue shortfall beyond
  ``freeze_shortfall`` (see the budget phase). While revenue is short of plan by that much,
  vacancies off the frontline are filled only as far as the payroll fits the budget (attrition
  does the cutting; frontline seats, which bring the revenue in, are always backfilled); beyond
  ``layoff_shortfall`` staff off the frontline and below the top are laid off, each with
  probability ``layoff_rate`` x the payroll's excess over the budget (overhead is cut first).
- A quit or layoff leaves a vacancy for the usual time-to-fill, longer for an employer with
  unhappy staff (:mod:`sim.vacancies`, the one home of every departure).
- A hire starts with ``hire_morale``, ``hire_skill``, a mindset drawn from the hiring pool
  (normal, ``pool_mindset_mean`` +- ``pool_mindset_sd``), the quality standard their new team
  holds (norms are learned from colleagues; Harrison & Carroll 1991), expectations at the norm,
  and ``onboarding_weeks`` of onboarding that halve their own capacity and take
  ``onboarding_hours`` a week of their manager's time.
- Each hire costs ``replacement_cost_share`` of the seat's annual salary (economics phase).
No vacancy fills during a hiring freeze.
- Only in the warm-up's fast-forward: turnover's renewal of the slow attitudes (mindset,
  standard, expectations) speeds up with the adaptive processes it competes with; people are
  renewed in place at (pace - 1) x their quit hazard (:func:`renew_in_place`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.culture import newcomer_direction
from sim.org import Organization
from sim.params import Params
from sim.phases.careers import Promotions, misfit, promote, screened_mindsets, update_pool
from sim.phases.conditions import Conditions
from sim.state import State, draw_quit_propensity, learned_skill, stationary_tenure
from sim.vacancies import depart, lay_off


@dataclass(frozen=True)
class WorkforceOutcome:
    """This week's turnover.

    Attributes:
        quits: Voluntary quits drawn this week (key people leaving through events not included).
        laid_off: People laid off by the budget this week (event layoffs not included).
        hires: Vacancies filled from outside this week.
        hire_cost: Replacement cost of this week's hires, screening included (currency).
        promotions: Manager seats filled from within this week (:mod:`sim.phases.careers`).
    """

    quits: int
    laid_off: int
    hires: int
    hire_cost: float
    promotions: Promotions = field(default_factory=Promotions.none)


def quit_hazard(
    morale: np.ndarray,
    pressure: np.ndarray,
    params: Params,
    propensity: np.ndarray | float = 0.0,
    insecurity: float = 0.0,
) -> np.ndarray:
    """Weekly probability of quitting for the given morale, pressure, propensity and insecurity."""
    wf = params.workforce
    wish = wf.quit_base_weekly * np.exp(
        wf.quit_morale_sensitivity * (wf.morale_reference - morale)
        + wf.quit_pressure_sensitivity * pressure
        + wf.quit_insecurity_sensitivity * insecurity
        + propensity
    )
    # A wish to leave becomes a quit when an outside offer comes: at most the labour market's
    # weekly job-finding rate (intention, search, then quit; Mobley 1977).
    return wf.job_finding_rate * -np.expm1(-wish / wf.job_finding_rate)


def settle_tenure(state: State, org: Organization, params: Params, rng) -> None:
    """Give the workforce the tenure and loyalty mix of its steady state (warm-up only).

    Rule: the stationary composition of incumbents (:func:`sim.state.stationary_tenure`) for
    the quit hazard of their team's mean morale and pressure now, without their personal
    factor; skill follows the learning curve for the new tenure
    (:func:`sim.state.learned_skill`). The warm-up applies this once, when its fast-forward
    ends: by then morale, pressure and job security are near their steady state, so the hazards
    are the ones the organization will keep, while the mix of stayers and leavers would
    otherwise take a decade of real quits to settle (the most loyal people leave slowest).
    People whose tenure an imported chart gives keep it.
    """
    seats = np.flatnonzero(state.filled)
    if org.start_tenure is not None:
        seats = seats[org.start_tenure[seats] < 0]
    if seats.size == 0:
        return
    # A team's conditions, not the person's own week: individual morale swings are transient
    # and average out over a stay, and a snapshot of them would lengthen tenures (1/hazard is
    # convex), while the differences between teams last.
    morale = org.team_mean(state.morale, state.filled)[seats]
    pressure = org.team_mean(state.pressure, state.filled)[seats]
    # The unit's labour market is one of its lasting conditions; the personal factor is drawn
    # from its stationary mix below.
    hazard = quit_hazard(morale, pressure, params, state.local_quit[seats], state.insecurity)
    propensity, tenure = stationary_tenure(hazard, params, rng)
    state.quit_propensity[seats] = propensity
    state.tenure[seats] = tenure
    state.role_tenure[seats] = tenure
    state.skill[seats] = learned_skill(tenure, params, rng)


def newcomer_attitudes(
    state: State, org: Organization, params: Params, seats: np.ndarray, rng
) -> float:
    """Give ``seats`` the slow attitudes a newcomer brings: a mindset from the hiring pool
    (normal, ``pool_mindset_mean`` + the pool's shift with the employer's reputation, sd
    ``pool_mindset_sd``; screened when ``selection`` > 0: :func:`sim.phases.careers.
    screened_mindsets`), the quality standard and the service direction their team holds (norms
    are learned from colleagues; Harrison & Carroll 1991) and expectations at the norm
    (``service_expectation``).

    Returns:
        The candidates screened beyond the first, over all ``seats`` (for the cost of selection).
    """
    # The team's standard as it is before anyone in ``seats`` changes (a vacancy is not counted).
    team_standard = org.team_mean(state.standard, state.filled)[seats]
    mindset, screened = screened_mindsets(params, state.pool_shift, seats.size, rng)
    state.mindset[seats] = mindset
    state.standard[seats] = team_standard
    state.expectation[seats] = params.behaviour.service_expectation
    newcomer_direction(state, org, seats)  # the team's service direction (after a merger)
    return screened


def renew_in_place(
    state: State, org: Organization, params: Params, hazard: np.ndarray, pace: float, rng
) -> int:
    """Warm-up fast-forward only: turnover renews the slow attitudes at the fast-forward's pace.

    Rule: the fast-forward runs the slow adaptive processes at ``pace`` times their rates
    (mindset's reciprocity and example, expectations, standards). Turnover competes with them
    for the same attitudes: leavers take theirs away and newcomers bring the hiring pool's
    (:func:`newcomer_attitudes`). An equilibrium between two processes holds at a faster pace
    only if both speed up, so besides this week's real quits each person still in post is
    renewed with probability (``pace`` - 1) x their quit hazard: they take a newcomer's
    attitudes and keep their seat, tenure, skill and morale (no vacancy opens, so workload and
    onboarding stay at the normal pace's; the tenure mix settles where the fast-forward ends,
    :func:`settle_tenure`). Without it the fast-forward weighs the reciprocity loop above the
    renewal by hiring, and every preset starts with a mindset above its steady state, from
    which its profit then drifts down for years.

    Returns:
        The number of people renewed this week.
    """
    chance = np.minimum((pace - 1.0) * hazard, 1.0)
    seats = np.flatnonzero(state.filled & (rng.random(org.n_seats) < chance))
    if seats.size:
        newcomer_attitudes(state, org, params, seats, rng)
    return int(seats.size)


def hire(state: State, org: Organization, params: Params, seats: np.ndarray, rng) -> float:
    """Fill ``seats`` with new hires; returns their replacement cost (currency)."""
    wf = params.workforce
    expected = params.behaviour.service_expectation
    screened = newcomer_attitudes(state, org, params, seats, rng)
    state.filled[seats] = True
    state.morale[seats] = wf.hire_morale
    state.skill[seats] = wf.hire_skill
    state.tenure[seats] = 0
    state.quit_propensity[seats] = draw_quit_propensity(params, seats.size, rng)
    state.onboarding_left[seats] = wf.onboarding_weeks
    state.diligence[seats] = state.standard[seats]
    state.felt_reach[seats] = 1.0
    # A newcomer has no experience yet: they remember service "as expected".
    state.received[seats] = expected
    state.given[seats] = expected
    state.given_up[seats] = expected
    state.given_front[seats] = expected
    state.task_supply[seats] = expected
    state.feedback[seats] = expected
    state.complaints[seats] = 0.0
    state.input_supply[seats] = 1.0
    state.person_id[seats] = state.next_person_id + np.arange(seats.size)
    state.next_person_id += int(seats.size)
    state.role_tenure[seats] = 0
    state.promotions[seats] = 0
    state.hire_level[seats] = org.level[seats]
    annual = 52.0 * float(org.salary_week[seats].mean()) if seats.size else 0.0
    replacement = params.economics.replacement_cost_share * 52.0 * org.salary_week[seats].sum()
    return float(replacement + wf.selection_cost_share * annual * screened)


def affordable_payroll(
    org: Organization, params: Params, shortfall: float, payroll_cut: float = 0.0
) -> float:
    """Weekly payroll the budget allows: every seat, less the shortfall beyond the freeze
    threshold, less what a restructuring cut (``payroll_cut``) (currency/week)."""
    cut = max(shortfall - params.economics.freeze_shortfall, 0.0)
    return float(org.salary_week.sum()) * max(1.0 - cut, 0.0) * (1.0 - payroll_cut)


def budget_hires(
    state: State, org: Organization, params: Params, due: np.ndarray, rng
) -> np.ndarray:
    """Which vacancies whose wait is over the budget lets fill this week.

    Frontline seats always (they bring the revenue in). Off the frontline, while revenue is
    short of plan by ``freeze_shortfall`` or more, or while a restructuring's payroll cut lasts,
    only as many as keep the payroll within what the budget allows (a random pick among those
    due): attrition does the cutting, and hiring resumes once the payroll fits.
    """
    if state.shortfall < params.economics.freeze_shortfall and state.payroll_cut <= 0.0:
        return due
    front = due[org.frontline[due]]
    other = rng.permutation(due[~org.frontline[due]])
    room = affordable_payroll(org, params, state.shortfall, state.payroll_cut) - float(
        org.salary_week[state.filled].sum() + org.salary_week[front].sum()
    )
    fits = np.cumsum(org.salary_week[other]) <= room
    return np.sort(np.concatenate([front, other[fits]]))


def budget_layoffs(state: State, org: Organization, params: Params, rng) -> np.ndarray:
    """Seats laid off this week: beyond ``layoff_shortfall``, staff off the frontline and below
    the top, each with probability ``layoff_rate`` x the payroll's excess over the budget."""
    e = params.economics
    if state.shortfall <= e.layoff_shortfall:
        return np.empty(0, dtype=np.int64)
    payroll = float(org.salary_week[state.filled].sum())
    excess = (payroll - affordable_payroll(org, params, state.shortfall)) / max(payroll, 1e-9)
    if excess <= 0.0:
        return np.empty(0, dtype=np.int64)
    staff = np.flatnonzero(state.filled & org.has_manager & ~org.frontline)
    k = int(rng.binomial(staff.size, min(e.layoff_rate * excess, 1.0)))
    return rng.choice(staff, size=k, replace=False) if k else np.empty(0, dtype=np.int64)


def turn_over(
    state: State, org: Organization, params: Params, conditions: Conditions, rng
) -> WorkforceOutcome:
    """The workforce phase: fill vacancies whose wait is over, lay off, draw quits.

    Also keeps the trailing history of quits (events' departures included) and headcount that
    annual turnover is computed from.
    """
    hires, hire_cost, managers_hired = 0, 0.0, 0
    promotions = Promotions.none()
    vacant = ~state.filled
    state.vacancy_wait[vacant] -= 1.0
    update_pool(state, params)
    if not conditions.hiring_frozen:
        due = np.flatnonzero(vacant & (state.vacancy_wait <= 0.0))
        due = budget_hires(state, org, params, due, rng) if due.size else due
        if due.size:
            # Manager seats first go to people one level below (a chain of vacancies).
            promotions, due = promote(state, org, params, due, rng)
        if due.size:
            hire_cost = hire(state, org, params, due, rng)
            hires = int(due.size)
            managers_hired = int(org.is_manager[due].sum())
    internal = int(promotions.into.size)
    state.fill_history.append((internal, internal + managers_hired))
    laid_off = budget_layoffs(state, org, params, rng)
    lay_off(state, params, laid_off, rng)
    # Attrition by fit: people far from their team's mindset leave more often (careers).
    fit = params.workforce.misfit_sensitivity * misfit(state, org)
    hazard = quit_hazard(
        state.morale,
        state.pressure,
        params,
        state.quit_propensity + state.local_quit + fit,
        state.insecurity,
    )
    quits = np.flatnonzero(state.filled & (rng.random(org.n_seats) < hazard))
    depart(state, params, quits, rng)
    if conditions.pace > 1.0:
        renew_in_place(state, org, params, hazard, conditions.pace, rng)
    state.seat_quits[quits] += 1
    state.quit_history.append(conditions.departures + int(quits.size))
    state.headcount_history.append(int(state.filled.sum()))
    return WorkforceOutcome(
        quits=int(quits.size),
        laid_off=int(laid_off.size),
        hires=hires,
        hire_cost=hire_cost,
        promotions=promotions,
    )
