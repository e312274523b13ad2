"""`manualviewer notes`: list and export the case notes saved in the user database, check that
none was changed outside the app (`verify`), and recover from a damaged database (`repair`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from manualviewer.commands.common import print_json
from manualviewer.storage import paths
from manualviewer.storage.database import DAMAGED, DatabaseError, open_database_readonly
from manualviewer.storage.notes import NoteStore, StoredNote, export_csv, export_json, export_text, verify_chain
from manualviewer.storage.recovery import kept_files, open_notes_database
from manualviewer.storage.repair import repair

EXPORTERS = {"csv": export_csv, "json": export_json, "text": export_text}


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("notes", help="list or export saved case notes")
    actions = parser.add_subparsers(dest="notes_action", metavar="ACTION")

    list_parser = actions.add_parser("list", help="one line per note, oldest first")
    _add_filters(list_parser)
    list_parser.add_argument("--json", action="store_true", help="print a JSON array")

    export_parser = actions.add_parser("export", help="print notes as CSV, JSON or plain text")
    _add_filters(export_parser)
    export_parser.add_argument(
        "--format", choices=sorted(EXPORTERS), default="csv", help="output format (default: csv)"
    )

    verify_parser = actions.add_parser("verify", help="check that no note was changed outside manualviewer")
    verify_parser.add_argument("--json", action="store_true", help="print the result as JSON")
    verify_parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)

    repair_parser = actions.add_parser(
        "repair", help="a damaged database: keep it aside, start a new one, copy what can be read"
    )
    repair_parser.add_argument("--json", action="store_true", help="print the result as JSON")
    repair_parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.set_defaults(func=run, notes_parser=parser)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customer", metavar="REF", help="only notes for this customer reference")
    parser.add_argument("--procedure", metavar="ID", help="only notes from this procedure")
    parser.add_argument(
        "--since", metavar="DATE", type=_when, help="from this date or time (local time unless given)"
    )
    parser.add_argument(
        "--until", metavar="DATE", type=_until, help="up to and including this date (or before this time)"
    )
    parser.add_argument("--text", metavar="WORDS", help="only notes containing this text (any case)")
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)  # tests, support


def _when(text: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date or time (YYYY-MM-DD[THH:MM]): {text!r}") from None
    return parsed.astimezone()  # a naive time is the officer's local time


def _until(text: str) -> dt.datetime:
    when = _when(text)
    if len(text.strip()) == 10:  # a bare date includes the whole day
        when += dt.timedelta(days=1)
    return when


def run(args: argparse.Namespace) -> int:
    if args.notes_action is None:
        args.notes_parser.print_help(sys.stderr)
        return 2
    path = args.database or paths.database_path()
    if args.notes_action == "repair":
        return _repair(path, args.json)
    try:
        conn = open_notes_database(path)
    except DatabaseError as exc:
        if exc.reason == DAMAGED:
            print(f"manualviewer notes: {exc}", file=sys.stderr)
            return 1
        try:  # read-only file or folder, or another program writing: reading still works
            conn = open_database_readonly(path)
        except DatabaseError:
            print(f"manualviewer notes: {exc}", file=sys.stderr)
            return 1
        print(f"manualviewer notes: {exc.reason or exc}; showing the notes read-only", file=sys.stderr)
    if args.notes_action == "verify":
        return _verify(conn, path, args.json)
    try:
        notes = NoteStore(conn).list(
            customer_reference=args.customer,
            procedure_id=args.procedure,
            since=args.since,
            until=args.until,
            text=args.text,
        )
    finally:
        conn.close()
    if args.notes_action == "export":
        sys.stdout.write(EXPORTERS[args.format](notes))
    elif args.json:
        print_json([n.as_json() for n in notes])
    else:
        for n in notes:
            print(_line(n))
        print(f"{len(notes)} note{'s' if len(notes) != 1 else ''}", file=sys.stderr)
    return 0


def _line(n: StoredNote) -> str:
    first = n.text.strip().splitlines()[0] if n.text.strip() else ""
    if len(first) > 60:
        first = first[:59] + "…"
    amends = f" (amends {n.amends})" if n.amends is not None else ""
    when = n.created_at.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{n.id:>5}  {when}  {n.customer_reference or '-':<12}  {n.procedure_id or '-':<16}  {first}{amends}"
    )


def _verify(conn: Any, path: Path, as_json: bool) -> int:
    try:
        report = verify_chain(conn)
    finally:
        conn.close()
    if as_json:
        print_json({**report.as_json(), "database": str(path)})
    elif report.ok:
        print(f"All {report.checked} notes are as they were saved.")
    else:
        print(f"Note {report.first_bad} does not match what was saved: {report.problem}. "
              f"{report.checked} notes before it are as they were saved.")
    return 0 if report.ok else 1


def _repair(path: Path, as_json: bool) -> int:
    if not path.is_file():
        print(f"manualviewer notes: no notes database at {path}", file=sys.stderr)
        return 1
    try:
        done = repair(path)
    except (OSError, DatabaseError) as exc:
        print(f"manualviewer notes: cannot repair {path}: {exc}", file=sys.stderr)
        return 1
    if as_json:
        print_json({**done.as_json(), "database": str(path)})
    else:
        print(f"The damaged database is kept as {done.damaged_copy}.")
        print("A new database was started with what could be read: "
              + ", ".join(f"{n} {table}" for table, n in done.copied.items()) + ".")
        for table, error in done.unreadable.items():
            print(f"Some of {table} could not be read: {error}")
    if kept_files(path):
        open_notes_database(path).close()  # saves kept while it was damaged go in now
    return 0
