"""Every seat's recent weeks, so the employee panel shows a person's history the moment they
are clicked.

A ring of the last :data:`HISTORY_WEEKS` weeks of the live run's seat arrays (morale, mindset,
skill, workload, filled), recorded after each step: a few array copies a week, no loop over
seats. 2,000 seats cost about 1.7 MB (float32).
"""

from __future__ import annotations

import numpy as np

HISTORY_WEEKS = 52
SERIES = ("morale", "mindset", "skill", "workload")


class SeatHistory:
    """The last ``weeks`` weeks of every seat of one run.

    Args:
        weeks: How many weeks the ring keeps.
    """

    def __init__(self, weeks: int = HISTORY_WEEKS) -> None:
        self.weeks = int(weeks)
        self._week = np.full(self.weeks, -1, dtype=np.int64)
        self._data: dict[str, np.ndarray] = {}
        self._filled: np.ndarray | None = None
        self._next = 0

    def clear(self) -> None:
        """Forget every recorded week (a new run)."""
        self._week[:] = -1
        self._data = {}
        self._filled = None
        self._next = 0

    def record(self, model) -> None:
        """Record the model's current week (overwrites the oldest week when full)."""
        s = model.state
        n = s.morale.size
        if self._filled is None or self._filled.shape[1] != n:
            self._data = {k: np.zeros((self.weeks, n), dtype=np.float32) for k in SERIES}
            self._filled = np.zeros((self.weeks, n), dtype=bool)
            self._week[:] = -1
            self._next = 0
        i = self._next % self.weeks
        week = int(model.steps)
        if self._next and self._week[(self._next - 1) % self.weeks] == week:
            i = (self._next - 1) % self.weeks  # the same week again (e.g. a redraw): replace it
        else:
            self._next += 1
        self._week[i] = week
        for key in SERIES:
            self._data[key][i] = getattr(s, key)
        self._filled[i] = s.filled

    def __len__(self) -> int:
        return int((self._week >= 0).sum())

    def rows(self, seat: int) -> list[dict]:
        """One seat's recorded weeks, oldest first: week, morale, mindset, skill, workload and
        whether the seat was vacant."""
        if self._filled is None or not 0 <= seat < self._filled.shape[1]:
            return []
        order = [i for i in np.argsort(self._week, kind="stable") if self._week[i] >= 0]
        return [
            {
                "week": int(self._week[i]),
                **{k: float(self._data[k][i, seat]) for k in SERIES},
                "vacant": not bool(self._filled[i, seat]),
            }
            for i in order
        ]
