"""ServiceCultureModel: walks the week's phases (``sim.phases.PHASES``) behind a Mesa facade."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, partial
from itertools import repeat
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.agents import Employee
from sim.arguments import DRAWN_SEED_LIMIT, SEED_BITS, check_overrides, check_seed, check_weeks
from sim.culture import impose
from sim.interventions import LeverEffects
from sim.kpis import KPI_NAMES
from sim.org import Organization, build_organization
from sim.overrides import apply_overrides
from sim.panel import EMPLOYEE_COLUMNS, PANELS, TEAM_COLUMNS, employee_columns, team_columns
from sim.params import ParameterError, Params, is_structural
from sim.phases import Week, run_week
from sim.phases.conditions import Conditions, warmup_settle_week
from sim.phases.weekly_kpis import compute_kpis
from sim.phases.workforce import settle_tenure
from sim.restructure import (
    Restructuring,
    RestructuringSummary,
    StructuralTimeline,
    check_events,
    partner_params,
    restructure,
)
from sim.scenario import load_scenario
from sim.snapshot import Snapshot, SnapshotError, as_snapshot, write_bytes
from sim.state import State, initial_state


class ServiceCultureModel(mesa.Model):
    """ServiceCultureModel(scenario="pyramid", overrides=None, seed=None, *, rng=None, panel=None,
    **kwargs)

    An organization whose employees trade internal requests under a service culture, and whose
    frontline serves external customers: the service-profit chain, one step per week.

    Args:
        scenario: A preset name (see ``servicechain scenarios``), a path to a scenario TOML file,
            or a :class:`~sim.params.Params` object. Default ``"pyramid"``.
        overrides: Dotted-path parameter overrides applied on top of the scenario, e.g.
            ``{"culture.service_direction": 0.5, "org.headcount": 1000}``.
        seed: Seed of the model's random generator (``self.rng``): a whole number from 0 to
            2^63 - 1. The same scenario, overrides and seed give identical results. None (and no
            ``rng``) draws a fresh seed below 2^53 from the operating system's entropy, so
            unseeded models are independent replications (as Mesa's are, and as
            ``mesa.batch_run`` relies on); either way it is ``self.seed`` and the ``seed``
            model reporter, so every run can be repeated.
        rng: Mesa 3.4+'s name for the seed (Mesa 4 drops ``seed``): ``rng=42`` is ``seed=42``.
            A ``numpy.random.Generator``, ``BitGenerator`` or ``SeedSequence`` gives the model a
            seed drawn from it (recorded in ``self.seed`` like any other). Give ``seed`` or
            ``rng``, not both.
        panel: Also collect panel data each week: ``"employee"`` (one row per employee, also as
            the DataCollector's agent reporters, so ``mesa.batch_run`` returns agent rows),
            ``"team"`` (one row per manager and their direct reports), or None (default).
            See :mod:`sim.panel`.
        **kwargs: Dotted-path parameters as keywords, merged into ``overrides``, as
            ``mesa.batch_run`` and Mesa's ``SolaraViz`` pass them:
            ``ServiceCultureModel(**{"culture.service_direction": 1.0, "org.headcount": 60})``.
            (Named ``kwargs`` because Mesa's visualization exempts only a catch-all of that name
            from its required-parameter check.)

    Attributes:
        params: The validated parameters in force.
        org: The organization (seat tree, departments, dependency matrix); a structural event
            replaces it between weeks (:mod:`sim.restructure`).
        restructured: ``(week, summary)`` for every week a structural event acted (events,
            seats, added, removed, laid off; :class:`~sim.restructure.RestructuringSummary`).
        state: The columnar state arrays (:class:`~sim.state.State`).
        datacollector: Mesa DataCollector; its model reporters are the KPI names and ``seed``.
        seed: The seed in force (given or drawn).
        <kpi>: Every KPI of :mod:`sim.kpis` reads as an attribute with the latest week's value
            (``model.profit``, ``model.morale_mean``), so a Mesa
            ``DataCollector(model_reporters={"p": "profit"})`` collects it. Mesa's own
            attributes (``steps``, ``rng``, ``agents``, ...) are never shadowed: KPIs are looked
            up only for names the model does not otherwise have.

    Raises:
        ParameterError: an unknown scenario or parameter, a value out of range, overrides that
            are not a dict of dotted paths, a seed that is not a whole number from 0 to 2^63 - 1
            (or both ``seed`` and ``rng``), or an organization too large to simulate.
    """

    def __init__(
        self,
        scenario: str | Path | Params = "pyramid",
        overrides: Mapping[str, Any] | None = None,
        seed: int | None = None,
        *,
        rng: Any = None,
        panel: str | None = None,
        **kwargs: Any,
    ) -> None:
        overrides = check_overrides(overrides)
        if panel not in (None, *PANELS):
            raise ParameterError(f"panel = {panel!r}: allowed: {', '.join(PANELS)} or None")
        if kwargs:
            overrides = {**overrides, **kwargs}
        # A drawn seed is recorded, so every run can be reproduced (mesa.batch_run gives none).
        self.seed: int = model_seed(seed, rng)
        super().__init__(**_mesa_seeding(self.seed))
        base = scenario if isinstance(scenario, Params) else load_scenario(scenario)
        self.scenario_name = (
            scenario if isinstance(scenario, str) else str(getattr(scenario, "name", "custom"))
        )
        self.params: Params = apply_overrides(base, overrides)
        p = self.params
        self.org: Organization = build_organization(
            p.org, p.economics.salary_base, p.economics.salary_level_ratio
        )
        check_events(self.org, p)  # structural events that cannot happen are refused now
        self.structure = StructuralTimeline()
        self.restructured: list[tuple[int, RestructuringSummary]] = []
        self.state: State = initial_state(self.org, p, self.rng)
        self._employees: list[Employee] | None = None
        self.last_week: Week = self._warm_up(p.warmup_weeks)
        self.panel = panel
        self._panel_weeks: list[tuple[int, dict[str, np.ndarray]]] = []
        self._quits_seen = np.zeros_like(self.state.seat_quits)
        self.datacollector = self._new_datacollector()
        self._collect()

    def __getattr__(self, name: str) -> Any:
        # Called only when normal lookup fails, so no attribute of Mesa's or ours is shadowed:
        # KPI names read the latest week's value (a DataCollector's string reporters use this).
        if name in _KPI_SET:
            week = self.__dict__.get("last_week")
            if week is not None and week.kpis is not None:
                return week.kpis[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _new_datacollector(self) -> PanelCollector:
        """The DataCollector: the KPIs and ``seed`` as model reporters, the employee panel as
        agent rows when ``panel="employee"``."""
        reporters = {name: partial(_kpi_value, name=name) for name in KPI_NAMES}
        return PanelCollector(
            model_reporters={**reporters, "seed": "seed"},
            agent_reporters={c: c for c in EMPLOYEE_COLUMNS} if self.panel == "employee" else None,
        )

    def _warm_up(self, weeks: int) -> Week:
        """Run the unreported warm-up; returns week 0 (its last week, or the built state).

        The organization as built (every seat filled, traits drawn around rough means) is not
        where its own rules would keep it. The warm-up runs the real phases for ``weeks`` weeks,
        numbered up to 0, with no lever and no event but seasonal demand (a surge with
        ``every`` > 0, part of the normal year), so week 0 is the organization's own
        steady state: a preset with nothing changed holds its level from there, and levers and
        events act from week 1 on a settled organization. Its first part fast-forwards the slow
        adaptive processes (:func:`sim.phases.conditions.warmup_pace`) together with turnover's
        renewal of them (:func:`sim.phases.workforce.renew_in_place`); where that ends, the
        workforce takes its stationary tenure mix (:func:`sim.phases.workforce.settle_tenure`).
        Unit-level quit counts (``seat_quits``) start with week 0; the trailing year of quits
        behind annual turnover includes the warm-up.
        """
        inputs = {"state": self.state, "org": self.org, "params": self.params, "rng": self.rng}
        last: Week | None = None
        settle_at = warmup_settle_week(weeks)
        for number in range(1 - weeks, 1):
            if number == settle_at:
                settle_tenure(self.state, self.org, self.params, self.rng)
            if number == 0:  # unit quit counts start with week 0, which the KPIs report too
                self.state.seat_quits[:] = 0
            last = run_week(Week(number=number), inputs)
        if last is not None:
            return last
        initial = Conditions(levers=LeverEffects(), warmup=True)
        built = Week(number=0, conditions=initial)
        built.kpis = compute_kpis(self.state, self.org, self.params, 0, initial)
        return built

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        """One week: the week's structural events (:mod:`sim.restructure`), then every phase of
        :data:`sim.phases.PHASES`, in order."""
        # Mesa has already counted this step, so ``self.steps`` is the 1-based week.
        change = restructure(
            self.state, self.org, self.params, self.steps, self.rng, self.structure, self._partner
        )
        if change is not None:
            self._adopt(change)
        inputs = {"state": self.state, "org": self.org, "params": self.params, "rng": self.rng,
                  "restructuring": change}  # fmt: skip
        self.last_week = run_week(Week(number=self.steps), inputs)
        self._collect()

    def _adopt(self, change: Restructuring) -> None:
        """Swap in a restructured organization (the state was remapped in place): the per-seat
        records the model keeps follow their seats, and the agent views match the new seats."""
        old_n = self.org.n_seats
        self.org = change.org
        self.restructured.append((self.steps, change.summary()))
        self._quits_seen = change.remap(self._quits_seen)
        if self._employees is not None:
            # Views read their seat's row, so they only need to match the number of seats.
            n = change.org.n_seats
            for view in self._employees[n:]:
                view.remove()
            extra = [Employee(self, i) for i in range(old_n, n)]
            for view in extra:
                view.unique_id = view.seat + 1  # as for the first views (the panel relies on it)
            self._employees = self._employees[:n] + extra

    def _partner(self, event, index: int) -> tuple[Organization, State]:
        """A merger's partner organization and its steady state: its own model, warmed up, on a
        seed derived from this model's seed and the event (so the run stays reproducible)."""
        seed = int(np.random.SeedSequence([self.seed, index, event.week]).generate_state(1)[0])
        partner = ServiceCultureModel(partner_params(event, self.params), seed=seed)
        return partner.org, partner.state

    def _collect(self) -> None:
        """Record this week: the KPIs (model reporters) and, when asked for, the panel rows."""
        if self.panel is not None:
            quits = self.state.seat_quits - self._quits_seen
            self._quits_seen = self.state.seat_quits.copy()
            columns = employee_columns if self.panel == "employee" else team_columns
            self._panel_weeks.append((self.steps, columns(self.state, self.org, quits)))
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
        new = apply_overrides(self.params, overrides, where="set_params")
        if "events" in overrides:  # restructuring still to come must fit the organization now
            check_events(self.org, new, from_week=self.steps + 1)
        return new

    def set_params(self, overrides: Mapping[str, Any]) -> Params:
        """Change parameters mid-run; the change applies from the next week on.

        The whole schema validates the result first (ranges and cross-field rules); a rejected
        change raises :class:`~sim.params.ParameterError` and leaves the model untouched.
        Changing ``culture.service_direction`` also sets the culture in force, as a
        leadership change would.

        Args:
            overrides: Dotted-path values, e.g. ``{"interventions.training.intensity": 1}``.

        Returns:
            The parameters now in force.
        """
        new = self.check_params(overrides)
        if new.culture.service_direction != self.params.culture.service_direction:
            impose(self.state, new.culture.service_direction)
        self.params = new
        return new

    def run(self, weeks: int | None = None) -> pd.DataFrame:
        """Advance ``weeks`` steps (default ``params.weeks``) and return :meth:`kpis`.

        Raises:
            ParameterError: ``weeks`` is not a whole number from 0 to 5,200 (the command
                line's bound).
        """
        n = self.params.weeks if weeks is None else check_weeks(weeks)
        for _ in range(n):
            self.step()
        return self.kpis()

    # ------------------------------------------------------------------ snapshots and forks
    def checkpoint(self) -> Snapshot:
        """The model's complete state now, in memory (:class:`~sim.snapshot.Snapshot`).

        Cheap: the arrays are copied and nothing is encoded, so a dashboard can keep one every
        few weeks and a study can fork a warmed-up model many times. Restore it with
        :meth:`from_snapshot` (as often as wanted); ``.to_bytes()`` or ``.write(path)`` make it
        a file (see :meth:`snapshot`).

        It holds every attribute of the model (the parameters, the organization, every field of
        :class:`~sim.state.State` including the customer cohorts and the waiting requests, the
        last week's phase products, the panel rows), save the two that a restore rebuilds: the
        Employee views (made on first use) and the DataCollector (rebuilt from the recorded
        KPIs). An attribute added to the model later is included by itself. Beside them: Mesa's
        step count and ``running`` flag, the states of ``model.rng``'s bit generator and of
        ``model.random``, and every model reporter's value for weeks 0 to now.

        Raises:
            SnapshotError: an attribute holds a value a snapshot cannot store exactly (named).
        """
        history = self.datacollector.model_vars
        if any(len(values) != self.steps + 1 for values in history.values()):
            raise SnapshotError(
                "the DataCollector holds other rows than one per week 0..now (collect() was "
                "called by hand?); a snapshot could not rebuild it"
            )
        skip = _mesa_attributes() | _REBUILT
        own = {name: value for name, value in vars(self).items() if name not in skip}
        clock = {
            "steps": self.steps,
            "running": self.running,
            "rng": self.rng.bit_generator.state,
            "random": self.random.getstate(),
        }
        tree = {"model": own, "mesa": clock, "history": {k: list(v) for k, v in history.items()}}
        meta = {
            "week": int(self.steps),
            "seed": self.seed,
            "scenario": self.scenario_name,
            "seats": int(self.org.n_seats),
            "panel": self.panel,
        }
        return Snapshot.capture(tree, meta)

    def snapshot(self, path: str | Path | None = None) -> bytes:
        """The model's complete state now as bytes (and written to ``path`` when given).

        :meth:`from_snapshot` resumes it bit-identically: a run resumed from week k equals the
        uninterrupted run, KPI frame and state arrays alike. The bytes are a zip archive of the
        arrays' bytes and a JSON header with a format version (nothing is pickled); see
        :mod:`sim.snapshot`.

        Args:
            path: Also write the snapshot to this file (atomically; ``.snap`` by convention).

        Raises:
            SnapshotError: the state cannot be stored, or ``path`` cannot be written.
        """
        data = self.checkpoint().to_bytes()
        if path is not None:
            write_bytes(path, data)
        return data

    @classmethod
    def from_snapshot(
        cls, source: Snapshot | bytes | str | Path, *, overrides: Mapping[str, Any] | None = None
    ) -> ServiceCultureModel:
        """A model resumed from a snapshot: a :class:`~sim.snapshot.Snapshot`, its bytes, or a
        file path. It continues exactly as the model that was snapshotted would have.

        Args:
            source: What :meth:`checkpoint` or :meth:`snapshot` made.
            overrides: Parameter changes from the next week on, as :meth:`set_params` takes
                them (structural parameters are refused: they would need a new model).

        Raises:
            SnapshotError: not a snapshot, corrupt or truncated, a newer format, or the state of
                another version of the model.
        """
        snap = as_snapshot(source)
        tree = snap.decode()
        try:
            own, clock, history = tree["model"], tree["mesa"], tree["history"]
            seed = own["seed"]
        except (TypeError, KeyError):
            raise SnapshotError("not a snapshot of a ServiceCultureModel") from None
        model = cls.__new__(cls)
        mesa.Model.__init__(model, **_mesa_seeding(seed))
        for name, value in own.items():
            setattr(model, name, value)
        model._employees = None
        model.datacollector = model._new_datacollector()
        model._replay_history(history, int(clock["steps"]))
        model.running = clock["running"]
        model.rng = _generator_with_state(model.rng, clock["rng"])
        version, internal, gauss = clock["random"]
        model.random.setstate((version, tuple(internal), gauss))
        if overrides:
            model.set_params(overrides)
        return model

    def fork(self, overrides: Mapping[str, Any] | None = None) -> ServiceCultureModel:
        """An independent copy of the model as it is now, optionally with parameter changes
        from the next week on (as :meth:`set_params`): two forks with the same changes run
        identically; forks with different levers share everything up to now.

        Example:
            >>> base = ServiceCultureModel("pyramid", seed=1)      # warmed up, week 0
            >>> trained = base.fork({"interventions.training.intensity": 1})
            >>> trained.run(52)["profit"].iloc[-1] != base.fork().run(52)["profit"].iloc[-1]
            True
        """
        return type(self).from_snapshot(self.checkpoint(), overrides=overrides)

    def _replay_history(self, history: Mapping[str, list], steps: int) -> None:
        """Rebuild the DataCollector's records by collecting each recorded week again, with
        Mesa's own clock walked from 0 to ``steps`` (its step count, and on newer Mesa its time
        and event schedule) and the model's own step left out: whatever Mesa keys its records
        on, they come out as the uninterrupted run's."""
        panel_weeks, collector = self._panel_weeks, self.datacollector
        reporters, user_step = collector.model_reporters, self._user_step
        collector.model_reporters = {
            name: partial(_recorded, column=history[name]) if name in history else reporter
            for name, reporter in reporters.items()
        }
        self._user_step = _no_op
        try:
            for week in range(steps + 1):
                if week:
                    self.step()
                self._panel_weeks = panel_weeks[: week + 1]
                collector.collect(self)
        finally:
            collector.model_reporters, self._user_step = reporters, user_step
            self._panel_weeks = panel_weeks

    # ------------------------------------------------------------------ outputs
    def kpis(self) -> pd.DataFrame:
        """One row per step (step 0 = initial state), one column per KPI (see sim.kpis)."""
        df = self.datacollector.get_model_vars_dataframe()
        df.index.name = "step"
        df = df[list(KPI_NAMES)].astype(float)
        df["week"] = df["week"].astype(int)
        return df

    def panel_frame(self) -> pd.DataFrame:
        """The panel rows of every week so far: ``step`` and the columns of :mod:`sim.panel`.

        Raises:
            ParameterError: the model was built without ``panel``.
        """
        if self.panel is None:
            raise ParameterError("this model collects no panel; build it with panel='team' or "
                                 "panel='employee'")  # fmt: skip
        names = EMPLOYEE_COLUMNS if self.panel == "employee" else TEAM_COLUMNS
        weeks = self._panel_weeks
        frame = pd.DataFrame({c: np.concatenate([cols[c] for _, cols in weeks]) for c in names})
        frame.insert(
            0, "step", np.repeat([w for w, _ in weeks], [len(c["team"]) for _, c in weeks])
        )
        return frame

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
                "expectation": s.expectation,
                "quality_standard": s.standard,
                "customers": s.customers_per_seat,
            }
        )


