"""Guided checklists in the main window: the controller, a thin adapter over the Qt-free
ChecklistSession (services/checklist_session.py), and the installer that adds the Checklist,
Notes and Escalations panels, the menu and the shortcuts through the window's public API.

The session changes state (runs the engine, saves runs and notes, queues escalations) and says
what changed; the controller re-emits that as one `changed` signal, opens the dialogs and runs
an SMTP delivery off the GUI thread. The panels only show state and call it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

from manualviewer.core.procedures import NoteDraft, NoteWarning, Procedure, Run
from manualviewer.core.procedures.records import EscalationDraft
from manualviewer.core.settings import Settings
from manualviewer.services.checklist_session import (
    ChecklistSession,
    ResumableRun,
    SessionChange,
    deliver_on_own_connection,
)
from manualviewer.storage.notes import NoteError, StoredNote
from manualviewer.storage.outbox import Channel, Escalation, channel_from_settings
from manualviewer.storage.settings_file import save_user_settings
from manualviewer.storage.stores import Stores
from manualviewer.ui.dialog_lifetime import retire
from manualviewer.ui.reading.main_window import MainWindow

__all__ = ["ChecklistController", "ResumableRun", "SessionChange", "default_channel", "install_checklists"]

SettingsLoader = Callable[[], Settings]
SettingsSaver = Callable[[Settings], None]
ChannelFactory = Callable[[Settings], Channel]
Clock = Callable[[], dt.datetime]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _desktop_opener(url: str) -> bool:
    return bool(QDesktopServices.openUrl(QUrl(url)))


def default_channel(settings: Settings) -> Channel:
    """The channel the settings name, and only that one (mailto opens the desktop mail program)."""
    return channel_from_settings(settings, opener=_desktop_opener)


class ChecklistController(QObject):
    changed = Signal(object)  # a SessionChange: what changed, and a sentence for the status bar
    delivery_finished = Signal()

    def __init__(
        self,
        window: MainWindow,
        stores: Stores,
        settings_loader: SettingsLoader,
        *,
        settings_saver: SettingsSaver = save_user_settings,
        channel_factory: ChannelFactory = default_channel,
        clock: Clock = _now,
        procedures: Mapping[str, Procedure] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.stores = stores
        self.settings_saver = settings_saver
        self.session = ChecklistSession(stores, settings_loader, lambda: window.library, channel_factory,
                                        clock=clock, procedures=procedures)
        self.open_draft: EscalationDraft | None = None
        self.delivering = False
        self.deliver_again = False
        self.delivery_jobs: list[tuple[Any, Any]] = []
        # Set by the installer; None in a bare controller (tests of the logic alone).
        self.escalation_dialog: Any = None
        self.settings_dialog: Any = None
        self.note_dialog: Any = None
        self.raise_panel: Callable[[str], None] = lambda _name: None

    def show(self, change: SessionChange) -> SessionChange:
        """Tell the panels what changed (nothing is emitted when nothing did)."""
        if change != SessionChange():
            self.changed.emit(change)
        return change

    def say(self, message: str) -> None:
        self.show(SessionChange(message=message))

    # --- state, read from the session -------------------------------------------------------
    @property
    def run(self) -> Run | None:
        return self.session.run

    @property
    def run_id(self) -> str | None:
        return self.session.run_id

    @property
    def saved_note(self) -> StoredNote | None:
        return self.session.saved_note

    @property
    def escalation_drafts(self) -> list[EscalationDraft]:
        return self.session.escalation_drafts

    @property
    def procedure(self) -> Procedure | None:
        return self.run.procedure if self.run else None

    @property
    def settings(self) -> Settings:
        return self.session.settings

    @property
    def settings_error(self) -> str:
        return self.session.settings_error

    @property
    def procedures(self) -> dict[str, Procedure]:
        return self.session.procedures

    def procedure_list(self) -> list[Procedure]:
        return self.session.procedure_list()

    def procedures_for_section(self, section_id: str | None) -> list[Procedure]:
        return self.session.procedures_for_section(section_id)

    def section_title(self, section_id: str) -> str:
        return self.session.section_title(section_id)

    def jumps(self) -> list[tuple[str, str]]:
        return self.session.jumps()

    def resumable(self) -> list[ResumableRun]:
        return self.session.resumable()

    def note_edit(self) -> tuple[str, str] | None:
        return self.session.note_edit()

    def content_version(self) -> str:
        return self.session.content_version()

    def note_draft(self) -> NoteDraft:
        return self.session.note_draft()

    def check(self, text: str) -> list[NoteWarning]:
        return self.session.check(text)

    def recipient(self) -> str:
        return self.session.recipient()

    def sender(self) -> str:
        return self.session.sender()

    def channel_description(self) -> str:
        return self.session.channel_description()

    def current_section_id(self) -> str | None:
        view = self.window.tabs.currentWidget()
        return getattr(view, "current_id", None) or None

    def open_section(self, section_id: str) -> None:
        self.window.open_section(section_id)

    # --- settings --------------------------------------------------------------------------
    def apply_settings(self, settings: Settings) -> None:
        self.show(self.session.apply_settings(settings))

    def open_settings(self, focus_key: str = "") -> Any:
        from manualviewer.ui.checklist.settings_dialog import SettingsDialog

        retire(self.settings_dialog)
        dialog = SettingsDialog(self.settings, self.settings_saver, self.window, error=self.settings_error)
        dialog.saved.connect(self.apply_settings)
        self.settings_dialog = dialog
        dialog.open()
        dialog.focus_key(focus_key)
        return dialog

    # --- the run ---------------------------------------------------------------------------
    def start_procedure(self, procedure_id: str) -> bool:
        return self._shown_run(self.session.start(procedure_id))

    def resume(self, run_id: str) -> bool:
        return self._shown_run(self.session.resume(run_id))

    def _shown_run(self, change: SessionChange) -> bool:
        if change.run:
            self.raise_panel("checklist")
        return self.show(change).run

    def answer(self, step_id: str, value: object) -> list[str]:
        """Answer the current step or change an earlier answer. Returns the titles of the later
        steps whose answers no longer applied and were dropped. Raises AnswerError/RunError."""
        return list(self.show(self.session.answer(step_id, value)).dropped)

    def back(self) -> bool:
        return self.show(self.session.back()).run

    def jump(self, step_id: str) -> None:
        self.show(self.session.jump(step_id))

    def close_run(self) -> None:
        """Put the current run away: unfinished, it stays saved for later."""
        self.show(self.session.close())

    def discard_run(self) -> None:
        self.show(self.session.discard())

    def discard_saved(self, run_id: str) -> None:
        self.show(self.session.discard_saved(run_id))

    # --- the note --------------------------------------------------------------------------
    def keep_note_edit(self, edited_from: str, text: str) -> None:
        self.show(self.session.keep_note_edit(edited_from, text))

    def save_note(self, text: str) -> StoredNote:
        """Save the (possibly edited) note with the run's record. Raises NoteError."""
        stored, change = self.session.save_note(text)
        self.show(change)
        if self.escalation_drafts:
            self.open_escalation(self.escalation_drafts[0])
        return stored

    def amend_note(self, note_id: int, text: str) -> StoredNote:
        """A correction: a new note that amends `note_id` (notes are never changed)."""
        stored, change = self.session.amend_note(note_id, text)
        self.show(change)
        return stored

    def open_amend(self, note_id: int) -> Any:
        from manualviewer.ui.checklist.note_dialog import NoteDialog

        note = self.stores.notes.get(note_id)
        if note is None:
            return None
        retire(self.note_dialog)
        dialog = NoteDialog(
            f"Amend note {note_id}",
            f"Notes are never changed once saved. Correct the text below; it is saved as a new note "
            f"that says it amends note {note_id}. The original stays as it was.",
            note.text,
            self.check,
            self.window,
        )

        def save(text: str) -> None:
            try:
                self.amend_note(note_id, text)
            except NoteError as exc:
                dialog.editor.show_error(self.note_error_html(str(exc)))
                return
            dialog.accept()

        dialog.saved.connect(save)
        self.note_dialog = dialog
        dialog.open()
        return dialog

    def note_error_html(self, message: str) -> str:
        import html

        text = f"<b>The note was not saved:</b> {html.escape(message)}."
        if not self.settings.officer_name:
            text += " Your name goes on every note: <a href='settings:officer_name'>set it in Settings</a>."
        return text

    # --- escalations -----------------------------------------------------------------------
    def open_escalation(self, draft: EscalationDraft) -> Any:
        from manualviewer.ui.checklist.escalation_dialog import EscalationDialog

        retire(self.escalation_dialog)
        dialog = EscalationDialog(self, draft, self.window)
        self.escalation_dialog = dialog
        self.open_draft = draft
        remaining = self.escalation_drafts[self.escalation_drafts.index(draft) + 1 :] \
            if draft in self.escalation_drafts else []
        if remaining:  # one form per concern, one after another
            dialog.finished.connect(lambda _r: self.open_escalation(remaining[0]))
        dialog.open()
        return dialog

    def open_next_escalation(self) -> Any:
        """The first concern of this run not sent yet, or a message that all were."""
        if not self.escalation_drafts:
            self.say("Every concern from this checklist is in the outbox (Escalations panel).")
            return None
        return self.open_escalation(self.escalation_drafts[0])

    def queue_escalation(self, to: str, subject: str, body: str) -> Escalation:
        """Store it in the outbox (raises EscalationError), then try to deliver."""
        queued, change = self.session.queue_escalation(to, subject, body, self.open_draft)
        self.open_draft = None
        self.show(change)
        self.raise_panel("escalations")
        self.deliver()
        return queued

    def deliver(self) -> None:
        """Try every waiting escalation through the configured channel. SMTP can take seconds,
        so it runs off the GUI thread on its own connection; the others are instant."""
        if self.delivering:
            self.deliver_again = True  # queued during a send: send it when that one is done
            return
        try:
            delivery = self.session.delivery()
        except ValueError as exc:
            self.say(f"Escalations cannot be sent: {exc}")
            self.delivery_finished.emit()
            return
        if delivery.database is None:
            self._delivered(self.session.deliver_pending(delivery.channel))
            return
        from manualviewer.ui.workers import start_worker

        database, channel = delivery.database, delivery.channel
        self.delivering = True
        self.show(SessionChange(escalations=True))
        thread, relay = start_worker(self, lambda _progress: deliver_on_own_connection(database, channel),
                                     on_done=self._delivered, on_failed=lambda error: self._delivered([], error))
        self.delivery_jobs.append((thread, relay))

    def _delivered(self, results: list[Escalation], error: str = "") -> None:
        self.delivering = False
        self.show(self.session.delivered(results, error))
        self.delivery_finished.emit()
        if self.deliver_again:
            self.deliver_again = False
            if self.session.pending():
                self.deliver()

    def wait_for_delivery(self) -> None:
        """For shutdown: let a background delivery finish (SMTP times out after 10 s)."""
        for thread, _worker in self.delivery_jobs:
            thread.quit()
            thread.wait(15000)


