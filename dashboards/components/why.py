"""The "Why" tab: where the comparison's difference comes from, channel by channel.

It decomposes the comparison on screen (or, before one is running, the one-click pair: the live
organization under its culture and under two-way) with ``dashboards.why``: the runs go to a
worker process at a low priority, so Play and every click stay quick meanwhile; the tab shows
their progress, can stop them, and starts again by itself when the comparison changes.
"""

from __future__ import annotations

import html

import solara

from dashboards.components.compare_mode import quick_pair
from dashboards.components.context import Ui
from dashboards.components.plot import FigureBox, Plot
from dashboards.controls_spec import CULTURE_PATH
from dashboards.limits import MAX_BACKGROUND
from dashboards.session import HORIZON_PATH, DashboardSession
from dashboards.why import (
    CHANNELS,
    REPLICATIONS,
    WEEKS,
    WhyRequest,
    duration_text,
    figure,
    make_request,
    runs_needed,
    texts,
)
from sim.studies.explain import CHANNEL_BY_NAME, OUTCOMES

OUTCOME_NAMES = {
    "profit": "Weekly profit",
    "morale": "Morale",
    "turnover": "Turnover (quits per year)",
    "customer_satisfaction": "Customer satisfaction",
}


def comparison(session: DashboardSession) -> list[str]:
    """The specs the tab explains: the comparison running, or the one-click pair."""
    return list(session.compare) if session.compare else list(quick_pair(session.preset))


def request_for(session: DashboardSession, other: str, reps: int) -> WhyRequest:
    """The decomposition of ``other`` against the comparison's first scenario."""
    first = comparison(session)[0]
    return make_request(
        session.resolve(first),
        session.resolve(other),
        session.title(first),
        session.title(other),
        session.seed,
        session.overrides,
        reps,
        ignore=(CULTURE_PATH, HORIZON_PATH),
    )


def still_current(session: DashboardSession, request: WhyRequest) -> bool:
    """Whether a request still belongs to the session's comparison and settings."""
    specs = comparison(session)
    return any(request_for(session, o, request.reps).key == request.key for o in specs[1:])


@solara.component
def WhyPanel(ui: Ui, settings: int) -> None:
    """The decomposition of the current comparison (see the module docstring)."""
    s = ui.session
    _ = ui.why_tick.value  # redraw as the runs progress
    specs = comparison(s)
    others = specs[1:]
    other = solara.use_reactive(others[0])
    if other.value not in others:
        other.set(others[0])
    reps = solara.use_reactive(REPLICATIONS[0])
    outcome = solara.use_reactive("profit")
    request = request_for(s, other.value if other.value in others else others[0], reps.value)
    solara.use_effect(lambda: ui.why.start(request), [request.key])
    state = ui.why.state()
    titles = {spec: s.title(spec) for spec in specs}

    with solara.Div(classes=["sc-why"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f"<b>Why does {html.escape(request.title_b)} differ from "
                f"{html.escape(request.title_a)}?</b> "
                + (
                    ""
                    if s.compare
                    else "(No comparison is running: this is the one the Compare tab starts "
                    "with one click.)"
                )
            ),
            classes=["sc-why-question"],
        )
        solara.Text(
            "The model runs both scenarios again with the same random numbers, switching the "
            "culture's channels on and off one by one: each channel's part is the difference it "
            "makes on average, over every order of switching them on (Shapley shares), so the "
            "parts add up to the whole difference.",
            classes=["sc-note"],
        )
        with solara.Div(classes=["sc-why-controls"]):
            if len(others) > 1:
                with solara.Div(classes=["sc-why-pick"]):
                    solara.Select(
                        f"Against {titles[specs[0]]}",
                        values=[titles[o] for o in others],
                        value=titles[other.value] if other.value in titles else titles[others[0]],
                        on_value=lambda t: other.set(next(o for o in others if titles[o] == t)),
                        dense=True,
                    )
            with solara.Div(classes=["sc-why-outcome"]):
                solara.Select(
                    "Difference in",
                    values=list(OUTCOME_NAMES.values()),
                    value=OUTCOME_NAMES[outcome.value],
                    on_value=lambda t: outcome.set(
                        next(k for k, v in OUTCOME_NAMES.items() if v == t)
                    ),
                    dense=True,
                )
            with solara.Div(classes=["sc-why-reps"]):
                solara.Select(
                    "Paired runs",
                    values=list(REPLICATIONS),
                    value=reps.value,
                    on_value=reps.set,
                    dense=True,
                )
        WhyBody(ui, state, outcome.value, request)
        channels = ", ".join(f"“{CHANNEL_BY_NAME[c].label}”" for c in CHANNELS)
        solara.Text(
            f"What is run: {runs_needed(request)} simulations of {WEEKS} weeks after the usual "
            f"warm-up ({request.reps} paired runs, seeds from the session's seed "
            f"{request.seed}, your settings included, shocks fired by hand not), in a "
            f"background process at low priority, so Play stays quick. Channels switched: "
            f"{channels}. Other mechanisms stay on in every run: what they carry counts with "
            "the channel that set it going. The Explain tab describes every rule.",
            classes=["sc-note", "sc-why-budget"],
        )


