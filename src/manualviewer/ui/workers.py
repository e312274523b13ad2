"""Work that must not freeze the window: building the search index, reloading changed content."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal


class Worker(QObject):
    """Runs `job(progress)` on its own thread; `progress(done, total)` may be called from the job."""

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, job: Callable[[Callable[[int, int], None]], Any]) -> None:
        super().__init__()
        self._job = job

    def run(self) -> None:
        try:
            result = self._job(self.progressed.emit)
        except Exception as exc:  # reported to the user, never a crash of the window
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.finished.emit(result)


def start_worker(parent: QObject, job: Callable[[Callable[[int, int], None]], Any]) -> tuple[QThread, Worker]:
    thread = QThread(parent)
    worker = Worker(job)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    worker.failed.connect(thread.quit)
    thread.finished.connect(worker.deleteLater)
    thread.start()
    return thread, worker
