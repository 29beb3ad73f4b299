"""Slow studies off the dashboard's process: a list of runs in a worker process of its own.

The "Why" panel (``dashboards.why``) and the lessons (``dashboards.lessons``) need whole
simulations, seconds to a minute of work. Done in the server's process they would hold its
interpreter lock and slow Play, Pause and every click of every session. A :class:`Job` instead
starts one spawned process (``multiprocessing``, spawn like ``sim.studies.workers``) at a lower
CPU priority (``nice`` +10: on a busy machine the live runs go first), sends it the runs, and
reads each result back in a thread of its own as it comes, so the page can show progress.

At most ``dashboards.limits.MAX_BACKGROUND`` workers run at once across all sessions; a job
beyond them waits for a slot (:attr:`Job.waiting`) before it starts its process.

:meth:`Job.cancel` ends the process at once (a comparison changed, the session closed); the
worker also exits by itself when the server dies (``sim.studies.workers``'s watchdog). The
tasks are ``(function, args)`` pairs of module-level functions (picklable), run in order.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from dashboards.limits import BACKGROUND_SLOTS

WORKER_NICE = 10  # the worker's CPU priority below the server's (Unix nice increment)
POLL_S = 0.5  # how often the reader checks that the worker is still alive
JOIN_S = 3.0  # how long cancel waits for the worker to end


def _serve(tasks: Sequence[tuple[Callable, tuple]], out: Any, parent: int) -> None:
    """The worker: run the tasks in order, sending ``("row", i, result)`` after each, then
    ``("done", n, None)``; an exception ends it with ``("error", i, message)``."""
    from sim.studies.workers import _exit_with_parent

    try:
        os.nice(WORKER_NICE)
    except OSError:  # pragma: no cover - a platform without nice: run at the same priority
        pass
    _exit_with_parent(parent)
    for i, (function, args) in enumerate(tasks):
        try:
            row = function(*args)
        except Exception as err:  # the message reaches the page; the worker stops
            out.put(("error", i, f"{type(err).__name__}: {err}"))
            return
        out.put(("row", i, row))
    out.put(("done", len(tasks), None))


class Job:
    """Runs ``tasks`` in a worker process; results arrive in :attr:`rows` in task order.

    Args:
        tasks: ``(function, args)`` pairs; each ``function(*args)`` returns one picklable row.
        on_update: Called (from the reader thread) after each result and when the job ends.

    Attributes:
        total: Number of tasks.
        done: Tasks finished so far.
        rows: Each task's result (None until it arrives).
        state: ``"running"``, ``"done"``, ``"error"`` or ``"cancelled"``.
        error: The worker's error message, when ``state == "error"``.
        started: ``time.monotonic()`` when the worker started (or the job was made, while it
            waits); ``finished`` when it ended (else None).
        waiting: True while the job waits for a free worker slot.
        pid: The worker's process id (None while it waits).
    """

    def __init__(
        self,
        tasks: Sequence[tuple[Callable, tuple]],
        on_update: Callable[[Job], None] | None = None,
    ) -> None:
        self.total = len(tasks)
        self.done = 0
        self.rows: list[Any] = [None] * self.total
        self.state = "running"
        self.error = ""
        self.started = time.monotonic()
        self.finished: float | None = None
        self.waiting = True
        self.pid: int | None = None
        self.on_update = on_update
        self._tasks = list(tasks)
        self._lock = threading.RLock()
        self._process: Any = None
        self._queue: Any = None
        self._reader = threading.Thread(
            target=self._work, name="servicechain-background-reader", daemon=True
        )
        self._reader.start()

    def _work(self) -> None:
        """Wait for a worker slot, start the worker, read its results, free the slot."""
        while not BACKGROUND_SLOTS.acquire(timeout=POLL_S):
            if self.state != "running":
                return  # cancelled while waiting
        try:
            with self._lock:
                if self.state != "running":
                    return
                ctx = multiprocessing.get_context("spawn")
                self._queue = ctx.Queue()
                self._process = ctx.Process(
                    target=_serve,
                    args=(self._tasks, self._queue, os.getpid()),
                    name="servicechain-background",
                    daemon=True,
                )
                try:
                    self._process.start()
                except Exception as err:  # e.g. no process can be made: a message, not a hang
                    self._end("error", f"the background worker could not start: {err}")
                    self._notify()
                    return
                self.pid = self._process.pid
                self.started = time.monotonic()
                self.waiting = False
            self._notify()
            self._read()
        finally:
            BACKGROUND_SLOTS.release()

    @property
    def running(self) -> bool:
        """True until the job is done, failed or cancelled."""
        return self.state == "running"

    @property
    def elapsed(self) -> float:
        """Seconds since the start (until the end, once it ended)."""
        return (self.finished or time.monotonic()) - self.started

    def _end(self, state: str, error: str = "") -> None:
        with self._lock:
            if self.state != "running":
                return
            self.state, self.error, self.finished = state, error, time.monotonic()

    def _notify(self) -> None:
        if self.on_update is not None:
            try:
                self.on_update(self)
            except Exception:  # a page that went away must not end the reader with a traceback
                pass

    def _read(self) -> None:
        while self.state == "running":
            try:
                kind, index, payload = self._queue.get(timeout=POLL_S)
            except queue.Empty:
                if not self._process.is_alive() and self.state == "running":
                    self._end("error", "the background worker stopped unexpectedly")
                    self._notify()
                continue
            except (EOFError, OSError):  # the queue closed: cancelled meanwhile
                return
            if kind == "row":
                self.rows[index] = payload
                self.done = index + 1
            elif kind == "done":
                self._end("done")
            else:
                self._end("error", str(payload))
            self._notify()
        self._process.join(timeout=JOIN_S)

    def cancel(self) -> None:
        """Stop the worker now, or before it starts (its results so far stay in
        :attr:`rows`)."""
        with self._lock:
            self._end("cancelled")
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=JOIN_S)
            if self._process.is_alive():  # pragma: no cover - terminate ignored
                self._process.kill()
                self._process.join(timeout=JOIN_S)
        self._notify()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job ended (True) or ``timeout`` seconds passed (False)."""
        self._reader.join(timeout)
        return not self._reader.is_alive()
