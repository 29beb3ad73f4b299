"""Org-chart import: a client's own organization from an HR export, one row per person.

Use it with ``[org] chart = "chart.csv"`` in a scenario (the path is relative to the scenario
file) or ``--set org.chart=FILE`` on any command. The chart is the organization: its people are
the seats, its reporting lines the teams and levels, its departments and frontline flags the
departments and the frontline. ``org.headcount``, ``org.levels``, ``org.span``,
``org.departments`` and ``org.dependency`` describe *generated* organizations and are not used.

Columns (a header row; any order; names exactly as here):

============== ======== ==================================================================
column         needed   meaning
============== ======== ==================================================================
employee_id    yes      any unique text (no names needed; see ``org.hash_ids``)
manager_id     yes      the employee_id of the person's manager; empty for the one person at
                        the top
department     yes      department name (text); every person has one
frontline      yes      true/false (also yes/no, 1/0): serves external customers
tenure_weeks   no       weeks in the job (0-3120); empty = unknown (drawn as for a generated
                        organization). Seeds the starting skill through the learning curve.
salary_band    no       annual salary in currency (e.g. the band's midpoint); empty = the
                        level rule below
role           no       free text, read and ignored by the model
location       no       free text, read and ignored by the model
============== ======== ==================================================================

Rules a chart must meet (each broken rule is an error naming the row, as a spreadsheet numbers
it with the header as row 1, and the employee_id): UTF-8 text; the four required columns and no
unknown ones; unique, non-empty employee ids; a department for everyone; frontline true or
false; **exactly one person without a manager** (the top; a chart with several heads, e.g. a
board, needs one of them, or a placeholder for the board, as everyone's top); every manager_id
an employee_id of the chart; no reporting cycles; at least one frontline person; 2 to 100,000
people and at most 100 levels.

What the model gets (an :class:`~sim.org.Organization` of the same shape as a generated one):

- **Seats** = people. Level = the number of managers above a person (the top is level 0), so the
  number of levels is the chart's depth. Seats are ordered by level, then department, then
  manager, then file row, so teams are contiguous like a generated pyramid's.
- **Departments**: the chart's department names, sorted alphabetically (this is the order of
  every matrix). A department is customer-facing when anyone in it is frontline.
- **Frontline**: the people marked frontline, at whatever level they sit. A frontline person
  with reports keeps a manager's share of hours for internal service.
- **Dependency matrix**: from ``org.survey_weights`` if given (see :mod:`sim.survey`), else
  :func:`sim.survey.dependency_by_kind`: the reference organization's pattern between
  customer-facing and back-office departments, in proportion to each department's headcount.
- **Salaries**: ``salary_band`` where given; else ``org.salary_by_level`` (one per level, top
  first) if set; else ``economics.salary_base`` x ``economics.salary_level_ratio`` ^ h, where
  h is the number of management rungs below the person (0 for someone without reports, 1 for
  their manager, ...). In a regular pyramid this is the generated organization's level rule;
  in an irregular chart it pays the front line of a short department and of a deep one alike.
- **Start**: tenure where known (skill then follows the learning curve as for a generated
  organization); the survey's ratings set the service people remember (:mod:`sim.survey`).

Privacy: the model keeps no names and no other columns than those above. With
``org.hash_ids = true`` the employee ids are replaced by pseudonyms when the chart is read: a
keyed BLAKE2b hash whose key is a hash of the whole file, so the same file always gives the same
pseudonyms, but an id cannot be recovered from its pseudonym without the file itself. Error
messages show ids as written in the file, so that the file can be fixed. Outputs are aggregates;
``model.seat_table()`` adds the (pseudonymous) ids per seat only when asked for.
"""

from __future__ import annotations

import difflib
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from sim.csvtable import Table, TableError, examples, read_table
from sim.params import MAX_DEPARTMENTS, OrgParams, ParameterError
from sim.seats import check_scale

REQUIRED_COLUMNS = ("employee_id", "manager_id", "department", "frontline")
OPTIONAL_COLUMNS = ("tenure_weeks", "salary_band", "role", "location")
MIN_PEOPLE = 2
MAX_PEOPLE = 100_000  # the schema's bound on org.headcount
MAX_LEVELS = 100  # far deeper than any organization: a deeper chart is a data error
MAX_TENURE_WEEKS = 3120  # 60 years
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f"})


