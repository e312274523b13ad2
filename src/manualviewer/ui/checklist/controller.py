"""The checklist controller: a thin adapter over the Qt-free ChecklistSession
(services/checklist_session.py). install.py puts it and its panels in the main window.

The session changes state (runs the engine, saves runs and notes, queues escalations) and says
what changed; the controller re-emits that as one `changed` signal and opens the dialogs
(dialogs.py); `forms` (escalation_forms.py) opens the escalation forms and keeps concerns as
drafts; delivery.py sends the outbox off the GUI thread. The panels show state, read from
`controller.session`, and call the controller to change it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from manualviewer.core.content.library import Library
from manualviewer.core.procedures import Run
from manualviewer.core.settings import Settings
from manualviewer.services.checklist_session import ChecklistSession, ResumableRun, SessionChange
from manualviewer.storage.notes import StoredNote
from manualviewer.storage.settings_file import organisation_settings
from manualviewer.ui.checklist.delivery import OutboxDelivery
from manualviewer.ui.checklist.deps import ChecklistDeps, default_channel
from manualviewer.ui.checklist.dialogs import open_amend_dialog, open_settings_dialog
from manualviewer.ui.checklist.escalation_forms import EscalationForms
from manualviewer.ui.dialog_lifetime import retire
from manualviewer.ui.live_checklists import LiveChecklists
from manualviewer.ui.reading.main_window import MainWindow

if TYPE_CHECKING:
    from manualviewer.ui.checklist.late_dialog import LateAnswerDialog
    from manualviewer.ui.checklist.note_dialog import NoteDialog
    from manualviewer.ui.checklist.settings_dialog import SettingsDialog
    from manualviewer.ui.checklist.version_dialog import VersionChoiceDialog

__all__ = ["ChecklistController", "ChecklistDeps", "ResumableRun", "SessionChange", "default_channel"]


class ChecklistController(QObject):
    changed = Signal(object)  # a SessionChange: what changed, and a sentence for the status bar
    delivery_finished = Signal()

    def __init__(self, window: MainWindow, deps: ChecklistDeps) -> None:
        super().__init__(window)
        self.window = window
        self.stores = deps.stores
        self.settings_saver = deps.settings_saver
        self.session = ChecklistSession(deps.stores, deps.settings_loader, lambda: window.library,
                                        deps.channel_factory, clock=deps.clock, procedures=deps.procedures)
        self.delivery = OutboxDelivery(self, self.session, self.show, self.delivery_finished.emit)
        self.forms = EscalationForms(self.session, window, changed=self.changed, show=self.show,
                                     open_settings=self.open_settings, queued=self._queued)
        # The dialogs last opened, retired when another of their kind opens.
        self.settings_dialog: SettingsDialog | None = None
        self.note_dialog: NoteDialog | None = None
        self.late_dialog: LateAnswerDialog | None = None
        self.version_dialog: VersionChoiceDialog | None = None
        self.raise_panel: Callable[[str], None] = lambda _name: None  # set by the installer
        # What the installer put in the window, handed to training mode to set aside.
        self.live: LiveChecklists | None = None

    def show(self, change: SessionChange) -> SessionChange:
        """Tell the panels what changed (nothing is emitted when nothing did)."""
        if change != SessionChange():
            self.changed.emit(change)
        return change

    def say(self, message: str) -> None:
        self.show(SessionChange(message=message))

    # --- state most panels read (the rest they read from `session`) -------------------------
    @property
    def run(self) -> Run | None:
        return self.session.run

    @property
    def saved_note(self) -> StoredNote | None:
        return self.session.saved_note

    @property
    def settings(self) -> Settings:
        return self.session.settings

    # Named as the training controller names them: the step views call either (steps/panel_common.py).
    def section_title(self, section_id: str) -> str:
        return self.session.section_title(section_id)

    def jumps(self) -> list[tuple[str, str]]:
        return self.session.jumps()

    def keep_started_guidance(self, library: Library, version: str) -> None:
        """The guidance was updated in the window: an unfinished checklist keeps its version
        (the panel shows `session.version_notice`)."""
        self.show(self.session.keep_started_guidance(library, version))

    def current_section_id(self) -> str | None:
        view = self.window.tabs.currentWidget()
        return getattr(view, "current_id", None) or None

    def open_section(self, section_id: str) -> None:
        self.window.open_section(section_id)

    # --- settings --------------------------------------------------------------------------
    def apply_settings(self, settings: Settings) -> None:
        self.show(self.session.apply_settings(settings))

    def open_settings(self, focus_key: str = "") -> SettingsDialog:
        retire(self.settings_dialog)
        locked, notice = organisation_settings()
        self.settings_dialog = open_settings_dialog(
            self.settings, self.settings_saver, self.window, error=self.session.settings_error, locked=locked,
            notice=notice, on_saved=self.apply_settings, focus_key=focus_key)
        return self.settings_dialog

    # --- the run ---------------------------------------------------------------------------
    def start_procedure(self, procedure_id: str) -> bool:
        return self._shown_run(self.session.start(procedure_id))

    def resume(self, run_id: str) -> bool:
        """Show a saved run; when its checklist changed since it started, ask first (False)."""
        change = self.session.guidance_change(run_id)
        if change is None:
            return self._shown_run(self.session.resume(run_id))
        from manualviewer.ui.checklist.version_dialog import VersionChoiceDialog

        retire(self.version_dialog)
        self.version_dialog = VersionChoiceDialog(
            change, lambda rid: self._shown_run(self.session.resume_started(rid)),
            lambda rid: self._shown_run(self.session.restart(rid)), self.window)
        self.version_dialog.open()
        return False

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

    def late_steps(self) -> list[tuple[str, str]]:
        return self.session.late_steps()

    def late_answer(self, step_id: str, value: object, said: str = "") -> None:
        """Record what the customer said later about an earlier answer. Raises AnswerError/RunError."""
        self.show(self.session.late_answer(step_id, value, said))

    def open_late_answer(self, step_id: str = "") -> LateAnswerDialog:
        from manualviewer.ui.checklist.late_dialog import LateAnswerDialog

        retire(self.late_dialog)
        self.late_dialog = LateAnswerDialog(self, self.window, step_id)
        self.late_dialog.open()
        return self.late_dialog

    def close_run(self) -> None:
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
        if self.session.escalation_drafts:
            self.forms.open_escalation(self.session.escalation_drafts[0])
        return stored

    def amend_note(self, note_id: int, text: str) -> StoredNote:
        stored, change = self.session.amend_note(note_id, text)
        self.show(change)
        return stored

    def open_amend(self, note_id: int) -> NoteDialog | None:
        note = self.stores.notes.get(note_id)
        if note is None:
            return None
        retire(self.note_dialog)
        self.note_dialog = open_amend_dialog(note, self.session.check, self.amend_note, lambda: self.settings,
                                             self.window)
        return self.note_dialog

    # --- escalations (the forms: escalation_forms.py) ----------------------------------------
    def _queued(self) -> None:
        self.raise_panel("escalations")
        self.deliver()

    @property
    def delivering(self) -> bool:
        return self.delivery.delivering

    def deliver(self, resend_uncertain: bool = False) -> None:
        self.delivery.deliver(resend_uncertain)

    def wait_for_delivery(self) -> None:  # at shutdown
        self.delivery.wait()
