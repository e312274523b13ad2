"""A strong focus indicator (a 3-px two-tone ring around whatever has the keyboard focus, readable
on light and dark palettes) and Help > Keyboard shortcuts (F1), built from the window's own
actions (issue 14 point 6)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from manualviewer.storage.stores import Stores, open_stores
from manualviewer.ui.focus_ring import WIDTH, FocusRing, current_ring, ring_colours
from manualviewer.ui.shortcuts import ShortcutsDialog, shortcuts_of
from tests.helpers.checklist_rig import Rig, close_windows, make_rig
from tests.helpers.palettes import contrast, dark_palette

SHOTS = os.environ.get("MANUALVIEWER_SHOTS", "")


@pytest.fixture
def stores(qtbot: QtBot, tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "user.db")
    yield opened
    close_windows()
    opened.close()


@pytest.fixture
def rig(qtbot: QtBot, bundled_content: Path, stores: Stores) -> Rig:
    rig = make_rig(qtbot, bundled_content, stores)
    rig.window.activateWindow()
    assert QTest.qWaitForWindowActive(rig.window)
    return rig


def ring_on(qtbot: QtBot, widget: QWidget) -> FocusRing:
    widget.setFocus()
    qtbot.waitUntil(lambda: (r := current_ring()) is not None and r.widget() is widget and r.isVisible())
    ring = current_ring()
    assert ring is not None
    return ring


# --- the focus ring ---------------------------------------------------------------------------------
def test_the_ring_follows_the_focus_and_surrounds_the_widget(qtbot: QtBot, rig: Rig) -> None:
    window = rig.window
    for widget in (window.search_panel.box, window.current_view().browser, window.contents):
        if widget is window.contents:
            window.focus_contents()
        ring = ring_on(qtbot, widget)
        # The ring's frame lies WIDTH px outside the widget on every side (in window coordinates).
        top_left = widget.mapTo(window, QPoint(0, 0))
        ring_top_left = ring.mapTo(window, QPoint(0, 0))
        assert (top_left.x() - ring_top_left.x(), top_left.y() - ring_top_left.y()) == (WIDTH, WIDTH)
        assert (ring.width(), ring.height()) == (widget.width() + 2 * WIDTH, widget.height() + 2 * WIDTH)
        assert ring.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)


def test_the_ring_is_drawn_in_the_window_text_colour(qtbot: QtBot, rig: Rig) -> None:
    box = rig.window.search_panel.box
    ring = ring_on(qtbot, box)
    image = rig.window.grab().toImage()
    outer, inner = ring_colours(box.palette())
    at = ring.mapTo(rig.window, QPoint(ring.width() // 2, 0))  # the middle of its top edge
    assert QColor(image.pixel(at)) == outer
    assert QColor(image.pixel(at.x(), at.y() + WIDTH - 1)) == inner
    if SHOTS:
        rig.window.grab().save(str(Path(SHOTS) / "focus-light.png"))


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_the_ring_stands_out_on_light_and_dark_palettes(palette: str) -> None:
    colours = QApplication.palette() if palette == "light" else dark_palette()
    outer, _inner = ring_colours(colours)
    for background in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        assert contrast(outer, colours.color(background)) >= 4.5, background  # WCAG non-text needs 3


def test_the_ring_moves_into_a_dialog_and_back(qtbot: QtBot, rig: Rig) -> None:
    dialog = rig.window.show_shortcuts()
    qtbot.waitUntil(dialog.isVisible)
    ring = ring_on(qtbot, dialog.filter)
    assert ring.window() is dialog
    dialog.close()
    box = rig.window.search_panel.box
    box.activateWindow()
    ring = ring_on(qtbot, box)
    assert ring.window() is rig.window


# --- F1: the keyboard shortcuts ------------------------------------------------------------------
def test_f1_lists_every_action_with_a_shortcut_from_the_actions_themselves(qtbot: QtBot, rig: Rig) -> None:
    window = rig.window
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_F1)
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ShortcutsDialog) and w.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    listed = {(s.action, s.keys) for s in dialog.shortcuts}
    # Every action of the window that has a shortcut, whoever added it, and nothing without one.
    actions = [a for a in window.findChildren(QAction) if a.shortcuts() and a.text()]
    assert len(listed) == len({id(a) for a in actions})
    for action in actions:
        text = action.text().replace("&", "").removesuffix("...")
        keys = tuple(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
        assert any(a == text and k[:1] == keys[:1] for a, k in listed), text
    groups = {s.group for s in dialog.shortcuts}
    assert {"File", "View", "Help", "Checklists"} <= groups
    rows = dict(dialog.shown_rows())
    assert rows["Zoom in"].startswith("Ctrl++ or Ctrl+=")
    assert rows["Keyboard shortcuts"] == "F1"
    assert rows["Search"] == "Ctrl+K or Ctrl+L"
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "shortcuts.png"))


def test_a_new_action_shows_without_touching_the_dialog(qtbot: QtBot, rig: Rig) -> None:
    action = QAction("Read the section aloud", rig.window)
    action.setShortcut(QKeySequence("Ctrl+Alt+R"))
    rig.window.view_menu.addAction(action)
    assert ("View", "Read the section aloud", ("Ctrl+Alt+R",)) in {
        (s.group, s.action, s.keys) for s in shortcuts_of(rig.window)}


def test_typing_filters_the_list(qtbot: QtBot, rig: Rig) -> None:
    dialog = rig.window.show_shortcuts()
    assert isinstance(dialog, QDialog)
    qtbot.keyClicks(dialog.filter, "zoom")
    assert [a for a, _k in dialog.shown_rows()] == ["Zoom in", "Zoom out"]
    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "ctrl+k")
    assert "Search" in [a for a, _k in dialog.shown_rows()]
    assert "Zoom in" not in [a for a, _k in dialog.shown_rows()]
    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "help")  # a menu's name shows all of it
    assert "Keyboard shortcuts" in {a for a, _k in dialog.shown_rows()}
