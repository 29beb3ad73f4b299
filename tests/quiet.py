"""Test helpers: phase products of a quiet week, and customer bases set by hand."""

from __future__ import annotations

import numpy as np

from sim.interventions import LeverEffects
from sim.model import ServiceCultureModel
from sim.phases.conditions import Conditions
from sim.phases.encounters import EncounterOutcome
from sim.phases.service import ServiceOutcome
from sim.state import N_BANDS, Requests, band_of


def quiet_conditions() -> Conditions:
    """No lever, no event."""
    return Conditions(levers=LeverEffects())


def quiet_service(model: ServiceCultureModel) -> ServiceOutcome:
    """A week of internal service that overloaded nobody."""
    n = model.org.n_seats
    none = Requests.empty()
    return ServiceOutcome(
        none, np.empty(0, dtype=np.int64), np.empty(0, bool), np.empty(0, bool),
        np.empty(0, bool), 0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, np.zeros(n), np.ones(n), np.zeros(n),
    )  # fmt: skip


def quiet_encounters(model: ServiceCultureModel) -> EncounterOutcome:
    """A week of encounters that overloaded nobody."""
    n = model.org.n_seats
    zeros = np.zeros(n)
    return EncounterOutcome(zeros, zeros, np.ones(n), zeros, zeros, 0, 0.0, 0.0)


def set_customers(model: ServiceCultureModel, satisfaction: float) -> None:
    """Put every active customer in the band of ``satisfaction`` (seats keep their books)."""
    s = model.state
    books = s.customers.sum(axis=1)
    s.customers[:] = 0
    s.customers[:, band_of(satisfaction)] = books
    assert s.customers.shape[1] == N_BANDS
