"""`manualviewer attestations`: the officer's "read and understood" confirmations, to read or
to send to a manager (`list`, `export`), the must-read sections still to confirm
(`outstanding`), and a check that none was changed outside the app (`verify`).
Confirming is done in the app, where the section is read."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path
from typing import Any

from manualviewer.commands.common import add_content_arguments, print_json, workspace_from_args
from manualviewer.core.files import atomic_write
from manualviewer.core.procedures.wording import local_time
from manualviewer.services.must_read import outstanding
from manualviewer.storage import paths
from manualviewer.storage.attestations import Attestation, AttestationStore, export_csv, export_json, verify_chain
from manualviewer.storage.database import DAMAGED, DatabaseError, open_database_readonly
from manualviewer.storage.recovery import open_notes_database

PROG = "manualviewer attestations"
EXPORTERS = {"csv": export_csv, "json": export_json}


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "attestations", help="your 'read and understood' confirmations: list, export, what is outstanding")
    actions = parser.add_subparsers(dest="attestations_action", metavar="ACTION")

    list_parser = actions.add_parser("list", help="one line per confirmation, oldest first")
    list_parser.add_argument("--json", action="store_true", help="print a JSON array")
    list_parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)  # tests, support

    export_parser = actions.add_parser("export", help="the confirmations as CSV or JSON, to send to a manager")
    export_parser.add_argument("--format", choices=sorted(EXPORTERS), default="csv",
                               help="output format (default: csv)")
    export_parser.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of printing")
    export_parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)

    outstanding_parser = actions.add_parser(
        "outstanding", help="must-read sections you have not confirmed, or that changed since you did")
    add_content_arguments(outstanding_parser)
    outstanding_parser.add_argument("--json", action="store_true", help="print a JSON array")
    outstanding_parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    verify_parser = actions.add_parser(
        "verify", help="check that no confirmation was changed outside manualviewer")
    verify_parser.add_argument("--json", action="store_true", help="print the result as JSON")
    verify_parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.set_defaults(func=run, attestations_parser=parser)


def run(args: argparse.Namespace) -> int:
    if args.attestations_action is None:
        args.attestations_parser.print_help(sys.stderr)
        return 2
    path = args.database or paths.database_path()
    conn = _open(path)
    if conn is None:
        return 1
    try:
        store = AttestationStore(conn)
        if args.attestations_action == "outstanding":
            return _outstanding(args, store)
        if args.attestations_action == "verify":
            return _verify(conn, args.json)
        try:
            records = store.list()
        except sqlite3.OperationalError:  # a read-only database from before confirmations
            records = []
    finally:
        conn.close()
    if args.attestations_action == "export":
        text = EXPORTERS[args.format](records)
        if args.out is None:
            sys.stdout.write(text)
            return 0
        try:
            atomic_write(args.out, text, mode=0o600)
        except OSError as exc:
            print(f"{PROG}: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"{len(records)} confirmation{'s' if len(records) != 1 else ''} written to {args.out}",
              file=sys.stderr)
    elif args.json:
        print_json([r.as_json() for r in records])
    else:
        for record in records:
            print(_line(record))
        print(f"{len(records)} confirmation{'s' if len(records) != 1 else ''}", file=sys.stderr)
    return 0


def _open(path: Path) -> sqlite3.Connection | None:
    try:
        return open_notes_database(path)
    except DatabaseError as exc:
        if exc.reason == DAMAGED:
            print(f"{PROG}: {exc}", file=sys.stderr)
            return None
        try:  # read-only file or folder, or another program writing: reading still works
            conn = open_database_readonly(path)
        except DatabaseError:
            print(f"{PROG}: {exc}", file=sys.stderr)
            return None
        print(f"{PROG}: {exc.reason or exc}; showing the confirmations read-only", file=sys.stderr)
        return conn


def _line(record: Attestation) -> str:
    """Local time, as the officer reads their clock; JSON and CSV keep UTC."""
    return f"{local_time(record.confirmed_at):<19}  {record.section_id:<14}  {record.title}  ({record.officer})"


def _outstanding(args: argparse.Namespace, store: AttestationStore) -> int:
    from manualviewer.services.changes import ChangeTracker

    library = workspace_from_args(args).open_library()
    try:  # what this user read: a confirmation under a renamed section's old ID counts as the app counts it
        tracker: ChangeTracker | None = ChangeTracker.open()
    except (sqlite3.Error, OSError):
        tracker = None
    try:
        items = outstanding(library, store, same_text=tracker.same_guidance if tracker else None)
    finally:
        if tracker is not None:
            tracker.close()
    if args.json:
        print_json([{"section_id": m.section_id, "title": m.title, "manual": m.manual, "due": m.due.isoformat(),
                     "state": m.state.value, "overdue": m.overdue} for m in items])
    else:
        for m in items:
            print(f"{m.section_id:<14}  {m.title}  - {m.describe()}")
        print(f"{len(items)} to read and confirm", file=sys.stderr)
    return 0


def _verify(conn: sqlite3.Connection, as_json: bool) -> int:
    try:
        report = verify_chain(conn)
    except sqlite3.OperationalError:  # a read-only database from before confirmations: none to check
        print("There are no confirmations to check.")
        return 0
    if as_json:
        print_json({"ok": report.ok, "checked": report.checked, "first_bad": report.first_bad})
    elif report.ok:
        print(f"All {report.checked} confirmations are as they were recorded.")
    else:
        print(f"Confirmation {report.first_bad} does not match what was recorded: it (or one before it) was "
              f"changed outside manualviewer. {report.checked} confirmations before it are as they were recorded.")
    return 0 if report.ok else 1
