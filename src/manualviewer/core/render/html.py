"""Whole HTML documents for QTextBrowser, and the same content as plain text.

QTextBrowser reads HTML 4 with a CSS 2.1 subset: no flexbox, no CSS variables, no ::before,
no border-radius, no borders or padding on divs, no dashed underlines. Boxes are tables, and
every visual state also has words, so nothing relies on colour alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from markdown_it.common.utils import escapeHtml

from manualviewer.core.model import Manual, Section, Status
from manualviewer.core.render.boxes import CELL_PADDING
from manualviewer.core.render.parser import RenderConfig, create_parser
from manualviewer.core.render.plaintext import PlainTextRenderer
from manualviewer.core.render.xref import MISSING_NOTE, MISSING_NOTE_HTML, MISSING_TITLE


class Library(Protocol):
    """What rendering reads of the library (core.content.library.Library is one). A protocol, so
    core.render does not import core.content, which imports core.render to find links."""

    @property
    def manuals(self) -> Mapping[str, Manual]: ...
    @property
    def sections(self) -> Mapping[str, Section]: ...
    def body_of(self, section: Section) -> str: ...
    def resolve(self, section_id: str) -> str | None: ...
    def get(self, section_id: str) -> Section | None: ...
    def codes(self) -> tuple[str, ...]: ...

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Only colours that read on light and dark palettes alike (mid greys, the GOV.UK bar colours);
# text and background colours otherwise come from the palette.
STYLE = """
h1 { font-size: x-large; margin-top: 2px; margin-bottom: 4px; }
h2 { font-size: large; margin-top: 18px; margin-bottom: 6px; }
h3 { font-size: medium; margin-top: 14px; margin-bottom: 4px; }
h4, h5, h6 { font-size: medium; font-style: italic; margin-top: 12px; margin-bottom: 4px; }
span.section-id { font-weight: normal; }
p.manual { font-size: small; margin-bottom: 2px; }
p.updated { font-size: small; margin-top: 0px; margin-bottom: 8px; }
a.missing { color: #767676; font-style: italic; }
span.missing-note { font-size: small; font-style: italic; }
p.callout-title { margin-top: 2px; margin-bottom: 4px; }
p.procedure-link { font-size: large; margin-top: 4px; margin-bottom: 4px; }
table.callout, table.procedure, table.withheld { margin-top: 8px; margin-bottom: 8px; }
table.status { margin-top: 2px; margin-bottom: 6px; }
table.data { margin-top: 8px; margin-bottom: 8px; }
th { font-weight: bold; }
pre { font-family: monospace; margin-left: 12px; }
code { font-family: monospace; }
span.image-alt { font-style: italic; }
""".strip()

NOTICE_COLOURS = {
    "withdrawn": "#d4351c",
    "archived": "#505a5f",
    "superseded": "#1d70b8",
    "archive-pending": "#f47738",
    "archive-date-passed": "#f47738",
}


@dataclass(frozen=True)
class Notice:
    """One line of the status banner; `target` is a section ID shown as a link after the text."""

    kind: str
    label: str
    text: str
    target: str | None = None


def format_date(day: dt.date) -> str:
    """`30 Apr 2024`, whatever the locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def last_updated(section: Section) -> dt.date | None:
    """The `updated` date, else the newest change note's date."""
    if section.updated is not None:
        return section.updated
    dates = [note.date for note in section.change_notes if note.date is not None]
    return max(dates) if dates else None


def status_notices(section: Section, today: dt.date | None = None) -> list[Notice]:
    notices: list[Notice] = []
    date = section.archive_date
    past = section.is_past_archive_date(today)
    if section.status is Status.WITHDRAWN:
        notices.append(
            Notice("withdrawn", "Withdrawn", "This section has been withdrawn. Do not rely on it.")
        )
    if section.status is Status.ARCHIVED:
        text = "This section has been archived and is kept for reference only."
        if date is not None:
            text += f" Archive date: {format_date(date)}."
        notices.append(Notice("archived", "Archived", text))
    if section.superseded_by:
        notices.append(
            Notice("superseded", "Superseded", "This section has been replaced by", section.superseded_by)
        )
    if section.status is Status.ARCHIVE_PENDING:
        text = "This section is being considered for archiving."
        if date is not None and not past:
            text += f" Archive date: {format_date(date)}."
        notices.append(Notice("archive-pending", "Archive pending", text))
    if past and date is not None and section.status is not Status.ARCHIVED:
        notices.append(
            Notice(
                "archive-date-passed",
                "Archive date passed",
                f"The archive date {format_date(date)} has passed: this section may no longer be current.",
            )
        )
    return notices


def library_config(library: Library, procedure_titles: Mapping[str, str] | None = None) -> RenderConfig:
    """The render config for a library: its codes, its resolver and its titles."""

    def section_title(section_id: str) -> str | None:
        section = library.get(section_id)
        return section.title if section else None

    titles = dict(procedure_titles or {})
    return RenderConfig(
        codes=library.codes(),
        resolve=library.resolve,
        section_title=section_title,
        procedure_title=titles.get,
    )


def render_fragment(text: str, config: RenderConfig) -> str:
    """Body HTML only, for embedding in a document."""
    return str(create_parser(config).render(text, {}))


def html_document(title: str, body_html: str) -> str:
    return (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN">\n'
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
        f"<title>{escapeHtml(title)}</title>\n"
        f'<style type="text/css">\n{STYLE}\n</style></head>\n'
        f"<body>\n{body_html}</body></html>\n"
    )


def render_markdown_html(text: str, config: RenderConfig, *, title: str | None = None) -> str:
    """A whole document for Markdown outside a section (a manual's introduction)."""
    heading = f"<h1>{escapeHtml(title)}</h1>\n" if title else ""
    return html_document(title or "", heading + render_fragment(text, config))


MAX_RENDER_CHARS = 1_000_000  # ~300 printed pages; Markdown past this is cut, with a notice


def bounded_body(body: str) -> tuple[str, str]:
    """The body to render and, when it was cut, the notice to show: a 50 MB section would take
    the renderer most of a minute and gigabytes. Cut at a blank line where there is one."""
    if len(body) <= MAX_RENDER_CHARS:
        return body, ""
    cut = body.rfind("\n\n", MAX_RENDER_CHARS // 2, MAX_RENDER_CHARS)
    shown = body[: cut if cut > 0 else MAX_RENDER_CHARS]
    notice = (f"This section is too long to show in full: the first {len(shown):,} of {len(body):,} "
              "characters are shown. Open the file to read the rest.")
    return shown, notice


def render_section_html(
    section: Section,
    library: Library,
    *,
    today: dt.date | None = None,
    procedure_titles: Mapping[str, str] | None = None,
) -> str:
    config = library_config(library, procedure_titles)
    parts: list[str] = []
    manual = library.manuals.get(section.manual)
    if manual is not None:
        parts.append(f'<p class="manual">{escapeHtml(manual.title)}</p>\n')
    parts.append(
        f'<h1><span class="section-id">{escapeHtml(section.id)}</span> {escapeHtml(section.title)}</h1>\n'
    )
    updated = last_updated(section)
    if updated is not None:
        parts.append(f'<p class="updated">Last updated: {format_date(updated)}</p>\n')
    for notice in status_notices(section, today):
        parts.append(_notice_html(notice, library))
    body, cut = bounded_body(library.body_of(section))
    if cut:
        parts.append(f'<p class="cut-notice"><b>{escapeHtml(cut)}</b></p>\n')
    parts.append(render_fragment(body, config))
    if cut:
        parts.append(f'<p class="cut-notice"><b>{escapeHtml(cut)}</b></p>\n')
    return html_document(f"{section.id}: {section.title}", "".join(parts))


def _notice_html(notice: Notice, library: Library) -> str:
    colour = NOTICE_COLOURS.get(notice.kind, "#505a5f")
    body = f"<b>{escapeHtml(notice.label)}.</b> {escapeHtml(notice.text)}"
    if notice.target:
        body += " " + _section_link(notice.target, library)
    return (
        f'<table class="status {notice.kind}" width="100%" cellspacing="0" cellpadding="0" '
        f'border="0"><tr><td width="5" bgcolor="{colour}"></td>'
        f'<td style="{CELL_PADDING}">{body}</td></tr></table>\n'
    )


def _section_link(section_id: str, library: Library) -> str:
    target = library.resolve(section_id)
    if target is None:
        shown = escapeHtml(section_id)
        return (
            f'<a href="section:{shown}" class="xref missing" title="{MISSING_TITLE}">{shown}</a>'
            f'<span class="missing-note">{MISSING_NOTE_HTML}</span>'
        )
    section = library.sections[target]
    return (
        f'<a href="section:{escapeHtml(target)}" class="xref">'
        f"{escapeHtml(target)}: {escapeHtml(section.title)}</a>"
    )


def section_plain_text(
    section: Section,
    library: Library,
    *,
    today: dt.date | None = None,
    procedure_titles: Mapping[str, str] | None = None,
) -> str:
    """The section as plain text: a header block, the status notices, then the body."""
    config = library_config(library, procedure_titles)
    lines = [f"{section.id}: {section.title}"]
    manual = library.manuals.get(section.manual)
    if manual is not None:
        lines.append(f"Manual: {manual.title} ({manual.code})")
    updated = last_updated(section)
    if updated is not None:
        lines.append(f"Last updated: {format_date(updated)}")
    for notice in status_notices(section, today):
        line = f"{notice.label}: {notice.text}"
        if notice.target:
            target = library.resolve(notice.target)
            line += f" {target}" if target else f" {notice.target}{MISSING_NOTE}"
        lines.append(line)
    text, cut = bounded_body(library.body_of(section))
    if cut:
        lines.append(cut)
    body = PlainTextRenderer(config.resolve, config.procedure_title).render(create_parser(config), text)
    return "\n".join(lines) + "\n\n" + body + ("\n\n" + cut if cut else "") + "\n"
