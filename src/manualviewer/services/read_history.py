"""What this user read, by the ID each section has now: reads under a renamed section's former ID
(its `aliases`) are its own, and a change no reader can see (only the ID, an alias or a field no one
sees) does not make a read out of date. Used by services/changes.py (last_read,
changed_since_read) and services/alerts.py (the badges)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from manualviewer.core.changes.alerts import Seen
from manualviewer.core.changes.details import section_guidance
from manualviewer.core.content.library import Library
from manualviewer.storage.versions import SectionRead

_Read = TypeVar("_Read", bound=Seen)


def follow_renames(library: Library, reads: Mapping[str, _Read]) -> dict[str, _Read | SectionRead]:
    """Reads by the ID each section has now: a read under a former ID (the section was renamed
    with that ID in its `aliases`) counts for the renamed section, unless it read the renamed one
    later. When what the reader saw then is what the section shows now (only the ID changed),
    the read counts as a read of the current content; otherwise it keeps the content it read,
    so the section shows as changed since that date. Reads of IDs that lead nowhere are left out."""
    result: dict[str, _Read | SectionRead] = {k: v for k, v in reads.items() if k in library.sections}
    for old_id, read in reads.items():
        if old_id in library.sections:
            continue
        new_id = library.aliases.get(old_id)
        if new_id is None or new_id not in library.sections:
            continue
        own = result.get(new_id)
        if own is not None and own.read_at >= read.read_at:
            continue
        section = library.sections[new_id]
        guidance = str(getattr(read, "guidance", ""))  # "" for a read recorded before it was kept
        same = bool(guidance) and guidance == section_guidance(section, library.body_of(section))
        result[new_id] = SectionRead(new_id, section.content_hash if same else read.content_hash, read.read_at,
                                     guidance)
    return result


def settle_unseen(library: Library, reads: dict[str, _Read | SectionRead], ids: Iterable[str]) -> None:
    """For these ids: a read whose content hash differs from the section's now, but whose reader
    saw what the section shows now (only an alias added, or a field no one sees, changed),
    becomes a read of the current content: no badge for a change no reader can see. Only the
    sections whose hash differs are read (their text, to compare)."""
    for section_id in ids:
        read = reads.get(section_id)
        section = library.sections.get(section_id) if read is not None else None
        if read is None or section is None or section.content_hash == read.content_hash:
            continue
        guidance = str(getattr(read, "guidance", ""))
        if guidance and guidance == section_guidance(section, library.body_of(section)):
            reads[section_id] = SectionRead(section_id, section.content_hash, read.read_at, guidance)
