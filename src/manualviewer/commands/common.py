"""What every sub-command shares: the --content option, stopping with a message, printing JSON.
The content itself (folders, library, index) comes from services.workspace."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from manualviewer.core.problems import ContentProblem, Severity
from manualviewer.services.workspace import Workspace


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
