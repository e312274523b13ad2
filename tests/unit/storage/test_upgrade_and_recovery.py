"""Upgrading a database made by an older version, and importing the recovery file: the same save
twice is one note, a half-written last line is set aside (and said), never silently dropped."""

from __future__ import annotations

import json
import logging
import sqlite3
import stat
from pathlib import Path

import pytest

from manualviewer.storage.database import MIGRATIONS, SCHEMA_VERSION, open_database, transaction
from manualviewer.storage.notes import NewNote, NoteStore, insert_note, verify_chain
from manualviewer.storage.outbox import EscalationState, Outbox
from manualviewer.storage.recovery import KeptSave, keep, new_save, open_notes_database, recovery_path, store_save

OLD_NOTE_TEXT = "Called about the payment plan.\nAgreed to write."


def old_database(path: Path, version: int) -> None:
    """A database as version `version` of the program left it: only its migrations run, with a
    note and a queued escalation written the way that version wrote them."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    with transaction(conn):
        for migration in MIGRATIONS[:version]:
            migration(conn)
        conn.execute(f"PRAGMA user_version = {version}")
    with transaction(conn):
        for n in (1, 2):
            if version >= 4:  # the chain and save ids exist from version 4
                insert_note(conn, NewNote(officer="Sam", text=f"{OLD_NOTE_TEXT} {n}"), "2024-05-01T09:00:00.000000Z")
            else:
                conn.execute("INSERT INTO notes (created_at, officer, text) VALUES (?, ?, ?)",
                             ("2024-05-01T09:00:00.000000Z", "Sam", f"{OLD_NOTE_TEXT} {n}"))
        conn.execute('INSERT INTO outbox (created_at, message_id, "to", subject, body) VALUES (?, ?, ?, ?, ?)',
                     ("2024-05-01T09:00:00.000000Z", "<old.mv@example.org>", "lee@example.org", "Concern", "Body"))
    conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_a_database_from_each_older_version_is_upgraded_with_its_notes_intact(tmp_path: Path, version: int) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path, version)
    conn = open_database(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        store = NoteStore(conn)
        assert sorted(n.text for n in store.list()) == [f"{OLD_NOTE_TEXT} 1", f"{OLD_NOTE_TEXT} 2"]
        [escalation] = Outbox(conn).list()
        assert escalation.state is EscalationState.QUEUED and escalation.message_id == "<old.mv@example.org>"
        store.add(NewNote(officer="Sam", text="After the upgrade"))
        report = verify_chain(conn)
        assert report.ok and report.checked == 3  # the old notes chained once, the new one after
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE notes SET text = 'changed' WHERE id = 1")
    finally:
        conn.close()
    conn = open_database(path)  # opening again migrates nothing and keeps the chain
    try:
        assert verify_chain(conn).ok
    finally:
        conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_after_an_upgrade_a_concern_can_wait_for_its_address_and_what_was_sent_stays(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "old.sqlite3"
    old_database(path, version)
    conn = open_database(path)
    try:
        outbox = Outbox(conn)
        [old] = outbox.list()
        with pytest.raises(sqlite3.DatabaseError, match="kept as written"):
            conn.execute("UPDATE outbox SET \"to\" = 'someone@example.org' WHERE id = ?", (old.id,))
        draft = outbox.enqueue("", "Concern", "Kept before the address was set", draft=True)
        assert outbox.send_draft(draft.id, "lee@example.org").to == "lee@example.org"
        assert [e.to for e in outbox.list()] == ["lee@example.org", "lee@example.org"]
    finally:
        conn.close()


def a_save(text: str = "Kept while the database was busy") -> KeptSave:
    return new_save(NewNote(officer="Sam", text=text, customer_reference="AB 123"),
                    [("lee@example.org", "Concern", "What was said", "sam@example.org")])


def counts(path: Path) -> tuple[int, int]:
    conn = open_database(path)
    try:
        return (conn.execute("SELECT count(*) FROM notes").fetchone()[0],
                conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
    finally:
        conn.close()


def test_the_same_save_kept_twice_is_one_note(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    open_database(path).close()
    save = a_save()
    keep(path, save, "another program is using your notes database")
    keep(path, save, "another program is using your notes database")  # Save again, after a failure
    assert len(recovery_path(path).read_text(encoding="utf-8").splitlines()) == 2
    open_notes_database(path).close()
    assert counts(path) == (1, 1)
    assert not recovery_path(path).exists()


def test_a_kept_save_already_in_the_database_is_not_added_again(tmp_path: Path) -> None:
    # The program stored the save, then was killed before it removed the recovery file.
    path = tmp_path / "notes.sqlite3"
    save = a_save()
    conn = open_database(path)
    store_save(conn, save)
    conn.close()
    keep(path, save, "the disk is full")
    open_notes_database(path).close()
    open_notes_database(path).close()
    assert counts(path) == (1, 1)


def test_a_half_written_last_line_is_set_aside_and_said_the_rest_imported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "notes.sqlite3"
    open_database(path).close()
    keep(path, a_save("The first kept note"), "busy")
    whole = json.dumps({"save_id": "x" * 32, "note": {"officer": "Sam", "text": "The second kept note"}})
    torn = whole[: len(whole) // 2]  # the program was stopped while writing this line
    with recovery_path(path).open("a", encoding="utf-8") as f:
        f.write(torn)
    with caplog.at_level(logging.WARNING):
        open_notes_database(path).close()
    conn = open_database(path)
    try:
        assert [n.text for n in NoteStore(conn).list()] == ["The first kept note"]
    finally:
        conn.close()
    assert not recovery_path(path).exists()
    [aside] = list(tmp_path.glob("notes.sqlite3.recovery.jsonl.unreadable-*"))
    assert aside.read_text(encoding="utf-8") == torn + "\n"  # only the line that could not be read
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    assert f"1 kept save(s) in {recovery_path(path)} could not be read" in caplog.text
    assert str(aside) in caplog.text
    open_notes_database(path).close()  # nothing is imported twice, nothing more set aside
    assert counts(path) == (1, 1) and len(list(tmp_path.glob("*.unreadable-*"))) == 1
