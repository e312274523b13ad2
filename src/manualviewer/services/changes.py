"""What changed in the guidance, for this user: the library versions they loaded, the sections they
read, and word diffs against what they read. No Qt: the app, the CLI and the alerts use it.

The API (other parts build on it; keep the names):

    tracker = ChangeTracker.open(path=None, clock=utc_now, keep_section_versions=...)
    tracker.record_load(library, label="") -> RecordedVersion
        Every load records one (the same version again adds no row). Keeps texts so diffs work
        offline: every section's text while the library has no more sections than the bound,
        else the texts of sections added or changed since the last load (the first load of a
        larger library keeps none: a section read keeps its text then); earlier texts are
        pruned past `keep_section_versions` (never a current text, never one the user read).
    tracker.changes_since(library, since=None) -> ChangeReport
        `since`: a version ID (or a prefix of 4+ characters), a label ("pack 1.2"), or a date
        YYYY-MM-DD; None: the version this user last had before the current one. Raises
        UnknownVersion for a `since` that names nothing recorded.
        ChangeReport: since (RecordedVersion | None), current, sections (SectionChange: id,
        title, manual, change added|changed|removed), notes (the change notes of each manual's
        added and changed sections), manual_titles.
    tracker.versions() -> list[RecordedVersion]              newest first
    tracker.kept_text(section_id) -> (title, body) | None     the newest text kept (a removed section's)
    tracker.mark_read(section, body=None)     the viewer calls it when a section is shown
    tracker.last_read(section_id, library=None) -> SectionRead | None      (read_at, content_hash)
    tracker.changed_since_read(library, ids) -> dict[str, SectionRead]
        the ids the user read whose current content hash differs from the one last read
    follow_renames(library, reads), settle_unseen(...) (services/read_history.py) and
    tracker.same_guidance(hash, section, body)
        a read (or a confirmation) under a section's former ID (renamed, the old ID in its
        `aliases`) counts for it; only the ID, an alias or a field no one sees changed: it
        counts as read (confirmed) as it is now
    tracker.diff(section, from_=None, body=None, library=None) -> VersionDiff | None
        `from_`: a content hash prefix (4+) or a date YYYY-MM-DD; None: the text last read before
        the current one (else the newest earlier text kept of the section). None
        when no earlier text of the section is kept; UnknownVersion for a `from_` that matches
        nothing. VersionDiff (services/version_diff.py): section_id, title, from_hash, from_date,
        diff (core SectionDiff of the body), read (True when from_hash is the text the user last read), title_diff,
        details (DetailChange: status, dates... in words), renamed_from; `unchanged` (nothing a
        reader sees changed), `shown()` (title heading + body blocks), `what_changed()`
        (sentences for what changed besides the text).

Calls are serialised by a lock: a load records on a worker thread while the window marks reads.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from manualviewer.core.changes.details import (
    detail_changes,
    details_from_json,
    details_json,
    details_of,
    guidance_hash,
    section_guidance,
)
from manualviewer.core.changes.versions import (
    Change,
    SectionChange,
    SectionStamp,
    compare,
    former_ids,
    stamps_of,
    version_id,
)
from manualviewer.core.changes.worddiff import diff_sections, diff_words
from manualviewer.core.content.library import Library
from manualviewer.core.model import ChangeNote, Section
from manualviewer.services.read_history import follow_renames, settle_unseen
from manualviewer.services.version_diff import VersionDiff
from manualviewer.storage.clock import Clock, utc_now
from manualviewer.storage.versions import (
    DEFAULT_KEEP_TEXTS,
    RecordedVersion,
    SectionRead,
    VersionStore,
    open_versions,
)

__all__ = [
    "ChangeReport", "ChangeTracker", "RecordedVersion", "SectionNote", "SectionRead", "UnknownVersion",
    "VersionDiff", "follow_renames", "settle_unseen",
]

_STAMPS_KEY = "changes.stamps"


class UnknownVersion(LookupError):
    """A --since or --from that names no version kept here; the message says what was asked."""


@dataclass(frozen=True)
class SectionNote:
    """A change note of one section, as the manual's editors wrote it."""

    section_id: str
    date: dt.date | None
    note: str


