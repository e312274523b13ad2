"""The bundled library and its procedures and scenarios, each read once per test session.

For tests that only read them (never change them): a test that edits the library works on a
copy of the content folder. `tests/conftest.py` hands the same library out as the
session-scoped `bundled_library` fixture; these functions serve the module-level code (test
parameters) that cannot take a fixture."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import load_library
from manualviewer.core.procedures import Procedure
from manualviewer.core.procedures.loader import load_library_procedures
from manualviewer.core.training import Scenario, load_library_scenarios

BUNDLED = Path(__file__).resolve().parents[2] / "content"


@cache
def library() -> Library:
    return load_library([BUNDLED])


@cache
def procedures() -> dict[str, Procedure]:
    found, _ = load_library_procedures(library())
    return found


@cache
def scenarios() -> dict[str, Scenario]:
    found, _ = load_library_scenarios(library())
    return found


def section_body(section_id: str) -> str | None:
    section = library().get(section_id)
    return section.body if section else None
