from __future__ import annotations

import datetime as dt
import email.parser
import email.policy
import os
import socket
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session

from manualviewer.core.settings import EscalationChannel, Settings, SmtpSettings
from manualviewer.storage import outbox as outbox_module
from manualviewer.storage.database import open_database
from manualviewer.storage.outbox import (
    Escalation,
    EscalationError,
    EscalationState,
    FolderChannel,
    MailtoChannel,
    Outbox,
    SmtpChannel,
    channel_from_settings,
    mailto_url,
)

T0 = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)
QUEUED, SENDING, DELIVERED, FAILED = (
    EscalationState.QUEUED,
    EscalationState.SENDING,
    EscalationState.DELIVERED,
    EscalationState.FAILED,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    c = open_database(tmp_path / "outbox.sqlite3")
    yield c
    c.close()


@pytest.fixture
def outbox(conn: sqlite3.Connection, clock: FakeClock) -> Outbox:
    return Outbox(conn, clock)


def escalate(outbox: Outbox, subject: str = "Escalation: customer R1") -> Escalation:
    return outbox.enqueue(
        "bea@example.gov.uk",
        subject,
        "Customer R1 disputes the debt.\nSee note 12.\n",
        sender="Ann Officer <ann@example.gov.uk>",
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Collector:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def parse(data: bytes) -> Any:
    return email.parser.BytesParser(policy=email.policy.default).parsebytes(data)


# ---------------------------------------------------------------------------------------------
# Queueing


def test_enqueue_stores_first(outbox: Outbox) -> None:
    esc = escalate(outbox, "Escalation:\n customer   R1")
    assert esc.state is QUEUED and esc.attempts == 0 and esc.last_error == ""
    assert esc.created_at == T0 and esc.delivered_at is None and esc.last_attempt_at is None
    assert esc.subject == "Escalation: customer R1"  # no line breaks in a header
    assert esc.message_id.startswith("<") and esc.message_id.endswith("@example.gov.uk>")
    assert outbox.list() == [esc] and outbox.get(esc.id) == esc


@pytest.mark.parametrize("to", ["", "  ", "not-an-address", "a@b.c, d@e.f", "a@b.c\nBcc: x@y.z"])
def test_enqueue_refuses_bad_recipients(outbox: Outbox, to: str) -> None:
    with pytest.raises(EscalationError):
        outbox.enqueue(to, "s", "b")
    assert outbox.list() == []


def test_escalations_cannot_be_deleted(outbox: Outbox, conn: sqlite3.Connection) -> None:
    escalate(outbox)
    with pytest.raises(sqlite3.IntegrityError, match="kept"):
        conn.execute("DELETE FROM outbox")


# ---------------------------------------------------------------------------------------------
# mailto


def test_mailto_url_quotes_subject_and_body() -> None:
    url = mailto_url("bea@example.gov.uk", "R1 & R2: 100% ?", "Line one\nLine two = yes#")
    assert url == (
        "mailto:bea@example.gov.uk?subject=R1%20%26%20R2%3A%20100%25%20%3F"
        "&body=Line%20one%0D%0ALine%20two%20%3D%20yes%23"
    )
    parts = urlsplit(url)
    assert parts.scheme == "mailto" and parts.path == "bea@example.gov.uk"
    query = parse_qs(parts.query)
    assert query == {"subject": ["R1 & R2: 100% ?"], "body": ["Line one\r\nLine two = yes#"]}


def test_mailto_without_opener_leaves_escalations_queued_with_a_message(outbox: Outbox) -> None:
    esc = escalate(outbox)
    [after] = outbox.deliver_pending(MailtoChannel(opener=None))
    assert after.id == esc.id and after.state is QUEUED and after.attempts == 0
    assert "email program" in after.last_error and "manualviewer window" in after.last_error


def test_mailto_hands_the_url_to_the_opener(outbox: Outbox) -> None:
    esc = escalate(outbox)
    opened: list[str] = []
    [after] = outbox.deliver_pending(MailtoChannel(opener=opened.append))
    assert opened == [mailto_url(esc.to, esc.subject, esc.body)]
    assert after.state is DELIVERED and after.attempts == 1 and after.channel == "mailto"
    assert after.delivered_at == T0
    assert outbox.deliver_pending(MailtoChannel(opener=opened.append)) == []  # nothing left
    assert len(opened) == 1


def test_mailto_opener_refusing_marks_failed(outbox: Outbox) -> None:
    escalate(outbox)
    [after] = outbox.deliver_pending(MailtoChannel(opener=lambda url: False))
    assert after.state is FAILED and "could open" in after.last_error


# ---------------------------------------------------------------------------------------------
# Folder


def test_folder_channel_writes_one_eml_that_parses_back(outbox: Outbox, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    esc = escalate(outbox)
    [after] = outbox.deliver_pending(FolderChannel(drop))
    assert after.state is DELIVERED and after.channel == "folder" and after.attempts == 1
    files = list(drop.iterdir())
    assert [f.name for f in files] == [f"escalation-20240501T090000Z-{esc.id}.eml"]
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600
    msg = parse(files[0].read_bytes())
    assert msg["To"] == "bea@example.gov.uk"
    assert msg["From"] == "Ann Officer <ann@example.gov.uk>"
    assert msg["Subject"] == "Escalation: customer R1"
    assert msg["Message-ID"] == esc.message_id
    assert msg["X-Manualviewer-Escalation"] == str(esc.id)
    assert msg.get_content() == esc.body


def test_folder_write_is_atomic(outbox: Outbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    esc = escalate(outbox)
    seen: list[tuple[Path, Path, bytes, bool]] = []
    real_replace = os.replace

    def spy(src: Any, dst: Any) -> None:
        src, dst = Path(src), Path(dst)
        seen.append((src, dst, src.read_bytes(), dst.exists()))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    outbox.deliver_pending(FolderChannel(drop))
    [(src, dst, data, dst_existed)] = seen
    # Complete content under a hidden name in the same folder, renamed into place.
    assert src.parent == drop and src.name.startswith(".") and not dst_existed
    assert dst.read_bytes() == data and parse(data)["Message-ID"] == esc.message_id
    assert [p.name for p in drop.iterdir()] == [dst.name]


def test_folder_failure_mid_write_leaves_no_partial_file(
    outbox: Outbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    escalate(outbox)

    def full_disk(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    [after] = outbox.deliver_pending(FolderChannel(drop))
    assert after.state is FAILED and "No space left" in after.last_error
    assert list(drop.iterdir()) == []


def test_missing_drop_folder_fails_then_retry_delivers(
    outbox: Outbox, clock: FakeClock, tmp_path: Path
) -> None:
    drop = tmp_path / "share"
    escalate(outbox)
    [after] = outbox.deliver_pending(FolderChannel(drop))
    assert after.state is FAILED and after.attempts == 1
    assert after.last_error == f"the drop folder does not exist: {drop}"
    assert not drop.exists()  # not created: it may be an unmounted share
    drop.mkdir()
    clock.now = T0 + dt.timedelta(minutes=5)
    [after] = outbox.deliver_pending(FolderChannel(drop))
    assert after.state is DELIVERED and after.attempts == 2 and after.last_error == ""
    assert after.last_attempt_at == after.delivered_at == clock.now
    assert len(list(drop.glob("*.eml"))) == 1


# ---------------------------------------------------------------------------------------------
# SMTP against a real server on loopback


@pytest.fixture
def smtp_port() -> int:
    return free_port()


def start_server(port: int, handler: Collector, **kwargs: Any) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller


def test_smtp_delivers_to_a_real_server(outbox: Outbox, smtp_port: int) -> None:
    handler = Collector()
    server = start_server(smtp_port, handler)
    try:
        esc = escalate(outbox)
        channel = SmtpChannel("127.0.0.1", smtp_port, starttls=False, sender="ann@example.gov.uk")
        [after] = outbox.deliver_pending(channel)
    finally:
        server.stop()
    assert after.state is DELIVERED and after.channel == "smtp" and after.attempts == 1
    [env] = handler.envelopes
    assert env.rcpt_tos == ["bea@example.gov.uk"]
    assert env.mail_from == "ann@example.gov.uk"
    assert isinstance(env.content, bytes)
    msg = parse(env.content)
    assert msg["Subject"] == esc.subject and msg["Message-ID"] == esc.message_id
    assert msg.get_content().replace("\r\n", "\n") == esc.body  # CRLF on the wire


def test_smtp_refused_connection_fails_then_retry_delivers(
    outbox: Outbox, clock: FakeClock, smtp_port: int
) -> None:
    esc = escalate(outbox)
    channel = SmtpChannel("127.0.0.1", smtp_port, starttls=False, sender="ann@example.gov.uk")
    [after] = outbox.deliver_pending(channel)  # nothing listening on the port
    assert after.state is FAILED and after.attempts == 1
    assert "ConnectionRefusedError" in after.last_error
    assert outbox.list() == [after]  # still there

    handler = Collector()
    server = start_server(smtp_port, handler)
    try:
        clock.now = T0 + dt.timedelta(minutes=1)
        [after] = outbox.deliver_pending(channel)
    finally:
        server.stop()
    assert after.id == esc.id and after.state is DELIVERED and after.attempts == 2
    assert after.last_error == "" and after.delivered_at == clock.now
    assert len(handler.envelopes) == 1
    assert outbox.deliver_pending(channel) == []


def test_smtp_never_falls_back_to_plain_text_when_starttls_is_missing(outbox: Outbox, smtp_port: int) -> None:
    handler = Collector()
    server = start_server(smtp_port, handler)  # no TLS configured on this server
    try:
        escalate(outbox)
        [after] = outbox.deliver_pending(SmtpChannel("127.0.0.1", smtp_port, starttls=True, sender="a@b.cd"))
    finally:
        server.stop()
    assert after.state is FAILED and "STARTTLS" in after.last_error
    assert handler.envelopes == []


# Logging in (over STARTTLS only) and the faults a relay can have: tests/faults/test_delivery_smtp.py


# ---------------------------------------------------------------------------------------------
# Robustness of the outbox itself


class Exploding:
    name = "test"

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def unavailable_reason(self) -> str | None:
        return None

    def deliver(self, escalation: Escalation) -> None:
        raise self.exc


def test_any_channel_error_is_recorded_and_the_row_kept(outbox: Outbox) -> None:
    escalate(outbox)
    [after] = outbox.deliver_pending(Exploding(RuntimeError("bug in a channel")))
    assert after.state is FAILED and after.last_error == "RuntimeError: bug in a channel"


def test_a_send_interrupted_by_a_crash_may_have_been_delivered_and_is_resent_only_when_asked(
    outbox: Outbox, clock: FakeClock
) -> None:
    esc = escalate(outbox)
    with pytest.raises(KeyboardInterrupt):  # the program dies in the middle of the send
        outbox.deliver_pending(Exploding(KeyboardInterrupt()))
    stuck = outbox.get(esc.id)
    assert stuck is not None and stuck.state is SENDING and stuck.attempts == 1
    opened: list[str] = []
    assert outbox.deliver_pending(MailtoChannel(opened.append)) == []  # maybe still in flight
    assert outbox.uncertain() == []
    clock.now = T0 + outbox_module.STALE_SENDING + dt.timedelta(seconds=1)
    # Ten minutes on, its outcome is unknown: not resent on its own (it was, before issue 13) ...
    assert outbox.deliver_pending(MailtoChannel(opened.append)) == [] and opened == []
    [held] = outbox.uncertain()
    assert held.id == esc.id and held.state is EscalationState.UNCERTAIN
    assert "may have been delivered" in held.last_error and outbox.pending() == []
    # ... and sent again, with the same Message-ID, once the officer says so.
    [after] = outbox.deliver_pending(MailtoChannel(opened.append), resend_uncertain=True)
    assert after.state is DELIVERED and after.attempts == 2 and after.message_id == esc.message_id
    assert len(opened) == 1


def test_two_processes_do_not_send_the_same_escalation(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "shared.sqlite3"
    app_conn, cli_conn = open_database(path), open_database(path)
    app, cli = Outbox(app_conn, clock), Outbox(cli_conn, clock)
    escalate(app)
    inner: list[list[Escalation]] = []
    sent: list[int] = []

    class Racing:
        name = "race"

        def unavailable_reason(self) -> str | None:
            return None

        def deliver(self, escalation: Escalation) -> None:
            # While the app is sending, the CLI runs `escalations retry`.
            inner.append(cli.deliver_pending(MailtoChannel(lambda url: sent.append(escalation.id))))

    [after] = app.deliver_pending(Racing())
    assert inner == [[]] and sent == []
    assert after.state is DELIVERED and after.attempts == 1
    app_conn.close()
    cli_conn.close()


# ---------------------------------------------------------------------------------------------
# Channels from settings


def test_default_settings_send_nothing_anywhere(outbox: Outbox, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("tried to connect")

    monkeypatch.setattr(socket, "create_connection", no_network)
    escalate(outbox)
    channel = channel_from_settings(Settings())
    assert isinstance(channel, MailtoChannel)
    [after] = outbox.deliver_pending(channel)
    assert after.state is QUEUED


def test_channel_from_settings(tmp_path: Path) -> None:
    opener = print
    mailto = channel_from_settings(Settings(), opener=opener)
    assert isinstance(mailto, MailtoChannel) and mailto.unavailable_reason() is None

    folder = channel_from_settings(
        Settings(
            officer_name="Ann Officer",
            officer_email="ann@example.gov.uk",
            escalation_channel=EscalationChannel.FOLDER,
            drop_folder=tmp_path,
        )
    )
    assert isinstance(folder, FolderChannel)
    assert folder.path == tmp_path and folder.sender == "Ann Officer <ann@example.gov.uk>"

    smtp_settings = Settings(
        officer_email="ann@example.gov.uk",
        escalation_channel=EscalationChannel.SMTP,
        smtp=SmtpSettings("relay.example", 25, True, "ann", "MV_PW"),
    )
    smtp = channel_from_settings(smtp_settings, environ={"MV_PW": "pw"})
    assert isinstance(smtp, SmtpChannel)
    assert (smtp.host, smtp.port, smtp.starttls, smtp.username) == ("relay.example", 25, True, "ann")
    assert smtp.unavailable_reason() is None and smtp.timeout == 10

    missing = channel_from_settings(smtp_settings, environ={})
    reason = missing.unavailable_reason()
    assert reason is not None and "MV_PW" in reason


def test_missing_smtp_password_leaves_rows_queued(outbox: Outbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "create_connection", None)  # any connection attempt would crash
    settings = Settings(
        officer_email="ann@example.gov.uk",
        escalation_channel=EscalationChannel.SMTP,
        smtp=SmtpSettings("relay.example", 25, True, "ann", "MV_PW"),
    )
    escalate(outbox)
    [after] = outbox.deliver_pending(channel_from_settings(settings, environ={}))
    assert after.state is QUEUED and after.attempts == 0 and "MV_PW" in after.last_error


def test_a_display_name_with_a_comma_is_one_recipient_and_two_addresses_are_refused(tmp_path: Path) -> None:
    from manualviewer.storage.outbox import EscalationError, check_recipient
    from manualviewer.storage.stores import open_stores

    assert check_recipient('"Smith, Jane" <jane.smith@example.org>') == "jane.smith@example.org"
    with pytest.raises(EscalationError):
        check_recipient("jane@example.org, bob@example.org")
    with pytest.raises(EscalationError):
        check_recipient("jane@example.org\nBcc: evil@example.org")
    stores = open_stores(tmp_path / "db.sqlite3")
    try:
        queued = stores.outbox.enqueue('"Smith, Jane" <jane.smith@example.org>', "Concern", "Body")
        assert stores.outbox.get(queued.id) is not None
    finally:
        stores.close()
