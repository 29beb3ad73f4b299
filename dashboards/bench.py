"""Benchmark hook: one week of Play (step + every redrawn view) for ``make bench``.

``benchmarks/phases.py`` times :func:`step_and_render` on the default organization. The pyramid
layout is computed once per organization (as the dashboard does), outside the tick.
"""

from __future__ import annotations

from dashboards import render

# The organization last seen and its layout (Organization holds arrays, so it is not hashable).
_last: list = [None, None]


def step_and_render(model) -> float:
    """Step ``model`` one week and build every figure the dashboard redraws; returns seconds."""
    if _last[0] is not model.org:
        _last[:] = [model.org, render.pyramid_layout(model.org)]
    return render.step_and_render(model, _last[1])
