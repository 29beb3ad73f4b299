"""ServiceCultureModel: API, reproducibility, Mesa integration."""

from __future__ import annotations

import itertools

import mesa
import numpy as np
import pandas as pd
import pytest

import sim
from sim.kpis import KPI_NAMES
from sim.model import ServiceCultureModel
from sim.params import ParameterError

REQUIRED = [
    "morale_mean",
    "mindset_mean",
    "skill_mean",
    "headcount",
    "vacancies",
    "quits",
    "turnover_annualized",
    "internal_requests",
    "internal_on_time",
    "service_level_up",
    "service_level_down",
    "service_level_lateral",
    "internal_quality",
    "productivity",
    "customers_active",
    "customer_satisfaction",
    "customers_acquired",
    "customers_lost",
    "referrals",
    "revenue",
    "cost",
    "profit",
    "customer_lifetime_value",
]


def test_kpi_frame_has_one_row_per_step_including_step_zero():
    df = sim.run("pyramid", weeks=12, seed=1)
    assert list(df.index) == list(range(13))
    assert df.index.name == "step"
    for name in REQUIRED:
        assert name in df.columns, name
    assert list(df.columns) == list(KPI_NAMES)
    assert df["week"].tolist() == list(range(13))


def test_same_seed_identical_frames():
    a = sim.run("two_way", weeks=30, seed=7)
    b = sim.run("two_way", weeks=30, seed=7)
    pd.testing.assert_frame_equal(a, b)


def test_different_seeds_differ():
    a = sim.run("pyramid", weeks=30, seed=1)
    b = sim.run("pyramid", weeks=30, seed=2)
    assert not a.equals(b)
    assert (a["morale_mean"] != b["morale_mean"]).iloc[1:].any()


def test_overrides_reach_the_model():
    m = ServiceCultureModel("pyramid", overrides={"org.headcount": 57}, seed=0)
    assert m.org.n_seats == 57
    assert m.params.org.headcount == 57
    assert m.current["headcount"] + m.current["vacancies"] == 57  # warm: a vacancy or two


def test_run_returns_kpis_and_steps_count():
    m = ServiceCultureModel("inverted", seed=3)
    df = m.run(5)
    assert m.steps == 5
    assert len(df) == 6
    assert df["service_direction"].iloc[-1] == 1.0


def test_agents_are_views_over_the_arrays():
    m = ServiceCultureModel("pyramid", overrides={"org.headcount": 40}, seed=0)
    m.run(3)
    assert len(m.agents) == 40
    e = m.employee(5)
    assert isinstance(e, mesa.Agent)
    assert e.morale == pytest.approx(m.state.morale[5])
    e.morale = 0.25
    assert m.state.morale[5] == 0.25
    with pytest.raises(ValueError, match="between 0 and 1"):
        e.morale = 1.5
    assert e.manager is not None and e.manager.level == e.level - 1
    assert m.employee(0).manager is None
    snapshot = e.as_dict()
    assert snapshot["seat"] == 5 and 0 <= snapshot["skill"] <= 1
    # model.agents works as in any Mesa model.
    morale = m.agents.get("morale")
    assert np.allclose(morale, m.state.morale)


def test_mesa_batch_run_returns_rows():
    rows = mesa.batch_run(
        ServiceCultureModel,
        parameters={"scenario": ["pyramid", "two_way"], "seed": [1]},
        max_steps=10,
        display_progress=False,
    )
    assert len(rows) == 2
    assert {r["scenario"] for r in rows} == {"pyramid", "two_way"}
    assert all("morale_mean" in r and r["Step"] == 10 for r in rows)


def test_unknown_scenario_is_a_clear_error():
    with pytest.raises(
        sim.ScenarioError, match=r"unknown scenario 'piramid'.*Did you mean 'pyramid'"
    ):
        ServiceCultureModel("piramid")


def test_bad_override_is_a_clear_error():
    with pytest.raises(sim.ParameterError, match="org.headcount"):
        ServiceCultureModel("pyramid", overrides={"org.headcount": 5})


def test_organization_sizes_span_and_levels():
    from sim.org import level_sizes

    for n in (20, 300, 1000, 100_000):
        sizes = level_sizes(n)
        assert sum(sizes) == n and sizes[0] == 1
        assert all(b >= a for a, b in itertools.pairwise(sizes))
    assert len(level_sizes(1000, levels=5)) == 5
    assert level_sizes(300, levels=3, span=10) == [1, 10, 289]
    with pytest.raises(sim.ParameterError, match="needs more than"):
        level_sizes(30, levels=5, span=10)


def test_every_seat_has_a_manager_one_level_up():
    m = ServiceCultureModel("pyramid", overrides={"org.headcount": 1000}, seed=0)
    o = m.org
    below = o.level > 0
    assert (o.manager[~below] == -1).all()
    assert (o.level[o.manager[below]] == o.level[below] - 1).all()
    # Teams sit inside departments (contiguous blocks): almost every report shares a department.
    same = o.dept[o.manager[below]] == o.dept[below]
    assert same.mean() > 0.95
    assert o.frontline.sum() > 0 and not o.frontline[o.is_manager].any()


@pytest.mark.parametrize(("headcount", "levels"), [(40, 5), (20, 12), (25, 6), (100_000, 12)])
def test_levels_for_any_headcount_build_or_fail_fast(headcount, levels):
    """Spans near 1 used to loop forever; now every combination builds or raises at once."""
    from sim.org import level_sizes

    try:
        sizes = level_sizes(headcount, levels=levels)
    except sim.ParameterError as err:
        assert "not possible" in str(err)
    else:
        assert len(sizes) == levels and sum(sizes) == headcount and sizes[0] == 1
        assert all(b >= a for a, b in itertools.pairwise(sizes))


def test_set_params_applies_from_the_next_week():
    model = ServiceCultureModel("pyramid", overrides={"org.headcount": 80}, seed=3)
    twin = ServiceCultureModel("pyramid", overrides={"org.headcount": 80}, seed=3)
    model.run(4)
    twin.run(4)
    params = model.set_params({"interventions.recognition.intensity": 1.0})
    assert params.interventions.recognition.intensity == 1.0 and model.params is params
    pd.testing.assert_frame_equal(model.kpis(), twin.kpis())  # the past is untouched
    model.step()
    twin.step()
    assert model.current["cost"] > twin.current["cost"]  # the lever's cost from week 5 on


def test_set_params_culture_sets_the_culture_in_force():
    model = ServiceCultureModel("pyramid", seed=0)
    model.set_params({"culture.service_direction": 0.0})
    assert model.state.service_direction == 0.0
    model.step()
    assert model.current["service_direction"] == 0.0


@pytest.mark.parametrize(
    "overrides,fragment",
    [
        ({"workforce.effort_min": 1.5}, "effort_max"),  # in range, but breaks a cross-field rule
        ({"culture.service_direction": 3}, "culture.service_direction"),
        ({"culture.servce_direction": 0}, "Did you mean"),
        ({"org.headcount": 500}, "cannot change mid-run"),
    ],
)
def test_set_params_rejects_and_leaves_the_model_untouched(overrides, fragment):
    model = ServiceCultureModel("pyramid", overrides={"org.headcount": 60}, seed=1)
    model.run(2)
    before_params, before_direction = model.params, model.state.service_direction
    with pytest.raises(ParameterError, match=fragment.replace(".", r"\.")):
        model.set_params(overrides)
    assert model.params is before_params
    assert model.state.service_direction == before_direction
    model.step()  # and it still runs
