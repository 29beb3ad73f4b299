"""The published patterns and model checks the shipped defaults are judged against: each once.

One table (:data:`PATTERNS`) holds every pattern as data: what is checked, where it comes from,
the band a figure must lie in, and the figure it judges (``measure``, the name of a figure
function in :mod:`sim.studies.verdicts`). Everything else reads it: ``fit-defaults`` scores the
fit targets' figures (:func:`fit_targets`) and nothing else, ``validate`` judges every pattern
and prints the three roles as separate groups, the docs' tables are generated from it
(:func:`patterns_markdown`), and a test keeps them in step.

Roles:
- ``fit``: a target of ``servicechain fit-defaults``: its loss reads the figure.
- ``held_out``: a published pattern the fit never reads; a failing one means a mechanism is
  wrong (fix the mechanism; never move the pattern into the fit or widen its band).
- ``check``: a model check that is not a published magnitude (stationarity, the direction of
  a link, a fit figure's direction with a CI).

Tests:
- ``mean``: the figure's point estimate lies in the band.
- ``ci``: the whole 95% confidence interval lies in the band (a significant direction).

Bands include their bounds; an open side is ``math.inf``. A figure's windows, replications and
arms are its figure function's (:mod:`sim.studies.verdicts`) and run's (:mod:`sim.studies.runs`).
To add a pattern: one entry here, plus (if its figure is new) one figure function in
:mod:`sim.studies.verdicts` and (if it needs new simulations) one experiment in
:mod:`sim.studies.runs` (docs/ARCHITECTURE.md, "How to add a pattern").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Role = Literal["fit", "held_out", "check"]
Test = Literal["mean", "ci"]
ROLES: tuple[Role, ...] = ("fit", "held_out", "check")
ROLE_TITLES: dict[str, str] = {
    "fit": "Fit targets",
    "held_out": "Held-out patterns",
    "check": "Model checks",
}
ROLE_NOTES: dict[str, str] = {
    "fit": "the figures `servicechain fit-defaults` fits the free parameters to",
    "held_out": "published patterns the fit never reads: a failure means a mechanism is wrong",
    "check": "checks of the model that are not published magnitudes",
}
TEST_TITLES: dict[str, str] = {"mean": "estimate in band", "ci": "95% CI in band"}

inf = math.inf


@dataclass(frozen=True)
class Unit:
    """How a kind of figure prints.

    Attributes:
        value: Format of a measured number (``str.format`` with one field).
        bound: Format of a band's bound or an aim (shortest form).
        scale: What the value is multiplied by before formatting (100 for percentages).
        suffix: Words after the number, or after an interval (``" points"``, ``"/week"``).
    """

    value: str
    bound: str
    scale: float = 1.0
    suffix: str = ""

    def _number(self, x: float) -> str:
        return self.value.format(x * self.scale) if math.isfinite(x) else "n/a"

    def show(self, x: float) -> str:
        """A measured value as text (``"n/a"`` when it is not finite)."""
        return self._number(x) + self.suffix if math.isfinite(x) else "n/a"

    def show_interval(self, x: float, low: float, high: float) -> str:
        """A value with its 95% CI, ``"+4.0 [-0.9, +9.0] points"`` (the value alone without)."""
        if not (math.isfinite(low) and math.isfinite(high)):
            return self.show(x)
        return f"{self._number(x)} [{self._number(low)}, {self._number(high)}]{self.suffix}"

    def show_bound(self, x: float) -> str:
        """A band's bound or an aim as text (0 without a sign)."""
        text = self.bound.format(x * self.scale)
        return (text.replace("+0", "0", 1) if x == 0 else text) + self.suffix


UNITS: dict[str, Unit] = {
    "share": Unit("{:.1f}%", "{:.4g}%", 100.0),  # a share of a whole: 41.3%
    "change": Unit("{:+.1f}%", "{:+.4g}%", 100.0),  # a relative change: +6.2%
    # A difference of two shares (turnover rates), in percentage points.
    "points": Unit("{:+.1f}", "{:+.4g}", 100.0, " points"),
    "ratio": Unit("{:.2f}", "{:.4g}"),
    "correlation": Unit("{:+.3f}", "{:+.4g}"),
    "score": Unit("{:+.3f}", "{:+.4g}"),  # a difference on a 0-1 scale (morale, quality)
    "currency/week": Unit("{:+,.0f}", "{:+,.4g}", suffix="/week"),
    "customers/week": Unit("{:+.1f}", "{:+.4g}", suffix=" customers/week"),
    "count": Unit("{:.0f}", "{:.4g}"),
}


