"""The one progress display: a bar on a terminal, plain lines in logs, pipes and notebooks."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from sim.cli import main
from sim.studies import progress
from sim.studies.progress import Progress


def test_plain_lines_when_not_a_terminal(capsys):
    with Progress("job", 3, "runs", interval=0) as bar:
        for _ in range(3):
            bar.advance(status="0 failed")
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("job: 1/3 runs (33%), ") and "ETA" in lines[0]
    assert lines[0].endswith(", 0 failed")
    assert lines[-1].startswith("job: 3/3 runs (100%), ")
    assert len(lines) == 3  # two while running, one closing line


def test_no_line_before_the_interval_and_none_when_disabled(capsys):
    with Progress("job", 3, interval=3600) as bar:
        bar.advance(3)
    with Progress("off", 3, enabled=False, interval=0) as bar:
        bar.advance(3)
    assert capsys.readouterr().err == ""


def test_bar_on_a_terminal():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, force_jupyter=False, width=100)
    with Progress("job", 4, "weeks", console=console) as bar:
        assert bar.on_terminal
        bar.advance(2, description="half way")
    assert "half way" in out.getvalue() or "job" in out.getvalue()


@pytest.mark.integration
def test_commands_print_progress_lines_when_output_is_piped(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(progress, "LINE_INTERVAL", 0.0)
    assert main(["run", "pyramid", "--weeks", "3", "--set", "org.headcount=40"]) == 0
    err = capsys.readouterr().err
    assert "pyramid: 1/3 weeks (33%)" in err and "pyramid: 3/3 weeks (100%)" in err
    assert main(["compare", "pyramid", "two_way", "--reps", "2", "--weeks", "2"]) == 0
    assert "two_way rep 2/2: 4/4 runs (100%)" in capsys.readouterr().err
    toml = tmp_path / "e.toml"
    toml.write_text('scenario = "pyramid"\nweeks = 2\nreplications = 3\n')
    assert main(["sweep", str(toml), "-j", "1", "--out", str(tmp_path / "o")]) == 0
    assert "e: 3/3 runs (100%)" in capsys.readouterr().err
