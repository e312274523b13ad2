"""View > What changed: since which version (the one you had before this one, or any recorded
here), the sections added, changed and removed per manual, and the manuals' change notes. Opening
a changed section shows it with its changes marked.

What changed is worked out on a worker thread (about 1.5 s at 100,000 sections: the library's
version, the earlier manifest read back, the comparison, the list grouped and sorted); the window
stays usable meanwhile and the dialog says "Working out what changed...". A result for another
library, another choice of version, or a dialog closed meanwhile is dropped."""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from manualviewer.core.changes.versions import Change
from manualviewer.core.content.library import Library
from manualviewer.core.render.html import bounded_body, library_config, render_fragment
from manualviewer.services.changes import (
    ChangeReport,
    ChangeTracker,
    RecordedVersion,
    UnknownVersion,
    describe_version,
)
from manualviewer.ui.changes.model import (
    CHANGE_ROLE,
    MANUAL_CODE_ROLE,
    SECTION_ID_ROLE,
    ChangesModel,
    Group,
    groups_of,
)
from manualviewer.ui.workers import start_worker

WORKING = "Working out what changed..."


@dataclass(frozen=True)
class Worked:
    """What the worker thread hands back: everything the dialog shows, ready to put in."""

    library: Library
    since: str | None  # the version asked for; None: the one before this one
    versions: tuple[RecordedVersion, ...] | None  # the versions to offer, when asked for (a new library)
    report: ChangeReport
    groups: list[Group]
    fell_back: bool  # the version asked for is no longer recorded: the usual comparison instead


def work_out(tracker: ChangeTracker, library: Library, since: str | None, list_versions: bool) -> Worked:
    """Off the GUI thread: everything that reads the versions database or walks the sections."""
    versions = None
    if list_versions:
        current = tracker.current_version(library)
        versions = tuple(v for v in tracker.versions() if v.version_id != current)
    try:
        report, fell_back = tracker.changes_since(library, since), False
    except UnknownVersion:  # pruned since the list was filled: the usual comparison
        report, fell_back = tracker.changes_since(library), True
    return Worked(library, since, versions, report, groups_of(report), fell_back)


