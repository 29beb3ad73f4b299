"""Timeline events: shocks a scenario schedules by week (``events = [...]`` in a scenario)."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, field_validator, model_validator

from sim.params.base import _f, _Section


class _Event(_Section):
    week: int = _f(1, 1, 10_000, "week", "Week the event starts.")


class _LastingEvent(_Event):
    """An event that lasts ``weeks`` weeks from ``week`` (each subclass declares ``weeks`` with
    its own default and help text, which is why the base declares no field)."""

    def active(self, week: int) -> bool:
        """True in the weeks the event is on (``week`` 1-based; <= 0 is the warm-up)."""
        return self.week <= week < self.week + self.weeks

    def spans(self, horizon: int) -> list[tuple[int, int]]:
        """The (first, last) weeks the event is on within weeks 1-``horizon``."""
        return [(self.week, self.week + self.weeks - 1)]


class DemandSurge(_LastingEvent):
    """Customer occasions change by ``size`` (fraction) for ``weeks`` weeks; a negative size is a
    competitor taking demand. With ``every`` > 0 the surge is seasonal: it comes back every
    ``every`` weeks, before ``week`` too (the season was always there, so the warm-up has it and
    a run starts at the organization's seasonal steady state)."""

    type: Literal["demand_surge"] = "demand_surge"
    size: float = _f(0.3, -1.0, 5.0, "fraction", "Change in customer occasions (0.3 = +30%).")
    weeks: int = _f(8, 1, 520, "weeks", "Duration.")
    every: int = _f(
        0,
        0,
        520,
        "weeks",
        "Repeat period of a seasonal surge (52 = every year); 0 = once.",
    )

    @model_validator(mode="after")
    def _check_period(self) -> DemandSurge:
        if self.every and self.every <= self.weeks:
            raise ValueError(
                f"'every' ({self.every}) must be longer than 'weeks' ({self.weeks}) for a "
                "seasonal surge, or 0 for a one-off one"
            )
        return self

    def active(self, week: int) -> bool:
        """True in the weeks the surge is on (``week`` 1-based; <= 0 is the warm-up)."""
        if self.every:
            return (week - self.week) % self.every < self.weeks
        return super().active(week)

    def spans(self, horizon: int) -> list[tuple[int, int]]:
        """The (first, last) weeks the surge is on within weeks 1-``horizon``."""
        if not self.every:
            return super().spans(horizon)
        # The earliest season still on in week 1 starts at or after week 2 - weeks.
        first = self.week - ((self.week - (2 - self.weeks)) // self.every) * self.every
        return [
            (max(start, 1), start + self.weeks - 1)
            for start in range(first, horizon + 1, self.every)
        ]


class HiringFreeze(_LastingEvent):
    """No vacancy is filled for ``weeks`` weeks."""

    type: Literal["hiring_freeze"] = "hiring_freeze"
    weeks: int = _f(12, 1, 520, "weeks", "Duration.")


class BudgetCut(_LastingEvent):
    """Management cuts the budget by ``share`` for ``weeks`` weeks: read as a revenue shortfall
    against plan (insecurity, slower hiring, layoffs past the threshold)."""

    type: Literal["budget_cut"] = "budget_cut"
    share: float = _f(0.1, 0.0, 0.9, "fraction", "Cut as a share of the revenue plan.")
    weeks: int = _f(26, 1, 520, "weeks", "Duration.")


class LeadershipChange(_Event):
    """A new leadership sets a new culture from ``week`` on."""

    type: Literal["leadership_change"] = "leadership_change"
    service_direction: float = _f(0.0, -1.0, 1.0, "index", "The new culture's direction.")


class KeyPersonLeaves(_Event):
    """The longest-serving employee(s) at a level leave."""

    type: Literal["key_person_leaves"] = "key_person_leaves"
    level: int = _f(1, 0, 11, "level", "Level of the person who leaves (0 = top).")
    count: int = _f(1, 1, 10_000, "people", "How many people at that level leave.")


class Layoffs(_Event):
    """A share of filled seats is cut (the seats stay vacant until hiring refills them)."""

    type: Literal["layoffs"] = "layoffs"
    share: float = _f(0.1, 0.0, 0.9, "fraction", "Share of employees laid off.")


# ----------------------------------------------------------------------------- restructuring
# Events that change the seat tree itself. They act between weeks: the model applies them before
# the week's phases (sim.restructure), so every phase of that week sees the new organization.


class StructuralEvent(_Event):
    """An event that changes the organization's seat tree (see :mod:`sim.restructure`)."""


class Delayer(StructuralEvent):
    """Remove one management level: its reports move to the next manager up. The people of the
    removed level leave (laid off) or move (each becomes an individual contributor in the team
    above), as ``people`` says."""

    type: Literal["delayer"] = "delayer"
    level: int | None = _f(
        None,
        1,
        11,
        "level",
        "Management level to remove (0 = top; never the top or the bottom); unset = the middle "
        "level with the narrowest spans.",
    )
    people: Literal["leave", "move"] = Field(
        "leave", description="What happens to the removed level's people: leave or move."
    )


class Respan(StructuralEvent):
    """Widen or narrow spans of control to a target: teams are merged (surplus managers leave or
    become individual contributors, as ``people`` says) or split (new manager seats, hired from
    the pool), level by level from the bottom up, within each department."""

    type: Literal["respan"] = "respan"
    span: float = _f(8.0, 2.0, 50.0, "reports", "Target span of control (direct reports).")
    people: Literal["leave", "move"] = Field(
        "leave", description="What happens to surplus managers' people: leave or move."
    )


class Growth(StructuralEvent, _LastingEvent):
    """Add ``share`` of the headcount as new seats over ``weeks`` weeks, hired from the pool: new
    seats join existing teams up to the target span, then new teams (with a new manager seat)."""

    type: Literal["growth"] = "growth"
    share: float = _f(0.1, 0.0, 5.0, "fraction", "Seats added, as a share of the seats at start.")
    weeks: int = _f(26, 1, 520, "weeks", "Weeks over which the seats are added.")
    span: float | None = _f(
        None,
        2.0,
        50.0,
        "reports",
        "Largest team before a new one opens; unset = the organization's median span.",
    )


class Downsize(StructuralEvent, _LastingEvent):
    """Remove ``share`` of the seats over ``weeks`` weeks (the reverse of growth): vacant seats
    first, then filled ones below the top at random, in every department alike; the people in
    them are laid off."""

    type: Literal["downsize"] = "downsize"
    share: float = _f(0.1, 0.0, 0.9, "fraction", "Seats removed, as a share of the seats at start.")
    weeks: int = _f(4, 1, 520, "weeks", "Weeks over which the seats are removed.")


class Centralize(StructuralEvent):
    """Move a support department into a shared-service department serving the others through the
    dependency matrix: one unit under a head who reports to the top, its people in teams at the
    target span."""

    type: Literal["centralize"] = "centralize"
    department: str = Field(description="The support department to centralize.", min_length=1)
    into: str = Field(
        "shared_services",
        description="The shared-service department (created by the first centralize).",
        min_length=1,
    )
    span: float | None = _f(
        None,
        2.0,
        50.0,
        "reports",
        "Team size in the shared-service unit; unset = the organization's median span.",
    )


class Merger(StructuralEvent):
    """Join a second organization (a preset, a scenario file or an org chart) under the top of
    this one; each part starts with its own culture and people, and converges through the
    model's own mechanisms (hiring, reciprocity, the manager's example)."""

    type: Literal["merger"] = "merger"
    partner: str = Field(
        description="The organization joining: a preset name, a scenario .toml or a chart .csv.",
        min_length=1,
    )
    service_direction: float | None = _f(
        None,
        -1.0,
        1.0,
        "index",
        "The partner's culture when it joins; unset = the partner scenario's own.",
    )

    @field_validator("partner")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


Event = Annotated[
    Union[  # noqa: UP007
        DemandSurge,
        HiringFreeze,
        BudgetCut,
        LeadershipChange,
        KeyPersonLeaves,
        Layoffs,
        Delayer,
        Respan,
        Growth,
        Downsize,
        Centralize,
        Merger,
    ],
    Field(discriminator="type"),
]
EVENT_TYPES = (
    "demand_surge",
    "hiring_freeze",
    "budget_cut",
    "leadership_change",
    "key_person_leaves",
    "layoffs",
    "delayer",
    "respan",
    "growth",
    "downsize",
    "centralize",
    "merger",
)
