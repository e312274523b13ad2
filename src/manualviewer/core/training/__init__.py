"""Training: scenarios (a situation, the procedure it exercises, the expected answers with the
guidance's reasons), grading a trainee's answers through the real procedure engine, sessions
for the UI, and the trainer's debrief. Pure: nothing here stores anything. Format:
docs/scenarios.md."""

from manualviewer.core.training.checks import check_library, load_library_scenarios, validate_scenario
from manualviewer.core.training.debrief import (
    DEBRIEF_COLUMNS,
    Attempt,
    debrief_csv,
    debrief_rows,
    debrief_text,
    format_duration,
)
from manualviewer.core.training.grading import FirstAttempt, Grade, StepGrade, grade, grade_walk
from manualviewer.core.training.loader import load_scenario_file, load_scenarios, parse_scenario
from manualviewer.core.training.model import Detail, Expectation, RawAnswer, Scenario, Turn
from manualviewer.core.training.session import Feedback, TrainingSession
from manualviewer.core.training.walk import Walk, walk

__all__ = [
    "DEBRIEF_COLUMNS",
    "Attempt",
    "Detail",
    "Expectation",
    "Feedback",
    "FirstAttempt",
    "Grade",
    "RawAnswer",
    "Scenario",
    "StepGrade",
    "TrainingSession",
    "Turn",
    "Walk",
    "check_library",
    "debrief_csv",
    "debrief_rows",
    "debrief_text",
    "format_duration",
    "grade",
    "grade_walk",
    "load_library_scenarios",
    "load_scenario_file",
    "load_scenarios",
    "parse_scenario",
    "validate_scenario",
    "walk",
]
