"""What the app asks of a search index, whatever engine is behind it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from manualviewer.core.model import IndexStats, SearchResult, Section

# progress(done, total): called from the thread doing the work.
Progress = Callable[[int, int], None]
# Where a section's body comes from when the library keeps bodies on disk (Library.body_of).
BodyOf = Callable[[Section], str]


class IndexBusyError(RuntimeError):
    """Another process is writing the index."""


class SearchIndex(Protocol):
    @property
    def path(self) -> Path:
        """The folder the index lives in."""
        ...

    def open(self) -> bool:
        """Open the index on disk for searching, without building: False when there is none
        usable (then `ensure` or `build` makes one)."""
        ...

    def ensure(self, sections: Iterable[Section], progress: Progress | None = None, *,
               body_of: BodyOf | None = None, prepare_typos: bool = True) -> IndexStats:
        """Open the index (rebuilding it when missing, stale or corrupt), then update it.
        Raises IndexBusyError when another process is writing it."""
        ...

    def build(self, sections: Iterable[Section], progress: Progress | None = None, *,
              body_of: BodyOf | None = None, workers: int = 1) -> IndexStats:
        """Index `sections` from scratch, replacing whatever was there; in up to `workers`
        processes where the platform can fork (a process with threads, the app, keeps 1)."""
        ...

    def update(self, sections: Iterable[Section], progress: Progress | None = None, *,
               body_of: BodyOf | None = None) -> IndexStats:
        """Bring the index in line with `sections` (the whole library): add new sections,
        re-index changed ones (by content hash), delete removed ones."""
        ...

    def reuse(self, *, prepare_typos: bool = True) -> None:
        """The index on disk is up to date with the library: get it ready to search (files an
        older version did not write, caches)."""
        ...

    def search(self, query: str, *, limit: int = 20, manual: str | None = None) -> SearchResult:
        """Best hits first. Never raises: a query it cannot use gives an empty result."""
        ...

    def suggest(self, query: str) -> str | None:
        """A corrected spelling of `query` from the index's own words, or None."""
        ...

    def set_glossary(self, groups: Iterable[Iterable[str]]) -> None:
        """Groups of phrases that mean the same (a library's glossary): a query for one finds
        the others."""
        ...

    def close(self) -> None: ...


def section_hash(section: Section) -> str:
    """The section's content hash; computed from what the index stores when the loader gave none."""
    if section.content_hash:
        return section.content_hash
    parts = (section.id, section.title, section.body, section.status.value, section.manual,
             " ".join(section.aliases))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def section_body(section: Section) -> str:
    """The section's Markdown body; read from its file (from `body_line` on) when the library
    left it out of memory. Only sections being (re)indexed are read."""
    if section.body:
        return section.body
    try:
        text = section.path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):
        return ""
    return "".join(text.splitlines(keepends=True)[max(0, section.body_line - 1):])
