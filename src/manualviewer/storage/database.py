"""The SQLite database: opening it safely and migrating its schema.

One file holds notes, the escalation outbox, in-progress runs, bookmarks, history and UI session
state (training uses a second file with the same schema). The connection is in autocommit mode;
every store method that writes does so inside `transaction(conn)`, so each call is committed
before it returns.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

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


def chain_hash(previous: str, row: sqlite3.Row | tuple[object, ...]) -> str:
    """sha256(previous hash + the note canonically written): each note seals the one before, so a
    note edited, removed or inserted outside the app breaks the chain from there on."""
    return link_hash(previous, list(row)[: len(NOTE_FIELDS)])


def link_hash(previous: str, values: list[object] | tuple[object, ...]) -> str:
    """One link of an append-only table's hash chain (notes, attestations): sha256 of the
    previous link and the row's values as compact JSON."""
    canonical = json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous + canonical).encode("utf-8")).hexdigest()


NOTE_FIELDS = (
    "id", "created_at", "officer", "procedure_id", "procedure_version", "content_version",
    "customer_reference", "text", "record_json", "amends",
)


def _migration_4(conn: sqlite3.Connection) -> None:
    # The hash chain over notes, computed once for the notes already there (the update trigger is
    # lifted for that one pass, inside this migration's transaction), and the save ids that make
    # importing a recovered save happen exactly once.
    _run_script(conn, """
        ALTER TABLE notes ADD COLUMN chain_hash TEXT NOT NULL DEFAULT '';
        CREATE TABLE note_saves (
            save_id TEXT PRIMARY KEY,
            note_id INTEGER NOT NULL REFERENCES notes(id)
        );
        DROP TRIGGER IF EXISTS notes_no_update;
    """)
    previous = ""
    for row in conn.execute(f"SELECT {', '.join(NOTE_FIELDS)} FROM notes ORDER BY id").fetchall():
        previous = chain_hash(previous, row)
        conn.execute("UPDATE notes SET chain_hash = ? WHERE id = ?", (previous, row[0]))
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for name, sql in TRIGGERS.items():
        if _trigger_table(sql) in tables:  # later tables' triggers come with their own migrations
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
            conn.execute(sql)


