"""The "what am I looking at" overlay: every part of the screen, its legend and the keys."""

from __future__ import annotations

import solara

from dashboards.components.context import Ui
from dashboards.components.prose import Prose
from dashboards.figures.chain import BASELINE_WEEKS, RECENT_WEEKS

GUIDE = f"""
**The chain strip** (top): the service-profit chain, from internal service (how well colleagues
serve each other) through morale, retention, productivity and customer satisfaction to loyalty,
revenue and profit. Each card shows the latest week and its 4-week trend. A card turns red when
its link is the **weakest**: it fell more than its usual week-to-week range (last
{RECENT_WEEKS} weeks against the first {BASELINE_WEEKS}). The line under the strip explains the
weakest link's chain of causes in words.

**The pyramid**: one dot per person, in levels from the top (level 0) to the frontline.
Colour = morale (red low, green high), size = workload, a grey ring = a vacant seat, a purple
ring = internal requests waiting on that person (bigger = more hours waiting): it shows where
a queue builds up. The squares are the customers of each customer-facing department (colour =
their satisfaction). Arrows on the left: requests served *up* the hierarchy last week (reports
serving managers); on the right: served *down* (managers serving reports). Arrow width = number
of requests, colour = share on time. The colours span the values that occur (the legend prints
the range), so a small difference still shows. Under the inverted culture the picture turns
upside down: customers on top. Click a dot to see that person and their recent weeks.

**The charts**: the KPIs week by week. Shaded bands and dotted lines are shocks (surges,
freezes, leadership changes ...) with their labels; a dashed line marks a lever or the culture
you changed, labelled at the bottom. An axis never zooms in below a sensible span (10 points
for shares), so week-to-week noise looks like noise. Pick other KPIs in "Charts".

**Compare**: the same organization under several scenarios from week 0 with the same seed, so
the difference is the scenarios' effect; with replications, bands are 95% intervals. The
difference in a weekly flow (profit, revenue) is drawn as an 8-week average, each week faintly
behind it.

**Keys**: Space = Play/Pause, → = one week (in a story: next step), ← = previous story step,
P = presentation layout, Esc = close this guide or leave the story.
"""


@solara.component
def GuideOverlay(ui: Ui, settings: int) -> None:
    """The guide over the page, with the preset's things to notice and to try."""
    info = ui.session.info()
    notice = "\n".join(f"- {n}" for n in info["notice"])
    tries = "\n".join(f"- {t}" for t in info["try"])
    with solara.Div(classes=["sc-overlay"]):
        with solara.Div(classes=["sc-overlay-card"]):
            with solara.Div(classes=["sc-overlay-head"]):
                solara.HTML(tag="h2", unsafe_innerHTML="What am I looking at?")
                solara.Button(
                    "Close",
                    icon_name="mdi-close",
                    on_click=lambda: ui.guide.set(False),
                    classes=["sc-guide-close"],
                    text=True,
                )
            Prose(GUIDE)
            if notice or tries:
                Prose(
                    f"**{ui.session.title(ui.session.preset)}: things to notice**\n\n{notice}\n\n"
                    f"**Things to try**\n\n{tries}"
                )
