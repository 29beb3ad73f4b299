"""Plotly time series of the KPIs and the compare-mode difference chart."""

from __future__ import annotations

import solara

from dashboards.components.controls import Ctx
from dashboards.components.plot import FigureBox, Plot
from dashboards.render import DEFAULT_KPIS, diff_figure, kpi_figure
from sim.kpis import KPI_NAMES


@solara.component
def KpiCharts(ctx: Ctx, frames: dict) -> None:
    """Small multiples of the chosen KPIs, one line per run."""
    chosen = solara.use_reactive(list(DEFAULT_KPIS))
    with solara.Div(classes=["sc-kpi-picker"]):
        solara.SelectMultiple(
            "KPIs",
            values=chosen.value,
            all_values=[k for k in KPI_NAMES if k != "week"],
            on_value=chosen.set,
        )
    fig = kpi_figure(frames, chosen.value)
    with solara.Div(classes=["sc-kpis"]):
        Plot(FigureBox(fig, (ctx.version, tuple(chosen.value), tuple(frames))))


@solara.component
def DiffChart(ctx: Ctx, frames: dict) -> None:
    """Each compare run minus the first, for one KPI (common random numbers)."""
    kpi = solara.use_reactive("customer_satisfaction")
    with solara.Div(classes=["sc-diff-picker"]):
        solara.Select(
            "Difference in",
            values=[k for k in KPI_NAMES if k != "week"],
            value=kpi.value,
            on_value=kpi.set,
        )
    fig = diff_figure(frames, kpi.value)
    with solara.Div(classes=["sc-diff"]):
        Plot(FigureBox(fig, (ctx.version, kpi.value, tuple(frames))))
