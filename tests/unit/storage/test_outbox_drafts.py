"""Drafts in the outbox: a concern kept as written and not sent ("Not now"), sent later by a
change of state only; and migration 5, which lets the outbox hold them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from manualviewer.storage import database
from manualviewer.storage.database import SCHEMA_VERSION, open_database
from manualviewer.storage.notes import NewNote, NoteStore
from manualviewer.storage.outbox import Escalation, EscalationError, EscalationState, Outbox


class Collecting:
    name = "test"

    def __init__(self) -> None:
        self.delivered: list[Escalation] = []

    def unavailable_reason(self) -> str | None:
        return None

    def deliver(self, escalation: Escalation) -> None:
        self.delivered.append(escalation)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    c = open_database(tmp_path / "outbox.sqlite3")
    yield c
    c.close()


def test_a_draft_is_kept_as_written_and_sent_only_when_asked(conn: sqlite3.Connection) -> None:
    note = NoteStore(conn).add(NewNote(officer="Ann", text="Customer R1 disputes the debt."))
    outbox = Outbox(conn)
    draft = outbox.enqueue("bea@example.gov.uk", "Escalation: R1", "Concern about R1.\n", draft=True, note_id=note.id)
    assert draft.state is EscalationState.DRAFT and draft.note_id == note.id
    assert outbox.drafts() == [draft] and outbox.drafts(note.id) == [draft] and outbox.of_note(note.id) == [draft]
    assert outbox.drafts(note.id + 1) == []

    channel = Collecting()
    assert outbox.pending() == [] and outbox.deliver_pending(channel) == [] and channel.delivered == []

    # What was written, to whom and for which note never changes, draft or not.
    for column in ("body", "subject", '"to"', "note_id"):
        with pytest.raises(sqlite3.IntegrityError, match="kept as written"):
            conn.execute(f"UPDATE outbox SET {column} = NULL WHERE id = ?", (draft.id,))
    with pytest.raises(sqlite3.IntegrityError, match="kept"):
        conn.execute("DELETE FROM outbox")

    queued = outbox.send_draft(draft.id)
    assert queued.state is EscalationState.QUEUED
    assert (queued.body, queued.subject, queued.to, queued.message_id) == (
        draft.body, draft.subject, draft.to, draft.message_id)
    with pytest.raises(EscalationError, match="not a draft"):
        outbox.send_draft(draft.id)  # nothing is sent twice
    (sent,) = outbox.deliver_pending(channel)
    assert sent.state is EscalationState.DELIVERED and [e.body for e in channel.delivered] == [draft.body]
    assert outbox.drafts() == []


def test_a_draft_needs_an_address_like_any_escalation(conn: sqlite3.Connection) -> None:
    with pytest.raises(EscalationError):
        Outbox(conn).enqueue("", "s", "b", draft=True)
    assert Outbox(conn).list() == []


def test_migration_5_keeps_every_escalation_and_its_delivery_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    with monkeypatch.context() as old:  # a database as the release before drafts left it
        old.setattr(database, "MIGRATIONS", database.MIGRATIONS[:4])
        old.setattr(database, "SCHEMA_VERSION", 4)
        conn = open_database(path)
        conn.execute('INSERT INTO outbox (created_at, message_id, "to", subject, body, state, attempts, '
                     "last_error, outcome) VALUES ('2024-05-01T09:00:00.000000Z', '<m1@x>', 'a@example.org', "
                     "'S1', 'B1', 'failed', 2, 'timed out', 'uncertain')")
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute('INSERT INTO outbox (created_at, message_id, "to", subject, body, state) '
                         "VALUES ('t', '<m2@x>', 'a@example.org', 'S', 'B', 'draft')")
        conn.close()
    assert SCHEMA_VERSION >= 5
    conn = open_database(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        (kept,) = Outbox(conn).list()
        assert (kept.subject, kept.body, kept.state, kept.attempts, kept.last_error, kept.note_id) == (
            "S1", "B1", EscalationState.UNCERTAIN, 2, "timed out", None)
        assert database.ensure_triggers(conn) == []  # the rebuilt table has its rules
        with pytest.raises(sqlite3.IntegrityError, match="kept as written"):
            conn.execute("UPDATE outbox SET body = 'changed'")
        assert Outbox(conn).enqueue("a@example.org", "S2", "B2", draft=True).state is EscalationState.DRAFT
    finally:
        conn.close()
