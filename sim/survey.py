"""The internal-service survey: how well departments serve each other, and how much they depend
on each other. It sets the department dependency matrix and each department's service
conditions.

Two optional CSV files with the same layout, a department x department table (``org.survey`` and
``org.survey_weights``). Rows are the internal customers ("us"), columns the departments serving
them ("X"); the first header cell is a label of your choice::

    department,field_service,contact_centre,operations
    field_service,3.8,3.1,2.4
    contact_centre,3.5,,2.9
    operations,4.0,3.6,3.3

- ``org.survey``: the mean answer of the row department's people to "how well does X serve us?"
  on a 1-5 scale (1 very poor, 3 as expected, 5 excellent). An empty cell (or ``NA``, ``n/a``,
  ``-``) means not rated.
- ``org.survey_weights``: how much the row department's work depends on X, as relative weights
  >= 0 in any unit (a 0-5 answer, a share of time, counted requests). An empty cell means 0.

Both tables must be square with one row and one column per department of the organization (the
chart's departments, or ``org.departments``), in any order; unknown or missing departments,
ratings outside 1-5 and negative weights are errors that name the row, the column and what is
allowed.

What they become:

- **Dependency matrix** (from the weights): D[i, j] = c x W[i, j], with c such that the
  organization's mean lateral requests per person and week equal the reference organization's
  (:func:`reference_lateral_rate`, about 2.1 with the built-in matrix): the weights set *who*
  depends on whom; ``requests.lateral_scale`` sets how much. Without weights the matrix is
  ``org.dependency`` (generated organizations) or :func:`dependency_by_kind` (charts).
- **Service conditions** (from the ratings): each department's rating as a server is the mean
  rating of its column, weighted by the requests each department sends it (and its rating as a
  customer, the mean of its row, weighted by the dependency, is kept for reports). A rating r
  becomes a quality by :func:`rating_quality`: 1 -> 0, 3 -> ``behaviour.service_expectation``,
  5 -> 1, linear in between; the difference from the expectation is added to the quality of
  every request the department serves (:meth:`sim.seats.Organization.service_offset`): the
  conditions (systems, processes, workload) that made it rated so outlast the people in it, and
  the warm-up carries them into week 0. A survey of all 3s runs exactly as no survey; an unrated
  department serves as expected.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.csvtable import TableError, examples, read_table
from sim.params import DEFAULT_DEPARTMENTS, DEFAULT_DEPENDENCY, OrgParams

RATING_MIN, RATING_MAX, RATING_AS_EXPECTED = 1.0, 5.0, 3.0
NOT_RATED = frozenset({"", "na", "n/a", "-"})
DEPARTMENTS_SHOWN = 12  # department names an error lists before "and N more"


class SurveyError(TableError):
    """A survey table is invalid. The message names the file, the row and the column."""


@dataclass(frozen=True)
class SurveyEffect:
    """What a survey sets in an organization.

    Attributes:
        dependency: The dependency matrix in force (departments x departments, requests/week).
        received_rating: Per department, the dependency-weighted mean rating (1-5) of the
            service it receives; NaN where nothing it depends on was rated. None without ratings.
        given_rating: Per department, the request-weighted mean rating (1-5) of the service it
            gives; NaN where no one who asks it rated it. None without ratings.
    """

    dependency: np.ndarray
    received_rating: np.ndarray | None
    given_rating: np.ndarray | None


def _names(departments: Sequence[str]) -> str:
    """The organization's departments for a message (the first few, then how many more)."""
    return examples(list(departments), limit=DEPARTMENTS_SHOWN)


def reference_lateral_rate() -> float:
    """Lateral requests per person and week in the reference organization (built-in matrix)."""
    shares = np.array([d.share for d in DEFAULT_DEPARTMENTS])
    return float((shares * np.asarray(DEFAULT_DEPENDENCY).sum(axis=1)).sum())


