"""The "Why" panel's logic: where the current comparison's difference comes from, in words.

The decomposition is ``sim.studies.explain``'s (Shapley shares over the culture's channels,
with common random numbers); this module chooses a budget that a busy 2-core machine finishes
in well under a minute at the dashboard's organization size, runs it off the server's process
(:class:`dashboards.background.Job`), caches results per (scenarios, seed, settings, budget) and
turns a result into what a person reads: a sentence, a waterfall and one line per channel, with
every number through ``sim.kpis.format_kpi``. Plain Python, tested without a browser.

The budget (:data:`CHANNELS`, :data:`WEEKS`, :data:`REPLICATIONS`): the three culture channels
(who is served first, how carefully, who is promoted) and the mechanism that carries most of
what is left in the shipped presets (who stays); 2^4 = 16 runs of the second scenario and 2 of
the first per replication, 2 replications by default (36 runs of 78 weeks after the warm-up).
Mechanisms not switched stay on in every run, so what they carry is counted with the channel
that set it going.
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dashboards.background import Job
from sim.kpis import format_kpi
from sim.studies.explain import (
    CHANNEL_BY_NAME,
    OUTCOMES,
    ExplainPlan,
    ExplainResult,
    explain_result,
    explain_run,
    plan_explain,
)

CHANNELS = ("queue", "care", "careers", "retention")
WEEKS = 78  # weeks per run after the warm-up; the means compared are weeks 40-78
REPLICATIONS = (2, 4)  # choices offered; the first is the default
# explain's outcome -> the KPI whose unit formats it.
OUTCOME_KPI = {
    "profit": "profit",
    "morale": "morale_mean",
    "turnover": "turnover_annualized",
    "customer_satisfaction": "customer_satisfaction",
}
# Outcomes where a lower value is better.
LOWER_IS_BETTER = {"turnover"}
OTHER_LABEL = "Everything else that differs"
OTHER_SENTENCE = (
    "What the channels above do not carry: the two scenarios differ in more than these "
    "channels (their organization, customers or settings, or parts of the culture not "
    "switched here)."
)
TOTAL_LABEL = "The whole difference"
CACHE_SIZE = 32


@dataclass(frozen=True)
class WhyRequest:
    """One decomposition to run: scenario ``b`` against ``a`` with the session's settings.

    Attributes:
        a, b: Scenario specs the model loads (files already resolved).
        title_a, title_b: Their plain names.
        seed: The session's seed (replication seeds derive from it).
        overrides: The session's settings (without the culture, which each scenario sets).
        reps: Replications.
        weeks: Weeks per run.
        channels: Channel names.
    """

    a: str
    b: str
    title_a: str
    title_b: str
    seed: int
    overrides: tuple[tuple[str, str], ...] = ()
    reps: int = REPLICATIONS[0]
    weeks: int = WEEKS
    channels: tuple[str, ...] = CHANNELS

    @property
    def key(self) -> tuple:
        """What identifies the result (titles aside)."""
        return (self.a, self.b, self.seed, self.overrides, self.reps, self.weeks, self.channels)

    def settings(self) -> dict[str, Any]:
        """The overrides as values again."""
        return {k: json.loads(v) for k, v in self.overrides}

    def plan(self) -> ExplainPlan:
        """Every run the decomposition needs (``sim.studies.explain.plan_explain``)."""
        return plan_explain(
            self.a,
            self.b,
            reps=self.reps,
            weeks=self.weeks,
            seed=self.seed,
            channels=list(self.channels),
            overrides=self.settings(),
        )


def make_request(
    a: str,
    b: str,
    title_a: str,
    title_b: str,
    seed: int,
    overrides: Mapping[str, Any],
    reps: int = REPLICATIONS[0],
    ignore: tuple[str, ...] = (),
) -> WhyRequest:
    """A :class:`WhyRequest`; ``overrides`` minus the paths in ``ignore`` (the culture, which
    each scenario sets, and the horizon, which the budget sets)."""
    kept = tuple(
        sorted((k, json.dumps(v, sort_keys=True)) for k, v in overrides.items() if k not in ignore)
    )
    return WhyRequest(a, b, title_a, title_b, int(seed), kept, int(reps))


def runs_needed(request: WhyRequest) -> int:
    """How many simulations a request takes (without planning it)."""
    k = len(request.channels)
    mechanisms = sum(1 for c in request.channels if not CHANNEL_BY_NAME[c].culture)
    return request.reps * (2**k + 2**mechanisms)


# ----------------------------------------------------------------------------- cache and jobs
_CACHE: OrderedDict[tuple, ExplainResult] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def cached(request: WhyRequest) -> ExplainResult | None:
    """The result of an equal request, if one finished in this server."""
    with _CACHE_LOCK:
        result = _CACHE.get(request.key)
        if result is not None:
            _CACHE.move_to_end(request.key)
        return result


def _keep(request: WhyRequest, result: ExplainResult) -> None:
    with _CACHE_LOCK:
        _CACHE[request.key] = result
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)


@dataclass
class WhyState:
    """What the panel shows for the current request.

    Attributes:
        request: The request.
        state: ``"running"``, ``"done"``, ``"error"`` or ``"cancelled"``.
        done, total: Runs finished and needed.
        elapsed: Seconds so far (or taken).
        result: The decomposition, once done.
        error: A one-line message, when it failed.
        waiting: True while the runs wait for a free worker (other sessions' work).
    """

    request: WhyRequest
    state: str
    done: int = 0
    total: int = 0
    elapsed: float = 0.0
    result: ExplainResult | None = None
    error: str = ""
    waiting: bool = False

    @property
    def remaining(self) -> float | None:
        """Seconds left at the pace so far (None before the first run finished)."""
        if self.state != "running" or self.waiting or self.done == 0:
            return None
        return self.elapsed / self.done * (self.total - self.done)


class WhyRunner:
    """One session's decomposition: at most one running, replaced when the request changes.

    Args:
        on_update: Called (from a worker's reader thread) whenever the state changes.
    """

    def __init__(self, on_update: Callable[[], None] | None = None) -> None:
        self.on_update = on_update
        self._lock = threading.Lock()
        self._job: Job | None = None
        self._plan: ExplainPlan | None = None
        self._request: WhyRequest | None = None
        self._error = ""

    def state(self) -> WhyState | None:
        """The current request's state, or None before any was started."""
        with self._lock:
            request, job, error = self._request, self._job, self._error
        if request is None:
            return None
        result = cached(request)
        if result is not None:
            total = runs_needed(request)
            elapsed = job.elapsed if job is not None else 0.0
            return WhyState(request, "done", total, total, elapsed, result)
        if job is None:
            return WhyState(request, "error" if error else "cancelled", error=error)
        return WhyState(
            request, job.state, job.done, job.total, job.elapsed, None, job.error, job.waiting
        )

    def start(self, request: WhyRequest) -> None:
        """Run ``request`` unless its result is cached or it is running already; a different
        request running is cancelled first."""
        with self._lock:
            if self._request is not None and self._request.key == request.key:
                if cached(request) is not None or (self._job is not None and self._job.running):
                    self._request = request  # same result; the titles may be new
                    return
            self._stop()
            self._request, self._error = request, ""
            if cached(request) is not None:
                return
            try:
                plan = request.plan()
            except Exception as err:  # a setting explain refuses: a message, not a traceback
                self._error = str(err)
                return
            self._plan = plan
            tasks = [(explain_run, task) for task in plan.tasks]
            self._job = Job(tasks, on_update=lambda job: self._finished(request, plan, job))
        self._notify()

    def _finished(self, request: WhyRequest, plan: ExplainPlan, job: Job) -> None:
        if job.state == "done" and cached(request) is None:
            try:
                _keep(request, explain_result(plan, job.rows))
            except Exception as err:  # pragma: no cover - explain_result on complete rows
                with self._lock:
                    self._error = f"the decomposition failed: {err}"
                    self._job = None
        self._notify()

    def cancel(self) -> None:
        """Stop the running decomposition, if any."""
        with self._lock:
            self._stop()
        self._notify()

    def keep_if(self, current: Callable[[WhyRequest], bool]) -> None:
        """Cancel the running decomposition unless ``current(request)`` (the comparison or the
        settings changed since it started)."""
        with self._lock:
            if self._request is not None and not current(self._request):
                self._stop()
                self._request = None

    def _stop(self) -> None:
        if self._job is not None and self._job.running:
            self._job.cancel()

    def close(self) -> None:
        """Stop everything (the browser session ended)."""
        self.on_update = None
        with self._lock:
            self._stop()

    def _notify(self) -> None:
        if self.on_update is not None:
            self.on_update()


# ----------------------------------------------------------------------------- in words
@dataclass(frozen=True)
class WhyRow:
    """One line of the panel: a channel (or the rest, or the total) and its part.

    Attributes:
        name: Channel key (``queue``, ..., ``other``, ``total``).
        label: Plain name.
        sentence: What it is, in one sentence.
        value: Its part of the difference (mean over replications).
        value_text: ``value`` formatted (``format_kpi``, as a change, with a sign).
        share_text: Its share of the whole difference ("75%"), or "" for the total.
        runs_text: Each replication's value, formatted.
    """

    name: str
    label: str
    sentence: str
    value: float
    value_text: str
    share_text: str
    runs_text: str = ""


def change_text(value: float, outcome: str) -> str:
    """A difference in an outcome as text with its sign (``"+58,023"``, ``"-3.7 pts"``)."""
    text = format_kpi(value, OUTCOME_KPI[outcome], change=True)
    if value == value and value > 0 and not text.startswith("+"):
        text = "+" + text
    return text


def rows(result: ExplainResult, outcome: str) -> list[WhyRow]:
    """The channels' parts of one outcome's difference, then the rest (if any) and the total."""
    table = result.table(outcome)
    per_rep = result.contributions[result.contributions["kpi"] == outcome]
    out = []
    for name, row in table.iterrows():
        if name == "other" and abs(float(row["value"])) < 1e-12:
            continue  # the scenarios differ in culture only: nothing else to show
        if name in CHANNEL_BY_NAME:
            channel = CHANNEL_BY_NAME[name]
            label, sentence = channel.label, channel.sentence
        elif name == "other":
            label, sentence = OTHER_LABEL, OTHER_SENTENCE
        else:
            label, sentence = TOTAL_LABEL, "The sum of the parts above."
        share = float(row["share"])
        values = per_rep.loc[per_rep["channel"] == name, "value"].to_list()
        out.append(
            WhyRow(
                name=str(name),
                label=label,
                sentence=sentence,
                value=float(row["value"]),
                value_text=change_text(float(row["value"]), outcome),
                share_text="" if name == "total" or share != share else f"{share:.0%}",
                runs_text=", ".join(change_text(v, outcome) for v in values),
            )
        )
    return out


def better(outcome: str, value: float) -> bool:
    """Whether a positive ``value`` difference in ``outcome`` is an improvement."""
    return value < 0 if outcome in LOWER_IS_BETTER else value > 0


def summary(result: ExplainResult, outcome: str, title_a: str, title_b: str) -> str:
    """The answer in words: how large the difference is, where most of it comes from, and how
    sure two or four runs can be."""
    lines = rows(result, outcome)
    total = next(r for r in lines if r.name == "total")
    parts = [r for r in lines if r.name != "total"]
    word = OUTCOMES[outcome].split(" (")[0]
    if total.value == 0 or total.value != total.value:
        return f"{title_b} and {title_a} end up with the same {word} in these runs."
    direction = "higher" if total.value > 0 else "lower"
    verdict = "better" if better(outcome, total.value) else "worse"
    biggest = max(parts, key=lambda r: abs(r.value))
    # A share reads as "of it" only for a part that pushes the same way as the whole.
    of_it = biggest.share_text and biggest.value * total.value > 0
    text = (
        f"Over weeks {result.first}-{result.weeks}, {title_b} has {direction} {word} than "
        f"{title_a} ({verdict}), by {total.value_text} on average over {result.reps} paired "
        f"runs. The largest part, {biggest.value_text}"
        + (f" ({biggest.share_text} of it)" if of_it else " (against the whole)")
        + f", comes from “{biggest.label}”: {biggest.sentence[0].lower()}{biggest.sentence[1:]}"
    )
    reps = result.contributions
    totals = reps[(reps["kpi"] == outcome) & (reps["channel"] == "total")]["value"]
    if len(totals) > 1 and (totals.min() < 0 < totals.max()):
        text += (
            f" Careful: the {result.reps} runs disagree on the direction ({total.runs_text}), "
            "so chance could explain this difference; ask for more runs."
        )
    elif result.reps < 8:
        text += (
            f" With {result.reps} runs the parts are a first reading: each run's whole "
            f"difference was {total.runs_text}."
        )
    return text


def figure(result: ExplainResult, outcome: str, title_a: str, title_b: str) -> dict[str, Any]:
    """The waterfall (Plotly JSON): each channel's part, then the whole difference; every bar
    labelled with its value (``format_kpi``)."""
    lines = rows(result, outcome)
    parts = [r for r in lines if r.name != "total"]
    total = next(r for r in lines if r.name == "total")
    labels = [_wrap(r.label) for r in parts] + [_wrap(TOTAL_LABEL)]
    values = [r.value for r in parts] + [total.value]
    texts = [r.value_text for r in parts] + [total.value_text]
    word = OUTCOMES[outcome]
    good, bad = ("#2a9d8f", "#e76f51") if outcome not in LOWER_IS_BETTER else ("#e76f51", "#2a9d8f")
    span = max((abs(v) for v in values if v == v), default=1.0) or 1.0
    return {
        "data": [
            {
                "type": "waterfall",
                "x": labels,
                "y": values,
                "measure": ["relative"] * len(parts) + ["total"],
                "text": texts,
                "textposition": "outside",
                "cliponaxis": False,
                "hovertext": [f"{r.label}: {r.value_text}" for r in [*parts, total]],
                "hoverinfo": "text",
                "connector": {"line": {"color": "#999"}},
                "increasing": {"marker": {"color": good}},
                "decreasing": {"marker": {"color": bad}},
                "totals": {"marker": {"color": "#264653"}},
            }
        ],
        "layout": {
            "title": {
                "text": f"Why {title_b} differs from {title_a} in {word}",
                "font": {"size": 14},
                "x": 0.01,
            },
            "yaxis": {
                "title": {"text": f"difference in {word}"},
                "zeroline": True,
                "tickformat": "~s" if outcome == "profit" else ".2~f",
                "range": _range(values, span),
            },
            "xaxis": {"automargin": True},
            "margin": {"t": 40, "b": 10, "l": 60, "r": 10},
            "height": 330,
            "showlegend": False,
            "font": {"family": "Roboto, Helvetica, Arial, sans-serif", "size": 12},
        },
    }


def _range(values: list[float], span: float) -> list[float]:
    """A y range holding every bar's end and its label."""
    ends, level = [0.0], 0.0
    for v in values[:-1]:
        level += v if v == v else 0.0
        ends.append(level)
    ends.append(values[-1] if values[-1] == values[-1] else 0.0)
    low, high = min(ends), max(ends)
    pad = 0.18 * max(high - low, span)
    return [low - pad, high + pad]


def _wrap(label: str, width: int = 14) -> str:
    """A bar label on two lines when long (Plotly does not wrap)."""
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


@dataclass
class WhyTexts:
    """Everything the panel reads out for one outcome (for the component and the tests)."""

    summary: str
    rows: list[WhyRow] = field(default_factory=list)


def texts(result: ExplainResult, outcome: str, title_a: str, title_b: str) -> WhyTexts:
    """The summary and the rows of one outcome."""
    return WhyTexts(summary(result, outcome, title_a, title_b), rows(result, outcome))


def duration_text(seconds: float | None) -> str:
    """Seconds as "about 40 s" or "about 2 min"."""
    if seconds is None or seconds != seconds or math.isinf(seconds):
        return "estimating…"
    if seconds < 90:
        return f"about {max(round(seconds), 1)} s"
    return f"about {round(seconds / 60)} min"
