"""`manualviewer settings show [--json]`: every effective setting and where it came from: the
built-in default, the organisation's file (and whether it is locked) or the user's own file."""

from __future__ import annotations

import argparse
import sys
from enum import Enum
from pathlib import Path
from typing import Any

from manualviewer.commands.common import print_json, run_action
from manualviewer.core.settings_layers import SETTING_KEYS, flatten
from manualviewer.storage import paths
from manualviewer.storage.settings_file import load_layered, site_settings_path


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("settings", help="show the settings in use and who set them")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    show = actions.add_parser("show", help="each effective setting and where it came from")
    show.add_argument("--json", action="store_true", help="print one JSON object (shape in docs/settings.md)")
    parser.set_defaults(func=lambda args: run_action(args, args.action, parser, "manualviewer settings",
                                                     {"show": show_settings}))


def show_settings(args: argparse.Namespace) -> int:
    layered = load_layered()
    values = flatten(layered.settings)
    rows = [{"key": key, "value": _json_value(values[key]), "source": layered.sources[key].value,
             "locked": key in layered.locked} for key in SETTING_KEYS]
    if args.json:
        print_json({
            "organisation_file": str(site_settings_path()),
            "user_file": str(paths.settings_path()),
            "settings": rows,
            "problems": [str(p) for p in layered.problems],
        })
    else:
        print(f"# organisation: {site_settings_path()}")
        print(f"# yours:        {paths.settings_path()}")
        width = max(len(k) for k in SETTING_KEYS)
        for row in rows:
            source = f"{row['source']}, locked" if row["locked"] else str(row["source"])
            print(f"{row['key']:<{width}}  {_text(row['value'])}  ({source})")
    for problem in layered.problems:
        print(f"manualviewer settings: {problem}", file=sys.stderr)
    return 0


def _json_value(value: object) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


def _text(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if value is None or value == "":
        return '""' if value == "" else "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
