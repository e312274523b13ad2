"""Grading a trainee's answers against a scenario, by walking the real procedure.

A wrong answer can take the run down another branch: what the trainee answered on their own
path is graded as given, and an expected step their path never reached counts as not correct.
Only the scenario's decision points are scored; the rest of the path is shown, not marked."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from manualviewer.core.procedures.engine import AnswerValue, Run, normalise_answer
from manualviewer.core.procedures.errors import AnswerError
from manualviewer.core.procedures.fields import normalise_field
from manualviewer.core.procedures.model import (
    AnyStep,
    CheckStep,
    DocumentStep,
    EscalateStep,
    FieldType,
    InfoStep,
    InputStep,
    Procedure,
    QuestionStep,
)
from manualviewer.core.training.model import Expectation, RawAnswer, Scenario
from manualviewer.core.training.walk import Walk, expected_answers, walk, with_details


@dataclass(frozen=True)
class FirstAttempt:
    """A trainee's first answer to a decision point, as it was graded when given."""

    given: RawAnswer
    correct: bool
    attempts: int = 1


@dataclass(frozen=True)
class StepGrade:
    """One decision point: what the trainee gave, what the guidance expects, and why."""

    step: str
    title: str
    given: RawAnswer  # as the run recorded it; None when the trainee's path never got there
    expected: RawAnswer
    correct: bool
    reason: str
    section: str
    reached: bool  # the trainee's path came to this step
    # The first answer the trainee gave here and whether it was right; None when only the final
    # answers are known (`scenario run`, records kept before first attempts were).
    first_given: RawAnswer = None
    first_correct: bool | None = None
    attempts: int = 0  # answers given to this step, the refused ones not counted

    @property
    def corrected(self) -> bool:
        """Wrong at first, right in the end: the trainee went back and fixed it."""
        return self.correct and self.first_correct is False

    @property
    def right_first_time(self) -> bool:
        return self.correct and self.first_correct is not False

    def as_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "given": self.given,
            "expected": self.expected,
            "correct": self.correct,
            "reason": self.reason,
            "section": self.section,
        }


@dataclass(frozen=True)
class Grade:
    scenario: str
    procedure: str
    steps: tuple[StepGrade, ...]
    path: tuple[str, ...]  # the trainee's path: steps answered, then the end step if reached
    expected_path: tuple[str, ...]
    finished: bool  # the trainee's answers reached an end of the procedure
    stopped_at: str | None = None  # where the trainee's answers ran out or were refused
    stop_reason: str = ""
    unused: tuple[str, ...] = ()  # answers for steps the trainee's path never reached
    time_taken: dt.timedelta | None = None

    @property
    def correct(self) -> int:
        return sum(1 for s in self.steps if s.correct)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def right_first_time(self) -> int:
        return sum(1 for s in self.steps if s.right_first_time)

    @property
    def corrected(self) -> tuple[StepGrade, ...]:
        """The decisions first answered wrongly, then put right."""
        return tuple(s for s in self.steps if s.corrected)

    @property
    def perfect(self) -> bool:
        return self.correct == self.total

    @property
    def wrong(self) -> tuple[StepGrade, ...]:
        return tuple(s for s in self.steps if not s.correct)

    @property
    def sections_to_reread(self) -> tuple[str, ...]:
        """The sections the wrong answers' reasons come from, in order, without repeats."""
        return tuple(dict.fromkeys(s.section for s in self.wrong))

    @property
    def diverged_at(self) -> int | None:
        """Index of the first step where the trainee's path leaves the expected one."""
        for index, (mine, theirs) in enumerate(zip(self.path, self.expected_path, strict=False)):
            if mine != theirs:
                return index
        if len(self.path) != len(self.expected_path):
            return min(len(self.path), len(self.expected_path))
        return None

    def as_json(self) -> dict[str, Any]:
        """The `manualviewer scenario run --json` contract."""
        return {
            "scenario": self.scenario,
            "score": {"correct": self.correct, "total": self.total},
            "steps": [s.as_json() for s in self.steps],
        }


def grade(
    scenario: Scenario,
    procedure: Procedure,
    answers: Mapping[str, object],
    *,
    started_at: dt.datetime | None = None,
    answered_at: Mapping[str, dt.datetime] | None = None,
) -> Grade:
    """Grade `answers` (step ID -> answer, as in `procedure run --answers`). With `answered_at`
    (step ID -> when it was answered) the grade has the time taken: from `started_at`, or from
    the first answer when the start is not known, to the last answer on the path."""
    _same_procedure(scenario, procedure)
    trainee = walk(
        procedure, with_details(scenario, procedure, answers), started_at=started_at, answered_at=answered_at
    )
    time_taken = None
    if answered_at:
        on_path = [answered_at[s] for s in trainee.run.path if s in answered_at]
        if on_path:
            time_taken = max(on_path) - (started_at or min(answered_at.values()))
    return grade_walk(scenario, procedure, trainee, answers, time_taken=time_taken)


