"""The scenario commands end to end: show, compare, readme-table, and broken scenario files.

Every broken file gives exit code 2 and a short 'error: ...' naming the file, never a traceback.
"""

from __future__ import annotations

import re
import tomllib

import pytest

from sim.cli import main
from sim.kpis import CHAIN
from sim.scenario import load_scenario
from sim.studies.html import read_figures
from sim.studies.report import README_END, README_START

DEPTS_2 = """
[[org.departments]]
name = "front"
share = {a}
customer_facing = true

[[org.departments]]
name = "back"
share = {b}
"""

# (kind, file text, words the message must contain)
BROKEN = [
    (
        "unknown key",
        "[culture]\nservce_direction = 0\n",
        ["culture.servce_direction", "Did you mean 'service_direction'"],
    ),
    (
        "unknown section",
        "[cultur]\nservice_direction = 0\n",
        ["'cultur'", "Did you mean 'culture'"],
    ),
    (
        "wrong type",
        '[org]\nheadcount = "many"\n',
        ["org.headcount", "whole number from 20 to 100000"],
    ),
    (
        "out of range",
        "[culture]\nservice_direction = 3\n",
        ["culture.service_direction = 3", "from -1 to 1"],
    ),
    (
        "unknown extends",
        'extends = "pyramd"\n',
        ["extends = 'pyramd'", "Did you mean 'pyramid'", "Presets:"],
    ),
    ("extends cycle", 'extends = "loop_b.toml"\n', ["cycle", "loop_a -> loop_b -> loop_a"]),
    ("extends not a string", "extends = 3\n", ["extends = 3", "name or a path"]),
    ("dependency shape", "[org]\ndependency = [[1, 2], [3, 4]]\n", ["org.dependency", "4x4"]),
    (
        "negative share",
        DEPTS_2.format(a=1.5, b=-0.5),
        ["org.departments.1.share", "greater than or equal to 0"],
    ),
    ("shares not summing to 1", DEPTS_2.format(a=0.5, b=0.3), ["shares must sum to 1", "0.8"]),
    (
        "unknown event type",
        '[[events]]\ntype = "alien_invasion"\nweek = 3\n',
        ["alien_invasion", "demand_surge"],
    ),
    (
        "event after horizon",
        'weeks = 52\n[[events]]\ntype = "hiring_freeze"\nweek = 60\n',
        ["week 60", "horizon of 52"],
    ),
    (
        "misspelt event key",
        '[[events]]\ntype = "demand_surge"\nweek = 3\nsise = 0.2\n',
        ["events[0].sise", "Did you mean 'size'"],
    ),
    ("invalid TOML", "[culture\nservice_direction = 0\n", ["invalid TOML", "line 1"]),
    ("description not text", "description = 5\n", ["description = 5", "text string"]),
    (
        "salaries vs levels",
        "[org]\nlevels = 3\nsalary_by_level = [1, 2]\n",
        ["salary_by_level", "3 levels"],
    ),
]


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("kind", "text", "words"), BROKEN, ids=[b[0] for b in BROKEN])
@pytest.mark.parametrize("command", ["run", "show"])
def test_broken_scenario_file_exits_2_with_a_short_message(
    tmp_path, capsys, kind, text, words, command
):
    path = tmp_path / "loop_a.toml"
    path.write_text(text)
    (tmp_path / "loop_b.toml").write_text('extends = "loop_a.toml"\n')
    code, out, err = (
        run_cli(capsys, command, str(path), "--weeks", "2")
        if command == "run"
        else (run_cli(capsys, command, str(path)))
    )
    message = " ".join(err.split())  # rich wraps long lines
    assert code == 2, (kind, out, err)
    assert "Traceback" not in err + out
    assert message.startswith("error:") and "loop_a" in message
    for w in words:
        assert w in message, (kind, w, message)
    assert len(message) < 600, "short: one paragraph"


def test_the_acceptance_list_has_at_least_ten_kinds():
    assert len(BROKEN) >= 10


