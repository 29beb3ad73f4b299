"""NumPy references of the compiled kernels (sim/kernels): the code the kernels replaced.

Each function here is the NumPy formulation a kernel must reproduce bit for bit, kept as it was
in the phases before the kernels (``tests/test_kernels.py`` compares them on random inputs with
generators in the same state). Not shipped: the phases document the rules, these the arithmetic.
"""

from __future__ import annotations

import numpy as np

from sim.org import Organization
from sim.params import Params
from sim.phases.capacity import Capacity, achievable_diligence, overload
from sim.phases.conditions import Conditions
from sim.phases.customers import (
    CustomerOutcome,
    acquisition_probability,
    churn_hazard,
    referral_intensity,
    routing,
    unhappiness,
    warning_intensity,
)
from sim.phases.demand import Demand
from sim.phases.encounters import EncounterOutcome, _served_capacity, seat_quality
from sim.phases.requests import unasked_needs
from sim.phases.service import (
    ServiceOutcome,
    care_culture,
    priority,
    queue_culture,
    rework,
)
from sim.state import (
    AVOIDABLE,
    BAND_VALUES,
    CUSTOMER,
    DOWN,
    LATERAL,
    N_BANDS,
    TASK,
    UP,
    Requests,
    State,
    band_of,
)


# ----------------------------------------------------------------------------- cohorts
def binomial_by_band(counts: np.ndarray, p: np.ndarray, rng) -> np.ndarray:
    """Reference of ``sim.kernels.cohorts.binomial_by_band``."""
    return rng.binomial(counts, p[None, :])


def binomial_cells(counts: np.ndarray, p: float, rng) -> np.ndarray:
    """Reference of ``sim.kernels.cohorts.binomial_cells``."""
    return rng.binomial(counts, p)


def move_bands(counts: np.ndarray, quality: np.ndarray, rate: float, rng) -> np.ndarray:
    """Reference of ``sim.kernels.cohorts.move_bands`` (``move_satisfaction`` before it)."""
    target = (1.0 - rate) * BAND_VALUES[None, :] + rate * quality[:, None]
    pos = np.clip(target * (N_BANDS - 1), 0.0, N_BANDS - 1)
    low = np.minimum(np.floor(pos).astype(np.int64), N_BANDS - 2)
    up = rng.binomial(counts, pos - low)
    rows = np.repeat(np.arange(counts.shape[0]), N_BANDS)
    moved = np.zeros_like(counts)
    np.add.at(moved, (rows, low.ravel()), (counts - up).ravel())
    np.add.at(moved, (rows, low.ravel() + 1), up.ravel())
    return moved


# ----------------------------------------------------------------------------- requests
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
    """Reference of ``sim.phases.requests.generate_requests`` (``sim.kernels.requests``)."""
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
    req_up = np.repeat(askers, rng.poisson(r.to_manager_rate * mult * state.voice[askers]))
    prov_up = org.manager[req_up]

    # To reports (the requester is the manager); a vacant report's work falls back on the
    # manager, so only filled reports are asked.
    reports = np.flatnonzero(filled & mgr_filled)
    rate = np.where(org.is_manager[reports], r.reporting_rate, r.to_subordinate_rate) * mult
    prov_down = np.repeat(reports, rng.poisson(rate))
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


