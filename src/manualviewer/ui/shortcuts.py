"""Help > Keyboard shortcuts (F1): every action that has a shortcut, read from the window's own
menus and actions when the dialog opens, so it is never out of date (the checklist and training
menus, added by their own modules, are in it too). Grouped by menu, filterable by typing."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

OTHER = "Other"  # actions on the window that are in no menu


@dataclass(frozen=True)
class Shortcut:
    group: str  # the menu it is in ("View", "Checklists > Answer")
    action: str  # the action's words, without the & of its Alt letter
    keys: tuple[str, ...]  # as the desktop writes them ("Ctrl++", "F1")


def plain(text: str) -> str:
    """A menu text as read: "&Zoom in" -> "Zoom in", "Save && close" -> "Save & close", no "...". """
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix("...").strip()


def keys_of(action: QAction) -> tuple[str, ...]:
    shown: list[str] = []
    for sequence in action.shortcuts():
        text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        if text and text not in shown:
            shown.append(text)
    return tuple(shown)


def shortcuts_of(window: QMainWindow) -> list[Shortcut]:
    """Every action with a shortcut: those in the menu bar's menus (and their submenus), then the
    window's own actions that are in no menu. An action in two menus is listed once, where first seen."""
    found: list[Shortcut] = []
    seen: set[int] = set()

    def visit(menu: QMenu, group: str) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                visit(sub, f"{group} > {plain(action.text())}")
            elif not action.isSeparator() and id(action) not in seen:
                seen.add(id(action))
                keys = keys_of(action)
                if keys:
                    found.append(Shortcut(group, plain(action.text()), keys))

    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            visit(menu, plain(top.text()))
    for action in window.findChildren(QAction):
        keys = keys_of(action)
        if keys and id(action) not in seen and action.text():
            seen.add(id(action))
            found.append(Shortcut(OTHER, plain(action.text()), keys))
    return found


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        self.shortcuts = shortcuts_of(window)
        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels(["Action", "Shortcut"])
        groups: dict[str, QStandardItem] = {}
        for shortcut in self.shortcuts:
            group = groups.get(shortcut.group)
            if group is None:
                group = QStandardItem(shortcut.group)
                group.setEditable(False)
                font = group.font()
                font.setBold(True)
                group.setFont(font)
                self.model.appendRow([group, _item("")])
                groups[shortcut.group] = group
            group.appendRow([_item(shortcut.action), _item(" or ".join(shortcut.keys))])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)  # a matching action keeps its menu's row
        self.proxy.setAutoAcceptChildRows(True)  # a matching menu shows all its actions
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)  # the action's words or its keys
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Type to find a shortcut (e.g. zoom, Ctrl+K)")
        self.filter.setAccessibleName("Find a shortcut")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.view = QTreeView(self)
        self.view.setModel(self.proxy)
        self.view.setAccessibleName("Shortcuts")
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.expandAll()
        for column in (0, 1):  # every key written out: no "Ctrl+Shift+= o..."
            self.view.resizeColumnToContents(column)
            self.view.setColumnWidth(column, self.view.columnWidth(column) + 24)
        wide = self.view.columnWidth(0) + self.view.columnWidth(1) + 48
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.filter.setFocus()
        self.resize(max(560, wide), 600)  # the window's geometry keeps it inside the screen when shown

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self.view.expandAll()

    def shown_rows(self) -> list[tuple[str, str]]:
        """(action, shortcut) as the list shows them now, for the user's eye and for tests."""
        rows: list[tuple[str, str]] = []
        for g in range(self.proxy.rowCount()):
            group = self.proxy.index(g, 0)
            for r in range(self.proxy.rowCount(group)):
                rows.append((self.proxy.index(r, 0, group).data(), self.proxy.index(r, 1, group).data()))
        return rows


def _item(text: str) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    return item
