"""`manualviewer changes` (what changed in the library since the version last recorded for this
user, or a named one) and `manualviewer diff ID` (a word diff of one section). Each records the
library as loaded now, as every load does."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from typing import Any

from manualviewer.commands.common import CommandStop, add_content_arguments, print_json, workspace_from_args
from manualviewer.core.changes.versions import Change
from manualviewer.core.changes.worddiff import BlockDiff, BlockKind, SectionDiff, diff_plain
from manualviewer.core.content.library import Library
from manualviewer.core.model import normalise_id
from manualviewer.services.changes import (
    ChangeReport,
    ChangeTracker,
    UnknownVersion,
    VersionDiff,
    describe_version,
)
from manualviewer.services.workspace import Workspace

PROG = "manualviewer"
_KIND_ORDER = (Change.CHANGED, Change.ADDED, Change.REMOVED)
# Paragraphs, items or rows shown around each change (`show ID` prints the whole section).
DIFF_CONTEXT = 1


def register(sub: Any) -> None:
    changes: argparse.ArgumentParser = sub.add_parser(
        "changes", help="list the sections added, changed and removed since the library version you last had")
    add_content_arguments(changes)
    changes.add_argument("--since", metavar="VERSION|DATE",
                         help="a version ID (or its first 4+ characters), a pack label such as "
                              "'org-guidance 1.2', or a date YYYY-MM-DD; default: the version before this one")
    changes.add_argument("--json", action="store_true",
                         help='print {"since", "sections": [{"id", "title", "manual", "change"}]}')
    changes.set_defaults(func=run_changes)

    diff: argparse.ArgumentParser = sub.add_parser(
        "diff", help="print a word diff of one section: {+added+} and [-removed-]")
    add_content_arguments(diff)
    diff.add_argument("id", metavar="ID", help="section ID (any case, spaces allowed)")
    diff.add_argument("--from", dest="from_", metavar="HASH|DATE",
                      help="the first 4+ characters of an earlier content hash, or a date YYYY-MM-DD; "
                           "default: the version you last read, else the last one kept")
    diff.set_defaults(func=run_diff)


def _open(args: argparse.Namespace) -> tuple[Workspace, Library, ChangeTracker]:
    from manualviewer.storage.settings_file import load_layered

    workspace = workspace_from_args(args)
    library = workspace.open_library()
    try:
        tracker = ChangeTracker.open(keep_section_versions=load_layered().settings.keep_section_versions)
    except (sqlite3.Error, OSError) as exc:
        raise CommandStop(1, f"the record of library versions cannot be opened: {exc}") from exc
    workspace.record_version(library, tracker)
    return workspace, library, tracker


def run_changes(args: argparse.Namespace) -> int:
    try:
        _workspace, library, tracker = _open(args)
        try:
            report = tracker.changes_since(library, args.since)
        finally:
            tracker.close()
    except UnknownVersion as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except CommandStop as stop:
        print(f"{PROG}: {stop}", file=sys.stderr)
        return stop.status
    if args.json:
        print_json(report.as_json())
    else:
        sys.stdout.write(changes_text(report))
    return 0


def changes_text(report: ChangeReport) -> str:
    """The report as a reader wants it: one line saying since when and how much, then each manual
    with its changed, added and removed sections, then its change notes."""
    if report.since is None:
        return ("No earlier version of this library is recorded here: this is the first load "
                "seen on this desktop. What changes will be listed after the next update.\n")
    since = describe_version(report.since)
    if not report.sections:
        return f"Nothing changed since {since}.\n"
    counts = ", ".join(f"{report.count(kind)} {kind.value}" for kind in _KIND_ORDER if report.count(kind))
    lines = [f"What changed since {since}: {counts}.", ""]
    for manual, changes in sorted(report.by_manual().items()):
        title = report.manual_titles.get(manual, "")
        lines.append(f"{title} ({manual})" if title else manual)
        for kind in _KIND_ORDER:
            for change in (c for c in changes if c.change is kind):
                lines.append(f"  {kind.value:<8} {change.id:<14} {change.title}")
        notes = report.notes.get(manual, ())
        if notes:
            lines.append("  Change notes:")
            for note in notes:
                day = note.date.isoformat() if note.date else "undated"
                lines.append(f"    {day}  {note.section_id}: {note.note}")
        lines.append("")
    return "\n".join(lines)


def run_diff(args: argparse.Namespace) -> int:
    from manualviewer.commands.show import suggestions

    try:
        _workspace, library, tracker = _open(args)
    except CommandStop as stop:
        print(f"{PROG}: {stop}", file=sys.stderr)
        return stop.status
    try:
        section = library.get(args.id)
        if section is None:
            near = suggestions(library, args.id)
            hint = f" Did you mean: {', '.join(near)}?" if near else ""
            print(f"{PROG}: no section {normalise_id(args.id)} in this library.{hint}", file=sys.stderr)
            return 2
        result = tracker.diff(section, args.from_, body=library.body_of(section), library=library)
    except UnknownVersion as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    finally:
        tracker.close()
    if result is None:
        print(f"{PROG}: no earlier text of {section.id} that differs from the current one is kept on this "
              "desktop (it has not changed since this desktop first loaded it, or its earlier text was "
              "not kept)", file=sys.stderr)
        return 2
    sys.stdout.write(diff_text(result, section.content_hash))
    return 0


def diff_text(result: VersionDiff, current_hash: str) -> str:
    when = f" on {result.from_date.day} {result.from_date:%b %Y}" if result.from_date else ""
    basis = f"the version you read{when}" if result.read else f"the version kept{when}"
    head = (f"{result.section_id} {result.title}\n"
            f"Changes from {basis} ({result.from_hash[:12]}) to the current one ({current_hash[:12]}); "
            "{+added+} [-removed-]\n\n")
    if result.unchanged:
        return head + "No change in the text.\n"
    title = SectionDiff((BlockDiff(BlockKind.CHANGED, result.title_diff),))
    lines = [f"Title: {diff_plain(title).rstrip()}"] if result.title_changed else []
    lines += result.what_changed(title=False)
    told = "\n".join(lines) + "\n\n" if lines else ""
    if not result.text_changed:
        return head + told + "The text itself is the same.\n"
    return head + told + diff_plain(result.diff, context=DIFF_CONTEXT)