# ----------------------------------------------------------------------------- service
def cover_seats(state: State, org: Organization) -> np.ndarray:
    """Reference of ``sim.kernels.service.cover_seats``: a vacant worker's requests go to the
    next teammate in post (same manager, cyclic seat order), else the manager; a vacant
    manager's to their manager."""
    n = org.n_seats
    cover = np.arange(n)
    filled = state.filled
    workers = org.has_manager & ~org.is_manager
    for m in np.unique(org.manager[workers]):
        team = np.flatnonzero(workers & (org.manager == m))
        for pos, s in enumerate(team):
            if filled[s]:
                continue
            later = np.concatenate([team[pos + 1 :], team[:pos]])
            later = later[filled[later]]
            cover[s] = later[0] if later.size else m
    vacant_managers = ~filled & org.is_manager & org.has_manager
    cover[vacant_managers] = org.manager[vacant_managers]
    return cover


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
    """Reference of ``sim.phases.service.serve_requests`` (``sim.kernels.service``)."""
    levers = conditions.levers
    new = requests
    n = org.n_seats
    r = params.requests
    b = params.behaviour
    reqs = Requests.concat([state.pending, new])
    # Nobody waits on a request whose requester has left.
    reqs = reqs.take(state.filled[reqs.requester])
    provider = cover_seats(state, org)[reqs.provider]
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

    direction = queue_culture(state, params)
    prio = priority(reqs, org, params, levers, direction, provider) + 0.02 * rng.random(len(reqs))
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
    care_direction = care_culture(state, params)
    disfavoured = np.where(reqs.direction == DOWN, np.maximum(-care_direction[provider], 0.0), 0.0)
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
    # Needs people kept from their manager count as inputs that never came; a week of waiting
    # past the standard counts as a week without the service (the close-the-loop credit).
    unasked = unasked_needs(state, org, params, levers)
    felt = ~resolved & (age + 1 >= r.service_standard_weeks) & r.wait_felt
    felt &= reqs.kind != AVOIDABLE
    heard = resolved | felt
    rq = reqs.requester[heard]
    weight = np.where(
        reqs.provider == org.manager[reqs.requester],
        b.manager_service_weight,
        np.where(org.manager[reqs.provider] == reqs.requester, b.report_service_weight, 1.0),
    )
    cnt = np.bincount(rq, weights=weight[heard], minlength=n) + b.manager_service_weight * unasked
    score = np.where(felt, levers.informed_credit, score)
    upward = resolved & (reqs.direction == DOWN)
    if b.voice_floor < 1.0:
        ru = reqs.requester[upward]
        asked_up = np.bincount(ru, minlength=n).astype(float)
        ok_up = np.bincount(ru, weights=on_time[upward], minlength=n)
        hit = asked_up > 0
        answered = b.voice_floor + (1.0 - b.voice_floor) * ok_up[hit] / asked_up[hit]
        state.voice[hit] += b.received_memory * (answered - state.voice[hit])
    _ema(
        state.received,
        np.bincount(rq, weights=(weight * score)[heard], minlength=n),
        cnt,
        b.received_memory,
    )
    task = heard & (reqs.kind == TASK)
    rt = reqs.requester[task]
    _ema(
        state.task_supply,
        np.bincount(rt, weights=score[task], minlength=n),
        np.bincount(rt, minlength=n).astype(float) + unasked,
        b.received_memory,
    )
    pv = provider[resolved]
    gave = score  # service given, as its requester felt it
    given_score = gave[resolved]
    _ema(
        state.given,
        np.bincount(pv, weights=given_score, minlength=n),
        np.bincount(pv, minlength=n).astype(float),
        b.received_memory,
    )
    for memory, sel in (
        (state.given_up, resolved & (reqs.direction == UP)),
        (state.given_front, resolved & ((reqs.kind == CUSTOMER) | org.frontline[reqs.requester])),
    ):
        _ema(
            memory,
            np.bincount(provider[sel], weights=gave[sel], minlength=n),
            np.bincount(provider[sel], minlength=n).astype(float),
            b.received_memory,
        )
    # Encounter inputs: on-time share per (frontline employee, supplying department / manager).
    cust = (resolved | felt) & (reqs.kind == CUSTOMER)
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
    back = rework(reqs, provider, served, diligence, r, rng)
    waiting.age = (waiting.age + 1).astype(np.int16)
    state.pending = Requests.concat([waiting, back])
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
        served=served,
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


# ----------------------------------------------------------------------------- encounters
def _split_served(buyers: np.ndarray, capacity: np.ndarray, rng) -> np.ndarray:
    """Per (seat, band), how many of those who came are served: a uniformly random subset of
    ``min(capacity, came)`` customers per seat (a multivariate hypergeometric draw)."""
    came = buyers.sum(axis=1)
    short = np.flatnonzero(came > capacity)
    served = buyers.copy()
    if short.size == 0:
        return served
    rows = buyers[short]
    left_sample = capacity[short].copy()
    left_total = came[short].copy()
    part = np.zeros_like(rows)
    for band in range(N_BANDS):
        good = rows[:, band]
        left_total -= good
        take = rng.hypergeometric(good, left_total, left_sample)
        part[:, band] = take
        left_sample -= take
    served[short] = part
    return served


