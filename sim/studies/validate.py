"""Validation against published findings: several patterns at once from one parameterization.

Pattern-oriented modelling: the shipped defaults must reproduce, together, the patterns the
literature reports (docs/MODEL.md names each source). ``servicechain validate`` runs every check
and prints a table (pattern, source, target band, measured value with 95% CI, pass or fail) and
writes
``docs/VALIDATION.md`` with charts.

Definitions used throughout:
- **Business unit** = a team under one manager: the manager's direct reports (Harter et al.'s
  business units are stores, branches and teams). Unit morale is the team's mean morale surveyed
  at the start of the final year; unit outcomes are measured over that final year (a prospective
  design, like an engagement survey followed by a year of outcomes). Correlations are computed
  across the units of one organization and averaged over replications (Fisher z), with a 95% CI.
- **Annual turnover** = quits over the run / mean headcount / years.
- Replication r uses the same seed in every scenario (common random numbers), so culture
  differences are paired; the seeds derive from the root seed as in compare and sweeps
  (:func:`sim.studies.seeds.replication_seeds`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.scenario import CULTURE_PRESETS
from sim.state import BAND_VALUES
from sim.studies import credibility
from sim.studies.credibility import PatternResult
from sim.studies.seeds import replication_seeds, sampler_seed
from sim.studies.stats import latin_hypercube, mean_ci
from sim.studies.workers import process_pool

WEEKS = 260
UNIT_WINDOW = 52

# Organizations of the link sweep: each parameter drawn by Latin hypercube over these bounds.
LINK_SWEEP_BOUNDS: dict[str, tuple[float, float]] = {
    "culture.service_direction": (-1.0, 1.0),
    "culture.care_gap": (0.0, 0.5),
    "behaviour.service_weight": (0.3, 1.5),
    "requests.to_manager_rate": (0.4, 1.2),
    "workforce.internal_share_manager": (0.35, 0.65),
    "customers.local_conditions_sd": (0.05, 0.3),
}


# ---------------------------------------------------------------------------- statistics


def markdown_table(df: pd.DataFrame, index: bool = False) -> str:
    """A GitHub Markdown table of a small DataFrame (numbers with 3 decimals)."""
    frame = df.reset_index() if index else df

    def cell(v: Any) -> str:
        if isinstance(v, float | np.floating):
            return f"{v:.3f}"
        return str(v).replace("|", "\\|")

    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman rank correlation."""
    rx = pd.Series(x).rank().to_numpy()
    ry = pd.Series(y).rank().to_numpy()
    return float(np.corrcoef(rx, ry)[0, 1])


def correlation_ci(r: float, n: int) -> tuple[float, float]:
    """95% Fisher-z interval of one correlation over n observations."""
    z = math.atanh(max(min(r, 0.999), -0.999))
    half = 1.96 / math.sqrt(max(n - 3, 1))
    return math.tanh(z - half), math.tanh(z + half)


# ---------------------------------------------------------------------------- single runs
# Each task is a module-level function of plain arguments returning a plain dict, so that it
# runs in worker processes.


def _team_index(model) -> tuple[np.ndarray, np.ndarray]:
    """Team (manager seat) of every seat, and the mask of seats that have a manager."""
    return model.org.manager_safe, model.org.has_manager


def unit_correlations(
    morale: np.ndarray, outcomes: dict[str, np.ndarray], units: dict[str, np.ndarray]
) -> dict[str, float]:
    """Pearson correlation of unit morale with each unit outcome, over the given units."""
    out = {}
    for name, values in outcomes.items():
        u = units[name]
        ok = u[np.isfinite(values[u])]
        # A unit outcome without spread (no quits in any unit) has no correlation: NaN, quietly.
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.corrcoef(morale[ok], values[ok])[0, 1] if ok.size > 2 else np.nan
        out[name] = float(r)
    return out


