"""The trainer's debrief: CSV rows (one per trainee per scenario) and printable text."""

from __future__ import annotations

import csv
import datetime as dt
import io

from tests.helpers.bundled import procedures, scenarios
from tests.helpers.training import seconds

from manualviewer.core.training import DEBRIEF_COLUMNS, Attempt, Grade, debrief_csv, debrief_rows, debrief_text, grade

LATE = "dmbm-late-disclosure-recorded-call"
MEDIA = "dmbm-media-caller-wants-to-record"
DAY = dt.date(2024, 5, 1)


def late(answers: dict[str, object], finish_at: int | None = None) -> Grade:
    times = {step: seconds(finish_at) for step in answers} if finish_at is not None else None
    return grade(
        scenarios()[LATE],
        procedures()["dmbm-customer-recording-call"],
        answers,
        started_at=seconds(0) if times else None,
        answered_at=times,
    )


RIGHT_LATE = {"media": "not-media", "late-disclosure": True, "concerns": "no-concerns"}
WRONG_LATE = {
    "media": "not-media",
    "own-purposes": True,
    "business-related": True,
    "privacy": True,
    "concerns": "no-concerns",
}


def media(answer: str) -> Grade:
    return grade(scenarios()[MEDIA], procedures()["dmbm-customer-recording-call"], {"media": answer})


def test_rows_one_per_trainee_per_scenario_latest_attempt_wins() -> None:
    attempts = [
        Attempt("Bea", late(RIGHT_LATE, 245), DAY),
        Attempt("Abe", late(WRONG_LATE), DAY),
        Attempt("Abe", late(RIGHT_LATE, 100), DAY + dt.timedelta(days=1)),
        Attempt("Abe", media("not-media"), DAY),
    ]
    rows = debrief_rows(attempts)
    assert [(r["trainee"], r["scenario"]) for r in rows] == [("Abe", LATE), ("Abe", MEDIA), ("Bea", LATE)]
    assert rows[0] == {
        "trainee": "Abe",
        "scenario": LATE,
        "procedure": "dmbm-customer-recording-call",
        "score": "3",
        "total": "3",
        "time_taken_seconds": "100",
        "sections_to_reread": "",
        "date": "2024-05-02",
        "right_first_time": "3",  # graded from final answers only: no first attempts known
        "corrected": "",
    }
    assert (rows[1]["score"], rows[1]["total"], rows[1]["sections_to_reread"]) == ("0", "1", "DMBM511015")
    assert rows[1]["time_taken_seconds"] == ""
    assert list(rows[0]) == list(DEBRIEF_COLUMNS)


def test_csv_has_the_header_and_defuses_formulas() -> None:
    text = debrief_csv([Attempt("=HYPERLINK(1)", media("not-media"), DAY), Attempt("Cy", late(WRONG_LATE), DAY)])
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == ",".join(DEBRIEF_COLUMNS)
    assert parsed[0]["trainee"] == "'=HYPERLINK(1)"
    assert parsed[1]["trainee"] == "Cy" and parsed[1]["score"] == "2"


def test_text_lists_each_wrong_answer_with_its_reason_and_the_sections_to_reread() -> None:
    text = debrief_text(
        [
            Attempt("Abe", late(WRONG_LATE), DAY),
            Attempt("Abe", media("media"), DAY),
            Attempt("Bea", late(RIGHT_LATE, 65), DAY),
        ],
        scenarios(),
    )
    assert "Trainee: Abe" in text and "Trainee: Bea" in text
    assert f"The customer says at the end of the call that they recorded it ({LATE}): 2/3 (2024-05-01)" in text
    assert "[late-disclosure]: not reached; expected yes" in text
    assert "DMBM511015: If the customer waits until the end of the call" in text
    assert "Re-read: DMBM511015" in text
    assert "A reporter wants to record the call (dmbm-media-caller-wants-to-record): 1/1" in text
    assert f"({LATE}): 3/3, 1 min 05 s" in text
    assert "All decisions correct." in text
    assert text.index("Trainee: Abe") < text.index("Trainee: Bea")


def test_empty_debrief() -> None:
    assert debrief_rows([]) == []
    assert debrief_text([]) == ""
    assert debrief_csv([]) == ",".join(DEBRIEF_COLUMNS) + "\n"
