"""One test per link of the service-profit chain."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import ServiceCultureModel
from sim.phases.customers import churn_hazard, referral_intensity
from sim.phases.encounters import seat_quality
from sim.phases.people import update_people
from sim.state import BAND_VALUES
from sim.vacancies import vacate
from tests.quiet import quiet_conditions, quiet_encounters, quiet_service, set_customers


def test_higher_frontline_morale_gives_higher_encounter_quality():
    model = ServiceCultureModel("pyramid", seed=0)
    s, n = model.state, model.org.n_seats
    s.morale[:] = 0.3
    low = seat_quality(s, model.org, model.params, np.ones(n), np.ones(n))
    s.morale[:] = 0.9
    high = seat_quality(s, model.org, model.params, np.ones(n), np.ones(n))
    front = model.org.frontline & s.filled
    assert (high[front] > low[front]).all()


def _three_departments(support_share: float) -> dict:
    return {
        "org.departments": [
            {"name": "frontline", "share": 0.6, "customer_facing": True},
            {"name": "sales", "share": 0.2, "customer_facing": True},
            {"name": "operations", "share": 0.2, "customer_facing": False},
        ],
        "org.dependency": [[0.5, 0.3, 1.2], [0.3, 0.3, 1.0], [0.4, 0.2, 0.5]],
        "workforce.internal_share_support": support_share,
    }


def test_withholding_one_support_departments_service_lowers_satisfaction():
    """Weakest link: operations stops serving (no hours for requests) -> customers suffer."""
    sat = {}
    for label, share in (("serving", 0.4), ("withheld", 0.0)):
        runs = [
            ServiceCultureModel("two_way", overrides=_three_departments(share), seed=seed)
            .run(26)["customer_satisfaction"]
            .iloc[1:]
            .mean()
            for seed in range(2)
        ]
        sat[label] = float(np.mean(runs))
    print(f"satisfaction: operations serving {sat['serving']:.3f}, withheld {sat['withheld']:.3f}")
    assert sat["withheld"] < sat["serving"] - 0.03


def _seat_satisfaction(model: ServiceCultureModel, seats: np.ndarray) -> float:
    counts = model.state.customers[seats].sum(axis=0)
    return float(counts @ BAND_VALUES / counts.sum())


def test_a_frontline_employee_quitting_lowers_their_customers_satisfaction():
    model = ServiceCultureModel("two_way", seed=4)
    model.run(20)
    s, org = model.state, model.org
    seat = int(np.argmax(np.where(org.frontline & s.filled, s.customers_per_seat, -1)))
    others = np.flatnonzero(org.frontline & (np.arange(org.n_seats) != seat))
    before_theirs = _seat_satisfaction(model, np.array([seat]))
    before_others = _seat_satisfaction(model, others)
    vacate(s, np.array([seat]), mean_wait=1000.0, rng=model.rng)
    model.run(6)
    drop_theirs = before_theirs - _seat_satisfaction(model, np.array([seat]))
    drop_others = before_others - _seat_satisfaction(model, others)
    print(f"satisfaction drop: the leaver's customers {drop_theirs:.3f}, others {drop_others:.3f}")
    assert drop_theirs > 0.1
    assert drop_theirs > drop_others + 0.08


def test_lower_satisfaction_raises_churn():
    model = ServiceCultureModel("pyramid", seed=0)
    sat = np.linspace(0, 1, 21)
    assert np.all(np.diff(churn_hazard(sat, model.params)) <= 0)
    lost = {}
    for label, s0 in (("unhappy", 0.3), ("happy", 0.9)):
        m = ServiceCultureModel("pyramid", seed=1)
        set_customers(m, s0)
        lost[label] = m.run(4)["customers_lost"].iloc[1:].sum()
    assert lost["unhappy"] > 2 * lost["happy"]


def test_referrals_rise_with_satisfaction():
    model = ServiceCultureModel("pyramid", seed=0)
    sat = np.linspace(0, 1, 21)
    intensity = referral_intensity(sat, model.params)
    assert np.all(np.diff(intensity) >= 0) and intensity[-1] > intensity[0]
    refs = {}
    for label, s0 in (("lukewarm", 0.7), ("delighted", 1.0)):
        m = ServiceCultureModel("pyramid", seed=1)
        set_customers(m, s0)
        refs[label] = m.run(4)["referrals"].iloc[1:].sum()
    assert refs["delighted"] > refs["lukewarm"]


@pytest.mark.parametrize("seed", [0, 1])
def test_angry_customers_lower_frontline_morale(seed):
    deltas = {}
    for label, feedback, complaints in (("angry", 0.1, 0.6), ("happy", 0.95, 0.0)):
        model = ServiceCultureModel("pyramid", overrides={"behaviour.noise": 0.0}, seed=seed)
        s = model.state
        s.feedback[:] = feedback
        s.complaints[:] = complaints
        before = s.morale.copy()
        update_people(
            s, model.org, model.params, quiet_conditions(), quiet_service(model),
            quiet_encounters(model), model.rng,
        )  # fmt: skip
        deltas[label] = (s.morale - before)[model.org.frontline & s.filled]
    assert (deltas["angry"] < deltas["happy"]).all()


def test_satisfied_customers_buy_more_so_revenue_follows_satisfaction():
    rev = {}
    for label, s0 in (("unhappy", 0.3), ("happy", 0.9)):
        m = ServiceCultureModel("pyramid", seed=2)
        set_customers(m, s0)
        rev[label] = m.run(1)["revenue"].iloc[1]
    # The purchase rule's propensity ratio; the buying probability 1 - exp(-rate x propensity)
    # is concave in it, so revenue rises by less, but by at least half of it.
    effect = m.params.customers.satisfaction_purchase_effect
    propensity_ratio = (1 + effect * 0.4) / max(1 + effect * -0.2, 0.1)
    assert rev["happy"] > (1 + 0.5 * (propensity_ratio - 1)) * rev["unhappy"]
