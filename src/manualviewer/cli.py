"""The `manualviewer` command. Each sub-command lives in manualviewer.commands.<name>
and registers itself with `register(subparsers)`; this module only assembles them."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from manualviewer.core.links import is_link

# Sub-command modules, in the order `--help` lists them.
COMMAND_MODULES = (
    "gui",
    "check",
    "search",
    "show",
    "index",
    "procedure",
    "notes",
    "attestations",
    "escalations",
    "scenario",
    "import_govuk",
    "pack",
    "settings",
    "changes",
)


def start_app(content: Sequence[Path] | None = None, section: str | None = None) -> int:
    """Start the desktop app (manualviewer.app, beside the commands rather than below them)."""
    try:
        from manualviewer.app import main as app_main
    except ImportError as exc:
        print(f"The desktop app cannot start: {exc}")
        return 2
    return app_main(content=content, section=section)


def build_parser() -> argparse.ArgumentParser:
    from manualviewer import __version__

    parser = argparse.ArgumentParser(
        prog="manualviewer",
        description="Read, search and follow internal guidance manuals.",
    )
    parser.add_argument("--version", action="version", version=f"manualviewer {__version__}")
    parser.set_defaults(start_app=start_app)  # for the gui and open commands (commands/gui.py)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"manualviewer.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"manualviewer.commands.{name}":
                continue  # not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    words = list(argv) if argv is not None else sys.argv[1:]
    if not words or (words[0].startswith("-") and words[0] not in ("-h", "--help", "--version")):
        words = ["gui", *words]  # the desktop app is the default: `manualviewer --content DIR`
    elif is_link(words[0]):
        words = ["open", *words]  # the desktop entry's `Exec=manualviewer %u` passes a link alone
    args = parser.parse_args(words)
    try:
        result: int = args.func(args)
    except BrokenPipeError:
        # `manualviewer search ... | head`: the reader left early; not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return result