@dataclass(frozen=True)
class Band:
    """An inclusive interval; ``-inf`` or ``inf`` leaves a side open."""

    low: float = -inf
    high: float = inf

    def __post_init__(self) -> None:
        if not self.low <= self.high or (math.isinf(self.low) and math.isinf(self.high)):
            raise ValueError(f"a band needs low <= high and one finite side: {self}")

    def contains(self, x: float) -> bool:
        """True when ``x`` lies in the band (never for NaN)."""
        return bool(self.low <= x <= self.high)

    def text(self, unit: str) -> str:
        """The band in the unit's words, e.g. ``"25% to 45%"`` or ``"at most -0.005"``."""

        bound = UNITS[unit].show_bound
        if math.isfinite(self.low) and math.isfinite(self.high):
            if self.low == self.high:
                return bound(self.low)
            return f"{bound(self.low)} to {bound(self.high)}"
        if math.isfinite(self.low):
            return f"at least {bound(self.low)}"
        return f"at most {bound(self.high)}"


@dataclass(frozen=True)
class Pattern:
    """One published pattern or model check.

    Attributes:
        name: Stable key (``validate``'s rows, the fit's figures in ``sim/fitted.toml``).
        title: What is checked, in plain words.
        source: Where the pattern comes from (a citation, or why the check exists).
        band: Where the figure must lie.
        measure: The name of the figure judged (a figure function of
            :mod:`sim.studies.verdicts`).
        test: ``"mean"``: the point estimate lies in the band; ``"ci"``: the whole 95% CI does.
        role: ``"fit"``, ``"held_out"`` or ``"check"`` (see the module docstring).
        aim: The point the fit aims at inside the band (fit targets only; None: the band only).
        weight: The pattern's weight in the fit's loss (fit targets only).
        miss: The size of a clear miss, in the figure's unit, for a fit target whose band is
            open at 0 with no aim (a gain that must be positive): the loss's scale. Without it
            the scale of such a band is tiny, and a gain just below 0 by noise outweighs every
            other target.
        unit: How the figure prints (a key of :data:`UNITS`).
    """

    name: str
    title: str
    source: str
    band: Band
    measure: str
    test: Test = "mean"
    role: Role = "check"
    aim: float | None = None
    weight: float = 1.0
    miss: float | None = None
    unit: str = "score"

    def __post_init__(self) -> None:
        if self.role not in ROLES or self.test not in TEST_TITLES or self.unit not in UNITS:
            raise ValueError(f"{self.name}: unknown role, test or unit")
        if self.aim is not None and not self.band.contains(self.aim):
            raise ValueError(f"{self.name}: aim {self.aim} outside its band")

    def band_text(self) -> str:
        """The band in the figure's unit."""
        return self.band.text(self.unit)

    def show(self, x: float, low: float = math.nan, high: float = math.nan) -> str:
        """A value of the figure as text, with its 95% CI when given."""
        return UNITS[self.unit].show_interval(x, low, high)

    def passes(self, value: float, low: float, high: float) -> bool:
        """The verdict on a figure ``value`` with 95% CI ``[low, high]``, by the pattern's test."""
        if self.test == "ci":
            return self.band.contains(low) and self.band.contains(high)
        return self.band.contains(value)

    def loss(self, measured: float) -> float:
        """This pattern's share of the fit's loss (:func:`sim.studies.fit_engine.band_loss`)."""
        from sim.studies.fit_engine import band_loss

        return band_loss(measured, self.band.low, self.band.high, self.aim, self.weight, self.miss)


