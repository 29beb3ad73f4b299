"""The sidebar: preset and culture, your own organization, shocks, interventions, main
parameters, about the preset.

Every control is generated from the parameter schema through :mod:`dashboards.controls_spec`
(labels in words, ranges from the bounds, help text from the description). As in NetLogo and
Mesa's SolaraViz, every slider shows its label, value and unit at all times, on a line of their
own above the slider (no bubble that appears only while dragging and covers the label above).
Settings that build new runs (the organization, the seed, the size) are built in the
background while the page shows that they are on their way (``Ui.act_in_background``); the
controls do not re-render for that: the page's ``sc-waiting`` class makes them wait (CSS), so the
loading state appears at once.
Elements carry ``sc-*`` classes that the browser tests select on.
"""

from __future__ import annotations

import math

import solara

from dashboards.components.context import Ui
from dashboards.components.prose import Prose
from dashboards.components.shocks import ShocksPanel
from dashboards.components.upload import UploadPanel
from dashboards.controls_spec import CULTURE_PATH, ControlSpec, lever_controls, main_controls
from dashboards.figures.pyramid import culture_name
from dashboards.names import run_title
from dashboards.session import HEADCOUNT_PATH

CULTURE_STEP = 0.05
# Vuetify puts one tick label on every step of the slider: label the two ends and the middle.
CULTURE_TICKS = [""] * (round(2.0 / CULTURE_STEP) + 1)
CULTURE_TICKS[0], CULTURE_TICKS[len(CULTURE_TICKS) // 2], CULTURE_TICKS[-1] = (
    "pyramid",
    "two-way",
    "inverted",
)


@solara.component
def Sidebar(ui: Ui, settings: int) -> None:
    """Everything a user sets, top to bottom in the order a demo reaches for it."""
    s = ui.session
    with solara.Div(classes=["sc-sidebar"]):
        solara.HTML(tag="div", unsafe_innerHTML="servicechain", classes=["sc-brand"])
        if s.compare:
            CompareSummary(ui, settings)
        else:
            ScenarioControls(ui, settings)
            UploadPanel(ui, settings)
        ShocksPanel(ui, settings)
        ParameterControls(ui, settings)
        AboutPreset(ui, settings)


@solara.component
def CompareSummary(ui: Ui, settings: int) -> None:
    """Compare mode: what is compared (the scenarios and their cultures) instead of one preset."""
    s = ui.session
    with solara.Div(classes=["sc-compare-summary"]):
        solara.HTML(tag="div", unsafe_innerHTML="<b>Comparing</b>", classes=["sc-heading"])
        for spec, runs in zip(s.compare, s.compare_models, strict=True):
            direction = float(runs[0].state.service_direction)
            solara.Text(
                f"{run_title(spec, direction, s.own.labels)} ({direction:+.1f})",
                classes=["sc-compare-item"],
            )
        reps = f"{s.reps} replications, seeds from {s.seed}" if s.reps > 1 else f"seed {s.seed}"
        solara.Text(
            f"Same {reps}; the levers below apply to every run.",
            classes=["sc-note"],
        )


@solara.component
def ScenarioControls(ui: Ui, settings: int) -> None:
    """Preset picker with its one-line description, the culture slider and the seed."""
    s = ui.session
    names = s.scenario_names  # read on every render: presets added later show up
    titles = {name: s.title(name) for name in names}
    by_title = {t: name for name, t in titles.items()}
    shown = ui.busy_target if ui.busy_target in titles else s.preset
    info = s.info()

    def open_preset(title: str) -> None:
        name = by_title.get(title, title)
        if name == s.preset:
            return
        ui.act_in_background(
            f"Opening {titles.get(name, name)}: building it and warming it up…",
            lambda: s.set_preset(name),
            target=name,
        )

    with solara.Div(classes=["sc-preset"]):
        solara.Select(
            "Organization (preset)",
            values=list(titles.values()),
            value=titles.get(shown, shown),
            on_value=open_preset,
        )
    solara.Text(info["description"], classes=["sc-description"])
    culture = float(s.value(CULTURE_PATH))

    def set_culture(v: float) -> None:
        if round(float(v), 2) != round(culture, 2):  # not the slider echoing its value
            ui.act(lambda: s.set_param(CULTURE_PATH, round(float(v), 2)), settings=True)

    with solara.Div(classes=["sc-culture"]):
        solara.Text(
            f"Culture: {culture_name(culture)} ({culture:+.2f})", classes=["sc-culture-value"]
        )
        solara.SliderFloat(
            "",
            value=culture,
            min=-1.0,
            max=1.0,
            step=CULTURE_STEP,
            tick_labels=CULTURE_TICKS,
            thumb_label=False,
            on_value=set_culture,
        )


