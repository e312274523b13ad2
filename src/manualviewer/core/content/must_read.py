"""Which sections staff must read and confirm, and by when: a section's own `must_read_by`, or
an entry in its manual's `must_read` list (manual.md). The section's own date wins; of two list
entries for one section, the earlier date. Withdrawn and archived sections are not asked for."""

from __future__ import annotations

import datetime as dt

from manualviewer.core.content.library import Library
from manualviewer.core.model import Status
from manualviewer.core.problems import ContentProblem, Severity

_NOT_ASKED = (Status.ARCHIVED, Status.WITHDRAWN)


def due_dates(library: Library) -> dict[str, dt.date]:
    """Section ID -> the date it must be read by, for every must-read section in the library."""
    due: dict[str, dt.date] = {}
    for manual in library.manuals.values():
        for mark in manual.must_read:
            section_id = library.aliases.get(mark.section, mark.section)
            if section_id in library.sections and (section_id not in due or mark.due < due[section_id]):
                due[section_id] = mark.due
    due.update(library.must_read)  # a section's own date wins
    return {sid: when for sid, when in due.items() if library.sections[sid].status not in _NOT_ASKED}


def check_library(library: Library) -> list[ContentProblem]:
    """`manualviewer check`: a manual's must_read entry that names no section of the library."""
    problems: list[ContentProblem] = []
    for manual in library.manuals.values():
        for mark in manual.must_read:
            if library.aliases.get(mark.section, mark.section) not in library.sections:
                problems.append(ContentProblem(
                    "unknown-section", manual.path / "manual.md", mark.line,
                    f"must_read names section {mark.section}, which is not in the library", Severity.WARNING))
    return problems
