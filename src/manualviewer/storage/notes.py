"""Case notes: append-only. A correction is a new note whose `amends` names the note it corrects.

SQLite triggers reject UPDATE and DELETE on the notes table, so no code path (ours or a stray
SQL shell) can rewrite what was recorded; the triggers are put back at every open. Each note also
stores sha256(previous note's hash + the note), so an edit made with the triggers dropped is
found by `verify_chain` (`manualviewer notes verify`). Each `add` is committed before it returns.
"""

from __future__ import annotations

import builtins
import csv
import datetime as dt
import io
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from manualviewer.core.json_limits import loads_bounded
from manualviewer.core.procedures.wording import local_time
from manualviewer.storage.clock import Clock, from_db, to_db, utc_now
from manualviewer.storage.database import NOTE_FIELDS, chain_hash, transaction


@dataclass(frozen=True)
class NewNote:
    officer: str
    text: str
    customer_reference: str = ""
    procedure_id: str = ""
    procedure_version: str = ""
    content_version: str = ""
    record_json: str = "{}"  # the structured record (steps, answers, cited sections, times)
    amends: int | None = None


@dataclass(frozen=True)
class StoredNote:
    id: int
    created_at: dt.datetime  # UTC
    officer: str
    procedure_id: str
    procedure_version: str
    content_version: str
    customer_reference: str
    text: str
    record_json: str
    amends: int | None

    @property
    def record(self) -> Any:
        return loads_bounded(self.record_json)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": to_db(self.created_at),
            "officer": self.officer,
            "customer_reference": self.customer_reference,
            "procedure_id": self.procedure_id,
            "procedure_version": self.procedure_version,
            "content_version": self.content_version,
            "amends": self.amends,
            "text": self.text,
            "record": self.record,
        }


class NoteError(ValueError):
    """A note that cannot be saved (empty text, no officer, bad record, unknown amended note)."""


_COLUMNS = (
    "id, created_at, officer, procedure_id, procedure_version, content_version, "
    "customer_reference, text, record_json, amends"
)


class NoteStore:
    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    def add(self, note: NewNote, save_id: str | None = None) -> StoredNote:
        """Save `note`; it is committed (durable) when this returns. A `save_id` makes the save
        idempotent: a second add with the same id (a retry, a recovered save) returns the note
        the first one stored."""
        check_note(note)
        created = to_db(self._clock())
        with transaction(self._conn):
            new_id = insert_note(self._conn, note, created, save_id)
        stored = self.get(new_id)
        assert stored is not None
        return stored

    def get(self, note_id: int) -> StoredNote | None:
        row = self._row(note_id)
        return _note(row) if row is not None else None

    def list(
        self,
        customer_reference: str | None = None,
        procedure_id: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        text: str | None = None,
    ) -> list[StoredNote]:
        """Notes oldest first. `since` is inclusive, `until` exclusive (both time-zone aware);
        `text` is a case-insensitive substring of the note text or the customer reference."""
        where: list[str] = []
        params: list[object] = []
        if customer_reference is not None:
            where.append("customer_reference = ?")
            params.append(customer_reference.strip())
        if procedure_id is not None:
            where.append("procedure_id = ?")
            params.append(procedure_id)
        if since is not None:
            where.append("created_at >= ?")
            params.append(to_db(since))
        if until is not None:
            where.append("created_at < ?")
            params.append(to_db(until))
        if text:
            where.append("(mv_contains(text, ?) OR mv_contains(customer_reference, ?))")
            params += [text, text]
        sql = f"SELECT {_COLUMNS} FROM notes"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id"
        return [_note(r) for r in self._conn.execute(sql, params)]

    def amendments_of(self, note_id: int) -> builtins.list[StoredNote]:
        """Every note that amends `note_id`, directly or by amending an amendment, oldest first."""
        rows = self._conn.execute(
            f"""
            WITH RECURSIVE chain(id) AS (
                SELECT id FROM notes WHERE amends = ?
                UNION
                SELECT n.id FROM notes n JOIN chain c ON n.amends = c.id
            )
            SELECT {_COLUMNS} FROM notes WHERE id IN (SELECT id FROM chain) ORDER BY id
            """,
            (note_id,),
        )
        return [_note(r) for r in rows]

    # Exports as methods too, for callers holding only the store; they need no database.
    @staticmethod
    def export_csv(notes: Sequence[StoredNote]) -> str:
        return export_csv(notes)

    @staticmethod
    def export_json(notes: Sequence[StoredNote]) -> str:
        return export_json(notes)

    @staticmethod
    def export_text(notes: Sequence[StoredNote], *, readable: bool = False) -> str:
        return export_text(notes, readable=readable)

    def _row(self, note_id: int) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._conn.execute(
            f"SELECT {_COLUMNS} FROM notes WHERE id = ?", (note_id,)
        ).fetchone()
        return row


def check_note(note: NewNote) -> None:
    """Raise NoteError when `note` cannot be saved."""
    if not note.text.strip():
        raise NoteError("a note needs some text")
    if not note.officer.strip():
        raise NoteError("a note needs the officer's name (set officer_name in settings)")
    try:
        loads_bounded(note.record_json)
    except ValueError as exc:
        raise NoteError(f"record_json is not valid JSON: {exc}") from exc