# ----------------------------------------------------------------------------- the table
HARTER_2020 = "Harter et al. 2020 (Gallup Q12 meta-analysis, top vs bottom quartile units)"
HARTER_2002 = "Harter, Schmidt & Hayes 2002 (business-unit meta-analysis)"
HESKETT = "Heskett et al. 1994 (the service-profit chain)"
SCHNEIDER = "Schneider et al. 2003, 2005 (customer and financial outcomes feed back)"
OLIVA_STERMAN = "Oliva & Sterman 2001 (erosion of service quality)"
HOGREVE = "Hogreve et al. 2017 (service-profit chain meta-analysis)"
STEADY = "a steady state is where a model with no intervention must stay"
DE_SMET = "De Smet, McGurk & Vinson 2009 (frontline managers spend 10-40% managing their people)"
FIELD = "Field et al. 2023 (McKinsey, managers' time)"
GANS = "Gans, Koole & Mandelbaum 2003 (contact centres run at 70-95% occupancy)"
TREVOR_NYBERG = (
    "Trevor & Nyberg 2008 (a 0.5% downsizing came with voluntary turnover 2.6 points, a "
    "quarter, higher)"
)
SVERKE = "Sverke, Hellgren & Näswall 2002 (job insecurity meta-analysis); Maertz et al. 2010"
BROWN_LAM = (
    "Brown & Lam 2008 (employee satisfaction and customer responses, meta-analysis); Harter et "
    "al. 2020's quartile gaps in engagement dwarf those in customer ratings"
)
ANDERSON = (
    "Anderson, Fornell & Lehmann 1994; Gupta & Zeithaml 2006 (satisfaction's financial effect "
    "is real but modest)"
)
HARRISON_CARROLL = "Harrison & Carroll 1991 (cultural transmission under turnover)"
SCHNEIDER_1987 = (
    "Schneider 1987 (attraction-selection-attrition); the sources: outstanding internal "
    "service makes careers"
)
PRIORITY = "the culture is first a priority rule: with scarce time, who is served first waits less"
BOUNDS = "sane extremes: no setting in the schema's ranges may break the model"
UNIT_NOTE = (
    "business unit = team under one manager; corrected for the outcome's annual test-retest "
    "reliability, as the source's true-score correlations are"
)


def _culture_gain(
    culture: str, outcome: str, unit: str, role: Role, source: str, miss: float | None = None
) -> Pattern:
    """A culture beats the pyramid on one outcome: the paired difference's CI above 0
    (``miss``: the fit's scale of a miss, :attr:`Pattern.miss`)."""
    words = {"two_way": "Two-way", "inverted": "The inverted pyramid"}[culture]
    return Pattern(
        f"{culture}_{outcome}_gain",
        f"{words} beats the pyramid on {outcome.replace('_', ' ')} (paired difference, "
        f"{'turnover cut' if outcome == 'retention' else 'higher'})",
        source,
        Band(0.0, inf),
        f"{culture}_{outcome}_gain",
        "ci",
        role,
        miss=miss,
        unit=unit,
    )


def _chain_link(name: str, words: str) -> Pattern:
    return Pattern(
        f"chain_{name}",
        f"Across a sweep of organizations (Latin hypercube over culture and behaviour), "
        f"{words} (Spearman r)",
        HESKETT,
        Band(0.0, inf),
        f"chain_{name}",
        "ci",
        "check",
        unit="correlation",
    )


def _stationary(what: str, limit: float, words: str = "") -> Pattern:
    return Pattern(
        f"stationary_{what}",
        f"Presets left alone hold their {words or what} from year 1 to year 9 (the preset that "
        "moves most)",
        STEADY,
        Band(-limit, limit),
        f"stationary_{what}",
        "mean",
        "check",
        unit="change",
    )


