"""Experiment files: validation with clear errors, and design expansion for every kind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.params import ParameterError
from sim.studies.experiment import (
    EXPERIMENT_DIR,
    ExperimentError,
    design_points,
    experiment_from_dict,
    load_experiment,
)


def exp(**design):
    data = {"weeks": 20, "replications": 2, "seed": 5, "design": design}
    return experiment_from_dict(data, where="t.toml", name="t")


def bad(data: dict, *fragments: str) -> None:
    with pytest.raises(ExperimentError) as info:
        experiment_from_dict(data, where="bad.toml")
    msg = str(info.value)
    assert isinstance(info.value, ParameterError)
    assert msg.startswith("bad.toml: ")
    for f in fragments:
        assert f in msg, msg


def test_bad_files_give_clear_errors():
    bad({"replicatons": 3}, "replicatons", "Did you mean 'replications'")
    bad({"weeks": "ten"}, "weeks", "whole number")
    bad({"replications": 0}, "replications", "from 1")
    bad({"design": {"kind": "gird"}}, "design.kind", "Did you mean 'grid'")
    bad(
        {"design": {"parameters": {"culture.service_directon": [0.0]}}},
        "design.parameters.culture.service_directon",
        "culture.service_direction",
    )
    bad(
        {"design": {"parameters": {"culture.service_direction": [0.0, 2.0]}}},
        "culture.service_direction",
        "out of range",
        "from -1 to 1",
    )
    bad({"design": {"parameters": {"org.levels": [3, 4.5]}}}, "org.levels", "whole number")
    bad(
        {"design": {"kind": "lhs", "parameters": {"culture.service_direction": [-1, 1]}}},
        "design.samples",
    )
    bad(
        {
            "design": {
                "kind": "sobol",
                "samples": 10,
                "parameters": {"culture.care_gap": [0, 0.3], "culture.service_direction": [-1, 1]},
            }
        },
        "power of 2",
    )
    bad(
        {
            "design": {
                "kind": "lhs",
                "samples": 4,
                "parameters": {"org.hash_ids": [False, True]},
            }
        },
        "bool fields",
    )
    bad(
        {"design": {"kind": "lhs", "samples": 4, "parameters": {"culture.care_gap": [0.3, 0.1]}}},
        "low must be below high",
    )
    bad({"outputs": {"kpis": ["proft"]}}, "outputs.kpis", "Did you mean 'profit'")
    bad({"outputs": {"window": 30}, "weeks": 20}, "outputs.window", "from 1 to 20")
    bad({"overrides": {"org.headcount": 5}}, "overrides.org.headcount", "out of range")
    bad({"scenario": "pyramd"}, "Did you mean 'pyramid'")
    bad({"weeks": 6000}, "weeks", "from 1 to 5200", "6000")
    bad({"seed": True}, "seed", "whole number")
    bad({"design": "grid"}, "design", "must be a table")
    bad({"outputs": {"kpis": []}}, "outputs.kpis", "non-empty list")
    bad({"overrides": {"org": {"headcount": 60}}}, "overrides.org", "quoted dotted paths")
    bad({"outputs": {"widnow": 3}}, "outputs.widnow", "Did you mean 'window'")
    # Several problems at once are all listed.
    bad({"weeks": 0, "description": 3}, "weeks: must be from 1", "description: must be a string")


def test_empty_and_oversized_experiments_are_refused_before_expansion():
    bad({}, "experiment is empty", "scenario")
    values = {
        "culture.service_direction": [i / 50 - 1 for i in range(100)],
        "culture.care_gap": [i / 400 for i in range(100)],
        "org.headcount": list(range(100, 200)),
        "workforce.initial_morale": [i / 100 for i in range(100)],
    }
    bad(
        {"replications": 20, "design": {"kind": "grid", "parameters": values}},
        "design:",
        "100,000,000 design points",
        "beyond the limit of 1,000,000 runs",
    )
    two = {"culture.care_gap": [0, 0.3], "culture.service_direction": [-1, 1]}
    bad({"design": {"kind": "sobol", "samples": 2**40, "parameters": two}}, "beyond the limit")
    bad({"design": {"kind": "lhs", "samples": 10**9, "parameters": two}}, "beyond the limit")


def test_load_experiment_names_file_and_missing(tmp_path: Path):
    with pytest.raises(ExperimentError, match="not found"):
        load_experiment(tmp_path / "nope.toml")
    f = tmp_path / "x.toml"
    f.write_text("weeks = 10\n[design]\nkind = 'grid'\nsampels = 3\n")
    with pytest.raises(ExperimentError, match=r"x\.toml: design\.sampels: unknown key"):
        load_experiment(f)
    f.write_text("weeks = \n")
    with pytest.raises(ExperimentError, match="invalid TOML"):
        load_experiment(f)


def test_shipped_experiments_are_valid():
    names = sorted(p.stem for p in EXPERIMENT_DIR.glob("*.toml"))
    assert {"culture_sweep", "intervention_roi", "sobol_behaviour", "depth_x_culture"} <= set(names)
    for name in names:
        e = load_experiment(name)
        points = design_points(e)
        assert len(points) >= 2, name
    roi = design_points(load_experiment("intervention_roi"))
    assert len(roi) == 17  # base + each of the eight levers alone, at dose 1 and at dose 2
    doses = roi[[c for c in roi.columns if c.endswith(".intensity")]]
    assert (doses > 0).sum(axis=1).max() == 1


def test_grid_is_full_factorial_and_one_at_a_time_varies_one():
    g = design_points(
        exp(parameters={"culture.service_direction": [-1.0, 0.0, 1.0], "org.levels": [3, 4]})
    )
    assert len(g) == 6
    assert set(map(tuple, g[["culture.service_direction", "org.levels"]].to_numpy())) == {
        (d, lv) for d in (-1, 0, 1) for lv in (3, 4)
    }
    o = design_points(
        exp(
            kind="one_at_a_time",
            parameters={
                "interventions.training.intensity": [0.0, 1.0],
                "culture.service_direction": [-1.0, 0.0, 1.0],
            },
        )
    )
    # base (pyramid, training off), training on, two_way, inverted
    assert len(o) == 4
    assert o.loc[0, "label"] == "base"
    changed = (o.drop(columns="label") != o.drop(columns="label").iloc[0]).sum(axis=1)
    assert changed.tolist() == [0, 1, 1, 1]


@pytest.mark.parametrize("kind,samples,rows", [("lhs", 7, 7), ("sobol", 8, 32), ("morris", 3, 9)])
def test_sampled_designs_are_seeded_bounded_and_round_ints(kind, samples, rows):
    params = {"culture.care_gap": [0.1, 0.3], "org.levels": [3, 6]}
    a = design_points(exp(kind=kind, samples=samples, parameters=params))
    b = design_points(exp(kind=kind, samples=samples, parameters=params))
    assert len(a) == rows
    assert a.equals(b)  # same root seed -> same design
    assert a["culture.care_gap"].between(0.1, 0.3).all()
    assert a["org.levels"].between(3, 6).all()
    assert a["org.levels"].dtype.kind == "i"
    assert np.allclose(a["org.levels"], np.rint(a["raw.org.levels"]))
    other = experiment_from_dict(
        {"weeks": 20, "seed": 6, "design": {"kind": kind, "samples": samples, "parameters": params}}
    )
    assert not design_points(other)["culture.care_gap"].equals(a["culture.care_gap"])
