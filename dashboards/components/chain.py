"""The service-profit chain as a strip of cards, and the weakest link's causes in words."""

from __future__ import annotations

import numpy as np
import solara

from dashboards.figures.chain import ChainLink, causes_in_words, chain_links
from dashboards.figures.common import event_label
from dashboards.snapshot import RunView
from sim.kpis import format_kpi


def view_links(view: RunView) -> list[ChainLink]:
    """The chain's links of a run view, computed once per view (strip and causes share them)."""
    links = view.__dict__.get("_links")
    if links is None:
        links = chain_links(view.kpis, compact=True)
        object.__setattr__(view, "_links", links)  # a cache on a frozen view
    return links


def _trend_text(link: ChainLink) -> str:
    if np.isnan(link.trend):
        return ""
    text = format_kpi(abs(link.trend), link.kpi, change=True, compact=True)
    if not any(c in "123456789" for c in text):
        return f"■ {text}"  # steady at the digits shown: no arrow for a change of "0.000"
    arrow = "▲" if link.trend > 0 else "▼"
    return f"{arrow} {text}"


@solara.component
def ChainStrip(view: RunView, compact: bool = False) -> None:
    """One card per link of ``sim.kpis.CHAIN``: value, 4-week trend, weakest link in red.

    Values are compact ("598k"), so a card never cuts a number; ``compact`` lays the cards out
    in two rows of four (beside a pyramid in compare mode).
    """
    links = view_links(view)
    with solara.Div(classes=["sc-chain", "sc-chain-compact" if compact else "sc-chain-full"]):
        for i, link in enumerate(links):
            cls = ["sc-link", f"sc-link-{link.kpi}"] + (["sc-weakest"] if link.weakest else [])
            with solara.Div(classes=cls):
                solara.Div(children=[link.label], classes=["sc-link-label"])
                solara.Div(
                    children=[link.text if link.value == link.value else "from week 1"],
                    classes=["sc-link-value"]
                    + (["sc-link-unmeasured"] if link.value != link.value else []),
                )
                solara.Div(
                    children=["weakest link" if link.weakest else _trend_text(link) or " "],
                    classes=["sc-link-trend"],
                )
            if i < len(links) - 1:
                solara.Div(children=["→"], classes=["sc-link-arrow"])


def active_event_labels(view: RunView, weeks: int = 8) -> list[str]:
    """Labels of the events active in the last ``weeks`` weeks of a run."""
    out = []
    for ev in view.events:
        end = ev.week + int(getattr(ev, "weeks", 1) or 1) - 1
        if ev.week <= view.steps and end >= view.steps - weeks:
            out.append(f"{event_label(ev)} (week {ev.week})")
    return out


@solara.component
def Causes(view: RunView) -> None:
    """The weakest link and the chain of causes upstream of it, in words."""
    text = causes_in_words(view_links(view), active_event_labels(view))
    solara.Div(children=[text], classes=["sc-causes"])
