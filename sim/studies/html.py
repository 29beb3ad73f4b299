"""The one offline HTML writer of the studies' reports (compare, sweep analysis).

A page is a title, a style sheet, a body and Plotly figures. plotly.js is embedded inline once
(no CDN), so a report opens on a laptop with no network. Each figure's JSON sits in its own
``<script type="application/json" id="ID-data">`` block and is drawn into ``<div id="ID">`` by a
few lines of script, so the data behind every chart can be read back (:func:`read_figures`).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

BASE_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1300px; color: #222; }
table { border-collapse: collapse; font-size: 13px; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.figure { margin: 1.5em 0; }
"""


def figure_div(fig_id: str) -> str:
    """The placeholder a figure of :func:`page` is drawn into."""
    return f'<div id="{html.escape(fig_id)}" class="figure"></div>'


def _json_block(fig_id: str, fig: Any) -> str:
    # "</" inside a script element would end it early; "<\/" is the same JSON string.
    payload = fig.to_json().replace("</", "<\\/")
    return f'<script type="application/json" id="{html.escape(fig_id)}-data">{payload}</script>'


def page(title: str, body: str, figures: Mapping[str, Any] | None = None, style: str = "") -> str:
    """A self-contained HTML document.

    Args:
        title: The page title (escaped here).
        body: HTML of the body; put :func:`figure_div` placeholders where figures go (a figure
            without a placeholder is appended at the end).
        figures: Figure id -> Plotly figure.
        style: Extra CSS after the base style.
    """
    figures = dict(figures or {})
    missing = "".join(figure_div(k) for k in figures if f'id="{k}"' not in body)
    script = ""
    if figures:
        from plotly.offline import get_plotlyjs

        blocks = "\n".join(_json_block(k, f) for k, f in figures.items())
        script = f"""<script>{get_plotlyjs()}</script>
{blocks}
<script>
for (const id of {json.dumps(list(figures))}) {{
  const fig = JSON.parse(document.getElementById(id + "-data").textContent);
  Plotly.newPlot(id, fig.data, fig.layout, {{responsive: true, displaylogo: false}});
}}
</script>"""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{BASE_STYLE}{style}</style>
</head><body>
{body}
{missing}
{script}
</body></html>
"""


def write_page(path: str | Path, text: str) -> Path:
    """Write a page (UTF-8), creating the folder. Returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def read_figures(path: str | Path) -> dict[str, dict]:
    """The figures (Plotly JSON) embedded in a page written by :func:`page`."""
    text = Path(path).read_text(encoding="utf-8")
    found = re.findall(
        r'<script type="application/json" id="([\w-]+)-data">(.*?)</script>', text, re.S
    )
    return {fig_id: json.loads(payload) for fig_id, payload in found}
