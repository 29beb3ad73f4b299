"""Compiled kernels == their NumPy references, exactly, on random inputs.

Each kernel (sim/kernels) must return the same numbers as the NumPy code it replaced
(tests/kernel_reference.py) and leave the model's generator in the same state, so that the model's
results stay bit-identical. Inputs are drawn at random per seed, edge cases included (empty
cohorts, probabilities of 0 and 1, counts large enough for NumPy's BTPE branch, tied sort keys,
vacant seats, every lever's mechanism switched on).
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest

from sim.interventions import LeverEffects
from sim.kernels import cohorts, service
from sim.model import ServiceCultureModel
from sim.phases.capacity import plan_capacity
from sim.phases.conditions import Conditions
from sim.phases.customers import update_customers
from sim.phases.demand import draw_demand
from sim.phases.encounters import serve_customers
from sim.phases.requests import generate_requests
from sim.phases.service import serve_requests
from sim.state import N_BANDS
from tests import kernel_reference as ref

SEEDS = range(6)


def twin_generators(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    return np.random.default_rng(seed), np.random.default_rng(seed)


def assert_same_stream(a: np.random.Generator, b: np.random.Generator) -> None:
    """Both generators consumed the same numbers (their next draws agree)."""
    assert a.bit_generator.state == b.bit_generator.state


def random_counts(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Cohort counts: mostly empty cells, small counts, and some large enough for BTPE."""
    counts = rng.poisson(rng.choice([0.3, 5.0, 60.0], size=(rows, N_BANDS)))
    counts[rng.random((rows, N_BANDS)) < 0.5] = 0
    counts[rng.random((rows, N_BANDS)) < 0.02] = rng.integers(200, 5000)
    return counts.astype(np.int64)


def random_probabilities(rng: np.random.Generator, size: int) -> np.ndarray:
    p = rng.random(size)
    edges = rng.random(size)
    p[edges < 0.1] = 0.0
    p[(edges >= 0.1) & (edges < 0.2)] = 1.0
    p[(edges >= 0.2) & (edges < 0.3)] = 0.5
    p[(edges >= 0.3) & (edges < 0.4)] *= 0.01
    return p


@pytest.mark.parametrize("seed", SEEDS)
def test_binomial_by_band_is_numpys_binomial(seed: int) -> None:
    data = np.random.default_rng(100 + seed)
    counts = random_counts(data, 300)
    p = random_probabilities(data, N_BANDS)
    a, b = twin_generators(seed)
    got = cohorts.binomial_by_band(counts, p, a)
    np.testing.assert_array_equal(got, ref.binomial_by_band(counts, p, b))
    assert_same_stream(a, b)


@pytest.mark.parametrize("seed", SEEDS)
def test_binomial_cells_is_numpys_binomial(seed: int) -> None:
    data = np.random.default_rng(200 + seed)
    counts = random_counts(data, 300)
    for p in (0.0, 1.0, 0.5, 0.2, 0.97, float(data.random()), 1e-4):
        a, b = twin_generators(seed)
        got = cohorts.binomial_cells(counts, p, a)
        np.testing.assert_array_equal(got, ref.binomial_cells(counts, p, b))
        assert_same_stream(a, b)


@pytest.mark.parametrize("seed", SEEDS)
def test_move_bands_is_the_numpy_rule(seed: int) -> None:
    data = np.random.default_rng(300 + seed)
    counts = random_counts(data, 300)
    quality = data.random(300)
    quality[:10] = 0.0
    quality[10:20] = 1.0
    for rate in (0.25, 1.0, 0.0, float(data.random())):
        a, b = twin_generators(seed)
        got = cohorts.move_bands(counts, quality, rate, a)
        np.testing.assert_array_equal(got, ref.move_bands(counts, quality, rate, b))
        assert_same_stream(a, b)
        np.testing.assert_array_equal(got.sum(axis=1), counts.sum(axis=1))


def reference_queue(provider, key, hours, servable, diligence, room, n_seats):
    """The NumPy queue of the service phase before its kernel."""
    order = ref._stable_argsort(key)
    p_sorted = provider[order]
    h_sorted = np.where(servable[order], hours[order] * diligence[p_sorted], 0.0)
    cum = np.cumsum(h_sorted)
    group_start = ref._run_starts(p_sorted)
    within = cum - (cum - h_sorted)[group_start]
    served_sorted = servable[order] & (within <= room[p_sorted])
    served = np.empty(provider.size, dtype=bool)
    served[order] = served_sorted
    used = np.bincount(p_sorted, weights=np.where(served_sorted, h_sorted, 0.0), minlength=n_seats)
    return served, used


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ties", [False, True])
def test_queue_is_the_numpy_queue(seed: int, ties: bool) -> None:
    data = np.random.default_rng(400 + seed)
    n_seats, n = 200, 3000
    # Some providers get long queues (more than the kernel's insertion-sort run).
    provider = np.where(data.random(n) < 0.3, data.integers(0, 5, n), data.integers(0, n_seats, n))
    prio = data.random(n)
    if ties:
        prio = np.round(prio, 1)  # many equal keys: the stable order must hold
    key = provider + 0.999 * (1.0 - prio / (prio.max() + 1e-9))
    hours = data.exponential(1.5, n)
    servable = data.random(n) < 0.9
    diligence = data.uniform(0.3, 1.0, n_seats)
    room = data.uniform(0.0, 30.0, n_seats)
    got = service.serve_in_order(provider, key, hours, servable, diligence, room, n_seats)
    want = reference_queue(provider, key, hours, servable, diligence, room, n_seats)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


