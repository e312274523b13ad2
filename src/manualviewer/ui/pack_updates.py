"""Content packs in the open window: the background sync of the configured sources (once at
start, then every `pack_sync_minutes`) on a worker thread, so the window never waits on the
network, and the status bar's note of the pack name and version in use.

The sync itself (services/pack_sync.py) only installs a version; the app (app.py) then switches
the window to it. A failed sync leaves the version in use and says why in one sentence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar

from manualviewer.services.pack_sync import SyncResult
from manualviewer.ui.workers import start_worker

Versions = Sequence[tuple[str, str, bool]]  # (name, version, signature verified)


class PackUpdates(QObject):
    """Runs `sync()` off the GUI thread, one at a time; `synced` carries its results."""

    synced = Signal(object)  # list[SyncResult]

    def __init__(self, parent: QObject, sync: Callable[[], list[SyncResult]], minutes: int) -> None:
        super().__init__(parent)
        self._sync = sync
        self.running = False
        self.stopped = False
        self.syncs = 0  # syncs finished, for the window's tests
        self.jobs: list[Any] = []
        self.timer = QTimer(self)
        self.timer.setInterval(max(1, minutes) * 60_000)
        self.timer.timeout.connect(self.sync_now)
        self.minutes = minutes

    def start(self) -> None:
        """Sync now, then every `minutes` (0: at start only)."""
        self.sync_now()
        if self.minutes > 0:
            self.timer.start()

    def sync_now(self) -> bool:
        """The timer's entry point (and the tests'): False when a sync is already running."""
        if self.running or self.stopped:
            return False
        self.running = True
        self.jobs = [job for job in self.jobs if job[0].is_running()]
        sync = self._sync

        def job(_progress: object) -> list[SyncResult]:
            return sync()

        self.jobs.append(start_worker(self, job, on_done=self._done, on_failed=self._failed))
        return True

    def _done(self, results: list[SyncResult]) -> None:
        self.running = False
        self.syncs += 1
        self.synced.emit(results)

    def _failed(self, error: str) -> None:
        self.running = False
        self.syncs += 1
        self.synced.emit([SyncResult("", None, None, "failed", 0, 0, f"The sync stopped ({error}).")])

    def stop(self, wait_ms: int = 3_000) -> None:
        """For shutdown: no new sync; a running one is waited for a while (it only writes a new
        version folder and then one state file, atomically, so stopping never breaks one)."""
        self.stopped = True
        self.timer.stop()
        for thread, _relay in self.jobs:
            thread.wait(wait_ms)


def pack_label(status_bar: QStatusBar) -> QLabel:
    """The pack name and version in use, at the right of the status bar (hidden without packs)."""
    label = QLabel(status_bar)
    label.setAccessibleName("Guidance version")
    label.hide()
    status_bar.addPermanentWidget(label)
    return label


def show_versions(label: QLabel, versions: Versions, problem: str = "") -> None:
    """"org-guidance 1.1" (several packs: comma-separated); the tooltip says more, and the last
    failed sync's sentence while it stands."""
    if not versions:
        label.hide()
        return
    label.setText("Guidance: " + ", ".join(f"{name} {version}" for name, version, _v in versions))
    tips = [f"{name} {version}" + (", signature verified" if verified else ", not signed")
            for name, version, verified in versions]
    if problem:
        tips.append(problem)
    label.setToolTip("\n".join(tips))
    label.show()


def version_text(versions: Versions) -> str:
    """The guidance version for a sentence: "1.1" with one pack, "a 1.1, b 2.0" with several."""
    if len(versions) == 1:
        return versions[0][1]
    return ", ".join(f"{name} {version}" for name, version, _v in versions)


def about_lines(versions: Versions) -> list[str]:
    """Help > About's list of installed packs."""
    return [f"{name} {version}" + (" (signature verified)" if verified else " (not signed)")
            for name, version, verified in versions]
