"""Escalations: stored in the outbox first, then delivered by the channel Settings configured.

A row is never lost: a failed delivery leaves it `failed` with the error and the attempt count,
and `deliver_pending` retries it next time. Two failures are not retried on their own: `uncertain`
(the relay had the whole message when the connection timed out or dropped: it may have been
delivered; a resend, with the same Message-ID, needs the officer's yes) and `refused` (a permanent
5xx answer to the message: sending it again would get the same answer). Delivery is claimed row
by row under the write lock, so the app and the CLI running at once do not both send the same
escalation.

Channels:
- MailtoChannel: builds a mailto: URL and hands it to an opener the UI injects
  (QDesktopServices.openUrl). Without an opener (the CLI) it is unavailable and rows stay queued.
- SmtpChannel (smtp.py): smtplib to the organisation's relay, STARTTLS by default, 10 s timeout;
  a password is never sent over a connection without TLS.
- FolderChannel: one .eml file per escalation, written atomically into an existing folder.
"""

from __future__ import annotations

import builtins
import datetime as dt
import email.utils
import sqlite3
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import quote

from manualviewer.core.files import atomic_write
from manualviewer.core.settings import EscalationChannel, Settings
from manualviewer.storage.clock import Clock, from_db, from_db_optional, to_db, utc_now
from manualviewer.storage.database import transaction
from manualviewer.storage.escalation import (
    Channel,
    DeliveryError,
    DeliveryRefused,
    DeliveryUncertain,
    Escalation,
    EscalationError,
    EscalationState,
    describe_error,
)
from manualviewer.storage.smtp import PLAIN_LOGIN_REFUSED, SMTP_TIMEOUT, SmtpChannel

# Where they were defined before escalation.py and smtp.py: callers import them from here.
__all__ = [
    "PLAIN_LOGIN_REFUSED",
    "SMTP_TIMEOUT",
    "Channel",
    "DeliveryError",
    "DeliveryRefused",
    "DeliveryUncertain",
    "Escalation",
    "EscalationError",
    "EscalationState",
    "FolderChannel",
    "MailtoChannel",
    "Outbox",
    "SmtpChannel",
    "channel_from_settings",
    "check_recipient",
    "check_sender",
    "mailto_url",
]

# A row left `sending` this long ago was interrupted (crash, kill): the relay may have had the
# whole message, so its outcome is unknown. It becomes `uncertain` (may have been delivered) and
# is resent, with the same Message-ID, only when the officer says so (issue 13).
STALE_SENDING = dt.timedelta(minutes=10)
INTERRUPTED = ("manualviewer stopped while this escalation was being sent, so it is not known whether "
               "the mail server had it: it may have been delivered")


# ---------------------------------------------------------------------------------------------
# Channels

Opener = Callable[[str], object]  # returns False when nothing could open the URL


