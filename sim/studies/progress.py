"""The one progress display of every long job: run, compare, validate and sweep.

On a terminal it is a transient rich bar (description, bar, ``done/total unit``, status, elapsed
time, time remaining) on stderr, so piped output stays clean. Anywhere else (a CI log, output
redirected to a file, a Jupyter notebook) it prints a plain line to stderr every ``interval``
seconds and one when such a long job ends, e.g. ``sweep: 40/180 runs (22%), 13 s, 3.1/s, ETA 45 s``:
no widgets, so no ``IProgress not found`` warning in notebooks.

Example:
    >>> with Progress("demo", total=3, unit="runs", enabled=False) as bar:
    ...     for _ in range(3):
    ...         bar.advance()
"""

from __future__ import annotations

import sys
import time
from typing import Any

LINE_INTERVAL = 10.0  # seconds between plain progress lines


class Progress:
    """Progress of ``total`` units of work; use as a context manager and call :meth:`advance`.

    Args:
        label: What is running (the description; :meth:`advance` may change it).
        total: Units of work.
        unit: Name of a unit ("runs", "weeks").
        enabled: False shows nothing.
        console: A rich console to draw the bar on (default: a stderr console).
        interval: Seconds between plain lines when not on a terminal (default
            :data:`LINE_INTERVAL`).
    """

    def __init__(
        self,
        label: str,
        total: int,
        unit: str = "runs",
        *,
        enabled: bool = True,
        console: Any = None,
        interval: float | None = None,
    ) -> None:
        self.label = label
        self.total = int(total)
        self.unit = unit
        self.enabled = enabled
        self.interval = LINE_INTERVAL if interval is None else interval
        self.done = 0
        self.status = ""
        self._bar: Any = None
        self._task: Any = None
        self._started = time.perf_counter()
        self._last_line = self._started
        if enabled:
            from rich.console import Console

            self._console = console if console is not None else Console(stderr=True)
        else:
            self._console = None

    @property
    def on_terminal(self) -> bool:
        """True when the bar is drawn in place (an interactive terminal, not Jupyter)."""
        c = self._console
        return bool(c is not None and c.is_terminal and not c.is_jupyter)

    def __enter__(self) -> Progress:
        self._started = self._last_line = time.perf_counter()
        if self.enabled and self.on_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn(f"{self.unit} {{task.fields[status]}}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=self._console,
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task(self.label, total=self.total, status="")
        return self

    def advance(self, n: int = 1, description: str | None = None, status: str | None = None):
        """Count ``n`` more units done; optionally change the description or the status text."""
        self.done += n
        if description is not None:
            self.label = description
        if status is not None:
            self.status = status
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, advance=n, description=self.label, status=self.status)
            return
        now = time.perf_counter()
        if now - self._last_line >= self.interval and self.done < self.total:
            self._last_line = now
            self._line()

    def line(self) -> str:
        """The plain progress line as it reads now."""
        elapsed = time.perf_counter() - self._started
        pct = self.done / self.total if self.total else 1.0
        rate = self.done / elapsed if elapsed > 0 else 0.0
        text = f"{self.label}: {self.done}/{self.total} {self.unit} ({pct:.0%}), {elapsed:.0f} s"
        if self.done and self.done < self.total:
            text += f", {rate:.3g}/s, ETA {(self.total - self.done) / rate:.0f} s"
        if self.status:
            text += f", {self.status}"
        return text

    def _line(self) -> None:
        print(self.line(), file=sys.stderr, flush=True)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
            self._bar = None
        elif self.enabled and exc[0] is None and self.total:
            # A closing line for jobs long enough to have been worth watching.
            if time.perf_counter() - self._started >= self.interval:
                self._line()
