"""Figures with 95% CIs from the experiments' frames, and each pattern's verdict on its figure.

One figure function per figure name (registered with :func:`figure`, so that a pattern's
``measure`` resolves to it): it reads the frames of the experiments it names
(:mod:`sim.studies.runs`) and returns a :class:`Figure`: the point estimate, its 95% CI when it
has one, and a short detail for the report. ``validate`` and ``fit-defaults`` call the same
functions on frames of the same runs (the fit with fewer replications). :func:`judge` applies a
pattern's test to its figure.

Conventions: replication r has the same seed in every arm, so differences are paired by seed
(:func:`paired`, over the seeds both arms ran); a culture's gain is positive when it beats the
pyramid (for retention: the pyramid's turnover minus the culture's).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.studies.measures import corrected_correlation, operating_margin, profit_ratio
from sim.studies.patterns import Pattern
from sim.studies.runs import DOSES, SURGE
from sim.studies.stats import correlation_ci, mean_ci, pooled_correlation, ratio_ci, spearman

Frames = Mapping[str, pd.DataFrame]
nan = math.nan


@dataclass(frozen=True)
class Figure:
    """A measured figure: point estimate, 95% CI (NaN when it has none) and a detail."""

    value: float
    low: float = nan
    high: float = nan
    detail: str = ""


@dataclass(frozen=True)
class FigureFunction:
    """A registered figure: its name, the experiments it reads and the function."""

    name: str
    needs: tuple[str, ...]
    fn: Callable[[Frames], Figure]


FIGURES: dict[str, FigureFunction] = {}


def figure(name: str, *needs: str) -> Callable[[Callable[[Frames], Figure]], Callable]:
    """Register a figure function under ``name``, reading the frames of ``needs``."""

    def register(fn: Callable[[Frames], Figure]) -> Callable[[Frames], Figure]:
        if name in FIGURES:
            raise ValueError(f"figure {name!r} is registered twice")
        FIGURES[name] = FigureFunction(name, needs, fn)
        return fn

    return register


def experiments_for(names: Iterable[str]) -> tuple[str, ...]:
    """The experiments the named figures read, without repeats, in order of first need."""
    out: list[str] = []
    for name in names:
        for need in FIGURES[name].needs:
            if need not in out:
                out.append(need)
    return tuple(out)


def measurable(name: str, frames: Frames) -> bool:
    """True when every experiment the figure reads has a frame."""
    return all(need in frames for need in FIGURES[name].needs)


def measure_figures(frames: Frames, names: Iterable[str]) -> dict[str, Figure]:
    """Each named figure from the frames."""
    return {name: FIGURES[name].fn(frames) for name in names}


@dataclass(frozen=True)
class Verdict:
    """A pattern, its figure and whether the figure passes the pattern's test."""

    pattern: Pattern
    figure: Figure
    passed: bool

    @property
    def measured(self) -> str:
        """The figure as text: ``value [low, high]`` in the pattern's unit, then the detail."""
        f = self.figure
        text = self.pattern.show(f.value, f.low, f.high)
        return f"{text}; {f.detail}" if f.detail else text


def judge(pattern: Pattern, fig: Figure) -> Verdict:
    """The verdict of ``pattern``'s test on its figure."""
    return Verdict(pattern, fig, pattern.passes(fig.value, fig.low, fig.high))


def judge_frames(frames: Frames, patterns: Iterable[Pattern]) -> list[Verdict]:
    """The verdict of every pattern whose figure the frames can measure, in the given order."""
    chosen = [p for p in patterns if measurable(p.measure, frames)]
    figures = measure_figures(frames, dict.fromkeys(p.measure for p in chosen))
    return [judge(p, figures[p.measure]) for p in chosen]


# ----------------------------------------------------------------------------- helpers
def arm(frame: pd.DataFrame, column: str, value: str, col: str) -> np.ndarray:
    """One arm's ``col``, ordered by seed."""
    return frame.loc[frame[column] == value].sort_values("seed")[col].to_numpy()


