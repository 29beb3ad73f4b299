"""The schedule of one week: the ordered list of phases, written once.

:data:`PHASES` is data: each :class:`Phase` names the function that carries its rules, the
inputs it reads (by name) and the name its product is stored under. The model's ``step()`` walks
this list; the docs, the dashboard's explain panel and the tests read the same list, so the order
of a week is written in one place only.

Names a phase can read: ``state``, ``org``, ``params``, ``week`` (the 1-based week number),
``rng`` (the model's generator) and ``restructuring`` (what the structural events did to the
organization just before this week, :class:`sim.restructure.Restructuring`, or None), plus the
product of any earlier phase. Phases change the
state arrays in place and return what else they produce (``None`` when the state is all).
No phase loops over employees, customers or requests in Python: each is NumPy over arrays, and
the hot loops are compiled kernels (:mod:`sim.kernels`) that give the NumPy code's results bit
for bit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.phases.budget import review_budget
from sim.phases.capacity import Capacity, plan_capacity
from sim.phases.conditions import Conditions, set_conditions
from sim.phases.customers import CustomerOutcome, update_customers
from sim.phases.demand import Demand, draw_demand
from sim.phases.economics import Ledger, keep_books
from sim.phases.encounters import EncounterOutcome, serve_customers
from sim.phases.people import update_people
from sim.phases.requests import generate_requests
from sim.phases.service import ServiceOutcome, serve_requests
from sim.phases.weekly_kpis import compute_kpis
from sim.phases.workforce import WorkforceOutcome, turn_over
from sim.state import Requests

MODEL_INPUTS = ("state", "org", "params", "week", "rng", "restructuring")


@dataclass(frozen=True)
class Phase:
    """One phase of the week.

    Attributes:
        name: The name its product is stored under (``model.last_week.<name>``).
        title: Human title, e.g. ``"Internal service"``.
        function: The function that carries the phase's rules (its module docstring names the
            rules and their sources).
        reads: Names of the function's arguments, in order (see the module docstring); the
            function is called with them by keyword.
        summary: One sentence: what happens in this phase.
    """

    name: str
    title: str
    function: Callable[..., Any]
    reads: tuple[str, ...]
    summary: str

    @property
    def module(self) -> str:
        """The module that owns the phase's rules, e.g. ``sim.phases.service``."""
        return self.function.__module__

    def signature(self) -> str:
        """``function(reads...)``, e.g. for the docs."""
        return f"{self.function.__name__}({', '.join(self.reads)})"


PHASES: tuple[Phase, ...] = (
    Phase(
        "conditions",
        "Conditions",
        set_conditions,
        ("state", "org", "params", "week", "rng", "restructuring"),
        "The levers in force and this week's timeline events (surges, freezes, departures, "
        "layoffs of a restructuring).",
    ),
    Phase(
        "capacity",
        "Capacity",
        plan_capacity,
        ("state", "org", "params", "conditions"),
        "Discretionary effort follows morale; each person's hours, and how well they can work "
        "with the inputs they got.",
    ),
    Phase(
        "demand",
        "Demand",
        draw_demand,
        ("state", "org", "params", "conditions", "rng"),
        "Active customers come for a purchase or service occasion to their usual frontline "
        "employee.",
    ),
    Phase(
        "requests",
        "Request generation",
        generate_requests,
        ("state", "org", "params", "conditions", "demand", "rng"),
        "Employees ask their manager, their reports, other departments, and for the inputs "
        "their customer encounters need; some asks are avoidable.",
    ),
    Phase(
        "service",
        "Internal service",
        serve_requests,
        ("state", "org", "params", "conditions", "capacity", "demand", "requests", "rng"),
        "Providers serve requests in the culture's order until their hours and overtime run out, "
        "rushing under pressure; the rest waits or lapses.",
    ),
    Phase(
        "encounters",
        "Customer encounters",
        serve_customers,
        ("state", "org", "params", "conditions", "capacity", "demand", "service", "rng"),
        "The frontline serves who came while time allows; quality depends on the employee, their "
        "standard and the weakest internal input; satisfaction follows.",
    ),
    Phase(
        "people",
        "Employees update",
        update_people,
        ("state", "org", "params", "conditions", "service", "encounters", "rng"),
        "Morale, expectations, quality standards, mindset and skill move with service received, "
        "pressure, customers, job security and the team.",
    ),
    Phase(
        "workforce",
        "Workforce",
        turn_over,
        ("state", "org", "params", "conditions", "rng"),
        "Vacancies fill unless the budget is short; people quit as morale falls and pressure and "
        "insecurity rise; a deep shortfall brings layoffs.",
    ),
    Phase(
        "customers",
        "Customers update",
        update_customers,
        ("state", "org", "params", "conditions", "encounters", "rng"),
        "Customers churn as satisfaction falls, refer or warn others, complain to the "
        "frontline, and prospects are won.",
    ),
    Phase(
        "ledger",
        "Economics",
        keep_books,
        ("state", "org", "params", "conditions", "encounters", "workforce"),
        "Revenue from the encounters served; salaries, hiring and lever costs.",
    ),
    Phase(
        "budget",
        "Budget",
        review_budget,
        ("state", "params", "conditions", "ledger", "week"),
        "Revenue against plan: a shortfall brings job insecurity, hiring stops and layoffs.",
    ),
    Phase(
        "kpis",
        "KPIs",
        compute_kpis,
        (
            "state",
            "org",
            "params",
            "week",
            "conditions",
            "service",
            "encounters",
            "workforce",
            "customers",
            "ledger",
        ),
        "Every KPI of the week.",
    ),
)
PHASE_NAMES: tuple[str, ...] = tuple(p.name for p in PHASES)


@dataclass
class Week:
    """What one week produced, phase by phase (``model.last_week``).

    Attributes:
        number: Week number (0 = the initial state, before any phase ran).
        conditions .. kpis: The product of the phase of that name (None before it ran).
    """

    number: int
    conditions: Conditions | None = None
    capacity: Capacity | None = None
    demand: Demand | None = None
    requests: Requests | None = None
    service: ServiceOutcome | None = None
    encounters: EncounterOutcome | None = None
    people: None = None
    workforce: WorkforceOutcome | None = None
    customers: CustomerOutcome | None = None
    ledger: Ledger | None = None
    budget: None = None
    kpis: dict[str, float] | None = None


def run_week(week: Week, inputs: dict[str, Any]) -> Week:
    """Walk :data:`PHASES` in order, storing each product on ``week``.

    Args:
        week: The record to fill (``week.number`` is the 1-based week).
        inputs: The model's inputs by name: ``state``, ``org``, ``params``, ``rng`` and
            optionally ``restructuring`` (None when absent).
    """
    available = {"restructuring": None, **inputs, "week": week.number}
    for phase in PHASES:
        # By keyword: a phase whose reads and arguments disagree fails loudly, never mixes up
        # two inputs (tests/test_wiring.py also checks each signature against its reads).
        product = phase.function(**{name: available[name] for name in phase.reads})
        setattr(week, phase.name, product)
        available[phase.name] = product
    return week


__all__ = ["MODEL_INPUTS", "PHASES", "PHASE_NAMES", "Phase", "Week", "run_week"]
