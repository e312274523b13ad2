"""Which view shows which kind of step: the one table the Checklist and Training panels build
step cards from."""

from __future__ import annotations

from collections.abc import Callable

from manualviewer.core.procedures import (
    CheckStep,
    DocumentStep,
    EscalateStep,
    InfoStep,
    InputStep,
    QuestionStep,
)
from manualviewer.ui.steps.base import InfoView, StepView
from manualviewer.ui.steps.choice_views import CheckView, QuestionView
from manualviewer.ui.steps.document_view import DocumentView
from manualviewer.ui.steps.escalate_view import EscalateView
from manualviewer.ui.steps.input_view import InputView

VIEW_TYPES: dict[type, Callable[..., StepView]] = {
    CheckStep: CheckView,
    QuestionStep: QuestionView,
    InputStep: InputView,
    InfoStep: InfoView,
    EscalateStep: EscalateView,
    DocumentStep: DocumentView,
}
