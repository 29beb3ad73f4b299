"""Machine description recorded with every benchmark run, so two runs can be compared fairly."""

from __future__ import annotations

import datetime as dt
import os
import platform
from pathlib import Path

import numpy as np


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (Linux), else ``platform.processor()``."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> float | None:
    """Total physical memory in GiB (Linux /proc/meminfo), or None when unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None


def machine_info() -> dict[str, object]:
    """Cores, CPU model, memory, OS, Python/NumPy/pandas/Mesa versions and the date (UTC)."""
    import mesa
    import pandas as pd

    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory_gib": memory_gib(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "mesa": mesa.__version__,
        # Other work on the machine inflates wall times; the CPU-time columns are robust to it.
        "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
