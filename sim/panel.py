"""Panel data: one row per employee and week, or per team and week, read from the state arrays.

A **team** is a manager and their direct reports, the business unit of Harter-style analyses;
its id is the manager's seat. An **employee** row is the person in a seat: every filled seat,
plus the seat of anyone who quit this week (their last row, with ``quit`` true). Both tables are
built vectorized from the state arrays at the end of each week, so collecting them costs a few
array operations per week, and only when asked for (``ServiceCultureModel(..., panel=...)``).
"""

from __future__ import annotations

import numpy as np

from sim.org import Organization
from sim.state import BAND_VALUES, State

PANELS = ("team", "employee")

# Employee columns (Mesa agent reporters of the same names): what each means.
EMPLOYEE_COLUMNS: dict[str, str] = {
    "seat": "seat index (the Employee agent's unique_id is seat + 1)",
    "person_id": "id of the person in the seat (a new hire gets a new id)",
    "morale": "morale, 0-1",
    "mindset": "service mindset, 0-1",
    "skill": "skill, 0-1",
    "workload": "hours asked for internal service / hours available, this week",
    "level": "hierarchy level (0 = top)",
    "department": "department name",
    "team": "the manager's seat (-1 for the top seat)",
    "tenure": "weeks in the seat",
    "service_direction": "the service direction the person practises (-1 pyramid .. +1 inverted)",
    "quit": "quit voluntarily this week",
}

TEAM_COLUMNS: dict[str, str] = {
    "team": "the manager's seat",
    "level": "the manager's level",
    "department": "the manager's department",
    "size": "seats reporting to the manager",
    "headcount": "filled seats reporting to the manager",
    "manager_present": "the manager's seat is filled",
    "manager_morale": "the manager's morale",
    "morale": "mean morale of the members (NaN with no member)",
    "mindset": "mean service mindset of the members",
    "skill": "mean skill of the members",
    "workload": "mean workload of the members",
    "service_direction": "mean service direction the members practise (-1 pyramid .. +1 "
    "inverted; differs between teams only after a merger)",
    "quality_standard": "mean quality standard the members hold (0-1)",
    "quits": "voluntary quits of members this week",
    "customers": "active customers served by the members",
    "customer_satisfaction": "mean satisfaction of those customers (NaN with none)",
}


def employee_columns(state: State, org: Organization, quits: np.ndarray) -> dict[str, np.ndarray]:
    """This week's employee rows as columns.

    Args:
        state: The state at the end of the week.
        org: The organization.
        quits: Voluntary quits per seat this week.
    """
    seats = np.flatnonzero(state.filled | (quits > 0))
    names = np.asarray(org.dept_names, dtype=object)
    return {
        "seat": seats,
        "person_id": state.person_id[seats],
        "morale": state.morale[seats],
        "mindset": state.mindset[seats],
        "skill": state.skill[seats],
        "workload": state.workload[seats],
        "level": org.level[seats],
        "department": names[org.dept[seats]],
        "team": org.manager[seats],
        "tenure": state.tenure[seats],
        "service_direction": state.seat_direction[seats],
        "quit": quits[seats] > 0,
    }


def team_columns(state: State, org: Organization, quits: np.ndarray) -> dict[str, np.ndarray]:
    """This week's team rows as columns (one row per seat with direct reports)."""
    n = org.n_seats
    team, has = org.manager_safe, org.has_manager
    members = has & state.filled
    units = np.flatnonzero(org.is_manager)

    def per_team(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if weights is None else weights[mask]
        return np.bincount(team[mask], weights=w, minlength=n)[units]

    headcount = per_team(members)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = {
            col: per_team(members, getattr(state, name)) / headcount
            for col, name in (
                ("morale", "morale"),
                ("mindset", "mindset"),
                ("skill", "skill"),
                ("workload", "workload"),
                ("service_direction", "seat_direction"),
                ("quality_standard", "standard"),
            )
        }
        books = state.customers.sum(axis=1).astype(float)
        customers = per_team(has, books)
        satisfaction = per_team(has, (state.customers * BAND_VALUES).sum(axis=1)) / customers
    names = np.asarray(org.dept_names, dtype=object)
    return {
        "team": units,
        "level": org.level[units],
        "department": names[org.dept[units]],
        "size": per_team(has),
        "headcount": headcount,
        "manager_present": state.filled[units],
        "manager_morale": state.morale[units],
        **means,
        "quits": per_team(has, quits.astype(float)).astype(np.int64),
        "customers": customers.astype(np.int64),
        "customer_satisfaction": satisfaction,
    }
