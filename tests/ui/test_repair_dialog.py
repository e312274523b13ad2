"""A damaged notes database at start: the window offers the way out (recover what can be read,
start a new one, keep the damaged file) in a dialog, and does what was chosen."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import manualviewer.app as app_module
from manualviewer.app import Application
from manualviewer.storage import paths
from manualviewer.storage.database import DatabaseError, open_database
from manualviewer.storage.notes import NewNote
from manualviewer.storage.stores import open_stores
from manualviewer.ui.repair_dialog import Choice, DamagedDatabaseDialog, ask_and_repair
from tests.faults.test_notes_save_faults import corrupt_a_page
from tests.helpers.shots import save_shot


def damaged_database(path: Path) -> DatabaseError:
    """A database with two notes whose outbox page is overwritten; the error its open gives."""
    stores = open_stores(path)
    stores.notes.add(NewNote(officer="Sam", text="First call"))
    stores.notes.add(NewNote(officer="Sam", text="Second call"))
    stores.outbox.enqueue("lee@example.org", "Concern", "What was said")
    stores.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'outbox'").fetchone()[0]
    conn.close()
    corrupt_a_page(path, page)
    with pytest.raises(DatabaseError) as caught:
        open_database(path)
    return caught.value


def clicking(choice: Choice) -> object:
    def ask(dialog: DamagedDatabaseDialog) -> Choice:
        dialog.show()
        dialog.choice_button(choice).click()
        return dialog.choice()
    return ask


def test_the_dialog_offers_three_ways_out_and_recover_is_the_default(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    error = damaged_database(path)
    dialog = DamagedDatabaseDialog(path, str(error))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Your notes database is damaged"
    assert [dialog.choice_button(c).text() for c in Choice] == [
        "Recover what can be read", "Start a new one", "Keep the damaged file"]
    assert dialog.defaultButton() is dialog.choice_button(Choice.RECOVER)
    assert dialog.escapeButton() is dialog.choice_button(Choice.KEEP)  # Esc changes nothing
    assert str(path) in dialog.informativeText() and "quick_check" not in dialog.text()
    save_shot(dialog, "h13-repair-dialog")
    dialog.reject()
    assert dialog.choice() is Choice.KEEP


def test_recover_keeps_the_damaged_file_and_copies_the_readable_notes(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    error = damaged_database(path)
    choice, message = ask_and_repair(None, path, error, ask=clicking(Choice.RECOVER))  # type: ignore[arg-type]
    assert choice is Choice.RECOVER
    assert "2 notes recovered" in message and "outbox" in message
    [aside] = tmp_path.glob("notes.sqlite3.damaged-*[0-9]")
    assert str(aside) in message
    stores = open_stores(path)
    try:
        assert sorted(n.text for n in stores.notes.list()) == ["First call", "Second call"]
    finally:
        stores.close()


def test_start_new_keeps_the_damaged_file_and_opens_an_empty_one(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    error = damaged_database(path)
    choice, message = ask_and_repair(None, path, error, ask=clicking(Choice.START_NEW))  # type: ignore[arg-type]
    assert choice is Choice.START_NEW and "A new notes database was started" in message
    [aside] = tmp_path.glob("notes.sqlite3.damaged-*[0-9]")
    assert aside.stat().st_size > 0
    stores = open_stores(path)
    try:
        assert stores.notes.list() == []
    finally:
        stores.close()


def test_keep_changes_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    error = damaged_database(path)
    before = path.read_bytes()
    choice, message = ask_and_repair(None, path, error, ask=clicking(Choice.KEEP))  # type: ignore[arg-type]
    assert choice is Choice.KEEP and "left as it is" in message
    assert path.read_bytes() == before and list(tmp_path.glob("*.damaged-*")) == []


def test_the_app_offers_the_dialog_at_start_and_opens_the_recovered_notes(
    qtbot: QtBot, tmp_path: Path, bundled_content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(bundled_content, content, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    damaged_database(paths.database_path())
    monkeypatch.setattr(app_module, "_ASK_REPAIR", clicking(Choice.RECOVER))
    app = Application([content])
    qtbot.addWidget(app.window)
    try:
        assert app.stores is not None  # the notes are there again, in the window
        assert len(app.stores.notes.list()) == 2
        assert "Your notes database was repaired" in app.window.statusBar().currentMessage()
    finally:
        app.shutdown()
