"""Outstanding must-reads and confirming them: a confirmation keeps the section's hash, and a
changed section is outstanding again."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from manualviewer.core.content.loader import load_library
from manualviewer.services.must_read import ReadState, confirm, must_reads, outstanding, status_of
from manualviewer.storage.attestations import AttestationError, AttestationKept, AttestationStore, verify_chain
from manualviewer.storage.database import open_database
from manualviewer.storage.recovery import open_and_import, recovery_path

TODAY = dt.date(2026, 12, 5)
NOW = dt.datetime(2026, 12, 5, 7, 48, tzinfo=dt.UTC)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def section(section_id: str, extra: str = "", body: str = "Body.") -> str:
    return f"---\nsection_id: {section_id}\ntitle: Title of {section_id}\n{extra}---\n{body}\n"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    write(root, "test/manual.md", "---\ncode: TEST\ntitle: T\norganisation: O\n"
          "must_read:\n  - by: 2026-12-31\n    sections: [TEST300]\n---\n")
    write(root, "test/TEST100.md", section("TEST100", "must_read_by: 2026-12-01\n"))
    write(root, "test/TEST200.md", section("TEST200", "must_read_by: 2027-01-15\n"))
    write(root, "test/TEST300.md", section("TEST300"))
    write(root, "test/TEST400.md", section("TEST400"))
    return root


@pytest.fixture
def store(tmp_path: Path) -> Iterator[AttestationStore]:
    conn = open_database(tmp_path / "db.sqlite3")
    yield AttestationStore(conn, clock=lambda: NOW)
    conn.close()


def test_outstanding_must_reads_earliest_first_with_overdue(content: Path, store: AttestationStore) -> None:
    library = load_library([content])
    items = outstanding(library, store, TODAY)
    assert [(m.section_id, m.due, m.state, m.overdue) for m in items] == [
        ("TEST100", dt.date(2026, 12, 1), ReadState.TO_READ, True),
        ("TEST300", dt.date(2026, 12, 31), ReadState.TO_READ, False),
        ("TEST200", dt.date(2027, 1, 15), ReadState.TO_READ, False),
    ]
    assert items[0].describe() == "Overdue: it was due by 1 Dec 2026"
    assert items[1].describe() == "Read and confirm by 31 Dec 2026"
    assert status_of(library, store, "TEST400", TODAY) is None


def test_confirming_records_the_current_hash_and_a_change_asks_again(content: Path, store: AttestationStore) -> None:
    library = load_library([content])
    done = confirm(library, store, "TEST100", "Sam Officer")
    assert (done.section_id, done.title, done.content_hash, done.officer, done.confirmed_at) == (
        "TEST100", "Title of TEST100", library.sections["TEST100"].content_hash, "Sam Officer", NOW)
    assert [m.section_id for m in outstanding(library, store, TODAY)] == ["TEST300", "TEST200"]
    mine = status_of(library, store, "TEST100", TODAY)
    assert mine is not None and mine.state is ReadState.CONFIRMED and not mine.overdue
    assert mine.describe().startswith("You confirmed this on ")
    assert [m.section_id for m in must_reads(library, store, TODAY)][-1] == "TEST100"  # confirmed ones last

    # The section's text changes: it is outstanding again, saying why.
    write(content, "test/TEST100.md", section("TEST100", "must_read_by: 2026-12-01\n", body="New rule."))
    changed = load_library([content])
    again = status_of(changed, store, "TEST100", TODAY)
    assert again is not None and again.state is ReadState.CHANGED and again.overdue
    assert again.confirmed == done
    assert again.describe() == "Changed since you confirmed it; overdue: it was due by 1 Dec 2026"
    confirm(changed, store, "TEST100", "Sam Officer")
    assert [a.content_hash for a in store.list("TEST100")] == [
        library.sections["TEST100"].content_hash, changed.sections["TEST100"].content_hash]
    assert "TEST100" not in [m.section_id for m in outstanding(changed, store, TODAY)]


def test_a_moved_deadline_asks_for_no_new_confirmation(content: Path, store: AttestationStore) -> None:
    confirm(load_library([content]), store, "TEST100", "Sam")
    write(content, "test/TEST100.md", section("TEST100", "must_read_by: 2027-06-01\n"))
    moved = status_of(load_library([content]), store, "TEST100", TODAY)
    assert moved is not None and moved.state is ReadState.CONFIRMED and moved.due == dt.date(2027, 6, 1)


def test_only_must_read_sections_can_be_confirmed(content: Path, store: AttestationStore) -> None:
    library = load_library([content])
    for section_id in ("TEST400", "NOPE1"):
        with pytest.raises(AttestationError, match="not a section you are asked"):
            confirm(library, store, section_id, "Sam")
    with pytest.raises(AttestationError, match="officer"):
        confirm(library, store, "TEST100", "")
    assert store.list() == []


def test_a_refused_confirmation_is_kept_and_recorded_at_the_next_open(content: Path, tmp_path: Path) -> None:
    database = tmp_path / "ro.sqlite3"
    open_database(database).close()
    readonly = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True, isolation_level=None)
    library = load_library([content])
    with pytest.raises(AttestationKept, match=r"could not be recorded yet: your notes database is read-only\. "
                                              r"It is kept safe on this computer") as refused:
        confirm(library, AttestationStore(readonly, clock=lambda: NOW), "TEST100", "Sam")
    assert refused.value.kept == recovery_path(database)
    assert "(5 Dec 2026, " in str(refused.value) and str(refused.value).endswith("press the button again")
    # Until it is recorded: kept, with the time pressed, and no longer outstanding (nor overdue).
    waiting = status_of(library, AttestationStore(readonly), "TEST100", TODAY)
    assert waiting is not None and waiting.state is ReadState.KEPT and not waiting.outstanding
    assert waiting.kept_at == NOW and not waiting.overdue and waiting.describe().startswith("Kept - will be recorded")
    assert "TEST100" not in {m.section_id for m in outstanding(library, AttestationStore(readonly), TODAY)}
    readonly.close()

    conn, imported = open_and_import(database)  # the next start
    store = AttestationStore(conn)
    (record,) = store.list()
    assert (record.section_id, record.confirmed_at, record.content_hash) == (
        "TEST100", NOW, library.sections["TEST100"].content_hash)
    assert imported.confirmations == (record.id,)
    mine = status_of(library, store, "TEST100", TODAY)
    assert mine is not None and mine.state is ReadState.CONFIRMED
    conn.close()


def test_pressed_again_once_the_database_works_it_is_recorded_once_with_the_first_time(
        content: Path, tmp_path: Path) -> None:
    database = tmp_path / "user.sqlite3"
    open_database(database).close()
    library = load_library([content])
    readonly = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True, isolation_level=None)
    with pytest.raises(AttestationKept):
        confirm(library, AttestationStore(readonly, clock=lambda: NOW), "TEST100", "Sam")
    with pytest.raises(AttestationKept):  # pressed again while it still refuses: kept once
        confirm(library, AttestationStore(readonly, clock=lambda: NOW + dt.timedelta(minutes=1)), "TEST100", "Sam")
    readonly.close()
    assert len(recovery_path(database).read_text(encoding="utf-8").splitlines()) == 1

    conn = open_database(database)  # the window's connection, writable again
    later = NOW + dt.timedelta(minutes=5)
    done = confirm(library, AttestationStore(conn, clock=lambda: later), "TEST100", "Sam")
    assert done.confirmed_at == NOW  # when the officer first pressed it
    conn.close()

    conn, imported = open_and_import(database)
    assert imported.confirmations == ()  # found recorded already: no second row
    assert [r.confirmed_at for r in AttestationStore(conn).list()] == [NOW]
    assert verify_chain(conn).ok
    conn.close()


def test_the_line_manager_is_told_only_when_the_settings_ask(content: Path, tmp_path: Path) -> None:
    from manualviewer.core.settings import EscalationChannel, Settings
    from manualviewer.services.must_read import queue_for_line_manager
    from manualviewer.storage.outbox import EscalationError, FolderChannel, Outbox

    conn = open_database(tmp_path / "user.sqlite3")
    store, outbox = AttestationStore(conn, clock=lambda: NOW), Outbox(conn)
    done = confirm(load_library([content]), store, "TEST100", "Sam Officer")
    drop = tmp_path / "drop"
    drop.mkdir()
    settings = Settings(officer_name="Sam Officer", officer_email="sam@example.org", line_manager_name="Lee Manager",
                        line_manager_email="lee@example.org", escalation_channel=EscalationChannel.FOLDER,
                        drop_folder=drop)
    assert queue_for_line_manager(outbox, settings, done) is None  # off by default
    assert outbox.list() == []
    on = replace(settings, confirmations_to_line_manager=True)
    with pytest.raises(EscalationError, match="line_manager_email"):
        queue_for_line_manager(outbox, replace(on, line_manager_email=""), done)
    queued = queue_for_line_manager(outbox, on, done)
    assert queued is not None and queued.to == "Lee Manager <lee@example.org>"
    assert queued.subject == "Read and understood: TEST100 Title of TEST100"
    (sent,) = outbox.deliver_pending(FolderChannel(drop))
    assert sent.state.value == "delivered"
    (message,) = drop.iterdir()
    text = email.message_from_bytes(message.read_bytes(), policy=email.policy.default).get_body().get_content()
    assert "Sam Officer confirmed that they have read and understood" in text
    assert done.content_hash in text and "2026-12-05T07:48:00.000000+00:00" in text
    conn.close()
