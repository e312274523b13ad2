"""In-progress procedure runs, saved on every change so a crash resumes where it stopped.

The procedures engine owns the run's shape; this stores its state as an opaque JSON string.
Finishing or discarding a run deletes its saved state: the finished run's record lives on in
the note it produced, and unfinished customer details are not kept longer than needed.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field

from manualviewer.core.json_limits import loads_bounded
from manualviewer.storage.clock import Clock, from_db, to_db, utc_now
from manualviewer.storage.database import transaction


@dataclass(frozen=True)
class StartedGuidance:
    """The guidance a run started on, kept with it unchanged: the procedure's text and hash, and
    the content hash of each section it cited then."""

    procedure_hash: str = ""
    procedure_text: str = ""
    sections: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SavedRun:
    run_id: str
    procedure_id: str
    state_json: str
    started_at: dt.datetime
    updated_at: dt.datetime
    note_from: str | None = None  # the draft note the officer was editing...
    note_text: str | None = None  # ...and their text, kept as they type
    guidance: StartedGuidance = field(default_factory=StartedGuidance)  # "" hash: saved before it was kept


class RunStore:
    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    def save(self, run_id: str, procedure_id: str, state_json: str,
             guidance: StartedGuidance | None = None) -> None:
        """Insert or replace the run's state; committed when this returns. `guidance` is kept
        when the run is first saved; a later save never changes it."""
        if not run_id:
            raise ValueError("run_id must not be empty")
        try:
            loads_bounded(state_json)
        except ValueError as exc:
            raise ValueError(f"state_json is not valid JSON: {exc}") from exc
        now = to_db(self._clock())
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO runs (run_id, procedure_id, state_json, started_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(run_id) DO UPDATE SET "
                "procedure_id = excluded.procedure_id, state_json = excluded.state_json, "
                "updated_at = excluded.updated_at",
                (run_id, procedure_id, state_json, now, now),
            )
            if guidance is not None:  # its own table, written once: an answer's save does not rewrite it
                self._conn.execute(
                    "INSERT OR IGNORE INTO run_guidance (run_id, procedure_hash, procedure_text, sections_json) "
                    "VALUES (?, ?, ?, ?)",
                    (run_id, guidance.procedure_hash, guidance.procedure_text,
                     json.dumps(dict(guidance.sections), sort_keys=True)),
                )

    def get(self, run_id: str) -> SavedRun | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM {_FROM} WHERE runs.run_id = ?",
            (run_id,),
        ).fetchone()
        return _run(row) if row is not None else None

    def load_unfinished(self) -> list[SavedRun]:
        """Every saved run, most recently changed first."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM {_FROM} ORDER BY updated_at DESC, runs.run_id"
        )
        return [_run(r) for r in rows]

    def keep_note(self, run_id: str, edited_from: str, text: str) -> bool:
        """The note as the officer is editing it (from the draft `edited_from`), so a crash
        before they save it does not lose their words. True if the run is stored."""
        with transaction(self._conn):
            cur = self._conn.execute(
                "UPDATE runs SET note_from = ?, note_text = ?, updated_at = ? WHERE run_id = ?",
                (edited_from, text, to_db(self._clock()), run_id),
            )
        return cur.rowcount > 0

    def finish(self, run_id: str) -> bool:
        """The run ended (its note is saved). True if it was stored."""
        return self._delete(run_id)

    def discard(self, run_id: str) -> bool:
        """The officer abandoned the run. True if it was stored."""
        return self._delete(run_id)

    def _delete(self, run_id: str) -> bool:
        with transaction(self._conn):
            self._conn.execute("DELETE FROM run_guidance WHERE run_id = ?", (run_id,))
            cur = self._conn.execute("DELETE FROM runs WHERE run_id = ?", (run_id,))
        return cur.rowcount > 0


_COLUMNS = ("runs.run_id, procedure_id, state_json, started_at, updated_at, note_from, note_text, "
            "coalesce(g.procedure_hash, '') AS procedure_hash, coalesce(g.procedure_text, '') AS procedure_text, "
            "coalesce(g.sections_json, '{}') AS sections_json")
_FROM = "runs LEFT JOIN run_guidance AS g ON g.run_id = runs.run_id"


def _run(row: sqlite3.Row) -> SavedRun:
    return SavedRun(
        run_id=row["run_id"],
        procedure_id=row["procedure_id"],
        state_json=row["state_json"],
        started_at=from_db(row["started_at"]),
        updated_at=from_db(row["updated_at"]),
        note_from=row["note_from"],
        note_text=row["note_text"],
        guidance=StartedGuidance(row["procedure_hash"], row["procedure_text"], _sections(row["sections_json"])),
    )


def _sections(text: str) -> dict[str, str]:
    # Written by save() from a dict of strings; anything else (edited by hand) counts as none.
    try:
        data = loads_bounded(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, str)}