@dataclass(frozen=True)
class ChangeReport:
    since: RecordedVersion | None  # None: no earlier version recorded here
    current: RecordedVersion | None
    sections: tuple[SectionChange, ...]
    notes: Mapping[str, tuple[SectionNote, ...]] = field(default_factory=dict)  # by manual code
    manual_titles: Mapping[str, str] = field(default_factory=dict)

    def by_manual(self) -> dict[str, list[SectionChange]]:
        grouped: dict[str, list[SectionChange]] = {}
        for change in self.sections:
            grouped.setdefault(change.manual, []).append(change)
        return grouped

    def count(self, kind: Change) -> int:
        return sum(1 for c in self.sections if c.change is kind)

    def as_json(self) -> dict[str, object]:
        """The `changes --json` shape: {"since", "sections": [{"id", "title", "manual", "change"}]};
        "since" is the earlier version's ID (what `--since` takes back), null when none is recorded."""
        return {"since": self.since.version_id if self.since else None,
                "sections": [c.as_json() for c in self.sections]}


def describe_version(version: RecordedVersion) -> str:
    """"3 Dec 2026 (org-guidance 1.1, version 3f9a0c12d4e5b6a7)": when this user loaded it, and what."""
    day = f"{version.recorded_at.day} {version.recorded_at:%b %Y}"
    name = f"{version.label}, version {version.version_id}" if version.label else f"version {version.version_id}"
    return f"{day} ({name})"