def _unit_year(model, team: np.ndarray, has: np.ndarray) -> dict[str, np.ndarray]:
    """Step one year (:data:`UNIT_WINDOW` weeks); every unit outcome of that year, per seat.

    Customer satisfaction of the unit's customers, turnover (quits per seat), productivity
    (mean effective output) and profit (margin of the encounters the unit served less its
    salaries, per seat); indexed by the manager's seat.
    """
    from sim.phases.economics import seat_revenue
    from sim.phases.weekly_kpis import seat_productivity

    s, o = model.state, model.org
    n = o.n_seats
    members = has & s.filled
    size = np.bincount(team[has], minlength=n).astype(float)
    quits0 = s.seat_quits.copy()
    sat_sum = np.zeros(n)
    sat_cnt = np.zeros(n)
    prod_sum = np.zeros(n)
    margin = np.zeros(n)
    for _ in range(UNIT_WINDOW):
        model.step()
        wk = model.last_week
        counts = s.customers.sum(axis=1)
        sat_sum += np.bincount(
            team, weights=(s.customers * BAND_VALUES).sum(axis=1) * has, minlength=n
        )
        sat_cnt += np.bincount(team, weights=counts * has, minlength=n)
        prod = seat_productivity(s, model.params, wk.conditions)
        prod_sum += np.bincount(team[members], weights=prod[members], minlength=n) / np.maximum(
            np.bincount(team[members], minlength=n), 1
        )
        revenue = seat_revenue(s, model.params, wk.encounters.served)
        earned = revenue - np.where(s.filled, o.salary_week, 0.0)
        margin += np.bincount(team[has], weights=earned[has], minlength=n)
    quits = np.bincount(team[has], weights=(s.seat_quits - quits0)[has], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "satisfaction": sat_sum / sat_cnt,
            "turnover": quits / size,
            "productivity": prod_sum / UNIT_WINDOW,
            "profit": margin / size / UNIT_WINDOW,
        }


def culture_run(
    scenario: str, seed: int, weeks: int = WEEKS, overrides: dict | None = None
) -> dict[str, Any]:
    """One culture replication: outcomes over weeks 105-260 and business-unit correlations.

    Business units are teams (a manager's direct reports). Unit morale is surveyed at the start
    of the final year; unit outcomes are measured over that year (:func:`_unit_year`). As in
    Harter, Schmidt & Hayes (2002), each outcome's annual test-retest reliability is measured
    too: the correlation over units of that outcome in the year before the survey with the
    final year's (``rel_*``), which :func:`sim.studies.stats.corrected_correlation` uses to
    correct the pooled correlations for the outcome's measurement error.
    """
    from sim.model import ServiceCultureModel

    model = ServiceCultureModel(scenario, overrides=overrides, seed=seed)
    model.run(weeks - 2 * UNIT_WINDOW)
    s, o = model.state, model.org
    n = o.n_seats
    team, has = _team_index(model)
    before = _unit_year(model, team, has)
    members = has & s.filled
    morale_survey = np.bincount(team[members], weights=s.morale[members], minlength=n)
    morale_survey /= np.maximum(np.bincount(team[members], minlength=n), 1)
    outcomes = _unit_year(model, team, has)
    units = np.flatnonzero(o.is_manager)
    front_units = units[np.isfinite(outcomes["satisfaction"][units])]
    unit_sets = {"satisfaction": front_units, "turnover": units, "productivity": units,
                 "profit": front_units}  # fmt: skip
    r = unit_correlations(morale_survey, outcomes, unit_sets)
    rel = {
        name: unit_correlations(before[name], {name: outcomes[name]}, {name: u})[name]
        for name, u in unit_sets.items()
    }
    df = model.kpis()
    window = df[df["week"] >= WEEKS - 155]
    return {
        "scenario": scenario,
        "seed": seed,
        "turnover": float(window["quits"].sum() / window["headcount"].mean() / (len(window) / 52)),
        "morale": float(window["morale_mean"].mean()),
        "productivity": float(window["productivity"].mean()),
        "customer_satisfaction": float(window["customer_satisfaction"].mean()),
        "revenue": float(window["revenue"].mean()),
        "cost": float(window["cost"].mean()),
        "profit": float(window["profit"].mean()),
        **{f"r_morale_{name}": r[name] for name in unit_sets},
        **{f"rel_{name}": rel[name] for name in unit_sets},
        "units_frontline": int(front_units.size),
        "units": int(units.size),
    }


def link_run(overrides: dict[str, float], seed: int, weeks: int = 156) -> dict[str, Any]:
    """One organization of the link sweep: chain KPIs averaged over its final year."""
    from sim.model import ServiceCultureModel

    model = ServiceCultureModel("pyramid", overrides=overrides, seed=seed)
    df = model.run(weeks).iloc[-52:]
    return {
        "seed": seed,
        **overrides,
        "internal_quality": float(df["internal_quality"].mean()),
        "morale": float(df["morale_mean"].mean()),
        "retention": float(1.0 - df["quits"].sum() / df["headcount"].mean()),
        "customer_satisfaction": float(df["customer_satisfaction"].mean()),
        "revenue_per_seat": float(df["revenue"].mean() / model.org.n_seats),
    }


