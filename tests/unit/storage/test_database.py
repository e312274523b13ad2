from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from manualviewer.core.settings import Settings
from manualviewer.storage import database, paths
from manualviewer.storage.database import SCHEMA_VERSION, DatabaseError, open_database, transaction
from manualviewer.storage.settings_file import load_user_settings, save_user_settings
from manualviewer.storage.stores import open_stores


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_migrates_an_empty_file_to_the_current_version(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "sub" / "db.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 1
    assert {"notes", "outbox", "runs", "bookmarks", "history", "session"} <= tables(conn)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    conn.close()


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn = open_database(path)
    conn.execute("INSERT INTO session (key, value_json) VALUES ('k', '1')")
    conn.close()
    conn = open_database(path)
    assert conn.execute("SELECT value_json FROM session").fetchone()[0] == "1"
    conn.close()


def test_migrations_run_in_order_and_only_the_new_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.sqlite3"
    open_database(path).close()
    ran: list[int] = []
    new = SCHEMA_VERSION + 1

    def add_column(conn: sqlite3.Connection) -> None:
        ran.append(new)
        conn.execute("ALTER TABLE bookmarks ADD COLUMN colour TEXT NOT NULL DEFAULT ''")

    monkeypatch.setattr(database, "MIGRATIONS", [*database.MIGRATIONS, add_column])
    monkeypatch.setattr(database, "SCHEMA_VERSION", new)
    conn = open_database(path)
    assert ran == [new]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == new
    assert "colour" in {r[1] for r in conn.execute("PRAGMA table_info(bookmarks)")}
    conn.close()


def test_a_failing_migration_leaves_the_version_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.sqlite3"
    open_database(path).close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(database, "MIGRATIONS", [*database.MIGRATIONS, broken])
    monkeypatch.setattr(database, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(RuntimeError, match="boom"):
        open_database(path)
    monkeypatch.undo()
    conn = open_database(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "half_done" not in tables(conn)  # rolled back with the version bump
    conn.close()


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn = open_database(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(DatabaseError, match="newer than this program"):
        open_database(path)


def test_a_file_that_is_not_a_database_is_reported_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    junk = b"this is not sqlite" * 100
    path.write_bytes(junk)
    with pytest.raises(DatabaseError, match=str(path)):
        open_database(path)
    assert path.read_bytes() == junk


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_database_and_wal_files_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a typical umask would otherwise give 0644
    try:
        path = tmp_path / "db.sqlite3"
        conn = open_database(path)
        with transaction(conn):
            conn.execute("INSERT INTO session (key, value_json) VALUES ('a', '1')")
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        # A second connection (the CLI while the app runs) keeps them private too.
        conn2 = open_database(path)
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        conn2.close()
        conn.close()
    finally:
        os.umask(old)


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "db.sqlite3")
    with pytest.raises(ValueError), transaction(conn):
        conn.execute("INSERT INTO session (key, value_json) VALUES ('a', '1')")
        raise ValueError("no")
    assert conn.execute("SELECT COUNT(*) FROM session").fetchone()[0] == 0
    conn.close()


def test_default_locations_and_training_store_are_separate() -> None:
    stores = open_stores()
    training = open_stores(paths.training_database_path())
    assert paths.database_path().exists() and paths.training_database_path().exists()
    assert paths.database_path() != paths.training_database_path()
    stores.session.set("k", '"live"')
    assert training.session.get("k") is None
    assert mode(paths.database_path()) == mode(paths.training_database_path()) == 0o600
    stores.close()
    training.close()


def test_user_settings_live_in_the_config_folder() -> None:
    assert load_user_settings() == Settings()
    save_user_settings(Settings(officer_name="Ann"))
    assert paths.settings_path().exists()
    assert mode(paths.settings_path()) == 0o600
    assert load_user_settings().officer_name == "Ann"
