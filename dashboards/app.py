"""The live dashboard (Solara): ``servicechain dashboard`` or ``solara run dashboards.app``.

Layout: the sidebar (preset and culture, shocks, interventions, parameters, about the preset)
and the main area: the run bar, then tabs for the live run (chain strip, pyramid, KPI charts,
one employee, department flows), compare mode, "Why" (where the comparison's difference comes
from), the lessons for students, export, the explain panel and the organization. A guide overlay,
story mode and a presentation layout (large type, sidebar hidden) serve consultants and
students; keys: Space, arrows, P, Esc, ?.

Each browser session gets its own :class:`~dashboards.session.DashboardSession` and
:class:`~dashboards.runner.Runner` (``solara.use_memo`` inside :func:`Page`): there is no
module-level model, so sessions never see each other's runs. The runner steps the simulation in
its own thread; the frame pacer below draws the latest snapshot at most ``MAX_FPS`` times a
second, and only once the browser has drawn the previous frame, so clicks never wait behind a
queue of redraws.
"""

from __future__ import annotations

import sys
import threading
import time

import solara
import solara.lab

from dashboards.components.chain import Causes, ChainStrip
from dashboards.components.charts import KpiCharts
from dashboards.components.compare_mode import ComparePanel
from dashboards.components.context import KEYS, TABS, Ui, log
from dashboards.components.controls import Sidebar
from dashboards.components.employee import EmployeePanel
from dashboards.components.explain import ExplainPanel
from dashboards.components.export import ExportPanel
from dashboards.components.guide import GuideOverlay
from dashboards.components.lessons import LessonsPanel
from dashboards.components.organization import OrganizationPanel
from dashboards.components.pyramid import DeptFlows, PyramidView
from dashboards.components.runbar import LoadingState, RunBar
from dashboards.components.story import StoryBar
from dashboards.components.why import WhyPanel, still_current
from dashboards.lessons import LessonBook
from dashboards.limits import SESSIONS
from dashboards.runner import FrameGate, Runner
from dashboards.session import DashboardSession
from dashboards.snapshot import Snapshot
from dashboards.why import WhyRunner
from dashboards.widgets import KeyListener, PendingHint, ScreenWeek, SessionMemory, serve_plotly_js

MAX_FPS = 5.0  # frames per second at most while playing
SWITCH_INTERVAL_S = 0.001  # Python's default is 0.005
DEFAULT_SPEED = 12  # weeks per second when Play starts

serve_plotly_js()
# The server's threads (simulation, frame pacer, painters) share one interpreter lock; a
# shorter switch interval lets the thread that sends a frame's small updates to the browser
# (the week, the cards) take it sooner, so clicks and numbers stay quick while pictures build.
sys.setswitchinterval(SWITCH_INTERVAL_S)

