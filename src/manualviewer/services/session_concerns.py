"""The concerns a checklist run raises, for ChecklistSession (which inherits this): queue one to
send, keep one as a draft ("Not now"; with no address yet when none is set, so a concern is never
dropped), send a draft later, keep every one not in the outbox yet (at quit), and deliver the
outbox through the channel Settings name. Each method that changes something returns a
SessionChange, as the session's others do."""

from __future__ import annotations

from collections.abc import Callable

from manualviewer.core.procedures import EscalationDraft
from manualviewer.core.settings import Settings
from manualviewer.services.escalation_delivery import Delivery, channel_description, database_file, delivery_message
from manualviewer.services.finish_run import line_manager_address, officer_address
from manualviewer.services.session_change import SessionChange
from manualviewer.storage.notes import StoredNote
from manualviewer.storage.outbox import Channel, Escalation, EscalationError, EscalationState, check_recipient
from manualviewer.storage.stores import Stores

QUEUED = "Concern queued, not yet sent: it is in your outbox (Escalations panel)."
KEPT = "Concern kept as a draft, not sent: send it from the Escalations panel (Send now) when you are ready."
KEPT_NO_ADDRESS = ("Concern kept as a draft, not sent, with no address yet{why}: set your line manager's email in "
                   "Settings, then send it from the Escalations panel (Send now).")


class SessionConcerns:
    # Set by ChecklistSession.
    stores: Stores
    channel_factory: Callable[[Settings], Channel]
    saved_note: StoredNote | None
    escalation_drafts: list[EscalationDraft]  # the run's concerns not in the outbox yet

    @property
    def settings(self) -> Settings:
        raise NotImplementedError

    def recipient(self) -> str:
        return line_manager_address(self.settings)

    def sender(self) -> str:
        return officer_address(self.settings)

    def channel_description(self) -> str:
        return channel_description(self.settings)

    def queue_escalation(
        self, to: str, subject: str, body: str, draft: EscalationDraft | None = None
    ) -> tuple[Escalation, SessionChange]:
        """Store it in the outbox (raises EscalationError). Queued, `draft` is no longer one of
        the run's concerns to send, so it cannot be sent a second time."""
        queued = self.stores.outbox.enqueue(to, subject, body, sender=self.sender(), note_id=self._note_id())
        self._taken(draft)
        # Said as it is: in the outbox, not sent yet (delivery reports what happens next).
        return queued, SessionChange(escalations=True, message=QUEUED)

    def keep_draft(
        self, to: str, subject: str, body: str, draft: EscalationDraft | None = None
    ) -> tuple[Escalation, SessionChange]:
        """"Not now": keep the concern, as the form holds it now, as a draft in the outbox, where
        it waits (never sent on its own) for Send now. With no address (none set yet, or what was
        typed is not one) it is kept without one: Send now asks for it. Raises EscalationError
        only when the officer's own address cannot go on a message."""
        why = ""
        if to.strip():
            try:
                check_recipient(to)
            except EscalationError as exc:
                why, to = f" ({exc})", ""
        kept = self.stores.outbox.enqueue(to, subject, body, sender=self.sender(), draft=True,
                                          note_id=self._note_id())
        self._taken(draft)
        message = KEPT if kept.to else KEPT_NO_ADDRESS.format(why=why)
        return kept, SessionChange(escalations=True, notes=True, message=message)

    def keep_unsent(self) -> SessionChange:
        """Every concern of the run not in the outbox yet kept there as a draft, to the line
        manager from Settings (or with no address yet)."""
        change = SessionChange()
        for draft in list(self.escalation_drafts):
            _kept, change = self.keep_draft(self.recipient(), draft.subject, draft.body, draft)
        return change

    def send_draft(self, escalation_id: int, to: str = "") -> tuple[Escalation, SessionChange]:
        """Queue a draft as it was written; `to` addresses one kept without an address. Raises
        EscalationError (no longer a draft; no address, or not one)."""
        queued = self.stores.outbox.send_draft(escalation_id, to)
        return queued, SessionChange(escalations=True, notes=True, message=QUEUED)

    def drafts(self, note_id: int | None = None) -> list[Escalation]:
        return self.stores.outbox.drafts(note_id)

    def next_concern(self) -> EscalationDraft | Escalation | None:
        """The first concern of this run not sent yet: one of the run's, else a draft it left in
        the outbox."""
        if self.escalation_drafts:
            return self.escalation_drafts[0]
        kept = self.drafts(self.saved_note.id) if self.saved_note is not None else []
        return kept[0] if kept else None

    def kept_draft(self, escalation_id: int) -> Escalation | None:
        """The concern kept as draft `escalation_id`, while it still is one."""
        kept = self.stores.outbox.get(escalation_id)
        return kept if kept is not None and kept.state is EscalationState.DRAFT else None

    def _taken(self, draft: EscalationDraft | None) -> None:
        """`draft` is in the outbox now: no longer one of the run's concerns to send."""
        if draft is not None and draft in self.escalation_drafts:
            self.escalation_drafts.remove(draft)

    def _note_id(self) -> int | None:
        return self.saved_note.id if self.saved_note is not None else None

    # --- delivery --------------------------------------------------------------------------
    def delivery(self) -> Delivery:
        """The channel the settings name, and where to deliver. Raises ValueError (with the
        reason) when the settings name no usable channel."""
        channel = self.channel_factory(self.settings)
        database = database_file(self.stores) if channel.name == "smtp" else None
        return Delivery(channel, database)

    def deliver_pending(self, channel: Channel, resend_uncertain: bool = False) -> list[Escalation]:
        return self.stores.outbox.deliver_pending(channel, resend_uncertain=resend_uncertain)

    def pending(self) -> bool:
        return bool(self.stores.outbox.pending())

    def delivered(self, results: list[Escalation], error: str = "") -> SessionChange:
        """What a delivery did, as a sentence."""
        return SessionChange(escalations=True, message=delivery_message(results, error, self.settings))
