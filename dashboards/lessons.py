"""Lessons for students: predict, observe, explain.

Five short guided lessons, each a question about one rule of the model, the student's
prediction (one of a few choices), the run that tests it (the model's own presets, levers,
events and channels, with one seed for the whole class), what happened (read from that run's
numbers, never canned) and the mechanism that explains it (the rule in plain words, and the
channel of the "Why" tab that carries it):

1. the culture as a priority rule (whose requests wait under the pyramid and the two-way street);
2. the weakest link (a back-office department with too little time for its colleagues);
3. a surge's lasting damage (a rush of customers erodes the quality standard people hold);
4. levers and their dose (a lever at doses 0, 1, 2 and 4: diminishing returns);
5. customers reaching back (customers' moods and complaints reach the frontline's morale).

Plain Python, tested without a browser: :data:`LESSONS` holds the lessons, :func:`lesson_tasks`
the runs of one lesson (picklable, for ``dashboards.background.Job``), :func:`read` turns the
runs into :class:`Reading` (which choice the numbers show, a sentence, a table), and
:func:`handout_html` writes the class handout (one offline HTML file, no script). The session's
progress (predictions and lessons seen) is a :class:`LessonBook`.
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from dashboards.background import Job
from sim.interventions import dose_response
from sim.kpis import format_kpi
from sim.params import Params
from sim.studies.explain import CHANNEL_BY_NAME

SEED = 0  # one seed for the whole class: everyone sees the same numbers
# Departments of the shipped reference organization (the pyramid preset), by position.
OPERATIONS = 2
SURGE = {"type": "demand_surge", "size": 0.6, "weeks": 12, "week": 9}
SURGE_END = SURGE["week"] + SURGE["weeks"] - 1  # the rush's last week
AFTER_WEEKS = 26  # "six months later"
DOSES = (0, 1, 2, 4)
DOSE_LEVER = "clear_expectations"
SMOOTH_WEEKS = 4  # weeks of the trailing mean of noisy weekly measures in the lessons' charts


@dataclass(frozen=True)
class Choice:
    """One answer a student can predict."""

    key: str
    text: str


@dataclass(frozen=True)
class Arm:
    """One run of a lesson: a plain name, a scenario and its settings."""

    label: str
    scenario: str
    overrides: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Lesson:
    """One lesson (see the module docstring).

    Attributes:
        key: Short key (``priority``, ``weakest``, ``surge``, ``dose``, ``customers``).
        title: Its title.
        question: The question, in plain words.
        terms: (term, explanation) pairs: every term the lesson uses, explained.
        choices: The predictions offered.
        teaches: The choice the lesson is built to show (its test checks the run shows it).
        setup: What the run does, in words.
        arms: The runs, all with :data:`SEED`.
        weeks: Weeks each run lasts after the warm-up.
        columns: KPI columns kept from each run.
        chart: The KPI (or measure) drawn week by week, and the chart's title (noisy weekly
            measures are drawn as 4-week averages, which the title says).
        mechanism: The rule that explains it, in plain words.
        channel: The "Why" tab's channel that carries it.
    """

    key: str
    title: str
    question: str
    terms: tuple[tuple[str, str], ...]
    choices: tuple[Choice, ...]
    teaches: str
    setup: str
    arms: tuple[Arm, ...]
    weeks: int
    columns: tuple[str, ...]
    chart: tuple[str, str]
    mechanism: str
    channel: str

    def choice(self, key: str) -> Choice:
        """The choice with this key."""
        return next(c for c in self.choices if c.key == key)


@lru_cache(maxsize=1)
def _defaults() -> Params:
    from sim.scenario import load_scenario

    return load_scenario("pyramid")


def _weak_operations() -> list[dict[str, Any]]:
    """The reference organization's departments with operations giving 40% of its usual time to
    colleagues' requests."""
    departments = [d.model_dump() for d in _defaults().org.departments]
    departments[OPERATIONS]["internal_hours"] = 0.4
    return departments


