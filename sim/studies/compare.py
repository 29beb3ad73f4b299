"""Compare scenarios over seeded replications with common random numbers and 95% CIs.

Replication ``i`` of every scenario uses the SAME seed (common random numbers, CRN): the seeds come
from the root seed by :func:`sim.studies.seeds.replication_seeds`, the derivation sweeps and
validation use too, so scenario differences are estimated from paired replications and comparing
a scenario with itself gives exactly zero.
Confidence intervals are Student-t intervals over replications (for differences: over the paired
per-replication differences).

Example:
    >>> import sim
    >>> res = sim.compare(["pyramid", "two_way"], reps=3, weeks=26, seed=1)
    >>> res.summary.query("kpi == 'morale_mean' and stat == 'mean'")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.kpis import KPI_NAMES
from sim.params import ParameterError, Params
from sim.scenario import load_scenario, scenario_info
from sim.studies.progress import Progress
from sim.studies.seeds import replication_seeds
from sim.studies.stats import mean_ci

STATS = ("final", "mean")
# Columns that describe the run rather than measure it: not summarized.
_NOT_SUMMARIZED = ("week", "service_direction")


@dataclass
class CompareResult:
    """Replicated runs of several scenarios and their summary.

    Attributes:
        scenarios: Scenario labels in the order given (the first is the reference).
        reps: Replications per scenario.
        weeks: Weeks per run.
        seed: The root seed.
        seeds: Seed of each replication (the same for every scenario: CRN).
        timeseries: Tidy frame, one row per (scenario, rep, step): columns ``scenario``,
            ``rep``, ``seed``, ``step`` and the KPI columns of ``model.kpis()``.
        summary: Tidy frame, one row per (scenario, kpi, stat): ``stat`` is ``final`` (the last
            week) or ``mean`` (the mean over weeks 1..N, step 0 excluded); columns ``mean``,
            ``ci_low``, ``ci_high`` (95% t-interval over replications) and ``diff``,
            ``diff_ci_low``, ``diff_ci_high`` (paired difference to the first scenario).
        info: Per scenario label, its description and narrative.
        elapsed: Wall-clock seconds for all runs.
    """

    scenarios: list[str]
    reps: int
    weeks: int
    seed: int
    seeds: list[int]
    timeseries: pd.DataFrame
    summary: pd.DataFrame
    info: dict[str, dict[str, str]] = field(default_factory=dict)
    elapsed: float = 0.0

    def plot_chain(self, stat: str = "mean"):
        """The service-profit chain side by side (a Plotly figure): a bar per scenario per link,
        whole-run means (``stat="mean"``) or final-week values, with 95% CI error bars."""
        from sim.studies.figures import chain_figure

        return chain_figure(self, stat)

    def plot_timeseries(self, kpis: Sequence[str] | None = None):
        """Weekly means per scenario with 95% confidence bands (a Plotly figure), one panel per
        KPI (default: the service-profit chain)."""
        from sim.studies.figures import TIMESERIES_KPIS, timeseries_figure

        return timeseries_figure(self, tuple(kpis) if kpis else TIMESERIES_KPIS)

    def table(self, stat: str = "mean") -> pd.DataFrame:
        """Wide view of the summary: rows KPIs, columns (scenario, mean/ci/diff)."""
        if stat not in STATS:
            raise ParameterError(f"stat '{stat}': allowed {', '.join(STATS)}")
        s = self.summary[self.summary["stat"] == stat]
        return s.pivot(index="kpi", columns="scenario").reindex(
            columns=self.scenarios, level="scenario"
        )


def unique_labels(specs: Sequence[str]) -> list[str]:
    """Scenario labels, made unique by a ``#2``, ``#3`` suffix when a spec repeats."""
    labels: list[str] = []
    for spec in specs:
        label, k = str(spec), 2
        while label in labels:
            label = f"{spec}#{k}"
            k += 1
        labels.append(label)
    return labels


