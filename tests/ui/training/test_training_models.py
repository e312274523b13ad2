"""qtmodeltester on every training model, filled from the bundled scenarios, and what the models
say: words and symbols for right and wrong, never colour alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from manualviewer.core.content.loader import load_library
from manualviewer.core.procedures import Procedure, load_library_procedures
from manualviewer.core.training import Attempt, Scenario, TrainingSession, grade, load_library_scenarios
from manualviewer.ui.training.models import (
    CORRECT_ROLE,
    NOT_REACHED,
    RIGHT,
    SECTION_ROLE,
    WRONG,
    AttemptsModel,
    DebriefModel,
    PathCompareModel,
    ScenarioInfo,
    ScenarioTableModel,
    TrainingPathModel,
    TurnsModel,
    answer_words,
)

START = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)
LATE = "dmbm-late-disclosure-recorded-call"


@pytest.fixture(scope="module")
def loaded() -> tuple[dict[str, Scenario], dict[str, Procedure]]:
    library = load_library([Path(__file__).resolve().parents[3] / "content"])
    scenarios, _ = load_library_scenarios(library)
    procedures, _ = load_library_procedures(library)
    return scenarios, procedures


def wrong_grade(loaded: tuple[dict[str, Scenario], dict[str, Procedure]]) -> tuple[Scenario, Procedure, object]:
    scenarios, procedures = loaded
    scenario = scenarios[LATE]
    procedure = procedures[scenario.procedure]
    answers = {"media": "not-media", "own-purposes": True, "business-related": True, "privacy": True,
               "concerns": "concerns"}
    return scenario, procedure, grade(scenario, procedure, answers)


def test_scenario_table_model(qtmodeltester: ModelTester, loaded: tuple[dict[str, Scenario], dict[str, Procedure]]
                              ) -> None:
    scenarios, procedures = loaded
    model = ScenarioTableModel()
    rows = [ScenarioInfo(s, procedures[s.procedure].title, "Manual", "broken" if n == 0 else "")
            for n, s in enumerate(scenarios.values())]
    model.set_scenarios(rows)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(scenarios) and model.columnCount() == 3
    row = model.row_of(LATE)
    assert model.index(row, 0).data(Qt.ItemDataRole.UserRole + 11) == LATE
    assert model.index(row, 1).data() == "Customer wants to record the phone call"
    assert any("(cannot be run)" in str(model.index(r, 0).data()) for r in range(model.rowCount()))


def test_turns_model(qtmodeltester: ModelTester, loaded: tuple[dict[str, Scenario], dict[str, Procedure]]) -> None:
    scenario = loaded[0][LATE]
    model = TurnsModel()
    model.set_turns(scenario.situation[:1])
    qtmodeltester.check(model, force_py=True)  # and it watches every change below
    model.set_turns(scenario.situation[:3])  # new turns are inserted
    assert model.rowCount() == 3
    assert str(model.index(2, 0).data()).startswith("\u25b6 Customer:")
    assert not str(model.index(1, 0).data()).startswith("\u25b6")
    model.set_turns(scenario.situation[:1])  # back: a reset
    assert model.rowCount() == 1


def test_training_path_model(qtmodeltester: ModelTester, loaded: tuple[dict[str, Scenario], dict[str, Procedure]]
                             ) -> None:
    scenarios, procedures = loaded
    scenario = scenarios[LATE]
    session = TrainingSession.start(scenario, procedures[scenario.procedure], START)
    session, _ = session.answer("call-details", {"customer_reference": "KL 482913"}, START)
    session, feedback = session.answer("media", "media", START)
    model = TrainingPathModel()
    model.set_run(session.run)
    model.set_marks({"media": feedback})
    qtmodeltester.check(model, force_py=True)
    assert WRONG in str(model.index(1, 0).data())
    assert RIGHT not in str(model.index(0, 0).data()) and WRONG not in str(model.index(0, 0).data())


def test_debrief_and_path_models(qtmodeltester: ModelTester,
                                 loaded: tuple[dict[str, Scenario], dict[str, Procedure]]) -> None:
    _scenario, procedure, graded = wrong_grade(loaded)
    model = DebriefModel()
    model.set_grade(graded, procedure, lambda s: f"title of {s}")  # type: ignore[arg-type]
    qtmodeltester.check(model, force_py=True)
    cells = [[model.cell(r, c) for c in range(6)] for r in range(model.rowCount())]
    assert cells[0][:4] == ["Is the call from the media?", "No, the call is not from the media",
                            "No, the call is not from the media", RIGHT]
    assert cells[1][1] == "Not reached" and cells[1][3] == NOT_REACHED
    assert cells[2][1:4] == ["Yes, I still have concerns", "No, I have no remaining concerns", WRONG]
    assert model.index(2, 5).data(SECTION_ROLE) == "DMBM511015"
    assert model.index(2, 0).data(CORRECT_ROLE) is False
    assert "title of DMBM511015" in str(model.index(2, 5).data(Qt.ItemDataRole.ToolTipRole))

    paths = PathCompareModel()
    paths.set_grade(graded, procedure)  # type: ignore[arg-type]
    qtmodeltester.check(paths, force_py=True)
    same = [paths.cell(r, 2) for r in range(paths.rowCount())]
    assert "\u2260 Different" in same and "\u2714 Same" in same


def test_attempts_model(qtmodeltester: ModelTester, loaded: tuple[dict[str, Scenario], dict[str, Procedure]]) -> None:
    scenario, _procedure, graded = wrong_grade(loaded)
    model = AttemptsModel()
    attempts = [Attempt("Ana", graded, dt.date(2024, 5, 1)), Attempt("Ana", graded, dt.date(2024, 5, 2)),  # type: ignore[arg-type]
                Attempt("Ben", graded, dt.date(2024, 5, 1))]  # type: ignore[arg-type]
    model.set_attempts(attempts, {scenario.id: scenario.title})
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 2  # the latest per trainee per scenario
    assert [model.cell(0, c) for c in (0, 1, 2, 5)] == ["Ana", scenario.title, "1 of 3", "2024-05-02"]


def test_answers_read_as_words(loaded: tuple[dict[str, Scenario], dict[str, Procedure]]) -> None:
    procedure = loaded[1]["dmbm-customer-recording-call"]
    assert answer_words(procedure.step("own-purposes"), False) == "Not confirmed"
    assert answer_words(procedure.step("own-purposes"), True) == "Confirmed"
    assert answer_words(procedure.step("media"), "unknown") == "unknown (not one of the choices)"
    assert answer_words(procedure.step("call-details"), {"customer_reference": "AB1"}) == "Customer reference: AB1"
    assert answer_words(procedure.step("late-disclosure"), True) == "Went to this step"
    assert answer_words(procedure.step("media"), None) == "Nothing"
