"""Promotion from within: who fills each vacant manager's seat, in one compiled pass.

The rule is :func:`sim.phases.careers.promote`'s: vacancies are taken in seat order; each that
fills from within takes the best-scoring eligible person one level below, from the seat's own
department when it has one, else from anywhere on that level; nobody is promoted twice in a
week. Candidates are sorted once per level by score (stable, so ties keep seat order), and each
vacancy walks its level's list, so a week costs O(seats log seats + vacancies x candidates).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def choose_promotions(vacancies, within, level, dept, eligible, score):
    """The seat each vacancy promotes from (-1: filled from outside).

    Args:
        vacancies: Vacant manager seats due this week, in seat order.
        within: Per vacancy, whether it fills from within (drawn by the caller).
        level, dept: Per seat.
        eligible: Per seat, whether its occupant can be promoted this week.
        score: Per seat, the promotion score (higher is promoted first).

    Returns:
        Per vacancy, the seat of the person promoted into it, or -1.
    """
    n = level.size
    out = np.full(vacancies.size, -1, dtype=np.int64)
    if vacancies.size == 0:
        return out
    candidates = np.flatnonzero(eligible)
    # Best score first; a stable sort keeps seat order among equal scores.
    ordered = candidates[np.argsort(-score[candidates], kind="mergesort")]
    taken = np.zeros(n, dtype=np.bool_)
    for k in range(vacancies.size):
        if not within[k]:
            continue
        seat = vacancies[k]
        below = level[seat] + 1
        pick = -1
        fallback = -1
        for c in ordered:
            if taken[c] or level[c] != below:
                continue
            if dept[c] == dept[seat]:
                pick = c
                break
            if fallback < 0:
                fallback = c
        if pick < 0:
            pick = fallback
        if pick >= 0:
            taken[pick] = True
            out[k] = pick
    return out
