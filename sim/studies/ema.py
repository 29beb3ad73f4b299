"""EMA Workbench adapter: the model as an ``ema_workbench.Model`` whose uncertainties come from
the parameter schema (bounds and kinds), so exploratory modelling needs no glue code.

Example (needs the ``ema`` extra: ``pip install 'servicechain[ema]'``)::

    import sim
    from ema_workbench import SequentialEvaluator

    model = sim.ema.model(
        uncertainties=["culture.service_direction", "behaviour.service_weight"],
        outcomes=["profit", "turnover_annualized"],
        scenario="pyramid", weeks=104, replications=2,
    )
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=50)

Policies are levers (``levers=["interventions.training.intensity", ...]``, then
``perform_experiments(scenarios=20, policies=4)``); the policies of one scenario share its
warm-ups (see :class:`Runner`).

Uncertainties are named by their parameter path with ``__`` for each dot (EMA 3 wants Python
identifiers): ``culture__service_direction`` (:func:`to_name`, :func:`to_path`).

Each experiment runs ``replications`` seeded runs (the replication seeds of
:mod:`sim.studies.seeds` under ``seed``, the same in every experiment: common random numbers) and
reports per KPI the mean over runs of its mean over the last ``window`` weeks (``stat="window"``)
or of its final-week value (``stat="final"``). Works with EMA Workbench 2.5 (Python 3.11) and 3.x
(Python 3.12+).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.kpis import KPI_BY_NAME
from sim.params import ParameterError, Params

DEFAULT_OUTCOMES = ("morale_mean", "turnover_annualized", "customer_satisfaction", "profit")


def to_name(path: str) -> str:
    """The EMA name of a parameter path: EMA 3 wants Python identifiers, so dots become ``__``
    (``culture.service_direction`` -> ``culture__service_direction``)."""
    return path.replace(".", "__")


def to_path(name: str) -> str:
    """The parameter path of an EMA name (the inverse of :func:`to_name`)."""
    return name.replace("__", ".")


class Runner:
    """The model function EMA calls: ``runner(**{path: value}) -> {kpi: value}`` (picklable).

    Experiments that differ only in parameters the warm-up does not read (EMA's policies over
    levers, for one scenario of uncertainties) share their warm-ups: each runner keeps the week
    0 of the warm-ups it ran (:class:`sim.forks.WarmStarts`) and forks it, with results
    identical to warming up every run. The kept states stay in the process (an EMA worker's)
    and are not pickled.
    """

    def __init__(
        self,
        base: Params,
        outcomes: Sequence[str],
        weeks: int,
        seeds: Sequence[int],
        window: int,
        stat: str,
    ) -> None:
        self.base, self.outcomes, self.weeks = base, tuple(outcomes), weeks
        self.seeds, self.window, self.stat = tuple(seeds), window, stat
        self._warm: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_warm": None}

    def __call__(self, **values: Any) -> dict[str, float]:
        from sim.forks import WarmStarts
        from sim.overrides import apply_overrides

        overrides = {
            to_path(k): (v.item() if isinstance(v, np.generic) else v) for k, v in values.items()
        }
        params = apply_overrides(self.base, overrides)
        if self._warm is None:
            self._warm = WarmStarts()
        per_run = []
        for seed in self.seeds:
            df = self._warm.model(params, seed).run(self.weeks)
            frame = df[list(self.outcomes)]
            per_run.append(
                frame.iloc[-1] if self.stat == "final" else frame.iloc[-self.window :].mean()
            )
        return {k: float(np.mean([r[k] for r in per_run])) for k in self.outcomes}


def _parameter(path: str, bounds: tuple[float, float] | None):
    """The EMA parameter of one schema field: kind and bounds from the schema (or ``bounds``)."""
    from ema_workbench import BooleanParameter, IntegerParameter, RealParameter

    from sim.params import field_spec

    spec = field_spec(path)
    name = to_name(path)
    if spec.kind == "bool":
        return BooleanParameter(name)
    low, high = bounds if bounds is not None else (spec.low, spec.high)
    if low is None or high is None:
        raise ParameterError(
            f"{path} has no {'lower' if low is None else 'upper'} bound in the schema; give "
            f"bounds, e.g. uncertainties={{'{path}': (low, high)}}"
        )
    if not (spec.low is None or spec.low <= low) or not (spec.high is None or high <= spec.high):
        from sim.params import describe_range

        raise ParameterError(f"{path}: bounds ({low}, {high}) outside {describe_range(spec)}")
    if not low < high:
        raise ParameterError(f"{path}: low must be below high, got ({low}, {high})")
    if "int" in spec.kind:
        return IntegerParameter(name, int(low), int(high))
    return RealParameter(name, float(low), float(high))


def model(
    uncertainties: Sequence[str] | Mapping[str, tuple[float, float] | None],
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    scenario: str | Params = "pyramid",
    weeks: int = 260,
    replications: int = 1,
    seed: int = 0,
    overrides: Mapping[str, Any] | None = None,
    window: int | None = None,
    stat: str = "window",
    name: str = "servicechain",
    levers: Sequence[str] | Mapping[str, tuple[float, float] | None] = (),
):
    """An ``ema_workbench.Model`` of the service-profit chain.

    Its uncertainties are named ``section__field`` (:func:`to_name`); the experiments frame
    EMA returns has those columns.

    Args:
        uncertainties: Dotted parameter paths (``servicechain params``); their kind (real,
            integer, boolean) and bounds come from the schema. A mapping ``path -> (low, high)``
            narrows the bounds (None keeps the schema's).
        outcomes: KPI names (``sim.kpis``), each a ``ScalarOutcome`` to maximize, minimize or
            report per the KPI's ``higher_is_better``.
        scenario: The base scenario (preset name, TOML path or Params).
        weeks: Weeks per run.
        replications: Seeded runs per experiment (their mean is reported).
        seed: Root seed of the replication seeds.
        overrides: Fixed dotted-path changes to the base scenario.
        window: Weeks of the trailing window (``stat="window"``; default min(52, weeks)).
        stat: ``"window"`` (mean over the last ``window`` weeks) or ``"final"`` (last week).
        name: The EMA model's name.
        levers: Dotted parameter paths EMA's policies set (usually ``interventions.*``), named
            and bounded like ``uncertainties``. Policies that differ only in parameters the
            warm-up does not read (levers) share each scenario's warm-ups (:mod:`sim.forks`).

    Raises:
        ParameterError: an unknown path or KPI, bounds outside the schema, bad weeks or
            replications.
        ImportError: EMA Workbench is not installed (``pip install 'servicechain[ema]'``).
    """
    try:
        import ema_workbench as ew
    except ImportError:
        raise ImportError("sim.ema needs EMA Workbench: pip install 'servicechain[ema]'") from None
    from sim.overrides import apply_overrides
    from sim.scenario import load_scenario
    from sim.studies.seeds import replication_seeds

    window = min(52, weeks) if window is None else window
    if stat not in ("window", "final"):
        raise ParameterError(f"stat = {stat!r}: allowed: window, final")
    if replications < 1 or not 1 <= window <= weeks:
        raise ParameterError(
            f"replications = {replications}, window = {window}, weeks = {weeks}: need "
            "replications >= 1 and 1 <= window <= weeks"
        )
    for kpi in outcomes:
        if kpi not in KPI_BY_NAME or kpi == "week":
            raise ParameterError(f"unknown KPI '{kpi}'; see sim.kpis.KPI_NAMES")
    base = scenario if isinstance(scenario, Params) else load_scenario(scenario)
    base = apply_overrides(base, {**(overrides or {}), "weeks": weeks}, where="sim.ema")

    def parameters(paths: Sequence[str] | Mapping[str, tuple[float, float] | None]) -> list:
        spans = paths if isinstance(paths, Mapping) else dict.fromkeys(paths)
        return [_parameter(path, bounds) for path, bounds in spans.items()]

    runner = Runner(base, outcomes, weeks, replication_seeds(seed, replications), window, stat)
    # Compile the kernels in this process now: EMA's MultiprocessingEvaluator starts its
    # workers together, and on a cold cache each would compile them (sim.precompile).
    from sim.precompile import precompile

    precompile()
    ema_model = ew.Model(name, function=runner)
    ema_model.uncertainties = parameters(uncertainties)
    ema_model.levers = parameters(levers)
    kinds = {True: ew.ScalarOutcome.MAXIMIZE, False: ew.ScalarOutcome.MINIMIZE}
    ema_model.outcomes = [
        ew.ScalarOutcome(k, kind=kinds.get(KPI_BY_NAME[k].higher_is_better, ew.ScalarOutcome.INFO))
        for k in outcomes
    ]
    return ema_model
