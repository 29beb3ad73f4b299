"""Story mode: a preset's walkthrough as steps with captions, for presenting.

Every preset gets the same four-act story, filled in from its own data (description, "things to
notice", culture, horizon): the organization at week 0 -> a baseline under its culture -> the
culture changes -> a shock hits -> the two cultures side by side in compare mode. Each step says
what to do (actions on the session) and how far to play. Going back replays the earlier steps
from week 0 with the same seed, so every step always shows the same picture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.scenario import load_scenario, scenario_info

BASELINE_WEEKS = 26
CHANGE_WEEKS = 52
SHOCK_WEEKS = 26
SURGE = {"type": "demand_surge", "size": 0.4, "weeks": 8}


@dataclass(frozen=True)
class StoryStep:
    """One step of a story.

    Attributes:
        title: Short title ("Baseline").
        caption: What to say and what to look at (Markdown).
        actions: What the step does first, in order: ``("reset",)``, ``("culture", value)``,
            ``("fire", event)``, ``("compare", (spec, ...))``.
        until: The week the step plays to (0 = stay at week 0).
    """

    title: str
    caption: str
    actions: tuple[tuple[Any, ...], ...]
    until: int


def _culture_word(direction: float) -> str:
    if direction <= -0.5:
        return "the top-down pyramid"
    if direction >= 0.5:
        return "the inverted pyramid"
    return "the two-way street"


def story(preset: str, resolve: Callable[[str], str] = str) -> list[StoryStep]:
    """The story of a preset (see the module docstring).

    Args:
        preset: The preset's name (or a label of the session's own organizations).
        resolve: Name -> the scenario spec that loads it (``DashboardSession.resolve``).
    """
    info = scenario_info(resolve(preset))
    params = load_scenario(resolve(preset))
    culture = float(params.culture.service_direction)
    # The change goes to two-way, or, for a preset that is two-way already, to the pyramid.
    target = 0.0 if abs(culture) > 0.25 else -1.0
    t1 = BASELINE_WEEKS
    t2 = t1 + CHANGE_WEEKS
    t3 = min(t2 + SHOCK_WEEKS, params.weeks)
    notice = info["notice"] + [""] * 3
    other = f"{preset}@{'two_way' if target == 0.0 else 'pyramid'}"
    return [
        StoryStep(
            "The organization",
            f"**{info['description']}**\n\nEach dot is a person, coloured by morale and sized by "
            "workload; the arrows beside the pyramid are requests served up and down the "
            "hierarchy; the squares are the customers. The strip on top is the service-profit "
            "chain, from internal service to profit.",
            (("reset",),),
            0,
        ),
        StoryStep(
            "Baseline",
            f"Half a year under {_culture_word(culture)}. {notice[0]}",
            (),
            t1,
        ),
        StoryStep(
            "Change the culture",
            f"The culture moves to {_culture_word(target)} at week {t1 + 1}. "
            f"Watch the arrows' colours first, then morale, then customers. {notice[1]}",
            (("culture", target),),
            t2,
        ),
        StoryStep(
            "A shock",
            f"Customers suddenly buy 40% more for 8 weeks (the shaded band on the charts). "
            f"Which link gives way first? {notice[2]}",
            (("fire", SURGE),),
            t3,
        ),
        StoryStep(
            "Side by side",
            "The same organization under both cultures from week 0, with the same seed (common "
            "random numbers): the difference is the culture's effect. The headline reads it in "
            "profit, retention and customer satisfaction.",
            (("compare", (preset, other)),),
            t2,
        ),
    ]


def apply_actions(session, step: StoryStep) -> None:
    """Do a step's actions on a session (before it plays to ``step.until``)."""
    for action in step.actions:
        kind = action[0]
        if kind == "reset":
            session.stop_compare()
            session.set_preset(session.preset)  # the preset's own culture and horizon
        elif kind == "culture":
            session.set_param("culture.service_direction", float(action[1]))
        elif kind == "fire":
            session.fire(dict(action[1]))
        elif kind == "compare":
            session.start_compare(tuple(action[1]))
        else:  # pragma: no cover - the steps above are the only kinds
            raise ValueError(f"unknown story action {kind!r}")


def replay(session, steps: list[StoryStep], upto: int) -> None:
    """Put the session where step ``upto`` ends: every step from the first, played through."""
    for step in steps[: upto + 1]:
        apply_actions(session, step)
        if session.week < step.until:
            session.run_to(step.until)
