"""Time per phase of one week, and the dashboard's step + KPI time.

The per-phase timer is benchmark-side: it temporarily replaces the week's schedule
(``sim.phases.PHASES``) with the same phases whose functions are wrapped in timers, so the real
``step()`` runs unchanged, in its own order, and the model needs no timing hook.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

import sim.phases as phases_module
from sim.model import ServiceCultureModel

# One label per phase of the week, in order (read from the schedule itself).
PHASES: tuple[str, ...] = tuple(p.title for p in phases_module.PHASES)
COLLECT = "Mesa DataCollector.collect"
OTHER = "other (step bookkeeping)"


def _timed(fn: Callable, label: str, totals: dict[str, float]) -> Callable:
    def wrapper(*args, **kwargs):
        t0 = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[label] += time.process_time() - t0

    return wrapper


@contextmanager
def phase_timers(totals: dict[str, float]) -> Iterator[None]:
    """Time every phase of the week, adding seconds into ``totals`` by label."""
    saved = phases_module.PHASES
    timed = []
    for label, phase in zip(PHASES, saved, strict=True):
        totals.setdefault(label, 0.0)
        timed.append(dataclasses.replace(phase, function=_timed(phase.function, label, totals)))
    phases_module.PHASES = tuple(timed)
    try:
        yield
    finally:
        phases_module.PHASES = saved


def phase_profile(headcount: int, weeks: int, seed: int = 1) -> dict[str, object]:
    """Seconds per week spent in each phase of ``step()`` for one organization size.

    Args:
        headcount: ``org.headcount``.
        weeks: Weeks to time (after 4 warm-up weeks, so caches and backlogs are realistic).
        seed: Model seed.

    Returns:
        ``{"headcount", "weeks", "total_ms_per_week", "phases": {label: ms per week}}``.
    """
    model = ServiceCultureModel("pyramid", overrides={"org.headcount": headcount}, seed=seed)
    for _ in range(4):
        model.step()
    totals: dict[str, float] = {COLLECT: 0.0}
    collect = model.datacollector.collect
    model.datacollector.collect = _timed(collect, COLLECT, totals)  # type: ignore[method-assign]
    # CPU time of this process, not wall time: robust to other work on a shared machine.
    with phase_timers(totals):
        t0 = time.process_time()
        for _ in range(weeks):
            model.step()
        total = time.process_time() - t0
    totals[OTHER] = max(total - sum(totals.values()), 0.0)
    labels = [*PHASES, COLLECT, OTHER]
    return {
        "headcount": headcount,
        "weeks": weeks,
        "total_ms_per_week": 1000.0 * total / weeks,
        "phases": {label: 1000.0 * totals[label] / weeks for label in labels},
    }


def dashboard_step(weeks: int = 260, seed: int = 1, headcount: int | None = None) -> dict:
    """One dashboard tick after another: ``step()`` + every redrawn figure, as the live view
    draws them when it runs as fast as it can ("run to week N").

    Uses ``dashboards.bench.step_and_render(model)`` when the dashboard exposes it (the whole
    tick the browser waits for); otherwise times ``model.step()`` plus reading
    ``model.current``, the part of a tick the simulation owns.

    Args:
        weeks: Ticks to time.
        seed: Model seed.
        headcount: ``org.headcount`` (None: the preset's default organization).

    Returns:
        Tick times (mean, p95, max, ms) and ``weeks_per_s``, the rendered weeks per second.
    """
    tick, source, target_s = _dashboard_tick()
    overrides = {} if headcount is None else {"org.headcount": headcount}
    model = ServiceCultureModel("pyramid", overrides=overrides, seed=seed)
    try:
        tick(model)  # warm-up (imports, layout cache); also proves the hook works here
    except Exception as exc:  # a broken dashboard must not cost the other benchmark rows
        tick, source, target_s = (
            _model_tick,
            f"model.step() + model.current (dashboard hook failed: {exc})",
            None,
        )
    times = np.empty(weeks)
    for i in range(weeks):
        t0 = time.perf_counter()  # wall time: what the person at the dashboard waits
        tick(model)
        times[i] = time.perf_counter() - t0
    out = {
        "headcount": model.org.n_seats,
        "weeks": weeks,
        "source": source,
        "mean_ms": 1000.0 * float(times.mean()),
        "p95_ms": 1000.0 * float(np.percentile(times, 95)),
        "max_ms": 1000.0 * float(times.max()),
        "weeks_per_s": float(weeks / times.sum()),
    }
    if target_s is not None:
        out["target_ms"] = 1000.0 * target_s
    return out


def _model_tick(model) -> None:
    model.step()
    _ = model.current


def _dashboard_tick() -> tuple[Callable, str, float | None]:
    """The dashboard's tick and its speed target (seconds), or the model's step alone."""
    try:
        from dashboards.bench import (  # type: ignore[import-not-found]
            TICK_TARGET_S,
            step_and_render,
        )
    except ImportError:
        return _model_tick, "model.step() + model.current", None
    return step_and_render, "dashboards.bench.step_and_render", TICK_TARGET_S
