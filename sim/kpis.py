"""KPIs: names, units and descriptions (the catalogue); the KPI phase computes them.

The KPI names are an API: the dashboard, ``compare``, sweeps and validation read these columns of
``model.kpis()``. Add new KPIs; never rename one. Their values are computed by
:func:`sim.phases.weekly_kpis.compute_kpis`, a pure function of the state and the week's products.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class KPI:
    """One key performance indicator: column name, unit, description and chain link."""

    name: str
    unit: str
    description: str
    higher_is_better: bool | None = True
    link: str = ""

    @property
    def label(self) -> str:
        """Human label for charts and tables, e.g. ``"Morale"`` or ``"Annual turnover"``."""
        return LABELS.get(self.name, self.name.replace("_", " ").capitalize())

    @property
    def label_with_unit(self) -> str:
        """The label with its unit where one helps, e.g. ``"Revenue (currency/week)"``."""
        if self.unit in ("0-1", "share", "1/year", "index", "week"):
            return self.label
        return f"{self.label} ({self.unit})"


# Human labels where the column name does not read well on its own.
LABELS: dict[str, str] = {
    "service_direction": "Culture (-1 pyramid, +1 inverted)",
    "morale_mean": "Morale",
    "mindset_mean": "Service mindset",
    "skill_mean": "Skill",
    "pressure_mean": "Workload pressure",
    "turnover_annualized": "Annual turnover",
    "internal_requests": "Internal requests",
    "internal_on_time": "Internal requests on time",
    "service_level_up": "On time, serving upward",
    "service_level_down": "On time, serving downward",
    "service_level_lateral": "On time, between peers",
    "internal_quality": "Internal service quality",
    "backlog_hours": "Backlog",
    "customers_active": "Active customers",
    "customer_satisfaction": "Customer satisfaction",
    "encounter_quality": "Encounter quality",
    "customers_acquired": "Customers won",
    "customers_lost": "Customers lost",
    "customer_lifetime_value": "Customer lifetime value",
    "customers_unserved": "Customers not served",
    "unhappy_customers": "Unhappy customers",
    "quality_standard": "Quality standard",
    "job_insecurity": "Job insecurity",
}

# Units shown as percentages.
PERCENT_UNITS = ("share", "1/year")


KPIS: tuple[KPI, ...] = (
    KPI(
        "week", "week", "Simulation week (0 = the warm start, the last week of the warm-up).", None
    ),
    KPI(
        "service_direction", "index", "Culture in force: -1 pyramid, 0 two-way, +1 inverted.", None
    ),
    KPI("morale_mean", "0-1", "Mean morale of employees.", True, "morale"),
    KPI("mindset_mean", "0-1", "Mean service mindset of employees.", True, "internal service"),
    KPI("skill_mean", "0-1", "Mean skill of employees.", True, "productivity"),
    KPI(
        "pressure_mean",
        "index",
        "Mean felt workload pressure (0 = the work fits the hours; 0.5 = twice the hours asked).",
        False,
    ),
    KPI("headcount", "people", "Filled seats.", True, "retention"),
    KPI("vacancies", "seats", "Vacant seats.", False, "retention"),
    KPI("quits", "people/week", "Voluntary quits this week (incl. key people leaving).", False),
    KPI("hires", "people/week", "Vacancies filled this week.", None),
    KPI("layoffs", "people/week", "People laid off this week (budget and layoff events).", False),
    KPI(
        "quality_standard",
        "0-1",
        "Mean quality standard people hold: the share of the standard time per task they give "
        "when not rushed (erodes under sustained pressure).",
        True,
    ),
    KPI(
        "job_insecurity",
        "0-1",
        "Job insecurity from revenue short of plan (and budget cuts).",
        False,
    ),
    KPI(
        "turnover_annualized",
        "1/year",
        "Quits over the trailing 52 weeks (or since start) per mean headcount, per year.",
        False,
        "retention",
    ),
    KPI("internal_requests", "requests/week", "New internal requests this week.", None),
    KPI(
        "internal_on_time",
        "share",
        "Share of requests resolved this week that were served within the service standard.",
        True,
        "internal service",
    ),
    KPI(
        "service_level_up",
        "share",
        "On-time share of requests whose service flows up (a report serving a higher level).",
        None,
    ),
    KPI(
        "service_level_down",
        "share",
        "On-time share of requests whose service flows down (a manager serving a report).",
        None,
    ),
    KPI(
        "service_level_lateral",
        "share",
        "On-time share of requests between colleagues on the same level.",
        None,
    ),
    KPI(
        "internal_quality",
        "0-1",
        "Mean quality of internal requests served.",
        True,
        "internal service",
    ),
    KPI("backlog_hours", "hours", "Hours of internal requests still waiting.", False),
    KPI(
        "productivity",
        "index",
        "Mean effective output per employee: effort x skill factor x work quality (inputs "
        "received) x diligence factor.",
        True,
        "productivity",
    ),
    KPI("customers_active", "customers", "Active customers.", True, "loyalty"),
    KPI(
        "customer_satisfaction",
        "0-1",
        "Mean satisfaction of active customers.",
        True,
        "customer satisfaction",
    ),
    KPI("encounter_quality", "0-1", "Mean quality of this week's customer encounters.", True),
    KPI("customers_acquired", "customers/week", "New customers this week.", True),
    KPI("customers_lost", "customers/week", "Customers who churned this week.", False, "loyalty"),
    KPI(
        "customers_unserved",
        "customers/week",
        "Customers who came this week and got no service (frontline out of time or seat empty).",
        False,
    ),
    KPI(
        "unhappy_customers",
        "share",
        "How far below their expectation customers are, averaged (what complaints carry).",
        False,
    ),
    KPI("referrals", "referrals/week", "Referrals made by satisfied customers this week.", True),
    KPI(
        "revenue",
        "currency/week",
        "Gross margin from the customer encounters served this week.",
        True,
        "revenue",
    ),
    KPI(
        "cost",
        "currency/week",
        "Salaries + replacement cost of hires + intervention running costs this week.",
        False,
    ),
    KPI("profit", "currency/week", "Revenue minus cost this week.", True, "profit"),
    KPI(
        "customer_lifetime_value",
        "currency",
        "Estimated margin per customer over their expected remaining life (margin / churn rate).",
        True,
        "loyalty",
    ),
    KPI(
        "promotions",
        "people/week",
        "Manager seats filled by promotion from within this week.",
        None,
    ),
    KPI(
        "internal_fill_share",
        "share",
        "Share of the manager seats filled over the last year that were filled from within (0 "
        "when none was filled).",
        None,
    ),
    KPI(
        "manager_mindset",
        "0-1",
        "Mean service mindset of the managers in post: whose example teams follow.",
        True,
        "internal service",
    ),
)
KPI_NAMES: tuple[str, ...] = tuple(k.name for k in KPIS)
KPI_BY_NAME = {k.name: k for k in KPIS}

# The service-profit chain in order (Heskett et al. 1994), as KPI columns.
CHAIN: tuple[tuple[str, str], ...] = (
    ("Internal service", "internal_quality"),
    ("Morale", "morale_mean"),
    ("Retention", "turnover_annualized"),
    ("Productivity", "productivity"),
    ("Customer satisfaction", "customer_satisfaction"),
    ("Loyalty", "customers_active"),
    ("Revenue", "revenue"),
    ("Profit", "profit"),
)


# Units of money: always whole amounts (an audience reads "791.866" as 791 thousand).
MONEY_WORD = "currency"
# Units that count things: a value below 100 shows its fraction without trailing zeros ("9.5").
COUNT_UNITS = (
    "people",
    "seats",
    "customers",
    "people/week",
    "customers/week",
    "referrals/week",
    "requests/week",
    "hours",
)
SIGNIFICANT_DIGITS = 3
_SUFFIXES = ((1e9, "bn"), (1e6, "M"), (1e3, "k"))


def _unit(kpi: str | KPI | None) -> str:
    if isinstance(kpi, KPI):
        return kpi.unit
    if kpi in KPI_BY_NAME:
        return KPI_BY_NAME[kpi].unit
    return ""


def _significant(value: float, digits: int = SIGNIFICANT_DIGITS, strip: bool = False) -> str:
    """``value`` below 1,000 with ``digits`` significant digits and at most 3 decimals.

    A value of 1 or more never gets 3 decimals, so no text can be read as thousands.
    """
    size = abs(value)
    decimals = 3 if size == 0 else min(3, max(0, digits - 1 - math.floor(math.log10(size))))
    text = f"{value:.{decimals}f}"
    if decimals and abs(float(text)) >= 10 ** (digits - decimals):  # 0.9995 rounded up to 1.000
        text = f"{value:.{decimals - 1}f}"
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.lstrip("-") if float(text) == 0 else text


def _compact(value: float) -> str:
    """A large value with a suffix and 3 significant digits: ``"598k"``, ``"-1.23M"``."""
    for size, suffix in _SUFFIXES:
        if abs(value) >= size * 0.9995:
            return _significant(value / size, strip=True) + suffix
    return _significant(value, strip=True)


def format_kpi(
    value: float, kpi: str | KPI | None = None, *, change: bool = False, compact: bool = False
) -> str:
    """Short display text of a KPI value, the one formatter of tables, reports and the dashboard.

    Significant digits by unit:

    - shares and rates per year as percentages with one decimal (``"34.2%"``); a ``change`` of
      one in percentage points (``"1.4 pts"``);
    - money (``currency`` units) in whole amounts with thousands separators (``"791"``,
      ``"-257,933"``);
    - anything else from 1,000 up in whole numbers with thousands separators (``"9,594"``),
      below that with 3 significant digits (``"0.734"``, ``"30.8"``); counts drop trailing
      zeros (``"9.5"``). A value of 1 or more never shows three decimals, so no number can be
      misread as thousands;
    - ``compact``: from 10,000 up with a suffix and 3 significant digits (``"598k"``, ``"1.2M"``)
      where room is short (cards side by side);
    - NaN as ``"n/a"``.

    Args:
        value: The value.
        kpi: The KPI (or its name) whose unit decides the format; None for a plain number.
        change: ``value`` is a difference of two values (percentages become points).
        compact: Shorten large numbers with a k/M/bn suffix.
    """
    if value is None or value != value:
        return "n/a"
    value = float(value)
    unit = _unit(kpi)
    if unit in PERCENT_UNITS:
        return f"{value * 100:.1f} pts" if change else f"{value:.1%}"
    if compact and abs(value) >= 10_000:
        return _compact(value)
    if MONEY_WORD in unit or abs(value) >= 1000:
        text = f"{value:,.0f}"
        return "0" if text == "-0" else text
    if value.is_integer():
        return f"{value:.0f}"
    return _significant(value, strip=unit in COUNT_UNITS)
