"""The organization as a pyramid with its legend, and the flows between departments."""

from __future__ import annotations

import solara

from dashboards.components.context import Ui
from dashboards.components.plot import FigureBox, Plot
from dashboards.figures.flows import dept_flow_figure
from dashboards.figures.pyramid import culture_name, is_inverted, pyramid_figure
from dashboards.snapshot import RunView

LEGEND = (
    "<span class='sc-key sc-key-dot'></span> a person: colour = morale "
    "<span class='sc-gradient'></span> low → high, size = workload · "
    "<span class='sc-key sc-key-ring'></span> vacant seat · "
    "<span class='sc-key sc-key-square'></span> customers (colour = satisfaction) · "
    "<b>↕</b> arrows: requests served across levels last week, width = number, "
    "colour = share on time"
)


@solara.component
def PyramidView(
    ui: Ui,
    view: RunView,
    height: int = 380,
    clickable: bool = True,
    selected: int | None = None,
    legend: bool = True,
    width_hint: int = 600,
) -> None:
    """Pyramid of one run; clicking a dot shows that employee (when ``clickable``)."""
    s = ui.session
    layout = s.layout(view.org)

    def on_click(seat) -> None:
        if isinstance(seat, (int, float)):
            ui.act(lambda: s.select(int(seat)))

    filled = int(view.filled.sum())
    inverted = is_inverted(view)
    with solara.Div(classes=["sc-pyramid"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f"<b>{view.label}</b> · week {view.steps} · "
                f"{culture_name(view.service_direction)} "
                f"({'drawn inverted: customers on top' if inverted else 'customers below'}) · "
                f"{filled:,} people, {view.org.n_seats - filled:,} vacant"
            ),
            classes=["sc-pyramid-caption"],
        )
        Plot(
            ui,
            FigureBox(
                lambda: pyramid_figure(
                    view, layout, selected=selected, height=height, width_hint=width_hint
                ),
                ("pyramid", view.label, view.steps, ui.session.version, selected, height),
            ),
            on_click=on_click if clickable else None,
            classes=["sc-pyramid-plot"],
        )
        if legend:
            solara.HTML(tag="div", unsafe_innerHTML=LEGEND, classes=["sc-legend"])


@solara.component
def DeptFlows(ui: Ui, view: RunView, height: int = 250) -> None:
    """Sankey of last week's requests between departments."""
    with solara.Div(classes=["sc-deptflows"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML="<b>Requests between departments</b> last week: who serves (left) "
            "whom (right); colour = on time",
            classes=["sc-panel-title"],
        )
        Plot(
            ui,
            FigureBox(
                lambda: dept_flow_figure(view, height=height),
                ("flows", view.label, view.steps, ui.session.version, height),
            ),
        )
