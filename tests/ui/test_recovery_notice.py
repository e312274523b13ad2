"""At start the window says what became of the notes kept while the notes database could not be
written (issue 13): a kept save that cannot be imported (a line cut off when the program was
stopped) is set aside, and a message over the window, which does not block it, names the file.
The real app on a real recovery file in the user's folder."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from manualviewer.app import Application
from manualviewer.storage import paths
from manualviewer.storage.notes import NewNote
from manualviewer.storage.recovery import keep, new_save, recovery_path
from manualviewer.storage.stores import open_stores
from manualviewer.ui.recovery_notice import TITLE


@pytest.fixture
def content(tmp_path: Path, bundled_content: Path) -> Path:
    # One small manual: the app starts and indexes in a moment.
    target = tmp_path / "content"
    shutil.copytree(bundled_content / "dwp-recordings", target / "dwp-recordings")
    return target


@contextmanager
def started(qtbot: QtBot, content: Path) -> Iterator[Application]:
    app = Application([content])
    qtbot.addWidget(app.window)
    app.start()
    try:
        yield app
    finally:
        qtbot.waitUntil(lambda: app.index_runs >= 1, timeout=30000)
        app.shutdown()


def kept_with_a_torn_line() -> str:
    """The user's database with a recovery file: one whole kept save, then a line cut off."""
    database = paths.database_path()
    open_stores(database).close()
    keep(database, new_save(NewNote(officer="Sam", text="The kept call")), "another program is using the database")
    whole = json.dumps({"save_id": "x" * 32, "note": {"officer": "Sam", "text": "The second kept call"}})
    with recovery_path(database).open("a", encoding="utf-8") as f:
        f.write(whole[: len(whole) // 2])
    return str(recovery_path(database))


def notices(app: Application) -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.windowTitle() == TITLE and w.parent() is app.window]


def test_a_kept_save_that_cannot_be_imported_is_said_in_the_window_naming_the_set_aside_file(
        qtbot: QtBot, content: Path) -> None:
    kept = kept_with_a_torn_line()
    with started(qtbot, content) as app:
        assert app.stores is not None
        assert [n.text for n in app.stores.notes.list()] == ["The kept call"]  # the whole one is in
        [aside] = Path(kept).parent.glob(Path(kept).name + ".unreadable-*")
        [box] = notices(app)
        assert box.isVisible() and not box.isModal()  # said, without blocking the window
        assert str(aside) in box.text() and "They are not lost" in box.text()
        assert "set aside" in app.window.statusBar().currentMessage()
        box.grab().save(str(Path(kept).parent / "recovery-notice.png"))
        # The window works behind it: the notes are there and searchable.
        assert app.window.isEnabled()
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), _left())
        qtbot.waitUntil(lambda: not box.isVisible())


def test_kept_saves_all_imported_are_said_in_the_status_bar_without_a_message(qtbot: QtBot, content: Path) -> None:
    database = paths.database_path()
    open_stores(database).close()
    for text in ("First kept call", "Second kept call"):
        keep(database, new_save(NewNote(officer="Sam", text=text)), "the disk is full")
    with started(qtbot, content) as app:
        assert app.stores is not None and len(app.stores.notes.list()) == 2
        assert notices(app) == []
        assert app.window.statusBar().currentMessage() == (
            "2 notes kept while your notes database could not be written are now in your notes.")


def test_nothing_kept_says_nothing(qtbot: QtBot, content: Path) -> None:
    with started(qtbot, content) as app:
        assert notices(app) == []
        assert "kept" not in app.window.statusBar().currentMessage()


def _left() -> object:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
