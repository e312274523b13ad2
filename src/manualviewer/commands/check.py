"""`manualviewer check`: validate the library (sections, links, procedures, scenarios)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

from manualviewer.commands.common import add_content_arguments, print_json, workspace_from_args
from manualviewer.core.content.glossary import glossary_problems
from manualviewer.core.content.library import Library
from manualviewer.core.problems import ContentProblem, ProblemKind, Severity

# Other parts of the library (procedures, scenarios) add their checks here: each takes the
# loaded library and returns its problems.
EXTRA_CHECKS: list[Callable[[Library], list[ContentProblem]]] = []


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "check", help="validate content: front matter, IDs, links, procedures, scenarios"
    )
    add_content_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--strict", action="store_true", help="warnings fail the check too")
    parser.add_argument("--suppress", action="append", type=ProblemKind, default=[], metavar="KIND",
                        help="leave out problems of this kind (repeatable; kinds: docs/content-format.md)")
    parser.set_defaults(func=run)


def collect_problems(library: Library) -> list[ContentProblem]:
    _load_extra_checks()
    problems = list(library.problems) + glossary_problems(library)
    for check in EXTRA_CHECKS:
        problems.extend(check(library))
    return problems


def _load_extra_checks() -> None:
    # Imported lazily so `check` works while those parts are absent.
    for module in ("manualviewer.core.procedures.checks", "manualviewer.core.training.checks",
                   "manualviewer.core.content.must_read"):
        try:
            mod = __import__(module, fromlist=["check_library"])
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        if mod.check_library not in EXTRA_CHECKS:
            EXTRA_CHECKS.append(mod.check_library)


def run(args: argparse.Namespace) -> int:
    # Bodies stay on disk and big libraries are parsed on every core: 100,000 sections in a minute.
    library = workspace_from_args(args).load(keep_bodies=False, workers=os.cpu_count() or 1)
    problems = [p for p in collect_problems(library) if p.kind not in args.suppress]
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    links = library.link_counts()
    if args.json:
        print_json({
            "manuals": len(library.manuals),
            "sections": len(library.sections),
            "errors": [p.as_json() for p in errors],
            "warnings": [p.as_json() for p in warnings],
            "links": {"total": links.total, "resolved": links.resolved, "unresolved": links.unresolved},
        })
    else:
        for problem in errors + warnings:
            print(problem)
        print(
            f"{len(library.manuals)} manuals, {len(library.sections)} sections, "
            f"{links.total} links ({links.resolved} resolved, {links.unresolved} not in this library); "
            f"{len(errors)} errors, {len(warnings)} warnings",
            file=sys.stdout,
        )
    failed = bool(errors) or (args.strict and bool(warnings))
    return 1 if failed else 0
