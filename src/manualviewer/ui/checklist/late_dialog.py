"""Something the customer said later: the answer to an earlier step as it is now, with the
customer's words, recorded beside the original answer (which stays). Nothing is rewound: the
officer keeps their place in the checklist."""

from __future__ import annotations

import html
from typing import Any, Protocol

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.procedures import AnswerError, CheckStep, Run, RunError
from manualviewer.core.procedures.records import answer_text
from manualviewer.ui.steps.base import StepView
from manualviewer.ui.steps.models import STEP_ID_ROLE
from manualviewer.ui.steps.registry import VIEW_TYPES


class LateRecorder(Protocol):
    """What the form (and the path list's menu) needs from the checklist controller."""

    @property
    def run(self) -> Run | None: ...
    def late_steps(self) -> list[tuple[str, str]]: ...
    def late_answer(self, step_id: str, value: object, said: str = "") -> None: ...
    def open_late_answer(self, step_id: str = "") -> Any: ...


def add_late_menu(view: QAbstractItemView, controller: LateRecorder) -> None:
    """A context menu (right click, or the Menu key) on each answered step of the path list:
    "Something the customer said later about this...", while the run can still take one."""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.setToolTip("Choose a step to change its answer. Right-click it (or press the Menu key) to record "
                    "something the customer said later about it; the earlier answer stays in the record.")

    def show(position: QPoint) -> None:
        index = view.indexAt(position)
        if not index.isValid():
            index = view.currentIndex()
        step_id = index.data(STEP_ID_ROLE)
        if step_id not in dict(controller.late_steps()):
            return
        menu = QMenu(view)
        menu.setAccessibleName("Steps so far")
        action = menu.addAction("Something the customer said &later about this...")
        action.triggered.connect(lambda: controller.open_late_answer(step_id))
        menu.popup(view.viewport().mapToGlobal(view.visualRect(index).center()))

    view.customContextMenuRequested.connect(show)


class CheckChoice(QWidget):
    """A check's two answers as a choice (the check view's buttons would move the run on)."""

    def __init__(self, step: CheckStep, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.buttons: dict[bool, QRadioButton] = {}
        labels = [(True, step.confirm_label)]
        if step.not_confirmed is not None:
            labels.append((False, step.not_confirmed.label))
        for value, label in labels:
            button = QRadioButton(label, self)
            self.group.addButton(button)
            self.buttons[value] = button
            layout.addWidget(button)

    def value(self) -> object:
        return next((v for v, b in self.buttons.items() if b.isChecked()), None)


class LateAnswerDialog(QDialog):
    def __init__(self, controller: LateRecorder, parent: QWidget | None = None, step_id: str = "") -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Something the customer said later")
        self.setAccessibleName(self.windowTitle())
        intro = QLabel(
            "Record what the customer told you later about an earlier answer. The earlier answer stays in "
            "the record and nothing you did since is undone; the note says when it was said.", self)
        intro.setWordWrap(True)
        self.step_box = QComboBox(self)
        self.step_box.setAccessibleName("Which earlier answer")
        for sid, title in controller.late_steps():
            self.step_box.addItem(title, sid)
        self.earlier = QLabel(self)
        self.earlier.setWordWrap(True)
        self.earlier.setTextFormat(Qt.TextFormat.RichText)
        self.earlier.setAccessibleName("The earlier answer")
        self.said = QLineEdit(self)
        self.said.setAccessibleName("What the customer said")
        self.said.setPlaceholderText("for example: they are a journalist")
        form = QFormLayout()
        for text, editor in (("&Which answer:", self.step_box), ("What the customer &said:", self.said)):
            label = QLabel(text, self)
            label.setBuddy(editor)
            form.addRow(label, editor)
        self.answer_title = QLabel("<b>The answer now:</b>", self)
        self.answer_holder = QVBoxLayout()
        self.answer_view: StepView | CheckChoice | None = None
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName("Problem with the answer")
        self.error_label.hide()
        buttons = QDialogButtonBox(self)
        self.record_button = buttons.addButton("&Record what was said", QDialogButtonBox.ButtonRole.AcceptRole)
        self.record_button.setAccessibleName("Record what was said")
        self.record_button.clicked.connect(self.record)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.earlier)
        layout.addWidget(self.answer_title)
        layout.addLayout(self.answer_holder, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.step_box.currentIndexChanged.connect(lambda _i: self.show_step())
        if step_id:
            self.step_box.setCurrentIndex(max(0, self.step_box.findData(step_id)))
        self.show_step()
        self.resize(560, 440)

    def show_step(self) -> None:
        if self.answer_view is not None:
            self.answer_holder.removeWidget(self.answer_view)
            self.answer_view.hide()  # at once: its deletion waits for the event loop
            self.answer_view.deleteLater()
            self.answer_view = None
        self.error_label.hide()
        run = self.controller.run
        step_id = self.step_box.currentData()
        step = run.procedure.step(step_id) if run is not None and step_id else None
        self.record_button.setEnabled(step is not None)
        if run is None or step is None:
            self.earlier.setText("No answer yet can take something said later.")
            return
        self.earlier.setText(f"Earlier answer, which stays in the record: "
                             f"<i>{html.escape(answer_text(step, run.answer_of(step.id)))}</i>")
        view: StepView | CheckChoice
        view = CheckChoice(step, self) if isinstance(step, CheckStep) else VIEW_TYPES[type(step)](step, run, self)
        self.answer_view = view
        self.answer_holder.addWidget(view)
        group = getattr(view, "group", None)  # choices: "choose the answer" goes once one is chosen
        if isinstance(group, QButtonGroup):
            group.buttonToggled.connect(lambda _b, _on: self.error_label.hide())

    def record(self) -> None:
        step_id = self.step_box.currentData()
        if self.answer_view is None or not step_id:
            return
        self.error_label.hide()
        value: Any = self.answer_view.value()
        if value is None:
            self._error("Choose the answer as it is now.")
            return
        try:
            self.controller.late_answer(step_id, value, self.said.text())
        except (AnswerError, RunError) as exc:
            self._error(str(exc))
            return
        self.accept()

    def _error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()
