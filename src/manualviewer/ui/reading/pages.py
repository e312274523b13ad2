"""The HTML the main window shows of the library itself: the start page, Help > About, and the
header printed above a section."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

from manualviewer.core.content.library import Library
from manualviewer.ui.identity import licences_html, version_line

APP_TITLE = "Manual Viewer"


def start_page_html(library: Library) -> str:
    rows = []
    for manual in sorted(library.manuals.values(), key=lambda m: m.title):
        first = library.children(manual.code, None)
        link = f'<a href="section:{first[0]}">{html.escape(manual.title)}</a>' if first else html.escape(
            manual.title)
        count = library.section_count(manual.code)
        rows.append(
            f"<tr><td>{link}<br><small>{html.escape(manual.organisation)} &middot; {manual.code} &middot; "
            f"{count} section{'s' if count != 1 else ''}</small></td></tr>"
        )
    return (
        "<h2>Guidance library</h2>"
        "<p>Search with <b>Ctrl+K</b> (words or a section ID such as DMBM511015), or browse the "
        "contents on the left.</p>"
        f"<table cellpadding='6'>{''.join(rows)}</table>"
    )


def about_html(library: Library, packs: Sequence[str] = ()) -> str:
    """`packs`: the installed content packs and their versions ("org-guidance 1.1 (signature verified)")."""
    lines = [f"<h3>{APP_TITLE}</h3><p>{html.escape(version_line())}</p>"]
    if packs:
        lines.append("<p>Content packs installed:</p><ul>")
        lines += [f"<li>{html.escape(pack)}</li>" for pack in packs]
        lines.append("</ul>")
    lines.append("<p>Guidance in this library:</p><ul>")
    for manual in sorted(library.manuals.values(), key=lambda m: m.title):
        lines.append(
            f"<li><b>{html.escape(manual.title)}</b> ({html.escape(manual.organisation)}): "
            f"{html.escape(manual.licence or 'licence not stated')}. {html.escape(manual.attribution)}</li>"
        )
    lines.append("</ul>")
    lines.append(licences_html())
    return "".join(lines)


def print_header_html(section_id: str, title: str, today: dt.date | None = None) -> str:
    stamp = (today or dt.date.today()).strftime("%d %b %Y")
    return (
        f"<p><small>{html.escape(section_id)} &mdash; {html.escape(title)} &mdash; "
        f"printed {stamp} from {APP_TITLE}</small></p><hr>"
    )
