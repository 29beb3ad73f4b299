"""Vacancies: how a seat falls vacant and how long it stays vacant. One home for every departure.

Rules (the sources: "companies with outstanding internal service attract and keep good people"):
- A departure of any kind (a quit, a budget layoff, an event's layoff or key person leaving)
  turns the seat vacant; the person's onboarding ends with them.
- Its time-to-fill is exponential with mean ``time_to_fill_weeks`` x exp(``reputation_effect``
  x (0.6 - mean morale of the people in post)): an employer with unhappy staff is slower to hire.
  The workforce phase fills a vacancy once its wait is over (unless hiring is frozen or the
  budget is short).
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
