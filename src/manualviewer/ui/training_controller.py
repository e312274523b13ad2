"""Training mode's one place that changes state: the scenario being run (a pure TrainingSession),
the trainee, the marks so far, and the training records.

Training never reaches the live notes or the escalation outbox: the only store it opens is the
training database (paths.training_database_path()), and it never builds a delivery channel.
An escalation raised in training is kept in the training database as "would be sent to the
line manager" and goes nowhere else."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from manualviewer.core.content.glossary import glossary_of
from manualviewer.core.content.library import Library
from manualviewer.core.problems import Severity
from manualviewer.core.procedures import (
    EscalationDraft,
    NoteDraft,
    Procedure,
    RunError,
    check_note,
    compose_escalations,
    compose_note,
    content_version,
    customer_reference,
)
from manualviewer.core.procedures.loader import load_library_procedures
from manualviewer.core.training import (
    Attempt,
    Feedback,
    Grade,
    Scenario,
    StepGrade,
    TrainingSession,
    debrief_csv,
    load_library_scenarios,
    validate_scenario,
)
from manualviewer.storage.notes import NewNote, StoredNote
from manualviewer.storage.outbox import Escalation
from manualviewer.storage.stores import Stores
from manualviewer.ui.main_window import MainWindow
from manualviewer.ui.training_models import ScenarioInfo

Clock = Callable[[], dt.datetime]
StoresOpener = Callable[[], Stores]
LibraryProvider = Callable[[], Library]

# Escalations raised in training are addressed here: .invalid can never be delivered (RFC 2606),
# and nothing in training would try.
TRAINING_RECIPIENT = "Line manager (training only - never sent) <line.manager@training.invalid>"
ATTEMPTS_KEY = "training.attempts"
TRAINING_MARK = "TRAINING - not a real call"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def open_training_stores() -> Stores:
    from manualviewer.storage import paths
    from manualviewer.storage.stores import open_stores

    return open_stores(paths.training_database_path())


class TrainingController(QObject):
    mode_changed = Signal(bool)
    session_changed = Signal()
    feedback_given = Signal(object)  # Feedback
    note_saved = Signal(int)
    finished = Signal(object)  # Attempt
    attempts_changed = Signal()
    message = Signal(str)

    def __init__(
        self,
        window: MainWindow,
        library_provider: LibraryProvider | None = None,
        *,
        stores_opener: StoresOpener = open_training_stores,
        clock: Clock = _now,
    ) -> None:
        super().__init__(window)
        self.window = window
        self._library_provider = library_provider or (lambda: window.library)
        self._stores_opener = stores_opener
        self._stores: Stores | None = None
        self.stores_error = ""
        self.clock = clock
        self._loaded_for: object = None
        self._scenarios: dict[str, Scenario] = {}
        self._procedures: dict[str, Procedure] = {}
        self._problems: dict[str, str] = {}
        self.active = False
        self.session: TrainingSession | None = None
        self.trainee = ""
        self.marks: dict[str, Feedback] = {}
        self.last_feedback: Feedback | None = None
        self.saved_note: StoredNote | None = None
        self.held_escalations: list[tuple[EscalationDraft, Escalation]] = []
        self.attempt: Attempt | None = None  # set when the scenario is finished
        self._attempts: list[Attempt] | None = None

    # --- the library ------------------------------------------------------------------------
    @property
    def library(self) -> Library:
        return self._library_provider()

    def _load(self) -> None:
        library = self.library
        if library is self._loaded_for:
            return
        procedures, _ = load_library_procedures(library)
        scenarios, _ = load_library_scenarios(library)
        problems: dict[str, str] = {}
        for scenario in scenarios.values():
            errors = [p for p in validate_scenario(scenario, procedures, library.resolve)
                      if p.severity is Severity.ERROR]
            if errors:
                problems[scenario.id] = errors[0].message
        self._procedures, self._scenarios, self._problems = procedures, scenarios, problems
        self._loaded_for = library

    @property
    def scenarios(self) -> dict[str, Scenario]:
        self._load()
        return self._scenarios

    @property
    def procedures(self) -> dict[str, Procedure]:
        self._load()
        return self._procedures

    def scenario_infos(self) -> list[ScenarioInfo]:
        self._load()
        manuals = {m.path.resolve(): m.title for m in self.library.manuals.values()}
        rows = []
        for scenario in self._scenarios.values():
            procedure = self._procedures.get(scenario.procedure)
            manual = manuals.get(scenario.path.resolve().parent.parent, "")
            rows.append(ScenarioInfo(
                scenario,
                procedure.title if procedure else f"{scenario.procedure} (not in this library)",
                manual,
                self._problems.get(scenario.id, ""),
            ))
        return rows

    def titles(self) -> dict[str, str]:
        return {s.id: s.title for s in self.scenarios.values()}

    def section_title(self, section_id: str) -> str:
        section = self.library.get(section_id)
        return section.title if section else "(not in this library)"

    def open_section(self, section_id: str) -> None:
        self.window.open_section(section_id)
        self.window.raise_()
        self.window.activateWindow()
        self.message.emit(f"Opened {section_id} in the viewer.")

    # --- the training store -----------------------------------------------------------------
    @property
    def stores(self) -> Stores | None:
        if self._stores is None:
            try:
                self._stores = self._stores_opener()
                self.stores_error = ""
            except Exception as exc:  # training still runs; only the records are not kept
                self.stores_error = f"The training records cannot be opened: {exc}"
                self.message.emit(self.stores_error)
        return self._stores

    def close(self) -> None:
        if self._stores is not None:
            self._stores.close()
            self._stores = None

    # --- the mode ---------------------------------------------------------------------------
    def enter(self) -> None:
        if not self.active:
            self.active = True
            self.mode_changed.emit(True)

    def leave(self) -> None:
        self.session = None
        self.attempt = None
        self._reset_marks()
        if self.active:
            self.active = False
            self.mode_changed.emit(False)
        self.session_changed.emit()
        self.message.emit("Left training mode. Notes and escalations are real again.")

    # --- the session ------------------------------------------------------------------------
    @property
    def procedure(self) -> Procedure | None:
        return self.session.procedure if self.session else None

    @property
    def running(self) -> bool:
        """A scenario is on screen and not yet finished."""
        return self.session is not None and self.attempt is None

    def start(self, scenario_id: str, trainee: str) -> bool:
        trainee = " ".join(trainee.split())
        scenario = self.scenarios.get(scenario_id)
        if not trainee:
            self.message.emit("Type the trainee's name first: it goes on the debrief and the trainer's records.")
            return False
        if scenario is None:
            self.message.emit(f"There is no training scenario called {scenario_id!r} in this library.")
            return False
        procedure = self.procedures.get(scenario.procedure)
        if procedure is None or scenario_id in self._problems:
            why = self._problems.get(scenario_id) or f"its checklist {scenario.procedure!r} is not in this library"
            self.message.emit(f"\u201c{scenario.title}\u201d cannot be run: {why}.")
            return False
        self.enter()
        self.trainee = trainee
        self.session = TrainingSession.start(scenario, procedure, self.clock())
        self.attempt = None
        self._reset_marks()
        self.session_changed.emit()
        self.message.emit(f"Training: \u201c{scenario.title}\u201d for {trainee}. Nothing here is a real call.")
        return True

    def _reset_marks(self) -> None:
        self.marks = {}
        self.last_feedback = None
        self.saved_note = None
        self.held_escalations = []

    def reveal_next(self) -> bool:
        if self.session is None or self.session.next_turn is None or self.attempt is not None:
            return False
        self.session = self.session.reveal_next()
        self.session_changed.emit()
        return True

    def answer(self, step_id: str, value: object) -> Feedback:
        """Raises AnswerError/RunError when the step cannot take the value (nothing is marked)."""
        assert self.session is not None
        self.session, feedback = self.session.answer(step_id, value, self.clock())
        return self._after(feedback)

    def jump(self, step_id: str) -> Feedback:
        assert self.session is not None
        self.session, feedback = self.session.jump(step_id, self.clock())
        return self._after(feedback)

    def _after(self, feedback: Feedback) -> Feedback:
        assert self.session is not None
        if feedback.graded:
            self.marks[feedback.step] = feedback
        # Marks for steps no longer on the path (an answer changed) no longer apply.
        visited = {v.step_id for v in self.session.run.visits}
        self.marks = {k: v for k, v in self.marks.items() if k in visited}
        self.last_feedback = feedback
        self.session_changed.emit()
        self.feedback_given.emit(feedback)
        return feedback

    def back(self) -> bool:
        if self.session is None or self.saved_note is not None or self.attempt is not None:
            return False
        try:
            self.session = self.session.back()
        except RunError:
            return False
        current = self.session.current_step.id
        self.marks.pop(current, None)
        self.last_feedback = None
        self.session_changed.emit()
        return True

    def jumps(self) -> list[tuple[str, str]]:
        if self.session is None or self.saved_note is not None or self.attempt is not None:
            return []
        run = self.session.run
        visited = {v.step_id for v in run.visits}
        result = []
        for step_id in run.procedure.allow_out_of_order:
            step = run.procedure.step(step_id)
            if step is not None and step_id not in visited:
                result.append((step_id, step.title))
        return result

    # --- the training note and escalations -------------------------------------------------------
    def note_draft(self) -> NoteDraft:
        assert self.session is not None
        run = self.session.run
        return compose_note(run, officer=self.trainee, content_version=content_version(run.procedure, self.library))

    def check(self, text: str) -> list[Any]:
        from manualviewer.core.settings import Settings

        defaults = Settings()  # the user's own words list is theirs; training checks with the defaults
        return list(check_note(text, defaults.note_check_words, defaults.known_abbreviations,
                               glossary_of(self.library).abbreviations()))

    def save_note(self, text: str) -> StoredNote:
        """Save the note to the training database, and keep each escalation there as "would be
        sent". Raises NoteError, or RuntimeError when the training records cannot be opened."""
        assert self.session is not None and self.session.finished
        stores = self.stores
        if stores is None:
            raise RuntimeError(self.stores_error)
        run = self.session.run
        draft = self.note_draft()
        record = dict(draft.record)
        record["training"] = {"scenario": self.session.scenario.id, "trainee": self.trainee}
        record["note_edited"] = text.strip() != draft.text.strip()
        stored = stores.notes.add(NewNote(
            officer=self.trainee,
            text=text.strip(),
            customer_reference=customer_reference(run) or "",
            procedure_id=run.procedure.id,
            procedure_version=str(run.procedure.version),
            content_version=str(record.get("content_version", "")),
            record_json=json.dumps(record, ensure_ascii=False),
        ))
        self.saved_note = stored
        held = []
        for escalation in compose_escalations(run, NoteDraft(stored.text, record), officer=self.trainee):
            body = (f"{TRAINING_MARK}. This message was never sent: it is kept in the training records only.\n\n"
                    + escalation.body)
            held.append((escalation, stores.outbox.enqueue(TRAINING_RECIPIENT, f"[TRAINING] {escalation.subject}",
                                                           body)))
        self.held_escalations = held
        self.session_changed.emit()
        self.note_saved.emit(stored.id)
        kept = f" and {len(held)} escalation{'s' if len(held) != 1 else ''}" if held else ""
        self.message.emit(f"Training note {stored.id}{kept} kept in the training records only. Nothing was sent.")
        return stored

    # --- finishing and the records -------------------------------------------------------------
    def finish(self) -> Attempt | None:
        if self.session is None:
            return None
        if self.attempt is not None:
            return self.attempt
        now = self.clock()
        grade = self.session.finish(now)
        self.attempt = Attempt(self.trainee, grade, now.astimezone().date())
        self._remember(self.attempt)
        self.session_changed.emit()
        self.finished.emit(self.attempt)
        return self.attempt

    def attempts(self) -> list[Attempt]:
        if self._attempts is None:
            self._attempts = []
            stores = self.stores
            text = stores.session.get(ATTEMPTS_KEY) if stores is not None else None
            if text:
                try:
                    self._attempts = [attempt_from_json(a) for a in json.loads(text)]
                except (ValueError, KeyError, TypeError):
                    self.message.emit("The trainer's records could not be read; new attempts are kept from now on.")
        return list(self._attempts)

    def _remember(self, attempt: Attempt) -> None:
        attempts = [*self.attempts(), attempt]
        self._attempts = attempts
        stores = self.stores
        if stores is not None:
            stores.session.set(ATTEMPTS_KEY, json.dumps([attempt_to_json(a) for a in attempts]))
        self.attempts_changed.emit()

    def records_csv(self) -> str:
        return debrief_csv(self.attempts())

    def export_csv(self, path: str | Path) -> Path:
        target = Path(path)
        # utf-8-sig: spreadsheet programs then read names with accents correctly.
        target.write_text(self.records_csv(), encoding="utf-8-sig", newline="")
        self.message.emit(f"Saved the trainer's records to {target}")
        return target


