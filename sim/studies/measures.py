"""The measures studies read: the analysis window, and one formula for each figure over a window.

Every tool that judges or fits the model over a window of weeks (``validate``, ``fit-defaults``,
``calibrate``, compare's report) measures it here, so that a figure has one definition:

- **The analysis window** (:data:`WINDOW`): weeks 105-260 of a run after the warm-up: three
  years after two to settle, the horizon of Harter et al.'s yearly unit outcomes and of the
  culture contrasts. :data:`RUN_WEEKS` is its last week, the length of the runs judged over it.
- **Annual turnover** (:func:`annual_turnover`): voluntary quits in the window per mean
  headcount, per year.
- **Operating margin** (:func:`operating_margin`): mean profit over mean revenue; the **profit
  ratio** of two arms (:func:`profit_ratio`) is the ratio of their mean profits.
- **Unit correlations** (:func:`unit_correlations`, :func:`corrected_correlation`): Pearson
  correlation over the business units of one organization, pooled over replications via Fisher
  z and corrected for the outcome's measurement error as Harter, Schmidt & Hayes (2002) correct
  theirs.
- **The windowed run** (:func:`simulate`, :func:`window_figures`, :func:`run_window`): one
  replication stepped to the end of a window, and the means over that window of the figures the
  studies compare.

NaN policy (one for every figure here): a figure of an empty population is NaN, never 0, which
would pass for a measurement. Annual turnover with no headcount is NaN; frontline morale in a
week with no filled frontline seat is NaN, and a window's mean skips such weeks (it is NaN only
when no week had one); a margin with no revenue is NaN. A fit's loss prices NaN as far outside
its band (:data:`sim.studies.fit_engine.MISSING_LOSS`) and a verdict on NaN fails.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.studies.stats import pooled_correlation, ratio_ci

if TYPE_CHECKING:
    from sim.model import ServiceCultureModel
    from sim.params import Params

WEEKS_PER_YEAR = 52


@dataclass(frozen=True)
class Window:
    """Weeks ``first`` to ``last`` of a run, both included (week 1 is the first simulated week)."""

    first: int
    last: int

    def __post_init__(self) -> None:
        if not 1 <= self.first <= self.last:
            raise ValueError(f"a window needs 1 <= first <= last, got {self.first}-{self.last}")

    @property
    def weeks(self) -> int:
        """How many weeks the window spans."""
        return self.last - self.first + 1

    def rows(self, kpis: pd.DataFrame) -> pd.DataFrame:
        """The rows of a KPI frame (:meth:`ServiceCultureModel.kpis`) inside the window."""
        return kpis[(kpis["week"] >= self.first) & (kpis["week"] <= self.last)]

    def __str__(self) -> str:
        return f"weeks {self.first}-{self.last}"


WINDOW = Window(105, 260)
RUN_WEEKS = WINDOW.last


# ----------------------------------------------------------------------------- formulas
def annual_turnover(quits: Any, headcount: Any, weeks: Any) -> Any:
    """Annual turnover: quits over ``weeks`` weeks / mean headcount / years.

    Works on numbers and, elementwise, on pandas Series (one value per group). NaN where the
    mean headcount is not positive (no one to turn over).

    Args:
        quits: Voluntary quits summed over the weeks.
        headcount: Mean headcount over the same weeks.
        weeks: Number of weeks.
    """
    years = weeks / WEEKS_PER_YEAR
    if isinstance(headcount, pd.Series):
        return quits / headcount.where(headcount > 0) / years
    if not headcount > 0:
        return math.nan
    return float(quits / headcount / years)


def window_turnover(rows: pd.DataFrame) -> float:
    """:func:`annual_turnover` of the weekly KPI rows of one window."""
    return annual_turnover(rows["quits"].sum(), rows["headcount"].mean(), len(rows))


def operating_margin(
    profit: Sequence[float], revenue: Sequence[float]
) -> tuple[float, float, float]:
    """Mean profit / mean revenue over replications, with its 95% CI (ratio estimator).

    NaN when the mean revenue is not positive.
    """
    return ratio_ci(profit, revenue)


def profit_ratio(
    challenger: Sequence[float], reference: Sequence[float]
) -> tuple[float, float, float]:
    """The ratio of two arms' mean profits (paired replications), with its 95% CI.

    A ratio of means, as a comparison of groups' totals reports it (Harter et al.'s quartile
    contrasts compare group means): a mean of per-replication ratios is at the mercy of one
    replication whose reference barely breaks even. NaN when the reference's mean profit is not
    positive (:func:`sim.studies.stats.ratio_ci`).
    """
    return ratio_ci(challenger, reference)


def relative_change(challenger: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Per replication, ``challenger / reference - 1`` (a share: +0.06 is 6% more)."""
    return np.asarray(challenger, dtype=float) / np.asarray(reference, dtype=float) - 1.0


def mean_skipping_empty(values: Iterable[float]) -> float:
    """The mean of weekly values, skipping NaN weeks (an empty population); NaN if all are."""
    v = np.asarray(list(values), dtype=float)
    if not np.isfinite(v).any():
        return math.nan
    return float(np.nanmean(v))


# ----------------------------------------------------------------------------- unit correlations
def unit_correlations(
    morale: np.ndarray, outcomes: Mapping[str, np.ndarray], units: Mapping[str, np.ndarray]
) -> dict[str, float]:
    """Pearson correlation over business units of unit morale with each unit outcome.

    Args:
        morale: Unit morale, indexed by the unit's manager seat.
        outcomes: Each outcome, indexed likewise.
        units: Per outcome, the seats of the units it is measured over (units where the outcome
            is not finite are skipped).

    Returns:
        Per outcome, the correlation; NaN (quietly) when fewer than three units have the outcome
        or it does not vary (no quits in any unit).
    """
    out = {}
    for name, values in outcomes.items():
        u = units[name]
        ok = u[np.isfinite(values[u])]
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.corrcoef(morale[ok], values[ok])[0, 1] if ok.size > 2 else np.nan
        out[name] = float(r)
    return out


