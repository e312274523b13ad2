"""The section view's changes mode: the page of a section's word diff (made by whoever knows the
earlier versions, `ui.changes`), and the bar above it that says what the page shows and turns
back to the clean text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


@dataclass(frozen=True)
class DiffPage:
    html: str  # the section's text with insertions and deletions marked
    summary: str  # one sentence: against which version, and how much changed


# Section ID -> the page of its changes, or None when no earlier version is kept to compare with.
DiffSource = Callable[[str], DiffPage | None]


class ChangesBar(QFrame):
    """"Changes since the version you read on 3 Dec 2026: ..." with Show the clean text."""

    clean_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Changes in this section")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.clean_button = QPushButton("Show the clean text", self)
        self.clean_button.setAccessibleName("Show the section without the changes marked")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.clean_button)
        self.clean_button.clicked.connect(self.clean_requested)
        self.hide()

    def show_page(self, page: DiffPage) -> None:
        self.label.setText(page.summary)
        self.label.setAccessibleDescription(page.summary)
        self.show()
