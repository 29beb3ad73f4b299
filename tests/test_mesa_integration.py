"""Mesa integration: mesa.batch_run with dotted names, recorded seeds, agent rows, panel data."""

from __future__ import annotations

import inspect

import mesa
import numpy as np
import pandas as pd
import pytest

import sim
from sim.model import ServiceCultureModel
from sim.panel import EMPLOYEE_COLUMNS, TEAM_COLUMNS
from sim.params import ParameterError


def batch(parameters: dict, runs: int, max_steps: int) -> pd.DataFrame:
    """mesa.batch_run with ``runs`` unseeded iterations, on old (iterations) and new (rng) Mesa."""
    kw = (
        {"rng": [None] * runs}
        if "rng" in inspect.signature(mesa.batch_run).parameters
        else {"iterations": runs}
    )
    rows = mesa.batch_run(
        ServiceCultureModel,
        parameters=parameters,
        max_steps=max_steps,
        number_processes=1,
        display_progress=False,
        **kw,
    )
    return pd.DataFrame(rows)


def test_batch_run_with_dotted_names_records_seeds_and_agent_rows():
    df = batch(
        {"culture.service_direction": [-1.0, 1.0], "org.headcount": 40, "panel": "employee"},
        runs=2,
        max_steps=3,
    )
    runs = df.groupby("RunId").first()
    assert len(runs) == 4
    # Each run drew its own seed and recorded it; none repeats.
    assert runs["seed"].nunique() == 4 and (runs["seed"] > 0).all()
    # Agent rows come from the agent reporters: one per employee, with the panel columns.
    assert set(EMPLOYEE_COLUMNS) <= set(df.columns) and "AgentID" in df.columns
    one = df[df["RunId"] == runs.index[0]]
    assert one["AgentID"].is_unique and len(one) >= 30
    assert (one["AgentID"] == one["seat"] + 1).all()
    # The recorded seed reproduces the run exactly.
    row = runs.iloc[3]
    again = sim.run(
        "pyramid",
        weeks=int(row["Step"]),
        seed=int(row["seed"]),
        overrides={
            "culture.service_direction": row["culture.service_direction"],
            "org.headcount": 40,
        },
    )
    assert again["profit"].iloc[-1] == row["profit"]


def test_overrides_as_a_list_of_dicts_and_a_clear_error_for_a_dict():
    df = batch({"overrides": [{"org.headcount": 40}], "seed": [3]}, runs=1, max_steps=2)
    assert df["headcount"].iloc[-1] <= 40
    with pytest.raises(ParameterError, match="batch_run iterates"):
        batch({"overrides": {"org.headcount": 40}}, runs=1, max_steps=1)


def test_dotted_keywords_and_unknown_names():
    m = ServiceCultureModel(**{"culture.service_direction": 1.0, "org.headcount": 40}, seed=1)
    assert m.params.culture.service_direction == 1.0 and m.params.org.headcount == 40
    with pytest.raises(ParameterError, match="Did you mean"):
        ServiceCultureModel(**{"culture.service_directon": 1.0})
    with pytest.raises(ParameterError, match="panel"):
        ServiceCultureModel(panel="people")


def test_a_model_without_a_seed_draws_and_records_one():
    a, b = ServiceCultureModel(), ServiceCultureModel()
    assert a.seed != b.seed
    assert a.datacollector.get_model_vars_dataframe()["seed"].iloc[0] == a.seed
    same = ServiceCultureModel(seed=a.seed)
    assert same.rng.random() == ServiceCultureModel(seed=a.seed).rng.random()


def test_employee_panel_matches_the_agents_and_the_kpis():
    kpis, panel = sim.run("pyramid", weeks=8, seed=2, overrides={"org.headcount": 60},
                          panel="employee")  # fmt: skip
    assert list(panel.columns) == ["step", *EMPLOYEE_COLUMNS]
    assert panel.groupby("step")["quit"].sum().tolist() == kpis["quits"].astype(int).tolist()
    model = ServiceCultureModel("pyramid", seed=2, overrides={"org.headcount": 60},
                                panel="employee")  # fmt: skip
    model.run(8)
    last = panel[panel["step"] == 8].set_index("seat")
    for seat in last.index[:5]:
        e = model.employee(int(seat))
        assert e.morale == last.loc[seat, "morale"] and e.department == last.loc[seat, "department"]
        assert e.unique_id == seat + 1
    filled = last[~last["quit"]]
    assert len(filled) == kpis["headcount"].iloc[-1]
    assert filled["morale"].mean() == pytest.approx(kpis["morale_mean"].iloc[-1])
    agents = model.datacollector.get_agent_vars_dataframe()
    assert len(agents) == len(panel)


def test_team_panel_is_managers_and_their_direct_reports():
    kpis, teams = sim.run("two_way", weeks=6, seed=4, overrides={"org.headcount": 80},
                          panel="team")  # fmt: skip
    assert list(teams.columns) == ["step", *TEAM_COLUMNS]
    model = ServiceCultureModel("two_way", seed=4, overrides={"org.headcount": 80}, panel="team")
    model.run(6)
    o, s = model.org, model.state
    last = teams[teams["step"] == 6].set_index("team")
    assert set(last.index) == set(np.flatnonzero(o.is_manager))
    for team in last.index[:4]:
        members = np.flatnonzero((o.manager == team) & s.filled)
        assert last.loc[team, "size"] == (o.manager == team).sum()
        assert last.loc[team, "headcount"] == len(members)
        assert last.loc[team, "morale"] == pytest.approx(s.morale[members].mean())
    # Every voluntary quit below the top belongs to one team.
    assert teams.groupby("step")["quits"].sum().tolist() == kpis["quits"].astype(int).tolist()
    served = last["customers"].sum()
    assert served == kpis["customers_active"].iloc[-1]


def test_panel_is_opt_in():
    model = ServiceCultureModel("pyramid", seed=1)
    assert model.datacollector.agent_reporters == {}
    with pytest.raises(ParameterError, match="no panel"):
        model.panel_frame()
