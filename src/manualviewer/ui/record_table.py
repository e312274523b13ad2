"""Read-only table models over a list of rows (RowTableModel: the rows, the header, the flags),
and over stored records that have an `id` (notes, escalations: found again after a refresh).
Subclasses give COLUMNS and data()."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

AnyIndex = QModelIndex | QPersistentModelIndex


def item_flags(index: AnyIndex) -> Qt.ItemFlag:
    """A read-only row to select and open: enabled, selectable, no children."""
    if not index.isValid():
        return Qt.ItemFlag.NoItemFlags
    return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


def bold_font() -> QFont:
    """For FontRole: the row or cell that stands out (never the only sign: the text says it too)."""
    font = QFont()
    font.setBold(True)
    return font


class RowTableModel(QAbstractTableModel):
    """A read-only table over the list `_rows`: COLUMNS name the columns, NUMBERED puts row
    numbers in the vertical header. Subclasses fill `_rows` and give data()."""

    COLUMNS: tuple[str, ...] = ()
    NUMBERED = False

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole or section < 0:
            return None
        if orientation == Qt.Orientation.Horizontal and section < len(self.COLUMNS):
            return self.COLUMNS[section]
        if orientation == Qt.Orientation.Vertical and self.NUMBERED and section < len(self._rows):
            return str(section + 1)
        return None

    def in_table(self, index: AnyIndex) -> bool:
        return index.isValid() and 0 <= index.row() < len(self._rows) and 0 <= index.column() < len(self.COLUMNS)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return item_flags(index)


class RecordTableModel(RowTableModel):
    """Rows that are stored records with an `id`: found again by it after a refresh."""

    def record(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == record_id), -1)


def record_table_view(model: RecordTableModel, name: str, parent: QWidget) -> QTableView:
    """A read-only table of records, one selected row at a time."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    # Fixed, resizable columns: sized to their contents they would widen the dock and squeeze
    # the guidance beside it.
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setMinimumWidth(200)
    view.setAccessibleName(name)
    return view
