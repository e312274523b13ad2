"""One text size for the whole window (issue 14 point 6): a zoom step scales the application font,
so the reading pane, the checklist, the results list, the notes and escalations tables and the
contents tree all grow together; Ctrl and "+" (however the keyboard types it), Ctrl+- and Ctrl+0;
the size comes back after a restart; and the desktop's own font size is the starting point."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from manualviewer.app import Application
from manualviewer.storage.stores import Stores, open_stores
from manualviewer.ui.text_size import STEP, apply_zoom
from tests.helpers.checklist_rig import Rig, close_windows, make_rig

PROCEDURE = "dmbm-customer-recording-call"


@pytest.fixture
def stores(qtbot: QtBot, tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "user.db")
    yield opened
    close_windows()
    opened.close()


@pytest.fixture
def rig(qtbot: QtBot, bundled_content: Path, stores: Stores) -> Rig:
    rig = make_rig(qtbot, bundled_content, stores)
    rig.window.open_section("DMBM511015")
    rig.controller.start_procedure(PROCEDURE)
    return rig


def sizes(rig: Rig) -> dict[str, float]:
    """The point size of the text each part of the window shows."""
    window, panel = rig.window, rig.panel
    installed = rig.controller.installed  # type: ignore[attr-defined]
    step_view = panel.step_view
    assert isinstance(step_view, QWidget)
    parts: dict[str, QWidget] = {
        "reading pane": window.current_view().browser,
        "checklist step": step_view,
        "checklist title": panel.procedure_title,
        "results list": window.search_panel.results,
        "notes table": installed.notes.view,
        "escalations table": installed.escalations.view,
        "contents tree": window.contents,
        "status bar": window.status_label,
    }
    return {name: widget.font().pointSizeF() for name, widget in parts.items()}


def test_a_zoom_step_scales_every_part_of_the_window(rig: Rig) -> None:
    before = sizes(rig)
    text = QGuiApplication.font().pointSizeF()
    assert before["checklist title"] == pytest.approx(text * 1.1, rel=0.02)  # a heading, a little larger
    rig.window.act_zoom_in.trigger()
    rig.window.act_zoom_in.trigger()
    after = sizes(rig)
    for part, size in before.items():
        assert after[part] == pytest.approx(size * STEP**2, rel=0.02), part
    assert rig.window.status_label.text() == "Text size: +2"
    rig.window.act_zoom_reset.trigger()
    assert sizes(rig) == pytest.approx(before, rel=0.01)
    rig.window.act_zoom_out.trigger()
    assert all(size < before[part] for part, size in sizes(rig).items())


def test_what_opens_after_a_zoom_has_the_zoomed_size(qtbot: QtBot, rig: Rig) -> None:
    rig.window.set_zoom(3)
    dialog = rig.window.show_shortcuts()
    qtbot.addWidget(dialog)
    assert dialog.view.font().pointSizeF() == pytest.approx(QGuiApplication.font().pointSizeF())
    tab = rig.window.new_tab("DMBM511340")
    assert tab.browser.font().pointSizeF() == pytest.approx(sizes(rig)["contents tree"])


KEYS = [
    (Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier, 1),  # Ctrl and "+"
    (Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier, 1),
    (Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier, 1),
    (Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier, 1),
    (Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier, 1),
    (Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier, -1),
    (Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier, -1),
]


@pytest.mark.parametrize("key, modifiers, change", KEYS,
                         ids=["Ctrl+Shift+plus", "Ctrl+Shift+=", "Ctrl+plus", "Ctrl+=", "Ctrl+keypad plus",
                              "Ctrl+-", "Ctrl+keypad minus"])
def test_zoom_keys_as_the_keyboard_types_them(qtbot: QtBot, rig: Rig, key: Qt.Key,
                                              modifiers: Qt.KeyboardModifier, change: int) -> None:
    window = rig.window
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    window.current_view().browser.setFocus()
    text = QGuiApplication.font().pointSizeF()
    qtbot.keyClick(window.current_view().browser, key, modifiers)
    assert window.zoom == change
    assert QGuiApplication.font().pointSizeF() == pytest.approx(text * STEP**change)
    qtbot.keyClick(window.current_view().browser, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.zoom == 0 and QGuiApplication.font().pointSizeF() == pytest.approx(text)


def test_the_desktops_font_size_is_the_starting_point(qtbot: QtBot, rig: Rig) -> None:
    desktop = QFont(QGuiApplication.font())
    larger = QFont(desktop)
    larger.setPointSizeF(14.0)
    try:
        QApplication.setFont(larger)  # as the desktop's font settings would
        qtbot.waitUntil(lambda: sizes(rig)["reading pane"] == pytest.approx(14.0))
        assert sizes(rig)["checklist step"] == pytest.approx(14.0)
        rig.window.set_zoom(1)
        assert sizes(rig)["notes table"] == pytest.approx(14.0 * STEP)
        rig.window.set_zoom(0)
        assert QGuiApplication.font().pointSizeF() == pytest.approx(14.0)
    finally:
        QApplication.setFont(desktop)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.ApplicationFontChange)


def test_the_text_size_comes_back_after_a_restart(qtbot: QtBot, tmp_path: Path, bundled_content: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(bundled_content / "dwp-recordings", content / "dwp-recordings")
    text = QGuiApplication.font().pointSizeF()
    app = Application([content])
    qtbot.addWidget(app.window)
    app.start()
    app.window.set_zoom(3)
    qtbot.waitUntil(lambda: app.index_runs >= 1, timeout=30000)
    app.shutdown()
    apply_zoom(0)  # a new process starts at the desktop's size
    assert QGuiApplication.font().pointSizeF() == pytest.approx(text)

    again = Application([content])
    qtbot.addWidget(again.window)
    again.start()
    try:
        assert again.window.zoom == 3
        assert QGuiApplication.font().pointSizeF() == pytest.approx(text * STEP**3)
        assert again.window.current_view().browser.font().pointSizeF() == pytest.approx(text * STEP**3)
    finally:
        qtbot.waitUntil(lambda: again.index_runs >= 1, timeout=30000)
        again.shutdown()
