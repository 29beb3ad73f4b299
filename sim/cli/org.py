"""``servicechain org``: print the organization a scenario builds (aggregates, no person).

The first thing to run after pointing a scenario at an org chart and a survey: it validates them
(the same errors as any other command, exit code 2) and shows the spans and layers org-design
practice measures (with what it flags and where the model is sensitive to it), levels,
departments and the dependency matrix the model will use, without simulating. With ``--week N``
it simulates N weeks first, so structural events (a delayer, growth, a merger) have acted.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

MATRIX_SHOWN = 20  # the dependency matrix is printed for organizations up to this many departments


def print_organization(
    scenario: str,
    overrides: Mapping[str, Any],
    console: Console,
    week: int = 0,
    seed: int = 0,
    out: Path | None = None,
) -> None:
    """Build the organization of ``scenario`` (with ``overrides``; after ``week`` simulated
    weeks) and print its tables; with ``out``, also write the spans-and-layers table (.csv)."""
    from sim.orgsummary import (
        org_flags,
        org_metrics_frame,
        organization_of,
        summarize_organization,
    )

    org, params = organization_of(scenario, overrides, week, seed)
    s = summarize_organization(org, params)
    metrics = org_metrics_frame(org, params)
    top = metrics.loc["organization"]
    source = f"from the chart {params.org.chart}" if s.from_chart else "generated"
    when = f" at week {week} (seed {seed})" if week else ""
    console.print(
        f"[bold]{scenario}[/bold]{when}: {s.seats:,} seats ({source}), {s.levels} layers, "
        f"{len(s.by_department)} departments; span of control: median {top['median_span']:g}, "
        f"mean {s.spans['mean']:.1f}, {s.spans['min']:.0f}-{s.spans['max']:.0f}; "
        f"{top['narrow_share']:.0%} of managers with fewer than 3 reports, "
        f"{top['wide_share']:.0%} with more than 15",
        highlight=False,
    )
    print_spans_and_layers(metrics, console)
    for flag in org_flags(metrics, params):
        console.print(
            f"[bold yellow]flag[/bold yellow] {flag.scope}: {flag.flag}: {flag.finding}. "
            f"[dim]In the model: {flag.model}.[/dim]",
            highlight=False,
        )
    if out is not None:
        metrics.to_csv(out)
        console.print(f"wrote the spans-and-layers table to {out}", highlight=False)
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


def print_spans_and_layers(metrics: pd.DataFrame, console: Console) -> None:
    """Two tables (they fit an 80-column terminal): layers, then spans; the organization, then
    each department."""

    def num(v: float, fmt: str) -> str:
        return "" if pd.isna(v) else format(v, fmt)

    layers = Table(title="Layers")
    spans = Table(title="Spans of control")
    for table, heads in (
        (layers, ("seats", "layers", "to customer", "mgrs", "per 100", "front")),
        (spans, ("managers", "median", "mean", "< 3", "> 15", "manager load")),
    ):
        table.add_column("scope", no_wrap=True)
        for head in heads:
            table.add_column(head, justify="right", no_wrap=True)
    for scope, m in metrics.iterrows():
        layers.add_row(
            str(scope),
            f"{int(m['seats']):,}",
            f"{int(m['layers'])}",
            num(m["frontline_layers"], ".0f"),
            f"{int(m['managers']):,}",
            num(m["managers_per_100"], ".1f"),
            num(m["frontline_share"], ".0%"),
        )
        spans.add_row(
            str(scope),
            f"{int(m['managers']):,}",
            num(m["median_span"], "g"),
            num(m["mean_span"], ".1f"),
            num(m["narrow_share"], ".0%"),
            num(m["wide_share"], ".0%"),
            num(m["manager_load"], ".0%"),
        )
    console.print(layers)
    console.print(
        "layers: levels from the top (a department: the levels it spans); to customer: median "
        "levels from the top to a frontline seat, both included; mgrs: managers; per 100: "
        "managers per 100 seats; front: frontline share of the seats",
        style="dim",
        highlight=False,
    )
    console.print(spans)
    console.print(
        "median, mean: direct reports per manager; < 3, > 15: share of managers with fewer than "
        "3, more than 15; manager load: share of a manager's hours for internal service that the "
        "median span's requests ask in the model",
        style="dim",
        highlight=False,
    )
