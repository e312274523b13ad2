"""The Qt binding the app runs on must not corrupt Python's own objects while it works."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    happened = Signal(str)


def test_emitting_signals_keeps_true_alive() -> None:
    # PySide6 6.12.0 dropped a reference to True on every emit: a long session aborted the app.
    emitter = _Emitter()
    received: list[str] = []
    emitter.happened.connect(lambda text: received.append(text) or True)
    before = sys.getrefcount(True)
    for _ in range(3000):
        emitter.happened.emit("x")
    assert len(received) == 3000
    assert sys.getrefcount(True) - before > -100
