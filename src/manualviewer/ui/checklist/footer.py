"""The checklist's footer: the actions on the whole run (previous step, something out of order,
discard), the discard confirmation above them and, above those, the step's answer (its problem
line, Continue and the other answer buttons, their keys) or, at the note, Save note. It only
offers; the panel decides what each button does. The panel puts it below its scroll area, so these never
scroll out of sight however long the step or the note check is."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from manualviewer.ui.steps.base import framed_box
from manualviewer.ui.widgets import button, label


class ChecklistFooter(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.note_actions: QWidget | None = None
        self.note_slot = QVBoxLayout()
        self.note_slot.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.note_slot)

        self.confirm_discard = framed_box(self, "Confirm discard")
        confirm_layout = QHBoxLayout(self.confirm_discard)
        confirm_layout.addWidget(label("Discard this checklist? Its answers are lost and no note is saved.",
                                       self.confirm_discard), 1)
        self.discard_yes = QPushButton("Discard", self.confirm_discard)
        self.discard_no = QPushButton("Keep it", self.confirm_discard)
        self.discard_no.clicked.connect(self.confirm_discard.hide)
        confirm_layout.addWidget(self.discard_yes)
        confirm_layout.addWidget(self.discard_no)
        self.confirm_discard.hide()
        layout.addWidget(self.confirm_discard)

        bottom = QHBoxLayout()
        self.back_button = button("Previous step", self, "Previous step",
                                  "Go back one step; its answer is cleared (Ctrl+Shift+Backspace)")
        self.jump_button = button("Something happened out of order...", self, "Something happened out of order",
                                  "For example, the customer says at the end of the call that they recorded it "
                                  "(Ctrl+Shift+D)")
        self.discard_button = button("Discard...", self, "Discard this checklist",
                                     "Stop this checklist without saving a note (Ctrl+Shift+Delete)")
        bottom.addWidget(self.back_button)
        bottom.addWidget(self.jump_button)
        bottom.addStretch(1)
        bottom.addWidget(self.discard_button)
        layout.addLayout(bottom)

    def set_note_actions(self, actions: QWidget | None) -> None:
        """Show the step's answer buttons, or the note editor's problem line and Save, here (None:
        take them away, at once, so a redrawn card never shows two sets)."""
        if self.note_actions is not None:
            self.note_slot.removeWidget(self.note_actions)
            self.note_actions.hide()
            self.note_actions.deleteLater()
        self.note_actions = actions
        if actions is not None:
            actions.setParent(self)
            self.note_slot.addWidget(actions)
            # Shown by the layout from the event loop, with the card drawn above it in the same pass.
