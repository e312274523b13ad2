"""The running app watches each manual's glossary.yaml: an edit made in place (no folder
change) reaches search without a restart."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from manualviewer.app import Application


def search_ids(qtbot: QtBot, app: Application, query: str) -> list[str]:
    panel = app.window.search_panel
    panel.box.setText(query)
    panel.run_search()
    qtbot.wait(50)
    hits = (panel.model.hit(row) for row in range(panel.model.rowCount()))
    return [hit.id for hit in hits if hit is not None]


def test_a_glossary_edited_in_place_is_watched_and_used(qtbot: QtBot, tmp_path: Path, bundled_content: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(bundled_content, content, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    glossary = content / "council-data-handling" / "glossary.yaml"
    app = Application([content])
    qtbot.addWidget(app.window)
    app.start(None)
    try:
        qtbot.waitUntil(lambda: app.index_runs >= 1, timeout=30000)
        assert str(glossary) in app.watcher.files()
        assert search_ids(qtbot, app, "grumbles") == []

        runs = app.index_runs
        with glossary.open("a", encoding="utf-8") as handle:  # in place: the folder does not change
            handle.write("  - term: views\n    synonyms: [grumbles]\n")
        qtbot.waitUntil(lambda: app.index_runs > runs, timeout=30000)
        assert "CSDH0300" in search_ids(qtbot, app, "grumbles")
    finally:
        app.shutdown()
