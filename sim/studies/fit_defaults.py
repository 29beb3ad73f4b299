"""Fitting the shipped defaults to published patterns (``servicechain fit-defaults``).

One default parameterization must reproduce every credibility target at once: the culture
contrast of two-way against the pyramid at the size the evidence allows, business-unit
correlations near Harter, Schmidt & Hayes (2002), the inverted pyramid also beating the
pyramid, customers who reach back to employees, and a plausible sensitivity to internal hours.
This module declares the free parameters (:data:`FREE`) and the targets (:data:`TARGETS`, each
with its source), measures a candidate by simulation with replications, and runs the
calibration engine (:mod:`sim.studies.fit_engine`). The result is written to
``sim/fitted.toml``, which the schema reads its fitted defaults from: rerunning the fit with the
same seed and number of trials reproduces the shipped defaults.

Measurements (weeks 105-260 of a 260-week run after the warm-up, shipped presets, common random
numbers: replication r has the same seed in every culture):
- the culture contrast: revenue, profit, margins, turnover and customer satisfaction of
  ``two_way`` against ``pyramid`` (the revenue per occasion is not searched: it only sets the
  scale of revenue against costs, and each candidate gets the one that gives the pyramid a 15%
  operating margin);
- business units (teams under one manager) of the pyramid: unit morale surveyed at the start of
  the final year against that year's customer satisfaction, turnover, productivity and profit,
  each corrected for the outcome's annual test-retest reliability as Harter, Schmidt & Hayes
  (2002) correct theirs (:func:`sim.studies.stats.corrected_correlation`): their figures are
  true-score correlations, and a small team's yearly quit count is a noisy measure;
- ``inverted`` against ``pyramid`` on retention, productivity, satisfaction and profit;
- more demanding customers (``customers.satisfaction_reference`` + 0.1): frontline morale;
- half the internal hours of one department (operations): the profit lost, as a share of the
  pyramid's profit.
"""

from __future__ import annotations

import math
import os
import time
import tomllib
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from sim.studies.fit_engine import FitResult, FreeParameter, Target, run_fit, total_loss
from sim.studies.stats import corrected_correlation

FITTED_FILE = Path(__file__).resolve().parents[1] / "fitted.toml"
WEEKS = 260
WINDOW_START = 105

# Bounds are the plausible range of each parameter; starts are the first trial (a previous fit's
# result, rounded): fixed, so that rerunning the fit repeats its trials exactly.
FREE: tuple[FreeParameter, ...] = (
    FreeParameter("behaviour.morale_base", 0.4, 0.75, 0.7146),
    FreeParameter("behaviour.service_weight", 0.3, 1.5, 0.3618),
    FreeParameter("behaviour.pressure_weight", 0.05, 0.8, 0.2444),
    FreeParameter("behaviour.feedback_weight", 0.02, 0.6, 0.06214),
    FreeParameter("behaviour.complaint_weight", 0.1, 1.5, 0.4575),
    FreeParameter("workforce.quit_base_weekly", 0.003, 0.08, 0.042, log=True),
    # Harter et al.'s unit correlation of engagement with turnover (-0.36) needs morale to
    # matter for quitting; below about 3.5 a team's morale hardly moves its quits.
    FreeParameter("workforce.quit_morale_sensitivity", 3.5, 15.0, 7.5),
    FreeParameter("workforce.quit_propensity_sd", 0.3, 2.0, 0.6864),
    # Units' lasting differences that morale does not explain: their labour market (quits) and
    # their margin per occasion (profit); the unit correlations pin them down.
    FreeParameter("workforce.local_labour_market_sd", 0.05, 0.8, 0.25),
    FreeParameter("economics.local_price_sd", 0.05, 0.6, 0.3),
    FreeParameter("customers.churn_sensitivity", 2.0, 12.0, 8.794),
    FreeParameter("customers.acquisition_rate", 0.01, 0.15, 0.1399, log=True),
    FreeParameter("customers.local_conditions_sd", 0.01, 0.2, 0.1208),
    FreeParameter("customers.satisfaction_purchase_effect", 0.1, 1.5, 0.7675),
    FreeParameter("customers.weight_morale", 0.1, 0.8, 0.2117),
    FreeParameter("customers.input_weight", 0.1, 0.6, 0.3962),
    FreeParameter("behaviour.diligence_weight", 0.1, 0.6, 0.126),
)
# The revenue per occasion only sets the scale of revenue against costs (nothing in the model's
# dynamics reads it in absolute terms), so the fit does not search it: each candidate gets the
# value that puts the pyramid's operating margin at MARGIN_PYRAMID.
MARGIN_PYRAMID = 0.15
REVENUE_SCALE = "economics.revenue_per_occasion"
# The revenue per occasion every run of the fit is simulated at, before the rescaling: fixed, not
# the shipped default, so that a rerun does not depend on the file the last fit wrote (unit profit
# correlations read it a little). 75.1 is the default the shipped fit ran with.
MEASURED_AT = 75.1
# The department whose internal hours are halved in the sensitivity experiment.
HALVED_DEPARTMENT = "operations"
# The business-unit outcomes correlated with unit morale.
UNIT_OUTCOMES = ("satisfaction", "turnover", "productivity", "profit")