def seed_from(sequence: np.random.SeedSequence) -> int:
    """The model seed a :class:`numpy.random.SeedSequence` gives: its first 64-bit word, cut to
    53 bits, so that the seed is exact in a double (below 2^53; see :mod:`sim.arguments`).

    The one derivation of every seed the package draws: :func:`fresh_seed` here and the
    replication seeds of the studies (:func:`sim.studies.seeds.replication_seeds`).
    """
    word = int(sequence.generate_state(1, np.uint64)[0])
    return word >> (64 - SEED_BITS)


def fresh_seed() -> int:
    """A new seed below 2^53 from the operating system's entropy (for runs given no seed)."""
    return seed_from(np.random.SeedSequence())


def model_seed(seed: Any = None, rng: Any = None) -> int:
    """The seed a model runs with, from its ``seed`` or Mesa-style ``rng`` argument.

    None for both draws a fresh seed (:func:`fresh_seed`); a whole number is checked
    (:func:`sim.arguments.check_seed`); a generator, bit generator or seed sequence given as
    ``rng`` gives a seed drawn from it.

    Raises:
        ParameterError: both are given, or the value is not a valid seed.
    """
    if seed is not None and rng is not None:
        raise ParameterError(
            f"seed = {seed!r} and rng = {rng!r}: give one of them (rng is Mesa 3.4+'s name for "
            "the seed), not both"
        )
    value, name = (rng, "rng") if rng is not None else (seed, "seed")
    if value is None:
        return fresh_seed()
    if isinstance(value, np.random.SeedSequence):
        return seed_from(value)
    if isinstance(value, np.random.BitGenerator):
        value = np.random.Generator(value)
    if isinstance(value, np.random.Generator):
        return int(value.integers(DRAWN_SEED_LIMIT))
    return check_seed(value, name)


