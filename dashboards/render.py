"""Pure rendering: model -> Plotly figures, the chain strip, CSV and the HTML report.

No Solara here, so every view can be unit-tested and timed without a browser. The components in
``dashboards/components`` call these functions; :func:`step_and_render` times one week of Play
(step plus every figure the dashboard redraws) for the benchmarks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards.flows import Flows, request_flows
from sim.kpis import CHAIN, KPI_BY_NAME
from sim.state import BAND_VALUES

MAX_PER_ROW = 64  # dots per row before a level wraps onto another row
INVERTED_THRESHOLD = 0.5  # service_direction above this draws the pyramid upside down
TREND_WEEKS = 4  # the chain strip's trend compares with this many weeks ago
BASELINE_WEEKS = 4  # the chain's starting value: mean of weeks 1..4 (week 0 has no flows yet)
DEFAULT_KPIS: tuple[str, ...] = (
    "morale_mean",
    "internal_on_time",
    "turnover_annualized",
    "customer_satisfaction",
    "profit",
)
_RDYLGN = ((0.0, (215, 48, 39)), (0.5, (254, 224, 139)), (1.0, (26, 152, 80)))


def rate_colour(rate: float, alpha: float = 0.85) -> str:
    """Red (0) - yellow (0.5) - green (1) as an ``rgba()`` string; grey for NaN."""
    if rate != rate:  # NaN
        return f"rgba(150,150,150,{alpha})"
    r = min(max(float(rate), 0.0), 1.0)
    (x0, c0), (x1, c1) = (_RDYLGN[0], _RDYLGN[1]) if r <= 0.5 else (_RDYLGN[1], _RDYLGN[2])
    t = (r - x0) / (x1 - x0)
    rgb = [round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True)]
    return f"rgba({rgb[0]},{rgb[1]},{rgb[2]},{alpha})"


# ------------------------------------------------------------------------------------ pyramid
@dataclass(frozen=True)
class PyramidLayout:
    """Dot positions of every seat (computed once per organization).

    Attributes:
        x: Horizontal position per seat (centred on 0).
        depth: Vertical distance from the top per seat (0 = top level, grows downward).
        level_depth: Centre depth of each level's band of rows.
        half_width: Half the widest row, for placing flow lines and customers beside it.
        bottom: Depth of the last row.
    """

    x: np.ndarray
    depth: np.ndarray
    level_depth: np.ndarray
    half_width: float
    bottom: float


def pyramid_layout(org, max_per_row: int = MAX_PER_ROW) -> PyramidLayout:
    """Levels as rows (wrapped every ``max_per_row`` seats), seats in department order."""
    n = org.n_seats
    x = np.zeros(n)
    depth = np.zeros(n)
    level_depth = np.zeros(org.n_levels)
    cursor = 0.0
    widest = 1
    for lv in range(org.n_levels):
        seats = np.flatnonzero(org.level == lv)
        seats = seats[np.argsort(org.dept[seats], kind="stable")]
        k = np.arange(seats.size)
        width = min(seats.size, max_per_row)
        widest = max(widest, width)
        rows = k // max_per_row
        n_rows = int(rows.max()) + 1 if seats.size else 1
        in_row = np.minimum(seats.size - rows * max_per_row, max_per_row)
        x[seats] = (k % max_per_row) - (in_row - 1) / 2.0
        depth[seats] = cursor + rows * 0.45
        level_depth[lv] = cursor + (n_rows - 1) * 0.45 / 2.0
        cursor += (n_rows - 1) * 0.45 + 1.0
    return PyramidLayout(x, depth, level_depth, widest / 2.0, cursor - 1.0)


def is_inverted(model) -> bool:
    """True when the culture in force is the inverted pyramid (customers drawn on top)."""
    return float(model.state.service_direction) > INVERTED_THRESHOLD


def pyramid_figure(
    model,
    layout: PyramidLayout,
    selected: int | None = None,
    flows: Flows | None = None,
    height: int = 430,
    title: str | None = None,
) -> go.Figure:
    """The organization as a pyramid: dots by seat, colour = morale, size = workload.

    Vacant seats are hollow grey rings. Under the inverted culture the picture is upside down
    with the customers on top. Lines beside the pyramid are request flows between levels: the
    left line of a pair is service flowing up (a report serving a higher level), the right one
    service flowing down; width = volume, colour = on-time share.

    Args:
        model: The model.
        layout: :func:`pyramid_layout` of ``model.org``.
        selected: Seat to ring (the employee panel's seat), or None.
        flows: :func:`request_flows` of the model (computed when None).
        height: Figure height in pixels.
        title: Figure title (default: week and culture).
    """
    s, org = model.state, model.org
    sign = 1.0 if is_inverted(model) else -1.0  # y = sign * depth; inverted puts the top low
    y = sign * layout.depth
    filled = s.filled
    workload = np.clip(s.workload, 0.0, 2.5)
    size = 5.0 + 4.0 * workload
    dept_names = np.asarray(org.dept_names, dtype=object)
    seats = np.arange(org.n_seats)
    f = np.flatnonzero(filled)
    v = np.flatnonzero(~filled)
    hover = "seat %{customdata} · %{text}<extra></extra>"
    text_f = [
        f"L{lv} {d} · morale {m:.2f} · workload {w:.2f}"
        for lv, d, m, w in zip(
            org.level[f], dept_names[org.dept[f]], s.morale[f], s.workload[f], strict=True
        )
    ]
    traces: list[dict] = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": "employees",
            "x": layout.x[f],
            "y": y[f],
            "customdata": seats[f],
            "text": text_f,
            "hovertemplate": hover,
            "marker": {
                "color": s.morale[f],
                "cmin": 0.0,
                "cmax": 1.0,
                "colorscale": "RdYlGn",
                "size": size[f],
                "line": {"width": 0},
                "colorbar": {"title": {"text": "morale"}, "thickness": 10, "len": 0.6},
            },
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": "vacant",
            "x": layout.x[v],
            "y": y[v],
            "customdata": seats[v],
            "text": [
                f"L{lv} {d} · vacant"
                for lv, d in zip(org.level[v], dept_names[org.dept[v]], strict=True)
            ],
            "hovertemplate": hover,
            "marker": {"color": "rgba(0,0,0,0)", "size": 7, "line": {"color": "#888", "width": 1}},
        },
    ]
    # Customers: one square per customer-facing department, beside the frontline.
    cust_y = sign * (layout.bottom + 1.0)
    facing = np.flatnonzero(org.customer_facing)
    n_c = np.bincount(org.dept, weights=s.customers_per_seat, minlength=org.n_depts)
    sat = np.bincount(org.dept, weights=s.customers @ BAND_VALUES, minlength=org.n_depts)
    mean_sat = np.where(n_c > 0, sat / np.maximum(n_c, 1), np.nan)
    # Spread the customer groups over the pyramid's width so that their labels never overlap.
    cx = np.linspace(-layout.half_width, layout.half_width, facing.size + 2)[1:-1]
    traces.append(
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": "customers",
            "x": cx,
            "y": np.full(facing.size, cust_y),
            "text": [f"{org.dept_names[d]}<br>{n_c[d]:,} customers" for d in facing],
            # Beside the square, not below it: the axis range (autoscaled on markers) would
            # clip a label underneath.
            "textposition": "middle right",
            "hovertemplate": "%{text} · satisfaction %{marker.color:.2f}<extra></extra>",
            "marker": {
                "symbol": "square",
                "size": 14 + 16 * n_c[facing] / max(int(n_c.max()), 1),
                "color": mean_sat[facing],
                "cmin": 0.0,
                "cmax": 1.0,
                "colorscale": "RdYlGn",
            },
        }
    )
    if selected is not None and 0 <= selected < org.n_seats:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "selected",
                "x": [layout.x[selected]],
                "y": [y[selected]],
                "hoverinfo": "skip",
                "marker": {
                    "size": 16,
                    "color": "rgba(0,0,0,0)",
                    "line": {"color": "#1565c0", "width": 3},
                },
            }
        )
    flows = request_flows(model) if flows is None else flows
    traces.extend(_level_flow_traces(flows, layout, sign))
    culture = "inverted pyramid" if sign > 0 else "pyramid"
    fig = go.Figure(
        data=traces,
        layout={
            "title": {"text": title or f"Week {int(model.steps)} · drawn as {culture}", "x": 0.01},
            "height": height,
            "margin": {"l": 10, "r": 10, "t": 36, "b": 10},
            "showlegend": False,
            "xaxis": {"visible": False, "range": [-layout.half_width - 8, layout.half_width + 8]},
            "yaxis": {"visible": False},
            "plot_bgcolor": "white",
            "clickmode": "event",
            "hovermode": "closest",
            "uirevision": "pyramid",
        },
    )
    return fig


def _level_flow_traces(flows: Flows, layout: PyramidLayout, sign: float) -> list[dict]:
    vol, rate = flows.level_volume, flows.level_on_time
    peak = float(vol.max()) if vol.size else 0.0
    out: list[dict] = []
    if peak <= 0:
        return out
    n = vol.shape[0]
    for src in range(n):
        for dst in range(n):
            if src == dst or vol[src, dst] <= 0:
                continue
            # Provider below the requester: service flows up (left side); else down (right).
            up = src > dst
            xs = (
                -layout.half_width - 3 - 2 * (src - dst)
                if up
                else layout.half_width + 3 + 2 * (dst - src)
            )
            y0, y1 = sign * layout.level_depth[src], sign * layout.level_depth[dst]
            out.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": [xs, xs],
                    "y": [y0, y1],
                    "line": {
                        "width": 1 + 9 * vol[src, dst] / peak,
                        "color": rate_colour(rate[src, dst]),
                    },
                    "marker": {
                        "symbol": ["circle", "arrow-up" if y1 > y0 else "arrow-down"],
                        "size": [4, 10],
                        "color": rate_colour(rate[src, dst]),
                    },
                    "hovertemplate": (
                        f"L{src} serves L{dst}: {int(vol[src, dst])} requests, "
                        f"{rate[src, dst]:.0%} on time<extra></extra>"
                    ),
                }
            )
    return out


def dept_flow_figure(
    model, flows: Flows | None = None, height: int = 300, width: int = 460
) -> go.Figure:
    """Sankey of request flows between departments: providers (left) serve requesters (right).

    Link width = volume, link colour = on-time share (red 0 - green 1). The figure has a fixed
    ``width`` (pixels) because the widget does not shrink to its column.
    """
    flows = request_flows(model) if flows is None else flows
    names = list(model.org.dept_names)
    n = len(names)
    vol, rate = flows.dept_volume, flows.dept_on_time
    src, dst = np.nonzero(vol > 0)
    fig = go.Figure(
        data=[
            {
                "type": "sankey",
                "arrangement": "fixed",
                "node": {
                    "label": [f"{d} serves" for d in names] + [f"{d} asks" for d in names],
                    "pad": 12,
                    "thickness": 12,
                    "color": "#90a4ae",
                },
                "link": {
                    "source": src.tolist(),
                    "target": (dst + n).tolist(),
                    "value": vol[src, dst].tolist(),
                    "color": [rate_colour(rate[i, j], 0.6) for i, j in zip(src, dst, strict=True)],
                    "customdata": [f"{rate[i, j]:.0%}" for i, j in zip(src, dst, strict=True)],
                    "hovertemplate": "%{value:.0f} requests, %{customdata} on time<extra></extra>",
                },
            }
        ],
        layout={
            "title": {
                "text": f"Flows between departments ({flows.label})",
                "x": 0.01,
                "font": {"size": 12},
            },
            "height": height,
            "width": width,
            "margin": {"l": 10, "r": 10, "t": 32, "b": 10},
        },
    )
    return fig


# ------------------------------------------------------------------------------------ chain
@dataclass(frozen=True)
class ChainLink:
    """One link of the live service-profit chain strip.

    Attributes:
        label: Link name (from ``sim.kpis.CHAIN``).
        kpi: KPI column.
        value: Latest value (for the retention link: 1 - annualized turnover).
        trend: Change versus ``TREND_WEEKS`` weeks ago (same unit as value).
        relative: Change versus the starting value (mean of weeks 1-4), as a fraction, signed so
            that positive is better (for turnover, a fall is positive). NaN before week 1.
        weakest: True for the link with the lowest ``relative`` (the weakest link).
        unit: KPI unit.
    """

    label: str
    kpi: str
    value: float
    trend: float
    relative: float
    weakest: bool
    unit: str


def chain_links(df: pd.DataFrame) -> list[ChainLink]:
    """The chain strip from a KPI frame (``model.kpis()``).

    Weakest-link rule: each link's latest value is compared with its starting value, the mean of
    weeks 1-4 (week 0 has no flows, revenue or quits yet), as a relative change; a "lower is
    better" link (turnover) is compared as its complement (retention rate = 1 - turnover), so
    positive is always better. The link with the lowest relative change is the weakest. Nothing is
    highlighted before week 2, when no link can yet have moved.
    """
    last = df.iloc[-1]
    past = df.iloc[max(len(df) - 1 - TREND_WEEKS, 0)]
    base_rows = df.iloc[1 : 1 + BASELINE_WEEKS]
    out = []
    for label, kpi in CHAIN:
        value = float(last[kpi])
        past_value = float(past[kpi])
        unit = KPI_BY_NAME[kpi].unit
        if KPI_BY_NAME[kpi].higher_is_better is False and unit in ("share", "1/year"):
            # Shown as what the link is called: retention = 1 - annualized turnover.
            value, past_value, unit = 1.0 - value, 1.0 - past_value, "share"
        rel = float("nan")
        if len(base_rows):
            base = float(base_rows[kpi].mean())
            now = value
            if KPI_BY_NAME[kpi].higher_is_better is False:
                # A "lower is better" rate is compared as its complement (turnover -> retention
                # rate), so a small noisy starting rate does not blow up the relative change.
                base = 1.0 - min(base, 1.0)
            if abs(base) < 1e-9:
                rel = 0.0 if abs(now) < 1e-9 else float(np.sign(now))
            else:
                rel = float((now - base) / abs(base))
        out.append(ChainLink(label, kpi, value, value - past_value, rel, False, unit))
    if len(df) > 2:
        rels = [c.relative for c in out]
        w = int(np.nanargmin(rels))
        out[w] = ChainLink(**{**out[w].__dict__, "weakest": True})
    return out


def format_kpi(value: float, unit: str = "") -> str:
    """Short display text of a KPI value: shares as %, money with separators."""
    if value != value:
        return "–"
    if unit in ("share", "1/year"):
        return f"{value:.1%}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.3f}"


# ------------------------------------------------------------------------------------ charts
def kpi_figure(
    frames: dict[str, pd.DataFrame],
    kpis: tuple[str, ...] | list[str] = DEFAULT_KPIS,
    height: int = 0,
) -> go.Figure:
    """Small multiples of KPI time series, one panel per KPI, one line per run.

    Args:
        frames: Run label -> KPI frame (``model.kpis()``).
        kpis: KPI columns to plot (one panel each, stacked).
        height: Pixels (default 120 per panel + margins).
    """
    kpis = [k for k in kpis if k in KPI_BY_NAME] or list(DEFAULT_KPIS)
    n = len(kpis)
    gap = 0.04
    panel = (1.0 - gap * (n - 1)) / n
    palette = ("#1565c0", "#e65100", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457")
    traces: list[dict] = []
    lay: dict = {
        "height": height or 60 + 120 * n,
        "margin": {"l": 60, "r": 10, "t": 30, "b": 30},
        "showlegend": len(frames) > 1,
        "legend": {"orientation": "h", "y": 1.04, "x": 0},
        "hovermode": "x unified",
        "uirevision": "kpis",
    }
    for i, k in enumerate(kpis):
        ax = "" if i == 0 else str(i + 1)
        top = 1.0 - i * (panel + gap)
        lay[f"yaxis{ax}"] = {
            "domain": [top - panel, top],
            "title": {"text": k.replace("_", " "), "font": {"size": 10}},
            "anchor": f"x{ax}",
        }
        lay[f"xaxis{ax}"] = {
            "anchor": f"y{ax}",
            "matches": "x" if i else None,
            "showticklabels": i == n - 1,
            "domain": [0, 1],
        }
        for j, (label, df) in enumerate(frames.items()):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": label,
                    "legendgroup": label,
                    "showlegend": i == 0,
                    "x": df.index.to_numpy(),
                    "y": df[k].to_numpy(),
                    "xaxis": f"x{ax}",
                    "yaxis": f"y{ax}",
                    "line": {"color": palette[j % len(palette)], "width": 1.6},
                }
            )
    lay[f"xaxis{'' if n == 1 else n}"]["title"] = {"text": "week"}
    return go.Figure(data=traces, layout=lay)


def diff_figure(frames: dict[str, pd.DataFrame], kpi: str, height: int = 280) -> go.Figure:
    """Difference chart: each run's ``kpi`` minus the first run's, week by week.

    With common random numbers (same seed) the difference isolates the effect of what differs
    between the scenarios.
    """
    labels = list(frames)
    base_label = labels[0]
    base = frames[base_label][kpi]
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": f"{label} − {base_label}",
            "x": frames[label].index.to_numpy(),
            "y": (frames[label][kpi] - base.reindex(frames[label].index)).to_numpy(),
        }
        for label in labels[1:]
    ]
    return go.Figure(
        data=traces,
        layout={
            "title": {"text": f"Difference in {kpi.replace('_', ' ')} vs {base_label}", "x": 0.01},
            "height": height,
            "margin": {"l": 60, "r": 10, "t": 36, "b": 30},
            "xaxis": {"title": {"text": "week"}},
            "yaxis": {"zeroline": True, "zerolinecolor": "#555"},
            "showlegend": True,
            "legend": {"orientation": "h", "y": -0.25},
            "uirevision": "diff",
        },
    )


def employee_history_figure(history: list[dict], height: int = 200) -> go.Figure:
    """Morale, mindset and skill of the selected seat over the recorded weeks."""
    weeks = [h["week"] for h in history]
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": k,
            "x": weeks,
            "y": [h[k] for h in history],
        }
        for k in ("morale", "mindset", "skill")
    ]
    return go.Figure(
        data=traces,
        layout={
            "height": height,
            "margin": {"l": 40, "r": 10, "t": 10, "b": 30},
            "yaxis": {"range": [0, 1]},
            "legend": {"orientation": "h", "y": -0.3},
            "uirevision": "history",
        },
    )


# ------------------------------------------------------------------------------------ export
def kpi_csv(df: pd.DataFrame) -> bytes:
    """The KPI frame as CSV bytes (index ``step`` included)."""
    return df.to_csv().encode("utf-8")


def report_html(figures: dict[str, go.Figure], title: str, notes: str = "") -> str:
    """A standalone HTML page with the given figures; plotly.js is embedded (works offline).

    Args:
        figures: Section heading -> figure.
        title: Page title.
        notes: A paragraph shown under the title (scenario, seed, settings).
    """
    import html

    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto;padding:1em}</style>",
        "</head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(notes)}</p>" if notes else "",
    ]
    for i, (heading, fig) in enumerate(figures.items()):
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0)))
    parts.append("</body></html>")
    return "\n".join(parts)


# ------------------------------------------------------------------------------------ timing
def render_all(
    model, layout: PyramidLayout, kpis=DEFAULT_KPIS, selected: int | None = None
) -> list:
    """Every figure and strip the dashboard redraws after a step (in the order it draws them)."""
    flows = request_flows(model)
    df = model.kpis()
    return [
        pyramid_figure(model, layout, selected=selected, flows=flows),
        dept_flow_figure(model, flows),
        chain_links(df),
        kpi_figure({model.scenario_name: df}, kpis),
    ]


def step_and_render(model, layout: PyramidLayout | None = None) -> float:
    """Seconds for one week of Play: ``model.step()`` plus building every redrawn view.

    This is the server-side cost of a frame (the browser's drawing comes on top). Play reaches
    ``1 / step_and_render(...)`` weeks per second at most.

    Args:
        model: The model (advanced by one week).
        layout: Its :func:`pyramid_layout` (computed, outside the timing, when None).
    """
    layout = pyramid_layout(model.org) if layout is None else layout
    t0 = time.perf_counter()
    model.step()
    render_all(model, layout)
    return time.perf_counter() - t0
