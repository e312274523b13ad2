"""A "read and understood" confirmation the database refused is kept in the recovery file (0600)
and recorded at the next open with the time the officer confirmed: exactly once, at the end of
the hash chain, whatever happens between (a second open, the same line left behind by a crash)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from manualviewer.storage.attestations import AttestationStore, KeptConfirmation, verify_chain
from manualviewer.storage.clock import from_db
from manualviewer.storage.database import BUSY, open_database
from manualviewer.storage.recovery import (
    keep,
    kept_confirmations,
    kept_files,
    open_and_import,
    recovery_path,
)

KEPT = KeptConfirmation("2026-12-05T07:48:00.000000+00:00", "Sam Officer", "TEST100", "Title of TEST100", "a" * 64)


def test_a_kept_confirmation_is_recorded_once_with_its_own_time(tmp_path: Path) -> None:
    database = tmp_path / "user.sqlite3"
    conn = open_database(database)
    AttestationStore(conn).add("TEST200", "Earlier", "b" * 64, "Sam Officer")  # the chain has a row before
    conn.close()

    path = keep(database, KEPT, BUSY)

    assert path == recovery_path(database) and stat.S_IMODE(path.stat().st_mode) == 0o600
    (line,) = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(line) == {**KEPT.as_json(), "reason": BUSY}
    assert kept_confirmations(database) == [KEPT]

    conn, imported = open_and_import(database)
    records = AttestationStore(conn).list()
    assert len(imported.confirmations) == 1 and imported.notes == () and imported.problems == ()
    assert [(r.section_id, r.confirmed_at, r.officer, r.content_hash) for r in records][-1] == (
        "TEST100", from_db(KEPT.confirmed_at), "Sam Officer", "a" * 64)
    assert verify_chain(conn).ok and verify_chain(conn).checked == 2
    assert kept_files(database) == [] and kept_confirmations(database) == []
    conn.close()

    for _again in range(2):  # later opens add nothing
        conn, imported = open_and_import(database)
        assert imported.confirmations == () and len(AttestationStore(conn).list()) == 2
        conn.close()


def test_a_line_left_behind_after_it_was_recorded_adds_nothing(tmp_path: Path) -> None:
    """As after a crash between the import's commit and the file's removal."""
    database = tmp_path / "user.sqlite3"
    keep(database, KEPT, BUSY)
    conn, _imported = open_and_import(database)
    conn.close()
    keep(database, KEPT, BUSY)

    conn, imported = open_and_import(database)

    assert imported.confirmations == ()  # found recorded: nothing added
    assert [r.section_id for r in AttestationStore(conn).list()] == ["TEST100"]
    assert verify_chain(conn).ok and kept_files(database) == []
    conn.close()


def test_a_damaged_kept_confirmation_is_set_aside_not_lost(tmp_path: Path) -> None:
    database = tmp_path / "user.sqlite3"
    damaged = {**KEPT.as_json(), "confirmed_at": "not a time"}
    recovery_path(database).parent.mkdir(parents=True, exist_ok=True)
    recovery_path(database).write_text(json.dumps(damaged) + "\n", encoding="utf-8")

    conn, imported = open_and_import(database)

    assert imported.confirmations == () and AttestationStore(conn).list() == []
    (aside,) = tmp_path.glob("*.unreadable-*")
    assert "not a time" in aside.read_text(encoding="utf-8")
    assert any(str(aside) in problem for problem in imported.problems)
    conn.close()
