"""What every command of the ``servicechain`` CLI shares: consoles, usage errors, ``--set``."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

console = Console()
err_console = Console(stderr=True)


class UsageError(Exception):
    """Bad command-line input; reported as 'error: ...' with exit code 2."""


def parse_sets(sets: list[str] | None, culture: str | None = None) -> dict[str, object]:
    """Turn ``--set a.b=v`` strings (and ``--culture``) into a validated overrides dict."""
    from sim.overrides import parse_value
    from sim.scenario import culture_direction

    overrides: dict[str, object] = {}
    if culture is not None:
        overrides["culture.service_direction"] = culture_direction(culture)
    for item in sets or []:
        if "=" not in item:
            raise UsageError(f"--set {item!r}: expected section.field=value")
        path, _, value = item.partition("=")
        overrides[path.strip()] = parse_value(path.strip(), value)
    return overrides


def check_frame_path(out: Path) -> None:
    """Reject an ``--out`` that is not .csv/.parquet before any work is done."""
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise UsageError(f"--out {out}: use a .csv or .parquet file name")


def write_frame(df, out: Path) -> None:
    """Write a DataFrame as .csv or .parquet (by suffix), creating the folder."""
    check_frame_path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        df.to_csv(out)
    else:
        df.to_parquet(out)
