"""QActions the same way everywhere: the shortcut in the tooltip, the status tip, added to the
widget that owns it (so its shortcut works while that window has focus), and menus filled from a
list where None is a separator."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

Shortcut = QKeySequence | QKeySequence.StandardKey | str | list[QKeySequence] | None


def make_action(owner: QWidget, text: str, shortcut: Shortcut, slot: Callable[[], object], tip: str = "") -> QAction:
    """An action owned by (and added to) `owner`; triggering it calls `slot()`."""
    action = QAction(text, owner)
    if isinstance(shortcut, list):
        action.setShortcuts(shortcut)
    elif shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    plain = tip or text.replace("&", "")
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)  # as the desktop writes it (⌘ on macOS)
    action.setToolTip(f"{plain} ({keys})" if keys else plain)
    action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    owner.addAction(action)
    return action


def add_menu(bar: QMenuBar, title: str, actions: Iterable[QAction | None]) -> QMenu:
    """A menu at the end of `bar` holding `actions` in order, None being a separator."""
    menu = bar.addMenu(title)
    for action in actions:
        if action is None:
            menu.addSeparator()
        else:
            menu.addAction(action)
    return menu
