"""Runs, bookmarks, history and session state."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from manualviewer.storage.bookmarks import BookmarkImportError, BookmarkStore
from manualviewer.storage.database import open_database
from manualviewer.storage.history import HistoryStore, SessionStore
from manualviewer.storage.runs import RunStore

T0 = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)


class TickingClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        current = self.now
        self.now += dt.timedelta(minutes=1)
        return current


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "ui.sqlite3"


@pytest.fixture
def conn(path: Path) -> Iterator[sqlite3.Connection]:
    c = open_database(path)
    yield c
    c.close()


# ---------------------------------------------------------------------------------------------
# Runs


def test_runs_are_saved_as_they_change_and_survive_reopening(conn: sqlite3.Connection, path: Path) -> None:
    runs = RunStore(conn, TickingClock())
    runs.save("run-1", "debt-hardship", '{"step": "s1"}')
    runs.save("run-2", "complaint", '{"step": "a"}')
    runs.save("run-1", "debt-hardship", '{"step": "s2", "answers": {"s1": "yes"}}')

    other = open_database(path)  # a fresh process after a crash
    unfinished = RunStore(other).load_unfinished()
    other.close()
    assert [r.run_id for r in unfinished] == ["run-1", "run-2"]  # most recently changed first
    run1 = unfinished[0]
    assert json.loads(run1.state_json) == {"step": "s2", "answers": {"s1": "yes"}}
    assert run1.procedure_id == "debt-hardship"
    assert run1.started_at == T0 and run1.updated_at == T0 + dt.timedelta(minutes=2)


def test_finish_and_discard_remove_the_saved_state(conn: sqlite3.Connection) -> None:
    runs = RunStore(conn)
    runs.save("a", "p", "{}")
    runs.save("b", "p", "{}")
    assert runs.finish("a") is True
    assert runs.discard("b") is True
    assert runs.discard("b") is False
    assert runs.load_unfinished() == [] and runs.get("a") is None


def test_a_notes_edits_are_kept_with_the_run_until_it_ends(conn: sqlite3.Connection, path: Path) -> None:
    runs = RunStore(conn, TickingClock())
    assert runs.keep_note("run-1", "Draft.", "Draft. Mine.") is False  # no such run
    runs.save("run-1", "complaint", '{"step": "note"}')
    assert runs.get("run-1").note_text is None  # type: ignore[union-attr]
    assert runs.keep_note("run-1", "Draft.", "Draft. Mine.") is True
    runs.save("run-1", "complaint", '{"step": "note", "seen": 1}')  # a later answer keeps them
    other = open_database(path)
    [saved] = RunStore(other).load_unfinished()
    other.close()
    assert (saved.note_from, saved.note_text) == ("Draft.", "Draft. Mine.")
    assert runs.finish("run-1") and runs.get("run-1") is None


def test_a_database_from_before_kept_notes_is_migrated(tmp_path: Path) -> None:
    from manualviewer.storage import database

    old = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(old)
    database.MIGRATIONS[0](raw)  # the schema as version 1 left it
    raw.execute("PRAGMA user_version = 1")
    raw.execute("INSERT INTO runs VALUES ('r', 'p', '{}', '2024-05-01T09:00:00Z', '2024-05-01T09:00:00Z')")
    raw.commit()
    raw.close()
    conn = open_database(old)
    saved = RunStore(conn).get("r")
    assert saved is not None and saved.note_text is None
    assert RunStore(conn).keep_note("r", "a", "b")
    conn.close()


def test_run_state_must_be_json(conn: sqlite3.Connection) -> None:
    runs = RunStore(conn)
    with pytest.raises(ValueError, match="JSON"):
        runs.save("a", "p", "{oops")
    with pytest.raises(ValueError, match="run_id"):
        runs.save("", "p", "{}")
    assert runs.load_unfinished() == []


# ---------------------------------------------------------------------------------------------
# Bookmarks


def test_bookmarks_add_rename_delete_toggle(conn: sqlite3.Connection) -> None:
    marks = BookmarkStore(conn, TickingClock())
    first = marks.add("DMBM511015", "Debt management: overview")
    assert (first.section_id, first.title, first.label, first.created_at) == (
        "DMBM511015",
        "Debt management: overview",
        "",
        T0,
    )
    assert first.display_name == "Debt management: overview"
    assert marks.add("DMBM511015", "other title") == first  # one bookmark per section
    renamed = marks.rename("DMBM511015", "  hardship start ")
    assert renamed.label == "hardship start" and renamed.display_name == "hardship start"
    with pytest.raises(KeyError):
        marks.rename("NOPE1", "x")

    assert marks.toggle("CSDH100", "Call handling") is True
    assert marks.contains("CSDH100")
    assert [b.section_id for b in marks.list()] == ["DMBM511015", "CSDH100"]
    assert marks.toggle("CSDH100", "Call handling") is False
    assert not marks.contains("CSDH100")
    assert marks.delete("DMBM511015") is True and marks.delete("DMBM511015") is False
    assert marks.list() == []


def test_bookmarks_export_import_round_trip(conn: sqlite3.Connection, tmp_path: Path) -> None:
    marks = BookmarkStore(conn, TickingClock())
    marks.add("A1", "Alpha", "mine")
    marks.add("B2", "Beta ünï")
    exported = marks.export_json()

    other_conn = open_database(tmp_path / "other.sqlite3")
    other = BookmarkStore(other_conn)
    other.add("B2", "Beta already here", "keep my label")
    assert other.import_json(exported) == 1
    by_id = {b.section_id: b for b in other.list()}
    assert by_id["A1"].label == "mine" and by_id["A1"].created_at == T0
    assert by_id["B2"].label == "keep my label"  # existing bookmarks are not overwritten
    assert other.import_json(exported) == 0
    other_conn.close()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("not json", "not JSON"),
        ("[]", "not a manualviewer bookmarks file"),
        ('{"format": "manualviewer-bookmarks", "version": 99, "bookmarks": []}', "version"),
        ('{"format": "manualviewer-bookmarks", "version": 1, "bookmarks": [{"title": "x"}]}', "section_id"),
        (
            '{"format": "manualviewer-bookmarks", "version": 1, "bookmarks": '
            '[{"section_id": "A"}, {"section_id": "B", "created_at": "yesterday"}]}',
            "bookmark 2: bad created_at",
        ),
    ],
)
def test_bad_bookmark_imports_change_nothing(conn: sqlite3.Connection, text: str, fragment: str) -> None:
    marks = BookmarkStore(conn)
    with pytest.raises(BookmarkImportError, match=fragment):
        marks.import_json(text)
    assert marks.list() == []


# ---------------------------------------------------------------------------------------------
# History and session


def test_recent_is_distinct_newest_first(conn: sqlite3.Connection, path: Path) -> None:
    history = HistoryStore(conn, TickingClock())
    for section in ["A", "B", "A", "C", "B", "D"]:
        history.record(section)
    recent = history.recent(3)
    assert [e.section_id for e in recent] == ["D", "B", "C"]
    assert recent[1].opened_at == T0 + dt.timedelta(minutes=4)  # the latest opening of B
    assert [e.section_id for e in history.recent(10)] == ["D", "B", "C", "A"]
    # Across sessions.
    other = open_database(path)
    assert [e.section_id for e in HistoryStore(other).recent(2)] == ["D", "B"]
    other.close()
    history.clear()
    assert history.recent() == []


def test_history_is_bounded(conn: sqlite3.Connection) -> None:
    history = HistoryStore(conn, TickingClock(), limit=5)
    for n in range(12):
        history.record(f"S{n}")
    assert conn.execute("SELECT COUNT(*) FROM history").fetchone()[0] == 5
    assert [e.section_id for e in history.recent(10)] == ["S11", "S10", "S9", "S8", "S7"]


def test_session_values_are_json_per_key(conn: sqlite3.Connection, path: Path) -> None:
    session = SessionStore(conn)
    assert session.get("tabs") is None
    session.set("tabs", '["DMBM511015", "CSDH100"]')
    session.set("zoom", "1.25")
    session.set("zoom", "1.5")
    with pytest.raises(ValueError, match="zoom"):
        session.set("zoom", "big")
    other = open_database(path)
    assert SessionStore(other).get("zoom") == "1.5"
    assert json.loads(SessionStore(other).get("tabs") or "null") == ["DMBM511015", "CSDH100"]
    other.close()
    session.delete("tabs")
    assert session.get("tabs") is None
