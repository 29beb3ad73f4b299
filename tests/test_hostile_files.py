"""Hostile input, round two (issue 30, items 7-12): every case ends in exit code 2 with a
one-line message, or in a bounded success; none hangs, prints a traceback or a file's contents,
or reads outside the scenario's folder and the shipped examples.

Cases that could hang or fill memory (special files, sizes) run in a child process
(``tests/bounded_cli.py``) under a wall-clock timeout, which reports each command's exit code,
output, CPU seconds and peak memory: each must stay within 10 CPU-seconds and 1 GB. (CPU, not
wall time: on a shared machine the wall clock measures the neighbours.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.cli import main
from sim.params import ParameterError

pytestmark = pytest.mark.timeout(300)

REPO = Path(__file__).resolve().parents[1]
CLIENT = REPO / "examples" / "client"
SECRET = "SECRET-7f3a9"  # must never appear in any output
SECRET_CSV = f"user,password,note\nroot,{SECRET},x\nadmin,{SECRET}2,y\n"
CPU_LIMIT_S = 10.0
MEMORY_LIMIT_MB = 1024.0
QUICK = ["--weeks", "1", "--set", "warmup_weeks=2"]


def bounded(tmp_path: Path, *commands: list[str], timeout: float = 240.0) -> list[dict]:
    """Run the commands in a child process; fail if it does not finish within ``timeout``."""
    report = tmp_path / "report.json"
    argv = [sys.executable, "-m", "tests.bounded_cli", str(report)]
    for i, args in enumerate(commands):
        argv += (["---"] if i else []) + [str(a) for a in args]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    records = json.loads(report.read_text())
    for r in records:
        assert r["cpu"] <= CPU_LIMIT_S, (r["args"], r["cpu"])
        assert r["peak_mb"] <= MEMORY_LIMIT_MB, (r["args"], r["peak_mb"])
        assert SECRET not in r["stdout"] + r["stderr"], r
        assert "Traceback" not in r["stderr"], r
    return records


def one_line_error(record: dict, *words: str) -> str:
    """The record ended in exit 2 with exactly one line on stderr, naming ``words``."""
    err = record["stderr"]
    assert record["code"] == 2, record
    assert err.startswith("error: ") and err.count("\n") == 1, record
    for word in words:
        assert word in err, (word, err)
    return err


def refused(capsys, args: list, *words: str) -> str:
    """In this process: exit 2, one line, the words, nothing on stdout, no secret."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert SECRET not in out + err
    one_line_error({"code": code, "stderr": err}, *words)
    assert out == "", out
    return err


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


# ----------------------------------------------------------------------------- item 7
def test_special_files_are_refused_before_anything_is_read_or_simulated(tmp_path, fifo):
    out_fifo = tmp_path / "fifo.csv"
    os.mkfifo(out_fifo)
    html_fifo = tmp_path / "fifo.html"
    os.mkfifo(html_fifo)
    sparse = tmp_path / "huge.csv"
    with open(sparse, "wb") as fh:
        fh.truncate(200_000_000)  # 200 MB of nothing, instantly (a sparse file)
    cells = tmp_path / "cells.csv"
    cells.write_bytes(b"employee_id\n" + b"x\n" * 2_500_000)
    records = bounded(
        tmp_path,
        ["run", "pyramid", *QUICK, "--set", "org.chart=/dev/zero"],
        ["run", "pyramid", *QUICK, "--set", "org.survey=/dev/zero"],
        ["run", "pyramid", *QUICK, "--set", "org.survey_weights=/dev/zero"],
        ["run", "pyramid", *QUICK, "--set", f"org.chart={fifo}"],
        ["run", "pyramid", *QUICK, "--set", f"org.chart={sparse}"],
        ["run", "pyramid", *QUICK, "--set", f"org.chart={cells}"],
        ["run", "pyramid", *QUICK, "--out", out_fifo],
        ["compare", "pyramid", "two_way", "--reps", "1", *QUICK, "--out", html_fifo],
        ["run", fifo],
        ["sweep", fifo, "--out", tmp_path / "s"],
        ["rerun", fifo],
        ["calibrate", "pyramid", "--targets", fifo, "--out", tmp_path / "fit.toml"],
        ["run", "/dev/null"],
        ["run", "/tmp"],
    )
    expected = [
        ["/dev/zero", "character device", "org chart"],
        ["/dev/zero", "character device", "survey"],
        ["/dev/zero", "character device", "survey weights"],
        ["FIFO", "org chart"],
        ["200,000,000 bytes", "too large", "at most 64,000,000"],
        ["2,500,0", "cells", "at most 2,000,000"],
        ["--out", "FIFO", "regular file"],
        ["--out", "FIFO", "regular file"],
        ["FIFO", "not a scenario file"],
        ["FIFO", "TOML"],
        ["FIFO", "manifest"],
        ["FIFO", "TOML"],
        ["/dev/null", "character device", "not a scenario file"],
        ["/tmp", "is a folder", "not a scenario file"],
    ]
    for record, words in zip(records, expected, strict=True):
        one_line_error(record, *words)
        assert record["stdout"] == "", record  # refused before anything ran


