"""`servicechain validate`: a reduced suite in the normal run, the full one marked slow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.scenario import CULTURE_PRESETS
from sim.studies import fit_defaults
from sim.studies.measures import RELIABILITY_FLOOR, corrected_correlation
from sim.studies.patterns import PATTERNS, by_name
from sim.studies.seeds import replication_seeds
from sim.studies.stats import latin_hypercube, pooled_correlation, ratio_ci
from sim.studies.validate import run_validation
from sim.studies.validation_report import markdown_table, write_markdown
from sim.studies.verdicts import judge_frames, lever_shapes, returns_bend

# The quick suite: the culture runs, the link sweep, the leaver and the surge (the lever curves,
# the side experiments and ten-year runs belong to the full, slow check).
QUICK = ("cultures", "links", "leavers", "surge")
# The patterns whose figures read the experiments the quick suite leaves out.
NOT_QUICK = {
    "demanding_frontline_morale",
    "department_hours_loss",
    "weakest_link",
    "levers_rising",
    "levers_interior",
    "levers_above_culture",
    "competitor_morale",
    "competitor_turnover",
    "no_service",
    *(f"stationary_{k}" for k in ("customers", "revenue", "morale", "turnover", "profit")),
    "layoff_survivor_turnover",
    "layoff_survivor_morale",
    "satisfaction_per_morale",
    "revenue_per_satisfaction_point",
    "culture_pool_drift",
    "queue_share_profit",
    "queue_share_morale",
    "bounds_turnover",
    "bounds_not_finite",
}


@pytest.fixture(scope="module")
def reduced():
    return run_validation(reps=4, workers=1, experiments=QUICK)


def test_reduced_suite_judges_every_pattern_its_experiments_measure(reduced):
    judged = [v.pattern.name for v in reduced.verdicts]
    # In the table's order, every pattern but those of the experiments left out.
    assert judged == [p.name for p in PATTERNS if p.name not in NOT_QUICK]
    assert [v.pattern.name for v in reduced.group("held_out")] == [
        "worker_loss_drop",
        "worker_loss_excess",
        "surge_quality_during",
        "surge_quality_after",
        "standards_erosion",
        "two_way_productivity_gain",
        "manager_people_time",
        "frontline_occupancy",
        "promoted_mindset_gap",
    ]
    assert len(reduced.cultures) == 4 * len(CULTURE_PRESETS)
    # The replication seeds of compare and sweeps under the same root seed (0).
    for culture in CULTURE_PRESETS:
        seeds = reduced.cultures.loc[reduced.cultures["scenario"] == culture, "seed"]
        assert seeds.tolist() == replication_seeds(0, 4)
    table = reduced.table()
    assert list(table.columns)[-1] == "result"
    print(table[["pattern", "measured (95% CI)", "result"]].to_string())


def test_validate_judges_the_fits_targets_themselves(reduced):
    # One definition: the pattern objects the fit's loss scores are the ones validate judges,
    # so their bands and measures cannot disagree.
    targets = {t.name: t for t in fit_defaults.TARGETS}
    fit_verdicts = reduced.group("fit")
    assert fit_verdicts and {v.pattern.name for v in fit_verdicts} <= set(targets)
    for v in fit_verdicts:
        assert v.pattern is targets[v.pattern.name]
        assert v.pattern.band is targets[v.pattern.name].band
        assert v.pattern.measure == targets[v.pattern.name].measure


def test_reduced_suite_robust_patterns_pass(reduced):
    # With 4 replications these are already clear; the CI-separation patterns need 20, and the
    # chain links 40 organizations, whose local price levels differ (slow test).
    for name in (
        "worker_loss_drop",
        "worker_loss_excess",
        "revenue_gain",
        "satisfaction_gain",
        "standards_erosion",
        "pyramid_turnover",
    ):
        assert reduced.verdict(name).passed, reduced.verdict(name)
    for gain in ("retention", "productivity", "satisfaction", "profit"):
        assert reduced.verdict(f"two_way_{gain}_gain").figure.value > 0
    # The inverted pyramid's clear gains (its retention and productivity gains are small: with
    # 20 replications their CIs still reach below 0, which validate reports).
    for gain in ("satisfaction", "profit"):
        assert reduced.verdict(f"inverted_{gain}_gain").figure.value > 0


def test_markdown_report_is_written(reduced, tmp_path):
    files = write_markdown(reduced, tmp_path / "VALIDATION.md")
    text = (tmp_path / "VALIDATION.md").read_text()
    assert "| pattern | what is checked | source | band | test | measured (95% CI) |" in text
    # The three roles are separate groups, in this order.
    at = [text.index(f"## {g}") for g in ("Fit targets", "Held-out patterns", "Model checks")]
    assert at == sorted(at)
    assert text.count("![") == 3
    for f in files:
        assert f.exists() and f.stat().st_size > 200
    assert (tmp_path / "images" / "validation_turnover.svg").read_text().startswith("<svg")


def test_helpers():
    pts = latin_hypercube([(0.0, 1.0), (-1.0, 1.0)], 10, seed=0)
    a = sorted(pts[:, 0])
    # One point per tenth of the range: stratified.
    assert all(i / 10 <= v < (i + 1) / 10 for i, v in enumerate(a))
    m, lo, hi = pooled_correlation([0.3, 0.35, 0.4])
    assert lo < m < hi and 0.3 < m < 0.4
    md = markdown_table(pd.DataFrame({"x": [1.23456], "y": ["a|b"]}))
    assert md.splitlines()[2] == "| 1.235 | a\\|b |"


def test_the_correction_for_attenuation():
    r, lo, hi, rel = corrected_correlation([-0.15, -0.25], [0.25, 0.25])
    assert r == pytest.approx(2 * pooled_correlation([-0.15, -0.25])[0]) and lo < r < hi
    assert rel == pytest.approx(0.25)
    assert corrected_correlation([0.3, 0.3], [1.0, 1.0])[0] == pytest.approx(0.3, rel=1e-3)
    # An outcome that is mostly noise is corrected at most by 1 / sqrt(floor), and never past 1.
    assert corrected_correlation([0.1, 0.1], [0.0, 0.0])[0] == pytest.approx(
        0.1 / RELIABILITY_FLOOR**0.5
    )
    assert corrected_correlation([0.6, 0.6], [0.1, 0.1])[0] == 1.0
    # A replication without spread in the outcome (no quits in any unit) has no correlation and
    # no reliability; it is skipped, not allowed to turn the pooled figure into NaN.
    r_skip = corrected_correlation([0.2, float("nan")], [0.25, float("nan")])[0]
    assert r_skip == pytest.approx(0.4)


def test_the_profit_ratio_is_a_ratio_of_means_that_one_near_zero_pair_cannot_blow_up():
    # Pyramid profits with one seed barely breaking even; two-way earns 1.5x on every seed.
    pyramid = np.array([100.0, 120.0, 90.0, 110.0, 0.5])
    two_way = 1.5 * pyramid + np.array([2.0, -3.0, 1.0, 0.0, 20.0])
    ratio, lo, hi = ratio_ci(two_way, pyramid)
    assert ratio == pytest.approx(two_way.mean() / pyramid.mean())
    assert lo < ratio < hi and 1.3 < lo and hi < 1.9
    # The mean of per-seed ratios is dominated by the near-zero pair.
    assert np.mean(two_way / pyramid) > 8.0
    # Exact on a constant ratio; no ratio when the denominator's mean is not positive.
    assert ratio_ci(2.0 * pyramid, pyramid) == pytest.approx((2.0, 2.0, 2.0))
    assert all(np.isnan(ratio_ci([1.0, 2.0], [-1.0, 0.5])))


def test_the_correction_recovers_a_correlation_hidden_by_a_noisy_outcome():
    # Units whose outcome is measured twice with noise (two years): the observed correlation is
    # attenuated; divided by the square root of the test-retest correlation it is the true one.
    rng = np.random.default_rng(7)
    observed, retest, true = [], [], []
    for _ in range(20):
        morale = rng.normal(size=400)
        outcome = -0.5 * morale + rng.normal(0.0, np.sqrt(0.75), 400)
        year_before = outcome + rng.normal(0.0, 1.5, 400)
        final_year = outcome + rng.normal(0.0, 1.5, 400)
        observed.append(np.corrcoef(morale, final_year)[0, 1])
        retest.append(np.corrcoef(year_before, final_year)[0, 1])
        true.append(np.corrcoef(morale, outcome)[0, 1])
    r = corrected_correlation(observed, retest)[0]
    assert pooled_correlation(observed)[0] > -0.3  # attenuated well below the truth
    assert r == pytest.approx(pooled_correlation(true)[0], abs=0.05)


def _lever_runs(gain_of_dose, noise: float, seeds: int = 8) -> pd.DataFrame:
    """Synthetic lever runs: a base profit per seed and one lever's profit at the five doses."""
    rng = np.random.default_rng(0)
    base = 1000.0 + rng.normal(0, 50, seeds)
    rows = [{"lever": "", "dose": 0.0, "seed": s, "profit": base[s]} for s in range(seeds)]
    for dose in (0.5, 1.0, 2.0, 4.0, 8.0):
        for s in range(seeds):
            profit = base[s] + gain_of_dose(dose) + rng.normal(0, noise)
            rows.append({"lever": "x", "dose": dose, "seed": s, "profit": profit})
    return pd.DataFrame(rows)


