"""KPI time series: small multiples, one panel per KPI, one line per run, events marked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from dashboards.figures.common import FONT, PALETTE, Figure, event_markers, with_alpha
from sim.kpis import KPI_BY_NAME, PERCENT_UNITS

DEFAULT_KPIS: tuple[str, ...] = (
    "morale_mean",
    "internal_on_time",
    "turnover_annualized",
    "customer_satisfaction",
    "profit",
)
PANEL_PX = 92  # height of one panel
GAP_PX = 26  # room between panels for the next panel's title


def axis_format(kpi: str) -> str:
    """d3 number format of a KPI's axis and hover: shares as %, large numbers grouped."""
    unit = KPI_BY_NAME[kpi].unit if kpi in KPI_BY_NAME else ""
    if unit in PERCENT_UNITS:
        return ".0%"
    if "currency" in unit or unit in ("customers", "hours"):
        return "~s"
    return ".3~f"


def panel_domains(n: int, height: int, top_px: int = 22, bottom_px: int = 34) -> list[tuple]:
    """Vertical paper domains of ``n`` stacked panels in a figure ``height`` pixels tall.

    Computed in pixels and clamped to [0, 1], so no domain can fall below 0 by rounding
    (twelve panels once gave ``-3.5e-17`` and Plotly refused the figure).
    """
    plot_px = max(height - top_px - bottom_px, 1)
    panel = max((plot_px - GAP_PX * (n - 1)) / n, 1.0)
    out = []
    for i in range(n):
        hi = 1.0 - (top_px + i * (panel + GAP_PX)) / height
        lo = hi - panel / height
        out.append((round(min(max(lo, 0.0), 1.0), 6), round(min(max(hi, 0.0), 1.0), 6)))
    return out


def kpi_figure(
    frames: dict[str, pd.DataFrame],
    kpis: Sequence[str] = DEFAULT_KPIS,
    events: Sequence[Any] = (),
    horizon: int | None = None,
    bands: dict[str, tuple[pd.DataFrame, pd.DataFrame]] | None = None,
    height: int = 0,
) -> Figure:
    """Small multiples of KPI time series.

    Args:
        frames: Run label -> KPI frame (``model.kpis()``, placeholders as NaN).
        kpis: KPI columns to plot, one panel each, top to bottom (unknown names are skipped).
        events: Timeline events to mark (``model.params.events``).
        horizon: Last week of the x axis (the run's horizon), so the axis does not jump.
        bands: Run label -> (low, high) frames: a shaded band per run (replications' 95% CI).
        height: Pixels (default: one ``PANEL_PX`` panel per KPI plus margins).
    """
    kpis = [k for k in kpis if k in KPI_BY_NAME] or list(DEFAULT_KPIS)
    n = len(kpis)
    height = height or 56 + n * (PANEL_PX + GAP_PX)
    domains = panel_domains(n, height)
    last = max((int(df.index.max()) for df in frames.values() if len(df)), default=0)
    x_max = max(horizon or 0, last, 1)
    traces: list[dict] = []
    notes: list[dict] = []
    layout: dict[str, Any] = {
        "height": height,
        "autosize": True,
        "margin": {"l": 52, "r": 12, "t": 4, "b": 30},
        "font": {"family": FONT, "size": 11},
        "showlegend": len(frames) > 1,
        "legend": {"orientation": "h", "y": 1.0, "x": 1.0, "xanchor": "right", "yanchor": "top"},
        "hovermode": "x",
        "paper_bgcolor": "white",
        "plot_bgcolor": "#fafafa",
        "uirevision": "kpis",
    }
    for i, k in enumerate(kpis):
        ax = "" if i == 0 else str(i + 1)
        fmt = axis_format(k)
        lo, hi = domains[i]
        layout[f"yaxis{ax}"] = {
            "domain": [lo, hi],
            "anchor": f"x{ax}",
            "tickformat": fmt,
            "nticks": 4,
            "gridcolor": "#e0e0e0",
            "zeroline": False,
        }
        if not any(df[k].notna().any() for df in frames.values()):
            # Nothing measured yet (a cold week 0): a fixed axis and a word instead of a blank.
            layout[f"yaxis{ax}"]["range"] = [0, 1]
            layout[f"yaxis{ax}"]["showticklabels"] = False
            notes.append(
                {
                    "text": "measured from week 1",
                    "x": 0.5,
                    "y": (lo + hi) / 2,
                    "xref": "paper",
                    "yref": "paper",
                    "showarrow": False,
                    "font": {"size": 11, "color": "#90a4ae"},
                }
            )
        layout[f"xaxis{ax}"] = {
            "anchor": f"y{ax}",
            "matches": "x" if i else None,
            "showticklabels": i == n - 1,
            "range": [-0.5, x_max + 0.5],
            "gridcolor": "#eeeeee",
        }
        notes.append(
            {
                "text": f"<b>{KPI_BY_NAME[k].label_with_unit}</b>",
                "x": 0,
                "y": hi,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": "#263238"},
            }
        )
        for j, (label, df) in enumerate(frames.items()):
            colour = PALETTE[j % len(PALETTE)]
            x = df.index.to_numpy()
            if bands and label in bands:
                low, high = bands[label]
                traces.append(
                    {
                        "type": "scatter",
                        "mode": "lines",
                        "x": list(x) + list(x[::-1]),
                        "y": list(high[k].to_numpy()) + list(low[k].to_numpy()[::-1]),
                        "fill": "toself",
                        "fillcolor": with_alpha(colour, 0.15),
                        "line": {"width": 0},
                        "hoverinfo": "skip",
                        "showlegend": False,
                        "xaxis": f"x{ax}",
                        "yaxis": f"y{ax}",
                    }
                )
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": label,
                    "legendgroup": label,
                    "showlegend": i == 0 and len(frames) > 1,
                    "x": x,
                    "y": df[k].to_numpy(dtype=float),
                    "xaxis": f"x{ax}",
                    "yaxis": f"y{ax}",
                    "line": {"color": colour, "width": 1.8},
                    "hovertemplate": f"{label}: %{{y:{fmt}}}<extra></extra>",
                    "connectgaps": False,
                }
            )
    layout[f"xaxis{'' if n == 1 else n}"]["title"] = {"text": "week", "standoff": 4}
    shapes, event_notes = event_markers(list(events), horizon=x_max)
    layout["shapes"] = shapes
    layout["annotations"] = notes + event_notes
    return {"data": traces, "layout": layout}
