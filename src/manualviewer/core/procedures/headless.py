"""The rules for following a procedure with a fixed set of answers, in one place: the headless
`procedure run`, the training grading walk and presenter mode all go by them (docs/procedures.md,
"procedure run"; docs/scenarios.md, "Grading").

Info, escalate and document steps need no answer: they are answered by going on. When the path
reaches a step that needs an answer (a check, question or input) and has none, an answer for an
out-of-order step not yet visited is used as a jump there."""

from __future__ import annotations

from collections.abc import Callable

from manualviewer.core.procedures.engine import AnswerValue, Run
from manualviewer.core.procedures.model import AnyStep, DocumentStep, EscalateStep, InfoStep


def needs_answer(step: AnyStep) -> bool:
    """False for the steps a fixed set of answers may leave out: info, escalate and document."""
    return not isinstance(step, InfoStep | EscalateStep | DocumentStep)


def going_on(step: AnyStep) -> AnswerValue:
    """The answer given to a step that needs none: an escalate step gets no added text, a
    document step its options' defaults."""
    return {} if isinstance(step, DocumentStep) else None


def pending_jump(run: Run, answered: Callable[[str], bool]) -> str | None:
    """The first of the procedure's out-of-order steps that `answered` says has an answer and
    that the run has not visited; None when there is none."""
    visited = {visit.step_id for visit in run.visits}
    return next((jump for jump in run.procedure.allow_out_of_order if answered(jump) and jump not in visited), None)
