"""Binomial draws over customer cohorts, bit-identical to NumPy's ``Generator.binomial``.

Customer cohorts are (seats x satisfaction bands) integer counts, and most rules draw one
binomial per cohort: how many came, how many left, how many moved up a band. NumPy's
``rng.binomial(counts, p)`` spends most of its time on the broadcasting machinery and on
recomputing the inversion setup (a ``log`` and an ``exp``) for every cell. These kernels walk the
cells in the same (C) order and draw with NumPy's own algorithm, so they consume the generator's
stream exactly as NumPy does and return the same numbers:

- a cell with ``n == 0`` or ``p == 0`` draws nothing and is 0 (as in NumPy);
- ``min(p, 1 - p) x n <= 30``: inversion (NumPy's ``random_binomial_inversion``); where one
  probability serves a whole band, its terms are tabulated once per (band, n) (see below);
- otherwise BTPE, through numba's port of NumPy's ``random_binomial``.

``tests/test_kernels.py`` checks every kernel against ``rng.binomial`` exactly.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.np.random.distributions import random_binomial
from numba.np.random.generator_core import next_double

from sim.state import BAND_VALUES, N_BANDS

# The kernels take the model's Generator and draw from its bit generator (``rng.bit_generator``)
# with numba's ports of NumPy's primitives: ``next_double`` is NumPy's ``rng.random()`` draw and
# ``random_binomial`` NumPy's binomial. Passing the bit generator to helper functions rather than
# the Generator spares a reference count per call (about 15 ns, as much as a draw).


@njit(cache=True)
def _inversion(bitgen, n, p, q, qn):
    """NumPy's ``random_binomial_inversion`` for ``p <= 0.5`` with its setup ``qn = q^n`` given.

    The draw is the same number NumPy returns for the same generator state: the same uniform
    draws and the same floating-point operations in the same order.
    """
    np_ = n * p
    bound = min(float(n), np_ + 10.0 * np.sqrt(np_ * q + 1.0))
    x = 0
    px = qn
    u = next_double(bitgen)
    while u > px:
        x += 1
        if x > bound:
            x = 0
            px = qn
            u = next_double(bitgen)
        else:
            u -= px
            px = ((n - x + 1) * p * px) / (x * q)
    return x


@njit(cache=True)
def _draw(bitgen, n, p):
    """One binomial(n, p) draw as NumPy's ``random_binomial`` makes it."""
    if n == 0 or p == 0.0:
        return 0
    r = p if p <= 0.5 else 1.0 - p
    if r * n > 30.0:
        return random_binomial(bitgen, n, p)  # BTPE: numba's port of NumPy's algorithm
    q = 1.0 - r
    x = _inversion(bitgen, n, r, q, np.exp(n * np.log(q)))
    return x if p <= 0.5 else n - x


# Inversion tables. When one probability serves many cells (a probability per band), the
# inversion's terms px_0 = q^n, px_x = ((n - x + 1) p px_{x-1}) / (x q) depend on (band, n) only:
# they are computed once, by the same operations in the same order, and every draw then walks
# its table instead of redoing a log, an exp and a division per step. Same numbers, a fraction
# of the time.
_TABLE_WIDTH = 4096  # counts up to this get tables; larger ones are drawn as _draw does


@njit(cache=True)
def _mark(need, j, n, p):
    """Note that a draw of binomial(n, p) for band j will use the inversion (and its table)."""
    if n == 0 or p == 0.0 or n >= need.shape[1]:
        return
    r = p if p <= 0.5 else 1.0 - p
    if r * n <= 30.0:
        need[j, n] = True


@njit(cache=True)
def _build_tables(need, p):
    """The inversion tables of every (band j, count n) in ``need``, band j's probability p[j].

    Returns:
        (start, bounds, pool): table of (j, n) is ``pool[start[j, n]:]`` (-1 = none), its terms
        px_0 .. px_floor(bound); ``bounds[j, n]`` is NumPy's restart bound.
    """
    bands, width = need.shape
    start = np.full((bands, width), -1, dtype=np.int64)
    bounds = np.zeros((bands, width))
    total = 0
    for j in range(bands):
        r = p[j] if p[j] <= 0.5 else 1.0 - p[j]
        q = 1.0 - r
        for n in range(width):
            if need[j, n]:
                np_ = n * r
                bound = min(float(n), np_ + 10.0 * np.sqrt(np_ * q + 1.0))
                start[j, n] = total
                bounds[j, n] = bound
                total += int(bound) + 1
    pool = np.empty(total)
    for j in range(bands):
        r = p[j] if p[j] <= 0.5 else 1.0 - p[j]
        q = 1.0 - r
        for n in range(width):
            s = start[j, n]
            if s >= 0:
                pool[s] = np.exp(n * np.log(q))
                for x in range(1, int(bounds[j, n]) + 1):
                    pool[s + x] = ((n - x + 1) * r * pool[s + x - 1]) / (x * q)
    return start, bounds, pool


