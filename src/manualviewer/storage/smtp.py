"""SmtpChannel: escalations through the organisation's mail relay with smtplib.

STARTTLS by default and never a fall-back to plain text; a password is never sent without TLS.
The answer decides what a retry may do: a 5xx to the message is permanent (DeliveryRefused), a
4xx or a lost connection before the message went is tried again, and a timeout or a dropped line
after the whole message went leaves the outcome unknown (DeliveryUncertain).
"""

from __future__ import annotations

import smtplib
import ssl
from contextlib import suppress
from typing import TYPE_CHECKING

from manualviewer.storage.escalation import (
    DeliveryError,
    DeliveryRefused,
    DeliveryUncertain,
    Escalation,
    describe_error,
)

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

SMTP_TIMEOUT = 10.0


class SmtpChannel:
    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int = 587,
        starttls: bool = True,
        username: str = "",
        password: str | None = None,
        sender: str = "",
        timeout: float = SMTP_TIMEOUT,
        missing_password_env: str = "",
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.starttls = starttls
        self.username = username
        self._password = password
        self.sender = sender
        self.timeout = timeout
        self._missing_password_env = missing_password_env
        self._tls_context = tls_context

    def unavailable_reason(self) -> str | None:
        if not self.host:
            return "no SMTP host is configured (smtp.host in the settings)"
        if self._missing_password_env:
            return (
                f"the SMTP password environment variable {self._missing_password_env} is not set "
                "(named by smtp.password_env in the settings)"
            )
        if self.username and not self.starttls:
            return PLAIN_LOGIN_REFUSED
        if self.username and self._password is None:
            return "smtp.username is set but no password: set smtp.password_env in the settings"
        if not (self.sender or self.username):
            return "no sender address: set officer_email in the settings"
        return None

    def deliver(self, escalation: Escalation) -> None:
        reason = self.unavailable_reason()
        if reason:
            raise DeliveryError(reason)
        msg = escalation.to_email()
        if "From" not in msg:
            msg["From"] = self.sender or self.username
        smtp = _TrackingSMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.starttls:
                # Raises SMTPNotSupportedError if the relay cannot do TLS: never fall back to plain.
                smtp.starttls(context=self._tls_context or ssl.create_default_context())
                smtp.ehlo()
            if self.username:
                assert self._password is not None and smtp.sock is not None
                if not isinstance(smtp.sock, ssl.SSLSocket):  # unavailable_reason stops this first
                    raise DeliveryError(PLAIN_LOGIN_REFUSED)
                smtp.login(self.username, self._password)
            try:
                refused = smtp.send_message(msg)
            except (smtplib.SMTPSenderRefused, smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                raise _refusal(exc) from exc
            except (OSError, smtplib.SMTPServerDisconnected) as exc:
                if smtp.message_sent:
                    raise _uncertain(exc, self.timeout) from exc
                raise
            if refused:
                raise DeliveryError(f"the relay refused: {refused}")
            with suppress(OSError, smtplib.SMTPException):
                smtp.quit()  # delivered whatever QUIT answers
        finally:
            smtp.close()


PLAIN_LOGIN_REFUSED = (
    "smtp.username is set but smtp.starttls is false: manualviewer does not send your password "
    "over a connection without TLS; set starttls = true in the settings"
)


class _TrackingSMTP(smtplib.SMTP):
    """Knows whether the whole message went out after DATA: a failure before that is a plain
    failure, a failure after it leaves the outcome unknown."""

    message_sent = False

    def send(self, s: ReadableBuffer | str) -> None:
        super().send(s)
        # smtplib.data() sends the message as bytes ending CRLF.CRLF; commands go as str.
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.message_sent = True


def _uncertain(exc: BaseException, timeout: float) -> DeliveryUncertain:
    # smtplib reports a timeout waiting for the answer as SMTPServerDisconnected from TimeoutError.
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return DeliveryUncertain(
            f"the mail server had the whole message but did not answer within {timeout:g} s: "
            "it may have been delivered"
        )
    return DeliveryUncertain(
        "the mail server had the whole message but the connection was lost before it answered "
        f"({describe_error(exc)}): it may have been delivered"
    )


def _refusal(exc: smtplib.SMTPException) -> DeliveryError:
    """5xx: permanent (stop retrying); 4xx: try again later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        permanent = bool(answers) and all(code >= 500 for code, _ in answers)
        text = "; ".join(f"{code} {_text(reply)}" for code, reply in answers)
    else:
        assert isinstance(exc, smtplib.SMTPResponseException)
        permanent = exc.smtp_code >= 500
        text = f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if permanent:
        return DeliveryRefused(
            f"the mail server refused this message permanently: {text}; it will not be sent again "
            "(send the concern another way)"
        )
    return DeliveryError(f"the mail server could not take the message now: {text}; it will be tried again")


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