def leaver_run(seed: int, weeks_before: int = 104, weeks_after: int = 8) -> dict[str, Any]:
    """A frontline employee leaves (the seat stays vacant): their customers, before and after."""
    from sim.model import ServiceCultureModel
    from sim.vacancies import vacate

    model = ServiceCultureModel("pyramid", seed=seed)
    model.run(weeks_before)
    s, o = model.state, model.org
    books = s.customers_per_seat
    seat = int(np.argmax(np.where(o.frontline & s.filled, books, -1)))
    others = np.flatnonzero(o.frontline & (np.arange(o.n_seats) != seat))

    def satisfaction(seats: np.ndarray) -> float:
        counts = s.customers[seats].sum(axis=0)
        return float((counts * BAND_VALUES).sum() / counts.sum()) if counts.sum() else 0.0

    before, before_others = satisfaction(np.array([seat])), satisfaction(others)
    vacate(s, np.array([seat]), mean_wait=10_000.0, rng=model.rng)
    model.run(weeks_after)
    return {
        "seed": seed,
        "before": before,
        "after": satisfaction(np.array([seat])),
        "others_before": before_others,
        "others_after": satisfaction(others),
    }


# ---------------------------------------------------------------------------- the suite


@dataclass
class ValidationReport:
    """All pattern results plus the raw tables behind them (one row per run)."""

    patterns: list[PatternResult]
    cultures: pd.DataFrame
    links: pd.DataFrame
    leavers: pd.DataFrame
    surge: pd.DataFrame
    reps: int
    seed: int = 0
    levers: pd.DataFrame = field(default_factory=pd.DataFrame)
    reverse: pd.DataFrame = field(default_factory=pd.DataFrame)
    stationary: pd.DataFrame = field(default_factory=pd.DataFrame)
    weakest: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def passed(self) -> bool:
        return all(p.passed for p in self.patterns)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "pattern": p.pattern,
                    "source": p.source,
                    "target": p.target,
                    "measured (95% CI)": p.measured,
                    "result": "pass" if p.passed else "FAIL",
                }
                for p in self.patterns
            ]
        )


def _execute(
    tasks: list[tuple[Callable[..., dict], dict]],
    workers: int,
    executor: Executor | None,
    progress: Callable[[int], None] | None,
) -> list[dict]:
    """Run tasks in order-independent fashion; results come back in task order."""
    results: list[dict | None] = [None] * len(tasks)
    if executor is None and workers <= 1:
        for i, (fn, kw) in enumerate(tasks):
            results[i] = fn(**kw)
            if progress:
                progress(1)
        return results  # type: ignore[return-value]
    own = executor is None
    pool = executor or process_pool(workers)
    try:
        futures = {pool.submit(fn, **kw): i for i, (fn, kw) in enumerate(tasks)}
        for fut in as_completed(futures):
            results[futures[fut]] = fut.result()
            if progress:
                progress(1)
    finally:
        if own:
            pool.shutdown()
    return results  # type: ignore[return-value]


# How many of the replications each side experiment uses (the culture runs, the leaver and the
# surge use them all): the lever curves are 40 runs per seed, stationarity is ten-year runs.
SIDE_REPS = {"levers": 6, "reverse": 10, "stationary": 4, "weakest": 10}
EXPERIMENTS = (
    "cultures",
    "links",
    "leavers",
    "surge",
    "levers",
    "reverse",
    "stationary",
    "weakest",
)


def plan_tasks(
    reps: int, seed: int, experiments: tuple[str, ...] = EXPERIMENTS
) -> dict[str, list[tuple[Callable[..., dict], dict]]]:
    """The simulation tasks of each experiment, in order (see :func:`run_validation`)."""
    seeds = replication_seeds(seed, reps)

    def side(name: str) -> list[int]:
        return seeds[: min(reps, SIDE_REPS[name])]

    names = list(LINK_SWEEP_BOUNDS)
    sample = latin_hypercube(
        list(LINK_SWEEP_BOUNDS.values()), max(2 * reps, 12), sampler_seed(seed)
    )
    orgs = [dict(zip(names, map(float, row), strict=True)) for row in sample]
    org_seeds = replication_seeds(seed, len(orgs))
    plan = {
        "cultures": [
            (culture_run, {"scenario": c, "seed": s}) for c in CULTURE_PRESETS for s in seeds
        ],
        "links": [
            (link_run, {"overrides": o, "seed": s}) for o, s in zip(orgs, org_seeds, strict=True)
        ],
        "leavers": [(leaver_run, {"seed": s}) for s in seeds],
        "surge": credibility.surge_tasks(seeds),
        "levers": credibility.lever_tasks(side("levers")),
        "reverse": credibility.reverse_tasks(side("reverse")),
        "stationary": credibility.stationary_tasks(side("stationary")),
        "weakest": credibility.weakest_tasks(side("weakest")),
    }
    return {name: plan[name] for name in experiments}


