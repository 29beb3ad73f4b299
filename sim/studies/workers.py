"""Worker processes for sweeps and validation that never outlive the process that started them.

A killed driver (Ctrl-C, ``kill``, even ``kill -9``, which runs no clean-up) would otherwise leave
its pool's workers computing at full speed for nobody. Each worker runs a watchdog thread that
checks twice a second whether its parent is still the driver, and exits when it is not.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

WATCH_INTERVAL = 0.5  # seconds between a worker's checks of its parent


def _exit_with_parent(parent: int) -> None:
    """Pool initializer: a daemon thread ends this worker once ``parent`` is gone."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_INTERVAL)
        os._exit(1)  # the driver died: nobody will read our results

    threading.Thread(target=watch, name="servicechain-watchdog", daemon=True).start()


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A spawn-based process pool whose workers exit when this process dies.

    Spawn explicitly: mesa switches to it anyway, and forking a process with numpy threads is
    unsafe on some platforms. Workers import sim once (about 2 s) and then run many tasks. The
    kernels are compiled here first (:func:`sim.precompile.precompile`; a moment when numba's
    cache is warm), so that the workers load them from the cache instead of each compiling
    them at once on a cold one.
    """
    from sim.precompile import precompile

    precompile()
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )
