"""Shared warm-ups: which runs may share one (the rule, on both sides) and studies that use it
give exactly the results of warming up every run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.forks import WarmStarts, shares_warmup, warmup_params, warmup_reads
from sim.model import ServiceCultureModel
from sim.overrides import apply_overrides
from sim.params import Params
from sim.scenario import load_scenario
from sim.studies.compare import compare
from sim.studies.experiment import experiment_from_dict
from sim.studies.sweep import plan_runs, rerun, schedule_runs, sweep

SMALL = {"org.headcount": 90, "warmup_weeks": 30}
BASE = apply_overrides(load_scenario("pyramid"), SMALL)
SEASON = {"type": "demand_surge", "week": 20, "size": 0.4, "weeks": 6, "every": 52}

# Runs that differ only in what acts from week 1: levers, one-off events (of every kind), the
# horizon, a later culture change.
SHARING = {
    "a lever": {"interventions.training.intensity": 2.0},
    "lever costs and saturation": {
        "interventions.recognition.cost_per_employee_week": 9.0,
        "interventions.saturation": 2.0,
    },
    "the horizon": {"weeks": 104},
    "one-off events": {
        "events": [
            {"type": "demand_surge", "week": 3, "size": 0.5, "weeks": 4},
            {"type": "hiring_freeze", "week": 2, "weeks": 5},
            {"type": "budget_cut", "week": 2, "share": 0.2, "weeks": 5},
            {"type": "key_person_leaves", "week": 1, "level": 1, "count": 2},
            {"type": "layoffs", "week": 4, "share": 0.1},
        ]
    },
    "a later leadership change": {
        "events": [{"type": "leadership_change", "week": 5, "service_direction": 1.0}]
    },
}
# Parameters the warm-up reads: a culture, a seasonal surge, a behavioural rate, a structural
# parameter, the warm-up's length.
NOT_SHARING = {
    "the culture": {"culture.service_direction": 0.0},
    "a seasonal surge": {"events": [SEASON]},
    "a behavioural rate": {"behaviour.morale_adjust_rate": 0.12},
    "the organization": {"org.headcount": 95},
    "the warm-up's length": {"warmup_weeks": 31},
}


@pytest.mark.parametrize("name", list(SHARING))
def test_runs_that_differ_in_what_acts_from_week_1_share_a_warm_up(name: str):
    other = apply_overrides(BASE, SHARING[name])
    assert shares_warmup(BASE, other)
    # Checked against the model itself: built directly, both reach the same week 0, bit for
    # bit (their parameters aside).
    a, b = (ServiceCultureModel(p, seed=5).checkpoint() for p in (BASE, other))
    assert [d for d in a.differences(b) if not d.startswith("model.params")] == []


@pytest.mark.parametrize("name", list(NOT_SHARING))
def test_runs_that_differ_in_what_the_warm_up_reads_do_not_share(name: str):
    other = apply_overrides(BASE, NOT_SHARING[name])
    assert not shares_warmup(BASE, other)
    a, b = (ServiceCultureModel(p, seed=5).checkpoint() for p in (BASE, other))
    assert any(d.startswith("array model.state") for d in a.differences(b)), (
        f"{name} no longer changes week 0: the warm-up stopped reading it, so "
        "sim.forks.warmup_params could let such runs share"
    )


def test_the_rule_per_path_agrees_with_the_rule_per_run():
    assert not warmup_reads("interventions.training.intensity")
    assert not warmup_reads("weeks")
    for path in (
        "culture.service_direction",
        "events",
        "org.headcount",
        "warmup_weeks",
        "behaviour.morale_adjust_rate",
        "interventions_extra",
    ):
        assert warmup_reads(path), path
    kept = warmup_params(
        apply_overrides(BASE, {"events": [SEASON, *SHARING["one-off events"]["events"]]})
    )
    assert [ev.type for ev in kept.events] == ["demand_surge"] and kept.events[0].every == 52


def test_warm_starts_give_exactly_the_directly_built_model():
    warm = WarmStarts()
    variants = [apply_overrides(BASE, o) for o in SHARING.values()]
    for params in [BASE, *variants]:
        forked = warm.model(params, seed=7)
        direct = ServiceCultureModel(params, seed=7)
        assert direct.checkpoint().differences(forked.checkpoint()) == []
        forked.run(12)
        direct.run(12)
        pd.testing.assert_frame_equal(direct.kpis(), forked.kpis(), check_exact=True)
    assert (warm.warmups, warm.forks) == (1, len(variants))
    warm.model(apply_overrides(BASE, NOT_SHARING["the culture"]), seed=7)
    warm.model(BASE, seed=8)
    assert warm.warmups == 3


def test_warm_starts_keep_within_their_memory():
    warm = WarmStarts(max_bytes=1)
    warm.model(BASE, seed=1)
    warm.model(BASE, seed=2)
    assert len(warm._kept) == 1  # the most recent one is always kept
    warm.model(BASE, seed=2)
    assert warm.forks == 1


def test_compare_with_shared_warm_ups_equals_warming_up_every_run():
    specs = ["pyramid", "two_way_program", "two_way", "pyramid@two_way"]
    kw = {"reps": 2, "weeks": 10, "seed": 3, "overrides": SMALL}
    shared = compare(specs, **kw)
    alone = compare(specs, shared_warmups=False, **kw)
    pd.testing.assert_frame_equal(shared.timeseries, alone.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(shared.summary, alone.summary, check_exact=True)
    assert shared.timeseries["scenario"].tolist() == alone.timeseries["scenario"].tolist()


def test_a_lever_sweep_shares_warm_ups_and_equals_each_run_alone(tmp_path: Path):
    exp = experiment_from_dict(
        {
            "scenario": "pyramid",
            "weeks": 8,
            "replications": 2,
            "seed": 4,
            "overrides": SMALL,
            "design": {
                "kind": "grid",
                "parameters": {
                    "interventions.training.intensity": [0.0, 1.0, 3.0],
                    "culture.service_direction": [-1.0, 0.0],
                },
            },
            "outputs": {"kpis": ["profit", "morale_mean"], "window": 4, "timeseries": True},
        },
        where="test",
        name="levers",
    )
    order = list(schedule_runs(exp))
    assert sorted(r.run_id for r in order) == [r.run_id for r in plan_runs(exp)]
    # Points of one culture come together, replication by replication.
    assert [(r.values["culture.service_direction"], r.rep) for r in order[:3]] == [(-1.0, 0)] * 3
    runs = sweep(exp, workers=1, out=tmp_path / "sweep", progress=False, batch_size=6)
    assert (runs["status"] == "ok").all()
    series = pd.read_parquet(tmp_path / "sweep" / "timeseries")
    for run_id in runs["run_id"]:
        alone = rerun(tmp_path / "sweep", run_id)  # builds the model and its warm-up itself
        mine = series[series["run_id"] == run_id].set_index("step")[["profit", "morale_mean"]]
        np.testing.assert_array_equal(mine.to_numpy(), alone[["profit", "morale_mean"]].to_numpy())


def test_ema_policies_share_warm_ups_and_equal_each_run_alone():
    ew = pytest.importorskip("ema_workbench")
    m = sim.ema.model(
        uncertainties={"behaviour.morale_adjust_rate": (0.05, 0.1)},
        levers={"interventions.training.intensity": (0.0, 3.0)},
        outcomes=["profit"],
        overrides=SMALL,
        weeks=6,
        window=3,
        replications=2,
        seed=2,
    )
    with ew.SequentialEvaluator(m) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=2, policies=3)
    runner = m.function
    assert runner._warm.warmups == 4 and runner._warm.forks == 8  # 2 scenarios x 2 seeds
    for i in (0, 5):
        row = experiments.iloc[i]
        values = {
            "behaviour.morale_adjust_rate": float(row["behaviour__morale_adjust_rate"]),
            "interventions.training.intensity": float(row["interventions__training__intensity"]),
        }
        means = [
            sim.run("pyramid", weeks=6, seed=s, overrides={**SMALL, **values})["profit"]
            .iloc[-3:]
            .mean()
            for s in sim.studies.seeds.replication_seeds(2, 2)
        ]
        assert outcomes["profit"][i] == np.mean(means)


def test_params_of_a_fork_are_the_runs_own():
    levers = apply_overrides(BASE, SHARING["a lever"])
    warm = WarmStarts()
    warm.model(BASE, seed=1)
    fork = warm.model(levers, seed=1)
    assert fork.params == levers and isinstance(fork.params, Params)
