"""Dashboard logic without a browser: controls from the schema, session isolation and lockstep,
flows, the chain strip's weakest link, exports and the step + render timing."""

from __future__ import annotations

import numpy as np
import pytest

from dashboards.controls_spec import LEVER_PATHS, control_spec, label_for, lever_controls
from dashboards.flows import request_flows, seat_requests
from dashboards.render import (
    chain_links,
    kpi_csv,
    kpi_figure,
    pyramid_figure,
    pyramid_layout,
    report_html,
    step_and_render,
)
from dashboards.session import DashboardSession
from sim.params import FIELDS, LEVERS, ParameterError
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


def test_sessions_are_independent_and_compare_runs_in_lockstep():
    a, b = DashboardSession(), DashboardSession()
    a.step(3)
    assert (a.week, b.week) == (3, 0)
    a.start_compare(("pyramid", "two_way"))
    a.step(4)
    assert [m.steps for m in a.compare_models] == [4, 4]
    frames = a.frames()
    assert list(frames) == ["pyramid", "two_way"]
    # Common random numbers: same seed, so week 0 headcount/customers agree exactly.
    assert (
        frames["pyramid"].iloc[0]["customers_active"]
        == frames["two_way"].iloc[0]["customers_active"]
    )
    assert frames["two_way"]["service_direction"].iloc[-1] == 0.0
    with pytest.raises(ParameterError):
        a.start_compare(("pyramid",))


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


def test_seat_history_ring_and_requests():
    s = DashboardSession()
    s.select(5)
    s.run_to(60)
    assert len(s.history) == 52 and s.history[-1]["week"] == 60
    assert s.history[-1]["morale"] == pytest.approx(float(s.model.state.morale[5]))
    r = seat_requests(s.model, 0)
    assert r["to_serve"] == int((s.model.state.pending.provider == 0).sum())
    with pytest.raises(ParameterError):
        s.select(10_000)


def test_flows_and_pyramid_reflect_the_model():
    s = DashboardSession()
    s.step(5)
    m = s.model
    flows = request_flows(m)
    # The flows are last week's resolved requests, with their on-time share as colour.
    assert flows.source == "resolved"
    assert flows.level_volume.sum() == len(m.last_week.service.resolved_requests())
    ok = np.nan_to_num(flows.level_on_time, nan=0.5)
    assert ((ok >= 0) & (ok <= 1)).all()
    layout = pyramid_layout(m.org)
    fig = pyramid_figure(m, layout)
    shown = len(fig.data[0].x) + len(fig.data[1].x)
    assert shown == m.org.n_seats
    assert fig.data[0].y.max() <= 0  # pyramid: top at y=0, levels downward
    s.set_param("culture.service_direction", 1.0)
    inv = pyramid_figure(m, layout)
    assert inv.data[0].y.min() >= 0  # inverted: drawn upside down, customers on top
    assert inv.data[2].y[0] > inv.data[0].y.max()


def test_chain_marks_exactly_one_weakest_link():
    s = DashboardSession()
    s.step(12)
    links = chain_links(s.model.kpis())
    assert sum(link.weakest for link in links) == 1
    weakest = next(link for link in links if link.weakest)
    assert weakest.relative == min(link.relative for link in links)
    assert not any(link.weakest for link in chain_links(s.model.kpis().iloc[:2]))


def test_exports_and_timing():
    s = DashboardSession()
    s.step(3)
    df = s.model.kpis()
    csv = kpi_csv(df).decode()
    assert csv.splitlines()[0].startswith("step,week,")
    assert len(csv.splitlines()) == 5
    html = report_html({"KPIs": kpi_figure({"pyramid": df})}, "report")
    assert "<html>" in html and "plotly" in html.lower() and len(html) > 1_000_000
    secs = [step_and_render(s.model, s.layout(s.model)) for _ in range(5)]
    assert s.week == 8
    assert np.median(secs) < 0.1  # room for >= 10 weeks per second


def test_every_preset_loads_in_the_dashboard():
    s = DashboardSession()
    for name in preset_names():
        s.set_preset(name)
        assert s.preset == name and s.week == 0
