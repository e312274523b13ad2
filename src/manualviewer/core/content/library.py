"""The loaded library: manuals, sections, aliases and the cross-link graph."""

from __future__ import annotations

import datetime as dt
import pickle
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, MutableMapping, ValuesView
from dataclasses import dataclass, field
from typing import Any

from manualviewer.core.content.frontmatter import FrontMatterError, read_document
from manualviewer.core.model import LinkCounts, Manual, Section, SectionRef, normalise_id
from manualviewer.core.problems import ContentProblem, Severity

# Body caches are read by the window and the indexer's thread at once.
_BODIES_LOCK = threading.Lock()


class SectionTable(MutableMapping[str, Section]):
    """Sections kept pickled, one small blob each, made into Section objects when asked for.

    A library of 100,000 sections opens from its snapshot without building 100,000 objects;
    the window asks only for what it shows."""

    CACHE_SIZE = 4096

    def __init__(self, blobs: dict[str, bytes]) -> None:
        self._blobs = blobs
        self._made: OrderedDict[str, Section] = OrderedDict()
        self._lock = threading.Lock()  # the indexer reads on its thread while the window reads

    def __getitem__(self, key: str) -> Section:
        with self._lock:
            made = self._made.get(key)
            if made is not None:
                self._made.move_to_end(key)
                return made
        section: Section = pickle.loads(self._blobs[key])
        with self._lock:
            self._made[key] = section
            if len(self._made) > self.CACHE_SIZE:
                self._made.popitem(last=False)
        return section

    def values(self) -> ValuesView[Section]:
        # Every section once, without filling the cache the window relies on.
        return _UncachedValues(self)

    def __setitem__(self, key: str, value: Section) -> None:
        self._blobs[key] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._made.pop(key, None)

    def __delitem__(self, key: str) -> None:
        del self._blobs[key]
        with self._lock:
            self._made.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._blobs

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)

    def blobs(self) -> dict[str, bytes]:
        return self._blobs


class _UncachedValues(ValuesView[Section]):
    def __init__(self, table: SectionTable) -> None:
        super().__init__(table)
        self._table = table

    def __iter__(self) -> Iterator[Section]:
        for blob in list(self._table.blobs().values()):
            yield pickle.loads(blob)


