""""Read and understood" in the reading window: the count of must-read sections still to confirm
in the status bar ("2 to read"; a click opens the list), the Must read list in the sidebar
(shown while the library has must-read sections), and in a must-read section a bar with
"I have read and understood" (afterwards: "You confirmed this on 5 Dec 2026, 07:48").

The work is services/must_read.py; this module only shows it. A confirmation is committed
before the bar says so; when the database refuses it, the officer is told why and the button
stays, so nothing is taken as confirmed that was not recorded."""

from __future__ import annotations

import datetime as dt
import html
import sqlite3
from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal, SignalInstance
from PySide6.QtGui import QFont, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.changes.alerts import Alert
from manualviewer.core.content.library import Library
from manualviewer.core.procedures.wording import local_time
from manualviewer.core.settings import Settings, SettingsError
from manualviewer.services.escalation_delivery import channel_description
from manualviewer.services.must_read import (
    MustRead,
    ReadState,
    SameText,
    confirm,
    must_reads,
    queue_for_line_manager,
)
from manualviewer.storage.attestations import (
    Attestation,
    AttestationError,
    AttestationKept,
    AttestationSaveError,
    AttestationStore,
)
from manualviewer.storage.database import failure_reason
from manualviewer.storage.outbox import EscalationError, Outbox
from manualviewer.ui.actions import make_action
from manualviewer.ui.reading.change_banner import DIFF_LINK, ChangeBanner
from manualviewer.ui.reading.contents_model import SECTION_ID_ROLE

AnyIndex = QModelIndex | QPersistentModelIndex
COLUMNS = ("Section", "Due by", "Status")
# Short, for a narrow sidebar: the tooltip and the section's bar say it in full.
_STATUS = {ReadState.TO_READ: "To read", ReadState.CHANGED: "Changed", ReadState.CONFIRMED: "Confirmed",
           ReadState.KEPT: "Kept - will be recorded"}


def day(when: dt.date) -> str:
    return f"{when.day} {when:%b %Y}"


class MustReadModel(QAbstractTableModel):
    """The must-read sections: the outstanding ones first, earliest due first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MustRead] = []

    def set_items(self, items: list[MustRead]) -> None:
        self.beginResetModel()
        self._rows = list(items)
        self.endResetModel()

    def item(self, row: int) -> MustRead | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{item.section_id}  {item.title}"
            if column == 1:
                return day(item.due)
            if item.overdue:
                return "Changed, overdue" if item.state is ReadState.CHANGED else "Overdue"
            return _STATUS[item.state]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.section_id}: {item.title}\n{item.describe()}"
        if role == Qt.ItemDataRole.FontRole and item.overdue:
            font = QFont()
            font.setBold(True)  # words say it too ("Overdue"): not colour alone
            return font
        if role == SECTION_ID_ROLE:
            return item.section_id
        return None


class MustReadPanel(QWidget):
    """The sidebar's Must read tab."""

    section_chosen = Signal(str)

    def __init__(self, model: MustReadModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.view = QTreeView(self)
        self.view.setModel(model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)  # the ID comes first and stays seen
        self.view.setAccessibleName("Sections you must read and confirm")
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.view.activated.connect(self._on_activated)
        self.view.clicked.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)

    def _on_activated(self, index: QModelIndex) -> None:
        section_id = index.data(SECTION_ID_ROLE)
        if section_id:
            self.section_chosen.emit(str(section_id))


class ConfirmBar(QFrame):
    """Above a must-read section: what is asked and by when, and the confirm button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Must read")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.button = QPushButton("I have read and understood", self)
        self.button.setAccessibleName("Confirm: I have read and understood this section")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.section_id = ""
        self.hide()

    def show_item(self, item: MustRead | None, change: Alert | None = None, *, diff: bool = False) -> None:
        """What is asked of the officer for `item`; with `change` (the section also changed since
        they read it), that is said here too, with "see what changed" when `diff`: one bar, read
        top to bottom (what changed, then confirm), not two bars with two buttons."""
        self.section_id = item.section_id if item else ""
        if item is None:
            self.hide()
            return
        if change is not None and item.outstanding:
            text = _with_change(item, change, diff)
        elif item.state is ReadState.CONFIRMED:
            assert item.confirmed is not None
            text = f"You confirmed this on {html.escape(local_time(item.confirmed.confirmed_at))}."
        elif item.state is ReadState.KEPT:
            assert item.kept_at is not None
            text = (f"<b>Kept - will be recorded.</b> You confirmed this on {html.escape(local_time(item.kept_at))}; "
                    "the notes database could not take it then, so it is kept on this computer and recorded "
                    "the next time manualviewer starts. You can also press the button again.")
        elif item.state is ReadState.CHANGED:
            assert item.confirmed is not None
            when = "it was due by" if item.overdue else "confirm by"
            text = (f"<b>This section changed since you confirmed it</b> on "
                    f"{html.escape(local_time(item.confirmed.confirmed_at))}. Read it again; {when} {day(item.due)}.")
        elif item.overdue:
            text = f"<b>Must read: overdue.</b> It was due by {day(item.due)}. Read it, then confirm."
        else:
            text = f"<b>Must read</b> by {day(item.due)}. Read it, then confirm."
        self.label.setText(text)
        self.label.setAccessibleName(QTextDocumentFragment.fromHtml(text).toPlainText())
        self.button.setVisible(item.state is not ReadState.CONFIRMED)
        self.show()

    def show_error(self, text: str) -> None:
        self.label.setText(f"<b>{html.escape(text)}</b>")


def _with_change(item: MustRead, change: Alert, diff: bool) -> str:
    """The bar's words for a must-read section that also changed since the officer read it."""
    see = f'<a href="{DIFF_LINK}">see what changed</a>' if diff else "see the text below"
    if item.state is ReadState.CHANGED:
        assert item.confirmed is not None
        when = "it was due by" if item.overdue else "confirm by"
        confirmed = html.escape(local_time(item.confirmed.confirmed_at))
        return (f"<b>This section changed since you confirmed it</b> on {confirmed}: {see}. "
                f"Read it again; {when} {day(item.due)}.")
    must = (f"<b>Must read: overdue.</b> It was due by {day(item.due)}." if item.overdue
            else f"<b>Must read</b> by {day(item.due)}.")
    return f"{must} {html.escape(change.sentence())}: {see}, then confirm."


