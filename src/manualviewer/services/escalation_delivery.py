"""Delivering the outbox for the live checklist, without Qt: which channel and where (SMTP can
take seconds, so it runs on a connection of its own off the GUI thread), and what a delivery
did, as one sentence for the status bar."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from manualviewer.core.settings import Settings
from manualviewer.storage.database import open_database
from manualviewer.storage.outbox import Channel, Escalation, Outbox
from manualviewer.storage.stores import Stores


@dataclass(frozen=True)
class Delivery:
    """How to deliver the outbox now: on this connection, or (SMTP can take seconds) off the
    GUI thread on a connection of its own to `database`."""

    channel: Channel
    database: Path | None = None

    @property
    def in_background(self) -> bool:
        return self.database is not None


def deliver_on_own_connection(
    database: Path, channel: Channel, resend_uncertain: bool = False
) -> list[Escalation]:
    """Deliver every waiting escalation on a new connection (for a worker thread)."""
    conn = open_database(database)
    try:
        return Outbox(conn).deliver_pending(channel, resend_uncertain=resend_uncertain)
    finally:
        conn.close()


def database_file(stores: Stores) -> Path | None:
    for row in stores.conn.execute("PRAGMA database_list"):
        if row[1] == "main" and row[2]:
            return Path(row[2])
    return None


def channel_description(settings: Settings) -> str:
    """Where the settings send escalations, as the officer would say it."""
    channel = settings.escalation_channel.value
    if channel == "mailto":
        return "your email program (you press Send there)"
    if channel == "smtp":
        return f"the mail server {settings.smtp.host or '(not set)'}"
    return f"the drop folder {settings.drop_folder}"


def delivery_message(results: list[Escalation], error: str, settings: Settings) -> str:
    """What a delivery did, as a sentence ("" when nothing was tried)."""
    failed = [e for e in results if e.state.value == "failed"]
    delivered = [e for e in results if e.state.value == "delivered"]
    waiting = [e for e in results if e.state.value == "queued"]
    uncertain = [e for e in results if e.state.value == "uncertain"]
    refused = [e for e in results if e.state.value == "refused"]
    if error:
        return f"Sending escalations stopped: {error}. They stay in the outbox; use Retry."
    if refused:
        return (
            f"{len(refused)} escalation{'s were' if len(refused) != 1 else ' was'} not sent: "
            f"{refused[-1].last_error}. See the Escalations panel."
        )
    if uncertain:
        return (
            f"{len(uncertain)} escalation{'s' if len(uncertain) != 1 else ''} may have been delivered: "
            "the mail server had the message when the connection went quiet. Check with the recipient "
            "before you use Retry in the Escalations panel (it asks first)."
        )
    if failed:
        return (
            f"{len(failed)} escalation{'s' if len(failed) != 1 else ''} could not be sent "
            f"({failed[-1].last_error}). {'They stay' if len(failed) != 1 else 'It stays'} in the outbox: "
            "see the Escalations panel and use Retry."
        )
    if waiting:
        return f"Escalations are waiting to be sent: {waiting[-1].last_error}"
    if delivered:
        return f"Escalation sent through {channel_description(settings)}."
    return ""
