"""Which KPI values a run has measured, so that no placeholder reaches the screen.

A model built cold (week 0 is the initial state and no phase has run yet, so
``model.last_week.service`` is None) reports placeholders at week 0 for everything measured
over a week: revenue 0, profit = -salaries, 100% on time, no quits. The dashboard shows those
KPIs from week 1 on, and the others (morale, headcount, customers ...) from week 0. A model whose
week 0 is a warm steady state (a full week record) shows everything from week 0.

A KPI is measured over a week when its unit is a rate (``people/week``, ``currency/week``,
``1/year``) or its description speaks of this week's flows (requests resolved, encounters).
This is read from the KPI catalogue (``sim.kpis.KPIS``), so new KPIs are classified too.
"""

from __future__ import annotations

import pandas as pd

from sim.kpis import KPI, KPIS

_WEEKLY_WORDS = ("this week", "requests", "encounters")


def is_weekly_measure(kpi: KPI) -> bool:
    """True when ``kpi`` is measured over a week (see the module docstring)."""
    if kpi.name in ("week", "service_direction"):
        return False
    text = kpi.description.lower()
    return "/" in kpi.unit or any(word in text for word in _WEEKLY_WORDS)


WEEKLY: frozenset[str] = frozenset(k.name for k in KPIS if is_weekly_measure(k))


def cold_start(model) -> bool:
    """True when the model's week 0 is a cold initial state (no phase ran to make it)."""
    return int(model.steps) == 0 and model.last_week.service is None


def first_measured_week(kpi: str, cold: bool) -> int:
    """The first week whose value of ``kpi`` is a measurement (0, or 1 after a cold start)."""
    return 1 if cold and kpi in WEEKLY else 0


def measured(df: pd.DataFrame, cold: bool) -> pd.DataFrame:
    """The KPI frame with week-0 placeholders of weekly measures set to NaN (after a cold start)."""
    if not cold or df.empty or int(df["week"].iloc[0]) != 0:
        return df
    out = df.copy()
    cols = [c for c in out.columns if c in WEEKLY]
    out.loc[out.index[0], cols] = float("nan")
    return out