def test_queue_of_no_requests() -> None:
    none_i, none_f = np.empty(0, dtype=np.int64), np.empty(0)
    served, used = service.serve_in_order(
        none_i, none_f, none_f, np.empty(0, dtype=bool), np.ones(3), np.ones(3), 3
    )
    assert served.size == 0 and used.tolist() == [0.0, 0.0, 0.0]


# ------------------------------------------------------------------ whole phases on random states
ALL_LEVERS_ON = LeverEffects(
    avoidable_rate=0.6,
    request_hours=0.8,
    lateral_hours=0.7,
    age_priority=0.3,
    lateral_care=0.1,
    informed_credit=0.25,
)


def random_week(seed: int, scenario: str, levers: LeverEffects, surveyed: bool):
    """A warm model whose state is scrambled at random, and the inputs of its service phase."""
    model = ServiceCultureModel(
        scenario, overrides={"org.headcount": 400, "warmup_weeks": 8}, seed=seed
    )
    model.run(2)
    data = np.random.default_rng(500 + seed)
    s, org = model.state, model.org
    n = org.n_seats
    s.filled[:] = data.random(n) < 0.8
    for name in ("morale", "mindset", "skill", "standard", "received", "task_supply", "given"):
        setattr(s, name, data.random(n))
    s.input_supply[:] = data.random(s.input_supply.shape)
    s.customers[org.frontline] = random_counts(data, int(org.frontline.sum())) // 10
    s.market = 2 * s.active_customers  # prospects to win, new customers to route
    s.service_direction = float(data.choice([-1.0, 0.0, 1.0, data.uniform(-1, 1)]))
    # Half the cases: one culture; the others, each provider practising their own (a merger).
    s.seat_direction[:] = s.service_direction
    if seed % 2:
        s.seat_direction = data.choice([-1.0, 0.0, 1.0, s.service_direction], n)
    if surveyed:
        rating = data.uniform(1.0, 5.0, org.n_depts)
        org = dataclasses.replace(org, given_rating=rating, received_rating=rating)
    conditions = Conditions(levers=levers)
    capacity = plan_capacity(s, org, model.params, conditions)
    demand = draw_demand(s, org, model.params, conditions, model.rng)
    return model, org, conditions, capacity, demand


def assert_same(got, want, where: str) -> None:
    if isinstance(want, np.ndarray):
        np.testing.assert_array_equal(got, want, err_msg=where)
    else:
        assert got == want, where


STATE_FIELDS = (
    "received", "task_supply", "given", "input_supply", "workload", "backlog_hours",
    "customers", "feedback", "complaints", "churn_rate_memory",
)  # fmt: skip


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(
    ("scenario", "levers", "surveyed"),
    [("pyramid", LeverEffects(), False), ("airline", ALL_LEVERS_ON, True)],
)
def test_request_service_encounter_and_customer_phases_equal_their_numpy_references(
    seed: int, scenario: str, levers: LeverEffects, surveyed: bool
) -> None:
    model, org, conditions, capacity, demand = random_week(seed, scenario, levers, surveyed)
    params = model.params
    # The same inputs and generator state twice: the phases with kernels, then the references.
    state_a, state_b = model.state, copy.deepcopy(model.state)
    rng_a, rng_b = copy.deepcopy(model.rng), copy.deepcopy(model.rng)
    new_a = generate_requests(state_a, org, params, conditions, demand, rng_a)
    new_b = ref.generate_requests(state_b, org, params, conditions, demand, rng_b)
    for field in dataclasses.fields(new_b):
        assert_same(getattr(new_a, field.name), getattr(new_b, field.name), field.name)
    assert_same_stream(rng_a, rng_b)
    assert len(new_b) > 100

    out_a = serve_requests(state_a, org, params, conditions, capacity, demand, new_a, rng_a)
    out_b = ref.serve_requests(state_b, org, params, conditions, capacity, demand, new_b, rng_b)
    for field in dataclasses.fields(out_b):
        if field.name == "requests":
            continue
        assert_same(getattr(out_a, field.name), getattr(out_b, field.name), field.name)
    for field in dataclasses.fields(state_b.pending):
        name = field.name
        assert_same(getattr(state_a.pending, name), getattr(state_b.pending, name), name)
    assert_same_stream(rng_a, rng_b)
    assert 0 < out_b.resolved.sum() < out_b.resolved.size  # some served, some waiting

    args = (org, params, conditions, capacity, demand)
    met_a = serve_customers(state_a, *args, out_a, rng_a)
    met_b = ref.serve_customers(state_b, *args, out_b, rng_b)
    for field in dataclasses.fields(met_b):
        assert_same(getattr(met_a, field.name), getattr(met_b, field.name), field.name)
    assert_same_stream(rng_a, rng_b)
    assert met_b.unserved.sum() > 0 and met_b.lost_unserved > 0  # short seats were split

    lost_a = update_customers(state_a, org, params, conditions, met_a, rng_a)
    lost_b = ref.update_customers(state_b, org, params, conditions, met_b, rng_b)
    assert lost_a == lost_b
    assert lost_b.acquired > 0 and lost_b.lost > 0
    for name in STATE_FIELDS:
        assert_same(getattr(state_a, name), getattr(state_b, name), name)
    assert_same_stream(rng_a, rng_b)


@pytest.mark.parametrize("seed", SEEDS)
def test_multinomial_is_numpys(seed: int) -> None:
    data = np.random.default_rng(600 + seed)
    pvals = data.random(500) * (data.random(500) < 0.8)
    pvals /= pvals.sum()
    for n in (0, 1, 7, 300, 100_000):
        a, b = twin_generators(seed)
        np.testing.assert_array_equal(cohorts.multinomial(n, pvals, a), b.multinomial(n, pvals))
        assert_same_stream(a, b)