HARTER_2020 = "Harter et al. 2020 (Gallup Q12 meta-analysis, top vs bottom quartile units)"
HARTER_2002 = "Harter, Schmidt & Hayes 2002 (business-unit meta-analysis)"
TARGETS: tuple[Target, ...] = (
    Target("revenue_gain", 0.16, 0.02, 0.30, 2.0, f"{HARTER_2020}: sales +18%"),
    Target("profit_ratio", 1.75, 1.05, 2.5, 2.0, f"{HARTER_2020}: profit +23%"),
    Target("margin_two_way", 0.22, 0.02, 0.35, 1.0, "plausible operating margins"),
    Target("turnover_cut", 0.33, 0.10, 0.60, 2.0, f"{HARTER_2020}: turnover 18-43% lower"),
    Target("satisfaction_gain", 0.06, 0.0, 0.12, 2.0, f"{HARTER_2020}: customer ratings +10%"),
    Target("pyramid_turnover", 0.35, 0.25, 0.45, 2.0, "service-industry annual turnover"),
    Target("r_morale_satisfaction", 0.32, 0.20, 0.50, 0.5, f"{HARTER_2002}: +0.32"),
    Target("r_morale_turnover", -0.36, -0.50, -0.20, 1.0, f"{HARTER_2002}: -0.36"),
    Target("r_morale_productivity", 0.22, 0.10, 0.35, 0.5, f"{HARTER_2002}: +0.20 to +0.25"),
    Target("r_morale_profit", 0.15, 0.05, 0.30, 0.5, f"{HARTER_2002}: +0.15"),
    Target("inverted_retention_gain", None, 0.0, math.inf, 1.0, "inverted beats the pyramid"),
    Target("inverted_productivity_gain", None, 0.0, math.inf, 1.0, "inverted beats the pyramid"),
    Target("inverted_satisfaction_gain", None, 0.0, math.inf, 1.0, "inverted beats the pyramid"),
    Target("inverted_profit_gain", None, 0.0, math.inf, 1.0, "inverted beats the pyramid"),
    Target(
        "demanding_frontline_morale",
        None,
        -math.inf,
        -0.005,
        1.0,
        "Schneider et al. 2003, 2005: customers reach back to employees",
    ),
    Target(
        "department_hours_loss",
        0.5,
        0.0,
        1.0,
        1.0,
        "plausible: half of one department's internal hours costs less than the whole profit",
    ),
)


# ----------------------------------------------------------------------------- measurement
def _culture(scenario: str, seed: int, overrides: dict[str, Any]) -> dict[str, float]:
    from sim.studies.validate import culture_run

    return culture_run(scenario, seed, overrides=overrides)


def _window_run(scenario: str, seed: int, overrides: dict[str, Any]) -> dict[str, float]:
    """Weeks 105-260 means of revenue, cost and frontline morale (the side experiments)."""
    from sim.model import ServiceCultureModel

    model = ServiceCultureModel(scenario, overrides=overrides, seed=seed)
    front = model.org.frontline
    morale = []
    for week in range(1, WEEKS + 1):
        model.step()
        if week >= WINDOW_START:
            filled = front & model.state.filled
            morale.append(float(model.state.morale[filled].mean()) if filled.any() else np.nan)
    df = model.kpis()
    window = df[df["week"] >= WINDOW_START]
    return {
        "revenue": float(window["revenue"].mean()),
        "cost": float(window["cost"].mean()),
        "frontline_morale": float(np.nanmean(morale)),
    }