CSS = """
html, body { overflow-x: hidden; }
.v-application--wrap { min-height: 0 !important; }
.solara-content-main, .solara-content-main > div { padding: 0 !important; max-width: none; }
.sc-app { display: grid; grid-template-columns: 292px minmax(0, 1fr); height: 100vh;
  font-family: Roboto, Helvetica, Arial, sans-serif; font-size: 13px; color: #263238; }
.sc-app.sc-present { grid-template-columns: minmax(0, 1fr); }
.sc-present .sc-side { display: none; }
.sc-side { height: 100vh; overflow-y: auto; overflow-x: hidden; border-right: 1px solid #e0e0e0;
  background: #fafbfc; }
.sc-sidebar { padding: 8px 12px 40px 12px; }
.sc-brand { font-size: 20px; font-weight: 500; margin: 2px 0 4px; color: #0d47a1; }
.sc-heading { margin: 10px 0 2px; }
.sc-note { color: #607d8b; font-size: 12px; }
.sc-upload .v-input { margin-top: 0; padding-top: 4px; }
.sc-upload-error, .sc-upload-ok { font-size: 12px; white-space: pre-wrap; word-break: break-word; }
.sc-description { display: block; color: #37474f; font-size: 12px; line-height: 1.35; }
.sc-culture { margin-top: 6px; padding-bottom: 24px; }
.sc-culture-value { font-weight: 500; }
.sc-levers .v-input--switch { margin-top: 0; padding-top: 0; }
.sc-levers .v-input__slot { margin-bottom: 0; }
.sc-levers .v-messages { display: none; }
.sc-param { margin: 2px 0 6px; }
.sc-param-head { display: flex; align-items: baseline; gap: 6px; font-size: 12.5px;
  line-height: 1.25; }
.sc-param-label { flex: 1 1 auto; min-width: 0; color: #37474f; }
.sc-param-value { flex: 0 0 auto; white-space: nowrap; color: #0d47a1; font-weight: 500; }
.sc-param .v-input { margin-top: 0; padding-top: 0; }
.sc-param .v-input__slot { margin-bottom: 0; min-height: 22px; }
.sc-param .v-messages { display: none; }
.sc-shocks { display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0; }
.sc-shocks .v-btn { text-transform: none; letter-spacing: 0; }
.sc-main { height: 100vh; overflow-y: auto; overflow-x: hidden; min-width: 0; padding: 0 12px; }
.sc-timecontrols { display: flex; align-items: center; flex-wrap: wrap; gap: 4px;
  flex: 1 1 auto; }
.sc-runbar { display: flex; align-items: center; flex-wrap: wrap; gap: 4px; padding: 4px 0;
  position: sticky; top: 0; background: white; z-index: 5; border-bottom: 1px solid #eceff1; }
.sc-runbar .v-btn { text-transform: none; letter-spacing: 0; }
.sc-week { font-size: 20px; font-weight: 600; min-width: 6.2em; white-space: nowrap; }
.sc-horizon { font-size: 13px; color: #78909c; font-weight: 400; }
.sc-speed { width: 110px; } .sc-runto { width: 84px; }
.sc-speed-value { font-size: 12px; color: #546e7a; min-width: 3.6em; }
.sc-speed .v-messages, .sc-runto .v-messages { display: none; }
.sc-spacer { flex: 1 1 auto; }
.sc-error { margin: 6px 0; }
.sc-status { color: #6a1b9a; font-size: 12px; }
.sc-tabs .v-tab { text-transform: none; letter-spacing: 0; min-width: 70px; }
/* No sliding between tabs: content is there at once, and a click never lands mid-slide. */
.sc-tabs .v-window__container, .sc-tabs .v-window-item { transition: none !important; }
.sc-chain { display: flex; align-items: stretch; gap: 2px; margin: 6px 0 2px; }
.sc-link { flex: 1 1 0; min-width: 0; border: 1px solid #cfd8dc; border-radius: 6px;
  padding: 3px 6px; background: #fafafa; overflow: hidden; }
.sc-link-arrow { align-self: center; color: #90a4ae; font-size: 12px; }
.sc-link-label { font-size: 11px; color: #546e7a; line-height: 1.2; overflow-wrap: break-word; }
.sc-link-value { font-size: 17px; font-weight: 600; white-space: nowrap; }
.sc-link-unmeasured { font-size: 12px; font-weight: 400; color: #90a4ae; padding: 3px 0; }
.sc-link-trend { font-size: 11px; color: #607d8b; white-space: nowrap; }
.sc-weakest { border: 2px solid #c62828; background: #ffebee; }
.sc-weakest .sc-link-trend, .sc-weakest .sc-link-label { color: #c62828; font-weight: 600; }
.sc-chain-compact { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 3px; }
.sc-chain-compact .sc-link-value { font-size: 14px; }
.sc-chain-compact .sc-link-arrow { display: none; }
.sc-causes { font-size: 12.5px; color: #37474f; margin: 2px 0 6px; line-height: 1.35; }
.sc-live { display: grid; grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); gap: 10px; }
.sc-col { min-width: 0; }
.sc-pyramid-caption, .sc-panel-title { font-size: 12px; color: #37474f; margin: 2px 0; }
.sc-legend { font-size: 11px; color: #546e7a; line-height: 1.5; margin: 2px 0 6px; }
.sc-key { display: inline-block; width: 10px; height: 10px; vertical-align: middle; }
.sc-key-dot { border-radius: 50%; background: #66bd63; }
.sc-key-ring { border-radius: 50%; border: 1px solid #78909c; }
.sc-key-square { background: #a6d96a; border: 1px solid #546e7a; }
.sc-gradient { display: inline-block; width: 60px; height: 9px; vertical-align: middle;
  background: linear-gradient(90deg, #d73027, #fee08b, #1a9850); border-radius: 2px; }
.sc-plotbox { width: 100%; min-width: 0; }
.sc-kpi-picker { max-width: 100%; }
.sc-kpi-picker .v-select__selections { max-height: 28px; overflow: hidden; }
.sc-employee { font-size: 12px; }
.sc-seat-input { width: 150px; }
.sc-table { border-collapse: collapse; margin: 4px 0; }
.sc-table td { padding: 1px 8px 1px 0; border-bottom: 1px solid #eceff1; }
.sc-compare-controls { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
.sc-compare-controls .v-btn { text-transform: none; letter-spacing: 0; }
.sc-compare-pick { min-width: 260px; max-width: 420px; } .sc-compare-reps { width: 110px; }
.sc-headline { margin: 6px 0; }
.sc-headline-cards { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 4px; }
.sc-diff-card { flex: 1 1 180px; min-width: 0; border-radius: 6px; padding: 4px 8px;
  border: 1px solid #cfd8dc; }
.sc-diff-run { font-size: 11px; color: #546e7a; overflow-wrap: break-word; }
.sc-better { background: #e8f5e9; border-color: #66bb6a; }
.sc-worse { background: #ffebee; border-color: #ef5350; }
.sc-compare-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  gap: 10px; }
.sc-compare-runs { display: grid; grid-template-columns: minmax(0, 1fr); gap: 4px; }
.sc-compare-summary { margin: 6px 0; }
.sc-compare-item { display: block; }
.sc-export-buttons { display: flex; gap: 12px; align-items: center; flex-wrap: wrap;
  margin: 8px 0; }
.sc-painter { height: 0; overflow: hidden; }
.sc-explain .v-expansion-panel-header { font-size: 13px; }
.sc-prose p { margin-bottom: 6px; } .sc-prose ul { margin-bottom: 6px; }
.sc-story { background: #e3f2fd; border-radius: 6px; padding: 6px 10px; margin: 6px 0; }
.sc-story-head { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.sc-story-head .v-btn { text-transform: none; letter-spacing: 0; }
.sc-story-caption { font-size: 14px; margin-top: 4px; }
.sc-overlay { position: fixed; inset: 0; background: rgba(38, 50, 56, 0.45); z-index: 50;
  display: flex; align-items: flex-start; justify-content: center; overflow-y: auto; }
.sc-overlay-card { background: white; max-width: 820px; margin: 40px 16px; padding: 14px 22px;
  border-radius: 8px; font-size: 14px; box-shadow: 0 8px 30px rgba(0, 0, 0, 0.3); }
.sc-overlay-head { display: flex; justify-content: space-between; align-items: center; }
.sc-busy { padding: 40px; font-size: 16px; }
.sc-loading { display: flex; align-items: center; gap: 8px; margin: 6px 0; padding: 6px 10px;
  background: #fff8e1; border: 1px solid #ffb300; border-radius: 6px; font-size: 13px; }
.sc-spinner { width: 14px; height: 14px; flex: 0 0 14px; border-radius: 50%;
  border: 2px solid #ffb300; border-top-color: transparent;
  animation: sc-spin 0.8s linear infinite; }
@keyframes sc-spin { to { transform: rotate(360deg); } }
/* While new runs are prepared: the old picture dimmed, the controls that act on runs waiting. */
.sc-waiting .sc-tabs, .sc-waiting .sc-side .sc-culture, .sc-waiting .sc-side .sc-preset,
.sc-waiting .sc-side .sc-param, .sc-waiting .sc-side .sc-seed, .sc-waiting .sc-side .sc-shocks,
.sc-waiting .sc-side .sc-upload { opacity: 0.45; pointer-events: none; }
.sc-scale { font-variant-numeric: tabular-nums; font-weight: 500; }
.sc-key-waiting { border-radius: 50%; border: 2px solid; width: 11px; height: 11px; }
@media (min-width: 1600px) {
  .sc-live { grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr) minmax(0, 0.75fr); }
  .sc-app { grid-template-columns: 320px minmax(0, 1fr); }
}
.sc-why-question { font-size: 14px; margin: 6px 0 2px; }
.sc-why-controls { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 4px 0; }
.sc-why-pick { min-width: 240px; max-width: 360px; } .sc-why-outcome { width: 240px; }
.sc-why-reps { width: 120px; }
.sc-why-status { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.sc-why-answer { font-size: 14px; line-height: 1.4; background: #f1f8f6; margin: 6px 0;
  border-left: 4px solid #2a9d8f; padding: 6px 10px; }
.sc-why-grid { display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr);
  gap: 12px; align-items: start; }
.sc-why-table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
.sc-why-table th { text-align: left; font-weight: 500; color: #546e7a;
  border-bottom: 1px solid #cfd8dc; }
.sc-why-table td { padding: 3px 6px 3px 0; border-bottom: 1px solid #eceff1;
  vertical-align: top; }
.sc-why-sentence { color: #546e7a; font-size: 12px; line-height: 1.3; }
.sc-why-value { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.sc-why-row-total td { font-weight: 600; border-bottom: none; }
.sc-compare-why.v-btn { text-transform: none; letter-spacing: 0; margin-left: 8px; }
.sc-lessons-nav { display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0 8px; }
.sc-lessons .v-btn { text-transform: none; letter-spacing: 0; }
.sc-lesson { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px;
  align-items: start; }
.sc-lesson-col { min-width: 0; }
.sc-lesson-title { font-size: 16px; font-weight: 500; margin: 2px 0 4px; }
.sc-question { font-size: 14px; line-height: 1.4; margin-bottom: 4px; }
.sc-terms { font-size: 12px; color: #455a64; margin: 0 0 6px; line-height: 1.3; }
.sc-terms dt { font-weight: 600; display: inline; }
.sc-terms dt::after { content: ": "; }
.sc-terms dd { display: inline; margin: 0; }
.sc-terms dd::after { content: ""; display: block; margin-bottom: 2px; }
.sc-choices { margin: 2px 0 8px !important; padding-top: 0 !important; }
.sc-choices .v-radio { margin-bottom: 2px !important; align-items: flex-start; }
.sc-choices label { white-space: normal; font-size: 13px; line-height: 1.3;
  color: #263238 !important; }
.sc-lesson-setup { display: block; font-size: 12.5px; color: #37474f; margin: 2px 0 6px; }
.sc-lesson-run { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.sc-lesson-verdict { padding: 5px 8px; border-radius: 6px; margin: 4px 0; font-size: 13px; }
.sc-right { background: #e8f5e9; border: 1px solid #66bb6a; }
.sc-wrong { background: #fff3e0; border: 1px solid #ffa726; }
.sc-lesson-sentence, .sc-lesson-why { display: block; font-size: 13px; line-height: 1.4;
  margin: 4px 0; }
.sc-lesson-table { font-size: 12px; }
.sc-lesson-table th { font-weight: 500; color: #546e7a; text-align: left; padding-right: 8px; }
.sc-lesson-footer { display: flex; gap: 12px; align-items: center; flex-wrap: wrap;
  margin: 10px 0 16px; border-top: 1px solid #eceff1; padding-top: 6px; }
.sc-org-table td, .sc-org-table th { text-align: right; padding: 1px 8px; }
.sc-org-table td:first-child, .sc-org-table th:first-child { text-align: left; }
.sc-org-flags { font-size: 12.5px; margin: 4px 0 8px 16px; }
.sc-org-restructure, .sc-org-plan { display: flex; flex-wrap: wrap; align-items: center;
  gap: 8px; }
.sc-org-restructure .v-btn, .sc-org-plan .v-btn { text-transform: none; letter-spacing: 0; }
.sc-org-input { width: 150px; }
.sc-present { font-size: 16px; }
.sc-present .sc-link-value { font-size: 26px; }
.sc-present .sc-chain-compact .sc-link-value { font-size: 19px; }
.sc-present .sc-chain-compact .sc-link-label,
.sc-present .sc-chain-compact .sc-link-trend { font-size: 12px; }
.sc-present .sc-diff-run { font-size: 13px; }
.sc-present .sc-link-label, .sc-present .sc-link-trend { font-size: 14px; }
.sc-present .sc-causes { font-size: 17px; }
.sc-present .sc-week { font-size: 28px; }
.sc-present .sc-story-caption { font-size: 19px; }
.sc-present .sc-pyramid-caption, .sc-present .sc-legend { font-size: 14px; }
"""


