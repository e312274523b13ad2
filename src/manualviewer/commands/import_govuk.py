"""`manualviewer import-govuk SRC... --out DIR`: GOV.UK HMRC manual JSON -> manual folders."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from manualviewer.commands.common import print_json

if TYPE_CHECKING:
    from manualviewer.core.content.govuk import ImportReport


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "import-govuk",
        help="import GOV.UK HMRC manuals (content-store or hmrc-manuals-api JSON)",
        description=(
            "Read GOV.UK HMRC manual JSON (content-store documents or hmrc-manuals-api request "
            "bodies) from files, folders or .zip archives and write one manual folder per manual "
            "into DIR. Re-importing updates the folders in place."
        ),
    )
    parser.add_argument("sources", nargs="+", type=Path, metavar="SRC", help="JSON file, folder or .zip")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="content folder to write into")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the HTML converter takes a tenth of a second to load, and every other
    # command (search from a terminal) should not pay for it.
    from manualviewer.core.content.govuk import import_govuk

    report = import_govuk(args.sources, args.out)
    if args.json:
        print_json(report.as_json())
    else:
        print_summary(report)
    return exit_code(report)


EXIT_PROBLEMS = 3  # imported what it could, but some inputs had errors (1: nothing imported at all)


def exit_code(report: ImportReport) -> int:
    """0: imported, no errors; 1: nothing imported; 3: imported, but inputs had errors (a
    script must not take a partial import for a clean one). 2 stays argparse's usage error."""
    if not report.wrote_anything:
        return 1
    from manualviewer.core.problems import Severity

    return EXIT_PROBLEMS if any(p.severity is Severity.ERROR for p in report.problems) else 0


def print_summary(report: ImportReport) -> None:
    for problem in report.problems:
        print(problem, file=sys.stderr)
    for manual in report.manuals:
        print(
            f"{manual.code} {manual.title} -> {manual.folder}: {_count(manual.sections, 'section')} "
            f"({manual.added} new, {manual.changed} changed, {manual.unchanged} unchanged, "
            f"{manual.removed} removed); change notes: {manual.change_notes_attached} attached, "
            f"{manual.change_notes_elsewhere} for sections not in this import"
        )
    print(
        f"{_count(len(report.manuals), 'manual')}, {_count(report.sections, 'section')}, links: "
        f"{report.links_resolved} resolved, {report.links_unresolved} unresolved; "
        f"{_count(len(report.problems), 'problem')}"
    )
    if not report.wrote_anything:
        print("manualviewer: nothing imported", file=sys.stderr)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