# ----------------------------------------------------------------------------- item 8
def scenario_naming(folder: Path, key: str, value: str) -> Path:
    path = folder / f"{key}.toml"
    path.write_text(f'extends = "pyramid"\n[org]\n{key} = "{value}"\n')
    return path


@pytest.mark.parametrize("key", ["chart", "survey", "survey_weights"])
def test_scenario_data_files_are_confined_to_its_folder_and_the_examples(tmp_path, capsys, key):
    secret = tmp_path / "secret.csv"
    secret.write_text(SECRET_CSV)
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "link.csv").symlink_to(secret)
    for value in ("../secret.csv", str(secret), "/etc/passwd", "../../../../etc/shadow",
                  "link.csv", "~/.bashrc"):  # fmt: skip
        path = scenario_naming(folder, key, value)
        refused(capsys, ["run", path, *QUICK], f"org.{key}", "own folder", "--set")
        with pytest.raises(ParameterError, match="may name data files in its own folder"):
            sim.load_scenario(path)


def test_files_beside_the_scenario_and_the_shipped_examples_are_allowed(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "data").mkdir()
    (folder / "data" / "chart.csv").write_bytes((CLIENT / "chart.csv").read_bytes())
    beside = scenario_naming(folder, "chart", "data/chart.csv")
    shipped = scenario_naming(folder, "survey", str(CLIENT / "survey.csv"))
    shipped.write_text(
        shipped.read_text().replace('"pyramid"', '"pyramid"\n') + f'chart = "{CLIENT}/chart.csv"\n'
    )
    assert sim.load_scenario(beside).org.chart == str(folder / "data" / "chart.csv")
    assert sim.load_scenario(shipped).org.survey == str(CLIENT / "survey.csv")


@pytest.mark.parametrize("key", ["chart", "survey", "survey_weights"])
def test_no_error_prints_a_line_of_a_file_that_is_not_the_table_asked_for(tmp_path, capsys, key):
    """Given explicitly (--set is the user's own choice, so not confined), a file that is not
    a chart or survey is described by its shape; none of its cells is quoted."""
    files = {
        "secret.csv": SECRET_CSV,
        "one_column.txt": f"{SECRET}\n{SECRET}x\n",
        "semicolons.csv": f"a;b\n{SECRET};1;2\n",
        "passwd": f"root:x:0:0:{SECRET}:/root:/bin/bash\n",
        "latin1.csv": None,
    }
    for name, text in files.items():
        path = tmp_path / name
        if text is None:
            path.write_bytes(f"id,{SECRET}\n".encode() + b"caf\xe9,1\n")
        else:
            path.write_text(text)
        refused(capsys, ["run", "pyramid", *QUICK, "--set", f"org.{key}={path}"], str(path))


def test_a_chart_with_a_typo_in_its_header_still_names_the_column(tmp_path, capsys):
    chart = tmp_path / "c.csv"
    lines = (CLIENT / "chart.csv").read_text().splitlines()
    chart.write_text("\n".join([lines[0].replace("department", "departmnet"), *lines[1:]]))
    refused(capsys, ["org", "pyramid", "--set", f"org.chart={chart}"], "did you mean 'department'")


