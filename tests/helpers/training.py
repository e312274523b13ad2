"""Scenarios from text for the training tests, and the journalist scenario on the bundled
recording checklist. (The bundled library itself: tests.helpers.bundled.)"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from manualviewer.core.problems import ContentProblem
from manualviewer.core.training import Scenario, parse_scenario

T0 = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)


def parse(text: str, name: str = "s.yaml") -> tuple[Scenario | None, list[ContentProblem]]:
    return parse_scenario(textwrap.dedent(text), Path(name))


def build(text: str, name: str = "journalist.yaml") -> Scenario:
    scenario, problems = parse(text, name)
    assert scenario is not None, problems
    assert not problems, problems
    return scenario


def line_of(text: str, needle: str, after: int = 0) -> int:
    """1-based line of the first line (after line `after`) containing `needle`."""
    lines = textwrap.dedent(text).splitlines()
    return next(n for n, line in enumerate(lines, 1) if n > after and needle in line)


def seconds(n: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=n)


# A scenario on the bundled procedure for a customer recording a call, used across the tests.
JOURNALIST = """\
id: journalist
title: A journalist about their own tax
procedure: dmbm-customer-recording-call
situation:
  - who: Customer
    says: I'm a journalist, but this is about my own tax. I'd like to record the call.
  - who: Customer
    says: It's just for my own records.
    step: own-purposes
  - who: Trainer
    says: You have no concerns.
details:
  call-details:
    customer_reference: JR 771205
  business-related: true
  privacy: true
expected:
  - step: media
    answer: own-business-affairs
    reason: The only exception is where the customer is for example a journalist
    section: DMBM511015
  - step: own-purposes
    answer: true
    reason: the recording is for their own purposes and is not intended for use by a third party
    section: DMBM511015
  - step: concerns
    answer: no-concerns
    reason: these concerns should be made known to your line manager
    section: DMBM511015
"""

RIGHT = {
    "media": "own-business-affairs",
    "own-purposes": True,
    "business-related": True,
    "privacy": True,
    "concerns": "no-concerns",
}
