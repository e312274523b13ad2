"""The running checklist, without Qt: start, answer, back, jump out of order, resume a saved run,
save or amend the note (and keep the note as it is typed), queue and deliver escalations.

Like Anki's operations, every method that changes something returns a `SessionChange` saying
what changed (the run, the saved runs, the notes, the outbox, the settings) and a sentence for
the status bar; the window's adapter (ui/checklist/controller.py) shows it. The run is saved after every
change (storage/runs.py), so a crash resumes where it stopped. The run's concerns (queue, keep as a
draft, send a draft, deliver) are in session_concerns.py, which this class inherits."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Mapping, Sequence

from manualviewer.core.content.glossary import glossary_of
from manualviewer.core.content.library import Library
from manualviewer.core.procedures import (
    EscalationDraft,
    NoteDraft,
    NoteWarning,
    Procedure,
    Run,
    RunError,
    answer,
    back,
    check_note,
    compose_note,
    customer_reference,
    late_answer,
    out_of_order,
    start,
)
from manualviewer.core.procedures.engine import LATE_KINDS
from manualviewer.core.procedures.loader import load_library_procedures
from manualviewer.core.procedures.records import late_sentence
from manualviewer.core.settings import Settings, SettingsError
from manualviewer.services.escalation_delivery import (
    Delivery,
    database_file,
    deliver_on_own_connection,
)
from manualviewer.services.finish_run import (
    amend_note,
    finish_run,
    new_note,
    recipient_name,
    store_note,
)
from manualviewer.services.run_versions import GuidanceVersions
from manualviewer.services.saved_runs import (
    GuidanceChange,
    ResumableRun,
    restore,
    resumable_runs,
    started_guidance,
)
from manualviewer.services.session_change import SessionChange
from manualviewer.services.session_concerns import SessionConcerns
from manualviewer.storage.clock import Clock, utc_now
from manualviewer.storage.database import failure_reason
from manualviewer.storage.notes import NewNote, NoteError, StoredNote
from manualviewer.storage.outbox import Channel
from manualviewer.storage.recovery import keep, new_save, stable_save_id
from manualviewer.storage.runs import StartedGuidance
from manualviewer.storage.stores import Stores

# SessionChange, Delivery and deliver_on_own_connection are named here too: the window's adapter
# and the tests import them from the session they belong to.
__all__ = ["ChecklistSession", "Delivery", "GuidanceChange", "ResumableRun", "SessionChange",
           "deliver_on_own_connection"]

SettingsLoader = Callable[[], Settings]
ChannelFactory = Callable[[Settings], Channel]


class ChecklistSession(GuidanceVersions, SessionConcerns):
    def __init__(
        self,
        stores: Stores,
        settings_loader: SettingsLoader,
        library: Callable[[], Library],
        channel_factory: ChannelFactory,
        *,
        clock: Clock = utc_now,
        procedures: Mapping[str, Procedure] | None = None,
    ) -> None:
        self.stores = stores
        self._settings_loader = settings_loader
        self._library = library
        self.channel_factory = channel_factory
        self.clock = clock
        self._fixed_procedures = dict(procedures) if procedures is not None else None
        self._procedures: dict[str, Procedure] = {}
        self._procedures_library: object = None
        self._settings: Settings | None = None
        self.settings_error = ""
        self.run: Run | None = None
        self.run_id: str | None = None
        self.saved_note: StoredNote | None = None  # the note the current (finished) run produced
        self.escalation_drafts: list[EscalationDraft] = []  # its concerns not in the outbox yet
        # The guidance the run started on, once a newer version replaced it in the window.
        self._started_on: tuple[Library, str] | None = None
        self._kept_version = ""  # said while a resumed run follows the procedure version it started on

    # --- settings --------------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = self._settings_loader()
                self.settings_error = ""
            except SettingsError as exc:
                # The app still works on defaults; the panels say what is wrong with the file.
                self._settings = Settings()
                self.settings_error = str(exc)
        return self._settings

    def apply_settings(self, settings: Settings) -> SessionChange:
        self._settings = settings
        self.settings_error = ""
        return SessionChange(settings=True)

    # --- procedures ------------------------------------------------------------------------
    @property
    def library(self) -> Library:
        return self._library()

    @property
    def procedures(self) -> dict[str, Procedure]:
        if self._fixed_procedures is not None:
            return self._fixed_procedures
        library = self.library
        if library is not self._procedures_library:  # loaded once per library (reload = new one)
            found, _problems = load_library_procedures(library)
            self._procedures = found
            self._procedures_library = library
        return self._procedures

    def procedure_list(self) -> list[Procedure]:
        return sorted(self.procedures.values(), key=lambda p: p.title.lower())

    def procedures_for_section(self, section_id: str | None) -> list[Procedure]:
        section = self.library.get(section_id) if section_id else None
        if section is None:
            return []
        return [self.procedures[p] for p in section.procedures if p in self.procedures]

    def section_title(self, section_id: str) -> str:
        section = self.library.get(section_id)
        return section.title if section else "not in this library"

    # --- the run ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """A run is on screen and its note is not saved yet."""
        return self.run is not None and self.saved_note is None

    def start(self, procedure_id: str) -> SessionChange:
        procedure = self.procedures.get(procedure_id)
        if procedure is None:
            return SessionChange(message=f"There is no checklist called {procedure_id!r} in this library.")
        earlier = self.run if self.running else None
        self._show(start(procedure, self.clock()), uuid.uuid4().hex, started_guidance(procedure, self.library))
        if earlier is not None:
            message = (
                f"Started \u201c{procedure.title}\u201d. Your earlier checklist \u201c{earlier.procedure.title}\u201d "
                "is saved: resume it from the bar at the top of the Checklist panel."
            )
        else:
            message = f"Started the checklist \u201c{procedure.title}\u201d."
        return SessionChange(run=True, saved_runs=True, message=message)

    def answer(self, step_id: str, value: object) -> SessionChange:
        """Answer the current step or change an earlier answer; `dropped` names the later steps
        whose answers no longer applied. Raises AnswerError/RunError."""
        assert self.run is not None
        before = [v.step_id for v in self.run.answered]
        self.run = answer(self.run, step_id, value, self.clock())
        after = {v.step_id for v in self.run.answered}
        position = before.index(step_id) if step_id in before else len(before)
        dropped = [s for s in before[position + 1 :] if s not in after]
        return self._saved() | SessionChange(dropped=tuple(self._step_title(s) for s in dropped))

    def back(self) -> SessionChange:
        """One step back (its answer is cleared); nothing changes at the first step or once the
        note is saved."""
        if self.run is None or self.saved_note is not None:
            return SessionChange()
        try:
            self.run = back(self.run)
        except RunError:
            return SessionChange()
        return self._saved()

    def jumps(self) -> list[tuple[str, str]]:
        """Out-of-order steps the officer can go to now: (step ID, title)."""
        # Allowed at the note too, until it is saved: "by the way, I recorded this" comes last.
        if self.run is None or self.saved_note is not None:
            return []
        visited = {v.step_id for v in self.run.visits}
        result = []
        for step_id in self.run.procedure.allow_out_of_order:
            step = self.run.procedure.step(step_id)
            if step is not None and step_id not in visited:
                result.append((step_id, step.title))
        return result

    def jump(self, step_id: str) -> SessionChange:
        assert self.run is not None
        self.run = out_of_order(self.run, step_id, self.clock())
        return self._saved()

    def late_steps(self) -> list[tuple[str, str]]:
        """Answered steps the customer can say something more about later: (step ID, title).
        Until the note is saved; after that a correction is an amended note."""
        if self.run is None or self.saved_note is not None:
            return []
        result: dict[str, str] = {}
        for visit in self.run.answered:
            step = self.run.procedure.step(visit.step_id)
            if isinstance(step, LATE_KINDS):
                result[step.id] = step.title
        return list(result.items())

    def late_answer(self, step_id: str, value: object, said: str = "") -> SessionChange:
        """Record what the customer said later about an earlier answer: the original answer
        stays, nothing is rewound, and the concerns it leads to are raised. Raises
        AnswerError/RunError."""
        assert self.run is not None
        before = len(self.run.escalations)
        self.run = late_answer(self.run, step_id, value, self.clock(), said=said)
        message = (f"Recorded what was said later about \u201c{self._step_title(step_id)}\u201d; "
                   "the earlier answer stays in the record.")
        if len(self.run.escalations) > before:
            message += " It raises a concern: after you save the note you will see the message and send it."
        line = "- " + late_sentence(self.run, self.run.late_answers[-1])
        return self._saved() | SessionChange(message=message, note_lines=(line,))

    def close(self) -> SessionChange:
        """Put the current run away: unfinished, it stays saved for later."""
        if self.run is None:
            return SessionChange()
        if self.saved_note is not None and self.escalation_drafts:
            n = len(self.escalation_drafts)
            what = f"{n} concerns for your line manager were" if n != 1 else "a concern for your line manager was"
            message = (f"Checklist finished. Note {self.saved_note.id} is saved, but {what} not sent: "
                       "raise it with your line manager directly.")
        elif self.saved_note is not None and self.drafts(self.saved_note.id):
            n = len(self.drafts(self.saved_note.id))
            what = f"{n} concerns are drafts" if n != 1 else "its concern is a draft"
            message = (f"Checklist finished. Note {self.saved_note.id} is saved; {what}, not sent: "
                       "send it from the Escalations panel (Send now).")
        elif self.saved_note is not None:
            message = f"Checklist finished. Note {self.saved_note.id} is in the Notes panel (Ctrl+Shift+N)."
        else:
            message = "The checklist is saved: resume it from the bar at the top of the Checklist panel."
        return SessionChange(message=message) | self._clear()

    def discard(self) -> SessionChange:
        """Stop the run on screen; unfinished, it is deleted with nothing saved."""
        change = SessionChange()
        if self.run_id is not None and self.saved_note is None:
            self.stores.runs.discard(self.run_id)
            change = SessionChange(message="The checklist was discarded. Nothing was saved.")
        return change | self._clear()

    def _show(self, run: Run, run_id: str, guidance: StartedGuidance | None = None) -> None:
        self.run = run
        self._started_on = None
        self._kept_version = ""
        self.run_id = run_id
        self.saved_note = None
        self.escalation_drafts = []
        self._save_run(guidance)

    def _clear(self) -> SessionChange:
        self.run = None
        self._started_on = None
        self._kept_version = ""
        self.run_id = None
        self.saved_note = None
        self.escalation_drafts = []
        return SessionChange(run=True, saved_runs=True)

    def _saved(self) -> SessionChange:
        self._save_run()
        return SessionChange(run=True, saved_runs=True)

    def _save_run(self, guidance: StartedGuidance | None = None) -> None:
        if self.run is not None and self.run_id is not None:
            self.stores.runs.save(self.run_id, self.run.procedure.id, json.dumps(self.run.to_json()), guidance)

    def _step_title(self, step_id: str) -> str:
        step = self.run.procedure.step(step_id) if self.run else None
        return step.title if step else step_id

    # --- saved runs ------------------------------------------------------------------------
    def resumable(self) -> list[ResumableRun]:
        """Saved unfinished runs other than the one on screen, most recent first."""
        return resumable_runs(self.stores.runs, self.procedures, self.run_id)

    def resume(self, run_id: str) -> SessionChange:
        """Show a saved run again; `run` is set in the change when it is on screen."""
        saved = self.stores.runs.get(run_id)
        if saved is None:
            return SessionChange(saved_runs=True, message="That checklist is no longer saved.")
        procedure = self.procedures.get(saved.procedure_id)
        if procedure is None:
            return SessionChange(message=f"The checklist {saved.procedure_id!r} is no longer in this library.")
        try:
            run = restore(saved, procedure)
        except (RunError, ValueError) as exc:
            return SessionChange(message=f"That checklist cannot be restored: {exc}")
        self._show(run, saved.run_id)  # a replayed older version is stored in its new shape
        return SessionChange(run=True, saved_runs=True,
                             message=f"Resumed \u201c{procedure.title}\u201d at \u201c{run.current_step.title}\u201d.")

    def discard_saved(self, run_id: str) -> SessionChange:
        self.stores.runs.discard(run_id)
        if run_id == self.run_id:
            return self._clear()
        return SessionChange(saved_runs=True)

    # --- the note --------------------------------------------------------------------------
    def keep_note_edit(self, edited_from: str, text: str) -> SessionChange:
        """Keep the note as the officer is editing it with the unfinished run, so a crash before
        they save it does not lose their words."""
        if self.run is None or self.run_id is None or self.saved_note is not None:
            return SessionChange()
        try:
            self.stores.runs.keep_note(self.run_id, edited_from, text)
        except sqlite3.Error as exc:
            return SessionChange(message=f"Your changes to the note could not be kept in case of a crash ({exc}). "
                                 "Saving the note still works once the problem is fixed.")
        return SessionChange()

    def note_edit(self) -> tuple[str, str] | None:
        """(draft, the officer's text) kept with the run on screen, if they had edited its note."""
        if self.run_id is None:
            return None
        saved = self.stores.runs.get(self.run_id)
        if saved is None or saved.note_from is None or saved.note_text is None:
            return None
        return saved.note_from, saved.note_text

    def note_draft(self) -> NoteDraft:
        assert self.run is not None
        return compose_note(self.run, officer=self.settings.officer_name, content_version=self.content_version(),
                            notices=self._note_notices())

    def check(self, text: str) -> list[NoteWarning]:
        settings = self.settings
        typed = [customer_reference(self.run) or ""] if self.run is not None else []
        return check_note(text, settings.note_check_words, settings.known_abbreviations,
                          glossary_of(self.library).abbreviations(), typed=typed)

    def save_note(self, text: str) -> tuple[StoredNote, SessionChange]:
        """Save the (possibly edited) note with the run's record; the run's concerns wait in
        `escalation_drafts` for the officer to review. Raises NoteError."""
        assert self.run is not None and self.run_id is not None
        officer = self.settings.officer_name
        finished = finish_run(self.run, officer=officer, content_version=self.content_version(), text=text,
                              warnings=self.check(text), recipient=recipient_name(self.settings),
                              notices=self._note_notices())
        # The same run and text saved twice (Save again after a failure) is one note.
        save_id = stable_save_id(self.run_id, finished.note.text)
        try:
            stored = store_note(self.stores.notes, self.run, finished, officer=officer, save_id=save_id)
        except sqlite3.Error as exc:
            raise self._keep_unsaved(exc, new_note(self.run, finished, officer=officer), save_id,
                                     finished.escalations) from exc
        self.stores.runs.finish(self.run_id)
        self.saved_note = stored
        # A save kept while the database was unusable and imported since brought its concerns in
        # as drafts of this note: they are not offered a second time.
        kept = {(e.subject, e.body) for e in self.stores.outbox.of_note(stored.id)}
        self.escalation_drafts = [d for d in finished.escalations
                                  if (" ".join(d.subject.split()), d.body) not in kept]
        return stored, SessionChange(run=True, saved_runs=True, notes=True, note_saved=stored.id,
                                     message=f"Saved note {stored.id}.")

    def _keep_unsaved(self, exc: sqlite3.Error, note: NewNote, save_id: str,
                      concerns: Sequence[EscalationDraft]) -> NoteError:
        """The database would not take the note: keep it, with the run's concerns (as drafts
        for the officer to review once it is in), in the recovery file at once and say why."""
        database = database_file(self.stores)
        reason = failure_reason(exc, database) or f"the database could not be written ({exc})"
        escalations = [(self.recipient(), d.subject, d.body, self.sender()) for d in concerns]
        try:
            if database is None:
                raise OSError("the database has no file")
            kept = keep(database, new_save(note, escalations, save_id=save_id, drafts=True), reason)
        except OSError as keep_exc:
            return NoteError(f"{reason}, and it could not be kept in a recovery file either ({keep_exc}). "
                             "Copy the note into your case system now, then try Save again")
        what = "Your note is" if not concerns else (
            "Your note and its concern for your line manager are" if len(concerns) == 1
            else f"Your note and its {len(concerns)} concerns for your line manager are")
        then = "" if not concerns else " (the concerns then wait as drafts in your outbox, for you to send)"
        goes = "go" if concerns else "goes"
        return NoteError(f"{reason}. {what} kept safe in {kept} and {goes} into your notes as soon as the "
                         f"database works again{then}; you can also try Save again")

    def amend_note(self, note_id: int, text: str) -> tuple[StoredNote, SessionChange]:
        """A correction: a new note that amends `note_id` (notes are never changed). Raises NoteError."""
        stored = amend_note(self.stores.notes, note_id, text, officer=self.settings.officer_name)
        return stored, SessionChange(notes=True, message=f"Saved note {stored.id}, which amends note {note_id}.")