def run_validation(
    reps: int = 20,
    workers: int = 1,
    seed: int = 0,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    experiments: tuple[str, ...] = EXPERIMENTS,
) -> ValidationReport:
    """Run every pattern check on the shipped defaults.

    Args:
        reps: Replications per culture and per experiment (20 for the published table; the
            side experiments use at most :data:`SIDE_REPS` of them).
        workers: Worker processes (1 = in-process).
        seed: Root seed; replication r uses ``replication_seeds(seed, reps)[r]`` in every
            scenario (the derivation of compare and sweeps), and organization i of the link
            sweep ``replication_seeds(seed, n)[i]``.
        executor: An existing executor to use instead of a new process pool.
        progress: Called with 1 after each finished run (for a progress bar).
        experiments: Which experiments to run (default all, :data:`EXPERIMENTS`); the patterns
            of the others are left out.
    """
    if reps < 2:
        raise ValueError(f"reps must be at least 2 for confidence intervals, got {reps}")
    unknown = set(experiments) - set(EXPERIMENTS)
    if unknown:
        raise ValueError(f"unknown experiments {sorted(unknown)}; known: {EXPERIMENTS}")
    plan = plan_tasks(reps, seed, experiments)
    tasks = [task for name in plan for task in plan[name]]
    results = _execute(tasks, workers, executor, progress)
    frames: dict[str, pd.DataFrame] = {}
    at = 0
    for name, group in plan.items():
        frames[name] = pd.DataFrame(results[at : at + len(group)])
        at += len(group)
    empty = pd.DataFrame()
    cultures = frames.get("cultures", empty)
    patterns: list[PatternResult] = []
    if "cultures" in frames:
        patterns += [
            _turnover_pattern(cultures),
            *_correlation_patterns(cultures),
            *credibility.correlation_patterns(cultures),
            _ranking_pattern(cultures),
            *credibility.contrast_patterns(cultures),
        ]
    if "links" in frames:
        patterns.append(_links_pattern(frames["links"]))
    if "leavers" in frames:
        patterns.append(_leaver_pattern(frames["leavers"]))
    if "surge" in frames:
        patterns += [_surge_pattern(frames["surge"]), credibility.surge_pattern(frames["surge"])]
    if "levers" in frames:
        gain = float("inf")
        if "cultures" in frames:
            gain = float(
                np.mean(_by(cultures, "two_way", "profit") - _by(cultures, "pyramid", "profit"))
            )
        patterns.append(credibility.lever_pattern(frames["levers"], gain))
    if "reverse" in frames:
        patterns += credibility.reverse_patterns(frames["reverse"])
    if "stationary" in frames:
        patterns.append(credibility.stationary_pattern(frames["stationary"]))
    if "weakest" in frames:
        patterns.append(credibility.weakest_pattern(frames["weakest"]))
    return ValidationReport(
        patterns,
        cultures,
        frames.get("links", empty),
        frames.get("leavers", empty),
        frames.get("surge", empty),
        reps,
        seed,
        levers=frames.get("levers", empty),
        reverse=frames.get("reverse", empty),
        stationary=frames.get("stationary", empty),
        weakest=frames.get("weakest", empty),
    )


def _fmt(m: float, lo: float, hi: float, pct: bool = False) -> str:
    if pct:
        return f"{m:.1%} [{lo:.1%}, {hi:.1%}]"
    return f"{m:.3f} [{lo:.3f}, {hi:.3f}]"


def _by(cultures: pd.DataFrame, scenario: str, col: str) -> np.ndarray:
    return cultures.loc[cultures["scenario"] == scenario].sort_values("seed")[col].to_numpy()


