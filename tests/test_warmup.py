"""The warm-up: the stationary tenure mix it settles, and a workforce that then holds its level."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import ServiceCultureModel
from sim.params import Params
from sim.phases.conditions import warmup_pace, warmup_settle_week
from sim.phases.workforce import renew_in_place
from sim.state import stationary_tenure


def _params(propensity_sd: float) -> Params:
    return Params.model_validate({"workforce": {"quit_propensity_sd": propensity_sd}})


def test_without_personal_differences_tenure_is_geometric_at_the_hazard():
    hazard = np.full(40_000, 0.01)
    propensity, tenure = stationary_tenure(hazard, _params(0.0), np.random.default_rng(3))
    assert np.all(propensity == 0.0)
    # Completed weeks of a geometric stay with weekly quit probability 0.01: mean 99.
    assert tenure.mean() == pytest.approx(99.0, rel=0.03)


def test_incumbents_are_the_loyal_share_of_the_pool():
    # Weighting the pool, N(-sd^2/2, sd), by the expected stay exp(-propensity) / hazard gives
    # N(-3 sd^2 / 2, sd): incumbents are less likely to leave than the hires who replace them.
    sd = 0.7
    hazard = np.full(40_000, 0.005)
    propensity, _ = stationary_tenure(hazard, _params(sd), np.random.default_rng(4))
    assert propensity.mean() == pytest.approx(-1.5 * sd**2, abs=0.04)
    assert propensity.std() == pytest.approx(sd, rel=0.06)


def test_a_higher_hazard_means_shorter_tenure():
    rng = np.random.default_rng(5)
    _, calm = stationary_tenure(np.full(20_000, 0.004), _params(0.7), rng)
    _, restless = stationary_tenure(np.full(20_000, 0.012), _params(0.7), rng)
    assert restless.mean() < 0.5 * calm.mean()


@pytest.mark.parametrize("weeks", [156, 30, 3])
def test_the_workforce_settles_once_where_the_fast_forward_ends(weeks):
    settle = warmup_settle_week(weeks)
    assert settle is not None and 1 - weeks < settle <= 0
    assert warmup_pace(settle - 1, weeks) > 1.0 and warmup_pace(settle, weeks) == 1.0


@pytest.mark.parametrize("weeks", [0, 1])
def test_a_warm_up_too_short_to_fast_forward_settles_nothing(weeks):
    assert warmup_settle_week(weeks) is None


def _yearly_tenure(warmup_weeks: int, seed: int) -> list[float]:
    model = ServiceCultureModel(
        "pyramid", {"org.headcount": 1000, "warmup_weeks": warmup_weeks}, seed=seed
    )
    state = model.state
    means = [float(state.tenure[state.filled].mean())]
    for _ in range(4):
        model.run(104)
        means.append(float(state.tenure[state.filled].mean()))
    return means


@pytest.mark.integration
@pytest.mark.xfail(
    reason="known gap: settle_tenure settles each stay on the hazard of the team's mean morale "
    "and pressure without attrition by fit, which the convex hazard and the misfit term make "
    "too low; mean tenure falls 21% over eight years (8% with both, which waits for a refit)",
    strict=False,
)
def test_after_the_warm_up_the_tenure_mix_holds_its_level():
    # The built workforce (no warm-up) is far from the mix its own quits keep, and drifts for
    # years; the warmed-up one starts at that mix. Mean tenure over three seeds, every two years.
    warm = np.mean([_yearly_tenure(156, seed) for seed in (1, 2, 3)], axis=0)
    cold = np.mean([_yearly_tenure(0, seed) for seed in (1, 2, 3)], axis=0)
    assert np.all(np.abs(warm / warm[0] - 1.0) < 0.1)
    # The cold build starts far above where the workforce settles and is still falling.
    assert cold[0] > 1.25 * warm[-1] and cold[-1] / cold[0] - 1.0 < -0.08


def _renewal_setup(pace: float, hazard: float, seed: int = 11):
    model = ServiceCultureModel("pyramid", {"org.headcount": 2000, "warmup_weeks": 0}, seed=seed)
    state, org, params = model.state, model.org, model.params
    before = {
        name: getattr(state, name).copy()
        for name in ("mindset", "standard", "expectation", "tenure", "skill", "morale", "filled")
    }
    team_standard = org.team_mean(state.standard, state.filled)
    chance = np.full(org.n_seats, hazard)
    renewed = renew_in_place(state, org, params, chance, pace, np.random.default_rng(seed))
    return state, params, before, team_standard, renewed


def test_renewal_in_place_runs_at_the_extra_pace_of_the_quit_hazard():
    # Pace 3 at a weekly hazard of 0.05: each person is renewed with probability 2 x 0.05.
    _, _, before, _, renewed = _renewal_setup(pace=3.0, hazard=0.05)
    people = int(before["filled"].sum())
    assert renewed == pytest.approx(0.1 * people, abs=4 * np.sqrt(0.09 * people))
    # At the normal pace nobody is renewed: the rule belongs to the fast-forward alone.
    _, _, _, _, none = _renewal_setup(pace=1.0, hazard=0.05)
    assert none == 0


def test_renewed_people_take_a_newcomers_attitudes_and_keep_their_seat_tenure_and_skill():
    state, params, before, team_standard, _ = _renewal_setup(pace=3.0, hazard=0.2)
    renewed = np.flatnonzero(state.mindset != before["mindset"])
    assert renewed.size > 100
    assert np.all(state.filled == before["filled"])  # no vacancy opens
    for name in ("tenure", "skill", "morale"):
        assert np.array_equal(getattr(state, name), before[name])
    assert np.allclose(state.expectation[renewed], params.behaviour.service_expectation)
    assert np.allclose(state.standard[renewed], team_standard[renewed])
    # Mindsets come from the hiring pool, not from the people they replace.
    assert state.mindset[renewed].mean() == pytest.approx(
        params.workforce.pool_mindset_mean, abs=0.02
    )
    assert abs(np.corrcoef(state.mindset[renewed], before["mindset"][renewed])[0, 1]) < 0.15
