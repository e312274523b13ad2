"""The bundled library and its procedures, read once, and a finished run of the "customer wants to
record the call" checklist with a late disclosure and an escalation. (A plain module, not
conftest: tests import it by name.)"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import load_library
from manualviewer.core.procedures import Procedure, Run, answer, out_of_order, start
from manualviewer.core.procedures.loader import load_library_procedures

BUNDLED = Path(__file__).resolve().parents[3] / "content"
T0 = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)
RECORDING = "dmbm-customer-recording-call"


@cache
def library() -> Library:
    return load_library([BUNDLED])


@cache
def procedures() -> dict[str, Procedure]:
    found, _ = load_library_procedures(library())
    return found


class TickingClock:
    """One minute later on every call, from T0."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


def escalated_run(reference: str = "AB 123") -> Run:
    """The recording checklist, finished: a late disclosure, then a concern for the line manager."""
    clock = TickingClock()
    run = start(procedures()[RECORDING], clock())
    run = answer(run, "call-details", {"customer_reference": reference}, clock())
    run = answer(run, "media", "not-media", clock())
    run = out_of_order(run, "late-disclosure", clock())
    run = answer(run, "late-disclosure", None, clock())
    run = answer(run, "concerns", "concerns", clock())
    run = answer(run, "tell-line-manager", "He said he would post it.", clock())
    assert run.finished
    return run


def quiet_run(reference: str = "CD 456") -> Run:
    """The recording checklist, finished with no concerns: a note and no escalation."""
    clock = TickingClock()
    run = start(procedures()[RECORDING], clock())
    run = answer(run, "call-details", {"customer_reference": reference}, clock())
    run = answer(run, "media", "not-media", clock())
    run = out_of_order(run, "late-disclosure", clock())
    run = answer(run, "late-disclosure", None, clock())
    run = answer(run, "concerns", "no-concerns", clock())
    assert run.finished
    return run
