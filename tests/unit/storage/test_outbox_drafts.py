"""Drafts in the outbox: a concern kept as written and not sent ("Not now"), sent later by a
change of state only (and of its address, set once, when it was kept without one); migration 5,
which lets the outbox hold them, and migration 8, which lets a draft wait for its address."""

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


def test_a_draft_kept_without_an_address_gets_one_once_as_it_is_sent(conn: sqlite3.Connection) -> None:
    outbox = Outbox(conn)
    draft = outbox.enqueue("", "Escalation: R1", "Concern about R1.\n", sender="ann@example.gov.uk", draft=True)
    assert (draft.state, draft.to) == (EscalationState.DRAFT, "") and outbox.drafts() == [draft]
    assert outbox.pending() == []
    with pytest.raises(EscalationError):  # a queued escalation still needs an address
        outbox.enqueue("", "s", "b")
    for bad in ("", "not an address", "a@example.org, b@example.org"):
        with pytest.raises(EscalationError):
            outbox.send_draft(draft.id, bad)
    assert outbox.get(draft.id) == draft  # refused: nothing changed

    # The address is set only by sending: not on a draft left a draft, never twice.
    with pytest.raises(sqlite3.IntegrityError, match="recipient is set once"):
        conn.execute("UPDATE outbox SET \"to\" = 'lee@example.org' WHERE id = ?", (draft.id,))
    queued = outbox.send_draft(draft.id, " Lee Smith <lee@example.org> ")
    assert (queued.state, queued.to) == (EscalationState.QUEUED, "Lee Smith <lee@example.org>")
    assert (queued.subject, queued.body, queued.message_id) == (draft.subject, draft.body, draft.message_id)
    with pytest.raises(sqlite3.IntegrityError, match="recipient is set once"):
        conn.execute("UPDATE outbox SET \"to\" = 'other@example.org' WHERE id = ?", (draft.id,))
    with pytest.raises(EscalationError, match="not a draft"):
        outbox.send_draft(draft.id, "other@example.org")
    channel = Collecting()
    (sent,) = outbox.deliver_pending(channel)
    assert sent.state is EscalationState.DELIVERED and channel.delivered[0].to == "Lee Smith <lee@example.org>"


def test_an_addressed_draft_is_sent_to_its_own_address_only(conn: sqlite3.Connection) -> None:
    outbox = Outbox(conn)
    draft = outbox.enqueue("bea@example.gov.uk", "S", "B", draft=True)
    with pytest.raises(EscalationError, match=r"addressed to bea@example\.gov\.uk"):
        outbox.send_draft(draft.id, "other@example.org")
    assert outbox.send_draft(draft.id, "bea@example.gov.uk").to == "bea@example.gov.uk"


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


def test_migration_8_lets_a_draft_wait_for_its_address_and_keeps_every_other_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    with monkeypatch.context() as old:  # a database as the release before unaddressed drafts left it
        old.setattr(database, "MIGRATIONS", database.MIGRATIONS[:7])
        old.setattr(database, "SCHEMA_VERSION", 7)
        conn = open_database(path)
        addressed = Outbox(conn).enqueue("bea@example.gov.uk", "S1", "B1", draft=True)
        with pytest.raises(sqlite3.IntegrityError, match="kept as written"):  # "to" was fixed outright
            conn.execute("UPDATE outbox SET state = 'queued', \"to\" = 'x@example.org' WHERE id = ?",
                         (addressed.id,))
        conn.close()
    conn = open_database(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 8
        assert database.ensure_triggers(conn) == []
        outbox = Outbox(conn)
        assert outbox.get(addressed.id) == addressed
        for column in ("body", "subject", "sender", "note_id"):
            with pytest.raises(sqlite3.IntegrityError, match="kept as written"):
                conn.execute(f"UPDATE outbox SET {column} = NULL WHERE id = ?", (addressed.id,))
        with pytest.raises(sqlite3.IntegrityError, match="recipient is set once"):
            conn.execute("UPDATE outbox SET state = 'queued', \"to\" = 'x@example.org' WHERE id = ?",
                         (addressed.id,))
        unaddressed = outbox.enqueue("", "S2", "B2", draft=True)
        assert outbox.send_draft(unaddressed.id, "lee@example.org").to == "lee@example.org"
    finally:
        conn.close()
