"""The change alerts of this user (issue 17 point 2), worked out once per library version and
kept up to date cheaply as they read and bookmark: the views ask `AlertSet.get` per row.

Where "theirs" comes from: bookmarks (storage/bookmarks.py), the sections cited by the notes they
saved in the last `days` days (the `sections` list of each note's record, storage/notes.py),
the sections each unfinished run cited when it started (storage/runs.py StartedGuidance), and
their read records (what they read, when, with the content hash: services/changes.py). The rule
itself is core/changes/alerts.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from manualviewer.core.changes.alerts import DEFAULT_ALERT_DAYS, Alert, Interest, Seen, Started, alerts
from manualviewer.core.content.library import Library
from manualviewer.services.read_history import follow_renames, settle_unseen
from manualviewer.storage.bookmarks import BookmarkStore
from manualviewer.storage.database import open_database_readonly
from manualviewer.storage.notes import NoteStore
from manualviewer.storage.runs import RunStore


@dataclass(frozen=True)
class AlertSet:
    """The alerted sections, and what lies above them in the contents (manual codes and section
    IDs), so a folded branch can say a changed section is inside it."""

    alerts: Mapping[str, Alert] = field(default_factory=dict)
    lineage: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # ID -> manual and ancestors

    @cached_property
    def above(self) -> frozenset[str]:
        return frozenset(key for keys in self.lineage.values() for key in keys)

    def get(self, section_id: str) -> Alert | None:
        return self.alerts.get(section_id)

    def __len__(self) -> int:
        return len(self.alerts)

    def without(self, section_id: str) -> AlertSet:
        """The set once `section_id` has been read (its alert gone); no section is read."""
        if section_id not in self.alerts:
            return self
        return AlertSet({k: v for k, v in self.alerts.items() if k != section_id},
                        {k: v for k, v in self.lineage.items() if k != section_id})

    def marked(self) -> frozenset[str]:
        """Every key that carries a marker: the alerted sections and what is above them."""
        return frozenset(self.alerts) | self.above


def user_alerts(database: Path, library: Library, reads: Mapping[str, Seen], *, now: dt.datetime,
                days: int = DEFAULT_ALERT_DAYS) -> AlertSet:
    """The alerts, reading the user's database on a connection of its own (read-only): the window
    runs this on a worker thread, its own connection staying on the GUI thread."""
    conn = open_database_readonly(database)
    try:
        interest = interest_of(BookmarkStore(conn), NoteStore(conn), RunStore(conn), library, now, days)
    finally:
        conn.close()
    return compute(library, interest, reads, now=now, days=days)


def interest_of(bookmarks: BookmarkStore, notes: NoteStore, runs: RunStore, library: Library, now: dt.datetime,
                days: int = DEFAULT_ALERT_DAYS) -> Interest:
    """The user's sections, from their bookmarks, recent notes and unfinished runs, by current ID."""
    bookmarked = _current(library, (b.section_id for b in bookmarks.list()))
    cited: list[str] = []
    for note in notes.list(since=now - dt.timedelta(days=days)):
        try:
            sections = note.record.get("sections", []) if note.record_json else []
        except (ValueError, AttributeError):  # a record that is not an object: nothing cited
            continue
        cited += [s for s in sections if isinstance(s, str)] if isinstance(sections, list) else []
    checklists: dict[str, Started] = {}
    for saved in runs.load_unfinished():
        for section_id, content_hash in saved.guidance.sections.items():
            key = library.resolve(section_id)
            earlier = checklists.get(key) if key else None
            # The oldest unfinished run decides: it is the one still following the older text.
            if key is not None and (earlier is None or saved.started_at < earlier.read_at):
                checklists[key] = Started(content_hash, saved.started_at)
    return Interest(frozenset(bookmarked), frozenset(_current(library, cited)), checklists)


def compute(library: Library, interest: Interest, reads: Mapping[str, Seen], *, now: dt.datetime,
            days: int = DEFAULT_ALERT_DAYS) -> AlertSet:
    """The alerts for `library`: only the candidates' hashes are looked up (no text is read, but
    for a section read under a former ID: was it only renamed?)."""
    resolved = follow_renames(library, reads)  # reads under a renamed section's old ID are its own
    candidates = set(interest.bookmarked | interest.noted | interest.checklists.keys())
    cutoff = now - dt.timedelta(days=days)
    candidates.update(k for k, r in resolved.items() if r.read_at >= cutoff)
    settle_unseen(library, resolved, candidates)  # a change no reader can see is no badge
    reads = resolved
    current: dict[str, str] = {}
    for section_id in candidates:
        section = library.sections.get(section_id) if section_id in library.sections else None
        if section is not None:
            current[section_id] = section.content_hash
    found = alerts(interest, current, reads, now=now, days=days)
    return AlertSet(found, lineage(found, library))


def lineage(alerted: Iterable[str], library: Library) -> dict[str, tuple[str, ...]]:
    """The manual and the sections above each alerted section."""
    result: dict[str, tuple[str, ...]] = {}
    for section_id in alerted:
        section = library.sections.get(section_id) if section_id in library.sections else None
        if section is not None:
            result[section_id] = (section.manual, *library.breadcrumbs(section_id))
    return result


def _current(library: Library, ids: Iterable[str]) -> set[str]:
    return {key for key in (library.resolve(i) for i in ids) if key is not None}
