"""Compare mode: several presets in lockstep with common random numbers, side by side."""

from __future__ import annotations

import solara

from dashboards.components.chain import ChainStrip
from dashboards.components.charts import DiffChart
from dashboards.components.controls import Ctx
from dashboards.components.pyramid import PyramidView
from sim.scenario import preset_names


@solara.component
def ComparePanel(ctx: Ctx) -> None:
    """Pick presets (or one click for pyramid versus two-way); pyramids, chains, differences."""
    s = ctx.session
    picked = solara.use_reactive(["pyramid", "two_way"])
    with solara.Row(
        classes=["sc-compare-controls"], style={"align-items": "center", "flex-wrap": "wrap"}
    ):
        solara.Button(
            "Pyramid vs two-way",
            color="primary",
            on_click=lambda: ctx.guard(lambda: s.start_compare(("pyramid", "two_way"))),
            classes=["sc-compare-go"],
        )
        with solara.Div(style={"min-width": "320px"}):
            solara.SelectMultiple(
                "Presets to compare",
                values=picked.value,
                all_values=preset_names(),
                on_value=picked.set,
            )
        solara.Button(
            "Compare these",
            on_click=lambda: ctx.guard(lambda: s.start_compare(picked.value)),
            classes=["sc-compare-these"],
        )
        if s.compare:
            solara.Button(
                "Leave compare mode",
                on_click=lambda: ctx.guard(s.stop_compare),
                classes=["sc-compare-stop"],
            )
    if not s.compare:
        solara.Text(
            "Compare mode is off: the runs start at week 0 with the same seed and settings."
        )
        return
    frames = s.frames()
    solara.Text(
        f"{' vs '.join(s.compare)} · seed {s.seed} (common random numbers) · "
        f"week {s.compare_models[0].steps}",
        classes=["sc-compare-status"],
    )
    with solara.Columns([1] * len(s.compare_models), classes=["sc-compare-runs"]):
        for name, m in zip(s.compare, s.compare_models, strict=True):
            with solara.Div(classes=["sc-compare-run", f"sc-compare-{name}"]):
                PyramidView(ctx, m, label=name, height=300, clickable=False)
                ChainStrip(ctx, frames[name])
    DiffChart(ctx, frames)
