"""Request generation: who asks whom for what this week.

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

from sim.kernels.requests import generate
from sim.org import Organization
from sim.params import Params
from sim.phases.conditions import Conditions
from sim.phases.demand import Demand
from sim.state import Requests, State


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
    # Lateral requests by the department dependency matrix: a rate per member of each
    # department, and the cumulative distribution of the department asked.
    dep = org.dependency * r.lateral_scale
    row_sum = dep.sum(axis=1)
    cdf = np.cumsum(dep / np.where(row_sum > 0, row_sum, 1.0)[:, None], axis=1)
    worker_counts, worker_starts, workers = org.dept_worker_index
    # One compiled pass: counts per person, targets, kinds and hours (the rules above).
    requester, provider, direction, hours, kind, column = generate(
        state.filled,
        org.manager,
        org.dept,
        org.level,
        org.frontline,
        demand.encounters,
        r.to_manager_rate * mult,
        r.to_subordinate_rate * mult,
        row_sum,
        mult,
        cdf,
        worker_counts,
        worker_starts,
        workers,
        r.encounter_input_share,
        r.manager_input_share,
        p_avoidable,
        r.mean_hours * levers.request_hours,
        float(levers.lateral_hours),
        rng,
    )
    return Requests(
        requester=requester,
        provider=provider,
        direction=direction,
        hours=hours,
        age=np.zeros(requester.size, dtype=np.int16),
        kind=kind,
        column=column,
    )
