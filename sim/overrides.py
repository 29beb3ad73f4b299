"""Overrides: dotted-path changes to a scenario (``--set``, TOML, sweeps, the dashboard).

Turns text and dicts into validated :class:`~sim.params.Params` and pydantic's errors into short
lines that name the key path, the value, what is wrong and what is allowed.

Example:
    >>> from sim.overrides import apply_overrides
    >>> from sim.params import Params
    >>> apply_overrides(Params(), {"culture.service_direction": 0.0}).culture.service_direction
    0.0
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.params import (
    EVENT_TYPES,
    FIELDS,
    Department,
    ParameterError,
    Params,
    describe_range,
    field_spec,
)

# Fields that take a whole structured value (a list or a table) rather than a number or a flag.
STRUCTURED = ("org.departments", "org.dependency", "org.salary_by_level", "events")


def parse_structured(path: str, text: str) -> Any:
    """Parse a structured value written as TOML (or JSON), e.g. ``--set events=[{type =
    "growth", week = 1, share = 0.3, weeks = 26}]``; the schema checks it afterwards."""
    import json
    import tomllib

    try:
        return tomllib.loads(f"value = {text.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        pass
    try:
        return json.loads(text)
    except ValueError:
        raise ParameterError(
            f"{path} = {text!r}: not a valid value; write it as in a scenario file, e.g. "
            f'{path}=[{{type = "growth", week = 1, share = 0.3, weeks = 26}}]'
            if path == "events"
            else f"{path} = {text!r}: not a valid TOML or JSON value"
        ) from None


def parse_value(path: str, text: str) -> Any:
    """Parse a CLI string (``--set path=text``) into the field's type, with a clear error."""
    if path in STRUCTURED:
        return parse_structured(path, text)
    spec = field_spec(path)
    t = text.strip()
    try:
        if spec.kind == "bool":
            low = t.lower()
            if low in ("true", "1", "yes", "on"):
                return True
            if low in ("false", "0", "no", "off"):
                return False
            raise ValueError
        if spec.kind.startswith("optional") and t.lower() in ("none", "null", ""):
            return None
        if spec.kind == "optional_str":
            return t
        if "int" in spec.kind:
            v = float(t)
            if not v.is_integer():
                raise ValueError
            return int(v)
        return float(t)
    except ValueError:
        raise ParameterError(
            f"{path} = {text!r}: not valid; {path} takes {describe_range(spec)}"
        ) from None


def format_validation_error(err: ValidationError, where: str = "") -> str:
    """Turn a pydantic error into short lines: key path, value, what is wrong, what is allowed."""
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"] if not (isinstance(p, str) and p in EVENT_TYPES))
        msg = e["msg"].removeprefix("Value error, ")
        kind = e["type"]
        val = e.get("input")
        spec = FIELDS.get(loc)
        if kind == "extra_forbidden":
            parent, _, key = loc.rpartition(".")
            allowed = _allowed_keys(parent)
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            lines.append(
                f"unknown key '{loc}'.{hint} Allowed here: {', '.join(allowed)}"
                if allowed
                else f"unknown key '{loc}'.{hint}"
            )
        elif spec is not None and kind in (
            "greater_than_equal",
            "less_than_equal",
            "int_parsing",
            "float_parsing",
            "bool_parsing",
            "int_from_float",
            "int_type",
            "float_type",
            "bool_type",
        ):
            lines.append(f"{loc} = {val!r}: {msg.lower()}; allowed: {describe_range(spec)}")
        elif kind == "union_tag_invalid":
            lines.append(
                f"{loc}: unknown event type {e.get('ctx', {}).get('tag')!r}; allowed: "
                f"{', '.join(EVENT_TYPES)}"
            )
        elif kind == "union_tag_not_found":
            lines.append(f"{loc}: an event needs a 'type', one of {', '.join(EVENT_TYPES)}")
        else:
            prefix = f"{loc}: " if loc and not msg.startswith(loc.split(".")[0]) else ""
            shown = f" (got {val!r})" if val is not None and not isinstance(val, dict) else ""
            lines.append(f"{prefix}{msg}{shown if kind != 'value_error' else ''}")
    head = f"{where}: " if where else ""
    if len(lines) == 1:
        return head + lines[0]
    return head + "invalid parameters:\n  - " + "\n  - ".join(lines)


def _allowed_keys(parent: str) -> list[str]:
    model: Any = Params
    for part in [p for p in parent.split(".") if p]:
        if part.isdigit():
            continue
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return []
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
        elif part == "departments":
            model = Department
        else:
            return []
    return list(getattr(model, "model_fields", {}))


def build_params(data: Mapping[str, Any] | None = None, where: str = "") -> Params:
    """Validate a nested dict into :class:`Params`, raising :class:`ParameterError` on problems."""
    try:
        return Params.model_validate(dict(data or {}))
    except ValidationError as err:
        raise ParameterError(format_validation_error(err, where)) from None


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path in a nested dict, creating sections as needed."""
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            node[part] = nxt
        node = nxt
    node[parts[-1]] = value


def apply_overrides(
    params: Params, overrides: Mapping[str, Any] | None, where: str = "overrides"
) -> Params:
    """Return a new validated :class:`Params` with dotted-path overrides applied.

    Args:
        params: The base parameters.
        overrides: Mapping of dotted path to value, e.g. ``{"culture.service_direction": 0.5}``.
            Scalar paths must exist in the schema; structured fields (``org.departments``,
            ``org.dependency``, ``events``) take whole values.
        where: Label for error messages.

    Raises:
        ParameterError: on an unknown path or an invalid value.
    """
    if not overrides:
        return params
    data = params.model_dump()
    for path, value in overrides.items():
        if path in STRUCTURED and isinstance(value, str):
            value = parse_structured(path, value)
        elif path not in STRUCTURED:
            spec = field_spec(path)
            if (isinstance(value, str) and spec.kind != "bool") or isinstance(value, str):
                value = parse_value(path, value)
        set_path(data, path, value)
    return build_params(data, where)


def get_path(params: Params, path: str) -> Any:
    """Read a dotted path from a :class:`Params`."""
    node: Any = params
    for part in path.split("."):
        node = getattr(node, part)
    return node
