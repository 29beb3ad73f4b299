"""Careers: promotion from within, and the attraction-selection-attrition cycle.

Rules (the sources: "employees who practice outstanding internal service find it easier to keep
and enhance their careers"; Schneider 1987, "The people make the place", and Schneider,
Goldstein & Smith 1995: people are attracted to, selected by and leave organizations by fit, so
organizations grow alike; promotion decides whose example the next team follows):

- **Promotion from within.** A vacant manager's seat whose wait is over is filled from within
  with probability ``internal_fill`` (managerial vacancies are filled internally more often than
  others: about a third of all vacancies are filled from within today, managerial ones more;
  Cappelli 2019; DeVaro & Morita 2013): the best-scoring person one level below, from the seat's
  department first, who has held their role at least ``promotion_min_weeks``. Otherwise it is
  filled from outside like any seat.
- **The culture decides who is promoted** (``culture.promotion_direction`` when set, else the
  culture in force, d): the score is ``max(-d, 0) x (service given upward + skill) / 2 +
  (1 - |d|) x service given in every direction + max(d, 0) x service given toward the
  frontline``, plus noise (sd ``promotion_noise``): a top-down pyramid promotes performance as
  seen from above (serving higher levels, own output), the two-way street service in every
  direction, the inverted pyramid service to those nearer the customer. Service given is
  remembered as the people served felt it (on time, late or never).
- **A promotion moves the person**, with their traits and memories, into the manager's seat
  (its pay is the seat's), where they learn the role for ``promotion_learning_weeks`` at half
  capacity, and their old seat falls vacant in turn (a chain of vacancies, each with the usual
  time-to-fill). As a manager, their service becomes their team's example.
- **Attraction.** The hiring pool's mean mindset shifts from ``pool_mindset_mean`` toward the
  organization's reputation as an internal-service employer: at ``attraction_rate`` a week
  toward ``attraction_weight`` x (the service people in post remember - the norm
  ``service_expectation``), so a bounded, slow shift (Turban & Greening 1997: reputation
  attracts applicants; Cable & Judge 1996: applicants choose by fit).
- **Selection.** Each hire is the best of 1 + ``selection`` candidates (a fractional part is the
  chance of one more) by a screen that reads their mindset with validity ``selection_validity``;
  each extra candidate costs ``selection_cost_share`` of the seat's annual salary.
- **Attrition by fit.** The quit hazard rises by exp(``misfit_sensitivity`` x |mindset - the
  team's mean mindset|) (Kristof-Brown, Zimmerman & Johnson 2005: person-organization fit
  correlates about -0.35 with intent to quit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.kernels.careers import choose_promotions
from sim.org import Organization
from sim.params import Params
from sim.state import PERSON_FIELDS, State
from sim.vacancies import depart


@dataclass(frozen=True)
class Promotions:
    """This week's promotions.

    Attributes:
        into: The manager seats filled from within.
        from_seat: For each, the seat the promoted person left (now vacant).
        person: For each, the promoted person's id.
        mindset: For each, the promoted person's service mindset.
        external: Manager seats due this week that are left for outside hiring.
    """

    into: np.ndarray
    from_seat: np.ndarray
    person: np.ndarray
    mindset: np.ndarray
    external: int

    @classmethod
    def none(cls) -> Promotions:
        empty = np.empty(0, dtype=np.int64)
        return cls(empty, empty.copy(), empty.copy(), np.empty(0), 0)


def promotion_culture(state: State, params: Params) -> float:
    """The culture whose criteria decide who is promoted."""
    d = params.culture.promotion_direction
    return state.service_direction if d is None else d


def promotion_score(state: State, params: Params, direction: float) -> np.ndarray:
    """Each seat's promotion score under the culture ``direction`` (before noise)."""
    up = 0.5 * (state.given_up + state.skill)
    return (
        max(-direction, 0.0) * up
        + (1.0 - abs(direction)) * state.given
        + max(direction, 0.0) * state.given_front
    )


