"""Experiment files: a sweep definition in TOML -> a validated :class:`Experiment` and its design.

An experiment names a base scenario, a horizon, replications, a root seed, a design over
parameters (addressed by the dotted paths of :mod:`sim.params`) and the outputs to keep::

    scenario = "pyramid"          # preset name or scenario TOML path (relative to this file)
    weeks = 260
    replications = 20
    seed = 1
    description = "..."           # optional, one line
    [overrides]                   # optional: fixed changes to the base, dotted paths
    "org.headcount" = 120
    [design]
    kind = "grid"                 # grid | one_at_a_time | lhs | sobol | morris
    samples = 64                  # sampled kinds only (see below)
    [design.parameters]           # grid, one_at_a_time: list of values; sampled: [low, high]
    "culture.service_direction" = [-1.0, 0.0, 1.0]
    [outputs]
    kpis = ["profit", "turnover_annualized"]
    window = 52                   # weeks for "mean over a window" (the last `window` weeks)
    timeseries = false            # also keep every week of every run
    out = "results/culture_sweep" # output folder (relative to the working directory)

Design kinds:
    - ``grid``: full factorial over the listed values (no parameters = one base point).
    - ``one_at_a_time``: the base point, then each parameter set to each of its listed values
      that differ from the base while all others stay at the base (e.g. each lever on vs off).
    - ``lhs``: Latin hypercube (``scipy.stats.qmc.LatinHypercube``) with ``samples`` points.
    - ``sobol``: Saltelli/Sobol samples (``SALib.sample.sobol``), ``samples`` = base N (a power
      of 2); ``second_order = true`` adds second-order indices (N x (2D+2) points, else N x (D+2)).
    - ``morris``: Morris trajectories (``SALib.sample.morris``), ``samples`` trajectories,
      ``levels`` grid levels (default 4); N x (D+1) points.

Every path is checked with :func:`sim.params.field_spec`, every value and bound against the
field's range; int fields get rounded samples; bool fields are allowed in grid and
one_at_a_time designs only. Errors are :class:`ExperimentError` naming the file and key path.
Cross-field constraints (e.g. ``workforce.effort_min <= effort_max``) are checked when each run
builds its parameters; a violating design point is recorded as a failed run.
"""

from __future__ import annotations

import difflib
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.kpis import KPI_NAMES
from sim.overrides import apply_overrides, get_path
from sim.params import FieldSpec, ParameterError, Params, describe_range, field_spec

DESIGN_KINDS = ("grid", "one_at_a_time", "lhs", "sobol", "morris")
SAMPLED_KINDS = ("lhs", "sobol", "morris")
DEFAULT_KPIS = (
    "internal_quality",
    "morale_mean",
    "turnover_annualized",
    "productivity",
    "customer_satisfaction",
    "customers_active",
    "profit",
)
TOP_KEYS = (
    "scenario",
    "weeks",
    "replications",
    "seed",
    "description",
    "overrides",
    "design",
    "outputs",
)
DESIGN_KEYS = ("kind", "samples", "second_order", "levels", "parameters")
OUTPUT_KEYS = ("kpis", "window", "timeseries", "out")
EXPERIMENT_DIR = Path(__file__).resolve().parents[2] / "experiments"


class ExperimentError(ParameterError):
    """An experiment file is invalid. The message names the file and the key path."""


@dataclass(frozen=True)
class Experiment:
    """A validated sweep definition (see the module docstring for the file format).

    Attributes:
        name: Short name (the file stem, or ``"experiment"`` for dicts).
        scenario: Base scenario name or path.
        weeks: Weeks per run.
        replications: Runs per design point (replication r uses the same seed at every point).
        seed: Root seed of the sweep (run seeds and design samples derive from it).
        overrides: Fixed dotted-path overrides applied to the base scenario.
        kind: Design kind, one of :data:`DESIGN_KINDS`.
        parameters: Dotted path -> list of values (grid, one_at_a_time) or (low, high) bounds.
        samples: Sample size for sampled kinds (0 for grid / one_at_a_time).
        second_order: Sobol only: also sample for second-order indices.
        levels: Morris only: number of grid levels.
        kpis: KPI names kept per run.
        window: Weeks of the trailing window whose mean is kept per KPI.
        timeseries: Also keep every week of every run.
        out: Output folder.
        description: One-line description.
        source: The raw data the experiment was built from (stored in the sweep's manifest).
    """

    name: str
    scenario: str
    weeks: int
    replications: int
    seed: int
    overrides: dict[str, Any]
    kind: str
    parameters: dict[str, list[Any]]
    samples: int = 0
    second_order: bool = False
    levels: int = 4
    kpis: tuple[str, ...] = DEFAULT_KPIS
    window: int = 52
    timeseries: bool = False
    out: Path = Path("results/experiment")
    description: str = ""
    source: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def parameter_names(self) -> list[str]:
        """The varied parameters' dotted paths, in declaration order."""
        return list(self.parameters)

    def base_params(self) -> Params:
        """The base scenario with the fixed overrides and ``weeks`` applied."""
        from sim.scenario import load_scenario

        base = load_scenario(self.scenario)
        return apply_overrides(base, {**self.overrides, "weeks": self.weeks}, where=self.name)

    def problem(self) -> dict[str, Any]:
        """The SALib problem dict (names and bounds) of a sampled design."""
        return {
            "num_vars": len(self.parameters),
            "names": self.parameter_names,
            "bounds": [[float(lo), float(hi)] for lo, hi in self.parameters.values()],
        }


