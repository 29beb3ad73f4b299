"""Generate the example client: an anonymous, made-up organization of about 400 people as an
HR system would export it, with its internal-service survey.

    python examples/client/make_client.py          # rewrites the three CSV files next to it

Writes, next to this script:

- ``chart.csv``: one row per person (employee_id, manager_id, department, frontline,
  tenure_weeks, salary_band, role, location), sorted by employee id as HR exports usually are
  (so managers often come after their reports).
- ``survey.csv``: the mean answer (1-5, one decimal) of each department's people to "how well
  does X serve us?"; empty where a department has no dealings with X.
- ``dependency.csv``: how much each department's work depends on each other department (0-5).

The organization is a home-services company: field technicians, a contact centre and sales face
customers; operations (planning, dispatch, parts), finance and HR, and IT work behind them. Spans
are irregular (a contact-centre supervisor has 6-12 agents, a field area manager 5-11
technicians, the chief executive's chief of staff four people), and operations has a long
chain of command: seven levels from its director down to a planner, where every other
department has three or four.

Nothing here is real: people, ids, tenures, salaries and answers are drawn from ``SEED`` with
NumPy's generator, so the files are the same on every machine; a test checks that the shipped
files are exactly what this script writes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SEED = 20261115
HERE = Path(__file__).resolve().parent
# Annual salary band midpoints (currency/year) by role.
BANDS = {
    "chief executive": 240_000,
    "director": 135_000,
    "head": 105_000,
    "senior manager": 84_000,
    "manager": 68_000,
    "deputy manager": 60_000,
    "team leader": 52_000,
    "supervisor": 49_000,
    "specialist": 54_000,
    "assistant": 38_000,
    "technician": 43_000,
    "agent": 34_000,
    "account executive": 47_000,
    "planner": 44_000,
    "analyst": 50_000,
    "engineer": 58_000,
}
DEPARTMENTS = (
    "contact_centre",
    "executive",
    "field_service",
    "finance_hr",
    "it",
    "operations",
    "sales",
)
NA = float("nan")
# Mean answer of the row department to "how well does the column department serve us?" (1-5);
# NA where the row department has no dealings with the column department. Rows and columns in
# DEPARTMENTS order. The story: the frontline finds operations slow (its long chain approves
# everything), IT is stretched, the executive team is distant; departments rate themselves best.
TRUE_RATINGS = np.array(
    [
        # cc   exec field  fin   it   ops  sales
        [3.9, 2.4, 2.9, 3.2, 2.5, 2.2, 3.1],  # contact_centre
        [3.3, 4.2, 3.4, 3.8, 3.0, 3.1, 3.6],  # executive
        [2.8, 2.3, 3.8, 3.0, 2.7, 2.0, 3.0],  # field_service
        [3.2, 3.0, 2.9, 3.9, 3.1, 2.8, 2.7],  # finance_hr
        [3.0, 2.7, 3.1, 3.3, 4.0, 2.9, NA],  # it
        [3.0, 2.9, 3.2, 3.1, 2.8, 3.4, 2.9],  # operations
        [3.4, 2.8, 3.3, 2.6, 2.9, 2.4, 3.8],  # sales
    ]
)
# How much the row department's work depends on the column department (0 none - 5 critically).
DEPENDENCY = np.array(
    [
        # cc  exec field fin  it  ops sales
        [2, 0, 4, 1, 2.5, 4, 1],  # contact_centre
        [1, 2, 1, 3, 1, 2, 1],  # executive
        [3, 0, 2, 1, 1.5, 4, 0.5],  # field_service
        [1, 0.5, 1, 2, 1.5, 1, 0.5],  # finance_hr
        [1, 0, 1, 1, 2, 1, 0],  # it
        [2, 0.5, 3, 1.5, 2, 3, 0.5],  # operations
        [2, 0, 2, 2, 1, 2.5, 1],  # sales
    ]
)


@dataclass
class Person:
    """One row of the chart while it is being built (``key`` is a temporary index)."""

    key: int
    manager: int | None
    department: str
    role: str
    frontline: bool
    location: str
    reports: list[int] = field(default_factory=list)


class Builder:
    """Grows the organization top down, one person at a time, with the seeded generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.people: list[Person] = []

    def add(
        self,
        manager: int | None,
        department: str,
        role: str,
        frontline: bool = False,
        location: str = "head_office",
    ) -> int:
        key = len(self.people)
        self.people.append(Person(key, manager, department, role, frontline, location))
        if manager is not None:
            self.people[manager].reports.append(key)
        return key

    def team(
        self,
        manager: int,
        department: str,
        role: str,
        low: int,
        high: int,
        frontline: bool = False,
        location: str = "head_office",
    ) -> list[int]:
        """A team of ``low``-``high`` (inclusive, drawn) people under ``manager``."""
        size = int(self.rng.integers(low, high + 1))
        return [self.add(manager, department, role, frontline, location) for _ in range(size)]


