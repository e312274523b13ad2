"""Presenter mode: a scenario shown to a room on a projector, in large type, one step at a time.

The trainer sets the pace with the keyboard (or a presentation clicker, which sends Page Down
and Page Up): the next turn of the call, then the answer the guidance calls for and why, then
the next step of the real checklist, which follows the expected answers. Nothing is answered
by anyone and nothing is stored: the room discusses, the trainer reveals."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QGuiApplication, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from manualviewer.core.procedures import (
    AnyStep,
    CheckStep,
    DocumentStep,
    EndStep,
    EscalateStep,
    InfoStep,
    InputStep,
    Procedure,
    QuestionStep,
)
from manualviewer.core.training import Scenario, TrainingSession
from manualviewer.core.training.grading import expected_value
from manualviewer.core.training.walk import expected_answers
from manualviewer.ui.procedure_panel import KIND_WORDS
from manualviewer.ui.training_models import answer_words

PRESENTER_SCALE = 2.0  # "large type": twice the desktop font, then Ctrl+= / Ctrl+- from there


@dataclass(frozen=True)
class Move:
    """What the guidance does at the step on screen: answer it, or go to an out-of-order step."""

    kind: str  # "answer", "jump" or "none" (the scenario does not say: it cannot go on)
    step_id: str
    value: object = None


def expected_move(session: TrainingSession) -> Move:
    """The next move on the expected path, by the rules the grading walk uses (docs/scenarios.md):
    info, escalate and document steps need no answer; an out-of-order step the scenario expects
    is gone to when the path reaches a step it gives no answer for."""
    run = session.run
    if run.finished:
        return Move("none", run.current_step.id)
    step = run.current_step
    answers = expected_answers(session.scenario)
    if step.id in answers:
        return Move("answer", step.id, answers[step.id])
    if isinstance(step, InfoStep | EscalateStep):
        return Move("answer", step.id, None)
    if isinstance(step, DocumentStep):
        return Move("answer", step.id, {})
    visited = {v.step_id for v in run.visits}
    for jump in run.procedure.allow_out_of_order:
        if answers.get(jump, False) is not False and jump not in visited:
            return Move("jump", jump)
    return Move("none", step.id)


@dataclass(frozen=True)
class Beat:
    session: TrainingSession
    shown_expected: bool
    what: str  # "start", "turn", "expected", "step"


class PresenterScript:
    """The trainer's pace through a scenario, with every beat kept so Back retraces it."""

    def __init__(self, scenario: Scenario, procedure: Procedure, clock: Callable[[], dt.datetime]) -> None:
        self.clock = clock
        self.history: list[Beat] = [Beat(TrainingSession.start(scenario, procedure, clock()), False, "start")]

    @property
    def beat(self) -> Beat:
        return self.history[-1]

    @property
    def session(self) -> TrainingSession:
        return self.beat.session

    def turn_due(self) -> bool:
        """The next turn may be shown now (it is not held back for a later step)."""
        session = self.session
        turn = session.next_turn
        if turn is None:
            return False
        return turn.step is None or turn.step in {v.step_id for v in session.run.visits}

    def has_expected(self) -> bool:
        """The step on screen has something to reveal: a marked answer, or an out-of-order move."""
        session = self.session
        if session.finished:
            return False
        return session.scenario.expectation(session.current_step.id) is not None or \
            expected_move(session).kind == "jump"

    def next(self) -> str:
        """The next turn of the call; once the call so far is all heard, the guidance's answer;
        then the next step. Returns what was shown ("turn", "expected", "step", "end", "stuck")."""
        if self.turn_due():
            self.history.append(Beat(self.session.reveal_next(), self.beat.shown_expected, "turn"))
            return "turn"
        if self.session.finished:
            return "end"
        if not self.beat.shown_expected and self.has_expected():
            return self.show_expected()
        return self.next_step()

    def show_expected(self) -> str:
        if self.session.finished:
            return "end"
        if self.beat.shown_expected:
            return "expected"
        self.history.append(Beat(self.session, True, "expected"))
        return "expected"

    def next_step(self) -> str:
        session = self.session
        if session.finished:
            return "end"
        move = expected_move(session)
        if move.kind == "none":
            return "stuck"
        if move.kind == "jump":
            session, _ = session.jump(move.step_id, self.clock())
        else:
            session, _ = session.answer(move.step_id, move.value, self.clock())
        # Going out of order is itself the decision the room has just seen revealed.
        shown = move.kind == "jump" and self.beat.shown_expected
        self.history.append(Beat(session, shown, "step"))
        return "end" if session.finished else "step"

    def back(self) -> bool:
        if len(self.history) < 2:
            return False
        self.history.pop()
        return True

    def step_number(self) -> int:
        return len(self.session.run.visits)


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

        self.legend = self._label("Keys")
        self.legend.setText(KEYS_LEGEND)

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
        inner.addWidget(self.legend)
        layout.addLayout(inner, 1)

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
        self.legend.setFont(self._font(0.5))

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
        session = self.script.session
        self.banner.setText("TRAINING \u2014 not a real call  \u00b7  Presenter view")
        self.title.setText(self.scenario.title)
        left = len(session.scenario.situation) - session.revealed
        more = f"{left} more turn{'s' if left != 1 else ''} of the call to come" if left else "The whole call is heard"
        where = "Checklist finished" if session.finished else f"Checklist step {self.script.step_number()}"
        self.progress.setText(f"{self.procedure.title}  \u00b7  {where}  \u00b7  {more}")
        self.call_label.setText(self.call_html())
        self.step_label.setText(self.step_html())
        expected = self.expected_html()
        self.expected_label.setText(expected)
        self.expected_box.setVisible(bool(expected))
        if expected:  # the room must see the answer without the trainer scrolling
            QTimer.singleShot(0, lambda: self.step_scroll.ensureWidgetVisible(self.expected_box, 0, 0))

    def call_html(self) -> str:
        turns = self.script.session.turns
        parts = []
        for n, turn in enumerate(turns):
            text = html.escape(turn.text)
            who = html.escape(turn.speaker)
            if n == len(turns) - 1:
                parts.append(f"<p><b>\u25b6 {who}:</b> <b>{text}</b></p>")
            else:
                parts.append(f"<p><b>{who}:</b> {text}</p>")
        return "".join(parts)

    def step_html(self) -> str:
        session = self.script.session
        step = session.current_step
        if isinstance(step, EndStep):
            recap = []
            for expectation in session.scenario.expected:
                spec = session.procedure.step(expectation.step)
                title = html.escape(spec.title if spec else expectation.step)
                words = html.escape(answer_words(spec, expected_value(spec, expectation)))
                recap.append(f"<li>{title}: <b>{words}</b> <small>({html.escape(expectation.section)})</small></li>")
            return (f"<p><b>The checklist is finished: {html.escape(step.title)}</b></p>"
                    f"<p>The decisions, as the guidance calls for them:</p><ol>{''.join(recap)}</ol>"
                    "<p><small>Press \u2190 to go back over any step.</small></p>")
        kind = KIND_WORDS.get(type(step), "Step")
        parts = [f"<p><small>Step {self.script.step_number()} \u00b7 {html.escape(kind)}</small><br>"
                 f"<b>{html.escape(step.title)}</b></p>"]
        if step.text:
            parts.append(self.render_markdown(step.text))
        parts.append(self._answers_html(step))
        detail = session.prefill(step.id)
        if detail is not None and session.scenario.expectation(step.id) is None:
            parts.append(f"<p><i>From the situation:</i> {html.escape(answer_words(step, detail))}</p>")
        return "".join(parts)

    def _answers_html(self, step: AnyStep) -> str:
        session = self.script.session
        expectation = session.scenario.expectation(step.id)
        want = expected_value(step, expectation) if expectation and self.script.beat.shown_expected else None
        if isinstance(step, QuestionStep):
            rows = []
            for _n, choice in enumerate(step.choices, 1):
                label = html.escape(choice.label)
                if want == choice.id:
                    rows.append(f"<li><b>\u2714 {label} \u2190 the guidance's answer</b></li>")
                else:
                    rows.append(f"<li>{label}</li>")
            return f"<ol>{''.join(rows)}</ol>"
        if isinstance(step, CheckStep):
            answers = [(True, step.confirm_label)] + ([(False, step.not_confirmed.label)] if step.not_confirmed else [])
            shown = [f"<b>\u2714 {html.escape(text)} \u2190 the guidance's answer</b>" if want is value
                     else html.escape(text) for value, text in answers]
            return "<p>" + " \u00a0/\u00a0 ".join(shown) + "</p>"
        if isinstance(step, InputStep):
            fields = "".join(f"<li>{html.escape(f.label)}</li>" for f in step.fields)
            return f"<p>To fill in:</p><ul>{fields}</ul>"
        if isinstance(step, DocumentStep):
            options = "".join(f"<li>{html.escape(o.label)}</li>" for o in step.template.options)
            return f"<p>A letter; the choices in it:</p><ul>{options}</ul>" if options else "<p>A letter.</p>"
        if isinstance(step, EscalateStep):
            return f"<p>The concern goes to the {html.escape(step.to)}.</p>"
        return ""

    def expected_html(self) -> str:
        beat = self.script.beat
        session = beat.session
        if not beat.shown_expected or session.finished:
            return ""
        step = session.current_step
        move = expected_move(session)
        parts = []
        expectation = session.scenario.expectation(step.id)
        if move.kind == "jump":
            target = session.procedure.step(move.step_id)
            title = html.escape(target.title if target else move.step_id)
            parts.append(f"<p><b>\u2714 The guidance calls for:</b> something has happened out of order. "
                         f"Go to \u201c{title}\u201d.</p>")
            expectation = session.scenario.expectation(move.step_id)
        elif expectation is not None:
            words = answer_words(step, expected_value(step, expectation))
            parts.append(f"<p><b>\u2714 The guidance calls for:</b> {html.escape(words)}</p>")
        if expectation is None:
            return "".join(parts)
        reason = html.escape(expectation.reason.strip()).replace("\n", "<br>")
        section = html.escape(expectation.section)
        title = html.escape(self.section_title(expectation.section))
        parts.append(f"<p><b>Why:</b> \u201c{reason}\u201d</p>")
        parts.append(f"<p><b>Guidance:</b> <a href='section:{section}'>{section}</a> {title}</p>")
        return "".join(parts)
