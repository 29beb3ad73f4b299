"""Rewind: go back to an earlier week of a run and try something else from there.

A :class:`Rewind` keeps an in-memory snapshot (:meth:`~sim.model.ServiceCultureModel.checkpoint`)
of the model every few weeks. :meth:`Rewind.rewind` gives back a model at one of those weeks,
exactly as it was then (its state, its parameters and levers in force, its KPI history up to
that week), so a user can pull another lever from there; the snapshots after that week belong to
the abandoned branch and are dropped. Memory stays bounded: when the kept snapshots pass
``max_bytes``, every other one is let go (the interval doubles), the first (week 0) and the
latest kept.

Example (what a dashboard session does)::

    history = Rewind(every=4)
    history.record(model)                  # after building, then after every step
    ...
    history.weeks()                        # [0, 4, 8, ..., 52]
    model = history.rewind(24)             # the model at the end of week 24
    model.set_params({"interventions.training.intensity": 1.0})   # another lever from week 25
"""

from __future__ import annotations

from sim.model import ServiceCultureModel
from sim.params import ParameterError
from sim.snapshot import Snapshot


class Rewind:
    """In-memory snapshots of one run, every ``every`` weeks (see the module docstring).

    Args:
        every: Keep the state of every ``every``-th week (>= 1), week 0 included.
        max_bytes: Memory for the kept snapshots (default 256 MiB; a snapshot is about 0.3 MB
            at 300 employees and 2 MB at 2,000); past it the interval doubles.
    """

    def __init__(self, every: int = 4, max_bytes: int = 256 * 2**20) -> None:
        if every < 1:
            raise ParameterError(f"every = {every}: keep a snapshot every 1 or more weeks")
        self.every = int(every)
        self.max_bytes = int(max_bytes)
        self._kept: dict[int, Snapshot] = {}

    def record(self, model: ServiceCultureModel) -> bool:
        """Keep the model's state if its week is due (a multiple of ``every``); call it after
        building the model and after every step. Returns True when a snapshot was kept."""
        week = int(model.steps)
        if week % self.every or week in self._kept:
            return False
        self._kept[week] = model.checkpoint()
        while self.kept_bytes > self.max_bytes and self._thin():
            pass
        return True

    def weeks(self) -> list[int]:
        """The weeks one can go back to, in order."""
        return sorted(self._kept)

    def nearest(self, week: int) -> int:
        """The latest kept week at or before ``week`` (for a slider that snaps to them).

        Raises:
            ParameterError: nothing is kept at or before ``week``.
        """
        earlier = [w for w in self._kept if w <= week]
        if not earlier:
            raise ParameterError(f"week {week}: no state kept at or before it")
        return max(earlier)

    def rewind(self, week: int) -> ServiceCultureModel:
        """A new model at the end of ``week`` (one of :meth:`weeks`), as it was then; the
        snapshots after it are dropped, since what follows is a new branch.

        Raises:
            ParameterError: ``week`` is not kept (the message lists the nearest kept weeks).
        """
        if week not in self._kept:
            kept = self.weeks()
            raise ParameterError(
                f"week {week}: no state kept for it; kept weeks are {_span(kept)} (every "
                f"{self.every} weeks)"
            )
        for later in [w for w in self._kept if w > week]:
            del self._kept[later]
        return ServiceCultureModel.from_snapshot(self._kept[week])

    @property
    def kept_bytes(self) -> int:
        """Bytes held by the kept snapshots."""
        return sum(s.nbytes for s in self._kept.values())

    def _thin(self) -> bool:
        """Double the interval and let go of the snapshots off it (the first and the latest kept
        stay). Returns False when nothing could be let go."""
        first, latest = min(self._kept), max(self._kept)
        self.every *= 2
        drop = [w for w in self._kept if w % self.every and w not in (first, latest)]
        for w in drop:
            del self._kept[w]
        return bool(drop)


def _span(weeks: list[int]) -> str:
    if not weeks:
        return "none"
    if len(weeks) <= 6:
        return ", ".join(map(str, weeks))
    return f"{', '.join(map(str, weeks[:3]))}, ..., {', '.join(map(str, weeks[-2:]))}"
