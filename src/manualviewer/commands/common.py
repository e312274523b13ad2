"""What every sub-command shares: where the content comes from, loading it, printing JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from manualviewer.core.content.bundled import content_folders
from manualviewer.core.content.library import Library
from manualviewer.core.content.loader import load_library
from manualviewer.core.problems import ContentProblem, Severity


def add_content_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--content",
        action="append",
        type=Path,
        metavar="DIR",
        help="content folder (repeatable); default: $MANUALVIEWER_CONTENT, else the bundled library",
    )


def folders_from_args(args: argparse.Namespace) -> list[Path]:
    from manualviewer.storage.settings_file import configured_content_folders

    explicit = getattr(args, "content", None)
    return content_folders(explicit, configured=() if explicit else configured_content_folders())


def load_library_from_args(args: argparse.Namespace, *, keep_bodies: bool = True, workers: int = 1) -> Library:
    return load_library(folders_from_args(args), keep_bodies=keep_bodies, workers=workers)


def load_cached_library_from_args(args: argparse.Namespace) -> Library:
    """The library through the user's content cache, bodies left on disk: what the app uses,
    so `search`, `index` and `show` start fast on a large library."""
    from manualviewer.core.content.loader import content_fingerprint, open_snapshot
    from manualviewer.storage.paths import library_cache_path

    folders = folders_from_args(args)
    cache = library_cache_path(folders)
    snapshot = open_snapshot(cache)
    fingerprint = content_fingerprint(folders)
    if snapshot is not None and snapshot.fingerprint == fingerprint:
        return snapshot  # every file as it was when the snapshot was taken
    return load_library(folders, cache_file=cache, fingerprint=fingerprint)


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