def _lever_verdicts(levers: pd.DataFrame) -> dict[str, bool]:
    return {v.pattern.name: v.passed for v in judge_frames({"levers": levers}, PATTERNS)}


def test_returns_bend_tells_diminishing_from_rising_returns():
    saturating = _lever_runs(lambda d: 400 * (1 - np.exp(-d)) - 30 * d, noise=20)
    bend, _lo, hi = returns_bend(saturating, "x")
    assert bend < 0 and hi < 0
    assert _lever_verdicts(saturating) == {"levers_rising": True, "levers_interior": True}
    rising = _lever_runs(lambda d: 10 * d**2, noise=20)
    assert returns_bend(rising, "x")[1] > 0
    assert lever_shapes(rising).rising == 1
    assert not _lever_verdicts(rising)["levers_rising"]
    # A lever whose effect is lost in its linear cost: a bend within the noise, not a failure.
    flat = _lever_runs(lambda d: -100 * d, noise=300)
    _bend, lo, hi = returns_bend(flat, "x")
    assert lo < 0 < hi
    # It is worth most at its lowest dose, so the best dose is interior: the patterns hold.
    assert _lever_verdicts(flat) == {"levers_rising": True, "levers_interior": True}


def test_no_lever_may_be_worth_more_than_the_culture():
    saturating = _lever_runs(lambda d: 400 * (1 - np.exp(-d)) - 30 * d, noise=20)
    seeds = sorted(saturating["seed"].unique())
    for culture_gain, passes in ((1e6, True), (100.0, False)):
        cultures = pd.DataFrame(
            [{"scenario": "pyramid", "seed": s, "profit": 1000.0} for s in seeds]
            + [{"scenario": "two_way", "seed": s, "profit": 1000.0 + culture_gain} for s in seeds]
        )
        frames = {"levers": saturating, "cultures": cultures}
        (above,) = judge_frames(frames, [by_name("levers_above_culture")])
        assert above.passed is passes, above.measured


