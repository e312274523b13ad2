"""The SQLite database: opening it safely and migrating its schema.

One file holds notes, the escalation outbox, in-progress runs, bookmarks, history and UI session
state (training uses a second file with the same schema). The connection is in autocommit mode;
every store method that writes does so inside `transaction(conn)`, so each call is committed
before it returns.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

PRIVATE_MODE = 0o600


class DatabaseError(Exception):
    """The database file cannot be used (corrupt, newer than this program, unreadable)."""


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # Not conn.executescript(): that COMMITs first, which would split a migration from its
    # user_version bump. Statements are cut where sqlite3 says one is complete (triggers hold ';').
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            conn.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in migration: {pending!r}")


def _migration_1(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE notes (
            id                INTEGER PRIMARY KEY,
            created_at        TEXT NOT NULL,  -- UTC ISO 8601, fixed width so text order = time order
            officer           TEXT NOT NULL,
            procedure_id      TEXT NOT NULL DEFAULT '',
            procedure_version TEXT NOT NULL DEFAULT '',
            content_version   TEXT NOT NULL DEFAULT '',
            customer_reference TEXT NOT NULL DEFAULT '',
            text              TEXT NOT NULL,
            record_json       TEXT NOT NULL DEFAULT '{}',
            amends            INTEGER REFERENCES notes(id)
        );
        CREATE INDEX notes_customer ON notes(customer_reference);
        CREATE INDEX notes_procedure ON notes(procedure_id);
        CREATE INDEX notes_created ON notes(created_at);
        CREATE INDEX notes_amends ON notes(amends);

        -- A note is a record of what was said and done; a correction is a new note that amends it.
        CREATE TRIGGER notes_no_update BEFORE UPDATE ON notes
        BEGIN
            SELECT RAISE(ABORT, 'notes are append-only: add a note that amends this one');
        END;
        CREATE TRIGGER notes_no_delete BEFORE DELETE ON notes
        BEGIN
            SELECT RAISE(ABORT, 'notes are append-only: add a note that amends this one');
        END;

        CREATE TABLE outbox (
            id              INTEGER PRIMARY KEY,
            created_at      TEXT NOT NULL,
            message_id      TEXT NOT NULL,  -- same Message-ID on every attempt: a resend is recognisable
            sender          TEXT NOT NULL DEFAULT '',
            "to"            TEXT NOT NULL,
            subject         TEXT NOT NULL,
            body            TEXT NOT NULL,
            state           TEXT NOT NULL DEFAULT 'queued'
                            CHECK (state IN ('queued', 'sending', 'delivered', 'failed')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            last_error      TEXT NOT NULL DEFAULT '',
            last_attempt_at TEXT,
            delivered_at    TEXT,
            channel         TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX outbox_state ON outbox(state);
        CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
        BEGIN
            SELECT RAISE(ABORT, 'escalations are kept: the outbox is the record of what was sent');
        END;

        CREATE TABLE runs (
            run_id       TEXT PRIMARY KEY,
            procedure_id TEXT NOT NULL,
            state_json   TEXT NOT NULL,
            started_at   TEXT NOT NULL,
            updated_at   TEXT NOT NULL
        );

        CREATE TABLE bookmarks (
            id         INTEGER PRIMARY KEY,
            section_id TEXT NOT NULL UNIQUE,
            title      TEXT NOT NULL DEFAULT '',
            label      TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );

        CREATE TABLE history (
            id         INTEGER PRIMARY KEY,
            section_id TEXT NOT NULL,
            opened_at  TEXT NOT NULL
        );
        CREATE INDEX history_section ON history(section_id, opened_at);

        CREATE TABLE session (
            key        TEXT PRIMARY KEY,
            value_json TEXT NOT NULL
        );
        """,
    )


def _migration_2(conn: sqlite3.Connection) -> None:
    # The note of an unfinished run as the officer is editing it, and the draft it was edited
    # from (edits to a draft that an answer has since changed are not brought back).
    _run_script(conn, """
        ALTER TABLE runs ADD COLUMN note_from TEXT;
        ALTER TABLE runs ADD COLUMN note_text TEXT;
    """)


def _migration_3(conn: sqlite3.Connection) -> None:
    # Why a failed escalation failed, where that changes what a retry may do: '' (try again),
    # 'uncertain' (the relay had the message when the line went quiet: it may have been
    # delivered, resend only when the officer says so), 'refused' (a permanent 5xx: never resent).
    # A column rather than new `state` values: the state CHECK cannot change without a rebuild.
    _run_script(conn, """
        ALTER TABLE outbox ADD COLUMN outcome TEXT NOT NULL DEFAULT ''
            CHECK (outcome IN ('', 'uncertain', 'refused'));
    """)


# Append only. Migration N (1-based) takes user_version N-1 to N; never edit a released one.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migration_1, _migration_2, _migration_3]
SCHEMA_VERSION = len(MIGRATIONS)


def open_database(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database at `path`, migrated to SCHEMA_VERSION.

    WAL journal, synchronous=FULL (a committed note survives a crash or power cut), foreign keys
    on, and the file and its -wal/-shm companions readable by the user only.
    """
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a database file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise DatabaseError(f"{path}: cannot create the database: a part of its path is a file, not a folder") from exc
    # Create the file ourselves with 0600 so it is never readable by others, even for a moment.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_MODE)
    os.close(fd)
    conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
    try:
        conn.row_factory = sqlite3.Row
        conn.create_function("mv_contains", 2, _contains, deterministic=True)
        conn.execute("PRAGMA busy_timeout = 10000")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DatabaseError(f"{path}: cannot use write-ahead logging (journal_mode is {mode})")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseError(f"{path}: cannot open the database: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    restrict_permissions(path)
    return conn


def migrate(conn: sqlite3.Connection, path: Path | None = None) -> int:
    """Apply the migrations the database has not seen yet; return the resulting version."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"{path or 'database'}: schema version {version} is newer than this program "
            f"understands ({SCHEMA_VERSION}); update manualviewer"
        )
    while version < SCHEMA_VERSION:
        with transaction(conn):
            # Read again under the write lock: another process may have migrated meanwhile.
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version >= SCHEMA_VERSION:
                break
            MIGRATIONS[version](conn)
            version += 1
            conn.execute(f"PRAGMA user_version = {version}")
    return version


def restrict_permissions(path: Path) -> None:
    """chmod 0600 the database and the WAL files SQLite creates next to it."""
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with suppress(FileNotFoundError):
            os.chmod(p, PRIVATE_MODE)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error). IMMEDIATE takes the write lock up front,
    so two processes (the app and the CLI) never interleave a read-then-write."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _contains(haystack: object, needle: object) -> int:
    # SQLite's LIKE folds ASCII only; casefold handles names such as "Siân" or "STRAßE".
    if not isinstance(haystack, str) or not isinstance(needle, str):
        return 0
    return int(needle.casefold() in haystack.casefold())
