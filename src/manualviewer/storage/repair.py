"""The way out of a damaged database: keep the damaged file aside, start a new one, and copy
across every row that can still be read.

Notes keep their ids (amendments point at them) and get a fresh hash chain; the chain of the
damaged file cannot be trusted any more than its pages.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from manualviewer.storage.database import NOTE_FIELDS, chain_hash, open_database, transaction

# Tables copied as they are, in an order that keeps references valid.
_TABLES = ("outbox", "runs", "run_guidance", "bookmarks", "history", "session", "attestations")


@dataclass(frozen=True)
class Repaired:
    damaged_copy: Path
    copied: dict[str, int]  # rows copied, by table
    unreadable: dict[str, str]  # table -> the error that stopped its copy

    def as_json(self) -> dict[str, object]:
        return {"damaged_copy": str(self.damaged_copy), "copied": self.copied, "unreadable": self.unreadable}


def repair(path: Path) -> Repaired:
    """Rename the database at `path` (and its -wal/-shm) aside, create a new one, copy what can be
    read. Raises OSError when the file cannot be renamed, DatabaseError when the new one cannot
    be created."""
    aside = set_aside(path)
    old_rows: dict[str, list[sqlite3.Row]] = {}
    unreadable: dict[str, str] = {}
    old = sqlite3.connect(f"{aside.absolute().as_uri()}?mode=ro", uri=True)
    old.row_factory = sqlite3.Row
    try:
        for table in ("notes", *_TABLES):
            old_rows[table] = _readable_rows(old, table, unreadable)
    finally:
        old.close()
    conn = open_database(path)
    copied: dict[str, int] = {}
    try:
        with transaction(conn):
            copied["notes"] = _copy_notes(conn, old_rows["notes"])
            for table in _TABLES:
                copied[table] = _copy(conn, table, old_rows[table])
    finally:
        conn.close()
    return Repaired(aside, copied, unreadable)


def _readable_rows(old: sqlite3.Connection, table: str, unreadable: dict[str, str]) -> list[sqlite3.Row]:
    """Rows in rowid order until a damaged page stops the read; then carry on past it, one rowid
    at a time for a little while, so one bad page does not cost every later row."""
    rows: list[sqlite3.Row] = []
    last = 0
    misses = 0
    while misses < 1000:
        try:
            for row in old.execute(f"SELECT rowid AS mv_rowid, * FROM {table} WHERE rowid > ? ORDER BY rowid", (last,)):
                rows.append(row)
                last = int(row["mv_rowid"])
            return rows
        except sqlite3.DatabaseError as exc:
            if "no such table" in str(exc):
                return rows  # a database from before the table was added: nothing to copy
            unreadable.setdefault(table, str(exc))
            last += 1
            misses += 1
    return rows


def set_aside(path: Path) -> Path:
    """Rename the database (and its -wal/-shm) to `<name>.damaged-<time>`; return the new name."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    path.rename(aside)
    for suffix in ("-wal", "-shm"):
        with suppress(FileNotFoundError):
            Path(f"{path}{suffix}").rename(Path(f"{aside}{suffix}"))
    return aside


def start_new(path: Path) -> Path:
    """Keep the damaged database aside and start an empty one; return where the damaged one is.
    Raises OSError, DatabaseError."""
    aside = set_aside(path)
    open_database(path).close()
    return aside


def _copy_notes(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> int:
    previous = ""
    count = 0
    for row in rows:
        try:
            values = tuple(row[f] for f in NOTE_FIELDS)
        except (IndexError, KeyError):
            continue
        previous = chain_hash(previous, values)
        conn.execute(
            f"INSERT INTO notes ({', '.join(NOTE_FIELDS)}, chain_hash) VALUES ({', '.join('?' * (len(values) + 1))})",
            (*values, previous),
        )
        count += 1
    return count


def _copy(conn: sqlite3.Connection, table: str, rows: list[sqlite3.Row]) -> int:
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    count = 0
    for row in rows:
        available = set(row.keys())
        keys = [c for c in columns if c in available]
        names = ", ".join(f'"{c}"' for c in keys)
        with suppress(sqlite3.IntegrityError):
            conn.execute(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(keys))})",
                         [row[c] for c in keys])
            count += 1
    return count
