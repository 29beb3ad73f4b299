"""Controls: run bar (Reset, Step, Play/Pause, speed, run to week N), scenario and parameters.

Every control is generated from the parameter schema through :mod:`dashboards.controls_spec`
(labels from the path, ranges from the bounds, help text from the description). Elements carry
``sc-*`` classes that the browser tests select on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import solara

from dashboards.controls_spec import CULTURE_PATH, ControlSpec, lever_controls, main_controls
from dashboards.session import DashboardSession
from sim.params import ParameterError
from sim.scenario import preset_names, scenario_info

CULTURE_STEP = 0.05
# Vuetify puts one tick label on every step of the slider: label the two ends and the middle.
CULTURE_TICKS = [""] * (round(2.0 / CULTURE_STEP) + 1)
CULTURE_TICKS[0], CULTURE_TICKS[len(CULTURE_TICKS) // 2], CULTURE_TICKS[-1] = (
    "pyramid",
    "two-way",
    "inverted",
)


@dataclass(eq=False)
class Ctx:
    """What every component needs: the session, a redraw trigger and an error sink.

    Two contexts are equal when they hold the same session at the same version, so a component
    whose arguments are equal is not re-rendered (Solara compares arguments): the controls get a
    version that changes only with the settings, the views one that changes with every step.

    Attributes:
        session: This browser session's runs.
        version: Redraw key (the views': changes after every step or setting change).
        bump: Call after changing the session to redraw.
        fail: Call with a message to show an error banner (bad input never raises in the UI).
    """

    session: DashboardSession
    version: object
    bump: Callable[[], None]
    fail: Callable[[str], None]

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Ctx)
            and other.session is self.session
            and other.version == self.version
        )

    __hash__ = None  # type: ignore[assignment]

    def guard(self, action: Callable[[], object]) -> None:
        """Run a UI action: ParameterError -> error banner; then redraw."""
        try:
            action()
            self.fail("")
        except ParameterError as err:
            self.fail(str(err))
        self.bump()


@solara.component
def RunBar(ctx: Ctx, playing: solara.Reactive[bool], speed: solara.Reactive[float]) -> None:
    """Reset, Step, Play/Pause with a speed slider (weeks/second), run to week N, week counter."""
    s = ctx.session
    target = solara.use_reactive(52)
    with solara.Row(classes=["sc-runbar"], style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Text(
            f"Week {s.week}",
            classes=["sc-week"],
            style={"font-size": "1.4em", "font-weight": "bold", "min-width": "6em"},
        )
        solara.Button(
            "Reset",
            on_click=lambda: (playing.set(False), ctx.guard(s.reset)),
            classes=["sc-reset"],
            icon_name="mdi-restart",
        )
        solara.Button(
            "Step",
            on_click=lambda: ctx.guard(lambda: s.step(1)),
            disabled=playing.value,
            classes=["sc-step"],
            icon_name="mdi-skip-next",
        )
        solara.Button(
            "Pause" if playing.value else "Play",
            on_click=lambda: playing.set(not playing.value),
            color="primary",
            classes=["sc-play"],
            icon_name="mdi-pause" if playing.value else "mdi-play",
        )
        with solara.Div(classes=["sc-speed"], style={"width": "220px"}):
            solara.SliderInt(
                "Speed (weeks/s)", value=int(speed.value), min=1, max=60, on_value=speed.set
            )
        with solara.Div(classes=["sc-runto"], style={"width": "120px"}):
            solara.InputInt("Run to week", value=target.value, on_value=target.set)
        solara.Button(
            "Run",
            on_click=lambda: ctx.guard(lambda: s.run_to(target.value)),
            disabled=playing.value,
            classes=["sc-runto-go"],
        )


@solara.component
def ScenarioControls(ctx: Ctx, playing: solara.Reactive[bool]) -> None:
    """Preset picker with its narrative, the culture slider and the seed."""
    s = ctx.session
    names = preset_names()  # read on every render: presets added later show up
    info = scenario_info(s.preset)
    with solara.Div(classes=["sc-preset"]):
        solara.Select(
            "Preset organization",
            values=names,
            value=s.preset,
            on_value=lambda name: ctx.guard(lambda: s.set_preset(name)),
        )
    solara.Markdown(f"**{info['description']}**\n\n{info['narrative'].strip()}")
    culture = float(s.value(CULTURE_PATH))
    solara.Text("Culture: pyramid (-1) · two-way (0) · inverted (+1)")
    with solara.Div(classes=["sc-culture"], style={"padding-bottom": "12px"}):
        solara.SliderFloat(
            "",
            value=culture,
            min=-1.0,
            max=1.0,
            step=CULTURE_STEP,
            tick_labels=CULTURE_TICKS,
            on_value=lambda v: ctx.guard(lambda: s.set_param(CULTURE_PATH, round(float(v), 2))),
        )
    solara.Text(f"culture in force: {culture:+.2f}", classes=["sc-culture-value"])
    with solara.Div(classes=["sc-seed"], style={"width": "160px"}):
        solara.InputInt(
            "Seed", value=s.seed, on_value=lambda v: ctx.guard(lambda: s.set_seed(int(v)))
        )


def _round_to_step(value: float, spec: ControlSpec) -> float:
    if not spec.step:
        return value
    digits = max(0, -int(f"{spec.step:e}".split("e")[1]))
    return round(round(value / spec.step) * spec.step, digits)


@solara.component
def ParameterControl(ctx: Ctx, spec: ControlSpec) -> None:
    """One schema field as a slider, number box or switch, with its help text as a tooltip."""
    s = ctx.session
    value = s.value(spec.path)
    cls = ["sc-param", "sc-param-" + spec.path.replace(".", "-").replace("_", "-")]

    def on_value(v) -> None:
        if spec.widget == "slider" and "int" not in str(type(v)):
            v = _round_to_step(float(v), spec)
        ctx.guard(lambda: s.set_param(spec.path, v))

    suffix = " (new run)" if spec.structural else ""
    with solara.Tooltip(spec.help):
        with solara.Div(classes=cls):
            if spec.widget == "switch":
                solara.Switch(label=spec.label, value=bool(value), on_value=on_value)
            elif spec.widget == "number":
                solara.InputInt(spec.label + suffix, value=int(value), on_value=on_value)
            elif spec.step == 1.0:
                solara.SliderInt(
                    spec.label + suffix,
                    value=int(value),
                    min=int(spec.low),
                    max=int(spec.high),
                    on_value=on_value,
                )
            else:
                solara.SliderFloat(
                    spec.label + suffix,
                    value=float(value),
                    min=float(spec.low),
                    max=float(spec.high),
                    step=float(spec.step),
                    on_value=on_value,
                )


@solara.component
def ParameterControls(ctx: Ctx) -> None:
    """The intervention levers' switches and the curated main parameters."""
    levers = solara.use_memo(lever_controls, [])
    mains = solara.use_memo(main_controls, [])
    solara.Markdown("**Interventions** (apply from the next week)")
    with solara.Div(classes=["sc-levers"]):
        for spec in levers:
            ParameterControl(ctx, spec)
    with solara.Details("Main parameters", expand=False):
        for spec in mains:
            ParameterControl(ctx, spec)
