"""Compare mode: scenarios in lockstep with common random numbers; the difference first."""

from __future__ import annotations

import solara

from dashboards.components.chain import ChainStrip
from dashboards.components.context import Ui, tab_index
from dashboards.components.plot import FigureBox, Plot
from dashboards.components.pyramid import PyramidView, legend_html
from dashboards.figures.differences import diff_figure, headline
from dashboards.figures.pyramid import shared_scales
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


def quick_pair(preset: str) -> tuple[str, str]:
    """The one-click comparison: the live organization under its culture and under two-way."""
    return (preset, f"{preset}@two_way") if preset not in CULTURE_PRESETS else DEFAULT


@solara.component
def CompareControls(ui: Ui, settings: int) -> None:
    """Pick the scenarios and replications; one click for the live preset's two cultures.

    The picker shows what is being compared (or, before, the one-click pair), by plain names.
    """
    s = ui.session
    quick = quick_pair(s.preset)
    shown = list(s.compare) if s.compare else list(quick)
    picked = solara.use_reactive(shown)
    solara.use_effect(lambda: picked.set(shown), [tuple(shown)])
    reps = solara.use_reactive(1)
    choices = list(dict.fromkeys([*spec_choices(s.preset, s.own.labels), *shown]))
    titles = {spec: s.title(spec) for spec in choices}
    specs_by_title = {t: spec for spec, t in titles.items()}

    def start(specs) -> None:
        title = " and ".join(s.title(x) for x in specs)
        ui.act_in_background(
            f"Starting the comparison of {title}…",
            lambda: s.start_compare(tuple(specs), int(reps.value)),
        )

    with solara.Div(classes=["sc-compare-controls"]):
        solara.Button(
            f"{titles[quick[0]]} vs {titles[quick[1]]}",
            color="primary",
            on_click=lambda: start(quick),
            classes=["sc-compare-go"],
            small=True,
        )
        with solara.Div(classes=["sc-compare-pick"]):
            solara.SelectMultiple(
                "Scenarios",
                values=[titles[x] for x in picked.value if x in titles],
                all_values=[titles[x] for x in choices],
                on_value=lambda chosen: picked.set([specs_by_title[t] for t in chosen]),
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
    runs = {v.title: v.reps for v in snap.runs}
    ref = snap.runs[0].title
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
        solara.Button(
            "Why this difference?",
            icon_name="mdi-help-circle-outline",
            on_click=lambda: ui.tab.set(tab_index("Why")),
            small=True,
            outlined=True,
            classes=["sc-compare-why"],
        )
        with solara.Div(classes=["sc-headline-cards"]):
            for d in diffs:
                cls = ["sc-diff-card", "sc-better" if d.better else "sc-worse"]
                with solara.Div(classes=cls):
                    solara.Div(children=[d.label], classes=["sc-link-label"])
                    solara.Div(children=[d.value_text], classes=["sc-link-value"])
                    solara.Div(
                        children=[d.run + (f" · {d.interval_text}" if d.interval_text else "")],
                        classes=["sc-diff-run"],
                    )
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
                    lambda: diff_figure(
                        runs,
                        kpi.value,
                        snap.runs[0].events,
                        snap.horizon,
                        changes=snap.runs[0].changes,
                    ),
                    ("diff", snap.version, kpi.value),
                ),
            )
        scales = shared_scales(snap.runs)
        with solara.Div(classes=["sc-compare-runs"]):
            for view in snap.runs:
                with solara.Div(classes=["sc-compare-run", f"sc-compare-{view.label}"]):
                    PyramidView(
                        ui,
                        view,
                        height=250,
                        clickable=False,
                        legend=False,
                        width_hint=460,
                        scales=scales,
                    )
                    ChainStrip(view, compact=True)
            solara.HTML(tag="div", unsafe_innerHTML=legend_html(scales), classes=["sc-legend"])
