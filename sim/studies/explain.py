"""Where a difference between two scenarios comes from: the culture's channels, Shapley-shared.

``servicechain explain A B`` (and :func:`explain`) decomposes the difference of scenario ``B``
against scenario ``A`` (e.g. ``two_way`` against ``pyramid``) in profit, morale, annual turnover
and customer satisfaction (means over the analysis window) into the model's channels, by
switching channels off with common random numbers and sharing the difference among them by
their Shapley values (exact, over every subset of the channels).

A channel is either
- a **culture channel**, a way the culture itself enters the rules: switched off, scenario
  ``B`` takes scenario ``A``'s culture for it (e.g. its queues serve in ``A``'s order:
  ``culture.queue_direction``); ``A`` is unchanged; or
- a **mechanism**, a rule that carries any difference onward (reciprocity and the manager's
  example on mindset, quits' response to morale, ...): switched off in both scenarios.

With every channel off, ``B`` differs from ``A`` only where no channel reaches (what is left is
reported as ``other``: exactly 0 when the two scenarios differ in culture only). The value of a
coalition S of channels is the difference ``B - A`` with the channels of S on and the others
off; channel i's Shapley value is the mean, over every order of switching channels on, of the
difference i makes when it is switched on (Shapley 1953; the same attribution as SHAP), so
interactions are shared fairly and the values add up to the whole difference exactly, in every
replication. Confidence intervals are Student-t over replications (the values are computed
replication by replication, with the same seeds in every arm).

Example:
    >>> import sim
    >>> res = sim.explain("pyramid", "two_way", reps=2, weeks=52)  # doctest: +SKIP
    >>> res.table("profit")  # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.params import ParameterError, Params
from sim.studies.measures import WINDOW
from sim.studies.seeds import replication_seeds
from sim.studies.stats import mean_ci

# The outcomes decomposed: name -> (label, how its difference reads).
OUTCOMES: dict[str, str] = {
    "profit": "weekly profit",
    "morale": "morale (0-1)",
    "turnover": "annual turnover",
    "customer_satisfaction": "customer satisfaction (0-1)",
}
# Weeks whose means are compared: the analysis window of the culture contrast, as validate and
# the fit measure the culture effect (shorter runs: their second half).
# Exact Shapley values need every subset of the channels: 2^k runs per arm and replication.
MAX_CHANNELS = 8


@dataclass(frozen=True)
class Channel:
    """One way a difference can travel, and how to switch it off.

    Attributes:
        name: Key (``queue``, ``care``, ...).
        label: Plain-language name, for people.
        sentence: One sentence: what the channel is.
        culture: True for a culture channel (``B`` takes ``A``'s culture for it when off);
            False for a mechanism (off in both scenarios).
        off: The overrides that switch it off; for a culture channel, a function of ``A``'s
            culture direction.
    """

    name: str
    label: str
    sentence: str
    culture: bool
    off: Callable[[float], dict[str, Any]]


CHANNELS: tuple[Channel, ...] = (
    Channel(
        "queue",
        "Who is served first",
        "The culture's order in every queue: when time is short, whose requests wait.",
        True,
        lambda reference: {"culture.queue_direction": reference},
    ),
    Channel(
        "care",
        "How carefully",
        "A top-down culture serves requests from below with less care.",
        True,
        lambda reference: {"culture.care_direction": reference},
    ),
    Channel(
        "careers",
        "Who is promoted",
        "The culture's criteria decide who becomes a manager, and so whose example teams follow.",
        True,
        lambda reference: {"culture.promotion_direction": reference},
    ),
    Channel(
        "mindset",
        "Service mindset spreads",
        "People treated as customers treat others as customers, and follow their manager's "
        "example.",
        False,
        lambda _reference: {
            "behaviour.reciprocity_rate": 0.0,
            "behaviour.manager_example_rate": 0.0,
        },
    ),
    Channel(
        "retention",
        "Who stays",
        "Low morale and pressure make people quit; vacancies and newcomers cost time and skill.",
        False,
        lambda _reference: {
            "workforce.quit_morale_sensitivity": 0.0,
            "workforce.quit_pressure_sensitivity": 0.0,
        },
    ),
    Channel(
        "standards",
        "Quality standards",
        "Sustained pressure erodes the quality standard people hold; it recovers slowly.",
        False,
        lambda _reference: {"behaviour.standard_erosion_rate": 0.0},
    ),
    Channel(
        "customers",
        "Customers reach back",
        "Customers' moods and the revenue they bring reach employees: feedback, complaints, "
        "job security.",
        False,
        lambda _reference: {
            "behaviour.feedback_weight": 0.0,
            "behaviour.complaint_weight": 0.0,
            "behaviour.insecurity_weight": 0.0,
            "workforce.quit_insecurity_sensitivity": 0.0,
        },
    ),
)
CHANNEL_BY_NAME = {c.name: c for c in CHANNELS}


@dataclass
class ExplainResult:
    """A difference decomposed into channels.

    Attributes:
        a, b: The scenarios (``b`` is compared against ``a``).
        channels: The channels, in order.
        reps, weeks, seed: The design (replication seeds derive from ``seed``).
        first: The first week of the means compared (they run to ``weeks``).
        contributions: Tidy frame, one row per (rep, seed, kpi, channel) with the channel's
            Shapley value (``other`` = what no channel reaches; ``total`` = the difference).
        summary: Tidy frame, one row per (kpi, channel): ``label``, ``value`` (mean over
            replications), ``ci_low``, ``ci_high`` (95% t-interval) and ``share`` (of the mean
            total).
        runs: The window means of every run (arm, coalition, rep, outcomes).
    """

    a: str
    b: str
    channels: list[Channel]
    reps: int
    weeks: int
    seed: int
    contributions: pd.DataFrame
    summary: pd.DataFrame
    runs: pd.DataFrame = field(default_factory=pd.DataFrame)
    first: int = WINDOW.first

    def table(self, kpi: str = "profit") -> pd.DataFrame:
        """The summary of one outcome, channels in order then ``other`` and ``total``."""
        rows = self.summary[self.summary["kpi"] == kpi].set_index("channel")
        order = [c.name for c in self.channels] + ["other", "total"]
        return rows.reindex([o for o in order if o in rows.index])

    def share(self, channel: str, kpi: str) -> float:
        """A channel's share of the mean total difference of ``kpi``."""
        return float(self.table(kpi).loc[channel, "share"])


def channel_overrides(
    channels: Sequence[Channel], on: frozenset[str], reference: float, arm: str
) -> dict[str, Any]:
    """The overrides of one arm (``"a"`` or ``"b"``) when only the channels in ``on`` are on."""
    over: dict[str, Any] = {}
    for channel in channels:
        if channel.name in on:
            continue
        if channel.culture and arm == "a":
            continue  # A keeps its own culture: switching B's to A's is what "off" means
        over.update(channel.off(reference))
    return over


def window_outcomes(params: Params, seed: int, weeks: int, first: int) -> dict[str, float]:
    """One run's means over weeks ``first``-``weeks`` (annual turnover: quits per mean headcount
    per year)."""
    from sim.model import ServiceCultureModel

    df = ServiceCultureModel(params, seed=seed).run(weeks)
    w = df[df["week"] >= first]
    years = len(w) / 52.0
    headcount = float(w["headcount"].mean())
    return {
        "profit": float(w["profit"].mean()),
        "morale": float(w["morale_mean"].mean()),
        "turnover": float(w["quits"].sum()) / headcount / years if headcount > 0 else math.nan,
        "customer_satisfaction": float(w["customer_satisfaction"].mean()),
    }


def explain_run(
    arm: str, coalition: str, rep: int, seed: int, params: Params, weeks: int, first: int
) -> dict[str, Any]:
    """One run of the decomposition: an arm under a coalition of channels (a worker task)."""
    return {
        "arm": arm,
        "coalition": coalition,
        "rep": rep,
        "seed": seed,
        **window_outcomes(params, seed, weeks, first),
    }


def _task(args: tuple) -> dict[str, Any]:
    return explain_run(*args)


def shapley_weights(k: int) -> dict[int, float]:
    """The Shapley weight |S|! (k - |S| - 1)! / k! of a coalition of size |S| among k players."""
    return {s: math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)}


