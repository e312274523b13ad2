"""A must-read section that also changed since the officer read and confirmed it (issue 17
points 2 and 3 together), in the composed app at 1366x768: what changed and the request to
confirm again are said once, in one bar right above the text (not a change banner with its own
Dismiss button stacked over the confirm bar), seen whole without scrolling; its "see what
changed" opens the word diff and its button records the new confirmation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from manualviewer.app import Application
from manualviewer.core.settings import Settings
from manualviewer.services.must_read import ReadState
from manualviewer.storage.settings_file import save_user_settings
from tests.helpers.packs import copy_library_with_must_read
from tests.ui.helpers import shown_whole

SECTION = "DMBM511015"
LAPTOP = QRect(0, 0, 1366, 728)  # 1366x768 less a task bar
SHOTS = os.environ.get("MANUALVIEWER_SHOTS", "")


@pytest.mark.parametrize("confirmed_before", [True, False])
def test_a_changed_must_read_section_asks_once_to_see_what_changed_then_confirm(
        qtbot: QtBot, tmp_path: Path, confirmed_before: bool) -> None:
    content = tmp_path / "content"
    path = copy_library_with_must_read(content, SECTION)
    save_user_settings(Settings(officer_name="Sam Officer"))
    app = Application([content])
    qtbot.addWidget(app.window)
    app.start()
    app.window.setGeometry(LAPTOP)
    qtbot.waitUntil(lambda: app.index_runs >= 1, timeout=30000)
    try:
        alerts, must_read = app.change_alerts, app.must_read
        assert alerts is not None and must_read is not None
        qtbot.waitUntil(lambda: alerts.computations >= 1, timeout=30000)
        app.window.open_section(SECTION)  # read (and confirmed, or not yet)
        bar = must_read.bar_of(app.window.current_view())
        assert bar is not None
        if confirmed_before:
            qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
            assert bar.label.text().startswith("You confirmed this on ")
        app.window.open_section("CSDH0100")

        expected = ReadState.CHANGED if confirmed_before else ReadState.TO_READ
        done = alerts.computations
        path.write_text(path.read_text(encoding="utf-8").replace(
            "\n\n", "\n\nA new paragraph staff must know before their next call.\n\n", 1), encoding="utf-8")
        qtbot.waitUntil(lambda: alerts.computations > done and alerts.alert_for(SECTION) is not None, timeout=30000)
        qtbot.waitUntil(lambda: must_read.items[SECTION].state is expected, timeout=30000)
        app.window.open_section(SECTION)
        view = app.window.current_view()
        bar = must_read.bar_of(view)
        assert bar is not None
        qtbot.waitUntil(bar.isVisible)

        # One bar: the change and the confirmation together, whole on screen above the text.
        assert not view.change_banner.isVisible()
        text = bar.label.text()
        if confirmed_before:
            assert text.startswith("<b>This section changed since you confirmed it</b> on ")
            assert text.endswith(">see what changed</a>. Read it again; confirm by 31 Dec 2099.")
        else:
            assert text.startswith("<b>Must read</b> by 31 Dec 2099. Changed since you read it on ")
            assert text.endswith(">see what changed</a>, then confirm.")
        assert shown_whole(bar, app.window) and shown_whole(bar.button, app.window)
        assert bar.geometry().bottom() < view.browser.geometry().top()
        assert view.browser.viewport().height() > 400  # the text still has the room
        if SHOTS:
            app.window.grab().save(str(Path(SHOTS) / f"changed-must-read-{confirmed_before}-1366x768.png"))

        # "see what changed": the word diff, and the confirm bar stays to confirm after reading it.
        bar.label.linkActivated.emit("changes:diff")
        assert view.showing_changes and view.changes_bar.isVisible()
        assert "[added]A new paragraph staff must know" in view.browser.toPlainText()
        assert bar.isVisible() and bar.button.isVisible() and shown_whole(bar.button, app.window)
        assert ("changed since you confirmed it" if confirmed_before else "Read it, then confirm.") in bar.label.text()
        if SHOTS:
            app.window.grab().save(str(Path(SHOTS) / f"changed-must-read-diff-{confirmed_before}-1366x768.png"))

        qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
        assert bar.label.text().startswith("You confirmed this on ") and not bar.button.isVisible()
        assert not must_read.count_button.isVisible()
    finally:
        app.shutdown()
