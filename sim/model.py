"""ServiceCultureModel: walks the week's phases (``sim.phases.PHASES``) behind a Mesa facade."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.agents import Employee
from sim.interventions import lever_effects
from sim.kpis import KPI_NAMES
from sim.org import Organization, build_organization
from sim.overrides import apply_overrides
from sim.params import ParameterError, Params, is_structural
from sim.phases import Week, run_week
from sim.phases.conditions import Conditions
from sim.phases.economics import compute_kpis
from sim.scenario import load_scenario
from sim.state import State, initial_state


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
        # Week 0 is the initial state: no phase has run, the levers are as set.
        initial = Conditions(levers=lever_effects(p.interventions, 0))
        self.last_week: Week = Week(number=0, conditions=initial)
        self.last_week.kpis = compute_kpis(self.state, self.org, p, 0, initial)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_kpi_value, name=name) for name in KPI_NAMES}
        )
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        """One week: every phase of :data:`sim.phases.PHASES`, in order."""
        inputs = {"state": self.state, "org": self.org, "params": self.params, "rng": self.rng}
        # Mesa has already counted this step, so ``self.steps`` is the 1-based week.
        self.last_week = run_week(Week(number=self.steps), inputs)
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ mid-run changes
    def check_params(self, overrides: Mapping[str, Any]) -> Params:
        """The parameters ``overrides`` would give, validated, without changing the model.

        Raises:
            ParameterError: an unknown path, a value out of range, a broken cross-field rule
                (e.g. ``workforce.effort_min`` above ``effort_max``), or a structural field
                (one that shapes the organization or the starting state), which needs a new
                model.
        """
        structural = sorted(path for path in overrides if is_structural(path))
        if structural:
            raise ParameterError(
                f"{', '.join(structural)}: shapes the organization or the starting state, so it "
                "cannot change mid-run; build a new model with it instead"
            )
        return apply_overrides(self.params, overrides, where="set_params")

    def set_params(self, overrides: Mapping[str, Any]) -> Params:
        """Change parameters mid-run; the change applies from the next week on.

        The whole schema validates the result first (ranges and cross-field rules); a rejected
        change raises :class:`~sim.params.ParameterError` and leaves the model untouched.
        Changing ``culture.service_direction`` also sets the culture in force, as a
        leadership change would.

        Args:
            overrides: Dotted-path values, e.g. ``{"interventions.training.enabled": True}``.

        Returns:
            The parameters now in force.
        """
        new = self.check_params(overrides)
        if new.culture.service_direction != self.params.culture.service_direction:
            self.state.service_direction = new.culture.service_direction
        self.params = new
        return new

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
        return dict(self.last_week.kpis or {})

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
        """One row per seat with level, department, filled and the traits (vectorized).

        For an organization read from a chart, the first column is ``employee_id``: the chart's
        id (or its pseudonym with ``org.hash_ids``) of the person who held the seat at the start.
        """
        s, o = self.state, self.org
        ids = {} if o.seat_ids is None else {"employee_id": o.seat_ids}
        return pd.DataFrame(
            {
                **ids,
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
    return model.last_week.kpis[name]


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
