"""``servicechain calibrate``: targets, the fit, resume, the written scenario and bad input.

Most tests fit a small organization (120 seats, a short warm-up and window) so they run in
seconds; the acceptance test of issue 15 fits the pyramid preset itself and is marked slow.
"""

from __future__ import annotations

import math
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.params import ParameterError
from sim.scenario import load_scenario, scenario_data
from sim.shipped import EXAMPLE_CLIENT_DIR
from sim.studies.fit_engine import Target, total_loss, total_losses
from sim.studies.scenario_fit import (
    UnreachableTarget,
    extends_reference,
    plan_fit,
    run_scenario_fit,
    stored_trials,
)
from sim.studies.seeds import replication_seeds
from sim.studies.targets import (
    measure_run,
    merge_targets,
    parse_target,
    read_targets_file,
)
from sim.survey import quality_rating, rating_quality

SMALL = """description = "A small organization for quick fits."
extends = "pyramid"
warmup_weeks = 30

[org]
headcount = 120
"""
WINDOW = "10-70"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return path


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------------------- targets
def test_targets_parse_values_percentages_and_tolerances():
    t = parse_target("turnover_annualized=45%")
    assert t.value == pytest.approx(0.45) and t.tolerance == pytest.approx(0.02)
    t = parse_target("customer_satisfaction=0.7+-0.05")
    assert (t.value, t.tolerance) == (0.7, 0.05)
    t = parse_target("internal_rating = 3.2 ± 0.2")
    assert (t.value, t.tolerance) == (3.2, 0.2)
    revenue = parse_target("revenue_per_employee=120000")
    assert revenue.tolerance == pytest.approx(1200.0)  # 1% of the value


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "turnovr_annualized=0.45",
            ["unknown target 'turnovr_annualized'", "'turnover_annualized'"],
        ),
        ("morale=0.6", ["Did you mean 'morale_mean'?"]),
        ("productivity=0.9", ["not a calibration target", "Targets: turnover_annualized"]),
        ("turnover_annualized=45", ["out of range", "did you mean 0.45", "from 0 to 3", "45%"]),
        ("customer_satisfaction=1.4", ["out of range", "from 0 to 1"]),
        ("internal_rating=7", ["out of range", "from 1 to 5"]),
        ("revenue_per_employee=-5", ["out of range", "above 0"]),
        ("morale_mean=high", ["'high' is not a number"]),
        ("internal_rating=60%", ["not a share"]),
        ("morale_mean=160%", ["out of range", "from 0 to 1"]),
        ("morale_mean=0.6+-0", ["tolerance", "positive"]),
        ("turnover_annualized", ["expected KPI=VALUE"]),
    ],
)
def test_bad_targets_say_what_is_allowed(text, words):
    with pytest.raises(ParameterError) as err:
        parse_target(text)
    for w in words:
        assert w in str(err.value), (w, str(err.value))


def test_a_targets_file_reads_values_tolerances_and_sources(tmp_path):
    path = tmp_path / "targets.toml"
    path.write_text(
        "[targets]\nturnover_annualized = 0.42\n"
        'customer_satisfaction = { value = "66%", tolerance = 0.03, source = "survey" }\n'
    )
    figures = read_targets_file(path)
    assert [(f.name, f.value, f.tolerance, f.source) for f in figures] == [
        ("turnover_annualized", 0.42, 0.02, ""),
        ("customer_satisfaction", pytest.approx(0.66), 0.03, "survey"),
    ]
    # The command line's figure replaces the file's of the same kind.
    merged = merge_targets(figures, [parse_target("turnover_annualized=0.5")])
    assert (merged[0].name, merged[0].value) == ("turnover_annualized", 0.5)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("turnover_annualized = 0.4\n", ["[targets] table"]),
        ("[targets]\nturnover = 0.4\n[extra]\n", ["unknown key 'extra'"]),
        ("[targets]\nmorale_mean = { value = 0.6, tol = 0.1 }\n", ["targets.morale_mean", "'tol'"]),
        ("[targets]\nmorale_mean = [0.6]\n", ["targets.morale_mean", "not a number"]),
        ("[targets]\nmorale_men = 0.6\n", ["targets.morale_men", "Did you mean 'morale_mean'"]),
    ],
)
def test_a_broken_targets_file_names_the_file_and_key(tmp_path, text, words):
    path = tmp_path / "targets.toml"
    path.write_text(text)
    with pytest.raises(ParameterError) as err:
        read_targets_file(path)
    assert str(path) in str(err.value)
    for w in words:
        assert w in str(err.value), (w, str(err.value))