def _lessons() -> tuple[Lesson, ...]:
    defaults = _defaults()
    b = defaults.behaviour
    saturation = defaults.interventions.saturation
    dose2 = dose_response(2.0, saturation)
    customers_off = CHANNEL_BY_NAME["customers"].off(0.0)
    frontline = (
        "frontline",
        "the people at the bottom of customer-facing departments, who serve the external customers",
    )
    on_time = (
        "on time",
        "served within the service standard, the time colleagues expect an answer in",
    )
    return (
        Lesson(
            key="priority",
            title="The culture as a priority rule",
            question=(
                "When people have more requests from colleagues than hours, some requests must "
                "wait. Under the top-down pyramid, whose requests wait?"
            ),
            terms=(
                (
                    "top-down pyramid",
                    "a culture where lower levels serve higher levels first (the classic "
                    "chain of command)",
                ),
                (
                    "two-way street",
                    "a culture where everyone treats colleagues as customers: need and "
                    "deadlines decide who goes first, not rank",
                ),
                (
                    "served down",
                    "a manager doing something a report asked for (information, a decision, "
                    "resources); served up is the reverse, a report doing what a manager asked",
                ),
                on_time,
            ),
            choices=(
                Choice("down", "Requests from reports to their managers (served down) wait"),
                Choice("up", "Requests from managers to their reports (served up) wait"),
                Choice("same", "Neither: both wait about as often"),
            ),
            teaches="down",
            setup=(
                "The reference organization (300 people) runs for a year under the top-down "
                "pyramid and, with the same random numbers, under the two-way street. We read "
                "the share of requests served on time in each direction over the second half "
                "year."
            ),
            arms=(
                Arm("Top-down pyramid", "pyramid"),
                Arm("Two-way street", "two_way"),
            ),
            weeks=52,
            columns=("service_level_up", "service_level_down"),
            chart=("service_level_down", "Requests served down on time (4-week average)"),
            mechanism=(
                "Everyone serves their queue of colleagues' requests in an order the culture "
                "sets, until their hours (and some overtime) run out; the rest wait. Under the "
                "pyramid, the higher the person asking, the earlier they are served, so the "
                "requests that wait are those coming from below. Under the two-way street, need "
                "and deadlines decide, so waiting is shared out. (The Why tab's channel “"
                f"{CHANNEL_BY_NAME['queue'].label}”: {CHANNEL_BY_NAME['queue'].sentence})"
            ),
            channel="queue",
        ),
        Lesson(
            key="weakest",
            title="The weakest link",
            question=(
                "Operations, a back-office department that the frontline and sales depend on, "
                "now gives only 40% of its usual time to colleagues' requests (the rest goes to "
                "a project). The frontline itself does not change. What happens to the "
                "customers?"
            ),
            terms=(
                frontline,
                (
                    "back office",
                    "departments that serve colleagues, not customers (here operations and "
                    "support functions)",
                ),
                on_time,
                (
                    "customer satisfaction",
                    "how pleased customers are with the service they get, from 0 to 1",
                ),
            ),
            choices=(
                Choice("same", "Nothing changes: customers never meet operations"),
                Choice("worse", "Customers are served worse, though the frontline is the same"),
                Choice("better", "Customers are served better: the frontline asks less"),
            ),
            teaches="worse",
            setup=(
                "The reference organization under the pyramid runs for a year as usual and, "
                "with the same random numbers, with operations giving 40% of its usual time to "
                "colleagues. We read the second half year."
            ),
            arms=(
                Arm("As usual", "pyramid"),
                Arm("Operations short of time", "pyramid", {"org.departments": _weak_operations()}),
            ),
            weeks=52,
            columns=(
                "internal_on_time",
                "encounter_quality",
                "customer_satisfaction",
                "profit",
            ),
            chart=("customer_satisfaction", "Customer satisfaction (4-week average)"),
            mechanism=(
                "A customer's visit is only as good as the weakest input behind it: the quality "
                "of each frontline encounter is cut by the lowest on-time share among the "
                "departments that encounter depends on (a chain is only as strong as its "
                "weakest link). Requests to operations now wait, so every encounter that needs "
                f"operations is worse (by up to {defaults.customers.input_weight:.0%} for an input "
                "that fails completely); satisfaction follows the encounters."
            ),
            channel="queue",
        ),
        Lesson(
            key="surge",
            title="A surge's lasting damage",
            question=(
                "For 12 weeks, customers come 60% more often than usual (a rush), then things "
                "go back to normal. Six months after the rush ends, is the quality standard "
                "people hold back where it was?"
            ),
            terms=(
                (
                    "quality standard",
                    "the share of the standard time per task that people give when they are "
                    "not rushed (100% = they take the full time a task needs)",
                ),
                ("rush", "a demand surge: more customers than usual for a while"),
                (
                    "pressure",
                    "more work asked for than the hours available; under pressure people rush",
                ),
            ),
            choices=(
                Choice("back", "Yes: once the rush is over, the standard is back"),
                Choice("lower", "No: it is still lower months later"),
                Choice("higher", "It ends higher: people learned to work faster"),
            ),
            teaches="lower",
            setup=(
                f"The reference organization under the pyramid runs {SURGE_END + 40} weeks "
                "without a rush and, with the same random numbers, with customers coming 60% "
                f"more often in weeks {SURGE['week']}-{SURGE_END}. We read the quality standard "
                f"at the rush's last week and {AFTER_WEEKS} weeks later."
            ),
            arms=(
                Arm("No rush", "pyramid"),
                Arm("A 12-week rush", "pyramid", {"events": [SURGE]}),
            ),
            weeks=SURGE_END + 40,
            columns=("quality_standard", "encounter_quality", "customer_satisfaction"),
            chart=("quality_standard", "Quality standard people hold"),
            mechanism=(
                "Under sustained pressure people cannot give a task its full time, and the "
                "standard they hold drifts down to what they could give (quickly: "
                f"{b.standard_erosion_rate:.0%} of the gap a week); without pressure it climbs "
                f"back slowly ({b.standard_recovery_rate:.0%} of the gap a week), so a "
                "temporary rush leaves lasting damage (Oliva and Sterman, 2001). (The Why tab's "
                f"mechanism “{CHANNEL_BY_NAME['standards'].label}”: "
                f"{CHANNEL_BY_NAME['standards'].sentence})"
            ),
            channel="standards",
        ),
        Lesson(
            key="dose",
            title="Levers and their dose",
            question=(
                "“Clear expectations” is a lever: people agree on what they need from each "
                "other, so fewer requests are unnecessary. At dose 1 it cuts the hours of "
                "requests left waiting by some amount. What does dose 2 do?"
            ),
            terms=(
                ("lever", "something management can do to change how people work together"),
                (
                    "dose",
                    "how strongly a lever is applied: 0 is off, 1 the usual amount, 2 twice "
                    "that (its cost grows in proportion)",
                ),
                ("waiting hours", "the hours of colleagues' requests not served yet"),
            ),
            choices=(
                Choice("double", "Twice the cut: twice the dose, twice the effect"),
                Choice("less", "Less than twice the cut: each extra dose does less"),
                Choice("more", "More than twice the cut"),
            ),
            teaches="less",
            setup=(
                "The reference organization under the pyramid runs for a year with clear "
                f"expectations at doses {', '.join(str(d) for d in DOSES)}, all with the same "
                "random numbers. We read the hours of requests left waiting over the second "
                "half year."
            ),
            arms=tuple(
                Arm(
                    f"Dose {d}",
                    "pyramid",
                    {f"interventions.{DOSE_LEVER}.intensity": float(d)} if d else {},
                )
                for d in DOSES
            ),
            weeks=52,
            columns=("backlog_hours", "internal_on_time", "headcount", "profit"),
            chart=("backlog_hours", "Hours of requests waiting"),
            mechanism=(
                "Returns to service investments diminish (Hogreve and colleagues, 2017): in the "
                "model, a lever's effect at a dose grows along a curve that flattens, so dose "
                f"2 has {dose2:.2f} times the effect of dose 1, not 2 times, and no dose gets "
                f"more than {dose_response(1e9, saturation):.2f} times. The cost does not "
                "flatten: it grows with the dose. So every lever has a best dose."
            ),
            channel="queue",
        ),
        Lesson(
            key="customers",
            title="Customers reaching back",
            question=(
                "In this organization customers are, on average, a little less satisfied than "
                "they expect to be, and some complain. Does that reach the morale of the "
                "frontline, the people who serve them?"
            ),
            terms=(
                ("morale", "how people feel about their work, from 0 to 1"),
                frontline,
                (
                    "switched off",
                    "a thought experiment only a model allows: the same organization where "
                    "customers' moods, complaints and the revenue they bring cannot reach "
                    "employees",
                ),
            ),
            choices=(
                Choice("down", "Yes: it pulls the frontline's morale down"),
                Choice("up", "Yes: it lifts the frontline's morale"),
                Choice("none", "No: customers' moods do not reach employees"),
            ),
            teaches="down",
            setup=(
                "The reference organization under the pyramid runs for a year as it is and, "
                "with the same random numbers, with customers' moods switched off. We compare "
                "the frontline's morale with everyone else's over the second half year."
            ),
            arms=(
                Arm("Customers reach back", "pyramid"),
                Arm("Switched off", "pyramid", dict(customers_off)),
            ),
            weeks=52,
            columns=("customer_satisfaction", "morale_mean"),
            chart=("frontline_morale", "Frontline morale (4-week average)"),
            mechanism=(
                "Each frontline employee remembers how good their customers' visits were and "
                "how far below their expectation their customers are (complaints); both feed "
                "the morale they move toward: feedback above the usual expectation lifts it, "
                "complaints pull it down (emotional contagion). Revenue short of plan also "
                "makes everyone feel less secure. (The Why tab's mechanism “"
                f"{CHANNEL_BY_NAME['customers'].label}”: {CHANNEL_BY_NAME['customers'].sentence})"
            ),
            channel="customers",
        ),
    )


