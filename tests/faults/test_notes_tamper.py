"""Tamper evidence: triggers dropped outside the app are put back at the next open, outbox bodies
cannot change, and an edit made meanwhile is found by `manualviewer notes verify`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from manualviewer.cli import main
from manualviewer.storage.database import open_database
from manualviewer.storage.notes import NewNote, NoteStore
from manualviewer.storage.outbox import Outbox


def three_notes(path: Path) -> None:
    conn = open_database(path)
    store = NoteStore(conn)
    for n in range(3):
        store.add(NewNote(officer="Sam", text=f"note {n + 1}"))
    Outbox(conn).enqueue("lee@example.org", "Concern", "What was said")
    conn.close()


def test_an_edit_outside_the_app_is_found_and_the_trigger_put_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "notes.sqlite3"
    three_notes(db)
    assert main(["notes", "verify", "--database", str(db)]) == 0
    raw = sqlite3.connect(db)
    raw.execute("DROP TRIGGER notes_no_update")
    raw.execute("UPDATE notes SET text = 'rewritten' WHERE id = 2")
    raw.commit()
    raw.close()
    capsys.readouterr()
    assert main(["notes", "verify", "--json", "--database", str(db)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["first_bad_note"] == 2 and report["checked"] == 1
    raw = sqlite3.connect(db)  # the open above put the trigger back
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE notes SET text = 'again' WHERE id = 3")
    raw.close()


def test_an_outbox_body_cannot_change_but_its_state_can(tmp_path: Path) -> None:
    db = tmp_path / "notes.sqlite3"
    three_notes(db)
    conn = open_database(db)
    with pytest.raises(sqlite3.IntegrityError, match="cannot change"):
        conn.execute("UPDATE outbox SET body = 'something else' WHERE id = 1")
    conn.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = 1")
    assert conn.execute("SELECT body, attempts FROM outbox").fetchone()[:] == ("What was said", 1)
    conn.close()
