"""The change alerts in the window (issue 17 point 2): the badges in the contents, bookmarks and
recent lists, and the banner of each section view. The alerts are worked out on a worker thread
(services/alerts.user_alerts: its own read-only connection to the user's database, the reads
from the ChangeTracker) when the library loads and when what is "theirs" changes (a bookmark,
a note, a checklist run), a few hundred milliseconds at 100,000 sections; a section shown loses
its badge at once, on the GUI thread, without working anything out again."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance

from manualviewer.core.changes.alerts import Alert, Seen
from manualviewer.services.alerts import AlertSet, user_alerts
from manualviewer.services.escalation_delivery import database_file
from manualviewer.storage.clock import Clock, utc_now
from manualviewer.ui.workers import JobThread, start_worker

if TYPE_CHECKING:
    from manualviewer.services.changes import ChangeTracker
    from manualviewer.storage.stores import Stores
    from manualviewer.ui.reading.main_window import MainWindow

DEBOUNCE_MS = 300  # bookmark after bookmark, answer after answer: one recompute


class ChangeAlerts(QObject):
    updated = Signal()  # a new AlertSet is in the views

    def __init__(self, window: MainWindow, database: Path, reads: Callable[[], Mapping[str, Seen]],
                 days: Callable[[], int], clock: Clock = utc_now) -> None:
        super().__init__(window)
        self.window = window
        self.database = database
        self.reads = reads
        self.days = days
        self.clock = clock
        self.alerts = AlertSet()
        self.computations = 0  # finished, for tests and the bench
        self._job: JobThread | None = None
        self._again = False
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.recompute)
        window.alert_for = self.alert_for
        for view in window.views():
            view.alert_for = self.alert_for
        window.section_opened.connect(self.section_read)
        if hasattr(window, "bookmarks_model"):
            window.bookmarks_model.modelReset.connect(self.schedule)

    def alert_for(self, section_id: str) -> Alert | None:
        key = self.window.library.resolve(section_id)
        return self.alerts.get(key) if key else None

    def schedule(self, *_args: Any) -> None:
        """Work the alerts out again soon (something that makes a section theirs changed)."""
        self._timer.start()

    def recompute(self) -> None:
        if self._closed:
            return
        if self._job is not None and self._job.is_running():
            self._again = True
            return
        library, reads_of, days, now = self.window.library, self.reads, self.days(), self.clock()
        database = self.database

        def job(_progress: Callable[[int, int], None]) -> tuple[object, AlertSet]:
            return library, user_alerts(database, library, reads_of(), now=now, days=days)

        self._job, _relay = start_worker(self, job, on_done=self._done, on_failed=self._failed)

    def _done(self, result: tuple[object, AlertSet]) -> None:
        library, alerts = result
        self.computations += 1
        if library is self.window.library:  # else a newer library is in: its own run follows
            self.apply(alerts)
        self._next()

    def _failed(self, message: str) -> None:
        # The badges are a help, not the guidance: the reading goes on without them.
        print(f"manualviewer: the change alerts could not be worked out ({message})", file=sys.stderr)
        self._next()

    def _next(self) -> None:
        if self._again:
            self._again = False
            self.recompute()

    def apply(self, alerts: AlertSet) -> None:
        self.alerts = alerts
        self.window.contents_model.set_alerts(alerts)
        for model in (getattr(self.window, "bookmarks_model", None), getattr(self.window, "recent_model", None)):
            if model is not None:
                model.set_alerts(alerts)
        self.updated.emit()

    def section_read(self, section_id: str) -> None:
        """Shown: its badge goes (the banner of the view that shows it stays for this visit)."""
        key = self.window.library.resolve(section_id)
        if key is not None and key in self.alerts.alerts:
            self.apply(self.alerts.without(key))

    def library_changed(self) -> None:
        """A new library is in the window: its alerts are worked out afresh."""
        self.recompute()

    def wait(self, milliseconds: int = 3000) -> bool:
        """At shutdown (and the end of a test): nothing more is started, and the computation
        running, if any, finished (it reads the versions database, which closes next)."""
        self._timer.stop()
        self._again = False
        self._closed = True
        return self._job is None or self._job.wait(milliseconds)

def install_change_alerts(window: MainWindow, stores: Stores, tracker: ChangeTracker,
                          checklist_changes: SignalInstance | None = None) -> ChangeAlerts | None:
    """The change alerts for the app: the user's database, the tracker's reads, the days from the
    settings (read at each computation, so a change in Settings counts from the next). A note
    saved or a checklist started or finished changes what is theirs: `checklist_changes` (the
    checklist controller's `changed`, a SessionChange) asks for a new computation then."""
    database = database_file(stores)
    if database is None:  # an in-memory database (tests of other parts): nothing to read from
        return None
    alerts = ChangeAlerts(window, database, tracker.all_last_reads, _alert_days)
    if checklist_changes is not None:
        checklist_changes.connect(lambda change: alerts.schedule() if change.notes or change.saved_runs else None)
    return alerts


def _alert_days() -> int:
    from manualviewer.storage.settings_file import load_layered

    return load_layered().settings.change_alert_days