LESSONS: tuple[Lesson, ...] = _lessons()
LESSON_BY_KEY = {lesson.key: lesson for lesson in LESSONS}


# ----------------------------------------------------------------------------- running
def run_arm(key: str, index: int, seed: int = SEED) -> dict[str, list[float]]:
    """One run of a lesson (a worker task): its weeks' KPI columns and the frontline's and
    everyone else's mean morale each week."""
    from sim.model import ServiceCultureModel

    lesson = LESSON_BY_KEY[key]
    arm = lesson.arms[index]
    model = ServiceCultureModel(arm.scenario, dict(arm.overrides), seed=seed)
    front, rest = [], []
    org = model.org
    for _ in range(lesson.weeks):
        model.step()
        filled = model.state.filled
        front.append(float(model.state.morale[org.frontline & filled].mean()))
        rest.append(float(model.state.morale[~org.frontline & filled].mean()))
    frame = model.kpis()
    frame = frame[frame["week"] >= 1]
    out = {"week": frame["week"].astype(int).to_list()}
    for column in lesson.columns:
        out[column] = frame[column].astype(float).to_list()
    out["frontline_morale"] = front
    out["rest_morale"] = rest
    return out


def lesson_tasks(key: str, seed: int = SEED) -> list[tuple[Callable, tuple]]:
    """The runs of one lesson, as tasks for ``dashboards.background.Job``."""
    return [(run_arm, (key, i, seed)) for i in range(len(LESSON_BY_KEY[key].arms))]


