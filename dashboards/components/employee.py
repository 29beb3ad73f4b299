"""One employee: their state, the requests they serve and wait on, and their history."""

from __future__ import annotations

import solara

from dashboards.components.context import Ui
from dashboards.components.plot import FigureBox, Plot
from dashboards.figures.employee import employee_history_figure
from dashboards.snapshot import SeatView

# What the employee panel shows, in order, with human labels.
FIELDS = (
    ("level", "Level (0 = top)"),
    ("department", "Department"),
    ("morale", "Morale"),
    ("mindset", "Service mindset"),
    ("skill", "Skill"),
    ("workload", "Workload (1 = full)"),
    ("pressure", "Pressure"),
    ("tenure_weeks", "Tenure (weeks)"),
    ("service_received", "Service received"),
    ("customers", "Customers"),
    ("manager_seat", "Manager's seat"),
)


def _fmt(v) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v).replace("_", " ")


@solara.component
def EmployeePanel(
    ui: Ui, seat: SeatView | None, events: list, version: int, changes: list | None = None
) -> None:
    """The selected seat (click a dot, or type a seat number): their state, the requests they
    serve and wait on, and their recent weeks (recorded for everyone, so a line at once)."""
    s = ui.session
    with solara.Div(classes=["sc-employee"]):
        with solara.Div(classes=["sc-seat-input"]):
            solara.InputText(
                "Seat (click a dot)",
                value="" if seat is None else str(seat.seat),
                on_value=lambda v: ui.act(
                    lambda: s.select(int(v) if str(v).strip().isdigit() else None)
                ),
                continuous_update=False,
            )
        if seat is None:
            solara.Text(
                "Click a person in the pyramid to see their morale, workload, the requests "
                "they serve and wait on, and their recent weeks.",
                classes=["sc-note"],
            )
            return
        info = seat.info
        title = f"Seat {seat.seat}" + (" · vacant" if info["vacant"] else "")
        rows = "".join(
            f"<tr><td>{label}</td><td>{_fmt(info[key])}</td></tr>"
            for key, label in FIELDS
            if key in info
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b>{title}</b><table class='sc-table'>{rows}</table>",
            classes=["sc-employee-state"],
        )
        r = seat.requests
        solara.Text(
            f"Requests waiting: {r['to_serve']} for this person to serve, "
            f"{r['waiting_on']} this person waits on",
            classes=["sc-employee-requests"],
        )
        Plot(
            ui,
            FigureBox(
                lambda: employee_history_figure(seat.history, events, changes=changes or []),
                ("history", version, seat.seat),
            ),
        )
