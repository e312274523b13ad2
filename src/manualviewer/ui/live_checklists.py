"""What the live checklists put into the main window, handed explicitly to training mode.

Training sets the live checklists aside while a trainee practises (their shortcuts and menu go,
and the window's "start checklist" request is handled by training), and gives them back when it
ends. ui.checklist builds this value and the app passes it to ui.training, so neither package
imports the other (the import-linter independence contract) and nothing is looked up on the
window by name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu


@dataclass(frozen=True)
class LiveChecklists:
    actions: Mapping[str, QAction]  # by key; "settings" stays on in training (the officer's own)
    menu: QMenu | None
    start_procedure: Callable[[str], object]  # connected to MainWindow.procedure_requested

    @property
    def settings_action(self) -> QAction | None:
        return self.actions.get("settings")
