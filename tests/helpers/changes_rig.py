"""A window with "what changed" installed over a real copy of the bundled library and a real
versions database; `Rig.update` is a content update (file edited, library loaded again and
recorded, the window told). The `rig` fixture is in tests/ui/changes/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pytestqt.qtbot import QtBot

from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import load_library
from manualviewer.services.changes import ChangeTracker
from manualviewer.ui.changes.install import ChangesUi, install_changes
from manualviewer.ui.reading.main_window import MainWindow
from tests.helpers.packs import copy_library
from tests.ui.helpers import make_window

EDITED = "DMBM511015"
EDITED_FILE = Path("dmbm") / "DMBM511015.md"


@dataclass
class Rig:
    window: MainWindow
    ui: ChangesUi
    tracker: ChangeTracker
    content: Path
    library: Library

    def update(self, old: str, new: str, notes: str = "") -> None:
        """A content update: the file edited, the library loaded again and recorded, the window told."""
        path = self.content / EDITED_FILE
        text = path.read_text(encoding="utf-8").replace(old, new, 1)
        if notes:
            text = text.replace("status: archive-pending\n", f"status: archive-pending\n{notes}", 1)
        path.write_text(text, encoding="utf-8")
        self.library = load_library([self.content])
        self.tracker.record_load(self.library)
        self.window.set_library(self.library)
        self.ui.library_changed()


def make_rig(qtbot: QtBot, tmp_path: Path) -> Iterator[Rig]:
    content = copy_library(tmp_path / "content")
    window, _search = make_window(content)
    qtbot.addWidget(window)
    tracker = ChangeTracker.open(tmp_path / "versions.sqlite3")
    library = window.library
    tracker.record_load(library)
    holder: list[Rig] = []
    ui = install_changes(window, tracker, lambda: holder[0].library)
    holder.append(Rig(window, ui, tracker, content, library))
    yield holder[0]
    tracker.close()
