"""A note once written is never lost: real faults under a real `python -m manualviewer procedure
run`. When the database cannot take the save, the run exits 3, prints the note, keeps the save in
a recovery file (0600), and the next command that opens the database imports it exactly once."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.helpers.notes_faults import (
    DROP_OVERRIDE,
    Cli,
    another_program_holding,
    can_drop_override,
    fill,
    is_root,
    small_tmpfs,
)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home", tmp_path / "db" / "notes.sqlite3").setup()


def assert_kept(done: object, reason: str) -> Path:
    """The run that could not save: exit 3, the note on stdout, the reason on stderr, the file."""
    assert getattr(done, "returncode") == 3, getattr(done, "stderr")  # noqa: B009
    result = json.loads(getattr(done, "stdout"))  # noqa: B009
    assert "AB 123" in result["note"]
    assert reason in getattr(done, "stderr")  # noqa: B009
    kept = Path(result["saved"]["recovery_file"])
    assert result["saved"]["reason"] == reason
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    lines = kept.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    save = json.loads(lines[0])
    assert save["note"]["text"] == result["note"]
    assert [e["subject"] for e in save["escalations"]] == [e["subject"] for e in result["escalations"]]
    return kept


def test_another_program_holding_the_database(cli: Cli) -> None:
    assert cli.procedure_run().returncode == 0  # the database exists, with one note
    with another_program_holding(cli.database):
        done = cli.procedure_run()
        kept = assert_kept(done, "another program is using your notes database")
        assert kept == cli.database.with_name("notes.sqlite3.recovery.jsonl")
        # Reading still works while the other program holds it.
        assert len(cli.notes()) == 1
    notes = cli.notes()  # the next command that can write imports the kept save ...
    assert [n["customer_reference"] for n in notes] == ["AB 123", "AB 123"]
    assert not kept.exists()  # ... and removes the file
    assert len(cli.notes()) == 2  # exactly once
    conn = sqlite3.connect(cli.database)
    assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 2  # the escalation too
    conn.close()
    assert cli.call("notes", "verify").returncode == 0


@pytest.mark.skipif(not is_root(), reason="a full disk needs a small tmpfs mount, which needs root")
def test_a_full_disk(cli: Cli, tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "small") as disk:
        cli.database = disk / "notes.sqlite3"
        assert cli.procedure_run().returncode == 0
        filler = fill(disk)
        done = cli.procedure_run()
        assert "cannot rollback" not in done.stderr
        kept = assert_kept(done, "the disk is full")
        assert kept in cli.fallback_files()  # no room beside the database: the private fallback
        filler.unlink()
        assert len(cli.notes()) == 2
        assert cli.fallback_files() == []


@pytest.mark.skipif(not can_drop_override(), reason="needs root and setpriv to drop CAP_DAC_OVERRIDE")
def test_a_read_only_database_file(cli: Cli) -> None:
    assert cli.procedure_run().returncode == 0
    cli.database.chmod(0o400)
    done = cli.procedure_run(prefix=tuple(DROP_OVERRIDE))
    kept = assert_kept(done, "your notes database is read-only")
    assert kept.parent == cli.database.parent
    listing = cli.call("notes", "list", "--json", prefix=tuple(DROP_OVERRIDE))
    assert listing.returncode == 0, listing.stderr
    assert len(json.loads(listing.stdout)) == 1  # `notes list` works read-only
    assert "read-only" in listing.stderr
    cli.database.chmod(0o600)
    assert len(cli.notes()) == 2
    assert not kept.exists()


@pytest.mark.skipif(not can_drop_override(), reason="needs root and setpriv to drop CAP_DAC_OVERRIDE")
def test_a_read_only_folder(cli: Cli) -> None:
    assert cli.procedure_run().returncode == 0
    folder = cli.database.parent
    folder.chmod(0o500)
    try:
        done = cli.procedure_run(prefix=tuple(DROP_OVERRIDE))
        kept = assert_kept(done, "your notes database is read-only")
        assert kept in cli.fallback_files()
        listing = cli.call("notes", "list", "--json", prefix=tuple(DROP_OVERRIDE))
        assert listing.returncode == 0, listing.stderr
        assert len(json.loads(listing.stdout)) == 1
    finally:
        folder.chmod(0o700)
    assert len(cli.notes()) == 2
    assert cli.fallback_files() == []


def corrupt_a_page(database: Path, page: int) -> None:
    size = sqlite3.connect(database).execute("PRAGMA page_size").fetchone()[0]
    with open(database, "r+b") as f:
        f.seek(size * (page - 1))
        f.write(b"\xde\xad\xbe\xef" * (size // 4))  # not a b-tree page any more
        f.flush()
        os.fsync(f.fileno())


def test_a_corrupt_page_is_found_at_open_and_repaired(cli: Cli) -> None:
    assert cli.procedure_run().returncode == 0
    conn = sqlite3.connect(cli.database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # The page that holds the outbox table, not the notes: the notes stay readable.
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'outbox'").fetchone()[0]
    conn.close()
    corrupt_a_page(cli.database, page)

    done = cli.procedure_run()
    kept = assert_kept(done, "your notes database is damaged")
    listing = cli.call("notes", "list")
    assert listing.returncode == 1
    assert "damaged" in listing.stderr and "manualviewer notes repair" in listing.stderr

    repaired = cli.call("notes", "repair", "--json")
    assert repaired.returncode == 0, repaired.stderr
    report = json.loads(repaired.stdout)
    assert Path(report["damaged_copy"]).is_file()  # the damaged file is kept aside
    assert report["copied"]["notes"] == 1
    assert "outbox" in report["unreadable"]
    notes = cli.notes()
    assert len(notes) == 2  # the readable note, and the save kept while it was damaged
    assert not kept.exists()
    assert cli.call("notes", "verify").returncode == 0
