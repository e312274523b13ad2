""""Read and understood", without Qt: which must-read sections this officer still has to
confirm, confirming one, and the records to send a manager.

A must-read section (core/content/must_read.py: a section's `must_read_by`, or its manual's
`must_read` list) is *outstanding* until the officer confirms it; the confirmation keeps the
section's content hash, so when the section's text changes it is outstanding again ("changed
since you confirmed"). Confirmations are append-only (storage/attestations.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from manualviewer.core.changes.versions import former_ids
from manualviewer.core.content.library import Library
from manualviewer.core.content.must_read import due_dates
from manualviewer.core.model import Section
from manualviewer.core.procedures.wording import local_time
from manualviewer.core.settings import Settings
from manualviewer.services.finish_run import escalation_addresses, recipient_name
from manualviewer.storage.attestations import (
    Attestation,
    AttestationError,
    AttestationKept,
    AttestationSaveError,
    AttestationStore,
    KeptConfirmation,
)
from manualviewer.storage.clock import from_db, to_db
from manualviewer.storage.outbox import Escalation, Outbox
from manualviewer.storage.recovery import keep, kept_confirmations, kept_files


class ReadState(StrEnum):
    TO_READ = "to-read"  # never confirmed
    CHANGED = "changed"  # confirmed, but the section changed since
    CONFIRMED = "confirmed"  # confirmed as it is now
    # Confirmed as it is now, but the database refused it: kept in the recovery file, recorded
    # the next time manualviewer opens it (or when the button is pressed again and it works).
    KEPT = "kept"


@dataclass(frozen=True)
class MustRead:
    section_id: str
    title: str
    manual: str
    due: dt.date
    state: ReadState
    overdue: bool  # outstanding and past its due date
    confirmed: Attestation | None  # the latest confirmation, of this version or an earlier one
    kept_at: dt.datetime | None = None  # KEPT: when the officer pressed the button

    @property
    def outstanding(self) -> bool:
        """Still asked of the officer: a kept confirmation is theirs already (only its record waits)."""
        return self.state not in (ReadState.CONFIRMED, ReadState.KEPT)

    def describe(self) -> str:
        """One line for lists and the status bar's tooltip: what the officer has to do."""
        due = f"{self.due.day} {self.due:%b %Y}"
        if self.state is ReadState.CONFIRMED:
            assert self.confirmed is not None
            return f"You confirmed this on {local_time(self.confirmed.confirmed_at)}"
        if self.state is ReadState.KEPT:
            assert self.kept_at is not None
            return (f"Kept - will be recorded: you confirmed this on {local_time(self.kept_at)}; the notes "
                    "database could not take it then, so it is kept on this computer and recorded the next "
                    "time manualviewer starts")
        changed = "Changed since you confirmed it; " if self.state is ReadState.CHANGED else ""
        if self.overdue:
            return f"{changed}{'o' if changed else 'O'}verdue: it was due by {due}"
        return f"{changed}{'r' if changed else 'R'}ead and confirm by {due}"


# Whether the text kept under a content hash is what a reader sees of the section now (its body
# given), only its ID changed: services/changes.ChangeTracker.same_guidance.
SameText = Callable[[str, Section, str], bool]


def must_reads(library: Library, store: AttestationStore, today: dt.date | None = None,
               same_text: SameText | None = None) -> list[MustRead]:
    """Every must-read section of the library and where this officer stands with it: the
    outstanding ones first (the earliest due first), then the confirmed ones.

    A confirmation of another content hash, or given under the section's former ID (renamed,
    the old ID in its `aliases`), counts when `same_text` says a reader sees the same section
    (only the ID, an alias or a field no one sees changed); otherwise (the text, title, status...
    changed, or no way to tell) it is asked again, as "changed since you confirmed it".

    A confirmation of the section as it is now that the database refused and the recovery file
    keeps (see `confirm`) makes it KEPT, not outstanding, until it is recorded."""
    today = today or dt.date.today()
    latest = store.latest()
    database = store.database_path()
    kept = {(k.section_id, k.content_hash): k for k in (kept_confirmations(database) if database else ())}
    items = []
    for section_id, due in due_dates(library).items():
        section = library.sections[section_id]
        confirmed = latest.get(section_id)
        before = [latest[a] for a in former_ids(section, library.aliases) if a in latest]
        renamed = max(before, key=lambda a: a.confirmed_at) if before else None
        if confirmed is None and renamed is not None:
            confirmed = renamed
            same = same_text is not None and same_text(renamed.content_hash, section, library.body_of(section))
            state = ReadState.CONFIRMED if same else ReadState.CHANGED
        elif confirmed is None:
            state = ReadState.TO_READ
        elif confirmed.content_hash != section.content_hash:  # asked again unless no reader can see it
            same = same_text is not None and same_text(confirmed.content_hash, section, library.body_of(section))
            state = ReadState.CONFIRMED if same else ReadState.CHANGED
        else:
            state = ReadState.CONFIRMED
        waiting = kept.get((section_id, section.content_hash)) if state is not ReadState.CONFIRMED else None
        if waiting is not None:
            state = ReadState.KEPT
        items.append(MustRead(section_id, section.title, section.manual, due, state,
                              overdue=state in (ReadState.TO_READ, ReadState.CHANGED) and due < today,
                              confirmed=confirmed, kept_at=from_db(waiting.confirmed_at) if waiting else None))
    return sorted(items, key=lambda m: (not m.outstanding, m.due, m.section_id))


