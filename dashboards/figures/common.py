"""What every figure shares: colours, the JSON encoding and event markers on time axes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

Figure = dict[str, Any]  # Plotly JSON: {"data": [...], "layout": {...}}

PALETTE = ("#1565c0", "#e65100", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457")
FONT = "Roboto, Helvetica, Arial, sans-serif"
_RDYLGN = ((0.0, (215, 48, 39)), (0.5, (254, 224, 139)), (1.0, (26, 152, 80)))
# Red - yellow - green for 0-1 values (morale, satisfaction), spelled out rather than named:
# named colorscales differ between plotly.js versions.
RDYLGN = [[x, f"rgb{c}"] for x, c in _RDYLGN]
# Event markers: one colour per event type, a neutral grey for types added later.
EVENT_COLOURS = {
    "demand_surge": "#ef6c00",
    "hiring_freeze": "#5e35b1",
    "leadership_change": "#1565c0",
    "key_person_leaves": "#c62828",
    "layoffs": "#6d4c41",
    "budget_cut": "#00838f",
}


def rate_colour(rate: float, alpha: float = 0.85) -> str:
    """Red (0) - yellow (0.5) - green (1) as an ``rgba()`` string; grey for NaN."""
    if rate != rate:  # NaN
        return f"rgba(150,150,150,{alpha})"
    r = min(max(float(rate), 0.0), 1.0)
    (x0, c0), (x1, c1) = (_RDYLGN[0], _RDYLGN[1]) if r <= 0.5 else (_RDYLGN[1], _RDYLGN[2])
    t = (r - x0) / (x1 - x0)
    rgb = [round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True)]
    return f"rgba({rgb[0]},{rgb[1]},{rgb[2]},{alpha})"


def with_alpha(hex_colour: str, alpha: float) -> str:
    """``#rrggbb`` as an ``rgba()`` string with the given opacity."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _plain(value: Any) -> Any:
    # Floats keep 5 significant decimals: enough for a picture, and a third of the bytes.
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            rounded = np.round(value, 5)
            finite = np.isfinite(rounded)
            if finite.all():
                return rounded.tolist()
            return np.where(finite, rounded, None).tolist()  # NaN -> null (JSON has no NaN)
        return value.tolist()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def to_json(fig: Figure) -> str:
    """The figure as JSON text (numpy arrays as lists, NaN as null)."""
    return json.dumps(_plain(fig), separators=(",", ":"), allow_nan=False)


def event_label(event: Any) -> str:
    """A short label of a timeline event, e.g. ``"Demand +30%"`` or ``"Hiring freeze"``."""
    kind = getattr(event, "type", "event")
    if kind == "demand_surge":
        size = float(event.size)
        return f"Demand {size:+.0%}" if size >= 0 else f"Competitor: demand {size:+.0%}"
    if kind == "leadership_change":
        return f"Leadership: culture {float(event.service_direction):+.1f}"
    if kind == "key_person_leaves":
        return f"{int(event.count)} key {'person' if event.count == 1 else 'people'} leave"
    if kind == "layoffs":
        return f"Layoffs {float(event.share):.0%}"
    if kind in ("growth", "downsize"):
        return f"{kind.capitalize()} {float(event.share):.0%}"
    if kind == "merger":
        return f"Merger with {Path(str(event.partner)).stem}"
    if kind == "respan":
        return f"Spans to {float(event.span):g}"
    return kind.replace("_", " ").capitalize()


CHANGE_COLOUR = "#37474f"
CHANGE_LABEL_TOP_PX = 16  # change labels start this far below the figure's top


def change_markers(changes: list[Any], x_max: float | None = None) -> tuple[list[dict], list[dict]]:
    """Shapes and annotations that mark settings changed mid-run (a lever, the culture).

    A change made in week ``w`` acts from week ``w + 1``: a dashed line at ``w + 0.5`` with its
    text near the top of the figure, a line below the shocks' labels (in pixels, so at any
    figure height), staggered when several are close together.

    Args:
        changes: :class:`~dashboards.snapshot.Change` items.
        x_max: Last week on the axis (labels near it are right-aligned so they stay inside).
    """
    shapes: list[dict] = []
    notes: list[dict] = []
    for i, ch in enumerate(changes):
        x = int(ch.week) + 0.5
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "layer": "below",
                "line": {"color": CHANGE_COLOUR, "width": 1.2, "dash": "dash"},
            }
        )
        right = x_max is not None and x > 0.7 * x_max
        notes.append(
            {
                "x": x,
                "y": 1.0,
                "yshift": -(CHANGE_LABEL_TOP_PX + 13 * (i % 3)),
                "xref": "x",
                "yref": "paper",
                "text": f"▸ {ch.text}" if not right else f"{ch.text} ◂",
                "showarrow": False,
                "xanchor": "right" if right else "left",
                "yanchor": "top",
                "font": {"size": 10, "color": CHANGE_COLOUR},
                "bgcolor": "rgba(255,255,255,0.8)",
            }
        )
    return shapes, notes


def event_markers(
    events: list[Any], y_top: float = 1.0, horizon: int | None = None
) -> tuple[list[dict], list[dict]]:
    """Shapes and annotations that mark timeline events on a figure whose x axis is weeks.

    An event with a duration (``weeks``) is a shaded band over the weeks it is active (every
    season of a seasonal surge up to ``horizon``); an instant one is a dashed line. Every marker
    spans the figure's whole height (``yref`` paper), so one marker serves every panel of a
    small-multiples figure.

    Args:
        events: The model's ``params.events`` (pydantic event objects).
        y_top: Paper height of the labels' top edge.
        horizon: Last week on the axis (seasons beyond it are not drawn); None = the event's
            first season only.

    Returns:
        ``(shapes, annotations)`` for the figure's layout.
    """
    shapes: list[dict] = []
    notes: list[dict] = []
    for i, ev in enumerate(events):
        colour = EVENT_COLOURS.get(getattr(ev, "type", ""), "#546e7a")
        start = int(ev.week)
        duration = getattr(ev, "weeks", None)
        base = {"xref": "x", "yref": "paper", "y0": 0, "y1": 1, "layer": "below"}
        if duration:
            if getattr(ev, "every", 0) and horizon is not None:
                spans = [(first, min(last, horizon)) for first, last in ev.spans(horizon)]
            else:  # the only span, or the season that starts in ``week``
                spans = ev.spans(start)[-1:]
            # Every later season of a seasonal event is labelled too.
            y = y_top - 0.045 * (i % 3)
            notes += [_event_note(ev, first, y, colour) for first, _ in spans[1:]]
            for first, last in spans:
                shapes.append(
                    {
                        **base,
                        "type": "rect",
                        "x0": first - 0.5,
                        "x1": last + 0.5,
                        "fillcolor": colour,
                        "opacity": 0.12,
                        "line": {"width": 0},
                    }
                )
        shapes.append(
            {
                **base,
                "type": "line",
                "x0": start - 0.5,
                "x1": start - 0.5,
                "line": {"color": colour, "width": 1.5, "dash": "dot"},
            }
        )
        # Labels of events close together are staggered.
        notes.append(_event_note(ev, start, y_top - 0.045 * (i % 3), colour))
    return shapes, notes


def _event_note(event: Any, week: int, y: float, colour: str) -> dict:
    """An event's label at the start of a week, on the figure's paper height ``y``."""
    return {
        "x": week - 0.5,
        "y": y,
        "xref": "x",
        "yref": "paper",
        "text": event_label(event),
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "top",
        "font": {"size": 10, "color": colour},
        "bgcolor": "rgba(255,255,255,0.7)",
    }
