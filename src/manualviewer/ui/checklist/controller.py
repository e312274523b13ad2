"""The checklist controller: a thin adapter over the Qt-free ChecklistSession
(services/checklist_session.py). install.py puts it and its panels in the main window.

The session changes state (runs the engine, saves runs and notes, queues escalations) and says
what changed; the controller re-emits that as one `changed` signal, opens the dialogs and runs
an SMTP delivery off the GUI thread. The panels only show state and call it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices

from manualviewer.core.procedures import NoteDraft, NoteWarning, Procedure, Run
from manualviewer.core.procedures.records import EscalationDraft
from manualviewer.core.settings import Settings
from manualviewer.services.checklist_session import (
    ChecklistSession,
    ResumableRun,
    SessionChange,
    deliver_on_own_connection,
)
from manualviewer.storage import paths
from manualviewer.storage.notes import NoteError, StoredNote
from manualviewer.storage.outbox import Channel, Escalation, EscalationError, EscalationState, channel_from_settings
from manualviewer.storage.settings_file import load_layered, save_user_settings
from manualviewer.storage.stores import Stores
from manualviewer.ui.dialog_lifetime import retire
from manualviewer.ui.live_checklists import LiveChecklists
from manualviewer.ui.reading.main_window import MainWindow

__all__ = ["ChecklistController", "ResumableRun", "SessionChange", "default_channel"]

SettingsLoader = Callable[[], Settings]
SettingsSaver = Callable[[Settings], None]
ChannelFactory = Callable[[Settings], Channel]
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
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
        clock: Clock = utc_now,
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
        self.late_dialog: Any = None
        self.raise_panel: Callable[[str], None] = lambda _name: None
        # What the installer put in the window, handed to training mode to set aside.
        self.live: LiveChecklists | None = None

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
        layered = load_layered()
        org_problems = [str(p) for p in layered.problems if p.path != paths.settings_path()]
        notice = ("Your organisation's settings file has a problem and is not used: " + "; ".join(org_problems)
                  if org_problems else "")
        dialog = SettingsDialog(self.settings, self.settings_saver, self.window, error=self.settings_error,
                                locked=layered.locked, notice=notice)
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

    def late_steps(self) -> list[tuple[str, str]]:
        return self.session.late_steps()

    def late_answer(self, step_id: str, value: object, said: str = "") -> None:
        """Record what the customer said later about an earlier answer. Raises AnswerError/RunError."""
        self.show(self.session.late_answer(step_id, value, said))

    def open_late_answer(self, step_id: str = "") -> Any:
        from manualviewer.ui.checklist.late_dialog import LateAnswerDialog

        retire(self.late_dialog)
        dialog = LateAnswerDialog(self, self.window, step_id)
        self.late_dialog = dialog
        dialog.open()
        return dialog

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
        """The first concern of this run not sent yet (one of the run's, else a draft it left in
        the outbox), or a message that all were sent."""
        if self.escalation_drafts:
            return self.open_escalation(self.escalation_drafts[0])
        kept = self.session.drafts(self.saved_note.id) if self.saved_note is not None else []
        if kept:
            return self.open_kept_draft(kept[0].id)
        self.say("Every concern from this checklist is in the outbox (Escalations panel).")
        return None

    def open_kept_draft(self, escalation_id: int) -> Any:
        """The form for a concern kept as a draft in the outbox: Send now, Copy message, Not now."""
        from manualviewer.ui.checklist.escalation_dialog import EscalationDialog

        kept = self.stores.outbox.get(escalation_id)
        if kept is None or kept.state is not EscalationState.DRAFT:
            self.say("That concern is no longer a draft: see the Escalations panel.")
            return None
        retire(self.escalation_dialog)
        dialog = EscalationDialog(self, None, self.window, kept=kept)
        self.escalation_dialog = dialog
        self.open_draft = None
        dialog.open()
        return dialog

    def keep_draft(self, to: str, subject: str, body: str) -> Escalation | None:
        """Not now: the concern on the form kept as a draft in the outbox; None (and the reason in
        the status bar) when it cannot be, e.g. no address yet: it then stays one to send."""
        try:
            kept, change = self.session.keep_draft(to, subject, body, self.open_draft)
        except EscalationError as exc:
            self.say(f"The concern was not sent and is not in your outbox ({exc}): use Review and send on the "
                     "checklist panel once the address is set, or Copy message to send it another way.")
            return None
        self.open_draft = None
        self.show(change)
        return kept

    def keep_unsent(self) -> None:
        """At quit: every concern of the run not in the outbox yet is kept there as a draft, the
        one on an open form as the officer left it (a concern is never dropped by quitting)."""
        dialog = self.escalation_dialog
        if dialog is not None and dialog.isVisible() and dialog.draft is not None \
                and dialog.queued is None and dialog.kept_as_draft is None:
            dialog.kept_as_draft = self.keep_draft(
                dialog.to_edit.text().strip(), dialog.subject_edit.text(), dialog.body_edit.toPlainText())
        for draft in list(self.escalation_drafts):
            self.open_draft = draft
            self.keep_draft(self.recipient(), draft.subject, draft.body)

    def send_draft(self, escalation_id: int) -> Escalation:
        """Send a kept draft as written (raises EscalationError when it is no longer a draft)."""
        queued, change = self.session.send_draft(escalation_id)
        self.show(change)
        self.raise_panel("escalations")
        self.deliver()
        return queued

    def queue_escalation(self, to: str, subject: str, body: str) -> Escalation:
        """Store it in the outbox (raises EscalationError), then try to deliver."""
        queued, change = self.session.queue_escalation(to, subject, body, self.open_draft)
        self.open_draft = None
        self.show(change)
        self.raise_panel("escalations")
        self.deliver()
        return queued

    def deliver(self, resend_uncertain: bool = False) -> None:
        """Try every waiting escalation through the configured channel. SMTP can take seconds,
        so it runs off the GUI thread on its own connection; the others are instant.
        `resend_uncertain`: also those that may have been delivered (the officer said yes)."""
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
            self._delivered(self.session.deliver_pending(delivery.channel, resend_uncertain))
            return
        from manualviewer.ui.workers import start_worker

        database, channel = delivery.database, delivery.channel
        self.delivering = True
        self.show(SessionChange(escalations=True))

        def job(_progress: object) -> list[Escalation]:
            return deliver_on_own_connection(database, channel, resend_uncertain)

        thread, relay = start_worker(self, job,
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
