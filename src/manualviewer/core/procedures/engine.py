"""The run of a procedure: a pure state machine. Every function returns a new Run.

A run is the list of steps visited, in order. Every visit but the last has an answer, except a
visit the officer left for an out-of-order step (a "skipped" visit: the late disclosure came
while that step was on screen); the last visit is the current step. Changing an earlier
answer replays the later ones for as long as they still apply, which is also how a saved run
is restored: one mechanism, so a resumed run is exactly a run that was answered again.

A late answer (`late_answer`) is what the customer said later about a step already answered
("at the end of the call the customer said they are a journalist"): it is added with its time
beside the original answer, which stays in the record; nothing is rewound. The escalate steps
the late answer leads to are raised with it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from manualviewer.core.procedures.document import DocumentError, resolve_choices
from manualviewer.core.procedures.errors import AnswerError, RunError
from manualviewer.core.procedures.fields import normalise_input
from manualviewer.core.procedures.model import (
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

# What a step's answer is, once normalised: check -> bool, question -> choice ID,
# input -> {field: text}, document -> {option: choice ID}, escalate -> the officer's text,
# info -> None.
AnswerValue = bool | str | None | dict[str, str]

RUN_FORMAT = 1


@dataclass(frozen=True)
class Visit:
    step_id: str
    entered_at: dt.datetime
    answered_at: dt.datetime | None = None
    value: AnswerValue = None
    out_of_order: bool = False  # reached from anywhere, not by the previous step's answer

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


@dataclass(frozen=True)
class RaisedEscalation:
    step_id: str
    officer_text: str
    at: dt.datetime


@dataclass(frozen=True)
class LateAnswer:
    """An answer to a step already answered, given later; the original answer stays."""

    step_id: str
    value: AnswerValue
    at: dt.datetime
    said: str = ""  # the customer's words as the officer typed them ("they are a journalist")


@dataclass(frozen=True)
class Run:
    procedure: Procedure
    started_at: dt.datetime
    visits: tuple[Visit, ...]
    late: tuple[LateAnswer, ...] = ()

    # --- where the run is -----------------------------------------------------------------
    @property
    def current_visit(self) -> Visit:
        return self.visits[-1]

    @property
    def current_step(self) -> AnyStep:
        """The step on screen; the end step once the run is finished."""
        return _step(self.procedure, self.current_visit.step_id)

    @property
    def finished(self) -> bool:
        return isinstance(self.current_step, EndStep)

    @property
    def finished_at(self) -> dt.datetime | None:
        return self.current_visit.entered_at if self.finished else None

    @property
    def updated_at(self) -> dt.datetime:
        last = self.current_visit
        return max(t for t in (self.started_at, last.entered_at, last.answered_at) if t is not None)

    # --- what was answered ----------------------------------------------------------------
    @property
    def answered(self) -> tuple[Visit, ...]:
        return tuple(v for v in self.visits if v.answered)

    @property
    def path(self) -> tuple[str, ...]:
        """Step IDs answered, in order, then the end step when finished."""
        ids = tuple(v.step_id for v in self.answered)
        return (*ids, self.current_visit.step_id) if self.finished else ids

    def answer_of(self, step_id: str) -> AnswerValue:
        """The latest answer given to a step on the path (None when it has none)."""
        return next((v.value for v in reversed(self.answered) if v.step_id == step_id), None)

    @property
    def values(self) -> dict[str, str]:
        """Input field values on the path, by field name."""
        merged: dict[str, str] = {}
        for visit in self.answered:
            if isinstance(self.procedure.step(visit.step_id), InputStep) and isinstance(visit.value, dict):
                merged.update(visit.value)
        return merged

    @property
    def late_answers(self) -> tuple[LateAnswer, ...]:
        """Late answers to steps still answered on the path (an answer changed or stepped back
        over since takes its late answers with it)."""
        answered = {v.step_id for v in self.answered}
        return tuple(late for late in self.late if late.step_id in answered)

    @property
    def escalations(self) -> tuple[RaisedEscalation, ...]:
        raised = [
            RaisedEscalation(v.step_id, str(v.value or ""), v.answered_at)
            for v in self.answered
            if v.answered_at is not None and isinstance(self.procedure.step(v.step_id), EscalateStep)
        ]
        for late in self.late_answers:  # what a late answer leads to is raised, once
            for step_id in late_leads_to(self.procedure, late, escalations_only=True):
                if all(r.step_id != step_id for r in raised):
                    said = f"Raised by what was said later in the call: {late_words(self.procedure, late)}"
                    raised.append(RaisedEscalation(step_id, said, late.at))
        return tuple(raised)

    # --- saving ---------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": RUN_FORMAT,
            "procedure": self.procedure.id,
            "version": self.procedure.version,
            "started_at": iso_utc(self.started_at),
            "visits": [
                {
                    "step": v.step_id,
                    "entered_at": iso_utc(v.entered_at),
                    "answered_at": iso_utc(v.answered_at) if v.answered_at else None,
                    "value": v.value,
                    "out_of_order": v.out_of_order,
                }
                for v in self.visits
            ],
            **({"late": [{"step": late.step_id, "value": late.value, "at": iso_utc(late.at), "said": late.said}
                         for late in self.late]} if self.late else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], procedure: Procedure) -> Run:
        """Restore a saved run. Saved under another version of the procedure, the answers are
        replayed for as long as they still fit; under the same version they must all fit."""
        try:
            if data.get("format") != RUN_FORMAT:
                raise RunError(f"unknown saved-run format {data.get('format')!r}")
            if data["procedure"] != procedure.id:
                raise RunError(f"the saved run is for procedure {data['procedure']!r}, not {procedure.id!r}")
            strict = data["version"] == procedure.version
            visits = tuple(
                Visit(
                    step_id=str(v["step"]),
                    entered_at=parse_utc(v["entered_at"]),
                    answered_at=parse_utc(v["answered_at"]) if v.get("answered_at") else None,
                    value=_json_value(v.get("value")),
                    out_of_order=bool(v.get("out_of_order", False)),
                )
                for v in data["visits"]
            )
            started_at = parse_utc(data["started_at"])
            lates = [(str(v["step"]), _json_value(v.get("value")), parse_utc(v["at"]), str(v.get("said", "")))
                     for v in data.get("late", [])]
        except RunError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RunError(f"the saved run cannot be read: {exc!r}") from exc
        if not visits:
            raise RunError("the saved run has no steps")
        run = _replay(start(procedure, started_at), visits, strict=strict)
        for step_id, value, at, said in lates:
            try:
                run = late_answer(run, step_id, value, at, said=said)
            except (AnswerError, RunError) as exc:
                if strict:
                    raise RunError(f"the saved run does not fit procedure {procedure.id}: {exc}") from exc
        return run


# --- transitions --------------------------------------------------------------------------
def start(procedure: Procedure, now: dt.datetime) -> Run:
    now = _utc(now)
    first = procedure.start_id
    if procedure.step(first) is None:
        raise RunError(f"procedure {procedure.id} has no step {first!r} to start at")
    return Run(procedure, now, (Visit(first, now),))


def answer(run: Run, step_id: str, value: object, now: dt.datetime) -> Run:
    """Answer the current step, or change the answer to an earlier one: the later answers are
    kept while the path still goes through them, the rest are dropped."""
    now = _utc(now)
    index = _last_index(run, step_id)
    if index is None:
        current = run.current_step
        raise AnswerError(step_id, f"step {step_id!r} is not on this run's path (the current step is {current.id!r})")
    if index == len(run.visits) - 1:
        return _answer_current(run, value, now)
    later = run.visits[index + 1 :]
    target = replace(run.visits[index], answered_at=None, value=None)
    changed = _answer_current(replace(run, visits=(*run.visits[:index], target)), value, now)
    return _replay(changed, later, strict=False)


def back(run: Run) -> Run:
    """Return to the previous step; its answer is cleared (it is still in `run` for the UI)."""
    if len(run.visits) < 2:
        raise RunError("the run is at its first step")
    previous = run.visits[-2]
    if previous.answered:
        previous = replace(previous, answered_at=None, value=None)
    return replace(run, visits=(*run.visits[:-2], previous))


def out_of_order(run: Run, step_id: str, now: dt.datetime) -> Run:
    """Go to a step the procedure allows from anywhere (a late disclosure at the end of a call).
    The step on screen is left unanswered; back() returns to it."""
    now = _utc(now)
    procedure = run.procedure
    if step_id not in procedure.allow_out_of_order:
        raise RunError(f"step {step_id!r} cannot be reached out of order in {procedure.id}")
    if procedure.step(step_id) is None:
        raise RunError(f"procedure {procedure.id} has no step {step_id!r}")
    if any(v.step_id == step_id for v in run.visits):
        raise RunError(f"step {step_id!r} is already on this run's path; change its answer instead")
    return replace(run, visits=(*run.visits, Visit(step_id, now, out_of_order=True)))


LATE_KINDS = (QuestionStep, CheckStep, InputStep)  # what a customer can say more about later


def late_answer(run: Run, step_id: str, value: object, now: dt.datetime, *, said: str = "") -> Run:
    """Record what the customer said later about a step already answered: the original answer
    and every later one stay; the late answer is added with its time. Raises AnswerError when
    the step cannot take the value, RunError when the step is not answered on the path."""
    now = _utc(now)
    step = run.procedure.step(step_id)
    if step is None or all(v.step_id != step_id for v in run.answered):
        raise RunError(f"step {step_id!r} has no answer on this run's path to add to")
    if not isinstance(step, LATE_KINDS):
        raise RunError(f"{step.title}: only a question, a check or details given can have a later answer")
    stored = normalise_answer(step, value)
    earlier = [late.value for late in run.late_answers if late.step_id == step_id]
    if stored == (earlier[-1] if earlier else run.answer_of(step_id)):
        raise AnswerError(step_id, f"{step.title}: that is the answer already recorded")
    return replace(run, late=(*run.late, LateAnswer(step_id, stored, now, " ".join(said.split()))))


def late_leads_to(procedure: Procedure, late: LateAnswer, *, escalations_only: bool = False) -> tuple[str, ...]:
    """The steps the late answer leads straight to (through steps that ask nothing: reading,
    escalating), stopping where a question, a check, details or the end would need the officer.
    These are what the guidance says to do now; an escalate step among them is raised."""
    step = procedure.step(late.step_id)
    following = next_step_id(step, late.value) if step is not None else None
    found: list[str] = []
    while following is not None and following not in found:
        target = procedure.step(following)
        if target is None or not isinstance(target, InfoStep | EscalateStep):
            break
        if not escalations_only or isinstance(target, EscalateStep):
            found.append(following)
        following = target.next
    return tuple(found)


def late_words(procedure: Procedure, late: LateAnswer) -> str:
    """What the officer recorded, in words: the customer's words, or the answer given."""
    return late.said or answer_words(procedure.step(late.step_id), late.value)


