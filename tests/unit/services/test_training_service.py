"""services.training_session: a trainee's session against a scenario, the training note and the
escalations it would raise (kept in the training database, never sent), and the trainer's
records. On the bundled library and a training database in tmp_path; no QApplication.

(Named test_training_service.py: tests/unit/core/training/test_training_session.py already
holds the pure session's tests, and test modules are imported by their base name.)"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.bundled import library
from tests.helpers.services import TickingClock

from manualviewer.core.procedures import AnswerError
from manualviewer.services.training_session import (
    ATTEMPTS_KEY,
    TRAINING_RECIPIENT,
    TrainingChanges,
    TrainingService,
)
from manualviewer.storage import paths
from manualviewer.storage.outbox import EscalationState
from manualviewer.storage.stores import Stores, open_stores

THIRD_PARTY = "dmbm-recording-for-a-third-party"  # an escalate step and a note on the path
LATE = "dmbm-late-disclosure-recorded-call"  # an out-of-order step is a marked decision

# Every decision of THIRD_PARTY as the guidance calls for it, to the note.
THIRD_PARTY_RIGHT: list[tuple[str, object]] = [
    ("call-details", {}),
    ("media", "not-media"),
    ("three-points", None),
    ("own-purposes", False),
    ("business-related", True),
    ("privacy", True),
    ("own-note", None),
    ("concerns", "concerns"),
    ("tell-line-manager", "He said he will send it on."),
]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "training.sqlite3"


@pytest.fixture
def service(database: Path) -> Iterator[TrainingService]:
    reported: list[str] = []
    made = TrainingService(library, stores_opener=lambda: open_stores(database), clock=TickingClock(),
                           report=reported.append)
    made.reported = reported  # type: ignore[attr-defined]
    yield made
    made.close()


def reopen(database: Path) -> Stores:
    return open_stores(database)


def walk(service: TrainingService, answers: list[tuple[str, object]]) -> list[TrainingChanges]:
    changes = []
    for step_id, value in answers:
        state = service.state
        assert state.session is not None and state.session.current_step.id == step_id
        changes.append(service.answer(step_id, value))
    return changes


def test_the_scenarios_are_listed_with_their_checklist_and_manual(service: TrainingService) -> None:
    infos = {i.scenario.id: i for i in service.scenario_infos()}
    third = infos[THIRD_PARTY]
    assert third.procedure_title == service.procedures["dmbm-customer-recording-call"].title
    assert third.manual_title == library().manuals["DMBM"].title
    assert third.problem == ""
    assert service.titles()[THIRD_PARTY] == third.scenario.title
    assert service.section_title("NOPE123") == "(not in this library)"


def test_start_needs_a_name_and_a_runnable_scenario(service: TrainingService) -> None:
    refused = service.start(THIRD_PARTY, "   ")
    assert refused.refused and "trainee's name" in refused.message
    assert service.start("no-such-scenario", "Jo").refused
    assert service.state.session is None and not service.state.active

    started = service.start(THIRD_PARTY, "  Jo   Bloggs ")
    assert not started.refused and started.mode and started.session
    assert "Nothing here is a real call" in started.message
    state = service.state
    assert state.active and state.trainee == "Jo Bloggs" and state.running
    assert state.session is not None and state.session.current_step.id == "call-details"
    # Starting another scenario keeps the mode on: no mode change.
    assert not service.start(LATE, "Jo").mode


def test_each_answer_gives_feedback_and_a_wrong_answer_is_marked(service: TrainingService) -> None:
    service.start(THIRD_PARTY, "Jo")
    ungraded = service.answer("call-details", {})
    assert ungraded.feedback is not None and not ungraded.feedback.graded
    assert service.state.marks == {}
    wrong = service.answer("media", "media")
    assert wrong.session and wrong.feedback is not None
    assert (wrong.feedback.correct, wrong.feedback.expected) == (False, "not-media")
    assert service.state.last_feedback == wrong.feedback
    assert dict(service.state.marks) == {"media": wrong.feedback}


def test_back_takes_the_mark_off_and_a_changed_answer_drops_marks_off_the_path(service: TrainingService) -> None:
    service.start(THIRD_PARTY, "Jo")
    walk(service, THIRD_PARTY_RIGHT[:4])  # to business-related, media and own-purposes marked
    assert set(service.state.marks) == {"media", "own-purposes"}
    assert not service.back().refused
    assert service.state.session is not None and service.state.session.current_step.id == "own-purposes"
    assert set(service.state.marks) == {"media"} and service.state.last_feedback is None
    service.answer("media", "media")  # an earlier answer changed: own-purposes is off the path
    assert set(service.state.marks) == {"media"}
    assert service.state.marks["media"].correct is False


def test_an_answer_the_step_cannot_take_changes_nothing(service: TrainingService) -> None:
    service.start(THIRD_PARTY, "Jo")
    before = service.state
    with pytest.raises(AnswerError):
        service.answer("call-details", {"customer_reference": "<bad>"})
    assert service.state is before


def test_reveal_shows_the_next_turn_until_the_call_is_all_heard(service: TrainingService) -> None:
    service.start(THIRD_PARTY, "Jo")
    session = service.state.session
    assert session is not None
    turns = len(session.scenario.situation)
    while service.state.session is not None and service.state.session.next_turn is not None:
        assert service.reveal_next().session
    assert service.state.session is not None and service.state.session.revealed == turns
    assert service.reveal_next().refused


def test_the_jump_out_of_order_is_offered_once_and_graded(service: TrainingService) -> None:
    service.start(LATE, "Ana")
    service.answer("call-details", {})
    service.answer("media", "not-media")
    assert service.jumps() == [("late-disclosure", service.procedures["dmbm-customer-recording-call"]
                                .step("late-disclosure").title)]  # type: ignore[union-attr]
    jumped = service.jump("late-disclosure")
    assert jumped.feedback is not None and jumped.feedback.correct is True
    assert service.jumps() == []


def test_the_note_and_escalation_go_to_the_training_database_only(
    service: TrainingService, database: Path, user_dirs: Path
) -> None:
    service.start(THIRD_PARTY, "Priya Shah")
    walk(service, THIRD_PARTY_RIGHT)
    draft = service.note_draft()
    saved = service.save_note(draft.text + "\nEdited by the trainee.")
    state = service.state
    assert saved.note_saved is not None and state.saved_note is not None and saved.note_saved == state.saved_note.id
    assert "kept in the training records only" in saved.message and "1 escalation" in saved.message
    assert len(state.held_escalations) == 1
    # Once the note is kept, the answers are final.
    assert service.back().refused and service.jumps() == []

    stores = reopen(database)
    try:
        (note,) = stores.notes.list()
        assert note.officer == "Priya Shah" and note.customer_reference == "PW 300418"
        assert note.record["training"] == {"scenario": THIRD_PARTY, "trainee": "Priya Shah"}
        assert note.record["note_edited"] is True
        (held,) = stores.outbox.list()
        assert held.to == TRAINING_RECIPIENT and held.subject.startswith("[TRAINING] ")
        assert "never sent" in held.body and "He said he will send it on." in held.body
        assert held.state is EscalationState.QUEUED and held.attempts == 0
    finally:
        stores.close()
    assert not paths.database_path().exists()  # the live database was never opened


def test_finish_grades_once_and_keeps_the_attempt_across_sessions(
    service: TrainingService, database: Path
) -> None:
    assert service.finish().refused  # nothing to finish
    service.start(LATE, "Ana Lee")
    service.answer("call-details", {})
    service.answer("media", "media")  # wrong
    finished = service.finish()
    attempt = finished.finished
    assert attempt is not None and finished.attempts and finished.session
    assert (attempt.trainee, attempt.grade.correct, attempt.grade.total) == ("Ana Lee", 0, 3)
    assert service.state.attempt == attempt and not service.state.running
    assert service.finish().refused and service.state.attempt == attempt  # finishing twice changes nothing
    assert service.reveal_next().refused and service.back().refused

    later = TrainingService(library, stores_opener=lambda: open_stores(database), clock=TickingClock())
    try:
        assert later.attempts() == [attempt]
        rows = list(csv.DictReader(io.StringIO(later.records_csv())))
        assert [(r["trainee"], r["scenario"], r["score"]) for r in rows] == [("Ana Lee", LATE, "0")]
    finally:
        later.close()


def test_records_export_as_csv_a_spreadsheet_reads(service: TrainingService, tmp_path: Path) -> None:
    service.start(LATE, "Zoë")
    service.finish()
    target = tmp_path / "records.csv"
    changes = service.export_records(target)
    assert str(target) in changes.message
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # utf-8-sig: the accent survives a spreadsheet
    assert "Zoë" in data.decode("utf-8-sig")


def test_unreadable_records_are_reported_and_new_attempts_kept(service: TrainingService, database: Path) -> None:
    stores = reopen(database)
    stores.session.set(ATTEMPTS_KEY, '[{"trainee": "no scenario, no grade"}]')
    stores.close()
    assert service.attempts() == []
    assert any("could not be read" in m for m in service.reported)  # type: ignore[attr-defined]
    service.start(LATE, "Ana")
    service.finish()
    assert [a.trainee for a in service.attempts()] == ["Ana"]


def test_training_runs_without_its_records_but_the_note_is_refused(tmp_path: Path) -> None:
    reported: list[str] = []

    def broken() -> Stores:
        raise OSError("disk full")

    service = TrainingService(library, stores_opener=broken, clock=TickingClock(), report=reported.append)
    service.start(THIRD_PARTY, "Jo")
    walk(service, THIRD_PARTY_RIGHT)
    with pytest.raises(RuntimeError, match="disk full"):
        service.save_note(service.note_draft().text)
    assert service.state.saved_note is None
    assert reported and "cannot be opened" in reported[0]
    assert service.finish().finished is not None  # graded all the same


def test_leave_ends_the_session_and_the_mode(service: TrainingService) -> None:
    service.start(THIRD_PARTY, "Jo")
    service.answer("call-details", {})
    left = service.leave()
    assert left.mode and left.session and "real again" in left.message
    state = service.state
    assert not state.active and state.session is None and state.marks == {} and state.last_feedback is None
    assert state.trainee == "Jo"  # offered again in the picker
    assert not service.leave().mode  # already off
