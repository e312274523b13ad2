"""At start, the status bar says that confirmations kept while the database could not be written
are now recorded (and notes, as before), without a message box when nothing needs doing."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from manualviewer.storage.recovery import Imported
from manualviewer.ui.recovery_notice import show_recovery_notice


def test_kept_confirmations_recorded_at_start_are_said(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    assert show_recovery_notice(window, Imported((), (), (4,))) is None
    assert window.statusBar().currentMessage() == (
        "1 \u201cread and understood\u201d confirmation kept while your notes database could not be written is now "
        "recorded, with the time you confirmed.")
    assert show_recovery_notice(window, Imported((1, 2), (), (5, 6))) is None
    message = window.statusBar().currentMessage()
    assert message.startswith("2 notes kept while your notes database could not be written are now in your notes. ")
    assert message.endswith("2 \u201cread and understood\u201d confirmations kept while your notes database could "
                            "not be written are now recorded, with the time you confirmed.")
