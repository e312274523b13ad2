"""Keeping an index in step with a library, for the app and the command line alike.

The index folder records the fingerprint of the content files it was last brought up to date
from; when the library's fingerprint is the same, nothing needs comparing. That matters at
100,000 sections, where comparing means making every section."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from manualviewer.core.content.glossary import glossary_of
from manualviewer.core.content.library import Library
from manualviewer.core.files import atomic_write
from manualviewer.core.model import IndexStats
from manualviewer.core.search.protocol import SearchIndex

FINGERPRINT_FILE = "library.fingerprint"


def open_index(folder: Path) -> SearchIndex:
    """The search index kept in `folder` (Whoosh is the store; callers see the protocol)."""
    from manualviewer.core.search.whoosh_index import WhooshIndex

    return WhooshIndex(folder)

Progress = Callable[[int, int], None]


def ensure_library(index: SearchIndex, library: Library, progress: Progress | None = None, *,
                   rebuild: bool = False, prepare_typos: bool = True, workers: int = 1) -> IndexStats | None:
    """Bring `index` up to date with `library` (or rebuild it), and give it the library's
    glossary. None when it already was, from the very same files. `workers`: processes a
    rebuild may use (SearchIndex.build)."""
    index.set_glossary(glossary_of(library).groups())
    if not rebuild and library.fingerprint and index.open() and indexed_fingerprint(index) == library.fingerprint:
        index.reuse(prepare_typos=prepare_typos)
        return None
    if rebuild:
        stats = index.build(library.sections.values(), progress, body_of=library.body_of, workers=workers)
    else:
        stats = index.ensure(library.sections.values(), progress, body_of=library.body_of,
                             prepare_typos=prepare_typos)
    record_fingerprint(index, library.fingerprint)
    return stats


def indexed_fingerprint(index: SearchIndex) -> str:
    try:
        return (index.path / FINGERPRINT_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def record_fingerprint(index: SearchIndex, fingerprint: str) -> None:
    if not fingerprint:
        return
    with contextlib.suppress(OSError):  # no record: only a slower check next time
        atomic_write(index.path / FINGERPRINT_FILE, fingerprint + "\n")
