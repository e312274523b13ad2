"""The "What changed" list: one group a manual (its title and counts), under it the sections
changed, added and removed, each named with the change in words (not by colour or icon alone)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from manualviewer.core.changes.versions import Change, SectionChange
from manualviewer.services.changes import ChangeReport

SECTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
CHANGE_ROLE = Qt.ItemDataRole.UserRole + 2  # "added" | "changed" | "removed"; "" on a manual's row
MANUAL_CODE_ROLE = Qt.ItemDataRole.UserRole + 3

AnyIndex = QModelIndex | QPersistentModelIndex
ORDER = (Change.CHANGED, Change.ADDED, Change.REMOVED)
WORDS = {Change.CHANGED: "Changed", Change.ADDED: "Added", Change.REMOVED: "Removed"}

Group = tuple[str, str, list[SectionChange]]  # (manual code, title, its changes in order)


def groups_of(report: ChangeReport) -> list[Group]:
    """The report grouped per manual and sorted, as the list shows it. Plain Python with no Qt:
    made on the worker thread that works the report out (thousands of changes to sort)."""
    groups = []
    for code, changes in report.by_manual().items():
        ordered = sorted(changes, key=lambda c: (ORDER.index(c.change), c.id))
        groups.append((code, report.manual_titles.get(code, code), ordered))
    return sorted(groups, key=lambda g: g[1].lower())


class ChangesModel(QAbstractItemModel):
    def __init__(self, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._groups: list[Group] = []

    def set_report(self, report: ChangeReport) -> None:
        self.set_groups(groups_of(report))

    def set_groups(self, groups: list[Group]) -> None:
        self.beginResetModel()
        self._groups = groups
        self.endResetModel()

    def group_text(self, row: int) -> str:
        code, title, changes = self._groups[row]
        counts = ", ".join(f"{n} {kind.value}" for kind in ORDER if (n := sum(c.change is kind for c in changes)))
        return f"{title} ({code}): {counts}" if title != code else f"{code}: {counts}"

    # --- QAbstractItemModel ----------------------------------------------------------
    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0) if row < len(self._groups) else QModelIndex()
        if parent.internalId() != 0:
            return QModelIndex()
        group = parent.row()
        if row >= len(self._groups[group][2]):
            return QModelIndex()
        return self.createIndex(row, 0, group + 1)  # a section row knows its group by its id

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0:
            return len(self._groups[parent.row()][2])
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            code = self._groups[index.row()][0]
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return self.group_text(index.row())
            if role == MANUAL_CODE_ROLE:
                return code
            if role == CHANGE_ROLE:
                return ""
            return None
        change = self._groups[index.internalId() - 1][2][index.row()]
        text = f"{WORDS[change.change]}: {change.id} {change.title}"
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return text + (" (no longer in the library)" if change.change is Change.REMOVED else
                           " (open it to see what changed)" if change.change is Change.CHANGED else "")
        if role == SECTION_ID_ROLE:
            return change.id
        if role == CHANGE_ROLE:
            return change.change.value
        if role == MANUAL_CODE_ROLE:
            return change.manual
        return None
