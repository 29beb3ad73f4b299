"""The culture each person practises: one service direction per seat, and how it travels.

``state.service_direction`` is the culture leadership declares; ``state.seat_direction`` is the
direction each person practises when they serve (the internal-service phase orders each
provider's queue by the provider's own direction). In a single organization they are the same
everywhere: a leadership change sets both at once (:func:`impose`), and every rule below is then
an exact no-op, so a run without a merger computes exactly what it would without this module.

After a merger (:mod:`sim.restructure`) each part starts with its own culture, and the
directions converge through the model's own mechanisms of cultural transmission (Harrison &
Carroll 1991, "Keeping the faith: a model of cultural transmission in formal organizations",
Administrative Science Quarterly 36(4): culture travels through selection and hiring,
socialization and turnover; Weber & Camerer 2003, "Cultural conflict and merger failure",
Management Science 49(4): merged groups' norms converge through working together):

- **The manager's example**: each person's direction moves toward their manager's at
  ``behaviour.manager_example_rate`` per week (the rate that carries mindset down the line). The
  top seat practises the culture leadership declares (``service_direction``: the acquirer's,
  after a merger), so the declared culture travels down every reporting line, the acquired
  part's included, and is where the directions end up.
- **Reciprocity**: it moves toward the mean direction of the people who served (or failed)
  their requests this week at ``behaviour.reciprocity_rate`` (pay it forward: people treat
  others as they are treated; Baker & Bulkley 2014), so integrated departments mix.
- **Hiring**: a newcomer practises their new team's mean direction (norms are learned from
  colleagues; the rule that gives a newcomer the team's quality standard), and a leaver takes
  theirs away: turnover and hiring replace people who brought the old culture with people
  socialized into the team's.

Both rates are sped up like every slow adaptive rate in the warm-up's fast-forward (``pace``).
"""

from __future__ import annotations

import numpy as np

from sim.org import Organization
from sim.params import Params
from sim.state import State


def is_uniform(direction: np.ndarray) -> bool:
    """True when every seat practises the same direction (then nothing here changes a bit)."""
    return direction.size == 0 or bool(direction.min() == direction.max())


def impose(state: State, direction: float) -> None:
    """Leadership sets the culture in force: declared, and practised by everyone at once."""
    state.service_direction = float(direction)
    state.seat_direction[:] = float(direction)


def newcomer_direction(state: State, org: Organization, seats: np.ndarray) -> None:
    """Newcomers in ``seats`` take their team's mean direction (their seat's last value when
    they have no colleague in post)."""
    if seats.size == 0 or is_uniform(state.seat_direction):
        return
    team = org.team_mean(state.seat_direction, state.filled)
    state.seat_direction[seats] = team[seats]


def spread_direction(
    state: State,
    org: Organization,
    params: Params,
    requester: np.ndarray,
    provider: np.ndarray,
    pace: float = 1.0,
) -> None:
    """One week of the manager's example and reciprocity on the directions people practise.

    Args:
        state: The state (``seat_direction`` changes in place, for filled seats only).
        org: The organization.
        params: ``behaviour.manager_example_rate`` and ``behaviour.reciprocity_rate``.
        requester, provider: The requests resolved this week (who asked, who served).
        pace: The warm-up's fast-forward factor (1 outside it).
    """
    d = state.seat_direction
    if is_uniform(d):
        return
    b = params.behaviour
    filled = state.filled
    boss = org.manager_safe
    boss_d = np.where(org.has_manager & filled[boss], d[boss], d)
    count = np.bincount(requester, minlength=org.n_seats)
    total = np.bincount(requester, weights=d[provider], minlength=org.n_seats)
    served_by = np.where(count > 0, total / np.maximum(count, 1), d)
    new = (
        d
        + min(b.manager_example_rate * pace, 0.5) * (boss_d - d)
        + min(b.reciprocity_rate * pace, 0.5) * (served_by - d)
    )
    new = np.where(org.has_manager, new, state.service_direction)  # the top: leadership's
    state.seat_direction = np.where(filled, np.clip(new, -1.0, 1.0), d)
