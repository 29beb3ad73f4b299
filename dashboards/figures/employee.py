"""One employee's recent history: morale, service mindset and skill, week by week."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dashboards.figures.common import FONT, PALETTE, Figure, change_markers, event_markers

HISTORY_SERIES = (("morale", "Morale"), ("mindset", "Service mindset"), ("skill", "Skill"))


def employee_history_figure(
    history: Sequence[dict],
    events: Sequence[Any] = (),
    height: int = 170,
    changes: Sequence[Any] = (),
) -> Figure:
    """Lines of the selected seat's recent weeks (0-1 scale); events and changes marked."""
    weeks = [h["week"] for h in history]
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers" if len(weeks) < 30 else "lines",
            "name": label,
            "x": weeks,
            "y": [h[key] for h in history],
            "line": {"color": PALETTE[i], "width": 1.8},
            "marker": {"size": 4},
            "hovertemplate": f"{label} %{{y:.2f}}<extra></extra>",
        }
        for i, (key, label) in enumerate(HISTORY_SERIES)
    ]
    span = [min(weeks, default=0) - 0.5, max(weeks, default=0) + 0.5]
    shapes, notes = event_markers([e for e in events if span[0] <= e.week <= span[1] + 1])
    moves = [c for c in changes if span[0] <= c.week <= span[1]]
    change_shapes, change_notes = change_markers(moves, span[1])
    shapes, notes = shapes + change_shapes, notes + change_notes
    return {
        "data": traces,
        "layout": {
            "height": height,
            "autosize": True,
            "margin": {"l": 36, "r": 8, "t": 6, "b": 28},
            "font": {"family": FONT, "size": 11},
            "yaxis": {"range": [0, 1], "nticks": 3},
            "xaxis": {"range": span, "title": {"text": "week", "standoff": 2}},
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
            "shapes": shapes,
            "annotations": notes,
            "paper_bgcolor": "white",
            "plot_bgcolor": "#fafafa",
            "uirevision": "history",
        },
    }