def aligned(
    frame: pd.DataFrame, column: str, a: str, b: str, col: str
) -> tuple[np.ndarray, np.ndarray]:
    """Arms ``a`` and ``b``'s ``col`` over the seeds both ran, ordered by seed."""
    x = frame.loc[frame[column] == a].set_index("seed")[col]
    y = frame.loc[frame[column] == b].set_index("seed")[col]
    common = sorted(set(x.index) & set(y.index))
    return x.loc[common].to_numpy(), y.loc[common].to_numpy()


def paired(frame: pd.DataFrame, column: str, a: str, b: str, col: str) -> np.ndarray:
    """Per seed, arm ``b``'s ``col`` minus arm ``a``'s (common random numbers)."""
    x, y = aligned(frame, column, a, b, col)
    return y - x


def _ci(values: Iterable[float], detail: str = "") -> Figure:
    return Figure(*mean_ci(np.asarray(list(values), dtype=float)), detail=detail)


def _pct(m: float, lo: float, hi: float) -> str:
    return f"{m:.1%} [{lo:.1%}, {hi:.1%}]"


# ----------------------------------------------------------------------------- cultures
@figure("pyramid_turnover", "cultures")
def _pyramid_turnover(frames: Frames) -> Figure:
    return _ci(arm(frames["cultures"], "scenario", "pyramid", "turnover"))


@figure("two_way_turnover_lower", "cultures")
def _two_way_turnover_lower(frames: Frames) -> Figure:
    """The gap between the pyramid's turnover CI and two-way's (> 0: they do not overlap)."""
    c = frames["cultures"]
    p = mean_ci(arm(c, "scenario", "pyramid", "turnover"))
    t = mean_ci(arm(c, "scenario", "two_way", "turnover"))
    return Figure(p[1] - t[2], detail=f"pyramid {_pct(*p)}; two-way {_pct(*t)}")


def _unit_correlation(frames: Frames, outcome: str) -> Figure:
    """Unit morale against a unit outcome (pyramid), corrected for the outcome's reliability."""
    pyr = frames["cultures"]
    pyr = pyr[pyr["scenario"] == "pyramid"]
    observed = pooled_correlation(pyr[f"r_morale_{outcome}"])[0]
    r, lo, hi, reliability = corrected_correlation(
        pyr[f"r_morale_{outcome}"], pyr[f"rel_{outcome}"]
    )
    return Figure(r, lo, hi, f"observed {observed:+.3f}, reliability {reliability:.2f}")


for _outcome in ("satisfaction", "turnover", "productivity", "profit"):
    figure(f"r_morale_{_outcome}", "cultures")(
        lambda frames, _o=_outcome: _unit_correlation(frames, _o)
    )


@figure("revenue_gain", "cultures")
def _revenue_gain(frames: Frames) -> Figure:
    """Two-way against the pyramid: the mean over seeds of two-way's revenue / pyramid's - 1."""
    py, tw = aligned(frames["cultures"], "scenario", "pyramid", "two_way", "revenue")
    return _ci(tw / py - 1.0)


@figure("profit_ratio", "cultures")
def _profit_ratio(frames: Frames) -> Figure:
    py, tw = aligned(frames["cultures"], "scenario", "pyramid", "two_way", "profit")
    return Figure(*profit_ratio(tw, py))


def _margin(frames: Frames, scenario: str) -> Figure:
    c = frames["cultures"]
    return Figure(
        *operating_margin(
            arm(c, "scenario", scenario, "profit"), arm(c, "scenario", scenario, "revenue")
        )
    )


figure("margin_two_way", "cultures")(lambda frames: _margin(frames, "two_way"))
figure("margin_pyramid", "cultures")(lambda frames: _margin(frames, "pyramid"))


@figure("turnover_cut", "cultures")
def _turnover_cut(frames: Frames) -> Figure:
    """How much lower two-way's turnover is: the mean over seeds of 1 - two-way / pyramid."""
    py, tw = aligned(frames["cultures"], "scenario", "pyramid", "two_way", "turnover")
    return _ci(1.0 - tw / py)


