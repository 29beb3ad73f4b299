"""The Organization view's logic: spans and layers of the open organization, restructuring, and
the plan's Pareto front (opened from a file or run with a small budget of trials), each point
one click away from a compare run against the organization as it is.

Plain Python, unit-tested without a browser; :mod:`dashboards.components.organization` draws it.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboards.session import DashboardSession
from sim.kpis import KPI_BY_NAME, format_kpi
from sim.orgsummary import METRIC_COLUMNS, OrgFlag, org_metrics
from sim.params import ParameterError

# A plan the dashboard runs itself: a few trials and replications of a shorter run, so that it
# answers in a minute or two (the command line runs the real thing).
SMALL_TRIALS = (8, 12, 20)
SMALL_REPS = 2
SMALL_WEEKS = 104
MAX_FRONT_BYTES = 2_000_000


# ----------------------------------------------------------------------------- spans and layers
def spans_and_layers(session: DashboardSession) -> tuple[pd.DataFrame, list[OrgFlag]]:
    """The open organization's spans and layers (the live run's, restructurings included)."""
    with session.lock:
        frame = org_metrics(session.model)
    return frame, list(frame.attrs["flags"])


def metrics_html(frame: pd.DataFrame) -> str:
    """The spans-and-layers table as HTML (organization first, then departments)."""
    import html

    heads = {
        "seats": "seats",
        "layers": "layers",
        "frontline_layers": "to customer",
        "managers": "managers",
        "managers_per_100": "per 100",
        "frontline_share": "frontline",
        "median_span": "median span",
        "narrow_share": "< 3 reports",
        "wide_share": "> 15 reports",
        "manager_load": "manager load",
    }
    fmt = {
        "seats": "{:,.0f}",
        "layers": "{:.0f}",
        "frontline_layers": "{:.0f}",
        "managers": "{:,.0f}",
        "managers_per_100": "{:.1f}",
        "frontline_share": "{:.0%}",
        "median_span": "{:g}",
        "narrow_share": "{:.0%}",
        "wide_share": "{:.0%}",
        "manager_load": "{:.0%}",
    }
    head = "".join(
        f"<th title='{html.escape(METRIC_COLUMNS[c])}'>{html.escape(h)}</th>"
        for c, h in heads.items()
    )
    rows = []
    for scope, m in frame.iterrows():
        cells = "".join(f"<td>{'' if pd.isna(m[c]) else fmt[c].format(m[c])}</td>" for c in heads)
        rows.append(f"<tr><td>{html.escape(str(scope))}</td>{cells}</tr>")
    return (
        f"<table class='sc-table sc-org-table'><thead><tr><th>scope</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


# ----------------------------------------------------------------------------- the plan's front
def read_front_bytes(data: bytes, name: str) -> pd.DataFrame:
    """A plan's front (``front.csv`` of ``servicechain plan``) from an upload.

    Raises:
        ParameterError: too large, not CSV, or not a plan's front.
    """
    from sim.studies.plan import check_front

    if len(data) > MAX_FRONT_BYTES:
        raise ParameterError(f"{name}: {len(data):,} bytes is too large for a plan's front")
    try:
        frame = pd.read_csv(io.BytesIO(data))
    except (ValueError, UnicodeDecodeError) as err:
        raise ParameterError(f"{name}: not a readable CSV file ({err})") from None
    return check_front(frame, name)


def front_points(front: pd.DataFrame) -> pd.DataFrame:
    """One row per point: ``point``, ``portfolio`` (in words), ``cost`` and each objective's
    fresh mean ``<name>`` with ``<name>_low`` and ``<name>_high``."""
    from sim.studies.figures import portfolio_text
    from sim.studies.plan import pareto_table

    table = pareto_table(front)
    table.insert(1, "portfolio", [portfolio_text(r) for _, r in table.iterrows()])
    return table


def point_overrides(front: pd.DataFrame, point: int, events: list[dict]) -> dict[str, Any]:
    """What a point changes: its lever intensities, and its structural moves at week 1 (added
    to ``events``, the run's own)."""
    rows = front[front["point"] == point]
    if rows.empty:
        raise ParameterError(f"point {point}: not on this front")
    r = rows.iloc[0]
    over: dict[str, Any] = {
        f"interventions.{c.removeprefix('dose:')}.intensity": float(r[c])
        for c in front.columns
        if c.startswith("dose:")
    }
    moves = list(events)
    if bool(r.get("delayer", False)):
        moves.append({"type": "delayer", "week": 1})
    if int(r.get("span", 0) or 0):
        moves.append({"type": "respan", "week": 1, "span": float(r["span"])})
    if len(moves) > len(events):
        over["events"] = moves
    return over


def open_point(session: DashboardSession, front: pd.DataFrame, point: int) -> str:
    """Compare the live organization as it is with plan point ``point`` (both from week 0, common
    random numbers); returns the point's label.

    The point becomes a scenario of this session (the live scenario with the point's levers and
    moves, written in full), so compare mode runs it like any other.
    """
    from sim.overrides import apply_overrides
    from sim.scenario import load_scenario, scenario_toml

    with session.lock:
        base = load_scenario(session.resolve(session.preset))
        events = [e.model_dump() for e in base.events]
        params = apply_overrides(base, point_overrides(front, point, events), where="plan point")
        text = scenario_toml(session.resolve(session.preset), params)
        label = session.own.write(f"{session.preset}_point_{point}", text)
    session.start_compare((session.preset, label))
    return label


@dataclass
class SmallPlan:
    """A plan the dashboard runs in a thread: its progress and, when done, its front."""

    runs_done: int = 0
    runs_total: int = 0
    front: pd.DataFrame | None = None
    error: str = ""
    running: bool = False

    @property
    def status(self) -> str:
        if self.error:
            return self.error
        if self.running:
            return f"planning: {self.runs_done} of about {self.runs_total} runs"
        return ""


def run_small_plan(
    session: DashboardSession,
    budget: float,
    trials: int,
    state: SmallPlan,
    changed: Callable[[], None] = lambda: None,
    stop: threading.Event | None = None,
) -> None:
    """Run a small plan on the live scenario (``trials`` trials, :data:`SMALL_REPS`
    replications of up to :data:`SMALL_WEEKS` weeks, one process), updating ``state``."""
    from sim.studies.plan import plan_spec, run_plan

    with session.lock:
        scenario = session.resolve(session.preset)
        over = {k: v for k, v in session.overrides.items() if k != "weeks"}
        weeks = min(session.horizon, SMALL_WEEKS)
    state.running, state.error, state.front, state.runs_done = True, "", None, 0
    try:
        spec = plan_spec(scenario, budget, weeks=weeks, reps=SMALL_REPS, overrides=over)
        state.runs_total = trials * SMALL_REPS
        changed()

        def on_run(_: str) -> None:
            if stop is not None and stop.is_set():
                raise InterruptedError
            state.runs_done += 1
            state.runs_total = max(state.runs_total, state.runs_done)
            changed()

        result = run_plan(spec, trials, 1, None, on_run)
        state.front = result.front
    except ParameterError as err:
        state.error = str(err)
    except InterruptedError:
        state.error = ""
    finally:
        state.running = False
        changed()


def front_figure(front: pd.DataFrame) -> dict:
    """The front in the dashboard (a figure dict, as the dashboard's figures are): the first two
    objectives as axes (cost and the objective with one), fresh means with their 95% CIs; each
    point's customdata is its number (click it)."""
    import plotly.graph_objects as go

    points = front_points(front)
    names = list(dict.fromkeys(front["objective"]))
    x_name, y_name = (names[0], names[1]) if len(names) > 1 else ("cost", names[0])

    def title(name: str) -> str:
        if name == "cost":
            return "Cost of the levers (per year)"
        kpi = KPI_BY_NAME.get(name)
        return kpi.label if kpi else name

    def error(name: str) -> dict | None:
        if name == "cost":
            return None
        return {"type": "data", "symmetric": False, "color": "#90a4ae",
                "array": points[f"{name}_high"] - points[name],
                "arrayminus": points[name] - points[f"{name}_low"]}  # fmt: skip

    hover = []
    for _, r in points.iterrows():
        lines = [f"<b>point {int(r['point'])}</b> (click to compare)", r["portfolio"]]
        lines += [f"{title(n)}: {format_kpi(r[n], n)}" for n in names]
        hover.append("<br>".join(lines))
    fig = go.Figure(
        go.Scatter(
            x=points[x_name], y=points[y_name], mode="markers+text",
            text=[str(int(p)) for p in points["point"]], textposition="top center",
            marker={"size": 14, "color": "#1976d2", "line": {"width": 1, "color": "#263238"}},
            error_x=error(x_name), error_y=error(y_name), hovertext=hover, hoverinfo="text",
            customdata=[int(p) for p in points["point"]],
        )
    )  # fmt: skip
    fig.update_layout(
        title="Plan: the best portfolios under the budget",
        xaxis_title=title(x_name),
        yaxis_title=title(y_name),
        template="plotly_white",
        height=380,
        margin={"l": 60, "r": 20, "t": 40, "b": 50},
        showlegend=False,
    )
    return fig.to_dict()


__all__ = [
    "SMALL_TRIALS",
    "SmallPlan",
    "front_figure",
    "front_points",
    "metrics_html",
    "open_point",
    "point_overrides",
    "read_front_bytes",
    "run_small_plan",
    "spans_and_layers",
]
