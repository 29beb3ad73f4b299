"""One employee: their state, the requests they serve and wait on, and their history."""

from __future__ import annotations

import solara

from dashboards.components.controls import Ctx
from dashboards.components.plot import FigureBox, Plot
from dashboards.flows import seat_requests
from dashboards.render import employee_history_figure


@solara.component
def EmployeePanel(ctx: Ctx) -> None:
    """State of the selected seat (click a dot or type a seat number)."""
    s = ctx.session
    model = s.model
    with solara.Div(classes=["sc-employee"]):
        with solara.Div(style={"width": "160px"}, classes=["sc-seat-input"]):
            solara.InputInt(
                "Seat",
                value=-1 if s.selected is None else s.selected,
                on_value=lambda v: ctx.guard(
                    lambda: s.select(None if v is None or v < 0 else int(v))
                ),
            )
        if s.selected is None:
            solara.Text("Click an employee in the pyramid (or type a seat number).")
            return
        info = model.employee(s.selected).as_dict()
        reqs = seat_requests(model, s.selected)
        rows = "\n".join(f"| {k.replace('_', ' ')} | {_fmt(v)} |" for k, v in info.items())
        solara.Markdown(
            f"| | seat {s.selected} |\n|---|---|\n{rows}", style={"font-size": "0.85em"}
        )
        solara.Text(
            f"Requests waiting: {reqs['to_serve']} to serve, "
            f"{reqs['waiting_on']} waiting on others",
            classes=["sc-employee-requests"],
        )
        if reqs["serve_rows"] or reqs["wait_rows"]:
            lines = [
                "| side | other seat | direction | hours | age (weeks) | customer input |",
                "|---|---|---|---|---|---|",
            ]
            for side, key in (("serves", "serve_rows"), ("waits on", "wait_rows")):
                for r in reqs[key]:
                    cust = "yes" if r["customer_input"] else ""
                    lines.append(
                        f"| {side} | {r['seat']} | {r['direction']} | {r['hours']} "
                        f"| {r['age_weeks']} | {cust} |"
                    )
            solara.Markdown("\n".join(lines), style={"font-size": "0.8em"})
        Plot(
            FigureBox(
                employee_history_figure(list(s.history)),
                (ctx.version, s.selected, len(s.history)),
            )
        )


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)
