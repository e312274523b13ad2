"""What a checklist operation changed, for the window to show (the `changed` value of the
Anki-style operations in checklist_session.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SessionChange:
    """What an operation changed, for the window to show. Empty: nothing changed."""

    run: bool = False  # the run on screen (or that there is none)
    saved_runs: bool = False  # the unfinished runs saved for later
    notes: bool = False
    escalations: bool = False  # the outbox, or whether a delivery is running
    settings: bool = False
    note_saved: int | None = None  # the note a finished run just produced
    message: str = ""  # a sentence for the status bar
    dropped: tuple[str, ...] = ()  # titles of later steps whose answers no longer applied
    note_lines: tuple[str, ...] = ()  # lines to add to a note the officer has edited (a late answer)

    def __or__(self, other: SessionChange) -> SessionChange:
        return SessionChange(
            run=self.run or other.run,
            saved_runs=self.saved_runs or other.saved_runs,
            notes=self.notes or other.notes,
            escalations=self.escalations or other.escalations,
            settings=self.settings or other.settings,
            note_saved=other.note_saved if other.note_saved is not None else self.note_saved,
            message=other.message or self.message,
            dropped=self.dropped + other.dropped,
            note_lines=self.note_lines + other.note_lines,
        )