def grade_walk(
    scenario: Scenario,
    procedure: Procedure,
    trainee: Walk,
    answers: Mapping[str, object],
    *,
    time_taken: dt.timedelta | None = None,
    first_attempts: Mapping[str, FirstAttempt] | None = None,
) -> Grade:
    """Grade a trainee's run (from `walk`, or from a training session). `first_attempts` (step
    ID -> the first answer given there) keeps the mistakes put right on the way."""
    _same_procedure(scenario, procedure)
    expected = walk(procedure, expected_answers(scenario))
    run = trainee.run
    firsts = first_attempts or {}
    steps = tuple(_with_first(_grade_step(e, procedure, run, trainee, answers), firsts.get(e.step))
                  for e in scenario.expected)
    on_path = set(run.path) | {v.step_id for v in run.visits}
    return Grade(
        scenario=scenario.id,
        procedure=procedure.id,
        steps=steps,
        path=run.path,
        expected_path=expected.run.path,
        finished=run.finished,
        stopped_at=trainee.stopped_at,
        stop_reason=trainee.reason,
        unused=tuple(s for s in answers if s not in on_path),
        time_taken=time_taken,
    )


def expected_value(step: AnyStep | None, expectation: Expectation) -> RawAnswer:
    """The expected answer in the form the run records answers (None when it does not fit)."""
    value = expectation.answer
    if step is None:
        return value
    try:
        if isinstance(step, InfoStep | EscalateStep):
            return True
        if isinstance(step, CheckStep | QuestionStep):
            return _raw(normalise_answer(step, value))
        if isinstance(step, InputStep) and isinstance(value, Mapping):
            return {name: _field_value(step, name, text) for name, text in value.items()}
    except AnswerError:
        return value
    return value


def is_correct(step: AnyStep, expectation: Expectation, given: RawAnswer) -> bool:
    """Whether an answer recorded on the path is the expected one. Input and document steps
    are compared on the fields and options the scenario names, and only those."""
    want = expected_value(step, expectation)
    if isinstance(step, InfoStep | EscalateStep):
        return given is True
    if isinstance(step, InputStep | DocumentStep):
        if not isinstance(want, Mapping) or not isinstance(given, Mapping):
            return False
        if isinstance(step, InputStep):
            return all(_same_text(step, k, given.get(k), v) for k, v in want.items())
        return all(given.get(k) == v for k, v in want.items())
    return given == want


def recorded_answer(step: AnyStep, expectation: Expectation, run: Run) -> RawAnswer:
    """The trainee's answer to a step on their path, shown next to the expected one: the fields
    and options the scenario grades, `True` for an info or escalate step they went to."""
    if step.id not in run.path:
        return None
    if isinstance(step, InfoStep | EscalateStep):
        return True
    value = run.answer_of(step.id)
    if (
        isinstance(step, InputStep | DocumentStep)
        and isinstance(value, dict)
        and isinstance(expectation.answer, Mapping)
    ):
        return {k: v for k, v in value.items() if k in expectation.answer}
    return _raw(value)


def _grade_step(
    expectation: Expectation, procedure: Procedure, run: Run, trainee: Walk, answers: Mapping[str, object]
) -> StepGrade:
    step = procedure.step(expectation.step)
    title = step.title if step else expectation.step
    if step is None:
        given: RawAnswer = None
        correct = reached = False
    elif step.id in run.path:
        given = recorded_answer(step, expectation, run)
        reached = True
        correct = is_correct(step, expectation, given)
    elif trainee.stopped_at == step.id and step.id in answers:
        # Reached, but the engine refused the answer (not one of the step's choices).
        given = _plain(answers[step.id])
        reached, correct = True, False
    else:
        given = None
        reached = step.id in {v.step_id for v in run.visits}
        correct = False
    return StepGrade(
        step=expectation.step,
        title=title,
        given=given,
        expected=expected_value(step, expectation),
        correct=correct,
        reason=expectation.reason,
        section=expectation.section,
        reached=reached,
    )


def _with_first(step: StepGrade, first: FirstAttempt | None) -> StepGrade:
    if first is None:
        return step
    return replace(step, first_given=first.given, first_correct=first.correct, attempts=first.attempts)


def _same_procedure(scenario: Scenario, procedure: Procedure) -> None:
    if scenario.procedure != procedure.id:
        raise ValueError(f"scenario {scenario.id} exercises {scenario.procedure!r}, not {procedure.id!r}")


def _raw(value: AnswerValue) -> RawAnswer:
    return dict(value) if isinstance(value, dict) else value


def _plain(value: object) -> RawAnswer:
    """Any JSON value a trainee gave, kept as something the report can print."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    return str(value)


def _field_value(step: InputStep, name: str, text: str) -> str:
    field = step.field(name)
    if field is None:
        return text
    try:
        return normalise_field(step.id, field, text)
    except AnswerError:
        return text


def _same_text(step: InputStep, name: str, given: str | None, want: str) -> bool:
    """Typed text matches whatever its case and spacing (a reference read out as "AB 12 34")."""
    if given is None:
        return False
    field = step.field(name)
    squeeze = field is not None and field.type is FieldType.CUSTOMER_REFERENCE

    def key(text: str) -> str:
        text = re.sub(r"\s+", "" if squeeze else " ", _field_value(step, name, text)).strip()
        return text.casefold()

    return key(given) == key(want)