def measure(
    values: dict[str, float],
    seeds: Sequence[int],
    side_seeds: Sequence[int],
    pool: Executor | None = None,
) -> dict[str, float]:
    """Every figure of :data:`TARGETS` for one candidate (values override the presets), plus
    the revenue per occasion that puts the pyramid's margin at :data:`MARGIN_PYRAMID`."""
    over = {REVENUE_SCALE: MEASURED_AT, **values}
    demanding = {
        **over,
        "customers.satisfaction_reference": min(
            _value(over, "customers.satisfaction_reference") + 0.1, 1.0
        ),
    }
    halved = {**over, "org.departments": _halved_departments()}
    jobs: list[tuple[Callable[..., dict], tuple]] = []
    jobs += [(_culture, ("pyramid", s, over)) for s in seeds]
    jobs += [(_culture, ("two_way", s, over)) for s in seeds]
    jobs += [(_culture, ("inverted", s, over)) for s in side_seeds]
    jobs += [(_window_run, ("pyramid", s, over)) for s in side_seeds]
    jobs += [(_window_run, ("pyramid", s, demanding)) for s in side_seeds]
    jobs += [(_window_run, ("pyramid", s, halved)) for s in side_seeds]
    if pool is None:
        results = [fn(*args) for fn, args in jobs]
    else:
        results = [f.result() for f in [pool.submit(fn, *args) for fn, args in jobs]]
    k, m = len(seeds), len(side_seeds)
    pyr, two = results[:k], results[k : 2 * k]
    inv = results[2 * k : 2 * k + m]
    base, dem, cut = (results[2 * k + m * i : 2 * k + m * (i + 1)] for i in (1, 2, 3))

    def mean(rows: list[dict], key: str) -> float:
        return float(np.mean([r[key] for r in rows]))

    def ratio(a: float, b: float) -> float:
        # A candidate with no quits or no profit has no ratio: NaN, which the loss penalizes.
        return a / b if b > 0 else math.nan

    # Rescale revenue (and so profit) to the revenue per occasion that gives the pyramid its
    # margin: revenue scales linearly with it, costs not at all.
    p_rev, p_cost = mean(pyr, "revenue"), mean(pyr, "cost")
    scale = p_cost / (p_rev * (1.0 - MARGIN_PYRAMID)) if p_rev > 0 else math.nan

    def profit(rows: list[dict]) -> float:
        return scale * mean(rows, "revenue") - mean(rows, "cost")

    t_rev = scale * mean(two, "revenue")
    p_prof, t_prof = profit(pyr), profit(two)
    pyr_side = pyr[:m]  # the inverted runs share these seeds
    base_profit = profit(base)
    return {
        REVENUE_SCALE: scale * _value(over, REVENUE_SCALE),
        "revenue_gain": ratio(mean(two, "revenue"), p_rev) - 1.0,
        "profit_ratio": ratio(t_prof, p_prof),
        "margin_two_way": t_prof / t_rev if t_rev > 0 else math.nan,
        "turnover_cut": 1.0 - ratio(mean(two, "turnover"), mean(pyr, "turnover")),
        "satisfaction_gain": mean(two, "customer_satisfaction")
        - mean(pyr, "customer_satisfaction"),
        "pyramid_turnover": mean(pyr, "turnover"),
        **{
            f"r_morale_{name}": corrected_correlation(
                [r[f"r_morale_{name}"] for r in pyr], [r[f"rel_{name}"] for r in pyr]
            )[0]
            for name in UNIT_OUTCOMES
        },
        "inverted_retention_gain": mean(pyr_side, "turnover") - mean(inv, "turnover"),
        "inverted_productivity_gain": mean(inv, "productivity") - mean(pyr_side, "productivity"),
        "inverted_satisfaction_gain": mean(inv, "customer_satisfaction")
        - mean(pyr_side, "customer_satisfaction"),
        "inverted_profit_gain": profit(inv) - profit(pyr_side),
        "demanding_frontline_morale": mean(dem, "frontline_morale")
        - mean(base, "frontline_morale"),
        "department_hours_loss": (base_profit - profit(cut)) / base_profit
        if base_profit > 0
        else math.nan,
    }


