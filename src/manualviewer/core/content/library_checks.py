"""Checks across the assembled library, after every file is read: aliases that clash, parents
that are missing or loop, links and `superseded_by` that point at nothing. Each finding is a
problem on the section's file; nothing here refuses a section."""

from __future__ import annotations

from dataclasses import replace

from manualviewer.core.content.library import Library
from manualviewer.core.model import Section, SectionRef
from manualviewer.core.problems import ContentProblem, Severity


def register_aliases(library: Library) -> None:
    for section in library.sections.values():
        for alias in section.aliases:
            if alias == section.id:
                continue  # the publisher's own spelling of the ID: nothing to resolve
            if alias in library.sections:
                library.problems.append(ContentProblem(
                    "alias-clash", section.path, 1,
                    f"alias {alias} is also a section ID ({library.sections[alias].path}); alias ignored"))
            elif alias in library.aliases and library.aliases[alias] != section.id:
                library.problems.append(ContentProblem(
                    "alias-clash", section.path, 1,
                    f"alias {alias} is already an alias of {library.aliases[alias]}; alias ignored"))
            else:
                library.aliases[alias] = section.id


def line_of(section: Section, key: str) -> int:
    # Front matter keys are near the top; re-reading is cheap and only happens for problems.
    try:
        for number, line in enumerate(section.path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith(f"{key}:"):
                return number
    except OSError:
        pass
    return 1


def check_parents(library: Library) -> None:
    for section in list(library.sections.values()):
        if section.parent is None:
            continue
        parent_id = library.resolve(section.parent)
        if parent_id is None:
            library.problems.append(ContentProblem(
                "missing-parent", section.path, line_of(section, "parent"),
                f"parent {section.parent} is not in the library; {section.id} is shown at the top of its manual",
                Severity.WARNING))
            continue
        # Walk up; meeting this section again means a cycle.
        seen = {section.id}
        current: str | None = parent_id
        while current is not None:
            if current in seen and current != section.id:
                break  # a loop further up, which its own members report; this section is fine
            if current in seen:
                library.problems.append(ContentProblem(
                    "parent-cycle", section.path, line_of(section, "parent"),
                    f"parent chain of {section.id} loops back on itself; its parent is ignored"))
                library.sections[section.id] = _replace_parent(section)
                break
            seen.add(current)
            grand = library.sections[current].parent
            current = library.resolve(grand) if grand else None



def _replace_parent(section: Section) -> Section:
    return replace(section, parent=None)


def check_links(library: Library, refs: list[SectionRef]) -> None:
    reported: set[tuple[str, str]] = set()
    for ref in refs:
        if library.resolve(ref.target) is not None or (ref.source, ref.target) in reported:
            continue
        reported.add((ref.source, ref.target))
        section = library.sections[ref.source]
        library.problems.append(ContentProblem(
            "unresolved-link", section.path, ref.line,
            f"{ref.target} is not in this library", Severity.WARNING))
    for section in library.sections.values():
        if section.superseded_by and library.resolve(section.superseded_by) is None:
            library.problems.append(ContentProblem(
                "unresolved-link", section.path, line_of(section, "superseded_by"),
                f"superseded_by {section.superseded_by} is not in this library", Severity.WARNING))