# --- the installer ---------------------------------------------------------------------------


def install_checklists(
    window: MainWindow,
    stores: Stores,
    settings_loader: SettingsLoader,
    *,
    settings_saver: SettingsSaver = save_user_settings,
    channel_factory: ChannelFactory = default_channel,
    clock: Clock = _now,
    procedures: Mapping[str, Procedure] | None = None,
) -> ChecklistController:
    """Add the Checklist, Notes and Escalations panels (right-hand docks), the Checklists menu,
    Edit > Settings and their shortcuts to `window`; return the controller."""
    from manualviewer.ui.checklist.escalations_panel import EscalationsPanel
    from manualviewer.ui.checklist.notes_panel import NotesPanel
    from manualviewer.ui.checklist.panel import ProcedurePanel

    controller = ChecklistController(
        window, stores, settings_loader, settings_saver=settings_saver, channel_factory=channel_factory,
        clock=clock, procedures=procedures,
    )
    panel = ProcedurePanel(controller, window)
    notes = NotesPanel(controller, window)
    escalations = EscalationsPanel(controller, window)

    docks: dict[str, QDockWidget] = {}
    for name, title, widget in (
        ("checklist", "Checklist", panel),
        ("notes", "Notes", notes),
        ("escalations", "Escalations", escalations),
    ):
        dock = QDockWidget(title, window)
        dock.setObjectName(f"{name}_dock")
        dock.setAccessibleName(f"{title} panel")
        dock.setWidget(widget)
        dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        docks[name] = dock
    window.tabifyDockWidget(docks["checklist"], docks["notes"])
    window.tabifyDockWidget(docks["notes"], docks["escalations"])
    window.resizeDocks([docks["checklist"]], [460], Qt.Orientation.Horizontal)

    def raise_panel(name: str) -> None:
        dock = docks[name]
        dock.show()
        dock.raise_()

    controller.raise_panel = raise_panel
    def show_message(change: SessionChange) -> None:
        if change.message:
            window.status_label.setText(change.message)

    controller.changed.connect(show_message)

    installed = _Installed(controller, panel, notes, escalations, docks)
    _build_menu(window, controller, installed)
    window.procedure_requested.connect(controller.start_procedure)
    app = QCoreApplication.instance()
    if app is not None:  # a delivery thread must not outlive the event loop
        app.aboutToQuit.connect(controller.wait_for_delivery)

    # Offer unfinished runs at once (a bar in the panel, never a modal); otherwise the panels
    # stay out of the guidance's way until a checklist starts or the officer opens them.
    if controller.resumable():
        raise_panel("checklist")
    else:
        for dock in docks.values():
            dock.hide()
    # Escalations left waiting last time (a crash, no network) are tried again now. The mail
    # program is not opened unasked: mailto rows wait for Retry.
    if controller.settings.escalation_channel.value != "mailto" and stores.outbox.pending():
        controller.deliver()
    window.checklists = installed  # type: ignore[attr-defined]
    controller.installed = installed  # type: ignore[attr-defined]
    return controller


