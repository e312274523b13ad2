"""The SQLite database: opening it safely and migrating its schema.

One file holds notes, the escalation outbox, in-progress runs, bookmarks, history and UI session
state (training uses a second file with the same schema). The connection is in autocommit mode;
every store method that writes does so inside `transaction(conn)`, so each call is committed
before it returns.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

# The schema lives in migrations.py; these names are re-exported because callers import them from here.
from .migrations import ATTESTATION_FIELDS as ATTESTATION_FIELDS
from .migrations import MIGRATIONS as MIGRATIONS
from .migrations import NOTE_FIELDS as NOTE_FIELDS
from .migrations import SCHEMA_VERSION as SCHEMA_VERSION
from .migrations import TRIGGERS as TRIGGERS
from .migrations import chain_hash as chain_hash
from .migrations import link_hash as link_hash
from .migrations import trigger_table

PRIVATE_MODE = 0o600
# How long a save waits for another program's write lock before the note goes to the recovery
# file instead. An officer is waiting on the screen: 3 s, not SQLite's usual 10 s.
LOCK_WAIT_SECONDS = 3.0

# The reasons a user is told, in their words (issue 13).
BUSY = "another program is using your notes database"
FULL = "the disk is full"
READ_ONLY = "your notes database is read-only"
DAMAGED = "your notes database is damaged"
REPAIR_HINT = ("Run 'manualviewer notes repair' to keep the damaged file aside, start a new one and copy "
               "across what can still be read")


class DatabaseError(Exception):
    """The database file cannot be used (corrupt, newer than this program, unreadable).
    `reason` is the plain-words cause when one is known (BUSY, FULL, READ_ONLY, DAMAGED)."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


def failure_reason(exc: BaseException, path: Path | None = None) -> str:
    """The plain words for why the database could not take a write, or "" when unknown. With the
    database's `path`, a vague error ("disk I/O error", "unable to open database file") is
    explained by looking at its folder: no space left, or not writable."""
    reason = _error_reason(exc)
    if not reason and path is not None:
        reason = _folder_reason(path)
    return reason


def _error_reason(exc: BaseException) -> str:
    if isinstance(exc, DatabaseError) and exc.reason:
        return exc.reason
    name = str(getattr(exc, "sqlite_errorname", ""))
    text = str(exc).lower()
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return FULL
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return READ_ONLY
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return BUSY
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return FULL
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return READ_ONLY
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text or "not a database" in text:
        return DAMAGED
    if exc.__cause__ is not None and exc.__cause__ is not exc:
        return _error_reason(exc.__cause__)
    return ""




def ensure_triggers(conn: sqlite3.Connection) -> list[str]:
    """Recreate any append-only trigger that is missing or not as written here; return their names."""
    present = {r[0]: r[1] for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    wrong = [name for name, sql in TRIGGERS.items()
             if " ".join(str(present.get(name, "")).split()) != sql and trigger_table(sql) in tables]
    if wrong:
        with transaction(conn):
            for name in wrong:
                conn.execute(f"DROP TRIGGER IF EXISTS {name}")
                conn.execute(TRIGGERS[name])
    return wrong


def _configure(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.create_function("mv_contains", 2, _contains, deterministic=True)
    conn.execute(f"PRAGMA busy_timeout = {int(LOCK_WAIT_SECONDS * 1000)}")


def _check_intact(conn: sqlite3.Connection, path: Path) -> None:
    rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
    if rows != ["ok"]:
        raise DatabaseError(f"{path}: {DAMAGED} ({'; '.join(rows[:3])}). {REPAIR_HINT}", DAMAGED)


def open_database(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database at `path`, migrated to SCHEMA_VERSION, checked
    (quick_check) and with its append-only triggers in place.

    WAL journal, synchronous=FULL (a committed note survives a crash or power cut), foreign keys
    on, and the file and its -wal/-shm companions readable by the user only. Raises
    DatabaseError, with `reason` in plain words when known.
    """
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a database file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise DatabaseError(f"{path}: cannot create the database: a part of its path is a file, not a folder") from exc
    # Create the file ourselves with 0600 so it is never readable by others, even for a moment.
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_MODE)
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot open the database: {exc}", failure_reason(exc)) from exc
    os.close(fd)
    conn = sqlite3.connect(path, isolation_level=None, timeout=LOCK_WAIT_SECONDS)
    try:
        _configure(conn)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DatabaseError(f"{path}: cannot use write-ahead logging (journal_mode is {mode})")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        _check_intact(conn, path)
        migrate(conn, path)
        ensure_triggers(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        reason = failure_reason(exc, path)
        hint = f". {REPAIR_HINT}" if reason == DAMAGED else ""
        raise DatabaseError(f"{path}: cannot open the database: {reason or exc}{hint}", reason) from exc
    except BaseException:
        conn.close()
        raise
    restrict_permissions(path)
    return conn


# Less free space than this where the database lives is a full disk (a WAL frame and its page).
_NEARLY_FULL_BYTES = 64 * 1024


def _folder_reason(path: Path) -> str:
    # SQLite says only "disk I/O error" or "unable to open database file" when it cannot grow
    # the WAL or create it beside the database; look at the folder ourselves to name the cause.
    try:
        fs = os.statvfs(path.parent)
        if fs.f_bavail * fs.f_frsize < _NEARLY_FULL_BYTES:
            return FULL
        with tempfile.TemporaryFile(dir=path.parent):
            return ""
    except OSError as exc:
        return _error_reason(exc)


def open_database_readonly(path: Path) -> sqlite3.Connection:
    """Open the database for reading only, for a database (or folder) that cannot be written.
    Tries mode=ro first (sees other writers' WAL), then immutable=1 (no -shm needed: works in a
    read-only folder). Raises DatabaseError."""
    if not path.is_file():
        raise DatabaseError(f"{path}: there is no notes database here")
    last: sqlite3.Error | None = None
    for query in ("mode=ro", "mode=ro&immutable=1"):
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?{query}", uri=True, isolation_level=None,
                               timeout=LOCK_WAIT_SECONDS)
        try:
            _configure(conn)
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute("SELECT count(*) FROM notes").fetchone()
        except sqlite3.Error as exc:
            conn.close()
            last = exc
            continue
        if version > SCHEMA_VERSION:
            conn.close()
            raise DatabaseError(f"{path}: schema version {version} is newer than this program understands")
        return conn
    reason = failure_reason(last) if last else ""
    raise DatabaseError(f"{path}: cannot read the database: {reason or last}", reason) from last


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
        conn.execute("COMMIT")
    except BaseException:
        # SQLite rolls back by itself on some errors (a full disk); a second ROLLBACK would
        # hide the real error behind "cannot rollback - no transaction is active".
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def _contains(haystack: object, needle: object) -> int:
    # SQLite's LIKE folds ASCII only; casefold handles names such as "Siân" or "STRAßE".
    if not isinstance(haystack, str) or not isinstance(needle, str):
        return 0
    return int(needle.casefold() in haystack.casefold())