# Below this annual test-retest reliability an outcome is mostly noise and the correction
# would multiply noise; the correction is capped at 1 / sqrt(RELIABILITY_FLOOR).
RELIABILITY_FLOOR = 0.1


def corrected_correlation(
    rs: Iterable[float], reliabilities: Iterable[float]
) -> tuple[float, float, float, float]:
    """A pooled correlation corrected for the outcome's measurement error, as meta-analyses do.

    Rule (Hunter & Schmidt's correction for attenuation, used by Harter, Schmidt & Hayes 2002
    and the Gallup Q12 meta-analyses, whose business-unit correlations are such "true score"
    correlations): the observed correlation divided by the square root of the outcome's
    reliability, estimated as its annual test-retest correlation over units. Correlations and
    reliabilities are pooled over replications via Fisher z
    (:func:`sim.studies.stats.pooled_correlation`), skipping replications where either is
    undefined (no spread in a unit outcome); the reliability is floored at
    :data:`RELIABILITY_FLOOR`. The survey side needs no correction: the model's unit morale is
    measured without error.

    Returns:
        ``(corrected, ci_low, ci_high, reliability)``: the corrected correlation with its 95%
        CI over replications (the observed CI, corrected alike) and the pooled reliability.
    """

    def finite(values: Iterable[float]) -> np.ndarray:
        v = np.asarray(list(values), dtype=float)
        return v[np.isfinite(v)]

    r, lo, hi = pooled_correlation(finite(rs))
    reliability = max(pooled_correlation(finite(reliabilities))[0], RELIABILITY_FLOOR)
    factor = 1.0 / math.sqrt(reliability)

    def fix(value: float) -> float:
        return float(np.clip(value * factor, -1.0, 1.0))

    return fix(r), fix(lo), fix(hi), float(reliability)


# ----------------------------------------------------------------------------- the windowed run
WeekObserver = Callable[["ServiceCultureModel", int], None]


def simulate(
    scenario: str | Params,
    seed: int,
    overrides: Mapping[str, Any] | None = None,
    weeks: int = RUN_WEEKS,
    observers: Sequence[WeekObserver] = (),
) -> ServiceCultureModel:
    """One replication stepped ``weeks`` weeks; each observer sees the model after every week.

    Args:
        scenario: Preset name or validated parameters.
        seed: The replication's seed.
        overrides: Dotted-path overrides of the scenario.
        weeks: Weeks to simulate after the warm-up.
        observers: Called as ``observer(model, week)`` after week ``week`` (1, 2, ...); they
            read the state, never draw from the model's generator.
    """
    from sim.model import ServiceCultureModel

    model = ServiceCultureModel(scenario, overrides=overrides, seed=seed)
    for week in range(1, weeks + 1):
        model.step()
        for observe in observers:
            observe(model, week)
    return model


# The figures :func:`window_figures` measures: name -> KPI column averaged over the window.
WINDOW_MEANS = {
    "revenue": "revenue",
    "cost": "cost",
    "profit": "profit",
    "morale": "morale_mean",
    "productivity": "productivity",
    "customer_satisfaction": "customer_satisfaction",
    "internal_quality": "internal_quality",
    "customers": "customers_active",
    "customers_lost": "customers_lost",
    "headcount": "headcount",
}


def window_figures(kpis: pd.DataFrame, window: Window = WINDOW) -> dict[str, float]:
    """The means over ``window`` of :data:`WINDOW_MEANS`, and the window's annual turnover."""
    rows = window.rows(kpis)
    out = {name: float(rows[column].mean()) for name, column in WINDOW_MEANS.items()}
    out["turnover"] = window_turnover(rows)
    return out


class FrontlineMorale:
    """Observer: mean morale of the filled frontline seats in each week of a window."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self.weekly: list[float] = []

    def __call__(self, model: ServiceCultureModel, week: int) -> None:
        if self.window.first <= week <= self.window.last:
            filled = model.org.frontline & model.state.filled
            self.weekly.append(float(model.state.morale[filled].mean()) if filled.any() else np.nan)

    def mean(self) -> float:
        """The window's mean (:func:`mean_skipping_empty`)."""
        return mean_skipping_empty(self.weekly)


def run_window(
    scenario: str | Params,
    seed: int,
    overrides: Mapping[str, Any] | None = None,
    window: Window = WINDOW,
    frontline: bool = False,
) -> dict[str, float]:
    """The windowed run: simulate to the window's last week, return its :func:`window_figures`.

    Args:
        scenario: Preset name or validated parameters.
        seed: The replication's seed.
        overrides: Dotted-path overrides of the scenario.
        window: The weeks measured.
        frontline: Also measure ``frontline_morale``, the mean morale of the filled frontline
            seats (:class:`FrontlineMorale`).
    """
    watch = FrontlineMorale(window)
    model = simulate(scenario, seed, overrides, window.last, [watch] if frontline else [])
    out = window_figures(model.kpis(), window)
    if frontline:
        out["frontline_morale"] = watch.mean()
    return out


__all__ = [
    "RELIABILITY_FLOOR",
    "RUN_WEEKS",
    "WINDOW",
    "WINDOW_MEANS",
    "FrontlineMorale",
    "Window",
    "annual_turnover",
    "corrected_correlation",
    "mean_skipping_empty",
    "operating_margin",
    "profit_ratio",
    "relative_change",
    "run_window",
    "simulate",
    "unit_correlations",
    "window_figures",
    "window_turnover",
]
