"""The validation report: the verdict tables by role, charts (SVG) and docs/VALIDATION.md.

Reads a :class:`sim.studies.validate.ValidationReport` (its verdicts and the experiments' frames)
and writes it three ways: rich tables on the console (one per role: fit targets, held-out
patterns, model checks), Markdown for docs/VALIDATION.md with its SVG charts, and the lever
dose-response table.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from sim.scenario import CULTURE_PRESETS
from sim.studies.measures import RUN_WEEKS, WINDOW
from sim.studies.patterns import ROLE_NOTES, ROLE_TITLES, ROLES, TEST_TITLES, Role, by_name
from sim.studies.runs import SURGE
from sim.studies.stats import mean_ci
from sim.studies.verdicts import (
    Verdict,
    arm,
    culture_gain,
    dose_response,
    link_correlations,
    stationary_changes,
)

if TYPE_CHECKING:
    from sim.studies.explain import ExplainResult


class ValidationReport(Protocol):
    """What the report reads of :class:`sim.studies.validate.ValidationReport`."""

    verdicts: list[Verdict]
    reps: int
    seed: int

    @property
    def passed(self) -> bool: ...

    def frame(self, experiment: str) -> pd.DataFrame: ...

    def group(self, role: Role) -> list[Verdict]: ...


COLUMNS = ("pattern", "what is checked", "source", "band", "test", "measured (95% CI)", "result")


def verdict_row(v: Verdict) -> dict[str, str]:
    """One verdict as a table row (:data:`COLUMNS`)."""
    p = v.pattern
    return {
        "pattern": p.name,
        "what is checked": p.title,
        "source": p.source,
        "band": p.band_text(),
        "test": TEST_TITLES[p.test],
        "measured (95% CI)": v.measured,
        "result": "pass" if v.passed else "FAIL",
    }


def verdict_table(verdicts: Sequence[Verdict]) -> pd.DataFrame:
    """The verdicts as a table, one row each (:data:`COLUMNS`)."""
    return pd.DataFrame([verdict_row(v) for v in verdicts], columns=list(COLUMNS))


def markdown_table(df: pd.DataFrame, index: bool = False) -> str:
    """A GitHub Markdown table of a small DataFrame (numbers with 3 decimals)."""
    frame = df.reset_index() if index else df

    def cell(v: Any) -> str:
        if isinstance(v, float | np.floating):
            return f"{v:.3f}"
        return str(v).replace("|", "\\|")

    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def verdicts_markdown(verdicts: list[Verdict]) -> str:
    """The verdict table as Markdown, the pattern's name in code style."""
    table = verdict_table(verdicts)
    table["pattern"] = [f"`{name}`" for name in table["pattern"]]
    return markdown_table(table)


