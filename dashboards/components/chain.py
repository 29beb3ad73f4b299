"""The service-profit chain as a live strip: value, trend and the weakest link highlighted."""

from __future__ import annotations

import solara

from dashboards.components.controls import Ctx
from dashboards.render import chain_links, format_kpi


@solara.component
def ChainStrip(ctx: Ctx, df, label: str = "") -> None:
    """One card per link of ``sim.kpis.CHAIN`` (see :func:`dashboards.render.chain_links`)."""
    links = chain_links(df)
    with solara.Row(classes=["sc-chain"], style={"flex-wrap": "wrap", "gap": "4px"}):
        if label:
            solara.Text(label, style={"font-weight": "bold", "align-self": "center"})
        for i, link in enumerate(links):
            arrow = "▲" if link.trend > 0 else ("▼" if link.trend < 0 else "•")
            colour = "#c62828" if link.weakest else "#37474f"
            with solara.Div(
                classes=["sc-link", f"sc-link-{link.kpi}"]
                + (["sc-weakest"] if link.weakest else []),
                style={
                    "border": f"2px solid {colour if link.weakest else '#cfd8dc'}",
                    "background": "#ffebee" if link.weakest else "#fafafa",
                    "border-radius": "6px",
                    "padding": "4px 8px",
                    "min-width": "120px",
                },
            ):
                solara.Div(
                    children=[("→ " if i else "") + link.label],
                    style={"font-size": "0.75em", "color": colour},
                )
                solara.Div(
                    children=[format_kpi(link.value, link.unit)],
                    classes=["sc-link-value"],
                    style={"font-size": "1.15em", "font-weight": "bold"},
                )
                solara.Div(
                    children=[
                        f"{arrow} {format_kpi(link.trend, link.unit)} /4wk"
                        + (" · weakest link" if link.weakest else "")
                    ],
                    style={"font-size": "0.7em", "color": colour},
                )
