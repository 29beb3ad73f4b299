"""A client's observed figures as calibration targets (``servicechain calibrate``).

Each target kind is a figure an organization knows about itself, measured in the model the way
the organization would measure it, as a mean over a window of weeks (by default the analysis
window of :mod:`sim.studies.measures`, three years after two to settle, as ``servicechain
validate`` measures) and over replications, with the formulas of :mod:`sim.studies.measures`.
Each kind names the free parameters a fit moves by default to reach it, chosen so that each
moves its own figure most and they stay apart when several targets are fitted together:

| target | unit | measured over the window | moved by default |
|---|---|---|---|
| ``turnover_annualized`` | share/year | quits per mean headcount | base quit hazard |
| ``morale_mean`` | 0-1 | mean morale of employees | morale at average conditions |
| ``customer_satisfaction`` | 0-1 | mean satisfaction of customers | skill's weight in encounters |
| ``internal_quality`` | 0-1 | mean quality of requests served | skill's weight in service |
| ``internal_rating`` | 1-5 | the same on the survey's scale | as internal_quality |
| ``revenue_per_employee`` | currency/year | encounter margin per head | solved exactly |

Revenue scales exactly with ``economics.revenue_per_occasion`` and nothing else in the model
reads it in absolute terms, so that parameter is not searched: every candidate is measured at a
revenue per occasion of 1 and gets the value that gives the target.

There is no eNPS target: eNPS counts the share of people at the extremes of a 0-10
recommendation scale, and the model's morale has no calibrated scale for its tails (how many
people sit above 0.9 depends on a spread no published figure pins down), so any mapping would
be made up. Give ``morale_mean`` from an engagement or job-satisfaction survey instead: a mean
answer ``r`` on a 1-5 scale is ``(r - 1) / 4``.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.params import ParameterError, Params
from sim.studies.measures import WINDOW, Window, run_window

DEFAULT_WINDOW = (WINDOW.first, WINDOW.last)
MIN_WINDOW_WEEKS = 26  # a turnover rate needs a good part of a year of quits
REVENUE_SCALE = "economics.revenue_per_occasion"


@dataclass(frozen=True)
class SearchRange:
    """Where a fit searches one parameter by default.

    Attributes:
        path: Dotted schema path.
        low: Lowest value tried.
        high: Highest value tried.
        log: Search on a log scale (rates spanning orders of magnitude).
    """

    path: str
    low: float
    high: float
    log: bool = False


@dataclass(frozen=True)
class TargetKind:
    """One kind of figure a client can give.

    Attributes:
        name: The name used on the command line and in targets files.
        label: Human label ("annual turnover").
        unit: Unit of the figure.
        low: Lowest figure that makes sense.
        high: Highest figure that makes sense.
        tolerance: Default tolerance: how close the fit must come (the figure's own precision).
        relative: The tolerance is a share of the value rather than absolute.
        percent: The figure is a share: "45%" reads as 0.45 and it prints as a percentage.
        free: The parameters fitted by default for this target.
        also: Other parameters that move it (suggested when it is out of reach).
        how: How the model measures it.
    """

    name: str
    label: str
    unit: str
    low: float
    high: float
    tolerance: float
    relative: bool = False
    percent: bool = False
    free: tuple[SearchRange, ...] = ()
    also: tuple[str, ...] = ()
    how: str = ""

    def format(self, value: float) -> str:
        """The value as text in this kind's unit, e.g. ``"45.0%"`` or ``"3.12"``."""
        if value is None or not math.isfinite(value):
            return "n/a"
        if self.percent:
            return f"{value:.1%}"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3f}"

    def format_tolerance(self, tolerance: float) -> str:
        """A tolerance as text: points for shares (``"2.0 points"``), else the plain number."""
        if self.percent:
            return f"{tolerance * 100:.1f} points"
        return self.format(tolerance)

    @property
    def share(self) -> bool:
        """A share of a whole (0-1 or a rate): may be written as a percentage."""
        return self.percent or (self.low, self.high) == (0.0, 1.0)

    def default_tolerance(self, value: float) -> float:
        """The tolerance for an observed ``value`` when none is given."""
        return self.tolerance * abs(value) if self.relative else self.tolerance

    def allowed(self) -> str:
        """What an observed figure may be, as text."""
        if self.share:
            return f"a share from {self.low:g} to {self.high:g} (or as a percentage, e.g. 45%)"
        if math.isinf(self.high):
            return f"a number above {self.low:g}"
        return f"a number from {self.low:g} to {self.high:g}"