class ChangeTracker:
    def __init__(self, store: VersionStore, *, keep_section_versions: int = DEFAULT_KEEP_TEXTS) -> None:
        self._store = store
        self._keep = keep_section_versions
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | None = None, clock: Clock = utc_now, *,
             keep_section_versions: int = DEFAULT_KEEP_TEXTS) -> ChangeTracker:
        """The user's versions database (in the data folder unless `path`); a damaged one is set
        aside and a new one started."""
        store = VersionStore(open_versions(path), clock, keep_texts=keep_section_versions)
        return cls(store, keep_section_versions=keep_section_versions)

    def close(self) -> None:
        with self._lock:
            self._store.close()

    # --- versions ------------------------------------------------------------------------------
    def record_load(self, library: Library, label: str = "") -> RecordedVersion:
        stamps = _stamps(library)
        with self._lock:
            latest = self._store.latest()
            recorded = self._store.record(stamps, label)
            if len(stamps) <= self._keep:
                wanted = list(stamps.values())
            elif latest is None or latest.version_id == recorded.version_id:
                wanted = []  # a large library's first load is the baseline: nothing changed yet
            else:  # a large library: the texts that changed are the ones a diff will need next
                previous = self._store.stamps(latest.seq)
                wanted = [s for s in stamps.values()
                          if s.id not in previous or previous[s.id].content_hash != s.content_hash]
            known = self._store.known_hashes(s.content_hash for s in wanted)
            missing = [s for s in wanted if s.content_hash not in known]
            self._store.keep_texts(_texts(library, missing))
            if missing:
                self._store.prune_texts({s.content_hash for s in stamps.values()})
            return recorded

    def current_version(self, library: Library) -> str:
        return version_id(_stamps(library))

    def kept_text(self, section_id: str) -> tuple[str, str] | None:
        """(title, Markdown body) of the newest text kept of a section: a removed one's last words."""
        with self._lock:
            kept = self._store.texts_of(section_id)
        return (kept[0].title, kept[0].body) if kept else None

    def versions(self) -> list[RecordedVersion]:
        """The library versions recorded here, newest first (what `since` can name)."""
        with self._lock:
            return self._store.versions()

    def changes_since(self, library: Library, since: str | None = None) -> ChangeReport:
        stamps = _stamps(library)
        current_id = version_id(stamps)
        with self._lock:
            current = next((v for v in self._store.versions() if v.version_id == current_id), None)
            if since is None:
                base = self._store.previous_to(current_id)
            else:
                base = self._store.find(since)
                if base is None:
                    raise UnknownVersion(f"no library version {since!r} is recorded here "
                                         "(give a version ID, a pack label or a date YYYY-MM-DD)")
            old = self._store.stamps(base.seq) if base is not None else stamps
        sections = self._without_unseen_changes(compare(old, stamps, library.aliases), old, library)
        titles = {code: manual.title for code, manual in library.manuals.items()}
        return ChangeReport(base, current, sections, _notes(library, sections, base), titles)

    def _without_unseen_changes(self, sections: tuple[SectionChange, ...], old: Mapping[str, SectionStamp],
                                library: Library) -> tuple[SectionChange, ...]:
        """A changed content hash is a change for a reader only when what they see changed: a
        section only renamed (its old ID in its aliases; the ID is in the file), or changed only
        in a field no one sees (an alias added, an unknown key), is left out when its earlier
        kept text says so; when none was kept it stays listed."""
        renamed = {new: old_id for old_id, new in library.aliases.items()
                   if old_id in old and new in library.sections and new not in old}
        kept: list[SectionChange] = []
        for change in sections:
            source = renamed.get(change.id, change.id) if change.change is Change.CHANGED else None
            if source is not None and source in old:
                section = library.sections[change.id]
                if self.same_guidance(old[source].content_hash, section, library.body_of(section)):
                    continue
            kept.append(change)
        return tuple(kept)

    # --- reads ---------------------------------------------------------------------------------
    def mark_read(self, section: Section, body: str | None = None) -> None:
        """The user was shown `section` (`body`: its text when the library keeps bodies on disk)."""
        if not section.content_hash:
            return
        with self._lock:
            text = section.body if body is None else body
            self._store.mark_read(section.id, section.content_hash, section.title, text, details_json(section),
                                  section_guidance(section, text))

    def last_read(self, section_id: str, library: Library | None = None) -> SectionRead | None:
        """The last read; with `library`, of the section `section_id` leads to now, reads under
        its former IDs included (see `follow_renames`)."""
        if library is None:
            with self._lock:
                return self._store.last_read(section_id)
        key = library.resolve(section_id) or section_id
        section = library.sections.get(key) if key in library.sections else None
        ids = [key, *(former_ids(section, library.aliases) if section is not None else ())]
        with self._lock:
            reads = self._store.last_reads(ids)
        resolved = follow_renames(library, reads)
        settle_unseen(library, resolved, [key])
        return resolved.get(key)

    def changed_since_read(self, library: Library, ids: Iterable[str]) -> dict[str, SectionRead]:
        """The ids (current ones) whose text changed since the user last read them, under this
        ID or a former one; the read is the one to compare with (its date and content hash)."""
        wanted = [i for i in ids if i in library.sections]
        former = [a for i in wanted for a in former_ids(library.sections[i], library.aliases)]
        with self._lock:
            reads = self._store.last_reads([*wanted, *former])
        resolved = follow_renames(library, reads)
        settle_unseen(library, resolved, wanted)
        changed: dict[str, SectionRead] = {}
        for section_id in wanted:
            read = resolved.get(section_id)
            if read is not None and library.sections[section_id].content_hash != read.content_hash:
                changed[section_id] = read
        return changed

    def same_guidance(self, content_hash: str, section: Section, body: str | None = None) -> bool:
        """Whether the text kept under `content_hash` (read, or confirmed, maybe under a former ID)
        is what a reader sees of `section` now: only its ID or a field no one sees changed. False
        when that text was not kept, or kept without its details (then no one can tell)."""
        with self._lock:
            stored = self._store.text(content_hash)
        before = details_from_json(stored.details) if stored is not None else None
        if stored is None or before is None:
            return False
        text = section.body if body is None else body
        return guidance_hash(stored.title, stored.body, before) == section_guidance(section, text)

    def all_last_reads(self) -> dict[str, SectionRead]:
        """Every section's last read, by ID (for the change alerts, services/alerts.py)."""
        with self._lock:
            return {read.section_id: read for read in self._store.reads()}  # oldest first: last wins

    # --- diffs ---------------------------------------------------------------------------------
    def diff(self, section: Section, from_: str | None = None, body: str | None = None,
             library: Library | None = None) -> VersionDiff | None:
        """With `library`, only the aliases it accepted count as the section's former IDs (an
        alias that is another section's ID is ignored there, and here)."""
        current = section.body if body is None else body
        names = [section.id, *(former_ids(section, library.aliases) if library is not None
                               else (a for a in section.aliases if a != section.id))]
        with self._lock:
            found = self._earlier_text(section, from_, names)
            if found is None:
                return None
            old_hash, when, read = found
            stored = self._store.text(old_hash)
        if stored is None:
            return None
        title_diff = diff_words(stored.title, section.title) if stored.title != section.title else ()
        before = details_from_json(stored.details)
        details = detail_changes(before, details_of(section)) if before is not None else ()
        renamed = stored.section_id if stored.section_id != section.id else ""
        return VersionDiff(section.id, section.title, old_hash, when, diff_sections(stored.body, current), read,
                           from_title=stored.title, title_diff=title_diff, details=details,
                           details_kept=before is not None, renamed_from=renamed)

    def _earlier_text(self, section: Section, from_: str | None,
                      names: list[str]) -> tuple[str, dt.datetime | None, bool] | None:
        """`names`: the section's ID and its former ones (read before a rename too)."""
        if from_ is None:
            read = self._store.last_read(names, other_than=section.content_hash)
            if read is not None and self._store.text(read.content_hash) is not None:
                return read.content_hash, read.read_at, True
            for kept in self._store.texts_of(names):  # newest first
                if kept.content_hash != section.content_hash:
                    return kept.content_hash, kept.stored_at, False
            return None
        text = from_.strip().lower()
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            day = None
        if day is not None:
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
            for version in self._store.versions():
                if version.recorded_at < end:
                    stamp = self._store.stamps(version.seq).get(section.id)
                    if stamp is not None:
                        return stamp.content_hash, version.recorded_at, False
            raise UnknownVersion(f"no version of {section.id} recorded on or before {day.isoformat()}")
        if len(text) < 4:
            raise UnknownVersion(f"{from_!r} is too short: give at least 4 characters of a content hash")
        for kept in self._store.texts_of(names):
            if kept.content_hash.startswith(text):
                return kept.content_hash, kept.stored_at, False
        raise UnknownVersion(f"no kept text of {section.id} has a content hash starting {from_!r}")


