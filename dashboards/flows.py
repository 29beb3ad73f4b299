"""Request flows between levels and departments, aggregated for the pyramid and flow views.

A flow is "provider group serves requester group": its volume is a number of requests and its
on-time rate the share of them within the service standard.

Data source, best first:
1. ``model.last_week.service.resolved_requests()`` and ``.resolved_on_time()``: the requests
   resolved last week, with the provider after redirection, and whether each was on time.
2. Otherwise the requests still waiting after last week (``model.state.pending``): volume is the
   waiting requests between the groups and the on-time rate the share still within the service
   standard (not yet late). This shows where requests pile up and go stale, which is what the
   culture's priority rule decides.

All aggregation is vectorized (``np.bincount`` over the request arrays).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Flows:
    """Aggregated flows of one week.

    Attributes:
        source: ``"resolved"`` (requests resolved last week) or ``"waiting"`` (backlog).
        level_volume: (levels x levels) requests from provider level (row) to requester level.
        level_on_time: Same shape, on-time share (NaN where the volume is 0).
        dept_volume: (depts x depts) requests from provider department (row) to requester dept.
        dept_on_time: Same shape, on-time share (NaN where the volume is 0).
    """

    source: str
    level_volume: np.ndarray
    level_on_time: np.ndarray
    dept_volume: np.ndarray
    dept_on_time: np.ndarray

    @property
    def label(self) -> str:
        """Plain words for the data source (shown under the charts)."""
        if self.source == "resolved":
            return "requests resolved last week; colour = on-time share"
        return "requests waiting after last week; colour = share still within the standard"


def _matrix(src: np.ndarray, dst: np.ndarray, ok: np.ndarray, n: int) -> tuple[np.ndarray, ...]:
    idx = src.astype(np.int64) * n + dst.astype(np.int64)
    vol = np.bincount(idx, minlength=n * n).astype(float).reshape(n, n)
    good = np.bincount(idx, weights=ok.astype(float), minlength=n * n).reshape(n, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(vol > 0, good / np.where(vol > 0, vol, 1.0), np.nan)
    return vol, rate


def request_flows(model) -> Flows:
    """Flows of the latest week between levels and between departments (see module docstring).

    Args:
        model: A :class:`~sim.model.ServiceCultureModel`.

    Returns:
        The aggregated :class:`Flows`.
    """
    org = model.org
    service = model.last_week.service
    if service is not None:
        source = "resolved"
        resolved = service.resolved_requests()
        provider, requester, ok = resolved.provider, resolved.requester, service.resolved_on_time()
    else:
        source = "waiting"
        pend = model.state.pending
        # A vacant provider's requests fall to their manager (one hop), as in the service phase.
        provider = pend.provider
        mgr = org.manager[provider]
        provider = np.where(~model.state.filled[provider] & (mgr >= 0), mgr, provider)
        requester = pend.requester
        ok = pend.age < model.params.requests.service_standard_weeks
    lv, lr = _matrix(org.level[provider], org.level[requester], ok, org.n_levels)
    dv, dr = _matrix(org.dept[provider], org.dept[requester], ok, org.n_depts)
    return Flows(source, lv, lr, dv, dr)


def seat_requests(model, seat: int, limit: int = 12) -> dict:
    """The waiting requests one seat is asked to serve and the ones it waits on.

    Args:
        model: The model.
        seat: Seat index.
        limit: Rows to list per side (oldest first).

    Returns:
        ``{"to_serve": n, "waiting_on": n, "serve_rows": [...], "wait_rows": [...]}`` where rows
        are dicts with the other seat, direction, hours and age (weeks).
    """
    from sim.state import DIRECTION_NAMES

    pend = model.state.pending

    def rows(mask: np.ndarray, other: np.ndarray) -> list[dict]:
        idx = np.flatnonzero(mask)
        idx = idx[np.argsort(-pend.age[idx], kind="stable")][:limit]
        return [
            {
                "seat": int(other[i]),
                "direction": DIRECTION_NAMES[int(pend.direction[i])],
                "hours": round(float(pend.hours[i]), 2),
                "age_weeks": int(pend.age[i]),
                "customer_input": bool(pend.customer[i]),
            }
            for i in idx
        ]

    serve = pend.provider == seat
    wait = pend.requester == seat
    return {
        "to_serve": int(serve.sum()),
        "waiting_on": int(wait.sum()),
        "serve_rows": rows(serve, pend.requester),
        "wait_rows": rows(wait, pend.provider),
    }
