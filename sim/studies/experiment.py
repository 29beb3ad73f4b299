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
    panel = "team"                # optional: also keep weekly team (or "employee") rows
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

The file is validated by pydantic models (:class:`Experiment`, :class:`Design`,
:class:`Outputs`: strict types, unknown keys refused with a "did you mean"); every parameter path
is checked with :func:`sim.params.field_spec`, every value and bound against the field's range;
int fields get rounded samples; bool fields are allowed in grid and one_at_a_time designs only.
An empty file, and a design of more than :data:`MAX_RUNS` runs, are refused before anything is
expanded. Errors are :class:`ExperimentError` naming the file, the key path, the value and what
is allowed.
Cross-field constraints (e.g. ``workforce.effort_min <= effort_max``) are checked when each run
builds its parameters; a violating design point is recorded as a failed run.
"""

from __future__ import annotations

import difflib
import itertools
import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.kpis import KPI_NAMES
from sim.overrides import apply_overrides, get_path
from sim.panel import PANELS
from sim.params import FieldSpec, ParameterError, Params, describe_range, field_spec
from sim.shipped import EXPERIMENT_DIR

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
MAX_WEEKS = int(field_spec("weeks").high or 5200)
# Design points x replications a sweep may plan: far beyond what a cluster runs in a day, and
# small enough that planning it (the design table, the run ids) fits in memory.
MAX_RUNS = 1_000_000


class ExperimentError(ParameterError):
    """An experiment file is invalid. The message names the file and the key path."""


class _Problem(ValueError):
    """A validator's finding at an absolute key path (``design.samples``); see :func:`_format`."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


class _Table(BaseModel):
    # Strict: TOML types are kept as written (no "10" -> 10, no true -> 1); unknown keys refused.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Design(_Table):
    """``[design]``: the kind of design and the varied parameters."""

    kind: Literal["grid", "one_at_a_time", "lhs", "sobol", "morris"] = "grid"
    samples: int | None = Field(None, ge=1)
    second_order: bool = False
    levels: int | None = Field(None, ge=2, le=100)
    parameters: dict[str, Any] = Field(default_factory=dict)

    @field_validator("parameters")
    @classmethod
    def _values(cls, parameters: dict[str, Any], info: ValidationInfo) -> dict[str, list[Any]]:
        kind = info.data.get("kind", "grid")
        sampled = kind in SAMPLED_KINDS
        out: dict[str, list[Any]] = {}
        for path, values in parameters.items():
            key = f"design.parameters.{path}"
            spec = _spec(path, key)
            if not isinstance(values, list) or not values:
                what = "[low, high]" if sampled else "a non-empty list of values"
                raise _Problem(key, f"must be {what}, got {values!r}")
            if not sampled:
                vals = [_coerce(spec, v, key) for v in values]
                if len(set(vals)) != len(vals):
                    raise _Problem(key, f"lists a value twice: {values!r}")
                out[path] = vals
                continue
            if spec.kind == "bool":
                raise _Problem(
                    key,
                    f"bool fields can only be varied in grid or one_at_a_time designs, not {kind}",
                )
            if len(values) != 2:
                raise _Problem(key, f"a {kind} design takes [low, high], got {values!r}")
            lo, hi = (_coerce(spec, v, key) for v in values)
            if not lo < hi:
                raise _Problem(key, f"low must be below high, got [{lo}, {hi}]")
            out[path] = [lo, hi]
        return out

    @model_validator(mode="after")
    def _kind_rules(self) -> Design:
        kind, n = self.kind, len(self.parameters)
        if kind in SAMPLED_KINDS:
            if self.samples is None:
                raise _Problem("design.samples", f"a {kind} design needs samples = N")
            if kind != "lhs" and self.samples < 2:
                raise _Problem("design.samples", f"must be from 2, got {self.samples}")
            if kind == "sobol" and self.samples & (self.samples - 1):
                raise _Problem(
                    "design.samples",
                    f"a sobol design needs a power of 2 (e.g. 64, 128, 256), got {self.samples}",
                )
            if n == 0:
                raise _Problem("design.parameters", f"a {kind} design needs at least one parameter")
        elif self.samples is not None:
            raise _Problem("design.samples", f"only sampled kinds take samples, not {kind}")
        if kind in ("sobol", "morris") and n < 2:
            raise _Problem("design.parameters", f"a {kind} design needs at least two parameters")
        if self.second_order and kind != "sobol":
            raise _Problem("design.second_order", "true or false, sobol designs only")
        if self.levels is not None and kind != "morris":
            raise _Problem("design.levels", "only morris designs take levels")
        return self

    def points(self) -> int:
        """How many design points the design expands to (counted, not expanded)."""
        d, n = len(self.parameters), self.samples or 0
        if self.kind == "grid":
            return math.prod(len(v) for v in self.parameters.values())
        if self.kind == "one_at_a_time":
            return 1 + sum(len(v) for v in self.parameters.values())  # an upper bound
        if self.kind == "sobol":
            return n * (2 * d + 2 if self.second_order else d + 2)
        return n * (d + 1) if self.kind == "morris" else n


