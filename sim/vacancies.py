"""Vacancies: how a seat falls vacant and how long it stays vacant. One home for every departure.

Rules (the sources: "companies with outstanding internal service attract and keep good people"):
- A departure of any kind (a quit, a budget layoff, an event's layoff or key person leaving)
  turns the seat vacant; the person's onboarding ends with them. Until it is filled, the
  requests addressed to it fall to a teammate in post (the internal-service phase).
- Its time-to-fill is exponential with mean ``time_to_fill_weeks`` x exp(``reputation_effect``
  x (0.6 - mean morale of the people in post)): an employer with unhappy staff is slower to hire.
  The workforce phase fills a vacancy once its wait is over (unless hiring is frozen or the
  budget is short).
- Layoffs reach the survivors (:func:`lay_off`): job insecurity rises by
  ``layoff_insecurity`` x the share of the workforce laid off and fades over
  ``layoff_memory_weeks`` (the budget phase); survivors perceive lower job security and
  organizational performance and report higher turnover intentions (Maertz et al. 2010; Sverke,
  Hellgren & Näswall 2002, job insecurity's meta-analysis), and even small downsizings raise
  voluntary turnover (Trevor & Nyberg 2008: companies laying off 0.5% of their people had
  voluntary turnover 2.6 points above the others'). A restructuring's layoffs also cut the
  payroll budget (``state.payroll_cut``): the seats it cut are refilled as the budget allows,
  not at the normal pace.
"""

from __future__ import annotations

import math

import numpy as np

from sim.params import Params
from sim.state import State


def mean_time_to_fill(state: State, params: Params) -> float:
    """Mean weeks to fill a vacancy, lengthened by a poor reputation (low mean morale)."""
    wf = params.workforce
    morale = float(state.morale[state.filled].mean()) if state.filled.any() else 0.0
    return wf.time_to_fill_weeks * math.exp(wf.reputation_effect * (0.6 - morale))


def vacate(state: State, seats: np.ndarray, mean_wait: float, rng: np.random.Generator) -> None:
    """Turn filled ``seats`` into vacancies with an exponential time-to-fill of ``mean_wait``
    weeks (tests and experiments pick the wait; the model's departures use :func:`depart`)."""
    if seats.size == 0:
        return
    state.filled[seats] = False
    state.vacancy_wait[seats] = rng.exponential(max(mean_wait, 1e-9), seats.size)
    state.onboarding_left[seats] = 0


def depart(state: State, params: Params, seats: np.ndarray, rng: np.random.Generator) -> None:
    """The people in ``seats`` leave: their seats fall vacant for the usual time-to-fill
    (:func:`mean_time_to_fill`, read from the people in post before they leave)."""
    if seats.size == 0:
        return
    vacate(state, seats, mean_time_to_fill(state, params), rng)


def lay_off(
    state: State,
    params: Params,
    seats: np.ndarray,
    rng: np.random.Generator,
    salary_week: np.ndarray | None = None,
) -> None:
    """The people in ``seats`` are laid off: they depart (:func:`depart`), the survivors' job
    insecurity rises, and, when ``salary_week`` (every seat's weekly salary) is given, the
    payroll budget is cut by their salaries (a restructuring that downsizes on purpose; the
    budget's own layoffs follow the budget already and give none)."""
    if seats.size == 0:
        return
    in_post = int(state.filled.sum())
    share = seats.size / max(in_post, 1)
    if salary_week is not None:
        payroll = float(salary_week.sum())
        cut = float(salary_week[seats].sum()) / payroll if payroll > 0 else 0.0
        state.payroll_cut = min(state.payroll_cut + cut, 1.0)
    depart(state, params, seats, rng)
    state.layoff_insecurity = min(
        state.layoff_insecurity + params.economics.layoff_insecurity * share, 1.0
    )
