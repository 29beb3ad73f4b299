"""The run bar: week and horizon, Reset, Step, Play/Pause, speed, run to week N, and the
buttons for the guide, story mode and the presentation layout; under it, while new runs are
being prepared, the loading state (Play, Step and Run wait until they are ready)."""

from __future__ import annotations

import solara

from dashboards.components.context import Ui

HORIZON_STEP = 52  # "+1 year" extends the horizon by this many weeks


@solara.component
def RunBar(ui: Ui, week: int, horizon: int, playing: bool, settings: int) -> None:
    """The controls of time (see the module docstring); ``week``/``horizon`` are the frame's.

    Only the week counter changes with every frame; the controls are a component of their own
    whose arguments do not, so a frame never re-renders a field the user is typing in.
    """
    with solara.Div(classes=["sc-runbar"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"Week {week} <span class='sc-horizon'>/ {horizon}</span>",
            classes=["sc-week"],
        )
        TimeControls(ui, playing, settings, ui.speed.value, ui.present.value, ui.busy.value)


@solara.component
def LoadingState(ui: Ui, message: str) -> None:
    """What is being prepared, with a spinner, until the new runs are ready."""

    def drawn() -> None:
        if message:
            ui.busy_drawn.set()  # the slow work may start (Ui.act_in_background)

    solara.use_effect(drawn, [message])
    if not message:
        return
    with solara.Div(classes=["sc-loading"]):
        solara.HTML(tag="span", unsafe_innerHTML="", classes=["sc-spinner"])
        solara.Text(f"{message} Play waits until it is ready.", classes=["sc-loading-text"])


@solara.component
def TimeControls(
    ui: Ui, playing: bool, settings: int, speed: int, present: bool, busy: str = ""
) -> None:
    """Reset, Step, Play/Pause, speed, run to week N, +1 year, Guide, Story, Present."""
    s = ui.session
    target = solara.use_reactive(52)
    waiting = bool(busy)
    with solara.Div(classes=["sc-timecontrols"]):
        solara.Button(
            "Reset",
            on_click=lambda: ui.act_in_background("Starting again at week 0…", s.reset),
            classes=["sc-reset"],
            icon_name="mdi-restart",
            small=True,
            disabled=waiting,
        )
        solara.Button(
            "Step",
            on_click=ui.step,
            classes=["sc-step"],
            icon_name="mdi-skip-next",
            small=True,
            disabled=waiting,
        )
        solara.Button(
            "Pause" if playing else "Play",
            on_click=ui.toggle_play,
            color="primary",
            classes=["sc-play"],
            icon_name="mdi-pause" if playing else "mdi-play",
            small=True,
            disabled=waiting,
        )
        with solara.Tooltip("Play speed, weeks per second"):
            with solara.Div(classes=["sc-speed"]):
                solara.SliderInt(
                    "",
                    value=int(speed),
                    min=1,
                    max=60,
                    on_value=lambda v: (ui.speed.set(v), ui.runner.set_speed(float(v))),
                    thumb_label=False,
                )
        solara.Text(f"{int(speed)} weeks/s", classes=["sc-speed-value"])
        with solara.Div(classes=["sc-runto"]):
            # Continuous: the Run button uses what is typed, committed or not.
            solara.InputInt(
                "Run to week", value=target.value, on_value=target.set, continuous_update=True
            )
        solara.Button(
            "Run",
            on_click=lambda: ui.play(until=int(target.value or 0), fast=True),
            classes=["sc-runto-go"],
            small=True,
            disabled=waiting,
        )
        with solara.Tooltip(f"Move the horizon {HORIZON_STEP} weeks later (Play stops there)"):
            solara.Button(
                f"+{HORIZON_STEP} wk",
                on_click=lambda: ui.act(lambda: s.extend_horizon(HORIZON_STEP)),
                classes=["sc-extend"],
                small=True,
                text=True,
            )
        solara.Div(classes=["sc-spacer"])
        with solara.Tooltip("What am I looking at? Legends and shortcuts"):
            solara.Button(
                "Guide",
                on_click=lambda: ui.guide.set(not ui.guide.value),
                classes=["sc-guide-button"],
                small=True,
                text=True,
            )
        with solara.Tooltip("A guided walk through this organization, step by step"):
            solara.Button(
                "Story",
                on_click=lambda: ui.start_story(),
                classes=["sc-story-button"],
                small=True,
                text=True,
            )
        with solara.Tooltip("Presentation layout: large type, controls hidden (key P)"):
            solara.Button(
                "Present" if not present else "Controls",
                on_click=lambda: ui.present.set(not ui.present.value),
                classes=["sc-present-button"],
                small=True,
                text=True,
            )
