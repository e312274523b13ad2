"""A document step: the letter drafted from the run's answers, to copy, save or export."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from manualviewer.core.procedures import (
    DocumentError,
    DocumentStep,
    Run,
    RunError,
    document_text,
)
from manualviewer.core.procedures.document import reached_options
from manualviewer.ui.steps.base import StepView, mnemonic_safe
from manualviewer.ui.widgets import ignore_wheel_unless_focused
from manualviewer.ui.widgets import label as _label


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
            ignore_wheel_unless_focused(combo)
            combo.currentIndexChanged.connect(self.update_preview)
            label = _label(mnemonic_safe(option.label), self)
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
            text = mnemonic_safe(option.label if option else name)
            self.labels[name].setText(text if name in used else f"{text} (not used with the choices above)")
        try:
            letter = document_text(self.run, self.step.id, self.value())  # type: ignore[arg-type]
        except (DocumentError, RunError):
            missing = [self.labels[n].text() for n in used if self.combos[n].currentData() is None]
            try:  # the letter so far, with the choices still to make in [brackets]
                draft = document_text(self.run, self.step.id, self.choices(), preview=True)
            except (DocumentError, RunError):
                draft = ""
            self.preview.setPlainText(draft)
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
        document.print_(writer)
        del writer  # the file is complete once the writer is gone
        self.status.setText(f"Saved {path}")
        return path
