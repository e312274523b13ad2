"""The one place where a finished checklist run becomes a note and outbox rows, and where the
addresses of an escalation are formatted. The live checklist, training and the CLI all call it.

    finished = finish_run(run, officer=..., content_version=..., text=edited, warnings=checked)
    stored = store_note(notes, run, finished, officer=...)         # append-only note store
    queue_escalations(outbox, finished.escalations, to=..., sender=...)   # stored, then delivered

`finish_run` is pure: it composes the note (text + structured record) and one escalation draft
per escalate step on the path. Storing is separate because the callers store differently: the
live checklist queues each escalation after the officer reviews it, training keeps them as
"never sent", the CLI queues them all at once after checking the addresses first."""

from __future__ import annotations

import email.utils
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from manualviewer.core.procedures import (
    EscalationDraft,
    NoteDraft,
    NoteWarning,
    Run,
    compose_escalations,
    compose_note,
)
from manualviewer.core.settings import Settings
from manualviewer.storage.notes import NewNote, NoteError, NoteStore, StoredNote
from manualviewer.storage.outbox import Escalation, EscalationError, Outbox, check_recipient

# --- addresses -------------------------------------------------------------------------------


def mailbox(name: str, address: str) -> str:
    """`"Name" <address>` as an email header writes it; "" without an address."""
    if not address:
        return ""
    return email.utils.formataddr((name, address))


def line_manager_address(settings: Settings) -> str:
    """Where escalations go: the line manager in the settings ("" when no email is set)."""
    return mailbox(settings.line_manager_name, settings.line_manager_email)


def recipient_name(settings: Settings) -> str:
    """How a message names who it goes to: the line manager's name, else their address."""
    return settings.line_manager_name.strip() or settings.line_manager_email.strip()


def officer_address(settings: Settings) -> str:
    """Who escalations come from: the officer in the settings ("" when no email is set)."""
    return mailbox(settings.officer_name, settings.officer_email)


@dataclass(frozen=True)
class Addresses:
    recipient: str
    sender: str


def escalation_addresses(settings: Settings, *, needed: bool = True) -> Addresses:
    """The recipient and sender for a run's escalations, checked before anything is saved so a
    refusal leaves nothing half-saved. Every escalate step goes to the one address the settings
    know; the body names the role the guidance asks for (line manager, local management, an
    advisory service). Raises EscalationError when `needed` and they cannot be sent."""
    sender = officer_address(settings)
    if not needed:
        return Addresses("", sender)
    if not settings.line_manager_email:
        raise EscalationError("there are escalations but no line_manager_email in the settings to send them to")
    recipient = line_manager_address(settings)
    check_recipient(recipient, sender)
    return Addresses(recipient, sender)


# --- the note --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinishedRun:
    """What a finished run produces before anything is stored: the note as it will be saved
    (text and record) and one escalation draft per escalate step on the path."""

    note: NoteDraft
    escalations: tuple[EscalationDraft, ...]

    @property
    def customer_reference(self) -> str:
        return str(self.note.record.get("customer_reference") or "")


def warning_records(warnings: Iterable[NoteWarning]) -> list[dict[str, Any]]:
    """Note-check warnings as the record (and the CLI's JSON) keeps them."""
    return [{"kind": w.kind, "token": w.token, "line": w.line, "message": w.message} for w in warnings]


def finish_run(
    run: Run,
    *,
    officer: str,
    content_version: str,
    text: str | None = None,
    warnings: Sequence[NoteWarning] | None = None,
    extra: Mapping[str, Any] | None = None,
    recipient: str = "",
    notices: Sequence[str] = (),
) -> FinishedRun:
    """The note of the finished `run` and its escalations. `text` is the note as the officer
    edited it (None: the composed text, and the record as composed); `warnings`, the note check
    of that text, go into the record; `extra` adds keys to the record (training marks its notes);
    `recipient` (line_manager_address) is who the escalations are addressed to ("": the role);
    `notices` (archive_notices) are added to the composed note.
    Raises RunError if the run is not finished."""
    draft = compose_note(run, officer=officer, content_version=content_version, notices=notices)
    record = dict(draft.record)
    record.update(extra or {})
    if text is None:
        text = draft.text
    else:
        record["note_edited"] = text.strip() != draft.text.strip()
        if warnings is not None:
            record["note_check"] = warning_records(warnings)
    note = NoteDraft(text.strip(), record)
    return FinishedRun(note, tuple(compose_escalations(run, note, officer=officer, recipient=recipient)))


def new_note(run: Run, finished: FinishedRun, *, officer: str) -> NewNote:
    """The row the note store keeps for `finished`."""
    record = finished.note.record
    return NewNote(
        officer=officer,
        text=finished.note.text,
        customer_reference=finished.customer_reference,
        procedure_id=run.procedure.id,
        procedure_version=str(run.procedure.version),
        content_version=str(record.get("content_version", "")),
        record_json=json.dumps(record, ensure_ascii=False),
    )


def store_note(
    notes: NoteStore, run: Run, finished: FinishedRun, *, officer: str, save_id: str | None = None
) -> StoredNote:
    """Save the note (append-only; committed on return; once per `save_id`). Raises NoteError,
    sqlite3.Error when the database cannot take it."""
    return notes.add(new_note(run, finished, officer=officer), save_id)


def amend_note(notes: NoteStore, note_id: int, text: str, *, officer: str) -> StoredNote:
    """A correction: a new note that amends `note_id`, with its record (notes are never
    changed). Raises NoteError."""
    original = notes.get(note_id)
    if original is None:
        raise NoteError(f"there is no note {note_id}")
    return notes.add(
        NewNote(
            officer=officer,
            text=text.strip(),
            customer_reference=original.customer_reference,
            procedure_id=original.procedure_id,
            procedure_version=original.procedure_version,
            content_version=original.content_version,
            record_json=original.record_json,
            amends=note_id,
        )
    )


# --- the outbox ------------------------------------------------------------------------------


def queue_escalations(
    outbox: Outbox,
    drafts: Iterable[EscalationDraft],
    *,
    to: str,
    sender: str = "",
    subject_prefix: str = "",
    body_prefix: str = "",
) -> tuple[Escalation, ...]:
    """Store each draft in the outbox, addressed to `to` (delivery is the outbox's job).
    Training marks its copies with the prefixes. Raises EscalationError."""
    return tuple(
        outbox.enqueue(to, subject_prefix + draft.subject, body_prefix + draft.body, sender=sender)
        for draft in drafts
    )


@dataclass(frozen=True)
class StoredRun:
    """A finished run once stored: its note and the outbox rows of its escalations."""

    note: StoredNote
    queued: tuple[Escalation, ...]


def save_finished_run(
    notes: NoteStore, outbox: Outbox, run: Run, finished: FinishedRun, *, officer: str, addresses: Addresses
) -> StoredRun:
    """Store the note, then queue every escalation to `addresses` (from escalation_addresses,
    called before: nothing is saved half). Raises NoteError or EscalationError."""
    stored = store_note(notes, run, finished, officer=officer)
    queued = queue_escalations(outbox, finished.escalations, to=addresses.recipient, sender=addresses.sender)
    return StoredRun(stored, queued)
