"""compare(): common random numbers, t-intervals, tidy frames, and the offline HTML report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.kpis import CHAIN
from sim.params import ParameterError
from sim.studies.compare import compare
from sim.studies.experiment import experiment_from_dict
from sim.studies.html import read_figures
from sim.studies.report import (
    README_END,
    README_START,
    readme_table,
    replace_between_markers,
    write_report,
)
from sim.studies.seeds import replication_seeds
from sim.studies.stats import mean_ci, t_half_width


@pytest.fixture(scope="module")
def result():
    return compare(["pyramid", "two_way"], reps=3, weeks=20, seed=7)


@pytest.mark.parametrize(
    ("df", "expected"),  # two-sided 95% quantiles from statistical tables
    [(1, 12.7062), (2, 4.3027), (4, 2.7764), (9, 2.2622), (19, 2.0930), (30, 2.0423)],
)
def test_t_half_width_uses_the_t_quantile_of_the_tables(df, expected):
    n = df + 1
    assert t_half_width(1.0, n) * np.sqrt(n) == pytest.approx(expected, abs=1e-4)
    assert np.isnan(t_half_width(1.0, 1))


def test_mean_ci_is_the_t_interval():
    m, lo, hi = mean_ci(np.array([1.0, 2.0, 3.0, 4.0]))
    half = 3.1824 * np.std([1, 2, 3, 4], ddof=1) / 2
    assert (
        m == 2.5
        and lo == pytest.approx(2.5 - half, abs=1e-3)
        and hi == pytest.approx(2.5 + half, abs=1e-3)
    )
    assert np.isnan(mean_ci(np.array([1.0]))[1])


@pytest.mark.integration
def test_seeds_come_from_seedsequence_and_are_shared_by_all_scenarios(result):
    assert result.seeds == replication_seeds(7, 3)
    assert len(set(result.seeds)) == 3
    seeds = result.timeseries.groupby(["scenario", "rep"], observed=True)["seed"].first()
    assert seeds.loc["pyramid"].tolist() == seeds.loc["two_way"].tolist() == result.seeds


@pytest.mark.integration
def test_compare_and_a_sweep_with_the_same_root_seed_run_the_same_replications(result, tmp_path):
    exp = experiment_from_dict(
        {"scenario": "pyramid", "weeks": 20, "replications": 3, "seed": 7}, where="t", name="t"
    )
    runs = sim.sweep(exp, workers=1, out=tmp_path, progress=False)
    assert runs["seed"].tolist() == result.seeds
    ts = result.timeseries
    last = ts[(ts["scenario"] == "pyramid") & (ts["step"] == 20)].sort_values("rep")
    assert runs["final.profit"].tolist() == last["profit"].tolist()


@pytest.mark.integration
def test_replication_equals_a_plain_seeded_run(result):
    ts = result.timeseries
    rep1 = ts[(ts["scenario"] == "two_way") & (ts["rep"] == 1)].set_index("step")
    alone = sim.run("two_way", weeks=20, seed=result.seeds[1])
    pd.testing.assert_series_equal(rep1["morale_mean"], alone["morale_mean"], check_names=False)


@pytest.mark.integration
def test_tidy_frames(result):
    ts = result.timeseries
    assert list(ts.columns[:4]) == ["scenario", "rep", "seed", "step"]
    assert len(ts) == 2 * 3 * 21
    s = result.summary
    assert set(s["stat"]) == {"final", "mean"}
    assert {
        "scenario",
        "kpi",
        "stat",
        "mean",
        "ci_low",
        "ci_high",
        "diff",
        "diff_ci_low",
        "diff_ci_high",
    } == set(s.columns)
    assert (s["ci_low"] <= s["mean"] + 1e-12).all() and (s["mean"] <= s["ci_high"] + 1e-12).all()
    # the whole-run mean excludes step 0
    row = s[(s.scenario == "pyramid") & (s.kpi == "morale_mean") & (s.stat == "mean")].iloc[0]
    per_rep = ts[(ts.scenario == "pyramid") & (ts.step > 0)].groupby("rep")["morale_mean"].mean()
    assert row["mean"] == pytest.approx(per_rep.mean())
    final = ts[(ts.scenario == "pyramid") & (ts.step == 20)]["morale_mean"]
    row = s[(s.scenario == "pyramid") & (s.kpi == "morale_mean") & (s.stat == "final")].iloc[0]
    assert row["mean"] == pytest.approx(final.mean())


@pytest.mark.integration
def test_differences_are_paired(result):
    s = result.summary.set_index(["scenario", "kpi", "stat"])
    ts = result.timeseries
    last = ts[ts.step == 20].set_index(["scenario", "rep"])["morale_mean"]
    paired = (last.loc["two_way"] - last.loc["pyramid"]).to_numpy()
    d = s.loc[("two_way", "morale_mean", "final")]
    assert d["diff"] == pytest.approx(paired.mean())
    assert (d["diff_ci_low"], d["diff_ci_high"]) == pytest.approx(mean_ci(paired)[1:])
    assert s.loc[("pyramid", "morale_mean", "final"), "diff"] == 0.0


@pytest.mark.integration
@pytest.mark.integration
def test_two_way_beats_pyramid_on_morale():
    # The culture moves morale by about 0.015 in 20 weeks; six paired replications tell that
    # apart from zero (three left the interval's lower end at -0.001 on the refitted defaults).
    res = compare(["pyramid", "two_way"], reps=6, weeks=20, seed=7)
    d = res.summary.set_index(["scenario", "kpi", "stat"]).loc[("two_way", "morale_mean", "mean")]
    assert d["diff"] > 0.005
    assert d["diff_ci_low"] > 0


@pytest.mark.integration
def test_a_scenario_compared_with_itself_differs_by_exactly_zero():
    res = compare(["pyramid", "pyramid"], reps=3, weeks=15, seed=1)
    assert res.scenarios == ["pyramid", "pyramid#2"]
    twin = res.summary[res.summary.scenario == "pyramid#2"]
    assert (twin[["diff", "diff_ci_low", "diff_ci_high"]].to_numpy() == 0.0).all()


@pytest.mark.integration
def test_overrides_and_culture_specs():
    res = compare(
        ["payroll", "payroll@two_way"],
        reps=2,
        weeks=4,
        seed=0,
        overrides={"org.headcount": 150},
    )
    ts = res.timeseries
    assert set(ts[ts.scenario == "payroll"]["service_direction"]) == {-1.0}
    assert set(ts[ts.scenario == "payroll@two_way"]["service_direction"]) == {0.0}
    assert ts[ts.step == 0]["headcount"].max() <= 150


def test_bad_input_fails_before_any_run():
    calls = []
    with pytest.raises(ParameterError, match="unknown scenario 'tow_way'"):
        compare(["pyramid", "tow_way"], reps=2, weeks=3, progress=lambda s, r: calls.append(s))
    assert calls == []
    with pytest.raises(ParameterError, match="reps"):
        compare(["pyramid"], reps=0, weeks=3)
    with pytest.raises(ParameterError, match="culture.service_direction"):
        compare(["pyramid"], reps=1, weeks=3, overrides={"culture.service_direction": 3})


@pytest.mark.integration
def test_report_embeds_the_chart_data_offline(result, tmp_path):
    path = write_report(result, tmp_path / "sub" / "report.html")
    text = path.read_text()
    assert "<script src" not in text and "<link" not in text, "nothing loaded from a network"
    assert "Plotly.newPlot" in text and len(text) > 3_000_000, "plotly.js is inline"
    figs = read_figures(path)
    assert set(figs) == {"fig-chain", "fig-timeseries", "fig-chain-final"}
    # the chain chart: one bar group per link, one bar per scenario, values = summary means
    bars = figs["fig-chain"]["data"]
    assert [b["meta"] for b in bars] == [kpi for _, kpi in CHAIN]
    s = result.summary.set_index(["scenario", "kpi", "stat"])
    for bar in bars:
        assert bar["x"] == ["pyramid", "two_way"]
        expected = [s.loc[(sc, bar["meta"], "mean"), "mean"] for sc in bar["x"]]
        assert bar["y"] == pytest.approx(expected)
    # the time series: a mean line per scenario and KPI, matching the replications' mean
    lines = [t for t in figs["fig-timeseries"]["data"] if t.get("mode") == "lines"]
    assert len(lines) == 2 * len(CHAIN)
    morale = next(t for t in lines if t["meta"] == "morale_mean" and t["name"] == "two_way")
    ts = result.timeseries
    expect = ts[ts.scenario == "two_way"].groupby("step")["morale_mean"].mean()
    assert morale["y"] == pytest.approx(expect.tolist())
    bands = [t for t in figs["fig-timeseries"]["data"] if t.get("fill") == "toself"]
    assert len(bands) == 2 * len(CHAIN)


@pytest.mark.integration
def test_report_rejects_a_non_html_name(result, tmp_path):
    with pytest.raises(ParameterError, match=r"\.html"):
        write_report(result, tmp_path / "report.csv")


@pytest.mark.integration
def test_readme_table_rows_and_columns():
    res = compare(["pyramid", "two_way", "inverted"], reps=2, weeks=20, seed=0)
    md = readme_table(res)
    lines = [ln for ln in md.splitlines() if ln.startswith("|")]
    assert lines[0] == (
        "| scenario | annual turnover | morale (0-1) | productivity (index) | "
        "customer satisfaction (0-1) | weekly profit |"
    )
    assert [ln.split("|")[1].strip() for ln in lines[2:]] == ["pyramid", "two_way", "inverted"]
    for ln in lines[2:]:
        cells = [c.strip() for c in ln.strip("|").split("|")][1:]
        assert len(cells) == 5 and all("[" in c and "]" in c for c in cells)
        assert cells[0].endswith("%]")
    doc = f"intro\n{README_START}\nold\n{README_END}\nrest\n"
    new = replace_between_markers(doc, md)
    assert "old" not in new and md.strip() in new and new.endswith(f"{README_END}\nrest\n")
    with pytest.raises(ParameterError, match="markers"):
        replace_between_markers("no markers", md)