# ----------------------------------------------------------------------------- charts
def svg_bars(
    title: str,
    labels: list[str],
    values: list[float],
    lows: list[float],
    highs: list[float],
    band: tuple[float, float] | None = None,
    fmt: str = "{:.2f}",
) -> str:
    """A small standalone SVG bar chart with 95% CI whiskers and an optional target band."""
    w, h, pad, top = 520, 260, 50, 30
    vmax = max(max(highs), band[1] if band else 0) * 1.15 or 1.0
    vmin = min(0.0, min(lows))
    span = vmax - vmin

    def y(v: float) -> float:
        return top + (h - top - pad) * (1 - (v - vmin) / span)

    bw = (w - 2 * pad) / len(labels)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="{w / 2}" y="18" text-anchor="middle" font-weight="bold">{title}</text>',
        f'<line x1="{pad}" y1="{y(0)}" x2="{w - pad}" y2="{y(0)}" stroke="#444"/>',
    ]
    if band:
        parts.append(
            f'<rect x="{pad}" y="{y(band[1])}" width="{w - 2 * pad}" '
            f'height="{y(band[0]) - y(band[1])}" fill="#2a9d8f" opacity="0.15"/>'
        )
    colours = ("#e76f51", "#2a9d8f", "#264653", "#e9c46a")
    for i, (lab, v, lo, hi) in enumerate(zip(labels, values, lows, highs, strict=True)):
        x = pad + i * bw + bw * 0.2
        bar_w = bw * 0.6
        top_y, base_y = min(y(v), y(0)), max(y(v), y(0))
        parts += [
            f'<rect x="{x}" y="{top_y}" width="{bar_w}" height="{base_y - top_y}" '
            f'fill="{colours[i % len(colours)]}"/>',
            f'<line x1="{x + bar_w / 2}" y1="{y(lo)}" x2="{x + bar_w / 2}" y2="{y(hi)}" '
            'stroke="black" stroke-width="2"/>',
            f'<text x="{x + bar_w / 2}" y="{h - pad + 16}" text-anchor="middle">{lab}</text>',
            f'<text x="{x + bar_w / 2}" y="{y(hi) - 5}" text-anchor="middle">'
            f"{fmt.format(v)}</text>",
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def svg_lines(title: str, series: dict[str, list[float]], shade: tuple[int, int]) -> str:
    """A small standalone SVG line chart (weekly series) with a shaded week window."""
    w, h, pad, top = 560, 260, 45, 30
    allv = np.concatenate([np.asarray(v) for v in series.values()])
    vmin, vmax = float(allv.min()), float(allv.max())
    span = (vmax - vmin) or 1.0
    n = max(len(v) for v in series.values())

    def xy(i: int, v: float) -> tuple[float, float]:
        return pad + (w - 2 * pad) * i / (n - 1), top + (h - top - pad) * (1 - (v - vmin) / span)

    x0, _ = xy(shade[0], vmin)
    x1, _ = xy(shade[1], vmin)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="{w / 2}" y="18" text-anchor="middle" font-weight="bold">{title}</text>',
        f'<rect x="{x0}" y="{top}" width="{x1 - x0}" height="{h - top - pad}" fill="#e9c46a" '
        'opacity="0.3"/>',
        f'<text x="{pad}" y="{h - pad + 16}">week 0</text>',
        f'<text x="{w - pad}" y="{h - pad + 16}" text-anchor="end">week {n - 1}</text>',
        f'<text x="{pad - 4}" y="{top + 4}" text-anchor="end">{vmax:.2f}</text>',
        f'<text x="{pad - 4}" y="{h - pad}" text-anchor="end">{vmin:.2f}</text>',
    ]
    colours = ("#264653", "#e76f51")
    for k, (label, values) in enumerate(series.items()):
        pts = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in (xy(i, v) for i, v in enumerate(values)))
        parts.append(
            f'<polyline points="{pts}" fill="none" stroke="{colours[k]}" stroke-width="2"/>'
        )
        parts.append(
            f'<text x="{w - pad}" y="{top + 14 + 14 * k}" text-anchor="end" '
            f'fill="{colours[k]}">{label}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _turnover_chart(cultures: pd.DataFrame) -> str:
    stats = {n: mean_ci(arm(cultures, "scenario", n, "turnover")) for n in CULTURE_PRESETS}
    band = by_name("pyramid_turnover")
    return svg_bars(
        f"Annual turnover by culture (95% CI; band = pyramid's, {band.band_text()})",
        list(CULTURE_PRESETS),
        [stats[n][0] for n in CULTURE_PRESETS],
        [stats[n][1] for n in CULTURE_PRESETS],
        [stats[n][2] for n in CULTURE_PRESETS],
        band=(band.band.low, band.band.high),
        fmt="{:.1%}",
    )


# (gain name, the culture runs' column it is relative to, the bar's label)
RANKING_BARS = (
    ("retention", "turnover", "turnover cut"),
    ("productivity", "productivity", "productivity"),
    ("satisfaction", "customer_satisfaction", "cust. satisfaction"),
    ("profit", "profit", "profit"),
)


def _ranking_chart(cultures: pd.DataFrame) -> str:
    """Two-way's paired gains over the pyramid, relative to the pyramid's level."""
    bars = []
    for gain, col, label in RANKING_BARS:
        m, lo, hi = mean_ci(culture_gain(cultures, "two_way", gain))
        base = abs(arm(cultures, "scenario", "pyramid", col).mean()) or 1.0
        bars.append((label, m / base, lo / base, hi / base))
    return svg_bars(
        "Two-way vs pyramid: improvement relative to the pyramid (95% CI)",
        [b[0] for b in bars],
        [b[1] for b in bars],
        [b[2] for b in bars],
        [b[3] for b in bars],
        fmt="{:+.0%}",
    )


def _surge_chart(surge: pd.DataFrame) -> str:
    series = {
        "no surge": np.mean(np.vstack(surge.loc[~surge.surge, "encounter_quality"].to_list()), 0),
        "surge": np.mean(np.vstack(surge.loc[surge.surge, "encounter_quality"].to_list()), 0),
    }
    return svg_lines(
        "Pyramid: mean encounter quality with and without a demand surge",
        {k: list(v[1:]) for k, v in series.items()},
        (SURGE["week"] - 1, SURGE["week"] + SURGE["weeks"] - 1),
    )


# ----------------------------------------------------------------------------- Markdown
def dose_response_table(levers: pd.DataFrame) -> pd.DataFrame:
    """Levers x doses: mean weekly profit gain net of the lever's cost over the window."""
    return dose_response(levers).pivot(index="lever", columns="dose", values="gain")


def _summary(report: ValidationReport) -> str:
    parts = []
    for role in ROLES:
        group = report.group(role)
        if group:
            parts.append(f"{ROLE_TITLES[role].lower()} {sum(v.passed for v in group)}/{len(group)}")
    return ", ".join(parts)


def write_markdown(report: ValidationReport, path: Path) -> list[Path]:
    """Write docs/VALIDATION.md and its SVG charts (next to it, under images/). Returns files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img = path.parent / "images"
    img.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    charts: list[str] = []
    c = report.frame("cultures")
    drawn = []
    if not c.empty:
        drawn += [("turnover", _turnover_chart(c)), ("ranking", _ranking_chart(c))]
    if not report.frame("surge").empty:
        drawn.append(("surge", _surge_chart(report.frame("surge"))))
    for name, svg in drawn:
        files.append(img / f"validation_{name}.svg")
        files[-1].write_text(svg)
        charts += [f"![{name}](images/validation_{name}.svg)", ""]
    passed = sum(v.passed for v in report.verdicts)
    lines = [
        "# Validation against published findings",
        "",
        "Generated by `servicechain validate` (do not edit by hand). "
        f"{report.reps} replications per culture and experiment (seeds derived from root seed "
        f"{report.seed}, as in `compare` and sweeps), {RUN_WEEKS} weeks, shipped defaults, "
        f"figures over {WINDOW} unless a pattern says otherwise. Verdict: "
        f"**{'all patterns pass' if report.passed else 'SOME PATTERNS FAIL'}** "
        f"({passed}/{len(report.verdicts)}: {_summary(report)}).",
        "",
        "The patterns come from one table (`sim/studies/patterns.py`) in three groups: **fit "
        "targets**, the figures `servicechain fit-defaults` fitted the defaults to (measured "
        "here with the same runs and formulas, on more replications); **held-out patterns**, "
        "published patterns the fit never reads, so they test the mechanisms; and **model "
        "checks**, which are not published magnitudes (stationarity, directions, the chain's "
        "links). A test is either the estimate in the band or the whole 95% CI in the band.",
        "",
        "Definitions: a **business unit** is a team under one manager (the manager's direct "
        "reports); unit morale is surveyed at the start of the final year and unit outcomes "
        "are measured over that year. **Annual turnover** is quits / mean headcount / years. "
        "Replication r uses the same seed in every culture and arm (common random numbers), "
        "so differences are paired.",
        "",
    ]
    for role in ROLES:
        group = report.group(role)
        if group:
            lines += [
                f"## {ROLE_TITLES[role]}",
                "",
                f"{ROLE_NOTES[role][0].upper()}{ROLE_NOTES[role][1:]}.",
                "",
                verdicts_markdown(group),
                "",
            ]
    lines += charts
    if not report.frame("links").empty:
        lines += [
            "## Service-profit chain links across organizations",
            "",
            markdown_table(link_correlations(report.frame("links"))),
            "",
        ]
    if not c.empty:
        columns = ["turnover", "morale", "productivity", "customer_satisfaction", "revenue"]
        lines += [
            f"## Culture results (mean over replications, {WINDOW})",
            "",
            markdown_table(c.groupby("scenario")[[*columns, "profit"]].mean(), index=True),
            "",
        ]
    if not report.frame("stationary").empty:
        st = report.frame("stationary")
        changes = stationary_changes(st).rename(columns={"profit": "profit (of revenue)"})
        changes = changes.apply(lambda col: col.map(lambda x: f"{x:+.1%}"))
        lines += [
            f"## Stationarity by preset ({st['seed'].nunique()} seeds, year 9 against year 1)",
            "",
            markdown_table(changes, index=True),
            "",
        ]
    lines += decomposition_section(report)
    lines += dose_response_section(report)
    lines += ["Calibration notes are in [MODEL.md](MODEL.md#calibration).", ""]
    path.write_text("\n".join(lines))
    files.append(path)
    return files


def culture_decomposition(report: ValidationReport) -> ExplainResult | None:
    """Two-way against the pyramid decomposed into the culture's channels, from the ``explain``
    experiment's runs (:func:`sim.studies.verdicts.culture_decomposition`; None when it did not
    run)."""
    from sim.studies.verdicts import culture_decomposition as decompose

    rows = report.frame("explain")
    return None if rows.empty else decompose({"explain": rows}, report.seed)


def decomposition_section(report: ValidationReport) -> list[str]:
    """The decomposition of two-way against the pyramid as Markdown lines (none when the
    ``explain`` experiment did not run)."""
    from sim.studies.explain import explain_cells, explain_title

    result = culture_decomposition(report)
    if result is None:
        return []
    return [
        "## Why two-way beats the pyramid: the culture's channels",
        "",
        f"{explain_title(result)}, as `servicechain explain pyramid two_way` computes them: each "
        "channel's Shapley value (its effect switched on, averaged over the orders of the "
        "others), with its share of the whole difference. The queue's order must carry at "
        "least a fifth of the profit and morale differences (`queue_share_profit`, "
        "`queue_share_morale`).",
        "",
        markdown_table(explain_cells(result), index=True),
        "",
    ]


def dose_response_section(report: ValidationReport) -> list[str]:
    """The dose-response table as Markdown lines (none when the levers did not run)."""
    levers = report.frame("levers")
    if levers.empty:
        return []
    table = dose_response_table(levers)
    table.columns = [f"dose {d:g}" for d in table.columns]
    return [
        f"## Levers: profit gain net of cost by dose (currency/week, pyramid, {WINDOW})",
        "",
        "Each lever alone at the dose given (1 = its documented default), against the pyramid "
        f"with no lever, same seeds ({levers['seed'].nunique()} replications). "
        "Effects saturate with the dose, costs do not.",
        "",
        markdown_table(table.round(0), index=True),
        "",
    ]


# ----------------------------------------------------------------------------- console
def print_report(report: ValidationReport, console: Any) -> None:
    """The verdicts as one rich table per role, then the levers' dose-response table."""
    from rich.table import Table

    for role in ROLES:
        group = report.group(role)
        if not group:
            continue
        passed = sum(v.passed for v in group)
        table = Table(
            title=f"{ROLE_TITLES[role]}: {passed}/{len(group)} pass ({ROLE_NOTES[role]})",
            show_lines=True,
        )
        for col in ("pattern", "what is checked", "band", "test", "measured (95% CI)", "result"):
            table.add_column(col, overflow="fold")
        for v in group:
            row = verdict_row(v)
            style = "green" if v.passed else "bold red"
            table.add_row(
                row["pattern"],
                f"{row['what is checked']} [dim]({row['source']})[/]",
                row["band"],
                row["test"],
                row["measured (95% CI)"],
                f"[{style}]{row['result']}[/]",
            )
        console.print(table)
    decomposition = culture_decomposition(report)
    if decomposition is not None:
        from sim.studies.explain import print_explain

        print_explain(decomposition, console)
    levers = report.frame("levers")
    if not levers.empty:
        curves = dose_response_table(levers)
        doses = Table(title="Levers: weekly profit gain net of cost, by dose (pyramid)")
        doses.add_column("lever")
        for d in curves.columns:
            doses.add_column(f"{d:g}", justify="right")
        for lever, row in curves.iterrows():
            doses.add_row(lever, *(f"{v:+,.0f}" for v in row))
        console.print(doses)


__all__ = [
    "COLUMNS",
    "culture_decomposition",
    "decomposition_section",
    "dose_response_section",
    "dose_response_table",
    "markdown_table",
    "print_report",
    "svg_bars",
    "svg_lines",
    "verdict_table",
    "write_markdown",
]
