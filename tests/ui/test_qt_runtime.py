"""The Qt binding the app runs on must not corrupt Python's own objects while it works."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    happened = Signal(str)


class _Carrier(QObject):
    carried = Signal(object)


# From Python 3.12 True is immortal (PEP 683): its reference count never changes, so there a
# dropped reference can neither be seen nor crash the app. On 3.11 both happen: keep it there.
@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True is immortal from Python 3.12 (PEP 683): "
                    "its reference count cannot show the 6.12.0 bug, which cannot crash the app there either")
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


def test_an_object_sent_through_a_signal_keeps_its_references() -> None:
    # The same kind of fault on every Python: an ordinary (mortal) object sent through a signal and
    # returned by its slot has as many references after 3000 emits as before. `keep` holds enough
    # references that a dropped one per emit fails this assertion instead of freeing the object.
    emitter = _Carrier()
    payload = ["x"]
    keep = [payload] * 5000
    seen: list[int] = []

    def on_carried(value: list[str]) -> list[str]:
        seen.append(1)
        return value

    emitter.carried.connect(on_carried)
    before = sys.getrefcount(payload)
    for _ in range(3000):
        emitter.carried.emit(payload)
    assert len(seen) == 3000
    assert -100 < sys.getrefcount(payload) - before < 100
    assert len(keep) == 5000
