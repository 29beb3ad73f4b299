"""``servicechain org``: print the organization a scenario builds (aggregates, no person).

The first thing to run after pointing a scenario at an org chart and a survey: it validates them
(the same errors as any other command, exit code 2) and shows levels, spans, departments and the
dependency matrix the model will use, without simulating.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

MATRIX_SHOWN = 20  # the dependency matrix is printed for organizations up to this many departments


def print_organization(scenario: str, overrides: Mapping[str, Any], console: Console) -> None:
    """Build the organization of ``scenario`` (with ``overrides``) and print its tables."""
    from sim.org import build_organization
    from sim.orgsummary import summarize_organization
    from sim.overrides import apply_overrides
    from sim.scenario import load_scenario

    params = apply_overrides(load_scenario(scenario), overrides, where=f"{scenario}: --set")
    org = build_organization(
        params.org, params.economics.salary_base, params.economics.salary_level_ratio
    )
    s = summarize_organization(org, params)
    source = f"from the chart {params.org.chart}" if s.from_chart else "generated"
    console.print(
        f"[bold]{scenario}[/bold]: {s.seats:,} seats ({source}), {s.levels} levels, "
        f"{len(s.by_department)} departments; span of control: mean {s.spans['mean']:.1f}, "
        f"median {s.spans['median']:.0f}, {s.spans['min']:.0f}-{s.spans['max']:.0f}",
        highlight=False,
    )
    if params.org.survey is not None or params.org.survey_weights is not None:
        files = [f for f in (params.org.survey, params.org.survey_weights) if f is not None]
        console.print(f"survey: {', '.join(files)}", highlight=False)

    levels = Table(title="Levels (0 = top)")
    for col in ("level", "seats", "managers", "mean span", "frontline"):
        levels.add_column(col, justify="right")
    for lv, row in zip(s.by_level.index, s.by_level.itertuples(), strict=True):
        span = "" if row.managers == 0 else f"{row.mean_span:.1f}"
        levels.add_row(str(lv), f"{row.seats:,}", f"{row.managers:,}", span, f"{row.frontline:,}")
    console.print(levels)

    depts = Table(title="Departments")
    depts.add_column("department", no_wrap=True)
    columns = ["people", "mgrs", "front", "levels", "sends", "gets"]
    survey = "start_received" in s.by_department
    if survey:
        columns += ["received", "given"]
    for col in columns:
        depts.add_column(col, justify="right")
    for name, row in zip(s.by_department.index, s.by_department.itertuples(), strict=True):
        cells = [
            f"{row.people:,}",
            f"{row.managers:,}",
            f"{row.frontline:,}" + (" *" if row.customer_facing else ""),
            f"{row.top_level}-{row.bottom_level}",
            f"{row.requests_sent:.2f}",
            f"{row.requests_received:.2f}",
        ]
        if survey:
            cells += [f"{row.start_received:.2f}", f"{row.start_given:.2f}"]
        depts.add_row(str(name), *cells)
    console.print(depts)
    console.print(
        "mgrs: managers; front: frontline (* customer-facing); sends, gets: lateral requests per "
        "person and week to and from departments (x requests.lateral_scale)"
        + (
            "; received, given: remembered internal service at the start, 0-1, from the survey "
            f"(as expected = {params.behaviour.service_expectation:g})"
            if survey
            else ""
        ),
        style="dim",
        highlight=False,
    )
    n_depts = len(s.dependency)
    if n_depts > MATRIX_SHOWN:
        # A matrix grows with the square of the departments: beyond a screen it says nothing.
        console.print(
            f"Dependency matrix: {n_depts:,} x {n_depts:,} departments, too large to show (at "
            f"most {MATRIX_SHOWN} departments are printed); the departments table above gives "
            "each department's lateral requests sent and received",
            highlight=False,
        )
        return
    matrix = Table(title="Dependency matrix: weekly requests from a member of the row department")
    matrix.add_column("")
    for name in s.dependency.columns:
        matrix.add_column(str(name), justify="right")
    for name, row in zip(s.dependency.index, s.dependency.to_numpy(), strict=True):
        matrix.add_row(str(name), *(f"{v:.2f}" for v in row))
    console.print(matrix)
