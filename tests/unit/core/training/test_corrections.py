"""A trainee who answered wrongly, went back and put it right: the grade, the debrief, its CSV
and the kept records say so, instead of a clean "3 of 3"."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from tests.helpers.bundled import procedures
from tests.helpers.training import JOURNALIST, build, seconds

from manualviewer.core.training import Attempt, TrainingSession, debrief_rows, debrief_text
from manualviewer.core.training.debrief import debrief_html, score_line
from manualviewer.core.training.records import attempts_from_text, attempts_to_text

RECORDING = "dmbm-customer-recording-call"
REST = [("three-points", None), ("own-purposes", True), ("business-related", True), ("privacy", False),
        ("own-note", None), ("concerns", "no-concerns")]


def corrected_session() -> TrainingSession:
    session = TrainingSession.start(build(JOURNALIST), procedures()[RECORDING], seconds(0))
    session, _ = session.answer("call-details", {}, seconds(5))
    session, feedback = session.answer("media", "not-media", seconds(10))
    assert feedback.correct is False
    session = session.back()
    assert session.current_step.id == "media"
    session, feedback = session.answer("media", "own-business-affairs", seconds(15))
    assert feedback.correct is True
    for n, (step_id, value) in enumerate(REST):
        session, _ = session.answer(step_id, value, seconds(20 + n))
    assert session.finished
    return session


def test_the_grade_keeps_the_first_answer_and_the_correction() -> None:
    grade = corrected_session().finish(seconds(60))
    assert (grade.correct, grade.total) == (3, 3)  # right in the end
    assert grade.right_first_time == 2
    [media] = grade.corrected
    assert (media.step, media.first_given, media.first_correct, media.attempts) == ("media", "not-media", False, 2)
    assert media.given == "own-business-affairs"


def test_right_first_time_has_no_correction() -> None:
    session = TrainingSession.start(build(JOURNALIST), procedures()[RECORDING], seconds(0))
    for step_id, value in [("call-details", {}), ("media", "own-business-affairs"), *REST]:
        session, _ = session.answer(step_id, value, seconds(5))
    grade = session.finish(seconds(30))
    assert (grade.correct, grade.right_first_time, grade.corrected) == (3, 3, ())
    assert "corrected" not in score_line(Attempt("Jo", grade, dt.date(2026, 12, 5)))


def test_the_debrief_its_csv_and_the_records_show_the_correction() -> None:
    attempt = Attempt("Jo Bloggs", corrected_session().finish(seconds(60)), dt.date(2026, 12, 5))
    line = score_line(attempt)
    assert "3 of 3 decisions right in the end (2 right first time, 1 corrected" in line
    page = debrief_html(attempt, None, procedures()[RECORDING], lambda _s: "")
    assert "<br>First answer (not right): \u201c" in page and "\u2714 Right \u00b7 corrected" in page
    text = debrief_text([attempt])
    assert "first answered 'not-media', then corrected to 'own-business-affairs'" in text
    assert "Right first time: 2/3" in text
    assert "All decisions correct." not in text
    [row] = debrief_rows([attempt])
    assert (row["score"], row["right_first_time"], row["corrected"]) == ("3", "2", "media")
    [kept] = attempts_from_text(attempts_to_text([attempt]))
    assert kept.grade.corrected == attempt.grade.corrected
    assert kept.grade.right_first_time == 2


def test_records_kept_before_first_attempts_still_load() -> None:
    attempt = Attempt("Jo", corrected_session().finish(seconds(60)), dt.date(2026, 12, 5))
    data = json.loads(attempts_to_text([attempt]))
    for step in data[0]["steps"]:
        for key in ("first_given", "first_correct", "attempts"):
            del step[key]
    [old] = attempts_from_text(json.dumps(data))
    assert old.grade.corrected == () and (old.grade.correct, old.grade.right_first_time) == (3, 3)


def test_trainer_records_nested_past_the_json_depth_limit_are_a_value_error() -> None:
    # A ValueError is the caller's "could not be read"; a RecursionError would escape it.
    with pytest.raises(ValueError, match="nests 100,000 levels deep; the limit is 200"):
        attempts_from_text("[" * 100_000 + "]" * 100_000)