def mailto_url(to: str, subject: str, body: str) -> str:
    """RFC 6068 mailto: URL. Line breaks become CRLF (%0D%0A) as the RFC asks."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    return (
        "mailto:"
        + quote(to, safe="@")
        + "?subject="
        + quote(subject, safe="")
        + "&body="
        + quote(body, safe="")
    )


class MailtoChannel:
    name = "mailto"

    def __init__(self, opener: Opener | None = None) -> None:
        self._opener = opener

    def unavailable_reason(self) -> str | None:
        if self._opener is None:
            return (
                "escalations are set to go through your email program (mailto), which only the "
                "manualviewer window can open; send them from there, or set escalation_channel "
                'to "smtp" or "folder" in the settings'
            )
        return None

    def deliver(self, escalation: Escalation) -> None:
        if self._opener is None:
            raise DeliveryError(self.unavailable_reason() or "no opener")
        url = mailto_url(escalation.to, escalation.subject, escalation.body)
        if self._opener(url) is False:
            raise DeliveryError("no email program could open the mailto: link")


class FolderChannel:
    name = "folder"

    def __init__(self, path: Path, sender: str = "") -> None:
        self.path = path
        self.sender = sender

    def unavailable_reason(self) -> str | None:
        return None  # a missing folder is a per-attempt failure: a share may come back

    def file_for(self, escalation: Escalation) -> Path:
        # One name per escalation, so a retry replaces rather than duplicates.
        stamp = escalation.created_at.strftime("%Y%m%dT%H%M%SZ")
        return self.path / f"escalation-{stamp}-{escalation.id}.eml"

    def deliver(self, escalation: Escalation) -> None:
        if not self.path.is_dir():
            # Creating it could put escalations where nobody collects them (an unmounted share).
            if self.path.exists():
                raise DeliveryError(f"the drop folder is a file, not a folder: {self.path}")
            raise DeliveryError(f"the drop folder does not exist: {self.path}")
        msg = escalation.to_email()
        if "From" not in msg and self.sender:
            msg["From"] = self.sender
        # A collector polling the folder must never pick up half a file (the temporary one is a
        # dot-file); 0600 as before: the message is the user's.
        atomic_write(self.file_for(escalation), msg.as_bytes(), mode=0o600)


def channel_from_settings(
    settings: Settings,
    opener: Opener | None = None,
    environ: Mapping[str, str] | None = None,
) -> Channel:
    """The channel Settings configured, and only that one: nothing goes anywhere else."""
    choice = settings.escalation_channel
    if choice is EscalationChannel.MAILTO:
        return MailtoChannel(opener)
    if choice is EscalationChannel.SMTP:
        smtp = settings.smtp
        password = smtp.password(environ)
        missing = smtp.password_env if smtp.password_env and password is None else ""
        return SmtpChannel(
            host=smtp.host,
            port=smtp.port,
            starttls=smtp.starttls,
            username=smtp.username,
            password=password,
            sender=_sender(settings),
            missing_password_env=missing,
        )
    if choice is EscalationChannel.FOLDER:
        if settings.drop_folder is None:  # Settings.validate forbids this; keep mypy honest
            raise ValueError("escalation_channel is folder but drop_folder is not set")
        return FolderChannel(settings.drop_folder, sender=_sender(settings))
    raise ValueError(f"unknown escalation channel {choice!r}")


def _sender(settings: Settings) -> str:
    if not settings.officer_email:
        return ""
    if settings.officer_name:
        return email.utils.formataddr((settings.officer_name, settings.officer_email))
    return settings.officer_email


# ---------------------------------------------------------------------------------------------
# The outbox

# Every column, read by name: a database opened read-only cannot be migrated, and one from before
# migration 5 has no note_id (its escalations belong to no note).
_COLUMNS = "*"
# Rows deliver_pending sends on its own; resend_uncertain adds the ones that may have gone.
_RETRYABLE = "(state = 'queued' OR (state = 'failed' AND outcome = ''))"
_RETRYABLE_OR_UNCERTAIN = "(state = 'queued' OR (state = 'failed' AND outcome IN ('', 'uncertain')))"


def check_recipient(to: str, sender: str = "") -> str:
    """The address of `to` if it is one mailbox ("Smith, Jane" <jane@example.org> is one);
    EscalationError otherwise. Callers check before saving anything that goes with it."""
    to = to.strip()
    if not to:
        raise EscalationError("an escalation needs a recipient (line_manager_email in the settings)")
    parsed = email.utils.getaddresses([to])
    address = parsed[0][1] if len(parsed) == 1 else ""
    if not address or "@" not in address or any(c in to for c in "\r\n"):
        raise EscalationError(f"not a single email address: {to!r}")
    check_sender(sender)
    return address


def check_sender(sender: str) -> None:
    if any(c in sender for c in "\r\n"):
        raise EscalationError(f"not a valid sender: {sender!r}")


class Outbox:
    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    def enqueue(
        self, to: str, subject: str, body: str, sender: str = "", *, draft: bool = False, note_id: int | None = None
    ) -> Escalation:
        """Store an escalation (committed on return). Delivery is `deliver_pending`'s job.
        A `draft` is kept as written and never sent until `send_draft`; it may have no address
        yet (`to` empty: the address is given when it is sent). `note_id`: the note it came from."""
        to = to.strip()
        if draft and not to:  # kept for later: a concern is never dropped for want of an address
            check_sender(sender)
            address = ""
        else:
            address = check_recipient(to, sender)
        # Header values cannot hold line breaks; a subject from a template might.
        subject = " ".join(subject.split())
        now = self._clock()
        domain = address.rpartition("@")[2] or "manualviewer.local"
        # Shorter than make_msgid's, so the header is not folded across lines.
        message_id = f"<{uuid.uuid4().hex}.mv@{domain}>"
        with transaction(self._conn):
            cur = self._conn.execute(
                'INSERT INTO outbox (created_at, message_id, sender, "to", subject, body, state, note_id) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (to_db(now), message_id, sender, to, subject, body,
                 (EscalationState.DRAFT if draft else EscalationState.QUEUED).value, note_id),
            )
            new_id = cur.lastrowid
        assert new_id is not None
        stored = self.get(new_id)
        assert stored is not None
        return stored

    def send_draft(self, escalation_id: int, to: str = "") -> Escalation:
        """Queue a draft for delivery as it was written (only its state changes, and its address
        when it was kept without one: `to`, set once). Raises EscalationError when it is not a
        draft (already queued or sent: nothing is sent twice), or has no address and `to` is not
        one, or has one and `to` names another."""
        draft = self.get(escalation_id)
        if draft is None or draft.state is not EscalationState.DRAFT:
            raise EscalationError(f"escalation {escalation_id} is not a draft waiting to be sent")
        to = to.strip()
        args: tuple[object, ...]
        if draft.to:
            if to and to != draft.to:
                raise EscalationError(f"this draft is addressed to {draft.to}: it is sent as it was written")
            sql, args = "UPDATE outbox SET state = 'queued' WHERE id = ? AND state = 'draft'", (escalation_id,)
        else:
            check_recipient(to, draft.sender)
            sql = "UPDATE outbox SET state = 'queued', \"to\" = ? WHERE id = ? AND state = 'draft' AND \"to\" = ''"
            args = (to, escalation_id)
        with transaction(self._conn):
            cur = self._conn.execute(sql, args)
        if cur.rowcount != 1:  # sent meanwhile (another window, the CLI)
            raise EscalationError(f"escalation {escalation_id} is not a draft waiting to be sent")
        return self._must_get(escalation_id)

    def drafts(self, note_id: int | None = None) -> builtins.list[Escalation]:
        """Drafts oldest first, optionally only those of one note."""
        return [e for e in self.list(EscalationState.DRAFT) if note_id is None or e.note_id == note_id]

    def of_note(self, note_id: int) -> builtins.list[Escalation]:
        """The escalations a note raised, oldest first."""
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM outbox WHERE note_id = ? ORDER BY id", (note_id,))
        return [_escalation(r) for r in rows]

    def get(self, escalation_id: int) -> Escalation | None:
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (escalation_id,)).fetchone()
        return _escalation(row) if row is not None else None

    def list(self, state: EscalationState | None = None) -> list[Escalation]:
        """Escalations oldest first, optionally only those in `state`."""
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM outbox ORDER BY id")
        # uncertain and refused are failed rows with an outcome: filter on the state they show.
        return [e for e in map(_escalation, rows) if state is None or e.state is state]

    def pending(self, now: dt.datetime | None = None, resend_uncertain: bool = False) -> builtins.list[Escalation]:
        """Queued and failed rows; not the refused ones, and the uncertain ones (including a send
        interrupted long ago, once settled) only with `resend_uncertain`. `now` is unused (kept
        for callers)."""
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM outbox WHERE {_retryable(resend_uncertain)} ORDER BY id")
        return [_escalation(r) for r in rows]

    def uncertain(self, now: dt.datetime | None = None) -> builtins.list[Escalation]:
        """Escalations that may have been delivered (a timeout after DATA, or a send interrupted
        by a crash): a retry asks the officer before resending."""
        self.settle_interrupted(now)
        return self.list(EscalationState.UNCERTAIN)

    def settle_interrupted(self, now: dt.datetime | None = None) -> int:
        """Mark the rows left `sending` more than STALE_SENDING ago (the program was killed or
        crashed mid-send) as uncertain: not resent on their own. Returns how many; 0 when the
        database cannot be written (read-only: they are left as they are)."""
        stale = to_db((now or self._clock()) - STALE_SENDING)
        where = "state = 'sending' AND (last_attempt_at IS NULL OR last_attempt_at < ?)"
        # Read first: the write lock is taken only when there is something to settle.
        if self._conn.execute(f"SELECT 1 FROM outbox WHERE {where} LIMIT 1", (stale,)).fetchone() is None:
            return 0
        try:
            with transaction(self._conn):
                cur = self._conn.execute(
                    f"UPDATE outbox SET state = 'failed', outcome = 'uncertain', last_error = ? WHERE {where}",
                    (INTERRUPTED, stale),
                )
        except sqlite3.Error:
            return 0
        return cur.rowcount

    def deliver_pending(
        self, channel: Channel, now: dt.datetime | None = None, resend_uncertain: bool = False
    ) -> builtins.list[Escalation]:
        """Try to deliver every pending escalation through `channel`; return their new states.

        If the channel cannot work from here at all (mailto without an opener, a missing
        password variable) the rows stay queued, not failed, with the reason as last_error and
        no attempt counted. Rows that may already have been delivered are resent (with the same
        Message-ID) only with `resend_uncertain`: the caller asked the officer first.
        """
        now = now or self._clock()
        self.settle_interrupted(now)
        results: builtins.list[Escalation] = []
        reason = channel.unavailable_reason()
        for pending in self.pending(now, resend_uncertain):
            if reason:
                with transaction(self._conn):
                    self._conn.execute(
                        f"UPDATE outbox SET last_error = ? WHERE id = ? AND {_retryable(resend_uncertain)}",
                        (reason, pending.id),
                    )
                results.append(self._must_get(pending.id))
                continue
            claimed = self._claim(pending, channel.name, now, resend_uncertain)
            if claimed is None:
                continue  # someone else is delivering it
            try:
                channel.deliver(claimed)
            except DeliveryUncertain as exc:
                self._finish(claimed.id, EscalationState.FAILED, describe_error(exc), None, "uncertain")
            except DeliveryRefused as exc:
                self._finish(claimed.id, EscalationState.FAILED, describe_error(exc), None, "refused")
            except Exception as exc:
                self._finish(claimed.id, EscalationState.FAILED, describe_error(exc), None)
            else:
                self._finish(claimed.id, EscalationState.DELIVERED, "", self._clock())
            results.append(self._must_get(claimed.id))
        return results

    def _claim(
        self, pending: Escalation, channel_name: str, now: dt.datetime, resend_uncertain: bool
    ) -> Escalation | None:
        with transaction(self._conn):
            cur = self._conn.execute(
                "UPDATE outbox SET state = 'sending', outcome = '', attempts = attempts + 1, "
                f"last_attempt_at = ?, channel = ? WHERE id = ? AND {_retryable(resend_uncertain)}",
                (to_db(now), channel_name, pending.id),
            )
            if cur.rowcount != 1:
                return None
        return self._must_get(pending.id)

    def _finish(
        self,
        escalation_id: int,
        state: EscalationState,
        error: str,
        delivered_at: dt.datetime | None,
        outcome: str = "",
    ) -> None:
        with transaction(self._conn):
            self._conn.execute(
                "UPDATE outbox SET state = ?, last_error = ?, delivered_at = ?, outcome = ? WHERE id = ?",
                (state.value, error, to_db(delivered_at) if delivered_at else None, outcome, escalation_id),
            )

    def _must_get(self, escalation_id: int) -> Escalation:
        found = self.get(escalation_id)
        assert found is not None
        return found


def _retryable(resend_uncertain: bool) -> str:
    return _RETRYABLE_OR_UNCERTAIN if resend_uncertain else _RETRYABLE

def _escalation(row: sqlite3.Row) -> Escalation:
    return Escalation(
        id=row["id"],
        created_at=from_db(row["created_at"]),
        message_id=row["message_id"],
        sender=row["sender"],
        to=row["to"],
        subject=row["subject"],
        body=row["body"],
        state=_state(row["state"], row["outcome"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        last_attempt_at=from_db_optional(row["last_attempt_at"]),
        delivered_at=from_db_optional(row["delivered_at"]),
        channel=row["channel"],
        note_id=row["note_id"] if "note_id" in row.keys() else None,  # noqa: SIM118 (`in` a Row looks at values)
    )


def _state(stored: str, outcome: str) -> EscalationState:
    if stored == EscalationState.FAILED.value and outcome:
        return EscalationState(outcome)
    return EscalationState(stored)