@solara.component
def WhyBody(ui: Ui, state, outcome: str, request: WhyRequest) -> None:
    """Progress while the runs go; then the answer, the waterfall and one line per channel."""
    if state is None or state.state == "cancelled":
        with solara.Div(classes=["sc-why-status"]):
            solara.Text("Stopped. ", classes=["sc-note"])
            solara.Button(
                "Run it again",
                on_click=lambda: ui.why.start(request),
                small=True,
                classes=["sc-why-start"],
            )
        return
    if state.state == "error":
        solara.Error(f"The explanation could not be run: {state.error}", dense=True)
        return
    if state.state == "running" and state.waiting:
        with solara.Div(classes=["sc-why-status", "sc-loading"]):
            solara.HTML(tag="span", unsafe_innerHTML="", classes=["sc-spinner"])
            solara.Text(
                f"Waiting for a free worker: this server runs at most {MAX_BACKGROUND} "
                "explanations or lessons at once, and others are running.",
                classes=["sc-why-progress-text"],
            )
            solara.Button(
                "Stop", on_click=ui.why.cancel, small=True, text=True, classes=["sc-why-stop"]
            )
        return
    if state.state == "running":
        share = 100.0 * state.done / max(state.total, 1)
        with solara.Div(classes=["sc-why-status", "sc-loading"]):
            solara.HTML(tag="span", unsafe_innerHTML="", classes=["sc-spinner"])
            solara.Text(
                f"Working it out: {state.done} of {state.total} runs done in "
                f"{round(state.elapsed)} s, {duration_text(state.remaining)} to go.",
                classes=["sc-why-progress-text"],
            )
            solara.Button(
                "Stop", on_click=ui.why.cancel, small=True, text=True, classes=["sc-why-stop"]
            )
        solara.ProgressLinear(value=share, color="primary")
        return
    result = state.result
    words = texts(result, outcome, request.title_a, request.title_b)
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(words.summary), classes=["sc-why-answer"])
    with solara.Div(classes=["sc-why-grid"]):
        with solara.Div(classes=["sc-why-figure"]):
            Plot(
                ui,
                FigureBox(
                    lambda: figure(result, outcome, request.title_a, request.title_b),
                    ("why", request.key, outcome),
                ),
            )
        rows_html = "".join(
            f"<tr class='sc-why-row-{r.name}'><td><b>{html.escape(r.label)}</b>"
            f"<div class='sc-why-sentence'>{html.escape(r.sentence)}</div></td>"
            f"<td class='sc-why-value'>{html.escape(r.value_text)}</td>"
            f"<td class='sc-why-value'>{html.escape(r.share_text)}</td></tr>"
            for r in words.rows
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                "<table class='sc-why-table'><tr><th>Channel</th>"
                f"<th>Part of the difference in {html.escape(OUTCOMES[outcome])}</th>"
                f"<th>Share</th></tr>{rows_html}</table>"
            ),
            classes=["sc-why-channels"],
        )
    solara.Text(
        f"Worked out in {round(state.elapsed)} s." if state.elapsed else "From an earlier run.",
        classes=["sc-note"],
    )
