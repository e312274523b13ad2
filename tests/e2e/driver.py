"""Runs inside the real app's process (started by test_xvfb_smoke.py): drives the window the way a
user would, through Qt events, and prints what happened as one JSON line before quitting."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from manualviewer.app import Application


def main() -> int:
    QCoreApplication.setApplicationName("manualviewer")
    qapp = QApplication(sys.argv[:1])
    app = Application([Path(sys.argv[1])])
    app.start()
    window = app.window
    report: dict[str, object] = {"platform": qapp.platformName()}
    # The test's home has seen the first-run welcome (tests/conftest.py): nothing modal in the way.
    report["welcome"] = app.welcome is not None
    steps = iter(range(10_000))

    def step() -> None:
        n = next(steps)
        if app.index_runs == 0:  # wait for the search index, as a user would see "Updating..."
            if n > 600:
                report["error"] = "index never finished"
                qapp.quit()
                return
            QTimer.singleShot(50, step)
            return
        window.activateWindow()
        QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(window.search_panel.box, "journalist own business affairs")
        window.search_panel.run_search()
        hit = window.search_panel.model.hit(0)
        report["first_hit"] = hit.id if hit else None
        QTest.keyClick(window.search_panel.box, Qt.Key.Key_Return)
        view = window.current_view()
        report["opened"] = view.current_id
        view.on_link(QUrl("section:DWPREC0300"), False)
        report["followed"] = view.current_id
        report["title"] = window.windowTitle()
        report["visible"] = window.isVisible()
        # Quit once a second process has handed over "open ID" (the app's own handler runs
        # first, as it was connected first); a safety net ends a run that never gets one.
        app.server.message_received.connect(lambda _text: QTimer.singleShot(0, window.close))
        QTimer.singleShot(90_000, window.close)
        print("READY", flush=True)

    QTimer.singleShot(0, step)
    code = qapp.exec()
    report["open_forwarded_to"] = window.current_view().current_id
    app.shutdown()
    print(json.dumps(report), flush=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
