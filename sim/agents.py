"""Employee agents: thin Mesa views over one seat's row of the state arrays.

An :class:`Employee` is the occupant of one seat. Reading ``employee.morale`` reads the array;
writing it writes the array, so students and the dashboard can inspect and nudge one person while
the model stays columnar. When the occupant quits, the seat is vacant (``employee.vacant``) until
the next hire, who gets a new ``person_id`` in the same seat.
"""

from __future__ import annotations

from typing import Protocol

import mesa
import numpy as np

from sim.org import Organization
from sim.state import State


class SeatModel(Protocol):
    """What an :class:`Employee` view reads of its model (``ServiceCultureModel`` has it): the
    state arrays and the organization. Declared here so that the views need not import the
    model that creates them."""

    state: State
    org: Organization

    def employee(self, seat: int) -> Employee: ...


def _array_property(name: str, doc: str, cast=float):
    def getter(self: Employee):
        return cast(getattr(self.model.state, name)[self.seat])

    def setter(self: Employee, value) -> None:
        if cast is float and not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {value}")
        getattr(self.model.state, name)[self.seat] = value

    return property(getter, setter if cast is float else None, doc=doc)


class Employee(mesa.Agent):
    """Employee(model, seat): the person in one seat of the organization.

    Args:
        model: The :class:`~sim.model.ServiceCultureModel` (any Mesa model with ``state`` and
            ``org``, see :class:`SeatModel`).
        seat: Row index of the seat in the state arrays.
    """

    model: SeatModel  # type: ignore[assignment]

    def __init__(self, model: mesa.Model, seat: int) -> None:
        super().__init__(model)
        self.seat = int(seat)

    morale = _array_property("morale", "Morale, 0-1.")
    mindset = _array_property("mindset", "Service mindset, 0-1.")
    skill = _array_property("skill", "Skill, 0-1.")
    tenure = _array_property("tenure", "Weeks the person has worked here.", int)
    role_tenure = _array_property("role_tenure", "Weeks the person has held this seat.", int)
    promotions = _array_property("promotions", "Times the person has been promoted here.", int)
    person_id = _array_property("person_id", "Id of the person now in the seat.", int)

    @property
    def vacant(self) -> bool:
        """True while the seat has no occupant."""
        return not bool(self.model.state.filled[self.seat])

    @property
    def level(self) -> int:
        """Hierarchy level (0 = top)."""
        return int(self.model.org.level[self.seat])

    @property
    def department(self) -> str:
        return self.model.org.dept_names[int(self.model.org.dept[self.seat])]

    @property
    def manager(self) -> Employee | None:
        """The employee view of this seat's manager (None for the top seat)."""
        m = int(self.model.org.manager[self.seat])
        return self.model.employee(m) if m >= 0 else None

    @property
    def frontline(self) -> bool:
        return bool(self.model.org.frontline[self.seat])

    @property
    def workload(self) -> float:
        """Hours asked of this seat for internal service / hours it had (last week)."""
        return float(self.model.state.workload[self.seat])

    @property
    def backlog_hours(self) -> float:
        return float(self.model.state.backlog_hours[self.seat])

    @property
    def customers(self) -> int:
        """Active customers whose usual frontline employee sits here (0 off the frontline)."""
        return int(self.model.state.customers[self.seat].sum())

    @property
    def customer_satisfaction(self) -> float | None:
        """Mean satisfaction of this seat's customers (None without customers)."""
        value = float(self.model.state.satisfaction_of(np.array([self.seat]))[0])
        return None if value != value else value

    @property
    def levels_held(self) -> list[int]:
        """The levels the person has held here, from the one they were hired at up to this one
        (0 = top): one level per promotion."""
        s = self.model.state
        return list(range(int(s.hire_level[self.seat]), self.level - 1, -1))

    def as_dict(self) -> dict:
        """A snapshot of this employee's state (for tables and the dashboard)."""
        s = self.model.state
        i = self.seat
        return {
            "seat": i,
            "person_id": int(s.person_id[i]),
            "vacant": self.vacant,
            "level": self.level,
            "department": self.department,
            "frontline": self.frontline,
            "manager_seat": int(self.model.org.manager[i]),
            "morale": float(s.morale[i]),
            "mindset": float(s.mindset[i]),
            "skill": float(s.skill[i]),
            "tenure_weeks": int(s.tenure[i]),
            "weeks_in_role": int(s.role_tenure[i]),
            "promotions": int(s.promotions[i]),
            "levels_held": self.levels_held,
            "service_received": float(s.received[i]),
            "service_given": float(s.given[i]),
            "expectation": float(s.expectation[i]),
            "quality_standard": float(s.standard[i]),
            "pressure": float(s.pressure[i]),
            "workload": float(s.workload[i]),
            "backlog_hours": float(s.backlog_hours[i]),
            "customers": self.customers,
            "customer_satisfaction": self.customer_satisfaction,
        }

    def __repr__(self) -> str:
        state = "vacant" if self.vacant else f"morale={self.morale:.2f}"
        return f"Employee(seat={self.seat}, level={self.level}, {self.department}, {state})"
