"""The domain: manuals, sections and what search returns. Frozen, so any layer can share them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Status(StrEnum):
    LIVE = "live"
    ARCHIVE_PENDING = "archive-pending"
    ARCHIVED = "archived"
    WITHDRAWN = "withdrawn"


# GOV.UK's own rule for section IDs (hmrc-manuals-api schema): letters, digits and hyphens.
SECTION_ID_RE = re.compile(r"^(?=[A-Za-z0-9-]*[A-Za-z0-9])[A-Za-z0-9-]+$")  # "-" alone is not an ID


def normalise_id(text: str) -> str:
    """Canonical form of a typed or linked section ID: no spaces, upper case."""
    if text.isalnum() and text.isupper():
        return text  # the usual case, already canonical: skip the work (called per link at load)
    return "".join(text.split()).upper()


@dataclass(frozen=True)
class ChangeNote:
    date: dt.date | None
    note: str


@dataclass(frozen=True)
class MustReadMark:
    """A manual's `must_read` entry: staff must read and confirm `section` by `due`. `line` is
    the entry's line in manual.md, for problems about it."""

    section: str  # normalised ID
    due: dt.date
    line: int


@dataclass(frozen=True)
class Manual:
    code: str
    slug: str
    title: str
    organisation: str
    summary: str
    source_url: str
    licence: str
    path: Path
    body: str = ""
    local_ids: bool = False
    attribution: str = ""
    must_read: tuple[MustReadMark, ...] = ()  # sections marked "must read by" in manual.md


@dataclass(frozen=True)
class Section:
    id: str
    manual: str  # the manual's code
    title: str
    body: str  # Markdown, front matter removed
    path: Path
    body_line: int  # 1-based line in `path` where `body` starts, for problem reports
    parent: str | None = None
    status: Status = Status.LIVE
    archive_date: dt.date | None = None
    superseded_by: str | None = None
    aliases: tuple[str, ...] = ()
    review_by: dt.date | None = None
    owner: str = ""
    procedures: tuple[str, ...] = ()
    change_notes: tuple[ChangeNote, ...] = ()
    updated: dt.date | None = None
    summary: str = ""
    content_hash: str = ""
    # Staff must read and confirm this section by this date ("read and understood"). Not part
    # of content_hash: moving a deadline is not a change to the guidance.
    must_read_by: dt.date | None = None

    def is_past_archive_date(self, today: dt.date | None = None) -> bool:
        if self.archive_date is None:
            return False
        return self.archive_date < (today or dt.date.today())


@dataclass(frozen=True)
class SectionRef:
    """A link from one section to another, as written in the source."""

    source: str
    target: str  # normalised ID
    line: int  # 1-based line in the source section's file


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    manual: str
    score: float
    snippet: str  # HTML-escaped text with matched terms wrapped in <b class="match">...</b>
    # "section", or "checklist" for a guided checklist whose title or summary matched: `id` is
    # then the section that offers it and `procedure` the checklist's ID.
    kind: str = "section"
    procedure: str = ""


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[SearchHit, ...]
    suggestion: str | None = None
    fuzzy: bool = False  # True when the hits come from the typo-tolerant fallback
    total: int = 0  # sections that match in all (hits holds the best `limit` of them)


@dataclass(frozen=True)
class IndexStats:
    added: int
    updated: int
    removed: int
    seconds: float
    rebuilt: bool = False


@dataclass(frozen=True)
class LinkCounts:
    total: int
    resolved: int
    unresolved: int
