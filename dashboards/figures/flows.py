"""Request flows between departments as a Sankey diagram: providers serve requesters."""

from __future__ import annotations

import numpy as np

from dashboards.figures.common import FONT, Figure, rate_colour


def dept_flow_figure(view, height: int = 300) -> Figure:
    """Sankey of last week's requests: departments serving (left) and asking (right).

    ``view`` is a :class:`~dashboards.snapshot.RunView`. Link width = requests, colour =
    on-time share (red 0 - green 1). Before any request exists (a cold week 0) the figure says
    so instead of drawing an empty diagram (an empty Sankey made Plotly throw in the browser).
    """
    flows = view.flows
    names = [d.replace("_", " ") for d in view.org.dept_names]
    n = len(names)
    vol, rate = flows.dept_volume, flows.dept_on_time
    src, dst = np.nonzero(vol > 0)
    layout = {
        "height": height,
        "autosize": True,
        "margin": {"l": 6, "r": 6, "t": 6, "b": 6},
        "font": {"family": FONT, "size": 11},
        "paper_bgcolor": "white",
    }
    if src.size == 0:
        layout["xaxis"] = layout["yaxis"] = {"visible": False}
        layout["annotations"] = [
            {
                "text": "No requests yet: flows appear after the first week.",
                "showarrow": False,
                "x": 0.5,
                "y": 0.5,
                "xref": "paper",
                "yref": "paper",
                "font": {"size": 12, "color": "#607d8b"},
            }
        ]
        return {"data": [], "layout": layout}
    return {
        "data": [
            {
                "type": "sankey",
                "arrangement": "fixed",
                "node": {
                    "label": [f"{d} serve" for d in names] + [f"{d} ask" for d in names],
                    "pad": 10,
                    "thickness": 10,
                    "color": "#90a4ae",
                },
                "link": {
                    "source": src,
                    "target": dst + n,
                    "value": vol[src, dst],
                    "color": [rate_colour(rate[i, j], 0.55) for i, j in zip(src, dst, strict=True)],
                    "customdata": [f"{rate[i, j]:.0%}" for i, j in zip(src, dst, strict=True)],
                    "hovertemplate": "%{value:,.0f} requests, %{customdata} on time<extra></extra>",
                },
            }
        ],
        "layout": layout,
    }
