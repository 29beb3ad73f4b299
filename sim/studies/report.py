"""Plotly figures, the self-contained offline HTML report, and the README table of a comparison.

The HTML report is written by :mod:`sim.studies.html` (plotly.js inline, no CDN), so it opens on
a laptop at a client site with no network, and the data behind every chart can be read back from
the file (:func:`read_report_figures`).
"""

from __future__ import annotations

import html
from pathlib import Path

from sim.kpis import KPI_BY_NAME
from sim.params import ParameterError
from sim.studies.compare import CompareResult, annual_turnover
from sim.studies.figures import TIMESERIES_KPIS, chain_figure, fmt_ci, timeseries_figure
from sim.studies.html import figure_div, page, write_page
from sim.studies.stats import mean_ci

README_START = "<!-- readme-table:start -->"
README_END = "<!-- readme-table:end -->"


def summary_html(result: CompareResult, stat: str) -> str:
    """An HTML table: rows KPIs, per scenario 'mean [CI]' and the difference to the first."""
    s = result.summary[result.summary["stat"] == stat]
    ref = result.scenarios[0]
    head = "".join(f"<th>{html.escape(lbl)}</th>" for lbl in result.scenarios)
    head += "".join(
        f"<th>{html.escape(lbl)} − {html.escape(ref)}</th>" for lbl in result.scenarios[1:]
    )
    rows = []
    for kpi in s["kpi"].unique():
        d = s[s["kpi"] == kpi].set_index("scenario")
        cells = [
            fmt_ci(*d.loc[lbl, ["mean", "ci_low", "ci_high"]], kpi=kpi) for lbl in result.scenarios
        ]
        cells += [
            fmt_ci(*d.loc[lbl, ["diff", "diff_ci_low", "diff_ci_high"]], kpi=kpi, signed=True)
            for lbl in result.scenarios[1:]
        ]
        unit = KPI_BY_NAME[kpi].unit if kpi in KPI_BY_NAME else ""
        rows.append(
            f"<tr><td>{kpi}</td><td class='unit'>{html.escape(unit)}</td>"
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    return (
        f"<table><thead><tr><th>KPI</th><th>unit</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def report_html(result: CompareResult) -> str:
    """The whole report as one self-contained HTML document (plotly.js inline)."""
    figures = {
        "fig-chain": chain_figure(result, "mean"),
        "fig-timeseries": timeseries_figure(result),
        "fig-chain-final": chain_figure(result, "final"),
    }
    items = []
    for lbl in result.scenarios:
        meta = result.info.get(lbl, {})
        items.append(
            f"<li><b>{html.escape(lbl)}</b>: {html.escape(meta.get('description', ''))}<br>"
            f"<span class='narr'>{html.escape(meta.get('narrative', ''))}</span></li>"
        )
    scen = "".join(items)
    seeds = ", ".join(str(s) for s in result.seeds)
    title = " vs ".join(result.scenarios)
    body = f"""<h1>servicechain: {html.escape(title)}</h1>
<p>{result.reps} replications of {result.weeks} weeks per scenario, root seed {result.seed};
common random numbers: replication <i>i</i> uses the same seed in every scenario
(seeds: {seeds}). Intervals are 95% Student-t intervals over replications; differences to
<b>{html.escape(result.scenarios[0])}</b> are paired by replication.</p>
<ul>{scen}</ul>
{figure_div("fig-chain")}
<h2>Mean over weeks 1-{result.weeks}</h2>
{summary_html(result, "mean")}
{figure_div("fig-timeseries")}
<h2>Final week ({result.weeks})</h2>
{summary_html(result, "final")}
{figure_div("fig-chain-final")}"""
    style = "td.unit { color: #777; text-align: left; }\n.narr { color: #555; font-size: 13px; }"
    return page(f"servicechain comparison: {title}", body, figures, style)


def write_report(result: CompareResult, path: str | Path) -> Path:
    """Write the self-contained HTML report, creating the folder. Returns the path."""
    out = Path(path)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ParameterError(f"--out {out}: the report is HTML; use a file name ending in .html")
    return write_page(out, report_html(result))


# ------------------------------------------------------------------ README table

README_COLUMNS: tuple[tuple[str, str], ...] = (
    ("annual turnover", "annual_turnover"),
    ("morale (0-1)", "morale_mean"),
    ("productivity (index)", "productivity"),
    ("customer satisfaction (0-1)", "customer_satisfaction"),
    ("weekly profit", "profit"),
)


def readme_table(result: CompareResult) -> str:
    """Markdown: one row per scenario, whole-run mean [95% CI] of the headline KPIs.

    Annual turnover is the whole run's quits per year over mean headcount; the other columns are
    means over weeks 1..N.
    """
    means = result.timeseries[result.timeseries["step"] > 0]
    per_rep = means.groupby(["scenario", "rep"], observed=True).mean(numeric_only=True)
    per_rep["annual_turnover"] = annual_turnover(result.timeseries)
    header = "| scenario | " + " | ".join(title for title, _ in README_COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(README_COLUMNS) + 1)]
    for label in result.scenarios:
        cells = []
        for _, col in README_COLUMNS:
            m, lo, hi = mean_ci(per_rep.loc[label, col].to_numpy())
            # Whole-run annual turnover is a rate per year, formatted as turnover_annualized.
            kpi = "turnover_annualized" if col == "annual_turnover" else col
            cells.append(fmt_ci(m, lo, hi, kpi=kpi))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    note = (
        f"\n*{result.reps} replications x {result.weeks} weeks each, root seed {result.seed}, "
        "common random numbers; mean [95% CI] over replications (turnover: quits per year over "
        "mean headcount; the rest: means over all weeks). Regenerate with "
        "`make readme-table`.*"
    )
    return "\n".join(lines) + "\n" + note


def replace_between_markers(
    text: str, body: str, start_marker: str = README_START, end_marker: str = README_END
) -> str:
    """Put ``body`` between two marker comments of ``text`` (markers kept)."""
    start, end = text.find(start_marker), text.find(end_marker)
    if start < 0 or end < start:
        raise ParameterError(
            f"no '{start_marker}' ... '{end_marker}' markers; add them where the table should go"
        )
    return text[: start + len(start_marker)] + "\n" + body.strip() + "\n" + text[end:]


# ------------------------------------------------------------------ command-line faces


def print_summary(result: CompareResult, console, kpis: tuple[str, ...] = TIMESERIES_KPIS) -> None:
    """Print final-week and whole-run-mean tables (mean [95% CI], difference to the first)."""
    from rich.table import Table

    ref = result.scenarios[0]
    for stat, title in (
        ("final", f"final week ({result.weeks})"),
        ("mean", f"mean over weeks 1-{result.weeks}"),
    ):
        s = result.summary[result.summary["stat"] == stat]
        table = Table(title=f"{title}: mean [95% CI] over {result.reps} replications")
        table.add_column("KPI")
        for lbl in result.scenarios:
            table.add_column(lbl, justify="right")
        for lbl in result.scenarios[1:]:
            table.add_column(f"{lbl} − {ref}", justify="right", style="cyan")
        for kpi in kpis:
            d = s[s["kpi"] == kpi].set_index("scenario")
            cells = [
                fmt_ci(*d.loc[lbl, ["mean", "ci_low", "ci_high"]], kpi=kpi)
                for lbl in result.scenarios
            ]
            cells += [
                fmt_ci(*d.loc[lbl, ["diff", "diff_ci_low", "diff_ci_high"]], kpi=kpi, signed=True)
                for lbl in result.scenarios[1:]
            ]
            table.add_row(kpi, *cells)
        target = console
        if not console.is_terminal:
            # Piped or captured output is not squeezed into 80 columns: one row per line.
            from rich.console import Console

            target = Console(file=console.file, width=max(console.width, 240), no_color=True)
        target.print(table)


def run_compare(
    scenarios: list[str],
    reps: int,
    weeks: int | None,
    seed: int,
    overrides: dict,
    out: Path | None,
    console,
    err_console,
) -> CompareResult:
    """``servicechain compare``: replications with a progress bar, tables, the HTML report."""
    from sim.studies.compare import compare

    if out is not None and out.suffix.lower() not in (".html", ".htm"):
        raise ParameterError(f"--out {out}: the report is HTML; use a file name ending in .html")
    result = compare(
        scenarios, reps=reps, weeks=weeks, seed=seed, overrides=overrides, progress=err_console
    )
    print_summary(result, console)
    console.print(
        f"{len(result.scenarios)} scenarios x {reps} replications x {result.weeks} weeks in "
        f"{result.elapsed:.1f} s (common random numbers, root seed {seed})"
    )
    if out is not None:
        write_report(result, out)
        console.print(f"wrote the report to {out}")
    return result


def run_readme_table(
    reps: int, weeks: int, seed: int, write: Path | None, console, err_console
) -> str:
    """``servicechain readme-table``: pyramid vs two_way vs inverted as a Markdown table."""
    from sim.studies.compare import compare

    result = compare(["pyramid", "two_way", "inverted"], reps=reps, weeks=weeks, seed=seed)
    table = readme_table(result)
    print(table)  # plain text: Markdown must not be re-wrapped or styled
    if write is not None:
        if not write.is_file():
            raise ParameterError(f"--write {write}: file not found")
        text = write.read_text(encoding="utf-8")
        write.write_text(replace_between_markers(text, table), encoding="utf-8")
        err_console.print(f"updated the table in {write}")
    return table
