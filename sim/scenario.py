"""Scenarios: TOML presets (data, not code) -> validated :class:`~sim.params.Params`.

A scenario file holds parameter sections (``[org]``, ``[culture]``, ``[interventions.training]``,
``[[events]]`` ...) plus optional top-level keys: ``description`` (one line), ``narrative``
(what to watch), ``notice`` and ``try`` (lists of short lines: things to notice and things to
try, shown to students by the dashboard) and ``extends`` (the name or path of a scenario to
inherit from; this file's values override it, section by section; lists such as
``org.departments`` are replaced whole; the texts are the file's own and are not inherited).
Anything left out takes the schema default.

A scenario *spec* may carry a culture: ``airline@two_way`` is the ``airline`` preset run under the
two-way culture (``pyramid``, ``two_way``, ``inverted`` or a number from -1 to 1 for
``culture.service_direction``).

Every error names the file, the key path, what was wrong and what is allowed.
"""

from __future__ import annotations

import difflib
import tomllib
import typing
from pathlib import Path
from typing import Any

from sim.files import file_kind, inside, read_regular_file
from sim.overrides import apply_overrides, build_params
from sim.params import Event, Merger, ParameterError, Params
from sim.shipped import SCENARIO_DIR, shipped_folder

# The shipped examples (the example client): a scenario may name data files there.
EXAMPLES_DIR = shipped_folder("examples")
TEXT_KEYS = ("description", "narrative")  # one text each
LIST_KEYS = ("notice", "try")  # lists of short texts
META_KEYS = (*TEXT_KEYS, *LIST_KEYS, "extends")
# Keys of [org] that name data files; in a scenario file they are relative to the file.
DATA_FILE_KEYS = ("chart", "survey", "survey_weights")
# The one culture-name map: the presets that define a culture. Their culture.service_direction is
# what a culture name means everywhere (`NAME@culture`, `--culture`, compare, validate).
CULTURE_PRESETS = ("pyramid", "two_way", "inverted")
_EVENT_FIELDS = {
    cls.model_fields["type"].default: list(cls.model_fields)
    for cls in typing.get_args(typing.get_args(Event)[0])
}
# A merger's partner given as a file (a scenario .toml or a chart .csv) rather than a preset.
PARTNER_SUFFIXES = (".toml", ".csv")


class ScenarioError(ParameterError):
    """A scenario cannot be found or is invalid. The message names the file and the key."""


class DataFileOutside(ScenarioError):
    """A scenario names a data file outside its folder and the shipped examples.

    Attributes:
        key: The ``[org]`` key (``chart``, ``survey``, ``survey_weights``).
        value: The path as the scenario wrote it.
    """

    def __init__(self, message: str, key: str, value: str) -> None:
        super().__init__(message)
        self.key, self.value = key, value