@figure("satisfaction_gain", "cultures")
def _satisfaction_gain(frames: Frames) -> Figure:
    c = frames["cultures"]
    return _ci(paired(c, "scenario", "pyramid", "two_way", "customer_satisfaction"))


# (outcome of the culture gains, the culture runs' column, +1 when higher is better)
RANKED = (
    ("retention", "turnover", -1),
    ("productivity", "productivity", 1),
    ("satisfaction", "customer_satisfaction", 1),
    ("profit", "profit", 1),
)


def culture_gain(cultures: pd.DataFrame, culture: str, outcome: str) -> np.ndarray:
    """Per seed, how much ``culture`` beats the pyramid on ``outcome`` (see :data:`RANKED`)."""
    col, sign = next((c, s) for o, c, s in RANKED if o == outcome)
    if sign < 0:  # less is better: the pyramid's minus the culture's
        return paired(cultures, "scenario", culture, "pyramid", col)
    return paired(cultures, "scenario", "pyramid", culture, col)


for _culture in ("two_way", "inverted"):
    for _gain, _col, _sign in RANKED:
        figure(f"{_culture}_{_gain}_gain", "cultures")(
            lambda frames, _c=_culture, _g=_gain: _ci(culture_gain(frames["cultures"], _c, _g))
        )


# ----------------------------------------------------------------------------- chain links
CHAIN_LINKS = (
    ("quality_morale", "internal service quality -> morale", "internal_quality", "morale"),
    ("morale_retention", "morale -> retention", "morale", "retention"),
    (
        "retention_satisfaction",
        "retention -> customer satisfaction",
        "retention",
        "customer_satisfaction",
    ),
    (
        "morale_satisfaction",
        "morale -> customer satisfaction",
        "morale",
        "customer_satisfaction",
    ),
    (
        "satisfaction_revenue",
        "customer satisfaction -> revenue",
        "customer_satisfaction",
        "revenue_per_seat",
    ),
)


def link_correlation(links: pd.DataFrame, a: str, b: str) -> tuple[float, float, float]:
    """Spearman correlation of ``a`` and ``b`` across the swept organizations, with 95% CI."""
    r = spearman(links[a].to_numpy(), links[b].to_numpy())
    return (r, *correlation_ci(r, len(links)))


def link_correlations(links: pd.DataFrame) -> pd.DataFrame:
    """Every chain link's Spearman correlation with its 95% CI (one row per link)."""
    rows = []
    for _, label, a, b in CHAIN_LINKS:
        r, lo, hi = link_correlation(links, a, b)
        rows.append({"link": label, "r": r, "lo": lo, "hi": hi})
    return pd.DataFrame(rows)


for _name, _label, _a, _b in CHAIN_LINKS:
    figure(f"chain_{_name}", "links")(
        lambda frames, _a=_a, _b=_b: Figure(
            *link_correlation(frames["links"], _a, _b), detail=f"{len(frames['links'])} orgs"
        )
    )


# ----------------------------------------------------------------------------- a leaver
@figure("worker_loss_drop", "leavers")
def _worker_loss_drop(frames: Frames) -> Figure:
    lv = frames["leavers"]
    return _ci(
        lv["before"] - lv["after"],
        f"{lv['before'].mean():.2f} -> {lv['after'].mean():.2f}",
    )


@figure("worker_loss_excess", "leavers")
def _worker_loss_excess(frames: Frames) -> Figure:
    """The drop's CI low minus the other customers' change's CI high (> 0: clearly larger)."""
    lv = frames["leavers"]
    drop = mean_ci(lv["before"] - lv["after"])
    others = mean_ci(lv["others_before"] - lv["others_after"])
    return Figure(
        drop[1] - others[2],
        detail=f"other customers' change {others[0]:+.3f} [{others[1]:+.3f}, {others[2]:+.3f}]",
    )


