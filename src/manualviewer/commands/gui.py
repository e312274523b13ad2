"""The desktop app: `manualviewer` with no sub-command, `manualviewer gui`, `manualviewer open ID`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from manualviewer.commands.common import add_content_arguments


def register(sub: Any) -> None:
    gui = sub.add_parser("gui", help="start the desktop app (the default)")
    add_content_arguments(gui)
    gui.set_defaults(func=run, section=None)
    open_ = sub.add_parser("open", help="open a section in the desktop app (the running one if any)")
    add_content_arguments(open_)
    open_.add_argument("section", metavar="ID",
                       help="section ID (DMBM511015), link (manualviewer://DMBM511015) or GOV.UK manual address")
    open_.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # The app sits beside the commands, not below them: cli.py, above both, gives its entry point.
    start_app: Callable[..., int] = args.start_app
    return start_app(content=getattr(args, "content", None), section=getattr(args, "section", None))
