"""finish_run: a finished run becomes a note and outbox rows, and the addresses are formatted
once. On the bundled library and a database in tmp_path; no QApplication."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.bundled import library, procedures
from tests.helpers.services import RECORDING, escalated_run, quiet_run

from manualviewer.core.procedures import NoteWarning, check_note, compose, content_version
from manualviewer.core.settings import Settings
from manualviewer.services.finish_run import (
    Addresses,
    escalation_addresses,
    finish_run,
    line_manager_address,
    mailbox,
    officer_address,
    queue_escalations,
    save_finished_run,
    store_note,
)
from manualviewer.storage.notes import NoteError
from manualviewer.storage.outbox import EscalationError
from manualviewer.storage.stores import Stores, open_stores

SETTINGS = Settings(officer_name="Sam Patel", officer_email="sam@example.org",
                    line_manager_name="Jones, Alex", line_manager_email="alex@example.org")


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "notes.sqlite3")
    yield opened
    opened.close()


def version() -> str:
    return content_version(procedures()[RECORDING], library())


# --- addresses -----------------------------------------------------------------------------------


def test_mailbox_quotes_a_name_with_a_comma_and_is_empty_without_an_address() -> None:
    assert mailbox("Alex Jones", "alex@example.org") == "Alex Jones <alex@example.org>"
    assert mailbox("Jones, Alex", "alex@example.org") == '"Jones, Alex" <alex@example.org>'
    assert mailbox("", "alex@example.org") == "alex@example.org"
    assert mailbox("Alex Jones", "") == ""


def test_line_manager_and_officer_addresses_come_from_the_settings() -> None:
    assert line_manager_address(SETTINGS) == '"Jones, Alex" <alex@example.org>'
    assert officer_address(SETTINGS) == "Sam Patel <sam@example.org>"
    assert line_manager_address(Settings(line_manager_name="Alex")) == ""
    assert officer_address(Settings(officer_name="Sam")) == ""


def test_escalation_addresses_are_checked_before_anything_is_saved() -> None:
    assert escalation_addresses(SETTINGS) == Addresses('"Jones, Alex" <alex@example.org>',
                                                       "Sam Patel <sam@example.org>")
    with pytest.raises(EscalationError, match="no line_manager_email"):
        escalation_addresses(Settings(officer_name="Sam"))
    with pytest.raises(EscalationError, match="not a single email address"):
        escalation_addresses(Settings(line_manager_email="alex@example.org, lee@example.org"))
    # No escalations on the path: no recipient needed, the sender is still formatted.
    assert escalation_addresses(Settings(officer_name="Sam"), needed=False) == Addresses("", "")


# --- the note and its escalations ----------------------------------------------------------------


def test_unedited_note_is_the_composed_note_and_record() -> None:
    run = escalated_run()
    finished = finish_run(run, officer="Sam Patel", content_version=version())
    note, escalations = compose(run, officer="Sam Patel", content_version=version())
    assert finished.note == note
    assert "note_edited" not in finished.note.record
    assert finished.escalations == tuple(escalations)
    assert finished.customer_reference == "AB 123"


def test_edited_note_is_marked_edited_with_its_check_and_the_escalation_quotes_it() -> None:
    run = escalated_run()
    composed = finish_run(run, officer="Sam Patel", content_version=version()).note.text
    edited = composed + "\nThe customer was rude about the ISP.\n\n"
    warnings = check_note(edited, ["rude"], [], [])
    finished = finish_run(run, officer="Sam Patel", content_version=version(), text=edited, warnings=warnings)
    assert finished.note.text == edited.strip()
    assert finished.note.record["note_edited"] is True
    assert [(w["kind"], w["token"]) for w in finished.note.record["note_check"]] == [
        ("listed-word", "rude"), ("abbreviation", "ISP")]
    [escalation] = finished.escalations
    assert "The customer was rude about the ISP." in escalation.body
    assert "He said he would post it." in escalation.body
    assert escalation.subject == "Escalation: Customer wants to record the phone call (AB 123)"


def test_same_text_with_spaces_around_is_not_an_edit_and_extra_keys_come_first() -> None:
    run = quiet_run()
    composed = finish_run(run, officer="Sam Patel", content_version=version()).note.text
    finished = finish_run(run, officer="Sam Patel", content_version=version(), text=f"  {composed}\n",
                          extra={"training": {"scenario": "s1", "trainee": "Kim"}})
    assert finished.note.record["note_edited"] is False
    assert "note_check" not in finished.note.record
    keys = list(finished.note.record)
    assert keys[-2:] == ["training", "note_edited"]
    assert finished.escalations == ()


def test_store_note_keeps_text_reference_versions_and_record(stores: Stores) -> None:
    run = escalated_run()
    warnings = [NoteWarning("listed-word", "rude", 0, 4, 1, "a word to avoid")]
    finished = finish_run(run, officer="Sam Patel", content_version=version(), text="Called. Customer AB 123.",
                          warnings=warnings)
    stored = store_note(stores.notes, run, finished, officer="Sam Patel")
    assert (stored.officer, stored.text, stored.customer_reference) == ("Sam Patel", "Called. Customer AB 123.",
                                                                         "AB 123")
    assert (stored.procedure_id, stored.procedure_version, stored.content_version) == (RECORDING, "1", version())
    assert stored.record == json.loads(json.dumps(finished.note.record))
    assert stored.record["note_check"] == [
        {"kind": "listed-word", "token": "rude", "line": 1, "message": "a word to avoid"}]
    assert stores.notes.list() == [stored]


def test_store_note_without_an_officer_is_refused(stores: Stores) -> None:
    run = quiet_run()
    finished = finish_run(run, officer="", content_version=version())
    with pytest.raises(NoteError, match="officer"):
        store_note(stores.notes, run, finished, officer="")
    assert stores.notes.list() == []


def test_queue_escalations_addresses_and_marks_each_row(stores: Stores) -> None:
    finished = finish_run(escalated_run(), officer="Kim", content_version=version())
    [row] = queue_escalations(stores.outbox, finished.escalations, to="Trainer <t@training.invalid>",
                              subject_prefix="[TRAINING] ", body_prefix="Never sent.\n\n")
    assert row.to == "Trainer <t@training.invalid>" and row.sender == ""
    assert row.subject == "[TRAINING] Escalation: Customer wants to record the phone call (AB 123)"
    assert row.body == "Never sent.\n\n" + finished.escalations[0].body
    assert stores.outbox.list() == [row]


def test_save_finished_run_stores_the_note_then_queues_every_escalation(stores: Stores) -> None:
    run = escalated_run()
    finished = finish_run(run, officer="Sam Patel", content_version=version())
    saved = save_finished_run(stores.notes, stores.outbox, run, finished, officer="Sam Patel",
                              addresses=escalation_addresses(SETTINGS))
    assert stores.notes.list() == [saved.note]
    assert saved.note.text == finished.note.text
    [row] = saved.queued
    assert (row.to, row.sender) == ('"Jones, Alex" <alex@example.org>', "Sam Patel <sam@example.org>")
    assert row.state.value == "queued"
    assert stores.outbox.pending() == [row]