def _mesa_seeding(seed: int) -> dict[str, Any]:
    """Keywords for ``mesa.Model.__init__`` that seed it with ``seed``.

    Mesa 3.5 also gives every model an (experimental) ``Scenario``, and its ``SolaraViz`` then
    rebuilds a model on Reset by passing a Mesa Scenario object as the ``scenario`` argument,
    which here names a preset. This model's scenario is its own (a preset, a file or
    :class:`~sim.params.Params`), so it hands Mesa an empty Scenario that reads as false, and
    ``SolaraViz`` rebuilds it from its ``model_params`` alone, as it does on Mesa 3.3.
    """
    if _NoMesaScenario is None:
        return {"rng": seed}
    return {"scenario": _NoMesaScenario(rng=seed)}


def _empty_mesa_scenario_class() -> type | None:
    try:
        from mesa.experimental.scenarios import Scenario
    except ImportError:  # Mesa before 3.5 has no scenarios
        return None

    class NoMesaScenario(Scenario):
        """Mesa's Scenario with no parameters: this model keeps its own (``model.params``)."""

        def __bool__(self) -> bool:
            return False

    return NoMesaScenario


_NoMesaScenario = _empty_mesa_scenario_class()
_KPI_SET = frozenset(KPI_NAMES)


class PanelCollector(mesa.DataCollector):
    """Mesa's DataCollector whose agent rows are the model's vectorized employee panel.

    Mesa would call each agent reporter on each agent every week; here the employee columns of
    :mod:`sim.panel` are computed once per week from the state arrays and stored as Mesa's
    agent records (``(step, AgentID, *values)`` rows), so ``get_agent_vars_dataframe`` and
    ``mesa.batch_run`` read them as usual.
    """

    def _record_agents(self, model):
        return ()  # the rows are put in place by collect(), below

    def collect(self, model) -> None:
        super().collect(model)
        if self.agent_reporters and model._panel_weeks:
            key = next(reversed(self._agent_records))  # the step key this Mesa version uses
            self._agent_records[key] = _AgentRows(key, model._panel_weeks[-1][1])


