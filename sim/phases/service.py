"""Phase 3, internal service: providers spend their internal hours in the culture's order.

Rules (the internal customer; "rather than lower level employees serving the higher levels, it
should be at least a two way street, if not opposite"). Capacity and effort come from
:mod:`sim.phases.capacity`.

- Priority (the culture, the direction d the provider practises, ``seat_direction``: the
  culture in force, or after a merger each part's own until they converge, see
  :mod:`sim.culture`): requests are served in order of
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
from sim.kernels.service import gather_requests, serve_in_order, settle_requests, sort_key
from sim.org import Organization
from sim.params import Params
from sim.phases.capacity import Capacity, achievable_diligence, overload
from sim.phases.conditions import Conditions
from sim.phases.demand import Demand
from sim.state import DOWN, LATERAL, UP, Requests, State


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
    reqs: Requests,
    org: Organization,
    params: Params,
    levers: LeverEffects,
    direction: np.ndarray | float,
    provider: np.ndarray | None = None,
) -> np.ndarray:
    """The culture's priority score of each request (higher is served first).

    ``direction`` is the culture in force, or per seat the direction its occupant practises
    (:mod:`sim.culture`): each provider (``provider``, default the one asked) orders their queue
    by their own.
    """
    top = max(org.n_levels - 1, 1)
    lvl = org.level[reqs.requester].astype(float)
    rank = (top - lvl) / top
    d = np.asarray(direction, dtype=float)
    if d.ndim:
        d = d[reqs.provider if provider is None else provider]
    # Earliest deadline first: urgency grows as the service standard approaches; a request that
    # is already late keeps a middling urgency so that it is not starved until it lapses.
    standard = params.requests.service_standard_weeks
    urgency = np.where(reqs.age < standard, (reqs.age + 1.0) / standard, 0.5)
    # The score is w_rank x rank + w_close x closeness + w_need x need + age_priority x urgency;
    # a zero weight adds exactly zero (every term is >= 0).
    score = np.maximum(-d, 0.0) * rank
    closeness = np.where(
        reqs.customer,
        1.0,
        0.8 * lvl / top + 0.2 * org.customer_facing[org.dept[reqs.requester]],
    )
    score = score + np.where(d > 0.0, d * closeness, 0.0)
    need = 0.5 * reqs.customer + 0.5 * urgency
    score = score + np.where(np.abs(d) < 1.0, (1.0 - np.abs(d)) * need, 0.0)
    if levers.age_priority:
        score = score + levers.age_priority * urgency
    return score


def _fields(batch: Requests) -> tuple[np.ndarray, ...]:
    """A batch's arrays in field order (what the compiled kernels take)."""
    return (batch.requester, batch.provider, batch.direction, batch.hours, batch.age,
            batch.kind, batch.column)  # fmt: skip


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
    # The queue (compiled): waiting requests, then new ones; nobody waits on a request whose
    # requester has left, and a vacant provider's requests fall to their manager.
    fields, provider, servable, asked = gather_requests(
        _fields(state.pending), _fields(new), state.filled, org.manager
    )
    reqs = Requests(*fields)

    # Time pressure: hours asked of each provider against their hours. People first put in
    # overtime, then rush (give less than the standard time per request), and never give more
    # than the standard they hold (an eroded standard rushes even without pressure).
    # Hours are not walled off: time the frontline's customers leave free this week goes to
    # internal requests (slack), and the other way round in the encounter phase.
    spare_own = np.maximum(
        capacity.own_hours - demand.encounters * params.customers.encounter_hours, 0.0
    )
    hours = capacity.hours + np.where(org.frontline, spare_own, 0.0)
    reach = achievable_diligence(asked, hours, params)
    diligence = np.minimum(state.standard, reach)
    room = hours * (1.0 + params.workforce.overtime_max)

    # Each provider orders their queue by the direction they practise (one culture: the same
    # everywhere; after a merger, each part its own until they converge; sim.culture).
    direction = state.seat_direction
    # Each provider serves in priority order while the cumulative hours fit (compiled kernels:
    # the culture's priority of :func:`priority` with a little jitter against ties, the stable
    # sort by provider then priority, the running hours, the served mask).
    key = sort_key(
        reqs.requester,
        provider,
        reqs.age,
        reqs.kind,
        org.level,
        org.dept,
        org.customer_facing,
        max(org.n_levels - 1, 1),
        r.service_standard_weeks,
        direction,
        float(levers.age_priority),
        rng.random(len(reqs)),
    )
    served, used = serve_in_order(provider, key, reqs.hours, servable, diligence, room, n)

    # Quality of each request if served, from the (redirected) provider's traits and care, the
    # inputs their own work got, and the time they could give it; what was resolved, on time,
    # late or lapsed; and the memories it leaves (compiled kernel, the rules of the docstring).
    # A top-down culture serves requests from below "last and with less care".
    # Nobody gets extra care, and the inverted pyramid reorders without disrespecting requests
    # from above ("at least a two way street, if not opposite"): favour shows in the order.
    wsum = b.internal_weight_skill + b.internal_weight_morale + b.internal_weight_care
    weights = np.array(
        [b.internal_weight_skill, b.internal_weight_morale, b.internal_weight_care, max(wsum, 1e-9)]
    )
    surveyed = org.given_rating is not None  # departments' service conditions from a survey
    # Close the loop: a requester kept informed feels part of the service even when it is late
    # or never comes.
    late_credit = b.late_credit + (1.0 - b.late_credit) * levers.informed_credit
    quality, on_time, resolved, by_direction = settle_requests(
        reqs.requester,
        provider,
        reqs.direction,
        reqs.kind,
        reqs.column,
        reqs.age,
        served,
        org.dept,
        state.mindset,
        state.skill,
        state.morale,
        capacity.work_quality,
        diligence,
        org.service_offset(b.service_expectation),
        surveyed,
        np.maximum(-direction, 0.0),
        params.culture.care_gap,
        float(levers.lateral_care),
        weights,
        b.diligence_weight,
        r.service_standard_weeks,
        r.expiry_weeks,
        late_credit,
        float(levers.informed_credit),
        b.received_memory,
        state.received,
        state.task_supply,
        state.given,
        state.input_supply,
    )

    # Workload: hours asked of each provider against their hours; the rest waits.
    state.workload = np.where(
        hours > 0, asked / np.maximum(hours, 1e-9), np.where(asked > 0, 3.0, 0.0)
    )
    carry = ~resolved
    waiting = reqs.take(carry)
    waiting.age = (waiting.age + 1).astype(np.int16)
    state.pending = waiting
    state.backlog_hours = np.bincount(waiting.provider, weights=waiting.hours, minlength=n)

    def level(resolved_and_on_time: np.ndarray) -> float:
        res, ok = int(resolved_and_on_time[0]), int(resolved_and_on_time[1])
        return ok / res if res else 1.0

    n_served = int(served.sum())
    return ServiceOutcome(
        requests=reqs,
        provider=provider,
        resolved=resolved,
        on_time=on_time,
        new_requests=len(new),
        on_time_share=level(by_direction.sum(axis=0)),
        service_level_up=level(by_direction[UP]),
        service_level_down=level(by_direction[DOWN]),
        service_level_lateral=level(by_direction[LATERAL]),
        mean_quality=float(quality[served].mean()) if n_served else 0.0,
        backlog_hours=float(waiting.hours.sum()),
        overload=overload(asked, hours),
        reach=reach,
        spare_hours=np.maximum(capacity.hours - used, 0.0),
    )
