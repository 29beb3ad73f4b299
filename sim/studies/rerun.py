"""Rerun: any stored result again, exactly, from its manifest.

Two kinds of result keep what is needed to run them again:

- a single run written with ``servicechain run ... --out run.csv``, whose manifest
  ``run.manifest.json`` holds the fully resolved parameters, the seed and the weeks
  (:func:`sim.studies.provenance.run_manifest`); a run resumed from a snapshot
  (``run --from``) is rerun from the same snapshot file with the same changes;
- one run of a sweep, from the sweep folder's ``manifest.json`` and the run's row
  (:func:`sim.studies.sweep.rerun`).

``sim.rerun(source, run_id=None)`` takes either and returns the weekly KPI frame;
``servicechain rerun SOURCE [--run-id N] --out FILE`` writes it as ``run --out`` does, so that
rerunning a run's manifest writes the same file byte for byte. The result depends only on the
manifest, not on the scenario files as they are now; a data file (org chart, survey) is read
again, and a rerun says so when it changed since the run (its SHA-256 differs), as it does
when the package or a library that computes results has another version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.params import ParameterError

MAX_MANIFEST_BYTES = 50_000_000  # a run manifest is a few kilobytes; a sweep's lists its seeds
# Versions that can change a result: a difference is reported with the rerun.
COMPARED_VERSIONS = ("package_version", "git_commit", "python", "numpy", "numba", "mesa")


class ManifestError(ParameterError):
    """A manifest cannot be read or rerun. The message names the file and what is wrong."""


@dataclass
class Rerun:
    """A rerun run: its KPI frame and what may make it differ from the stored result.

    Attributes:
        kpis: The weekly KPI frame (:meth:`sim.model.ServiceCultureModel.kpis`).
        manifest: The manifest it was run from.
        warnings: Differences from when the result was made (versions, changed data files).
    """

    kpis: pd.DataFrame
    manifest: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def read_manifest(path: str | Path) -> dict[str, Any]:
    """A manifest file's JSON (bounded read of a regular file), or a :class:`ManifestError`."""
    from sim.files import read_regular_file

    raw = read_regular_file(path, "manifest", MAX_MANIFEST_BYTES, ManifestError)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ManifestError(f"{path}: not a manifest (not JSON text)") from None
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: not a manifest (a JSON object is expected)")
    return data


def rerun_run(manifest: Mapping[str, Any], where: str = "manifest") -> Rerun:
    """Run a single run's manifest again (see the module docstring).

    Raises:
        ManifestError: the manifest lacks the parameters, seed or weeks, or they are invalid.
    """
    from sim.arguments import check_seed, check_weeks
    from sim.model import ServiceCultureModel
    from sim.overrides import build_params

    missing = [key for key in ("params", "seed", "weeks") if key not in manifest]
    if missing:
        raise ManifestError(
            f"{where}: not a run manifest (no {', '.join(missing)}); give the .manifest.json "
            "written beside a `servicechain run --out` file, or a sweep folder with --run-id"
        )
    try:
        params = build_params(manifest["params"], where=f"{where}: params")
        seed = check_seed(manifest["seed"], f"{where}: seed")
        weeks = check_weeks(manifest["weeks"], f"{where}: weeks")
    except ParameterError as err:
        raise ManifestError(str(err)) from None
    resumed = manifest.get("resumed_from")
    if resumed is None:
        model = ServiceCultureModel(params, seed=seed)
        kpis = model.run(weeks)
    else:
        model = _resume(resumed, manifest.get("overrides") or {}, where)
        kpis = model.run(weeks - model.steps)
    return Rerun(kpis, dict(manifest), differences(manifest))


def _resume(resumed: Mapping[str, Any], overrides: Mapping[str, Any], where: str) -> Any:
    """The model of a run that was resumed from a snapshot (``run --from``): the same snapshot
    file with the same changes from its next week on."""
    from sim.model import ServiceCultureModel

    snapshot = Path(str(resumed.get("snapshot", "")))
    if not snapshot.is_file():
        raise ManifestError(
            f"{where}: the run resumed the snapshot {snapshot} at week {resumed.get('week')}, "
            "and a rerun needs that file; it is not there"
        )
    return ServiceCultureModel.from_snapshot(snapshot, overrides=overrides)


def differences(manifest: Mapping[str, Any]) -> list[str]:
    """What differs now from when the manifest was written: versions and data files."""
    from sim.studies.provenance import environment, file_digest

    notes = []
    then = manifest.get("environment") or {}
    now = environment()
    for key in COMPARED_VERSIONS:
        if key in then and then[key] != now.get(key):
            notes.append(f"{key} was {then[key]}, now {now.get(key)}")
    for path, info in (manifest.get("data_files") or {}).items():
        digest = file_digest(info.get("path", ""))
        if digest != info.get("sha256"):
            state = "is missing" if digest is None else "changed since the run"
            notes.append(f"{path} = {info.get('path')} {state}")
    return notes


def rerun(source: str | Path | Mapping[str, Any], run_id: int | None = None) -> pd.DataFrame:
    """Any stored run again, exactly: its weekly KPI frame.

    Args:
        source: A run manifest (``run.manifest.json``, or its dict), or a sweep folder (or
            its ``manifest.json``).
        run_id: With a sweep, the run to repeat.

    Returns:
        The KPI frame; for a run manifest it equals the stored ``run --out`` frame exactly, and
        ``attrs["rerun_warnings"]`` lists what differs from when it was made (empty: nothing).

    Raises:
        ManifestError: an unreadable source, or a sweep without ``run_id``.
        sim.studies.sweep.SweepError: a sweep folder without that run.
    """
    result = rerun_result(source, run_id)
    result.kpis.attrs["rerun_warnings"] = result.warnings
    return result.kpis


def rerun_result(source: str | Path | Mapping[str, Any], run_id: int | None = None) -> Rerun:
    """:func:`rerun` with the manifest and the differences kept apart (for the command)."""
    from sim.studies.sweep import rerun as rerun_sweep

    if isinstance(source, Mapping):
        return rerun_run(source)
    path = Path(source)
    folder = path if path.is_dir() else None
    manifest: dict[str, Any] | None = None
    if folder is None:
        manifest = read_manifest(path)
        if "base_params" in manifest:  # a sweep folder's manifest.json
            folder = path.parent
    if folder is not None:
        if run_id is None:
            raise ManifestError(
                f"{source}: a sweep folder; say which run to repeat (run_id, --run-id N: "
                "the run_id column of its runs)"
            )
        manifest = manifest or read_manifest(folder / "manifest.json")
        return Rerun(rerun_sweep(folder, run_id), manifest, differences(manifest))
    if run_id is not None:
        raise ManifestError(f"{source}: a single run's manifest has no run_id; leave it out")
    assert manifest is not None
    return rerun_run(manifest, where=str(path))
