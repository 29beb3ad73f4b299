"""One browser session's runs: the model(s), the settings that built them, the seat history.

The Solara page creates one :class:`DashboardSession` per browser session (``solara.use_memo``
inside the page component), so sessions never share a model. Everything here is plain Python and
unit-tested without a browser; the Play loop (a thread) and the UI handlers share the session,
so every mutation holds ``self.lock``.

Settings: a preset, a seed and dotted-path overrides, e.g.
``{"interventions.training.intensity": 1.0}``.
Changing a *structural* setting (organization, initial state; see
:func:`sim.params.is_structural`) starts a new run at week 0. Every other setting is
read by the phases each week, so it applies to the running model(s) from the next step on: pull a
lever mid-run and watch the chain react. The culture slider also sets the culture in force
(``state.service_direction``), like a leadership change.

Compare mode runs several presets in lockstep with common random numbers: the same seed and the
same overrides (except the culture, which is what the presets differ in), stepped together.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

import pandas as pd

from dashboards.controls_spec import CULTURE_PATH, check_value
from dashboards.render import PyramidLayout, pyramid_layout
from sim.model import ServiceCultureModel
from sim.overrides import get_path
from sim.params import ParameterError, is_structural
from sim.scenario import load_scenario, preset_names

HISTORY_WEEKS = 52  # the selected seat's history ring
MAX_WEEKS = 5200  # "run to week N" accepts 0..MAX_WEEKS (the schema's longest horizon)
DEFAULT_COMPARE = ("pyramid", "two_way")


class DashboardSession:
    """The runs of one browser session.

    Args:
        preset: Initial preset name (default ``"pyramid"``).
        seed: Initial seed.

    Attributes:
        preset: Preset of the main run.
        seed: Seed shared by every run of the session (common random numbers in compare mode).
        overrides: Dotted-path settings applied on top of the preset(s).
        model: The main run.
        compare: Preset names of compare mode, or an empty tuple when compare mode is off.
        compare_models: The compare runs, in ``compare`` order (stepped in lockstep).
        selected: Seat shown in the employee panel, or None.
        history: Ring of the selected seat's weekly morale, mindset, skill and workload.
    """

    def __init__(self, preset: str = "pyramid", seed: int = 0) -> None:
        self.lock = threading.RLock()
        self.preset = preset
        self.seed = int(seed)
        self.overrides: dict[str, Any] = {}
        self.compare: tuple[str, ...] = ()
        self.compare_models: list[ServiceCultureModel] = []
        self.selected: int | None = None
        self.history: deque[dict] = deque(maxlen=HISTORY_WEEKS)
        self._layouts: dict[int, PyramidLayout] = {}
        self.model = self._build(preset, culture=True)

    # ------------------------------------------------------------------ building
    def _build(self, preset: str, culture: bool) -> ServiceCultureModel:
        over = dict(self.overrides)
        if not culture:
            over.pop(CULTURE_PATH, None)
        return ServiceCultureModel(scenario=preset, overrides=over, seed=self.seed)

    def layout(self, model: ServiceCultureModel) -> PyramidLayout:
        """The pyramid layout of a model's organization (cached per model)."""
        key = id(model.org)
        if key not in self._layouts:
            self._layouts[key] = pyramid_layout(model.org)
        return self._layouts[key]

    def reset(self) -> None:
        """Start every run again at week 0 with the current settings."""
        with self.lock:
            # Build everything before replacing anything: a setting that cannot be built leaves
            # the current runs as they were.
            model = self._build(self.preset, culture=True)
            compare_models = [self._build(p, culture=False) for p in self.compare]
            self._layouts.clear()
            self.model, self.compare_models = model, compare_models
            self._restart_history()

    def set_preset(self, preset: str) -> None:
        """Switch the main run's preset (a new run at week 0; the culture slider follows it)."""
        if preset not in preset_names():
            raise ParameterError(f"unknown preset '{preset}'; presets: {', '.join(preset_names())}")
        with self.lock:
            self.preset = preset
            self.overrides.pop(CULTURE_PATH, None)
            self.reset()

    def set_seed(self, seed: int) -> None:
        """Change the seed (a new run at week 0)."""
        if not 0 <= int(seed) < 2**32:
            raise ParameterError(f"seed = {seed}: takes a whole number from 0 to {2**32 - 1}")
        with self.lock:
            self.seed = int(seed)
            self.reset()

    def set_param(self, path: str, value: Any) -> bool:
        """Set one parameter; returns True when the change started a new run.

        Structural parameters rebuild the runs; the others apply from the next week on. The
        value is validated against the schema (ParameterError names what is allowed).
        """
        value = check_value(path, value)
        with self.lock:
            previous = dict(self.overrides)
            self.overrides[path] = value
            try:
                if is_structural(path):
                    self.reset()
                    return True
                # Every run validates the change (ranges and cross-field rules) before any run is
                # touched; compare runs keep their presets' cultures.
                targets = [
                    m for m in self.models if not (path == CULTURE_PATH and m is not self.model)
                ]
                for m in targets:
                    m.check_params({path: value})
            except ParameterError:
                self.overrides = previous  # a rejected value must not poison later changes
                raise
            for m in targets:
                m.set_params({path: value})
            return False

    def value(self, path: str) -> Any:
        """The value of a parameter in force in the main run."""
        if path == CULTURE_PATH:
            return float(self.model.state.service_direction)
        return get_path(self.model.params, path)

    def preset_value(self, path: str) -> Any:
        """The preset's own value of a parameter (what Reset-to-preset would restore)."""
        return get_path(load_scenario(self.preset), path)

    # ------------------------------------------------------------------ compare mode
    def start_compare(self, presets: tuple[str, ...] | list[str] = DEFAULT_COMPARE) -> None:
        """Run these presets in lockstep (same seed and overrides), each from week 0."""
        presets = tuple(presets)
        unknown = [p for p in presets if p not in preset_names()]
        if len(presets) < 2 or unknown:
            raise ParameterError(
                f"compare needs two or more presets from: {', '.join(preset_names())}"
                + (f" (unknown: {', '.join(unknown)})" if unknown else "")
            )
        with self.lock:
            self.compare = presets
            self.compare_models = [self._build(p, culture=False) for p in presets]

    def stop_compare(self) -> None:
        """Leave compare mode (the main run continues)."""
        with self.lock:
            self.compare = ()
            self.compare_models = []

    @property
    def models(self) -> list[ServiceCultureModel]:
        """Every run the session steps: the main run, then the compare runs."""
        return [self.model, *self.compare_models]

    # ------------------------------------------------------------------ time
    @property
    def week(self) -> int:
        """Week of the main run (0 = initial state)."""
        return int(self.model.steps)

    def step(self, weeks: int = 1) -> None:
        """Advance every run by ``weeks`` weeks in lockstep."""
        with self.lock:
            for _ in range(int(weeks)):
                for m in self.models:
                    m.step()
                self._record_history()

    def run_to(self, week: int) -> int:
        """Step until the main run reaches ``week``; returns the weeks stepped (0 if past it)."""
        week = int(week)
        if not 0 <= week <= MAX_WEEKS:
            raise ParameterError(f"run to week {week}: takes a whole number from 0 to {MAX_WEEKS}")
        n = max(week - self.week, 0)
        self.step(n)
        return n

    # ------------------------------------------------------------------ one employee
    def select(self, seat: int | None) -> None:
        """Show a seat in the employee panel (None clears); restarts the seat's history ring."""
        if seat is not None and not 0 <= int(seat) < self.model.org.n_seats:
            raise ParameterError(
                f"seat {seat}: takes a whole number from 0 to {self.model.org.n_seats - 1}"
            )
        with self.lock:
            self.selected = None if seat is None else int(seat)
            self._restart_history()

    def _restart_history(self) -> None:
        self.history.clear()
        if self.selected is not None and self.selected >= self.model.org.n_seats:
            self.selected = None
        self._record_history()

    def _record_history(self) -> None:
        # Only the selected seat is recorded: O(1) per step, no loop over agents.
        i = self.selected
        if i is None:
            return
        s = self.model.state
        self.history.append(
            {
                "week": self.week,
                "morale": float(s.morale[i]),
                "mindset": float(s.mindset[i]),
                "skill": float(s.skill[i]),
                "workload": float(s.workload[i]),
                "vacant": not bool(s.filled[i]),
            }
        )

    # ------------------------------------------------------------------ outputs
    def frames(self) -> dict[str, pd.DataFrame]:
        """KPI frames by run label: the main run, or the compare runs in compare mode."""
        if self.compare_models:
            return {p: m.kpis() for p, m in zip(self.compare, self.compare_models, strict=True)}
        return {self.preset: self.model.kpis()}

    def describe(self) -> str:
        """One line with what is running (for exports)."""
        over = ", ".join(f"{k}={v}" for k, v in sorted(self.overrides.items())) or "none"
        runs = " vs ".join(self.compare) if self.compare else self.preset
        return f"runs: {runs}; seed {self.seed}; week {self.week}; settings changed: {over}"
