"""A section's word diff as a page for the section view: a heading, one sentence saying against
which version, and the text with insertions underlined and deletions struck through (each named
in words too), in colours that suit the palette, light or dark. The text is drawn as the reader
draws it (tables, links, emphasis, lists: core.changes.diff_render over the app's Markdown
renderer), in the reader's own page style."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtGui import QPalette

from manualviewer.core.changes.diff_render import DiffColours, diff_html
from manualviewer.core.changes.worddiff import BlockKind, SectionDiff
from manualviewer.core.content.library import Library
from manualviewer.core.procedures.loader import procedure_titles
from manualviewer.core.render.html import html_document, library_config
from manualviewer.services.changes import ChangeTracker, VersionDiff
from manualviewer.ui.reading.changes_bar import DiffPage

LIGHT = DiffColours(inserted="#d4f1dc", deleted="#fadcdc", label="#4d4d4d")
DARK = DiffColours(inserted="#1d4a2b", deleted="#5a2226", label="#c4c7cc")


def colours_for(palette: QPalette) -> DiffColours:
    """Tints that keep the palette's own text readable on them (dark text on light, light on dark)."""
    return DARK if palette.color(QPalette.ColorRole.Base).lightness() < 128 else LIGHT


def day_text(when: dt.datetime) -> str:
    local = when.astimezone()
    return f"{local.day} {local:%b %Y}"


def summary_of(result: VersionDiff) -> str:
    when = f" on {day_text(result.from_date)}" if result.from_date else ""
    against = f"the version you read{when}" if result.read else f"the version you had{when}"
    diff = result.diff
    if result.unchanged:
        return f"No change in the text since {against}."
    changed = _listed(result.changed_parts())  # the title, status... (in the content hash too)
    if diff.unchanged:
        return f"Changed since {against}: {changed} changed; the text itself is the same."
    counts = [(diff.count(BlockKind.CHANGED), "changed"), (diff.count(BlockKind.ADDED), "added"),
              (diff.count(BlockKind.REMOVED), "removed"), (diff.count(BlockKind.MOVED), "moved")]
    parts = ", ".join(f"{n} {word}" for n, word in counts if n)
    noun = "paragraph or item" if sum(n for n, _ in counts) == 1 else "paragraphs or items"
    besides = f" Also changed: {changed}." if changed else ""
    return (f"Changes since {against}: {parts} ({noun}).{besides} Added words are underlined, removed words "
            "struck through.")


def diff_page(tracker: ChangeTracker, library: Library, section_id: str, palette: QPalette) -> DiffPage | None:
    section = library.get(section_id)
    if section is None:
        return None
    result = tracker.diff(section, body=library.body_of(section), library=library)
    if result is None:
        return None
    summary = summary_of(result)
    # The summary goes in the bar above the page (ChangesBar), not again in the page.
    heading = (f'<h1><span class="section-id">{html.escape(section.id)}</span> '
               f"{html.escape(section.title)}</h1>\n")
    # Drawn as the reader draws the section (app.py): the library's links and checklist titles.
    config = library_config(library, procedure_titles(library))
    # The title's change shows as its word diff (a heading first); the rest is said in words.
    colours = colours_for(palette)
    title = diff_html(SectionDiff(result.shown().blocks[:1]), colours, config) if result.title_changed else ""
    told = "".join(f"<p><b>Changed:</b> {html.escape(said)}</p>" for said in result.what_changed(title=False))
    body = diff_html(result.diff, colours, config)
    return DiffPage(html_document(f"Changes in {section.id}: {section.title}", heading + title + told + body), summary)


def _listed(parts: tuple[str, ...]) -> str:
    """"the title, the status and the archive date"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else ""
