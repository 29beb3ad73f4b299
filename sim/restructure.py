"""Restructuring: the seat tree changes mid-run, and the state follows it.

The structural events of the schema (``delayer``, ``respan``, ``growth``, ``downsize``,
``centralize``, ``merger``; :mod:`sim.params.events`) change the organization itself. They act
**between weeks**: before week ``w``'s phases, the model (``ServiceCultureModel.step``) calls
:func:`restructure` with the events of week ``w``, swaps in the organization it returns, and
passes what happened (:class:`Restructuring`) to the conditions phase, which counts the people
who lost their jobs as layoffs. Every phase of week ``w`` so sees one organization.

One engine serves every event. An event edits a :class:`Draft` of the seat tree (seats kept,
removed, added; managers, departments, frontline flags, salaries) and :func:`finish` turns the
draft into the new :class:`~sim.seats.Organization` and remaps the state:

- **The tree.** A removed seat's reports move to its nearest surviving manager up the line; the
  levels are recomputed as depths from the top, so no seat is ever orphaned; seats are ordered
  by level, department, manager and former order (teams stay contiguous, as in a generated
  pyramid), and the derived arrays come from :func:`~sim.seats.organization_arrays`.
- **People.** Those whose seats are removed with ``people = "leave"`` (delayer, respan) or cut
  (downsize) leave through :func:`sim.vacancies.depart`, the one home of departures, and count
  as layoffs this week (``Conditions.laid_off``), so the survivors' reaction to layoffs applies
  to them as to any layoff. With ``people = "move"`` the seat is kept and its occupant becomes an
  individual contributor in the team above.
- **Per-seat state.** Every per-seat array of :class:`~sim.state.State` (whatever its name: the
  arrays are found by their length, so a field added later is remapped too) follows its seat. A
  new seat copies the seat it was modelled on (a sibling: its unit's local conditions, its
  pay) and opens as a **vacancy** with the usual time-to-fill (:func:`sim.vacancies.vacate`):
  the workforce phase hires into it from the pool, so growth brings the hiring pool's mindset in
  through the model's own hiring rule. Arrays whose columns are departments
  (:data:`DEPARTMENT_COLUMNS`) have their columns remapped too.
- **Customers** of a removed frontline seat (or of a seat no longer on the frontline) move to a
  random frontline seat of the same department (any frontline seat if the department has none
  left): the organization reassigns them; their satisfaction goes with them.
- **Waiting requests.** Requests *from* a removed seat are dropped (nobody waits for them any
  more); requests *to* a removed seat fall to its nearest surviving manager, who takes over the
  seat's duties (the model's rule for a vacant provider); their direction and age are kept.

The rules of each event are in its function's docstring, with sources. Restructuring is rare (a
few weeks of a run), so it may use a handful of NumPy passes per level or department; it never
loops over seats in Python, and a 100,000-seat organization restructures in well under a second.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace

import numpy as np

from sim.org import build_organization, level_sizes
from sim.params import (
    Centralize,
    Delayer,
    Downsize,
    Growth,
    Merger,
    ParameterError,
    Params,
    Respan,
    StructuralEvent,
)
from sim.seats import Organization, organization_arrays
from sim.state import Requests, State
from sim.vacancies import depart, mean_time_to_fill, vacate

# The schema's largest organization (``org.headcount``): growth and mergers stay within it.
HEADCOUNT_CAP = 100_000

# State arrays whose columns are departments (plus the manager, last): remapped by department.
DEPARTMENT_COLUMNS = ("input_supply",)

# What a new seat holds before its first hire (everything else is copied from its model seat).
NEW_SEAT_VALUES: dict[str, float] = {
    "filled": False,
    "person_id": -1,
    "tenure": 0,
    "onboarding_left": 0,
    "seat_quits": 0,
    "customers": 0,
    "backlog_hours": 0.0,
    "workload": 0.0,
    "pressure": 0.0,
}


@dataclass(frozen=True)
class Departments:
    """The department tables of an organization (one entry per department)."""

    names: tuple[str, ...]
    customer_facing: np.ndarray
    dependency: np.ndarray
    internal_hours: np.ndarray
    received_rating: np.ndarray | None = None
    given_rating: np.ndarray | None = None

    @classmethod
    def of(cls, org: Organization) -> Departments:
        hours = org.internal_hours if org.internal_hours is not None else np.ones(org.n_depts)
        return cls(org.dept_names, org.customer_facing.copy(), org.dependency.copy(),
                   hours.copy(), org.received_rating, org.given_rating)  # fmt: skip

    def merged(self, into: np.ndarray, names: Sequence[str], headcount: np.ndarray) -> Departments:
        """Departments ``i`` merged into new departments ``into[i]`` named ``names``.

        Rule: a member of a merged department asks for what its former members asked, weighted
        by their headcount (rows are headcount-weighted means); what others ask of the merged
        departments adds up (columns are sums over the merged departments). Requests never cross
        between departments whose matrix entry is 0 (e.g. two organizations before a merger).
        Ratings and internal hours are headcount-weighted means (NaN ratings ignored); a merged
        department faces customers if any of its parts did.

        Args:
            into: For each current department, the index of the department it becomes.
            names: The new departments' names.
            headcount: Seats per current department (the weights).
        """
        k = len(names)
        into = np.asarray(into)
        w = np.asarray(headcount, dtype=float)
        # A department without seats weighs like one seat, so that its row still counts.
        total = group_sum(w, into, k)
        w_safe = np.where(total[into] > 0, w, 1.0)
        total_safe = group_sum(w_safe, into, k)
        rows = group_sum(w_safe[:, None] * self.dependency, into, k)  # (k x old) sums of rows
        dependency = group_sum(rows.T, into, k).T / total_safe[:, None]

        def mean(values: np.ndarray | None) -> np.ndarray | None:
            if values is None:
                return None
            ok = np.isfinite(values)
            num = group_sum(np.where(ok, values * w_safe, 0.0), into, k)
            den = group_sum(np.where(ok, w_safe, 0.0), into, k)
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)

        facing = group_sum(self.customer_facing.astype(float), into, k) > 0
        return Departments(tuple(names), facing, dependency, mean(self.internal_hours),
                           mean(self.received_rating), mean(self.given_rating))  # fmt: skip


@dataclass
class Draft:
    """A seat tree being edited: the current seats (indices as in the state) plus added ones.

    Seats are addressed by draft index: ``0..n_old-1`` are the current seats, added seats follow.
    ``manager`` holds draft indices; removed seats stay in the arrays (``removed``) until
    :func:`finish` compacts them, so a removed seat's reports find its nearest surviving manager.

    Attributes:
        n_old: Seats before the restructuring.
        origin: Current seat of each draft seat (-1 for an added seat).
        template: The current seat an added seat is modelled on (its own index otherwise).
        level: Level of each draft seat as the event placed it (finish recomputes levels).
        manager, dept, frontline, salary_week: As in :class:`~sim.seats.Organization`.
        removed: The seat is removed.
        leaving: Current seats whose people leave (laid off).
        departments: The department tables (``dept`` indexes them).
        dept_map: For each department before the restructuring, its index now.
        seat_ids, start_tenure: A chart's per-seat data (None for a generated organization).
    """

    n_old: int
    origin: np.ndarray
    template: np.ndarray
    level: np.ndarray
    manager: np.ndarray
    dept: np.ndarray
    frontline: np.ndarray
    salary_week: np.ndarray
    removed: np.ndarray
    leaving: np.ndarray
    departments: Departments
    dept_map: np.ndarray
    seat_ids: np.ndarray | None = None
    start_tenure: np.ndarray | None = None

    @classmethod
    def of(cls, org: Organization) -> Draft:
        n = org.n_seats
        return cls(
            n_old=n,
            origin=np.arange(n),
            template=np.arange(n),
            level=org.level.astype(np.int64),
            manager=org.manager.astype(np.int64).copy(),
            dept=org.dept.astype(np.int64),
            frontline=org.frontline.copy(),
            salary_week=org.salary_week.astype(float).copy(),
            removed=np.zeros(n, dtype=bool),
            leaving=np.zeros(n, dtype=bool),
            departments=Departments.of(org),
            dept_map=np.arange(org.n_depts),
            seat_ids=None if org.seat_ids is None else org.seat_ids.copy(),
            start_tenure=None if org.start_tenure is None else org.start_tenure.copy(),
        )

    @property
    def size(self) -> int:
        return int(self.origin.size)

    @property
    def kept(self) -> np.ndarray:
        return ~self.removed

    def add(self, manager: np.ndarray, level: np.ndarray, like: np.ndarray) -> np.ndarray:
        """Add seats under ``manager`` at ``level``, each modelled on the draft seat ``like``
        (its department, frontline flag, pay and unit); returns their draft indices."""
        manager = np.asarray(manager, dtype=np.int64).reshape(-1)
        k = manager.size
        start = self.size
        like = np.broadcast_to(np.asarray(like, dtype=np.int64), (k,))
        self.origin = np.concatenate([self.origin, np.full(k, -1)])
        self.template = np.concatenate([self.template, self.template[like]])
        self.level = np.concatenate([self.level, np.broadcast_to(level, (k,)).astype(np.int64)])
        self.manager = np.concatenate([self.manager, manager])
        self.dept = np.concatenate([self.dept, self.dept[like]])
        self.frontline = np.concatenate([self.frontline, self.frontline[like]])
        self.salary_week = np.concatenate([self.salary_week, self.salary_week[like]])
        self.removed = np.concatenate([self.removed, np.zeros(k, dtype=bool)])
        if self.seat_ids is not None:
            self.seat_ids = np.concatenate([self.seat_ids, np.full(k, "", dtype=object)])
        if self.start_tenure is not None:
            self.start_tenure = np.concatenate([self.start_tenure, np.full(k, -1)])
        return np.arange(start, start + k)

    def remove(self, seats: np.ndarray, people_leave: bool = True) -> None:
        """Remove ``seats`` (draft indices); their current occupants leave if ``people_leave``."""
        seats = np.asarray(seats, dtype=np.int64)
        self.removed[seats] = True
        if people_leave:
            old = seats[seats < self.n_old]
            self.leaving[old] = True

    def reports(self) -> np.ndarray:
        """Direct reports per draft seat, among kept seats."""
        has = self.kept & (self.manager >= 0)
        return np.bincount(self.manager[has], minlength=self.size)

    def surviving_manager(self) -> np.ndarray:
        """Per draft seat, its nearest manager up the line that is kept (-1 for the top)."""
        mgr = self.manager.copy()
        for _ in range(self.size):
            gone = (mgr >= 0) & self.removed[np.maximum(mgr, 0)]
            if not gone.any():
                break
            mgr = np.where(gone, self.manager[np.maximum(mgr, 0)], mgr)
        return mgr


@dataclass(frozen=True)
class Restructuring:
    """What one week's restructuring did.

    Attributes:
        org: The new organization.
        origin: For each new seat, its seat before (-1 for a seat added this week).
        laid_off: People who lost their jobs (their seats were removed or cut).
        added: Seats added.
        removed: Seats removed.
        events: The event types applied, in order.
    """

    org: Organization
    origin: np.ndarray
    laid_off: int = 0
    added: int = 0
    removed: int = 0
    events: tuple[str, ...] = ()

    def summary(self) -> RestructuringSummary:
        """What happened, without the organization (what a model keeps of each restructuring)."""
        return RestructuringSummary(
            self.events, self.org.n_seats, self.added, self.removed, self.laid_off
        )

    def remap(self, values: np.ndarray, new: float | int = 0) -> np.ndarray:
        """A per-seat array of the old organization on the new one (``new`` for added seats)."""
        out = np.full((self.origin.size, *values.shape[1:]), new, dtype=values.dtype)
        keep = self.origin >= 0
        out[keep] = values[self.origin[keep]]
        return out

    def then(self, later: Restructuring) -> Restructuring:
        """This restructuring followed by ``later`` (in the same week), as one."""
        keep = later.origin >= 0
        origin = np.full(later.origin.size, -1)
        origin[keep] = self.origin[later.origin[keep]]
        return Restructuring(
            later.org,
            origin,
            self.laid_off + later.laid_off,
            self.added + later.added,
            self.removed + later.removed,
            self.events + later.events,
        )


@dataclass(frozen=True)
class RestructuringSummary:
    """One week's restructuring in figures (``model.restructured``).

    Attributes:
        events: The event types applied, in order.
        seats: Seats after it.
        added: Seats added.
        removed: Seats removed.
        laid_off: People who lost their jobs.
    """

    events: tuple[str, ...]
    seats: int
    added: int
    removed: int
    laid_off: int


# ----------------------------------------------------------------------------- the engine
def depths(manager: np.ndarray) -> np.ndarray:
    """Level of every seat: the number of managers above it (the top is level 0).

    Raises:
        ParameterError: the tree has no single top, or a reporting cycle.
    """
    n = manager.size
    level = np.zeros(n, dtype=np.int64)
    cur = manager.copy()
    for _ in range(n + 1):
        up = cur >= 0
        if not up.any():
            return level
        level += up
        cur = np.where(up, manager[np.maximum(cur, 0)], -1)
    raise ParameterError("restructuring: the reporting lines form a cycle")


def finish(
    draft: Draft, state: State, params: Params, rng: np.random.Generator, events: tuple[str, ...]
) -> Restructuring:
    """Turn ``draft`` into the new organization and remap ``state`` onto it (in place).

    See the module docstring for the rules. ``state`` must be the state of the seats the draft
    started from (``draft.n_old`` rows).
    """
    n_old = draft.n_old
    # People whose seats are removed or cut leave first, through the one home of departures.
    leaving = np.flatnonzero(draft.leaving & state.filled)
    depart(state, params, leaving, rng)

    kept = np.flatnonzero(draft.kept)
    boss = draft.surviving_manager()
    if int((boss[kept] < 0).sum()) != 1:
        raise ParameterError("restructuring: the new organization must have exactly one top seat")
    # Compact: new index of every kept draft seat, then each kept seat's manager in the new tree.
    compact = np.full(draft.size, -1)
    compact[kept] = np.arange(kept.size)
    manager = np.where(boss[kept] >= 0, compact[np.maximum(boss[kept], 0)], -1)
    level = depths(manager)

    # Canonical order: by level, then department, then the manager's position, then former order
    # (a generated pyramid's and an imported chart's order), built level by level.
    dept = draft.dept[kept]
    order_parts: list[np.ndarray] = []
    position = np.full(kept.size, -1)
    placed = 0
    for lv in range(int(level.max()) + 1):
        at = np.flatnonzero(level == lv)
        mgr_pos = np.where(manager[at] >= 0, position[np.maximum(manager[at], 0)], -1)
        at = at[np.lexsort((at, mgr_pos, dept[at]))]
        position[at] = placed + np.arange(at.size)
        placed += at.size
        order_parts.append(at)
    order = np.concatenate(order_parts)  # compact index of each new seat
    new_of_compact = np.empty(kept.size, dtype=np.int64)
    new_of_compact[order] = np.arange(kept.size)
    seats = kept[order]  # draft index of each new seat
    manager = np.where(manager[order] >= 0, new_of_compact[np.maximum(manager[order], 0)], -1)
    level = level[order]
    dept = dept[order]
    deps = draft.departments
    frontline = draft.frontline[seats]
    if not frontline.any():
        raise ParameterError("restructuring: the new organization would have no frontline seat")
    n_levels = int(level.max()) + 1
    org = Organization(
        n_seats=int(seats.size),
        n_levels=n_levels,
        level=level.astype(np.int16),
        dept=dept.astype(np.int16),
        manager=manager.astype(np.int64),
        frontline=frontline,
        salary_week=draft.salary_week[seats],
        dept_names=deps.names,
        customer_facing=deps.customer_facing,
        dependency=deps.dependency,
        received_rating=deps.received_rating,
        given_rating=deps.given_rating,
        internal_hours=deps.internal_hours,
        seat_ids=None if draft.seat_ids is None else draft.seat_ids[seats],
        start_tenure=None if draft.start_tenure is None else draft.start_tenure[seats],
        **organization_arrays(level, dept, manager, len(deps.names)),
    )

    origin = draft.origin[seats]
    source = np.where(origin >= 0, origin, draft.template[seats])
    added = np.flatnonzero(origin < 0)
    wait = mean_time_to_fill(state, params)  # read before the seats change
    # Old seat -> new seat (-1 if removed); and who takes over each old seat's duties: itself,
    # or for a removed seat its nearest surviving manager.
    new_of_old = np.full(n_old, -1)
    new_of_old[origin[origin >= 0]] = np.flatnonzero(origin >= 0)
    holder = np.where(draft.kept[:n_old], np.arange(n_old), boss[:n_old])
    heir = np.where(holder >= 0, new_of_compact[compact[np.maximum(holder, 0)]], -1)

    # Customers whose seat goes away, with the department they were served by.
    gone = np.flatnonzero(draft.removed[:n_old])
    lost, lost_dept = state.customers[gone], draft.dept[gone]
    remap_state(state, source, draft.dept_map, len(deps.names))
    for name, value in NEW_SEAT_VALUES.items():
        getattr(state, name)[added] = value
    vacate(state, added, wait, rng)
    rehome_customers(state, org, lost, lost_dept, rng)
    state.pending = remap_requests(state.pending, new_of_old, heir, draft.dept_map, len(deps.names))
    state.backlog_hours = np.bincount(
        state.pending.provider, weights=state.pending.hours, minlength=org.n_seats
    )
    return Restructuring(
        org=org,
        origin=origin,
        laid_off=int(leaving.size),
        added=int(added.size),
        removed=int(gone.size),
        events=events,
    )


def per_seat_fields(state: State, n_seats: int) -> list[str]:
    """Names of the state's per-seat arrays: every array field whose first axis is the seats."""
    return [
        f.name
        for f in fields(state)
        if isinstance(getattr(state, f.name), np.ndarray)
        and getattr(state, f.name).ndim >= 1
        and getattr(state, f.name).shape[0] == n_seats
    ]