def answer_words(step: AnyStep | None, value: AnswerValue) -> str:
    if isinstance(step, QuestionStep) and isinstance(value, str):
        choice = step.choice(value)
        return choice.label if choice else value
    if isinstance(step, CheckStep):
        return step.not_confirmed.label if value is False and step.not_confirmed else step.confirm_label
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value or "")


def normalise_answer(step: AnyStep, value: object) -> AnswerValue:
    """The stored form of an answer; raises AnswerError when the step cannot take it."""
    if isinstance(step, CheckStep):
        confirmed = _as_confirmation(value)
        if confirmed is None:
            raise AnswerError(step.id, f"{step.title}: answer true (confirmed) or false (not confirmed)")
        if not confirmed and step.not_confirmed is None:
            raise AnswerError(step.id, f"{step.title}: this point must be confirmed to go on")
        return confirmed
    if isinstance(step, QuestionStep):
        if not isinstance(value, str) or step.choice(value) is None:
            offered = ", ".join(c.id for c in step.choices)
            raise AnswerError(step.id, f"{step.title}: {value!r} is not an answer; choose one of {offered}")
        return value
    if isinstance(step, InputStep):
        return normalise_input(step, value)
    if isinstance(step, EscalateStep):
        if value is not None and not isinstance(value, str):
            raise AnswerError(step.id, f"{step.title}: the officer's text should be text")
        return (value or "").strip()
    if isinstance(step, DocumentStep):
        if value is not None and not isinstance(value, Mapping):
            raise AnswerError(step.id, f"{step.title}: give the options as a mapping of option to choice")
        try:
            return resolve_choices(step.template, {str(k): str(v) for k, v in (value or {}).items()})
        except DocumentError as exc:
            raise AnswerError(step.id, f"{step.title}: {exc}") from exc
    if isinstance(step, EndStep):
        raise AnswerError(step.id, f"{step.title}: the procedure is finished; an end step takes no answer")
    if value not in (None, True, ""):
        raise AnswerError(step.id, f"{step.title}: an information step takes no answer")
    return None


