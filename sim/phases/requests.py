"""Phase 2, request generation: who asks whom for what this week.

Rules (the internal customer; Juran's quality-control usage): anyone who depends on another
member to do their job is that member's internal customer, in any direction.
- To the manager: each employee sends Poisson(``to_manager_rate``) requests a week to their
  manager (information, guidance, resources, approvals owed to subordinates).
- To reports: each manager sends Poisson(``to_subordinate_rate``) requests a week to each report.
- Lateral: each member of department i sends Poisson(``lateral_scale`` x sum_j D[i, j]) requests
  a week, each to department j with probability D[i, j] / sum_j D[i, j], to a random worker
  (non-manager) of j
  (Juran's internal customer: situational dependencies across departments).
- Encounter inputs: a share ``encounter_input_share`` of a frontline employee's customer
  encounters needs an internal input; a share ``manager_input_share`` of those goes to the
  manager (approvals), the rest to departments by the dependency row (the weakest-link inputs).
- Requests have value: a customer input is needed by an encounter; of the other requests, a
  share ``avoidable_share`` is avoidable (unclear asks, rework, clarifications) and the rest are
  task inputs the requester's own work needs (their quality feeds the requester's work quality,
  see the capacity phase). Clear expectations cut avoidable requests only, never needed inputs.
Sizes are exponential with mean ``mean_hours``; process improvement and job swap cut the hours
(sim.interventions). Vacant seats make no requests.
"""

from __future__ import annotations

import numpy as np

from sim.org import Organization
from sim.params import Params
from sim.phases.conditions import Conditions
from sim.phases.demand import Demand
from sim.state import AVOIDABLE, CUSTOMER, DOWN, LATERAL, TASK, UP, Requests, State


def _pick_department(cdf: np.ndarray, from_dept: np.ndarray, rng) -> np.ndarray:
    """Target department per request by inverse CDF of the requester department's row."""
    u = rng.random(from_dept.size)
    # Count the CDF entries <= u one column at a time: the same count as comparing the whole
    # (requests x departments) block, without building it.
    pick = np.zeros(from_dept.size, dtype=np.int64)
    for col in cdf.T:
        pick += u >= col[from_dept]
    return np.minimum(pick, cdf.shape[1] - 1)


def _pick_member(org: Organization, dept: np.ndarray, rng) -> np.ndarray:
    """A uniformly random worker (non-manager) of each given department (-1 if it has none)."""
    counts, starts, by_dept = org.dept_worker_index
    n = counts[dept]
    offset = (rng.random(dept.size) * np.maximum(n, 1)).astype(np.int64)
    seat = by_dept[np.minimum(starts[dept] + offset, by_dept.size - 1)]
    return np.where(n > 0, seat, -1)


def directions(org: Organization, requester: np.ndarray, provider: np.ndarray) -> np.ndarray:
    """Direction of the service flow: UP if the provider is below the requester, DOWN if above."""
    lr = org.level[requester]
    lp = org.level[provider]
    return np.where(lp > lr, UP, np.where(lp < lr, DOWN, LATERAL)).astype(np.int8)


def generate_requests(
    state: State,
    org: Organization,
    params: Params,
    conditions: Conditions,
    demand: Demand,
    rng,
) -> Requests:
    """The request-generation phase: this week's new internal requests (age 0), one batch."""
    r = params.requests
    levers = conditions.levers
    # Colleague-to-colleague requests: task inputs plus the avoidable share that clear
    # expectations cut. Drawn as one Poisson count per person and split by kind, which is the
    # same in distribution as two counts.
    avoidable = r.avoidable_share * levers.avoidable_rate
    mult = (1.0 - r.avoidable_share) + avoidable
    p_avoidable = avoidable / mult if mult > 0 else 0.0
    filled = state.filled
    has_mgr = org.has_manager
    mgr_filled = np.zeros(org.n_seats, dtype=bool)
    mgr_filled[has_mgr] = filled[org.manager[has_mgr]]

    # To the manager (the requester is the report).
    askers = np.flatnonzero(filled & has_mgr)
    req_up = np.repeat(askers, rng.poisson(r.to_manager_rate * mult, askers.size))
    prov_up = org.manager[req_up]

    # To reports (the requester is the manager); a vacant report's work falls back on the
    # manager, so only filled reports are asked.
    reports = np.flatnonzero(filled & mgr_filled)
    prov_down = np.repeat(reports, rng.poisson(r.to_subordinate_rate * mult, reports.size))
    req_down = org.manager[prov_down]

    # Lateral, by the department dependency matrix.
    dep = org.dependency * r.lateral_scale
    row_sum = dep.sum(axis=1)
    cdf = np.cumsum(dep / np.where(row_sum > 0, row_sum, 1.0)[:, None], axis=1)
    members = np.flatnonzero(filled)
    req_lat = np.repeat(members, rng.poisson(row_sum[org.dept[members]] * mult))
    prov_lat = _pick_member(org, _pick_department(cdf, org.dept[req_lat], rng), rng)
    keep = (prov_lat >= 0) & (prov_lat != req_lat)
    req_lat, prov_lat = req_lat[keep], prov_lat[keep]

    # Inputs that customer encounters need (frontline only).
    front = np.flatnonzero(filled & org.frontline & (demand.encounters > 0))
    k_in = rng.poisson(demand.encounters[front] * r.encounter_input_share)
    req_in = np.repeat(front, k_in)
    to_mgr = (rng.random(req_in.size) < r.manager_input_share) & (org.manager[req_in] >= 0)
    col_in = np.where(to_mgr, org.n_depts, _pick_department(cdf, org.dept[req_in], rng))
    prov_in = np.where(to_mgr, org.manager[req_in], -1)
    need_member = ~to_mgr
    prov_in[need_member] = _pick_member(org, col_in[need_member], rng)
    keep = (prov_in >= 0) & (prov_in != req_in)
    req_in, prov_in, col_in = req_in[keep], prov_in[keep], col_in[keep]

    requester = np.concatenate([req_up, req_down, req_lat, req_in]).astype(np.int64)
    provider = np.concatenate([prov_up, prov_down, prov_lat, prov_in]).astype(np.int64)
    n_colleague = requester.size - req_in.size
    kind = np.full(requester.size, CUSTOMER, dtype=np.int8)
    kind[:n_colleague] = np.where(rng.random(n_colleague) < p_avoidable, AVOIDABLE, TASK)
    column = np.full(requester.size, -1, dtype=np.int16)
    column[requester.size - req_in.size :] = col_in
    hours = rng.exponential(r.mean_hours * levers.request_hours, requester.size)
    if levers.lateral_hours != 1.0:
        cross = org.dept[requester] != org.dept[provider]
        hours = np.where(cross, hours * levers.lateral_hours, hours)
    return Requests(
        requester=requester,
        provider=provider,
        direction=directions(org, requester, provider),
        hours=hours,
        age=np.zeros(requester.size, dtype=np.int16),
        kind=kind,
        column=column,
    )
