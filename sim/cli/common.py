"""What every command of the ``servicechain`` CLI shares: consoles, usage errors, ``--set``."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console


class _Console(Console):
    """A rich console that wraps text to the width of a terminal, and elsewhere (a pipe, a log
    file, captured output) prints each message on one line: rich would otherwise fold long
    lines at 80 columns, cutting a file path or an error message in two."""

    def print(self, *objects, **kwargs) -> None:
        """Rich's ``print``; ``soft_wrap`` defaults to True off a terminal."""
        kwargs.setdefault("soft_wrap", not self.is_terminal)
        super().print(*objects, **kwargs)


console = _Console()
err_console = _Console(stderr=True)


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


def check_writable(out: Path, folder: bool = False) -> None:
    """Reject an ``--out`` that cannot be written, before any work is done.

    Creates the missing parent folders (or the folder itself with ``folder=True``) and writes
    and removes a probe file there, so a read-only place, a path through a file, a file where
    a folder is wanted, or something that is not a regular file (a FIFO, on which the final
    write would block forever; a device) is reported now, not after an hour of simulation.
    """
    import tempfile

    from sim.files import output_problem

    what = "folder" if folder else "file"
    problem = output_problem(out)
    if problem is not None:  # a FIFO would block the write after all the work; a device...
        raise UsageError(f"--out {out}: {problem}")
    if folder and out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: is a file; give a folder for the results")
    if not folder and out.is_dir():
        raise UsageError(f"--out {out}: is a folder; give a {what} name")
    place = out if folder else out.parent
    try:
        place.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=place, prefix=".servicechain-probe-"):
            pass
    except OSError as err:
        raise UsageError(
            f"--out {out}: cannot write there ({err.strerror or err}); choose another {what}"
        ) from None


def write_frame(df, out: Path) -> None:
    """Write a DataFrame as .csv or .parquet (by suffix), creating the folder."""
    check_frame_path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        df.to_csv(out)
    else:
        df.to_parquet(out)