GAIN_SOURCE = "inverted beats the pyramid"
PATTERNS: tuple[Pattern, ...] = (
    # ------------------------------------------------------------------ fit targets
    Pattern(
        "revenue_gain",
        "Two-way against the pyramid: revenue (mean of the paired ratios)",
        f"{HARTER_2020}: sales +18%",
        Band(0.02, 0.30),
        "revenue_gain",
        role="fit",
        aim=0.16,
        weight=2.0,
        unit="change",
    ),
    Pattern(
        "profit_ratio",
        "Two-way against the pyramid: profit ratio (ratio of mean profits)",
        f"{HARTER_2020}: profit +23%",
        Band(1.05, 2.5),
        "profit_ratio",
        role="fit",
        aim=1.75,
        weight=2.0,
        unit="ratio",
    ),
    Pattern(
        "margin_two_way",
        "Two-way's operating margin (mean profit / mean revenue)",
        "plausible operating margins",
        Band(0.02, 0.35),
        "margin_two_way",
        role="fit",
        aim=0.22,
        unit="share",
    ),
    Pattern(
        "turnover_cut",
        "Two-way against the pyramid: how much lower annual turnover is",
        f"{HARTER_2020}: turnover 18-43% lower",
        Band(0.10, 0.60),
        "turnover_cut",
        role="fit",
        aim=0.33,
        weight=2.0,
        unit="change",
    ),
    Pattern(
        "satisfaction_gain",
        "Two-way against the pyramid: customer satisfaction (higher, by a modest amount)",
        f"{HARTER_2020}: customer ratings +10%",
        Band(0.0, 0.12),
        "satisfaction_gain",
        role="fit",
        aim=0.06,
        weight=2.0,
    ),
    Pattern(
        "pyramid_turnover",
        "Annual voluntary turnover of the pyramid",
        "service-industry annual turnover",
        Band(0.25, 0.45),
        "pyramid_turnover",
        role="fit",
        aim=0.35,
        weight=2.0,
        unit="share",
    ),
    Pattern(
        "r_morale_satisfaction",
        f"Unit morale and unit customer satisfaction correlate ({UNIT_NOTE})",
        f"{HARTER_2002}: +0.32",
        Band(0.20, 0.50),
        "r_morale_satisfaction",
        role="fit",
        aim=0.32,
        weight=0.5,
        unit="correlation",
    ),
    Pattern(
        "r_morale_turnover",
        "Unit morale and unit turnover correlate negatively (same units, corrected alike)",
        f"{HARTER_2002}: -0.36",
        Band(-0.50, -0.20),
        "r_morale_turnover",
        role="fit",
        aim=-0.36,
        unit="correlation",
    ),
    Pattern(
        "r_morale_productivity",
        "Unit morale and unit productivity correlate (same units, corrected alike)",
        f"{HARTER_2002}: +0.20 to +0.25",
        Band(0.10, 0.35),
        "r_morale_productivity",
        role="fit",
        aim=0.22,
        weight=0.5,
        unit="correlation",
    ),
    Pattern(
        "r_morale_profit",
        "Unit morale and unit profit correlate (frontline units, corrected alike)",
        f"{HARTER_2002}: +0.15",
        Band(0.05, 0.30),
        "r_morale_profit",
        role="fit",
        aim=0.15,
        weight=0.5,
        unit="correlation",
    ),
    # A clear miss, about the size of the inverted pyramid's gains (turnover 3 points,
    # productivity and satisfaction 0.01, profit 5,000 a week): noise just below 0 costs little.
    _culture_gain("inverted", "retention", "points", "fit", GAIN_SOURCE, miss=0.03),
    _culture_gain("inverted", "productivity", "score", "fit", GAIN_SOURCE, miss=0.01),
    _culture_gain("inverted", "satisfaction", "score", "fit", GAIN_SOURCE, miss=0.01),
    _culture_gain("inverted", "profit", "currency/week", "fit", GAIN_SOURCE, miss=5000.0),
    Pattern(
        "demanding_frontline_morale",
        "More demanding customers (expecting 0.1 more satisfaction) lower frontline morale",
        "Schneider et al. 2003, 2005: customers reach back to employees",
        Band(-inf, -0.005),
        "demanding_frontline_morale",
        "ci",
        "fit",
    ),
    Pattern(
        "department_hours_loss",
        "Half of one department's internal hours (operations) costs a share of the pyramid's "
        "profit",
        "plausible: half of one department's internal hours costs less than the whole profit",
        Band(0.0, 1.0),
        "department_hours_loss",
        role="fit",
        aim=0.5,
        unit="share",
    ),
    # ------------------------------------------------------------------ held out
    Pattern(
        "worker_loss_drop",
        "Losing a frontline worker drops that worker's customers' satisfaction",
        "Heskett et al. 1994: an insurer's satisfaction fell from 75% to 55%",
        Band(0.10, inf),
        "worker_loss_drop",
        "ci",
        "held_out",
    ),
    Pattern(
        "worker_loss_excess",
        "Their drop exceeds other customers' change: the gap between the drop's 95% CI and "
        "the other customers' change's 95% CI",
        "Heskett et al. 1994: an insurer's satisfaction fell from 75% to 55%",
        Band(0.0, inf),
        "worker_loss_excess",
        "mean",
        "held_out",
    ),
    Pattern(
        "surge_quality_during",
        "A temporary demand surge degrades encounter quality while it lasts (pyramid, "
        "against no surge)",
        OLIVA_STERMAN,
        Band(-inf, 0.0),
        "surge_quality_during",
        "ci",
        "held_out",
    ),
    Pattern(
        "surge_quality_after",
        "The surge's damage to encounter quality outlasts it (2-26 weeks after it ended)",
        OLIVA_STERMAN,
        Band(-inf, 0.0),
        "surge_quality_after",
        "ci",
        "held_out",
    ),
    Pattern(
        "standards_erosion",
        "A temporary surge erodes the quality standard people hold, and it has not recovered "
        "13-52 weeks after the surge ended",
        "Oliva & Sterman 2001 (erosion of service quality standards)",
        Band(-inf, 0.0),
        "standards_erosion",
        "ci",
        "held_out",
    ),
    Pattern(
        "weakest_link",
        "One failing internal supplier (operations keeps a fifth of its internal hours) hurts "
        "customers more than the same hours lost across all departments: satisfaction loss, "
        "concentrated minus spread",
        "the weakest link: a chain is only as strong as its weakest link",
        Band(0.0, inf),
        "weakest_link",
        "ci",
        "held_out",
    ),
    Pattern(
        "levers_rising",
        "Levers whose return per unit of dose is significantly higher at their top doses than "
        "at dose 1 (CIs at 95% for the family of levers): none",
        HOGREVE,
        Band(0.0, 0.0),
        "levers_rising",
        "mean",
        "held_out",
        unit="count",
    ),
    Pattern(
        "levers_interior",
        "Share of the levers whose best dose lies below their maximum: at least half",
        HOGREVE,
        Band(0.5, 1.0),
        "levers_interior",
        "mean",
        "held_out",
        unit="share",
    ),
    Pattern(
        "levers_above_culture",
        "Levers worth more (at their best dose, net of cost) than the two-way culture's profit "
        "gain: none",
        HOGREVE,
        Band(0.0, 0.0),
        "levers_above_culture",
        "mean",
        "held_out",
        unit="count",
    ),
    _culture_gain("two_way", "productivity", "score", "held_out", HESKETT),
    # ------------------------------------------------------------------ checks
    Pattern(
        "two_way_turnover_lower",
        "Two-way's annual turnover is clearly lower than the pyramid's: the gap between the "
        "pyramid's 95% CI and two-way's",
        "the service-industry band, with internal service lowering quits",
        Band(0.0, inf),
        "two_way_turnover_lower",
        "mean",
        "check",
        unit="points",
    ),
    Pattern(
        "margin_pyramid",
        "The pyramid's operating margin (the fit sets it to 15% by construction)",
        "plausible operating margins",
        Band(0.02, 0.35),
        "margin_pyramid",
        unit="share",
    ),
    _culture_gain("two_way", "retention", "points", "check", HESKETT),
    _culture_gain("two_way", "satisfaction", "score", "check", HESKETT),
    _culture_gain("two_way", "profit", "currency/week", "check", HESKETT),
    _chain_link("quality_morale", "internal service quality and morale rise together"),
    _chain_link("morale_retention", "morale and retention rise together"),
    _chain_link("retention_satisfaction", "retention and customer satisfaction rise together"),
    _chain_link("morale_satisfaction", "morale and customer satisfaction rise together"),
    _chain_link("satisfaction_revenue", "customer satisfaction and revenue rise together"),
    Pattern(
        "competitor_morale",
        "A competitor takes 40% of demand for a year: morale falls",
        SCHNEIDER,
        Band(-inf, 0.0),
        "competitor_morale",
        "ci",
    ),
    Pattern(
        "competitor_turnover",
        "A competitor takes 40% of demand for a year: annual turnover rises",
        SCHNEIDER,
        Band(0.0, inf),
        "competitor_turnover",
        "ci",
        unit="points",
    ),
    Pattern(
        "no_service",
        "Customers who get no service leave (vacant frontline seats not covered)",
        "the sources: dissatisfied customers churn to competitors",
        Band(0.0, inf),
        "no_service",
        "ci",
        unit="customers/week",
    ),
    _stationary("customers", 0.10, "active customers"),
    _stationary("revenue", 0.10),
    _stationary("morale", 0.10),
    _stationary("turnover", 0.25, "annual turnover"),
    _stationary("profit", 0.03, "profit (its move as a share of year 1's revenue)"),
    # ------------------------------------------------------------------ observed units (fit)
    *(
        Pattern(
            f"observed_r_{outcome}",
            f"Units are as noisy as real units: unit morale's observed correlation with unit "
            f"{words} stays within the published true-score one",
            f"{HARTER_2002}: true-score {true:+.2f} (observed correlations sit below it)",
            Band(0.0, true) if true > 0 else Band(true, 0.0),
            f"observed_r_{outcome}",
            role="fit",
            unit="correlation",
        )
        for outcome, words, true in (
            ("satisfaction", "customer satisfaction", 0.32),
            ("turnover", "turnover", -0.36),
            ("productivity", "productivity", 0.25),
            ("profit", "profit", 0.15),
        )
    ),
    # ------------------------------------------------------------------ held out: field studies
    Pattern(
        "manager_people_time",
        "Managers' time on their own people: the hours managers spend serving their reports' "
        "requests, as a share of their contracted hours (pyramid)",
        f"{DE_SMET}; {FIELD}: 28%",
        Band(0.10, 0.40),
        "manager_people_time",
        role="held_out",
        unit="share",
    ),
    Pattern(
        "frontline_occupancy",
        "Frontline occupancy: the frontline's hours serving customers as a share of the hours "
        "it has for them (pyramid)",
        GANS,
        Band(0.70, 0.95),
        "frontline_occupancy",
        role="held_out",
        unit="share",
    ),
    Pattern(
        "layoff_survivor_turnover",
        "A layoff of a tenth of the workforce raises the survivors' voluntary turnover over the "
        "year after (ratio to no layoff)",
        TREVOR_NYBERG,
        Band(1.1, 2.0),
        "layoff_survivor_turnover",
        role="held_out",
        unit="ratio",
    ),
    Pattern(
        "layoff_survivor_morale",
        "Layoffs lower the survivors' morale over the half year after (job insecurity rises)",
        SVERKE,
        Band(-inf, 0.0),
        "layoff_survivor_morale",
        "ci",
        "held_out",
    ),
    Pattern(
        "satisfaction_per_morale",
        "Across organizations given a new culture or levers, customer satisfaction moves by a "
        "fraction of a point per point of morale (OLS slope)",
        BROWN_LAM,
        Band(0.0, 1.0),
        "satisfaction_per_morale",
        role="held_out",
        unit="ratio",
    ),
    Pattern(
        "revenue_per_satisfaction_point",
        "Across the same organizations, a point (0.01) of customer satisfaction moves revenue by "
        "a fraction of a percent",
        ANDERSON,
        Band(0.0, 0.01),
        "revenue_per_satisfaction_point",
        role="held_out",
        unit="change",
    ),
    Pattern(
        "culture_pool_drift",
        "Turnover moves a culture toward its hiring pool and socialization holds part of it: "
        "five years after the pool becomes 0.1 less service-minded, the organization's mindset "
        "has followed by this share of the drop",
        HARRISON_CARROLL,
        Band(0.1, 1.0),
        "culture_pool_drift",
        role="held_out",
        unit="share",
    ),
    Pattern(
        "promoted_mindset_gap",
        "The two-way street promotes people with more service mindset than the pyramid "
        "(over five years, paired)",
        SCHNEIDER_1987,
        Band(0.0, inf),
        "promoted_mindset_gap",
        "ci",
        "held_out",
    ),
    # ------------------------------------------------------------------ checks: the mechanism
    Pattern(
        "pyramid_down_gap",
        "The pyramid makes reports wait on their managers: the on-time share of service "
        "flowing down, two-way minus pyramid (weeks 27-104), at least 0.05",
        PRIORITY,
        Band(0.05, inf),
        "pyramid_down_gap",
    ),
    Pattern(
        "pyramid_down_gap_ci",
        "... and clearly so: the same difference's 95% CI above 0",
        PRIORITY,
        Band(0.0, inf),
        "pyramid_down_gap",
        "ci",
    ),
    Pattern(
        "inverted_up_gap",
        "The inverted pyramid makes managers wait on their reports: the on-time share of "
        "service flowing up, two-way minus inverted (weeks 27-104), at least 0.03",
        PRIORITY,
        Band(0.03, inf),
        "inverted_up_gap",
    ),
    Pattern(
        "inverted_up_gap_ci",
        "... and clearly so: the same difference's 95% CI above 0",
        PRIORITY,
        Band(0.0, inf),
        "inverted_up_gap",
        "ci",
    ),
    Pattern(
        "pyramid_up_over_down",
        "In the pyramid, service flowing up is on time more often than service flowing down, "
        "by at least 0.05",
        PRIORITY,
        Band(0.05, inf),
        "pyramid_up_over_down",
    ),
    Pattern(
        "inverted_down_over_up",
        "In the inverted pyramid, service flowing down is on time more often than service "
        "flowing up, by at least 0.05",
        PRIORITY,
        Band(0.05, inf),
        "inverted_down_over_up",
    ),
    Pattern(
        "queue_share_profit",
        "Who is served first carries at least a fifth of two-way's profit gain over the "
        "pyramid (its Shapley share, servicechain explain)",
        PRIORITY,
        Band(0.2, inf),
        "queue_share_profit",
        unit="share",
    ),
    Pattern(
        "queue_share_morale",
        "Who is served first carries at least a fifth of two-way's morale gain over the pyramid",
        PRIORITY,
        Band(0.2, inf),
        "queue_share_morale",
        unit="share",
    ),
    Pattern(
        "bounds_turnover",
        "At every setting the schema allows (a Latin hypercube of 200, and the extremes), "
        "annual turnover stays below 150%",
        BOUNDS,
        Band(0.0, 1.5),
        "bounds_turnover",
        unit="share",
    ),
    Pattern(
        "bounds_not_finite",
        "... and no KPI is NaN or infinite",
        BOUNDS,
        Band(0.0, 0.0),
        "bounds_not_finite",
        unit="count",
    ),
)
_BY_NAME: dict[str, Pattern] = {p.name: p for p in PATTERNS}