# ----------------------------------------------------------------------------- a surge
_START, _LENGTH = SURGE["week"], SURGE["weeks"]
SURGE_WINDOWS = {
    "during": slice(_START, _START + _LENGTH),
    "after": slice(_START + _LENGTH + 2, _START + _LENGTH + 26),
}
STANDARD_WINDOW = slice(_START + _LENGTH + 13, _START + _LENGTH + 52)


def surge_deficit(surge: pd.DataFrame, kpi: str, weeks: slice) -> tuple[float, float, float]:
    """Per seed, the surge arm's mean ``kpi`` minus the calm arm's over ``weeks``; mean and CI."""
    diffs = []
    for seed in sorted(surge["seed"].unique()):
        hot = np.asarray(surge.loc[(surge.seed == seed) & surge.surge, kpi].iloc[0])
        calm = np.asarray(surge.loc[(surge.seed == seed) & ~surge.surge, kpi].iloc[0])
        diffs.append(float((hot[weeks] - calm[weeks]).mean()))
    return mean_ci(diffs)


for _when, _weeks in SURGE_WINDOWS.items():
    figure(f"surge_quality_{_when}", "surge")(
        lambda frames, _w=_weeks: Figure(*surge_deficit(frames["surge"], "encounter_quality", _w))
    )


@figure("standards_erosion", "surge")
def _standards_erosion(frames: Frames) -> Figure:
    return Figure(*surge_deficit(frames["surge"], "quality_standard", STANDARD_WINDOW))


# ----------------------------------------------------------------------------- levers
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


@dataclass(frozen=True)
class LeverShapes:
    """The dose-response curves' shapes: per lever, its returns' bend and best dose."""

    levers: int
    concave: int  # lower return per unit at the top doses
    rising: int  # significantly higher return per unit at the top doses
    interior: int  # best dose below the maximum
    best_gain: dict[str, float]  # each lever's gain at its best dose (0 if no dose pays)


def lever_shapes(levers: pd.DataFrame) -> LeverShapes:
    """Diminishing returns, judged per lever (Hogreve et al. 2017).

    A lever's returns diminish when its gain per unit of dose at the highest doses is below its
    gain per unit at dose 1 (:func:`returns_bend`); returns rise significantly when the CI of
    the bend lies above 0, at 95% for the family of levers (Bonferroni). A lever whose effect is
    small next to its cost is nearly linear, and its bend is within the noise either way.
    """
    curves = dose_response(levers)
    level = 1.0 - 0.05 / max(curves["lever"].nunique(), 1)
    concave = rising = interior = 0
    best: dict[str, float] = {}
    for lever, c in curves.groupby("lever"):
        g = np.concatenate([[0.0], c.sort_values("dose")["gain"].to_numpy()])
        bend, lo, _hi = returns_bend(levers, str(lever), level)
        concave += bool(bend < 0.0)
        rising += bool(lo > 0.0)
        interior += bool(np.argmax(g) < len(g) - 1)
        best[str(lever)] = float(g.max())
    return LeverShapes(len(best), concave, rising, interior, best)


@figure("levers_rising", "levers")
def _levers_rising(frames: Frames) -> Figure:
    s = lever_shapes(frames["levers"])
    return Figure(
        float(s.rising), detail=f"{s.concave}/{s.levers} with lower returns per unit at the top"
    )


@figure("levers_interior", "levers")
def _levers_interior(frames: Frames) -> Figure:
    s = lever_shapes(frames["levers"])
    return Figure(
        s.interior / s.levers if s.levers else nan,
        detail=f"{s.interior}/{s.levers} best below dose {max(DOSES):g}",
    )


def culture_profit_gain(cultures: pd.DataFrame) -> float:
    """Two-way's mean weekly profit gain over the pyramid (paired by seed)."""
    return float(np.mean(culture_gain(cultures, "two_way", "profit")))


@figure("levers_above_culture", "levers", "cultures")
def _levers_above_culture(frames: Frames) -> Figure:
    s = lever_shapes(frames["levers"])
    gain = culture_profit_gain(frames["cultures"])
    above = [lever for lever, best in s.best_gain.items() if best > gain]
    return Figure(
        float(len(above)),
        detail=f"the culture's gain {gain:,.0f}/week; above it: {', '.join(above) or 'none'}",
    )


