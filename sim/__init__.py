"""servicechain: an agent-based simulation of internal customer service culture.

Quick use::

    import sim
    df = sim.run("two_way", weeks=52, seed=1)        # KPI frame, one row per week
    model = sim.ServiceCultureModel("pyramid", seed=1)
    model.run(10)
    model.employee(0).morale
    model.snapshot("w10.snap")                      # the complete state, to resume exactly:
    later = sim.ServiceCultureModel.from_snapshot("w10.snap")   # (or model.fork({...}))
    res = sim.compare(["pyramid", "two_way"], reps=5, weeks=260)   # paired replications
    sim.org_metrics("pyramid")                                      # spans and layers
    sim.plan("pyramid", budget=400_000, trials=60)                  # best levers under a budget
    runs = sim.sweep("culture_sweep")                               # an experiment file
    sim.rerun("results/culture_sweep", run_id=7)                    # one stored run, exactly
    sim.rerun("run.manifest.json")                                  # a `run --out` run, exactly
    ema_model = sim.ema.model(["culture.service_direction"], ["profit"])  # EMA Workbench

The package is a core (``sim.params``, ``sim.org``, ``sim.state``, ``sim.phases``,
``sim.model``, ...) and the tools that run it (``sim.studies``, ``sim.cli``); the tools import the
core, never the reverse. See docs/ARCHITECTURE.md.
"""

from importlib import import_module

from sim.version import __version__ as __version__

# Public names and the module each lives in. They load on first use (PEP 562), so that importing
# a core module (``import sim.params``) never loads the tools (``sim.studies``), and the optional
# EMA Workbench is needed only by ``sim.ema``.
_LAZY = {
    "ServiceCultureModel": "sim.model",
    "run": "sim.model",
    "ParameterError": "sim.params",
    "Params": "sim.params",
    "ScenarioError": "sim.scenario",
    "org_metrics": "sim.orgsummary",
    "plan": "sim.studies.plan",
    "load_scenario": "sim.scenario",
    "preset_names": "sim.scenario",
    "compare": "sim.studies.compare",
    "explain": "sim.studies.explain",
    "rerun": "sim.studies.rerun",
    "sweep": "sim.studies.sweep",
}
_MODULES = {"ema": "sim.studies.ema"}

__all__ = [
    "ParameterError",
    "Params",
    "ScenarioError",
    "ServiceCultureModel",
    "compare",
    "explain",
    "load_scenario",
    "org_metrics",
    "plan",
    "preset_names",
    "rerun",
    "run",
    "sweep",
]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    if name in _MODULES:
        return import_module(_MODULES[name])
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY, *_MODULES])
