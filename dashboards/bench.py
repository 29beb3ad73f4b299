"""Benchmark hook: one tick of the live view (a step plus every figure redrawn after it).

``benchmarks/phases.py`` times :func:`step_and_render` on the default organization and checks it
against :data:`TICK_TARGET_S` (the speed target lives in the benchmarks, not in the tests). The
pyramid layout is computed once per organization, as the dashboard does, outside the tick.
"""

from __future__ import annotations

import time

from dashboards.figures.chain import chain_links
from dashboards.figures.flows import dept_flow_figure
from dashboards.figures.pyramid import PyramidLayout, pyramid_figure, pyramid_layout
from dashboards.figures.timeseries import DEFAULT_KPIS, kpi_figure
from dashboards.snapshot import run_view

# Play at 10 weeks per second needs a tick under 0.1 s on the server (the browser draws apart).
TICK_TARGET_S = 0.1

# The organization last seen and its layout (Organization holds arrays, so it is not hashable).
_last: list = [None, None]


def render_all(model, layout: PyramidLayout, kpis=DEFAULT_KPIS, selected: int | None = None):
    """The frame the live view draws after a step: its snapshot, then every figure and strip."""
    view = run_view(model, model.scenario_name, cold=True)  # the shipped model starts cold
    return [
        pyramid_figure(view, layout, selected=selected),
        dept_flow_figure(view),
        chain_links(view.kpis),
        kpi_figure({view.label: view.kpis}, kpis, view.events, view.horizon),
    ]


def step_and_render(model) -> float:
    """Step ``model`` one week and build every figure the live view redraws; returns seconds."""
    if _last[0] is not model.org:
        _last[:] = [model.org, pyramid_layout(model.org)]
    t0 = time.perf_counter()
    model.step()
    render_all(model, _last[1])
    return time.perf_counter() - t0
