"""Direction-of-effect tests for the internal half of the model (issue 2 acceptance)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import ServiceCultureModel
from sim.phases.people import update_people
from sim.phases.workforce import quit_hazard
from tests.quiet import quiet_conditions, quiet_encounters, quiet_service

# Hours run short (no overtime, little internal time): then the culture decides who waits.
SQUEEZE = {
    "workforce.overtime_max": 0.0,
    "workforce.internal_share_manager": 0.3,
    "workforce.internal_share_frontline": 0.08,
    "workforce.internal_share_support": 0.25,
}


def service_levels(direction: float, seeds=range(3), weeks=52) -> tuple[float, float, float]:
    up, down, lateral = [], [], []
    for seed in seeds:
        df = ServiceCultureModel(
            "pyramid", overrides={**SQUEEZE, "culture.service_direction": direction}, seed=seed
        ).run(weeks)
        df = df.iloc[1:]
        up.append(df["service_level_up"].mean())
        down.append(df["service_level_down"].mean())
        lateral.append(df["service_level_lateral"].mean())
    return float(np.mean(up)), float(np.mean(down)), float(np.mean(lateral))


@pytest.fixture(scope="module")
def levels() -> dict[str, tuple[float, float, float]]:
    return {
        name: service_levels(d)
        for name, d in (("pyramid", -1.0), ("two_way", 0.0), ("inverted", 1.0))
    }


def test_the_culture_decides_who_waits_when_hours_run_short(levels):
    """A manager's queue holds their boss's requests (service flowing up) and their reports'
    (service flowing down): the pyramid serves the boss first; the inverted pyramid and the
    two-way street serve the reports sooner (the two-way street also minds deadlines)."""
    for name, (up, down, _) in levels.items():
        print(f"{name}: on-time up {up:.3f}, down {down:.3f}")
    assert levels["pyramid"][0] > levels["inverted"][0] + 0.02
    assert levels["inverted"][1] > levels["pyramid"][1] + 0.02
    assert levels["two_way"][1] > levels["pyramid"][1] + 0.02


def _people_after(received: float, feedback: float | None = None) -> np.ndarray:
    model = ServiceCultureModel("pyramid", overrides={"behaviour.noise": 0.0}, seed=0)
    s = model.state
    s.received[:] = received
    if feedback is not None:
        s.feedback[:] = feedback
    before = s.morale.copy()
    update_people(
        s, model.org, model.params, quiet_conditions(), quiet_service(model),
        quiet_encounters(model), model.rng,
    )  # fmt: skip
    return (s.morale - before)[s.filled]


def test_better_service_received_raises_morale():
    worse = _people_after(received=0.3)
    better = _people_after(received=0.9)
    assert (better > worse).all()


def test_lower_morale_raises_quits():
    model = ServiceCultureModel("pyramid", seed=0)
    morale = np.linspace(0.0, 1.0, 11)
    hazard = quit_hazard(morale, np.zeros_like(morale), model.params)
    assert np.all(np.diff(hazard) < 0)
    # And in the model: a demoralized organization loses more people in its first 8 weeks.
    quits = {}
    for label, morale0 in (("low", 0.3), ("high", 0.8)):
        totals = []
        for seed in range(3):
            m = ServiceCultureModel("pyramid", seed=seed)
            m.state.morale[:] = morale0
            totals.append(m.run(8)["quits"].iloc[1:].sum())
        quits[label] = np.mean(totals)
    print(f"quits in 8 weeks: low morale {quits['low']:.1f}, high morale {quits['high']:.1f}")
    assert quits["low"] > 1.5 * quits["high"]


@pytest.fixture(scope="module")
def turnover_by_culture() -> dict[str, list[float]]:
    """Annual turnover (quits per mean headcount per year) over 5 years, 8 seeds per culture."""
    out: dict[str, list[float]] = {}
    for name in ("pyramid", "two_way"):
        values = []
        for seed in range(8):
            df = ServiceCultureModel(name, seed=seed).run(260).iloc[1:]
            values.append(df["quits"].sum() / df["headcount"].mean() / 5.0)
        out[name] = values
    return out


def test_pyramid_turnover_in_service_industry_band(turnover_by_culture):
    pyramid = float(np.mean(turnover_by_culture["pyramid"]))
    two_way = float(np.mean(turnover_by_culture["two_way"]))
    print(f"annual turnover: pyramid {pyramid:.1%}, two-way {two_way:.1%}")
    assert 0.25 <= pyramid <= 0.45


def test_two_way_turnover_clearly_lower(turnover_by_culture):
    pyramid = turnover_by_culture["pyramid"]
    two_way = turnover_by_culture["two_way"]
    # A visible margin (5 points of annual turnover) and a clear statistical separation.
    diff = np.mean(pyramid) - np.mean(two_way)
    se = np.sqrt(np.var(pyramid, ddof=1) / len(pyramid) + np.var(two_way, ddof=1) / len(two_way))
    print(f"turnover difference {diff:.3f} (Welch t = {diff / se:.1f})")
    assert diff > 0.05
    assert diff / se > 3.0