def remap_state(state: State, source: np.ndarray, dept_map: np.ndarray, n_depts: int) -> None:
    """Every per-seat array of ``state`` taken at ``source`` (one old seat per new seat).

    Arrays whose columns are departments plus the manager (:data:`DEPARTMENT_COLUMNS`) also
    have their columns remapped: a new department's column is the mean of the columns of the
    departments merged into it (1, nothing failed, for a department with none).
    """
    n_old = state.filled.size
    for name in per_seat_fields(state, n_old):
        values = getattr(state, name)[source]
        if name in DEPARTMENT_COLUMNS:
            values = _remap_columns(values, dept_map, n_depts)
        setattr(state, name, values)


def _remap_columns(values: np.ndarray, dept_map: np.ndarray, n_depts: int) -> np.ndarray:
    """Columns of old departments (plus the manager, last) -> columns of the new ones."""
    target = np.concatenate([dept_map, [n_depts]])
    count = np.bincount(target, minlength=n_depts + 1)
    out = group_sum(values.T, target, n_depts + 1).T
    return np.ascontiguousarray(np.where(count > 0, out / np.maximum(count, 1), 1.0))


def group_sum(values: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    """Sums of ``values``' rows by group (``groups[i]`` in 0..k-1), without a BLAS product, whose
    last bits differ between CPUs (groups are departments: a few, so one NumPy sum each)."""
    values = np.asarray(values, dtype=float)
    out = np.zeros((k, *values.shape[1:]))
    for g in range(k):
        pick = groups == g
        if pick.any():
            out[g] = values[pick].sum(axis=0)
    return out


def rehome_customers(
    state: State, org: Organization, lost: np.ndarray, lost_dept: np.ndarray, rng
) -> None:
    """Give customers who lost their frontline employee a new one.

    ``lost`` holds the customer rows (satisfaction bands) of removed seats, ``lost_dept`` their
    departments. Those rows, and the customers of any seat no longer on the frontline, move to a
    random frontline seat of the same department, or of the whole organization if the
    department has none left. A handful of NumPy passes per department.
    """
    off = np.flatnonzero(~org.frontline & (state.customers.sum(axis=1) > 0))
    rows = np.concatenate([lost, state.customers[off]])
    depts = np.concatenate([lost_dept, org.dept[off]]).astype(np.int64)
    state.customers[off] = 0
    has = rows.sum(axis=1) > 0
    if not has.any():
        return
    rows, depts = rows[has], depts[has]
    front = np.flatnonzero(org.frontline)
    target = np.empty(depts.size, dtype=np.int64)
    for d in np.unique(depts):
        pick = depts == d
        pool = front[org.dept[front] == d]
        if pool.size == 0:
            pool = front
        target[pick] = pool[rng.integers(0, pool.size, int(pick.sum()))]
    np.add.at(state.customers, target, rows)


def remap_requests(
    pending: Requests, new_of_old: np.ndarray, heir: np.ndarray, dept_map: np.ndarray,
    n_depts: int,
) -> Requests:  # fmt: skip
    """Waiting requests on the new seats: dropped when their requester's seat was removed,
    passed to the nearest surviving manager when their provider's seat was; the department a
    customer input is asked of follows the department's new index."""
    if len(pending) == 0:
        return pending
    batch = pending.take(new_of_old[pending.requester] >= 0)
    batch.requester = new_of_old[batch.requester]
    batch.provider = heir[batch.provider]
    column = batch.column.astype(np.int64)
    manager_column = dept_map.size  # the last column: the requester's manager
    batch.column = np.where(
        column == manager_column,
        n_depts,
        np.where(column >= 0, dept_map[np.clip(column, 0, manager_column - 1)], -1),
    ).astype(np.int16)
    return batch


# ----------------------------------------------------------------------------- the events
def median_span(org_reports: np.ndarray) -> float:
    """The median span of control of the seats with reports (2 at least)."""
    spans = org_reports[org_reports > 0]
    return max(float(np.median(spans)), 2.0) if spans.size else 2.0


def delayer_level(draft: Draft) -> int:
    """The level a delayer without ``level`` removes: the middle management level whose managers
    have the narrowest mean span (practice removes layers where spans are narrowest); the
    shallower one on a tie. Middle management lies between the top's direct reports (the
    executive team, which stays unless there is no other middle level) and the bottom.

    Raises:
        ParameterError: the organization has no middle management level (two levels or fewer).
    """
    kept = draft.kept
    n_levels = int(draft.level[kept].max()) + 1
    if n_levels <= 2:
        raise ParameterError(
            f"delayer: the organization has {n_levels} levels, so there is no middle management "
            "level to remove (the top and the bottom stay); a delayer needs at least 3 levels"
        )
    reports = draft.reports()
    best, best_span = 1, math.inf
    for lv in range(2 if n_levels >= 4 else 1, n_levels - 1):
        managers = kept & (draft.level == lv) & (reports > 0)
        if managers.any():
            span = float(reports[managers].mean())
            if span < best_span:
                best, best_span = lv, span
    return best


def apply_delayer(draft: Draft, ev: Delayer) -> None:
    """``delayer``: remove one management level.

    Rule: the seats of the level go; their reports move to the next manager up (Rajan & Wulf
    2006, "The flattening firm", Review of Economics and Statistics 88(4): removing a layer widens
    the spans of the managers above). With ``people = "leave"`` the removed managers are laid
    off; with ``"move"`` each keeps a seat as an individual contributor in the team above (the
    level still disappears: nobody reports to them). The model then shows what the literature
    reports of delayering: the remaining managers' spans and workloads grow (Littler, Wiesner &
    Dunford 2003, "The dynamics of delayering", Journal of Management Studies 40(2); Wulf 2012,
    "The flattened firm: not as advertised", California Management Review 55(1)): reports wait
    longer for a manager with more of them, and payroll falls by the removed salaries.
    """
    n_levels = int(draft.level[draft.kept].max()) + 1
    level = delayer_level(draft) if ev.level is None else ev.level
    if not 1 <= level <= n_levels - 2:
        raise ParameterError(
            f"delayer: level = {level} cannot be removed; with {n_levels} levels a delayer "
            f"removes a middle management level, 1 to {n_levels - 2}"
        )
    seats = np.flatnonzero(draft.kept & (draft.level == level))
    if ev.people == "leave":
        draft.remove(seats)
    else:
        # Their reports move up; they stay, as individual contributors one level down.
        below = draft.kept & (draft.manager >= 0)
        moved = below & np.isin(draft.manager, seats)
        draft.manager[moved] = draft.manager[draft.manager[moved]]
    shallower = draft.level > level
    draft.level[shallower] -= 1
    if ev.people == "move":
        draft.level[seats] = level


def apply_respan(draft: Draft, ev: Respan) -> None:
    """``respan``: widen or narrow spans of control to a target by merging or splitting teams.

    Rule: level by level from the bottom up, within each department (a manager's department),
    the reports at the level below need ``ceil(reports / span)`` managers (at least one). Where
    there are more managers than that, teams merge: the managers with the fewest reports go
    (laid off, or individual contributors with ``people = "move"``). Where there are fewer,
    teams split: new manager seats open under the department's managers above, hired from the
    pool. The reports are then dealt out evenly to the department's managers, keeping former
    teammates together. Spans and layers are the structural levers of org design (Meier & Bohte
    2000, "Ode to Luther Gulick: span of control and organizational performance",
    Administration & Society 32(2)); in the model a span sets how many reports share one
    manager's hours, so wide spans make reports wait and narrow ones cost salaries.
    """
    span = float(ev.span)
    n_levels = int(draft.level[draft.kept].max()) + 1
    for lv in range(n_levels - 2, 0, -1):
        kept = draft.kept
        reports = draft.reports()
        children = np.flatnonzero(kept & (draft.level == lv + 1))
        if children.size == 0:
            continue
        team_dept = draft.dept[draft.manager[children]]
        at_level = np.flatnonzero(kept & (draft.level == lv) & (reports > 0))
        for d in np.unique(team_dept):
            kids = children[team_dept == d]
            managers = at_level[draft.dept[at_level] == d]
            need = max(1, math.ceil(kids.size / span))
            if need < managers.size:
                # Keep the managers with the most reports; the others' teams merge into theirs.
                order = managers[np.lexsort((managers, -reports[managers]))]
                managers, surplus = np.sort(order[:need]), order[need:]
                if ev.people == "leave":
                    draft.remove(surplus)
                # With "move" they stay where they are, now without reports (dealt out below).
            elif need > managers.size:
                parents = draft.manager[managers]
                parent_reports = reports[parents]
                # New teams open under the department's manager above with the fewest reports.
                above = parents[np.argmin(parent_reports)] if parents.size else 0
                new = draft.add(np.full(need - managers.size, above), lv, managers[0])
                managers = np.concatenate([managers, new])
            # Deal the reports out evenly, former teammates together (ordered by old manager).
            kids = kids[np.lexsort((kids, draft.manager[kids]))]
            sizes = np.diff(np.linspace(0, kids.size, managers.size + 1).round().astype(int))
            draft.manager[kids] = np.repeat(managers, sizes)


def water_fill(sizes: np.ndarray, count: int, cap: int) -> np.ndarray:
    """How many of ``count`` newcomers each team gets, smallest teams first, none beyond ``cap``.

    Teams are topped up to a common size, the smallest first (ties by order), until the
    newcomers run out or every team has ``cap``; returns the number per team (which may add up
    to less than ``count`` when the teams are full).
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    room = np.maximum(cap - sizes, 0)
    if count <= 0 or sizes.size == 0:
        return np.zeros(sizes.size, dtype=np.int64)
    if room.sum() <= count:
        return room
    # The smallest common size t whose top-up reaches the count; below it, everyone gets to t-1.
    levels = np.arange(int(sizes.min()) + 1, cap + 1)
    totals = np.maximum(np.minimum(levels[:, None], cap) - sizes[None, :], 0).sum(axis=1)
    t = int(levels[np.searchsorted(totals, count)])
    alloc = np.maximum(np.minimum(t - 1, cap) - sizes, 0)
    rest = count - int(alloc.sum())
    # The rest, one each, to the teams still below t, smallest first.
    below = np.flatnonzero(sizes + alloc < t)
    below = below[np.lexsort((below, sizes[below]))]
    alloc[below[:rest]] += 1
    return alloc


def attach(draft: Draft, count: int, parents: np.ndarray, span: float) -> np.ndarray:
    """Managers for ``count`` new seats among ``parents``: each parent takes new reports up to
    ``span`` (smallest teams first); the rest go to new teams, whose new managers are attached
    one level up the same way (the top takes whatever is left). Returns one manager per seat."""
    cap = max(math.floor(span), 1)
    parents = np.unique(parents)
    alloc = water_fill(draft.reports()[parents], count, cap)
    managers = np.repeat(parents, alloc)
    rest = count - int(alloc.sum())
    if rest == 0:
        return managers
    top = parents[draft.manager[parents] < 0]
    if top.size:  # the top seat has no manager to share new teams with: it takes the rest
        return np.concatenate([managers, np.full(rest, top[0])])
    n_new = math.ceil(rest / cap)
    above = attach(draft, n_new, draft.manager[parents], span)
    like = parents[np.argmax(draft.reports()[parents])]
    new = draft.add(above, draft.level[like], like)
    sizes = np.diff(np.linspace(0, rest, n_new + 1).round().astype(int))
    return np.concatenate([managers, np.repeat(new, sizes)])


def share_out(count: int, weights: np.ndarray) -> np.ndarray:
    """``count`` split in proportion to ``weights`` by the largest remainder (exact total)."""
    w = np.asarray(weights, dtype=float)
    if count <= 0 or w.sum() <= 0:
        return np.zeros(w.size, dtype=np.int64)
    exact = count * w / w.sum()
    out = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - out), kind="stable")
    out[order[: count - int(out.sum())]] += 1
    return out


def apply_growth(draft: Draft, count: int, span: float | None, rng: np.random.Generator) -> None:
    """``growth`` (one week's part): ``count`` new seats, hired from the pool.

    Rule: the new seats are shared among departments in proportion to their size (the
    organization grows as it is), as individual contributors: first in the department's
    existing teams, smallest teams first, up to the target span (``span``, default the
    organization's median span), then in new teams, whose new manager seats are attached one
    level up the same way. Every new seat opens as a vacancy that the workforce phase fills from
    the hiring pool (mindset drawn from the pool, the team's quality standard learned from
    colleagues). That is how culture travels in the model: fast growth from a pool whose mindset
    differs from the incumbents' dilutes the culture, and stronger socialization (the manager's
    example, reciprocity) pulls newcomers toward it and keeps it uniform (Harrison & Carroll
    1991, "Keeping the faith: a model of cultural transmission in formal organizations",
    Administrative Science Quarterly 36(4)).
    """
    if count <= 0:
        return
    kept = draft.kept
    reports = draft.reports()
    target = float(span) if span is not None else median_span(reports[kept])
    workers = np.flatnonzero(kept & (reports == 0) & (draft.manager >= 0))
    n_depts = len(draft.departments.names)
    per_dept = share_out(count, np.bincount(draft.dept[workers], minlength=n_depts))
    cap = max(math.floor(target), 1)
    for d in np.flatnonzero(per_dept):
        members = workers[draft.dept[workers] == d]
        teams, first = np.unique(draft.manager[members], return_index=True)
        # The new seats include the managers of the new teams: a new team is a manager and up
        # to ``cap`` people, so the seats added are ``count`` (one fewer at worst).
        room = int(np.maximum(cap - draft.reports()[teams], 0).sum())
        overflow = int(per_dept[d]) - room
        new_teams = math.ceil(overflow / (cap + 1)) if overflow > 0 else 0
        managers = attach(draft, max(int(per_dept[d]) - new_teams, 1), teams, target)
        # A newcomer is modelled on a teammate (the team's unit and pay); in a new team, on a
        # random worker of the department (a unit drawn from the department's units).
        sibling = np.full(draft.size, -1)
        sibling[teams] = members[first]
        like = sibling[managers]
        fresh = like < 0
        like[fresh] = members[rng.integers(0, members.size, int(fresh.sum()))]
        draft.add(managers, draft.level[managers] + 1, like)


def apply_downsize(draft: Draft, count: int, state: State, rng: np.random.Generator) -> None:
    """``downsize`` (one week's part): remove ``count`` seats; their people are laid off.

    Rule (the reverse of growth): the cut is shared among departments in proportion to their
    size; in each, individual contributors' seats below the top go, vacant seats first (open
    positions are cut before people), then filled ones at random. Every department keeps at
    least one seat, and the organization at least one frontline seat. The people in the cut
    seats leave through the one home of departures and count as layoffs: the survivors' reaction
    to layoffs (job insecurity, lower commitment and more quits; Brockner et al. 1987,
    "Survivors' reactions to layoffs", Administrative Science Quarterly 32(4); Trevor & Nyberg
    2008, "Keeping your headcount when all about you are losing theirs", Academy of Management
    Journal 51(2)) is the model's reaction to any layoff. The customers of a cut frontline seat
    move to a colleague (see the module docstring).
    """
    if count <= 0:
        return
    kept = draft.kept
    reports = draft.reports()
    n_depts = len(draft.departments.names)
    leaves = kept & (reports == 0) & (draft.manager >= 0)
    per_dept = share_out(count, np.bincount(draft.dept[kept], minlength=n_depts))
    filled = np.concatenate([state.filled, np.zeros(draft.size - draft.n_old, dtype=bool)])
    cut: list[np.ndarray] = []
    for d in np.flatnonzero(per_dept):
        members = np.flatnonzero(leaves & (draft.dept == d))
        room = min(int(per_dept[d]), int((kept & (draft.dept == d)).sum()) - 1, members.size)
        if room <= 0:
            continue
        shuffled = members[rng.permutation(members.size)]
        order = shuffled[np.argsort(filled[shuffled], kind="stable")]  # vacant first
        cut.append(order[:room])
    if not cut:
        return
    seats = np.concatenate(cut)
    front_left = int((kept & draft.frontline).sum()) - int(draft.frontline[seats].sum())
    if front_left < 1:  # keep one frontline seat
        seats = np.delete(seats, np.flatnonzero(draft.frontline[seats])[0])
    draft.remove(seats)


def apply_centralize(draft: Draft, ev: Centralize) -> None:
    """``centralize``: move a support department into a shared-service department.

    Rule: the department's seats join the shared-service department ``into`` (created by the
    first centralize, so several functions can be pooled into one), which serves the others
    through the dependency matrix: what the others asked of the function they now ask of the
    shared service (columns add up), and its members ask what the merged functions asked,
    weighted by headcount (see :meth:`Departments.merged`). Its people form one unit under a head
    who reports to the top: the most senior of them (highest level, most reports), with team
    leads drawn from the function's managers by seniority and teams at the target span
    (``span``, default the organization's median span); too few managers and new team-lead
    seats open; surplus managers join the teams as specialists. People outside the function who
    reported to one of its managers move to their nearest manager outside it. Shared-service
    centres pool a function's work and staff for economies of scale, at a distance from the
    units they serve (Janssen & Joha 2006, "Motives for establishing shared service centers in
    public administrations", International Journal of Information Management 26(2)); in the
    model the pooled department's workers share every department's requests, its people take
    their example from a new chain of managers, and their requests to a manager go up that chain.
    The unit is laid out as a pyramid of its own at the target span: its most senior people
    (highest level, most reports) take the top tiers (people may be promoted or become
    specialists; no seat is added or removed).
    """
    deps = draft.departments
    names = list(deps.names)
    if ev.department not in names:
        raise ParameterError(
            f"centralize: unknown department '{ev.department}'; departments: {', '.join(names)}"
        )
    x = names.index(ev.department)
    if ev.department == ev.into:
        raise ParameterError(f"centralize: department and into are both '{ev.into}'")
    if deps.customer_facing[x]:
        raise ParameterError(
            f"centralize: '{ev.department}' serves external customers (it has frontline seats); "
            "centralize moves a support department into shared services"
        )
    kept = draft.kept
    top = int(np.flatnonzero(kept & (draft.manager < 0))[0])
    if draft.dept[top] == x:
        raise ParameterError(
            f"centralize: the top seat is in '{ev.department}'; the top's department cannot "
            "become a shared service"
        )
    # The department tables: X merges into `into` (an existing department, or X renamed).
    if ev.into in names:
        new_names = [n for n in names if n != ev.department]
        into = np.array([new_names.index(ev.into if n == ev.department else n) for n in names])
    else:
        new_names = [ev.into if n == ev.department else n for n in names]
        into = np.arange(len(names))
    headcount = np.bincount(draft.dept[kept], minlength=len(names))
    draft.departments = deps.merged(into, new_names, headcount)
    draft.dept = into[draft.dept]
    draft.dept_map = into[draft.dept_map]
    y = int(into[x])

    unit = np.flatnonzero(kept & (draft.dept == y))
    reports = draft.reports()
    inside = np.zeros(draft.size, dtype=bool)
    inside[unit] = True
    # People outside the unit who report into it move to their nearest manager outside it.
    outside_up = draft.manager.copy()
    for _ in range(draft.size):
        stuck = (outside_up >= 0) & inside[np.maximum(outside_up, 0)]
        if not stuck.any():
            break
        outside_up = np.where(stuck, draft.manager[np.maximum(outside_up, 0)], outside_up)
    strays = kept & ~inside & (draft.manager >= 0) & inside[np.maximum(draft.manager, 0)]
    draft.manager[strays] = outside_up[strays]

    # The unit is a pyramid of its own at the target span (sim.org.level_sizes): the most
    # senior people (highest level, most reports) take its top tiers, teammates stay together.
    senior = unit[np.lexsort((unit, -reports[unit], draft.level[unit]))]
    cap = max(math.floor(ev.span if ev.span is not None else median_span(reports[kept])), 1)
    sizes = level_sizes(senior.size, span=max(cap, 2)) if senior.size >= 2 else [1]
    tiers = np.split(senior, np.cumsum(sizes)[:-1])
    draft.manager[tiers[0]] = top
    for upper, lower in itertools.pairwise(tiers):
        lower = lower[np.lexsort((lower, draft.manager[lower]))]  # former teammates together
        share = np.diff(np.linspace(0, lower.size, upper.size + 1).round().astype(int))
        draft.manager[lower] = np.repeat(upper, share)


# ----------------------------------------------------------------------------- mergers
# How each of the state's organization-wide values combines in a merger (acquirer "a", partner
# "p"); every non-seat field of State needs a rule (a test checks it).
MERGE_RULES: dict[str, Callable[[State, State], object]] = {
    "market": lambda a, p: a.market + p.market,
    # The merged organization's leadership declares the acquirer's culture.
    "service_direction": lambda a, p: a.service_direction,
    "revenue_trend": lambda a, p: a.revenue_trend + p.revenue_trend,
    "revenue_plan": lambda a, p: a.revenue_plan + p.revenue_plan,
    "shortfall": lambda a, p: a.shortfall,
    "insecurity": lambda a, p: a.insecurity,
    "next_person_id": lambda a, p: a.next_person_id + p.next_person_id,
    "quit_history": lambda a, p: _add_aligned(a.quit_history, p.quit_history),
    "headcount_history": lambda a, p: _add_aligned(a.headcount_history, p.headcount_history),
    "churn_rate_memory": lambda a, p: (
        (a.churn_rate_memory * a.active_customers + p.churn_rate_memory * p.active_customers)
        / max(a.active_customers + p.active_customers, 1)
    ),
}


def _add_aligned(a: list[int], b: list[int]) -> list[int]:
    """Two weekly histories added week by week, aligned on their last (current) week."""
    out = list(a)
    k = min(len(a), len(b))
    for i in range(1, k + 1):
        out[-i] += b[-i]
    return out


def merge(
    org_a: Organization, state_a: State, org_p: Organization, state_p: State
) -> tuple[Draft, State]:
    """The acquirer and the partner as one draft and one state, the partner under the top.

    Departments of the same name merge (the function is integrated: its workers take requests
    from both parts); the others stay apart. The dependency matrix merges by
    :meth:`Departments.merged` over both organizations' departments, with no requests between
    departments of different organizations (each part keeps asking what it asked). The partner's
    people keep their seats' state: morale, mindset, quality standards, the service direction
    they practise, tenure, skill, customers and waiting requests.
    """
    names = list(org_a.dept_names) + [n for n in org_p.dept_names if n not in org_a.dept_names]
    map_a = np.arange(org_a.n_depts)
    map_p = np.array([names.index(n) for n in org_p.dept_names])
    both = Departments.of(org_a), Departments.of(org_p)

    def ratings(kind: str) -> np.ndarray | None:
        parts = [getattr(d, kind) for d in both]
        if all(p is None for p in parts):
            return None
        return np.concatenate(
            [
                p if p is not None else np.full(len(d.names), np.nan)
                for p, d in zip(parts, both, strict=True)
            ]
        )

    da, dp = org_a.n_depts, org_p.n_depts
    dependency = np.zeros((da + dp, da + dp))
    dependency[:da, :da] = both[0].dependency
    dependency[da:, da:] = both[1].dependency
    combined = Departments(
        names=tuple(org_a.dept_names) + tuple(org_p.dept_names),
        customer_facing=np.concatenate([both[0].customer_facing, both[1].customer_facing]),
        dependency=dependency,
        internal_hours=np.concatenate([both[0].internal_hours, both[1].internal_hours]),
        received_rating=ratings("received_rating"),
        given_rating=ratings("given_rating"),
    )
    headcount = np.concatenate(
        [np.bincount(org_a.dept, minlength=da), np.bincount(org_p.dept, minlength=dp)]
    )
    departments = combined.merged(np.concatenate([map_a, map_p]), names, headcount)

    n_a = org_a.n_seats
    top_a = int(np.flatnonzero(org_a.manager < 0)[0])
    draft = Draft.of(org_a)
    p = Draft.of(org_p)
    n = n_a + org_p.n_seats

    def ids(org: Organization) -> np.ndarray:
        return org.seat_ids if org.seat_ids is not None else np.full(org.n_seats, "", object)

    def tenure(org: Organization) -> np.ndarray:
        return org.start_tenure if org.start_tenure is not None else np.full(org.n_seats, -1)

    draft = Draft(
        n_old=n,
        origin=np.arange(n),
        template=np.arange(n),
        level=np.concatenate([draft.level, p.level + 1]),
        manager=np.concatenate([draft.manager, np.where(p.manager >= 0, p.manager + n_a, top_a)]),
        dept=np.concatenate([draft.dept, map_p[p.dept]]),
        frontline=np.concatenate([draft.frontline, p.frontline]),
        salary_week=np.concatenate([draft.salary_week, p.salary_week]),
        removed=np.zeros(n, dtype=bool),
        leaving=np.zeros(n, dtype=bool),
        departments=departments,
        dept_map=np.arange(len(names)),
        seat_ids=None
        if org_a.seat_ids is None and org_p.seat_ids is None
        else np.concatenate([ids(org_a), ids(org_p)]),
        start_tenure=None
        if org_a.start_tenure is None and org_p.start_tenure is None
        else np.concatenate([tenure(org_a), tenure(org_p)]),
    )
    return draft, concat_states(state_a, state_p, map_a, map_p, len(names))


def concat_states(a: State, p: State, map_a: np.ndarray, map_p: np.ndarray, n_depts: int) -> State:
    """One state of the acquirer's seats followed by the partner's (departments renumbered)."""
    n_a, n_p = a.filled.size, p.filled.size
    seat_a, seat_p = set(per_seat_fields(a, n_a)), set(per_seat_fields(p, n_p))
    values: dict[str, object] = {}
    for f in fields(State):
        name = f.name
        if name in seat_a and name in seat_p:
            va, vp = getattr(a, name), getattr(p, name)
            if name in DEPARTMENT_COLUMNS:
                va, vp = _remap_columns(va, map_a, n_depts), _remap_columns(vp, map_p, n_depts)
            values[name] = np.concatenate([va, vp])
        elif name == "pending":
            own = remap_requests(a.pending, np.arange(n_a), np.arange(n_a), map_a, n_depts)
            theirs = remap_requests(
                p.pending, np.arange(n_p) + n_a, np.arange(n_p) + n_a, map_p, n_depts
            )
            values[name] = Requests.concat([own, theirs])
        elif name in MERGE_RULES:
            values[name] = MERGE_RULES[name](a, p)
        else:
            raise ParameterError(f"merger: no rule to merge the state's '{name}' (a bug)")
    merged = State(**values)
    merged.person_id[n_a:] += a.next_person_id  # the partner's people get ids of their own
    return merged


# ----------------------------------------------------------------------------- the schedule
PartnerBuilder = Callable[[Merger, int], tuple[Organization, State]]


@dataclass
class StructuralTimeline:
    """What the lasting structural events (growth, downsize) have done so far in a run.

    Attributes:
        base: Per event (``"position:type:week"``), the seats when it started.
        done: Per event, the seats added or removed so far.
    """

    base: dict[str, int] = field(default_factory=dict)
    done: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def key(index: int, ev: Growth | Downsize) -> str:
        """An event's key: its position in the timeline, its type and its week (a string, so
        that a model's snapshot can store the timeline)."""
        return f"{index}:{ev.type}:{ev.week}"

    def due(self, index: int, ev: Growth | Downsize, seats: int, week: int) -> int:
        """Seats to add or remove this week: the event's total (``share`` of the seats it
        started with) spread evenly over its weeks, less what was done so far (so a week that
        did a seat more or less is made up for in the next)."""
        key = self.key(index, ev)
        base = self.base.setdefault(key, seats)
        total = round(ev.share * base)
        target = round(total * (week - ev.week + 1) / ev.weeks)
        return max(target - self.done.get(key, 0), 0)

    def record(self, index: int, ev: Growth | Downsize, seats: int) -> None:
        """Count ``seats`` added or removed by the event this week."""
        key = self.key(index, ev)
        self.done[key] = self.done.get(key, 0) + seats


def restructure(
    state: State,
    org: Organization,
    params: Params,
    week: int,
    rng: np.random.Generator,
    timeline: StructuralTimeline,
    build_partner: PartnerBuilder,
) -> Restructuring | None:
    """Apply the structural events of ``week`` (1-based) in their order; None when none acts.

    ``state`` is remapped in place; the new organization is the result's ``org``. A merger's
    partner comes from ``build_partner(event, index)`` (the model builds and warms it up).
    """
    result: Restructuring | None = None
    for i, ev in enumerate(params.events):
        if not isinstance(ev, StructuralEvent):
            continue
        if isinstance(ev, Growth | Downsize):
            if not ev.active(week):
                continue
            count = timeline.due(i, ev, org.n_seats, week)
            if count == 0:
                continue
        elif ev.week != week:
            continue
        else:
            count = 0
        if isinstance(ev, Merger):
            org_p, state_p = build_partner(ev, i)
            if org.n_seats + org_p.n_seats > HEADCOUNT_CAP:
                raise ParameterError(_cap_message(org.n_seats + org_p.n_seats, "merger"))
            draft, merged = merge(org, state, org_p, state_p)
            step = finish(draft, merged, params, rng, (ev.type,))
            for f in fields(State):  # the model keeps its state object
                setattr(state, f.name, getattr(merged, f.name))
            step = replace(step, origin=np.where(step.origin < org.n_seats, step.origin, -1))
        else:
            draft = Draft.of(org)
            if isinstance(ev, Delayer):
                apply_delayer(draft, ev)
            elif isinstance(ev, Respan):
                apply_respan(draft, ev)
            elif isinstance(ev, Growth):
                if org.n_seats + count > HEADCOUNT_CAP:
                    raise ParameterError(_cap_message(org.n_seats + count, "growth"))
                apply_growth(draft, count, ev.span, rng)
            elif isinstance(ev, Downsize):
                apply_downsize(draft, count, state, rng)
            elif isinstance(ev, Centralize):
                apply_centralize(draft, ev)
            step = finish(draft, state, params, rng, (ev.type,))
            if isinstance(ev, Growth | Downsize):
                timeline.record(i, ev, step.added if isinstance(ev, Growth) else step.removed)
        org = step.org
        result = step if result is None else result.then(step)
    return result


def _cap_message(seats: int, what: str) -> str:
    return (
        f"{what}: the organization would reach {seats:,} seats, above the model's cap of "
        f"{HEADCOUNT_CAP:,} (org.headcount's largest value); use a smaller share"
    )


# ----------------------------------------------------------------------------- checks
def partner_params(ev: Merger, params: Params) -> Params:
    """The parameters of a merger's partner: a preset or scenario file as it stands (its own
    timeline dropped), or the acquirer's parameters with the partner's org chart; with
    ``service_direction`` set, under that culture.

    Raises:
        ParameterError: the partner cannot be found or loaded (the message lists the presets).
    """
    from sim.overrides import apply_overrides
    from sim.scenario import ScenarioError, load_scenario

    where = f"merger partner '{ev.partner}'"
    over: dict[str, object] = {"events": []}
    if ev.service_direction is not None:
        over["culture.service_direction"] = ev.service_direction
    if ev.partner.lower().endswith(".csv"):
        from pathlib import Path

        if not Path(ev.partner).is_file():
            raise ParameterError(f"{where}: chart file not found")
        over |= {"org.chart": ev.partner, "org.survey": None, "org.survey_weights": None}
        base = params
    else:
        try:
            base = load_scenario(ev.partner)
        except ScenarioError as err:
            raise ParameterError(f"{where}: {err}; or an org chart (.csv)") from None
    return apply_overrides(base, over, where=where)


def check_events(org: Organization, params: Params, from_week: int = 1) -> None:
    """Check the structural events from ``from_week`` on against ``org``, before any runs.

    Follows the organization through the events in week order as far as can be known without
    simulating: levels (a delayer needs a middle level: 3 levels or more, and an explicit level
    between 1 and levels - 2), seats (growth and mergers stay within the cap of
    :data:`HEADCOUNT_CAP` seats), departments (a centralized department exists and serves no
    customers) and merger partners (they exist and load).

    Raises:
        ParameterError: what is wrong, naming the event and what is allowed.
    """

    seats, levels = float(org.n_seats), org.n_levels
    facing = dict(zip(org.dept_names, org.customer_facing.tolist(), strict=True))
    order = sorted(
        (ev.week, i) for i, ev in enumerate(params.events) if isinstance(ev, StructuralEvent)
    )
    for _, i in order:
        ev = params.events[i]
        if ev.week < from_week and not (isinstance(ev, Growth | Downsize) and ev.active(from_week)):
            continue
        where = f"events[{i}] ({ev.type}, week {ev.week})"
        if isinstance(ev, Delayer):
            if levels <= 2:
                raise ParameterError(
                    f"{where}: the organization has {levels} levels by then, so there is no "
                    "middle management level to remove; a delayer needs at least 3 levels"
                )
            if ev.level is not None and not 1 <= ev.level <= levels - 2:
                raise ParameterError(
                    f"{where}: level = {ev.level} cannot be removed; with {levels} levels a "
                    f"delayer removes a middle level, 1 to {levels - 2}"
                )
            levels -= 1
        elif isinstance(ev, Growth):
            seats *= 1.0 + ev.share
            if seats > HEADCOUNT_CAP:
                raise ParameterError(f"{where}: {_cap_message(round(seats), 'growth')}")
        elif isinstance(ev, Downsize):
            seats *= 1.0 - ev.share
        elif isinstance(ev, Centralize):
            if ev.department not in facing:
                raise ParameterError(
                    f"{where}: unknown department '{ev.department}'; departments: "
                    f"{', '.join(facing)}"
                )
            if facing[ev.department]:
                raise ParameterError(
                    f"{where}: '{ev.department}' serves external customers; centralize moves a "
                    "support department into shared services"
                )
            facing.pop(ev.department)
            facing.setdefault(ev.into, False)
        elif isinstance(ev, Merger):
            partner = partner_params(ev, params)
            built = build_organization(
                partner.org, partner.economics.salary_base, partner.economics.salary_level_ratio
            )
            seats += built.n_seats
            levels = max(levels, built.n_levels + 1)
            for name, f in zip(built.dept_names, built.customer_facing.tolist(), strict=True):
                facing[name] = facing.get(name, False) or f
            if seats > HEADCOUNT_CAP:
                raise ParameterError(f"{where}: {_cap_message(round(seats), 'merger')}")
