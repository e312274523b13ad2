"""The confirmations store: append-only (triggers put back at open), hash-chained, committed
before `add` returns, and a refused save is a clear error with nothing recorded."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import stat
from pathlib import Path

import pytest
from tests.helpers.notes_faults import another_program_holding

from manualviewer.storage.attestations import (
    AttestationError,
    AttestationSaveError,
    AttestationStore,
    export_csv,
    export_json,
    verify_chain,
)
from manualviewer.storage.database import BUSY, open_database

WHEN = dt.datetime(2026, 12, 5, 7, 48, tzinfo=dt.UTC)


def store_at(path: Path) -> tuple[sqlite3.Connection, AttestationStore]:
    conn = open_database(path)
    return conn, AttestationStore(conn, clock=lambda: WHEN)


def test_a_confirmation_is_kept_with_its_hash_time_and_officer(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    conn, store = store_at(path)
    added = store.add("DMBM100200", "Recording a call", "abc123", "Sam Officer ")
    conn.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    conn, store = store_at(path)  # committed: another connection sees it
    (kept,) = store.list()
    assert kept == added
    assert (kept.section_id, kept.title, kept.content_hash, kept.officer, kept.confirmed_at) == (
        "DMBM100200", "Recording a call", "abc123", "Sam Officer", WHEN)
    assert kept.as_json() == {"section_id": "DMBM100200", "title": "Recording a call", "content_hash": "abc123",
                              "confirmed_at": "2026-12-05T07:48:00.000000+00:00", "officer": "Sam Officer"}
    conn.close()


def test_latest_is_each_sections_last_confirmation(tmp_path: Path) -> None:
    conn, store = store_at(tmp_path / "db.sqlite3")
    store.add("A1", "A", "h1", "Sam")
    store.add("B1", "B", "h2", "Sam")
    store.add("A1", "A", "h3", "Sam")
    latest = store.latest()
    assert {sid: a.content_hash for sid, a in latest.items()} == {"A1": "h3", "B1": "h2"}
    assert [a.content_hash for a in store.list("A1")] == ["h1", "h3"]
    conn.close()


def test_a_confirmation_needs_an_officer_and_a_hash(tmp_path: Path) -> None:
    conn, store = store_at(tmp_path / "db.sqlite3")
    with pytest.raises(AttestationError, match="officer"):
        store.add("A1", "A", "h1", "  ")
    with pytest.raises(AttestationError, match="content hash"):
        store.add("A1", "A", "", "Sam")
    assert store.list() == []
    conn.close()


def test_update_and_delete_are_refused_and_a_dropped_trigger_comes_back_at_open(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn, store = store_at(path)
    store.add("A1", "A", "h1", "Sam")
    store.add("B1", "B", "h2", "Sam")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE attestations SET content_hash = 'forged'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM attestations")
    assert verify_chain(conn).ok
    # Someone drops the triggers outside the app and edits a row ...
    conn.execute("DROP TRIGGER attestations_no_update")
    conn.execute("DROP TRIGGER attestations_no_delete")
    conn.execute("UPDATE attestations SET content_hash = 'forged' WHERE section_id = 'A1'")
    conn.close()
    # ... the next open puts the rules back, and the chain shows the edit.
    conn, store = store_at(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM attestations")
    report = verify_chain(conn)
    assert (report.ok, report.first_bad, report.checked) == (False, 1, 0)
    conn.close()


def test_another_program_holding_the_database_is_a_clear_error_and_nothing_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn, store = store_at(path)
    store.add("A1", "A", "h1", "Sam")
    with another_program_holding(path), pytest.raises(AttestationSaveError) as caught:
        store.add("B1", "B", "h2", "Sam")
    assert caught.value.reason == BUSY
    assert "not recorded" in str(caught.value) and BUSY in str(caught.value)
    assert [a.section_id for a in store.list()] == ["A1"]
    store.add("B1", "B", "h2", "Sam")  # the same store works again once the other program is done
    assert [a.section_id for a in store.list()] == ["A1", "B1"]
    assert verify_chain(conn).ok
    conn.close()


def test_exports_have_the_documented_fields(tmp_path: Path) -> None:
    conn, store = store_at(tmp_path / "db.sqlite3")
    store.add("A1", "=SUM(1)", "h1", "Sam")
    records = store.list()
    conn.close()
    assert json.loads(export_json(records)) == [{"section_id": "A1", "title": "=SUM(1)", "content_hash": "h1",
                                                 "confirmed_at": "2026-12-05T07:48:00.000000+00:00",
                                                 "officer": "Sam"}]
    assert export_csv(records).splitlines() == [
        "section_id,title,content_hash,confirmed_at,officer",
        "A1,'=SUM(1),h1,2026-12-05T07:48:00.000000+00:00,Sam",
    ]


def test_notes_repair_copies_the_confirmations_with_their_chain(tmp_path: Path) -> None:
    from manualviewer.storage.repair import repair

    path = tmp_path / "db.sqlite3"
    conn, store = store_at(path)
    store.add("A1", "A", "h1", "Sam")
    store.add("B1", "B", "h2", "Sam")
    conn.close()
    done = repair(path)
    assert done.copied["attestations"] == 2 and "attestations" not in done.unreadable
    conn, store = store_at(path)
    assert [a.section_id for a in store.list()] == ["A1", "B1"]
    assert verify_chain(conn).ok
    conn.close()