def run_lesson(key: str, seed: int = SEED) -> list[dict[str, list[float]]]:
    """Every run of one lesson, here and now (the tests and the handout's command line)."""
    return [function(*args) for function, args in lesson_tasks(key, seed)]


# ----------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class Reading:
    """What a lesson's runs show.

    Attributes:
        observed: The choice the numbers show.
        sentence: What happened, with the numbers.
        header: The table's column titles (the first names the rows).
        table: Rows of formatted values.
    """

    observed: str
    sentence: str
    header: tuple[str, ...]
    table: tuple[tuple[str, ...], ...]


def _mean(series: Mapping[str, list[float]], column: str, first: int, last: int) -> float:
    """Mean of a column over weeks ``first``-``last`` (inclusive)."""
    weeks = np.asarray(series["week"])
    values = np.asarray(series[column], dtype=float)
    return float(values[(weeks >= first) & (weeks <= last)].mean())


def _late(runs: list[Mapping[str, list[float]]], lesson: Lesson, column: str) -> list[float]:
    """Each run's mean of ``column`` over the second half of the lesson's weeks."""
    return [_mean(r, column, lesson.weeks // 2 + 1, lesson.weeks) for r in runs]


def _pct(value: float) -> str:
    return format_kpi(value, "internal_on_time")


def _reading(
    observed: str, sentence: str, lesson: Lesson, first: str, columns: dict[str, list[str]]
) -> Reading:
    """A :class:`Reading` whose table has one row per run: the run's name (under ``first``),
    then each column's formatted values."""
    rows = zip(*([arm.label for arm in lesson.arms], *columns.values()), strict=True)
    return Reading(observed, sentence, (first, *columns), tuple(tuple(r) for r in rows))


def _pts(value: float) -> str:
    text = format_kpi(value, "internal_on_time", change=True)
    return text if value < 0 else "+" + text


def _three_way(diff: float, tolerance: float, low: str, same: str, high: str) -> str:
    return low if diff < -tolerance else high if diff > tolerance else same


def _read_priority(lesson: Lesson, runs: list) -> Reading:
    up = _late(runs, lesson, "service_level_up")
    down = _late(runs, lesson, "service_level_down")
    gap = [u - d for u, d in zip(up, down, strict=True)]
    observed = _three_way(gap[0], 0.02, "up", "same", "down")
    who = {
        "down": "requests from reports to their managers (served down) wait far more often",
        "up": "requests from managers to their reports (served up) wait more often",
        "same": "both directions are served on time about as often",
    }[observed]
    change = "narrows" if gap[1] < gap[0] else "does not narrow"
    sentence = (
        f"Under the pyramid {who}: {_pct(up[0])} of requests served up are on time against "
        f"{_pct(down[0])} served down, a gap of {_pts(gap[0])}. Under the two-way street the "
        f"gap {change} to {_pts(gap[1])} ({_pct(up[1])} up, {_pct(down[1])} down): the "
        "culture decides who waits."
    )
    columns = {
        "Served up, on time": [_pct(v) for v in up],
        "Served down, on time": [_pct(v) for v in down],
        "Gap": [_pts(v) for v in gap],
    }
    return _reading(observed, sentence, lesson, "Culture", columns)


def _read_weakest(lesson: Lesson, runs: list) -> Reading:
    on_time = _late(runs, lesson, "internal_on_time")
    quality = _late(runs, lesson, "encounter_quality")
    satisfaction = _late(runs, lesson, "customer_satisfaction")
    profit = _late(runs, lesson, "profit")
    diff = satisfaction[1] - satisfaction[0]
    observed = _three_way(diff, 0.01, "worse", "same", "better")
    verb = {"worse": "fell", "same": "hardly moved", "better": "rose"}[observed]
    sentence = (
        f"With operations short of time, requests on time fell from {_pct(on_time[0])} to "
        f"{_pct(on_time[1])}; the quality of customers' visits went from "
        f"{format_kpi(quality[0], 'encounter_quality')} to "
        f"{format_kpi(quality[1], 'encounter_quality')}, and customer satisfaction {verb}, "
        f"from {format_kpi(satisfaction[0], 'customer_satisfaction')} to "
        f"{format_kpi(satisfaction[1], 'customer_satisfaction')}, though no frontline employee "
        f"changed. Weekly profit: {format_kpi(profit[0], 'profit')} against "
        f"{format_kpi(profit[1], 'profit')}."
    )
    columns = {
        "Requests on time": [_pct(v) for v in on_time],
        "Quality of visits (0-1)": [format_kpi(v, "encounter_quality") for v in quality],
        "Customer satisfaction (0-1)": [
            format_kpi(v, "customer_satisfaction") for v in satisfaction
        ],
        "Weekly profit": [format_kpi(v, "profit") for v in profit],
    }
    return _reading(observed, sentence, lesson, "Run", columns)


def _read_surge(lesson: Lesson, runs: list) -> Reading:
    before, end, later = SURGE["week"] - 1, SURGE_END, SURGE_END + AFTER_WEEKS
    standard = [[_mean(r, "quality_standard", w, w) for w in (before, end, later)] for r in runs]
    dip = standard[1][1] - standard[0][1]
    left = standard[1][2] - standard[0][2]
    observed = _three_way(left, 0.001, "lower", "back", "higher")
    still = (
        f"still {_pts(abs(left))[1:]} below the run without a rush"
        if observed == "lower"
        else "back where the run without a rush is"
        if observed == "back"
        else f"{_pts(left)[1:]} above the run without a rush"
    )
    kept = ""
    if dip < 0 and left < 0:
        back = 1.0 - min(left / dip, 1.0)
        kept = (
            ": almost none of the dip has come back"
            if back < 0.05
            else f": {back:.0%} of the dip has come back"
        )
    sentence = (
        f"Before the rush people held {_pct(standard[0][0])} of the standard time. At the "
        f"rush's last week (week {end}) the standard was {_pts(abs(dip))[1:]} "
        f"{'below' if dip < 0 else 'above'} the run without a rush; {AFTER_WEEKS} weeks "
        f"later (week {later}) it was {still}{kept}."
    )
    columns = {
        f"Week {week} ({when})": [_pct(values[i]) for values in standard]
        for i, (week, when) in enumerate(
            ((before, "before"), (end, "rush ends"), (later, f"{AFTER_WEEKS} weeks later"))
        )
    }
    return _reading(observed, sentence, lesson, "Run", columns)


def _lever_cost(lesson: Lesson, runs: list) -> list[float]:
    """Each dose's running cost of the lever per week (its cost per employee, times the dose,
    times the mean headcount of the second half year)."""
    per_employee = getattr(_defaults().interventions, DOSE_LEVER).cost_per_employee_week
    heads = _late(runs, lesson, "headcount")
    return [per_employee * d * h for d, h in zip(DOSES, heads, strict=True)]


def _read_dose(lesson: Lesson, runs: list) -> Reading:
    waiting = _late(runs, lesson, "backlog_hours")
    on_time = _late(runs, lesson, "internal_on_time")
    cost = _lever_cost(lesson, runs)
    profit = _late(runs, lesson, "profit")
    first = waiting[0] - waiting[1]
    both = waiting[0] - waiting[2]
    ratio = both / first if first > 0 else float("nan")
    if ratio != ratio:
        observed = "less"  # dose 1 did nothing: dose 2 cannot be "twice" anything
    else:
        observed = "less" if ratio < 1.8 else "more" if ratio > 2.2 else "double"
    sentence = (
        f"Dose 1 cut the hours waiting from {format_kpi(waiting[0], 'backlog_hours')} to "
        f"{format_kpi(waiting[1], 'backlog_hours')} ({format_kpi(first, 'backlog_hours')} "
        f"hours less); dose 2 cut {format_kpi(both, 'backlog_hours')} hours in all, "
        f"{format_kpi(ratio, None)} times dose 1's cut; dose 4 cut "
        f"{format_kpi(waiting[0] - waiting[3], 'backlog_hours')}. The lever's own cost grows "
        f"with the dose: {format_kpi(cost[1], 'cost')} a week at dose 1, "
        f"{format_kpi(cost[3], 'cost')} at dose 4."
    )
    columns = {
        "Hours waiting": [format_kpi(v, "backlog_hours") for v in waiting],
        "Cut against dose 0": [format_kpi(waiting[0] - v, "backlog_hours") for v in waiting],
        "Requests on time": [_pct(v) for v in on_time],
        "The lever's weekly cost": [format_kpi(v, "cost") for v in cost],
        "Weekly profit": [format_kpi(v, "profit") for v in profit],
    }
    return _reading(observed, sentence, lesson, "Dose", columns)


def _read_customers(lesson: Lesson, runs: list) -> Reading:
    front = _late(runs, lesson, "frontline_morale")
    rest = _late(runs, lesson, "rest_morale")
    satisfaction = _late(runs, lesson, "customer_satisfaction")
    diff = front[0] - front[1]
    observed = _three_way(diff, 0.01, "down", "none", "up")
    expected = _defaults().customers.satisfaction_reference
    effect = {
        "down": "lower",
        "none": "about the same",
        "up": "higher",
    }[observed]
    sentence = (
        f"Customers' satisfaction averaged {format_kpi(satisfaction[0], 'customer_satisfaction')}"
        f" against the {format_kpi(expected, 'customer_satisfaction')} they expect. With their "
        f"moods reaching employees, the frontline's morale was "
        f"{format_kpi(front[0], 'morale_mean')}, {effect} than the "
        f"{format_kpi(front[1], 'morale_mean')} it has when they are switched off (a "
        f"difference of {format_kpi(diff, 'morale_mean', change=True)}); everyone else's "
        f"morale: {format_kpi(rest[0], 'morale_mean')} against "
        f"{format_kpi(rest[1], 'morale_mean')}."
    )
    columns = {
        "Frontline morale": [format_kpi(v, "morale_mean") for v in front],
        "Everyone else's morale": [format_kpi(v, "morale_mean") for v in rest],
        "Customer satisfaction": [format_kpi(v, "customer_satisfaction") for v in satisfaction],
    }
    return _reading(observed, sentence, lesson, "Run", columns)


READERS: dict[str, Callable[[Lesson, list], Reading]] = {
    "priority": _read_priority,
    "weakest": _read_weakest,
    "surge": _read_surge,
    "dose": _read_dose,
    "customers": _read_customers,
}


def read(key: str, runs: list[Mapping[str, list[float]]]) -> Reading:
    """What a lesson's runs show (:class:`Reading`)."""
    return READERS[key](LESSON_BY_KEY[key], list(runs))


def figure(key: str, runs: list[Mapping[str, list[float]]]) -> dict[str, Any]:
    """The lesson's measure week by week, one line per run (Plotly JSON); for the dose lesson,
    the second half year's mean per dose as bars."""
    from dashboards.figures.common import FONT, PALETTE

    lesson = LESSON_BY_KEY[key]
    column, title = lesson.chart
    percent = column in ("service_level_down", "quality_standard")
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 13}, "x": 0.01},
        "margin": {"t": 32, "b": 64, "l": 56, "r": 16},
        "height": 290,
        "font": {"family": FONT, "size": 12},
        "legend": {"orientation": "h", "y": -0.3, "x": 0},
        "yaxis": {"tickformat": ".1%" if percent else ".3~f"},
    }
    if key == "dose":
        values = _late(runs, lesson, column)
        layout["xaxis"] = {"title": {"text": "dose of clear expectations"}, "type": "category"}
        layout["yaxis"] = {"tickformat": ",~f", "rangemode": "tozero"}
        layout["showlegend"] = False
        data = [
            {
                "type": "bar",
                "x": [str(d) for d in DOSES],
                "y": values,
                "text": [format_kpi(v, column) for v in values],
                "textposition": "outside",
                "cliponaxis": False,
                "marker": {"color": PALETTE[0]},
            }
        ]
        return {"data": data, "layout": layout}
    smooth = "average" in title
    data = []
    for i, (arm, run) in enumerate(zip(lesson.arms, runs, strict=True)):
        values = np.asarray(run[column], dtype=float)
        if smooth:  # a trailing 4-week mean (the first weeks: the mean so far)
            sums = np.cumsum(values)
            counts = np.minimum(np.arange(1, len(values) + 1), SMOOTH_WEEKS)
            shifted = np.concatenate([np.zeros(SMOOTH_WEEKS), sums[:-SMOOTH_WEEKS]])
            values = (sums - shifted[: len(values)]) / counts
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": arm.label,
                "x": run["week"],
                "y": values,
                "line": {"color": PALETTE[i % len(PALETTE)], "width": 2},
            }
        )
    layout["xaxis"] = {"title": {"text": "week", "standoff": 4}}
    layout["annotations"] = []
    if key == "surge":
        layout["shapes"] = [
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": SURGE["week"] - 0.5,
                "x1": SURGE_END + 0.5,
                "y0": 0,
                "y1": 1,
                "fillcolor": "rgba(239,108,0,0.12)",
                "line": {"width": 0},
            }
        ]
        layout["annotations"] += [
            {
                "x": (SURGE["week"] + SURGE_END) / 2,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": "the rush",
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"size": 11, "color": "#ef6c00"},
            }
        ]
    return {"data": data, "layout": layout}


