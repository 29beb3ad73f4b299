"""The organization as a pyramid with its legend, and the flows between departments."""

from __future__ import annotations

import solara

from dashboards.components.context import Ui
from dashboards.components.plot import FigureBox, Plot
from dashboards.figures.flows import dept_flow_figure
from dashboards.figures.pyramid import (
    WAITING_COLOUR,
    Scales,
    is_inverted,
    pyramid_figure,
    shared_scales,
)
from dashboards.snapshot import RunView


def legend_html(scales: Scales) -> str:
    """The pyramid's legend, with the colour ranges this frame draws."""
    m_lo, m_hi = scales.morale
    s_lo, s_hi = scales.satisfaction
    t_lo, _ = scales.on_time
    gradient = "<span class='sc-gradient'></span>"
    return (
        f"<span class='sc-key sc-key-dot'></span> a person: colour = morale, "
        f"<span class='sc-scale'>{m_lo:.2f}</span> {gradient} "
        f"<span class='sc-scale'>{m_hi:.2f}</span>; size = workload · "
        f"<span class='sc-key sc-key-waiting' style='border-color:{WAITING_COLOUR}'></span> "
        "requests waiting on that person (bigger = more hours) · "
        "<span class='sc-key sc-key-ring'></span> vacant seat · "
        f"<span class='sc-key sc-key-square'></span> customers, colour = satisfaction "
        f"{s_lo:.2f}-{s_hi:.2f} · <b>↕</b> requests served across levels last week: "
        f"width = number, colour = on time, <span class='sc-scale'>{t_lo:.0%}</span> "
        f"{gradient} <span class='sc-scale'>100%</span>"
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
    scales: Scales | None = None,
) -> None:
    """Pyramid of one run; clicking a dot shows that employee (when ``clickable``).

    ``scales``: the colour ranges shared by the runs shown side by side (default this run's).
    """
    s = ui.session
    layout = s.layout(view.org)
    scales = scales or shared_scales([view])

    def on_click(seat) -> None:
        if isinstance(seat, (int, float)):
            ui.act(lambda: s.select(int(seat)))

    filled = int(view.filled.sum())
    inverted = is_inverted(view)
    with solara.Div(classes=["sc-pyramid"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f"<b>{view.title}</b> · week {view.steps} · "
                f"{'drawn upside down: customers on top' if inverted else 'customers below'} · "
                f"{filled:,} people, {view.org.n_seats - filled:,} vacant"
            ),
            classes=["sc-pyramid-caption"],
        )
        Plot(
            ui,
            FigureBox(
                lambda: pyramid_figure(
                    view,
                    layout,
                    selected=selected,
                    height=height,
                    width_hint=width_hint,
                    scales=scales,
                ),
                ("pyramid", view.label, view.steps, ui.session.version, selected, height, scales),
            ),
            on_click=on_click if clickable else None,
            classes=["sc-pyramid-plot"],
        )
        if legend:
            solara.HTML(tag="div", unsafe_innerHTML=legend_html(scales), classes=["sc-legend"])


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
