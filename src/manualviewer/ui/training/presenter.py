"""Presenter mode: a scenario shown to a room on a projector, in large type, one step at a time.

The trainer sets the pace with the keyboard (or a presentation clicker, which sends Page Down
and Page Up). What is shown at each beat is core.training.presenter's; this window is the large
type, the keys and full screen."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QGuiApplication, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from manualviewer.core.procedures import Procedure
from manualviewer.core.training import Scenario
from manualviewer.core.training.presenter import (
    PresenterScript,
    call_html,
    expected_html,
    hint_line,
    progress_line,
    step_html,
)
from manualviewer.ui.steps.models import KIND_WORDS

__all__ = ["KEYS_LEGEND", "PRESENTER_SCALE", "PresenterScript", "PresenterWindow"]

PRESENTER_SCALE = 2.0  # "large type": twice the desktop font, then Ctrl+= / Ctrl+- from there


# --- the window ----------------------------------------------------------------------------
KEYS_LEGEND = ("Space or \u2192: next  \u00b7  \u2193: next step  \u00b7  E: the guidance's answer  \u00b7  "
               "\u2190: back  \u00b7  F11: full screen  \u00b7  Esc: leave full screen / close  \u00b7  "
               "Ctrl+= / Ctrl+\u2212: text size")


class PresenterWindow(QWidget):
    """Large type for a room. Keys (also in its context menu and on screen): Space, Right or
    Page Down = next; Down = next step; E = the guidance's answer; Left, Page Up or Backspace =
    back; F11 = full screen on/off; Esc = leave full screen, or close; Ctrl+= / Ctrl+- = size."""

    closed = Signal()
    section_requested = Signal(str)

    def __init__(self, scenario: Scenario, procedure: Procedure, clock: Callable[[], dt.datetime],
                 section_title: Callable[[str], str], parent: QWidget | None = None,
                 render: Callable[[str], str] | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        # The guidance's Markdown (lists, links) as HTML; plain escaped text without a library.
        self.render_markdown = render or (lambda text: f"<p>{html.escape(text)}</p>")
        self.script = PresenterScript(scenario, procedure, clock)
        self.scenario = scenario
        self.procedure = procedure
        self.section_title = section_title
        self.zoom_factor = 1.0  # the trainer's Ctrl+= / Ctrl+-
        self.setWindowTitle(f"TRAINING - not a real call - Presenter: {scenario.title}")
        self.setAccessibleName("Training presenter")
        self.setAccessibleDescription(KEYS_LEGEND)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.banner = QLabel(self)
        self.banner.setObjectName("presenter_banner")
        self.banner.setAccessibleName("Training mode")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setStyleSheet("QLabel#presenter_banner { background: #ffdd00; color: #0b0c0c; "
                                  "padding: 6px; border-bottom: 4px solid #0b0c0c; }")
        self.title = self._label("Scenario")
        self.progress = self._label("Where we are")

        self.call_label = self._label("The call so far", rich=True)
        self.step_label = self._label("The checklist step", rich=True)
        self.step_label.linkActivated.connect(self._on_link)
        self.expected_label = self._label("The guidance's answer", rich=True)
        self.expected_label.linkActivated.connect(self._on_link)
        self.expected_box = QFrame(self)
        self.expected_box.setObjectName("presenter_expected")
        self.expected_box.setFrameShape(QFrame.Shape.Box)
        self.expected_box.setLineWidth(3)
        self.expected_box.setAccessibleName("The guidance's answer")
        box_layout = QVBoxLayout(self.expected_box)
        box_layout.addWidget(self.expected_label)

        # The footer the trainer reads from across the room: what the next key press shows, large;
        # every key, smaller, under it.
        self.footer = QFrame(self)
        self.footer.setObjectName("presenter_footer")
        self.footer.setStyleSheet("QFrame#presenter_footer { background: #0b0c0c; } "
                                  "QFrame#presenter_footer QLabel { color: #ffffff; }")
        footer_layout = QVBoxLayout(self.footer)
        footer_layout.setContentsMargins(16, 6, 16, 6)
        footer_layout.setSpacing(2)
        self.hint = self._label("What the next key shows")
        self.legend = self._label("Keys")
        self.legend.setText(KEYS_LEGEND)
        footer_layout.addWidget(self.hint)
        footer_layout.addWidget(self.legend)

        call_column = self._column("THE CALL", self.call_label)
        step_inner = QWidget(self)
        step_layout = QVBoxLayout(step_inner)
        step_layout.setContentsMargins(0, 0, 0, 0)
        step_layout.addWidget(self.step_label)
        step_layout.addWidget(self.expected_box)
        step_layout.addStretch(1)
        step_column = self._column("THE CHECKLIST", step_inner)
        self.step_scroll: QScrollArea = step_column.property("scroll")

        columns = QHBoxLayout()
        columns.addWidget(call_column, 4)
        columns.addWidget(step_column, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.banner)
        inner = QVBoxLayout()
        inner.setContentsMargins(16, 4, 16, 8)
        inner.addWidget(self.title)
        inner.addWidget(self.progress)
        inner.addLayout(columns, 1)
        layout.addLayout(inner, 1)
        layout.addWidget(self.footer)

        self.actions_: dict[str, QAction] = {}
        self._action("next", "Next: the next turn, then the guidance's answer, then the next step",
                     ["Space", "Right", "PgDown"], self.next)
        self._action("next_step", "Next step of the checklist", ["Down", "N"], self.next_step)
        self._action("expected", "Show the guidance's answer and why", ["E"], self.show_expected)
        self._action("back", "Back", ["Left", "PgUp", "Backspace"], self.back)
        self._action("full_screen", "Full screen on or off", ["F11"], self.toggle_full_screen)
        self._action("escape", "Leave full screen, or close the presenter", ["Esc"], self.escape)
        self._action("bigger", "Larger text", ["Ctrl+=", "Ctrl++"], lambda: self.zoom(1.15))
        self._action("smaller", "Smaller text", ["Ctrl+-"], lambda: self.zoom(1 / 1.15))
        self._action("close", "Close the presenter", ["Ctrl+W"], self.close)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.apply_fonts()
        self.refresh()
        self.resize(1366, 768)

    # --- building -----------------------------------------------------------------------------
    def _label(self, name: str, rich: bool = False) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        label.setAccessibleName(name)
        label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        if rich:
            label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
            label.setOpenExternalLinks(False)
        return label

    def _column(self, heading: str, body: QWidget) -> QWidget:
        frame = QFrame(self)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(10, 6, 10, 6)
        head = QLabel(heading, frame)
        head.setObjectName("column_heading")
        head.setAccessibleName(heading.title())
        layout.addWidget(head)
        scroll = QScrollArea(frame)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        frame.setProperty("scroll", scroll)
        return frame

    def _action(self, key: str, text: str, shortcuts: list[str], slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(f"{text} ({', '.join(shortcuts)})")
        action.triggered.connect(lambda _c=False: slot())
        self.addAction(action)
        self.actions_[key] = action
        return action

    @property
    def scale(self) -> float:
        """Twice the desktop font on a 768-line screen, and larger with the window: a full-screen
        1080p projector gets type in proportion."""
        return PRESENTER_SCALE * max(1.0, self.height() / 768) * self.zoom_factor

    def _font(self, factor: float, bold: bool = False) -> QFont:
        font = QFont(QGuiApplication.font())
        size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
        font.setPointSizeF(size * self.scale * factor)
        font.setBold(bold)
        return font

    def apply_fonts(self) -> None:
        self.banner.setFont(self._font(0.75, bold=True))
        self.title.setFont(self._font(1.15, bold=True))
        self.progress.setFont(self._font(0.7))
        for label in (self.call_label, self.step_label, self.expected_label):
            label.setFont(self._font(1.0))
        for heading in self.findChildren(QLabel, "column_heading"):
            heading.setFont(self._font(0.6, bold=True))
        self.hint.setFont(self._font(0.8, bold=True))
        self.legend.setFont(self._font(0.55))

    def zoom(self, factor: float) -> None:
        self.zoom_factor = max(0.5, min(2.5, self.zoom_factor * factor))
        self.apply_fonts()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.apply_fonts()

    # --- moves --------------------------------------------------------------------------------
    def next(self) -> str:
        shown = self.script.next()
        self.refresh()
        return shown

    def next_step(self) -> str:
        shown = self.script.next_step()
        self.refresh()
        return shown

    def show_expected(self) -> str:
        shown = self.script.show_expected()
        self.refresh()
        return shown

    def back(self) -> bool:
        moved = self.script.back()
        self.refresh()
        return moved

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def escape(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)

    def _on_link(self, link: str) -> None:
        scheme, _, target = link.partition(":")
        if scheme == "section" and target:
            if self.isFullScreen():
                self.showNormal()
            self.section_requested.emit(target)

    # --- showing ------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.banner.setText("TRAINING \u2014 not a real call  \u00b7  Presenter view")
        self.title.setText(self.scenario.title)
        self.progress.setText(progress_line(self.script))
        self.hint.setText(hint_line(self.script))
        self.call_label.setText(self.call_html())
        self.step_label.setText(self.step_html())
        expected = self.expected_html()
        self.expected_label.setText(expected)
        self.expected_box.setVisible(bool(expected))
        if expected:  # the room must see the answer without the trainer scrolling
            QTimer.singleShot(0, lambda: self.step_scroll.ensureWidgetVisible(self.expected_box, 0, 0))

    def call_html(self) -> str:
        return call_html(self.script.session)

    def step_html(self) -> str:
        return step_html(self.script, KIND_WORDS, self.render_markdown)

    def expected_html(self) -> str:
        return expected_html(self.script, self.section_title)
