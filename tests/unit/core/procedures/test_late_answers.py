"""A late disclosure: what the customer said later about an earlier answer is recorded with its
time beside the original answer, which stays; nothing is rewound; the escalations it leads to
are raised. On the bundled "Customer wants to record the phone call" checklist."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from manualviewer.core.procedures import (
    AnswerError,
    Procedure,
    Run,
    RunError,
    answer,
    back,
    compose,
    late_answer,
    load_procedure_file,
    start,
)

ROOT = Path(__file__).resolve().parents[4]
T0 = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)


def at(minute: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minute)


@pytest.fixture
def recording() -> Procedure:
    procedure, problems = load_procedure_file(ROOT / "content/dmbm/procedures/dmbm-customer-recording-call.yaml")
    assert procedure is not None, problems
    return procedure


def finished(procedure: Procedure, concerns: str = "no-concerns") -> Run:
    run = start(procedure, T0)
    for minute, (step, value) in enumerate([
        ("call-details", {"customer_reference": "AB123456C"}), ("media", "not-media"), ("three-points", None),
        ("own-purposes", True), ("business-related", True), ("privacy", True), ("own-note", None),
        ("concerns", concerns),
    ], 1):
        run = answer(run, step, value, at(minute))
    assert run.finished
    return run


def test_a_late_answer_keeps_the_original_and_reads_as_said_at_the_end_of_the_call(recording: Procedure) -> None:
    run = finished(recording)
    late = late_answer(run, "media", "own-business-affairs", at(20), said="they are a journalist")
    assert late.visits == run.visits and late.answer_of("media") == "not-media"  # nothing rewound
    assert late.finished and late.current_step.id == "end"

    note, escalations = compose(late, officer="Sam", content_version="c")
    (line,) = [n for n in note.text.splitlines() if "journalist" in n]
    assert line.startswith("- At the end of the call (")
    assert "the customer said they are a journalist. So: Is the call from the media? The customer (for example a " \
           "journalist) is simply enquiring about their own business affairs." in line
    assert "The earlier answer stays on record: No, the call is not from the media (" in line
    assert "so the call was not referred to the Press Office" in line  # the choice's own note
    assert escalations == []
    (record,) = note.record["late_answers"]
    assert (record["step"], record["answer"], record["earlier_answer"], record["said"]) == (
        "media", "own-business-affairs", "not-media", "they are a journalist")
    assert record["at"] == "2024-05-01T09:20:00Z"
    assert [s["answer"] for s in note.record["steps"] if s["step"] == "media"] == ["not-media"]
    assert "late_answers" not in compose(run, officer="Sam", content_version="c")[0].record


def test_a_late_answer_raises_the_escalation_it_leads_to(recording: Procedure) -> None:
    late = late_answer(finished(recording), "concerns", "concerns", at(20))
    assert [e.step_id for e in late.escalations] == ["tell-line-manager"]
    note, (draft,) = compose(late, officer="Sam", content_version="c")
    assert "I still have concerns about customer AB123456C" in draft.body
    steps = draft.body.split("Steps followed:\n")[1]
    original, said_later = steps.splitlines()[7:9]  # the late answer sits under the original one
    assert original.startswith("8. Do you still have concerns? No, I have no remaining concerns")
    assert said_later.startswith("   At the end of the call (") and "Yes, I still have concerns" in said_later
    assert "Concerns made known to my line manager:\n- After following DMBM511015" in note.text

    again = late_answer(late, "concerns", "no-concerns", at(21))  # an answer can come back later still
    assert len(again.late_answers) == 2 and [e.step_id for e in again.escalations] == ["tell-line-manager"]


def test_a_late_answer_says_what_the_guidance_then_asks(recording: Procedure) -> None:
    late = late_answer(finished(recording), "media", "media", at(20))
    note, _ = compose(late, officer="Sam", content_version="c")
    assert "The guidance for that answer: Refer the call to the Press Office." in note.text


def test_what_a_late_answer_refuses(recording: Procedure) -> None:
    run = finished(recording)
    with pytest.raises(AnswerError, match="already recorded"):
        late_answer(run, "media", "not-media", at(20))
    with pytest.raises(AnswerError):
        late_answer(run, "media", "no-such-choice", at(20))
    with pytest.raises(RunError, match="no answer on this run's path"):
        late_answer(run, "refer-to-press-office", None, at(20))
    with pytest.raises(RunError, match="only a question"):
        late_answer(run, "three-points", None, at(20))


def test_late_answers_survive_a_save_and_go_with_an_answer_stepped_back_over(recording: Procedure) -> None:
    run = start(recording, T0)
    run = answer(run, "call-details", {"customer_reference": "AB123456C"}, at(1))
    run = answer(run, "media", "not-media", at(2))
    late = late_answer(run, "media", "own-business-affairs", at(3), said="they are a journalist")
    restored = Run.from_json(json.loads(json.dumps(late.to_json())), recording)
    assert restored.late_answers == late.late_answers and restored.visits == late.visits
    assert restored.late_answers[0].said == "they are a journalist"
    assert back(late).late_answers == ()  # the media answer was cleared: its late answer no longer applies
    assert "late" not in run.to_json()  # runs saved without late answers keep their shape
