"""Org charts for the tests: written as an HR export would be, with seeded irregular structure."""

from __future__ import annotations

from pathlib import Path

import numpy as np

HEADER = ("employee_id", "manager_id", "department", "frontline", "tenure_weeks")


def irregular_chart(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Columns of an ``n``-person chart with irregular spans, in shuffled row order.

    Person i (i >= 1) reports to person floor(i / s) with s drawn from 1.5-12 per person, so
    spans range from one report to dozens and the depth varies by branch. The top's direct
    reports head departments ``d0``..; people without reports in ``d0`` and ``d1`` are frontline.
    About 10% of tenures are unknown (empty).
    """
    rng = np.random.default_rng(seed)
    idx = np.arange(n)
    manager = np.where(idx > 0, (idx / rng.uniform(1.5, 12.0, n)).astype(np.int64), -1)
    manager = np.where(idx > 0, np.minimum(manager, idx - 1), -1)
    branch = idx.copy()
    for _ in range(64):  # the department is the branch under the top (depth is far below 64)
        up = manager[branch]
        branch = np.where((branch > 0) & (up > 0), up, branch)
    dept = np.where(idx == 0, 0, branch % 5)
    has_reports = np.bincount(manager[manager >= 0], minlength=n) > 0
    frontline = ~has_reports & (dept < 2) & (idx > 0)
    ids = np.array([f"E{k:05d}" for k in rng.permutation(n) + 10_000], dtype=object)
    tenure = rng.integers(0, 900, n).astype(str).astype(object)
    tenure[rng.random(n) < 0.1] = ""
    order = rng.permutation(n)
    return {
        "employee_id": ids[order],
        "manager_id": np.where(manager < 0, "", ids[np.maximum(manager, 0)])[order],
        "department": np.array([f"d{d}" for d in dept], dtype=object)[order],
        "frontline": np.where(frontline, "true", "false")[order],
        "tenure_weeks": tenure[order],
    }


def depth_by_walking(columns: dict[str, np.ndarray]) -> dict[str, int]:
    """Each id's number of managers above it, by walking up the chain (the test's own reference)."""
    boss = dict(zip(columns["employee_id"], columns["manager_id"], strict=True))
    depth = {}
    for person in boss:
        d, p = 0, person
        while boss[p]:
            p = boss[p]
            d += 1
        depth[person] = d
    return depth


def write_csv(path: Path, columns: dict[str, np.ndarray]) -> Path:
    """Write columns as a CSV file (no quoting needed: the cells have no commas)."""
    names = list(columns)
    lines = [",".join(names)]
    lines += [",".join(row) for row in zip(*(columns[c] for c in names), strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def small_chart_text(extra_rows: str = "") -> str:
    """A valid 7-person chart (3 departments) as CSV text, optionally with extra rows."""
    return (
        "employee_id,manager_id,department,frontline,tenure_weeks\n"
        "A,,exec,false,500\n"
        "B,A,ops,false,\n"
        "C,A,sales,false,100\n"
        "D,B,ops,false,20\n"
        "E,C,sales,true,3\n"
        "F,C,sales,true,\n"
        "G,D,ops,false,60\n" + extra_rows
    )
