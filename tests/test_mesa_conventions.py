"""Mesa's conventions and the seeds researchers handle (issue 30, items 1, 2, 4 and 11).

``rng=`` as Mesa 3.4+ spells the seed, ``batch_run`` replications on Mesa 3.3 and 3.5, KPIs as
model attributes for a user's own DataCollector, what Mesa's SolaraViz needs from the model's
signature (the browser test drives it: tests/browser/test_mesa_solaraviz.py), seeds that
survive a float, what no seed means, and the Python API's checks of its arguments.
"""

from __future__ import annotations

import inspect

import mesa
import numpy as np
import pandas as pd
import pytest

import sim
from sim.arguments import DRAWN_SEED_LIMIT
from sim.model import ServiceCultureModel, fresh_seed
from sim.params import ParameterError
from sim.studies.seeds import replication_seeds

SMALL = {"org.headcount": 40, "warmup_weeks": 4}


def small(**kw) -> ServiceCultureModel:
    return ServiceCultureModel("pyramid", overrides=SMALL, **kw)


# ----------------------------------------------------------------------------- item 1
def test_rng_is_mesas_name_for_the_seed():
    a, b = small(rng=42), small(seed=42)
    assert a.seed == b.seed == 42
    a.run(3), b.run(3)
    pd.testing.assert_frame_equal(a.kpis(), b.kpis())
    # A generator, bit generator or seed sequence gives a recorded seed drawn from it.
    g1, g2 = small(rng=np.random.default_rng(7)), small(rng=np.random.default_rng(7))
    assert g1.seed == g2.seed and 0 <= g1.seed < DRAWN_SEED_LIMIT
    assert small(rng=np.random.SeedSequence(3)).seed == small(rng=np.random.SeedSequence(3)).seed
    assert small(rng=np.random.PCG64(5)).seed == small(rng=np.random.default_rng(5)).seed
    with pytest.raises(ParameterError, match="not both"):
        small(seed=1, rng=1)


def test_batch_run_replications_record_distinct_seeds_on_this_mesa():
    """Mesa 3.5 takes replications as rng=[...] (iterations is deprecated); Mesa 3.3 as
    iterations=N. Either way each run records the seed it ran with, all distinct."""
    new_mesa = "rng" in inspect.signature(mesa.batch_run).parameters
    kw = {"rng": [1, 2]} if new_mesa else {"iterations": 2}
    rows = mesa.batch_run(
        ServiceCultureModel,
        parameters={"org.headcount": 40, "warmup_weeks": 4},
        max_steps=2,
        number_processes=1,
        display_progress=False,
        **kw,
    )
    seeds = pd.DataFrame(rows).groupby("RunId")["seed"].first().tolist()
    assert len(seeds) == 2 and len(set(seeds)) == 2
    if new_mesa:
        assert seeds == [1, 2]


def test_a_users_datacollector_reads_kpis_as_model_attributes():
    model = small(seed=3)
    collector = mesa.DataCollector(model_reporters={"p": "profit", "m": "morale_mean"})
    for _ in range(3):
        model.step()
        collector.collect(model)
    frame = collector.get_model_vars_dataframe()
    kpis = model.kpis()
    assert frame["p"].tolist() == kpis["profit"].iloc[1:].tolist()
    assert frame["m"].tolist() == kpis["morale_mean"].iloc[1:].tolist()
    assert model.profit == model.current["profit"]
    # Mesa's own attributes are never shadowed, and other names still fail as usual.
    assert model.steps == 3 and isinstance(model.rng, np.random.Generator)
    assert not hasattr(model, "profits")


def test_the_signature_is_what_mesas_visualization_expects():
    """SolaraViz exempts only a catch-all named kwargs from its required-parameter check, and
    on Mesa 3.5 rebuilds a model from its model_params alone only when the model's Mesa
    Scenario reads as false (this model's scenario is its own)."""
    from mesa.visualization.solara_viz import _check_model_params

    parameters = inspect.signature(ServiceCultureModel.__init__).parameters
    catch_all = [p for p in parameters.values() if p.kind is p.VAR_KEYWORD]
    assert [p.name for p in catch_all] == ["kwargs"]
    assert "rng" in parameters and "seed" in parameters
    model_params = {"scenario": "two_way", "org.headcount": 40, "seed": 1}
    _check_model_params(ServiceCultureModel.__init__, model_params)  # raises when refused
    model = small(seed=1)
    assert not getattr(model, "scenario", None)
    rebuilt = type(model)(**model_params)  # what SolaraViz's Reset does
    assert rebuilt.params.culture.service_direction == 0.0 and rebuilt.seed == 1


