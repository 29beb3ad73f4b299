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
- ``MAX_UPLOAD_BYTES`` and ``MAX_UPLOAD_FILES``: what one upload of your own organization may
  hold (an org chart of 100,000 people is about 6 MB; the headcount cap applies after reading).
- ``MAX_SESSIONS``: browser sessions at once (``SERVICECHAIN_MAX_SESSIONS``, default 24); a
  session beyond it is told the server is busy instead of building models. Sessions of closed
  tabs are freed when their kernel closes (the launcher sets Solara's cull timeout to minutes).
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


def _env_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


MAX_HEADCOUNT = _env_int(HEADCOUNT_ENV, DEFAULT_MAX_HEADCOUNT)
MAX_SESSIONS = _env_int(SESSIONS_ENV, DEFAULT_MAX_SESSIONS)
COMPARE_FACTOR = 4
SIM_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


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
        """Give a place back."""
        with self._lock:
            self._live = max(self._live - 1, 0)

    @property
    def live(self) -> int:
        """Sessions holding a place."""
        return self._live


SESSIONS = SessionCount()
