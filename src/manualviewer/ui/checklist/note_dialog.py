"""Amending a saved note: the note editor in a dialog."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from manualviewer.ui.steps.note_editor import NoteChecker, NoteEditor


class NoteDialog(QDialog):
    """Amending a saved note: the old text to start from, the same check, Save as a new note."""

    saved = Signal(str)

    def __init__(self, title: str, intro: str, text: str, checker: NoteChecker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        intro_label = QLabel(intro, self)
        intro_label.setWordWrap(True)
        self.editor = NoteEditor(checker, self, save_label="&Save amended note")
        self.editor.set_text(text)
        self.editor.save_requested.connect(self.saved)
        cancel = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        cancel.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addWidget(self.editor, 1)
        layout.addWidget(cancel)
        self.resize(620, 520)