class WhatChangedDialog(QDialog):
    section_requested = Signal(str, bool)  # section ID, show its changes
    ready = Signal()  # a worked-out list is shown (for tests and the bench)

    def __init__(self, tracker: ChangeTracker, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What changed")
        self.setAccessibleName("What changed")
        self._tracker = tracker
        self._library = library
        self.report: ChangeReport | None = None
        self.working = False
        self._ticket = 0  # the computation whose result is wanted; anything else is stale
        self._tickets = itertools.count(1)

        self.since_box = QComboBox(self)
        self.since_box.setAccessibleName("Compare with the version")
        since_label = QLabel("Compare &with:", self)
        since_label.setBuddy(self.since_box)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleName("Summary")
        self.model = ChangesModel(self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Sections that changed")
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setUniformRowHeights(True)
        self.notes = QTextBrowser(self)
        self.notes.setAccessibleName("Change notes")
        self.notes.setOpenLinks(False)
        self.notes.anchorClicked.connect(self._on_link)

        self.open_button = QPushButton("&Open", self)
        self.open_button.setDefault(True)
        self.open_button.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)

        top = QHBoxLayout()
        top.addWidget(since_label)
        top.addWidget(self.since_box, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.tree)
        split.addWidget(self.notes)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)

        self.tree.activated.connect(self._on_activated)
        self.tree.selectionModel().currentChanged.connect(self._on_current)
        self.open_button.clicked.connect(lambda: self._on_activated(self.tree.currentIndex()))
        self.since_box.activated.connect(lambda _i: self.refresh())
        self.resize(760, 560)
        self.set_library(library)

    # --- filling (worked out on a worker thread) ------------------------------------------------
    def set_library(self, library: Library) -> None:
        """A new library (a reload or a new pack version): compared again with the usual version."""
        self._library = library
        self.since_box.clear()
        self.since_box.addItem("The version you had before this one", "")
        self._start(None, list_versions=True)

    def refresh(self) -> None:
        """Compared again with the version chosen in the box."""
        self._start(self.since_box.currentData() or None, list_versions=False)

    def _start(self, since: str | None, *, list_versions: bool) -> None:
        ticket = self._ticket = next(self._tickets)
        tracker, library = self._tracker, self._library
        self.working = True
        self.report = None
        self.model.set_groups([])
        self.open_button.setEnabled(False)
        self.summary.setText(WORKING)
        self.notes.setHtml("")
        self.tree.setCursor(Qt.CursorShape.BusyCursor)

        def job(_progress: Callable[[int, int], None]) -> Worked:
            return work_out(tracker, library, since, list_versions)

        relays: list[QObject] = []

        def done(worked: Worked) -> None:
            relays.pop().deleteLater()
            self._on_worked(ticket, worked)

        def failed(message: str) -> None:
            relays.pop().deleteLater()
            self._on_failed(ticket, message)

        # The relay belongs to the application, not to this dialog: closed and deleted while the
        # worker runs, the dialog leaves a relay for the worker to report to (then dropped).
        _thread, relay = start_worker(QCoreApplication.instance() or self, job, on_done=done, on_failed=failed)
        relays.append(relay)

    def _wanted(self, ticket: int) -> bool:
        return isValid(self) and ticket == self._ticket

    def _on_worked(self, ticket: int, worked: Worked) -> None:
        if not self._wanted(ticket) or worked.library is not self._library:
            return  # another library or version was asked for since, or the dialog was closed
        self.working = False
        self.tree.unsetCursor()
        if worked.versions is not None:
            for version in worked.versions:
                self.since_box.addItem(describe_version(version), version.version_id)
        if worked.fell_back:
            self.since_box.setCurrentIndex(0)
        self.report = worked.report
        self.model.set_groups(worked.groups)
        self.tree.expandAll()
        self.summary.setText(summary_text(worked.report))
        self._show_notes("")
        if self.model.rowCount() > 0:  # the first section, so Enter opens it at once
            self.tree.setCurrentIndex(self.model.index(0, 0, self.model.index(0, 0)))
        self.ready.emit()

    def _on_failed(self, ticket: int, message: str) -> None:
        if not self._wanted(ticket):
            return
        self.working = False
        self.tree.unsetCursor()
        self.summary.setText(f"What changed could not be worked out: {message}. Close this window and open "
                             "View > What changed again to try once more.")
        self.ready.emit()

    def hideEvent(self, event: QHideEvent) -> None:
        """Closed (Close, Escape, the title bar's cross): a result still being worked out is not
        wanted any more. Not when the desktop hides it (the main window minimised)."""
        if not event.spontaneous():
            self._ticket = 0
            self.working = False
        super().hideEvent(event)

    def _on_current(self, index: QModelIndex, _previous: QModelIndex) -> None:
        change = index.data(CHANGE_ROLE) if index.isValid() else ""
        self.open_button.setEnabled(bool(change) and change != Change.REMOVED.value)
        if change == Change.REMOVED.value:
            self._show_removed(index.data(SECTION_ID_ROLE))
        else:
            self._show_notes(index.data(MANUAL_CODE_ROLE) if index.isValid() else "")

    def _show_notes(self, manual: str) -> None:
        report = self.report
        codes = [manual] if manual else sorted(report.notes) if report else []
        items = []
        for code in codes:
            for note in report.notes.get(code, ()) if report else ():
                day = f"{note.date.day} {note.date:%b %Y}" if note.date else "Undated"
                items.append(f'<li><b>{html.escape(day)}</b>, <a href="section:{html.escape(note.section_id)}">'
                             f"{html.escape(note.section_id)}</a>: {html.escape(note.note)}</li>")
        heading = "<p><b>Change notes</b> (from the manual's editors)</p>"
        self.notes.setHtml(heading + (f"<ul>{''.join(items)}</ul>" if items
                                      else "<p>No change notes for these changes.</p>"))

    # --- opening -----------------------------------------------------------------------
    def _on_activated(self, index: QModelIndex) -> None:
        section_id = index.data(SECTION_ID_ROLE) if index.isValid() else None
        if not section_id:
            return
        if index.data(CHANGE_ROLE) == Change.REMOVED.value:
            self.summary.setText(f"{section_id} was removed from the library in this version: "
                                 "there is nothing to open.")
            self._show_removed(section_id)
            return
        self._request(section_id, index.data(CHANGE_ROLE) == Change.CHANGED.value)

    def _show_removed(self, section_id: str) -> None:
        """A removed section's last text kept on this computer, below the list, to see what went."""
        kept = self._tracker.kept_text(section_id)
        if kept is None:
            self.notes.setHtml(f"<p><b>{html.escape(section_id)} was removed.</b> No earlier text of it is "
                               "kept on this computer.</p>")
            return
        title, body = kept
        text, _cut = bounded_body(body)  # drawn as the reader draws a section (links to sections work)
        shown = render_fragment(text, library_config(self._library))
        self.notes.setHtml(f"<p><b>{html.escape(section_id)} {html.escape(title)}</b> was removed. Its last "
                           f"text kept on this computer:</p>{shown}")

    def _on_link(self, url: QUrl) -> None:
        """A section named in a change note or a removed section's text opens in the window;
        other links (web addresses) are not followed from here."""
        if url.scheme() == "section":
            self._request(url.path())

    def _request(self, section_id: str, changes: bool = True) -> None:
        if section_id:
            self.section_requested.emit(section_id, changes)


def summary_text(report: ChangeReport) -> str:
    if report.since is None:
        return ("No earlier version of this library has been recorded on this computer: this is the "
                "first one you have. Changes will be listed here after the next update.")
    since = describe_version(report.since)
    if not report.sections:
        return f"Nothing changed since {since}."
    counts = ", ".join(f"{report.count(kind)} {kind.value}" for kind in (Change.CHANGED, Change.ADDED, Change.REMOVED)
                       if report.count(kind))
    return f"Since {since}: {counts}. Open a changed section to see its changes marked."
