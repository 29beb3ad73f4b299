"""Snapshots: a run resumed from week k equals the uninterrupted run, bit for bit; bad files are
refused with one line; forks, ``sim.run(start=)``, the CLI and rewind use the same mechanism."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli.main import main
from sim.model import ServiceCultureModel
from sim.params import ParameterError
from sim.rewind import Rewind
from sim.snapshot import FORMAT_VERSION, Snapshot, SnapshotError
from sim.state import State

ROOT = Path(__file__).resolve().parent.parent
CLIENT = ROOT / "examples" / "client" / "client.toml"
SMALL = {"org.headcount": 90, "warmup_weeks": 30}
ONE_OFF_EVENTS = [
    {"type": "demand_surge", "week": 4, "size": 0.5, "weeks": 6},
    {"type": "hiring_freeze", "week": 8, "weeks": 6},
    {"type": "budget_cut", "week": 10, "share": 0.2, "weeks": 8},
    {"type": "key_person_leaves", "week": 12, "level": 1, "count": 2},
    {"type": "layoffs", "week": 14, "share": 0.1},
    {"type": "leadership_change", "week": 16, "service_direction": 0.5},
]
LEVERS = {"interventions.training.intensity": 1.0, "interventions.recognition.intensity": 2.0}
# (scenario, overrides): plain, seasonal surges, levers, one-off events with levers, a client's
# own org chart with its survey.
CASES = {
    "pyramid": ("pyramid", SMALL),
    "airline": ("airline", SMALL),
    "two_way_program": ("two_way_program", SMALL),
    "events_and_levers": ("pyramid", {**SMALL, **LEVERS, "events": ONE_OFF_EVENTS}),
    "client": (str(CLIENT), {"warmup_weeks": 30}),
}


def build(case: str, seed: int = 3, panel: str | None = None) -> ServiceCultureModel:
    scenario, overrides = CASES[case]
    return ServiceCultureModel(scenario, overrides=overrides, seed=seed, panel=panel)


def same(a, b) -> bool:
    """Equal in type and value, arrays by dtype, shape and bytes, dataclasses field by field."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray) and a.dtype.hasobject:
        return a.dtype == b.dtype and a.shape == b.shape and a.tolist() == b.tolist()
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if dataclasses.is_dataclass(a):
        return all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def assert_same(a: ServiceCultureModel, b: ServiceCultureModel) -> None:
    """Bit-identical: the KPI frames, and every value of the two models' complete states."""
    pd.testing.assert_frame_equal(a.kpis(), b.kpis(), check_exact=True)
    assert a.checkpoint().differences(b.checkpoint()) == []


@pytest.mark.parametrize("case", list(CASES))
def test_a_run_resumed_from_week_k_equals_the_uninterrupted_run(case: str):
    whole = build(case)
    whole.run(24)
    part = build(case)
    part.run(9)
    resumed = ServiceCultureModel.from_snapshot(part.snapshot())
    assert resumed.steps == 9
    resumed.run(15)
    assert_same(whole, resumed)
    for field in dataclasses.fields(State):  # spelled out, field by field
        a, b = getattr(whole.state, field.name), getattr(resumed.state, field.name)
        assert same(a, b), field.name
    assert whole.rng.bit_generator.state == resumed.rng.bit_generator.state
    assert whole.random.getstate() == resumed.random.getstate()


def test_a_client_snapshot_resumes_without_its_chart_files(monkeypatch):
    model = build("client")
    data = model.snapshot()

    def unreadable(*args, **kwargs):
        raise AssertionError("the org chart was read again")

    monkeypatch.setattr("sim.orgchart.organization_from_chart", unreadable)
    monkeypatch.setattr("sim.orgchart.load_chart", unreadable)
    resumed = ServiceCultureModel.from_snapshot(data)
    assert same(resumed.org.seat_ids, model.org.seat_ids)
    assert (
        resumed.seat_table()["employee_id"].tolist() == model.seat_table()["employee_id"].tolist()
    )


def test_every_field_of_the_state_is_in_the_snapshot_and_only_they():
    # The codec is generic over the dataclass: a field added to State is stored by itself, and
    # a snapshot of another State is refused (below).
    stored = build("pyramid").checkpoint().header["tree"]["items"]["model"]["items"]["state"]
    assert stored["type"] == "sim.state:State"
    assert set(stored["fields"]) == {f.name for f in dataclasses.fields(State)}


def test_the_comparison_can_fail_and_names_what_differs():
    model = build("pyramid")
    model.run(3)
    twin = model.fork()
    twin.state.morale[5] = np.nextafter(twin.state.morale[5], 2.0)  # one ulp
    twin.state.shortfall = twin.state.shortfall + 1e-300
    twin.state.quit_history.append(0)
    differences = model.checkpoint().differences(twin.checkpoint())
    assert "array model.state.morale" in differences
    assert "model.state.shortfall" in differences
    assert any("quit_history" in d for d in differences)


