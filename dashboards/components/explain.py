"""The explain panel: every mechanism in the model's own words, with its source module."""

from __future__ import annotations

import solara

from dashboards.explain import mechanisms


@solara.component
def ExplainPanel() -> None:
    """One expandable entry per mechanism (phase docstrings, interventions, events)."""
    items = solara.use_memo(mechanisms, [])
    with solara.Div(classes=["sc-explain"]):
        for m in items:
            with solara.Details(f"{m.title}  ·  {m.source}"):
                solara.Markdown(m.body)
