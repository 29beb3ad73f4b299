"""The Python API's arguments, checked as the command line checks its options.

``sim.run(weeks=10**9)`` must not run for days when ``servicechain run --weeks`` stops at 5,200,
and ``seed=1.5`` must not quietly become seed 1. Each check returns the value in its exact type
or raises :class:`~sim.params.ParameterError` with one line: the argument, the value, what is
allowed.

Seeds: any whole number from 0 to :data:`MAX_SEED` (2^63 - 1: it fits the int64 seed column of
parquet and every seed earlier versions drew). Seeds the package draws itself are below
:data:`DRAWN_SEED_LIMIT` (2^53), so they survive a trip through a float (pandas ``iterrows``, a
spreadsheet, R, JSON readers) unchanged. A float is accepted as a seed only when it is a whole
number below 2^53, where it is exact; a larger float is refused, because it is most likely a
recorded seed that a float already rounded (the run it would give is not the recorded one). A
string of digits is accepted as the seed it spells.

Example:
    >>> from sim.arguments import check_seed, check_weeks
    >>> check_seed(7.0), check_weeks(52)
    (7, 52)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

from sim.params import ParameterError, field_spec

MAX_WEEKS = int(field_spec("weeks").high or 5200)  # the schema's bound on a run's weeks
MAX_REPS = 10_000  # replications of one study (compare, readme table, validate)
MAX_SEED = 2**63 - 1
SEED_BITS = 53  # every seed the package draws has at most this many bits: exact in a double
DRAWN_SEED_LIMIT = 2**SEED_BITS


def whole_number(value: Any, name: str, low: int, high: int, high_text: str | None = None) -> int:
    """``value`` as an int in ``[low, high]``; whole floats (52.0) pass, 2.7 and True do not.

    ``high_text`` is how messages write ``high`` (e.g. ``"2^63 - 1"``).
    """
    top = high_text or f"{high:,}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} = {value!r}: takes a whole number from {low:,} to {top}")
    if isinstance(value, numbers.Integral):
        number = int(value)
    else:
        as_float = float(value)
        if not (math.isfinite(as_float) and as_float.is_integer()):
            raise ParameterError(
                f"{name} = {value!r}: not a whole number; {name} takes a whole number from "
                f"{low:,} to {top}"
            )
        number = int(as_float)
    if not low <= number <= high:
        raise ParameterError(f"{name} = {number:,}: out of range; allowed: {low:,} to {top}")
    return number


def check_weeks(value: Any, name: str = "weeks", low: int = 0) -> int:
    """Weeks to simulate: a whole number from ``low`` (0) to :data:`MAX_WEEKS` (5,200)."""
    return whole_number(value, name, low, MAX_WEEKS)


def check_reps(value: Any, name: str = "reps", low: int = 1) -> int:
    """Replications: a whole number from ``low`` (1) to :data:`MAX_REPS` (10,000)."""
    return whole_number(value, name, low, MAX_REPS)


def check_seed(value: Any, name: str = "seed") -> int:
    """A seed given by a user: a whole number from 0 to 2^63 - 1 (see the module docstring).

    Raises:
        ParameterError: a negative or fractional number, a float at or above 2^53 (no longer
            exact), a bool, or anything that is not a number or a string of digits.
    """
    allowed = "a whole number from 0 to 2^63 - 1"
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            raise ParameterError(f"{name} = {value!r}: takes {allowed} (digits only as text)")
        value = int(text)
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        as_float = float(value)
        if math.isfinite(as_float) and as_float.is_integer() and abs(as_float) >= DRAWN_SEED_LIMIT:
            raise ParameterError(
                f"{name} = {as_float:.17g}: a float this large is no longer an exact seed (it "
                "was probably read as a float, e.g. by pandas iterrows or a spreadsheet, which "
                "rounds it); pass the recorded seed as an integer, e.g. int(df['seed']) on an "
                "int64 column, or as a string of digits"
            )
    return whole_number(value, name, 0, MAX_SEED, "2^63 - 1")


def check_overrides(value: Any, name: str = "overrides") -> dict[str, Any]:
    """Dotted-path overrides: None (none) or a mapping of dotted paths (strings) to values.

    Raises:
        ParameterError: anything else, e.g. a list, or a key that is not a string.
    """
    if value is None:
        return {}
    if isinstance(value, str):
        raise ParameterError(
            f"{name} = {value!r}: give a dict of dotted paths; mesa.batch_run iterates a dict's "
            'keys, so pass dotted names as parameters there ({"org.headcount": 60}) or a list '
            'of dicts ({"overrides": [{...}]})'
        )
    if not isinstance(value, Mapping):
        raise ParameterError(
            f"{name} = {value!r}: give a dict of dotted parameter paths to values, e.g. "
            '{"org.headcount": 1000, "culture.service_direction": 0.0} (see `servicechain '
            "params`)"
        )
    bad = [k for k in value if not isinstance(k, str)]
    if bad:
        raise ParameterError(
            f"{name}: key {bad[0]!r} is not a dotted parameter path (a string such as "
            "'org.headcount')"
        )
    return dict(value)
