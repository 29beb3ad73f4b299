"""The organization as a pyramid: one dot per seat, levels as bands, flows as arrows.

Dots are coloured by morale and sized by workload; vacant seats are grey rings; a purple ring
around a person is the internal requests waiting on them (its size grows with the hours
waiting), so a queue shows where it builds up (at the managers, when reports wait on them).
Each level is a band whose width grows with its depth, so the picture has a pyramid's
silhouette (drawn as a faint outline); under the inverted culture the picture is upside down,
the frontline and its customers on top. Arrows beside the pyramid are last week's requests
across each boundary between two levels: on the left, service flowing up (reports serving a
higher level), on the right, service flowing down (managers serving their reports); width =
requests, colour = on-time share.

Colour scales span the values that occur (:func:`colour_range`), not a fixed 0-1: morale of
0.70-0.75 or on-time shares of 0.97 and 1.00 would otherwise look the same. The ranges are
rounded to steps of 0.05, so they hold still from frame to frame, and the legend prints them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dashboards.figures.common import FONT, RDYLGN, Figure, rate_colour
from dashboards.flows import Flows

INVERTED_THRESHOLD = 0.5  # service_direction above this draws the pyramid upside down
ROW_GAP = 0.9  # vertical distance between two rows of dots (dot spacing is 1)
LEVEL_GAP = 0.9  # extra space between two levels
ASPECT = 2.2  # the widest level's rows: about ASPECT times wider than tall
NOMINAL_WIDTH_PX = 600  # plot width the dot sizes are scaled for (the figure is responsive)
TOP_ROOM = 4.0  # room above the top level for the flow columns' two-line titles
SCALE_STEP = 0.05  # colour ranges are rounded to this step, so they hold still between frames
MORALE_MIN_SPAN = 0.15  # the morale colour range spans at least this much
ON_TIME_MIN_SPAN = 0.1  # the arrows' on-time colour range spans at least this much
SATISFACTION_MIN_SPAN = 0.3  # customer groups: a few points apart is not red against green
WAITING_COLOUR = "#6a1b9a"
WAITING_MIN_HOURS = 0.5  # less waiting than this draws no ring


def colour_range(
    values: list[np.ndarray], min_span: float, low: float = 0.0, high: float = 1.0
) -> tuple[float, float]:
    """The colour range of values that occur: their 2nd-98th percentiles, rounded out to
    :data:`SCALE_STEP`, at least ``min_span`` wide, inside ``[low, high]``.

    Args:
        values: Arrays of the values drawn (NaN ignored), e.g. every run's morale.
        min_span: The smallest span (a range of 0.01 would turn noise into red and green).
        low: The lowest value the scale may show.
        high: The highest.
    """
    finite = [np.asarray(v, dtype=float) for v in values]
    data = np.concatenate([v[np.isfinite(v)] for v in finite] or [np.empty(0)])
    if data.size == 0:
        return low, high
    lo = math.floor(float(np.percentile(data, 2)) / SCALE_STEP + 1e-9) * SCALE_STEP
    hi = math.ceil(float(np.percentile(data, 98)) / SCALE_STEP - 1e-9) * SCALE_STEP
    if hi - lo < min_span:
        pad = (min_span - (hi - lo)) / 2.0
        lo, hi = lo - pad, hi + pad
    if lo < low:
        lo, hi = low, min(high, low + max(hi - lo, min_span))
    if hi > high:
        lo, hi = max(low, high - max(hi - lo, min_span)), high
    return round(lo, 4), round(hi, 4)


@dataclass(frozen=True)
class Scales:
    """The colour and size scales of one frame's pyramids (shared by the runs side by side).

    Attributes:
        morale: The dots' colour range (morale).
        on_time: The arrows' colour range (on-time share; its top is 100%).
        satisfaction: The customer squares' colour range.
        waiting_peak: Hours waiting on one person that draw the largest ring.
    """

    morale: tuple[float, float]
    on_time: tuple[float, float]
    satisfaction: tuple[float, float]
    waiting_peak: float


def shared_scales(views: list) -> Scales:
    """The scales of these runs' pyramids: one range over all of them (see the module doc)."""
    rates = [np.array([r for c in boundary_flows(v.flows) for r in (c[2], c[4])]) for v in views]
    on_time_low, _ = colour_range(rates, ON_TIME_MIN_SPAN)
    peaks = [float(v.backlog.max(initial=0.0)) for v in views if v.backlog is not None]
    return Scales(
        morale=colour_range([v.morale[v.filled] for v in views], MORALE_MIN_SPAN),
        on_time=(min(on_time_low, 1.0 - ON_TIME_MIN_SPAN), 1.0),
        satisfaction=colour_range(
            [v.satisfaction[v.org.customer_facing] for v in views], SATISFACTION_MIN_SPAN
        ),
        waiting_peak=max(peaks, default=0.0),
    )


