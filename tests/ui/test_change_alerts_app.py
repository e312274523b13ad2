"""End to end in the composed app (issue 17 point 2): a section the user read and bookmarked is
edited on disk; after the reload it carries the badge in the contents and bookmarks, and opens
with the banner. The reads are recorded through the app's ChangeTracker, as the window does when a
section is shown."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from manualviewer.app import Application

SECTION = "DMBM511015"


def test_an_edited_bookmarked_section_is_badged_after_the_reload(qtbot: QtBot, tmp_path: Path,
                                                                  bundled_content: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(bundled_content, content, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    app = Application([content])
    qtbot.addWidget(app.window)
    app.start()
    qtbot.waitUntil(lambda: app.index_runs >= 1, timeout=30000)
    try:
        alerts, tracker = app.change_alerts, app.changes
        assert alerts is not None and tracker is not None
        qtbot.waitUntil(lambda: alerts.computations >= 1, timeout=30000)  # after the first refresh
        section = app.library.get(SECTION)
        assert section is not None
        tracker.mark_read(section, app.library.body_of(section))
        app.window.open_section(SECTION)
        app.window.toggle_bookmark()
        app.window.open_section("CSDH0100")
        index = app.window.contents_model.index_of_section(SECTION)
        assert "changed" not in str(index.data(Qt.ItemDataRole.DisplayRole))

        done = alerts.computations
        path = next(content.rglob(f"{SECTION}.md"))
        path.write_text(path.read_text(encoding="utf-8") + "\nA new paragraph staff must know.\n", encoding="utf-8")
        qtbot.waitUntil(lambda: alerts.computations > done and alerts.alert_for(SECTION) is not None, timeout=30000)
        index = app.window.contents_model.index_of_section(SECTION)
        assert str(index.data(Qt.ItemDataRole.DisplayRole)).endswith("(changed)")
        assert str(app.window.bookmarks_model.index(0).data(Qt.ItemDataRole.DisplayRole)).endswith("(changed)")
        app.window.open_section(SECTION)
        banner = app.window.current_view().change_banner
        qtbot.waitUntil(banner.isVisible)
        assert banner.label.text().startswith("<b>Changed since you read it on ")
    finally:
        app.shutdown()
