"""``servicechain plan`` and ``sim.plan``: the best portfolio of levers under a budget (issue 28).

Acceptance: a plan writes a Pareto table of at least 3 points whose re-evaluated outcomes fall
inside their reported CIs, and an HTML report; a budget below zero and an objective that is not
a KPI exit 2. Also: every portfolio fits the budget, the first trial is the baseline, the search
is reproducible and resumes exactly, the front is re-run on seeds the search never used.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli.main import main
from sim.params import LEVERS, ParameterError
from sim.studies.html import read_figures
from sim.studies.plan import (
    check_front,
    objectives_from,
    plan_spec,
    read_front,
    run_plan,
    storage_url,
    write_outputs,
)

TINY = {"weeks": 8, "reps": 2}


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------------------- bad input
def test_an_objective_that_is_not_a_kpi_is_refused(capsys):
    with pytest.raises(ParameterError, match="Did you mean 'profit'"):
        objectives_from(["profitt"])
    with pytest.raises(ParameterError, match="no better direction"):
        objectives_from(["hires"])
    code, _, err = run_cli(capsys, "plan", "pyramid", "--budget", "1000", "--objectives",
                           "profit,happiness")  # fmt: skip
    assert code == 2 and "'happiness' is not a KPI" in " ".join(err.split())
    assert "Traceback" not in err


@pytest.mark.parametrize("budget", ["-1", "nan"])
def test_a_budget_below_zero_is_refused(capsys, budget):
    with pytest.raises(ParameterError, match="0 or more"):
        plan_spec("pyramid", float(budget))
    code, out, err = run_cli(capsys, "plan", "pyramid", "--budget", budget, "--trials", "2")
    assert code == 2 and "budget" in err and "0 or more" in err and "Traceback" not in err
    assert "planning" not in out, "nothing runs"


def test_unknown_levers_and_a_bad_window_are_refused():
    with pytest.raises(ParameterError, match="unknown trainig"):
        plan_spec("pyramid", 1000, levers=["trainig"])
    with pytest.raises(ParameterError, match="within 1-8"):
        plan_spec("pyramid", 1000, weeks=8, window=(3, 9))


# ----------------------------------------------------------------------------- the budget
def test_every_portfolio_fits_the_budget_and_keeps_its_proportions():
    spec = plan_spec("pyramid", 100_000)
    unit = spec.unit_costs()
    assert unit["training"] == pytest.approx(8.0 * 52 * spec.seats)
    doses, cost = spec.portfolio({"training": 2.0, "recognition": 1.0})
    assert cost == pytest.approx(100_000)
    assert doses["training"] == pytest.approx(2 * doses["recognition"])
    cheap, cost = spec.portfolio({"close_the_loop": 0.5})
    assert cheap["close_the_loop"] == 0.5 and cost == pytest.approx(0.5 * unit["close_the_loop"])


# ----------------------------------------------------------------------------- the search
def test_a_plan_finds_a_front_re_evaluated_on_fresh_seeds():
    spec = plan_spec("pyramid", 200_000, **TINY)
    result = run_plan(spec, trials=5)
    trials = result.trials
    assert len(trials) == 5
    assert (trials["cost"] <= 200_000 + 1e-6).all()
    first = trials.iloc[0]
    assert first["cost"] == 0 and all(first[f"dose:{k}"] == 0 for k in LEVERS), "baseline first"
    assert result.baseline["profit"] == first["profit"]
    assert set(spec.fresh_seeds).isdisjoint(spec.seeds)
    front = result.front
    assert set(front["objective"]) == {"profit", "turnover_annualized", "customer_satisfaction"}
    assert set(front["trial"]) == set(trials.loc[trials["pareto"], "trial"])
    # No front point is beaten on every objective by another trial.
    # Turnover is minimized: flip its sign so that higher is better on every column.
    scores = trials.set_index("trial")[["profit", "turnover_annualized", "customer_satisfaction"]]
    scores["turnover_annualized"] *= -1
    for t in front["trial"].unique():
        me = scores.loc[t]
        dominated = ((scores >= me).all(axis=1) & (scores > me).any(axis=1)).any()
        assert not dominated, t
    # The fresh replications are other runs: their means differ from the search's, and the
    # reported level is over both; effects are against the baseline on the same seeds.
    profit = front[front["objective"] == "profit"]
    assert (profit["fresh_mean"] != profit["search_mean"]).all()
    np.testing.assert_allclose(profit["mean"], (profit["fresh_mean"] + profit["search_mean"]) / 2)
    search = profit["search_mean"] - result.baseline["profit"]
    np.testing.assert_allclose(profit["search_effect"], search, rtol=1e-9, atol=1e-6)
    inside = (profit["effect_low"] <= profit["fresh_effect"]) & (
        profit["fresh_effect"] <= profit["effect_high"]
    )
    inside &= (profit["effect_low"] <= profit["search_effect"]) & (
        profit["search_effect"] <= profit["effect_high"]
    )
    assert (profit["inside"] == inside).all()


def test_a_plan_is_reproducible_and_resumes_exactly(tmp_path):
    spec = plan_spec("pyramid", 300_000, **TINY)
    whole = run_plan(spec, trials=5).trials
    store = storage_url(tmp_path / "study.db")
    run_plan(spec, trials=3, storage=store)  # interrupted after 3 trials ...
    resumed = run_plan(spec, trials=5, storage=store).trials  # ... and resumed
    pd.testing.assert_frame_equal(whole, resumed)


def test_structural_moves_are_searched_with_structure():
    spec = plan_spec("pyramid", 100_000, structure=True, **TINY)
    result = run_plan(spec, trials=6)
    assert {"delayer", "span"} <= set(result.trials.columns)
    assert result.trials["delayer"].any() or (result.trials["span"] > 0).any()
    moves = spec.overrides({}, True, 10)["events"]
    assert [e["type"] for e in moves] == ["delayer", "respan"]


def test_sim_plan_returns_a_tidy_frame_and_the_outputs_read_back(tmp_path):
    front = sim.plan("pyramid", budget=150_000, trials=4, **TINY)
    assert {"point", "objective", "mean", "low", "high", "inside", "cost"} <= set(front.columns)
    result = front.attrs["result"]
    files = write_outputs(result, tmp_path / "out", "servicechain plan pyramid --budget 150000")
    pd.testing.assert_frame_equal(read_front(tmp_path / "out"), pd.read_csv(files["front"]))
    assert "fig-pareto" in read_figures(files["report"])
    assert "servicechain plan pyramid" in files["report"].read_text()
    table = pd.read_csv(files["pareto"])
    assert len(table) == front["point"].nunique()
    with pytest.raises(ParameterError, match="not a plan's front"):
        check_front(pd.DataFrame({"point": [1]}), "x.csv")


# ----------------------------------------------------------------------------- acceptance
@pytest.mark.slow
def test_servicechain_plan_writes_a_confirmed_pareto_table_and_a_report(tmp_path, capsys):
    # The command as written (260-week runs; 3.0 minutes on two cores on 2026-12-08,
    # docs/ORG_DESIGN.md shows its front). Shorter runs leave too few points: on two-year runs
    # the objectives move together and one portfolio beats every other on all three.
    out = tmp_path / "plan"
    code, text, err = run_cli(capsys, "plan", "pyramid", "--budget", "400000", "--trials", "60",
                              "--reps", "4", "--out", str(out))  # fmt: skip
    assert code == 0, err
    assert "Pareto front" in text
    table = pd.read_csv(out / "pareto.csv")
    assert len(table) >= 3
    confirmed = [c for c in table.columns if c.endswith("_confirmed")]
    assert len(confirmed) == 3 and table[confirmed].all().all()
    assert (out / "plan.html").stat().st_size > 100_000  # plotly.js inline: opens offline
    assert math.isfinite(table["profit"].iloc[0])