def percent(rate: float) -> str:
    """An on-time share as people read it: "97%", and "99.6%" rather than a rounded "100%"."""
    if rate != rate:
        return "n/a"
    return f"{rate:.1%}" if 0.99 < rate < 1.0 else f"{rate:.0%}"


@dataclass(frozen=True)
class PyramidLayout:
    """Dot positions of every seat (computed once per organization).

    Attributes:
        x: Horizontal position per seat (centred on 0; dots are 1 apart).
        depth: Vertical distance from the top per seat (0 = top level, grows downward).
        level_depth: Centre depth of each level's band of rows.
        half_width: Half the widest level's band.
        bottom: Depth of the last row.
        margin: Width kept free on each side for the flow arrows and their labels.
        seat_text: Hover text per seat (level and department).
        level: Level per seat (a copy of the organization's).
    """

    x: np.ndarray
    depth: np.ndarray
    level_depth: np.ndarray
    half_width: float
    bottom: float
    margin: float
    seat_text: np.ndarray
    level: np.ndarray

    def px_per_unit(self, width_px: float, height_px: float) -> float:
        """Pixels per dot spacing in a plot of that size (scales the dot sizes).

        The axes keep one scale (circles stay round), so the tighter of the two directions wins.
        """
        x_span = 2.0 * (self.half_width + self.margin)
        y_span = self.bottom + TOP_ROOM + 4.0  # the dots, the flow titles above, customers below
        return min(width_px / x_span, max(height_px - 8.0, 40.0) / y_span)


def pyramid_layout(org) -> PyramidLayout:
    """Levels as bands of rows, each band wider than the one above; seats in department order."""
    n_levels = org.n_levels
    counts = np.bincount(org.level, minlength=n_levels)
    width = max(8, math.ceil(math.sqrt(ASPECT * max(int(counts.max()), 1))))
    x = np.zeros(org.n_seats)
    depth = np.zeros(org.n_seats)
    level_depth = np.zeros(n_levels)
    cursor = 0.0
    for lv in range(n_levels):
        seats = np.flatnonzero(org.level == lv)
        seats = seats[np.argsort(org.dept[seats], kind="stable")]
        band = max(1, math.floor(width * (lv + 1) / n_levels))
        k = np.arange(seats.size)
        rows = k // band
        n_rows = int(rows.max()) + 1 if seats.size else 1
        in_row = np.minimum(seats.size - rows * band, band)
        x[seats] = (k % band) - (in_row - 1) / 2.0
        depth[seats] = cursor + rows * ROW_GAP
        level_depth[lv] = cursor + (n_rows - 1) * ROW_GAP / 2.0
        cursor += (n_rows - 1) * ROW_GAP + ROW_GAP + LEVEL_GAP
    bottom = cursor - ROW_GAP - LEVEL_GAP
    names = np.asarray([d.replace("_", " ") for d in org.dept_names], dtype=object)
    seat_text = np.char.add(
        np.char.add("level ", org.level.astype(str)),
        np.char.add(" · ", names[org.dept].astype(str)),
    )
    return PyramidLayout(
        x,
        depth,
        level_depth,
        width / 2.0,
        bottom,
        max(7.0, 0.32 * width),
        seat_text.astype(object),
        org.level.copy(),
    )


def is_inverted(view) -> bool:
    """True when the culture in force is the inverted pyramid (customers drawn on top)."""
    return float(view.service_direction) > INVERTED_THRESHOLD


def seat_at(layout: PyramidLayout, inverted: bool, x: float, y: float) -> int:
    """The seat whose dot is nearest to a point (x, y) of the pyramid figure."""
    sign = 1.0 if inverted else -1.0
    d = (layout.x - x) ** 2 + (sign * layout.depth - y) ** 2
    return int(np.argmin(d))


def culture_name(direction: float) -> str:
    """Plain name of a culture value: pyramid, two-way, inverted or a mix."""
    if direction <= -0.75:
        return "top-down pyramid"
    if direction >= 0.75:
        return "inverted pyramid"
    if abs(direction) <= 0.25:
        return "two-way street"
    return "leaning to the pyramid" if direction < 0 else "leaning to the inverted pyramid"


