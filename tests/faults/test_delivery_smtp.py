"""Delivery against a real SMTP server (aiosmtpd on loopback) that is down, refuses for good,
refuses for now, or answers after the client has given up: what the outbox records, what a retry
does, and that a password never goes over a connection without TLS."""

from __future__ import annotations

import datetime as dt
import email.parser
import email.policy
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from manualviewer.cli import main
from manualviewer.core.settings import EscalationChannel, Settings, SettingsError, SmtpSettings
from manualviewer.storage.database import open_database
from manualviewer.storage.outbox import (
    STALE_SENDING,
    Escalation,
    EscalationState,
    Outbox,
    SmtpChannel,
    channel_from_settings,
)
from manualviewer.storage.settings_file import save_user_settings
from manualviewer.storage.stores import open_stores
from tests.helpers.smtp import Relay, free_port, relay_tls, running

SENDER = "ann@example.gov.uk"
CLIENT_TIMEOUT = 0.5  # the relay that answers late sleeps past this; keeps the tests fast


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    c = open_database(tmp_path / "outbox.sqlite3")
    yield c
    c.close()


@pytest.fixture
def outbox(conn: sqlite3.Connection) -> Outbox:
    return Outbox(conn)


@pytest.fixture
def port() -> int:
    return free_port()


def escalate(outbox: Outbox) -> Escalation:
    return outbox.enqueue("bea@example.gov.uk", "Escalation: customer R1", "Customer R1 disputes the debt.\n",
                          sender=SENDER)


def channel(port: int) -> SmtpChannel:
    return SmtpChannel("127.0.0.1", port, starttls=False, sender=SENDER, timeout=CLIENT_TIMEOUT)


def message_ids(relay: Relay) -> list[str]:
    parser = email.parser.BytesParser(policy=email.policy.default)
    return [parser.parsebytes(e.content)["Message-ID"] for e in relay.envelopes]  # type: ignore[arg-type]


def test_relay_down_is_a_plain_failure_tried_again(outbox: Outbox, port: int) -> None:
    esc = escalate(outbox)
    [after] = outbox.deliver_pending(channel(port))  # nothing listens on the port
    assert after.state is EscalationState.FAILED and "ConnectionRefusedError" in after.last_error
    relay = Relay()
    with running(relay, port):
        [again] = outbox.deliver_pending(channel(port))
    assert again.state is EscalationState.DELIVERED and again.attempts == 2
    assert message_ids(relay) == [esc.message_id]


def test_a_permanent_refusal_stops_retrying_and_says_so(outbox: Outbox, port: int) -> None:
    escalate(outbox)
    relay = Relay(answers=["550 5.7.1 Message rejected by policy"])
    with running(relay, port):
        [after] = outbox.deliver_pending(channel(port))
        assert after.state is EscalationState.REFUSED and after.attempts == 1
        assert after.last_error.startswith(
            "the mail server refused this message permanently: 550 5.7.1 Message rejected by policy"
        )
        assert outbox.pending() == []
        assert outbox.deliver_pending(channel(port)) == []  # no further attempt
        assert outbox.deliver_pending(channel(port), resend_uncertain=True) == []
    assert len(relay.envelopes) == 1
    assert outbox.get(after.id) == after and after.as_json()["state"] == "refused"


def test_a_refused_recipient_is_permanent_too(outbox: Outbox, port: int) -> None:
    class RefusesRecipient(Relay):
        async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
            return "550 5.1.1 No such user here"

    escalate(outbox)
    relay = RefusesRecipient()
    with running(relay, port):
        [after] = outbox.deliver_pending(channel(port))
    assert after.state is EscalationState.REFUSED and "550 5.1.1 No such user here" in after.last_error
    assert outbox.pending() == [] and relay.envelopes == []


def test_a_transient_refusal_is_tried_again_then_delivered(outbox: Outbox, port: int) -> None:
    esc = escalate(outbox)
    relay = Relay(answers=["451 4.3.0 Try again later", "250 OK"])
    with running(relay, port):
        [after] = outbox.deliver_pending(channel(port))
        assert after.state is EscalationState.FAILED
        assert "could not take the message now: 451 4.3.0 Try again later" in after.last_error
        assert outbox.pending() == [after]
        [again] = outbox.deliver_pending(channel(port))
    assert again.state is EscalationState.DELIVERED and again.attempts == 2 and again.last_error == ""
    assert message_ids(relay) == [esc.message_id, esc.message_id]