class ChartError(TableError):
    """An org chart is invalid. The message names the file, the row and the employee id."""


@dataclass(frozen=True)
class Chart:
    """A validated org chart, one entry per person in file order (arrays are read-only).

    Attributes:
        path: The file read.
        ids: Employee ids as text (pseudonyms when read with ``hash_ids``).
        manager: Row index of each person's manager (-1 for the top).
        level: Managers above each person (0 = the top).
        departments: Department names, sorted.
        dept: Department index of each person.
        frontline: True for people who serve external customers.
        tenure: Weeks in the job (-1 = unknown).
        salary: Annual salary from ``salary_band`` (NaN = not given).
        rows: Spreadsheet row number of each person (the header is row 1).
    """

    path: Path
    ids: np.ndarray
    manager: np.ndarray
    level: np.ndarray
    departments: tuple[str, ...]
    dept: np.ndarray
    frontline: np.ndarray
    tenure: np.ndarray
    salary: np.ndarray
    rows: np.ndarray

    @property
    def n_people(self) -> int:
        return int(self.ids.size)

    @property
    def n_levels(self) -> int:
        return int(self.level.max()) + 1


class _Problems:
    """Collects one line per broken rule, then raises them together (a person fixes all)."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.lines: list[str] = []

    def who(self, index: int, detail: str = "") -> str:
        """``row N (employee_id 'X', detail)`` for data row ``index``."""
        ident = self.table.columns["employee_id"][index]
        parts = [f"employee_id '{ident}'"] if ident else []
        parts += [detail] if detail else []
        return f"row {self.table.row(index)}" + (f" ({', '.join(parts)})" if parts else "")

    def rows_rule(
        self, mask: np.ndarray, what: str, detail: Callable[[int], str] | None = None
    ) -> None:
        """Add a line for the rows where ``mask`` holds: the first few, then how many more.

        ``detail(i)`` says what is wrong on row ``i`` (e.g. the value found).
        """
        bad = np.flatnonzero(mask)
        if bad.size:
            shown = [self.who(int(i), detail(int(i)) if detail else "") for i in bad[:3]]
            self.lines.append(f"{examples(shown, int(bad.size))}: {what}")

    def add(self, line: str) -> None:
        self.lines.append(line)

    def raise_if_any(self) -> None:
        if not self.lines:
            return
        path = self.table.path
        if len(self.lines) == 1:
            raise ChartError(f"{path}: {self.lines[0]}")
        raise ChartError(f"{path}: {len(self.lines)} problems:\n  - " + "\n  - ".join(self.lines))


def _check_columns(table: Table) -> None:
    """The header: the required columns, no unknown ones.

    The header's own names are quoted (with a "did you mean") only when it has at least two of
    the required columns, so that the file is evidently an org chart with a typo. Any other file
    is described by its shape alone: an error never prints a line of a file that is not a chart
    (a scenario or a ``--set`` pointing at ``/etc/passwd`` learns nothing from the message).
    """
    allowed = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    present = [name for name in REQUIRED_COLUMNS if name in table.header]
    unknown = [name for name in table.header if name not in allowed]
    if not unknown and len(present) == len(REQUIRED_COLUMNS):
        return
    rule = (
        f"Required columns: {', '.join(REQUIRED_COLUMNS)}; optional: "
        f"{', '.join(OPTIONAL_COLUMNS)} (no names or other personal data are needed)"
    )
    if len(present) < 2:
        found = f"only {present[0]}" if present else "none of them"
        raise ChartError(
            f"{table.path}: not an org chart: its first row (the header) has "
            f"{len(table.header)} column(s) and {found} of the required ones. {rule}"
        )
    lines = []
    for name in unknown:
        close = difflib.get_close_matches(name.lower(), allowed, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        lines.append(f"unknown column '{name}'{hint}")
    for name in REQUIRED_COLUMNS:
        if name not in table.header:
            lines.append(f"missing column '{name}'")
    raise ChartError(
        f"{table.path}: {'; '.join(lines)}. The header (row 1) has: {', '.join(table.header)}. "
        + rule
    )


def _parse_numbers(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cells as floats (NaN where empty) and a mask of non-empty cells that are not numbers."""
    values = pd.to_numeric(pd.Series(cells, dtype=object).replace("", np.nan), errors="coerce")
    values = values.to_numpy(dtype=float)
    return values, np.isnan(values) & (cells != "")


