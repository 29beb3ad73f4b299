"""Docs follow the code: docs/MODEL.md's tables are the schema's and the fit's, every phase and
lever is described, docs/ARCHITECTURE.md's phase table is the schedule, and nothing shipped
points at a file users do not have."""

from __future__ import annotations

import re
import subprocess
import typing
from pathlib import Path

from sim.params import LEVERS, PARAMS_END, PARAMS_START, parameter_table_markdown
from sim.phases import PHASES
from sim.studies.fit_defaults import FIT_END, FIT_START, fit_table_markdown
from sim.studies.patterns import (
    PATTERNS,
    PATTERNS_END,
    PATTERNS_START,
    ROLE_TITLES,
    TEST_TITLES,
    patterns_markdown,
)

ROOT = Path(__file__).resolve().parent.parent
STALE = "docs/MODEL.md is stale: run `servicechain params --markdown --write docs/MODEL.md`"


def between(text: str, start: str, end: str) -> str:
    return text[text.index(start) + len(start) : text.index(end)].strip()


def test_model_md_parameter_table_matches_schema():
    text = (ROOT / "docs" / "MODEL.md").read_text()
    assert between(text, PARAMS_START, PARAMS_END) == parameter_table_markdown().strip(), STALE


def test_model_md_fit_table_matches_the_shipped_fit():
    text = (ROOT / "docs" / "MODEL.md").read_text()
    assert between(text, FIT_START, FIT_END) == fit_table_markdown().strip(), STALE


def test_model_md_pattern_tables_match_the_pattern_table():
    text = (ROOT / "docs" / "MODEL.md").read_text()
    assert between(text, PATTERNS_START, PATTERNS_END) == patterns_markdown().strip(), STALE


def test_validation_md_reports_every_pattern_in_its_group_as_the_table_defines_it():
    # docs/VALIDATION.md is written by a 20-replication `servicechain validate`; its verdict
    # tables must say what the pattern table says (group, what, source, band, test).
    stale = "docs/VALIDATION.md is stale: run `servicechain validate`"
    text = (ROOT / "docs" / "VALIDATION.md").read_text()

    def section(title: str) -> str:
        start = text.index(f"\n## {title}\n")
        end = text.find("\n## ", start + 1)
        return text[start : end if end >= 0 else len(text)]

    sections = {role: section(title) for role, title in ROLE_TITLES.items()}
    for p in PATTERNS:
        rows = [
            line for line in sections[p.role].splitlines() if line.startswith(f"| `{p.name}` |")
        ]
        assert len(rows) == 1, (stale, p.name)
        cells = [c.strip().replace("\\|", "|") for c in rows[0].strip("|").split(" | ")]
        assert cells[1:5] == [p.title, p.source, p.band_text(), TEST_TITLES[p.test]], (
            stale,
            p.name,
        )


def test_model_md_names_every_phase_module_and_lever():
    text = (ROOT / "docs" / "MODEL.md").read_text()
    for phase in PHASES:  # the schedule itself, not a list of our own
        module = phase.module.replace(".", "/") + ".py"
        assert module in text, f"docs/MODEL.md does not describe {phase.title} ({module})"
    for lever in LEVERS:
        assert f"`{lever}`" in text


def test_nothing_shipped_points_at_the_design_reference():
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    offenders = [
        f
        for f in files
        if f.endswith((".py", ".md", ".toml", ".txt", ".ipynb", ".cfg", ".js"))
        # docs/ORG_DESIGN.md (the org-design guide) is a project doc, not the design reference.
        and re.search(r"(?<![A-Za-z_])DESIGN\.md", (ROOT / f).read_text(errors="ignore"))
        and f != "tests/test_docs.py"
    ]
    assert not offenders, offenders


def architecture_phase_rows() -> list[list[str]]:
    """The rows of docs/ARCHITECTURE.md's phase table (phase, function, produces)."""
    lines = (ROOT / "docs" / "ARCHITECTURE.md").read_text().splitlines()
    start = lines.index("| phase | function | produces |")
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_architecture_md_phase_table_is_the_schedule():
    rows = architecture_phase_rows()
    assert [(r[0], r[1]) for r in rows] == [(p.name, f"`{p.function.__name__}`") for p in PHASES], (
        "docs/ARCHITECTURE.md's phase table differs from sim.phases.PHASES (names, order)"
    )
    for row, phase in zip(rows, PHASES, strict=True):
        returns = typing.get_type_hints(phase.function)["return"]
        if returns is type(None):
            assert row[2].startswith("(state only)"), f"{phase.name} returns nothing: {row[2]}"
        elif isinstance(returns, type) and returns.__module__.startswith("sim."):
            assert f"(`{returns.__name__}`)" in row[2], f"{phase.name} returns {returns.__name__}"
