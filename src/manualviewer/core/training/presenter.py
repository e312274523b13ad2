"""Presenter mode's script: a scenario shown to a room, one beat at a time, and what the room
sees at each beat (the call so far, the step on screen, the guidance's answer and why).

The trainer sets the pace: the next turn of the call, then the answer the guidance calls for
and why, then the next step of the real checklist, which follows the expected answers. Nothing
is answered by anyone and nothing is stored. Pure: the text is HTML for a rich-text label, the
window only shows it."""

from __future__ import annotations

import copy
import datetime as dt
import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from manualviewer.core.procedures.headless import going_on, needs_answer, pending_jump
from manualviewer.core.procedures.model import (
    AnyStep,
    CheckStep,
    DocumentStep,
    EndStep,
    EscalateStep,
    InputStep,
    Procedure,
    QuestionStep,
)
from manualviewer.core.training.debrief import SectionTitle, answer_words
from manualviewer.core.training.grading import expected_value
from manualviewer.core.training.model import Scenario
from manualviewer.core.training.session import TrainingSession
from manualviewer.core.training.walk import expected_answers

Clock = Callable[[], dt.datetime]
Render = Callable[[str], str]


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
    if not needs_answer(step):
        return Move("answer", step.id, going_on(step))
    jump = pending_jump(run, lambda j: answers.get(j, False) is not False)
    return Move("jump", jump) if jump is not None else Move("none", step.id)


@dataclass(frozen=True)
class Beat:
    session: TrainingSession
    shown_expected: bool
    what: str  # "start", "turn", "expected", "step"


class PresenterScript:
    """The trainer's pace through a scenario, with every beat kept so Back retraces it."""

    def __init__(self, scenario: Scenario, procedure: Procedure, clock: Clock) -> None:
        self.clock = clock
        self.history: list[Beat] = [Beat(TrainingSession.start(scenario, procedure, clock()), False, "start")]
        self._total: int | None = None

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

    def step_total(self) -> int:
        """How many steps the expected path has before its note (the M of "Step N of M"): the
        walk the script makes, done ahead from the start."""
        if self._total is None:
            walk = copy.copy(self)  # the same start, its own history
            walk.history = [self.history[0]]
            while walk.next_step() == "step":
                pass
            visits = len(walk.session.run.visits)
            self._total = visits - 1 if walk.session.finished else visits
        return self._total


# --- what the room sees --------------------------------------------------------------------------
def progress_line(script: PresenterScript) -> str:
    session = script.session
    left = len(session.scenario.situation) - session.revealed
    more = f"{left} more turn{'s' if left != 1 else ''} of the call to come" if left else "The whole call is heard"
    where = "Checklist finished" if session.finished else step_of(script)
    return f"{session.procedure.title}  \u00b7  {where}  \u00b7  {more}"


def step_of(script: PresenterScript) -> str:
    """"Step 3 of 9": where the room is on the guidance's path (a step off it counts on)."""
    number = script.step_number()
    return f"Step {number} of {max(number, script.step_total())}"


def hint_line(script: PresenterScript) -> str:
    """What the trainer's next key press shows, for the footer the room and the trainer read."""
    session = script.session
    if script.turn_due():
        return "Space: hear the next turn of the call"
    if session.finished:
        return "The scenario is finished  \u00b7  \u2190: back  \u00b7  Esc: close"
    if not script.beat.shown_expected and script.has_expected():
        return "Space or E: show the guidance's answer and why"
    if expected_move(session).kind == "none":
        return "The scenario does not say how to go on from here  \u00b7  \u2190: back"
    return "Space: go to the next step of the checklist"


def call_html(session: TrainingSession) -> str:
    """The call so far; the newest turn is marked with a symbol, not only with weight."""
    turns = session.turns
    parts = []
    for n, turn in enumerate(turns):
        text = html.escape(turn.text)
        who = html.escape(turn.speaker)
        if n == len(turns) - 1:
            parts.append(f"<p><b>\u25b6 {who}:</b> <b>{text}</b></p>")
        else:
            parts.append(f"<p><b>{who}:</b> {text}</p>")
    return "".join(parts)


def step_html(script: PresenterScript, kind_words: Mapping[type, str], render: Render) -> str:
    """The step on screen: its kind, title, the guidance's text (`render`: Markdown to HTML) and
    the answers it takes; at the end, the decisions as the guidance calls for them."""
    session = script.session
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
    kind = kind_words.get(type(step), "Step")
    parts = [f"<p><small>Step {script.step_number()} \u00b7 {html.escape(kind)}</small><br>"
             f"<b>{html.escape(step.title)}</b></p>"]
    if step.text:
        parts.append(render(step.text))
    parts.append(answers_html(script, step))
    detail = session.prefill(step.id)
    if detail is not None and session.scenario.expectation(step.id) is None:
        parts.append(f"<p><i>From the situation:</i> {html.escape(answer_words(step, detail))}</p>")
    return "".join(parts)


def answers_html(script: PresenterScript, step: AnyStep) -> str:
    """The answers a step takes; once revealed, the guidance's answer among them, marked."""
    session = script.session
    expectation = session.scenario.expectation(step.id)
    want = expected_value(step, expectation) if expectation and script.beat.shown_expected else None
    if isinstance(step, QuestionStep):
        rows = []
        for choice in step.choices:
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


def expected_html(script: PresenterScript, section_title: SectionTitle) -> str:
    """The guidance's answer at the step on screen, why, and where it says so; empty until the
    trainer reveals it."""
    beat = script.beat
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
    title = html.escape(section_title(expectation.section))
    parts.append(f"<p><b>Why:</b> \u201c{reason}\u201d</p>")
    parts.append(f"<p><b>Guidance:</b> <a href='section:{section}'>{section}</a> {title}</p>")
    return "".join(parts)
