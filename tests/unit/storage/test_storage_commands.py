"""The `notes` and `escalations` sub-commands, run through cli.main against the redirected user data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session

from manualviewer.cli import main
from manualviewer.core.settings import EscalationChannel, Settings, SmtpSettings
from manualviewer.storage import paths
from manualviewer.storage.notes import NewNote
from manualviewer.storage.settings_file import save_user_settings
from manualviewer.storage.stores import open_stores

T0 = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)


def seed_notes() -> list[int]:
    times = iter([T0, T0 + dt.timedelta(days=1), T0 + dt.timedelta(days=2)])
    stores = open_stores(clock=lambda: next(times))
    a = stores.notes.add(NewNote(officer="Ann", text="Payment plan agreed.", customer_reference="R1"))
    b = stores.notes.add(NewNote(officer="Ann", text="Address changed.", customer_reference="R2"))
    c = stores.notes.add(
        NewNote(officer="Ann", text="Plan is 6 months.", customer_reference="R1", amends=a.id)
    )
    stores.close()
    return [a.id, b.id, c.id]


def test_notes_list_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    a, b, c = seed_notes()
    assert main(["notes", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3
    assert "R1" in out[0] and "Payment plan agreed." in out[0]
    assert f"(amends {a})" in out[2]

    assert main(["notes", "list", "--json", "--customer", "R1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [n["id"] for n in data] == [a, c]

    assert main(["notes", "list", "--json", "--since", "2024-05-02", "--until", "2024-05-02"]) == 0
    assert [n["id"] for n in json.loads(capsys.readouterr().out)] == [b]
    assert main(["notes", "list", "--json", "--text", "PLAN"]) == 0
    assert [n["id"] for n in json.loads(capsys.readouterr().out)] == [a, c]


@pytest.mark.parametrize("fmt", ["csv", "json", "text"])
def test_notes_export_formats(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    a, b, c = seed_notes()
    assert main(["notes", "export", "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "csv":
        assert [r["id"] for r in csv.DictReader(io.StringIO(out))] == [str(a), str(b), str(c)]
    elif fmt == "json":
        assert [n["id"] for n in json.loads(out)] == [a, b, c]
    else:
        assert f"Note {a} - 01 May 2024 09:00 UTC - Ann" in out and f"Amends note {a}" in out


def test_notes_export_defaults_to_csv_and_rejects_bad_dates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notes", "export"]) == 0
    assert capsys.readouterr().out.startswith("id,created_at,officer")
    with pytest.raises(SystemExit) as info:
        main(["notes", "list", "--since", "last tuesday"])
    assert info.value.code == 2
    assert "not a date" in capsys.readouterr().err


def test_escalations_list_shows_state_attempts_and_error(capsys: pytest.CaptureFixture[str]) -> None:
    stores = open_stores()
    esc = stores.outbox.enqueue("bea@example.gov.uk", "Escalation R1", "Body")
    stores.close()
    assert main(["escalations", "list"]) == 0
    out = capsys.readouterr().out
    assert f"#{esc.id}" in out and "queued" in out and "attempts 0" in out

    # Default settings (mailto) cannot deliver from the command line: stays queued, exit 1.
    assert main(["escalations", "retry"]) == 1
    captured = capsys.readouterr()
    assert "email program" in captured.out and "not delivered" in captured.err

    assert main(["escalations", "list", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["state"] == "queued" and row["attempts"] == 0 and "email program" in row["last_error"]


def test_escalations_list_shows_drafts_and_retry_leaves_them(capsys: pytest.CaptureFixture[str]) -> None:
    stores = open_stores()
    queued = stores.outbox.enqueue("bea@example.gov.uk", "Escalation R1", "Body")
    draft = stores.outbox.enqueue("bea@example.gov.uk", "Escalation R2", "Body", draft=True)
    stores.close()
    assert main(["escalations", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["state"]) for r in rows] == [(queued.id, "queued"), (draft.id, "draft")]
    assert all(set(r) == set(rows[0]) for r in rows)  # the same keys as before drafts
    assert main(["escalations", "list"]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert line.startswith(f"#{draft.id}") and " draft " in line

    assert main(["escalations", "retry"]) == 1  # the queued one cannot go by mailto from here
    err = capsys.readouterr().err
    assert "1 draft is not sent" in err
    stores = open_stores()
    assert stores.outbox.get(draft.id).state.value == "draft"  # type: ignore[union-attr]
    stores.close()


def test_a_draft_with_no_address_lists_with_an_empty_to(capsys: pytest.CaptureFixture[str]) -> None:
    stores = open_stores()
    queued = stores.outbox.enqueue("bea@example.gov.uk", "Escalation R1", "Body")
    draft = stores.outbox.enqueue("", "Escalation R2", "Body", draft=True)
    stores.close()
    assert main(["escalations", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["state"], r["to"]) for r in rows] == [
        (queued.id, "queued", "bea@example.gov.uk"), (draft.id, "draft", "")]
    assert set(rows[1]) == set(rows[0])
    assert main(["escalations", "list"]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert line.startswith(f"#{draft.id}") and " to (no address yet) " in line


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Collector:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


def test_escalations_retry_over_smtp_fails_then_delivers(capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    save_user_settings(
        Settings(
            officer_email="ann@example.gov.uk",
            escalation_channel=EscalationChannel.SMTP,
            smtp=SmtpSettings(host="127.0.0.1", port=port, starttls=False),
        )
    )
    stores = open_stores()
    stores.outbox.enqueue("bea@example.gov.uk", "Escalation R1", "Body")
    stores.close()

    assert main(["escalations", "retry"]) == 1  # nothing listening yet
    captured = capsys.readouterr()
    assert "failed" in captured.out and "ConnectionRefusedError" in captured.out
    assert "not delivered" in captured.err

    handler = Collector()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    try:
        assert main(["escalations", "retry"]) == 0
    finally:
        server.stop()
    out = capsys.readouterr().out
    assert "delivered" in out and "All 1 escalation(s) delivered." in out
    assert len(handler.envelopes) == 1
    assert main(["escalations", "retry"]) == 0
    assert "Nothing to deliver." in capsys.readouterr().out


def test_escalations_retry_reports_bad_settings(capsys: pytest.CaptureFixture[str]) -> None:
    paths.settings_path().write_text('escalation_channel = "pigeon"\n', encoding="utf-8")
    assert main(["escalations", "retry"]) == 1
    err = capsys.readouterr().err
    assert str(paths.settings_path()) in err and "escalation_channel" in err


def test_commands_use_the_user_database(tmp_path: Path) -> None:
    assert main(["escalations", "list"]) == 0
    assert paths.database_path().exists()
    assert str(paths.database_path()).startswith(str(tmp_path))  # conftest redirected it


def test_bare_subcommand_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notes"]) == 2
    assert "export" in capsys.readouterr().err
    assert main(["escalations"]) == 2
    assert "retry" in capsys.readouterr().err
