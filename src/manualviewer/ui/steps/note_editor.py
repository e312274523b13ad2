"""Editing a note before it is saved: the text, the note check's warnings beside it, and Save.

The warnings are advice, never a gate: the officer can always save. They are listed in words
(line and message) and the words are underlined in the text, so nothing depends on colour."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFrame,
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from manualviewer.core.procedures.notecheck import NoteWarning

NoteChecker = Callable[[str], Sequence[NoteWarning]]


class NoteEditor(QWidget):
    """The note text with a live check. `save_requested(text)` when the officer saves."""

    save_requested = Signal(str)

    def __init__(self, checker: NoteChecker, parent: QWidget | None = None, *, save_label: str = "&Save note") -> None:
        super().__init__(parent)
        self._checker = checker
        self.warnings: list[NoteWarning] = []

        self.editor = QPlainTextEdit(self)
        self.editor.setAccessibleName("Note text")
        self.editor.setAccessibleDescription("The note that will be saved. You can edit it before saving.")
        self.editor.setTabChangesFocus(True)
        self.editor.setMinimumHeight(160)
        self.editor.textChanged.connect(self.run_check)

        self.warning_box = QFrame(self)
        self.warning_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.warning_box.setAccessibleName("Note check")
        self.warning_label = QLabel(self.warning_box)
        self.warning_label.setWordWrap(True)
        self.warning_label.setTextFormat(Qt.TextFormat.RichText)
        self.warning_label.setAccessibleName("Note check warnings")
        box_layout = QVBoxLayout(self.warning_box)
        box_layout.setContentsMargins(8, 6, 8, 6)
        box_layout.addWidget(self.warning_label)

        # The problem line and Save travel together: a panel may pin them below its scroll area
        # (take_save_area), so a long note check never pushes Save out of sight.
        self.save_area = QWidget(self)
        self.save_area.setAccessibleName("Saving the note")
        self.error_label = QLabel(self.save_area)
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.RichText)
        self.error_label.setAccessibleName("Problem saving the note")
        self.error_label.hide()

        buttons = QDialogButtonBox(self.save_area)
        self.save_button = buttons.addButton(save_label, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setAccessibleName(save_label.replace("&", ""))
        self.save_button.setToolTip(f"{save_label.replace('&', '')} (Ctrl+S)")
        self.save_button.clicked.connect(self.request_save)
        save_shortcut = QShortcut(QKeySequence("Ctrl+S"), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.request_save)

        save_layout = QVBoxLayout(self.save_area)
        save_layout.setContentsMargins(0, 0, 0, 0)
        save_layout.addWidget(self.error_label)
        save_layout.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.warning_box)
        layout.addWidget(self.save_area)
        self.run_check()

    def take_save_area(self) -> QWidget:
        """The problem line and Save, out of the editor's layout for the caller to place (and
        delete with the editor); Save still saves this editor's text."""
        layout = self.layout()
        assert layout is not None
        layout.removeWidget(self.save_area)
        return self.save_area

    def set_checker(self, checker: NoteChecker) -> None:
        self._checker = checker
        self.run_check()

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)

    def show_error(self, message_html: str) -> None:
        self.error_label.setText(message_html)
        self.error_label.setVisible(bool(message_html))

    def request_save(self) -> None:
        self.save_requested.emit(self.text())

    def run_check(self) -> None:
        text = self.text()
        self.warnings = list(self._checker(text)) if text.strip() else []
        if not text.strip():
            self.warning_label.setText("<b>The note is empty.</b> Write what happened before saving.")
        elif not self.warnings:
            self.warning_label.setText("<b>Note check:</b> no words to avoid and no unexplained abbreviations.")
        else:
            items = "".join(f"<li>Line {w.line}: {html.escape(w.message)}</li>" for w in self.warnings)
            count = len(self.warnings)
            self.warning_label.setText(
                f"<b>Note check: {count} thing{'s' if count != 1 else ''} to look at before you save.</b> "
                f"You can still save the note as it is.<ul style='margin-left:12px'>{items}</ul>"
            )
        self._underline(self.warnings)

    def _underline(self, warnings: Sequence[NoteWarning]) -> None:
        selections = []
        for warning in warnings:
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setFontUnderline(True)
            fmt.setFontWeight(QFont.Weight.Bold)
            selection.format = fmt
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(warning.start)
            cursor.setPosition(warning.end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selections.append(selection)
        self.editor.setExtraSelections(selections)
