"""An input step: the fields that go into the note (customer reference, dates, free text)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from manualviewer.core.procedures import (
    FieldType,
    InputStep,
    Run,
)
from manualviewer.core.procedures.model import InputField
from manualviewer.ui.steps.base import StepView, mnemonic_safe
from manualviewer.ui.widgets import label as _label


class InputView(StepView):
    primary_text = "&Continue"

    def __init__(self, step: InputStep, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(step, run, parent)
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        previous = run.answer_of(step.id)
        for field in step.fields:
            editor, holder = self._editor(field)
            self.editors[field.name] = editor
            need = "required" if field.required else "optional"
            # Label above its field, full width: labels from the guidance can be long.
            label = _label(f"{mnemonic_safe(field.label)} ({need})", self)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setBuddy(editor)
            bold = QFont(label.font())
            bold.setBold(True)
            label.setFont(bold)
            editor.setAccessibleName(f"{field.label} ({need})")
            error = _label("", self, name=f"Problem with {field.label}")
            error.hide()
            self.errors[field.name] = error
            self.layout_.addWidget(label)
            self.layout_.addWidget(holder)
            if field.hint or field.type in (FieldType.DATE, FieldType.CUSTOMER_REFERENCE):
                self.layout_.addWidget(_label(self._hint(field), self))
            self.layout_.addWidget(error)
            self.layout_.addSpacing(6)
        if isinstance(previous, dict):
            self.set_value(previous)

    @staticmethod
    def _hint(field: InputField) -> str:
        if field.type is FieldType.DATE:
            return "As DD/MM/YYYY, for example 01/05/2024."
        if field.type is FieldType.CUSTOMER_REFERENCE:
            return field.hint or "Letters, digits, spaces, / . and -"
        return field.hint

    def _editor(self, field: InputField) -> tuple[QWidget, QWidget]:
        if field.type is FieldType.CHOICE:
            combo = QComboBox(self)
            combo.addItem("Choose..." if field.required else "(not given)", "")
            for option in field.options:
                combo.addItem(option, option)
            return combo, combo
        if field.multiline and field.type is FieldType.TEXT:
            text = QPlainTextEdit(self)
            text.setTabChangesFocus(True)
            text.setMaximumHeight(110)
            return text, text
        line = QLineEdit(self)
        if field.type is FieldType.DATE:
            line.setPlaceholderText("DD/MM/YYYY")
            holder = QWidget(self)
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(line, 1)
            today = QPushButton("Today", holder)
            today.setAccessibleName(f"Today's date for {field.label}")
            today.clicked.connect(lambda: line.setText(dt.date.today().strftime("%d/%m/%Y")))
            row.addWidget(today)
            return line, holder
        return line, line

    def value(self) -> object:
        result: dict[str, str] = {}
        for name, editor in self.editors.items():
            if isinstance(editor, QComboBox):
                result[name] = str(editor.currentData() or "")
            elif isinstance(editor, QPlainTextEdit):
                result[name] = editor.toPlainText()
            elif isinstance(editor, QLineEdit):
                result[name] = editor.text()
        return result

    def set_value(self, value: object) -> None:
        if not isinstance(value, dict):
            return
        for name, editor in self.editors.items():
            text = str(value.get(name, ""))
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(text)))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(text)
            elif isinstance(editor, QLineEdit):
                field = self.step.field(name) if isinstance(self.step, InputStep) else None
                if field is not None and field.type is FieldType.DATE and len(text) == 10 and text[4] == "-":
                    text = f"{text[8:10]}/{text[5:7]}/{text[0:4]}"  # stored ISO, typed the UK way
                editor.setText(text)

    def set_field(self, name: str, text: str) -> None:
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(text)))
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(text)
        elif isinstance(editor, QLineEdit):
            editor.setText(text)

    def show_field_error(self, field: str | None, message: str) -> bool:
        if field is None or field not in self.errors:
            return False
        self.errors[field].setText(message)
        self.errors[field].show()
        editor = self.editors[field]
        editor.setAccessibleDescription(message)
        editor.setFocus()
        return True

    def clear_errors(self) -> None:
        for name, error in self.errors.items():
            error.hide()
            self.editors[name].setAccessibleDescription("")

    def focus_first(self) -> None:
        first = next(iter(self.editors.values()), None)
        if first is not None:
            first.setFocus()
