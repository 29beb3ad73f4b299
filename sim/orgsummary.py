"""The organization in tables: spans and layers, levels, departments and who depends on whom.

What a consultant checks after importing a chart and a survey (``servicechain org SCENARIO``,
``sim.org_metrics``), and what a reader of a generated organization wants to see: aggregates
only, no person. The spans-and-layers metrics are those org-design reviews compute from an HR
export (layers from the top to the frontline, the distribution of spans of control, managers
per 100 people, the frontline share); the flags are theirs too (many managers with fewer than 3
or more than 15 reports, a chain to the customer longer than the headcount needs), each with the
model's mechanism that makes outcomes sensitive to it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.org import Organization
from sim.params import ParameterError, Params
from sim.survey import rating_quality


@dataclass(frozen=True)
class OrgSummary:
    """Aggregate views of an :class:`~sim.org.Organization`.

    Attributes:
        seats: Number of seats (people, for a chart).
        levels: Number of levels (the chart's depth).
        from_chart: True when the organization was read from a chart.
        spans: Direct reports per manager: mean, median, min and max.
        by_level: One row per level (0 = top): ``seats``, ``managers``, ``frontline`` and
            ``mean_span`` (reports per manager at that level; NaN without managers).
        by_department: One row per department: ``people``, ``managers``, ``frontline``,
            ``customer_facing``, ``top_level`` and ``bottom_level``, ``requests_sent`` (lateral
            requests per person and week, dependency row sum x ``requests.lateral_scale``),
            ``requests_received`` (lateral requests per worker and week), and with a survey
            ``start_received`` and ``start_given`` (remembered service quality at the start, 0-1).
        dependency: The dependency matrix in force (requests per person and week, before
            ``requests.lateral_scale``), rows ask and columns serve.
    """

    seats: int
    levels: int
    from_chart: bool
    spans: dict[str, float]
    by_level: pd.DataFrame
    by_department: pd.DataFrame
    dependency: pd.DataFrame


def summarize_organization(org: Organization, params: Params) -> OrgSummary:
    """Tables of ``org`` (vectorized; a 100,000-seat chart takes milliseconds)."""
    n_levels, n_depts = org.n_levels, org.n_depts
    mgr = org.is_manager
    spans = org.n_reports[mgr]
    by_level = pd.DataFrame(
        {
            "seats": np.bincount(org.level, minlength=n_levels),
            "managers": np.bincount(org.level, weights=mgr, minlength=n_levels).astype(int),
            "frontline": np.bincount(org.level, weights=org.frontline, minlength=n_levels).astype(
                int
            ),
        },
        index=pd.RangeIndex(n_levels, name="level"),
    )
    reports = np.bincount(org.level, weights=org.n_reports, minlength=n_levels)
    with np.errstate(invalid="ignore", divide="ignore"):
        by_level["mean_span"] = reports / by_level["managers"].to_numpy()

    people = np.bincount(org.dept, minlength=n_depts)
    dep = org.dependency * params.requests.lateral_scale
    workers = np.array([w.size for w in org.dept_workers])
    dept = {
        "people": people,
        "managers": np.bincount(org.dept, weights=mgr, minlength=n_depts).astype(int),
        "frontline": np.bincount(org.dept, weights=org.frontline, minlength=n_depts).astype(int),
        "customer_facing": org.customer_facing,
        "top_level": [int(org.level[s].min()) for s in org.dept_seats],
        "bottom_level": [int(org.level[s].max()) for s in org.dept_seats],
        "requests_sent": dep.sum(axis=1),
        "requests_received": (people[:, None] * dep).sum(axis=0) / np.maximum(workers, 1),
    }
    if org.received_rating is not None:
        expectation = params.behaviour.service_expectation
        dept["start_received"] = rating_quality(org.received_rating, expectation)
        dept["start_given"] = rating_quality(org.given_rating, expectation)
    names = pd.Index(org.dept_names, name="department")
    return OrgSummary(
        seats=org.n_seats,
        levels=n_levels,
        from_chart=org.seat_ids is not None,
        spans={
            "mean": float(spans.mean()),
            "median": float(np.median(spans)),
            "min": float(spans.min()),
            "max": float(spans.max()),
        },
        by_level=by_level,
        by_department=pd.DataFrame(dept, index=names),
        dependency=pd.DataFrame(org.dependency, index=names, columns=list(org.dept_names)),
    )


# ----------------------------------------------------------------------------- spans and layers
# What spans-and-layers reviews count: managers with fewer than NARROW_SPAN reports, or more than
# WIDE_SPAN (the thresholds org-design practice reports against), and a flag when a fifth of
# the managers are on either side.
NARROW_SPAN = 3
WIDE_SPAN = 15
FLAG_SHARE = 0.2
# The layer arithmetic of spans-and-layers reviews: N people at span s need about log_s(N)
# layers below the top; a chain to the customer longer than this at a span of REFERENCE_SPAN
# is flagged as long.
REFERENCE_SPAN = 8.0

METRIC_COLUMNS: dict[str, str] = {
    "seats": "seats (people, for a chart)",
    "layers": "levels from the top to the deepest seat, the top included (for a department: "
    "the levels its seats span)",
    "frontline_layers": "median levels from the top to a frontline seat, both ends included "
    "(the chain to the customer)",
    "managers": "seats with direct reports",
    "managers_per_100": "managers per 100 seats",
    "frontline_share": "share of seats on the frontline",
    "median_span": "median direct reports per manager",
    "mean_span": "mean direct reports per manager",
    "narrow_share": f"share of managers with fewer than {NARROW_SPAN} direct reports",
    "wide_share": f"share of managers with more than {WIDE_SPAN} direct reports",
    "manager_load": "share of a manager's hours for internal service that their reports' "
    "requests ask at the median span (the model's requests.to_manager_rate x mean_hours per "
    "report against workforce.weekly_hours x internal_share_manager)",
}


@dataclass(frozen=True)
class OrgFlag:
    """Something org-design practice flags, and where the model's outcomes feel it.

    Attributes:
        scope: ``"organization"`` or a department's name.
        flag: Short name: ``narrow spans``, ``wide spans`` or ``long chain``.
        finding: What was found, with the figures.
        model: Which of the model's mechanisms it drives (where outcomes are sensitive to it).
    """

    scope: str
    flag: str
    finding: str
    model: str


def manager_load(span: float, params: Params) -> float:
    """Share of a manager's internal-service hours that ``span`` reports' requests ask."""
    r, wf = params.requests, params.workforce
    hours = wf.weekly_hours * wf.internal_share_manager
    return span * r.to_manager_rate * r.mean_hours / hours if hours > 0 else math.inf


def _span_stats(spans: np.ndarray) -> dict[str, float]:
    if spans.size == 0:
        nan = float("nan")
        return {"median_span": nan, "mean_span": nan, "narrow_share": nan, "wide_share": nan}
    return {
        "median_span": float(np.median(spans)),
        "mean_span": float(spans.mean()),
        "narrow_share": float((spans < NARROW_SPAN).mean()),
        "wide_share": float((spans > WIDE_SPAN).mean()),
    }


def org_metrics_frame(org: Organization, params: Params) -> pd.DataFrame:
    """Spans and layers of ``org``: one row for the organization, then one per department.

    Columns are :data:`METRIC_COLUMNS` (vectorized: a 100,000-seat chart takes milliseconds).
    A department's managers are the managers in it; its layers are the levels its seats span,
    and its chain to the customer is its frontline seats' (NaN without any).
    """
    n_depts = org.n_depts
    level = org.level.astype(np.int64)
    mgr = org.is_manager
    rows: list[dict[str, float]] = []

    def row(seats: np.ndarray | None) -> dict[str, float]:
        sel = slice(None) if seats is None else seats
        lv, front, spans = level[sel], org.frontline[sel], org.n_reports[sel][mgr[sel]]
        n = int(lv.size)
        layers = org.n_levels if seats is None else int(lv.max() - lv.min() + 1) if n else 0
        out = {
            "seats": n,
            "layers": layers,
            "frontline_layers": float(np.median(lv[front]) + 1) if front.any() else float("nan"),
            "managers": int(spans.size),
            "managers_per_100": 100.0 * spans.size / n if n else float("nan"),
            "frontline_share": float(front.mean()) if n else float("nan"),
            **_span_stats(spans),
        }
        out["manager_load"] = manager_load(out["median_span"], params)
        return out

    rows.append(row(None))
    rows.extend(row(org.dept_seats[d]) for d in range(n_depts))
    index = pd.Index(["organization", *org.dept_names], name="scope")
    return pd.DataFrame(rows, index=index)[list(METRIC_COLUMNS)]


def reference_layers(seats: int) -> int:
    """Levels (the top included) a pyramid with spans of :data:`REFERENCE_SPAN` needs."""
    return 1 + max(math.ceil(math.log(max(seats, 2)) / math.log(REFERENCE_SPAN) - 1e-9), 1)


def org_flags(metrics: pd.DataFrame, params: Params) -> list[OrgFlag]:
    """What practice flags in a metrics frame (:func:`org_metrics_frame`), and what it does in
    the model."""
    flags: list[OrgFlag] = []
    load_wide = manager_load(WIDE_SPAN, params)
    r = params.requests
    for scope, m in metrics.iterrows():
        if m["managers"] == 0:
            continue
        if m["narrow_share"] >= FLAG_SHARE:
            flags.append(OrgFlag(
                str(scope), "narrow spans",
                f"{m['narrow_share']:.0%} of {m['managers']:,.0f} managers have fewer than "
                f"{NARROW_SPAN} direct reports (median span {m['median_span']:.1f})",
                "each manager's salary is spread over few people (cost), and a long chain adds "
                "a queue per layer; reports are served quickly, since their requests ask "
                f"{m['manager_load']:.0%} of the manager's hours",
            ))  # fmt: skip
        if m["wide_share"] >= FLAG_SHARE:
            flags.append(OrgFlag(
                str(scope), "wide spans",
                f"{m['wide_share']:.0%} of {m['managers']:,.0f} managers have more than "
                f"{WIDE_SPAN} direct reports",
                f"at {WIDE_SPAN} reports, their requests ({r.to_manager_rate:g} a week each) "
                f"ask {load_wide:.0%} of a manager's hours for internal service: requests to "
                "the manager wait or lapse, most of all in a top-down culture, which serves "
                "requests from below last",
            ))  # fmt: skip
        if scope == "organization" and np.isfinite(m["frontline_layers"]):
            expected = reference_layers(int(m["seats"]))
            if m["frontline_layers"] > expected:
                flags.append(OrgFlag(
                    str(scope), "long chain",
                    f"the chain from the top to the frontline is {m['frontline_layers']:.0f} "
                    f"levels (median); {int(m['seats']):,} seats at spans of "
                    f"{REFERENCE_SPAN:g} need {expected}",
                    "every layer is a manager whose hours the layer below queues for; in a "
                    "top-down culture a requester's priority is their height, so the frontline, "
                    "furthest down, waits longest",
                ))  # fmt: skip
    return flags


def org_metrics(
    scenario: Any = "pyramid",
    overrides: Mapping[str, Any] | None = None,
    *,
    week: int = 0,
    seed: int = 0,
) -> pd.DataFrame:
    """Spans and layers of an organization, as org-design practice measures them.

    Args:
        scenario: A preset name, a scenario file, ``NAME@culture``, a
            :class:`~sim.params.Params`, an :class:`~sim.org.Organization`, or a
            ``ServiceCultureModel`` (its organization now, restructurings included).
        overrides: Dotted-path overrides of the scenario, e.g. ``{"org.chart": "chart.csv"}``.
        week: With a scenario: simulate this many weeks first (0 = the organization as built,
            without simulating), so that structural events up to that week have acted.
        seed: The seed of that simulation.

    Returns:
        One row per scope (``organization``, then each department), the columns of
        :data:`METRIC_COLUMNS`; ``frame.attrs["flags"]`` holds what practice flags
        (:class:`OrgFlag`) and where the model's outcomes are sensitive to it.

    Example:
        >>> from sim.orgsummary import org_metrics
        >>> int(org_metrics("pyramid").loc["organization", "layers"])
        4
    """
    org, params = organization_of(scenario, overrides, week, seed)
    frame = org_metrics_frame(org, params)
    frame.attrs["flags"] = org_flags(frame, params)
    return frame


def organization_of(
    scenario: Any, overrides: Mapping[str, Any] | None, week: int, seed: int
) -> tuple[Organization, Params]:
    """The organization (and parameters) a scenario, a model or an organization stands for."""
    if isinstance(scenario, Organization):
        return scenario, Params()
    if hasattr(scenario, "org") and hasattr(scenario, "params"):  # a model
        return scenario.org, scenario.params
    if week < 0:
        raise ParameterError(f"week = {week}: must be 0 or more")
    if week:
        from sim.model import ServiceCultureModel

        model = ServiceCultureModel(scenario, overrides=overrides, seed=seed)
        model.run(week)
        return model.org, model.params
    from sim.org import build_organization
    from sim.overrides import apply_overrides
    from sim.scenario import load_scenario

    base = scenario if isinstance(scenario, Params) else load_scenario(scenario)
    params = apply_overrides(base, overrides, where=f"{scenario}: overrides")
    org = build_organization(
        params.org, params.economics.salary_base, params.economics.salary_level_ratio
    )
    return org, params
