"""ServiceCultureModel: the schedule of one week, in ODD order, behind a Mesa facade."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.agents import Employee
from sim.events import apply_events
from sim.interventions import lever_effects
from sim.kpis import KPI_NAMES, compute_kpis
from sim.org import Organization, build_organization
from sim.overrides import apply_overrides
from sim.params import Params
from sim.phases.customers import update_customers
from sim.phases.demand import demand
from sim.phases.encounters import encounters
from sim.phases.people import update_people
from sim.phases.requests import generate_requests
from sim.phases.service import capacity_hours, discretionary_effort, internal_service
from sim.phases.workforce import workforce
from sim.scenario import load_scenario
from sim.state import State, Week, initial_state


class ServiceCultureModel(mesa.Model):
    """ServiceCultureModel(scenario="pyramid", overrides=None, seed=None)

    An organization whose employees trade internal requests under a service culture, and whose
    frontline serves external customers: the service-profit chain, one step per week.

    Args:
        scenario: A preset name (see ``servicechain scenarios``), a path to a scenario TOML file,
            or a :class:`~sim.params.Params` object. Default ``"pyramid"``.
        overrides: Dotted-path parameter overrides applied on top of the scenario, e.g.
            ``{"culture.service_direction": 0.5, "org.headcount": 1000}``.
        seed: Seed of the model's random generator (``self.rng``); the same scenario, overrides
            and seed give identical results. None draws a fresh seed.

    Attributes:
        params: The validated parameters in force.
        org: The static organization (seat tree, departments, dependency matrix).
        state: The columnar state arrays (:class:`~sim.state.State`).
        datacollector: Mesa DataCollector; its model reporters are the KPI names.
    """

    def __init__(
        self,
        scenario: str | Path | Params = "pyramid",
        overrides: Mapping[str, Any] | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed=seed)
        base = scenario if isinstance(scenario, Params) else load_scenario(scenario)
        self.scenario_name = (
            scenario if isinstance(scenario, str) else str(getattr(scenario, "name", "custom"))
        )
        self.params: Params = apply_overrides(base, overrides)
        p = self.params
        self.org: Organization = build_organization(
            p.org, p.economics.salary_base, p.economics.salary_level_ratio
        )
        self.state: State = initial_state(self.org, p, self.rng)
        self._employees: list[Employee] | None = None
        self._last: dict[str, float] = {}
        self.last_week: Week = Week()
        self._record(Week(), lever_effects(p.interventions, 0))
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_kpi_value, name=name) for name in KPI_NAMES}
        )
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        """One week: the eight phases of DESIGN.md §3, in order."""
        week = self.steps  # Mesa has already counted this step (1-based)
        p, s, org, rng = self.params, self.state, self.org, self.rng
        wk = Week()
        levers = lever_effects(p.interventions, week)
        apply_events(s, org, p, week, wk, rng)
        wk.effort = discretionary_effort(s.morale, p, levers)
        wk.capacity = capacity_hours(s, org, p, levers, wk.effort)
        demand(s, org, p, wk, rng)  # 1. demand
        new = generate_requests(s, org, p, levers, wk, rng)  # 2. request generation
        internal_service(s, org, p, levers, wk, new, rng)  # 3. internal service
        encounters(s, org, p, wk, rng)  # 4. customer encounters
        update_people(s, org, p, levers, wk, rng)  # 5. employees update
        workforce(s, org, p, wk, rng)  # 6. workforce
        update_customers(s, org, p, wk, rng)  # 7. customers update
        self._record(wk, levers)  # 8. economics and KPIs
        self.datacollector.collect(self)

    def _record(self, wk: Week, levers) -> None:
        self.last_week = wk
        self._last = compute_kpis(self.state, self.org, self.params, levers, wk, self.steps)

    def run(self, weeks: int | None = None) -> pd.DataFrame:
        """Advance ``weeks`` steps (default ``params.weeks``) and return :meth:`kpis`."""
        n = self.params.weeks if weeks is None else int(weeks)
        if n < 0:
            raise ValueError(f"weeks must be >= 0, got {n}")
        for _ in range(n):
            self.step()
        return self.kpis()

    # ------------------------------------------------------------------ outputs
    def kpis(self) -> pd.DataFrame:
        """One row per step (step 0 = initial state), one column per KPI (see sim.kpis)."""
        df = self.datacollector.get_model_vars_dataframe()
        df.index.name = "step"
        df = df[list(KPI_NAMES)].astype(float)
        df["week"] = df["week"].astype(int)
        return df

    @property
    def current(self) -> dict[str, float]:
        """The KPIs of the latest step."""
        return dict(self._last)

    # ------------------------------------------------------------------ agents
    def _materialize(self) -> list[Employee]:
        # Agents are views; they are created on first use so that building or stepping a
        # 100,000-seat model never pays for 100,000 Python objects it does not need.
        if self._employees is None:
            self._employees = [Employee(self, i) for i in range(self.org.n_seats)]
        return self._employees

    @property
    def agents(self) -> mesa.agent.AgentSet:  # type: ignore[override]
        """All Employee views (one per seat; ``employee.vacant`` tells empty seats)."""
        self._materialize()
        return super().agents

    def employee(self, seat: int) -> Employee:
        """The Employee view of one seat."""
        if not 0 <= seat < self.org.n_seats:
            raise IndexError(f"seat {seat} out of range 0..{self.org.n_seats - 1}")
        return self._materialize()[seat]

    def seat_table(self) -> pd.DataFrame:
        """One row per seat with level, department, filled and the traits (vectorized)."""
        s, o = self.state, self.org
        return pd.DataFrame(
            {
                "level": o.level,
                "department": np.asarray(o.dept_names, dtype=object)[o.dept],
                "manager": o.manager,
                "frontline": o.frontline,
                "filled": s.filled,
                "morale": s.morale,
                "mindset": s.mindset,
                "skill": s.skill,
                "tenure": s.tenure,
                "workload": s.workload,
                "pressure": s.pressure,
                "backlog_hours": s.backlog_hours,
                "received": s.received,
            }
        )


def _kpi_value(model: ServiceCultureModel, name: str) -> float:
    """DataCollector model reporter: one KPI of the latest step (wrapped in a partial)."""
    return model._last[name]


def run(
    scenario: str | Path | Params = "pyramid",
    weeks: int | None = 260,
    seed: int | None = 0,
    overrides: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Run one simulation and return its KPI frame (one row per week, week 0 included).

    Args:
        scenario: Preset name, scenario file path, or Params.
        weeks: Number of weeks (None = the scenario's ``weeks``).
        seed: Random seed (same inputs + same seed = identical output).
        overrides: Dotted-path overrides, e.g. ``{"org.headcount": 1000}``.
    """
    model = ServiceCultureModel(scenario=scenario, overrides=overrides, seed=seed)
    return model.run(weeks)
