"""Bookmarks and recent sections: list models over the user's database, and the sidebar panels."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.content.library import Library
from manualviewer.services.alerts import AlertSet
from manualviewer.storage.bookmarks import Bookmark, BookmarkImportError, BookmarkStore
from manualviewer.storage.history import HistoryEntry, HistoryStore
from manualviewer.ui.reading.change_badges import ALERT_ROLE, badge_icon, shown, spoken, with_tooltip

SECTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex


class BookmarksModel(QAbstractListModel):
    """Editable: renaming a bookmark is editing its row."""

    def __init__(self, store: BookmarkStore, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._library = library
        self._rows: list[Bookmark] = store.list()
        self._alerts = AlertSet()

    def set_alerts(self, alerts: AlertSet) -> None:
        self._alerts = alerts
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    def set_library(self, library: Library) -> None:
        self._library = library
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = self._store.list()
        self.endResetModel()

    def bookmark(self, row: int) -> Bookmark | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def _state(self, bookmark: Bookmark) -> str:
        """Why a bookmark may not open as it did: renamed (alias) or gone."""
        current = self._library.resolve(bookmark.section_id)
        if current is None:
            return "no longer in the library"
        if current != bookmark.section_id.upper():
            return f"now {current}"
        return ""

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        bookmark = self._rows[index.row()]
        state = self._state(bookmark)
        alert = self._alerts.get(self._library.resolve(bookmark.section_id) or "")
        if role == Qt.ItemDataRole.DisplayRole:
            text = f"{bookmark.section_id}  {bookmark.display_name}"
            return shown(f"{text}  ({state})" if state else text, alert)
        if role == Qt.ItemDataRole.EditRole:
            return bookmark.display_name
        if role == Qt.ItemDataRole.ToolTipRole:
            return with_tooltip(f"{bookmark.section_id}: {bookmark.title}" + (f"\n{state}" if state else ""), alert)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return spoken(f"Bookmark {bookmark.section_id}, {bookmark.display_name}", alert)
        if role == Qt.ItemDataRole.DecorationRole:
            return badge_icon() if alert is not None else None
        if role == ALERT_ROLE:
            return alert
        if role == SECTION_ID_ROLE:
            return bookmark.section_id
        return None

    def setData(self, index: AnyIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        bookmark = self._rows[index.row()]
        label = str(value).strip()
        self._rows[index.row()] = self._store.rename(bookmark.section_id, "" if label == bookmark.title else label)
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
                | Qt.ItemFlag.ItemNeverHasChildren)


class RecentModel(QAbstractListModel):
    def __init__(self, store: HistoryStore, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._library = library
        self._rows: list[HistoryEntry] = store.recent(30)
        self._alerts = AlertSet()

    def set_alerts(self, alerts: AlertSet) -> None:
        self._alerts = alerts
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    def set_library(self, library: Library) -> None:
        self._library = library
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = self._store.recent(30)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        alert = self._alerts.get(self._library.resolve(entry.section_id) or "")
        if role == Qt.ItemDataRole.DecorationRole:
            return badge_icon() if alert is not None else None
        if role == ALERT_ROLE:
            return alert
        section = self._library.get(entry.section_id)
        title = section.title if section else "no longer in the library"
        if role == Qt.ItemDataRole.DisplayRole:
            return shown(f"{entry.section_id}  {title}", alert)
        if role == Qt.ItemDataRole.ToolTipRole:
            return with_tooltip(f"Opened {entry.opened_at.astimezone():%d %b %Y %H:%M}", alert)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return spoken(f"Section {entry.section_id}, {title}", alert)
        if role == SECTION_ID_ROLE:
            return entry.section_id
        return None


class BookmarksPanel(QWidget):
    section_chosen = Signal(str)

    def __init__(self, model: BookmarksModel, store: BookmarkStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._store = store
        self.view = QListView(self)
        self.view.setModel(model)
        self.view.setAccessibleName("Bookmarks")
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.empty = QLabel("No bookmarks yet. Press Ctrl+D on a section to bookmark it.", self)
        self.empty.setWordWrap(True)
        self.rename_button = QPushButton("&Rename", self)
        self.delete_button = QPushButton("&Delete", self)
        self.export_button = QPushButton("E&xport...", self)
        self.import_button = QPushButton("&Import...", self)
        for button, name in ((self.rename_button, "Rename bookmark (F2)"),
                             (self.delete_button, "Delete bookmark (Delete)"),
                             (self.export_button, "Export bookmarks to a JSON file"),
                             (self.import_button, "Import bookmarks from a JSON file")):
            button.setToolTip(name)
            button.setAccessibleName(name)
        buttons = QHBoxLayout()
        for b in (self.rename_button, self.delete_button, self.export_button, self.import_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

        self.view.activated.connect(self._open)
        self.rename_button.clicked.connect(self.rename_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.export_button.clicked.connect(lambda: self.export_to())
        self.import_button.clicked.connect(lambda: self.import_from())
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view, self.delete_current)
        model.modelReset.connect(self._update_empty)
        self._update_empty()

    def _update_empty(self) -> None:
        self.empty.setVisible(self.model.rowCount() == 0)

    def _open(self, index: QModelIndex) -> None:
        section_id = index.data(SECTION_ID_ROLE)
        if section_id:
            self.section_chosen.emit(section_id)

    def rename_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.view.edit(index)

    def delete_current(self) -> None:
        bookmark = self.model.bookmark(self.view.currentIndex().row())
        if bookmark is not None:
            self._store.delete(bookmark.section_id)
            self.model.refresh()

    def export_to(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export bookmarks", "bookmarks.json", "JSON (*.json)")
            if not path:
                return
        Path(path).write_text(self._store.export_json(), encoding="utf-8")

    def import_from(self, path: str | None = None) -> int:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import bookmarks", "", "JSON (*.json)")
            if not path:
                return 0
        try:
            added = self._store.import_json(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, BookmarkImportError) as exc:
            QMessageBox.warning(self, "Import bookmarks", f"Could not import {path}:\n{exc}")
            return 0
        self.model.refresh()
        return added


class RecentPanel(QWidget):
    section_chosen = Signal(str)

    def __init__(self, model: RecentModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.view = QListView(self)
        self.view.setModel(model)
        self.view.setAccessibleName("Recently opened sections")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view)
        self.view.activated.connect(lambda i: self.section_chosen.emit(i.data(SECTION_ID_ROLE)))
