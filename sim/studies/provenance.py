"""Provenance: what produced a result (package, git commit, library versions), for manifests.

A manifest is JSON without nulls: an optional setting left unset, or a version that cannot be
found, is left out (so a manifest converts to TOML, which has no null, and loads back to the
same parameters). :mod:`sim.studies.rerun` reads them back.
"""

from __future__ import annotations

import platform
import subprocess
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

# numba compiles the hot loops (sim/kernels); its version is part of what produced a result.
LIBRARIES = ("numpy", "pandas", "mesa", "numba", "scipy", "pydantic", "pyarrow")
# Files a scenario reads besides itself: the manifest keeps a hash of each, so that a rerun can
# tell whether they changed.
DATA_FILE_PATHS = ("org.chart", "org.survey", "org.survey_weights")


@cache
def git_commit() -> str | None:
    """The commit of the source tree the package runs from (``+dirty`` if changed), or None."""
    here = Path(__file__).resolve().parent
    try:
        head = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}+dirty" if dirty else head or None


def environment() -> dict[str, Any]:
    """Package version, git commit, Python and library versions, platform (None: unknown)."""
    from sim.version import __version__

    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "package_version": __version__,
        "git_commit": git_commit(),
        "python": sys.version.split()[0],
        **versions,
        "platform": platform.platform(),
    }


def without_none(value: Any) -> Any:
    """``value`` with every None dropped from its dicts, recursively (TOML has no null)."""
    if isinstance(value, dict):
        return {k: without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_none(v) for v in value]
    return value


def file_digest(path: str | Path) -> str | None:
    """SHA-256 of a data file (hex), or None when it cannot be read as one."""
    import hashlib

    from sim.files import read_regular_file
    from sim.params import ParameterError

    try:
        return hashlib.sha256(read_regular_file(path, "data", 1 << 30)).hexdigest()
    except ParameterError:
        return None


def data_files(params: Any) -> dict[str, dict[str, str]]:
    """The data files the parameters name (chart, survey), each with its path and SHA-256."""
    from sim.overrides import get_path

    files = {}
    for path in DATA_FILE_PATHS:
        name = get_path(params, path)
        if name is not None:
            files[path] = {"path": str(name), "sha256": file_digest(name)}
    return without_none(files)


def run_manifest(
    model: Any, weeks: int, scenario: str, overrides: dict[str, Any], out: Path | None = None
) -> dict[str, Any]:
    """The manifest of one run: what was asked, the fully resolved parameters, seed, versions.

    ``servicechain rerun run.manifest.json --out again.csv`` (or ``sim.rerun(path)``) runs it
    again: ``ServiceCultureModel(Params.model_validate(m["params"]), seed=m["seed"])
    .run(m["weeks"])``, and writes the same file byte for byte.

    Args:
        model: The model that ran (its seed and resolved parameters are recorded).
        weeks: Weeks it ran.
        scenario: The scenario as given (a preset, a file, ``NAME@culture``).
        overrides: The overrides as given (``--set``, ``--culture``).
        out: The file the weekly KPIs were written to (its name and format are recorded).
    """
    import time

    manifest = {
        "kind": "run",
        "scenario": scenario,
        "overrides": overrides,
        "weeks": weeks,
        "seed": model.seed,
        "seats": model.org.n_seats,
        "params": model.params.model_dump(mode="json", exclude_none=True),
        "data_files": data_files(model.params),
        "environment": environment(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if out is not None:
        manifest["output"] = {"file": out.name, "format": out.suffix.lower().lstrip(".")}
    return without_none(manifest)


def manifest_path(out: Path) -> Path:
    """Where the manifest of a run written to ``out`` goes: ``run.csv`` -> ``run.manifest.json``."""
    return out.with_name(f"{out.stem}.manifest.json")
