"""Compile the numba kernels ahead, for the Python in use, into numba's on-disk cache.

The kernels (:mod:`sim.kernels`) are compiled on first use and cached on disk (``cache=True``):
in the package's ``sim/kernels/__pycache__`` when that folder is writable (an editable install,
a virtual environment), else in numba's per-user cache folder, or in ``NUMBA_CACHE_DIR`` when
it is set. Every process of the same installation and user therefore reads the same cache, and
a cached kernel loads in milliseconds. Compiling them all takes 25-70 s of CPU on first use,
and several processes started together on a cold cache (the workers of a sweep, of
``validate`` or of EMA Workbench's ``MultiprocessingEvaluator``) would each compile them again.

:func:`precompile` runs a tiny model through every phase, which compiles every kernel with the
argument types production uses (or loads them when the cache is warm). ``make install`` runs
it (``python -m sim.precompile``), so the first run after an install starts at once; the
tools that start worker processes (:func:`sim.studies.workers.process_pool`, :func:`sim.ema.model`)
run it in the driving process first, so that their workers only load the cache. Caches are
per Python version and CPU: a Python 3.12 environment compiles its own, once.

Usage::

    python -m sim.precompile        # prints what was compiled or loaded, and where
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

# A model small enough to build and run in milliseconds once compiled, through every phase
# (warm-up, demand, requests, service, encounters, people, workforce, customers, ledger).
TINY = {"org.headcount": 40, "warmup_weeks": 2}
TINY_WEEKS = 2


@dataclass(frozen=True)
class Precompiled:
    """What :func:`precompile` did.

    Attributes:
        kernels: Number of compiled kernels (numba dispatchers in :mod:`sim.kernels`).
        signatures: Compiled type signatures over all kernels.
        compiled: Signatures compiled now (not found in the cache).
        loaded: Signatures loaded from the cache (a kernel loaded whole brings the helpers it
            calls with it, so these count the kernels the phases call).
        seconds: Wall time.
        cache: Where numba keeps the cache for these kernels.
    """

    kernels: int
    signatures: int
    compiled: int
    loaded: int
    seconds: float
    cache: str


def kernel_dispatchers() -> dict[str, Any]:
    """Every compiled kernel of :mod:`sim.kernels`, by ``module.function``."""
    from numba.core.registry import CPUDispatcher

    from sim.kernels import cohorts, requests, service

    return {
        f"{module.__name__.rsplit('.', 1)[-1]}.{name}": obj
        for module in (cohorts, requests, service)
        for name, obj in vars(module).items()
        if isinstance(obj, CPUDispatcher) and obj.__module__ == module.__name__
    }


def cache_counts() -> tuple[int, int]:
    """(signatures compiled after a cache miss, signatures loaded from the cache) so far in
    this process, over every kernel."""
    kernels = kernel_dispatchers().values()
    compiled = sum(sum(k.stats.cache_misses.values()) for k in kernels)
    loaded = sum(sum(k.stats.cache_hits.values()) for k in kernels)
    return compiled, loaded


def precompile() -> Precompiled:
    """Compile (or load from the cache) every kernel with production's argument types.

    Runs a 40-seat model for 2 weeks after a 2-week warm-up, seeded, so every phase calls its
    kernels; when the cache is warm this takes well under a second.
    """
    from sim.model import ServiceCultureModel

    started = time.perf_counter()
    before = cache_counts()
    ServiceCultureModel("pyramid", overrides=TINY, seed=0).run(TINY_WEEKS)
    after = cache_counts()
    kernels = kernel_dispatchers()
    paths = {k.stats.cache_path for k in kernels.values() if k.stats.cache_path}
    return Precompiled(
        kernels=len(kernels),
        signatures=sum(len(k.signatures) for k in kernels.values()),
        compiled=after[0] - before[0],
        loaded=after[1] - before[1],
        seconds=time.perf_counter() - started,
        cache=", ".join(sorted(paths)),
    )


def main() -> int:
    """``python -m sim.precompile``: compile (or load) the kernels and say so in one line."""
    result = precompile()
    python = ".".join(map(str, sys.version_info[:3]))
    print(
        f"numba kernels for Python {python}: {result.kernels} kernels, {result.signatures} "
        f"signatures ({result.compiled} compiled, {result.loaded} loaded from the cache) in "
        f"{result.seconds:.1f} s; cache: {result.cache}"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