def by_name(name: str) -> Pattern:
    """The pattern called ``name`` (KeyError naming the known ones otherwise)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown pattern {name!r}; known: {', '.join(_BY_NAME)}") from None


def with_role(role: Role) -> tuple[Pattern, ...]:
    """The patterns of one role, in table order."""
    return tuple(p for p in PATTERNS if p.role == role)


def fit_targets() -> tuple[Pattern, ...]:
    """The patterns ``fit-defaults`` fits (role ``fit``)."""
    return with_role("fit")


def held_out() -> tuple[Pattern, ...]:
    """The published patterns the fit never reads (role ``held_out``)."""
    return with_role("held_out")


def checks() -> tuple[Pattern, ...]:
    """The model checks (role ``check``)."""
    return with_role("check")


# ----------------------------------------------------------------------------- docs
PATTERNS_START = "<!-- patterns:start -->"
PATTERNS_END = "<!-- patterns:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def patterns_markdown(roles: tuple[Role, ...] = ROLES, level: int = 0) -> str:
    """The pattern table as Markdown: one table per role (pattern, what, source, band, test).

    docs/MODEL.md embeds it between :data:`PATTERNS_START` and :data:`PATTERNS_END`
    (``servicechain params --markdown --write docs/MODEL.md`` regenerates it), and
    ``servicechain validate`` writes it into docs/VALIDATION.md; a test checks both.

    Args:
        roles: Which groups, in order.
        level: Markdown heading level of each group's title (0: a bold line).
    """
    from sim.studies.measures import RUN_WEEKS, WINDOW

    blocks = [
        f"Figures are measured over the analysis window, {WINDOW} of a {RUN_WEEKS}-week run, "
        "unless the pattern says otherwise."
    ]
    for role in roles:
        rows = with_role(role)
        title = f"{'#' * level} {ROLE_TITLES[role]}" if level else f"**{ROLE_TITLES[role]}**"
        lines = [
            title,
            "",
            f"{ROLE_NOTES[role][0].upper()}{ROLE_NOTES[role][1:]} ({len(rows)}).",
            "",
            "| pattern | what is checked | source | band | test |",
            "|---|---|---|---|---|",
        ]
        for p in rows:
            band = p.band_text()
            if p.aim is not None:
                band += f" (aim {UNITS[p.unit].show_bound(p.aim)})"
            lines.append(
                f"| `{p.name}` | {_cell(p.title)} | {_cell(p.source)} | {band} | "
                f"{TEST_TITLES[p.test]} |"
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


__all__ = [
    "PATTERNS",
    "PATTERNS_END",
    "PATTERNS_START",
    "ROLES",
    "UNITS",
    "Band",
    "Pattern",
    "Unit",
    "by_name",
    "checks",
    "fit_targets",
    "held_out",
    "patterns_markdown",
    "with_role",
]