class _AgentRows:
    """One week's employee columns seen as Mesa agent records (rows built on iteration)."""

    def __init__(self, key: Any, columns: dict[str, np.ndarray]) -> None:
        self.key, self.columns = key, columns

    def __len__(self) -> int:
        return len(self.columns["seat"])

    def __iter__(self):
        ids = (self.columns["seat"] + 1).tolist()  # Employee agent unique_id = seat + 1
        values = [self.columns[c].tolist() for c in EMPLOYEE_COLUMNS]
        return zip(repeat(self.key), ids, *values, strict=False)

    def __getitem__(self, i: int) -> tuple:
        return list(self)[i]


def _kpi_value(model: ServiceCultureModel, name: str) -> float:
    """DataCollector model reporter: one KPI of the latest step (wrapped in a partial)."""
    return model.last_week.kpis[name]


# Attributes a snapshot does not store: rebuilt on restore (see ServiceCultureModel.checkpoint).
_REBUILT = frozenset({"datacollector", "_employees"})


@cache
def _mesa_attributes() -> frozenset[str]:
    """The attributes Mesa's own ``Model.__init__`` sets (whatever the Mesa version): a
    restore makes them by calling it, then sets the clock and the generators' states."""
    return frozenset(vars(mesa.Model(rng=0)))