# ------------------------------------------------------------------------------------ loading
def resolve_experiment(name_or_path: str | Path) -> Path:
    """The file behind an experiment path or the name of a shipped one in ``experiments/``."""
    text = str(name_or_path)
    path = Path(text)
    if path.is_file():
        return path
    candidate = EXPERIMENT_DIR / f"{text}.toml"
    if path.suffix != ".toml" and "/" not in text and candidate.is_file():
        return candidate
    names = sorted(p.stem for p in EXPERIMENT_DIR.glob("*.toml"))
    close = difflib.get_close_matches(path.stem, names, n=1, cutoff=0.5)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise ExperimentError(
        f"experiment file not found: {text}.{hint} Shipped experiments: {', '.join(names)}"
    )


def load_experiment(name_or_path: str | Path) -> Experiment:
    """Read and validate an experiment TOML file (or a shipped experiment's name).

    Raises:
        ExperimentError: missing file, invalid TOML, unknown key, wrong type or out of range
            (the message names the file and the key path).
    """
    from sim.scenario import ScenarioError, read_toml

    path = resolve_experiment(name_or_path)
    try:
        data = read_toml(path)
    except ScenarioError as err:
        raise ExperimentError(str(err)) from None
    scen = data.get("scenario")
    # A scenario given as a relative file path is relative to the experiment file.
    if isinstance(scen, str) and (scen.endswith(".toml") or "/" in scen):
        cand = (path.parent / scen).resolve()
        if cand.is_file():
            data = {**data, "scenario": str(cand)}
    return experiment_from_dict(data, where=str(path), name=path.stem)


def _err(where: str, key: str, msg: str) -> ExperimentError:
    return ExperimentError(f"{where}: {key}: {msg}" if key else f"{where}: {msg}")


def _check_keys(data: dict[str, Any], allowed: tuple[str, ...], where: str, prefix: str) -> None:
    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise _err(
                where, f"{prefix}{key}", f"unknown key.{hint} Allowed here: {', '.join(allowed)}"
            )