def next_step_id(step: AnyStep, value: AnswerValue) -> str | None:
    if isinstance(step, CheckStep) and value is False and step.not_confirmed is not None:
        return step.not_confirmed.next
    if isinstance(step, QuestionStep) and isinstance(value, str):
        choice = step.choice(value)
        return choice.next if choice else None
    return step.next


# --- internals ----------------------------------------------------------------------------
def _answer_current(run: Run, value: object, now: dt.datetime) -> Run:
    step = run.current_step
    stored = normalise_answer(step, value)
    following = next_step_id(step, stored)
    if following is None or run.procedure.step(following) is None:
        raise RunError(f"step {step.id!r} of {run.procedure.id} leads to no known step ({following!r})")
    answered = replace(run.current_visit, answered_at=now, value=stored)
    return replace(run, visits=(*run.visits[:-1], answered, Visit(following, now)))


def _replay(run: Run, visits: Iterable[Visit], *, strict: bool) -> Run:
    """Walk `visits` again on top of `run`: a natural visit must be the step the run is at,
    an out-of-order one is jumped to again, an answered one is answered again with its time.
    Stops at the first visit that no longer fits (or raises, when strict)."""
    for visit in visits:
        try:
            if visit.out_of_order:
                run = out_of_order(run, visit.step_id, visit.entered_at)
            elif run.current_visit.step_id != visit.step_id:
                raise RunError(f"the run is at {run.current_visit.step_id!r}, not {visit.step_id!r}")
            if visit.answered_at is not None:
                run = _answer_current(run, visit.value, visit.answered_at)
        except (AnswerError, RunError) as exc:
            if strict:
                raise RunError(f"the saved run does not fit procedure {run.procedure.id}: {exc}") from exc
            break
    return run


def _last_index(run: Run, step_id: str) -> int | None:
    return next((i for i in range(len(run.visits) - 1, -1, -1) if run.visits[i].step_id == step_id), None)


def _step(procedure: Procedure, step_id: str) -> AnyStep:
    step = procedure.step(step_id)
    if step is None:  # only a broken run can get here: every transition checks the target
        raise RunError(f"procedure {procedure.id} has no step {step_id!r}")
    return step


def _as_confirmation(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower().replace("-", " ").replace("_", " ")
        if word in {"confirmed", "yes", "true"}:
            return True
        if word in {"not confirmed", "no", "false"}:
            return False
    return None


def _json_value(value: object) -> AnswerValue:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    raise RunError(f"a saved answer has an unexpected type: {value!r}")


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware (the record keeps UTC)")
    return moment.astimezone(dt.UTC)


def iso_utc(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with a Z: 2024-05-01T09:30:00Z (microseconds only when there are any)."""
    return _utc(moment).isoformat().replace("+00:00", "Z")


def parse_utc(text: object) -> dt.datetime:
    if not isinstance(text, str):
        raise ValueError(f"not a time: {text!r}")
    return _utc(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
