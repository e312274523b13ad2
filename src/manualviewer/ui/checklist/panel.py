"""The Checklist panel: one step at a time, the steps so far (click one to change its answer),
the note at the end, and a bar offering unfinished checklists to resume.

The panel never changes the run itself; it asks the ChecklistController, which runs the pure
engine and saves every change. Step widgets are rebuilt for each step, so a step never shows
another step's leftovers."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.procedures import (
    AnyStep,
    CheckStep,
    DocumentError,
    DocumentStep,
    EndStep,
    EscalateStep,
    FieldType,
    InfoStep,
    InputStep,
    Procedure,
    QuestionStep,
    Run,
    RunError,
    document_text,
)
from manualviewer.core.procedures.document import reached_options
from manualviewer.core.procedures.model import InputField
from manualviewer.core.procedures.records import NOT_GIVEN, answer_text
from manualviewer.core.procedures.templates import render
from manualviewer.core.render.html import library_config, render_fragment
from manualviewer.ui.checklist.note_dialog import NoteEditor
from manualviewer.ui.steps.panel_common import (
    StepPanelMixin,
    clear_layout,
    keep_note_text,
    kept_note_text,
    read_only_list,
)
from manualviewer.ui.steps.panel_common import button as _button
from manualviewer.ui.steps.panel_common import label as _label
from manualviewer.ui.steps.panel_common import scaled_font as _scaled_font

if TYPE_CHECKING:
    from manualviewer.services.checklist_session import SessionChange
    from manualviewer.ui.checklist.controller import ChecklistController, ResumableRun

AnyIndex = QModelIndex | QPersistentModelIndex
STEP_ID_ROLE = Qt.ItemDataRole.UserRole + 1
VISIT_STATE_ROLE = Qt.ItemDataRole.UserRole + 2  # "answered", "current", "left"
PROCEDURE_ID_ROLE = Qt.ItemDataRole.UserRole + 3

KIND_WORDS = {
    CheckStep: "Check with the customer",
    QuestionStep: "Question",
    InputStep: "Fill in",
    InfoStep: "Read",
    EscalateStep: "Raise a concern",
    DocumentStep: "Letter",
    EndStep: "Note",
}


# --- models --------------------------------------------------------------------------------
class PathModel(QAbstractListModel):
    """The steps of the run so far, in order: answered ones with their answer, then the step on
    screen. A step left when something happened out of order says so."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run: Run | None = None

    def set_run(self, run: Run | None) -> None:
        self.beginResetModel()
        self._run = run
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._run is None:
            return 0
        return len(self._run.visits)

    def state(self, row: int) -> str:
        assert self._run is not None
        visit = self._run.visits[row]
        if row == len(self._run.visits) - 1:
            return "current"
        return "answered" if visit.answered else "left"

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if self._run is None or not index.isValid() or not 0 <= index.row() < len(self._run.visits):
            return None
        row = index.row()
        visit = self._run.visits[row]
        step = self._run.procedure.step(visit.step_id)
        if step is None:
            return None
        state = self.state(row)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            heading = f"{row + 1}. {step.title}" + ("  (out of order)" if visit.out_of_order else "")
            if state == "current":
                detail = "Note: check it and save it" if isinstance(step, EndStep) else "\u25b6 On screen now"
            elif state == "left":
                detail = "Left unanswered when something happened out of order"
            else:
                detail = "Answer: " + answer_text(step, visit.value)
            return f"{heading}\n    {detail}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if state == "answered":
                return "Click to change this answer. Later answers that no longer apply are removed."
            if state == "left":
                return "You left this step for an out-of-order step. Previous step (Ctrl+Shift+Backspace) returns here."
            return "The step on screen now"
        if role == Qt.ItemDataRole.FontRole and state == "current":
            font = QFont()
            font.setBold(True)
            return font
        if role == STEP_ID_ROLE:
            return visit.step_id
        if role == VISIT_STATE_ROLE:
            return state
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class ProcedureListModel(QAbstractListModel):
    """Every checklist in the library, by title; the open section's own ones first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Procedure, bool]] = []

    def set_procedures(self, procedures: list[Procedure], offered: list[str] | None = None) -> None:
        first = set(offered or [])
        self.beginResetModel()
        self._rows = sorted(((p, p.id in first) for p in procedures), key=lambda r: (not r[1], r[0].title.lower()))
        self.endResetModel()

    def procedure(self, row: int) -> Procedure | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        procedure, offered = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            prefix = "For the open section: " if offered else ""
            guidance = ", ".join(procedure.sections)
            return f"{prefix}{procedure.title}\n    Follows {guidance}" if guidance else f"{prefix}{procedure.title}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return procedure.summary or procedure.title
        if role == PROCEDURE_ID_ROLE:
            return procedure.id
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


# --- small widgets ---------------------------------------------------------------------------
def _box(parent: QWidget | None = None, name: str = "") -> QFrame:
    frame = QFrame(parent)
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setAutoFillBackground(True)
    frame.setBackgroundRole(frame.palette().ColorRole.AlternateBase)
    if name:
        frame.setAccessibleName(name)
    return frame


def _mnemonic_safe(text: str) -> str:
    return text.replace("&", "&&")


class _ClickLabel(QLabel):
    """A wrapping label that checks its radio button when clicked (QRadioButton cannot wrap)."""

    def __init__(self, text: str, button: QRadioButton, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._button = button
        self.setWordWrap(True)
        self.setBuddy(button)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._button.setChecked(True)
        self._button.setFocus()
        super().mousePressEvent(event)


# --- step views ----------------------------------------------------------------------------
class StepView(QWidget):
    """The answer part of one step. `value()` is what the engine is given."""

    primary_text = "&Continue"
    secondary_text = ""

    def __init__(self, step: AnyStep, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = step
        self.run = run
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)

    def value(self) -> object:
        return None

    def secondary_value(self) -> object:
        return None

    def set_value(self, value: object) -> None:
        """Show an earlier answer, for changing it."""

    def show_field_error(self, field: str | None, message: str) -> bool:
        """Show an error beside its field; False when the view has no such field."""
        return False

    def clear_errors(self) -> None:
        pass

    def focus_first(self) -> None:
        self.setFocus()


class InfoView(StepView):
    primary_text = "&Done, continue"


class CheckView(StepView):
    def __init__(self, step: CheckStep, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(step, run, parent)
        self.primary_text = "&" + _mnemonic_safe(step.confirm_label)
        if step.not_confirmed is not None:
            self.secondary_text = _mnemonic_safe(step.not_confirmed.label)
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
            label = _ClickLabel(f"{n}.  {choice.label}", button, self)
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
            label = _label(f"{_mnemonic_safe(field.label)} ({need})", self)
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


class EscalateView(StepView):
    WHAT_HAPPENS = ("Nothing is sent yet. After you save the note you will see the whole message, "
                    "addressed to your line manager, and send it from there.")

    primary_text = "&Raise this concern"

    def __init__(self, step: EscalateStep, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(step, run, parent)
        values = run.values
        reason = render(step.reason.text, lambda name: values.get(name) or
                        {"procedure_title": run.procedure.title}.get(name, NOT_GIVEN)).strip()
        box = _box(self, "The concern")
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


class DocumentView(StepView):
    """"Delete as appropriate": one drop-down per option, the finished letter below as you pick."""

    primary_text = "&Continue"

    def __init__(self, step: DocumentStep, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(step, run, parent)
        self.combos: dict[str, QComboBox] = {}
        self.labels: dict[str, QLabel] = {}
        self.layout_.addWidget(_label(
            "The wording of the letter is set by the guidance. Where it offers a choice (\u201cdelete as "
            "appropriate\u201d), pick one below; the finished letter underneath changes as you pick.", self))
        for option in step.template.options:
            combo = QComboBox(self)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
            if option.default is None:
                combo.addItem("Choose...", None)
            for choice in option.choices:
                combo.addItem(choice.label, choice.id)
                combo.setItemData(combo.count() - 1, choice.text or "(removes this paragraph)",
                                  Qt.ItemDataRole.ToolTipRole)
            if option.default is not None:
                combo.setCurrentIndex(max(0, combo.findData(option.default)))
            combo.setAccessibleName(option.label)
            combo.currentIndexChanged.connect(self.update_preview)
            label = _label(_mnemonic_safe(option.label), self)
            label.setBuddy(combo)
            self.combos[option.name] = combo
            self.labels[option.name] = label
            self.layout_.addWidget(label)
            self.layout_.addWidget(combo)
        self.layout_.addWidget(QLabel("The finished letter:", self))
        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("The finished letter")
        self.preview.setMinimumHeight(180)
        self.layout_.addWidget(self.preview)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton("Cop&y letter", self)
        self.copy_button.clicked.connect(self.copy_text)
        self.txt_button = QPushButton("Save as &text...", self)
        self.txt_button.clicked.connect(lambda: self.save_text())
        self.pdf_button = QPushButton("Save as &PDF...", self)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        for button in (self.copy_button, self.txt_button, self.pdf_button):
            button.setAccessibleName(button.text().replace("&", "").rstrip("."))
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.layout_.addLayout(buttons)
        self.status = _label("", self, name="Letter status")
        self.layout_.addWidget(self.status)
        previous = run.answer_of(step.id)
        if isinstance(previous, dict):
            self.set_value(previous)
        self.update_preview()

    def choices(self) -> dict[str, str]:
        return {name: str(c.currentData()) for name, c in self.combos.items() if c.currentData() is not None}

    def choose(self, option: str, choice_id: str) -> None:
        combo = self.combos[option]
        combo.setCurrentIndex(combo.findData(choice_id))

    def value(self) -> object:
        assert isinstance(self.step, DocumentStep)
        used = reached_options(self.step.template, self.choices())
        return {name: cid for name, cid in self.choices().items() if name in used}

    def set_value(self, value: object) -> None:
        if isinstance(value, dict):
            for name, cid in value.items():
                if name in self.combos:
                    self.choose(name, str(cid))

    def letter(self) -> str:
        try:
            return document_text(self.run, self.step.id, self.value())  # type: ignore[arg-type]
        except (DocumentError, RunError):
            return ""

    def update_preview(self) -> None:
        assert isinstance(self.step, DocumentStep)
        used = reached_options(self.step.template, self.choices())
        for name, combo in self.combos.items():
            combo.setEnabled(name in used)
            option = self.step.template.option(name)
            text = _mnemonic_safe(option.label if option else name)
            self.labels[name].setText(text if name in used else f"{text} (not used with the choices above)")
        try:
            letter = document_text(self.run, self.step.id, self.value())  # type: ignore[arg-type]
        except (DocumentError, RunError):
            missing = [self.labels[n].text() for n in used if self.combos[n].currentData() is None]
            self.preview.setPlainText("")
            self.status.setText("Still to choose: " + "; ".join(missing) if missing else "")
            self._enable(False)
            return
        self.preview.setPlainText(letter)
        self.status.setText("")
        self._enable(True)

    def _enable(self, ready: bool) -> None:
        for button in (self.copy_button, self.txt_button, self.pdf_button):
            button.setEnabled(ready)

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.letter())
        self.status.setText("The letter is copied: paste it into your letter template.")

    def save_text(self, path: str | None = None) -> str | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save the letter as text", "letter.txt", "Text (*.txt)")
            if not path:
                return None
        Path(path).write_text(self.letter() + "\n", encoding="utf-8")
        self.status.setText(f"Saved {path}")
        return path

    def save_pdf(self, path: str | None = None) -> str | None:
        from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save the letter as PDF", "letter.pdf", "PDF (*.pdf)")
            if not path:
                return None
        writer = QPdfWriter(path)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setTitle(self.step.title)
        document = QTextDocument()
        paragraphs = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in self.letter().split("\n\n"))
        document.setHtml(paragraphs)
        document.print_(writer)  # type: ignore[arg-type]
        del writer  # the file is complete once the writer is gone
        self.status.setText(f"Saved {path}")
        return path


VIEW_TYPES: dict[type, Callable[..., StepView]] = {
    CheckStep: CheckView,
    QuestionStep: QuestionView,
    InputStep: InputView,
    InfoStep: InfoView,
    EscalateStep: EscalateView,
    DocumentStep: DocumentView,
}


# --- resume bar ----------------------------------------------------------------------------
class ResumeBar(QFrame):
    """Unfinished checklists from earlier, each with Resume and Discard. Never a modal."""

    resume_requested = Signal(str)
    discard_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Unfinished checklists")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 6, 8, 6)
        self.buttons: dict[str, tuple[QPushButton, QPushButton]] = {}
        self.hide()

    def set_runs(self, runs: list[ResumableRun]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        self.buttons = {}
        if not runs:
            self.hide()
            return
        count = len(runs)
        heading = _label(
            f"You have {count} unfinished checklist{'s' if count != 1 else ''} from earlier. "
            "Resume to carry on where you stopped, or discard.", self)
        heading.setFont(_scaled_font(heading, 1.0))
        self._layout.addWidget(heading)
        for n, item in enumerate(runs[:5]):
            row = QWidget(self)
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            when = item.saved.updated_at.astimezone().strftime("%d %b %H:%M")
            parts = [item.title]
            if item.customer_reference:
                parts.append(f"customer {item.customer_reference}")
            if item.problem:
                parts.append(item.problem)
            elif item.step_title:
                parts.append(f"at \u201c{item.step_title}\u201d")
            parts.append(f"last changed {when}")
            text = _label(" \u2014 ".join(parts), row)
            row_layout.addWidget(text, 1)
            resume = QPushButton("&Resume" if n == 0 else "Resume", row)
            resume.setAccessibleName(f"Resume {item.title}")
            resume.setEnabled(not item.problem)
            resume.clicked.connect(lambda _c=False, rid=item.saved.run_id: self.resume_requested.emit(rid))
            discard = QPushButton("D&iscard" if n == 0 else "Discard", row)
            discard.setAccessibleName(f"Discard {item.title}")
            discard.clicked.connect(lambda _c=False, rid=item.saved.run_id: self.discard_requested.emit(rid))
            row_layout.addWidget(resume, 0, Qt.AlignmentFlag.AlignTop)
            row_layout.addWidget(discard, 0, Qt.AlignmentFlag.AlignTop)
            self._layout.addWidget(row)
            self.buttons[item.saved.run_id] = (resume, discard)
        if count > 5:
            self._layout.addWidget(_label(f"and {count - 5} more.", self))
        self.show()


# --- the panel -----------------------------------------------------------------------------
NOTE_AUTOSAVE_MS = 1000


class ProcedurePanel(StepPanelMixin, QWidget):
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
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        title = _label("No checklist is running", page)
        title.setFont(_scaled_font(title, 1.25))
        layout.addWidget(title)
        layout.addWidget(_label(
            "A checklist takes you through what the guidance asks, one step at a time, and drafts "
            "the note of the call for you. Start one from a section's \u201cStart checklist\u201d link, "
            "or choose one here.", page))
        self.procedure_model = ProcedureListModel(self)
        self.procedure_view = read_only_list(page, self.procedure_model, "Checklists in this library")
        self.procedure_view.activated.connect(self.on_procedure_activated)
        self.procedure_view.doubleClicked.connect(self.on_procedure_activated)
        list_label = QLabel("&Checklists in this library:", page)
        list_label.setBuddy(self.procedure_view)
        layout.addWidget(list_label)
        layout.addWidget(self.procedure_view, 1)
        self.start_button = QPushButton("&Start the selected checklist", page)
        self.start_button.setAccessibleName("Start the selected checklist")
        self.start_button.clicked.connect(self.start_selected)
        layout.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def _run_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.procedure_title = _label("", page, name="Checklist title")
        self.procedure_title.setFont(_scaled_font(self.procedure_title, 1.1))
        self.guidance_label = _label("", page, rich=True, name="Guidance this checklist follows")
        self.guidance_label.linkActivated.connect(self.on_link)
        layout.addWidget(self.procedure_title)
        layout.addWidget(self.guidance_label)

        # The step on screen is the main thing: it comes first and gets the room; the steps so
        # far sit below it, a few lines high.
        self.scroll = QScrollArea(page)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setAccessibleName("The step on screen")
        # A scroll bar that comes and goes changes the width, and wrapped labels then overlap.
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.card = QWidget(self.scroll)
        self.card_layout = QVBoxLayout(self.card)
        self.card_layout.setContentsMargins(4, 4, 4, 4)
        self.scroll.setWidget(self.card)
        layout.addWidget(self.scroll, 1)

        self.path_model = PathModel(self)
        self.path_view = read_only_list(page, self.path_model, "Steps so far")
        self.path_view.setAccessibleDescription("Choose an earlier step to change its answer")
        self.path_view.clicked.connect(self.on_path_clicked)
        self.path_view.activated.connect(self.on_path_clicked)
        self.path_view.setMinimumHeight(90)
        self.path_view.setMaximumHeight(max(150, self.fontMetrics().lineSpacing() * 9))
        path_label = QLabel("Steps so far (choose one to change its &answer):", page)
        path_label.setBuddy(self.path_view)
        layout.addWidget(path_label)
        layout.addWidget(self.path_view)

        self.confirm_discard = _box(page, "Confirm discard")
        confirm_layout = QHBoxLayout(self.confirm_discard)
        confirm_layout.addWidget(_label("Discard this checklist? Its answers are lost and no note is saved.",
                                        self.confirm_discard), 1)
        self.discard_yes = QPushButton("Discard", self.confirm_discard)
        self.discard_yes.clicked.connect(self.discard)
        self.discard_no = QPushButton("Keep it", self.confirm_discard)
        self.discard_no.clicked.connect(self.confirm_discard.hide)
        confirm_layout.addWidget(self.discard_yes)
        confirm_layout.addWidget(self.discard_no)
        self.confirm_discard.hide()
        layout.addWidget(self.confirm_discard)

        bottom = QHBoxLayout()
        self.back_button = _button("Previous step", page, "Previous step",
                                   "Go back one step; its answer is cleared (Ctrl+Shift+Backspace)")
        self.back_button.clicked.connect(self.go_back)
        self.jump_button = _button("Something happened out of order...", page, "Something happened out of order",
                                   "For example, the customer says at the end of the call that they recorded it "
                                   "(Ctrl+Shift+D)")
        self.jump_button.clicked.connect(self.show_jump_menu)
        self.discard_button = _button("Discard...", page, "Discard this checklist",
                                      "Stop this checklist without saving a note (Ctrl+Shift+Delete)")
        self.discard_button.clicked.connect(self.ask_discard)
        bottom.addWidget(self.back_button)
        bottom.addWidget(self.jump_button)
        bottom.addStretch(1)
        bottom.addWidget(self.discard_button)
        layout.addLayout(bottom)
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
        self.guidance_label.setText(f"Follows the guidance in {links}." if links else "")
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
        if change.run:
            self.refresh()
        if change.saved_runs:
            self.refresh_resume_bar()
        if change.settings:
            self.on_settings_changed()

    def refresh_resume_bar(self) -> None:
        self.resume_bar.set_runs(self.controller.resumable())

    def refresh_procedure_list(self) -> None:
        offered = [p.id for p in self.controller.procedures_for_section(self.controller.current_section_id())]
        self.procedure_model.set_procedures(self.controller.procedure_list(), offered)
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
            self.note_editor.set_checker(self.controller.check)
            self.officer_notice.setVisible(not self.controller.settings.officer_name)
            self.record_label.setText(self._record_summary())
        if self.controller.escalation_dialog is not None:
            refresh = getattr(self.controller.escalation_dialog, "refresh_recipient", None)
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
            banner = _box(self.card, "Changing an earlier answer")
            banner_layout = QVBoxLayout(banner)
            banner_layout.addWidget(_label(
                "You are changing an earlier answer. Answers after this step are kept if they still "
                "apply; the others are removed.", banner))
            self.card_layout.addWidget(banner)
        if step.text:
            text = _label(self._render(step.text), self.card, rich=True, name="What the guidance says")
            text.linkActivated.connect(self.on_link)
            self.card_layout.addWidget(text)
        if step.section:
            cite = _label(f"Guidance: {self._section_link(step.section, with_title=True)}", self.card, rich=True,
                          name="Guidance for this step")
            cite.linkActivated.connect(self.on_link)
            self.card_layout.addWidget(cite)
        if isinstance(step, EndStep):
            self._build_note(run, step)
            return
        view_type = VIEW_TYPES[type(step)]
        view = view_type(step, run, self.card)
        if self.editing:
            view.set_value(run.answer_of(step_id))
        self._show_step_view(view, view.primary_text if not self.editing else "&Save the changed answer")

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
        self.card_layout.addWidget(_label(
            "This is the note of what you did. Read it, change anything that is not right, then save it. "
            "It is saved with a record of every answer, when you gave it, and the guidance you followed.",
            self.card))
        self.officer_notice = _label(
            "<b>Your name is not set.</b> Every note carries the officer's name: "
            "<a href='settings:officer_name'>set it in Settings</a> (Ctrl+,).", self.card, rich=True,
            name="Your name is not set")
        self.officer_notice.linkActivated.connect(self.on_link)
        self.officer_notice.setVisible(not controller.settings.officer_name)
        self.card_layout.addWidget(self.officer_notice)
        if run.escalations:
            count = len(run.escalations)
            self.card_layout.addWidget(_label(
                f"You raised {count} concern{'s' if count != 1 else ''}. After you save the note you will see "
                "the message to your line manager and send it.", self.card, name="Concerns raised"))
        draft = controller.note_draft()
        editor = NoteEditor(controller.check, self.card)
        if getattr(self, "kept_note", None) is None:
            self.kept_note = controller.note_edit()  # edits kept from before a restart or a resume
        editor.set_text(kept_note_text(self, draft.text))
        editor.editor.textChanged.connect(self.note_autosave.start)
        editor.save_requested.connect(self.save_note)
        editor.error_label.linkActivated.connect(self.on_link)
        self.note_editor = editor
        self.card_layout.addWidget(editor, 1)
        self.record_label = _label(self._record_summary(), self.card, name="What is saved with the note")
        self.card_layout.addWidget(self.record_label)
        editor.editor.setFocus()

    def _record_summary(self) -> str:
        run = self.controller.run
        assert run is not None
        officer = self.controller.settings.officer_name or "(your name is not set)"
        answered = len(run.answered)
        return (f"Saved with the note: checklist \u201c{run.procedure.title}\u201d version {run.procedure.version}, "
                f"guidance {', '.join(run.procedure.cited_sections()) or 'none'}, {answered} answer"
                f"{'s' if answered != 1 else ''} with their times, officer {officer}.")

    def _build_saved_card(self, run: Run) -> None:
        note = self.controller.saved_note
        assert note is not None
        title = _label(f"Note {note.id} is saved", self.card, name="Note saved")
        title.setFont(_scaled_font(title, 1.3))
        self.card_layout.addWidget(title)
        self.card_layout.addWidget(_label(
            "Paste it into the case system if you need to: Copy note text puts it on the clipboard. "
            "Notes are never changed once saved; to correct one, use Amend in the Notes panel.", self.card))
        text = QPlainTextEdit(self.card)
        text.setReadOnly(True)
        text.setPlainText(note.text)
        text.setAccessibleName("The saved note")
        self.card_layout.addWidget(text, 1)
        row = QHBoxLayout()
        copy = QPushButton("&Copy note text", self.card)
        copy.setAccessibleName("Copy note text")
        copy.clicked.connect(lambda: self.copy_saved_note())
        notes = QPushButton("Show in &notes", self.card)
        notes.setAccessibleName("Show in notes")
        notes.clicked.connect(lambda: self.controller.raise_panel("notes"))
        done = QPushButton("&Finish", self.card)
        done.setAccessibleName("Finish: close this checklist")
        done.clicked.connect(self.controller.close_run)
        for button in (copy, notes, done):
            row.addWidget(button)
        row.addStretch(1)
        self.card_layout.addLayout(row)
        drafts = self.controller.escalation_drafts
        if drafts:
            send = QPushButton(f"Review and send the concern to your line manager ({len(drafts)})...", self.card)
            send.setAccessibleName("Review and send the concern to your line manager")
            send.clicked.connect(lambda: self.controller.open_next_escalation())
            self.card_layout.addWidget(send, 0, Qt.AlignmentFlag.AlignLeft)
        self.finish_button = done

    def _note_error_html(self, text: str) -> str:
        return self.controller.note_error_html(text)

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
        offered = self.controller.procedures_for_section(self.controller.current_section_id())
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