def test_stationarity_covers_every_preset_left_alone():
    from sim.scenario import preset_names
    from sim.studies.runs import stationary_presets

    checked = stationary_presets()
    # The presets with seasonal events are checked as shipped; the one that switches levers on
    # is an intervention, which builds up by design.
    assert {"airline", "insurance_claims", "pyramid", "two_way"} <= set(checked)
    assert set(preset_names()) - set(checked) == {"two_way_program"}


def test_reps_below_two_is_rejected():
    with pytest.raises(ValueError, match="at least 2"):
        run_validation(reps=1)
    assert main(["validate", "--reps", "1"]) == 2


# Patterns the shipped defaults do not yet meet (docs/VALIDATION.md gives the figures and the
# README says why): after the mechanism rework and its refit, units more reliable than real ones
# (observed unit correlations above the published true-score ones), the links across
# organizations still about a point of satisfaction per point of morale and 2.4% of revenue per
# point of satisfaction, the inverted pyramid's small retention and productivity gains, demanding
# customers whose complaints the load they take away cancels, frontline occupancy just under
# 70% and three levers worth more than the culture. A gap that opens fails this test, and so
# does one listed here that closes, so that the list stays true.
KNOWN_GAPS: set[str] = {
    "r_morale_satisfaction",
    "inverted_retention_gain",
    "inverted_productivity_gain",
    "demanding_frontline_morale",
    "observed_r_satisfaction",
    "observed_r_productivity",
    "observed_r_profit",
    "levers_rising",
    "levers_above_culture",
    "frontline_occupancy",
    "satisfaction_per_morale",
    "revenue_per_satisfaction_point",
    "two_way_turnover_lower",
    "inverted_down_over_up",
}
VALIDATION_MD = Path(__file__).resolve().parents[1] / "docs" / "VALIDATION.md"


def reported_failures(text: str) -> set[str]:
    """The patterns docs/VALIDATION.md reports failing (its rows ending in FAIL)."""
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    return {row.split("`")[1] for row in rows if row.rstrip().endswith("| FAIL |")}


def test_the_published_validation_fails_only_the_known_gaps():
    """docs/VALIDATION.md, the published check (20 replications, `make validate`, about 20
    minutes on 2 cores: too long for the test suite), judges every pattern and fails exactly the
    documented gaps."""
    text = VALIDATION_MD.read_text()
    assert reported_failures(text) == KNOWN_GAPS, sorted(reported_failures(text) ^ KNOWN_GAPS)
    for p in PATTERNS:
        assert f"| `{p.name}` |" in text, p.name
    assert by_name("pyramid_turnover").role == "fit"
