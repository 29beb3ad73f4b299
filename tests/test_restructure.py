"""Restructuring mid-run: each structural event's rule and direction, the engine's invariants,
and bad input refused (issue 28).

Acceptance: a delayer at week 53 on the pyramid leaves one level fewer and no orphaned seat;
growth of 0.3 over 26 weeks raises headcount by 30% +/- 3%; a merger of pyramid with two_way
shows both cultures in the team panel at week 1 and converges after; a delayer on a two-level
organization, an unknown merger partner and growth beyond the cap exit 2.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli.main import main
from sim.params import ParameterError
from sim.restructure import (
    DEPARTMENT_COLUMNS,
    MERGE_RULES,
    Draft,
    finish,
    per_seat_fields,
    water_fill,
)
from sim.seats import organization_arrays
from sim.state import CUSTOMER, Requests, State
from sim.studies.transmission import merger_convergence, mindset_after_growth
from tests.chart_files import irregular_chart, write_csv

SMALL = {"org.headcount": 120, "warmup_weeks": 20}


def model(events: list[dict], scenario: str = "pyramid", seed: int = 1, **over):
    return sim.ServiceCultureModel(
        scenario, overrides={**SMALL, **over, "events": events}, seed=seed
    )


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_sound(m: sim.ServiceCultureModel) -> None:
    """The organization is one tree with levels = depths and consistent derived arrays, and
    every state array has one row per seat."""
    org, state = m.org, m.state
    n = org.n_seats
    assert (org.manager < 0).sum() == 1, "exactly one top"
    has = org.manager >= 0
    assert (org.manager[has] < n).all(), "no seat reports to a seat that does not exist"
    assert (org.level[org.manager[has]] == org.level[has] - 1).all(), "levels are depths"
    assert org.n_levels == org.level.max() + 1
    derived = organization_arrays(org.level, org.dept, org.manager, org.n_depts)
    np.testing.assert_array_equal(derived["n_reports"], org.n_reports)
    assert derived["level_sizes"] == org.level_sizes
    assert org.frontline.any()
    for name in per_seat_fields(state, n):
        assert getattr(state, name).shape[0] == n, name
        assert getattr(state, name).flags.c_contiguous, f"{name}: the kernels need C order"
    for f in dataclasses.fields(State):
        value = getattr(state, f.name)
        if isinstance(value, np.ndarray) and value.ndim:
            assert value.shape[0] == n, f"{f.name} was not remapped to the new seats"
    assert state.input_supply.shape[1] == org.n_depts + 1
    assert (state.customers[~org.frontline] == 0).all(), "customers sit on the frontline"
    p = state.pending
    assert ((p.requester >= 0) & (p.requester < n)).all()
    assert ((p.provider >= 0) & (p.provider < n)).all()
    assert (p.column[p.kind == CUSTOMER] <= org.n_depts).all()


# ----------------------------------------------------------------------------- the engine
def test_every_per_seat_field_of_the_state_follows_its_seat():
    # Fails for a per-seat field that is not remapped: every array field with one row per seat
    # before the restructuring has one row per new seat after, each row its old seat's.
    m = model([])
    m.run(2)
    before = {f.name: np.array(getattr(m.state, f.name), copy=True)
              for f in dataclasses.fields(State)
              if isinstance(getattr(m.state, f.name), np.ndarray)}  # fmt: skip
    n_old = m.org.n_seats
    seat_fields = per_seat_fields(m.state, n_old)
    assert set(seat_fields) == {k for k, v in before.items() if v.shape[0] == n_old}
    draft = Draft.of(m.org)
    draft.remove(np.flatnonzero(m.org.level == m.org.n_levels - 1)[:5])
    change = finish(draft, m.state, m.params, m.rng, ("test",))
    kept = change.origin >= 0
    for name in seat_fields:
        after = getattr(m.state, name)
        assert after.shape[0] == change.org.n_seats, name
        if name in ("filled", "vacancy_wait", "onboarding_left", "customers", "backlog_hours"):
            continue  # the leavers' seats are gone; the others are checked below
        np.testing.assert_array_equal(after[kept], before[name][change.origin[kept]], name)


def test_department_wide_arrays_are_declared():
    # A per-seat array whose width follows the number of departments must be remapped by
    # department (DEPARTMENT_COLUMNS); a new one fails here until it is declared.
    three = [{"name": n, "share": s, "customer_facing": f}
             for n, s, f in (("a", 0.5, True), ("b", 0.3, False), ("c", 0.2, False))]  # fmt: skip
    two = [{"name": "a", "share": 0.6, "customer_facing": True}, {"name": "b", "share": 0.4}]
    m3 = model([], **{"org.departments": three, "warmup_weeks": 0})
    m2 = model([], **{"org.departments": two, "warmup_weeks": 0})
    n = m3.org.n_seats
    for name in per_seat_fields(m3.state, n):
        a, b = getattr(m3.state, name), getattr(m2.state, name)
        if a.ndim > 1 and a.shape[1:] != b.shape[1:]:
            assert name in DEPARTMENT_COLUMNS, f"{name}: its columns are departments"


def test_every_organization_wide_field_has_a_merge_rule():
    n = 50
    m = model([], **{"org.headcount": n, "warmup_weeks": 0})
    seat = set(per_seat_fields(m.state, m.org.n_seats))
    others = {f.name for f in dataclasses.fields(State)} - seat - {"pending"}
    assert others <= set(MERGE_RULES), f"no merge rule for {sorted(others - set(MERGE_RULES))}"


def test_water_fill_tops_up_the_smallest_teams_first_and_never_beyond_the_cap():
    np.testing.assert_array_equal(water_fill(np.array([5, 2, 4]), 3, 6), [0, 3, 0])
    np.testing.assert_array_equal(water_fill(np.array([5, 2, 4]), 99, 6), [1, 4, 2])
    np.testing.assert_array_equal(water_fill(np.array([3, 3]), 3, 8), [2, 1])


def test_requests_of_a_removed_seat_are_dropped_and_to_it_pass_up_the_line():
    m = model([])
    m.run(1)
    org = m.org
    leaf = int(np.flatnonzero(org.level == org.n_levels - 1)[0])
    boss = int(org.manager[leaf])
    other = int(np.flatnonzero((org.level == org.n_levels - 1) & (np.arange(org.n_seats) != leaf)
                               & (org.manager != boss))[0])  # fmt: skip
    i = np.array
    m.state.pending = Requests(i([leaf, other]), i([other, leaf]), i([2, 2], np.int8),
                               i([1.0, 2.0]), i([1, 1], np.int16), i([0, 0], np.int8),
                               i([-1, -1], np.int16))  # fmt: skip
    draft = Draft.of(org)
    draft.remove(np.array([leaf]))
    change = finish(draft, m.state, m.params, m.rng, ("test",))
    new_of_old = {int(o): k for k, o in enumerate(change.origin) if o >= 0}
    p = m.state.pending
    assert len(p) == 1, "the removed seat's own request is dropped"
    assert p.requester[0] == new_of_old[other]
    assert p.provider[0] == new_of_old[boss], "the request to it falls to its manager"
    assert m.state.backlog_hours[new_of_old[boss]] == 2.0


def test_customers_of_removed_frontline_seats_move_to_colleagues_and_none_is_lost():
    m = model([{"type": "downsize", "week": 1, "share": 0.3, "weeks": 1}])
    m.run(0)
    before = m.state.active_customers
    m.step()  # the downsize acts before week 1's phases; customers churn only in them
    change = m.restructured[0][1]
    assert change.removed == round(0.3 * 120)
    # What week 1's customer phase did is in its KPIs: before it, nobody was lost.
    lost = m.last_week.kpis["customers_lost"]
    won = m.last_week.kpis["customers_acquired"]
    assert m.state.active_customers == before - lost + won
    assert_sound(m)


# ----------------------------------------------------------------------------- delayer
def test_a_delayer_at_week_53_leaves_one_level_fewer_and_no_orphaned_seat():
    m = sim.ServiceCultureModel(
        "pyramid", overrides={"events": [{"type": "delayer", "week": 53}]}, seed=0
    )
    before = sim.org_metrics(m).loc["organization"]
    m.run(53)
    after = sim.org_metrics(m).loc["organization"]
    assert after["layers"] == before["layers"] - 1
    assert_sound(m)
    assert after["median_span"] >= before["median_span"], "the spans above widen"
    # The removed level's people were laid off, and that shows as layoffs in week 53.
    week, change = m.restructured[0]
    assert week == 53 and change.laid_off > 0
    assert m.kpis()["layoffs"].iloc[53] >= change.laid_off


def test_servicechain_org_shows_the_delayered_organization(capsys):
    code, out, err = run_cli(capsys, "org", "pyramid", "--week", "53", "--set",
                             'events=[{type = "delayer", week = 53}]')  # fmt: skip
    assert code == 0, err
    assert "3 layers" in " ".join(out.split())
    code, out, _ = run_cli(capsys, "org", "pyramid")
    assert "4 layers" in " ".join(out.split())


def test_a_delayer_that_moves_its_people_keeps_them_as_individual_contributors():
    m = model([{"type": "delayer", "week": 1, "people": "move"}])
    n, levels = m.org.n_seats, m.org.n_levels
    m.run(1)
    assert m.org.n_seats == n and m.org.n_levels == levels - 1
    assert m.restructured[0][1].laid_off == 0
    assert_sound(m)


def test_a_delayer_on_a_two_level_organization_is_refused(capsys):
    with pytest.raises(ParameterError, match="no middle management level"):
        model([{"type": "delayer", "week": 5}], **{"org.levels": 2})
    code, _, err = run_cli(capsys, "run", "pyramid", "--weeks", "2", "--set", "org.levels=2",
                           "--set", 'events=[{type = "delayer", week = 1}]')  # fmt: skip
    assert code == 2 and err.startswith("error:") and "3 levels" in err
    assert "Traceback" not in err
    with pytest.raises(ParameterError, match="level = 3 cannot be removed"):
        model([{"type": "delayer", "week": 5, "level": 3}])


# ----------------------------------------------------------------------------- respan
@pytest.mark.parametrize("target", [3.0, 12.0])
def test_respan_moves_spans_to_the_target(target):
    m = model([{"type": "respan", "week": 1, "span": target}])
    before = sim.org_metrics(m).loc["organization", "median_span"]
    df = m.run(1)
    after = sim.org_metrics(m).loc["organization", "median_span"]
    assert abs(after - target) < abs(before - target)
    assert_sound(m)
    change = m.restructured[0][1]
    if target > before:  # widening merges teams: surplus managers go (laid off)
        assert change.removed > 0 and change.laid_off > 0 and change.added == 0
    else:  # narrowing splits them: new manager seats, vacant until hired
        assert change.added > 0 and change.removed == 0
        assert df["vacancies"].iloc[1] > df["vacancies"].iloc[0], "new seats open vacant"


# ----------------------------------------------------------------------------- growth
def test_growth_of_30_percent_over_26_weeks_raises_headcount_by_30_percent():
    growth = [{"type": "growth", "week": 1, "share": 0.3, "weeks": 26}]
    grown = sim.ServiceCultureModel("pyramid", overrides={"events": growth}, seed=2)
    same = sim.ServiceCultureModel("pyramid", seed=2)
    a, b = grown.run(52), same.run(52)
    assert grown.org.n_seats == pytest.approx(1.3 * same.org.n_seats, abs=1)
    ratio = a["headcount"].iloc[40:].mean() / b["headcount"].iloc[40:].mean()
    assert ratio == pytest.approx(1.3, abs=0.03)
    assert_sound(grown)
    # New seats come in existing teams up to the span, then in new teams (the top, who has
    # nobody to share new teams with, takes the new managers above).
    below_top = grown.org.is_manager & grown.org.has_manager
    assert grown.org.n_reports[below_top].max() <= same.org.n_reports.max()
    assert grown.org.is_manager.sum() > same.org.is_manager.sum(), "new teams opened"


def test_growth_from_a_different_pool_dilutes_the_culture_and_socialization_keeps_it_uniform():
    # Harrison & Carroll (1991): hiring brings the pool's values in, so fast growth moves the
    # culture toward the pool; socialization (the manager's example) keeps it uniform. The pool
    # is far below the incumbents' mindset from week 1.
    for seed in (1, 2):
        steady, _ = mindset_after_growth(0.0, 0.02, seed)
        grown, spread = mindset_after_growth(0.5, 0.02, seed)
        _, socialized = mindset_after_growth(0.5, 0.1, seed)
        assert grown < steady - 0.05, "growth from the pool dilutes the culture"
        assert socialized < spread, "stronger socialization keeps the culture more uniform"


def test_growth_beyond_the_headcount_cap_is_refused(capsys):
    with pytest.raises(ParameterError, match="cap of 100,000"):
        model(
            [{"type": "growth", "week": 1, "share": 5.0, "weeks": 4}], **{"org.headcount": 20_000}
        )
    growth = 'events=[{type = "growth", week = 1, share = 2, weeks = 4}]'
    code, _, err = run_cli(
        capsys, "run", "pyramid", "--weeks", "2", "--set", "org.headcount=40000", "--set", growth
    )
    assert code == 2 and "100,000" in err and "Traceback" not in err


# ----------------------------------------------------------------------------- downsize
def test_downsize_cuts_seats_vacancies_first_and_counts_the_people_as_layoffs():
    m = model([{"type": "downsize", "week": 1, "share": 0.1, "weeks": 4}])
    n = m.org.n_seats
    vacant = int((~m.state.filled).sum())
    df = m.run(6)
    assert m.org.n_seats == n - round(0.1 * n)
    removed = sum(c.removed for _, c in m.restructured)
    laid_off = sum(c.laid_off for _, c in m.restructured)
    assert laid_off <= removed - min(vacant, removed) + 4, "open positions are cut first"
    assert df["layoffs"].iloc[1:5].sum() >= laid_off
    assert_sound(m)


def test_downsized_survivors_react_as_to_any_layoff():
    # The people cut count in Conditions.laid_off, the figure the survivors' reaction reads.
    m = model([{"type": "downsize", "week": 1, "share": 0.2, "weeks": 1}])
    m.state.filled[:] = True  # everyone in post, so every cut is a person
    m.step()
    change = m.restructured[0][1]
    assert m.last_week.conditions.laid_off == change.laid_off == change.removed > 0


# ----------------------------------------------------------------------------- centralize
def test_centralize_moves_a_support_department_into_one_shared_service_unit():
    m = model([{"type": "centralize", "week": 1, "department": "operations"},
               {"type": "centralize", "week": 1, "department": "support_functions"}])  # fmt: skip
    names = list(m.org.dept_names)
    d_ops, d_sup = names.index("operations"), names.index("support_functions")
    asked = m.org.dependency[:, d_ops] + m.org.dependency[:, d_sup]
    seats = int((m.org.dept == d_ops).sum() + (m.org.dept == d_sup).sum())
    m.run(1)
    assert "shared_services" in m.org.dept_names and "operations" not in m.org.dept_names
    shared = m.org.dept_names.index("shared_services")
    unit = np.flatnonzero(m.org.dept == shared)
    assert unit.size == seats
    heads = unit[~np.isin(m.org.manager[unit], unit)]
    assert heads.size == 1 and m.org.level[heads[0]] == 1, "one unit under a head below the top"
    # What the others asked of both functions they now ask of the shared service.
    others = [i for i, n in enumerate(names) if n not in ("operations", "support_functions")]
    new_index = [m.org.dept_names.index(names[i]) for i in others]
    np.testing.assert_allclose(m.org.dependency[new_index, shared], asked[others])
    assert_sound(m)


def test_centralizing_a_customer_facing_or_unknown_department_is_refused():
    with pytest.raises(ParameterError, match="serves external customers"):
        model([{"type": "centralize", "week": 1, "department": "sales"}])
    with pytest.raises(ParameterError, match="unknown department 'hr'"):
        model([{"type": "centralize", "week": 1, "department": "hr"}])


# ----------------------------------------------------------------------------- merger
def test_a_merger_joins_the_partner_under_the_top_with_its_own_culture(tmp_path):
    partner = tmp_path / "partner.toml"
    partner.write_text('extends = "two_way"\nwarmup_weeks = 20\n[org]\nheadcount = 80\n')
    m = model([{"type": "merger", "week": 1, "partner": str(partner)}])
    n, heads = m.org.n_seats, int((m.org.level == 1).sum())
    m.run(1)
    assert m.org.n_seats == n + 80
    assert_sound(m)
    assert (m.org.level == 1).sum() == heads + 1, "the partner's top reports to the top"
    directions = m.state.seat_direction[m.state.filled]
    assert directions.min() == -1.0 and directions.max() == 0.0, "two cultures at week 1"


def test_an_unknown_merger_partner_is_refused(capsys):
    with pytest.raises(ParameterError, match="unknown scenario 'acme'"):
        model([{"type": "merger", "week": 3, "partner": "acme"}])
    code, _, err = run_cli(capsys, "run", "pyramid", "--weeks", "1", "--set",
                           'events=[{type = "merger", week = 1, partner = "pyramd"}]')  # fmt: skip
    err = " ".join(err.split())
    assert code == 2 and "Did you mean 'pyramid'" in err and "Traceback" not in err


def test_the_merged_cultures_are_visible_at_week_1_and_converge():
    spread = merger_convergence("pyramid", "two_way", seed=3, weeks=104)
    assert spread.loc[1, "lowest"] < -0.9 and spread.loc[1, "highest"] > -0.1, "both at week 1"
    assert spread.loc[52, "spread"] < spread.loc[1, "spread"], "they converge"
    assert spread.loc[104, "spread"] < spread.loc[1, "spread"] / 4


@pytest.mark.slow
def test_a_merger_of_pyramid_with_two_way_runs_260_weeks_and_converges():
    spread = merger_convergence("pyramid", "two_way", seed=0, weeks=260)
    kpis = spread.attrs["kpis"]
    assert len(kpis) == 261 and kpis.notna().all().all()
    assert spread.loc[1, "spread"] > 0.3 and spread.loc[260, "spread"] < spread.loc[1, "spread"] / 5


# ----------------------------------------------------------------------------- charts and scale
def test_every_event_keeps_an_imported_chart_sound(tmp_path):
    path = write_csv(tmp_path / "chart.csv", irregular_chart(300, seed=4))
    events = [
        {"type": "growth", "week": 1, "share": 0.2, "weeks": 2},
        {"type": "delayer", "week": 3},
        {"type": "respan", "week": 4, "span": 6},
        {"type": "downsize", "week": 5, "share": 0.1, "weeks": 1},
        {"type": "centralize", "week": 6, "department": "d3"},
        {"type": "merger", "week": 7, "partner": "pyramid"},
    ]
    m = sim.ServiceCultureModel(
        "pyramid", overrides={"org.chart": str(path), "warmup_weeks": 10, "events": events}, seed=1
    )
    for _ in range(1, 9):
        m.step()
        assert_sound(m)
    assert [w for w, _ in m.restructured] == [1, 2, 3, 4, 5, 6, 7]
    assert m.org.seat_ids is not None and (m.org.seat_ids == "").sum() > 0


def test_a_merger_partner_file_is_found_beside_its_scenario(tmp_path, monkeypatch):
    (tmp_path / "partner.toml").write_text('extends = "two_way"\nwarmup_weeks = 10\n'
                                           "[org]\nheadcount = 40\n")  # fmt: skip
    (tmp_path / "acquirer.toml").write_text(
        'extends = "pyramid"\nwarmup_weeks = 10\n[org]\nheadcount = 60\n'
        '[[events]]\ntype = "merger"\nweek = 1\npartner = "partner.toml"\n'
    )
    monkeypatch.chdir(tmp_path.parent)  # relative to the scenario file, not the working folder
    m = sim.ServiceCultureModel(str(tmp_path / "acquirer.toml"), seed=1)
    m.run(1)
    assert m.org.n_seats == 100
    assert_sound(m)


def test_a_restructured_model_resumes_from_its_snapshot_exactly():
    events = [{"type": "growth", "week": 1, "share": 0.2, "weeks": 4},
              {"type": "merger", "week": 2, "partner": "two_way"}]  # fmt: skip
    m = model(events)
    m.run(3)  # mid-growth, after the merger
    resumed = sim.ServiceCultureModel.from_snapshot(m.snapshot())
    pd.testing.assert_frame_equal(m.run(4), resumed.run(4))
    assert resumed.org.n_seats == m.org.n_seats and resumed.structure == m.structure
