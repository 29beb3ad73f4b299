"""Plotly figures of a comparison: the chain side by side and weekly means with 95% bands.

Used by the offline HTML report (:mod:`sim.studies.report`) and by
:meth:`CompareResult.plot_chain` / :meth:`CompareResult.plot_timeseries` in notebooks.
"""

from __future__ import annotations

import math
from typing import Protocol

import pandas as pd

from sim.kpis import CHAIN, KPI_BY_NAME, format_kpi
from sim.studies.stats import t_half_width


class Comparison(Protocol):
    """What the figures read of a comparison (:class:`sim.studies.compare.CompareResult` has
    it); declared here so that the figures need not import the study that draws them."""

    scenarios: list[str]
    reps: int
    weeks: int
    timeseries: pd.DataFrame
    summary: pd.DataFrame


# The time series shown in the report: the service-profit chain, link by link.
TIMESERIES_KPIS: tuple[str, ...] = tuple(kpi for _, kpi in CHAIN)
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")


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


def band_frame(result: Comparison, kpis: tuple[str, ...] = TIMESERIES_KPIS) -> pd.DataFrame:
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


def timeseries_figure(result: Comparison, kpis: tuple[str, ...] = TIMESERIES_KPIS):
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


def chain_figure(result: Comparison, stat: str = "mean"):
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


class PlanOutcome(Protocol):
    """What the Pareto chart reads of a plan (:class:`sim.studies.plan.PlanResult` has it)."""

    trials: pd.DataFrame
    front: pd.DataFrame
    baseline: dict[str, float]


# Short lever names for narrow tables.
SHORT_LEVERS = {
    "service_standards": "standards",
    "process_improvement": "process",
    "close_the_loop": "loop",
    "clear_expectations": "expectations",
    "performance_management": "perf.mgmt",
    "job_swap": "job swap",
}


def portfolio_text(row: pd.Series, short: bool = False) -> str:
    """A portfolio in words: its doses (the levers in use), structural moves and cost; with
    ``short``, short lever names and doses from 0.05 only (for narrow tables)."""
    floor = 0.05 if short else 0.005

    def name(column: str) -> str:
        lever = column.removeprefix("dose:")
        return SHORT_LEVERS.get(lever, lever) if short else lever.replace("_", " ")

    doses = [f"{name(c)} {row[c]:.{1 if short else 2}f}"
             for c in row.index if c.startswith("dose:") and row[c] >= floor]  # fmt: skip
    moves = []
    if bool(row.get("delayer", False)):
        moves.append("delayer")
    if int(row.get("span", 0) or 0):
        moves.append(f"spans of {int(row['span'])}")
    parts = ", ".join(doses) if doses else "no lever"
    if moves:
        parts += "; " + ", ".join(moves)
    return f"{parts}; cost {format_kpi(float(row['cost']))}/year"


def pareto_figure(result: PlanOutcome):
    """The plan's Pareto chart: every trial on the search's seeds (grey), the front (numbered,
    over its search and fresh replications, with 95% CIs) and the baseline without levers (a
    star, on the search's seeds). The first two objectives
    are the axes (cost and the objective with one), the third the colour."""
    import plotly.graph_objects as go

    names = list(result.baseline)
    trials, front = result.trials, result.front
    wide = front.pivot_table(index="point", columns="objective", values=["mean", "low", "high"])
    points = front.drop_duplicates("point").set_index("point")
    x_name, y_name = (names[0], names[1]) if len(names) > 1 else ("cost", names[0])

    def axis(name: str) -> str:
        if name == "cost":
            return "Cost of the levers (currency/year)"
        kpi = KPI_BY_NAME[name]
        return f"{kpi.label} ({'per year' if kpi.unit == 'currency/week' else kpi.unit})"

    def column(frame_name: str, stat: str) -> pd.Series:
        if frame_name == "cost":
            return points["cost"]
        return wide[(stat, frame_name)]

    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=trials[x_name], y=trials[y_name], mode="markers", name="trials (search)",
        marker={"color": "#b0bec5", "size": 7}, hovertemplate="trial %{text}<extra></extra>",
        text=trials["trial"],
    ))  # fmt: skip
    xs, ys = column(x_name, "mean"), column(y_name, "mean")
    color = None
    if len(names) > 2:
        color = {"color": wide[("mean", names[2])], "colorscale": "Viridis", "showscale": True,
                 "colorbar": {"title": KPI_BY_NAME[names[2]].label}}  # fmt: skip
    hover = []
    for p in points.index:
        lines = [f"<b>point {p}</b>", portfolio_text(points.loc[p])]
        for n in names:
            lines.append(
                f"{KPI_BY_NAME[n].label}: "
                + fmt_ci(
                    wide.loc[p, ("mean", n)], wide.loc[p, ("low", n)], wide.loc[p, ("high", n)], n
                )
            )
        hover.append("<br>".join(lines))
    fig.add_trace(go.Scatter(
        x=xs, y=ys, mode="markers+text", name="Pareto front (search and fresh seeds)",
        text=[str(p) for p in points.index], textposition="top center",
        marker={"size": 13, "line": {"width": 1, "color": "#263238"}, **(color or {})},
        error_x=None if x_name == "cost" else {
            "type": "data", "symmetric": False, "array": column(x_name, "high") - xs,
            "arrayminus": xs - column(x_name, "low"), "color": "#90a4ae"},
        error_y={"type": "data", "symmetric": False, "array": column(y_name, "high") - ys,
                 "arrayminus": ys - column(y_name, "low"), "color": "#90a4ae"},
        hovertext=hover, hoverinfo="text", customdata=list(points.index),
    ))  # fmt: skip
    base = result.baseline
    fig.add_trace(go.Scatter(
        x=[0.0 if x_name == "cost" else base[x_name]], y=[base[y_name]], mode="markers",
        name="no lever (baseline)", marker={"symbol": "star", "size": 16, "color": "#d62728"},
    ))  # fmt: skip
    fig.update_layout(
        title="The best portfolios under the budget (Pareto front)",
        xaxis_title=axis(x_name), yaxis_title=axis(y_name), template="plotly_white",
        height=520, legend={"orientation": "h", "y": -0.18},
    )  # fmt: skip
    return fig
