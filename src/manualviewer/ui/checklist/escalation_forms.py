"""The escalation forms of the live checklist, for the controller: the run's concerns one form
after another once the note is saved, the form for a concern kept as a draft in the outbox,
"Not now" keeping a concern as a draft, and at quit keeping every concern not yet in the outbox.

It is what the form talks to (escalation_dialog.EscalationSender). The session
(services/checklist_session.py) stores; `show` (the controller's) tells the panels what changed;
`queued` raises the Escalations panel and starts a delivery."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QWidget

from manualviewer.core.procedures.records import EscalationDraft
from manualviewer.services.checklist_session import ChecklistSession, SessionChange
from manualviewer.storage.outbox import Escalation, EscalationError
from manualviewer.ui.checklist.dialogs import open_escalation_form
from manualviewer.ui.dialog_lifetime import retire

if TYPE_CHECKING:
    from manualviewer.ui.checklist.escalation_dialog import EscalationDialog


class EscalationForms:
    def __init__(
        self,
        session: ChecklistSession,
        parent: QWidget,
        *,
        changed: SignalInstance,
        show: Callable[[SessionChange], object],
        open_settings: Callable[[str], object],
        queued: Callable[[], object],
    ) -> None:
        self.session = session
        self.changed = changed  # the controller's: the form follows Settings changes through it
        self._parent = parent
        self._show = show
        self._open_settings = open_settings
        self._queued = queued
        self.open_draft: EscalationDraft | None = None  # the run's concern on the form
        self.dialog: EscalationDialog | None = None  # the form last opened (retired by the next)

    def _say(self, message: str) -> None:
        self._show(SessionChange(message=message))

    # --- what the form asks for (escalation_dialog.EscalationSender) ------------------------
    def recipient(self) -> str:
        return self.session.recipient()

    def channel_description(self) -> str:
        return self.session.channel_description()

    def open_settings(self, focus_key: str = "") -> object:
        return self._open_settings(focus_key)

    def queue_escalation(self, to: str, subject: str, body: str) -> Escalation:
        """Store it in the outbox (raises EscalationError), then try to deliver."""
        queued, change = self.session.queue_escalation(to, subject, body, self.open_draft)
        self.open_draft = None
        self._show(change)
        self._queued()
        return queued

    def keep_draft(self, to: str, subject: str, body: str) -> Escalation | None:
        """Not now: the concern on the form kept as a draft in the outbox (with no address yet when
        there is none); None, and the reason in the status bar, in the rare case it cannot be."""
        try:
            kept, change = self.session.keep_draft(to, subject, body, self.open_draft)
        except EscalationError as exc:
            self._say(f"The concern was not sent and is not in your outbox ({exc}): use Review and send on the "
                      "checklist panel, or Copy message to send it another way.")
            return None
        self.open_draft = None
        self._show(change)
        return kept

    def send_draft(self, escalation_id: int, to: str = "") -> Escalation:
        """Send a kept draft as written, to `to` when it was kept without an address (raises
        EscalationError when it is no longer a draft, or needs an address and `to` is not one)."""
        queued, change = self.session.send_draft(escalation_id, to)
        self._show(change)
        self._queued()
        return queued

    # --- opening the forms -------------------------------------------------------------------
    def open_escalation(self, draft: EscalationDraft) -> EscalationDialog:
        """The form for one of the run's concerns; the next one opens when it closes."""
        dialog = self._form(draft)
        self.open_draft = draft
        drafts = self.session.escalation_drafts
        remaining = drafts[drafts.index(draft) + 1 :] if draft in drafts else []
        if remaining:  # one form per concern, one after another
            dialog.finished.connect(lambda _r: self.open_escalation(remaining[0]))
        dialog.open()
        return dialog

    def open_next(self) -> EscalationDialog | None:
        """The first concern of this run not sent yet (one of the run's, else a draft it left in
        the outbox), or a message that all were sent."""
        concern = self.session.next_concern()
        if isinstance(concern, Escalation):
            return self.open_kept_draft(concern.id)
        if concern is not None:
            return self.open_escalation(concern)
        self._say("Every concern from this checklist is in the outbox (Escalations panel).")
        return None

    def open_kept_draft(self, escalation_id: int) -> EscalationDialog | None:
        """The form for a concern kept as a draft in the outbox: Send now, Copy message, Not now."""
        kept = self.session.kept_draft(escalation_id)
        if kept is None:
            self._say("That concern is no longer a draft: see the Escalations panel.")
            return None
        self.open_draft = None
        return self._form(None, kept)

    def _form(self, draft: EscalationDraft | None, kept: Escalation | None = None) -> EscalationDialog:
        retire(self.dialog)
        self.dialog = open_escalation_form(self, draft, kept, self._parent)
        return self.dialog

    def keep_unsent(self) -> None:
        """At quit: every concern of the run not in the outbox yet is kept there as a draft, the
        one on an open form as the officer left it (a concern is never dropped by quitting)."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.keep_as_draft()
        self.open_draft = None
        try:
            self._show(self.session.keep_unsent())
        except EscalationError as exc:  # the officer's own address cannot go on a message
            self._say(f"The checklist's concerns could not be kept in your outbox ({exc}).")
