"""The organization: a tree of seats in levels, departments, and the dependency matrix.

Rule (the organization): seats form a pyramid. Level 0 is the top; each level has
about ``span`` times as many seats as the one above, and the bottom level takes the rest. Every
seat below the top has one manager on the level above. Departments are contiguous blocks of each
level in proportion to their headcount shares, so a team (a manager and their direct reports)
lies almost always inside one department. Bottom-level seats of customer-facing departments are
the **frontline**: they serve external customers. Salaries rise by a fixed ratio per level.

Source: the classic chain of command flows down a pyramid; span-of-control
pyramids are the standard textbook structure.

An organization can instead be read from a client's org chart (:mod:`sim.orgchart`); either way
it has the same arrays, so every phase works on both.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from sim.params import OrgParams, ParameterError
from sim.seats import MAX_SEAT_DEPARTMENTS, Organization, check_scale, organization_arrays

__all__ = [
    "MAX_SEAT_DEPARTMENTS",
    "Organization",
    "build_organization",
    "check_scale",
    "level_sizes",
    "organization_arrays",
]

DEFAULT_SPAN = 7.0
MAX_LEVELS = 12  # the schema's upper bound on org.levels


def level_sizes(headcount: int, levels: int | None = None, span: float | None = None) -> list[int]:
    """Number of seats per level, top first, summing exactly to ``headcount``.

    Args:
        headcount: Total seats (>= 2).
        levels: Number of levels; derived from ``span`` when None.
        span: Direct reports per manager; derived from ``levels`` (or 7) when None.

    Returns:
        Level sizes ``[1, n1, ..., n_bottom]``; each level is at least as large as the one above.

    Raises:
        ParameterError: when the combination cannot be built.
    """
    if headcount < 2:
        raise ParameterError(f"org.headcount = {headcount}: need at least 2 seats")
    if levels is not None and span is not None:
        sizes = [1]
        for lv in range(1, levels - 1):
            sizes.append(max(sizes[-1], round(span**lv)))
        rest = headcount - sum(sizes)
        if levels == 1 or rest < sizes[-1]:
            raise ParameterError(
                f"org.levels = {levels} with org.span = {span:g} needs more than "
                f"{sum(sizes) + sizes[-1] - 1} seats, but org.headcount = {headcount}; "
                "lower the levels or the span, or leave one of them unset"
            )
        return [*sizes, rest]
    if levels is not None:
        if levels == 1:
            raise ParameterError("org.levels must be at least 2")
        # Find the span that gives exactly `levels` levels, by bisection on the bottom-up rule.
        lo, hi = 1.0001, float(headcount)
        for _ in range(200):
            mid = math.sqrt(lo * hi)
            n = len(_bottom_up(headcount, mid))
            if n > levels:
                lo = mid
            else:
                hi = mid
        sizes = _bottom_up(headcount, hi)
        shrinking = any(b < a for a, b in itertools.pairwise(sizes))
        if len(sizes) != levels or sizes[0] != 1 or shrinking:
            raise ParameterError(
                f"org.levels = {levels} is not possible with org.headcount = {headcount}"
            )
        return sizes
    return _bottom_up(headcount, span if span is not None else DEFAULT_SPAN)


def _bottom_up(headcount: int, span: float) -> list[int]:
    """Sizes from the bottom up: each level above is ceil(level / span); exact total."""

    def chain(bottom: int) -> list[int]:
        # Each level above is at least one seat smaller (so spans near 1 terminate), and the
        # chain stops past the deepest allowed hierarchy: such a chain is rejected by callers.
        sizes = [bottom]
        while sizes[-1] > 1 and len(sizes) <= MAX_LEVELS:
            sizes.append(min(math.ceil(sizes[-1] / span), sizes[-1] - 1))
        return sizes[::-1]

    bottom = max(1, round(headcount * (span - 1) / span))
    for _ in range(100):
        total = sum(chain(bottom))
        if total == headcount:
            break
        bottom += headcount - total
        bottom = max(1, bottom)
    sizes = chain(bottom)
    # A fixed point may be missed by one seat where the upper levels jump; put it at the bottom.
    sizes[-1] += headcount - sum(sizes)
    return sizes


def build_organization(org: OrgParams, salary_base: float, salary_ratio: float) -> Organization:
    """Build the seat tree from :class:`~sim.params.OrgParams` (vectorized per level).

    With ``org.chart`` set the organization is the chart's (:mod:`sim.orgchart`); otherwise it
    is generated from the headcount, levels, span and departments. ``org.survey`` and
    ``org.survey_weights`` apply to both (:mod:`sim.survey`).

    Args:
        org: Organization parameters.
        salary_base: Annual bottom-level salary when ``org.salary_by_level`` is unset.
        salary_ratio: Salary multiplier per level up when ``org.salary_by_level`` is unset.
    """
    if org.chart is not None:
        from sim.orgchart import organization_from_chart

        return organization_from_chart(org, salary_base, salary_ratio)
    sizes = level_sizes(org.headcount, org.levels, org.span)
    n_levels = len(sizes)
    n = sum(sizes)
    check_scale(n, len(org.departments), "org")
    shares = np.array([d.share for d in org.departments], dtype=float)
    cum = np.cumsum(shares)
    cum[-1] = 1.0 + 1e-12

    level = np.repeat(np.arange(n_levels, dtype=np.int16), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pos_in_level = np.arange(n) - np.repeat(starts, sizes)
    size_of_level = np.repeat(np.asarray(sizes), sizes)
    # Position of the seat's centre as a fraction of its level: departments and managers are
    # assigned by position, so teams and departments are contiguous blocks that line up.
    frac = (pos_in_level + 0.5) / size_of_level
    dept = np.searchsorted(cum, frac, side="right").astype(np.int16)
    dept = np.minimum(dept, len(shares) - 1)

    manager = np.full(n, -1, dtype=np.int64)
    for lv in range(1, n_levels):
        idx = slice(starts[lv], starts[lv] + sizes[lv])
        above = sizes[lv - 1]
        # Prefer a manager in the same department; fall back to position when none exists.
        mgr_pos = np.minimum((frac[idx] * above).astype(np.int64), above - 1)
        mgr = starts[lv - 1] + mgr_pos
        same = dept[mgr] == dept[idx]
        if not same.all():
            up_seats = np.arange(starts[lv - 1], starts[lv - 1] + above)
            for d in np.unique(dept[idx][~same]):
                cand = up_seats[dept[up_seats] == d]
                if cand.size == 0:
                    continue
                bad = np.flatnonzero(~same & (dept[idx] == d))
                # Nearest same-department manager by position.
                cpos = (cand - starts[lv - 1] + 0.5) / above
                pick = np.abs(frac[idx][bad][:, None] - cpos[None, :]).argmin(axis=1)
                mgr[bad] = cand[pick]
        manager[idx] = mgr

    customer_facing = np.array([d.customer_facing for d in org.departments], dtype=bool)
    frontline = (level == n_levels - 1) & customer_facing[dept]
    if not frontline.any():
        raise ParameterError(
            "org: no frontline seats (bottom level of a customer-facing department); "
            "raise the customer-facing departments' shares or the headcount"
        )
    if org.salary_by_level is not None:
        if len(org.salary_by_level) != n_levels:
            raise ParameterError(
                f"org.salary_by_level has {len(org.salary_by_level)} values but the "
                f"organization has {n_levels} levels (sizes {sizes}); give one per level, top first"
            )
        annual = np.asarray(org.salary_by_level, dtype=float)[level]
    else:
        annual = salary_base * salary_ratio ** (n_levels - 1 - level.astype(float))
    dependency = np.asarray(org.dependency_matrix(), dtype=float)
    names = tuple(d.name for d in org.departments)
    received_rating = given_rating = None
    if org.survey is not None or org.survey_weights is not None:
        from sim.survey import apply_survey

        counts = np.bincount(dept, minlength=len(names))
        effect = apply_survey(org, names, counts, dependency)
        dependency = effect.dependency
        received_rating, given_rating = effect.received_rating, effect.given_rating
    return Organization(
        n_seats=n,
        n_levels=n_levels,
        level=level,
        dept=dept,
        manager=manager,
        frontline=frontline,
        salary_week=annual / 52.0,
        dept_names=names,
        customer_facing=customer_facing,
        dependency=dependency,
        received_rating=received_rating,
        given_rating=given_rating,
        internal_hours=np.array([d.internal_hours for d in org.departments], dtype=float),
        **organization_arrays(level, dept, manager, len(names)),
    )
