"""Organization design at scale: spans and layers of a 100,000-row org chart (issue 28's
target: under 10 s, reading the chart included) and one restructuring of each kind on a
100,000-seat organization (restructuring is rare, but must stay fast at that size)."""

from __future__ import annotations

import copy
import tempfile
import time
from pathlib import Path

CHART_ROWS = 100_000
TARGET_ORG_S = 10.0


def spans_and_layers_of_a_chart(rows: int = CHART_ROWS, seed: int = 5) -> float:
    """Seconds to read, check and measure a ``rows``-row irregular chart (``servicechain org``
    minus printing)."""
    from sim.orgsummary import org_metrics, organization_of, summarize_organization
    from tests.chart_files import irregular_chart, write_csv

    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "chart.csv", irregular_chart(rows, seed))
        started = time.perf_counter()
        org, params = organization_of("pyramid", {"org.chart": str(path)}, 0, 0)
        summarize_organization(org, params)
        org_metrics(org)
        return time.perf_counter() - started


def restructurings(headcount: int = 100_000, seed: int = 1) -> dict[str, float]:
    """Seconds of one restructuring of each kind on a ``headcount``-seat pyramid."""
    from sim.model import ServiceCultureModel
    from sim.params import Centralize, Delayer, Respan
    from sim.restructure import (
        Draft,
        apply_centralize,
        apply_delayer,
        apply_downsize,
        apply_growth,
        apply_respan,
        finish,
    )

    model = ServiceCultureModel(
        "pyramid", overrides={"org.headcount": headcount, "warmup_weeks": 0}, seed=seed
    )
    model.run(1)
    one_percent = headcount // 100
    kinds = {
        "delayer": lambda d, s: apply_delayer(d, Delayer(week=1)),
        "respan to 10": lambda d, s: apply_respan(d, Respan(week=1, span=10)),
        "growth 1%": lambda d, s: apply_growth(d, one_percent, None, model.rng),
        "downsize 1%": lambda d, s: apply_downsize(d, one_percent, s, model.rng),
        "centralize": lambda d, s: apply_centralize(
            d, Centralize(week=1, department="support_functions")
        ),
    }
    out = {}
    for name, edit in kinds.items():
        state = copy.deepcopy(model.state)
        started = time.perf_counter()
        draft = Draft.of(model.org)
        edit(draft, state)
        finish(draft, state, model.params, model.rng, (name,))
        out[name] = time.perf_counter() - started
    return out
