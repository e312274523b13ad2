"""End to end in the composed app: a must-read section in a copied content folder is counted,
confirmed from its bar, and after an edit of the section on disk it is to read again; the
confirmations stay in the user's database, one per version, for `attestations export`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from manualviewer.app import Application
from manualviewer.cli import main
from manualviewer.core.settings import Settings
from manualviewer.storage.settings_file import save_user_settings
from tests.helpers.packs import copy_library_with_must_read

SECTION = "DMBM511015"


def test_must_read_outstanding_confirmed_then_asked_again_after_an_edit(
        qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    path = copy_library_with_must_read(content, SECTION)
    save_user_settings(Settings(officer_name="Sam Officer"))

    app = Application([content])
    qtbot.addWidget(app.window)
    app.start(SECTION)
    qtbot.waitUntil(lambda: app.index_runs >= 1, timeout=30000)
    try:
        ui = app.must_read
        assert ui.count_button.text() == "1 to read"
        bar = ui.bar_of(app.window.current_view())
        assert bar is not None and bar.isVisible() and "31 Dec 2099" in bar.label.text()
        qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
        assert bar.label.text().startswith("You confirmed this on ")
        assert not ui.count_button.isVisible()

        # The guidance is edited on disk: the app sees it, reloads, and asks for a new confirmation.
        runs = app.index_runs
        path.write_text(path.read_text(encoding="utf-8") + "\nA new paragraph staff must know.\n", encoding="utf-8")
        qtbot.waitUntil(lambda: "changed since you confirmed it" in bar.label.text(), timeout=30000)
        qtbot.waitUntil(lambda: app.index_runs > runs, timeout=30000)
        assert ui.count_button.isVisible() and ui.count_button.text() == "1 to read"
        assert "changed since you confirmed it" in bar.label.text() and bar.button.isVisible()
        qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
        assert not ui.count_button.isVisible()
    finally:
        app.shutdown()

    assert main(["attestations", "export", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [(r["section_id"], r["officer"]) for r in records] == [(SECTION, "Sam Officer")] * 2
    assert records[0]["content_hash"] != records[1]["content_hash"]
