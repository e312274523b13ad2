"""The way out when the notes database is damaged at start (issue 13): recover what can be read,
start a new one, or keep the damaged file for now. Nothing is deleted in any case: the damaged
file is renamed aside (`.damaged-<time>`) before a new one is made."""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from manualviewer.storage.database import DatabaseError
from manualviewer.storage.repair import repair, start_new


class Choice(enum.Enum):
    RECOVER = "recover"
    START_NEW = "start-new"
    KEEP = "keep"


class DamagedDatabaseDialog(QMessageBox):
    """Asks what to do with a damaged notes database. `choice()` after exec(); closing the
    dialog keeps the damaged file (the safe choice: nothing changes)."""

    def __init__(self, path: Path, detail: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("Your notes database is damaged")
        self.setText("<b>Your notes database is damaged.</b><br>Your notes and bookmarks cannot be opened "
                     "until you choose what to do.")
        self.setInformativeText(
            "<b>Recover what can be read</b> (recommended): the damaged file is kept aside and a new "
            "database gets every note and escalation that can still be read.<br><br>"
            "<b>Start a new one</b>: the damaged file is kept aside and a new, empty database is started.<br><br>"
            "<b>Keep the damaged file</b>: nothing changes now; the guidance still works, but notes cannot "
            "be saved (they go to a recovery file) until it is repaired.<br><br>"
            f"File: {path}")
        self.setDetailedText(detail)
        self._buttons = {
            Choice.RECOVER: self.addButton("Recover what can be read", QMessageBox.ButtonRole.AcceptRole),
            Choice.START_NEW: self.addButton("Start a new one", QMessageBox.ButtonRole.DestructiveRole),
            Choice.KEEP: self.addButton("Keep the damaged file", QMessageBox.ButtonRole.RejectRole),
        }
        self.setDefaultButton(self._buttons[Choice.RECOVER])
        self.setEscapeButton(self._buttons[Choice.KEEP])

    def choice_button(self, choice: Choice) -> QAbstractButton:
        return self._buttons[choice]

    def choice(self) -> Choice:
        clicked = self.clickedButton()
        return next((c for c, b in self._buttons.items() if b is clicked), Choice.KEEP)


def carry_out(choice: Choice, path: Path) -> str:
    """Do what the officer chose; return what happened, in plain words, for the status bar.
    Raises OSError, DatabaseError."""
    if choice is Choice.RECOVER:
        done = repair(path)
        copied = ", ".join(f"{n} {table}" for table, n in done.copied.items() if n)
        lost = f" Some could not be read: {', '.join(done.unreadable)}." if done.unreadable else ""
        return (f"Your notes database was repaired: {copied or 'nothing'} recovered.{lost} "
                f"The damaged file is kept as {done.damaged_copy}.")
    if choice is Choice.START_NEW:
        aside = start_new(path)
        return f"A new notes database was started. The damaged file is kept as {aside}."
    return ("Your notes database is damaged and was left as it is: notes cannot be saved in it until it is "
            "repaired (Run 'manualviewer notes repair', or restart and choose Recover).")


def ask_and_repair(parent: QWidget | None, path: Path, error: DatabaseError,
                   ask: Callable[[DamagedDatabaseDialog], Choice] | None = None) -> tuple[Choice, str]:
    """Show the dialog (modal), carry out the choice; (choice, what happened). `ask` runs the
    dialog (exec by default; tests click a button instead)."""
    dialog = DamagedDatabaseDialog(path, str(error), parent)
    try:
        if ask is None:
            dialog.exec()
            choice = dialog.choice()
        else:
            choice = ask(dialog)
    finally:
        dialog.deleteLater()
    try:
        return choice, carry_out(choice, path)
    except (OSError, DatabaseError) as exc:
        return Choice.KEEP, f"Your notes database could not be repaired: {exc}"