def _turnover_pattern(cultures: pd.DataFrame) -> PatternResult:
    p = mean_ci(_by(cultures, "pyramid", "turnover"))
    t = mean_ci(_by(cultures, "two_way", "turnover"))
    ok = 0.25 <= p[0] <= 0.45 and t[2] < p[1]
    return PatternResult(
        "turnover",
        "Annual voluntary turnover: pyramid in the service-industry band; two-way clearly lower",
        "service-industry separation rates (docs/MODEL.md, calibration)",
        "pyramid 25%-45%; two-way CI below pyramid CI",
        f"pyramid {_fmt(*p, pct=True)}; two-way {_fmt(*t, pct=True)}",
        ok,
        *p,
    )


def _correlation_patterns(cultures: pd.DataFrame) -> list[PatternResult]:
    pyr = cultures.loc[cultures["scenario"] == "pyramid"]
    ms, ms_text = credibility.unit_correlation(pyr, "satisfaction")
    mt, mt_text = credibility.unit_correlation(pyr, "turnover")
    return [
        PatternResult(
            "morale_satisfaction",
            "Unit morale and customer satisfaction correlate (business unit = team under one "
            "manager, default organization; corrected for each outcome's annual test-retest "
            "reliability, as the source's true-score correlations are)",
            "Harter, Schmidt & Hayes 2002: about +0.32",
            "+0.20 to +0.50",
            ms_text,
            0.2 <= ms[0] <= 0.5,
            *ms,
        ),
        PatternResult(
            "morale_turnover",
            "Unit morale and unit turnover correlate negatively (same units)",
            "Harter, Schmidt & Hayes 2002: about -0.36",
            "-0.50 to -0.20",
            mt_text,
            -0.5 <= mt[0] <= -0.2,
            *mt,
        ),
    ]


RANKED = (
    ("turnover", -1, "retention"),
    ("productivity", 1, "productivity"),
    ("customer_satisfaction", 1, "customer satisfaction"),
    ("profit", 1, "profit"),
)


def culture_differences(cultures: pd.DataFrame) -> pd.DataFrame:
    """Paired (same seed) differences of each culture against the pyramid, with 95% CIs.

    Sign convention: positive = better than the pyramid (turnover differences are negated).
    """
    rows = []
    for challenger in ("two_way", "inverted"):
        for col, sign, label in RANKED:
            diff = sign * (_by(cultures, challenger, col) - _by(cultures, "pyramid", col))
            m, lo, hi = mean_ci(diff)
            rows.append(
                {"culture": challenger, "outcome": label, "better_by": m, "lo": lo, "hi": hi}
            )
    return pd.DataFrame(rows)


def _ranking_pattern(cultures: pd.DataFrame) -> PatternResult:
    diffs = culture_differences(cultures)
    ok = bool((diffs["lo"] > 0).all())
    worst = diffs.sort_values("lo").iloc[0]
    return PatternResult(
        "culture_ranking",
        "Two-way and inverted beat the pyramid on retention, productivity, customer "
        "satisfaction and profit",
        "internal service -> outcomes: Heskett et al. 1994",
        "every paired difference's 95% CI above 0 (8 comparisons)",
        f"{int((diffs['lo'] > 0).sum())}/8 above 0; weakest: {worst['culture']} on "
        f"{worst['outcome']} {worst['better_by']:.3g} [{worst['lo']:.3g}, {worst['hi']:.3g}]",
        ok,
    )


CHAIN_LINKS = (
    ("internal service quality -> morale", "internal_quality", "morale"),
    ("morale -> retention", "morale", "retention"),
    ("retention -> customer satisfaction", "retention", "customer_satisfaction"),
    ("morale -> customer satisfaction", "morale", "customer_satisfaction"),
    ("customer satisfaction -> revenue", "customer_satisfaction", "revenue_per_seat"),
)


def link_correlations(links: pd.DataFrame) -> pd.DataFrame:
    """Spearman correlation of each chain link across the swept organizations, with 95% CI."""
    rows = []
    for label, a, b in CHAIN_LINKS:
        r = spearman(links[a].to_numpy(), links[b].to_numpy())
        lo, hi = correlation_ci(r, len(links))
        rows.append({"link": label, "r": r, "lo": lo, "hi": hi})
    return pd.DataFrame(rows)


def _links_pattern(links: pd.DataFrame) -> PatternResult:
    corr = link_correlations(links)
    ok = bool((corr["lo"] > 0).all())
    text = "; ".join(f"{row.link} {row.r:+.2f}" for row in corr.itertuples())
    return PatternResult(
        "chain_links",
        f"Every link of the service-profit chain is positive across a sweep of {len(links)} "
        "organizations (Latin hypercube over culture and behaviour)",
        "Heskett et al. 1994 (the service-profit chain)",
        "every Spearman r's 95% CI above 0",
        text,
        ok,
        float(corr["r"].min()),
        float(corr["lo"].min()),
        float(corr["hi"].min()),
    )


