"""Export: the KPIs as CSV, a standalone HTML report, and a PNG of the view shown."""

from __future__ import annotations

import solara

from dashboards.components.context import Ui, log
from dashboards.exports import csv_bytes, file_stem, report, view_figure
from dashboards.figures.common import to_json
from dashboards.widgets import PlotlyView

PNG_SIZE = (1600, 900)


@solara.component
def ExportPanel(ui: Ui, settings: int) -> None:
    """Three downloads of what is on screen (built when clicked; both modes)."""
    s = ui.session
    painter = solara.use_memo(PlotlyView, [])  # draws the PNG in the browser (no image library)

    def snap():
        return s.snapshot()

    def html() -> str:
        snapshot = snap()
        return report(snapshot, s.layout, s.describe(), s.info)

    def png() -> None:
        try:
            snapshot = snap()
            fig = view_figure(snapshot, s.layout)
            painter.download_png(to_json(fig), file_stem(snapshot), *PNG_SIZE)
            ui.error.set("")
        except Exception as err:
            log.exception("PNG export failed")
            ui.error.set(f"The PNG could not be made: {err}")

    stem = file_stem(snap())
    with solara.Div(classes=["sc-export"]):
        solara.Text(
            "Downloads of what is on screen: the live run, or every compare run.",
            classes=["sc-note"],
        )
        with solara.Div(classes=["sc-export-buttons"]):
            with solara.Div(classes=["sc-export-csv"]):
                solara.FileDownload(
                    lambda: csv_bytes(snap()),
                    filename=f"{stem}.csv",
                    label="KPIs as CSV",
                    mime_type="text/csv",
                )
            with solara.Div(classes=["sc-export-html"]):
                solara.FileDownload(
                    html, filename=f"{stem}.html", label="HTML report", mime_type="text/html"
                )
            solara.Button(
                "PNG of the view", icon_name="mdi-image", on_click=png, classes=["sc-export-png"]
            )
        solara.Div(children=[painter], classes=["sc-painter"])
