"""The explain panel: every mechanism of the model in plain words (``dashboards.explain``)."""

from __future__ import annotations

import solara

from dashboards.components.prose import Prose
from dashboards.explain import mechanisms


@solara.component
def ExplainPanel() -> None:
    """The week's phases in order (from ``sim.phases.PHASES``), then levers and events."""
    items = solara.use_memo(mechanisms, [])
    with solara.Div(classes=["sc-explain"]):
        solara.Text(
            "One week of the model, phase by phase, in the order the model runs them. Open a "
            "phase for its rules and their sources.",
            classes=["sc-note"],
        )
        for m in items:
            with solara.Details(f"{m.title}: {m.summary}" if m.summary else m.title):
                Prose(m.body)
