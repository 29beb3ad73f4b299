"""Golden seeded outputs: refactors leave results bit-identical (see tests/golden/cases.py)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.golden import cases


def assert_same_text(got: str, name: str) -> None:
    expected = cases.path_of(name).read_text()
    if got != expected:
        diff = "".join(
            list(
                difflib.unified_diff(
                    expected.splitlines(True), got.splitlines(True), "golden", "now", n=0
                )
            )[:12]
        )
        pytest.fail(
            f"{name}: output differs from tests/golden/{name}.csv. If the model change is "
            f"intended, run `make golden` and say so in the commit.\n{diff}"
        )


@pytest.mark.parametrize("preset", cases.PRESETS)
def test_preset_kpi_frame_is_unchanged(preset: str):
    assert_same_text(cases.to_text(cases.preset_frame(preset)), preset)


def test_sweep_rows_are_unchanged(tmp_path: Path):
    assert_same_text(cases.to_text(cases.sweep_frame(tmp_path / "sweep")), "sweep")
