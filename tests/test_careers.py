"""Careers: promotion from within by the culture's criteria, and attraction-selection-attrition.

Each test is a direction of effect (sim/phases/careers.py states the rules and their sources).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import ServiceCultureModel
from sim.params import Params
from sim.phases.careers import promote, promotion_score, screened_mindsets, update_pool
from sim.phases.workforce import quit_hazard
from sim.studies.stats import mean_ci


def candidates_model(direction: float) -> ServiceCultureModel:
    model = ServiceCultureModel(
        "pyramid",
        overrides={"culture.service_direction": direction, "warmup_weeks": 0},
        seed=3,
    )
    return model


@pytest.mark.parametrize(
    ("direction", "winner"),
    [(-1.0, "given_up"), (0.0, "given"), (1.0, "given_front")],
)
def test_the_culture_decides_who_is_promoted(direction: float, winner: str) -> None:
    model = candidates_model(direction)
    s = model.state
    s.given[:] = s.given_up[:] = s.given_front[:] = 0.5
    s.skill[:] = 0.5
    # Three rivals, each excellent in one direction of service only.
    rivals = {"given_up": 10, "given": 11, "given_front": 12}
    for memory, seat in rivals.items():
        getattr(s, memory)[seat] = 1.0
    score = promotion_score(s, model.params, direction)
    best = max(rivals, key=lambda m: score[rivals[m]])
    assert best == winner


def test_a_promotion_moves_the_person_and_leaves_a_chain_of_vacancies() -> None:
    model = ServiceCultureModel("pyramid", overrides={"workforce.internal_fill": 1.0}, seed=2)
    model.run(2)
    s, org = model.state, model.org
    manager = int(np.flatnonzero(org.is_manager & (org.level == org.n_levels - 2))[0])
    team = np.flatnonzero(org.manager == manager)
    star = int(team[0])
    s.role_tenure[team] = 100
    s.onboarding_left[team] = 0
    s.given[team] = 0.2
    s.given[star] = 1.0  # the two-way criterion at the pyramid's... set every memory high
    s.given_up[star] = s.given_front[star] = 1.0
    s.skill[star] = 1.0
    who, mindset = int(s.person_id[star]), float(s.mindset[star])
    s.filled[manager] = False
    s.vacancy_wait[manager] = 0.0
    done, left = promote(s, org, model.params, np.array([manager]), model.rng)
    assert done.into.tolist() == [manager] and done.from_seat.tolist() == [star]
    assert left.size == 0
    assert s.filled[manager] and s.person_id[manager] == who and s.mindset[manager] == mindset
    assert s.promotions[manager] == 1 and s.role_tenure[manager] == 0
    assert s.onboarding_left[manager] == model.params.workforce.promotion_learning_weeks
    # Their old seat falls vacant in turn, for the usual time-to-fill.
    assert not s.filled[star] and s.vacancy_wait[star] > 0
    employee = model.employee(manager)
    assert employee.levels_held == [org.n_levels - 1, org.n_levels - 2]


def test_promotions_and_the_internal_fill_share_are_reported() -> None:
    df = ServiceCultureModel("pyramid", seed=1).run(104)
    assert df["promotions"].sum() > 0
    share = df["internal_fill_share"].iloc[-1]
    assert 0.3 < share <= 1.0


def promoted_mindsets(scenario: str, seed: int, weeks: int) -> float:
    model = ServiceCultureModel(scenario, seed=seed)
    chosen: list[float] = []
    for _ in range(weeks):
        model.step()
        chosen.extend(model.last_week.workforce.promotions.mindset.tolist())
    return float(np.mean(chosen))


@pytest.mark.slow
def test_two_way_promotes_people_with_more_service_mindset_over_ten_years() -> None:
    seeds = range(1, 9)
    diff = [
        promoted_mindsets("two_way", s, 520) - promoted_mindsets("pyramid", s, 520) for s in seeds
    ]
    m, lo, _hi = mean_ci(diff)
    assert lo > 0, (m, lo)


def test_two_way_promotes_more_service_minded_people() -> None:
    diffs = [
        promoted_mindsets("two_way", s, 156) - promoted_mindsets("pyramid", s, 156) for s in (1, 2)
    ]
    assert min(diffs) > 0


def test_selection_raises_hires_mindset_at_a_cost() -> None:
    base = Params()
    screened = base.model_copy(
        update={"workforce": base.workforce.model_copy(update={"selection": 3.0})}
    )
    plain, extra0 = screened_mindsets(base, 0.0, 4000, np.random.default_rng(1))
    chosen, extra3 = screened_mindsets(screened, 0.0, 4000, np.random.default_rng(1))
    assert extra0 == 0 and extra3 == 3 * 4000
    assert chosen.mean() > plain.mean() + 0.05
    # In a whole organization: the people it hires are more service-minded, and each hire costs
    # more (the same seed: the same weeks, the same seats to fill).
    models = {
        dose: ServiceCultureModel("pyramid", overrides={"workforce.selection": dose}, seed=4)
        for dose in (0.0, 3.0)
    }
    costs = {}
    for dose, model in models.items():
        df = model.run(52)
        costs[dose] = df["cost"].sum()
    # The people hired in the last quarter: selection acts at hiring; after it, the team's
    # example and reciprocity pull newcomers toward their team (Harrison & Carroll 1991).
    newcomers = {
        dose: m.state.mindset[m.state.filled & (m.state.tenure < 13)].mean()
        for dose, m in models.items()
    }
    assert newcomers[3.0] > newcomers[0.0] + 0.03
    assert costs[3.0] > costs[0.0]


def test_the_pool_follows_the_employers_reputation() -> None:
    model = ServiceCultureModel("pyramid", overrides={"warmup_weeks": 0}, seed=5)
    s, params = model.state, model.params
    s.pool_shift = 0.0
    s.received[:] = 0.95  # an excellent internal-service employer
    for _ in range(200):
        update_pool(s, params)
    good = s.pool_shift
    s.received[:] = 0.2
    for _ in range(400):
        update_pool(s, params)
    assert good > 0.05 and s.pool_shift < 0
    bound = params.workforce.attraction_weight
    assert abs(s.pool_shift) <= bound


def test_misfits_leave_more_often() -> None:
    params = Params()
    fit = quit_hazard(np.array([0.8]), np.zeros(1), params, 0.0)
    misfit = quit_hazard(
        np.array([0.8]), np.zeros(1), params, params.workforce.misfit_sensitivity * 0.3
    )
    assert misfit[0] > 1.5 * fit[0]


def team_spread(model: ServiceCultureModel) -> float:
    """Mean within-team standard deviation of mindset (teams of at least three in post)."""
    s, org = model.state, model.org
    spreads = []
    for manager in np.flatnonzero(org.is_manager):
        members = np.flatnonzero((org.manager == manager) & s.filled)
        if members.size >= 3:
            spreads.append(s.mindset[members].std())
    return float(np.mean(spreads))


def test_teams_grow_alike() -> None:
    # From a workforce built at random (no warm-up), the manager's example, reciprocity and
    # attrition by fit make teams more homogeneous (Schneider 1987): within-team spread of
    # mindset falls and stays low.
    model = ServiceCultureModel("pyramid", overrides={"warmup_weeks": 0}, seed=6)
    start = team_spread(model)
    spreads = []
    for _ in range(4):
        model.run(26)
        spreads.append(team_spread(model))
    assert max(spreads) < 0.8 * start


def reports_mean_mindset(model: ServiceCultureModel, managers: np.ndarray) -> np.ndarray:
    s, org = model.state, model.org
    members = org.has_manager & s.filled
    total = np.bincount(org.manager[members], weights=s.mindset[members], minlength=org.n_seats)
    count = np.bincount(org.manager[members], minlength=org.n_seats)
    return total[managers] / np.maximum(count[managers], 1)


@pytest.mark.parametrize("seed", [7, 8])
def test_the_managers_mindset_leads_the_teams(seed: int) -> None:
    model = ServiceCultureModel("pyramid", seed=seed)
    model.run(52)
    managers = np.flatnonzero(model.org.is_manager & model.state.filled)
    lead = model.state.mindset[managers].copy()
    before = reports_mean_mindset(model, managers)
    model.run(52)
    change = reports_mean_mindset(model, managers) - before
    # Teams move toward their manager: those below the manager's mindset rise, those above fall.
    assert np.corrcoef(lead - before, change)[0, 1] > 0.1


def test_losing_the_promoted_persons_seat_dips_the_teams_service() -> None:
    model = ServiceCultureModel("pyramid", overrides={"workforce.internal_fill": 1.0}, seed=8)
    model.run(26)
    org, s = model.org, model.state
    backlog: list[np.ndarray] = []  # per week, hours waiting on each team (by manager seat)
    promoted: list[tuple[int, int]] = []  # (week index, seat left)
    for week in range(130):
        model.step()
        waiting = org.has_manager
        backlog.append(
            np.bincount(
                org.manager[waiting], weights=s.backlog_hours[waiting], minlength=org.n_seats
            )
        )
        promoted += [(week, int(seat)) for seat in model.last_week.workforce.promotions.from_seat]
    dips = []
    for week, seat in promoted:
        if 4 <= week < len(backlog) - 4:
            team = org.manager[seat]
            before = np.mean([backlog[w][team] for w in range(week - 4, week)])
            after = np.mean([backlog[w][team] for w in range(week + 1, week + 5)])
            dips.append(after - before)
    assert len(dips) > 10
    # In the weeks after, the teammates who carry the promoted person's work fall behind.
    assert np.mean(dips) > 0
