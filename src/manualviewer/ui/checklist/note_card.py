"""The end of a checklist on the Checklist panel's card: what is saved with the note, and the card
once the note is saved (its text, Copy, Show in notes, Finish, and the concerns to send)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from manualviewer.core.procedures import Run
from manualviewer.storage.notes import StoredNote
from manualviewer.ui.widgets import label as _label
from manualviewer.ui.widgets import scaled_font as _scaled_font


def record_summary(run: Run, officer_name: str) -> str:
    officer = officer_name or "(your name is not set)"
    answered = len(run.answered)
    return (f"Saved with the note: checklist \u201c{run.procedure.title}\u201d version {run.procedure.version}, "
            f"guidance {', '.join(run.procedure.cited_sections()) or 'none'}, {answered} answer"
            f"{'s' if answered != 1 else ''} with their times, officer {officer}.")


def add_saved_note_card(card: QWidget, layout: QVBoxLayout, note: StoredNote, concerns: int, *,
                        copy: Callable[[], object], show_notes: Callable[[], object],
                        finish: Callable[[], object], send: Callable[[], object]) -> QPushButton:
    """Fill `layout` (of `card`) with the saved note; returns the Finish button."""
    title = _label(f"Note {note.id} is saved", card, name="Note saved")
    title.setFont(_scaled_font(title, 1.3))
    layout.addWidget(title)
    layout.addWidget(_label(
        "Paste it into the case system if you need to: Copy note text puts it on the clipboard. "
        "Notes are never changed once saved; to correct one, use Amend in the Notes panel.", card))
    text = QPlainTextEdit(card)
    text.setReadOnly(True)
    text.setPlainText(note.text)
    text.setAccessibleName("The saved note")
    layout.addWidget(text, 1)
    row = QHBoxLayout()
    copy_button = QPushButton("&Copy note text", card)
    copy_button.setAccessibleName("Copy note text")
    copy_button.clicked.connect(lambda: copy())
    notes = QPushButton("Show in &notes", card)
    notes.setAccessibleName("Show in notes")
    notes.clicked.connect(lambda: show_notes())
    done = QPushButton("&Finish", card)
    done.setAccessibleName("Finish: close this checklist")
    done.clicked.connect(lambda: finish())
    for button in (copy_button, notes, done):
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
    if concerns:
        # Not "line manager": the guidance may name local management or an advisory service.
        send_button = QPushButton(f"Review and send the concern ({concerns} not sent yet)...", card)
        send_button.setAccessibleName("Review and send the concern")
        send_button.clicked.connect(lambda: send())
        layout.addWidget(send_button, 0, Qt.AlignmentFlag.AlignLeft)
    return done


def add_note_intro(card: QWidget, layout: QVBoxLayout, concerns: int, *, name_set: bool,
                   on_link: Callable[[str], object]) -> QLabel:
    """Above the note editor: what the note is, a notice when the officer's name is not set (the
    label returned, shown again once it is), and the concerns to send once it is saved."""
    layout.addWidget(_label(
        "This is the note of what you did. Read it, change anything that is not right, then save it. "
        "It is saved with a record of every answer, when you gave it, and the guidance you followed.",
        card))
    officer_notice = _label(
        "<b>Your name is not set.</b> Every note carries the officer's name: "
        "<a href='settings:officer_name'>set it in Settings</a> (Ctrl+,).", card, rich=True,
        name="Your name is not set")
    officer_notice.linkActivated.connect(lambda link: on_link(link))
    officer_notice.setVisible(not name_set)
    layout.addWidget(officer_notice)
    if concerns:
        layout.addWidget(_label(
            f"You raised {concerns} concern{'s' if concerns != 1 else ''}. After you save the note you will see "
            "the message, addressed as the guidance says, and send it.", card, name="Concerns raised"))
    return officer_notice
