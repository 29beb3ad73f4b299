"""servicechain: an agent-based simulation of internal customer service culture.

Quick use::

    import sim
    df = sim.run("two_way", weeks=52, seed=1)        # KPI frame, one row per week
    model = sim.ServiceCultureModel("pyramid", seed=1)
    model.run(10)
    model.employee(0).morale
    res = sim.compare(["pyramid", "two_way"], reps=5, weeks=260)   # paired replications
    runs = sim.sweep("culture_sweep")                               # an experiment file
    sim.rerun("results/culture_sweep", run_id=7)                    # one stored run, exactly
    ema_model = sim.ema.model(["culture.service_direction"], ["profit"])  # EMA Workbench

The package is a core (``sim.params``, ``sim.org``, ``sim.state``, ``sim.phases``,
``sim.model``, ...) and the tools that run it (``sim.studies``, ``sim.cli``); the tools import the
core, never the reverse. See docs/ARCHITECTURE.md.
"""

from sim.model import ServiceCultureModel, run
from sim.params import ParameterError, Params
from sim.scenario import ScenarioError, load_scenario, preset_names
from sim.studies.compare import compare
from sim.studies.sweep import rerun, sweep
from sim.version import __version__ as __version__

__all__ = [
    "ParameterError",
    "Params",
    "ScenarioError",
    "ServiceCultureModel",
    "compare",
    "load_scenario",
    "preset_names",
    "rerun",
    "run",
    "sweep",
]


def __getattr__(name: str):
    # sim.ema is imported on first use: it needs the optional EMA Workbench.
    if name == "ema":
        import importlib

        return importlib.import_module("sim.studies.ema")
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
