"""The Checklist panel: one step at a time, the steps so far (click one to change its answer),
the note at the end, and a bar offering unfinished checklists to resume.

The panel never changes the run itself; it asks the ChecklistController, which runs the pure
engine and saves every change. Step widgets are rebuilt for each step, so a step never shows
another step's leftovers."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.procedures import (
    CheckStep,
    EndStep,
    Run,
)
from manualviewer.core.render.html import library_config, render_fragment
from manualviewer.ui.checklist.dialogs import note_error_html
from manualviewer.ui.checklist.footer import ChecklistFooter
from manualviewer.ui.checklist.idle_page import IdlePage
from manualviewer.ui.checklist.late_dialog import add_late_menu
from manualviewer.ui.checklist.note_card import add_note_intro, add_saved_note_card, record_summary
from manualviewer.ui.checklist.resume_bar import ResumeBar
from manualviewer.ui.steps.base import StepView, framed_box
from manualviewer.ui.steps.models import (
    KIND_WORDS,
    PROCEDURE_ID_ROLE,
    STEP_ID_ROLE,
    VISIT_STATE_ROLE,
    PathModel,
)
from manualviewer.ui.steps.note_editor import NoteEditor
from manualviewer.ui.steps.panel_common import (
    StepPanelMixin,
    keep_note_text,
    kept_note_text,
)
from manualviewer.ui.steps.registry import VIEW_TYPES
from manualviewer.ui.widgets import button as _button
from manualviewer.ui.widgets import card_scroll, clear_layout, read_only_list
from manualviewer.ui.widgets import label as _label
from manualviewer.ui.widgets import scaled_font as _scaled_font

if TYPE_CHECKING:
    from manualviewer.services.checklist_session import SessionChange
    from manualviewer.ui.checklist.controller import ChecklistController


# --- the panel -----------------------------------------------------------------------------
NOTE_AUTOSAVE_MS = 1000


class ChecklistPanel(StepPanelMixin, QWidget):
    controller: ChecklistController
    jump_message = "Went to a step out of order. Previous step (Ctrl+Shift+Backspace) returns to where you were."

    def __init__(self, controller: ChecklistController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setAccessibleName("Checklist")
        self.editing: str | None = None  # an earlier step being changed
        self.step_view: StepView | None = None
        self.note_editor: NoteEditor | None = None
        self.jump_menu: QMenu | None = None
        self.start_menu: QMenu | None = None
        # The note as it is typed is kept with the unfinished run, a moment after typing stops.
        self.note_autosave = QTimer(self)
        self.note_autosave.setSingleShot(True)
        self.note_autosave.setInterval(NOTE_AUTOSAVE_MS)
        self.note_autosave.timeout.connect(self.keep_note_edit)

        self.resume_bar = ResumeBar(self)
        self.resume_bar.resume_requested.connect(controller.resume)
        self.resume_bar.discard_requested.connect(controller.discard_saved)
        self.message = _label("", self, name="Checklist message")
        self.message.hide()

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._idle_page())
        self.pages.addWidget(self._run_page())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.resume_bar)
        layout.addWidget(self.message)
        layout.addWidget(self.pages, 1)

        controller.changed.connect(self.on_changed)
        controller.window.section_opened.connect(lambda _sid: self.refresh_procedure_list())
        self.refresh()
        self.refresh_resume_bar()

    # --- pages -------------------------------------------------------------------------------
    def _idle_page(self) -> QWidget:
        page = IdlePage(self)
        self.procedure_model, self.procedure_view = page.procedure_model, page.procedure_view
        self.procedure_view.activated.connect(self.on_procedure_activated)
        self.procedure_view.doubleClicked.connect(self.on_procedure_activated)
        self.start_button = page.start_button
        self.start_button.clicked.connect(self.start_selected)
        return page

    def _run_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.procedure_title = _label("", page, name="Checklist title")
        self.procedure_title.setFont(_scaled_font(self.procedure_title, 1.1))
        self.guidance_label = _label("", page, rich=True, name="Guidance this checklist follows")
        self.guidance_label.linkActivated.connect(self.on_link)
        # Said when the guidance was updated while this checklist runs (it keeps its version).
        self.version_notice = _label("", page, name="Guidance version notice")
        self.version_notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.version_notice.setMargin(4)
        self.version_notice.hide()
        layout.addWidget(self.procedure_title)
        layout.addWidget(self.guidance_label)
        layout.addWidget(self.version_notice)

        # The step on screen is the main thing: it comes first and gets the room; its answer
        # buttons (or Save note) and the run's actions sit right under it in the footer, which
        # never scrolls; the steps so far come last, a few lines high.
        self.step_scroll, self.card, self.card_layout = card_scroll(page, "The step on screen", margin=4)
        layout.addWidget(self.step_scroll, 1)
        self.footer = ChecklistFooter(page)
        layout.addWidget(self.footer)

        self.path_model = PathModel(self)
        self.path_view = read_only_list(page, self.path_model, "Steps so far")
        self.path_view.setAccessibleDescription("Choose an earlier step to change its answer")
        self.path_view.clicked.connect(self.on_path_clicked)
        self.path_view.activated.connect(self.on_path_clicked)
        add_late_menu(self.path_view, self.controller)  # "something the customer said later" per step
        self.path_view.setMinimumHeight(90)
        self.path_view.setMaximumHeight(max(150, self.fontMetrics().lineSpacing() * 9))
        path_label = QLabel("Steps so far (choose one to change its &answer):", page)
        path_label.setBuddy(self.path_view)
        layout.addWidget(path_label)
        layout.addWidget(self.path_view)

        # The actions on the whole run; the footer only offers them, the panel acts.
        self.confirm_discard, self.discard_yes = self.footer.confirm_discard, self.footer.discard_yes
        self.discard_no = self.footer.discard_no
        self.back_button, self.jump_button = self.footer.back_button, self.footer.jump_button
        self.discard_button = self.footer.discard_button
        self.discard_yes.clicked.connect(self.discard)
        self.back_button.clicked.connect(self.go_back)
        self.jump_button.clicked.connect(self.show_jump_menu)
        self.discard_button.clicked.connect(self.ask_discard)
        return page

    # --- refreshing ---------------------------------------------------------------------------
    def refresh(self) -> None:
        run = self.controller.run
        self.editing = None
        self.confirm_discard.hide()
        if run is None:
            self.pages.setCurrentIndex(0)
            self.refresh_procedure_list()
            self.path_model.set_run(None)
            self._clear_card()
            return
        self.pages.setCurrentIndex(1)
        procedure = run.procedure
        self.procedure_title.setText(procedure.title)
        links = ", ".join(self._section_link(s) for s in procedure.sections)
        header = f"Follows the guidance in {links}." if links else ""
        # As the reader says it for the section: guidance past its archive date may no longer apply.
        for notice in self.controller.session.guidance_notices():
            header += f"<br><b>\u26a0 {html.escape(notice)}.</b>"
        self.guidance_label.setText(header)
        self.version_notice.setText(self.controller.session.version_notice)
        self.version_notice.setVisible(bool(self.controller.session.version_notice))
        self.path_model.set_run(run)
        # At the note, the note needs the room; the steps stay reachable in a shorter list.
        lines = 5 if run.finished else 9
        self.path_view.setMaximumHeight(max(90, self.fontMetrics().lineSpacing() * lines))
        last = self.path_model.index(self.path_model.rowCount() - 1, 0)
        self.path_view.setCurrentIndex(last)
        self.path_view.scrollTo(last)
        self._build_card()
        self._update_buttons()

    def on_changed(self, change: SessionChange) -> None:
        editor = self.note_editor
        # A late answer changes the draft: the officer's own edits are kept, with its line added.
        edited = editor.text() if editor is not None and editor.text() != getattr(self, "note_draft_text", "") \
            else None
        if change.run:
            self.refresh()
        if change.note_lines and edited is not None and self.note_editor is not None:
            self.note_editor.set_text(edited.rstrip() + "\n" + "\n".join(change.note_lines))
        elif change.escalations and self.controller.saved_note is not None:
            self._build_card()  # the saved note's count of concerns not sent yet
        if change.saved_runs:
            self.refresh_resume_bar()
        if change.settings:
            self.on_settings_changed()

    def refresh_resume_bar(self) -> None:
        self.resume_bar.set_runs(self.controller.session.resumable())

    def refresh_procedure_list(self) -> None:
        offered = [p.id for p in self.controller.session.procedures_for_section(self.controller.current_section_id())]
        self.procedure_model.set_procedures(self.controller.session.procedure_list(), offered)
        if self.procedure_model.rowCount():
            self.procedure_view.setCurrentIndex(self.procedure_model.index(0, 0))

    def _update_buttons(self) -> None:
        run = self.controller.run
        saved = self.controller.saved_note is not None
        self.back_button.setEnabled(run is not None and not saved and len(run.visits) > 1)
        self.jump_button.setVisible(run is not None and bool(run.procedure.allow_out_of_order))
        self.jump_button.setEnabled(bool(self.controller.jumps()) and not saved)
        self.discard_button.setVisible(not saved)

    def on_settings_changed(self) -> None:
        run = self.controller.run
        if run is not None and run.finished and self.controller.saved_note is None and self.note_editor is not None:
            self.note_editor.set_checker(self.controller.session.check)
            self.officer_notice.setVisible(not self.controller.settings.officer_name)
            self.record_label.setText(self._record_summary())
        if self.controller.forms.dialog is not None:
            refresh = getattr(self.controller.forms.dialog, "refresh_recipient", None)
            if refresh is not None:
                refresh()

    # --- the card -----------------------------------------------------------------------------
    def keep_note_edit(self) -> None:
        self.note_autosave.stop()
        if self.note_editor is not None:
            self.controller.keep_note_edit(getattr(self, "note_draft_text", ""), self.note_editor.text())

    def _clear_card(self) -> None:
        if self.note_autosave.isActive():
            self.keep_note_edit()  # typed just now: keep it before the editor goes
        keep_note_text(self)
        self.footer.set_note_actions(None)
        clear_layout(self.card_layout)
        self.step_view = None
        self.note_editor = None

    def _build_card(self) -> None:
        run = self.controller.run
        assert run is not None
        self._clear_card()
        if self.controller.saved_note is not None:
            self._build_saved_card(run)
            return
        step_id = self.editing or run.current_step.id
        step = run.procedure.step(step_id)
        assert step is not None
        number = self._visit_number(step_id)
        kind = KIND_WORDS.get(type(step), "Step")
        header = _label(f"Step {number} \u00b7 {kind}" if not isinstance(step, EndStep) else f"Last step \u00b7 {kind}",
                        self.card, name="Step number and kind")
        self.card_layout.addWidget(header)
        title = _label(step.title, self.card, name="Step title")
        title.setFont(_scaled_font(title, 1.3))
        self.card_layout.addWidget(title)
        self.step_title = title
        if self.editing:
            banner = framed_box(self.card, "Changing an earlier answer")
            banner_layout = QVBoxLayout(banner)
            banner_layout.addWidget(_label(
                "You are changing an earlier answer. Answers after this step are kept if they still "
                "apply; the others are removed.", banner))
            self.card_layout.addWidget(banner)
        self._add_guidance(step)
        if isinstance(step, EndStep):
            self._build_note(run, step)
            return
        view_type = VIEW_TYPES[type(step)]
        view = view_type(step, run, self.card)
        if self.editing:
            view.set_value(run.answer_of(step_id))
        self._show_step_view(view, view.primary_text if not self.editing else "&Save the changed answer")

    def _place_step_actions(self, actions: QWidget) -> None:
        # In the footer: a long step never scrolls its own answer buttons out of sight.
        self.footer.set_note_actions(actions)

    def _add_step_buttons(self, row: QHBoxLayout, view: StepView) -> None:
        if not self.editing:
            return
        assert self.primary_button is not None
        if isinstance(view.step, CheckStep):
            self.primary_button.setText(view.primary_text)
        cancel = _button("Cancel the change", self.card, "Cancel the change", "Escape")
        cancel.clicked.connect(self.cancel_edit)
        escape = QShortcut(QKeySequence("Escape"), view, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.cancel_edit)
        row.addWidget(cancel)

    def _build_note(self, run: Run, step: EndStep) -> None:
        controller = self.controller
        self.officer_notice = add_note_intro(self.card, self.card_layout, len(run.escalations),
                                             name_set=bool(controller.settings.officer_name), on_link=self.on_link)
        draft = controller.session.note_draft()
        editor = NoteEditor(controller.session.check, self.card)
        if getattr(self, "kept_note", None) is None:
            self.kept_note = controller.session.note_edit()  # edits kept from before a restart or a resume
        editor.set_text(kept_note_text(self, draft.text))
        editor.editor.textChanged.connect(self.note_autosave.start)
        editor.save_requested.connect(self.save_note)
        editor.error_label.linkActivated.connect(self.on_link)
        self.note_editor = editor
        self.card_layout.addWidget(editor, 1)
        self.footer.set_note_actions(editor.take_save_area())
        QWidget.setTabOrder(editor.editor, editor.save_button)
        if controller.late_steps():
            late = _button("Something the customer said &later...", self.card, "Something the customer said later")
            late.setToolTip("Record what the customer told you later about an earlier answer; "
                            "the earlier answer stays in the record (Alt+L)")
            late.clicked.connect(lambda: controller.open_late_answer())
            self.late_button = late
            self.card_layout.addWidget(late, 0, Qt.AlignmentFlag.AlignLeft)
        self.record_label = _label(self._record_summary(), self.card, name="What is saved with the note")
        self.card_layout.addWidget(self.record_label)
        editor.editor.setFocus()

    def _record_summary(self) -> str:
        run = self.controller.run
        assert run is not None
        return record_summary(run, self.controller.settings.officer_name)

    def _build_saved_card(self, run: Run) -> None:
        note = self.controller.saved_note
        assert note is not None
        # The run's concerns not in the outbox yet, and those kept there as drafts ("Not now").
        unsent = len(self.controller.session.escalation_drafts) + len(self.controller.session.drafts(note.id))
        self.finish_button = add_saved_note_card(
            self.card, self.card_layout, note, unsent,
            copy=self.copy_saved_note, show_notes=lambda: self.controller.raise_panel("notes"),
            finish=self.controller.close_run, send=self.controller.forms.open_next)

    def _note_error_html(self, text: str) -> str:
        return note_error_html(text, self.controller.settings)

    def copy_saved_note(self) -> None:
        note = self.controller.saved_note
        if note is not None:
            QGuiApplication.clipboard().setText(note.text)
            self.show_message(f"Note {note.id} is on the clipboard.")

    def _visit_number(self, step_id: str) -> int:
        run = self.controller.run
        assert run is not None
        for i in range(len(run.visits) - 1, -1, -1):
            if run.visits[i].step_id == step_id:
                return i + 1
        return len(run.visits)

    def _render(self, text: str) -> str:
        library = self.controller.window.library
        return render_fragment(text, library_config(library))

    # --- actions -------------------------------------------------------------------------------
    def on_link(self, link: str) -> None:
        scheme, _, target = link.partition(":")
        if scheme == "section" and target:
            self.controller.open_section(target)
        elif scheme == "settings":
            self.controller.open_settings(target)

    def on_procedure_activated(self, index: QModelIndex) -> None:
        procedure_id = index.data(PROCEDURE_ID_ROLE)
        if procedure_id:
            self.controller.start_procedure(procedure_id)

    def start_selected(self) -> None:
        index = self.procedure_view.currentIndex()
        if index.isValid():
            self.on_procedure_activated(index)

    def start_for_current_section(self) -> None:
        offered = self.controller.session.procedures_for_section(self.controller.current_section_id())
        if len(offered) == 1:
            self.controller.start_procedure(offered[0].id)
            return
        self.controller.raise_panel("checklist")
        if not offered:
            self.controller.say("The open section offers no checklist. Choose one from the Checklists menu.")
            return
        menu = QMenu(self)
        menu.setAccessibleName("Checklists this section offers")
        heading = menu.addAction("This section offers these checklists:")
        heading.setEnabled(False)
        for procedure in offered:
            act = menu.addAction(procedure.title)
            act.triggered.connect(lambda _c=False, pid=procedure.id: self.controller.start_procedure(pid))
        self.start_menu = menu
        menu.popup(self.mapToGlobal(self.rect().topLeft()))

    def focus_step(self) -> None:
        if self.note_editor is not None:
            self.note_editor.editor.setFocus()
        elif self.step_view is not None:
            self.step_view.focus_first()
        elif self.controller.run is None:
            self.procedure_view.setFocus()

    def on_path_clicked(self, index: QModelIndex) -> None:
        run = self.controller.run
        if run is None or self.controller.saved_note is not None or not index.isValid():
            return
        state = index.data(VISIT_STATE_ROLE)
        step_id = index.data(STEP_ID_ROLE)
        if state == "answered":
            self.edit_step(step_id)
        elif state == "current" and self.editing:
            self.cancel_edit()

    def edit_step(self, step_id: str) -> None:
        """Show an earlier step with its answer, to change it."""
        self.editing = step_id
        self.show_message("")
        self._build_card()

    def cancel_edit(self) -> None:
        if self.editing is None:
            return
        self.editing = None
        self._build_card()
        last = self.path_model.index(self.path_model.rowCount() - 1, 0)
        self.path_view.setCurrentIndex(last)

    def primary(self) -> None:
        run = self.controller.run
        if run is None:
            self.start_selected()
            return
        if self.note_editor is not None:
            self.note_editor.request_save()
            return
        if self.step_view is not None:
            self.submit(self.step_view.value())

    def submit(self, value: object) -> bool:
        run = self.controller.run
        if run is None or self.step_view is None:
            return False
        step = self.step_view.step
        editing = self.editing
        answered, dropped = self._answer(value)
        if not answered:
            return False
        if editing:
            text = f"Changed your answer to \u201c{step.title}\u201d."
            if dropped:
                text += " These later steps no longer applied, so their answers were removed: " + ", ".join(
                    f"\u201c{t}\u201d" for t in dropped) + "."
            self.show_message(text)
        else:
            self.show_message("")
        return True

    def go_back(self) -> None:
        if self.editing:
            self.cancel_edit()
            return
        super().go_back()

    def ask_discard(self) -> None:
        if self.controller.run is not None and self.controller.saved_note is None:
            self.confirm_discard.show()
            self.discard_no.setFocus()

    def discard(self) -> None:
        self.confirm_discard.hide()
        self.controller.discard_run()