def pyramid_figure(
    view,
    layout: PyramidLayout,
    selected: int | None = None,
    height: int = 380,
    title: str | None = None,
    width_hint: int = NOMINAL_WIDTH_PX,
    scales: Scales | None = None,
) -> Figure:
    """The organization as a pyramid (see the module docstring).

    Args:
        view: A :class:`~dashboards.snapshot.RunView` of the run.
        layout: :func:`pyramid_layout` of ``view.org``.
        selected: Seat to ring (the employee panel's seat), or None.
        height: Figure height in pixels (the width follows the container).
        title: Figure title; None for none (the dashboard titles the panel itself).
        width_hint: About how wide the plot is drawn, in pixels (sizes the dots).
        scales: The colour and size scales (:func:`shared_scales` of the runs shown side by
            side); default this run's own.
    """
    org = view.org
    inverted = is_inverted(view)
    sign = 1.0 if inverted else -1.0  # y = sign * depth; inverted puts the top level low
    y = sign * layout.depth
    ppu = layout.px_per_unit(width_hint, height - (28 if title else 8))
    seats = np.arange(org.n_seats)
    f = np.flatnonzero(view.filled)
    v = np.flatnonzero(~view.filled)
    size = ppu * (0.45 + 0.3 * np.clip(view.workload[f], 0.0, 2.0))
    hover = "seat %{customdata} · %{text}<br>morale %{marker.color:.2f}<extra></extra>"
    scales = scales or shared_scales([view])
    m_lo, m_hi = scales.morale
    customers, labels, label_depth = _customers(view, layout, sign, ppu, width_hint, scales)
    traces: list[dict] = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": "employees",
            "x": layout.x[f],
            "y": y[f],
            "customdata": seats[f],
            "text": layout.seat_text[f],
            "hovertemplate": hover,
            "marker": {
                "color": view.morale[f],
                "cmin": m_lo,
                "cmax": m_hi,
                "colorscale": RDYLGN,
                "size": size,
                "line": {"width": 0},
            },
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": "vacant",
            "x": layout.x[v],
            "y": y[v],
            "customdata": seats[v],
            "text": layout.seat_text[v],
            "hovertemplate": "seat %{customdata} · %{text}<br>vacant<extra></extra>",
            "marker": {
                "color": "rgba(0,0,0,0)",
                "size": ppu * 0.6,
                "line": {"color": "#78909c", "width": 1},
            },
        },
        customers,
        _waiting_trace(view, layout, y, ppu, scales.waiting_peak),
    ]
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
                    "size": max(12.0, 1.6 * ppu),
                    "color": "rgba(0,0,0,0)",
                    "line": {"color": "#0d47a1", "width": 3},
                },
            }
        )
    arrows = _flow_annotations(view.flows, layout, sign, scales.on_time) + labels
    w, m = layout.half_width, layout.margin
    cust = sign * (layout.bottom + 2.0)
    y_lo, y_hi = sorted((sign * -TOP_ROOM, cust + sign * (1.2 + label_depth)))
    return {
        "data": traces,
        "layout": {
            "title": {"text": title, "x": 0.01, "font": {"size": 13}} if title else None,
            "height": height,
            "autosize": True,
            "margin": {"l": 4, "r": 4, "t": 28 if title else 4, "b": 4},
            "showlegend": False,
            "font": {"family": FONT},
            "xaxis": {"visible": False, "range": [-w - m, w + m], "fixedrange": True},
            "yaxis": {
                "visible": False,
                "range": [y_lo, y_hi],
                "fixedrange": True,
                "scaleanchor": "x",
                "scaleratio": 1,
            },
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "hovermode": "closest",
            "shapes": [_silhouette(layout, sign)],
            "annotations": arrows,
            "uirevision": "pyramid",
        },
    }


def _silhouette(layout: PyramidLayout, sign: float) -> dict:
    """The faint outline behind the dots: each level's band, stacked (apex = the top level)."""
    right: list[tuple[float, float]] = []
    for lv in range(layout.level_depth.size):
        in_level = layout.level == lv
        if not in_level.any():
            continue
        half = float(np.abs(layout.x[in_level]).max()) + 0.8
        top = float(layout.depth[in_level].min()) - 0.6
        bottom = float(layout.depth[in_level].max()) + 0.6
        right += [(half, top), (half, bottom)]
    points = right + [(-x, y) for x, y in reversed(right)]
    path = "M " + " L ".join(f"{x:.2f},{sign * y:.2f}" for x, y in points) + " Z"
    return {
        "type": "path",
        "path": path,
        "fillcolor": "rgba(21,101,192,0.05)",
        "line": {"color": "rgba(21,101,192,0.25)", "width": 1},
        "layer": "below",
    }