def insert_note(conn: sqlite3.Connection, note: NewNote, created: str, save_id: str | None = None) -> int:
    """Insert `note` with its link in the hash chain, inside the caller's transaction; return
    its id (the earlier note's id when `save_id` was already saved)."""
    if save_id is not None:
        done = conn.execute("SELECT note_id FROM note_saves WHERE save_id = ?", (save_id,)).fetchone()
        if done is not None:
            return int(done[0])
    if note.amends is not None and conn.execute("SELECT 1 FROM notes WHERE id = ?", (note.amends,)).fetchone() is None:
        raise NoteError(f"cannot amend note {note.amends}: there is no such note")
    last = conn.execute("SELECT id, chain_hash FROM notes ORDER BY id DESC LIMIT 1").fetchone()
    new_id = (int(last[0]) + 1) if last is not None else 1
    values = (
        new_id,
        created,
        note.officer.strip(),
        note.procedure_id,
        note.procedure_version,
        note.content_version,
        note.customer_reference.strip(),
        note.text,
        note.record_json,
        note.amends,
    )
    link = chain_hash(str(last[1]) if last is not None else "", values)
    conn.execute(
        f"INSERT INTO notes ({', '.join(NOTE_FIELDS)}, chain_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*values, link),
    )
    if save_id is not None:
        conn.execute("INSERT INTO note_saves (save_id, note_id) VALUES (?, ?)", (save_id, new_id))
    return new_id


@dataclass(frozen=True)
class ChainReport:
    """The result of checking the notes' hash chain: `first_bad` is the first note whose stored
    hash does not match (edited, or a note before it removed or changed), None when intact."""

    checked: int
    first_bad: int | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad is None

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "first_bad_note": self.first_bad, "problem": self.problem}


def verify_chain(conn: sqlite3.Connection) -> ChainReport:
    """Recompute every note's hash from the first; report the first that does not match."""
    previous = ""
    checked = 0
    for row in conn.execute(f"SELECT {', '.join(NOTE_FIELDS)}, chain_hash FROM notes ORDER BY id"):
        note_id = int(row[0])
        link = chain_hash(previous, row)
        if link != row["chain_hash"]:
            return ChainReport(checked, note_id, f"note {note_id} was changed outside manualviewer "
                               "(or a note before it was)")
        previous = link
        checked += 1
    return ChainReport(checked, None)


def _note(row: sqlite3.Row) -> StoredNote:
    return StoredNote(
        id=row["id"],
        created_at=from_db(row["created_at"]),
        officer=row["officer"],
        procedure_id=row["procedure_id"],
        procedure_version=row["procedure_version"],
        content_version=row["content_version"],
        customer_reference=row["customer_reference"],
        text=row["text"],
        record_json=row["record_json"],
        amends=row["amends"],
    )


# ---------------------------------------------------------------------------------------------
# Exports

CSV_FIELDS = (
    "id",
    "created_at",
    "officer",
    "customer_reference",
    "procedure_id",
    "procedure_version",
    "content_version",
    "amends",
    "text",
    "record_json",
)


def export_csv(notes: Sequence[StoredNote]) -> str:
    """RFC 4180 CSV, one row per note. Cells that a spreadsheet would run as a formula get a
    leading apostrophe (OWASP CSV injection advice); the JSON export keeps the exact text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for n in notes:
        writer.writerow(
            [
                str(n.id),
                to_db(n.created_at),
                _cell(n.officer),
                _cell(n.customer_reference),
                _cell(n.procedure_id),
                _cell(n.procedure_version),
                _cell(n.content_version),
                "" if n.amends is None else str(n.amends),
                _cell(n.text),
                _cell(n.record_json),
            ]
        )
    return out.getvalue()


def _cell(value: str) -> str:
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def export_json(notes: Sequence[StoredNote]) -> str:
    """A JSON array of notes; `record` is the structured record as an object, not a string."""
    return json.dumps([n.as_json() for n in notes], indent=2, ensure_ascii=False) + "\n"


def export_text(notes: Sequence[StoredNote], *, readable: bool = False) -> str:
    """Plain text for pasting into a case system: a short header per note, then its text.
    `readable` (what the app shows and copies): local times and no guidance fingerprint, which
    means nothing to a reader; the export file keeps UTC and the fingerprint."""
    blocks = []
    for n in notes:
        when = local_time(n.created_at) if readable else n.created_at.strftime("%d %b %Y %H:%M UTC")
        lines = [f"Note {n.id} - {when} - {n.officer}"]
        if n.customer_reference:
            lines.append(f"Customer reference: {n.customer_reference}")
        if n.procedure_id:
            proc = n.procedure_id
            if n.procedure_version:
                proc += f" (version {n.procedure_version})"
            if n.content_version and not readable:
                proc += f", guidance version {n.content_version}"
            lines.append(f"Procedure: {proc}")
        if n.amends is not None:
            lines.append(f"Amends note {n.amends}")
        lines.append("")
        lines.append(n.text.rstrip())
        blocks.append("\n".join(lines))
    return ("\n\n" + "-" * 40 + "\n\n").join(blocks) + ("\n" if blocks else "")
