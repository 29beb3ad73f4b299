"""Compare mode: scenarios in lockstep with common random numbers; the difference first."""

from __future__ import annotations

import solara

from dashboards.components.chain import ChainStrip
from dashboards.components.context import Ui
from dashboards.components.plot import FigureBox, Plot
from dashboards.components.pyramid import PyramidView
from dashboards.figures.differences import diff_figure, headline
from dashboards.limits import MAX_REPLICATIONS
from dashboards.snapshot import Snapshot
from sim.kpis import KPIS
from sim.scenario import CULTURE_PRESETS, preset_names

DEFAULT = ("pyramid", "two_way")
REPLICATION_CHOICES = [r for r in (1, 3, 5, 10) if r <= MAX_REPLICATIONS]


def spec_choices(preset: str, own: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Scenario specs offered: every preset and opened organization, and the live preset
    under each culture."""
    return [*preset_names(), *own] + [f"{preset}@{c}" for c in CULTURE_PRESETS if c != preset]


@solara.component
def CompareControls(ui: Ui, settings: int) -> None:
    """Pick the scenarios and replications; one click for the live preset's two cultures."""
    s = ui.session
    picked = solara.use_reactive(["pyramid", "two_way"])
    reps = solara.use_reactive(1)

    def start(specs) -> None:
        ui.runner.pause()
        ui.playing.set(False)
        ui.act(lambda: s.start_compare(tuple(specs), int(reps.value)), settings=True)

    quick = (s.preset, f"{s.preset}@two_way") if s.preset not in CULTURE_PRESETS else DEFAULT
    with solara.Div(classes=["sc-compare-controls"]):
        solara.Button(
            f"{quick[0]} vs {quick[1]}",
            color="primary",
            on_click=lambda: start(quick),
            classes=["sc-compare-go"],
            small=True,
        )
        with solara.Div(classes=["sc-compare-pick"]):
            solara.SelectMultiple(
                "Scenarios",
                values=picked.value,
                all_values=spec_choices(s.preset, s.own.labels),
                on_value=picked.set,
                dense=True,
            )
        with solara.Div(classes=["sc-compare-reps"]):
            solara.Select(
                "Replications", values=REPLICATION_CHOICES, value=reps.value, on_value=reps.set
            )
        solara.Button(
            "Compare these",
            on_click=lambda: start(picked.value),
            classes=["sc-compare-these"],
            small=True,
        )
        if s.compare:
            solara.Button(
                "Back to the live run",
                on_click=lambda: (
                    ui.runner.pause(),
                    ui.playing.set(False),
                    ui.act(s.stop_compare, settings=True),
                ),
                classes=["sc-compare-stop"],
                small=True,
                outlined=True,
            )


@solara.component
def ComparePanel(ui: Ui, snap: Snapshot, settings: int) -> None:
    """Headline differences (with CIs over replications), difference chart, runs side by side."""
    kpi = solara.use_reactive("profit")
    CompareControls(ui, settings)
    if not snap.compare:
        solara.Text(
            "Compare mode runs the chosen scenarios from week 0 with the same seed (common random "
            "numbers), so differences come from the scenarios, not from chance. Press Play to "
            "run them in lockstep.",
            classes=["sc-note"],
        )
        return
    runs = {v.label: v.reps for v in snap.runs}
    ref = snap.runs[0].label
    diffs = headline(runs)
    with solara.Div(classes=["sc-headline"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b>Week {snap.week}</b>: difference to <b>{ref}</b>, "
            f"mean of the last 13 weeks"
            + (
                f", 95% CI over {len(snap.runs[0].reps)} replications"
                if len(snap.runs[0].reps) > 1
                else ""
            ),
            classes=["sc-headline-title"],
        )
        with solara.Div(classes=["sc-headline-cards"]):
            for d in diffs:
                cls = ["sc-diff-card", "sc-better" if d.better else "sc-worse"]
                with solara.Div(classes=cls):
                    solara.Div(children=[f"{d.label} · {d.run}"], classes=["sc-link-label"])
                    solara.Div(children=[d.text], classes=["sc-link-value"])
    labels = {k.label_with_unit: k.name for k in KPIS if k.name not in ("week",)}
    names = {v: k for k, v in labels.items()}
    with solara.Div(classes=["sc-compare-grid"]):
        with solara.Div(classes=["sc-diff"]):
            with solara.Div(classes=["sc-diff-picker"]):
                solara.Select(
                    "Difference in",
                    values=list(labels),
                    value=names[kpi.value],
                    on_value=lambda v: kpi.set(labels[v]),
                    dense=True,
                )
            Plot(
                ui,
                FigureBox(
                    lambda: diff_figure(runs, kpi.value, snap.runs[0].events, snap.horizon),
                    ("diff", snap.version, kpi.value),
                ),
            )
        with solara.Div(classes=["sc-compare-runs"]):
            for view in snap.runs:
                with solara.Div(classes=["sc-compare-run", f"sc-compare-{view.label}"]):
                    PyramidView(ui, view, height=230, clickable=False, legend=False, width_hint=460)
                    ChainStrip(view, compact=True)