# ----------------------------------------------------------------------------- reverse causation
def _reverse(arm_name: str, col: str) -> Callable[[Frames], Figure]:
    return lambda frames: _ci(paired(frames["reverse"], "arm", "base", arm_name, col))


figure("competitor_morale", "reverse")(_reverse("competitor", "morale"))
figure("competitor_turnover", "reverse")(_reverse("competitor", "turnover"))
figure("demanding_frontline_morale", "reverse")(_reverse("demanding", "frontline_morale"))
figure("no_service", "reverse")(_reverse("no_cover", "customers_lost"))


# ----------------------------------------------------------------------------- stationarity
STATIONARY_CHANGES = ("customers", "revenue", "morale", "turnover", "profit")


def stationary_changes(stationary: pd.DataFrame) -> pd.DataFrame:
    """Per preset (mean over seeds): year 9 against year 1, as a relative change, and profit's
    move as a share of year 1's revenue."""
    rows = []
    for preset, r in stationary.groupby("scenario"):
        change = {
            k: r[f"y9_{k}"].mean() / r[f"y1_{k}"].mean() - 1.0
            for k in ("customers", "revenue", "morale", "turnover")
        }
        change["profit"] = (r["y9_profit"].mean() - r["y1_profit"].mean()) / r["y1_revenue"].mean()
        rows.append({"preset": preset, **change})
    return pd.DataFrame(rows).set_index("preset")


def _stationary(what: str) -> Callable[[Frames], Figure]:
    def measure(frames: Frames) -> Figure:
        changes = stationary_changes(frames["stationary"])[what]
        worst = str(changes.abs().idxmax())
        seeds = frames["stationary"]["seed"].nunique()
        detail = f"{worst}; {len(changes)} presets, {seeds} seeds"
        return Figure(float(changes[worst]), detail=detail)

    return measure


for _what in STATIONARY_CHANGES:
    figure(f"stationary_{_what}", "stationary")(_stationary(_what))


# ----------------------------------------------------------------------------- weakest link
@figure("weakest_link", "weakest")
def _weakest_link(frames: Frames) -> Figure:
    """Satisfaction lost to one failing supplier minus that lost to the same hours spread out."""
    w = frames["weakest"]
    one = paired(w, "variant", "base", "one", "customer_satisfaction")
    spread = paired(w, "variant", "base", "spread", "customer_satisfaction")
    return _ci(spread - one, f"loss {-one.mean():.3f} concentrated, {-spread.mean():.3f} spread")


# ----------------------------------------------------------------------------- department hours
@figure("department_hours_loss", "departments")
def _department_hours_loss(frames: Frames) -> Figure:
    """The profit lost to half of one department's internal hours, as a share of the pyramid's
    profit (ratio of means over paired seeds)."""
    base, halved = aligned(frames["departments"], "arm", "base", "halved", "profit")
    return Figure(*ratio_ci(base - halved, base))


__all__ = [
    "FIGURES",
    "Figure",
    "Verdict",
    "culture_gain",
    "dose_response",
    "experiments_for",
    "figure",
    "judge",
    "judge_frames",
    "lever_shapes",
    "link_correlations",
    "measurable",
    "measure_figures",
    "paired",
    "returns_bend",
    "stationary_changes",
    "surge_deficit",
]


# ----------------------------------------------------------------------------- observed units
def _observed_correlation(frames: Frames, outcome: str) -> Figure:
    """Unit morale against a unit outcome (pyramid), as observed (Fisher-z pooled, no
    correction): real units are noisy, so an observed correlation sits below the true score."""
    pyr = frames["cultures"]
    pyr = pyr[pyr["scenario"] == "pyramid"]
    values = pyr[f"r_morale_{outcome}"].to_numpy(dtype=float)
    return Figure(*pooled_correlation(values[np.isfinite(values)]))


for _outcome in ("satisfaction", "turnover", "productivity", "profit"):
    figure(f"observed_r_{_outcome}", "cultures")(
        lambda frames, _o=_outcome: _observed_correlation(frames, _o)
    )


