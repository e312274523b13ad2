""""Read and understood" confirmations: append-only, like notes.

Each confirmation is one row in the user database (0600): the section, its title and content
hash at the time, when (UTC) and who. SQLite triggers refuse UPDATE and DELETE (put back at
every open by `database.ensure_triggers`), and each row stores a link of a hash chain
(`database.link_hash`, as notes do), so a row edited with the triggers dropped is found by
`verify_chain`. `add` is committed (synchronous=FULL) before it returns: the UI says
"confirmed" only after that.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manualviewer.storage.clock import Clock, from_db, to_db, utc_now
from manualviewer.storage.database import ATTESTATION_FIELDS, DatabaseError, failure_reason, link_hash, transaction

_COLUMNS = ", ".join(ATTESTATION_FIELDS)


@dataclass(frozen=True)
class Attestation:
    id: int
    confirmed_at: dt.datetime  # UTC
    officer: str
    section_id: str
    title: str
    content_hash: str

    def as_json(self) -> dict[str, Any]:
        """The shape of `manualviewer attestations list --json` and `export --format json`."""
        return {
            "section_id": self.section_id,
            "title": self.title,
            "content_hash": self.content_hash,
            "confirmed_at": to_db(self.confirmed_at),
            "officer": self.officer,
        }


class AttestationError(ValueError):
    """A confirmation that cannot be recorded as asked (no officer name, no section)."""


class AttestationSaveError(DatabaseError):
    """The database did not take the confirmation: nothing was recorded. `reason` is in plain
    words when known (database.BUSY, FULL, READ_ONLY, DAMAGED)."""


class AttestationKept(AttestationSaveError):
    """The database did not take the confirmation, and it is kept in the recovery file beside
    it (`kept`): the next open records it once, with the time the officer confirmed."""

    def __init__(self, message: str, reason: str, kept: Path) -> None:
        super().__init__(message, reason)
        self.kept = kept


@dataclass(frozen=True)
class KeptConfirmation:
    """A confirmation the database refused, as kept in the recovery file (storage/recovery.py)."""

    confirmed_at: str  # to_db form: the moment the officer pressed the button
    officer: str
    section_id: str
    title: str
    content_hash: str

    def as_json(self) -> dict[str, Any]:
        return {"kind": "confirmation", "confirmed_at": self.confirmed_at, "officer": self.officer,
                "section_id": self.section_id, "title": self.title, "content_hash": self.content_hash}

    @staticmethod
    def from_json(data: dict[str, Any]) -> KeptConfirmation:
        from_db(str(data["confirmed_at"]))  # a damaged time is an unreadable line, not a record
        return KeptConfirmation(str(data["confirmed_at"]), str(data["officer"]), str(data["section_id"]),
                                str(data["title"]), str(data["content_hash"]))

    def matches(self, section_id: str, content_hash: str, officer: str) -> bool:
        return (self.section_id, self.content_hash, self.officer) == (section_id, content_hash, officer.strip())


def store_kept(conn: sqlite3.Connection, kept: KeptConfirmation) -> int | None:
    """Record a kept confirmation exactly once; the new row's id, None when the same section,
    version, officer and moment is recorded already (pressed again later, or imported before a
    crash left the line behind). Raises sqlite3.Error."""
    with transaction(conn):
        done = conn.execute(
            "SELECT id FROM attestations "
            "WHERE section_id = ? AND content_hash = ? AND officer = ? AND confirmed_at = ?",
            (kept.section_id, kept.content_hash, kept.officer, kept.confirmed_at)).fetchone()
        if done is not None:
            return None
        values = _append(conn, kept.confirmed_at, kept.officer, kept.section_id, kept.title, kept.content_hash)
    return int(values[0])


def _append(conn: sqlite3.Connection, confirmed: str, officer: str, section_id: str, title: str,
            content_hash: str) -> tuple[Any, ...]:
    """The next row of the chain (inside the caller's transaction)."""
    last = conn.execute("SELECT id, chain_hash FROM attestations ORDER BY id DESC LIMIT 1").fetchone()
    new_id = int(last[0]) + 1 if last is not None else 1
    values = (new_id, confirmed, officer.strip(), section_id, title, content_hash)
    link = link_hash(str(last[1]) if last is not None else "", values)
    conn.execute(f"INSERT INTO attestations ({_COLUMNS}, chain_hash) VALUES (?, ?, ?, ?, ?, ?, ?)", (*values, link))
    return values


class AttestationStore:
    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    def now(self) -> dt.datetime:
        return self._clock()

    def database_path(self) -> Path | None:
        """The database file (where a refused confirmation is kept beside); None in memory."""
        try:
            rows = self._conn.execute("PRAGMA database_list").fetchall()
        except sqlite3.Error:
            return None
        return next((Path(row[2]) for row in rows if row[1] == "main" and row[2]), None)

    def add(self, section_id: str, title: str, content_hash: str, officer: str,
            at: dt.datetime | None = None) -> Attestation:
        """Record a confirmation (made now, or `at`: a kept one pressed again); committed when
        this returns. Raises AttestationError for a confirmation without officer, section or
        hash, AttestationSaveError when the database cannot take it (then nothing was recorded)."""
        if not officer.strip():
            raise AttestationError("a confirmation needs the officer's name (set officer_name in settings)")
        if not section_id.strip() or not content_hash:
            raise AttestationError("a confirmation needs the section and its content hash")
        confirmed = to_db(at or self._clock())
        try:
            with transaction(self._conn):
                values = _append(self._conn, confirmed, officer, section_id, title, content_hash)
        except sqlite3.Error as exc:
            reason = failure_reason(exc, self.database_path())
            raise AttestationSaveError(
                f"your confirmation was not recorded: {reason or exc}. Try again when that is fixed", reason) from exc
        return _attestation(values)

    def list(self, section_id: str | None = None) -> list[Attestation]:
        """Confirmations oldest first, of one section or of all."""
        sql = f"SELECT {_COLUMNS} FROM attestations"
        params: tuple[str, ...] = ()
        if section_id is not None:
            sql += " WHERE section_id = ?"
            params = (section_id,)
        return [_attestation(tuple(r)) for r in self._conn.execute(sql + " ORDER BY id", params)]

    def latest(self) -> dict[str, Attestation]:
        """Each confirmed section's latest confirmation."""
        return {a.section_id: a for a in self.list()}


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad: int | None  # the first confirmation whose link does not match, None when intact

    @property
    def ok(self) -> bool:
        return self.first_bad is None


def verify_chain(conn: sqlite3.Connection) -> ChainReport:
    """Recompute every confirmation's link from the first; report the first that does not match."""
    previous = ""
    checked = 0
    for row in conn.execute(f"SELECT {_COLUMNS}, chain_hash FROM attestations ORDER BY id"):
        link = link_hash(previous, tuple(row)[: len(ATTESTATION_FIELDS)])
        if link != row["chain_hash"]:
            return ChainReport(checked, int(row["id"]))
        previous = link
        checked += 1
    return ChainReport(checked, None)


def _attestation(row: Sequence[Any]) -> Attestation:
    return Attestation(id=int(row[0]), confirmed_at=from_db(str(row[1])), officer=str(row[2]),
                       section_id=str(row[3]), title=str(row[4]), content_hash=str(row[5]))


# ---------------------------------------------------------------------------------------------
# Exports: the same fields as `Attestation.as_json`, for the officer to send to a manager.

CSV_FIELDS = ("section_id", "title", "content_hash", "confirmed_at", "officer")


def export_json(records: Sequence[Attestation]) -> str:
    return json.dumps([r.as_json() for r in records], indent=2, ensure_ascii=False) + "\n"


def export_csv(records: Sequence[Attestation]) -> str:
    """RFC 4180 CSV; a cell a spreadsheet would run as a formula gets a leading apostrophe (as
    the notes export)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for record in records:
        row = record.as_json()
        writer.writerow([_cell(str(row[field])) for field in CSV_FIELDS])
    return out.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value and value[0] in "=+-@\t\r" else value
