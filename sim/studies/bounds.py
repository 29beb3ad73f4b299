"""Bounds that hold everywhere: the model's outcomes stay sane at every setting the schema allows.

A Latin hypercube over every scalar parameter in its schema range (but the size and horizon of a
run, which the extremes cover), plus the extremes a user can reach (no demand, a span of 50,
every lever at its maximum, 20 and 5,000 seats), each run over a horizon after the warm-up: no
KPI may be NaN or infinite, and annual turnover (quits over a year per mean headcount) must stay
below :data:`TURNOVER_LIMIT`. The limit holds by a mechanism, not a clip: quits need an outside
offer, which comes at most at the labour market's job-finding rate (``workforce.job_finding_rate``,
whose schema range ends where that rate would allow more).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from sim.params import FIELDS, LEVERS, ParameterError

# What the extremes cover (they set the size of the organization and of a run) or what is not a
# number to sweep.
NOT_SAMPLED = (
    "weeks",
    "warmup_weeks",
    "org.headcount",
    "org.levels",
    "org.span",
    "customers.per_frontline",
    "customers.market_multiple",
)
EXTREMES: dict[str, dict[str, Any]] = {
    "no demand": {"customers.occasion_rate": 0.0},
    "span 50": {"org.span": 50},
    "every lever at its maximum": {
        **{f"interventions.{lever}.intensity": 8.0 for lever in LEVERS},
    },
    "20 seats": {"org.headcount": 20},
    "5,000 seats": {"org.headcount": 5000},
}


def sampled_fields() -> list[str]:
    """The scalar parameters the hypercube varies: every number and switch with a range."""
    out = []
    for path, spec in FIELDS.items():
        if path in NOT_SAMPLED or spec.kind not in ("float", "int", "bool"):
            continue
        if spec.kind != "bool" and (spec.low is None or spec.high is None):
            continue
        out.append(path)
    return out


def hypercube_settings(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` valid settings from a Latin hypercube over :func:`sampled_fields` (settings that
    break a cross-field rule, e.g. effort_max below effort_min, are replaced by further points
    of a larger hypercube, in order)."""
    from sim.overrides import apply_overrides
    from sim.scenario import load_scenario
    from sim.studies.stats import latin_hypercube

    paths = sampled_fields()
    bounds = [
        (0.0, 1.0) if FIELDS[p].kind == "bool" else (float(FIELDS[p].low), float(FIELDS[p].high))
        for p in paths
    ]
    base = load_scenario("pyramid")
    settings: list[dict[str, Any]] = []
    size = n
    while len(settings) < n:
        points = latin_hypercube(bounds, size, seed)
        settings = []
        for row in points:
            setting: dict[str, Any] = {}
            for path, value in zip(paths, row, strict=True):
                kind = FIELDS[path].kind
                setting[path] = (
                    bool(np.rint(value)) if kind == "bool" else int(np.rint(value)) if kind == "int"
                    else float(value)
                )  # fmt: skip
            try:
                apply_overrides(base, setting, where="bounds")
            except ParameterError:
                continue
            settings.append(setting)
            if len(settings) == n:
                break
        size *= 2
    return settings


def bounds_run(label: str, overrides: dict[str, Any], seed: int, weeks: int) -> dict[str, Any]:
    """One setting over ``weeks`` after the warm-up: its annual turnover (quits per mean
    headcount per year, over the weeks after the first year) and whether any KPI was NaN or
    infinite."""
    from sim.model import ServiceCultureModel
    from sim.studies.measures import window_turnover

    df = ServiceCultureModel("pyramid", overrides=overrides, seed=seed).run(weeks)
    values = df.to_numpy(dtype=float)
    later = df[df["week"] > min(52, weeks // 2)]
    return {
        "setting": label,
        "seed": seed,
        "turnover": window_turnover(later),
        "finite": bool(np.isfinite(values).all()),
    }


def bounds_tasks(n: int, seed: int, weeks: int = 260) -> list[tuple[Callable[..., dict], dict]]:
    """The runs of the bounds check: ``n`` hypercube settings and every extreme.

    Each runs ``weeks`` (default five years, the horizon of every other experiment) and is
    measured after its first year: four years of quits, because the check is of the rate, and
    a small organization's count over two years is too noisy for it (a 55-person organization
    at the job-finding cap has a standard error of about 8% of its rate over two years).
    """
    from sim.studies.seeds import replication_seeds

    settings = hypercube_settings(n, seed)
    seeds = replication_seeds(seed, n + len(EXTREMES))
    tasks = [
        (bounds_run, {"label": f"hypercube {i}", "overrides": s, "seed": seeds[i], "weeks": weeks})
        for i, s in enumerate(settings)
    ]
    tasks += [
        (bounds_run, {"label": name, "overrides": over, "seed": seeds[n + k], "weeks": weeks})
        for k, (name, over) in enumerate(EXTREMES.items())
    ]
    return tasks


def bounds_summary(rows: pd.DataFrame) -> tuple[bool, str]:
    """Whether every run stayed sane, and a line saying so (the worst run named)."""
    from sim.studies.patterns import by_name

    worst = rows.sort_values("turnover", ascending=False).iloc[0]
    broken = rows[~rows["finite"]]
    band = by_name("bounds_turnover").band
    ok = bool(broken.empty and all(band.contains(x) for x in rows["turnover"]))
    text = (
        f"{len(rows)} settings; highest annual turnover {worst['turnover']:.0%} "
        f"({worst['setting']}); non-finite KPIs in {len(broken)}"
    )
    return ok, text
