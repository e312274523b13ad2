"""Dialogs opened again and again over a working day are children of the main window: without
this, every closed Settings, note, escalation or training dialog would stay in memory (with its
models and signal connections) until the app quits."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def retire(old: QWidget | None) -> None:
    """Free a dialog that a new one of its kind replaces, if it is closed. One still on screen
    is left alone: the user may be working in it."""
    if old is not None and not old.isVisible():
        old.deleteLater()
