"""Calibration engine: fit free parameters to target figures with a real optimizer.

A fit is a set of :class:`FreeParameter` (dotted paths of the schema with search bounds), a set
of targets (a named measured figure, the value to hit and the band it must stay in: a
:class:`Target`, or a pattern of :mod:`sim.studies.patterns`, both :class:`Scored`) and
an objective that turns a candidate's parameter values into measured figures (by simulating,
with replications). The optimizer is optuna's TPE sampler, seeded, trials run one after the
other, so the same fit run twice gives the same trials and the same best candidate. A study
can live in optuna's SQLite storage, so an interrupted fit resumes where it stopped; with
``reseed_each_trial`` the sampler's seed for each trial derives from the root seed and the
number of trials already finished, so a resumed fit draws exactly the trials an uninterrupted
one would have drawn and ends with the same result.

The loss of a candidate is the sum over targets of ``weight x ((measured - value) / half
band)^2``, plus a steep penalty for every target outside its band; a figure that cannot be
measured (NaN) costs as much as a figure far outside its band.

Used by ``servicechain fit-defaults`` (the shipped defaults against published patterns, see
:mod:`sim.studies.fit_defaults`) and ``servicechain calibrate`` (a scenario against a client's
figures, see :mod:`sim.studies.scenario_fit`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from sim.params import ParameterError, field_spec

OUTSIDE_PENALTY = 25.0  # per (distance outside the band / half band)^2
MISSING_LOSS = 1_000.0


@dataclass(frozen=True)
class FreeParameter:
    """A parameter the fit may move.

    Attributes:
        path: Dotted schema path, e.g. ``"culture.care_gap"``.
        low: Lowest value tried (within the schema's range).
        high: Highest value tried.
        start: The value the fit tries first (fixed, so that a rerun repeats the same trials).
        log: Search on a log scale (for rates spanning orders of magnitude).
    """

    path: str
    low: float
    high: float
    start: float
    log: bool = False

    def __post_init__(self) -> None:
        spec = field_spec(self.path)
        if spec.kind not in ("float", "int"):
            raise ParameterError(f"{self.path}: only numbers can be fitted, not {spec.kind}")
        lo = spec.low if spec.low is not None else -math.inf
        hi = spec.high if spec.high is not None else math.inf
        if not lo <= self.low <= self.start <= self.high <= hi or self.low >= self.high:
            raise ParameterError(
                f"{self.path}: fit bounds [{self.low}, {self.high}] must lie within the "
                f"parameter's range [{spec.low}, {spec.high}] with low < high, and the start "
                f"{self.start} within them"
            )

    @property
    def is_int(self) -> bool:
        return field_spec(self.path).kind == "int"

    def suggest(self, trial: Any) -> float | int:
        """Draw a value for an optuna trial."""
        if self.is_int:
            return trial.suggest_int(self.path, int(self.low), int(self.high), log=self.log)
        return trial.suggest_float(self.path, self.low, self.high, log=self.log)


@dataclass(frozen=True)
class Target:
    """A figure the fit should reproduce.

    Attributes:
        name: The measured figure's name (a key of the objective's result).
        value: The value to aim for, or None to only require the band.
        low: Lowest acceptable value (-inf for none).
        high: Highest acceptable value (+inf for none).
        weight: Weight of this target in the loss.
        source: Where the figure comes from (printed with the fit).
    """

    name: str
    value: float | None
    low: float = -math.inf
    high: float = math.inf
    weight: float = 1.0
    source: str = ""

    @property
    def scale(self) -> float:
        """The band's scale (:func:`band_scale`)."""
        return band_scale(self.low, self.high, self.value)

    def inside(self, measured: float) -> bool:
        """True when ``measured`` lies within the band."""
        return bool(self.low <= measured <= self.high)

    def loss(self, measured: float) -> float:
        """This target's share of the loss for a measured value (:func:`band_loss`)."""
        return band_loss(measured, self.low, self.high, self.value, self.weight)

    def band(self) -> str:
        """The band as text, e.g. ``"0.10 to 0.60"`` or ``"below 0"``."""
        if math.isfinite(self.low) and math.isfinite(self.high):
            return f"{self.low:g} to {self.high:g}"
        if math.isfinite(self.low):
            return f"above {self.low:g}"
        return f"below {self.high:g}"


