"""The internal-service queue and what it leaves: who is served, how well, and the memories.

Each provider serves their requests in order of the sort key (lower first) while the cumulative
hours, counted from the provider's first request, stay within their room (hours plus overtime).
The NumPy formulation sorts all requests by ``key`` (stable), takes one cumulative sum over the
whole sorted batch and subtracts the sum before each provider's first request. This kernel gives
the same result bit for bit: it groups the requests by provider with a counting sort (which
keeps the batch order) and sorts each provider's few requests by key with a stable insertion
sort, which is the stable sort by key because a provider's keys all lie in
``[provider, provider + 1)``; and it takes the same global running sum in the same order.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _merge_sort(key, order, lo, hi, buffer_key, buffer_order):
    """Sort ``key[lo:hi]`` ascending, stably, moving ``order`` along (bottom-up merge sort)."""
    width = 1
    while width < hi - lo:
        for left in range(lo, hi, 2 * width):
            mid = min(left + width, hi)
            right = min(left + 2 * width, hi)
            i, j, k = left, mid, left
            while i < mid and j < right:
                if key[j] < key[i]:  # strictly less: equal keys keep their order (stable)
                    buffer_key[k], buffer_order[k] = key[j], order[j]
                    j += 1
                else:
                    buffer_key[k], buffer_order[k] = key[i], order[i]
                    i += 1
                k += 1
            while i < mid:
                buffer_key[k], buffer_order[k] = key[i], order[i]
                i += 1
                k += 1
            while j < right:
                buffer_key[k], buffer_order[k] = key[j], order[j]
                j += 1
                k += 1
        key[lo:hi] = buffer_key[lo:hi]
        order[lo:hi] = buffer_order[lo:hi]
        width *= 2


@njit(cache=True)
def serve_in_order(provider, key, hours, servable, diligence, room, n_seats):
    """Serve each provider's requests in key order while their hours fit.

    Args:
        provider: Provider seat of each request (int64, 0 <= provider < n_seats).
        key: Sort key (``provider + 0.999 x (1 - normalized priority)``: lower is served first;
            every key of provider k lies in ``[k, k + 1)``).
        hours: Standard hours of each request.
        servable: The provider is in post.
        diligence: Per seat, the share of the standard time given.
        room: Per seat, hours plus overtime.
        n_seats: Number of seats.

    Returns:
        (served, used): per request whether it was served; per seat the hours used.
    """
    n = provider.size
    # Counting sort by provider: stable, so ties keep the batch order as a stable sort would.
    start = np.zeros(n_seats + 1, dtype=np.int64)
    for i in range(n):
        start[provider[i] + 1] += 1
    for s in range(n_seats):
        start[s + 1] += start[s]
    fill = start[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    sorted_key = np.empty(n, dtype=np.float64)
    for i in range(n):
        p = provider[i]
        order[fill[p]] = i
        sorted_key[fill[p]] = key[i]
        fill[p] += 1
    # Stable sort by key within each provider's run: insertion sort for the usual few requests,
    # a merge sort for a long queue.
    buffer_key = np.empty(n, dtype=np.float64)
    buffer_order = np.empty(n, dtype=np.int64)
    for s in range(n_seats):
        lo, hi = start[s], start[s + 1]
        if hi - lo > 32:
            _merge_sort(sorted_key, order, lo, hi, buffer_key, buffer_order)
            continue
        for a in range(lo + 1, hi):
            item = order[a]
            k = sorted_key[a]
            b = a - 1
            while b >= lo and sorted_key[b] > k:
                order[b + 1] = order[b]
                sorted_key[b + 1] = sorted_key[b]
                b -= 1
            order[b + 1] = item
            sorted_key[b + 1] = k
    served = np.zeros(n, dtype=np.bool_)
    used = np.zeros(n_seats, dtype=np.float64)
    cum = 0.0
    base = 0.0
    last = -1
    for a in range(n):
        i = order[a]
        p = provider[i]
        h = hours[i] * diligence[p] if servable[i] else 0.0
        cum += h
        if p != last:
            base = cum - h  # the running sum before the provider's first request
            last = p
        if servable[i] and cum - base <= room[p]:
            served[i] = True
            used[p] += h
    return served, used


@njit(cache=True)
def _ema_update(memory, total, count, weight):
    """``memory[hit] += weight x (total[hit] / count[hit] - memory[hit])`` where count > 0."""
    flat_m = memory.reshape(-1)
    flat_t = total.reshape(-1)
    flat_c = count.reshape(-1)
    for s in range(flat_m.size):
        if flat_c[s] > 0:
            flat_m[s] += weight * (flat_t[s] / flat_c[s] - flat_m[s])


@njit(cache=True)
def settle_requests(
    requester,
    provider,
    direction,
    kind,
    column,
    age,
    served,
    seat_dept,
    mindset,
    skill,
    morale,
    work_quality,
    diligence,
    offset,
    has_offset,
    disfavour,
    care_gap,
    lateral_care,
    weights,
    diligence_weight,
    standard_weeks,
    expiry_weeks,
    late_credit,
    informed_credit,
    memory,
    received,
    task_supply,
    given,
    input_supply,
):
    """Quality and outcome of every request, and the memories of service it leaves.

    The rules are those of :mod:`sim.phases.service`; the arithmetic is the NumPy code's, term
    by term and in its order, and the per-seat sums are taken in batch order as ``np.bincount``
    takes them, so every number is the same.

    Args:
        requester, provider, direction, kind, column, age: The requests (provider redirected).
        served: Served this week.
        seat_dept: Department of each seat.
        mindset, skill, morale, work_quality, diligence: Per seat.
        offset: Per seat, the quality the department's conditions add (used if has_offset).
        has_offset: Whether a survey set departments' conditions.
        disfavour: Per seat, the care its occupant withholds from requests from below, as a
            share of ``care_gap`` (``max(-d, 0)`` of the direction they practise).
        care_gap, lateral_care: Care terms (lateral care counts only when non-zero).
        weights: (skill, morale, care, sum floored at 1e-9) weights of internal quality.
        diligence_weight: Quality lost by fully rushed work.
        standard_weeks, expiry_weeks: Service standard and lapse age (weeks).
        late_credit, informed_credit: Score of a late request (share of its quality) and of a
            lapsed one.
        memory: Weight of this week in the exponential memories.
        received, task_supply, given, input_supply: Memories, updated in place.

    Returns:
        (quality, on_time, resolved, counts): per request its quality, on-time and resolved
        flags; ``counts[d] = (resolved, on time)`` per direction code d.
    """
    n_req = requester.size
    n_seats = received.size
    width = input_supply.shape[1]
    quality = np.empty(n_req)
    on_time = np.zeros(n_req, dtype=np.bool_)
    resolved = np.zeros(n_req, dtype=np.bool_)
    counts = np.zeros((3, 2), dtype=np.int64)
    rec_sum = np.zeros(n_seats)
    rec_cnt = np.zeros(n_seats)
    task_sum = np.zeros(n_seats)
    task_cnt = np.zeros(n_seats)
    given_sum = np.zeros(n_seats)
    given_cnt = np.zeros(n_seats)
    inp_ok = np.zeros((n_seats, width))
    inp_cnt = np.zeros((n_seats, width))
    ws, wm, wc, wsum = weights[0], weights[1], weights[2], weights[3]
    for i in range(n_req):
        p = provider[i]
        rq = requester[i]
        disf = disfavour[p] if direction[i] == 1 else 0.0  # DOWN: a report's request to a boss
        care = mindset[p] - care_gap * disf
        if lateral_care != 0.0:
            care = care + lateral_care * (1.0 if seat_dept[p] != seat_dept[rq] else 0.0)
        q = (ws * skill[p] + wm * morale[p] + wc * min(max(care, 0.0), 1.0)) / wsum
        q = q * (work_quality[p] * (1.0 - diligence_weight * (1.0 - diligence[p])))
        if has_offset:
            q = q + offset[p]
        q = min(max(q, 0.0), 1.0)
        quality[i] = q
        ok = served[i] and age[i] < standard_weeks
        lapsed = (not served[i]) and age[i] + 1 >= expiry_weeks
        res = served[i] or lapsed
        on_time[i] = ok
        resolved[i] = res
        if not res:
            continue
        d = direction[i]
        counts[d, 0] += 1
        if ok:
            counts[d, 1] += 1
        if ok:
            score = q
        elif served[i]:
            score = late_credit * q
        else:
            score = informed_credit
        rec_sum[rq] += score
        rec_cnt[rq] += 1.0
        if kind[i] == 0:  # TASK
            task_sum[rq] += score
            task_cnt[rq] += 1.0
        given_sum[p] += q if served[i] else 0.0
        given_cnt[p] += 1.0
        if kind[i] == 2:  # CUSTOMER
            inp_cnt[rq, column[i]] += 1.0
            inp_ok[rq, column[i]] += 1.0 if ok else 0.0
    _ema_update(received, rec_sum, rec_cnt, memory)
    _ema_update(task_supply, task_sum, task_cnt, memory)
    _ema_update(given, given_sum, given_cnt, memory)
    _ema_update(input_supply, inp_ok, inp_cnt, memory)
    return quality, on_time, resolved, counts


@njit(cache=True)
def gather_requests(pending, new, filled, manager):
    """The week's queue: waiting requests, then new ones, of requesters still in post.

    Args:
        pending, new: (requester, provider, direction, hours, age, kind, column) arrays.
        filled: Per seat, in post.
        manager: Per seat, the manager (-1 for the top).

    Returns:
        (fields, provider, servable, asked): the kept requests' seven fields (provider as asked),
        the provider who serves (a vacant provider's manager), whether they are in post, and per
        seat the hours asked of them (``np.bincount`` of the servable requests' hours).
    """
    n_pending, n_new = pending[0].size, new[0].size
    keep = 0
    for i in range(n_pending):
        if filled[pending[0][i]]:
            keep += 1
    for i in range(n_new):
        if filled[new[0][i]]:
            keep += 1
    requester = np.empty(keep, dtype=np.int64)
    asked_of = np.empty(keep, dtype=np.int64)
    direction = np.empty(keep, dtype=np.int8)
    hours = np.empty(keep, dtype=np.float64)
    age = np.empty(keep, dtype=np.int16)
    kind = np.empty(keep, dtype=np.int8)
    column = np.empty(keep, dtype=np.int16)
    k = 0
    for part in (pending, new):
        for i in range(part[0].size):
            if filled[part[0][i]]:
                requester[k] = part[0][i]
                asked_of[k] = part[1][i]
                direction[k] = part[2][i]
                hours[k] = part[3][i]
                age[k] = part[4][i]
                kind[k] = part[5][i]
                column[k] = part[6][i]
                k += 1
    provider = np.empty(keep, dtype=np.int64)
    servable = np.empty(keep, dtype=np.bool_)
    asked = np.zeros(filled.size)
    for k in range(keep):
        p = asked_of[k]
        if not filled[p] and manager[p] >= 0:
            p = manager[p]  # a vacant provider's requests fall to their manager
        provider[k] = p
        servable[k] = filled[p]
        asked[p] += hours[k] if servable[k] else 0.0
    fields = (requester, asked_of, direction, hours, age, kind, column)
    return fields, provider, servable, asked


@njit(cache=True)
def sort_key(
    requester, provider, age, kind, level, dept, customer_facing, top, standard, direction,
    age_priority, jitter,
):  # fmt: skip
    """The queue's sort key: ``provider + 0.999 x (1 - priority / (max priority + 1e-9))``.

    The priority is :func:`sim.phases.service.priority` plus ``0.02 x jitter``, term by term as
    the NumPy code computes it (terms of zero weight skipped as there).

    Args:
        requester, provider, age, kind: The requests (provider: who serves).
        level, dept: Per seat.
        customer_facing: Per department.
        top: ``max(n_levels - 1, 1)``.
        standard: The service standard in weeks.
        direction: Per seat, the direction its occupant practises (-1 pyramid .. +1 inverted):
            each provider orders their queue by their own.
        age_priority: Weight of deadline urgency (service standards).
        jitter: One uniform draw per request (ties broken at random).
    """
    n = requester.size
    prio = np.empty(n)
    highest = -np.inf
    for i in range(n):
        d = direction[provider[i]]
        lvl = float(level[requester[i]])
        rank = (top - lvl) / top
        urgency = (age[i] + 1.0) / standard if age[i] < standard else 0.5
        customer = kind[i] == 2  # CUSTOMER
        score = max(-d, 0.0) * rank
        if d > 0.0:
            if customer:
                closeness = 1.0
            else:
                facing = 0.2 if customer_facing[dept[requester[i]]] else 0.0
                closeness = 0.8 * lvl / top + facing
            score = score + d * closeness
        if abs(d) < 1.0:
            need = (0.5 if customer else 0.0) + 0.5 * urgency
            score = score + (1.0 - abs(d)) * need
        if age_priority:
            score = score + age_priority * urgency
        prio[i] = score + 0.02 * jitter[i]
        highest = max(highest, prio[i])
    key = np.empty(n)
    for i in range(n):
        key[i] = provider[i] + 0.999 * (1.0 - prio[i] / (highest + 1e-9))
    return key
