"""Your own organization in the dashboard: uploads checked as the command line checks them.

Plain Python (the session and :mod:`dashboards.uploads`); the browser test of the upload is in
tests/browser/test_upload_browser.py.
"""

from __future__ import annotations

import pytest

from dashboards.limits import MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES
from dashboards.session import DashboardSession
from dashboards.story import story
from dashboards.uploads import OwnScenarios, UploadedFile, check_upload
from sim.orgchart import ChartError, load_chart
from sim.params import ParameterError
from sim.scenario import load_scenario
from sim.shipped import EXAMPLE_CLIENT_DIR

CLIENT = EXAMPLE_CLIENT_DIR
DUPLICATE = (
    b"employee_id,manager_id,department,frontline\nA,,exec,false\nB,A,front,true\nB,A,front,true\n"
)


def client_file(name: str) -> UploadedFile:
    return UploadedFile(name, (CLIENT / name).read_bytes())


def test_a_valid_chart_opens_as_the_live_run_with_its_own_pyramid():
    s = DashboardSession()
    try:
        label = s.open_files([client_file("chart.csv")])
        assert label == "chart" and s.preset == "chart" and "chart" in s.scenario_names
        chart = load_chart(CLIENT / "chart.csv")
        assert s.model.org.n_seats == chart.n_people  # seats = people
        assert s.model.org.n_levels == int(chart.level.max()) + 1  # levels = the chart's depth
        assert s.week == 0
        assert "385 people from chart.csv" in s.info()["description"]
        s.step(2)
        assert s.week == 2
    finally:
        s.close()


def test_a_broken_chart_gives_the_command_lines_message_and_changes_nothing(tmp_path):
    s = DashboardSession()
    try:
        before = s.model
        with pytest.raises(ParameterError) as err:
            s.open_files([UploadedFile("chart.csv", DUPLICATE)])
        # The command line's message for the same file, with its folder left out.
        (tmp_path / "chart.csv").write_bytes(DUPLICATE)
        with pytest.raises(ChartError) as cli:
            load_chart(tmp_path / "chart.csv")
        expected = str(cli.value).replace(str((tmp_path).resolve()) + "/", "")
        assert str(err.value) == expected
        assert str(err.value).startswith("chart.csv: row 4 (employee_id 'B', also on row 3)")
        assert s.model is before and s.preset == "pyramid" and s.own.labels == []
    finally:
        s.close()


def test_a_chart_over_the_headcount_cap_is_refused():
    s = DashboardSession(max_headcount=300)
    try:
        with pytest.raises(ParameterError, match=r"385 people is more than this dashboard allows"):
            s.open_files([client_file("chart.csv")])
        assert s.preset == "pyramid"
    finally:
        s.close()


def test_a_calibrated_scenario_opens_with_its_base_chart_and_survey(tmp_path):
    fitted = (
        b"# Calibrated scenario, written by `servicechain calibrate`\n"
        b'description = "client calibrated"\nextends = "client.toml"\n\n'
        b"[workforce]\nquit_base_weekly = 0.01\n"
    )
    files = [client_file(n) for n in ("client.toml", "chart.csv", "survey.csv", "dependency.csv")]
    s = DashboardSession()
    try:
        label = s.open_files([UploadedFile("client_fitted.toml", fitted), *files])
        assert label == "client_fitted"
        assert s.model.params.workforce.quit_base_weekly == 0.01
        assert s.model.params.org.survey is not None
        assert s.model.org.n_seats == 385
        # Compare mode and story mode take the label like a preset's name.
        s.start_compare(("client_fitted", "client_fitted@two_way"))
        assert [m.params.culture.service_direction for m in s.models] == [-1.0, 0.0]
        s.stop_compare()
        steps = story(label, s.resolve)
        assert steps[-1].actions[0][1] == ("client_fitted", "client_fitted@two_way")
    finally:
        s.close()


def test_an_uploaded_scenario_may_name_only_files_uploaded_with_it(tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_bytes((CLIENT / "chart.csv").read_bytes())
    text = f'extends = "pyramid"\n[org]\nchart = "{outside}"\n'.encode()
    own = OwnScenarios()
    try:
        with pytest.raises(ParameterError, match="is not among the uploaded files"):
            own.open([UploadedFile("x.toml", text)])
        with pytest.raises(ParameterError, match="a scenario may extend a preset or a file"):
            own.open([UploadedFile("y.toml", b'extends = "../../etc/passwd.toml"\n')])
    finally:
        own.close()


def test_a_scenario_missing_its_chart_names_the_file():
    own = OwnScenarios()
    try:
        with pytest.raises(ParameterError) as err:
            own.open([client_file("client.toml")])
        assert "chart.csv" in str(err.value) and "servicechain-upload" not in str(err.value)
    finally:
        own.close()


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ([], "no file chosen"),
        ([("a.xlsx", 10)], "choose .csv files"),
        ([(f"f{i}.csv", 10) for i in range(MAX_UPLOAD_FILES + 1)], "choose at most"),
        ([("big.csv", MAX_UPLOAD_BYTES + 1)], "more than this dashboard accepts"),
        ([("a.csv", 1), ("a.csv", 1)], "same name"),
        ([(".hidden.csv", 1)], "not a file name"),
    ],
)
def test_uploads_beyond_the_limits_are_refused_before_reading(files, words):
    with pytest.raises(ParameterError, match=words):
        check_upload(files)


def test_closing_the_session_removes_its_uploads():
    s = DashboardSession()
    s.open_files([client_file("chart.csv")])
    path = s.own.path("chart")
    assert path is not None and path.is_file()
    s.close()
    assert not path.exists()
    assert load_scenario("pyramid")  # nothing global was touched