class Outputs(_Table):
    """``[outputs]``: what each run keeps and where the sweep writes."""

    kpis: list[str] = Field(default_factory=lambda: list(DEFAULT_KPIS), min_length=1)
    window: int | None = Field(None, ge=1)
    timeseries: bool = False
    panel: Literal["team", "employee"] | None = None
    out: str | None = None

    @field_validator("kpis")
    @classmethod
    def _known(cls, kpis: list[str]) -> list[str]:
        for k in kpis:
            if k not in KPI_NAMES or k == "week":
                raise _Problem(
                    "outputs.kpis",
                    f"unknown KPI '{k}'.{_hint(k, KPI_NAMES)} KPIs: {', '.join(KPI_NAMES[1:])}",
                )
        if len(set(kpis)) != len(kpis):
            raise _Problem("outputs.kpis", "lists a KPI twice")
        return kpis

    @field_validator("out")
    @classmethod
    def _folder(cls, out: str | None) -> str | None:
        if out is not None and not out.strip():
            raise _Problem("outputs.out", "must be a folder path (a string)")
        return out


class Experiment(_Table):
    """A validated sweep definition: the experiment file's keys (see the module docstring).

    Build one with :func:`load_experiment` (a file) or :func:`experiment_from_dict` (a dict);
    the design and outputs are reachable flat (``exp.kind``, ``exp.parameters``, ``exp.kpis``,
    ``exp.window``, ``exp.out`` ...) with their defaults resolved.
    """

    scenario: str = "pyramid"
    weeks: int = Field(260, ge=1, le=MAX_WEEKS)
    replications: int = Field(1, ge=1, le=MAX_RUNS)
    seed: int = Field(0, ge=0)
    description: str = ""
    overrides: dict[str, Any] = Field(default_factory=dict)
    design: Design = Field(default_factory=Design)
    outputs: Outputs = Field(default_factory=Outputs)
    _name: str = PrivateAttr("experiment")
    _source: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _not_empty(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data:
            raise _Problem(
                "",
                "the experiment is empty; give at least a scenario, weeks, replications and a "
                '[design] (e.g. scenario = "pyramid", weeks = 52, replications = 5)',
            )
        return data

    @field_validator("overrides")
    @classmethod
    def _fixed(cls, overrides: dict[str, Any]) -> dict[str, Any]:
        clean: dict[str, Any] = {}
        for path, value in overrides.items():
            key = f"overrides.{path}"
            if isinstance(value, dict):
                raise _Problem(key, 'use quoted dotted paths, e.g. "org.headcount" = 120')
            spec = _spec(path, key)
            clean[path] = None if value is None else _coerce(spec, value, key)
        return clean

    @model_validator(mode="after")
    def _whole(self) -> Experiment:
        for path in self.design.parameters:
            if path in self.overrides:
                raise _Problem(
                    f"design.parameters.{path}",
                    "is also fixed in [overrides]; vary it or fix it, not both",
                )
        window = self.outputs.window
        if window is not None and window > self.weeks:
            raise _Problem("outputs.window", f"must be from 1 to {self.weeks}, got {window}")
        points = self.design.points()
        if points * self.replications > MAX_RUNS:
            raise _Problem(
                "design",
                f"{points:,} design points x {self.replications:,} replications = "
                f"{points * self.replications:,} runs, beyond the limit of {MAX_RUNS:,} runs per "
                "sweep; use fewer values, samples or replications (or split the sweep)",
            )
        try:
            self.base_params()
        except ParameterError as err:
            raise _Problem("", f"base scenario: {err}") from None
        return self

    # ---------------------------------------------------------------- resolved, flat views
    @property
    def name(self) -> str:
        """Short name (the file stem, or ``"experiment"`` for dicts)."""
        return self._name

    @property
    def source(self) -> dict[str, Any]:
        """The raw data the experiment was built from (stored in the sweep's manifest)."""
        return self._source

    @property
    def kind(self) -> str:
        return self.design.kind

    @property
    def parameters(self) -> dict[str, list[Any]]:
        """Dotted path -> list of values (grid, one_at_a_time) or [low, high] bounds."""
        return self.design.parameters

    @property
    def samples(self) -> int:
        """Sample size of sampled kinds (0 for grid and one_at_a_time)."""
        return self.design.samples or 0

    @property
    def second_order(self) -> bool:
        return self.design.second_order

    @property
    def levels(self) -> int:
        """Morris grid levels (default 4)."""
        return self.design.levels or 4

    @property
    def kpis(self) -> tuple[str, ...]:
        return tuple(self.outputs.kpis)

    @property
    def window(self) -> int:
        """Weeks of the trailing window whose mean is kept (default min(52, weeks))."""
        return self.outputs.window or min(52, self.weeks)

    @property
    def timeseries(self) -> bool:
        return self.outputs.timeseries

    @property
    def panel(self) -> str | None:
        """``"team"`` or ``"employee"``: also keep each run's weekly panel (see sim.panel)."""
        return self.outputs.panel

    @property
    def out(self) -> Path:
        """Output folder (default ``results/<name>``)."""
        return Path(self.outputs.out or f"results/{self.name}")

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


# ------------------------------------------------------------------------------------ checks
def _hint(word: str, options) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.5)
    return f" Did you mean '{close[0]}'?" if close else ""


