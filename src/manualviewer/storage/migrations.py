"""The schema's migrations, in order, and the row hashes the notes' and confirmations' chains use.

Kept apart from `database` (opening, locking, failure reasons) so each module reads on its own;
`database` re-exports these names, so callers import them from either.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable

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


def trigger_table(sql: str) -> str:
    # A database held at an older schema (a test of a migration) lacks later tables' triggers.
    return sql.split(" ON ", 1)[1].split()[0]




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
        if trigger_table(sql) in tables:  # later tables' triggers come with their own migrations
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
