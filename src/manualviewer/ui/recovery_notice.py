"""At start, what became of the notes kept while the notes database could not be written (issue 13):
the ones imported are said in the status bar; the ones that could not be imported (a line cut
off, a damaged or refused save) are set aside in a file beside the database, and a message over
the window, which does not block it, names that file so the officer can copy the text by hand."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox

from manualviewer.storage.recovery import Imported

TITLE = "Some kept notes need your attention"


def show_recovery_notice(window: QMainWindow, imported: Imported | None) -> QMessageBox | None:
    """Say what the start-up import of kept saves did; the message (non-modal) when some could
    not be imported, else None."""
    if imported is None:
        return None
    said = []
    if imported.notes:
        count = len(imported.notes)
        said.append(f"{count} note{'s' if count != 1 else ''} kept while your notes database could not be written "
                    f"{'are' if count != 1 else 'is'} now in your notes.")
    if imported.confirmations:
        count = len(imported.confirmations)
        said.append(f"{count} \u201cread and understood\u201d confirmation{'s' if count != 1 else ''} kept while "
                    f"your notes database could not be written {'are' if count != 1 else 'is'} now recorded, "
                    "with the time you confirmed.")
    if said:
        window.statusBar().showMessage(" ".join(said))
    if not imported.problems:
        return None
    window.statusBar().showMessage(
        "Some kept notes could not be added to your notes: they are set aside, see the message.")
    box = QMessageBox(QMessageBox.Icon.Warning, TITLE, "", QMessageBox.StandardButton.Ok, window)
    box.setText(
        "<p>Notes kept while your notes database could not be written were added to your notes, "
        "except these. <b>They are not lost</b>:</p>"
        + "".join(f"<p>{html.escape(problem)}</p>" for problem in imported.problems)
        + "<p>Nothing else is needed to keep working.</p>")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # the file name, to copy
    box.setModal(False)  # the window stays usable: this is something to do, not a question
    box.show()
    return box
