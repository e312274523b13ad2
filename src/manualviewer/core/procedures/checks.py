"""What `manualviewer check` says about procedures: each file's problems, each procedure's
validation, and sections that offer a procedure the library does not have."""

from __future__ import annotations

from manualviewer.core.content.library import Library
from manualviewer.core.problems import ContentProblem, Severity
from manualviewer.core.procedures.loader import load_library_procedures
from manualviewer.core.procedures.validate import validate


def check_library(library: Library) -> list[ContentProblem]:
    procedures, problems = load_library_procedures(library)
    for procedure in procedures.values():
        problems.extend(validate(procedure, library.resolve))
    for section in library.sections.values():
        offered = [(pid, 0) for pid in section.procedures]
        offered += list(library.embeds.get(section.id, ()))
        for pid, line in offered:
            if pid not in procedures:
                problems.append(ContentProblem(
                    "unknown-procedure", section.path, line or _front_matter_line(section.path),
                    f"{section.id} offers procedure '{pid}', which is not in the library",
                    Severity.ERROR))
    return problems


def _front_matter_line(path: object) -> int:
    from pathlib import Path

    try:
        lines = Path(str(path)).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    return next((n for n, line in enumerate(lines, start=1) if line.startswith("procedures:")), 1)
