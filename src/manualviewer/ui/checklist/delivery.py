"""Sending the outbox from the window: one delivery at a time, SMTP (which can take seconds) off
the GUI thread on a connection of its own, the other channels at once. What to deliver and what
the result means are the session's (services/escalation_delivery.py); this is the threading."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from manualviewer.services.checklist_session import ChecklistSession, SessionChange, deliver_on_own_connection
from manualviewer.storage.outbox import Escalation
from manualviewer.ui.workers import JobThread, Relay, start_worker


class OutboxDelivery:
    def __init__(
        self,
        parent: QObject,
        session: ChecklistSession,
        show: Callable[[SessionChange], object],
        finished: Callable[[], object],
    ) -> None:
        self._parent = parent
        self._session = session
        self._show = show  # tells the panels (the controller's `changed`)
        self._finished = finished
        self.delivering = False
        self._again = False
        self._jobs: list[tuple[JobThread, Relay]] = []

    def deliver(self, resend_uncertain: bool = False) -> None:
        """Try every waiting escalation through the configured channel.
        `resend_uncertain`: also those that may have been delivered (the officer said yes)."""
        if self.delivering:
            self._again = True  # queued during a send: send it when that one is done
            return
        try:
            delivery = self._session.delivery()
        except ValueError as exc:
            self._show(SessionChange(message=f"Escalations cannot be sent: {exc}"))
            self._finished()
            return
        if delivery.database is None:
            self._delivered(self._session.deliver_pending(delivery.channel, resend_uncertain))
            return
        database, channel = delivery.database, delivery.channel
        self.delivering = True
        self._show(SessionChange(escalations=True))

        def job(_progress: object) -> list[Escalation]:
            return deliver_on_own_connection(database, channel, resend_uncertain)

        self._jobs.append(start_worker(self._parent, job, on_done=self._delivered,
                                       on_failed=lambda error: self._delivered([], error)))

    def _delivered(self, results: list[Escalation], error: str = "") -> None:
        self.delivering = False
        self._show(self._session.delivered(results, error))
        self._finished()
        if self._again:
            self._again = False
            if self._session.pending():
                self.deliver()

    def wait(self) -> None:
        """For shutdown: let a background delivery finish (SMTP times out after 10 s)."""
        for thread, _relay in self._jobs:
            thread.quit()
            thread.wait(15000)
