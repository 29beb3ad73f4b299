"""Same scenario + same seed = identical output in every face: Python, CLI and dashboard."""

from __future__ import annotations

import pandas as pd

import sim
from dashboards.session import DashboardSession
from sim.cli import main


def test_cli_output_equals_python_run(tmp_path, capsys):
    out = tmp_path / "run.csv"
    assert main(["run", "two_way", "--weeks", "15", "--seed", "7", "--out", str(out)]) == 0
    capsys.readouterr()
    from_cli = pd.read_csv(out, index_col="step")
    expected = sim.run("two_way", weeks=15, seed=7)
    pd.testing.assert_frame_equal(from_cli, expected, check_dtype=False)


def test_dashboard_session_equals_python_run():
    session = DashboardSession(preset="airline", seed=3)
    session.step(12)
    expected = sim.run("airline", weeks=12, seed=3)
    pd.testing.assert_frame_equal(session.model.kpis(), expected)
