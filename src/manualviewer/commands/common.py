"""What every sub-command shares: the --content option, stopping with a message, printing JSON.
The content itself (folders, library, index) comes from services.workspace."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from manualviewer.core.json_limits import JsonTooDeep, loads_bounded
from manualviewer.core.problems import ContentProblem, Severity
from manualviewer.services.workspace import Workspace

T = TypeVar("T")


def add_content_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--content",
        action="append",
        type=Path,
        metavar="DIR",
        help="content folder (repeatable); default: $MANUALVIEWER_CONTENT, else the bundled library",
    )


def workspace_from_args(args: argparse.Namespace) -> Workspace:
    """The content folders a command was given (--content), else the usual ones."""
    return Workspace.from_folders(getattr(args, "content", None))


class CommandStop(Exception):
    """End a command with a one-line message on stderr and an exit status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def run_action(args: argparse.Namespace, action: str | None, parser: argparse.ArgumentParser, prog: str,
               actions: dict[str, Callable[[argparse.Namespace], int]]) -> int:
    """Run a sub-command's action (`procedure list`, `scenario run`, ...), turning CommandStop
    into its message and exit status."""
    if action is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return actions[action](args)
    except CommandStop as stop:
        print(f"{prog}: {stop}", file=sys.stderr)
        return stop.status


def print_errors(problems: Iterable[ContentProblem], prog: str) -> None:
    """Content errors on stderr (`check` reports warnings too)."""
    for problem in problems:
        if problem.severity is Severity.ERROR:
            print(f"{prog}: {problem}", file=sys.stderr)


def print_json(value: Any) -> None:
    try:
        json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # `manualviewer ... --json | head`: the reader left; that is not an error of ours.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


# --- `procedure` and `scenario`: list them, or run one with answers from a file ---------------
def add_list_and_run(
    sub: Any, name: str, help_text: str, *, list_help: str, run_help: str, id_help: str, run_json_help: str
) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """`NAME list [--json]` and `NAME run ID --answers FILE [--json]`. Returns the command's
    parser and the run parser (for more options)."""
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
    actions = parser.add_subparsers(dest=f"{name}_action", metavar="ACTION")

    list_parser = actions.add_parser("list", help=list_help)
    add_content_arguments(list_parser)
    list_parser.add_argument("--json", action="store_true", help="print a JSON array")

    run_parser = actions.add_parser("run", help=run_help)
    add_content_arguments(run_parser)
    run_parser.add_argument("id", metavar="ID", help=id_help)
    run_parser.add_argument(
        "--answers", required=True, metavar="FILE", help='JSON object {"step_id": answer, ...}; "-" reads stdin'
    )
    run_parser.add_argument("--json", action="store_true", help=run_json_help)
    return parser, run_parser


def find_by_id(found: dict[str, T], wanted: str, kind: str) -> T:
    """The one called `wanted`, or stop naming the nearest IDs."""
    item = found.get(wanted)
    if item is None:
        near = difflib.get_close_matches(wanted, list(found), n=3)
        hint = f" Did you mean: {', '.join(near)}?" if near else ""
        raise CommandStop(2, f"no {kind} {wanted!r} in this library.{hint}")
    return item


def stop_on_errors(problems: Iterable[ContentProblem], message: str) -> None:
    """Stop with `message` and the content errors among `problems`, one a line, if there are any."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        details = "\n".join(f"  {p}" for p in errors)
        raise CommandStop(1, f"{message}:\n{details}")


def read_answers(name: str) -> dict[str, Any]:
    """The answers file (`-`: stdin): one JSON object, step ID to answer."""
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        data = loads_bounded(text)  # a 100,000-deep file is a clear error, not a RecursionError
    except OSError as exc:
        raise CommandStop(2, f"cannot read the answers file: {exc}") from exc
    except JsonTooDeep as exc:
        raise CommandStop(2, f"the answers file is nested too deeply: {exc}") from exc
    except ValueError as exc:
        raise CommandStop(2, f"the answers file is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise CommandStop(2, 'the answers file must hold one JSON object: {"step_id": answer, ...}')
    return data
