"""The schema's building blocks: the error type, the field idiom, the section base and the
fitted defaults (read from ``sim/fitted.toml``, which ``servicechain fit-defaults`` writes)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ParameterError(ValueError):
    """A parameter value or key is invalid. The message says which, why and what is allowed."""


FITTED_FILE = Path(__file__).resolve().parents[1] / "fitted.toml"


def _read_fitted() -> dict[str, float]:
    with FITTED_FILE.open("rb") as fh:
        return dict(tomllib.load(fh)["defaults"])


# Defaults fitted to published patterns by `servicechain fit-defaults` (sim/fitted.toml).
FITTED: dict[str, float] = _read_fitted()


def fitted(path: str) -> float:
    """The fitted default of a parameter (see ``sim/fitted.toml`` and docs/MODEL.md)."""
    return FITTED[path]


def _f(default: Any, lo: float | None, hi: float | None, unit: str, description: str, **kw: Any):
    """Declare a field with range, unit and description (the schema's one idiom)."""
    extra = {"unit": unit}
    extra.update(kw.pop("extra", {}))
    return Field(default, ge=lo, le=hi, description=description, json_schema_extra=extra, **kw)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)
