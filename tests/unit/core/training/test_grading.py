"""grade(): right, wrong and partial paths through the real procedure engine."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.helpers.bundled import procedures, scenarios
from tests.helpers.training import JOURNALIST, RIGHT, build, seconds

from manualviewer.core.training import Grade, grade

RECORDING = "dmbm-customer-recording-call"


def grade_journalist(answers: dict[str, object], **kwargs: object) -> Grade:
    return grade(build(JOURNALIST), procedures()[RECORDING], answers, **kwargs)


def rows(result: Grade) -> list[tuple[str, object, bool]]:
    return [(s.step, s.given, s.correct) for s in result.steps]


def test_right_answers_score_full_marks_on_the_expected_path() -> None:
    result = grade_journalist(RIGHT)
    assert (result.correct, result.total) == (3, 3)
    assert result.perfect and result.finished
    assert result.path == result.expected_path
    assert result.path == (
        "call-details",
        "media",
        "three-points",
        "own-purposes",
        "business-related",
        "privacy",
        "own-note",
        "concerns",
        "end",
    )
    assert result.sections_to_reread == ()
    assert result.unused == ()
    assert result.diverged_at is None
    assert result.time_taken is None


def test_each_step_row_has_given_expected_reason_and_section() -> None:
    step = grade_journalist(RIGHT).steps[0]
    assert step.as_json() == {
        "step": "media",
        "given": "own-business-affairs",
        "expected": "own-business-affairs",
        "correct": True,
        "reason": "The only exception is where the customer is for example a journalist",
        "section": "DMBM511015",
    }
    assert step.title == "Is the call from the media?"


def test_wrong_answer_down_another_branch_grades_what_was_answered_and_misses_the_rest() -> None:
    # Referring a journalist asking about their own tax to the Press Office ends the run there.
    result = grade_journalist({**RIGHT, "media": "media"})
    assert rows(result) == [("media", "media", False), ("own-purposes", None, False), ("concerns", None, False)]
    assert [s.reached for s in result.steps] == [True, False, False]
    assert result.finished
    assert result.path == ("call-details", "media", "refer-to-press-office", "end-press-office")
    assert result.diverged_at == 2
    assert set(result.unused) == {"own-purposes", "business-related", "privacy", "concerns"}
    assert result.sections_to_reread == ("DMBM511015",)


def test_wrong_answer_on_the_same_branch_costs_that_step_only() -> None:
    result = grade_journalist({**RIGHT, "own-purposes": False})
    assert rows(result) == [
        ("media", "own-business-affairs", True),
        ("own-purposes", False, False),
        ("concerns", "no-concerns", True),
    ]
    assert result.steps[1].expected is True
    assert result.path == result.expected_path


def test_partial_answers_stop_the_walk_and_later_steps_count_as_not_correct() -> None:
    answers = {"media": "own-business-affairs", "own-purposes": True}  # nothing for the concerns
    result = grade_journalist(answers)
    assert (result.correct, result.total) == (2, 3)
    assert not result.finished
    assert result.stopped_at == "concerns"  # the details answered the two points between
    assert "no answer" in result.stop_reason
    assert result.steps[2].given is None and result.steps[2].reached  # reached, left unanswered


def test_an_answer_the_step_cannot_take_is_wrong_there_and_stops_the_walk() -> None:
    result = grade_journalist({**RIGHT, "media": "maybe"})
    assert rows(result)[0] == ("media", "maybe", False)
    assert result.steps[0].reached
    assert result.stopped_at == "media"
    assert "not an answer" in result.stop_reason
    assert result.correct == 0


def test_no_answers_at_all_scores_nothing() -> None:
    result = grade_journalist({})
    assert (result.correct, result.total) == (0, 3)
    assert result.stopped_at == "media"  # the details carried the run past the reference


def test_trainee_answer_wins_over_a_detail() -> None:
    result = grade_journalist({**RIGHT, "call-details": {"customer_reference": "ZZ 1"}})
    assert result.perfect
    assert result.path[0] == "call-details"


def test_late_disclosure_must_be_recognised_not_the_three_points_covered() -> None:
    scenario = scenarios()["dmbm-late-disclosure-recorded-call"]
    procedure = procedures()[RECORDING]
    right = grade(scenario, procedure, {"media": "not-media", "late-disclosure": True, "concerns": "no-concerns"})
    assert right.perfect
    assert "late-disclosure" in right.path and "own-purposes" not in right.path
    # A trainee who goes through the three points has not recorded the late disclosure.
    covered = grade(
        scenario,
        procedure,
        {
            "media": "not-media",
            "own-purposes": True,
            "business-related": True,
            "privacy": True,
            "concerns": "no-concerns",
        },
    )
    assert [(s.step, s.correct) for s in covered.steps] == [
        ("media", True),
        ("late-disclosure", False),
        ("concerns", True),
    ]
    assert covered.path != covered.expected_path


def test_time_taken_from_the_start_or_from_the_first_answer() -> None:
    times = {
        "media": seconds(30),
        "own-purposes": seconds(50),
        "business-related": seconds(60),
        "privacy": seconds(70),
        "concerns": seconds(95),
    }
    assert grade_journalist(RIGHT, started_at=seconds(0), answered_at=times).time_taken == dt.timedelta(seconds=95)
    assert grade_journalist(RIGHT, answered_at=times).time_taken == dt.timedelta(seconds=65)
    # Only answers on the path count towards the end time.
    late = {**times, "unused-step": seconds(500)}
    assert grade_journalist(RIGHT, started_at=seconds(0), answered_at=late).time_taken == dt.timedelta(seconds=95)


def test_input_steps_are_graded_on_the_named_fields_ignoring_case() -> None:
    scenario = scenarios()["csdh-no-feedback-by-phone"]
    procedure = procedures()["csdh-no-feedback-contact"]
    right = grade(scenario, procedure, {"customer-details": {"told_us_by": "PHONE"}})
    assert right.perfect
    assert right.steps[0].given == {"told_us_by": "phone"}  # the reference is a detail, not graded
    wrong = grade(scenario, procedure, {"customer-details": {"told_us_by": "email"}})
    assert (wrong.correct, wrong.steps[0].given) == (0, {"told_us_by": "email"})
    # The details never fill in a graded field: leaving it out is a missing answer.
    missing = grade(scenario, procedure, {})
    assert (missing.correct, missing.finished, missing.stopped_at) == (0, False, "customer-details")


def test_document_steps_are_graded_on_the_named_options() -> None:
    scenario = scenarios()["dwp-claimant-published-recording-online"]
    procedure = procedures()["dwp-claimant-published-recording"]
    answers = {"staff-concerns": "concerns"}
    right = grade(scenario, procedure, {**answers, "letter": {"opening": "have-published"}})
    assert right.perfect
    assert right.steps[0].given == {"opening": "have-published"}
    wrong = grade(scenario, procedure, {**answers, "letter": {"opening": "intend-to-publish"}})
    assert [s.correct for s in wrong.steps] == [False, True, True]


def test_sections_to_reread_come_from_wrong_answers_in_order_without_repeats() -> None:
    text = JOURNALIST.replace(
        "use by a third party\n    section: DMBM511015",
        "use by a third party\n    section: DMBM511130",
    )
    result = grade(build(text), procedures()[RECORDING], {**RIGHT, "media": "media"})
    assert result.sections_to_reread == ("DMBM511015", "DMBM511130")


def test_grade_refuses_the_wrong_procedure() -> None:
    with pytest.raises(ValueError, match="exercises"):
        grade(build(JOURNALIST), procedures()["csdh-no-feedback-contact"], RIGHT)


def test_json_is_the_cli_contract() -> None:
    data = grade_journalist({**RIGHT, "own-purposes": False}).as_json()
    assert list(data) == ["scenario", "score", "steps"]
    assert data["scenario"] == "journalist"
    assert data["score"] == {"correct": 2, "total": 3}
    assert [list(s) for s in data["steps"]] == [["step", "given", "expected", "correct", "reason", "section"]] * 3
