"""Open your own organization: choose an org chart (or a scenario with its files) to upload.

The picker is ipyvuetify's file input (a button that opens the file dialog; files can be dropped
on it too). Names and sizes are checked before any byte is sent; the contents are then read in
a thread (the chunks arrive through the page's connection) and handed to
:meth:`~dashboards.session.DashboardSession.open_files`, which checks them as the command line
does. The outcome, the organization opened or the message for a broken file, shows under the
picker.
"""

from __future__ import annotations

from collections.abc import Callable

import solara
from ipyvuetify.extra import FileInput

from dashboards.components.context import Ui, log
from dashboards.limits import MAX_UPLOAD_BYTES
from dashboards.uploads import UploadedFile, check_upload
from sim.params import ParameterError

READING = "Reading"
HELP = (
    "An org-chart CSV (employee_id, manager_id, department, frontline; see "
    "docs/OWN_ORGANIZATION.md), or a scenario TOML with the files it names, e.g. a calibrated "
    f"scenario with its base, chart and survey. Up to {MAX_UPLOAD_BYTES // 1_000_000} MB."
)


@solara.component
def FilePicker(
    on_files: Callable[[list[UploadedFile]], None],
    on_refused: Callable[[str], None],
    on_chosen: Callable[[list[tuple[str, int]]], None] | None = None,
) -> solara.Element:
    """ipyvuetify's file input; hands over the chosen files' contents, or why they were refused.

    Its own component, as ``solara.FileDrop`` is: the widget behind the element is looked up in
    this component's render context. ``on_chosen`` hears the names and sizes the moment files
    are chosen, before their bytes arrive (to say what is being read).
    """
    info, set_info = solara.use_state(None)
    wired, set_wired = solara.use_state(None)
    picker = FileInput.element(
        multiple=True, accept=".csv,.toml", show_progress=True, on_file_info=set_info
    )

    def wire() -> None:
        # Names and sizes first: an upload over the limits is refused before any byte is sent.
        if not info:
            return
        chosen = [(str(f["name"]), int(f["size"])) for f in info]
        try:
            check_upload(chosen)
        except ParameterError as err:
            on_refused(str(err))
            return
        if on_chosen is not None:
            on_chosen(chosen)
        widget = solara.get_widget(picker)
        widget.version += 1  # as solara.FileDrop does: a fresh read of the files chosen now
        widget.reset_stats()
        set_wired(widget.get_files())

    solara.use_effect(wire, [info])

    def receive() -> None:
        if not wired:
            return
        try:
            files = [UploadedFile(f["name"], f["file_obj"].read()) for f in wired]
        except Exception as err:  # a broken connection mid-upload: say so, never a traceback
            log.exception("upload failed")
            on_refused(f"The upload did not complete ({err}); choose the files again.")
            return
        on_files(files)

    solara.use_thread(receive, [wired])
    return picker


@solara.component
def UploadPanel(ui: Ui, settings: int) -> None:
    """The "Your organization" block of the sidebar."""
    # One reactive for the text and its kind: two would render in between (an old error shown
    # as a success) when the upload thread sets them one after the other.
    outcome = solara.use_reactive(("", False))  # (message, failed)

    def refused(text: str) -> None:
        ui.busy.set("")  # Play again first: the message is the last thing to change
        outcome.set((text, True))

    def chosen(files: list[tuple[str, int]]) -> None:
        # The old outcome goes at once; Play waits while the files are read and opened.
        names = ", ".join(f"{name} ({size / 1000:,.0f} KB)" for name, size in files)
        ui.runner.pause()
        ui.playing.set(False)
        outcome.set((f"Reading {names}…", False))
        ui.busy.set(f"{READING} {names}…")

    def opened(files: list[UploadedFile]) -> None:
        names = ", ".join(f.name for f in files)
        ui.busy.set(f"Opening {names}: checking it and warming it up…")
        outcome.set((f"Opening {names}…", False))
        try:
            label = ui.session.open_files(files)
        except ParameterError as err:
            refused(str(err))
            return
        except Exception as err:  # a bug must not reach the browser as a traceback
            log.exception("opening an upload failed")
            refused(f"This upload could not be opened ({type(err).__name__}: {err}).")
            return
        org = ui.session.model.org
        outcome.set((f"Opened {label}: {org.n_seats:,} people, {org.n_levels} levels.", False))
        ui.error.set("")
        ui.busy.set("")
        ui.settings_changed()

    with solara.Details("Your organization (upload)", expand=False):
        with solara.Div(classes=["sc-upload"]):
            solara.Text(HELP, classes=["sc-note"])
            with solara.Div(classes=["sc-upload-picker"]):
                FilePicker(opened, refused, chosen)
            message, failed = outcome.value
            if message and failed:
                solara.Error(message, classes=["sc-upload-error"], dense=True)
            elif message.startswith(("Reading", "Opening ")):
                solara.Info(message, classes=["sc-upload-pending"], dense=True)
            elif message:
                solara.Success(message, classes=["sc-upload-ok"], dense=True)
