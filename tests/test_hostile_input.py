"""Hostile input: every case ends with exit code 2 and a clear message, fast, in bounded memory.

Each case is refused before any simulation or expansion starts (the timeout guards that).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main

pytestmark = pytest.mark.timeout(60)

EXPERIMENT = (
    'scenario = "pyramid"\nweeks = 4\nreplications = 2\n[overrides]\n"org.headcount" = 40\n'
)


def refused(capsys, args: list[str], *words: str) -> str:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    message = " ".join(err.split())
    assert code == 2, (out, err)
    assert "Traceback" not in err
    for word in words:
        assert word in message, message
    return out


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x00\xff\xfe\x00binary\x89PNG", ["not a UTF-8 text file"]),
        ("weeks = 10\n[culture]\nservice_direction = 0\n".encode("utf-16"), ["UTF-8"]),
        (("x = " + "[" * 5000 + "]" * 5000 + "\n").encode(), ["nested too deeply"]),
        (b"# padding\n" * 200_000, ["too large"]),
    ],
    ids=["binary", "utf16", "nested-5000", "huge"],
)
def test_unreadable_files_are_refused(tmp_path: Path, capsys, content: bytes, words):
    path = tmp_path / "x.toml"
    path.write_bytes(content)
    refused(capsys, ["run", path], str(path), *words)
    refused(capsys, ["sweep", path, "-j", "1", "--out", tmp_path / "o"], *words)


def test_empty_experiment_is_refused(tmp_path: Path, capsys):
    path = tmp_path / "empty.toml"
    path.write_text("")
    refused(capsys, ["sweep", path, "-j", "1", "--out", tmp_path / "o"], "empty", "scenario")
    assert not (tmp_path / "o").exists()  # refused before anything is written


@pytest.mark.parametrize(
    "design",
    [
        # 100 values of each of four parameters: 100 million points.
        '[design]\nkind = "grid"\n[design.parameters]\n'
        + "".join(
            f'"{p}" = [{", ".join(str(lo + i * step) for i in range(100))}]\n'
            for p, lo, step in (
                ("culture.service_direction", -1.0, 0.02),
                ("culture.care_gap", 0.0, 0.003),
                ("behaviour.service_weight", 0.3, 0.01),
                ("workforce.initial_morale", 0.0, 0.01),
            )
        ),
        '[design]\nkind = "lhs"\nsamples = 1000000000\n'
        '[design.parameters]\n"culture.care_gap" = [0.0, 0.3]\n',
        '[design]\nkind = "sobol"\nsamples = 1099511627776\n[design.parameters]\n'
        '"culture.care_gap" = [0.0, 0.3]\n"culture.service_direction" = [-1.0, 1.0]\n',
    ],
    ids=["grid-100^4", "lhs-1e9", "sobol-2^40"],
)
def test_designs_beyond_the_limit_are_refused_before_expansion(tmp_path, capsys, design):
    path = tmp_path / "big.toml"
    path.write_text(EXPERIMENT.replace("[overrides]", design + "[overrides]"))
    refused(capsys, ["sweep", path, "-j", "1", "--out", tmp_path / "o"], "beyond the limit")


@pytest.mark.parametrize(
    "args",
    [
        ["run", "pyramid", "--weeks", "6000"],
        ["run", "pyramid", "--weeks", "1000000000"],
        ["run", "pyramid", "--weeks", "1e9"],
        ["compare", "pyramid", "two_way", "--weeks", "5201"],
        ["readme-table", "--weeks", "99999"],
    ],
)
def test_weeks_beyond_the_schema_are_refused(capsys, args):
    refused(capsys, args, "--weeks")


@pytest.mark.parametrize(
    "args",
    [
        ["run", "pyramid", "--seed", "-5"],
        ["compare", "pyramid", "two_way", "--seed", "-5"],
        ["readme-table", "--seed", "-1"],
        ["compare", "pyramid", "two_way", "--reps", "100000000"],
    ],
)
def test_negative_seeds_and_absurd_replications_are_refused(capsys, args):
    refused(capsys, args, "--seed" if "--seed" in args else "--reps")


def test_compare_needs_two_scenarios(capsys):
    refused(capsys, ["compare", "pyramid"], "two or more scenarios")


def test_sweep_out_pointing_at_a_file(tmp_path: Path, capsys):
    exp = tmp_path / "e.toml"
    exp.write_text(EXPERIMENT)
    target = tmp_path / "results.txt"
    target.write_text("not a folder")
    refused(capsys, ["sweep", exp, "-j", "1", "--out", target], "is a file")


def test_unwritable_out_is_reported_before_simulating(tmp_path: Path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    inside = blocker / "sub"
    exp = tmp_path / "e.toml"
    exp.write_text(EXPERIMENT)
    cases = [
        ["run", "pyramid", "--weeks", "5200", "--out", inside / "run.csv"],
        ["compare", "pyramid", "two_way", "--weeks", "5200", "--out", inside / "r.html"],
        ["sweep", exp, "-j", "1", "--out", inside],
        ["validate", "--reps", "2", "--out", inside / "V.md"],
        ["run", "pyramid", "--out", "/proc/servicechain/run.csv"],
    ]
    for args in cases:
        out = refused(capsys, args, "--out", "cannot write there")
        assert out == ""  # nothing was simulated or printed


@pytest.mark.integration
def test_truncated_part_file_is_set_aside_and_its_runs_redone(tmp_path: Path, capsys):
    exp = tmp_path / "e.toml"
    exp.write_text(EXPERIMENT.replace("replications = 2", "replications = 4"))
    out = tmp_path / "o"
    assert main(["sweep", str(exp), "-j", "1", "--out", str(out)]) == 0
    whole = pd.read_parquet(out / "runs").sort_values("run_id", ignore_index=True)
    part = sorted((out / "runs").glob("part-*.parquet"))[0]
    part.write_bytes(part.read_bytes()[:100])  # truncated, as by a full disk
    capsys.readouterr()
    assert main(["sweep", str(exp), "-j", "1", "--out", str(out), "--resume"]) == 0
    text = "".join(capsys.readouterr().out.split())  # paths may wrap anywhere
    assert f"_unreadable-{part.name}" in text and "runswereredone" in text
    again = pd.read_parquet(out / "runs").sort_values("run_id", ignore_index=True)
    cols = [c for c in whole.columns if c != "seconds"]
    pd.testing.assert_frame_equal(again[cols], whole[cols])


def test_extends_is_limited_to_the_folder_and_the_presets(tmp_path: Path, capsys):
    outside = tmp_path / "outside.toml"
    outside.write_text("[culture]\nservice_direction = 0.0\n")
    folder = tmp_path / "mine"
    folder.mkdir()
    ok = folder / "ok.toml"
    ok.write_text('extends = "two_way"\n')
    (folder / "base.toml").write_text("[culture]\ncare_gap = 0.2\n")
    (folder / "child.toml").write_text('extends = "base.toml"\n')
    assert main(["run", str(ok), "--weeks", "1"]) == 0
    assert main(["run", str(folder / "child.toml"), "--weeks", "1"]) == 0
    for target in ("../outside.toml", str(outside), "/etc/passwd", "../../../../etc/x.toml"):
        bad = folder / "bad.toml"
        bad.write_text(f'extends = "{target}"\n')
        refused(capsys, ["run", bad], "may extend a preset or a file in its own folder")
