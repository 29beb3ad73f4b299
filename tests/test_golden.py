"""Golden seeded outputs: refactors leave results bit-identical (see tests/golden/cases.py)."""

from __future__ import annotations

import difflib

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


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return cases.texts()


@pytest.mark.parametrize("case", cases.CASES)
def test_seeded_output_is_unchanged(texts: dict[str, str], case: str):
    """The KPI frames of three presets and a small sweep's rows, bit for bit."""
    assert_same_text(texts[case], case)
