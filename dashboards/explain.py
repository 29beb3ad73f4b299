"""The explain panel's text: each mechanism in the model's own words and where it lives.

The week's phases come from the schedule itself (``sim.phases.PHASES``): each phase's title and
one-line summary, and the docstring of the module that carries its rules (which names the rules
and their sources). Then the levers (``sim.interventions`` and each lever's docstring) and the
timeline events (``sim.events``). Nothing is restated here, so the panel cannot drift from the
code, and a phase added to the schedule appears on its own.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass


@dataclass(frozen=True)
class Mechanism:
    """One entry of the explain panel.

    Attributes:
        title: What the mechanism is (a phase's title, or the docstring's first line).
        summary: One sentence (a phase's summary; empty for the others).
        body: The rules and their sources, as Markdown.
        source: The module it comes from, e.g. ``sim.phases.service``.
    """

    title: str
    summary: str
    body: str
    source: str


def _doc(module: str) -> tuple[str, str]:
    text = inspect.cleandoc(importlib.import_module(module).__doc__ or "")
    title, _, body = text.partition("\n")
    return title.strip().rstrip("."), body.strip()


def mechanisms() -> list[Mechanism]:
    """The phases of a week in order, then the levers, then the timeline events."""
    from sim.params import LEVERS, InterventionParams
    from sim.phases import PHASES

    out: list[Mechanism] = []
    for i, phase in enumerate(PHASES, start=1):
        first, body = _doc(phase.module)
        rules = f"*{first}.*\n\n{body}" if body else f"*{first}.*"
        out.append(Mechanism(f"{i}. {phase.title}", phase.summary, rules, phase.module))
    title, body = _doc("sim.interventions")
    lever_lines = [
        f"- **{lever.replace('_', ' ')}**: "
        + inspect.cleandoc(InterventionParams.model_fields[lever].annotation.__doc__ or "")
        for lever in LEVERS
    ]
    out.append(Mechanism(title, "", body + "\n\n" + "\n".join(lever_lines), "sim.interventions"))
    title, body = _doc("sim.events")
    out.append(Mechanism(title, "", body, "sim.events"))
    return out
