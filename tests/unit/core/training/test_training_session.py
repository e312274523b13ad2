"""TrainingSession: the pure value the UI drives, turn by turn and step by step."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.helpers.bundled import procedures, scenarios
from tests.helpers.training import JOURNALIST, build, seconds

from manualviewer.core.procedures import AnswerError
from manualviewer.core.training import TrainingSession

RECORDING = "dmbm-customer-recording-call"


def start() -> TrainingSession:
    return TrainingSession.start(build(JOURNALIST), procedures()[RECORDING], seconds(0))


def test_start_shows_the_first_turn_and_the_trainer_reveals_the_rest() -> None:
    session = start()
    assert [t.speaker for t in session.turns] == ["Customer"]
    assert session.current_step.id == "call-details"
    assert session.prefill("call-details") == {"customer_reference": "JR 771205"}
    assert session.prefill("media") is None
    shown = session.reveal_next()
    assert len(shown.turns) == 2 and len(session.turns) == 1  # a new value; the old one is unchanged
    assert shown.reveal_next().reveal_next().revealed == 3  # never past the last turn
    assert shown.reveal_next().next_turn is None


def test_a_turn_held_for_a_step_is_shown_when_the_run_gets_there() -> None:
    session = start()
    session, _ = session.answer("call-details", {}, seconds(5))  # the detail fills the reference
    session, _ = session.answer("media", "own-business-affairs", seconds(10))
    assert session.current_step.id == "three-points" and session.revealed == 1
    session, _ = session.answer("three-points", None, seconds(12))
    assert session.current_step.id == "own-purposes"
    assert session.revealed == 2 and session.turns[-1].step == "own-purposes"


def test_feedback_on_right_wrong_and_ungraded_steps() -> None:
    session, feedback = start().answer("call-details", {"customer_reference": "JR 771205"}, seconds(5))
    assert (feedback.graded, feedback.correct) == (False, None)
    assert feedback.given == {"customer_reference": "JR 771205"}
    session, feedback = session.answer("media", "not-media", seconds(10))
    assert (feedback.graded, feedback.correct, feedback.given, feedback.expected) == (
        True,
        False,
        "not-media",
        "own-business-affairs",
    )
    assert feedback.section == "DMBM511015"
    assert feedback.reason.startswith("The only exception")
    # Changing the answer is allowed; the feedback follows the new answer.
    session, feedback = session.answer("media", "own-business-affairs", seconds(20))
    assert feedback.correct is True


def test_an_answer_the_step_cannot_take_is_refused_and_nothing_changes() -> None:
    session = start()
    with pytest.raises(AnswerError):
        session.answer("call-details", {"customer_reference": "<bad>"}, seconds(1))
    assert session.answers == ()


def test_finish_grades_the_path_taken_with_the_time() -> None:
    session = start()
    for step_id, value, at in [
        ("call-details", {}, 5),
        ("media", "own-business-affairs", 10),
        ("three-points", None, 15),
        ("own-purposes", True, 20),
        ("business-related", True, 25),
        ("privacy", False, 30),
        ("own-note", None, 35),
        ("concerns", "no-concerns", 40),
    ]:
        session, _ = session.answer(step_id, value, seconds(at))
    assert session.finished
    result = session.finish(seconds(60))
    assert (result.correct, result.total) == (3, 3)  # privacy is not graded in this scenario
    assert result.time_taken == dt.timedelta(seconds=60)
    assert result.path[-1] == "end"


def test_finishing_early_counts_the_rest_as_not_correct() -> None:
    session, _ = start().answer("call-details", {}, seconds(5))
    session, _ = session.answer("media", "media", seconds(10))  # the wrong branch
    result = session.finish()
    assert [s.correct for s in result.steps] == [False, False, False]
    assert result.time_taken == dt.timedelta(seconds=10)  # to the last move when no end time is given
    assert not result.finished and result.stopped_at == "refer-to-press-office"


def test_jump_to_the_late_disclosure_is_graded_as_the_decision() -> None:
    scenario = scenarios()["dmbm-late-disclosure-recorded-call"]
    session = TrainingSession.start(scenario, procedures()[RECORDING], seconds(0))
    session, _ = session.answer("call-details", {}, seconds(5))
    session, _ = session.answer("media", "not-media", seconds(10))
    session, _ = session.answer("three-points", None, seconds(12))
    session, feedback = session.jump("late-disclosure", seconds(20))
    assert (feedback.graded, feedback.correct, feedback.section) == (True, True, "DMBM511015")
    session, _ = session.answer("late-disclosure", None, seconds(22))
    session, _ = session.answer("concerns", "no-concerns", seconds(30))
    result = session.finish(seconds(31))
    assert result.perfect and result.path == result.expected_path
    assert session.back().current_step.id == "concerns"


def test_a_session_writes_nothing(user_dirs: Path) -> None:
    before = {p for p in user_dirs.rglob("*") if p.is_file()}  # the test home's own (tests/conftest.py)
    session = start()
    for step_id, value in [("call-details", {}), ("media", "own-business-affairs")]:
        session, _ = session.answer(step_id, value, seconds(1))
    session.finish(seconds(2))
    written = [p for p in user_dirs.rglob("*") if p.is_file() and p not in before]
    assert written == []


def test_session_refuses_the_wrong_procedure() -> None:
    with pytest.raises(ValueError, match="exercises"):
        TrainingSession.start(build(JOURNALIST), procedures()["csdh-no-feedback-contact"], seconds(0))
