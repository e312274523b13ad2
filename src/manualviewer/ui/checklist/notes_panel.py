"""The Notes panel: saved notes, filtered by customer reference or words, date and checklist;
copy as plain text for the case system, export CSV/JSON, and amend (a new note that says which
one it corrects: notes are never changed)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.procedures.wording import local_time
from manualviewer.storage.notes import NoteStore, StoredNote, export_csv, export_json, export_text, verify_chain
from manualviewer.storage.outbox import Escalation, EscalationState, Outbox
from manualviewer.ui.checklist.escalations_panel import state_text
from manualviewer.ui.record_table import RecordTableModel, record_table_view

if TYPE_CHECKING:
    from manualviewer.services.checklist_session import SessionChange
    from manualviewer.ui.checklist.controller import ChecklistController

AnyIndex = QModelIndex | QPersistentModelIndex
NOTE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_UK_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class NoteFilter:
    """What the officer typed into the filter boxes, as NoteStore.list arguments."""

    def __init__(self, text: str = "", day: dt.date | None = None, procedure_id: str | None = None) -> None:
        self.text = text.strip()
        self.day = day
        self.procedure_id = procedure_id

    def apply(self, store: NoteStore) -> list[StoredNote]:
        since = until = None
        if self.day is not None:
            # The officer's own day, not UTC's: a note at 00:30 BST belongs to that morning.
            since = dt.datetime.combine(self.day, dt.time()).astimezone()
            until = since + dt.timedelta(days=1)
        return store.list(procedure_id=self.procedure_id, since=since, until=until, text=self.text or None)


def parse_day(text: str) -> dt.date:
    """DD/MM/YYYY or YYYY-MM-DD; raises ValueError with a sentence for the officer."""
    text = text.strip()
    uk = _UK_DATE_RE.match(text)
    try:
        if uk:
            day, month, year = (int(g) for g in uk.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date: use DD/MM/YYYY, for example 01/05/2024") from None


def concern_text(escalations: list[Escalation]) -> str:
    """A note's concerns in a few words: a draft not sent first, as that one needs the officer."""
    if not escalations:
        return ""
    drafts = [e for e in escalations if e.state is EscalationState.DRAFT]
    shown = state_text(drafts[0] if drafts else escalations[-1])
    return shown if len(escalations) == 1 else f"{shown} (+{len(escalations) - 1} more)"


