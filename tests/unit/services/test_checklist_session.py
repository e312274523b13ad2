"""ChecklistSession: the running checklist without Qt, on the bundled library and a database in
tmp_path. Every operation returns what changed; the run is saved after each change."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.bundled import library
from tests.helpers.services import RECORDING, TickingClock

from manualviewer.core.procedures import AnswerError
from manualviewer.core.settings import Settings
from manualviewer.services.checklist_session import ChecklistSession, SessionChange, deliver_on_own_connection
from manualviewer.storage.notes import NoteError
from manualviewer.storage.outbox import Channel, Escalation, EscalationError, FolderChannel
from manualviewer.storage.stores import Stores, open_stores

OFFICER = Settings(officer_name="Sam Patel", officer_email="sam@example.org",
                   line_manager_name="Alex Jones", line_manager_email="alex@example.org")


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "notes.sqlite3")
    yield opened
    opened.close()


def folder_channel(tmp_path: Path) -> Channel:
    (tmp_path / "drop").mkdir(exist_ok=True)
    return FolderChannel(tmp_path / "drop")


def make_session(stores: Stores, tmp_path: Path, settings: Settings = OFFICER) -> ChecklistSession:
    return ChecklistSession(stores, lambda: settings, library, lambda _s: folder_channel(tmp_path),
                            clock=TickingClock())


def to_concerns(session: ChecklistSession) -> None:
    """From the start to the escalate step, with a late disclosure on the way."""
    session.answer("call-details", {"customer_reference": "AB 123"})
    session.answer("media", "not-media")
    session.jump("late-disclosure")
    session.answer("late-disclosure", None)
    session.answer("concerns", "concerns")


def test_start_shows_and_saves_the_run(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    change = session.start(RECORDING)
    assert change == SessionChange(run=True, saved_runs=True,
                                   message="Started the checklist \u201cCustomer wants to record the phone call\u201d.")
    assert session.run is not None and session.run.current_step.id == "call-details"
    [saved] = stores.runs.load_unfinished()
    assert (saved.run_id, saved.procedure_id) == (session.run_id, RECORDING)


def test_starting_an_unknown_checklist_changes_nothing(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    change = session.start("no-such-checklist")
    assert change == SessionChange(message="There is no checklist called 'no-such-checklist' in this library.")
    assert session.run is None and stores.runs.load_unfinished() == []


def test_starting_another_keeps_the_first_saved_for_later(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    first = session.run_id
    change = session.start("csdh-no-feedback-contact")
    assert "Your earlier checklist \u201cCustomer wants to record the phone call\u201d is saved" in change.message
    [resumable] = session.resumable()
    assert (resumable.saved.run_id, resumable.title, resumable.problem) == (
        first, "Customer wants to record the phone call", "")


def test_answer_back_and_jump_are_saved_after_each_change(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    assert session.answer("call-details", {"customer_reference": "AB 123"}) == SessionChange(run=True, saved_runs=True)
    assert [step for step, _title in session.jumps()] == ["late-disclosure"]
    session.jump("late-disclosure")
    assert session.jumps() == []
    saved = stores.runs.get(session.run_id or "")
    assert saved is not None and json.loads(saved.state_json) == session.run.to_json()  # type: ignore[union-attr]
    assert session.back().run
    assert session.run is not None and session.run.current_step.id == "media"
    with pytest.raises(AnswerError):
        session.answer("media", "no-such-choice")


def test_back_at_the_first_step_changes_nothing(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    assert session.back() == SessionChange()


def test_changing_an_earlier_answer_names_the_steps_dropped(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    session.answer("call-details", {"customer_reference": "AB 123"})
    session.answer("media", "not-media")
    session.answer("three-points", None)
    change = session.answer("media", "media")  # now it is for the press office
    assert change.dropped == (session.run.procedure.step("three-points").title,)  # type: ignore[union-attr]
    assert session.run is not None and session.run.current_step.id == "refer-to-press-office"
    assert "three-points" not in {v.step_id for v in session.run.answered}


def test_a_saved_run_resumes_in_a_new_session_with_the_note_being_typed(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    to_concerns(session)
    session.answer("tell-line-manager", "He said he would post it.")
    assert session.keep_note_edit("the draft", "my words") == SessionChange()
    run_id = session.run_id or ""

    again = make_session(stores, tmp_path)  # after a crash
    [resumable] = again.resumable()
    assert resumable.customer_reference == "AB 123" and resumable.step_title == session.run.current_step.title  # type: ignore[union-attr]
    change = again.resume(run_id)
    assert change.run and change.message.startswith("Resumed \u201cCustomer wants to record the phone call\u201d")
    assert again.run is not None and again.run.to_json() == session.run.to_json()  # type: ignore[union-attr]
    assert again.note_edit() == ("the draft", "my words")
    assert again.resumable() == []


def test_resume_of_a_run_that_is_gone_says_so(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    assert session.resume("gone") == SessionChange(saved_runs=True, message="That checklist is no longer saved.")
    stores.runs.save("old", "removed-checklist", "{}")
    [resumable] = session.resumable()
    assert resumable.problem == "this checklist is no longer in the library"
    assert not session.resume("old").run


def test_discard_deletes_the_unfinished_run(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    change = session.discard()
    assert change == SessionChange(run=True, saved_runs=True, message="The checklist was discarded. Nothing was saved.")
    assert session.run is None and stores.runs.load_unfinished() == []


def test_close_keeps_an_unfinished_run_for_later(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    change = session.close()
    assert change.message == "The checklist is saved: resume it from the bar at the top of the Checklist panel."
    assert session.run is None and len(stores.runs.load_unfinished()) == 1


def test_save_note_stores_it_finishes_the_run_and_holds_the_concern(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    to_concerns(session)
    session.answer("tell-line-manager", "He said he would post it.")
    draft = session.note_draft()
    stored, change = session.save_note(draft.text + "\nAlso rude.")
    assert change == SessionChange(run=True, saved_runs=True, notes=True, note_saved=stored.id,
                                   message=f"Saved note {stored.id}.")
    assert stored.text == draft.text + "\nAlso rude." and stored.record["note_edited"] is True
    assert stores.runs.load_unfinished() == []
    assert not session.running and session.jumps() == [] and session.back() == SessionChange()
    [concern] = session.escalation_drafts
    assert "Also rude." in concern.body
    # Closing now says the concern was not sent.
    assert "a concern for your line manager was not sent" in session.close().message


def test_save_note_without_an_officer_name_is_refused_and_the_run_stays(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path, Settings())
    session.start(RECORDING)
    to_concerns(session)
    session.answer("tell-line-manager", "")
    with pytest.raises(NoteError):
        session.save_note("A note.")
    assert session.running and len(stores.runs.load_unfinished()) == 1 and stores.notes.list() == []


def test_amend_adds_a_note_that_amends_the_first(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    to_concerns(session)
    session.answer("concerns", "no-concerns")
    first, _ = session.save_note(session.note_draft().text)
    second, change = session.amend_note(first.id, "Corrected.")
    assert change == SessionChange(notes=True, message=f"Saved note {second.id}, which amends note {first.id}.")
    assert (second.amends, second.text, second.record) == (first.id, "Corrected.", first.record)
    with pytest.raises(NoteError):
        session.amend_note(999, "No such note.")


def test_queued_concern_is_no_longer_a_draft_and_delivers_to_the_folder(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    to_concerns(session)
    session.answer("tell-line-manager", "He said he would post it.")
    session.save_note(session.note_draft().text)
    [draft] = session.escalation_drafts
    queued, change = session.queue_escalation(session.recipient(), draft.subject, draft.body, draft)
    assert change.escalations and change.message.startswith("Concern queued, not yet sent")
    assert (queued.to, queued.sender) == ("Alex Jones <alex@example.org>", "Sam Patel <sam@example.org>")
    assert session.escalation_drafts == [] and session.pending()

    delivery = session.delivery()
    assert not delivery.in_background
    results = session.deliver_pending(delivery.channel)
    assert [e.state.value for e in results] == ["delivered"]
    assert session.delivered(results).message == "Escalation sent through your email program (you press Send there)."
    assert [p.name.endswith(f"-{queued.id}.eml") for p in (tmp_path / "drop").iterdir()] == [True]
    assert not session.pending()


def test_smtp_delivers_off_the_session_connection(stores: Stores, tmp_path: Path) -> None:
    class Smtp:
        name = "smtp"

        def unavailable_reason(self) -> str | None:
            return None

        def deliver(self, escalation: Escalation) -> None:
            raise OSError("connection refused")

    session = ChecklistSession(stores, lambda: OFFICER, library, lambda _s: Smtp(), clock=TickingClock())
    session.stores.outbox.enqueue("alex@example.org", "Subject", "Body")
    delivery = session.delivery()
    assert delivery.in_background and delivery.database == tmp_path / "notes.sqlite3"
    assert delivery.database is not None
    results = deliver_on_own_connection(delivery.database, delivery.channel)
    assert [e.state.value for e in results] == ["failed"]
    assert "could not be sent (" in session.delivered(results).message
    assert session.delivered([], "the thread died").message.startswith("Sending escalations stopped: the thread died")


def test_settings_that_cannot_be_read_fall_back_to_defaults_with_the_error(stores: Stores, tmp_path: Path) -> None:
    from manualviewer.core.settings import SettingsError

    def broken() -> Settings:
        raise SettingsError(None, "officer_email", "not an email address")

    session = ChecklistSession(stores, broken, library, lambda _s: folder_channel(tmp_path))
    assert session.settings == Settings() and session.settings_error == "settings: officer_email: not an email address"
    assert session.recipient() == ""
    assert session.apply_settings(OFFICER) == SessionChange(settings=True)
    assert session.settings_error == "" and session.recipient() == "Alex Jones <alex@example.org>"


def test_not_now_keeps_the_concern_as_a_draft_of_the_note_until_send_now(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    to_concerns(session)
    session.answer("tell-line-manager", "He said he would post it.")
    stored, _ = session.save_note(session.note_draft().text)
    [concern] = session.escalation_drafts
    kept, change = session.keep_draft(session.recipient(), concern.subject, concern.body + "\nEdited.", concern)
    assert change.escalations and change.message.startswith("Concern kept as a draft, not sent")
    assert (kept.state.value, kept.note_id, kept.body) == ("draft", stored.id, concern.body + "\nEdited.")
    assert session.escalation_drafts == [] and session.drafts(stored.id) == [kept] and not session.pending()
    queued, change = session.send_draft(kept.id)
    assert queued.state.value == "queued" and queued.body == kept.body and session.pending()
    assert change.message.startswith("Concern queued, not yet sent")


def test_finishing_with_a_draft_says_it_is_not_sent(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    to_concerns(session)
    session.answer("tell-line-manager", "")
    session.save_note(session.note_draft().text)
    [concern] = session.escalation_drafts
    session.keep_draft(session.recipient(), concern.subject, concern.body, concern)
    assert "its concern is a draft, not sent: send it from the Escalations panel" in session.close().message


def test_not_now_without_an_address_keeps_a_draft_that_asks_for_one_when_sent(
    stores: Stores, tmp_path: Path
) -> None:
    session = make_session(stores, tmp_path, Settings(officer_name="Sam Patel"))
    session.start(RECORDING)
    to_concerns(session)
    session.answer("tell-line-manager", "")
    stored, _ = session.save_note(session.note_draft().text)
    [concern] = session.escalation_drafts
    kept, change = session.keep_draft(session.recipient(), concern.subject, concern.body, concern)
    assert (kept.state.value, kept.to, kept.note_id, kept.body) == ("draft", "", stored.id, concern.body)
    assert "with no address yet" in change.message and "line manager's email in Settings" in change.message
    assert session.escalation_drafts == [] and session.drafts(stored.id) == [kept] and not session.pending()
    with pytest.raises(EscalationError):
        session.send_draft(kept.id)  # no address given: it stays a draft
    assert session.kept_draft(kept.id) == kept
    queued, change = session.send_draft(kept.id, "Alex Jones <alex@example.org>")
    assert (queued.state.value, queued.to, queued.body) == ("queued", "Alex Jones <alex@example.org>", kept.body)
    assert change.message.startswith("Concern queued, not yet sent") and session.pending()


def test_not_now_with_a_mistyped_address_keeps_the_draft_without_one_and_says_why(
    stores: Stores, tmp_path: Path
) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    to_concerns(session)
    session.answer("tell-line-manager", "")
    session.save_note(session.note_draft().text)
    [concern] = session.escalation_drafts
    kept, change = session.keep_draft("alex at example", concern.subject, concern.body, concern)
    assert (kept.state.value, kept.to) == ("draft", "")
    assert "no address yet (not a single email address: 'alex at example')" in change.message


def test_keep_unsent_keeps_every_concern_of_the_run_as_a_draft(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path, Settings(officer_name="Sam Patel"))
    assert session.keep_unsent() == SessionChange()  # no run, no concern: nothing to say
    session.start(RECORDING)
    to_concerns(session)
    session.answer("tell-line-manager", "")
    session.save_note(session.note_draft().text)
    [concern] = session.escalation_drafts
    change = session.keep_unsent()
    assert change.escalations and session.escalation_drafts == []
    [kept] = stores.outbox.list()
    assert (kept.state.value, kept.to, kept.body) == ("draft", "", concern.body)


def test_a_late_answer_is_saved_with_the_run_and_raises_its_concern(stores: Stores, tmp_path: Path) -> None:
    session = make_session(stores, tmp_path)
    session.start(RECORDING)
    to_concerns(session)
    session.answer("concerns", "no-concerns")
    assert [s for s, _t in session.late_steps()] == ["call-details", "media", "concerns"]
    change = session.late_answer("media", "own-business-affairs", "they are a journalist")
    assert change.run and "the earlier answer stays in the record" in change.message
    assert change.note_lines[0].startswith("- At the end of the call (")
    [saved] = stores.runs.load_unfinished()
    assert json.loads(saved.state_json)["late"][0]["said"] == "they are a journalist"
    change = session.late_answer("concerns", "concerns")
    assert "It raises a concern" in change.message
    with pytest.raises(AnswerError):
        session.late_answer("concerns", "concerns")  # already the answer
    session.save_note(session.note_draft().text)
    assert [d.step_id for d in session.escalation_drafts] == ["tell-line-manager"]
    assert session.late_steps() == []  # the note is saved: a correction is an amended note


def test_a_run_keeps_the_guidance_it_started_on_when_a_new_version_arrives(stores: Stores, tmp_path: Path) -> None:
    started_on = library()
    current = [started_on]
    session = ChecklistSession(stores, lambda: OFFICER, lambda: current[0], lambda _s: folder_channel(tmp_path),
                               clock=TickingClock())
    assert session.keep_started_guidance(started_on, "1.0") == SessionChange()  # no run: nothing to keep
    session.start(RECORDING)
    version = session.content_version()
    assert session.version_notice == ""
    # Version 2: every section the checklist cites has new text.
    assert session.run is not None
    cited = session.run.procedure.cited_sections()
    current[0] = dataclasses.replace(started_on, sections={
        k: dataclasses.replace(v, content_hash="changed") if k in cited else v for k, v in started_on.sections.items()})
    assert session.content_version() != version  # what the note would record without the pin
    assert session.keep_started_guidance(started_on, "1.0") == SessionChange(run=True)
    assert session.version_notice == ("This checklist started on guidance version 1.0; "
                                      "the guidance has since been updated.")
    assert session.content_version() == version  # the note records the guidance it followed
    session.discard()
    session.start(RECORDING)  # a new checklist is on the new version, without the notice
    assert session.version_notice == "" and session.content_version() != version
