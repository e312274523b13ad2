"""Sections opened across sessions, and a small key-value store for UI session state."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from manualviewer.core.json_limits import loads_bounded
from manualviewer.storage.clock import Clock, from_db, to_db, utc_now
from manualviewer.storage.database import transaction

# History is a convenience, not a record: keep it bounded.
MAX_HISTORY = 1000


@dataclass(frozen=True)
class HistoryEntry:
    section_id: str
    opened_at: dt.datetime  # the latest time the section was opened


class HistoryStore:
    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now, limit: int = MAX_HISTORY) -> None:
        self._conn = conn
        self._clock = clock
        self._limit = limit

    def record(self, section_id: str) -> None:
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO history (section_id, opened_at) VALUES (?, ?)",
                (section_id, to_db(self._clock())),
            )
            self._conn.execute(
                "DELETE FROM history WHERE id NOT IN (SELECT id FROM history ORDER BY id DESC LIMIT ?)",
                (self._limit,),
            )

    def recent(self, n: int = 20) -> list[HistoryEntry]:
        """The `n` most recently opened distinct sections, newest first."""
        rows = self._conn.execute(
            "SELECT section_id, MAX(opened_at) AS opened_at, MAX(id) AS last_id FROM history "
            "GROUP BY section_id ORDER BY opened_at DESC, last_id DESC LIMIT ?",
            (n,),
        )
        return [HistoryEntry(r["section_id"], from_db(r["opened_at"])) for r in rows]

    def clear(self) -> None:
        with transaction(self._conn):
            self._conn.execute("DELETE FROM history")


class SessionStore:
    """UI state between sessions (open tabs, geometry, zoom), as JSON text per key."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value_json FROM session WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value_json"])

    def set(self, key: str, value_json: str) -> None:
        try:
            loads_bounded(value_json)
        except ValueError as exc:
            raise ValueError(f"session value for {key!r} is not valid JSON: {exc}") from exc
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO session (key, value_json) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json",
                (key, value_json),
            )

    def delete(self, key: str) -> None:
        with transaction(self._conn):
            self._conn.execute("DELETE FROM session WHERE key = ?", (key,))
