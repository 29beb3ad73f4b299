"""A Plotly figure widget that redraws only when its key changes.

``solara.FigurePlotly`` takes the figure as an argument, and Solara compares a component's
arguments on every render; comparing two Plotly figures serializes both (tens of milliseconds
each). :class:`FigureBox` compares by a cheap key instead, so an unchanged view costs nothing
and a changed one is pushed to the existing widget in one batched update.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara


class FigureBox:
    """A figure plus the key that identifies its content (equal keys = same picture)."""

    def __init__(self, fig: Any, key: object) -> None:
        self.fig = fig
        self.key = key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FigureBox) and other.key == self.key

    __hash__ = None  # type: ignore[assignment]


@solara.component
def Plot(box: FigureBox, on_click: Callable[[dict], None] | None = None) -> None:
    """Show ``box.fig``; ``on_click`` receives Plotly's click data (points with xs, ys)."""
    from plotly.graph_objs._figurewidget import FigureWidget

    def on_points(data: dict) -> None:
        if data and data.get("event_type") == "plotly_click" and on_click is not None:
            on_click(data)

    element = FigureWidget.element(on__js2py_pointsCallback=on_points)

    def update() -> None:
        widget: FigureWidget = solara.get_widget(element)
        fig = box.fig
        with widget.batch_update():
            widget.layout = fig.layout
            if len(widget.data) == len(fig.data) and all(
                a.type == b.type for a, b in zip(widget.data, fig.data, strict=True)
            ):
                for old, new in zip(widget.data, fig.data, strict=True):
                    old.update(new.to_plotly_json(), overwrite=True)
            else:
                n = len(widget.data)
                widget.add_traces(fig.data)
                widget.data = widget.data[n:]

    solara.use_effect(update, [box.key])
