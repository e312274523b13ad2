"""Training mode's use cases, without Qt: a trainee's session against a scenario (start, reveal
the next turn, answer with feedback, back, jump out of order, finish with a grade), the training
note and the escalations it would raise, and the trainer's records.

Every operation updates one frozen TrainingState and returns a TrainingChanges saying what
changed, which the window reacts to (Anki's operations are the model).

Training never reaches the live notes or the escalation outbox: the only store it opens is the
training database (paths.training_database_path()), and it never builds a delivery channel.
An escalation raised in training is kept in the training database as "would be sent to the
line manager", addressed where it can never be delivered, and goes nowhere else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from manualviewer.core.content.glossary import glossary_of
from manualviewer.core.content.library import Library
from manualviewer.core.problems import Severity
from manualviewer.core.procedures import (
    EscalationDraft,
    NoteDraft,
    NoteWarning,
    Procedure,
    RunError,
    check_note,
    compose_note,
    content_version,
    customer_reference,
)
from manualviewer.core.procedures.loader import load_library_procedures
from manualviewer.core.training import (
    Attempt,
    Feedback,
    Scenario,
    TrainingSession,
    debrief_csv,
    load_library_scenarios,
    validate_scenario,
)
from manualviewer.core.training.records import attempts_from_text, attempts_to_text
from manualviewer.services.finish_run import finish_run, queue_escalations, store_note
from manualviewer.storage.notes import StoredNote
from manualviewer.storage.outbox import Escalation
from manualviewer.storage.stores import Stores

Clock = Callable[[], dt.datetime]
StoresOpener = Callable[[], Stores]
LibraryProvider = Callable[[], Library]
Report = Callable[[str], None]

# Escalations raised in training are addressed here: .invalid can never be delivered (RFC 2606),
# and nothing in training would try.
TRAINING_RECIPIENT = "Line manager (training only - never sent) <line.manager@training.invalid>"
ATTEMPTS_KEY = "training.attempts"
TRAINING_MARK = "TRAINING - not a real call"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def open_training_stores() -> Stores:
    """The training database: never the live one."""
    from manualviewer.storage import paths
    from manualviewer.storage.stores import open_stores

    return open_stores(paths.training_database_path())


@dataclass(frozen=True)
class ScenarioInfo:
    """A scenario as the picker lists it."""

    scenario: Scenario
    procedure_title: str
    manual_title: str
    problem: str = ""  # why it cannot be run (its checklist is missing or has errors)


@dataclass(frozen=True)
class TrainingState:
    active: bool = False  # training mode is on
    session: TrainingSession | None = None
    trainee: str = ""
    marks: Mapping[str, Feedback] = field(default_factory=dict)  # graded steps on the current path
    last_feedback: Feedback | None = None
    saved_note: StoredNote | None = None
    held_escalations: tuple[tuple[EscalationDraft, Escalation], ...] = ()  # kept, never sent
    attempt: Attempt | None = None  # set when the scenario is finished

    @property
    def running(self) -> bool:
        """A scenario is on screen and not yet finished."""
        return self.session is not None and self.attempt is None

    @property
    def can_move(self) -> bool:
        """Steps can still be answered again (the note is not saved, the scenario not finished)."""
        return self.session is not None and self.saved_note is None and self.attempt is None


@dataclass(frozen=True)
class TrainingChanges:
    """What an operation changed, for the window to show."""

    mode: bool = False  # training mode went on or off (TrainingState.active says which)
    session: bool = False  # the session, the marks, the note or the attempt
    feedback: Feedback | None = None  # the feedback on the answer just given
    note_saved: int | None = None  # the training note just kept
    finished: Attempt | None = None  # the attempt just finished
    attempts: bool = False  # the trainer's records
    message: str = ""  # for the status line
    refused: bool = False  # nothing was done (the message says why, when there is one)


REFUSED = TrainingChanges(refused=True)


def _refused(message: str) -> TrainingChanges:
    return TrainingChanges(message=message, refused=True)


class TrainingService:
    """The one place training state changes. `state` is the current TrainingState."""

    def __init__(
        self,
        library_provider: LibraryProvider,
        *,
        stores_opener: StoresOpener = open_training_stores,
        clock: Clock = utc_now,
        report: Report = lambda _text: None,
    ) -> None:
        self._library_provider = library_provider
        self._stores_opener = stores_opener
        self._stores: Stores | None = None
        self.stores_error = ""
        self.clock = clock
        self.report = report  # problems with the training records, which do not stop training
        self.state = TrainingState()
        self._loaded_for: object = None
        self._scenarios: dict[str, Scenario] = {}
        self._procedures: dict[str, Procedure] = {}
        self._problems: dict[str, str] = {}
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
            rows.append(ScenarioInfo(
                scenario,
                procedure.title if procedure else f"{scenario.procedure} (not in this library)",
                manuals.get(scenario.path.resolve().parent.parent, ""),
                self._problems.get(scenario.id, ""),
            ))
        return rows

    def titles(self) -> dict[str, str]:
        return {s.id: s.title for s in self.scenarios.values()}

    def section_title(self, section_id: str) -> str:
        section = self.library.get(section_id)
        return section.title if section else "(not in this library)"

    def guidance_section(self) -> str | None:
        """The scenario's guidance to open beside it: its checklist's first section the library
        holds, else the first one its answers cite; None when the library holds none."""
        session = self.state.session
        if session is None:
            return None
        sections = (*session.procedure.sections, *session.scenario.sections)
        return next((s for s in sections if self.library.get(s) is not None), None)

    # --- the training store -----------------------------------------------------------------
    @property
    def stores(self) -> Stores | None:
        """The training database, opened on first use; None (and reported) when it cannot be."""
        if self._stores is None:
            try:
                self._stores = self._stores_opener()
                self.stores_error = ""
            except Exception as exc:  # training still runs; only the records are not kept
                self.stores_error = f"The training records cannot be opened: {exc}"
                self.report(self.stores_error)
        return self._stores

    def close(self) -> None:
        if self._stores is not None:
            self._stores.close()
            self._stores = None

    # --- the mode ---------------------------------------------------------------------------
    def enter(self) -> TrainingChanges:
        if self.state.active:
            return TrainingChanges()
        self.state = replace(self.state, active=True)
        return TrainingChanges(mode=True)

    def leave(self) -> TrainingChanges:
        was_active = self.state.active
        self.state = replace(self._cleared(), session=None, attempt=None, active=False)
        return TrainingChanges(mode=was_active, session=True,
                               message="Left training mode. Notes and escalations are real again.")

    def _cleared(self) -> TrainingState:
        """The state without marks, feedback, note or held escalations."""
        return replace(self.state, marks={}, last_feedback=None, saved_note=None, held_escalations=())

    # --- the session ------------------------------------------------------------------------
    def start(self, scenario_id: str, trainee: str) -> TrainingChanges:
        trainee = " ".join(trainee.split())
        scenario = self.scenarios.get(scenario_id)
        if not trainee:
            return _refused("Type the trainee's name first: it goes on the debrief and the trainer's records.")
        if scenario is None:
            return _refused(f"There is no training scenario called {scenario_id!r} in this library.")
        procedure = self.procedures.get(scenario.procedure)
        if procedure is None or scenario_id in self._problems:
            why = self._problems.get(scenario_id) or f"its checklist {scenario.procedure!r} is not in this library"
            return _refused(f"\u201c{scenario.title}\u201d cannot be run: {why}.")
        entered = self.enter()
        session = TrainingSession.start(scenario, procedure, self.clock())
        self.state = replace(self._cleared(), trainee=trainee, session=session, attempt=None)
        return TrainingChanges(
            mode=entered.mode, session=True,
            message=f"Training: \u201c{scenario.title}\u201d for {trainee}. Nothing here is a real call.")

    def reveal_next(self) -> TrainingChanges:
        session = self.state.session
        if session is None or session.next_turn is None or self.state.attempt is not None:
            return REFUSED
        self.state = replace(self.state, session=session.reveal_next())
        return TrainingChanges(session=True)

    def answer(self, step_id: str, value: object) -> TrainingChanges:
        """Raises AnswerError/RunError when the step cannot take the value (nothing is marked)."""
        session = self.state.session
        assert session is not None
        session, feedback = session.answer(step_id, value, self.clock())
        return self._after(session, feedback)

    def jump(self, step_id: str) -> TrainingChanges:
        """Go to a step the procedure allows out of order. Raises RunError."""
        session = self.state.session
        assert session is not None
        session, feedback = session.jump(step_id, self.clock())
        return self._after(session, feedback)

    def _after(self, session: TrainingSession, feedback: Feedback) -> TrainingChanges:
        marks = dict(self.state.marks)
        if feedback.graded:
            marks[feedback.step] = feedback
        # Marks for steps no longer on the path (an answer changed) no longer apply.
        visited = {v.step_id for v in session.run.visits}
        marks = {k: v for k, v in marks.items() if k in visited}
        self.state = replace(self.state, session=session, marks=marks, last_feedback=feedback)
        return TrainingChanges(session=True, feedback=feedback)

    def back(self) -> TrainingChanges:
        state = self.state
        if state.session is None or not state.can_move:
            return REFUSED
        try:
            session = state.session.back()
        except RunError:
            return REFUSED
        marks = {k: v for k, v in state.marks.items() if k != session.current_step.id}
        self.state = replace(state, session=session, marks=marks, last_feedback=None)
        return TrainingChanges(session=True)

    def jumps(self) -> list[tuple[str, str]]:
        """The out-of-order steps the trainee can still go to: (step ID, title)."""
        session = self.state.session
        if session is None or not self.state.can_move:
            return []
        run = session.run
        visited = {v.step_id for v in run.visits}
        result = []
        for step_id in run.procedure.allow_out_of_order:
            step = run.procedure.step(step_id)
            if step is not None and step_id not in visited:
                result.append((step_id, step.title))
        return result

    # --- the training note and escalations -------------------------------------------------------
    def note_draft(self) -> NoteDraft:
        session = self.state.session
        assert session is not None
        run = session.run
        return compose_note(run, officer=self.state.trainee,
                            content_version=content_version(run.procedure, self.library))

    def check(self, text: str) -> list[NoteWarning]:
        from manualviewer.core.settings import Settings

        defaults = Settings()  # the user's own words list is theirs; training checks with the defaults
        session = self.state.session
        typed = [customer_reference(session.run) or ""] if session is not None else []
        return list(check_note(text, defaults.note_check_words, defaults.known_abbreviations,
                               glossary_of(self.library).abbreviations(), typed=typed))

    def save_note(self, text: str) -> TrainingChanges:
        """Keep the note in the training database, and each escalation there as "would be sent"
        (finish_run, as live notes are made, but stored only here and addressed where nothing can
        be delivered). Raises NoteError, or RuntimeError when the training records cannot be opened."""
        session = self.state.session
        assert session is not None and session.finished
        stores = self.stores
        if stores is None:
            raise RuntimeError(self.stores_error)
        run = session.run
        trainee = self.state.trainee
        finished = finish_run(run, officer=trainee, content_version=content_version(run.procedure, self.library),
                              text=text, extra={"training": {"scenario": session.scenario.id, "trainee": trainee}})
        stored = store_note(stores.notes, run, finished, officer=trainee)
        queued = queue_escalations(
            stores.outbox, finished.escalations, to=TRAINING_RECIPIENT, subject_prefix="[TRAINING] ",
            body_prefix=f"{TRAINING_MARK}. This message was never sent: it is kept in the training records only.\n\n")
        held = list(zip(finished.escalations, queued, strict=True))
        self.state = replace(self.state, saved_note=stored, held_escalations=tuple(held))
        kept = f" and {len(held)} escalation{'s' if len(held) != 1 else ''}" if held else ""
        return TrainingChanges(
            session=True, note_saved=stored.id,
            message=f"Training note {stored.id}{kept} kept in the training records only. Nothing was sent.")

    # --- finishing and the records -------------------------------------------------------------
    def finish(self) -> TrainingChanges:
        """Grade the session as it stands (steps not reached count as not right) and add the
        attempt to the trainer's records. Finishing twice changes nothing."""
        state = self.state
        if state.session is None or state.attempt is not None:
            return REFUSED
        now = self.clock()
        attempt = Attempt(state.trainee, state.session.finish(now), now.astimezone().date())
        self._remember(attempt)
        self.state = replace(self.state, attempt=attempt)
        return TrainingChanges(session=True, finished=attempt, attempts=True)

    def attempts(self) -> list[Attempt]:
        if self._attempts is None:
            self._attempts = []
            stores = self.stores
            text = stores.session.get(ATTEMPTS_KEY) if stores is not None else None
            if text:
                try:
                    self._attempts = attempts_from_text(text)
                except (ValueError, KeyError, TypeError):
                    self.report("The trainer's records could not be read; new attempts are kept from now on.")
        return list(self._attempts)

    def _remember(self, attempt: Attempt) -> None:
        attempts = [*self.attempts(), attempt]
        self._attempts = attempts
        stores = self.stores
        if stores is not None:
            stores.session.set(ATTEMPTS_KEY, attempts_to_text(attempts))

    def records_csv(self) -> str:
        return debrief_csv(self.attempts())

    def export_records(self, path: str | Path) -> TrainingChanges:
        """Write the trainer's records as CSV to `path`. Raises OSError."""
        target = Path(path)
        # utf-8-sig: spreadsheet programs then read names with accents correctly.
        target.write_text(self.records_csv(), encoding="utf-8-sig", newline="")
        return TrainingChanges(message=f"Saved the trainer's records to {target}")
