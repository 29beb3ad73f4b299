"""Rerun anything (issue 30, item 3): a `run --out` manifest reruns byte for byte.

The manifest holds no nulls (so it converts to TOML), names numba's version, and a rerun says
what changed since (a library version, an edited org chart).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numba
import pandas as pd
import pytest
import tomli_w

import sim
from sim.cli import main
from sim.params import Params
from sim.studies.rerun import ManifestError

CLIENT = Path(__file__).resolve().parents[1] / "examples" / "client"
RUN = ["--weeks", "6", "--seed", "3", "--set", "org.headcount=60", "--set", "warmup_weeks=8"]


def nulls(value, where="") -> list[str]:
    """Every key path whose value is None."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in nulls(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in nulls(v, f"{where}[{i}]")]
    return [where] if value is None else []


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_rerun_of_a_run_manifest_writes_the_same_file_byte_for_byte(tmp_path, capsys, suffix):
    out = tmp_path / f"run{suffix}"
    assert main(["run", "two_way", *RUN, "--out", str(out)]) == 0
    manifest_file = tmp_path / "run.manifest.json"
    manifest = json.loads(manifest_file.read_text())
    again = tmp_path / f"again{suffix}"
    capsys.readouterr()
    assert main(["rerun", str(manifest_file), "--out", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()
    printed = capsys.readouterr()
    assert "warning" not in printed.err
    assert f"wrote7rowsto{again}" in "".join(printed.out.split())  # paths may wrap anywhere
    # From Python: the same frame, from the file or from the dict.
    frame = sim.rerun(manifest_file)
    assert frame.attrs["rerun_warnings"] == []
    if suffix == ".csv":
        assert frame.to_csv().encode() == out.read_bytes()
    pd.testing.assert_frame_equal(sim.rerun(manifest), frame)


def test_the_manifest_has_no_nulls_converts_to_toml_and_names_numba(tmp_path):
    out = tmp_path / "r.csv"
    assert main(["run", "pyramid", *RUN, "--set", "org.levels=none", "--out", str(out)]) == 0
    manifest = json.loads((tmp_path / "r.manifest.json").read_text())
    assert nulls(manifest) == []
    assert not any(k for k in manifest["params"]["org"] if manifest["params"]["org"][k] is None)
    tomli_w.dumps(manifest)  # raises on a null
    assert manifest["environment"]["numba"] == numba.__version__
    assert manifest["output"] == {"file": "r.csv", "format": "csv"}
    params = Params.model_validate(manifest["params"])
    assert params.org.chart is None and params.org.levels is None and params.org.headcount == 60


def test_a_rerun_says_when_a_data_file_changed(tmp_path, capsys):
    folder = tmp_path / "client"
    shutil.copytree(CLIENT, folder)
    out = tmp_path / "c.csv"
    args = ["run", str(folder / "client.toml"), "--weeks", "2", "--set", "warmup_weeks=4"]
    assert main([*args, "--out", str(out)]) == 0
    manifest = json.loads((tmp_path / "c.manifest.json").read_text())
    assert set(manifest["data_files"]) == {"org.chart", "org.survey", "org.survey_weights"}
    assert sim.rerun(tmp_path / "c.manifest.json").attrs["rerun_warnings"] == []
    chart = folder / "chart.csv"
    chart.write_text(chart.read_text().replace("\n", "\r\n"))  # same people, other bytes
    capsys.readouterr()
    assert main(["rerun", str(tmp_path / "c.manifest.json")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "warning: org.chart" in err and "changed since the run" in err


def test_a_sweep_run_reruns_from_its_folder_or_its_manifest(tmp_path, capsys):
    exp = tmp_path / "e.toml"
    exp.write_text(
        'scenario = "pyramid"\nweeks = 4\nreplications = 2\nseed = 5\n[overrides]\n'
        '"org.headcount" = 40\n"warmup_weeks" = 4\n'
    )
    folder = tmp_path / "sweep"
    assert main(["sweep", str(exp), "-j", "1", "--out", str(folder)]) == 0
    runs = pd.read_parquet(folder / "runs").set_index("run_id")
    for source in (folder, folder / "manifest.json"):
        frame = sim.rerun(source, 1)
        assert frame["profit"].iloc[-1] == runs.loc[1, "final.profit"]
    again = tmp_path / "one.csv"
    assert main(["rerun", str(folder), "--run-id", "1", "--out", str(again)]) == 0
    assert pd.read_csv(again)["profit"].iloc[-1] == runs.loc[1, "final.profit"]
    with pytest.raises(ManifestError, match="say which run"):
        sim.rerun(folder)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x00\x01 not json", ["not a manifest"]),
        (b'{"weeks": 4}', ["not a run manifest", "params, seed"]),
        (b'{"params": {}, "seed": -1, "weeks": 4}', ["seed = -1"]),
        (b'{"params": {"org": {"headcount": 5}}, "seed": 1, "weeks": 4}', ["org.headcount"]),
        (b"[1, 2]", ["a JSON object is expected"]),
    ],
)
def test_a_broken_manifest_is_one_line_and_exit_2(tmp_path, capsys, content, words):
    path = tmp_path / "bad.manifest.json"
    path.write_bytes(content)
    assert main(["rerun", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error:") and "Traceback" not in err
    for word in words:
        assert word in err, err


def test_a_resumed_run_reruns_from_its_snapshot(tmp_path, capsys):
    state = tmp_path / "w3.snap"
    assert main(["run", "pyramid", *RUN[2:], "--weeks", "3", "--save-state", str(state)]) == 0
    out = tmp_path / "resumed.csv"
    change = ["--set", "interventions.training.intensity=1"]
    assert main(["run", "--from", str(state), "--weeks", "6", *change, "--out", str(out)]) == 0
    again = tmp_path / "again.csv"
    assert main(["rerun", str(tmp_path / "resumed.manifest.json"), "--out", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()
    state.unlink()
    capsys.readouterr()
    assert main(["rerun", str(tmp_path / "resumed.manifest.json")]) == 2
    assert "needs that file" in capsys.readouterr().err