class Scored(Protocol):
    """What the loss needs of a target: the name of its figure and its share of the loss.

    :class:`Target` is one; so is a published pattern of :mod:`sim.studies.patterns`, which
    ``fit-defaults`` scores directly.
    """

    @property
    def name(self) -> str: ...

    def loss(self, measured: float) -> float: ...


def band_scale(low: float, high: float, aim: float | None) -> float:
    """Half the band when it is finite, else the distance from the aim (or 0) to the bound."""
    if math.isfinite(low) and math.isfinite(high):
        return (high - low) / 2.0
    bound = low if math.isfinite(low) else high
    ref = aim if aim is not None else 0.0
    return max(abs(ref - bound), abs(bound) * 0.1, 1e-6)


def band_loss(
    measured: float | None,
    low: float,
    high: float,
    aim: float | None,
    weight: float,
    scale: float | None = None,
) -> float:
    """One target's share of the loss: ``weight x ((measured - aim) / scale)^2`` plus
    :data:`OUTSIDE_PENALTY` x (distance outside the band / scale)^2, with the scale of
    :func:`band_scale` unless ``scale`` is given; :data:`MISSING_LOSS` x weight when the figure
    is missing (NaN)."""
    if measured is None or not math.isfinite(measured):
        return MISSING_LOSS * weight
    scale = band_scale(low, high, aim) if scale is None else scale
    total = 0.0
    if aim is not None:
        total += ((measured - aim) / scale) ** 2
    outside = max(low - measured, measured - high, 0.0) / scale
    return weight * (total + OUTSIDE_PENALTY * outside**2)


def total_loss(targets: Sequence[Scored], measured: Mapping[str, float]) -> float:
    """The loss of one candidate's measured figures."""
    return float(sum(t.loss(measured.get(t.name, math.nan)) for t in targets))


def total_losses(targets: Sequence[Target], measured: Mapping[str, np.ndarray]) -> np.ndarray:
    """:func:`total_loss` of many candidates at once (one array of figures per target name)."""
    total: np.ndarray | float = 0.0
    for t in targets:
        m = np.asarray(measured[t.name], dtype=float)
        scale = t.scale
        loss = np.zeros_like(m)
        if t.value is not None:
            loss = ((m - t.value) / scale) ** 2
        outside = np.maximum(np.maximum(t.low - m, m - t.high), 0.0) / scale
        loss = t.weight * (loss + OUTSIDE_PENALTY * outside**2)
        total = total + np.where(np.isfinite(m), loss, MISSING_LOSS * t.weight)
    return np.asarray(total, dtype=float)


@dataclass
class FitResult:
    """The outcome of a fit.

    Attributes:
        best: Parameter values of the best candidate.
        loss: Its loss.
        measured: Its measured figures.
        trials: One row per trial: number, loss, the parameter values and the figures.
        spread: Per parameter, the 10th and 90th percentile over the best tenth of the trials
            (at least five): how tightly the targets pin the parameter down.
    """

    best: dict[str, float]
    loss: float
    measured: dict[str, float]
    trials: pd.DataFrame
    spread: dict[str, tuple[float, float]] = field(default_factory=dict)


