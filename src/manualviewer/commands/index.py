"""`manualviewer index`: bring the search index up to date with the content (or rebuild it)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from manualviewer.commands.common import add_content_arguments, workspace_from_args


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "index", help="update the search index",
        description="Update the search index from the content: new sections are added, changed ones "
                    "re-indexed, removed ones deleted. --rebuild starts from nothing.")
    add_content_arguments(parser)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index from scratch")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from manualviewer.core.model import IndexStats
    from manualviewer.core.search.protocol import IndexBusyError
    from manualviewer.services.workspace import ensure_index

    workspace = workspace_from_args(args)
    library = workspace.open_library()
    index = workspace.open_index()
    try:
        stats = ensure_index(index, library, rebuild=args.rebuild)
    except IndexBusyError as exc:
        print(f"manualviewer: {exc}", file=sys.stderr)
        return 1
    finally:
        index.close()
    if stats is None:
        stats = IndexStats(added=0, updated=0, removed=0, seconds=0.0)  # indexed from these very files
    how = "rebuilt" if stats.rebuilt else "updated"
    print(f"Search index {how}: {stats.added} added, {stats.updated} updated, {stats.removed} removed "
          f"({len(library.sections)} sections) in {stats.seconds:.2f} s")
    return 0
