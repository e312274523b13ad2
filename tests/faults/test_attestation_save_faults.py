"""Issue 17 point 3 under real faults: an "I have read and understood" the database refuses is
kept (recovery file, 0600) and recorded at the next open with the time the officer confirmed,
exactly once, the hash chain intact (`manualviewer attestations verify` in a real subprocess).
Faults: a second process holding BEGIN EXCLUSIVE; a read-only database file (setpriv drops
root's override, as root); a full disk (a small tmpfs, as root)."""

from __future__ import annotations

import datetime as dt
import json
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import load_library
from manualviewer.services.must_read import confirm
from manualviewer.storage.attestations import AttestationKept, AttestationStore
from manualviewer.storage.database import BUSY, FULL
from manualviewer.storage.recovery import fallback_path, kept_files, recovery_path
from manualviewer.storage.stores import open_stores
from tests.helpers.notes_faults import (
    DROP_OVERRIDE,
    Cli,
    another_program_holding,
    can_drop_override,
    fill,
    is_root,
    small_tmpfs,
)

NOW = dt.datetime(2026, 12, 5, 7, 48, tzinfo=dt.UTC)


def must_read_content(root: Path) -> Path:
    (root / "test").mkdir(parents=True)
    (root / "test" / "manual.md").write_text("---\ncode: TEST\ntitle: T\norganisation: O\n---\n", encoding="utf-8")
    (root / "test" / "TEST100.md").write_text(
        "---\nsection_id: TEST100\ntitle: Recording calls\nmust_read_by: 2026-12-31\n---\nThe new rule.\n",
        encoding="utf-8")
    return root


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return load_library([must_read_content(tmp_path / "content")])


def recorded_by_the_cli(cli: Cli) -> list[dict[str, str]]:
    """The next open (a real `manualviewer attestations list`) imports; its list and verify."""
    listing = cli.call("attestations", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    verified = cli.call("attestations", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    records: list[dict[str, str]] = json.loads(listing.stdout)
    return records


def test_a_confirmation_under_another_programs_lock_is_kept_and_recorded_once(
        tmp_path: Path, library: Library) -> None:
    cli = Cli(tmp_path / "home", tmp_path / "db" / "notes.sqlite3").setup()
    stores = open_stores(cli.database)
    store = AttestationStore(stores.conn, clock=lambda: NOW)
    with another_program_holding(cli.database), pytest.raises(AttestationKept) as refused:
        confirm(library, store, "TEST100", "Sam Officer")
    stores.close()
    message = str(refused.value)
    assert message.startswith(f"your confirmation could not be recorded yet: {BUSY}. It is kept safe")
    kept = refused.value.kept
    assert kept == recovery_path(cli.database) and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert json.loads(kept.read_text(encoding="utf-8"))["section_id"] == "TEST100"

    records = recorded_by_the_cli(cli)
    assert [(r["section_id"], r["confirmed_at"], r["officer"]) for r in records] == [
        ("TEST100", "2026-12-05T07:48:00.000000+00:00", "Sam Officer")]
    assert records[0]["content_hash"] == library.sections["TEST100"].content_hash
    assert not kept.exists()
    assert len(recorded_by_the_cli(cli)) == 1  # opened again: exactly once
    again = open_stores(cli.database)
    assert again.recovered.confirmations == () and len(again.attestations.list()) == 1
    again.close()


# A process that cannot write the file: as the app's connection meets a read-only database
# (open read-only, as `attestations` does for a read-only file), then the service confirms.
CONFIRM_READ_ONLY = textwrap.dedent("""
    import datetime as dt, json, sys
    from pathlib import Path
    from manualviewer.core.content.loader import load_library
    from manualviewer.services.must_read import confirm
    from manualviewer.storage.attestations import AttestationKept, AttestationStore
    from manualviewer.storage.database import open_database_readonly
    conn = open_database_readonly(Path(sys.argv[2]))
    now = dt.datetime(2026, 12, 5, 7, 48, tzinfo=dt.UTC)
    try:
        confirm(load_library([Path(sys.argv[1])]), AttestationStore(conn, clock=lambda: now), "TEST100", "Sam Officer")
    except AttestationKept as exc:
        print(json.dumps({"kept": str(exc.kept), "message": str(exc)}))
    else:
        print(json.dumps({"recorded": True}))
""")


@pytest.mark.skipif(not can_drop_override(), reason="needs root and setpriv to drop CAP_DAC_OVERRIDE")
def test_a_confirmation_on_a_read_only_database_file_is_kept_and_recorded_once(
        tmp_path: Path, library: Library) -> None:
    cli = Cli(tmp_path / "home", tmp_path / "db" / "notes.sqlite3").setup()
    open_stores(cli.database).close()
    cli.database.chmod(0o400)
    done = subprocess.run([*DROP_OVERRIDE, sys.executable, "-c", CONFIRM_READ_ONLY, str(tmp_path / "content"),
                           str(cli.database)], env=cli.env(), capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert "your notes database is read-only. It is kept safe" in result["message"]
    assert Path(result["kept"]) == recovery_path(cli.database)

    cli.database.chmod(0o600)
    records = recorded_by_the_cli(cli)
    assert [(r["section_id"], r["confirmed_at"]) for r in records] == [
        ("TEST100", "2026-12-05T07:48:00.000000+00:00")]
    assert kept_files(cli.database) == []
    assert len(recorded_by_the_cli(cli)) == 1


@pytest.mark.skipif(not is_root(), reason="a full disk needs a small tmpfs mount, which needs root")
def test_a_confirmation_on_a_full_disk_is_kept_in_the_private_fallback_and_recorded_once(
        tmp_path: Path, library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    cli = Cli(tmp_path / "home", tmp_path / "db" / "notes.sqlite3").setup()
    monkeypatch.setattr(tempfile, "tempdir", str(cli.home / "tmp"))  # the CLI's private fallback folder too
    with small_tmpfs(tmp_path / "small") as disk:
        cli.database = disk / "notes.sqlite3"
        stores = open_stores(cli.database)
        stores.attestations.add("TEST900", "Something earlier", "b" * 64, "Sam Officer")
        filler = fill(disk)
        with pytest.raises(AttestationKept) as refused:
            confirm(library, AttestationStore(stores.conn, clock=lambda: NOW), "TEST100", "Sam Officer")
        stores.close()
        assert f"could not be recorded yet: {FULL}" in str(refused.value)
        assert refused.value.kept == fallback_path(cli.database)  # no room beside the database
        filler.unlink()
        records = recorded_by_the_cli(cli)
        assert len(records) == 2 and kept_files(cli.database) == []
        assert {r["section_id"]: r["confirmed_at"] for r in records}["TEST100"] == "2026-12-05T07:48:00.000000+00:00"
        assert len(recorded_by_the_cli(cli)) == 2