def move_people(state: State, src: np.ndarray, dst: np.ndarray) -> None:
    """Move the people in ``src`` into the seats ``dst``, with everything that is theirs
    (:data:`sim.state.PERSON_FIELDS`); what belongs to the seat (its customers, its unit's local
    conditions, its suppliers' memory) stays."""
    for name in PERSON_FIELDS:
        values = getattr(state, name)
        values[dst] = values[src]
    state.filled[dst] = True


def promote(
    state: State, org: Organization, params: Params, due: np.ndarray, rng
) -> tuple[Promotions, np.ndarray]:
    """Fill the due manager vacancies from within where the draw says so.

    Args:
        due: Vacant seats whose wait is over this week (any seat; managers' are considered).

    Returns:
        (promotions, still_due): what happened, and the due seats left for outside hiring.
    """
    wf = params.workforce
    vacancies = due[org.is_manager[due]]
    if vacancies.size == 0 or wf.internal_fill <= 0.0:
        return Promotions.none(), due
    within = rng.random(vacancies.size) < wf.internal_fill
    if not within.any():
        none = Promotions.none()
        return Promotions(none.into, none.from_seat, none.person, none.mindset, vacancies.size), due
    eligible = (
        state.filled & (state.role_tenure >= wf.promotion_min_weeks) & (state.onboarding_left == 0)
    )
    score = promotion_score(state, params, promotion_culture(state, params))
    score = score + rng.normal(0.0, wf.promotion_noise, org.n_seats)
    picked = choose_promotions(vacancies, within, org.level, org.dept, eligible, score)
    done = picked >= 0
    into, from_seat = vacancies[done], picked[done]
    promotions = Promotions(
        into=into,
        from_seat=from_seat,
        person=state.person_id[from_seat].copy(),
        mindset=state.mindset[from_seat].copy(),
        external=int(vacancies.size - done.sum()),
    )
    if into.size:
        move_people(state, from_seat, into)
        state.promotions[into] += 1
        state.role_tenure[into] = 0
        state.onboarding_left[into] = wf.promotion_learning_weeks
        state.vacancy_wait[into] = 0.0
        # The chain of vacancies: the old seat waits the usual time-to-fill.
        depart(state, params, from_seat, rng)
    return promotions, np.setdiff1d(due, into, assume_unique=True)


def update_pool(state: State, params: Params) -> None:
    """Attraction: the hiring pool's mindset shift follows the employer's reputation."""
    wf = params.workforce
    if wf.attraction_rate <= 0.0 or not state.filled.any():
        return
    reputation = float(state.received[state.filled].mean())
    target = wf.attraction_weight * (reputation - params.behaviour.service_expectation)
    state.pool_shift += wf.attraction_rate * (target - state.pool_shift)


def screened_mindsets(params: Params, pool_shift: float, n: int, rng) -> tuple[np.ndarray, float]:
    """Mindsets of ``n`` hires from the pool, each the best of 1 + ``selection`` candidates by a
    screen of validity ``selection_validity``; and the candidates screened beyond the first
    (for their cost)."""
    wf = params.workforce
    mean = wf.pool_mindset_mean + pool_shift
    if wf.selection <= 0.0:
        return np.clip(rng.normal(mean, wf.pool_mindset_sd, n), 0.0, 1.0), 0.0
    whole = int(np.floor(wf.selection))
    extra = whole + (rng.random(n) < wf.selection - whole)
    most = whole + 2
    candidates = rng.normal(mean, wf.pool_mindset_sd, (n, most))
    validity = wf.selection_validity
    noise = rng.normal(0.0, wf.pool_mindset_sd, (n, most))
    reading = validity * candidates + np.sqrt(max(1.0 - validity**2, 0.0)) * noise
    reading[np.arange(most)[None, :] > extra[:, None]] = -np.inf
    best = np.argmax(reading, axis=1)
    chosen = candidates[np.arange(n), best]
    return np.clip(chosen, 0.0, 1.0), float(extra.sum())


def misfit(state: State, org: Organization) -> np.ndarray:
    """Per seat, the distance between the occupant's mindset and their team's mean."""
    return np.abs(state.mindset - org.team_mean(state.mindset, state.filled))
