from __future__ import annotations

import threading

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from manualviewer.ui.workers import start_worker


def test_job_runs_off_the_gui_thread_and_results_arrive_on_it(qtbot: QtBot) -> None:
    parent = QObject()
    gui = threading.get_ident()
    seen: dict[str, int] = {}

    def job(progress: object) -> str:
        seen["job"] = threading.get_ident()
        progress(1, 2)  # type: ignore[operator]
        return "done"

    results: list[str] = []
    progress_threads: list[int] = []
    thread, _relay = start_worker(
        parent, job,
        on_progress=lambda _d, _t: progress_threads.append(threading.get_ident()),
        on_done=lambda value: (results.append(value), seen.setdefault("done", threading.get_ident())),
    )
    qtbot.waitUntil(lambda: results == ["done"])
    assert thread.wait(5000)
    assert seen["job"] != gui
    assert seen["done"] == gui
    assert progress_threads == [gui]


def test_a_failing_job_reports_its_error(qtbot: QtBot) -> None:
    parent = QObject()

    def job(_progress: object) -> None:
        raise OSError("disk full")

    errors: list[str] = []
    thread, _relay = start_worker(parent, job, on_failed=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert thread.wait(5000)
    assert errors == ["OSError: disk full"]
