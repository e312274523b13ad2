"""What the Checklist panel and the Training panel share: the small widgets they build the step
card from, and the plumbing around the step on screen (the answer buttons, giving the answer,
going back a step, and steps that happen out of order).

Each panel keeps its own words: the messages that differ are class attributes or hooks the
panel sets."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.procedures import AnswerError, AnyStep, QuestionStep, RunError
from manualviewer.storage.notes import NoteError
from manualviewer.ui.steps.base import StepView
from manualviewer.ui.steps.note_editor import NoteEditor
from manualviewer.ui.widgets import button, label


# --- the panels' shared plumbing ---------------------------------------------------------------
class StepPanelMixin:
    """For a QWidget panel that shows one step at a time in `card` and asks `controller` to change
    the run (answer, back, jumps, jump, save_note, section_title)."""

    controller: Any
    card: QWidget
    card_layout: QVBoxLayout
    message: QLabel
    jump_button: QPushButton
    jump_menu: QMenu | None
    step_view: StepView | None
    note_editor: NoteEditor | None
    error_label: QLabel | None
    primary_button: QPushButton | None
    secondary_button: QPushButton | None

    back_message = ""  # said after going back a step
    jump_message = ""  # said after going to a step out of order; nothing when empty
    error_mark = ""  # before a problem not shown beside its field
    focus_error = True  # a problem not shown beside its field takes the focus
    note_errors: tuple[type[Exception], ...] = (NoteError,)  # what stops the note being saved

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def primary(self) -> None:
        raise NotImplementedError

    def submit(self, value: object) -> bool:
        raise NotImplementedError

    # --- the card ------------------------------------------------------------------------------
    def _show_step_view(self, view: StepView, primary_text: str) -> None:
        """Put the step's view on the card, and its answer (the problem line, the buttons and
        their keys) where `_place_step_actions` says."""
        self.step_view = view
        self.card_layout.addWidget(view)
        actions = QWidget(self.card)
        actions.setAccessibleName("Your answer")
        box = QVBoxLayout(actions)
        box.setContentsMargins(0, 0, 0, 0)
        self.error_label = label("", actions, name="Problem with your answer")
        self.error_label.hide()
        box.addWidget(self.error_label)
        row = QHBoxLayout()
        self.primary_button = button(primary_text, actions, primary_text.replace("&", ""), "Ctrl+Enter")
        self.primary_button.setDefault(True)
        self.primary_button.clicked.connect(self.primary)
        self.secondary_button = None
        row.addWidget(self.primary_button)
        if view.secondary_text:
            self.secondary_button = button(view.secondary_text, actions, view.secondary_text.replace("&&", "&"),
                                           "Ctrl+Shift+Enter")
            self.secondary_button.clicked.connect(self.secondary)
            row.addWidget(self.secondary_button)
        self._add_step_buttons(row, view)
        row.addStretch(1)
        box.addLayout(row)
        keys = "Ctrl+Enter: " + view.primary_text.replace("&", "")
        if view.secondary_text:
            keys += " \u00b7 Ctrl+Shift+Enter: " + view.secondary_text.replace("&&", "&")
        box.addWidget(label(keys, actions, name="Keyboard shortcuts"))
        self._place_step_actions(actions)
        self.card_layout.addStretch(1)
        view.focus_first()

    def _place_step_actions(self, actions: QWidget) -> None:
        """Under the step on the card; a panel with a footer that never scrolls puts them there."""
        self.card_layout.addWidget(actions)

    def _add_step_buttons(self, row: QHBoxLayout, view: StepView) -> None:
        """More buttons after the answer buttons, for a panel that needs them."""

    def _render(self, text: str) -> str:
        raise NotImplementedError

    def on_link(self, link: str) -> None:
        raise NotImplementedError

    def _add_guidance(self, step: AnyStep, *, with_text: bool = True) -> None:
        """The guidance's words for the step and the section it cites, their links live."""
        if step.text and with_text:
            text = label(self._render(step.text), self.card, rich=True, name="What the guidance says")
            text.linkActivated.connect(self.on_link)
            self.card_layout.addWidget(text)
        if step.section:
            cite = label(f"Guidance: {self._section_link(step.section, with_title=True)}", self.card, rich=True,
                         name="Guidance for this step")
            cite.linkActivated.connect(self.on_link)
            self.card_layout.addWidget(cite)

    def _section_link(self, section_id: str, with_title: bool = False) -> str:
        shown = html.escape(section_id)
        link = f"<a href='section:{shown}'>{shown}</a>"
        return f"{link} {html.escape(self.controller.section_title(section_id))}" if with_title else link

    # --- actions -------------------------------------------------------------------------------
    def secondary(self) -> None:
        if self.step_view is not None and self.step_view.secondary_text:
            self.submit(self.step_view.secondary_value())

    def _answer(self, value: object) -> tuple[bool, Any]:
        """Give the step on screen `value`: (True, what the controller returned), or (False, None)
        with the problem shown."""
        assert self.step_view is not None
        step = self.step_view.step
        if isinstance(step, QuestionStep) and value is None:
            self._show_error(None, "Choose one of the answers first.")
            return False, None
        self.step_view.clear_errors()
        try:
            result = self.controller.answer(step.id, value)
        except AnswerError as exc:
            self._show_error(exc.field, str(exc))
            return False, None
        except RunError as exc:
            self._show_error(None, str(exc))
            return False, None
        return True, result

    def _show_error(self, field: str | None, message: str) -> None:
        assert self.step_view is not None and self.error_label is not None
        by_field = self.step_view.show_field_error(field, message)
        self.error_label.setText(("Please check: " if by_field else self.error_mark) + message)
        self.error_label.show()
        if not by_field and self.focus_error:
            self.error_label.setFocus()

    def save_note(self, text: str) -> bool:
        assert self.note_editor is not None
        self.note_editor.show_error("")
        try:
            self.controller.save_note(text)
        except self.note_errors as exc:
            if self.note_editor is not None:
                self.note_editor.show_error(self._note_error_html(str(exc)))
            return False
        return True

    def _note_error_html(self, text: str) -> str:
        """The note editor's words (HTML) for why the note was not saved."""
        raise NotImplementedError

    def go_back(self) -> None:
        if self.controller.back():
            self.show_message(self.back_message)

    def show_jump_menu(self) -> None:
        jumps = self.controller.jumps()
        if not jumps:
            return
        menu = QMenu(self)  # type: ignore[call-overload]
        menu.setAccessibleName("Something happened out of order")
        heading = menu.addAction("Go to a step that can happen at any time:")
        heading.setEnabled(False)
        for step_id, title in jumps:
            act = menu.addAction(title)
            act.triggered.connect(lambda _c=False, sid=step_id: self.jump(sid))
        self.jump_menu = menu
        menu.popup(self.jump_button.mapToGlobal(self.jump_button.rect().topLeft()))

    def jump(self, step_id: str) -> None:
        try:
            self.controller.jump(step_id)
        except RunError as exc:
            self.show_message(str(exc))
            return
        if self.jump_message:
            self.show_message(self.jump_message)

    # --- helpers for tests and keyboard users ---------------------------------------------------
    def current_step(self) -> AnyStep | None:
        return self.step_view.step if self.step_view is not None else None


def keep_note_text(panel: Any) -> None:
    """Before the card is rebuilt: remember the note as the officer edited it, with the draft
    it was edited from."""
    editor = getattr(panel, "note_editor", None)
    if editor is not None:
        panel.kept_note = (getattr(panel, "note_draft_text", ""), editor.text())


def kept_note_text(panel: Any, draft: str) -> str:
    """The text for a new note editor: the officer's edits when the draft is still the one they
    edited (a redraw, a revealed turn), else the fresh draft (an answer changed)."""
    kept = getattr(panel, "kept_note", None)
    panel.note_draft_text = draft
    panel.kept_note = None
    if kept is not None and kept[0] == draft:
        return str(kept[1])
    return draft
