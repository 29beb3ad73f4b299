"""Export: the KPIs as CSV and a standalone HTML report of the charts (plotly.js embedded)."""

from __future__ import annotations

import solara

from dashboards.components.controls import Ctx
from dashboards.render import diff_figure, kpi_csv, kpi_figure, pyramid_figure, report_html
from sim.kpis import KPI_NAMES


def build_report(session) -> str:
    """The HTML report of the session's current runs (KPI charts, pyramid, differences)."""
    frames = session.frames()
    figs = {
        "Key performance indicators": kpi_figure(
            frames, [k for k in KPI_NAMES if k not in ("week", "service_direction")][:12]
        )
    }
    figs["Organization"] = pyramid_figure(session.model, session.layout(session.model))
    if len(frames) > 1:
        figs["Customer satisfaction difference"] = diff_figure(frames, "customer_satisfaction")
        figs["Profit difference"] = diff_figure(frames, "profit")
    return report_html(figs, "servicechain report", session.describe())


def build_csv(session) -> bytes:
    """CSV of the KPIs: the main run, or all compare runs stacked with a ``run`` column."""
    import pandas as pd

    frames = session.frames()
    if len(frames) == 1:
        return kpi_csv(next(iter(frames.values())))
    df = pd.concat({k: v for k, v in frames.items()}, names=["run", "step"])
    return kpi_csv(df)


@solara.component
def ExportPanel(ctx: Ctx) -> None:
    """Two download buttons (the data is built when clicked)."""
    s = ctx.session
    with solara.Row(classes=["sc-export"]):
        solara.FileDownload(
            lambda: build_csv(s),
            filename=f"servicechain_{s.preset}_week{s.week}.csv",
            label="KPIs as CSV",
        )
        solara.FileDownload(
            lambda: build_report(s),
            filename=f"servicechain_{s.preset}_week{s.week}.html",
            label="HTML report",
            mime_type="text/html",
        )
