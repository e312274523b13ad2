"""The section view's changes mode draws the section as the reader does (issue 17 point 1): a
table is a table with the changed cell marked inside it, a cross-link is a link that opens its
section, and emphasis is emphasis; looked at in light and dark palettes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QPalette, QTextCursor, QTextTable
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from manualviewer.ui.changes.pages import DARK
from tests.helpers.changes_rig import EDITED, Rig
from tests.helpers.palettes import contrast, dark_palette

SHOTS = os.environ.get("MANUALVIEWER_SHOTS", "")
ANCHOR = "A customer might express"
TABLE = ("| Who | When to tell them |\n|-----|------|\n| Officer | Before the call |\n| Manager | After the call |\n\n"
         "Read [recording a call](DMBM511130) and the **whole** section first.\n\n")


def tables(document: object) -> Iterator[QTextTable]:
    for frame in document.rootFrame().childFrames():  # type: ignore[attr-defined]
        if isinstance(frame, QTextTable):
            yield frame


def cell_text(table: QTextTable, row: int, column: int) -> str:
    cell = table.cellAt(row, column)
    cursor = cell.firstCursorPosition()
    cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def changed_version(rig: Rig) -> None:
    """The officer read the section with the table, then it changed: a cell, a word in bold."""
    rig.update(ANCHOR, TABLE + ANCHOR)
    rig.window.open_section(EDITED)  # read this version
    rig.window.open_section("DMBM511130")
    rig.update("| Before the call |", "| During the call |")
    rig.update("the **whole** section", "the **whole** section **twice**")
    rig.window.open_section(EDITED)


def test_the_diff_shows_a_table_with_the_changed_cell_marked_inside_it(qtbot: QtBot, rig: Rig) -> None:
    changed_version(rig)
    view = rig.window.current_view()
    assert view.show_changes(True)
    document = view.browser.document()
    found = [t for t in tables(document) if cell_text(t, 0, 0) == "Who"]  # (the checklist links are boxes too)
    assert len(found) == 1
    table = found[0]
    assert (table.rows(), table.columns()) == (3, 2)
    assert cell_text(table, 0, 1) == "When to tell them"
    assert cell_text(table, 1, 1) == "[removed]Before[added]During the call"
    assert cell_text(table, 2, 0) == "Manager"
    cell = table.cellAt(1, 1)
    formats = {}
    block = cell.firstCursorPosition().block()
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        formats[fragment.text()] = fragment.charFormat()
        it += 1
    assert formats["Before"].fontStrikeOut() and formats["During"].fontUnderline()
    text = view.browser.toPlainText()
    assert "|" not in text and "**" not in text and "](DMBM511130)" not in text
    assert "[added]twice" in text
    if SHOTS:
        rig.window.resize(1366, 728)
        rig.window.show()
        qtbot.waitExposed(rig.window)
        rig.window.grab().save(str(Path(SHOTS) / "diff-markdown-light.png"))


def test_in_a_dark_palette_links_and_marks_stay_readable(qtbot: QtBot, rig: Rig) -> None:
    changed_version(rig)
    original = QPalette(QApplication.palette())
    try:
        set_palette(dark_palette())  # as the app does for a dark desktop: the application's palette
        view = rig.window.current_view()
        assert view.show_changes(True)
        base = dark_palette().color(QPalette.ColorRole.Base)
        link = view.browser.document().find("recording a call").charFormat()
        assert link.isAnchor() and contrast(link.foreground().color(), base) >= 4.5
        during = view.browser.document().find("During").charFormat()
        assert during.fontUnderline() and during.background().color().name() == DARK.inserted
        if SHOTS:
            rig.window.resize(1366, 728)
            rig.window.show()
            qtbot.waitExposed(rig.window)
            rig.window.grab().save(str(Path(SHOTS) / "diff-markdown-dark.png"))
    finally:
        set_palette(original)


def set_palette(palette: QPalette) -> None:
    QApplication.setPalette(palette)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.ApplicationPaletteChange)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.PaletteChange)


def test_a_cross_link_in_the_diff_opens_its_section(qtbot: QtBot, rig: Rig) -> None:
    changed_version(rig)
    rig.window.resize(1366, 728)
    rig.window.show()
    qtbot.waitExposed(rig.window)
    view = rig.window.current_view()
    assert view.show_changes(True)
    browser = view.browser
    found = browser.document().find("recording a call")
    assert not found.isNull() and found.charFormat().isAnchor()
    assert found.charFormat().anchorHref() == "section:DMBM511130"
    browser.setTextCursor(found)
    browser.ensureCursorVisible()
    where = browser.cursorRect(found).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: rig.window.current_view().current_id == "DMBM511130")
    assert not rig.window.current_view().showing_changes