def _waiting_trace(
    view, layout: PyramidLayout, y: np.ndarray, ppu: float, peak: float | None
) -> dict:
    """A purple ring around each person with requests waiting on them (size ~ sqrt(hours))."""
    backlog = view.backlog if view.backlog is not None else np.zeros(view.org.n_seats)
    waiting = np.flatnonzero(backlog > WAITING_MIN_HOURS)
    top = float(peak) if peak else float(backlog.max(initial=0.0))
    share = np.sqrt(backlog[waiting] / max(top, 1e-9))
    return {
        "type": "scatter",
        "mode": "markers",
        "name": "waiting",
        "x": layout.x[waiting],
        "y": y[waiting],
        "customdata": waiting,
        "text": np.char.mod("%.1f", backlog[waiting]).astype(object),
        "hovertemplate": "seat %{customdata}: %{text} hours of requests waiting on this person"
        "<extra></extra>",
        "marker": {
            "color": "rgba(0,0,0,0)",
            "size": ppu * (1.0 + 1.6 * share),
            "line": {"color": WAITING_COLOUR, "width": 1.0 + 1.5 * share},
        },
    }


LABEL_CHAR_PX = 5.6  # about how wide one character of a 10 px label is drawn
LABEL_LINE_PX = 12.5
LABEL_WRAP = 14  # characters per line of a department's name under its square
LABEL_ROOM_FACTOR = 0.75  # the share of the estimated spacing a label may fill


def _wrap(name: str, width: int = LABEL_WRAP) -> list[str]:
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [name]


def _customers(
    view, layout: PyramidLayout, sign: float, ppu: float, width_px: float, scales: Scales
) -> tuple[dict, list[dict], float]:
    """One square per customer-facing department beyond the frontline (colour = satisfaction),
    and the labels under them, staggered on two rows when neighbours would overlap.

    Returns:
        The squares' trace, the labels (annotations) and the depth they take below the squares
        (in the figure's units).
    """
    org = view.org
    facing = np.flatnonzero(org.customer_facing)
    n_c, mean_sat = view.customers, view.satisfaction
    # Below the arrows the groups may use the picture's whole width (a tall, narrow
    # organization has little room under its pyramid).
    reach = layout.half_width + 0.8 * layout.margin
    cx = np.linspace(-reach, reach, facing.size + 2)[1:-1]
    names = [org.dept_names[d].replace("_", " ") for d in facing]
    y0 = sign * (layout.bottom + 2.0)
    size_px = max(10.0, 1.4 * ppu) * (1.0 + n_c[facing] / max(float(n_c.max()), 1.0))
    lines = [
        [*_wrap(name), f"{round(float(n_c[d])):,} customers"]
        for name, d in zip(names, facing, strict=True)
    ]
    widest = max((len(line) for group in lines for line in group), default=0) * LABEL_CHAR_PX
    # The plot may be drawn narrower than ``width_hint``: judge the room conservatively.
    gap_px = (cx[1] - cx[0]) * ppu * LABEL_ROOM_FACTOR if facing.size > 1 else float("inf")
    rows = 1 if widest <= gap_px else 2  # neighbours would touch: alternate two rows
    depth_lines = max((len(group) for group in lines), default=2)
    below_px = float(size_px.max(initial=10.0)) / 2.0 + 4.0
    notes = []
    for i, group in enumerate(lines):
        row = i % rows
        # Offsets in pixels (yshift), so rows never overlap whatever size the plot is drawn at.
        shift = below_px + row * (depth_lines * LABEL_LINE_PX + 2.0)
        notes.append(
            {
                "x": float(cx[i]),
                "y": y0,
                "yshift": sign * shift,
                "xref": "x",
                "yref": "y",
                "text": "<br>".join(group),
                "showarrow": False,
                "xanchor": "center",
                "yanchor": "top" if sign < 0 else "bottom",
                "font": {"size": 10, "color": "#37474f"},
            }
        )
    # Room below the squares for the labels, in the figure's units (with a margin: the pixels
    # per unit are an estimate).
    depth = 1.3 * (below_px + rows * (depth_lines * LABEL_LINE_PX + 2.0)) / max(ppu, 1e-9)
    s_lo, s_hi = scales.satisfaction
    trace = {
        "type": "scatter",
        "mode": "markers",
        "name": "customers",
        "x": cx,
        "y": np.full(facing.size, y0),
        "hovertext": names,
        "hovertemplate": "%{hovertext}: satisfaction %{marker.color:.2f}<extra></extra>",
        "marker": {
            "symbol": "square",
            "size": size_px,
            "color": mean_sat[facing],
            "cmin": s_lo,
            "cmax": s_hi,
            "colorscale": RDYLGN,
            "line": {"color": "#546e7a", "width": 1},
        },
    }
    return trace, notes, depth


