"""Phase 0, conditions: the levers in force and the timeline events of this week.

Levers (``sim.interventions``) turn into the mechanism values the later phases read; events
(``sim.events``) change the culture in force (a leadership change), name people who leave (key
people, layoffs: their seats become vacancies here) or set this week's context (a demand surge, a
hiring freeze). Neither touches an outcome directly: every effect runs through
the phases that follow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.events import apply_events
from sim.interventions import LeverEffects, lever_effects
from sim.org import Organization
from sim.params import Params
from sim.phases.workforce import vacate
from sim.state import State


@dataclass(frozen=True)
class Conditions:
    """What holds this week before anyone acts.

    Attributes:
        levers: Mechanism values of the levers in force.
        demand_multiplier: Multiplier on customer occasions (demand surges).
        hiring_frozen: True while a hiring freeze lasts.
        departures: People who left this week through events (key people); counted as quits.
    """

    levers: LeverEffects
    demand_multiplier: float = 1.0
    hiring_frozen: bool = False
    departures: int = 0


def set_conditions(
    state: State, org: Organization, params: Params, week: int, rng: np.random.Generator
) -> Conditions:
    """The conditions phase: levers of ``week`` (1-based; 0 = the initial state) and events."""
    levers = lever_effects(params.interventions, week)
    shock = apply_events(state, org, params, week, rng)
    leaving = np.concatenate([shock.key_people, shock.laid_off])
    vacate(state, leaving, params.workforce.time_to_fill_weeks, rng)
    return Conditions(
        levers=levers,
        demand_multiplier=shock.demand_multiplier,
        hiring_frozen=shock.hiring_frozen,
        departures=int(shock.key_people.size),
    )
