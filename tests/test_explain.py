"""servicechain explain: a difference shared among the model's channels by Shapley values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.params import ParameterError
from sim.studies.explain import explain, shapley

SMALL = {"org.headcount": 60, "warmup_weeks": 26}


def test_shapley_values_of_known_games() -> None:
    players = ["a", "b", "c"]
    subsets = [frozenset(s) for s in ([], ["a"], ["b"], ["c"], ["a", "b"], ["a", "c"], ["b", "c"])]
    subsets.append(frozenset(players))
    # An additive game: each player's value is its own contribution.
    own = {"a": 1.0, "b": 2.0, "c": -0.5}
    additive = {s: sum(own[p] for p in s) for s in subsets}
    assert shapley(additive, players) == pytest.approx(own)
    # A pure interaction of a and b: they share it equally, c gets nothing.
    both = {s: 6.0 if {"a", "b"} <= s else 0.0 for s in subsets}
    assert shapley(both, players) == pytest.approx({"a": 3.0, "b": 3.0, "c": 0.0})


@pytest.fixture(scope="module")
def small_result():
    return explain(
        "pyramid", "two_way", reps=2, weeks=40, seed=1, channels=["queue", "care", "careers"],
        overrides=SMALL,
    )  # fmt: skip


def test_the_shares_add_up_to_the_difference_in_every_replication(small_result) -> None:
    c = small_result.contributions
    for (_rep, _kpi), g in c.groupby(["rep", "kpi"]):
        parts = g[~g["channel"].isin(["total"])]["value"].sum()
        total = float(g.loc[g["channel"] == "total", "value"].iloc[0])
        assert parts == pytest.approx(total, abs=1e-9)
    # Two cultures differ only through the culture's channels (all three here): nothing is
    # left over.
    assert np.all(c.loc[c["channel"] == "other", "value"] == 0.0)


def test_the_total_is_the_paired_difference_of_the_two_scenarios(small_result) -> None:
    from sim.studies.explain import window_outcomes
    from sim.studies.seeds import replication_seeds

    seed = replication_seeds(1, 2)[0]
    from sim.studies.compare import resolve_scenarios

    a, b = resolve_scenarios(["pyramid", "two_way"], SMALL)
    first = 40 // 2 + 1
    diff = (
        window_outcomes(b, seed, 40, first)["profit"]
        - window_outcomes(a, seed, 40, first)["profit"]
    )
    c = small_result.contributions
    total = c[(c["rep"] == 0) & (c["kpi"] == "profit") & (c["channel"] == "total")]["value"]
    assert float(total.iloc[0]) == pytest.approx(diff)


def test_a_difference_no_channel_reaches_is_reported_as_other() -> None:
    res = explain(
        "pyramid", "two_way_program@pyramid", reps=2, weeks=30, seed=2, channels=["queue"],
        overrides=SMALL,
    )  # fmt: skip
    # The same culture, different levers: the queue's culture channel carries nothing.
    t = res.table("profit")
    assert t.loc["queue", "value"] == pytest.approx(0.0)
    assert t.loc["other", "value"] == pytest.approx(t.loc["total", "value"])


def test_unknown_channels_and_bad_designs_are_refused() -> None:
    with pytest.raises(ParameterError, match="unknown channel"):
        explain("pyramid", "two_way", channels=["queue", "luck"])
    with pytest.raises(ParameterError, match="reps"):
        explain("pyramid", "two_way", reps=0)


def test_the_command_prints_the_table_and_writes_the_report(tmp_path: Path, capsys) -> None:
    out, csv = tmp_path / "why.html", tmp_path / "why.csv"
    code = main(
        ["explain", "pyramid", "two_way", "--reps", "2", "--weeks", "30", "--channels",
         "queue,care", "--set", "org.headcount=60", "--set", "warmup_weeks=13", "--workers", "1",
         "--out", str(out), "--csv", str(csv)]
    )  # fmt: skip
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert "Who is served first" in printed and "The whole difference" in printed
    assert out.read_text().count("why-") >= 4 and "plotly" in out.read_text().lower()
    assert "channel" in csv.read_text().splitlines()[0]
    code = main(["explain", "pyramid", "two_way", "--channels", "luck"])
    printed, err = capsys.readouterr()
    assert code == 2 and "unknown channel" in err
    assert "Traceback" not in err


@pytest.mark.integration
def test_validate_prints_and_writes_the_decomposition_of_its_explain_runs() -> None:
    """Issue 27: `validate` shows two-way against the pyramid decomposed into the culture's
    channels, the same numbers `explain` gives for the same runs."""
    from io import StringIO

    from rich.console import Console

    from sim.studies.explain import explain_cells
    from sim.studies.runs import EXPLAIN_CHANNELS
    from sim.studies.validate import ValidationReport
    from sim.studies.validation_report import (
        culture_decomposition,
        decomposition_section,
        print_report,
    )

    result = explain(
        "pyramid", "two_way", reps=2, weeks=30, seed=0, channels=list(EXPLAIN_CHANNELS),
        overrides=SMALL,
    )  # fmt: skip
    report = ValidationReport(verdicts=[], frames={"explain": result.runs}, reps=2, seed=0)
    again = culture_decomposition(report)
    assert again is not None
    for kpi in ("profit", "morale"):
        assert again.share("queue", kpi) == pytest.approx(result.share("queue", kpi))
    cells = explain_cells(result)
    assert list(cells.index)[-1] == "The whole difference"
    lines = "\n".join(decomposition_section(report))
    assert "## Why two-way beats the pyramid" in lines
    for label, row in cells.iterrows():
        assert f"| {label} | " + " | ".join(row.tolist()) + " |" in lines
    out = StringIO()
    print_report(report, Console(file=out, width=250))
    assert "Why two_way differs from pyramid" in out.getvalue()
    assert cells.iloc[0, 0] in out.getvalue()
    # Without the explain runs there is nothing to show, and no error.
    assert decomposition_section(ValidationReport([], {}, 2)) == []
