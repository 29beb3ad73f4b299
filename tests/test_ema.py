"""The EMA Workbench adapter: schema bounds and kinds, 4 experiments with SequentialEvaluator."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.params import ParameterError, field_spec

ew = pytest.importorskip("ema_workbench")


def test_uncertainties_carry_the_schema_bounds_and_kinds():
    m = sim.ema.model(
        uncertainties=["culture.service_direction", "org.levels", "org.hash_ids"],
        outcomes=["profit", "turnover_annualized", "service_direction"],
        weeks=4,
    )
    by_name = {sim.ema.to_path(u.name): u for u in m.uncertainties}
    assert all(u.name.isidentifier() for u in m.uncertainties)
    real = by_name["culture.service_direction"]
    assert isinstance(real, ew.RealParameter)
    assert (real.lower_bound, real.upper_bound) == (-1.0, 1.0)
    levels = by_name["org.levels"]
    spec = field_spec("org.levels")
    assert isinstance(levels, ew.IntegerParameter)
    assert (levels.lower_bound, levels.upper_bound) == (spec.low, spec.high)
    assert isinstance(by_name["org.hash_ids"], ew.BooleanParameter)
    kinds = {o.name: o.kind for o in m.outcomes}
    assert kinds == {
        "profit": ew.ScalarOutcome.MAXIMIZE,
        "turnover_annualized": ew.ScalarOutcome.MINIMIZE,
        "service_direction": ew.ScalarOutcome.INFO,
    }
    with pytest.raises(ParameterError, match="Did you mean"):
        sim.ema.model(["culture.service_directon"])
    with pytest.raises(ParameterError, match="outside"):
        sim.ema.model({"culture.care_gap": (0.0, 2.0)})
    with pytest.raises(ParameterError, match="unknown KPI"):
        sim.ema.model(["culture.care_gap"], outcomes=["proft"])


@pytest.mark.integration
def test_four_experiments_with_the_sequential_evaluator():
    m = sim.ema.model(
        uncertainties={"culture.service_direction": None, "behaviour.service_weight": (0.5, 1.0)},
        outcomes=["profit", "morale_mean"],
        overrides={"org.headcount": 40},
        weeks=6,
        window=3,
        replications=2,
        seed=3,
    )
    with ew.SequentialEvaluator(m) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=4)
    assert len(experiments) == 4 and outcomes["profit"].shape == (4,)
    assert experiments["behaviour__service_weight"].between(0.5, 1.0).all()
    # Experiment 2 is the mean over the two replication seeds of the last 3 weeks' mean.
    row = experiments.iloc[2]
    paths = ("culture.service_direction", "behaviour.service_weight")
    values = {p: float(row[sim.ema.to_name(p)]) for p in paths}
    means = []
    for seed in sim.studies.seeds.replication_seeds(3, 2):
        df = sim.run("pyramid", weeks=6, seed=seed, overrides={"org.headcount": 40, **values})
        means.append(df["morale_mean"].iloc[-3:].mean())
    assert outcomes["morale_mean"][2] == pytest.approx(np.mean(means), rel=1e-12)