class NotesModel(RecordTableModel):
    # Concern second: a draft not sent must show in a narrow dock without scrolling sideways.
    COLUMNS = ("Saved", "Concern", "Customer reference", "Checklist", "Officer", "Amends", "Note")

    def __init__(self, store: NoteStore, titles: dict[str, str] | None = None, parent: QWidget | None = None,
                 outbox: Outbox | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._outbox = outbox
        self._titles = titles or {}
        self._rows: list[StoredNote] = []
        self._concerns: dict[int, list[Escalation]] = {}
        self.filter = NoteFilter()
        self.refresh()

    def set_titles(self, titles: dict[str, str]) -> None:
        self._titles = titles

    def set_filter(self, note_filter: NoteFilter) -> None:
        self.filter = note_filter
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = list(reversed(self.filter.apply(self._store)))  # newest first
        self._concerns = {}
        for e in self._outbox.list() if self._outbox is not None else []:
            if e.note_id is not None:
                self._concerns.setdefault(e.note_id, []).append(e)
        self.endResetModel()

    def concerns(self, note_id: int) -> list[Escalation]:
        """The escalations the note raised (as of the last refresh), oldest first."""
        return list(self._concerns.get(note_id, []))

    def notes(self) -> list[StoredNote]:
        return list(self._rows)

    def note(self, row: int) -> StoredNote | None:
        record: StoredNote | None = self.record(row)
        return record

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        n = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            first_line = n.text.strip().splitlines()[0] if n.text.strip() else ""
            return (
                f"{n.id}: " + local_time(n.created_at),
                concern_text(self._concerns.get(n.id, [])),
                n.customer_reference or "-",
                self._titles.get(n.procedure_id, n.procedure_id) or "-",
                n.officer,
                f"note {n.amends}" if n.amends is not None else "",
                first_line,
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return n.text
        if role == NOTE_ID_ROLE:
            return n.id
        return None


class NotesPanel(QWidget):
    def __init__(self, controller: ChecklistController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.store = controller.stores.notes
        self.setAccessibleName("Notes")
        self.model = NotesModel(self.store, parent=self, outbox=controller.stores.outbox)

        self.text_filter = QLineEdit(self)
        self.text_filter.setPlaceholderText("for example AB123456")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setAccessibleName("Filter by customer reference or words")
        self.date_filter = QLineEdit(self)
        self.date_filter.setPlaceholderText("DD/MM/YYYY")
        self.date_filter.setClearButtonEnabled(True)
        self.date_filter.setAccessibleName("Filter by date saved")
        self.procedure_filter = QComboBox(self)
        self.procedure_filter.setAccessibleName("Filter by checklist")
        # Long checklist titles must not widen the panel: the list opens as wide as it needs.
        self.procedure_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.procedure_filter.setMinimumContentsLength(14)
        form = QFormLayout()
        for text, editor in (("Customer reference or &words:", self.text_filter),
                             ("Saved on &date:", self.date_filter), ("Chec&klist:", self.procedure_filter)):
            label = QLabel(text, self)
            label.setBuddy(editor)
            form.addRow(label, editor)
        self.filter_error = QLabel(self)
        self.filter_error.setWordWrap(True)
        self.filter_error.setAccessibleName("Problem with the filter")
        self.filter_error.hide()
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Number of notes shown")
        # The notes' hash chain (issue 13): a note changed outside manualviewer is said in plain words.
        self.chain_warning = QLabel(self)
        self.chain_warning.setWordWrap(True)
        self.chain_warning.setAccessibleName("Notes changed outside manualviewer")
        self.chain_warning.hide()

        # Typing filters as you go; a short pause so each key press is not a query.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.apply_filter)
        self.text_filter.textChanged.connect(lambda _t: self._timer.start())
        self.date_filter.textChanged.connect(lambda _t: self._timer.start())
        self.text_filter.returnPressed.connect(self.apply_filter)
        self.date_filter.returnPressed.connect(self.apply_filter)
        self.procedure_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())

        self.view = record_table_view(self.model, "Notes, newest first", self)
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self.show_details())
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("The selected note")

        self.copy_button = QPushButton("&Copy as text", self)
        self.copy_button.setToolTip("Put the selected note on the clipboard, to paste into the case system (Alt+C)")
        self.csv_button = QPushButton("Export C&SV...", self)
        self.csv_button.setToolTip("Save the notes shown as a spreadsheet file (Alt+S)")
        self.json_button = QPushButton("Export &JSON...", self)
        self.json_button.setToolTip("Save the notes shown, with their full records (Alt+J)")
        self.amend_button = QPushButton("&Amend...", self)
        self.amend_button.setToolTip("Correct the selected note: a new note that amends it (Alt+A)")
        self.send_button = QPushButton("Send &now...", self)
        self.send_button.setToolTip("Review and send the concern this note kept as a draft (Alt+N)")
        self.send_button.clicked.connect(self.send_draft)
        self.copy_button.clicked.connect(self.copy_text)
        self.csv_button.clicked.connect(lambda: self.export_csv())
        self.json_button.clicked.connect(lambda: self.export_json())
        self.amend_button.clicked.connect(self.amend)
        buttons = QHBoxLayout()
        for button in (self.copy_button, self.amend_button, self.send_button, self.csv_button, self.json_button):
            button.setAccessibleName(button.text().replace("&", "").rstrip("."))
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Notes status")

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(self.details)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(form)
        layout.addWidget(self.filter_error)
        layout.addWidget(self.count_label)
        layout.addWidget(self.chain_warning)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)

        controller.changed.connect(self.on_changed)
        self.refresh()

    # --- filtering -----------------------------------------------------------------------------
    def _fill_procedures(self) -> None:
        titles = {p.id: p.title for p in self.controller.session.procedure_list()}
        used = sorted(filter(None, {n.procedure_id for n in self.store.list()}))
        self.model.set_titles(titles)
        current = self.procedure_filter.currentData()
        self.procedure_filter.blockSignals(True)
        self.procedure_filter.clear()
        self.procedure_filter.addItem("All checklists", None)
        def by_title(procedure_id: str) -> str:
            return titles.get(procedure_id, procedure_id).lower()

        for pid in sorted(set(used) | set(titles), key=by_title):
            self.procedure_filter.addItem(titles.get(pid, pid), pid)
        self.procedure_filter.setCurrentIndex(max(0, self.procedure_filter.findData(current)))
        self.procedure_filter.blockSignals(False)

    def refresh(self) -> None:
        self._fill_procedures()
        self.apply_filter()
        self.check_chain()

    def check_chain(self) -> None:
        """What `manualviewer notes verify` finds, shown above the list in plain words."""
        report = verify_chain(self.controller.stores.conn)
        self.chain_warning.setVisible(not report.ok)
        if not report.ok:
            self.chain_warning.setText(
                f"<b>Warning:</b> note {report.first_bad} (or a note saved before it) was changed outside "
                "manualviewer. Notes from that one on may not be as they were saved: check them before "
                "relying on them, and tell your line manager.")

    def apply_filter(self) -> bool:
        self._timer.stop()
        day = None
        if self.date_filter.text().strip():
            try:
                day = parse_day(self.date_filter.text())
            except ValueError as exc:
                self.filter_error.setText(f"Date: {exc}.")
                self.filter_error.show()
                return False
        self.filter_error.hide()
        current = self.view.currentIndex().data(NOTE_ID_ROLE)
        self.model.set_filter(NoteFilter(self.text_filter.text(), day, self.procedure_filter.currentData()))
        total = len(self.store.list())
        shown = self.model.rowCount()
        self.count_label.setText(f"Showing {shown} of {total} note{'s' if total != 1 else ''}.")
        if current is not None:
            self.select_note(current)
        elif shown:
            self.view.setCurrentIndex(self.model.index(0, 0))
        self.show_details()
        return True

    def on_changed(self, change: SessionChange) -> None:
        if change.note_saved is not None:
            self.select_note(change.note_saved)
        if change.notes or change.escalations:
            self.refresh()

    def select_note(self, note_id: int) -> None:
        row = self.model.row_of(note_id)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))
        self.show_details()

    def selected(self) -> StoredNote | None:
        return self.model.note(self.view.currentIndex().row())

    def show_details(self) -> None:
        note = self.selected()
        for button in (self.copy_button, self.amend_button):
            button.setEnabled(note is not None)
        drafts = self.drafts_of(note)
        self.send_button.setEnabled(bool(drafts))
        for button in (self.csv_button, self.json_button):
            button.setEnabled(self.model.rowCount() > 0)
        if note is None:
            self.details.setPlainText("")
            return
        lines = []
        if note.amends is not None:
            lines.append(f"This note amends note {note.amends}.")
        later = self.store.amendments_of(note.id)
        if later:
            lines.append("Amended by note " + ", ".join(str(n.id) for n in later) + ": read that too.")
        if drafts:
            unaddressed = "" if drafts[0].to else ", with no address yet"
            lines.append(f"Its concern is a draft, not sent{unaddressed} ({drafts[0].subject}): "
                         "Send now to review and send it.")
        self.details.setPlainText(("\n".join(lines) + "\n\n" if lines else "") + export_text([note], readable=True))

    # --- actions -------------------------------------------------------------------------------
    def copy_text(self) -> None:
        note = self.selected()
        if note is None:
            return
        QGuiApplication.clipboard().setText(export_text([note], readable=True))
        self.status.setText(f"Note {note.id} is on the clipboard: paste it into the case system.")

    def export_csv(self, path: str | None = None) -> str | None:
        return self._export(path, "CSV", "notes.csv", "CSV (*.csv)", export_csv)

    def export_json(self, path: str | None = None) -> str | None:
        return self._export(path, "JSON", "notes.json", "JSON (*.json)", export_json)

    def _export(self, path: str | None, kind: str, default: str, pattern: str, render: object) -> str | None:
        notes = self.model.notes()
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, f"Export the notes shown as {kind}", default, pattern)
            if not path:
                return None
        try:
            # newline="" keeps CSV's CRLF row ends exactly as written.
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(render(list(reversed(notes))))  # type: ignore[operator]
        except OSError as exc:
            self.status.setText(f"Not exported: {exc.strerror or exc}.")
            return None
        self.status.setText(f"Exported {len(notes)} note{'s' if len(notes) != 1 else ''} to {Path(path).name}.")
        return path

    def drafts_of(self, note: StoredNote | None) -> list[Escalation]:
        if note is None:
            return []
        return [e for e in self.model.concerns(note.id) if e.state is EscalationState.DRAFT]

    def send_draft(self) -> None:
        drafts = self.drafts_of(self.selected())
        if drafts:
            self.controller.forms.open_kept_draft(drafts[0].id)

    def amend(self) -> None:
        note = self.selected()
        if note is not None:
            self.controller.open_amend(note.id)