@dataclass
class _Installed:
    controller: ChecklistController
    panel: QWidget
    notes: QWidget
    escalations: QWidget
    docks: dict[str, QDockWidget]
    menu: QMenu | None = None
    actions: dict[str, QAction] | None = None


def _build_menu(window: MainWindow, controller: ChecklistController, installed: _Installed) -> None:
    from manualviewer.ui.checklist.panel import ProcedurePanel

    panel = installed.panel
    assert isinstance(panel, ProcedurePanel)
    actions: dict[str, QAction] = {}

    def action(key: str, text: str, shortcut: str, slot: Callable[[], object], tip: str) -> QAction:
        act = QAction(text, window)
        act.setShortcut(QKeySequence(shortcut))
        act.setToolTip(f"{tip} ({act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
        act.setStatusTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        window.addAction(act)
        actions[key] = act
        return act

    def show(name: str, focus: Callable[[], None]) -> None:
        controller.raise_panel(name)
        focus()

    action("start", "&Start this section's checklist", "Ctrl+Shift+K", panel.start_for_current_section,
           "Start the checklist the open section offers")
    action("show_checklist", "Show the &checklist panel", "Ctrl+Shift+J",
           lambda: show("checklist", panel.focus_step), "Show the checklist you are working through")
    action("continue", "&Continue / confirm", "Ctrl+Return", panel.primary,
           "Answer the step on screen and go on")
    action("not_confirmed", "&Not confirmed", "Ctrl+Shift+Return", panel.secondary,
           "Answer a check with \u201cnot confirmed\u201d")
    action("back", "&Previous step", "Ctrl+Shift+Backspace", panel.go_back,
           "Go back one step; its answer is cleared")
    action("out_of_order", "Something happened &out of order...", "Ctrl+Shift+D", panel.show_jump_menu,
           "For example, the customer says at the end of the call that they recorded it")
    action("discard", "&Discard this checklist...", "Ctrl+Shift+Delete", panel.ask_discard,
           "Stop this checklist without saving a note")
    action("show_notes", "Show &notes", "Ctrl+Shift+N",
           lambda: show("notes", installed.notes.setFocus), "Your saved notes")
    action("show_escalations", "Show &escalations", "Ctrl+Shift+M",
           lambda: show("escalations", installed.escalations.setFocus),
           "Concerns sent to your line manager, and whether they were delivered")
    action("settings", "&Settings...", "Ctrl+,", controller.open_settings,
           "Your name, your line manager, how escalations are sent, the note check")

    menu = QMenu("Chec&klists", window)
    menu.setAccessibleName("Checklists")
    window.menuBar().insertMenu(window.help_menu.menuAction(), menu)
    menu.addAction(actions["start"])
    section_menu = menu.addMenu("Checklists for &this section")
    all_menu = menu.addMenu("&All checklists")
    menu.addSeparator()
    for key in ("continue", "not_confirmed", "back", "out_of_order", "discard"):
        menu.addAction(actions[key])
    menu.addSeparator()
    for key in ("show_checklist", "show_notes", "show_escalations"):
        menu.addAction(actions[key])

    def fill_section_menu() -> None:
        section_menu.clear()
        section_id = controller.current_section_id()
        offered = controller.procedures_for_section(section_id)
        if not offered:
            none = section_menu.addAction("The open section offers no checklist" if section_id
                                          else "Open a section to see its checklists")
            none.setEnabled(False)
        for procedure in offered:
            act = section_menu.addAction(procedure.title)
            act.triggered.connect(lambda _c=False, pid=procedure.id: controller.start_procedure(pid))

    def fill_all_menu() -> None:
        all_menu.clear()
        for procedure in controller.procedure_list():
            act = all_menu.addAction(procedure.title)
            act.setStatusTip(procedure.summary)
            act.triggered.connect(lambda _c=False, pid=procedure.id: controller.start_procedure(pid))
        if all_menu.isEmpty():
            none = all_menu.addAction("This library has no checklists")
            none.setEnabled(False)

    def update_actions() -> None:
        run = controller.run
        running = run is not None and controller.saved_note is None
        actions["continue"].setEnabled(running)
        actions["not_confirmed"].setEnabled(running)
        actions["back"].setEnabled(running and run is not None and len(run.visits) > 1)
        actions["out_of_order"].setEnabled(running and bool(controller.jumps()))
        actions["discard"].setEnabled(running)
        actions["start"].setEnabled(bool(controller.procedures_for_section(controller.current_section_id())))

    section_menu.aboutToShow.connect(fill_section_menu)
    all_menu.aboutToShow.connect(fill_all_menu)
    menu.aboutToShow.connect(update_actions)
    controller.changed.connect(lambda change: update_actions() if change.run else None)
    window.section_opened.connect(lambda _sid: update_actions())
    window.tabs.currentChanged.connect(lambda _i: update_actions())
    fill_section_menu()
    fill_all_menu()
    update_actions()

    window.edit_menu.addSeparator()
    window.edit_menu.addAction(actions["settings"])
    installed.menu = menu
    installed.actions = actions

