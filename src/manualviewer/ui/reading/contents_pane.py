"""The Contents tab: a filter box over the contents tree. Typing an ID or title words keeps the
matching sections and the parents above them, opened out; Esc clears the filter. Titles that do
not fit are cut in the middle, not at the end, so siblings that start alike ("Accommodation and
subsistence: ... meals") still read apart, and the tooltip gives the whole title."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QTreeView, QVBoxLayout, QWidget

from manualviewer.core.content.library import Library
from manualviewer.ui.reading.contents_model import ContentsModel

AnyIndex = QModelIndex | QPersistentModelIndex
MAX_OPENED = 200  # matches whose parents are opened out; more than this is a search, not a filter


def matching_sections(library: Library, text: str) -> list[str]:
    """Sections whose ID contains `text`, or whose title has every word of it (any case)."""
    words = text.lower().split()
    if not words:
        return []
    needle = text.strip().upper()
    found = []
    for key in library.sections:
        if needle in key:
            found.append(key)
            continue
        title = library.sections[key].title.lower()
        if all(word in title for word in words):
            found.append(key)
    return found


class ContentsFilter(QSortFilterProxyModel):
    """Keeps the rows named in `keep` (matches, their ancestors, their manuals); all rows when
    no filter is set. Not recursive filtering: the tree is lazy, and the ancestors of each match
    are known from the library, so the rest of the tree is never listed."""

    def __init__(self, source: ContentsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.keep: set[str] | None = None

    def set_keep(self, keep: set[str] | None) -> None:
        self.beginFilterChange()
        self.keep = keep
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self.keep is None:
            return True
        source = self.sourceModel()
        assert isinstance(source, ContentsModel)
        return source.key_of(source.index(source_row, 0, source_parent)) in self.keep


class ContentsPane(QWidget):
    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.model = ContentsModel(library, self)
        self.proxy = ContentsFilter(self.model, self)
        self.filter_box = QLineEdit(self)
        self.filter_box.setPlaceholderText("Filter by ID or title words")
        self.filter_box.setAccessibleName("Filter the contents")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.apply_filter)
        self.filter_box.installEventFilter(self)  # Esc clears it
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Sections matching the filter")
        self.count_label.hide()
        self.tree = QTreeView(self)
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tree.setAccessibleName("Contents")
        self.model.badges_changed.connect(self.tree.viewport().update)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.count_label)
        layout.addWidget(self.tree, 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.filter_box and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape and self.filter_box.text()):
            self.filter_box.clear()
            return True
        return False

    def set_library(self, library: Library) -> None:
        self.library = library
        self.model.set_library(library)
        self.apply_filter(self.filter_box.text())

    def apply_filter(self, text: str) -> None:
        matches = matching_sections(self.library, text)
        if not text.strip():
            self.proxy.set_keep(None)
            self.count_label.hide()
            return
        keep: set[str] = set()
        for key in matches:
            keep.add(key)
            keep.add(self.library.sections[key].manual)
            keep.update(self.library.breadcrumbs(key))
        self.proxy.set_keep(keep)
        count = len(matches)
        self.count_label.setText("No section matches." if not count else
                                 f"{count} section{'s' if count != 1 else ''} match.")
        self.count_label.show()
        for key in matches[:MAX_OPENED]:
            index = self.index_of_section(key)
            parent = index.parent()
            while parent.isValid():
                self.tree.expand(parent)
                parent = parent.parent()

    def index_of_section(self, section_id: str) -> QModelIndex:
        """The tree's index of a section (invalid when the filter hides it)."""
        return self.proxy.mapFromSource(self.model.index_of_section(section_id))
