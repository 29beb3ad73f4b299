"""Play, decoupled from drawing: a thread steps the session; the page draws what it finds.

A :class:`Runner` steps a session's runs in its own thread at a chosen speed (weeks per second,
or as fast as the machine goes for "run to week N"), one week at a time under the session's lock
and a slot of :data:`dashboards.limits.SIM_SLOTS`, until it is paused, reaches its target week or
the horizon. It never touches the page. The page's frame pacer (``dashboards.app``) draws the
latest state at most a few times a second, and only once the browser has drawn the previous
frame (:class:`FrameGate`), so redraws never queue up behind each other: a click such as Pause
is handled and shown at once, whatever the speed.
"""

from __future__ import annotations

import logging
import threading
import time

from dashboards.limits import SIM_SLOTS

log = logging.getLogger("servicechain.dashboard")

MAX_SPEED = None  # speed value meaning "as fast as possible" (run to week N)


class Runner:
    """Steps one session in a background thread (see the module docstring).

    Args:
        session: The :class:`~dashboards.session.DashboardSession` to step.
        closed: Set when the browser session ends; the thread then exits.

    Attributes:
        reason: Why the last play stopped: ``"paused"``, ``"horizon"``, ``"target"``,
            ``"error: ..."`` or ``""`` while playing.
    """

    def __init__(self, session, closed: threading.Event | None = None) -> None:
        self.session = session
        self.closed = closed or threading.Event()
        self.reason = ""
        self._cond = threading.Condition()
        self._playing = False
        self._speed: float | None = 12.0
        self._until: int | None = None
        self._busy = threading.Lock()  # held while a week is being stepped
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ control
    @property
    def playing(self) -> bool:
        """True while the thread is stepping (or about to)."""
        return self._playing

    def play(self, speed: float | None = 12.0, until: int | None = None) -> None:
        """Start stepping at ``speed`` weeks/s (None: as fast as possible) until ``until``.

        Without ``until`` Play stops at the session's horizon. Returns at once.
        """
        with self._cond:
            self._speed = None if speed is None else max(float(speed), 0.1)
            self._until = until
            self._playing = True
            self.reason = ""
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="servicechain-runner", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def set_speed(self, speed: float | None) -> None:
        """Change the speed while playing (from the next week)."""
        with self._cond:
            self._speed = None if speed is None else max(float(speed), 0.1)
            self._cond.notify_all()

    def pause(self) -> None:
        """Stop stepping; returns once no week is being stepped (a few milliseconds at most)."""
        with self._cond:
            if self._playing:
                self.reason = "paused"
            self._playing = False
            self._cond.notify_all()
        with self._busy:  # wait for the week in progress, so the caller sees a settled state
            pass

    def close(self) -> None:
        """Stop for good (the browser session ended)."""
        self.closed.set()
        self.pause()

    # ------------------------------------------------------------------ the thread
    def _target(self) -> int:
        return self.session.horizon if self._until is None else min(self._until, 10**9)

    def _stop(self, reason: str) -> None:
        with self._cond:
            self._playing = False
            self.reason = reason

    def _loop(self) -> None:
        while not self.closed.is_set():
            with self._cond:
                while not self._playing and not self.closed.is_set():
                    self._cond.wait(timeout=1.0)
            if self.closed.is_set():
                return
            try:
                self._play()
            except Exception as err:  # a failing step must not end the thread silently
                log.exception("simulation step failed")
                self._stop(f"error: {err}")

    def _play(self) -> None:
        # Each week is due at t0 + k / speed; a slow week lowers the frame rate, not the speed.
        t0, done, speed = time.perf_counter(), 0, self._speed
        while self._playing and not self.closed.is_set():
            if self._speed != speed:  # speed changed: restart the clock
                t0, done, speed = time.perf_counter(), 0, self._speed
            target = self._target()
            if self.session.week >= target:
                self._stop("target" if self._until is not None else "horizon")
                return
            if speed is not None:
                wait = t0 + done / speed - time.perf_counter()
                if wait > 0:
                    with self._cond:  # wakes early on pause or a speed change
                        self._cond.wait(timeout=min(wait, 0.25))
                    continue
            with self._busy:
                if not self._playing:
                    return
                with SIM_SLOTS:
                    self.session.step(1)
            done += 1
            if speed is None:
                time.sleep(0.001)  # let a waiting click take the session's lock


class FrameGate:
    """Tracks the frames sent to the browser's plots until each reports it has drawn them.

    The frame pacer sends a new frame only when :meth:`idle` (or after ``timeout`` seconds, so
    a plot that never answers, e.g. in a hidden tab, cannot stop the pictures).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[int, int] = {}
        self._since = 0.0

    def sent(self, plot: int, revision: int) -> None:
        """A plot was given frame ``revision``."""
        with self._lock:
            if not self._pending:
                self._since = time.monotonic()
            self._pending[plot] = revision

    def drawn(self, plot: int, revision: int) -> None:
        """A plot reports it has drawn frame ``revision``."""
        with self._lock:
            if self._pending.get(plot, revision + 1) <= revision:
                del self._pending[plot]

    def forget(self, plot: int) -> None:
        """A plot left the page."""
        with self._lock:
            self._pending.pop(plot, None)

    def idle(self, timeout: float = 1.5) -> bool:
        """True when every plot has drawn its last frame (or the oldest waited ``timeout`` s)."""
        with self._lock:
            return not self._pending or time.monotonic() - self._since > timeout
