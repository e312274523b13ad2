"""Models for training mode: the scenarios to choose from, the call so far, the trainee's steps
with their marks, the debrief (each decision point, and the trainee's path beside the expected
one) and the trainer's records.

Right and wrong are always words and a symbol ("\u2714 Right", "\u2718 Not right"), never
colour alone: the room may be looking at a washed-out projector, and some trainees cannot
tell red from green."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget

from manualviewer.core.procedures import Procedure
from manualviewer.core.training import Attempt, Feedback, Grade, StepGrade, Turn, format_duration
from manualviewer.core.training.debrief import (
    NOT_REACHED,
    RIGHT,
    WRONG,
    answer_words,
    first_answer_note,
    result_words,
    verdict,
)
from manualviewer.services.training_session import ScenarioInfo
from manualviewer.ui.record_table import RowTableModel, bold_font, item_flags
from manualviewer.ui.steps.models import STEP_ID_ROLE, VISIT_STATE_ROLE, PathModel

__all__ = [
    "CORRECT_ROLE", "NOT_REACHED", "RIGHT", "SCENARIO_ID_ROLE", "SECTION_ROLE", "WRONG",
    "AttemptsModel", "DebriefModel", "PathCompareModel", "ScenarioInfo", "ScenarioTableModel",
    "TrainingPathModel", "TurnsModel", "answer_words", "verdict",
]

AnyIndex = QModelIndex | QPersistentModelIndex
SCENARIO_ID_ROLE = Qt.ItemDataRole.UserRole + 11
SECTION_ROLE = Qt.ItemDataRole.UserRole + 12
CORRECT_ROLE = Qt.ItemDataRole.UserRole + 13


# --- choosing a scenario -------------------------------------------------------------------
class ScenarioTableModel(RowTableModel):
    """Every scenario in the library: title, the checklist it exercises, the manual."""

    COLUMNS = ("Scenario", "Checklist it uses", "Manual")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ScenarioInfo] = []

    def set_scenarios(self, rows: Sequence[ScenarioInfo]) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda r: (r.manual_title.lower(), r.scenario.title.lower()))
        self.endResetModel()

    def info(self, row: int) -> ScenarioInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, scenario_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.scenario.id == scenario_id), -1)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not self.in_table(index):
            return None
        info = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == 0:
                return info.scenario.title + (" (cannot be run)" if info.problem else "")
            if column == 1:
                return info.procedure_title
            return info.manual_title
        if role == Qt.ItemDataRole.ToolTipRole:
            return info.problem or info.scenario.summary or info.scenario.title
        if role == SCENARIO_ID_ROLE:
            return info.scenario.id
        return None


# --- the call so far -----------------------------------------------------------------------
class TurnsModel(QAbstractListModel):
    """The turns of the situation revealed so far; the newest is marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._turns: tuple[Turn, ...] = ()
        self._newest = -1

    def set_turns(self, turns: Sequence[Turn]) -> None:
        turns = tuple(turns)
        count = len(self._turns)
        if len(turns) >= count and turns[:count] == self._turns:
            # Only new turns: insert them (a screen reader announces just the new lines), then
            # move the "newest" mark, so rows never change while they are being inserted.
            if len(turns) > count:
                self.beginInsertRows(QModelIndex(), count, len(turns) - 1)
                self._turns = turns
                self.endInsertRows()
                old, self._newest = self._newest, len(turns) - 1
                for row in (old, self._newest):
                    if row >= 0:
                        self.dataChanged.emit(self.index(row, 0), self.index(row, 0))
            return
        self.beginResetModel()
        self._turns = turns
        self._newest = len(turns) - 1
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._turns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._turns):
            return None
        turn = self._turns[index.row()]
        newest = index.row() == self._newest
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            marker = "\u25b6 " if newest else ""
            return f"{marker}{turn.speaker}: {turn.text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "The newest turn" if newest else f"Turn {index.row() + 1}"
        if role == Qt.ItemDataRole.FontRole and newest:
            return bold_font()
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return item_flags(index)


