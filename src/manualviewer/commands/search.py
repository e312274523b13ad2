"""`manualviewer search QUERY...`: search the library from the terminal (updates the index first)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from manualviewer.commands.common import add_content_arguments, print_json, workspace_from_args


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "search", help="search the library",
        description="Search the library: words (all required), \"phrases\", OR, NOT or -word, word*, "
                    "or a section ID. Exit status 0 when something was found, 1 when nothing was.")
    add_content_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--limit", type=int, default=10, metavar="N", help="at most N hits (default 10)")
    parser.add_argument("--manual", metavar="CODE", help="only sections of this manual")
    parser.add_argument("query", nargs="+", metavar="QUERY")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from manualviewer.core.procedures.search import match_checklists
    from manualviewer.core.search.protocol import IndexBusyError
    from manualviewer.core.search.text import strip_tags
    from manualviewer.services.workspace import ensure_index

    workspace = workspace_from_args(args)
    library = workspace.open_library()
    for problem in library.errors:  # say why something may be missing from the results
        print(problem, file=sys.stderr)
    if not library.manuals:
        print("manualviewer: no manual was loaded from the content folders; nothing to search", file=sys.stderr)
        return 2
    query = " ".join(args.query)
    index = workspace.open_index()
    try:
        try:
            ensure_index(index, library)
        except IndexBusyError as exc:  # the app is updating it: search what is there
            print(f"manualviewer: {exc}; results may be out of date", file=sys.stderr)
        manual = args.manual.upper() if args.manual else None
        result = index.search(query, limit=max(1, args.limit), manual=manual)
    finally:
        index.close()
    checklists = match_checklists(library, query, manual)[:max(1, args.limit)]
    total = max(result.total, len(result.hits))  # an engine that does not count: what it returned

    if args.json:
        print_json({
            "query": result.query,
            "suggestion": result.suggestion,
            "total": total,
            "hits": [{"id": h.id, "title": h.title, "manual": h.manual, "score": round(h.score, 4),
                      "snippet": h.snippet} for h in result.hits],
            "checklists": [{"id": c.procedure, "section": c.id, "title": c.title, "snippet": c.snippet}
                           for c in checklists],
        })
    else:
        if result.fuzzy:
            print("Some words were read as close matches.\n")
        for hit in result.hits:
            print(f"{hit.id}  {hit.title}  [{hit.manual}]")
            if hit.snippet:
                print(f"    {strip_tags(hit.snippet)}")
            print()
        if total > len(result.hits):
            print(f"{len(result.hits)} of {total} results (--limit N shows more).\n")
        if checklists:
            print("Checklists:")
            for checklist in checklists:
                print(f"{checklist.procedure}  {checklist.title}  [start it from {checklist.id}]")
                if checklist.snippet:
                    print(f"    {strip_tags(checklist.snippet)}")
        if not result.hits and not checklists:
            print(f"Nothing found for {query!r}.")
        if result.suggestion:
            print(f"Did you mean: {result.suggestion}?")
    return 0 if result.hits or checklists else 1
