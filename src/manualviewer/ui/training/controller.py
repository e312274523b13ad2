"""Training mode's adapter between the window and services.training_session: it calls the
TrainingService and re-emits what changed as Qt signals (`changed` carries the whole
TrainingChanges; mode_changed, session_changed, finished and message stay because the window,
the Training panel and the tests connect to them).

The rules (training never reaches the live notes or the outbox; escalations are kept as "would
be sent") are the service's; nothing here decides anything."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from manualviewer.core.content.library import Library
from manualviewer.core.procedures import EscalationDraft, NoteDraft, NoteWarning, Procedure
from manualviewer.core.training import Attempt, Feedback, Scenario, TrainingSession
from manualviewer.core.training.records import attempt_from_json, attempt_to_json
from manualviewer.services.training_session import (
    ATTEMPTS_KEY,
    TRAINING_MARK,
    TRAINING_RECIPIENT,
    Clock,
    LibraryProvider,
    ScenarioInfo,
    StoresOpener,
    TrainingChanges,
    TrainingService,
    open_training_stores,
    utc_now,
)
from manualviewer.storage.notes import StoredNote
from manualviewer.storage.outbox import Escalation
from manualviewer.storage.stores import Stores
from manualviewer.ui.reading.main_window import MainWindow

__all__ = [
    "ATTEMPTS_KEY", "TRAINING_MARK", "TRAINING_RECIPIENT", "Clock", "LibraryProvider", "StoresOpener",
    "TrainingController", "attempt_from_json", "attempt_to_json", "open_training_stores",
]


class TrainingController(QObject):
    changed = Signal(object)  # TrainingChanges, after every operation that changed something
    mode_changed = Signal(bool)
    session_changed = Signal()
    finished = Signal(object)  # Attempt
    message = Signal(str)

    def __init__(
        self,
        window: MainWindow,
        library_provider: LibraryProvider | None = None,
        *,
        stores_opener: StoresOpener = open_training_stores,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.service = TrainingService(library_provider or (lambda: window.library), stores_opener=stores_opener,
                                       clock=clock, report=self.message.emit)

    def _apply(self, changes: TrainingChanges) -> TrainingChanges:
        """Tell the window what changed, in the order the widgets expect."""
        if changes.mode:
            self.mode_changed.emit(self.service.state.active)
        if changes.session:
            self.session_changed.emit()
        if changes.finished is not None:
            self.finished.emit(changes.finished)
        if changes.message:
            self.message.emit(changes.message)
        if changes != TrainingChanges() and not (changes.refused and not changes.message):
            self.changed.emit(changes)
        return changes

    # --- what the service knows ---------------------------------------------------------------
    @property
    def clock(self) -> Clock:
        return self.service.clock

    @property
    def library(self) -> Library:
        return self.service.library

    @property
    def scenarios(self) -> dict[str, Scenario]:
        return self.service.scenarios

    @property
    def procedures(self) -> dict[str, Procedure]:
        return self.service.procedures

    def scenario_infos(self) -> list[ScenarioInfo]:
        return self.service.scenario_infos()

    def titles(self) -> dict[str, str]:
        return self.service.titles()

    def section_title(self, section_id: str) -> str:
        return self.service.section_title(section_id)

    @property
    def stores(self) -> Stores | None:
        return self.service.stores

    @property
    def stores_error(self) -> str:
        return self.service.stores_error

    def close(self) -> None:
        self.service.close()

    # --- the state, read-only -----------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.service.state.active

    @property
    def session(self) -> TrainingSession | None:
        return self.service.state.session

    @property
    def trainee(self) -> str:
        return self.service.state.trainee

    @property
    def marks(self) -> dict[str, Feedback]:
        return dict(self.service.state.marks)

    @property
    def last_feedback(self) -> Feedback | None:
        return self.service.state.last_feedback

    @property
    def saved_note(self) -> StoredNote | None:
        return self.service.state.saved_note

    @property
    def held_escalations(self) -> list[tuple[EscalationDraft, Escalation]]:
        return list(self.service.state.held_escalations)

    @property
    def attempt(self) -> Attempt | None:
        return self.service.state.attempt

    @property
    def procedure(self) -> Procedure | None:
        session = self.session
        return session.procedure if session else None

    @property
    def running(self) -> bool:
        """A scenario is on screen and not yet finished."""
        return self.service.state.running

    # --- operations ---------------------------------------------------------------------------
    def open_section(self, section_id: str) -> None:
        self.window.open_section(section_id)
        self.window.raise_()
        self.window.activateWindow()
        self.message.emit(f"Opened {section_id} in the viewer.")

    def enter(self) -> None:
        self._apply(self.service.enter())

    def leave(self) -> None:
        self._apply(self.service.leave())

    def start(self, scenario_id: str, trainee: str) -> bool:
        """Start a scenario and open its guidance in the reading pane, beside the Training panel."""
        started = not self._apply(self.service.start(scenario_id, trainee)).refused
        if started:
            self.open_guidance()
        return started

    def open_guidance(self) -> bool:
        """The scenario's guidance in the reading pane; False when the library does not hold it."""
        section_id = self.service.guidance_section()
        return section_id is not None and self.window.open_section(section_id)

    def reveal_next(self) -> bool:
        return not self._apply(self.service.reveal_next()).refused

    def answer(self, step_id: str, value: object) -> Feedback:
        """Raises AnswerError/RunError when the step cannot take the value (nothing is marked)."""
        return self._feedback(self.service.answer(step_id, value))

    def jump(self, step_id: str) -> Feedback:
        return self._feedback(self.service.jump(step_id))

    def _feedback(self, changes: TrainingChanges) -> Feedback:
        self._apply(changes)
        assert changes.feedback is not None
        return changes.feedback

    def back(self) -> bool:
        return not self._apply(self.service.back()).refused

    def jumps(self) -> list[tuple[str, str]]:
        return self.service.jumps()

    def note_draft(self) -> NoteDraft:
        return self.service.note_draft()

    def check(self, text: str) -> list[NoteWarning]:
        return self.service.check(text)

    def save_note(self, text: str) -> StoredNote:
        """Raises NoteError, or RuntimeError when the training records cannot be opened."""
        self._apply(self.service.save_note(text))
        note = self.saved_note
        assert note is not None
        return note

    def finish(self) -> Attempt | None:
        self._apply(self.service.finish())
        return self.attempt

    def attempts(self) -> list[Attempt]:
        return self.service.attempts()

    def records_csv(self) -> str:
        return self.service.records_csv()

    def export_csv(self, path: str | Path) -> Path:
        self._apply(self.service.export_records(path))
        return Path(path)
