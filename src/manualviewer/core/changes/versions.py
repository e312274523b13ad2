"""A library version is the set of (section ID, content hash) pairs: comparing two versions is a
comparison of hashes, never of text, so 100,000 sections compare in well under a second."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from manualviewer.core.model import Section


@dataclass(frozen=True)
class SectionStamp:
    """What a version records of one section: enough to list it, and its content hash."""

    id: str
    manual: str
    title: str
    content_hash: str


class Change(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


@dataclass(frozen=True)
class SectionChange:
    id: str
    title: str
    manual: str
    change: Change

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "manual": self.manual, "change": self.change.value}


def former_ids(section: Section, aliases: Mapping[str, str]) -> tuple[str, ...]:
    """The IDs that lead to `section` (its aliases the library accepted: its names before a
    rename, and any older ones it lists): reads and confirmations under them are its own."""
    return tuple(a for a in section.aliases if a != section.id and aliases.get(a) == section.id)


def stamps_of(sections: Iterable[Section]) -> dict[str, SectionStamp]:
    return {s.id: SectionStamp(s.id, s.manual, s.title, s.content_hash) for s in sections}


def version_id(stamps: Mapping[str, SectionStamp]) -> str:
    """The same sections with the same content give the same ID on every desktop: a folder gets
    a version from its content hashes (a pack has a name and version besides)."""
    digest = hashlib.sha256()
    for section_id in sorted(stamps):
        digest.update(f"{section_id}\0{stamps[section_id].content_hash}\n".encode())
    return digest.hexdigest()[:16]


def compare(old: Mapping[str, SectionStamp], new: Mapping[str, SectionStamp],
            aliases: Mapping[str, str] | None = None) -> tuple[SectionChange, ...]:
    """Sections added, changed and removed from `old` to `new`, by manual then ID. A section
    renamed with an alias (`aliases` maps the old ID to the new) counts once, as changed under
    its new ID, when its text changed too; a rename alone is not a change of guidance."""
    renamed = {old_id: new_id for old_id, new_id in (aliases or {}).items()
               if old_id in old and old_id not in new and new_id in new and new_id not in old}
    renamed_from = {new_id: old_id for old_id, new_id in renamed.items()}
    changes: list[SectionChange] = []
    for section_id, stamp in new.items():
        before = old.get(section_id)
        if before is None:
            source = renamed_from.get(section_id)
            if source is None:
                changes.append(SectionChange(stamp.id, stamp.title, stamp.manual, Change.ADDED))
            elif old[source].content_hash != stamp.content_hash:
                changes.append(SectionChange(stamp.id, stamp.title, stamp.manual, Change.CHANGED))
        elif before.content_hash != stamp.content_hash:
            changes.append(SectionChange(stamp.id, stamp.title, stamp.manual, Change.CHANGED))
    for section_id, stamp in old.items():
        if section_id not in new and section_id not in renamed:
            changes.append(SectionChange(stamp.id, stamp.title, stamp.manual, Change.REMOVED))
    changes.sort(key=lambda c: (c.manual, c.id))
    return tuple(changes)
