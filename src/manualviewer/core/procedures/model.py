"""Procedures (guided checklists) as frozen values. The YAML format is described in
docs/procedures.md; every element keeps the line it came from so problems point at file:line."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path

from manualviewer.core.procedures.templates import TextBlock

EMPTY_TEXT = TextBlock("")

STEP_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PROCEDURE_ID_RE = STEP_ID_RE
# Field, option and document names are template placeholders, so identifiers only.
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class StepKind(StrEnum):
    CHECK = "check"
    QUESTION = "question"
    INPUT = "input"
    INFO = "info"
    ESCALATE = "escalate"
    DOCUMENT = "document"
    END = "end"


class FieldType(StrEnum):
    TEXT = "text"
    CUSTOMER_REFERENCE = "customer_reference"
    DATE = "date"
    CHOICE = "choice"


@dataclass(frozen=True)
class Choice:
    """One answer to a question."""

    id: str
    label: str
    next: str
    line: int
    note: str = ""  # added to the note's {notes} list when this answer is given


@dataclass(frozen=True)
class NotConfirmed:
    """The way out of a check the officer cannot confirm."""

    label: str
    next: str
    line: int
    note: str = ""


@dataclass(frozen=True)
class InputField:
    name: str
    label: str
    type: FieldType
    line: int
    required: bool = True
    options: tuple[str, ...] = ()  # for FieldType.CHOICE
    pattern: str = ""  # extra regular expression the whole value must match
    max_length: int = 0  # 0: the type's default
    hint: str = ""
    multiline: bool = False  # a UI hint for free text


@dataclass(frozen=True)
class OptionChoice:
    id: str
    label: str
    text: str  # may be empty: "delete this paragraph"
    line: int


@dataclass(frozen=True)
class DocumentOption:
    """A "delete as appropriate" point of a document: the officer picks one choice."""

    name: str
    label: str
    choices: tuple[OptionChoice, ...]
    line: int
    default: str | None = None

    def choice(self, choice_id: str) -> OptionChoice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class DocumentTemplate:
    text: TextBlock
    options: tuple[DocumentOption, ...] = ()

    def option(self, name: str) -> DocumentOption | None:
        return next((o for o in self.options if o.name == name), None)


EMPTY_DOCUMENT = DocumentTemplate(EMPTY_TEXT)


@dataclass(frozen=True)
class Step:
    """Common part of every step. `next` is the following step for kinds with one way on."""

    id: str
    title: str
    line: int
    text: str = ""
    section: str | None = None  # cited section ID
    section_line: int = 0
    next: str | None = None
    next_line: int = 0
    note: str = ""  # added to the note's {notes} when the step is answered (confirmed, for checks)

    kind: StepKind = field(init=False, default=StepKind.INFO)

    def successors(self) -> tuple[str, ...]:
        """Step IDs this step can lead to, in the order the author wrote them."""
        return (self.next,) if self.next else ()


@dataclass(frozen=True)
class CheckStep(Step):
    confirm_label: str = "Confirmed"
    not_confirmed: NotConfirmed | None = None
    kind: StepKind = field(init=False, default=StepKind.CHECK)

    def successors(self) -> tuple[str, ...]:
        rest = (self.not_confirmed.next,) if self.not_confirmed else ()
        return super().successors() + rest


@dataclass(frozen=True)
class QuestionStep(Step):
    choices: tuple[Choice, ...] = ()
    kind: StepKind = field(init=False, default=StepKind.QUESTION)

    def successors(self) -> tuple[str, ...]:
        return tuple(c.next for c in self.choices)

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class InputStep(Step):
    fields: tuple[InputField, ...] = ()
    kind: StepKind = field(init=False, default=StepKind.INPUT)

    def field(self, name: str) -> InputField | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class InfoStep(Step):
    kind: StepKind = field(init=False, default=StepKind.INFO)


@dataclass(frozen=True)
class EscalateStep(Step):
    reason: TextBlock = EMPTY_TEXT  # the concern, a template
    to: str = "line manager"
    subject: TextBlock | None = None  # a template; a default subject when None
    kind: StepKind = field(init=False, default=StepKind.ESCALATE)


@dataclass(frozen=True)
class DocumentStep(Step):
    template: DocumentTemplate = EMPTY_DOCUMENT
    name: str = ""  # the finished text is the template variable {name}
    kind: StepKind = field(init=False, default=StepKind.DOCUMENT)


@dataclass(frozen=True)
class EndStep(Step):
    note_template: TextBlock = EMPTY_TEXT
    kind: StepKind = field(init=False, default=StepKind.END)


AnyStep = CheckStep | QuestionStep | InputStep | InfoStep | EscalateStep | DocumentStep | EndStep


@dataclass(frozen=True)
class Procedure:
    id: str
    title: str
    version: int
    summary: str
    sections: tuple[str, ...]
    steps: tuple[AnyStep, ...]
    path: Path
    line: int = 1
    start: str = ""  # first step; the first listed step when empty
    allow_out_of_order: tuple[str, ...] = ()  # steps the officer may go to from any step
    # Lines for problem reports, one per item of `sections` and `allow_out_of_order`.
    start_line: int = 0
    section_lines: tuple[int, ...] = ()
    allow_out_of_order_lines: tuple[int, ...] = ()
    # The YAML it was read from: a run keeps it, so it can go on with the version it started on.
    source: str = field(default="", compare=False, repr=False)

    @property
    def source_hash(self) -> str:
        """The procedure's version as content: a hash of the text it was read from ("" unknown)."""
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()[:16] if self.source else ""

    @property
    def start_id(self) -> str:
        return self.start or (self.steps[0].id if self.steps else "")

    @cached_property
    def _by_id(self) -> dict[str, AnyStep]:
        # Steps are looked up on every transition; first definition wins, as validation reports
        # the duplicates.
        by_id: dict[str, AnyStep] = {}
        for step in self.steps:
            by_id.setdefault(step.id, step)
        return by_id

    def step(self, step_id: str) -> AnyStep | None:
        return self._by_id.get(step_id)

    def input_fields(self) -> dict[str, InputField]:
        return {f.name: f for s in self.steps if isinstance(s, InputStep) for f in s.fields}

    def document_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.steps if isinstance(s, DocumentStep) and s.name)

    def cited_sections(self) -> tuple[str, ...]:
        """The procedure's sections, then any other section a step cites, without repeats."""
        seen = dict.fromkeys(self.sections)
        for step in self.steps:
            if step.section:
                seen.setdefault(step.section)
        return tuple(seen)