QUIT_BASE = SearchRange("workforce.quit_base_weekly", 0.001, 0.05, log=True)
MORALE_BASE = SearchRange("behaviour.morale_base", 0.2, 0.85)
ENCOUNTER_SKILL = SearchRange("customers.weight_skill", 0.05, 1.0)
INTERNAL_SKILL = SearchRange("behaviour.internal_weight_skill", 0.05, 1.0)

KINDS: tuple[TargetKind, ...] = (
    TargetKind(
        "turnover_annualized",
        "annual turnover",
        "share of headcount per year",
        0.0,
        3.0,
        0.02,
        percent=True,
        free=(QUIT_BASE,),
        also=("workforce.quit_morale_sensitivity", "behaviour.morale_base"),
        how="voluntary quits in the window per mean headcount, per year",
    ),
    TargetKind(
        "morale_mean",
        "morale",
        "0-1",
        0.0,
        1.0,
        0.02,
        free=(MORALE_BASE,),
        also=("behaviour.pressure_weight", "behaviour.service_weight"),
        how="mean morale of employees (0-1); a 1-5 survey mean r is (r - 1) / 4",
    ),
    TargetKind(
        "customer_satisfaction",
        "customer satisfaction",
        "0-1",
        0.0,
        1.0,
        0.02,
        free=(ENCOUNTER_SKILL,),
        also=("customers.weight_morale", "behaviour.learning_rate", "customers.encounter_hours"),
        how="mean satisfaction of active customers (0-1); a 1-5 rating mean r is (r - 1) / 4",
    ),
    TargetKind(
        "internal_quality",
        "internal service quality",
        "0-1",
        0.0,
        1.0,
        0.02,
        free=(INTERNAL_SKILL,),
        also=("requests.mean_hours", "culture.care_gap", "behaviour.internal_weight_care"),
        how="mean quality of the internal requests served (0-1)",
    ),
    TargetKind(
        "internal_rating",
        "internal service rating",
        "survey scale 1-5",
        1.0,
        5.0,
        0.1,
        free=(INTERNAL_SKILL,),
        also=("requests.mean_hours", "culture.care_gap", "behaviour.internal_weight_care"),
        how=(
            "mean quality of the internal requests served, read on the internal-service "
            "survey's scale (1 -> 0, 3 -> behaviour.service_expectation, 5 -> 1)"
        ),
    ),
    TargetKind(
        "revenue_per_employee",
        "revenue per employee",
        "currency/year",
        0.0,
        math.inf,
        0.01,
        relative=True,
        how=(
            "gross margin of the customer encounters served per year, per mean headcount "
            f"(solved exactly through {REVENUE_SCALE})"
        ),
    ),
)
KIND_BY_NAME: dict[str, TargetKind] = {k.name: k for k in KINDS}
# Kinds that measure the same thing: a fit takes one of each group.
SAME_FIGURE = (("internal_quality", "internal_rating"),)


@dataclass(frozen=True)
class ObservedFigure:
    """One figure of the client to reproduce.

    Attributes:
        kind: What it is.
        value: The observed value.
        tolerance: How close the fit must come (absolute, in the kind's unit).
        source: Where it comes from (printed with the fit and written into the scenario).
    """

    kind: TargetKind
    value: float
    tolerance: float
    source: str = ""

    @property
    def name(self) -> str:
        """The target kind's name."""
        return self.kind.name

    def describe(self) -> str:
        """``"annual turnover 45.0% ± 2.0 points"``."""
        k = self.kind
        return f"{k.label} {k.format(self.value)} ± {k.format_tolerance(self.tolerance)}"


def target_kind(name: str) -> TargetKind:
    """The kind called ``name``, or a ParameterError with a "did you mean" and the list."""
    if name in KIND_BY_NAME:
        return KIND_BY_NAME[name]
    close = difflib.get_close_matches(name, list(KIND_BY_NAME), n=1, cutoff=0.5)
    if not close:  # "morale" -> "morale_mean", "turnover" -> "turnover_annualized"
        close = [k for k in KIND_BY_NAME if name and k.startswith(name)][:1]
    hint = f" Did you mean '{close[0]}'?" if close else ""
    from sim.kpis import KPI_BY_NAME

    what = "not a calibration target:" if name in KPI_BY_NAME else "unknown target"
    raise ParameterError(
        f"{what} '{name}'.{hint} Targets: {', '.join(KIND_BY_NAME)} "
        "(docs/OWN_ORGANIZATION.md, section Calibration)"
    )