@solara.component
def Page() -> None:
    """The dashboard page (one per browser session), or a notice when the server is full."""
    admitted = solara.use_memo(SESSIONS.enter, [])
    if admitted:
        Dashboard()
    else:
        solara.Title("servicechain · busy")
        solara.Div(
            children=[
                f"The dashboard already serves {SESSIONS.limit} sessions, its limit on this "
                "machine. Close another tab, or try again in a few minutes."
            ],
            classes=["sc-busy"],
        )


@solara.component
def Dashboard() -> None:
    """The dashboard of one admitted session."""
    session = solara.use_memo(DashboardSession, [])
    closed = solara.use_memo(solara.kernel_closed_event, [])
    runner = solara.use_memo(lambda: Runner(session, closed), [])
    gate = solara.use_memo(FrameGate, [])
    why = solara.use_memo(WhyRunner, [])
    book = solara.use_memo(LessonBook, [])
    memory = solara.use_memo(SessionMemory, [])
    ui = solara.use_memo(
        lambda: Ui(
            session=session,
            runner=runner,
            gate=gate,
            frame=solara.reactive(0),
            settings=solara.reactive(0),
            error=solara.reactive(""),
            playing=solara.reactive(False),
            speed=solara.reactive(DEFAULT_SPEED),
            present=solara.reactive(False),
            story=solara.reactive(-1),
            guide=solara.reactive(False),
            tab=solara.reactive(0),
            closed=closed,
            why=why,
            lessons=book,
        ),
        [],
    )
    # The background studies redraw their tabs as they progress (from their reader threads);
    # the lessons' progress also goes to the browser's session storage.
    why.on_update = lambda: ui.why_tick.set(ui.why_tick.value + 1)

    def lessons_changed() -> None:
        memory.value = book.to_json()
        ui.lessons_tick.set(ui.lessons_tick.value + 1)

    book.on_update = lessons_changed
    memory.on_restore = book.load_json
    # Touch every reactive, so that Page re-renders when one changes.
    _ = (ui.frame.value, ui.settings.value, ui.error.value, ui.playing.value, ui.tab.value)
    _ = (ui.present.value, ui.story.value, ui.guide.value, ui.speed.value, ui.busy.value)

    def lifecycle():
        def cleanup() -> None:
            why.close()
            book.close()
            runner.close()
            session.close()
            SESSIONS.leave()

        return cleanup

    solara.use_effect(lifecycle, [])

    def pacer() -> None:
        # Draws a new frame when the runs changed and the browser has drawn the last one.
        while not closed.is_set():
            time.sleep(1.0 / MAX_FPS)
            try:
                if ui.playing.value and not runner.playing:
                    ui.playing.set(False)  # the runner stopped by itself (horizon, target)
                    if runner.reason.startswith("error"):
                        ui.error.set(f"The simulation stopped: {runner.reason[7:]}")
                if session.version != ui.shown and gate.idle() and not ui.busy.value:
                    ui.redraw()
            except Exception:  # never let a drawing error end the pictures for good
                log.exception("frame failed")

    def start_pacer() -> None:
        # A plain thread (it inherits the page's kernel context), not solara.lab.use_task: a
        # task registers a per-kernel store in solara.lifecycle that keeps this closure, and
        # with it the session's models, alive after the browser session ends.
        threading.Thread(target=pacer, name="servicechain-pacer", daemon=True).start()

    solara.use_effect(start_pacer, [])
    settings_now = ui.settings.value
    # A decomposition for a comparison or settings no longer on screen stops (its process too).
    solara.use_effect(lambda: why.keep_if(lambda r: still_current(session, r)), [settings_now])

    keys = solara.use_memo(lambda: KeyListener(shortcuts=KEYS), [])
    hint = solara.use_memo(PendingHint, [])
    ui.screen = solara.use_memo(ScreenWeek, [])
    keys.on_key = ui.on_key

    # A new snapshot only for a new frame: a click such as Pause re-renders the buttons at once
    # and leaves the final picture to the pacer's next frame.
    snap = solara.use_memo(
        lambda: session.snapshot(playing=runner.playing, drawn=True), [ui.frame.value]
    )
    settings = ui.settings.value
    solara.Title("servicechain · internal service culture")
    solara.Style(CSS)
    modes = (["sc-present"] if ui.present.value else []) + (["sc-waiting"] if ui.busy.value else [])
    with solara.Div(classes=["sc-app", *modes]):
        with solara.Div(classes=["sc-side"]):
            Sidebar(ui, settings)
        with solara.Div(classes=["sc-main"]):
            solara.Div(children=[keys, hint, ui.screen, memory], style={"display": "none"})
            RunBar(ui, snap.week, snap.horizon, ui.playing.value, settings)
            LoadingState(ui, ui.busy.value)
            if ui.error.value:
                solara.Error(ui.error.value, classes=["sc-error"], dense=True)
            if ui.story.value >= 0 and ui.story_steps:
                StoryBar(ui, ui.story_steps, ui.story.value)
            with solara.Div(classes=["sc-tabs"]):
                with solara.lab.Tabs(value=ui.tab.value, on_value=ui.tab.set):
                    for i, name in enumerate(TABS):
                        with solara.lab.Tab(name, classes=[f"sc-tab-{name.split()[0].lower()}"]):
                            if ui.tab.value == i:
                                TabContent(ui, i, snap, settings)
        if ui.guide.value:
            GuideOverlay(ui, settings)