def test_a_restored_model_has_every_attribute_and_new_ones_come_along():
    model = build("pyramid", panel="team")
    model.run(2)
    model.notes = {"analyst": "ab", "flags": [True, False], "peak": np.float32(1.5)}
    restored = ServiceCultureModel.from_snapshot(model.snapshot())
    assert set(vars(restored)) == set(vars(model))
    assert restored.notes == model.notes and type(restored.notes["peak"]) is np.float32
    pd.testing.assert_frame_equal(model.panel_frame(), restored.panel_frame(), check_exact=True)
    model.callback = lambda: None
    with pytest.raises(SnapshotError, match="callback: a builtins.function cannot be stored"):
        model.checkpoint()


def test_the_employee_panel_and_mesa_agent_rows_resume_exactly():
    whole = build("pyramid", panel="employee")
    whole.run(6)
    part = build("pyramid", panel="employee")
    part.run(2)
    resumed = ServiceCultureModel.from_snapshot(part.checkpoint())
    resumed.run(4)
    assert_same(whole, resumed)
    pd.testing.assert_frame_equal(
        whole.datacollector.get_agent_vars_dataframe(),
        resumed.datacollector.get_agent_vars_dataframe(),
        check_exact=True,
    )
    assert resumed.employee(3).morale == whole.employee(3).morale


def test_files_and_in_memory_snapshots_agree(tmp_path: Path):
    model = build("airline")
    model.run(5)
    path = tmp_path / "state.snap"
    data = model.snapshot(path)
    assert path.read_bytes() == data
    assert zipfile.ZipFile(path).namelist() == ["snapshot.json", "arrays.bin"]
    from_file = ServiceCultureModel.from_snapshot(path)
    from_str = ServiceCultureModel.from_snapshot(str(path))
    checkpoint = model.checkpoint()
    for other in (from_file, from_str, ServiceCultureModel.from_snapshot(checkpoint)):
        assert checkpoint.differences(other.checkpoint()) == []
    # One snapshot restores any number of times, each restore independent of the others.
    a = ServiceCultureModel.from_snapshot(checkpoint)
    b = ServiceCultureModel.from_snapshot(checkpoint)
    a.run(3)
    b.run(3)
    assert_same(a, b)
    assert checkpoint.meta == {"week": 5, "seed": 3, "scenario": "airline", "seats": 90,
                               "panel": None}  # fmt: skip


def test_forks_with_other_levers_equal_set_params_at_that_week():
    base = build("pyramid")
    base.run(4)
    fork = base.fork({"interventions.training.intensity": 2.0})
    base.set_params({"interventions.training.intensity": 2.0})
    fork.run(6)
    base.run(6)
    assert_same(base, fork)
    with pytest.raises(ParameterError, match="org.headcount"):
        base.fork({"org.headcount": 40})


# ------------------------------------------------------------------------ bad input
def good_bytes() -> bytes:
    model = build("pyramid")
    return model.snapshot()


