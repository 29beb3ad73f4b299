"""Scenario library: every preset loads and runs; inheritance, culture specs and TOML export."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim.params import LEVERS
from sim.scenario import (
    CULTURE_PRESETS,
    ScenarioError,
    load_scenario,
    preset_names,
    scenario_info,
    scenario_toml,
)

ORGANIZATIONS = ("airline", "restaurant", "insurance_claims", "manufacturing", "payroll")


def test_the_library_has_the_cultures_and_organizations_of_the_issue():
    names = set(preset_names())
    assert {"pyramid", "two_way", "inverted", "two_way_program", *ORGANIZATIONS} <= names


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_loads_describes_itself_and_runs_52_weeks(name):
    info = scenario_info(name)
    assert info["description"] and len(info["description"]) < 140
    assert len(info["narrative"]) > 150, "a narrative of what to watch"
    assert len(info["notice"]) >= 2 and len(info["try"]) >= 2, "things to notice and to try"
    assert "--" not in info["narrative"], "the dashboard shows it: no command-line syntax"
    params = load_scenario(name)
    assert math.isclose(sum(d.share for d in params.org.departments), 1.0)
    assert 150 <= params.org.headcount <= 600, "keep presets modest so tests stay fast"
    df = sim.run(name, weeks=52, seed=3)
    assert len(df) == 53
    last = df.iloc[-1]
    assert 0 < last["headcount"] <= params.org.headcount
    assert 0 < last["customer_satisfaction"] < 1 and last["customers_active"] > 0
    assert np.isfinite(df.to_numpy(dtype=float)).all()


@pytest.mark.parametrize("name", ORGANIZATIONS)
def test_organizations_are_real_departments_with_dependencies(name):
    p = load_scenario(name)
    depts = p.org.departments
    assert len(depts) >= 5
    assert any(d.customer_facing for d in depts) and not all(d.customer_facing for d in depts)
    dep = np.array(p.org.dependency)
    assert dep.shape == (len(depts), len(depts))
    assert not np.allclose(dep, dep[0, 0]), "the matrix encodes who depends on whom"
    assert p.culture.service_direction == -1.0, "organizations default to the pyramid"


def test_source_material_names_appear():
    def names(n):
        return {d.name for d in load_scenario(n).org.departments}

    assert {"cabin_crew", "flight_deck", "ground_operations", "maintenance"} <= names("airline")
    assert {"expediters", "wait_staff", "culinary_staff"} <= names("restaurant")
    assert {
        "claims_call_centre",
        "local_branch",
        "account_agents",
        "claims_adjusters",
        "accounts_payable",
    } <= names("insurance_claims")
    assert {"production", "quality", "sales", "customer_service", "logistics"} <= names(
        "manufacturing"
    )


def test_payroll_is_a_small_situational_dependency_of_everyone():
    p = load_scenario("payroll")
    names = [d.name for d in p.org.departments]
    idx = names.index("payroll")
    column = np.array(p.org.dependency)[:, idx]
    assert p.org.departments[idx].share <= 0.05
    assert (column > 0).all(), "every department needs payroll"
    # ... but the operational ones only a few times a year per member (finance works with it
    # weekly, payroll with itself)
    situational = [i for i, n in enumerate(names) if n not in ("payroll", "finance")]
    assert len(situational) >= 3
    assert (column[situational] * 52 < 6).all()


def test_two_way_program_enables_all_eight_levers():
    p = load_scenario("two_way_program")
    assert p.culture.service_direction == 0.0
    doses = {lever: getattr(p.interventions, lever).intensity for lever in LEVERS}
    assert len(doses) == 8 and all(v == 1.0 for v in doses.values())


def test_extends_inherits_and_overrides(tmp_path):
    base = tmp_path / "base.toml"
    base.write_text('description = "base"\n[org]\nheadcount = 120\n[culture]\ncare_gap = 0.2\n')
    child = tmp_path / "child.toml"
    child.write_text('extends = "base"\n[culture]\nservice_direction = 0.5\n')
    p = load_scenario(child)
    assert p.org.headcount == 120 and p.culture.care_gap == 0.2
    assert p.culture.service_direction == 0.5
    assert scenario_info(child)["description"] == "", "description is not inherited"
    # extending a preset by name
    (tmp_path / "air.toml").write_text('extends = "airline"\n[org]\nheadcount = 200\n')
    air = load_scenario(tmp_path / "air.toml")
    assert air.org.headcount == 200 and air.org.departments[0].name == "cabin_crew"


@pytest.mark.parametrize("culture", CULTURE_PRESETS)
def test_culture_spec_runs_an_organization_under_a_culture(culture):
    p = load_scenario(f"airline@{culture}")
    assert p.culture.service_direction == load_scenario(culture).culture.service_direction
    assert p.org == load_scenario("airline").org
    assert load_scenario("payroll@0.5").culture.service_direction == 0.5


def test_bad_culture_spec_lists_the_cultures():
    with pytest.raises(ScenarioError, match="unknown culture 'twoway'.*pyramid, two_way"):
        load_scenario("airline@twoway")
    with pytest.raises(ScenarioError, match="unknown scenario 'airlne'.*Did you mean 'airline'"):
        load_scenario("airlne@two_way")


@pytest.mark.parametrize("name", preset_names())
def test_show_toml_loads_back_to_the_same_parameters(tmp_path, name):
    text = scenario_toml(name)
    assert "null" not in text and "None" not in text
    path = tmp_path / f"{name}_copy.toml"
    path.write_text(text)
    assert load_scenario(path) == load_scenario(name)
    assert scenario_info(path)["description"] == scenario_info(name)["description"]


def test_notice_and_try_are_lists_of_texts_and_not_inherited(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "pyramid"\nnotice = "one line"\n')
    with pytest.raises(ScenarioError, match="notice .* must be a list of text strings"):
        load_scenario(bad)
    bad.write_text('extends = "pyramid"\ntry = ["ok", 3]\n')
    with pytest.raises(ScenarioError, match="try"):
        load_scenario(bad)
    child = tmp_path / "child.toml"
    child.write_text('extends = "pyramid"\n')
    assert scenario_info(child)["notice"] == [] and scenario_info("pyramid")["notice"]
    text = scenario_toml("pyramid")
    assert "notice = [" in text and "try = [" in text
