"""Sweep engine: same results on every executor, resume, failures recorded, analysis, CLI."""

from __future__ import annotations

import json
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.studies.analyze import load_sweep, sample_warnings, sensitivity, summary, write_report
from sim.studies.experiment import Experiment, experiment_from_dict
from sim.studies.html import read_figures
from sim.studies.seeds import replication_seeds
from sim.studies.sweep import InlineExecutor, SweepError, sweep, throughput

SMALL = {
    "scenario": "pyramid",
    "weeks": 20,
    "replications": 3,
    "seed": 11,
    "overrides": {"org.headcount": 60},
    "design": {"kind": "grid", "parameters": {"culture.service_direction": [-1.0, 1.0]}},
    "outputs": {"kpis": ["morale_mean", "profit", "turnover_annualized"], "window": 10},
}


def small(**changes) -> Experiment:
    data = {**SMALL, **changes}
    return experiment_from_dict(data, where="small", name="small")


def comparable(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=["seconds"]).sort_values("run_id", ignore_index=True)


@pytest.fixture(scope="module")
def inline_result(tmp_path_factory) -> pd.DataFrame:
    return sweep(small(), workers=1, out=tmp_path_factory.mktemp("w1"), progress=False)


def test_rows_are_exact_seeded_runs_with_common_random_numbers(inline_result: pd.DataFrame):
    df = inline_result
    assert len(df) == 6 and (df["status"] == "ok").all()
    assert df["run_id"].tolist() == list(range(6))
    seeds = replication_seeds(11, 3)
    # Replication r has the same seed at every design point; replications differ.
    assert df["seed"].tolist() == seeds * 2
    assert len(set(seeds)) == 3
    # Each row is exactly the run sim.run gives with that seed and those parameters.
    row = df.iloc[4]
    ref = sim.run(
        "pyramid",
        weeks=20,
        seed=int(row["seed"]),
        overrides={"org.headcount": 60, "culture.service_direction": 1.0},
    )
    assert row["final.profit"] == ref["profit"].iloc[-1]
    assert row["window.morale_mean"] == pytest.approx(ref["morale_mean"].iloc[-10:].mean(), 1e-12)
    # Replications of the same point differ.
    point0 = df[df["point_id"] == 0]
    assert point0["final.profit"].nunique() == 3


@pytest.mark.integration
def test_two_processes_give_identical_results(inline_result: pd.DataFrame, tmp_path: Path):
    df = sweep(small(), workers=2, out=tmp_path, progress=False, batch_size=1)
    pd.testing.assert_frame_equal(comparable(df), comparable(inline_result))
    assert len(list((tmp_path / "runs").glob("part-*.parquet"))) == 6


@pytest.mark.integration
def test_dask_local_cluster_gives_identical_results(inline_result: pd.DataFrame, tmp_path: Path):
    distributed = pytest.importorskip("dask.distributed")
    # A real scheduler and two worker processes on loopback (tcp), as on a cluster.
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        df = sweep(small(), scheduler=cluster.scheduler_address, out=tmp_path, progress=False)
    pd.testing.assert_frame_equal(comparable(df), comparable(inline_result))


class KilledAfter(InlineExecutor):
    """Runs tasks in-process and dies (like a killed process) at submission number ``k + 1``."""

    def __init__(self, k: int | None = None):
        self.k = k
        self.submitted: list[int] = []

    def submit(self, fn, /, *args, **kwargs) -> Future:
        if self.k is not None and len(self.submitted) >= self.k:
            raise KeyboardInterrupt("killed")
        self.submitted.extend(r.run_id for r in args[0].runs)
        return super().submit(fn, *args, **kwargs)


@pytest.mark.integration
def test_killed_sweep_resumes_without_redoing_finished_runs(tmp_path: Path):
    exp = small(replications=5)  # 10 runs
    first = KilledAfter(k=3)
    with pytest.raises(KeyboardInterrupt):
        sweep(exp, out=tmp_path, progress=False, executor=first, batch_size=2)
    saved = set(pd.read_parquet(tmp_path / "runs")["run_id"])
    assert 0 < len(saved) < 10
    assert saved <= set(first.submitted)
    with pytest.raises(SweepError, match="--resume"):
        sweep(exp, out=tmp_path, progress=False)
    second = KilledAfter()
    df = sweep(exp, out=tmp_path, progress=False, executor=second, resume=True, batch_size=2)
    assert set(second.submitted).isdisjoint(saved)
    assert set(second.submitted) | saved == set(range(10))
    assert df["run_id"].tolist() == list(range(10))
    assert df.attrs["sweep"]["skipped"] == len(saved)
    whole = sweep(exp, workers=1, out=tmp_path / "whole", progress=False)
    pd.testing.assert_frame_equal(comparable(df), comparable(whole))


