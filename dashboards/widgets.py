"""The dashboard's browser widgets (anywidget): a Plotly plot, a keyboard listener, the
immediate feedback of slow changes and the week on screen.

:class:`PlotlyView` replaces Plotly's ``FigureWidget``: that widget ships its 5 MB bundle
inside every instance (15 MB over the websocket per page load), syncs every trace back from the
browser (which raised on numpy arrays) and gives no sign of when a frame is on screen. This one
loads plotly.js once per page from the dashboard's own server (:func:`serve_plotly_js`), takes
the figure as JSON text, and reports each drawn revision, which the frame pacer waits for.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets

JS = Path(__file__).resolve().parent / "js"
PLOTLY_ROUTE = "/_servicechain/plotly.min.js"


class PlotlyView(anywidget.AnyWidget):
    """A plot: set ``figure`` (JSON text) and bump ``revision`` to draw.

    Attributes:
        figure: The figure as Plotly JSON text.
        revision: Bumped by the server for every new figure.
        drawn: The last revision the browser has drawn (set by the browser).
    """

    _esm = (JS / "plotly_view.js").read_text(encoding="utf-8")
    figure = traitlets.Unicode("").tag(sync=True)
    revision = traitlets.Int(0).tag(sync=True)
    drawn = traitlets.Int(0).tag(sync=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.on_click: Callable[[object], None] | None = None
        self.on_msg(self._message)

    def _message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "click" and self.on_click:
            self.on_click(content.get("customdata"))

    def download_png(self, figure_json: str, filename: str, width: int, height: int) -> None:
        """Have the browser draw ``figure_json`` as a PNG file and download it."""
        self.send(
            {
                "type": "png",
                "figure": figure_json,
                "filename": filename,
                "width": width,
                "height": height,
            }
        )


class KeyListener(anywidget.AnyWidget):
    """Sends the page's key presses listed in ``shortcuts`` (not while typing in a field)."""

    _esm = (JS / "keys.js").read_text(encoding="utf-8")
    shortcuts = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.on_key: Callable[[str], None] | None = None
        self.on_msg(self._message)

    def _message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and self.on_key and isinstance(content.get("key"), str):
            self.on_key(content["key"])


class PendingHint(anywidget.AnyWidget):
    """Shows a loading line in the browser the moment another organization or files are chosen,
    before the server answers (see ``js/pending.js``); the server's loading state replaces it.

    Attributes:
        timeout_ms: How long the line stays if the server never shows its own.
    """

    _esm = (JS / "pending.js").read_text(encoding="utf-8")
    timeout_ms = traitlets.Int(8000).tag(sync=True)


class ScreenWeek(anywidget.AnyWidget):
    """Reports the week the page shows (``js/screen_week.js``), for Pause to stop there.

    Attributes:
        week: The week on screen, or -1 before the page reported one.
    """

    _esm = (JS / "screen_week.js").read_text(encoding="utf-8")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.week = -1
        self.on_msg(self._message)

    def _message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and isinstance(content.get("week"), int):
            self.week = int(content["week"])


def plotly_js_path() -> Path:
    """plotly.min.js of the installed plotly package (what the widget loads)."""
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def serve_plotly_js() -> None:
    """Serve the installed plotly.min.js at :data:`PLOTLY_ROUTE` from the Solara server.

    Solara serves static files only from an app's ``public`` folder; plotly.js lives in the
    plotly wheel, so one read-only route is added in front of Solara's catch-all page route
    (idempotent). The browser caches it for a day.
    """
    from solara.server import starlette as server
    from starlette.responses import FileResponse
    from starlette.routing import Route

    routes = server.app.router.routes
    if any(getattr(r, "path", None) == PLOTLY_ROUTE for r in routes):
        return
    path = plotly_js_path()

    def plotly_js(_request):
        return FileResponse(
            path, media_type="text/javascript", headers={"Cache-Control": "max-age=86400"}
        )

    routes.insert(0, Route(PLOTLY_ROUTE, endpoint=plotly_js))


class SessionMemory(anywidget.AnyWidget):
    """A text kept in the browser's session storage under ``key`` (``js/session_memory.js``):
    it outlives a reload of the tab, not the tab.

    Attributes:
        key: The storage key.
        value: The text to keep (set by the server).
    """

    _esm = (JS / "session_memory.js").read_text(encoding="utf-8")
    key = traitlets.Unicode("servicechain-lessons").tag(sync=True)
    value = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.on_restore: Callable[[str], None] | None = None
        self.on_msg(self._message)

    def _message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and isinstance(content.get("restore"), str):
            if self.on_restore is not None:
                self.on_restore(content["restore"][:20_000])