@njit(cache=True)
def _draw_tabled(bitgen, n, p, j, start, bounds, pool):
    """One binomial(n, p) draw as NumPy makes it, by the (j, n) table when there is one."""
    if n == 0 or p == 0.0:
        return 0
    s = start[j, n] if n < start.shape[1] else -1
    if s < 0:
        return _draw(bitgen, n, p)
    bound = bounds[j, n]
    x = 0
    u = next_double(bitgen)
    while u > pool[s + x]:
        x += 1
        if x > bound:
            x = 0
            u = next_double(bitgen)
        else:
            u -= pool[s + x - 1]
    return x if p <= 0.5 else n - x


@njit(cache=True)
def binomial_by_band(counts, p, rng):
    """``rng.binomial(counts, p[None, :])``: one draw per cohort, a probability per band.

    Args:
        counts: (rows x bands) int64 counts.
        p: Probability per band (column).
        rng: The model's ``numpy.random.Generator``.

    Returns:
        (rows x bands) int64 draws.
    """
    rows, bands = counts.shape
    out = np.zeros((rows, bands), dtype=np.int64)
    width = min(counts.max() + 1, _TABLE_WIDTH) if counts.size else 1
    need = np.zeros((bands, width), dtype=np.bool_)
    for i in range(rows):
        for j in range(bands):
            _mark(need, j, counts[i, j], p[j])
    start, bounds, pool = _build_tables(need, p)
    bitgen = rng.bit_generator
    for i in range(rows):
        for j in range(bands):
            n = counts[i, j]
            if n > 0:
                out[i, j] = _draw_tabled(bitgen, n, p[j], j, start, bounds, pool)
    return out


@njit(cache=True)
def binomial_cells(counts, p, rng):
    """``rng.binomial(counts, p)`` with one probability for every cell.

    Args:
        counts: (rows x bands) int64 counts.
        p: The probability.
        rng: The model's ``numpy.random.Generator``.

    Returns:
        (rows x bands) int64 draws.
    """
    probability = np.full(counts.shape[1], p)
    return binomial_by_band(counts, probability, rng)


@njit(cache=True)
def move_bands(counts, quality, rate, rng):
    """Move cohorts toward ``quality`` by ``rate``, rounding to one of the two nearest bands.

    The same numbers as the NumPy rule: per cell, ``target = (1 - rate) x band + rate x
    quality[row]``, ``pos = clip(target x (N_BANDS - 1), 0, N_BANDS - 1)``, ``low =
    min(floor(pos), N_BANDS - 2)``; ``up = rng.binomial(count, pos - low)`` of the cell's
    customers land in band ``low + 1``, the rest in ``low``.

    Args:
        counts: (rows x N_BANDS) int64 customers who had an encounter.
        quality: Quality each row's customers experienced (0-1).
        rate: Pull of satisfaction toward the quality.
        rng: The model's ``numpy.random.Generator``.

    Returns:
        (rows x N_BANDS) int64: the same customers in their new bands.
    """
    rows = counts.shape[0]
    top = N_BANDS - 1
    moved = np.zeros((rows, N_BANDS), dtype=np.int64)
    bitgen = rng.bit_generator
    for i in range(rows):
        for j in range(N_BANDS):
            n = counts[i, j]
            if n == 0:
                continue  # nothing to move, and NumPy draws nothing for an empty cell
            target = (1.0 - rate) * BAND_VALUES[j] + rate * quality[i]
            pos = min(max(target * top, 0.0), float(top))
            low = min(int(np.floor(pos)), top - 1)
            up = _draw(bitgen, n, pos - low)
            moved[i, low] += n - up
            moved[i, low + 1] += up
    return moved


