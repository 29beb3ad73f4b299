"""The dashboard's Organization tab without a browser (issue 28): spans and layers of the open
organization, restructuring fired at the next week, a plan's front from a file or a small plan,
and a point opened as a compare run."""

from __future__ import annotations

import numpy as np
import pytest

import dashboards.organization as organization
from dashboards.organization import (
    SmallPlan,
    front_figure,
    front_points,
    open_point,
    point_overrides,
    read_front_bytes,
    run_small_plan,
    spans_and_layers,
)
from dashboards.session import DashboardSession
from dashboards.shocks import shock_specs
from sim.params import ParameterError
from sim.studies.plan import plan_spec, run_plan


@pytest.fixture(scope="module")
def front():
    return run_plan(plan_spec("pyramid", 300_000, weeks=6, reps=2), trials=3).front


@pytest.fixture
def session():
    s = DashboardSession(seed=1)
    yield s
    s.close()


def test_the_tab_shows_the_open_organization_after_a_restructuring(session):
    before, _ = spans_and_layers(session)
    assert before.loc["organization", "layers"] == 4
    session.fire({"type": "delayer"})
    session.step()
    after, _ = spans_and_layers(session)
    assert after.loc["organization", "layers"] == 3
    assert after.loc["organization", "seats"] < before.loc["organization", "seats"]


def test_every_restructuring_shock_of_the_panel_fires_on_the_default_preset(session):
    kinds = {"delayer", "growth", "downsize", "respan", "merger", "centralize"}
    specs = [spec for spec in shock_specs() if spec.event_type in kinds]
    assert {spec.event_type for spec in specs} == kinds
    for spec in specs:
        session.fire(spec.event())
    session.step(2)  # everything fired acts at week 1; the selected seat may be gone
    assert session.model.org.n_seats > 300, "the merger doubled the organization"
    assert "shared_services" in session.model.org.dept_names


def test_a_selected_seat_removed_by_a_restructuring_is_let_go(session):
    session.select(session.model.org.n_seats - 1)
    session.fire({"type": "downsize", "share": 0.5, "weeks": 1})
    session.step()
    assert session.selected is None or session.selected < session.model.org.n_seats


def test_a_point_of_the_front_opens_a_compare_run_with_its_levers(session, front):
    point = int(front.loc[front["cost"] > 0, "point"].iloc[0])
    over = point_overrides(front, point, [])
    doses = front[front["point"] == point].iloc[0]
    assert over["interventions.training.intensity"] == pytest.approx(doses["dose:training"])
    label = open_point(session, front, point)
    assert session.compare == (session.preset, label)
    base, chosen = (runs[0] for runs in session.compare_models)
    assert base.params.interventions.training.intensity == 0
    assert chosen.params.interventions.training.intensity == pytest.approx(doses["dose:training"])
    assert base.seed == chosen.seed, "common random numbers"
    with pytest.raises(ParameterError, match="point 99"):
        point_overrides(front, 99, [])


def test_a_front_opens_from_a_file_and_bad_files_are_refused(front, tmp_path):
    data = front.to_csv(index=False).encode()
    opened = read_front_bytes(data, "front.csv")
    assert list(front_points(opened)["point"]) == sorted(front["point"].unique())
    fig = front_figure(opened)
    assert fig["data"][0]["customdata"] == [int(p) for p in sorted(front["point"].unique())]
    with pytest.raises(ParameterError, match="not a plan's front"):
        read_front_bytes(b"a,b\n1,2\n", "other.csv")
    with pytest.raises(ParameterError, match="too large"):
        read_front_bytes(b"x" * (organization.MAX_FRONT_BYTES + 1), "big.csv")


def test_a_small_plan_runs_on_the_live_scenario(session, monkeypatch):
    monkeypatch.setattr(organization, "SMALL_WEEKS", 6)
    state = SmallPlan()
    seen: list[int] = []
    run_small_plan(session, 200_000, 3, state, lambda: seen.append(state.runs_done))
    assert not state.running and state.error == ""
    assert state.front is not None and np.isfinite(state.front["mean"]).all()
    assert max(seen) >= 3 * organization.SMALL_REPS, "progress is reported run by run"
    bad = SmallPlan()
    run_small_plan(session, -5, 3, bad)
    assert "0 or more" in bad.error and bad.front is None
