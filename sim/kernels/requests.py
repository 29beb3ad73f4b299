"""Request generation in one compiled pass: who asks whom, for what, and how many hours.

The rules are those of :mod:`sim.phases.requests`. The kernel draws from the model's generator
in the order the NumPy formulation does (every count of one kind of request, then every uniform
of one use, ...), by NumPy's own algorithms (numba's ports of ``random`` and ``exponential``;
Poisson counts by NumPy's multiplication method with ``exp(-lam)`` computed once per distinct
rate, or numba's port of NumPy's PTRS for rates of 10 and more), and does the same arithmetic,
so the batch is the same request for request.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.np.random.distributions import random_exponential, random_poisson
from numba.np.random.generator_core import next_double

_TASK, _AVOIDABLE, _CUSTOMER = 0, 1, 2  # sim.state's request kinds
_UP, _DOWN, _LATERAL = 0, 1, 2  # sim.state's directions


@njit(cache=True)
def _poisson(bitgen, lam, enlam):
    """NumPy's Poisson(lam) draw, ``enlam = exp(-lam)`` given (used below 10)."""
    if lam >= 10.0:
        return random_poisson(bitgen, lam)
    if lam == 0.0:
        return 0
    x = 0
    prod = 1.0
    while True:
        prod *= next_double(bitgen)
        if prod > enlam:
            x += 1
        else:
            return x


@njit(cache=True)
def _pick_department(cdf, from_dept, u):
    """Inverse CDF of the department's dependency row: the first column whose CDF exceeds u."""
    pick = 0
    for col in range(cdf.shape[1]):
        if u >= cdf[from_dept, col]:
            pick += 1
    return min(pick, cdf.shape[1] - 1)


@njit(cache=True)
def _pick_member(counts, starts, workers, dept, u):
    """A uniformly random worker of ``dept`` from the uniform ``u`` (-1 if it has none)."""
    n = counts[dept]
    offset = np.int64(u * max(n, 1))
    seat = workers[min(starts[dept] + offset, workers.size - 1)]
    return seat if n > 0 else -1


