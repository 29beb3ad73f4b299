"""The organization's schema: hierarchy, departments and their internal dependencies."""

from __future__ import annotations

import math

from pydantic import Field, field_validator, model_validator

from sim.params.base import _f, _Section

# The most departments an organization may have. The model keeps a department x department
# dependency matrix and, per person, the inputs awaited from every department, so memory and
# work grow with the square of the departments (and with people x departments): 1,000 keeps a
# 100,000-person chart within reach. An HR export whose "department" is really a team or a cost
# centre should be mapped to departments first.
MAX_DEPARTMENTS = 1_000


def no_control_characters(value: str | None, what: str) -> str | None:
    """Refuse text with control characters (a NUL byte, a newline): names and file paths are
    typed by people, and a NUL cannot be part of a file name."""
    if value is not None and any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        bad = next(ch for ch in value if ord(ch) < 32 or ord(ch) == 127)
        raise ValueError(
            f"{what} contains a control character ({bad!r}, e.g. a NUL byte); use plain text"
        )
    return value


class Department(_Section):
    """A department: a name, its share of headcount and whether it faces external customers."""

    name: str = Field(description="Department name (unique).", min_length=1)
    share: float = _f(0.25, 0.0, 1.0, "fraction", "Share of headcount in this department.")
    customer_facing: bool = Field(
        False, description="Its bottom-level employees serve external customers (frontline)."
    )
    internal_hours: float = _f(
        1.0,
        0.0,
        2.0,
        "multiplier",
        "Multiplier on its people's hours for internal requests (0.5: half that time goes "
        "elsewhere, e.g. to a project).",
    )

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        return no_control_characters(value, "the department name") or value


DEFAULT_DEPARTMENTS = [
    Department(name="frontline", share=0.50, customer_facing=True),
    Department(name="sales", share=0.15, customer_facing=True),
    Department(name="operations", share=0.20, customer_facing=False),
    Department(name="support_functions", share=0.15, customer_facing=False),
]

# Expected weekly requests from one member of department i (row) to department j (column).
# Frontline and sales lean on operations and support functions; support leans on nobody much.
DEFAULT_DEPENDENCY = [
    [0.6, 0.3, 1.0, 0.6],
    [0.4, 0.4, 0.8, 0.6],
    [0.5, 0.2, 0.6, 0.5],
    [0.3, 0.2, 0.4, 0.4],
]


class OrgParams(_Section):
    """Hierarchy, departments and their internal dependencies."""

    headcount: int = _f(300, 20, 100_000, "seats", "Number of seats (filled or vacant).")
    levels: int | None = _f(
        None, 2, 12, "levels", "Hierarchy levels including the top; derived from span if unset."
    )
    span: float | None = _f(
        None, 2, 50, "reports", "Span of control (direct reports per manager); default 7."
    )
    departments: list[Department] = Field(
        default_factory=lambda: [d.model_copy() for d in DEFAULT_DEPARTMENTS],
        description="Departments with headcount shares (summing to 1) and customer-facing flags.",
    )
    dependency: list[list[float]] | None = Field(
        default=None,
        description=(
            "Expected weekly requests from a member of department i (row) to department j "
            "(column); square, one row per department. Default: a built-in matrix for the "
            "default departments, else 0.5 everywhere."
        ),
    )
    salary_by_level: list[float] | None = Field(
        default=None,
        description=(
            "Annual salary per level, top first (currency/year). Default: economics.salary_base "
            "at the bottom, times economics.salary_level_ratio per level up."
        ),
    )
    # Imported data (sim.orgchart, sim.survey). Relative paths in a scenario file are relative to
    # that file's folder (sim.scenario anchors them); with --set, to the working directory.
    chart: str | None = Field(
        None,
        min_length=1,
        description=(
            "Org-chart CSV, one row per person (docs/OWN_ORGANIZATION.md). The chart is the "
            "organization: it replaces headcount, levels, span, departments and dependency."
        ),
        json_schema_extra={"unit": "file"},
    )
    survey: str | None = Field(
        None,
        min_length=1,
        description=(
            "Internal-service survey CSV: department x department ratings (1-5) of how well the "
            "column department serves the row department; sets the service remembered at start."
        ),
        json_schema_extra={"unit": "file"},
    )
    survey_weights: str | None = Field(
        None,
        min_length=1,
        description=(
            "Department x department CSV of how much the row department depends on the column "
            "department (relative weights >= 0); becomes the dependency matrix."
        ),
        json_schema_extra={"unit": "file"},
    )
    hash_ids: bool = Field(
        False,
        description="Replace the chart's employee ids by pseudonyms when it is read (privacy).",
    )

    @field_validator("chart", "survey", "survey_weights")
    @classmethod
    def _plain_path(cls, value: str | None) -> str | None:
        return no_control_characters(value, "the file name")

    @model_validator(mode="after")
    def _check_departments(self) -> OrgParams:
        names = [d.name for d in self.departments]
        if not names:
            raise ValueError("org.departments: at least one department is required")
        if len(names) > MAX_DEPARTMENTS:
            raise ValueError(
                f"org.departments: {len(names):,} departments; at most {MAX_DEPARTMENTS:,}"
            )
        if len(set(names)) != len(names):
            raise ValueError(f"org.departments: department names must be unique, got {names}")
        total = sum(d.share for d in self.departments)
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise ValueError(
                f"org.departments: shares must sum to 1, got {total:.4g} "
                f"({', '.join(f'{d.name}={d.share:g}' for d in self.departments)})"
            )
        if not any(d.customer_facing for d in self.departments):
            raise ValueError("org.departments: at least one department must be customer_facing")
        n = len(self.departments)
        if self.dependency is not None:
            rows = self.dependency
            if len(rows) != n or any(len(r) != n for r in rows):
                shape = f"{len(rows)}x{'/'.join(str(len(r)) for r in rows) or 0}"
                raise ValueError(
                    f"org.dependency: must be a {n}x{n} matrix (one row and column per "
                    f"department: {', '.join(names)}), got {shape}"
                )
            for i, r in enumerate(rows):
                for j, v in enumerate(r):
                    if not (0.0 <= v <= 50.0) or not math.isfinite(v):
                        raise ValueError(
                            f"org.dependency[{i}][{j}] = {v}: must be between 0 and 50 "
                            "requests per week"
                        )
        if self.salary_by_level is not None:
            if any((not math.isfinite(s)) or s < 0 for s in self.salary_by_level):
                raise ValueError("org.salary_by_level: salaries must be non-negative numbers")
        return self

    def dependency_matrix(self) -> list[list[float]]:
        """The dependency matrix in force (the given one or the default for these departments)."""
        if self.dependency is not None:
            return self.dependency
        default_names = [d.name for d in DEFAULT_DEPARTMENTS]
        if [d.name for d in self.departments] == default_names:
            return DEFAULT_DEPENDENCY
        n = len(self.departments)
        return [[0.5] * n for _ in range(n)]
