"""The trainee's side of training mode: the Training panel, where the trainee walks the real
checklist against the scenario, hears the customer's turns as the trainer reveals them, and is
told after each answer whether it was right, why (the guidance's words) and where the guidance
says so. Choosing the scenario is picker.py's.

The step widgets are the Checklist panel's own (ui/steps/registry.py's VIEW_TYPES), so a trainee
learns exactly what they will use on a call. The panel never changes state itself: it asks the
TrainingController."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.procedures import (
    AnyStep,
    CheckStep,
    DocumentStep,
    EndStep,
    InputStep,
    QuestionStep,
)
from manualviewer.core.render.html import library_config, render_fragment
from manualviewer.core.training import Feedback
from manualviewer.storage.notes import NoteError
from manualviewer.ui.steps.base import StepView
from manualviewer.ui.steps.escalate_view import EscalateView
from manualviewer.ui.steps.models import KIND_WORDS
from manualviewer.ui.steps.note_editor import NoteEditor
from manualviewer.ui.steps.panel_common import StepPanelMixin, keep_note_text, kept_note_text
from manualviewer.ui.steps.registry import VIEW_TYPES
from manualviewer.ui.training.controller import TrainingController
from manualviewer.ui.training.models import (
    RIGHT,
    WRONG,
    TrainingPathModel,
    TurnsModel,
    answer_words,
)
from manualviewer.ui.training.picker import ScenarioPicker
from manualviewer.ui.widgets import button, card_scroll, clear_layout, label, read_only_list
from manualviewer.ui.widgets import scaled_font as scaled

__all__ = ["TRAINING_ESCALATE_TEXT", "ScenarioPicker", "TrainingPanel", "boxed"]

TRAINING_ESCALATE_TEXT = (
    "Training: nothing is ever sent from training mode. After you save the training note you will "
    "see the message that would be sent to your line manager; it is kept in the training records only."
)


def boxed(parent: QWidget, name: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    frame.setFrameShape(QFrame.Shape.Box)
    frame.setLineWidth(2)
    frame.setAccessibleName(name)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(10, 8, 10, 8)
    return frame, layout


# --- the panel ------------------------------------------------------------------------------
class TrainingPanel(StepPanelMixin, QWidget):
    """The trainee's view of the running scenario, in the place the Checklist panel takes."""

    back_message = "Went back one step: answer it again."
    error_mark = "\u2718 "
    focus_error = False
    note_errors = (NoteError, RuntimeError)

    debrief_requested = Signal()
    choose_requested = Signal()
    present_requested = Signal()
    leave_requested = Signal()

    def __init__(self, controller: TrainingController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setAccessibleName("Training")
        self.step_view: StepView | None = None
        self.note_editor: NoteEditor | None = None
        self.primary_button: QPushButton | None = None
        self.secondary_button: QPushButton | None = None
        self.feedback_box: QFrame | None = None
        self.feedback_label: QLabel | None = None
        self.error_label: QLabel | None = None
        self.jump_menu: QMenu | None = None
        self.debrief_button: QPushButton | None = None

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._idle_page())
        self.pages.addWidget(self._run_page())
        self.message = label("", self, name="Training message")
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.message)
        layout.addWidget(self.pages, 1)
        controller.session_changed.connect(self.refresh)
        self.refresh()

    # --- pages ---------------------------------------------------------------------------------
    def _idle_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        title = label("Training mode", page, name="Training mode")
        title.setFont(scaled(title, 1.3))
        layout.addWidget(title)
        layout.addWidget(label(
            "Choose a scenario: a made-up call on the real guidance. The trainee works through the real "
            "checklist; after each answer they see whether it was right, why, and where the guidance says so. "
            "At the end, a debrief shows their path beside the expected one.", page))
        self.choose_button = button("&Choose a scenario... (Ctrl+Shift+R)", page, "Choose a training scenario")
        self.choose_button.clicked.connect(self.choose_requested)
        self.leave_button = button("&Leave training mode (Ctrl+Shift+X)", page, "Leave training mode")
        self.leave_button.clicked.connect(self.leave_requested)
        layout.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.leave_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return page

    def _run_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.scenario_title = label("", page, name="Scenario")
        self.scenario_title.setFont(scaled(self.scenario_title, 1.1))
        self.scenario_line = label("", page, name="Trainee and checklist")
        layout.addWidget(self.scenario_title)
        layout.addWidget(self.scenario_line)

        # The call and the trainee's steps share one area above the step: the step on screen
        # needs the room, and a tab keeps either a key press away (Ctrl+Tab in the tab bar).
        self.turns_model = TurnsModel(self)
        self.turns_view = read_only_list(page, self.turns_model, "The call so far")
        self.turns_view.setAccessibleDescription("The newest turn is marked with a triangle")
        self.turns_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.turns_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

        self.path_model = TrainingPathModel(self)
        self.path_view = read_only_list(page, self.path_model, "Your steps so far, with their marks")

        self.tabs = QTabWidget(page)
        self.tabs.setAccessibleName("The call and your steps")
        self.tabs.addTab(self.turns_view, "The &call so far")
        self.tabs.addTab(self.path_view, "Your ste&ps")
        self.reveal_button = button("&Hear the next turn", page, "Hear the next turn of the call",
                                    "The trainer reveals what the customer says next (Ctrl+Shift+H)")
        self.reveal_button.clicked.connect(self.reveal)
        self.tabs.setCornerWidget(self.reveal_button, Qt.Corner.TopRightCorner)
        lines = self.fontMetrics().lineSpacing()
        self.tabs.setMinimumHeight(lines * 6)
        self.tabs.setMaximumHeight(lines * 11)
        layout.addWidget(self.tabs)

        self.card_scroll, self.card, self.card_layout = card_scroll(
            page, "The step on screen", margin=6, frame=QFrame.Shape.StyledPanel, horizontal_bar=False)
        layout.addWidget(self.card_scroll, 1)

        bottom = QHBoxLayout()
        self.back_button = button("Previous step", page, "Previous step",
                                  "Go back one step to answer it again (Ctrl+Shift+Backspace)")
        self.back_button.clicked.connect(self.go_back)
        self.jump_button = button("Out of order...", page, "Something happened out of order",
                                  "For example, the customer says at the end of the call that they recorded it "
                                  "(Ctrl+Shift+D)")
        self.jump_button.clicked.connect(self.show_jump_menu)
        self.finish_button = button("&Finish and debrief", page, "Finish now and show the debrief",
                                    "End the scenario here and see the debrief; steps not reached count as "
                                    "not right (Ctrl+Shift+F)")
        self.finish_button.clicked.connect(self.debrief_requested)
        bottom.addWidget(self.back_button)
        bottom.addWidget(self.jump_button)
        bottom.addStretch(1)
        bottom.addWidget(self.finish_button)
        layout.addLayout(bottom)
        return page

    # --- refreshing ------------------------------------------------------------------------------
    def refresh(self) -> None:
        controller = self.controller
        session = controller.session
        if session is None:
            self.pages.setCurrentIndex(0)
            self.turns_model.set_turns(())
            self.path_model.set_run(None)
            self._clear_card()
            return
        self.pages.setCurrentIndex(1)
        procedure = session.procedure
        self.scenario_title.setText(session.scenario.title)
        self.scenario_line.setText(f"Trainee: {controller.trainee}  \u00b7  Checklist: {procedure.title}")
        self.turns_model.set_turns(session.turns)
        last = self.turns_model.index(self.turns_model.rowCount() - 1, 0)
        self.turns_view.scrollTo(last)
        left = len(session.scenario.situation) - session.revealed
        self.reveal_button.setEnabled(left > 0 and controller.attempt is None)
        self.reveal_button.setText(f"&Hear next turn ({left} more)" if left else "Whole call heard")
        self.tabs.setTabText(1, f"Your ste&ps ({len(controller.marks)} marked)" if controller.marks else "Your ste&ps")
        self.path_model.set_run(session.run)
        self.path_model.set_marks(controller.marks)
        self.path_view.scrollTo(self.path_model.index(self.path_model.rowCount() - 1, 0))
        done = controller.attempt is not None
        self.back_button.setEnabled(not done and controller.saved_note is None and len(session.run.visits) > 1)
        self.jump_button.setVisible(bool(procedure.allow_out_of_order))
        self.jump_button.setEnabled(bool(controller.jumps()))
        self.finish_button.setText("Open the &debrief" if done else "&Finish and debrief")
        self._build_card()

    def _clear_card(self) -> None:
        keep_note_text(self)
        clear_layout(self.card_layout)
        self.step_view = None
        self.note_editor = None
        self.primary_button = None
        self.secondary_button = None
        self.feedback_box = None
        self.feedback_label = None
        self.error_label = None
        self.debrief_button = None

    def _build_card(self) -> None:
        controller = self.controller
        session = controller.session
        assert session is not None
        self._clear_card()
        feedback = controller.last_feedback
        at_note = isinstance(session.run.current_step, EndStep)
        if feedback is not None and controller.attempt is None and controller.saved_note is None \
                and (feedback.graded or not at_note):
            self._build_feedback(feedback)
        if controller.attempt is not None:
            self._build_done()
            return
        run = session.run
        step = run.current_step
        if controller.saved_note is not None:
            self._build_saved()
            return
        kind = KIND_WORDS.get(type(step), "Step")
        number = len(run.visits)
        heading = "Last step \u00b7 Training note" if isinstance(step, EndStep) else f"Step {number} \u00b7 {kind}"
        header = label(heading, self.card, name="Step number and kind")
        self.card_layout.addWidget(header)
        title = label(step.title, self.card, name="Step title")
        title.setFont(scaled(title, 1.25))
        self.card_layout.addWidget(title)
        self.step_title = title
        self._add_guidance(step, with_text=not isinstance(step, EndStep))
        if isinstance(step, EndStep):
            self._build_note()
            return
        view = VIEW_TYPES[type(step)](step, run, self.card)
        self._prefill(view, step)
        if isinstance(view, EscalateView):
            view.what_happens.setText(TRAINING_ESCALATE_TEXT)
        self._show_step_view(view, view.primary_text)

    def _prefill(self, view: StepView, step: AnyStep) -> None:
        """What the situation supplies and the scenario does not mark (the customer reference the
        caller gave) is filled in, and said to come from the situation."""
        session = self.controller.session
        assert session is not None
        value = session.prefill(step.id)
        if value is None:
            return
        if isinstance(step, InputStep | QuestionStep | DocumentStep):
            view.set_value(value)
        self.card_layout.addWidget(label(f"From the situation: {answer_words(step, value)}", self.card,
                                         name="From the situation"))

    def _build_feedback(self, feedback: Feedback) -> None:
        session = self.controller.session
        assert session is not None
        step = session.procedure.step(feedback.step)
        title = html.escape(step.title if step else feedback.step)
        name = "Feedback on your last answer"
        if not feedback.graded:
            done = label(f"Done: \u201c{step.title if step else feedback.step}\u201d (not marked in this scenario).",
                         self.card, name=name)
            self.card_layout.addWidget(done)
            self.feedback_label = done
            return
        frame, layout = boxed(self.card, name)
        verdict = RIGHT if feedback.correct else WRONG
        given = html.escape(answer_words(step, feedback.given))
        parts = [f"<b style='font-size:large'>{verdict}</b> \u2014 {title}",
                 f"<br>Your answer: {given}"]
        if not feedback.correct:
            parts.append(f"<br><b>The guidance calls for:</b> {html.escape(answer_words(step, feedback.expected))}")
        reason = html.escape(feedback.reason.strip()).replace("\n", "<br>")
        parts.append(f"<br><b>Why:</b> \u201c{reason}\u201d")
        parts.append(f"<br><b>Read:</b> {self._section_link(feedback.section, True)} (Ctrl+Shift+G)")
        if not feedback.correct:
            parts.append("<br><i>Previous step (Ctrl+Shift+Backspace) lets you answer it again; the debrief marks "
                         "your latest answer.</i>")
        text = "".join(parts)
        frame.setObjectName("feedback_right" if feedback.correct else "feedback_wrong")
        # Colour only backs up the words and the symbol.
        colour = "#00703c" if feedback.correct else "#d4351c"
        frame.setStyleSheet(f"QFrame#{frame.objectName()} {{ border: 3px solid {colour}; }}")
        feedback_label = label(text, frame, rich=True, name=name)
        feedback_label.linkActivated.connect(self.on_link)
        layout.addWidget(feedback_label)
        self.card_layout.addWidget(frame)
        self.feedback_box = frame
        self.feedback_label = feedback_label

    def _build_note(self) -> None:
        controller = self.controller
        self.card_layout.addWidget(label(
            "This is the note the checklist drafts. Read it, change anything that is not right, then save it. "
            "In training it is kept in the training records only, never with your real notes.", self.card))
        session = controller.session
        assert session is not None
        if session.run.escalations:
            self.card_layout.addWidget(label(
                "You raised a concern. After you save the note you will see the message that would be sent to "
                "your line manager. In training it is never sent.", self.card, name="Concern raised"))
        editor = NoteEditor(controller.check, self.card, save_label="&Save the training note")
        editor.set_text(kept_note_text(self, controller.note_draft().text))
        editor.save_requested.connect(self.save_note)
        self.note_editor = editor
        self.card_layout.addWidget(editor, 1)
        editor.editor.setFocus()

    def _build_saved(self) -> None:
        controller = self.controller
        note = controller.saved_note
        assert note is not None
        title = label(f"Training note {note.id} is kept in the training records", self.card, name="Training note saved")
        title.setFont(scaled(title, 1.2))
        self.card_layout.addWidget(title)
        self.card_layout.addWidget(label("Not with your real notes, and not sent anywhere.", self.card))
        text = QPlainTextEdit(self.card)
        text.setReadOnly(True)
        text.setPlainText(note.text)
        text.setAccessibleName("The training note")
        text.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
        self.card_layout.addWidget(text)
        for draft, _held in controller.held_escalations:
            frame, layout = boxed(self.card, "Would be sent to the line manager")
            heading = label(f"\u2709 Would be sent to the {draft.to} \u2014 NOT SENT (training)", frame)
            heading.setFont(scaled(heading, 1.05))
            layout.addWidget(heading)
            layout.addWidget(label(f"Subject: {draft.subject}", frame))
            body = QPlainTextEdit(frame)
            body.setReadOnly(True)
            body.setPlainText(draft.body)
            body.setAccessibleName("The message that would be sent")
            body.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
            layout.addWidget(body)
            self.card_layout.addWidget(frame)
        self.debrief_button = button("See the &debrief (Ctrl+Shift+F)", self.card, "See the debrief")
        self.debrief_button.clicked.connect(self.debrief_requested)
        self.card_layout.addWidget(self.debrief_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.card_layout.addStretch(1)
        self.debrief_button.setFocus()

    def _build_done(self) -> None:
        attempt = self.controller.attempt
        assert attempt is not None
        grade = attempt.grade
        fixed = f", {len(grade.corrected)} of them corrected after a wrong first answer" if grade.corrected else ""
        title = label(f"Scenario finished: {grade.correct} of {grade.total} decisions right{fixed}", self.card,
                      name="Scenario finished")
        title.setFont(scaled(title, 1.2))
        self.card_layout.addWidget(title)
        self.card_layout.addWidget(label(
            "The debrief shows each decision beside the expected one, the guidance's reasons and the sections "
            "to re-read. Print it, save it as PDF, or export the trainer's records as CSV from there.", self.card))
        self.debrief_button = button("Open the &debrief (Ctrl+Shift+F)", self.card, "Open the debrief")
        self.debrief_button.clicked.connect(self.debrief_requested)
        again = button("&Choose another scenario (Ctrl+Shift+R)", self.card, "Choose another scenario")
        again.clicked.connect(self.choose_requested)
        leave = button("&Leave training mode (Ctrl+Shift+X)", self.card, "Leave training mode")
        leave.clicked.connect(self.leave_requested)
        for widget in (self.debrief_button, again, leave):
            self.card_layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
        self.card_layout.addStretch(1)

    def render_markdown(self, text: str) -> str:
        return render_fragment(text, library_config(self.controller.library))

    _render = render_markdown

    # --- actions ---------------------------------------------------------------------------------
    def on_link(self, link: str) -> None:
        scheme, _, target = link.partition(":")
        if scheme == "section" and target:
            self.controller.open_section(target)

    def reveal(self) -> None:
        if self.controller.reveal_next():
            self.tabs.setCurrentWidget(self.turns_view)

    def open_feedback_section(self) -> bool:
        feedback = self.controller.last_feedback
        if feedback is None or not feedback.section:
            return False
        self.controller.open_section(feedback.section)
        return True

    def primary(self) -> None:
        if self.note_editor is not None:
            self.note_editor.request_save()
        elif self.step_view is not None:
            self.submit(self.step_view.value())
        elif self.debrief_button is not None:
            self.debrief_button.click()

    def submit(self, value: object) -> bool:
        if self.step_view is None or self.controller.session is None:
            return False
        answered, _ = self._answer(value)
        if not answered:
            return False
        self.show_message("")
        return True

    def _note_error_html(self, text: str) -> str:
        return f"<b>The training note was not kept:</b> {html.escape(text)}"

    def is_check(self) -> bool:
        return self.step_view is not None and isinstance(self.step_view.step, CheckStep)

