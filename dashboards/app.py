"""The live dashboard (Solara): ``servicechain dashboard`` or ``solara run dashboards/app.py``.

Layout: controls on the left (run bar, preset and culture, interventions, main parameters);
on the right tabs for the live run (pyramid, chain strip, KPI charts, department flows, one
employee), compare mode, export and the explain panel.

Each browser session gets its own :class:`~dashboards.session.DashboardSession` (created by
``solara.use_memo`` inside :func:`Page`): there is no module-level model, so sessions never see
each other's runs. Play runs in a background task that steps the session and bumps a redraw
counter; at speeds above ``MAX_FPS`` weeks per second it steps several weeks per frame.
"""

from __future__ import annotations

import time

import solara
import solara.lab

from dashboards.components.chain import ChainStrip
from dashboards.components.charts import KpiCharts
from dashboards.components.compare import ComparePanel
from dashboards.components.controls import Ctx, ParameterControls, RunBar, ScenarioControls
from dashboards.components.employee import EmployeePanel
from dashboards.components.explain import ExplainPanel
from dashboards.components.export import ExportPanel
from dashboards.components.pyramid import DeptFlows, PyramidView
from dashboards.session import DashboardSession

MAX_FPS = 5.0  # redraws per second at most while playing; faster speeds batch weeks per frame
MIN_PAUSE = 0.06  # seconds the Play thread always sleeps between frames
DEFAULT_SPEED = 12  # weeks per second when Play starts


def frame_plan(speed: float, max_fps: float = MAX_FPS) -> tuple[float, int]:
    """Seconds between frames and weeks per frame for a Play speed in weeks per second."""
    speed = max(float(speed), 0.1)
    interval = max(1.0 / speed, 1.0 / max_fps)
    return interval, max(1, round(speed * interval))


@solara.component
def Page() -> None:
    """The dashboard page (one per browser session)."""
    session = solara.use_memo(DashboardSession, [])
    version = solara.use_reactive(0)  # bumped by every step (views redraw)
    settings = solara.use_reactive(0)  # bumped by every user action (controls redraw too)
    error = solara.use_reactive("")
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    tab = solara.use_reactive(0)

    def bump() -> None:
        settings.value += 1

    ctx = Ctx(session, (version.value, settings.value), bump, error.set)
    controls_ctx = Ctx(session, settings.value, bump, error.set)

    def play_loop() -> None:
        # Runs in a thread while playing; the session's lock keeps UI handlers out mid-step.
        # Each frame steps the weeks that are due at the chosen speed since Play started, so a
        # slow redraw lowers the frame rate but not the simulated speed (weeks per second).
        t0, done, rate = time.perf_counter(), 0, float(speed.value)
        while playing.value:
            started = time.perf_counter()
            if speed.value != rate:  # speed changed: restart the clock
                t0, done, rate = started, 0, float(speed.value)
            interval, _ = frame_plan(rate)
            due = max(1, int(rate * (started - t0)) - done)
            session.step(min(due, max(1, round(rate))))  # at most one second's worth per frame
            done += due
            version.value += 1
            # Always pause a little: a UI render (e.g. the Pause click) must be able to finish
            # between two of this thread's changes, or Solara aborts the render loop.
            time.sleep(max(MIN_PAUSE, interval - (time.perf_counter() - started)))

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    solara.Title("servicechain · internal service culture")
    with solara.Columns([1, 3], classes=["sc-page"]):
        with solara.Column(classes=["sc-controls"]):
            solara.Markdown("## servicechain")
            ScenarioControls(controls_ctx, playing)
            ParameterControls(controls_ctx)
        with solara.Column(classes=["sc-main"]):
            RunBar(ctx, playing, speed)
            if error.value:
                solara.Error(error.value, classes=["sc-error"])
            with solara.lab.Tabs(value=tab.value, on_value=tab.set):
                with solara.lab.Tab("Live run", classes=["sc-tab-live"]):
                    if tab.value == 0:
                        LiveView(ctx)
                with solara.lab.Tab("Compare", classes=["sc-tab-compare"]):
                    if tab.value == 1:
                        ComparePanel(ctx)
                with solara.lab.Tab("Export", classes=["sc-tab-export"]):
                    if tab.value == 2:
                        ExportPanel(ctx)
                with solara.lab.Tab("Explain", classes=["sc-tab-explain"]):
                    if tab.value == 3:
                        ExplainPanel()


@solara.component
def LiveView(ctx: Ctx) -> None:
    """The main run: chain strip, pyramid with the employee panel, KPI charts, dept flows."""
    s = ctx.session
    df = s.model.kpis()
    frames = {s.preset: df}
    ChainStrip(ctx, df)
    with solara.Columns([3, 2]):
        PyramidView(ctx, s.model, label=s.preset)
        EmployeePanel(ctx)
    with solara.Columns([3, 2]):
        KpiCharts(ctx, frames)
        DeptFlows(ctx, s.model)
