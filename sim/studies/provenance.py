"""Provenance: what produced a result (package, git commit, library versions), for manifests."""

from __future__ import annotations

import platform
import subprocess
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

LIBRARIES = ("numpy", "pandas", "mesa", "scipy", "pydantic", "pyarrow")


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
    """Package version, git commit, Python and library versions, platform."""
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


def run_manifest(
    model: Any, weeks: int, scenario: str, overrides: dict[str, Any]
) -> dict[str, Any]:
    """The manifest of one run: what was asked, the fully resolved parameters, seed, versions.

    ``ServiceCultureModel(Params.model_validate(m["params"]), seed=m["seed"]).run(m["weeks"])``
    reproduces the run.
    """
    import time

    return {
        "scenario": scenario,
        "overrides": overrides,
        "weeks": weeks,
        "seed": model.seed,
        "seats": model.org.n_seats,
        "params": model.params.model_dump(mode="json"),
        "environment": environment(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def manifest_path(out: Path) -> Path:
    """Where the manifest of a run written to ``out`` goes: ``run.csv`` -> ``run.manifest.json``."""
    return out.with_name(f"{out.stem}.manifest.json")