def _spec(path: str, key: str) -> FieldSpec:
    try:
        return field_spec(path)
    except ParameterError as err:
        raise _Problem(key, str(err)) from None


def _coerce(spec: FieldSpec, value: Any, key: str) -> Any:
    """Check one value against a field's type and range; return it in the field's type."""
    allowed = f"{spec.path} takes {describe_range(spec)}"
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise _Problem(key, f"{value!r} is not valid; {allowed}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Problem(key, f"{value!r} is not valid; {allowed}")
    if "int" in spec.kind:
        if not float(value).is_integer():
            raise _Problem(key, f"{value!r} is not a whole number; {allowed}")
        value = int(value)
    else:
        value = float(value)
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        raise _Problem(key, f"{value!r} is out of range; {allowed}")
    return value


# What a key must hold, for type errors (by key path, then by the type pydantic expected).
_MUST_HOLD = {
    "scenario": "must be a preset name or a file path",
    "overrides": 'must be a table of "dotted.path" = value',
    "design": "must be a table with kind and parameters",
    "design.parameters": 'must be a table of "dotted.path" = [...]',
    "outputs": "must be a table with kpis, window, timeseries, panel, out",
    "outputs.kpis": "must be a non-empty list of KPI names",
    "outputs.out": "must be a folder path (a string)",
}
_BY_TYPE = {
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "too_short": "must not be empty",
}


def _model_at(loc: tuple) -> type[BaseModel]:
    model: type[BaseModel] = Experiment
    for part in loc[:-1]:
        ann = model.model_fields[str(part)].annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
    return model


def _format(err: ValidationError, where: str) -> str:
    """Pydantic's errors as ``where: key.path: what is wrong, what is allowed`` lines."""
    lines = []
    for e in err.errors():
        loc = tuple(str(p) for p in e["loc"])
        key = ".".join(loc)
        kind, value = e["type"], e.get("input")
        problem = e.get("ctx", {}).get("error")
        if isinstance(problem, _Problem):
            key, msg = problem.key, problem.message
        elif kind == "extra_forbidden":
            allowed = list(_model_at(loc).model_fields)
            msg = f"unknown key.{_hint(loc[-1], allowed)} Allowed here: {', '.join(allowed)}"
        elif kind == "literal_error":
            allowed = PANELS if loc[-1] == "panel" else DESIGN_KINDS
            msg = (
                f"unknown {loc[-1]} {value!r}.{_hint(value, allowed)} Allowed: {', '.join(allowed)}"
            )
        elif kind in ("greater_than_equal", "less_than_equal"):
            meta = _model_at(loc).model_fields[loc[-1]].metadata
            lo = next((m.ge for m in meta if hasattr(m, "ge")), None)
            hi = next((m.le for m in meta if hasattr(m, "le")), None)
            span = f"from {lo} to {hi}" if hi is not None else f"{lo} or more"
            msg = f"must be {span}, got {value!r}"
        else:
            hold = _MUST_HOLD.get(key) or _BY_TYPE.get(kind) or e["msg"]
            msg = f"{hold}, got {value!r}"
        lines.append(f"{key}: {msg}" if key else msg)
    if len(lines) == 1:
        return f"{where}: {lines[0]}"
    return f"{where}: invalid experiment:\n  - " + "\n  - ".join(lines)


# ------------------------------------------------------------------------------------ loading
def resolve_experiment(name_or_path: str | Path) -> Path:
    """The file behind an experiment path or the name of a shipped one in ``experiments/``."""
    from sim.files import file_kind

    text = str(name_or_path)
    if "\x00" in text:
        raise ExperimentError(f"experiment {text!r}: a name or path cannot contain a NUL byte")
    path = Path(text)
    if path.is_file():
        return path
    if path.exists():  # a folder, a FIFO, a device: say what it is
        raise ExperimentError(f"{text}: is {file_kind(path.stat().st_mode)}, not a TOML file")
    candidate = EXPERIMENT_DIR / f"{text}.toml"
    if path.suffix != ".toml" and "/" not in text and candidate.is_file():
        return candidate
    names = sorted(p.stem for p in EXPERIMENT_DIR.glob("*.toml"))
    raise ExperimentError(
        f"experiment file not found: {text}.{_hint(path.stem, names)} "
        f"Shipped experiments: {', '.join(names)}"
    )


def load_experiment(name_or_path: str | Path) -> Experiment:
    """Read and validate an experiment TOML file (or a shipped experiment's name).

    Raises:
        ExperimentError: missing or unreadable file, invalid TOML, unknown key, wrong type or
            out of range (the message names the file and the key path).
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
        raise ExperimentError(f"{where}: an experiment must be a table of keys")
    try:
        exp = Experiment.model_validate(data)
    except ValidationError as err:
        raise ExperimentError(_format(err, where)) from None
    exp._name = name
    exp._source = dict(data)
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