def serve_customers(
    state: State,
    org: Organization,
    params: Params,
    conditions: Conditions,
    capacity: Capacity,
    demand: Demand,
    service: ServiceOutcome,
    rng,
) -> EncounterOutcome:
    """Reference of ``sim.phases.encounters.serve_customers`` (``sim.kernels.cohorts``)."""
    c = params.customers
    front = np.flatnonzero(org.frontline)
    asked = demand.encounters * c.encounter_hours
    own_hours = capacity.own_hours + service.spare_hours  # internal time left free this week
    reach = np.where(state.filled, achievable_diligence(asked, own_hours, params), 1.0)
    diligence = np.minimum(state.standard, reach)
    expected = seat_quality(state, org, params, capacity.work_quality, diligence)
    noise = np.zeros(org.n_seats)
    noise[front] = rng.normal(0.0, c.week_noise, front.size)
    quality = np.clip(expected + noise, 0.0, 1.0)

    cap = _served_capacity(state, params, own_hours, demand, diligence)
    buyers = demand.buyers[front]
    served = _split_served(buyers, cap[front], rng)
    unserved = buyers - served
    # The pace is above 1 only while the warm-up fast-forwards the customer base (all its
    # rates together, so that it settles where it would at the normal pace).
    leaving = rng.binomial(unserved, min(c.unserved_churn * conditions.pace, 1.0))
    stay_unserved = unserved - leaving
    # Customers who came leave their band and re-enter it after the encounter moved them.
    counts = state.customers[front] - buyers
    rate = min(c.satisfaction_rate * conditions.pace, 1.0)
    moved_served = move_bands(served, quality[front], rate, rng)
    moved_unserved = move_bands(stay_unserved, np.zeros(front.size), rate, rng)
    state.customers[front] = counts + moved_served + moved_unserved

    n_served = served.sum(axis=1)
    n_came = buyers.sum(axis=1)
    hit = state.filled[front] & (n_came > 0)
    seats = front[hit]
    heard = n_served[hit] * quality[seats] / n_came[hit]  # no service counts 0
    state.feedback[seats] += params.behaviour.received_memory * (heard - state.feedback[seats])

    served_per_seat = np.zeros(org.n_seats, dtype=np.int64)
    served_per_seat[front] = n_served
    unserved_per_seat = np.zeros(org.n_seats, dtype=np.int64)
    unserved_per_seat[front] = n_came - n_served
    own_overload = np.where(org.frontline, overload(asked, own_hours), 0.0)
    return EncounterOutcome(
        seat_quality=quality,
        overload=own_overload,
        reach=reach,
        served=served_per_seat,
        unserved=unserved_per_seat,
        lost_unserved=int(leaving.sum()),
        quality_sum=float((served_per_seat * quality).sum()),
        count=float(served_per_seat.sum()),
    )


# ----------------------------------------------------------------------------- customers
def update_customers(
    state: State,
    org: Organization,
    params: Params,
    conditions: Conditions,
    encounters: EncounterOutcome,
    rng,
) -> CustomerOutcome:
    """Reference of ``sim.phases.customers.update_customers`` (``sim.kernels.cohorts``)."""
    c = params.customers
    front = np.flatnonzero(org.frontline)
    counts = state.customers[front]
    n_before = int(counts.sum()) + encounters.lost_unserved
    pace = conditions.pace  # > 1 only while the warm-up fast-forwards the customer base
    hazard = np.minimum(churn_hazard(BAND_VALUES, params) * pace, 1.0)
    lost = rng.binomial(counts, hazard[None, :])
    per_band = counts.sum(axis=0)
    referrals = int(rng.poisson(pace * (per_band * referral_intensity(BAND_VALUES, params)).sum()))
    warnings = int(rng.poisson(pace * (per_band * warning_intensity(BAND_VALUES, params)).sum()))
    counts = counts - lost

    prospects = state.market - int(counts.sum())
    won = (
        rng.binomial(
            prospects,
            min(acquisition_probability(params, conditions.demand_multiplier) * pace, 1.0),
        )
        + rng.binomial(referrals, 0.5)
        - rng.binomial(warnings, 0.5)
    )
    won = int(min(max(won, 0), prospects))
    if won:
        to = routing(counts, state.filled[front])
        counts[:, band_of(c.initial_satisfaction)] += rng.multinomial(won, to)
    state.customers[front] = counts
    # Caseload balancing (sim.phases.customers.rebalance_books), NumPy's multinomial.
    filled = state.filled[front]
    if c.rebalance_rate > 0.0 and filled.any():
        books = counts.sum(axis=1)
        ceiling = (1.0 + c.book_slack) * books[filled].mean()
        excess = np.where(filled, np.maximum(books - ceiling, 0.0), 0.0)
        room = np.where(filled, np.maximum(ceiling - books, 0.0), 0.0)
        if excess.any() and room.sum() > 0.0:
            moved = rng.binomial(
                counts, (c.rebalance_rate * excess / np.maximum(books, 1))[:, None]
            )
            counts -= moved
            for band in np.flatnonzero(moved.sum(axis=0)):
                counts[:, band] += rng.multinomial(int(moved[:, band].sum()), room / room.sum())
            state.customers[front] = counts

    n = counts.sum(axis=1)
    unhappy = np.where(
        n > 0, (counts * unhappiness(BAND_VALUES, params)).sum(axis=1) / np.maximum(n, 1), 0.0
    )
    seats = front[state.filled[front]]
    memory = params.behaviour.received_memory
    state.complaints[seats] += memory * (unhappy[state.filled[front]] - state.complaints[seats])

    n_lost = int(lost.sum()) + encounters.lost_unserved
    if n_before:
        state.churn_rate_memory += 0.1 * (n_lost / n_before - state.churn_rate_memory)
    return CustomerOutcome(lost=n_lost, acquired=won, referrals=referrals, warnings=warnings)