def _leaver_pattern(leavers: pd.DataFrame) -> PatternResult:
    drop = leavers["before"] - leavers["after"]
    m, lo, hi = mean_ci(drop)
    others = mean_ci(leavers["others_before"] - leavers["others_after"])
    ok = lo > 0.1 and others[2] < lo
    return PatternResult(
        "service_worker_loss",
        "Losing a frontline worker drops that worker's customers' satisfaction",
        "Heskett et al. 1994: an insurer's satisfaction fell from 75% to 55%",
        "drop > 0.10 (CI), larger than other customers' change",
        f"{leavers['before'].mean():.2f} -> {leavers['after'].mean():.2f}, drop {_fmt(m, lo, hi)}"
        f"; others {others[0]:+.3f}",
        ok,
        m,
        lo,
        hi,
    )


def surge_effects(surge: pd.DataFrame, kpi: str = "encounter_quality") -> dict[str, tuple]:
    """Paired surge-minus-control deficits during the surge and after it ends."""
    start, length = credibility.SURGE["week"], credibility.SURGE["weeks"]
    during = slice(start, start + length)
    after = slice(start + length + 2, start + length + 26)
    out = {}
    for label, window in (("during", during), ("after", after)):
        diffs = []
        for seed in sorted(surge["seed"].unique()):
            hot = np.asarray(surge.loc[(surge.seed == seed) & surge.surge, kpi].iloc[0])
            calm = np.asarray(surge.loc[(surge.seed == seed) & ~surge.surge, kpi].iloc[0])
            diffs.append(float((hot[window] - calm[window]).mean()))
        out[label] = mean_ci(diffs)
    return out


def _surge_pattern(surge: pd.DataFrame) -> PatternResult:
    eff = surge_effects(surge)
    ok = eff["during"][2] < 0 and eff["after"][2] < 0
    return PatternResult(
        "quality_erosion",
        f"A temporary demand surge (+{credibility.SURGE['size']:.0%} for "
        f"{credibility.SURGE['weeks']} weeks) degrades "
        "encounter quality and the damage outlasts the surge (pyramid)",
        "Oliva & Sterman 2001 (erosion of service quality)",
        "quality deficit vs. no surge < 0 during and 2-26 weeks after (CI)",
        f"during {_fmt(*eff['during'])}; after {_fmt(*eff['after'])}",
        ok,
        *eff["after"],
    )


# ---------------------------------------------------------------------------- report