@pytest.mark.integration
def test_resume_redoes_runs_of_a_lost_part_file_only(tmp_path: Path):
    exp = small(outputs={**SMALL["outputs"], "timeseries": True})
    sweep(exp, workers=1, out=tmp_path, progress=False, batch_size=2)
    parts = sorted((tmp_path / "runs").glob("part-*.parquet"))
    lost = set(pd.read_parquet(parts[1])["run_id"])
    parts[1].unlink()
    ex = KilledAfter()
    df = sweep(exp, out=tmp_path, progress=False, executor=ex, resume=True)
    assert set(ex.submitted) == lost
    assert df["run_id"].tolist() == list(range(6))
    ts = pd.read_parquet(tmp_path / "timeseries")
    # The orphaned time series of the lost part was dropped and rewritten: no duplicates.
    assert len(ts) == 6 * 21 and not ts.duplicated(["run_id", "step"]).any()


@pytest.mark.integration
def test_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path: Path):
    # effort_min 1.5 > effort_max 1.15 passes the per-field range check but fails the
    # cross-field validation when the run builds its parameters: a real failing run.
    exp = small(
        design={"kind": "grid", "parameters": {"workforce.effort_min": [0.5, 1.5, 0.9]}},
        replications=2,
    )
    df = sweep(exp, workers=1, out=tmp_path, progress=False, batch_size=1)
    assert len(df) == 6
    bad = df[df["workforce.effort_min"] == 1.5]
    assert (bad["status"] == "error").all()
    assert bad["error"].str.contains("effort_max").all()
    assert bad["final.profit"].isna().all()
    good = df[df["workforce.effort_min"] != 1.5]
    assert (good["status"] == "ok").all() and good["final.profit"].notna().all()
    assert df.attrs["sweep"]["failed"] == 2
    manifest, runs, design = load_sweep(tmp_path)
    table = summary(manifest, runs, design)
    failed_point = table[(table["point_id"] == 1) & (table["output"] == "window.profit")]
    assert failed_point[["n", "failed"]].iloc[0].tolist() == [0, 2]


@pytest.mark.integration
def test_other_experiment_in_folder_is_refused(tmp_path: Path):
    sweep(small(), workers=1, out=tmp_path, progress=False)
    with pytest.raises(SweepError, match="different experiment"):
        sweep(small(seed=12), workers=1, out=tmp_path, progress=False, resume=True)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["total_runs"] == 6 and manifest["root_seed"] == 11
    assert manifest["parameter_names"] == ["culture.service_direction"]
    assert manifest["package_version"] == sim.__version__


def test_summary_ci_and_report(inline_result: pd.DataFrame):
    folder = Path(inline_result.attrs["out"])
    manifest, runs, design = load_sweep(folder)
    table = summary(manifest, runs, design)
    row = table[(table["output"] == "window.profit") & (table["point_id"] == 1)].iloc[0]
    vals = runs.loc[runs["point_id"] == 1, "window.profit"]
    assert row["n"] == 3 and row["mean"] == pytest.approx(vals.mean())
    half = 4.302652729911275 * vals.std(ddof=1) / np.sqrt(3)  # t(0.975, 2)
    assert row["ci_high"] - row["mean"] == pytest.approx(half)
    assert sensitivity(manifest, runs, design) is None
    report = write_report(folder)
    text = report.read_text()
    assert "window.profit vs culture.service_direction" in text
    assert text.count("plotly.js v") >= 1  # the library is embedded: opens offline
    assert (folder / "summary.csv").is_file()