@njit(cache=True)
def generate(
    filled,
    manager,
    is_manager,
    dept,
    level,
    frontline,
    encounters,
    lam_up,
    voice,
    lam_down,
    lam_down_manager,
    lateral_rate,
    mult,
    cdf,
    worker_counts,
    worker_starts,
    workers,
    input_share,
    manager_share,
    p_avoidable,
    hours_scale,
    lateral_hours,
    rng,
):
    """This week's new requests.

    Args:
        filled, manager, is_manager, dept, level, frontline: Per seat (manager -1 for the top).
        encounters: Customers who came, per seat.
        lam_up: Expected needs a week for one's manager's help; a share ``voice`` (per seat)
            of them is asked.
        voice: Per seat, the share of those needs the person takes to their manager.
        lam_down, lam_down_manager: Expected requests to each report who is not a manager, and
            to each report who is one.
        lateral_rate: Per department, expected lateral requests of a member (before ``mult``).
        mult: Multiplier of colleague requests (the avoidable share and its lever).
        cdf: (departments x departments) cumulative target distribution of lateral requests.
        worker_counts, worker_starts, workers: The departments' workers, flattened.
        input_share, manager_share: Encounter inputs per encounter; share going to the manager.
        p_avoidable: Share of colleague requests that are avoidable.
        hours_scale: Mean hours of a request.
        lateral_hours: Hours multiplier of requests across departments (1 = none).
        rng: The model's ``numpy.random.Generator``.

    Returns:
        (requester, provider, direction, hours, kind, column) of the new requests.
    """
    n = filled.size
    bitgen = rng.bit_generator
    # Counts first, kind by kind, in seat order (as the NumPy draws are made).
    up = np.zeros(n, dtype=np.int64)
    en_up = np.exp(-lam_up)
    for s in range(n):
        if filled[s] and manager[s] >= 0:
            if voice[s] == 1.0:
                up[s] = _poisson(bitgen, lam_up, en_up)
            else:
                lam = lam_up * voice[s]
                up[s] = _poisson(bitgen, lam, np.exp(-lam))
    down = np.zeros(n, dtype=np.int64)
    en_down = np.exp(-lam_down)
    en_down_manager = np.exp(-lam_down_manager)
    for s in range(n):
        if filled[s] and manager[s] >= 0 and filled[manager[s]]:
            if is_manager[s]:
                down[s] = _poisson(bitgen, lam_down_manager, en_down_manager)
            else:
                down[s] = _poisson(bitgen, lam_down, en_down)
    lat = np.zeros(n, dtype=np.int64)
    lam_lat = lateral_rate * mult
    en_lat = np.exp(-lam_lat)
    for s in range(n):
        if filled[s]:
            lat[s] = _poisson(bitgen, lam_lat[dept[s]], en_lat[dept[s]])
    n_up, n_down, n_lat = up.sum(), down.sum(), lat.sum()

    # Lateral targets: every department uniform, then every member uniform, then the filter.
    lat_req = np.empty(n_lat, dtype=np.int64)
    k = 0
    for s in range(n):
        for _ in range(lat[s]):
            lat_req[k] = s
            k += 1
    lat_dept = np.empty(n_lat, dtype=np.int64)
    for k in range(n_lat):
        lat_dept[k] = _pick_department(cdf, dept[lat_req[k]], next_double(bitgen))
    lat_prov = np.empty(n_lat, dtype=np.int64)
    for k in range(n_lat):
        lat_prov[k] = _pick_member(
            worker_counts, worker_starts, workers, lat_dept[k], next_double(bitgen)
        )
    n_lat_kept = 0
    for k in range(n_lat):
        if lat_prov[k] >= 0 and lat_prov[k] != lat_req[k]:
            n_lat_kept += 1

    # Encounter inputs of the frontline with customers this week.
    # The rate is encounters x input_share, so exp(-rate) is computed once per encounter count.
    k_in = np.zeros(n, dtype=np.int64)
    most = 0
    for s in range(n):
        most = max(most, int(encounters[s]))
    en_in = np.full(most + 1, np.nan)
    for s in range(n):
        if filled[s] and frontline[s] and encounters[s] > 0:
            came = encounters[s]
            lam = came * input_share
            if int(came) == came:  # whole counts (always, but for hand-made test inputs)
                if np.isnan(en_in[int(came)]):
                    en_in[int(came)] = np.exp(-lam)
                enlam = en_in[int(came)]
            else:
                enlam = np.exp(-lam)
            k_in[s] = _poisson(bitgen, lam, enlam)
    n_in = k_in.sum()
    in_req = np.empty(n_in, dtype=np.int64)
    k = 0
    for s in range(n):
        for _ in range(k_in[s]):
            in_req[k] = s
            k += 1
    to_mgr = np.empty(n_in, dtype=np.bool_)
    for k in range(n_in):
        to_mgr[k] = next_double(bitgen) < manager_share and manager[in_req[k]] >= 0
    in_col = np.empty(n_in, dtype=np.int64)
    n_depts = cdf.shape[0]
    for k in range(n_in):
        picked = _pick_department(cdf, dept[in_req[k]], next_double(bitgen))
        in_col[k] = n_depts if to_mgr[k] else picked
    in_prov = np.empty(n_in, dtype=np.int64)
    for k in range(n_in):
        if to_mgr[k]:
            in_prov[k] = manager[in_req[k]]
    for k in range(n_in):
        if not to_mgr[k]:
            in_prov[k] = _pick_member(
                worker_counts, worker_starts, workers, in_col[k], next_double(bitgen)
            )

    # The batch: to managers, to reports, lateral, encounter inputs (the NumPy order).
    n_in_kept = 0
    for k in range(n_in):
        if in_prov[k] >= 0 and in_prov[k] != in_req[k]:
            n_in_kept += 1
    total = n_up + n_down + n_lat_kept + n_in_kept
    requester = np.empty(total, dtype=np.int64)
    provider = np.empty(total, dtype=np.int64)
    column = np.full(total, -1, dtype=np.int16)
    k = 0
    for s in range(n):
        for _ in range(up[s]):
            requester[k] = s
            provider[k] = manager[s]
            k += 1
    for s in range(n):
        for _ in range(down[s]):
            requester[k] = manager[s]
            provider[k] = s
            k += 1
    for j in range(n_lat):
        if lat_prov[j] >= 0 and lat_prov[j] != lat_req[j]:
            requester[k] = lat_req[j]
            provider[k] = lat_prov[j]
            k += 1
    for j in range(n_in):
        if in_prov[j] >= 0 and in_prov[j] != in_req[j]:
            requester[k] = in_req[j]
            provider[k] = in_prov[j]
            column[k] = in_col[j]
            k += 1
    n_colleague = total - n_in_kept
    kind = np.full(total, _CUSTOMER, dtype=np.int8)
    for k in range(n_colleague):
        kind[k] = _AVOIDABLE if next_double(bitgen) < p_avoidable else _TASK
    hours = np.empty(total)
    for k in range(total):
        hours[k] = random_exponential(bitgen, hours_scale)
    if lateral_hours != 1.0:
        for k in range(total):
            if dept[requester[k]] != dept[provider[k]]:
                hours[k] = hours[k] * lateral_hours
    direction = np.empty(total, dtype=np.int8)
    for k in range(total):
        lr, lp = level[requester[k]], level[provider[k]]
        direction[k] = _UP if lp > lr else (_DOWN if lp < lr else _LATERAL)
    return requester, provider, direction, hours, kind, column