def _levels(manager: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Levels by pointer jumping (O(n log depth), vectorized) and who never reaches the top.

    Each pass doubles how far every person's known ancestor reaches; a person whose chain has
    not reached the top after enough passes for the longest possible chain is in a cycle or
    reports into one.
    """
    n = manager.size
    top = np.flatnonzero(manager < 0)
    anc = np.where(manager < 0, np.arange(n), manager)
    dist = (manager >= 0).astype(np.int64)
    for _ in range(max(1, math.ceil(math.log2(n))) + 1):
        dist = dist + dist[anc]
        anc = anc[anc]
    return dist, ~np.isin(anc, top)


def _cycle_text(table: Table, manager: np.ndarray, start: int) -> str:
    """The reporting cycle reached from row ``start``, as ``'A' (row 3) -> 'B' (row 7) -> 'A'``."""
    seen: dict[int, int] = {}
    path: list[int] = []
    i = start
    while i not in seen:  # error path only: walks one chain, at most once per person
        seen[i] = len(path)
        path.append(i)
        i = int(manager[i])
    cycle = path[seen[i] :]
    ids = table.columns["employee_id"]
    steps = [f"'{ids[k]}' (row {table.row(k)})" for k in cycle[:6]]
    if len(cycle) > 6:
        steps.append(f"... {len(cycle) - 6} more")
    return " -> ".join([*steps, f"'{ids[cycle[0]]}'"])


def _pseudonyms(ids: np.ndarray, data: bytes) -> np.ndarray:
    """Keyed BLAKE2b pseudonyms (16 hex digits); the key is a hash of the whole file."""
    key = hashlib.blake2b(data, digest_size=32).digest()
    return np.array(
        [hashlib.blake2b(i.encode(), key=key, digest_size=8).hexdigest() for i in ids],
        dtype=object,
    )


def validate_chart(table: Table, hash_ids: bool = False) -> Chart:
    """Check every rule of a chart table and return the :class:`Chart` (see the module doc).

    Raises:
        ChartError: one line per broken rule, each naming the rows and employee ids.
    """
    _check_columns(table)
    path = table.path
    n = table.n_rows
    if n < MIN_PEOPLE or n > MAX_PEOPLE:
        raise ChartError(
            f"{path}: {n:,} people; a chart has {MIN_PEOPLE} to {MAX_PEOPLE:,} (one row each)"
        )
    col = table.columns
    ids, mgr_ids, dept_names = col["employee_id"], col["manager_id"], col["department"]
    problems = _Problems(table)

    # Row by row: values a person typed.
    problems.rows_rule(ids == "", "employee_id is empty; every person needs a unique id")
    codes, uniques = pd.factorize(ids)
    first = np.full(len(uniques), n, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(n))
    dup = (first[codes] != np.arange(n)) & (ids != "")
    problems.rows_rule(
        dup,
        "duplicate employee_id; each person appears once",
        lambda i: f"also on row {table.row(int(first[codes[i]]))}",
    )
    problems.rows_rule(dept_names == "", "department is empty; every person has a department")
    front_text = np.array([c.lower() for c in col["frontline"]], dtype=object)
    is_true = np.isin(front_text, list(TRUE_WORDS))
    bad_bool = ~is_true & ~np.isin(front_text, list(FALSE_WORDS))
    problems.rows_rule(
        bad_bool,
        "frontline must be true or false (also yes/no, 1/0)",
        lambda i: f"frontline {col['frontline'][i]!r}",
    )
    tenure = np.full(n, -1, dtype=np.int32)
    if "tenure_weeks" in col:
        values, bad = _parse_numbers(col["tenure_weeks"])
        bad |= ~np.isnan(values) & ((values < 0) | (values > MAX_TENURE_WEEKS))
        problems.rows_rule(
            bad,
            f"tenure_weeks takes a number of weeks from 0 to {MAX_TENURE_WEEKS} "
            "(or empty for unknown)",
            lambda i: f"tenure_weeks {col['tenure_weeks'][i]!r}",
        )
        tenure = np.where(np.isnan(values) | bad, -1, np.nan_to_num(values)).astype(np.int32)
    salary = np.full(n, np.nan)
    if "salary_band" in col:
        salary, bad = _parse_numbers(col["salary_band"])
        bad |= ~np.isnan(salary) & ((salary < 0) | ~np.isfinite(salary))
        problems.rows_rule(
            bad,
            "salary_band takes an annual salary in currency, e.g. the band's midpoint "
            "(or empty for the level rule)",
            lambda i: f"salary_band {col['salary_band'][i]!r}",
        )
    problems.raise_if_any()

    # Reporting lines: who reports to whom.
    is_top = mgr_ids == ""
    code = pd.Index(uniques).get_indexer(mgr_ids)
    unknown = ~is_top & (code < 0)
    manager = np.where(is_top | unknown, -1, first[np.maximum(code, 0)])
    problems.rows_rule(
        unknown,
        "manager_id is not the employee_id of anyone in the chart",
        lambda i: f"manager_id '{mgr_ids[i]}'",
    )
    tops = np.flatnonzero(is_top)
    if tops.size != 1:
        listed = examples([problems.who(int(i)) for i in tops[:3]], int(tops.size))
        problems.add(
            (
                f"{tops.size} people have no manager_id: {listed}"
                if tops.size
                else "no one has an empty manager_id"
            )
            + "; the rule is exactly one person without a manager, the top of the "
            "organization: give everyone else their manager's id (for a board or several "
            "heads, add one row for the top they report to)"
        )
    problems.raise_if_any()
    selfish = manager == np.arange(n)
    problems.rows_rule(selfish, "reports to themselves (manager_id = employee_id)")
    problems.raise_if_any()
    level, stuck = _levels(manager)
    if stuck.any():
        first_stuck = int(np.flatnonzero(stuck)[0])
        top_id = col["employee_id"][int(tops[0])]
        problems.add(
            f"reporting cycle: {_cycle_text(table, manager, first_stuck)}. Every chain of "
            f"managers must end at the top, '{top_id}' (row {table.row(int(tops[0]))}); "
            f"{int(stuck.sum())} people's chains do not"
        )
        problems.raise_if_any()
    if level.max() + 1 > MAX_LEVELS:
        deepest = int(np.argmax(level))
        raise ChartError(
            f"{path}: {problems.who(deepest)} is {int(level[deepest])} managers below the top; "
            f"at most {MAX_LEVELS} levels are supported. Check manager_id (does each row "
            "report to the row before it?)"
        )

    # The organization as a whole.
    frontline = is_true
    if not frontline.any():
        raise ChartError(
            f"{path}: no one has frontline = true; at least one person must serve external "
            "customers (the model's customers are served by the frontline)"
        )
    departments, dept = np.unique(dept_names.astype(str), return_inverse=True)
    if departments.size > MAX_DEPARTMENTS:
        raise ChartError(
            f"{path}: {departments.size:,} departments; a chart may have at most "
            f"{MAX_DEPARTMENTS:,} (the model keeps a department x department dependency "
            "matrix): map teams or cost centres to their departments first"
        )
    try:
        check_scale(n, int(departments.size), str(path))
    except ParameterError as err:
        raise ChartError(str(err)) from None
    out_ids = _pseudonyms(ids, table.data) if hash_ids else ids.copy()
    arrays = dict(
        ids=out_ids,
        manager=manager.astype(np.int64),
        level=level.astype(np.int64),
        dept=dept.astype(np.int16),
        frontline=frontline,
        tenure=tenure,
        salary=salary.astype(float),
        rows=table.rows.copy(),
    )
    for a in arrays.values():
        a.setflags(write=False)
    return Chart(path=path, departments=tuple(str(d) for d in departments), **arrays)


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, size: int, hash_ids: bool) -> Chart:
    del mtime_ns, size  # part of the cache key only: an edited file is read again
    try:
        table = read_table(path, "org chart", key_column="employee_id")
    except ChartError:
        raise
    except TableError as err:
        raise ChartError(str(err)) from None
    return validate_chart(table, hash_ids)


def load_chart(path: str | Path, hash_ids: bool = False) -> Chart:
    """Read and validate an org chart (cached while the file is unchanged).

    A scenario is loaded once to check it and again for every replication; the cache keeps a
    100,000-row chart from being parsed each time.

    Raises:
        ChartError: the file is missing, unreadable or breaks a rule (see the module doc).
    """
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return _load(str(p), -1, -1, hash_ids)  # raises "file not found" with the path
    return _load(str(p.resolve()), st.st_mtime_ns, st.st_size, hash_ids)


def seat_order(chart: Chart) -> np.ndarray:
    """Rows of the chart in seat order: by level, then department, manager's seat, file row.

    Levels are placed top down, so each manager's seat is known before their reports are
    ordered; teams come out contiguous and in their managers' order, as in a generated pyramid.
    One vectorized sort per level (no loop per person).
    """
    n = chart.n_people
    seat_of_row = np.empty(n, dtype=np.int64)
    by_level = np.argsort(chart.level, kind="stable")
    sizes = np.bincount(chart.level)
    order = np.empty(n, dtype=np.int64)
    start = 0
    for size in sizes:
        rows = by_level[start : start + size]
        mgr = chart.manager[rows]
        mgr_seat = np.where(mgr >= 0, seat_of_row[np.maximum(mgr, 0)], -1)
        rows = rows[np.lexsort((rows, mgr_seat, chart.dept[rows]))]
        order[start : start + size] = rows
        seat_of_row[rows] = np.arange(start, start + size)
        start += size
    return order


def rungs_below(manager: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Management rungs below each seat: 0 without reports, else 1 + the most among its reports.

    Computed level by level from the bottom (one vectorized step per level).
    """
    height = np.zeros(manager.size, dtype=np.int64)
    for lv in range(int(level.max()), 0, -1):
        seats = np.flatnonzero(level == lv)
        np.maximum.at(height, manager[seats], height[seats] + 1)
    return height


def organization_from_chart(org: OrgParams, salary_base: float, salary_ratio: float):
    """Build the :class:`~sim.org.Organization` of ``org.chart`` (see the module doc).

    Args:
        org: Organization parameters; ``chart``, ``hash_ids``, ``salary_by_level``, ``survey``
            and ``survey_weights`` are used.
        salary_base: Annual salary of someone without reports when no band is given.
        salary_ratio: Salary multiplier per management rung.

    Raises:
        ChartError: the chart breaks a rule.
        sim.params.ParameterError: ``org.salary_by_level`` does not match the chart's depth, or
            a survey table is invalid.
    """
    from sim.params import ParameterError
    from sim.seats import Organization, organization_arrays
    from sim.survey import apply_survey, dependency_by_kind

    assert org.chart is not None
    chart = load_chart(org.chart, org.hash_ids)
    order = seat_order(chart)
    seat_of_row = np.empty(chart.n_people, dtype=np.int64)
    seat_of_row[order] = np.arange(chart.n_people)
    mgr_row = chart.manager[order]
    manager = np.where(mgr_row >= 0, seat_of_row[np.maximum(mgr_row, 0)], -1)
    level = chart.level[order]
    dept = chart.dept[order].astype(np.int16)
    frontline = chart.frontline[order].copy()
    n_levels = int(level.max()) + 1
    n_depts = len(chart.departments)

    if org.salary_by_level is not None:
        if len(org.salary_by_level) != n_levels:
            raise ParameterError(
                f"org.salary_by_level has {len(org.salary_by_level)} values but the chart "
                f"{chart.path} has {n_levels} levels; give one per level, top first"
            )
        annual = np.asarray(org.salary_by_level, dtype=float)[level]
    else:
        annual = salary_base * salary_ratio ** rungs_below(manager, level).astype(float)
    band = chart.salary[order]
    annual = np.where(np.isnan(band), annual, band)

    counts = np.bincount(dept, minlength=n_depts)
    customer_facing = np.bincount(dept, weights=frontline, minlength=n_depts) > 0
    effect = apply_survey(
        org, chart.departments, counts, dependency_by_kind(counts, customer_facing)
    )
    parts = organization_arrays(level.astype(np.int16), dept, manager, n_depts)
    return Organization(
        n_seats=chart.n_people,
        n_levels=n_levels,
        level=level.astype(np.int16),
        dept=dept,
        manager=manager,
        frontline=frontline,
        salary_week=annual / 52.0,
        dept_names=chart.departments,
        customer_facing=customer_facing,
        dependency=effect.dependency,
        seat_ids=chart.ids[order],
        start_tenure=chart.tenure[order].copy(),
        received_rating=effect.received_rating,
        given_rating=effect.given_rating,
        internal_hours=np.ones(n_depts),
        **parts,
    )
