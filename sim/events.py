"""Timeline events: shocks a scenario schedules by week to tell a story.

Each event acts through the model's own mechanisms: a demand surge multiplies customer occasions
(and so frontline load and the internal inputs encounters need); a hiring freeze stops vacancies
from filling; a leadership change sets a new ``service_direction``; a key person leaving and
layoffs turn filled seats into vacancies that go through the usual time-to-fill. Sources: the
work-pressure and quality-erosion dynamics of Oliva & Sterman (2001) for surges; the cultural
transmission under turnover of Harrison & Carroll (1991) for leadership change and departures.
"""

from __future__ import annotations

import numpy as np

from sim.org import Organization
from sim.params import DemandSurge, HiringFreeze, KeyPersonLeaves, Layoffs, LeadershipChange, Params
from sim.state import State, Week


def vacate(state: State, seats: np.ndarray, mean_wait: float, rng: np.random.Generator) -> None:
    """Turn filled ``seats`` into vacancies with an exponential time-to-fill of ``mean_wait``."""
    if seats.size == 0:
        return
    state.filled[seats] = False
    state.vacancy_wait[seats] = rng.exponential(max(mean_wait, 1e-9), seats.size)
    state.onboarding_left[seats] = 0


def apply_events(
    state: State, org: Organization, params: Params, week: int, wk: Week, rng: np.random.Generator
) -> None:
    """Apply every event active in ``week`` (1-based) to the state and this week's context."""
    for ev in params.events:
        if isinstance(ev, DemandSurge):
            if ev.week <= week < ev.week + ev.weeks:
                wk.demand_multiplier *= 1.0 + ev.size
        elif isinstance(ev, HiringFreeze):
            if ev.week <= week < ev.week + ev.weeks:
                wk.hiring_frozen = True
        elif week != ev.week:
            continue
        elif isinstance(ev, LeadershipChange):
            state.service_direction = ev.service_direction
        elif isinstance(ev, KeyPersonLeaves):
            level = min(ev.level, org.n_levels - 1)
            cand = np.flatnonzero(state.filled & (org.level == level))
            if cand.size:
                # The longest-serving people at that level are the "key" ones.
                order = cand[np.argsort(-state.tenure[cand], kind="stable")]
                gone = order[: ev.count]
                vacate(state, gone, params.workforce.time_to_fill_weeks, rng)
                wk.quits += int(gone.size)
        elif isinstance(ev, Layoffs):
            cand = np.flatnonzero(state.filled & (org.level > 0))
            k = round(ev.share * cand.size)
            if k:
                gone = rng.choice(cand, size=k, replace=False)
                vacate(state, gone, params.workforce.time_to_fill_weeks, rng)
                wk.layoffs += k
