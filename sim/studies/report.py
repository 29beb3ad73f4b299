"""Plotly figures, the self-contained offline HTML report, and the README table of a comparison.

The HTML report is written by :mod:`sim.studies.html` (plotly.js inline, no CDN), so it opens on
a laptop at a client site with no network, and the data behind every chart can be read back from
the file (:func:`read_report_figures`).
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd

from sim.kpis import CHAIN, KPI_BY_NAME, format_kpi
from sim.params import ParameterError
from sim.studies.compare import CompareResult, annual_turnover
from sim.studies.html import figure_div, page, write_page
from sim.studies.stats import mean_ci, t_half_width

# The time series shown in the report: the service-profit chain, link by link.
TIMESERIES_KPIS: tuple[str, ...] = tuple(kpi for _, kpi in CHAIN)
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
README_START = "<!-- readme-table:start -->"
README_END = "<!-- readme-table:end -->"


def fmt_ci(
    mean: float, low: float, high: float, kpi: str | None = None, signed: bool = False
) -> str:
    """``mean [low, high]`` in the KPI's format (just the mean when the interval is undefined)."""
    m = ("+" if signed and mean > 0 else "") + format_kpi(mean, kpi)
    if math.isnan(low) or math.isnan(high):
        return m
    return f"{m} [{format_kpi(low, kpi)}, {format_kpi(high, kpi)}]"


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _label(kpi: str) -> str:
    k = KPI_BY_NAME.get(kpi)
    return f"{kpi} ({k.unit})" if k else kpi


def band_frame(result: CompareResult, kpis: tuple[str, ...] = TIMESERIES_KPIS) -> pd.DataFrame:
    """Per (scenario, step, kpi): the mean over replications and its 95% t-interval."""
    ts = result.timeseries
    g = ts.groupby(["scenario", "step"], observed=True)[list(kpis)]
    mean, sd, n = g.mean(), g.std(ddof=1), g.count()
    out = []
    for kpi in kpis:
        half = t_half_width(sd[kpi].to_numpy(), n[kpi].to_numpy())
        part = pd.DataFrame(
            {
                "kpi": kpi,
                "mean": mean[kpi].to_numpy(),
                "ci_low": mean[kpi].to_numpy() - half,
                "ci_high": mean[kpi].to_numpy() + half,
            },
            index=mean.index,
        )
        out.append(part.reset_index())
    return pd.concat(out, ignore_index=True)


def timeseries_figure(result: CompareResult, kpis: tuple[str, ...] = TIMESERIES_KPIS):
    """Weekly KPI means per scenario with shaded 95% confidence bands, one panel per KPI."""
    from plotly.subplots import make_subplots

    cols = 2
    rows = math.ceil(len(kpis) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[_label(k) for k in kpis],
        shared_xaxes=True,
        vertical_spacing=0.07,
    )
    bands = band_frame(result, kpis)
    for i, kpi in enumerate(kpis):
        r, c = i // cols + 1, i % cols + 1
        for j, label in enumerate(result.scenarios):
            color = PALETTE[j % len(PALETTE)]
            d = bands[(bands["kpi"] == kpi) & (bands["scenario"] == label)]
            x = d["step"].tolist()
            if result.reps > 1:
                fig.add_scatter(
                    x=x + x[::-1],
                    y=d["ci_high"].tolist() + d["ci_low"].tolist()[::-1],
                    fill="toself",
                    fillcolor=_rgba(color, 0.18),
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=label,
                    name=f"{label} 95% CI",
                    row=r,
                    col=c,
                )
            fig.add_scatter(
                x=x,
                y=d["mean"].tolist(),
                mode="lines",
                line={"color": color, "width": 2},
                name=label,
                legendgroup=label,
                showlegend=i == 0,
                meta=kpi,
                row=r,
                col=c,
            )
        fig.update_xaxes(title_text="week" if r == rows else None, row=r, col=c)
    fig.update_layout(
        template="plotly_white",
        height=260 * rows,
        title=f"KPIs by week: mean of {result.reps} replications with 95% confidence bands",
        legend={"orientation": "h", "y": -0.05},
        margin={"t": 80, "l": 60, "r": 20},
    )
    return fig


def chain_figure(result: CompareResult, stat: str = "mean"):
    """The service-profit chain side by side: one panel (bar group) per link, a bar per scenario.

    Bars are the whole-run means (``stat="mean"``) or final-week values, with 95% CI error bars.
    """
    from plotly.subplots import make_subplots

    s = result.summary[result.summary["stat"] == stat]
    fig = make_subplots(
        rows=1,
        cols=len(CHAIN),
        subplot_titles=[f"{i + 1}. {link}" for i, (link, _) in enumerate(CHAIN)],
        horizontal_spacing=0.035,
    )
    for i, (link, kpi) in enumerate(CHAIN):
        d = s[s["kpi"] == kpi].set_index("scenario").reindex(result.scenarios)
        better = KPI_BY_NAME[kpi].higher_is_better
        fig.add_bar(
            x=list(result.scenarios),
            y=d["mean"].tolist(),
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (d["ci_high"] - d["mean"]).fillna(0).tolist(),
                "arrayminus": (d["mean"] - d["ci_low"]).fillna(0).tolist(),
            },
            marker_color=[PALETTE[j % len(PALETTE)] for j in range(len(result.scenarios))],
            name=link,
            meta=kpi,
            showlegend=False,
            hovertemplate=f"{link} ({kpi})<br>%{{x}}: %{{y:.4g}}<extra></extra>",
            row=1,
            col=i + 1,
        )
        unit = KPI_BY_NAME[kpi].unit
        arrow = " (lower is better)" if better is False else ""
        fig.update_yaxes(title_text=f"{kpi} [{unit}]{arrow}", title_font_size=10, row=1, col=i + 1)
        fig.update_xaxes(tickangle=-45, row=1, col=i + 1)
    what = "mean over weeks 1-" + str(result.weeks) if stat == "mean" else "final week"
    fig.update_layout(
        template="plotly_white",
        height=430,
        title=f"The service-profit chain, link by link ({what}; 95% CI)",
        margin={"t": 90, "l": 50, "r": 20, "b": 110},
        bargap=0.25,
    )
    return fig


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
