"""Phase 3, internal service: providers spend their internal hours in the culture's order.

Rules (the internal customer; "rather than lower level employees serving the higher levels, it
should be at least a two way street, if not opposite"). Capacity and effort come from
:mod:`sim.phases.capacity`.

- Priority (the culture, ``service_direction`` d): requests are served in order of
  ``max(-d, 0) x rank + max(d, 0) x closeness + (1 - |d|) x need + age_priority x urgency``,
  where rank is the requester's height in the hierarchy (top = 1), closeness their closeness to
  the external customer (customer inputs = 1, frontline high, top low), urgency the nearness of
  the service standard's deadline (earliest deadline first) and need = half customer input, half
  urgency. ``age_priority`` is zero unless service standards are published. d = -1 is the
  top-down pyramid (higher levels first), 0 the two-way street (need and deadlines decide), +1
  the inverted pyramid (those nearest the customer first).
- Hours run out: requests are served in priority order while the provider's cumulative time
  stays within their hours plus overtime (``overtime_max``); a frontline employee's hours include
  the own-work time their customers leave free this week (slack moves between tasks). Each
  request takes its hours times the provider's diligence: under pressure people rush, down to
  ``rush_min`` of the standard time, and never give more than the quality standard they hold
  (Oliva & Sterman 2001). The rest
  wait (age + 1) or lapse after ``expiry_weeks``.
- Quality of a served request: weighted skill, morale and care of the provider, where care is the
  provider's mindset, minus ``care_gap`` x |d| in a top-down culture (d < 0) for requests from
  below (served "last and with less care"), plus job-swap care for other departments; times the
  provider's work quality (the inputs their own work got) and ``1 - diligence_weight x (1 -
  diligence)`` (rushed work is worse).
- Service received: each requester remembers (exponential memory) the score of their resolved
  requests: quality when on time, ``late_credit`` x quality when late, and 0 when lapsed; closing
  the loop (keeping the requester informed) adds ``informed_credit`` to a lapsed request and
  raises a late one's credit by the same share of the missing part. The score of task requests
  is also remembered as the supply of one's own work; customer inputs' on-time share is
  remembered per supplying department (the encounter's weakest link).
A vacant provider's requests fall to their manager (one hop).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.interventions import LeverEffects
from sim.org import Organization
from sim.params import Params
from sim.phases.capacity import Capacity, achievable_diligence, overload
from sim.phases.conditions import Conditions
from sim.phases.demand import Demand
from sim.state import CUSTOMER, DOWN, LATERAL, TASK, UP, Requests, State


@dataclass(frozen=True)
class ServiceOutcome:
    """This week's internal service.

    Attributes:
        requests: Every request considered this week (waiting ones first, then new ones).
        provider: Who was asked to serve each request, after vacancy redirection.
        resolved: Served or lapsed this week.
        on_time: Served within the service standard.
        new_requests: Number of requests made this week.
        on_time_share: On-time share of the requests resolved this week (1 when none).
        service_level_up: The same for service flowing up (a report serving a higher level).
        service_level_down: The same for service flowing down (a manager serving a report).
        service_level_lateral: The same between colleagues on one level.
        mean_quality: Mean quality of the requests served (0 when none).
        backlog_hours: Hours still waiting after this week.
        overload: Per seat, the felt pressure of the internal hours asked (see capacity.overload).
        reach: Per seat, the share of the standard time per request the hours allowed.
        spare_hours: Per seat, internal hours left unused (free for own work this week).
    """

    requests: Requests
    provider: np.ndarray
    resolved: np.ndarray
    on_time: np.ndarray
    new_requests: int
    on_time_share: float
    service_level_up: float
    service_level_down: float
    service_level_lateral: float
    mean_quality: float
    backlog_hours: float
    overload: np.ndarray
    reach: np.ndarray
    spare_hours: np.ndarray

    def resolved_requests(self) -> Requests:
        """The requests resolved this week, ``provider`` = who actually served them."""
        batch = self.requests.take(self.resolved)
        batch.provider = self.provider[self.resolved]
        return batch

    def resolved_on_time(self) -> np.ndarray:
        """For each request of :meth:`resolved_requests`, whether it was served on time."""
        return self.on_time[self.resolved]


def priority(
    reqs: Requests, org: Organization, params: Params, levers: LeverEffects, direction: float
) -> np.ndarray:
    """The culture's priority score of each request (higher is served first)."""
    top = max(org.n_levels - 1, 1)
    lvl = org.level[reqs.requester].astype(float)
    rank = (top - lvl) / top
    # Earliest deadline first: urgency grows as the service standard approaches; a request that
    # is already late keeps a middling urgency so that it is not starved until it lapses.
    standard = params.requests.service_standard_weeks
    urgency = np.where(reqs.age < standard, (reqs.age + 1.0) / standard, 0.5)
    # The score is w_rank x rank + w_close x closeness + w_need x need + age_priority x urgency.
    # Terms whose weight is zero (e.g. closeness and need in the pure pyramid) are skipped: every
    # term is >= 0, so adding a zero term would not change a single bit of the sum.
    score = max(-direction, 0.0) * rank
    if direction > 0.0:
        closeness = np.where(
            reqs.customer,
            1.0,
            0.8 * lvl / top + 0.2 * org.customer_facing[org.dept[reqs.requester]],
        )
        score = score + direction * closeness
    if abs(direction) < 1.0:
        need = 0.5 * reqs.customer + 0.5 * urgency
        score = score + (1.0 - abs(direction)) * need
    if levers.age_priority:
        score = score + levers.age_priority * urgency
    return score