def _int(value: Any, where: str, key: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _err(where, key, f"must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        upper = f" to {high}" if high is not None else " or more"
        raise _err(where, key, f"must be from {low}{upper}, got {value}")
    return value


def _coerce(spec: FieldSpec, value: Any, where: str, key: str) -> Any:
    """Check one value against a field's type and range; return it in the field's type."""
    allowed = f"{spec.path} takes {describe_range(spec)}"
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise _err(where, key, f"{value!r} is not valid; {allowed}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _err(where, key, f"{value!r} is not valid; {allowed}")
    if "int" in spec.kind:
        if not float(value).is_integer():
            raise _err(where, key, f"{value!r} is not a whole number; {allowed}")
        value = int(value)
    else:
        value = float(value)
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        raise _err(where, key, f"{value!r} is out of range; {allowed}")
    return value


def experiment_from_dict(
    data: dict[str, Any], where: str = "experiment", name: str = "experiment"
) -> Experiment:
    """Validate raw experiment data (as read from TOML) into an :class:`Experiment`.

    Args:
        data: The parsed TOML table.
        where: Label for error messages (the file path).
        name: The experiment's short name (default output folder ``results/<name>``).

    Raises:
        ExperimentError: on any invalid key or value, naming ``where`` and the key path.
    """
    if not isinstance(data, dict):
        raise _err(where, "", "an experiment must be a table of keys")
    _check_keys(data, TOP_KEYS, where, "")
    scenario = data.get("scenario", "pyramid")
    if not isinstance(scenario, str):
        raise _err(where, "scenario", f"must be a preset name or a file path, got {scenario!r}")
    weeks = _int(data.get("weeks", 260), where, "weeks", 1, 5200)
    reps = _int(data.get("replications", 1), where, "replications", 1)
    seed = _int(data.get("seed", 0), where, "seed", 0)
    description = data.get("description", "")
    if not isinstance(description, str):
        raise _err(where, "description", "must be a string")

    overrides = data.get("overrides", {})
    if not isinstance(overrides, dict):
        raise _err(where, "overrides", 'must be a table of "dotted.path" = value')
    clean_over: dict[str, Any] = {}
    for path, value in overrides.items():
        key = f"overrides.{path}"
        if isinstance(value, dict):
            raise _err(where, key, 'use quoted dotted paths, e.g. "org.headcount" = 120')
        try:
            spec = field_spec(path)
        except ParameterError as err:
            raise _err(where, key, str(err)) from None
        clean_over[path] = None if value is None else _coerce(spec, value, where, key)

    design = data.get("design", {})
    if not isinstance(design, dict):
        raise _err(where, "design", "must be a table with kind and parameters")
    _check_keys(design, DESIGN_KEYS, where, "design.")
    kind = design.get("kind", "grid")
    if kind not in DESIGN_KINDS:
        close = difflib.get_close_matches(str(kind), DESIGN_KINDS, n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise _err(where, "design.kind", f"unknown kind {kind!r}.{hint} Allowed: {DESIGN_KINDS}")
    sampled = kind in SAMPLED_KINDS
    samples = 0
    if sampled:
        if "samples" not in design:
            raise _err(where, "design.samples", f"a {kind} design needs samples = N")
        samples = _int(design["samples"], where, "design.samples", 1 if kind == "lhs" else 2)
        if kind == "sobol" and samples & (samples - 1):
            raise _err(
                where,
                "design.samples",
                f"a sobol design needs a power of 2 (e.g. 64, 128, 256), got {samples}",
            )
    elif "samples" in design:
        raise _err(where, "design.samples", f"only sampled kinds take samples, not {kind}")
    second_order = design.get("second_order", False)
    if not isinstance(second_order, bool) or (second_order and kind != "sobol"):
        raise _err(where, "design.second_order", "true or false, sobol designs only")
    levels = design.get("levels", 4)
    if "levels" in design and kind != "morris":
        raise _err(where, "design.levels", "only morris designs take levels")
    levels = _int(levels, where, "design.levels", 2, 100)

    params_in = design.get("parameters", {})
    if not isinstance(params_in, dict):
        raise _err(where, "design.parameters", 'must be a table of "dotted.path" = [...]')
    if sampled and not params_in:
        raise _err(where, "design.parameters", f"a {kind} design needs at least one parameter")
    if kind in ("sobol", "morris") and len(params_in) < 2:
        raise _err(where, "design.parameters", f"a {kind} design needs at least two parameters")
    parameters: dict[str, list[Any]] = {}
    for path, values in params_in.items():
        key = f"design.parameters.{path}"
        if path in clean_over:
            raise _err(where, key, "is also fixed in [overrides]; vary it or fix it, not both")
        try:
            spec = field_spec(path)
        except ParameterError as err:
            raise _err(where, key, str(err)) from None
        if not isinstance(values, list) or not values:
            what = "[low, high]" if sampled else "a non-empty list of values"
            raise _err(where, key, f"must be {what}, got {values!r}")
        if sampled:
            if spec.kind == "bool":
                raise _err(
                    where,
                    key,
                    f"bool fields can only be varied in grid or one_at_a_time designs, not {kind}",
                )
            if len(values) != 2:
                raise _err(where, key, f"a {kind} design takes [low, high], got {values!r}")
            lo, hi = (_coerce(spec, v, where, key) for v in values)
            if not lo < hi:
                raise _err(where, key, f"low must be below high, got [{lo}, {hi}]")
            parameters[path] = [lo, hi]
        else:
            vals = [_coerce(spec, v, where, key) for v in values]
            if len(set(vals)) != len(vals):
                raise _err(where, key, f"lists a value twice: {values!r}")
            parameters[path] = vals

    outputs = data.get("outputs", {})
    if not isinstance(outputs, dict):
        raise _err(where, "outputs", "must be a table with kpis, window, timeseries, out")
    _check_keys(outputs, OUTPUT_KEYS, where, "outputs.")
    kpis = outputs.get("kpis", list(DEFAULT_KPIS))
    if not isinstance(kpis, list) or not kpis or not all(isinstance(k, str) for k in kpis):
        raise _err(where, "outputs.kpis", "must be a non-empty list of KPI names")
    for k in kpis:
        if k not in KPI_NAMES or k == "week":
            close = difflib.get_close_matches(k, KPI_NAMES, n=1, cutoff=0.5)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise _err(
                where, "outputs.kpis", f"unknown KPI '{k}'.{hint} KPIs: {', '.join(KPI_NAMES[1:])}"
            )
    if len(set(kpis)) != len(kpis):
        raise _err(where, "outputs.kpis", "lists a KPI twice")
    window = _int(outputs.get("window", min(52, weeks)), where, "outputs.window", 1, weeks)
    timeseries = outputs.get("timeseries", False)
    if not isinstance(timeseries, bool):
        raise _err(where, "outputs.timeseries", f"must be true or false, got {timeseries!r}")
    out = outputs.get("out", f"results/{name}")
    if not isinstance(out, str) or not out.strip():
        raise _err(where, "outputs.out", "must be a folder path (a string)")

    exp = Experiment(
        name=name,
        scenario=scenario,
        weeks=weeks,
        replications=reps,
        seed=seed,
        overrides=clean_over,
        kind=kind,
        parameters=parameters,
        samples=samples,
        second_order=second_order,
        levels=levels,
        kpis=tuple(kpis),
        window=window,
        timeseries=timeseries,
        out=Path(out),
        description=description,
        source=dict(data),
    )
    try:
        exp.base_params()
    except ParameterError as err:
        raise ExperimentError(f"{where}: base scenario: {err}") from None
    return exp


# ------------------------------------------------------------------------------------ designs
def design_points(exp: Experiment) -> pd.DataFrame:
    """Expand the design into its points.

    Returns:
        A frame indexed by ``point_id`` (0..P-1) with one column per varied parameter holding the
        value each run uses (int fields rounded), a ``label`` column, and for sampled kinds one
        ``raw.<path>`` column per parameter with the unrounded sample (what sensitivity
        analysis needs, in sample order).
    """
    names = exp.parameter_names
    raw: np.ndarray | None = None
    if exp.kind == "grid":
        rows = list(itertools.product(*exp.parameters.values())) if names else [()]
    elif exp.kind == "one_at_a_time":
        base = exp.base_params()
        base_vals = {p: get_path(base, p) for p in names}
        rows = [tuple(base_vals[p] for p in names)]
        for i, path in enumerate(names):
            for v in exp.parameters[path]:
                if v != base_vals[path]:
                    row = list(rows[0])
                    row[i] = v
                    rows.append(tuple(row))
    else:
        raw = _sample(exp)
        rows = [tuple(r) for r in raw]
    frame = pd.DataFrame(rows, columns=names) if names else pd.DataFrame(index=range(1))
    for path in names:
        spec = field_spec(path)
        if "int" in spec.kind:
            frame[path] = np.rint(frame[path].astype(float)).astype(int)
        elif spec.kind == "bool":
            frame[path] = frame[path].astype(bool)
        else:
            frame[path] = frame[path].astype(float)
    frame["label"] = [_label(exp, frame, i) for i in range(len(frame))]
    if raw is not None:
        for j, path in enumerate(names):
            frame[f"raw.{path}"] = raw[:, j]
    frame.index.name = "point_id"
    return frame


def _label(exp: Experiment, frame: pd.DataFrame, i: int) -> str:
    if not exp.parameter_names:
        return "base"
    if exp.kind == "one_at_a_time":
        if i == 0:
            return "base"
        base = frame.iloc[0]
        diff = [p for p in exp.parameter_names if frame.iloc[i][p] != base[p]]
        return ", ".join(f"{p}={frame.iloc[i][p]}" for p in diff)
    return ", ".join(f"{p}={_fmt(frame.iloc[i][p])}" for p in exp.parameter_names)


def _fmt(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _sample(exp: Experiment) -> np.ndarray:
    """Draw the sampled design, seeded from the root seed (never the global generator)."""
    problem = exp.problem()
    from sim.studies.seeds import sampler_seed

    seed = sampler_seed(exp.seed)
    if exp.kind == "lhs":
        from sim.studies.stats import latin_hypercube

        return latin_hypercube(problem["bounds"], exp.samples, seed)
    if exp.kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, exp.samples, calc_second_order=exp.second_order, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, exp.samples, num_levels=exp.levels, seed=seed)
