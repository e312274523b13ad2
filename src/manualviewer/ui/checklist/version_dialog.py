"""The choice a resumed checklist offers when its procedure changed since the run started: go on
with the version started (kept with the run) or start again on the current version. A window-
modal box opened with open(), never exec(): nothing is decided until the officer picks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from manualviewer.services.saved_runs import GuidanceChange


class VersionChoiceDialog(QMessageBox):
    def __init__(self, change: GuidanceChange, on_started: Callable[[str], object],
                 on_current: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.change = change
        self.setWindowTitle("The checklist has changed")
        self.setIcon(QMessageBox.Icon.Information)
        self.setText(change.sentence())
        lines = [f"\u201c{change.title}\u201d has been updated since you started this run."]
        if change.versions():
            lines.append(change.versions())
        if change.started is not None:
            lines.append("You can carry on with the version you started (your answers are kept), "
                         "or start again on the current version (your answers so far are not kept).")
        else:
            lines.append(f"You cannot carry on with the version you started: {change.why_not}. "
                         "Start again on the current version (your answers so far are not kept), "
                         "or cancel to leave the checklist saved.")
        self.setInformativeText("\n\n".join(lines))
        self.continue_button: QPushButton | None = None
        if change.started is not None:
            self.continue_button = self.addButton("&Continue on the version I started",
                                                  QMessageBox.ButtonRole.AcceptRole)
            self.continue_button.clicked.connect(lambda: on_started(change.run_id))
        self.restart_button = self.addButton("&Start again on the current version", QMessageBox.ButtonRole.AcceptRole)
        self.restart_button.clicked.connect(lambda: on_current(change.run_id))
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.continue_button or self.restart_button)
        self.setEscapeButton(self.cancel_button)
