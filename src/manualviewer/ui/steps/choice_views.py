"""Steps answered by choosing: a check to confirm, a question with choices."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QRadioButton,
    QWidget,
)

from manualviewer.core.procedures import (
    CheckStep,
    QuestionStep,
    Run,
)
from manualviewer.core.procedures.records import answer_text
from manualviewer.ui.steps.base import ClickLabel, StepView, mnemonic_safe
from manualviewer.ui.widgets import label as _label


class CheckView(StepView):
    def __init__(self, step: CheckStep, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(step, run, parent)
        self.primary_text = "&" + mnemonic_safe(step.confirm_label)
        if step.not_confirmed is not None:
            self.secondary_text = mnemonic_safe(step.not_confirmed.label)
        else:
            self.layout_.addWidget(_label("This point must be confirmed before you can go on.", self))
        self.answer_label = _label("", self, name="Your earlier answer")
        self.answer_label.hide()
        self.layout_.addWidget(self.answer_label)

    def value(self) -> object:
        return True

    def secondary_value(self) -> object:
        return False

    def set_value(self, value: object) -> None:
        assert isinstance(self.step, CheckStep)
        self.answer_label.setText(f"Your answer was: {answer_text(self.step, value)}")  # type: ignore[arg-type]
        self.answer_label.show()


class QuestionView(StepView):
    primary_text = "&Continue"

    def __init__(self, step: QuestionStep, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(step, run, parent)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        self.shortcuts: list[QShortcut] = []
        for n, choice in enumerate(step.choices, 1):
            row = QHBoxLayout()
            button = QRadioButton(self)
            button.setAccessibleName(choice.label)
            button.setAccessibleDescription(f"Choice {n} of {len(step.choices)}" + (f", Alt+{n}" if n < 10 else ""))
            label = ClickLabel(f"{n}.  {choice.label}", button, self)
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(label, 1)
            self.layout_.addLayout(row)
            self.group.addButton(button, n)
            self.buttons[choice.id] = button
            if n < 10:
                shortcut = QShortcut(QKeySequence(f"Alt+{n}"), self)
                shortcut.activated.connect(lambda b=button: (b.setChecked(True), b.setFocus()))
                self.shortcuts.append(shortcut)
        self.layout_.addWidget(_label("Choose with the mouse, the arrow keys, or Alt and the number.", self))

    def value(self) -> object:
        return next((cid for cid, b in self.buttons.items() if b.isChecked()), None)

    def set_value(self, value: object) -> None:
        button = self.buttons.get(str(value))
        if button is not None:
            button.setChecked(True)

    def choose(self, choice_id: str) -> None:
        self.buttons[choice_id].setChecked(True)

    def focus_first(self) -> None:
        checked = self.group.checkedButton() or next(iter(self.buttons.values()), None)
        if checked is not None:
            checked.setFocus()
