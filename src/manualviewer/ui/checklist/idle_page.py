"""What the Checklist panel shows when no checklist runs: what a checklist is, the checklists in
this library (those for the section being read first) and a button to start the chosen one. The
page only offers; the panel starts the checklist."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from manualviewer.ui.steps.models import ProcedureListModel
from manualviewer.ui.widgets import label, read_only_list, scaled_font


class IdlePage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = label("No checklist is running", self)
        title.setFont(scaled_font(title, 1.25))
        layout.addWidget(title)
        layout.addWidget(label(
            "A checklist takes you through what the guidance asks, one step at a time, and drafts "
            "the note of the call for you. Start one from a section's \u201cStart checklist\u201d link, "
            "or choose one here.", self))
        self.procedure_model = ProcedureListModel(self)
        self.procedure_view = read_only_list(self, self.procedure_model, "Checklists in this library")
        list_label = QLabel("&Checklists in this library:", self)
        list_label.setBuddy(self.procedure_view)
        layout.addWidget(list_label)
        layout.addWidget(self.procedure_view, 1)
        self.start_button = QPushButton("&Start the selected checklist", self)
        self.start_button.setAccessibleName("Start the selected checklist")
        layout.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignLeft)