def test_two_targets_for_the_same_figure_are_refused():
    with pytest.raises(ParameterError, match="measure the same thing"):
        merge_targets([], [parse_target("internal_quality=0.6"), parse_target("internal_rating=3")])


def test_the_survey_rating_of_a_quality_inverts_the_surveys_mapping():
    for expectation in (0.4, 0.6, 0.75):
        for rating in (1.0, 1.7, 3.0, 4.2, 5.0):
            q = float(rating_quality(np.array(rating), expectation))
            assert quality_rating(q, expectation) == pytest.approx(rating)


def test_a_run_measures_every_figure_over_the_window_as_the_kpis_say(small):
    params = load_scenario(small)
    figures = measure_run(params, seed=3, window=(10, 70))
    import sim

    df = sim.run(params, weeks=70, seed=3)
    w = df[df["week"] >= 10]
    assert figures["morale_mean"] == pytest.approx(w["morale_mean"].mean())
    assert figures["turnover_annualized"] == pytest.approx(
        w["quits"].sum() / w["headcount"].mean() / (61 / 52)
    )
    assert figures["revenue_per_employee"] == pytest.approx(
        w["revenue"].mean() * 52 / w["headcount"].mean()
    )
    expectation = params.behaviour.service_expectation
    assert figures["internal_rating"] == pytest.approx(
        quality_rating(w["internal_quality"].mean(), expectation)
    )


def test_vectorized_losses_equal_the_engines_loss():
    targets = [Target("a", 0.5, 0.4, 0.6), Target("b", 3.0, 2.5, 3.5, weight=2.0)]
    a = np.array([0.5, 0.3, np.nan, 0.65])
    b = np.array([3.0, 3.1, 2.0, 4.0])
    vector = total_losses(targets, {"a": a, "b": b})
    for i in range(4):
        assert vector[i] == pytest.approx(total_loss(targets, {"a": a[i], "b": b[i]}))


# ----------------------------------------------------------------------------- the fit
def small_plan(small: Path, *targets: str, fit=None, reps: int = 2):
    return plan_fit(str(small), [parse_target(t) for t in targets], fit, window=(10, 70), reps=reps)


def test_default_free_parameters_follow_the_targets_and_start_at_the_scenarios_values(small):
    plan = small_plan(small, "turnover_annualized=0.3", "morale_mean=0.5")
    assert [p.path for p in plan.free] == ["workforce.quit_base_weekly", "behaviour.morale_base"]
    base = load_scenario(small)
    assert plan.free[0].start == base.workforce.quit_base_weekly
    assert plan.free[1].start == base.behaviour.morale_base
    plan = small_plan(
        small, "morale_mean=0.5", fit=["behaviour.morale_base=0.3:0.6,culture.care_gap"]
    )
    assert [(p.path, p.low, p.high) for p in plan.free] == [
        ("behaviour.morale_base", 0.3, 0.6),
        ("culture.care_gap", 0.0, 0.3),  # the schema's range
    ]


@pytest.mark.parametrize(
    ("fit", "words"),
    [
        ("workforce.quit_base_weekley", ["unknown parameter", "Did you mean"]),
        ("org.headcount", ["organization", "given, not fitted"]),
        ("weeks", ["not fitted"]),
        ("org.hash_ids", ["not fitted"]),
        ("behaviour.morale_base=0.9:0.2", ["low < high", "from 0 to 1"]),
        ("behaviour.morale_base=0.5:1.5", ["low < high", "from 0 to 1"]),
        ("behaviour.morale_base=a:b", ["path=LOW:HIGH"]),
        ("economics.revenue_per_occasion", ["solved exactly"]),
    ],
)
def test_bad_free_parameters_are_refused_before_simulating(small, fit, words):
    with pytest.raises(ParameterError) as err:
        small_plan(small, "morale_mean=0.5", "revenue_per_employee=50000", fit=[fit])
    for w in words:
        assert w in str(err.value), (w, str(err.value))