class MustReadUi(QObject):
    """Wires the count, the list and the bars to the window; `set_library` after a reload."""

    changed = Signal()  # the must-reads were worked out again (a confirmation, a new library)

    def __init__(self, window: QMainWindow, tabs: QTabWidget, sidebar: QTabWidget, library: Library,
                 store: AttestationStore, settings: Callable[[], Settings], open_section: Callable[[str], object],
                 outbox: Outbox | None = None, deliver: Callable[[], object] | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._tabs = tabs
        self._sidebar = sidebar
        self._library = library
        self._store = store
        self._settings = settings  # read at each confirmation: the officer's name, sending it on
        self._outbox = outbox  # with `deliver`: the line manager is told when the settings ask
        self._deliver = deliver
        self._open_section = open_section
        # A confirmation under a renamed section's old ID counts when only the ID changed (the
        # app sets it to ChangeTracker.same_guidance; without it such a section is asked again).
        self.same_text: SameText | None = None
        self.items: dict[str, MustRead] = {}
        self._bars: dict[QWidget, ConfirmBar] = {}

        self.model = MustReadModel(self)
        self.panel = MustReadPanel(self.model, sidebar)
        self.panel.hide()  # shown only as a tab: a child of the sidebar outside one floats over it
        self.panel.section_chosen.connect(self._open_section)
        self.count_button = QToolButton(window)
        self.count_button.setAutoRaise(False)  # looks pressable: a click opens the list
        self.count_button.setAccessibleName("Must-read sections to confirm")
        self.count_button.clicked.connect(self.show_list)
        window.statusBar().addPermanentWidget(self.count_button)
        # For the keyboard (a status bar button is not in the Tab order): View > Must-read sections.
        self.act_list = make_action(window, "&Must-read sections", None, self.show_list,
                                    "The sections you must read and confirm")
        self._day = dt.date.today()
        tabs.currentChanged.connect(lambda _index: self._follow_view(tabs.currentWidget()))
        self.refresh()
        self._follow_view(tabs.currentWidget())

    # --- what is outstanding --------------------------------------------------------------
    def refresh(self) -> None:
        self._day = dt.date.today()  # "overdue" is worked out for this day
        found = must_reads(self._library, self._store, self._day, self.same_text)
        self.items = {m.section_id: m for m in found}
        self.model.set_items(found)
        waiting = [m for m in found if m.outstanding]
        overdue = sum(1 for m in waiting if m.overdue)
        kept = sum(1 for m in found if m.state is ReadState.KEPT)
        kept_words = (f" {kept} confirmation{'s are' if kept != 1 else ' is'} kept on this computer and will be "
                      "recorded the next time manualviewer starts." if kept else "")
        self.count_button.setText(f"{len(waiting)} to read" + (f" ({overdue} overdue)" if overdue else ""))
        self.count_button.setToolTip(
            f"{len(waiting)} must-read section{'s' if len(waiting) != 1 else ''} to read and confirm"
            + (f", {overdue} past {'their' if overdue != 1 else 'its'} date" if overdue else "")
            + ". Click for the list.")
        self.count_button.setVisible(bool(waiting))
        self.act_list.setVisible(bool(found))
        self.panel.summary.setText(
            f"{len(waiting)} to read and confirm" + (f", {overdue} overdue" if overdue else "")
            + ". Open a section, read it, then press \u201cI have read and understood\u201d." + kept_words
            if waiting else "You have confirmed every must-read section." + kept_words)
        listed = self._sidebar.indexOf(self.panel) >= 0
        if found and not listed:
            self._sidebar.addTab(self.panel, "Must read")
        elif not found and listed:
            self._sidebar.removeTab(self._sidebar.indexOf(self.panel))
        for view, bar in self._bars.items():
            bar.show_item(self.items.get(_current_id(view)))
        self.changed.emit()

    def set_library(self, library: Library) -> None:
        self._library = library
        self.refresh()

    def show_list(self) -> None:
        self._sidebar.show()
        self._sidebar.setCurrentWidget(self.panel)
        self.panel.view.setFocus()

    # --- the bar in each tab -----------------------------------------------------------------
    def _follow_view(self, view: QWidget | None) -> None:
        layout = view.layout() if view is not None else None
        if view is None or not isinstance(layout, QVBoxLayout) or view in self._bars:
            return
        bar = ConfirmBar(view)
        # Right above the text, below the breadcrumbs and any "what changed" banner: read what
        # changed first, then confirm.
        browser = getattr(view, "browser", None)
        where = layout.indexOf(browser) if isinstance(browser, QWidget) else -1
        layout.insertWidget(where if where >= 0 else 1, bar)
        bar.button.clicked.connect(lambda: self.confirm(bar.section_id))
        see_what_changed = getattr(view, "see_what_changed", None)
        if see_what_changed is not None:
            bar.label.linkActivated.connect(lambda _link: see_what_changed())
        self._bars[view] = bar
        view.destroyed.connect(lambda: self._bars.pop(view, None))
        history_changed = getattr(view, "history_changed", None)
        if history_changed is not None:
            history_changed.connect(lambda: self._show_bar(view, bar))
        self._show_bar(view, bar)

    def _show_bar(self, view: QWidget, bar: ConfirmBar) -> None:
        if dt.date.today() != self._day:
            self.refresh()  # the app stayed open past midnight: what is overdue has moved
        item = self.items.get(_current_id(view))
        banner = getattr(view, "change_banner", None)
        if (item is not None and item.outstanding and isinstance(banner, ChangeBanner) and not banner.isHidden()
                and banner.alert is not None and banner.section_id == item.section_id):
            # Changed since read and still to confirm: said once, in this bar (the banner's
            # "Dismiss" beside "I have read and understood" read as two things to do).
            banner.hide()
            bar.show_item(item, banner.alert, diff=banner.offers_diff)
        else:
            bar.show_item(item)

    def bar_of(self, view: QWidget) -> ConfirmBar | None:
        return self._bars.get(view)

    def confirm(self, section_id: str) -> bool:
        """Record the confirmation; the bar says "You confirmed" only once it is committed. When
        it is refused, every bar on that section says why and keeps its button."""
        try:
            settings = self._settings()
            if not settings.officer_name.strip():
                self._show_error(section_id, "Not recorded: a confirmation says who read the section. "
                                             "Add your name in Edit > Settings, then press the button again.")
                return False
            done = confirm(self._library, self._store, section_id, settings.officer_name)
        except SettingsError as exc:
            self._show_error(section_id, f"Your confirmation was not recorded: your settings cannot be read ({exc}).")
            return False
        except AttestationSaveError as exc:  # the database did not take it: nothing recorded
            if isinstance(exc, AttestationKept):
                self.refresh()  # kept: the list and the count say so (no longer to read)
            self._show_error(section_id, str(exc)[:1].upper() + str(exc)[1:] + ".")
            return False
        except AttestationError as exc:
            self._show_error(section_id, f"Your confirmation was not recorded: {exc}.")
            return False
        self.refresh()
        sent = self._tell_line_manager(done, settings)
        self._window.statusBar().showMessage(
            f"Confirmed {done.section_id} on {local_time(done.confirmed_at)}.{sent}", 15000)
        return True

    def _tell_line_manager(self, done: Attestation, settings: Settings) -> str:
        """Queue the confirmation for the line manager when the settings ask; the words for the
        status bar ("" when not asked). The confirmation is recorded whatever happens here."""
        if self._outbox is None:
            return ""
        try:
            queued = queue_for_line_manager(self._outbox, settings, done)
        except EscalationError as exc:
            return f" It was not sent to your line manager: {exc}."
        except sqlite3.Error as exc:
            return f" It was not sent to your line manager: {failure_reason(exc) or exc}."
        if queued is None:
            return ""
        if self._deliver is not None:
            self._deliver()
        return f" Sending it to your line manager through {channel_description(settings)}."

    def _show_error(self, section_id: str, text: str) -> None:
        for bar in self._bars.values():
            if bar.section_id == section_id:
                bar.show_error(text)


def _current_id(view: QWidget) -> str:
    return str(getattr(view, "current_id", "") or "")


def install_must_read(window: QMainWindow, tabs: QTabWidget, sidebar: QTabWidget, library: Library,
                      store: AttestationStore, settings: Callable[[], Settings],
                      open_section: Callable[[str], object], library_changed: SignalInstance,
                      outbox: Outbox | None = None, deliver: Callable[[], object] | None = None,
                      menu: QMenu | None = None) -> MustReadUi:
    """The app's one call: the count, the list and the bars, following every new library;
    `menu` (View) gets the action that shows the list."""
    ui = MustReadUi(window, tabs, sidebar, library, store, settings, open_section, outbox, deliver)
    library_changed.connect(ui.set_library)
    if menu is not None:
        menu.addAction(ui.act_list)
    return ui
