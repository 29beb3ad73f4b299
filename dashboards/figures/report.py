"""Exports: KPI frames as CSV, a standalone HTML report, one figure of a whole view (PNG).

The HTML report embeds plotly.js (it opens offline) and draws each figure from a JSON block.
The PNG of a view is drawn by the browser (``Plotly.toImage``) from :func:`compose`, which
places several figures side by side in one figure: no image library is needed on the server.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from dashboards.figures.common import FONT, Figure, to_json


def kpi_csv(df: pd.DataFrame) -> bytes:
    """The KPI frame as CSV bytes (index included)."""
    return df.to_csv().encode("utf-8")


@dataclass
class Section:
    """One section of the HTML report: a heading, paragraphs, an optional table, figures."""

    heading: str
    paragraphs: Sequence[str] = ()
    table: pd.DataFrame | None = None
    figures: Sequence[Figure] = field(default_factory=list)


def report_html(title: str, intro: Sequence[str], sections: Sequence[Section]) -> str:
    """A standalone HTML page; plotly.js is embedded once, so the page works offline.

    Args:
        title: Page title and heading.
        intro: Paragraphs under the heading (plain text, escaped).
        sections: The sections in order.
    """
    from plotly.offline import get_plotlyjs

    body: list[str] = [f"<h1>{html.escape(title)}</h1>"]
    body += [f"<p>{html.escape(p)}</p>" for p in intro]
    blocks: list[str] = []
    n = 0
    for sec in sections:
        body.append(f"<h2>{html.escape(sec.heading)}</h2>")
        body += [f"<p>{html.escape(p)}</p>" for p in sec.paragraphs]
        if sec.table is not None:
            body.append(sec.table.to_html(index=False, border=0, classes="kpis", na_rep="n/a"))
        for fig in sec.figures:
            body.append(f'<div id="fig{n}" class="figure"></div>')
            # "</" inside a script element would end it early; "<\/" is the same JSON string.
            payload = to_json(fig).replace("</", "<\\/")
            blocks.append(f'<script type="application/json" id="fig{n}-data">{payload}</script>')
            n += 1
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: {FONT}; margin: 2em auto; max-width: 1200px; color: #222; padding: 0 1em; }}
table.kpis {{ border-collapse: collapse; font-size: 13px; }}
table.kpis th, table.kpis td {{ border: 1px solid #ccc; padding: 3px 8px; text-align: right; }}
table.kpis td:first-child, table.kpis th:first-child {{ text-align: left; }}
.figure {{ margin: 1em 0; }}
</style>
<script>{get_plotlyjs()}</script>
</head><body>
{chr(10).join(body)}
{chr(10).join(blocks)}
<script>
for (let i = 0; i < {n}; i++) {{
  const fig = JSON.parse(document.getElementById("fig" + i + "-data").textContent);
  Plotly.newPlot("fig" + i, fig.data, fig.layout, {{responsive: true, displaylogo: false}});
}}
</script>
</body></html>
"""


# ------------------------------------------------------------------------- one figure of a view
_AXIS_KEY = re.compile(r"^([xy])axis(\d*)$")
_AXIS_REF = re.compile(r"^([xy])(\d*)( domain)?$")


@dataclass(frozen=True)
class Placed:
    """A figure and the part of the composed figure it fills (paper fractions)."""

    fig: Figure
    x: tuple[float, float]
    y: tuple[float, float]


def _ref(ref: str, offset: int) -> str:
    m = _AXIS_REF.match(ref or "")
    if not m:
        return ref
    n = int(m.group(2) or 1) + offset
    return f"{m.group(1)}{'' if n == 1 else n}{m.group(3) or ''}"


def _scale(v: float, dom: tuple[float, float]) -> float:
    return dom[0] + float(v) * (dom[1] - dom[0])


def _place_refs(item: dict, offset: int, p: Placed) -> dict:
    """Remap an annotation's or shape's axis references, and paper coordinates into ``p``."""
    item = dict(item)
    for axis, dom in (("x", p.x), ("y", p.y)):
        ref = item.get(f"{axis}ref", axis)
        if ref == "paper":
            for key in (axis, f"{axis}0", f"{axis}1"):
                if key in item and item[key] is not None:
                    item[key] = _scale(item[key], dom)
        else:
            item[f"{axis}ref"] = _ref(ref, offset)
            if f"a{axis}ref" in item:
                item[f"a{axis}ref"] = _ref(item[f"a{axis}ref"], offset)
    return item


def compose(
    parts: Sequence[Placed], title: str, width: int = 1600, height: int = 900, notes: str = ""
) -> Figure:
    """Several figures in one: each keeps its axes (renumbered) inside its own rectangle.

    Args:
        parts: The figures and where each goes (paper fractions of the composed figure).
        title: Title of the composed figure.
        width: Width in pixels (the PNG's size).
        height: Height in pixels.
        notes: A line of text under the title.
    """
    data: list[dict] = []
    layout: dict = {
        "width": width,
        "height": height,
        "title": {"text": title, "x": 0.01, "font": {"size": 18}},
        "margin": {"l": 40, "r": 20, "t": 70, "b": 40},
        "font": {"family": FONT, "size": 11},
        "showlegend": False,
        "paper_bgcolor": "white",
        "plot_bgcolor": "#fafafa",
        "annotations": [],
        "shapes": [],
    }
    if notes:
        layout["annotations"].append(
            {
                "text": notes,
                "x": 0,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "yanchor": "bottom",
                "xanchor": "left",
                "showarrow": False,
                "font": {"size": 12, "color": "#37474f"},
            }
        )
    offset = 0
    for p in parts:
        lay = p.fig.get("layout", {})
        axes = [k for k in lay if _AXIS_KEY.match(k)]
        used = max([int(_AXIS_KEY.match(k).group(2) or 1) for k in axes] + [1])
        for key in axes:
            axis, num = _AXIS_KEY.match(key).groups()
            ax = dict(lay[key])
            dom = ax.get("domain", [0.0, 1.0])
            target = p.x if axis == "x" else p.y
            ax["domain"] = [_scale(dom[0], target), _scale(dom[1], target)]
            for ref_key in ("anchor", "matches", "scaleanchor", "overlaying"):
                if ax.get(ref_key):
                    ax[ref_key] = _ref(ax[ref_key], offset)
            n = int(num or 1) + offset
            layout[f"{axis}axis{'' if n == 1 else n}"] = ax
        for trace in p.fig.get("data", []):
            t = dict(trace)
            if t.get("type") == "sankey":
                t["domain"] = {"x": list(p.x), "y": list(p.y)}
            else:
                t["xaxis"] = _ref(t.get("xaxis", "x"), offset)
                t["yaxis"] = _ref(t.get("yaxis", "y"), offset)
            data.append(t)
        title = (lay.get("title") or {}).get("text")
        if title:  # a part's own title becomes a label at its top left
            layout["annotations"].append(
                {
                    "text": f"<b>{title}</b>",
                    "x": p.x[0],
                    "y": p.y[1],
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "left",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": 13},
                }
            )
        layout["annotations"] += [_place_refs(a, offset, p) for a in lay.get("annotations") or []]
        layout["shapes"] += [_place_refs(s, offset, p) for s in lay.get("shapes") or []]
        offset += used
    return {"data": data, "layout": layout}