def _stamps(library: Library) -> dict[str, SectionStamp]:
    """Worked out once per library (100,000 sections unpickled once, not at every question)."""
    made: dict[str, SectionStamp] = library.derived(_STAMPS_KEY, lambda: stamps_of(library.sections.values()))
    return made


def _texts(library: Library, stamps: Iterable[SectionStamp]) -> Iterable[tuple[str, str, str, str, str]]:
    for stamp in stamps:
        section = library.sections.get(stamp.id)
        if section is not None:
            yield stamp.id, stamp.content_hash, stamp.title, library.body_of(section), details_json(section)


def _notes(library: Library, changes: Iterable[SectionChange],
           since: RecordedVersion | None) -> dict[str, tuple[SectionNote, ...]]:
    """Each added or changed section's change notes dated after `since`, and its latest note
    whatever its date (a GOV.UK note can be older than the pack that brings the change)."""
    cutoff = since.recorded_at.date() if since is not None else None
    notes: dict[str, list[SectionNote]] = {}
    for change in changes:
        if change.change is Change.REMOVED:
            continue
        section = library.sections.get(change.id)
        if section is None or not section.change_notes:
            continue
        latest = _latest(section.change_notes)
        for note in section.change_notes:
            fresh = cutoff is not None and note.date is not None and note.date >= cutoff
            if note is latest or fresh:
                notes.setdefault(change.manual, []).append(SectionNote(section.id, note.date, note.note))
    return {code: tuple(sorted(items, key=lambda n: (n.date or dt.date.min), reverse=True))
            for code, items in notes.items()}


def _latest(notes: tuple[ChangeNote, ...]) -> ChangeNote:
    dated = [n for n in notes if n.date is not None]
    return max(dated, key=lambda n: n.date or dt.date.min) if dated else notes[-1]
