"""Spans and layers (issue 28): ``servicechain org`` and ``sim.org_metrics``.

Acceptance: ``servicechain org examples/client/client.toml`` prints layers, median span and the
share of managers with fewer than 3 reports, and ``sim.org_metrics`` returns the same as a frame;
it works on every preset and on imported charts.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli.main import main
from sim.orgsummary import METRIC_COLUMNS, manager_load, reference_layers
from sim.scenario import preset_names
from tests.chart_files import write_csv

CLIENT = "examples/client/client.toml"


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, " ".join(out.split()), err


def test_servicechain_org_prints_what_org_metrics_returns(capsys):
    code, out, err = run_cli(capsys, "org", CLIENT)
    assert code == 0, err
    frame = sim.org_metrics(CLIENT)
    top = frame.loc["organization"]
    layers = int(re.search(r"(\d+) layers", out).group(1))
    median = float(re.search(r"median (\d+(?:\.\d+)?)", out).group(1))
    narrow = int(re.search(r"(\d+)% of managers with fewer than 3 reports", out).group(1))
    assert layers == top["layers"] == 8
    assert median == top["median_span"]
    assert narrow == round(100 * top["narrow_share"])
    for word in ("Layers", "Spans of control", "operations", "flag"):
        assert word in out
    assert list(frame.columns) == list(METRIC_COLUMNS)
    assert list(frame.index) == ["organization", *sorted(frame.index[1:])]


@pytest.mark.parametrize("preset", preset_names())
def test_every_preset_has_spans_and_layers(preset):
    frame = sim.org_metrics(preset)
    model = sim.ServiceCultureModel(preset, overrides={"warmup_weeks": 0}, seed=0)
    org = model.org
    assert frame.loc["organization", "seats"] == org.n_seats
    assert frame.loc["organization", "layers"] == org.n_levels
    assert frame.loc["organization", "managers"] == org.is_manager.sum()
    assert frame["seats"].iloc[1:].sum() == org.n_seats, "departments partition the seats"
    np.testing.assert_allclose(
        frame.loc["organization", "median_span"], np.median(org.n_reports[org.is_manager])
    )


def test_the_measures_and_flags_of_a_known_chart(tmp_path):
    # The top has 2 reports: B leads 20 frontline agents, C leads 1 analyst.
    rows = ["A,,exec,false", "B,A,front,false", "C,A,back,false", "X0,C,back,false"]
    rows += [f"F{i},B,front,true" for i in range(20)]
    chart = tmp_path / "chart.csv"
    chart.write_text("employee_id,manager_id,department,frontline\n" + "\n".join(rows) + "\n")
    frame = sim.org_metrics("pyramid", {"org.chart": str(chart)})
    top = frame.loc["organization"]
    assert (top["seats"], top["layers"], top["managers"]) == (24, 3, 3)
    assert top["median_span"] == 2 and top["mean_span"] == pytest.approx(23 / 3)
    assert top["narrow_share"] == pytest.approx(2 / 3) and top["wide_share"] == pytest.approx(1 / 3)
    assert top["managers_per_100"] == pytest.approx(300 / 24)
    assert top["frontline_share"] == pytest.approx(20 / 24)
    assert top["frontline_layers"] == 3
    assert frame.loc["front", "median_span"] == 20 and frame.loc["back", "layers"] == 2
    flags = {(f.scope, f.flag) for f in frame.attrs["flags"]}
    assert ("organization", "narrow spans") in flags and ("front", "wide spans") in flags
    assert manager_load(2, sim.Params()) < manager_load(20, sim.Params())


def test_a_long_chain_to_the_customer_is_flagged(tmp_path):
    # A chain of 6 managers above 10 frontline people: 16 seats at spans of 8 need 3 levels.
    rows = ["M0,,ops,false"] + [f"M{i},M{i - 1},ops,false" for i in range(1, 6)]
    rows += [f"F{i},M5,ops,true" for i in range(10)]
    path = tmp_path / "chart.csv"
    path.write_text("employee_id,manager_id,department,frontline\n" + "\n".join(rows) + "\n")
    frame = sim.org_metrics("pyramid", {"org.chart": str(path)})
    assert reference_layers(16) == 3
    assert frame.loc["organization", "frontline_layers"] == 7
    assert ("organization", "long chain") in {(f.scope, f.flag) for f in frame.attrs["flags"]}


def test_org_writes_its_table_and_refuses_a_bad_out(capsys, tmp_path):
    out = tmp_path / "spans.csv"
    code, _, err = run_cli(capsys, "org", "pyramid", "--out", str(out))
    assert code == 0, err
    written = pd.read_csv(out, index_col="scope")
    pd.testing.assert_frame_equal(written, sim.org_metrics("pyramid"), check_dtype=False)
    code, _, err = run_cli(capsys, "org", "pyramid", "--out", str(tmp_path / "spans.txt"))
    assert code == 2 and ".csv" in err


def test_org_metrics_of_a_simulated_week_and_of_a_model():
    events = [{"type": "growth", "week": 1, "share": 0.2, "weeks": 2}]
    after = sim.org_metrics("pyramid", {"events": events, "org.headcount": 100}, week=2)
    model = sim.ServiceCultureModel("pyramid", overrides={"events": events, "org.headcount": 100})
    assert sim.org_metrics(model).loc["organization", "seats"] == 100
    assert after.loc["organization", "seats"] == 120


@pytest.mark.slow
def test_a_chart_with_100_000_rows_is_measured(tmp_path):
    # The time is a benchmark's (benchmarks/orgdesign.py, `make bench`: under 10 s).
    from tests.chart_files import irregular_chart

    path = write_csv(tmp_path / "big.csv", irregular_chart(100_000, seed=5))
    frame = sim.org_metrics("pyramid", {"org.chart": str(path)})
    assert frame.loc["organization", "seats"] == 100_000
