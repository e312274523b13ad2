"""`manualviewer show ID`: one section as plain text or JSON."""

from __future__ import annotations

import argparse
import difflib
import sys
from typing import Any

from manualviewer.commands.common import add_content_arguments, print_json, workspace_from_args
from manualviewer.core.content.library import Library
from manualviewer.core.model import normalise_id


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("show", help="print one section")
    add_content_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("id", metavar="ID", help="section ID (any case, spaces allowed)")
    parser.set_defaults(func=run)


def suggestions(library: Library, wanted: str, n: int = 3) -> list[str]:
    key = normalise_id(wanted)
    candidates = list(library.sections) + list(library.aliases)
    close = difflib.get_close_matches(key, candidates, n=n, cutoff=0.6)
    if not close:
        close = [c for c in sorted(candidates) if c.startswith(key[:4])][:n]
    return close


def run(args: argparse.Namespace) -> int:
    from manualviewer.core.procedures.loader import procedure_titles
    from manualviewer.core.render.html import render_section_html, section_plain_text

    library = workspace_from_args(args).open_library()
    section = library.get(args.id)
    if section is None:
        near = suggestions(library, args.id)
        hint = f" Did you mean: {', '.join(near)}?" if near else ""
        print(f"manualviewer: no section {normalise_id(args.id)} in this library.{hint}", file=sys.stderr)
        return 2
    if args.json:
        seen: set[str] = set()
        links = []
        for ref in library.links_from(section.id):
            if ref.target not in seen:
                seen.add(ref.target)
                links.append({"target": ref.target, "resolved": library.resolve(ref.target) is not None})
        print_json({
            "id": section.id,
            "title": section.title,
            "manual": section.manual,
            "status": section.status.value,
            "breadcrumbs": list(library.breadcrumbs(section.id)),
            "links": links,
            "backlinks": list(library.backlinks(section.id)),
            "html": render_section_html(section, library, procedure_titles=procedure_titles(library)),
        })
    else:
        print(section_plain_text(section, library, procedure_titles=procedure_titles(library)))
    return 0
