"""The organization as a pyramid (click a dot to inspect an employee) and the department flows."""

from __future__ import annotations

import numpy as np
import solara

from dashboards.components.controls import Ctx
from dashboards.components.plot import FigureBox, Plot
from dashboards.flows import request_flows
from dashboards.render import dept_flow_figure, is_inverted, pyramid_figure


def seat_at(layout, inverted: bool, x: float, y: float) -> int:
    """The seat whose dot is nearest to a clicked point (x, y) of the pyramid figure."""
    sign = 1.0 if inverted else -1.0
    d = (layout.x - x) ** 2 + (sign * layout.depth - y) ** 2
    return int(np.argmin(d))


@solara.component
def PyramidView(ctx: Ctx, model, label: str = "", height: int = 430, clickable: bool = True):
    """Pyramid of one run: colour = morale, size = workload, rings = vacancies, flow lines."""
    s = ctx.session
    layout = s.layout(model)
    flows = request_flows(model)
    fig = pyramid_figure(
        model,
        layout,
        selected=s.selected if clickable else None,
        flows=flows,
        height=height,
        title=f"{label + ' · ' if label else ''}week {int(model.steps)}",
    )

    def on_click(data) -> None:
        pts = (data or {}).get("points", {})
        xs, ys = pts.get("xs") or [], pts.get("ys") or []
        if xs and ys:
            seat = seat_at(layout, is_inverted(model), float(xs[0]), float(ys[0]))
            ctx.guard(lambda: s.select(seat))

    filled = int(model.state.filled.sum())
    with solara.Div(classes=["sc-pyramid"]):
        Plot(
            FigureBox(fig, (ctx.version, id(model), s.selected, height)),
            on_click=on_click if clickable else None,
        )
        solara.Text(
            f"{filled} employees, {model.org.n_seats - filled} vacant seats · "
            f"{'inverted: customers on top' if is_inverted(model) else 'customers below'} · "
            f"flow lines: {flows.label}",
            classes=["sc-pyramid-caption"],
            style={"font-size": "0.8em", "color": "#555"},
        )


@solara.component
def DeptFlows(ctx: Ctx, model) -> None:
    """Sankey of request flows between departments."""
    fig = dept_flow_figure(model)
    with solara.Div(classes=["sc-deptflows"]):
        Plot(FigureBox(fig, (ctx.version, id(model))))
