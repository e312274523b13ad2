"""The contents tree: manuals, then sections by parent, in ID order. Lazy: a node's children
are listed only when the view asks for them, so a manual with 100,000 sections opens at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from manualviewer.core.content.library import Library
from manualviewer.services.alerts import AlertSet
from manualviewer.ui.reading.change_badges import ALERT_ROLE, INSIDE_TOOLTIP, badge_icon, shown, spoken, with_tooltip

SECTION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
MANUAL_CODE_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex
_SECTION_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                            Qt.ItemDataRole.AccessibleTextRole, SECTION_ID_ROLE, MANUAL_CODE_ROLE})
_DECORATION = Qt.ItemDataRole.DecorationRole
_ROWS_SIGNALLED = 64


@dataclass
class _Node:
    key: str  # manual code or section ID; "" for the root
    manual: str
    is_manual: bool
    parent: int  # node number of the parent; -1 for the root
    row: int
    children: list[int] | None = field(default=None)
    title: str | None = None  # a section's title, kept once shown: the view asks for it often


class ContentsModel(QAbstractItemModel):
    badges_changed = Signal()  # the change badges were set: views repaint the rows they show

    def __init__(self, library: Library, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._library = library
        self._alerts = AlertSet()
        self._reset_nodes()

    def set_alerts(self, alerts: AlertSet) -> None:
        """Badge the changed sections and the branches above them. A few rows (a section read, a
        bookmark) are signalled one by one; a whole new set (a library loaded) is `badges_changed`
        alone, for the view to repaint what it shows: a signal per listed row costs about 0.3 ms
        through the filter proxy, seconds on a large tree opened out."""
        old = self._alerts
        self._alerts = alerts
        changed = set(old.marked() ^ alerts.marked())
        changed.update(k for k, alert in alerts.alerts.items() if old.get(k) not in (None, alert))
        manuals = {self._nodes[n].key: n for n in self._nodes[0].children or ()}
        listed = [n for n in (self._section_nodes.get(k, manuals.get(k)) for k in changed) if n is not None]
        if len(listed) <= _ROWS_SIGNALLED:
            roles = [Qt.ItemDataRole.DisplayRole, _DECORATION, Qt.ItemDataRole.ToolTipRole,
                     Qt.ItemDataRole.AccessibleTextRole, ALERT_ROLE]
            for number in listed:
                index = self.createIndex(self._nodes[number].row, 0, number)
                self.dataChanged.emit(index, index, roles)
        else:
            self.badges_changed.emit()

    def _reset_nodes(self) -> None:
        self._nodes: list[_Node] = [_Node("", "", False, -1, 0)]
        self._section_nodes: dict[str, int] = {}

    def set_library(self, library: Library) -> None:
        self.beginResetModel()
        self._library = library
        self._reset_nodes()
        self.endResetModel()

    # --- tree bookkeeping ------------------------------------------------------------
    def _child_keys(self, node: _Node) -> tuple[str, ...]:
        if node.parent == -1:
            return tuple(sorted(self._library.manuals, key=lambda c: self._library.manuals[c].title))
        if node.is_manual:
            return self._library.children(node.key, None)
        return self._library.children(node.manual, node.key)

    def _children(self, number: int) -> list[int]:
        node = self._nodes[number]
        if node.children is None:
            node.children = []
            is_root = node.parent == -1
            for row, key in enumerate(self._child_keys(node)):
                child = _Node(key, key if is_root else node.manual, is_root, number, row)
                self._nodes.append(child)
                child_number = len(self._nodes) - 1
                node.children.append(child_number)
                if not is_root:
                    self._section_nodes[key] = child_number
        return node.children

    def _number(self, index: AnyIndex) -> int:
        return index.internalId() if index.isValid() else 0

    # --- QAbstractItemModel ----------------------------------------------------------
    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        children = self._children(self._number(parent))
        if row >= len(children):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._nodes[index.internalId()]
        if node.parent <= 0:
            return QModelIndex()
        parent_node = self._nodes[node.parent]
        return self.createIndex(parent_node.row, 0, node.parent)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children(self._number(parent)))

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        number = self._number(parent)
        node = self._nodes[number]
        if node.children is not None:
            return bool(node.children)
        return bool(self._child_keys(node))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        node = self._nodes[index.internalId()]
        if role == _DECORATION:  # asked for every row painted: a dict lookup, no section read
            if node.key in self._alerts.alerts:
                return badge_icon()
            return badge_icon(inside=True) if node.key in self._alerts.above else None
        if node.is_manual:
            manual = self._library.manuals.get(node.key)
            if manual is None:
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{manual.title} ({manual.code})"
            if role == Qt.ItemDataRole.ToolTipRole:
                inside = f"\n{INSIDE_TOOLTIP}" if node.key in self._alerts.above else ""
                return f"{manual.title}\n{manual.organisation}{inside}"
            if role == MANUAL_CODE_ROLE:
                return manual.code
            return None
        if role == ALERT_ROLE:
            return self._alerts.get(node.key)
        if role not in _SECTION_ROLES:
            return None
        if node.title is None:  # each section is unpickled once, not for every role asked
            section = self._library.sections.get(node.key)
            if section is None:
                return None
            node.title = section.title
        alert = self._alerts.get(node.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return shown(f"{node.key}  {node.title}", alert)
        if role == Qt.ItemDataRole.ToolTipRole:
            inside = f"\n{INSIDE_TOOLTIP}" if node.key in self._alerts.above else ""
            return with_tooltip(f"{node.key}: {node.title}", alert) + inside
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return spoken(f"Section {node.key}, {node.title}", alert)
        if role == SECTION_ID_ROLE:
            return node.key
        return node.manual  # MANUAL_CODE_ROLE

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- lookups for the view --------------------------------------------------------
    def key_of(self, index: AnyIndex) -> str:
        """A manual's code or a section's ID, without reading the section."""
        return self._nodes[index.internalId()].key if index.isValid() else ""

    def index_of_section(self, section_id: str) -> QModelIndex:
        """The index of a section, listing its ancestors' children on the way."""
        key = self._library.resolve(section_id)
        if key is None:
            return QModelIndex()
        section = self._library.sections[key]
        manual_row = self._children(0)
        parent = QModelIndex()
        for row, number in enumerate(manual_row):
            if self._nodes[number].key == section.manual:
                parent = self.index(row, 0)
                break
        else:
            return QModelIndex()
        for ancestor in (*self._library.breadcrumbs(key), key):
            children = self._children(self._number(parent))
            for row, number in enumerate(children):
                if self._nodes[number].key == ancestor:
                    parent = self.index(row, 0, parent)
                    break
            else:
                continue  # an ancestor from another manual: the section is top-level here
        return parent if self._nodes[self._number(parent)].key == key else QModelIndex()