def _stable_argsort(key: np.ndarray) -> np.ndarray:
    """``np.argsort(key, kind="stable")``, computed with the much faster default sort.

    With distinct keys every sort gives the same order, so the result is identical; the jitter
    in the priority makes ties vanishingly rare, and if one occurs the stable sort is used.
    """
    order = np.argsort(key)
    ks = key[order]
    if ks.size > 1 and (ks[1:] == ks[:-1]).any():
        return np.argsort(key, kind="stable")
    return order


def _run_starts(sorted_ids: np.ndarray) -> np.ndarray:
    """For each position of a sorted array, the index where its run of equal values starts.

    Same result as ``np.searchsorted(a, a, side="left")`` in O(n) instead of O(n log n).
    """
    idx = np.arange(sorted_ids.size)
    first = np.ones(sorted_ids.size, dtype=bool)
    first[1:] = sorted_ids[1:] != sorted_ids[:-1]
    return np.maximum.accumulate(np.where(first, idx, 0)) if idx.size else idx


def _ema(memory: np.ndarray, now: np.ndarray, count: np.ndarray, weight: float) -> None:
    """Exponential memory update in place, only where something happened (count > 0)."""
    hit = count > 0
    memory[hit] += weight * (now[hit] / count[hit] - memory[hit])


def serve_requests(
    state: State,
    org: Organization,
    params: Params,
    conditions: Conditions,
    capacity: Capacity,
    demand: Demand,
    requests: Requests,
    rng,
) -> ServiceOutcome:
    """The internal-service phase: serve waiting and new requests; update memories, backlog."""
    levers = conditions.levers
    new = requests
    n = org.n_seats
    r = params.requests
    b = params.behaviour
    reqs = Requests.concat([state.pending, new])
    # Nobody waits on a request whose requester has left.
    reqs = reqs.take(state.filled[reqs.requester])
    provider = reqs.provider
    mgr = org.manager[provider]
    redirect = ~state.filled[provider] & (mgr >= 0)
    provider = np.where(redirect, mgr, provider)
    servable = state.filled[provider]

    # Time pressure: hours asked of each provider against their hours. People first put in
    # overtime, then rush (give less than the standard time per request), and never give more
    # than the standard they hold (an eroded standard rushes even without pressure).
    # Hours are not walled off: time the frontline's customers leave free this week goes to
    # internal requests (slack), and the other way round in the encounter phase.
    spare_own = np.maximum(
        capacity.own_hours - demand.encounters * params.customers.encounter_hours, 0.0
    )
    hours = capacity.hours + np.where(org.frontline, spare_own, 0.0)
    asked = np.bincount(provider, weights=np.where(servable, reqs.hours, 0.0), minlength=n)
    reach = achievable_diligence(asked, hours, params)
    diligence = np.minimum(state.standard, reach)
    room = hours * (1.0 + params.workforce.overtime_max)

    direction = state.service_direction
    prio = priority(reqs, org, params, levers, direction) + 0.02 * rng.random(len(reqs))
    prio_n = prio / (prio.max() + 1e-9) if prio.size else prio
    order = _stable_argsort(provider + 0.999 * (1.0 - prio_n))
    p_sorted = provider[order]
    h_sorted = np.where(servable[order], reqs.hours[order] * diligence[p_sorted], 0.0)
    cum = np.cumsum(h_sorted)
    group_start = _run_starts(p_sorted)
    within = cum - (cum - h_sorted)[group_start]
    served_sorted = servable[order] & (within <= room[p_sorted])
    served = np.empty(len(reqs), dtype=bool)
    served[order] = served_sorted
    used = np.bincount(p_sorted, weights=np.where(served_sorted, h_sorted, 0.0), minlength=n)

    # Quality of each request if served, from the (redirected) provider's traits and care, the
    # inputs their own work got, and the time they could give it.
    # A top-down culture serves requests from below "last and with less care".
    # Nobody gets extra care, and the inverted pyramid reorders without disrespecting requests
    # from above ("at least a two way street, if not opposite"): favour shows in the order.
    disfavoured = np.where(reqs.direction == DOWN, max(-direction, 0.0), 0.0)
    care = state.mindset[provider] - params.culture.care_gap * disfavoured
    if levers.lateral_care:
        care = care + levers.lateral_care * (org.dept[provider] != org.dept[reqs.requester])
    wsum = b.internal_weight_skill + b.internal_weight_morale + b.internal_weight_care
    quality = (
        b.internal_weight_skill * state.skill[provider]
        + b.internal_weight_morale * state.morale[provider]
        + b.internal_weight_care * np.clip(care, 0.0, 1.0)
    ) / max(wsum, 1e-9)
    quality = quality * (
        capacity.work_quality[provider] * (1.0 - b.diligence_weight * (1.0 - diligence[provider]))
    )
    if org.given_rating is not None:  # departments' service conditions from a survey
        quality = quality + org.service_offset(b.service_expectation)[provider]
    quality = np.clip(quality, 0.0, 1.0)

    age = reqs.age
    on_time = served & (age < r.service_standard_weeks)
    late = served & ~on_time
    lapsed = ~served & (age + 1 >= r.expiry_weeks)
    resolved = served | lapsed
    # Close the loop: a requester kept informed feels part of the service even when it is late
    # or never comes.
    late_credit = b.late_credit + (1.0 - b.late_credit) * levers.informed_credit
    score = np.where(
        on_time, quality, np.where(late, late_credit * quality, levers.informed_credit)
    )

    # Memories of service received, of the inputs one's own work needed, of service given.
    rq = reqs.requester[resolved]
    cnt = np.bincount(rq, minlength=n).astype(float)
    _ema(
        state.received,
        np.bincount(rq, weights=score[resolved], minlength=n),
        cnt,
        b.received_memory,
    )
    task = resolved & (reqs.kind == TASK)
    rt = reqs.requester[task]
    _ema(
        state.task_supply,
        np.bincount(rt, weights=score[task], minlength=n),
        np.bincount(rt, minlength=n).astype(float),
        b.received_memory,
    )
    pv = provider[resolved]
    given_score = np.where(served, quality, 0.0)[resolved]
    _ema(
        state.given,
        np.bincount(pv, weights=given_score, minlength=n),
        np.bincount(pv, minlength=n).astype(float),
        b.received_memory,
    )
    # Encounter inputs: on-time share per (frontline employee, supplying department / manager).
    cust = resolved & (reqs.kind == CUSTOMER)
    if cust.any():
        width = org.n_depts + 1
        idx = reqs.requester[cust] * width + reqs.column[cust]
        c_cnt = np.bincount(idx, minlength=n * width).astype(float).reshape(n, width)
        c_ok = np.bincount(idx, weights=on_time[cust], minlength=n * width).reshape(n, width)
        _ema(state.input_supply, c_ok, c_cnt, b.received_memory)

    # Workload: hours asked of each provider against their hours; the rest waits.
    state.workload = np.where(
        hours > 0, asked / np.maximum(hours, 1e-9), np.where(asked > 0, 3.0, 0.0)
    )
    carry = ~resolved
    waiting = reqs.take(carry)
    waiting.age = (waiting.age + 1).astype(np.int16)
    state.pending = waiting
    state.backlog_hours = np.bincount(waiting.provider, weights=waiting.hours, minlength=n)

    def level(sel: np.ndarray) -> float:
        res = int(np.count_nonzero(resolved & sel))
        return float(np.count_nonzero(on_time & sel)) / res if res else 1.0

    all_ = np.ones(len(reqs), dtype=bool)
    n_served = int(served.sum())
    return ServiceOutcome(
        requests=reqs,
        provider=provider,
        resolved=resolved,
        on_time=on_time,
        new_requests=len(new),
        on_time_share=level(all_),
        service_level_up=level(reqs.direction == UP),
        service_level_down=level(reqs.direction == DOWN),
        service_level_lateral=level(reqs.direction == LATERAL),
        mean_quality=float(quality[served].mean()) if n_served else 0.0,
        backlog_hours=float(waiting.hours.sum()),
        overload=overload(asked, hours),
        reach=reach,
        spare_hours=np.maximum(capacity.hours - used, 0.0),
    )
