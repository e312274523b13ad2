"""`manualviewer attestations list|export|outstanding`, through cli.main against the redirected
user data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import stat
from pathlib import Path

import pytest

from manualviewer.cli import main
from manualviewer.storage.stores import open_stores

T0 = dt.datetime(2026, 12, 5, 7, 48, tzinfo=dt.UTC)
FIELDS = ["section_id", "title", "content_hash", "confirmed_at", "officer"]


def seed() -> None:
    times = iter([T0, T0 + dt.timedelta(hours=1)])
    stores = open_stores(clock=lambda: next(times))
    stores.attestations.add("DMBM100200", "Recording a call", "h1", "Sam Officer")
    stores.attestations.add("DMBM100300", "=Formula title", "h2", "Sam Officer")
    stores.close()


def test_list_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    seed()
    assert main(["attestations", "list"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 2
    assert "DMBM100200" in lines[0] and "Recording a call" in lines[0] and "(Sam Officer)" in lines[0]
    local = T0.astimezone()
    assert f"{local.day} {local:%b %Y, %H:%M}" in lines[0]  # the officer's own clock
    assert "2 confirmations" in captured.err
    assert main(["attestations", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [list(d) for d in data] == [FIELDS, FIELDS]
    assert data[0] == {"section_id": "DMBM100200", "title": "Recording a call", "content_hash": "h1",
                       "confirmed_at": "2026-12-05T07:48:00.000000+00:00", "officer": "Sam Officer"}


def test_export_csv_json_and_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    seed()
    assert main(["attestations", "export"]) == 0  # csv by default
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == FIELDS
    assert rows[2] == ["DMBM100300", "'=Formula title", "h2", "2026-12-05T08:48:00.000000+00:00", "Sam Officer"]
    assert main(["attestations", "export", "--format", "json"]) == 0
    assert [d["section_id"] for d in json.loads(capsys.readouterr().out)] == ["DMBM100200", "DMBM100300"]
    out = tmp_path / "for-manager.json"
    assert main(["attestations", "export", "--format", "json", "--out", str(out)]) == 0
    assert "2 confirmations written to" in capsys.readouterr().err
    assert [d["title"] for d in json.loads(out.read_text(encoding="utf-8"))] == ["Recording a call", "=Formula title"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert main(["attestations", "export", "--out", str(tmp_path / "no" / "such" / "dir" / "x.csv")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_outstanding_lists_what_is_left_to_confirm(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    content = tmp_path / "content" / "test"
    content.mkdir(parents=True)
    (content / "manual.md").write_text("---\ncode: TEST\ntitle: T\norganisation: O\n---\n", encoding="utf-8")
    (content / "TEST100.md").write_text("---\nsection_id: TEST100\ntitle: Must read\nmust_read_by: 2020-01-31\n"
                                        "---\nBody.\n", encoding="utf-8")
    assert main(["attestations", "outstanding", "--content", str(content.parent), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"section_id": "TEST100", "title": "Must read", "manual": "TEST",
                                                    "due": "2020-01-31", "state": "to-read", "overdue": True}]
    assert main(["attestations", "outstanding", "--content", str(content.parent)]) == 0
    captured = capsys.readouterr()
    assert "TEST100" in captured.out and "Overdue: it was due by 31 Jan 2020" in captured.out
    assert "1 to read and confirm" in captured.err


def test_no_action_prints_help() -> None:
    assert main(["attestations"]) == 2


def test_verify_finds_a_confirmation_changed_outside_the_app(capsys: pytest.CaptureFixture[str]) -> None:
    seed()
    assert main(["attestations", "verify"]) == 0
    assert "All 2 confirmations are as they were recorded." in capsys.readouterr().out
    stores = open_stores()
    stores.conn.execute("DROP TRIGGER attestations_no_update")
    stores.conn.execute("UPDATE attestations SET content_hash = 'forged' WHERE id = 2")
    stores.close()
    assert main(["attestations", "verify", "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == {"ok": False, "checked": 1, "first_bad": 2}
    assert main(["attestations", "verify"]) == 1
    assert "Confirmation 2 does not match what was recorded" in capsys.readouterr().out


def test_outstanding_counts_a_confirmation_given_before_a_rename(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from manualviewer.core.content.loader import load_library
    from manualviewer.services.changes import ChangeTracker
    from manualviewer.services.must_read import confirm

    content = tmp_path / "content" / "test"
    content.mkdir(parents=True)
    (content / "manual.md").write_text("---\ncode: TEST\ntitle: T\norganisation: O\n---\n", encoding="utf-8")
    old = content / "TEST100.md"
    old.write_text("---\nsection_id: TEST100\ntitle: Must read\nmust_read_by: 2020-01-31\n---\nBody.\n",
                   encoding="utf-8")
    library = load_library([content.parent])
    tracker = ChangeTracker.open()  # the user's own record of what they read, as the app keeps it
    tracker.mark_read(library.sections["TEST100"])
    tracker.close()
    stores = open_stores()
    confirm(library, stores.attestations, "TEST100", "Sam Officer")
    stores.close()
    old.unlink()
    (content / "TEST150.md").write_text("---\nsection_id: TEST150\ntitle: Must read\nmust_read_by: 2020-01-31\n"
                                        "aliases: [TEST100]\n---\nBody.\n", encoding="utf-8")

    assert main(["attestations", "outstanding", "--content", str(content.parent), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # only the ID changed: still confirmed

    (content / "TEST150.md").write_text("---\nsection_id: TEST150\ntitle: Must read\nmust_read_by: 2020-01-31\n"
                                        "aliases: [TEST100]\n---\nA new rule.\n", encoding="utf-8")
    assert main(["attestations", "outstanding", "--content", str(content.parent), "--json"]) == 0
    assert [(m["section_id"], m["state"]) for m in json.loads(capsys.readouterr().out)] == [("TEST150", "changed")]