@solara.component
def TabContent(ui: Ui, tab: int, snap: Snapshot, settings: int) -> None:
    """The open tab's content."""
    name = TABS[tab]
    if name == "Live run":
        if snap.compare:
            solara.Text(
                "Compare mode is on: the live run waits. See the Compare tab, or go back to the "
                "live run there.",
                classes=["sc-note"],
            )
            return
        LiveView(ui, snap)
    elif name == "Compare":
        ComparePanel(ui, snap, settings)
    elif name == "Why":
        WhyPanel(ui, settings)
    elif name == "Lessons":
        LessonsPanel(ui)
    elif name == "Export":
        ExportPanel(ui, settings)
    elif name == "Explain":
        ExplainPanel()
    else:
        OrganizationPanel(ui, snap, settings)


@solara.component
def LiveView(ui: Ui, snap: Snapshot) -> None:
    """The live run: chain strip and causes, pyramid, KPI charts, one employee, dept flows."""
    view = snap.runs[0]
    ChainStrip(view)
    Causes(view)
    with solara.Div(classes=["sc-live"]):
        with solara.Div(classes=["sc-col"]):
            PyramidView(ui, view, selected=snap.seat.seat if snap.seat else None)
        with solara.Div(classes=["sc-col"]):
            KpiCharts(ui, snap.runs, snap.version)
        with solara.Div(classes=["sc-col"]):
            EmployeePanel(ui, snap.seat, view.events, snap.version, view.changes)
            DeptFlows(ui, view)