def _migration_5(conn: sqlite3.Connection) -> None:
    # Drafts: a concern the officer did not send yet ("Not now") is kept in the outbox as state
    # 'draft', written in full then (its body never changes; sending it later changes only its
    # state), and `note_id` ties an escalation to the note it came from, so the Notes panel can
    # show it. SQLite cannot change a CHECK in place: the table is rebuilt (the DROP fires no
    # delete trigger; nothing references outbox) and its index and triggers are made again.
    _run_script(conn, """
        CREATE TABLE outbox_new (
            id              INTEGER PRIMARY KEY,
            created_at      TEXT NOT NULL,
            message_id      TEXT NOT NULL,
            sender          TEXT NOT NULL DEFAULT '',
            "to"            TEXT NOT NULL,
            subject         TEXT NOT NULL,
            body            TEXT NOT NULL,
            state           TEXT NOT NULL DEFAULT 'queued'
                            CHECK (state IN ('draft', 'queued', 'sending', 'delivered', 'failed')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            last_error      TEXT NOT NULL DEFAULT '',
            last_attempt_at TEXT,
            delivered_at    TEXT,
            channel         TEXT NOT NULL DEFAULT '',
            outcome         TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'uncertain', 'refused')),
            note_id         INTEGER REFERENCES notes(id)
        );
        INSERT INTO outbox_new (id, created_at, message_id, sender, "to", subject, body, state, attempts,
                                last_error, last_attempt_at, delivered_at, channel, outcome)
            SELECT id, created_at, message_id, sender, "to", subject, body, state, attempts,
                   last_error, last_attempt_at, delivered_at, channel, outcome FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_new RENAME TO outbox;
        CREATE INDEX outbox_state ON outbox(state);
        CREATE INDEX outbox_note ON outbox(note_id);
    """)
    for name in ("outbox_no_delete", "outbox_body_fixed"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        conn.execute(TRIGGERS[name])


ATTESTATION_FIELDS = ("id", "confirmed_at", "officer", "section_id", "title", "content_hash")


def _migration_6(conn: sqlite3.Connection) -> None:
    # "Read and understood" confirmations (issue 17): append-only and hash-chained like notes.
    _run_script(conn, """
        CREATE TABLE attestations (
            id           INTEGER PRIMARY KEY,
            confirmed_at TEXT NOT NULL,  -- UTC ISO 8601
            officer      TEXT NOT NULL,
            section_id   TEXT NOT NULL,
            title        TEXT NOT NULL,
            content_hash TEXT NOT NULL,  -- the section's content hash when it was confirmed
            chain_hash   TEXT NOT NULL
        );
        CREATE INDEX attestations_section ON attestations(section_id, id);
    """)
    for name in ("attestations_no_update", "attestations_no_delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        conn.execute(TRIGGERS[name])


def _migration_7(conn: sqlite3.Connection) -> None:
    # The guidance an unfinished run started on: the procedure's text and its hash (so a resume
    # can tell the procedure changed, and go on with the version started), and the content hash
    # of each section it cites then (section ID -> hash, JSON), for the "changed" badges.
    # Written when the run is first saved, never changed after.
    _run_script(conn, """
        ALTER TABLE runs ADD COLUMN procedure_hash TEXT NOT NULL DEFAULT '';
        ALTER TABLE runs ADD COLUMN procedure_text TEXT NOT NULL DEFAULT '';
        ALTER TABLE runs ADD COLUMN sections_json TEXT NOT NULL DEFAULT '{}';
    """)


def _migration_8(conn: sqlite3.Connection) -> None:
    # A draft with no address yet ("Not now" before the line manager's address is set): kept with
    # "to" = '', its address set once, when it is sent. The body rule no longer covers "to"; a rule
    # of its own lets only that change through: an unaddressed draft becoming queued, addressed.
    for name in ("outbox_body_fixed", "outbox_to_once"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        conn.execute(TRIGGERS[name])


def _migration_9(conn: sqlite3.Connection) -> None:
    # The guidance a run started on moves to a table of its own, written once: in `runs` every
    # answer's save rewrote the whole row, procedure text included (a few KB a save, in the WAL
    # and on a nearly full disk). The columns migration 7 added stay, unused: DROP COLUMN needs
    # SQLite 3.35, older than some desktops have.
    _run_script(conn, """
        CREATE TABLE run_guidance (
            run_id         TEXT PRIMARY KEY REFERENCES runs(run_id) ON DELETE CASCADE,
            procedure_hash TEXT NOT NULL,
            procedure_text TEXT NOT NULL,
            sections_json  TEXT NOT NULL DEFAULT '{}'
        );
        INSERT INTO run_guidance (run_id, procedure_hash, procedure_text, sections_json)
            SELECT run_id, procedure_hash, procedure_text, sections_json FROM runs WHERE procedure_hash != '';
        UPDATE runs SET procedure_hash = '', procedure_text = '', sections_json = '{}';
    """)


# Append only. Migration N (1-based) takes user_version N-1 to N; never edit a released one.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migration_1, _migration_2, _migration_3, _migration_4, _migration_5, _migration_6, _migration_7,
    _migration_8, _migration_9,
]
SCHEMA_VERSION = len(MIGRATIONS)


# The append-only rules, checked and recreated at every open: a trigger dropped or changed
# outside the app is put back (an edit made meanwhile shows in the notes' hash chain).
_APPEND_ONLY_NOTES = "notes are append-only: add a note that amends this one"
_APPEND_ONLY_ATTESTATIONS = "confirmations are append-only: confirm again to add a new one"
TRIGGERS: dict[str, str] = {
    "notes_no_update": f"CREATE TRIGGER notes_no_update BEFORE UPDATE ON notes "
    f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY_NOTES}'); END",
    "notes_no_delete": f"CREATE TRIGGER notes_no_delete BEFORE DELETE ON notes "
    f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY_NOTES}'); END",
    "outbox_no_delete": "CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox "
    "BEGIN SELECT RAISE(ABORT, 'escalations are kept: the outbox is the record of what was sent'); END",
    # Delivery state changes; what was written never does, nor whom it went to once addressed:
    # a draft kept without an address gets one only as it is sent (draft -> queued).
    "outbox_body_fixed": "CREATE TRIGGER outbox_body_fixed BEFORE UPDATE OF created_at, message_id, sender, "
    "subject, body, note_id ON outbox "
    "BEGIN SELECT RAISE(ABORT, 'escalations are kept as written: the outbox body cannot change'); END",
    "outbox_to_once": 'CREATE TRIGGER outbox_to_once BEFORE UPDATE OF "to" ON outbox '
    "WHEN OLD.\"to\" <> '' OR NEW.\"to\" = '' OR OLD.state <> 'draft' OR NEW.state <> 'queued' "
    "BEGIN SELECT RAISE(ABORT, 'escalations are kept as written: the recipient is set once, when a draft "
    "is sent'); END",
    "note_saves_no_change": "CREATE TRIGGER note_saves_no_change BEFORE UPDATE ON note_saves "
    "BEGIN SELECT RAISE(ABORT, 'save ids are kept'); END",
    "note_saves_no_delete": "CREATE TRIGGER note_saves_no_delete BEFORE DELETE ON note_saves "
    "BEGIN SELECT RAISE(ABORT, 'save ids are kept'); END",
    "attestations_no_update": "CREATE TRIGGER attestations_no_update BEFORE UPDATE ON attestations "
    f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY_ATTESTATIONS}'); END",
    "attestations_no_delete": "CREATE TRIGGER attestations_no_delete BEFORE DELETE ON attestations "
    f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY_ATTESTATIONS}'); END",
}


def ensure_triggers(conn: sqlite3.Connection) -> list[str]:
    """Recreate any append-only trigger that is missing or not as written here; return their names."""
    present = {r[0]: r[1] for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    wrong = [name for name, sql in TRIGGERS.items()
             if " ".join(str(present.get(name, "")).split()) != sql and _trigger_table(sql) in tables]
    if wrong:
        with transaction(conn):
            for name in wrong:
                conn.execute(f"DROP TRIGGER IF EXISTS {name}")
                conn.execute(TRIGGERS[name])
    return wrong


def _trigger_table(sql: str) -> str:
    # A database held at an older schema (a test of a migration) lacks later tables' triggers.
    return sql.split(" ON ", 1)[1].split()[0]


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
