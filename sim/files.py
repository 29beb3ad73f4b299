"""Reading the files a person names: regular files only, their size checked before reading.

A scenario, an experiment, an org chart or a survey is a small text file. Anything else a path
can name must fail at once with a message, never hang or fill memory: a folder, ``/dev/zero``
(endless), a FIFO (blocks until someone writes), a socket or a device. :func:`read_regular_file`
opens without blocking, checks with ``fstat`` that the path is a regular file and that its size
is within the caller's cap, then reads at most that many bytes (a file that grows meanwhile is
cut off and refused). :func:`output_problem` applies the same rule to an ``--out`` target that
already exists, before any work is done.

:func:`inside` tells whether a path lies inside one of some folders after every symbolic link is
followed: scenario files may name data files only in their own folder and the shipped examples
(:mod:`sim.scenario`).

Messages name the file and what is wrong; they never quote its contents.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from sim.params import ParameterError


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words (from ``os.stat``'s ``st_mode``)."""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((words for test, words in kinds if test(mode)), "not a regular file")


def _a(word: str) -> str:
    """``word`` with its indefinite article ("a TOML", "an org chart")."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def read_regular_file(
    path: str | Path, what: str, max_bytes: int, error: type[ParameterError] = ParameterError
) -> bytes:
    """The bytes of ``path``, if it is a regular file of at most ``max_bytes`` bytes.

    Args:
        path: The file.
        what: What the file should be, for messages (``"TOML"``, ``"org chart"``): they say
            "... not {_a(what)} file".
        max_bytes: The largest size accepted.
        error: The exception class to raise (a :class:`~sim.params.ParameterError`).

    Raises:
        error: the file is missing or unreadable, is not a regular file (a folder, a FIFO, a
            device, a socket), is larger than ``max_bytes``, or its name has a NUL byte.
    """
    name = str(path)
    if "\x00" in name:
        raise error(f"{what} file {name!r}: a file name cannot contain a NUL byte")
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{what} file not found: {name}") from None
    except IsADirectoryError:
        raise error(f"{name}: is a folder, not {_a(what)} file") from None
    except OSError as err:
        raise error(f"{name}: cannot read the {what} file: {err.strerror or err}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{name}: is {file_kind(info.st_mode)}, not {_a(what)} file")
        if info.st_size > max_bytes:
            raise error(
                f"{name}: {info.st_size:,} bytes is too large for {_a(what)} file (at most "
                f"{max_bytes:,})"
            )
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise error(f"{name}: grew beyond {max_bytes:,} bytes while being read")
        return b"".join(chunks)
    except OSError as err:
        raise error(f"{name}: cannot read the {what} file: {err.strerror or err}") from None
    finally:
        os.close(fd)


def output_problem(path: Path) -> str | None:
    """Why an existing ``--out`` path cannot take a file, or None when it can (or is new).

    Writing to a FIFO blocks until a reader comes; a device or a socket is no place for results.
    """
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None  # missing (or unreachable): the write probe reports it
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return f"is {file_kind(mode)}; give the name of a regular file"


def inside(path: str | Path, folders: Iterable[Path]) -> bool:
    """True when ``path``, with every symbolic link followed, lies inside one of ``folders``."""
    target = Path(path).resolve()
    return any(target.is_relative_to(folder.resolve()) for folder in folders)
