"""Paths that are the wrong kind of thing: a drop folder that is a file, a database path that is
a folder. Each says what is wrong in plain words, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from manualviewer.storage.database import DatabaseError, open_database
from manualviewer.storage.outbox import EscalationState, FolderChannel, Outbox


def test_a_drop_folder_that_is_a_file_is_reported_as_a_file(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "db.sqlite3")
    try:
        outbox = Outbox(conn)
        outbox.enqueue("bea@example.gov.uk", "Escalation R1", "Body")
        drop = tmp_path / "drop"
        drop.write_text("a file where the folder should be\n", encoding="utf-8")
        [after] = outbox.deliver_pending(FolderChannel(drop))
        assert after.state is EscalationState.FAILED
        assert after.last_error == f"the drop folder is a file, not a folder: {drop}"
        assert drop.read_text(encoding="utf-8") == "a file where the folder should be\n"  # untouched
        [missing] = outbox.deliver_pending(FolderChannel(tmp_path / "gone"))
        assert missing.last_error == f"the drop folder does not exist: {tmp_path / 'gone'}"
    finally:
        conn.close()


def test_a_database_path_that_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "notes.sqlite3"
    folder.mkdir()
    with pytest.raises(DatabaseError, match="is a folder, not a database file"):
        open_database(folder)
    inside_a_file = tmp_path / "a-file" / "notes.sqlite3"
    inside_a_file.parent.write_text("", encoding="utf-8")
    with pytest.raises(DatabaseError, match="a part of its path is a file, not a folder"):
        open_database(inside_a_file)


@pytest.mark.parametrize("argv", [["escalations", "list"], ["notes", "list"]])
def test_commands_on_a_database_path_that_is_a_folder_say_so(tmp_path: Path, argv: list[str]) -> None:
    folder = tmp_path / "notes.sqlite3"
    folder.mkdir()
    proc = subprocess.run([sys.executable, "-m", "manualviewer", *argv, "--database", str(folder)],
                          capture_output=True, text=True, timeout=60, env=dict(os.environ), check=False)
    assert proc.returncode == 1
    assert f"{folder}: is a folder, not a database file" in proc.stderr
    assert "Traceback" not in proc.stderr
