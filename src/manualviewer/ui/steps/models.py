"""The models behind a checklist on screen: the path of the run so far (steps answered, the step
shown, steps left out of order) and the list of checklists to start; the item roles they share."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QWidget,
)

from manualviewer.core.procedures import (
    CheckStep,
    DocumentStep,
    EndStep,
    EscalateStep,
    InfoStep,
    InputStep,
    Procedure,
    QuestionStep,
    Run,
)
from manualviewer.core.procedures.records import answer_line
from manualviewer.ui.record_table import bold_font, item_flags

AnyIndex = QModelIndex | QPersistentModelIndex
STEP_ID_ROLE = Qt.ItemDataRole.UserRole + 1
VISIT_STATE_ROLE = Qt.ItemDataRole.UserRole + 2  # "answered", "current", "left"
PROCEDURE_ID_ROLE = Qt.ItemDataRole.UserRole + 3

KIND_WORDS = {
    CheckStep: "Check with the customer",
    QuestionStep: "Question",
    InputStep: "Fill in",
    InfoStep: "Read",
    EscalateStep: "Raise a concern",
    DocumentStep: "Letter",
    EndStep: "Note",
}


# --- models --------------------------------------------------------------------------------
class PathModel(QAbstractListModel):
    """The steps of the run so far, in order: answered ones with their answer, then the step on
    screen. A step left when something happened out of order says so."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run: Run | None = None

    def set_run(self, run: Run | None) -> None:
        self.beginResetModel()
        self._run = run
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._run is None:
            return 0
        return len(self._run.visits)

    def state(self, row: int) -> str:
        assert self._run is not None
        visit = self._run.visits[row]
        if row == len(self._run.visits) - 1:
            return "current"
        return "answered" if visit.answered else "left"

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if self._run is None or not index.isValid() or not 0 <= index.row() < len(self._run.visits):
            return None
        row = index.row()
        visit = self._run.visits[row]
        step = self._run.procedure.step(visit.step_id)
        if step is None:
            return None
        state = self.state(row)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            heading = f"{row + 1}. {step.title}" + ("  (out of order)" if visit.out_of_order else "")
            if state == "current":
                detail = "Note: check it and save it" if isinstance(step, EndStep) else "\u25b6 On screen now"
            elif state == "left":
                detail = "Left unanswered when something happened out of order"
            else:
                detail = answer_line(step, visit.value)
            return f"{heading}\n    {detail}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if state == "answered":
                return "Click to change this answer. Later answers that no longer apply are removed."
            if state == "left":
                return "You left this step for an out-of-order step. Previous step (Ctrl+Shift+Backspace) returns here."
            return "The step on screen now"
        if role == Qt.ItemDataRole.FontRole and state == "current":
            return bold_font()
        if role == STEP_ID_ROLE:
            return visit.step_id
        if role == VISIT_STATE_ROLE:
            return state
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return item_flags(index)


class ProcedureListModel(QAbstractListModel):
    """Every checklist in the library, by title; the open section's own ones first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Procedure, bool]] = []

    def set_procedures(self, procedures: list[Procedure], offered: list[str] | None = None) -> None:
        first = set(offered or [])
        self.beginResetModel()
        self._rows = sorted(((p, p.id in first) for p in procedures), key=lambda r: (not r[1], r[0].title.lower()))
        self.endResetModel()

    def procedure(self, row: int) -> Procedure | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        procedure, offered = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            prefix = "For the open section: " if offered else ""
            guidance = ", ".join(procedure.sections)
            return f"{prefix}{procedure.title}\n    Follows {guidance}" if guidance else f"{prefix}{procedure.title}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return procedure.summary or procedure.title
        if role == PROCEDURE_ID_ROLE:
            return procedure.id
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return item_flags(index)