@pytest.mark.integration
def test_a_fit_moves_the_parameter_to_the_target_and_repeats_itself(small, tmp_path):
    plan = small_plan(small, "turnover_annualized=0.57+-0.03")
    first = run_scenario_fit(plan, trials=24, storage=f"sqlite:///{tmp_path / 'a.db'}")
    assert first.reached, first.missed
    assert abs(first.measured["turnover_annualized"] - 0.57) <= 0.03
    path = "workforce.quit_base_weekly"
    assert first.values[path] > plan.free[0].start  # more quits than the preset gives (about 50%)
    lo, hi = first.intervals[path]
    assert lo <= first.result.best[path] <= hi
    again = run_scenario_fit(plan, trials=24, storage=None)
    assert again.values == first.values
    assert again.result.trials["loss"].tolist() == first.result.trials["loss"].tolist()


@pytest.mark.integration
def test_an_interrupted_fit_resumes_and_ends_as_an_uninterrupted_one(small, tmp_path):
    plan = small_plan(small, "turnover_annualized=0.45", "morale_mean=0.55")
    whole = run_scenario_fit(plan, trials=12, storage=f"sqlite:///{tmp_path / 'whole.db'}")

    def stop_after_five(done: int, _best: float) -> None:
        if done == 5:
            raise KeyboardInterrupt

    url = f"sqlite:///{tmp_path / 'cut.db'}"
    with pytest.raises(KeyboardInterrupt):
        run_scenario_fit(plan, trials=12, storage=url, on_trial=stop_after_five)
    assert stored_trials(url, plan.study_name()) == 5
    seen = []
    resumed = run_scenario_fit(plan, trials=12, storage=url, on_trial=lambda n, b: seen.append(n))
    assert seen[0] == 5 and seen[-1] == 12  # picked up at 5 finished trials, ran the other 7
    columns = ["loss", *(p.path for p in plan.free)]
    assert resumed.result.trials[columns].equals(whole.result.trials[columns])
    assert resumed.values == whole.values
    assert resumed.intervals == whole.intervals


@pytest.mark.integration
def test_a_target_out_of_reach_stops_before_fitting_and_says_what_is_reached(small, tmp_path):
    plan = small_plan(small, "morale_mean=0.95", fit=["behaviour.morale_base=0.3:0.4"])
    with pytest.raises(UnreachableTarget) as err:
        run_scenario_fit(plan, trials=50, storage=f"sqlite:///{tmp_path / 'x.db'}")
    text = str(err.value)
    assert "morale_mean = 0.950 is out of reach" in text
    assert "with behaviour.morale_base within its bounds the model gives" in text
    assert "Parameters that also move it: behaviour.pressure_weight" in text
    assert stored_trials(f"sqlite:///{tmp_path / 'x.db'}", plan.study_name()) == 0


@pytest.mark.integration
def test_revenue_per_employee_is_solved_not_searched(small, tmp_path):
    plan = small_plan(small, "revenue_per_employee=80000")
    assert plan.free == () and plan.solves_revenue
    fit = run_scenario_fit(plan, trials=50)
    assert len(fit.result.trials) == 1  # nothing to search: one trial measures and solves
    assert fit.measured["revenue_per_employee"] == pytest.approx(80_000)
    scale = fit.values["economics.revenue_per_occasion"]
    # Same seeds as the fit: the written (rounded) scale gives the target to 4 digits.
    from sim.overrides import apply_overrides

    params = apply_overrides(load_scenario(small), {"economics.revenue_per_occasion": scale})
    rows = [
        measure_run(params, s, (10, 70))["revenue_per_employee"] for s in replication_seeds(0, 2)
    ]
    assert np.mean(rows) == pytest.approx(80_000, rel=1e-3)


# ----------------------------------------------------------------------------- the scenario
@pytest.mark.integration
def test_the_written_scenario_extends_the_base_and_loads_from_where_it_is(small, tmp_path, capsys):
    out = tmp_path / "small_fitted.toml"
    code, stdout, _ = run_cli(
        capsys, "calibrate", str(small) + "@two_way", "--target", "turnover_annualized=0.3+-0.05",
        "--trials", "8", "--reps", "2", "--window", WINDOW, "--out", str(out), "-j", "1",
    )  # fmt: skip
    assert code in (0, 1), stdout
    text = out.read_text()
    assert text.startswith("# Calibrated scenario, written by `servicechain calibrate`")
    assert "servicechain calibrate" in text and "--trials 8" in text
    assert all(len(line) <= 100 for line in text.splitlines() if line.startswith("#"))
    data = scenario_data(out)
    assert data["_lineage"][0] == "small.toml"
    params = load_scenario(out)
    assert params.org.headcount == 120  # from the base
    assert params.culture.service_direction == load_scenario("two_way").culture.service_direction
    assert "calibrated to annual turnover" in data["description"]
    # The same file loads from any working directory: extends is relative to the file.
    here = os.getcwd()
    try:
        os.chdir("/")
        assert load_scenario(out) == params
    finally:
        os.chdir(here)