# ----------------------------------------------------------------------------- session
_RUNS: dict[tuple[str, int], list[dict[str, list[float]]]] = {}
_RUNS_LOCK = threading.Lock()


def cached_runs(key: str, seed: int = SEED) -> list[dict[str, list[float]]] | None:
    """A lesson's runs, if they finished in this server (every session shares them)."""
    with _RUNS_LOCK:
        return _RUNS.get((key, seed))


def _keep(key: str, seed: int, runs: list[dict[str, list[float]]]) -> None:
    with _RUNS_LOCK:
        _RUNS[(key, seed)] = runs


class LessonBook:
    """One session's lessons: predictions, lessons seen, and the runs under way.

    Args:
        on_update: Called (possibly from a worker's reader thread) when anything changed.

    Attributes:
        predictions: Lesson key -> the choice predicted.
        seen: Keys of the lessons whose outcome the student has seen.
    """

    def __init__(self, on_update: Callable[[], None] | None = None) -> None:
        self.on_update = on_update
        self.predictions: dict[str, str] = {}
        self.seen: set[str] = set()
        self._jobs: dict[str, Job] = {}
        self._errors: dict[str, str] = {}
        self._queue: list[str] = []
        self._lock = threading.Lock()
        self.handout_requested = False

    # progress ---------------------------------------------------------------
    def predict(self, key: str, choice: str) -> None:
        """Record a prediction (a new one hides the outcome until the run is shown again)."""
        lesson = LESSON_BY_KEY[key]
        lesson.choice(choice)  # raises StopIteration on an unknown choice
        self.predictions[key] = choice
        self._notify()

    def mark_seen(self, key: str) -> None:
        """The student has seen the outcome of a lesson."""
        self.seen.add(key)
        self._notify()

    def to_json(self) -> str:
        """The progress as JSON text (kept in the browser's session storage)."""
        return json.dumps({"predictions": self.predictions, "seen": sorted(self.seen)})

    def load_json(self, text: str) -> None:
        """Restore progress from :meth:`to_json` text; anything unknown is ignored."""
        try:
            data = json.loads(text or "{}")
        except ValueError:
            return
        if not isinstance(data, dict):
            return
        predictions = data.get("predictions", {})
        if isinstance(predictions, dict):
            for key, choice in predictions.items():
                lesson = LESSON_BY_KEY.get(key)
                if lesson and any(c.key == choice for c in lesson.choices):
                    self.predictions[key] = choice
        seen = data.get("seen", [])
        if isinstance(seen, list):
            self.seen |= {k for k in seen if k in LESSON_BY_KEY and k in self.predictions}
        self._notify()

    # runs -------------------------------------------------------------------
    def state(self, key: str) -> str:
        """``"ready"`` (runs done), ``"running"``, ``"error"`` or ``"idle"``."""
        if cached_runs(key) is not None:
            return "ready"
        job = self._jobs.get(key)
        if job is not None and job.running:
            return "running"
        return "error" if key in self._errors else "idle"

    def error(self, key: str) -> str:
        """The last error of a lesson's runs ("" = none)."""
        return self._errors.get(key, "")

    def waiting(self, key: str) -> bool:
        """True while a lesson's runs wait for a free worker (other sessions' work)."""
        job = self._jobs.get(key)
        return job is not None and job.running and job.waiting

    def progress(self, key: str) -> tuple[int, int]:
        """Runs done and needed for a lesson running now."""
        job = self._jobs.get(key)
        n = len(LESSON_BY_KEY[key].arms)
        return (job.done, job.total) if job is not None else (0, n)

    def run(self, key: str) -> None:
        """Start a lesson's runs in the background (nothing when done or running)."""
        with self._lock:
            if self.state(key) in ("ready", "running"):
                return
            self._errors.pop(key, None)
            self._jobs[key] = Job(lesson_tasks(key), on_update=lambda job: self._done(key, job))
        self._notify()

    def run_all(self) -> None:
        """Start every lesson not run yet (one background process at a time: a queue)."""
        self.handout_requested = True
        pending = [k for k in LESSON_BY_KEY if self.state(k) in ("idle", "error")]
        self._queue = pending[1:]
        if pending:
            self.run(pending[0])
        else:
            self._notify()

    def _done(self, key: str, job: Job) -> None:
        if job.state == "done":
            _keep(key, SEED, list(job.rows))
        elif job.state == "error":
            self._errors[key] = job.error
        if not job.running and self._queue:
            following, self._queue = self._queue[0], self._queue[1:]
            self.run(following)
        self._notify()

    def reading(self, key: str) -> Reading | None:
        """What a lesson's runs show, once they are done."""
        runs = cached_runs(key)
        return None if runs is None else read(key, runs)

    def close(self) -> None:
        """Stop every run (the browser session ended)."""
        self.on_update = None
        self._queue = []
        for job in list(self._jobs.values()):
            if job.running:
                job.cancel()

    def _notify(self) -> None:
        if self.on_update is not None:
            self.on_update()


