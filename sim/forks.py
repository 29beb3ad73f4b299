"""Shared warm-ups: runs that differ only in what acts from week 1 start from one week 0.

Every model runs an unreported warm-up before week 0 (``warmup_weeks``, 156 by default: more
than a third of a five-year run's work). The warm-up runs the week's real phases with no lever
and no event but the seasonal demand surges (:mod:`sim.phases.conditions`), so two runs with the
same seed reach the same week 0, bit for bit, when their parameters agree on everything the
warm-up reads. :func:`warmup_params` states that rule, once; :class:`WarmStarts` applies it: it
warms up once per (warm-up, seed) and hands every other run a fork of that week 0
(:meth:`sim.model.ServiceCultureModel.fork`), with that run's own parameters from week 1.
``sim.compare``, lever sweeps and the EMA adapter use it; their results are identical to running
each warm-up (the tests check it run by run).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any

from sim.model import ServiceCultureModel
from sim.params import DemandSurge, Event, Params
from sim.snapshot import Snapshot

# The parts of the parameters that act only from week 1 (besides the one-off events): the
# warm-up never reads them. See warmup_params.
AFTER_WARMUP = ("weeks", "interventions")


def warmup_params(params: Params) -> Params:
    """What a run's warm-up reads: ``params`` with everything that acts only from week 1 set to
    its default. Two runs with the same seed share a warm-up exactly when these are equal.

    The rule (read off :func:`sim.phases.conditions.set_conditions` and
    :meth:`sim.model.ServiceCultureModel._warm_up`): the warm-up runs every phase with no lever
    and no event except the seasonal demand surges (``every`` > 0, part of the normal year). So
    it does not read

    - the levers (``interventions.*``: intensities, costs, saturation),
    - the one-off events: leadership changes, key people leaving, layoffs, hiring freezes,
      budget cuts, one-off surges and competitors (each acts from its week >= 1),
    - the horizon (``weeks``).

    It reads everything else: the organization and every structural parameter, the seasonal
    surges, ``warmup_weeks``, and every behavioural parameter the phases read each week, the
    culture included (``culture.service_direction`` orders the queues in the warm-up too, so
    two cultures never share a warm-up; a culture changed later, by a leadership-change event or
    by ``set_params`` after week 0, does).

    Args:
        params: A run's parameters.

    Returns:
        A copy with ``weeks`` and ``interventions`` at their defaults and only the seasonal
        surges among the events (built without validation: it is a key, not a scenario).
    """
    update: dict[str, Any] = {
        name: Params.model_fields[name].get_default(call_default_factory=True)
        for name in AFTER_WARMUP
    }
    update["events"] = [ev for ev in params.events if _in_warmup(ev)]
    return params.model_copy(update=update)


def _in_warmup(event: Event) -> bool:
    """True for the events the warm-up has: seasonal demand surges."""
    return isinstance(event, DemandSurge) and event.every > 0


def warmup_key(params: Params) -> str:
    """A short hash of :func:`warmup_params`: equal for runs that share a warm-up."""
    doc = json.dumps(warmup_params(params).model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(doc.encode()).hexdigest()[:24]


def shares_warmup(a: Params, b: Params) -> bool:
    """True when runs of ``a`` and ``b`` with the same seed have the same warm-up
    (:func:`warmup_params`)."""
    return warmup_key(a) == warmup_key(b)


def warmup_reads(path: str) -> bool:
    """Whether the warm-up reads the parameter at a dotted ``path`` (:func:`warmup_params`'s
    rule per path): False for ``weeks`` and ``interventions.*``; True for everything else,
    ``events`` included (a seasonal surge is in the warm-up). Design points that differ only
    in paths it does not read share their warm-ups."""
    return not any(path == p or path.startswith(p + ".") for p in AFTER_WARMUP)


class WarmStarts:
    """Models at week 0 for many runs, each distinct warm-up paid once.

    :meth:`model` gives what ``ServiceCultureModel(params, seed=seed, panel=panel)`` gives, bit
    for bit. The first run of each (warm-up, seed, panel) builds its model and keeps a snapshot
    of its week 0 (:meth:`~sim.model.ServiceCultureModel.checkpoint`); later runs get a fork of
    it with their own parameters. Snapshots are kept least recently used first up to
    ``max_bytes``.

    Args:
        max_bytes: Memory for kept week-0 snapshots (default 256 MiB; about 0.3 MB each at 300
            employees, 10 MB at 10,000). The most recent one is always kept.

    Attributes:
        warmups: Warm-ups run so far.
        forks: Runs started from a kept week 0 instead.
    """

    def __init__(self, max_bytes: int = 256 * 2**20) -> None:
        self.max_bytes = int(max_bytes)
        self.warmups = 0
        self.forks = 0
        self._kept: OrderedDict[tuple[str, int, str | None], Snapshot] = OrderedDict()

    def model(self, params: Params, seed: int, panel: str | None = None) -> ServiceCultureModel:
        """A model at week 0 of ``params`` under ``seed`` (see the class docstring)."""
        key = (warmup_key(params), int(seed), panel)
        kept = self._kept.get(key)
        if kept is None:
            self.warmups += 1
            model = ServiceCultureModel(params, seed=seed, panel=panel)
            self._keep(key, model.checkpoint())
            return model
        self._kept.move_to_end(key)
        self.forks += 1
        model = ServiceCultureModel.from_snapshot(kept)
        # The levers and events of this run act from week 1, read from its own parameters.
        model.params = params
        return model

    def _keep(self, key: tuple[str, int, str | None], snapshot: Snapshot) -> None:
        self._kept[key] = snapshot
        while len(self._kept) > 1 and self.kept_bytes > self.max_bytes:
            self._kept.popitem(last=False)

    @property
    def kept_bytes(self) -> int:
        """Bytes held by the kept week-0 snapshots."""
        return sum(s.nbytes for s in self._kept.values())

    def clear(self) -> None:
        """Forget every kept week 0."""
        self._kept.clear()
