"""Story mode's bar: the step's caption, Back and Next (keys ← and →), and Leave."""

from __future__ import annotations

import solara

from dashboards.components.context import Ui
from dashboards.components.prose import Prose
from dashboards.story import StoryStep


@solara.component
def StoryBar(ui: Ui, steps: list[StoryStep], index: int) -> None:
    """The current step of the story (``index``) with its caption."""
    step = steps[index]
    with solara.Div(classes=["sc-story"]):
        with solara.Div(classes=["sc-story-head"]):
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"<b>Story {index + 1}/{len(steps)}: {step.title}</b>",
                classes=["sc-story-title"],
            )
            solara.Button(
                "Back",
                icon_name="mdi-chevron-left",
                on_click=lambda: ui.story_go(index - 1),
                disabled=index == 0,
                classes=["sc-story-back"],
                small=True,
            )
            solara.Button(
                "Next",
                icon_name="mdi-chevron-right",
                on_click=lambda: ui.story_go(index + 1),
                disabled=index >= len(steps) - 1,
                color="primary",
                classes=["sc-story-next"],
                small=True,
            )
            solara.Button(
                "Leave story",
                on_click=ui.leave_story,
                classes=["sc-story-leave"],
                small=True,
                text=True,
            )
        Prose(step.caption, classes=["sc-story-caption"])
