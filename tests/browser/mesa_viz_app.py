"""A Solara app that drives ServiceCultureModel with Mesa's own SolaraViz (no project code).

What a Mesa user writes to look at the model in Mesa's visualization: a model, a plot of one of
its DataCollector's reporters, and model parameters (a slider, fixed values) that Reset rebuilds
the model with. ``tests/browser/test_mesa_solaraviz.py`` serves it and drives it in chromium.
"""

import solara
from mesa.visualization import SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

import sim

FIXED = {"org.headcount": 60, "warmup_weeks": 8}
model_params = {
    "scenario": "two_way",
    "seed": 1,
    **FIXED,
    "culture.service_direction": {
        "type": "SliderFloat",
        "value": 0.0,
        "label": "Culture (service direction)",
        "min": -1.0,
        "max": 1.0,
        "step": 0.5,
    },
}


@solara.component
def Steps(model):
    """The model's own step counter and one KPI read as an attribute, redrawn every step."""
    update_counter.get()
    solara.Text(
        f"model.steps = {model.steps}; culture = {model.params.culture.service_direction:g}; "
        f"morale_mean = {model.morale_mean:.3f}"
    )


model = sim.ServiceCultureModel("two_way", seed=1, **FIXED)
page = SolaraViz(
    model,
    components=[Steps, make_plot_component("morale_mean")],
    model_params=model_params,
    name="servicechain in Mesa's SolaraViz",
)