# ----------------------------------------------------------------------------- item 2
def test_every_drawn_seed_is_exact_in_a_double():
    drawn = [fresh_seed() for _ in range(200)] + replication_seeds(0, 200)
    drawn += [ServiceCultureModel("pyramid", overrides=SMALL).seed for _ in range(3)]
    assert all(0 <= s < DRAWN_SEED_LIMIT and int(float(s)) == s for s in drawn)
    # Replication seeds do not depend on how many are asked for (compare, sweep, validate).
    assert replication_seeds(5, 3) == replication_seeds(5, 10)[:3]


def test_a_seed_read_back_as_a_float_reruns_the_same_model():
    res = sim.compare(["pyramid", "two_way"], reps=2, weeks=3, seed=4, overrides=SMALL)
    ts = res.timeseries
    row = next(ts[["seed", "step", "profit"]].iterrows())[1]  # the int seed becomes a float
    assert isinstance(row["seed"], float)
    again = sim.run(ts["scenario"].iloc[0], weeks=3, seed=row["seed"], overrides=SMALL)
    assert again["profit"].iloc[int(row["step"])] == row["profit"]
    with pytest.raises(ParameterError, match="no longer an exact seed"):
        sim.run(weeks=1, seed=float(2**60), overrides=SMALL)


# ----------------------------------------------------------------------------- item 4
def test_no_seed_means_a_fresh_recorded_seed_for_the_model_and_sim_run_alike():
    a, b = (sim.run("pyramid", weeks=2, overrides=SMALL) for _ in range(2))
    assert a.attrs["seed"] != b.attrs["seed"]  # a loop gives replications, not copies
    again = sim.run("pyramid", weeks=2, overrides=SMALL, seed=a.attrs["seed"])
    pd.testing.assert_frame_equal(again, a)
    assert small().seed != small().seed
    kpis, panel = sim.run("pyramid", weeks=1, seed=8, overrides=SMALL, panel="team")
    assert kpis.attrs["seed"] == panel.attrs["seed"] == 8


# ----------------------------------------------------------------------------- item 11
@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"weeks": 10**9}, ["weeks = 1,000,000,000", "0 to 5,200"]),
        ({"weeks": 2.7}, ["weeks = 2.7", "not a whole number"]),
        ({"weeks": -1}, ["weeks = -1", "0 to 5,200"]),
        ({"seed": 1.5}, ["seed = 1.5", "not a whole number"]),
        ({"seed": -3}, ["seed = -3", "2^63 - 1"]),
        ({"seed": 2**64}, ["out of range", "2^63 - 1"]),
        ({"seed": True}, ["seed = True"]),
        ({"seed": "12a"}, ["seed = '12a'"]),
        ({"overrides": [1, 2]}, ["overrides = [1, 2]", "dict of dotted parameter paths"]),
        ({"overrides": {1: 2}}, ["key 1 is not a dotted parameter path"]),
    ],
)
def test_the_python_api_checks_its_arguments_like_the_command_line(kwargs, words):
    with pytest.raises(ParameterError) as err:
        sim.run("pyramid", **{"weeks": 1, **kwargs})
    for word in words:
        assert word in str(err.value), str(err.value)


def test_the_model_checks_its_arguments_too():
    with pytest.raises(ParameterError, match="overrides = \\[1, 2\\]"):
        ServiceCultureModel("pyramid", overrides=[1, 2])
    model = small(seed=1)
    with pytest.raises(ParameterError, match="not a whole number"):
        model.run(2.5)
    with pytest.raises(ParameterError, match="0 to 5,200"):
        model.run(10**9)
    # Whole numbers of another type are what they say: a float 52.0, a numpy integer, digits.
    assert small(seed=np.int64(5)).seed == small(seed=5.0).seed == small(seed="5").seed == 5
    assert len(model.run(np.int32(2))) == 3
