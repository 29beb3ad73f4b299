"""Provenance: run and sweep manifests name versions, parameters and seeds; rerun is exact."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.model import ServiceCultureModel
from sim.params import Params
from sim.studies.experiment import experiment_from_dict
from sim.studies.seeds import replication_seeds
from sim.studies.sweep import SweepError

EXP = {
    "scenario": "two_way",
    "weeks": 10,
    "replications": 2,
    "seed": 21,
    "overrides": {"org.headcount": 50},
    "design": {"kind": "grid", "parameters": {"culture.care_gap": [0.1, 0.3]}},
    "outputs": {"kpis": ["morale_mean", "profit", "customers_active"], "window": 4},
}


def check_environment(env: dict) -> None:
    assert env["package_version"] == sim.__version__
    assert env["python"] == sys.version.split()[0]
    assert env["numpy"] == np.__version__ and env["pandas"] == pd.__version__
    assert env["mesa"] == mesa.__version__
    assert "git_commit" in env  # None outside a git checkout


@pytest.mark.integration
def test_sweep_manifest_and_exact_rerun(tmp_path: Path):
    exp = experiment_from_dict(EXP, where="p", name="p")
    runs = sim.sweep(exp, workers=1, out=tmp_path, progress=False)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    check_environment(manifest["environment"])
    assert Params.model_validate(manifest["base_params"]) == exp.base_params()
    assert manifest["replication_seeds"] == replication_seeds(21, 2)
    for run_id in (0, 3):
        df = sim.rerun(tmp_path, run_id)
        row = runs.set_index("run_id").loc[run_id]
        for kpi in EXP["outputs"]["kpis"]:
            assert df[kpi].iloc[-1] == row[f"final.{kpi}"]
            assert df[kpi].iloc[-4:].mean() == pytest.approx(row[f"window.{kpi}"], rel=1e-15)
    with pytest.raises(SweepError, match="no finished run"):
        sim.rerun(tmp_path, 99)


def test_run_manifest_reproduces_the_run(tmp_path: Path, capsys):
    out = tmp_path / "r.csv"
    args = ["run", "airline@two_way", "--weeks", "5", "--seed", "9", "--set", "org.headcount=60"]
    assert main([*args, "--out", str(out)]) == 0
    assert "r.manifest.json" in capsys.readouterr().out
    m = json.loads((tmp_path / "r.manifest.json").read_text())
    check_environment(m["environment"])
    assert (m["seed"], m["weeks"], m["overrides"]) == (9, 5, {"org.headcount": 60})
    again = ServiceCultureModel(Params.model_validate(m["params"]), seed=m["seed"]).run(m["weeks"])
    stored = pd.read_csv(out, index_col="step")
    pd.testing.assert_frame_equal(again, stored, check_dtype=False, rtol=1e-12)