@njit(cache=True)
def settle_encounters(customers, buyers, front, short, short_served, quality, leave_p, rate, rng):
    """The customers' side of the week's encounters, in place on ``customers``.

    The NumPy rule, draw for draw: per frontline seat (row of ``front``), ``served`` is who came
    (``buyers``) except on the short seats, whose served split is ``short_served``; of the
    ``unserved = buyers - served``, ``leaving = rng.binomial(unserved, leave_p)`` leave at once;
    then the served move toward their seat's ``quality`` and those who stay unserved toward 0
    (:func:`move_bands`, all served cells first, then all unserved ones); those who came leave
    their band and re-enter it where they moved.

    Args:
        customers: (seats x bands) cohorts, updated in place.
        buyers: (seats x bands) customers who came.
        front: Frontline seats.
        short: Positions in ``front`` of the seats that could not serve all who came (sorted).
        short_served: (len(short) x bands) who was served at those seats.
        quality: Per seat, this week's encounter quality.
        leave_p: Probability that a customer who got no service leaves at once.
        rate: Pull of satisfaction toward the quality.
        rng: The model's ``numpy.random.Generator``.

    Returns:
        (left, served, came): customers who left unserved; per row of ``front``, customers
        served and customers who came.
    """
    rows = front.size
    served = np.empty((rows, N_BANDS), dtype=np.int64)
    k = 0
    for i in range(rows):
        if k < short.size and short[k] == i:
            served[i] = short_served[k]
            k += 1
        else:
            served[i] = buyers[front[i]]
    unserved = np.empty((rows, N_BANDS), dtype=np.int64)
    for i in range(rows):
        for j in range(N_BANDS):
            unserved[i, j] = buyers[front[i], j] - served[i, j]
    leaving = binomial_cells(unserved, leave_p, rng)
    stay = unserved - leaving
    left = leaving.sum()
    front_quality = np.empty(rows)
    for i in range(rows):
        front_quality[i] = quality[front[i]]
    moved_served = move_bands(served, front_quality, rate, rng)
    moved_unserved = move_bands(stay, np.zeros(rows), rate, rng)
    n_served = np.zeros(rows, dtype=np.int64)
    n_came = np.zeros(rows, dtype=np.int64)
    for i in range(rows):
        s = front[i]
        for j in range(N_BANDS):
            customers[s, j] += moved_served[i, j] + moved_unserved[i, j] - buyers[s, j]
            n_served[i] += served[i, j]
            n_came[i] += buyers[s, j]
    return left, n_served, n_came


@njit(cache=True)
def churn(customers, front, hazard, rng):
    """Churn in place: ``lost = rng.binomial(customers[front], hazard[None, :])`` leave.

    Returns:
        (lost, per_band): customers lost, and the customers per band before the churn.
    """
    per_band = np.zeros(N_BANDS, dtype=np.int64)
    for i in range(front.size):
        for j in range(N_BANDS):
            per_band[j] += customers[front[i], j]
    width = 1
    for i in range(front.size):
        for j in range(N_BANDS):
            width = max(width, min(customers[front[i], j] + 1, _TABLE_WIDTH))
    need = np.zeros((N_BANDS, width), dtype=np.bool_)
    for i in range(front.size):
        for j in range(N_BANDS):
            _mark(need, j, customers[front[i], j], hazard[j])
    start, bounds, pool = _build_tables(need, hazard)
    bitgen = rng.bit_generator
    lost = 0
    for i in range(front.size):
        s = front[i]
        for j in range(N_BANDS):
            n = customers[s, j]
            if n > 0:
                gone = _draw_tabled(bitgen, n, hazard[j], j, start, bounds, pool)
                customers[s, j] = n - gone
                lost += gone
    return lost, per_band


@njit(cache=True)
def multinomial(n, pvals, rng):
    """``rng.multinomial(n, pvals)``: NumPy's conditional binomials, category by category."""
    d = pvals.size
    out = np.zeros(d, dtype=np.int64)
    remaining_p = 1.0
    left = n
    bitgen = rng.bit_generator
    for j in range(d - 1):
        out[j] = _draw(bitgen, left, pvals[j] / remaining_p)
        left -= out[j]
        if left <= 0:
            break
        remaining_p -= pvals[j]
    if left > 0:
        out[d - 1] = left
    return out
