"""The budget phase: the revenue plan week 1 starts on, and when a shortfall is felt."""

from __future__ import annotations

import numpy as np
import pytest

from sim.interventions import LeverEffects
from sim.model import ServiceCultureModel
from sim.phases.budget import PLAN_YEAR_WEEKS, review_budget
from sim.phases.conditions import Conditions
from sim.phases.economics import Ledger

WARM = Conditions(levers=LeverEffects(), warmup=True)
RUNNING = Conditions(levers=LeverEffects())


def _ledger(revenue: float) -> Ledger:
    return Ledger(revenue=revenue, salaries=0.0, hire_cost=0.0, lever_cost=0.0)


def _season_then_calm(weeks_before: int = 120, peak_weeks: int = 6):
    """A model's state after a warm-up whose last weeks were a seasonal peak (revenue 100,
    then 150 in the warm-up's last ``peak_weeks`` weeks); returns the state, params and the
    trend of every warm-up week."""
    model = ServiceCultureModel("pyramid", {"org.headcount": 60, "warmup_weeks": 0}, seed=1)
    state, params = model.state, model.params
    state.revenue_trend = state.revenue_plan = 0.0
    trends = {}
    for week in range(1 - weeks_before, 1):
        revenue = 150.0 if week > -peak_weeks else 100.0
        review_budget(state, params, WARM, _ledger(revenue), week)
        trends[week] = state.revenue_trend
        # Nobody feels a shortfall in the warm-up, whatever the plan does.
        assert state.shortfall == 0.0 and state.insecurity == 0.0
    return state, params, trends


def test_week_1_starts_on_the_mean_trend_of_the_warm_ups_last_year():
    state, _, trends = _season_then_calm()
    last_year = [trends[w] for w in range(1 - PLAN_YEAR_WEEKS, 1)]
    assert state.revenue_plan == pytest.approx(np.mean(last_year))
    # The trend at week 0 still carries the peak; the plan mostly does not.
    assert state.revenue_trend > 1.15 * state.revenue_plan


def test_an_ordinary_year_after_a_seasonal_peak_is_no_shortfall():
    # Planned on week 0's trend alone, the calm weeks after a peak would read as a loss of about
    # a fifth of revenue, past the hiring freeze; planned on the year, they are a normal year.
    state, params, _ = _season_then_calm()
    assert (state.revenue_trend - 100.0) / state.revenue_trend > params.economics.freeze_shortfall
    for week in range(1, 53):
        review_budget(state, params, RUNNING, _ledger(100.0), week)
        assert state.insecurity == 0.0


def test_a_real_loss_after_the_warm_up_is_felt():
    state, params, _ = _season_then_calm()
    felt = []
    for week in range(1, 53):
        review_budget(state, params, RUNNING, _ledger(60.0), week)
        felt.append(state.insecurity)
    # Insecurity builds as the trend reads the loss (and eases later, as the plan adapts).
    assert felt[0] == 0.0 and max(felt) > 0.5