# ----------------------------------------------------------------------------- who waits
def _service(frames: Frames, a: str, b: str, direction: str) -> Figure:
    """Per seed, culture ``b``'s on-time share of service flowing ``direction`` minus ``a``'s
    (weeks 27-104)."""
    c = frames["cultures"]
    return _ci(paired(c, "scenario", a, b, f"service_{direction}"))


figure("pyramid_down_gap", "cultures")(lambda f: _service(f, "pyramid", "two_way", "down"))
figure("inverted_up_gap", "cultures")(lambda f: _service(f, "inverted", "two_way", "up"))


def _within(frames: Frames, culture: str, first: str, second: str) -> Figure:
    """Per seed, ``culture``'s on-time share of service flowing ``first`` minus ``second``."""
    c = frames["cultures"]
    rows = c[c["scenario"] == culture]
    return _ci(rows[f"service_{first}"] - rows[f"service_{second}"])


figure("pyramid_up_over_down", "cultures")(lambda f: _within(f, "pyramid", "up", "down"))
figure("inverted_down_over_up", "cultures")(lambda f: _within(f, "inverted", "down", "up"))


# ----------------------------------------------------------------------------- time use
def _pyramid_mean(frames: Frames, col: str) -> Figure:
    return _ci(arm(frames["cultures"], "scenario", "pyramid", col))


figure("manager_people_time", "cultures")(lambda f: _pyramid_mean(f, "manager_people_time"))
figure("frontline_occupancy", "cultures")(lambda f: _pyramid_mean(f, "frontline_occupancy"))


# ----------------------------------------------------------------------------- careers
@figure("promoted_mindset_gap", "cultures")
def _promoted_mindset_gap(frames: Frames) -> Figure:
    """Per seed, the mean service mindset of the people two-way promoted minus the pyramid's."""
    c = frames["cultures"]
    gap = paired(c, "scenario", "pyramid", "two_way", "promoted_mindset")
    gap = gap[np.isfinite(gap)]
    counts = c.groupby("scenario")["promotions"].mean()
    return _ci(gap, f"{counts.get('pyramid', 0):.0f} and {counts.get('two_way', 0):.0f} promotions")


# ----------------------------------------------------------------------------- layoffs
@figure("layoff_survivor_turnover", "layoffs")
def _layoff_survivor_turnover(frames: Frames) -> Figure:
    """The survivors' voluntary turnover in the year after, against no layoff (ratio of means)."""
    base, cut = aligned(frames["layoffs"], "arm", "base", "layoff", "turnover")
    return Figure(*ratio_ci(cut, base), detail=f"{_pct(*mean_ci(cut))} against {base.mean():.1%}")


@figure("layoff_survivor_morale", "layoffs")
def _layoff_survivor_morale(frames: Frames) -> Figure:
    lay = frames["layoffs"]
    insecure = paired(lay, "arm", "base", "layoff", "insecurity")
    return _ci(
        paired(lay, "arm", "base", "layoff", "morale"),
        f"job insecurity {insecure.mean():+.2f}",
    )


