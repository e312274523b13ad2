"""Opening the checklist dialogs (Settings, amending a note, the escalation form) with what they need, for the
controller, which keeps the dialog it opened so a new one can retire it. The dialog modules are
imported when first opened: the window starts without them."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from manualviewer.core.settings import Settings
from manualviewer.storage.notes import NoteError, StoredNote
from manualviewer.ui.steps.note_editor import NoteChecker

if TYPE_CHECKING:
    from manualviewer.core.procedures.records import EscalationDraft
    from manualviewer.storage.outbox import Escalation
    from manualviewer.ui.checklist.escalation_dialog import EscalationDialog, EscalationSender
    from manualviewer.ui.checklist.note_dialog import NoteDialog
    from manualviewer.ui.checklist.settings_dialog import SettingsDialog


def note_error_html(message: str, settings: Settings) -> str:
    """Why a note was not saved, and where to set the officer's name when that is missing."""
    text = f"<b>The note was not saved:</b> {html.escape(message)}."
    if not settings.officer_name:
        text += " Your name goes on every note: <a href='settings:officer_name'>set it in Settings</a>."
    return text


def open_settings_dialog(
    settings: Settings,
    saver: Callable[[Settings], None],
    parent: QWidget,
    *,
    error: str,
    locked: frozenset[str],
    notice: str,
    on_saved: Callable[[Settings], object],
    focus_key: str = "",
) -> SettingsDialog:
    from manualviewer.ui.checklist.settings_dialog import SettingsDialog

    dialog = SettingsDialog(settings, saver, parent, error=error, locked=locked, notice=notice)
    dialog.saved.connect(on_saved)
    dialog.open()
    dialog.focus_key(focus_key)
    return dialog


def open_amend_dialog(
    note: StoredNote,
    check: NoteChecker,
    amend: Callable[[int, str], object],
    settings: Callable[[], Settings],
    parent: QWidget,
) -> NoteDialog:
    """A correction of `note`, saved through `amend` as a new note; the dialog stays open with the
    reason when it cannot be saved."""
    from manualviewer.ui.checklist.note_dialog import NoteDialog

    dialog = NoteDialog(
        f"Amend note {note.id}",
        f"Notes are never changed once saved. Correct the text below; it is saved as a new note "
        f"that says it amends note {note.id}. The original stays as it was.",
        note.text,
        check,
        parent,
    )

    def save(text: str) -> None:
        try:
            amend(note.id, text)
        except NoteError as exc:
            dialog.editor.show_error(note_error_html(str(exc), settings()))
            return
        dialog.accept()

    dialog.saved.connect(save)
    dialog.open()
    return dialog


def open_escalation_form(
    sender: EscalationSender, draft: EscalationDraft | None, kept: Escalation | None, parent: QWidget
) -> EscalationDialog:
    """The review-and-send form for one of the run's concerns (`draft`) or for one kept as a draft
    in the outbox (`kept`)."""
    from manualviewer.ui.checklist.escalation_dialog import EscalationDialog

    dialog = EscalationDialog(sender, draft, parent, kept=kept)
    dialog.open()
    return dialog
