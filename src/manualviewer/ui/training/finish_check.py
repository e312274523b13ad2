"""Finish with the training note not saved: a trainee who forgot to save it is asked first, so the
debrief is not given on a note that was never kept (and the trainer's record says what was)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget

from manualviewer.ui.steps.note_editor import NoteEditor
from manualviewer.ui.training.controller import TrainingController


class UnsavedNote(Enum):
    SAVE = "save"
    WITHOUT = "without"
    CANCEL = "cancel"


def ask_unsaved_note(parent: QWidget) -> UnsavedNote:
    """Save the note and finish / Finish without it / Cancel (the default, and closing the box)."""
    box = QMessageBox(QMessageBox.Icon.Warning, "The training note is not saved", "", parent=parent)
    box.setText("The training note is not saved.")
    box.setInformativeText("Save it before you finish? Finishing without it leaves no note of this scenario in "
                           "the training records.")
    save = box.addButton("Save the note and finish", QMessageBox.ButtonRole.AcceptRole)
    without = box.addButton("Finish without the note", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return UnsavedNote.SAVE
    if clicked is without:
        return UnsavedNote.WITHOUT
    return UnsavedNote.CANCEL


def ready_to_finish(controller: TrainingController, editor: NoteEditor | None, parent: QWidget,
                    save: Callable[[str], bool]) -> bool:
    """True when Finish may go on: no note on screen waiting to be saved, or the trainee saved it
    (`save(text) -> bool`, the panel's own Save) or chose to finish without it."""
    if controller.attempt is not None or controller.saved_note is not None or editor is None:
        return True
    choice = ask_unsaved_note(parent)
    if choice is UnsavedNote.SAVE:
        return save(editor.text())
    return choice is UnsavedNote.WITHOUT