# ----------------------------------------------------------------------------- links' sizes
def _slope(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """OLS slope of y on x with its 95% t-interval."""
    from scipy import stats

    fit = stats.linregress(x, y)
    half = stats.t.ppf(0.975, max(len(x) - 2, 1)) * fit.stderr
    return float(fit.slope), float(fit.slope - half), float(fit.slope + half)


@figure("satisfaction_per_morale", "interventions")
def _satisfaction_per_morale(frames: Frames) -> Figure:
    """Across organizations given a new culture or levers: points of customer satisfaction per
    point of morale (the OLS slope)."""
    orgs = frames["interventions"]
    return Figure(
        *_slope(orgs["morale"].to_numpy(), orgs["customer_satisfaction"].to_numpy()),
        detail=f"{len(orgs)} orgs",
    )


@figure("revenue_per_satisfaction_point", "interventions")
def _revenue_per_satisfaction_point(frames: Frames) -> Figure:
    """Across the same organizations: the relative change of revenue per point (0.01) of
    customer satisfaction (the OLS slope of log revenue, per point)."""
    orgs = frames["interventions"]
    slope, lo, hi = _slope(
        orgs["customer_satisfaction"].to_numpy(), np.log(orgs["revenue"].to_numpy())
    )
    return Figure(slope / 100.0, lo / 100.0, hi / 100.0, f"{len(orgs)} orgs")


# ----------------------------------------------------------------------------- the hiring pool
@figure("culture_pool_drift", "pool")
def _culture_pool_drift(frames: Frames) -> Figure:
    """How far the culture followed a less service-minded hiring pool in five years, as a share
    of the pool's drop."""
    from sim.studies.runs import POOL_DROP

    drift = paired(frames["pool"], "arm", "drop", "base", "mindset") / POOL_DROP
    return _ci(drift)


# ----------------------------------------------------------------------------- why it differs
def culture_decomposition(frames: Frames, seed: int = 0):
    """Two-way against the pyramid decomposed into the culture's channels, from the ``explain``
    experiment's runs (a :class:`sim.studies.explain.ExplainResult`; ``seed`` is the root seed
    the runs derive from, for its title)."""
    from sim.studies.explain import CHANNEL_BY_NAME, ExplainResult, _contributions, _summarize
    from sim.studies.measures import RUN_WEEKS, WINDOW
    from sim.studies.runs import EXPLAIN_CHANNELS

    chosen = [CHANNEL_BY_NAME[c] for c in EXPLAIN_CHANNELS]
    mechanisms = [c.name for c in chosen if not c.culture]
    runs = frames["explain"]
    contributions = _contributions(runs, chosen, mechanisms)
    return ExplainResult(
        a="pyramid",
        b="two_way",
        channels=chosen,
        reps=int(runs["rep"].nunique()),
        weeks=RUN_WEEKS,
        seed=seed,
        contributions=contributions,
        summary=_summarize(contributions, chosen),
        runs=runs,
        first=WINDOW.first,
    )


def explain_frame(frames: Frames):
    """The decomposition's contributions: one row per (rep, kpi, channel)."""
    return culture_decomposition(frames).contributions


def _queue_share(frames: Frames, kpi: str) -> Figure:
    """The queue's Shapley share of two-way's difference from the pyramid in ``kpi`` (ratio of
    the mean contribution to the mean difference, over replications)."""
    c = explain_frame(frames)
    c = c[c["kpi"] == kpi]
    queue = c[c["channel"] == "queue"].sort_values("rep")["value"].to_numpy()
    total = c[c["channel"] == "total"].sort_values("rep")["value"].to_numpy()
    sign = 1.0 if total.mean() >= 0 else -1.0
    share = ratio_ci(sign * queue, sign * total)
    means = c.groupby("channel")["value"].mean()
    order = means.drop(index=["total", "other"], errors="ignore").abs().sort_values()[::-1]
    largest = ", ".join(f"{name} {means[name] / total.mean():.0%}" for name in order.index[:3])
    return Figure(*share, detail=f"largest shares: {largest}")


figure("queue_share_profit", "explain")(lambda f: _queue_share(f, "profit"))
figure("queue_share_morale", "explain")(lambda f: _queue_share(f, "morale"))


# ----------------------------------------------------------------------------- bounds
@figure("bounds_turnover", "bounds")
def _bounds_turnover(frames: Frames) -> Figure:
    """The highest annual turnover over every setting of the bounds check."""
    rows = frames["bounds"]
    worst = rows.sort_values("turnover", ascending=False).iloc[0]
    return Figure(float(worst["turnover"]), detail=f"{len(rows)} settings; {worst['setting']}")


@figure("bounds_not_finite", "bounds")
def _bounds_not_finite(frames: Frames) -> Figure:
    """How many settings of the bounds check gave a NaN or infinite KPI."""
    rows = frames["bounds"]
    return Figure(float((~rows["finite"]).sum()), detail=f"{len(rows)} settings")
