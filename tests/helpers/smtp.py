"""A real SMTP server on loopback (aiosmtpd) for delivery tests, with the faults a relay can have:
late answers, refusals, TLS with a test certificate authority (trustme)."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Relay:
    """Answers DATA with `answers` in turn (then the last one for ever); keeps every message it
    was given, answered or not. `late` seconds: the answer to DATA comes that much later (the
    message is stored first, as a real relay that is slow to answer would have it queued)."""

    answers: list[str] = field(default_factory=lambda: ["250 Message accepted for delivery"])
    late: float = 0.0
    envelopes: list[Envelope] = field(default_factory=list)
    dates: int = 0

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        answer = self.answers[min(self.dates, len(self.answers) - 1)]
        self.dates += 1
        if self.late:
            late, self.late = self.late, 0.0  # late once: the retry gets a prompt answer
            await asyncio.sleep(late)
        return answer


@contextmanager
def running(handler: Relay, port: int, **kwargs: Any) -> Iterator[Controller]:
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@dataclass(frozen=True)
class RelayTls:
    server: ssl.SSLContext  # for the relay's STARTTLS
    ca_file: Path  # trust this (SSL_CERT_FILE) and the client's default context verifies the relay


def relay_tls(folder: Path) -> RelayTls:
    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server)
    ca_file = folder / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return RelayTls(server, ca_file)
