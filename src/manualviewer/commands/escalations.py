"""`manualviewer escalations`: see the outbox, and retry what has not been delivered."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from manualviewer.commands.common import print_json
from manualviewer.core.settings import SettingsError
from manualviewer.storage import paths
from manualviewer.storage.database import DatabaseError
from manualviewer.storage.outbox import Escalation, EscalationState, Outbox, channel_from_settings
from manualviewer.storage.recovery import open_notes_database
from manualviewer.storage.settings_file import load_user_settings


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "escalations", help="list escalations and their delivery state, or retry delivery"
    )
    actions = parser.add_subparsers(dest="escalations_action", metavar="ACTION")
    list_parser = actions.add_parser("list", help="every escalation: state, attempts, last error")
    list_parser.add_argument("--json", action="store_true", help="print a JSON array")
    list_parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    retry_parser = actions.add_parser(
        "retry", help="deliver queued and failed escalations through the configured channel"
    )
    retry_parser.add_argument(
        "--force",
        action="store_true",
        help="also send again the escalations that may already have been delivered (the recipient "
        "may get a second copy, with the same Message-ID)",
    )
    retry_parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.set_defaults(func=run, escalations_parser=parser)


def run(args: argparse.Namespace) -> int:
    if args.escalations_action is None:
        args.escalations_parser.print_help(sys.stderr)
        return 2
    try:
        conn = open_notes_database(args.database or paths.database_path())
    except DatabaseError as exc:
        print(f"manualviewer escalations: {exc}", file=sys.stderr)
        return 1
    try:
        outbox = Outbox(conn)
        if args.escalations_action == "list":
            return _list(outbox, args.json)
        return _retry(outbox, args.force)
    finally:
        conn.close()


def _list(outbox: Outbox, as_json: bool) -> int:
    escalations = outbox.list()
    if as_json:
        print_json([e.as_json() for e in escalations])
        return 0
    for e in escalations:
        print(_describe(e))
    if not escalations:
        print("No escalations.", file=sys.stderr)
    return 0


def _describe(e: Escalation) -> str:
    when = e.created_at.strftime("%Y-%m-%d %H:%M UTC")
    line = f"#{e.id}  {when}  {e.state.value:<9}  attempts {e.attempts}  to {e.to or '(no address yet)'}  {e.subject!r}"
    if e.state is EscalationState.DELIVERED and e.delivered_at is not None:
        line += f"  delivered {e.delivered_at.strftime('%Y-%m-%d %H:%M UTC')} via {e.channel}"
    elif e.last_error:
        line += f"\n      last error: {e.last_error}"
    return line


def _retry(outbox: Outbox, force: bool) -> int:
    try:
        settings = load_user_settings()
    except SettingsError as exc:
        print(f"manualviewer escalations: {exc}", file=sys.stderr)
        return 1
    # No opener here: a mailto channel cannot open an email program from the command line.
    held = [] if force else outbox.uncertain()
    results = outbox.deliver_pending(channel_from_settings(settings), resend_uncertain=force)
    drafts = outbox.drafts()
    if drafts:  # kept by the officer ("Not now"): sent only when they say so, in the window
        print(
            f"{len(drafts)} draft{'s are' if len(drafts) != 1 else ' is'} not sent (kept with Not now): "
            "send from the Escalations panel with Send now.",
            file=sys.stderr,
        )
    for e in held:
        print(_describe(e))
    if held:
        print(
            f"{len(held)} escalation(s) may already have been delivered (the mail server had the "
            "message when the connection went quiet) and were not sent again. Check with the "
            "recipient; to send them again run: manualviewer escalations retry --force",
            file=sys.stderr,
        )
    if not results:
        if held:
            return 1
        print("Nothing to deliver.")
        return 0
    for e in results:
        print(_describe(e))
    undelivered = [e for e in results if e.state is not EscalationState.DELIVERED]
    refused = [e for e in undelivered if e.state is EscalationState.REFUSED]
    uncertain = [e for e in undelivered if e.state is EscalationState.UNCERTAIN]
    again = [e for e in undelivered if e not in refused and e not in uncertain]
    if refused:
        print(
            f"{len(refused)} escalation(s) refused permanently by the mail server: they will not be "
            "tried again; send the concern another way.",
            file=sys.stderr,
        )
    if uncertain:
        print(
            f"{len(uncertain)} escalation(s) may have been delivered: the connection went quiet after "
            "the mail server had the message. Check with the recipient before: manualviewer "
            "escalations retry --force",
            file=sys.stderr,
        )
    if again:
        print(
            f"{len(again)} of {len(results)} escalation(s) not delivered; they stay in the "
            "outbox and will be tried again.",
            file=sys.stderr,
        )
    if undelivered or held:
        return 1
    print(f"All {len(results)} escalation(s) delivered.")
    return 0