def test_extends_needs_the_base_beside_the_calibrated_file(tmp_path):
    base = tmp_path / "client" / "client.toml"
    base.parent.mkdir()
    base.write_text(SMALL)
    assert extends_reference(base, tmp_path / "client" / "fitted.toml") == "client.toml"
    assert extends_reference(base, tmp_path / "fitted.toml") == "client/client.toml"
    from sim.scenario import resolve_path

    assert extends_reference(resolve_path("pyramid"), tmp_path / "x" / "f.toml") == "pyramid"
    with pytest.raises(ParameterError, match="in its own folder"):
        extends_reference(base, tmp_path / "elsewhere" / "fitted.toml")
    with pytest.raises(ParameterError, match="is the base scenario itself"):
        extends_reference(base, base)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["pyramidd", "--target", "morale_mean=0.5"], ["unknown scenario 'pyramidd'", "'pyramid'"]),
        (["nothere.toml", "--target", "morale_mean=0.5"], ["scenario file not found"]),
        (["pyramid", "--target", "turnovr=0.4"], ["unknown target", "'turnover_annualized'"]),
        (["pyramid", "--target", "turnover_annualized=45"], ["out of range", "did you mean 0.45"]),
        (["pyramid"], ["no target", "--target KPI=VALUE"]),
        (["pyramid", "--targets", "none.toml"], ["--targets none.toml: file not found"]),
        (
            ["pyramid", "--target", "morale_mean=0.5", "--fit", "behaviour.moral_base"],
            ["unknown parameter 'behaviour.moral_base'", "Did you mean"],
        ),
        (
            ["pyramid", "--target", "morale_mean=0.5", "--window", "200-210"],
            ["--window", "at least 26 weeks"],
        ),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(tmp_path, capsys, args, words):
    out = tmp_path / "fitted.toml"
    code, _, err = run_cli(capsys, "calibrate", *args, "--out", str(out))
    assert code == 2, err
    assert "Traceback" not in err and err.startswith("error: ")
    flat = " ".join(err.split())
    for w in words:
        assert w in flat, (w, flat)
    assert not out.exists()


