"""The pattern table and the measures: one definition of every band, figure and window.

The fit and validate read the same pattern objects; the fit never measures a held-out pattern's
figure; every band and the analysis window are declared once (the tools compare with no band's
bound and name no window week literally); the window measures' formulas and NaN policy.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.studies import fit_defaults, patterns
from sim.studies.fit_engine import Target
from sim.studies.measures import (
    WINDOW,
    FrontlineMorale,
    Window,
    annual_turnover,
    mean_skipping_empty,
    run_window,
    simulate,
)
from sim.studies.patterns import PATTERNS, Band, Pattern, by_name
from sim.studies.verdicts import FIGURES, Figure, judge

ROOT = Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------- the table
def test_every_pattern_judges_a_registered_figure_and_every_figure_is_judged():
    measures = {p.measure for p in PATTERNS}
    assert measures <= set(FIGURES), sorted(measures - set(FIGURES))
    assert set(FIGURES) <= measures, sorted(set(FIGURES) - measures)
    names = [p.name for p in PATTERNS]
    assert len(names) == len(set(names))
    # Held out before fitting, from sources the targets do not use: at least six.
    assert len(patterns.held_out()) >= 6
    assert {p.role for p in PATTERNS} == {"fit", "held_out", "check"}


def test_the_fits_targets_are_the_tables_fit_patterns_themselves():
    assert fit_defaults.TARGETS == patterns.fit_targets()
    for target in fit_defaults.TARGETS:
        assert target is by_name(target.name)
        assert target.role == "fit"
    # The fitted file's figures are keyed by the same names.
    measured = fit_defaults.read_fitted()["measured"]
    assert set(measured) == {t.name for t in fit_defaults.TARGETS}


def test_the_fit_never_measures_a_held_out_pattern_or_a_check(monkeypatch):
    # Run the fit's measurement with the simulations replaced by a stand-in, and record which
    # figures it asks for: its targets' and nothing else.
    asked: list[str] = []

    def fake_experiments(plan, workers=1, executor=None, progress=None):
        return {
            name: pd.DataFrame({"scenario": ["pyramid"], "revenue": [100.0], "cost": [85.0]})
            for name in plan
        }

    def fake_figures(frames, names):
        names = list(names)
        asked.extend(names)
        return {name: Figure(0.5) for name in names}

    monkeypatch.setattr(fit_defaults, "run_experiments", fake_experiments)
    monkeypatch.setattr(fit_defaults, "measure_figures", fake_figures)
    measured = fit_defaults.measure({}, [1, 2], [1])
    others = {p.measure for p in PATTERNS if p.role != "fit"}
    assert asked and not set(asked) & others, sorted(set(asked) & others)
    assert set(asked) == {t.measure for t in fit_defaults.TARGETS}
    assert set(measured) == {t.name for t in fit_defaults.TARGETS} | {fit_defaults.REVENUE_SCALE}
    # 100 revenue at 85 cost is a 15% margin: the revenue per occasion stays as simulated.
    assert measured[fit_defaults.REVENUE_SCALE] == pytest.approx(fit_defaults.MEASURED_AT)


def test_the_fit_runs_only_the_experiments_its_targets_read():
    plan = fit_defaults.fit_plan({}, [1, 2, 3, 4], [1, 2])
    assert set(plan) == {"cultures", "reverse", "departments"}
    cultures = [(t.kwargs["scenario"], t.kwargs["seed"]) for t in plan["cultures"]]
    # The two main cultures on every seed, the inverted pyramid on the side seeds.
    assert cultures == [("pyramid", s) for s in (1, 2, 3, 4)] + [
        ("two_way", s) for s in (1, 2, 3, 4)
    ] + [("inverted", 1), ("inverted", 2)]
    assert {t.kwargs["arm"] for t in plan["reverse"]} == {"base", "demanding"}


# ----------------------------------------------------------------------------- verdicts
def test_a_mean_test_reads_the_estimate_and_a_ci_test_the_whole_interval():
    mean = Pattern("m", "t", "s", Band(0.0, 1.0), "revenue_gain")
    ci = Pattern("c", "t", "s", Band(0.0, math.inf), "revenue_gain", "ci")
    straddling = Figure(0.5, -0.1, 1.1)
    assert judge(mean, straddling).passed
    assert not judge(ci, straddling).passed
    assert judge(ci, Figure(0.5, 0.1, 0.9)).passed
    # Bands include their bounds; NaN never passes, and neither does a missing interval.
    assert judge(mean, Figure(1.0)).passed and judge(mean, Figure(0.0)).passed
    assert not judge(mean, Figure(math.nan)).passed
    assert not judge(ci, Figure(0.5)).passed


def test_a_patterns_loss_is_the_fit_engines():
    p = by_name("revenue_gain")
    t = Target(p.name, p.aim, p.band.low, p.band.high, p.weight)
    for measured in (0.0, 0.16, 0.5, math.nan):
        assert p.loss(measured) == t.loss(measured)
    open_band = by_name("demanding_frontline_morale")
    t = Target(open_band.name, None, open_band.band.low, open_band.band.high)
    assert open_band.loss(-0.02) == t.loss(-0.02) == 0.0 and open_band.loss(0.01) > 0


def test_bands_read_in_their_units():
    assert by_name("pyramid_turnover").band_text() == "25% to 45%"
    assert by_name("revenue_gain").band_text() == "+2% to +30%"
    assert by_name("no_service").band_text() == "at least 0 customers/week"
    assert by_name("demanding_frontline_morale").band_text() == "at most -0.005"
    gain = by_name("inverted_retention_gain")
    assert gain.show(0.04, -0.009, 0.09) == "+4.0 [-0.9, +9.0] points"
    assert gain.show(0.04) == "+4.0 points" and gain.show(math.nan) == "n/a"
    with pytest.raises(ValueError, match="aim"):
        Pattern("x", "t", "s", Band(0.0, 1.0), "revenue_gain", aim=2.0)
    with pytest.raises(ValueError):
        Band(1.0, 0.0)


# ----------------------------------------------------------------------------- declared once
def _sources(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def _number(node: ast.AST) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    return None


def test_no_tool_compares_a_figure_with_a_bands_bound_literally():
    # Bands live in the pattern table: a comparison with one of their bounds anywhere else in
    # the tools is a second copy (0 and 1 are every share's natural limits, and not counted).
    bounds = {
        b
        for p in PATTERNS
        for b in (p.band.low, p.band.high)
        if math.isfinite(b) and b not in (0.0, 1.0)
    }
    offences = []
    for path in _sources("sim/studies", "sim/cli"):
        if path.name == "patterns.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare):
                for side in (node.left, *node.comparators):
                    if _number(side) in bounds:
                        offences.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Band":
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno} builds a Band")
    assert not offences, offences


def test_the_analysis_window_is_declared_once():
    offences = []
    for path in _sources("sim", "dashboards"):
        if path.relative_to(ROOT).as_posix() == "sim/studies/measures.py":
            continue
        text = path.read_text()
        if "105-260" in text or "105 to 260" in text:
            offences.append(f"{path.relative_to(ROOT)} names weeks 105-260")
        for node in ast.walk(ast.parse(text)):
            if _number(node) == WINDOW.first:
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offences, offences


# ----------------------------------------------------------------------------- measures
def test_annual_turnover_is_one_formula_with_nan_for_no_headcount():
    assert annual_turnover(30.0, 100.0, 26) == pytest.approx(0.6)
    assert math.isnan(annual_turnover(3.0, 0.0, 52))
    series = annual_turnover(pd.Series([30.0, 3.0]), pd.Series([100.0, 0.0]), pd.Series([26, 52]))
    assert series.iloc[0] == pytest.approx(0.6) and math.isnan(series.iloc[1])


def test_compares_whole_run_turnover_uses_the_same_formula():
    from sim.studies.compare import annual_turnover as whole_run

    ts = pd.DataFrame(
        {
            "scenario": ["a"] * 3 + ["b"] * 3,
            "rep": [0] * 6,
            "step": [0, 1, 2] * 2,
            "quits": [9.0, 1.0, 3.0, 0.0, 2.0, 0.0],
            "headcount": [50.0, 40.0, 40.0, 0.0, 0.0, 0.0],
        }
    )
    out = whole_run(ts)
    assert out.loc[("a", 0)] == pytest.approx(annual_turnover(4.0, 40.0, 2))
    assert math.isnan(out.loc[("b", 0)])


def test_a_week_with_no_frontline_is_skipped_not_counted_as_zero():
    assert mean_skipping_empty([0.5, math.nan, 0.7]) == pytest.approx(0.6)
    assert math.isnan(mean_skipping_empty([math.nan, math.nan]))


def test_the_windowed_run_measures_its_window_of_the_kpi_frame():
    small = {"org.headcount": 80, "warmup_weeks": 10}
    window = Window(6, 30)
    watch = FrontlineMorale(window)
    model = simulate("pyramid", 3, small, window.last, [watch])
    df = model.kpis()
    rows = df[(df["week"] >= 6) & (df["week"] <= 30)]
    assert len(rows) == window.weeks == 25
    got = run_window("pyramid", 3, small, window, frontline=True)
    assert got["turnover"] == rows["quits"].sum() / rows["headcount"].mean() / (25 / 52)
    assert got["profit"] == rows["profit"].mean()
    assert got["customer_satisfaction"] == rows["customer_satisfaction"].mean()
    assert got["frontline_morale"] == watch.mean() and len(watch.weekly) == 25
    assert 0.0 < got["frontline_morale"] < 1.0
    assert np.isfinite(list(got.values())).all()