def boundary_flows(flows: Flows) -> list[tuple[int, float, float, float, float]]:
    """Requests across each boundary between level k and k + 1, both ways.

    Returns:
        One ``(k, up_volume, up_on_time, down_volume, down_on_time)`` per boundary: ``up`` is
        service flowing up (a provider below the boundary serving a requester above it),
        ``down`` the reverse. On-time shares are NaN where the volume is 0.
    """
    vol, rate = flows.level_volume, np.nan_to_num(flows.level_on_time, nan=0.0)
    good = vol * rate
    n = vol.shape[0]
    out = []
    for k in range(n - 1):  # a handful of levels: a loop over boundaries, not over requests
        below, above = slice(k + 1, n), slice(0, k + 1)
        up_v, up_g = vol[below, above].sum(), good[below, above].sum()
        dn_v, dn_g = vol[above, below].sum(), good[above, below].sum()
        out.append(
            (
                k,
                float(up_v),
                float(up_g / up_v) if up_v else float("nan"),
                float(dn_v),
                float(dn_g / dn_v) if dn_v else float("nan"),
            )
        )
    return out


def _flow_annotations(
    flows: Flows, layout: PyramidLayout, sign: float, scale: tuple[float, float]
) -> list[dict]:
    crossings = boundary_flows(flows)
    peak = max([max(c[1], c[3]) for c in crossings] + [0.0])
    w = layout.half_width
    notes: list[dict] = []
    for title, x, anchor in (
        ("serving up", -w - 1.2, "right"),
        ("serving down", w + 1.2, "left"),
    ):
        notes.append(
            {
                "x": x,
                "y": sign * -TOP_ROOM,  # the edge of the picture, the text hanging inward
                "xref": "x",
                "yref": "y",
                "text": f"<b>{title}</b><br>requests · on time",
                "showarrow": False,
                "xanchor": anchor,
                "yanchor": "top" if sign < 0 else "bottom",
                "align": anchor,
                "font": {"size": 10, "color": "#455a64"},
            }
        )
    if peak <= 0:
        return notes
    for k, up_v, up_r, dn_v, dn_r in crossings:
        upper, lower = sign * layout.level_depth[k], sign * layout.level_depth[k + 1]
        for vol, rate, x, tail, head, anchor in (
            (up_v, up_r, -w - 1.2, lower, upper, "right"),
            (dn_v, dn_r, w + 1.2, upper, lower, "left"),
        ):
            if vol <= 0:
                continue
            lo, hi = scale
            colour = rate_colour((rate - lo) / max(hi - lo, 1e-9) if rate == rate else rate, 0.95)
            text = f"{vol:,.0f} · {percent(rate)}"
            width = 1.5 + 6.5 * vol / peak
            notes.append(
                {
                    "x": x,
                    "y": head,
                    "ax": x,
                    "ay": tail,
                    "xref": "x",
                    "yref": "y",
                    "axref": "x",
                    "ayref": "y",
                    "text": "",
                    "showarrow": True,
                    "arrowhead": 2,
                    "arrowsize": 0.8,
                    "arrowwidth": width,
                    "arrowcolor": colour,
                    "hovertext": f"level {k + 1 if x < 0 else k} serves level "
                    f"{k if x < 0 else k + 1}: {vol:,.0f} requests, {percent(rate)} on time",
                }
            )
            notes.append(
                {
                    # Beside the arrow's head at any plot size: shifted in pixels, not units.
                    "x": x,
                    "y": (tail + head) / 2.0,
                    "xshift": (-1 if x < 0 else 1) * (1.3 * width + 5),
                    "xref": "x",
                    "yref": "y",
                    "text": text,
                    "showarrow": False,
                    "xanchor": anchor,
                    "yanchor": "middle",
                    "align": anchor,
                    "font": {"size": 9, "color": "#37474f"},
                }
            )
    return notes
