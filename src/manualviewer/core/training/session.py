"""A trainee working through a scenario, one step at a time: the value the UI holds.

Pure: every method returns a new session, nothing is stored anywhere. Training must never
reach the live notes or the escalation outbox, so a session has no note, no officer and no
store; a finished session gives a Grade, which is all the debrief needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from manualviewer.core.procedures.engine import Run, answer, back, out_of_order, start
from manualviewer.core.procedures.model import AnyStep, Procedure
from manualviewer.core.training.grading import (
    FirstAttempt,
    Grade,
    expected_value,
    grade_walk,
    is_correct,
    recorded_answer,
)
from manualviewer.core.training.model import RawAnswer, Scenario, Turn
from manualviewer.core.training.walk import Walk, step_answer, with_details


@dataclass(frozen=True)
class Feedback:
    """What the trainee is told after answering a step."""

    step: str
    graded: bool  # the step is one of the scenario's decision points
    correct: bool | None  # None when the step is not graded
    given: RawAnswer
    expected: RawAnswer = None
    reason: str = ""
    section: str = ""


@dataclass(frozen=True)
class TrainingSession:
    scenario: Scenario
    procedure: Procedure
    run: Run
    started_at: dt.datetime
    revealed: int = 0  # how many turns of the situation the trainee has seen
    answers: tuple[tuple[str, object], ...] = ()  # every answer given, in order (the latest counts)
    # Each decision point's first answer as graded when given: a mistake put right after going
    # back still shows in the debrief.
    first_attempts: tuple[tuple[str, FirstAttempt], ...] = ()

    @classmethod
    def start(cls, scenario: Scenario, procedure: Procedure, now: dt.datetime) -> TrainingSession:
        """The first turn is shown, and any turn held back for the first step."""
        if scenario.procedure != procedure.id:
            raise ValueError(f"scenario {scenario.id} exercises {scenario.procedure!r}, not {procedure.id!r}")
        session = cls(scenario, procedure, start(procedure, now), now, revealed=min(1, len(scenario.situation)))
        return session._reveal_due()

    # --- what the trainee sees ---------------------------------------------------------------
    @property
    def turns(self) -> tuple[Turn, ...]:
        return self.scenario.situation[: self.revealed]

    @property
    def next_turn(self) -> Turn | None:
        situation = self.scenario.situation
        return situation[self.revealed] if self.revealed < len(situation) else None

    @property
    def current_step(self) -> AnyStep:
        return self.run.current_step

    @property
    def finished(self) -> bool:
        return self.run.finished

    def prefill(self, step_id: str) -> RawAnswer:
        """What the situation supplies for a step and the scenario does not grade (the customer
        reference the caller gave), for the UI to fill in."""
        detail = self.scenario.detail(step_id)
        return detail.answer if detail else None

    # --- moves ------------------------------------------------------------------------------
    def reveal_next(self) -> TrainingSession:
        """Show the next turn (the trainer sets the pace)."""
        return replace(self, revealed=min(self.revealed + 1, len(self.scenario.situation)))

    def answer(self, step_id: str, value: object, now: dt.datetime) -> tuple[TrainingSession, Feedback]:
        """Answer the current step (or change an earlier answer). A wrong answer is taken like
        any other: the run follows it, as it would at work. Raises AnswerError when the step
        cannot take the value at all (the UI shows it; nothing is graded)."""
        merged = with_details(self.scenario, self.procedure, {step_id: value})[step_id]
        step = self.procedure.step(step_id)
        run = answer(self.run, step_id, step_answer(step, merged) if step else merged, now)
        session = replace(self, run=run, answers=(*self.answers, (step_id, value)))._reveal_due()
        feedback = session.feedback(step_id)
        return session._attempted(feedback), feedback

    def jump(self, step_id: str, now: dt.datetime) -> tuple[TrainingSession, Feedback]:
        """Go to a step the procedure allows from anywhere (the customer says at the end of the
        call that they recorded it). Going there is the decision, so it has its feedback."""
        run = out_of_order(self.run, step_id, now)
        session = replace(self, run=run, answers=(*self.answers, (step_id, True)))._reveal_due()
        expectation = self.scenario.expectation(step_id)
        if expectation is None:
            return session, Feedback(step_id, graded=False, correct=None, given=True)
        feedback = Feedback(
            step_id,
            graded=True,
            correct=True,
            given=True,
            expected=True,
            reason=expectation.reason,
            section=expectation.section,
        )
        return session._attempted(feedback), feedback

    def back(self) -> TrainingSession:
        return replace(self, run=back(self.run))

    def feedback(self, step_id: str) -> Feedback:
        """The feedback for a step answered on the current path."""
        step = self.procedure.step(step_id)
        expectation = self.scenario.expectation(step_id)
        if step is None or expectation is None:
            return Feedback(step_id, graded=False, correct=None, given=self._given(step_id))
        given = recorded_answer(step, expectation, self.run)
        return Feedback(
            step=step_id,
            graded=True,
            correct=step_id in self.run.path and is_correct(step, expectation, given),
            given=given,
            expected=expected_value(step, expectation),
            reason=expectation.reason,
            section=expectation.section,
        )

    def finish(self, now: dt.datetime | None = None) -> Grade:
        """The grade of the path taken. Finishing before the end is allowed (time is up):
        the expected steps not reached count as not correct."""
        stopped = None if self.run.finished else self.run.current_step.id
        reason = "" if stopped is None else f"the session ended at step {stopped!r}"
        ended = now or self.run.updated_at
        return grade_walk(
            self.scenario,
            self.procedure,
            Walk(self.run, stopped, reason),
            dict(self.answers),
            time_taken=ended - self.started_at,
            first_attempts=dict(self.first_attempts),
        )

    # --- internals --------------------------------------------------------------------------
    def _attempted(self, feedback: Feedback) -> TrainingSession:
        """Count an answer to a decision point; the first one keeps how it was graded."""
        if not feedback.graded:
            return self
        firsts = dict(self.first_attempts)
        first = firsts.get(feedback.step)
        firsts[feedback.step] = FirstAttempt(feedback.given, bool(feedback.correct)) if first is None else \
            replace(first, attempts=first.attempts + 1)
        return replace(self, first_attempts=tuple(firsts.items()))

    def _given(self, step_id: str) -> RawAnswer:
        value = self.run.answer_of(step_id)
        return dict(value) if isinstance(value, dict) else value

    def _reveal_due(self) -> TrainingSession:
        """Turns held back for a step are shown, with all turns before them, once the run
        reaches that step."""
        reached = {v.step_id for v in self.run.visits}
        due = [i + 1 for i, t in enumerate(self.scenario.situation) if t.step is not None and t.step in reached]
        return replace(self, revealed=max([self.revealed, *due]))
