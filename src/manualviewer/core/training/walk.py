"""Following a procedure with a fixed set of answers, through the real engine.

The same walk serves the trainee's answers and the scenario's expected ones, so "the expected
path" and "the trainee's path" are computed alike. The rules are the headless run's
(docs/procedures.md): info, escalate and document steps need no answer; an answer for an
out-of-order step is used as a jump when the path reaches a step that needs an answer and has
none. Unlike the headless run, a walk never raises: where it cannot go on it stops and says why,
because a trainee's wrong or missing answer is something to grade, not an error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from manualviewer.core.procedures.engine import Run, answer, out_of_order, start
from manualviewer.core.procedures.errors import AnswerError, RunError
from manualviewer.core.procedures.headless import going_on, needs_answer, pending_jump
from manualviewer.core.procedures.model import AnyStep, DocumentStep, EscalateStep, InfoStep, InputStep, Procedure
from manualviewer.core.training.model import Scenario

# A walk without timestamps still needs times for the engine; they mean nothing.
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Walk:
    run: Run
    stopped_at: str | None = None  # the step the walk could not get past; None when it ended
    reason: str = ""  # why it stopped
    refused: object = None  # the answer the engine refused at `stopped_at`, if any
    refused_given: bool = False  # True when there was such an answer (it may itself be None)

    @property
    def finished(self) -> bool:
        return self.run.finished


def walk(
    procedure: Procedure,
    answers: Mapping[str, object],
    *,
    started_at: dt.datetime | None = None,
    answered_at: Mapping[str, dt.datetime] | None = None,
) -> Walk:
    """Follow `procedure` from its start with `answers` (step ID -> answer) for as long as
    they carry the run. `answered_at` gives each step's answer time, when known."""
    times = answered_at or {}
    now = started_at or (min(times.values()) if times else EPOCH)
    run = start(procedure, now)
    limit = 10 * len(procedure.steps) + 10  # fixed answers round a loop in the procedure
    for _ in range(limit):
        if run.finished:
            return Walk(run)
        step = run.current_step
        if step.id in answers:
            value = step_answer(step, answers[step.id])
        elif not needs_answer(step):
            value = going_on(step)
        else:
            # `false` for an out-of-order info step is a scenario's "the trainee did not go there".
            jump = pending_jump(run, lambda j: answers.get(j, False) is not False)
            if jump is None:
                return Walk(run, step.id, f"no answer for step {step.id!r} ({step.title})")
            now = times.get(jump, now)
            try:
                run = out_of_order(run, jump, now)
            except RunError as exc:  # the procedure names a step it does not have
                return Walk(run, step.id, str(exc))
            continue
        now = times.get(step.id, now)
        try:
            run = answer(run, step.id, value, now)
        except (AnswerError, RunError) as exc:
            return Walk(run, step.id, str(exc), refused=answers.get(step.id), refused_given=step.id in answers)
    return Walk(run, run.current_step.id, f"the answers go round a loop (at step {run.current_step.id!r})")


def step_answer(step: AnyStep, value: object) -> object:
    """A trainee's answer as the engine takes it: an info or escalate step is answered by going
    there, so `true` (the form scenarios use) stands for "yes, this step"."""
    if isinstance(step, InfoStep | EscalateStep) and isinstance(value, bool):
        return None
    return value


def with_details(scenario: Scenario, procedure: Procedure, answers: Mapping[str, object]) -> dict[str, object]:
    """The trainee's answers completed by the scenario's ungraded details: a detail fills a
    step the trainee left out, or the fields and options missing from an input or document
    answer. The trainee's own values win."""
    merged: dict[str, object] = dict(answers)
    for detail in scenario.details:
        step = procedure.step(detail.step)
        given = merged.get(detail.step)
        if detail.step not in merged:
            merged[detail.step] = detail.answer
        elif (
            isinstance(step, InputStep | DocumentStep)
            and isinstance(given, Mapping)
            and isinstance(detail.answer, Mapping)
        ):
            merged[detail.step] = {**detail.answer, **given}
    return merged


def expected_answers(scenario: Scenario) -> dict[str, object]:
    """The answers that walk the expected path: the expected answers and the details. An input
    or document step graded on some fields or options takes the rest from the details."""
    merged: dict[str, object] = {d.step: d.answer for d in scenario.details}
    for expectation in scenario.expected:
        detail = merged.get(expectation.step)
        if isinstance(detail, Mapping) and isinstance(expectation.answer, Mapping):
            merged[expectation.step] = {**detail, **expectation.answer}
        else:
            merged[expectation.step] = expectation.answer
    return merged
