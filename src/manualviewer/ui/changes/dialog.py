"""View > What changed: since which version (the one you had before this one, or any recorded
here), the sections added, changed and removed per manual, and the manuals' change notes. Opening
a changed section shows it with its changes marked."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, Qt, Signal
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

from manualviewer.core.changes.versions import Change
from manualviewer.core.content.library import Library
from manualviewer.services.changes import ChangeReport, ChangeTracker, UnknownVersion, describe_version
from manualviewer.ui.changes.model import CHANGE_ROLE, MANUAL_CODE_ROLE, SECTION_ID_ROLE, ChangesModel


class WhatChangedDialog(QDialog):
    section_requested = Signal(str, bool)  # section ID, show its changes

    def __init__(self, tracker: ChangeTracker, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What changed")
        self.setAccessibleName("What changed")
        self._tracker = tracker
        self._library = library
        self.report: ChangeReport | None = None

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
        self.notes.anchorClicked.connect(lambda url: self._request(url.toString().removeprefix("section:")))

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

    # --- filling ---------------------------------------------------------------------
    def set_library(self, library: Library) -> None:
        """A new library (a reload or a new pack version): compared again with the usual version."""
        self._library = library
        self.since_box.clear()
        self.since_box.addItem("The version you had before this one", "")
        current = self._tracker.current_version(library)
        for version in self._tracker.versions():
            if version.version_id != current:
                self.since_box.addItem(describe_version(version), version.version_id)
        self.refresh()

    def refresh(self) -> None:
        since = self.since_box.currentData() or None
        try:
            self.report = self._tracker.changes_since(self._library, since)
        except UnknownVersion:  # pruned since the list was filled: the usual comparison
            self.since_box.setCurrentIndex(0)
            self.report = self._tracker.changes_since(self._library)
        self.model.set_report(self.report)
        self.tree.expandAll()
        self.summary.setText(summary_text(self.report))
        self._show_notes("")
        if self.model.rowCount() > 0:  # the first section, so Enter opens it at once
            self.tree.setCurrentIndex(self.model.index(0, 0, self.model.index(0, 0)))

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
        paragraphs = "".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>"
                             for part in body.split("\n\n") if part.strip())
        self.notes.setHtml(f"<p><b>{html.escape(section_id)} {html.escape(title)}</b> was removed. Its last "
                           f"text kept on this computer:</p>{paragraphs}")

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
