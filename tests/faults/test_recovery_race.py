"""Issue 13, item 2 (a note once written is never lost): one program keeps saves in the recovery
file while another imports it, at the same moment. Two real processes and a real file: every
kept save ends up in the notes exactly once, none half-read (set aside as unreadable), none lost
with a file the importer removed. The file lock (fcntl.flock, storage/recovery.py) is what makes
it so: without it, the importer read lines cut off mid-write and removed lines added after its
read."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from manualviewer.storage.recovery import kept_files, open_notes_database

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the recovery file lock is flock (Unix)")

SAVES = 120
# Long notes: a write of this size is not one atomic step for a reader of the file.
TEXT_CHARS = 150_000

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from manualviewer.storage.notes import NewNote
    from manualviewer.storage.recovery import keep, new_save
    database, count, chars = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    for n in range(count):
        note = NewNote(officer="Sam", text=f"Call {n} " + "x" * chars)
        keep(database, new_save(note, [("lee@example.org", f"Concern {n}", "Body", "")], save_id=f"save-{n:04d}"),
             "test")
    print("kept", count, flush=True)
""")

IMPORTER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from manualviewer.storage.database import open_database
    from manualviewer.storage.recovery import import_kept
    database, writer_done = Path(sys.argv[1]), Path(sys.argv[2])
    rounds = imported = 0
    problems = []
    while True:
        last = writer_done.exists()  # checked before the import: a last round after the writer ended
        conn = open_database(database)
        try:
            result = import_kept(conn, database)
        finally:
            conn.close()
        rounds += 1
        imported += len(result.notes)
        problems += result.problems
        if last:
            break
    print(rounds, imported, len(problems), flush=True)
    for p in problems:
        print(p, file=sys.stderr)
""")


def test_keeping_and_importing_at_once_loses_no_save_and_reads_no_half_line(tmp_path: Path) -> None:
    database = tmp_path / "notes.sqlite3"
    open_notes_database(database).close()
    writer_done = tmp_path / "writer-done"
    importer = subprocess.Popen([sys.executable, "-c", IMPORTER, str(database), str(writer_done)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writer = subprocess.run([sys.executable, "-c", WRITER, str(database), str(SAVES), str(TEXT_CHARS)],
                            capture_output=True, text=True, timeout=300, check=False)
    writer_done.touch()
    out, err = importer.communicate(timeout=300)
    assert writer.returncode == 0, writer.stderr
    assert importer.returncode == 0, err
    rounds, imported, problems = (int(v) for v in out.split())
    assert problems == 0, err  # no line read half-written and set aside
    assert rounds > 1  # the importer ran while the writer was writing

    conn = sqlite3.connect(database)
    try:
        saved = [r[0] for r in conn.execute("SELECT save_id FROM note_saves ORDER BY save_id")]
        texts = [r[0] for r in conn.execute("SELECT text FROM notes")]
        outbox = conn.execute("SELECT count(*), count(DISTINCT message_id) FROM outbox").fetchone()
    finally:
        conn.close()
    assert saved == [f"save-{n:04d}" for n in range(SAVES)]  # every save, once
    assert imported == SAVES and len(texts) == SAVES
    assert all(len(t) == len(f"Call {n} ") + TEXT_CHARS for n, t in enumerate(sorted(texts, key=_number)))
    assert outbox == (SAVES, SAVES)  # each escalation with its note, once
    assert kept_files(database) == [] and list(tmp_path.glob("*.unreadable-*")) == []


def _number(text: str) -> int:
    return int(text.split()[1])


def test_the_writer_script_keeps_every_save_when_nothing_imports(tmp_path: Path) -> None:
    """The writer alone, as a check of the race test's own parts: all its lines are whole."""
    database = tmp_path / "notes.sqlite3"
    done = subprocess.run([sys.executable, "-c", WRITER, str(database), "5", "100"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    [path] = kept_files(database)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["save_id"] for line in lines] == [f"save-{n:04d}" for n in range(5)]
