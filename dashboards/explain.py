"""The "explain" panel's text: each mechanism in plain words and where it comes from.

The words are the model's own: the docstrings of the phase modules (each names its rule and
source), of ``sim.interventions`` and each lever, and of ``sim.events``. Nothing is restated
here, so the panel cannot drift from the code.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass

# The phases in the order of one week (DESIGN.md §3), then levers and events.
PHASE_MODULES: tuple[str, ...] = (
    "sim.phases.demand",
    "sim.phases.requests",
    "sim.phases.service",
    "sim.phases.encounters",
    "sim.phases.people",
    "sim.phases.workforce",
    "sim.phases.customers",
    "sim.kpis",
)


@dataclass(frozen=True)
class Mechanism:
    """One entry of the explain panel.

    Attributes:
        title: First line of the docstring (what the mechanism is).
        body: The rest of the docstring (the rules and their sources), as Markdown.
        source: The module (or class) it comes from, e.g. ``sim.phases.service``.
    """

    title: str
    body: str
    source: str


def _split(doc: str | None, source: str) -> Mechanism | None:
    text = inspect.cleandoc(doc or "")
    if not text:
        return None
    title, _, body = text.partition("\n")
    return Mechanism(title.strip().rstrip("."), body.strip(), source)


def mechanisms() -> list[Mechanism]:
    """Every mechanism: the eight phases, the interventions (and each lever), the events."""
    out: list[Mechanism] = []
    for name in PHASE_MODULES:
        m = _split(importlib.import_module(name).__doc__, name)
        if m is not None:
            out.append(m)
    from sim import interventions
    from sim.params import LEVERS, InterventionParams

    lever_lines = []
    for lever in LEVERS:
        cls = InterventionParams.model_fields[lever].annotation
        doc = inspect.cleandoc(cls.__doc__ or "")
        lever_lines.append(f"- **{lever.replace('_', ' ')}**: {doc}")
    m = _split(interventions.__doc__, "sim.interventions")
    if m is not None:
        body = m.body + "\n\n" + "\n".join(lever_lines)
        out.append(Mechanism(m.title, body, m.source))
    from sim import events

    m = _split(events.__doc__, "sim.events")
    if m is not None:
        out.append(m)
    return out
