"""Business units' lasting local conditions: margin per occasion and labour market.

Harter, Schmidt & Hayes (2002) find unit morale correlating about +0.15 with unit profit and
-0.36 with unit turnover, not near 1, because units differ in ways morale does not explain. The
model draws two such differences once per unit (``economics.local_price_sd``,
``workforce.local_labour_market_sd``); these tests pin what they do.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import ServiceCultureModel
from sim.params import Params
from sim.phases.workforce import settle_tenure


def _model(price_sd: float, labour_sd: float, headcount: int = 600, seed: int = 7, **extra):
    return ServiceCultureModel(
        "pyramid",
        {
            "org.headcount": headcount,
            "economics.local_price_sd": price_sd,
            "workforce.local_labour_market_sd": labour_sd,
            **extra,
        },
        seed=seed,
    )


def test_unit_factors_are_shared_by_a_team_and_average_one():
    model = _model(0.5, 0.5, headcount=3000, warmup_weeks=0)
    org, state = model.org, model.state
    teams = org.manager_safe[org.has_manager]
    for factor in (state.local_price, np.exp(state.local_quit)):
        in_team = factor[org.has_manager]
        # Everyone under one manager shares the unit's factor.
        for boss in np.unique(teams)[:50]:
            assert np.ptp(in_team[teams == boss]) == 0.0
        per_unit = np.array([in_team[teams == b][0] for b in np.unique(teams)])
        # A lognormal of mean 1 and log-sd 0.5 over several hundred units: mean near 1.
        assert per_unit.mean() == pytest.approx(1.0, abs=0.08)
        assert np.log(per_unit).std() == pytest.approx(0.5, rel=0.15)
        # The top of the organization has no unit.
        assert np.all(factor[~org.has_manager] == 1.0)


def test_without_spread_every_unit_is_alike():
    state = _model(0.0, 0.0, warmup_weeks=0).state
    assert np.all(state.local_price == 1.0)
    assert np.all(state.local_quit == 0.0)


def test_revenue_weighs_each_encounter_by_its_unit_price():
    model = _model(0.4, 0.0)
    model.step()
    week = model.last_week
    rpo = model.params.economics.revenue_per_occasion
    expected = float(week.encounters.served @ model.state.local_price) * rpo
    assert week.ledger.revenue == pytest.approx(expected, rel=1e-12)
    # The price factors differ, so this is not the plain count of encounters.
    assert week.ledger.revenue != pytest.approx(week.encounters.count * rpo, rel=1e-6)


def _quits_by_market(model: ServiceCultureModel, weeks: int) -> tuple[float, float]:
    """Quits per seat over ``weeks`` in units with a tight and with a slack labour market."""
    state, org = model.state, model.org
    before = state.seat_quits.copy()
    for _ in range(weeks):
        model.step()
    quits = (state.seat_quits - before).astype(float)
    in_unit = org.has_manager
    tight = in_unit & (state.local_quit > np.median(state.local_quit[in_unit]))
    slack = in_unit & ~tight
    return float(quits[tight].mean()), float(quits[slack].mean())


def test_units_in_a_tight_labour_market_lose_more_people():
    tight, slack = _quits_by_market(_model(0.0, 0.8, headcount=1000), 52)
    assert tight > 1.3 * slack


def test_the_settled_workforce_has_shorter_tenure_where_people_leave_more_readily():
    model = _model(0.0, 0.8, headcount=2000, warmup_weeks=0)
    state, org = model.state, model.org
    settle_tenure(state, org, model.params, np.random.default_rng(11))
    in_unit = org.has_manager & state.filled
    tight = in_unit & (state.local_quit > np.median(state.local_quit[in_unit]))
    slack = in_unit & ~tight
    assert state.tenure[tight].mean() < 0.8 * state.tenure[slack].mean()


def test_local_factors_are_drawn_when_the_model_is_built():
    from sim.params import is_structural

    assert is_structural("economics.local_price_sd")
    assert is_structural("workforce.local_labour_market_sd")
    # Out of range is refused with the allowed range.
    with pytest.raises(ValueError, match="local_price_sd"):
        Params.model_validate({"economics": {"local_price_sd": -0.1}})
