"""One progress bar for every long command (run, compare, validate)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn


def progress_bar(unit: str, console: Console) -> Progress:
    """A transient bar: description, bar, ``done/total unit`` and time remaining.

    It draws on ``console`` (normally stderr, so piped output stays clean) and stays silent when
    that console is not a terminal (CI logs, redirected output).
    """
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        unit,
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