# --- attempts as JSON, for the trainer's records --------------------------------------------------
def attempt_to_json(attempt: Attempt) -> dict[str, Any]:
    grade = attempt.grade
    return {
        "trainee": attempt.trainee,
        "date": attempt.date.isoformat(),
        "scenario": grade.scenario,
        "procedure": grade.procedure,
        "steps": [
            {"step": s.step, "title": s.title, "given": s.given, "expected": s.expected, "correct": s.correct,
             "reason": s.reason, "section": s.section, "reached": s.reached}
            for s in grade.steps
        ],
        "path": list(grade.path),
        "expected_path": list(grade.expected_path),
        "finished": grade.finished,
        "stopped_at": grade.stopped_at,
        "stop_reason": grade.stop_reason,
        "unused": list(grade.unused),
        "time_taken": grade.time_taken.total_seconds() if grade.time_taken is not None else None,
    }


def attempt_from_json(data: Mapping[str, Any]) -> Attempt:
    seconds = data.get("time_taken")
    grade = Grade(
        scenario=str(data["scenario"]),
        procedure=str(data["procedure"]),
        steps=tuple(
            StepGrade(str(s["step"]), str(s["title"]), s["given"], s["expected"], bool(s["correct"]),
                      str(s["reason"]), str(s["section"]), bool(s["reached"]))
            for s in data["steps"]
        ),
        path=tuple(data["path"]),
        expected_path=tuple(data["expected_path"]),
        finished=bool(data["finished"]),
        stopped_at=data.get("stopped_at"),
        stop_reason=str(data.get("stop_reason", "")),
        unused=tuple(data.get("unused", ())),
        time_taken=dt.timedelta(seconds=float(seconds)) if seconds is not None else None,
    )
    return Attempt(str(data["trainee"]), grade, dt.date.fromisoformat(str(data["date"])))
