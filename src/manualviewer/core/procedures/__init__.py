"""Guided checklists ("procedures"): the model, loading and validation, the run state machine,
and what a finished run produces (note, record, escalations). The format is docs/procedures.md."""

from manualviewer.core.procedures.document import DocumentError, render_document
from manualviewer.core.procedures.engine import (
    AnswerValue,
    RaisedEscalation,
    Run,
    Visit,
    answer,
    back,
    normalise_answer,
    out_of_order,
    start,
)
from manualviewer.core.procedures.errors import AnswerError, RunError
from manualviewer.core.procedures.loader import load_procedure_file, load_procedures, parse_procedure
from manualviewer.core.procedures.model import (
    AnyStep,
    CheckStep,
    DocumentStep,
    DocumentTemplate,
    EndStep,
    EscalateStep,
    FieldType,
    InfoStep,
    InputStep,
    Procedure,
    QuestionStep,
    StepKind,
)
from manualviewer.core.procedures.notecheck import NoteWarning, check_note
from manualviewer.core.procedures.records import (
    KNOWN_VARIABLES,
    EscalationDraft,
    NoteDraft,
    compose,
    compose_escalations,
    compose_note,
    document_text,
)
from manualviewer.core.procedures.validate import validate

__all__ = [
    "KNOWN_VARIABLES",
    "AnswerError",
    "AnswerValue",
    "AnyStep",
    "CheckStep",
    "DocumentError",
    "DocumentStep",
    "DocumentTemplate",
    "EndStep",
    "EscalateStep",
    "EscalationDraft",
    "FieldType",
    "InfoStep",
    "InputStep",
    "NoteDraft",
    "NoteWarning",
    "Procedure",
    "QuestionStep",
    "RaisedEscalation",
    "Run",
    "RunError",
    "StepKind",
    "Visit",
    "answer",
    "back",
    "check_note",
    "compose",
    "compose_escalations",
    "compose_note",
    "document_text",
    "load_procedure_file",
    "load_procedures",
    "normalise_answer",
    "out_of_order",
    "parse_procedure",
    "render_document",
    "start",
    "validate",
]
