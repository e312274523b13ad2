"""Finished runs of the bundled "customer wants to record the call" checklist: one with a late
disclosure and an escalation, one quiet; and a clock that ticks a minute a call."""

from __future__ import annotations

import datetime as dt

from manualviewer.core.procedures import Run, answer, out_of_order, start
from tests.helpers.bundled import procedures

T0 = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)
RECORDING = "dmbm-customer-recording-call"


class TickingClock:
    """`step` later on every call (a minute unless told), from `start` (T0 unless told)."""

    def __init__(self, start: dt.datetime = T0, step: dt.timedelta = dt.timedelta(minutes=1)) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> dt.datetime:
        self.now += self.step
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