def _number(text: str, kind: TargetKind, what: str) -> float:
    """A figure as written: a number, or for shares also a percentage (``"45%"``)."""
    t = text.strip().replace("_", "")
    scale = 1.0
    if t.endswith("%"):
        if not kind.share:
            raise ParameterError(
                f"{what}: '{text}': {kind.name} is not a share; give {kind.allowed()}"
            )
        t, scale = t[:-1].strip(), 0.01
    try:
        value = float(t) * scale
    except ValueError:
        raise ParameterError(f"{what}: '{text}' is not a number; give {kind.allowed()}") from None
    if not math.isfinite(value):
        raise ParameterError(f"{what}: '{text}' is not a number; give {kind.allowed()}")
    return value


def observed(
    name: str, value: float | str, tolerance: float | str | None = None, source: str = ""
) -> ObservedFigure:
    """Validate one observed figure.

    Args:
        name: The target kind's name.
        value: The figure (a number, or text such as ``"45%"``).
        tolerance: How close the fit must come (default: the kind's).
        source: Where the figure comes from.

    Raises:
        ParameterError: unknown kind (with a "did you mean"), a value outside what the kind
            allows, or a tolerance that is not a positive number.
    """
    kind = target_kind(name)
    v = _number(value, kind, name) if isinstance(value, str) else float(value)
    if not (kind.low <= v <= kind.high) or (kind.name == "revenue_per_employee" and v <= 0):
        hint = ""
        if kind.share and 1.0 < v <= 100.0:
            hint = f" (did you mean {v / 100:g}, i.e. {v:g}%?)"
        raise ParameterError(
            f"{name} = {v:g} is out of range{hint}; {kind.label} takes {kind.allowed()}"
        )
    if tolerance is None:
        tol = kind.default_tolerance(v)
    else:
        tol = (
            _number(tolerance, kind, f"{name} tolerance")
            if isinstance(tolerance, str)
            else (float(tolerance))
        )
        if not (math.isfinite(tol) and tol > 0):
            raise ParameterError(
                f"{name}: tolerance {tolerance!r} must be a positive number in the target's unit"
            )
    return ObservedFigure(kind, v, tol, source)


def parse_target(text: str) -> ObservedFigure:
    """``KPI=VALUE`` or ``KPI=VALUE+-TOLERANCE`` (or ``±``), e.g. ``turnover_annualized=45%``.

    Raises:
        ParameterError: the text is not of that form, or the figure is not valid.
    """
    name, sep, rest = text.partition("=")
    if not sep or not name.strip() or not rest.strip():
        raise ParameterError(
            f"--target {text!r}: expected KPI=VALUE (or KPI=VALUE+-TOLERANCE), e.g. "
            "--target turnover_annualized=0.45"
        )
    value, _, tol = rest.replace("±", "+-").partition("+-")
    return observed(name.strip(), value.strip(), tol.strip() or None)


def read_targets_file(path: Path) -> list[ObservedFigure]:
    """The figures of a targets file (TOML)::

        [targets]
        turnover_annualized = 0.42
        customer_satisfaction = { value = 0.66, tolerance = 0.02, source = "2025 survey" }

    Raises:
        ParameterError: unreadable file, unknown keys, unknown targets or invalid figures (the
            message names the file and the key).
    """
    from sim.scenario import read_toml

    if not path.exists():
        raise ParameterError(f"--targets {path}: file not found")
    data = read_toml(path)  # refuses a folder, a FIFO or a device, saying which
    unknown = [k for k in data if k != "targets"]
    if unknown or not isinstance(data.get("targets"), dict) or not data["targets"]:
        raise ParameterError(
            f"{path}: expected a [targets] table of KPI = value lines"
            + (f"; unknown key '{unknown[0]}'" if unknown else "")
            + f". Targets: {', '.join(KIND_BY_NAME)}"
        )
    figures = []
    for name, entry in data["targets"].items():
        where = f"{path}: targets.{name}"
        try:
            if isinstance(entry, dict):
                extra = [k for k in entry if k not in ("value", "tolerance", "source")]
                if extra or "value" not in entry:
                    raise ParameterError(
                        f'expected {{ value = ..., tolerance = ..., source = "..." }} '
                        f"(value required){'; unknown key ' + repr(extra[0]) if extra else ''}"
                    )
                source = entry.get("source", "")
                if not isinstance(source, str):
                    raise ParameterError("source must be a text string")
                figures.append(
                    observed(name, _plain(entry["value"]), _plain(entry.get("tolerance")), source)
                )
            else:
                figures.append(observed(name, _plain(entry)))
        except ParameterError as err:
            raise ParameterError(f"{where}: {str(err).removeprefix(name + ': ')}") from None
    return figures