def dependency_by_kind(seat_counts: np.ndarray, customer_facing: np.ndarray) -> np.ndarray:
    """A default dependency matrix for departments known only by size and kind.

    People send requests to another department as the reference organization's people do
    between departments of the same kinds (customer-facing or not), in proportion to the target
    department's headcount: D[i, j] = I[kind i, kind j] x n_j / N, where I is the reference's
    mean requests per unit of target headcount share between departments of those kinds. The
    pattern of the reference survives (customer-facing departments lean most on the back office),
    and each person receives about as many lateral requests as in the reference.

    Args:
        seat_counts: People per department.
        customer_facing: Customer-facing flag per department.

    Returns:
        The matrix (departments x departments, requests per person and week).
    """
    ref = np.asarray(DEFAULT_DEPENDENCY, dtype=float)
    ref_share = np.array([d.share for d in DEFAULT_DEPARTMENTS])
    ref_kind = np.array([d.customer_facing for d in DEFAULT_DEPARTMENTS])
    per_share = ref / ref_share[None, :]
    intensity = np.empty((2, 2))
    for a in (False, True):
        for b in (False, True):
            intensity[int(a), int(b)] = per_share[np.ix_(ref_kind == a, ref_kind == b)].mean()
    kind = np.asarray(customer_facing, dtype=int)
    share = np.asarray(seat_counts, dtype=float) / float(np.sum(seat_counts))
    return intensity[kind[:, None], kind[None, :]] * share[None, :]


def dependency_from_weights(weights: np.ndarray, seat_counts: np.ndarray) -> np.ndarray:
    """Scale relative dependency weights to a matrix of requests per person and week.

    The scale makes the organization's mean lateral requests per person equal the reference's
    (:func:`reference_lateral_rate`); ``requests.lateral_scale`` multiplies it as usual.
    """
    counts = np.asarray(seat_counts, dtype=float)
    per_person = float((counts * weights.sum(axis=1)).sum()) / float(counts.sum())
    return weights * (reference_lateral_rate() / per_person)


def rating_quality(rating: np.ndarray, expectation: float) -> np.ndarray:
    """Remembered service quality (0-1) of a survey rating (1-5); NaN (not rated) -> expectation.

    Piecewise linear through 1 -> 0, 3 (as expected) -> ``expectation``, 5 -> 1.
    """
    r = np.asarray(rating, dtype=float)
    low = expectation * (r - RATING_MIN) / (RATING_AS_EXPECTED - RATING_MIN)
    high = expectation + (1.0 - expectation) * (r - RATING_AS_EXPECTED) / (
        RATING_MAX - RATING_AS_EXPECTED
    )
    q = np.clip(np.where(r <= RATING_AS_EXPECTED, low, high), 0.0, 1.0)
    return np.where(np.isnan(r), expectation, q)


def quality_rating(quality: float, expectation: float) -> float:
    """The survey rating (1-5) of a service quality (0-1): the inverse of :func:`rating_quality`.

    What a department would answer to "how well does X serve us?" about service of this
    quality; used to calibrate the model to a survey-style internal service score.
    """
    q = min(max(float(quality), 0.0), 1.0)
    if q <= expectation:
        span = RATING_AS_EXPECTED - RATING_MIN
        return RATING_MIN + span * (q / expectation if expectation > 0 else 1.0)
    span = RATING_MAX - RATING_AS_EXPECTED
    return RATING_AS_EXPECTED + span * (q - expectation) / (1.0 - expectation)


