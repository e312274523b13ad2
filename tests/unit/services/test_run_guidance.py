"""A checklist whose procedure changed since a run started says so on resume, and the officer
goes on with the version started (kept with the run) or starts again on the current one
(issue 17 point 2). The bundled procedure, and a version 2 of its text with a step reworded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.bundled import library, procedures
from tests.helpers.services import RECORDING, TickingClock

from manualviewer.core.procedures import Procedure
from manualviewer.core.procedures.loader import parse_procedure
from manualviewer.core.settings import Settings
from manualviewer.services.checklist_session import ChecklistSession
from manualviewer.storage.outbox import FolderChannel
from manualviewer.storage.stores import Stores, open_stores

OFFICER = Settings(officer_name="Sam Patel")
OLD_TITLE = "Is the call from the media?"
NEW_TITLE = "Is the caller from the press, TV or radio?"


def version_2() -> Procedure:
    v1 = procedures()[RECORDING]
    text = v1.source.replace("version: 1", "version: 2", 1).replace(OLD_TITLE, NEW_TITLE, 1)
    assert text != v1.source
    v2, problems = parse_procedure(text, v1.path)
    assert v2 is not None, problems
    return v2


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(tmp_path / "notes.sqlite3")
    yield opened
    opened.close()


def session_on(stores: Stores, tmp_path: Path, procedure: Procedure) -> ChecklistSession:
    return ChecklistSession(stores, lambda: OFFICER, library, lambda _s: FolderChannel(tmp_path),
                            clock=TickingClock(), procedures={RECORDING: procedure})


def started_run(stores: Stores, tmp_path: Path) -> str:
    """A run of version 1 two steps in, put away (the app closed)."""
    first = session_on(stores, tmp_path, procedures()[RECORDING])
    first.start(RECORDING)
    first.answer("call-details", {"customer_reference": "AB 123"})
    first.answer("media", "not-media")
    run_id = first.run_id
    assert run_id is not None
    first.close()
    return run_id


def test_a_new_run_keeps_the_procedure_text_and_its_cited_sections(stores: Stores, tmp_path: Path) -> None:
    run_id = started_run(stores, tmp_path)
    saved = stores.runs.get(run_id)
    assert saved is not None
    v1 = procedures()[RECORDING]
    assert saved.guidance.procedure_text == v1.source and saved.guidance.procedure_hash == v1.source_hash
    section = library().get("DMBM511015")
    assert section is not None and saved.guidance.sections["DMBM511015"] == section.content_hash


def test_an_unchanged_checklist_resumes_as_before(stores: Stores, tmp_path: Path) -> None:
    run_id = started_run(stores, tmp_path)
    session = session_on(stores, tmp_path, procedures()[RECORDING])
    assert session.guidance_change(run_id) is None
    assert not session.resumable()[0].guidance_changed
    assert session.resume(run_id).run
    assert session.version_notice == ""


def test_a_changed_checklist_says_so_and_when_the_run_started(stores: Stores, tmp_path: Path) -> None:
    run_id = started_run(stores, tmp_path)
    session = session_on(stores, tmp_path, version_2())
    change = session.guidance_change(run_id)
    assert change is not None
    saved = stores.runs.get(run_id)
    assert saved is not None
    day = f"{saved.started_at.day} {saved.started_at:%b %Y}"
    assert change.sentence(dt.UTC) == f"This checklist\u2019s guidance changed since you started it on {day}."
    assert change.versions() == "Version 1 when you started; version 2 now."
    assert change.started is not None and change.why_not == ""
    [offered] = session.resumable()
    assert offered.guidance_changed and offered.problem == "" and offered.customer_reference == "AB 123"


def test_going_on_with_the_version_started(stores: Stores, tmp_path: Path) -> None:
    run_id = started_run(stores, tmp_path)
    session = session_on(stores, tmp_path, version_2())
    change = session.resume_started(run_id)
    assert change.run and "on the version you started" in change.message
    assert session.run is not None and session.run_id == run_id
    assert session.run.procedure.version == 1
    assert session.run.procedure.step("media").title == OLD_TITLE  # type: ignore[union-attr]
    assert [v.step_id for v in session.run.answered] == ["call-details", "media"]
    assert session.version_notice.startswith("Following \u201cCustomer wants to record the phone call\u201d as it was "
                                             "when you started on ")
    assert session.version_notice.endswith("(version 1); it has changed since.")
    # The note says which version was followed.
    session.jump("late-disclosure")
    session.answer("late-disclosure", None)
    session.answer("concerns", "no-concerns")
    draft = session.note_draft()
    assert session.version_notice in draft.text
    assert draft.record["procedure"]["version"] == 1
    # Saved again, it still remembers the version it started on.
    saved = stores.runs.get(run_id)
    assert saved is not None and saved.guidance.procedure_hash == procedures()[RECORDING].source_hash


def test_starting_again_on_the_current_version(stores: Stores, tmp_path: Path) -> None:
    run_id = started_run(stores, tmp_path)
    session = session_on(stores, tmp_path, version_2())
    change = session.restart(run_id)
    assert change.run and "again on the current version; the earlier run was discarded" in change.message
    assert session.run is not None and session.run_id != run_id
    assert session.run.procedure.version == 2 and session.run.current_step.id == "call-details"
    assert stores.runs.get(run_id) is None
    [saved] = stores.runs.load_unfinished()
    assert saved.run_id == session.run_id and saved.guidance.procedure_hash == version_2().source_hash
    assert session.version_notice == ""


def test_a_version_started_that_cannot_be_read_offers_only_a_fresh_start(stores: Stores, tmp_path: Path) -> None:
    run_id = started_run(stores, tmp_path)
    stores.conn.execute("UPDATE run_guidance SET procedure_text = 'id: [broken'")  # damaged outside the app
    session = session_on(stores, tmp_path, version_2())
    change = session.guidance_change(run_id)
    assert change is not None and change.started is None
    assert change.why_not == "the version you started can no longer be read"
    refused = session.resume_started(run_id)
    assert not refused.run and refused.message == (
        "That checklist cannot go on with the version you started: the version you started can no longer be read.")
    assert session.resumable()[0].guidance_changed
    assert session.restart(run_id).run


def test_a_run_saved_before_the_guidance_was_kept_resumes_as_before(stores: Stores, tmp_path: Path) -> None:
    run_id = started_run(stores, tmp_path)
    stores.conn.execute("DELETE FROM run_guidance")
    session = session_on(stores, tmp_path, version_2())
    assert session.guidance_change(run_id) is None
    assert session.resume(run_id).run
    assert session.run is not None and session.run.procedure.version == 2
