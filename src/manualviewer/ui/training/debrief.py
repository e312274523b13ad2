"""The debrief at the end of a scenario: each decision beside the expected one with the
guidance's reason, the trainee's path beside the expected path, the score, the time taken and
the sections to re-read (each opens in the viewer). Printable, saved as PDF, and the trainer's
records exported as CSV (core debrief_csv: one row per trainee per scenario)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.procedures import Procedure
from manualviewer.core.training import Attempt, Scenario
from manualviewer.core.training.debrief import (
    SectionTitle,
    debrief_file_name,
    debrief_html,
    parting_line,
    reread_html,
    score_line,
)
from manualviewer.ui.training.models import SECTION_ROLE, DebriefModel, PathCompareModel


def ask_records_path(parent: QWidget) -> str | None:
    """Where to save the trainer's records (None: the trainer cancelled)."""
    path, _ = QFileDialog.getSaveFileName(parent, "Export the trainer's records", "training-records.csv", "CSV (*.csv)")
    return path or None


class DebriefWindow(QDialog):
    """One attempt's debrief, for the trainer and the trainee to go through together."""

    section_requested = Signal(str)

    def __init__(self, attempt: Attempt, scenario: Scenario | None, procedure: Procedure | None,
                 section_title: SectionTitle, records_csv: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attempt = attempt
        self.scenario = scenario
        self.procedure = procedure
        self.section_title = section_title
        self.records_csv = records_csv
        grade = attempt.grade
        title = scenario.title if scenario else grade.scenario
        self.setWindowTitle(f"TRAINING - Debrief: {attempt.trainee} - {title}")
        self.setAccessibleName("Training debrief")

        banner = QLabel("TRAINING \u2014 not a real call  \u00b7  Debrief", self)
        banner.setObjectName("training_banner")
        banner.setAccessibleName("Training mode")
        banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        banner.setStyleSheet("QLabel#training_banner { background: #ffdd00; color: #0b0c0c; font-weight: bold; "
                             "padding: 4px; border-bottom: 3px solid #0b0c0c; }")
        heading = QLabel(f"Debrief: {attempt.trainee} \u2014 {title}", self)
        heading.setWordWrap(True)
        heading.setAccessibleName("Debrief heading")
        font = heading.font()
        font.setPointSizeF((font.pointSizeF() if font.pointSizeF() > 0 else 10.0) * 1.35)
        font.setBold(True)
        heading.setFont(font)
        self.score = QLabel(score_line(attempt, procedure), self)
        self.score.setWordWrap(True)
        self.score.setAccessibleName("Score and time taken")
        bold = self.score.font()
        bold.setBold(True)
        bold.setPointSizeF((bold.pointSizeF() if bold.pointSizeF() > 0 else 10.0) * 1.15)
        self.score.setFont(bold)

        self.model = DebriefModel(self)
        self.model.set_grade(grade, procedure, section_title)
        self.table = self._table(self.model, "Each decision: the trainee's answer beside the expected one")
        header = self.table.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.Interactive, QHeaderView.ResizeMode.Interactive,
                                       QHeaderView.ResizeMode.Interactive, QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.Interactive)):
            header.setSectionResizeMode(column, mode)
        for column, width in ((0, 180), (1, 190), (2, 190), (5, 110)):
            header.resizeSection(column, width)
        # Wrapped reasons need their rows measured again whenever a column's width changes.
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.activated.connect(self.on_activated)
        self.table.doubleClicked.connect(self.on_activated)

        self.path_model = PathCompareModel(self)
        self.path_model.set_grade(grade, procedure)
        self.path_table = self._table(self.path_model, "The trainee's path beside the expected one")
        self.path_table.setWordWrap(False)
        self.path_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.path_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.path_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        self.reread = QLabel(reread_html(grade.sections_to_reread, section_title), self)
        self.reread.setWordWrap(True)
        self.reread.setTextFormat(Qt.TextFormat.RichText)
        self.reread.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.reread.setOpenExternalLinks(False)
        self.reread.setAccessibleName("Sections to re-read")
        self.reread.linkActivated.connect(self._on_link)

        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Debrief status")

        decisions_label = QLabel("&Decisions (double-click a row, or press Enter, to open its section):", self)
        decisions_label.setBuddy(self.table)
        path_label = QLabel(f"The trainee's &path beside the expected one. {parting_line(attempt, procedure)}", self)
        path_label.setWordWrap(True)
        path_label.setBuddy(self.path_table)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        top = QWidget(splitter)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(decisions_label)
        top_layout.addWidget(self.table, 1)
        bottom = QWidget(splitter)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(path_label)
        bottom_layout.addWidget(self.path_table, 1)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        self.path_table.setMinimumHeight(self.fontMetrics().lineSpacing() * 7)

        self.actions_: dict[str, QAction] = {}
        buttons = QHBoxLayout()
        for key, text, keys, slot, name in (
            ("print", "&Print...", "Ctrl+P", self.print_debrief, "Print the debrief"),
            ("pdf", "Save as P&DF...", "Ctrl+Shift+E", self.save_pdf, "Save the debrief as PDF"),
            ("csv", "Export the trainer's records (&CSV)...", "Ctrl+S", self.export_csv,
             "Export the trainer's records as CSV, one row per trainee per scenario"),
            ("close", "Close", "Esc", self.close, "Close the debrief"),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setToolTip(f"{name} ({keys})")
            action.triggered.connect(lambda _c=False, s=slot: s())
            self.addAction(action)
            self.actions_[key] = action
            widget = QPushButton(f"{text}  ({keys})", self)
            widget.setAccessibleName(name)
            widget.setToolTip(f"{name} ({keys})")
            widget.setAutoDefault(False)
            widget.clicked.connect(action.trigger)
            if key == "close":
                buttons.addStretch(1)
            buttons.addWidget(widget)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.addWidget(banner)
        inner = QVBoxLayout()
        inner.setContentsMargins(12, 4, 12, 0)
        inner.addWidget(heading)
        inner.addWidget(self.score)
        inner.addWidget(self.reread)
        inner.addWidget(splitter, 1)
        inner.addWidget(self.status)
        inner.addLayout(buttons)
        layout.addLayout(inner, 1)
        self.resize(1200, 720)
        self.table.resizeRowsToContents()
        self.table.setFocus()

    def _table(self, model: DebriefModel | PathCompareModel, name: str) -> QTableView:
        table = QTableView(self)
        table.setModel(model)
        table.setAccessibleName(name)
        table.setWordWrap(True)
        table.setAlternatingRowColors(True)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setStyleSheet("QTableView::item { padding: 3px; }")
        return table

    def resizeEvent(self, event: object) -> None:  # wrapped reasons need their rows re-measured
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.table.resizeRowsToContents()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self.table.resizeRowsToContents()

    # --- actions -------------------------------------------------------------------------------
    def _on_link(self, link: str) -> None:
        scheme, _, target = link.partition(":")
        if scheme == "section" and target:
            self.section_requested.emit(target)

    def on_activated(self, index: QModelIndex) -> None:
        section = index.data(SECTION_ROLE)
        if section:
            self.section_requested.emit(str(section))

    def html(self) -> str:
        return debrief_html(self.attempt, self.scenario, self.procedure, self.section_title)

    def _document(self) -> QTextDocument:
        document = QTextDocument()
        document.setHtml(self.html())
        return document

    def default_name(self, ext: str) -> str:
        return debrief_file_name(self.attempt, ext)

    def save_pdf(self, path: str | None = None) -> str | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save the debrief as PDF", self.default_name("pdf"),
                                                  "PDF (*.pdf)")
            if not path:
                return None
        writer = QPdfWriter(path)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setTitle(self.windowTitle())
        self._document().print_(writer)
        del writer  # the file is complete once the writer is gone
        self.status.setText(f"Saved the debrief to {path}")
        return path

    def export_csv(self, path: str | None = None) -> str | None:
        path = path or ask_records_path(self)
        if not path:
            return None
        # utf-8-sig: spreadsheet programs then read names with accents correctly.
        Path(path).write_text(self.records_csv(), encoding="utf-8-sig", newline="")
        self.status.setText(f"Saved the trainer's records (one row per trainee per scenario) to {path}")
        return path

    def print_debrief(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self._document().print_(printer)
            self.status.setText("Sent the debrief to the printer.")
