"""What a finished run leaves behind: the note (text + structured record) and escalations."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from manualviewer.core.content.library import Library
from manualviewer.core.procedures.document import DocumentError, render_document
from manualviewer.core.procedures.engine import AnswerValue, LateAnswer, Run, Visit, iso_utc, late_leads_to
from manualviewer.core.procedures.errors import RunError
from manualviewer.core.procedures.model import (
    AnyStep,
    CheckStep,
    DocumentStep,
    EndStep,
    EscalateStep,
    FieldType,
    InputStep,
    Procedure,
    QuestionStep,
)
from manualviewer.core.procedures.templates import bullet_list, render
from manualviewer.core.procedures.wording import local_time, prose, with_answer

# Template variables every procedure can use besides its own field and document names.
KNOWN_VARIABLES: dict[str, str] = {
    "officer": "the officer's name",
    "date": "the date the run finished (YYYY-MM-DD, UTC)",
    "time": "the time the run finished (HH:MM, UTC)",
    "procedure_title": "the procedure's title",
    "sections": "the section IDs cited on the path, comma-separated",
    "confirmed": "a list of the points confirmed (check steps)",
    "not_confirmed": "a list of the points not confirmed",
    "answers": "a list of the questions answered: question and answer",
    "notes": "a list of the `note` lines of the steps and answers on the path",
    "escalations": "a list of the concerns escalated",
}
NOT_GIVEN = "not given"


@dataclass(frozen=True)
class NoteDraft:
    text: str
    record: dict[str, Any]  # JSON-able


@dataclass(frozen=True)
class EscalationDraft:
    subject: str
    body: str
    to: str = "line manager"
    step_id: str = ""


def compose(
    run: Run, *, officer: str, content_version: str, recipient: str = ""
) -> tuple[NoteDraft, list[EscalationDraft]]:
    """The note and one escalation draft per escalate step on the path of a finished run.
    `recipient` (a name or address) is who the message is addressed to; "" names the role."""
    context = _Context(run, officer)
    note = _note(context, content_version)
    return note, _escalations(context, note, recipient)


def compose_note(run: Run, *, officer: str, content_version: str, notices: Sequence[str] = ()) -> NoteDraft:
    """The note of a finished run; `notices` (archive_notices) are added under "Guidance status"
    so a reader of the note knows the guidance followed had passed its archive date."""
    draft = _note(_Context(run, officer), content_version)
    if not notices:
        return draft
    text = draft.text + "\n\nGuidance status:\n" + bullet_list(list(notices))
    return NoteDraft(text, {**draft.record, "guidance_notices": list(notices)})


def archive_notices(procedure: Procedure, library: Library, today: dt.date | None = None) -> tuple[str, ...]:
    """One line per section the procedure cites whose archive date has passed."""
    notices = []
    for section_id in procedure.cited_sections():
        section = library.get(section_id)
        if section is not None and section.archive_date is not None and section.is_past_archive_date(today):
            when = f"{section.archive_date.day} {section.archive_date:%b %Y}"
            notices.append(f"{section_id}: archive date passed ({when}); the guidance may no longer apply")
    return tuple(notices)


def compose_escalations(run: Run, note: NoteDraft, *, officer: str, recipient: str = "") -> list[EscalationDraft]:
    return _escalations(_Context(run, officer), note, recipient)


def _note(context: _Context, content_version: str) -> NoteDraft:
    run, officer = context.run, context.officer
    end = run.current_step
    if not isinstance(end, EndStep):
        raise RunError(f"the run of {run.procedure.id} is not finished (it is at {end.id!r})")
    text = render(end.note_template.text, context.lookup).strip()
    if context.late_lines and "{notes}" not in end.note_template.text:
        text += "\n\nSaid later in the call:\n" + bullet_list(context.late_lines)
    record: dict[str, Any] = {
        "procedure": {"id": run.procedure.id, "version": run.procedure.version, "title": run.procedure.title},
        "content_version": content_version,
        "sections": list(context.sections),
        "officer": officer,
        "customer_reference": customer_reference(run),
        "started_at": iso_utc(run.started_at),
        "finished_at": iso_utc(run.current_visit.entered_at),
        "outcome": {"step": end.id, "title": end.title},
        "steps": [_step_record(run, visit) for visit in run.answered],
        "escalations": [
            {
                "step": e.step_id,
                "to": context.escalate_step(e.step_id).to,
                "reason": context.reason(e.step_id),
                "officer_text": e.officer_text,
                "at": iso_utc(e.at),
            }
            for e in run.escalations
        ],
        "documents": context.documents,
    }
    if run.late_answers:  # only when there are any: records before late answers are unchanged
        record["late_answers"] = [_late_record(run, late) for late in run.late_answers]
    return NoteDraft(text, record)


def _escalations(context: _Context, note: NoteDraft, recipient: str = "") -> list[EscalationDraft]:
    run, officer = context.run, context.officer
    reference = customer_reference(run)
    path_lines = []
    for n, v in enumerate(run.answered, 1):
        if v.answered_at is not None:
            path_lines.append(f"{n}. {_path_entry(_step(run, v), v.value)} ({local_time(v.answered_at)})")
            path_lines += [f"   {late_sentence(run, late)}" for late in run.late_answers if late.step_id == v.step_id]
    drafts: list[EscalationDraft] = []
    for escalation in run.escalations:
        step = context.escalate_step(escalation.step_id)
        if step.subject is not None:
            subject = render(step.subject.text, context.lookup).strip()
        else:
            subject = f"Escalation: {run.procedure.title}" + (f" ({reference})" if reference else "")
        body = "\n".join(
            [
                f"To: {recipient} ({step.to})" if recipient else f"To: your {step.to}",
                "",
                "Concern:",
                context.reason(step.id),
                "",
                "Officer's comments:",
                escalation.officer_text or "None",
                "",
                "Steps followed:",
                *path_lines,
                "",
                "Note:",
                note.text,
                "",
                f"Guidance cited: {', '.join(context.sections) or 'none'}",
                f"Procedure: {run.procedure.id} version {run.procedure.version}",
                f"Raised by {officer or NOT_GIVEN} on {local_time(escalation.at)}",
            ]
        )
        drafts.append(EscalationDraft(subject, body, step.to, step.id))
    return drafts


def content_version(procedure: Procedure, library: Library) -> str:
    """A short fingerprint of the guidance a run followed: the procedure's ID and version and
    the text of every section it cites. Same content, same version, on every machine."""
    digest = hashlib.sha256(f"{procedure.id}\n{procedure.version}\n".encode())
    for section_id in procedure.cited_sections():
        section = library.get(section_id)
        digest.update(f"{section_id}={section.content_hash if section else 'missing'}\n".encode())
    return digest.hexdigest()[:12]


def customer_reference(run: Run) -> str | None:
    """The first customer reference field answered on the path."""
    fields = run.procedure.input_fields()
    values = run.values
    for name, field in fields.items():
        if field.type is FieldType.CUSTOMER_REFERENCE and values.get(name):
            return values[name]
    return None


def document_text(
    run: Run, step_id: str, choices: Mapping[str, str] | None = None, *, preview: bool = False
) -> str:
    """The finished text of a document step, for its answer on the path or the given choices
    (the UI previews the letter as the officer picks; `preview`: choices not made yet read as
    "[Jobcentre Plus / PDCS]")."""
    step = run.procedure.step(step_id)
    if not isinstance(step, DocumentStep):
        raise RunError(f"{step_id!r} is not a document step of {run.procedure.id}")
    picked = choices if choices is not None else run.answer_of(step_id)
    return render_document(
        step.template, picked if isinstance(picked, Mapping) else {}, _Context(run, "").base, preview=preview
    )


def answer_text(step: AnyStep, value: AnswerValue) -> str:
    """An answer as the officer would say it."""
    if isinstance(step, CheckStep):
        if value is False and step.not_confirmed is not None:
            return step.not_confirmed.label
        return step.confirm_label
    if isinstance(step, QuestionStep) and isinstance(value, str):
        choice = step.choice(value)
        return choice.label if choice else value
    if isinstance(step, InputStep) and isinstance(value, dict):
        return "; ".join(with_answer(f.label, value.get(f.name) or NOT_GIVEN) for f in step.fields)
    if isinstance(step, EscalateStep):
        return f"raised with {step.to}" + (f": {value}" if value else "")
    if isinstance(step, DocumentStep) and isinstance(value, dict):
        picks = []
        for option in step.template.options:
            picked = option.choice(value.get(option.name, ""))
            picks.append(with_answer(option.label, picked.label if picked else NOT_GIVEN))
        return "; ".join(picks) or "prepared"
    return "read"


def late_sentence(run: Run, late: LateAnswer) -> str:
    """A late answer as the note says it, beside the original answer, which stays on record:
    "At the end of the call (5 Dec 2026, 09:15) the customer said they are a journalist. ..."."""
    step = run.procedure.step(late.step_id)
    assert step is not None  # late_answer only records steps on the path
    ended = run.finished_at is not None and late.at >= run.finished_at
    when = f"{'At the end of the call' if ended else 'Later in the call'} ({local_time(late.at)})"
    new = with_answer(step.title, answer_text(step, late.value))
    if late.said:
        said = late.said if late.said.endswith((".", "!", "?")) else late.said + "."
        parts = [f"{when} the customer said {said}", f"So: {new}."]
    else:
        parts = [f"{when} the customer's answer changed: {new}."]
    original = next(v for v in run.answered if v.step_id == late.step_id)
    parts.append(f"The earlier answer stays on record: {answer_text(step, original.value)}"
                 + (f" ({local_time(original.answered_at)})." if original.answered_at else "."))
    if isinstance(step, QuestionStep) and isinstance(late.value, str):
        choice = step.choice(late.value)
        if choice is not None and choice.note:
            parts.append(prose(choice.note))
    on_path = set(run.path)  # what the officer already did needs no saying again
    then = [run.procedure.step(s) for s in late_leads_to(run.procedure, late) if s not in on_path]
    titles = [t.title + (f" ({t.section})" if t.section else "") for t in then if t is not None]
    if titles:
        parts.append("The guidance for that answer: " + "; ".join(titles) + ".")
    return " ".join(" ".join(p.split()) for p in parts)


def _late_record(run: Run, late: LateAnswer) -> dict[str, Any]:
    step = run.procedure.step(late.step_id)
    assert step is not None
    return {
        "step": late.step_id,
        "answer": late.value,
        "answer_text": answer_text(step, late.value),
        "earlier_answer": run.answer_of(late.step_id),
        "said": late.said,
        "at": iso_utc(late.at),
        "text": late_sentence(run, late),
    }


def _path_entry(step: AnyStep, value: AnswerValue) -> str:
    """A step of the path in a message: "Read: Cover the three points", "Is it...? No"."""
    text = answer_text(step, value)
    return f"Read: {step.title}" if text == "read" else with_answer(step.title, text)


def answer_line(step: AnyStep, value: AnswerValue) -> str:
    """An answer as the path list shows it under the step's title: "Answer: Yes" for a
    question, "Read" for a step that only asks to be read, else the answer itself."""
    text = answer_text(step, value)
    if isinstance(step, QuestionStep):
        return "Answer: " + text
    return text[:1].upper() + text[1:]


def _step(run: Run, visit: Visit) -> AnyStep:
    step = run.procedure.step(visit.step_id)
    assert step is not None  # the engine only records known steps
    return step


def _step_record(run: Run, visit: Visit) -> dict[str, Any]:
    step = _step(run, visit)
    return {
        "step": step.id,
        "kind": step.kind.value,
        "title": step.title,
        "answer": visit.value,
        "answer_text": answer_text(step, visit.value),
        "entered_at": iso_utc(visit.entered_at),
        "at": iso_utc(visit.answered_at) if visit.answered_at else None,
        "out_of_order": visit.out_of_order,
        "section": step.section,
    }


class _Context:
    """The template variables of one run, computed once per composition."""

    def __init__(self, run: Run, officer: str) -> None:
        self.run = run
        self.officer = officer
        procedure = run.procedure
        steps = [(_step(run, v), v.value) for v in run.answered]
        moment = run.finished_at or run.updated_at
        cited = dict.fromkeys(procedure.sections)
        for step, _ in steps:
            if step.section:
                cited.setdefault(step.section)
        end_section = run.current_step.section if run.finished else None
        if end_section:
            cited.setdefault(end_section)
        self.sections = tuple(cited)

        notes: list[str] = []
        for step, value in steps:
            if isinstance(step, QuestionStep) and isinstance(value, str):
                choice = step.choice(value)
                notes.extend([choice.note] if choice and choice.note else [])
            elif isinstance(step, CheckStep) and value is False and step.not_confirmed:
                notes.extend([step.not_confirmed.note] if step.not_confirmed.note else [])
            elif step.note:
                notes.append(step.note)
        self.late_lines = [late_sentence(run, late) for late in run.late_answers]
        notes.extend(self.late_lines)

        # Scalars and lists first: documents and escalation reasons may use them.
        names = [*procedure.input_fields(), *procedure.document_names()]
        self.base: dict[str, str] = dict.fromkeys(names, NOT_GIVEN)
        self.base.update(run.values)
        self.base.update(
            officer=officer or NOT_GIVEN,
            date=moment.strftime("%Y-%m-%d"),
            time=moment.strftime("%H:%M"),
            procedure_title=procedure.title,
            sections=", ".join(self.sections),
            confirmed=bullet_list([s.text or s.title for s, v in steps if isinstance(s, CheckStep) and v is True]),
            not_confirmed=bullet_list([s.text or s.title for s, v in steps if isinstance(s, CheckStep) and v is False]),
            answers=bullet_list(
                [with_answer(s.title, answer_text(s, v)) for s, v in steps if isinstance(s, QuestionStep)]
            ),
            notes=bullet_list(notes),
        )
        self.documents: dict[str, str] = {}
        for step, value in steps:
            if isinstance(step, DocumentStep) and step.name and isinstance(value, dict):
                try:
                    self.documents[step.name] = render_document(step.template, value, self.base)
                except DocumentError as exc:  # validation reports it; the note says what went wrong
                    self.documents[step.name] = f"(the document could not be prepared: {exc})"
        self._reasons = {
            e.step_id: prose(render(self.escalate_step(e.step_id).reason.text, self._lookup_base))
            for e in run.escalations
        }
        self.values = {
            **self.base,
            **self.documents,
            "escalations": bullet_list(
                [
                    f"{self._reasons[e.step_id]} (raised with {self.escalate_step(e.step_id).to})"
                    for e in run.escalations
                ]
            ),
        }

    def escalate_step(self, step_id: str) -> EscalateStep:
        step = self.run.procedure.step(step_id)
        assert isinstance(step, EscalateStep)
        return step

    def reason(self, step_id: str) -> str:
        return self._reasons[step_id]

    def _lookup_base(self, name: str) -> str:
        return self.base.get(name, "{" + name + "}")

    def lookup(self, name: str) -> str:
        # An unknown name stays visible rather than failing the officer; `validate` reports it.
        return self.values.get(name, "{" + name + "}")