def _plain(value: Any) -> Any:
    """A TOML value as a figure: numbers and texts pass, anything else is refused."""
    if value is None or (isinstance(value, int | float | str) and not isinstance(value, bool)):
        return value
    raise ParameterError(f"{value!r} is not a number")


def merge_targets(
    from_file: Sequence[ObservedFigure], from_cli: Sequence[ObservedFigure]
) -> list[ObservedFigure]:
    """File figures, with command-line ones replacing the same kind; checks the combination.

    Raises:
        ParameterError: no target at all, or two kinds that measure the same thing.
    """
    merged: dict[str, ObservedFigure] = {f.name: f for f in from_file}
    merged.update({f.name: f for f in from_cli})
    if not merged:
        raise ParameterError(
            "no target: give --target KPI=VALUE (e.g. --target turnover_annualized=0.45) or "
            f"--targets FILE.toml. Targets: {', '.join(KIND_BY_NAME)}"
        )
    for group in SAME_FIGURE:
        both = [g for g in group if g in merged]
        if len(both) > 1:
            raise ParameterError(
                f"{' and '.join(both)} measure the same thing (one on the survey's scale); "
                "give one of them"
            )
    order = list(KIND_BY_NAME)
    return sorted(merged.values(), key=lambda f: order.index(f.name))


# ----------------------------------------------------------------------------- measuring
def measure_run(params: Params, seed: int, window: tuple[int, int]) -> dict[str, float]:
    """Every target kind's figure in one run of ``params`` over weeks ``window`` (inclusive).

    The windowed run and its formulas are :func:`sim.studies.measures.run_window`'s (NaN where
    the window has no headcount). Revenue per employee is as the run's
    ``economics.revenue_per_occasion`` gives it.
    """
    from sim.survey import quality_rating

    w = run_window(params, seed, None, Window(*window))
    headcount, quality = w["headcount"], w["internal_quality"]
    return {
        "turnover_annualized": w["turnover"],
        "morale_mean": w["morale"],
        "customer_satisfaction": w["customer_satisfaction"],
        "internal_quality": quality,
        "internal_rating": quality_rating(quality, params.behaviour.service_expectation)
        if math.isfinite(quality)
        else math.nan,
        "revenue_per_employee": w["revenue"] * 52.0 / headcount if headcount > 0 else math.nan,
    }


def parse_window(text: str | None, max_weeks: int) -> tuple[int, int]:
    """``"10-70"`` -> (10, 70); None -> :data:`DEFAULT_WINDOW`; or a ParameterError saying
    what is allowed."""
    if text is None:
        return DEFAULT_WINDOW
    first, sep, last = text.partition("-")
    try:
        start, end = int(first), int(last)
    except ValueError:
        start = end = -1
    if not sep or not 1 <= start <= end - MIN_WINDOW_WEEKS + 1 or end > max_weeks:
        raise ParameterError(
            f"--window {text!r}: expected FIRST-LAST weeks, e.g. {WINDOW.first}-{WINDOW.last}, "
            "with 1 <= FIRST, "
            f"LAST <= {max_weeks} and at least {MIN_WINDOW_WEEKS} weeks"
        )
    return start, end


__all__ = [
    "DEFAULT_WINDOW",
    "KINDS",
    "KIND_BY_NAME",
    "REVENUE_SCALE",
    "ObservedFigure",
    "SearchRange",
    "TargetKind",
    "measure_run",
    "merge_targets",
    "observed",
    "parse_target",
    "parse_window",
    "read_targets_file",
    "target_kind",
]
