"""Cultural transmission experiments (Harrison & Carroll 1991): how culture travels through
hiring, socialization and turnover when the organization grows or merges.

Used by the tests of the directions (``tests/test_restructure.py``) and by the figures of
docs/ORG_DESIGN.md (``examples/client/org_design.py``), so both run the same experiment.
"""

from __future__ import annotations

import pandas as pd

POOL_MINDSET = 0.25  # a hiring pool far below the incumbents' mindset


def mindset_after_growth(
    share: float,
    example_rate: float,
    seed: int,
    *,
    headcount: int = 200,
    weeks: int = 26,
    growth_weeks: int = 13,
    pool_mindset: float = POOL_MINDSET,
) -> tuple[float, float]:
    """Mean and spread (sd) of the service mindset of the people in post after ``weeks`` weeks
    of a pyramid that hires from a pool with mindset ``pool_mindset`` from week 1, grows by
    ``share`` over ``growth_weeks`` weeks (0: no growth), with the manager's example at
    ``example_rate`` (socialization) from week 1.

    The pool and the example change mid-run (from week 1), so every variant starts from the same
    steady state.
    """
    from sim.model import ServiceCultureModel

    events = [{"type": "growth", "week": 1, "share": share, "weeks": growth_weeks}] if share else []
    model = ServiceCultureModel(
        "pyramid", overrides={"org.headcount": headcount, "events": events}, seed=seed
    )
    model.set_params({"workforce.pool_mindset_mean": pool_mindset,
                      "behaviour.manager_example_rate": example_rate})  # fmt: skip
    model.run(weeks)
    on = model.state.filled
    return float(model.state.mindset[on].mean()), float(model.state.mindset[on].std())


def merger_convergence(
    scenario: str = "pyramid", partner: str = "two_way", seed: int = 0, weeks: int = 260
) -> pd.DataFrame:
    """The team panel of ``scenario`` merging with ``partner`` in week 1, summarized per week:
    ``teams``, the lowest and highest team ``service_direction``, its spread (sd) across teams,
    and the spread of the teams' mean mindset; plus the run's KPI frame in ``attrs["kpis"]``."""
    from sim.model import ServiceCultureModel

    model = ServiceCultureModel(
        scenario,
        overrides={"events": [{"type": "merger", "week": 1, "partner": partner}]},
        seed=seed,
        panel="team",
    )
    kpis = model.run(weeks)
    g = model.panel_frame().groupby("step")
    frame = pd.DataFrame(
        {
            "teams": g["team"].count(),
            "lowest": g["service_direction"].min(),
            "highest": g["service_direction"].max(),
            "spread": g["service_direction"].std(),
            "mindset_spread": g["mindset"].std(),
        }
    )
    frame.attrs["kpis"] = kpis
    return frame