def preset_names() -> list[str]:
    """Names of the shipped presets (files in ``scenarios/``, :data:`sim.shipped.SCENARIO_DIR`),
    sorted."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def _unknown_preset(text: str) -> ScenarioError:
    names = preset_names()
    close = difflib.get_close_matches(text, names, n=1, cutoff=0.5)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return ScenarioError(
        f"unknown scenario '{text}'.{hint} Presets: {', '.join(names)} (or a path to a .toml file)"
    )


def resolve_path(name_or_path: str | Path) -> Path:
    """The file behind a preset name or a path, or a :class:`ScenarioError` naming the options.

    A path that exists but is not a regular file (a folder, ``/dev/null``, a FIFO) is refused
    with what it is.
    """
    text = str(name_or_path)
    if "\x00" in text:
        raise ScenarioError(f"scenario {text!r}: a name or path cannot contain a NUL byte")
    path = Path(text)
    if path.suffix == ".toml" or "/" in text or path.exists():
        if not path.exists():
            raise ScenarioError(f"scenario file not found: {text}")
        if not path.is_file():
            kind = file_kind(path.stat().st_mode)
            raise ScenarioError(f"{text}: is {kind}, not a scenario file (a .toml file)")
        return path
    candidate = SCENARIO_DIR / f"{text}.toml"
    if candidate.is_file():
        return candidate
    raise _unknown_preset(text)


def split_spec(spec: str | Path) -> tuple[str | Path, str | None]:
    """Split ``NAME@culture`` into the scenario and the culture (None when there is none).

    A path that exists is never split, so files whose names contain ``@`` still load.
    """
    text = str(spec)
    if isinstance(spec, Path) or "@" not in text or Path(text).exists():
        return spec, None
    name, _, culture = text.rpartition("@")
    return name, culture


def culture_direction(culture: str) -> float:
    """``culture.service_direction`` for a culture name (a culture preset) or a number.

    The culture presets' files are the map: ``culture_direction("two_way")`` is the
    ``culture.service_direction`` of ``scenarios/two_way.toml``.

    Raises:
        ScenarioError: when the culture is neither a culture preset nor a number in [-1, 1].
    """
    if culture in CULTURE_PRESETS:
        return load_scenario(culture).culture.service_direction
    try:
        value = float(culture)
    except ValueError:
        value = float("nan")
    if not -1.0 <= value <= 1.0:
        raise ScenarioError(
            f"unknown culture '{culture}'; allowed: {', '.join(CULTURE_PRESETS)} "
            "or a number from -1 (pyramid) to 1 (inverted)"
        )
    return value


# Scenario and experiment files are a few kilobytes; anything far larger is not one.
MAX_TOML_BYTES = 1_000_000
UTF8_BOM = b"\xef\xbb\xbf"


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file into a dict, or a :class:`ScenarioError` that says what is wrong.

    Refused fast and in bounded memory: anything but a regular file (a folder, a FIFO, a
    device), files over :data:`MAX_TOML_BYTES`, files that are not UTF-8 text (binary,
    UTF-16), syntax errors (with the line) and nesting too deep to parse. A UTF-8 byte-order
    mark (Windows Notepad's "UTF-8 with BOM") is skipped, as the CSV reader skips it: the rest
    of the file is read as written.
    """
    raw = read_regular_file(path, "TOML", MAX_TOML_BYTES, ScenarioError)
    raw = raw.removeprefix(UTF8_BOM)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ScenarioError(
            f"{path}: not a UTF-8 text file (byte {err.start}: 0x{raw[err.start]:02x}); TOML "
            "files must be UTF-8, so save it as UTF-8 text"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: invalid TOML: {err}") from None
    except RecursionError:
        raise ScenarioError(
            f"{path}: invalid TOML: arrays or tables nested too deeply to read"
        ) from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _check_file(path: Path, data: dict[str, Any]) -> None:
    """Checks the schema cannot make with the file's name: metadata types and event keys."""
    for key in TEXT_KEYS:
        if key in data and not isinstance(data[key], str):
            raise ScenarioError(f"{path}: {key} = {data[key]!r}: must be a text string (in quotes)")
    for key in LIST_KEYS:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ScenarioError(
                f"{path}: {key} = {value!r}: must be a list of text strings, "
                f'e.g. {key} = ["first line", "second line"]'
            )
    events = data.get("events", [])
    if not isinstance(events, list):
        raise ScenarioError(
            f"{path}: events must be a list of tables ([[events]] blocks), got {events!r}"
        )
    for i, ev in enumerate(events):
        allowed = _EVENT_FIELDS.get(ev.get("type")) if isinstance(ev, dict) else None
        if allowed is None:
            continue  # a missing or unknown type is reported by the schema
        for key in ev:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                raise ScenarioError(
                    f"{path}: unknown key 'events[{i}].{key}' for a {ev['type']} event.{hint} "
                    f"Allowed here: {', '.join(allowed)}"
                )


def _anchor_files(path: Path, data: dict[str, Any]) -> None:
    """Make the data files a scenario names (``org.chart``, ``org.survey``,
    ``org.survey_weights``, a merger's ``partner`` file) relative to the scenario file's folder
    instead of the working directory, so a scenario and its files can be moved and run from
    anywhere together.

    Like ``extends``, they are confined: a scenario file may name data files in its own folder
    (or below it) and in the shipped examples, nothing else, with every symbolic link followed.
    A scenario received from someone else cannot make the model read ``/etc/shadow`` or a
    file next to another client's (and print part of it in an error). Files elsewhere are given
    on the command line, ``--set org.chart=PATH``, which is the user's own choice.
    """
    folder = path.parent.resolve()
    merger = Merger.model_fields["type"].default
    for i, ev in enumerate(data.get("events", []) if isinstance(data.get("events"), list) else []):
        if not isinstance(ev, dict) or ev.get("type") != merger:
            continue
        partner = ev.get("partner")
        if isinstance(partner, str) and "\x00" not in partner and is_partner_file(partner):
            file = Path(partner).expanduser()
            target = (file if file.is_absolute() else folder / file).resolve()
            if not inside(target, (folder, SCENARIO_DIR, EXAMPLES_DIR)):
                raise DataFileOutside(
                    f"{path}: events[{i}].partner = '{partner}': a scenario may name files in "
                    f"its own folder ({folder}) or the shipped examples, not {target}; copy the "
                    "file beside the scenario",
                    "partner",
                    partner,
                )
            ev["partner"] = str(target)
    org = data.get("org")
    if not isinstance(org, dict):
        return  # the schema reports a malformed [org]
    folder = path.parent.resolve()
    for key in DATA_FILE_KEYS:
        value = org.get(key)
        if not isinstance(value, str) or not value or "\x00" in value:
            continue  # the schema reports a wrong type or a NUL byte, naming the key
        file = Path(value).expanduser()
        target = (file if file.is_absolute() else folder / file).resolve()
        if not inside(target, (folder, SCENARIO_DIR, EXAMPLES_DIR)):
            raise DataFileOutside(
                f"{path}: org.{key} = '{value}': a scenario may name data files in its own "
                f"folder ({folder}) or the shipped examples, not {target}; copy the file beside "
                f"the scenario, or give it on the command line with --set org.{key}=PATH",
                key,
                value,
            )
        org[key] = str(target)


def is_partner_file(partner: str) -> bool:
    """True when a merger's ``partner`` names a file (a scenario or a chart), not a preset."""
    return partner.lower().endswith(PARTNER_SUFFIXES) or "/" in partner or "\\" in partner


def _parent_path(path: Path, parent: str) -> str:
    """What ``extends = parent`` in ``path`` refers to: a preset name, else a file in the same
    folder as ``path`` (or below it); nothing outside that folder and the presets."""
    if "\x00" in parent:
        raise ScenarioError(
            f"{path}: extends = {parent!r}: a name or path cannot contain a NUL byte"
        )
    if "/" in parent or "\\" in parent or parent.endswith(".toml"):
        target = (path.parent / parent).resolve()
        folder = path.parent.resolve()
        if not (target.is_relative_to(folder) or target.is_relative_to(SCENARIO_DIR)):
            raise ScenarioError(
                f"{path}: extends = '{parent}': a scenario may extend a preset or a file in its "
                f"own folder ({folder}), not {target}"
            )
        return str(target)
    if (SCENARIO_DIR / f"{parent}.toml").is_file():
        return parent
    sibling = path.parent / f"{parent}.toml"
    return str(sibling.resolve()) if sibling.is_file() else parent


def scenario_data(name_or_path: str | Path, _chain: tuple[str, ...] = ()) -> dict[str, Any]:
    """The merged raw data of a scenario after following ``extends`` (metadata included)."""
    path = resolve_path(name_or_path)
    key = str(path.resolve())
    if key in _chain:
        cycle = " -> ".join(Path(c).stem for c in (*_chain, key))
        raise ScenarioError(
            f"{path}: 'extends' forms a cycle: {cycle}; a scenario cannot inherit from itself"
        )
    data = read_toml(path)
    if not data:
        raise ScenarioError(
            f"{path}: the scenario file is empty (no settings): a half-written file would "
            "otherwise run the defaults without a word. Set what differs from the defaults, or "
            'write extends = "pyramid" to run a preset as it is'
        )
    _check_file(path, data)
    _anchor_files(path, data)
    parent = data.get("extends")
    if parent is not None:
        if not isinstance(parent, str):
            raise ScenarioError(
                f"{path}: extends = {parent!r}: must be a scenario name or a path (a string)"
            )
        try:
            base = scenario_data(_parent_path(path, parent), (*_chain, key))
        except ScenarioError as err:
            if str(err).startswith(("unknown scenario", "scenario file not found")):
                raise ScenarioError(f"{path}: extends = '{parent}': {err}") from None
            raise
        base = {k: v for k, v in base.items() if k not in (*TEXT_KEYS, *LIST_KEYS)}
        data = _merge(base, {k: v for k, v in data.items() if k != "extends"})
        data["_lineage"] = [parent, *base.get("_lineage", [])]
    return data


def _label(path: Path) -> str:
    """How errors name a file: presets by name, other files by the path given."""
    return path.stem if path.parent == SCENARIO_DIR else str(path)


def load_scenario(name_or_path: str | Path) -> Params:
    """Load a preset name, a TOML path or a ``NAME@culture`` spec into validated Params.

    Args:
        name_or_path: A preset name (``servicechain scenarios``), a path to a TOML file, or
            either followed by ``@culture`` (``pyramid``, ``two_way``, ``inverted`` or a number
            from -1 to 1) to run it under that culture.

    Raises:
        ScenarioError: unknown preset, missing file, invalid TOML, a cycle of ``extends``, or
            an invalid parameter (the message names the file and key path).
    """
    spec, culture = split_spec(name_or_path)
    path = resolve_path(spec)
    data = scenario_data(path)
    lineage = data.get("_lineage", [])
    where = _label(path) + (f" (extends {' -> '.join(lineage)})" if lineage else "")
    body = {k: v for k, v in data.items() if k not in (*META_KEYS, "_lineage")}
    try:
        params = build_params(body, where=where)
        _check_buildable(params)
        if culture is not None:
            params = apply_overrides(
                params, {"culture.service_direction": culture_direction(culture)}, where=where
            )
    except ScenarioError:
        raise
    except ParameterError as err:
        text = str(err)
        raise ScenarioError(text if text.startswith(where) else f"{where}: {text}") from None
    return params


def _check_buildable(params: Params) -> None:
    """Build the seat tree once so that structural errors (levels vs salaries) name the file."""
    from sim.org import build_organization

    build_organization(
        params.org, params.economics.salary_base, params.economics.salary_level_ratio
    )


def scenario_info(name_or_path: str | Path) -> dict[str, Any]:
    """Name, description, narrative (empty strings when absent), notice and try (lists)."""
    spec, culture = split_spec(name_or_path)
    data = scenario_data(spec)
    description = str(data.get("description", ""))
    if culture is not None:
        description = f"{description} Run under the {culture} culture.".strip()
    return {
        "name": str(name_or_path) if culture else Path(str(spec)).stem,
        "description": description,
        "narrative": str(data.get("narrative", "")).strip(),
        "notice": [" ".join(str(v).split()) for v in data.get("notice", [])],
        "try": [" ".join(str(v).split()) for v in data.get("try", [])],
    }


def scenario_toml(name_or_path: str | Path, params: Params | None = None) -> str:
    """The resolved scenario as TOML text that loads back to the same parameters.

    Args:
        name_or_path: The scenario spec (its description and narrative head the text).
        params: The parameters to print (default: the scenario's own, loaded).
    """
    import tomli_w

    info = scenario_info(name_or_path)
    params = params if params is not None else load_scenario(name_or_path)
    doc: dict[str, Any] = {}
    if info["description"]:
        doc["description"] = info["description"]
    if info["narrative"]:
        doc["narrative"] = info["narrative"]
    for key in LIST_KEYS:
        if info[key]:
            doc[key] = info[key]
    # TOML has no null: unset optional fields are dropped (they load back as unset).
    doc.update(params.model_dump(exclude_none=True, mode="json"))
    return _compact_number_arrays(tomli_w.dumps(doc, multiline_strings=True))


def _compact_number_arrays(text: str) -> str:
    """Put arrays of plain numbers on one line (tomli_w writes one number per line)."""
    import re

    number = r"-?[0-9][0-9_.eE+-]*"
    pattern = re.compile(rf"\[\n((?:[ ]+{number},\n)+)[ ]*\]")
    return pattern.sub(
        lambda m: "[" + ", ".join(m.group(1).split()).replace(",,", ",")[:-1] + "]", text
    )