def _halved_departments() -> list[dict[str, Any]]:
    """The default departments with :data:`HALVED_DEPARTMENT`'s internal hours halved."""
    from sim.params import DEFAULT_DEPARTMENTS

    return [
        {**d.model_dump(), "internal_hours": 0.5 if d.name == HALVED_DEPARTMENT else 1.0}
        for d in DEFAULT_DEPARTMENTS
    ]


def _value(overrides: dict[str, Any], path: str) -> float:
    from sim.overrides import get_path
    from sim.scenario import load_scenario

    if path in overrides:
        return float(overrides[path])
    return float(get_path(load_scenario("pyramid"), path))


# ----------------------------------------------------------------------------- the fit
def fit_defaults(
    trials: int = 120,
    reps: int = 8,
    seed: int = 0,
    workers: int | None = None,
    storage: str | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> FitResult:
    """Fit :data:`FREE` to :data:`TARGETS` (see the module docstring).

    Args:
        trials: Trials of the TPE sampler.
        reps: Replications per culture per trial (side experiments use half as many).
        seed: Seed of the sampler; replication seeds derive from it too.
        workers: Processes for the simulations (default: all cores).
        storage: Optuna storage URL to keep and resume the study.
        progress: Called after each trial with (trials done, best loss).
    """
    from sim.studies.sweep import replication_seeds

    seeds = replication_seeds(seed, reps)
    side = seeds[: max(2, reps // 2)]
    # The best trials are measured again on three times the replications (new seeds included),
    # so that the shipped defaults are not the luckiest draw of a noisy loss.
    more = replication_seeds(seed, 3 * reps)
    more_side = more[: max(2, 3 * reps // 2)]
    n = workers or os.cpu_count() or 1
    pool = ProcessPoolExecutor(max_workers=n) if n > 1 else None
    try:
        return run_fit(
            lambda values: measure(values, seeds, side, pool),
            FREE,
            TARGETS,
            trials=trials,
            seed=seed,
            storage=storage,
            study_name=f"defaults-seed{seed}-reps{reps}",
            progress=progress,
            confirm=lambda values: measure(values, more, more_side, pool),
            # An interrupted fit resumes exactly where it stopped: same trials, same result.
            reseed_each_trial=True,
        )
    finally:
        if pool is not None:
            pool.shutdown()


# ----------------------------------------------------------------------------- the file
def _round(value: float) -> float:
    """Four significant digits: what the schema ships."""
    return float(f"{value:.4g}")


def write_fitted(result: FitResult, trials: int, reps: int, seed: int, path: Path) -> Path:
    """Write the fitted defaults (with the fit's provenance and figures) as TOML."""
    import tomli_w

    doc = {
        "fit": {
            "command": (
                f"servicechain fit-defaults --trials {trials} --reps {reps} --seed {seed} --write"
            ),
            "trials": trials,
            "reps": reps,
            "seed": seed,
            "loss": round(result.loss, 4),
            "created": time.strftime("%Y-%m-%d"),
        },
        "defaults": {
            **{p.path: _round(result.best[p.path]) for p in FREE},
            REVENUE_SCALE: _round(result.measured[REVENUE_SCALE]),
        },
        "spread": {p.path: [_round(v) for v in result.spread[p.path]] for p in FREE},
        "measured": {t.name: round(result.measured.get(t.name, math.nan), 4) for t in TARGETS},
    }
    path.write_text(
        "# Written by `servicechain fit-defaults`; the schema reads [defaults] from here.\n"
        "# Rerun the command in [fit] to reproduce it. Do not edit by hand.\n\n"
        + tomli_w.dumps(doc)
    )
    return path


def read_fitted(path: Path = FITTED_FILE) -> dict[str, Any]:
    """The fitted-defaults file as a dict (empty sections when absent)."""
    if not path.is_file():
        return {"fit": {}, "defaults": {}, "spread": {}, "measured": {}}
    with path.open("rb") as fh:
        return tomllib.load(fh)


FIT_START = "<!-- fit-table:start -->"
FIT_END = "<!-- fit-table:end -->"


def fit_table_markdown(path: Path = FITTED_FILE) -> str:
    """The shipped fit as Markdown: how it was run, each target with its source, band and the
    fitted model's figure, and each fitted parameter with its spread over the best trials.

    docs/MODEL.md embeds it between ``FIT_START`` / ``FIT_END``;
    ``servicechain params --markdown --write docs/MODEL.md`` regenerates it with the parameter
    table, and a test checks that the document matches ``sim/fitted.toml``.
    """
    doc = read_fitted(path)
    fit = doc.get("fit", {})
    lines = [
        f"Fit: `{fit.get('command', 'not fitted')}`, loss {fit.get('loss', 'n/a')} "
        f"({fit.get('created', '')}).",
        "",
        "| target | source | band | aim | fitted model |",
        "|---|---|---|---|---|",
    ]
    measured = doc.get("measured", {})
    for t in TARGETS:
        m = measured.get(t.name)
        shown = "n/a" if m is None else f"{m:.3f}"
        aim = "-" if t.value is None else f"{t.value:g}"
        lines.append(f"| `{t.name}` | {t.source} | {t.band()} | {aim} | {shown} |")
    lines += [
        "",
        "| fitted parameter | value | spread over the best trials (10th-90th percentile) |",
        "|---|---|---|",
    ]
    spread = doc.get("spread", {})
    for path_, value in doc.get("defaults", {}).items():
        lo_hi = spread.get(path_)
        text = f"{lo_hi[0]:g} to {lo_hi[1]:g}" if lo_hi else "solved for the pyramid's margin"
        lines.append(f"| `{path_}` | {value:g} | {text} |")
    return "\n".join(lines)


def report_lines(result: FitResult) -> list[tuple[str, str, str, str, str]]:
    """(target, source, band, aim, measured) rows for printing."""
    rows = []
    for t in TARGETS:
        m = result.measured.get(t.name, math.nan)
        mark = "ok" if t.inside(m) else "OUTSIDE"
        aim = "-" if t.value is None else f"{t.value:g}"
        rows.append((t.name, t.source, t.band(), aim, f"{m:.3f} {mark}"))
    return rows


def run_cli(
    trials: int,
    reps: int,
    seed: int,
    workers: int | None,
    storage: Path | None,
    out: Path | None,
    console: Any,
) -> int:
    """``servicechain fit-defaults``: fit with a progress bar, print the result, maybe write it.

    Returns:
        0 when every target lies in its band, 1 otherwise.
    """
    from rich.table import Table

    from sim.studies.progress import Progress

    url = f"sqlite:///{storage}" if storage is not None else None
    with Progress(f"fitting ({workers or os.cpu_count()} workers)", trials, "trials") as bar:
        done = 0

        def advance(n: int, _best: float) -> None:
            nonlocal done
            bar.advance(n - done)
            done = n

        result = fit_defaults(trials, reps, seed, workers, url, progress=advance)
    table = Table(title=f"Fit: loss {result.loss:.3f} after {trials} trials", show_lines=False)
    for col in ("target", "source", "band", "aim", "measured"):
        table.add_column(col, overflow="fold")
    for row in report_lines(result):
        table.add_row(*row)
    console.print(table)
    params = Table(title="Fitted parameters (10th-90th percentile over the best trials)")
    for col in ("parameter", "value", "spread"):
        params.add_column(col)
    for p in FREE:
        lo, hi = result.spread[p.path]
        params.add_row(p.path, f"{result.best[p.path]:.4g}", f"{lo:.4g} to {hi:.4g}")
    params.add_row(REVENUE_SCALE, f"{result.measured[REVENUE_SCALE]:.4g}", "solved for the margin")
    console.print(params)
    if out is not None:
        write_fitted(result, trials, reps, seed, out)
        console.print(f"wrote {out}")
    inside = all(t.inside(result.measured.get(t.name, math.nan)) for t in TARGETS)
    return 0 if inside else 1


__all__ = [
    "FITTED_FILE",
    "FIT_END",
    "FIT_START",
    "FREE",
    "TARGETS",
    "fit_defaults",
    "fit_table_markdown",
    "measure",
    "read_fitted",
    "report_lines",
    "run_cli",
    "total_loss",
    "write_fitted",
]