def _recorded(model: ServiceCultureModel, column: list) -> Any:
    """Model reporter while a restore replays the history: the recorded value of this week."""
    return column[model.steps]


def _no_op() -> None:
    """The model's step while a restore walks Mesa's clock forward."""


def _generator_with_state(rng: np.random.Generator, state: dict) -> np.random.Generator:
    """``rng`` (or a generator of the recorded bit generator's kind) set to ``state``."""
    kind = state.get("bit_generator")
    if type(rng.bit_generator).__name__ != kind:
        if kind not in _BIT_GENERATORS:
            raise SnapshotError(f"unknown bit generator {kind!r} in the snapshot")
        rng = np.random.Generator(getattr(np.random, kind)())
    rng.bit_generator.state = state
    return rng


_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


def run(
    scenario: str | Path | Params = "pyramid",
    weeks: int | None = 260,
    seed: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    panel: str | None = None,
    *,
    start: Snapshot | bytes | str | Path | None = None,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Run one simulation and return its KPI frame (one row per week, week 0 included).

    Args:
        scenario: Preset name, scenario file path, or Params.
        weeks: The last week of the run, a whole number from 0 to 5,200 (None = the scenario's
            ``weeks``).
        seed: Random seed, a whole number from 0 to 2^63 - 1 (same inputs + same seed =
            identical output). None draws a fresh one, as :class:`ServiceCultureModel` does, so
            ``[sim.run() for _ in range(10)]`` gives ten independent replications rather than
            ten copies of one run; the seed used is in the frame's ``attrs["seed"]``.
        overrides: Dotted-path overrides, e.g. ``{"org.headcount": 1000}``; with ``start``,
            changes from the snapshot's next week on (as ``set_params``: no structural ones).
        panel: ``"team"`` or ``"employee"`` to also return the weekly panel
            (:meth:`ServiceCultureModel.panel_frame`): then the result is ``(kpis, panel)``.
        start: Resume from this snapshot (a :class:`~sim.snapshot.Snapshot`, its bytes or a
            file, see :meth:`ServiceCultureModel.snapshot`) instead of building a model: the
            scenario, seed and panel are the snapshot's (leave ``scenario``, ``seed`` and
            ``panel`` out), the run continues from the snapshot's week to ``weeks``, and the
            frame holds every week from 0, exactly as the uninterrupted run's.

    Raises:
        ParameterError: bad parameters, ``weeks`` out of range; with ``start``, a
            ``scenario``, ``seed`` or ``panel`` that contradicts the snapshot, or ``weeks``
            before the snapshot's week.
        SnapshotError: ``start`` is not a valid snapshot.
    """
    if weeks is not None:
        weeks = check_weeks(weeks)
    if start is None:
        model = ServiceCultureModel(scenario=scenario, overrides=overrides, seed=seed, panel=panel)
        kpis = model.run(weeks)
    else:
        model = ServiceCultureModel.from_snapshot(start, overrides=overrides)
        _check_resume(model, scenario, seed, panel)
        horizon = model.params.weeks if weeks is None else weeks
        if horizon < model.steps:
            raise ParameterError(
                f"weeks = {horizon}: the snapshot is already at week {model.steps}; give the "
                "week to run to, at or after it"
            )
        kpis = model.run(horizon - model.steps)
    kpis.attrs["seed"] = model.seed
    if model.panel is None:
        return kpis
    frame = model.panel_frame()
    frame.attrs["seed"] = model.seed
    return kpis, frame


def _check_resume(model: ServiceCultureModel, scenario: Any, seed: Any, panel: Any) -> None:
    """Refuse arguments of :func:`run` that contradict the snapshot it resumes (the defaults
    mean "left out")."""
    wrong = []
    if isinstance(scenario, str | Path) and str(scenario) not in ("pyramid", model.scenario_name):
        wrong.append(f"scenario {str(scenario)!r} (the snapshot's is {model.scenario_name!r})")
    elif isinstance(scenario, Params):
        wrong.append("a Params scenario (the snapshot brings its own)")
    if seed is not None and seed != model.seed:
        wrong.append(f"seed {seed} (the snapshot's is {model.seed})")
    if panel not in (None, model.panel):
        wrong.append(f"panel {panel!r} (the snapshot's is {model.panel!r})")
    if wrong:
        raise ParameterError(
            f"start= resumes the snapshot's own run, but got {'; '.join(wrong)}; leave them out"
        )