def start_ratings(
    ratings: np.ndarray, dependency: np.ndarray, seat_counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per department, the mean rating of service received (by row) and given (by column).

    Received: the row's ratings weighted by the department's dependency on each provider.
    Given: the column's ratings weighted by the requests each customer department sends
    (headcount x dependency). Unrated cells do not count; NaN where nothing counts.
    """
    rated = ~np.isnan(ratings)
    r = np.where(rated, ratings, 0.0)
    w_recv = np.where(rated, dependency, 0.0)
    w_given = w_recv * np.asarray(seat_counts, dtype=float)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        received = (w_recv * r).sum(axis=1) / w_recv.sum(axis=1)
        given = (w_given * r).sum(axis=0) / w_given.sum(axis=0)
    return received, given


def _number_cells(cells: np.ndarray, blank: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """Cells as floats (NaN where blank) and a mask of the cells that are not numbers."""
    values = np.full(cells.shape, np.nan)
    bad = np.zeros(cells.shape, dtype=bool)
    for idx, text in np.ndenumerate(cells):
        if text.lower() in blank:
            continue
        try:
            values[idx] = float(text)
        except ValueError:
            bad[idx] = True
    return values, bad


def read_matrix(path: str, what: str, departments: Sequence[str]) -> np.ndarray:
    """Read a department x department table, checked and reordered to ``departments``.

    Args:
        path: The CSV file.
        what: ``"survey"`` (ratings) or ``"survey weights"``, for messages and the value rule.
        departments: The organization's department names, in its order.

    Returns:
        The values (rows and columns in ``departments`` order); NaN for empty cells.

    Raises:
        SurveyError: a non-square table, unknown, repeated or missing departments, or a cell
            that is not a number in the allowed range.
    """
    try:
        table = read_table(path, what)
    except TableError as err:
        raise SurveyError(str(err)) from None
    label, *cols = table.header
    rows = [str(r) for r in table.columns[label]]
    where = f"{table.path}"
    known = set(departments)
    if not known.intersection(cols):
        # Not a table of these departments: say so by its shape, quoting none of its cells.
        raise SurveyError(
            f"{where}: not a {what} table of this organization: none of the {len(cols)} "
            f"column(s) after the first in its header (row 1) names one of its departments "
            f"({len(departments)}: {_names(departments)})"
        )
    if len(rows) != len(cols):
        raise SurveyError(
            f"{where}: the {what} table is not square: {len(rows)} rows x {len(cols)} department "
            f"columns; it needs one row and one column per department "
            f"({len(departments)}: {_names(departments)}), in any order"
        )
    for kind, names in (("row", rows), ("column", cols)):
        seen: set[str] = set()
        for k, name in enumerate(names):
            place = f"row {table.row(k)}" if kind == "row" else f"column {k + 2}"
            if name in seen:
                raise SurveyError(f"{where}: {place}: department '{name}' appears twice")
            seen.add(name)
            if name not in known:
                close = difflib.get_close_matches(name, departments, n=1, cutoff=0.6)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                raise SurveyError(
                    f"{where}: {place}: unknown department '{name}'.{hint} The organization's "
                    f"departments: {_names(departments)}"
                )
        missing = [d for d in departments if d not in seen]
        if missing:
            raise SurveyError(
                f"{where}: no {kind} for department {examples([repr(m) for m in missing])}; the "
                f"table needs one row and one column per department"
            )
    cells = np.array([table.columns[c] for c in cols], dtype=object).T  # rows x cols
    blank = NOT_RATED if what == "survey" else frozenset({""})
    values, bad = _number_cells(cells, blank)
    if what == "survey":
        allowed = f"a rating from {RATING_MIN:g} to {RATING_MAX:g}, or empty for not rated"
        out = ~bad & ~np.isnan(values) & ((values < RATING_MIN) | (values > RATING_MAX))
    else:
        allowed = "a weight >= 0 (empty for 0)"
        out = ~bad & ~np.isnan(values) & ((values < 0) | ~np.isfinite(values))
    problems = np.argwhere(bad | out)
    if problems.size:
        lines = [
            f"row {table.row(int(i))} ({rows[i]}), column '{cols[j]}': {cells[i, j]!r}"
            for i, j in problems
        ]
        raise SurveyError(
            f"{where}: {examples(lines, len(lines))}: not valid; each cell takes {allowed}"
        )
    order_r = [rows.index(d) for d in departments]
    order_c = [cols.index(d) for d in departments]
    return values[np.ix_(order_r, order_c)]


def apply_survey(
    org: OrgParams,
    departments: Sequence[str],
    seat_counts: np.ndarray,
    dependency: np.ndarray,
) -> SurveyEffect:
    """The dependency matrix and starting ratings an organization gets from its survey files.

    Args:
        org: The organization parameters (``org.survey``, ``org.survey_weights``).
        departments: The organization's department names, in its order.
        seat_counts: People per department.
        dependency: The matrix in force without survey weights.
    """
    if org.survey_weights is not None:
        weights = np.nan_to_num(read_matrix(org.survey_weights, "survey weights", departments))
        if not (weights > 0).any():
            raise SurveyError(
                f"{org.survey_weights}: every weight is 0 or empty; give at least one department "
                "a dependency on another"
            )
        dependency = dependency_from_weights(weights, seat_counts)
    received = given = None
    if org.survey is not None:
        ratings = read_matrix(org.survey, "survey", departments)
        received, given = start_ratings(ratings, dependency, seat_counts)
    return SurveyEffect(dependency=dependency, received_rating=received, given_rating=given)
