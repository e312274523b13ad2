"""The search index the window searches while the library is checked and indexed off the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from manualviewer.core.content.library import Library
from manualviewer.core.model import IndexStats, SearchResult
from manualviewer.core.search.library_index import Progress, ensure_library, open_index


class SearchService:
    """The search index for the window. It searches the index on disk as soon as that opens;
    updates run on a worker thread, and Whoosh lets readers search while a writer works."""

    def __init__(self, index_dir: Path, library: Callable[[], Library] | None = None) -> None:
        self.index = open_index(index_dir)
        self._library = library  # the window's current library, for the checklists among the results
        self.ready = False
        self._update_lock = threading.Lock()  # one update at a time

    def open_existing(self) -> bool:
        """Use the index already on disk, before it is checked against the library."""
        try:
            self.ready = self.index.open()
        except Exception:  # a damaged index is rebuilt by the next update
            self.ready = False
        return self.ready

    def ensure(self, library: Library, progress: Progress | None = None) -> IndexStats | None:
        """Bring the index up to date with `library`: None when it already was, from the same files."""
        with self._update_lock:
            stats = ensure_library(self.index, library, progress)
            self.ready = True
            return stats

    def search(self, query: str, manual: str | None) -> SearchResult | None:
        """None until there is an index to search (the first build): the window says so and
        asks again when the build is done."""
        if not self.ready:
            return None
        result = self.index.search(query, limit=50, manual=manual)
        if self._library is None:
            return result
        from manualviewer.core.procedures.search import with_checklists

        return with_checklists(result, self._library(), manual)

    def close(self) -> None:
        self.index.close()