def shapley(values: Mapping[frozenset[str], float], players: Sequence[str]) -> dict[str, float]:
    """Exact Shapley values of a game given the value of every coalition (a subset of players).

    The values add up to ``values[all] - values[none]`` (efficiency).
    """
    k = len(players)
    weights = shapley_weights(k)
    out = {}
    for player in players:
        others = [p for p in players if p != player]
        total = 0.0
        for size in range(k):
            for subset in itertools.combinations(others, size):
                s = frozenset(subset)
                total += weights[size] * (values[s | {player}] - values[s])
        out[player] = total
    return out


def explain(
    a: str | Path = "pyramid",
    b: str | Path = "two_way",
    reps: int = 8,
    weeks: int = WINDOW.last,
    seed: int = 0,
    channels: Sequence[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    workers: int | None = 1,
    progress: bool | Any = False,
) -> ExplainResult:
    """Decompose the difference of scenario ``b`` against ``a`` into the model's channels.

    Args:
        a: The reference scenario (a preset, a file, or ``NAME@culture``).
        b: The scenario compared with it.
        reps: Replications (>= 2 for confidence intervals).
        weeks: Weeks per run; the outcomes are means over weeks 105 (or the last half, for
            shorter runs) to ``weeks``.
        seed: Root seed of the replication seeds (as compare and validate derive them).
        channels: Channel names (default all of :data:`CHANNELS`; at most
            :data:`MAX_CHANNELS`).
        overrides: Dotted-path overrides applied to both scenarios.
        workers: Processes (1 = in this process; None = every core).
        progress: True shows a progress bar on stderr; a rich console draws it there.

    Returns:
        An :class:`ExplainResult`.

    Raises:
        ParameterError: unknown scenario or channel, or reps/weeks out of range.
    """
    from sim.studies.progress import Progress

    plan = plan_explain(a, b, reps, weeks, seed, channels, overrides)
    rows = _run(plan.tasks, workers, progress, Progress)
    return explain_result(plan, rows)


@dataclass(frozen=True)
class ExplainPlan:
    """The runs of a decomposition and what turns their results into one.

    Attributes:
        a, b, reps, weeks, seed, first: The design (see :class:`ExplainResult`).
        channels: The channels switched.
        tasks: One ``(arm, coalition, rep, seed, params, weeks, first)`` tuple per run, the
            arguments of :func:`explain_run`.
    """

    a: str
    b: str
    reps: int
    weeks: int
    seed: int
    first: int
    channels: tuple[Channel, ...]
    tasks: tuple[tuple, ...]


def plan_explain(
    a: str | Path = "pyramid",
    b: str | Path = "two_way",
    reps: int = 8,
    weeks: int = WINDOW.last,
    seed: int = 0,
    channels: Sequence[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> ExplainPlan:
    """Every run :func:`explain` needs, validated (the arguments are :func:`explain`'s)."""
    from sim.arguments import check_overrides, check_reps, check_seed, check_weeks
    from sim.overrides import apply_overrides
    from sim.studies.compare import resolve_scenarios

    names = list(channels) if channels else [c.name for c in CHANNELS]
    unknown = [n for n in names if n not in CHANNEL_BY_NAME]
    if unknown:
        raise ParameterError(
            f"explain: unknown channel {', '.join(unknown)}; allowed: {', '.join(CHANNEL_BY_NAME)}"
        )
    if len(set(names)) != len(names) or not 1 <= len(names) <= MAX_CHANNELS:
        raise ParameterError(
            f"explain: give 1 to {MAX_CHANNELS} different channels, got {', '.join(names)}"
        )
    reps = check_reps(reps, "explain: reps")
    seed = check_seed(seed, "explain: seed")
    weeks = check_weeks(weeks, "explain: weeks", low=2)
    overrides = check_overrides(overrides, "explain: overrides")
    chosen = tuple(CHANNEL_BY_NAME[n] for n in names)
    params_a, params_b = resolve_scenarios([str(a), str(b)], overrides)
    reference = params_a.culture.service_direction
    first = WINDOW.first if weeks >= WINDOW.first + 51 else weeks // 2 + 1
    seeds = replication_seeds(seed, reps)
    # Every coalition of B; A only varies with the mechanisms (culture channels leave it alone).
    mechanisms = [c.name for c in chosen if not c.culture]
    coalitions = [
        frozenset(s) for size in range(len(names) + 1) for s in itertools.combinations(names, size)
    ]
    a_coalitions = [
        frozenset(s)
        for size in range(len(mechanisms) + 1)
        for s in itertools.combinations(mechanisms, size)
    ]
    tasks = []
    for rep, rep_seed in enumerate(seeds):
        for on in a_coalitions:
            over = channel_overrides(chosen, on, reference, "a")
            params = apply_overrides(params_a, over, where="explain")
            tasks.append(("a", _key(on), rep, rep_seed, params, weeks, first))
        for on in coalitions:
            over = channel_overrides(chosen, on, reference, "b")
            params = apply_overrides(params_b, over, where="explain")
            tasks.append(("b", _key(on), rep, rep_seed, params, weeks, first))
    return ExplainPlan(str(a), str(b), reps, weeks, seed, first, chosen, tuple(tasks))


def explain_result(plan: ExplainPlan, rows: Sequence[Mapping[str, Any]]) -> ExplainResult:
    """The decomposition from the results of the plan's runs (any order)."""
    chosen = list(plan.channels)
    mechanisms = [c.name for c in chosen if not c.culture]
    runs = pd.DataFrame(list(rows))
    contributions = _contributions(runs, chosen, mechanisms)
    return ExplainResult(
        a=plan.a,
        b=plan.b,
        channels=chosen,
        reps=plan.reps,
        weeks=plan.weeks,
        seed=plan.seed,
        contributions=contributions,
        summary=_summarize(contributions, chosen),
        runs=runs,
        first=plan.first,
    )


def _key(on: frozenset[str]) -> str:
    return ",".join(sorted(on))


def _run(tasks: list[tuple], workers: int | None, progress: Any, progress_cls: Any) -> list[dict]:
    import os

    from sim.studies.workers import process_pool

    n = (os.cpu_count() or 1) if workers is None else workers
    shown = progress is not False and progress is not None
    console = None if isinstance(progress, bool) else progress
    results: list[dict] = []
    with progress_cls("explain", len(tasks), "runs", enabled=shown, console=console) as bar:
        if n <= 1:
            for task in tasks:
                results.append(_task(task))
                bar.advance()
            return results
        with process_pool(n) as pool:
            for row in pool.map(_task, tasks, chunksize=1):
                results.append(row)
                bar.advance()
    return results


def _contributions(
    runs: pd.DataFrame, chosen: list[Channel], mechanisms: list[str]
) -> pd.DataFrame:
    names = [c.name for c in chosen]
    rows = []
    for (rep, seed), group in runs.groupby(["rep", "seed"]):
        a = group[group["arm"] == "a"].set_index("coalition")
        b = group[group["arm"] == "b"].set_index("coalition")
        for kpi in OUTCOMES:
            values = {}
            for size in range(len(names) + 1):
                for subset in itertools.combinations(names, size):
                    on = frozenset(subset)
                    a_key = _key(on & frozenset(mechanisms))
                    values[on] = float(b.loc[_key(on), kpi] - a.loc[a_key, kpi])
            phi = shapley(values, names)
            base = {"rep": int(rep), "seed": int(seed), "kpi": kpi}
            rows += [{**base, "channel": n, "value": v} for n, v in phi.items()]
            rows.append({**base, "channel": "other", "value": values[frozenset()]})
            rows.append({**base, "channel": "total", "value": values[frozenset(names)]})
    return pd.DataFrame(rows)


def _summarize(contributions: pd.DataFrame, chosen: list[Channel]) -> pd.DataFrame:
    labels = {c.name: c.label for c in chosen} | {
        "other": "Not through these channels",
        "total": "The whole difference",
    }
    rows = []
    for kpi, group in contributions.groupby("kpi", sort=False):
        total = float(group.loc[group["channel"] == "total", "value"].mean())
        for channel, g in group.groupby("channel", sort=False):
            m, lo, hi = mean_ci(g["value"].to_numpy())
            rows.append(
                {
                    "kpi": kpi,
                    "channel": channel,
                    "label": labels[channel],
                    "value": m,
                    "ci_low": lo,
                    "ci_high": hi,
                    "share": m / total if total else math.nan,
                }
            )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- presenting it
def explain_figure(result: ExplainResult, kpi: str = "profit"):
    """A waterfall of one outcome's difference: each channel's share, then the total, with the
    channels' 95% intervals as error bars (a Plotly figure)."""
    import plotly.graph_objects as go

    table = result.table(kpi)
    parts = table.drop(index=["total"])
    if abs(float(parts.loc["other", "value"])) < 1e-12:
        parts = parts.drop(index=["other"])
    total = table.loc["total"]
    fig = go.Figure(
        go.Waterfall(
            x=[*parts["label"], "Whole difference"],
            y=[*parts["value"], float(total["value"])],
            measure=["relative"] * len(parts) + ["total"],
            connector={"line": {"color": "#999"}},
            increasing={"marker": {"color": "#2a9d8f"}},
            decreasing={"marker": {"color": "#e76f51"}},
            totals={"marker": {"color": "#264653"}},
        )
    )
    ends = np.cumsum(parts["value"].to_numpy())
    fig.add_trace(
        go.Scatter(
            x=list(parts["label"]),
            y=list(ends),
            mode="markers",
            marker={"size": 1, "color": "rgba(0,0,0,0)"},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": list(parts["ci_high"] - parts["value"]),
                "arrayminus": list(parts["value"] - parts["ci_low"]),
                "color": "#333",
            },
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        title=f"{result.b} against {result.a}: where the difference in {OUTCOMES[kpi]} comes "
        f"from (Shapley shares, {result.reps} replications, 95% intervals)",
        yaxis_title=OUTCOMES[kpi],
        showlegend=False,
        margin={"t": 70, "b": 80},
    )
    return fig


def _fmt(kpi: str, value: float) -> str:
    if value != value:
        return "n/a"
    if kpi == "profit":
        return f"{value:+,.0f}"
    if kpi == "turnover":
        return f"{value:+.1%}"
    return f"{value:+.3f}"


def explain_title(result: ExplainResult) -> str:
    """What the decomposition's table shows, in one line."""
    return (
        f"Why {result.b} differs from {result.a} (weeks {result.first}-{result.weeks}, "
        f"{result.reps} replications, root seed {result.seed}): Shapley shares of each difference"
    )


def explain_cells(result: ExplainResult) -> pd.DataFrame:
    """The decomposition as text: one row per channel (by label, then what no channel reaches
    and the whole difference), one column per outcome, each cell a mean [95% interval] with its
    share of the difference."""
    names = [c.name for c in result.channels] + ["other", "total"]
    rows = {}
    for name in names:
        cells = {}
        for kpi, title in OUTCOMES.items():
            row = result.table(kpi).loc[name]
            share = "" if name == "total" else f" ({row['share']:.0%})"
            cells[title] = (
                f"{_fmt(kpi, row['value'])} [{_fmt(kpi, row['ci_low'])}, "
                f"{_fmt(kpi, row['ci_high'])}]{share}"
            )
        rows[result.table("profit").loc[name, "label"]] = cells
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "channel"
    return frame


def print_explain(result: ExplainResult, console: Any) -> None:
    """The decomposition as a table: one row per channel, one column per outcome, each a mean
    [95% interval] with its share of the difference."""
    from rich.table import Table

    table = Table(title=explain_title(result), show_lines=False)
    table.add_column("channel", no_wrap=True)
    for kpi in OUTCOMES:
        table.add_column(OUTCOMES[kpi], justify="right")
    cells = explain_cells(result)
    for i, (label, row) in enumerate(cells.iterrows()):
        total = i == len(cells) - 1
        table.add_row(f"[bold]{label}[/]" if total else str(label), *row.tolist())
    console.print(table)
    for channel in result.channels:
        console.print(f"[bold]{channel.label}[/]: {channel.sentence}")


def write_explain_report(result: ExplainResult, path: str | Path) -> Path:
    """An offline HTML page: the table and a waterfall per outcome."""
    import html as html_lib

    from sim.studies.html import figure_div, page

    out = Path(path)
    rows = []
    for kpi in OUTCOMES:
        t = result.table(kpi)
        for name, row in t.iterrows():
            rows.append(
                f"<tr><td>{html_lib.escape(OUTCOMES[kpi])}</td>"
                f"<td>{html_lib.escape(str(row['label']))}</td>"
                f"<td>{_fmt(kpi, row['value'])}</td><td>{_fmt(kpi, row['ci_low'])}</td>"
                f"<td>{_fmt(kpi, row['ci_high'])}</td>"
                f"<td>{'' if name == 'total' else format(row['share'], '.0%')}</td></tr>"
            )
    sentences = "".join(
        f"<li><b>{html_lib.escape(c.label)}</b>: {html_lib.escape(c.sentence)}</li>"
        for c in result.channels
    )
    figures = {f"why-{kpi}": explain_figure(result, kpi) for kpi in OUTCOMES}
    body = (
        f"<h1>Why {html_lib.escape(result.b)} differs from {html_lib.escape(result.a)}</h1>"
        f"<p>Means over weeks {result.first}-{result.weeks} of {result.reps} paired replications "
        f"(root seed {result.seed}). Each channel's share is its Shapley value: the mean "
        "difference it makes when switched on, over every order of switching channels on, so "
        "interactions are shared fairly and the shares add up to the whole difference.</p>"
        f"<ul>{sentences}</ul>"
        "<table><tr><th>outcome</th><th>channel</th><th>difference</th><th>95% low</th>"
        f"<th>95% high</th><th>share</th></tr>{''.join(rows)}</table>"
        + "".join(figure_div(k) for k in figures)
    )
    out.write_text(page(f"servicechain explain: {result.b} against {result.a}", body, figures))
    return out
