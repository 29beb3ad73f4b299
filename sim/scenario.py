"""Scenarios: TOML presets (data, not code) -> validated :class:`~sim.params.Params`.

A scenario file holds parameter sections (``[org]``, ``[culture]``, ``[interventions.training]``,
``[[events]]`` ...) plus three optional top-level keys: ``description`` (one line), ``narrative``
(what to watch) and ``extends`` (the name or path of a scenario to inherit from; this file's
values override it, section by section). Anything left out takes the schema default.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sim.params import ParameterError, Params, build_params

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
META_KEYS = ("description", "narrative", "extends")


class ScenarioError(ParameterError):
    """A scenario cannot be found or is invalid. The message names the file and the key."""


def preset_names() -> list[str]:
    """Names of the shipped presets (files in ``scenarios/``), sorted."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def resolve_path(name_or_path: str | Path) -> Path:
    """The file behind a preset name or a path, or a :class:`ScenarioError` naming the options."""
    text = str(name_or_path)
    path = Path(text)
    if path.suffix == ".toml" or "/" in text or path.exists():
        if not path.is_file():
            raise ScenarioError(f"scenario file not found: {text}")
        return path
    candidate = SCENARIO_DIR / f"{text}.toml"
    if candidate.is_file():
        return candidate
    import difflib

    names = preset_names()
    close = difflib.get_close_matches(text, names, n=1, cutoff=0.5)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise ScenarioError(f"unknown scenario '{text}'.{hint} Presets: {', '.join(names)}")


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning syntax errors into a :class:`ScenarioError` with the line."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: invalid TOML: {err}") from None
    except OSError as err:
        raise ScenarioError(f"{path}: cannot read: {err.strerror}") from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def scenario_data(name_or_path: str | Path, _chain: tuple[str, ...] = ()) -> dict[str, Any]:
    """The merged raw data of a scenario after following ``extends`` (metadata included)."""
    path = resolve_path(name_or_path)
    key = str(path.resolve())
    if key in _chain:
        cycle = " -> ".join(Path(c).stem for c in (*_chain, key))
        raise ScenarioError(f"{path}: 'extends' forms a cycle: {cycle}")
    data = read_toml(path)
    parent = data.get("extends")
    if parent is not None:
        if not isinstance(parent, str):
            raise ScenarioError(f"{path}: extends must be a scenario name or path (a string)")
        if not ("/" in parent or parent.endswith(".toml")):
            target = parent
        else:
            target = str((path.parent / parent).resolve())
        try:
            base = scenario_data(target, (*_chain, key))
        except ScenarioError as err:
            if str(err).startswith("unknown scenario") or "not found" in str(err):
                raise ScenarioError(f"{path}: extends = '{parent}': {err}") from None
            raise
        base = {k: v for k, v in base.items() if k not in ("description", "narrative")}
        data = _merge(base, {k: v for k, v in data.items() if k != "extends"})
    return data


def load_scenario(name_or_path: str | Path) -> Params:
    """Load a preset name or a TOML path into validated :class:`~sim.params.Params`.

    Raises:
        ScenarioError: unknown preset, missing file, invalid TOML, a cycle of ``extends``, or
            an invalid parameter (the message names the file and key path).
    """
    path = resolve_path(name_or_path)
    data = scenario_data(path)
    body = {k: v for k, v in data.items() if k not in META_KEYS}
    try:
        return build_params(body, where=str(path if path.parent != SCENARIO_DIR else path.stem))
    except ScenarioError:
        raise
    except ParameterError as err:
        raise ScenarioError(str(err)) from None


def scenario_info(name_or_path: str | Path) -> dict[str, str]:
    """Description and narrative of a scenario (empty strings when absent)."""
    data = scenario_data(name_or_path)
    return {
        "name": Path(str(name_or_path)).stem,
        "description": str(data.get("description", "")),
        "narrative": str(data.get("narrative", "")),
    }
