"""An escalation as the outbox holds it, its delivery states, and what a channel may raise."""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass
from email.message import EmailMessage
from enum import StrEnum
from typing import Protocol

from manualviewer.storage.clock import to_db


class EscalationState(StrEnum):
    DRAFT = "draft"  # written in full and kept, not sent until the officer says so ("Send now")
    QUEUED = "queued"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"
    UNCERTAIN = "uncertain"  # may have been delivered: stored as failed + outcome 'uncertain'
    REFUSED = "refused"  # the relay refused it permanently: stored as failed + outcome 'refused'


@dataclass(frozen=True)
class Escalation:
    id: int
    created_at: dt.datetime
    message_id: str
    sender: str
    to: str
    subject: str
    body: str
    state: EscalationState
    attempts: int
    last_error: str
    last_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    channel: str
    note_id: int | None = None  # the note it came from (None: queued before notes were linked)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "created_at": to_db(self.created_at),
            "to": self.to,
            "subject": self.subject,
            "state": self.state.value,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "last_attempt_at": to_db(self.last_attempt_at) if self.last_attempt_at else None,
            "delivered_at": to_db(self.delivered_at) if self.delivered_at else None,
            "channel": self.channel,
        }

    def to_email(self) -> EmailMessage:
        msg = EmailMessage()
        if self.sender:
            msg["From"] = self.sender
        msg["To"] = self.to
        msg["Subject"] = self.subject
        msg["Date"] = email.utils.format_datetime(self.created_at)
        msg["Message-ID"] = self.message_id
        msg["X-Manualviewer-Escalation"] = str(self.id)
        msg.set_content(self.body)
        return msg


class EscalationError(ValueError):
    """An escalation that cannot be queued (no recipient, bad address)."""


class DeliveryError(Exception):
    """A channel could not deliver; the message is stored as the row's last_error."""


class DeliveryUncertain(DeliveryError):
    """The receiver had the whole message when the answer was lost: it may have been delivered."""


class DeliveryRefused(DeliveryError):
    """The receiver refused the message permanently (SMTP 5xx); sending it again would not help."""


class Channel(Protocol):
    name: str

    def unavailable_reason(self) -> str | None:
        """Why this channel cannot deliver from here at all (rows stay queued), or None."""

    def deliver(self, escalation: Escalation) -> None:
        """Deliver or raise (DeliveryError, OSError, smtplib.SMTPException, ...)."""


def describe_error(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, DeliveryError):
        return text
    return f"{exc.__class__.__name__}: {text}"