def test_show_prints_toml_that_loads_back(tmp_path, capsys):
    code, out, err = run_cli(capsys, "show", "insurance_claims@two_way", "--set", "org.span=6")
    assert code == 0, err
    data = tomllib.loads(out)
    assert data["culture"]["service_direction"] == 0.0 and data["org"]["span"] == 6.0
    assert "levels" not in data["org"], "None values are dropped (TOML has no null)"
    path = tmp_path / "copy.toml"
    path.write_text(out)
    expect = load_scenario("insurance_claims@two_way").model_copy(deep=True)
    expect.org.span = 6.0
    assert load_scenario(path) == expect


def test_run_accepts_a_culture_spec_and_culture_option(capsys):
    code, out, _ = run_cli(capsys, "run", "restaurant@inverted", "--weeks", "3")
    assert code == 0 and "restaurant@inverted" in out
    code, _, _ = run_cli(capsys, "run", "restaurant", "--culture", "two_way", "--weeks", "3")
    assert code == 0
    # --culture reads the same culture map as NAME@culture: names or a number in [-1, 1].
    assert run_cli(capsys, "run", "restaurant", "--culture", "0.5", "--weeks", "1")[0] == 0
    code, _, err = run_cli(capsys, "run", "restaurant", "--culture", "sideways")
    assert code == 2 and "unknown culture 'sideways'" in err and "two_way" in err


@pytest.mark.integration
def test_compare_writes_the_report_and_prints_both_tables(tmp_path, capsys):
    out_file = tmp_path / "X.html"
    code, out, err = run_cli(
        capsys, "compare", "pyramid", "two_way", "--reps", "3", "--weeks", "26", "--out",
        str(out_file),
    )  # fmt: skip
    assert code == 0, err
    assert "final week (26)" in out and "mean over weeks 1-26" in out
    assert "two_way − pyramid" in out
    for _, kpi in CHAIN:
        assert kpi in out
    figs = read_figures(out_file)
    chain = figs["fig-chain"]["data"]
    assert len(chain) == len(CHAIN) and all(b["x"] == ["pyramid", "two_way"] for b in chain)
    series = [t for t in figs["fig-timeseries"]["data"] if t.get("mode") == "lines"]
    assert all(len(t["y"]) == 27 for t in series)


@pytest.mark.integration
def test_compare_self_shows_zero_difference(capsys):
    code, out, err = run_cli(capsys, "compare", "airline", "airline", "--reps", "2", "--weeks", "8")
    assert code == 0, err
    assert "airline#2 − airline" in out
    # every difference cell is an exact zero with a zero-width interval
    diff_cells = [ln.rsplit("│", 2)[-2].strip() for ln in out.splitlines() if ln.count("│") >= 4]
    diff_cells = [c for c in diff_cells if c and c[0].isdigit()]
    assert len(diff_cells) == 2 * len(CHAIN)  # final week and whole-run mean
    for cell in diff_cells:
        numbers = re.findall(r"-?\d[\d,]*(?:\.\d+)?", cell)
        assert len(numbers) == 3 and all(float(n.replace(",", "")) == 0 for n in numbers), cell


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["compare", "pyramid", "tow_way"], ["unknown scenario 'tow_way'", "Presets:", "airline"]),
        (["compare", "pyramid", "airline@sideways"], ["unknown culture 'sideways'"]),
        (["compare", "pyramid", "--set", "culture.servce_direction=0"], ["Did you mean"]),
        (["compare", "pyramid", "two_way", "--out", "r.csv"], [".html"]),
        (["show", "nope"], ["unknown scenario 'nope'"]),
    ],
)
def test_compare_and_show_bad_input_exit_2(capsys, args, words):
    code, _out, err = (
        run_cli(capsys, *args, "--weeks", "2") if args[0] == "compare" else (run_cli(capsys, *args))
    )
    message = " ".join(err.split())
    assert code == 2 and "Traceback" not in message
    for w in words:
        assert w in message


@pytest.mark.integration
def test_readme_table_command_prints_and_writes(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n{README_START}\nold table\n{README_END}\nafter\n")
    code, out, err = run_cli(
        capsys, "readme-table", "--reps", "2", "--weeks", "20", "--write", str(readme)
    )
    assert code == 0, err
    rows = [ln for ln in out.splitlines() if ln.startswith("| ")]
    assert [r.split("|")[1].strip() for r in rows] == ["scenario", "pyramid", "two_way", "inverted"]
    text = readme.read_text()
    assert "old table" not in text and rows[1] in text and text.endswith(f"{README_END}\nafter\n")
