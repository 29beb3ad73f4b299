"""A Plotly plot that redraws only when its key changes, and tells the gate when it is drawn.

Solara compares a component's arguments on every render; comparing two figures would mean
comparing their arrays. :class:`FigureBox` compares by a cheap key instead and builds the figure
only when the key changed, so an unchanged view costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from dashboards.components.context import Ui, log
from dashboards.figures.common import Figure, to_json
from dashboards.widgets import PlotlyView


class FigureBox:
    """A figure builder plus the key that identifies its content (equal keys = same picture)."""

    def __init__(self, build: Callable[[], Figure], key: object) -> None:
        self.build = build
        self.key = key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FigureBox) and other.key == self.key

    __hash__ = None  # type: ignore[assignment]


@solara.component
def Plot(
    ui: Ui,
    box: FigureBox,
    on_click: Callable[[Any], None] | None = None,
    classes: list[str] | None = None,
) -> None:
    """Show ``box``'s figure; ``on_click`` receives the clicked point's customdata."""
    widget = solara.use_memo(PlotlyView, [])

    def watch() -> Callable[[], None]:
        def drawn(change) -> None:
            ui.gate.drawn(id(widget), int(change["new"]))

        widget.observe(drawn, "drawn")

        def cleanup() -> None:
            widget.unobserve(drawn, "drawn")
            ui.gate.forget(id(widget))
            widget.close()

        return cleanup

    def push() -> None:
        try:
            text = to_json(box.build())
        except Exception:  # a figure that cannot be built must not break the page
            log.exception("figure failed")
            return
        widget.figure = text
        widget.revision += 1
        ui.gate.sent(id(widget), widget.revision)

    widget.on_click = on_click
    solara.use_effect(watch, [])
    solara.use_effect(push, [box.key])
    solara.Div(children=[widget], classes=["sc-plotbox", *(classes or [])])