def outstanding(library: Library, store: AttestationStore, today: dt.date | None = None,
                same_text: SameText | None = None) -> list[MustRead]:
    return [m for m in must_reads(library, store, today, same_text) if m.outstanding]


def status_of(library: Library, store: AttestationStore, section_id: str,
              today: dt.date | None = None, same_text: SameText | None = None) -> MustRead | None:
    """Where the officer stands with one section; None when it is not a must-read."""
    return next((m for m in must_reads(library, store, today, same_text) if m.section_id == section_id), None)


def confirm(library: Library, store: AttestationStore, section_id: str, officer: str) -> Attestation:
    """Record "I have read and understood" for the section as it is now (its current content
    hash); committed when this returns. Raises AttestationError (not a must-read section, no
    officer name), AttestationKept (the database did not take it: kept in the recovery file
    beside it, recorded at the next open with this moment as its time) or AttestationSaveError
    (not taken, and it could not be kept either).

    Pressed again while a refused one is kept: recorded now with the time first pressed (the
    next open then finds it recorded and adds nothing)."""
    section = library.sections.get(section_id)
    if section is None or section_id not in due_dates(library):
        raise AttestationError(f"{section_id} is not a section you are asked to read and confirm")
    if not officer.strip():
        raise AttestationError("a confirmation needs the officer's name (set officer_name in settings)")
    database = store.database_path()
    earlier = next((k for k in (kept_confirmations(database) if database else ())
                    if k.matches(section.id, section.content_hash, officer)), None)
    at = from_db(earlier.confirmed_at) if earlier is not None else store.now()
    try:
        return store.add(section.id, section.title, section.content_hash, officer, at=at)
    except AttestationSaveError as exc:
        if database is None:  # an in-memory database: nowhere to keep it beside
            raise
        reason = exc.reason or "the database could not be written"
        kept = earlier or KeptConfirmation(to_db(at), officer.strip(), section.id, section.title,
                                           section.content_hash)
        try:
            where = keep(database, kept, reason) if earlier is None else kept_files(database)[0]
        except OSError as keep_exc:
            raise AttestationSaveError(f"{exc}; it could not be kept in a recovery file either ({keep_exc})",
                                       exc.reason) from exc
        raise AttestationKept(
            f"your confirmation could not be recorded yet: {reason}. It is kept safe on this computer with the "
            f"time you confirmed ({local_time(at)}) and is recorded the next time manualviewer starts; you can "
            "also press the button again", exc.reason, where) from exc


def confirmation_message(record: Attestation, settings: Settings) -> tuple[str, str]:
    """The subject and body that tell the line manager about a confirmation."""
    subject = f"Read and understood: {record.section_id} {record.title}"
    greeting = f"Dear {recipient_name(settings)}," if recipient_name(settings) else "Hello,"
    body = "\n".join((
        greeting,
        "",
        f"{record.officer} confirmed that they have read and understood this guidance:",
        "",
        f"Section: {record.section_id} {record.title}",
        f"Confirmed: {local_time(record.confirmed_at)} ({to_db(record.confirmed_at)})",
        f"Version (content hash): {record.content_hash}",
        "",
        "Sent by manualviewer because confirmations_to_line_manager is on in the officer's settings.",
        "",
    ))
    return subject, body


def queue_for_line_manager(outbox: Outbox, settings: Settings, record: Attestation) -> Escalation | None:
    """Queue the confirmation for the line manager when the settings ask for it (None when they
    do not); delivery is the outbox's, by the configured channel, like an escalation. Raises
    EscalationError when it cannot be sent (no line manager address): the confirmation itself
    is recorded either way."""
    if not settings.confirmations_to_line_manager:
        return None
    addresses = escalation_addresses(settings)
    subject, body = confirmation_message(record, settings)
    return outbox.enqueue(addresses.recipient, subject, body, addresses.sender)
