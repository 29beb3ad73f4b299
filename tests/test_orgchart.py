"""Org-chart import: a client's chart becomes the organization, and every broken chart is refused.

Acceptance (issue 15): a 250-person chart with irregular spans runs with seats = people and
levels = the chart's depth; a cycle, an unknown manager and a duplicate id each exit 2 naming
the id, with no traceback; every validation rule has a test.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.org import Organization
from sim.orgchart import ChartError, load_chart, rungs_below
from sim.params import ParameterError
from sim.survey import dependency_by_kind, reference_lateral_rate
from tests.chart_files import depth_by_walking, irregular_chart, small_chart_text, write_csv


def chart_model(path: Path, seed: int = 1, **overrides) -> sim.ServiceCultureModel:
    return sim.ServiceCultureModel(
        "pyramid", overrides={"org.chart": str(path), **overrides}, seed=seed
    )


@pytest.fixture
def chart250(tmp_path) -> tuple[Path, dict[str, np.ndarray]]:
    columns = irregular_chart(250, seed=3)
    return write_csv(tmp_path / "chart.csv", columns), columns


# ------------------------------------------------------------------------------ the organization
def test_a_250_person_irregular_chart_runs_with_its_own_levels_and_teams(chart250):
    path, columns = chart250
    depth = depth_by_walking(columns)
    model = chart_model(path)
    org = model.org
    assert org.n_seats == 250, "seats = people"
    assert org.n_levels == max(depth.values()) + 1, "levels = the chart's depth"
    assert list(org.level_sizes) == np.bincount(list(depth.values())).tolist()
    spans = org.n_reports[org.is_manager]
    assert spans.min() == 1 and spans.max() >= 8, "irregular spans survive the import"
    # Every seat holds the person the chart says, reporting to the manager the chart says.
    ids = list(org.seat_ids)
    boss = dict(zip(columns["employee_id"], columns["manager_id"], strict=True))
    for seat, person in enumerate(ids):
        m = org.manager[seat]
        assert (ids[m] if m >= 0 else "") == boss[person]
        assert org.level[seat] == depth[person]
    front = dict(zip(columns["employee_id"], columns["frontline"] == "true", strict=True))
    assert [front[p] for p in ids] == org.frontline.tolist()

    df = model.run(26)
    assert np.isfinite(df.to_numpy(dtype=float)).all()
    last = df.iloc[1:]
    assert (last["headcount"] <= 250).all() and last["internal_requests"].min() > 0
    assert last["service_level_down"].notna().all(), "reports' requests reach their managers"
    assert last["customers_active"].min() > 0 and last["revenue"].min() > 0


def test_a_chart_organization_has_the_shape_of_a_generated_one(chart250):
    path, _ = chart250
    chart = chart_model(path).org
    generated = sim.ServiceCultureModel("pyramid", seed=1).org
    for f in dataclasses.fields(Organization):
        a, b = getattr(chart, f.name), getattr(generated, f.name)
        if f.name in ("seat_ids", "start_tenure", "received_rating", "given_rating"):
            continue  # chart and survey extras: None for a generated organization
        assert type(a) is type(b), f.name
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and a.ndim == b.ndim, f.name
    assert chart.dependency.shape == (chart.n_depts, chart.n_depts)
    # Seats are ordered by level, then department, then manager, like a generated pyramid.
    key = pd.DataFrame({"level": chart.level, "dept": chart.dept, "manager": chart.manager})
    assert key.equals(key.sort_values(["level", "dept", "manager"], kind="stable"))


def test_departments_and_customer_facing_flags_come_from_the_chart(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(small_chart_text())
    org = chart_model(path, **{"org.headcount": 5000}).org  # ignored: the chart wins
    assert org.n_seats == 7
    assert org.dept_names == ("exec", "ops", "sales"), "sorted department names"
    assert org.customer_facing.tolist() == [False, False, True], "facing = has frontline people"
    assert org.frontline.sum() == 2
    # Support staff of ops receive lateral requests; exec has only its head, who then does.
    assert [list(org.seat_ids[w]) for w in org.dept_workers] == [["A"], ["G"], ["E", "F"]]


def test_tenure_seeds_tenure_and_skill(tmp_path):
    rows = "".join(f"P{i},A,ops,true,{t}\n" for i, t in enumerate([0, 0, 0, 900, 900, 900, ""]))
    path = tmp_path / "c.csv"
    path.write_text(
        "employee_id,manager_id,department,frontline,tenure_weeks\nA,,ops,false,1\n" + rows
    )
    model = chart_model(path, seed=4, **{"warmup_weeks": 0})  # the organization as built
    table = model.seat_table().set_index("employee_id")
    assert table.loc[["P0", "P1", "P2"], "tenure"].tolist() == [0, 0, 0]
    assert table.loc[["P3", "P4", "P5"], "tenure"].tolist() == [900, 900, 900]
    assert table.loc["P6", "tenure"] >= 0, "unknown tenure is drawn"
    # The learning curve: new hires start near hire_skill, veterans near 1.
    hire = model.params.workforce.hire_skill
    assert table.loc[["P0", "P1", "P2"], "skill"].mean() < hire + 0.1
    assert table.loc[["P3", "P4", "P5"], "skill"].mean() > 0.9


def test_salary_band_where_given_else_rungs_of_management_below(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "employee_id,manager_id,department,frontline,salary_band\n"
        "A,,exec,false,\nB,A,ops,false,\nC,B,ops,true,\nD,A,ops,true,\nE,A,ops,true,55000\n"
    )
    model = chart_model(
        path, **{"economics.salary_base": 40000, "economics.salary_level_ratio": 1.5}
    )
    annual = dict(zip(model.org.seat_ids, model.org.salary_week * 52, strict=True))
    # C (level 2) and D (level 1) have no reports: both earn the base, whatever their level.
    assert annual["C"] == pytest.approx(40000) and annual["D"] == pytest.approx(40000)
    assert annual["B"] == pytest.approx(60000) and annual["A"] == pytest.approx(90000)
    assert annual["E"] == pytest.approx(55000), "the band wins"
    assert rungs_below(np.array([-1, 0, 1, 0]), np.array([0, 1, 2, 1])).tolist() == [2, 1, 0, 0]


def test_salary_by_level_must_match_the_charts_depth(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(small_chart_text())  # 4 levels
    model = chart_model(path, **{"org.salary_by_level": [4, 3, 2, 1]})
    assert sorted(set(model.org.salary_week * 52)) == [1, 2, 3, 4]
    with pytest.raises(ParameterError, match="salary_by_level has 2 values.*4 levels"):
        chart_model(path, **{"org.salary_by_level": [2, 1]})


def test_default_dependency_keeps_the_reference_pattern_and_load():
    from sim.params import DEFAULT_DEPARTMENTS

    counts = np.array([d.share * 1000 for d in DEFAULT_DEPARTMENTS])
    facing = np.array([d.customer_facing for d in DEFAULT_DEPARTMENTS])
    dep = dependency_by_kind(counts, facing)
    # Customer-facing departments lean hardest on the back office, as in the built-in matrix.
    per_member = dep / (counts / counts.sum())[None, :]
    assert per_member[np.ix_(facing, ~facing)].min() > per_member[np.ix_(facing, facing)].max()
    # The organization sends about as many lateral requests as the reference does.
    sent = float((counts / counts.sum()) @ dep.sum(axis=1))
    assert sent == pytest.approx(reference_lateral_rate(), rel=0.15)


def test_same_chart_and_seed_give_identical_runs_and_hashing_changes_no_result(chart250):
    path, columns = chart250
    a = chart_model(path, seed=9).run(20)
    b = chart_model(path, seed=9).run(20)
    pd.testing.assert_frame_equal(a, b)
    hashed = chart_model(path, seed=9, **{"org.hash_ids": True})
    pd.testing.assert_frame_equal(a, hashed.run(20))
    pseudonyms = set(hashed.org.seat_ids)
    assert len(pseudonyms) == 250 and not pseudonyms & set(columns["employee_id"])
    assert all(len(p) == 16 for p in pseudonyms)
    again = load_chart(path, hash_ids=True)
    assert set(again.ids) == pseudonyms, "the same file gives the same pseudonyms"
    assert "employee_id" in hashed.seat_table() and "E1" not in "".join(
        hashed.seat_table().employee_id
    )


def test_a_scenarios_chart_path_is_relative_to_the_scenario_file(tmp_path, monkeypatch):
    folder = tmp_path / "client"
    folder.mkdir()
    (folder / "c.csv").write_text(small_chart_text())
    (folder / "s.toml").write_text('extends = "two_way"\n[org]\nchart = "c.csv"\n')
    monkeypatch.chdir(tmp_path)  # not the scenario's folder
    params = sim.load_scenario("client/s.toml")
    assert Path(params.org.chart) == (folder / "c.csv").resolve()
    assert params.culture.service_direction == 0.0
    model = sim.ServiceCultureModel("client/s.toml@pyramid", seed=0)
    assert model.org.n_seats == 7 and model.params.culture.service_direction == -1.0


def test_an_edited_chart_is_read_again(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(small_chart_text())
    assert chart_model(path).org.n_seats == 7
    path.write_text(small_chart_text("H,G,ops,false,\n"))
    assert chart_model(path).org.n_seats == 8


# ------------------------------------------------------------------------------ broken charts
HEAD = "employee_id,manager_id,department,frontline\n"
OK = "A,,exec,false\nB,A,ops,false\nC,B,ops,true\n"

# (rule, file content, words the message must contain)
BROKEN: list[tuple[str, bytes | str, list[str]]] = [
    (
        "duplicate id",
        HEAD + OK + "B,A,ops,true\n",
        ["row 5", "employee_id 'B'", "row 3", "duplicate"],
    ),
    (
        "unknown manager",
        HEAD + OK + "D,ZZ9,ops,true\n",
        ["row 5", "employee_id 'D'", "manager_id 'ZZ9'", "not the employee_id of anyone"],
    ),
    (
        "reporting cycle",
        HEAD + OK + "D,F,ops,true\nE,D,ops,true\nF,E,ops,true\n",
        ["reporting cycle", "'D' (row 5)", "'E' (row 6)", "'F' (row 7)", "top, 'A'"],
    ),
    ("reports to themselves", HEAD + OK + "D,D,ops,true\n", ["row 5", "'D'", "themselves"]),
    (
        "several people without a manager",
        HEAD + OK + "D,,ops,true\n",
        ["2 people have no manager_id", "row 2", "employee_id 'D'", "exactly one person"],
    ),
    (
        "no one without a manager",
        HEAD + "A,B,exec,false\nB,A,ops,true\n",
        ["no one has an empty manager_id", "exactly one person"],
    ),
    ("empty department", HEAD + OK + "D,A,,true\n", ["row 5", "'D'", "department is empty"]),
    ("empty employee id", HEAD + OK + ",A,ops,true\n", ["row 5", "employee_id is empty"]),
    (
        "missing column",
        "employee_id,manager_id,department\nA,,x\n",
        ["missing column 'frontline'", "Required columns"],
    ),
    (
        "misspelt column",
        "employee_id,manager,department,frontline\nA,,x,true\n",
        ["unknown column 'manager'", "did you mean 'manager_id'", "missing column 'manager_id'"],
    ),
    (
        "a column of names",
        HEAD.replace("\n", ",name\n") + "A,,x,true,Ann\n",
        ["unknown column 'name'", "no names"],
    ),
    (
        "not UTF-8",
        (HEAD + OK).encode() + "D,A,op\xe9rations,true\n".encode("latin-1"),
        ["row 5", "employee_id 'D'", "not UTF-8", "0xe9", "CSV UTF-8"],
    ),
    (
        "bad boolean",
        HEAD + OK + "D,A,ops,maybe\n",
        ["row 5", "'D'", "frontline 'maybe'", "true or false"],
    ),
    (
        "bad tenure",
        HEAD.replace("\n", ",tenure_weeks\n") + "A,,x,false,1\nB,A,x,true,ten\nC,A,x,true,-4\n",
        ["row 3", "tenure_weeks 'ten'", "row 4", "'-4'", "0 to 3120"],
    ),
    (
        "bad salary band",
        HEAD.replace("\n", ",salary_band\n") + "A,,x,false,\nB,A,x,true,G7\n",
        ["row 3", "salary_band 'G7'", "annual salary"],
    ),
    ("wrong number of cells", HEAD + OK + "D,A,ops,true,extra\n", ["row 5 has 5 cells", "4"]),
    ("no frontline", HEAD + "A,,exec,false\nB,A,ops,false\n", ["no one has frontline = true"]),
    ("empty file", "", ["empty"]),
    ("header only", HEAD, ["no data rows"]),
    ("one person", HEAD + "A,,x,true\n", ["1 people", "2 to 100,000"]),
]


@pytest.mark.parametrize(("rule", "content", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_every_broken_chart_is_refused_with_row_and_id(tmp_path, rule, content, words):
    path = tmp_path / "chart.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(ChartError) as err:
        chart_model(path)
    message = str(err.value)
    assert message.startswith(str(path)), message
    for w in words:
        assert w in message, (rule, w, message)


def test_several_broken_rules_are_reported_together(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(HEAD + OK + "B,A,ops,true\nD,A,,nope\n")
    with pytest.raises(ChartError) as err:
        chart_model(path)
    assert "3 problems" in str(err.value)


def test_many_bad_rows_are_summarized(tmp_path):
    rows = "".join(f"P{i},A,ops,perhaps\n" for i in range(50))
    path = tmp_path / "c.csv"
    path.write_text(HEAD + "A,,x,true\n" + rows)
    with pytest.raises(ChartError, match="and 47 more: frontline must be true or false"):
        chart_model(path)


def test_more_than_the_allowed_people_is_refused(tmp_path, monkeypatch):
    import sim.orgchart

    monkeypatch.setattr(sim.orgchart, "MAX_PEOPLE", 5)
    path = tmp_path / "c.csv"
    path.write_text(small_chart_text())
    with pytest.raises(ChartError, match="7 people; a chart has 2 to 5"):
        chart_model(path)


def test_a_chain_deeper_than_100_levels_is_refused(tmp_path):
    rows = "".join(f"P{i},P{i - 1},x,{'true' if i == 150 else 'false'}\n" for i in range(1, 151))
    path = tmp_path / "c.csv"
    path.write_text(HEAD + "P0,,x,false\n" + rows)
    with pytest.raises(ChartError, match=r"'P150'\) is 150 managers below the top; at most 100"):
        chart_model(path)


def test_semicolons_blank_rows_spaces_and_a_bom_are_read(tmp_path):
    text = (
        "\ufeffemployee_id;manager_id;department;frontline\n A ;;exec;FALSE\n\n;;;\nB; A ;ops;Yes\n"
    )
    path = tmp_path / "c.csv"
    path.write_text(text, encoding="utf-8")
    org = chart_model(path).org
    assert list(org.seat_ids) == ["A", "B"] and org.frontline.tolist() == [False, True]


def test_a_missing_chart_file_names_the_path(tmp_path):
    with pytest.raises(ChartError, match="org chart file not found: .*nope.csv"):
        chart_model(tmp_path / "nope.csv")


# ------------------------------------------------------------------------------ command line
def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("duplicate id", ["'B'"]),
        ("unknown manager", ["'D'", "'ZZ9'"]),
        ("reporting cycle", ["'D'"]),
    ],
)
@pytest.mark.parametrize("command", ["run", "compare", "org", "show"])
def test_cli_refuses_a_broken_chart_with_exit_2_naming_the_id(
    tmp_path, capsys, rule, words, command
):
    content = next(c for r, c, _ in BROKEN if r == rule)
    chart = tmp_path / "chart.csv"
    chart.write_text(content)
    scenario = tmp_path / "client.toml"
    scenario.write_text('[org]\nchart = "chart.csv"\n')
    args = {
        "run": ["run", str(scenario), "--weeks", "2"],
        "compare": ["compare", "pyramid", "pyramid", "--set", f"org.chart={chart}", "--reps", "2"],
        "org": ["org", "--set", f"org.chart={chart}"],
        "show": ["show", str(scenario)],
    }[command]
    code, out, err = run_cli(capsys, *args)
    assert code == 2, (out, err)
    assert "Traceback" not in out + err and err.startswith("error:")
    assert "chart.csv" in err
    for w in words:
        assert w in err, (w, err)
    assert "final week" not in out and "KPI" not in out, "nothing is simulated on a broken chart"


def test_cli_runs_and_describes_a_chart(tmp_path, capsys, chart250):
    path, _ = chart250
    code, out, err = run_cli(capsys, "run", "pyramid", "--weeks", "3", "--set", f"org.chart={path}")
    assert code == 0, err
    assert "250 seats" in out
    code, out, err = run_cli(capsys, "org", "--set", f"org.chart={path}")
    assert code == 0, err
    assert "250 seats (from the chart" in " ".join(out.split())
    for word in ("Levels", "Departments", "Dependency matrix", "d0", "d1"):
        assert word in out


# ------------------------------------------------------------------------------ scale
@pytest.mark.slow
def test_a_100000_row_chart_builds(tmp_path):
    columns = irregular_chart(100_000, seed=5)
    path = write_csv(tmp_path / "big.csv", columns)
    started = time.perf_counter()
    org = chart_model(path, **{"warmup_weeks": 0}).org  # reading and building, not simulating
    elapsed = time.perf_counter() - started
    print(f"\n100,000-row chart: read, validated and built with a model in {elapsed:.2f} s")
    assert org.n_seats == 100_000
    assert org.n_levels == max(depth_by_walking(columns).values()) + 1
    assert org.frontline.sum() == (columns["frontline"] == "true").sum()


def test_the_organization_summary_adds_up(chart250):
    from sim.orgsummary import summarize_organization

    path, _ = chart250
    m = chart_model(path)
    s = summarize_organization(m.org, m.params)
    assert s.from_chart and s.seats == 250 and s.levels == m.org.n_levels
    assert s.by_level["seats"].tolist() == list(m.org.level_sizes)
    assert s.by_level["managers"].sum() == m.org.is_manager.sum()
    assert s.spans["mean"] == pytest.approx(m.org.span)
    assert s.by_department["people"].sum() == 250
    assert s.by_department["frontline"].sum() == m.org.frontline.sum()
    # Lateral requests sent by everyone = requests received by every department's workers.
    sent = (s.by_department["people"] * s.by_department["requests_sent"]).sum()
    workers = np.array([w.size for w in m.org.dept_workers])
    assert (workers * s.by_department["requests_received"]).sum() == pytest.approx(sent)
    generated = summarize_organization(sim.ServiceCultureModel(seed=0).org, m.params)
    assert not generated.from_chart and "start_received" not in generated.by_department


def test_chart_parameters_are_file_paths_in_the_schema():
    from sim.overrides import parse_value
    from sim.params import FIELDS, describe_range, is_structural

    assert parse_value("org.chart", " my chart.csv ") == "my chart.csv"
    assert parse_value("org.survey", "none") is None
    assert parse_value("org.hash_ids", "yes") is True
    assert describe_range(FIELDS["org.survey_weights"]) == "a file path (or unset)"
    assert all(is_structural(f"org.{k}") for k in ("chart", "survey", "survey_weights", "hash_ids"))
    # --set org.chart= (empty) unsets it; an empty string in a scenario file is an error.
    assert sim.ServiceCultureModel("pyramid", overrides={"org.chart": ""}).org.n_seats == 300
    from sim.overrides import build_params

    with pytest.raises(ParameterError, match="org.chart"):
        build_params({"org": {"chart": ""}})
