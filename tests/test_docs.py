"""Docs follow the code: the parameter table in docs/MODEL.md is the schema's."""

from __future__ import annotations

from pathlib import Path

from sim.params import PARAMS_END, PARAMS_START, parameter_table_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_model_md_parameter_table_matches_schema():
    text = (ROOT / "docs" / "MODEL.md").read_text()
    start = text.index(PARAMS_START) + len(PARAMS_START)
    end = text.index(PARAMS_END)
    assert text[start:end].strip() == parameter_table_markdown().strip(), (
        "docs/MODEL.md is stale: run `servicechain params --markdown --write docs/MODEL.md`"
    )


def test_model_md_names_every_phase_module_and_lever():
    text = (ROOT / "docs" / "MODEL.md").read_text()
    for module in (
        "demand",
        "requests",
        "service",
        "encounters",
        "people",
        "workforce",
        "customers",
    ):
        assert f"sim/phases/{module}.py" in text
    from sim.params import LEVERS

    for lever in LEVERS:
        assert f"`{lever}`" in text
