"""KPI time series (small multiples with event markers) and the KPI picker."""

from __future__ import annotations

import solara

from dashboards.components.context import Ui
from dashboards.components.plot import FigureBox, Plot
from dashboards.figures.timeseries import DEFAULT_KPIS, kpi_figure
from dashboards.snapshot import RunView
from sim.kpis import KPIS


@solara.component
def KpiCharts(ui: Ui, views: list[RunView], version: int, height: int = 0) -> None:
    """The chosen KPIs over time, one line per run (a CI band with replications)."""
    chosen = solara.use_reactive(list(DEFAULT_KPIS))
    labels = {k.label_with_unit: k.name for k in KPIS if k.name != "week"}
    names = {v: k for k, v in labels.items()}
    with solara.Div(classes=["sc-kpis"]):
        with solara.Div(classes=["sc-kpi-picker"]):
            solara.SelectMultiple(
                "Charts",
                values=[names[k] for k in chosen.value if k in names],
                all_values=list(labels),
                on_value=lambda picked: chosen.set(
                    [labels[p] for p in picked] or list(DEFAULT_KPIS)
                ),
                dense=True,
            )

        def build():
            frames = {v.title: v.kpis for v in views}
            bands = None
            reps = max((len(v.reps) for v in views), default=1)
            if reps > 1:
                from dashboards.figures.differences import rep_band

                bands = {v.title: rep_band(v.reps) for v in views if len(v.reps) > 1}
                frames = {v.title: rep_band(v.reps, mean=True) for v in views}
            first = views[0]
            return kpi_figure(
                frames,
                chosen.value,
                first.events,
                first.horizon,
                bands,
                height,
                changes=first.changes,
                replications=reps if reps > 1 else 0,
            )

        Plot(ui, FigureBox(build, ("kpis", version, tuple(chosen.value), height)))