def _svg_bars(
    title: str,
    labels: list[str],
    values: list[float],
    lows: list[float],
    highs: list[float],
    band: tuple[float, float] | None = None,
    fmt: str = "{:.2f}",
) -> str:
    """A small standalone SVG bar chart with 95% CI whiskers and an optional target band."""
    w, h, pad, top = 520, 260, 50, 30
    vmax = max(max(highs), band[1] if band else 0) * 1.15 or 1.0
    vmin = min(0.0, min(lows))
    span = vmax - vmin

    def y(v: float) -> float:
        return top + (h - top - pad) * (1 - (v - vmin) / span)

    bw = (w - 2 * pad) / len(labels)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="{w / 2}" y="18" text-anchor="middle" font-weight="bold">{title}</text>',
        f'<line x1="{pad}" y1="{y(0)}" x2="{w - pad}" y2="{y(0)}" stroke="#444"/>',
    ]
    if band:
        parts.append(
            f'<rect x="{pad}" y="{y(band[1])}" width="{w - 2 * pad}" '
            f'height="{y(band[0]) - y(band[1])}" fill="#2a9d8f" opacity="0.15"/>'
        )
    colours = ("#e76f51", "#2a9d8f", "#264653", "#e9c46a")
    for i, (lab, v, lo, hi) in enumerate(zip(labels, values, lows, highs, strict=True)):
        x = pad + i * bw + bw * 0.2
        bar_w = bw * 0.6
        top_y, base_y = min(y(v), y(0)), max(y(v), y(0))
        parts += [
            f'<rect x="{x}" y="{top_y}" width="{bar_w}" height="{base_y - top_y}" '
            f'fill="{colours[i % len(colours)]}"/>',
            f'<line x1="{x + bar_w / 2}" y1="{y(lo)}" x2="{x + bar_w / 2}" y2="{y(hi)}" '
            'stroke="black" stroke-width="2"/>',
            f'<text x="{x + bar_w / 2}" y="{h - pad + 16}" text-anchor="middle">{lab}</text>',
            f'<text x="{x + bar_w / 2}" y="{y(hi) - 5}" text-anchor="middle">'
            f"{fmt.format(v)}</text>",
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def _svg_lines(title: str, series: dict[str, list[float]], shade: tuple[int, int]) -> str:
    """A small standalone SVG line chart (weekly series) with a shaded week window."""
    w, h, pad, top = 560, 260, 45, 30
    allv = np.concatenate([np.asarray(v) for v in series.values()])
    vmin, vmax = float(allv.min()), float(allv.max())
    span = (vmax - vmin) or 1.0
    n = max(len(v) for v in series.values())

    def xy(i: int, v: float) -> tuple[float, float]:
        return pad + (w - 2 * pad) * i / (n - 1), top + (h - top - pad) * (1 - (v - vmin) / span)

    x0, _ = xy(shade[0], vmin)
    x1, _ = xy(shade[1], vmin)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="{w / 2}" y="18" text-anchor="middle" font-weight="bold">{title}</text>',
        f'<rect x="{x0}" y="{top}" width="{x1 - x0}" height="{h - top - pad}" fill="#e9c46a" '
        'opacity="0.3"/>',
        f'<text x="{pad}" y="{h - pad + 16}">week 0</text>',
        f'<text x="{w - pad}" y="{h - pad + 16}" text-anchor="end">week {n - 1}</text>',
        f'<text x="{pad - 4}" y="{top + 4}" text-anchor="end">{vmax:.2f}</text>',
        f'<text x="{pad - 4}" y="{h - pad}" text-anchor="end">{vmin:.2f}</text>',
    ]
    colours = ("#264653", "#e76f51")
    for k, (label, values) in enumerate(series.items()):
        pts = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in (xy(i, v) for i, v in enumerate(values)))
        parts.append(
            f'<polyline points="{pts}" fill="none" stroke="{colours[k]}" stroke-width="2"/>'
        )
        parts.append(
            f'<text x="{w - pad}" y="{top + 14 + 14 * k}" text-anchor="end" '
            f'fill="{colours[k]}">{label}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def write_markdown(report: ValidationReport, path: Path) -> list[Path]:
    """Write docs/VALIDATION.md and its SVG charts (next to it, under images/). Returns files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img = path.parent / "images"
    img.mkdir(parents=True, exist_ok=True)
    c = report.cultures
    files = []

    stats = {name: mean_ci(_by(c, name, "turnover")) for name in CULTURE_PRESETS}
    svg = _svg_bars(
        "Annual turnover by culture (95% CI; band = 25-45%)",
        list(CULTURE_PRESETS),
        [stats[n][0] for n in CULTURE_PRESETS],
        [stats[n][1] for n in CULTURE_PRESETS],
        [stats[n][2] for n in CULTURE_PRESETS],
        band=(0.25, 0.45),
        fmt="{:.1%}",
    )
    files.append(img / "validation_turnover.svg")
    files[-1].write_text(svg)

    diffs = culture_differences(c)
    two = diffs[diffs.culture == "two_way"]
    rel = []
    for row in two.itertuples():
        col = next(k for k, _, lab in RANKED if lab == row.outcome)
        base = abs(_by(c, "pyramid", col).mean()) or 1.0
        rel.append((row.outcome, row.better_by / base, row.lo / base, row.hi / base))
    svg = _svg_bars(
        "Two-way vs pyramid: improvement relative to the pyramid (95% CI)",
        # Retention's improvement is the relative cut in turnover: say so on the bar.
        [{"retention": "turnover cut"}.get(r[0], r[0].replace("customer ", "cust. ")) for r in rel],
        [r[1] for r in rel],
        [r[2] for r in rel],
        [r[3] for r in rel],
        fmt="{:+.0%}",
    )
    files.append(img / "validation_ranking.svg")
    files[-1].write_text(svg)

    s = report.surge
    series = {
        "no surge": np.mean(np.vstack(s.loc[~s.surge, "encounter_quality"].to_list()), axis=0)[1:],
        "surge": np.mean(np.vstack(s.loc[s.surge, "encounter_quality"].to_list()), axis=0)[1:],
    }
    svg = _svg_lines(
        "Pyramid: mean encounter quality with and without a demand surge",
        {k: list(v) for k, v in series.items()},
        (credibility.SURGE["week"] - 1, credibility.SURGE["week"] + credibility.SURGE["weeks"] - 1),
    )
    files.append(img / "validation_surge.svg")
    files[-1].write_text(svg)

    table = report.table()
    links = link_correlations(report.links)
    lines = [
        "# Validation against published findings",
        "",
        "Generated by `servicechain validate` (do not edit by hand). "
        f"{report.reps} replications per culture and experiment (seeds derived from root seed "
        f"{report.seed}, as in `compare` and sweeps), "
        f"{WEEKS} weeks, shipped defaults. Verdict: "
        f"**{'all patterns pass' if report.passed else 'SOME PATTERNS FAIL'}**.",
        "",
        "Definitions: a **business unit** is a team under one manager (the manager's direct "
        "reports); unit morale is surveyed at the start of the final year and unit outcomes "
        "are measured over that year. **Annual turnover** is quits / mean headcount / years. "
        "Replication r uses the same seed in every culture (common random numbers).",
        "",
        markdown_table(table),
        "",
        "![turnover](images/validation_turnover.svg)",
        "",
        "![ranking](images/validation_ranking.svg)",
        "",
        "![surge](images/validation_surge.svg)",
        "",
        "## Service-profit chain links across organizations",
        "",
        markdown_table(links),
        "",
        "## Culture results (mean over replications, weeks 105-260)",
        "",
        markdown_table(
            c.groupby("scenario")[
                ["turnover", "morale", "productivity", "customer_satisfaction", "revenue", "profit"]
            ].mean(),
            index=True,
        ),
        "",
        *dose_response_section(report),
        "Calibration notes are in [MODEL.md](MODEL.md#calibration).",
        "",
    ]
    path.write_text("\n".join(lines))
    files.append(path)
    return files


def dose_response_table(report: ValidationReport) -> pd.DataFrame:
    """Levers x doses: mean weekly profit gain net of the lever's cost (weeks 105-260)."""
    curves = credibility.dose_response(report.levers)
    return curves.pivot(index="lever", columns="dose", values="gain")


def dose_response_section(report: ValidationReport) -> list[str]:
    """The dose-response table as Markdown lines (none when the levers did not run)."""
    if report.levers.empty:
        return []
    table = dose_response_table(report)
    table.columns = [f"dose {d:g}" for d in table.columns]
    return [
        "## Levers: profit gain net of cost by dose (currency/week, pyramid, weeks 105-260)",
        "",
        "Each lever alone at the dose given (1 = its documented default), against the pyramid "
        f"with no lever, same seeds ({report.levers['seed'].nunique()} replications). "
        "Effects saturate with the dose, costs do not.",
        "",
        markdown_table(table.round(0), index=True),
        "",
    ]


def run_cli(reps: int, workers: int | None, out: Path | None, console) -> int:
    """``servicechain validate``: run the suite with a progress bar, print and write the report.

    Returns:
        0 if every pattern passes, 1 otherwise (the process exit code).
    """
    import os

    from rich.table import Table

    from sim.studies.progress import Progress

    n_workers = workers or os.cpu_count() or 1
    n_runs = sum(len(tasks) for tasks in plan_tasks(reps, 0).values())
    with Progress(f"validating ({n_workers} workers)", n_runs, "runs") as bar:
        report = run_validation(reps=reps, workers=n_workers, progress=bar.advance)
    table = Table(title=f"Validation: shipped defaults, {reps} replications", show_lines=True)
    for col in ("pattern", "source", "target", "measured (95% CI)", "result"):
        table.add_column(col, overflow="fold")
    for row in report.table().itertuples(index=False):
        style = "green" if row[-1] == "pass" else "bold red"
        table.add_row(*row[:-1], f"[{style}]{row[-1]}[/]")
    console.print(table)
    if not report.levers.empty:
        curves = dose_response_table(report)
        doses = Table(title="Levers: weekly profit gain net of cost, by dose (pyramid)")
        doses.add_column("lever")
        for d in curves.columns:
            doses.add_column(f"{d:g}", justify="right")
        for lever, row in curves.iterrows():
            doses.add_row(lever, *(f"{v:+,.0f}" for v in row))
        console.print(doses)
    if out is not None:
        files = write_markdown(report, out)
        console.print(f"wrote {', '.join(str(f) for f in files)}")
    passed = sum(p.passed for p in report.patterns)
    console.print(f"{passed}/{len(report.patterns)} patterns pass")
    return 0 if report.passed else 1
