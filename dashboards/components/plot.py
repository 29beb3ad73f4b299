"""A Plotly plot that redraws only when its key changes, and tells the gate when it is drawn.

Solara compares a component's arguments on every render; comparing two figures would mean
comparing their arrays. :class:`FigureBox` compares by a cheap key instead and builds the figure
only when the key changed, so an unchanged view costs nothing.

The figure is built off the render (:class:`Painter`, one per plot): a render only changes
small widgets (the week, the cards) and its messages reach the browser at once, while the
pictures follow as soon as they are built. A Pause click so shows its final week without waiting
behind the pictures, and a picture already superseded when it is done is never sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import solara

from dashboards.components.context import Ui, log
from dashboards.figures.common import Figure, to_json
from dashboards.runner import FrameGate
from dashboards.widgets import PlotlyView


class FigureBox:
    """A figure builder plus the key that identifies its content (equal keys = same picture)."""

    def __init__(self, build: Callable[[], Figure], key: object) -> None:
        self.build = build
        self.key = key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FigureBox) and other.key == self.key

    __hash__ = None  # type: ignore[assignment]


PAINT_DELAY_S = 0.03


class Painter:
    """Builds one plot's figures in a thread of its own, the latest only.

    A request while a build runs replaces any request waiting; a build finished after a newer
    request is dropped. The thread is started from a render, so it belongs to the page's kernel.
    """

    def __init__(self, widget: PlotlyView, gate: FrameGate) -> None:
        self.widget = widget
        self.gate = gate
        self._lock = threading.Lock()
        self._next: Callable[[], Figure] | None = None
        self._running = False

    def request(self, build: Callable[[], Figure]) -> None:
        """Build and show this figure (unless a newer one is asked for meanwhile)."""
        with self._lock:
            self._next = build
            if self._running:
                return
            self._running = True
        threading.Thread(target=self._run, name="servicechain-painter", daemon=True).start()

    def _run(self) -> None:
        # Building holds the interpreter: first let the frame's small updates (the week, the
        # cards) leave for the browser, so the picture never delays the numbers.
        time.sleep(PAINT_DELAY_S)
        while True:
            with self._lock:
                build, self._next = self._next, None
                if build is None:
                    self._running = False
                    return
            try:
                text = to_json(build())
            except Exception:  # a figure that cannot be built must not break the page
                log.exception("figure failed")
                continue
            with self._lock:
                if self._next is not None:
                    continue  # superseded while it was built
            self.widget.figure = text
            self.widget.revision += 1
            self.gate.sent(id(self.widget), self.widget.revision)


@solara.component
def Plot(
    ui: Ui,
    box: FigureBox,
    on_click: Callable[[Any], None] | None = None,
    classes: list[str] | None = None,
) -> None:
    """Show ``box``'s figure (built by the plot's :class:`Painter`); ``on_click`` receives the
    clicked point's customdata."""
    widget = solara.use_memo(PlotlyView, [])
    painter = solara.use_memo(lambda: Painter(widget, ui.gate), [])

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
        painter.request(box.build)

    widget.on_click = on_click
    solara.use_effect(watch, [])
    solara.use_effect(push, [box.key])
    solara.Div(children=[widget], classes=["sc-plotbox", *(classes or [])])
