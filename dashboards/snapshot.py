"""What a frame draws: copies of the models' outputs taken under the session's lock.

The simulation steps in a background thread (:mod:`dashboards.runner`) while the page draws.
Drawing never reads a model directly: the page takes a :class:`Snapshot` (a few array copies
and the KPI frames, milliseconds) and every figure is built from it, so a frame is consistent
(the week counter, the pyramid and the charts show the same week) and the simulation is never
held up by drawing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dashboards.flows import Flows, request_flows, seat_requests
from dashboards.measures import measured
from sim.state import BAND_VALUES


@dataclass(frozen=True)
class Change:
    """A setting changed mid-run (a lever's dose, the culture): the charts mark it.

    Attributes:
        week: The week it was changed in; it acts from the next week.
        path: The parameter's dotted path.
        value: The new value.
        text: What the marker says ("Training: 1.0 × the default dose").
    """

    week: int
    path: str
    value: Any
    text: str


@dataclass(frozen=True)
class RunView:
    """One run at one week, as the figures need it.

    Attributes:
        label: Run label (the scenario spec, e.g. ``"airline@two_way"``).
        org: The organization (static).
        steps: Week of the run.
        morale: Morale per seat (copy).
        workload: Workload per seat (copy).
        filled: Filled seats (copy).
        service_direction: The culture in force.
        customers: Active customers per department.
        satisfaction: Mean satisfaction of each department's customers (NaN without any).
        flows: Last week's request flows.
        kpis: KPI frame, placeholders as NaN (``measures.measured``).
        reps: KPI frames of every replication (compare mode), the first is ``kpis``.
        events: Timeline events in force (scheduled and fired).
        horizon: The run's horizon (``params.weeks``).
        title: The run's plain name ("Airline · two-way street"), what people read.
        changes: Settings changed mid-run (levers, culture), marked on the charts.
        backlog: Hours of internal requests waiting on each seat (copy).
    """

    label: str
    org: Any
    steps: int
    morale: np.ndarray
    workload: np.ndarray
    filled: np.ndarray
    service_direction: float
    customers: np.ndarray
    satisfaction: np.ndarray
    flows: Flows
    kpis: pd.DataFrame
    reps: list[pd.DataFrame]
    events: list
    horizon: int
    title: str = ""
    changes: list = field(default_factory=list)
    backlog: np.ndarray | None = None


def customer_groups(model) -> tuple[np.ndarray, np.ndarray]:
    """Active customers per department and their mean satisfaction (vectorized)."""
    s, org = model.state, model.org
    n_c = np.bincount(org.dept, weights=s.customers_per_seat, minlength=org.n_depts)
    sat = np.bincount(org.dept, weights=s.customers @ BAND_VALUES, minlength=org.n_depts)
    return n_c, np.where(n_c > 0, sat / np.maximum(n_c, 1), np.nan)


def run_view(
    model,
    label: str,
    cold: bool,
    reps: list | None = None,
    title: str = "",
    changes: list | None = None,
) -> RunView:
    """A :class:`RunView` of ``model`` (call under the lock that guards its stepping).

    Args:
        model: The model.
        label: Run label (the spec).
        cold: True when the model's week 0 was a cold start (``measures.cold_start``).
        reps: The other replications' models (compare mode), stepped in lockstep.
        title: The run's plain name (default: the label).
        changes: Settings changed mid-run (:class:`Change`).
    """
    s = model.state
    n_c, sat = customer_groups(model)
    df = measured(model.kpis(), cold)
    frames = [df] + [measured(m.kpis(), cold) for m in (reps or [])]
    return RunView(
        label=label,
        org=model.org,
        steps=int(model.steps),
        morale=s.morale.copy(),
        workload=s.workload.copy(),
        filled=s.filled.copy(),
        service_direction=float(s.service_direction),
        customers=n_c,
        satisfaction=sat,
        flows=request_flows(model),
        kpis=df,
        reps=frames,
        events=list(model.params.events),
        horizon=int(model.params.weeks),
        title=title or label,
        changes=list(changes or []),
        backlog=s.backlog_hours.copy(),
    )


@dataclass(frozen=True)
class SeatView:
    """The selected employee: their state, waiting requests and recorded history."""

    seat: int
    info: dict
    requests: dict
    history: list[dict]


@dataclass(frozen=True)
class Snapshot:
    """Everything one frame draws.

    Attributes:
        version: The session's version when taken (changes with every step or setting).
        week: Week of the runs shown (all runs are in lockstep).
        horizon: Where Play stops.
        runs: One view per run: the live run, or the compare runs in order.
        compare: True in compare mode.
        seat: The selected employee (live mode), or None.
        playing: True while the session's runner is stepping.
        status: A line about the runner (e.g. "stopped at the horizon").
    """

    version: int
    week: int
    horizon: int
    runs: list[RunView]
    compare: bool
    seat: SeatView | None = None
    playing: bool = False
    status: str = ""
    notes: dict = field(default_factory=dict)


def seat_view(model, seat: int, history: list[dict]) -> SeatView:
    """The selected seat's view (call under the session's lock)."""
    return SeatView(seat, model.employee(seat).as_dict(), seat_requests(model, seat), history)
