"""The Organization tab: spans and layers of the open organization, restructuring at the next
week, and the plan's Pareto front (from a file or a small plan run here), each point a click
away from a compare run. The logic is in :mod:`dashboards.organization`."""

from __future__ import annotations

import html
import threading

import pandas as pd
import solara

from dashboards.components.context import Ui, log
from dashboards.components.plot import FigureBox, Plot
from dashboards.components.upload import FilePicker
from dashboards.organization import (
    SMALL_TRIALS,
    SmallPlan,
    front_figure,
    front_points,
    metrics_html,
    open_point,
    read_front_bytes,
    run_small_plan,
    spans_and_layers,
)
from dashboards.snapshot import Snapshot
from dashboards.uploads import UploadedFile
from sim.kpis import format_kpi
from sim.scenario import preset_names

DEFAULT_BUDGET = 400_000.0
COMPARE_TAB = 1


@solara.component
def OrganizationPanel(ui: Ui, snap: Snapshot, settings: int) -> None:
    """Spans and layers, restructuring and the plan."""
    s = ui.session
    org = s.model.org
    tables = solara.use_memo(lambda: spans_and_layers(s), [id(org), settings])
    frame, flags = tables
    with solara.Div(classes=["sc-organization"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f"<b>Spans and layers</b> of {html.escape(s.preset)} at week {snap.week}: "
                f"{org.n_seats:,} seats, {org.n_levels} layers"
            ),
            classes=["sc-heading"],
        )
        solara.HTML(tag="div", unsafe_innerHTML=metrics_html(frame), classes=["sc-org-metrics"])
        if flags:
            items = "".join(
                f"<li><b>{html.escape(f.scope)}: {html.escape(f.flag)}</b>: "
                f"{html.escape(f.finding)}. <i>In the model:</i> {html.escape(f.model)}.</li>"
                for f in flags
            )
            solara.HTML(tag="ul", unsafe_innerHTML=items, classes=["sc-org-flags"])
        else:
            solara.Text(
                "Nothing practice flags: spans between 3 and 15 and a chain to the customer "
                "no longer than the headcount needs.",
                classes=["sc-note"],
            )
        Restructure(ui, settings)
        PlanPanel(ui, settings)


@solara.component
def Restructure(ui: Ui, settings: int) -> None:
    """Structural events at the next week (they also sit in the sidebar's shocks panel)."""
    s = ui.session
    partner = solara.use_reactive("two_way")
    share = solara.use_reactive(0.2)
    names = list(s.model.org.dept_names)
    support = [n for n, f in zip(names, s.model.org.customer_facing, strict=True) if not f]
    department = solara.use_reactive(support[0] if support else "")

    def fire(event: dict) -> None:
        ui.act(lambda: s.fire(event))

    solara.HTML(
        tag="div",
        unsafe_innerHTML="<b>Restructure</b> <span class='sc-note'>from the next week</span>",
        classes=["sc-heading"],
    )
    with solara.Div(classes=["sc-org-restructure"]):
        solara.Button("Remove a layer", small=True, outlined=True,
                      on_click=lambda: fire({"type": "delayer"}),
                      classes=["sc-org-delayer"])  # fmt: skip
        with solara.Div(classes=["sc-org-input"]):
            solara.InputFloat("Grow by (share)", value=share.value, on_value=share.set)
        solara.Button("Grow over 26 weeks", small=True, outlined=True,
                      on_click=lambda: fire({"type": "growth", "share": share.value,
                                             "weeks": 26}),
                      classes=["sc-org-growth"])  # fmt: skip
        with solara.Div(classes=["sc-org-input"]):
            solara.Select("Merge with", values=preset_names(), value=partner.value,
                          on_value=partner.set)  # fmt: skip
        solara.Button("Merge", small=True, outlined=True,
                      on_click=lambda: fire({"type": "merger", "partner": partner.value}),
                      classes=["sc-org-merger"])  # fmt: skip
        if support:
            with solara.Div(classes=["sc-org-input"]):
                solara.Select("Centralize", values=support, value=department.value,
                              on_value=department.set)  # fmt: skip
            solara.Button("Into shared services", small=True, outlined=True,
                          on_click=lambda: fire({"type": "centralize",
                                                 "department": department.value}),
                          classes=["sc-org-centralize"])  # fmt: skip


@solara.component
def PlanPanel(ui: Ui, settings: int) -> None:
    """The plan's Pareto front: open ``front.csv`` or run a small plan; click a point."""
    s = ui.session
    front = solara.use_reactive(None)
    status = solara.use_reactive("")
    budget = solara.use_reactive(DEFAULT_BUDGET)
    trials = solara.use_reactive(SMALL_TRIALS[0])
    job = solara.use_memo(SmallPlan, [])
    stop = solara.use_memo(threading.Event, [])

    def cleanup():
        return stop.set

    solara.use_effect(cleanup, [])

    def run() -> None:
        if job.running:
            return

        def changed() -> None:
            status.set(job.status)
            if job.front is not None:
                front.set(job.front)

        def work() -> None:
            try:
                run_small_plan(s, float(budget.value), int(trials.value), job, changed, stop)
            except Exception as err:  # never a traceback in the browser
                log.exception("small plan failed")
                status.set(f"The plan stopped: {err}")

        threading.Thread(target=work, name="servicechain-plan", daemon=True).start()

    def opened(files: list[UploadedFile]) -> None:
        try:
            f = files[0]
            front.set(read_front_bytes(f.data, f.name))
            status.set(f"Opened the front of {f.name}.")
        except Exception as err:
            status.set(str(err))

    def clicked(point) -> None:
        if front.value is None or point is None:
            return
        ui.pause()
        chosen = front.value
        ui.act_in_background(
            f"Starting the comparison with the plan's point {int(point)}…",
            lambda: open_point(s, chosen, int(point)),
            then=lambda: ui.tab.set(COMPARE_TAB),
        )

    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            "<b>Plan</b> <span class='sc-note'>the best portfolio of levers under a budget; "
            "click a point to compare it with the organization as it is</span>"
        ),
        classes=["sc-heading"],
    )
    with solara.Div(classes=["sc-org-plan"]):
        with solara.Div(classes=["sc-org-input"]):
            solara.InputFloat("Budget per year", value=budget.value, on_value=budget.set)
        with solara.Div(classes=["sc-org-input"]):
            solara.Select("Trials", values=list(SMALL_TRIALS), value=trials.value,
                          on_value=trials.set)  # fmt: skip
        solara.Button("Run a small plan", small=True, color="primary", on_click=run,
                      classes=["sc-org-plan-run"])  # fmt: skip
        with solara.Div(classes=["sc-org-plan-open"]):
            solara.Text("or open a front.csv (servicechain plan):", classes=["sc-note"])
            FilePicker(opened, status.set)
    if status.value:
        solara.Text(status.value, classes=["sc-note", "sc-org-plan-status"])
    if front.value is not None:
        data: pd.DataFrame = front.value
        Plot(
            ui,
            FigureBox(lambda: front_figure(data), id(data)),
            on_click=clicked,
            classes=["sc-org-front"],
        )
        points = front_points(data)
        rows = "".join(
            f"<tr><td>{int(r['point'])}</td><td>{html.escape(r['portfolio'])}</td>"
            f"<td>{format_kpi(r['cost'])}</td></tr>"
            for _, r in points.iterrows()
        )
        solara.HTML(
            tag="table",
            unsafe_innerHTML=f"<tr><th>point</th><th>levers and moves</th><th>cost/year</th></tr>"
            f"{rows}",
            classes=["sc-table", "sc-org-points"],
        )
