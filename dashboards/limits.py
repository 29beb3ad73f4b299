"""Limits that keep one dashboard server usable by several people on a small machine.

- ``MAX_HEADCOUNT``: the largest organization a session may build (default 5,000 seats; the
  schema allows 100,000, about 0.4 s a week). ``servicechain dashboard --max-headcount N``
  raises it (through the ``SERVICECHAIN_MAX_HEADCOUNT`` environment variable of the server).
- ``COMPARE_FACTOR``: compare mode's budget, scenarios x replications x seats, is this many
  times the headcount cap.
- ``MAX_REPLICATIONS``: replications per scenario in compare mode.
- ``SIM_SLOTS``: simulations stepping at once across all sessions (one per core); a session's
  Play, "run to week" and story steps queue for a slot week by week, so heavy work from one
  session slows, but cannot stall, the others.
- ``BACKGROUND_SLOTS``: worker processes of the Why tab and the lessons at once across all
  sessions (``dashboards.background``); a job beyond them waits for a slot, and says so.
- ``MAX_UPLOAD_BYTES`` and ``MAX_UPLOAD_FILES``: what one upload of your own organization may
  hold (an org chart of 100,000 people is about 6 MB; the headcount cap applies after reading).
- ``MAX_DEPARTMENTS`` and ``MAX_CUSTOMERS``: what one organization may hold in the dashboard.
  A week's cost grows with the departments (every seat remembers every department's inputs)
  and with the customers (their encounters need internal inputs): 600 departments took 30 s to
  open, 3,000 took 105 s and 600 MB; 5,000 customers per frontline seat took 8-51 s. Beyond
  these the dashboard says so instead of building for minutes; the command line has no such
  limits.
- ``MAX_SESSIONS``: browser sessions at once (``SERVICECHAIN_MAX_SESSIONS``, default 24); a
  session beyond it is told the server is busy instead of building models. Sessions of closed
  tabs are freed when their kernel closes (at once when the tab says it closes, else after the
  launcher's idle timeout of minutes), and their memory is given back to the operating system
  (:func:`release_memory`).
"""

from __future__ import annotations

import os
import threading

HEADCOUNT_ENV = "SERVICECHAIN_MAX_HEADCOUNT"
SESSIONS_ENV = "SERVICECHAIN_MAX_SESSIONS"
DEFAULT_MAX_HEADCOUNT = 5_000
DEFAULT_MAX_SESSIONS = 24
MAX_REPLICATIONS = 10
MAX_UPLOAD_BYTES = 10_000_000
MAX_UPLOAD_FILES = 8
MAX_DEPARTMENTS = 100
CUSTOMERS_PER_SEAT_CAP = 40  # customers allowed per seat of the headcount cap


def _env_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


MAX_HEADCOUNT = _env_int(HEADCOUNT_ENV, DEFAULT_MAX_HEADCOUNT)
MAX_SESSIONS = _env_int(SESSIONS_ENV, DEFAULT_MAX_SESSIONS)
MAX_CUSTOMERS = CUSTOMERS_PER_SEAT_CAP * MAX_HEADCOUNT
COMPARE_FACTOR = 4
SIM_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))
MAX_BACKGROUND = 2
BACKGROUND_SLOTS = threading.BoundedSemaphore(MAX_BACKGROUND)


def check_departments(departments: int, what: str) -> None:
    """Refuse an organization with more than :data:`MAX_DEPARTMENTS` departments.

    Raises:
        ParameterError: how many there are and what is allowed.
    """
    from sim.params import ParameterError

    if departments > MAX_DEPARTMENTS:
        raise ParameterError(
            f"{what}: {departments:,} departments is more than this dashboard opens "
            f"({MAX_DEPARTMENTS}); group small departments together, or run it from the "
            "command line (servicechain run)"
        )


def check_workload(params, what: str) -> None:
    """Refuse an organization too heavy to open in the dashboard (before any week is run).

    Args:
        params: The validated parameters (``sim.params.Params``).
        what: What to name in the message (the scenario as the user knows it).

    Raises:
        ParameterError: too many departments or customers, with what is allowed.
    """
    from sim.org import build_organization
    from sim.params import ParameterError

    if params.org.chart is not None:
        from sim.orgchart import load_chart

        check_departments(len(load_chart(params.org.chart).departments), what)
    else:
        check_departments(len(params.org.departments), what)
    org = build_organization(params.org, params.economics.salary_base, 1.0)
    customers = int(org.frontline.sum()) * float(params.customers.per_frontline)
    if customers > MAX_CUSTOMERS:
        raise ParameterError(
            f"{what}: about {customers:,.0f} customers ({params.customers.per_frontline:,g} per "
            f"frontline seat) is more than this dashboard simulates live ({MAX_CUSTOMERS:,}); "
            "lower the customers per frontline employee (customers.per_frontline), or run it from "
            "the command line (servicechain run)"
        )


def release_memory() -> None:
    """Give memory freed by closed sessions back to the operating system.

    Python frees a closed session's models, but glibc keeps the freed heap for reuse, so the
    server's size would not fall; ``malloc_trim`` returns it (Linux with glibc; elsewhere only
    the garbage collection runs).
    """
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


RELEASE_DELAY_S = 5.0  # a closed session's objects are gone a moment after its kernel closes


class SessionCount:
    """Counts live sessions against ``MAX_SESSIONS`` (thread-safe)."""

    def __init__(self, limit: int = MAX_SESSIONS) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._live = 0

    def enter(self) -> bool:
        """Take a place; False when the server is full."""
        with self._lock:
            if self._live >= self.limit:
                return False
            self._live += 1
            return True

    def leave(self) -> None:
        """Give a place back, and the session's memory once its objects are gone."""
        with self._lock:
            self._live = max(self._live - 1, 0)
        timer = threading.Timer(RELEASE_DELAY_S, release_memory)
        timer.daemon = True
        timer.start()

    @property
    def live(self) -> int:
        """Sessions holding a place."""
        return self._live


SESSIONS = SessionCount()