# ----------------------------------------------------------------------------- handout
HANDOUT_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 46em; margin: 2em auto;
  padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.8em; border-top: 1px solid #bbb;
  padding-top: 0.8em; } h3 { font-size: 1.05em; margin-bottom: 0.2em; }
.terms dt { font-weight: bold; } .terms dd { margin: 0 0 0.3em 1.2em; }
.choices li { list-style: none; } .box { display: inline-block; width: 0.9em; height: 0.9em;
  border: 1px solid #333; margin-right: 0.5em; vertical-align: -0.1em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
td, th { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.answers { page-break-before: always; }
@media print { h2 { page-break-after: avoid; } }
"""


def handout_html(readings: Mapping[str, Reading]) -> str:
    """The class handout: the five lessons' questions, terms and choices to tick first, then
    what the model showed and why (one offline HTML page: no script, no outside file).

    Args:
        readings: Each lesson's :class:`Reading` (every lesson of :data:`LESSONS`).
    """
    esc = html.escape
    parts = [
        "<h1>Internal service culture: five lessons</h1>",
        "<p>Predict first, then look at what the simulation showed. Each lesson asks one "
        "question about how colleagues serve each other; tick the answer you expect before "
        "you turn to the second part. The simulation is servicechain, an agent-based model "
        "of an organization of 300 people and its customers; every run uses the same random "
        f"numbers (seed {SEED}), so the whole class sees the same results.</p>",
        "<h2>Part 1: predict</h2>",
    ]
    for i, lesson in enumerate(LESSONS, start=1):
        terms = "".join(f"<dt>{esc(t)}</dt><dd>{esc(d)}</dd>" for t, d in lesson.terms)
        choices = "".join(
            f"<li><span class='box'></span>{esc(c.text)}</li>" for c in lesson.choices
        )
        parts.append(
            f"<h3>{i}. {esc(lesson.title)}</h3><p>{esc(lesson.question)}</p>"
            f"<dl class='terms'>{terms}</dl><ul class='choices'>{choices}</ul>"
        )
    parts.append("<div class='answers'><h2>Part 2: what happened, and why</h2>")
    for i, lesson in enumerate(LESSONS, start=1):
        reading = readings[lesson.key]
        head = "".join(f"<th>{esc(h)}</th>" for h in reading.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in reading.table
        )
        parts.append(
            f"<h3>{i}. {esc(lesson.title)}</h3>"
            f"<p><b>The run.</b> {esc(lesson.setup)}</p>"
            f"<table><tr>{head}</tr>{body}</table>"
            f"<p><b>What happened.</b> {esc(reading.sentence)} "
            f"(The answer the run shows: “{esc(lesson.choice(reading.observed).text)}”.)</p>"
            f"<p><b>Why.</b> {esc(lesson.mechanism)}</p>"
        )
    parts.append("</div>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>servicechain: five lessons</title>"
        f"<style>{HANDOUT_CSS}</style></head><body>{''.join(parts)}</body></html>"
    )
