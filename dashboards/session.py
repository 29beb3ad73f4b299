"""One browser session's runs: the models, the settings that built them, the selected seat.

The Solara page creates one :class:`DashboardSession` per browser session (``solara.use_memo``
inside the page component), so sessions never share a model. Everything here is plain Python,
unit-tested without a browser. The simulation thread (:mod:`dashboards.runner`) and the UI
handlers share the session, so every read and write of a model holds ``self.lock``; the page
draws from :meth:`DashboardSession.snapshot`, never from a model directly.

Settings: a preset, a seed and dotted-path overrides (``{"interventions.training.intensity": 1}``).
Changing a *structural* setting (organization, initial state; see :func:`sim.params.is_structural`)
starts a new run at week 0. Every other setting is read by the phases each week, so it applies to
the running model(s) from the next step on: pull a lever mid-run and watch the chain react. The
culture slider also sets the culture in force (``state.service_direction``), like a leadership
change. Each such change is kept with its week (:attr:`DashboardSession.changes`), so the charts
mark it as they mark shocks. Shocks are timeline events added at the next week
(:meth:`DashboardSession.fire`).

New runs are built (the warm-up simulates years, seconds for a large organization) before the
lock is taken, and swapped in under it: the page keeps drawing the old runs meanwhile and can
show that the new ones are on their way; a setting that cannot be built leaves everything as it
was.

Each run has a horizon, the preset's ``weeks`` (default 260): Play stops there, and
:meth:`DashboardSession.extend_horizon` moves it.

Pause shows the week on screen: every frame's snapshot keeps a copy of the runs it shows (a few
milliseconds a model), and :meth:`DashboardSession.rewind_to_drawn` puts the runs back to it,
discarding the weeks simulated ahead of the picture. So Pause never draws a later
week after the click, however far the simulation had run ahead on a busy machine.

Compare mode runs several scenario specs (``"pyramid"``, ``"airline@two_way"``) from week 0 in
lockstep with common random numbers: the same seeds and the same overrides (except the culture,
which the specs set). With one replication the seed is the session's, so a compare run equals the
live run of the same preset; with several, the seeds are ``servicechain compare --seed S --reps
R``'s (``sim.studies.seeds.replication_seeds``). While compare mode is on, the live run waits.

Your own organization: :meth:`DashboardSession.open_files` checks an uploaded org chart (or a
scenario with the files it names, e.g. a calibrated scenario) and opens it like a preset, under
a label of this session only (:mod:`dashboards.uploads`); :meth:`DashboardSession.resolve` turns
a label, with or without ``@culture``, into the file behind it.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboards.controls_spec import CULTURE_PATH, check_value, control_spec
from dashboards.figures.pyramid import PyramidLayout, culture_name, pyramid_layout
from dashboards.history import SeatHistory
from dashboards.limits import COMPARE_FACTOR, MAX_HEADCOUNT, MAX_REPLICATIONS, check_workload
from dashboards.measures import cold_start
from dashboards.names import run_title, spec_title, unique_titles
from dashboards.snapshot import Change, Snapshot, run_view, seat_view
from dashboards.uploads import OwnScenarios, UploadedFile
from sim.model import ServiceCultureModel
from sim.overrides import apply_overrides, get_path
from sim.params import FIELDS, ParameterError, is_structural
from sim.scenario import culture_direction, load_scenario, preset_names, scenario_info, split_spec
from sim.studies.seeds import replication_seeds

HEADCOUNT_PATH = "org.headcount"
HORIZON_PATH = "weeks"
DEFAULT_COMPARE = ("pyramid", "two_way")
# Pause rewinds to the picture only while copying the runs is cheap (a few ms each).
MAX_REWIND_MODELS = 4
# Frames kept to rewind to: the page may show one or two frames behind the last one sent.
DRAWN_FRAMES = 4


@dataclass(frozen=True)
class Drawn:
    """The runs as the last frame drawn them (copies), to rewind to on Pause.

    Attributes:
        base: The session's settings version when taken (any change of settings voids it).
        week: The week drawn.
        model: Copy of the live run.
        compare_models: Copies of the compare runs.
        history: Copy of the seat history.
    """

    base: int
    week: int
    model: Any
    compare_models: list
    history: SeatHistory


def check_spec(spec: str, own: tuple[str, ...] | list[str] = ()) -> str:
    """A compare spec (a preset or one of ``own`` labels, optionally ``@culture``), or
    ParameterError naming the options."""
    name, culture = split_spec(spec)
    names = [*preset_names(), *own]
    if str(name) not in names:
        raise ParameterError(
            f"unknown preset '{name}'; presets: {', '.join(names)} "
            "(add @pyramid, @two_way, @inverted or @-1..1 to set the culture)"
        )
    if culture is not None:
        culture_direction(culture)  # checks the culture part
    return str(spec)


class DashboardSession:
    """The runs of one browser session.

    Args:
        preset: Initial preset name (default ``"pyramid"``).
        seed: Initial seed.
        max_headcount: The largest organization this session may build.

    Attributes:
        preset: Preset of the live run.
        seed: Seed shared by every run of the session (common random numbers in compare mode).
        overrides: Dotted-path settings applied on top of the preset(s).
        model: The live run.
        compare: Scenario specs of compare mode, or an empty tuple when compare mode is off.
        reps: Replications per spec in compare mode.
        compare_models: The compare runs: one list of replications per spec.
        selected: Seat shown in the employee panel, or None.
        history: Every seat's recent weeks in the live run (the employee panel's chart).
        version: Changes with every step and every change of the runs (redraw key).
    """

    def __init__(
        self, preset: str = "pyramid", seed: int = 0, max_headcount: int = MAX_HEADCOUNT
    ) -> None:
        self.lock = threading.RLock()
        self.max_headcount = int(max_headcount)
        self.preset = preset
        self.seed = int(seed)
        self.overrides: dict[str, Any] = {}
        self.compare: tuple[str, ...] = ()
        self.reps = 1
        self.compare_models: list[list[ServiceCultureModel]] = []
        self.selected: int | None = None
        self.history = SeatHistory()
        self.version = 0
        self._layouts: dict[int, PyramidLayout] = {}
        self._cold: dict[int, bool] = {}
        self._live_changes: list[Change] = []
        self._compare_changes: list[Change] = []
        self._building = threading.Lock()  # one rebuild at a time
        self._base = 0  # bumped by every change that is not a step (voids a Drawn copy)
        self._drawn: list[Drawn] = []
        self.own = OwnScenarios(self.max_headcount)
        self._check_size(self._seats(preset), preset)
        self.model = self._build(preset, self.overrides, culture=True)
        self.history.record(self.model)

    # ------------------------------------------------------------------ scenarios
    @property
    def scenario_names(self) -> list[str]:
        """The presets, then the organizations this session opened from files."""
        return [*preset_names(), *self.own.labels]

    def resolve(self, spec: str) -> str:
        """The scenario spec the model loads: an opened label becomes its file (keeping any
        ``@culture``); presets and paths pass unchanged."""
        name, culture = split_spec(spec)
        path = self.own.path(str(name))
        if path is None:
            return str(spec)
        return str(path) if culture is None else f"{path}@{culture}"

    def info(self, spec: str | None = None) -> dict[str, Any]:
        """Description, narrative, notice and try of a spec (default: the live preset)."""
        spec = self.preset if spec is None else spec
        info = scenario_info(self.resolve(spec))
        info["name"] = spec
        return info

    def title(self, spec: str) -> str:
        """The plain name of a spec ("Airline · two-way street")."""
        return spec_title(spec, self.own.labels)

    def _seats(self, spec: str) -> int:
        """Seats a spec builds under the current overrides (a chart sets its own number)."""
        params = load_scenario(self.resolve(spec))
        if params.org.chart is None:
            return int(self.overrides.get(HEADCOUNT_PATH, params.org.headcount))
        from sim.orgchart import load_chart

        return load_chart(params.org.chart).n_people

    def open_files(self, files: list[UploadedFile]) -> str:
        """Open an uploaded org chart (or scenario with its files) as the live run; returns its
        label (see :mod:`dashboards.uploads`). A broken file changes nothing.

        Raises:
            ParameterError: the command line's message for the broken file, or a limit.
        """
        label = self.own.open(files)
        try:
            self.set_preset(label)
        except ParameterError:
            self.own.files.pop(label, None)
            raise
        return label

    # ------------------------------------------------------------------ building
    def _check_size(self, headcount: int, what: str) -> None:
        if headcount > self.max_headcount:
            raise ParameterError(
                f"{what}: {headcount:,} seats is more than this dashboard allows "
                f"({self.max_headcount:,}); start it with `servicechain dashboard "
                f"--max-headcount {headcount}` to allow more"
            )

    def _build(
        self, spec: str, overrides: dict[str, Any], culture: bool, seed: int | None = None
    ) -> ServiceCultureModel:
        over = dict(overrides)
        if not culture:
            over.pop(CULTURE_PATH, None)
        params = apply_overrides(load_scenario(self.resolve(spec)), over)
        check_workload(params, self.title(spec))  # before the warm-up, which is the cost
        model = ServiceCultureModel(scenario=params, seed=self.seed if seed is None else seed)
        self._cold[id(model)] = cold_start(model)
        return model

    def _build_compare(
        self, specs: tuple[str, ...], reps: int, overrides: dict[str, Any], seed: int
    ) -> list[list]:
        seeds = [seed] if reps == 1 else replication_seeds(seed, reps)
        return [
            [self._build(spec, overrides, culture=False, seed=s) for s in seeds] for spec in specs
        ]

    def layout(self, org) -> PyramidLayout:
        """The pyramid layout of an organization (cached per organization)."""
        key = id(org)
        if key not in self._layouts:
            self._layouts[key] = pyramid_layout(org)
        return self._layouts[key]

    def _changed(self, step: bool = False) -> None:
        """A new version to draw; ``step``: only weeks passed (or the view changed), the
        settings did not (a kept picture of the runs stays valid to rewind to)."""
        self.version += 1
        if not step:
            self._base += 1
            self._drawn = []

    @staticmethod
    def _copy(model: ServiceCultureModel) -> ServiceCultureModel:
        # The organization is static: shared, so the pyramid's layout cache still applies.
        return copy.deepcopy(model, memo={id(model.org): model.org})

    def keep_drawn(self) -> None:
        """Keep a copy of the runs as they are now, the picture being drawn (call under the
        lock)."""
        models = self.stepped
        kept = [d for d in self._drawn if d.base == self._base and d.week < self.week]
        if len(models) > MAX_REWIND_MODELS:
            self._drawn = []
            return
        compare = [[self._copy(m) for m in runs] for runs in self.compare_models]
        drawn = Drawn(
            base=self._base,
            week=self.week,
            model=self.model if self.compare_models else self._copy(self.model),
            compare_models=compare,
            history=copy.deepcopy(self.history),
        )
        self._drawn = [*kept[-(DRAWN_FRAMES - 1) :], drawn]

    def rewind_to_drawn(self, week: int | None = None) -> int:
        """Put the runs back to a picture drawn (Pause): the weeks simulated ahead of it are
        discarded, and the runs go on from there exactly as they would have.

        Args:
            week: The week the page shows (``ScreenWeek``); None: the last frame drawn.

        Returns:
            The weeks discarded: 0 when the runs are at that week, when settings changed since
            it was drawn, or when it is not among the frames kept.
        """
        with self.lock:
            kept = [d for d in self._drawn if d.base == self._base]
            if week is not None:
                kept = [d for d in kept if d.week == week]
            if not kept or kept[-1].week >= self.week:
                return 0
            drawn = kept[-1]
            ahead = self.week - drawn.week
            # The copies become the runs; copy again, so the kept frame stays a picture.
            cold = self._cold.get(id(self.stepped[0]), True)  # every run of a session alike
            self.model = drawn.model if self.compare_models else self._copy(drawn.model)
            self.compare_models = [[self._copy(m) for m in runs] for runs in drawn.compare_models]
            self._cold = {id(m): self._cold.get(id(m), cold) for m in self.all_models}
            self.history = copy.deepcopy(drawn.history)
            self._drawn = [d for d in self._drawn if d.week <= drawn.week]
            self._changed(step=True)
            return ahead

    def _rebuild(
        self,
        preset: str | None = None,
        overrides: dict[str, Any] | None = None,
        seed: int | None = None,
    ) -> None:
        """New runs at week 0 with these settings (the current ones where None).

        Everything is built before the lock is taken and before anything is replaced: the page
        keeps drawing the old runs meanwhile, and a setting that cannot be built leaves the
        current runs and settings as they were.
        """
        with self._building:
            preset = self.preset if preset is None else preset
            overrides = dict(self.overrides if overrides is None else overrides)
            seed = self.seed if seed is None else int(seed)
            model = self._build(preset, overrides, culture=True, seed=seed)
            compare_models = self._build_compare(self.compare, self.reps, overrides, seed)
            with self.lock:
                self.preset, self.overrides, self.seed = preset, overrides, seed
                self._layouts.clear()
                self._cold = {id(model): self._cold[id(model)]} | {
                    id(m): self._cold[id(m)] for runs in compare_models for m in runs
                }
                self.model, self.compare_models = model, compare_models
                self._live_changes, self._compare_changes = [], []
                self._restart_history()
                self._changed()

    def reset(self) -> None:
        """Start every run again at week 0 with the current settings (fired shocks dropped)."""
        self._rebuild()

    def set_preset(self, preset: str) -> None:
        """Switch the live run's preset, or an organization opened from files (a new run at
        week 0; culture and horizon follow it)."""
        if preset not in self.scenario_names:
            raise ParameterError(
                f"unknown preset '{preset}'; presets: {', '.join(self.scenario_names)}"
            )
        self._check_size(self._seats(preset), preset)
        overrides = {
            k: v for k, v in self.overrides.items() if k not in (CULTURE_PATH, HORIZON_PATH)
        }
        self._rebuild(preset=preset, overrides=overrides)

    def set_seed(self, seed: int) -> None:
        """Change the seed (a new run at week 0)."""
        if not 0 <= int(seed) < 2**32:
            raise ParameterError(f"seed = {seed}: takes a whole number from 0 to {2**32 - 1}")
        self._rebuild(seed=int(seed))

    def set_param(self, path: str, value: Any) -> bool:
        """Set one parameter; returns True when the change started a new run.

        Structural parameters rebuild the runs; the others apply from the next week on. The
        value is validated against the whole schema (ParameterError names what is allowed).
        """
        value = check_value(path, value)
        if path == HEADCOUNT_PATH:
            self._check_size(int(value), HEADCOUNT_PATH)
        if is_structural(path):
            self._rebuild(overrides={**self.overrides, path: value})
            return True
        with self.lock:
            # Every run validates the change (ranges and cross-field rules) before any run is
            # touched; compare runs keep their specs' cultures.
            targets = [
                m for m in self.all_models if not (path == CULTURE_PATH and m is not self.model)
            ]
            for m in targets:
                m.check_params({path: value})
            self.overrides[path] = value
            for m in targets:
                m.set_params({path: value})
            self._note_change(path, value)
            self._changed()
            return False

    def _note_change(self, path: str, value: Any) -> None:
        """Keep a setting changed mid-run with its week (one per setting and week: the last)."""
        changes = self._compare_changes if self.compare_models else self._live_changes
        if path == CULTURE_PATH:
            text = f"Culture: {culture_name(float(value))}"
        else:
            spec = control_spec(path)
            text = f"{spec.label}: {spec.value_text(value)}"
        week = self.week
        kept = [c for c in changes if not (c.week == week and c.path == path)]
        kept.append(Change(week=week, path=path, value=value, text=text))
        if self.compare_models:
            self._compare_changes = kept
        else:
            self._live_changes = kept

    @property
    def changes(self) -> list[Change]:
        """Settings changed mid-run in the runs shown, each with the week it was changed in
        (it acts from the next week)."""
        return list(self._compare_changes if self.compare_models else self._live_changes)

    def value(self, path: str) -> Any:
        """The value of a parameter in force in the live run."""
        if path == CULTURE_PATH:
            return float(self.model.state.service_direction)
        return get_path(self.model.params, path)

    # ------------------------------------------------------------------ horizon and shocks
    @property
    def horizon(self) -> int:
        """The week Play stops at (``params.weeks`` of the runs shown)."""
        return int(self.models[0].params.weeks)

    def extend_horizon(self, weeks: int = 52) -> int:
        """Move the horizon ``weeks`` later (up to the schema's longest run); returns it."""
        high = int(FIELDS[HORIZON_PATH].high) if HORIZON_PATH in FIELDS else 5200
        with self.lock:
            new = min(self.horizon + int(weeks), high)
            if new == self.horizon:
                raise ParameterError(f"the horizon is already the longest run allowed ({high})")
            for m in self.all_models:
                m.check_params({HORIZON_PATH: new})
            for m in self.all_models:
                m.set_params({HORIZON_PATH: new})
            self.overrides[HORIZON_PATH] = new
            self._changed()
            return new

    def fire(self, event: dict[str, Any]) -> dict[str, Any]:
        """Add a timeline event to every run shown, starting next week; returns it as added.

        Args:
            event: The event's fields without ``week`` (e.g. ``{"type": "hiring_freeze",
                "weeks": 12}``); every field is validated by the schema.

        Raises:
            ParameterError: a field out of range, or the run already at its horizon.
        """
        with self.lock:
            start = self.week + 1
            if start > self.horizon:
                raise ParameterError(
                    f"the run is at its horizon (week {self.horizon}); extend the horizon to "
                    "fire a shock"
                )
            new = {**event, "week": start}
            for m in self.models:
                m.check_params({"events": [*_dump(m.params.events), new]})
            for m in self.models:
                m.set_params({"events": [*_dump(m.params.events), new]})
            self._changed()
            return new

    # ------------------------------------------------------------------ compare mode
    def start_compare(
        self, specs: tuple[str, ...] | list[str] = DEFAULT_COMPARE, reps: int = 1
    ) -> None:
        """Run these specs from week 0 in lockstep (same seeds and overrides)."""
        specs = tuple(check_spec(s, self.own.labels) for s in specs)
        if len(specs) < 2:
            raise ParameterError("compare needs two or more scenarios, e.g. pyramid and two_way")
        if not 1 <= int(reps) <= MAX_REPLICATIONS:
            raise ParameterError(f"replications = {reps}: takes 1 to {MAX_REPLICATIONS}")
        seats = sum(self._seats(s) for s in specs)
        budget = COMPARE_FACTOR * self.max_headcount
        if seats * int(reps) > budget:
            raise ParameterError(
                f"{len(specs)} scenarios x {reps} replications = {seats * int(reps):,} seats, more "
                f"than compare mode runs at once ({budget:,}); use fewer replications or a "
                "smaller organization"
            )
        with self._building:
            models = self._build_compare(specs, int(reps), self.overrides, self.seed)
            with self.lock:
                self.compare, self.reps, self.compare_models = specs, int(reps), models
                self._compare_changes = []
                self._changed()

    def stop_compare(self) -> None:
        """Leave compare mode (the live run continues where it was)."""
        with self.lock:
            self.compare, self.reps, self.compare_models = (), 1, []
            self._compare_changes = []
            self._changed()

    @property
    def models(self) -> list[ServiceCultureModel]:
        """The runs shown: the live run, or the first replication of each compare run."""
        if self.compare_models:
            return [runs[0] for runs in self.compare_models]
        return [self.model]

    @property
    def stepped(self) -> list[ServiceCultureModel]:
        """Every model a step advances: the live run, or every compare replication."""
        if self.compare_models:
            return [m for runs in self.compare_models for m in runs]
        return [self.model]

    @property
    def all_models(self) -> list[ServiceCultureModel]:
        """The live run and every compare replication (settings apply to all)."""
        return [self.model, *(m for runs in self.compare_models for m in runs)]

    # ------------------------------------------------------------------ time
    @property
    def week(self) -> int:
        """Week of the runs shown (0 = initial state)."""
        return int(self.models[0].steps)

    def step(self, weeks: int = 1) -> None:
        """Advance the runs shown by ``weeks`` weeks in lockstep (past the horizon too)."""
        for _ in range(int(weeks)):
            with self.lock:
                for m in self.stepped:
                    m.step()
                self._record_history()
                self._changed(step=True)

    def run_to(self, week: int) -> int:
        """Step until the runs reach ``week`` (at most the horizon); returns the weeks stepped."""
        week = int(week)
        if not 0 <= week <= self.horizon:
            raise ParameterError(
                f"run to week {week}: takes a whole number from 0 to the horizon ({self.horizon}); "
                "extend the horizon to go further"
            )
        n = max(week - self.week, 0)
        self.step(n)
        return n

    # ------------------------------------------------------------------ one employee
    def select(self, seat: int | None) -> None:
        """Show a seat in the employee panel (None clears), with its recent weeks at once."""
        if seat is not None and not 0 <= int(seat) < self.model.org.n_seats:
            raise ParameterError(
                f"seat {seat}: takes a whole number from 0 to {self.model.org.n_seats - 1}"
            )
        with self.lock:
            self.selected = None if seat is None else int(seat)
            self._changed(step=True)  # the runs did not change

    def _restart_history(self) -> None:
        self.history.clear()
        if self.selected is not None and self.selected >= self.model.org.n_seats:
            self.selected = None
        self._record_history()

    def _record_history(self) -> None:
        # Every seat's arrays, copied: a few vectorized copies a week, no loop over agents.
        if self.selected is not None and self.selected >= self.model.org.n_seats:
            self.selected = None  # a restructuring removed the seat
        if not self.compare_models:
            self.history.record(self.model)

    # ------------------------------------------------------------------ outputs
    def snapshot(self, playing: bool = False, status: str = "", drawn: bool = False) -> Snapshot:
        """Copies of everything a frame draws, taken under the lock (``dashboards.snapshot``).

        ``drawn``: this snapshot is the page's next frame; the runs are kept as drawn
        (:meth:`rewind_to_drawn`), so Pause can return to exactly what is on screen.
        """
        with self.lock:
            if drawn:
                self.keep_drawn()
            changes = self.changes
            if self.compare_models:
                titles = unique_titles(
                    [
                        run_title(spec, float(reps[0].state.service_direction), self.own.labels)
                        for spec, reps in zip(self.compare, self.compare_models, strict=True)
                    ]
                )
                runs = [
                    run_view(
                        reps[0], spec, self._cold.get(id(reps[0]), True), reps[1:], title, changes
                    )
                    for spec, reps, title in zip(
                        self.compare, self.compare_models, titles, strict=True
                    )
                ]
                seat = None
            else:
                title = run_title(
                    self.preset, float(self.model.state.service_direction), self.own.labels
                )
                cold = self._cold.get(id(self.model), True)
                runs = [run_view(self.model, self.preset, cold, None, title, changes)]
                seat = (
                    seat_view(self.model, self.selected, self.history.rows(self.selected))
                    if self.selected is not None
                    else None
                )
            return Snapshot(
                version=self.version,
                week=self.week,
                horizon=self.horizon,
                runs=runs,
                compare=bool(self.compare_models),
                seat=seat,
                playing=playing,
                status=status,
            )

    def frames(self) -> dict[str, pd.DataFrame]:
        """KPI frames by run label: the live run, or the compare runs' first replications."""
        with self.lock:
            if self.compare_models:
                return {
                    s: runs[0].kpis()
                    for s, runs in zip(self.compare, self.compare_models, strict=True)
                }
            return {self.preset: self.model.kpis()}

    def describe(self) -> str:
        """One line with what is running (for exports)."""
        over = (
            ", ".join(
                f"{control_spec(k).label} = {control_spec(k).value_text(v)}"
                for k, v in sorted(self.overrides.items())
            )
            or "none"
        )
        runs = (
            " vs ".join(self.title(s) for s in self.compare)
            if self.compare
            else self.title(self.preset)
        )
        reps = f"; {self.reps} replications" if self.compare and self.reps > 1 else ""
        return f"runs: {runs}; seed {self.seed}{reps}; week {self.week}; settings changed: {over}"

    def close(self) -> None:
        """Drop the models, their history and the uploaded files (the browser session ended)."""
        with self.lock:
            self.compare_models = []
            self.compare = ()
            self._layouts.clear()
            self._cold.clear()
            self.history.clear()
            self.own.close()


def _dump(events: list) -> list[dict[str, Any]]:
    return [e.model_dump() for e in events]
