"""Work that must not freeze the window: building the search index, reloading changed content,
sending escalations."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

Job = Callable[[Callable[[int, int], None]], Any]


class Relay(QObject):
    """Lives on the caller's (GUI) thread. The job's thread emits these signals; Qt queues them
    to this object's thread, so whatever is connected here runs on the GUI thread, even a plain
    function or a method of an object that is not a QObject."""

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)


class JobThread:
    """A daemon thread running one job. Daemon, so quitting the app never waits on (or is
    aborted by) an index build that is still running: its work is written atomically anyway."""

    def __init__(self, job: Job, relay: Relay) -> None:
        self._job = job
        self._relay = relay
        self._thread = threading.Thread(target=self._run, name="manualviewer-job", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            result = self._job(self._relay.progressed.emit)
        except Exception as exc:  # reported to the user, never a crash of the window
            self._relay.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self._relay.finished.emit(result)

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def quit(self) -> None:
        """Kept for symmetry with QThread; a job cannot be interrupted, only waited for."""

    def wait(self, milliseconds: int) -> bool:
        self._thread.join(milliseconds / 1000)
        return not self._thread.is_alive()


def start_worker(
    parent: QObject,
    job: Job,
    *,
    on_done: Callable[[Any], object] | None = None,
    on_failed: Callable[[str], object] | None = None,
    on_progress: Callable[[int, int], object] | None = None,
) -> tuple[JobThread, Relay]:
    """Run `job(progress)` on a new thread. The handlers are connected before it starts (a
    quick job could otherwise finish before anyone listens) and run on the GUI thread."""
    relay = Relay(parent)
    if on_done is not None:
        relay.finished.connect(on_done)
    if on_failed is not None:
        relay.failed.connect(on_failed)
    if on_progress is not None:
        relay.progressed.connect(on_progress)
    thread = JobThread(job, relay)
    thread.start()
    return thread, relay
