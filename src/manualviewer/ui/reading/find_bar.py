"""Find in page: highlight every match, next/previous, a match count, match case."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeySequence,
    QPalette,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QTextEdit, QToolButton, QWidget


class FindBar(QWidget):
    closed = Signal()

    def __init__(self, browser: QTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._browser = browser
        self._matches: list[QTextCursor] = []
        self._current = -1

        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find in this section")
        self.edit.setAccessibleName("Find in this section")
        self.edit.setClearButtonEnabled(True)
        self.case = QCheckBox("Match case", self)
        self.case.setAccessibleName("Match case")
        self.previous_button = QToolButton(self)
        self.previous_button.setText("Previous")
        self.previous_button.setToolTip("Previous match (Shift+Enter, Shift+F3)")
        self.next_button = QToolButton(self)
        self.next_button.setText("Next")
        self.next_button.setToolTip("Next match (Enter, F3)")
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Match count")
        self.close_button = QToolButton(self)
        self.close_button.setText("Close")
        self.close_button.setToolTip("Close find (Esc)")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(QLabel("Find:", self))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        layout.addWidget(self.case)
        layout.addWidget(self.count_label)
        layout.addWidget(self.close_button)

        self.edit.textChanged.connect(self.on_search_changed)
        self.case.toggled.connect(self.on_search_changed)
        self.edit.returnPressed.connect(self.find_next)
        self.next_button.clicked.connect(self.find_next)
        self.previous_button.clicked.connect(self.find_previous)
        self.close_button.clicked.connect(self.close_bar)
        # Escape closes the bar only while focus is in it: elsewhere Escape belongs to others.
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close_bar,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Shift+Return"), self.edit, self.find_previous)
        QShortcut(QKeySequence(QKeySequence.StandardKey.FindNext), self, self.find_next)
        QShortcut(QKeySequence(QKeySequence.StandardKey.FindPrevious), self, self.find_previous)

    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def current_match(self) -> int:
        return self._current

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()
        self.on_search_changed()

    def close_bar(self) -> None:
        self._matches = []
        self._browser.setExtraSelections([])
        self.hide()
        self.closed.emit()

    def on_search_changed(self) -> None:
        """Find every match from the top; called again when the page changes."""
        text = self.edit.text()
        self._matches = []
        self._current = -1
        doc = self._browser.document()
        if text:
            flags = QTextDocument.FindFlag(0)
            if self.case.isChecked():
                flags |= QTextDocument.FindFlag.FindCaseSensitively
            cursor = doc.find(text, 0, flags)
            while not cursor.isNull():
                self._matches.append(cursor)
                cursor = doc.find(text, cursor, flags)
        if self._matches:
            self._current = 0
        self._show()

    def find_next(self) -> None:
        if self._matches:
            self._current = (self._current + 1) % len(self._matches)
            self._show()

    def find_previous(self) -> None:
        if self._matches:
            self._current = (self._current - 1) % len(self._matches)
            self._show()

    def _show(self) -> None:
        palette = self._browser.palette()
        all_format = QTextCharFormat()
        all_format.setBackground(QColor("#fff2a8"))
        all_format.setForeground(QColor("#000000"))
        current_format = QTextCharFormat()
        current_format.setBackground(palette.color(QPalette.ColorRole.Highlight))
        current_format.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
        current_format.setFontUnderline(True)  # the current match is not told by colour alone
        selections = []
        for i, cursor in enumerate(self._matches):
            sel = QTextEdit.ExtraSelection()
            sel.cursor = cursor
            sel.format = current_format if i == self._current else all_format
            selections.append(sel)
        self._browser.setExtraSelections(selections)
        if self._matches:
            self._browser.setTextCursor(self._matches[self._current])
            self._browser.ensureCursorVisible()
            self.count_label.setText(f"{self._current + 1} of {len(self._matches)}")
        elif self.edit.text():
            self.count_label.setText("No matches")
        else:
            self.count_label.setText("")
