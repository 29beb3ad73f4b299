"""The seat tree: the static structure of an organization, one row per seat.

:class:`Organization` is what every phase reads about who sits where: levels, managers,
departments, the frontline, salaries and the department dependency matrix. It is built either by
the generator in :mod:`sim.org` (a pyramid from a headcount, levels or span, and departments) or
from a client's org chart (:mod:`sim.orgchart`); both go through :func:`organization_arrays`, so
the derived arrays are the same however the tree was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from sim.params import ParameterError

# Every week the model tracks each person's inputs from every department (the weakest link), so
# a week's work and memory grow with seats x departments (about 35 ns of CPU per pair and week
# measured at 3,000 x 1,000). This bounds both: 100,000 people in 20 departments, 10,000 in 200,
# 2,000 in 1,000.
MAX_SEAT_DEPARTMENTS = 2_000_000


def check_scale(n_seats: int, n_depts: int, source: str) -> None:
    """Refuse an organization whose seats x departments exceed :data:`MAX_SEAT_DEPARTMENTS`.

    Args:
        n_seats: Seats (people, for a chart).
        n_depts: Departments.
        source: What the organization came from, for the message (a chart's path, ``org``).
    """
    if n_seats * n_depts > MAX_SEAT_DEPARTMENTS:
        raise ParameterError(
            f"{source}: {n_seats:,} people x {n_depts:,} departments = "
            f"{n_seats * n_depts:,} person-department pairs; at most {MAX_SEAT_DEPARTMENTS:,} "
            "(each week tracks every person's inputs from every department): merge small "
            "departments, e.g. map teams or cost centres to their departments"
        )


@dataclass(frozen=True)
class Organization:
    """The static structure: one row per seat. Built once; read by every phase.

    Attributes:
        n_seats: Number of seats.
        n_levels: Number of levels (0 = top).
        level: Level of each seat (0 = top).
        dept: Department index of each seat.
        manager: Seat index of each seat's manager (-1 for the top seat).
        frontline: True for bottom-level seats of customer-facing departments.
        is_manager: True for seats with at least one direct report.
        n_reports: Number of direct reports of each seat.
        salary_week: Weekly salary of each seat (currency/week).
        dept_names: Department names.
        customer_facing: Customer-facing flag per department.
        dependency: Expected weekly requests from a member of dept i to dept j (D x D).
        level_sizes: Seats per level, top first.
        dept_seats: For each department, the seat indices in it (sorted).
        dept_workers: For each department, the seats that receive its lateral requests: its
            non-managers (the people who do the work), or all its seats if it has none.
        seat_ids: For an organization read from a chart (:mod:`sim.orgchart`), the employee id
            (or pseudonym) in each seat; None for a generated organization.
        start_tenure: For a chart, each seat's tenure at the start in weeks (-1 = unknown,
            drawn); None for a generated organization.
        received_rating: With a survey (:mod:`sim.survey`), per department the mean rating
            (1-5, NaN = none) of the internal service it receives. None without a survey.
        given_rating: Likewise for the internal service each department gives; it sets the
            department's service conditions (:attr:`service_offset`).
        internal_hours: Per department, the multiplier on its people's hours for internal
            requests (``org.departments[i].internal_hours``; all 1 for a chart).
    """

    n_seats: int
    n_levels: int
    level: np.ndarray
    dept: np.ndarray
    manager: np.ndarray
    frontline: np.ndarray
    is_manager: np.ndarray
    n_reports: np.ndarray
    salary_week: np.ndarray
    dept_names: tuple[str, ...]
    customer_facing: np.ndarray
    dependency: np.ndarray
    level_sizes: tuple[int, ...]
    dept_seats: tuple[np.ndarray, ...]
    dept_workers: tuple[np.ndarray, ...]
    seat_ids: np.ndarray | None = None
    start_tenure: np.ndarray | None = None
    received_rating: np.ndarray | None = None
    given_rating: np.ndarray | None = None
    internal_hours: np.ndarray | None = None

    @property
    def n_depts(self) -> int:
        return len(self.dept_names)

    def service_offset(self, norm: float) -> np.ndarray:
        """Per seat, the quality its department's conditions add to the service it gives.

        A survey's rating of how well a department serves the others (1-5; 3 = as expected)
        reflects conditions that outlast the people in it (systems, processes, workload): the
        department's service quality is shifted by the rating's quality (1 -> 0, 3 -> ``norm``,
        5 -> 1) minus ``norm``. Zero for every seat without a survey, and for unrated
        departments.
        """
        if self.given_rating is None:
            return np.zeros(self.n_seats)
        from sim.survey import rating_quality

        return (rating_quality(self.given_rating, norm) - norm)[self.dept]

    @cached_property
    def has_manager(self) -> np.ndarray:
        """True for every seat but the top one."""
        return self.manager >= 0

    @cached_property
    def manager_safe(self) -> np.ndarray:
        """``manager`` with the top seat's -1 replaced by 0: safe to gather with, always used
        together with :attr:`has_manager` as a mask."""
        return np.where(self.has_manager, self.manager, 0)

    @cached_property
    def dept_worker_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``dept_workers`` flattened once: (count per department, start offset, seats).

        Built on first use and cached (the organization is static), so that drawing random
        workers of departments each week does not rebuild the concatenation.
        """
        counts = np.array([s.size for s in self.dept_workers])
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        return counts, starts, np.concatenate(self.dept_workers)

    def team_mean(self, values: np.ndarray, filled: np.ndarray) -> np.ndarray:
        """Per seat: the mean of ``values`` over its team's filled seats, itself excluded.

        A seat's team is its manager, its co-reports and its own direct reports (mood and norms
        spread both down and up a reporting line). Seats with no filled team member keep their
        own value.
        """
        n = self.n_seats
        has_mgr = self.has_manager
        mgr = self.manager_safe
        f = filled.astype(float)
        vf = values * f
        # Sums over direct reports, per manager seat.
        rep_sum = np.bincount(mgr[has_mgr], weights=vf[has_mgr], minlength=n)
        rep_cnt = np.bincount(mgr[has_mgr], weights=f[has_mgr], minlength=n)
        # Co-reports = the manager's reports minus oneself; plus the manager; plus own reports.
        total = rep_sum.copy()
        count = rep_cnt.copy()
        total += np.where(has_mgr, rep_sum[mgr] - vf + vf[mgr], 0.0)
        count += np.where(has_mgr, rep_cnt[mgr] - f + f[mgr], 0.0)
        return np.where(count > 0, total / np.maximum(count, 1e-9), values)

    @property
    def span(self) -> float:
        """Mean span of control (direct reports per manager)."""
        return float(self.n_reports[self.is_manager].mean())


def organization_arrays(
    level: np.ndarray, dept: np.ndarray, manager: np.ndarray, n_depts: int
) -> dict[str, object]:
    """The fields of an :class:`Organization` that follow from its tree and departments:
    ``n_reports``, ``is_manager``, ``level_sizes``, ``dept_seats`` and ``dept_workers``."""
    n_reports = np.bincount(manager[manager >= 0], minlength=level.size)
    is_manager = n_reports > 0
    # One stable sort, then a split per department: linear in seats + departments (a scan of
    # every seat per department would cost seats x departments).
    by_dept = np.argsort(dept, kind="stable")
    bounds = np.cumsum(np.bincount(dept, minlength=n_depts))[:-1]
    dept_seats = tuple(np.split(by_dept.astype(np.int64), bounds))
    dept_workers = tuple(s[~is_manager[s]] if (~is_manager[s]).any() else s for s in dept_seats)
    return {
        "n_reports": n_reports,
        "is_manager": is_manager,
        "level_sizes": tuple(int(s) for s in np.bincount(level)),
        "dept_seats": dept_seats,
        "dept_workers": dept_workers,
    }
