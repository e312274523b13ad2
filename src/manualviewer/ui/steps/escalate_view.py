"""An escalate step: a concern for the line manager, with the reason."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.procedures import (
    EscalateStep,
    Run,
)
from manualviewer.core.procedures.records import NOT_GIVEN
from manualviewer.core.procedures.templates import render
from manualviewer.ui.steps.base import StepView, framed_box
from manualviewer.ui.widgets import label as _label


class EscalateView(StepView):
    WHAT_HAPPENS = ("Nothing is sent yet. After you save the note you will see the whole message, "
                    "addressed to your line manager, and send it from there.")

    primary_text = "&Raise this concern"

    def __init__(self, step: EscalateStep, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(step, run, parent)
        values = run.values
        reason = render(step.reason.text, lambda name: values.get(name) or
                        {"procedure_title": run.procedure.title}.get(name, NOT_GIVEN)).strip()
        box = framed_box(self, "The concern")
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(_label(f"The concern, for your {step.to}:", box))
        self.reason_label = _label(reason, box, name="The concern")
        box_layout.addWidget(self.reason_label)
        self.layout_.addWidget(box)
        label = QLabel("Anything to add (optional):", self)
        self.extra = QPlainTextEdit(self)
        self.extra.setTabChangesFocus(True)
        self.extra.setMaximumHeight(100)
        self.extra.setAccessibleName("Anything to add to the concern (optional)")
        label.setBuddy(self.extra)
        self.layout_.addWidget(label)
        self.layout_.addWidget(self.extra)
        self.what_happens = _label(self.WHAT_HAPPENS, self, name="What happens to the concern")
        self.layout_.addWidget(self.what_happens)

    def value(self) -> object:
        return self.extra.toPlainText()

    def set_value(self, value: object) -> None:
        self.extra.setPlainText(str(value or ""))

    def focus_first(self) -> None:
        self.extra.setFocus()