@pytest.mark.integration
def test_sobol_and_morris_indices_with_confidence(tmp_path: Path):
    params = {"behaviour.morale_base": [0.45, 0.55], "customers.churn_base_weekly": [0.0, 0.05]}
    for kind, samples in (("sobol", 16), ("morris", 6)):
        exp = small(
            weeks=12,
            replications=1,
            design={"kind": kind, "samples": samples, "parameters": params},
            outputs={"kpis": ["morale_mean", "customers_active"], "window": 4},
        )
        out = tmp_path / kind
        sweep(exp, workers=1, out=out, progress=False)
        manifest, runs, design = load_sweep(out)
        sens = sensitivity(manifest, runs, design).set_index(["output", "parameter", "index"])
        first = "ST" if kind == "sobol" else "mu_star"
        # The morale baseline drives mean morale; churn drives the customer base.
        morale = sens.loc["window.morale_mean"].xs(first, level="index")["value"]
        assert morale["behaviour.morale_base"] > morale["customers.churn_base_weekly"]
        cust = sens.loc["window.customers_active"].xs(first, level="index")["value"]
        assert cust["customers.churn_base_weekly"] > cust["behaviour.morale_base"]
        assert sens.xs(first, level="index")["conf"].notna().all()
        title = "Sobol indices (95% CI)" if kind == "sobol" else "Morris mu* and sigma"
        figs = read_figures(write_report(out))
        titles = [f["layout"]["title"]["text"] for f in figs.values()]
        assert titles == [f"window.{k}: {title}" for k in ("morale_mean", "customers_active")]
        # 16 Sobol samples and 6 Morris trajectories are too few for stable indices: said so.
        (warning,) = sens.attrs["warnings"]
        assert ("N = 16 base samples" if kind == "sobol" else "6 trajectories") in warning


@pytest.mark.integration
def test_cli_sweep_analyze_and_errors(tmp_path: Path, capsys):
    toml = tmp_path / "e.toml"
    toml.write_text(
        'weeks = 8\nreplications = 2\n[overrides]\n"org.headcount" = 40\n'
        '[design]\nkind = "grid"\n[design.parameters]\n"culture.service_direction" = [-1.0, 0.0]\n'
    )
    out = tmp_path / "out"
    assert main(["sweep", str(toml), "--workers", "1", "--out", str(out)]) == 0
    assert "4 runs executed" in capsys.readouterr().out
    assert main(["sweep", str(toml), "--workers", "1", "--out", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(["sweep", str(toml), "-j", "1", "--out", str(out), "--resume"]) == 0
    assert "4 already on disk" in capsys.readouterr().out
    assert main(["analyze", str(out), "--out", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").stat().st_size > 1_000_000
    toml.write_text("weeks = 8\n[design]\nkind = 'sobol'\n")
    assert main(["sweep", str(toml)]) == 2
    assert "design.samples" in capsys.readouterr().err
    assert main(["analyze", str(tmp_path)]) == 2


@pytest.mark.integration
def test_throughput_hook_and_callable_module():
    res = throughput(n_runs=4, workers=1, weeks=5)
    assert res["runs"] == 4 and res["failed"] == 0 and res["executor"] == "inline"
    assert res["runs_per_s"] > 0 and res["seconds_per_run"] > 0
    assert callable(sim.sweep)


@pytest.mark.integration
def test_team_panel_is_written_as_tidy_parquet_keyed_by_run_id(tmp_path: Path):
    exp = small(outputs={**SMALL["outputs"], "panel": "team", "window": 4}, replications=2, weeks=6)
    df = sweep(exp, workers=1, out=tmp_path, progress=False, batch_size=1)
    panel = pd.read_parquet(tmp_path / "panel").sort_values(["run_id", "step", "team"])
    assert set(panel["run_id"]) == set(df["run_id"])
    assert list(panel.columns[:4]) == ["run_id", "point_id", "rep", "step"]
    row = df.iloc[3]
    _, alone = sim.run(
        "pyramid",
        weeks=6,
        seed=int(row["seed"]),
        overrides={"org.headcount": 60, "culture.service_direction": 1.0},
        panel="team",
    )
    mine = panel[panel["run_id"] == row["run_id"]].drop(columns=["run_id", "point_id", "rep"])
    pd.testing.assert_frame_equal(
        mine.reset_index(drop=True), alone.sort_values(["step", "team"], ignore_index=True)
    )
    assert json.loads((tmp_path / "manifest.json").read_text())["panel"] == "team"


def test_sample_warnings_only_for_small_or_noisy_samples():
    sens = pd.DataFrame({"conf": [0.02, 0.05, np.nan]})
    assert sample_warnings({"design": {"kind": "sobol", "samples": 256}}, sens) == []
    noisy = pd.DataFrame({"conf": [0.02, 0.3]})
    (msg,) = sample_warnings({"design": {"kind": "sobol", "samples": 256}}, noisy)
    assert "1 of 2" in msg and "at least 1024" in msg
    assert sample_warnings({"design": {"kind": "morris", "samples": 20}}, sens) == []