@dataclass
class Library:
    manuals: dict[str, Manual] = field(default_factory=dict)  # by code
    sections: MutableMapping[str, Section] = field(default_factory=dict)  # by upper-case ID
    problems: list[ContentProblem] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # old ID -> current ID
    embeds: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)  # procedures offered in bodies
    lazy_bodies: bool = False  # bodies are read from the files when asked for (large libraries)
    fingerprint: str = ""  # of the files it was loaded from (content_fingerprint), when known
    # Section ID -> its own `must_read_by`, gathered at load: no walk over every section for it.
    must_read: dict[str, dt.date] = field(default_factory=dict)
    _links: dict[str, tuple[SectionRef, ...]] | None = None  # source -> refs
    _links_blob: bytes | None = None  # links not unpickled yet (opened from a snapshot)
    _backlinks: dict[str, tuple[str, ...]] | None = None
    _backlinks_blobs: tuple[bytes, ...] | None = None  # from a snapshot: far smaller than every link
    _children: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    _bodies: OrderedDict[str, str] = field(default_factory=OrderedDict)
    _derived: dict[str, Any] = field(default_factory=dict)

    def derived(self, key: str, make: Callable[[], Any]) -> Any:
        """Something worked out from this library once (its procedures, its scenarios), for every
        part of the app that asks: a new library after a reload starts afresh."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    @property
    def links(self) -> dict[str, tuple[SectionRef, ...]]:
        """Cross-links by source section. From a snapshot they are read on first use."""
        if self._links is None:
            self._links = pickle.loads(self._links_blob) if self._links_blob else {}
            self._links_blob = None
        return self._links

    @links.setter
    def links(self, value: dict[str, tuple[SectionRef, ...]]) -> None:
        self._links = value
        self._links_blob = None
        self._backlinks = None

    BODY_CACHE_SIZE = 256

    def body_of(self, section: Section) -> str:
        """The section's Markdown body. Always ask here rather than `section.body`: a large
        library keeps bodies on disk, not in memory."""
        if not self.lazy_bodies or section.body:
            return section.body
        with _BODIES_LOCK:
            cached = self._bodies.get(section.id)
            if cached is not None:
                self._bodies.move_to_end(section.id)
                return cached
        try:
            body = read_document(section.path).body  # the same split as when it was loaded
        except (OSError, FrontMatterError):
            return ""
        with _BODIES_LOCK:
            self._bodies[section.id] = body
            if len(self._bodies) > self.BODY_CACHE_SIZE:
                self._bodies.popitem(last=False)
        return body

    def resolve(self, section_id: str) -> str | None:
        """The current ID for a typed, linked or old (alias) ID, or None if not in the library."""
        key = normalise_id(section_id)
        if key in self.sections:
            return key
        return self.aliases.get(key)

    def get(self, section_id: str) -> Section | None:
        key = self.resolve(section_id)
        return self.sections[key] if key else None

    def codes(self) -> tuple[str, ...]:
        """Manual codes, longest first, so a link pattern prefers DMBMX over DMBM."""
        return tuple(sorted(self.manuals, key=lambda c: (-len(c), c)))

    def link_pattern(self) -> re.Pattern[str]:
        """Matches `CODE` + digits (+ optional letter suffix) in prose, for every known code."""
        return link_pattern_for(self.codes())

    # --- structure ----------------------------------------------------------------------
    def breadcrumbs(self, section_id: str) -> tuple[str, ...]:
        """Ancestor IDs, outermost first, never the section itself; stops at a cycle."""
        chain: list[str] = []
        seen = {normalise_id(section_id)}
        current = self.get(section_id)
        while current is not None and current.parent:
            parent_id = self.resolve(current.parent)
            if parent_id is None or parent_id in seen:
                break
            seen.add(parent_id)
            chain.append(parent_id)
            current = self.sections[parent_id]
        return tuple(reversed(chain))

    def children(self, manual_code: str, parent_id: str | None) -> tuple[str, ...]:
        """Child section IDs in ID order; parent_id None gives the manual's top level."""
        return tuple(self._children.get((manual_code, parent_id or ""), ()))

    def section_count(self, manual_code: str) -> int:
        """How many sections a manual has, without touching them: every section is in exactly
        one list of children."""
        return sum(len(ids) for (code, _parent), ids in self._children.items() if code == manual_code)

    def links_from(self, section_id: str) -> tuple[SectionRef, ...]:
        key = self.resolve(section_id)
        return self.links.get(key, ()) if key else ()

    def backlinks(self, section_id: str) -> tuple[str, ...]:
        key = self.resolve(section_id)
        if key is None:
            return ()
        return self.prepare_backlinks().get(key, ())

    def prepare_backlinks(self) -> dict[str, tuple[str, ...]]:
        """Who links to whom, built on first use (the app builds it on its worker thread, so
        the first "What links here" in a large library does not wait for it). A library opened
        from a snapshot reads them from it instead: at 100,000 sections, building them meant
        unpickling every link (4.7 s, 140 MB)."""
        if self._backlinks is None:
            if self._backlinks_blobs is not None:
                # Chunk by chunk: one pickle.loads of them all held the GIL for ~0.1 s at 100,000
                # sections, and the contents tree froze while the worker read them.
                backlinks_read: dict[str, tuple[str, ...]] = {}
                for blob in self._backlinks_blobs:
                    backlinks_read.update(pickle.loads(blob))
                self._backlinks, self._backlinks_blobs = backlinks_read, None
                return self._backlinks
            backlinks: dict[str, set[str]] = defaultdict(set)
            for src, items in self.links.items():
                for ref in items:
                    target = self.resolve(ref.target)
                    if target is not None and target != src:
                        backlinks[target].add(src)
            self._backlinks = {t: tuple(sorted(s, key=id_sort_key)) for t, s in backlinks.items()}
        return self._backlinks

    def link_counts(self) -> LinkCounts:
        """Distinct (section, target) pairs, resolved against sections and aliases."""
        pairs = {(src, ref.target) for src, refs in self.links.items() for ref in refs}
        resolved = sum(1 for _, target in pairs if self.resolve(target) is not None)
        return LinkCounts(total=len(pairs), resolved=resolved, unresolved=len(pairs) - resolved)

    @property
    def errors(self) -> list[ContentProblem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[ContentProblem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    # --- building -----------------------------------------------------------------------
    def rebuild_indexes(self, refs: Iterable[SectionRef]) -> None:
        """Recompute children, links and backlinks after sections were added or changed."""
        children: dict[tuple[str, str], list[str]] = defaultdict(list)
        for section in self.sections.values():
            parent = self.resolve(section.parent) if section.parent else None
            if parent is not None and self.sections[parent].manual != section.manual:
                parent = None
            children[(section.manual, parent or "")].append(section.id)
        for ids in children.values():
            ids.sort(key=id_sort_key)
        self._children = dict(children)

        by_source: dict[str, list[SectionRef]] = defaultdict(list)
        for ref in refs:
            by_source[ref.source].append(ref)
        self.links = {src: tuple(items) for src, items in by_source.items()}  # backlinks follow on demand

    # --- snapshot: the assembled library, to open a large one at once --------------------
    def snapshot(self) -> dict[str, object]:
        table = self.sections
        blobs = table.blobs() if isinstance(table, SectionTable) else {
            key: pickle.dumps(section, protocol=pickle.HIGHEST_PROTOCOL) for key, section in table.items()
        }
        return {
            "manuals": self.manuals, "blobs": blobs, "problems": self.problems, "aliases": self.aliases,
            "embeds": self.embeds, "children": self._children, "fingerprint": self.fingerprint,
            "must_read": self.must_read,
            "links": self._links_blob if self._links is None else pickle.dumps(self._links, pickle.HIGHEST_PROTOCOL),
            "backlinks": self._backlinks_blobs if self._backlinks is None and self._backlinks_blobs is not None
            else _chunked_pickles(self.prepare_backlinks()),
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> Library:
        library = cls(
            manuals=data["manuals"], sections=SectionTable(data["blobs"]), problems=data["problems"],
            aliases=data["aliases"], embeds=data["embeds"], lazy_bodies=True, fingerprint=data["fingerprint"],
        )
        library._children = data["children"]
        library.must_read = data.get("must_read", {})
        library._links_blob = data["links"]
        backlinks = data.get("backlinks")  # not in snapshots of older versions; one blob in some
        library._backlinks_blobs = (backlinks,) if isinstance(backlinks, bytes) else \
            tuple(backlinks) if isinstance(backlinks, list | tuple) else None
        return library


PICKLE_CHUNK = 2000


def _chunked_pickles(table: dict[str, tuple[str, ...]]) -> tuple[bytes, ...]:
    items = list(table.items())
    return tuple(pickle.dumps(dict(items[i:i + PICKLE_CHUNK]), pickle.HIGHEST_PROTOCOL)
                 for i in range(0, len(items), PICKLE_CHUNK))


def link_pattern_for(codes: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(c) for c in sorted(codes, key=lambda c: (-len(c), c)))
    if not alternatives:
        return re.compile(r"(?!x)x")  # matches nothing
    # Not glued to other letters or digits on the left: "XDMBM1" is not a link.
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})\d+[A-Z]?(?![A-Za-z0-9])")


def id_sort_key(section_id: str) -> tuple[object, ...]:
    """Natural order: DMBM511015 before DMBM511130, EIM2 before EIM10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", section_id))