def rezip(data: bytes, change) -> bytes:
    """The archive with its members rewritten by ``change(name, bytes) -> bytes | None``."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            new = change(name, src.read(name))
            if new is not None:
                dst.writestr(name, new)
    return out.getvalue()


def bump_version(name: str, data: bytes) -> bytes:
    return data.replace(b'"version":1', f'"version":{FORMAT_VERSION + 1}'.encode(), 1)


def drop_state_field(name: str, data: bytes) -> bytes:
    return data.replace(b'"shortfall"', b'"shortfall_old"', 1)


def object_array(name: str, data: bytes) -> bytes:
    return data.replace(
        b'"model.state.morale":{"dtype":"<f8"', b'"model.state.morale":{"dtype":"|O"'
    )


def outside_the_data(name: str, data: bytes) -> bytes:
    return data.replace(b'"shape":[', b'"shape":[99999,', 1)


def foreign_class(name: str, data: bytes) -> bytes:
    return data.replace(b'"sim.state:State"', b'"subprocess:Popen"', 1)


BAD = {
    "foreign file": (lambda d: b"name,age\nann,3\n", "not a servicechain snapshot"),
    "foreign zip": (
        lambda d: rezip(d, lambda n, b: None if n == "snapshot.json" else b),
        "not a servicechain snapshot",
    ),
    "truncated": (lambda d: d[: len(d) // 2], "corrupt or truncated"),
    "flipped byte": (lambda d: d[:400] + bytes([d[400] ^ 0xFF]) + d[401:], "corrupt"),
    "newer format": (lambda d: rezip(d, bump_version), "newer servicechain"),
    "another state": (lambda d: rezip(d, drop_state_field), "lacks shortfall"),
    "object array": (lambda d: rezip(d, object_array), "dtype '|O', which is refused"),
    "array table": (lambda d: rezip(d, outside_the_data), "lies outside the data"),
    "class outside the core": (lambda d: rezip(d, foreign_class), "outside the model's core"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_snapshot_files_are_refused_with_one_line(kind: str, tmp_path: Path, capsys):
    spoil, words = BAD[kind]
    data = spoil(good_bytes())
    with pytest.raises(SnapshotError, match=words):
        ServiceCultureModel.from_snapshot(data)
    path = tmp_path / "state.snap"
    path.write_bytes(data)
    assert main(["run", "--from", str(path)]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


def test_run_with_start_resumes_and_refuses_contradictions(tmp_path: Path):
    whole = sim.run("airline", weeks=20, seed=4, overrides=SMALL)
    model = ServiceCultureModel("airline", overrides=SMALL, seed=4)
    model.run(7)
    path = tmp_path / "w7.snap"
    model.snapshot(path)
    resumed = sim.run(weeks=20, start=path)
    pd.testing.assert_frame_equal(whole, resumed, check_exact=True)
    pd.testing.assert_frame_equal(
        whole, sim.run("airline", weeks=20, seed=4, start=path.read_bytes()), check_exact=True
    )
    with pytest.raises(ParameterError, match="seed 5"):
        sim.run(weeks=20, seed=5, start=path)
    with pytest.raises(ParameterError, match="scenario 'two_way'"):
        sim.run("two_way", weeks=20, start=path)
    with pytest.raises(ParameterError, match="already at week 7"):
        sim.run(weeks=5, start=path)
    with pytest.raises(SnapshotError, match="no such snapshot file"):
        sim.run(start=tmp_path / "missing.snap")


def flat(text: str) -> str:
    """Console output with rich's line wrapping undone."""
    return " ".join(text.split())


def test_cli_saves_and_resumes_a_run(tmp_path: Path, capsys):
    whole, resumed, state = tmp_path / "whole.csv", tmp_path / "resumed.csv", tmp_path / "s.snap"
    common = ["--set", "org.headcount=90", "--set", "warmup_weeks=30"]
    args = ["run", "pyramid", "--weeks", "12", "--seed", "2", *common]
    assert main([*args, "--out", str(whole), "--save-state", str(state), "--save-at", "5"]) == 0
    assert main(["run", "--from", str(state), "--weeks", "12", "--out", str(resumed)]) == 0
    assert whole.read_text() == resumed.read_text()
    assert "resume with: servicechain run --from" in flat(capsys.readouterr().out)
    for bad, words in (
        (["run", "--from", str(state), "--seed", "1"], "leave out SCENARIO and --seed"),
        (["run", "--from", str(state), "--weeks", "3"], "at week 5 already"),
        (["run", "--from", str(state), "--set", "org.headcount=50"], "cannot change mid-run"),
        (["run", "--save-at", "3"], "--save-at WEEK needs --save-state"),
        ([*args, "--save-state", str(state), "--save-at", "13"], "give a week of this run"),
    ):
        assert main(bad) == 2
        assert words in flat(capsys.readouterr().err)


# ------------------------------------------------------------------------ rewind
def test_rewind_goes_back_to_a_kept_week_exactly_and_drops_the_abandoned_branch():
    model = build("pyramid")
    history = Rewind(every=3)
    history.record(model)
    states = {}
    for _ in range(10):
        model.step()
        if history.record(model):
            states[model.steps] = model.checkpoint()
    assert history.weeks() == [0, 3, 6, 9]
    back = history.rewind(6)
    assert back.steps == 6 and states[6].differences(back.checkpoint()) == []
    assert history.weeks() == [0, 3, 6]
    assert history.nearest(8) == 6
    with pytest.raises(ParameterError, match="kept weeks are 0, 3, 6"):
        history.rewind(5)
    # Past the memory budget the interval doubles; the first and the latest stay.
    small = Rewind(every=1, max_bytes=3 * history._kept[0].nbytes)
    for _ in range(8):
        small.record(back)
        back.step()
    small.record(back)
    kept = small.weeks()
    assert small.every > 1 and kept[0] == 6 and len(kept) <= 3
    assert all(w % small.every == 0 for w in kept[1:-1])
    assert small.kept_bytes <= small.max_bytes


def test_snapshot_objects_are_read_only_and_compare_by_content():
    model = build("pyramid")
    snap = model.checkpoint()
    assert all(not a.flags.writeable for a in snap.arrays.values())
    again = Snapshot.from_bytes(snap.to_bytes())
    assert snap.differences(again) == [] and snap.nbytes == again.nbytes