def build(rng: np.random.Generator) -> list[Person]:
    """The organization, department by department."""
    b = Builder(rng)
    ceo = b.add(None, "executive", "chief executive")
    chief_of_staff = b.add(ceo, "executive", "senior manager")
    for role in ("assistant", "assistant", "specialist", "analyst"):  # office, comms, strategy
        b.add(chief_of_staff, "executive", role)

    # Field service: regions -> areas -> technicians (frontline), irregular spans.
    head = b.add(ceo, "field_service", "director")
    for region, n_areas in (("north", 5), ("south", 5), ("east", 4)):
        regional = b.add(head, "field_service", "senior manager", location=region)
        for _ in range(n_areas):
            area = b.add(regional, "field_service", "manager", location=region)
            b.team(area, "field_service", "technician", 5, 11, frontline=True, location=region)
    b.team(head, "field_service", "analyst", 1, 2)

    # Contact centre: two sites, supervisors with wide spans of agents (frontline).
    head = b.add(ceo, "contact_centre", "head")
    for site, n_supervisors in (("site_a", 5), ("site_b", 4)):
        centre = b.add(head, "contact_centre", "manager", location=site)
        for _ in range(n_supervisors):
            sup = b.add(centre, "contact_centre", "supervisor", location=site)
            b.team(sup, "contact_centre", "agent", 6, 12, frontline=True, location=site)
        b.add(centre, "contact_centre", "analyst", location=site)  # workforce planning

    # Sales: account executives (frontline) under five managers; one sales analyst.
    head = b.add(ceo, "sales", "director")
    for _ in range(5):
        mgr = b.add(head, "sales", "manager")
        b.team(mgr, "sales", "account executive", 4, 9, frontline=True)
    b.add(head, "sales", "analyst")

    # Operations: the long chain. Each rung has one deputy in the chain and a few side reports.
    chain = ("director", "head", "senior manager", "manager", "deputy manager", "team leader")
    rungs = []
    boss = ceo
    for rung, role in enumerate(chain):
        boss = b.add(boss, "operations", role)
        rungs.append(boss)
        if rung >= 2:
            b.team(boss, "operations", "planner", 2, 4)
    leads = [boss, b.add(rungs[-2], "operations", "team leader")]
    for lead in leads:
        b.team(lead, "operations", "planner", 8, 12)
    parts = b.add(rungs[-2], "operations", "manager")  # parts and logistics
    b.team(parts, "operations", "planner", 5, 8, location="warehouse")
    dispatch = b.add(rungs[2], "operations", "team leader")  # same-day dispatch
    b.team(dispatch, "operations", "planner", 8, 12)

    # Finance and HR.
    head = b.add(ceo, "finance_hr", "director")
    for low, high in ((8, 11), (5, 8)):
        mgr = b.add(head, "finance_hr", "manager")
        b.team(mgr, "finance_hr", "specialist", low, high)
    b.team(head, "finance_hr", "assistant", 1, 2)

    # IT: development, infrastructure and a service desk.
    head = b.add(ceo, "it", "director")
    for low, high in ((9, 12), (6, 9)):
        mgr = b.add(head, "it", "manager")
        b.team(mgr, "it", "engineer", low, high)
    desk = b.add(head, "it", "team leader")
    b.team(desk, "it", "specialist", 4, 6)
    return b.people


def chart_rows(people: list[Person], rng: np.random.Generator) -> list[list[str]]:
    """CSV rows of the chart, sorted by employee id."""
    ids = rng.choice(np.arange(10_000, 99_999), size=len(people), replace=False)
    ident = {p.key: f"P{ids[p.key]:05d}" for p in people}
    # Tenure: long for managers, shorter and more varied for frontline roles; some unknown.
    tenure = rng.lognormal(np.log(220), 0.9, size=len(people))
    senior = np.array([bool(p.reports) for p in people])
    tenure = np.where(senior, tenure * 1.8, tenure)
    unknown = rng.random(len(people)) < 0.06
    rows = []
    for p in people:
        t = "" if unknown[p.key] else str(int(min(tenure[p.key], 2000)))
        rows.append(
            [
                ident[p.key],
                "" if p.manager is None else ident[p.manager],
                p.department,
                "true" if p.frontline else "false",
                t,
                str(BANDS[p.role]),
                p.role,
                p.location,
            ]
        )
    return sorted(rows)


def survey_rows(people: list[Person], rng: np.random.Generator) -> list[list[str]]:
    """The ratings table: each cell the mean of the department's people's 1-5 answers."""
    rows = [["department", *DEPARTMENTS]]
    for i, row in enumerate(DEPARTMENTS):
        respondents = min(sum(p.department == row for p in people), 40)
        cells = [row]
        for mean in TRUE_RATINGS[i]:
            if np.isnan(mean):
                cells.append("")
                continue
            answers = np.clip(np.rint(rng.normal(mean, 0.9, respondents)), 1, 5)
            cells.append(f"{answers.mean():.1f}")
        rows.append(cells)
    return rows


def dependency_rows() -> list[list[str]]:
    """The dependency table (the row department depends on the column department, 0-5)."""
    rows = [["department", *DEPARTMENTS]]
    for i, row in enumerate(DEPARTMENTS):
        rows.append([row, *(f"{w:g}" for w in DEPENDENCY[i])])
    return rows


def to_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


CHART_HEADER = [
    "employee_id",
    "manager_id",
    "department",
    "frontline",
    "tenure_weeks",
    "salary_band",
    "role",
    "location",
]


def generate() -> dict[str, str]:
    """The three files' text by file name (the same on every call)."""
    rng = np.random.default_rng(SEED)
    people = build(rng)
    return {
        "chart.csv": to_csv([CHART_HEADER, *chart_rows(people, rng)]),
        "survey.csv": to_csv(survey_rows(people, rng)),
        "dependency.csv": to_csv(dependency_rows()),
    }


def main() -> None:
    for name, text in generate().items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"wrote {HERE / name} ({text.count(chr(10)) - 1} rows)")


if __name__ == "__main__":
    main()