# ----------------------------------------------------------------------------- item 9
def test_nul_bytes_are_refused_with_a_message(tmp_path, capsys):
    cases = {
        "extends.toml": ('extends = "base\\u0000.toml"\n', ["NUL"]),
        "preset.toml": ('extends = "pyra\\u0000mid"\n', ["NUL"]),
        "chart.toml": (
            'extends = "pyramid"\n[org]\nchart = "ok\\u0000.csv"\n',
            ["org.chart", "control"],
        ),
        "dept.toml": (
            'extends = "pyramid"\n[[org.departments]]\nname = "fr\\u0000ont"\nshare = 1.0\n'
            "customer_facing = true\n",
            ["org.departments", "control character"],
        ),
    }
    for name, (text, words) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        refused(capsys, ["run", path, *QUICK], *words)
    chart = tmp_path / "nul.csv"
    chart.write_bytes(
        (CLIENT / "chart.csv").read_bytes().replace(b",field_service,", b",fi\x00,", 1)
    )
    refused(capsys, ["org", "pyramid", "--set", f"org.chart={chart}"], "row", "NUL byte")
    with pytest.raises(ParameterError, match="NUL"):
        sim.run("pyra\x00mid", weeks=1)
    with pytest.raises(ParameterError, match="control character"):
        sim.run("pyramid", weeks=1, overrides={"org.departments": [
            {"name": "a\x00", "share": 1.0, "customer_facing": True}]})  # fmt: skip


# ----------------------------------------------------------------------------- item 10
def write_chart(path: Path, people: int, departments: int) -> Path:
    rows = ["employee_id,manager_id,department,frontline", "e0,,d0,false"]
    rows += [
        f"e{i},e{(i - 1) // 10},d{i % departments},{'true' if i % 2 else 'false'}"
        for i in range(1, people)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_large_inside_the_old_caps_is_bounded_or_refused_with_its_cap(tmp_path):
    one_each = write_chart(tmp_path / "one_each.csv", 3000, 3000)
    wide = write_chart(tmp_path / "wide.csv", 3000, 1000)
    many = write_chart(tmp_path / "many.csv", 2000, 1000)
    records = bounded(
        tmp_path,
        ["org", "pyramid", "--set", f"org.chart={one_each}"],
        ["run", "pyramid", *QUICK, "--set", f"org.chart={one_each}"],
        ["org", "pyramid", "--set", f"org.chart={wide}"],
        ["org", "pyramid", "--set", f"org.chart={many}"],
        [
            "run",
            "pyramid",
            "--weeks",
            "1",
            "--set",
            "org.headcount=5000",
            "--set",
            "customers.per_frontline=5000",
        ],
    )
    one_line_error(records[0], "3,000 departments", "at most 1,000")
    one_line_error(records[1], "3,000 departments", "at most 1,000")
    one_line_error(records[2], "3,000,000 person-department pairs", "at most 2,000,000")
    assert records[3]["code"] == 0 and "2,000 seats" in records[3]["stdout"]
    assert "too large to show" in " ".join(records[3]["stdout"].split())
    one_line_error(records[4], "customers.per_frontline = 5000", "at most 20,000,000")


# ----------------------------------------------------------------------------- item 12
@pytest.mark.parametrize("text", ["", "\n\n", "# a comment only\n# another\n"])
def test_an_empty_scenario_file_is_an_error(tmp_path, capsys, text):
    path = tmp_path / "half.toml"
    path.write_text(text)
    refused(capsys, ["run", path, *QUICK], str(path), "empty", 'extends = "pyramid"')


def test_a_byte_order_mark_is_read_past(tmp_path, capsys):
    text = 'extends = "two_way"\n[org]\nheadcount = 40\n'
    plain, bom = tmp_path / "plain.toml", tmp_path / "bom.toml"
    plain.write_text(text)
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert sim.load_scenario(bom) == sim.load_scenario(plain)
    assert main(["run", str(bom), *QUICK]) == 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", "pyramid", "--weeks", "6000"], ["--weeks", "5200"]),
        (["run", "pyramid", "--weeks", "-1"], ["--weeks"]),
        (["run", "pyramid", "--seed", "-5"], ["--seed"]),
        (["run", "pyramid", "--seed", str(2**64)], ["--seed"]),
        (["compare", "pyramid", "two_way", "--reps", "0"], ["--reps"]),
        (["compare", "pyramid", "two_way", "--reps", "20000"], ["--reps", "10000"]),
        (["validate", "--reps", "1"], ["--reps"]),
        (["run", "pyramid", "--bogus"], ["--bogus"]),
        (["compare"], ["Missing argument"]),
    ],
)
def test_usage_errors_are_one_line_not_a_box(capsys, args, words):
    err = refused(capsys, args, *words, "--help")
    assert not any(ch in err for ch in "╭│╰")