def test_a_late_answer_may_have_been_delivered_and_a_retry_asks_first(
    outbox: Outbox, port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # The CLI below reads the user's database: queue the escalation there.
    stores = open_stores()
    esc = escalate(stores.outbox)
    relay = Relay(late=CLIENT_TIMEOUT * 4)  # stores the message, answers after the client gave up
    save_user_settings(Settings(officer_email=SENDER, escalation_channel=EscalationChannel.SMTP,
                                smtp=SmtpSettings(host="127.0.0.1", port=port, starttls=False)))
    try:
        with running(relay, port):
            [after] = stores.outbox.deliver_pending(channel(port))
            assert after.state is EscalationState.UNCERTAIN and after.as_json()["state"] == "uncertain"
            assert after.last_error == (
                "the mail server had the whole message but did not answer within 0.5 s: it may have been delivered"
            )
            assert message_ids(relay) == [esc.message_id]  # it did arrive, once

            # Not resent on its own, nor by a plain retry: that one says how, and exits 1.
            assert stores.outbox.deliver_pending(channel(port)) == []
            assert main(["escalations", "retry"]) == 1
            captured = capsys.readouterr()
            assert "uncertain" in captured.out and "may already have been delivered" in captured.err
            assert "manualviewer escalations retry --force" in captured.err
            assert len(relay.envelopes) == 1

            assert main(["escalations", "retry", "--force"]) == 0
            assert "All 1 escalation(s) delivered." in capsys.readouterr().out
    finally:
        stores.close()
    assert message_ids(relay) == [esc.message_id, esc.message_id]  # the same Message-ID
    stores = open_stores()
    try:
        found = stores.outbox.get(esc.id)
        assert found is not None and found.state is EscalationState.DELIVERED and found.attempts == 2
    finally:
        stores.close()


class DiesMidSend:
    """A channel during whose send the program stops (as a kill or a crash would): the row stays
    `sending`."""

    name = "smtp"

    def unavailable_reason(self) -> str | None:
        return None

    def deliver(self, escalation: Escalation) -> None:
        raise KeyboardInterrupt


def test_a_send_cut_off_by_a_crash_may_have_been_delivered_and_a_retry_asks_first(
    port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    stores = open_stores()  # the user's database, which the CLI below reads
    esc = escalate(stores.outbox)
    long_ago = dt.datetime.now(dt.UTC) - STALE_SENDING - dt.timedelta(minutes=1)
    with pytest.raises(KeyboardInterrupt):
        stores.outbox.deliver_pending(DiesMidSend(), now=long_ago)
    stores.close()
    relay = Relay()
    save_user_settings(Settings(officer_email=SENDER, escalation_channel=EscalationChannel.SMTP,
                                smtp=SmtpSettings(host="127.0.0.1", port=port, starttls=False)))
    with running(relay, port):
        # More than 10 minutes on: not sent again on its own (before issue 13 it was) ...
        assert main(["escalations", "retry"]) == 1
        captured = capsys.readouterr()
        assert "uncertain" in captured.out and "stopped while this escalation was being sent" in captured.out
        assert "may already have been delivered" in captured.err
        assert relay.envelopes == []
        # ... and sent, with its own Message-ID, when the officer says so.
        assert main(["escalations", "retry", "--force"]) == 0
    assert message_ids(relay) == [esc.message_id]


def test_a_password_is_never_sent_without_tls(outbox: Outbox, port: int) -> None:
    logins: list[bytes] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        logins.append(data.password)
        return AuthResult(success=True)

    settings = Settings(officer_email=SENDER, escalation_channel=EscalationChannel.SMTP,
                        smtp=SmtpSettings("127.0.0.1", port, False, "ann", "MV_TEST_SMTP_PW"))
    with pytest.raises(SettingsError, match=r"smtp\.starttls: must be true when smtp\.username is set"):
        settings.validate()  # the Settings dialog and the settings file say so
    escalate(outbox)
    relay = Relay()
    with running(relay, port, authenticator=authenticator, auth_require_tls=False):
        [after] = outbox.deliver_pending(channel_from_settings(settings, environ={"MV_TEST_SMTP_PW": "pw"}))
    assert after.state is EscalationState.QUEUED and after.attempts == 0
    assert "does not send your password over a connection without TLS" in after.last_error
    assert logins == [] and relay.envelopes == []


def test_a_password_goes_over_starttls(outbox: Outbox, port: int, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret")

    tls = relay_tls(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca_file))  # the client's default context trusts the test CA
    monkeypatch.setenv("MV_TEST_SMTP_PW", "s3cret")
    settings = Settings(officer_email=SENDER, escalation_channel=EscalationChannel.SMTP,
                        smtp=SmtpSettings("127.0.0.1", port, True, "ann", "MV_TEST_SMTP_PW")).validate()
    escalate(outbox)
    relay = Relay()
    with running(relay, port, authenticator=authenticator, tls_context=tls.server, require_starttls=True):
        [after] = outbox.deliver_pending(channel_from_settings(settings))
    assert after.state is EscalationState.DELIVERED, after.last_error
    assert logins == [(b"ann", b"s3cret")] and len(relay.envelopes) == 1
