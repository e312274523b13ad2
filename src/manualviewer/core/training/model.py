"""Training scenarios as frozen values. The YAML format is docs/scenarios.md; every element
keeps its line so problems point at file:line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SCENARIO_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# What a scenario (or a trainee) gives as an answer, before the engine normalises it:
# check -> bool, question -> choice ID, input/document -> {name: value}, info/escalate -> True.
RawAnswer = bool | str | None | dict[str, str]


@dataclass(frozen=True)
class Turn:
    """One thing the trainee meets: what the customer says, what the records show."""

    speaker: str
    text: str
    line: int
    step: str | None = None  # held back until the run reaches this step
    step_line: int = 0


@dataclass(frozen=True)
class Expectation:
    """A decision point: the answer the guidance calls for, why, and where it says so."""

    step: str
    answer: RawAnswer
    reason: str  # the guidance's own words
    section: str  # normalised section ID
    line: int
    step_line: int = 0
    answer_line: int = 0
    reason_line: int = 0
    section_line: int = 0


@dataclass(frozen=True)
class Detail:
    """An answer the situation supplies but the scenario does not grade (a customer reference,
    a letter option the guidance leaves to the officer). A trainee's own answer wins."""

    step: str
    answer: RawAnswer
    line: int


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    procedure: str
    situation: tuple[Turn, ...]
    expected: tuple[Expectation, ...]
    path: Path
    line: int = 1
    summary: str = ""
    details: tuple[Detail, ...] = ()
    procedure_line: int = 0

    def expectation(self, step_id: str) -> Expectation | None:
        return next((e for e in self.expected if e.step == step_id), None)

    def detail(self, step_id: str) -> Detail | None:
        return next((d for d in self.details if d.step == step_id), None)

    @property
    def sections(self) -> tuple[str, ...]:
        """The sections the expected answers cite, in order, without repeats."""
        return tuple(dict.fromkeys(e.section for e in self.expected))
