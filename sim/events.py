"""Timeline events: shocks a scenario schedules by week to tell a story.

Each event acts through the model's own mechanisms: a demand surge multiplies customer occasions
(and so frontline load and the internal inputs encounters need), and a negative one is a
competitor taking demand; a hiring freeze stops vacancies from filling; a budget cut reads as a
revenue shortfall against plan (job insecurity, slower hiring, layoffs past the threshold); a
leadership change sets a new culture in force (``state.service_direction``); a key
person leaving and layoffs name seats that the conditions phase turns into vacancies, which then
go through the usual time-to-fill. Sources: the work-pressure and quality-erosion dynamics of
Oliva & Sterman (2001) for surges (a seasonal one, ``every`` > 0, recurs every period and is part
of the organization's normal year); the cultural transmission under turnover of Harrison & Carroll
(1991) for leadership change and departures.

Restructuring events (``delayer``, ``respan``, ``growth``, ``downsize``, ``centralize``,
``merger``) change the organization itself: the model applies them between weeks
(:mod:`sim.restructure`), before this week's conditions, and the people they lay off count with
this week's layoffs; here they do nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.culture import impose
from sim.org import Organization
from sim.params import (
    BudgetCut,
    DemandSurge,
    HiringFreeze,
    KeyPersonLeaves,
    Layoffs,
    LeadershipChange,
    Params,
)
from sim.state import State


@dataclass(frozen=True)
class Shock:
    """What this week's events do.

    Attributes:
        demand_multiplier: Product of the active demand surges (1 = none; below 1 when a
            competitor takes demand).
        hiring_frozen: True while a hiring freeze is active.
        budget_cut: Sum of the active budget cuts, as a share of the revenue plan.
        key_people: Seats whose (longest-serving) occupants leave this week.
        laid_off: Seats cut by layoffs this week.
    """

    demand_multiplier: float = 1.0
    hiring_frozen: bool = False
    budget_cut: float = 0.0
    key_people: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    laid_off: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))


def seasonal_demand(params: Params, week: int) -> float:
    """The demand multiplier of the seasonal surges (``every`` > 0) alone in ``week``: the part
    of the timeline that the warm-up has too, because the season was always there."""
    multiplier = 1.0
    for ev in params.events:
        if isinstance(ev, DemandSurge) and ev.every and ev.active(week):
            multiplier *= 1.0 + ev.size
    return multiplier


def apply_events(
    state: State, org: Organization, params: Params, week: int, rng: np.random.Generator
) -> Shock:
    """Every event active in ``week`` (1-based): its effect on the culture and this week."""
    multiplier, frozen, cut = 1.0, False, 0.0
    leaving = np.zeros(org.n_seats, dtype=bool)
    key_people: list[np.ndarray] = []
    laid_off: list[np.ndarray] = []
    for ev in params.events:
        if isinstance(ev, DemandSurge):
            if ev.active(week):
                multiplier *= 1.0 + ev.size
        elif isinstance(ev, HiringFreeze):
            frozen = frozen or ev.active(week)
        elif isinstance(ev, BudgetCut):
            if ev.active(week):
                cut += ev.share
        elif week != ev.week:
            continue
        elif isinstance(ev, LeadershipChange):
            impose(state, ev.service_direction)
        elif isinstance(ev, KeyPersonLeaves):
            level = min(ev.level, org.n_levels - 1)
            cand = np.flatnonzero(state.filled & ~leaving & (org.level == level))
            if cand.size:
                # The longest-serving people at that level are the "key" ones.
                order = cand[np.argsort(-state.tenure[cand], kind="stable")]
                gone = order[: ev.count]
                leaving[gone] = True
                key_people.append(gone)
        elif isinstance(ev, Layoffs):
            cand = np.flatnonzero(state.filled & ~leaving & (org.level > 0))
            k = round(ev.share * cand.size)
            if k:
                gone = rng.choice(cand, size=k, replace=False)
                leaving[gone] = True
                laid_off.append(gone)

    def seats(parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(parts).astype(np.int64) if parts else np.empty(0, dtype=np.int64)

    return Shock(multiplier, frozen, min(cut, 1.0), seats(key_people), seats(laid_off))