def run_fit(
    objective: Callable[[dict[str, float]], dict[str, float]],
    free: Sequence[FreeParameter],
    targets: Sequence[Scored],
    trials: int,
    seed: int = 0,
    storage: str | None = None,
    study_name: str = "fit",
    progress: Callable[[int, float], None] | None = None,
    confirm: Callable[[dict[str, float]], dict[str, float]] | None = None,
    confirm_top: int = 8,
    reseed_each_trial: bool = False,
) -> FitResult:
    """Minimize the loss of ``objective``'s figures over the free parameters.

    A simulated objective is noisy, and the lowest loss among hundreds of trials is partly luck
    (the winner's curse). With ``confirm`` (the same measurement with more replications), the
    ``confirm_top`` best trials are measured again and the best of those confirmed losses wins;
    its confirmed figures are the ones reported.

    Args:
        objective: Parameter values (by path) -> measured figures (by target name).
        free: The free parameters.
        targets: The targets.
        trials: Total number of trials (a resumed study runs only the missing ones).
        seed: Seed of the TPE sampler: the same seed gives the same trials. The first trial is
            every parameter's ``start``.
        storage: An optuna storage URL (``"sqlite:///fit.db"``) to keep and resume the study.
        study_name: Name of the study in the storage.
        progress: Called as ``progress(trials done, best loss so far)`` after each trial (and
            once at the start when a stored study already has finished trials).
        confirm: The objective with more replications, to re-measure the best trials.
        confirm_top: How many of the best trials to re-measure.
        reseed_each_trial: Seed the sampler anew before each trial from ``seed`` and the number
            of finished trials, so that a resumed study continues exactly as an uninterrupted
            one (otherwise the sampler's random stream restarts when the study resumes).
    """
    import warnings

    import optuna

    # Errors only: a trial interrupted by Ctrl-C is otherwise logged with its traceback.
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    startup = min(20, max(trials // 5, 5))

    def sampler(sampler_seed: int) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return optuna.samplers.TPESampler(
                seed=sampler_seed, multivariate=True, n_startup_trials=startup
            )

    study = optuna.create_study(
        study_name=study_name,
        storage=storage,
        sampler=sampler(seed),
        direction="minimize",
        load_if_exists=storage is not None,
    )
    states = optuna.trial.TrialState
    done = len([t for t in study.trials if t.state == states.COMPLETE])
    waiting = any(t.state == states.WAITING for t in study.trials)
    if done == 0 and not waiting:  # a stored study may hold the first trial, enqueued
        study.enqueue_trial({p.path: p.start for p in free})

    def run_trial(trial: Any) -> float:
        values = {p.path: p.suggest(trial) for p in free}
        measured = objective(values)
        for name, value in measured.items():
            trial.set_user_attr(name, float(value))
        return total_loss(targets, measured)

    def report(study: Any, _trial: Any) -> None:
        if progress is not None:
            complete = [t for t in study.trials if t.value is not None]
            progress(len(complete), min(t.value for t in complete))

    if progress is not None and done > 0:
        progress(done, min(t.value for t in study.trials if t.value is not None))
    if reseed_each_trial:
        for finished in range(done, trials):
            study.sampler = sampler(trial_seed(seed, finished))
            study.optimize(run_trial, n_trials=1, callbacks=[report])
    elif trials > done:
        study.optimize(run_trial, n_trials=trials - done, callbacks=[report])
    complete = [t for t in study.trials if t.value is not None]
    rows = [{"trial": t.number, "loss": t.value, **t.params, **t.user_attrs} for t in complete]
    table = pd.DataFrame(rows).sort_values("trial", ignore_index=True)
    best = min(complete, key=lambda t: (t.value, t.number))
    loss, measured = float(best.value), {k: float(v) for k, v in best.user_attrs.items()}
    if confirm is not None:
        confirmed = []
        for t in sorted(complete, key=lambda t: (t.value, t.number))[:confirm_top]:
            figures = confirm(dict(t.params))
            confirmed.append((total_loss(targets, figures), t.number, t, figures))
        loss, _, best, measured = min(confirmed, key=lambda c: (c[0], c[1]))
    top = table.nsmallest(max(5, len(table) // 10), "loss")
    spread = {
        p.path: (float(np.percentile(top[p.path], 10)), float(np.percentile(top[p.path], 90)))
        for p in free
    }
    return FitResult(
        best=dict(best.params),
        loss=float(loss),
        measured=measured,
        trials=table,
        spread=spread,
    )


def trial_seed(seed: int, finished: int) -> int:
    """The sampler's seed for the trial that follows ``finished`` finished trials."""
    return int(np.random.SeedSequence([seed, finished]).generate_state(1)[0])
