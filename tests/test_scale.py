"""Scale: per-employee KPIs do not depend on the size of the organization, and agents stay lazy.

Issue 7 asks that per-employee KPIs be statistically stable from 1,000 to 10,000 employees under
the same culture. Calibration (pyramid, weeks 53-104, 8 seeds at 1,000 and 4 at 10,000 seats,
2026-11-22) gave these seed-to-seed standard deviations of one 1,000-seat run, and differences
between the two sizes of about one such standard deviation (the 10,000-seat pyramid has one level
more, so a small systematic shift is expected):

    KPI                      sd (1,000)   10k - 1k
    morale_mean              0.0040       -0.006
    turnover (1/year)        0.031        +0.026
    internal_on_time         0.0029       -0.003
    customer_satisfaction    0.0055       -0.007
    productivity             0.0050       -0.005

The tolerances below are about four of those standard deviations: a 10-fold larger organization
must look like another seed of the smaller one, not like a different organization. With 4 seeds
at 1,000 and 2 at 10,000 seats the mean difference has a standard error of about 0.6 sd, so the
test has a margin of roughly three standard errors, yet any scale bug that shifts a KPI by more
than a few percent (customers not scaling with the frontline, a per-seat rate applied per
organization) fails it.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from benchmarks.phases import COLLECT, OTHER, PHASES, phase_profile

WEEKS = 104
TOLERANCE = {
    "morale_mean": 0.02,
    "turnover": 0.12,
    "internal_on_time": 0.012,
    "customer_satisfaction": 0.022,
    "productivity": 0.02,
}


def per_employee_kpis(headcount: int, seed: int) -> dict[str, float]:
    """Second-year means of the per-employee KPIs of one pyramid run of ``headcount`` seats."""
    df = sim.run("pyramid", weeks=WEEKS, seed=seed, overrides={"org.headcount": headcount})
    year2 = df[df["week"] > WEEKS // 2]
    return {
        "morale_mean": float(year2["morale_mean"].mean()),
        # Quits per filled seat, annualized: a per-employee rate at any size.
        "turnover": float((year2["quits"] / year2["headcount"]).mean() * 52.0),
        "internal_on_time": float(year2["internal_on_time"].mean()),
        "customer_satisfaction": float(year2["customer_satisfaction"].mean()),
        "productivity": float(year2["productivity"].mean()),
    }


@pytest.fixture(scope="module")
def by_size() -> dict[int, dict[str, np.ndarray]]:
    out = {}
    for headcount, seeds in ((1_000, (11, 12, 13, 14)), (10_000, (21, 22))):
        rows = [per_employee_kpis(headcount, s) for s in seeds]
        out[headcount] = {k: np.array([r[k] for r in rows]) for k in TOLERANCE}
    return out


@pytest.mark.integration
@pytest.mark.parametrize("kpi", sorted(TOLERANCE))
def test_per_employee_kpis_stable_from_1000_to_10000(by_size, kpi: str) -> None:
    small, large = by_size[1_000][kpi], by_size[10_000][kpi]
    diff = large.mean() - small.mean()
    assert abs(diff) <= TOLERANCE[kpi], (
        f"{kpi}: mean {small.mean():.4f} at 1,000 seats vs {large.mean():.4f} at 10,000 "
        f"(difference {diff:+.4f}, tolerance {TOLERANCE[kpi]})"
    )


@pytest.mark.integration
def test_customer_base_scales_with_the_frontline() -> None:
    # The market is per_frontline x market_multiple customers per frontline seat at any size, and
    # the warm customer base is the same share of it.
    share = {}
    for headcount in (1_000, 10_000):
        model = sim.ServiceCultureModel("pyramid", overrides={"org.headcount": headcount}, seed=1)
        c = model.params.customers
        front = int(model.org.frontline.sum())
        assert model.state.market == round(round(c.per_frontline * front) * c.market_multiple)
        share[headcount] = model.state.active_customers / model.state.market
    assert share[10_000] == pytest.approx(share[1_000], abs=0.03)


def _registered_agents(model: sim.ServiceCultureModel) -> int:
    # Mesa's own registry (what Model.agents is built from), read without triggering our lazy
    # ServiceCultureModel.agents property.
    return len(super(sim.ServiceCultureModel, model).agents)


@pytest.mark.integration
def test_agents_are_created_lazily() -> None:
    model = sim.ServiceCultureModel("pyramid", overrides={"org.headcount": 5_000}, seed=1)
    assert _registered_agents(model) == 0
    model.run(3)
    assert _registered_agents(model) == 0, "stepping must not create Employee agents"
    agents = model.agents
    assert len(agents) == model.org.n_seats == 5_000
    assert _registered_agents(model) == 5_000
    # A view reads the arrays: it sees the state the columnar phases wrote.
    seat = 4_321
    assert model.employee(seat).morale == pytest.approx(float(model.state.morale[seat]))
    model.step()
    assert len(model.agents) == 5_000, "agents are created once, not per step"


def test_benchmark_phase_timer_covers_every_phase() -> None:
    # The per-phase benchmark times the week's schedule itself (sim.phases.PHASES); work done
    # outside the schedule would show up in the "other" share.
    prof = phase_profile(300, weeks=6, seed=1)
    phases = prof["phases"]
    assert set(phases) == {*PHASES, COLLECT, OTHER}
    for label in ("Demand", "Request generation", "Internal service", "Customers update"):
        assert phases[label] > 0.0, label
    assert phases[OTHER] < 0.25 * prof["total_ms_per_week"], phases


def test_customers_at_volume_ask_the_frontline_for_the_same_encounters() -> None:
    # The benchmark's "x10 customers" is ten times the customers coming ten times less often:
    # the same expected encounters per frontline seat, so it measures the cost of the customers
    # themselves; "x10 work" keeps the occasion rate and overloads the frontline.
    from benchmarks.size_run import measure
    from benchmarks.suite import _size, _variant

    base = measure(200, 4, seed=3)
    volume = measure(200, 4, seed=3, customer_multiple=10.0)
    work = measure(200, 4, seed=3, customer_multiple=10.0, work_multiple=10.0)
    assert volume["per_frontline"] == pytest.approx(10 * base["per_frontline"])
    assert volume["occasion_rate"] == pytest.approx(base["occasion_rate"] / 10)
    assert work["occasion_rate"] == pytest.approx(base["occasion_rate"])
    assert volume["customers_active_end"] > 5 * base["customers_active_end"]
    assert _variant(volume) == "x10 customers"
    assert _variant(work) == "x10 customers, x10 work"
    doc = {"sizes": [base, volume, work]}
    assert _size(doc, 200, 10.0) is volume and _size(doc, 200, 10.0, 10.0) is work
    # A file written before the variants scaled the work with the customers.
    old = {k: v for k, v in work.items() if k != "work_multiple"}
    assert _size({"sizes": [old]}, 200, 10.0, 10.0) is old
