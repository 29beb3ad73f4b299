"""The credibility checks of ``servicechain validate``: the chain at the size the evidence allows.

Each check is a set of simulation tasks (module-level functions of plain arguments returning
plain dicts, so they run in worker processes) and an evaluation that turns their results into a
:class:`~sim.studies.validate.PatternResult` with its source, target, measured value with a 95%
confidence interval, and verdict. Replication r uses the same seed in every arm (common random
numbers), so differences are paired.

- **Culture contrast** (Harter et al. 2020, Gallup Q12 meta-analysis: top against bottom
  quartile units differ by customer ratings +10%, sales +18%, profit +23%, turnover 18-43%
  lower): ``two_way`` against ``pyramid`` over weeks 105-260, from the culture runs.
- **Dose-response** (Hogreve et al. 2017: returns to service investments diminish): each lever
  at doses 0.5, 1, 2, 4 and 8 on the pyramid, profit gain net of the lever's cost.
- **Customers reach back** (Schneider et al. 2003, 2005): a competitor taking 40% of demand for a
  year lowers morale and raises quits; more demanding customers lower frontline morale;
  customers who get no service leave.
- **Stationarity**: a preset with no intervention holds its level from year 1 to year 9.
- **Surge aftermath** (Oliva & Sterman 2001): a temporary surge erodes the quality standard
  people hold, and the standard is still lower long after the surge ended.
- **Weakest link**: one internal supplier failing hurts customers more than the same loss of
  internal hours spread over every department.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.studies.stats import corrected_correlation, mean_ci, pooled_correlation, ratio_ci

WEEKS = 260
WINDOW_START = 105  # the contrast window: weeks 105-260
DOSES = (0.5, 1.0, 2.0, 4.0, 8.0)
STATIONARY_WEEKS = 520

COMPETITOR = {"type": "demand_surge", "week": 27, "weeks": 52, "size": -0.4}
SURGE = {"type": "demand_surge", "week": 104, "weeks": 12, "size": 0.8}
FAILING_DEPARTMENT = "operations"
FAILING_HOURS = 0.2  # the failing department keeps a fifth of its internal hours


def stationary_presets() -> list[str]:
    """Every shipped preset with no lever in force, as shipped: a preset left alone must hold
    its level (seasonal events are part of its normal year; a preset that switches levers on,
    such as ``two_way_program``, is an intervention and builds up by design)."""
    from sim.params import LEVERS
    from sim.scenario import load_scenario, preset_names

    def levers_off(name: str) -> bool:
        levers = load_scenario(name).interventions
        return all(getattr(levers, lever).intensity <= 0 for lever in LEVERS)

    return [name for name in preset_names() if levers_off(name)]


def _fmt(m: float, lo: float, hi: float, pct: bool = False) -> str:
    if pct:
        return f"{m:+.1%} [{lo:+.1%}, {hi:+.1%}]"
    return f"{m:+.3f} [{lo:+.3f}, {hi:+.3f}]"


@dataclass
class PatternResult:
    """One validation pattern: what, where from, target, measured (with CI) and verdict."""

    key: str
    pattern: str
    source: str
    target: str
    measured: str
    passed: bool
    value: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")


def _pattern(*args: Any, **kwargs: Any) -> PatternResult:
    return PatternResult(*args, **kwargs)


def _window(df: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    return df[(df["week"] >= first) & (df["week"] <= last)]


# ----------------------------------------------------------------------------- tasks
def window_run(
    scenario: str, seed: int, overrides: dict | None = None, first: int = WINDOW_START,
    last: int = WEEKS,
) -> dict[str, float]:  # fmt: skip
    """Means over weeks ``first``-``last`` of the outcomes the checks compare."""
    from sim.model import ServiceCultureModel

    model = ServiceCultureModel(scenario, overrides=overrides, seed=seed)
    front_morale = []
    for week in range(1, last + 1):
        model.step()
        if week >= first:
            filled = model.org.frontline & model.state.filled
            front_morale.append(float(model.state.morale[filled].mean()) if filled.any() else 0.0)
    w = _window(model.kpis(), first, last)
    years = len(w) / 52.0
    return {
        "seed": seed,
        "revenue": float(w["revenue"].mean()),
        "cost": float(w["cost"].mean()),
        "profit": float(w["profit"].mean()),
        "morale": float(w["morale_mean"].mean()),
        "frontline_morale": float(np.mean(front_morale)),
        "turnover": float(w["quits"].sum() / max(w["headcount"].mean(), 1.0) / years),
        "customers": float(w["customers_active"].mean()),
        "customers_lost": float(w["customers_lost"].mean()),
        "satisfaction": float(w["customer_satisfaction"].mean()),
    }


def lever_run(lever: str, dose: float, seed: int) -> dict[str, float]:
    """The pyramid with one lever at ``dose``: mean weekly profit over weeks 105-260."""
    over = {f"interventions.{lever}.intensity": dose} if lever else {}
    out = window_run("pyramid", seed, over)
    return {"lever": lever, "dose": dose, "seed": seed, "profit": out["profit"]}


def stationary_run(scenario: str, seed: int) -> dict[str, float]:
    """A preset left alone for ten years: year 1 and year 9 figures."""
    from sim.model import ServiceCultureModel

    df = ServiceCultureModel(scenario, seed=seed).run(STATIONARY_WEEKS)
    out: dict[str, float] = {"scenario": scenario, "seed": seed}
    for label, (a, b) in (("y1", (1, 52)), ("y9", (417, 468))):
        w = _window(df, a, b)
        out[f"{label}_customers"] = float(w["customers_active"].mean())
        out[f"{label}_revenue"] = float(w["revenue"].mean())
        out[f"{label}_morale"] = float(w["morale_mean"].mean())
        out[f"{label}_turnover"] = float(w["quits"].sum() / max(w["headcount"].mean(), 1.0))
        out[f"{label}_profit"] = float(w["profit"].mean())
    return out


def surge_standard_run(seed: int, surge: bool) -> dict[str, Any]:
    """The pyramid with or without a temporary surge: weekly quality standard and quality."""
    from sim.model import ServiceCultureModel

    over = {"events": [SURGE]} if surge else {}
    df = ServiceCultureModel("pyramid", overrides=over, seed=seed).run(SURGE["week"] + 104)
    return {
        "seed": seed,
        "surge": surge,
        "quality_standard": df["quality_standard"].to_list(),
        "encounter_quality": df["encounter_quality"].to_list(),
    }


def failing_departments(variant: str) -> list[dict[str, Any]] | None:
    """The default departments with internal hours lost by one (``"one"``) or all alike
    (``"spread"``, the same total hours); None for the base."""
    from sim.params import DEFAULT_DEPARTMENTS

    if variant == "base":
        return None
    depts = [d.model_dump() for d in DEFAULT_DEPARTMENTS]
    failing = next(d for d in depts if d["name"] == FAILING_DEPARTMENT)
    lost = (1.0 - FAILING_HOURS) * failing["share"]  # share of all internal hours, by headcount
    for d in depts:
        if variant == "one":
            d["internal_hours"] = FAILING_HOURS if d is failing else 1.0
        else:
            d["internal_hours"] = 1.0 - lost
    return depts


def weakest_link_run(variant: str, seed: int) -> dict[str, float]:
    """The pyramid with one failing internal supplier, the same loss spread out, or neither."""
    depts = failing_departments(variant)
    over = {"org.departments": depts} if depts is not None else {}
    out = window_run("pyramid", seed, over, first=27, last=104)
    return {"variant": variant, **out}


# ----------------------------------------------------------------------------- tasks by check
def lever_tasks(seeds: list[int]) -> list[tuple]:
    from sim.params import LEVERS

    tasks = [(lever_run, {"lever": "", "dose": 0.0, "seed": s}) for s in seeds]
    tasks += [
        (lever_run, {"lever": lever, "dose": d, "seed": s})
        for lever in LEVERS
        for d in DOSES
        for s in seeds
    ]
    return tasks


def reverse_tasks(seeds: list[int]) -> list[tuple]:
    arms = {
        "base": {},
        "competitor": {"events": [COMPETITOR]},
        "demanding": {"customers.satisfaction_reference": _reference() + 0.1},
        "no_cover": {"customers.vacancy_cover": 0.0},
    }
    return [
        (_reverse_run, {"arm": arm, "overrides": over, "seed": s})
        for arm, over in arms.items()
        for s in seeds
    ]


def _reference() -> float:
    from sim.scenario import load_scenario

    return load_scenario("pyramid").customers.satisfaction_reference


def _reverse_run(arm: str, overrides: dict, seed: int) -> dict[str, float]:
    return {"arm": arm, **window_run("pyramid", seed, overrides, first=27, last=78)}


def stationary_tasks(seeds: list[int]) -> list[tuple]:
    return [
        (stationary_run, {"scenario": p, "seed": s}) for p in stationary_presets() for s in seeds
    ]


def surge_tasks(seeds: list[int]) -> list[tuple]:
    return [(surge_standard_run, {"seed": s, "surge": f}) for s in seeds for f in (False, True)]


def weakest_tasks(seeds: list[int]) -> list[tuple]:
    return [
        (weakest_link_run, {"variant": v, "seed": s})
        for v in ("base", "one", "spread")
        for s in seeds
    ]


# ----------------------------------------------------------------------------- evaluation
def _paired(rows: pd.DataFrame, arm_col: str, a: str, b: str, col: str) -> np.ndarray:
    """Per seed, arm ``b``'s ``col`` minus arm ``a``'s (common random numbers)."""
    x = rows[rows[arm_col] == a].sort_values("seed")[col].to_numpy()
    y = rows[rows[arm_col] == b].sort_values("seed")[col].to_numpy()
    return y - x


def contrast_patterns(cultures: pd.DataFrame) -> list:
    """The culture contrast (two-way against the pyramid, weeks 105-260) against Harter 2020."""

    def by(scenario: str, col: str) -> np.ndarray:
        return cultures[cultures["scenario"] == scenario].sort_values("seed")[col].to_numpy()

    py_rev, tw_rev = by("pyramid", "revenue"), by("two_way", "revenue")
    py_prof, tw_prof = by("pyramid", "profit"), by("two_way", "profit")
    rev_gain = mean_ci(tw_rev / py_rev - 1.0)
    # The ratio of the cultures' mean profits (as the fit measures it and Harter et al.'s
    # quartile contrasts compare): a mean of per-seed ratios is at the mercy of one seed whose
    # pyramid barely breaks even.
    ratio = ratio_ci(tw_prof, py_prof)
    margins = (py_prof.mean() / py_rev.mean(), tw_prof.mean() / tw_rev.mean())
    cut = mean_ci(1.0 - by("two_way", "turnover") / by("pyramid", "turnover"))
    sat = mean_ci(by("two_way", "customer_satisfaction") - by("pyramid", "customer_satisfaction"))
    source = "Harter et al. 2020 (Gallup Q12 meta-analysis, top vs bottom quartile units)"
    return [
        _pattern(
            "contrast_revenue",
            "Two-way against the pyramid, weeks 105-260: revenue",
            f"{source}: sales +18%",
            "+2% to +30%",
            _fmt(*rev_gain, pct=True),
            0.02 <= rev_gain[0] <= 0.30,
            *rev_gain,
        ),
        _pattern(
            "contrast_profit",
            "Two-way against the pyramid: profit ratio, and both operating margins",
            f"{source}: profit +23%",
            "ratio 1.05 to 2.5; margins 2% to 35%",
            f"ratio {ratio[0]:.2f} [{ratio[1]:.2f}, {ratio[2]:.2f}]; margins "
            f"{margins[0]:.1%} (pyramid), {margins[1]:.1%} (two-way)",
            bool(1.05 <= ratio[0] <= 2.5 and all(0.02 <= m <= 0.35 for m in margins)),
            *ratio,
        ),
        _pattern(
            "contrast_turnover",
            "Two-way against the pyramid: how much lower annual turnover is",
            f"{source}: turnover 18-43% lower",
            "10% to 60% lower",
            _fmt(*cut, pct=True),
            0.10 <= cut[0] <= 0.60,
            *cut,
        ),
        _pattern(
            "contrast_satisfaction",
            "Two-way against the pyramid: customer satisfaction",
            f"{source}: customer ratings +10%",
            "higher, by at most 0.12",
            _fmt(*sat),
            0.0 < sat[0] <= 0.12,
            *sat,
        ),
    ]


def unit_correlation(pyr: pd.DataFrame, outcome: str) -> tuple[tuple[float, float, float], str]:
    """Unit morale against a unit outcome, corrected for the outcome's reliability.

    Harter, Schmidt & Hayes (2002) report true-score correlations (corrected for the measurement
    error of unit outcomes, from their annual test-retest reliabilities), so the model's are
    corrected the same way (:func:`sim.studies.stats.corrected_correlation`). Returns the
    corrected correlation with its CI, and the text shown: corrected [CI], then the observed
    correlation and the reliability behind it.
    """
    observed = pooled_correlation(pyr[f"r_morale_{outcome}"])[0]
    r, lo, hi, reliability = corrected_correlation(
        pyr[f"r_morale_{outcome}"], pyr[f"rel_{outcome}"]
    )
    text = f"{r:+.3f} [{lo:+.3f}, {hi:+.3f}]"
    text += f" (observed {observed:+.3f}, reliability {reliability:.2f})"
    return (r, lo, hi), text


def correlation_patterns(cultures: pd.DataFrame) -> list:
    """Unit morale against unit productivity and profit (Harter, Schmidt & Hayes 2002)."""
    pyr = cultures[cultures["scenario"] == "pyramid"]
    prod, prod_text = unit_correlation(pyr, "productivity")
    prof, prof_text = unit_correlation(pyr, "profit")
    source = "Harter, Schmidt & Hayes 2002"
    return [
        _pattern(
            "morale_productivity",
            "Unit morale and unit productivity correlate (same units)",
            f"{source}: about +0.20 to +0.25",
            "+0.10 to +0.40",
            prod_text,
            0.10 <= prod[0] <= 0.40,
            *prod,
        ),
        _pattern(
            "morale_profit",
            "Unit morale and unit profit correlate (frontline units)",
            f"{source}: about +0.15",
            "+0.05 to +0.35",
            prof_text,
            0.05 <= prof[0] <= 0.35,
            *prof,
        ),
    ]


def dose_response(levers: pd.DataFrame) -> pd.DataFrame:
    """Per lever and dose: mean profit gain over the base (same seeds), with its 95% CI."""
    base = levers[levers["lever"] == ""].set_index("seed")["profit"]
    rows = []
    for (lever, dose), group in levers[levers["lever"] != ""].groupby(["lever", "dose"]):
        gain = group.set_index("seed")["profit"] - base.loc[group["seed"]].to_numpy()
        m, lo, hi = mean_ci(gain.to_numpy())
        rows.append({"lever": lever, "dose": dose, "gain": m, "lo": lo, "hi": hi})
    return pd.DataFrame(rows)


def returns_bend(
    levers: pd.DataFrame, lever: str, level: float = 0.95
) -> tuple[float, float, float]:
    """How a lever's return per unit of dose changes from its first dose to its highest ones.

    Per replication (common random numbers): the gain per unit at dose 1 (gain(1) / 1) and the
    gain per unit between the two highest doses; returns the mean of the second minus the
    first, with its CI at ``level``. Below 0: diminishing returns.
    """
    base = levers[levers["lever"] == ""].set_index("seed")["profit"]
    rows = levers[levers["lever"] == lever]
    gain = rows.pivot_table(index="seed", columns="dose", values="profit").sub(base, axis=0)
    doses = sorted(gain.columns)
    first = gain[1.0] if 1.0 in gain.columns else gain[doses[0]] / doses[0]
    last = (gain[doses[-1]] - gain[doses[-2]]) / (doses[-1] - doses[-2])
    return mean_ci((last - first).dropna().to_numpy(), level)


def lever_pattern(levers: pd.DataFrame, culture_gain: float) -> Any:
    """Diminishing returns, a best dose below the maximum for most, none above the culture.

    A lever's returns diminish when its gain per unit of dose at the highest doses is below its
    gain per unit at dose 1 (:func:`returns_bend`); the pattern fails for a lever whose returns
    rise significantly: the CI of the bend above 0, at 95% for the family of levers (Bonferroni).
    A lever whose effect is small next to its cost is nearly linear, and its bend is within the
    noise either way.
    """
    curves = dose_response(levers)
    level = 1.0 - 0.05 / max(curves["lever"].nunique(), 1)
    concave = rising = interior = 0
    best_over_culture = []
    n = 0
    for lever, c in curves.groupby("lever"):
        n += 1
        g = np.concatenate([[0.0], c.sort_values("dose")["gain"].to_numpy()])
        bend, lo, _hi = returns_bend(levers, str(lever), level)
        concave += bool(bend < 0.0)
        rising += bool(lo > 0.0)
        interior += bool(np.argmax(g) < len(g) - 1)
        if g.max() > culture_gain:
            best_over_culture.append(lever)
    ok = rising == 0 and interior >= math.ceil(n / 2) and not best_over_culture
    return _pattern(
        "dose_response",
        "Every lever has diminishing returns once its cost counts; most have a best dose below "
        "their maximum; none is worth more than the whole culture change",
        "Hogreve et al. 2017 (service-profit chain meta-analysis)",
        "no lever's return per unit of dose significantly higher at its top doses than at dose "
        "1 (CIs, 95% for the family); at least half with an interior best dose; none above the "
        "two-way culture's profit gain",
        f"{concave}/{n} with lower returns per unit at the top doses, {rising} significantly "
        f"higher; {interior}/{n} best below dose 8; above the culture's gain "
        f"({culture_gain:,.0f}/week): {', '.join(best_over_culture) or 'none'}",
        ok,
    )


def reverse_patterns(reverse: pd.DataFrame) -> list:
    """Customers reach back: the competitor, more demanding customers, no service."""
    source = "Schneider et al. 2003, 2005 (customer and financial outcomes feed back)"
    morale = mean_ci(_paired(reverse, "arm", "base", "competitor", "morale"))
    quits = mean_ci(_paired(reverse, "arm", "base", "competitor", "turnover"))
    demanding = mean_ci(_paired(reverse, "arm", "base", "demanding", "frontline_morale"))
    lost = mean_ci(_paired(reverse, "arm", "base", "no_cover", "customers_lost"))
    return [
        _pattern(
            "competitor",
            "A competitor takes 40% of demand for a year: morale falls and quits rise",
            source,
            "morale change < 0 and turnover change > 0 (CIs)",
            f"morale {_fmt(*morale)}; annual turnover {_fmt(*quits, pct=True)}",
            morale[2] < 0 and quits[1] > 0,
            *morale,
        ),
        _pattern(
            "demanding_customers",
            "More demanding customers (expecting 0.1 more satisfaction) lower frontline morale",
            source,
            "frontline morale change < 0 (CI)",
            _fmt(*demanding),
            demanding[2] < 0,
            *demanding,
        ),
        _pattern(
            "no_service",
            "Customers who get no service leave (vacant frontline seats not covered)",
            "the sources: dissatisfied customers churn to competitors",
            "more customers lost per week (CI)",
            f"{lost[0]:+.1f} [{lost[1]:+.1f}, {lost[2]:+.1f}] customers/week",
            lost[1] > 0,
            *lost,
        ),
    ]


def stationary_pattern(stationary: pd.DataFrame) -> Any:
    """Year 9 against year 1 with no intervention, mean over seeds, per preset."""
    worst = []
    ok = True
    for preset, rows in stationary.groupby("scenario"):
        change = {
            k: rows[f"y9_{k}"].mean() / rows[f"y1_{k}"].mean() - 1.0
            for k in ("customers", "revenue", "morale", "turnover")
        }
        profit_move = (rows["y9_profit"].mean() - rows["y1_profit"].mean()) / rows[
            "y1_revenue"
        ].mean()
        bounds = {"customers": 0.10, "revenue": 0.10, "morale": 0.10, "turnover": 0.25}
        fine = all(abs(change[k]) <= b for k, b in bounds.items()) and abs(profit_move) < 0.03
        ok = ok and fine
        worst.append(
            f"{preset}: customers {change['customers']:+.1%}, revenue {change['revenue']:+.1%}, "
            f"morale {change['morale']:+.1%}, turnover {change['turnover']:+.1%}, profit "
            f"{profit_move:+.1%} of revenue"
        )
    return _pattern(
        "stationary",
        f"Presets left alone hold their level: year 9 against year 1 "
        f"({stationary['seed'].nunique()} seeds)",
        "a steady state is where a model with no intervention must stay",
        "within 10% (customers, revenue, morale), 25% (turnover); profit moves < 3% of revenue",
        "; ".join(worst),
        ok,
    )


def surge_pattern(surge: pd.DataFrame) -> Any:
    """The quality standard is still eroded 13-52 weeks after a surge ended."""
    start, length = SURGE["week"], SURGE["weeks"]
    after = slice(start + length + 13, start + length + 52)
    diffs = []
    for seed in sorted(surge["seed"].unique()):
        hot = np.asarray(surge.loc[(surge.seed == seed) & surge.surge, "quality_standard"].iloc[0])
        calm = np.asarray(
            surge.loc[(surge.seed == seed) & ~surge.surge, "quality_standard"].iloc[0]
        )
        diffs.append(float((hot[after] - calm[after]).mean()))
    m = mean_ci(diffs)
    return _pattern(
        "standards_erosion",
        f"A temporary surge (+{SURGE['size']:.0%} for {SURGE['weeks']} weeks) erodes the quality "
        "standard people hold, and it has not recovered a quarter to a year later",
        "Oliva & Sterman 2001 (erosion of service quality standards)",
        "standard deficit 13-52 weeks after the surge < 0 (CI)",
        _fmt(*m),
        m[2] < 0,
        *m,
    )


def weakest_pattern(weakest: pd.DataFrame) -> Any:
    """One failing supplier against the same loss spread out: customer satisfaction."""
    one = _paired(weakest, "variant", "base", "one", "satisfaction")
    spread = _paired(weakest, "variant", "base", "spread", "satisfaction")
    worse = mean_ci(spread - one)  # > 0: the concentrated failure hurts more
    return _pattern(
        "weakest_link",
        f"One failing internal supplier ({FAILING_DEPARTMENT} keeps {FAILING_HOURS:.0%} of its "
        "internal hours) hurts customers more than the same hours lost across all departments",
        "the weakest link: a chain is only as strong as its weakest link",
        "satisfaction loss, concentrated minus spread > 0 (CI)",
        f"loss {-one.mean():.3f} concentrated, {-spread.mean():.3f} spread; difference "
        f"{_fmt(*worse)}",
        worse[1] > 0,
        *worse,
    )
