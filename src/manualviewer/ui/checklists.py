"""Guided checklists in the main window: the controller that owns the running checklist, and the
installer that adds the Checklist, Notes and Escalations panels, the menu and the shortcuts
through the window's public API.

The controller is the one place that changes state: it runs the pure engine
(core.procedures.engine), saves the run after every change (RunStore), saves notes (NoteStore)
and queues and delivers escalations (Outbox). The panels only show state and call it."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import sqlite3
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

from manualviewer.core.content.glossary import glossary_of
from manualviewer.core.procedures import (
    NoteDraft,
    NoteWarning,
    Procedure,
    Run,
    RunError,
    answer,
    back,
    check_note,
    compose_escalations,
    compose_note,
    content_version,
    customer_reference,
    out_of_order,
    start,
)
from manualviewer.core.procedures.loader import load_library_procedures
from manualviewer.core.procedures.records import EscalationDraft
from manualviewer.core.settings import Settings, SettingsError
from manualviewer.storage.notes import NewNote, StoredNote
from manualviewer.storage.outbox import Channel, Escalation, channel_from_settings
from manualviewer.storage.runs import SavedRun
from manualviewer.storage.settings_file import save_user_settings
from manualviewer.storage.stores import Stores
from manualviewer.ui.dialog_lifetime import retire
from manualviewer.ui.main_window import MainWindow

SettingsLoader = Callable[[], Settings]
SettingsSaver = Callable[[Settings], None]
ChannelFactory = Callable[[Settings], Channel]
Clock = Callable[[], dt.datetime]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _desktop_opener(url: str) -> bool:
    return bool(QDesktopServices.openUrl(QUrl(url)))


def default_channel(settings: Settings) -> Channel:
    """The channel the settings name, and only that one (mailto opens the desktop mail program)."""
    return channel_from_settings(settings, opener=_desktop_opener)


@dataclass(frozen=True)
class ResumableRun:
    """A saved, unfinished run as the resume bar shows it."""

    saved: SavedRun
    title: str
    customer_reference: str
    step_title: str
    problem: str = ""  # why it cannot be resumed (procedure gone, no longer fits)


class ChecklistController(QObject):
    run_changed = Signal()
    saved_runs_changed = Signal()
    note_saved = Signal(int)
    notes_changed = Signal()
    escalations_changed = Signal()
    delivery_finished = Signal()
    settings_changed = Signal()
    message = Signal(str)  # a sentence for the status bar and the panel

    def __init__(
        self,
        window: MainWindow,
        stores: Stores,
        settings_loader: SettingsLoader,
        *,
        settings_saver: SettingsSaver = save_user_settings,
        channel_factory: ChannelFactory = default_channel,
        clock: Clock = _now,
        procedures: Mapping[str, Procedure] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.stores = stores
        self._settings_loader = settings_loader
        self.settings_saver = settings_saver
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
        self.escalation_drafts: list[EscalationDraft] = []
        self.open_draft: EscalationDraft | None = None
        self.delivering = False
        self.deliver_again = False
        self.delivery_jobs: list[tuple[Any, Any]] = []
        # Set by the installer; None in a bare controller (tests of the logic alone).
        self.escalation_dialog: Any = None
        self.settings_dialog: Any = None
        self.note_dialog: Any = None
        self.raise_panel: Callable[[str], None] = lambda _name: None

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

    def apply_settings(self, settings: Settings) -> None:
        self._settings = settings
        self.settings_error = ""
        self.settings_changed.emit()

    def open_settings(self, focus_key: str = "") -> Any:
        from manualviewer.ui.settings_dialog import SettingsDialog

        retire(self.settings_dialog)
        dialog = SettingsDialog(self.settings, self.settings_saver, self.window, error=self.settings_error)
        dialog.saved.connect(self.apply_settings)
        self.settings_dialog = dialog
        dialog.open()
        dialog.focus_key(focus_key)
        return dialog

    # --- procedures ------------------------------------------------------------------------
    @property
    def procedures(self) -> dict[str, Procedure]:
        if self._fixed_procedures is not None:
            return self._fixed_procedures
        library = self.window.library
        if library is not self._procedures_library:  # loaded once per library (reload = new one)
            found, _problems = load_library_procedures(library)
            self._procedures = found
            self._procedures_library = library
        return self._procedures

    def procedure_list(self) -> list[Procedure]:
        return sorted(self.procedures.values(), key=lambda p: p.title.lower())

    def current_section_id(self) -> str | None:
        view = self.window.tabs.currentWidget()
        return getattr(view, "current_id", None) or None

    def procedures_for_section(self, section_id: str | None) -> list[Procedure]:
        section = self.window.library.get(section_id) if section_id else None
        if section is None:
            return []
        return [self.procedures[p] for p in section.procedures if p in self.procedures]

    def section_title(self, section_id: str) -> str:
        section = self.window.library.get(section_id)
        return section.title if section else "not in this library"

    def open_section(self, section_id: str) -> None:
        self.window.open_section(section_id)

    # --- the run ---------------------------------------------------------------------------
    @property
    def procedure(self) -> Procedure | None:
        return self.run.procedure if self.run else None

    def start_procedure(self, procedure_id: str) -> bool:
        procedure = self.procedures.get(procedure_id)
        if procedure is None:
            self.message.emit(f"There is no checklist called {procedure_id!r} in this library.")
            return False
        earlier = self.run if self.run is not None and self.saved_note is None else None
        self.run = start(procedure, self.clock())
        self.run_id = uuid.uuid4().hex
        self.saved_note = None
        self.escalation_drafts = []
        self._save_run()
        self.raise_panel("checklist")
        self.run_changed.emit()
        if earlier is not None:
            self.message.emit(
                f"Started \u201c{procedure.title}\u201d. Your earlier checklist \u201c{earlier.procedure.title}\u201d "
                "is saved: resume it from the bar at the top of the Checklist panel."
            )
        else:
            self.message.emit(f"Started the checklist \u201c{procedure.title}\u201d.")
        return True

    def answer(self, step_id: str, value: object) -> list[str]:
        """Answer the current step or change an earlier answer. Returns the titles of the later
        steps whose answers no longer applied and were dropped. Raises AnswerError/RunError."""
        assert self.run is not None
        before = [v.step_id for v in self.run.answered]
        self.run = answer(self.run, step_id, value, self.clock())
        after = {v.step_id for v in self.run.answered}
        position = before.index(step_id) if step_id in before else len(before)
        dropped = [s for s in before[position + 1 :] if s not in after]
        self._save_run()
        self.run_changed.emit()
        return [self._step_title(s) for s in dropped]

    def back(self) -> bool:
        if self.run is None or self.saved_note is not None:
            return False
        try:
            self.run = back(self.run)
        except RunError:
            return False
        self._save_run()
        self.run_changed.emit()
        return True

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

    def jump(self, step_id: str) -> None:
        assert self.run is not None
        self.run = out_of_order(self.run, step_id, self.clock())
        self._save_run()
        self.run_changed.emit()

    def close_run(self) -> None:
        """Put the current run away: unfinished, it stays saved for later."""
        if self.run is None:
            return
        if self.saved_note is not None and self.escalation_drafts:
            n = len(self.escalation_drafts)
            what = f"{n} concerns for your line manager were" if n != 1 else "a concern for your line manager was"
            self.message.emit(f"Checklist finished. Note {self.saved_note.id} is saved, but {what} not sent: "
                              "raise it with your line manager directly.")
        elif self.saved_note is not None:
            self.message.emit(f"Checklist finished. Note {self.saved_note.id} is in the Notes panel (Ctrl+Shift+N).")
        else:
            self.message.emit("The checklist is saved: resume it from the bar at the top of the Checklist panel.")
        self._clear()

    def discard_run(self) -> None:
        if self.run_id is not None and self.saved_note is None:
            self.stores.runs.discard(self.run_id)
            self.message.emit("The checklist was discarded. Nothing was saved.")
        self._clear()

    def _clear(self) -> None:
        self.run = None
        self.run_id = None
        self.saved_note = None
        self.escalation_drafts = []
        self.run_changed.emit()
        self.saved_runs_changed.emit()

    def _save_run(self) -> None:
        if self.run is None or self.run_id is None:
            return
        self.stores.runs.save(self.run_id, self.run.procedure.id, json.dumps(self.run.to_json()))
        self.saved_runs_changed.emit()

    def _step_title(self, step_id: str) -> str:
        step = self.run.procedure.step(step_id) if self.run else None
        return step.title if step else step_id

    # --- saved runs ------------------------------------------------------------------------
    def resumable(self) -> list[ResumableRun]:
        """Saved unfinished runs other than the one on screen, most recent first."""
        result = []
        for saved in self.stores.runs.load_unfinished():
            if saved.run_id == self.run_id:
                continue
            procedure = self.procedures.get(saved.procedure_id)
            if procedure is None:
                result.append(ResumableRun(saved, saved.procedure_id, "", "",
                                           "this checklist is no longer in the library"))
                continue
            try:
                run = Run.from_json(json.loads(saved.state_json), procedure)
            except (RunError, ValueError) as exc:
                result.append(ResumableRun(saved, procedure.title, "", "", f"it cannot be restored: {exc}"))
                continue
            result.append(ResumableRun(saved, procedure.title, customer_reference(run) or "", run.current_step.title))
        return result

    def resume(self, run_id: str) -> bool:
        saved = self.stores.runs.get(run_id)
        if saved is None:
            self.message.emit("That checklist is no longer saved.")
            self.saved_runs_changed.emit()
            return False
        procedure = self.procedures.get(saved.procedure_id)
        if procedure is None:
            self.message.emit(f"The checklist {saved.procedure_id!r} is no longer in this library.")
            return False
        try:
            run = Run.from_json(json.loads(saved.state_json), procedure)
        except (RunError, ValueError) as exc:
            self.message.emit(f"That checklist cannot be restored: {exc}")
            return False
        self.run = run
        self.run_id = saved.run_id
        self.saved_note = None
        self.escalation_drafts = []
        self._save_run()  # a replayed older version is stored in its new shape
        self.raise_panel("checklist")
        self.run_changed.emit()
        self.message.emit(f"Resumed \u201c{procedure.title}\u201d at \u201c{run.current_step.title}\u201d.")
        return True

    def discard_saved(self, run_id: str) -> None:
        self.stores.runs.discard(run_id)
        if run_id == self.run_id:
            self._clear()
        self.saved_runs_changed.emit()

    # --- the note --------------------------------------------------------------------------
    def keep_note_edit(self, edited_from: str, text: str) -> None:
        """Keep the note as the officer is editing it with the unfinished run, so a crash before
        they save it does not lose their words."""
        if self.run is None or self.run_id is None or self.saved_note is not None:
            return
        try:
            self.stores.runs.keep_note(self.run_id, edited_from, text)
        except sqlite3.Error as exc:
            self.message.emit(f"Your changes to the note could not be kept in case of a crash ({exc}). "
                              "Saving the note still works once the problem is fixed.")

    def note_edit(self) -> tuple[str, str] | None:
        """(draft, the officer's text) kept with the run on screen, if they had edited its note."""
        if self.run_id is None:
            return None
        saved = self.stores.runs.get(self.run_id)
        if saved is None or saved.note_from is None or saved.note_text is None:
            return None
        return saved.note_from, saved.note_text

    def content_version(self) -> str:
        assert self.run is not None
        return content_version(self.run.procedure, self.window.library)

    def note_draft(self) -> NoteDraft:
        assert self.run is not None
        return compose_note(self.run, officer=self.settings.officer_name, content_version=self.content_version())

    def check(self, text: str) -> list[NoteWarning]:
        settings = self.settings
        return check_note(text, settings.note_check_words, settings.known_abbreviations,
                          glossary_of(self.window.library).abbreviations())

    def save_note(self, text: str) -> StoredNote:
        """Save the (possibly edited) note with the run's record. Raises NoteError."""
        assert self.run is not None and self.run_id is not None
        draft = self.note_draft()
        warnings = self.check(text)
        record = dict(draft.record)
        record["note_edited"] = text.strip() != draft.text.strip()
        record["note_check"] = [{"kind": w.kind, "token": w.token, "line": w.line, "message": w.message}
                                for w in warnings]
        officer = self.settings.officer_name
        stored = self.stores.notes.add(
            NewNote(
                officer=officer,
                text=text.strip(),
                customer_reference=record.get("customer_reference") or "",
                procedure_id=self.run.procedure.id,
                procedure_version=str(self.run.procedure.version),
                content_version=str(record.get("content_version", "")),
                record_json=json.dumps(record, ensure_ascii=False),
            )
        )
        self.stores.runs.finish(self.run_id)
        self.saved_note = stored
        self.escalation_drafts = compose_escalations(self.run, NoteDraft(stored.text, record), officer=officer)
        self.note_saved.emit(stored.id)
        self.notes_changed.emit()
        self.saved_runs_changed.emit()
        self.run_changed.emit()
        self.message.emit(f"Saved note {stored.id}.")
        if self.escalation_drafts:
            self.open_escalation(self.escalation_drafts[0])
        return stored

    def amend_note(self, note_id: int, text: str) -> StoredNote:
        """A correction: a new note that amends `note_id` (notes are never changed)."""
        original = self.stores.notes.get(note_id)
        if original is None:
            from manualviewer.storage.notes import NoteError

            raise NoteError(f"there is no note {note_id}")
        stored = self.stores.notes.add(
            NewNote(
                officer=self.settings.officer_name,
                text=text.strip(),
                customer_reference=original.customer_reference,
                procedure_id=original.procedure_id,
                procedure_version=original.procedure_version,
                content_version=original.content_version,
                record_json=original.record_json,
                amends=note_id,
            )
        )
        self.notes_changed.emit()
        self.message.emit(f"Saved note {stored.id}, which amends note {note_id}.")
        return stored

    def open_amend(self, note_id: int) -> Any:
        from manualviewer.storage.notes import NoteError
        from manualviewer.ui.note_dialog import NoteDialog

        note = self.stores.notes.get(note_id)
        if note is None:
            return None
        retire(self.note_dialog)
        dialog = NoteDialog(
            f"Amend note {note_id}",
            f"Notes are never changed once saved. Correct the text below; it is saved as a new note "
            f"that says it amends note {note_id}. The original stays as it was.",
            note.text,
            self.check,
            self.window,
        )

        def save(text: str) -> None:
            try:
                self.amend_note(note_id, text)
            except NoteError as exc:
                dialog.editor.show_error(self.note_error_html(str(exc)))
                return
            dialog.accept()

        dialog.saved.connect(save)
        self.note_dialog = dialog
        dialog.open()
        return dialog

    def note_error_html(self, message: str) -> str:
        import html

        text = f"<b>The note was not saved:</b> {html.escape(message)}."
        if not self.settings.officer_name:
            text += " Your name goes on every note: <a href='settings:officer_name'>set it in Settings</a>."
        return text

    # --- escalations -----------------------------------------------------------------------
    def recipient(self) -> str:
        settings = self.settings
        if not settings.line_manager_email:
            return ""
        return email.utils.formataddr((settings.line_manager_name, settings.line_manager_email))

    def sender(self) -> str:
        settings = self.settings
        if not settings.officer_email:
            return ""
        return email.utils.formataddr((settings.officer_name, settings.officer_email))

    def open_escalation(self, draft: EscalationDraft) -> Any:
        from manualviewer.ui.escalation_dialog import EscalationDialog

        retire(self.escalation_dialog)
        dialog = EscalationDialog(self, draft, self.window)
        self.escalation_dialog = dialog
        self.open_draft = draft
        remaining = self.escalation_drafts[self.escalation_drafts.index(draft) + 1 :] \
            if draft in self.escalation_drafts else []
        if remaining:  # one form per concern, one after another
            dialog.finished.connect(lambda _r: self.open_escalation(remaining[0]))
        dialog.open()
        return dialog

    def open_next_escalation(self) -> Any:
        """The first concern of this run not sent yet, or a message that all were."""
        if not self.escalation_drafts:
            self.message.emit("Every concern from this checklist is in the outbox (Escalations panel).")
            return None
        return self.open_escalation(self.escalation_drafts[0])

    def queue_escalation(self, to: str, subject: str, body: str) -> Escalation:
        """Store it in the outbox (raises EscalationError), then try to deliver."""
        queued = self.stores.outbox.enqueue(to, subject, body, sender=self.sender())
        # Queued: this concern is no longer a draft, so it cannot be sent a second time.
        draft = self.open_draft
        if draft is not None and draft in self.escalation_drafts:
            self.escalation_drafts.remove(draft)
        self.open_draft = None
        self.escalations_changed.emit()
        self.raise_panel("escalations")
        self.deliver()
        return queued

    def channel_description(self) -> str:
        settings = self.settings
        channel = settings.escalation_channel.value
        if channel == "mailto":
            return "your email program (you press Send there)"
        if channel == "smtp":
            return f"the mail server {settings.smtp.host or '(not set)'}"
        return f"the drop folder {settings.drop_folder}"

    def deliver(self) -> None:
        """Try every waiting escalation through the configured channel. SMTP can take seconds,
        so it runs off the GUI thread on its own connection; the others are instant."""
        if self.delivering:
            self.deliver_again = True  # queued during a send: send it when that one is done
            return
        try:
            channel = self.channel_factory(self.settings)
        except ValueError as exc:
            self.message.emit(f"Escalations cannot be sent: {exc}")
            self.delivery_finished.emit()
            return
        database = _database_file(self.stores)
        if channel.name == "smtp" and database is not None:
            self._deliver_in_background(channel, database)
            return
        results = self.stores.outbox.deliver_pending(channel)
        self._delivered(results)

    def _deliver_in_background(self, channel: Channel, database: Path) -> None:
        from manualviewer.storage.database import open_database
        from manualviewer.storage.outbox import Outbox
        from manualviewer.ui.workers import start_worker

        def job(_progress: Callable[[int, int], None]) -> list[Escalation]:
            conn = open_database(database)
            try:
                return Outbox(conn).deliver_pending(channel)
            finally:
                conn.close()

        self.delivering = True
        self.escalations_changed.emit()
        thread, relay = start_worker(self, job, on_done=self._delivered,
                                     on_failed=lambda error: self._delivered([], error))
        self.delivery_jobs.append((thread, relay))

    def _delivered(self, results: list[Escalation], error: str = "") -> None:
        self.delivering = False
        failed = [e for e in results if e.state.value == "failed"]
        delivered = [e for e in results if e.state.value == "delivered"]
        waiting = [e for e in results if e.state.value == "queued"]
        if error:
            self.message.emit(f"Sending escalations stopped: {error}. They stay in the outbox; use Retry.")
        elif failed:
            self.message.emit(
                f"{len(failed)} escalation{'s' if len(failed) != 1 else ''} could not be sent "
                f"({failed[-1].last_error}). {'They stay' if len(failed) != 1 else 'It stays'} in the outbox: "
                "see the Escalations panel and use Retry."
            )
        elif waiting:
            self.message.emit(f"Escalations are waiting to be sent: {waiting[-1].last_error}")
        elif delivered:
            self.message.emit(
                f"Escalation sent through {self.channel_description()}."
            )
        self.escalations_changed.emit()
        self.delivery_finished.emit()
        if self.deliver_again:
            self.deliver_again = False
            if self.stores.outbox.pending():
                self.deliver()

    def wait_for_delivery(self) -> None:
        """For shutdown: let a background delivery finish (SMTP times out after 10 s)."""
        for thread, _worker in self.delivery_jobs:
            thread.quit()
            thread.wait(15000)


def _database_file(stores: Stores) -> Path | None:
    for row in stores.conn.execute("PRAGMA database_list"):
        if row[1] == "main" and row[2]:
            return Path(row[2])
    return None


# --- the installer ---------------------------------------------------------------------------


def install_checklists(
    window: MainWindow,
    stores: Stores,
    settings_loader: SettingsLoader,
    *,
    settings_saver: SettingsSaver = save_user_settings,
    channel_factory: ChannelFactory = default_channel,
    clock: Clock = _now,
    procedures: Mapping[str, Procedure] | None = None,
) -> ChecklistController:
    """Add the Checklist, Notes and Escalations panels (right-hand docks), the Checklists menu,
    Edit > Settings and their shortcuts to `window`; return the controller."""
    from manualviewer.ui.escalations_panel import EscalationsPanel
    from manualviewer.ui.notes_panel import NotesPanel
    from manualviewer.ui.procedure_panel import ProcedurePanel

    controller = ChecklistController(
        window, stores, settings_loader, settings_saver=settings_saver, channel_factory=channel_factory,
        clock=clock, procedures=procedures,
    )
    panel = ProcedurePanel(controller, window)
    notes = NotesPanel(controller, window)
    escalations = EscalationsPanel(controller, window)

    docks: dict[str, QDockWidget] = {}
    for name, title, widget in (
        ("checklist", "Checklist", panel),
        ("notes", "Notes", notes),
        ("escalations", "Escalations", escalations),
    ):
        dock = QDockWidget(title, window)
        dock.setObjectName(f"{name}_dock")
        dock.setAccessibleName(f"{title} panel")
        dock.setWidget(widget)
        dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        docks[name] = dock
    window.tabifyDockWidget(docks["checklist"], docks["notes"])
    window.tabifyDockWidget(docks["notes"], docks["escalations"])
    window.resizeDocks([docks["checklist"]], [460], Qt.Orientation.Horizontal)

    def raise_panel(name: str) -> None:
        dock = docks[name]
        dock.show()
        dock.raise_()

    controller.raise_panel = raise_panel
    controller.message.connect(window.status_label.setText)

    installed = _Installed(controller, panel, notes, escalations, docks)
    _build_menu(window, controller, installed)
    window.procedure_requested.connect(controller.start_procedure)
    app = QCoreApplication.instance()
    if app is not None:  # a delivery thread must not outlive the event loop
        app.aboutToQuit.connect(controller.wait_for_delivery)

    # Offer unfinished runs at once (a bar in the panel, never a modal); otherwise the panels
    # stay out of the guidance's way until a checklist starts or the officer opens them.
    if controller.resumable():
        raise_panel("checklist")
    else:
        for dock in docks.values():
            dock.hide()
    # Escalations left waiting last time (a crash, no network) are tried again now. The mail
    # program is not opened unasked: mailto rows wait for Retry.
    if controller.settings.escalation_channel.value != "mailto" and stores.outbox.pending():
        controller.deliver()
    window.checklists = installed  # type: ignore[attr-defined]
    controller.installed = installed  # type: ignore[attr-defined]
    return controller


@dataclass
class _Installed:
    controller: ChecklistController
    panel: QWidget
    notes: QWidget
    escalations: QWidget
    docks: dict[str, QDockWidget]
    menu: QMenu | None = None
    actions: dict[str, QAction] | None = None


def _build_menu(window: MainWindow, controller: ChecklistController, installed: _Installed) -> None:
    from manualviewer.ui.procedure_panel import ProcedurePanel

    panel = installed.panel
    assert isinstance(panel, ProcedurePanel)
    actions: dict[str, QAction] = {}

    def action(key: str, text: str, shortcut: str, slot: Callable[[], object], tip: str) -> QAction:
        act = QAction(text, window)
        act.setShortcut(QKeySequence(shortcut))
        act.setToolTip(f"{tip} ({act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
        act.setStatusTip(tip)
        act.triggered.connect(lambda _checked=False: slot())
        window.addAction(act)
        actions[key] = act
        return act

    def show(name: str, focus: Callable[[], None]) -> None:
        controller.raise_panel(name)
        focus()

    action("start", "&Start this section's checklist", "Ctrl+Shift+K", panel.start_for_current_section,
           "Start the checklist the open section offers")
    action("show_checklist", "Show the &checklist panel", "Ctrl+Shift+J",
           lambda: show("checklist", panel.focus_step), "Show the checklist you are working through")
    action("continue", "&Continue / confirm", "Ctrl+Return", panel.primary,
           "Answer the step on screen and go on")
    action("not_confirmed", "&Not confirmed", "Ctrl+Shift+Return", panel.secondary,
           "Answer a check with \u201cnot confirmed\u201d")
    action("back", "&Previous step", "Ctrl+Shift+Backspace", panel.go_back,
           "Go back one step; its answer is cleared")
    action("out_of_order", "Something happened &out of order...", "Ctrl+Shift+D", panel.show_jump_menu,
           "For example, the customer says at the end of the call that they recorded it")
    action("discard", "&Discard this checklist...", "Ctrl+Shift+Delete", panel.ask_discard,
           "Stop this checklist without saving a note")
    action("show_notes", "Show &notes", "Ctrl+Shift+N",
           lambda: show("notes", installed.notes.setFocus), "Your saved notes")
    action("show_escalations", "Show &escalations", "Ctrl+Shift+M",
           lambda: show("escalations", installed.escalations.setFocus),
           "Concerns sent to your line manager, and whether they were delivered")
    action("settings", "&Settings...", "Ctrl+,", controller.open_settings,
           "Your name, your line manager, how escalations are sent, the note check")

    menu = QMenu("Chec&klists", window)
    menu.setAccessibleName("Checklists")
    window.menuBar().insertMenu(window.help_menu.menuAction(), menu)
    menu.addAction(actions["start"])
    section_menu = menu.addMenu("Checklists for &this section")
    all_menu = menu.addMenu("&All checklists")
    menu.addSeparator()
    for key in ("continue", "not_confirmed", "back", "out_of_order", "discard"):
        menu.addAction(actions[key])
    menu.addSeparator()
    for key in ("show_checklist", "show_notes", "show_escalations"):
        menu.addAction(actions[key])

    def fill_section_menu() -> None:
        section_menu.clear()
        section_id = controller.current_section_id()
        offered = controller.procedures_for_section(section_id)
        if not offered:
            none = section_menu.addAction("The open section offers no checklist" if section_id
                                          else "Open a section to see its checklists")
            none.setEnabled(False)
        for procedure in offered:
            act = section_menu.addAction(procedure.title)
            act.triggered.connect(lambda _c=False, pid=procedure.id: controller.start_procedure(pid))

    def fill_all_menu() -> None:
        all_menu.clear()
        for procedure in controller.procedure_list():
            act = all_menu.addAction(procedure.title)
            act.setStatusTip(procedure.summary)
            act.triggered.connect(lambda _c=False, pid=procedure.id: controller.start_procedure(pid))
        if all_menu.isEmpty():
            none = all_menu.addAction("This library has no checklists")
            none.setEnabled(False)

    def update_actions() -> None:
        run = controller.run
        running = run is not None and controller.saved_note is None
        actions["continue"].setEnabled(running)
        actions["not_confirmed"].setEnabled(running)
        actions["back"].setEnabled(running and run is not None and len(run.visits) > 1)
        actions["out_of_order"].setEnabled(running and bool(controller.jumps()))
        actions["discard"].setEnabled(running)
        actions["start"].setEnabled(bool(controller.procedures_for_section(controller.current_section_id())))

    section_menu.aboutToShow.connect(fill_section_menu)
    all_menu.aboutToShow.connect(fill_all_menu)
    menu.aboutToShow.connect(update_actions)
    controller.run_changed.connect(update_actions)
    window.section_opened.connect(lambda _sid: update_actions())
    window.tabs.currentChanged.connect(lambda _i: update_actions())
    fill_section_menu()
    fill_all_menu()
    update_actions()

    window.edit_menu.addSeparator()
    window.edit_menu.addAction(actions["settings"])
    installed.menu = menu
    installed.actions = actions

