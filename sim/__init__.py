"""servicechain: an agent-based simulation of internal customer service culture.

Quick use::

    import sim
    df = sim.run("two_way", weeks=52, seed=1)        # KPI frame, one row per week
    model = sim.ServiceCultureModel("pyramid", seed=1)
    model.run(10)
    model.employee(0).morale
"""

from sim import (
    compare,  # callable module: sim.compare([...], reps=, weeks=) -> CompareResult
    sweep,  # callable module: sim.sweep(experiment, ...) -> runs DataFrame
)
from sim.model import ServiceCultureModel, run
from sim.params import ParameterError, Params
from sim.scenario import ScenarioError, load_scenario, preset_names

__all__ = [
    "ParameterError",
    "Params",
    "ScenarioError",
    "ServiceCultureModel",
    "compare",
    "load_scenario",
    "preset_names",
    "run",
    "sweep",
]
__version__ = "0.1.0"
