"""Timeline events: shocks a scenario schedules by week (``events = [...]`` in a scenario)."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

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


Event = Annotated[
    Union[  # noqa: UP007
        DemandSurge, HiringFreeze, BudgetCut, LeadershipChange, KeyPersonLeaves, Layoffs
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
)
