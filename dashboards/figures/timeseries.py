"""KPI time series: small multiples, one panel per KPI, one line per run, events marked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from dashboards.figures.common import (
    FONT,
    PALETTE,
    Figure,
    change_markers,
    event_markers,
    with_alpha,
)
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


# The smallest span a y axis shows, by unit: week-to-week noise of 0.71-0.72 is drawn as the
# small wobble it is, not as drama. Shares and 0-1 scales: 10 points; counts and money: 10% of
# their size (:func:`axis_range`).
MIN_SPAN_BY_UNIT = {"0-1": 0.1, "share": 0.1, "1/year": 0.1, "index": 0.1}
MIN_RELATIVE_SPAN = 0.1
# Bounds no value can cross (the axis never shows below 0% or above 100%).
UNIT_BOUNDS = {"0-1": (0.0, 1.0), "share": (0.0, 1.0), "1/year": (0.0, None)}


def axis_format(kpi: str) -> str:
    """d3 number format of a KPI's axis and hover: shares as %, large numbers grouped."""
    unit = KPI_BY_NAME[kpi].unit if kpi in KPI_BY_NAME else ""
    if unit in PERCENT_UNITS:
        return ".0%"
    if "currency" in unit or unit in ("customers", "hours"):
        return "~s"
    if unit == "0-1":
        return ".2f"
    return ".3~f"


def axis_range(
    values: Sequence[np.ndarray], kpi: str, difference: bool = False, scale: float | None = None
) -> list[float] | None:
    """A y range for a KPI's values that never zooms noise into drama.

    The range covers every finite value with a margin, and is at least the unit's minimum span
    (:data:`MIN_SPAN_BY_UNIT`, or :data:`MIN_RELATIVE_SPAN` of the values' size for counts and
    money), kept inside the unit's bounds (0-100% for shares).

    Args:
        values: The arrays drawn on the axis (NaN ignored).
        kpi: The KPI (its unit decides the minimum span and the bounds).
        difference: The values are differences between runs: the range includes zero and has
            no bounds.
        scale: The size the relative minimum span is taken of (for differences: the runs'
            level); default the values' own size.

    Returns:
        ``[low, high]``, or None when there is no finite value.
    """
    finite = [np.asarray(v, dtype=float) for v in values]
    finite = [v[np.isfinite(v)] for v in finite]
    finite = [v for v in finite if v.size]
    if not finite:
        return None
    data = np.concatenate(finite)
    lo, hi = float(data.min()), float(data.max())
    if difference:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    unit = KPI_BY_NAME[kpi].unit if kpi in KPI_BY_NAME else ""
    size = max(abs(lo), abs(hi)) if scale is None else abs(scale)
    min_span = MIN_SPAN_BY_UNIT.get(unit, MIN_RELATIVE_SPAN * size)
    span = max((hi - lo) * 1.15, min_span, 1e-9)
    mid = (lo + hi) / 2.0
    low, high = mid - span / 2.0, mid + span / 2.0
    bottom, top = (None, None) if difference else UNIT_BOUNDS.get(unit, (None, None))
    if bottom is None and not difference and lo >= 0:
        bottom = 0.0  # a series that is never negative never shows a negative axis
    if bottom is not None and low < bottom:
        low, high = bottom, min(bottom + span, top if top is not None else bottom + span)
    if top is not None and high > top:
        low, high = max(top - span, bottom if bottom is not None else top - span), top
    return [low, high]


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
    changes: Sequence[Any] = (),
    replications: int = 0,
) -> Figure:
    """Small multiples of KPI time series.

    Every panel's y axis has at least its unit's span (:func:`axis_range`), so noise looks like
    noise, and no axis repeats a tick label.

    Args:
        frames: Run name -> KPI frame (``model.kpis()``, placeholders as NaN); the names are the
            legend's.
        kpis: KPI columns to plot, one panel each, top to bottom (unknown names are skipped).
        events: Timeline events to mark (``model.params.events``).
        horizon: Last week of the x axis (the run's horizon), so the axis does not jump.
        bands: Run name -> (low, high) frames: a shaded band per run (replications' 95% CI).
        height: Pixels (default: one ``PANEL_PX`` panel per KPI plus margins).
        changes: Settings changed mid-run, marked like events (``RunView.changes``).
        replications: Replications behind the bands (their legend says so).
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
        "showlegend": len(frames) > 1 or bool(bands),
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
        shown = [df[k].to_numpy(dtype=float) for df in frames.values()]
        if bands:
            shown += [b[k].to_numpy(dtype=float) for pair in bands.values() for b in pair]
        y_range = axis_range(shown, k)
        if y_range is not None:
            layout[f"yaxis{ax}"]["range"] = y_range
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
                runs = f" over {replications} replications" if replications else ""
                traces.append(
                    {
                        "type": "scatter",
                        "mode": "lines",
                        "name": f"{label}: 95% confidence band{runs}",
                        "legendgroup": f"{label} band",
                        "showlegend": i == 0,
                        "x": list(x) + list(x[::-1]),
                        "y": list(high[k].to_numpy()) + list(low[k].to_numpy()[::-1]),
                        "fill": "toself",
                        "fillcolor": with_alpha(colour, 0.15),
                        "line": {"width": 0},
                        "hoverinfo": "skip",
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
    change_shapes, change_notes = change_markers(list(changes), x_max)
    layout["shapes"] = shapes + change_shapes
    layout["annotations"] = notes + event_notes + change_notes
    return {"data": traces, "layout": layout}
