"""The guidance a run started on, kept with the saved run (issue 17: a checklist whose procedure
changed since the run started says so on resume and can go on with the version started)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from manualviewer.storage import database
from manualviewer.storage.database import open_database
from manualviewer.storage.runs import RunStore, StartedGuidance

STARTED = StartedGuidance("abc123", "id: p\nversion: 1\n", {"DMBM1": "h1", "DMBM2": "h2"})


def test_the_guidance_is_kept_as_first_saved_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn = open_database(path)
    runs = RunStore(conn)
    runs.save("r1", "p", '{"step": "a"}', STARTED)
    # Later saves (each answer) do not change it, with or without guidance of their own.
    runs.save("r1", "p", '{"step": "b"}')
    runs.save("r1", "p", '{"step": "c"}', StartedGuidance("other", "id: p\nversion: 2\n", {"DMBM1": "h9"}))
    conn.close()
    conn = open_database(path)
    saved = RunStore(conn).get("r1")
    conn.close()
    assert saved is not None
    assert saved.state_json == '{"step": "c"}'
    assert saved.guidance == STARTED
    assert dict(saved.guidance.sections) == {"DMBM1": "h1", "DMBM2": "h2"}


def test_a_run_saved_without_guidance_has_none(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "db.sqlite3")
    runs = RunStore(conn)
    runs.save("r1", "p", "{}")
    saved = runs.get("r1")
    conn.close()
    assert saved is not None and saved.guidance == StartedGuidance()


def test_runs_saved_before_the_guidance_was_kept_are_migrated_and_still_resume(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(old)
    for migration in database.MIGRATIONS[:6]:  # the schema as version 6 left it (before runs kept guidance)
        migration(raw)
    raw.execute("PRAGMA user_version = 6")
    raw.execute("INSERT INTO runs (run_id, procedure_id, state_json, started_at, updated_at) "
                "VALUES ('r', 'p', '{}', '2024-05-01T09:00:00.000000Z', '2024-05-01T09:00:00.000000Z')")
    raw.commit()
    raw.close()
    conn = open_database(old)
    saved = RunStore(conn).get("r")
    conn.close()
    assert saved is not None and saved.state_json == "{}"
    assert saved.guidance == StartedGuidance()


def test_sections_edited_outside_the_app_into_nonsense_count_as_none(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "db.sqlite3")
    runs = RunStore(conn)
    runs.save("r1", "p", "{}", STARTED)
    runs.save("r2", "p", "{}", STARTED)
    conn.execute("UPDATE run_guidance SET sections_json = '[1, 2]' WHERE run_id = 'r1'")
    conn.execute("UPDATE run_guidance SET sections_json = '{oops' WHERE run_id = 'r2'")
    assert dict(runs.get("r1").guidance.sections) == {}  # type: ignore[union-attr]
    assert dict(runs.get("r2").guidance.sections) == {}  # type: ignore[union-attr]
    conn.close()


def test_guidance_kept_in_the_runs_table_by_migration_7_moves_to_its_own_table(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(old)
    for migration in database.MIGRATIONS[:8]:  # as migration 8 left it (the runs columns of 7 in use)
        migration(raw)
    raw.execute("PRAGMA user_version = 8")
    raw.execute("INSERT INTO runs (run_id, procedure_id, state_json, started_at, updated_at, procedure_hash, "
                "procedure_text, sections_json) VALUES ('r', 'p', '{}', '2024-05-01T09:00:00.000000Z', "
                "'2024-05-01T09:00:00.000000Z', 'abc123', 'id: p', '{\"DMBM1\": \"h1\"}')")
    raw.commit()
    raw.close()
    conn = open_database(old)
    runs = RunStore(conn)
    saved = runs.get("r")
    assert saved is not None and saved.guidance == StartedGuidance("abc123", "id: p", {"DMBM1": "h1"})
    runs.save("r", "p", '{"step": "b"}')  # an answer's save leaves the guidance alone
    assert runs.get("r").guidance.procedure_hash == "abc123"  # type: ignore[union-attr]
    assert runs.discard("r") and conn.execute("SELECT count(*) FROM run_guidance").fetchone()[0] == 0
    conn.close()
