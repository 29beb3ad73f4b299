"""Introspection: the flat list of scalar fields (CLI ``--set``, sliders, sweep bounds) and
the Markdown parameter table of docs/MODEL.md."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from sim.params.base import ParameterError
from sim.params.schema import SECTIONS, Params


@dataclass(frozen=True)
class FieldSpec:
    """One scalar parameter: dotted path, type, default, bounds, unit and description."""

    path: str
    kind: str  # "float" | "int" | "bool" | "optional_int" | "optional_float" | "optional_str"
    default: Any
    low: float | None
    high: float | None
    unit: str
    description: str


def _bounds(info) -> tuple[float | None, float | None]:
    lo = hi = None
    for m in info.metadata:
        lo = getattr(m, "ge", lo) if getattr(m, "ge", None) is not None else lo
        hi = getattr(m, "le", hi) if getattr(m, "le", None) is not None else hi
    return lo, hi


def _kind(annotation: Any) -> str | None:
    text = str(annotation)
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    if text in ("int | None", "typing.Optional[int]"):
        return "optional_int"
    if text in ("float | None", "typing.Optional[float]"):
        return "optional_float"
    if text in ("str | None", "typing.Optional[str]"):
        return "optional_str"
    return None


def iter_fields(model: type[BaseModel] = Params, prefix: str = "") -> Iterator[FieldSpec]:
    """Yield every scalar parameter of the schema as a :class:`FieldSpec`, in schema order."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from iter_fields(ann, path + ".")
            continue
        kind = _kind(ann)
        if kind is None:
            continue
        lo, hi = _bounds(info)
        extra = info.json_schema_extra or {}
        default = info.default if info.default_factory is None else info.default_factory()
        yield FieldSpec(
            path=path,
            kind=kind,
            default=default,
            low=lo,
            high=hi,
            unit=str(extra.get("unit", "")) if isinstance(extra, dict) else "",
            description=info.description or "",
        )


FIELDS: dict[str, FieldSpec] = {f.path: f for f in iter_fields()}


def field_spec(path: str) -> FieldSpec:
    """The :class:`FieldSpec` for a dotted path, or a :class:`ParameterError` with suggestions."""
    if path in FIELDS:
        return FIELDS[path]
    close = difflib.get_close_matches(path, FIELDS, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    section = path.split(".")[0]
    if not close and section in SECTIONS:
        options = [p for p in FIELDS if p.startswith(section + ".")]
        hint = f" Fields of '{section}': {', '.join(options[:12])}" + (
            ", ..." if len(options) > 12 else ""
        )
    elif not close:
        hint = f" Sections are: {', '.join(SECTIONS)}."
    raise ParameterError(f"unknown parameter '{path}'.{hint}")


def describe_range(spec: FieldSpec) -> str:
    """Human text for what a field allows, e.g. 'a number from -1 to 1'."""
    if spec.kind == "bool":
        return "true or false"
    if spec.kind == "optional_str":
        return "a file path (or unset)"
    what = "a whole number" if "int" in spec.kind else "a number"
    if spec.low is not None and spec.high is not None:
        rng = f"{what} from {spec.low:g} to {spec.high:g}"
    elif spec.low is not None:
        rng = f"{what} >= {spec.low:g}"
    elif spec.high is not None:
        rng = f"{what} <= {spec.high:g}"
    else:
        rng = what
    if spec.kind.startswith("optional"):
        rng += " (or unset)"
    return rng


PARAMS_START = "<!-- params-table:start -->"
PARAMS_END = "<!-- params-table:end -->"


def parameter_table_markdown() -> str:
    """Every scalar parameter as a Markdown table (path, default, allowed, unit, meaning).

    docs/MODEL.md embeds this table between ``PARAMS_START`` / ``PARAMS_END`` markers;
    ``servicechain params --markdown --write docs/MODEL.md`` regenerates it and a test checks
    that the document matches the schema.
    """
    rows = [
        "| parameter | default | allowed | unit | meaning |",
        "|---|---|---|---|---|",
    ]
    for spec in FIELDS.values():
        default = "unset" if spec.default is None else str(spec.default).lower()
        rows.append(
            f"| `{spec.path}` | {default} | {describe_range(spec)} | {spec.unit} | "
            f"{spec.description.replace('|', '/')} |"
        )
    return "\n".join(rows)