def test_an_unwritable_out_is_refused_before_simulating(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    (tmp_path / "folder.toml").mkdir()
    for out, words in (
        (blocker / "fitted.toml", ["cannot write there"]),
        (tmp_path / "fitted.csv", ["is a .toml file"]),
        (tmp_path / "folder.toml", ["is a folder"]),
    ):
        code, _, err = run_cli(
            capsys, "calibrate", "pyramid", "--target", "morale_mean=0.5", "--out", str(out)
        )
        flat = " ".join(err.split())
        assert code == 2 and "Traceback" not in err
        for w in words:
            assert w in flat, (w, flat)


def test_an_out_where_the_base_cannot_be_extended_is_refused(tmp_path, small, capsys):
    code, _, err = run_cli(
        capsys, "calibrate", str(small), "--target", "morale_mean=0.5",
        "--out", str(tmp_path / "elsewhere" / "fitted.toml"),
    )  # fmt: skip
    assert code == 2 and "in its own folder" in " ".join(err.split())


@pytest.mark.integration
def test_an_unreachable_target_exits_2_with_what_the_model_reaches(small, tmp_path, capsys):
    code, out, err = run_cli(
        capsys, "calibrate", str(small), "--target", "morale_mean=0.95",
        "--fit", "behaviour.morale_base=0.3:0.4", "--window", WINDOW, "--reps", "2",
        "--out", str(tmp_path / "fitted.toml"), "-j", "1",
    )  # fmt: skip
    flat = " ".join(err.split())
    assert code == 2 and "Traceback" not in err
    assert "error: morale_mean = 0.950 is out of reach" in flat
    assert "the model reaches" in " ".join(out.split())
    assert not (tmp_path / "fitted.toml").exists()


# ----------------------------------------------------------------------------- slow
@pytest.mark.slow
def test_issue_15_acceptance_pyramid_turnover_45_on_fresh_seeds(tmp_path, capsys):
    """`calibrate pyramid --target turnover_annualized=0.45` writes a scenario whose turnover
    over weeks 105-260 on fresh seeds is within 0.06 of the target (a smaller budget than the
    default: 30 trials x 3 replications)."""
    out = tmp_path / "fitted.toml"
    code, stdout, err = run_cli(
        capsys, "calibrate", "pyramid", "--target", "turnover_annualized=0.45",
        "--trials", "30", "--reps", "3", "--out", str(out), "-j", "2",
    )  # fmt: skip
    assert code == 0, stdout + err
    params = load_scenario(out)
    fresh = replication_seeds(20_151, 6)  # not the fit's seeds (root 0)
    assert not set(fresh) & set(replication_seeds(0, 3))
    turnover = [measure_run(params, s, (105, 260))["turnover_annualized"] for s in fresh]
    print(f"fresh-seed turnover {np.mean(turnover):.3f} (runs {np.round(turnover, 3)})")
    assert abs(np.mean(turnover) - 0.45) <= 0.06


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _completed(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as con:
            return con.execute("SELECT COUNT(*) FROM trials WHERE state = 'COMPLETE'").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_ctrl_c_keeps_the_study_and_a_rerun_finishes_it_as_one_run_would(small, tmp_path):
    """The command itself: SIGINT after 3 trials exits 130 with a message, the rerun resumes,
    and the written scenario equals that of an uninterrupted run."""
    cmd = [
        sys.executable, "-m", "sim.cli.main", "calibrate", str(small),
        "--target", "turnover_annualized=0.4", "--target", "morale_mean=0.55",
        "--trials", "10", "--reps", "2", "--window", WINDOW, "-j", "1",
    ]  # fmt: skip
    whole = tmp_path / "whole.toml"
    # Exit 1 says a figure was not reproduced in this tiny budget; the file is written either way.
    first = subprocess.run([*cmd, "--out", str(whole)], capture_output=True, timeout=600)
    assert first.returncode in (0, 1), first.stderr
    cut = tmp_path / "cut.toml"
    db = tmp_path / "cut.study.db"
    proc = subprocess.Popen(
        [*cmd, "--out", str(cut)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell that starts jobs in the background (nohup, "&") makes them ignore SIGINT, and
        # Python keeps an ignored SIGINT ignored: give the command the default a terminal gives.
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + 300
    while _completed(db) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    err = " ".join(err.split())  # the console wraps long lines
    assert "interrupted after" in err and "run the same command again to resume" in err
    assert "Traceback" not in err
    assert not cut.exists()
    assert 3 <= _completed(db) < 10
    done = subprocess.run([*cmd, "--out", str(cut)], capture_output=True, text=True, timeout=600)
    assert "resuming:" in done.stdout
    assert _completed(db) == 10

    def body(path: Path) -> str:  # the header's date and the file names differ
        return "\n".join(line for line in path.read_text().splitlines() if not line.startswith("#"))

    assert body(cut) == body(whole)
    assert math.isfinite(load_scenario(cut).workforce.quit_base_weekly)


# ----------------------------------------------------------------------------- the example
EXAMPLE = EXAMPLE_CLIENT_DIR
ROOT = Path(__file__).resolve().parent.parent


def test_the_examples_targets_are_valid_and_its_internal_rating_is_the_surveys():
    figures = {f.name: f for f in read_targets_file(EXAMPLE / "targets.toml")}
    assert set(figures) == {
        "turnover_annualized",
        "morale_mean",
        "customer_satisfaction",
        "internal_rating",
        "revenue_per_employee",
    }
    assert all(f.source for f in figures.values())
    # The rating target is survey.csv's mean rating, weighted by the requests sent.
    from sim.org import build_organization
    from sim.survey import read_matrix

    p = load_scenario(EXAMPLE / "client.toml")
    org = build_organization(p.org, p.economics.salary_base, p.economics.salary_level_ratio)
    ratings = read_matrix(p.org.survey, "survey", org.dept_names)
    weights = np.bincount(org.dept)[:, None] * np.asarray(org.dependency)
    rated = ~np.isnan(ratings)
    mean = (weights[rated] * ratings[rated]).sum() / weights[rated].sum()
    assert figures["internal_rating"].value == pytest.approx(mean, abs=0.005)


def test_the_shipped_calibrated_example_extends_the_client_and_holds_its_header_values():
    path = EXAMPLE / "client_fitted.toml"
    text = path.read_text()
    assert scenario_data(path)["_lineage"] == ["client.toml", "pyramid"]
    params = load_scenario(path)
    assert params.org.chart is not None and params.org.survey is not None
    from sim.overrides import get_path

    rows = re.findall(r"^#   ([a-z_]+\.[a-z_]+) +([0-9.e-]+) +", text, flags=re.MULTILINE)
    assert len(rows) == 5  # four searched parameters and the revenue scale
    for path_, value in rows:
        assert float(get_path(params, path_)) == pytest.approx(float(value)), path_
    assert "servicechain calibrate client.toml --targets targets.toml" in text


def test_the_guide_walks_through_calibration():
    text = (ROOT / "docs" / "OWN_ORGANIZATION.md").read_text()
    section = text[text.index("## Calibration") : text.index("## Privacy")]
    for needle in (
        "servicechain calibrate client.toml --targets targets.toml --out client_fitted.toml",
        "servicechain compare client_fitted.toml client_fitted.toml@two_way",
        "weeks 105-260",
        "eNPS",
        "--fit",
        "client_fitted.study.db",
        "Your organization (upload)",
    ):
        assert needle in section, needle
    assert "To be added" not in section


@pytest.mark.slow
@pytest.mark.xfail(
    reason="known gap after the 2026-12-07 refit: calibrated again on the current defaults "
    "(150 trials x 8 replications), the example client reproduces turnover and morale but not "
    "customer satisfaction (0.620 against 0.680) or the internal rating (2.69 against 2.86)",
    strict=False,
)
def test_the_shipped_calibrated_example_reproduces_its_figures_on_fresh_seeds():
    """If this fails after the model's defaults changed (sim/fitted.toml), rerun the command in
    examples/client/client_fitted.toml's header and update docs/OWN_ORGANIZATION.md's figures."""
    params = load_scenario(EXAMPLE / "client_fitted.toml")
    figures = read_targets_file(EXAMPLE / "targets.toml")
    fresh = replication_seeds(2024, 6)
    runs = [measure_run(params, s, (105, 260)) for s in fresh]
    for f in figures:
        values = [r[f.name] for r in runs]
        got = float(np.mean(values))
        # Fresh seeds are a new sample: the figure holds within its tolerance plus the sampling
        # error of a 6-seed mean (two standard errors), not to the fit seeds' exact value.
        noise = 2 * float(np.std(values, ddof=1)) / np.sqrt(len(values))
        print(f"{f.name}: {got:.4g} (observed {f.value:g} ± {f.tolerance:g}, noise {noise:.3g})")
        assert abs(got - f.value) <= f.tolerance + noise, f"{f.name}: {got:.4g} vs {f.describe()}"


def test_a_small_budget_gives_no_interval_and_says_so(small, tmp_path, capsys):
    """Issue 30, item 6: with a few trials the bootstrap's best is one or two trials (the base
    and the fit), so a "90% interval" would just span them: the fit says the budget was too
    small, and how many trials would do, instead of printing one."""
    plan = small_plan(small, "turnover_annualized=0.57+-0.03")
    fit = run_scenario_fit(plan, trials=4)
    assert fit.intervals == {} and "budget of 4 trials is too small" in fit.interval_note
    assert "--trials 20" in fit.interval_note
    out = tmp_path / "small_fitted.toml"
    code, stdout, _ = run_cli(
        capsys, "calibrate", str(small), "--target", "turnover_annualized=0.57+-0.03",
        "--trials", "4", "--reps", "2", "--window", WINDOW, "--out", str(out), "-j", "1",
    )  # fmt: skip
    assert code in (0, 1)
    text = " ".join(stdout.split())
    assert "no 90% interval: the budget of 4 trials is too small" in text
    header = " ".join(line.lstrip("# ") for line in out.read_text().splitlines())
    assert "No 90% interval" in header and "none (see below)" in header
    # A budget that covers the best's neighbourhood gives an interval around the fit.
    wide = run_scenario_fit(plan, trials=24)
    assert wide.interval_note is None
    lo, hi = wide.intervals["workforce.quit_base_weekly"]
    assert lo < wide.result.best["workforce.quit_base_weekly"] < hi
