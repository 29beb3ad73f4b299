"""Dashboard logic without a browser: controls from the schema, sessions, compare lockstep,
horizon and shocks, the runner, figures, the weakest-link rule, week 0, exports and story mode.

Speed targets live in the benchmarks (``dashboards.bench.TICK_TARGET_S``), not here.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest

from dashboards.controls_spec import LEVER_PATHS, control_spec, label_for, lever_controls
from dashboards.explain import mechanisms
from dashboards.exports import csv_bytes, report, view_figure
from dashboards.figures.chain import causes_in_words, chain_links
from dashboards.figures.common import to_json
from dashboards.figures.pyramid import pyramid_figure, pyramid_layout
from dashboards.figures.timeseries import kpi_figure, panel_domains
from dashboards.flows import request_flows, seat_requests
from dashboards.measures import WEEKLY, cold_start, measured
from dashboards.runner import FrameGate, Runner
from dashboards.session import DashboardSession
from dashboards.shocks import event_classes, shock_specs
from dashboards.story import replay, story
from sim.kpis import CHAIN, KPI_BY_NAME, KPI_NAMES
from sim.params import FIELDS, LEVERS, ParameterError
from sim.phases import PHASES
from sim.scenario import preset_names


def test_controls_come_from_the_schema():
    spec = control_spec("requests.to_manager_rate")
    f = FIELDS["requests.to_manager_rate"]
    assert (spec.low, spec.high, spec.widget) == (f.low, f.high, "slider")
    assert f.description in spec.help
    assert control_spec("org.headcount").widget == "number"
    assert control_spec("org.headcount").structural
    assert [c.path for c in lever_controls()] == list(LEVER_PATHS)
    assert len(LEVER_PATHS) == len(LEVERS)
    assert label_for("interventions.job_swap.intensity") == "Job swap"
    with pytest.raises(ParameterError, match="did you mean|Did you mean"):
        control_spec("requests.to_manager_rat")


def test_sessions_are_independent_and_compare_runs_in_lockstep_from_week_0():
    a, b = DashboardSession(), DashboardSession()
    a.step(3)
    assert (a.week, b.week) == (3, 0)
    a.start_compare(("pyramid", "two_way"))
    assert a.week == 0  # compare runs start at week 0; the live run waits at week 3
    a.step(4)
    assert a.week == 4 and a.model.steps == 3
    assert [runs[0].steps for runs in a.compare_models] == [4, 4]
    frames = a.frames()
    assert list(frames) == ["pyramid", "two_way"]
    # Each run starts from its own warm week 0, in lockstep with the others.
    assert frames["pyramid"]["week"].tolist() == frames["two_way"]["week"].tolist()
    assert frames["two_way"]["service_direction"].iloc[-1] == 0.0
    # With one replication the compare run is the live run of that preset, week for week.
    live = DashboardSession()
    live.step(4)
    pd.testing.assert_frame_equal(frames["pyramid"], live.model.kpis())
    a.stop_compare()
    assert a.week == 3
    with pytest.raises(ParameterError, match="two or more"):
        a.start_compare(("pyramid",))
    with pytest.raises(ParameterError, match="unknown preset"):
        a.start_compare(("pyramid", "pyramidd"))


@pytest.mark.integration
def test_compare_replications_use_the_cli_seeds_and_respect_the_budget():
    from sim.studies.compare import replication_seeds

    s = DashboardSession()
    s.start_compare(("pyramid", "airline@two_way"), reps=3)
    seeds = [[m.seed for m in runs] for runs in s.compare_models]
    assert seeds[0] == seeds[1] == replication_seeds(0, 3)
    s.step(2)
    snap = s.snapshot()
    assert [len(v.reps) for v in snap.runs] == [3, 3]
    assert snap.runs[1].service_direction == 0.0
    small = DashboardSession(max_headcount=400)
    with pytest.raises(ParameterError, match="compare mode runs at once"):
        small.start_compare(("pyramid", "two_way"), reps=10)


def test_live_settings_apply_without_restart_and_structural_ones_restart():
    s = DashboardSession()
    s.step(2)
    assert not s.set_param("culture.service_direction", 1.0)
    assert s.week == 2 and s.model.state.service_direction == 1.0
    assert not s.set_param("interventions.training.intensity", 1.0)
    assert s.model.params.interventions.training.intensity == 1.0
    assert s.set_param("org.headcount", 120)
    assert s.week == 0 and s.model.org.n_seats == 120
    with pytest.raises(ParameterError, match="from 20"):
        s.set_param("org.headcount", 5)
    with pytest.raises(ParameterError):
        s.run_to(-1)


def test_headcount_is_capped_with_a_clear_message():
    s = DashboardSession(max_headcount=1_000)
    with pytest.raises(ParameterError, match="--max-headcount 5000"):
        s.set_param("org.headcount", 5_000)
    assert s.model.org.n_seats == 300 and "org.headcount" not in s.overrides
    assert s.set_param("org.headcount", 1_000)


def test_a_rejected_setting_leaves_the_session_usable():
    """A value that breaks a cross-field rule is refused without poisoning later changes."""
    s = DashboardSession()
    s.step(2)
    with pytest.raises(ParameterError, match="effort_max"):
        s.set_param("workforce.effort_min", 1.5)
    assert "workforce.effort_min" not in s.overrides
    with pytest.raises(ParameterError):
        s.set_param("org.levels", 12)  # cannot be built with 300 seats
    assert "org.levels" not in s.overrides and s.week == 2
    assert s.set_param("org.headcount", 200)
    assert s.model.org.n_seats == 200


def test_horizon_bounds_run_to_and_can_be_extended():
    s = DashboardSession()
    assert s.horizon == s.model.params.weeks == 260
    with pytest.raises(ParameterError, match="horizon"):
        s.run_to(261)
    assert s.extend_horizon(52) == 312 and s.model.params.weeks == 312
    s.reset()
    assert s.horizon == 312  # the extension is a setting of the session
    s.set_preset("two_way")
    assert s.horizon == 260  # a new preset brings its own horizon


def test_runner_stops_at_the_horizon_and_at_a_target():
    s = DashboardSession()
    s.set_param("org.headcount", 60)
    s.model.set_params({"weeks": 6})
    r = Runner(s)
    try:
        r.play(None)  # as fast as possible
        deadline = time.monotonic() + 60
        while r.playing and time.monotonic() < deadline:
            time.sleep(0.01)
        assert (s.week, r.reason) == (6, "horizon")
        s.reset()
        r.play(None, until=3)
        while r.playing and time.monotonic() < deadline:
            time.sleep(0.01)
        assert (s.week, r.reason) == (3, "target")
        r.play(1000.0)
        r.pause()
        stopped = s.week
        time.sleep(0.05)
        assert s.week == stopped and r.reason == "paused"
    finally:
        r.close()


def test_frame_gate_waits_for_every_plot_or_a_timeout():
    gate = FrameGate()
    assert gate.idle()
    gate.sent(1, 5)
    gate.sent(2, 1)
    gate.drawn(1, 4)  # an older frame drawn: still waiting
    assert not gate.idle()
    gate.drawn(1, 5)
    gate.forget(2)
    assert gate.idle()
    gate.sent(3, 1)
    assert gate.idle(timeout=0.0)  # a plot that never answers cannot stop the pictures


def test_every_schema_event_can_be_fired_and_lands_next_week():
    specs = shock_specs()
    kinds = {spec.event_type for spec in specs}
    assert kinds == set(event_classes())  # the panel follows the schema
    assert ("budget_cut" in kinds) == ("budget_cut" in event_classes())
    competitor = next(spec for spec in specs if spec.key == "competitor")
    assert competitor.event()["type"] == "demand_surge" and competitor.event()["size"] < 0
    s = DashboardSession()
    s.start_compare(("pyramid", "two_way"))
    s.step(3)
    for spec in specs:
        added = s.fire(spec.event())
        assert added["week"] == 4
    for m in s.models:
        assert [e.type for e in m.params.events][-len(specs) :] == [sp.event_type for sp in specs]
    s.step(1)  # every event runs
    with pytest.raises(ParameterError, match="size"):
        s.fire({"type": "demand_surge", "size": 99.0, "weeks": 2})
    s.stop_compare()
    s.step(2)
    s.model.set_params({"weeks": s.week})
    with pytest.raises(ParameterError, match="horizon"):
        s.fire({"type": "hiring_freeze", "weeks": 2})


def test_seat_history_ring_and_requests():
    s = DashboardSession()
    s.run_to(60)
    s.select(5)  # chosen after the weeks ran: their history is there at once
    rows = s.history.rows(5)
    assert len(s.history) == 52 and [r["week"] for r in rows] == list(range(9, 61))
    assert rows[-1]["morale"] == pytest.approx(float(s.model.state.morale[5]), abs=1e-6)
    assert s.snapshot().seat.history == rows
    r = seat_requests(s.model, 0)
    assert r["to_serve"] == int((s.model.state.pending.provider == 0).sum())
    assert s.snapshot().seat.info["seat"] == 5
    with pytest.raises(ParameterError):
        s.select(10_000)


def test_week_0_is_warm_and_shows_real_values():
    s = DashboardSession()
    assert not cold_start(s.model)
    df = measured(s.model.kpis(), cold=False)
    for kpi in ("revenue", "cost", "internal_on_time", "morale_mean", "customers_active"):
        assert df[kpi].iloc[0] > 0  # the warm-up's last week: a steady organization at work
    # A real week's profit (a week with several hires' replacement costs can be a loss).
    assert df["profit"].iloc[0] == df["revenue"].iloc[0] - df["cost"].iloc[0] != 0
    assert s.snapshot().runs[0].flows.level_volume.sum() > 0


def test_a_cold_week_0_shows_no_placeholders():
    s = DashboardSession()
    s.set_param("warmup_weeks", 0)
    assert cold_start(s.model)
    df = measured(s.model.kpis(), cold=True)
    for kpi in ("revenue", "profit", "internal_on_time", "quits", "turnover_annualized"):
        assert kpi in WEEKLY and np.isnan(df[kpi].iloc[0])
    for kpi in ("morale_mean", "headcount", "customers_active", "customer_satisfaction"):
        assert kpi not in WEEKLY and not np.isnan(df[kpi].iloc[0])
    links = {link.kpi: link for link in chain_links(df)}
    assert np.isnan(links["profit"].value) and not any(link.weakest for link in links.values())
    fig = kpi_figure({"pyramid": df}, ["profit", "morale_mean"])
    notes = [a["text"] for a in fig["layout"]["annotations"]]
    assert "measured from week 1" in notes
    flows_fig = json.loads(to_json(_flow_fig(s)))
    assert flows_fig["data"] == []  # no requests yet: a note, not an empty Sankey


def _flow_fig(s):
    from dashboards.figures.flows import dept_flow_figure

    return dept_flow_figure(s.snapshot().runs[0])


def _frame(n: int, drop: dict[str, float]) -> pd.DataFrame:
    """A KPI frame with steady links, except the given links, which fall by the given share."""
    rng = np.random.default_rng(0)
    base = {kpi: 0.5 for _, kpi in CHAIN} | {"profit": 1000.0, "revenue": 5000.0}
    rows = []
    for week in range(n):
        row = {k: v * (1 + 0.002 * rng.standard_normal()) for k, v in base.items()}
        if week >= n - 4:
            for kpi, share in drop.items():
                up = KPI_BY_NAME[kpi].higher_is_better is not False
                row[kpi] *= (1 - share) if up else (1 + share)
        rows.append(row)
    return pd.DataFrame(rows)


def test_the_weakest_link_is_a_link_that_fell_and_its_causes_are_named():
    assert not any(link.weakest for link in chain_links(_frame(30, {})))
    assert "No weak link" in causes_in_words(chain_links(_frame(30, {})))
    links = chain_links(_frame(30, {"internal_quality": 0.05, "profit": 0.3}))
    weakest = [link for link in links if link.weakest]
    assert [w.kpi for w in weakest] == ["profit"]
    text = causes_in_words(links, ["Demand +30% (week 20)"])
    assert "profit" in text and "internal service" in text and "Demand +30%" in text
    # A rising link is never weak, however much it moved.
    assert not any(link.weakest for link in chain_links(_frame(30, {"profit": -0.5})))
    assert not any(link.weakest for link in chain_links(_frame(8, {"profit": 0.5})))


def test_flows_and_pyramid_reflect_the_model():
    s = DashboardSession()
    s.step(5)
    m = s.model
    flows = request_flows(m)
    assert flows.source == "resolved"
    assert flows.level_volume.sum() == len(m.last_week.service.resolved_requests())
    view = s.snapshot().runs[0]
    layout = pyramid_layout(m.org)
    fig = pyramid_figure(view, layout)
    shown = len(fig["data"][0]["x"]) + len(fig["data"][1]["x"])
    assert shown == m.org.n_seats
    assert max(fig["data"][0]["y"]) <= 0  # pyramid: top at y=0, levels downward
    s.set_param("culture.service_direction", 1.0)
    inv = pyramid_figure(s.snapshot().runs[0], layout)
    assert min(inv["data"][0]["y"]) >= 0  # inverted: drawn upside down, customers on top
    assert inv["data"][2]["y"][0] > max(inv["data"][0]["y"])
    # The outline is wide at the frontline: at the top in the inverted picture.
    texts = " ".join(a.get("text", "") for a in fig["layout"]["annotations"])
    assert "serving up" in texts and "on time" in texts


def test_charts_use_human_labels_and_mark_events():
    s = DashboardSession("airline")
    s.step(3)
    s.fire({"type": "hiring_freeze", "weeks": 4})
    view = s.snapshot().runs[0]
    fig = kpi_figure({view.label: view.kpis}, list(KPI_NAMES), view.events, view.horizon)
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    assert "<b>Morale</b>" in texts and not any("morale_mean" in t for t in texts)
    assert "Hiring freeze" in texts and "Demand +35%" in texts  # fired and scheduled
    # The summer peak is seasonal: one shaded band per summer on the run's horizon.
    bands = [sh for sh in fig["layout"]["shapes"] if sh["type"] == "rect"]
    summers = [b for b in bands if b["x0"] in {21.5 + 52 * k for k in range(10)}]
    assert len(summers) == len(range(22, view.horizon + 1, 52)) >= 2
    for i in range(1, len(KPI_NAMES)):
        lo, hi = fig["layout"]["yaxis" + ("" if i == 1 else str(i))]["domain"]
        assert 0.0 <= lo < hi <= 1.0
    assert all(0.0 <= lo < hi <= 1.0 for lo, hi in panel_domains(27, 3000))


def test_exports_in_both_modes():
    s = DashboardSession()
    s.step(14)
    snap = s.snapshot()
    csv = csv_bytes(snap).decode()
    assert csv.splitlines()[0].startswith("step,week,") and len(csv.splitlines()) == 16
    html = report(snap, s.layout, s.describe())
    assert "<html" in html and "Plotly.newPlot" in html and "The service-profit chain" in html
    assert "morale_mean" not in html.split("<script")[0]  # human labels in the text
    png = view_figure(snap, s.layout)
    assert len(png["data"]) > 3 and json.loads(to_json(png))
    s.start_compare(("pyramid", "two_way"), reps=2)
    s.step(14)
    snap = s.snapshot()
    html = report(snap, s.layout, s.describe())
    assert "Differences" in html and "Two-way street" in html
    csv = pd.read_csv(pd.io.common.StringIO(csv_bytes(snap).decode()))
    assert set(csv["run"]) == {"pyramid", "two_way"} and set(csv["replication"]) == {0, 1}
    assert json.loads(to_json(view_figure(snap, s.layout)))


def test_to_json_turns_nan_into_null():
    text = to_json({"data": [{"y": np.array([1.0, np.nan]), "n": np.int64(3)}], "layout": {}})
    assert json.loads(text) == {"data": [{"y": [1.0, None], "n": 3}], "layout": {}}


def test_explain_panel_follows_the_phase_registry():
    items = mechanisms()
    titles = [m.title for m in items[: len(PHASES)]]
    assert titles == [f"{i}. {p.title}" for i, p in enumerate(PHASES, start=1)]
    assert [m.source for m in items[: len(PHASES)]] == [p.module for p in PHASES]
    assert all(m.body for m in items)


def test_story_steps_and_replay_are_reproducible():
    steps = story("airline")
    assert steps[0].title == "The organization" and len(steps) >= 4
    assert any(a[0] == "compare" for st in steps for a in st.actions)
    a, b = DashboardSession("airline"), DashboardSession("airline")
    replay(a, steps, 3)
    replay(b, steps, 3)
    assert a.week == steps[3].until
    pd.testing.assert_frame_equal(a.model.kpis(), b.model.kpis())
    assert a.model.state.service_direction == 0.0
    assert any(e.type == "demand_surge" and e.size == 0.4 for e in a.model.params.events)


def test_every_preset_loads_in_the_dashboard():
    s = DashboardSession()
    for name in preset_names():
        s.set_preset(name)
        assert s.preset == name and s.week == 0


# ---------------------------------------------------------------- issue 29: legible to people
def test_runs_and_specs_have_plain_names():
    from dashboards.names import run_title, spec_title, unique_titles

    assert spec_title("airline@two_way") == "Airline · two-way street"
    assert spec_title("two_way") == "Two-way street"
    assert spec_title("insurance_claims") == "Insurance claims centre"
    assert "(+0.5)" in spec_title("payroll@0.5") and "@" not in spec_title("payroll@0.5")
    assert run_title("pyramid", 0.0) == "Two-way street"  # the culture in force
    assert run_title("airline", -1.0) == "Airline · top-down pyramid"
    assert unique_titles(["A", "B", "A"]) == ["A (1)", "B", "A (2)"]
    s = DashboardSession("airline")
    s.start_compare(("airline", "airline@two_way"))
    assert [v.title for v in s.snapshot().runs] == [
        "Airline · top-down pyramid",
        "Airline · two-way street",
    ]
    assert "@" not in s.describe() and "Airline · two-way street" in s.describe()


def test_explain_panel_speaks_plain_language():
    import re

    code = re.compile(
        r"`|:mod:|:func:|\b[a-z]+_[a-z_]+\b|\b[Pp]hases? \d|\bsim\.|service_direction"
    )
    for m in mechanisms():
        assert not code.search(m.title + m.summary + m.body), (m.title, code.findall(m.body))
    service = next(m for m in mechanisms() if "Internal service" in m.title)
    assert "the culture" in service.body and "deadline weight" in service.body


def test_controls_read_as_words_with_their_values_and_units():
    from dashboards.controls_spec import main_controls

    for spec in [*main_controls(), *lever_controls()]:
        assert "_" not in spec.label and "·" not in spec.label, spec.label
    assert control_spec("workforce.pool_mindset_mean").label == "Service mindset of new hires"
    training = control_spec("interventions.training.intensity")
    assert training.value_text(0.0) == "off"
    assert training.value_text(1.0) == "1.0 × the default dose"
    assert control_spec("requests.mean_hours").value_text(2.5) == "2.5 h"
    assert control_spec("workforce.time_to_fill_weeks").value_text(8) == "8.0 weeks"


def test_axes_keep_a_sensible_span_and_their_bounds():
    from dashboards.figures.timeseries import axis_range

    low, high = axis_range([np.array([0.71, 0.72, 0.715])], "morale_mean")
    assert high - low >= 0.1 and low <= 0.71 and high >= 0.72
    assert axis_range([np.array([1.0])], "internal_on_time") == [0.9, 1.0]  # not 0-200%
    low, high = axis_range([np.array([9_500.0, 9_600.0])], "customers_active")
    assert high - low >= 950  # 10% of the level: a 1% wobble stays a wobble
    low, high = axis_range([np.array([2_000.0, 4_000.0])], "profit", difference=True)
    assert low <= 0 <= high  # a difference shows its zero line
    assert axis_range([np.array([np.nan])], "profit") is None
    s = DashboardSession()
    s.step(6)
    view = s.snapshot().runs[0]
    fig = kpi_figure({view.title: view.kpis}, ["internal_on_time", "morale_mean"])
    assert fig["layout"]["yaxis"]["range"][1] <= 1.0
    assert fig["layout"]["yaxis2"]["range"][1] - fig["layout"]["yaxis2"]["range"][0] >= 0.1


def test_the_weekly_profit_difference_is_smoothed_and_says_so():
    from dashboards.figures.differences import SMOOTH_WEEKS, diff_figure

    s = DashboardSession()
    s.start_compare(("pyramid", "two_way"))
    s.step(20)
    runs = {v.title: v.reps for v in s.snapshot().runs}
    profit = diff_figure(runs, "profit")
    assert f"{SMOOTH_WEEKS}-week average" in profit["layout"]["title"]["text"]
    smooth, weekly = profit["data"][1]["y"], profit["data"][0]["y"]
    assert np.nanstd(np.diff(smooth)) < np.nanstd(np.diff(weekly))
    assert "average" not in diff_figure(runs, "morale_mean")["layout"]["title"]["text"]


def test_colours_span_the_values_that_occur():
    from dashboards.figures.common import rate_colour
    from dashboards.figures.pyramid import colour_range, shared_scales

    low, high = colour_range([np.array([0.70, 0.72, 0.75])], 0.15)
    assert 0.0 < low <= 0.70 and 0.75 <= high < 1.0 and high - low >= 0.15
    s = DashboardSession()
    s.step(3)
    scales = shared_scales(s.snapshot().runs)
    lo, hi = scales.on_time
    assert hi == 1.0 and lo <= 0.9
    # 97% and 100% on time no longer look the same.
    assert rate_colour((0.97 - lo) / (hi - lo)) != rate_colour(1.0)


def test_waiting_requests_are_drawn_where_they_wait():
    s = DashboardSession()
    s.step(8)
    view = s.snapshot().runs[0]
    fig = pyramid_figure(view, pyramid_layout(view.org))
    rings = next(t for t in fig["data"] if t["name"] == "waiting")
    waiting = np.flatnonzero(view.backlog > 0.5)
    assert sorted(rings["customdata"]) == sorted(waiting.tolist()) and waiting.size
    assert np.allclose(view.backlog, s.model.state.backlog_hours)
    big = int(np.argmax(view.backlog))
    sizes = dict(zip(rings["customdata"], rings["marker"]["size"], strict=True))
    assert sizes[big] == max(sizes.values())  # the largest queue, the largest ring


def test_crowded_customer_labels_take_two_rows():
    s = DashboardSession()
    view = s.snapshot().runs[0]
    layout = pyramid_layout(view.org)

    def rows(width: int) -> int:
        fig = pyramid_figure(view, layout, width_hint=width)
        labels = [a for a in fig["layout"]["annotations"] if "customers" in a.get("text", "")]
        assert len(labels) == int(view.org.customer_facing.sum())
        return len({a["yshift"] for a in labels})

    assert rows(900) == 1 and rows(80) == 2  # neighbours that would touch alternate rows


def test_lever_and_culture_changes_are_kept_and_marked():
    s = DashboardSession()
    s.step(3)
    s.set_param("interventions.training.intensity", 1.0)
    s.set_param("interventions.training.intensity", 1.5)  # the same week: the last one counts
    s.step(2)
    s.set_param("culture.service_direction", 0.0)
    texts = [c.text for c in s.changes]
    assert texts == ["Training: 1.5 × the default dose", "Culture: two-way street"]
    assert [c.week for c in s.changes] == [3, 5]
    view = s.snapshot().runs[0]
    fig = kpi_figure({view.title: view.kpis}, ["profit"], changes=view.changes)
    notes = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "Training: 1.5" in notes and "Culture: two-way street" in notes
    s.reset()
    assert s.changes == []


def test_pause_rewinds_to_the_week_drawn_and_runs_on_identically():
    s, ref = DashboardSession(), DashboardSession()
    for _ in range(3):
        s.step(2)
        s.snapshot(drawn=True)  # frames of weeks 2, 4 and 6
    s.step(3)  # simulated ahead of them
    assert s.rewind_to_drawn(4) == 5 and s.week == 4  # the page still shows week 4
    assert s.rewind_to_drawn(99) == 0  # a week never drawn: nothing to go back to
    s.step(2)
    s.snapshot(drawn=True)
    s.step(4)
    assert s.rewind_to_drawn() == 4 and s.week == 6  # the last frame drawn
    ref.step(6)
    s.step(3)
    ref.step(3)
    pd.testing.assert_frame_equal(s.model.kpis(), ref.model.kpis())
    s.snapshot(drawn=True)
    s.step(2)
    s.fire({"type": "hiring_freeze", "weeks": 4})  # a change since: the picture is void
    assert s.rewind_to_drawn() == 0 and s.week == 11


def test_organizations_too_heavy_for_the_dashboard_are_refused(tmp_path):
    from dashboards.limits import MAX_DEPARTMENTS
    from dashboards.uploads import OwnScenarios, UploadedFile

    rows = ["employee_id,manager_id,department,frontline", "E0,,exec,false"]
    rows += [f"E{i},E0,d{i},true" for i in range(1, MAX_DEPARTMENTS + 2)]
    own = OwnScenarios()
    with pytest.raises(ParameterError, match=r"departments is more than this dashboard opens"):
        own.open([UploadedFile("many.csv", "\n".join(rows).encode())])
    heavy = b'extends = "pyramid"\n[customers]\nper_frontline = 5000\n'
    with pytest.raises(ParameterError, match=r"customers per frontline employee"):
        own.open([UploadedFile("busy.toml", heavy)])
    nul = b'extends = "pyramid"\n[org]\nchart = "chart\\u0000.csv"\n'
    with pytest.raises(ParameterError, match=r"org.chart holds a control character"):
        own.open([UploadedFile("nul.toml", nul), UploadedFile("chart.csv", b"x")])
    s = DashboardSession()
    with pytest.raises(ParameterError, match="customers"):
        s.set_param("customers.per_frontline", 5000.0)
    assert s.model.params.customers.per_frontline != 5000.0  # the run stayed as it was


def test_a_slider_shown_does_not_change_its_setting():
    """Opening "Main parameters" once moved the reports' rate from 0.5 to 0.6: a slider snaps a
    value off its grid (low + k x step, rounded as the browser rounds) and echoes it."""
    from dashboards.components.controls import _round_to_step
    from dashboards.controls_spec import main_controls

    s = DashboardSession()
    for spec in main_controls():
        if spec.widget == "slider" and spec.step != 1.0:
            echo = _round_to_step(float(s.value(spec.path)), spec)
            # What the browser sends back is on the grid and snaps to itself: the guard's test.
            assert _round_to_step(echo, spec) == echo
    spec = control_spec("requests.to_subordinate_rate")
    assert _round_to_step(0.5, spec) == 0.6  # Math.round(2.5) = 3 steps of 0.2
    assert _round_to_step(0.31, control_spec("culture.care_gap")) == 0.31
