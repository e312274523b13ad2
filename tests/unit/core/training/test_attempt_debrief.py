"""One attempt's debrief as the debrief window shows, prints and saves it: the score and time,
where the paths part, each decision in words, the sections to re-read; and the trainer's
records as JSON. Pure: no QApplication."""

from __future__ import annotations

import datetime as dt

from tests.helpers.bundled import procedures, scenarios
from tests.helpers.training import seconds

from manualviewer.core.training import Attempt, Grade, grade
from manualviewer.core.training.debrief import (
    NOT_REACHED,
    RIGHT,
    WRONG,
    answer_words,
    debrief_file_name,
    debrief_html,
    parting_line,
    reread_html,
    score_line,
    verdict,
)
from manualviewer.core.training.records import (
    attempt_from_json,
    attempt_to_json,
    attempts_from_text,
    attempts_to_text,
)

LATE = "dmbm-late-disclosure-recorded-call"
RECORDING = "dmbm-customer-recording-call"
DAY = dt.date(2024, 5, 1)
RIGHT_LATE = {"media": "not-media", "late-disclosure": True, "concerns": "no-concerns"}


def late(answers: dict[str, object], timed: bool = True) -> Grade:
    return grade(scenarios()[LATE], procedures()[RECORDING], answers,
                 started_at=seconds(0) if timed else None,
                 answered_at={step: seconds(125) for step in answers} if timed else None)


def titles(section_id: str) -> str:
    return {"DMBM511015": "Customer recording calls"}.get(section_id, "(not in this library)")


def test_verdicts_are_words_and_symbols() -> None:
    assert (verdict(True), verdict(False), verdict(False, reached=False)) == (RIGHT, WRONG, NOT_REACHED)
    assert all(v[0] in "\u2714\u2718" for v in (RIGHT, WRONG, NOT_REACHED))


def test_answers_in_the_trainees_words() -> None:
    procedure = procedures()[RECORDING]
    assert answer_words(procedure.step("media"), "not-media") == procedure.step("media").choice("not-media").label  # type: ignore[union-attr]
    assert answer_words(procedure.step("own-purposes"), False) == "Not confirmed"
    assert answer_words(procedure.step("call-details"), {}) == "Nothing"
    assert answer_words(None, "x") == "x" and answer_words(None, None) == "Nothing"


def test_a_perfect_attempt() -> None:
    attempt = Attempt("Ana Lee", late(RIGHT_LATE), DAY)
    procedure = procedures()[RECORDING]
    line = score_line(attempt, procedure)
    assert line.startswith("Score: 3 of 3 decisions right") and "2 min 05 s" in line
    assert "reached the end of the checklist" in line
    assert parting_line(attempt, procedure) == "The trainee's path is the expected path, step for step."
    assert "none \u2014 every decision was right" in reread_html((), titles)


def test_a_wrong_turn_says_where_the_paths_part_and_what_to_reread() -> None:
    attempt = Attempt("Ana Lee", late({"media": "media"}, timed=False), DAY)
    procedure = procedures()[RECORDING]
    line = score_line(attempt, procedure)
    assert "0 of 3" in line and "not timed" in line and "reached the end of the checklist" in line
    parting = parting_line(attempt, procedure)
    went, expected = procedure.step("refer-to-press-office"), procedure.step("three-points")
    assert went is not None and expected is not None
    assert parting == (f"The paths part at step 3: the trainee went to \u201c{went.title}\u201d; "
                       f"the guidance goes to \u201c{expected.title}\u201d.")
    stopped = score_line(Attempt("Ana Lee", late({"media": "not-media"}), DAY), procedure)
    own_purposes = procedure.step("own-purposes")
    assert own_purposes is not None
    assert stopped.endswith(f"stopped before the end (at \u201c{own_purposes.title}\u201d)")
    assert reread_html(attempt.grade.sections_to_reread, titles) == (
        "<b>Sections to re-read:</b> <a href='section:DMBM511015'>DMBM511015</a> Customer recording calls")


def test_the_printable_debrief_escapes_names_and_marks_training() -> None:
    attempt = Attempt("<Jo & Sam>", late({"media": "media"}), DAY)
    page = debrief_html(attempt, scenarios()[LATE], procedures()[RECORDING], titles)
    assert "TRAINING \u2014 not a real call" in page
    assert "&lt;Jo &amp; Sam&gt;" in page and "<Jo" not in page
    assert page.count("<tr>") == 1 + 3 + 1 + max(len(attempt.grade.path), len(attempt.grade.expected_path))
    assert WRONG in page and NOT_REACHED in page and "\u2260 Different" in page
    assert "<li>DMBM511015 Customer recording calls</li>" in page
    assert scenarios()[LATE].title in page


def test_file_names_keep_letters_and_digits_only() -> None:
    assert debrief_file_name(Attempt("Jo Bloggs/../x", late(RIGHT_LATE), DAY), "pdf") == (
        f"debrief-Jo-Bloggs----x-{LATE}.pdf")
    assert debrief_file_name(Attempt("???", late(RIGHT_LATE), DAY), "csv") == f"debrief-trainee-{LATE}.csv"


def test_attempts_round_trip_through_json() -> None:
    attempts = [Attempt("Ana", late(RIGHT_LATE), DAY), Attempt("Bea", late({"media": "media"}, timed=False), DAY)]
    assert [attempt_from_json(attempt_to_json(a)) for a in attempts] == attempts
    assert attempts_from_text(attempts_to_text(attempts)) == attempts
    assert attempt_to_json(attempts[1])["time_taken"] is None
