"""The section view's changes mode when the title or the details changed and the text did not:
the title's word diff as the first heading, the details in words, and never "No change in the
text" for a section that is badged as changed. A real copy of the bundled library and a real
versions database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from manualviewer.core.content.loader import load_library
from manualviewer.services.changes import ChangeTracker
from manualviewer.ui.changes.install import ChangesUi, install_changes
from manualviewer.ui.reading.main_window import MainWindow
from tests.helpers.packs import copy_library
from tests.ui.helpers import make_window

EDITED = "DMBM511015"
EDITED_FILE = Path("dmbm") / "DMBM511015.md"


@pytest.fixture
def rig(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[MainWindow, ChangesUi, Path]]:
    content = copy_library(tmp_path / "content")
    window, _search = make_window(content)
    qtbot.addWidget(window)
    tracker = ChangeTracker.open(tmp_path / "versions.sqlite3")
    tracker.record_load(window.library)
    ui = install_changes(window, tracker, lambda: window.library)
    yield window, ui, content
    tracker.close()


def update(window: MainWindow, ui: ChangesUi, content: Path, *edits: tuple[str, str]) -> None:
    path = content / EDITED_FILE
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    library = load_library([content])
    ui.tracker.record_load(library)
    window.set_library(library)
    ui.library_changed()


def test_a_title_and_status_change_is_shown_not_called_no_change(
        rig: tuple[MainWindow, ChangesUi, Path]) -> None:
    window, ui, content = rig
    window.open_section(EDITED)  # read before the update
    update(window, ui, content,
           ("customer tells the member of staff they are being recorded", "customer says they are recording the call"),
           ("status: archive-pending\n", "status: archived\n"))
    window.open_section(EDITED)

    ui.act_show_changes.trigger()

    view = window.current_view()
    assert view.showing_changes
    bar = view.changes_bar.label.text()
    assert bar.startswith("Changed since the version you read on ")
    assert bar.endswith(": the title and the status changed; the text itself is the same.")
    assert "No change" not in bar
    text = view.browser.toPlainText()
    assert "Changed: The status changed from archive-pending to archived." in text
    assert ("customer [removed]tells the member of staff[added]says they are [removed]being recorded"
            "[added]recording the call") in text