# --- the trainee's steps so far -----------------------------------------------------------------
class TrainingPathModel(PathModel):
    """The checklist's "steps so far", with the mark each decision point got."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._marks: dict[str, Feedback] = {}

    def set_marks(self, marks: Mapping[str, Feedback]) -> None:
        self._marks = dict(marks)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        value = super().data(index, role)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole) or value is None:
            return value
        if role == Qt.ItemDataRole.DisplayRole and isinstance(value, str):
            value = value.replace("Note: check it and save it", "Training note: check it and save it")
        step_id = super().data(index, STEP_ID_ROLE)
        state = super().data(index, VISIT_STATE_ROLE)
        mark = self._marks.get(str(step_id))
        if mark is None or not mark.graded or state != "answered":
            return value
        return f"{value}\n    {verdict(bool(mark.correct))}"

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        # Read-only here: in training a changed answer goes through Previous step.
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren


# --- the debrief ----------------------------------------------------------------------------
class DebriefModel(RowTableModel):
    """One row per decision point: the step, what the trainee gave, what the guidance expects,
    right or not, the guidance's reason, and the section it comes from."""

    COLUMNS = ("Step", "Trainee's answer", "Expected", "Result", "Why (the guidance)", "Section")
    NUMBERED = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StepGrade] = []
        self._procedure: Procedure | None = None
        self._section_title: Callable[[str], str] = lambda _s: ""

    def set_grade(self, grade: Grade | None, procedure: Procedure | None,
                  section_title: Callable[[str], str] | None = None) -> None:
        self.beginResetModel()
        self._rows = list(grade.steps) if grade is not None else []
        self._procedure = procedure
        if section_title is not None:
            self._section_title = section_title
        self.endResetModel()

    def cell(self, row: int, column: int) -> str:
        graded = self._rows[row]
        step = self._procedure.step(graded.step) if self._procedure else None
        if column == 0:
            return graded.title
        if column == 1:
            given = answer_words(step, graded.given) if graded.reached else "Not reached"
            note = first_answer_note(step, graded)  # a mistake put right stays in the record
            return f"{given}\n\n{note}" if note else given
        if column == 2:
            return answer_words(step, graded.expected)
        if column == 3:
            return result_words(graded)
        if column == 4:
            return graded.reason
        return graded.section

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not self.in_table(index):
            return None
        graded = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(index.row(), index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.COLUMNS[index.column()]}: {self.cell(index.row(), index.column())}"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5:
            return f"{graded.section} {self._section_title(graded.section)}: double-click or press Enter to open it"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            return graded.reason
        if role == Qt.ItemDataRole.FontRole and index.column() == 3 and not graded.correct:
            return bold_font()
        if role == SECTION_ROLE:
            return graded.section
        if role == CORRECT_ROLE:
            return graded.correct
        return None


class PathCompareModel(RowTableModel):
    """The trainee's path beside the expected one, step by step."""

    COLUMNS = ("Trainee's path", "Expected path", "Same?")
    NUMBERED = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str]] = []
        self._titles: dict[str, str] = {}

    def set_grade(self, grade: Grade | None, procedure: Procedure | None) -> None:
        self.beginResetModel()
        self._rows = []
        if grade is not None:
            mine, theirs = list(grade.path), list(grade.expected_path)
            for n in range(max(len(mine), len(theirs))):
                self._rows.append((mine[n] if n < len(mine) else "", theirs[n] if n < len(theirs) else ""))
        self._titles = {s.id: s.title for s in procedure.steps} if procedure else {}
        self.endResetModel()

    def cell(self, row: int, column: int) -> str:
        mine, theirs = self._rows[row]
        if column == 0:
            return self._titles.get(mine, mine) if mine else "\u2014 (stopped)"
        if column == 1:
            return self._titles.get(theirs, theirs) if theirs else "\u2014"
        return "\u2714 Same" if mine == theirs else "\u2260 Different"

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not self.in_table(index):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(index.row(), index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.COLUMNS[index.column()]}, step {index.row() + 1}: {self.cell(index.row(), index.column())}"
        if role == Qt.ItemDataRole.FontRole and index.column() == 2 and self._rows[index.row()][0] != \
                self._rows[index.row()][1]:
            return bold_font()
        return None


class AttemptsModel(RowTableModel):
    """The trainer's records: every trainee's latest attempt at each scenario."""

    COLUMNS = ("Trainee", "Scenario", "Score", "Time taken", "Sections to re-read", "Date")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Attempt] = []
        self._titles: dict[str, str] = {}

    def set_attempts(self, attempts: Sequence[Attempt], titles: Mapping[str, str] | None = None) -> None:
        from manualviewer.core.training.debrief import latest_attempts

        self.beginResetModel()
        self._rows = latest_attempts(attempts)
        self._titles = dict(titles or {})
        self.endResetModel()

    def cell(self, row: int, column: int) -> str:
        attempt = self._rows[row]
        grade = attempt.grade
        if column == 0:
            return attempt.trainee
        if column == 1:
            return self._titles.get(grade.scenario, grade.scenario)
        if column == 2:
            fixed = len(grade.corrected)
            return f"{grade.correct} of {grade.total}" + (f" ({fixed} corrected)" if fixed else "")
        if column == 3:
            return format_duration(grade.time_taken) if grade.time_taken is not None else "not timed"
        if column == 4:
            return ", ".join(grade.sections_to_reread) or "none"
        return attempt.date.isoformat()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not self.in_table(index):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(index.row(), index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.COLUMNS[index.column()]}: {self.cell(index.row(), index.column())}"
        return None


def today() -> dt.date:
    return dt.date.today()