def compare(
    scenarios: Sequence[str],
    reps: int = 5,
    weeks: int | None = None,
    seed: int = 0,
    overrides: Mapping[str, Any] | None = None,
    progress: bool | Any | Callable[[str, int], None] = False,
    shared_warmups: bool = True,
) -> CompareResult:
    """Run every scenario ``reps`` times with common random numbers and summarize the KPIs.

    Args:
        scenarios: Scenario specs: preset names, TOML paths, or ``NAME@culture``
            (e.g. ``airline@two_way``). At least one; the first is the reference for differences.
        reps: Replications per scenario (>= 1; confidence intervals need >= 2).
        weeks: Weeks per run (None = the first scenario's ``weeks``, default 260).
        seed: Root seed; replication seeds derive from it
            (:func:`sim.studies.seeds.replication_seeds`, as in sweeps).
        overrides: Dotted-path overrides applied to every scenario (a ``@culture`` in a spec
            wins over ``culture.service_direction`` here).
        progress: True shows progress on stderr (a bar on a terminal, plain lines elsewhere,
            see :mod:`sim.studies.progress`); a rich console draws it there; a callable is
            called as ``progress(label, rep)`` after each finished run.
        shared_warmups: Scenarios that differ only in what acts from week 1 (levers, one-off
            events, a later leadership change) start each replication from one warm-up
            (:mod:`sim.forks`); the results are identical either way, only faster. False runs
            every warm-up (for timing the difference).

    Returns:
        A :class:`CompareResult` with tidy ``timeseries`` and ``summary`` frames.

    Raises:
        ParameterError: an unknown scenario, an invalid override, or bad reps/weeks (all
            scenarios are validated before the first run starts).
    """
    import time

    from sim.arguments import check_overrides, check_reps, check_seed, check_weeks
    from sim.forks import WarmStarts
    from sim.model import ServiceCultureModel

    specs = [str(s) for s in scenarios]
    if not specs:
        raise ParameterError("compare: give at least one scenario")
    reps = check_reps(reps, "compare: reps")
    seed = check_seed(seed, "compare: seed")
    overrides = check_overrides(overrides, "compare: overrides")
    labels = unique_labels(specs)
    # Validate everything before running anything: a typo in the last scenario must not cost
    # the runs of the first ones.
    resolved = resolve_scenarios(specs, overrides)
    n_weeks = resolved[0].weeks if weeks is None else check_weeks(weeks, "compare: weeks", low=1)
    seeds = replication_seeds(seed, reps)

    started = time.perf_counter()
    frames: dict[tuple[int, int], pd.DataFrame] = {}
    callback = progress if callable(progress) else None
    shown = progress is not False and progress is not None and callback is None
    console = None if isinstance(progress, bool) else progress
    # Replication-major, so the week 0 a replication's scenarios share is kept only while used.
    warm = WarmStarts() if shared_warmups else None
    with Progress("compare", len(labels) * reps, "runs", enabled=shown, console=console) as bar:
        for rep, rep_seed in enumerate(seeds):
            for i, (label, params) in enumerate(zip(labels, resolved, strict=True)):
                if warm is None:
                    model = ServiceCultureModel(params, seed=rep_seed)
                else:
                    model = warm.model(params, rep_seed)
                model.run(n_weeks)
                df = model.kpis().reset_index()
                df.insert(0, "seed", rep_seed)
                df.insert(0, "rep", rep)
                df.insert(0, "scenario", label)
                frames[i, rep] = df
                bar.advance(description=f"{label} rep {rep + 1}/{reps}")
                if callback is not None:
                    callback(label, rep)
            if warm is not None:
                warm.clear()
    elapsed = time.perf_counter() - started
    ts = pd.concat([frames[i, rep] for i in range(len(labels)) for rep in range(reps)],
                   ignore_index=True)  # fmt: skip
    ts["scenario"] = pd.Categorical(ts["scenario"], categories=labels, ordered=True)
    info = {}
    for label, spec in zip(labels, specs, strict=True):
        info[label] = scenario_info(spec)
    return CompareResult(
        scenarios=labels,
        reps=reps,
        weeks=n_weeks,
        seed=seed,
        seeds=seeds,
        timeseries=ts,
        summary=summarize(ts, labels),
        info=info,
        elapsed=elapsed,
    )


def resolve_scenarios(
    specs: Sequence[str], overrides: Mapping[str, Any] | None = None
) -> list[Params]:
    """Each scenario spec (a preset, a file, or ``NAME@culture``) as validated parameters, with
    ``overrides`` applied to every one (a ``@culture`` wins over ``culture.service_direction``
    in them).

    Raises:
        ParameterError: an unknown scenario or culture, or an invalid override.
    """
    from sim.overrides import apply_overrides
    from sim.scenario import culture_direction, split_spec

    resolved = []
    for spec in specs:
        name, culture = split_spec(spec)
        params = apply_overrides(load_scenario(name), overrides, where=f"{spec}: --set")
        if culture is not None:
            params = apply_overrides(
                params, {"culture.service_direction": culture_direction(culture)}, where=spec
            )
        resolved.append(params)
    return resolved


def per_rep(ts: pd.DataFrame, stat: str) -> pd.DataFrame:
    """One row per (scenario, rep): the final-week values or the means over weeks 1..N."""
    if stat == "final":
        last = ts["step"] == ts["step"].max()
        out = ts[last]
    elif stat == "mean":
        out = ts[ts["step"] > 0].groupby(["scenario", "rep"], observed=True).mean(numeric_only=True)
        return out.reset_index().set_index(["scenario", "rep"])
    else:
        raise ParameterError(f"stat '{stat}': allowed {', '.join(STATS)}")
    return out.set_index(["scenario", "rep"])


def summarize(
    ts: pd.DataFrame, labels: Sequence[str], kpis: Sequence[str] | None = None
) -> pd.DataFrame:
    """The tidy summary of a replicated time series (see :class:`CompareResult`)."""
    names = [k for k in (kpis or KPI_NAMES) if k not in _NOT_SUMMARIZED and k in ts.columns]
    rows = []
    for stat in STATS:
        table = per_rep(ts, stat)
        ref = table.loc[labels[0], names]
        for label in labels:
            own = table.loc[label, names]
            diff = own - ref  # paired by replication (CRN): same rep index, same seed
            for kpi in names:
                m, lo, hi = mean_ci(own[kpi].to_numpy())
                d, dlo, dhi = mean_ci(diff[kpi].to_numpy())
                rows.append((label, kpi, stat, m, lo, hi, d, dlo, dhi))
    out = pd.DataFrame(
        rows,
        columns=[
            "scenario",
            "kpi",
            "stat",
            "mean",
            "ci_low",
            "ci_high",
            "diff",
            "diff_ci_low",
            "diff_ci_high",
        ],
    )
    out["scenario"] = pd.Categorical(out["scenario"], categories=list(labels), ordered=True)
    return out


def annual_turnover(ts: pd.DataFrame) -> pd.Series:
    """Whole-run annual turnover per (scenario, rep): quits per year over mean headcount
    (:func:`sim.studies.measures.annual_turnover`; NaN for a run with no headcount)."""
    from sim.studies.measures import annual_turnover as turnover

    d = ts[ts["step"] > 0]
    g = d.groupby(["scenario", "rep"], observed=True)
    return turnover(g["quits"].sum(), g["headcount"].mean(), g["step"].count())
