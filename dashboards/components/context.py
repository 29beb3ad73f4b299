"""What every component shares: the page's :class:`Ui` (session, runner, redraw triggers).

Components take the :class:`Ui` plus a small key (the snapshot for views, the settings version
for controls): Solara compares a component's arguments, and an unchanged key skips the render.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import solara

from dashboards.runner import FrameGate, Runner
from dashboards.session import DashboardSession
from sim.params import ParameterError

log = logging.getLogger("servicechain.dashboard")
# The main area's tabs, in order.
TABS = ("Live run", "Compare", "Why", "Lessons", "Export", "Explain", "Organization")


def tab_index(name: str) -> int:
    """The position of a tab by its name."""
    return TABS.index(name)


@dataclass(eq=False)
class Ui:
    """One page's state: the session and its runner, and the reactive values that redraw it.

    Attributes:
        session: This browser session's runs.
        runner: The session's simulation thread.
        gate: Frames sent to the browser's plots and not drawn yet.
        frame: Bumped to draw a new frame (views re-render from a fresh snapshot).
        settings: Bumped when a setting changes (the controls re-render too).
        error: The message of the error banner ("" = none).
        playing: Play button state (the runner may stop by itself; the pacer syncs it).
        speed: Play speed, weeks per second.
        present: Presentation layout (large type, controls hidden).
        story: Current step of story mode, or -1 when story mode is off.
        guide: The "what am I looking at" overlay is open.
        tab: The open tab.
        busy: What is being prepared ("Opening Airline…"), or "" when the runs are ready; Play,
            Step and the settings that rebuild wait until it is "".
        closed: Set when the browser session ends.
        shown: The session version of the last frame drawn (the frame pacer draws a newer one).
        busy_target: The organization being opened while busy (the picker shows it at once).
        busy_drawn: Set once the loading state is on the page (the slow work waits for it).
        screen: The page's report of the week it shows (``widgets.ScreenWeek``), or None.
        why: The session's decomposition runner (``dashboards.why.WhyRunner``), or None.
        why_tick: Bumped when the decomposition progresses (the Why tab redraws).
        lessons: The session's lessons (``dashboards.lessons.LessonBook``), or None.
        lessons_tick: Bumped when a lesson's runs progress or its progress changes.
    """

    session: DashboardSession
    runner: Runner
    gate: FrameGate
    frame: solara.Reactive[int]
    settings: solara.Reactive[int]
    error: solara.Reactive[str]
    playing: solara.Reactive[bool]
    speed: solara.Reactive[int]
    present: solara.Reactive[bool]
    story: solara.Reactive[int]
    guide: solara.Reactive[bool]
    tab: solara.Reactive[int]
    busy: solara.Reactive[str] = field(default_factory=lambda: solara.reactive(""))
    closed: threading.Event = field(default_factory=threading.Event)
    story_steps: list = field(default_factory=list)
    shown: int = -1
    busy_target: str = ""
    busy_drawn: threading.Event = field(default_factory=threading.Event)
    screen: Any = None
    why: Any = None
    why_tick: solara.Reactive[int] = field(default_factory=lambda: solara.reactive(0))
    lessons: Any = None
    lessons_tick: solara.Reactive[int] = field(default_factory=lambda: solara.reactive(0))

    # ------------------------------------------------------------------ redraws
    def redraw(self) -> None:
        """Draw a new frame now (after an action changed the runs)."""
        self.shown = self.session.version
        self.frame.value += 1

    def settings_changed(self) -> None:
        """Re-render the controls and the views."""
        self.settings.value += 1
        self.frame.value += 1

    def act(self, action: Callable[[], Any], settings: bool = False) -> None:
        """Run a UI action: bad input -> the error banner, never a traceback; then redraw.

        Args:
            action: The action (may raise ParameterError with a message for the user).
            settings: True when the action changes settings (the controls redraw too).
        """
        try:
            action()
            self.error.set("")
        except ParameterError as err:
            self.error.set(str(err))
        except Exception as err:  # a bug must not reach the browser as a traceback
            log.exception("dashboard action failed")
            self.error.set(f"Something went wrong: {err}")
        if settings:
            self.settings_changed()
        else:
            self.redraw()

    def act_in_background(
        self,
        message: str,
        action: Callable[[], Any],
        then: Callable[[], None] | None = None,
        target: str = "",
    ) -> None:
        """Run a slow action (a new run: a preset, a seed, a comparison) off the page's thread.

        The page shows ``message`` at once (a loading state, Play off) and keeps drawing the
        old runs; the action builds the new ones in a thread and swaps them in. Errors show in
        the banner, as with :meth:`act`; a second slow action while one runs is refused with a
        message, never dropped silently.

        Args:
            message: What the loading state says ("Opening Airline…").
            action: The slow action.
            then: Called after a successful action (e.g. start playing a story step).
            target: The organization being opened (the picker shows it meanwhile).
        """
        if self.busy.value:
            self.error.set(f"Still busy: {self.busy.value} Try again when it is ready.")
            return
        self.runner.pause()
        self.busy_target = target
        self.busy_drawn.clear()
        self.busy.set(message)
        self.playing.set(False)
        self.error.set("")

        def work() -> None:
            # Building holds the interpreter most of the time: first let the page draw the
            # loading state (its effect sets busy_drawn), so it shows at once even then.
            self.busy_drawn.wait(timeout=BUSY_DRAW_WAIT_S)
            time.sleep(0.05)
            ok = False
            try:
                action()
                ok = True
            except ParameterError as err:
                self.error.set(str(err))
            except Exception as err:  # a bug must not reach the browser as a traceback
                log.exception("dashboard action failed")
                self.error.set(f"Something went wrong: {err}")
            finally:
                self.busy_target = ""
                self.busy.set("")
                self.settings_changed()
            if ok and then is not None:
                then()

        threading.Thread(target=work, name="servicechain-build", daemon=True).start()

    def _refuse_while_busy(self, what: str) -> bool:
        """True (and a message) when the runs are being prepared: ``what`` must wait."""
        if not self.busy.value:
            return False
        self.error.set(f"{what} waits: {self.busy.value} It is possible once the runs are ready.")
        return True

    # ------------------------------------------------------------------ play
    def play(self, until: int | None = None, fast: bool = False) -> None:
        """Start Play (or "run to week ``until``"); returns at once."""
        if self._refuse_while_busy("Play"):
            return
        s = self.session
        target = s.horizon if until is None else until
        if s.week >= target:
            self.error.set(
                f"The run is at week {s.week}, its horizon: extend the horizon to play on."
                if until is None
                else f"The run is already at week {s.week}."
            )
            return
        self.error.set("")
        self.runner.play(None if fast else float(self.speed.value), until)
        self.playing.set(True)

    def pause(self) -> None:
        """Stop Play at the week on screen.

        The runner stops before its next week (it only finishes the week in progress), and the
        runs go back to the week on screen (``DashboardSession.rewind_to_drawn``): the weeks
        the simulation ran ahead of the picture are discarded, so no later week is drawn after
        the click, however busy the machine.
        """
        self.runner.pause()
        self.session.rewind_to_drawn()
        self.playing.set(False)  # the button first: a light render
        self.redraw()  # the same week as on screen, unless the runs could not be rewound

    def _screen_week(self) -> int | None:
        """The week the page reports it shows (None before it reported one)."""
        week = getattr(self.screen, "week", -1)
        return int(week) if week is not None and week >= 0 else None

    def toggle_play(self) -> None:
        """Play or Pause."""
        if self.runner.playing:
            self.pause()
        else:
            self.play()

    def step(self) -> None:
        """One week (pauses Play first)."""
        if self._refuse_while_busy("Step"):
            return
        if self.runner.playing:
            self.runner.pause()
            self.session.rewind_to_drawn()
            self.playing.set(False)
        self.act(lambda: self.session.step(1))

    # ------------------------------------------------------------------ story mode
    def start_story(self) -> None:
        """Story mode for the live preset, from its first step, in the presentation layout."""
        from dashboards.story import story

        self.story_steps = story(self.session.preset, self.session.resolve)
        self.story.set(-1)
        self.present.set(True)
        self.guide.set(False)
        self.story_go(0)

    def story_go(self, index: int) -> None:
        """Go to story step ``index``: its actions, then play to its week (at story speed).

        Going forward does the next step's actions on the runs as they are; any other move
        replays the story from week 0 up to the step before (same seed, same picture).
        """
        from dashboards.story import apply_actions, replay

        steps = self.story_steps
        if not steps or not 0 <= index < len(steps):
            return
        forward = index == self.story.value + 1

        def action() -> None:
            if not forward and index > 0:
                replay(self.session, steps, index - 1)
            apply_actions(self.session, steps[index])

        def then() -> None:
            self.tab.set(1 if self.session.compare else 0)
            if steps[index].until > self.session.week:
                self.runner.play(STORY_SPEED, steps[index].until)
                self.playing.set(True)

        self.story.set(index)
        self.act_in_background(f"Preparing story step {index + 1}…", action, then)

    def leave_story(self) -> None:
        """Leave story mode (the runs stay as they are)."""
        self.story.set(-1)
        self.present.set(False)

    # ------------------------------------------------------------------ keys
    def on_key(self, key: str) -> None:
        """Presenter keys: Space play/pause, arrows step or move in the story, P, Esc, ?."""
        in_story = self.story.value >= 0
        if key == " ":
            self.toggle_play()
        elif key == "ArrowRight":
            self.story_go(self.story.value + 1) if in_story else self.step()
        elif key == "ArrowLeft" and in_story:
            self.story_go(self.story.value - 1)
        elif key in ("p", "P"):
            self.present.set(not self.present.value)
        elif key == "?":
            self.guide.set(not self.guide.value)
        elif key == "Escape":
            if self.guide.value:
                self.guide.set(False)
            elif in_story:
                self.leave_story()
            else:
                self.present.set(False)


KEYS = [" ", "ArrowRight", "ArrowLeft", "p", "P", "?", "Escape"]
STORY_SPEED = 20.0  # weeks per second while a story step plays
BUSY_DRAW_WAIT_S = 0.5  # the longest a slow action waits for its loading state to be drawn