def _round_to_step(value: float, spec: ControlSpec) -> float:
    """The slider position nearest to ``value``: the slider's grid is low + k x step."""
    if not spec.step:
        return value
    low = float(spec.low or 0.0)
    digits = max(0, -int(f"{spec.step:e}".split("e")[1]))
    k = math.floor((value - low) / spec.step + 0.5)  # as the browser rounds (Math.round)
    return round(low + k * spec.step, digits + 2)


@solara.component
def ParameterControl(ui: Ui, spec: ControlSpec, settings: int) -> None:
    """One schema field as a slider, number box or switch, with its help text as a tooltip.

    The label and the value with its unit sit on one line above the control, always visible.
    """
    s = ui.session
    value = s.value(spec.path)
    cls = ["sc-param", "sc-param-" + spec.path.replace(".", "-").replace("_", "-")]

    def on_value(v) -> None:
        if v is None:
            return
        if spec.widget == "slider" and not isinstance(v, int):
            v = _round_to_step(float(v), spec)
            if v == _round_to_step(float(s.value(spec.path)), spec):
                # The slider shown snaps a value off its grid (a fitted 0.3488 to 0.35) and
                # echoes it: that is no change, and must not become one.
                return
        if v == s.value(spec.path):
            return
        if spec.structural:
            ui.act_in_background(
                f"Building a new run with {spec.label.lower()} = {spec.value_text(v)}…",
                lambda: s.set_param(spec.path, v),
            )
        else:
            ui.act(lambda: s.set_param(spec.path, v), settings=True)

    help_text = spec.help
    if spec.path == HEADCOUNT_PATH:
        help_text += f" This dashboard allows up to {s.max_headcount:,}."
    with solara.Tooltip(help_text):
        with solara.Div(classes=cls):
            if spec.widget != "number":
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=(
                        f"<span class='sc-param-label'>{spec.label}</span>"
                        f"<span class='sc-param-value'>{spec.value_text(value)}</span>"
                    ),
                    classes=["sc-param-head"],
                )
            if spec.widget == "switch":
                solara.Switch(label="", value=bool(value), on_value=on_value)
            elif spec.widget == "number":
                label = spec.label + (" (a new run)" if spec.structural else "")
                solara.InputInt(label, value=int(value), on_value=on_value)
            elif spec.step == 1.0:
                solara.SliderInt(
                    "",
                    value=int(value),
                    min=int(spec.low),
                    max=int(spec.high),
                    on_value=on_value,
                    thumb_label=False,
                )
            else:
                solara.SliderFloat(
                    "",
                    value=float(value),
                    min=float(spec.low),
                    max=float(spec.high),
                    step=float(spec.step),
                    on_value=on_value,
                    thumb_label=False,
                )


@solara.component
def ParameterControls(ui: Ui, settings: int) -> None:
    """The intervention levers' dose dials and the curated main parameters."""
    levers = solara.use_memo(lever_controls, [])
    mains = solara.use_memo(main_controls, [])
    solara.HTML(
        tag="div",
        unsafe_innerHTML="<b>Interventions</b> <span class='sc-note'>from next week</span>",
        classes=["sc-heading"],
    )
    with solara.Div(classes=["sc-levers"]):
        for spec in levers:
            ParameterControl(ui, spec, settings)
    with solara.Details("Main parameters and seed", expand=False):
        for spec in mains:
            ParameterControl(ui, spec, settings)
        with solara.Div(classes=["sc-seed"]):
            solara.InputInt(
                "Seed (a new run)",
                value=ui.session.seed,
                on_value=lambda v: ui.act_in_background(
                    f"Building a new run with seed {v}…", lambda: ui.session.set_seed(int(v))
                ),
            )


@solara.component
def AboutPreset(ui: Ui, settings: int) -> None:
    """The preset's narrative and its "things to notice / things to try" (from its TOML)."""
    info = ui.session.info()
    with solara.Details("About this organization: notice, try", expand=False):
        with solara.Div(classes=["sc-about"]):
            Prose(info["narrative"])
            if info.get("notice"):
                Prose("**Things to notice**\n\n" + "\n".join(f"- {n}" for n in info["notice"]))
            if info.get("try"):
                Prose("**Things to try**\n\n" + "\n".join(f"- {t}" for t in info["try"]))
