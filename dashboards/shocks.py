"""The shocks panel's catalogue: every timeline event of the schema, ready to fire.

The event types and their fields come from the schema (``sim.params.Event``): a type added to
the schema appears in the panel with its own fields and bounds. :data:`CURATED` only gives the
well-known ones a title and demo-sized defaults, and adds the competitor (a demand surge with a
negative size). A curated shock whose event type is not in the schema is left out: the budget cut
appears once the schema has a ``budget_cut`` event.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

from sim.params import Event, FieldSpec, iter_fields

# (key, title, event type, default fields, one line for the button's tooltip)
CURATED: tuple[tuple[str, str, str, dict[str, Any], str], ...] = (
    ("surge", "Demand surge", "demand_surge", {"size": 0.3, "weeks": 8}, "Customers buy more."),
    (
        "competitor",
        "Competitor enters",
        "demand_surge",
        {"size": -0.2, "weeks": 26},
        "Customers buy less: a demand drop.",
    ),
    ("freeze", "Hiring freeze", "hiring_freeze", {"weeks": 12}, "No vacancy is filled."),
    # The budget cut of issue 14: shown as soon as the schema has a `budget_cut` event; its
    # fields and bounds then come from the schema like every other shock's.
    ("budget", "Budget cut", "budget_cut", {}, "Less money for the same work."),
    (
        "leadership",
        "Leadership change",
        "leadership_change",
        {"service_direction": 0.0},
        "A new leadership sets a new culture.",
    ),
    (
        "key_person",
        "Key person leaves",
        "key_person_leaves",
        {"level": 1, "count": 1},
        "The longest-serving people at a level leave.",
    ),
    ("layoffs", "Layoffs", "layoffs", {"share": 0.1}, "A share of employees is cut."),
    # Restructuring (issue 28): the organization itself changes; the Organization tab has the
    # same moves with a partner and a department to choose.
    ("delayer", "Remove a layer", "delayer", {}, "One management level goes."),
    ("growth", "Growth", "growth", {"share": 0.2, "weeks": 26}, "New seats, hired from the pool."),
    ("downsize", "Downsize", "downsize", {"share": 0.1, "weeks": 4}, "Seats are cut."),
    ("respan", "Respan", "respan", {"span": 10}, "Spans of control to a target."),
    (
        "merger",
        "Merger",
        "merger",
        {"partner": "two_way"},
        "A second organization joins under the top, with its own culture.",
    ),
    (
        "centralize",
        "Shared services",
        "centralize",
        {"department": "support_functions"},
        "A support department moves into shared services (the presets' support_functions).",
    ),
)


@dataclass(frozen=True)
class ShockSpec:
    """One button of the shocks panel.

    Attributes:
        key: Identifier (CSS class ``sc-shock-<key>``).
        title: Button text.
        event_type: The schema's event type.
        defaults: Field values the button fires with (the schema's defaults where not curated).
        fields: The event's editable fields (without ``week``, which is the next week).
        help: Tooltip: the curated line and the event's docstring.
    """

    key: str
    title: str
    event_type: str
    defaults: dict[str, Any]
    fields: tuple[FieldSpec, ...]
    help: str

    def event(self, values: dict[str, Any] | None = None) -> dict[str, Any]:
        """The event to fire: type, defaults, and ``values`` over them."""
        return {"type": self.event_type, **self.defaults, **(values or {})}


def event_classes() -> dict[str, type]:
    """Event type -> pydantic class, read from the schema's ``Event`` union."""
    union = typing.get_args(Event)[0]
    return {cls.model_fields["type"].default: cls for cls in typing.get_args(union)}


def shock_specs() -> list[ShockSpec]:
    """The curated shocks the schema supports, then every other event type of the schema."""
    classes = event_classes()
    out: list[ShockSpec] = []
    covered: set[str] = set()
    for key, title, kind, defaults, line in CURATED:
        if kind in classes:
            out.append(_spec(key, title, classes[kind], defaults, line))
            covered.add(kind)
    for kind, cls in classes.items():
        if kind not in covered:
            out.append(_spec(kind, kind.replace("_", " ").capitalize(), cls, {}, ""))
    return out


def _spec(key: str, title: str, cls: type, defaults: dict[str, Any], line: str) -> ShockSpec:
    # Optional fields (unset = a rule of the event's own, e.g. a delayer's level) keep that rule
    # here: the panel edits numbers only.
    fields = tuple(
        f for f in iter_fields(cls) if f.path != "week" and not f.kind.startswith("optional")
    )
    values = {f.path: f.default for f in fields} | defaults
    doc = " ".join((cls.__doc__ or "").split())
    return ShockSpec(key, title, cls.model_fields["type"].default, values, fields, f"{line} {doc}")
