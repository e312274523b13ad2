"""The bar over the Checklist panel that offers unfinished checklists from earlier."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from manualviewer.ui.widgets import label as _label
from manualviewer.ui.widgets import scaled_font as _scaled_font

if TYPE_CHECKING:
    from manualviewer.services.checklist_session import ResumableRun


class ResumeBar(QFrame):
    """Unfinished checklists from earlier, each with Resume and Discard. Never a modal."""

    resume_requested = Signal(str)
    discard_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Unfinished checklists")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 6, 8, 6)
        self.buttons: dict[str, tuple[QPushButton, QPushButton]] = {}
        self.hide()

    def set_runs(self, runs: list[ResumableRun]) -> None:
        while self._layout.count():
            layout_item = self._layout.takeAt(0)
            widget = layout_item.widget() if layout_item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons = {}
        if not runs:
            self.hide()
            return
        count = len(runs)
        heading = _label(
            f"You have {count} unfinished checklist{'s' if count != 1 else ''} from earlier. "
            "Resume to carry on where you stopped, or discard.", self)
        heading.setFont(_scaled_font(heading, 1.0))
        self._layout.addWidget(heading)
        for n, item in enumerate(runs[:5]):
            row = QWidget(self)
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            when = item.saved.updated_at.astimezone().strftime("%d %b %H:%M")
            parts = [item.title]
            if item.customer_reference:
                parts.append(f"customer {item.customer_reference}")
            if item.problem:
                parts.append(item.problem)
            elif item.step_title:
                parts.append(f"at \u201c{item.step_title}\u201d")
            if item.guidance_changed:
                parts.append("the checklist has changed since you started")
            parts.append(f"last changed {when}")
            text = _label(" \u2014 ".join(parts), row)
            row_layout.addWidget(text, 1)
            resume = QPushButton("&Resume" if n == 0 else "Resume", row)
            resume.setAccessibleName(f"Resume {item.title}")
            resume.setEnabled(not item.problem)
            resume.clicked.connect(lambda _c=False, rid=item.saved.run_id: self.resume_requested.emit(rid))
            discard = QPushButton("D&iscard" if n == 0 else "Discard", row)
            discard.setAccessibleName(f"Discard {item.title}")
            discard.clicked.connect(lambda _c=False, rid=item.saved.run_id: self.discard_requested.emit(rid))
            row_layout.addWidget(resume, 0, Qt.AlignmentFlag.AlignTop)
            row_layout.addWidget(discard, 0, Qt.AlignmentFlag.AlignTop)
            self._layout.addWidget(row)
            self.buttons[item.saved.run_id] = (resume, discard)
        if count > 5:
            self._layout.addWidget(_label(f"and {count - 5} more.", self))
        self.show()
