"""Issue 13, item 2, in the window's checklist (services/checklist_session.py, what Save note
calls): when the database cannot take the note, the run's concerns are kept in the recovery file
with it and come in with it, as drafts of the note, exactly once. Real faults: a second process
holding BEGIN EXCLUSIVE; a full disk (a small tmpfs, as root)."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest

from manualviewer.core.settings import Settings
from manualviewer.services.checklist_session import ChecklistSession
from manualviewer.storage.notes import NoteError
from manualviewer.storage.outbox import EscalationState, FolderChannel
from manualviewer.storage.recovery import fallback_path, kept_files, recovery_path
from manualviewer.storage.stores import Stores, open_stores
from tests.helpers.bundled import library
from tests.helpers.notes_faults import another_program_holding, fill, is_root, small_tmpfs
from tests.helpers.services import RECORDING, TickingClock

OFFICER = Settings(officer_name="Sam Patel", officer_email="sam@example.org",
                   line_manager_name="Alex Jones", line_manager_email="alex@example.org")
SAID = "He said he would post it."


def session_on(stores: Stores, tmp_path: Path) -> ChecklistSession:
    (tmp_path / "drop").mkdir(exist_ok=True)
    return ChecklistSession(stores, lambda: OFFICER, library, lambda _s: FolderChannel(tmp_path / "drop"),
                            clock=TickingClock())


def at_the_note(session: ChecklistSession) -> None:
    """The recording checklist to its end, with one concern for the line manager."""
    session.start(RECORDING)
    session.answer("call-details", {"customer_reference": "AB 123"})
    session.answer("media", "not-media")
    session.jump("late-disclosure")
    session.answer("late-disclosure", None)
    session.answer("concerns", "concerns")
    session.answer("tell-line-manager", SAID)


def outbox_rows(database: Path) -> list[tuple[str, str, int | None, str]]:
    conn = sqlite3.connect(database)
    try:
        return [tuple(r) for r in conn.execute('SELECT state, "to", note_id, body FROM outbox ORDER BY id')]
    finally:
        conn.close()


def test_a_save_under_another_programs_lock_keeps_the_concern_and_it_comes_in_once_as_a_draft(
        tmp_path: Path) -> None:
    database = tmp_path / "notes.sqlite3"
    stores = open_stores(database)
    session = session_on(stores, tmp_path)
    at_the_note(session)
    text = session.note_draft().text
    stores.conn.execute("PRAGMA busy_timeout = 200")  # the real lock; a shorter wait than the officer's 3 s
    with another_program_holding(database), pytest.raises(NoteError) as refused:
        session.save_note(text)
    message = str(refused.value)
    assert message.startswith("another program is using your notes database. Your note and its concern for your "
                              f"line manager are kept safe in {recovery_path(database)}")
    assert "wait as drafts in your outbox" in message
    [line] = recovery_path(database).read_text(encoding="utf-8").splitlines()
    kept = json.loads(line)
    assert kept["note"]["text"] == text
    [concern] = kept["escalations"]
    assert (concern["to"], concern["sender"], concern["draft"]) == (
        "Alex Jones <alex@example.org>", "Sam Patel <sam@example.org>", True)
    assert SAID in concern["body"]
    stores.close()

    for _ in range(3):  # the next opens: imported by the first, nothing doubled by the others
        again = open_stores(database)
        [note] = again.notes.list()
        again.close()
    assert kept_files(database) == []
    [(state, to, note_id, body)] = outbox_rows(database)
    assert (state, to, note_id) == ("draft", "Alex Jones <alex@example.org>", note.id) and SAID in body

    # The officer resumes the run and presses Save again: the same note, and its concern is the
    # draft already in the outbox, not a second one to send.
    stores = open_stores(database)
    try:
        session = session_on(stores, tmp_path)
        [resumable] = session.resumable()
        session.resume(resumable.saved.run_id)
        stored, _change = session.save_note(text)
        assert stored.id == note.id and session.escalation_drafts == []
        waiting = session.next_concern()
        assert waiting is not None and getattr(waiting, "state", None) is EscalationState.DRAFT
        assert len(stores.notes.list()) == 1
    finally:
        stores.close()
    assert len(outbox_rows(database)) == 1


@pytest.mark.skipif(not is_root(), reason="a full disk needs a small tmpfs mount, which needs root")
def test_a_save_on_a_full_disk_keeps_the_concern_with_the_note_in_the_private_fallback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))  # where the private fallback folder goes
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    with small_tmpfs(tmp_path / "small") as disk:
        database = disk / "notes.sqlite3"
        stores = open_stores(database)
        session = session_on(stores, tmp_path)
        at_the_note(session)
        filler = fill(disk)
        with pytest.raises(NoteError) as refused:
            session.save_note(session.note_draft().text)
        assert str(refused.value).startswith("the disk is full. Your note and its concern")
        assert kept_files(database) == [fallback_path(database)]  # no room beside the database
        [concern] = json.loads(fallback_path(database).read_text(encoding="utf-8"))["escalations"]
        assert concern["draft"] is True and SAID in concern["body"]
        stores.close()

        filler.unlink()  # room again: the next opens import note and concern, once
        for _ in range(2):
            open_stores(database).close()
        assert kept_files(database) == []
        [(state, _to, note_id, body)] = outbox_rows(database)
        assert state == "draft" and note_id == 1 and SAID in body
