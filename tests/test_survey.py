"""Internal-service survey import: ratings set each department's service conditions, weights the
dependency matrix; broken tables are refused naming the row, the column and what is allowed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.survey import SurveyError, rating_quality, reference_lateral_rate
from tests.chart_files import small_chart_text

DEPTS = ("exec", "ops", "sales")  # the small chart's departments


def table(rows: dict[str, list[str]], columns=DEPTS, label="department") -> str:
    lines = [",".join([label, *columns])]
    lines += [",".join([name, *cells]) for name, cells in rows.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def files(tmp_path) -> Path:
    (tmp_path / "chart.csv").write_text(small_chart_text())
    return tmp_path


def model(folder: Path, seed: int = 2, **files: str) -> sim.ServiceCultureModel:
    overrides = {"org.chart": str(folder / "chart.csv")}
    for key, text in files.items():
        (folder / f"{key}.csv").write_text(text)
        overrides[f"org.{key}"] = str(folder / f"{key}.csv")
    return sim.ServiceCultureModel("pyramid", overrides=overrides, seed=seed)


def test_rating_scale_maps_1_3_5_to_none_expected_and_perfect():
    q = rating_quality(np.array([1.0, 2.0, 3.0, 4.0, 5.0, np.nan]), 0.6)
    assert q == pytest.approx([0.0, 0.3, 0.6, 0.8, 1.0, 0.6])


def test_a_survey_of_all_3s_runs_exactly_as_without_a_survey(files):
    threes = table({d: ["3"] * 3 for d in DEPTS})
    with_survey = model(files, survey=threes).run(15)
    without = model(files).run(15)
    pd.testing.assert_frame_equal(with_survey, without)


def test_ratings_set_each_departments_service_conditions(files):
    # Columns are who serves: everyone rates exec's service 5 and ops' service 1.
    ratings = table({d: ["5", "1", ""] for d in DEPTS})
    m = model(files, survey=ratings)
    e = m.params.behaviour.service_expectation
    given = m.org.given_rating
    assert given[:2] == pytest.approx([5.0, 1.0]) and np.isnan(given[2])
    offset = m.org.service_offset(e)
    dept = np.asarray(m.org.dept_names)[m.org.dept]
    for d, expected in {"exec": 1.0 - e, "ops": -e, "sales": 0.0}.items():
        assert offset[dept == d] == pytest.approx(expected), d  # not rated: as expected
    # In the running model, the service ops gives is remembered as worse than exec's.
    m.run(8)
    given_quality = {d: m.state.given[(dept == d) & m.state.filled].mean() for d in DEPTS}
    assert given_quality["ops"] < given_quality["exec"] - 0.3


def test_weights_become_the_dependency_matrix_in_any_row_and_column_order(files):
    weights = table(
        {"sales": ["0", "4", "2"], "exec": ["1", "1", "0"], "ops": ["0", "2", "2"]},
        columns=("exec", "sales", "ops"),
    )
    dep = model(files, survey_weights=weights).org.dependency
    # Rows and columns in the organization's order (exec, ops, sales), zero stays zero.
    expected = np.array([[1, 0, 1], [0, 2, 2], [0, 2, 4]], dtype=float)
    assert dep / dep[0, 0] == pytest.approx(expected)
    counts = np.array([1, 3, 3])
    assert counts @ dep.sum(axis=1) / counts.sum() == pytest.approx(reference_lateral_rate())


def test_a_survey_works_on_a_generated_organization_too(tmp_path):
    names = [d.name for d in sim.Params().org.departments]
    path = tmp_path / "s.csv"
    path.write_text(table({n: ["2"] * 4 for n in names}, columns=names))
    m = sim.ServiceCultureModel("pyramid", overrides={"org.survey": str(path)}, seed=1)
    plain = sim.ServiceCultureModel("pyramid", seed=1)
    assert m.org.n_seats == 300
    assert m.org.service_offset(0.6) == pytest.approx(np.full(300, 0.3 - 0.6))
    assert m.current["internal_quality"] < plain.current["internal_quality"] - 0.1


BROKEN = [
    (
        "not square",
        "survey",
        table(
            {"exec": ["3", "3"], "ops": ["3", "3"], "sales": ["3", "3"]}, columns=("exec", "ops")
        ),
        ["not square", "3 rows x 2", "exec, ops, sales"],
    ),
    (
        "unknown department",
        "survey",
        table({"exec": ["3"] * 3, "ops": ["3"] * 3, "sale": ["3"] * 3}),
        ["row 4", "unknown department 'sale'", "Did you mean 'sales'"],
    ),
    (
        "unknown column",
        "survey",
        table({d: ["3"] * 3 for d in DEPTS}, columns=("exec", "opps", "sales")),
        ["column 3", "unknown department 'opps'", "Did you mean 'ops'"],
    ),
    (
        "repeated department",
        "survey",
        table({"exec": ["3"] * 3, "ops": ["3"] * 3, "exec ": ["3"] * 3}),
        ["row 4", "'exec' appears twice"],
    ),
    (
        "rating out of 1-5",
        "survey",
        table({"exec": ["3", "7", "3"], "ops": ["0", "3", "3"], "sales": ["3"] * 3}),
        ["row 2 (exec), column 'ops': '7'", "row 3 (ops), column 'exec': '0'", "from 1 to 5"],
    ),
    (
        "rating not a number",
        "survey",
        table({"exec": ["good", "3", "3"], "ops": ["3"] * 3, "sales": ["3"] * 3}),
        ["row 2 (exec), column 'exec': 'good'", "rating from 1 to 5"],
    ),
    (
        "negative weight",
        "survey_weights",
        table({"exec": ["1", "-2", "1"], "ops": ["1"] * 3, "sales": ["1"] * 3}),
        ["row 2 (exec), column 'ops': '-2'", "weight >= 0"],
    ),
    (
        "no weight at all",
        "survey_weights",
        table({d: ["0", "", "0"] for d in DEPTS}),
        ["every weight is 0"],
    ),
]


@pytest.mark.parametrize(("rule", "key", "text", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_every_broken_survey_is_refused_naming_row_and_column(files, rule, key, text, words):
    with pytest.raises(SurveyError) as err:
        model(files, **{key: text})
    message = str(err.value)
    assert message.startswith(str(files / f"{key}.csv")), message
    for w in words:
        assert w in message, (rule, w, message)


def test_a_survey_missing_a_department_says_which(files):
    text = table({"exec": ["3", "3"], "ops": ["3", "3"]}, columns=("exec", "ops"))
    with pytest.raises(SurveyError, match="no row for department 'sales'"):
        model(files, survey=text)


def test_a_survey_that_is_not_utf8_names_the_row(files):
    (files / "s.csv").write_bytes(
        table({d: ["3"] * 3 for d in DEPTS}).encode() + b"caf\xe9,3,3,3\n"
    )
    # The row by number only: no cell of a file is quoted before it is known to be a survey.
    with pytest.raises(SurveyError, match=r"row 5 is not UTF-8"):
        sim.ServiceCultureModel(
            "pyramid",
            overrides={"org.chart": str(files / "chart.csv"), "org.survey": str(files / "s.csv")},
        )


def test_cli_refuses_a_broken_survey_with_exit_2(files, capsys):
    (files / "s.csv").write_text(
        table({"exec": ["3", "9", "3"], "ops": ["3"] * 3, "sales": ["3"] * 3})
    )
    code = main(
        ["run", "pyramid", "--weeks", "2", "--set", f"org.chart={files / 'chart.csv'}",
         "--set", f"org.survey={files / 's.csv'}"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    err = " ".join(err.split())
    assert code == 2 and err.startswith("error:") and "Traceback" not in err
    assert "column 'ops': '9'" in err and "KPI" not in out
