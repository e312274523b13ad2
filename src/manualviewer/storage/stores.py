"""Every store over one connection, for the composition root and the CLI."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from manualviewer.storage import paths
from manualviewer.storage.attestations import AttestationStore
from manualviewer.storage.bookmarks import BookmarkStore
from manualviewer.storage.clock import Clock, utc_now
from manualviewer.storage.history import HistoryStore, SessionStore
from manualviewer.storage.notes import NoteStore
from manualviewer.storage.outbox import Outbox
from manualviewer.storage.recovery import NOTHING_KEPT, Imported, open_and_import
from manualviewer.storage.runs import RunStore


@dataclass(frozen=True)
class Stores:
    conn: sqlite3.Connection
    notes: NoteStore
    outbox: Outbox
    runs: RunStore
    bookmarks: BookmarkStore
    history: HistoryStore
    session: SessionStore
    attestations: AttestationStore
    # What the open did with the saves kept while the database could not be written (the window
    # says it at start).
    recovered: Imported = NOTHING_KEPT

    def close(self) -> None:
        self.conn.close()


def open_stores(path: Path | None = None, clock: Clock = utc_now) -> Stores:
    """Open the database at `path` (default paths.database_path(); training uses
    paths.training_database_path()) and build every store on it; saves kept while it could not
    be written are imported first."""
    conn, recovered = open_and_import(path if path is not None else paths.database_path())
    return Stores(
        conn=conn,
        notes=NoteStore(conn, clock),
        outbox=Outbox(conn, clock),
        runs=RunStore(conn, clock),
        bookmarks=BookmarkStore(conn, clock),
        history=HistoryStore(conn, clock),
        session=SessionStore(conn),
        attestations=AttestationStore(conn, clock),
        recovered=recovered,
    )
